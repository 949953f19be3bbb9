/* store/sqlite_analysis.c - business outcomes per respondent, benchmark
 * tables and the meta key/values they use (company name and sector), in
 * SQLite.
 *
 * Every value is a bound parameter; no text is pasted into SQL. Writes run
 * in one transaction (or a savepoint of the caller's), so a failed write
 * leaves nothing half-stored. Never formats output. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite_internal.h"

/* Runs fn inside a transaction of its own (a savepoint when one is open):
 * committed when fn succeeds, rolled back otherwise. */
static enum tp_status in_transaction(struct sq_store *s,
				     enum tp_status (*fn)(struct sq_store *s, const void *rows,
							  size_t n, struct tp_error *err),
				     const void *rows, size_t n, struct tp_error *err)
{
	enum tp_status st = sq_begin(s, err);
	if (st != TP_OK)
		return st;
	st = fn(s, rows, n, err);
	if (st == TP_OK)
		return sq_commit(s, err);
	sq_rollback(s, NULL);
	return st;
}

static enum tp_status outcome_write(struct sq_store *s, const void *rows, size_t n,
				    struct tp_error *err)
{
	const struct tp_outcome_row *row = rows;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db,
				    "INSERT INTO outcome (respondent_key, name, value) VALUES (?, ?, ?)"
				    " ON CONFLICT (respondent_key, name) DO UPDATE SET value = excluded.value",
				    -1, &st, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
		sqlite3_reset(st);
		rc = sqlite3_bind_text(st, 1, row[i].respondent_key, -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(st, 2, row[i].name, -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_double(st, 3, row[i].value);
		if (rc == SQLITE_OK) {
			rc = sqlite3_step(st);
			rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		}
	}
	enum tp_status out = rc == SQLITE_OK ? TP_OK : sq_error(s, rc, "storing outcomes", err);
	sqlite3_finalize(st);
	return out;
}

enum tp_status sq_outcome_put(void *impl, const struct tp_outcome_row *rows, size_t n,
			      struct tp_error *err)
{
	return in_transaction(impl, outcome_write, rows, n, err);
}

enum tp_status sq_outcome_each(void *impl, const char *name, tp_outcome_fn fn, void *ctx,
			       struct tp_error *err)
{
	struct sq_store *s = impl;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db,
				    "SELECT respondent_key, name, value FROM outcome"
				    " WHERE ?1 IS NULL OR name = ?1 ORDER BY name, respondent_key",
				    -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = name ? sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC)
			  : sqlite3_bind_null(st, 1);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tp_outcome_row row = {
			.respondent_key = (const char *)sqlite3_column_text(st, 0),
			.name = (const char *)sqlite3_column_text(st, 1),
			.value = sqlite3_column_double(st, 2),
		};
		if (fn(&row, ctx) != 0) {
			rc = SQLITE_DONE;
			break;
		}
		rc = SQLITE_OK;
	}
	enum tp_status out = rc == SQLITE_DONE || rc == SQLITE_OK
				     ? TP_OK
				     : sq_error(s, rc, "reading outcomes", err);
	sqlite3_finalize(st);
	return out;
}

enum tp_status sq_outcome_names(void *impl, tp_outcome_name_fn fn, void *ctx,
				struct tp_error *err)
{
	struct sq_store *s = impl;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db,
				    "SELECT name, count(*) FROM outcome GROUP BY name ORDER BY name",
				    -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (fn((const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
		       ctx) != 0) {
			rc = SQLITE_DONE;
			break;
		}
		rc = SQLITE_OK;
	}
	enum tp_status out = rc == SQLITE_DONE || rc == SQLITE_OK
				     ? TP_OK
				     : sq_error(s, rc, "reading outcome names", err);
	sqlite3_finalize(st);
	return out;
}

enum tp_status sq_outcome_counts(void *impl, struct tp_outcome_counts *out,
				 struct tp_error *err)
{
	struct sq_store *s = impl;
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(
		s->db,
		"SELECT count(*), count(DISTINCT respondent_key), count(DISTINCT name),"
		" (SELECT count(DISTINCT o.respondent_key) FROM outcome o"
		"  WHERE o.respondent_key NOT IN (SELECT r.respondent_key FROM response r"
		"   WHERE r.respondent_key IS NOT NULL))"
		" FROM outcome",
		-1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->values = sqlite3_column_int64(st, 0);
		out->respondents = sqlite3_column_int64(st, 1);
		out->names = sqlite3_column_int64(st, 2);
		out->without_response = sqlite3_column_int64(st, 3);
		rc = SQLITE_OK;
	}
	enum tp_status status = rc == SQLITE_OK ? TP_OK : sq_error(s, rc, "counting outcomes", err);
	sqlite3_finalize(st);
	return status;
}

/* The keys go into a temporary table; one pass over the response table's
 * respondent_key column then finds those never seen (no index needed). */
