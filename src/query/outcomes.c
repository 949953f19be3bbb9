/* query/outcomes.c - experience into results: a business outcome by NPS
 * group, the promoters-detractors difference and the value of moving
 * detractors to passives (touchpoint/outcomes.h; docs/outcomes.md).
 *
 * Reads the dataset's columns and an outcome's values; the store is read
 * only by tp_outcome_values_load. Statistics come from stats/estimate.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "query/dataset_internal.h"
#include "query/filter.h"
#include "query/outcome_values.h"

/* --- values keyed by respondent --- */

uint32_t ov_respondent_code(const char *id)
{
	if (!id || !*id)
		return 0;
	/* FNV-1a 64, exactly as store/sqlite_scan.c, folded as query/dataset.c */
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const unsigned char *t = (const unsigned char *)id; *t; t++) {
		h ^= *t;
		h *= 0x100000001b3ULL;
	}
	if (!h)
		h = 1;
	uint32_t code = (uint32_t)(h ^ (h >> 32));
	return code ? code : 1;
}

bool ov_lookup(const struct tp_outcome_values *v, uint32_t who, double *out)
{
	size_t lo = 0, hi = v->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v->entries[mid].who < who)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < v->n && v->entries[lo].who == who) {
		*out = v->entries[lo].value;
		return true;
	}
	return false;
}

struct load_ctx {
	struct tp_outcome_values *v;
	size_t cap;
	bool failed;
};

static int load_one(const struct tp_outcome_row *row, void *ctx)
{
	struct load_ctx *c = ctx;
	struct tp_outcome_values *v = c->v;
	if (v->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		struct ov_entry *e = realloc(v->entries, cap * sizeof *e);
		if (!e) {
			c->failed = true;
			return 1;
		}
		v->entries = e;
		c->cap = cap;
	}
	v->entries[v->n++] = (struct ov_entry){ov_respondent_code(row->respondent_key), row->value};
	return 0;
}

static int compare_entry(const void *a, const void *b)
{
	const struct ov_entry *x = a, *y = b;
	return x->who < y->who ? -1 : x->who > y->who;
}

enum tp_status tp_outcome_values_load(struct tp_store *store, const char *name,
				      struct tp_outcome_values **out, struct tp_error *err)
{
	*out = NULL;
	struct tp_outcome_values *v = calloc(1, sizeof *v);
	if (!v)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	struct load_ctx c = {v, 0, false};
	enum tp_status st = tp_store_outcome_each(store, name, load_one, &c, err);
	if (st == TP_OK && c.failed)
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
	if (st == TP_OK && v->n == 0)
		st = tp_error_set(err, TP_ENOTFOUND, "no outcome \"%s\" is stored (import one with "
						     "`touchpoint outcomes import FILE`)", name);
	if (st != TP_OK) {
		tp_outcome_values_free(v);
		return st;
	}
	qsort(v->entries, v->n, sizeof *v->entries, compare_entry);
	/* Drop every entry whose code is shared by several respondents. */
	size_t w = 0;
	v->binary = true;
	for (size_t i = 0; i < v->n;) {
		size_t end = i + 1;
		while (end < v->n && v->entries[end].who == v->entries[i].who)
			end++;
		if (end - i == 1) {
			v->entries[w++] = v->entries[i];
			double x = v->entries[i].value;
			v->binary &= x == 0.0 || x == 1.0;
		} else {
			v->ambiguous += end - i;
		}
		i = end;
	}
	v->n = w;
	*out = v;
	return TP_OK;
}

void tp_outcome_values_free(struct tp_outcome_values *v)
{
	if (!v)
		return;
	free(v->entries);
	free(v);
}

size_t tp_outcome_values_count(const struct tp_outcome_values *v)
{
	return v->n;
}

bool tp_outcome_values_binary(const struct tp_outcome_values *v)
{
	return v->binary;
}

/* --- by NPS group --- */

/* A respondent's latest NPS answer in the selection. */
struct latest {
	uint32_t who;
	uint32_t row;
};

