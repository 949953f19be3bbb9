/* query/report.c - indicators for slices of a dataset.
 *
 * A query becomes a plan: each --by dimension a mixed-radix digit (so
 * groups live in one dense array, already in display order), each --where
 * name a table of allowed codes. One pass over the columns adds every
 * counted response to its group's accumulator; estimates, intervals and
 * changes come from touchpoint/stats.h. Builds nothing but the report. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "query/dataset_internal.h"
#include "query/filter.h"

#define MAX_CELLS (1u << 21) /* groups a query may address */

static const char *const metric_names[] = {
	[TP_METRIC_NPS] = "nps",           [TP_METRIC_ENPS] = "enps",
	[TP_METRIC_CSAT] = "csat",         [TP_METRIC_CES] = "ces",
	[TP_METRIC_EMOTION] = "emotion",   [TP_METRIC_RESPONSES] = "responses",
	[TP_METRIC_COMMENT_RATE] = "comment_rate", [TP_METRIC_SENTIMENT] = "sentiment",
};

bool tp_metric_parse(const char *name, enum tp_metric *out)
{
	for (size_t i = 0; i < sizeof metric_names / sizeof metric_names[0]; i++) {
		if (strcmp(name, metric_names[i]) == 0) {
			*out = (enum tp_metric)i;
			return true;
		}
	}
	return false;
}

const char *tp_metric_name(enum tp_metric metric)
{
	return metric <= TP_METRIC_SENTIMENT ? metric_names[metric] : "?";
}

static const char *const dim_names[] = {
	[TP_BY_TOUCHPOINT] = "touchpoint", [TP_BY_PHASE] = "phase", [TP_BY_CHANNEL] = "channel",
	[TP_BY_MONTH] = "month",           [TP_BY_QUARTER] = "quarter",
};

bool tp_by_parse(const char *word, struct tp_by *out)
{
	if (strncmp(word, "attr:", 5) == 0 && word[5]) {
		out->dim = TP_BY_ATTR;
		out->attr = word + 5;
		return true;
	}
	for (int d = TP_BY_TOUCHPOINT; d <= TP_BY_QUARTER; d++) {
		if (strcmp(word, dim_names[d]) == 0) {
			out->dim = (enum tp_dimension)d;
			out->attr = NULL;
			return true;
		}
	}
	return false;
}

const char *tp_by_name(const struct tp_by *by, char *buf, size_t size)
{
	if (by->dim == TP_BY_ATTR)
		snprintf(buf, size, "attr:%s", by->attr);
	else
		snprintf(buf, size, "%s", dim_names[by->dim]);
	return buf;
}

bool tp_where_parse(const char *text, char *buf, struct tp_where *out)
{
	const char *eq = strchr(text, '=');
	if (!eq || eq == text)
		return false;
	strcpy(buf, text);
	buf[eq - text] = '\0';
	out->name = buf;
	out->value = buf + (eq - text) + 1;
	return true;
}

void tp_query_init(struct tp_query *q)
{
	memset(q, 0, sizeof *q);
	q->metric = TP_METRIC_NPS;
	q->level = 0.95;
	q->min_n = 30;
	q->anonymity = 5;
}

/* --- the plan --- */

struct digit {
	enum tp_dimension dim;
	size_t card;
	int32_t base;         /* periods: the first period's number */
	const int32_t *codes; /* attributes: the column */
	int32_t *rank;        /* attributes: code -> alphabetical rank */
	const struct ds_attr *attr;
	size_t stride;
};

struct plan {
	const struct tp_dataset *ds;
	const struct tp_query *q;
	size_t n_digits;
	struct digit digits[TP_QUERY_BY_MAX];
	struct ds_filters filters;
	size_t cells;
	int period_digit; /* index of the month/quarter digit, -1 none */
};

static void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n_digits; i++)
		free(p->digits[i].rank);
	ds_filters_free(&p->filters);
}

static const struct ds_attr *find_attr(const struct tp_dataset *ds, const char *name,
				       struct tp_error *err)
{
	const struct ds_attr *a = ds_attr_find(ds, name);
	if (!a)
		ds_attr_unknown(ds, NULL, name, err);
	return a;
}

