/* util/utf8.c - UTF-8 validation, character counts and safe prefixes.
 *
 * Imported text is mostly ASCII, so validation checks eight bytes at a time
 * and hands only the bytes with the high bit set (or a NUL) to utf8proc,
 * whose decoder rejects overlongs, surrogates and code points past U+10FFFF.
 * Counting and cutting assume valid input and need no decoder at all: a
 * character starts at every byte that is not a continuation byte 10xxxxxx. */
#include <string.h>
#include <utf8proc.h>

#include "util/utf8.h"

#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL

static uint64_t load64(const char *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof w);
	return w;
}

/* Non-zero when some byte of w has its high bit set or is 0; it may also
 * flag a 0x01 byte that follows a 0, which only costs a slow step. */
static uint64_t not_plain_ascii(uint64_t w)
{
	return ((w - ONES) | w) & HIGH;
}

/* Length of the valid non-ASCII or NUL sequence at s[0..left), or 0. */
static size_t decode_one(const char *s, size_t left)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t n;

	if (*s == '\0')
		return 0;
	n = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)(left < 4 ? left : 4),
			     &cp);
	return n > 0 ? (size_t)n : 0;
}

bool tp_utf8_valid(const char *s, size_t len, size_t *bad_offset)
{
	size_t i = 0;

	while (i < len) {
		if (len - i >= 8 && !not_plain_ascii(load64(s + i))) {
			i += 8;
			continue;
		}
		unsigned char c = (unsigned char)s[i];
		if (c != 0 && c < 0x80) {
			i++;
			continue;
		}
		size_t n = decode_one(s + i, len - i);
		if (n == 0) {
			if (bad_offset)
				*bad_offset = i;
			return false;
		}
		i += n;
	}
	return true;
}

static bool is_continuation(char c)
{
	return ((unsigned char)c & 0xC0) == 0x80;
}

size_t tp_utf8_prefix(const char *s, size_t len, size_t max_chars)
{
	size_t chars = 0;

	for (size_t i = 0; i < len; i++) {
		if (is_continuation(s[i]))
			continue;
		if (chars == max_chars)
			return i;
		chars++;
	}
	return len;
}

/* Continuation bytes have bit 7 set and bit 6 clear; shifting left by one
 * brings each byte's bit 6 under its own bit 7. */
static size_t continuations(uint64_t w)
{
	return (size_t)__builtin_popcountll(w & ~(w << 1) & HIGH);
}

size_t tp_utf8_length(const char *s, size_t len)
{
	size_t i = 0, chars = 0;

	for (; len - i >= 8; i += 8)
		chars += 8 - continuations(load64(s + i));
	for (; i < len; i++)
		chars += !is_continuation(s[i]);
	return chars;
}
