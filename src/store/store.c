/* store/store.c - the public store API, dispatching to a backend.
 *
 * Chooses the backend from the path (only SQLite files today; a
 * "postgresql://" URI is reserved for the PostgreSQL backend) and forwards
 * each call. Holds no SQL. */
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"



struct tp_store {
	const struct tp_store_backend *backend;
	void *impl;
	int found_version;
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

enum tp_status tp_store_survey_answer(struct tp_store *s, const char *token,
				      const struct tp_response *r, bool *inserted,
				      struct tp_error *err)
{
	return s->backend->survey_answer(s->impl, token, r, inserted, err);
}

enum tp_status tp_store_survey_list(struct tp_store *s, const char *touchpoint, tp_survey_fn fn,
				    void *ctx, struct tp_error *err)
{
	return s->backend->survey_list(s->impl, touchpoint, fn, ctx, err);
}
