/* store/store.c - the public store API, dispatching to a backend.
 *
 * Chooses the backend from the path (only SQLite files today; a
 * "postgresql://" URI is reserved for the PostgreSQL backend) and forwards
 * each call. Holds no SQL. */
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "store/group_commit.h"



struct tp_store {
	const struct tp_store_backend *backend;
	void *impl;
	int found_version;
	struct tp_group_commit *group_commit; /* not owned; NULL: commit here */
};

int tp_store_schema_version(void)
{
	return TP_SCHEMA_VERSION;
}

const char *tp_store_default_path(const char *explicit_path)
{
	if (explicit_path && *explicit_path)
		return explicit_path;
	const char *env = getenv("TOUCHPOINT_DB");
	if (env && *env)
		return env;
	return "./touchpoint.db";
}

enum tp_status tp_store_open(const char *path, enum tp_store_mode mode, struct tp_store **out,
			     struct tp_error *err)
{
	*out = NULL;
	if (strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0)
		return tp_error_set(err, TP_EUSAGE,
				    "PostgreSQL stores are not available in this build; use a "
				    "SQLite file path");
	struct tp_store *s = calloc(1, sizeof *s);
	if (!s)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	s->backend = &tp_sqlite_backend;
	enum tp_status st = s->backend->open(path, mode, &s->impl, &s->found_version, err);
	if (st != TP_OK) {
		free(s);
		return st;
	}
	*out = s;
	return TP_OK;
}

void tp_store_close(struct tp_store *s)
{
	if (!s)
		return;
	s->backend->close(s->impl);
	free(s);
}

int tp_store_found_version(const struct tp_store *s)
{
	return s->found_version;
}

enum tp_status tp_store_journey_load(struct tp_store *s, struct tp_journey **out,
				     struct tp_error *err)
{
	return s->backend->journey_load(s->impl, out, err);
}

enum tp_status tp_store_journey_replace(struct tp_store *s, const struct tp_journey *journey,
					bool force, int64_t *unassigned, struct tp_error *err)
{
	return s->backend->journey_replace(s->impl, journey, force, unassigned, err);
}

enum tp_status tp_store_begin(struct tp_store *s, struct tp_error *err)
{
	return s->backend->begin(s->impl, err);
}

enum tp_status tp_store_commit(struct tp_store *s, struct tp_error *err)
{
	return s->backend->commit(s->impl, err);
}

enum tp_status tp_store_rollback(struct tp_store *s, struct tp_error *err)
{
	return s->backend->rollback(s->impl, err);
}

enum tp_status tp_store_response_insert(struct tp_store *s, const struct tp_response *r,
					bool *inserted, struct tp_error *err)
{
	return s->backend->response_insert(s->impl, r, inserted, err);
}

enum tp_status tp_store_response_add(struct tp_store *s, const struct tp_response *r,
				     struct tp_error *err)
{
	return s->backend->response_add(s->impl, r, err);
}

enum tp_status tp_store_response_flush(struct tp_store *s, int64_t *inserted,
				       struct tp_error *err)
{
	return s->backend->response_flush(s->impl, inserted, err);
}

bool tp_store_has_touchpoint(struct tp_store *s, const char *id)
{
	return s->backend->has_touchpoint(s->impl, id);
}

enum tp_status tp_store_counts(struct tp_store *s, struct tp_store_counts *out,
			       struct tp_error *err)
{
	return s->backend->counts(s->impl, out, err);
}

enum tp_status tp_store_touchpoint_counts(struct tp_store *s, const struct tp_journey *journey,
					  int64_t *counts, struct tp_error *err)
{
	return s->backend->touchpoint_counts(s->impl, journey, counts, err);
}

enum tp_status tp_store_responses_each(struct tp_store *s, int64_t limit, bool newest_first,
				       tp_response_fn fn, void *ctx, struct tp_error *err)
{
	return s->backend->responses_each(s->impl, limit, newest_first, fn, ctx, err);
}

enum tp_status tp_store_scan(struct tp_store *s, const struct tp_journey *journey,
			     int64_t after_id, tp_store_row_fn fn, void *ctx, struct tp_error *err)
{
	return s->backend->scan(s->impl, journey, after_id, fn, ctx, err);
}

size_t tp_store_attribute_count(struct tp_store *s)
{
	return s->backend->attribute_count(s->impl);
}

const char *tp_store_attribute_name(struct tp_store *s, size_t index)
{
	return s->backend->attribute_name(s->impl, index);
}

enum tp_status tp_store_attribute_values(struct tp_store *s, size_t index, int64_t after_id,
					 tp_store_value_fn fn, void *ctx, struct tp_error *err)
{
	return s->backend->attribute_values(s->impl, index, after_id, fn, ctx, err);
}

enum tp_status tp_store_comments(struct tp_store *s, const struct tp_comment_query *q,
				 tp_comment_fn fn, void *ctx, int64_t *total, struct tp_error *err)
{
	return s->backend->comments(s->impl, q, fn, ctx, total, err);
}

enum tp_status tp_store_score_histogram(struct tp_store *s, const char *touchpoint,
					const char *column, int64_t counts[11],
					struct tp_error *err)
{
	return s->backend->score_histogram(s->impl, touchpoint, column, counts, err);
}

enum tp_status tp_store_survey_create(struct tp_store *s, const struct tp_survey_link *link,
				      struct tp_error *err)
{
	return s->backend->survey_create(s->impl, link, err);
}

enum tp_status tp_store_survey_get(struct tp_store *s, const char *token,
				   struct tp_survey_link *out, struct tp_error *err)
{
	return s->backend->survey_get(s->impl, token, out, err);
}

