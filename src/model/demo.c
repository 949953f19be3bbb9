/* model/demo.c - generating the demo data set (see touchpoint/demo.h).
 *
 * Scores come from one latent satisfaction per response: the touchpoint's
 * quality, plus segment and region effects, plus noise; NPS, CSAT, CES and
 * emotion are read off it, so they agree with each other as real answers
 * do, and comments are picked to fit the NPS group. Randomness is
 * splitmix64, so a seed fixes the data on every machine. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "touchpoint/demo.h"
#include "touchpoint/outcomes.h" /* outcomes */
#include "touchpoint/time.h"
#include "util/rng.h"

struct rng {
	uint64_t state;
};


/* Uniform in [0, 1). */
static double uniform(struct rng *r)
{
	return tp_splitmix64_uniform(&r->state);
}

static int below(struct rng *r, int n)
{
	return (int)(uniform(r) * n);
}

/* Standard normal by Box-Muller. */
static double normal(struct rng *r)
{
	double u = uniform(r), v = uniform(r);
	return sqrt(-2.0 * log(1.0 - u)) * cos(2.0 * M_PI * v);
}

static int clamp_round(double x, int lo, int hi)
{
	long v = lround(x);
	return (int)(v < lo ? lo : v > hi ? hi : v);
}

/* Per touchpoint of the sample journey, in its order: share of traffic and
 * mean latent satisfaction on the 0-10 scale. */
struct tp_profile {
	const char *id;
	double weight;
	double quality;
	bool flat_emotion; /* satisfies without moving anyone */
};

static const struct tp_profile profiles[] = {
	{"redes-anuncio", 3, 7.9, false},      {"web-tarifas", 8, 7.9, false},
	{"tienda-asesoria", 6, 8.9, false},    {"web-compra", 10, 8.4, false},
	{"tienda-compra", 7, 8.7, false},      {"call-venta", 3, 7.1, false},
	{"email-bienvenida", 5, 8.1, true},    {"app-activacion", 8, 7.0, false},
	{"app-consumo", 9, 8.9, true},         {"call-soporte", 10, 4.9, false},
	{"app-chat", 7, 7.6, false},           {"tienda-reparacion", 4, 7.3, false},
	{"redes-queja", 3, 6.3, false},        {"email-factura", 8, 8.3, true},
	{"app-renovacion", 5, 7.8, false},     {"call-retencion", 4, 6.7, false},
};
#define N_PROFILES (sizeof profiles / sizeof profiles[0])

static const char *const regions[] = {"Norte", "Sur", "Centro", "Este", "Oeste"};
static const double region_effect[] = {0.0, 0.4, -0.1, 0.1, -0.3};

static const char *const comments_es[3][8] = {
	{"Me tuvieron esperando casi una hora y nadie me dio una solución.",
	 "Pésima atención, me pasaron de un agente a otro sin resolver nada.",
	 "Me cobraron de más y nadie sabe explicarme por qué.",
	 "La app se cuelga cada vez que intento activar la línea.",
	 "Prometieron llamarme y nunca lo hicieron. Muy decepcionado.",
	 "Demasiado lento, tuve que repetir mis datos tres veces.",
	 "No volvería a contratar, el servicio ha sido un desastre.",
	 "Sin cobertura una semana y sin ninguna explicación."},
	{"Correcto, aunque tardaron un poco más de lo esperado.",
	 "Bien en general, pero la web podría ser más clara.",
	 "Cumplió lo básico, nada especial.",
	 "El proceso funciona, pero hay demasiados pasos.",
	 "Aceptable, aunque el precio me parece alto.",
	 "Me atendieron bien, pero tuve que insistir.",
	 "Normal, ni bien ni mal.",
	 "Todo bien salvo la espera en tienda."},
	{"¡Excelente atención! Me resolvieron todo en minutos.",
	 "Muy rápido y sencillo, lo recomiendo.",
	 "El asesor fue muy amable y me explicó todo con paciencia.",
	 "La app es súper cómoda, controlo mi consumo sin problemas.",
	 "Genial, la línea funcionó desde el primer día.",
	 "Por fin una compañía que cumple lo que promete.",
	 "Trato de diez, me sentí escuchado.",
	 "Contratar online fue facilísimo."},
};

