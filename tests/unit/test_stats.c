/* Unit tests for stats/estimate.c. Every expected value is worked out by
 * hand in the comment above its assertion, from the formulas cited in
 * include/touchpoint/stats.h, using only table constants and libm (sqrt,
 * tan, atan, erfc), never GSL or the code under test; the decimal results
 * in the comments were checked at 25 digits. The quantiles used:
 *   z(0.95) = 1.959963984540054 (normal, 97.5th percentile),
 *   z(0.90) = 1.644853626951473, z(0.99) = 2.575829303548901,
 *   t(0.95, df = 1) = cot(pi / 40) = 12.70620473617470 (Cauchy),
 *   t(0.95, df = 2) = 0.95 / sqrt(2 * 0.025 * 0.975) = 4.302652729749464
 *     (the t_2 quantile is (1 - 2q) / sqrt(2q(1 - q)) in closed form).
 * Two-sided normal p-values are erfc(|z| / sqrt 2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <float.h>
#include <math.h>

#include "touchpoint/stats.h"

#define TOL 1e-9
#define Z95 1.959963984540054
#define Z90 1.644853626951473
#define Z99 2.575829303548901
#define PI 3.14159265358979323846
#define T95_DF1 (1.0 / tan(PI / 40.0))
#define T95_DF2 (0.95 / sqrt(2.0 * 0.025 * 0.975))

#define assert_near(a, b) assert_true(fabs((a) - (b)) < TOL)

/* --- helpers --- */

static struct tp_nps_counts counts(int64_t promoters, int64_t passives, int64_t detractors)
{
	struct tp_nps_counts c = {promoters, passives, detractors};
	return c;
}

static struct tp_moments sample(const double *x, size_t n)
{
	struct tp_moments m = {0};
	for (size_t i = 0; i < n; i++)
		tp_moments_add(&m, x[i]);
	return m;
}

static void assert_estimate_finite(struct tp_estimate e)
{
	assert_true(isfinite(e.value) && isfinite(e.lo) && isfinite(e.hi));
}

static void assert_change_finite(struct tp_change c)
{
	assert_true(isfinite(c.diff) && isfinite(c.lo) && isfinite(c.hi));
	assert_true(isfinite(c.p_value) && c.p_value >= 0.0 && c.p_value <= 1.0);
}

static void assert_same_estimate(struct tp_estimate a, struct tp_estimate b)
{
	assert_int_equal(a.n, b.n);
	assert_int_equal(a.has_value, b.has_value);
	assert_int_equal(a.has_ci, b.has_ci);
	assert_true(a.value == b.value && a.lo == b.lo && a.hi == b.hi);
}

static void assert_same_change(struct tp_change a, struct tp_change b)
{
	assert_int_equal(a.has_value, b.has_value);
	assert_true(a.diff == b.diff && a.lo == b.lo && a.hi == b.hi && a.p_value == b.p_value);
}

/* --- NPS --- */

static void nps_five_three_two(void **state)
{
	(void)state;
	struct tp_nps_counts c = counts(5, 3, 2);
	struct tp_estimate e = tp_nps_estimate(&c, 0.95);
	/* n = 10, NPS = 100 (5 - 2) / 10 = 30.
	 * n' = 13, p' = 5.75 / 13, d' = 2.75 / 13, NPS' = 3 / 13.
	 * var = (8.5 / 13 - (3 / 13)^2) / 13 = (110.5 - 9) / 2197 = 101.5 / 2197
	 *     = 0.04619936276741010.
	 * 100 (3 / 13 -+ z sqrt(101.5 / 2197)) = -19.05061537636367 .. 65.20446153020982 */
	assert_int_equal(e.n, 10);
	assert_true(e.has_value && e.has_ci);
	assert_near(e.value, 30.0);
	assert_near(e.lo, 100.0 * (3.0 / 13.0 - Z95 * sqrt(101.5 / 2197.0)));
	assert_near(e.hi, 100.0 * (3.0 / 13.0 + Z95 * sqrt(101.5 / 2197.0)));
	assert_near(e.lo, -19.05061537636367);
	assert_near(e.hi, 65.20446153020982);
}

static void nps_levels(void **state)
{
	(void)state;
	struct tp_nps_counts c = counts(5, 3, 2);
	struct tp_estimate e90 = tp_nps_estimate(&c, 0.90);
	struct tp_estimate e95 = tp_nps_estimate(&c, 0.95);
	struct tp_estimate e99 = tp_nps_estimate(&c, 0.99);
	/* Same centre 100 * 3 / 13, half-width 100 z sqrt(101.5 / 2197). */
	assert_near(e90.lo, 100.0 * (3.0 / 13.0 - Z90 * sqrt(101.5 / 2197.0)));
	assert_near(e99.hi, 100.0 * (3.0 / 13.0 + Z99 * sqrt(101.5 / 2197.0)));
	assert_true(e90.hi - e90.lo < e95.hi - e95.lo);
	assert_true(e95.hi - e95.lo < e99.hi - e99.lo);
	assert_near(e90.value, 30.0);
	assert_near(e99.value, 30.0);
}

