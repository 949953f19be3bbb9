/* util/utf8.h - UTF-8 validation (over utf8proc, with an ASCII fast path). */
#ifndef TP_UTIL_UTF8_H
#define TP_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, no
 * code points above U+10FFFF). NUL bytes are valid UTF-8 but rejected here:
 * text fields never hold them. On false, *bad_offset (if not NULL) is the
 * byte offset of the first invalid sequence. */
bool tp_utf8_valid(const char *s, size_t len, size_t *bad_offset);

/* Length in bytes of the longest prefix of s[0..len) that has at most
 * max_chars code points and does not cut a character. s must be valid. */
size_t tp_utf8_prefix(const char *s, size_t len, size_t max_chars);

/* Number of code points in valid UTF-8 s[0..len). */
size_t tp_utf8_length(const char *s, size_t len);

#endif
