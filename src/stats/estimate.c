/* stats/estimate.c - indicators with confidence intervals, and the change
 * between two periods (the contract is include/touchpoint/stats.h).
 *
 * Pure arithmetic over counts and running moments: no allocation, no I/O,
 * no global state, so every function is safe to call from any thread. GSL
 * supplies the normal and Student t distribution functions. GSL reports a
 * domain error or a failed inversion through its error handler, which by
 * default aborts the process; this file therefore calls it only with
 * arguments where it neither fails nor loses accuracy (a tail probability
 * in (0, 1/2], 1 <= df <= 1e15, a finite statistic) and computes the few
 * cases outside that range itself (t_quantile).
 *
 * Conventions shared by every function here:
 *  - `level` is the two-sided confidence level. A level outside the open
 *    interval (0, 1), NaN included, is replaced by 0.95: a caller passing
 *    0 or 95 by mistake gets the usual interval rather than nonsense.
 *  - Nothing returned is NaN or infinite. A result that cannot be computed
 *    (no answer, invalid counts, moments that are not finite, an overflow)
 *    is reported through has_value / has_ci, with every double set to 0
 *    (and p_value to 1, "no evidence of a change").
 *  - Percentages and NPS points are on their display scale: 0..100 for a
 *    share, -100..100 for an NPS, and their differences in points. */
#include <math.h>
#include <stdint.h>

#include <gsl/gsl_cdf.h>

#include "touchpoint/stats.h"

#define DEFAULT_LEVEL 0.95
#define PI 3.14159265358979323846
/* Past this many degrees of freedom the t distribution is taken through
 * the normal one (t_quantile, t_p_value): gsl_cdf_tdist_Qinv returns values
 * off by orders of magnitude from about 3e16 on (GSL 2.7), while the
 * expansion in t_quantile is exact to double precision here already. */
#define T_NORMAL_DF 1e15

/* Helpers ----------------------------------------------------------------- */

static double checked_level(double level)
{
	if (level > 0.0 && level < 1.0)
		return level;
	return DEFAULT_LEVEL;
}

/* The upper-tail probability (1 - level) / 2 of a two-sided interval. It is
 * computed from 1 - level rather than as the quantile of (1 + level) / 2,
 * which rounds to 1 (and an infinite quantile) for levels near 1. The
 * result lies in [2^-54, 1/2]. */
static double tail(double level)
{
	return (1.0 - checked_level(level)) / 2.0;
}

/* z such that P(Z > z) = (1 - level) / 2 for a standard normal Z. */
static double z_quantile(double level)
{
	return gsl_cdf_ugaussian_Qinv(tail(level));
}

/* t such that P(T > t) = (1 - level) / 2 for Student's t with df >= 1
 * degrees of freedom (df may be fractional, as Welch's is).
 *  - df = 1 is the Cauchy distribution, whose quantile is cot(pi q): GSL
 *    computes it as tan(pi (1/2 - q)), which loses the digits of small q.
 *  - Past T_NORMAL_DF, the Cornish-Fisher expansion of t in powers of
 *    1/df (Abramowitz & Stegun 1964, 26.7.5) to its first term,
 *    z + (z^3 + z) / (4 df); the next term is below 1e-26 there. */
static double t_quantile(double level, double df)
{
	double q = tail(level);

	if (df == 1.0)
		return 1.0 / tan(PI * q);
	if (df > T_NORMAL_DF) {
		double z = gsl_cdf_ugaussian_Qinv(q);
		return z + (z * z * z + z) / (4.0 * df);
	}
	return gsl_cdf_tdist_Qinv(q, df);
}

/* Two-sided p-value 2 P(Z > |z|) of a standard normal statistic. */
static double z_p_value(double z)
{
	double p;

	if (!isfinite(z))
		return 0.0;
	p = 2.0 * gsl_cdf_ugaussian_Q(fabs(z));
	return p > 1.0 ? 1.0 : p;
}

