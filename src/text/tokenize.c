/* text/tokenize.c - words of a comment for learned models and topics (the
 * contract is tp_tokenize() in include/touchpoint/text.h; docs/text.md
 * explains the choices).
 *
 * A word is a run of letters and digits (Unicode categories L* and Nd, with
 * combining marks kept inside a word). Each word is case-folded and its
 * accents removed ("Atención" -> "atencion"; "ñ" stays "ñ") - that is the
 * token's `word` - and reduced to its Snowball stem by Debian's libstemmer
 * ("spanish" or "english"). The Spanish stemmer expects accented input
 * ("-ación" is a suffix, "-acion" is not), so it is given the lower-case
 * word with its accents, and the stem is folded afterwards; a word written
 * without any accent that ends in "-cion"/"-ciones" gets its "ó" back first,
 * so "atencion" and "atención" share a stem. Words longer than WORD_MAX
 * bytes (URLs, noise) are skipped.
 *
 * A tokenizer owns a stemmer, which keeps state between calls: one
 * tokenizer per thread. This file does no I/O. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "text/text_internal.h"
#include "touchpoint/text.h"

#define WORD_MAX 96 /* longest word tokenized, in bytes once folded */

struct tp_tokenizer {
	enum tp_text_lang lang;
	struct sb_stemmer *stemmer;
	struct tp_word_set *stop;
};

/* Word sets ---------------------------------------------------------------- */

struct tp_word_set {
	char **words; /* sorted, folded */
	size_t count;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void tp_word_set_free(struct tp_word_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->count; i++)
		free(set->words[i]);
	free(set->words);
	free(set);
}

struct tp_word_set *tp_word_set_parse(const char *text, size_t len)
{
	struct tp_word_set *set = calloc(1, sizeof *set);
	size_t lines = 1;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	if (!set || !(set->words = calloc(lines, sizeof *set->words)))
		goto fail;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *q = p;
		while (q < eol && *q != '#' && *q != '\t' && *q != ' ' && *q != '\r')
			q++;
		char key[WORD_MAX + 1];
		size_t n = q > p ? tp_text_fold_word(p, (size_t)(q - p), key, sizeof key) : 0;
		if (n > 0) {
			if (!(set->words[set->count] = strdup(key)))
				goto fail;
			set->count++;
		}
		p = eol + 1;
	}
	qsort(set->words, set->count, sizeof *set->words, cmp_str);
	return set;
fail:
	tp_word_set_free(set);
	return NULL;
}

bool tp_word_set_has(const struct tp_word_set *set, const char *word)
{
	return bsearch(&word, set->words, set->count, sizeof *set->words, cmp_str) != NULL;
}

/* Folding ------------------------------------------------------------------ */

static bool is_word_cp(utf8proc_int32_t cp)
{
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
		return true;
	default:
		return false;
	}
}

static bool is_mark_cp(utf8proc_int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC;
}

/* Appends the UTF-8 of cp to out[*n], keeping room for a NUL. */
static bool put_cp(utf8proc_int32_t cp, char *out, size_t cap, size_t *n)
{
	utf8proc_uint8_t buf[4];
	utf8proc_ssize_t w = utf8proc_encode_char(cp, buf);
	if (w <= 0 || *n + (size_t)w + 1 > cap)
		return false;
	memcpy(out + *n, buf, (size_t)w);
	*n += (size_t)w;
	return true;
}

/* Replaces the last character of out[0..*len) by its composition with the
 * combining mark cp ("e" + U+0301 -> "é"). False when they do not compose. */
static bool compose_last(char *out, size_t cap, size_t *len, utf8proc_int32_t cp)
{
	size_t back = *len;
	while (back > 0 && ((unsigned char)out[back - 1] & 0xc0) == 0x80)
		back--;
	if (back == 0)
		return false;
	back--;
	utf8proc_uint8_t pair[16];
	size_t plen = *len - back;
	utf8proc_ssize_t mlen = utf8proc_encode_char(cp, pair + plen);
	if (mlen <= 0 || plen + 4 > sizeof pair - 4)
		return false;
	memcpy(pair, out + back, plen);
	utf8proc_int32_t comp[4];
	utf8proc_ssize_t k = utf8proc_decompose(pair, (utf8proc_ssize_t)(plen + (size_t)mlen), comp,
						4, UTF8PROC_COMPOSE);
	if (k != 1)
		return false;
	size_t n = back;
	if (!put_cp(comp[0], out, cap, &n))
		return false;
	*len = n;
	return true;
}

/* Writes raw[0..n) case-folded into out (cap bytes, NUL-terminated); with
 * strip, accents are removed too (NFKD, marks dropped) except the tilde of
 * "ñ". Without strip the result is NFC ("Acción" -> "acción"). Returns the
 * length, or 0 when out is too small or raw is not valid UTF-8. */
