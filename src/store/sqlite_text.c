/* store/sqlite_text.c - the SQLite side of text analytics: reading
 * comments (all, not yet analysed, or labelled by a score), writing and
 * reading their analyses (comment_analysis) and the learned models
 * (text_model).
 *
 * Every value is a bound parameter; no text is pasted into SQL. Writes
 * join the caller's transaction when one is open. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_internal.h"

enum tp_status sq_text_rows(void *impl, const struct tp_text_query *q, tp_text_row_fn fn,
			    void *ctx, struct tp_error *err)
{
	struct sq_store *s = impl;
	enum tp_status r = sq_batch_write(s, err);
	if (r != TP_OK)
		return r;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(
	    s->db,
	    "SELECT r.id, r.comment, r.lang, t.key, r.respondent_type, r.nps, r.csat"
	    " FROM response r LEFT JOIN touchpoint t ON t.id = r.touchpoint_id"
	    " WHERE r.id > ?1 AND r.comment IS NOT NULL AND r.comment <> ''"
	    " AND (?2 = 0 OR NOT EXISTS (SELECT 1 FROM comment_analysis a"
	    "                            WHERE a.response_id = r.id))"
	    " AND (?3 = 0 OR r.respondent_type = 0)"
	    " AND (?4 = 0 OR r.nps IS NOT NULL OR r.csat IS NOT NULL)"
	    " AND (?5 = '' OR t.key = ?5)"
	    " ORDER BY r.id LIMIT ?6",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "reading comments", err);
	sqlite3_bind_int64(st, 1, q->after_id);
	sqlite3_bind_int(st, 2, q->pending);
	sqlite3_bind_int(st, 3, q->customers);
	sqlite3_bind_int(st, 4, q->scored);
	sqlite3_bind_text(st, 5, q->touchpoint ? q->touchpoint : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, q->limit > 0 ? q->limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tp_text_row row = {
		    .id = sqlite3_column_int64(st, 0),
		    .comment = (const char *)sqlite3_column_text(st, 1),
		    .comment_len = (size_t)sqlite3_column_bytes(st, 1),
		    .lang = (const char *)sqlite3_column_text(st, 2),
		    .touchpoint = (const char *)sqlite3_column_text(st, 3),
		    .respondent_type = (enum tp_respondent_type)sqlite3_column_int(st, 4),
		    .nps = sq_column_score(st, 5),
		    .csat = sq_column_score(st, 6),
		};
		if (!row.comment)
			continue;
		if (fn(&row, ctx) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		r = sq_error(s, rc, "reading comments", err);
	sqlite3_finalize(st);
	return r;
}

enum tp_status sq_analysis_add(void *impl, const struct tp_comment_analysis *rows, size_t n,
			       struct tp_error *err)
{
	struct sq_store *s = impl;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(
	    s->db,
	    "INSERT OR IGNORE INTO comment_analysis (response_id, lang, model, compound, label,"
	    " joy, trust, surprise, anger, fear, sadness)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "storing comment analyses", err);
	for (size_t i = 0; i < n && (rc == SQLITE_OK || rc == SQLITE_DONE); i++) {
		const struct tp_comment_analysis *a = &rows[i];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, a->response_id);
		sqlite3_bind_text(st, 2, a->lang, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, a->model, -1, SQLITE_STATIC);
		sqlite3_bind_double(st, 4, a->compound);
		sqlite3_bind_int(st, 5, a->label < 0 ? -1 : a->label > 0);
		for (int e = 0; e < 6; e++)
			sqlite3_bind_double(st, 6 + e, a->emotions[e]);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK && rc != SQLITE_DONE)
		return sq_error(s, rc, "storing comment analyses", err);
	return TP_OK;
}

static enum tp_status count_of(struct sq_store *s, const char *sql, int64_t *out,
			       struct tp_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "counting comments", err);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? TP_OK : sq_error(s, rc, "counting comments", err);
}

enum tp_status sq_analysis_counts(void *impl, int64_t *analysed, int64_t *pending,
				  struct tp_error *err)
{
	struct sq_store *s = impl;
	enum tp_status r = sq_batch_write(s, err);
	if (r == TP_OK && analysed)
		r = count_of(s, "SELECT count(*) FROM comment_analysis", analysed, err);
	if (r == TP_OK && pending)
		r = count_of(s,
			     "SELECT count(*) FROM response r WHERE r.comment IS NOT NULL"
			     " AND r.comment <> '' AND NOT EXISTS (SELECT 1 FROM comment_analysis"
			     " a WHERE a.response_id = r.id)",
			     pending, err);
	return r;
}

static void copy_text(char *dst, size_t cap, const unsigned char *src)
{
	snprintf(dst, cap, "%s", src ? (const char *)src : "");
}

enum tp_status sq_analysis_each(void *impl, int64_t after_id, tp_analysis_fn fn, void *ctx,
				struct tp_error *err)
{
	struct sq_store *s = impl;
	enum tp_status r = sq_batch_write(s, err);
	if (r != TP_OK)
		return r;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db,
				    "SELECT response_id, lang, model, compound, label, joy, trust,"
				    " surprise, anger, fear, sadness FROM comment_analysis"
				    " WHERE response_id > ?1 ORDER BY response_id",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "reading comment analyses", err);
	sqlite3_bind_int64(st, 1, after_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tp_comment_analysis a = {
		    .response_id = sqlite3_column_int64(st, 0),
		    .compound = sqlite3_column_double(st, 3),
		    .label = sqlite3_column_int(st, 4),
		};
		copy_text(a.lang, sizeof a.lang, sqlite3_column_text(st, 1));
		copy_text(a.model, sizeof a.model, sqlite3_column_text(st, 2));
		for (int e = 0; e < 6; e++)
			a.emotions[e] = sqlite3_column_double(st, 5 + e);
		if (fn(&a, ctx) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		r = sq_error(s, rc, "reading comment analyses", err);
	sqlite3_finalize(st);
	return r;
}

enum tp_status sq_text_model_put(void *impl, const struct tp_text_model_info *info,
				 const void *blob, size_t len, struct tp_error *err)
{
	struct sq_store *s = impl;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db,
				    "INSERT OR REPLACE INTO text_model (lang, trained_at, n, seed,"
				    " cv_accuracy, lexicon_accuracy, model)"
				    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "storing the text model", err);
	sqlite3_bind_text(st, 1, info->lang, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, info->trained_at);
	sqlite3_bind_int64(st, 3, info->n);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)info->seed);
	sqlite3_bind_double(st, 5, info->cv_accuracy);
	sqlite3_bind_double(st, 6, info->lexicon_accuracy);
	sqlite3_bind_blob64(st, 7, blob, (sqlite3_uint64)len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? TP_OK : sq_error(s, rc, "storing the text model", err);
}

enum tp_status sq_text_model_get(void *impl, const char *lang, struct tp_text_model_info *info,
				 void **blob, size_t *len, struct tp_error *err)
{
	struct sq_store *s = impl;
	if (blob)
		*blob = NULL;
	if (len)
		*len = 0;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db,
				    "SELECT trained_at, n, seed, cv_accuracy, lexicon_accuracy, model"
				    " FROM text_model WHERE lang = ?1",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "reading the text model", err);
	sqlite3_bind_text(st, 1, lang, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	enum tp_status r = TP_OK;
	if (rc == SQLITE_DONE) {
		r = tp_error_set(err, TP_ENOTFOUND,
				 "no learned model for language \"%.16s\": run `touchpoint text "
				 "train --lang %.16s` first",
				 lang, lang);
	} else if (rc != SQLITE_ROW) {
		r = sq_error(s, rc, "reading the text model", err);
	} else {
		memset(info, 0, sizeof *info);
		snprintf(info->lang, sizeof info->lang, "%s", lang);
		info->trained_at = sqlite3_column_int64(st, 0);
		info->n = sqlite3_column_int64(st, 1);
		info->seed = (uint64_t)sqlite3_column_int64(st, 2);
		info->cv_accuracy = sqlite3_column_double(st, 3);
		info->lexicon_accuracy = sqlite3_column_double(st, 4);
		if (blob) {
			size_t n = (size_t)sqlite3_column_bytes(st, 5);
			const void *bytes = sqlite3_column_blob(st, 5);
			*blob = malloc(n ? n : 1);
			if (!*blob) {
				r = tp_error_set(err, TP_ENOMEM, "out of memory");
			} else {
				if (n)
					memcpy(*blob, bytes, n);
				*len = n;
			}
		}
	}
	sqlite3_finalize(st);
	return r;
}

enum tp_status sq_emotion_counts(void *impl, const char *touchpoint, int64_t *analysed,
				 int64_t with_emotion[6], struct tp_error *err)
{
	struct sq_store *s = impl;
	*analysed = 0;
	memset(with_emotion, 0, 6 * sizeof with_emotion[0]);
	enum tp_status r = sq_batch_write(s, err);
	if (r != TP_OK)
		return r;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(
	    s->db,
	    "SELECT count(*), coalesce(sum(a.joy > 0), 0), coalesce(sum(a.trust > 0), 0),"
	    " coalesce(sum(a.surprise > 0), 0), coalesce(sum(a.anger > 0), 0),"
	    " coalesce(sum(a.fear > 0), 0), coalesce(sum(a.sadness > 0), 0)"
	    " FROM comment_analysis a JOIN response r ON r.id = a.response_id"
	    " JOIN touchpoint t ON t.id = r.touchpoint_id"
	    " WHERE t.key = ?1 AND r.respondent_type = 0",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "reading emotions", err);
	sqlite3_bind_text(st, 1, touchpoint, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*analysed = sqlite3_column_int64(st, 0);
		for (int e = 0; e < 6; e++)
			with_emotion[e] = sqlite3_column_int64(st, 1 + e);
	} else {
		r = sq_error(s, rc, "reading emotions", err);
	}
	sqlite3_finalize(st);
	return r;
}
