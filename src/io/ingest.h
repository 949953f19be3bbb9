/* io/ingest.h - responses pushed as JSON documents (internal).
 *
 * The JSON API's POST /api/v1/responses: a batch of response objects with
 * the canonical field names, read exactly as a JSON Lines import reads a
 * line (io/json_row.h, io/rowconv.h: same fields, same parsing, same
 * checks, same messages) and stored all-or-nothing in one transaction. */
#ifndef TP_IO_INGEST_H
#define TP_IO_INGEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "touchpoint/error.h"
#include "touchpoint/response.h"
#include "touchpoint/store.h"

#define TP_INGEST_PROBLEMS_KEPT 1000

struct tp_ingest_problem {
	size_t index;		      /* of the item in the batch, 0-based */
	char field[TP_ATTR_NAME_MAX]; /* "nps", an attribute, or "" for the item */
	char reason[512];
};

struct tp_ingest_result {
	int64_t stored;	 /* new responses stored */
	int64_t present; /* already stored, or repeated in the batch */
	size_t invalid;	 /* items with at least one problem */
	size_t problems; /* problems found (an item can have several) */
	size_t n_kept;	 /* kept[]: the first TP_INGEST_PROBLEMS_KEPT */
	struct tp_ingest_problem *kept;
};

/* Checks every item of batch (a JSON array of response objects, or one
 * object) and, when all are valid, stores them in one transaction.
 * Returns TP_OK when the batch was committed (stored + present = items),
 * TP_EINPUT when items were invalid and nothing was stored (res lists the
 * problems; err says how many items), or another status for a failure
 * that stored nothing (database, out of memory). The caller frees res with
 * tp_ingest_result_free() whatever the outcome. */
enum tp_status tp_ingest_json(struct tp_store *store, json_t *batch, struct tp_ingest_result *res,
			      struct tp_error *err);

/* Frees what res holds. Accepts a zeroed res. */
void tp_ingest_result_free(struct tp_ingest_result *res);

#endif
