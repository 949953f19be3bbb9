/* query/dataset_internal.h - the columnar layout shared by dataset.c (which
 * builds it) and report.c (which reads it). Nothing else includes this. */
#ifndef TP_QUERY_DATASET_INTERNAL_H
#define TP_QUERY_DATASET_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "touchpoint/query.h"
#include "util/strmap.h"

#define TP_NONE8 ((int8_t)TP_SCORE_NONE)

/* One segment attribute: a column of local codes (dense, 0..n_values-1; -1
 * when the response has no value) and the values' text. */
struct ds_attr {
	char *name;
	int32_t *codes;      /* per row */
	size_t n_values;
	char **values;       /* by code */
	struct tp_strmap *code_of_id; /* store value id (8 bytes) -> code */
	int64_t last_value_id;
};

struct tp_dataset {
	struct tp_journey *journey;
	int16_t *tp_phase;   /* per journey touchpoint: its phase index */
	int16_t *tp_channel; /* per journey touchpoint: its channel index */
	size_t n, cap;       /* rows */
	int64_t last_id;     /* store row id of the last row taken */
	int32_t min_month, max_month; /* over all rows (valid when n > 0) */
	/* Columns, one entry per row. */
	int64_t *at;         /* submitted_at, UTC seconds */
	int32_t *month;      /* months since 1970-01 (UTC) */
	int16_t *touchpoint; /* journey index, -1 none */
	int8_t *type;
	int8_t *nps, *csat, *ces, *emotion; /* TP_NONE8 when not answered */
	uint8_t *comment;    /* 1 when there is a comment */
	uint32_t *respondent; /* low bits of the respondent hash, 0 anonymous */
	size_t n_attrs;
	struct ds_attr *attrs;
	/* Sentiment (textlearn): loaded on demand by tp_dataset_load_sentiment. */
	int64_t *id;          /* store row id, per row */
	bool has_sentiment;
	int16_t *sentiment;   /* compound * 10000, DS_NO_SENTIMENT when not analysed */
	int8_t *sentiment_label; /* -1, 0, 1 */
	int64_t sentiment_last; /* largest response id of the analyses read */
	int64_t sentiment_count; /* analyses read */
};

#define DS_NO_SENTIMENT INT16_MIN
#define DS_SENTIMENT_SCALE 10000.0

/* Months since 1970-01 of a UTC time. */
int32_t ds_month_of(int64_t seconds);

#endif
