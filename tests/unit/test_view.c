/* Tests of src/view/: the one HTML escaping function, URL and CSV
 * escaping, languages from Accept-Language, number, date and month
 * formatting per language, the string tables and the page frame. Expected
 * strings are written by hand from the rules (HTML5 character references,
 * RFC 3986, RFC 4180, the "1.234,5 in Spanish"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "view/view.h"

static char *escaped(void (*fn)(struct tp_buf *, const char *), const char *s)
{
	struct tp_buf b;
	tp_buf_init(&b);
	fn(&b, s);
	return tp_buf_take(&b);
}

static void check(void (*fn)(struct tp_buf *, const char *), const char *in, const char *want)
{
	char *got = escaped(fn, in);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void html_escape_covers_the_five_characters(void **state)
{
	(void)state;
	check(tp_html_escape, "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
	check(tp_html_escape, "a & b \"c\" 'd'", "a &amp; b &quot;c&quot; &#39;d&#39;");
	check(tp_html_escape, "\" onmouseover=\"x", "&quot; onmouseover=&quot;x");
	check(tp_html_escape, "&amp;", "&amp;amp;");
	check(tp_html_escape, "", "");
	check(tp_html_escape, "plain ñandú €", "plain ñandú €");
	check(tp_html_escape, NULL, "");
}

static void url_escape_keeps_only_unreserved(void **state)
{
	(void)state;
	check(tp_url_escape, "segmento=empresa", "segmento%3Dempresa");
	check(tp_url_escape, "a b&c/\"<", "a%20b%26c%2F%22%3C");
	check(tp_url_escape, "AZaz09-._~", "AZaz09-._~");
	check(tp_url_escape, "ñ", "%C3%B1");
}

static void csv_field_quotes_and_defuses_formulas(void **state)
{
	(void)state;
	check(tp_csv_field, "plain", "plain");
	check(tp_csv_field, "a,b", "\"a,b\"");
	check(tp_csv_field, "say \"hi\"", "\"say \"\"hi\"\"\"");
	check(tp_csv_field, "two\nlines", "\"two\nlines\"");
	check(tp_csv_field, "=HYPERLINK(1)", "\"'=HYPERLINK(1)\"");
	check(tp_csv_field, "@SUM(A1)", "\"'@SUM(A1)\"");
	check(tp_csv_field, "-12.5", "-12.5");
}

static void buffer_grows_and_formats(void **state)
{
	(void)state;
	struct tp_buf b;
	tp_buf_init(&b);
	for (int i = 0; i < 1000; i++)
		tp_buf_printf(&b, "%d,", i % 10);
	assert_int_equal(b.len, 2000);
	char *s = tp_buf_take(&b);
	assert_memory_equal(s, "0,1,2,", 6);
	free(s);
	tp_buf_init(&b);
	s = tp_buf_take(&b);
	assert_string_equal(s, "");
	free(s);
}

static void numbers_follow_the_language(void **state)
{
	(void)state;
	char buf[64];
	assert_string_equal(tp_fmt_number(buf, sizeof buf, 1234.5, 1, TP_LANG_ES), "1.234,5");
	assert_string_equal(tp_fmt_number(buf, sizeof buf, 1234.5, 1, TP_LANG_EN), "1,234.5");
	assert_string_equal(tp_fmt_number(buf, sizeof buf, 1234567.891, 2, TP_LANG_ES),
			    "1.234.567,89");
	assert_string_equal(tp_fmt_number(buf, sizeof buf, 1234567.891, 2, TP_LANG_EN),
			    "1,234,567.89");
	assert_string_equal(tp_fmt_number(buf, sizeof buf, -31.74, 1, TP_LANG_ES), "-31,7");
	assert_string_equal(tp_fmt_number(buf, sizeof buf, -31.74, 1, TP_LANG_EN), "-31.7");
	assert_string_equal(tp_fmt_number(buf, sizeof buf, 999.96, 1, TP_LANG_EN), "1,000.0");
	assert_string_equal(tp_fmt_number(buf, sizeof buf, -0.04, 1, TP_LANG_EN), "0.0");
	assert_string_equal(tp_fmt_number(buf, sizeof buf, 5, 0, TP_LANG_ES), "5");
	assert_string_equal(tp_fmt_number(buf, sizeof buf, 100, 0, TP_LANG_ES), "100");
	assert_string_equal(tp_fmt_number(buf, sizeof buf, 4.25, 2, TP_LANG_ES), "4,25");
}

static void dates_follow_the_language(void **state)
{
	(void)state;
	char buf[64];
	/* 2026-01-31T23:59:59Z */
	assert_string_equal(tp_fmt_date(buf, sizeof buf, 1769903999, TP_LANG_EN), "2026-01-31");
	assert_string_equal(tp_fmt_date(buf, sizeof buf, 1769903999, TP_LANG_ES), "31/01/2026");
	assert_string_equal(tp_fmt_date(buf, sizeof buf, 0, TP_LANG_ES), "01/01/1970");
	assert_string_equal(tp_fmt_month(buf, sizeof buf, "2026-01", TP_LANG_EN), "Jan 2026");
	assert_string_equal(tp_fmt_month(buf, sizeof buf, "2025-08", TP_LANG_ES), "ago 2025");
	assert_string_equal(tp_fmt_month(buf, sizeof buf, "2026-Q1", TP_LANG_ES), "2026-Q1");
	assert_string_equal(tp_fmt_month(buf, sizeof buf, "2026-13", TP_LANG_EN), "2026-13");
}

