/* store/sqlite_scan.c - reading responses as integers for in-memory views.
 *
 * One pass over the response table in row-id order, after a given id, so a
 * view can be built once and then extended with what was added since. Text
 * is not copied: the respondent id becomes a 64-bit hash (FNV-1a), the
 * comment a flag, attributes their dictionary ids. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_internal.h"

size_t sq_attribute_count(void *impl)
{
	struct sq_store *s = impl;
	sq_journey_sync(s, NULL); /* webadmin: attributes another connection added */
	return s->n_attrs;
}

const char *sq_attribute_name(void *impl, size_t index)
{
	struct sq_store *s = impl;
	return index < s->n_attrs ? s->attrs[index].name : NULL;
}

static uint64_t hash_text(const unsigned char *t)
{
	if (!t || !*t)
		return 0;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *t; t++) {
		h ^= *t;
		h *= 0x100000001b3ULL;
	}
	return h ? h : 1;
}

/* Maps the store's touchpoint row ids to indexes into the journey. */
static enum tp_status touchpoint_indexes(struct sq_store *s, const struct tp_journey *j,
					 struct tp_strmap *out, struct tp_error *err)
{
	for (size_t i = 0; i < j->n_touchpoints; i++) {
		const char *key = j->touchpoints[i].id;
		int64_t id;
		if (!tp_strmap_get(s->touchpoints, key, strlen(key), &id))
			return tp_error_set(err, TP_EUSAGE, "the journey given is not the stored one");
		char idkey[8];
		memcpy(idkey, &id, 8);
		if (!tp_strmap_put(out, idkey, 8, (int64_t)i))
			return tp_error_set(err, TP_ENOMEM, "out of memory");
	}
	return TP_OK;
}

static enum tp_status prepare_scan(struct sq_store *s, sqlite3_stmt **out, struct tp_error *err)
{
	size_t cap = 512 + s->n_attrs * 24;
	char *sql = malloc(cap);
	if (!sql)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	size_t len = (size_t)snprintf(sql, cap,
				      "SELECT id, submitted_at, touchpoint_id, respondent_type, nps,"
				      " csat, ces, emotion, comment IS NOT NULL AND comment <> '',"
				      " respondent_key");
	for (size_t i = 0; i < s->n_attrs; i++)
		len += (size_t)snprintf(sql + len, cap - len, ", a%lld", (long long)s->attrs[i].id);
	snprintf(sql + len, cap - len, " FROM response WHERE id > ?1 ORDER BY id");
	int rc = sqlite3_prepare_v2(s->db, sql, -1, out, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "reading responses", err);
	return TP_OK;
}

enum tp_status sq_scan(void *impl, const struct tp_journey *journey, int64_t after_id,
		       tp_store_row_fn fn, void *ctx, struct tp_error *err)
{
	struct sq_store *s = impl;
	enum tp_status st = sq_batch_write(s, err);
	if (st != TP_OK)
		return st;
	struct tp_strmap *tps = tp_strmap_new();
	sqlite3_stmt *q = NULL;
	int64_t attrs[TP_ATTRS_MAX];
	size_t n_attrs = s->n_attrs;
	if (!tps)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	st = sq_journey_sync(s, err);
	if (st == TP_OK)
		st = touchpoint_indexes(s, journey, tps, err);
	if (st == TP_OK)
		st = prepare_scan(s, &q, err);
	if (st != TP_OK)
		goto out;
	sqlite3_bind_int64(q, 1, after_id);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct tp_store_row row = {
			.id = sqlite3_column_int64(q, 0),
			.submitted_at = sqlite3_column_int64(q, 1),
			.touchpoint = -1,
			.respondent_type = (enum tp_respondent_type)sqlite3_column_int(q, 3),
			.nps = sq_column_score(q, 4),
			.csat = sq_column_score(q, 5),
			.ces = sq_column_score(q, 6),
			.emotion = sq_column_score(q, 7),
			.has_comment = sqlite3_column_int(q, 8) != 0,
			.respondent = hash_text(sqlite3_column_text(q, 9)),
			.n_attrs = n_attrs,
			.attrs = attrs,
		};
		if (sqlite3_column_type(q, 2) != SQLITE_NULL) {
			int64_t id = sqlite3_column_int64(q, 2), index;
			char idkey[8];
			memcpy(idkey, &id, 8);
			if (tp_strmap_get(tps, idkey, 8, &index))
				row.touchpoint = (int)index;
		}
		for (size_t i = 0; i < n_attrs; i++)
			attrs[i] = sqlite3_column_int64(q, 10 + (int)i);
		if (fn(&row, ctx) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		st = sq_error(s, rc, "reading responses", err);
out:
	sqlite3_finalize(q);
	tp_strmap_free(tps);
	return st;
}

enum tp_status sq_attribute_values(void *impl, size_t index, int64_t after_id,
				   tp_store_value_fn fn, void *ctx, struct tp_error *err)
{
	struct sq_store *s = impl;
	if (index >= s->n_attrs)
		return tp_error_set(err, TP_EUSAGE, "no attribute number %zu", index);
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(s->db, "SELECT id, value FROM attribute_value"
					   " WHERE attribute_id = ?1 AND id > ?2 ORDER BY id",
				    -1, &q, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(q, 1, s->attrs[index].id);
		sqlite3_bind_int64(q, 2, after_id);
	}
	while (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (fn(sqlite3_column_int64(q, 0), (const char *)sqlite3_column_text(q, 1), ctx)) {
			rc = SQLITE_DONE;
			break;
		}
		rc = SQLITE_OK;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return sq_error(s, rc, "reading attribute values", err);
	return TP_OK;
}
