/* query/analysis_rank.c - importance given as ranks for the perception gap
 * (rank_NAME attributes, docs/analysis.md "Importance given as ranks"):
 * each response's ranks turned into places among the attributes asked, per
 * respondent type, and the Mann-Whitney U test of a group's places against
 * customers'. Called by tp_gap_run (query/analysis.c); prints nothing. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "query/analysis_internal.h"
#include "query/dataset_internal.h"
#include "touchpoint/analysis.h"

/* --- Mann-Whitney U --- */

struct side_value {
	double v;
	bool b;
};

static int by_side_value(const void *x, const void *y)
{
	double a = ((const struct side_value *)x)->v, b = ((const struct side_value *)y)->v;
	return (a > b) - (a < b);
}

bool tp_mann_whitney_test(const double *a, size_t na, const double *b, size_t nb,
			  struct tp_mann_whitney *out)
{
	memset(out, 0, sizeof *out);
	if (na == 0 || nb == 0)
		return true;
	size_t n = na + nb;
	struct side_value *all = malloc(n * sizeof *all);
	if (!all)
		return false;
	for (size_t i = 0; i < na; i++)
		all[i] = (struct side_value){a[i], false};
	for (size_t j = 0; j < nb; j++)
		all[na + j] = (struct side_value){b[j], true};
	qsort(all, n, sizeof *all, by_side_value);
	/* Midranks over runs of equal values; the sum of t^3 - t for the
	 * variance's tie correction. */
	double rank_b = 0, ties = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		size_t in_b = 0;
		while (j < n && all[j].v == all[i].v) {
			in_b += all[j].b;
			j++;
		}
		double t = (double)(j - i), mid = ((double)i + 1.0 + (double)j) / 2.0;
		rank_b += mid * (double)in_b;
		ties += t * t * t - t;
		i = j;
	}
	free(all);
	double fa = (double)na, fb = (double)nb, fn = (double)n;
	out->u_b = rank_b - fb * (fb + 1.0) / 2.0;
	out->superiority = out->u_b / (fa * fb);
	double var = fa * fb / 12.0 * ((fn + 1.0) - (n > 1 ? ties / (fn * (fn - 1.0)) : 0.0));
	if (!(var > 0.0))
		return true;
	double d = out->u_b - fa * fb / 2.0;
	double z = (fabs(d) - 0.5) / sqrt(var);
	if (z < 0)
		z = 0;
	out->z = d < 0 ? -z : z;
	out->p_value = 2.0 * gsl_cdf_ugaussian_Q(z);
	if (out->p_value > 1.0)
		out->p_value = 1.0;
	out->has_test = isfinite(out->z) && isfinite(out->p_value);
	return true;
}

/* --- ranks --- */

/* The rank_NAME attributes' values as numbers by code; an error names a
 * value that is a number but not a whole number from 1 (text is missing,
 * as with ratings). */
static enum tp_status rank_numbers(const struct tp_dataset *ds, const struct tp_gap_spec *spec,
				   const struct ds_attr **attr, double **num,
				   struct tp_error *err)
{
	for (size_t k = 0; k < spec->n_attrs; k++) {
		attr[k] = an_stated_attr(ds, TP_RANK_PREFIX, spec->attrs[k]);
		bool any;
		if (!(num[k] = an_numbers_of(attr[k], &any)))
			return tp_error_set(err, TP_ENOMEM, "out of memory");
		for (size_t c = 0; c < attr[k]->n_values; c++) {
			double v = num[k][c];
			if (isnan(v) || (v >= 1.0 && v <= 1e6 && v == floor(v)))
				continue;
			return tp_error_set(err, TP_EINPUT,
					    "attribute \"%s%s\" has the value \"%.64s\": a rank "
					    "is a whole number from 1 (1 = most important)",
					    TP_RANK_PREFIX, spec->attrs[k], attr[k]->values[c]);
		}
	}
	return TP_OK;
}

