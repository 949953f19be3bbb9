/* model/demo_outcomes.c - the demo's business outcomes and benchmark table
 * (`touchpoint demo`), so that the outcomes and benchmark views show
 * something: per customer respondent a revenue and a churned flag that
 * follow their latest NPS answer (detractors churn more and spend less),
 * and published NPS, CSAT and CES values of invented companies in two
 * sectors for the demo's last two quarters.
 *
 * Its own generator (splitmix64 seeded from the demo's seed), so the
 * responses stay exactly what model/demo.c makes them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/outcomes.h"
#include "util/rng.h"
#include "util/strmap.h"

struct rng {
	uint64_t state;
};


static double uniform(struct rng *r)
{
	return tp_splitmix64_uniform(&r->state);
}

static double normal(struct rng *r)
{
	double u = uniform(r), v = uniform(r);
	return sqrt(-2.0 * log(u > 0 ? u : 0x1.0p-53)) * cos(6.283185307179586 * v);
}

/* Each customer respondent's latest NPS answer (responses come in
 * submitted_at order, so the last one seen wins). */
struct latest_ctx {
	struct tp_strmap *nps;
	bool failed;
};

static int take_response(const struct tp_response *r, void *ctx)
{
	struct latest_ctx *c = ctx;
	if (r->respondent_type != TP_RESPONDENT_CUSTOMER || !r->respondent_id ||
	    !r->respondent_id[0] || r->nps == TP_SCORE_NONE)
		return 0;
	if (!tp_strmap_put(c->nps, r->respondent_id, strlen(r->respondent_id), r->nps)) {
		c->failed = true;
		return 1;
	}
	return 0;
}

struct person {
	char *key;
	int nps;
};

struct people {
	struct person *items;
	size_t n;
	bool failed;
};

static void collect(const char *key, size_t len, int64_t value, void *ctx)
{
	struct people *p = ctx;
	char *copy = malloc(len + 1);
	if (!copy) {
		p->failed = true;
		return;
	}
	memcpy(copy, key, len);
	copy[len] = '\0';
	p->items[p->n++] = (struct person){copy, (int)value};
}

static int compare_person(const void *a, const void *b)
{
	return strcmp(((const struct person *)a)->key, ((const struct person *)b)->key);
}

/* The planted effect: churn 30 % for detractors, 15 % passives, 7 %
 * promoters; revenue about 520, 600 and 680 a year. */
static enum tp_status add_outcomes(struct tp_store *store, struct rng *rng, struct people *p,
				   struct tp_error *err)
{
	static const double churn[3] = {0.30, 0.15, 0.07};
	static const double revenue[3] = {520.0, 600.0, 680.0};
	struct tp_outcome_row *rows = malloc((p->n ? p->n : 1) * 2 * sizeof *rows);
	if (!rows)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	size_t n = 0;
	for (size_t i = 0; i < p->n; i++) {
		int g = p->items[i].nps >= 9 ? 2 : p->items[i].nps >= 7 ? 1 : 0;
		double money = revenue[g] + 180.0 * normal(rng);
		rows[n++] = (struct tp_outcome_row){p->items[i].key, "revenue",
						    round(fmax(money, 0.0) * 100.0) / 100.0};
		rows[n++] = (struct tp_outcome_row){p->items[i].key, "churned",
						    uniform(rng) < churn[g] ? 1.0 : 0.0};
	}
	enum tp_status st = tp_store_outcome_put(store, rows, n, err);
	free(rows);
	return st;
}

static enum tp_status add_benchmarks(struct tp_store *store, struct rng *rng,
				     struct tp_error *err)
{
	static const struct {
		const char *sector, *company;
		double nps, csat, ces;
	} companies[] = {
		{"telecom", "Ondas Telecom", 18.0, 66.0, 5.4},
		{"telecom", "FibraMax", 4.0, 59.0, 5.0},
		{"telecom", "Conecta", 27.0, 70.0, 5.8},
		{"telecom", "Redes del Sur", -6.0, 54.0, 4.6},
		{"telecom", "Movil Uno", 11.0, 63.0, 5.3},
		{"banca", "Banco Atlántico", 21.0, 68.0, 5.6},
		{"banca", "Caja Verde", 33.0, 73.0, 6.0},
		{"seguros", "Seguros Sol", 8.0, 60.0, 5.1},
	};
	static const char *const periods[] = {"2026-Q1", "2026-Q2"};
	enum { N_COMPANIES = sizeof companies / sizeof companies[0] };
	struct tp_benchmark_row rows[N_COMPANIES * 2 * 4];
	size_t n = 0;
	for (size_t p = 0; p < 2; p++) {
		for (size_t c = 0; c < N_COMPANIES; c++) {
			int64_t size = 400 + (int64_t)(tp_splitmix64(&rng->state) % 1200);
			double drift = (double)p * (normal(rng) * 2.0);
			struct tp_benchmark_row base = {companies[c].sector, companies[c].company,
							"nps", periods[p], 0.0, size};
			base.value = round(companies[c].nps + drift);
			rows[n++] = base;
			base.metric = "csat";
			base.value = round(companies[c].csat + drift / 2.0);
			rows[n++] = base;
			base.metric = "ces";
			base.value = round((companies[c].ces + drift / 20.0) * 100.0) / 100.0;
			rows[n++] = base;
			base.metric = "ces_sd";
			base.value = round((1.2 + 0.3 * uniform(rng)) * 100.0) / 100.0;
			rows[n++] = base;
		}
	}
	return tp_store_benchmark_put(store, rows, n, err);
}

enum tp_status tp_demo_outcomes(struct tp_store *store, uint64_t seed, struct tp_error *err)
{
	struct rng rng = {seed * 0x9e3779b97f4a7c15ULL + 0x6f7574636f6d6573ULL};
	struct latest_ctx c = {tp_strmap_new(), false};
	struct people p = {0};
	enum tp_status st = TP_OK;
	if (!c.nps) {
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
		goto out;
	}
	st = tp_store_responses_each(store, 0, false, take_response, &c, err);
	if (st == TP_OK && c.failed)
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
	if (st != TP_OK)
		goto out;
	size_t count = tp_strmap_count(c.nps);
	p.items = malloc((count ? count : 1) * sizeof *p.items);
	if (!p.items) {
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
		goto out;
	}
	tp_strmap_each(c.nps, collect, &p);
	if (p.failed) {
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
		goto out;
	}
	qsort(p.items, p.n, sizeof *p.items, compare_person);
	st = add_outcomes(store, &rng, &p, err);
	if (st == TP_OK)
		st = add_benchmarks(store, &rng, err);
	if (st == TP_OK)
		st = tp_store_meta_set(store, "company.name", "Demo Telecom", err);
	if (st == TP_OK)
		st = tp_store_meta_set(store, "company.sector", "telecom", err);
out:
	for (size_t i = 0; i < p.n; i++)
		free(p.items[i].key);
	free(p.items);
	tp_strmap_free(c.nps);
	return st;
}