static const char *const comments_en[3][6] = {
	{"I waited almost an hour and nobody solved my problem.",
	 "Terrible service, they kept transferring me between agents.",
	 "I was overcharged and no one could explain why.",
	 "The app crashes every time I try to activate my line.",
	 "They promised to call me back and never did.",
	 "No signal for a week and no explanation at all."},
	{"It was fine, although it took longer than expected.",
	 "Okay overall, but the website could be clearer.",
	 "Did the job, nothing special.",
	 "The process works but has too many steps.",
	 "Acceptable, though the price feels high.",
	 "Good service, but I had to insist."},
	{"Excellent service! Everything was sorted in minutes.",
	 "Fast and easy, I would recommend it.",
	 "The advisor was very kind and explained everything patiently.",
	 "The app is really handy, I can track my usage easily.",
	 "Great, the line worked from day one.",
	 "Finally a company that keeps its promises."},
};

/* 2025-01-01T00:00:00Z and the 18 months after it. */
#define DEMO_START 1735689600LL
#define DEMO_SPAN (546LL * 86400)
#define DEMO_IMPROVEMENT 1759276800LL /* 2025-10-01: app-activacion improves */

struct demo_row {
	char response_id[32];
	char respondent_id[32];
	struct tp_attr attrs[16];
	char numbers[12][16]; /* the numeric attributes' text (analysis facts) */
	struct tp_response r;
};

/* --- analysis facts (docs/analysis.md): perception gap, linkage, estimates.
 * Drawn from a second generator seeded per row, so that the customers'
 * scores above stay exactly what they were. */

/* Rated attributes: rapidez (responsiveness), experiencia (product
 * expertise), trato (courtesy), precio (price). Customers' NPS follows
 * rapidez most; customers say rapidez matters most; leaders believe
 * experiencia does (seed 003, the ignorant ninja); employees sit between. */
static const char *const rated[] = {"rapidez", "experiencia", "trato", "precio"};
#define N_RATED 4
static const double stated_importance[3][N_RATED] = {
	{4.5, 3.1, 3.9, 3.7}, /* customers */
	{3.8, 4.2, 4.0, 3.4}, /* employees */
	{3.2, 4.7, 3.8, 3.3}, /* leaders */
};

/* The owner team of each profile (the sample journey's owners, in order). */
static const char *const owners[] = {
	"Marketing", "Marketing digital", "Red de tiendas", "Ecommerce", "Red de tiendas",
	"Ventas telefónicas", "CRM", "Producto digital", "Producto digital",
	"Atención al cliente", "Atención al cliente", "Servicio técnico", "Community management",
	"Facturación", "Fidelización", "Fidelización",
};
#define N_OWNER_TEAMS 12
static const char *const owner_teams[N_OWNER_TEAMS] = {
	"Marketing", "Marketing digital", "Red de tiendas", "Ecommerce", "Ventas telefónicas",
	"CRM", "Producto digital", "Atención al cliente", "Servicio técnico",
	"Community management", "Facturación", "Fidelización",
};

static void put_number(struct demo_row *d, const char *name, double v, int decimals)
{
	size_t k = d->r.n_attrs;
	snprintf(d->numbers[k], sizeof d->numbers[k], "%.*f", decimals, v);
	d->attrs[k] = (struct tp_attr){name, d->numbers[k]};
	d->r.n_attrs++;
}

static void put_importance(struct rng *aux, struct demo_row *d, int group)
{
	static const char *const names[N_RATED] = {"imp_rapidez", "imp_experiencia", "imp_trato",
						   "imp_precio"};
	for (int k = 0; k < N_RATED; k++)
		put_number(d, names[k],
			   clamp_round(stated_importance[group][k] + 0.7 * normal(aux), 1, 5), 0);
}

/* Customers: one in three also rates the four attributes (performance 1-5,
 * read off the same latent satisfaction) and how important each is. */
static void customer_ratings(struct demo_row *d, int64_t i, double latent)
{
	struct rng aux = {(uint64_t)i * 0xd1b54a32d192ed03ULL + (uint64_t)d->r.submitted_at};
	if (uniform(&aux) >= 0.33)
		return;
	double perf[N_RATED] = {
		0.9 + 0.42 * latent + 0.6 * normal(&aux),
		3.6 + 0.05 * (latent - 7.0) + 0.8 * normal(&aux),
		2.0 + 0.2 * latent + 0.8 * normal(&aux),
		3.0 + 0.04 * latent + 0.9 * normal(&aux),
	};
	for (int k = 0; k < N_RATED; k++)
		put_number(d, rated[k], clamp_round(perf[k], 1, 5), 0);
	put_importance(&aux, d, 0);
}

