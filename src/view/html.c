/* view/html.c - the growing buffer, escaping (HTML, URL, CSV), number and
 * date formatting per language, and the HTML page frame.
 *
 * Every string that came from a user (names, comments, attribute values,
 * query values echoed back) reaches a page through tp_html_escape(); no
 * other function here writes user text. Pure: no store, no clock. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "view/view.h"

/* --- the buffer --- */

void tp_buf_init(struct tp_buf *b)
{
	memset(b, 0, sizeof *b);
}

void tp_buf_free(struct tp_buf *b)
{
	free(b->data);
	tp_buf_init(b);
}

static bool grow(struct tp_buf *b, size_t extra)
{
	if (b->failed)
		return false;
	if (b->len + extra + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 1024;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *p = realloc(b->data, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void tp_buf_add(struct tp_buf *b, const char *s, size_t n)
{
	if (!grow(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void tp_buf_puts(struct tp_buf *b, const char *s)
{
	if (s)
		tp_buf_add(b, s, strlen(s));
}

void tp_buf_printf(struct tp_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *tp_buf_take(struct tp_buf *b)
{
	if (b->failed) {
		tp_buf_free(b);
		return NULL;
	}
	if (!b->data && grow(b, 0))
		b->data[0] = '\0';
	if (b->failed) {
		tp_buf_free(b);
		return NULL;
	}
	char *s = b->data;
	tp_buf_init(b);
	return s;
}

/* --- escaping --- */

void tp_html_escape(struct tp_buf *b, const char *s)
{
	if (!s)
		return;
	const char *run = s;
	for (; *s; s++) {
		const char *e = NULL;
		switch (*s) {
		case '&':
			e = "&amp;";
			break;
		case '<':
			e = "&lt;";
			break;
		case '>':
			e = "&gt;";
			break;
		case '"':
			e = "&quot;";
			break;
		case '\'':
			e = "&#39;";
			break;
		default:
			continue;
		}
		tp_buf_add(b, run, (size_t)(s - run));
		tp_buf_puts(b, e);
		run = s + 1;
	}
	tp_buf_add(b, run, (size_t)(s - run));
}

void tp_url_escape(struct tp_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
			tp_buf_add(b, (const char *)&c, 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			tp_buf_add(b, e, 3);
		}
	}
}

void tp_csv_field(struct tp_buf *b, const char *s)
{
	if (!s)
		return;
	bool formula = *s == '=' || *s == '+' || *s == '-' || *s == '@';
	/* A number such as -12.5 is data, not a formula. */
	if (*s == '-' && strspn(s + 1, "0123456789.") == strlen(s + 1) && s[1])
		formula = false;
	if (!formula && !strpbrk(s, ",\"\r\n")) {
		tp_buf_puts(b, s);
		return;
	}
	tp_buf_puts(b, "\"");
	if (formula)
		tp_buf_puts(b, "'");
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			tp_buf_puts(b, "\"");
		tp_buf_add(b, p, 1);
	}
	tp_buf_puts(b, "\"");
}

/* --- languages --- */

const char *tp_lang_code(enum tp_lang lang)
{
	return lang == TP_LANG_ES ? "es" : "en";
}

bool tp_lang_parse(const char *s, enum tp_lang *out)
{
	if (s && strcasecmp(s, "es") == 0)
		*out = TP_LANG_ES;
	else if (s && strcasecmp(s, "en") == 0)
		*out = TP_LANG_EN;
	else
		return false;
	return true;
}

/* One Accept-Language item "es-ES;q=0.8": its primary tag's language and q. */
static bool accept_item(const char *p, size_t n, enum tp_lang *lang, double *q)
{
	while (n && (*p == ' ' || *p == '\t'))
		p++, n--;
	size_t tag = 0;
	while (tag < n && (isalpha((unsigned char)p[tag]) || p[tag] == '*'))
		tag++;
	if (tag != 2)
		return false;
	if (strncasecmp(p, "es", 2) == 0)
		*lang = TP_LANG_ES;
	else if (strncasecmp(p, "en", 2) == 0)
		*lang = TP_LANG_EN;
	else
		return false;
	*q = 1.0;
	const char *semi = memchr(p, ';', n);
	if (semi) {
		const char *qs = semi + 1;
		while (*qs == ' ')
			qs++;
		if ((qs[0] == 'q' || qs[0] == 'Q') && qs[1] == '=')
			*q = strtod(qs + 2, NULL);
	}
	return true;
}

enum tp_lang tp_lang_from_accept(const char *header)
{
	enum tp_lang best = TP_LANG_EN;
	double best_q = 0.0;
	const char *p = header;
	while (p && *p) {
		size_t n = strcspn(p, ",");
		enum tp_lang lang;
		double q;
		if (accept_item(p, n, &lang, &q) && q > best_q) {
			best = lang;
			best_q = q;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return best;
}

const char *tp_fmt_number(char *buf, size_t size, double v, int decimals, enum tp_lang lang)
{
	char raw[64];
	if (!isfinite(v))
		v = 0.0;
	if (decimals < 0)
		decimals = 0;
	if (decimals > 6)
		decimals = 6;
	snprintf(raw, sizeof raw, "%.*f", decimals, fabs(v));
	char group = lang == TP_LANG_ES ? '.' : ',';
	char point = lang == TP_LANG_ES ? ',' : '.';
	/* -0.0 and values that round to zero show no sign. */
	bool negative = v < 0 && strspn(raw, "0.") != strlen(raw);
	char *dot = strchr(raw, '.');
	size_t int_len = dot ? (size_t)(dot - raw) : strlen(raw);
	char out[96];
	size_t o = 0;
	if (negative)
		out[o++] = '-';
	for (size_t i = 0; i < int_len; i++) {
		/* The issue asks for 1.234,5 in Spanish: groups from four digits. */
		if (i > 0 && (int_len - i) % 3 == 0)
			out[o++] = group;
		out[o++] = raw[i];
	}
	if (dot) {
		out[o++] = point;
		for (const char *d = dot + 1; *d; d++)
			out[o++] = *d;
	}
	out[o] = '\0';
	snprintf(buf, size, "%s", out);
	return buf;
}

const char *tp_fmt_date(char *buf, size_t size, int64_t t, enum tp_lang lang)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	if (lang == TP_LANG_ES)
		snprintf(buf, size, "%02d/%02d/%04d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
	else
		snprintf(buf, size, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	return buf;
}

const char *tp_fmt_month(char *buf, size_t size, const char *key, enum tp_lang lang)
{
	static const char *const en[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	static const char *const es[] = {"ene", "feb", "mar", "abr", "may", "jun",
					 "jul", "ago", "sep", "oct", "nov", "dic"};
	int year, month;
	char tail;
	if (!key || sscanf(key, "%4d-%2d%c", &year, &month, &tail) != 2 || month < 1 ||
	    month > 12) {
		snprintf(buf, size, "%s", key ? key : "");
		return buf;
	}
	const char *name = lang == TP_LANG_ES ? es[month - 1] : en[month - 1];
	snprintf(buf, size, "%s %d", name, year);
	return buf;
}

/* --- the page frame --- */

void tp_html_head(struct tp_buf *b, enum tp_lang lang, const char *title, const char *body_class)
{
	tp_buf_printf(b,
		      "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		      "<title>",
		      tp_lang_code(lang));
	tp_html_escape(b, title);
	tp_buf_printf(b, " · %s</title>\n", tp_msg(lang, TP_MSG_TITLE));
	tp_buf_puts(b, "<link rel=\"stylesheet\" href=\"/static/touchpoint.css\">\n</head>\n");
	if (body_class)
		tp_buf_printf(b, "<body class=\"%s\">\n", body_class);
	else
		tp_buf_puts(b, "<body>\n");
}

void tp_html_begin(struct tp_buf *b, enum tp_lang lang, const char *title, const char *self_url)
{
	tp_html_head(b, lang, title, NULL);
	tp_buf_puts(b, "<header><a class=\"home\" href=\"/\">");
	tp_buf_puts(b, tp_msg(lang, TP_MSG_TITLE));
	tp_buf_puts(b, "</a>");
	static const struct {
		const char *path;
		enum tp_msg label;
	} nav[] = {
	    {"/respondents", TP_MSG_RESPONDENTS}, {"/drivers", TP_MSG_DRIVERS_PAGE},
	    {"/gap", TP_MSG_GAP_PAGE},		  {"/linkage", TP_MSG_LINKAGE_PAGE},
	    {"/outcomes", TP_MSG_OUTCOMES_NAV},	  {"/benchmark", TP_MSG_BENCHMARK_PAGE},
	    {"/admin", TP_MSG_ADMIN},
	};
	for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++)
		tp_buf_printf(b, " <a href=\"%s\">%s</a>", nav[i].path, tp_msg(lang, nav[i].label));
	tp_buf_puts(b, " <nav class=\"lang\">");
	for (int l = TP_LANG_EN; l <= TP_LANG_ES; l++) {
		if (l == (int)lang)
			tp_buf_printf(b, "<strong>%s</strong> ", tp_lang_code(lang));
		else
			tp_buf_printf(b, "<a href=\"%slang=%s\">%s</a> ", self_url,
				      tp_lang_code((enum tp_lang)l), tp_lang_code((enum tp_lang)l));
	}
	tp_buf_puts(b, "</nav></header>\n<main>\n<h1>");
	tp_html_escape(b, title);
	tp_buf_puts(b, "</h1>\n");
}

void tp_html_end(struct tp_buf *b)
{
	tp_buf_puts(b, "</main>\n</body>\n</html>\n");
}
