/* Unit tests for what the survey pages are built from: the form body
 * parser (web/form.c: percent-decoding, limits, hostile input) and the QR
 * code renderers (view/qr.c: SVG structure, PNG framing). Tokens and the
 * store's survey links are tested in test_store.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/store.h"
#include "view/view.h"
#include "web/form.h"

static enum web_form_status parse(const char *body, size_t max_fields, size_t max_field,
				  struct web_form *f)
{
	return web_form_parse(body, strlen(body), max_fields, max_field, f);
}

/* Tokens: 22 base64url characters, distinct, and never a leading '-' (a
 * token must pass as a command-line argument). 4,000 draws would show
 * about 62 leading dashes if they were allowed (1 in 64). */
static void tokens_are_base64url_and_never_start_with_a_dash(void **state)
{
	(void)state;
	enum { DRAWS = 4000 };
	static char seen[DRAWS][TP_SURVEY_TOKEN_LEN + 1];
	struct tp_error err;
	int underscores_first = 0;
	for (int i = 0; i < DRAWS; i++) {
		assert_int_equal(tp_survey_token_new(seen[i], &err), TP_OK);
		assert_int_equal(strlen(seen[i]), TP_SURVEY_TOKEN_LEN);
		assert_true(tp_survey_token_valid(seen[i]));
		assert_true(seen[i][0] != '-');
		underscores_first += seen[i][0] == '_';
	}
	/* The other 63 first characters stay possible ('_' among them). */
	assert_true(underscores_first > 0);
	for (int i = 1; i < DRAWS; i++)
		assert_string_not_equal(seen[i], seen[i - 1]);
}

static void form_decodes_percent_and_plus(void **state)
{
	(void)state;
	struct web_form f;
	assert_int_equal(
	    parse("nps=9&comment=Muy+bien%2C+gracias%21%0D%0A%C3%B1&&e%6Dpty=&flag", 10, 100, &f),
	    WEB_FORM_OK);
	assert_int_equal(f.n, 4);
	assert_string_equal(web_form_get(&f, "nps"), "9");
	assert_string_equal(web_form_get(&f, "comment"), "Muy bien, gracias!\r\n\xC3\xB1");
	assert_string_equal(web_form_get(&f, "empty"), "");
	assert_string_equal(web_form_get(&f, "flag"), "");
	assert_null(web_form_get(&f, "missing"));
	web_form_free(&f);
	/* '=' inside a value, and the first of repeated names wins. */
	assert_int_equal(parse("a=x=y&a=z", 10, 100, &f), WEB_FORM_OK);
	assert_string_equal(web_form_get(&f, "a"), "x=y");
	web_form_free(&f);
	assert_int_equal(parse("", 10, 100, &f), WEB_FORM_OK);
	assert_int_equal(f.n, 0);
	web_form_free(&f);
}

static void form_rejects_bad_escapes(void **state)
{
	(void)state;
	static const char *const bad[] = {"a=%", "a=%4", "a=%zz", "a=%4g", "%=1", "a=%00", "a=b%"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct web_form f;
		assert_int_equal(parse(bad[i], 10, 100, &f), WEB_FORM_MALFORMED);
		web_form_free(&f);
	}
	/* A raw NUL inside the body is refused too. */
	struct web_form f;
	assert_int_equal(web_form_parse("a=b\0c", 5, 10, 100, &f), WEB_FORM_MALFORMED);
	web_form_free(&f);
}

static void form_limits(void **state)
{
	(void)state;
	struct web_form f;
	assert_int_equal(parse("a=1&b=2&c=3", 3, 100, &f), WEB_FORM_OK);
	web_form_free(&f);
	assert_int_equal(parse("a=1&b=2&c=3&d=4", 3, 100, &f), WEB_FORM_TOO_MANY);
	web_form_free(&f);
	/* The limit is on decoded bytes: "%41%42%43" is 3 bytes. */
	assert_int_equal(parse("a=%41%42%43", 10, 3, &f), WEB_FORM_OK);
	assert_string_equal(web_form_get(&f, "a"), "ABC");
	web_form_free(&f);
	assert_int_equal(parse("a=ABCD", 10, 3, &f), WEB_FORM_TOO_LONG);
	web_form_free(&f);
	assert_int_equal(parse("abcd=1", 10, 3, &f), WEB_FORM_TOO_LONG);
	web_form_free(&f);
	assert_non_null(strstr(web_form_strerror(WEB_FORM_TOO_MANY), "too many"));
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

static void qr_svg_is_well_formed(void **state)
{
	(void)state;
	static const char url[] = "https://example.org/s/AAAAAAAAAAAAAAAAAAAAAA";
	struct tp_buf b;
	tp_buf_init(&b);
	assert_true(tp_qr_svg(&b, url));
	char *svg = tp_buf_take(&b);
	assert_non_null(svg);
	assert_true(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
	size_t len = strlen(svg);
	assert_true(len > 7 && strcmp(svg + len - 7, "</svg>\n") == 0);
	assert_int_equal(count(svg, "<"), count(svg, ">"));
	assert_int_equal(count(svg, "<svg"), 1);
	assert_int_equal(count(svg, "</svg>"), 1);
	/* One square per dark module, as libqrencode computed them. */
	QRcode *qr = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	assert_non_null(qr);
	size_t dark = 0;
	for (int i = 0; i < qr->width * qr->width; i++)
		dark += qr->data[i] & 1;
	QRcode_free(qr);
	assert_int_equal(count(svg, "h1v1h-1z"), dark);
	const char *d = strstr(svg, " d=\"") + 4;
	assert_int_equal(strspn(d, "Mhvz0123456789- "), strcspn(d, "\""));
	free(svg);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void qr_png_is_framed(void **state)
{
	(void)state;
	size_t len;
	unsigned char *png = tp_qr_png("http://127.0.0.1:8080/s/AAAAAAAAAAAAAAAAAAAAAA", 4, &len);
	assert_non_null(png);
	assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
	assert_int_equal(be32(png + 8), 13);
	assert_memory_equal(png + 12, "IHDR", 4);
	uint32_t side = be32(png + 16);
	assert_int_equal(side % 4, 0);
	assert_int_equal(be32(png + 20), side);
	/* The last chunk is IEND with its fixed CRC. */
	assert_memory_equal(png + len - 12, "\0\0\0\0IEND\xae\x42\x60\x82", 12);
	free(png);
	assert_null(tp_qr_png("x", 0, &len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(tokens_are_base64url_and_never_start_with_a_dash),
	    cmocka_unit_test(form_decodes_percent_and_plus),
	    cmocka_unit_test(form_rejects_bad_escapes),
	    cmocka_unit_test(form_limits),
	    cmocka_unit_test(qr_svg_is_well_formed),
	    cmocka_unit_test(qr_png_is_framed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
