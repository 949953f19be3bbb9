/* io/ingest.c - a batch of JSON response objects validated like a JSON
 * Lines import and stored all-or-nothing (io/ingest.h).
 *
 * The write transaction is opened first: a valid item is inserted as soon
 * as it is checked (its strings point into the document and into the row
 * converter's scratch memory, which the next item reuses), and the first
 * invalid item turns the rest of the batch into checking only, to list
 * every problem; then the transaction is rolled back. When the store has
 * a group commit writer (the server's connections do), the whole batch is
 * checked and stored by that writer as a savepoint of its group's
 * transaction (store/group_commit.h), so concurrent batches and survey
 * answers share one commit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/ingest.h"
#include "io/json_row.h"
#include "io/mapping.h"
#include "io/rowconv.h"
#include "store/group_commit.h"

struct ingest {
	struct tp_ingest_result *res;
	size_t index;	  /* of the item being read */
	bool item_failed; /* the item has a problem already */
};

static void add_problem(struct ingest *in, const char *field, const char *reason)
{
	struct tp_ingest_result *res = in->res;
	res->problems++;
	if (!in->item_failed)
		res->invalid++;
	in->item_failed = true;
	if (res->n_kept >= TP_INGEST_PROBLEMS_KEPT)
		return;
	struct tp_ingest_problem *p = &res->kept[res->n_kept++];
	p->index = in->index;
	snprintf(p->field, sizeof p->field, "%.*s", (int)sizeof p->field - 1, field ? field : "");
	snprintf(p->reason, sizeof p->reason, "%.*s", (int)sizeof p->reason - 1, reason);
}

/* The row converter's problem callback (io/rowconv.h). */
static void conv_error(void *ctx, long line, int column, const char *name, const char *field,
		       const char *reason)
{
	(void)line;
	(void)column;
	add_problem(ctx, field ? field : name, reason);
}

/* Checks item i and inserts it when the batch is still valid. */
static enum tp_status ingest_item(struct ingest *in, struct tp_rowconv *conv,
				  struct tp_json_row *jr, struct tp_store *store, json_t *item,
				  struct tp_error *err)
{
	char why[256];
	in->item_failed = false;
	if (!json_is_object(item)) {
		snprintf(why, sizeof why, "expected a JSON object, found %s", tp_json_kind(item));
		add_problem(in, NULL, why);
		return TP_OK;
	}
	struct tp_table_row row = {.line = (long)in->index + 1};
	struct tp_error row_err;
	int got = tp_json_row_fill(jr, item, &row, &row_err);
	if (got < 0)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	if (got == 2) {
		add_problem(in, NULL, row_err.message);
		return TP_OK;
	}
	struct tp_response r;
	int problems = tp_rowconv_response(conv, &row, NULL, 0, &r);
	if (problems < 0)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	if (problems > 0 || in->res->invalid > 0)
		return TP_OK;
	bool inserted = false;
	enum tp_status st = tp_store_response_insert(store, &r, &inserted, err);
	if (st == TP_EINPUT) {
		/* The store's own checks (the attribute limit): the item's fault. */
		add_problem(in, NULL, err->message);
		return TP_OK;
	}
	if (st != TP_OK)
		return st;
	if (inserted)
		in->res->stored++;
	else
		in->res->present++;
	return TP_OK;
}

static enum tp_status ingest_all(struct ingest *in, struct tp_store *store,
				 const struct tp_mapping *map, json_t *batch, struct tp_error *err)
{
	struct tp_rowconv conv;
	tp_rowconv_init(&conv);
	conv.store = store;
	conv.map = map;
	conv.error = conv_error;
	conv.ctx = in;
	struct tp_json_row jr = {0};
	enum tp_status st = TP_OK;
	size_t n = json_is_array(batch) ? json_array_size(batch) : 1;
	for (in->index = 0; in->index < n && st == TP_OK; in->index++) {
		json_t *item = json_is_array(batch) ? json_array_get(batch, in->index) : batch;
		st = ingest_item(in, &conv, &jr, store, item, err);
	}
	tp_json_row_free(&jr);
	tp_rowconv_free(&conv);
	return st;
}

/* Checks and stores the batch in a transaction of its own (or a savepoint
 * of the one open). Resets the counts first: the group commit writer may
 * run it twice. */
static enum tp_status ingest_in_tx(struct tp_store *store, const struct tp_mapping *map,
				   json_t *batch, struct tp_ingest_result *res,
				   struct tp_error *err)
{
	res->stored = res->present = 0;
	res->invalid = res->problems = res->n_kept = 0;
	enum tp_status st = tp_store_begin(store, err);
	if (st != TP_OK)
		return st;
	struct ingest in = {.res = res};
	st = ingest_all(&in, store, map, batch, err);
	if (st == TP_OK && res->invalid == 0) {
		st = tp_store_commit(store, err);
		if (st == TP_OK)
			return TP_OK;
	}
	struct tp_error ignored;
	tp_store_rollback(store, &ignored);
	res->stored = res->present = 0;
	if (st == TP_OK)
		st = tp_error_set(err, TP_EINPUT, "%zu invalid item%s; nothing was stored",
				  res->invalid, res->invalid == 1 ? "" : "s");
	return st;
}

/* A batch handed to the group commit writer. */
struct ingest_work {
	const struct tp_mapping *map;
	json_t *batch;
	struct tp_ingest_result *res;
};

static enum tp_status ingest_work_run(struct tp_store *writer, void *ctx, struct tp_error *err)
{
	struct ingest_work *w = ctx;
	return ingest_in_tx(writer, w->map, w->batch, w->res, err);
}

enum tp_status tp_ingest_json(struct tp_store *store, json_t *batch, struct tp_ingest_result *res,
			      struct tp_error *err)
{
	memset(res, 0, sizeof *res);
	res->kept = calloc(TP_INGEST_PROBLEMS_KEPT, sizeof *res->kept);
	if (!res->kept)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	struct tp_mapping *map = NULL;
	enum tp_status st = tp_mapping_load(NULL, TP_TABLE_JSONL, &map, err);
	if (st != TP_OK)
		return st;
	struct tp_group_commit *gc = tp_store_group_commit(store);
	if (gc) {
		struct ingest_work w = {map, batch, res};
		st = tp_group_commit_run(gc, ingest_work_run, &w, err);
		if (st != TP_OK)
			res->stored = res->present = 0;
	} else {
		st = ingest_in_tx(store, map, batch, res, err);
	}
	tp_mapping_free(map);
	return st;
}

void tp_ingest_result_free(struct tp_ingest_result *res)
{
	free(res->kept);
	res->kept = NULL;
	res->n_kept = 0;
}