enum tp_status sq_respondents_unanswered(void *impl, const char *const *keys, size_t n,
					 int64_t *out, struct tp_error *err)
{
	struct sq_store *s = impl;
	*out = 0;
	enum tp_status st = sq_exec(s, "CREATE TEMP TABLE IF NOT EXISTS tp_import_key"
				       " (k TEXT PRIMARY KEY) WITHOUT ROWID;"
				       "DELETE FROM temp.tp_import_key;",
				    err);
	if (st != TP_OK)
		return st;
	sqlite3_stmt *ins = NULL, *q = NULL;
	int rc = sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO temp.tp_import_key VALUES (?)",
				    -1, &ins, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
		sqlite3_reset(ins);
		rc = sqlite3_bind_text(ins, 1, keys[i], -1, SQLITE_STATIC);
		if (rc == SQLITE_OK) {
			rc = sqlite3_step(ins);
			rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		}
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db,
					"SELECT count(*) FROM temp.tp_import_key WHERE k NOT IN"
					" (SELECT respondent_key FROM response"
					"  WHERE respondent_key IS NOT NULL)",
					-1, &q, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		*out = sqlite3_column_int64(q, 0);
		rc = SQLITE_OK;
	}
	st = rc == SQLITE_OK ? TP_OK : sq_error(s, rc, "matching respondents", err);
	sqlite3_finalize(ins);
	sqlite3_finalize(q);
	sq_exec(s, "DELETE FROM temp.tp_import_key;", NULL);
	return st;
}

static enum tp_status benchmark_write(struct sq_store *s, const void *rows, size_t n,
				      struct tp_error *err)
{
	const struct tp_benchmark_row *row = rows;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db,
				    "INSERT INTO benchmark (sector, company, metric, period, value, n)"
				    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sector, company, metric,"
				    " period) DO UPDATE SET value = excluded.value, n = excluded.n",
				    -1, &st, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
		sqlite3_reset(st);
		rc = sqlite3_bind_text(st, 1, row[i].sector, -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(st, 2, row[i].company, -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(st, 3, row[i].metric, -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(st, 4, row[i].period, -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_double(st, 5, row[i].value);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 6, row[i].n);
		if (rc == SQLITE_OK) {
			rc = sqlite3_step(st);
			rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		}
	}
	enum tp_status out = rc == SQLITE_OK ? TP_OK : sq_error(s, rc, "storing benchmarks", err);
	sqlite3_finalize(st);
	return out;
}

enum tp_status sq_benchmark_put(void *impl, const struct tp_benchmark_row *rows, size_t n,
				struct tp_error *err)
{
	return in_transaction(impl, benchmark_write, rows, n, err);
}

enum tp_status sq_benchmark_each(void *impl, const char *metric, const char *period,
				 tp_benchmark_fn fn, void *ctx, struct tp_error *err)
{
	struct sq_store *s = impl;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db,
				    "SELECT sector, company, metric, period, value, n FROM benchmark"
				    " WHERE (?1 IS NULL OR metric = ?1) AND (?2 IS NULL OR period = ?2)"
				    " ORDER BY metric, period, sector, company",
				    -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = metric ? sqlite3_bind_text(st, 1, metric, -1, SQLITE_STATIC)
			    : sqlite3_bind_null(st, 1);
	if (rc == SQLITE_OK)
		rc = period ? sqlite3_bind_text(st, 2, period, -1, SQLITE_STATIC)
			    : sqlite3_bind_null(st, 2);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tp_benchmark_row row = {
			.sector = (const char *)sqlite3_column_text(st, 0),
			.company = (const char *)sqlite3_column_text(st, 1),
			.metric = (const char *)sqlite3_column_text(st, 2),
			.period = (const char *)sqlite3_column_text(st, 3),
			.value = sqlite3_column_double(st, 4),
			.n = sqlite3_column_int64(st, 5),
		};
		if (fn(&row, ctx) != 0) {
			rc = SQLITE_DONE;
			break;
		}
		rc = SQLITE_OK;
	}
	enum tp_status out = rc == SQLITE_DONE || rc == SQLITE_OK
				     ? TP_OK
				     : sq_error(s, rc, "reading benchmarks", err);
	sqlite3_finalize(st);
	return out;
}

enum tp_status sq_meta_get(void *impl, const char *key, char *buf, size_t size,
			   struct tp_error *err)
{
	struct sq_store *s = impl;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	enum tp_status out = TP_OK;
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		snprintf(buf, size, "%s", v ? v : "");
	} else if (rc == SQLITE_DONE) {
		out = tp_error_set(err, TP_ENOTFOUND, "no %s is set", key);
	} else {
		out = sq_error(s, rc, "reading meta", err);
	}
	sqlite3_finalize(st);
	return out;
}

enum tp_status sq_meta_set(void *impl, const char *key, const char *value, struct tp_error *err)
{
	struct sq_store *s = impl;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db,
				    "INSERT INTO meta (key, value) VALUES (?, ?)"
				    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
				    -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	enum tp_status out = rc == SQLITE_OK ? TP_OK : sq_error(s, rc, "writing meta", err);
	sqlite3_finalize(st);
	return out;
}