struct ranked {
	const char *value;
	int32_t code;
};

static int compare_ranked(const void *a, const void *b)
{
	return strcmp(((const struct ranked *)a)->value, ((const struct ranked *)b)->value);
}

/* Alphabetical ranks of an attribute's codes (byte order of UTF-8), so that
 * groups come sorted. */
static int32_t *rank_values(const struct ds_attr *a)
{
	size_t n = a->n_values ? a->n_values : 1;
	struct ranked *order = malloc(n * sizeof *order);
	int32_t *rank = malloc(n * sizeof *rank);
	if (!order || !rank) {
		free(order);
		free(rank);
		return NULL;
	}
	for (size_t i = 0; i < a->n_values; i++)
		order[i] = (struct ranked){a->values[i], (int32_t)i};
	qsort(order, a->n_values, sizeof *order, compare_ranked);
	for (size_t i = 0; i < a->n_values; i++)
		rank[order[i].code] = (int32_t)i;
	free(order);
	return rank;
}

static enum tp_status plan_digit(struct plan *p, const struct tp_by *by, struct digit *d,
				 struct tp_error *err)
{
	const struct tp_dataset *ds = p->ds;
	d->dim = by->dim;
	switch (by->dim) {
	case TP_BY_TOUCHPOINT: d->card = ds->journey->n_touchpoints; break;
	case TP_BY_PHASE: d->card = ds->journey->n_phases; break;
	case TP_BY_CHANNEL: d->card = ds->journey->n_channels; break;
	case TP_BY_MONTH:
		d->base = ds->min_month;
		d->card = ds->n ? (size_t)(ds->max_month - ds->min_month + 1) : 0;
		break;
	case TP_BY_QUARTER:
		d->base = ds->min_month / 3;
		d->card = ds->n ? (size_t)(ds->max_month / 3 - ds->min_month / 3 + 1) : 0;
		break;
	case TP_BY_ATTR:
		d->attr = find_attr(ds, by->attr, err);
		if (!d->attr)
			return TP_EINPUT;
		d->codes = d->attr->codes;
		d->card = d->attr->n_values;
		d->rank = rank_values(d->attr);
		if (!d->rank)
			return tp_error_set(err, TP_ENOMEM, "out of memory");
		break;
	}
	return TP_OK;
}

static enum tp_status plan_digits(struct plan *p, struct tp_error *err)
{
	const struct tp_query *q = p->q;
	p->period_digit = -1;
	if (q->n_by > TP_QUERY_BY_MAX)
		return tp_error_set(err, TP_EINPUT, "at most %d --by", TP_QUERY_BY_MAX);
	for (size_t i = 0; i < q->n_by; i++) {
		for (size_t k = 0; k < i; k++) {
			bool same = q->by[k].dim == q->by[i].dim &&
				    (q->by[i].dim != TP_BY_ATTR ||
				     strcmp(q->by[k].attr, q->by[i].attr) == 0);
			if (same) {
				char name[160];
				return tp_error_set(err, TP_EINPUT, "--by %s is given twice",
						    tp_by_name(&q->by[i], name, sizeof name));
			}
		}
		enum tp_status st = plan_digit(p, &q->by[i], &p->digits[i], err);
		p->n_digits = i + 1;
		if (st != TP_OK)
			return st;
		if (q->by[i].dim == TP_BY_MONTH || q->by[i].dim == TP_BY_QUARTER) {
			if (p->period_digit >= 0)
				return tp_error_set(err, TP_EINPUT,
						    "--by month and --by quarter cannot be combined");
			p->period_digit = (int)i;
		}
	}
	/* Strides: the first --by is the most significant digit. */
	size_t cells = 1;
	for (size_t i = p->n_digits; i-- > 0;) {
		p->digits[i].stride = cells;
		if (p->digits[i].card && cells > MAX_CELLS / p->digits[i].card)
			return tp_error_set(err, TP_ELIMIT,
					    "too many groups: the --by dimensions give more than "
					    "%u combinations", MAX_CELLS);
		cells *= p->digits[i].card;
	}
	p->cells = cells;
	return TP_OK;
}

