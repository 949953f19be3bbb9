/* io/outcome_import.c - `outcomes import` and `benchmark import`: business
 * outcomes per respondent and benchmark tables, from CSV or JSON Lines.
 *
 * Both read the whole file through io/table.h, check every row, and store
 * nothing unless every row is valid (then all rows in one transaction).
 * Errors read "PATH:LINE: column N (NAME): reason"; up to ERRORS_SHOWN are
 * listed, one a line, with a count of the rest. Never prints. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/table.h"
#include "touchpoint/outcomes.h"
#include "touchpoint/response.h"
#include "util/strmap.h"

#define ERRORS_SHOWN 8

/* Errors found so far, written into one message. */
struct problems {
	const char *path;
	char text[TP_ERROR_MESSAGE_MAX];
	size_t len;
	int64_t count;
};

static void problem(struct problems *p, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(struct problems *p, long line, const char *fmt, ...)
{
	p->count++;
	if (p->count > ERRORS_SHOWN)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	int w = snprintf(p->text + p->len, sizeof p->text - p->len, "%s%s:%ld: %s",
			 p->len ? "\n" : "", p->path, line, msg);
	if (w > 0)
		p->len = p->len + (size_t)w < sizeof p->text ? p->len + (size_t)w : sizeof p->text - 1;
}

static enum tp_status problems_report(const struct problems *p, struct tp_error *err)
{
	if (p->count <= ERRORS_SHOWN)
		return tp_error_set(err, TP_EINPUT, "%s", p->text);
	return tp_error_set(err, TP_EINPUT, "%s\n(and %lld more errors; nothing was imported)",
			    p->text, (long long)(p->count - ERRORS_SHOWN));
}

/* A reading error of the table ("line N: reason") as "PATH:N: reason". */
static void table_problem(struct problems *p, const struct tp_table_row *row,
			  const struct tp_error *e)
{
	const char *msg = e->message;
	if (strncmp(msg, "line ", 5) == 0) {
		const char *colon = strstr(msg, ": ");
		if (colon)
			msg = colon + 2;
	}
	problem(p, row->line, "%s", msg);
}

/* An error that stops reading ("line N: reason", or a bare reason) as
 * "PATH:N: reason" (or "PATH: reason"). */
static enum tp_status stop_error(const char *path, struct tp_error *err)
{
	if (!err)
		return TP_EINPUT;
	long line = 0;
	int used = 0;
	char reason[TP_ERROR_MESSAGE_MAX];
	if (sscanf(err->message, "line %ld: %n", &line, &used) == 1 && used > 0) {
		snprintf(reason, sizeof reason, "%s", err->message + used);
		return tp_error_set(err, err->status, "%s:%ld: %s", path, line, reason);
	}
	tp_error_prefix(err, "%s", path);
	return err->status;
}

/* The next data row of t into *row (counted in *n_rows; *have false at
 * the end of the file), with rows the table reader rejects recorded as
 * problems and skipped. An error (path prefixed) when reading must stop or
 * the file has more than TP_OUTCOME_ROWS_MAX rows. */
static enum tp_status next_row(struct tp_table *t, const char *path, struct problems *p,
			       struct tp_table_row *row, int64_t *n_rows, bool *have,
			       struct tp_error *err)
{
	int got;
	while ((got = tp_table_next(t, row, err)) == 2)
		table_problem(p, row, err);
	*have = got == 1;
	if (got < 0)
		return stop_error(path, err);
	if (got == 0)
		return TP_OK;
	if (++*n_rows > TP_OUTCOME_ROWS_MAX)
		return tp_error_set(err, TP_ELIMIT, "%s: more than %d rows", path,
				    TP_OUTCOME_ROWS_MAX);
	return TP_OK;
}

static enum tp_table_format format_of(const char *path)
{
	size_t n = strlen(path);
	if ((n >= 6 && strcmp(path + n - 6, ".jsonl") == 0) ||
	    (n >= 7 && strcmp(path + n - 7, ".ndjson") == 0))
		return TP_TABLE_JSONL;
	return TP_TABLE_CSV;
}

/* Strings copied for the rows, freed together. */
struct pool {
	char **items;
	size_t n, cap;
	bool failed;
};

static const char *pool_dup(struct pool *p, const char *s)
{
	if (p->failed)
		return NULL;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 256;
		char **items = realloc(p->items, cap * sizeof *items);
		if (!items) {
			p->failed = true;
			return NULL;
		}
		p->items = items;
		p->cap = cap;
	}
	char *copy = strdup(s);
	if (!copy) {
		p->failed = true;
		return NULL;
	}
	p->items[p->n++] = copy;
	return copy;
}