static void language_comes_from_accept_language(void **state)
{
	(void)state;
	assert_int_equal(tp_lang_from_accept(NULL), TP_LANG_EN);
	assert_int_equal(tp_lang_from_accept(""), TP_LANG_EN);
	assert_int_equal(tp_lang_from_accept("es"), TP_LANG_ES);
	assert_int_equal(tp_lang_from_accept("es-ES,es;q=0.9,en;q=0.8"), TP_LANG_ES);
	assert_int_equal(tp_lang_from_accept("en-US,en;q=0.9,es;q=0.5"), TP_LANG_EN);
	assert_int_equal(tp_lang_from_accept("fr-FR, es;q=0.7, en;q=0.3"), TP_LANG_ES);
	assert_int_equal(tp_lang_from_accept("de, fr"), TP_LANG_EN);
	assert_int_equal(tp_lang_from_accept("en;q=0.2, es;q=0.9"), TP_LANG_ES);
	assert_int_equal(tp_lang_from_accept("esperanto"), TP_LANG_EN);
	enum tp_lang l;
	assert_true(tp_lang_parse("ES", &l));
	assert_int_equal(l, TP_LANG_ES);
	assert_false(tp_lang_parse("fr", &l));
	assert_false(tp_lang_parse(NULL, &l));
}

static void every_message_exists_in_both_languages(void **state)
{
	(void)state;
	for (int m = 0; m < TP_MSG_COUNT; m++) {
		assert_true(tp_msg(TP_LANG_EN, (enum tp_msg)m)[0] != '\0');
		assert_true(tp_msg(TP_LANG_ES, (enum tp_msg)m)[0] != '\0');
		/* Messages are written into pages unescaped: none may hold markup. */
		assert_null(strpbrk(tp_msg(TP_LANG_EN, (enum tp_msg)m), "<>&\""));
		assert_null(strpbrk(tp_msg(TP_LANG_ES, (enum tp_msg)m), "<>&\""));
	}
	assert_string_equal(tp_msg(TP_LANG_ES, TP_MSG_COMMENTS), "Comentarios");
}

static void page_frame_escapes_its_title(void **state)
{
	(void)state;
	struct tp_buf b;
	tp_buf_init(&b);
	tp_html_begin(&b, TP_LANG_ES, "<b>x</b>", "/?");
	tp_html_end(&b);
	char *s = tp_buf_take(&b);
	assert_non_null(strstr(s, "<html lang=\"es\">"));
	assert_non_null(strstr(s, "&lt;b&gt;x&lt;/b&gt;"));
	assert_null(strstr(s, "<b>"));
	assert_null(strstr(s, "style="));
	assert_null(strstr(s, "<script"));
	free(s);
}

static void charts_escape_labels_and_use_no_style(void **state)
{
	(void)state;
	struct tp_buf b;
	tp_buf_init(&b);
	int64_t counts[11] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
	tp_svg_histogram(&b, counts, 11, 0);
	struct tp_svg_point p[2] = {{"<i>", true, true, 10, 5, 15}, {"b", false, false, 0, 0, 0}};
	tp_svg_line_band(&b, p, 2, -100, 100, TP_LANG_EN);
	tp_svg_bars(&b, p, 2, -100, 100, TP_LANG_ES);
	char *s = tp_buf_take(&b);
	assert_null(strstr(s, "<i>"));
	assert_non_null(strstr(s, "&lt;i&gt;"));
	assert_null(strstr(s, "style"));
	assert_non_null(strstr(s, "10,0")); /* the Spanish bar label */
	free(s);
}

#define T(f) cmocka_unit_test(f)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(html_escape_covers_the_five_characters),
	    T(url_escape_keeps_only_unreserved),
	    T(csv_field_quotes_and_defuses_formulas),
	    T(buffer_grows_and_formats),
	    T(numbers_follow_the_language),
	    T(dates_follow_the_language),
	    T(language_comes_from_accept_language),
	    T(every_message_exists_in_both_languages),
	    T(page_frame_escapes_its_title),
	    T(charts_escape_labels_and_use_no_style),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
