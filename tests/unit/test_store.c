/* Unit tests for the store (SQLite backend): opening and migrations,
 * journey replacement, response inserts, dictionary-encoded attributes,
 * transactions and reading back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "touchpoint/store.h"
#include "unit/tp_test_tmp.h"

static char db_path[512];

static int setup(void **state)
{
	(void)state;
	return tp_test_tmp_path(db_path, sizeof db_path, "tp-store");
}

static int teardown(void **state)
{
	(void)state;
	tp_test_tmp_remove_db(db_path);
	return 0;
}

static const char journey_json[] =
	"{\"name\": \"J\", \"phases\": [{\"id\": \"p1\", \"name\": \"Uno\"}],"
	" \"channels\": [{\"id\": \"web\", \"name\": \"Web\"}, {\"id\": \"app\", \"name\": \"App\"}],"
	" \"touchpoints\": [{\"id\": \"t1\", \"phase\": \"p1\", \"channel\": \"web\", \"name\": \"A\"},"
	" {\"id\": \"t2\", \"phase\": \"p1\", \"channel\": \"app\", \"name\": \"B\"}]}";

static struct tp_store *open_with_journey(void)
{
	struct tp_store *s = NULL;
	struct tp_error err;
	assert_int_equal(tp_store_open(db_path, TP_STORE_CREATE, &s, &err), TP_OK);
	struct tp_journey *j = NULL;
	assert_int_equal(tp_journey_from_json(journey_json, strlen(journey_json), &j, &err), TP_OK);
	assert_int_equal(tp_store_journey_replace(s, j, false, NULL, &err), TP_OK);
	tp_journey_free(j);
	return s;
}

static struct tp_response response(const char *id, const char *tp, int nps)
{
	struct tp_response r;
	tp_response_init(&r);
	r.response_id = id;
	r.submitted_at = 1767225600; /* 2026-01-01T00:00:00Z */
	r.touchpoint = tp;
	r.nps = nps;
	return r;
}

