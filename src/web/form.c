/* web/form.c - the parser of form bodies (see web/form.h). */
#include <stdlib.h>
#include <string.h>

#include "web/form.h"

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes src[0..n) into dst (which may be src: decoding only shrinks)
 * and NUL-terminates it. */
static enum web_form_status decode(char *dst, const char *src, size_t n, size_t max)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = src[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			if (i + 2 >= n)
				return WEB_FORM_MALFORMED;
			int hi = hex(src[i + 1]), lo = hex(src[i + 2]);
			if (hi < 0 || lo < 0)
				return WEB_FORM_MALFORMED;
			c = (char)(hi * 16 + lo);
			if (c == '\0')
				return WEB_FORM_MALFORMED;
			i += 2;
		} else if (c == '\0') {
			return WEB_FORM_MALFORMED;
		}
		if (o >= max)
			return WEB_FORM_TOO_LONG;
		dst[o++] = c;
	}
	dst[o] = '\0';
	return WEB_FORM_OK;
}

enum web_form_status web_form_parse(const char *body, size_t len, size_t max_fields,
				    size_t max_field, struct web_form *out)
{
	memset(out, 0, sizeof *out);
	out->buf = malloc(len + 1);
	out->fields = malloc((max_fields ? max_fields : 1) * sizeof *out->fields);
	if (!out->buf || !out->fields)
		return WEB_FORM_NOMEM;
	memcpy(out->buf, body, len);
	out->buf[len] = '\0';
	size_t pos = 0;
	while (pos < len) {
		char *piece = out->buf + pos;
		size_t n = 0;
		while (pos + n < len && piece[n] != '&')
			n++;
		pos += n + 1;
		if (n == 0)
			continue;
		if (out->n >= max_fields)
			return WEB_FORM_TOO_MANY;
		char *eq = memchr(piece, '=', n);
		size_t name_len = eq ? (size_t)(eq - piece) : n;
		/* Decode the value first: the name's NUL would land on '='. */
		char *value = eq ? eq + 1 : piece + n;
		size_t value_len = eq ? n - name_len - 1 : 0;
		enum web_form_status st = decode(value, value, value_len, max_field);
		if (st == WEB_FORM_OK)
			st = decode(piece, piece, name_len, max_field);
		if (st != WEB_FORM_OK)
			return st;
		out->fields[out->n].name = piece;
		out->fields[out->n].value = eq ? value : "";
		out->n++;
	}
	return WEB_FORM_OK;
}

const char *web_form_get(const struct web_form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			return f->fields[i].value;
	return NULL;
}

const char *web_form_strerror(enum web_form_status st)
{
	switch (st) {
	case WEB_FORM_OK:
		return "ok";
	case WEB_FORM_MALFORMED:
		return "the form is malformed (a bad %XX escape or a NUL byte)";
	case WEB_FORM_TOO_MANY:
		return "the form has too many fields";
	case WEB_FORM_TOO_LONG:
		return "a form field is too long";
	case WEB_FORM_NOMEM:
		return "out of memory";
	}
	return "unknown form error";
}

void web_form_free(struct web_form *f)
{
	free(f->buf);
	free(f->fields);
	f->buf = NULL;
	f->fields = NULL;
	f->n = 0;
}
