/* Tests of the JSON API's pieces that need no network: the route table
 * against the OpenAPI document (every route documented, every documented
 * operation served), and batch ingestion (io/ingest.c) against a
 * temporary store: all-or-nothing, problems by index and field, and the
 * same checks as JSON Lines import. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/ingest.h"
#include "touchpoint/journey.h"
#include "touchpoint/store.h"
#include "touchpoint/web.h"

static const char *const methods[] = {"get",	 "put",	 "post",  "delete",
				      "options", "head", "patch", "trace"};

static json_t *openapi(void)
{
	size_t len = 0;
	const char *text = tp_web_openapi_json(&len);
	json_error_t jerr;
	json_t *doc = json_loadb(text, len, 0, &jerr);
	if (!doc)
		fail_msg("openapi.json: line %d: %s", jerr.line, jerr.text);
	return doc;
}

static void lower(const char *s, char *out, size_t size)
{
	size_t i = 0;
	for (; s[i] && i + 1 < size; i++)
		out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
	out[i] = '\0';
}

static void every_route_is_documented(void **state)
{
	(void)state;
	json_t *doc = openapi();
	assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.0.3");
	json_t *paths = json_object_get(doc, "paths");
	size_t n = tp_web_route_count();
	assert_true(n >= 5);
	for (size_t i = 0; i < n; i++) {
		char m[16];
		lower(tp_web_route_at(i)->method, m, sizeof m);
		json_t *op = json_object_get(json_object_get(paths, tp_web_route_at(i)->path), m);
		if (!json_is_object(op) || !json_object_get(op, "responses"))
			fail_msg("%s %s is served but not in openapi.json", tp_web_route_at(i)->method,
				 tp_web_route_at(i)->path);
	}
	json_decref(doc);
}

static void every_documented_operation_is_served(void **state)
{
	(void)state;
	json_t *doc = openapi();
	size_t n = tp_web_route_count();
	const char *path;
	json_t *item;
	size_t ops = 0;
	json_object_foreach(json_object_get(doc, "paths"), path, item)
	{
		for (size_t k = 0; k < sizeof methods / sizeof methods[0]; k++) {
			if (!json_object_get(item, methods[k]))
				continue;
			ops++;
			bool served = false;
			for (size_t i = 0; i < n && !served; i++) {
				char m[16];
				lower(tp_web_route_at(i)->method, m, sizeof m);
				served =
				    strcmp(tp_web_route_at(i)->path, path) == 0 && strcmp(m, methods[k]) == 0;
			}
			if (!served)
				fail_msg("openapi.json documents %s %s, which is not served",
					 methods[k], path);
		}
	}
	assert_int_equal(ops, n);
	json_decref(doc);
}

/* --- ingestion --- */

struct fx {
	char dir[256];
	char db[300];
	struct tp_store *store;
};