/* --- the pass over the rows --- */

struct acc {
	int64_t n;
	int64_t a;     /* NPS: promoters; CSAT: 4-5; comment rate: comments; means: sum */
	int64_t b;     /* NPS: detractors; means: sum of squares */
	int64_t pos, neg; /* sentiment: positive and negative comments */
};

struct window {
	bool has_from, has_to;
	int64_t from, to;
};

static int metric_type(enum tp_metric m)
{
	return m == TP_METRIC_ENPS ? TP_RESPONDENT_EMPLOYEE : TP_RESPONDENT_CUSTOMER;
}

static const int8_t *metric_column(const struct tp_dataset *ds, enum tp_metric m)
{
	switch (m) {
	case TP_METRIC_NPS:
	case TP_METRIC_ENPS: return ds->nps;
	case TP_METRIC_CSAT: return ds->csat;
	case TP_METRIC_CES: return ds->ces;
	case TP_METRIC_EMOTION: return ds->emotion;
	default: return NULL;
	}
}

/* The group of row i, or -1 when the row has no value on some dimension. */
static int64_t cell_of(const struct plan *p, size_t i)
{
	const struct tp_dataset *ds = p->ds;
	int64_t cell = 0;
	for (size_t k = 0; k < p->n_digits; k++) {
		const struct digit *d = &p->digits[k];
		int64_t c;
		int16_t t = ds->touchpoint[i];
		switch (d->dim) {
		case TP_BY_TOUCHPOINT: c = t; break;
		case TP_BY_PHASE: c = t < 0 ? -1 : ds->tp_phase[t]; break;
		case TP_BY_CHANNEL: c = t < 0 ? -1 : ds->tp_channel[t]; break;
		case TP_BY_MONTH: c = ds->month[i] - d->base; break;
		case TP_BY_QUARTER: c = ds->month[i] / 3 - d->base; break;
		default: c = d->codes[i] < 0 ? -1 : d->rank[d->codes[i]]; break;
		}
		if (c < 0)
			return -1;
		cell += c * (int64_t)d->stride;
	}
	return cell;
}

/* Adds the rows of the window to acc; with pairs (eNPS), also records
 * (cell, respondent) for the anonymity count. */
static void accumulate_rows(const struct plan *p, const struct window *w, size_t lo, size_t hi,
			    struct acc *acc, uint64_t *pairs, size_t *n_pairs)
{
	const struct tp_dataset *ds = p->ds;
	enum tp_metric m = p->q->metric;
	int8_t want = (int8_t)metric_type(m);
	const int8_t *col = metric_column(ds, m);
	for (size_t i = lo; i < hi; i++) {
		if (ds->type[i] != want)
			continue;
		int8_t v = col ? col[i] : 0;
		if (v == TP_NONE8)
			continue;
		if ((w->has_from && ds->at[i] < w->from) || (w->has_to && ds->at[i] >= w->to))
			continue;
		if (p->filters.n && !ds_filters_pass(ds, &p->filters, i))
			continue;
		int64_t cell = cell_of(p, i);
		if (cell < 0)
			continue;
		struct acc *a = &acc[cell];
		a->n++;
		switch (m) {
		case TP_METRIC_NPS:
		case TP_METRIC_ENPS:
			a->a += v >= 9;
			a->b += v <= 6;
			break;
		case TP_METRIC_CSAT: a->a += v >= 4; break;
		case TP_METRIC_COMMENT_RATE: a->a += ds->comment[i]; break;
		case TP_METRIC_RESPONSES: break;
		default:
			a->a += v;
			a->b += (int64_t)v * v;
			break;
		}
		if (pairs) {
			uint32_t who = ds->respondent[i] ? ds->respondent[i] : (uint32_t)(0x80000000u | i);
			pairs[(*n_pairs)++] = ((uint64_t)cell << 32) | who;
		}
	}
}

/* Sentiment: the mean of compound (kept as integers, compound * 10000)
 * over analysed customer comments, and their labels. */
