/* store/sqlite_comments.c - reads for the touchpoint page: a touchpoint's
 * comments (filtered, paged) and the distribution of one score.
 *
 * Every value comes in as a bound parameter; the only text pasted into SQL
 * is a score column name checked against a fixed list. Reads only. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite_internal.h"

/* The WHERE clause shared by the count and the page; parameters ?1
 * touchpoint key, ?2 group (0 any), ?3 language ('' any). */
#define COMMENT_WHERE                                                                              \
	" FROM response r JOIN touchpoint t ON t.id = r.touchpoint_id"                             \
	" LEFT JOIN comment_analysis a ON a.response_id = r.id"                                    \
	" WHERE t.key = ?1 AND r.respondent_type = 0"                                              \
	" AND r.comment IS NOT NULL AND r.comment <> ''"                                           \
	" AND (?2 = 0 OR (?2 = 1 AND r.nps >= 9) OR (?2 = 2 AND r.nps BETWEEN 7 AND 8)"            \
	"      OR (?2 = 3 AND r.nps <= 6))"                                                        \
	" AND (?3 = '' OR r.lang = ?3)"                                                            \
	" AND (?6 = 0 OR a.label = 2 - ?6)"                                                        \
	" AND (?7 = 0 OR (CASE ?7 WHEN 1 THEN a.joy WHEN 2 THEN a.trust WHEN 3 THEN a.surprise"   \
	"      WHEN 4 THEN a.anger WHEN 5 THEN a.fear ELSE a.sadness END) > 0)"

static enum tp_status bind_query(struct sq_store *s, sqlite3_stmt *st,
				 const struct tp_comment_query *q, struct tp_error *err)
{
	int rc = sqlite3_bind_text(st, 1, q->touchpoint, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 2, (int)q->group);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 3, q->lang ? q->lang : "", -1, SQLITE_STATIC);
	if (rc == SQLITE_OK) /* textlearn: 1 positive (label 1) .. 3 negative (-1) */
		rc = sqlite3_bind_int(st, 6, q->sentiment >= 1 && q->sentiment <= 3 ? q->sentiment : 0);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 7, q->emotion >= 1 && q->emotion <= 6 ? q->emotion : 0);
	return rc == SQLITE_OK ? TP_OK : sq_error(s, rc, "reading comments", err);
}

static int score(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? TP_SCORE_NONE
							   : sqlite3_column_int(st, col);
}

static enum tp_status count_comments(struct sq_store *s, const struct tp_comment_query *q,
				     int64_t *total, struct tp_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, "SELECT count(*)" COMMENT_WHERE, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "reading comments", err);
	enum tp_status r = bind_query(s, st, q, err);
	if (r == TP_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			*total = sqlite3_column_int64(st, 0);
		else
			r = sq_error(s, rc, "counting comments", err);
	}
	sqlite3_finalize(st);
	return r;
}

enum tp_status sq_comments(void *impl, const struct tp_comment_query *q, tp_comment_fn fn,
			   void *ctx, int64_t *total, struct tp_error *err)
{
	struct sq_store *s = impl;
	enum tp_status r = sq_batch_write(s, err);
	if (r == TP_OK && total)
		r = count_comments(s, q, total, err);
	if (r != TP_OK)
		return r;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db,
				    "SELECT r.response_key, r.submitted_at, r.nps, r.csat, r.ces,"
				    " r.emotion, r.comment, r.lang, a.label, a.compound" COMMENT_WHERE
				    " ORDER BY r.submitted_at DESC, r.id DESC LIMIT ?4 OFFSET ?5",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "reading comments", err);
	r = bind_query(s, st, q, err);
	if (r == TP_OK) {
		sqlite3_bind_int64(st, 4, q->limit > 0 ? q->limit : -1);
		sqlite3_bind_int64(st, 5, q->offset > 0 ? q->offset : 0);
	}
	while (r == TP_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tp_comment c = {
		    .response_id = (const char *)sqlite3_column_text(st, 0),
		    .submitted_at = sqlite3_column_int64(st, 1),
		    .nps = score(st, 2),
		    .csat = score(st, 3),
		    .ces = score(st, 4),
		    .emotion = score(st, 5),
		    .comment = (const char *)sqlite3_column_text(st, 6),
		    .lang = (const char *)sqlite3_column_text(st, 7),
		    .analysed = sqlite3_column_type(st, 8) != SQLITE_NULL,
		    .label = sqlite3_column_int(st, 8),
		    .compound = sqlite3_column_double(st, 9),
		};
		if (fn(&c, ctx) != 0)
			break;
	}
	if (r == TP_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = sq_error(s, rc, "reading comments", err);
	sqlite3_finalize(st);
	return r;
}

enum tp_status sq_score_histogram(void *impl, const char *touchpoint, const char *column,
				  int64_t counts[11], struct tp_error *err)
{
	static const struct {
		const char *name;
		int low;
	} columns[] = {{"nps", 0}, {"csat", 1}, {"ces", 1}, {"emotion", -3}};
	struct sq_store *s = impl;
	int low = 0;
	size_t i = 0;
	for (; i < sizeof columns / sizeof columns[0]; i++)
		if (strcmp(column, columns[i].name) == 0)
			break;
	if (i == sizeof columns / sizeof columns[0])
		return tp_error_set(err, TP_EUSAGE, "no score column \"%.50s\"", column);
	low = columns[i].low;
	memset(counts, 0, 11 * sizeof counts[0]);
	enum tp_status r = sq_batch_write(s, err);
	if (r != TP_OK)
		return r;
	char sql[256];
	snprintf(sql, sizeof sql,
		 "SELECT r.%s, count(*) FROM response r JOIN touchpoint t ON t.id = "
		 "r.touchpoint_id WHERE t.key = ?1 AND r.respondent_type = 0 AND r.%s IS NOT "
		 "NULL GROUP BY r.%s",
		 columns[i].name, columns[i].name, columns[i].name);
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "reading scores", err);
	sqlite3_bind_text(st, 1, touchpoint, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int v = sqlite3_column_int(st, 0) - low;
		if (v >= 0 && v < 11)
			counts[v] = sqlite3_column_int64(st, 1);
	}
	if (rc != SQLITE_DONE)
		r = sq_error(s, rc, "reading scores", err);
	sqlite3_finalize(st);
	return r;
}
