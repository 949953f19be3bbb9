/* Unit tests for stats/drivers.c. The hand-checked cases work out
 * correlations from sums of products in the comment above each assertion;
 * the general cases check the identities of the two decompositions (the
 * shares sum to R^2) and the conventions of include/touchpoint/drivers.h.
 * Numerical agreement with independent implementations on larger data is
 * the job of tests/stats/check_drivers.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/drivers.h"

#define TOL 1e-12

#define assert_near(a, b) assert_true(fabs((a) - (b)) < TOL)

/* --- helpers --- */

static struct tp_drivers_options no_bootstrap(void)
{
	struct tp_drivers_options o;
	tp_drivers_options_init(&o);
	o.bootstrap = 0;
	return o;
}

static struct tp_drivers_result *fit_ok(const double *y, const double *x, size_t n, size_t p,
					const struct tp_drivers_options *o)
{
	struct tp_drivers_result *r = NULL;
	struct tp_error err = {0};
	assert_int_equal(tp_drivers_fit(y, x, n, p, o, &r, &err), TP_OK);
	assert_non_null(r);
	return r;
}

static void assert_all_finite(const struct tp_drivers_result *r)
{
	assert_true(isfinite(r->r2));
	for (size_t j = 0; j < r->p; j++) {
		const struct tp_driver_share *d = &r->drivers[j];
		assert_true(isfinite(d->relative_weight) && isfinite(d->rw_lo) &&
			    isfinite(d->rw_hi));
		assert_true(isfinite(d->shapley) && isfinite(d->sh_lo) && isfinite(d->sh_hi));
	}
}

/* Both decompositions add up to the model's R^2. */
static void assert_sums(const struct tp_drivers_result *r)
{
	double rw = 0.0, sh = 0.0;
	for (size_t j = 0; j < r->p; j++) {
		rw += r->drivers[j].relative_weight;
		sh += r->drivers[j].shapley;
	}
	assert_near(rw, r->r2);
	if (r->drivers[0].has_shapley)
		assert_near(sh, r->r2);
}

/* Deterministic, correlated pseudo-data: n rows, p drivers sharing a
 * common component, y a linear combination plus a disturbance. */
static void make_data(size_t n, size_t p, double *y, double *x)
{
	for (size_t i = 0; i < n; i++) {
		double common = sin(0.37 * (double)i + 0.1);
		y[i] = cos(1.3 * (double)i);
		for (size_t j = 0; j < p; j++) {
			double v = sin(0.71 * (double)(i * (j + 2)) + (double)j) + 0.5 * common;
			x[i * p + j] = v * (double)(j + 1);
			y[i] += v / (double)(j + 1);
		}
	}
}

/* x = 1..5, y = 2 1 4 3 5: deviations (-2 -1 0 1 2) and (-1 -2 1 0 2),
 * Sxy = 2 + 2 + 0 + 0 + 4 = 8, Sxx = 10, Syy = 1 + 4 + 1 + 0 + 4 = 10,
 * r = 0.8, r^2 = 0.64. */
static const double Y5[] = {2, 1, 4, 3, 5};
static const double X5[] = {1, 2, 3, 4, 5};

/* --- hand-checked cases --- */

static void one_driver(void **state)
{
	(void)state;
	struct tp_drivers_options o = no_bootstrap();
	struct tp_drivers_result *r = fit_ok(Y5, X5, 5, 1, &o);

	assert_int_equal(r->n, 5);
	assert_int_equal(r->dropped, 0);
	assert_int_equal(r->p, 1);
	assert_near(r->r2, 0.64);
	assert_near(r->drivers[0].relative_weight, 0.64);
	assert_true(r->drivers[0].has_shapley);
	assert_near(r->drivers[0].shapley, 0.64);
	assert_null(r->drivers[0].note);
	assert_string_equal(r->message, "");
	/* Without bootstrap the interval is the point. */
	assert_true(r->drivers[0].rw_lo == r->drivers[0].relative_weight);
	assert_true(r->drivers[0].rw_hi == r->drivers[0].relative_weight);
	assert_true(r->drivers[0].sh_lo == r->drivers[0].shapley);
	assert_true(r->drivers[0].sh_hi == r->drivers[0].shapley);
	tp_drivers_free(r);
}

/* x1 = (1 1 -1 -1), x2 = (1 -1 1 -1): centred and orthogonal, Sxx = 4.
 * y = (4 1 2 0), mean 1.75, deviations (2.25 -0.75 0.25 -1.75), Syy = 8.75.
 * Sx1y = 2.25 - 0.75 - 0.25 + 1.75 = 3, Sx2y = 2.25 + 0.75 + 0.25 + 1.75 = 5.
 * r1^2 = 9 / 35, r2^2 = 25 / 35, R^2 = 34 / 35 (orthogonal drivers add). */
