/* query/drivers_data.c - the observations of a key driver analysis, shaped
 * from the columnar dataset (the rules are in touchpoint/drivers_data.h).
 *
 * Reads the dataset's columns and nothing else; fits nothing (that is
 * stats/drivers.c). The touchpoint shape links responses by the dataset's
 * respondent column, a 32-bit hash of respondent_id: two respondents whose
 * hashes collide are taken as one (rare below ~10^5 respondents). */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query/dataset_internal.h"
#include "query/filter.h"
#include "query/outcome_values.h"
#include "touchpoint/drivers_data.h"

bool tp_drivers_number(const char *text, double *out)
{
	char buf[64];
	size_t len = 0;
	const char *s = text;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '+' || *s == '-')
		buf[len++] = *s++;
	size_t digits = 0, seps = 0;
	for (; *s && len < sizeof buf - 1; s++) {
		if (isdigit((unsigned char)*s)) {
			buf[len++] = *s;
			digits++;
		} else if ((*s == '.' || *s == ',') && seps == 0 && digits > 0) {
			buf[len++] = '.';
			seps++;
		} else {
			break;
		}
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s || digits == 0 || buf[len - 1] == '.')
		return false;
	buf[len] = '\0';
	double v = strtod(buf, NULL);
	if (!isfinite(v))
		return false;
	*out = v;
	return true;
}

void tp_drivers_data_free(struct tp_drivers_data *d)
{
	if (!d)
		return;
	for (size_t i = 0; d->names && i < d->p; i++)
		free(d->names[i]);
	free(d->names);
	free(d->y);
	free(d->x);
	free(d->scale_lo);
	free(d->scale_hi);
	free(d);
}

void tp_drivers_performance(const struct tp_drivers_data *d, double *mean, double *pct)
{
	size_t p = d->p, used = 0;
	for (size_t k = 0; k < p; k++)
		mean[k] = 0.0;
	for (size_t r = 0; r < d->n_rows; r++) {
		bool complete = !isnan(d->y[r]);
		for (size_t k = 0; k < p && complete; k++)
			complete = !isnan(d->x[r * p + k]);
		if (!complete)
			continue;
		for (size_t k = 0; k < p; k++)
			mean[k] += d->x[r * p + k];
		used++;
	}
	for (size_t k = 0; k < p; k++) {
		mean[k] = used ? mean[k] / (double)used : 0.0;
		double span = d->scale_hi[k] - d->scale_lo[k];
		pct[k] = span > 0.0 ? 100.0 * (mean[k] - d->scale_lo[k]) / span : 50.0;
		if (!used)
			pct[k] = 0.0;
	}
}

void tp_drivers_quadrants(const double *importance, const double *pct, size_t p,
			  const char **quadrant)
{
	double mi = 0.0, mp = 0.0;
	for (size_t k = 0; k < p; k++) {
		mi += importance[k];
		mp += pct[k];
	}
	mi = p ? mi / (double)p : 0.0;
	mp = p ? mp / (double)p : 0.0;
	for (size_t k = 0; k < p; k++) {
		bool hi_imp = importance[k] >= mi, hi_perf = pct[k] >= mp;
		quadrant[k] = hi_imp ? (hi_perf ? "keep up" : "fix first")
				     : (hi_perf ? "possible overkill" : "low priority");
	}
}

/* --- filters --- */

struct filters {
	struct ds_filters where;
	const struct tp_query *q;
};

static void filters_free(struct filters *f)
{
	ds_filters_free(&f->where);
}

static enum tp_status filters_make(const struct tp_dataset *ds, const struct tp_query *q,
				   struct filters *f, struct tp_error *err)
{
	memset(f, 0, sizeof *f);
	f->q = q;
	if (!q)
		return TP_OK;
	if (q->has_from && q->has_to && q->from >= q->to)
		return tp_error_set(err, TP_EINPUT,
				    "the period is empty (--from is not before --to)");
	return ds_filters_make(ds, q->where, q->n_where, &f->where, err);
}

/* A customer response inside the period that passes every --where. */
static bool counted(const struct tp_dataset *ds, const struct filters *f, size_t i)
{
	if (ds->type[i] != TP_RESPONDENT_CUSTOMER)
		return false;
	const struct tp_query *q = f->q;
	if (q && ((q->has_from && ds->at[i] < q->from) || (q->has_to && ds->at[i] >= q->to)))
		return false;
	return ds_filters_pass(ds, &f->where, i);
}