static void nps_empty(void **state)
{
	(void)state;
	struct tp_nps_counts c = counts(0, 0, 0);
	struct tp_estimate e = tp_nps_estimate(&c, 0.95);
	assert_int_equal(e.n, 0);
	assert_false(e.has_value);
	assert_false(e.has_ci);
	assert_estimate_finite(e);
}

static void nps_invalid(void **state)
{
	(void)state;
	struct tp_nps_counts negative = counts(3, -1, 2);
	struct tp_nps_counts overflow = counts(INT64_MAX, 1, 0);
	struct tp_nps_counts overflow2 = counts(INT64_MAX / 2, INT64_MAX / 2, 2);
	assert_false(tp_nps_estimate(NULL, 0.95).has_value);
	assert_false(tp_nps_estimate(&negative, 0.95).has_value);
	assert_false(tp_nps_estimate(&overflow, 0.95).has_value);
	assert_false(tp_nps_estimate(&overflow2, 0.95).has_value);
	assert_int_equal(tp_nps_estimate(&overflow, 0.95).n, 0);
}

static void nps_one_promoter(void **state)
{
	(void)state;
	struct tp_nps_counts c = counts(1, 0, 0);
	struct tp_estimate e = tp_nps_estimate(&c, 0.95);
	/* NPS = 100. n' = 4, p' = 1.75 / 4, d' = 0.75 / 4, NPS' = 0.25,
	 * var = (0.625 - 0.0625) / 4 = 0.140625, sqrt = 0.375.
	 * 100 (0.25 -+ 0.375 z) = -48.49864942025203 .. 98.49864942025203: the
	 * interval is centred on NPS', so here the value lies above it. */
	assert_int_equal(e.n, 1);
	assert_true(e.has_value && e.has_ci);
	assert_near(e.value, 100.0);
	assert_near(e.lo, 100.0 * (0.25 - 0.375 * Z95));
	assert_near(e.hi, 100.0 * (0.25 + 0.375 * Z95));
	assert_near(e.lo, -48.49864942025203);
}

static void nps_all_promoters(void **state)
{
	(void)state;
	struct tp_nps_counts c = counts(10, 0, 0);
	struct tp_estimate e = tp_nps_estimate(&c, 0.95);
	/* n' = 13, p' = 10.75 / 13, d' = 0.75 / 13, NPS' = 10 / 13,
	 * var = (11.5 / 13 - 100 / 169) / 13 = (149.5 - 100) / 2197 = 49.5 / 2197.
	 * 100 (10 / 13 -+ z sqrt(49.5 / 2197)) = 47.50355154479021 .. 106.34...,
	 * the upper bound clipped to exactly 100. */
	assert_near(e.value, 100.0);
	assert_true(e.hi == 100.0);
	assert_true(e.lo < 100.0);
	assert_near(e.lo, 100.0 * (10.0 / 13.0 - Z95 * sqrt(49.5 / 2197.0)));
	assert_near(e.lo, 47.50355154479021);
}

static void nps_all_detractors(void **state)
{
	(void)state;
	struct tp_nps_counts c = counts(0, 0, 10);
	struct tp_estimate e = tp_nps_estimate(&c, 0.95);
	/* The mirror image of ten promoters: -106.34.. clipped to -100, upper
	 * bound -47.50355154479021. */
	assert_near(e.value, -100.0);
	assert_true(e.lo == -100.0);
	assert_true(e.hi > -100.0);
	assert_near(e.hi, -100.0 * (10.0 / 13.0 - Z95 * sqrt(49.5 / 2197.0)));
}

static void nps_all_passives(void **state)
{
	(void)state;
	struct tp_nps_counts c = counts(0, 10, 0);
	struct tp_estimate e = tp_nps_estimate(&c, 0.95);
	/* p' = d' = 0.75 / 13, NPS' = 0, var = (1.5 / 13) / 13 = 1.5 / 169.
	 * 100 (0 -+ z sqrt(1.5 / 169)) = -+18.46504490905889 */
	assert_near(e.value, 0.0);
	assert_near(e.lo, -100.0 * Z95 * sqrt(1.5 / 169.0));
	assert_near(e.hi, 100.0 * Z95 * sqrt(1.5 / 169.0));
	assert_near(e.hi, 18.46504490905889);
}

static void nps_large_counts(void **state)
{
	(void)state;
	int64_t k = INT64_MAX / 4;
	struct tp_nps_counts c = counts(2 * k, k, k);
	struct tp_estimate e = tp_nps_estimate(&c, 0.95);
	/* NPS = 100 (2k - k) / 4k = 25; the interval shrinks to the point. */
	assert_true(e.has_value && e.has_ci);
	assert_near(e.value, 25.0);
	assert_true(e.lo <= 25.0 && e.hi >= 25.0);
	assert_true(e.hi - e.lo < 1e-6);
}

