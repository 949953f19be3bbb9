/* query/benchmark.c - compared to what: our indicator for a period ranked
 * among other companies' published values, with a significance test per
 * company (touchpoint/outcomes.h; formulas in docs/outcomes.md).
 *
 * Our value comes from the report engine (query/report.c) over the
 * period; the others' from the store's benchmark table. Tests:
 *   NPS: z test of the difference with adjusted-Wald variances (as
 *     stats/estimate.c): ours from our counts; theirs, whose split into
 *     promoters and detractors is not published, with the largest variance
 *     their NPS allows (no passives), which never overstates significance.
 *   CSAT: the pooled two-proportion z test (tp_proportion_change), their
 *     satisfied count taken as round(value x n / 100).
 *   CES: Welch's t test (tp_mean_change) when their sd is known. */
#include <ctype.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/outcomes.h"
#include "touchpoint/time.h"

bool tp_period_parse(const char *p, int64_t *from, int64_t *to)
{
	size_t len = strlen(p);
	if (len < 4)
		return false;
	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	int year = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
	if (year < 1970)
		return false;
	int m0, m1; /* first month, and the month after the last (may be 13) */
	if (len == 4) {
		m0 = 1;
		m1 = 13;
	} else if (len == 7 && p[4] == '-' && p[5] == 'Q' && p[6] >= '1' && p[6] <= '4') {
		m0 = (p[6] - '1') * 3 + 1;
		m1 = m0 + 3;
	} else if (len == 7 && p[4] == '-' && isdigit((unsigned char)p[5]) &&
		   isdigit((unsigned char)p[6])) {
		m0 = (p[5] - '0') * 10 + (p[6] - '0');
		if (m0 < 1 || m0 > 12)
			return false;
		m1 = m0 + 1;
	} else {
		return false;
	}
	*from = tp_days_from_civil(year, m0, 1) * 86400;
	*to = (m1 == 13 ? tp_days_from_civil(year + 1, 1, 1) : tp_days_from_civil(year, m1, 1)) *
	      86400;
	return true;
}

/* --- reading the table --- */

struct rows_ctx {
	const char *sd_metric;
	struct tp_benchmark_report *r;
	size_t cap;
	char *latest;          /* while looking for the latest period */
	bool failed;
};

static int find_latest(const struct tp_benchmark_row *row, void *ctx)
{
	struct rows_ctx *c = ctx;
	/* Periods sort by their start, then the shorter one (the year) last. */
	int64_t f1, t1, f2 = 0, t2 = 0;
	if (!tp_period_parse(row->period, &f1, &t1))
		return 0;
	if (c->latest && tp_period_parse(c->latest, &f2, &t2) &&
	    (t1 < t2 || (t1 == t2 && f1 <= f2)))
		return 0;
	free(c->latest);
	c->latest = strdup(row->period);
	c->failed |= !c->latest;
	return c->failed;
}

static int take_row(const struct tp_benchmark_row *row, void *ctx)
{
	struct rows_ctx *c = ctx;
	struct tp_benchmark_report *r = c->r;
	if (r->n_entries == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		struct tp_benchmark_entry *e = realloc(r->entries, cap * sizeof *e);
		if (!e) {
			c->failed = true;
			return 1;
		}
		r->entries = e;
		c->cap = cap;
	}
	struct tp_benchmark_entry *e = &r->entries[r->n_entries];
	memset(e, 0, sizeof *e);
	e->sector = strdup(row->sector);
	e->company = strdup(row->company);
	e->value = row->value;
	e->n = row->n;
	r->n_entries++;
	if (!e->sector || !e->company) {
		c->failed = true;
		return 1;
	}
	return 0;
}

static int take_sd(const struct tp_benchmark_row *row, void *ctx)
{
	struct rows_ctx *c = ctx;
	for (size_t i = 0; i < c->r->n_entries; i++) {
		struct tp_benchmark_entry *e = &c->r->entries[i];
		if (strcmp(e->sector, row->sector) == 0 && strcmp(e->company, row->company) == 0) {
			e->has_sd = true;
			e->sd = row->value;
		}
	}
	return 0;
}