/* --- columns as numbers --- */

/* An attribute's values read as numbers, by code (NAN: not a number). */
struct numeric {
	const struct ds_attr *attr;
	double *by_code;
	bool any;
};

static enum tp_status numeric_make(const struct tp_dataset *ds, const char *what,
				   const char *name, struct numeric *out, struct tp_error *err)
{
	out->attr = ds_attr_find(ds, name);
	if (!out->attr)
		return ds_attr_unknown(ds, what, name, err);
	size_t n = out->attr->n_values;
	out->by_code = malloc((n ? n : 1) * sizeof *out->by_code);
	if (!out->by_code)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	out->any = false;
	for (size_t c = 0; c < n; c++) {
		double v = NAN;
		out->any |= tp_drivers_number(out->attr->values[c], &v);
		out->by_code[c] = v;
	}
	if (!out->any)
		return tp_error_set(err, TP_EINPUT, "%s: attribute \"%s\" has no numeric value",
				    what, name);
	return TP_OK;
}

static double numeric_at(const struct numeric *nm, size_t i)
{
	int32_t c = nm->attr->codes[i];
	return c < 0 ? NAN : nm->by_code[c];
}

static const int8_t *score_column(const struct tp_dataset *ds, enum tp_metric m)
{
	switch (m) {
	case TP_METRIC_NPS: return ds->nps;
	case TP_METRIC_CSAT: return ds->csat;
	case TP_METRIC_CES: return ds->ces;
	default: return NULL;
	}
}

static void score_scale(enum tp_metric m, double *lo, double *hi)
{
	*lo = m == TP_METRIC_NPS ? 0.0 : 1.0;
	*hi = m == TP_METRIC_NPS ? 10.0 : m == TP_METRIC_CSAT ? 5.0 : 7.0;
}

/* The outcome of row i (NAN when not answered). */
struct outcome {
	const int8_t *col;
	struct numeric num;
	const struct tp_outcome_values *values; /* outcomes: per respondent */
	const uint32_t *who;
};

static double outcome_at(const struct outcome *o, size_t i)
{
	double v;
	if (o->values)
		return o->who[i] && ov_lookup(o->values, o->who[i], &v) ? v : NAN;
	if (o->col)
		return o->col[i] == TP_NONE8 ? NAN : (double)o->col[i];
	return numeric_at(&o->num, i);
}

static enum tp_status outcome_make(const struct tp_dataset *ds,
				   const struct tp_drivers_spec *spec, struct outcome *o,
				   struct tp_error *err)
{
	memset(o, 0, sizeof *o);
	if (spec->outcome_values) {
		o->values = spec->outcome_values;
		o->who = ds->respondent;
		return TP_OK;
	}
	if (spec->outcome_attr)
		return numeric_make(ds, "--outcome", spec->outcome_attr, &o->num, err);
	o->col = score_column(ds, spec->outcome);
	if (!o->col)
		return tp_error_set(err, TP_EINPUT, "the outcome must be nps, csat, ces or an "
						    "attribute");
	return TP_OK;
}

static struct tp_drivers_data *data_new(size_t n_rows, size_t p)
{
	struct tp_drivers_data *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->n_rows = n_rows;
	d->p = p;
	d->y = malloc((n_rows ? n_rows : 1) * sizeof *d->y);
	d->x = malloc((n_rows && p ? n_rows * p : 1) * sizeof *d->x);
	d->names = calloc(p ? p : 1, sizeof *d->names);
	d->scale_lo = calloc(p ? p : 1, sizeof *d->scale_lo);
	d->scale_hi = calloc(p ? p : 1, sizeof *d->scale_hi);
	if (!d->y || !d->x || !d->names || !d->scale_lo || !d->scale_hi) {
		tp_drivers_data_free(d);
		return NULL;
	}
	return d;
}

/* --- one observation per response --- */

