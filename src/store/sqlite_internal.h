/* store/sqlite_internal.h - state shared by the SQLite backend's files.
 *
 * sqlite_store.c opens the file and applies migrations, sqlite_journey.c
 * reads and replaces the journey, sqlite_responses.c stores and reads
 * responses. Nothing outside src/store/ includes this header. */
#ifndef TP_STORE_SQLITE_INTERNAL_H
#define TP_STORE_SQLITE_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/backend.h"
#include "util/strmap.h"

struct sq_attr {
	int64_t id;   /* attribute.id; its column in response is a<id> */
	char *name;
};

#define SQ_BATCH_ROWS 64 /* responses per INSERT statement on the bulk path */

/* A queued response: its text lives in sq_batch.text at these offsets
 * (SIZE_MAX for NULL), its attribute value ids in sq_batch.pairs. */
struct sq_row {
	size_t key, respondent, comment, lang;
	int64_t submitted_at;
	int64_t touchpoint_id; /* 0: none */
	int type, nps, csat, ces, emotion;
	size_t first_pair, n_pairs;
};

struct sq_pair {
	size_t slot;  /* index into sq_store.attrs */
	int64_t id;   /* attribute_value.id */
};

struct sq_batch {
	size_t n_rows;
	struct sq_row rows[SQ_BATCH_ROWS];
	char *text;
	size_t text_len, text_cap;
	struct sq_pair *pairs;
	size_t n_pairs, pairs_cap;
	int64_t inserted; /* new rows written since the last report */
};

/* Statements prepared once per connection (the survey answer path runs
 * them for every answer). */
enum sq_cached {
	SQ_STMT_SAVEPOINT,
	SQ_STMT_RELEASE,
	SQ_STMT_SURVEY_GET,
	SQ_STMT_SURVEY_USED,
	SQ_STMT_JOURNEY_VERSION,
	SQ_STMT_DATA_VERSION,
	SQ_STMT_COUNT
};

struct sq_store {
	sqlite3 *db;
	bool in_tx;
	int savepoints; /* nested begins inside the open transaction */
	sqlite3_stmt *cached[SQ_STMT_COUNT]; /* web performance: sq_prepare_cached */
	struct tp_strmap *touchpoints; /* touchpoint.key -> touchpoint.id */
	size_t n_attrs;                /* attributes, in id order */
	struct sq_attr attrs[TP_ATTRS_MAX];
	struct tp_strmap *attr_index;  /* name -> index into attrs */
	struct tp_strmap *values;      /* attr id (8 bytes) + value -> attribute_value.id */
	struct sq_batch batch;         /* responses queued by the bulk path */
	sqlite3_stmt *insert_one;      /* one-row insert over every attribute column */
	sqlite3_stmt *insert_many;     /* SQ_BATCH_ROWS-row insert, likewise */
	sqlite3_stmt *value_find;
	sqlite3_stmt *value_add;
	/* journey freshness (webadmin): another connection's journey replace
	 * is noticed through PRAGMA data_version and meta 'journey.version'. */
	sqlite3_stmt *data_version_stmt;
	int64_t data_version;
	int64_t journey_version;
	bool journey_checked; /* checked in the transaction now open */
};

/* A score column's value, TP_SCORE_NONE when NULL. */
static inline int sq_column_score(sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return TP_SCORE_NONE;
	return sqlite3_column_int(st, col);
}

/* Fills err with the database's message for rc, prefixed by what failed. */
enum tp_status sq_error(struct sq_store *s, int rc, const char *what, struct tp_error *err);

/* Runs SQL text with no parameters and no results (DDL, PRAGMA, BEGIN). */
enum tp_status sq_exec(struct sq_store *s, const char *sql, struct tp_error *err);

/* (Re)loads the touchpoint id map and the attribute list from the file. */
enum tp_status sq_load_touchpoints(struct sq_store *s, struct tp_error *err);
enum tp_status sq_load_attributes(struct sq_store *s, struct tp_error *err);

/* Reloads the touchpoint id map when another connection replaced the
 * journey since this one last looked, and (outside a transaction) the
 * attribute list when another connection added attributes
 * (sqlite_journey.c). Cheap when nothing was committed elsewhere: one
 * PRAGMA data_version step. */
enum tp_status sq_journey_sync(struct sq_store *s, struct tp_error *err);
void sq_journey_sync_free(struct sq_store *s);

/* The statement for which, prepared from sql on first use, reset and its
 * bindings cleared; the caller resets it after use and never finalizes
 * it. Returns an SQLite result code. */
int sq_prepare_cached(struct sq_store *s, enum sq_cached which, const char *sql,
		      sqlite3_stmt **out);

/* Transactions (sqlite_store.c); a begin inside a transaction opens a
 * savepoint. sq_transaction_lost: SQLite itself rolled the open
 * transaction back (after an I/O or full-disk error). */
enum tp_status sq_begin(void *impl, struct tp_error *err);
enum tp_status sq_commit(void *impl, struct tp_error *err);
enum tp_status sq_rollback(void *impl, struct tp_error *err);
bool sq_transaction_lost(void *impl);

