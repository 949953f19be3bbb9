/* store/backend.h - what a storage backend implements.
 *
 * store.c holds the public tp_store_* functions and dispatches to a backend
 * through this table. The SQLite backend (store/sqlite_*.c) is the embedded
 * default; a PostgreSQL backend fills in the same table. Each operation has
 * the contract of the public function of the same name in touchpoint/store.h. */
#ifndef TP_STORE_BACKEND_H
#define TP_STORE_BACKEND_H

#include "touchpoint/store.h"

struct tp_store_backend {
	const char *name;
	enum tp_status (*open)(const char *path, enum tp_store_mode mode, void **impl,
			       int *found_version, struct tp_error *err);
	void (*close)(void *impl);
	enum tp_status (*journey_load)(void *impl, struct tp_journey **out, struct tp_error *err);
	enum tp_status (*journey_replace)(void *impl, const struct tp_journey *journey, bool force,
					  int64_t *unassigned, struct tp_error *err);
	enum tp_status (*begin)(void *impl, struct tp_error *err);
	enum tp_status (*commit)(void *impl, struct tp_error *err);
	enum tp_status (*rollback)(void *impl, struct tp_error *err);
	enum tp_status (*response_insert)(void *impl, const struct tp_response *r, bool *inserted,
					  struct tp_error *err);
	enum tp_status (*response_add)(void *impl, const struct tp_response *r,
				       struct tp_error *err);
	enum tp_status (*response_flush)(void *impl, int64_t *inserted, struct tp_error *err);
	bool (*has_touchpoint)(void *impl, const char *id);
	enum tp_status (*counts)(void *impl, struct tp_store_counts *out, struct tp_error *err);
	enum tp_status (*touchpoint_counts)(void *impl, const struct tp_journey *journey,
					    int64_t *counts, struct tp_error *err);
	enum tp_status (*responses_each)(void *impl, int64_t limit, bool newest_first,
					 tp_response_fn fn, void *ctx, struct tp_error *err);
	enum tp_status (*scan)(void *impl, const struct tp_journey *journey, int64_t after_id,
			       tp_store_row_fn fn, void *ctx, struct tp_error *err);
	size_t (*attribute_count)(void *impl);
	const char *(*attribute_name)(void *impl, size_t index);
	enum tp_status (*attribute_values)(void *impl, size_t index, int64_t after_id,
					   tp_store_value_fn fn, void *ctx, struct tp_error *err);
	enum tp_status (*comments)(void *impl, const struct tp_comment_query *q,
				   tp_comment_fn fn, void *ctx, int64_t *total,
				   struct tp_error *err);
	enum tp_status (*score_histogram)(void *impl, const char *touchpoint,
					  const char *column, int64_t counts[11],
					  struct tp_error *err);
	enum tp_status (*survey_create)(void *impl, const struct tp_survey_link *link,
					struct tp_error *err);
	enum tp_status (*survey_get)(void *impl, const char *token, struct tp_survey_link *out,
				     struct tp_error *err);
	enum tp_status (*survey_answer)(void *impl, const char *token,
					const struct tp_response *r, bool *inserted,
					struct tp_error *err);
	enum tp_status (*survey_list)(void *impl, const char *touchpoint, tp_survey_fn fn,
				      void *ctx, struct tp_error *err);
};

/* The schema version this program writes; every backend migrates to it. */
#define TP_SCHEMA_VERSION 3

extern const struct tp_store_backend tp_sqlite_backend;

#endif
