/* io/import.c - turning a response file into stored responses.
 *
 * Reads rows from a table (io/table.h), gives each field its meaning from
 * the mapping (io/mapping.h), parses and checks it, and inserts the
 * response through the store, all in one transaction: either every row is
 * stored or none is (unless skip_invalid). Rows stream through a scratch
 * buffer reused from row to row, so memory does not grow with the file.
 * Every problem is reported as "FILE:LINE: column N (NAME): reason". */
#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/mapping.h"
#include "io/pipeline.h"
#include "io/table.h"
#include "touchpoint/import.h"
#include "touchpoint/time.h"
#include "util/utf8.h"

#define PROGRESS_EVERY 65536

struct importer {
	struct tp_store *store;
	const char *path;
	const struct tp_import_options *opts;
	struct tp_import_summary *sum;
	struct tp_table *table;
	struct tp_mapping *map;
	size_t n_specs;
	struct tp_column_spec *specs; /* per header column */
	char *scratch;                /* per-row copies (trimmed, normalised) */
	size_t scratch_cap, scratch_used;
	struct tp_attr attrs[TP_ATTRS_MAX];
	FILE *rejects;
	bool failed;                  /* a row was invalid: store nothing more */
	int64_t added;                /* valid rows the store accepted */
	struct tp_pipeline *pipe;     /* to the writer thread, while reading */
	int row_errors;
	unsigned given;               /* bit per enum tp_target the row gave */
	char reasons[2048];           /* this row's reasons, "; "-joined */
	char id_buf[32];
};

bool tp_import_source_parse(const char *name, enum tp_import_source *out)
{
	static const struct {
		const char *name;
		enum tp_import_source source;
	} names[] = {
		{"csv", TP_SOURCE_CSV},
		{"jsonl", TP_SOURCE_JSONL},
		{"qualtrics", TP_SOURCE_QUALTRICS},
		{"surveymonkey", TP_SOURCE_SURVEYMONKEY},
		{"googleforms", TP_SOURCE_GOOGLEFORMS},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(name, names[i].name) == 0) {
			*out = names[i].source;
			return true;
		}
	}
	return false;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

static enum tp_table_format table_format(enum tp_import_source source, const char *path)
{
	switch (source) {
	case TP_SOURCE_CSV: return TP_TABLE_CSV;
	case TP_SOURCE_JSONL: return TP_TABLE_JSONL;
	case TP_SOURCE_QUALTRICS: return TP_TABLE_QUALTRICS;
	case TP_SOURCE_SURVEYMONKEY: return TP_TABLE_SURVEYMONKEY;
	case TP_SOURCE_GOOGLEFORMS: return TP_TABLE_GOOGLEFORMS;
	case TP_SOURCE_AUTO: break;
	}
	if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson"))
		return TP_TABLE_JSONL;
	return TP_TABLE_CSV;
}

/* --- errors --- */

static void keep_error(struct importer *im, const char *text)
{
	im->sum->errors++;
	if (im->sum->n_kept < TP_IMPORT_ERRORS_KEPT)
		snprintf(im->sum->errors_kept[im->sum->n_kept++], sizeof im->sum->errors_kept[0],
			 "%s", text);
}

/* Records one problem with a field of the current row. column is 1-based,
 * or 0 for a problem with the row as a whole. */
static void row_error(struct importer *im, long line, int column, const char *name,
		      const char *reason)
{
	char text[512];
	if (column > 0)
		snprintf(text, sizeof text, "%s:%ld: column %d (%.80s): %s", im->path, line, column,
			 name, reason);
	else if (name)
		snprintf(text, sizeof text, "%s:%ld: %s (%.80s): %s", im->path, line,
			 im->table && tp_table_has_header(im->table) ? "column" : "field", name,
			 reason);
	else
		snprintf(text, sizeof text, "%s:%ld: %s", im->path, line, reason);
	keep_error(im, text);
	size_t used = strlen(im->reasons);
	if (used < sizeof im->reasons - 1) {
		const char *field = name ? name : "";
		snprintf(im->reasons + used, sizeof im->reasons - used, "%s%s%s%s",
			 used ? "; " : "", field, *field ? ": " : "", reason);
	}
	im->row_errors++;
}

/* --- scratch memory for one row --- */

static bool scratch_reserve(struct importer *im, size_t need)
{
	im->scratch_used = 0;
	if (need <= im->scratch_cap)
		return true;
	size_t cap = im->scratch_cap ? im->scratch_cap : 4096;
	while (cap < need)
		cap *= 2;
	char *grown = realloc(im->scratch, cap);
	if (!grown)
		return false;
	im->scratch = grown;
	im->scratch_cap = cap;
	return true;
}

