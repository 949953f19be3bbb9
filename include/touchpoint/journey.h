/* touchpoint/journey.h - the customer journey: ordered phases x channels,
 * and the touchpoints that sit in its cells.
 *
 * A journey is small (tens of phases/channels, hundreds of touchpoints), so it
 * is a plain struct that callers may read. Strings are owned by the journey. */
#ifndef TOUCHPOINT_JOURNEY_H
#define TOUCHPOINT_JOURNEY_H

#include <stddef.h>

#include "touchpoint/error.h"

#define TP_ID_MAX 128     /* bytes in a phase, channel or touchpoint id */
#define TP_NAME_MAX 1000  /* bytes in a name */
#define TP_TEXT_MAX 10000 /* bytes in a free-text journey field */

struct tp_phase {
	char *id;
	char *name;
};

struct tp_channel {
	char *id;
	char *name;
};

struct tp_touchpoint {
	char *id;
	char *phase;   /* id of a phase of the same journey */
	char *channel; /* id of a channel of the same journey */
	char *name;
	char *owner;            /* owner team, or NULL */
	char *customer_problem; /* seed 003 "walk in their shoes" fields, or NULL */
	char *customer_goal;
	char *customer_mood;
};

struct tp_journey {
	char *name;
	size_t n_phases;
	struct tp_phase *phases; /* in journey order */
	size_t n_channels;
	struct tp_channel *channels;
	size_t n_touchpoints;
	struct tp_touchpoint *touchpoints;
};

/* Parses and validates a journey from JSON text (the DESIGN.md contract).
 * Every problem is an error naming the item: invalid JSON (line, column),
 * missing or empty id/name, ids longer than TP_ID_MAX, duplicate ids, a
 * touchpoint naming an unknown phase or channel. On success *out is a new
 * journey the caller frees with tp_journey_free(). On error *out is NULL. */
enum tp_status tp_journey_from_json(const char *text, size_t len,
				    struct tp_journey **out,
				    struct tp_error *err);

/* Serialises a journey to JSON in the import format. Returns a string the
 * caller frees with free(), or NULL when out of memory. */
char *tp_journey_to_json(const struct tp_journey *journey);

/* Lookups by id; NULL when absent. */
const struct tp_phase *tp_journey_phase(const struct tp_journey *j, const char *id);
const struct tp_channel *tp_journey_channel(const struct tp_journey *j, const char *id);
const struct tp_touchpoint *tp_journey_touchpoint(const struct tp_journey *j, const char *id);

/* Frees a journey. Accepts NULL. */
void tp_journey_free(struct tp_journey *journey);

/* The sample telecom journey shipped with touchpoint, as JSON text. */
const char *tp_journey_sample_json(size_t *len);

#endif