/* --- tests --- */

static double two_sided(double z)
{
	return 2.0 * gsl_cdf_ugaussian_Q(fabs(z));
}

/* Adjusted-Wald variance of an NPS share (Rocks 2016), p and d the shares
 * of promoters and detractors among n. */
static double nps_variance(double p, double d, double n)
{
	double n2 = n + 3.0;
	double p2 = (p * n + 0.75) / n2, d2 = (d * n + 0.75) / n2;
	return (p2 + d2 - (p2 - d2) * (p2 - d2)) / n2;
}

static void test_entry(const struct tp_benchmark_report *r, const struct tp_group *ours,
		       struct tp_benchmark_entry *e)
{
	e->diff = r->ours.value - e->value;
	if (!r->has_ours) {
		e->no_test = "we have no answers in the period";
		e->no_test_code = TP_NO_TEST_NO_OURS;
		return;
	}
	if (e->n < 2) {
		e->no_test = "the benchmark's n is below 2";
		e->no_test_code = TP_NO_TEST_SMALL_N;
		return;
	}
	if (r->metric == TP_METRIC_NPS) {
		double n = (double)ours->nps.promoters + ours->nps.passives + ours->nps.detractors;
		double var_ours = nps_variance(ours->nps.promoters / n, ours->nps.detractors / n, n);
		double v = e->value / 100.0;
		double var_them = nps_variance((1.0 + v) / 2.0, (1.0 - v) / 2.0, (double)e->n);
		e->p_value = two_sided(e->diff / (100.0 * sqrt(var_ours + var_them)));
		e->has_test = true;
	} else if (r->metric == TP_METRIC_CSAT) {
		int64_t s = (int64_t)llround(e->value * (double)e->n / 100.0);
		struct tp_change c = tp_proportion_change(s, e->n, ours->successes, ours->n,
							  r->level);
		e->has_test = c.has_value;
		e->p_value = c.p_value;
	} else if (!e->has_sd) {
		e->no_test = "the benchmark gives no sd for CES (add an sd column)";
		e->no_test_code = TP_NO_TEST_NO_SD;
		return;
	} else {
		struct tp_moments them = {e->n, e->value, e->sd * e->sd * (double)(e->n - 1)};
		struct tp_moments us = {ours->n, ours->estimate.value,
					ours->sd * ours->sd * (double)(ours->n - 1)};
		struct tp_change c = tp_mean_change(&them, &us, r->level);
		e->has_test = c.has_value;
		e->p_value = c.p_value;
		if (!c.has_value) {
			e->no_test = "too few answers on our side";
			e->no_test_code = TP_NO_TEST_FEW_OURS;
		}
	}
	if (e->has_test) {
		if (!isfinite(e->p_value))
			e->p_value = 1.0;
		e->significant = e->p_value < 1.0 - r->level;
	}
}

/* The interval of a published value (see touchpoint/outcomes.h). */
static void entry_interval(const struct tp_benchmark_report *r, struct tp_benchmark_entry *e)
{
	struct tp_estimate est = {0};
	if (e->n < 1)
		return;
	if (r->metric == TP_METRIC_NPS) {
		double v = e->value / 100.0;
		double half = gsl_cdf_ugaussian_Qinv((1.0 - r->level) / 2.0) * 100.0 *
			      sqrt(nps_variance((1.0 + v) / 2.0, (1.0 - v) / 2.0, (double)e->n));
		est = (struct tp_estimate){e->n, true, e->value, true, fmax(e->value - half, -100.0),
					   fmin(e->value + half, 100.0)};
	} else if (r->metric == TP_METRIC_CSAT) {
		est = tp_proportion_estimate((int64_t)llround(e->value * (double)e->n / 100.0), e->n,
					     r->level);
	} else if (e->has_sd) {
		struct tp_moments m = {e->n, e->value, e->sd * e->sd * (double)(e->n - 1)};
		est = tp_mean_estimate(&m, r->level);
	}
	e->has_ci = est.has_ci;
	e->lo = est.lo;
	e->hi = est.hi;
}