static void accumulate_sentiment(const struct plan *p, const struct window *w, size_t lo,
				 size_t hi, struct acc *acc)
{
	const struct tp_dataset *ds = p->ds;
	if (!ds->has_sentiment)
		return;
	for (size_t i = lo; i < hi; i++) {
		int16_t v = ds->sentiment[i];
		if (v == DS_NO_SENTIMENT || ds->type[i] != TP_RESPONDENT_CUSTOMER)
			continue;
		if ((w->has_from && ds->at[i] < w->from) || (w->has_to && ds->at[i] >= w->to))
			continue;
		if (p->filters.n && !ds_filters_pass(ds, &p->filters, i))
			continue;
		int64_t cell = cell_of(p, i);
		if (cell < 0)
			continue;
		struct acc *a = &acc[cell];
		a->n++;
		a->a += v;
		a->b += (int64_t)v * v;
		a->pos += ds->sentiment_label[i] > 0;
		a->neg += ds->sentiment_label[i] < 0;
	}
}

/* One share of the rows for a thread of its own. */
struct share {
	const struct plan *plan;
	const struct window *window;
	size_t lo, hi;
	struct acc *acc;
	uint64_t *pairs; /* room for hi - lo entries, or NULL */
	size_t n_pairs;
};

static void *accumulate_share(void *arg)
{
	struct share *sh = arg;
	if (sh->plan->q->metric == TP_METRIC_SENTIMENT)
		accumulate_sentiment(sh->plan, sh->window, sh->lo, sh->hi, sh->acc);
	else
		accumulate_rows(sh->plan, sh->window, sh->lo, sh->hi, sh->acc, sh->pairs,
				&sh->n_pairs);
	return NULL;
}

#define THREADS_MAX 8
#define ROWS_PER_THREAD_MIN 262144

/* Adds the window's rows to acc (and their (cell, respondent) pairs to
 * pairs), splitting big datasets across the processors: each thread has
 * its own accumulators, merged at the end. Falls back to one thread when
 * memory or threads are short. */
static void accumulate(const struct plan *p, const struct window *w, struct acc *acc,
		       uint64_t *pairs, size_t *n_pairs)
{
	size_t n = p->ds->n;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t threads = cpus > 0 ? (size_t)cpus : 1;
	if (threads > THREADS_MAX)
		threads = THREADS_MAX;
	if (threads > n / ROWS_PER_THREAD_MIN)
		threads = n / ROWS_PER_THREAD_MIN ? n / ROWS_PER_THREAD_MIN : 1;
	struct share shares[THREADS_MAX];
	pthread_t ids[THREADS_MAX];
	bool started[THREADS_MAX] = {false};
	for (size_t t = 0; t < threads; t++) {
		shares[t] = (struct share){p, w, n * t / threads, n * (t + 1) / threads,
					   t ? calloc(p->cells, sizeof *acc) : acc,
					   pairs ? pairs + n * t / threads : NULL, 0};
		if (t && shares[t].acc)
			started[t] = pthread_create(&ids[t], NULL, accumulate_share, &shares[t]) == 0;
		if (t && !started[t]) { /* do it here instead */
			struct share here = shares[t];
			here.acc = acc;
			accumulate_share(&here);
			shares[t].n_pairs = here.n_pairs;
		}
	}
	accumulate_share(&shares[0]);
	*n_pairs = shares[0].n_pairs;
	for (size_t t = 1; t < threads; t++) {
		if (started[t])
			pthread_join(ids[t], NULL);
		if (started[t]) {
			for (size_t c = 0; c < p->cells; c++) {
				acc[c].n += shares[t].acc[c].n;
				acc[c].a += shares[t].acc[c].a;
				acc[c].b += shares[t].acc[c].b;
				acc[c].pos += shares[t].acc[c].pos;
				acc[c].neg += shares[t].acc[c].neg;
			}
		}
		free(shares[t].acc); /* t > 0: its own, or NULL */
		if (pairs) {
			memmove(pairs + *n_pairs, shares[t].pairs, shares[t].n_pairs * sizeof *pairs);
			*n_pairs += shares[t].n_pairs;
		}
	}
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Distinct respondents per cell. Anonymous answers count one each. */
static void count_respondents(uint64_t *pairs, size_t n, int64_t *out)
{
	qsort(pairs, n, sizeof *pairs, compare_u64);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || pairs[i] != pairs[i - 1])
			out[pairs[i] >> 32]++;
}

