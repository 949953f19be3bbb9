/* query/analysis.c - perception gap, estimates, employee linkage and
 * experience flags over the columnar dataset (contracts and data
 * conventions in touchpoint/analysis.h, method in docs/analysis.md).
 *
 * Reads the dataset's columns; the key-driver fit for the derived
 * importance goes through touchpoint/drivers_data.h and drivers.h. Prints
 * nothing. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "query/analysis_internal.h"
#include "query/dataset_internal.h"
#include "query/filter.h"
#include "touchpoint/analysis.h"
#include "touchpoint/drivers.h"
#include "touchpoint/drivers_data.h"

/* --- tests --- */

static double z_of(double level)
{
	if (!(level > 0.0 && level < 1.0))
		level = 0.95;
	return gsl_cdf_ugaussian_Qinv((1.0 - level) / 2.0);
}

static double checked_level(double level)
{
	return level > 0.0 && level < 1.0 ? level : 0.95;
}

struct tp_welch tp_welch_test(const struct tp_moments *a, const struct tp_moments *b,
			      double level)
{
	struct tp_welch w = {0};
	if (a->n < 2 || b->n < 2)
		return w;
	double va = a->m2 / (double)(a->n - 1) / (double)a->n;
	double vb = b->m2 / (double)(b->n - 1) / (double)b->n;
	double var = va + vb;
	w.diff = b->mean - a->mean;
	if (!(var > 0.0) || !isfinite(var) || !isfinite(w.diff))
		return w;
	double se = sqrt(var);
	w.t = w.diff / se;
	w.df = var * var / (va * va / (double)(a->n - 1) + vb * vb / (double)(b->n - 1));
	w.p_value = 2.0 * gsl_cdf_tdist_Q(fabs(w.t), w.df);
	double half = gsl_cdf_tdist_Qinv((1.0 - checked_level(level)) / 2.0, w.df) * se;
	w.lo = w.diff - half;
	w.hi = w.diff + half;
	w.has_test = isfinite(w.t) && isfinite(w.p_value) && isfinite(half);
	return w;
}

