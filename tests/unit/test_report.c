/* Unit tests for query/dataset.c and query/report.c: a small store whose
 * answers are worked out by hand below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "touchpoint/query.h"
#include "unit/tp_test_tmp.h"

static char db_path[512];

static const char journey_json[] =
	"{\"name\": \"J\", \"phases\": [{\"id\": \"p1\", \"name\": \"Uno\"},"
	" {\"id\": \"p2\", \"name\": \"Dos\"}],"
	" \"channels\": [{\"id\": \"web\", \"name\": \"Web\"}, {\"id\": \"app\", \"name\": \"App\"}],"
	" \"touchpoints\": [{\"id\": \"t1\", \"phase\": \"p1\", \"channel\": \"web\", \"name\": \"A\"},"
	" {\"id\": \"t2\", \"phase\": \"p1\", \"channel\": \"app\", \"name\": \"B\"},"
	" {\"id\": \"t3\", \"phase\": \"p2\", \"channel\": \"web\", \"name\": \"C\"}]}";

#define JAN 1767225600 /* 2026-01-01T00:00:00Z */
#define FEB 1769904000 /* 2026-02-01T00:00:00Z */
#define APR 1775001600 /* 2026-04-01T00:00:00Z */

struct row {
	const char *id;
	int64_t at;
	int type;
	const char *tp;
	int nps, csat, ces;
	const char *region, *team, *who, *comment;
};

#define N TP_SCORE_NONE
/* Customers of t1 in January: NPS 10, 9, 8, 3 -> P 2, D 1, n 4 -> 25.
 * t1 in February: 10, 10 -> 100. t2 in January: 0 -> -100.
 * t3 in April: CSAT 5, 4, 2 -> 2 of 3 satisfied = 66.67 %; CES 7, 5 -> 6.
 * Employees: team A five people (NPS 9, 9, 9, 7, 0 -> P 3, D 1 -> 40),
 * team B two people (hidden: fewer than 5). A leader's answer counts
 * nowhere. */
static const struct row rows[] = {
	{"c1", JAN + 10, 0, "t1", 10, N, N, "Norte", NULL, "a", "bien"},
	{"c2", JAN + 20, 0, "t1", 9, N, N, "Sur", NULL, "b", NULL},
	{"c3", JAN + 30, 0, "t1", 8, N, N, "Norte", NULL, "c", NULL},
	{"c4", JAN + 40, 0, "t1", 3, N, N, "Sur", NULL, "d", "mal"},
	{"c5", FEB + 10, 0, "t1", 10, N, N, "Norte", NULL, "e", NULL},
	{"c6", FEB + 20, 0, "t1", 10, N, N, "Norte", NULL, "f", NULL},
	{"c7", JAN + 50, 0, "t2", 0, N, N, "Sur", NULL, "g", NULL},
	{"c8", APR + 10, 0, "t3", N, 5, 7, NULL, NULL, "h", NULL},
	{"c9", APR + 20, 0, "t3", N, 4, 5, NULL, NULL, "i", NULL},
	{"c10", APR + 30, 0, "t3", N, 2, N, NULL, NULL, "j", NULL},
	{"e1", JAN, 1, NULL, 9, N, N, NULL, "A", "e1", NULL},
	{"e2", JAN, 1, NULL, 9, N, N, NULL, "A", "e2", NULL},
	{"e3", JAN, 1, NULL, 9, N, N, NULL, "A", "e3", NULL},
	{"e4", JAN, 1, NULL, 7, N, N, NULL, "A", "e4", NULL},
	{"e5", JAN, 1, NULL, 0, N, N, NULL, "A", "e5", NULL},
	{"e6", JAN, 1, NULL, 10, N, N, NULL, "B", "e6", NULL},
	{"e7", JAN, 1, NULL, 10, N, N, NULL, "B", "e7", NULL},
	{"e8", FEB, 1, NULL, 10, N, N, NULL, "B", "e6", NULL},
	{"l1", JAN, 2, "t1", 0, N, N, "Norte", NULL, "l1", NULL},
};