/* --- proportions (Wilson) --- */

static void proportion_three_of_ten(void **state)
{
	(void)state;
	struct tp_estimate e = tp_proportion_estimate(3, 10, 0.95);
	/* p = 0.3, z^2 = 3.841458820694124, denom = 1 + z^2 / 10.
	 * centre = (0.3 + z^2 / 20) / denom,
	 * half = z sqrt(0.3 * 0.7 / 10 + z^2 / 400) / denom,
	 * 100 (centre -+ half) = 10.77912674063010 .. 60.32218525388547 */
	double z2 = Z95 * Z95, denom = 1.0 + z2 / 10.0;
	double center = (0.3 + z2 / 20.0) / denom;
	double half = Z95 * sqrt(0.021 + z2 / 400.0) / denom;
	assert_int_equal(e.n, 10);
	assert_true(e.has_value && e.has_ci);
	assert_near(e.value, 30.0);
	assert_near(e.lo, 100.0 * (center - half));
	assert_near(e.hi, 100.0 * (center + half));
	assert_near(e.lo, 10.77912674063010);
	assert_near(e.hi, 60.32218525388547);
}

static void proportion_none(void **state)
{
	(void)state;
	struct tp_estimate e = tp_proportion_estimate(0, 10, 0.95);
	/* p = 0: centre = half = (z^2 / 20) / denom, so lo = 0 and
	 * hi = 100 (z^2 / 10) / (1 + z^2 / 10) = 100 z^2 / (10 + z^2)
	 *    = 27.75327998628893 */
	assert_near(e.value, 0.0);
	assert_true(e.lo == 0.0);
	assert_near(e.hi, 100.0 * Z95 * Z95 / (10.0 + Z95 * Z95));
	assert_near(e.hi, 27.75327998628893);
}

static void proportion_all(void **state)
{
	(void)state;
	struct tp_estimate e = tp_proportion_estimate(10, 10, 0.95);
	/* The mirror image of 0 / 10: lo = 100 - 27.75327998628893. */
	assert_near(e.value, 100.0);
	assert_true(e.hi == 100.0);
	assert_near(e.lo, 100.0 - 100.0 * Z95 * Z95 / (10.0 + Z95 * Z95));
}

static void proportion_bounds_stay_in_range(void **state)
{
	(void)state;
	static const double levels[] = {0.5, 0.8, 0.9, 0.95, 0.99, 0.999999};
	for (size_t l = 0; l < sizeof levels / sizeof *levels; l++) {
		for (int64_t n = 1; n <= 2000; n += (n < 50 ? 1 : 37)) {
			for (int64_t s = 0; s <= n; s += (s < 3 || s > n - 4 ? 1 : n / 7 + 1)) {
				struct tp_estimate e = tp_proportion_estimate(s, n, levels[l]);
				assert_true(e.has_value && e.has_ci);
				assert_true(0.0 <= e.lo && e.lo <= e.value);
				assert_true(e.value <= e.hi && e.hi <= 100.0);
				assert_estimate_finite(e);
			}
		}
	}
}

static void proportion_empty_and_invalid(void **state)
{
	(void)state;
	struct tp_estimate e = tp_proportion_estimate(0, 0, 0.95);
	assert_false(e.has_value);
	assert_false(e.has_ci);
	assert_int_equal(e.n, 0);
	assert_false(tp_proportion_estimate(-1, 10, 0.95).has_value);
	assert_false(tp_proportion_estimate(11, 10, 0.95).has_value);
	assert_false(tp_proportion_estimate(0, -5, 0.95).has_value);
}

static void proportion_huge_n(void **state)
{
	(void)state;
	struct tp_estimate e = tp_proportion_estimate(INT64_MAX / 2, INT64_MAX, 0.95);
	assert_true(e.has_value && e.has_ci);
	assert_near(e.value, 50.0);
	assert_true(e.lo <= 50.0 && e.hi >= 50.0 && e.hi - e.lo < 1e-6);
}

/* --- means --- */

static void moments_by_hand(void **state)
{
	(void)state;
	static const double x[] = {2, 4, 6};
	struct tp_moments m = sample(x, 3);
	/* Welford: (n, mean, m2) = (1, 2, 0); delta 2 -> (2, 3, 0 + 2 (4 - 3) = 2);
	 * delta 3 -> (3, 4, 2 + 3 (6 - 4) = 8). All exact in binary. */
	assert_int_equal(m.n, 3);
	assert_true(m.mean == 4.0);
	assert_true(m.m2 == 8.0);

	/* Chan et al.: {2, 4} = (2, 3, 2) with {6} = (1, 6, 0): delta = 3,
	 * mean = 3 + 3 * 1 / 3 = 4, m2 = 2 + 0 + 9 * 2 * 1 / 3 = 8. */
	struct tp_moments a = sample(x, 2), b = sample(x + 2, 1);
	tp_moments_merge(&a, &b);
	assert_int_equal(a.n, 3);
	assert_near(a.mean, 4.0);
	assert_near(a.m2, 8.0);
}

