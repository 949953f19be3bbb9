/* io/table.c - rows of named text fields from a response file.
 *
 * Dispatches each format to its reader. The CSV-shaped formats (plain CSV,
 * Qualtrics, SurveyMonkey, Google Forms) are read here: their header rows at
 * open, naming the columns once, and then the CSV reader's records handed
 * out as rows without copying them. JSON Lines is read by io/jsonl.c, whose
 * rows this file passes on as they are.
 *
 * Behaviour worth knowing (beyond io/table.h):
 *  - A header cell that is empty after trimming is named "column N" (its
 *    1-based position), so that every column has a name the mapping can use.
 *  - A CSV row with more fields than the header, whose extra fields are all
 *    empty (a trailing delimiter, as spreadsheets write), is accepted and
 *    the extra fields dropped. Any other difference in the field count is a
 *    malformed row (2); its values are all given, with "" as the name of
 *    fields past the header.
 *  - Qualtrics: the header rows 2 and 3 may have fewer or more cells than
 *    row 1; missing aliases are absent and extra cells ignored. A row 3
 *    cell that is not {"ImportId": "..."} JSON is used as the alias as it
 *    is. An alias equal to the column name is left out.
 *  - JSON Lines: see io/jsonl.h (an empty file is a table without rows).
 *
 * Errors of tp_table_open() start with the path (the importer shows them as
 * they are); errors of tp_table_next() start with "line N" (the importer
 * adds the path). */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv_reader.h"
#include "io/jsonl.h"
#include "io/table.h"

struct tp_table {
	enum tp_table_format format;
	struct tp_csv_reader *csv;

	/* Header formats: the columns. */
	size_t n_columns;
	char **names;	     /* n_columns names, owned */
	char **aliases;	     /* 2 per column, owned, NULL when absent */
	const char **fields; /* names of a row's fields: names, then "" */
	int *positions;	     /* 1, 2, 3, ... */
	size_t fields_cap;

	/* JSON Lines. */
	struct tp_jsonl_reader *jsonl;
};

static const char *const format_names[] = {
    [TP_TABLE_CSV] = "CSV",
    [TP_TABLE_JSONL] = "JSON Lines",
    [TP_TABLE_QUALTRICS] = "Qualtrics",
    [TP_TABLE_SURVEYMONKEY] = "SurveyMonkey",
    [TP_TABLE_GOOGLEFORMS] = "Google Forms",
};

/* --- small text helpers --- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* A copy of s[0..n) without surrounding white space; NULL when out of
 * memory. */
static char *trimmed_copy(const char *s, size_t n)
{
	while (n && is_space(*s)) {
		s++;
		n--;
	}
	while (n && is_space(s[n - 1]))
		n--;
	char *t = malloc(n + 1);
	if (!t)
		return NULL;
	memcpy(t, s, n);
	t[n] = '\0';
	return t;
}

