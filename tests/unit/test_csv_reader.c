/* Unit tests for io/csv_reader.c. Inputs are written to temporary files
 * (in $TMPDIR, else /tmp); every expected value is written out by hand. */
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

#include "io/csv_reader.h"

/* --- helpers --- */

/* Writes n bytes of data to a new temporary file; returns its path, which
 * the caller removes and frees with drop_temp(). */
static char *write_temp(const void *data, size_t n)
{
	const char *dir = getenv("TMPDIR");
	char *path = malloc(4096);
	assert_non_null(path);
	snprintf(path, 4096, "%s/tp_csv_XXXXXX", dir && *dir ? dir : "/tmp");
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

/* A reader over text, detecting the delimiter. */
static struct tp_csv_reader *open_text(const char *text, char **path)
{
	*path = write_temp(text, strlen(text));
	struct tp_csv_reader *r = NULL;
	struct tp_error err;
	assert_int_equal(tp_csv_reader_open(*path, 0, &r, &err), TP_OK);
	return r;
}

/* Reads the next record and checks its line and fields (NULL-ended). */
static void expect_record(struct tp_csv_reader *r, long line, ...)
{
	struct tp_csv_record rec;
	struct tp_error err;
	tp_error_clear(&err);
	int got = tp_csv_reader_next(r, &rec, &err);
	if (got != 1)
		fail_msg("expected a record at line %ld, got %d (%s)", line, got, err.message);
	assert_int_equal(rec.line, line);
	va_list ap;
	va_start(ap, line);
	size_t i = 0;
	for (const char *want = va_arg(ap, const char *); want; want = va_arg(ap, const char *)) {
		assert_true(i < rec.n_fields);
		assert_string_equal(rec.fields[i], want);
		assert_int_equal(rec.lengths[i], strlen(want));
		i++;
	}
	va_end(ap);
	assert_int_equal(rec.n_fields, i);
}

static void expect_end(struct tp_csv_reader *r)
{
	struct tp_csv_record rec;
	struct tp_error err;
	tp_error_clear(&err);
	int got = tp_csv_reader_next(r, &rec, &err);
	if (got != 0)
		fail_msg("expected the end, got %d (%s)", got, err.message);
}

/* Reads until an error and returns its message in err. */
static void expect_error(struct tp_csv_reader *r, enum tp_status status, struct tp_error *err)
{
	struct tp_csv_record rec;
	int got;
	while ((got = tp_csv_reader_next(r, &rec, err)) == 1)
		;
	assert_int_equal(got, -1);
	assert_int_equal(err->status, status);
}

/* A file of two records: "id,<field>\n" where the field is n bytes of c,
 * quoted when quote is true, then "x,y\n". */
static char *write_big_field(size_t n, char c, bool quote)
{
	char *data = malloc(n + 16);
	assert_non_null(data);
	memcpy(data, "id,", 3);
	size_t k = 3;
	if (quote)
		data[k++] = '"';
	memset(data + k, c, n);
	k += n;
	if (quote)
		data[k++] = '"';
	data[k++] = '\n';
	memcpy(data + k, "x,y\n", 4);
	k += 4;
	char *path = write_temp(data, k);
	free(data);
	return path;
}

/* --- plain records --- */

static void reads_records_with_their_line_numbers(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("a,b,c\n1,2,3\n4,5,6\n", &path);
	assert_int_equal(tp_csv_reader_delimiter(r), ',');
	expect_record(r, 1, "a", "b", "c", NULL);
	expect_record(r, 2, "1", "2", "3", NULL);
	expect_record(r, 3, "4", "5", "6", NULL);
	expect_end(r);
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void last_record_without_newline_is_read(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("a,b\n1,2", &path);
	expect_record(r, 1, "a", "b", NULL);
	expect_record(r, 2, "1", "2", NULL);
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void empty_fields_are_empty_strings(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("a,,c\n,,\n", &path);
	expect_record(r, 1, "a", "", "c", NULL);
	expect_record(r, 2, "", "", "", NULL);
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void crlf_line_ends_are_not_part_of_fields(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("a,b\r\n1,2\r\n3,4\r\n", &path);
	expect_record(r, 1, "a", "b", NULL);
	expect_record(r, 2, "1", "2", NULL);
	expect_record(r, 3, "3", "4", NULL);
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void lone_cr_ends_a_line(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("a,b\r1,2\r\r3,4", &path);
	expect_record(r, 1, "a", "b", NULL);
	expect_record(r, 2, "1", "2", NULL);
	expect_record(r, 4, "3", "4", NULL);
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void spaces_around_unquoted_fields_are_dropped(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text(" a , b\t,\" c \"\n", &path);
	expect_record(r, 1, "a", "b", " c ", NULL);
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

/* --- quoting --- */

static void doubled_quotes_inside_quotes_are_one_quote(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("\"say \"\"hi\"\"\",\"\"\"\"\n", &path);
	expect_record(r, 1, "say \"hi\"", "\"", NULL);
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void delimiters_inside_quotes_are_text(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("id,comment\n1,\"fast, cheap; good\"\n", &path);
	expect_record(r, 1, "id", "comment", NULL);
	expect_record(r, 2, "1", "fast, cheap; good", NULL);
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void newline_inside_quotes_is_kept_and_counted(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("id,c\n1,\"one\ntwo\n\nthree\"\n2,x\n", &path);
	expect_record(r, 1, "id", "c", NULL);
	expect_record(r, 2, "1", "one\ntwo\n\nthree", NULL);
	expect_record(r, 6, "2", "x", NULL);
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void crlf_inside_quotes_is_kept_and_counted_once(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("id,c\r\n1,\"one\r\ntwo\"\r\n2,x\r\n", &path);
	expect_record(r, 1, "id", "c", NULL);
	expect_record(r, 2, "1", "one\r\ntwo", NULL);
	expect_record(r, 4, "2", "x", NULL);
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void empty_quoted_field_is_empty(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("\"\",a,\"\"\n\"\"\n", &path);
	expect_record(r, 1, "", "a", "", NULL);
	expect_record(r, 2, "", NULL);
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void quoted_field_at_end_of_file_without_newline(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("a,b\n1,\"last \"\"one\"\"\"", &path);
	expect_record(r, 1, "a", "b", NULL);
	expect_record(r, 2, "1", "last \"one\"", NULL);
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void stray_quote_in_unquoted_field_is_text(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("tv,size\nacme,5\" screen\n", &path);
	expect_record(r, 1, "tv", "size", NULL);
	expect_record(r, 2, "acme", "5\" screen", NULL);
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void unescaped_quote_inside_quotes_is_kept_as_text(void **state)
{
	(void)state;
	char *path;
	/* The quote after 5 is not doubled: the field goes on to the next
	 * quote that ends it, which is what the writer meant. */
	struct tp_csv_reader *r = open_text("tv,n\n\"Samsung 5\" screen\",2\n", &path);
	expect_record(r, 1, "tv", "n", NULL);
	expect_record(r, 2, "Samsung 5\" screen", "2", NULL);
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void nul_byte_is_kept_in_the_length(void **state)
{
	(void)state;
	static const char data[] = "a,b\nx\0y,z\n";
	char *path = write_temp(data, sizeof data - 1);
	struct tp_csv_reader *r = NULL;
	assert_int_equal(tp_csv_reader_open(path, 0, &r, NULL), TP_OK);
	expect_record(r, 1, "a", "b", NULL);
	struct tp_csv_record rec;
	assert_int_equal(tp_csv_reader_next(r, &rec, NULL), 1);
	assert_int_equal(rec.n_fields, 2);
	assert_int_equal(rec.lengths[0], 3);
	assert_memory_equal(rec.fields[0], "x\0y", 4);
	assert_string_equal(rec.fields[1], "z");
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void unterminated_quote_is_an_error_naming_its_line(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("a,b\n1,2\n3,\"never\nclosed\n4,5\n", &path);
	expect_record(r, 1, "a", "b", NULL);
	expect_record(r, 2, "1", "2", NULL);
	struct tp_error err;
	expect_error(r, TP_EINPUT, &err);
	assert_string_equal(
	    err.message, "line 3: field 2 opens a quote that is not closed by the end of the file");
	/* The error stays. */
	struct tp_csv_record rec;
	assert_int_equal(tp_csv_reader_next(r, &rec, &err), -1);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void escaped_quote_at_end_of_file_is_still_unterminated(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("a\n\"x\"\"", &path);
	expect_record(r, 1, "a", NULL);
	struct tp_error err;
	expect_error(r, TP_EINPUT, &err);
	assert_non_null(strstr(err.message, "line 2: field 1 opens a quote"));
	tp_csv_reader_free(r);
	drop_temp(path);
}

/* --- BOM and delimiter --- */

static void bom_is_skipped(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("\xef\xbb\xbf"
					    "id;name\n1;x\n",
					    &path);
	assert_int_equal(tp_csv_reader_delimiter(r), ';');
	expect_record(r, 1, "id", "name", NULL);
	expect_record(r, 2, "1", "x", NULL);
	expect_end(r);
	assert_int_equal(tp_csv_reader_bytes_read(r), 15);
	assert_int_equal(tp_csv_reader_bytes_total(r), 15);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void bom_then_quoted_first_field(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("\xef\xbb\xbf\"id\",x\n", &path);
	expect_record(r, 1, "id", "x", NULL);
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void semicolons_are_detected_with_decimal_commas(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("id;nps;score\nx1;7,0;4,5\n", &path);
	assert_int_equal(tp_csv_reader_delimiter(r), ';');
	expect_record(r, 1, "id", "nps", "score", NULL);
	expect_record(r, 2, "x1", "7,0", "4,5", NULL);
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void detection_tie_chooses_comma(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("a,b;c\n1,2;3\n", &path);
	assert_int_equal(tp_csv_reader_delimiter(r), ',');
	expect_record(r, 1, "a", "b;c", NULL);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void detection_without_either_chooses_comma(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("single\nvalue\n", &path);
	assert_int_equal(tp_csv_reader_delimiter(r), ',');
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void detection_ignores_quoted_delimiters(void **state)
{
	(void)state;
	char *path;
	/* Three commas inside quotes, two semicolons outside. */
	struct tp_csv_reader *r = open_text("\"a,b,c,d\";x;\"y\"\"z\"\n", &path);
	assert_int_equal(tp_csv_reader_delimiter(r), ';');
	expect_record(r, 1, "a,b,c,d", "x", "y\"z", NULL);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void detection_reads_only_the_first_record(void **state)
{
	(void)state;
	char *path;
	/* Leading blank lines are skipped; later lines do not count. */
	struct tp_csv_reader *r = open_text("\n\na;b\n1,2,3,4\n", &path);
	assert_int_equal(tp_csv_reader_delimiter(r), ';');
	expect_record(r, 3, "a", "b", NULL);
	expect_record(r, 4, "1,2,3,4", NULL);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void detection_sees_a_multiline_quoted_field_as_one_record(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("\"x\n;;;\",a,b\n", &path);
	assert_int_equal(tp_csv_reader_delimiter(r), ',');
	expect_record(r, 1, "x\n;;;", "a", "b", NULL);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void given_delimiter_is_used(void **state)
{
	(void)state;
	char *path = write_temp("a;b,c\n", 6);
	struct tp_csv_reader *r = NULL;
	assert_int_equal(tp_csv_reader_open(path, '\t', &r, NULL), TP_OK);
	assert_int_equal(tp_csv_reader_delimiter(r), '\t');
	expect_record(r, 1, "a;b,c", NULL);
	tp_csv_reader_free(r);
	r = NULL;
	assert_int_equal(tp_csv_reader_open(path, ';', &r, NULL), TP_OK);
	expect_record(r, 1, "a", "b,c", NULL);
	tp_csv_reader_free(r);
	drop_temp(path);
}

/* --- blank lines and line numbers --- */

static void blank_lines_are_skipped_and_counted(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("\na,b\n\n\r\n  \n1,2\n\n\n", &path);
	expect_record(r, 2, "a", "b", NULL);
	expect_record(r, 6, "1", "2", NULL);
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void line_numbers_after_multiline_fields(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("h1,h2\r\n"
					    "\"a\r\nb\",\"c\nd\re\"\r\n"
					    "\r\n"
					    "x,\"\"\"quoted\"\"\nline\"\n"
					    "last,row\n",
					    &path);
	expect_record(r, 1, "h1", "h2", NULL);
	expect_record(r, 2, "a\r\nb", "c\nd\re", NULL);
	expect_record(r, 7, "x", "\"quoted\"\nline", NULL);
	expect_record(r, 9, "last", "row", NULL);
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void multiline_field_across_slices_keeps_line_numbers(void **state)
{
	(void)state;
	/* A quoted field of 200 KB holding two line ends, read in several
	 * pieces, then records after it. */
	size_t half = 100000, n = 0;
	char *data = malloc(2 * half + 64);
	assert_non_null(data);
	n += (size_t)sprintf(data, "h\n\"");
	memset(data + n, 'a', half);
	n += half;
	n += (size_t)sprintf(data + n, "\n");
	memset(data + n, 'b', half);
	n += half;
	n += (size_t)sprintf(data + n, "\r\nc\"\nnext\n\nlast\n");
	char *path = write_temp(data, n);
	free(data);
	struct tp_csv_reader *r = NULL;
	assert_int_equal(tp_csv_reader_open(path, 0, &r, NULL), TP_OK);
	expect_record(r, 1, "h", NULL);
	struct tp_csv_record rec;
	assert_int_equal(tp_csv_reader_next(r, &rec, NULL), 1);
	assert_int_equal(rec.line, 2);
	assert_int_equal(rec.lengths[0], 2 * half + 4);
	expect_record(r, 5, "next", NULL);
	expect_record(r, 7, "last", NULL);
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void errors_after_multiline_fields_name_the_right_line(void **state)
{
	(void)state;
	char *path;
	/* The field count error comes in the same slice as the line ends in
	 * quotes before it. */
	size_t cap = 3 * TP_CSV_FIELDS_MAX + 64, n = 0;
	char *data = malloc(cap);
	assert_non_null(data);
	n += (size_t)snprintf(data, cap, "a,\"1\n2\n3\"\n\"x\r\ny\",b\n");
	for (int i = 0; i <= TP_CSV_FIELDS_MAX; i++)
		n += (size_t)snprintf(data + n, cap - n, i ? ",z" : "z");
	n += (size_t)snprintf(data + n, cap - n, "\nq,r\n");
	path = write_temp(data, n);
	free(data);
	struct tp_csv_reader *r = NULL;
	assert_int_equal(tp_csv_reader_open(path, 0, &r, NULL), TP_OK);
	expect_record(r, 1, "a", "1\n2\n3", NULL);
	expect_record(r, 4, "x\r\ny", "b", NULL);
	struct tp_error err;
	expect_error(r, TP_ELIMIT, &err);
	assert_string_equal(err.message,
			    "line 6: the record has more than 10000 fields (the limit)");
	tp_csv_reader_free(r);
	drop_temp(path);

	r = open_text("a\n\"b\nc\"\n\"open\n", &path);
	expect_record(r, 1, "a", NULL);
	expect_record(r, 2, "b\nc", NULL);
	expect_error(r, TP_EINPUT, &err);
	assert_string_equal(
	    err.message, "line 4: field 1 opens a quote that is not closed by the end of the file");
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void empty_file_has_no_records(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("", &path);
	assert_int_equal(tp_csv_reader_delimiter(r), ',');
	expect_end(r);
	assert_int_equal(tp_csv_reader_bytes_total(r), 0);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void only_blank_lines_have_no_records(void **state)
{
	(void)state;
	char *path;
	struct tp_csv_reader *r = open_text("\xef\xbb\xbf\r\n \n\t\n", &path);
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

/* --- size and streaming --- */

static void many_records_stream_across_blocks(void **state)
{
	(void)state;
	/* 100,000 records of 28 bytes: 2.8 MB, several read blocks, with a
	 * quoted multi-line field every 1,000 records. */
	size_t cap = 4 << 20, n = 0;
	char *data = malloc(cap);
	assert_non_null(data);
	n += (size_t)snprintf(data, cap, "id,text,n\n");
	for (int i = 0; i < 100000; i++) {
		if (i % 1000 == 999)
			n += (size_t)snprintf(data + n, cap - n, "%06d,\"two\nlines\",%d\n", i, i);
		else
			n += (size_t)snprintf(data + n, cap - n, "%06d,some text,%d\n", i, i);
	}
	char *path = write_temp(data, n);
	free(data);
	struct tp_csv_reader *r = NULL;
	assert_int_equal(tp_csv_reader_open(path, 0, &r, NULL), TP_OK);
	struct tp_csv_record rec;
	assert_int_equal(tp_csv_reader_next(r, &rec, NULL), 1);
	long line = 2;
	for (int i = 0; i < 100000; i++) {
		assert_int_equal(tp_csv_reader_next(r, &rec, NULL), 1);
		assert_int_equal(rec.line, line);
		assert_int_equal(rec.n_fields, 3);
		assert_int_equal(atoi(rec.fields[0]), i);
		assert_int_equal(atoi(rec.fields[2]), i);
		line += i % 1000 == 999 ? 2 : 1;
	}
	expect_end(r);
	assert_int_equal(tp_csv_reader_bytes_read(r), (int64_t)n);
	assert_int_equal(tp_csv_reader_bytes_total(r), (int64_t)n);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void one_mebibyte_comment_is_kept_whole(void **state)
{
	(void)state;
	size_t big = 1 << 20;
	char *path = write_big_field(big, 'a', true);
	struct tp_csv_reader *r = NULL;
	assert_int_equal(tp_csv_reader_open(path, 0, &r, NULL), TP_OK);
	struct tp_csv_record rec;
	assert_int_equal(tp_csv_reader_next(r, &rec, NULL), 1);
	assert_int_equal(rec.n_fields, 2);
	assert_int_equal(rec.lengths[1], big);
	assert_int_equal(strlen(rec.fields[1]), big);
	assert_int_equal(rec.fields[1][0], 'a');
	assert_int_equal(rec.fields[1][big - 1], 'a');
	expect_record(r, 2, "x", "y", NULL);
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void field_of_exactly_the_limit_is_accepted(void **state)
{
	(void)state;
	char *path = write_big_field(TP_CSV_FIELD_MAX, 'b', true);
	struct tp_csv_reader *r = NULL;
	assert_int_equal(tp_csv_reader_open(path, 0, &r, NULL), TP_OK);
	struct tp_csv_record rec;
	assert_int_equal(tp_csv_reader_next(r, &rec, NULL), 1);
	assert_int_equal(rec.lengths[1], TP_CSV_FIELD_MAX);
	expect_record(r, 2, "x", "y", NULL);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void quoted_field_over_the_limit_is_an_error(void **state)
{
	(void)state;
	char *path = write_big_field((size_t)TP_CSV_FIELD_MAX + 1000, 'c', true);
	struct tp_csv_reader *r = NULL;
	assert_int_equal(tp_csv_reader_open(path, 0, &r, NULL), TP_OK);
	struct tp_error err;
	expect_error(r, TP_ELIMIT, &err);
	assert_string_equal(err.message,
			    "line 1: field 2 is longer than 4194304 bytes (the limit)");
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void unquoted_field_over_the_limit_is_an_error(void **state)
{
	(void)state;
	char *path = write_big_field((size_t)TP_CSV_FIELD_MAX + 1, 'd', false);
	struct tp_csv_reader *r = NULL;
	assert_int_equal(tp_csv_reader_open(path, 0, &r, NULL), TP_OK);
	struct tp_error err;
	expect_error(r, TP_ELIMIT, &err);
	assert_string_equal(err.message,
			    "line 1: field 2 is longer than 4194304 bytes (the limit)");
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void endless_quoted_field_stops_at_the_limit(void **state)
{
	(void)state;
	/* 12 MiB inside one quote that never closes: the limit, not the end
	 * of the file, is what stops it. */
	size_t n = 12u << 20;
	char *data = malloc(n);
	assert_non_null(data);
	memcpy(data, "a\nb\n\"", 5);
	memset(data + 5, 'z', n - 5);
	char *path = write_temp(data, n);
	free(data);
	struct tp_csv_reader *r = NULL;
	assert_int_equal(tp_csv_reader_open(path, 0, &r, NULL), TP_OK);
	expect_record(r, 1, "a", NULL);
	expect_record(r, 2, "b", NULL);
	struct tp_error err;
	expect_error(r, TP_ELIMIT, &err);
	assert_string_equal(err.message,
			    "line 3: field 1 is longer than 4194304 bytes (the limit)");
	assert_true(tp_csv_reader_bytes_read(r) < (int64_t)n);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void too_many_fields_is_an_error_after_good_records(void **state)
{
	(void)state;
	size_t cap = 3 * TP_CSV_FIELDS_MAX + 64, n = 0;
	char *data = malloc(cap);
	assert_non_null(data);
	n += (size_t)snprintf(data, cap, "a,b\n1,2\n");
	for (int i = 0; i <= TP_CSV_FIELDS_MAX; i++) /* TP_CSV_FIELDS_MAX + 1 fields */
		n += (size_t)snprintf(data + n, cap - n, i ? ",x" : "x");
	n += (size_t)snprintf(data + n, cap - n, "\n3,4\n");
	char *path = write_temp(data, n);
	free(data);
	struct tp_csv_reader *r = NULL;
	assert_int_equal(tp_csv_reader_open(path, 0, &r, NULL), TP_OK);
	expect_record(r, 1, "a", "b", NULL);
	expect_record(r, 2, "1", "2", NULL);
	struct tp_error err;
	expect_error(r, TP_ELIMIT, &err);
	assert_string_equal(err.message,
			    "line 3: the record has more than 10000 fields (the limit)");
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void fields_up_to_the_limit_are_accepted(void **state)
{
	(void)state;
	size_t cap = 2 * TP_CSV_FIELDS_MAX + 64, n = 0;
	char *data = malloc(cap);
	assert_non_null(data);
	for (int i = 0; i < TP_CSV_FIELDS_MAX; i++)
		n += (size_t)snprintf(data + n, cap - n, i ? ",y" : "y");
	data[n++] = '\n';
	char *path = write_temp(data, n);
	free(data);
	struct tp_csv_reader *r = NULL;
	assert_int_equal(tp_csv_reader_open(path, 0, &r, NULL), TP_OK);
	struct tp_csv_record rec;
	assert_int_equal(tp_csv_reader_next(r, &rec, NULL), 1);
	assert_int_equal(rec.n_fields, TP_CSV_FIELDS_MAX);
	assert_string_equal(rec.fields[TP_CSV_FIELDS_MAX - 1], "y");
	expect_end(r);
	tp_csv_reader_free(r);
	drop_temp(path);
}

static void record_over_sixteen_mebibytes_is_an_error(void **state)
{
	(void)state;
	/* Five fields of 3.5 MiB: each within the field limit, 17.5 MiB in
	 * all. */
	size_t each = 7u << 19, n = 0;
	char *data = malloc(5 * (each + 1) + 16);
	assert_non_null(data);
	memcpy(data, "h\n", 2);
	n = 2;
	for (int i = 0; i < 5; i++) {
		memset(data + n, 'q', each);
		n += each;
		data[n++] = i < 4 ? ',' : '\n';
	}
	char *path = write_temp(data, n);
	free(data);
	struct tp_csv_reader *r = NULL;
	assert_int_equal(tp_csv_reader_open(path, 0, &r, NULL), TP_OK);
	expect_record(r, 1, "h", NULL);
	struct tp_error err;
	expect_error(r, TP_ELIMIT, &err);
	assert_string_equal(err.message,
			    "line 2: the record is longer than 16777216 bytes (the limit)");
	tp_csv_reader_free(r);
	drop_temp(path);
}

/* --- opening --- */

static void missing_file_is_an_io_error_naming_it(void **state)
{
	(void)state;
	struct tp_csv_reader *r = (struct tp_csv_reader *)1;
	struct tp_error err;
	assert_int_equal(tp_csv_reader_open("/nonexistent/dir/responses.csv", 0, &r, &err), TP_EIO);
	assert_null(r);
	assert_string_equal(err.message,
			    "/nonexistent/dir/responses.csv: No such file or directory");
}

static void quote_is_refused_as_delimiter(void **state)
{
	(void)state;
	struct tp_csv_reader *r = NULL;
	struct tp_error err;
	assert_int_equal(tp_csv_reader_open("x.csv", '"', &r, &err), TP_EUSAGE);
	assert_null(r);
}

static void free_accepts_null(void **state)
{
	(void)state;
	tp_csv_reader_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reads_records_with_their_line_numbers),
	    cmocka_unit_test(last_record_without_newline_is_read),
	    cmocka_unit_test(empty_fields_are_empty_strings),
	    cmocka_unit_test(crlf_line_ends_are_not_part_of_fields),
	    cmocka_unit_test(lone_cr_ends_a_line),
	    cmocka_unit_test(spaces_around_unquoted_fields_are_dropped),
	    cmocka_unit_test(doubled_quotes_inside_quotes_are_one_quote),
	    cmocka_unit_test(delimiters_inside_quotes_are_text),
	    cmocka_unit_test(newline_inside_quotes_is_kept_and_counted),
	    cmocka_unit_test(crlf_inside_quotes_is_kept_and_counted_once),
	    cmocka_unit_test(empty_quoted_field_is_empty),
	    cmocka_unit_test(quoted_field_at_end_of_file_without_newline),
	    cmocka_unit_test(stray_quote_in_unquoted_field_is_text),
	    cmocka_unit_test(unescaped_quote_inside_quotes_is_kept_as_text),
	    cmocka_unit_test(nul_byte_is_kept_in_the_length),
	    cmocka_unit_test(unterminated_quote_is_an_error_naming_its_line),
	    cmocka_unit_test(escaped_quote_at_end_of_file_is_still_unterminated),
	    cmocka_unit_test(bom_is_skipped),
	    cmocka_unit_test(bom_then_quoted_first_field),
	    cmocka_unit_test(semicolons_are_detected_with_decimal_commas),
	    cmocka_unit_test(detection_tie_chooses_comma),
	    cmocka_unit_test(detection_without_either_chooses_comma),
	    cmocka_unit_test(detection_ignores_quoted_delimiters),
	    cmocka_unit_test(detection_reads_only_the_first_record),
	    cmocka_unit_test(detection_sees_a_multiline_quoted_field_as_one_record),
	    cmocka_unit_test(given_delimiter_is_used),
	    cmocka_unit_test(blank_lines_are_skipped_and_counted),
	    cmocka_unit_test(line_numbers_after_multiline_fields),
	    cmocka_unit_test(multiline_field_across_slices_keeps_line_numbers),
	    cmocka_unit_test(errors_after_multiline_fields_name_the_right_line),
	    cmocka_unit_test(empty_file_has_no_records),
	    cmocka_unit_test(only_blank_lines_have_no_records),
	    cmocka_unit_test(many_records_stream_across_blocks),
	    cmocka_unit_test(one_mebibyte_comment_is_kept_whole),
	    cmocka_unit_test(field_of_exactly_the_limit_is_accepted),
	    cmocka_unit_test(quoted_field_over_the_limit_is_an_error),
	    cmocka_unit_test(unquoted_field_over_the_limit_is_an_error),
	    cmocka_unit_test(endless_quoted_field_stops_at_the_limit),
	    cmocka_unit_test(too_many_fields_is_an_error_after_good_records),
	    cmocka_unit_test(fields_up_to_the_limit_are_accepted),
	    cmocka_unit_test(record_over_sixteen_mebibytes_is_an_error),
	    cmocka_unit_test(missing_file_is_an_io_error_naming_it),
	    cmocka_unit_test(quote_is_refused_as_delimiter),
	    cmocka_unit_test(free_accepts_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
