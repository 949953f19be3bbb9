/* Unit tests of the store seeing another connection's journey (store/
 * sqlite_journey.c sq_journey_sync): a connection opened before a journey
 * replace made by another connection (the CLI, another server worker)
 * must use the new touchpoints at once, inside and outside transactions,
 * and never attach a response to a touchpoint row that was replaced; and
 * see segment attributes another connection added. Also: removing a
 * touchpoint removes its survey links. */
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
	return tp_test_tmp_path(db_path, sizeof db_path, "tp-sync");
}

static int teardown(void **state)
{
	(void)state;
	tp_test_tmp_remove_db(db_path);
	return 0;
}

/* A journey of one phase, one channel and the touchpoints named in ids
 * (comma-separated). */
static void replace(struct tp_store *s, const char *ids, bool force)
{
	char text[2048], tps[1500] = "";
	size_t used = 0;
	char copy[256];
	snprintf(copy, sizeof copy, "%s", ids);
	for (char *id = strtok(copy, ","); id; id = strtok(NULL, ","))
		used += (size_t)snprintf(tps + used, sizeof tps - used,
					 "%s{\"id\": \"%s\", \"phase\": \"p\", \"channel\": \"c\","
					 " \"name\": \"N %s\"}",
					 used ? ", " : "", id, id);
	snprintf(text, sizeof text,
		 "{\"name\": \"J\", \"phases\": [{\"id\": \"p\", \"name\": \"P\"}],"
		 " \"channels\": [{\"id\": \"c\", \"name\": \"C\"}], \"touchpoints\": [%s]}",
		 tps);
	struct tp_journey *j = NULL;
	struct tp_error err;
	assert_int_equal(tp_journey_from_json(text, strlen(text), &j, &err), TP_OK);
	int64_t unassigned;
	assert_int_equal(tp_store_journey_replace(s, j, force, &unassigned, &err), TP_OK);
	tp_journey_free(j);
}

static struct tp_store *open_store(enum tp_store_mode mode)
{
	struct tp_store *s = NULL;
	struct tp_error err;
	assert_int_equal(tp_store_open(db_path, mode, &s, &err), TP_OK);
	return s;
}

static enum tp_status insert(struct tp_store *s, const char *id, const char *tp)
{
	struct tp_response r;
	tp_response_init(&r);
	r.response_id = id;
	r.submitted_at = 1767225600;
	r.touchpoint = tp;
	r.nps = 9;
	bool inserted = false;
	struct tp_error err;
	return tp_store_response_insert(s, &r, &inserted, &err);
}

/* The key of the touchpoint the response with this key is attached to,
 * read with plain SQL; "" when none. */
static void attached_to(const char *response, char *out, size_t size)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT coalesce(t.key, '') FROM response r LEFT JOIN"
					    " touchpoint t ON t.id = r.touchpoint_id"
					    " WHERE r.response_key = ?",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, response, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void another_connections_journey_is_used_at_once(void **state)
{
	(void)state;
	struct tp_store *a = open_store(TP_STORE_CREATE);
	replace(a, "t1", false);
	struct tp_store *b = open_store(TP_STORE_WRITE);
	assert_true(tp_store_has_touchpoint(b, "t1"));
	assert_false(tp_store_has_touchpoint(b, "t2"));
	/* a adds t2: b sees it without reopening. */
	replace(a, "t1,t2", false);
	assert_true(tp_store_has_touchpoint(b, "t2"));
	assert_int_equal(insert(b, "r1", "t2"), TP_OK);
	/* a adds t3 while b is between transactions; b's next transaction
	 * (the bulk path) must see it. */
	replace(a, "t1,t2,t3", false);
	struct tp_error err;
	assert_int_equal(tp_store_begin(b, &err), TP_OK);
	struct tp_response r;
	tp_response_init(&r);
	r.response_id = "r2";
	r.submitted_at = 1767225600;
	r.touchpoint = "t3";
	r.csat = 4;
	assert_int_equal(tp_store_response_add(b, &r, &err), TP_OK);
	assert_int_equal(tp_store_commit(b, &err), TP_OK);
	/* And a second transaction right after another change. */
	replace(a, "t1,t2,t3,t4", false);
	assert_int_equal(tp_store_begin(b, &err), TP_OK);
	r.response_id = "r3";
	r.touchpoint = "t4";
	assert_int_equal(tp_store_response_add(b, &r, &err), TP_OK);
	assert_int_equal(tp_store_commit(b, &err), TP_OK);
	char key[64];
	attached_to("r1", key, sizeof key);
	assert_string_equal(key, "t2");
	attached_to("r2", key, sizeof key);
	assert_string_equal(key, "t3");
	attached_to("r3", key, sizeof key);
	assert_string_equal(key, "t4");
	tp_store_close(b);
	tp_store_close(a);
}

