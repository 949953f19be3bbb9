/* store/sqlite_store.c - the embedded SQLite backend: opening the file,
 * schema migrations, transactions and counts.
 *
 * One file, WAL mode, foreign keys on. The schema version lives in
 * PRAGMA user_version and the file is marked with PRAGMA application_id so
 * that other SQLite files are recognised and refused. Every statement is
 * prepared; values are always bound, never pasted into SQL text. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/sqlite_internal.h"

#define TP_APPLICATION_ID 0x54504442 /* "TPDB" */

/* Migration i brings the schema from version i to i + 1. Append only. */
static const char *const migrations[] = {
	/* 0 -> 1: journey, responses, dictionary-encoded segment attributes.
	 * CHECKs use BETWEEN: SQLite evaluates IN (...) through a temporary
	 * table per row, which measured 0.7 s per million inserted rows.
	 * Attribute values live in response columns a<attribute id> added by
	 * the store as attributes appear, so slicing by one reads one column. */
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE phase (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL, position INTEGER NOT NULL);"
	"CREATE TABLE channel (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL, position INTEGER NOT NULL);"
	"CREATE TABLE touchpoint (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,"
	"  phase_id INTEGER NOT NULL REFERENCES phase(id),"
	"  channel_id INTEGER NOT NULL REFERENCES channel(id),"
	"  name TEXT NOT NULL, owner TEXT, customer_problem TEXT, customer_goal TEXT,"
	"  customer_mood TEXT, position INTEGER NOT NULL);"
	"CREATE TABLE attribute (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
	"CREATE TABLE attribute_value (id INTEGER PRIMARY KEY,"
	"  attribute_id INTEGER NOT NULL REFERENCES attribute(id), value TEXT NOT NULL,"
	"  UNIQUE (attribute_id, value));"
	"CREATE TABLE response (id INTEGER PRIMARY KEY, response_key TEXT NOT NULL UNIQUE,"
	"  submitted_at INTEGER NOT NULL, respondent_key TEXT,"
	"  respondent_type INTEGER NOT NULL CHECK (respondent_type BETWEEN 0 AND 2),"
	"  touchpoint_id INTEGER REFERENCES touchpoint(id) ON DELETE SET NULL,"
	"  nps INTEGER CHECK (nps BETWEEN 0 AND 10),"
	"  csat INTEGER CHECK (csat BETWEEN 1 AND 5),"
	"  ces INTEGER CHECK (ces BETWEEN 1 AND 7),"
	"  emotion INTEGER CHECK (emotion BETWEEN -3 AND 3),"
	"  comment TEXT, lang TEXT);",
	/* 1 -> 2: survey links. questions is a bit set (store.h TP_SURVEY_*);
	 * invitation is NULL for a link shared by everyone; used_at is set
	 * when an invitation link has been answered. */
	"CREATE TABLE survey_link (token TEXT PRIMARY KEY,"
	"  touchpoint_id INTEGER NOT NULL REFERENCES touchpoint(id),"
	"  invitation TEXT, questions INTEGER NOT NULL CHECK (questions BETWEEN 1 AND 31),"
	"  lang TEXT, created_at INTEGER NOT NULL, used_at INTEGER);"
	"CREATE INDEX survey_link_touchpoint ON survey_link (touchpoint_id);",
	/* 2 -> 3: analysis tables.
	 * comment_analysis: one row per response whose comment has been read by
	 *   `text analyze` (model "lexicon" or "learned"; label -1/0/1; emotion
	 *   intensities 0..1); rows are added only for responses not yet in it.
	 * text_model: the learned sentiment model per language (`text train`).
	 * outcome: business outcomes per respondent (`outcomes import`).
	 * benchmark: published indicators of other companies (`benchmark import`). */
	"CREATE TABLE comment_analysis (response_id INTEGER PRIMARY KEY"
	"  REFERENCES response(id) ON DELETE CASCADE,"
	"  lang TEXT NOT NULL, model TEXT NOT NULL, compound REAL NOT NULL,"
	"  label INTEGER NOT NULL CHECK (label BETWEEN -1 AND 1),"
	"  joy REAL NOT NULL, trust REAL NOT NULL, surprise REAL NOT NULL,"
	"  anger REAL NOT NULL, fear REAL NOT NULL, sadness REAL NOT NULL);"
	"CREATE TABLE text_model (lang TEXT PRIMARY KEY, trained_at INTEGER NOT NULL,"
	"  n INTEGER NOT NULL, seed INTEGER NOT NULL, cv_accuracy REAL NOT NULL,"
	"  lexicon_accuracy REAL NOT NULL, model BLOB NOT NULL);"
	"CREATE TABLE outcome (respondent_key TEXT NOT NULL, name TEXT NOT NULL,"
	"  value REAL NOT NULL, PRIMARY KEY (respondent_key, name)) WITHOUT ROWID;"
	"CREATE TABLE benchmark (sector TEXT NOT NULL, company TEXT NOT NULL,"
	"  metric TEXT NOT NULL, period TEXT NOT NULL, value REAL NOT NULL,"
	"  n INTEGER NOT NULL CHECK (n >= 0),"
	"  PRIMARY KEY (sector, company, metric, period)) WITHOUT ROWID;",
};