/* Copies len bytes into the row's scratch space (reserved up front). */
static char *scratch_copy(struct importer *im, const char *s, size_t len)
{
	char *p = im->scratch + im->scratch_used;
	memcpy(p, s, len);
	p[len] = '\0';
	im->scratch_used += len + 1;
	return p;
}

static const char *trimmed(struct importer *im, const char *v, size_t len)
{
	size_t a = 0, b = len;
	while (a < b && (v[a] == ' ' || v[a] == '\t'))
		a++;
	while (b > a && (v[b - 1] == ' ' || v[b - 1] == '\t' || v[b - 1] == '\r'))
		b--;
	if (a == 0 && b == len)
		return v;
	return scratch_copy(im, v + a, b - a);
}

/* --- field parsers --- */

/* A whole number, in plain or decimal notation ("8", "8.0", "8,0"). */
static const char *parse_score(const char *s, int *out)
{
	const char *p = s;
	bool neg = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	if (!isdigit((unsigned char)*p))
		return "is not a number";
	long v = 0;
	while (isdigit((unsigned char)*p) && v < 100000)
		v = v * 10 + (*p++ - '0');
	if (*p == '.' || *p == ',') {
		const char *frac = ++p;
		while (*p == '0')
			p++;
		if (isdigit((unsigned char)*p))
			return "is not a whole number";
		if (p == frac)
			return "is not a number";
	}
	if (*p)
		return "is not a number";
	*out = (int)(neg ? -v : v);
	if (v >= 100000)
		*out = neg ? -100000 : 100000;
	return NULL;
}

static bool score_in_range(enum tp_target t, int v, char *why, size_t size)
{
	static const int lo[TP_T_COUNT] = {[TP_T_NPS] = 0, [TP_T_CSAT] = 1, [TP_T_CES] = 1,
					   [TP_T_EMOTION] = -3};
	static const int hi[TP_T_COUNT] = {[TP_T_NPS] = 10, [TP_T_CSAT] = 5, [TP_T_CES] = 7,
					   [TP_T_EMOTION] = 3};
	if (v >= lo[t] && v <= hi[t])
		return true;
	snprintf(why, size, "%d is out of range %d..%d", v, lo[t], hi[t]);
	return false;
}

/* Comments keep their line breaks as "\n" whatever the exporting tool
 * wrote (CRLF from Windows and Excel, lone CR from old Macs). */
static const char *unix_newlines(struct importer *im, const char *v)
{
	char *out = im->scratch + im->scratch_used;
	size_t n = 0;
	for (const char *p = v; *p; p++) {
		if (*p == '\r') {
			out[n++] = '\n';
			if (p[1] == '\n')
				p++;
		} else {
			out[n++] = *p;
		}
	}
	out[n] = '\0';
	im->scratch_used += n + 1;
	return out;
}

/* "es-ES", "ES", "es_MX" -> "es": the primary language subtag, lowercase. */
static const char *normalise_lang(struct importer *im, const char *v)
{
	size_t n = 0;
	while (v[n] && v[n] != '-' && v[n] != '_')
		n++;
	if (n < 2 || n > 3)
		return NULL;
	char *out = scratch_copy(im, v, n);
	for (size_t i = 0; i < n; i++) {
		if (!isalpha((unsigned char)out[i]))
			return NULL;
		out[i] = (char)tolower((unsigned char)out[i]);
	}
	return out;
}

static bool parse_date(const char *v, const char *format, int64_t *out, char *why, size_t size)
{
	const char *reason = NULL;
	if (format && tp_time_parse_format(v, strlen(v), format, out, &reason))
		return true;
	const char *iso_reason = NULL;
	if (tp_time_parse_iso8601(v, strlen(v), out, &iso_reason))
		return true;
	if (format)
		snprintf(why, size, "\"%.60s\" is not a date in the form %s: %s", v, format, reason);
	else
		snprintf(why, size, "\"%.60s\" is not an ISO 8601 date: %s", v, iso_reason);
	return false;
}

