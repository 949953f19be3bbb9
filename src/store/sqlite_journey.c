/* store/sqlite_journey.c - reading and replacing the journey in SQLite.
 *
 * A replace matches phases, channels and touchpoints by their ids (the
 * `key` columns) and updates them in place, so the integer row ids that
 * responses point at survive a re-import. Touchpoints that disappear are
 * deleted with their survey links; their responses are unassigned only
 * when forced. A replace also bumps meta 'journey.version', by which other
 * connections notice it (sq_journey_sync). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_internal.h"

static char *dup_col(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? strdup((const char *)t) : NULL;
}

/* Runs a query whose rows are (key, name) into parallel id/name arrays. */
static enum tp_status load_named(struct sq_store *s, const char *sql, size_t *n_out,
				 void **items, size_t item_size, struct tp_error *err)
{
	sqlite3_stmt *st = NULL;
	size_t n = 0, cap = 0;
	char *arr = NULL;
	enum tp_status status = TP_OK;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			char *grown = realloc(arr, cap * item_size);
			if (!grown) {
				status = tp_error_set(err, TP_ENOMEM, "out of memory");
				break;
			}
			arr = grown;
		}
		/* struct tp_phase and struct tp_channel are both {id, name}. */
		char **pair = (char **)(arr + n * item_size);
		pair[0] = dup_col(st, 0);
		pair[1] = dup_col(st, 1);
		n++;
		rc = SQLITE_OK;
	}
	if (status == TP_OK && rc != SQLITE_DONE)
		status = sq_error(s, rc, "loading the journey", err);
	sqlite3_finalize(st);
	*items = arr;
	*n_out = n;
	return status;
}

static enum tp_status load_touchpoints(struct sq_store *s, struct tp_journey *j,
				       struct tp_error *err)
{
	static const char *const sql =
		"SELECT t.key, p.key, c.key, t.name, t.owner, t.customer_problem,"
		" t.customer_goal, t.customer_mood FROM touchpoint t"
		" JOIN phase p ON p.id = t.phase_id JOIN channel c ON c.id = t.channel_id"
		" ORDER BY t.position";
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	enum tp_status status = TP_OK;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (j->n_touchpoints == cap) {
			cap = cap ? 2 * cap : 16;
			struct tp_touchpoint *grown = realloc(j->touchpoints, cap * sizeof *grown);
			if (!grown) {
				status = tp_error_set(err, TP_ENOMEM, "out of memory");
				break;
			}
			j->touchpoints = grown;
		}
		struct tp_touchpoint *t = &j->touchpoints[j->n_touchpoints++];
		t->id = dup_col(st, 0);
		t->phase = dup_col(st, 1);
		t->channel = dup_col(st, 2);
		t->name = dup_col(st, 3);
		t->owner = dup_col(st, 4);
		t->customer_problem = dup_col(st, 5);
		t->customer_goal = dup_col(st, 6);
		t->customer_mood = dup_col(st, 7);
		rc = SQLITE_OK;
	}
	if (status == TP_OK && rc != SQLITE_DONE)
		status = sq_error(s, rc, "loading the journey", err);
	sqlite3_finalize(st);
	return status;
}

static enum tp_status load_name(struct sq_store *s, struct tp_journey *j, struct tp_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'journey.name'",
				    -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		j->name = dup_col(st, 0);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? TP_OK : sq_error(s, rc, "loading the journey", err);
}

enum tp_status sq_journey_load(void *impl, struct tp_journey **out, struct tp_error *err)
{
	struct sq_store *s = impl;
	*out = NULL;
	struct tp_journey *j = calloc(1, sizeof *j);
	if (!j)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	void *phases = NULL, *channels = NULL;
	enum tp_status st = load_name(s, j, err);
	if (st == TP_OK)
		st = load_named(s, "SELECT key, name FROM phase ORDER BY position", &j->n_phases,
				&phases, sizeof(struct tp_phase), err);
	j->phases = phases;
	if (st == TP_OK)
		st = load_named(s, "SELECT key, name FROM channel ORDER BY position",
				&j->n_channels, &channels, sizeof(struct tp_channel), err);
	j->channels = channels;
	if (st == TP_OK)
		st = load_touchpoints(s, j, err);
	if (st != TP_OK) {
		tp_journey_free(j);
		return st;
	}
	*out = j;
	return TP_OK;
}

