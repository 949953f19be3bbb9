/* Unit tests for util/utf8.c.
 *
 * Byte sequences follow the Unicode Standard, Table 3-7 "Well-Formed UTF-8
 * Byte Sequences"; character and byte counts of the Spanish samples were
 * computed with /usr/bin/python3 as len(s) and len(s.encode()). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <string.h>

#include "util/utf8.h"

/* Written as UTF-8 in this source file. */
#define SPANISH "atención, ñandú, ¿qué?" /* 22 chars, 27 bytes */
#define COMPLAINT "El cliente esperó 45 minutos en la línea de atención — ¡qué decepción! 😞"
#define COMPLAINT_CHARS 72
#define COMPLAINT_BYTES 83

static void valid(const char *s, size_t len)
{
	size_t bad = 12345;
	if (!tp_utf8_valid(s, len, &bad))
		fail_msg("rejected at %zu", bad);
	assert_int_equal(bad, 12345); /* untouched on success */
}

static void invalid_at(const char *s, size_t len, size_t offset)
{
	size_t bad = 12345;
	assert_false(tp_utf8_valid(s, len, &bad));
	assert_int_equal(bad, offset);
}

#define VALID(lit) valid(lit, sizeof(lit) - 1)
#define INVALID_AT(lit, off) invalid_at(lit, sizeof(lit) - 1, off)

/* The test's own reading of Table 3-7: the length of the well-formed
 * sequence at s[0..n), or 0. NUL is rejected as tp_utf8_valid does. */
