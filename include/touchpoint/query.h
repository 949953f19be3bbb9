/* touchpoint/query.h - indicators for any slice of the responses.
 *
 * A dataset is a compact columnar copy of the stored responses, held in
 * memory (a few bytes per response and attribute), built from the store once
 * and then kept up to date by appending what was added since
 * (tp_dataset_refresh), never rebuilt for new answers. A query groups the
 * dataset's responses by up to TP_QUERY_BY_MAX dimensions, filters them by
 * period and attribute values, and computes one metric per group with n and
 * a confidence interval (touchpoint/stats.h gives the methods).
 *
 * Who counts where (DESIGN.md): NPS, CSAT, CES, emotion, responses and the
 * comment rate are computed over customer responses; eNPS over employee
 * responses; leaders' answers feed the perception gap only. */
#ifndef TOUCHPOINT_QUERY_H
#define TOUCHPOINT_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "touchpoint/error.h"
#include "touchpoint/journey.h"
#include "touchpoint/stats.h"
#include "touchpoint/store.h"

/* --- the dataset --- */

struct tp_dataset;

/* Loads the store's journey and responses. The caller frees *out with
 * tp_dataset_free(). */
enum tp_status tp_dataset_open(struct tp_store *store, struct tp_dataset **out,
			       struct tp_error *err);

/* Appends the responses stored since the dataset was built or last
 * refreshed; *added (if not NULL) says how many. When the journey changed,
 * the dataset is rebuilt. */
enum tp_status tp_dataset_refresh(struct tp_dataset *ds, struct tp_store *store, int64_t *added,
				  struct tp_error *err);

/* Adds the comments' sentiment (comment_analysis, as `touchpoint text
 * analyze` stored it) to the dataset, for TP_METRIC_SENTIMENT; from then
 * on tp_dataset_refresh keeps it up to date. Cheap when nothing changed. */
enum tp_status tp_dataset_load_sentiment(struct tp_dataset *ds, struct tp_store *store,
					 struct tp_error *err);

const struct tp_journey *tp_dataset_journey(const struct tp_dataset *ds);
int64_t tp_dataset_size(const struct tp_dataset *ds);
/* The segment attributes the dataset holds, in the store's order. */
size_t tp_dataset_attribute_count(const struct tp_dataset *ds);
const char *tp_dataset_attribute_name(const struct tp_dataset *ds, size_t i); /* NULL past the end */
void tp_dataset_free(struct tp_dataset *ds);

/* --- queries --- */

enum tp_metric {
	TP_METRIC_NPS,          /* -100..100, customers */
	TP_METRIC_ENPS,         /* -100..100, employees */
	TP_METRIC_CSAT,         /* % of 4-5 answers, customers */
	TP_METRIC_CES,          /* mean of 1-7, customers */
	TP_METRIC_EMOTION,      /* mean of -3..+3, customers */
	TP_METRIC_RESPONSES,    /* count of customer responses (value = n) */
	TP_METRIC_COMMENT_RATE, /* % of customer responses with a comment */
	TP_METRIC_SENTIMENT,    /* mean compound of analysed customer comments
				   (-1..1); needs tp_dataset_load_sentiment */
};

/* "nps", "enps", "csat", "ces", "emotion", "responses", "comment_rate",
 * "sentiment". */
bool tp_metric_parse(const char *name, enum tp_metric *out);
const char *tp_metric_name(enum tp_metric metric);

enum tp_dimension {
	TP_BY_TOUCHPOINT, /* key: the touchpoint id */
	TP_BY_PHASE,      /* key: the phase id */
	TP_BY_CHANNEL,    /* key: the channel id */
	TP_BY_MONTH,      /* key: "2026-01" (UTC) */
	TP_BY_QUARTER,    /* key: "2026-Q1" */
	TP_BY_ATTR,       /* key: the attribute's value */
};

struct tp_by {
	enum tp_dimension dim;
	const char *attr; /* TP_BY_ATTR: the attribute's name */
};

/* Parses a --by word: "touchpoint", "phase", "channel", "month",
 * "quarter" or "attr:NAME" (attr points into word). */
bool tp_by_parse(const char *word, struct tp_by *out);