static int compare_latest(const void *a, const void *b)
{
	const struct latest *x = a, *y = b;
	if (x->who != y->who)
		return x->who < y->who ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

static bool selected(const struct tp_dataset *ds, const struct tp_query *q,
		     const struct ds_filters *f, size_t i)
{
	if (ds->type[i] != TP_RESPONDENT_CUSTOMER || ds->nps[i] == TP_NONE8)
		return false;
	if (q && ((q->has_from && ds->at[i] < q->from) || (q->has_to && ds->at[i] >= q->to)))
		return false;
	return ds_filters_pass(ds, f, i);
}

static int nps_group(int score)
{
	return score >= 9 ? TP_OUTCOME_PROMOTERS
			  : score >= 7 ? TP_OUTCOME_PASSIVES : TP_OUTCOME_DETRACTORS;
}

/* Fills the estimates, the difference and the move from the moments. */
static void outcome_finish(struct tp_outcome_report *r)
{
	static const char *const names[TP_OUTCOME_GROUPS] = {"promoters", "passives",
							     "detractors"};
	double scale = r->binary ? 100.0 : 1.0;
	for (int g = 0; g < TP_OUTCOME_GROUPS; g++) {
		struct tp_outcome_group *grp = &r->groups[g];
		const struct tp_moments *m = &grp->moments;
		grp->name = names[g];
		grp->sd = m->n > 1 ? sqrt(m->m2 / (double)(m->n - 1)) : 0.0;
		if (r->binary)
			grp->estimate = tp_proportion_estimate((int64_t)llround(m->mean * (double)m->n),
							       m->n, r->level);
		else
			grp->estimate = tp_mean_estimate(m, r->level);
	}
	const struct tp_moments *pro = &r->groups[TP_OUTCOME_PROMOTERS].moments;
	const struct tp_moments *pas = &r->groups[TP_OUTCOME_PASSIVES].moments;
	const struct tp_moments *det = &r->groups[TP_OUTCOME_DETRACTORS].moments;
	r->diff = tp_mean_change(det, pro, r->level);
	if (r->diff.has_value) {
		r->diff.diff *= scale;
		r->diff.lo *= scale;
		r->diff.hi *= scale;
	}
	struct tp_change move = tp_mean_change(det, pas, r->level);
	r->has_move = move.has_value;
	if (move.has_value) {
		r->moved = r->move_share * (double)det->n;
		r->move_value = r->moved * move.diff;
		r->move_lo = r->moved * move.lo;
		r->move_hi = r->moved * move.hi;
	}
}

enum tp_status tp_outcome_report_run(const struct tp_dataset *ds,
				     const struct tp_outcome_values *values, const char *name,
				     const struct tp_query *filter, double move_share,
				     double level, struct tp_outcome_report **out,
				     struct tp_error *err)
{
	*out = NULL;
	if (!(move_share >= 0.0 && move_share <= 1.0))
		return tp_error_set(err, TP_EUSAGE, "the share to move must be in 0..1");
	if (filter && filter->has_from && filter->has_to && filter->from >= filter->to)
		return tp_error_set(err, TP_EINPUT, "the period is empty (--from is not before --to)");
	struct ds_filters f;
	memset(&f, 0, sizeof f);
	enum tp_status st = filter ? ds_filters_make(ds, filter->where, filter->n_where, &f, err)
				   : TP_OK;
	if (st != TP_OK)
		return st;
	struct tp_outcome_report *r = calloc(1, sizeof *r);
	struct latest *rows = malloc((ds->n ? ds->n : 1) * sizeof *rows);
	if (r)
		r->name = strdup(name);
	if (!r || !rows || !r->name) {
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
		goto out;
	}
	r->binary = values->binary;
	r->level = level;
	r->move_share = move_share;
	r->outcomes = (int64_t)values->n;
	size_t n = 0;
	for (size_t i = 0; i < ds->n; i++) {
		if (!selected(ds, filter, &f, i))
			continue;
		r->responses++;
		if (!ds->respondent[i]) {
			r->anonymous++;
			continue;
		}
		rows[n++] = (struct latest){ds->respondent[i], (uint32_t)i};
	}
	qsort(rows, n, sizeof *rows, compare_latest);
	for (size_t k = 0; k < n;) {
		size_t end = k + 1;
		while (end < n && rows[end].who == rows[k].who)
			end++;
		/* the latest answer: greatest submitted_at, then greatest row */
		size_t best = rows[k].row;
		for (size_t j = k + 1; j < end; j++)
			if (ds->at[rows[j].row] >= ds->at[best])
				best = rows[j].row;
		r->respondents++;
		double v;
		if (ov_lookup(values, rows[k].who, &v)) {
			r->linked++;
			tp_moments_add(&r->groups[nps_group(ds->nps[best])].moments, v);
		}
		k = end;
	}
	outcome_finish(r);
	*out = r;
	r = NULL;
out:
	ds_filters_free(&f);
	free(rows);
	tp_outcome_report_free(r);
	return st;
}

void tp_outcome_report_free(struct tp_outcome_report *r)
{
	if (!r)
		return;
	free(r->name);
	free(r);
}