static void moments_merge_equals_adding(void **state)
{
	(void)state;
	double x[97];
	/* A deterministic, irregular sample: a linear congruential sequence
	 * mapped onto about -50..150. */
	uint32_t r = 12345;
	for (size_t i = 0; i < 97; i++) {
		r = r * 1103515245u + 12345u;
		x[i] = (double)(r >> 8) / (double)(1u << 24) * 200.0 - 50.0;
	}
	struct tp_moments all = sample(x, 97);
	static const size_t cuts[] = {0, 1, 2, 30, 48, 95, 96, 97};
	for (size_t c = 0; c < sizeof cuts / sizeof *cuts; c++) {
		struct tp_moments a = sample(x, cuts[c]);
		struct tp_moments b = sample(x + cuts[c], 97 - cuts[c]);
		tp_moments_merge(&a, &b);
		assert_int_equal(a.n, all.n);
		assert_true(fabs(a.mean - all.mean) < TOL * fabs(all.mean));
		assert_true(fabs(a.m2 - all.m2) < TOL * all.m2);
	}
	/* Three pieces, merged right to left. */
	struct tp_moments p1 = sample(x, 10), p2 = sample(x + 10, 40), p3 = sample(x + 50, 47);
	tp_moments_merge(&p2, &p3);
	tp_moments_merge(&p1, &p2);
	assert_int_equal(p1.n, 97);
	assert_true(fabs(p1.m2 - all.m2) < TOL * all.m2);

	/* A sample merged with itself: same mean, twice the m2 (delta = 0). */
	struct tp_moments twice = all;
	tp_moments_merge(&twice, &twice);
	assert_int_equal(twice.n, 194);
	assert_near(twice.mean, all.mean);
	assert_true(fabs(twice.m2 - 2.0 * all.m2) < TOL * all.m2);

	/* NULLs and empties change nothing; merging into empty copies. */
	struct tp_moments empty = {0}, copy = all;
	tp_moments_merge(&copy, &empty);
	tp_moments_merge(&copy, NULL);
	tp_moments_merge(NULL, &copy);
	tp_moments_add(NULL, 1.0);
	assert_true(copy.n == all.n && copy.mean == all.mean && copy.m2 == all.m2);
	tp_moments_merge(&empty, &all);
	assert_true(empty.n == all.n && empty.mean == all.mean && empty.m2 == all.m2);
}

static void mean_two_four_six(void **state)
{
	(void)state;
	static const double x[] = {2, 4, 6};
	struct tp_moments m = sample(x, 3);
	struct tp_estimate e = tp_mean_estimate(&m, 0.95);
	/* mean 4, s^2 = 8 / 2 = 4, s / sqrt(n) = 2 / sqrt 3, df = 2:
	 * 4 -+ 4.302652729749464 * 2 / sqrt 3 = -0.9682754235006621 .. 8.968275423500662 */
	assert_int_equal(e.n, 3);
	assert_true(e.has_value && e.has_ci);
	assert_near(e.value, 4.0);
	assert_near(e.lo, 4.0 - T95_DF2 * 2.0 / sqrt(3.0));
	assert_near(e.hi, 4.0 + T95_DF2 * 2.0 / sqrt(3.0));
	assert_near(e.lo, -0.9682754235006621);
}

static void mean_two_values(void **state)
{
	(void)state;
	static const double x[] = {1, 3};
	struct tp_moments m = sample(x, 2);
	struct tp_estimate e = tp_mean_estimate(&m, 0.95);
	/* mean 2, s^2 = 2, s / sqrt 2 = 1, df = 1 (Cauchy):
	 * 2 -+ cot(pi / 40) = -10.70620473617470 .. 14.70620473617470 */
	assert_near(e.value, 2.0);
	assert_near(e.lo, 2.0 - T95_DF1);
	assert_near(e.hi, 2.0 + T95_DF1);
	assert_near(e.hi, 14.70620473617470);
}

static void mean_one_and_none(void **state)
{
	(void)state;
	struct tp_moments m = {0};
	struct tp_estimate e = tp_mean_estimate(&m, 0.95);
	assert_false(e.has_value);
	assert_false(e.has_ci);
	assert_int_equal(e.n, 0);
	tp_moments_add(&m, 4.5);
	e = tp_mean_estimate(&m, 0.95);
	assert_int_equal(e.n, 1);
	assert_true(e.has_value);
	assert_false(e.has_ci);
	assert_true(e.value == 4.5);
	assert_estimate_finite(e);
	assert_false(tp_mean_estimate(NULL, 0.95).has_value);
}