/* The --by word for the JSON key ("attr:region" keeps its prefix); writes
 * into buf and returns it. */
const char *tp_by_name(const struct tp_by *by, char *buf, size_t size);

#define TP_QUERY_BY_MAX 4
#define TP_QUERY_WHERE_MAX 16

/* A filter NAME=VALUE: NAME is "touchpoint", "phase", "channel" or a
 * segment attribute's name. Filters on the same name are alternatives (OR);
 * filters on different names must all hold (AND). */
struct tp_where {
	const char *name;
	const char *value;
};

/* Parses "NAME=VALUE" (value may be empty, name may not); pointers are into
 * a copy the caller provides in buf (at least strlen(text) + 1 bytes). */
bool tp_where_parse(const char *text, char *buf, struct tp_where *out);

struct tp_query {
	enum tp_metric metric;
	size_t n_by;
	struct tp_by by[TP_QUERY_BY_MAX];
	bool has_from, has_to;
	int64_t from, to; /* responses with from <= submitted_at < to (UTC seconds) */
	size_t n_where;
	struct tp_where where[TP_QUERY_WHERE_MAX];
	double level;      /* confidence level, default 0.95 */
	int64_t min_n;     /* groups with n below it are flagged small; default 30 */
	int64_t anonymity; /* eNPS groups with fewer distinct employees are never
			      shown; default 5 */
	/* Change over time: when set, each group is also computed over the
	 * baseline period [base_from, base_to) and compared with it. */
	bool has_baseline;
	int64_t base_from, base_to;
};

/* Fills q with the defaults above: metric NPS, no grouping, no filter. */
void tp_query_init(struct tp_query *q);

struct tp_group {
	const char *key[TP_QUERY_BY_MAX]; /* per q->by[i]: see enum tp_dimension */
	int64_t n;                        /* answers counted for the metric */
	struct tp_estimate estimate;
	bool small;                       /* n < min_n: shown, but not as a fact */
	struct tp_nps_counts nps;         /* NPS and eNPS */
	int64_t successes;                /* CSAT: 4-5 answers; comment rate: comments */
	double sd;                        /* CES, emotion, sentiment: sample standard deviation */
	int64_t positive, neutral, negative; /* sentiment: comments by label */
	/* Against the previous period (when grouped by month or quarter: the
	 * group with the same other keys one period earlier) or against the
	 * baseline (has_baseline). */
	bool has_change;
	const char *change_vs;            /* the previous period's key, or "baseline" */
	struct tp_change change;
	bool significant;                 /* change.p_value < 1 - level */
};

struct tp_report {
	enum tp_metric metric;
	double level;
	size_t n_by;
	struct tp_by by[TP_QUERY_BY_MAX];
	size_t n_groups;
	struct tp_group *groups; /* sorted: journey order for touchpoints,
				    phases and channels; periods in time order;
				    attribute values alphabetically */
	int64_t hidden; /* groups left out by the anonymity threshold */
};

/* Runs q over ds. Errors (TP_EINPUT): an unknown attribute in by or where,
 * a where value of touchpoint/phase/channel that is not in the journey, two
 * by of the same dimension, from >= to. A value not found among an
 * attribute's values simply matches nothing. Empty groups are not listed.
 * The caller frees *out with tp_report_free(). */
enum tp_status tp_report_run(const struct tp_dataset *ds, const struct tp_query *q,
			     struct tp_report **out, struct tp_error *err);

void tp_report_free(struct tp_report *report);

/* --- views --- */

/* The report as JSON (the DESIGN.md contract of `report --json` and
 * GET /api/v1/indicators). Returns a string the caller frees with free(),
 * or NULL when out of memory or when a key is not valid UTF-8. */
char *tp_report_to_json(const struct tp_report *report);

/* The name of a metric's success count: "satisfied" (CSAT), "comments"
 * (comment rate), or NULL. */
const char *tp_metric_successes_name(enum tp_metric metric);

/* The name of an interval at a level: "ci95" at 0.95, "ci90" at 0.90;
 * written into buf and returned. */
const char *tp_interval_name(double level, char *buf, size_t size);

#endif
