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
	/* text analytics (textlearn) */
	enum tp_status (*text_rows)(void *impl, const struct tp_text_query *q, tp_text_row_fn fn,
				    void *ctx, struct tp_error *err);
	enum tp_status (*analysis_add)(void *impl, const struct tp_comment_analysis *rows,
				       size_t n, struct tp_error *err);
	enum tp_status (*analysis_counts)(void *impl, int64_t *analysed, int64_t *pending,
					  struct tp_error *err);
	enum tp_status (*analysis_each)(void *impl, int64_t after_id, tp_analysis_fn fn,
					void *ctx, struct tp_error *err);
	enum tp_status (*text_model_put)(void *impl, const struct tp_text_model_info *info,
					 const void *blob, size_t len, struct tp_error *err);
	enum tp_status (*text_model_get)(void *impl, const char *lang,
					 struct tp_text_model_info *info, void **blob,
					 size_t *len, struct tp_error *err);
	enum tp_status (*emotion_counts)(void *impl, const char *touchpoint, int64_t *analysed,
					 int64_t with_emotion[6], struct tp_error *err);
	/* web performance (group commit): the backend rolled back by itself */
	bool (*transaction_lost)(void *impl);
	/* web performance (page cache): changes when another connection commits */
	enum tp_status (*data_version)(void *impl, int64_t *out, struct tp_error *err);
	/* business outcomes and benchmarks (outcomes) */
	enum tp_status (*outcome_put)(void *impl, const struct tp_outcome_row *rows, size_t n,
				      struct tp_error *err);
	enum tp_status (*outcome_each)(void *impl, const char *name, tp_outcome_fn fn, void *ctx,
				       struct tp_error *err);
	enum tp_status (*outcome_names)(void *impl, tp_outcome_name_fn fn, void *ctx,
					struct tp_error *err);
	enum tp_status (*outcome_counts)(void *impl, struct tp_outcome_counts *out,
					 struct tp_error *err);
	enum tp_status (*respondents_unanswered)(void *impl, const char *const *keys, size_t n,
						 int64_t *out, struct tp_error *err);
	enum tp_status (*benchmark_put)(void *impl, const struct tp_benchmark_row *rows, size_t n,
					struct tp_error *err);
	enum tp_status (*benchmark_each)(void *impl, const char *metric, const char *period,
					 tp_benchmark_fn fn, void *ctx, struct tp_error *err);
	enum tp_status (*meta_get)(void *impl, const char *key, char *buf, size_t size,
				   struct tp_error *err);
	enum tp_status (*meta_set)(void *impl, const char *key, const char *value,
				   struct tp_error *err);
};

/* The schema version this program writes; every backend migrates to it. */
#define TP_SCHEMA_VERSION 3

extern const struct tp_store_backend tp_sqlite_backend;

#endif