static int64_t scalar(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void open_modes_and_versions(void **state)
{
	(void)state;
	struct tp_store *s = NULL;
	struct tp_error err;
	assert_int_equal(tp_store_open(db_path, TP_STORE_READ, &s, &err), TP_ENOTFOUND);
	assert_null(s);
	assert_non_null(strstr(err.message, "no database at"));
	assert_int_equal(tp_store_open(db_path, TP_STORE_CREATE, &s, &err), TP_OK);
	assert_int_equal(tp_store_found_version(s), 0);
	tp_store_close(s);
	assert_int_equal(tp_store_open(db_path, TP_STORE_READ, &s, &err), TP_OK);
	assert_int_equal(tp_store_found_version(s), tp_store_schema_version());
	tp_store_close(s);
	assert_int_equal(scalar("PRAGMA user_version"), tp_store_schema_version());
	assert_int_equal(scalar("PRAGMA application_id"), 0x54504442);
	/* A newer schema is refused in every mode. */
	sqlite3 *db;
	sqlite3_open(db_path, &db);
	sqlite3_exec(db, "PRAGMA user_version = 7", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_equal(tp_store_open(db_path, TP_STORE_CREATE, &s, &err), TP_ESCHEMA);
	assert_non_null(strstr(err.message, "newer than this touchpoint"));
	assert_int_equal(scalar("PRAGMA user_version"), 7);
}

static void uninitialised_file_needs_init(void **state)
{
	(void)state;
	sqlite3 *db;
	sqlite3_open(db_path, &db);
	sqlite3_close(db); /* an empty file */
	FILE *f = fopen(db_path, "w");
	fclose(f);
	struct tp_store *s = NULL;
	struct tp_error err;
	assert_int_equal(tp_store_open(db_path, TP_STORE_WRITE, &s, &err), TP_ESCHEMA);
	assert_non_null(strstr(err.message, "run `touchpoint init`"));
}

static void insert_is_idempotent_per_response_id(void **state)
{
	(void)state;
	struct tp_store *s = open_with_journey();
	struct tp_error err;
	bool inserted;
	struct tp_response r = response("r1", "t1", 9);
	assert_int_equal(tp_store_response_insert(s, &r, &inserted, &err), TP_OK);
	assert_true(inserted);
	r.nps = 2; /* same id, other content: nothing changes */
	assert_int_equal(tp_store_response_insert(s, &r, &inserted, &err), TP_OK);
	assert_false(inserted);
	r = response("r2", "nope", 5);
	assert_int_equal(tp_store_response_insert(s, &r, &inserted, &err), TP_EINPUT);
	assert_non_null(strstr(err.message, "unknown touchpoint \"nope\""));
	tp_store_close(s);
	assert_int_equal(scalar("SELECT count(*) FROM response"), 1);
	assert_int_equal(scalar("SELECT nps FROM response"), 9);
}

static void attributes_are_columns_of_dictionary_ids(void **state)
{
	(void)state;
	struct tp_store *s = open_with_journey();
	struct tp_error err;
	bool inserted;
	struct tp_attr a1[] = {{"region", "Norte"}, {"plan", "contrato"}};
	struct tp_attr a2[] = {{"plan", "contrato"}, {"region", "Sur"}};
	struct tp_attr a3[] = {{"region", "Norte"}};
	struct tp_response r = response("r1", "t1", 9);
	r.n_attrs = 2;
	r.attrs = a1;
	assert_int_equal(tp_store_response_insert(s, &r, &inserted, &err), TP_OK);
	r = response("r2", "t2", 3);
	r.n_attrs = 2;
	r.attrs = a2;
	assert_int_equal(tp_store_response_insert(s, &r, &inserted, &err), TP_OK);
	r = response("r3", NULL, 7);
	r.n_attrs = 1;
	r.attrs = a3;
	assert_int_equal(tp_store_response_insert(s, &r, &inserted, &err), TP_OK);
	tp_store_close(s);
	assert_int_equal(scalar("SELECT count(*) FROM attribute"), 2);
	assert_int_equal(scalar("SELECT count(*) FROM attribute_value"), 3);
	/* region is attribute 1, so column a1; r1 and r3 share the id of Norte. */
	assert_int_equal(scalar("SELECT count(DISTINCT a1) FROM response"), 2);
	assert_int_equal(scalar("SELECT count(*) FROM response WHERE a1 = (SELECT id FROM"
				" attribute_value WHERE value = 'Norte')"), 2);
	assert_int_equal(scalar("SELECT count(*) FROM response WHERE a2 IS NULL"), 1);
}

static void rollback_undoes_new_attributes_and_later_inserts_work(void **state)
{
	(void)state;
	struct tp_store *s = open_with_journey();
	struct tp_error err;
	bool inserted;
	struct tp_attr a[] = {{"tienda", "Madrid 3"}};
	struct tp_response r = response("r1", "t1", 9);
	r.n_attrs = 1;
	r.attrs = a;
	assert_int_equal(tp_store_begin(s, &err), TP_OK);
	assert_int_equal(tp_store_response_insert(s, &r, &inserted, &err), TP_OK);
	assert_int_equal(tp_store_rollback(s, &err), TP_OK);
	assert_int_equal(tp_store_begin(s, &err), TP_OK);
	assert_int_equal(tp_store_response_insert(s, &r, &inserted, &err), TP_OK);
	assert_true(inserted);
	assert_int_equal(tp_store_commit(s, &err), TP_OK);
	tp_store_close(s);
	assert_int_equal(scalar("SELECT count(*) FROM attribute"), 1);
	assert_int_equal(scalar("SELECT count(*) FROM response WHERE a1 IS NOT NULL"), 1);
}

static void attribute_limit_is_enforced(void **state)
{
	(void)state;
	struct tp_store *s = open_with_journey();
	struct tp_error err;
	bool inserted;
	char names[TP_ATTRS_MAX + 1][16];
	struct tp_attr a[1];
	enum tp_status st = TP_OK;
	for (int i = 0; i <= TP_ATTRS_MAX && st == TP_OK; i++) {
		char id[16];
		snprintf(names[i], sizeof names[i], "attr%d", i);
		snprintf(id, sizeof id, "r%d", i);
		a[0] = (struct tp_attr){names[i], "x"};
		struct tp_response r = response(id, "t1", 5);
		r.n_attrs = 1;
		r.attrs = a;
		st = tp_store_response_insert(s, &r, &inserted, &err);
		if (i < TP_ATTRS_MAX)
			assert_int_equal(st, TP_OK);
	}
	assert_int_equal(st, TP_ELIMIT);
	assert_non_null(strstr(err.message, "at most 200"));
	tp_store_close(s);
}

static void journey_replace_keeps_links_and_force_unassigns(void **state)
{
	(void)state;
	struct tp_store *s = open_with_journey();
	struct tp_error err;
	bool inserted;
	struct tp_response r = response("r1", "t2", 9);
	assert_int_equal(tp_store_response_insert(s, &r, &inserted, &err), TP_OK);
	static const char only_t1[] =
		"{\"name\": \"J2\", \"phases\": [{\"id\": \"p1\", \"name\": \"Uno\"}],"
		" \"channels\": [{\"id\": \"web\", \"name\": \"Web\"}],"
		" \"touchpoints\": [{\"id\": \"t1\", \"phase\": \"p1\", \"channel\": \"web\","
		" \"name\": \"A\"}]}";
	struct tp_journey *j = NULL;
	assert_int_equal(tp_journey_from_json(only_t1, strlen(only_t1), &j, &err), TP_OK);
	int64_t unassigned = -1;
	assert_int_equal(tp_store_journey_replace(s, j, false, &unassigned, &err), TP_ECONFLICT);
	assert_non_null(strstr(err.message, "\"t2\" (1)"));
	assert_int_equal(unassigned, 0);
	assert_true(tp_store_has_touchpoint(s, "t2"));
	enum tp_status st = tp_store_journey_replace(s, j, true, &unassigned, &err);
	if (st != TP_OK)
		fail_msg("%s", err.message);
	assert_int_equal(unassigned, 1);
	assert_false(tp_store_has_touchpoint(s, "t2"));
	tp_journey_free(j);
	struct tp_journey *loaded = NULL;
	st = tp_store_journey_load(s, &loaded, &err);
	if (st != TP_OK)
		fail_msg("%s", err.message);
	assert_string_equal(loaded->name, "J2");
	assert_int_equal(loaded->n_channels, 1);
	assert_int_equal(loaded->n_touchpoints, 1);
	tp_journey_free(loaded);
	struct tp_store_counts c;
	assert_int_equal(tp_store_counts(s, &c, &err), TP_OK);
	assert_int_equal(c.responses, 1);
	assert_int_equal(c.unassigned, 1);
	tp_store_close(s);
}

struct seen {
	int n;
	char ids[8][16];
	char region[16];
};

static int collect(const struct tp_response *r, void *ctx)
{
	struct seen *seen = ctx;
	snprintf(seen->ids[seen->n++], 16, "%s", r->response_id);
	if (r->n_attrs == 1)
		snprintf(seen->region, sizeof seen->region, "%s", r->attrs[0].value);
	return 0;
}

static void responses_each_orders_and_limits(void **state)
{
	(void)state;
	struct tp_store *s = open_with_journey();
	struct tp_error err;
	bool inserted;
	struct tp_attr a[] = {{"region", "Sur"}};
	const char *ids[] = {"b", "a", "c"};
	const int64_t at[] = {300, 100, 200};
	for (int i = 0; i < 3; i++) {
		struct tp_response r = response(ids[i], "t1", i);
		r.submitted_at = at[i];
		r.n_attrs = i == 1;
		r.attrs = a;
		assert_int_equal(tp_store_response_insert(s, &r, &inserted, &err), TP_OK);
	}
	struct seen seen = {0};
	assert_int_equal(tp_store_responses_each(s, 0, false, collect, &seen, &err), TP_OK);
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.ids[0], "a");
	assert_string_equal(seen.ids[2], "b");
	assert_string_equal(seen.region, "Sur");
	memset(&seen, 0, sizeof seen);
	assert_int_equal(tp_store_responses_each(s, 2, true, collect, &seen, &err), TP_OK);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.ids[0], "b");
	assert_string_equal(seen.ids[1], "c");
	tp_store_close(s);
}

