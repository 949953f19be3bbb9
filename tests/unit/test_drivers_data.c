/* Unit tests for query/drivers_data.c: reading attribute values as
 * numbers, the two shapes of observations on a small store worked out by
 * hand, performance and quadrants. */
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

#include "touchpoint/drivers_data.h"
#include "unit/tp_test_tmp.h"

static char db_path[512];

static const char journey_json[] =
	"{\"name\": \"J\", \"phases\": [{\"id\": \"p1\", \"name\": \"Uno\"}],"
	" \"channels\": [{\"id\": \"web\", \"name\": \"Web\"}],"
	" \"touchpoints\": [{\"id\": \"t1\", \"phase\": \"p1\", \"channel\": \"web\","
	" \"name\": \"A\"},"
	" {\"id\": \"t2\", \"phase\": \"p1\", \"channel\": \"web\", \"name\": \"B\"},"
	" {\"id\": \"t3\", \"phase\": \"p1\", \"channel\": \"web\", \"name\": \"C\"}]}";

#define N TP_SCORE_NONE
#define JAN 1767225600 /* 2026-01-01T00:00:00Z */

struct row {
	const char *id, *who, *tp;
	int type, nps;
	const char *speed, *kind;
};

/* Wide rows (no touchpoint): r1-r4 customers, e1 an employee (ignored).
 * Respondent a: t1 8 and 6 (mean 7), t2 9, relationship 10 and 8 (9).
 * Respondent b: t1 5, relationship 4; t2 not answered. One touchpoint
 * answer without respondent: unlinked. */
static const struct row rows[] = {
	{"r1", "w1", NULL, 0, 9, "4", "x"},     {"r2", "w2", NULL, 0, 7, "3,5", "y"},
	{"r3", "w3", NULL, 0, N, " 2.5 ", "z"}, {"r4", "w4", NULL, 0, 3, "n/a", "x"},
	{"e1", "w5", NULL, 1, 0, "1", "x"},     {"a1", "a", "t1", 0, 8, NULL, NULL},
	{"a2", "a", "t1", 0, 6, NULL, NULL},    {"a3", "a", "t2", 0, 9, NULL, NULL},
	{"a4", "a", NULL, 0, 10, NULL, NULL},   {"a5", "a", NULL, 0, 8, NULL, NULL},
	{"b1", "b", "t1", 0, 5, NULL, NULL},    {"b2", "b", NULL, 0, 4, NULL, NULL},
	{"u1", NULL, "t2", 0, 1, NULL, NULL},
};

struct fixture {
	struct tp_store *store;
	struct tp_dataset *ds;
};

static void insert(struct tp_store *s, const struct row *w)
{
	struct tp_attr attrs[2];
	struct tp_response r;
	tp_response_init(&r);
	r.response_id = w->id;
	r.submitted_at = JAN;
	r.respondent_type = (enum tp_respondent_type)w->type;
	r.respondent_id = w->who;
	r.touchpoint = w->tp;
	r.nps = w->nps;
	if (w->speed)
		attrs[r.n_attrs++] = (struct tp_attr){"speed", w->speed};
	if (w->kind)
		attrs[r.n_attrs++] = (struct tp_attr){"kind", w->kind};
	r.attrs = attrs;
	bool inserted;
	struct tp_error err;
	assert_int_equal(tp_store_response_insert(s, &r, &inserted, &err), TP_OK);
}

