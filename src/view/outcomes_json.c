/* view/outcomes_json.c - the outcome and benchmark results as JSON (the
 * `--json` output of `touchpoint outcomes` and `touchpoint benchmark`, and
 * GET /api/v1/outcomes and /api/v1/benchmark). Numbers are finite or
 * null; never prints. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "touchpoint/outcomes.h"

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *interval(bool has, double lo, double hi)
{
	if (!has || !isfinite(lo) || !isfinite(hi))
		return json_null();
	return json_pack("[f, f]", lo, hi);
}

static char *dump(json_t *root)
{
	if (!root)
		return NULL;
	char *text = json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(12));
	json_decref(root);
	return text;
}

char *tp_outcome_report_to_json(const struct tp_outcome_report *r, const char *period)
{
	json_t *groups = json_array();
	for (int g = 0; groups && g < TP_OUTCOME_GROUPS; g++) {
		const struct tp_outcome_group *grp = &r->groups[g];
		json_array_append_new(
			groups, json_pack("{s:s, s:I, s:o, s:o, s:o}", "nps_group", grp->name,
					  "n", (json_int_t)grp->moments.n, "value",
					  grp->estimate.has_value ? num(grp->estimate.value)
								  : json_null(),
					  "ci95", interval(grp->estimate.has_ci, grp->estimate.lo,
							   grp->estimate.hi),
					  "sd", grp->moments.n > 1 ? num(grp->sd) : json_null()));
	}
	json_t *diff = r->diff.has_value
			       ? json_pack("{s:o, s:o, s:o, s:s}", "value", num(r->diff.diff), "ci95",
					   interval(true, r->diff.lo, r->diff.hi), "p_value",
					   num(r->diff.p_value), "test", "welch_t")
			       : json_null();
	json_t *move = r->has_move
			       ? json_pack("{s:o, s:o, s:o, s:o, s:o}", "share", num(r->move_share),
					   "detractors_moved", num(r->moved), "value",
					   num(r->move_value), "ci95",
					   interval(true, r->move_lo, r->move_hi), "assumptions",
					   json_pack("[s, s, s, s]",
						     "causal: moving a detractor to passive changes "
						     "their outcome by the passives-detractors "
						     "difference",
						     "the group means observed are transferable to "
						     "the moved customers",
						     "the period and filters of this analysis",
						     "the population: identified customers with an "
						     "NPS answer and the outcome"))
			       : json_null();
	json_t *root = json_pack(
		"{s:s, s:s, s:b, s:o, s:{s:I, s:I, s:I, s:I, s:I}, s:o, s:o, s:o}", "outcome",
		r->name, "unit", r->binary ? "percent" : "mean", "binary", r->binary, "period",
		period ? json_string(period) : json_null(), "counts", "respondents",
		(json_int_t)r->respondents, "linked", (json_int_t)r->linked, "nps_responses",
		(json_int_t)r->responses, "anonymous_responses", (json_int_t)r->anonymous,
		"outcome_values", (json_int_t)r->outcomes, "groups", groups ? groups : json_null(),
		"promoters_vs_detractors", diff ? diff : json_null(), "move",
		move ? move : json_null());
	return dump(root);
}

char *tp_benchmark_report_to_json(const struct tp_benchmark_report *r)
{
	json_t *entries = json_array();
	for (size_t i = 0; entries && i < r->n_entries; i++) {
		const struct tp_benchmark_entry *e = &r->entries[i];
		json_t *o = json_pack("{s:s, s:s, s:o, s:I, s:b}", "sector", e->sector, "company",
				      e->company, "value", num(e->value), "n", (json_int_t)e->n,
				      "ours", e->ours);
		if (!o)
			continue;
		if (e->has_sd)
			json_object_set_new(o, "sd", num(e->sd));
		json_object_set_new(o, "ci95", interval(e->has_ci, e->lo, e->hi));
		if (!e->ours) {
			json_object_set_new(o, "diff", r->has_ours ? num(e->diff) : json_null());
			json_object_set_new(o, "p_value", e->has_test ? num(e->p_value) : json_null());
			json_object_set_new(o, "significant",
					    e->has_test ? json_boolean(e->significant) : json_null());
			if (!e->has_test && e->no_test)
				json_object_set_new(o, "no_test", json_string(e->no_test));
		}
		json_array_append_new(entries, o);
	}
	json_t *ours = r->has_ours
			       ? json_pack("{s:s, s:o, s:o, s:I, s:o}", "company", r->company,
					   "sector", r->sector ? json_string(r->sector) : json_null(),
					   "value", num(r->ours.value), "n", (json_int_t)r->ours.n,
					   "ci95", interval(r->ours.has_ci, r->ours.lo, r->ours.hi))
			       : json_null();
	json_t *all = r->has_ours ? json_pack("{s:I, s:I, s:o}", "rank", (json_int_t)r->rank_all,
					      "of", (json_int_t)r->count_all, "percentile",
					      r->has_pct_all ? num(r->pct_all) : json_null())
				  : json_null();
	json_t *sector = r->has_ours && r->has_sector_rank
				 ? json_pack("{s:s, s:I, s:I, s:o}", "sector", r->sector, "rank",
					     (json_int_t)r->rank_sector, "of",
					     (json_int_t)r->count_sector, "percentile",
					     r->has_pct_sector ? num(r->pct_sector) : json_null())
				 : json_null();
	json_t *root = json_pack("{s:s, s:s, s:o, s:o, s:o, s:I, s:o}", "metric",
				 tp_metric_name(r->metric), "period", r->period, "ours",
				 ours ? ours : json_null(), "all_sectors", all ? all : json_null(),
				 "in_sector", sector ? sector : json_null(), "own_rows_replaced",
				 (json_int_t)r->dropped_own, "companies",
				 entries ? entries : json_null());
	return dump(root);
}