static void insert(struct tp_store *s, const struct row *w)
{
	struct tp_attr attrs[2];
	struct tp_response r;
	tp_response_init(&r);
	r.response_id = w->id;
	r.submitted_at = w->at;
	r.respondent_type = (enum tp_respondent_type)w->type;
	r.respondent_id = w->who;
	r.touchpoint = w->tp;
	r.nps = w->nps;
	r.csat = w->csat;
	r.ces = w->ces;
	r.comment = w->comment;
	if (w->region)
		attrs[r.n_attrs++] = (struct tp_attr){"region", w->region};
	if (w->team)
		attrs[r.n_attrs++] = (struct tp_attr){"team", w->team};
	r.attrs = attrs;
	bool inserted;
	struct tp_error err;
	assert_int_equal(tp_store_response_insert(s, &r, &inserted, &err), TP_OK);
}

struct fixture {
	struct tp_store *store;
	struct tp_dataset *ds;
};

static int setup(void **state)
{
	if (tp_test_tmp_path(db_path, sizeof db_path, "tp-report"))
		return -1;
	struct fixture *f = calloc(1, sizeof *f);
	struct tp_error err;
	struct tp_journey *j = NULL;
	if (tp_store_open(db_path, TP_STORE_CREATE, &f->store, &err) ||
	    tp_journey_from_json(journey_json, strlen(journey_json), &j, &err) ||
	    tp_store_journey_replace(f->store, j, false, NULL, &err))
		return -1;
	tp_journey_free(j);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		insert(f->store, &rows[i]);
	if (tp_dataset_open(f->store, &f->ds, &err))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	tp_dataset_free(f->ds);
	tp_store_close(f->store);
	free(f);
	tp_test_tmp_remove_db(db_path);
	return 0;
}

static struct tp_report *run(struct fixture *f, const char *metric, const char *by1,
			     const char *by2)
{
	struct tp_query q;
	tp_query_init(&q);
	assert_true(tp_metric_parse(metric, &q.metric));
	if (by1)
		assert_true(tp_by_parse(by1, &q.by[q.n_by++]));
	if (by2)
		assert_true(tp_by_parse(by2, &q.by[q.n_by++]));
	struct tp_report *r = NULL;
	struct tp_error err;
	assert_int_equal(tp_report_run(f->ds, &q, &r, &err), TP_OK);
	return r;
}

#define assert_near(a, b) assert_true(fabs((a) - (b)) < 1e-9)

static void nps_by_touchpoint_counts_customers_only(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(tp_dataset_size(f->ds), 19);
	struct tp_report *r = run(f, "nps", "touchpoint", NULL);
	assert_int_equal(r->n_groups, 2); /* t3 has no NPS answers */
	assert_string_equal(r->groups[0].key[0], "t1");
	assert_int_equal(r->groups[0].n, 6); /* the leader's 0 is not counted */
	assert_int_equal(r->groups[0].nps.promoters, 4);
	assert_int_equal(r->groups[0].nps.passives, 1);
	assert_int_equal(r->groups[0].nps.detractors, 1);
	assert_near(r->groups[0].estimate.value, 50.0); /* (4 - 1) / 6 */
	assert_true(r->groups[0].small);
	assert_string_equal(r->groups[1].key[0], "t2");
	assert_near(r->groups[1].estimate.value, -100.0);
	tp_report_free(r);
}

static void months_compare_with_the_previous_one(void **state)
{
	struct fixture *f = *state;
	struct tp_report *r = run(f, "nps", "touchpoint", "month");
	/* t1 Jan, t1 Feb, t2 Jan: the dense order puts t1's months first. */
	assert_int_equal(r->n_groups, 3);
	assert_string_equal(r->groups[0].key[1], "2026-01");
	assert_near(r->groups[0].estimate.value, 25.0);
	assert_false(r->groups[0].has_change);
	assert_string_equal(r->groups[1].key[1], "2026-02");
	assert_near(r->groups[1].estimate.value, 100.0);
	assert_true(r->groups[1].has_change);
	assert_string_equal(r->groups[1].change_vs, "2026-01");
	assert_near(r->groups[1].change.diff, 75.0);
	assert_string_equal(r->groups[2].key[0], "t2");
	tp_report_free(r);
	r = run(f, "nps", "quarter", NULL);
	assert_int_equal(r->n_groups, 1);
	assert_string_equal(r->groups[0].key[0], "2026-Q1");
	assert_int_equal(r->groups[0].n, 7);
	tp_report_free(r);
}

