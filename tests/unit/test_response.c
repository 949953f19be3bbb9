/* Unit tests for model/response.c: defaults, the rules tp_response_check()
 * enforces (required id, score ranges, sizes, UTF-8, attributes) and the
 * respondent type names. Expected messages are written out by hand from the
 * model's rules in touchpoint/response.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/response.h"

/* A response that passes: an id and one score. */
static struct tp_response minimal(void)
{
	struct tp_response r;
	tp_response_init(&r);
	r.response_id = "r1";
	r.nps = 9;
	return r;
}

static void expect_ok(const struct tp_response *r)
{
	struct tp_error err;
	tp_error_clear(&err);
	if (tp_response_check(r, &err) != TP_OK)
		fail_msg("expected TP_OK, got \"%s\"", err.message);
}

static void expect_invalid(const struct tp_response *r, const char *message)
{
	struct tp_error err;
	tp_error_clear(&err);
	assert_int_equal(tp_response_check(r, &err), TP_EINPUT);
	assert_int_equal(err.status, TP_EINPUT);
	if (strcmp(err.message, message) != 0)
		fail_msg("expected \"%s\", got \"%s\"", message, err.message);
}

/* A string of n copies of c, which the caller frees. */
static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void init_leaves_nothing_answered(void **state)
{
	(void)state;
	struct tp_response r;
	memset(&r, 0x5a, sizeof r);
	tp_response_init(&r);
	assert_null(r.response_id);
	assert_int_equal(r.submitted_at, 0);
	assert_null(r.respondent_id);
	assert_int_equal(r.respondent_type, TP_RESPONDENT_CUSTOMER);
	assert_null(r.touchpoint);
	assert_int_equal(r.nps, TP_SCORE_NONE);
	assert_int_equal(r.csat, TP_SCORE_NONE);
	assert_int_equal(r.ces, TP_SCORE_NONE);
	assert_int_equal(r.emotion, TP_SCORE_NONE);
	assert_null(r.comment);
	assert_null(r.lang);
	assert_int_equal(r.n_attrs, 0);
	assert_null(r.attrs);
	/* Nothing answered: not a valid response yet. */
	r.response_id = "r1";
	expect_invalid(&r, "no score (nps, csat, ces, emotion) and no comment");
}

static void accepts_an_id_and_one_score(void **state)
{
	(void)state;
	struct tp_response r = minimal();
	expect_ok(&r);
	tp_response_init(&r);
	r.response_id = "r2";
	r.emotion = 0; /* zero is an answer, not "none" */
	expect_ok(&r);
	/* No error object: the status alone. */
	assert_int_equal(tp_response_check(&r, NULL), TP_OK);
}

static void accepts_a_comment_without_scores(void **state)
{
	(void)state;
	struct tp_response r;
	tp_response_init(&r);
	r.response_id = "r1";
	r.comment = "La app se cierra al pagar";
	r.lang = "es";
	expect_ok(&r);
	r.comment = ""; /* an empty comment is no comment */
	expect_invalid(&r, "no score (nps, csat, ces, emotion) and no comment");
}

static void accepts_every_score_at_its_limits(void **state)
{
	(void)state;
	struct tp_response r = minimal();
	r.nps = 0;
	r.csat = 1;
	r.ces = 1;
	r.emotion = -3;
	expect_ok(&r);
	r.nps = 10;
	r.csat = 5;
	r.ces = 7;
	r.emotion = 3;
	expect_ok(&r);
}

static void rejects_missing_or_empty_id(void **state)
{
	(void)state;
	struct tp_response r = minimal();
	r.response_id = NULL;
	expect_invalid(&r, "response_id is missing");
	r.response_id = "";
	expect_invalid(&r, "response_id is missing");
	assert_int_equal(tp_response_check(&r, NULL), TP_EINPUT);
}

static void rejects_scores_out_of_range_at_both_ends(void **state)
{
	(void)state;
	struct tp_response r = minimal();
	r.nps = -1;
	expect_invalid(&r, "nps -1 is out of range 0..10");
	r.nps = 11;
	expect_invalid(&r, "nps 11 is out of range 0..10");
	r = minimal();
	r.csat = 0;
	expect_invalid(&r, "csat 0 is out of range 1..5");
	r.csat = 6;
	expect_invalid(&r, "csat 6 is out of range 1..5");
	r = minimal();
	r.ces = 0;
	expect_invalid(&r, "ces 0 is out of range 1..7");
	r.ces = 8;
	expect_invalid(&r, "ces 8 is out of range 1..7");
	r = minimal();
	r.emotion = -4;
	expect_invalid(&r, "emotion -4 is out of range -3..3");
	r.emotion = 4;
	expect_invalid(&r, "emotion 4 is out of range -3..3");
}