/* Sets one field of r from text v; reports problems against the column. */
static void set_field(struct importer *im, struct tp_response *r, const struct tp_column_spec *c,
		      const char *v, long line, int column, const char *name)
{
	char why[256];
	int score;
	const char *reason;
	im->given |= 1u << c->target;
	switch (c->target) {
	case TP_T_IGNORE:
	case TP_T_COUNT:
		return;
	case TP_T_RESPONSE_ID:
		r->response_id = v;
		return;
	case TP_T_RESPONDENT_ID:
		r->respondent_id = v;
		return;
	case TP_T_COMMENT:
		r->comment = strchr(v, '\r') ? unix_newlines(im, v) : v;
		return;
	case TP_T_SUBMITTED_AT:
		if (!parse_date(v, c->date_format, &r->submitted_at, why, sizeof why))
			row_error(im, line, column, name, why);
		return;
	case TP_T_RESPONDENT_TYPE:
		if (!tp_respondent_type_parse(v, &r->respondent_type)) {
			snprintf(why, sizeof why,
				 "\"%.60s\" is not a respondent type (customer, employee, leader)", v);
			row_error(im, line, column, name, why);
		}
		return;
	case TP_T_TOUCHPOINT:
		if (!tp_store_has_touchpoint(im->store, v)) {
			snprintf(why, sizeof why, "unknown touchpoint \"%.80s\" (not in the journey)", v);
			row_error(im, line, column, name, why);
		}
		r->touchpoint = v;
		return;
	case TP_T_NPS:
	case TP_T_CSAT:
	case TP_T_CES:
	case TP_T_EMOTION:
		reason = parse_score(v, &score);
		if (reason) {
			snprintf(why, sizeof why, "\"%.60s\" %s", v, reason);
			row_error(im, line, column, name, why);
			return;
		}
		if (!score_in_range(c->target, score, why, sizeof why)) {
			row_error(im, line, column, name, why);
			return;
		}
		if (c->target == TP_T_NPS)
			r->nps = score;
		else if (c->target == TP_T_CSAT)
			r->csat = score;
		else if (c->target == TP_T_CES)
			r->ces = score;
		else
			r->emotion = score;
		return;
	case TP_T_LANG:
		r->lang = normalise_lang(im, v);
		if (!r->lang) {
			snprintf(why, sizeof why, "\"%.60s\" is not a language code such as es or en", v);
			row_error(im, line, column, name, why);
		}
		return;
	case TP_T_ATTR:
		for (size_t i = 0; i < r->n_attrs; i++) {
			if (strcmp(im->attrs[i].name, c->attr_name) == 0) {
				snprintf(why, sizeof why, "attribute \"%.80s\" given twice", c->attr_name);
				row_error(im, line, column, name, why);
				return;
			}
		}
		if (r->n_attrs >= TP_ATTRS_MAX) {
			row_error(im, line, column, name, "too many segment attributes in one row");
			return;
		}
		if (strlen(v) > TP_ATTR_VALUE_MAX) {
			snprintf(why, sizeof why, "value longer than %d bytes", TP_ATTR_VALUE_MAX);
			row_error(im, line, column, name, why);
			return;
		}
		im->attrs[r->n_attrs].name = c->attr_name;
		im->attrs[r->n_attrs].value = v;
		r->n_attrs++;
		return;
	}
}

static bool field_is_set(const struct tp_response *r, enum tp_target t)
{
	switch (t) {
	case TP_T_RESPONSE_ID: return r->response_id != NULL;
	case TP_T_SUBMITTED_AT: return r->submitted_at != INT64_MIN;
	case TP_T_RESPONDENT_ID: return r->respondent_id != NULL;
	case TP_T_TOUCHPOINT: return r->touchpoint != NULL;
	case TP_T_NPS: return r->nps != TP_SCORE_NONE;
	case TP_T_CSAT: return r->csat != TP_SCORE_NONE;
	case TP_T_CES: return r->ces != TP_SCORE_NONE;
	case TP_T_EMOTION: return r->emotion != TP_SCORE_NONE;
	case TP_T_COMMENT: return r->comment != NULL;
	case TP_T_LANG: return r->lang != NULL;
	default: return false;
	}
}

/* Fills fields the row left empty from the mapping's defaults. */
static void apply_defaults(struct importer *im, struct tp_response *r, bool type_set, long line)
{
	for (int t = TP_T_RESPONSE_ID; t < TP_T_ATTR; t++) {
		const char *def = tp_mapping_default(im->map, (enum tp_target)t);
		if (!def || field_is_set(r, (enum tp_target)t) ||
		    (t == TP_T_RESPONDENT_TYPE && type_set))
			continue;
		struct tp_column_spec c = {.target = (enum tp_target)t,
					   .date_format = tp_mapping_date_format(im->map)};
		char name[64];
		snprintf(name, sizeof name, "default %s", tp_target_name((enum tp_target)t));
		set_field(im, r, &c, def, line, 0, name);
	}
}

