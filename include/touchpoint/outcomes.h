/* touchpoint/outcomes.h - experience into results, and compared to what:
 * business outcomes per respondent linked to their NPS group, and
 * benchmark tables of other companies ranked against our own indicator.
 *
 * Imports (io/outcome_import.c) read CSV or JSON Lines and store all rows
 * or none. Analyses (query/outcomes.c, query/benchmark.c) read the
 * dataset (touchpoint/query.h) and the store and return results the caller
 * frees; views (view/outcomes_json.c) turn them into JSON. docs/outcomes.md
 * gives the formulas and assumptions. */
#ifndef TOUCHPOINT_OUTCOMES_H
#define TOUCHPOINT_OUTCOMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "touchpoint/error.h"
#include "touchpoint/query.h"
#include "touchpoint/stats.h"
#include "touchpoint/store.h"

/* --- imports --- */

#define TP_OUTCOME_NAME_MAX 64  /* bytes in an outcome or benchmark field name */
#define TP_OUTCOME_ROWS_MAX 5000000

struct tp_outcome_import_summary {
	int64_t respondents;  /* rows of the file */
	int64_t values;       /* (respondent, outcome) values stored */
	size_t n_names;       /* outcome columns of the file */
	int64_t without_response; /* respondents of the file with no stored response */
};

/* Reads path (".jsonl": JSON Lines, else CSV) with one row per respondent:
 * `respondent_id` and numeric outcome columns (any other name); an empty
 * cell is no value. Errors (TP_EINPUT) read "PATH:LINE: column N (NAME):
 * reason": a missing respondent_id column or value, a value that is not a
 * finite number, a respondent_id repeated in the file, an empty file, no
 * outcome column. With any error nothing is stored; otherwise every value
 * is stored in one transaction, replacing a respondent's earlier value of
 * the same name. */
enum tp_status tp_outcomes_import(struct tp_store *store, const char *path,
				  struct tp_outcome_import_summary *summary, struct tp_error *err);

/* Reads path (CSV or JSON Lines) with columns sector, company, metric
 * (nps, csat or ces), period (YYYY, YYYY-Qn or YYYY-MM), value, n (an
 * integer >= 0) and, optionally, sd (the standard deviation, CES only;
 * stored as the metric "ces_sd"). Value ranges: NPS -100..100, CSAT
 * 0..100, CES 1..7. Same error style and all-or-nothing rule as
 * tp_outcomes_import; a (sector, company, metric, period) repeated in the
 * file is an error, one already stored is replaced. *rows (if not NULL)
 * receives the rows stored. */
enum tp_status tp_benchmark_import(struct tp_store *store, const char *path, int64_t *rows,
				   struct tp_error *err);

/* --- an outcome's values, keyed for the dataset --- */

struct tp_outcome_values;

/* Loads the stored values of outcome `name`. TP_ENOTFOUND when there is
 * none. The caller frees *out with tp_outcome_values_free(). */
enum tp_status tp_outcome_values_load(struct tp_store *store, const char *name,
				      struct tp_outcome_values **out, struct tp_error *err);
void tp_outcome_values_free(struct tp_outcome_values *v);
/* Values loaded, and whether every one is 0 or 1 (a rate). */
size_t tp_outcome_values_count(const struct tp_outcome_values *v);
bool tp_outcome_values_binary(const struct tp_outcome_values *v);

/* --- outcome by NPS group --- */

enum { TP_OUTCOME_PROMOTERS, TP_OUTCOME_PASSIVES, TP_OUTCOME_DETRACTORS, TP_OUTCOME_GROUPS };

struct tp_outcome_group {
	const char *name;        /* "promoters", "passives", "detractors" */
	struct tp_moments moments; /* of the outcome over the group's respondents */
	struct tp_estimate estimate; /* mean with t interval; binary: % with Wilson */
	double sd;               /* sample standard deviation (0 when n < 2) */
};

struct tp_outcome_report {
	char *name;
	bool binary;             /* every value 0/1: rates in %, differences in points */
	double level;
	struct tp_outcome_group groups[TP_OUTCOME_GROUPS];
	int64_t respondents;     /* identified customers with an NPS answer in the selection */
	int64_t linked;          /* of them, with a value of the outcome */
	int64_t responses;       /* NPS answers read (several per respondent possible) */
	int64_t anonymous;       /* NPS answers without respondent_id (not used) */
	int64_t outcomes;        /* values of the outcome stored */
	/* promoters - detractors, Welch's t test; binary: in percentage points */
	struct tp_change diff;
	/* Moving `move_share` of the detractors to passives: move_share x
	 * detractors x (mean(passives) - mean(detractors)), its interval from
	 * the Welch interval of the difference. Binary: in respondents. */
	double move_share;
	bool has_move;
	double moved;            /* move_share x detractors */
	double move_value, move_lo, move_hi;
};