/* --- ranking --- */

/* Best first: higher values (CES is 1 very difficult .. 7 very easy, so
 * higher is better for every metric), ours before ties, then by sector
 * and company. */
static int compare_rest(const struct tp_benchmark_entry *x, const struct tp_benchmark_entry *y)
{
	if (x->ours != y->ours)
		return x->ours ? -1 : 1;
	int c = strcmp(x->sector, y->sector);
	return c ? c : strcmp(x->company, y->company);
}

static int compare_higher(const void *a, const void *b)
{
	const struct tp_benchmark_entry *x = a, *y = b;
	if (x->value != y->value)
		return x->value > y->value ? -1 : 1;
	return compare_rest(x, y);
}

/* Rank and percentile of our value among entries (of sector, or all when
 * NULL). */
static void rank_in(const struct tp_benchmark_report *r, const char *sector, int64_t *rank,
		    int64_t *count, bool *has_pct, double *pct)
{
	int64_t better = 0, worse = 0, ties = 0, others = 0;
	for (size_t i = 0; i < r->n_entries; i++) {
		const struct tp_benchmark_entry *e = &r->entries[i];
		if (e->ours || (sector && strcmp(e->sector, sector) != 0))
			continue;
		others++;
		double d = e->value - r->ours.value;
		if (d > 0)
			better++;
		else if (d < 0)
			worse++;
		else
			ties++;
	}
	*rank = better + 1;
	*count = others + 1;
	*has_pct = others > 0;
	*pct = others ? 100.0 * ((double)worse + 0.5 * (double)ties) / (double)others : 0.0;
}

static enum tp_status our_value(const struct tp_dataset *ds, struct tp_benchmark_report *r,
				int64_t from, int64_t to, struct tp_group *out,
				struct tp_error *err)
{
	struct tp_query q;
	tp_query_init(&q);
	q.metric = r->metric;
	q.level = r->level;
	q.has_from = q.has_to = true;
	q.from = from;
	q.to = to;
	struct tp_report *rep = NULL;
	enum tp_status st = tp_report_run(ds, &q, &rep, err);
	if (st != TP_OK)
		return st;
	memset(out, 0, sizeof *out);
	if (rep->n_groups > 0 && rep->groups[0].estimate.has_value) {
		*out = rep->groups[0];
		memset(out->key, 0, sizeof out->key);
		out->change_vs = NULL;
		r->has_ours = true;
		r->ours = out->estimate;
	}
	tp_report_free(rep);
	return TP_OK;
}

static enum tp_status meta_or(struct tp_store *store, const char *given, const char *key,
			      const char *fallback, char **out, struct tp_error *err)
{
	char buf[TP_RESPONSE_ID_MAX + 1];
	const char *v = given;
	if (!v) {
		enum tp_status st = tp_store_meta_get(store, key, buf, sizeof buf, err);
		if (st == TP_OK)
			v = buf;
		else if (st != TP_ENOTFOUND)
			return st;
		else
			v = fallback;
	}
	*out = NULL;
	if (v) {
		*out = strdup(v);
		if (!*out)
			return tp_error_set(err, TP_ENOMEM, "out of memory");
	}
	return TP_OK;
}