static void rejects_an_unknown_respondent_type(void **state)
{
	(void)state;
	struct tp_response r = minimal();
	r.respondent_type = (enum tp_respondent_type)3;
	expect_invalid(&r, "respondent_type is not customer, employee or leader");
}

static void rejects_over_long_text_fields(void **state)
{
	(void)state;
	struct tp_response r = minimal();
	char *id = repeat('i', TP_RESPONSE_ID_MAX);
	r.response_id = id; /* exactly 256 bytes: allowed */
	expect_ok(&r);
	free(id);
	id = repeat('i', TP_RESPONSE_ID_MAX + 1);
	r.response_id = id;
	expect_invalid(&r, "response_id is longer than 256 bytes");
	r = minimal();
	r.respondent_id = id;
	expect_invalid(&r, "respondent_id is longer than 256 bytes");
	free(id);

	r = minimal();
	char *comment = repeat('c', TP_COMMENT_MAX);
	r.comment = comment; /* exactly 1 MiB: allowed */
	expect_ok(&r);
	free(comment);
	comment = repeat('c', TP_COMMENT_MAX + 1);
	r.comment = comment;
	expect_invalid(&r, "comment is longer than 1048576 bytes");
	free(comment);

	r = minimal();
	char *lang = repeat('a', TP_LANG_MAX);
	r.lang = lang; /* 35 bytes: allowed */
	expect_ok(&r);
	free(lang);
	lang = repeat('a', TP_LANG_MAX + 1);
	r.lang = lang;
	expect_invalid(&r, "lang is longer than 35 bytes");
	free(lang);
}

static void rejects_invalid_utf8_naming_the_byte(void **state)
{
	(void)state;
	struct tp_response r = minimal();
	/* "Bien " is bytes 1-5; 0xff is byte 6. */
	r.comment = "Bien \xff fin";
	expect_invalid(&r, "comment: invalid UTF-8 at byte 6");
	/* A lone continuation byte first. */
	r.comment = "\x80";
	expect_invalid(&r, "comment: invalid UTF-8 at byte 1");
	/* "ñ" (2 bytes) is valid; "\xc3" cut short at the end is not: byte 4. */
	r.comment = "añ\xc3";
	expect_invalid(&r, "comment: invalid UTF-8 at byte 4");
	r.comment = "Atención rápida, 10/10 ✓";
	expect_ok(&r);
	r = minimal();
	r.response_id = "r\xc0\xaf"; /* an overlong "/" */
	expect_invalid(&r, "response_id: invalid UTF-8 at byte 2");
}

static void rejects_duplicate_or_nameless_attributes(void **state)
{
	(void)state;
	struct tp_response r = minimal();
	const struct tp_attr good[] = {{"region", "Norte"}, {"plan", "prepago"}};
	r.attrs = good;
	r.n_attrs = 2;
	expect_ok(&r);

	const struct tp_attr twice[] = {
	    {"region", "Norte"}, {"plan", "prepago"}, {"region", "Sur"}};
	r.attrs = twice;
	r.n_attrs = 3;
	expect_invalid(&r, "attribute \"region\" given twice");

	const struct tp_attr empty_name[] = {{"region", "Norte"}, {"", "x"}};
	r.attrs = empty_name;
	r.n_attrs = 2;
	expect_invalid(&r, "segment attribute 2 has no name");

	const struct tp_attr null_name[] = {{NULL, "x"}};
	r.attrs = null_name;
	r.n_attrs = 1;
	expect_invalid(&r, "segment attribute 1 has no name");
}

static void rejects_over_long_attribute_names_and_values(void **state)
{
	(void)state;
	struct tp_response r = minimal();
	char *name = repeat('n', TP_ATTR_NAME_MAX + 1);
	char *value = repeat('v', TP_ATTR_VALUE_MAX + 1);
	struct tp_attr a[1] = {{name, "x"}};
	r.attrs = a;
	r.n_attrs = 1;
	expect_invalid(&r, "attribute name is longer than 128 bytes");
	a[0] = (struct tp_attr){"region", value};
	expect_invalid(&r, "region is longer than 1000 bytes");
	value[TP_ATTR_VALUE_MAX] = '\0'; /* exactly 1000 bytes: allowed */
	expect_ok(&r);
	free(name);
	free(value);
}