/* Runs the outcome `name` by NPS group over ds's customer responses in the
 * period and --where filters of `filter` (NULL: all). Each identified
 * respondent (respondent_id) counts once, in the group of their latest NPS
 * answer in the selection (latest submitted_at; ties: the one stored
 * last). move_share must be in [0, 1]. Errors: TP_ENOTFOUND (no such
 * outcome), TP_EINPUT (bad filters). The caller frees *out with
 * tp_outcome_report_free(). */
enum tp_status tp_outcome_report_run(const struct tp_dataset *ds,
				     const struct tp_outcome_values *values, const char *name,
				     const struct tp_query *filter, double move_share,
				     double level, struct tp_outcome_report **out,
				     struct tp_error *err);
void tp_outcome_report_free(struct tp_outcome_report *r);

/* The report as JSON; the caller frees the string. NULL when out of memory. */
char *tp_outcome_report_to_json(const struct tp_outcome_report *r, const char *period);

/* --- benchmark --- */

/* Why a comparison has no test (for translated views). */
enum {
	TP_NO_TEST_NONE,
	TP_NO_TEST_NO_OURS,   /* we have no answers in the period */
	TP_NO_TEST_SMALL_N,   /* the benchmark's n is below 2 */
	TP_NO_TEST_NO_SD,     /* CES without the benchmark's sd */
	TP_NO_TEST_FEW_OURS,  /* fewer than 2 answers of ours */
};

struct tp_benchmark_entry {
	char *sector, *company;
	double value;
	int64_t n;
	bool ours;
	bool has_sd;
	double sd;             /* CES: from the "ces_sd" row */
	/* Interval of the value (for charts): ours from our answers; others'
	 * NPS with the largest variance their NPS allows, CSAT Wilson from
	 * round(value x n / 100) of n, CES t interval when sd is known. */
	bool has_ci;
	double lo, hi;
	/* the comparison with our value: diff = ours - theirs */
	bool has_test;
	double diff, p_value;
	bool significant;      /* p_value < 1 - level */
	const char *no_test;   /* when !has_test (and not ours): why, a constant */
	int no_test_code;      /* the same as a number: TP_NO_TEST_* */
};

struct tp_benchmark_report {
	enum tp_metric metric;
	double level;
	char *period;
	char *company;         /* ours */
	char *sector;          /* ours, or NULL when unknown */
	bool has_ours;         /* we have answers in the period */
	struct tp_estimate ours;
	/* rank 1 = best (the highest value: CES 7 is "very easy"); ties share
	 * the better rank. Percentile:
	 * 100 x (companies strictly worse + half the ties) / companies compared
	 * (ours excluded). */
	int64_t rank_all, count_all;   /* count: companies ranked, ours included */
	bool has_pct_all;
	double pct_all;
	bool has_sector_rank;
	int64_t rank_sector, count_sector;
	bool has_pct_sector;
	double pct_sector;
	int64_t dropped_own;   /* benchmark rows of our own company, replaced by ours */
	size_t n_entries;
	struct tp_benchmark_entry *entries; /* best first, ours included */
};

struct tp_benchmark_query {
	enum tp_metric metric;  /* NPS, CSAT or CES */
	const char *period;     /* NULL: the latest period stored for the metric */
	const char *sector;     /* our sector: NULL reads meta company.sector */
	const char *company;    /* our name: NULL reads meta company.name, else "us" */
	double level;
};

/* Ranks our indicator for the period (computed from ds like `report`)
 * among the stored benchmark rows of the metric and period. Errors:
 * TP_EUSAGE (a metric other than NPS, CSAT, CES), TP_EINPUT (a malformed
 * period), TP_ENOTFOUND (no benchmark rows for the metric and period). The
 * caller frees *out with tp_benchmark_report_free(). */
enum tp_status tp_benchmark_run(struct tp_store *store, const struct tp_dataset *ds,
				const struct tp_benchmark_query *q,
				struct tp_benchmark_report **out, struct tp_error *err);
void tp_benchmark_report_free(struct tp_benchmark_report *r);

/* Parses a benchmark period into [from, to) UTC seconds: "2026", "2026-Q1"
 * or "2026-01". */
bool tp_period_parse(const char *period, int64_t *from, int64_t *to);

/* The report as JSON; the caller frees the string. NULL when out of memory. */
char *tp_benchmark_report_to_json(const struct tp_benchmark_report *r);

/* --- demo data (model/demo_outcomes.c) --- */

/* Adds revenue and churned outcomes for every customer respondent of the
 * store (detractors churn more and spend less), and a benchmark table for
 * the responses' last quarter, reproducibly from seed. */
enum tp_status tp_demo_outcomes(struct tp_store *store, uint64_t seed, struct tp_error *err);

#endif