static void two_orthogonal_drivers(void **state)
{
	(void)state;
	const double y[] = {4, 1, 2, 0};
	const double x[] = {1, 1, 1, -1, -1, 1, -1, -1};
	struct tp_drivers_options o = no_bootstrap();
	struct tp_drivers_result *r = fit_ok(y, x, 4, 2, &o);

	assert_near(r->r2, 34.0 / 35.0);
	assert_near(r->drivers[0].relative_weight, 9.0 / 35.0);
	assert_near(r->drivers[1].relative_weight, 25.0 / 35.0);
	assert_near(r->drivers[0].shapley, 9.0 / 35.0);
	assert_near(r->drivers[1].shapley, 25.0 / 35.0);
	assert_sums(r);
	tp_drivers_free(r);
}

/* Scaling or shifting a driver or the outcome changes nothing. */
static void invariant_to_scale(void **state)
{
	(void)state;
	double y[5], x[5];
	for (int i = 0; i < 5; i++) {
		y[i] = -1e200 * Y5[i];
		x[i] = 1e-150 * X5[i] + 3e-150;
	}
	struct tp_drivers_options o = no_bootstrap();
	struct tp_drivers_result *r = fit_ok(y, x, 5, 1, &o);
	assert_near(r->r2, 0.64);
	assert_near(r->drivers[0].relative_weight, 0.64);
	tp_drivers_free(r);
}

static void sums_equal_r2(void **state)
{
	(void)state;
	enum { N = 200, P = 6 };
	double y[N], x[N * P];
	make_data(N, P, y, x);
	struct tp_drivers_options o = no_bootstrap();
	for (size_t p = 1; p <= P; p++) {
		double xp[N * P];
		for (size_t i = 0; i < N; i++)
			memcpy(xp + i * p, x + i * P, p * sizeof *xp);
		struct tp_drivers_result *r = fit_ok(y, xp, N, p, &o);
		assert_true(r->r2 > 0.0 && r->r2 < 1.0);
		assert_sums(r);
		assert_all_finite(r);
		tp_drivers_free(r);
	}
}

/* --- edge cases --- */

/* A constant driver is left out: the other's shares are those of the
 * one-driver model (0.64), its own are 0 with the note. */
static void constant_driver(void **state)
{
	(void)state;
	double x[10];
	for (int i = 0; i < 5; i++) {
		x[2 * i] = 4.2;
		x[2 * i + 1] = X5[i];
	}
	struct tp_drivers_options o;
	tp_drivers_options_init(&o);
	o.bootstrap = 50;
	struct tp_drivers_result *r = fit_ok(Y5, x, 5, 2, &o);
	assert_near(r->r2, 0.64);
	assert_true(r->drivers[0].relative_weight == 0.0 && r->drivers[0].shapley == 0.0);
	assert_true(r->drivers[0].rw_lo == 0.0 && r->drivers[0].rw_hi == 0.0);
	assert_true(r->drivers[0].sh_lo == 0.0 && r->drivers[0].sh_hi == 0.0);
	assert_string_equal(r->drivers[0].note, "constant");
	assert_near(r->drivers[1].relative_weight, 0.64);
	assert_near(r->drivers[1].shapley, 0.64);
	assert_null(r->drivers[1].note);
	assert_all_finite(r);
	tp_drivers_free(r);
}

/* x2 = 3 - 2 x1 is perfectly (negatively) correlated with x1: R^2 stays
 * 0.64 and the two split it equally in both methods (R = [1 -1; -1 1] has
 * eigenvalues 2 and 0; on the kept eigenvector (1, -1) / sqrt 2,
 * Lambda = [1 -1; -1 1] / sqrt 2 and beta = (0.8, -0.8) / sqrt 2, so
 * eps_j = 2 (1/2)(0.32) = 0.32; Shapley: R^2 of {1}, {2} and {1, 2} are all
 * 0.64, so each gets (0.64 + 0) / 2). */
static void collinear_pair(void **state)
{
	(void)state;
	double x[10];
	for (int i = 0; i < 5; i++) {
		x[2 * i] = X5[i];
		x[2 * i + 1] = 3.0 - 2.0 * X5[i];
	}
	struct tp_drivers_options o = no_bootstrap();
	struct tp_drivers_result *r = fit_ok(Y5, x, 5, 2, &o);
	assert_all_finite(r);
	assert_near(r->r2, 0.64);
	for (int j = 0; j < 2; j++) {
		assert_near(r->drivers[j].relative_weight, 0.32);
		assert_near(r->drivers[j].shapley, 0.32);
		assert_string_equal(r->drivers[j].note, "collinear with another driver");
	}
	assert_sums(r);
	tp_drivers_free(r);
}