static void pool_free(struct pool *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->items[i]);
	free(p->items);
}

/* Parses text as a finite number: optional blanks, a decimal number (a
 * decimal point; a comma is accepted for a decimal comma when there is
 * no point), optional blanks. */
static bool parse_number(const char *text, double *out)
{
	char buf[80];
	size_t n = strlen(text);
	if (n == 0 || n >= sizeof buf)
		return false;
	memcpy(buf, text, n + 1);
	char *comma = strchr(buf, ',');
	if (comma && !strchr(buf, '.') && !strchr(comma + 1, ','))
		*comma = '.';
	for (const char *c = buf; *c; c++)
		if (!(isdigit((unsigned char)*c) || strchr("+-.eE \t", *c)))
			return false; /* no "inf", "nan", hex */
	char *end = NULL;
	errno = 0;
	double v = strtod(buf, &end);
	if (end == buf || errno == ERANGE)
		return false;
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end || !isfinite(v))
		return false;
	*out = v;
	return true;
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

/* --- outcomes --- */

struct outcome_rows {
	struct tp_outcome_row *rows;
	size_t n, cap;
};

static bool outcome_push(struct outcome_rows *o, struct tp_outcome_row row)
{
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 1024;
		struct tp_outcome_row *rows = realloc(o->rows, cap * sizeof *rows);
		if (!rows)
			return false;
		o->rows = rows;
		o->cap = cap;
	}
	o->rows[o->n++] = row;
	return true;
}

static int find_field(const struct tp_table_row *row, const char *name)
{
	for (size_t i = 0; i < row->n; i++)
		if (strcmp(row->names[i], name) == 0)
			return (int)i;
	return -1;
}

/* One row: the respondent and its outcome values. Returns false when out
 * of memory. */
static bool outcome_row(const struct tp_table_row *row, struct problems *p, struct pool *pool,
			struct pool *keys, struct tp_strmap *seen, struct tp_strmap *names,
			struct outcome_rows *out)
{
	int k = find_field(row, "respondent_id");
	if (k < 0) {
		problem(p, row->line, "missing column respondent_id");
		return true;
	}
	const char *key = row->values[k];
	int64_t first = 0;
	if (blank(key)) {
		problem(p, row->line, "column %d (respondent_id): empty", row->columns[k]);
		return true;
	}
	if (strlen(key) > TP_RESPONSE_ID_MAX) {
		problem(p, row->line, "column %d (respondent_id): longer than %d bytes",
			row->columns[k], TP_RESPONSE_ID_MAX);
		return true;
	}
	if (tp_strmap_get(seen, key, strlen(key), &first)) {
		problem(p, row->line, "column %d (respondent_id): \"%.64s\" repeats line %lld",
			row->columns[k], key, (long long)first);
		return true;
	}
	if (!tp_strmap_put(seen, key, strlen(key), row->line))
		return false;
	const char *stored_key = pool_dup(keys, key);
	if (!stored_key)
		return false;
	for (size_t i = 0; i < row->n; i++) {
		if ((int)i == k || row->values[i][0] == '\0')
			continue;
		const char *name = row->names[i];
		double v;
		if (strlen(name) > TP_OUTCOME_NAME_MAX || blank(name)) {
			problem(p, row->line, "column %d (%.64s): an outcome name must have 1 to %d "
					      "bytes", row->columns[i], name, TP_OUTCOME_NAME_MAX);
			continue;
		}
		if (!parse_number(row->values[i], &v)) {
			problem(p, row->line, "column %d (%s): \"%.40s\" is not a number",
				row->columns[i], name, row->values[i]);
			continue;
		}
		int64_t name_index;
		if (!tp_strmap_get(names, name, strlen(name), &name_index)) {
			const char *copy = pool_dup(pool, name);
			if (!copy || !tp_strmap_put(names, name, strlen(name),
						    (int64_t)(pool->n - 1)))
				return false;
		}
		tp_strmap_get(names, name, strlen(name), &name_index);
		struct tp_outcome_row r = {stored_key, pool->items[name_index], v};
		if (!outcome_push(out, r))
			return false;
	}
	return true;
}