/* --- replace --- */

static enum tp_status run(struct sq_store *s, sqlite3_stmt *st, const char *what,
			  struct tp_error *err)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sq_error(s, rc, what, err);
	return TP_OK;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static enum tp_status upsert_named(struct sq_store *s, const char *table, size_t n,
				   const char *const *ids, const char *const *names,
				   struct tp_error *err)
{
	char sql[256];
	snprintf(sql, sizeof sql,
		 "INSERT INTO %s (key, name, position) VALUES (?1, ?2, ?3) ON CONFLICT (key)"
		 " DO UPDATE SET name = excluded.name, position = excluded.position",
		 table);
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "saving the journey", err);
	enum tp_status status = TP_OK;
	for (size_t i = 0; i < n && status == TP_OK; i++) {
		bind_text(st, 1, ids[i]);
		bind_text(st, 2, names[i]);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)i);
		status = run(s, st, "saving the journey", err);
	}
	sqlite3_finalize(st);
	return status;
}

static enum tp_status upsert_touchpoints(struct sq_store *s, const struct tp_journey *j,
					 struct tp_error *err)
{
	static const char *const sql =
		"INSERT INTO touchpoint (key, phase_id, channel_id, name, owner,"
		" customer_problem, customer_goal, customer_mood, position)"
		" VALUES (?1, (SELECT id FROM phase WHERE key = ?2),"
		" (SELECT id FROM channel WHERE key = ?3), ?4, ?5, ?6, ?7, ?8, ?9)"
		" ON CONFLICT (key) DO UPDATE SET phase_id = excluded.phase_id,"
		" channel_id = excluded.channel_id, name = excluded.name, owner = excluded.owner,"
		" customer_problem = excluded.customer_problem,"
		" customer_goal = excluded.customer_goal, customer_mood = excluded.customer_mood,"
		" position = excluded.position";
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "saving the journey", err);
	enum tp_status status = TP_OK;
	for (size_t i = 0; i < j->n_touchpoints && status == TP_OK; i++) {
		const struct tp_touchpoint *t = &j->touchpoints[i];
		bind_text(st, 1, t->id);
		bind_text(st, 2, t->phase);
		bind_text(st, 3, t->channel);
		bind_text(st, 4, t->name);
		bind_text(st, 5, t->owner);
		bind_text(st, 6, t->customer_problem);
		bind_text(st, 7, t->customer_goal);
		bind_text(st, 8, t->customer_mood);
		sqlite3_bind_int64(st, 9, (sqlite3_int64)i);
		status = run(s, st, "saving the journey", err);
	}
	sqlite3_finalize(st);
	return status;
}

/* A stored touchpoint that the new journey drops. */
struct dropped {
	int64_t id;
	char *key;
	int64_t responses;
};

static enum tp_status find_dropped(struct sq_store *s, const struct tp_journey *j,
				   struct dropped **out, size_t *n_out, struct tp_error *err)
{
	static const char *const sql =
		"SELECT t.id, t.key, (SELECT count(*) FROM response r WHERE r.touchpoint_id = t.id)"
		" FROM touchpoint t ORDER BY t.position";
	sqlite3_stmt *st = NULL;
	struct dropped *list = NULL;
	size_t n = 0;
	enum tp_status status = TP_OK;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 1);
		rc = SQLITE_OK;
		if (tp_journey_touchpoint(j, key))
			continue;
		struct dropped *grown = realloc(list, (n + 1) * sizeof *grown);
		if (!grown) {
			status = tp_error_set(err, TP_ENOMEM, "out of memory");
			break;
		}
		list = grown;
		list[n].id = sqlite3_column_int64(st, 0);
		list[n].key = strdup(key);
		list[n].responses = sqlite3_column_int64(st, 2);
		n++;
	}
	if (status == TP_OK && rc != SQLITE_DONE)
		status = sq_error(s, rc, "comparing journeys", err);
	sqlite3_finalize(st);
	*out = list;
	*n_out = n;
	return status;
}