static void mean_zero_variance(void **state)
{
	(void)state;
	static const double x[] = {0.1, 0.1, 0.1, 0.1, 0.1};
	struct tp_moments m = sample(x, 5);
	struct tp_estimate e = tp_mean_estimate(&m, 0.95);
	/* Every delta after the first is 0, so m2 = 0 and lo = hi = mean. */
	assert_true(m.m2 == 0.0);
	assert_true(e.has_value && e.has_ci);
	assert_true(e.lo == 0.1 && e.hi == 0.1 && e.value == 0.1);
}

static void mean_not_finite(void **state)
{
	(void)state;
	struct tp_moments m = {0};
	tp_moments_add(&m, 1.0);
	tp_moments_add(&m, NAN);
	assert_false(tp_mean_estimate(&m, 0.95).has_value);
	struct tp_moments big = {0};
	tp_moments_add(&big, 1e308);
	tp_moments_add(&big, -1e308);
	struct tp_estimate e = tp_mean_estimate(&big, 0.95);
	assert_estimate_finite(e);
	struct tp_moments bad = {3, 1.0, -2.0};
	e = tp_mean_estimate(&bad, 0.95);
	assert_true(e.has_value);
	assert_false(e.has_ci);
	struct tp_moments negative = {-3, 1.0, 2.0};
	assert_false(tp_mean_estimate(&negative, 0.95).has_value);
}

static void mean_huge_n(void **state)
{
	(void)state;
	/* n - 1 is past the point where the t quantile is taken as the normal
	 * one (+ (z^3 + z) / (4 df)): with s^2 = 1, half = z / sqrt(n). */
	struct tp_moments m = {INT64_MAX, 0.0, (double)INT64_MAX - 1.0};
	struct tp_estimate e = tp_mean_estimate(&m, 0.95);
	double half = Z95 / sqrt((double)INT64_MAX);
	assert_true(e.has_ci);
	assert_true(fabs(e.hi - half) < 1e-9 * half);
	assert_true(fabs(e.lo + half) < 1e-9 * half);
	/* n = 1e6: t(0.95, 999999) = z + (z^3 + z) / (4 df) + O(df^-2). */
	struct tp_moments mm = {1000000, 0.0, 999999.0};
	e = tp_mean_estimate(&mm, 0.95);
	double t = Z95 + (Z95 * Z95 * Z95 + Z95) / (4.0 * 999999.0);
	assert_true(fabs(e.hi - t / 1000.0) < 1e-12);
}

/* --- levels --- */

static void invalid_level_falls_back(void **state)
{
	(void)state;
	static const double bad[] = {0.0, 1.0, -0.5, 1.5, 95.0, NAN, INFINITY, -INFINITY};
	static const double x[] = {3, 1, 4, 1, 5, 9, 2, 6};
	struct tp_nps_counts c = counts(5, 3, 2), d = counts(7, 2, 1);
	struct tp_moments m = sample(x, 8), m2 = sample(x, 5);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		double l = bad[i];
		assert_same_estimate(tp_nps_estimate(&c, l), tp_nps_estimate(&c, 0.95));
		assert_same_estimate(tp_proportion_estimate(3, 10, l),
				     tp_proportion_estimate(3, 10, 0.95));
		assert_same_estimate(tp_mean_estimate(&m, l), tp_mean_estimate(&m, 0.95));
		assert_same_change(tp_nps_change(&c, &d, l), tp_nps_change(&c, &d, 0.95));
		assert_same_change(tp_proportion_change(3, 10, 6, 12, l),
				   tp_proportion_change(3, 10, 6, 12, 0.95));
		assert_same_change(tp_mean_change(&m2, &m, l), tp_mean_change(&m2, &m, 0.95));
	}
}

static void extreme_levels_stay_finite(void **state)
{
	(void)state;
	static const double x[] = {1, 3};
	double levels[] = {nextafter(1.0, 0.0), 1.0 - 1e-12, DBL_MIN, 1e-300, 0.5};
	struct tp_moments m = sample(x, 2);
	struct tp_nps_counts c = counts(1, 0, 0);
	for (size_t i = 0; i < sizeof levels / sizeof *levels; i++) {
		struct tp_estimate e = tp_mean_estimate(&m, levels[i]);
		assert_true(e.has_ci);
		assert_estimate_finite(e);
		assert_true(e.lo <= e.value && e.value <= e.hi);
		assert_estimate_finite(tp_nps_estimate(&c, levels[i]));
		assert_estimate_finite(tp_proportion_estimate(1, 3, levels[i]));
		assert_change_finite(tp_mean_change(&m, &m, levels[i]));
	}
	/* level 1 - 2^-53, df = 1: q = 2^-54 and t = cot(pi 2^-54) = 2^54 / pi. */
	struct tp_estimate e = tp_mean_estimate(&m, nextafter(1.0, 0.0));
	assert_true(fabs((e.hi - 2.0) / (ldexp(1.0, 54) / PI) - 1.0) < 1e-12);
}

