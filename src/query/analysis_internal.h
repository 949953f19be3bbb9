/* query/analysis_internal.h - what query/analysis.c shares with
 * query/analysis_rank.c: the period and --where scope of an analysis,
 * attributes read as numbers, and the rank half of the perception gap. Not
 * a public header. */
#ifndef TP_QUERY_ANALYSIS_INTERNAL_H
#define TP_QUERY_ANALYSIS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "query/filter.h"
#include "touchpoint/analysis.h"

/* The period and --where filters of an analysis (any respondent type). */
struct scope {
	struct ds_filters where;
	const struct tp_query *q;
};

/* Row i inside the period and every --where. */
bool an_in_scope(const struct tp_dataset *ds, const struct scope *s, size_t i);

/* An attribute's values as numbers, by code (NAN: not a number); *any says
 * whether one is. NULL when out of memory; the caller frees it. */
double *an_numbers_of(const struct ds_attr *a, bool *any);

/* Row i's value of a as a number (NAN: none). */
double an_number_at(const struct ds_attr *a, const double *by_code, size_t i);

/* The attribute prefix + base ("imp_" "rapidez"), or NULL. */
const struct ds_attr *an_stated_attr(const struct tp_dataset *ds, const char *prefix,
				     const char *base);

/* The rank half of gap_stated: fills r->attrs[k].stated (places), .first
 * and .mwu from the rank_NAME attributes (all of which exist). Errors:
 * TP_EINPUT for a rank that is a number but not a whole number from 1,
 * TP_ENOMEM. */
enum tp_status an_gap_ranks(const struct tp_dataset *ds, const struct tp_gap_spec *spec,
			    const struct scope *s, struct tp_gap_result *r, struct tp_error *err);

#endif