enum tp_status tp_benchmark_run(struct tp_store *store, const struct tp_dataset *ds,
				const struct tp_benchmark_query *q,
				struct tp_benchmark_report **out, struct tp_error *err)
{
	*out = NULL;
	if (q->metric != TP_METRIC_NPS && q->metric != TP_METRIC_CSAT && q->metric != TP_METRIC_CES)
		return tp_error_set(err, TP_EUSAGE, "benchmarks compare nps, csat or ces");
	const char *metric = tp_metric_name(q->metric);
	struct tp_benchmark_report *r = calloc(1, sizeof *r);
	if (!r)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	r->metric = q->metric;
	r->level = q->level > 0 && q->level < 1 ? q->level : 0.95;
	struct rows_ctx c = {.r = r};
	enum tp_status st = TP_OK;
	if (q->period) {
		c.latest = strdup(q->period);
		c.failed = !c.latest;
	} else {
		st = tp_store_benchmark_each(store, metric, NULL, find_latest, &c, err);
	}
	if (st == TP_OK && c.failed)
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
	if (st != TP_OK)
		goto out;
	if (!c.latest) {
		st = tp_error_set(err, TP_ENOTFOUND, "no %s benchmark is stored (import one with "
						     "`touchpoint benchmark import FILE`)", metric);
		goto out;
	}
	r->period = c.latest;
	int64_t from, to;
	if (!tp_period_parse(r->period, &from, &to)) {
		st = tp_error_set(err, TP_EINPUT, "period \"%s\" is not YYYY, YYYY-Qn or YYYY-MM",
				  r->period);
		goto out;
	}
	st = meta_or(store, q->company, "company.name", "us", &r->company, err);
	if (st == TP_OK)
		st = meta_or(store, q->sector, "company.sector", NULL, &r->sector, err);
	if (st == TP_OK)
		st = tp_store_benchmark_each(store, metric, r->period, take_row, &c, err);
	if (st == TP_OK && !c.failed && q->metric == TP_METRIC_CES)
		st = tp_store_benchmark_each(store, "ces_sd", r->period, take_sd, &c, err);
	if (st == TP_OK && c.failed)
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
	if (st == TP_OK && r->n_entries == 0)
		st = tp_error_set(err, TP_ENOTFOUND, "no %s benchmark is stored for %s", metric,
				  r->period);
	if (st != TP_OK)
		goto out;
	/* Our own company's published row gives way to our computed value. */
	size_t w = 0;
	for (size_t i = 0; i < r->n_entries; i++) {
		struct tp_benchmark_entry *e = &r->entries[i];
		if (strcmp(e->company, r->company) == 0 &&
		    (!r->sector || strcmp(e->sector, r->sector) == 0)) {
			free(e->sector);
			free(e->company);
			r->dropped_own++;
			continue;
		}
		r->entries[w++] = *e;
	}
	r->n_entries = w;
	struct tp_group ours;
	st = our_value(ds, r, from, to, &ours, err);
	if (st != TP_OK)
		goto out;
	for (size_t i = 0; i < r->n_entries; i++) {
		test_entry(r, &ours, &r->entries[i]);
		entry_interval(r, &r->entries[i]);
	}
	if (r->has_ours) {
		rank_in(r, NULL, &r->rank_all, &r->count_all, &r->has_pct_all, &r->pct_all);
		if (r->sector) {
			r->has_sector_rank = true;
			rank_in(r, r->sector, &r->rank_sector, &r->count_sector,
				&r->has_pct_sector, &r->pct_sector);
		}
		/* ours joins the list */
		struct tp_benchmark_entry *e = realloc(r->entries,
						       (r->n_entries + 1) * sizeof *e);
		if (!e) {
			st = tp_error_set(err, TP_ENOMEM, "out of memory");
			goto out;
		}
		r->entries = e;
		e = &r->entries[r->n_entries];
		memset(e, 0, sizeof *e);
		e->sector = strdup(r->sector ? r->sector : "");
		e->company = strdup(r->company);
		e->value = r->ours.value;
		e->n = r->ours.n;
		e->ours = true;
		e->has_ci = r->ours.has_ci;
		e->lo = r->ours.lo;
		e->hi = r->ours.hi;
		e->has_sd = q->metric == TP_METRIC_CES && ours.n > 1;
		e->sd = ours.sd;
		r->n_entries++;
		if (!e->sector || !e->company) {
			st = tp_error_set(err, TP_ENOMEM, "out of memory");
			goto out;
		}
	}
	qsort(r->entries, r->n_entries, sizeof *r->entries, compare_higher);
	*out = r;
	return TP_OK;
out:
	if (!r->period)
		free(c.latest);
	tp_benchmark_report_free(r);
	return st;
}

void tp_benchmark_report_free(struct tp_benchmark_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_entries; i++) {
		free(r->entries[i].sector);
		free(r->entries[i].company);
	}
	free(r->entries);
	free(r->period);
	free(r->company);
	free(r->sector);
	free(r);
}