/* A survey answer handed to the group commit writer. */
struct survey_work {
	const char *token;
	const struct tp_response *r;
	bool *inserted;
};

static enum tp_status survey_work_run(struct tp_store *writer, void *ctx, struct tp_error *err)
{
	struct survey_work *w = ctx;
	*w->inserted = false;
	return writer->backend->survey_answer(writer->impl, w->token, w->r, w->inserted, err);
}

enum tp_status tp_store_survey_answer(struct tp_store *s, const char *token,
				      const struct tp_response *r, bool *inserted,
				      struct tp_error *err)
{
	if (s->group_commit) {
		struct survey_work w = {token, r, inserted};
		*inserted = false;
		return tp_group_commit_run(s->group_commit, survey_work_run, &w, err);
	}
	return s->backend->survey_answer(s->impl, token, r, inserted, err);
}

enum tp_status tp_store_survey_list(struct tp_store *s, const char *touchpoint, tp_survey_fn fn,
				    void *ctx, struct tp_error *err)
{
	return s->backend->survey_list(s->impl, touchpoint, fn, ctx, err);
}

/* --- group commit (web performance): store/group_commit.h --- */

void tp_store_set_group_commit(struct tp_store *s, struct tp_group_commit *gc)
{
	s->group_commit = gc;
}

struct tp_group_commit *tp_store_group_commit(const struct tp_store *s)
{
	return s->group_commit;
}

enum tp_status tp_store_data_version(struct tp_store *s, int64_t *out, struct tp_error *err)
{
	if (!s->backend->data_version)
		return tp_error_set(err, TP_EUSAGE, "this store has no data version");
	return s->backend->data_version(s->impl, out, err);
}

bool tp_store_transaction_lost(struct tp_store *s)
{
	return s->backend->transaction_lost && s->backend->transaction_lost(s->impl);
}

/* --- text analytics (textlearn) --- */

enum tp_status tp_store_text_rows(struct tp_store *s, const struct tp_text_query *q,
				  tp_text_row_fn fn, void *ctx, struct tp_error *err)
{
	return s->backend->text_rows(s->impl, q, fn, ctx, err);
}

enum tp_status tp_store_analysis_add(struct tp_store *s, const struct tp_comment_analysis *rows,
				     size_t n, struct tp_error *err)
{
	return s->backend->analysis_add(s->impl, rows, n, err);
}

enum tp_status tp_store_analysis_counts(struct tp_store *s, int64_t *analysed, int64_t *pending,
					struct tp_error *err)
{
	return s->backend->analysis_counts(s->impl, analysed, pending, err);
}

enum tp_status tp_store_analysis_each(struct tp_store *s, int64_t after_id, tp_analysis_fn fn,
				      void *ctx, struct tp_error *err)
{
	return s->backend->analysis_each(s->impl, after_id, fn, ctx, err);
}

enum tp_status tp_store_text_model_put(struct tp_store *s, const struct tp_text_model_info *info,
				       const void *blob, size_t len, struct tp_error *err)
{
	return s->backend->text_model_put(s->impl, info, blob, len, err);
}

enum tp_status tp_store_text_model_get(struct tp_store *s, const char *lang,
				       struct tp_text_model_info *info, void **blob, size_t *len,
				       struct tp_error *err)
{
	return s->backend->text_model_get(s->impl, lang, info, blob, len, err);
}

/* --- business outcomes and benchmarks (outcomes) --- */

enum tp_status tp_store_outcome_put(struct tp_store *s, const struct tp_outcome_row *rows,
				    size_t n, struct tp_error *err)
{
	return s->backend->outcome_put(s->impl, rows, n, err);
}

enum tp_status tp_store_outcome_each(struct tp_store *s, const char *name, tp_outcome_fn fn,
				     void *ctx, struct tp_error *err)
{
	return s->backend->outcome_each(s->impl, name, fn, ctx, err);
}

enum tp_status tp_store_outcome_names(struct tp_store *s, tp_outcome_name_fn fn, void *ctx,
				      struct tp_error *err)
{
	return s->backend->outcome_names(s->impl, fn, ctx, err);
}

enum tp_status tp_store_outcome_counts(struct tp_store *s, struct tp_outcome_counts *out,
				       struct tp_error *err)
{
	return s->backend->outcome_counts(s->impl, out, err);
}

enum tp_status tp_store_respondents_unanswered(struct tp_store *s, const char *const *keys,
					       size_t n, int64_t *out, struct tp_error *err)
{
	return s->backend->respondents_unanswered(s->impl, keys, n, out, err);
}

enum tp_status tp_store_benchmark_put(struct tp_store *s, const struct tp_benchmark_row *rows,
				      size_t n, struct tp_error *err)
{
	return s->backend->benchmark_put(s->impl, rows, n, err);
}

enum tp_status tp_store_benchmark_each(struct tp_store *s, const char *metric,
				       const char *period, tp_benchmark_fn fn, void *ctx,
				       struct tp_error *err)
{
	return s->backend->benchmark_each(s->impl, metric, period, fn, ctx, err);
}

enum tp_status tp_store_meta_get(struct tp_store *s, const char *key, char *buf, size_t size,
				 struct tp_error *err)
{
	return s->backend->meta_get(s->impl, key, buf, size, err);
}

enum tp_status tp_store_meta_set(struct tp_store *s, const char *key, const char *value,
				 struct tp_error *err)
{
	return s->backend->meta_set(s->impl, key, value, err);
}

enum tp_status tp_store_emotion_counts(struct tp_store *s, const char *touchpoint,
				       int64_t *analysed, int64_t with_emotion[6],
				       struct tp_error *err)
{
	return s->backend->emotion_counts(s->impl, touchpoint, analysed, with_emotion, err);
}
