/* touchpoint/drivers_data.h - the observations of a key driver analysis,
 * shaped from a dataset's responses (touchpoint/query.h) for tp_drivers_fit
 * (touchpoint/drivers.h).
 *
 * Two shapes, customer responses only (DESIGN.md: who counts where), after
 * the query's period and --where filters:
 *   attributes  one observation per response: the outcome is the response's
 *               NPS (0-10) or CSAT (1-5) answer, or an attribute read as a
 *               number; each driver is an attribute read as a number. This
 *               is the "rate each of these 1-5" wide survey, whose columns
 *               arrive as attributes through the normal importer.
 *   touchpoint  one observation per respondent (respondent_id): the outcome
 *               is the mean of the respondent's relationship answers (their
 *               responses without a touchpoint) for an NPS, CSAT or CES
 *               outcome, or the mean of an attribute outcome over all their
 *               responses; each touchpoint's driver is the mean of the
 *               respondent's answers there (NAN where they did not answer).
 *               The drivers are the touchpoints someone answered.
 *               Responses without a respondent_id cannot be linked and are
 *               only counted.
 * Numbers: "4", "-1", "3.5" and "3,5" (decimal comma) are numbers; anything
 * else, and no value, is missing (NAN). Missing values are left for
 * tp_drivers_fit to drop listwise. */
#ifndef TOUCHPOINT_DRIVERS_DATA_H
#define TOUCHPOINT_DRIVERS_DATA_H

#include <stdbool.h>
#include <stddef.h>

#include "touchpoint/error.h"
#include "touchpoint/query.h"

struct tp_outcome_values; /* touchpoint/outcomes.h */

enum tp_drivers_shape {
	TP_DRIVERS_ATTRIBUTES,  /* one observation per response */
	TP_DRIVERS_TOUCHPOINTS, /* one observation per respondent */
};

struct tp_drivers_spec {
	enum tp_drivers_shape shape;
	/* The outcome: outcome_attr (an attribute read as a number) when not
	 * NULL, else the metric (TP_METRIC_NPS, _CSAT or _CES). */
	enum tp_metric outcome;
	const char *outcome_attr;
	/* TP_DRIVERS_ATTRIBUTES: the drivers' attribute names. */
	size_t n_attrs;
	const char *const *attrs;
	/* TP_DRIVERS_TOUCHPOINTS: the score averaged per touchpoint (NPS, CSAT
	 * or CES); the outcome's metric when has_driver_metric is false. */
	bool has_driver_metric;
	enum tp_metric driver_metric;
	/* Period and --where filters (its metric and --by are ignored); NULL
	 * for none. */
	const struct tp_query *filter;
	/* outcomes: a business outcome per respondent (touchpoint/outcomes.h)
	 * as the outcome, when not NULL (outcome_attr and outcome are then
	 * ignored): each observation takes its respondent's value (NAN for
	 * anonymous responses and respondents without one). */
	const struct tp_outcome_values *outcome_values;
};

struct tp_drivers_data {
	size_t n_rows;     /* observations, complete or not */
	size_t p;          /* drivers */
	double *y;         /* n_rows outcomes (NAN missing) */
	double *x;         /* n_rows x p, row-major (NAN missing) */
	char **names;      /* p names: "attr:NAME" or the touchpoint's id */
	double *scale_lo;  /* p: the scale's ends, for the 0-100 performance: */
	double *scale_hi;  /* 0-10, 1-5 or 1-7 for scores; an attribute's
			      smallest and largest value among the responses */
	size_t unlinked;   /* touchpoint shape: customer responses in the filter
			      without a respondent_id (not used) */
};

/* Shapes ds's responses as spec says. Errors (TP_EINPUT): an unknown
 * attribute (outcome or driver), an attribute with no numeric value, no
 * drivers (no attribute given, or no touchpoint answered), an outcome or
 * driver metric other than NPS, CSAT or CES, a --where on an unknown name.
 * On success the caller frees *out with tp_drivers_data_free(). */
enum tp_status tp_drivers_data_build(const struct tp_dataset *ds,
				     const struct tp_drivers_spec *spec,
				     struct tp_drivers_data **out, struct tp_error *err);

void tp_drivers_data_free(struct tp_drivers_data *data);

/* Each driver's performance: its mean over the complete observations
 * (outcome and every driver present), on its own scale, into mean[p], and
 * that mean placed on 0-100 between the scale's ends into pct[p] (50 when
 * the ends are equal). With no complete observation both are 0. This
 * function can't fail. */
void tp_drivers_performance(const struct tp_drivers_data *data, double *mean, double *pct);

/* The importance x performance quadrant of each driver: importance
 * (relative weight) and performance (0-100) are each "high" when at or
 * above their mean across the p drivers. Sets quadrant[i] to "fix first"
 * (high importance, low performance), "keep up" (high, high), "possible
 * overkill" (low, high) or "low priority" (low, low). Can't fail. */
void tp_drivers_quadrants(const double *importance, const double *pct, size_t p,
			  const char **quadrant);

/* Reads an attribute value as a number: optional sign, digits, optional
 * decimal point or comma and digits, surrounding blanks allowed. Returns
 * false (and leaves *out alone) for anything else. */
bool tp_drivers_number(const char *text, double *out);

#endif
