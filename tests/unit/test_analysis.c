/* tests/unit/test_analysis.c - the tests shared by the analyses
 * (touchpoint/analysis.h): Welch's t test, the Mann-Whitney U test and the
 * correlations. Expected values are from scipy 1.10
 * (stats.mannwhitneyu(b, a, method="asymptotic"), stats.ttest_ind(equal_var=False),
 * stats.t.interval, stats.pearsonr, stats.spearmanr) and the Fisher z
 * interval tanh(atanh r -+ 1.959964 / sqrt(n - 3)) computed in Python. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "touchpoint/analysis.h"

#define assert_near(a, b) assert_true(fabs((a) - (b)) < 1e-9)

static struct tp_moments moments_of(const double *v, size_t n)
{
	struct tp_moments m = {0};
	for (size_t i = 0; i < n; i++)
		tp_moments_add(&m, v[i]);
	return m;
}

static void welch_matches_scipy(void **state)
{
	(void)state;
	const double a[] = {1, 2, 3, 4, 5.5}, b[] = {2, 4, 6, 8, 9, 13};
	struct tp_moments ma = moments_of(a, 5), mb = moments_of(b, 6);
	struct tp_welch w = tp_welch_test(&ma, &mb, 0.95);
	assert_true(w.has_test);
	assert_near(w.diff, 3.9);
	assert_near(w.t, 2.1997300518851146);
	assert_near(w.df, 7.177599890227192);
	assert_near(w.p_value, 0.06281543654742847);
	assert_near(w.lo, -0.27141095953434613);
	assert_near(w.hi, 8.071410959534346);
}

/* Constant ratings on both sides, or one rating on a side: no test. */
static void welch_without_variance_or_answers(void **state)
{
	(void)state;
	const double four[] = {4, 4, 4}, five[] = {5, 5};
	struct tp_moments a = moments_of(four, 3), b = moments_of(five, 2);
	struct tp_welch w = tp_welch_test(&a, &b, 0.95);
	assert_false(w.has_test);
	struct tp_moments one = moments_of(five, 1);
	assert_false(tp_welch_test(&a, &one, 0.95).has_test);
}

static void mann_whitney_matches_scipy(void **state)
{
	(void)state;
	const double a[] = {1, 2, 2, 3, 4, 4, 4, 5}, b[] = {2, 3, 3, 4, 5, 5, 6};
	struct tp_mann_whitney m;
	assert_true(tp_mann_whitney_test(a, 8, b, 7, &m));
	assert_true(m.has_test);
	assert_near(m.u_b, 37.5);
	assert_near(m.superiority, 37.5 / 56.0);
	assert_near(m.p_value, 0.28794985368798554);
	assert_true(m.z > 0);
	/* b above a: the sign of z follows u_b - na nb / 2. */
	const double lo[] = {1, 2, 3}, hi[] = {4, 5, 6, 7};
	assert_true(tp_mann_whitney_test(lo, 3, hi, 4, &m));
	assert_near(m.u_b, 12.0);
	assert_near(m.superiority, 1.0);
	assert_near(m.p_value, 0.05182992721790968);
	assert_true(tp_mann_whitney_test(hi, 4, lo, 3, &m));
	assert_near(m.u_b, 0.0);
	assert_true(m.z < 0);
	assert_near(m.p_value, 0.05182992721790968);
	/* |U - mean| under the continuity correction: p = 1, z = 0. */
	const double one[] = {2};
	assert_true(tp_mann_whitney_test(lo, 3, one, 1, &m));
	assert_true(m.has_test);
	assert_near(m.u_b, 1.5);
	assert_near(m.p_value, 1.0);
	assert_near(m.z, 0.0);
}

/* Every value equal, or an empty side: no test. */
static void mann_whitney_degenerate(void **state)
{
	(void)state;
	const double two[] = {2, 2, 2};
	struct tp_mann_whitney m;
	assert_true(tp_mann_whitney_test(two, 3, two, 2, &m));
	assert_false(m.has_test);
	assert_near(m.u_b, 3.0);
	assert_true(tp_mann_whitney_test(two, 3, two, 0, &m));
	assert_false(m.has_test);
}

static void correlation_matches_scipy(void **state)
{
	(void)state;
	const double x[] = {1, 2, 3, 4, 5, 6, 7}, y[] = {2, 1, 4, 3, 7, 8, 5};
	struct tp_correlation c = tp_correlation_of(x, y, 7, 0.95);
	assert_true(c.has_value && c.has_ci);
	assert_near(c.r, 0.7825080450574997);
	assert_near(c.p_value, 0.03753960252243371);
	assert_near(c.rho, 0.8214285714285715);
	assert_near(c.rho_p, 0.023448808345691505);
	assert_true(fabs(c.lo - 0.07170215123667753) < 1e-6);
	assert_true(fabs(c.hi - 0.966206032709299) < 1e-6);
	/* Ties get average ranks. */
	const double ties[] = {1, 1, 2, 2, 3, 3, 3};
	c = tp_correlation_of(x, ties, 7, 0.95);
	assert_near(c.rho, 0.9449111825230683);
	assert_near(c.rho_p, 0.0013279254349912659);
}

static void correlation_degenerate(void **state)
{
	(void)state;
	const double x[] = {1, 2, 3, 4}, flat[] = {2, 2, 2, 2};
	assert_false(tp_correlation_of(x, flat, 4, 0.95).has_value);
	assert_false(tp_correlation_of(x, x, 2, 0.95).has_value);
	struct tp_correlation c = tp_correlation_of(x, x, 3, 0.95);
	assert_true(c.has_value && !c.has_ci);
	assert_near(c.r, 1.0);
	assert_near(c.p_value, 0.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(welch_matches_scipy),
	    cmocka_unit_test(welch_without_variance_or_answers),
	    cmocka_unit_test(mann_whitney_matches_scipy),
	    cmocka_unit_test(mann_whitney_degenerate),
	    cmocka_unit_test(correlation_matches_scipy),
	    cmocka_unit_test(correlation_degenerate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
