/* text/emotion.c - the emotion word lists (data/emotion/<lang>.tsv, written
 * for touchpoint; data/emotion/README.md): names of the categories and the
 * reader of the embedded lists. The sentiment engine builds its lookups from
 * them and scores emotions with its negation window (sentiment.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text/text_internal.h"

const char *tp_emotion_name(enum tp_emotion e)
{
	static const char *const names[TP_EMOTION_COUNT] = {"joy",   "trust", "surprise",
							    "anger", "fear",  "sadness"};
	return (unsigned)e < TP_EMOTION_COUNT ? names[e] : "unknown";
}

static int parse_category(const char *p, size_t n)
{
	for (int c = 0; c < TP_EMOTION_COUNT; c++) {
		const char *name = tp_emotion_name((enum tp_emotion)c);
		if (strlen(name) == n && memcmp(name, p, n) == 0)
			return c;
	}
	return -1;
}

/* One line; -1 when malformed, 0 for a blank or comment line, 1 for a term
 * (then *term... filled). */
static int parse_line(const char *p, const char *eol, const char **term, size_t *term_len,
		      bool *exact, int *category, double *weight)
{
	if (p < eol && eol[-1] == '\r')
		eol--;
	if (p == eol || *p == '#')
		return 0;
	const char *tab1 = memchr(p, '\t', (size_t)(eol - p));
	const char *tab2 = tab1 ? memchr(tab1 + 1, '\t', (size_t)(eol - tab1 - 1)) : NULL;
	if (!tab2)
		return -1;
	*exact = *p == '=';
	*term = p + *exact;
	*term_len = tab1 > *term ? (size_t)(tab1 - *term) : 0;
	*category = parse_category(tab1 + 1, (size_t)(tab2 - tab1 - 1));
	char num[32];
	size_t nlen = (size_t)(eol - tab2 - 1);
	if (*term_len == 0 || *category < 0 || nlen == 0 || nlen >= sizeof num)
		return -1;
	memcpy(num, tab2 + 1, nlen);
	num[nlen] = '\0';
	char *end = NULL;
	*weight = strtod(num, &end);
	if (*end != '\0' || !(*weight > 0) || *weight > 1)
		return -1;
	return 1;
}

bool tp_emotion_list_read(enum tp_text_lang lang, tp_emotion_term_fn fn, void *ctx,
			  size_t *terms, size_t *first_bad_line)
{
	size_t len;
	const char *text = tp_text_emotion_list(lang, &len);
	*terms = 0;
	*first_bad_line = 0;
	size_t line = 1;
	for (const char *p = text, *end = text + len; p < end; line++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *term;
		size_t term_len;
		bool exact;
		int category;
		double weight;
		int r = parse_line(p, eol, &term, &term_len, &exact, &category, &weight);
		if (r < 0 && !*first_bad_line)
			*first_bad_line = line;
		if (r > 0) {
			(*terms)++;
			if (!fn(ctx, term, term_len, exact, (enum tp_emotion)category, weight))
				return false;
		}
		p = eol + 1;
	}
	return true;
}