/* --- estimates --- */

static struct tp_moments moments_of(const struct acc *a)
{
	struct tp_moments m = {.n = a->n};
	if (a->n > 0) {
		m.mean = (double)a->a / (double)a->n;
		/* n * m2 = n * sum(x^2) - sum(x)^2, exact in integers */
		m.m2 = (double)(a->n * a->b - a->a * a->a) / (double)a->n;
	}
	return m;
}

/* Sentiment sums are of compound * 10000: back to -1..1, in floating
 * point (n * sum(x^2) could overflow 64 bits for millions of comments). */
static struct tp_moments sentiment_moments_of(const struct acc *a)
{
	struct tp_moments m = {.n = a->n};
	if (a->n > 0) {
		double s = (double)a->a, ss = (double)a->b, n = (double)a->n;
		m.mean = s / n / DS_SENTIMENT_SCALE;
		m.m2 = (ss - s * s / n) / (DS_SENTIMENT_SCALE * DS_SENTIMENT_SCALE);
		if (m.m2 < 0)
			m.m2 = 0;
	}
	return m;
}

static struct tp_nps_counts nps_of(const struct acc *a)
{
	return (struct tp_nps_counts){a->a, a->n - a->a - a->b, a->b};
}

static void estimate(enum tp_metric m, const struct acc *a, double level, struct tp_group *g)
{
	g->n = a->n;
	switch (m) {
	case TP_METRIC_NPS:
	case TP_METRIC_ENPS:
		g->nps = nps_of(a);
		g->estimate = tp_nps_estimate(&g->nps, level);
		break;
	case TP_METRIC_CSAT:
	case TP_METRIC_COMMENT_RATE:
		g->successes = a->a;
		g->estimate = tp_proportion_estimate(a->a, a->n, level);
		break;
	case TP_METRIC_RESPONSES:
		g->estimate = (struct tp_estimate){.n = a->n, .has_value = true,
						   .value = (double)a->n};
		break;
	case TP_METRIC_SENTIMENT: {
		struct tp_moments mo = sentiment_moments_of(a);
		g->estimate = tp_mean_estimate(&mo, level);
		g->sd = mo.n > 1 && mo.m2 > 0 ? sqrt(mo.m2 / (double)(mo.n - 1)) : 0;
		g->positive = a->pos;
		g->negative = a->neg;
		g->neutral = a->n - a->pos - a->neg;
		break;
	}
	default: {
		struct tp_moments mo = moments_of(a);
		g->estimate = tp_mean_estimate(&mo, level);
		g->sd = mo.n > 1 && mo.m2 > 0 ? sqrt(mo.m2 / (double)(mo.n - 1)) : 0;
		break;
	}
	}
}

static bool change(enum tp_metric m, const struct acc *before, const struct acc *after,
		   double level, struct tp_change *out)
{
	switch (m) {
	case TP_METRIC_NPS:
	case TP_METRIC_ENPS: {
		struct tp_nps_counts b = nps_of(before), a = nps_of(after);
		*out = tp_nps_change(&b, &a, level);
		break;
	}
	case TP_METRIC_CSAT:
	case TP_METRIC_COMMENT_RATE:
		*out = tp_proportion_change(before->a, before->n, after->a, after->n, level);
		break;
	case TP_METRIC_RESPONSES: return false;
	case TP_METRIC_SENTIMENT: {
		struct tp_moments b = sentiment_moments_of(before), a = sentiment_moments_of(after);
		*out = tp_mean_change(&b, &a, level);
		break;
	}
	default: {
		struct tp_moments b = moments_of(before), a = moments_of(after);
		*out = tp_mean_change(&b, &a, level);
		break;
	}
	}
	return out->has_value;
}

/* --- building the report --- */