static void a_replaced_touchpoint_row_is_never_used(void **state)
{
	(void)state;
	struct tp_store *a = open_store(TP_STORE_CREATE);
	replace(a, "t1,t2", false);
	struct tp_store *b = open_store(TP_STORE_WRITE);
	assert_true(tp_store_has_touchpoint(b, "t2"));
	/* t2 (the highest row id) goes and t9 comes: SQLite may give t9 the
	 * row id t2 had. b must not file an answer for t2 under t9. */
	replace(a, "t1", true);
	replace(a, "t1,t9", false);
	assert_int_equal(insert(b, "r1", "t2"), TP_EINPUT);
	assert_int_equal(insert(b, "r2", "t9"), TP_OK);
	char key[64];
	attached_to("r2", key, sizeof key);
	assert_string_equal(key, "t9");
	/* A scan through b with the journey as stored now indexes t9. */
	struct tp_journey *j = NULL;
	struct tp_error err;
	assert_int_equal(tp_store_journey_load(b, &j, &err), TP_OK);
	assert_int_equal(j->n_touchpoints, 2);
	tp_journey_free(j);
	tp_store_close(b);
	tp_store_close(a);
}

static void attributes_added_elsewhere_are_seen(void **state)
{
	(void)state;
	struct tp_store *a = open_store(TP_STORE_CREATE);
	replace(a, "t1", false);
	struct tp_store *b = open_store(TP_STORE_WRITE);
	assert_int_equal(tp_store_attribute_count(b), 0);
	struct tp_attr attr = {"region", "norte"};
	struct tp_response r;
	tp_response_init(&r);
	r.response_id = "r1";
	r.submitted_at = 1767225600;
	r.touchpoint = "t1";
	r.nps = 7;
	r.attrs = &attr;
	r.n_attrs = 1;
	bool inserted;
	struct tp_error err;
	assert_int_equal(tp_store_response_insert(a, &r, &inserted, &err), TP_OK);
	assert_int_equal(tp_store_attribute_count(b), 1);
	assert_string_equal(tp_store_attribute_name(b, 0), "region");
	/* b can store a value of it too, in the column a made. */
	r.response_id = "r2";
	attr.value = "sur";
	assert_int_equal(tp_store_response_insert(b, &r, &inserted, &err), TP_OK);
	assert_true(inserted);
	tp_store_close(b);
	tp_store_close(a);
}

static void removing_a_touchpoint_removes_its_survey_links(void **state)
{
	(void)state;
	struct tp_store *a = open_store(TP_STORE_CREATE);
	replace(a, "t1,t2", false);
	struct tp_survey_link link;
	memset(&link, 0, sizeof link);
	struct tp_error err;
	assert_int_equal(tp_survey_token_new(link.token, &err), TP_OK);
	snprintf(link.touchpoint, sizeof link.touchpoint, "t2");
	link.questions = TP_SURVEY_NPS;
	link.created_at = 1767225600;
	assert_int_equal(tp_store_survey_create(a, &link, &err), TP_OK);
	struct tp_survey_link got;
	assert_int_equal(tp_store_survey_get(a, link.token, &got, &err), TP_OK);
	replace(a, "t1", false);
	assert_int_equal(tp_store_survey_get(a, link.token, &got, &err), TP_ENOTFOUND);
	tp_store_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(another_connections_journey_is_used_at_once, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(a_replaced_touchpoint_row_is_never_used, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(attributes_added_elsewhere_are_seen, setup, teardown),
	    cmocka_unit_test_setup_teardown(removing_a_touchpoint_removes_its_survey_links, setup,
					    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
