/* io/import.c - turning a response file into stored responses.
 *
 * Reads rows from a table (io/table.h), turns each into a checked response
 * (io/rowconv.h: the mapping gives each field its meaning, then it is
 * parsed and checked, as the JSON API does too), and inserts it through
 * the store, all in one transaction: either every row is
 * stored or none is (unless skip_invalid). Rows stream through a scratch
 * buffer reused from row to row, so memory does not grow with the file.
 * Every problem is reported as "FILE:LINE: column N (NAME): reason". */
#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/mapping.h"
#include "io/pipeline.h"
#include "io/rowconv.h"
#include "io/table.h"
#include "touchpoint/import.h"

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
	struct tp_rowconv conv;       /* row -> response, shared with the API */
	FILE *rejects;
	bool failed;                  /* a row was invalid: store nothing more */
	int64_t added;                /* valid rows the store accepted */
	struct tp_pipeline *pipe;     /* to the writer thread, while reading */
	char reasons[2048];           /* this row's reasons, "; "-joined */
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
}

/* The row converter's problem callback (io/rowconv.h). */
static void conv_error(void *ctx, long line, int column, const char *name, const char *field,
		       const char *reason)
{
	(void)field;
	row_error(ctx, line, column, name, reason);
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
	im->reasons[0] = '\0';
	struct tp_response r;
	int errors = tp_rowconv_response(&im->conv, row, im->specs, im->n_specs, &r);
	if (errors < 0)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	if (errors == 0 && !im->failed)
		return store_row(im, row, &r, err);
	if (errors == 0)
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
	tp_rowconv_init(&im.conv);
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
	im.conv.store = store;
	im.conv.map = im.map;
	im.conv.error = conv_error;
	im.conv.ctx = &im;
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
	tp_rowconv_free(&im.conv);
	return st;
}
