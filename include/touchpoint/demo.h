/* touchpoint/demo.h - a realistic demo database.
 *
 * Loads the sample telecom journey (6 phases x 6 channels, 16 touchpoints)
 * and generates customers', employees' and leaders' responses over 18
 * months (2025-01-01 to 2026-06-30 UTC) with Spanish and English comments
 * that fit their scores, and patterns worth finding: a weak touchpoint
 * (call-soporte), one that improves from October 2025 (app-activacion),
 * and a segment that differs (segmento=empresa scores lower); and for the
 * analyses of touchpoint/analysis.h: importance ratings where leaders
 * overrate product expertise (experiencia) and customers value
 * responsiveness (rapidez), staff estimates that overrate call-soporte,
 * employees' team (= touchpoint owner), engagement and an eNPS that follows
 * their customers, and app-consumo, satisfying but with negative emotion.
 * The same seed always gives the same data. */
#ifndef TOUCHPOINT_DEMO_H
#define TOUCHPOINT_DEMO_H

#include <stdint.h>

#include "touchpoint/store.h"

struct tp_demo_options {
	int64_t responses; /* how many responses to generate */
	uint64_t seed;
};

/* Replaces the store's journey with the sample one (unassigning nothing:
 * the store should be new) and adds the generated responses in one
 * transaction. Returns TP_OK, or an error with nothing added. */
enum tp_status tp_demo_build(struct tp_store *store, const struct tp_demo_options *opts,
			     struct tp_error *err);

#endif