static char *period_key(enum tp_dimension dim, int32_t period)
{
	char buf[16];
	if (dim == TP_BY_MONTH)
		snprintf(buf, sizeof buf, "%04d-%02d", 1970 + period / 12, period % 12 + 1);
	else
		snprintf(buf, sizeof buf, "%04d-Q%d", 1970 + period / 4, period % 4 + 1);
	return strdup(buf);
}

/* The code (not rank) of an attribute's value at alphabetical rank r. */
static int32_t code_at_rank(const struct digit *d, int64_t r)
{
	for (size_t c = 0; c < d->card; c++)
		if (d->rank[c] == r)
			return (int32_t)c;
	return 0;
}

static char *digit_key(const struct plan *p, const struct digit *d, int64_t c)
{
	const struct tp_journey *j = p->ds->journey;
	switch (d->dim) {
	case TP_BY_TOUCHPOINT: return strdup(j->touchpoints[c].id);
	case TP_BY_PHASE: return strdup(j->phases[c].id);
	case TP_BY_CHANNEL: return strdup(j->channels[c].id);
	case TP_BY_MONTH: return period_key(TP_BY_MONTH, d->base + (int32_t)c);
	case TP_BY_QUARTER: {
		int32_t q = d->base + (int32_t)c;
		return period_key(TP_BY_QUARTER, q);
	}
	default: return strdup(d->attr->values[code_at_rank(d, c)]);
	}
}

void tp_report_free(struct tp_report *r)
{
	if (!r)
		return;
	for (size_t g = 0; g < r->n_groups; g++) {
		for (size_t k = 0; k < r->n_by; k++)
			free((char *)r->groups[g].key[k]);
		free((char *)r->groups[g].change_vs);
	}
	free(r->groups);
	free(r);
}

struct run {
	struct plan plan;
	struct acc *main, *base;
	int64_t *respondents;
	uint64_t *pairs;
	bool *hidden;
};

static void run_free(struct run *r)
{
	plan_free(&r->plan);
	free(r->main);
	free(r->base);
	free(r->respondents);
	free(r->pairs);
	free(r->hidden);
}

static enum tp_status count_rows(struct run *run, struct tp_error *err)
{
	const struct tp_query *q = run->plan.q;
	size_t cells = run->plan.cells ? run->plan.cells : 1;
	run->main = calloc(cells, sizeof *run->main);
	run->hidden = calloc(cells, sizeof *run->hidden);
	if (!run->main || !run->hidden)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	struct window w = {q->has_from, q->has_to, q->from, q->to};
	size_t n_pairs = 0;
	if (q->metric == TP_METRIC_ENPS) {
		run->pairs = malloc((run->plan.ds->n ? run->plan.ds->n : 1) * sizeof *run->pairs);
		run->respondents = calloc(cells, sizeof *run->respondents);
		if (!run->pairs || !run->respondents)
			return tp_error_set(err, TP_ENOMEM, "out of memory");
	}
	if (run->plan.cells)
		accumulate(&run->plan, &w, run->main, run->pairs, &n_pairs);
	if (run->pairs) {
		count_respondents(run->pairs, n_pairs, run->respondents);
		for (size_t c = 0; c < run->plan.cells; c++)
			run->hidden[c] = run->main[c].n > 0 && run->respondents[c] < q->anonymity;
	}
	if (q->has_baseline && run->plan.cells) {
		run->base = calloc(cells, sizeof *run->base);
		if (!run->base)
			return tp_error_set(err, TP_ENOMEM, "out of memory");
		struct window b = {true, true, q->base_from, q->base_to};
		uint64_t *base_pairs = NULL;
		int64_t *base_respondents = NULL;
		size_t n_base = 0;
		if (run->pairs) {
			base_pairs = malloc((run->plan.ds->n ? run->plan.ds->n : 1) * sizeof *base_pairs);
			base_respondents = calloc(cells, sizeof *base_respondents);
		}
		if (run->pairs && (!base_pairs || !base_respondents)) {
			free(base_pairs);
			free(base_respondents);
			return tp_error_set(err, TP_ENOMEM, "out of memory");
		}
		accumulate(&run->plan, &b, run->base, base_pairs, &n_base);
		if (base_pairs) {
			/* A baseline too small to be anonymous is not compared with. */
			count_respondents(base_pairs, n_base, base_respondents);
			for (size_t c = 0; c < run->plan.cells; c++)
				if (base_respondents[c] < q->anonymity)
					run->base[c] = (struct acc){0};
		}
		free(base_pairs);
		free(base_respondents);
	}
	return TP_OK;
}

