/* io/jsonl.c - rows of named text fields from a JSON Lines file.
 *
 * Reads one line at a time through its own bounded line buffer (a line may
 * not be longer than JSONL_LINE_MAX) and parses it with jansson; a row's
 * fields point into the parsed document, kept until the next row, and into
 * arrays of the reader that grow to the largest row. Numbers are formatted
 * into the reader too, so a row costs no allocation once the arrays are
 * big enough.
 *
 * Limits and behaviour: see io/jsonl.h. */
#include <errno.h>
#include <jansson.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/csv_reader.h"
#include "io/jsonl.h"

#define JSONL_BLOCK (64u << 10)
#define JSONL_LINE_MAX (8u << 20)
#define NUMBER_MAX 32

/* The lines of a JSON Lines file: buf[start..end) is read and not yet
 * returned; buf[start..scan) is known to hold no newline. */
struct lines {
	FILE *f;
	char *buf;
	size_t cap, start, end, scan;
	bool eof;
	long line; /* the line returned last */
	int64_t consumed, total;
};

struct tp_jsonl_reader {
	struct lines in;
	json_t *doc; /* the document of the row returned last */

	/* The row returned last: json_cap fields of each. */
	const char **keys;
	const char **values;
	size_t *lengths;
	int *columns;
	char (*numbers)[NUMBER_MAX];
	size_t json_cap;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* A capacity of at least need (and 16), doubling from cap. */
static size_t grown(size_t cap, size_t need)
{
	size_t n = cap ? cap : 16;
	while (n < need)
		n *= 2;
	return n;
}

/* --- lines --- */

/* Returns the next line (without its CR LF or LF) in *s, *n: 1 with a
 * line, 0 at the end, -1 on an error. */
static int read_line(struct lines *in, const char **s, size_t *n, struct tp_error *err)
{
	for (;;) {
		char *nl = memchr(in->buf + in->scan, '\n', in->end - in->scan);
		size_t end = nl ? (size_t)(nl - in->buf) : in->end;
		if (end - in->start > JSONL_LINE_MAX) {
			tp_error_set(err, TP_ELIMIT, "line %ld: longer than %u bytes (the limit)",
				     in->line + 1, JSONL_LINE_MAX);
			return -1;
		}
		if (nl || (in->eof && in->start < in->end)) {
			*s = in->buf + in->start;
			*n = end - in->start;
			in->consumed += (int64_t)(end - in->start) + (nl ? 1 : 0);
			in->start = in->scan = nl ? end + 1 : end;
			if (*n && (*s)[*n - 1] == '\r')
				(*n)--;
			if (++in->line == 1 && *n >= 3 && memcmp(*s, "\xef\xbb\xbf", 3) == 0) {
				*s += 3;
				*n -= 3;
			}
			return 1;
		}
		in->scan = in->end;
		if (in->eof)
			return 0;
		if (in->start > 0) {
			memmove(in->buf, in->buf + in->start, in->end - in->start);
			in->end -= in->start;
			in->scan -= in->start;
			in->start = 0;
		}
		if (in->end == in->cap) {
			/* Up to a line over the limit: the check above stops it. */
			size_t cap = in->cap * 2;
			if (cap > JSONL_LINE_MAX + JSONL_BLOCK)
				cap = JSONL_LINE_MAX + JSONL_BLOCK;
			char *buf = realloc(in->buf, cap);
			if (!buf) {
				tp_error_set(err, TP_ENOMEM, "line %ld: out of memory",
					     in->line + 1);
				return -1;
			}
			in->buf = buf;
			in->cap = cap;
		}
		size_t got = fread(in->buf + in->end, 1, in->cap - in->end, in->f);
		in->end += got;
		if (got == 0 && ferror(in->f)) {
			tp_error_set(err, TP_EIO, "line %ld: cannot read the file: %s",
				     in->line + 1, strerror(errno));
			return -1;
		}
		in->eof = got == 0;
	}
}

/* --- values --- */

/* The shortest %g text that reads back as v, with '.' as the decimal
 * point whatever the locale, and no leading zeros in the exponent. */
static void format_real(double v, char *out, size_t size)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(out, size, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			break;
	}
	char point = localeconv()->decimal_point[0];
	char *e = NULL;
	for (char *p = out; *p; p++) {
		if (*p == point && point != '.')
			*p = '.';
		if (*p == 'e')
			e = p;
	}
	if (!e)
		return;
	char *digits = e + 1 + (e[1] == '-' || e[1] == '+');
	char *nz = digits;
	while (*nz == '0' && nz[1])
		nz++;
	memmove(digits, nz, strlen(nz) + 1);
}

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "a value";
}