/* --- changes --- */

static void nps_change_by_hand(void **state)
{
	(void)state;
	struct tp_nps_counts before = counts(5, 3, 2), after = counts(7, 2, 1);
	struct tp_change c = tp_nps_change(&before, &after, 0.95);
	/* NPS 30 -> 60: diff = 30.
	 * before: var' = 101.5 / 2197 (see nps_five_three_two).
	 * after: n' = 13, p' = 7.75 / 13, d' = 1.75 / 13, NPS' = 6 / 13,
	 *   var' = (9.5 / 13 - 36 / 169) / 13 = (123.5 - 36) / 2197 = 87.5 / 2197.
	 * se = 100 sqrt(189 / 2197) = 29.33025735241119.
	 * 30 -+ z se = -27.48624806801707 .. 87.48624806801707,
	 * p = erfc((30 / se) / sqrt 2) = 0.3063860886628338 */
	double se = 100.0 * sqrt(189.0 / 2197.0);
	assert_true(c.has_value);
	assert_near(c.diff, 30.0);
	assert_near(c.lo, 30.0 - Z95 * se);
	assert_near(c.hi, 30.0 + Z95 * se);
	assert_near(c.p_value, erfc(30.0 / se / sqrt(2.0)));
	assert_near(c.p_value, 0.3063860886628338);
}

static void nps_change_degenerate(void **state)
{
	(void)state;
	struct tp_nps_counts prom = counts(10, 0, 0), prom2 = counts(25, 0, 0);
	struct tp_nps_counts det = counts(0, 0, 10), none = counts(0, 0, 0);
	/* All promoters on both sides: diff 0, p = 1, a finite interval
	 * around 0 from the adjusted variances 49.5 / 2197 and
	 * (25.75 + 0.75) / 28 / 28 - (25 / 28)^2 / 28. */
	struct tp_change c = tp_nps_change(&prom, &prom2, 0.95);
	double v1 = 49.5 / 2197.0;
	double v2 = (26.5 / 28.0 - (25.0 / 28.0) * (25.0 / 28.0)) / 28.0;
	assert_true(c.has_value);
	assert_change_finite(c);
	assert_near(c.diff, 0.0);
	assert_near(c.p_value, 1.0);
	assert_near(c.hi, 100.0 * Z95 * sqrt(v1 + v2));
	/* All detractors to all promoters: diff 200, the upper bound clipped. */
	c = tp_nps_change(&det, &prom, 0.95);
	assert_change_finite(c);
	assert_near(c.diff, 200.0);
	assert_true(c.hi == 200.0 && c.lo < 200.0);
	/* An empty side. */
	c = tp_nps_change(&none, &prom, 0.95);
	assert_false(c.has_value);
	assert_change_finite(c);
	assert_false(tp_nps_change(&prom, &none, 0.95).has_value);
	assert_false(tp_nps_change(NULL, &prom, 0.95).has_value);
}

static void proportion_change_by_hand(void **state)
{
	(void)state;
	struct tp_change c = tp_proportion_change(30, 100, 45, 100, 0.95);
	/* 30% -> 45%: diff = 15 points.
	 * Wald se = sqrt(0.3 * 0.7 / 100 + 0.45 * 0.55 / 100) = sqrt(0.004575),
	 * 100 (0.15 -+ z se) = 1.743049330756478 .. 28.25695066924352.
	 * pooled = 75 / 200 = 0.375, se0 = sqrt(0.375 * 0.625 * 2 / 100)
	 * = sqrt(0.0046875), z = 0.15 / se0 = 2.190890230020664,
	 * p = erfc(z / sqrt 2) = 0.02845973691631058 */
	assert_true(c.has_value);
	assert_near(c.diff, 15.0);
	assert_near(c.lo, 100.0 * (0.15 - Z95 * sqrt(0.004575)));
	assert_near(c.hi, 100.0 * (0.15 + Z95 * sqrt(0.004575)));
	assert_near(c.p_value, erfc(0.15 / sqrt(0.0046875) / sqrt(2.0)));
	assert_near(c.p_value, 0.02845973691631058);
	/* Reversed, the difference changes sign and p stays. */
	struct tp_change r = tp_proportion_change(45, 100, 30, 100, 0.95);
	assert_near(r.diff, -15.0);
	assert_near(r.lo, -c.hi);
	assert_near(r.p_value, c.p_value);
}