/* A version 1 file (before survey links) is refused by readers, upgraded
 * by TP_STORE_CREATE (init and writing commands), and keeps its data. */
static void version_1_file_is_migrated_and_keeps_data(void **state)
{
	(void)state;
	struct tp_store *s = open_with_journey();
	struct tp_error err;
	struct tp_response r;
	tp_response_init(&r);
	r.response_id = "old-1";
	r.submitted_at = 1700000000;
	r.touchpoint = "t1";
	r.nps = 7;
	bool inserted;
	assert_int_equal(tp_store_response_insert(s, &r, &inserted, &err), TP_OK);
	tp_store_close(s);
	/* Turn the file back into what touchpoint 1's schema wrote. */
	sqlite3 *db;
	sqlite3_open(db_path, &db);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE benchmark; DROP TABLE outcome; DROP TABLE text_model;"
				      "DROP TABLE comment_analysis; DROP TABLE survey_link;"
				      "PRAGMA user_version = 1",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(tp_store_open(db_path, TP_STORE_READ, &s, &err), TP_ESCHEMA);
	assert_non_null(strstr(err.message, "run `touchpoint init`"));
	assert_int_equal(tp_store_open(db_path, TP_STORE_CREATE, &s, &err), TP_OK);
	assert_int_equal(tp_store_found_version(s), 1);
	tp_store_close(s);
	assert_int_equal(scalar("PRAGMA user_version"), 3);
	assert_int_equal(scalar("SELECT nps FROM response WHERE response_key = 'old-1'"), 7);
	assert_int_equal(scalar("SELECT count(*) FROM touchpoint"), 2);
	assert_int_equal(scalar("SELECT count(*) FROM survey_link"), 0);
	assert_int_equal(scalar("SELECT count(*) FROM comment_analysis"), 0);
	assert_int_equal(scalar("SELECT count(*) FROM outcome"), 0);
}