/* One response's ranks v[0..n) (NAN: not ranked) as positions among the n
 * attributes: ranked ones by their order (ties: average position), the
 * unranked share the positions left (their average). Writes pos[] and
 * first[] (ranked first, alone or tied); false when nothing is ranked. */
static bool positions_of(const double *v, size_t n, double *pos, bool *first)
{
	size_t ranked = 0;
	for (size_t k = 0; k < n; k++)
		ranked += !isnan(v[k]);
	if (ranked == 0)
		return false;
	double rest = ((double)ranked + 1.0 + (double)n) / 2.0;
	for (size_t k = 0; k < n; k++) {
		first[k] = false;
		if (isnan(v[k])) {
			pos[k] = rest;
			continue;
		}
		size_t less = 0, equal = 0;
		for (size_t j = 0; j < n; j++) {
			if (isnan(v[j]))
				continue;
			less += v[j] < v[k];
			equal += v[j] == v[k];
		}
		pos[k] = (double)less + ((double)equal + 1.0) / 2.0;
		first[k] = less == 0;
	}
	return true;
}

/* Positions per attribute and group, kept for the Mann-Whitney tests. */
struct rank_sample {
	double *v;
	size_t n;
	int64_t first;
};

enum tp_status an_gap_ranks(const struct tp_dataset *ds, const struct tp_gap_spec *spec,
			    const struct scope *s, struct tp_gap_result *r, struct tp_error *err)
{
	size_t na = spec->n_attrs, rows = ds->n ? ds->n : 1;
	const struct ds_attr **attr = calloc(na, sizeof *attr);
	double **num = calloc(na, sizeof *num);
	double *buf = malloc(3 * na * sizeof *buf);
	bool *first = malloc(na * sizeof *first);
	struct rank_sample *smp = calloc(na * TP_GAP_GROUPS, sizeof *smp);
	enum tp_status st = TP_OK;
	if (!attr || !num || !buf || !first || !smp) {
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
		goto out;
	}
	st = rank_numbers(ds, spec, attr, num, err);
	if (st != TP_OK)
		goto out;
	for (size_t k = 0; k < na * TP_GAP_GROUPS; k++)
		if (!(smp[k].v = malloc(rows * sizeof *smp[k].v))) {
			st = tp_error_set(err, TP_ENOMEM, "out of memory");
			goto out;
		}
	double *v = buf, *pos = buf + na;
	for (size_t i = 0; i < ds->n; i++) {
		int t = ds->type[i];
		if (t < 0 || t >= TP_GAP_GROUPS || !an_in_scope(ds, s, i))
			continue;
		for (size_t k = 0; k < na; k++)
			v[k] = an_number_at(attr[k], num[k], i);
		if (!positions_of(v, na, pos, first))
			continue;
		for (size_t k = 0; k < na; k++) {
			struct rank_sample *x = &smp[k * TP_GAP_GROUPS + (size_t)t];
			x->v[x->n++] = pos[k];
			x->first += first[k];
			tp_moments_add(&r->attrs[k].stated[t], pos[k]);
		}
	}
	for (size_t k = 0; k < na; k++) {
		struct tp_gap_attr *ga = &r->attrs[k];
		const struct rank_sample *c = &smp[k * TP_GAP_GROUPS];
		for (int g = 0; g < TP_GAP_GROUPS; g++) {
			const struct rank_sample *x = &smp[k * TP_GAP_GROUPS + (size_t)g];
			ga->first[g] = tp_proportion_estimate(x->first, (int64_t)x->n, spec->level);
			if (g != TP_GAP_CUSTOMERS &&
			    !tp_mann_whitney_test(c->v, c->n, x->v, x->n, &ga->mwu[g])) {
				st = tp_error_set(err, TP_ENOMEM, "out of memory");
				goto out;
			}
		}
	}
out:
	for (size_t k = 0; num && k < na; k++)
		free(num[k]);
	for (size_t k = 0; smp && k < na * TP_GAP_GROUPS; k++)
		free(smp[k].v);
	free(smp);
	free(first);
	free(buf);
	free(num);
	free(attr);
	return st;
}