/* Two-sided p-value 2 P(T > |t|) of a Student t statistic with df >= 1;
 * past T_NORMAL_DF the normal one, as for t_quantile. */
static double t_p_value(double t, double df)
{
	double p;

	if (!isfinite(t))
		return 0.0;
	if (df > T_NORMAL_DF)
		return z_p_value(t);
	p = 2.0 * gsl_cdf_tdist_Q(fabs(t), df);
	return p > 1.0 ? 1.0 : p;
}

static double clip(double x, double lo, double hi)
{
	if (x < lo)
		return lo;
	if (x > hi)
		return hi;
	return x;
}

static struct tp_estimate no_estimate(int64_t n)
{
	struct tp_estimate e = {0};
	e.n = n;
	return e;
}

static struct tp_change no_change(void)
{
	struct tp_change c = {0};
	c.p_value = 1.0;
	return c;
}

/* Stores the total of c's counts in *n; false when c is NULL, a count is
 * negative or the total does not fit in an int64_t. */
static bool nps_total(const struct tp_nps_counts *c, int64_t *n)
{
	if (!c || c->promoters < 0 || c->passives < 0 || c->detractors < 0)
		return false;
	if (c->promoters > INT64_MAX - c->passives)
		return false;
	if (c->promoters + c->passives > INT64_MAX - c->detractors)
		return false;
	*n = c->promoters + c->passives + c->detractors;
	return true;
}

/* The adjusted-Wald quantities of Rocks (2016), as fractions of 1: with
 * n' = n + 3, p' = (P + 3/4) / n', d' = (D + 3/4) / n' (the passives'
 * 3/2 completes n'), the adjusted NPS p' - d' in *center and its variance
 * (p' + d' - (p' - d')^2) / n' in *var. The variance is never 0: p' + d'
 * < 1 because of the passives' share, so var >= (p' + d')(1 - p' - d') / n'
 * > 0. */
static void nps_adjusted(const struct tp_nps_counts *c, int64_t n, double *center, double *var)
{
	double np = (double)n + 3.0;
	double p = ((double)c->promoters + 0.75) / np;
	double d = ((double)c->detractors + 0.75) / np;

	*center = p - d;
	*var = fmax((p + d - (p - d) * (p - d)) / np, 0.0);
}

/* The plain NPS 100 (P - D) / n, for n > 0. */
static double nps_value(const struct tp_nps_counts *c, int64_t n)
{
	return 100.0 * ((double)c->promoters - (double)c->detractors) / (double)n;
}

static bool proportion_valid(int64_t successes, int64_t n)
{
	return n >= 0 && successes >= 0 && successes <= n;
}

/* The moments hold a usable sample of at least min_n values. */
static bool moments_usable(const struct tp_moments *m, int64_t min_n)
{
	return m && m->n >= min_n && isfinite(m->mean) && isfinite(m->m2) && m->m2 >= 0.0;
}

/* The estimated variance of the sample mean, s^2 / n with the sample
 * variance s^2 = m2 / (n - 1); needs n >= 2. */
static double mean_variance(const struct tp_moments *m)
{
	return m->m2 / (double)(m->n - 1) / (double)m->n;
}

/* Running moments -------------------------------------------------------- */

/* Adds x to the sample summarised by m (Welford 1962, "Note on a method for
 * calculating corrected sums of squares and products", Technometrics 4(3);
 * Knuth, TAOCP vol. 2, 3rd ed., 4.2.2): n += 1, delta = x - mean,
 * mean += delta / n, m2 += delta (x - mean_new). Start from a zeroed
 * struct. x should be finite: a NaN or infinite x makes the moments non-
 * finite, and the estimates computed from them then report no value. Does
 * nothing when m is NULL or already holds INT64_MAX values. This function
 * can't fail. */
void tp_moments_add(struct tp_moments *m, double x)
{
	double delta;

	if (!m || m->n == INT64_MAX)
		return;
	m->n++;
	delta = x - m->mean;
	m->mean += delta / (double)m->n;
	m->m2 += delta * (x - m->mean);
}