static int count_links(const struct tp_survey_link *l, void *ctx)
{
	(void)l;
	(*(int *)ctx)++;
	return 0;
}

static void survey_links_and_invitations(void **state)
{
	(void)state;
	struct tp_store *s = open_with_journey();
	struct tp_error err;
	struct tp_survey_link link, got;
	memset(&link, 0, sizeof link);
	strcpy(link.touchpoint, "t2");
	strcpy(link.invitation, "ana");
	strcpy(link.lang, "es");
	link.questions = TP_SURVEY_NPS | TP_SURVEY_COMMENT;
	link.created_at = 1700000000;
	assert_int_equal(tp_survey_token_new(link.token, &err), TP_OK);
	assert_int_equal(tp_store_survey_create(s, &link, &err), TP_OK);
	assert_int_equal(tp_store_survey_create(s, &link, &err), TP_ECONFLICT);
	strcpy(link.touchpoint, "nope");
	assert_int_equal(tp_store_survey_create(s, &link, &err), TP_EINPUT);
	assert_int_equal(tp_store_survey_get(s, link.token, &got, &err), TP_OK);
	assert_string_equal(got.touchpoint, "t2");
	assert_string_equal(got.invitation, "ana");
	assert_string_equal(got.lang, "es");
	assert_int_equal(got.questions, TP_SURVEY_NPS | TP_SURVEY_COMMENT);
	assert_int_equal(got.used_at, 0);
	assert_int_equal(tp_store_survey_get(s, "AAAAAAAAAAAAAAAAAAAAAA", &got, &err),
			 TP_ENOTFOUND);

	struct tp_response r;
	tp_response_init(&r);
	r.response_id = "inv-1";
	r.submitted_at = 1700000000;
	r.touchpoint = "t2";
	r.nps = 9;
	bool inserted;
	assert_int_equal(tp_store_survey_answer(s, link.token, &r, &inserted, &err), TP_OK);
	assert_true(inserted);
	/* The same answer again changes nothing; another one is refused. */
	assert_int_equal(tp_store_survey_answer(s, link.token, &r, &inserted, &err), TP_OK);
	assert_false(inserted);
	r.response_id = "inv-2";
	assert_int_equal(tp_store_survey_answer(s, link.token, &r, &inserted, &err), TP_ECONFLICT);
	assert_false(inserted);
	assert_int_equal(tp_store_survey_get(s, link.token, &got, &err), TP_OK);
	assert_true(got.used_at > 0);
	int n = 0;
	assert_int_equal(tp_store_survey_list(s, "t2", count_links, &n, &err), TP_OK);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(tp_store_survey_list(s, "t1", count_links, &n, &err), TP_OK);
	assert_int_equal(n, 0);
	tp_store_close(s);
	assert_int_equal(scalar("SELECT count(*) FROM response WHERE response_key LIKE 'inv-%'"), 1);
}

