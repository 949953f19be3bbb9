/* store/sqlite_survey.c - survey links in SQLite: create, look up, list,
 * and store an answer through a link.
 *
 * An answer and the marking of its invitation link as used are one
 * transaction, committed before the function returns (or a savepoint of
 * the transaction already open, which its owner commits), so an invitation
 * can be answered once and a 2xx from the server means the answer is on
 * disk. Never formats output. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/sqlite_internal.h"

#define LINK_COLUMNS "l.token, t.key, l.invitation, l.questions, l.lang, l.created_at, l.used_at"

static void copy_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const char *v = (const char *)sqlite3_column_text(st, col);
	snprintf(dst, size, "%s", v ? v : "");
}

static void read_link(sqlite3_stmt *st, struct tp_survey_link *out)
{
	memset(out, 0, sizeof *out);
	copy_text(out->token, sizeof out->token, st, 0);
	copy_text(out->touchpoint, sizeof out->touchpoint, st, 1);
	copy_text(out->invitation, sizeof out->invitation, st, 2);
	out->questions = (unsigned)sqlite3_column_int(st, 3);
	copy_text(out->lang, sizeof out->lang, st, 4);
	out->created_at = sqlite3_column_int64(st, 5);
	out->used_at = sqlite3_column_int64(st, 6);
}

enum tp_status sq_survey_create(void *impl, const struct tp_survey_link *link, struct tp_error *err)
{
	struct sq_store *s = impl;
	int64_t tp_id;
	enum tp_status synced = sq_journey_sync(s, err);
	if (synced != TP_OK)
		return synced;
	if (!tp_strmap_get(s->touchpoints, link->touchpoint, strlen(link->touchpoint), &tp_id))
		return tp_error_set(err, TP_EINPUT, "unknown touchpoint \"%.200s\"",
				    link->touchpoint);
	if (!tp_survey_token_valid(link->token) || (link->questions & ~TP_SURVEY_ALL) ||
	    link->questions == 0)
		return tp_error_set(err, TP_EUSAGE, "malformed survey link");
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db,
				    "INSERT INTO survey_link (token, touchpoint_id, invitation,"
				    " questions, lang, created_at) VALUES (?, ?, ?, ?, ?, ?)",
				    -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, link->token, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, tp_id);
		if (link->invitation[0])
			sqlite3_bind_text(st, 3, link->invitation, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, (int)link->questions);
		if (link->lang[0])
			sqlite3_bind_text(st, 5, link->lang, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, link->created_at);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT)
		return tp_error_set(err, TP_ECONFLICT, "survey token already exists");
	if (rc != SQLITE_DONE)
		return sq_error(s, rc, "creating a survey link", err);
	return TP_OK;
}

enum tp_status sq_survey_get(void *impl, const char *token, struct tp_survey_link *out,
			     struct tp_error *err)
{
	struct sq_store *s = impl;
	sqlite3_stmt *st = NULL;
	int rc = sq_prepare_cached(s, SQ_STMT_SURVEY_GET,
				   "SELECT " LINK_COLUMNS " FROM survey_link l JOIN touchpoint t"
				   " ON t.id = l.touchpoint_id WHERE l.token = ?",
				   &st);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	if (rc == SQLITE_ROW)
		read_link(st, out);
	if (st)
		sqlite3_reset(st); /* ends its read of the table */
	if (rc == SQLITE_DONE)
		return tp_error_set(err, TP_ENOTFOUND, "no survey link with this token");
	if (rc != SQLITE_ROW)
		return sq_error(s, rc, "reading a survey link", err);
	return TP_OK;
}

/* Marks an invitation link used; the WHERE makes it a no-op for a shared
 * link or one already used. */
static int mark_used(struct sq_store *s, const char *token)
{
	sqlite3_stmt *st = NULL;
	int rc = sq_prepare_cached(s, SQ_STMT_SURVEY_USED,
				   "UPDATE survey_link SET used_at = ? WHERE token = ?"
				   " AND invitation IS NOT NULL AND used_at IS NULL",
				   &st);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
		sqlite3_bind_text(st, 2, token, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	if (st)
		sqlite3_reset(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Inside a transaction (the group commit writer's) the answer is a
 * savepoint of it: its failure undoes only itself. */
enum tp_status sq_survey_answer(void *impl, const char *token, const struct tp_response *r,
				bool *inserted, struct tp_error *err)
{
	struct sq_store *s = impl;
	*inserted = false;
	enum tp_status st = sq_begin(s, err);
	if (st != TP_OK)
		return st;
	/* Read under the write lock, so two answers cannot both see it unused. */
	struct tp_survey_link link;
	st = sq_survey_get(s, token, &link, err);
	if (st == TP_OK)
		st = sq_response_insert(s, r, inserted, err);
	if (st == TP_OK && !*inserted)
		goto done; /* the same answer again: nothing to change */
	if (st == TP_OK && link.invitation[0] && link.used_at != 0)
		st = tp_error_set(err, TP_ECONFLICT, "this invitation has already been answered");
	if (st == TP_OK) {
		int rc = mark_used(s, token);
		if (rc != SQLITE_OK)
			st = sq_error(s, rc, "marking the invitation used", err);
	}
done:
	if (st == TP_OK)
		st = sq_commit(s, err);
	else {
		struct tp_error ignored;
		sq_rollback(s, &ignored);
	}
	if (st != TP_OK)
		*inserted = false;
	return st;
}

enum tp_status sq_survey_list(void *impl, const char *touchpoint, tp_survey_fn fn, void *ctx,
			      struct tp_error *err)
{
	struct sq_store *s = impl;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db,
				    "SELECT " LINK_COLUMNS " FROM survey_link l JOIN touchpoint t"
				    " ON t.id = l.touchpoint_id WHERE ?1 IS NULL OR t.key = ?1"
				    " ORDER BY l.created_at, l.rowid",
				    -1, &st, NULL);
	if (rc == SQLITE_OK && touchpoint)
		sqlite3_bind_text(st, 1, touchpoint, -1, SQLITE_STATIC);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tp_survey_link link;
		read_link(st, &link);
		if (fn(&link, ctx) != 0) {
			rc = SQLITE_DONE;
			break;
		}
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sq_error(s, rc, "listing survey links", err);
	return TP_OK;
}