static void free_dropped(struct dropped *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i].key);
	free(list);
}

/* Refuses, naming them, when dropped touchpoints hold responses. */
static enum tp_status refuse_dropped(const struct dropped *list, size_t n, struct tp_error *err)
{
	char names[600] = "";
	size_t used = 0, with = 0;
	int64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		if (list[i].responses == 0)
			continue;
		total += list[i].responses;
		if (with++ < 5 && used < sizeof names) {
			int w = snprintf(names + used, sizeof names - used, "%s\"%s\" (%lld)",
					 used ? ", " : "", list[i].key, (long long)list[i].responses);
			used += w > 0 ? (size_t)w : 0;
		}
	}
	if (with == 0)
		return TP_OK;
	return tp_error_set(err, TP_ECONFLICT,
			    "the new journey removes %zu touchpoint%s that still ha%s responses: "
			    "%s%s; %lld response%s would become unassigned. Nothing was changed; "
			    "re-import with --force to do it anyway",
			    with, with == 1 ? "" : "s", with == 1 ? "s" : "ve", names,
			    with > 5 ? ", ..." : "", (long long)total, total == 1 ? "" : "s");
}

static enum tp_status delete_dropped(struct sq_store *s, const struct dropped *list, size_t n,
				     int64_t *unassigned, struct tp_error *err)
{
	sqlite3_stmt *unlink = NULL, *del = NULL, *links = NULL;
	enum tp_status status = TP_OK;
	int rc = sqlite3_prepare_v2(s->db, "UPDATE response SET touchpoint_id = NULL"
					   " WHERE touchpoint_id = ?1", -1, &unlink, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, "DELETE FROM touchpoint WHERE id = ?1", -1, &del,
					NULL);
	/* Survey links of a removed touchpoint could no longer be answered
	 * (an answer needs its touchpoint): they go with it. */
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, "DELETE FROM survey_link WHERE touchpoint_id = ?1",
					-1, &links, NULL);
	if (rc != SQLITE_OK)
		status = sq_error(s, rc, "removing touchpoints", err);
	for (size_t i = 0; i < n && status == TP_OK; i++) {
		if (list[i].responses > 0) {
			sqlite3_bind_int64(unlink, 1, list[i].id);
			status = run(s, unlink, "unassigning responses", err);
			*unassigned += sqlite3_changes(s->db);
		}
		if (status == TP_OK) {
			sqlite3_bind_int64(links, 1, list[i].id);
			status = run(s, links, "removing survey links", err);
		}
		if (status == TP_OK) {
			sqlite3_bind_int64(del, 1, list[i].id);
			status = run(s, del, "removing touchpoints", err);
		}
	}
	sqlite3_finalize(unlink);
	sqlite3_finalize(del);
	sqlite3_finalize(links);
	return status;
}

/* Deletes phases or channels whose key is not among `keep`. */
static enum tp_status delete_unused(struct sq_store *s, const char *table, size_t n,
				    const char *const *keep, struct tp_error *err)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT id, key FROM %s", table);
	sqlite3_stmt *sel = NULL, *del = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &sel, NULL);
	snprintf(sql, sizeof sql, "DELETE FROM %s WHERE id = ?1", table);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, sql, -1, &del, NULL);
	int64_t *gone = NULL;
	size_t n_gone = 0;
	enum tp_status status = TP_OK;
	while (rc == SQLITE_OK && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
		rc = SQLITE_OK;
		const char *key = (const char *)sqlite3_column_text(sel, 1);
		bool kept = false;
		for (size_t i = 0; i < n && !kept; i++)
			kept = strcmp(keep[i], key) == 0;
		if (kept)
			continue;
		int64_t *grown = realloc(gone, (n_gone + 1) * sizeof *grown);
		if (!grown) {
			status = tp_error_set(err, TP_ENOMEM, "out of memory");
			break;
		}
		gone = grown;
		gone[n_gone++] = sqlite3_column_int64(sel, 0);
	}
	if (status == TP_OK && rc != SQLITE_DONE)
		status = sq_error(s, rc, "saving the journey", err);
	for (size_t i = 0; i < n_gone && status == TP_OK; i++) {
		sqlite3_bind_int64(del, 1, gone[i]);
		status = run(s, del, "saving the journey", err);
	}
	free(gone);
	sqlite3_finalize(sel);
	sqlite3_finalize(del);
	return status;
}