static int setup(void **state)
{
	if (tp_test_tmp_path(db_path, sizeof db_path, "tp-drivers"))
		return -1;
	struct fixture *f = calloc(1, sizeof *f);
	struct tp_error err;
	struct tp_journey *j = NULL;
	if (!f || tp_store_open(db_path, TP_STORE_CREATE, &f->store, &err) ||
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

static void test_numbers(void **state)
{
	(void)state;
	double v = -1;
	assert_true(tp_drivers_number("4", &v));
	assert_true(v == 4.0);
	assert_true(tp_drivers_number(" 3,5 ", &v));
	assert_true(v == 3.5);
	assert_true(tp_drivers_number("-2.25", &v));
	assert_true(v == -2.25);
	const char *bad[] = {"", " ", "n/a", "3,", ",5", "1.2.3", "1,2,3", "0x10", "inf",
			     "nan", "1e3", "4 estrellas", "+", "-"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(tp_drivers_number(bad[i], &v));
	assert_true(v == -2.25);
}

static void test_attributes(void **state)
{
	struct fixture *f = *state;
	const char *attrs[] = {"speed"};
	struct tp_drivers_spec spec = {.shape = TP_DRIVERS_ATTRIBUTES, .outcome = TP_METRIC_NPS,
				       .n_attrs = 1, .attrs = attrs};
	struct tp_drivers_data *d = NULL;
	struct tp_error err;
	assert_int_equal(tp_drivers_data_build(f->ds, &spec, &d, &err), TP_OK);
	/* Every customer response is an observation: 4 wide + 8 touchpoint rows. */
	assert_int_equal(d->n_rows, 12);
	assert_int_equal(d->p, 1);
	assert_string_equal(d->names[0], "attr:speed");
	assert_true(d->y[0] == 9.0 && d->x[0] == 4.0);
	assert_true(d->y[1] == 7.0 && d->x[1] == 3.5);
	assert_true(isnan(d->y[2]) && d->x[2] == 2.5);
	assert_true(d->y[3] == 3.0 && isnan(d->x[3]));
	assert_true(isnan(d->x[4]));
	assert_true(d->scale_lo[0] == 2.5 && d->scale_hi[0] == 4.0);
	/* Complete: r1 and r2 -> mean 3.75, (3.75 - 2.5) / 1.5 = 83.33 %. */
	double mean, pct;
	tp_drivers_performance(d, &mean, &pct);
	assert_true(fabs(mean - 3.75) < 1e-12);
	assert_true(fabs(pct - 250.0 / 3.0) < 1e-9);
	tp_drivers_data_free(d);
}

static void test_attribute_errors(void **state)
{
	struct fixture *f = *state;
	const char *unknown[] = {"nope"}, *text[] = {"kind"};
	struct tp_drivers_spec spec = {.shape = TP_DRIVERS_ATTRIBUTES, .outcome = TP_METRIC_NPS,
				       .n_attrs = 1, .attrs = unknown};
	struct tp_drivers_data *d = NULL;
	struct tp_error err;
	assert_int_equal(tp_drivers_data_build(f->ds, &spec, &d, &err), TP_EINPUT);
	assert_non_null(strstr(err.message, "\"nope\""));
	assert_null(d);
	spec.attrs = text;
	assert_int_equal(tp_drivers_data_build(f->ds, &spec, &d, &err), TP_EINPUT);
	assert_non_null(strstr(err.message, "no numeric value"));
	spec.attrs = unknown;
	spec.n_attrs = 0;
	assert_int_equal(tp_drivers_data_build(f->ds, &spec, &d, &err), TP_EINPUT);
	struct tp_query q;
	tp_query_init(&q);
	q.n_where = 1;
	q.where[0] = (struct tp_where){"touchpoint", "t9"};
	spec.filter = &q;
	spec.attrs = (const char *const[]){"speed"};
	spec.n_attrs = 1;
	assert_int_equal(tp_drivers_data_build(f->ds, &spec, &d, &err), TP_EINPUT);
}

static const double *find_row(const struct tp_drivers_data *d, double y)
{
	for (size_t r = 0; r < d->n_rows; r++)
		if (d->y[r] == y)
			return d->x + r * d->p;
	return NULL;
}

static void test_touchpoints(void **state)
{
	struct fixture *f = *state;
	struct tp_drivers_spec spec = {.shape = TP_DRIVERS_TOUCHPOINTS, .outcome = TP_METRIC_NPS};
	struct tp_drivers_data *d = NULL;
	struct tp_error err;
	assert_int_equal(tp_drivers_data_build(f->ds, &spec, &d, &err), TP_OK);
	/* Respondents: w1-w4 (no touchpoint answers), a and b; t3 unanswered. */
	assert_int_equal(d->n_rows, 6);
	assert_int_equal(d->p, 2);
	assert_string_equal(d->names[0], "t1");
	assert_string_equal(d->names[1], "t2");
	assert_int_equal(d->unlinked, 1);
	assert_true(d->scale_lo[0] == 0.0 && d->scale_hi[0] == 10.0);
	const double *a = find_row(d, 9.0), *b = find_row(d, 4.0);
	assert_non_null(a);
	assert_non_null(b);
	assert_true(a[0] == 7.0 && a[1] == 9.0);
	assert_true(b[0] == 5.0 && isnan(b[1]));
	tp_drivers_data_free(d);

	spec.has_driver_metric = true;
	spec.driver_metric = TP_METRIC_CSAT; /* no CSAT answers at all */
	assert_int_equal(tp_drivers_data_build(f->ds, &spec, &d, &err), TP_EINPUT);
	assert_null(d);
}

static void test_quadrants(void **state)
{
	(void)state;
	const double imp[] = {0.4, 0.3, 0.1, 0.0};
	const double pct[] = {20.0, 80.0, 90.0, 10.0};
	const char *q[4];
	tp_drivers_quadrants(imp, pct, 4, q);
	/* Means: importance 0.2, performance 50. */
	assert_string_equal(q[0], "fix first");
	assert_string_equal(q[1], "keep up");
	assert_string_equal(q[2], "possible overkill");
	assert_string_equal(q[3], "low priority");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_attributes),
		cmocka_unit_test(test_attribute_errors),
		cmocka_unit_test(test_touchpoints),
		cmocka_unit_test(test_quadrants),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