/* Google Forms rows carry no id: one is derived from the row's content
 * (FNV-1a, 64 bits), so importing the same export again adds nothing. */
static const char *derive_id(struct importer *im, const struct tp_table_row *row)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < row->n; i++) {
		for (size_t k = 0; k < row->lengths[i]; k++) {
			h ^= (unsigned char)row->values[i][k];
			h *= 0x100000001b3ULL;
		}
		h ^= 0x1f;
		h *= 0x100000001b3ULL;
	}
	snprintf(im->id_buf, sizeof im->id_buf, "gf-%016llx", (unsigned long long)h);
	return im->id_buf;
}

/* --- rejected rows --- */

static enum tp_status write_reject(struct importer *im, const struct tp_table_row *row,
				   const char *reason, struct tp_error *err)
{
	if (!im->opts->skip_invalid)
		return TP_OK;
	if (!im->rejects) {
		im->rejects = fopen(im->sum->rejects_path, "w");
		if (!im->rejects)
			return tp_error_set(err, TP_EIO, "%s: cannot write rejected rows: %s",
					    im->sum->rejects_path, strerror(errno));
		fputs("line,reason", im->rejects);
		if (tp_table_has_header(im->table)) {
			for (size_t i = 0; i < tp_table_n_columns(im->table); i++) {
				const char *n = tp_table_column_name(im->table, i);
				fputc(',', im->rejects);
				csv_fwrite(im->rejects, n, strlen(n));
			}
		} else {
			fputs(",raw", im->rejects);
		}
		fputs("\r\n", im->rejects);
	}
	fprintf(im->rejects, "%ld,", row->line);
	csv_fwrite(im->rejects, reason, strlen(reason));
	if (row->raw) {
		fputc(',', im->rejects);
		csv_fwrite(im->rejects, row->raw, row->raw_len);
	} else {
		for (size_t i = 0; i < row->n; i++) {
			fputc(',', im->rejects);
			csv_fwrite(im->rejects, row->values[i], row->lengths[i]);
		}
	}
	fputs("\r\n", im->rejects);
	if (ferror(im->rejects))
		return tp_error_set(err, TP_EIO, "%s: cannot write rejected rows: %s",
				    im->sum->rejects_path, strerror(errno));
	return TP_OK;
}

/* --- one row --- */

static void read_fields(struct importer *im, const struct tp_table_row *row,
			struct tp_response *r, bool *type_set)
{
	for (size_t i = 0; i < row->n; i++) {
		struct tp_column_spec dyn;
		const struct tp_column_spec *c;
		if (i < im->n_specs) {
			c = &im->specs[i];
		} else {
			tp_mapping_resolve(im->map, row->names[i], NULL, &dyn);
			c = &dyn;
		}
		if (c->target == TP_T_IGNORE || row->lengths[i] == 0)
			continue;
		int column = row->columns ? row->columns[i] : (int)i + 1;
		size_t bad;
		if (!tp_utf8_valid(row->values[i], row->lengths[i], &bad)) {
			char why[96];
			snprintf(why, sizeof why, "invalid UTF-8 at byte %zu of the field", bad + 1);
			row_error(im, row->line, column, row->names[i], why);
			continue;
		}
		const char *v = trimmed(im, row->values[i], row->lengths[i]);
		const char *mapped = tp_mapping_value(c->values, v);
		if (mapped)
			v = mapped;
		if (!*v)
			continue;
		set_field(im, r, c, v, row->line, column, row->names[i]);
		*type_set = *type_set || c->target == TP_T_RESPONDENT_TYPE;
	}
}

/* Queues a valid row; the store writes rows in batches, and how many were
 * new is known at the final flush (the rest were already present). */
static enum tp_status store_row(struct importer *im, const struct tp_table_row *row,
				const struct tp_response *r, struct tp_error *err)
{
	enum tp_status st = tp_pipeline_add(im->pipe, r, err);
	if (st != TP_OK)
		tp_error_prefix(err, "%s (near line %ld)", im->path, row->line);
	return st;
}