#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))
_Static_assert(N_MIGRATIONS == TP_SCHEMA_VERSION, "one migration per schema version");

enum tp_status sq_error(struct sq_store *s, int rc, const char *what, struct tp_error *err)
{
	const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return tp_error_set(err, TP_ESTORE, "%s: the database is busy (locked by another "
						    "process): %s", what, msg);
	if (rc == SQLITE_FULL)
		return tp_error_set(err, TP_EIO, "%s: the disk is full", what);
	if (rc == SQLITE_NOMEM)
		return tp_error_set(err, TP_ENOMEM, "%s: out of memory", what);
	return tp_error_set(err, TP_ESTORE, "%s: %s", what, msg);
}

enum tp_status sq_exec(struct sq_store *s, const char *sql, struct tp_error *err)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "database", err);
	return TP_OK;
}

int sq_prepare_cached(struct sq_store *s, enum sq_cached which, const char *sql,
		      sqlite3_stmt **out)
{
	if (s->cached[which]) {
		sqlite3_reset(s->cached[which]);
		sqlite3_clear_bindings(s->cached[which]);
		*out = s->cached[which];
		return SQLITE_OK;
	}
	int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->cached[which],
				    NULL);
	*out = s->cached[which];
	return rc;
}

/* Runs a cached statement with no parameters and no results. */
static enum tp_status exec_cached(struct sq_store *s, enum sq_cached which, const char *sql,
				  struct tp_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sq_prepare_cached(s, which, sql, &st);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (st)
		sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sq_error(s, rc, "database", err);
	return TP_OK;
}

static enum tp_status pragma_int(struct sq_store *s, const char *sql, int *out,
				 struct tp_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_NOTADB)
		return tp_error_set(err, TP_ESCHEMA, "not a touchpoint database (not an SQLite file)");
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "reading the schema version", err);
	return TP_OK;
}

static enum tp_status count_tables(struct sq_store *s, int *out, struct tp_error *err)
{
	return pragma_int(s, "SELECT count(*) FROM sqlite_schema", out, err);
}

/* Applies the migrations from version `from`, all in one transaction. */
static enum tp_status migrate(struct sq_store *s, int from, struct tp_error *err)
{
	enum tp_status st = sq_exec(s, "BEGIN IMMEDIATE", err);
	if (st != TP_OK)
		return st;
	/* Read again under the write lock: another process may have migrated. */
	int version = from;
	st = pragma_int(s, "PRAGMA user_version", &version, err);
	for (int v = version; st == TP_OK && v < N_MIGRATIONS; v++) {
		st = sq_exec(s, migrations[v], err);
		if (st == TP_OK) {
			char sql[64];
			snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
			st = sq_exec(s, sql, err);
		}
		if (st != TP_OK)
			tp_error_prefix(err, "migrating the schema from version %d", v);
	}
	if (st == TP_OK) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA application_id = %d", TP_APPLICATION_ID);
		st = sq_exec(s, sql, err);
	}
	if (st == TP_OK)
		return sq_exec(s, "COMMIT", err);
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return st;
}