/* Field i of the row: key's value v as text. */
static void set_value(struct tp_jsonl_reader *r, size_t i, const char *key, const json_t *v,
		      int column)
{
	r->keys[i] = key;
	r->columns[i] = column;
	const char *s = "";
	size_t n = 0;
	switch (json_typeof(v)) {
	case JSON_STRING:
		s = json_string_value(v);
		n = json_string_length(v);
		break;
	case JSON_INTEGER:
		snprintf(r->numbers[i], NUMBER_MAX, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		s = r->numbers[i];
		n = strlen(s);
		break;
	case JSON_REAL:
		format_real(json_real_value(v), r->numbers[i], NUMBER_MAX);
		s = r->numbers[i];
		n = strlen(s);
		break;
	case JSON_TRUE:
		s = "true";
		n = 4;
		break;
	case JSON_FALSE:
		s = "false";
		n = 5;
		break;
	default:
		break;
	}
	r->values[i] = s;
	r->lengths[i] = n;
}

static void free_json_fields(struct tp_jsonl_reader *r)
{
	free(r->keys);
	free(r->values);
	free(r->lengths);
	free(r->columns);
	free(r->numbers);
	r->keys = NULL;
	r->values = NULL;
	r->lengths = NULL;
	r->columns = NULL;
	r->numbers = NULL;
	r->json_cap = 0;
}

/* Sizes the arrays of a JSON row for n fields; they are filled anew for
 * every row, so growing them need not keep their contents. */
static bool reserve_json_fields(struct tp_jsonl_reader *r, size_t n)
{
	if (n <= r->json_cap)
		return true;
	size_t cap = grown(r->json_cap, n);
	free_json_fields(r);
	r->keys = malloc(cap * sizeof *r->keys);
	r->values = malloc(cap * sizeof *r->values);
	r->lengths = malloc(cap * sizeof *r->lengths);
	r->columns = malloc(cap * sizeof *r->columns);
	r->numbers = malloc(cap * sizeof *r->numbers);
	if (!r->keys || !r->values || !r->lengths || !r->columns || !r->numbers) {
		free_json_fields(r);
		return false;
	}
	r->json_cap = cap;
	return true;
}

/* Reads the members of "attributes" (at column) into fields from *i. */
static int take_attributes(struct tp_jsonl_reader *r, json_t *attrs, int column, size_t *i,
			   long line, struct tp_error *err)
{
	for (void *it = json_object_iter(attrs); it; it = json_object_iter_next(attrs, it)) {
		const char *key = json_object_iter_key(it);
		const json_t *v = json_object_iter_value(it);
		if (json_is_object(v) || json_is_array(v)) {
			tp_error_set(
			    err, TP_EINPUT,
			    "line %ld: attributes.\"%.100s\" is %s; attributes are strings, "
			    "numbers, true, false or null",
			    line, key, json_kind(v));
			return 2;
		}
		if (strcmp(key, "attributes") != 0 && json_object_get(r->doc, key)) {
			tp_error_set(err, TP_EINPUT,
				     "line %ld: \"%.100s\" is given twice, at the top level and in "
				     "\"attributes\"",
				     line, key);
			return 2;
		}
		set_value(r, (*i)++, key, v, column);
	}
	return 1;
}

/* Turns the object in r->doc into *n_fields fields. */
static int take_object(struct tp_jsonl_reader *r, long line, size_t *n_fields, struct tp_error *err)
{
	json_t *attrs = json_object_get(r->doc, "attributes");
	if (!json_is_object(attrs))
		attrs = NULL;
	size_t n = json_object_size(r->doc) + json_object_size(attrs);
	if (n > TP_CSV_FIELDS_MAX) {
		tp_error_set(err, TP_EINPUT, "line %ld: more than %d fields (the limit)", line,
			     TP_CSV_FIELDS_MAX);
		return 2;
	}
	if (!reserve_json_fields(r, n)) {
		tp_error_set(err, TP_ENOMEM, "line %ld: out of memory", line);
		return -1;
	}
	size_t i = 0;
	int column = 0;
	for (void *it = json_object_iter(r->doc); it; it = json_object_iter_next(r->doc, it)) {
		const char *key = json_object_iter_key(it);
		json_t *v = json_object_iter_value(it);
		column++;
		if (v == attrs) {
			int got = take_attributes(r, v, column, &i, line, err);
			if (got != 1)
				return got;
		} else if (json_is_object(v) || json_is_array(v)) {
			tp_error_set(err, TP_EINPUT,
				     "line %ld: \"%.100s\" is %s; only \"attributes\" may hold an "
				     "object",
				     line, key, json_kind(v));
			return 2;
		} else {
			set_value(r, i++, key, v, column);
		}
	}
	*n_fields = i;
	return 1;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_space(s[i]))
			return false;
	return true;
}