/* Drops every cache that a rollback could have made stale. */
void sq_forget_caches(struct sq_store *s);

/* Frees what sqlite_responses.c keeps (statements, attribute list). */
void sq_responses_free(struct sq_store *s);

enum tp_status sq_survey_create(void *impl, const struct tp_survey_link *link,
				struct tp_error *err);
enum tp_status sq_survey_get(void *impl, const char *token, struct tp_survey_link *out,
			     struct tp_error *err);
enum tp_status sq_survey_answer(void *impl, const char *token, const struct tp_response *r,
				bool *inserted, struct tp_error *err);
enum tp_status sq_survey_list(void *impl, const char *touchpoint, tp_survey_fn fn, void *ctx,
			      struct tp_error *err);

enum tp_status sq_journey_load(void *impl, struct tp_journey **out, struct tp_error *err);
enum tp_status sq_journey_replace(void *impl, const struct tp_journey *journey, bool force,
				  int64_t *unassigned, struct tp_error *err);
enum tp_status sq_response_insert(void *impl, const struct tp_response *r, bool *inserted,
				  struct tp_error *err);
enum tp_status sq_response_add(void *impl, const struct tp_response *r, struct tp_error *err);
enum tp_status sq_response_flush(void *impl, int64_t *inserted, struct tp_error *err);
/* Writes queued rows (keeping their count for the next flush report). */
enum tp_status sq_batch_write(struct sq_store *s, struct tp_error *err);
/* Drops queued rows (after a rollback). */
void sq_batch_discard(struct sq_store *s);
enum tp_status sq_responses_each(void *impl, int64_t limit, bool newest_first, tp_response_fn fn,
				 void *ctx, struct tp_error *err);
enum tp_status sq_touchpoint_counts(void *impl, const struct tp_journey *journey,
				    int64_t *counts, struct tp_error *err);

enum tp_status sq_scan(void *impl, const struct tp_journey *journey, int64_t after_id,
		       tp_store_row_fn fn, void *ctx, struct tp_error *err);
size_t sq_attribute_count(void *impl);
const char *sq_attribute_name(void *impl, size_t index);
enum tp_status sq_attribute_values(void *impl, size_t index, int64_t after_id,
				   tp_store_value_fn fn, void *ctx, struct tp_error *err);
enum tp_status sq_comments(void *impl, const struct tp_comment_query *q, tp_comment_fn fn,
			   void *ctx, int64_t *total, struct tp_error *err);
enum tp_status sq_score_histogram(void *impl, const char *touchpoint, const char *column,
				  int64_t counts[11], struct tp_error *err);

/* text analytics (sqlite_text.c, textlearn) */
enum tp_status sq_text_rows(void *impl, const struct tp_text_query *q, tp_text_row_fn fn,
			    void *ctx, struct tp_error *err);
enum tp_status sq_analysis_add(void *impl, const struct tp_comment_analysis *rows, size_t n,
			       struct tp_error *err);
enum tp_status sq_analysis_counts(void *impl, int64_t *analysed, int64_t *pending,
				  struct tp_error *err);
enum tp_status sq_analysis_each(void *impl, int64_t after_id, tp_analysis_fn fn, void *ctx,
				struct tp_error *err);
enum tp_status sq_text_model_put(void *impl, const struct tp_text_model_info *info,
				 const void *blob, size_t len, struct tp_error *err);
enum tp_status sq_text_model_get(void *impl, const char *lang, struct tp_text_model_info *info,
				 void **blob, size_t *len, struct tp_error *err);
enum tp_status sq_emotion_counts(void *impl, const char *touchpoint, int64_t *analysed,
				 int64_t with_emotion[6], struct tp_error *err);

/* business outcomes and benchmarks (sqlite_analysis.c, outcomes) */
enum tp_status sq_outcome_put(void *impl, const struct tp_outcome_row *rows, size_t n,
			      struct tp_error *err);
enum tp_status sq_outcome_each(void *impl, const char *name, tp_outcome_fn fn, void *ctx,
			       struct tp_error *err);
enum tp_status sq_outcome_names(void *impl, tp_outcome_name_fn fn, void *ctx,
				struct tp_error *err);
enum tp_status sq_outcome_counts(void *impl, struct tp_outcome_counts *out,
				 struct tp_error *err);
enum tp_status sq_respondents_unanswered(void *impl, const char *const *keys, size_t n,
					 int64_t *out, struct tp_error *err);
enum tp_status sq_benchmark_put(void *impl, const struct tp_benchmark_row *rows, size_t n,
				struct tp_error *err);
enum tp_status sq_benchmark_each(void *impl, const char *metric, const char *period,
				 tp_benchmark_fn fn, void *ctx, struct tp_error *err);
enum tp_status sq_meta_get(void *impl, const char *key, char *buf, size_t size,
			   struct tp_error *err);
enum tp_status sq_meta_set(void *impl, const char *key, const char *value, struct tp_error *err);

#endif