/* Checks what the file holds, without writing to it: a touchpoint database
 * at a version this program can use or migrate in this mode. Sets *migrate
 * when migrations are due. */
static enum tp_status identify(struct sq_store *s, const char *path, enum tp_store_mode mode,
			       int *found, bool *migrate_due, struct tp_error *err)
{
	*migrate_due = false;
	int version = 0, app = 0, tables = 0;
	enum tp_status st = pragma_int(s, "PRAGMA user_version", &version, err);
	if (st == TP_OK)
		st = pragma_int(s, "PRAGMA application_id", &app, err);
	if (st == TP_OK)
		st = count_tables(s, &tables, err);
	if (st != TP_OK) {
		tp_error_prefix(err, "%s", path);
		return st;
	}
	*found = version;
	if (app != TP_APPLICATION_ID && (tables > 0 || version > 0))
		return tp_error_set(err, TP_ESCHEMA,
				    "%s is an SQLite file but not a touchpoint database", path);
	if (version > N_MIGRATIONS)
		return tp_error_set(err, TP_ESCHEMA,
				    "%s has schema version %d, newer than this touchpoint "
				    "(which knows up to %d): upgrade touchpoint",
				    path, version, N_MIGRATIONS);
	if (version == N_MIGRATIONS)
		return TP_OK;
	if (mode != TP_STORE_CREATE) {
		if (version == 0)
			return tp_error_set(err, TP_ESCHEMA,
					    "%s is not initialised: run `touchpoint init`", path);
		return tp_error_set(err, TP_ESCHEMA,
				    "%s has schema version %d; run `touchpoint init` to upgrade "
				    "it to %d", path, version, N_MIGRATIONS);
	}
	*migrate_due = true;
	return TP_OK;
}

static enum tp_status configure(struct sq_store *s, struct tp_error *err)
{
	/* WAL lets readers (report, serve) run beside one writer; FULL makes a
	 * commit durable on return; the cache bounds memory during big imports. */
	/* 16 KiB pages (new files only) cut B-tree work on bulk inserts by
	 * about a tenth (bench/import.sh). */
	static const char *const pragmas =
		"PRAGMA page_size = 16384;"
		"PRAGMA foreign_keys = ON;"
		"PRAGMA synchronous = FULL;"
		"PRAGMA cache_size = -32768;"
		"PRAGMA journal_size_limit = 67108864;"
		"PRAGMA temp_store = MEMORY;";
	enum tp_status st = sq_exec(s, pragmas, err);
	if (st != TP_OK)
		return st;
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	const char *mode = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(stmt, 0) : NULL;
	bool wal = mode && strcmp(mode, "wal") == 0;
	sqlite3_finalize(stmt);
	if (rc == SQLITE_NOTADB)
		return tp_error_set(err, TP_ESCHEMA, "not a touchpoint database (not an SQLite file)");
	if (!wal)
		return tp_error_set(err, TP_ESTORE, "could not switch the database to WAL mode");
	return TP_OK;
}

static void sq_close(void *impl)
{
	struct sq_store *s = impl;
	if (!s)
		return;
	if (s->in_tx)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	sq_responses_free(s);
	sq_journey_sync_free(s);
	for (size_t i = 0; i < SQ_STMT_COUNT; i++)
		sqlite3_finalize(s->cached[i]);
	tp_strmap_free(s->touchpoints);
	tp_strmap_free(s->attr_index);
	tp_strmap_free(s->values);
	sqlite3_close(s->db);
	free(s);
}

/* SQLite keeps global memory statistics behind a mutex taken on every
 * allocation; touchpoint never reads them, and turning them off speeds bulk
 * inserts measurably. Only possible before SQLite initialises: when the
 * host program already initialised it, the call fails harmlessly. */