static enum tp_status import_row(struct importer *im, const struct tp_table_row *row,
				 struct tp_error *err)
{
	/* A field may be copied twice (trimmed, then its line ends fixed). */
	size_t need = 256;
	for (size_t i = 0; i < row->n; i++)
		need += 2 * row->lengths[i] + 16;
	if (!scratch_reserve(im, need))
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	im->row_errors = 0;
	im->given = 0;
	im->reasons[0] = '\0';
	struct tp_response r;
	tp_response_init(&r);
	r.submitted_at = INT64_MIN;
	r.attrs = im->attrs;
	bool type_set = false;
	read_fields(im, row, &r, &type_set);
	apply_defaults(im, &r, type_set, row->line);
	if (!r.response_id && tp_mapping_derives_id(im->map))
		r.response_id = derive_id(im, row);
	if (!r.response_id)
		row_error(im, row->line, 0, NULL, "response_id is missing");
	if (r.submitted_at == INT64_MIN && !(im->given & (1u << TP_T_SUBMITTED_AT)))
		row_error(im, row->line, 0, NULL, "submitted_at is missing");
	if (im->row_errors == 0) {
		struct tp_error check;
		if (tp_response_check(&r, &check) != TP_OK)
			row_error(im, row->line, 0, NULL, check.message);
	}
	if (im->row_errors == 0 && !im->failed)
		return store_row(im, row, &r, err);
	if (im->row_errors == 0)
		return TP_OK;
	im->sum->rejected++;
	if (!im->opts->skip_invalid)
		im->failed = true;
	return write_reject(im, row, im->reasons, err);
}

/* --- the header --- */

static enum tp_status resolve_header(struct importer *im, struct tp_error *err)
{
	if (!tp_table_has_header(im->table))
		return TP_OK;
	size_t n = tp_table_n_columns(im->table);
	im->specs = calloc(n ? n : 1, sizeof *im->specs);
	if (!im->specs)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	im->n_specs = n;
	int seen[TP_T_COUNT];
	for (int t = 0; t < TP_T_COUNT; t++)
		seen[t] = -1;
	for (size_t i = 0; i < n; i++) {
		const char *aliases[4] = {NULL};
		for (size_t k = 0; k < 3; k++)
			aliases[k] = tp_table_column_alias(im->table, i, k);
		const char *name = tp_table_column_name(im->table, i);
		tp_mapping_resolve(im->map, name, aliases, &im->specs[i]);
		enum tp_target t = im->specs[i].target;
		if (t == TP_T_IGNORE || t == TP_T_ATTR)
			continue;
		if (seen[t] >= 0)
			return tp_error_set(err, TP_EINPUT,
					    "%s: columns %d (%s) and %zu (%s) both give %s; map one "
					    "of them to null",
					    im->path, seen[t] + 1,
					    tp_table_column_name(im->table, (size_t)seen[t]), i + 1,
					    name, tp_target_name(t));
		seen[t] = (int)i;
	}
	if (seen[TP_T_RESPONSE_ID] < 0 && !tp_mapping_derives_id(im->map))
		return tp_error_set(err, TP_EINPUT,
				    "%s: no response_id column; name one in the header or with "
				    "--map", im->path);
	if (seen[TP_T_SUBMITTED_AT] < 0 && !tp_mapping_default(im->map, TP_T_SUBMITTED_AT))
		return tp_error_set(err, TP_EINPUT,
				    "%s: no submitted_at column; name one in the header or with "
				    "--map", im->path);
	return TP_OK;
}

static enum tp_status check_defaults(struct importer *im, struct tp_error *err)
{
	const char *tp = tp_mapping_default(im->map, TP_T_TOUCHPOINT);
	if (tp && !tp_store_has_touchpoint(im->store, tp))
		return tp_error_set(err, TP_EINPUT,
				    "%s: default touchpoint \"%s\" is not in the journey",
				    im->opts->map_path, tp);
	return TP_OK;
}

/* --- the whole file --- */

static void report_progress(struct importer *im)
{
	if (!im->opts->progress)
		return;
	struct tp_import_progress p = {
		.rows = im->sum->rows,
		.bytes_read = tp_table_bytes_read(im->table),
		.bytes_total = tp_table_bytes_total(im->table),
	};
	im->opts->progress(&p, im->opts->progress_ctx);
}

/* The table says "line N: reason"; our reports give the line already. */
static const char *without_line(const char *message, long line)
{
	char prefix[32];
	int n = snprintf(prefix, sizeof prefix, "line %ld: ", line);
	if (n > 0 && strncmp(message, prefix, (size_t)n) == 0)
		return message + n;
	return message;
}

