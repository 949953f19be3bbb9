/* Unit tests for io/table.c: column naming per export format, row shapes,
 * JSON Lines values. Fixtures are in tests/data/import/; small inputs are
 * written to temporary files. Every expected value is written out by hand. */
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

#include "io/table.h"

#define DATA(name) TP_TEST_DATA "/import/" name

/* --- helpers --- */

/* Writes n bytes to a new temporary file; returns its path, which the
 * caller removes and frees with drop_temp(). */
static char *write_temp(const void *data, size_t n)
{
	const char *dir = getenv("TMPDIR");
	char *path = malloc(4096);
	assert_non_null(path);
	snprintf(path, 4096, "%s/tp_table_XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	return path;
}

static void drop_temp(char *path)
{
	unlink(path);
	free(path);
}

static struct tp_table *open_text(const char *text, enum tp_table_format format, char **path)
{
	*path = write_temp(text, strlen(text));
	struct tp_table *t = NULL;
	struct tp_error err;
	tp_error_clear(&err);
	if (tp_table_open(*path, format, &t, &err) != TP_OK)
		fail_msg("open failed: %s", err.message);
	return t;
}

/* The error message of opening text as format, without the path. */
static const char *open_error(const char *text, enum tp_table_format format, enum tp_status status,
			      struct tp_error *err)
{
	char *path = write_temp(text, strlen(text));
	struct tp_table *t = (struct tp_table *)1;
	assert_int_equal(tp_table_open(path, format, &t, err), status);
	assert_null(t);
	size_t n = strlen(path);
	assert_memory_equal(err->message, path, n);
	assert_memory_equal(err->message + n, ": ", 2);
	drop_temp(path);
	return err->message + n + 2;
}

/* Checks the column names (NULL-ended). */
static void expect_columns(const struct tp_table *t, ...)
{
	va_list ap;
	va_start(ap, t);
	size_t i = 0;
	for (const char *want = va_arg(ap, const char *); want; want = va_arg(ap, const char *)) {
		const char *got = tp_table_column_name(t, i);
		if (!got || strcmp(got, want) != 0)
			fail_msg("column %zu: expected \"%s\", got \"%s\"", i, want,
				 got ? got : "(null)");
		i++;
	}
	va_end(ap);
	assert_int_equal(tp_table_n_columns(t), i);
	assert_null(tp_table_column_name(t, i));
}

/* Checks the aliases of a column (NULL-ended). */
static void expect_aliases(const struct tp_table *t, size_t column, ...)
{
	va_list ap;
	va_start(ap, column);
	size_t k = 0;
	for (const char *want = va_arg(ap, const char *); want; want = va_arg(ap, const char *)) {
		const char *got = tp_table_column_alias(t, column, k);
		if (!got || strcmp(got, want) != 0)
			fail_msg("column %zu alias %zu: expected \"%s\", got \"%s\"", column, k,
				 want, got ? got : "(null)");
		k++;
	}
	va_end(ap);
	assert_null(tp_table_column_alias(t, column, k));
}

/* Reads the next row, expecting result `want`, and checks its line and
 * values (NULL-ended). */
static void expect_row(struct tp_table *t, int want, long line, struct tp_table_row *row,
		       struct tp_error *err, ...)
{
	tp_error_clear(err);
	int got = tp_table_next(t, row, err);
	if (got != want)
		fail_msg("line %ld: expected %d, got %d (%s)", line, want, got, err->message);
	assert_int_equal(row->line, line);
	va_list ap;
	va_start(ap, err);
	size_t i = 0;
	for (const char *v = va_arg(ap, const char *); v; v = va_arg(ap, const char *)) {
		assert_true(i < row->n);
		if (strcmp(row->values[i], v) != 0)
			fail_msg("line %ld field %zu: expected \"%s\", got \"%s\"", line, i, v,
				 row->values[i]);
		assert_int_equal(row->lengths[i], strlen(v));
		i++;
	}
	va_end(ap);
	if (want == 1 || i > 0)
		assert_int_equal(row->n, i);
}

static void expect_end(struct tp_table *t)
{
	struct tp_table_row row;
	struct tp_error err;
	tp_error_clear(&err);
	int got = tp_table_next(t, &row, &err);
	if (got != 0)
		fail_msg("expected the end, got %d (%s)", got, err.message);
}

/* Checks field i of row: name, value, column. */
static void expect_field(const struct tp_table_row *row, size_t i, const char *name,
			 const char *value, int column)
{
	assert_true(i < row->n);
	assert_string_equal(row->names[i], name);
	assert_string_equal(row->values[i], value);
	assert_int_equal(row->lengths[i], strlen(value));
	assert_int_equal(row->columns[i], column);
}

/* --- plain CSV --- */

static void csv_rows_carry_names_values_and_columns(void **state)
{
	(void)state;
	char *path;
	struct tp_table *t =
	    open_text("response_id,nps,comment\nr1,9,\"Fast, friendly\"\n", TP_TABLE_CSV, &path);
	assert_true(tp_table_has_header(t));
	expect_columns(t, "response_id", "nps", "comment", NULL);
	assert_null(tp_table_column_alias(t, 0, 0));
	struct tp_table_row row;
	struct tp_error err;
	expect_row(t, 1, 2, &row, &err, "r1", "9", "Fast, friendly", NULL);
	expect_field(&row, 0, "response_id", "r1", 1);
	expect_field(&row, 2, "comment", "Fast, friendly", 3);
	assert_null(row.raw);
	expect_end(t);
	tp_table_free(t);
	drop_temp(path);
}

static void csv_header_names_are_trimmed(void **state)
{
	(void)state;
	char *path;
	struct tp_table *t =
	    open_text(" id ,\"  nps \t\",\" comment\"\n1,2,3\n", TP_TABLE_CSV, &path);
	expect_columns(t, "id", "nps", "comment", NULL);
	tp_table_free(t);
	drop_temp(path);
}

static void csv_empty_header_cells_are_named_by_position(void **state)
{
	(void)state;
	char *path;
	struct tp_table *t = open_text("id,,x,\" \"\n1,2,3,4\n", TP_TABLE_CSV, &path);
	expect_columns(t, "id", "column 2", "x", "column 4", NULL);
	tp_table_free(t);
	drop_temp(path);
}

static void csv_duplicate_names_get_numbered(void **state)
{
	(void)state;
	char *path;
	/* "a (2)" is taken by column 3, so the second "a" becomes "a (3)". */
	struct tp_table *t = open_text("a,a,a (2),a,b,b\n1,2,3,4,5,6\n", TP_TABLE_CSV, &path);
	expect_columns(t, "a", "a (3)", "a (2)", "a (4)", "b", "b (2)", NULL);
	tp_table_free(t);
	drop_temp(path);
}

static void csv_field_count_mismatch_returns_2_and_reading_goes_on(void **state)
{
	(void)state;
	char *path;
	struct tp_table *t = open_text("id,nps,comment\n"
				       "r1,9\n"
				       "r2,8,ok\n"
				       "r3,7,too,many\n"
				       "only\n"
				       "r4,6,\"last\"\n",
				       TP_TABLE_CSV, &path);
	struct tp_table_row row;
	struct tp_error err;
	expect_row(t, 2, 2, &row, &err, "r1", "9", NULL);
	assert_int_equal(err.status, TP_EINPUT);
	assert_string_equal(err.message, "line 2: 2 fields, but the header has 3");
	expect_row(t, 1, 3, &row, &err, "r2", "8", "ok", NULL);
	expect_row(t, 2, 4, &row, &err, "r3", "7", "too", "many", NULL);
	assert_string_equal(err.message, "line 4: 4 fields, but the header has 3");
	assert_string_equal(row.names[2], "comment");
	assert_string_equal(row.names[3], "");
	assert_int_equal(row.columns[3], 4);
	expect_row(t, 2, 5, &row, &err, "only", NULL);
	assert_string_equal(err.message, "line 5: 1 field, but the header has 3");
	expect_row(t, 1, 6, &row, &err, "r4", "6", "last", NULL);
	expect_end(t);
	tp_table_free(t);
	drop_temp(path);
}

static void csv_trailing_empty_fields_are_dropped(void **state)
{
	(void)state;
	char *path;
	struct tp_table *t = open_text("id,nps\nr1,9,\nr2,8,,\"\"\nr3,7,,x\n", TP_TABLE_CSV, &path);
	struct tp_table_row row;
	struct tp_error err;
	expect_row(t, 1, 2, &row, &err, "r1", "9", NULL);
	expect_row(t, 1, 3, &row, &err, "r2", "8", NULL);
	expect_row(t, 2, 4, &row, &err, "r3", "7", "", "x", NULL);
	assert_string_equal(err.message, "line 4: 4 fields, but the header has 2");
	expect_end(t);
	tp_table_free(t);
	drop_temp(path);
}

static void csv_multiline_field_and_blank_lines_keep_line_numbers(void **state)
{
	(void)state;
	char *path;
	struct tp_table *t = open_text("\xef\xbb\xbfid;comment\r\n"
				       "r1;\"uno;\r\ndos\"\r\n"
				       "\r\n"
				       "r2;tres\r\n",
				       TP_TABLE_CSV, &path);
	expect_columns(t, "id", "comment", NULL);
	struct tp_table_row row;
	struct tp_error err;
	expect_row(t, 1, 2, &row, &err, "r1", "uno;\r\ndos", NULL);
	expect_row(t, 1, 5, &row, &err, "r2", "tres", NULL);
	expect_end(t);
	tp_table_free(t);
	drop_temp(path);
}

static void csv_unterminated_quote_stops_reading(void **state)
{
	(void)state;
	char *path;
	struct tp_table *t = open_text("id,c\nr1,ok\nr2,\"open\n", TP_TABLE_CSV, &path);
	struct tp_table_row row;
	struct tp_error err;
	expect_row(t, 1, 2, &row, &err, "r1", "ok", NULL);
	assert_int_equal(tp_table_next(t, &row, &err), -1);
	assert_int_equal(err.status, TP_EINPUT);
	assert_string_equal(
	    err.message, "line 3: field 2 opens a quote that is not closed by the end of the file");
	tp_table_free(t);
	drop_temp(path);
}

static void csv_progress_reaches_the_file_size(void **state)
{
	(void)state;
	char *path;
	struct tp_table *t = open_text("a,b\n1,2\n3,4\n", TP_TABLE_CSV, &path);
	assert_int_equal(tp_table_bytes_total(t), 12);
	struct tp_table_row row;
	while (tp_table_next(t, &row, NULL) == 1)
		;
	assert_int_equal(tp_table_bytes_read(t), 12);
	tp_table_free(t);
	drop_temp(path);
}

static void empty_file_is_refused(void **state)
{
	(void)state;
	struct tp_error err;
	assert_string_equal(open_error("", TP_TABLE_CSV, TP_EINPUT, &err),
			    "empty file: no header row");
	assert_string_equal(
	    open_error("\xef\xbb\xbf\r\n\r\n", TP_TABLE_GOOGLEFORMS, TP_EINPUT, &err),
	    "empty file: no header row");
}

static void header_with_unterminated_quote_is_refused(void **state)
{
	(void)state;
	struct tp_error err;
	assert_string_equal(
	    open_error("a,\"b\n", TP_TABLE_CSV, TP_EINPUT, &err),
	    "line 1: field 2 opens a quote that is not closed by the end of the file");
}

static void missing_file_is_refused_naming_it(void **state)
{
	(void)state;
	struct tp_table *t = (struct tp_table *)1;
	struct tp_error err;
	assert_int_equal(tp_table_open("/nonexistent/x.csv", TP_TABLE_CSV, &t, &err), TP_EIO);
	assert_null(t);
	assert_string_equal(err.message, "/nonexistent/x.csv: No such file or directory");
	assert_int_equal(tp_table_open("/nonexistent/x.jsonl", TP_TABLE_JSONL, &t, &err), TP_EIO);
	assert_string_equal(err.message, "/nonexistent/x.jsonl: No such file or directory");
}

static void unknown_format_is_a_usage_error(void **state)
{
	(void)state;
	struct tp_table *t = NULL;
	assert_int_equal(tp_table_open("x.csv", (enum tp_table_format)42, &t, NULL), TP_EUSAGE);
	assert_null(t);
}

static void free_accepts_null(void **state)
{
	(void)state;
	tp_table_free(NULL);
}

/* --- Qualtrics --- */

static void qualtrics_export_names_columns_by_id_with_aliases(void **state)
{
	(void)state;
	struct tp_table *t = NULL;
	struct tp_error err;
	assert_int_equal(tp_table_open(DATA("qualtrics.csv"), TP_TABLE_QUALTRICS, &t, &err), TP_OK);
	expect_columns(t, "StartDate", "EndDate", "Status", "IPAddress", "Progress",
		       "Duration (in seconds)", "Finished", "RecordedDate", "ResponseId",
		       "RecipientLastName", "RecipientFirstName", "RecipientEmail",
		       "ExternalReference", "LocationLatitude", "LocationLongitude",
		       "DistributionChannel", "UserLanguage", "Q1", "Q2_1", "Q2_2", "Q3",
		       "Q3_4_TEXT", "Q4", NULL);
	expect_aliases(t, 0, "Start Date", "startDate", NULL);
	expect_aliases(t, 2, "Response Type", "status", NULL);
	/* Row 2 repeats the id: only the ImportId is an alias. */
	expect_aliases(t, 4, "progress", NULL);
	expect_aliases(t, 5, "duration", NULL);
	expect_aliases(t, 8, "Response ID", "_recordId", NULL);
	expect_aliases(t, 17, "How likely are you to recommend Telco to a friend or colleague?",
		       "QID1", NULL);
	expect_aliases(t, 19, "How satisfied were you with our store staff? - Friendliness",
		       "QID2_2", NULL);
	expect_aliases(t, 21, "How did you hear about us? - Other - Text", "QID3_4_TEXT", NULL);
	expect_aliases(t, 22, "What could we improve? (Please be specific, we read every answer)",
		       "QID4_TEXT", NULL);
	assert_null(tp_table_column_alias(t, 0, 2));
	assert_null(tp_table_column_alias(t, 23, 0));

	struct tp_table_row row;
	expect_row(t, 1, 4, &row, &err, "2024-03-01 10:02:11", "2024-03-01 10:04:45", "IP Address",
		   "203.0.113.7", "100", "154", "True", "2024-03-01 10:04:46", "R_1a2B3c4D5e6F7g8",
		   "", "", "", "cust-001", "40.4168", "-3.7038", "anonymous", "EN", "9", "4", "5",
		   "2", "", "Nothing really", NULL);
	expect_field(&row, 8, "ResponseId", "R_1a2B3c4D5e6F7g8", 9);
	expect_row(t, 1, 5, &row, &err, "2024-03-01 11:15:00", "2024-03-01 11:19:30", "IP Address",
		   "198.51.100.23", "100", "270", "True", "2024-03-01 11:19:31",
		   "R_2b3C4d5E6f7G8h9", "", "", "", "cust-002", "41.3874", "2.1686", "anonymous",
		   "ES", "3", "1", "2", "4", "A friend at work",
		   "The queue was long, and the staff said \"wait\"\r\nfor 20 minutes.", NULL);
	expect_row(t, 1, 7, &row, &err, "2024-03-02 09:00:05", "2024-03-02 09:01:10", "IP Address",
		   "192.0.2.44", "100", "65", "True", "2024-03-02 09:01:11", "R_3c4D5e6F7g8H9i0",
		   "", "", "", "", "", "", "email", "EN", "10", "5", "5", "1", "", "", NULL);
	expect_end(t);
	tp_table_free(t);
}

static void qualtrics_import_ids_that_are_not_json_are_taken_as_they_are(void **state)
{
	(void)state;
	char *path;
	struct tp_table *t =
	    open_text("Q1,Q2,Q3,Q4\n"
		      "First?,Second?,,Fourth?\n"
		      "QID1,\"{\"\"ImportId\"\":\"\"QID2\"\"}\",\"{\"\"x\"\":1}\",7\n"
		      "a,b,c,d\n",
		      TP_TABLE_QUALTRICS, &path);
	expect_aliases(t, 0, "First?", "QID1", NULL);
	expect_aliases(t, 1, "Second?", "QID2", NULL);
	expect_aliases(t, 2, NULL);
	expect_aliases(t, 3, "Fourth?", "7", NULL);
	struct tp_table_row row;
	struct tp_error err;
	expect_row(t, 1, 4, &row, &err, "a", "b", "c", "d", NULL);
	tp_table_free(t);
	drop_temp(path);
}

static void qualtrics_short_header_rows_leave_aliases_out(void **state)
{
	(void)state;
	char *path;
	struct tp_table *t =
	    open_text("Q1,Q2,Q3\nOne?\n\"{\"\"ImportId\"\":\"\"QID1\"\"}\",x,y,z\n",
		      TP_TABLE_QUALTRICS, &path);
	expect_aliases(t, 0, "One?", "QID1", NULL);
	expect_aliases(t, 1, "x", NULL);
	expect_aliases(t, 2, "y", NULL);
	expect_end(t);
	tp_table_free(t);
	drop_temp(path);
}

static void qualtrics_missing_header_rows_are_refused(void **state)
{
	(void)state;
	struct tp_error err;
	assert_string_equal(open_error("Q1,Q2\n", TP_TABLE_QUALTRICS, TP_EINPUT, &err),
			    "line 1: the file ends after 1 header row; a Qualtrics export starts "
			    "with 3");
	assert_string_equal(open_error("Q1,Q2\nOne,Two\n", TP_TABLE_QUALTRICS, TP_EINPUT, &err),
			    "line 2: the file ends after 2 header rows; a Qualtrics export starts "
			    "with 3");
}

static void qualtrics_empty_header_is_refused(void **state)
{
	(void)state;
	struct tp_error err;
	assert_string_equal(
	    open_error("\n,, \nOne,Two,Three\n{},{},{}\n", TP_TABLE_QUALTRICS, TP_EINPUT, &err),
	    "line 2: empty Qualtrics header: the first row names no columns");
}

/* --- SurveyMonkey --- */

static void surveymonkey_export_fills_questions_forward(void **state)
{
	(void)state;
	struct tp_table *t = NULL;
	struct tp_error err;
	assert_int_equal(tp_table_open(DATA("surveymonkey.csv"), TP_TABLE_SURVEYMONKEY, &t, &err),
			 TP_OK);
	expect_columns(t, "Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
		       "Email Address", "First Name", "Last Name", "Custom Data 1",
		       "How likely is it that you would recommend Telco to a friend or colleague?",
		       "Which of our channels did you use? (select all that apply) [Website]",
		       "Which of our channels did you use? (select all that apply) [App]",
		       "Which of our channels did you use? (select all that apply) [Store]",
		       "Which of our channels did you use? (select all that apply) [Other (please "
		       "specify)]",
		       "Please rate our support: [Speed]",
		       "Please rate our support: [Friendliness]",
		       "Please rate our support: [Other]", "What could we do better?", NULL);
	assert_null(tp_table_column_alias(t, 9, 0));
	struct tp_table_row row;
	expect_row(t, 1, 3, &row, &err, "114238374839", "431829102", "03/01/2024 10:02:11 AM",
		   "03/01/2024 10:05:40 AM", "203.0.113.7", "", "", "", "", "9", "Website", "",
		   "Store", "", "Good", "Excellent", "", "Faster refunds", NULL);
	expect_row(t, 1, 4, &row, &err, "114238374840", "431829102", "03/01/2024 01:10:00 PM",
		   "03/01/2024 01:12:13 PM", "198.51.100.23", "", "", "", "", "6", "", "App", "",
		   "A friend, at the bar", "Poor", "Fair", "Too slow on weekends", "", NULL);
	expect_field(&row, 16, "Please rate our support: [Other]", "Too slow on weekends", 17);
	expect_end(t);
	tp_table_free(t);
}

static void surveymonkey_duplicate_questions_get_numbered(void **state)
{
	(void)state;
	char *path;
	struct tp_table *t = open_text("Respondent ID,Comments,Comments,Q,\n"
				       ",Response,Open-Ended Response,A,A\n"
				       "1,x,y,z,w\n",
				       TP_TABLE_SURVEYMONKEY, &path);
	expect_columns(t, "Respondent ID", "Comments", "Comments (2)", "Q [A]", "Q [A] (2)", NULL);
	tp_table_free(t);
	drop_temp(path);
}

static void surveymonkey_missing_label_row_is_refused(void **state)
{
	(void)state;
	struct tp_error err;
	assert_string_equal(
	    open_error("Respondent ID,Q1\n", TP_TABLE_SURVEYMONKEY, TP_EINPUT, &err),
	    "line 1: the file ends after 1 header row; a SurveyMonkey export "
	    "starts with 2");
	assert_string_equal(open_error(" , \n,Response\n", TP_TABLE_SURVEYMONKEY, TP_EINPUT, &err),
			    "line 1: empty SurveyMonkey header: the first row names no columns");
}

/* --- Google Forms --- */

static void googleforms_export_keeps_grid_columns_as_named(void **state)
{
	(void)state;
	struct tp_table *t = NULL;
	struct tp_error err;
	assert_int_equal(tp_table_open(DATA("googleforms.csv"), TP_TABLE_GOOGLEFORMS, &t, &err),
			 TP_OK);
	expect_columns(t, "Timestamp", "Email Address", "How likely are you to recommend us?",
		       "Rate our service [Speed]", "Rate our service [Friendliness]",
		       "Rate our service [Price]", "Any comments?", NULL);
	struct tp_table_row row;
	expect_row(t, 1, 2, &row, &err, "3/1/2024 10:02:11", "ana@example.com", "9", "Good",
		   "Excellent", "Fair", "Great, thanks!", NULL);
	expect_row(t, 1, 3, &row, &err, "3/1/2024 12:45:09", "luis@example.com", "4", "Poor", "",
		   "Poor", "", NULL);
	expect_field(&row, 5, "Rate our service [Price]", "Poor", 6);
	expect_end(t);
	tp_table_free(t);
}

/* --- JSON Lines --- */

static void jsonl_values_are_rendered_as_text(void **state)
{
	(void)state;
	char *path;
	struct tp_table *t = open_text(
	    "{\"id\":\"j1\",\"nps\":8,\"score\":7.5,\"whole\":8.0,\"tenth\":0.1,\"big\":1e21,"
	    "\"small\":2.5e-5,\"neg\":-2,\"yes\":true,\"no\":false,\"none\":null}\n",
	    TP_TABLE_JSONL, &path);
	assert_false(tp_table_has_header(t));
	assert_int_equal(tp_table_n_columns(t), 0);
	assert_null(tp_table_column_name(t, 0));
	struct tp_table_row row;
	struct tp_error err;
	expect_row(t, 1, 1, &row, &err, "j1", "8", "7.5", "8", "0.1", "1e+21", "2.5e-5", "-2",
		   "true", "false", "", NULL);
	expect_field(&row, 0, "id", "j1", 1);
	expect_field(&row, 3, "whole", "8", 4);
	expect_field(&row, 10, "none", "", 11);
	expect_end(t);
	tp_table_free(t);
	drop_temp(path);
}

static void jsonl_attributes_become_fields(void **state)
{
	(void)state;
	char *path;
	struct tp_table *t = open_text("{\"id\":\"j2\",\"attributes\":{\"region\":\"Oeste\","
				       "\"store\":\"Madrid 3\",\"floor\":2},\"csat\":3}\n",
				       TP_TABLE_JSONL, &path);
	struct tp_table_row row;
	struct tp_error err;
	expect_row(t, 1, 1, &row, &err, "j2", "Oeste", "Madrid 3", "2", "3", NULL);
	expect_field(&row, 0, "id", "j2", 1);
	expect_field(&row, 1, "region", "Oeste", 2);
	expect_field(&row, 2, "store", "Madrid 3", 2);
	expect_field(&row, 3, "floor", "2", 2);
	expect_field(&row, 4, "csat", "3", 3);
	tp_table_free(t);
	drop_temp(path);
}

static void jsonl_attributes_that_are_not_an_object_are_a_field(void **state)
{
	(void)state;
	char *path;
	struct tp_table *t = open_text("{\"attributes\":null}\n{\"attributes\":\"vip\"}\n"
				       "{\"attributes\":{}}\n",
				       TP_TABLE_JSONL, &path);
	struct tp_table_row row;
	struct tp_error err;
	expect_row(t, 1, 1, &row, &err, "", NULL);
	expect_field(&row, 0, "attributes", "", 1);
	expect_row(t, 1, 2, &row, &err, "vip", NULL);
	expect_row(t, 1, 3, &row, &err, NULL);
	expect_end(t);
	tp_table_free(t);
	drop_temp(path);
}

static void jsonl_malformed_lines_return_2_and_reading_goes_on(void **state)
{
	(void)state;
	char *path;
	struct tp_table *t = open_text("{\"id\":\"a\",\"tags\":[\"x\"]}\n"
				       "{\"id\":\"b\",\"meta\":{\"k\":1}}\n"
				       "{\"attributes\":{\"k\":[1]}}\n"
				       "{\"a\": }\n"
				       "[1,2]\n"
				       "42\n"
				       "{\"a\":1,\"a\":2}\n"
				       "{\"region\":\"N\",\"attributes\":{\"region\":\"S\"}}\n"
				       "{\"id\":\"ok\"}\n",
				       TP_TABLE_JSONL, &path);
	struct tp_table_row row;
	struct tp_error err;
	expect_row(t, 2, 1, &row, &err, NULL);
	assert_int_equal(err.status, TP_EINPUT);
	assert_string_equal(err.message,
			    "line 1: \"tags\" is an array; only \"attributes\" may hold an object");
	assert_int_equal(row.raw_len, strlen("{\"id\":\"a\",\"tags\":[\"x\"]}"));
	assert_memory_equal(row.raw, "{\"id\":\"a\",\"tags\":[\"x\"]}", row.raw_len);
	expect_row(t, 2, 2, &row, &err, NULL);
	assert_string_equal(
	    err.message, "line 2: \"meta\" is an object; only \"attributes\" may hold an object");
	expect_row(t, 2, 3, &row, &err, NULL);
	assert_string_equal(err.message, "line 3: attributes.\"k\" is an array; attributes are "
					 "strings, numbers, true, false or null");
	expect_row(t, 2, 4, &row, &err, NULL);
	assert_string_equal(err.message,
			    "line 4: invalid JSON at column 7: unexpected token near '}'");
	expect_row(t, 2, 5, &row, &err, NULL);
	assert_string_equal(err.message, "line 5: expected a JSON object, found an array");
	expect_row(t, 2, 6, &row, &err, NULL);
	assert_string_equal(err.message, "line 6: expected a JSON object, found a number");
	expect_row(t, 2, 7, &row, &err, NULL);
	assert_non_null(strstr(err.message, "line 7: invalid JSON at column"));
	assert_non_null(strstr(err.message, "duplicate object key"));
	expect_row(t, 2, 8, &row, &err, NULL);
	assert_string_equal(err.message, "line 8: \"region\" is given twice, at the top level and "
					 "in \"attributes\"");
	expect_row(t, 1, 9, &row, &err, "ok", NULL);
	expect_end(t);
	tp_table_free(t);
	drop_temp(path);
}

static void jsonl_blank_lines_are_skipped_and_counted(void **state)
{
	(void)state;
	char *path;
	struct tp_table *t =
	    open_text("\xef\xbb\xbf{\"n\":1}\r\n\r\n   \n\t\n{\"n\":2}\r\n\n{\"n\":3}",
		      TP_TABLE_JSONL, &path);
	struct tp_table_row row;
	struct tp_error err;
	expect_row(t, 1, 1, &row, &err, "1", NULL);
	assert_int_equal(row.raw_len, 7);
	assert_memory_equal(row.raw, "{\"n\":1}", 7);
	expect_row(t, 1, 5, &row, &err, "2", NULL);
	assert_int_equal(row.raw_len, 7);
	expect_row(t, 1, 7, &row, &err, "3", NULL);
	expect_end(t);
	assert_int_equal(tp_table_bytes_read(t), tp_table_bytes_total(t));
	assert_int_equal(tp_table_bytes_total(t), 37);
	tp_table_free(t);
	drop_temp(path);
}

static void jsonl_string_with_nul_keeps_its_length(void **state)
{
	(void)state;
	char *path;
	struct tp_table *t = open_text("{\"c\":\"a\\u0000b\"}\n", TP_TABLE_JSONL, &path);
	struct tp_table_row row;
	assert_int_equal(tp_table_next(t, &row, NULL), 1);
	assert_int_equal(row.n, 1);
	assert_int_equal(row.lengths[0], 3);
	assert_memory_equal(row.values[0], "a\0b", 4);
	tp_table_free(t);
	drop_temp(path);
}

static void jsonl_empty_file_has_no_rows(void **state)
{
	(void)state;
	char *path;
	struct tp_table *t = open_text("", TP_TABLE_JSONL, &path);
	expect_end(t);
	expect_end(t);
	tp_table_free(t);
	drop_temp(path);
}

static void jsonl_line_over_the_limit_stops_reading(void **state)
{
	(void)state;
	/* A 9 MiB string value on line 2. */
	size_t big = 9u << 20, n = 0;
	char *data = malloc(big + 64);
	assert_non_null(data);
	n += (size_t)sprintf(data, "{\"a\":1}\n{\"c\":\"");
	memset(data + n, 'x', big);
	n += big;
	n += (size_t)sprintf(data + n, "\"}\n{\"a\":2}\n");
	char *path = write_temp(data, n);
	free(data);
	struct tp_table *t = NULL;
	assert_int_equal(tp_table_open(path, TP_TABLE_JSONL, &t, NULL), TP_OK);
	struct tp_table_row row;
	struct tp_error err;
	expect_row(t, 1, 1, &row, &err, "1", NULL);
	assert_int_equal(tp_table_next(t, &row, &err), -1);
	assert_int_equal(err.status, TP_ELIMIT);
	assert_string_equal(err.message, "line 2: longer than 8388608 bytes (the limit)");
	tp_table_free(t);
	drop_temp(path);
}

static void jsonl_line_at_the_limit_is_read(void **state)
{
	(void)state;
	/* {"c":"xxx...x"} of exactly 8 MiB, then a newline. */
	size_t limit = 8u << 20, n = 0;
	char *data = malloc(limit + 16);
	assert_non_null(data);
	n += (size_t)sprintf(data, "{\"c\":\"");
	memset(data + n, 'x', limit - 8);
	n += limit - 8;
	n += (size_t)sprintf(data + n, "\"}\n");
	assert_int_equal(n, limit + 1);
	char *path = write_temp(data, n);
	free(data);
	struct tp_table *t = NULL;
	assert_int_equal(tp_table_open(path, TP_TABLE_JSONL, &t, NULL), TP_OK);
	struct tp_table_row row;
	assert_int_equal(tp_table_next(t, &row, NULL), 1);
	assert_int_equal(row.lengths[0], limit - 8);
	assert_int_equal(row.raw_len, limit);
	expect_end(t);
	tp_table_free(t);
	drop_temp(path);
}

static void jsonl_long_line_within_the_limit_is_read(void **state)
{
	(void)state;
	/* A 3 MiB comment: longer than the first buffer, within the limit. */
	size_t big = 3u << 20, n = 0;
	char *data = malloc(big + 64);
	assert_non_null(data);
	n += (size_t)sprintf(data, "{\"c\":\"");
	memset(data + n, 'y', big);
	n += big;
	n += (size_t)sprintf(data + n, "\"}\n{\"a\":2}\n");
	char *path = write_temp(data, n);
	free(data);
	struct tp_table *t = NULL;
	assert_int_equal(tp_table_open(path, TP_TABLE_JSONL, &t, NULL), TP_OK);
	struct tp_table_row row;
	assert_int_equal(tp_table_next(t, &row, NULL), 1);
	assert_int_equal(row.lengths[0], big);
	struct tp_error err;
	expect_row(t, 1, 2, &row, &err, "2", NULL);
	expect_end(t);
	tp_table_free(t);
	drop_temp(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(csv_rows_carry_names_values_and_columns),
	    cmocka_unit_test(csv_header_names_are_trimmed),
	    cmocka_unit_test(csv_empty_header_cells_are_named_by_position),
	    cmocka_unit_test(csv_duplicate_names_get_numbered),
	    cmocka_unit_test(csv_field_count_mismatch_returns_2_and_reading_goes_on),
	    cmocka_unit_test(csv_trailing_empty_fields_are_dropped),
	    cmocka_unit_test(csv_multiline_field_and_blank_lines_keep_line_numbers),
	    cmocka_unit_test(csv_unterminated_quote_stops_reading),
	    cmocka_unit_test(csv_progress_reaches_the_file_size),
	    cmocka_unit_test(empty_file_is_refused),
	    cmocka_unit_test(header_with_unterminated_quote_is_refused),
	    cmocka_unit_test(missing_file_is_refused_naming_it),
	    cmocka_unit_test(unknown_format_is_a_usage_error),
	    cmocka_unit_test(free_accepts_null),
	    cmocka_unit_test(qualtrics_export_names_columns_by_id_with_aliases),
	    cmocka_unit_test(qualtrics_import_ids_that_are_not_json_are_taken_as_they_are),
	    cmocka_unit_test(qualtrics_short_header_rows_leave_aliases_out),
	    cmocka_unit_test(qualtrics_missing_header_rows_are_refused),
	    cmocka_unit_test(qualtrics_empty_header_is_refused),
	    cmocka_unit_test(surveymonkey_export_fills_questions_forward),
	    cmocka_unit_test(surveymonkey_duplicate_questions_get_numbered),
	    cmocka_unit_test(surveymonkey_missing_label_row_is_refused),
	    cmocka_unit_test(googleforms_export_keeps_grid_columns_as_named),
	    cmocka_unit_test(jsonl_values_are_rendered_as_text),
	    cmocka_unit_test(jsonl_attributes_become_fields),
	    cmocka_unit_test(jsonl_attributes_that_are_not_an_object_are_a_field),
	    cmocka_unit_test(jsonl_malformed_lines_return_2_and_reading_goes_on),
	    cmocka_unit_test(jsonl_blank_lines_are_skipped_and_counted),
	    cmocka_unit_test(jsonl_string_with_nul_keeps_its_length),
	    cmocka_unit_test(jsonl_empty_file_has_no_rows),
	    cmocka_unit_test(jsonl_line_over_the_limit_stops_reading),
	    cmocka_unit_test(jsonl_line_at_the_limit_is_read),
	    cmocka_unit_test(jsonl_long_line_within_the_limit_is_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