/* --- the interface --- */

enum tp_status tp_jsonl_open(const char *path, struct tp_jsonl_reader **out, struct tp_error *err)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return tp_error_set(err, TP_EIO, "%s: %s", path, strerror(errno));
	struct tp_jsonl_reader *r = calloc(1, sizeof *r);
	if (!r) {
		fclose(f);
		return tp_error_set(err, TP_ENOMEM, "%s: out of memory", path);
	}
	struct lines *in = &r->in;
	in->f = f;
	struct stat st;
	if (fstat(fileno(in->f), &st) == 0 && S_ISREG(st.st_mode))
		in->total = st.st_size;
	in->cap = JSONL_BLOCK;
	in->buf = malloc(in->cap);
	if (!in->buf) {
		tp_jsonl_free(r);
		return tp_error_set(err, TP_ENOMEM, "%s: out of memory", path);
	}
	*out = r;
	return TP_OK;
}

int tp_jsonl_next(struct tp_jsonl_reader *r, struct tp_table_row *row, struct tp_error *err)
{
	const char *s;
	size_t n;
	int got;
	json_decref(r->doc);
	r->doc = NULL;
	do {
		got = read_line(&r->in, &s, &n, err);
	} while (got == 1 && blank(s, n));
	if (got != 1)
		return got;
	long line = r->in.line;
	*row = (struct tp_table_row){.line = line, .raw = s, .raw_len = n};
	json_error_t jerr;
	r->doc = json_loadb(s, n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!r->doc) {
		tp_error_set(err, TP_EINPUT, "line %ld: invalid JSON at column %d: %s", line,
			     jerr.column, jerr.text);
		return 2;
	}
	if (!json_is_object(r->doc)) {
		tp_error_set(err, TP_EINPUT, "line %ld: expected a JSON object, found %s", line,
			     json_kind(r->doc));
		return 2;
	}
	size_t fields = 0;
	got = take_object(r, line, &fields, err);
	if (got != 1)
		return got;
	row->n = fields;
	row->names = r->keys;
	row->values = r->values;
	row->lengths = r->lengths;
	row->columns = r->columns;
	return 1;
}

int64_t tp_jsonl_bytes_read(const struct tp_jsonl_reader *r)
{
	return r->in.consumed;
}

int64_t tp_jsonl_bytes_total(const struct tp_jsonl_reader *r)
{
	return r->in.total;
}

void tp_jsonl_free(struct tp_jsonl_reader *r)
{
	if (!r)
		return;
	if (r->in.f)
		fclose(r->in.f);
	free(r->in.buf);
	json_decref(r->doc);
	free_json_fields(r);
	free(r);
}