/* Merges b into a, so that a summarises both samples (Chan, Golub & LeVeque
 * 1979, "Updating formulae and a pairwise algorithm for computing sample
 * variances", Stanford CS report STAN-CS-79-773; its pairwise update written
 * with means):
 * n = na + nb, delta = mean_b - mean_a, mean = mean_a + delta nb / n,
 * m2 = m2_a + m2_b + delta^2 na nb / n. An empty b leaves a unchanged; an
 * empty a becomes a copy of b. Does nothing when either is NULL, a count is
 * negative or the merged count would overflow an int64_t. a and b may be
 * the same struct. */
void tp_moments_merge(struct tp_moments *a, const struct tp_moments *b)
{
	int64_t na, nb;
	double n, delta;

	if (!a || !b || b->n <= 0 || a->n < 0 || a->n > INT64_MAX - b->n)
		return;
	if (a->n == 0) {
		*a = *b;
		return;
	}
	na = a->n;
	nb = b->n;
	n = (double)(na + nb);
	delta = b->mean - a->mean;
	a->m2 = a->m2 + b->m2 + delta * delta * ((double)na * (double)nb / n);
	a->mean += delta * ((double)nb / n);
	a->n = na + nb;
}

/* Estimates --------------------------------------------------------------- */

/* NPS = 100 (P - D) / n on -100..100 with the adjusted-Wald interval of
 * Rocks (2016, "Confidence intervals for Net Promoter Scores", MeasuringU):
 * 100 (NPS' -+ z sqrt(var')) with NPS' and var' as in nps_adjusted and z
 * the normal quantile for `level`, clipped to -100..100. The interval is
 * centred on the adjusted NPS', not on the plain value, so for very small
 * or one-sided samples the value may lie outside it (one promoter: value
 * 100, interval about -48..98 at 95%).
 * n = 0 gives has_value = false. Invalid counts (c NULL, a negative count,
 * a total past INT64_MAX) give has_value = false and n = 0. */
struct tp_estimate tp_nps_estimate(const struct tp_nps_counts *c, double level)
{
	struct tp_estimate e;
	int64_t n;
	double center, var, half;

	if (!nps_total(c, &n) || n == 0)
		return no_estimate(0);
	nps_adjusted(c, n, &center, &var);
	half = z_quantile(level) * sqrt(var);
	e.n = n;
	e.has_value = true;
	e.value = nps_value(c, n);
	e.has_ci = true;
	e.lo = clip(100.0 * (center - half), -100.0, 100.0);
	e.hi = clip(100.0 * (center + half), -100.0, 100.0);
	return e;
}

/* The share successes / n in percent with the Wilson score interval (Wilson
 * 1927, "Probable inference, the law of succession, and statistical
 * inference", JASA 22(158)): with p = s / n and z the normal quantile,
 *   centre = (p + z^2 / (2n)) / (1 + z^2 / n),
 *   half   = z sqrt(p (1 - p) / n + z^2 / (4 n^2)) / (1 + z^2 / n),
 * times 100. The bounds are exactly 0 for s = 0 and 100 for s = n (where
 * the formula gives them up to rounding) and otherwise clamped to 0..100.
 * n = 0 gives has_value = false. Invalid input (a negative count, successes
 * > n) gives has_value = false and n = 0. */
struct tp_estimate tp_proportion_estimate(int64_t successes, int64_t n, double level)
{
	struct tp_estimate e;
	double nd, p, z, z2, denom, center, half;

	if (!proportion_valid(successes, n) || n == 0)
		return no_estimate(0);
	nd = (double)n;
	p = (double)successes / nd;
	z = z_quantile(level);
	z2 = z * z;
	denom = 1.0 + z2 / nd;
	center = (p + z2 / (2.0 * nd)) / denom;
	half = z * sqrt(p * (1.0 - p) / nd + z2 / (4.0 * nd * nd)) / denom;
	e.n = n;
	e.has_value = true;
	e.value = 100.0 * p;
	e.has_ci = true;
	e.lo = successes == 0 ? 0.0 : clip(100.0 * (center - half), 0.0, 100.0);
	e.hi = successes == n ? 100.0 : clip(100.0 * (center + half), 0.0, 100.0);
	return e;
}