static void proportion_change_degenerate(void **state)
{
	(void)state;
	/* Both 0%: pooled share 0, no variance under the null: p = 1. */
	struct tp_change c = tp_proportion_change(0, 10, 0, 20, 0.95);
	assert_true(c.has_value);
	assert_change_finite(c);
	assert_true(c.diff == 0.0 && c.lo == 0.0 && c.hi == 0.0 && c.p_value == 1.0);
	/* Both 100%: pooled share 1: p = 1. */
	c = tp_proportion_change(10, 10, 20, 20, 0.95);
	assert_change_finite(c);
	assert_true(c.diff == 0.0 && c.p_value == 1.0);
	/* 0 / 10 -> 10 / 10: Wald se 0 so lo = hi = 100; pooled 1/2,
	 * z = 1 / sqrt(0.25 * 0.2) = 4.472135954999579,
	 * p = erfc(z / sqrt 2) = 7.744216431044084e-06 */
	c = tp_proportion_change(0, 10, 10, 10, 0.95);
	assert_change_finite(c);
	assert_true(c.diff == 100.0 && c.lo == 100.0 && c.hi == 100.0);
	assert_near(c.p_value, erfc(1.0 / sqrt(0.05) / sqrt(2.0)));
	assert_true(fabs(c.p_value - 7.744216431044084e-06) < 1e-15);
	/* An empty or invalid side. */
	assert_false(tp_proportion_change(0, 0, 1, 2, 0.95).has_value);
	assert_false(tp_proportion_change(1, 2, 0, 0, 0.95).has_value);
	assert_false(tp_proportion_change(3, 2, 1, 2, 0.95).has_value);
	assert_change_finite(tp_proportion_change(-1, 2, 1, 2, 0.95));
}

static void mean_change_by_hand(void **state)
{
	(void)state;
	static const double before_x[] = {1, 3}, after_x[] = {4, 6};
	struct tp_moments before = sample(before_x, 2), after = sample(after_x, 2);
	struct tp_change c = tp_mean_change(&before, &after, 0.95);
	/* means 2 and 5: diff 3. s^2 = 2 on both sides, v = 2 / 2 = 1 each,
	 * se = sqrt 2, df = (1 + 1)^2 / (1 / 1 + 1 / 1) = 2.
	 * 3 -+ 4.302652729749464 sqrt 2 = -3.084869844593311 .. 9.084869844593311.
	 * t = 3 / sqrt 2; for df = 2, P(T > t) = 1/2 - t / (2 sqrt(2 + t^2)), so
	 * p = 1 - t / sqrt(2 + t^2) = 1 - 2.1213 / sqrt(6.5) = 0.1679497056621563 */
	double t = 3.0 / sqrt(2.0);
	assert_true(c.has_value);
	assert_near(c.diff, 3.0);
	assert_near(c.lo, 3.0 - T95_DF2 * sqrt(2.0));
	assert_near(c.hi, 3.0 + T95_DF2 * sqrt(2.0));
	assert_near(c.p_value, 1.0 - t / sqrt(2.0 + t * t));
	assert_near(c.p_value, 0.1679497056621563);
}

static void mean_change_one_side_constant(void **state)
{
	(void)state;
	static const double before_x[] = {5, 5, 5}, after_x[] = {1, 3};
	struct tp_moments before = sample(before_x, 3), after = sample(after_x, 2);
	struct tp_change c = tp_mean_change(&before, &after, 0.95);
	/* v_before = 0, v_after = 2 / 2 = 1: se = 1, df = 1 / (1 / (2 - 1)) = 1.
	 * diff = 2 - 5 = -3, interval -3 -+ cot(pi / 40),
	 * p = 2 P(Cauchy > 3) = 1 - (2 / pi) atan 3 = 0.2048327646991335 */
	assert_near(c.diff, -3.0);
	assert_near(c.lo, -3.0 - T95_DF1);
	assert_near(c.hi, -3.0 + T95_DF1);
	assert_near(c.p_value, 1.0 - 2.0 / PI * atan(3.0));
	assert_near(c.p_value, 0.2048327646991335);
}

static void mean_change_zero_variance(void **state)
{
	(void)state;
	static const double a[] = {5, 5}, b[] = {5, 5, 5}, d[] = {7, 7, 7};
	struct tp_moments ma = sample(a, 2), mb = sample(b, 3), md = sample(d, 3);
	struct tp_change c = tp_mean_change(&ma, &mb, 0.95);
	assert_true(c.has_value);
	assert_change_finite(c);
	assert_true(c.diff == 0.0 && c.lo == 0.0 && c.hi == 0.0 && c.p_value == 1.0);
	c = tp_mean_change(&ma, &md, 0.95);
	assert_change_finite(c);
	assert_true(c.diff == 2.0 && c.lo == 2.0 && c.hi == 2.0 && c.p_value == 0.0);
	/* A nearly constant pair: v = 1e-300 / 2 / 3, df = 2 (only one side
	 * varies), t = 2 / sqrt(v) = 4.9e150. For df = 2 the two-sided p is
	 * 1 - t / sqrt(2 + t^2) = 1 / t^2 + O(t^-4) = v / 4 = 4.17e-302: the
	 * heavy t_2 tail keeps it from underflowing. */
	struct tp_moments tiny = {3, 7.0, 1e-300};
	c = tp_mean_change(&ma, &tiny, 0.95);
	assert_change_finite(c);
	assert_true(fabs(c.p_value / (1e-300 / 6.0 / 4.0) - 1.0) < 1e-9);
	/* With df = 999 and t = 2e153 the p-value (about t^-999) underflows. */
	struct tp_moments tinier = {1000, 7.0, 1e-300};
	c = tp_mean_change(&ma, &tinier, 0.95);
	assert_change_finite(c);
	assert_true(c.p_value == 0.0);
}