static enum tp_status read_rows(struct importer *im, struct tp_error *err)
{
	for (;;) {
		struct tp_table_row row;
		struct tp_error row_err;
		tp_error_clear(&row_err);
		int got = tp_table_next(im->table, &row, &row_err);
		if (got == 0)
			return TP_OK;
		if (got < 0) {
			*err = row_err;
			tp_error_prefix(err, "%s", im->path);
			return err->status ? err->status : TP_EINPUT;
		}
		im->sum->rows++;
		enum tp_status st;
		if (got == 2) {
			const char *reason = without_line(row_err.message, row.line);
			im->reasons[0] = '\0';
			row_error(im, row.line, 0, NULL, reason);
			im->sum->rejected++;
			im->failed = im->failed || !im->opts->skip_invalid;
			st = write_reject(im, &row, reason, err);
		} else {
			st = import_row(im, &row, err);
		}
		if (st != TP_OK)
			return st;
		if (im->sum->rows % PROGRESS_EVERY == 0)
			report_progress(im);
	}
}

static enum tp_status finish(struct importer *im, enum tp_status st, struct tp_error *err)
{
	if (st == TP_OK && !im->failed) {
		int64_t inserted = 0;
		st = tp_store_response_flush(im->store, &inserted, err);
		im->sum->inserted = inserted;
		im->sum->present = im->added - inserted;
	}
	bool keep = st == TP_OK && !im->failed && !im->opts->dry_run;
	struct tp_error tx_err;
	if (keep) {
		st = tp_store_commit(im->store, err);
		im->sum->committed = st == TP_OK;
	} else {
		tp_store_rollback(im->store, &tx_err);
	}
	if (st == TP_OK && im->failed) {
		im->sum->inserted = 0;
		im->sum->present = 0;
		st = tp_error_set(err, TP_EINPUT,
				  "%s: %lld invalid row%s; nothing was imported", im->path,
				  (long long)im->sum->rejected, im->sum->rejected == 1 ? "" : "s");
	}
	if (im->rejects && fclose(im->rejects) != 0 && st == TP_OK)
		st = tp_error_set(err, TP_EIO, "%s: cannot write rejected rows",
				  im->sum->rejects_path);
	im->rejects = NULL;
	if (!keep && im->sum->rejects_path[0] && !im->opts->skip_invalid)
		im->sum->rejects_path[0] = '\0';
	return st;
}

enum tp_status tp_import_file(struct tp_store *store, const char *path,
			      const struct tp_import_options *opts,
			      struct tp_import_summary *summary, struct tp_error *err)
{
	memset(summary, 0, sizeof *summary);
	struct importer im = {.store = store, .path = path, .opts = opts, .sum = summary};
	enum tp_table_format format = table_format(opts->source, path);
	if (opts->skip_invalid) {
		int n = opts->rejects_path
				? snprintf(summary->rejects_path, sizeof summary->rejects_path, "%s",
					   opts->rejects_path)
				: snprintf(summary->rejects_path, sizeof summary->rejects_path,
					   "%s.rejected.csv", path);
		if (n < 0 || (size_t)n >= sizeof summary->rejects_path)
			return tp_error_set(err, TP_EUSAGE, "path too long: %s", path);
	}
	enum tp_status st = tp_mapping_load(opts->map_path, format, &im.map, err);
	if (st == TP_OK)
		st = tp_table_open(path, format, &im.table, err);
	if (st == TP_OK)
		st = resolve_header(&im, err);
	if (st == TP_OK)
		st = check_defaults(&im, err);
	if (st != TP_OK)
		goto out;
	st = tp_store_begin(store, err);
	if (st != TP_OK)
		goto out;
	st = tp_pipeline_start(store, &im.pipe, err);
	if (st != TP_OK) {
		struct tp_error ignored;
		tp_store_rollback(store, &ignored);
		goto out;
	}
	st = read_rows(&im, err);
	report_progress(&im);
	struct tp_error writer_err;
	enum tp_status writer = tp_pipeline_finish(im.pipe, &im.added, &writer_err);
	if (st == TP_OK && writer != TP_OK) {
		*err = writer_err;
		tp_error_prefix(err, "%s", path);
		st = writer;
	}
	st = finish(&im, st, err);
out:
	/* No rejects file is written before the first rejected row. */
	if (summary->rejects_path[0] && summary->rejected == 0)
		summary->rejects_path[0] = '\0';
	tp_table_free(im.table);
	tp_mapping_free(im.map);
	free(im.specs);
	free(im.scratch);
	return st;
}