/* The sample mean with Student's t interval mean -+ t(df = n - 1) s / sqrt(n),
 * s^2 = m2 / (n - 1) the sample variance (Student 1908, "The probable error
 * of a mean", Biometrika 6(1)). A sample without spread (m2 = 0) gives
 * lo = hi = mean.
 * n = 0 gives has_value = false; n = 1 a value without an interval (has_ci
 * = false). m NULL or n < 0 give has_value = false and n = 0; a mean that
 * is not finite gives has_value = false; m2 negative or not finite, or an
 * interval that overflows, gives has_ci = false. */
struct tp_estimate tp_mean_estimate(const struct tp_moments *m, double level)
{
	struct tp_estimate e;
	double half;

	if (!m || m->n < 0)
		return no_estimate(0);
	if (m->n == 0 || !isfinite(m->mean))
		return no_estimate(m->n);
	e = no_estimate(m->n);
	e.has_value = true;
	e.value = m->mean;
	if (!moments_usable(m, 2))
		return e;
	half = t_quantile(level, (double)(m->n - 1)) * sqrt(mean_variance(m));
	if (!isfinite(m->mean - half) || !isfinite(m->mean + half))
		return e;
	e.has_ci = true;
	e.lo = m->mean - half;
	e.hi = m->mean + half;
	return e;
}

/* Changes ----------------------------------------------------------------- */

/* NPS(after) - NPS(before) in NPS points, both plain NPS values.
 * The two samples are independent, so the variance of the difference is
 * the sum of each side's adjusted-Wald variance var' (nps_adjusted; Rocks
 * 2016), scaled to points: V = 100^2 (var'_before + var'_after). Then
 *   interval = diff -+ z sqrt(V), clipped to -200..200 (the range of a
 *              difference of two NPS),
 *   p-value  = 2 P(Z > |diff| / sqrt(V)), Z standard normal.
 * The adjusted variances are never 0, so the statistic is always defined:
 * all promoters on both sides give diff 0 and p = 1.
 * has_value is false when either side has no answer or invalid counts. */
struct tp_change tp_nps_change(const struct tp_nps_counts *before,
			       const struct tp_nps_counts *after, double level)
{
	struct tp_change c;
	int64_t nb, na;
	double center_b, var_b, center_a, var_a, se, half;

	if (!nps_total(before, &nb) || !nps_total(after, &na) || nb == 0 || na == 0)
		return no_change();
	nps_adjusted(before, nb, &center_b, &var_b);
	nps_adjusted(after, na, &center_a, &var_a);
	se = 100.0 * sqrt(var_b + var_a);
	half = z_quantile(level) * se;
	c.has_value = true;
	c.diff = nps_value(after, na) - nps_value(before, nb);
	c.lo = clip(c.diff - half, -200.0, 200.0);
	c.hi = clip(c.diff + half, -200.0, 200.0);
	c.p_value = z_p_value(c.diff / se);
	return c;
}

/* p2 - p1 in percentage points, p1 = before_successes / before_n and
 * p2 = after_successes / after_n.
 *  - Interval: the Wald interval with unpooled variance (Newcombe 1998,
 *    "Interval estimation for the difference between independent
 *    proportions: comparison of eleven methods", Stat. Med. 17, method 1):
 *    diff -+ z sqrt(p1 (1 - p1) / n1 + p2 (1 - p2) / n2), times 100,
 *    clipped to -100..100. Both shares 0 (or both 1) give lo = hi = diff.
 *  - p-value: the pooled two-proportion z test (the square of its
 *    statistic is Pearson's chi-squared for the 2x2 table):
 *    pooled = (s1 + s2) / (n1 + n2), z = (p2 - p1) / sqrt(pooled
 *    (1 - pooled) (1 / n1 + 1 / n2)), p = 2 P(Z > |z|). A pooled share of
 *    0 or 1 leaves no variance: p = 1 when the shares are equal (as they
 *    then are, barring rounding with counts past 2^53), else p = 0.
 * has_value is false when either side has no answer or invalid counts. */