static void mean_change_too_small(void **state)
{
	(void)state;
	static const double a[] = {5}, b[] = {5, 6, 7};
	struct tp_moments ma = sample(a, 1), mb = sample(b, 3), empty = {0};
	struct tp_change c = tp_mean_change(&ma, &mb, 0.95);
	assert_false(c.has_value);
	assert_change_finite(c);
	assert_false(tp_mean_change(&mb, &ma, 0.95).has_value);
	assert_false(tp_mean_change(&empty, &mb, 0.95).has_value);
	assert_false(tp_mean_change(NULL, &mb, 0.95).has_value);
	/* Means that overflow their difference. */
	struct tp_moments hi = {2, 1.7e308, 1.0}, lo = {2, -1.7e308, 1.0};
	c = tp_mean_change(&lo, &hi, 0.95);
	assert_false(c.has_value);
	assert_change_finite(c);
}

/* Every combination of small counts, at several levels: nothing is NaN or
 * infinite, intervals contain the proportion and are ordered. */
static void small_counts_sweep(void **state)
{
	(void)state;
	static const double levels[] = {0.5, 0.9, 0.95, 0.99, 0.999999999};
	for (size_t l = 0; l < sizeof levels / sizeof *levels; l++) {
		for (int64_t p = 0; p <= 4; p++) {
			for (int64_t a = 0; a <= 4; a++) {
				for (int64_t d = 0; d <= 4; d++) {
					struct tp_nps_counts c = counts(p, a, d);
					struct tp_nps_counts o = counts(d, p, a);
					struct tp_estimate e = tp_nps_estimate(&c, levels[l]);
					assert_estimate_finite(e);
					assert_true(e.lo <= e.hi);
					assert_true(-100.0 <= e.lo && e.hi <= 100.0);
					struct tp_change ch = tp_nps_change(&c, &o, levels[l]);
					assert_change_finite(ch);
					assert_true(ch.lo <= ch.diff && ch.diff <= ch.hi);
					ch = tp_proportion_change(p, p + a, d, d + a, levels[l]);
					assert_change_finite(ch);
					assert_true(ch.lo <= ch.diff && ch.diff <= ch.hi);
				}
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(nps_five_three_two),
	    cmocka_unit_test(nps_levels),
	    cmocka_unit_test(nps_empty),
	    cmocka_unit_test(nps_invalid),
	    cmocka_unit_test(nps_one_promoter),
	    cmocka_unit_test(nps_all_promoters),
	    cmocka_unit_test(nps_all_detractors),
	    cmocka_unit_test(nps_all_passives),
	    cmocka_unit_test(nps_large_counts),
	    cmocka_unit_test(proportion_three_of_ten),
	    cmocka_unit_test(proportion_none),
	    cmocka_unit_test(proportion_all),
	    cmocka_unit_test(proportion_bounds_stay_in_range),
	    cmocka_unit_test(proportion_empty_and_invalid),
	    cmocka_unit_test(proportion_huge_n),
	    cmocka_unit_test(moments_by_hand),
	    cmocka_unit_test(moments_merge_equals_adding),
	    cmocka_unit_test(mean_two_four_six),
	    cmocka_unit_test(mean_two_values),
	    cmocka_unit_test(mean_one_and_none),
	    cmocka_unit_test(mean_zero_variance),
	    cmocka_unit_test(mean_not_finite),
	    cmocka_unit_test(mean_huge_n),
	    cmocka_unit_test(invalid_level_falls_back),
	    cmocka_unit_test(extreme_levels_stay_finite),
	    cmocka_unit_test(nps_change_by_hand),
	    cmocka_unit_test(nps_change_degenerate),
	    cmocka_unit_test(proportion_change_by_hand),
	    cmocka_unit_test(proportion_change_degenerate),
	    cmocka_unit_test(mean_change_by_hand),
	    cmocka_unit_test(mean_change_one_side_constant),
	    cmocka_unit_test(mean_change_zero_variance),
	    cmocka_unit_test(mean_change_too_small),
	    cmocka_unit_test(small_counts_sweep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
