/* Unit tests for model/journey.c: parsing, validation, serialisation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/journey.h"

static const char good[] =
	"{\"name\": \"J\", \"phases\": [{\"id\": \"p1\", \"name\": \"Uno\"},"
	" {\"id\": \"p2\", \"name\": \"Dos\"}],"
	" \"channels\": [{\"id\": \"web\", \"name\": \"Web\"}],"
	" \"touchpoints\": [{\"id\": \"t1\", \"phase\": \"p2\", \"channel\": \"web\","
	" \"name\": \" Compra \", \"owner\": \"Ecommerce\", \"customer_mood\": \"Ansioso\"},"
	" {\"id\": \"t2\", \"phase\": \"p2\", \"channel\": \"web\", \"name\": \"Otra\"}]}";

static void parses_a_valid_journey(void **state)
{
	(void)state;
	struct tp_journey *j = NULL;
	struct tp_error err;
	assert_int_equal(tp_journey_from_json(good, strlen(good), &j, &err), TP_OK);
	assert_string_equal(j->name, "J");
	assert_int_equal(j->n_phases, 2);
	assert_string_equal(j->phases[1].id, "p2");
	assert_int_equal(j->n_channels, 1);
	assert_int_equal(j->n_touchpoints, 2);
	assert_string_equal(j->touchpoints[0].name, "Compra"); /* trimmed */
	assert_string_equal(j->touchpoints[0].owner, "Ecommerce");
	assert_string_equal(j->touchpoints[0].customer_mood, "Ansioso");
	assert_null(j->touchpoints[0].customer_goal);
	assert_null(j->touchpoints[1].owner);
	assert_ptr_equal(tp_journey_touchpoint(j, "t2"), &j->touchpoints[1]);
	assert_null(tp_journey_touchpoint(j, "t3"));
	tp_journey_free(j);
}

static void expect_error(const char *json, const char *message)
{
	struct tp_journey *j = (struct tp_journey *)1;
	struct tp_error err;
	assert_int_equal(tp_journey_from_json(json, strlen(json), &j, &err), TP_EINPUT);
	assert_null(j);
	if (!strstr(err.message, message))
		fail_msg("expected \"%s\" in \"%s\"", message, err.message);
}

static void rejects_bad_journeys_naming_the_item(void **state)
{
	(void)state;
	expect_error("{\"name\": \"J\", \"phases\": [", "invalid JSON at line 1");
	expect_error("[1]", "top level must be a JSON object");
	expect_error("{\"name\": \"J\", \"phases\": [], \"channels\": [], \"touchpoints\": []}",
		     "\"phases\" is empty");
	expect_error("{\"phases\": [{\"id\": \"p\", \"name\": \"P\"}]}", "journey: missing \"name\"");
	expect_error("{\"name\": \"J\", \"phases\": [{\"id\": \"p\", \"name\": \"P\"},"
		     " {\"id\": \"p\", \"name\": \"Q\"}], \"channels\": [], \"touchpoints\": []}",
		     "phase \"p\": duplicate id (also phase 1)");
	expect_error("{\"name\": \"J\", \"phases\": [{\"id\": \"p\", \"name\": \"\"}]}",
		     "phase \"p\": \"name\" is empty");
	expect_error("{\"name\": \"J\", \"phases\": [{\"id\": \"a b\", \"name\": \"P\"}]}",
		     "may not contain spaces");
	expect_error("{\"name\": \"J\", \"phases\": [{\"id\": \"p\", \"name\": \"P\"}],"
		     " \"channels\": [{\"id\": \"c\", \"name\": \"C\"}],"
		     " \"touchpoints\": [{\"id\": \"t\", \"phase\": \"x\", \"channel\": \"c\","
		     " \"name\": \"T\"}]}",
		     "touchpoint \"t\": unknown phase \"x\"");
	expect_error("{\"name\": \"J\", \"phases\": [{\"id\": \"p\", \"name\": \"P\"}],"
		     " \"channels\": [{\"id\": \"c\", \"name\": \"C\"}],"
		     " \"touchpoints\": [{\"id\": \"t\", \"phase\": \"p\", \"channel\": \"c\","
		     " \"name\": 5}]}",
		     "touchpoint \"t\": \"name\" must be a string");
	expect_error("{\"name\": \"J\", \"fases\": []}", "unknown member \"fases\"");
	expect_error("{\"name\": \"J\", \"name\": \"K\"}", "invalid JSON");
	expect_error("{\"name\": \"\xff\"}", "invalid UTF-8 at byte 11");
}

static void to_json_round_trips(void **state)
{
	(void)state;
	struct tp_journey *a = NULL, *b = NULL;
	assert_int_equal(tp_journey_from_json(good, strlen(good), &a, NULL), TP_OK);
	char *text = tp_journey_to_json(a);
	assert_non_null(text);
	assert_int_equal(tp_journey_from_json(text, strlen(text), &b, NULL), TP_OK);
	assert_int_equal(b->n_touchpoints, a->n_touchpoints);
	for (size_t i = 0; i < a->n_touchpoints; i++) {
		assert_string_equal(a->touchpoints[i].id, b->touchpoints[i].id);
		assert_string_equal(a->touchpoints[i].name, b->touchpoints[i].name);
	}
	assert_string_equal(b->touchpoints[0].owner, "Ecommerce");
	free(text);
	tp_journey_free(a);
	tp_journey_free(b);
}

static void sample_journey_is_valid(void **state)
{
	(void)state;
	size_t len;
	const char *json = tp_journey_sample_json(&len);
	struct tp_journey *j = NULL;
	struct tp_error err;
	assert_int_equal(tp_journey_from_json(json, len, &j, &err), TP_OK);
	assert_int_equal(j->n_phases, 6);
	assert_int_equal(j->n_channels, 6);
	assert_int_equal(j->n_touchpoints, 16);
	assert_string_equal(j->phases[0].id, "necesidad");
	assert_string_equal(j->phases[5].id, "fidelizacion");
	tp_journey_free(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_a_valid_journey),
		cmocka_unit_test(rejects_bad_journeys_naming_the_item),
		cmocka_unit_test(to_json_round_trips),
		cmocka_unit_test(sample_journey_is_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
