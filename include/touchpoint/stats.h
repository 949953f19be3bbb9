/* touchpoint/stats.h - indicators and their confidence intervals.
 *
 * Pure functions over counts and moments: no storage, no I/O. Every
 * indicator carries n and an interval at a configurable level (0.95 by
 * default in the front ends). Methods, with their sources:
 *   NPS / eNPS: adjusted-Wald interval (Rocks 2016, "Confidence intervals
 *     for Net Promoter Scores", MeasuringU): add 3/4 of a response to
 *     promoters and to detractors and 3/2 to passives (n' = n + 3); NPS' =
 *     p' - d'; variance (p' + d' - (p' - d')^2) / n'; interval NPS' -+ z *
 *     sqrt(variance), clipped to -100..100. The point value is the plain NPS.
 *   CSAT (% of 4-5 answers): Wilson score interval (Wilson 1927).
 *   CES, emotion (means): Student's t interval, mean -+ t(df = n-1) * s / sqrt(n).
 *   Change between two periods: NPS difference with the adjusted-Wald
 *     variances added and a z test; proportion difference with the Wald
 *     interval and the pooled two-proportion z test; mean difference by
 *     Welch's t test with the Welch-Satterthwaite degrees of freedom.
 * Values never come out as NaN or infinite: a case with no answer says so
 * through has_value / has_ci. */
#ifndef TOUCHPOINT_STATS_H
#define TOUCHPOINT_STATS_H

#include <stdbool.h>
#include <stdint.h>

struct tp_estimate {
	int64_t n;
	bool has_value; /* false when n == 0 */
	double value;
	bool has_ci;    /* false when no interval can be computed (n == 0, or
			   n == 1 for a mean) */
	double lo, hi;
};

struct tp_nps_counts {
	int64_t promoters;  /* 9-10 */
	int64_t passives;   /* 7-8 */
	int64_t detractors; /* 0-6 */
};

/* Running moments of a sample (Welford): add values with tp_moments_add. */
struct tp_moments {
	int64_t n;
	double mean;
	double m2; /* sum of squared deviations from the mean */
};

void tp_moments_add(struct tp_moments *m, double x);

/* Merges b into a (Chan et al.'s parallel update). */
void tp_moments_merge(struct tp_moments *a, const struct tp_moments *b);

/* NPS on -100..100 with the adjusted-Wald interval at `level` (e.g. 0.95).
 * n = 0 gives has_value = false. */
struct tp_estimate tp_nps_estimate(const struct tp_nps_counts *c, double level);

/* Share of successes in percent (0..100) with the Wilson score interval. */
struct tp_estimate tp_proportion_estimate(int64_t successes, int64_t n, double level);

/* Mean with Student's t interval; n = 1 gives a value without an interval. */
struct tp_estimate tp_mean_estimate(const struct tp_moments *m, double level);

/* The difference `after - before` of two independent samples, its
 * interval and the two-sided p-value of "no difference". */
struct tp_change {
	bool has_value; /* false when either side has no answer (or, for
			   means, fewer than 2) */
	double diff, lo, hi;
	double p_value;
};

struct tp_change tp_nps_change(const struct tp_nps_counts *before,
			       const struct tp_nps_counts *after, double level);
struct tp_change tp_proportion_change(int64_t before_successes, int64_t before_n,
				      int64_t after_successes, int64_t after_n, double level);
struct tp_change tp_mean_change(const struct tp_moments *before, const struct tp_moments *after,
				double level);

#endif