static double pearson(const double *x, const double *y, size_t n)
{
	double mx = 0, my = 0;
	for (size_t i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	double sxy = 0, sxx = 0, syy = 0;
	for (size_t i = 0; i < n; i++) {
		sxy += (x[i] - mx) * (y[i] - my);
		sxx += (x[i] - mx) * (x[i] - mx);
		syy += (y[i] - my) * (y[i] - my);
	}
	if (!(sxx > 0.0) || !(syy > 0.0))
		return NAN;
	double r = sxy / sqrt(sxx * syy);
	return r > 1.0 ? 1.0 : r < -1.0 ? -1.0 : r;
}

/* Average ranks (1 = smallest) of v[0..n) into rank. */
static void ranks_of(const double *v, size_t n, double *rank)
{
	for (size_t i = 0; i < n; i++) {
		size_t less = 0, equal = 0;
		for (size_t j = 0; j < n; j++) {
			less += v[j] < v[i];
			equal += v[j] == v[i];
		}
		rank[i] = (double)less + ((double)equal + 1.0) / 2.0;
	}
}

static double r_p_value(double r, size_t n)
{
	if (n < 3)
		return 1.0;
	if (fabs(r) >= 1.0)
		return 0.0;
	double df = (double)n - 2.0;
	double t = r * sqrt(df / (1.0 - r * r));
	return 2.0 * gsl_cdf_tdist_Q(fabs(t), df);
}

struct tp_correlation tp_correlation_of(const double *x, const double *y, size_t n,
					double level)
{
	struct tp_correlation c = {.n = n};
	if (n < 3)
		return c;
	double r = pearson(x, y, n);
	double *rx = malloc(2 * n * sizeof *rx);
	if (!rx || isnan(r)) {
		free(rx);
		return c;
	}
	double *ry = rx + n;
	ranks_of(x, n, rx);
	ranks_of(y, n, ry);
	double rho = pearson(rx, ry, n);
	free(rx);
	c.r = r;
	c.p_value = r_p_value(r, n);
	c.rho = isnan(rho) ? 0.0 : rho;
	c.rho_p = isnan(rho) ? 1.0 : r_p_value(rho, n);
	c.has_value = true;
	if (n >= 4 && fabs(r) < 1.0) {
		double z = atanh(r), half = z_of(level) / sqrt((double)n - 3.0);
		c.lo = tanh(z - half);
		c.hi = tanh(z + half);
		c.has_ci = true;
	} else if (n >= 4) {
		c.lo = c.hi = r;
		c.has_ci = true;
	}
	return c;
}

/* --- shared --- */

static enum tp_status scope_make(const struct tp_dataset *ds, const struct tp_query *q,
				 struct scope *s, struct tp_error *err)
{
	memset(s, 0, sizeof *s);
	s->q = q;
	if (!q)
		return TP_OK;
	if (q->has_from && q->has_to && q->from >= q->to)
		return tp_error_set(err, TP_EINPUT,
				    "the period is empty (--from is not before --to)");
	return ds_filters_make(ds, q->where, q->n_where, &s->where, err);
}

/* Row i inside the period and every --where (any respondent type). */
bool an_in_scope(const struct tp_dataset *ds, const struct scope *s, size_t i)
{
	const struct tp_query *q = s->q;
	if (q && ((q->has_from && ds->at[i] < q->from) || (q->has_to && ds->at[i] >= q->to)))
		return false;
	return ds_filters_pass(ds, &s->where, i);
}

/* An attribute's values as numbers, by code (NAN: not a number). */
double *an_numbers_of(const struct ds_attr *a, bool *any)
{
	double *v = malloc((a->n_values ? a->n_values : 1) * sizeof *v);
	*any = false;
	for (size_t c = 0; v && c < a->n_values; c++) {
		v[c] = NAN;
		*any |= tp_drivers_number(a->values[c], &v[c]);
	}
	return v;
}

double an_number_at(const struct ds_attr *a, const double *by_code, size_t i)
{
	int32_t c = a->codes[i];
	return c < 0 ? NAN : by_code[c];
}

/* A customers' indicator accumulated from rows. */
struct indicator {
	enum tp_metric metric;
	struct tp_nps_counts nps;
	int64_t successes, n;
	struct tp_moments m;
};

static void indicator_add(struct indicator *ind, const struct tp_dataset *ds, size_t i)
{
	int v;
	switch (ind->metric) {
	case TP_METRIC_CSAT:
		v = ds->csat[i];
		if (v == TP_NONE8)
			return;
		ind->successes += v >= 4;
		ind->n++;
		return;
	case TP_METRIC_CES:
		v = ds->ces[i];
		if (v != TP_NONE8)
			tp_moments_add(&ind->m, v);
		return;
	default:
		v = ds->nps[i];
		if (v == TP_NONE8)
			return;
		if (v >= 9)
			ind->nps.promoters++;
		else if (v >= 7)
			ind->nps.passives++;
		else
			ind->nps.detractors++;
		return;
	}
}

static struct tp_estimate indicator_estimate(const struct indicator *ind, double level,
					     double *se)
{
	double n;
	switch (ind->metric) {
	case TP_METRIC_CSAT: {
		n = (double)ind->n;
		double p = n > 0 ? (double)ind->successes / n : 0;
		*se = n > 0 ? 100.0 * sqrt(p * (1 - p) / n) : 0;
		return tp_proportion_estimate(ind->successes, ind->n, level);
	}
	case TP_METRIC_CES:
		*se = ind->m.n > 1 ? sqrt(ind->m.m2 / (double)(ind->m.n - 1) / (double)ind->m.n)
				   : 0;
		return tp_mean_estimate(&ind->m, level);
	default: {
		const struct tp_nps_counts *c = &ind->nps;
		n = (double)(c->promoters + c->passives + c->detractors);
		double p = n > 0 ? (double)c->promoters / n : 0;
		double d = n > 0 ? (double)c->detractors / n : 0;
		*se = n > 0 ? 100.0 * sqrt((p + d - (p - d) * (p - d)) / n) : 0;
		return tp_nps_estimate(c, level);
	}
	}
}

static bool customer_metric(enum tp_metric m)
{
	return m == TP_METRIC_NPS || m == TP_METRIC_CSAT || m == TP_METRIC_CES;
}

/* --- perception gap --- */

const char *tp_gap_group_name(enum tp_gap_group g)
{
	static const char *const names[] = {"customers", "employees", "leaders"};
	return (unsigned)g < TP_GAP_GROUPS ? names[g] : "";
}

void tp_gap_free(struct tp_gap_result *r)
{
	if (!r)
		return;
	for (size_t k = 0; r->attrs && k < r->n_attrs; k++)
		free(r->attrs[k].name);
	free(r->attrs);
	free(r->gaps);
	free(r);
}

const char *tp_gap_stated_name(enum tp_gap_stated st)
{
	switch (st) {
	case TP_STATED_RATING: return "rating";
	case TP_STATED_RANK: return "rank";
	default: return "auto";
	}
}

/* The attribute prefix+base, or NULL. */
const struct ds_attr *an_stated_attr(const struct tp_dataset *ds, const char *prefix,
				      const char *base)
{
	char name[256];
	snprintf(name, sizeof name, "%s%s", prefix, base);
	return ds_attr_find(ds, name);
}

/* Settles AUTO (ratings when every imp_NAME exists, else ranks when every
 * rank_NAME does) and checks that every attribute of the mode exists. */
static enum tp_status gap_mode(const struct tp_dataset *ds, const struct tp_gap_spec *spec,
			       enum tp_gap_stated *mode, struct tp_error *err)
{
	bool all_imp = true, all_rank = true;
	for (size_t k = 0; k < spec->n_attrs; k++) {
		all_imp &= an_stated_attr(ds, TP_IMPORTANCE_PREFIX, spec->attrs[k]) != NULL;
		all_rank &= an_stated_attr(ds, TP_RANK_PREFIX, spec->attrs[k]) != NULL;
	}
	*mode = spec->stated;
	if (*mode == TP_STATED_AUTO)
		*mode = all_imp || !all_rank ? TP_STATED_RATING : TP_STATED_RANK;
	const char *prefix = *mode == TP_STATED_RANK ? TP_RANK_PREFIX : TP_IMPORTANCE_PREFIX;
	for (size_t k = 0; k < spec->n_attrs; k++) {
		if (an_stated_attr(ds, prefix, spec->attrs[k]))
			continue;
		char what[320], name[256];
		snprintf(what, sizeof what, "stated importance of \"%s\"%s", spec->attrs[k],
			 spec->stated == TP_STATED_AUTO ? " (imp_NAME or rank_NAME)" : "");
		snprintf(name, sizeof name, "%s%s", prefix, spec->attrs[k]);
		return ds_attr_unknown(ds, what, name, err);
	}
	return TP_OK;
}

static enum tp_status gap_ratings(const struct tp_dataset *ds, const struct tp_gap_spec *spec,
				  const struct scope *s, struct tp_gap_result *r,
				  struct tp_error *err)
{
	for (size_t k = 0; k < spec->n_attrs; k++) {
		const struct ds_attr *a = an_stated_attr(ds, TP_IMPORTANCE_PREFIX, spec->attrs[k]);
		bool any;
		double *num = an_numbers_of(a, &any);
		if (!num)
			return tp_error_set(err, TP_ENOMEM, "out of memory");
		if (!any) {
			free(num);
			return tp_error_set(err, TP_EINPUT,
					    "attribute \"%s%s\" has no numeric value",
					    TP_IMPORTANCE_PREFIX, spec->attrs[k]);
		}
		struct tp_gap_attr *ga = &r->attrs[k];
		for (size_t i = 0; i < ds->n; i++) {
			int t = ds->type[i];
			if (t < 0 || t >= TP_GAP_GROUPS || !an_in_scope(ds, s, i))
				continue;
			double v = an_number_at(a, num, i);
			if (!isnan(v))
				tp_moments_add(&ga->stated[t], v);
		}
		free(num);
	}
	return TP_OK;
}

static enum tp_status gap_stated(const struct tp_dataset *ds, const struct tp_gap_spec *spec,
				 const struct scope *s, struct tp_gap_result *r,
				 struct tp_error *err)
{
	enum tp_status st = gap_mode(ds, spec, &r->stated, err);
	if (st != TP_OK)
		return st;
	st = r->stated == TP_STATED_RANK ? an_gap_ranks(ds, spec, s, r, err)
					 : gap_ratings(ds, spec, s, r, err);
	if (st != TP_OK)
		return st;
	for (size_t k = 0; k < spec->n_attrs; k++) {
		struct tp_gap_attr *ga = &r->attrs[k];
		for (int g = 0; g < TP_GAP_GROUPS; g++) {
			ga->stated_mean[g] = tp_mean_estimate(&ga->stated[g], spec->level);
			r->has_group[g] |= ga->stated[g].n > 0;
		}
	}
	if (!r->has_group[TP_GAP_CUSTOMERS])
		return tp_error_set(err, TP_EINPUT, "no customer %s the importance of any of "
						    "the attributes (%sNAME)",
				    r->stated == TP_STATED_RANK ? "ranked" : "rated",
				    r->stated == TP_STATED_RANK ? TP_RANK_PREFIX
								: TP_IMPORTANCE_PREFIX);
	return TP_OK;
}

/* Ranks 1 = largest of v over the entries with has[k]; 0 elsewhere. */
static void rank_desc(const double *v, const bool *has, size_t n, double *rank)
{
	for (size_t i = 0; i < n; i++) {
		rank[i] = 0;
		if (!has[i])
			continue;
		size_t more = 0, equal = 0;
		for (size_t j = 0; j < n; j++) {
			if (!has[j])
				continue;
			more += v[j] > v[i];
			equal += v[j] == v[i];
		}
		rank[i] = (double)more + ((double)equal + 1.0) / 2.0;
	}
}

static void gap_derived(const struct tp_dataset *ds, const struct tp_gap_spec *spec,
			struct tp_gap_result *r)
{
	struct tp_drivers_spec ds_spec = {
	    .shape = TP_DRIVERS_ATTRIBUTES,
	    .outcome = spec->outcome,
	    .outcome_attr = spec->outcome_attr,
	    .n_attrs = spec->n_attrs,
	    .attrs = spec->attrs,
	    .filter = spec->filter,
	};
	struct tp_drivers_data *data = NULL;
	struct tp_drivers_result *fit = NULL;
	struct tp_drivers_options o;
	struct tp_error err;
	tp_drivers_options_init(&o);
	o.bootstrap = 0;
	if (tp_drivers_data_build(ds, &ds_spec, &data, &err) != TP_OK ||
	    tp_drivers_fit(data->y, data->x, data->n_rows, data->p, &o, &fit, &err) != TP_OK) {
		snprintf(r->derived_message, sizeof r->derived_message,
			 "no derived importance: %.200s", err.message);
		goto out;
	}
	r->has_derived = true;
	r->derived_n = fit->n;
	r->derived_r2 = fit->r2;
	for (size_t k = 0; k < r->n_attrs; k++) {
		const struct tp_driver_share *d = &fit->drivers[k];
		double share = d->has_shapley ? d->shapley : d->relative_weight;
		r->attrs[k].has_derived = true;
		r->attrs[k].derived_share = fit->r2 > 0 ? 100.0 * share / fit->r2 : 0.0;
	}
out:
	tp_drivers_free(fit);
	tp_drivers_data_free(data);
}

static int by_gap_size(const void *x, const void *y)
{
	const struct tp_gap_item *a = x, *b = y;
	double da = fabs(a->test.diff), db = fabs(b->test.diff);
	if (da != db)
		return da > db ? -1 : 1;
	if (a->attr != b->attr)
		return a->attr < b->attr ? -1 : 1;
	return (int)a->group - (int)b->group;
}

/* Spearman over the attributes both x and y have. */
static void agreement(struct tp_gap_result *r, enum tp_gap_group g, const char *against,
		      const double *x, const bool *hx, const double *y, const bool *hy,
		      double level, double *bx, double *by)
{
	size_t m = 0;
	for (size_t k = 0; k < r->n_attrs; k++)
		if (hx[k] && hy[k]) {
			bx[m] = x[k];
			by[m] = y[k];
			m++;
		}
	struct tp_gap_agreement *a = &r->agreements[r->n_agreements++];
	a->group = g;
	a->against = against;
	a->c = tp_correlation_of(bx, by, m, level);
}

/* Higher = more important: the mean rating, or minus the mean rank. */
static double importance_of(const struct tp_gap_result *r, size_t k, int g)
{
	double m = r->attrs[k].stated[g].mean;
	return r->stated == TP_STATED_RANK ? -m : m;
}

static enum tp_status gap_compare(struct tp_gap_result *r, double level)
{
	size_t n = r->n_attrs;
	double *buf = malloc(5 * (n ? n : 1) * sizeof *buf);
	bool *has = malloc(4 * (n ? n : 1) * sizeof *has);
	r->gaps = malloc(2 * (n ? n : 1) * sizeof *r->gaps);
	if (!buf || !has || !r->gaps) {
		free(buf);
		free(has);
		return TP_ENOMEM;
	}
	double *mean = buf, *derived = buf + n, *rank = buf + 2 * n, *bx = buf + 3 * n,
	       *by = buf + 4 * n;
	bool *hd = has + 3 * n;
	for (size_t k = 0; k < n; k++) {
		derived[k] = r->attrs[k].derived_share;
		hd[k] = r->attrs[k].has_derived;
	}
	rank_desc(derived, hd, n, rank);
	for (size_t k = 0; k < n; k++)
		r->attrs[k].derived_rank = rank[k];
	for (int g = 0; g < TP_GAP_GROUPS; g++) {
		bool *hg = has + (size_t)g * n;
		for (size_t k = 0; k < n; k++) {
			mean[k] = importance_of(r, k, g);
			hg[k] = r->attrs[k].stated[g].n > 0;
		}
		rank_desc(mean, hg, n, rank);
		for (size_t k = 0; k < n; k++)
			r->attrs[k].stated_rank[g] = rank[k];
	}
	for (size_t k = 0; k < n; k++) {
		struct tp_gap_attr *a = &r->attrs[k];
		for (int g = TP_GAP_EMPLOYEES; g < TP_GAP_GROUPS; g++) {
			if (r->stated == TP_STATED_RATING)
				a->vs_customers[g] = tp_welch_test(&a->stated[TP_GAP_CUSTOMERS],
								   &a->stated[g], level);
			if (a->stated[g].n > 0 && a->stated[TP_GAP_CUSTOMERS].n > 0) {
				if (!a->vs_customers[g].has_test)
					a->vs_customers[g].diff =
					    a->stated[g].mean - a->stated[TP_GAP_CUSTOMERS].mean;
				r->gaps[r->n_gaps++] =
				    (struct tp_gap_item){k, g, a->vs_customers[g], a->mwu[g]};
			}
		}
	}
	qsort(r->gaps, r->n_gaps, sizeof *r->gaps, by_gap_size);
	/* Rank agreement: stated means against customers' stated means and
	 * against the derived shares (rho of values = rho of ranks). */
	for (int g = 0; g < TP_GAP_GROUPS; g++) {
		double *gm = mean;
		bool *hg = has + (size_t)g * n;
		for (size_t k = 0; k < n; k++)
			gm[k] = importance_of(r, k, g);
		if (g != TP_GAP_CUSTOMERS && r->has_group[g]) {
			double *cm = rank; /* reuse as customers' means */
			for (size_t k = 0; k < n; k++)
				cm[k] = importance_of(r, k, TP_GAP_CUSTOMERS);
			agreement(r, g, "customers stated", gm, hg, cm, has, level, bx, by);
		}
		if (r->has_derived && r->has_group[g])
			agreement(r, g, "customers derived", gm, hg, derived, hd, level, bx, by);
	}
	free(buf);
	free(has);
	return TP_OK;
}

enum tp_status tp_gap_run(const struct tp_dataset *ds, const struct tp_gap_spec *spec,
			  struct tp_gap_result **out, struct tp_error *err)
{
	*out = NULL;
	if (spec->n_attrs == 0)
		return tp_error_set(err, TP_EINPUT, "no attribute given");
	struct scope s;
	enum tp_status st = scope_make(ds, spec->filter, &s, err);
	if (st != TP_OK)
		return st;
	struct tp_gap_result *r = calloc(1, sizeof *r);
	if (!r || !(r->attrs = calloc(spec->n_attrs, sizeof *r->attrs))) {
		free(r);
		ds_filters_free(&s.where);
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	}
	r->n_attrs = spec->n_attrs;
	for (size_t k = 0; k < spec->n_attrs; k++)
		if (!(r->attrs[k].name = strdup(spec->attrs[k]))) {
			st = tp_error_set(err, TP_ENOMEM, "out of memory");
			goto out;
		}
	st = gap_stated(ds, spec, &s, r, err);
	if (st != TP_OK)
		goto out;
	if (spec->derived)
		gap_derived(ds, spec, r);
	if (gap_compare(r, spec->level) != TP_OK)
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
out:
	ds_filters_free(&s.where);
	if (st != TP_OK) {
		tp_gap_free(r);
		return st;
	}
	*out = r;
	return TP_OK;
}

/* --- estimates --- */

void tp_estimates_free(struct tp_estimates *e)
{
	if (!e)
		return;
	free(e->rows);
	free(e);
}

enum tp_status tp_estimates_run(const struct tp_dataset *ds, enum tp_metric metric,
				const struct tp_query *filter, struct tp_estimates **out,
				struct tp_error *err)
{
	*out = NULL;
	if (!customer_metric(metric))
		return tp_error_set(err, TP_EINPUT,
				    "estimates are of nps, csat or ces, not %s",
				    tp_metric_name(metric));
	struct scope s;
	enum tp_status st = scope_make(ds, filter, &s, err);
	if (st != TP_OK)
		return st;
	size_t nt = ds->journey->n_touchpoints;
	struct tp_estimates *e = calloc(1, sizeof *e);
	struct indicator *ind = calloc(nt ? nt : 1, sizeof *ind);
	struct tp_estimate_row *rows = calloc(nt ? nt : 1, sizeof *rows);
	double *num = NULL;
	if (!e || !ind || !rows) {
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
		goto fail;
	}
	e->metric = metric;
	char name[64];
	snprintf(name, sizeof name, "%s%s", TP_ESTIMATE_PREFIX, tp_metric_name(metric));
	const struct ds_attr *a = ds_attr_find(ds, name);
	bool any = false;
	if (a && !(num = an_numbers_of(a, &any))) {
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
		goto fail;
	}
	for (size_t t = 0; t < nt; t++)
		ind[t].metric = metric;
	for (size_t i = 0; i < ds->n; i++) {
		int16_t t = ds->touchpoint[i];
		if (t < 0 || !an_in_scope(ds, &s, i))
			continue;
		if (ds->type[i] == TP_RESPONDENT_CUSTOMER) {
			indicator_add(&ind[t], ds, i);
			continue;
		}
		double v = a && any ? an_number_at(a, num, i) : NAN;
		if (isnan(v))
			continue;
		tp_moments_add(&rows[t].estimates, v);
		if (ds->type[i] == TP_RESPONDENT_EMPLOYEE)
			rows[t].employees++;
		else
			rows[t].leaders++;
	}
	double level = filter ? filter->level : 0.95;
	for (size_t t = 0; t < nt; t++) {
		struct tp_estimate_row *row = &rows[t];
		if (row->estimates.n == 0)
			continue;
		row->touchpoint = t;
		row->measured = indicator_estimate(&ind[t], level, &row->measured_se);
		if (row->measured.has_value) {
			double m = (double)row->estimates.n;
			double ve = m > 1 ? row->estimates.m2 / (m - 1) / m : 0;
			double se = sqrt(row->measured_se * row->measured_se + ve);
			row->diff = row->estimates.mean - row->measured.value;
			if (se > 0) {
				row->z = row->diff / se;
				row->p_value = 2.0 * gsl_cdf_ugaussian_Q(fabs(row->z));
				row->has_test = true;
			}
		}
		rows[e->n_rows++] = *row;
	}
	free(ind);
	free(num);
	ds_filters_free(&s.where);
	e->rows = rows;
	*out = e;
	return TP_OK;
fail:
	free(ind);
	free(rows);
	free(num);
	free(e);
	ds_filters_free(&s.where);
	return st;
}

/* --- linkage --- */

void tp_linkage_free(struct tp_linkage_result *r)
{
	if (!r)
		return;
	for (size_t k = 0; r->teams && k < r->n_teams; k++)
		free(r->teams[k].team);
	free(r->teams);
	free(r);
}

struct pair32 {
	int32_t team;
	uint32_t who;
};

static int by_pair(const void *x, const void *y)
{
	const struct pair32 *a = x, *b = y;
	if (a->team != b->team)
		return a->team < b->team ? -1 : 1;
	return (a->who > b->who) - (a->who < b->who);
}

static int by_team_name(const void *x, const void *y)
{
	const struct tp_linkage_team *a = x, *b = y;
	return strcmp(a->team, b->team);
}

/* Per employee-side team code: eNPS counts, engagement, distinct people. */
struct team_acc {
	struct tp_nps_counts enps;
	struct tp_moments engagement;
	int64_t employees;
	struct indicator customer;
	size_t touchpoints;
};

static enum tp_status linkage_employees(const struct tp_dataset *ds, const struct scope *s,
					const struct ds_attr *team, const struct ds_attr *eng,
					const double *eng_num, struct team_acc *acc,
					struct tp_error *err)
{
	struct pair32 *pairs = malloc((ds->n ? ds->n : 1) * sizeof *pairs);
	if (!pairs)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	size_t np = 0;
	for (size_t i = 0; i < ds->n; i++) {
		int32_t c = team->codes[i];
		if (ds->type[i] != TP_RESPONDENT_EMPLOYEE || c < 0 || !an_in_scope(ds, s, i))
			continue;
		int v = ds->nps[i];
		double e = eng ? an_number_at(eng, eng_num, i) : NAN;
		if (v == TP_NONE8 && isnan(e))
			continue;
		struct team_acc *a = &acc[c];
		if (v != TP_NONE8) {
			if (v >= 9)
				a->enps.promoters++;
			else if (v >= 7)
				a->enps.passives++;
			else
				a->enps.detractors++;
		}
		if (!isnan(e))
			tp_moments_add(&a->engagement, e);
		uint32_t who = ds->respondent[i] ? ds->respondent[i] : (uint32_t)(0x80000000u | i);
		pairs[np++] = (struct pair32){c, who};
	}
	qsort(pairs, np, sizeof *pairs, by_pair);
	for (size_t k = 0; k < np; k++)
		if (k == 0 || by_pair(&pairs[k - 1], &pairs[k]) != 0)
			acc[pairs[k].team].employees++;
	free(pairs);
	return TP_OK;
}

/* The code of value text in attribute a, or -1. */
static int32_t code_of(const struct ds_attr *a, const char *text)
{
	for (size_t c = 0; text && c < a->n_values; c++)
		if (strcmp(a->values[c], text) == 0)
			return (int32_t)c;
	return -1;
}

/* Adds each customer response to its team's indicator: the team owning its
 * touchpoint, or (by) its value of the shared attribute. */
static enum tp_status linkage_customers(const struct tp_dataset *ds, const struct scope *s,
					const struct ds_attr *team, const struct ds_attr *by,
					struct team_acc *acc, struct tp_error *err)
{
	size_t nt = ds->journey->n_touchpoints, lim = nt;
	int32_t *owner_code = malloc((nt ? nt : 1) * sizeof *owner_code);
	if (!owner_code)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	for (size_t t = 0; t < lim; t++) {
		owner_code[t] = by ? -1 : code_of(team, ds->journey->touchpoints[t].owner);
		if (owner_code[t] >= 0)
			acc[owner_code[t]].touchpoints++;
	}
	for (size_t i = 0; i < ds->n; i++) {
		if (ds->type[i] != TP_RESPONDENT_CUSTOMER || !an_in_scope(ds, s, i))
			continue;
		int32_t c;
		if (by) {
			c = by->codes[i];
		} else {
			int16_t t = ds->touchpoint[i];
			c = t >= 0 && (size_t)t < lim ? owner_code[t] : -1;
		}
		if (c >= 0)
			indicator_add(&acc[c].customer, ds, i);
	}
	free(owner_code);
	return TP_OK;
}

static void linkage_correlate(struct tp_linkage_result *r, double level)
{
	size_t n = r->n_teams;
	double *x = malloc(3 * (n ? n : 1) * sizeof *x);
	if (!x) {
		snprintf(r->message, sizeof r->message, "out of memory");
		return;
	}
	double *y = x + n, *e = x + 2 * n;
	size_t m = 0, me = 0;
	for (size_t k = 0; k < n; k++) {
		const struct tp_linkage_team *t = &r->teams[k];
		if (t->hidden || !t->enps.has_value || !t->customer.has_value)
			continue;
		x[m] = t->enps.value;
		y[m] = t->customer.value;
		m++;
	}
	r->paired = m;
	if (m >= TP_LINKAGE_MIN_TEAMS)
		r->enps_vs_customer = tp_correlation_of(x, y, m, level);
	for (size_t k = 0; k < n; k++) {
		const struct tp_linkage_team *t = &r->teams[k];
		if (t->hidden || !t->has_engagement || !t->customer.has_value)
			continue;
		e[me] = t->engagement.value;
		y[me] = t->customer.value;
		me++;
	}
	if (r->has_engagement && me >= TP_LINKAGE_MIN_TEAMS)
		r->engagement_vs_customer = tp_correlation_of(e, y, me, level);
	if (m < TP_LINKAGE_MIN_TEAMS)
		snprintf(r->message, sizeof r->message,
			 "too few teams to correlate: %zu with both eNPS and customer data, at "
			 "least %d needed",
			 m, TP_LINKAGE_MIN_TEAMS);
	else if (!r->enps_vs_customer.has_value)
		snprintf(r->message, sizeof r->message,
			 "no correlation: eNPS or the customer indicator is the same for every "
			 "team");
	free(x);
}

enum tp_status tp_linkage_run(const struct tp_dataset *ds, const struct tp_linkage_spec *spec,
			      struct tp_linkage_result **out, struct tp_error *err)
{
	*out = NULL;
	if (!customer_metric(spec->metric))
		return tp_error_set(err, TP_EINPUT, "the customer indicator is nps, csat or ces, "
						    "not %s", tp_metric_name(spec->metric));
	const char *team_name = spec->by_attr ? spec->by_attr
					      : spec->team_attr ? spec->team_attr : "team";
	const struct ds_attr *team = ds_attr_find(ds, team_name);
	if (!team)
		return ds_attr_unknown(ds, spec->by_attr ? "--by" : "team attribute", team_name,
				       err);
	const char *eng_name = spec->engagement_attr ? spec->engagement_attr : "engagement";
	const struct ds_attr *eng = ds_attr_find(ds, eng_name);
	if (!eng && spec->engagement_attr)
		return ds_attr_unknown(ds, "engagement attribute", eng_name, err);
	struct scope s;
	enum tp_status st = scope_make(ds, spec->filter, &s, err);
	if (st != TP_OK)
		return st;
	bool any = false;
	double *eng_num = NULL;
	size_t nv = team->n_values;
	struct team_acc *acc = calloc(nv ? nv : 1, sizeof *acc);
	struct tp_linkage_result *r = calloc(1, sizeof *r);
	if (!acc || !r || (eng && !(eng_num = an_numbers_of(eng, &any)))) {
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
		goto out;
	}
	if (eng && !any)
		eng = NULL;
	for (size_t c = 0; c < nv; c++)
		acc[c].customer.metric = spec->metric;
	st = linkage_employees(ds, &s, team, eng, eng_num, acc, err);
	if (st != TP_OK)
		goto out;
	st = linkage_customers(ds, &s, team, spec->by_attr ? team : NULL, acc, err);
	if (st != TP_OK)
		goto out;
	r->teams = calloc(nv ? nv : 1, sizeof *r->teams);
	if (!r->teams) {
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
		goto out;
	}
	int64_t anonymity = spec->anonymity > 0 ? spec->anonymity : 5;
	double level = checked_level(spec->level);
	r->has_engagement = eng != NULL;
	for (size_t c = 0; c < nv; c++) {
		struct team_acc *a = &acc[c];
		if (a->employees == 0)
			continue;
		struct tp_linkage_team *t = &r->teams[r->n_teams];
		if (!(t->team = strdup(team->values[c]))) {
			st = tp_error_set(err, TP_ENOMEM, "out of memory");
			goto out;
		}
		r->n_teams++;
		t->employees = a->employees;
		t->hidden = a->employees < anonymity;
		r->hidden += t->hidden;
		t->touchpoints = a->touchpoints;
		double se;
		t->customer = indicator_estimate(&a->customer, level, &se);
		if (t->hidden)
			continue;
		t->enps = tp_nps_estimate(&a->enps, level);
		t->has_engagement = a->engagement.n > 0;
		t->engagement = tp_mean_estimate(&a->engagement, level);
	}
	if (r->n_teams == 0) {
		st = tp_error_set(err, TP_EINPUT, "no employee response has a \"%s\" value",
				  team_name);
		goto out;
	}
	qsort(r->teams, r->n_teams, sizeof *r->teams, by_team_name);
	linkage_correlate(r, level);
out:
	free(acc);
	free(eng_num);
	ds_filters_free(&s.where);
	if (st != TP_OK) {
		tp_linkage_free(r);
		return st;
	}
	*out = r;
	return TP_OK;
}

/* --- flags --- */

const char *tp_flag_name(enum tp_flag f)
{
	switch (f) {
	case TP_FLAG_FLAT: return "satisfied without emotion";
	case TP_FLAG_NEGATIVE: return "satisfied but negative emotion";
	case TP_FLAG_UNSATISFIED: return "emotion without satisfaction";
	case TP_FLAG_NEGATIVE_TEXT: return "satisfied but negative comments";
	default: return "";
	}
}

void tp_flags_free(struct tp_flags *f)
{
	if (!f)
		return;
	free(f->rows);
	free(f);
}

static enum tp_flag judge(const struct tp_estimate *csat, const struct tp_estimate *emo)
{
	if (csat->n < TP_FLAGS_MIN_N || emo->n < TP_FLAGS_MIN_N || !csat->has_ci || !emo->has_ci)
		return TP_FLAG_NONE;
	if (csat->lo >= 65.0) {
		if (emo->hi < 0.0)
			return TP_FLAG_NEGATIVE;
		if (emo->hi < 1.0)
			return TP_FLAG_FLAT;
	}
	if (csat->hi < 50.0 && emo->lo > 0.0)
		return TP_FLAG_UNSATISFIED;
	return TP_FLAG_NONE;
}

/* Satisfied (as in judge) with the comments' sentiment significantly
 * below 0. */
static bool judge_text(const struct tp_estimate *csat, const struct tp_estimate *text)
{
	return csat->n >= TP_FLAGS_MIN_N && text->n >= TP_FLAGS_MIN_N && csat->has_ci &&
	       text->has_ci && csat->lo >= 65.0 && text->hi < 0.0;
}

enum tp_status tp_flags_run(const struct tp_dataset *ds, const struct tp_query *filter,
			    struct tp_flags **out, struct tp_error *err)
{
	*out = NULL;
	struct scope s;
	enum tp_status st = scope_make(ds, filter, &s, err);
	if (st != TP_OK)
		return st;
	size_t nt = ds->journey->n_touchpoints;
	struct tp_flags *f = calloc(1, sizeof *f);
	struct indicator *csat = calloc(nt ? nt : 1, sizeof *csat);
	struct tp_moments *emo = calloc(2 * (nt ? nt : 1), sizeof *emo);
	if (!f || !csat || !emo || !(f->rows = calloc(nt ? nt : 1, sizeof *f->rows))) {
		if (f)
			free(f->rows);
		free(f);
		free(csat);
		free(emo);
		ds_filters_free(&s.where);
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	}
	struct tp_moments *text = emo + (nt ? nt : 1); /* comments' sentiment */
	for (size_t t = 0; t < nt; t++)
		csat[t].metric = TP_METRIC_CSAT;
	for (size_t i = 0; i < ds->n; i++) {
		int16_t t = ds->touchpoint[i];
		if (t < 0 || ds->type[i] != TP_RESPONDENT_CUSTOMER || !an_in_scope(ds, &s, i))
			continue;
		indicator_add(&csat[t], ds, i);
		if (ds->emotion[i] != TP_NONE8)
			tp_moments_add(&emo[t], ds->emotion[i]);
		if (ds->has_sentiment && ds->sentiment[i] != DS_NO_SENTIMENT)
			tp_moments_add(&text[t], ds->sentiment[i] / (double)DS_SENTIMENT_SCALE);
	}
	double level = filter ? checked_level(filter->level) : 0.95;
	for (size_t t = 0; t < nt; t++) {
		struct tp_flag_row *row = &f->rows[t];
		double se;
		row->touchpoint = t;
		row->csat = indicator_estimate(&csat[t], level, &se);
		row->emotion = tp_mean_estimate(&emo[t], level);
		row->sentiment = tp_mean_estimate(&text[t], level);
		row->flag = judge(&row->csat, &row->emotion);
		row->negative_text = judge_text(&row->csat, &row->sentiment);
		if (row->flag == TP_FLAG_NONE && row->negative_text)
			row->flag = TP_FLAG_NEGATIVE_TEXT;
	}
	f->n_rows = nt;
	free(csat);
	free(emo);
	ds_filters_free(&s.where);
	*out = f;
	return TP_OK;
}