static enum tp_status build_attributes(const struct tp_dataset *ds,
				       const struct tp_drivers_spec *spec,
				       const struct filters *f, const struct outcome *o,
				       struct tp_drivers_data **out, struct tp_error *err)
{
	size_t p = spec->n_attrs;
	if (p == 0)
		return tp_error_set(err, TP_EINPUT, "no drivers given");
	struct numeric *nums = calloc(p, sizeof *nums);
	if (!nums)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	enum tp_status st = TP_OK;
	for (size_t k = 0; k < p && st == TP_OK; k++)
		st = numeric_make(ds, "--drivers", spec->attrs[k], &nums[k], err);
	size_t rows = 0;
	for (size_t i = 0; st == TP_OK && i < ds->n; i++)
		rows += counted(ds, f, i);
	struct tp_drivers_data *d = st == TP_OK ? data_new(rows, p) : NULL;
	if (st == TP_OK && !d)
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
	for (size_t k = 0; st == TP_OK && k < p; k++) {
		size_t len = strlen(spec->attrs[k]) + 6;
		d->names[k] = malloc(len);
		if (!d->names[k]) {
			st = tp_error_set(err, TP_ENOMEM, "out of memory");
			break;
		}
		snprintf(d->names[k], len, "attr:%s", spec->attrs[k]);
		d->scale_lo[k] = INFINITY;
		d->scale_hi[k] = -INFINITY;
	}
	size_t r = 0;
	for (size_t i = 0; st == TP_OK && i < ds->n; i++) {
		if (!counted(ds, f, i))
			continue;
		d->y[r] = outcome_at(o, i);
		for (size_t k = 0; k < p; k++) {
			double v = numeric_at(&nums[k], i);
			d->x[r * p + k] = v;
			if (!isnan(v)) {
				d->scale_lo[k] = fmin(d->scale_lo[k], v);
				d->scale_hi[k] = fmax(d->scale_hi[k], v);
			}
		}
		r++;
	}
	for (size_t k = 0; st == TP_OK && k < p; k++) {
		if (!isfinite(d->scale_lo[k]))
			d->scale_lo[k] = d->scale_hi[k] = 0.0; /* no value in the filter */
	}
	for (size_t k = 0; k < p; k++)
		free(nums[k].by_code);
	free(nums);
	if (st != TP_OK) {
		tp_drivers_data_free(d);
		return st;
	}
	*out = d;
	return TP_OK;
}

/* --- one observation per respondent --- */

struct link {
	uint32_t who;
	uint32_t row;
};