static size_t reference_sequence(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t len;

	if (c >= 0x01 && c <= 0x7F)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	if (c == 0xED)
		hi = 0x9F;
	if (c == 0xF0)
		lo = 0x90;
	if (c == 0xF4)
		hi = 0x8F;
	if (n < 2 || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (i >= n || s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return len;
}

static bool reference_valid(const unsigned char *s, size_t n, size_t *bad)
{
	for (size_t i = 0; i < n;) {
		size_t k = reference_sequence(s + i, n - i);
		if (!k) {
			*bad = i;
			return false;
		}
		i += k;
	}
	return true;
}

static void agrees_with_reference(const unsigned char *s, size_t n)
{
	size_t want = 0, got = 0;
	bool ok = reference_valid(s, n, &want);
	assert_int_equal(tp_utf8_valid((const char *)s, n, &got), ok);
	if (!ok)
		assert_int_equal(got, want);
}

/* Validation: accepted ---------------------------------------------------- */

static void empty_and_ascii_are_valid(void **state)
{
	(void)state;
	valid("", 0);
	valid(NULL, 0);
	VALID("a");
	VALID("hello, world: ~!@#$%^&*()_+{}|:<>?");
	VALID("\x01\x7f\t\r\n");
}

static void two_three_and_four_byte_characters_are_valid(void **state)
{
	(void)state;
	VALID("\xc2\x80");	   /* U+0080, smallest 2-byte */
	VALID("\xc3\xb1");	   /* U+00F1 n with tilde */
	VALID("\xdf\xbf");	   /* U+07FF, largest 2-byte */
	VALID("\xe0\xa0\x80");	   /* U+0800, smallest 3-byte */
	VALID("\xe2\x82\xac");	   /* U+20AC euro sign */
	VALID("\xed\x9f\xbf");	   /* U+D7FF, just below the surrogates */
	VALID("\xee\x80\x80");	   /* U+E000, just above them */
	VALID("\xef\xbf\xbf");	   /* U+FFFF */
	VALID("\xf0\x90\x80\x80"); /* U+10000, smallest 4-byte */
	VALID("\xf0\x9f\x98\x80"); /* U+1F600 grinning face */
	VALID("\xf4\x8f\xbf\xbf"); /* U+10FFFF, the last code point */
}

static void spanish_text_is_valid(void **state)
{
	(void)state;
	VALID(SPANISH);
	VALID(COMPLAINT);
	VALID("¿Cómo calificaría su experiencia? ÑOÑO");
}

/* Validation: rejected ---------------------------------------------------- */

static void overlong_encodings_are_rejected(void **state)
{
	(void)state;
	INVALID_AT("\xc0\x80", 0);	   /* NUL in two bytes */
	INVALID_AT("\xc0\xaf", 0);	   /* '/' in two bytes */
	INVALID_AT("\xc1\xbf", 0);	   /* U+007F in two bytes */
	INVALID_AT("\xe0\x80\x80", 0);	   /* NUL in three bytes */
	INVALID_AT("\xe0\x9f\xbf", 0);	   /* U+07FF in three bytes */
	INVALID_AT("\xf0\x80\x80\x80", 0); /* NUL in four bytes */
	INVALID_AT("\xf0\x8f\xbf\xbf", 0); /* U+FFFF in four bytes */
	INVALID_AT("ok \xc0\x80", 3);
}

static void surrogates_are_rejected(void **state)
{
	(void)state;
	INVALID_AT("\xed\xa0\x80", 0);		   /* U+D800 */
	INVALID_AT("\xed\xaf\xbf", 0);		   /* U+DBFF */
	INVALID_AT("\xed\xb0\x80", 0);		   /* U+DC00 */
	INVALID_AT("\xed\xbf\xbf", 0);		   /* U+DFFF */
	INVALID_AT("\xed\xa0\xbd\xed\xb8\x80", 0); /* CESU-8 pair for U+1F600 */
}

static void code_points_above_10ffff_are_rejected(void **state)
{
	(void)state;
	INVALID_AT("\xf4\x90\x80\x80", 0); /* U+110000 */
	INVALID_AT("\xf5\x80\x80\x80", 0);
	INVALID_AT("\xf7\xbf\xbf\xbf", 0);
	INVALID_AT("\xf8\x88\x80\x80\x80", 0); /* old 5-byte form */
	INVALID_AT("\xfc\x84\x80\x80\x80\x80", 0);
	INVALID_AT("\xfe", 0);
	INVALID_AT("\xff", 0);
}

static void truncated_sequences_at_end_are_rejected(void **state)
{
	(void)state;
	INVALID_AT("abc\xc3", 3);
	INVALID_AT("abc\xe2\x82", 3);
	INVALID_AT("abc\xe2", 3);
	INVALID_AT("abc\xf0\x9f\x98", 3);
	INVALID_AT("abc\xf0\x9f", 3);
	INVALID_AT("abc\xf0", 3);
	/* a valid character cut by len */
	invalid_at("\xe2\x82\xac", 2, 0);
	invalid_at("xx\xf0\x9f\x98\x80", 5, 2);
}

static void stray_and_missing_continuation_bytes_are_rejected(void **state)
{
	(void)state;
	INVALID_AT("\x80", 0);
	INVALID_AT("a\xbf", 1);
	INVALID_AT("\xc3\xb1\x80", 2); /* one continuation too many */
	INVALID_AT("\xc3(", 0);	       /* lead then ASCII */
	INVALID_AT("\xe2(\xa1", 0);
	INVALID_AT("\xe2\x82(", 0);
	INVALID_AT("\xf0\x9f\x98(", 0);
	INVALID_AT("\xc3\xc3\xb1", 0); /* lead then lead */
}

static void nul_bytes_are_rejected(void **state)
{
	(void)state;
	invalid_at("\0", 1, 0);
	invalid_at("ab\0cd", 5, 2);
	invalid_at("abcdefghij\0klmnopqrstu", 22, 10); /* inside the 8-byte fast path */
	invalid_at("\xc3\xb1\0", 3, 2);
}

static void offset_is_that_of_the_first_bad_sequence(void **state)
{
	(void)state;
	INVALID_AT(SPANISH "\xff" SPANISH "\xc0", 27);
	INVALID_AT("0123456789abcdefghijklmnopqrstuvwxyz\xed\xa0\x80 and \xff", 36);
	INVALID_AT("\xc3\xb1\xff", 2);
	INVALID_AT(COMPLAINT "\xf4\x90\x80\x80", COMPLAINT_BYTES);
}

static void bad_offset_may_be_null(void **state)
{
	(void)state;
	assert_false(tp_utf8_valid("\xff", 1, NULL));
	assert_true(tp_utf8_valid("ok", 2, NULL));
}

/* Every position of a bad byte or NUL within and around the 8-byte blocks. */
static void bad_byte_found_at_every_position(void **state)
{
	(void)state;
	char buf[70];
	const char bads[] = {'\0', '\x80', '\xc0', '\xff', '\xf0'};
	for (size_t b = 0; b < sizeof bads; b++) {
		for (size_t pos = 0; pos < sizeof buf; pos++) {
			memset(buf, 'a', sizeof buf);
			buf[pos] = bads[b];
			invalid_at(buf, sizeof buf, pos);
		}
	}
	/* 0x01 right after a NUL is the borrow case of the word test */
	memset(buf, 'a', sizeof buf);
	buf[3] = '\x01';
	valid(buf, sizeof buf);
}

/* Exhaustive over every 1-, 2- and 3-byte string, and every 4-byte string
 * whose last two bytes come from a set of boundary values, against the
 * test's own reading of Table 3-7. Each string is placed after seven ASCII
 * bytes too, so that the fast path hands over mid-block. */
static void agrees_with_table_3_7(void **state)
{
	(void)state;
	unsigned char s[11] = "abcdefg";
	static const unsigned char edge[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90,
					     0x9F, 0xA0, 0xBF, 0xC0, 0xF4, 0xFF};

	for (unsigned a = 0; a < 256; a++) {
		s[7] = (unsigned char)a;
		agrees_with_reference(s + 7, 1);
		for (unsigned b = 0; b < 256; b++) {
			s[8] = (unsigned char)b;
			agrees_with_reference(s + 7, 2);
			agrees_with_reference(s, 9);
			for (unsigned c = 0; c < 256; c++) {
				s[9] = (unsigned char)c;
				agrees_with_reference(s + 7, 3);
			}
			if (a < 0xF0 || a > 0xF7)
				continue;
			for (size_t c = 0; c < sizeof edge; c++) {
				for (size_t d = 0; d < sizeof edge; d++) {
					s[9] = edge[c];
					s[10] = edge[d];
					agrees_with_reference(s + 7, 4);
					agrees_with_reference(s, 11);
				}
			}
		}
	}
}

/* Counting and cutting ---------------------------------------------------- */

static void length_counts_code_points(void **state)
{
	(void)state;
	assert_int_equal(tp_utf8_length("", 0), 0);
	assert_int_equal(tp_utf8_length("abc", 3), 3);
	assert_int_equal(tp_utf8_length(SPANISH, sizeof SPANISH - 1), 22);
	assert_int_equal(sizeof SPANISH - 1, 27);
	assert_int_equal(tp_utf8_length(COMPLAINT, sizeof COMPLAINT - 1), COMPLAINT_CHARS);
	assert_int_equal(sizeof COMPLAINT - 1, COMPLAINT_BYTES);
	assert_int_equal(tp_utf8_length("\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xc3\xb1", 10), 3);
}

static void prefix_never_cuts_a_character(void **state)
{
	(void)state;
	const char *s = "ñandú"; /* 7 bytes */
	assert_int_equal(tp_utf8_prefix(s, 7, 0), 0);
	assert_int_equal(tp_utf8_prefix(s, 7, 1), 2);
	assert_int_equal(tp_utf8_prefix(s, 7, 3), 4);
	assert_int_equal(tp_utf8_prefix(s, 7, 4), 5);
	assert_int_equal(tp_utf8_prefix(s, 7, 5), 7);
	assert_int_equal(tp_utf8_prefix(s, 7, 100), 7);
	assert_int_equal(tp_utf8_prefix("\xf0\x9f\x98\x80x", 5, 1), 4);
	assert_int_equal(tp_utf8_prefix("", 0, 3), 0);
}

static void prefix_of_n_chars_has_length_n(void **state)
{
	(void)state;
	size_t len = sizeof COMPLAINT - 1;
	for (size_t n = 0; n <= COMPLAINT_CHARS; n++) {
		size_t cut = tp_utf8_prefix(COMPLAINT, len, n);
		assert_true(tp_utf8_valid(COMPLAINT, cut, NULL));
		assert_int_equal(tp_utf8_length(COMPLAINT, cut), n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(empty_and_ascii_are_valid),
	    cmocka_unit_test(two_three_and_four_byte_characters_are_valid),
	    cmocka_unit_test(spanish_text_is_valid),
	    cmocka_unit_test(overlong_encodings_are_rejected),
	    cmocka_unit_test(surrogates_are_rejected),
	    cmocka_unit_test(code_points_above_10ffff_are_rejected),
	    cmocka_unit_test(truncated_sequences_at_end_are_rejected),
	    cmocka_unit_test(stray_and_missing_continuation_bytes_are_rejected),
	    cmocka_unit_test(nul_bytes_are_rejected),
	    cmocka_unit_test(offset_is_that_of_the_first_bad_sequence),
	    cmocka_unit_test(bad_offset_may_be_null),
	    cmocka_unit_test(bad_byte_found_at_every_position),
	    cmocka_unit_test(agrees_with_table_3_7),
	    cmocka_unit_test(length_counts_code_points),
	    cmocka_unit_test(prefix_never_cuts_a_character),
	    cmocka_unit_test(prefix_of_n_chars_has_length_n),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