static void configure_sqlite_once(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static enum tp_status sq_open(const char *path, enum tp_store_mode mode, void **impl,
			      int *found_version, struct tp_error *err)
{
	*impl = NULL;
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, configure_sqlite_once);
	struct stat sb;
	bool exists = stat(path, &sb) == 0;
	if (!exists && mode != TP_STORE_CREATE)
		return tp_error_set(err, TP_ENOTFOUND,
				    "no database at %s (create one with `touchpoint init` or "
				    "`touchpoint demo`)", path);
	if (exists && S_ISDIR(sb.st_mode))
		return tp_error_set(err, TP_EIO, "%s is a directory, not a database file", path);
	struct sq_store *s = calloc(1, sizeof *s);
	if (!s)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	s->touchpoints = tp_strmap_new();
	s->attr_index = tp_strmap_new();
	s->values = tp_strmap_new();
	enum tp_status st = TP_OK;
	if (!s->touchpoints || !s->attr_index || !s->values) {
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
		goto out;
	}
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
		    (mode == TP_STORE_CREATE ? SQLITE_OPEN_CREATE : 0);
	int rc = sqlite3_open_v2(path, &s->db, flags, NULL);
	if (rc != SQLITE_OK) {
		st = tp_error_set(err, rc == SQLITE_CANTOPEN ? TP_EIO : TP_ESTORE,
				  "%s: cannot open the database: %s", path,
				  s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		goto out;
	}
	sqlite3_busy_timeout(s->db, 10000);
	bool migrate_due = false;
	st = identify(s, path, mode, found_version, &migrate_due, err);
	if (st != TP_OK)
		goto out;
	st = configure(s, err);
	if (st != TP_OK) {
		tp_error_prefix(err, "%s", path);
		goto out;
	}
	if (migrate_due)
		st = migrate(s, *found_version, err);
	if (st == TP_OK)
		st = sq_load_touchpoints(s, err);
	if (st == TP_OK)
		st = sq_load_attributes(s, err);
out:
	if (st != TP_OK) {
		sq_close(s);
		return st;
	}
	*impl = s;
	return TP_OK;
}

/* A begin inside an open transaction opens a savepoint instead: its commit
 * releases it (kept when the outer transaction commits) and its rollback
 * undoes only what was done since (the group commit writer, store/
 * group_commit.c, runs each request's work like this). */
enum tp_status sq_begin(void *impl, struct tp_error *err)
{
	struct sq_store *s = impl;
	if (s->in_tx) {
		enum tp_status st = sq_batch_write(s, err);
		if (st == TP_OK)
			st = exec_cached(s, SQ_STMT_SAVEPOINT, "SAVEPOINT tp_nested", err);
		if (st == TP_OK)
			s->savepoints++;
		return st;
	}
	enum tp_status st = sq_exec(s, "BEGIN IMMEDIATE", err);
	if (st == TP_OK)
		s->in_tx = true;
	return st;
}

enum tp_status sq_commit(void *impl, struct tp_error *err)
{
	struct sq_store *s = impl;
	if (!s->in_tx)
		return tp_error_set(err, TP_EUSAGE, "no transaction is open");
	if (s->savepoints > 0) {
		enum tp_status st = sq_batch_write(s, err);
		if (st == TP_OK)
			st = exec_cached(s, SQ_STMT_RELEASE, "RELEASE tp_nested", err);
		if (st != TP_OK) {
			sqlite3_exec(s->db, "ROLLBACK TO tp_nested; RELEASE tp_nested", NULL, NULL,
				     NULL);
			sq_forget_caches(s);
		}
		s->savepoints--;
		return st;
	}
	enum tp_status st = sq_batch_write(s, err);
	if (st == TP_OK)
		st = sq_exec(s, "COMMIT", err);
	if (st != TP_OK) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		sq_forget_caches(s);
	}
	s->in_tx = false;
	return st;
}

enum tp_status sq_rollback(void *impl, struct tp_error *err)
{
	struct sq_store *s = impl;
	if (!s->in_tx)
		return tp_error_set(err, TP_EUSAGE, "no transaction is open");
	if (s->savepoints > 0) {
		s->savepoints--;
		enum tp_status st = sq_exec(s, "ROLLBACK TO tp_nested; RELEASE tp_nested", err);
		sq_forget_caches(s);
		return st;
	}
	s->in_tx = false;
	enum tp_status st = sq_exec(s, "ROLLBACK", err);
	sq_forget_caches(s);
	return st;
}

/* PRAGMA data_version: changes whenever another connection (of this
 * process or another) commits. */