static int compare_link(const void *a, const void *b)
{
	const struct link *x = a, *y = b;
	if (x->who != y->who)
		return x->who < y->who ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

/* Sums per respondent and touchpoint, then the means. */
static void respondent_means(const struct tp_dataset *ds, const struct link *links, size_t n,
			     const struct outcome *o, const int8_t *col, double *sums,
			     size_t *counts, size_t t_count, double *y, double *x)
{
	double ys = 0.0;
	size_t yn = 0;
	for (size_t t = 0; t < t_count; t++) {
		sums[t] = 0.0;
		counts[t] = 0;
	}
	for (size_t k = 0; k < n; k++) {
		size_t i = links[k].row;
		/* A score outcome comes from relationship answers only (no
		 * touchpoint): touchpoint answers are the drivers, and averaging
		 * them into the outcome too would explain it by construction. */
		double v = o->col && ds->touchpoint[i] >= 0 ? NAN : outcome_at(o, i);
		if (!isnan(v)) {
			ys += v;
			yn++;
		}
		int16_t t = ds->touchpoint[i];
		if (t >= 0 && col[i] != TP_NONE8) {
			sums[t] += col[i];
			counts[t]++;
		}
	}
	*y = yn ? ys / (double)yn : NAN;
	for (size_t t = 0; t < t_count; t++)
		x[t] = counts[t] ? sums[t] / (double)counts[t] : NAN;
}

static enum tp_status gather_links(const struct tp_dataset *ds, const struct filters *f,
				   struct link **out, size_t *n_out, size_t *unlinked,
				   struct tp_error *err)
{
	struct link *links = malloc((ds->n ? ds->n : 1) * sizeof *links);
	if (!links)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	size_t n = 0;
	*unlinked = 0;
	for (size_t i = 0; i < ds->n; i++) {
		if (!counted(ds, f, i))
			continue;
		if (!ds->respondent[i]) {
			(*unlinked)++;
			continue;
		}
		links[n++] = (struct link){ds->respondent[i], (uint32_t)i};
	}
	qsort(links, n, sizeof *links, compare_link);
	*out = links;
	*n_out = n;
	return TP_OK;
}

static enum tp_status build_touchpoints(const struct tp_dataset *ds,
					const struct tp_drivers_spec *spec,
					const struct filters *f, const struct outcome *o,
					struct tp_drivers_data **out, struct tp_error *err)
{
	enum tp_metric m = spec->has_driver_metric ? spec->driver_metric : spec->outcome;
	const int8_t *col = score_column(ds, m);
	if (!col)
		return tp_error_set(err, TP_EINPUT, "touchpoint drivers need a score: nps, csat "
						    "or ces (--driver-metric)");
	size_t tn = ds->journey->n_touchpoints;
	struct link *links = NULL;
	size_t n = 0, unlinked = 0;
	enum tp_status st = gather_links(ds, f, &links, &n, &unlinked, err);
	if (st != TP_OK)
		return st;
	/* Drivers: the touchpoints answered by some linked respondent. */
	size_t *index = malloc((tn ? tn : 1) * sizeof *index);
	double *sums = malloc((tn ? tn : 1) * sizeof *sums);
	size_t *counts = malloc((tn ? tn : 1) * sizeof *counts);
	double *row = malloc((tn ? tn : 1) * sizeof *row);
	if (!index || !sums || !counts || !row) {
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t t = 0; t < tn; t++)
		counts[t] = 0;
	for (size_t k = 0; k < n; k++) {
		size_t i = links[k].row;
		if (ds->touchpoint[i] >= 0 && col[i] != TP_NONE8)
			counts[ds->touchpoint[i]]++;
	}
	size_t p = 0, people = 0;
	for (size_t t = 0; t < tn; t++)
		index[t] = counts[t] ? p++ : SIZE_MAX;
	for (size_t k = 0; k < n; k++)
		people += k == 0 || links[k].who != links[k - 1].who;
	if (p == 0) {
		st = tp_error_set(err, TP_EINPUT, "no touchpoint has %s answers from identified "
						  "respondents (respondent_id) in the selection",
				  tp_metric_name(m));
		goto out;
	}
	struct tp_drivers_data *d = data_new(people, p);
	if (!d) {
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
		goto out;
	}
	d->unlinked = unlinked;
	for (size_t t = 0; t < tn; t++) {
		if (index[t] == SIZE_MAX)
			continue;
		d->names[index[t]] = strdup(ds->journey->touchpoints[t].id);
		score_scale(m, &d->scale_lo[index[t]], &d->scale_hi[index[t]]);
		if (!d->names[index[t]])
			st = tp_error_set(err, TP_ENOMEM, "out of memory");
	}
	size_t r = 0;
	for (size_t k = 0; st == TP_OK && k < n;) {
		size_t end = k + 1;
		while (end < n && links[end].who == links[k].who)
			end++;
		respondent_means(ds, links + k, end - k, o, col, sums, counts, tn, &d->y[r], row);
		for (size_t t = 0; t < tn; t++)
			if (index[t] != SIZE_MAX)
				d->x[r * p + index[t]] = row[t];
		r++;
		k = end;
	}
	if (st != TP_OK)
		tp_drivers_data_free(d);
	else
		*out = d;
out:
	free(links);
	free(index);
	free(sums);
	free(counts);
	free(row);
	return st;
}

enum tp_status tp_drivers_data_build(const struct tp_dataset *ds,
				     const struct tp_drivers_spec *spec,
				     struct tp_drivers_data **out, struct tp_error *err)
{
	*out = NULL;
	struct filters f;
	struct outcome o;
	memset(&o, 0, sizeof o);
	enum tp_status st = filters_make(ds, spec->filter, &f, err);
	if (st == TP_OK)
		st = outcome_make(ds, spec, &o, err);
	if (st == TP_OK && spec->shape == TP_DRIVERS_ATTRIBUTES)
		st = build_attributes(ds, spec, &f, &o, out, err);
	else if (st == TP_OK)
		st = build_touchpoints(ds, spec, &f, &o, out, err);
	filters_free(&f);
	free(o.num.by_code);
	return st;
}
