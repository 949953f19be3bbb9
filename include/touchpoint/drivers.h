/* touchpoint/drivers.h - key driver analysis: how much each driver explains
 * of an outcome's variance in a linear model.
 *
 * Two decompositions of the model's R^2, both exact:
 *   Johnson's relative weights (Johnson 2000, "A heuristic method for
 *     estimating the relative weight of predictor variables in multiple
 *     regression", Multivariate Behavioral Research 35(1)): regress the
 *     outcome on the orthogonal counterpart Z = X R^{-1/2} of the
 *     standardised drivers and share R^2 back through the squared loadings.
 *   Shapley values of R^2 (Lindeman, Merenda and Gold 1980; "LMG"): each
 *     driver's average increase in R^2 over all orders of entry, computed
 *     from the R^2 of every subset of drivers (2^p regressions), exact for
 *     p <= TP_SHAPLEY_EXACT_MAX.
 * Each share comes with a percentile bootstrap interval. Rows with a missing
 * value (NAN) in y or any driver are dropped (listwise). No output is ever
 * NaN: a constant driver gets a share of 0 and a note. Bootstrap intervals
 * are percentile intervals and need not contain the point estimate of a
 * share near 0. */
#ifndef TOUCHPOINT_DRIVERS_H
#define TOUCHPOINT_DRIVERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "touchpoint/error.h"

#define TP_SHAPLEY_EXACT_MAX 16 /* drivers for exact Shapley values (65,536 subsets) */

struct tp_drivers_options {
	int bootstrap;  /* resamples for the intervals; 0 = none; default 1000 */
	uint64_t seed;  /* the same seed gives the same intervals */
	double level;   /* interval level, default 0.95 */
};

/* Sets the defaults above (seed 1). This function can't fail. */
void tp_drivers_options_init(struct tp_drivers_options *o);

struct tp_driver_share {
	double relative_weight; /* raw share of R^2; the shares sum to r2 */
	double rw_lo, rw_hi;    /* bootstrap interval (equal to the share without bootstrap) */
	bool has_shapley;       /* false beyond TP_SHAPLEY_EXACT_MAX drivers */
	double shapley;         /* raw share of R^2; the shares sum to r2 */
	double sh_lo, sh_hi;
	const char *note;       /* NULL, or a caveat: "constant" (left out, share 0) or
				   "collinear with another driver" (collinear drivers
				   split the R^2 they share) */
};

struct tp_drivers_result {
	size_t n;          /* complete observations used */
	size_t dropped;    /* observations dropped for missing values */
	size_t p;          /* drivers */
	double r2;         /* the full model's R^2 (ordinary least squares with intercept) */
	struct tp_driver_share *drivers; /* p of them, in input order */
	char message[256]; /* "" or a note for the whole analysis, e.g. why Shapley
			      values were not computed */
};

/* Fits the decomposition. y has n_rows values; x is n_rows x p, row-major.
 * Errors (TP_EINPUT, with the reason): p == 0; fewer than p + 2 complete
 * observations ("n smaller than the number of drivers"); a constant outcome.
 * On success the caller frees *out with tp_drivers_free(). */
enum tp_status tp_drivers_fit(const double *y, const double *x, size_t n_rows, size_t p,
			      const struct tp_drivers_options *opts,
			      struct tp_drivers_result **out, struct tp_error *err);

void tp_drivers_free(struct tp_drivers_result *result);

#endif
