/* touchpoint/import.h - loading responses from files.
 *
 * Reads CSV (comma or semicolon, UTF-8 BOM, CRLF or LF, RFC 4180 quoting,
 * multi-line fields) and JSON Lines, optionally as exported by Qualtrics,
 * SurveyMonkey or Google Forms, maps columns to touchpoint's fields, checks
 * every row and stores the good ones. Streams: memory does not grow with the
 * file. All-or-nothing by default. */
#ifndef TOUCHPOINT_IMPORT_H
#define TOUCHPOINT_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "touchpoint/error.h"
#include "touchpoint/store.h"

enum tp_import_source {
	TP_SOURCE_AUTO = 0, /* by extension: .jsonl/.ndjson JSON Lines, else CSV */
	TP_SOURCE_CSV,
	TP_SOURCE_JSONL,
	TP_SOURCE_QUALTRICS,
	TP_SOURCE_SURVEYMONKEY,
	TP_SOURCE_GOOGLEFORMS,
};

/* Parses "csv", "jsonl", "qualtrics", "surveymonkey", "googleforms". */
bool tp_import_source_parse(const char *name, enum tp_import_source *out);

#define TP_IMPORT_ERRORS_KEPT 20

struct tp_import_progress {
	int64_t rows;        /* data rows read so far */
	int64_t bytes_read;  /* of the input file */
	int64_t bytes_total; /* size of the input file, 0 if unknown */
};
typedef void (*tp_import_progress_fn)(const struct tp_import_progress *p, void *ctx);

struct tp_import_options {
	enum tp_import_source source;
	const char *map_path;     /* column map JSON, or NULL */
	bool skip_invalid;        /* store good rows, write bad ones to rejects_path */
	bool dry_run;             /* check and count, store nothing */
	const char *rejects_path; /* for skip_invalid; NULL = "<FILE>.rejected.csv" */
	tp_import_progress_fn progress; /* called about every 64k rows, or NULL */
	void *progress_ctx;
};

struct tp_import_summary {
	int64_t rows;      /* data rows read */
	int64_t inserted;  /* new responses stored (or that would be, on dry run) */
	int64_t present;   /* already stored, or repeated in the file: unchanged */
	int64_t rejected;  /* invalid rows */
	int64_t errors;    /* problems found (a row can have several) */
	int n_kept;        /* errors[] kept: the first TP_IMPORT_ERRORS_KEPT */
	char errors_kept[TP_IMPORT_ERRORS_KEPT][512]; /* "FILE:LINE: column C (name): reason" */
	bool committed;    /* the import's transaction was committed: its new
			      rows (possibly none) are durable */
	char rejects_path[4096]; /* where rejected rows went, "" if none */
};

/* Imports path into store. Returns TP_OK when the import was carried out
 * (possibly with rejected rows under skip_invalid: see summary), TP_EINPUT
 * when rows were invalid and nothing was stored (summary lists them), or
 * another status for a failure that stopped the import (unreadable file,
 * bad map, database error; nothing stored). */
enum tp_status tp_import_file(struct tp_store *store, const char *path,
			      const struct tp_import_options *opts,
			      struct tp_import_summary *summary,
			      struct tp_error *err);

#endif