static void survey_tokens_and_questions(void **state)
{
	(void)state;
	struct tp_error err;
	char seen[64][TP_SURVEY_TOKEN_LEN + 1];
	for (int i = 0; i < 64; i++) {
		assert_int_equal(tp_survey_token_new(seen[i], &err), TP_OK);
		assert_int_equal(strlen(seen[i]), TP_SURVEY_TOKEN_LEN);
		assert_true(tp_survey_token_valid(seen[i]));
		assert_int_equal(strspn(seen[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
						 "0123456789-_"),
				 TP_SURVEY_TOKEN_LEN);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(seen[i], seen[j]);
	}
	assert_false(tp_survey_token_valid(""));
	assert_false(tp_survey_token_valid("AAAAAAAAAAAAAAAAAAAAA"));
	assert_false(tp_survey_token_valid("AAAAAAAAAAAAAAAAAAAAAAA"));
	assert_false(tp_survey_token_valid("AAAAAAAAAAAAAAAAAAAAA="));
	assert_false(tp_survey_token_valid("AAAAAAAAAAAAAAAAAAAAA/"));
	unsigned q;
	char buf[64];
	assert_int_equal(tp_survey_questions_parse("comment,nps", &q, &err), TP_OK);
	assert_int_equal(q, TP_SURVEY_NPS | TP_SURVEY_COMMENT);
	assert_string_equal(tp_survey_questions_format(q, buf, sizeof buf), "nps,comment");
	assert_int_equal(tp_survey_questions_parse("nps,csat,ces,emotion,comment", &q, &err), TP_OK);
	assert_int_equal(q, TP_SURVEY_ALL);
	assert_int_equal(tp_survey_questions_parse("nps,,csat", &q, &err), TP_EINPUT);
	assert_int_equal(tp_survey_questions_parse("npsx", &q, &err), TP_EINPUT);
	assert_non_null(strstr(err.message, "npsx"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(open_modes_and_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(uninitialised_file_needs_init, setup, teardown),
		cmocka_unit_test_setup_teardown(insert_is_idempotent_per_response_id, setup, teardown),
		cmocka_unit_test_setup_teardown(attributes_are_columns_of_dictionary_ids, setup,
						teardown),
		cmocka_unit_test_setup_teardown(rollback_undoes_new_attributes_and_later_inserts_work,
						setup, teardown),
		cmocka_unit_test_setup_teardown(attribute_limit_is_enforced, setup, teardown),
		cmocka_unit_test_setup_teardown(journey_replace_keeps_links_and_force_unassigns, setup,
						teardown),
		cmocka_unit_test_setup_teardown(responses_each_orders_and_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(version_1_file_is_migrated_and_keeps_data, setup,
						teardown),
		cmocka_unit_test_setup_teardown(survey_links_and_invitations, setup, teardown),
		cmocka_unit_test(survey_tokens_and_questions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
