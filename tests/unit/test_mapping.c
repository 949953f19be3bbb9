/* Unit tests for io/mapping.c: what a column means for each source format,
 * with and without a map file: canonical names, unmapped columns, renames,
 * aliases, the built-in rules of Qualtrics, SurveyMonkey and Google Forms,
 * value maps, defaults, date formats, and the errors of a bad map file.
 * Map files are written to temporary files; expected values are written out
 * by hand from the mapping rules in io/mapping.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/mapping.h"

/* --- helpers --- */

/* Writes text to a new temporary file; returns its path, which the caller
 * removes and frees with drop_temp(). */
static char *write_temp(const char *text)
{
	const char *dir = getenv("TMPDIR");
	char *path = malloc(4096);
	assert_non_null(path);
	snprintf(path, 4096, "%s/tp_map_XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	assert_non_null(f);
	size_t n = strlen(text);
	assert_int_equal(fwrite(text, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	return path;
}

static void drop_temp(char *path)
{
	unlink(path);
	free(path);
}

/* The mapping for format from a map file holding json (NULL: no map file). */
static struct tp_mapping *load(const char *json, enum tp_table_format format)
{
	char *path = json ? write_temp(json) : NULL;
	struct tp_mapping *m = NULL;
	struct tp_error err;
	tp_error_clear(&err);
	if (tp_mapping_load(path, format, &m, &err) != TP_OK)
		fail_msg("loading %s failed: %s", json ? json : "no map", err.message);
	assert_non_null(m);
	if (path)
		drop_temp(path);
	return m;
}

/* Loads json as a map file, expecting TP_EINPUT with a message that starts
 * with the map's path and contains `part`. */
static void expect_map_error(const char *json, const char *part)
{
	char *path = write_temp(json);
	struct tp_mapping *m = (struct tp_mapping *)1;
	struct tp_error err;
	tp_error_clear(&err);
	assert_int_equal(tp_mapping_load(path, TP_TABLE_CSV, &m, &err), TP_EINPUT);
	assert_null(m);
	assert_int_equal(err.status, TP_EINPUT);
	size_t n = strlen(path);
	if (strncmp(err.message, path, n) != 0 || strncmp(err.message + n, ": ", 2) != 0)
		fail_msg("expected the map path first in \"%s\"", err.message);
	if (!strstr(err.message, part))
		fail_msg("expected \"%s\" in \"%s\"", part, err.message);
	drop_temp(path);
}

static struct tp_column_spec resolve(const struct tp_mapping *m, const char *name)
{
	struct tp_column_spec c;
	memset(&c, 0x5a, sizeof c);
	tp_mapping_resolve(m, name, NULL, &c);
	return c;
}

static void expect_target(const struct tp_mapping *m, const char *name, enum tp_target want)
{
	struct tp_column_spec c = resolve(m, name);
	if (c.target != want)
		fail_msg("\"%s\" resolved to %s, expected %s", name, tp_target_name(c.target),
			 tp_target_name(want));
	if (want != TP_T_ATTR)
		assert_null(c.attr_name);
}

static void expect_attr(const struct tp_mapping *m, const char *name, const char *attr)
{
	struct tp_column_spec c = resolve(m, name);
	if (c.target != TP_T_ATTR)
		fail_msg("\"%s\" resolved to %s, expected attr:%s", name, tp_target_name(c.target),
			 attr);
	assert_non_null(c.attr_name);
	assert_string_equal(c.attr_name, attr);
}

/* --- canonical and unmapped columns --- */

static void canonical_names_resolve_case_insensitively(void **state)
{
	(void)state;
	struct tp_mapping *m = load(NULL, TP_TABLE_CSV);
	expect_target(m, "response_id", TP_T_RESPONSE_ID);
	expect_target(m, "Response_ID", TP_T_RESPONSE_ID);
	expect_target(m, "SUBMITTED_AT", TP_T_SUBMITTED_AT);
	expect_target(m, "respondent_id", TP_T_RESPONDENT_ID);
	expect_target(m, "Respondent_Type", TP_T_RESPONDENT_TYPE);
	expect_target(m, "touchpoint", TP_T_TOUCHPOINT);
	expect_target(m, "NPS", TP_T_NPS);
	expect_target(m, "Csat", TP_T_CSAT);
	expect_target(m, "ces", TP_T_CES);
	expect_target(m, "Emotion", TP_T_EMOTION);
	expect_target(m, "COMMENT", TP_T_COMMENT);
	expect_target(m, "lang", TP_T_LANG);
	/* No map: no value maps, ISO 8601 dates, no defaults. */
	struct tp_column_spec c = resolve(m, "nps");
	assert_null(c.values);
	assert_null(c.date_format);
	c = resolve(m, "submitted_at");
	assert_null(c.date_format);
	assert_null(tp_mapping_date_format(m));
	for (int t = 0; t < TP_T_COUNT; t++) {
		assert_null(tp_mapping_default(m, (enum tp_target)t));
		assert_null(tp_mapping_values(m, (enum tp_target)t));
	}
	assert_false(tp_mapping_derives_id(m));
	tp_mapping_free(m);
	/* Canonical names keep their meaning in tool exports too. */
	m = load(NULL, TP_TABLE_QUALTRICS);
	expect_target(m, "nps", TP_T_NPS);
	expect_target(m, "Comment", TP_T_COMMENT);
	tp_mapping_free(m);
}

static void unmapped_columns_are_attributes_of_plain_files(void **state)
{
	(void)state;
	const enum tp_table_format formats[] = {TP_TABLE_CSV, TP_TABLE_JSONL};
	for (size_t i = 0; i < 2; i++) {
		struct tp_mapping *m = load(NULL, formats[i]);
		expect_attr(m, "region", "region");
		expect_attr(m, "Región", "Región");
		/* Tool columns mean nothing special in plain files. */
		expect_attr(m, "ResponseId", "ResponseId");
		expect_attr(m, "IPAddress", "IPAddress");
		/* A nameless column has no attribute to become. */
		expect_target(m, "", TP_T_IGNORE);
		/* The attribute is named by the caller's text itself. */
		const char *name = "plan";
		struct tp_column_spec c;
		tp_mapping_resolve(m, name, NULL, &c);
		assert_ptr_equal(c.attr_name, name);
		assert_null(c.values);
		assert_null(c.date_format);
		assert_false(tp_mapping_derives_id(m));
		tp_mapping_free(m);
	}
}

static void unmapped_columns_are_ignored_in_tool_exports(void **state)
{
	(void)state;
	const enum tp_table_format formats[] = {TP_TABLE_QUALTRICS, TP_TABLE_SURVEYMONKEY,
						TP_TABLE_GOOGLEFORMS};
	for (size_t i = 0; i < 3; i++) {
		struct tp_mapping *m = load(NULL, formats[i]);
		expect_target(m, "Q5", TP_T_IGNORE);
		expect_target(m, "How likely are you to recommend us?", TP_T_IGNORE);
		expect_target(m, "Región", TP_T_IGNORE);
		tp_mapping_free(m);
	}
}

static void unmapped_option_overrides_the_format(void **state)
{
	(void)state;
	struct tp_mapping *m = load("{\"unmapped\": \"attribute\"}", TP_TABLE_QUALTRICS);
	expect_attr(m, "Q5", "Q5");
	/* Personal data stays out, whatever "unmapped" says. */
	expect_target(m, "IPAddress", TP_T_IGNORE);
	expect_target(m, "RecipientEmail", TP_T_IGNORE);
	expect_target(m, "ResponseId", TP_T_RESPONSE_ID);
	tp_mapping_free(m);

	m = load("{\"unmapped\": \"attribute\"}", TP_TABLE_GOOGLEFORMS);
	expect_attr(m, "¿Qué tienda visitó?", "¿Qué tienda visitó?");
	tp_mapping_free(m);

	m = load("{\"unmapped\": \"ignore\"}", TP_TABLE_CSV);
	expect_target(m, "region", TP_T_IGNORE);
	expect_target(m, "nps", TP_T_NPS);
	tp_mapping_free(m);
}

/* --- map files: columns --- */

static void columns_rename_to_fields_attributes_or_nothing(void **state)
{
	(void)state;
	struct tp_mapping *m = load("{\"columns\": {"
				    "\"Puntuación\": \"nps\","
				    " \"Región\": \"attr:region\","
				    " \"IP\": null,"
				    " \"Canal\": \"ignore\","
				    " \"Nota\": \"COMMENT\","
				    " \"Fecha\": \"submitted_at\","
				    " \"nps\": \"attr:nps_antiguo\"}}",
				    TP_TABLE_CSV);
	expect_target(m, "Puntuación", TP_T_NPS);
	expect_attr(m, "Región", "region");
	expect_target(m, "IP", TP_T_IGNORE);
	expect_target(m, "Canal", TP_T_IGNORE);
	expect_target(m, "Nota", TP_T_COMMENT);
	expect_target(m, "Fecha", TP_T_SUBMITTED_AT);
	/* A rule for a canonical name beats the name's own meaning. */
	expect_attr(m, "nps", "nps_antiguo");
	/* The attribute's name belongs to the mapping, not to the caller. */
	char name[] = "Región";
	struct tp_column_spec c;
	tp_mapping_resolve(m, name, NULL, &c);
	assert_true(c.attr_name != name);
	/* Columns the map does not name keep the format's behaviour. */
	expect_attr(m, "plan", "plan");
	expect_target(m, "csat", TP_T_CSAT);
	tp_mapping_free(m);
}

static void columns_match_by_alias_in_qualtrics_exports(void **state)
{
	(void)state;
	struct tp_mapping *m = load("{\"columns\": {"
				    "\"How likely are you to recommend us?\": \"nps\","
				    " \"QID7_TEXT\": \"comment\","
				    " \"Q9\": \"csat\","
				    " \"Tienda\": \"attr:tienda\"}}",
				    TP_TABLE_QUALTRICS);
	struct tp_column_spec c;
	/* By the question text: the first alias. */
	const char *const q1[] = {"How likely are you to recommend us?", "QID1", NULL};
	tp_mapping_resolve(m, "Q1", q1, &c);
	assert_int_equal(c.target, TP_T_NPS);
	/* By the ImportId: the second alias. */
	const char *const q7[] = {"Anything else?", "QID7_TEXT", NULL};
	tp_mapping_resolve(m, "Q7", q7, &c);
	assert_int_equal(c.target, TP_T_COMMENT);
	/* The column's own name before its aliases. */
	const char *const q9[] = {"Tienda", "QID9", NULL};
	tp_mapping_resolve(m, "Q9", q9, &c);
	assert_int_equal(c.target, TP_T_CSAT);
	const char *const q10[] = {"Tienda", "QID10", NULL};
	tp_mapping_resolve(m, "Q10", q10, &c);
	assert_int_equal(c.target, TP_T_ATTR);
	assert_string_equal(c.attr_name, "tienda");
	/* No rule for the name or any alias: ignored (a tool export). */
	const char *const q11[] = {"Other question", "QID11", NULL};
	tp_mapping_resolve(m, "Q11", q11, &c);
	assert_int_equal(c.target, TP_T_IGNORE);
	/* An empty alias list is the same as none. */
	const char *const none[] = {NULL};
	tp_mapping_resolve(m, "Q1", none, &c);
	assert_int_equal(c.target, TP_T_IGNORE);
	tp_mapping_free(m);
}

/* --- built-in rules of tool exports --- */

static void qualtrics_builtins_map_ids_and_drop_personal_data(void **state)
{
	(void)state;
	struct tp_mapping *m = load(NULL, TP_TABLE_QUALTRICS);
	expect_target(m, "ResponseId", TP_T_RESPONSE_ID);
	expect_target(m, "RecordedDate", TP_T_SUBMITTED_AT);
	expect_target(m, "ExternalReference", TP_T_RESPONDENT_ID);
	expect_target(m, "UserLanguage", TP_T_LANG);
	static const char *const dropped[] = {
	    "StartDate",
	    "EndDate",
	    "Status",
	    "IPAddress",
	    "Progress",
	    "Duration (in seconds)",
	    "Finished",
	    "RecipientLastName",
	    "RecipientFirstName",
	    "RecipientEmail",
	    "LocationLatitude",
	    "LocationLongitude",
	    "DistributionChannel",
	};
	for (size_t i = 0; i < sizeof dropped / sizeof dropped[0]; i++)
		expect_target(m, dropped[i], TP_T_IGNORE);
	/* Qualtrics dates are ISO 8601 ("2024-03-05 14:02:11"). */
	assert_null(resolve(m, "RecordedDate").date_format);
	/* Names are matched exactly. */
	expect_target(m, "responseid", TP_T_IGNORE);
	assert_false(tp_mapping_derives_id(m));
	tp_mapping_free(m);
}

static void surveymonkey_builtins_read_us_dates(void **state)
{
	(void)state;
	struct tp_mapping *m = load(NULL, TP_TABLE_SURVEYMONKEY);
	expect_target(m, "Respondent ID", TP_T_RESPONSE_ID);
	expect_target(m, "End Date", TP_T_SUBMITTED_AT);
	assert_string_equal(resolve(m, "End Date").date_format, "%m/%d/%Y %I:%M:%S %p");
	static const char *const dropped[] = {
	    "Collector ID", "Start Date", "IP Address",	   "Email Address",
	    "First Name",   "Last Name",  "Custom Data 1",
	};
	for (size_t i = 0; i < sizeof dropped / sizeof dropped[0]; i++)
		expect_target(m, dropped[i], TP_T_IGNORE);
	assert_null(resolve(m, "Respondent ID").date_format);
	assert_false(tp_mapping_derives_id(m));
	tp_mapping_free(m);
}

static void googleforms_builtins_read_dates_by_locale_and_derive_ids(void **state)
{
	(void)state;
	struct tp_mapping *m = load(NULL, TP_TABLE_GOOGLEFORMS);
	expect_target(m, "Timestamp", TP_T_SUBMITTED_AT);
	assert_string_equal(resolve(m, "Timestamp").date_format, "%m/%d/%Y %H:%M:%S");
	expect_target(m, "Marca temporal", TP_T_SUBMITTED_AT);
	assert_string_equal(resolve(m, "Marca temporal").date_format, "%d/%m/%Y %H:%M:%S");
	expect_target(m, "Email Address", TP_T_RESPONDENT_ID);
	expect_target(m, "Dirección de correo electrónico", TP_T_RESPONDENT_ID);
	/* Google Forms has no response id column: ids are derived. */
	assert_true(tp_mapping_derives_id(m));
	tp_mapping_free(m);
}

static void user_rules_win_over_builtins(void **state)
{
	(void)state;
	struct tp_mapping *m = load("{\"columns\": {"
				    "\"ResponseId\": \"attr:qualtrics_id\","
				    " \"IPAddress\": \"attr:ip\","
				    " \"ExternalReference\": null,"
				    " \"EndDate\": \"submitted_at\","
				    " \"RecordedDate\": null}}",
				    TP_TABLE_QUALTRICS);
	expect_attr(m, "ResponseId", "qualtrics_id");
	expect_attr(m, "IPAddress", "ip");
	expect_target(m, "ExternalReference", TP_T_IGNORE);
	expect_target(m, "EndDate", TP_T_SUBMITTED_AT);
	expect_target(m, "RecordedDate", TP_T_IGNORE);
	/* Built-ins the map does not touch remain. */
	expect_target(m, "UserLanguage", TP_T_LANG);
	expect_target(m, "RecipientEmail", TP_T_IGNORE);
	tp_mapping_free(m);

	m = load("{\"columns\": {\"Email Address\": null, \"Timestamp\": \"attr:hora\"}}",
		 TP_TABLE_GOOGLEFORMS);
	expect_target(m, "Email Address", TP_T_IGNORE);
	expect_attr(m, "Timestamp", "hora");
	expect_target(m, "Marca temporal", TP_T_SUBMITTED_AT);
	tp_mapping_free(m);
}

static void user_rules_matched_by_alias_win_over_builtins(void **state)
{
	(void)state;
	/* Qualtrics' second header row says "End Date" and "Recorded Date";
	 * a map written from it must be obeyed even though the first row's
	 * ids ("EndDate", "RecordedDate") have built-in rules. */
	struct tp_mapping *m = load("{\"columns\": {"
				    "\"End Date\": \"submitted_at\","
				    " \"Recorded Date\": null}}",
				    TP_TABLE_QUALTRICS);
	struct tp_column_spec c;
	const char *const end[] = {"End Date", "{\"ImportId\":\"endDate\"}", NULL};
	tp_mapping_resolve(m, "EndDate", end, &c);
	assert_int_equal(c.target, TP_T_SUBMITTED_AT);
	const char *const rec[] = {"Recorded Date", "{\"ImportId\":\"recordedDate\"}", NULL};
	tp_mapping_resolve(m, "RecordedDate", rec, &c);
	assert_int_equal(c.target, TP_T_IGNORE);
	/* With no user rule for any of its names, the built-in applies. */
	const char *const rid[] = {"Response ID", "{\"ImportId\":\"_recordId\"}", NULL};
	tp_mapping_resolve(m, "ResponseId", rid, &c);
	assert_int_equal(c.target, TP_T_RESPONSE_ID);
	tp_mapping_free(m);
}

/* --- value maps, defaults, date formats --- */

static void value_maps_replace_numbers_and_text(void **state)
{
	(void)state;
	struct tp_mapping *m =
	    load("{\"columns\": {\"Satisfacción\": \"csat\", \"Zona\": \"attr:region\"},"
		 " \"values\": {"
		 "  \"csat\": {\"Muy satisfecho\": 5, \"Satisfecho\": 4, \"Regular\": 3.0,"
		 "            \"NS/NC\": null},"
		 "  \"respondent_type\": {\"Socio\": \"customer\", \"Plantilla\": \"employee\"},"
		 "  \"nps\": {\"si\": \"10\", \"SI\": \"0\", \"Medio\": 7.5},"
		 "  \"attr:region\": {\"N\": \"Norte\", \"S\": \"Sur\"}}}",
		 TP_TABLE_CSV);
	struct tp_column_spec c = resolve(m, "Satisfacción");
	assert_int_equal(c.target, TP_T_CSAT);
	assert_non_null(c.values);
	assert_ptr_equal(c.values, tp_mapping_values(m, TP_T_CSAT));
	/* Also a column named after the field itself. */
	assert_ptr_equal(resolve(m, "csat").values, c.values);
	assert_string_equal(tp_mapping_value(c.values, "Muy satisfecho"), "5");
	assert_string_equal(tp_mapping_value(c.values, "Satisfecho"), "4");
	assert_string_equal(tp_mapping_value(c.values, "Regular"), "3");
	assert_string_equal(tp_mapping_value(c.values, "NS/NC"), "");
	/* ASCII case does not matter... */
	assert_string_equal(tp_mapping_value(c.values, "MUY SATISFECHO"), "5");
	assert_string_equal(tp_mapping_value(c.values, "satisfecho"), "4");
	/* ...but the whole text must match. */
	assert_null(tp_mapping_value(c.values, "Insatisfecho"));
	assert_null(tp_mapping_value(c.values, "Satisfecho "));
	assert_null(tp_mapping_value(c.values, ""));

	c = resolve(m, "nps");
	/* An exact match wins over one that differs in case. */
	assert_string_equal(tp_mapping_value(c.values, "SI"), "0");
	assert_string_equal(tp_mapping_value(c.values, "si"), "10");
	assert_string_equal(tp_mapping_value(c.values, "Medio"), "7.5");

	c = resolve(m, "respondent_type");
	assert_string_equal(tp_mapping_value(c.values, "plantilla"), "employee");

	/* Attribute values apply to the attribute, whatever column gives it. */
	c = resolve(m, "Zona");
	assert_int_equal(c.target, TP_T_ATTR);
	assert_non_null(c.values);
	assert_string_equal(tp_mapping_value(c.values, "N"), "Norte");
	assert_string_equal(tp_mapping_value(c.values, "s"), "Sur");
	assert_null(tp_mapping_value(c.values, "E"));
	assert_ptr_equal(resolve(m, "region").values, c.values);
	/* Other attributes and fields have no value map. */
	assert_null(resolve(m, "plan").values);
	assert_null(resolve(m, "ces").values);
	assert_null(tp_mapping_values(m, TP_T_CES));
	assert_null(tp_mapping_value(NULL, "N"));
	tp_mapping_free(m);
}

static void defaults_fill_known_fields(void **state)
{
	(void)state;
	struct tp_mapping *m = load("{\"defaults\": {\"touchpoint\": \"tienda-compra\","
				    " \"respondent_type\": \"empleado\", \"nps\": 7,"
				    " \"Lang\": \"es\"}}",
				    TP_TABLE_CSV);
	assert_string_equal(tp_mapping_default(m, TP_T_TOUCHPOINT), "tienda-compra");
	assert_string_equal(tp_mapping_default(m, TP_T_RESPONDENT_TYPE), "empleado");
	assert_string_equal(tp_mapping_default(m, TP_T_NPS), "7");
	assert_string_equal(tp_mapping_default(m, TP_T_LANG), "es");
	assert_null(tp_mapping_default(m, TP_T_COMMENT));
	assert_null(tp_mapping_default(m, TP_T_SUBMITTED_AT));
	assert_null(tp_mapping_default(m, TP_T_COUNT));
	tp_mapping_free(m);
}

static void date_format_overrides_every_date_column(void **state)
{
	(void)state;
	const char *map = "{\"date_format\": \"%d/%m/%Y %H:%M\"}";
	struct tp_mapping *m = load(map, TP_TABLE_CSV);
	assert_string_equal(tp_mapping_date_format(m), "%d/%m/%Y %H:%M");
	assert_string_equal(resolve(m, "submitted_at").date_format, "%d/%m/%Y %H:%M");
	assert_null(resolve(m, "nps").date_format);
	tp_mapping_free(m);

	m = load(map, TP_TABLE_GOOGLEFORMS);
	assert_string_equal(resolve(m, "Timestamp").date_format, "%d/%m/%Y %H:%M");
	assert_string_equal(resolve(m, "Marca temporal").date_format, "%d/%m/%Y %H:%M");
	tp_mapping_free(m);

	m = load(map, TP_TABLE_SURVEYMONKEY);
	assert_string_equal(resolve(m, "End Date").date_format, "%d/%m/%Y %H:%M");
	tp_mapping_free(m);
}

/* --- errors --- */

static void invalid_json_names_the_line_and_column(void **state)
{
	(void)state;
	/* Line 2 is `  "columns": {"a": "nps",}`: the '}' after the comma is
	 * its 26th character. */
	expect_map_error("{\n  \"columns\": {\"a\": \"nps\",}\n}",
			 "invalid JSON at line 2, column 26");
	expect_map_error("", "invalid JSON at line 1");
	expect_map_error("{\"columns\": {\"a\": \"nps\", \"a\": \"csat\"}}",
			 "duplicate object key");
	expect_map_error("[1]", "the top level must be an object");
}

static void unknown_targets_and_members_are_refused(void **state)
{
	(void)state;
	expect_map_error("{\"columns\": {\"x\": \"nsp\"}}",
			 "columns.\"x\": unknown target \"nsp\" (expected response_id,");
	expect_map_error("{\"columns\": {\"x\": 5}}",
			 "columns.\"x\": the target must be a string or null");
	expect_map_error("{\"columns\": {\"x\": \"attr:\"}}",
			 "columns.\"x\": \"attr:\" needs an attribute name of 1-128 bytes");
	expect_map_error("{\"colums\": {\"x\": \"nps\"}}",
			 "unknown member \"colums\" (expected columns, values, defaults,"
			 " date_format, unmapped)");
	expect_map_error("{\"columns\": [\"nps\"]}", "\"columns\" must be an object");
	expect_map_error("{\"columns\": \"nps\"}", "\"columns\" must be an object");
}

static void long_attribute_names_are_refused(void **state)
{
	(void)state;
	char json[400];
	char name[130];
	memset(name, 'a', 129);
	name[129] = '\0';
	snprintf(json, sizeof json, "{\"columns\": {\"x\": \"attr:%s\"}}", name);
	expect_map_error(json, "needs an attribute name of 1-128 bytes");
	name[128] = '\0'; /* 128 bytes: allowed */
	snprintf(json, sizeof json, "{\"columns\": {\"x\": \"attr:%s\"}}", name);
	struct tp_mapping *m = load(json, TP_TABLE_CSV);
	expect_attr(m, "x", name);
	tp_mapping_free(m);
}

static void bad_options_are_refused(void **state)
{
	(void)state;
	expect_map_error("{\"unmapped\": \"attributes\"}",
			 "\"unmapped\" must be \"attribute\" or \"ignore\"");
	expect_map_error("{\"unmapped\": true}",
			 "\"unmapped\" must be \"attribute\" or \"ignore\"");
	expect_map_error("{\"date_format\": \"\"}", "\"date_format\" must be a non-empty string");
	expect_map_error("{\"date_format\": 5}", "\"date_format\" must be a non-empty string");
}

static void bad_values_and_defaults_are_refused(void **state)
{
	(void)state;
	expect_map_error("{\"values\": {\"ignore\": {\"a\": \"b\"}}}",
			 "values.\"ignore\": cannot map values of null");
	expect_map_error("{\"values\": {\"nsp\": {\"a\": 1}}}",
			 "values.\"nsp\": unknown target \"nsp\"");
	expect_map_error("{\"values\": {\"nps\": [1, 2]}}", "values.\"nps\" must be an object");
	expect_map_error("{\"values\": {\"csat\": {\"Bien\": true}}}",
			 "values.\"csat\".\"Bien\": must be a string, a number or null");
	expect_map_error("{\"values\": []}", "\"values\" must be an object");
	expect_map_error("{\"defaults\": {\"region\": \"Norte\"}}",
			 "defaults.\"region\": not a field touchpoint knows");
	expect_map_error("{\"defaults\": {\"nps\": 7.5}}",
			 "defaults.\"nps\": must be a string or an integer");
	expect_map_error("{\"defaults\": \"t1\"}", "\"defaults\" must be an object");
}

static void missing_map_file_is_named(void **state)
{
	(void)state;
	char *path = write_temp("{}");
	unlink(path); /* a path that surely does not exist now */
	struct tp_mapping *m = (struct tp_mapping *)1;
	struct tp_error err;
	tp_error_clear(&err);
	assert_int_equal(tp_mapping_load(path, TP_TABLE_CSV, &m, &err), TP_EIO);
	assert_null(m);
	char want[4200];
	snprintf(want, sizeof want, "%s: No such file or directory", path);
	assert_string_equal(err.message, want);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(canonical_names_resolve_case_insensitively),
	    cmocka_unit_test(unmapped_columns_are_attributes_of_plain_files),
	    cmocka_unit_test(unmapped_columns_are_ignored_in_tool_exports),
	    cmocka_unit_test(unmapped_option_overrides_the_format),
	    cmocka_unit_test(columns_rename_to_fields_attributes_or_nothing),
	    cmocka_unit_test(columns_match_by_alias_in_qualtrics_exports),
	    cmocka_unit_test(qualtrics_builtins_map_ids_and_drop_personal_data),
	    cmocka_unit_test(surveymonkey_builtins_read_us_dates),
	    cmocka_unit_test(googleforms_builtins_read_dates_by_locale_and_derive_ids),
	    cmocka_unit_test(user_rules_win_over_builtins),
	    cmocka_unit_test(user_rules_matched_by_alias_win_over_builtins),
	    cmocka_unit_test(value_maps_replace_numbers_and_text),
	    cmocka_unit_test(defaults_fill_known_fields),
	    cmocka_unit_test(date_format_overrides_every_date_column),
	    cmocka_unit_test(invalid_json_names_the_line_and_column),
	    cmocka_unit_test(unknown_targets_and_members_are_refused),
	    cmocka_unit_test(long_attribute_names_are_refused),
	    cmocka_unit_test(bad_options_are_refused),
	    cmocka_unit_test(bad_values_and_defaults_are_refused),
	    cmocka_unit_test(missing_map_file_is_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