/* A touchpoint's mean quality over the profiles a team owns (7.8 when none). */
static double team_quality(const char *team)
{
	double sum = 0;
	int n = 0;
	for (size_t k = 0; k < N_PROFILES; k++)
		if (strcmp(owners[k], team) == 0) {
			sum += profiles[k].quality;
			n++;
		}
	return n ? sum / n : 7.8;
}

/* Roughly the NPS a profile's customers give (latent ~ N(q - 0.3, 2)). */
static double expected_nps(double quality)
{
	double mu = quality - 0.3, sd = 2.0;
	double promoters = 0.5 * erfc((8.5 - mu) / (sd * M_SQRT2));
	double detractors = 0.5 * erfc((mu - 6.5) / (sd * M_SQRT2));
	return 100.0 * (promoters - detractors);
}

static size_t pick_profile(struct rng *rng, double total)
{
	double x = uniform(rng) * total;
	for (size_t i = 0; i < N_PROFILES; i++) {
		x -= profiles[i].weight;
		if (x < 0)
			return i;
	}
	return N_PROFILES - 1;
}

static int nps_group(int nps)
{
	return nps <= 6 ? 0 : nps <= 8 ? 1 : 2;
}

static const char *pick_comment(struct rng *rng, int group, bool english)
{
	if (english)
		return comments_en[group][below(rng, 6)];
	return comments_es[group][below(rng, 8)];
}

static void make_customer(struct rng *rng, struct demo_row *d, int64_t i, double total)
{
	struct tp_response *r = &d->r;
	const struct tp_profile *p = &profiles[pick_profile(rng, total)];
	int region = below(rng, 5);
	bool business = uniform(rng) < 0.2;
	double quality = p->quality;
	if (strcmp(p->id, "app-activacion") == 0 && r->submitted_at >= DEMO_IMPROVEMENT)
		quality += 1.8;
	double latent = quality + region_effect[region] + (business ? -1.3 : 0.0) +
			1.9 * normal(rng);
	r->touchpoint = p->id;
	snprintf(d->respondent_id, sizeof d->respondent_id, "c%06lld",
		 (long long)(tp_splitmix64(&rng->state) % (uint64_t)(i / 3 + 1000)));
	r->respondent_id = d->respondent_id;
	if (uniform(rng) < 0.95)
		r->nps = clamp_round(latent, 0, 10);
	if (uniform(rng) < 0.70)
		r->csat = clamp_round(latent / 2.2 + 0.4 + 0.5 * normal(rng), 1, 5);
	if (uniform(rng) < 0.50)
		r->ces = clamp_round(latent * 0.6 + 1.2 + 0.7 * normal(rng), 1, 7);
	if (uniform(rng) < 0.60)
		r->emotion = strcmp(p->id, "app-consumo") == 0 /* satisfies, annoys */
				 ? clamp_round(-1.0 + 0.7 * normal(rng), -3, 3)
			     : p->flat_emotion ? clamp_round(0.4 * normal(rng), -3, 3)
					     : clamp_round((latent - 6.5) / 1.2, -3, 3);
	bool english = uniform(rng) < 0.25;
	r->lang = english ? "en" : "es";
	if (uniform(rng) < 0.35 || r->nps == TP_SCORE_NONE)
		r->comment = pick_comment(rng, nps_group(clamp_round(latent, 0, 10)), english);
	d->attrs[0] = (struct tp_attr){"region", regions[region]};
	d->attrs[1] = (struct tp_attr){"segmento", business ? "empresa" : "particular"};
	d->attrs[2] = (struct tp_attr){"plan", uniform(rng) < 0.35 ? "prepago" : "contrato"};
	r->n_attrs = 3;
	customer_ratings(d, i, latent);
}