static enum tp_status sq_data_version(void *impl, int64_t *out, struct tp_error *err)
{
	struct sq_store *s = impl;
	sqlite3_stmt *st = NULL;
	int rc = sq_prepare_cached(s, SQ_STMT_DATA_VERSION, "PRAGMA data_version", &st);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	if (st)
		sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return sq_error(s, rc, "reading the data version", err);
	return TP_OK;
}

bool sq_transaction_lost(void *impl)
{
	struct sq_store *s = impl;
	return s->in_tx && sqlite3_get_autocommit(s->db);
}

static bool sq_has_touchpoint(void *impl, const char *id)
{
	struct sq_store *s = impl;
	int64_t v;
	sq_journey_sync(s, NULL);
	return tp_strmap_get(s->touchpoints, id, strlen(id), &v);
}

static enum tp_status sq_counts(void *impl, struct tp_store_counts *out, struct tp_error *err)
{
	struct sq_store *s = impl;
	memset(out, 0, sizeof *out);
	enum tp_status queued = sq_batch_write(s, err);
	if (queued != TP_OK)
		return queued;
	static const char *const sql =
		"SELECT count(*), coalesce(sum(respondent_type = 0), 0),"
		" coalesce(sum(respondent_type = 1), 0), coalesce(sum(respondent_type = 2), 0),"
		" coalesce(sum(touchpoint_id IS NULL), 0),"
		" coalesce(sum(comment IS NOT NULL AND comment <> ''), 0),"
		" coalesce(min(submitted_at), 0), coalesce(max(submitted_at), 0),"
		" (SELECT count(*) FROM attribute) FROM response";
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		enum tp_status e = sq_error(s, rc, "counting responses", err);
		sqlite3_finalize(st);
		return e;
	}
	out->responses = sqlite3_column_int64(st, 0);
	for (int i = 0; i < 3; i++)
		out->by_type[i] = sqlite3_column_int64(st, 1 + i);
	out->unassigned = sqlite3_column_int64(st, 4);
	out->with_comment = sqlite3_column_int64(st, 5);
	out->first_at = sqlite3_column_int64(st, 6);
	out->last_at = sqlite3_column_int64(st, 7);
	out->attributes = sqlite3_column_int64(st, 8);
	sqlite3_finalize(st);
	return TP_OK;
}

const struct tp_store_backend tp_sqlite_backend = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.journey_load = sq_journey_load,
	.journey_replace = sq_journey_replace,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.response_insert = sq_response_insert,
	.response_add = sq_response_add,
	.response_flush = sq_response_flush,
	.has_touchpoint = sq_has_touchpoint,
	.counts = sq_counts,
	.touchpoint_counts = sq_touchpoint_counts,
	.responses_each = sq_responses_each,
	.scan = sq_scan,
	.attribute_count = sq_attribute_count,
	.attribute_name = sq_attribute_name,
	.attribute_values = sq_attribute_values,
	.comments = sq_comments,
	.score_histogram = sq_score_histogram,
	.survey_create = sq_survey_create,
	.survey_get = sq_survey_get,
	.survey_answer = sq_survey_answer,
	.survey_list = sq_survey_list,
	.text_rows = sq_text_rows, /* text analytics (textlearn) */
	.analysis_add = sq_analysis_add,
	.analysis_counts = sq_analysis_counts,
	.analysis_each = sq_analysis_each,
	.text_model_put = sq_text_model_put,
	.text_model_get = sq_text_model_get,
	.emotion_counts = sq_emotion_counts,
	.transaction_lost = sq_transaction_lost, /* web performance (group commit) */
	.data_version = sq_data_version,	 /* web performance (page cache) */
	.outcome_put = sq_outcome_put, /* business outcomes and benchmarks (outcomes) */
	.outcome_each = sq_outcome_each,
	.outcome_names = sq_outcome_names,
	.outcome_counts = sq_outcome_counts,
	.respondents_unanswered = sq_respondents_unanswered,
	.benchmark_put = sq_benchmark_put,
	.benchmark_each = sq_benchmark_each,
	.meta_get = sq_meta_get,
	.meta_set = sq_meta_set,
};