static enum tp_status save_name(struct sq_store *s, const char *name, struct tp_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, "INSERT INTO meta (key, value) VALUES"
					   " ('journey.name', ?1) ON CONFLICT (key)"
					   " DO UPDATE SET value = excluded.value",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "saving the journey", err);
	bind_text(st, 1, name ? name : "");
	enum tp_status status = run(s, st, "saving the journey", err);
	sqlite3_finalize(st);
	return status;
}

/* Collects the ids and names of phases or channels as string arrays. */
static enum tp_status id_arrays(size_t n, const void *items, size_t stride, const char ***ids,
				const char ***names, struct tp_error *err)
{
	*ids = calloc(n ? n : 1, sizeof **ids);
	*names = calloc(n ? n : 1, sizeof **names);
	if (!*ids || !*names)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		char *const *pair = (char *const *)((const char *)items + i * stride);
		(*ids)[i] = pair[0];
		(*names)[i] = pair[1];
	}
	return TP_OK;
}

static enum tp_status replace_in_tx(struct sq_store *s, const struct tp_journey *j, bool force,
				    int64_t *unassigned, struct tp_error *err)
{
	struct dropped *dropped = NULL;
	size_t n_dropped = 0;
	const char **pids = NULL, **pnames = NULL, **cids = NULL, **cnames = NULL;
	enum tp_status st = find_dropped(s, j, &dropped, &n_dropped, err);
	if (st == TP_OK && !force)
		st = refuse_dropped(dropped, n_dropped, err);
	if (st == TP_OK)
		st = id_arrays(j->n_phases, j->phases, sizeof *j->phases, &pids, &pnames, err);
	if (st == TP_OK)
		st = id_arrays(j->n_channels, j->channels, sizeof *j->channels, &cids, &cnames, err);
	if (st == TP_OK)
		st = upsert_named(s, "phase", j->n_phases, pids, pnames, err);
	if (st == TP_OK)
		st = upsert_named(s, "channel", j->n_channels, cids, cnames, err);
	if (st == TP_OK)
		st = delete_dropped(s, dropped, n_dropped, unassigned, err);
	if (st == TP_OK)
		st = upsert_touchpoints(s, j, err);
	if (st == TP_OK)
		st = delete_unused(s, "phase", j->n_phases, pids, err);
	if (st == TP_OK)
		st = delete_unused(s, "channel", j->n_channels, cids, err);
	if (st == TP_OK)
		st = save_name(s, j->name, err);
	if (st == TP_OK)
		st = sq_exec(s, "INSERT INTO meta (key, value) VALUES ('journey.version', '1')"
				" ON CONFLICT (key) DO UPDATE SET"
				" value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)", err);
	free(pids);
	free(pnames);
	free(cids);
	free(cnames);
	free_dropped(dropped, n_dropped);
	return st;
}