static void make_staff(struct rng *rng, struct demo_row *d, int64_t i, bool leader)
{
	struct tp_response *r = &d->r;
	struct rng aux = {(uint64_t)i * 0xd1b54a32d192ed03ULL + (uint64_t)r->submitted_at};
	int team = below(&aux, N_OWNER_TEAMS);
	(void)below(rng, 6); /* the old team draw, kept so the stream stays as it was */
	double quality = team_quality(owner_teams[team]);
	r->respondent_type = leader ? TP_RESPONDENT_LEADER : TP_RESPONDENT_EMPLOYEE;
	snprintf(d->respondent_id, sizeof d->respondent_id, "%s%05d", leader ? "l" : "e",
		 team * 1000 + below(rng, leader ? 8 : 120));
	r->respondent_id = d->respondent_id;
	/* eNPS follows what the team's customers live (seed 002 #3). */
	r->nps = clamp_round(7.2 + 0.9 * (quality - 7.8) + 1.8 * normal(rng), 0, 10);
	r->lang = "es";
	if (uniform(rng) < 0.2)
		r->comment = comments_es[nps_group(r->nps)][below(rng, 8)];
	d->attrs[0] = (struct tp_attr){"team", owner_teams[team]};
	d->attrs[1] = (struct tp_attr){"region", regions[below(rng, 5)]};
	r->n_attrs = 2;
	if (!leader)
		put_number(d, "engagement",
			   clamp_round(3.3 + 0.6 * (quality - 7.8) + 0.8 * normal(&aux), 1, 5), 0);
	if (uniform(&aux) < 0.6)
		put_importance(&aux, d, leader ? 2 : 1);
	/* One in three estimates the NPS of a touchpoint the team owns; everyone
	 * believes call-soporte does far better than it does. */
	if (uniform(&aux) < 0.35) {
		int owned = 0;
		for (size_t k = 0; k < N_PROFILES; k++)
			owned += strcmp(owners[k], owner_teams[team]) == 0;
		int pick = below(&aux, owned);
		for (size_t k = 0; k < N_PROFILES; k++) {
			if (strcmp(owners[k], owner_teams[team]) != 0 || pick-- > 0)
				continue;
			double bias = strcmp(profiles[k].id, "call-soporte") == 0 ? 45.0 : 0.0;
			double est = expected_nps(profiles[k].quality) + bias + 15.0 * normal(&aux);
			r->touchpoint = profiles[k].id;
			put_number(d, "estimate_nps", est < -100 ? -100 : est > 100 ? 100 : est, 0);
			break;
		}
	}
}

static enum tp_status generate(struct tp_store *store, const struct tp_demo_options *o,
			       struct tp_error *err)
{
	struct rng rng = {o->seed * 0x2545f4914f6cdd1dULL + 1};
	double total = 0;
	for (size_t i = 0; i < N_PROFILES; i++)
		total += profiles[i].weight;
	struct demo_row d;
	for (int64_t i = 0; i < o->responses; i++) {
		tp_response_init(&d.r);
		snprintf(d.response_id, sizeof d.response_id, "demo-%08lld", (long long)i + 1);
		d.r.response_id = d.response_id;
		d.r.attrs = d.attrs;
		d.r.submitted_at = DEMO_START + (int64_t)(uniform(&rng) * (double)DEMO_SPAN);
		double who = uniform(&rng);
		if (who < 0.90)
			make_customer(&rng, &d, i, total);
		else
			make_staff(&rng, &d, i, who >= 0.985);
		enum tp_status st = tp_store_response_add(store, &d.r, err);
		if (st != TP_OK)
			return st;
	}
	return TP_OK;
}

enum tp_status tp_demo_build(struct tp_store *store, const struct tp_demo_options *o,
			     struct tp_error *err)
{
	if (o->responses < 0)
		return tp_error_set(err, TP_EUSAGE, "the number of responses must not be negative");
	size_t len;
	const char *json = tp_journey_sample_json(&len);
	struct tp_journey *j = NULL;
	enum tp_status st = tp_journey_from_json(json, len, &j, err);
	if (st == TP_OK)
		st = tp_store_journey_replace(store, j, true, NULL, err);
	tp_journey_free(j);
	if (st == TP_OK)
		st = tp_store_begin(store, err);
	if (st != TP_OK)
		return st;
	st = generate(store, o, err);
	if (st == TP_OK)
		st = tp_demo_outcomes(store, o->seed, err); /* outcomes: model/demo_outcomes.c */
	if (st == TP_OK)
		return tp_store_commit(store, err);
	struct tp_error ignored;
	tp_store_rollback(store, &ignored);
	return st;
}