enum tp_status tp_outcomes_import(struct tp_store *store, const char *path,
				  struct tp_outcome_import_summary *summary, struct tp_error *err)
{
	memset(summary, 0, sizeof *summary);
	struct tp_table *t = NULL;
	struct problems p = {.path = path};
	struct pool pool = {0}, keys = {0}; /* names; the respondents' ids */
	struct outcome_rows rows = {0};
	struct tp_strmap *seen = tp_strmap_new(), *names = tp_strmap_new();
	enum tp_status st = TP_OK;
	if (!seen || !names) {
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
		goto out;
	}
	st = tp_table_open(path, format_of(path), &t, err);
	if (st != TP_OK)
		goto out;
	if (tp_table_has_header(t)) {
		bool has_key = false, has_other = false;
		for (size_t c = 0; c < tp_table_n_columns(t); c++) {
			bool key = strcmp(tp_table_column_name(t, c), "respondent_id") == 0;
			has_key |= key;
			has_other |= !key;
		}
		if (!has_key)
			problem(&p, 1, "missing column respondent_id");
		if (!has_other)
			problem(&p, 1, "no outcome column (e.g. revenue, churned)");
		if (p.count) {
			st = problems_report(&p, err);
			goto out;
		}
	}
	struct tp_table_row row;
	int64_t n_rows = 0;
	bool have;
	while ((st = next_row(t, path, &p, &row, &n_rows, &have, err)) == TP_OK && have) {
		if (!outcome_row(&row, &p, &pool, &keys, seen, names, &rows) || pool.failed ||
		    keys.failed) {
			st = tp_error_set(err, TP_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (st != TP_OK)
		goto out;
	if (n_rows == 0 && p.count == 0)
		problem(&p, 1, "empty file: no respondent rows");
	if (p.count) {
		st = problems_report(&p, err);
		goto out;
	}
	st = tp_store_outcome_put(store, rows.rows, rows.n, err);
	if (st != TP_OK)
		goto out;
	st = tp_store_respondents_unanswered(store, (const char *const *)keys.items, keys.n,
					     &summary->without_response, err);
	if (st != TP_OK)
		goto out;
	summary->respondents = n_rows;
	summary->values = (int64_t)rows.n;
	summary->n_names = tp_strmap_count(names);
out:
	tp_table_free(t);
	tp_strmap_free(seen);
	tp_strmap_free(names);
	pool_free(&pool);
	pool_free(&keys);
	free(rows.rows);
	return st;
}

/* --- benchmarks --- */

enum { B_SECTOR, B_COMPANY, B_METRIC, B_PERIOD, B_VALUE, B_N, B_SD, B_COLUMNS };
static const char *const bench_columns[B_COLUMNS] = {"sector", "company", "metric", "period",
						     "value",  "n",       "sd"};

struct bench_rows {
	struct tp_benchmark_row *rows;
	size_t n, cap;
};

static bool bench_push(struct bench_rows *b, struct tp_benchmark_row row)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		struct tp_benchmark_row *rows = realloc(b->rows, cap * sizeof *rows);
		if (!rows)
			return false;
		b->rows = rows;
		b->cap = cap;
	}
	b->rows[b->n++] = row;
	return true;
}

static bool value_in_range(const char *metric, double v, const char **range)
{
	if (strcmp(metric, "nps") == 0) {
		*range = "-100..100";
		return v >= -100.0 && v <= 100.0;
	}
	if (strcmp(metric, "csat") == 0) {
		*range = "0..100 (% of 4-5 answers)";
		return v >= 0.0 && v <= 100.0;
	}
	*range = "1..7";
	return v >= 1.0 && v <= 7.0;
}

/* One benchmark row; false when out of memory. */
static bool bench_row(const struct tp_table_row *row, struct problems *p, struct pool *pool,
		      struct tp_strmap *seen, struct bench_rows *out)
{
	int at[B_COLUMNS];
	const char *text[B_COLUMNS];
	size_t before = (size_t)p->count;
	for (int c = 0; c < B_COLUMNS; c++) {
		at[c] = find_field(row, bench_columns[c]);
		text[c] = at[c] >= 0 ? row->values[at[c]] : "";
		if (c != B_SD && at[c] < 0) {
			problem(p, row->line, "missing column %s", bench_columns[c]);
		} else if (c != B_SD && blank(text[c])) {
			problem(p, row->line, "column %d (%s): empty", row->columns[at[c]],
				bench_columns[c]);
		} else if (at[c] >= 0 && strlen(text[c]) > TP_RESPONSE_ID_MAX) {
			problem(p, row->line, "column %d (%s): longer than %d bytes",
				row->columns[at[c]], bench_columns[c], TP_RESPONSE_ID_MAX);
		}
	}
	if ((size_t)p->count != before)
		return true;
	const char *metric = text[B_METRIC];
	if (strcmp(metric, "nps") && strcmp(metric, "csat") && strcmp(metric, "ces")) {
		problem(p, row->line, "column %d (metric): \"%.40s\" is not nps, csat or ces",
			row->columns[at[B_METRIC]], metric);
		return true;
	}
	int64_t from, to;
	if (!tp_period_parse(text[B_PERIOD], &from, &to))
		problem(p, row->line, "column %d (period): \"%.40s\" is not YYYY, YYYY-Qn or "
				      "YYYY-MM", row->columns[at[B_PERIOD]], text[B_PERIOD]);
	double value = 0, n = 0, sd = 0;
	const char *range = "";
	if (!parse_number(text[B_VALUE], &value))
		problem(p, row->line, "column %d (value): \"%.40s\" is not a number",
			row->columns[at[B_VALUE]], text[B_VALUE]);
	else if (!value_in_range(metric, value, &range))
		problem(p, row->line, "column %d (value): %g is outside %s for %s",
			row->columns[at[B_VALUE]], value, range, metric);
	if (!parse_number(text[B_N], &n) || n < 0 || n != floor(n) || n > 1e12)
		problem(p, row->line, "column %d (n): \"%.40s\" is not a whole number >= 0",
			row->columns[at[B_N]], text[B_N]);
	bool has_sd = at[B_SD] >= 0 && !blank(text[B_SD]);
	if (has_sd && strcmp(metric, "ces") != 0)
		problem(p, row->line, "column %d (sd): only a CES row takes an sd",
			row->columns[at[B_SD]]);
	else if (has_sd && (!parse_number(text[B_SD], &sd) || sd < 0))
		problem(p, row->line, "column %d (sd): \"%.40s\" is not a number >= 0",
			row->columns[at[B_SD]], text[B_SD]);
	if ((size_t)p->count != before)
		return true;
	/* the key, for repeats within the file */
	char key[4 * (TP_RESPONSE_ID_MAX + 1)];
	int klen = snprintf(key, sizeof key, "%s%c%s%c%s%c%s", text[B_SECTOR], 0, text[B_COMPANY],
			    0, metric, 0, text[B_PERIOD]);
	int64_t first;
	if (tp_strmap_get(seen, key, (size_t)klen, &first)) {
		problem(p, row->line, "sector %.40s, company %.40s, %s, %.16s repeats line %lld",
			text[B_SECTOR], text[B_COMPANY], metric, text[B_PERIOD], (long long)first);
		return true;
	}
	if (!tp_strmap_put(seen, key, (size_t)klen, row->line))
		return false;
	struct tp_benchmark_row r = {
		.sector = pool_dup(pool, text[B_SECTOR]),
		.company = pool_dup(pool, text[B_COMPANY]),
		.metric = pool_dup(pool, metric),
		.period = pool_dup(pool, text[B_PERIOD]),
		.value = value,
		.n = (int64_t)n,
	};
	if (pool->failed || !bench_push(out, r))
		return false;
	if (has_sd) {
		r.metric = "ces_sd";
		r.value = sd;
		if (!bench_push(out, r))
			return false;
	}
	return true;
}

enum tp_status tp_benchmark_import(struct tp_store *store, const char *path, int64_t *stored,
				   struct tp_error *err)
{
	if (stored)
		*stored = 0;
	struct tp_table *t = NULL;
	struct problems p = {.path = path};
	struct pool pool = {0};
	struct bench_rows rows = {0};
	struct tp_strmap *seen = tp_strmap_new();
	enum tp_status st = TP_OK;
	if (!seen) {
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
		goto out;
	}
	st = tp_table_open(path, format_of(path), &t, err);
	if (st != TP_OK)
		goto out;
	if (tp_table_has_header(t)) {
		for (int c = 0; c < B_COLUMNS; c++) {
			bool found = false;
			for (size_t k = 0; k < tp_table_n_columns(t); k++)
				found |= strcmp(tp_table_column_name(t, k), bench_columns[c]) == 0;
			if (!found && c != B_SD)
				problem(&p, 1, "missing column %s", bench_columns[c]);
		}
		if (p.count) {
			st = problems_report(&p, err);
			goto out;
		}
	}
	struct tp_table_row row;
	int64_t n_rows = 0;
	bool have;
	while ((st = next_row(t, path, &p, &row, &n_rows, &have, err)) == TP_OK && have) {
		if (!bench_row(&row, &p, &pool, seen, &rows)) {
			st = tp_error_set(err, TP_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (st != TP_OK)
		goto out;
	if (n_rows == 0 && p.count == 0)
		problem(&p, 1, "empty file: no benchmark rows");
	if (p.count) {
		st = problems_report(&p, err);
		goto out;
	}
	st = tp_store_benchmark_put(store, rows.rows, rows.n, err);
	if (st == TP_OK && stored)
		*stored = n_rows;
out:
	tp_table_free(t);
	tp_strmap_free(seen);
	pool_free(&pool);
	free(rows.rows);
	return st;
}