enum tp_status sq_journey_replace(void *impl, const struct tp_journey *j, bool force,
				  int64_t *unassigned, struct tp_error *err)
{
	struct sq_store *s = impl;
	int64_t count = 0;
	if (unassigned)
		*unassigned = 0;
	if (s->in_tx)
		return tp_error_set(err, TP_EUSAGE, "cannot replace the journey inside a transaction");
	enum tp_status st = sq_exec(s, "BEGIN IMMEDIATE", err);
	if (st != TP_OK)
		return st;
	st = replace_in_tx(s, j, force, &count, err);
	if (st == TP_OK)
		st = sq_exec(s, "COMMIT", err);
	if (st != TP_OK) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		sq_load_touchpoints(s, NULL);
		return st;
	}
	if (unassigned)
		*unassigned = count;
	return sq_load_touchpoints(s, err);
}

/* --- freshness across connections --- */

/* A transaction ended: the next one checks again. */
static int on_commit(void *ctx)
{
	((struct sq_store *)ctx)->journey_checked = false;
	return 0; /* let the commit go on */
}

static void on_rollback(void *ctx)
{
	((struct sq_store *)ctx)->journey_checked = false;
}

/* True when the file holds more attributes than s has loaded. */
static bool more_attributes(struct sq_store *s)
{
	sqlite3_stmt *st = NULL;
	int64_t n = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM attribute", -1, &st, NULL) ==
		SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n > (int64_t)s->n_attrs;
}

enum tp_status sq_journey_sync(struct sq_store *s, struct tp_error *err)
{
	/* Inside a transaction (BEGIN IMMEDIATE holds the write lock) no other
	 * connection can commit: one check per transaction is enough, which
	 * keeps bulk imports from paying a PRAGMA a row. The commit and
	 * rollback hooks clear the mark. */
	if (s->in_tx && s->journey_checked)
		return TP_OK;
	s->journey_checked = s->in_tx;
	if (!s->data_version_stmt) {
		int rc = sqlite3_prepare_v3(s->db, "PRAGMA data_version", -1,
					    SQLITE_PREPARE_PERSISTENT, &s->data_version_stmt, NULL);
		if (rc != SQLITE_OK)
			return sq_error(s, rc, "checking the journey version", err);
		s->data_version = -1;
		s->journey_version = -1;
		sqlite3_commit_hook(s->db, on_commit, s);
		sqlite3_rollback_hook(s->db, on_rollback, s);
	}
	int rc = sqlite3_step(s->data_version_stmt);
	int64_t dv = rc == SQLITE_ROW ? sqlite3_column_int64(s->data_version_stmt, 0) : -1;
	sqlite3_reset(s->data_version_stmt);
	if (rc != SQLITE_ROW)
		return sq_error(s, rc, "checking the journey version", err);
	if (dv == s->data_version)
		return TP_OK;
	s->data_version = dv;
	/* webadmin: another connection (the group commit writer, an import)
	 * may have added segment attributes. Outside a transaction (nothing
	 * queued) the attribute list and what depends on it are reloaded. */
	if (!s->in_tx && s->n_attrs < TP_ATTRS_MAX && more_attributes(s))
		sq_forget_caches(s);
	/* Prepared once (webperf): under a stream of survey answers every
	 * request on a reading connection comes here. */
	int64_t version = 0;
	sqlite3_stmt *vst = NULL;
	int vrc = sq_prepare_cached(
	    s, SQ_STMT_JOURNEY_VERSION,
	    "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'journey.version'", &vst);
	if (vrc == SQLITE_OK)
		vrc = sqlite3_step(vst);
	if (vrc == SQLITE_ROW) {
		version = sqlite3_column_int64(vst, 0);
		vrc = SQLITE_DONE;
	}
	if (vst)
		sqlite3_reset(vst);
	enum tp_status st =
	    vrc == SQLITE_DONE ? TP_OK : sq_error(s, vrc, "checking the journey version", err);
	if (st != TP_OK || version == s->journey_version)
		return st;
	/* The first check after opening reloads once too: cheap, and the map
	 * may have been loaded before a replace this connection never saw. */
	st = sq_load_touchpoints(s, err);
	if (st == TP_OK)
		s->journey_version = version;
	return st;
}

void sq_journey_sync_free(struct sq_store *s)
{
	sqlite3_finalize(s->data_version_stmt);
	s->data_version_stmt = NULL;
}