/* x3 = x1 + x2 on correlated data: finite shares adding up to R^2, all
 * three noted; a fourth independent driver is not. The R^2 is that of the
 * model on x1, x2, x4. */
static void collinear_triple(void **state)
{
	(void)state;
	enum { N = 60 };
	double y[N], x3[N * 3], x[N * 4];
	make_data(N, 3, y, x3);
	for (size_t i = 0; i < N; i++) {
		x[4 * i] = x3[3 * i];
		x[4 * i + 1] = x3[3 * i + 1];
		x[4 * i + 2] = x3[3 * i] + x3[3 * i + 1];
		x[4 * i + 3] = x3[3 * i + 2];
	}
	struct tp_drivers_options o;
	tp_drivers_options_init(&o);
	o.bootstrap = 100;
	struct tp_drivers_result *r = fit_ok(y, x, N, 4, &o);
	struct tp_drivers_result *ref = fit_ok(y, x3, N, 3, &o);
	assert_all_finite(r);
	assert_sums(r);
	assert_near(r->r2, ref->r2);
	for (int j = 0; j < 3; j++)
		assert_string_equal(r->drivers[j].note, "collinear with another driver");
	assert_null(r->drivers[3].note);
	tp_drivers_free(ref);
	tp_drivers_free(r);
}

static void too_few_observations(void **state)
{
	(void)state;
	struct tp_drivers_result *r = NULL;
	struct tp_error err = {0};
	double x[15];
	make_data(5, 3, (double[5]){0}, x);
	/* p = 3 needs 5 complete rows; 4 given. */
	assert_int_equal(tp_drivers_fit(Y5, x, 4, 3, NULL, &r, &err), TP_EINPUT);
	assert_null(r);
	assert_non_null(strstr(err.message, "n smaller than the number of drivers"));
	/* 5 rows, but one has a missing value. */
	double y[5];
	memcpy(y, Y5, sizeof y);
	y[2] = NAN;
	assert_int_equal(tp_drivers_fit(y, x, 5, 3, NULL, &r, &err), TP_EINPUT);
	assert_null(r);
}

static void no_drivers(void **state)
{
	(void)state;
	struct tp_drivers_result *r = NULL;
	struct tp_error err = {0};
	assert_int_equal(tp_drivers_fit(Y5, X5, 5, 0, NULL, &r, &err), TP_EINPUT);
	assert_null(r);
	assert_true(err.message[0] != '\0');
}

static void constant_outcome(void **state)
{
	(void)state;
	struct tp_drivers_result *r = NULL;
	struct tp_error err = {0};
	const double y[] = {3, 3, 3, 3, 3};
	assert_int_equal(tp_drivers_fit(y, X5, 5, 1, NULL, &r, &err), TP_EINPUT);
	assert_null(r);
	assert_non_null(strstr(err.message, "constant"));
}

/* Rows with NaN (or an infinity) anywhere are dropped and counted; the
 * rest give the 0.64 of the complete case. */
static void missing_values(void **state)
{
	(void)state;
	const double y[] = {2, NAN, 1, 4, 7, 3, 5, 8};
	const double x[] = {1, 6, 2, 3, INFINITY, 4, 5, NAN};
	struct tp_drivers_options o = no_bootstrap();
	struct tp_drivers_result *r = fit_ok(y, x, 8, 1, &o);
	assert_int_equal(r->n, 5);
	assert_int_equal(r->dropped, 3);
	assert_near(r->r2, 0.64);
	assert_near(r->drivers[0].relative_weight, 0.64);
	tp_drivers_free(r);
}

/* 17 drivers: relative weights only, with the reason in the message. */
static void beyond_exact_limit(void **state)
{
	(void)state;
	enum { N = 80, P = TP_SHAPLEY_EXACT_MAX + 1 };
	double *y = malloc(N * sizeof *y), *x = malloc(N * P * sizeof *x);
	assert_non_null(y);
	assert_non_null(x);
	make_data(N, P, y, x);
	struct tp_drivers_options o;
	tp_drivers_options_init(&o);
	o.bootstrap = 20;
	struct tp_drivers_result *r = fit_ok(y, x, N, P, &o);
	assert_int_equal(r->p, P);
	for (size_t j = 0; j < P; j++) {
		assert_false(r->drivers[j].has_shapley);
		assert_true(r->drivers[j].shapley == 0.0);
	}
	assert_non_null(strstr(r->message, "2^p"));
	assert_non_null(strstr(r->message, "16"));
	assert_sums(r);
	assert_all_finite(r);
	tp_drivers_free(r);
	free(x);
	free(y);
}