static void phase_channel_and_attribute_dimensions(void **state)
{
	struct fixture *f = *state;
	struct tp_report *r = run(f, "nps", "phase", "channel");
	assert_int_equal(r->n_groups, 2);
	assert_string_equal(r->groups[0].key[0], "p1");
	assert_string_equal(r->groups[0].key[1], "web");
	assert_string_equal(r->groups[1].key[1], "app");
	tp_report_free(r);
	r = run(f, "nps", "attr:region", NULL);
	/* Norte: 10, 8, 10, 10 -> P 3, D 0 -> 75; Sur: 9, 3, 0 -> P 1, D 2 -> -33.33 */
	assert_int_equal(r->n_groups, 2);
	assert_string_equal(r->groups[0].key[0], "Norte");
	assert_near(r->groups[0].estimate.value, 75.0);
	assert_string_equal(r->groups[1].key[0], "Sur");
	assert_near(r->groups[1].estimate.value, -100.0 / 3.0);
	tp_report_free(r);
}

static void filters_and_periods(void **state)
{
	struct fixture *f = *state;
	struct tp_query q;
	tp_query_init(&q);
	struct tp_report *r = NULL;
	struct tp_error err;
	q.n_where = 2;
	q.where[0] = (struct tp_where){"region", "Norte"};
	q.where[1] = (struct tp_where){"touchpoint", "t1"};
	assert_int_equal(tp_report_run(f->ds, &q, &r, &err), TP_OK);
	assert_int_equal(r->n_groups, 1);
	assert_int_equal(r->groups[0].n, 4); /* c1 c3 c5 c6 */
	tp_report_free(r);
	q.where[0] = (struct tp_where){"region", "Sur"};
	q.where[1] = (struct tp_where){"region", "Norte"}; /* same name: either */
	q.has_from = true;
	q.from = FEB;
	assert_int_equal(tp_report_run(f->ds, &q, &r, &err), TP_OK);
	assert_int_equal(r->groups[0].n, 2); /* c5 c6 */
	tp_report_free(r);
	q.where[1] = (struct tp_where){"region", "Oeste"}; /* unknown value: matches nothing */
	q.n_where = 1;
	q.where[0] = q.where[1];
	assert_int_equal(tp_report_run(f->ds, &q, &r, &err), TP_OK);
	assert_int_equal(r->n_groups, 0);
	tp_report_free(r);
}

static void bad_queries_are_refused(void **state)
{
	struct fixture *f = *state;
	struct tp_query q;
	tp_query_init(&q);
	struct tp_report *r = NULL;
	struct tp_error err;
	q.n_by = 1;
	tp_by_parse("attr:segmento", &q.by[0]);
	assert_int_equal(tp_report_run(f->ds, &q, &r, &err), TP_EINPUT);
	assert_non_null(strstr(err.message, "no segment attribute \"segmento\" (known: region, team)"));
	q.n_by = 0;
	q.n_where = 1;
	q.where[0] = (struct tp_where){"touchpoint", "t9"};
	assert_int_equal(tp_report_run(f->ds, &q, &r, &err), TP_EINPUT);
	assert_non_null(strstr(err.message, "no touchpoint \"t9\""));
	q.n_where = 0;
	q.has_from = q.has_to = true;
	q.from = q.to = FEB;
	assert_int_equal(tp_report_run(f->ds, &q, &r, &err), TP_EINPUT);
	q.has_from = q.has_to = false;
	q.n_by = 2;
	tp_by_parse("month", &q.by[0]);
	tp_by_parse("quarter", &q.by[1]);
	assert_int_equal(tp_report_run(f->ds, &q, &r, &err), TP_EINPUT);
	assert_null(r);
}