static size_t fold(const char *raw, size_t n, bool strip, char *out, size_t cap)
{
	utf8proc_option_t opt = UTF8PROC_CASEFOLD;
	if (strip)
		opt = UTF8PROC_CASEFOLD | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK;
	size_t len = 0;
	utf8proc_int32_t prev = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)raw[i];
		if (c < 0x80) {
			if (len + 2 > cap)
				return 0;
			out[len++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
			prev = c;
			i++;
			continue;
		}
		utf8proc_int32_t cp;
		utf8proc_ssize_t step = utf8proc_iterate((const utf8proc_uint8_t *)raw + i,
							 (utf8proc_ssize_t)(n - i), &cp);
		if (step <= 0)
			return 0;
		i += (size_t)step;
		if (cp == 0xd1 || cp == 0xf1 || (cp == 0x303 && (prev == 'n' || prev == 'N'))) {
			/* ñ, Ñ, or n + combining tilde: kept as ñ. */
			if (cp == 0x303)
				len--;
			if (!put_cp(0xf1, out, cap, &len))
				return 0;
			prev = 0xf1;
			continue;
		}
		if (!strip && is_mark_cp(cp) && compose_last(out, cap, &len, cp)) {
			prev = 0;
			continue;
		}
		utf8proc_int32_t parts[8];
		int last_class = 0;
		utf8proc_ssize_t np = utf8proc_decompose_char(cp, parts, 8, opt, &last_class);
		if (np < 0 || np > 8)
			return 0;
		for (utf8proc_ssize_t k = 0; k < np; k++)
			if (!put_cp(parts[k], out, cap, &len))
				return 0;
		prev = cp;
	}
	out[len] = '\0';
	return len;
}

size_t tp_text_fold_word(const char *raw, size_t n, char *out, size_t cap)
{
	return fold(raw, n, true, out, cap);
}

/* Tokenizer ---------------------------------------------------------------- */

struct tp_tokenizer *tp_tokenizer_new(enum tp_text_lang lang, struct tp_error *err)
{
	struct tp_tokenizer *t = calloc(1, sizeof *t);
	if (!t)
		goto nomem;
	t->lang = lang;
	t->stemmer = sb_stemmer_new(lang == TP_TEXT_ES ? "spanish" : "english", "UTF_8");
	if (!t->stemmer)
		goto nomem;
	size_t len;
	const char *list = tp_text_stopwords(lang, &len);
	t->stop = tp_word_set_parse(list, len);
	if (!t->stop)
		goto nomem;
	return t;
nomem:
	tp_tokenizer_free(t);
	tp_error_set(err, TP_ENOMEM, "out of memory creating the %s tokenizer",
		     tp_text_lang_name(lang));
	return NULL;
}

void tp_tokenizer_free(struct tp_tokenizer *t)
{
	if (!t)
		return;
	if (t->stemmer)
		sb_stemmer_delete(t->stemmer);
	tp_word_set_free(t->stop);
	free(t);
}

static bool has_non_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return true;
	return false;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

size_t tp_text_stem(struct sb_stemmer *stemmer, enum tp_text_lang lang, const char *raw, size_t n,
		    const char *folded, size_t folded_len, char *out, size_t cap)
{
	char lower[WORD_MAX + 8];
	const char *in = folded;
	size_t in_len = folded_len;
	if (lang == TP_TEXT_ES) {
		size_t m = fold(raw, n, false, lower, sizeof lower - 2);
		if (m > 0) {
			if (!has_non_ascii(lower, m)) {
				/* "atencion" -> "atención"; plurals ("opciones")
				 * have no accent to restore. */
				if (ends_with(lower, m, "cion")) {
					memcpy(lower + m - 2, "\xc3\xb3n", 4);
					m++;
				}
			}
			in = lower;
			in_len = m;
		}
	}
	const sb_symbol *st = sb_stemmer_stem(stemmer, (const sb_symbol *)in, (int)in_len);
	if (!st)
		return 0;
	size_t st_len = (size_t)sb_stemmer_length(stemmer);
	if (lang != TP_TEXT_ES) {
		if (st_len + 1 > cap)
			return 0;
		memcpy(out, st, st_len);
		out[st_len] = '\0';
		return st_len;
	}
	return fold((const char *)st, st_len, true, out, cap);
}

/* Is there a word character at text[i..len)? Sets *step to its length. */
static bool word_at(const char *text, size_t len, size_t i, bool inside, size_t *step)
{
	unsigned char c = (unsigned char)text[i];
	if (c < 0x80) {
		*step = 1;
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
	}
	utf8proc_int32_t cp;
	utf8proc_ssize_t s =
	    utf8proc_iterate((const utf8proc_uint8_t *)text + i, (utf8proc_ssize_t)(len - i), &cp);
	if (s <= 0) {
		*step = 1;
		return false;
	}
	*step = (size_t)s;
	return is_word_cp(cp) || (inside && is_mark_cp(cp));
}

int tp_tokenize(struct tp_tokenizer *t, const char *text, size_t len, tp_token_fn fn, void *ctx)
{
	size_t i = 0;
	while (i < len) {
		size_t step;
		if (!word_at(text, len, i, false, &step)) {
			i += step;
			continue;
		}
		size_t start = i;
		i += step;
		while (i < len && word_at(text, len, i, true, &step))
			i += step;
		char word[WORD_MAX + 1], stem[WORD_MAX + 8], lower[WORD_MAX + 1];
		size_t wlen = fold(text + start, i - start, true, word, sizeof word);
		if (wlen == 0)
			continue;
		size_t llen = fold(text + start, i - start, false, lower, sizeof lower);
		if (llen == 0) { /* longer when accents are kept: show the folded word */
			memcpy(lower, word, wlen + 1);
			llen = wlen;
		}
		size_t slen = tp_text_stem(t->stemmer, t->lang, text + start, i - start, word, wlen,
					   stem, sizeof stem);
		if (slen == 0) {
			memcpy(stem, word, wlen + 1);
			slen = wlen;
		}
		struct tp_token tok = {
		    .stem = stem,
		    .stem_len = slen,
		    .word = word,
		    .word_len = wlen,
		    .lower = lower,
		    .lower_len = llen,
		    .stop = tp_word_set_has(t->stop, word),
		};
		int rc = fn(&tok, ctx);
		if (rc != 0)
			return rc;
	}
	return 0;
}