/* A new printf-formatted string; NULL when out of memory. */
__attribute__((format(printf, 1, 2))) static char *format_text(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* A capacity of at least need (and 16), doubling from cap. */
static size_t grown(size_t cap, size_t need)
{
	size_t n = cap ? cap : 16;
	while (n < need)
		n *= 2;
	return n;
}

/* --- column names --- */

/* An open-addressing set of names, each with the column that owns it and
 * the next " (k)" suffix to try for its duplicates. */
struct name_set {
	size_t cap;
	const char **keys;
	size_t *column;
	unsigned *next_suffix;
};

static size_t name_hash(const char *s)
{
	size_t h = 14695981039346656037u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* The slot holding name, or the empty slot where it would go. */
static size_t name_slot(const struct name_set *set, const char *name)
{
	size_t i = name_hash(name) & (set->cap - 1);
	while (set->keys[i] && strcmp(set->keys[i], name) != 0)
		i = (i + 1) & (set->cap - 1);
	return i;
}

static void name_set_add(struct name_set *set, size_t slot, const char *name, size_t column)
{
	set->keys[slot] = name;
	set->column[slot] = column;
	set->next_suffix[slot] = 2;
}

/* Renames the second and later columns of a name to "name (2)", "name
 * (3)", ..., skipping names already taken. */
static enum tp_status make_unique(struct tp_table *t, const char *path, struct tp_error *err)
{
	struct name_set set = {.cap = 16};
	while (set.cap < 2 * t->n_columns + 2)
		set.cap *= 2;
	enum tp_status st = TP_OK;
	set.keys = calloc(set.cap, sizeof *set.keys);
	set.column = calloc(set.cap, sizeof *set.column);
	set.next_suffix = calloc(set.cap, sizeof *set.next_suffix);
	if (!set.keys || !set.column || !set.next_suffix)
		goto nomem;
	for (size_t i = 0; i < t->n_columns; i++) {
		size_t slot = name_slot(&set, t->names[i]);
		if (!set.keys[slot])
			name_set_add(&set, slot, t->names[i], i);
	}
	for (size_t i = 0; i < t->n_columns; i++) {
		size_t base = name_slot(&set, t->names[i]);
		if (set.column[base] == i)
			continue;
		for (;;) {
			char *name = format_text("%s (%u)", t->names[i], set.next_suffix[base]++);
			if (!name)
				goto nomem;
			size_t slot = name_slot(&set, name);
			if (set.keys[slot]) {
				free(name);
				continue;
			}
			free(t->names[i]);
			t->names[i] = name;
			name_set_add(&set, slot, name, i);
			break;
		}
	}
	goto out;
nomem:
	st = tp_error_set(err, TP_ENOMEM, "%s: out of memory", path);
out:
	free(set.keys);
	free(set.column);
	free(set.next_suffix);
	return st;
}

/* Sizes the names and positions handed out with rows for rows of n
 * fields: the header's names, then "" for fields past the header. */
static bool reserve_row_fields(struct tp_table *t, size_t n)
{
	if (n <= t->fields_cap)
		return true;
	size_t cap = grown(t->fields_cap, n);
	const char **fields = malloc(cap * sizeof *fields);
	int *positions = malloc(cap * sizeof *positions);
	if (!fields || !positions) {
		free(fields);
		free(positions);
		return false;
	}
	for (size_t i = 0; i < cap; i++) {
		fields[i] = i < t->n_columns ? t->names[i] : "";
		positions[i] = (int)i + 1;
	}
	free(t->fields);
	free(t->positions);
	t->fields = fields;
	t->positions = positions;
	t->fields_cap = cap;
	return true;
}

/* Names the columns from the first header row, trimmed; "column N" when
 * empty. */
static enum tp_status take_names(struct tp_table *t, const struct tp_csv_record *rec,
				 const char *path, struct tp_error *err)
{
	t->names = calloc(rec->n_fields, sizeof *t->names);
	t->aliases = calloc(2 * rec->n_fields, sizeof *t->aliases);
	if (!t->names || !t->aliases)
		return tp_error_set(err, TP_ENOMEM, "%s: out of memory", path);
	t->n_columns = rec->n_fields;
	for (size_t i = 0; i < rec->n_fields; i++) {
		t->names[i] = trimmed_copy(rec->fields[i], rec->lengths[i]);
		if (!t->names[i])
			return tp_error_set(err, TP_ENOMEM, "%s: out of memory", path);
	}
	return TP_OK;
}

static bool all_empty(char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (names[i][0])
			return false;
	return true;
}

static enum tp_status name_empty_columns(struct tp_table *t, const char *path, struct tp_error *err)
{
	for (size_t i = 0; i < t->n_columns; i++) {
		if (t->names[i][0])
			continue;
		free(t->names[i]);
		t->names[i] = format_text("column %zu", i + 1);
		if (!t->names[i])
			return tp_error_set(err, TP_ENOMEM, "%s: out of memory", path);
	}
	return TP_OK;
}

/* --- Qualtrics --- */

/* The ImportId of a Qualtrics header cell such as {"ImportId":"QID1_TEXT"};
 * the cell as it is when it is not a JSON object; NULL (and *nomem false)
 * when it is an object without an ImportId. */
static char *import_id(const char *cell, size_t n, bool *nomem)
{
	*nomem = false;
	json_error_t jerr;
	json_t *doc = json_loadb(cell, n, JSON_DECODE_ANY, &jerr);
	char *id;
	if (!json_is_object(doc)) {
		json_decref(doc);
		id = trimmed_copy(cell, n);
		*nomem = !id;
		return id;
	}
	const char *s = json_string_value(json_object_get(doc, "ImportId"));
	id = s ? trimmed_copy(s, strlen(s)) : NULL;
	*nomem = s && !id;
	json_decref(doc);
	return id;
}

/* Adds alias a (taking it) to column i unless empty or already a name. */
static void add_alias(struct tp_table *t, size_t i, char *a)
{
	char **slot = &t->aliases[2 * i];
	if (!a[0] || strcmp(a, t->names[i]) == 0 || (slot[0] && strcmp(a, slot[0]) == 0)) {
		free(a);
		return;
	}
	if (slot[0])
		slot++;
	*slot = a;
}

/* Row 2 (question texts, k == 0) or row 3 (ImportIds, k == 1). */
static enum tp_status qualtrics_aliases(struct tp_table *t, const struct tp_csv_record *rec, int k,
					const char *path, struct tp_error *err)
{
	size_t n = rec->n_fields < t->n_columns ? rec->n_fields : t->n_columns;
	for (size_t i = 0; i < n; i++) {
		bool nomem = false;
		char *a = k == 0 ? trimmed_copy(rec->fields[i], rec->lengths[i])
				 : import_id(rec->fields[i], rec->lengths[i], &nomem);
		if (!a && (k == 0 || nomem))
			return tp_error_set(err, TP_ENOMEM, "%s: out of memory", path);
		if (a)
			add_alias(t, i, a);
	}
	return TP_OK;
}

/* --- SurveyMonkey --- */

static bool plain_label(const char *label)
{
	return !label[0] || strcmp(label, "Response") == 0 ||
	       strcmp(label, "Open-Ended Response") == 0;
}

/* The name of column i, whose question (filled forward) is q, whose label
 * is label, in a question that has labels other than plain ones when
 * labelled is true. */
static char *surveymonkey_name(const char *q, const char *label, bool labelled)
{
	if (!label[0] || strcmp(label, "Response") == 0 ||
	    (!labelled && strcmp(label, "Open-Ended Response") == 0))
		return strdup(q);
	if (strcmp(label, "Open-Ended Response") == 0)
		label = "Other";
	if (!q[0])
		return strdup(label);
	return format_text("%s [%s]", q, label);
}

/* Fills the questions of row 1 forward over blank cells and names each
 * column from its question and its row 2 label. */
static enum tp_status surveymonkey_names(struct tp_table *t, const struct tp_csv_record *rec,
					 const char *path, struct tp_error *err)
{
	enum tp_status st = TP_OK;
	size_t n = t->n_columns;
	char **labels = calloc(n, sizeof *labels);
	char **questions = calloc(n, sizeof *questions); /* borrowed from names */
	if (!labels || !questions)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		labels[i] =
		    i < rec->n_fields ? trimmed_copy(rec->fields[i], rec->lengths[i]) : strdup("");
		if (!labels[i])
			goto nomem;
		questions[i] = t->names[i][0] || i == 0 ? t->names[i] : questions[i - 1];
	}
	for (size_t start = 0, end; start < n; start = end) {
		bool labelled = false;
		for (end = start; end < n && questions[end] == questions[start]; end++)
			labelled = labelled || !plain_label(labels[end]);
		for (size_t i = start; i < end; i++) {
			char *name = surveymonkey_name(questions[i], labels[i], labelled);
			if (!name)
				goto nomem;
			free(labels[i]);
			labels[i] = name;
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(t->names[i]);
		t->names[i] = labels[i];
	}
	free(labels);
	labels = NULL;
	goto out;
nomem:
	st = tp_error_set(err, TP_ENOMEM, "%s: out of memory", path);
out:
	if (labels)
		for (size_t i = 0; i < n; i++)
			free(labels[i]);
	free(labels);
	free(questions);
	return st;
}

/* --- opening the CSV-shaped formats --- */

static int header_rows(enum tp_table_format f)
{
	return f == TP_TABLE_QUALTRICS ? 3 : f == TP_TABLE_SURVEYMONKEY ? 2 : 1;
}

/* Reads header row k (1-based) into *rec. */
static enum tp_status read_header_row(struct tp_table *t, int k, long last_line,
				      struct tp_csv_record *rec, const char *path,
				      struct tp_error *err)
{
	int got = tp_csv_reader_next(t->csv, rec, err);
	if (got < 0) {
		tp_error_prefix(err, "%s", path);
		return err->status;
	}
	if (got == 1)
		return TP_OK;
	if (k == 1)
		return tp_error_set(err, TP_EINPUT, "%s: empty file: no header row", path);
	return tp_error_set(err, TP_EINPUT,
			    "%s: line %ld: the file ends after %d header row%s; a %s export "
			    "starts with %d",
			    path, last_line, k - 1, k == 2 ? "" : "s", format_names[t->format],
			    header_rows(t->format));
}

static enum tp_status open_csv(struct tp_table *t, const char *path, struct tp_error *err)
{
	enum tp_status st = tp_csv_reader_open(path, 0, &t->csv, err);
	if (st != TP_OK)
		return st;
	struct tp_csv_record rec;
	st = read_header_row(t, 1, 0, &rec, path, err);
	if (st == TP_OK)
		st = take_names(t, &rec, path, err);
	if (st != TP_OK)
		return st;
	bool tool = t->format == TP_TABLE_QUALTRICS || t->format == TP_TABLE_SURVEYMONKEY;
	if (tool && all_empty(t->names, t->n_columns))
		return tp_error_set(err, TP_EINPUT,
				    "%s: line %ld: empty %s header: the first row names no columns",
				    path, rec.line, format_names[t->format]);
	for (int k = 2; k <= header_rows(t->format) && st == TP_OK; k++) {
		st = read_header_row(t, k, rec.line, &rec, path, err);
		if (st != TP_OK)
			break;
		if (t->format == TP_TABLE_QUALTRICS)
			st = qualtrics_aliases(t, &rec, k - 2, path, err);
		else
			st = surveymonkey_names(t, &rec, path, err);
	}
	if (st == TP_OK)
		st = name_empty_columns(t, path, err);
	if (st == TP_OK)
		st = make_unique(t, path, err);
	if (st == TP_OK && !reserve_row_fields(t, t->n_columns))
		st = tp_error_set(err, TP_ENOMEM, "%s: out of memory", path);
	return st;
}

/* --- CSV rows --- */

static int next_csv(struct tp_table *t, struct tp_table_row *row, struct tp_error *err)
{
	struct tp_csv_record rec;
	int got = tp_csv_reader_next(t->csv, &rec, err);
	if (got != 1)
		return got;
	size_t n = rec.n_fields;
	if (n > t->n_columns) {
		size_t i = t->n_columns;
		while (i < n && rec.lengths[i] == 0)
			i++;
		if (i == n)
			n = t->n_columns;
	}
	if (!reserve_row_fields(t, n)) {
		tp_error_set(err, TP_ENOMEM, "line %ld: out of memory", rec.line);
		return -1;
	}
	*row = (struct tp_table_row){
	    .line = rec.line,
	    .n = n,
	    .names = t->fields,
	    .values = (const char *const *)rec.fields,
	    .lengths = rec.lengths,
	    .columns = t->positions,
	};
	if (n == t->n_columns)
		return 1;
	tp_error_set(err, TP_EINPUT, "line %ld: %zu field%s, but the header has %zu", rec.line, n,
		     n == 1 ? "" : "s", t->n_columns);
	return 2;
}

/* --- the interface --- */

enum tp_status tp_table_open(const char *path, enum tp_table_format format, struct tp_table **out,
			     struct tp_error *err)
{
	struct tp_error local;
	if (!err)
		err = &local;
	*out = NULL;
	if ((unsigned)format > TP_TABLE_GOOGLEFORMS)
		return tp_error_set(err, TP_EUSAGE, "unknown table format %d", (int)format);
	struct tp_table *t = calloc(1, sizeof *t);
	if (!t)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	t->format = format;
	enum tp_status st =
	    format == TP_TABLE_JSONL ? tp_jsonl_open(path, &t->jsonl, err) : open_csv(t, path, err);
	if (st != TP_OK) {
		tp_table_free(t);
		return st;
	}
	*out = t;
	return TP_OK;
}

bool tp_table_has_header(const struct tp_table *t)
{
	return t->format != TP_TABLE_JSONL;
}

size_t tp_table_n_columns(const struct tp_table *t)
{
	return t->n_columns;
}

const char *tp_table_column_name(const struct tp_table *t, size_t column)
{
	return column < t->n_columns ? t->names[column] : NULL;
}

const char *tp_table_column_alias(const struct tp_table *t, size_t column, size_t k)
{
	if (column >= t->n_columns || k >= 2)
		return NULL;
	return t->aliases[2 * column + k];
}

int tp_table_next(struct tp_table *t, struct tp_table_row *row, struct tp_error *err)
{
	if (t->format == TP_TABLE_JSONL)
		return tp_jsonl_next(t->jsonl, row, err);
	return next_csv(t, row, err);
}

int64_t tp_table_bytes_read(const struct tp_table *t)
{
	return t->csv ? tp_csv_reader_bytes_read(t->csv) : tp_jsonl_bytes_read(t->jsonl);
}

int64_t tp_table_bytes_total(const struct tp_table *t)
{
	return t->csv ? tp_csv_reader_bytes_total(t->csv) : tp_jsonl_bytes_total(t->jsonl);
}

void tp_table_free(struct tp_table *t)
{
	if (!t)
		return;
	tp_csv_reader_free(t->csv);
	for (size_t i = 0; i < t->n_columns; i++) {
		free(t->names[i]);
		free(t->aliases[2 * i]);
		free(t->aliases[2 * i + 1]);
	}
	free(t->names);
	free(t->aliases);
	free(t->fields);
	free(t->positions);
	tp_jsonl_free(t->jsonl);
	free(t);
}