static void parses_respondent_types_in_english_and_spanish(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		enum tp_respondent_type type;
	} cases[] = {
	    {"customer", TP_RESPONDENT_CUSTOMER}, {"Customer", TP_RESPONDENT_CUSTOMER},
	    {"CUSTOMER", TP_RESPONDENT_CUSTOMER}, {"cliente", TP_RESPONDENT_CUSTOMER},
	    {"Cliente", TP_RESPONDENT_CUSTOMER},  {"employee", TP_RESPONDENT_EMPLOYEE},
	    {"EMPLOYEE", TP_RESPONDENT_EMPLOYEE}, {"empleado", TP_RESPONDENT_EMPLOYEE},
	    {"empleada", TP_RESPONDENT_EMPLOYEE}, {"Empleada", TP_RESPONDENT_EMPLOYEE},
	    {"leader", TP_RESPONDENT_LEADER},	  {"Leader", TP_RESPONDENT_LEADER},
	    {"líder", TP_RESPONDENT_LEADER},	  {"Líder", TP_RESPONDENT_LEADER},
	    {"LÍDER", TP_RESPONDENT_LEADER},	  {"lider", TP_RESPONDENT_LEADER},
	    {"LIDER", TP_RESPONDENT_LEADER},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum tp_respondent_type t = (enum tp_respondent_type)99;
		if (!tp_respondent_type_parse(cases[i].text, &t))
			fail_msg("\"%s\" was not recognised", cases[i].text);
		if (t != cases[i].type)
			fail_msg("\"%s\" parsed as %d, expected %d", cases[i].text, (int)t,
				 (int)cases[i].type);
	}
}

static void unknown_respondent_types_are_refused_and_leave_out_alone(void **state)
{
	(void)state;
	static const char *const unknown[] = {"",	   "manager",	"client", "customers",
					      " customer", "empleados", "lí"};
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		enum tp_respondent_type t = TP_RESPONDENT_EMPLOYEE;
		if (tp_respondent_type_parse(unknown[i], &t))
			fail_msg("\"%s\" was accepted", unknown[i]);
		assert_int_equal(t, TP_RESPONDENT_EMPLOYEE);
	}
}

static void names_respondent_types_in_english(void **state)
{
	(void)state;
	assert_string_equal(tp_respondent_type_name(TP_RESPONDENT_CUSTOMER), "customer");
	assert_string_equal(tp_respondent_type_name(TP_RESPONDENT_EMPLOYEE), "employee");
	assert_string_equal(tp_respondent_type_name(TP_RESPONDENT_LEADER), "leader");
	assert_string_equal(tp_respondent_type_name((enum tp_respondent_type)7), "unknown");
	/* Every name parses back to its type. */
	for (int t = TP_RESPONDENT_CUSTOMER; t <= TP_RESPONDENT_LEADER; t++) {
		enum tp_respondent_type back;
		assert_true(tp_respondent_type_parse(
		    tp_respondent_type_name((enum tp_respondent_type)t), &back));
		assert_int_equal(back, t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(init_leaves_nothing_answered),
	    cmocka_unit_test(accepts_an_id_and_one_score),
	    cmocka_unit_test(accepts_a_comment_without_scores),
	    cmocka_unit_test(accepts_every_score_at_its_limits),
	    cmocka_unit_test(rejects_missing_or_empty_id),
	    cmocka_unit_test(rejects_scores_out_of_range_at_both_ends),
	    cmocka_unit_test(rejects_an_unknown_respondent_type),
	    cmocka_unit_test(rejects_over_long_text_fields),
	    cmocka_unit_test(rejects_invalid_utf8_naming_the_byte),
	    cmocka_unit_test(rejects_duplicate_or_nameless_attributes),
	    cmocka_unit_test(rejects_over_long_attribute_names_and_values),
	    cmocka_unit_test(parses_respondent_types_in_english_and_spanish),
	    cmocka_unit_test(unknown_respondent_types_are_refused_and_leave_out_alone),
	    cmocka_unit_test(names_respondent_types_in_english),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
