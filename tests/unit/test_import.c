/* Unit tests for io/import.c through the public API (touchpoint/import.h):
 * a temporary SQLite store with a two-touchpoint journey, small CSV and JSON
 * Lines files written for each test, and checks of the import summary and
 * of the database read directly with SQLite. Every expected number is
 * counted by hand from the input written in the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "touchpoint/import.h"
#include "touchpoint/store.h"

/* --- fixture: a directory holding the database and the test's files --- */

struct fx {
	char dir[256];
	char db[320];
	struct tp_store *store;
};

static const char journey_json[] =
    "{\"name\": \"J\", \"phases\": [{\"id\": \"p1\", \"name\": \"Uno\"}],"
    " \"channels\": [{\"id\": \"web\", \"name\": \"Web\"}, {\"id\": \"app\", \"name\": \"App\"}],"
    " \"touchpoints\": [{\"id\": \"t1\", \"phase\": \"p1\", \"channel\": \"web\", \"name\": \"A\"},"
    " {\"id\": \"t2\", \"phase\": \"p1\", \"channel\": \"app\", \"name\": \"B\"}]}";

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof *fx);
	if (!fx)
		return -1;
	const char *tmp = getenv("TMPDIR");
	snprintf(fx->dir, sizeof fx->dir, "%s/tp-import-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	snprintf(fx->db, sizeof fx->db, "%s/tp.db", fx->dir);
	struct tp_error err;
	struct tp_journey *j = NULL;
	if (tp_store_open(fx->db, TP_STORE_CREATE, &fx->store, &err) != TP_OK ||
	    tp_journey_from_json(journey_json, strlen(journey_json), &j, &err) != TP_OK ||
	    tp_store_journey_replace(fx->store, j, false, NULL, &err) != TP_OK) {
		fprintf(stderr, "setup: %s\n", err.message);
		tp_journey_free(j);
		tp_store_close(fx->store);
		free(fx);
		return -1;
	}
	tp_journey_free(j);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	tp_store_close(fx->store);
	DIR *d = opendir(fx->dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char p[600];
			snprintf(p, sizeof p, "%s/%s", fx->dir, e->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(fx->dir);
	free(fx);
	return 0;
}

/* --- helpers --- */

/* out = the fixture's directory / name. */
static void file_path(const struct fx *fx, const char *name, char out[512])
{
	snprintf(out, 512, "%s/%s", fx->dir, name);
}

/* Writes text to the fixture's directory / name; out receives the path. */
static void write_file(const struct fx *fx, const char *name, const char *text, char out[512])
{
	file_path(fx, name, out);
	FILE *f = fopen(out, "wb");
	assert_non_null(f);
	size_t n = strlen(text);
	assert_int_equal(fwrite(text, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* The whole content of a file, which the caller frees; NULL if absent. */
static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n;
	char *buf = malloc(cap);
	assert_non_null(buf);
	n = fread(buf, 1, cap - 1, f);
	assert_true(n < cap - 1);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static bool file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static int64_t scalar(const struct fx *fx, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(fx->db, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* The text of a one-row, one-column query, "NULL" for SQL NULL. */
static void text_of(const struct fx *fx, const char *sql, char *out, size_t size)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(fx->db, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const unsigned char *t = sqlite3_column_text(st, 0);
	snprintf(out, size, "%s", t ? (const char *)t : "NULL");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void expect_text(const struct fx *fx, const char *sql, const char *want)
{
	char got[1024];
	text_of(fx, sql, got, sizeof got);
	if (strcmp(got, want) != 0)
		fail_msg("%s: expected \"%s\", got \"%s\"", sql, want, got);
}

/* Appends every row of sql to out: columns joined by '|', rows by '\n'. */
static void append_rows(sqlite3 *db, const char *sql, char *out, size_t size, size_t *len)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int c = 0; c < sqlite3_column_count(st); c++) {
			const unsigned char *t = sqlite3_column_text(st, c);
			*len += (size_t)snprintf(out + *len, size - *len, "%s%s", c ? "|" : "",
						 t ? (const char *)t : "NULL");
			assert_true(*len < size);
		}
		*len += (size_t)snprintf(out + *len, size - *len, "\n");
		assert_true(*len < size);
	}
	sqlite3_finalize(st);
}

/* The database's whole logical content as text: for every table, its name,
 * its column list, its row count and every row in primary-key order. Two
 * equal snapshots mean nothing was added, changed or removed. */
static char *snapshot(const struct fx *fx)
{
	size_t size = 1 << 16, len = 0;
	char *out = malloc(size);
	assert_non_null(out);
	out[0] = '\0';
	sqlite3 *db;
	assert_int_equal(sqlite3_open(fx->db, &db), SQLITE_OK);
	char tables[32][64];
	int n = 0;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT name FROM sqlite_master WHERE type = 'table'"
					    " ORDER BY name",
					    -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW && n < 32)
		snprintf(tables[n++], sizeof tables[0], "%s",
			 (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_true(n >= 7); /* meta, phase, channel, touchpoint, attribute, ..., response */
	for (int i = 0; i < n; i++) {
		char sql[256];
		len += (size_t)snprintf(out + len, size - len, "== %s\n", tables[i]);
		snprintf(sql, sizeof sql,
			 "SELECT name, type FROM pragma_table_info('%.63s') ORDER BY cid",
			 tables[i]);
		append_rows(db, sql, out, size, &len);
		snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%.63s\"", tables[i]);
		append_rows(db, sql, out, size, &len);
		snprintf(sql, sizeof sql, "SELECT * FROM \"%.63s\" ORDER BY 1", tables[i]);
		append_rows(db, sql, out, size, &len);
	}
	sqlite3_close(db);
	return out;
}

static enum tp_status import(const struct fx *fx, const char *path,
			     const struct tp_import_options *opts, struct tp_import_summary *sum,
			     struct tp_error *err)
{
	static const struct tp_import_options defaults = {0};
	tp_error_clear(err);
	return tp_import_file(fx->store, path, opts ? opts : &defaults, sum, err);
}

/* Imports path with default options and expects success. */
static void import_ok(const struct fx *fx, const char *path, struct tp_import_summary *sum)
{
	struct tp_error err;
	if (import(fx, path, NULL, sum, &err) != TP_OK)
		fail_msg("import of %s failed: %s", path, err.message);
}

static void expect_kept(const struct tp_import_summary *sum, int i, const char *path,
			const char *rest)
{
	char want[1024];
	snprintf(want, sizeof want, "%s%s", path, rest);
	assert_true(i < sum->n_kept);
	if (strcmp(sum->errors_kept[i], want) != 0)
		fail_msg("error %d: expected \"%s\", got \"%s\"", i, want, sum->errors_kept[i]);
}

/* Three good rows: two touchpoints and one unassigned, one attribute
 * (region) with two values, two comments. */
static const char good_csv[] = "response_id,submitted_at,touchpoint,nps,comment,region\n"
			       "r1,2026-01-01T10:00:00Z,t1,9,Muy bien,Norte\n"
			       "r2,2026-01-02T10:00:00Z,t2,3,Lento,Sur\n"
			       "r3,2026-01-03T10:00:00Z,,7,,Norte\n";

/* 2026-01-01T00:00:00Z: 56 years after 1970 with 14 leap days,
 * (56 * 365 + 14) * 86400. */
#define JAN_1_2026 1767225600LL

/* Columns of the response table before any attribute exists. */
#define RESPONSE_BASE_COLUMNS 12

/* --- tests --- */

static void imports_a_csv_and_commits(void **state)
{
	struct fx *fx = *state;
	char path[512];
	write_file(fx, "good.csv", good_csv, path);
	struct tp_import_summary sum;
	import_ok(fx, path, &sum);
	assert_int_equal(sum.rows, 3);
	assert_int_equal(sum.inserted, 3);
	assert_int_equal(sum.present, 0);
	assert_int_equal(sum.rejected, 0);
	assert_int_equal(sum.errors, 0);
	assert_int_equal(sum.n_kept, 0);
	assert_true(sum.committed);
	assert_string_equal(sum.rejects_path, "");

	assert_int_equal(scalar(fx, "SELECT count(*) FROM response"), 3);
	assert_int_equal(scalar(fx, "SELECT sum(nps) FROM response"), 9 + 3 + 7);
	assert_int_equal(scalar(fx, "SELECT submitted_at FROM response WHERE response_key = 'r1'"),
			 JAN_1_2026 + 10 * 3600);
	assert_int_equal(scalar(fx, "SELECT count(*) FROM response WHERE touchpoint_id IS NULL"),
			 1);
	expect_text(fx,
		    "SELECT t.key FROM response r JOIN touchpoint t ON t.id = r.touchpoint_id"
		    " WHERE r.response_key = 'r2'",
		    "t2");
	expect_text(fx, "SELECT comment FROM response WHERE response_key = 'r1'", "Muy bien");
	expect_text(fx, "SELECT comment FROM response WHERE response_key = 'r3'", "NULL");
	expect_text(fx, "SELECT name FROM attribute", "region");
	assert_int_equal(scalar(fx, "SELECT count(*) FROM attribute_value"), 2);
	expect_text(fx,
		    "SELECT v.value FROM response r JOIN attribute_value v ON v.id = r.a1"
		    " WHERE r.response_key = 'r2'",
		    "Sur");

	struct tp_store_counts c;
	struct tp_error err;
	assert_int_equal(tp_store_counts(fx->store, &c, &err), TP_OK);
	assert_int_equal(c.responses, 3);
	assert_int_equal(c.by_type[TP_RESPONDENT_CUSTOMER], 3);
	assert_int_equal(c.unassigned, 1);
	assert_int_equal(c.with_comment, 2);
	assert_int_equal(c.attributes, 1);
	assert_int_equal(c.first_at, JAN_1_2026 + 10 * 3600);
	assert_int_equal(c.last_at, JAN_1_2026 + 2 * 86400 + 10 * 3600);
}

static void invalid_row_stores_nothing_and_leaves_the_database_as_it_was(void **state)
{
	struct fx *fx = *state;
	char good[512], bad[512];
	write_file(fx, "good.csv", good_csv, good);
	struct tp_import_summary sum;
	import_ok(fx, good, &sum);
	char *before = snapshot(fx);
	/* The snapshot holds the rows themselves, not only their number. */
	assert_non_null(strstr(before, "|r1|"));
	assert_non_null(strstr(before, "|Norte"));

	/* r4 is valid and brings a new attribute value (Este) before the bad
	 * rows; r7 is valid and comes after them. */
	write_file(fx, "bad.csv",
		   "response_id,submitted_at,touchpoint,nps,comment,region\n"
		   "r4,2026-01-04T10:00:00Z,t1,10,Genial,Este\n"
		   "r5,2026-01-05T10:00:00Z,t1,11,Fuera de rango,Norte\n"
		   "r6,2026-01-06T10:00:00Z,t9,5,,Sur\n"
		   "r7,2026-01-07T10:00:00Z,t2,6,Bien,Oeste\n",
		   bad);
	struct tp_error err;
	assert_int_equal(import(fx, bad, NULL, &sum, &err), TP_EINPUT);
	char want[1024];
	snprintf(want, sizeof want, "%s: 2 invalid rows; nothing was imported", bad);
	assert_string_equal(err.message, want);
	assert_int_equal(sum.rows, 4);
	assert_int_equal(sum.rejected, 2);
	assert_int_equal(sum.errors, 2);
	assert_int_equal(sum.n_kept, 2);
	expect_kept(&sum, 0, bad, ":3: column 4 (nps): 11 is out of range 0..10");
	expect_kept(&sum, 1, bad,
		    ":4: column 3 (touchpoint): unknown touchpoint \"t9\" (not in the journey)");
	assert_int_equal(sum.inserted, 0);
	assert_int_equal(sum.present, 0);
	assert_false(sum.committed);
	assert_string_equal(sum.rejects_path, "");

	char *after = snapshot(fx);
	assert_string_equal(after, before);
	assert_int_equal(scalar(fx, "SELECT count(*) FROM response"), 3);
	assert_int_equal(scalar(fx, "SELECT count(*) FROM response WHERE response_key IN"
				    " ('r4', 'r7')"),
			 0);
	assert_int_equal(scalar(fx, "SELECT count(*) FROM attribute_value"), 2);
	free(before);
	free(after);
	/* Not even the rejects file: that is for skip_invalid. */
	char rejects[600];
	snprintf(rejects, sizeof rejects, "%s.rejected.csv", bad);
	assert_false(file_exists(rejects));
}

static void attribute_of_a_rolled_back_import_does_not_remain(void **state)
{
	struct fx *fx = *state;
	char path[512];
	write_file(fx, "tiendas.csv",
		   "response_id,submitted_at,nps,tienda\n"
		   "a1,2026-02-01T09:00:00Z,8,Madrid 3\n"
		   "a2,2026-02-01T09:30:00Z,diez,Madrid 3\n",
		   path);
	struct tp_import_summary sum;
	struct tp_error err;
	assert_int_equal(import(fx, path, NULL, &sum, &err), TP_EINPUT);
	assert_int_equal(sum.errors, 1);
	expect_kept(&sum, 0, path, ":3: column 3 (nps): \"diez\" is not a number");
	assert_int_equal(scalar(fx, "SELECT count(*) FROM attribute"), 0);
	assert_int_equal(scalar(fx, "SELECT count(*) FROM attribute_value"), 0);
	assert_int_equal(scalar(fx, "SELECT count(*) FROM pragma_table_info('response')"),
			 RESPONSE_BASE_COLUMNS);
	assert_int_equal(scalar(fx, "SELECT count(*) FROM response"), 0);

	/* The store forgot it too: the corrected file creates it afresh. */
	write_file(fx, "tiendas.csv",
		   "response_id,submitted_at,nps,tienda\n"
		   "a1,2026-02-01T09:00:00Z,8,Madrid 3\n"
		   "a2,2026-02-01T09:30:00Z,10,Sevilla 1\n",
		   path);
	import_ok(fx, path, &sum);
	assert_int_equal(sum.inserted, 2);
	expect_text(fx, "SELECT group_concat(name) FROM attribute", "tienda");
	assert_int_equal(scalar(fx, "SELECT count(*) FROM pragma_table_info('response')"),
			 RESPONSE_BASE_COLUMNS + 1);
	expect_text(fx,
		    "SELECT v.value FROM response r JOIN attribute_value v ON v.id = r.a1"
		    " WHERE r.response_key = 'a2'",
		    "Sevilla 1");
}

static void skip_invalid_stores_good_rows_and_writes_rejects(void **state)
{
	struct fx *fx = *state;
	char path[512], rejects[512];
	/* s2: nps out of range; s3: nothing answered; s4 spans lines 5-6. */
	write_file(fx, "mixed.csv",
		   "response_id,submitted_at,touchpoint,nps,comment\n"
		   "s1,2026-03-01T08:00:00Z,t1,9,ok\n"
		   "s2,2026-03-01T08:00:00Z,t1,12,\"dice \"\"doce\"\"\"\n"
		   "s3,2026-03-02T08:00:00Z,t2,,\n"
		   "s4,2026-03-03T08:00:00Z,t2,4,\"dos\nlíneas\"\n",
		   path);
	file_path(fx, "rechazos.csv", rejects);
	struct tp_import_options opts = {.skip_invalid = true, .rejects_path = rejects};
	struct tp_import_summary sum;
	struct tp_error err;
	assert_int_equal(import(fx, path, &opts, &sum, &err), TP_OK);
	assert_int_equal(sum.rows, 4);
	assert_int_equal(sum.inserted, 2);
	assert_int_equal(sum.present, 0);
	assert_int_equal(sum.rejected, 2);
	assert_int_equal(sum.errors, 2);
	assert_int_equal(sum.n_kept, 2);
	expect_kept(&sum, 0, path, ":3: column 4 (nps): 12 is out of range 0..10");
	expect_kept(&sum, 1, path, ":4: no score (nps, csat, ces, emotion) and no comment");
	assert_true(sum.committed);
	assert_string_equal(sum.rejects_path, rejects);

	/* libcsv quotes every field it writes; "line,reason" is written as is. */
	char *text = read_all(rejects);
	assert_non_null(text);
	assert_string_equal(text,
			    "line,reason,\"response_id\",\"submitted_at\",\"touchpoint\",\"nps\","
			    "\"comment\"\r\n"
			    "3,\"nps: 12 is out of range 0..10\",\"s2\",\"2026-03-01T08:00:00Z\","
			    "\"t1\",\"12\",\"dice \"\"doce\"\"\"\r\n"
			    "4,\"no score (nps, csat, ces, emotion) and no comment\",\"s3\","
			    "\"2026-03-02T08:00:00Z\",\"t2\",\"\",\"\"\r\n");
	free(text);

	expect_text(fx,
		    "SELECT group_concat(response_key, ',') FROM"
		    " (SELECT response_key FROM response ORDER BY response_key)",
		    "s1,s4");
	expect_text(fx, "SELECT comment FROM response WHERE response_key = 's4'", "dos\nlíneas");
}

static void skip_invalid_names_default_rejects_file_only_when_used(void **state)
{
	struct fx *fx = *state;
	char path[512], rejects[600];
	write_file(fx, "uno.csv",
		   "response_id,submitted_at,nps\n"
		   "u1,2026-03-01T08:00:00Z,10\n"
		   "u2,2026-03-01T08:00:00Z,-1\n",
		   path);
	snprintf(rejects, sizeof rejects, "%s.rejected.csv", path);
	struct tp_import_options opts = {.skip_invalid = true};
	struct tp_import_summary sum;
	struct tp_error err;
	assert_int_equal(import(fx, path, &opts, &sum, &err), TP_OK);
	assert_int_equal(sum.inserted, 1);
	assert_int_equal(sum.rejected, 1);
	assert_string_equal(sum.rejects_path, rejects);
	assert_true(file_exists(rejects));
	unlink(rejects);

	/* All rows good: no rejects file, and the summary names none. */
	write_file(fx, "dos.csv", "response_id,submitted_at,nps\nu3,2026-03-02T08:00:00Z,0\n",
		   path);
	snprintf(rejects, sizeof rejects, "%s.rejected.csv", path);
	assert_int_equal(import(fx, path, &opts, &sum, &err), TP_OK);
	assert_int_equal(sum.inserted, 1);
	assert_int_equal(sum.rejected, 0);
	assert_string_equal(sum.rejects_path, "");
	assert_false(file_exists(rejects));
}

static void dry_run_counts_but_stores_nothing(void **state)
{
	struct fx *fx = *state;
	char path[512];
	write_file(fx, "good.csv", good_csv, path);
	char *before = snapshot(fx);
	struct tp_import_options opts = {.dry_run = true};
	struct tp_import_summary sum;
	struct tp_error err;
	assert_int_equal(import(fx, path, &opts, &sum, &err), TP_OK);
	assert_int_equal(sum.rows, 3);
	assert_int_equal(sum.inserted, 3);
	assert_int_equal(sum.present, 0);
	assert_int_equal(sum.rejected, 0);
	assert_false(sum.committed);
	char *after = snapshot(fx);
	assert_string_equal(after, before);
	assert_int_equal(scalar(fx, "SELECT count(*) FROM response"), 0);
	assert_int_equal(scalar(fx, "SELECT count(*) FROM attribute"), 0);
	free(before);
	free(after);

	/* Once stored, a dry run sees the rows as present. */
	import_ok(fx, path, &sum);
	assert_int_equal(import(fx, path, &opts, &sum, &err), TP_OK);
	assert_int_equal(sum.inserted, 0);
	assert_int_equal(sum.present, 3);
	assert_false(sum.committed);
}

static void importing_again_counts_rows_as_present(void **state)
{
	struct fx *fx = *state;
	char path[512];
	write_file(fx, "good.csv", good_csv, path);
	struct tp_import_summary sum;
	import_ok(fx, path, &sum);
	import_ok(fx, path, &sum);
	assert_int_equal(sum.rows, 3);
	assert_int_equal(sum.inserted, 0);
	assert_int_equal(sum.present, 3);
	assert_int_equal(sum.rejected, 0);
	assert_int_equal(scalar(fx, "SELECT count(*) FROM response"), 3);

	/* r3 again with other content: unchanged; r8 is new. */
	write_file(fx, "more.csv",
		   "response_id,submitted_at,touchpoint,nps,comment,region\n"
		   "r3,2026-01-03T10:00:00Z,,2,Otro,Sur\n"
		   "r8,2026-01-08T10:00:00Z,t1,8,,Este\n",
		   path);
	import_ok(fx, path, &sum);
	assert_int_equal(sum.rows, 2);
	assert_int_equal(sum.inserted, 1);
	assert_int_equal(sum.present, 1);
	assert_int_equal(scalar(fx, "SELECT count(*) FROM response"), 4);
	assert_int_equal(scalar(fx, "SELECT nps FROM response WHERE response_key = 'r3'"), 7);
	expect_text(fx, "SELECT comment FROM response WHERE response_key = 'r3'", "NULL");
}

static void repeated_ids_in_one_file_count_as_present(void **state)
{
	struct fx *fx = *state;
	char path[512];
	write_file(fx, "dup.csv",
		   "response_id,submitted_at,nps\n"
		   "d1,2026-01-01T00:00:00Z,5\n"
		   "d2,2026-01-01T00:00:00Z,6\n"
		   "d1,2026-01-02T00:00:00Z,9\n",
		   path);
	struct tp_import_summary sum;
	import_ok(fx, path, &sum);
	assert_int_equal(sum.rows, 3);
	assert_int_equal(sum.inserted, 2);
	assert_int_equal(sum.present, 1);
	assert_int_equal(sum.rejected, 0);
	assert_int_equal(scalar(fx, "SELECT count(*) FROM response"), 2);
	/* The first occurrence is the one kept. */
	assert_int_equal(scalar(fx, "SELECT nps FROM response WHERE response_key = 'd1'"), 5);
	assert_int_equal(scalar(fx, "SELECT submitted_at FROM response WHERE response_key = 'd1'"),
			 JAN_1_2026);
}

static void only_the_first_twenty_errors_are_kept(void **state)
{
	struct fx *fx = *state;
	/* 12 rows (lines 2-13), each with two problems: a date that is not
	 * one (column 2) and a score that is not a number (column 3). */
	char csv[1024];
	size_t len = (size_t)snprintf(csv, sizeof csv, "response_id,submitted_at,nps\n");
	for (int i = 1; i <= 12; i++)
		len += (size_t)snprintf(csv + len, sizeof csv - len, "e%d,ayer,x\n", i);
	char path[512];
	write_file(fx, "errores.csv", csv, path);
	struct tp_import_summary sum;
	struct tp_error err;
	assert_int_equal(import(fx, path, NULL, &sum, &err), TP_EINPUT);
	assert_int_equal(sum.rows, 12);
	assert_int_equal(sum.rejected, 12);
	assert_int_equal(sum.errors, 24);
	assert_int_equal(sum.n_kept, TP_IMPORT_ERRORS_KEPT);
	assert_int_equal(TP_IMPORT_ERRORS_KEPT, 20);
	char want[1024];
	snprintf(want, sizeof want,
		 "%s:2: column 2 (submitted_at): \"ayer\" is not an ISO 8601 date: ", path);
	if (strncmp(sum.errors_kept[0], want, strlen(want)) != 0)
		fail_msg("expected \"%s...\", got \"%s\"", want, sum.errors_kept[0]);
	expect_kept(&sum, 1, path, ":2: column 3 (nps): \"x\" is not a number");
	/* Error 20 is the second problem of the tenth row, on line 11. */
	expect_kept(&sum, 19, path, ":11: column 3 (nps): \"x\" is not a number");
	snprintf(want, sizeof want, "%s: 12 invalid rows; nothing was imported", path);
	assert_string_equal(err.message, want);
	assert_int_equal(scalar(fx, "SELECT count(*) FROM response"), 0);
}

struct progress_seen {
	int calls;
	struct tp_import_progress last;
};

static void on_progress(const struct tp_import_progress *p, void *ctx)
{
	struct progress_seen *seen = ctx;
	seen->calls++;
	seen->last = *p;
}

static void progress_is_reported_with_the_file_size(void **state)
{
	struct fx *fx = *state;
	char path[512];
	write_file(fx, "good.csv", good_csv, path);
	struct progress_seen seen = {0};
	struct tp_import_options opts = {.progress = on_progress, .progress_ctx = &seen};
	struct tp_import_summary sum;
	struct tp_error err;
	assert_int_equal(import(fx, path, &opts, &sum, &err), TP_OK);
	assert_true(seen.calls >= 1);
	assert_int_equal(seen.last.rows, 3);
	assert_int_equal(seen.last.bytes_total, (int64_t)strlen(good_csv));
	assert_int_equal(seen.last.bytes_read, seen.last.bytes_total);
}

static void jsonl_line_that_is_not_json_is_rejected(void **state)
{
	struct fx *fx = *state;
	char path[512], rejects[600];
	/* Line 2 stops in the middle of an object. The .jsonl extension picks
	 * the format. */
	write_file(
	    fx, "in.jsonl",
	    "{\"response_id\": \"j1\", \"submitted_at\": \"2026-04-01T12:00:00Z\", \"nps\": 10,"
	    " \"region\": \"Este\"}\n"
	    "{\"response_id\": \"j2\", \"submitted_at\": \"2026-04-02T12:00:00Z\", \"nps\":\n"
	    "{\"response_id\": \"j3\", \"submitted_at\": \"2026-04-03T12:00:00Z\", \"csat\": 2,"
	    " \"attributes\": {\"region\": \"Oeste\"}}\n",
	    path);
	struct tp_import_summary sum;
	struct tp_error err;
	assert_int_equal(import(fx, path, NULL, &sum, &err), TP_EINPUT);
	assert_int_equal(sum.rows, 3);
	assert_int_equal(sum.rejected, 1);
	assert_int_equal(sum.errors, 1);
	char want[1024];
	snprintf(want, sizeof want, "%s:2: invalid JSON at column ", path);
	if (strncmp(sum.errors_kept[0], want, strlen(want)) != 0)
		fail_msg("expected \"%s...\", got \"%s\"", want, sum.errors_kept[0]);
	assert_int_equal(scalar(fx, "SELECT count(*) FROM response"), 0);

	/* Skipping it stores the other two and keeps the line as it was. */
	snprintf(rejects, sizeof rejects, "%s.rejected.csv", path);
	struct tp_import_options opts = {.skip_invalid = true};
	assert_int_equal(import(fx, path, &opts, &sum, &err), TP_OK);
	assert_int_equal(sum.rows, 3);
	assert_int_equal(sum.inserted, 2);
	assert_int_equal(sum.rejected, 1);
	assert_string_equal(sum.rejects_path, rejects);
	char *text = read_all(rejects);
	assert_non_null(text);
	const char *head = "line,reason,raw\r\n2,\"invalid JSON at column ";
	if (strncmp(text, head, strlen(head)) != 0)
		fail_msg("expected \"%s...\", got \"%s\"", head, text);
	const char *tail = ",\"{\"\"response_id\"\": \"\"j2\"\", \"\"submitted_at\"\":"
			   " \"\"2026-04-02T12:00:00Z\"\", \"\"nps\"\":\"\r\n";
	size_t n = strlen(text), k = strlen(tail);
	if (n < k || strcmp(text + n - k, tail) != 0)
		fail_msg("expected the raw line at the end of \"%s\"", text);
	free(text);
	expect_text(fx,
		    "SELECT group_concat(response_key, ',') FROM"
		    " (SELECT response_key FROM response ORDER BY response_key)",
		    "j1,j3");
	assert_int_equal(scalar(fx, "SELECT csat FROM response WHERE response_key = 'j3'"), 2);
	expect_text(fx,
		    "SELECT v.value FROM response r JOIN attribute_value v ON v.id = r.a1"
		    " WHERE r.response_key = 'j3'",
		    "Oeste");
}

static void map_renames_columns_and_values(void **state)
{
	struct fx *fx = *state;
	char map[512], path[512];
	write_file(fx, "map.json",
		   "{\"columns\": {\"Valoración\": \"csat\", \"Zona\": \"attr:region\","
		   " \"Interno\": null},"
		   " \"values\": {\"csat\": {\"Muy satisfecho\": 5, \"Satisfecho\": 4},"
		   "  \"attr:region\": {\"N\": \"Norte\"}},"
		   " \"defaults\": {\"touchpoint\": \"t2\"}}",
		   map);
	write_file(fx, "otra.csv",
		   "response_id,submitted_at,Valoración,Zona,Interno\n"
		   "v1,2026-05-01T00:00:00Z,Muy satisfecho,N,abc\n"
		   "v2,2026-05-02T00:00:00Z,satisfecho,Centro,def\n",
		   path);
	struct tp_import_options opts = {.map_path = map};
	struct tp_import_summary sum;
	struct tp_error err;
	if (import(fx, path, &opts, &sum, &err) != TP_OK)
		fail_msg("%s", err.message);
	assert_int_equal(sum.inserted, 2);
	assert_int_equal(scalar(fx, "SELECT csat FROM response WHERE response_key = 'v1'"), 5);
	assert_int_equal(scalar(fx, "SELECT csat FROM response WHERE response_key = 'v2'"), 4);
	assert_int_equal(scalar(fx, "SELECT count(*) FROM response r JOIN touchpoint t"
				    " ON t.id = r.touchpoint_id WHERE t.key = 't2'"),
			 2);
	expect_text(fx, "SELECT group_concat(name) FROM attribute", "region");
	expect_text(fx,
		    "SELECT v.value FROM response r JOIN attribute_value v ON v.id = r.a1"
		    " WHERE r.response_key = 'v1'",
		    "Norte");
	expect_text(fx,
		    "SELECT v.value FROM response r JOIN attribute_value v ON v.id = r.a1"
		    " WHERE r.response_key = 'v2'",
		    "Centro");
}

static void missing_map_file_is_named_and_nothing_is_read(void **state)
{
	struct fx *fx = *state;
	char map[512], path[512];
	file_path(fx, "no-map.json", map);
	write_file(fx, "good.csv", good_csv, path);
	struct tp_import_options opts = {.map_path = map};
	struct tp_import_summary sum;
	struct tp_error err;
	assert_int_equal(import(fx, path, &opts, &sum, &err), TP_EIO);
	char want[1024];
	snprintf(want, sizeof want, "%s: No such file or directory", map);
	assert_string_equal(err.message, want);
	assert_int_equal(sum.rows, 0);
	assert_false(sum.committed);
	assert_int_equal(scalar(fx, "SELECT count(*) FROM response"), 0);
}

static void missing_input_file_is_named(void **state)
{
	struct fx *fx = *state;
	char path[512];
	file_path(fx, "no-such.csv", path);
	struct tp_import_summary sum;
	struct tp_error err;
	assert_int_equal(import(fx, path, NULL, &sum, &err), TP_EIO);
	char want[1024];
	snprintf(want, sizeof want, "%s: No such file or directory", path);
	assert_string_equal(err.message, want);
	assert_int_equal(sum.rows, 0);
	assert_false(sum.committed);
	/* Under skip_invalid no rejects file was written, so none is named. */
	struct tp_import_options opts = {.skip_invalid = true};
	assert_int_equal(import(fx, path, &opts, &sum, &err), TP_EIO);
	assert_string_equal(sum.rejects_path, "");
	/* The store is still usable. */
	assert_int_equal(scalar(fx, "SELECT count(*) FROM response"), 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(imports_a_csv_and_commits),
	    T(invalid_row_stores_nothing_and_leaves_the_database_as_it_was),
	    T(attribute_of_a_rolled_back_import_does_not_remain),
	    T(skip_invalid_stores_good_rows_and_writes_rejects),
	    T(skip_invalid_names_default_rejects_file_only_when_used),
	    T(dry_run_counts_but_stores_nothing),
	    T(importing_again_counts_rows_as_present),
	    T(repeated_ids_in_one_file_count_as_present),
	    T(only_the_first_twenty_errors_are_kept),
	    T(progress_is_reported_with_the_file_size),
	    T(jsonl_line_that_is_not_json_is_rejected),
	    T(map_renames_columns_and_values),
	    T(missing_map_file_is_named_and_nothing_is_read),
	    T(missing_input_file_is_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