struct tp_change tp_proportion_change(int64_t before_successes, int64_t before_n,
				      int64_t after_successes, int64_t after_n, double level)
{
	struct tp_change c;
	double n1, n2, p1, p2, half, pooled, var0;

	if (!proportion_valid(before_successes, before_n) ||
	    !proportion_valid(after_successes, after_n) || before_n == 0 || after_n == 0)
		return no_change();
	n1 = (double)before_n;
	n2 = (double)after_n;
	p1 = (double)before_successes / n1;
	p2 = (double)after_successes / n2;
	half = z_quantile(level) * sqrt(p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2);
	c.has_value = true;
	c.diff = 100.0 * (p2 - p1);
	c.lo = clip(100.0 * (p2 - p1 - half), -100.0, 100.0);
	c.hi = clip(100.0 * (p2 - p1 + half), -100.0, 100.0);
	pooled = ((double)before_successes + (double)after_successes) / (n1 + n2);
	var0 = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2);
	if (var0 > 0.0)
		c.p_value = z_p_value((p2 - p1) / sqrt(var0));
	else
		c.p_value = p1 == p2 ? 1.0 : 0.0;
	return c;
}

/* mean(after) - mean(before) by Welch's t test (Welch 1947, "The
 * generalization of 'Student's' problem when several different population
 * variances are involved", Biometrika 34; Satterthwaite 1946, Biometrics
 * Bulletin 2(6)): with v_i = s_i^2 / n_i,
 *   se = sqrt(v_b + v_a),
 *   df = (v_b + v_a)^2 / (v_b^2 / (n_b - 1) + v_a^2 / (n_a - 1)),
 *        computed as 1 / (r_b^2 / (n_b - 1) + r_a^2 / (n_a - 1)) with
 *        r_i = v_i / (v_b + v_a), which cannot underflow or overflow,
 *   interval = diff -+ t(df) se, p = 2 P(T_df > |diff| / se).
 * Both samples without spread (se = 0): lo = hi = diff, and p = 1 when
 * diff = 0, else p = 0 (two constant samples that differ).
 * has_value is false when either side has fewer than 2 values or moments
 * that are not finite, or when the result overflows a double. */
struct tp_change tp_mean_change(const struct tp_moments *before, const struct tp_moments *after,
				double level)
{
	struct tp_change c;
	double v_b, v_a, var, se, r_b, r_a, df, half;

	if (!moments_usable(before, 2) || !moments_usable(after, 2))
		return no_change();
	v_b = mean_variance(before);
	v_a = mean_variance(after);
	var = v_b + v_a;
	c.diff = after->mean - before->mean;
	if (!isfinite(c.diff) || !isfinite(var))
		return no_change();
	c.has_value = true;
	if (var == 0.0) {
		c.lo = c.diff;
		c.hi = c.diff;
		c.p_value = c.diff == 0.0 ? 1.0 : 0.0;
		return c;
	}
	se = sqrt(var);
	r_b = v_b / var;
	r_a = v_a / var;
	df = 1.0 / (r_b * r_b / (double)(before->n - 1) + r_a * r_a / (double)(after->n - 1));
	df = fmax(df, 1.0); /* min(n_b, n_a) - 1 >= 1 bounds it, up to rounding */
	half = t_quantile(level, df) * se;
	c.lo = c.diff - half;
	c.hi = c.diff + half;
	if (!isfinite(c.lo) || !isfinite(c.hi))
		return no_change();
	c.p_value = t_p_value(c.diff / se, df);
	return c;
}