/* 16 drivers: exact Shapley values still computed. */
static void at_exact_limit(void **state)
{
	(void)state;
	enum { N = 80, P = TP_SHAPLEY_EXACT_MAX };
	double *y = malloc(N * sizeof *y), *x = malloc(N * P * sizeof *x);
	assert_non_null(y);
	assert_non_null(x);
	make_data(N, P, y, x);
	struct tp_drivers_options o = no_bootstrap();
	struct tp_drivers_result *r = fit_ok(y, x, N, P, &o);
	assert_true(r->drivers[0].has_shapley);
	assert_string_equal(r->message, "");
	assert_sums(r);
	tp_drivers_free(r);
	free(x);
	free(y);
}

/* --- bootstrap --- */

static void options_defaults(void **state)
{
	(void)state;
	struct tp_drivers_options o;
	memset(&o, 0xff, sizeof o);
	tp_drivers_options_init(&o);
	assert_int_equal(o.bootstrap, 1000);
	assert_true(o.seed == 1);
	assert_true(o.level == 0.95);
}

static bool same_result(const struct tp_drivers_result *a, const struct tp_drivers_result *b)
{
	if (a->p != b->p || a->r2 != b->r2)
		return false;
	for (size_t j = 0; j < a->p; j++) {
		const struct tp_driver_share *x = &a->drivers[j], *y = &b->drivers[j];
		if (x->rw_lo != y->rw_lo || x->rw_hi != y->rw_hi || x->sh_lo != y->sh_lo ||
		    x->sh_hi != y->sh_hi)
			return false;
	}
	return true;
}

static void bootstrap_deterministic(void **state)
{
	(void)state;
	enum { N = 100, P = 3 };
	double y[N], x[N * P];
	make_data(N, P, y, x);
	struct tp_drivers_options o;
	tp_drivers_options_init(&o);
	o.bootstrap = 200;
	o.seed = 12345;
	struct tp_drivers_result *a = fit_ok(y, x, N, P, &o);
	struct tp_drivers_result *b = fit_ok(y, x, N, P, &o);
	o.seed = 12346;
	struct tp_drivers_result *c = fit_ok(y, x, N, P, &o);
	assert_true(same_result(a, b));
	assert_false(same_result(a, c));
	tp_drivers_free(a);
	tp_drivers_free(b);
	tp_drivers_free(c);
}

/* Strong drivers: each interval brackets its estimate, and a wider level
 * gives a wider interval. An invalid level means 0.95. */
static void intervals_contain_estimate(void **state)
{
	(void)state;
	enum { N = 300, P = 3 };
	double y[N], x[N * P];
	make_data(N, P, y, x);
	struct tp_drivers_options o;
	tp_drivers_options_init(&o);
	o.bootstrap = 400;
	struct tp_drivers_result *r = fit_ok(y, x, N, P, &o);
	o.level = 0.5;
	struct tp_drivers_result *narrow = fit_ok(y, x, N, P, &o);
	o.level = 95.0;
	struct tp_drivers_result *fixed = fit_ok(y, x, N, P, &o);
	assert_all_finite(r);
	for (size_t j = 0; j < P; j++) {
		const struct tp_driver_share *d = &r->drivers[j], *e = &narrow->drivers[j];
		assert_true(d->rw_lo <= d->relative_weight && d->relative_weight <= d->rw_hi);
		assert_true(d->sh_lo <= d->shapley && d->shapley <= d->sh_hi);
		assert_true(d->rw_lo < d->rw_hi && d->sh_lo < d->sh_hi);
		assert_true(d->rw_lo <= e->rw_lo && e->rw_hi <= d->rw_hi);
		assert_true(d->sh_lo <= e->sh_lo && e->sh_hi <= d->sh_hi);
	}
	assert_true(same_result(r, fixed));
	tp_drivers_free(r);
	tp_drivers_free(narrow);
	tp_drivers_free(fixed);
}

/* A rare binary driver is constant in many resamples (share 0 there), and
 * the outcome too can come out constant: everything stays finite and the
 * relative weights' intervals stay within [0, 1]. */