static const char journey_json[] =
    "{\"name\": \"J\", \"phases\": [{\"id\": \"buy\", \"name\": \"Buy\"}],"
    " \"channels\": [{\"id\": \"web\", \"name\": \"Web\"}],"
    " \"touchpoints\": [{\"id\": \"web-buy\", \"phase\": \"buy\", \"channel\": \"web\","
    " \"name\": \"Buying online\"}]}";

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof *fx);
	const char *tmp = getenv("TMPDIR");
	snprintf(fx->dir, sizeof fx->dir, "%s/tp-web-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->db, sizeof fx->db, "%s/t.db", fx->dir);
	struct tp_error err;
	struct tp_journey *j = NULL;
	if (tp_journey_from_json(journey_json, strlen(journey_json), &j, &err) != TP_OK ||
	    tp_store_open(fx->db, TP_STORE_CREATE, &fx->store, &err) != TP_OK ||
	    tp_store_journey_replace(fx->store, j, false, NULL, &err) != TP_OK)
		return -1;
	tp_journey_free(j);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	char path[400];
	tp_store_close(fx->store);
	const char *suffixes[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s%s", fx->db, suffixes[i]);
		unlink(path);
	}
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static enum tp_status ingest(struct fx *fx, const char *text, struct tp_ingest_result *res,
			     struct tp_error *err)
{
	json_t *doc = json_loads(text, 0, NULL);
	assert_non_null(doc);
	enum tp_status st = tp_ingest_json(fx->store, doc, res, err);
	json_decref(doc);
	return st;
}

static int64_t stored(struct fx *fx)
{
	struct tp_store_counts c;
	struct tp_error err;
	assert_int_equal(tp_store_counts(fx->store, &c, &err), TP_OK);
	return c.responses;
}

static void valid_batch_is_stored_and_repeats_are_present(void **state)
{
	struct fx *fx = *state;
	struct tp_ingest_result res;
	struct tp_error err;
	const char *batch =
	    "[{\"response_id\": \"r1\", \"submitted_at\": \"2026-01-15\", \"nps\": 9,"
	    " \"touchpoint\": \"web-buy\", \"attributes\": {\"region\": \"N\"}},"
	    " {\"response_id\": \"r2\", \"submitted_at\": \"2026-01-15T10:00:00Z\","
	    " \"csat\": \"4,0\", \"lang\": \"es-ES\"},"
	    " {\"response_id\": \"r1\", \"submitted_at\": \"2026-01-15\", \"nps\": 9}]";
	assert_int_equal(ingest(fx, batch, &res, &err), TP_OK);
	assert_int_equal(res.stored, 2);
	assert_int_equal(res.present, 1);
	tp_ingest_result_free(&res);
	assert_int_equal(stored(fx), 2);
	assert_int_equal(ingest(fx, batch, &res, &err), TP_OK);
	assert_int_equal(res.stored, 0);
	assert_int_equal(res.present, 3);
	tp_ingest_result_free(&res);
	/* One object alone is a batch of one. */
	assert_int_equal(ingest(fx,
				"{\"response_id\": \"r3\", \"submitted_at\": \"2026-02-01\","
				" \"comment\": \"ok\"}",
				&res, &err),
			 TP_OK);
	assert_int_equal(res.stored, 1);
	tp_ingest_result_free(&res);
	assert_int_equal(stored(fx), 3);
}

static void invalid_items_are_named_and_nothing_is_stored(void **state)
{
	struct fx *fx = *state;
	struct tp_ingest_result res;
	struct tp_error err;
	const char *batch =
	    "[{\"response_id\": \"ok\", \"submitted_at\": \"2026-01-15\", \"nps\": 9},"
	    " {\"response_id\": \"b1\", \"submitted_at\": \"2026-01-15\", \"nps\": 11},"
	    " \"text\","
	    " {\"response_id\": \"b2\", \"nps\": 5, \"touchpoint\": \"nowhere\"}]";
	assert_int_equal(ingest(fx, batch, &res, &err), TP_EINPUT);
	assert_string_equal(err.message, "3 invalid items; nothing was stored");
	assert_int_equal(res.invalid, 3);
	assert_int_equal(res.stored, 0);
	assert_int_equal(res.n_kept, 4);
	assert_int_equal(res.kept[0].index, 1);
	assert_string_equal(res.kept[0].field, "nps");
	assert_string_equal(res.kept[0].reason, "11 is out of range 0..10");
	assert_int_equal(res.kept[1].index, 2);
	assert_string_equal(res.kept[1].field, "");
	assert_int_equal(res.kept[2].index, 3);
	assert_string_equal(res.kept[2].field, "touchpoint");
	assert_non_null(strstr(res.kept[2].reason, "unknown touchpoint \"nowhere\""));
	assert_int_equal(res.kept[3].index, 3);
	assert_string_equal(res.kept[3].field, "submitted_at");
	tp_ingest_result_free(&res);
	assert_int_equal(stored(fx), 0);
}

static void web_options_have_safe_defaults(void **state)
{
	(void)state;
	struct tp_web_options o;
	tp_web_options_init(&o);
	assert_string_equal(o.listen, "127.0.0.1:8080");
	assert_int_equal(o.max_body, 1 << 20);
	assert_null(o.access_log);
}

static void malformed_listen_address_is_a_usage_error(void **state)
{
	struct fx *fx = *state;
	struct tp_web_options o;
	tp_web_options_init(&o);
	o.db_path = fx->db;
	o.threads = 1;
	const char *bad[] = {"localhost:80", "127.0.0.1", "127.0.0.1:99999", ":80", "1.2.3.4:x"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct tp_web_server *s = NULL;
		struct tp_error err;
		o.listen = bad[i];
		assert_int_equal(tp_web_start(&o, &s, &err), TP_EUSAGE);
		assert_null(s);
		assert_non_null(strstr(err.message, bad[i]));
	}
}

#define T(f) cmocka_unit_test(f)
#define TS(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(every_route_is_documented),
	    T(every_documented_operation_is_served),
	    T(web_options_have_safe_defaults),
	    TS(valid_batch_is_stored_and_repeats_are_present),
	    TS(invalid_items_are_named_and_nothing_is_stored),
	    TS(malformed_listen_address_is_a_usage_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