/* Compares cell c with its baseline or with the previous period. */
static void add_change(const struct run *run, size_t c, struct tp_group *g)
{
	const struct plan *p = &run->plan;
	const struct tp_query *q = p->q;
	const struct acc *before = NULL;
	char *vs = NULL;
	if (q->has_baseline) {
		before = &run->base[c];
		vs = strdup("baseline");
	} else if (p->period_digit >= 0) {
		const struct digit *d = &p->digits[p->period_digit];
		int64_t coord = (int64_t)(c / d->stride % d->card);
		if (coord == 0)
			return;
		size_t prev = c - d->stride;
		if (run->hidden[prev] || run->main[prev].n == 0)
			return;
		before = &run->main[prev];
		vs = digit_key(p, d, coord - 1);
	}
	if (!before || before->n == 0 || !change(q->metric, before, &run->main[c], q->level,
						 &g->change)) {
		free(vs);
		return;
	}
	g->has_change = true;
	g->change_vs = vs;
	g->significant = g->change.p_value < 1 - q->level;
}

static enum tp_status build_groups(const struct run *run, struct tp_report *r,
				   struct tp_error *err)
{
	const struct plan *p = &run->plan;
	const struct tp_query *q = p->q;
	size_t n = 0;
	for (size_t c = 0; c < p->cells; c++) {
		if (run->main[c].n == 0)
			continue;
		if (run->hidden[c])
			r->hidden++;
		else
			n++;
	}
	r->groups = calloc(n ? n : 1, sizeof *r->groups);
	if (!r->groups)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	for (size_t c = 0; c < p->cells; c++) {
		if (run->main[c].n == 0 || run->hidden[c])
			continue;
		struct tp_group *g = &r->groups[r->n_groups++];
		for (size_t k = 0; k < p->n_digits; k++) {
			const struct digit *d = &p->digits[k];
			g->key[k] = digit_key(p, d, (int64_t)(c / d->stride % d->card));
			if (!g->key[k])
				return tp_error_set(err, TP_ENOMEM, "out of memory");
		}
		estimate(q->metric, &run->main[c], q->level, g);
		g->small = g->n < q->min_n;
		add_change(run, c, g);
	}
	return TP_OK;
}

static enum tp_status check_query(const struct tp_query *q, struct tp_error *err)
{
	if (q->metric > TP_METRIC_SENTIMENT)
		return tp_error_set(err, TP_EINPUT, "unknown metric");
	if (q->has_from && q->has_to && q->from >= q->to)
		return tp_error_set(err, TP_EINPUT, "the period is empty: --from is not before --to");
	if (q->has_baseline && q->base_from >= q->base_to)
		return tp_error_set(err, TP_EINPUT, "the baseline period is empty");
	return TP_OK;
}

enum tp_status tp_report_run(const struct tp_dataset *ds, const struct tp_query *q,
			     struct tp_report **out, struct tp_error *err)
{
	*out = NULL;
	struct run run = {.plan = {.ds = ds, .q = q}};
	struct tp_report *r = calloc(1, sizeof *r);
	enum tp_status st = r ? check_query(q, err) : tp_error_set(err, TP_ENOMEM, "out of memory");
	if (st == TP_OK)
		st = plan_digits(&run.plan, err);
	if (st == TP_OK)
		st = ds_filters_make(ds, q->where, q->n_where, &run.plan.filters, err);
	if (st == TP_OK)
		st = count_rows(&run, err);
	if (st == TP_OK) {
		r->metric = q->metric;
		r->level = q->level;
		r->n_by = q->n_by;
		memcpy(r->by, q->by, sizeof r->by);
		st = build_groups(&run, r, err);
	}
	run_free(&run);
	if (st != TP_OK) {
		tp_report_free(r);
		return st;
	}
	*out = r;
	return TP_OK;
}