static void degenerate_resamples(void **state)
{
	(void)state;
	const double y[] = {1, 2, 1, 2, 1, 2, 9};
	const double x[] = {0, 1, 0, 0, 2, 1, 0, 0, 3, 1, 0, 0, 1, 1, 0, 1, 5, 2, 0, 0, 1};
	struct tp_drivers_options o;
	tp_drivers_options_init(&o);
	o.bootstrap = 300;
	struct tp_drivers_result *r = fit_ok(y, x, 7, 3, &o);
	assert_all_finite(r);
	for (size_t j = 0; j < 3; j++) {
		assert_true(r->drivers[j].rw_lo >= 0.0 && r->drivers[j].rw_hi <= 1.0 + TOL);
		assert_true(r->drivers[j].rw_lo <= r->drivers[j].rw_hi);
		assert_true(r->drivers[j].sh_lo <= r->drivers[j].sh_hi);
	}
	tp_drivers_free(r);
}

/* From 100,000 complete rows the bootstrap resamples random blocks of rows
 * on two threads (stats/drivers.c): the same seed gives the same intervals,
 * another seed others, and the intervals are those of the row bootstrap
 * to within sampling noise: on the same data, 99,999 rows (row bootstrap)
 * and 100,000 rows (blocks) give interval widths within 25 % of each other,
 * and both contain the estimate. */
static void block_bootstrap_large_sample(void **state)
{
	(void)state;
	size_t n = 100000;
	double *x = malloc(2 * n * sizeof *x), *y = malloc(n * sizeof *y);
	assert_non_null(x);
	assert_non_null(y);
	uint64_t s = 12345;
	for (size_t i = 0; i < n; i++) {
		double u[3];
		for (int k = 0; k < 3; k++) {
			s = s * 6364136223846793005ULL + 1442695040888963407ULL;
			u[k] = (double)(s >> 11) * 0x1.0p-53;
		}
		x[2 * i] = floor(u[0] * 5) + 1;
		x[2 * i + 1] = floor(u[1] * 5) + 1;
		y[i] = x[2 * i] + 0.5 * x[2 * i + 1] + 4.0 * u[2];
	}
	struct tp_drivers_options o;
	tp_drivers_options_init(&o);
	o.bootstrap = 200;
	struct tp_drivers_result *blocks = fit_ok(y, x, n, 2, &o);
	struct tp_drivers_result *again = fit_ok(y, x, n, 2, &o);
	struct tp_drivers_result *rows = fit_ok(y, x, n - 1, 2, &o);
	o.seed = 2;
	struct tp_drivers_result *other = fit_ok(y, x, n, 2, &o);
	for (int j = 0; j < 2; j++) {
		const struct tp_driver_share *b = &blocks->drivers[j], *r = &rows->drivers[j];
		assert_true(b->rw_lo == again->drivers[j].rw_lo && b->sh_hi == again->drivers[j].sh_hi);
		assert_true(b->rw_lo != other->drivers[j].rw_lo);
		assert_true(b->rw_lo <= b->relative_weight && b->relative_weight <= b->rw_hi);
		assert_true(r->rw_lo <= r->relative_weight && r->relative_weight <= r->rw_hi);
		double wb = b->rw_hi - b->rw_lo, wr = r->rw_hi - r->rw_lo;
		assert_true(wb > 0.75 * wr && wb < 1.25 * wr);
	}
	assert_all_finite(blocks);
	tp_drivers_free(blocks);
	tp_drivers_free(again);
	tp_drivers_free(rows);
	tp_drivers_free(other);
	free(x);
	free(y);
}

static void free_accepts_null(void **state)
{
	(void)state;
	tp_drivers_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(one_driver),
	    cmocka_unit_test(two_orthogonal_drivers),
	    cmocka_unit_test(invariant_to_scale),
	    cmocka_unit_test(sums_equal_r2),
	    cmocka_unit_test(constant_driver),
	    cmocka_unit_test(collinear_pair),
	    cmocka_unit_test(collinear_triple),
	    cmocka_unit_test(too_few_observations),
	    cmocka_unit_test(no_drivers),
	    cmocka_unit_test(constant_outcome),
	    cmocka_unit_test(missing_values),
	    cmocka_unit_test(beyond_exact_limit),
	    cmocka_unit_test(at_exact_limit),
	    cmocka_unit_test(options_defaults),
	    cmocka_unit_test(bootstrap_deterministic),
	    cmocka_unit_test(intervals_contain_estimate),
	    cmocka_unit_test(degenerate_resamples),
	    cmocka_unit_test(block_bootstrap_large_sample),
	    cmocka_unit_test(free_accepts_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
