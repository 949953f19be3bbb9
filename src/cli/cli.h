/* cli/cli.h - what the `touchpoint` command's files share.
 *
 * The command line is a thin front end: it parses arguments, calls the
 * library, and shows results and errors. Exit codes (DESIGN.md): 0 success,
 * 1 user error (bad input, with a message on stderr), 2 usage error. */
#ifndef TP_CLI_CLI_H
#define TP_CLI_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "touchpoint/error.h"
#include "touchpoint/query.h"
#include "touchpoint/store.h"

#define CLI_OK 0
#define CLI_USER_ERROR 1
#define CLI_USAGE_ERROR 2

struct cli {
	const char *db_path; /* from --db, or NULL for the default */
};

/* Prints "touchpoint: MESSAGE" on stderr; returns CLI_USER_ERROR. */
int cli_fail(const struct tp_error *err);

/* Prints "touchpoint CMD: MESSAGE" and a --help hint; returns CLI_USAGE_ERROR. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Opens the store at the resolved path in the given mode; prints and
 * returns CLI_USER_ERROR on failure, else CLI_OK. */
int cli_open_store(const struct cli *cli, enum tp_store_mode mode, struct tp_store **out);

/* True when argv[i] is -h or --help. */
bool cli_wants_help(int argc, char **argv);

/* Prints s left-aligned in `width` terminal columns (counting UTF-8
 * characters, not bytes), shortening it with "…" when too long. */
void cli_print_cell(FILE *out, const char *s, size_t width);

/* Terminal columns of s: its UTF-8 characters (its bytes if not UTF-8). */
size_t cli_text_width(const char *s);

/* v with one decimal into buf, never "-0.0"; returns buf. */
const char *cli_fmt1(double v, char *buf, size_t size);

/* Formats n with thousands separators ("1,234,567") into buf. */
const char *cli_thousands(long long n, char *buf, size_t size);

/* How an end date reads in titles: "through" for a date alone (inclusive),
 * "before" for a date-time (exclusive). */
const char *cli_until_word(const char *to_text);

int cmd_init(struct cli *cli, int argc, char **argv);
int cmd_journey(struct cli *cli, int argc, char **argv);
int cmd_import(struct cli *cli, int argc, char **argv);
int cmd_demo(struct cli *cli, int argc, char **argv);
int cmd_status(struct cli *cli, int argc, char **argv);
int cmd_report(struct cli *cli, int argc, char **argv);
int cmd_drivers(struct cli *cli, int argc, char **argv);
/* gap, linkage, flags: cli/cmd_analysis.c */
int cmd_gap(struct cli *cli, int argc, char **argv);
int cmd_linkage(struct cli *cli, int argc, char **argv);
int cmd_flags(struct cli *cli, int argc, char **argv);
struct cli_query;
/* map --estimates: staff estimates against the measured scores, after the map. */
int cli_print_estimates(const struct tp_dataset *ds, const struct cli_query *cq,
			enum tp_metric metric);
int cmd_sentiment(struct cli *cli, int argc, char **argv);
/* text analyze/train, topics (textlearn) */
int cmd_text(struct cli *cli, int argc, char **argv);
int cmd_topics(struct cli *cli, int argc, char **argv);
int cmd_map(struct cli *cli, int argc, char **argv);
int cmd_serve(struct cli *cli, int argc, char **argv);
int cmd_survey(struct cli *cli, int argc, char **argv);
/* outcomes and benchmark: cli/cmd_outcomes.c */
int cmd_outcomes(struct cli *cli, int argc, char **argv);
int cmd_benchmark(struct cli *cli, int argc, char **argv);

/* A query being built from the options report and map share (--from, --to,
 * --where), with the storage its filters point into. Defined in
 * cmd_report.c. */
struct cli_query {
	struct tp_query q;
	const char *from_text, *to_text; /* as given, for the header line */
	char *where_buf[TP_QUERY_WHERE_MAX];
};

/* Initialises cq with tp_query_init(). This function can't fail. */
void cli_query_init(struct cli_query *cq);

/* Applies one filter option of command cmd: opt is "from", "to" or
 * "where", arg its value. A DATE alone (YYYY-MM-DD) given to --to means
 * through the end of that day; a date-time is exclusive. Returns CLI_OK, or
 * prints the problem and returns CLI_USAGE_ERROR (malformed value) or
 * CLI_USER_ERROR (out of memory). */
int cli_query_filter(struct cli_query *cq, const char *cmd, const char *opt, const char *arg);

/* Parses an ISO 8601 DATE or date-time option value into UTC seconds; with
 * end_of_day, a date alone means the instant after that day (date + 1 day).
 * Prints a usage error naming opt and returns CLI_USAGE_ERROR when invalid. */
int cli_parse_date(const char *cmd, const char *opt, const char *text, bool end_of_day,
		   int64_t *out);

/* Writes a one-line description of cq's period and filters ("from
 * 2026-01-01 to 2026-03-31, where region=Norte or Sur") into buf; "all
 * dates" when there is none. Returns buf. */
const char *cli_query_describe(const struct cli_query *cq, char *buf, size_t size);

/* Frees what cli_query_filter() allocated. Accepts NULL. */
void cli_query_free(struct cli_query *cq);

/* Writes text[0..len) to out without the blanks that end its lines (tables
 * are laid out in memory with padded cells, then written through this). */
void cli_write_trimmed(FILE *out, const char *text, size_t len);

/* The usage error for getopt_long's '?' (run with opterr = 0), naming what
 * was wrong: an unknown short option and the argument it is in ("-x", or
 * "-A" in "-AbC": a value starting with '-' must follow `--`), an unknown
 * long option, or an option missing its value. Returns CLI_USAGE_ERROR. */
int cli_bad_option(const char *cmd, int argc, char **argv);

/* Splits an option value "attr:A,attr:B,..." in place (buf is modified)
 * into at most max attribute names (pointers into buf, without "attr:").
 * `forms` says what the option takes, for messages ("attr:A,attr:B,...").
 * Returns CLI_OK, or a usage error naming cmd and opt for a word without
 * "attr:", an empty or over-long name (200 bytes), a name given twice, too
 * many names, or none. */
int cli_attr_list(const char *cmd, const char *opt, const char *forms, char *buf,
		  const char **names, size_t max, size_t *n);

/* Shows the store's journey and what it holds (used by status and demo). */
int cli_show_status(struct tp_store *store, const char *path);

#endif