static void enps_hides_small_teams(void **state)
{
	struct fixture *f = *state;
	struct tp_report *r = run(f, "enps", "attr:team", NULL);
	assert_int_equal(r->n_groups, 1);
	assert_int_equal(r->hidden, 1); /* team B: 3 answers from 2 people */
	assert_string_equal(r->groups[0].key[0], "A");
	assert_near(r->groups[0].estimate.value, 40.0);
	tp_report_free(r);
}

static void csat_ces_responses_and_comments(void **state)
{
	struct fixture *f = *state;
	struct tp_report *r = run(f, "csat", NULL, NULL);
	assert_int_equal(r->n_groups, 1);
	assert_int_equal(r->groups[0].successes, 2);
	assert_near(r->groups[0].estimate.value, 200.0 / 3.0);
	tp_report_free(r);
	r = run(f, "ces", NULL, NULL);
	assert_near(r->groups[0].estimate.value, 6.0);
	assert_near(r->groups[0].sd, sqrt(2.0)); /* ((7-6)^2 + (5-6)^2) / 1 */
	tp_report_free(r);
	r = run(f, "responses", "touchpoint", NULL);
	assert_int_equal(r->n_groups, 3);
	assert_near(r->groups[0].estimate.value, 6.0);
	assert_near(r->groups[2].estimate.value, 3.0);
	tp_report_free(r);
	r = run(f, "comment_rate", NULL, NULL);
	assert_int_equal(r->groups[0].n, 10);
	assert_int_equal(r->groups[0].successes, 2);
	assert_near(r->groups[0].estimate.value, 20.0);
	tp_report_free(r);
}

static void refresh_appends_new_answers(void **state)
{
	struct fixture *f = *state;
	static const struct row more[] = {
		{"c11", FEB + 30, 0, "t2", 10, N, N, "Este", NULL, "k", NULL},
	};
	insert(f->store, &more[0]);
	int64_t added = -1;
	struct tp_error err;
	assert_int_equal(tp_dataset_refresh(f->ds, f->store, &added, &err), TP_OK);
	assert_int_equal(added, 1);
	assert_int_equal(tp_dataset_size(f->ds), 20);
	struct tp_report *r = run(f, "nps", "attr:region", NULL);
	assert_int_equal(r->n_groups, 3);
	assert_string_equal(r->groups[0].key[0], "Este"); /* a new value, sorted first */
	tp_report_free(r);
	assert_int_equal(tp_dataset_refresh(f->ds, f->store, &added, &err), TP_OK);
	assert_int_equal(added, 0);
}

static void baseline_comparison(void **state)
{
	struct fixture *f = *state;
	struct tp_query q;
	tp_query_init(&q);
	q.n_by = 1;
	tp_by_parse("touchpoint", &q.by[0]);
	q.has_from = true;
	q.from = FEB;
	q.has_baseline = true;
	q.base_from = JAN;
	q.base_to = FEB;
	struct tp_report *r = NULL;
	struct tp_error err;
	assert_int_equal(tp_report_run(f->ds, &q, &r, &err), TP_OK);
	assert_int_equal(r->n_groups, 1);
	assert_true(r->groups[0].has_change);
	assert_string_equal(r->groups[0].change_vs, "baseline");
	assert_near(r->groups[0].change.diff, 75.0);
	tp_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(nps_by_touchpoint_counts_customers_only, setup,
						teardown),
		cmocka_unit_test_setup_teardown(months_compare_with_the_previous_one, setup, teardown),
		cmocka_unit_test_setup_teardown(phase_channel_and_attribute_dimensions, setup,
						teardown),
		cmocka_unit_test_setup_teardown(filters_and_periods, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_queries_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(enps_hides_small_teams, setup, teardown),
		cmocka_unit_test_setup_teardown(csat_ces_responses_and_comments, setup, teardown),
		cmocka_unit_test_setup_teardown(refresh_appends_new_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(baseline_comparison, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
