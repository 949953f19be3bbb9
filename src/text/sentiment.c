/* text/sentiment.c - the VADER-style sentiment engine (the contract is
 * include/touchpoint/text.h; the method and its sources are in docs/text.md).
 *
 * The rules follow Hutto & Gilbert (2014) as implemented by the JavaScript
 * port on npm (vader-sentiment 1.1.3), which tests/text/check_vader.mjs
 * runs as the reference for English, except where we follow the Python
 * original (3.3): negation words and "but" in any case, and emoji turned
 * into words (Unicode CLDR names, data/lexicon/emoji) before scoring;
 * docs/text.md lists every difference. Spanish uses the
 * same rules with its own tables (sentiment_tables.c) and four deliberate
 * changes: lookup is case- and accent-insensitive (NFKD, marks stripped,
 * case folded); a negation window counts once (Spanish negative concord:
 * "no ... nada"); modifiers do not reach across , ; : . ! ?; and inflected
 * forms fall back to their base ("-ísimo", plural, feminine), then to the
 * valence of their Snowball stem ("decepcionaron" -> "decepcion", shared by
 * decepción, decepcionado...). Both languages read emotions from word lists
 * (emotion.c) with the negation window of the valence rules.
 *
 * This file does no I/O and keeps no global state: an engine is built by
 * tp_sentiment_new() and read-only afterwards, except for its pool of
 * Snowball stemmers, from which each call borrows one (lock-free; see
 * stem_map.c). Scoring keeps its tokens on the stack up to STACK_TOKENS
 * words and allocates beyond that. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "text/sentiment_tables.h"
#include "text/text_internal.h"
#include "touchpoint/text.h"

#define KEY_MAX 48	 /* longest folded word looked up, in bytes */
#define STACK_TOKENS 256 /* tokens scored without allocating */

extern const unsigned char tp_embedded_lexicon_en[];
extern const size_t tp_embedded_lexicon_en_len;
extern const unsigned char tp_embedded_lexicon_es[];
extern const size_t tp_embedded_lexicon_es_len;
extern const unsigned char tp_embedded_emoji_en[];
extern const size_t tp_embedded_emoji_en_len;
extern const unsigned char tp_embedded_emoji_es[];
extern const size_t tp_embedded_emoji_es_len;

/* The word table ---------------------------------------------------------- */

/* One word the engine knows: its lexicon valence and its roles. */
struct entry {
	const char *key; /* NULL for an empty slot */
	size_t len;
	bool in_lexicon;
	bool negator;
	bool contrast;
	double valence;
	double boost; /* 0 unless a booster or dampener */
	long emotion; /* row of emotion_rows + 1; 0 for none */
};

/* What a Snowball stem stands for: the mean valence of the lexicon words
 * with that stem (NAN when they differ in sign, or there are none) and an
 * emotion row. */
struct stem_info {
	double valence;
	size_t count;
	unsigned char signs; /* 1: a positive word, 2: a negative word */
	bool from_ente;	     /* a Spanish word in "-ente" has this stem */
	long emotion;	     /* as in struct entry */
};

struct tp_sentiment {
	enum tp_text_lang lang;
	const struct lang_rules *rules;
	struct entry *slots;
	size_t mask; /* slots - 1, a power of two minus one */
	char *arena; /* the keys */
	size_t arena_used, arena_size;
	/* Snowball stems of lexicon and emotion words (stem_info[value]). */
	struct tp_stem_map *stems;
	struct stem_info *stem_info;
	size_t stem_count, stem_cap;
	/* Emotion weights, one row per emotion word or stem. */
	double (*emotion_rows)[TP_EMOTION_COUNT];
	size_t emotion_count, emotion_cap;
	struct tp_stemmer_pool *stemmers;
	/* Emoji -> words (data/lexicon/emoji/<lang>.tsv), by code point. */
	struct emoji_slot *emoji;
	size_t emoji_mask;
	bool emoji_lead[256]; /* first UTF-8 bytes of the emoji in the table */
};

/* One emoji and its words, pointing into the embedded table. */
struct emoji_slot {
	utf8proc_int32_t cp; /* 0 for an empty slot */
	const char *words;
	size_t words_len;
};

/* FNV-1a: short keys, no adversary worth a keyed hash here. */
static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static const struct entry *find(const struct tp_sentiment *s, const char *key, size_t n)
{
	for (size_t i = hash_bytes(key, n) & s->mask;; i = (i + 1) & s->mask) {
		const struct entry *e = &s->slots[i];
		if (!e->key)
			return NULL;
		if (e->len == n && memcmp(e->key, key, n) == 0)
			return e;
	}
}

/* The entry for key, created when missing; NULL when out of memory. The
 * table is sized up front (build()), so it never fills. */
static struct entry *intern(struct tp_sentiment *s, const char *key, size_t n)
{
	size_t i = hash_bytes(key, n) & s->mask;
	for (;; i = (i + 1) & s->mask) {
		struct entry *e = &s->slots[i];
		if (!e->key)
			break;
		if (e->len == n && memcmp(e->key, key, n) == 0)
			return e;
	}
	if (s->arena_used + n + 1 > s->arena_size)
		return NULL;
	char *copy = s->arena + s->arena_used;
	memcpy(copy, key, n);
	copy[n] = '\0';
	s->arena_used += n + 1;
	s->slots[i].key = copy;
	s->slots[i].len = n;
	return &s->slots[i];
}

/* Folding ----------------------------------------------------------------- */

/* Writes the lookup form of raw[0..n) into key (KEY_MAX bytes): lower case
 * for English (ASCII; other letters through Unicode case folding), and for
 * Spanish also NFKD with combining marks removed ("Atención" -> "atencion").
 * Returns the length, or 0 when the word is too long or not valid UTF-8
 * (such a word never matches). */
size_t tp_text_lookup_key(const char *raw, size_t n, bool spanish, char *key)
{
	size_t out = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)raw[i];
		if (c < 0x80) {
			if (out >= KEY_MAX)
				return 0;
			key[out++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
			i++;
			continue;
		}
		utf8proc_int32_t cp;
		utf8proc_ssize_t step = utf8proc_iterate((const utf8proc_uint8_t *)raw + i,
							 (utf8proc_ssize_t)(n - i), &cp);
		if (step <= 0)
			return 0;
		i += (size_t)step;
		utf8proc_int32_t parts[8];
		int last_class = 0;
		utf8proc_option_t opt = UTF8PROC_CASEFOLD;
		if (spanish)
			opt |= UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK;
		utf8proc_ssize_t np = utf8proc_decompose_char(cp, parts, 8, opt, &last_class);
		if (np < 0 || np > 8)
			return 0;
		for (utf8proc_ssize_t k = 0; k < np; k++) {
			utf8proc_uint8_t buf[4];
			utf8proc_ssize_t w = utf8proc_encode_char(parts[k], buf);
			if (out + (size_t)w > KEY_MAX)
				return 0;
			memcpy(key + out, buf, (size_t)w);
			out += (size_t)w;
		}
	}
	return out;
}

/* Building ---------------------------------------------------------------- */

static void add_list(struct tp_sentiment *s, const char *const *words, bool negator, bool *ok)
{
	for (size_t i = 0; words && words[i]; i++) {
		struct entry *e = intern(s, words[i], strlen(words[i]));
		if (!e) {
			*ok = false;
			return;
		}
		if (negator)
			e->negator = true;
		else
			e->contrast = true;
	}
}

/* Reads "word<TAB>valence[<TAB>...]" lines (VADER's format; our Spanish
 * file uses the first two columns only). Blank lines and lines starting
 * with '#' are skipped. A later duplicate replaces an earlier one. */
static bool load_lexicon(struct tp_sentiment *s, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *tab = memchr(p, '\t', (size_t)(eol - p));
		if (tab && tab > p && *p != '#') {
			char key[KEY_MAX];
			size_t n = tp_text_lookup_key(p, (size_t)(tab - p), s->rules->spanish, key);
			char *num_end = NULL;
			double v = strtod(tab + 1, &num_end);
			if (n > 0 && num_end != tab + 1 && isfinite(v)) {
				struct entry *e = intern(s, key, n);
				if (!e)
					return false;
				e->in_lexicon = true;
				e->valence = v;
			}
		}
		p = eol + 1;
	}
	return true;
}

static bool build(struct tp_sentiment *s, const char *lex, size_t lex_len)
{
	size_t lines = 64, emo_len;
	const char *emo = tp_text_emotion_list(s->lang, &emo_len);
	for (size_t i = 0; i < lex_len; i++)
		lines += lex[i] == '\n';
	for (size_t i = 0; i < emo_len; i++)
		lines += emo[i] == '\n';
	size_t slots = 1;
	while (slots < 2 * lines)
		slots <<= 1;
	s->slots = calloc(slots, sizeof *s->slots);
	s->mask = slots - 1;
	/* Folding may lengthen a word (NFKD), never beyond KEY_MAX + 1 each. */
	s->arena_size = lex_len + lines * (KEY_MAX + 1) / 4 + 4096;
	s->arena = malloc(s->arena_size);
	if (!s->slots || !s->arena)
		return false;
	if (!load_lexicon(s, lex, lex_len))
		return false;
	bool ok = true;
	add_list(s, s->rules->negators, true, &ok);
	add_list(s, s->rules->contrasts, false, &ok);
	for (size_t i = 0; ok && s->rules->boosters[i].word; i++) {
		const char *w = s->rules->boosters[i].word;
		struct entry *e = intern(s, w, strlen(w));
		if (!e)
			return false;
		e->boost = s->rules->boosters[i].value;
	}
	return ok;
}

/* Emoji ------------------------------------------------------------------ */

static size_t emoji_hash(utf8proc_int32_t cp, size_t mask)
{
	return (size_t)(((uint32_t)cp * 2654435761u) >> 7) & mask;
}

static const struct emoji_slot *find_emoji(const struct tp_sentiment *s, utf8proc_int32_t cp)
{
	for (size_t i = emoji_hash(cp, s->emoji_mask);; i = (i + 1) & s->emoji_mask) {
		if (s->emoji[i].cp == cp)
			return &s->emoji[i];
		if (s->emoji[i].cp == 0)
			return NULL;
	}
}

/* Reads "EMOJI<TAB>WORDS" lines (one code point each; '#' lines and lines
 * of another shape are skipped: the table is generated, generate.py). */
static bool load_emoji(struct tp_sentiment *s, const char *text, size_t len)
{
	size_t lines = 1;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	size_t slots = 16;
	while (slots < 2 * lines)
		slots <<= 1;
	s->emoji = calloc(slots, sizeof *s->emoji);
	if (!s->emoji)
		return false;
	s->emoji_mask = slots - 1;
	for (const char *p = text, *end = text + len; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		utf8proc_int32_t cp = 0;
		utf8proc_ssize_t step = *p == '#' ? 0
						  : utf8proc_iterate((const utf8proc_uint8_t *)p,
								     (utf8proc_ssize_t)(eol - p), &cp);
		const char *words = p + (step > 0 ? step : 0);
		if (step > 0 && cp > 0x7f && words < eol && *words == '\t' && eol - words > 1) {
			size_t i = emoji_hash(cp, s->emoji_mask);
			while (s->emoji[i].cp != 0 && s->emoji[i].cp != cp)
				i = (i + 1) & s->emoji_mask;
			s->emoji[i] = (struct emoji_slot){cp, words + 1, (size_t)(eol - words - 1)};
			s->emoji_lead[(unsigned char)*p] = true;
		}
		p = eol + 1;
	}
	return true;
}

/* Marks that only dress the emoji before them: variation selectors, the
 * zero-width joiner, skin tones, the keycap mark and tag characters. */
static bool emoji_dressing(utf8proc_int32_t cp)
{
	return cp == 0xfe0e || cp == 0xfe0f || cp == 0x200d || cp == 0x20e3 ||
	       (cp >= 0x1f3fb && cp <= 0x1f3ff) || (cp >= 0xe0020 && cp <= 0xe007f);
}

/* Does the text hold an emoji of the table? ASCII bytes, and characters
 * whose first byte starts no emoji (Spanish letters), are passed over
 * without decoding. */
static bool has_emoji(const struct tp_sentiment *s, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint64_t eight;
		while (i + 8 <= len && (memcpy(&eight, text + i, 8), !(eight & 0x8080808080808080u)))
			i += 8; /* eight ASCII bytes */
		if (i >= len)
			break;
		unsigned char c = (unsigned char)text[i];
		if (c < 0x80 || !s->emoji_lead[c])
			continue;
		utf8proc_int32_t cp;
		utf8proc_ssize_t step = utf8proc_iterate((const utf8proc_uint8_t *)text + i,
							 (utf8proc_ssize_t)(len - i), &cp);
		if (step > 0 && find_emoji(s, cp))
			return true;
	}
	return false;
}

/* Marks the words of an emoji in the text emoji_to_words() makes: one on
 * each side, as a word of its own (tokenize() reads them). */
#define EMOJI_MARK '\x1f'

/* Python VADER's emoji step: each emoji of the table becomes its words,
 * set apart by spaces and EMOJI_MARK (" \x1f enraged face \x1f "), and the
 * marks that dress it (emoji_dressing()) go; a control character
 * EMOJI_MARK already in the text becomes a space. Writes into out when not
 * NULL; returns the length of the result, or 0 when the text has no emoji
 * of the table (and is scored as it is). */
static size_t emoji_to_words(const struct tp_sentiment *s, const char *text, size_t len,
			     char *out)
{
	size_t n = 0, i = 0;
	bool found = false, after_emoji = false;
	while (i < len) {
		unsigned char c = (unsigned char)text[i];
		utf8proc_int32_t cp = c;
		utf8proc_ssize_t step = 1;
		if (c >= 0x80) {
			step = utf8proc_iterate((const utf8proc_uint8_t *)text + i,
						(utf8proc_ssize_t)(len - i), &cp);
			if (step <= 0) {
				step = 1; /* not UTF-8: copied byte by byte */
				cp = -1;
			}
		}
		const struct emoji_slot *e = c >= 0x80 && cp > 0 ? find_emoji(s, cp) : NULL;
		if (e) {
			if (out) {
				memcpy(out + n, " \x1f ", 3);
				memcpy(out + n + 3, e->words, e->words_len);
				memcpy(out + n + 3 + e->words_len, " \x1f ", 3);
			}
			n += e->words_len + 6;
			found = after_emoji = true;
		} else if (after_emoji && emoji_dressing(cp)) {
			/* dropped */
		} else {
			if (out && c == EMOJI_MARK)
				out[n] = ' ';
			else if (out)
				memcpy(out + n, text + i, (size_t)step);
			n += (size_t)step;
			after_emoji = false;
		}
		i += (size_t)step;
	}
	return found ? n : 0;
}

/* The stem_info of stem, created when missing; NULL when out of memory. */
static struct stem_info *stem_slot(struct tp_sentiment *s, const char *stem, size_t len)
{
	long *slot = tp_stem_map_slot(s->stems, stem, len);
	if (!slot)
		return NULL;
	if (*slot < 0) {
		if (s->stem_count == s->stem_cap)
			return NULL;
		*slot = (long)s->stem_count++;
		s->stem_info[*slot] = (struct stem_info){.valence = 0.0};
	}
	return &s->stem_info[*slot];
}

/* Raises emotion row *row (made when 0) to weight w for category c. */
static bool raise_emotion(struct tp_sentiment *s, long *row, enum tp_emotion c, double w)
{
	if (*row == 0) {
		if (s->emotion_count == s->emotion_cap)
			return false;
		*row = (long)++s->emotion_count;
	}
	double *r = s->emotion_rows[*row - 1];
	if (r[c] < w)
		r[c] = w;
	return true;
}

struct build_ctx {
	struct tp_sentiment *s;
	struct sb_stemmer *stemmer;
};

/* The Snowball stem of a lexicon or emotion term, or 0 for none. */
static size_t term_stem(struct build_ctx *b, const char *term, size_t n, const char *key,
			size_t key_len, char *stem)
{
	size_t m = tp_text_stem(b->stemmer, b->s->lang, term, n, key, key_len, stem, TP_STEM_MAX);
	return m >= 3 ? m : 0;
}

/* Is the folded key made of letters only (not an emoticon, not "n't")? */
static bool all_letters(const char *key, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)key[i];
		if (c < 0x80 && !(c >= 'a' && c <= 'z'))
			return false;
	}
	return n > 0;
}

/* Every lexicon word made of letters lends its valence to its stem. */
static bool stem_lexicon(struct build_ctx *b, const char *lex, size_t lex_len)
{
	struct tp_sentiment *s = b->s;
	for (const char *p = lex, *end = lex + lex_len; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *tab = memchr(p, '\t', (size_t)(eol - p));
		char key[KEY_MAX], stem[TP_STEM_MAX];
		size_t n = tab && tab > p && *p != '#'
			       ? tp_text_lookup_key(p, (size_t)(tab - p), s->rules->spanish, key)
			       : 0;
		const struct entry *e = n > 0 && all_letters(key, n) ? find(s, key, n) : NULL;
		size_t m = e && e->in_lexicon && e->valence != 0.0
			       ? term_stem(b, p, (size_t)(tab - p), key, n, stem)
			       : 0;
		if (m > 0) {
			struct stem_info *si = stem_slot(s, stem, m);
			if (!si)
				return false;
			si->valence += e->valence;
			si->count++;
			si->signs |= e->valence > 0 ? 1 : 2;
			si->from_ente |= n > 4 && memcmp(key + n - 4, "ente", 4) == 0;
		}
		p = eol + 1;
	}
	return true;
}

/* One term of the emotion list: its word, and unless exact its stem. */
static bool add_emotion_term(void *ctx, const char *term, size_t n, bool exact, enum tp_emotion c,
			     double w)
{
	struct build_ctx *b = ctx;
	struct tp_sentiment *s = b->s;
	char key[KEY_MAX], stem[TP_STEM_MAX];
	size_t k = tp_text_lookup_key(term, n, s->rules->spanish, key);
	if (k == 0)
		return true; /* too long to ever match */
	struct entry *e = intern(s, key, k);
	if (!e || !raise_emotion(s, &e->emotion, c, w))
		return false;
	size_t m = exact ? 0 : term_stem(b, term, n, key, k, stem);
	if (m == 0)
		return true;
	struct stem_info *si = stem_slot(s, stem, m);
	if (!si || !raise_emotion(s, &si->emotion, c, w))
		return false;
	si->from_ente |= s->rules->spanish && k > 4 && memcmp(key + k - 4, "ente", 4) == 0;
	return true;
}

/* Filters of the stem map: stems with a valence, stems with an emotion. */
enum { FILTER_VALENCE, FILTER_EMOTION };

/* Final valences, and the filter entries of the stems that carry
 * something: the stem, and where Snowball rewrites an ending the form a
 * word's prefix takes ("worry" -> "worri": "worry"; "hoping" -> "hope":
 * "hop"; Spanish "paciencia" -> "pacient": "pacien"). */
static void finish_stem(void *ctx, const char *stem, size_t len, long value)
{
	struct tp_sentiment *s = ctx;
	struct stem_info *si = &s->stem_info[value];
	si->valence = si->signs == 3 || si->count == 0 ? NAN : si->valence / (double)si->count;
	char alt[TP_STEM_MAX];
	memcpy(alt, stem, len);
	for (int w = FILTER_VALENCE; w <= FILTER_EMOTION; w++) {
		if (w == FILTER_VALENCE ? !s->rules->spanish || isnan(si->valence) : !si->emotion)
			continue;
		tp_stem_map_filter_add(s->stems, w, stem, len);
		if (!s->rules->spanish && stem[len - 1] == 'i') {
			alt[len - 1] = 'y';
			tp_stem_map_filter_add(s->stems, w, alt, len);
		} else if (!s->rules->spanish && stem[len - 1] == 'e' && len > 4) {
			tp_stem_map_filter_add(s->stems, w, alt, len - 1);
		} else if (si->from_ente && len > 3 && stem[len - 1] == 't') {
			tp_stem_map_filter_add(s->stems, w, alt, len - 1);
		}
	}
}

/* The stem table and the emotion lookups (after build()). */
static bool build_stems(struct tp_sentiment *s, const char *lex, size_t lex_len)
{
	size_t emo_len, terms, bad_line;
	const char *emo = tp_text_emotion_list(s->lang, &emo_len);
	size_t lines = 2;
	for (size_t i = 0; i < lex_len; i++)
		lines += lex[i] == '\n';
	for (size_t i = 0; i < emo_len; i++)
		lines += emo[i] == '\n';
	s->stems = tp_stem_map_new(lines);
	s->stem_cap = lines;
	s->stem_info = calloc(lines, sizeof *s->stem_info);
	s->emotion_cap = 2 * lines;
	s->emotion_rows = calloc(s->emotion_cap, sizeof *s->emotion_rows);
	s->stemmers = tp_stemmer_pool_new(s->lang);
	struct build_ctx b = {s, s->stemmers ? tp_stemmer_pool_take(s->stemmers) : NULL};
	/* English keeps VADER's lexicon as it is: no valence fallback. */
	bool ok = s->stems && s->stem_info && s->emotion_rows && b.stemmer &&
		  (!s->rules->spanish || stem_lexicon(&b, lex, lex_len)) &&
		  tp_emotion_list_read(s->lang, add_emotion_term, &b, &terms, &bad_line);
	if (ok)
		tp_stem_map_each(s->stems, finish_stem, s);
	if (s->stemmers)
		tp_stemmer_pool_give(s->stemmers, b.stemmer);
	return ok;
}

struct tp_sentiment *tp_sentiment_new(enum tp_text_lang lang, struct tp_error *err)
{
	struct tp_sentiment *s = calloc(1, sizeof *s);
	if (!s)
		goto nomem;
	s->lang = lang;
	s->rules = lang == TP_TEXT_ES ? &tp_sentiment_rules_es : &tp_sentiment_rules_en;
	const char *lex =
	    (const char *)(lang == TP_TEXT_ES ? tp_embedded_lexicon_es : tp_embedded_lexicon_en);
	size_t lex_len =
	    lang == TP_TEXT_ES ? tp_embedded_lexicon_es_len : tp_embedded_lexicon_en_len;
	if (!build(s, lex, lex_len))
		goto nomem;
	if (!build_stems(s, lex, lex_len))
		goto nomem;
	if (!load_emoji(s,
			(const char *)(lang == TP_TEXT_ES ? tp_embedded_emoji_es
							  : tp_embedded_emoji_en),
			lang == TP_TEXT_ES ? tp_embedded_emoji_es_len : tp_embedded_emoji_en_len))
		goto nomem;
	return s;
nomem:
	tp_sentiment_free(s);
	tp_error_set(err, TP_ENOMEM, "out of memory building the %s sentiment lexicon",
		     tp_text_lang_name(lang));
	return NULL;
}

void tp_sentiment_free(struct tp_sentiment *s)
{
	if (!s)
		return;
	free(s->slots);
	free(s->arena);
	tp_stem_map_free(s->stems);
	free(s->stem_info);
	free(s->emotion_rows);
	tp_stemmer_pool_free(s->stemmers);
	free(s->emoji);
	free(s);
}

enum tp_text_lang tp_sentiment_lang(const struct tp_sentiment *s)
{
	return s->lang;
}

const char *tp_sentiment_label(double compound)
{
	if (compound >= 0.05)
		return "positive";
	if (compound <= -0.05)
		return "negative";
	return "neutral";
}

/* Tokens ------------------------------------------------------------------ */

struct token {
	const char *raw; /* into the text, punctuation stripped as VADER does */
	size_t raw_len;
	char key[KEY_MAX];
	size_t key_len;
	const struct entry *e; /* NULL when the word is unknown */
	double valence;	       /* lexicon valence, with the -ísimo boost */
	bool in_lexicon;
	bool upper;	 /* ALL CAPS */
	bool negator;	 /* in context ("sin embargo", "un poco" are not) */
	bool clause_end; /* Spanish: written with , ; : . ! or ? after it */
	bool emoji_first, emoji_last; /* first, last word of an emoji's name */
	double boost;	 /* in context */
	const double *emotion; /* weight per enum tp_emotion, or NULL */
};

/* What one call to tp_sentiment_score() borrows: a stemmer, taken from the
 * engine's pool on the first word that needs one. */
struct scratch {
	struct sb_stemmer *stemmer;
	bool nomem;
};

static bool is_space_cp(utf8proc_int32_t c)
{
	return c == ' ' || (c >= 0x09 && c <= 0x0d) || c == 0xa0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
	       c == 0x205f || c == 0x3000 || c == 0xfeff;
}

/* Length of the whitespace character at t[i..n), or 0 if none. */
static size_t space_at(const char *t, size_t i, size_t n)
{
	unsigned char c = (unsigned char)t[i];
	if (c < 0x80)
		return c == ' ' || (c >= 0x09 && c <= 0x0d);
	utf8proc_int32_t cp;
	utf8proc_ssize_t step =
	    utf8proc_iterate((const utf8proc_uint8_t *)t + i, (utf8proc_ssize_t)(n - i), &cp);
	return step > 0 && is_space_cp(cp) ? (size_t)step : 0;
}

static bool is_ascii_punct(unsigned char c)
{
	return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
	       (c >= '{' && c <= '~');
}

/* Spanish (and typographic) marks that also surround words. */
static size_t extra_punct_len(const char *t, size_t n)
{
	static const char *const marks[] = {"¿", "¡", "«", "»", "“", "”", "‘", "’", "…", NULL};
	/* Every mark starts with byte 0xc2 or 0xe2: most words leave here. */
	if (n < 2 || ((unsigned char)t[0] != 0xc2 && (unsigned char)t[0] != 0xe2))
		return 0;
	for (size_t k = 0; marks[k]; k++) {
		size_t m = strlen(marks[k]);
		if (m <= n && memcmp(t, marks[k], m) == 0)
			return m;
	}
	return 0;
}

/* VADER's punctuation runs that may be stripped from either end of a word. */
static bool in_punc_list(const char *p, size_t n)
{
	static const char *const list[] = {".",	  "!",	 "?",	",",	";",	":",
					   "-",	  "'",	 "\"",	"!!",	"!!!",	"??",
					   "???", "?!?", "!?!", "?!?!", "!?!?", NULL};
	for (size_t k = 0; list[k]; k++)
		if (strlen(list[k]) == n && memcmp(list[k], p, n) == 0)
			return true;
	return false;
}

static size_t count_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* English, as VADER: a word loses a leading or a trailing run of
 * punctuation when that run is one of VADER's list and what remains has no
 * punctuation and more than one character ("good!" -> "good"; ":)" and
 * "'good'" stay). */
static void strip_en(const char **w, size_t *n)
{
	const char *s = *w;
	size_t lead = 0, trail = 0;
	while (lead < *n && is_ascii_punct((unsigned char)s[lead]))
		lead++;
	if (lead == *n)
		return;
	while (trail < *n && is_ascii_punct((unsigned char)s[*n - 1 - trail]))
		trail++;
	for (size_t i = lead; i < *n - trail; i++)
		if (is_ascii_punct((unsigned char)s[i]))
			return;
	if ((lead > 0) == (trail > 0))
		return;
	if (lead > 0 && in_punc_list(s, lead) && count_chars(s + lead, *n - lead) > 1) {
		*w = s + lead;
		*n -= lead;
	} else if (trail > 0 && in_punc_list(s + *n - trail, trail) &&
		   count_chars(s, *n - trail) > 1) {
		*n -= trail;
	}
}

/* Spanish: every leading and trailing punctuation mark goes ("¿Qué?"). */
static void strip_es(const char **w, size_t *n)
{
	for (;;) {
		size_t m =
		    *n > 0 && is_ascii_punct((unsigned char)(*w)[0]) ? 1 : extra_punct_len(*w, *n);
		if (m == 0 || m >= *n)
			break;
		*w += m;
		*n -= m;
	}
	for (bool again = true; again && *n > 1;) {
		again = false;
		if (is_ascii_punct((unsigned char)(*w)[*n - 1])) {
			(*n)--;
			again = true;
			continue;
		}
		for (size_t m = 2; m <= 3 && m < *n; m++) {
			if (extra_punct_len(*w + *n - m, m) == m) {
				*n -= m;
				again = true;
				break;
			}
		}
	}
}

/* Python's str.isupper() over the letters: at least one upper-case letter
 * and no lower-case one. English looks at ASCII letters only, as VADER. */
static bool is_upper(const char *w, size_t n, bool unicode)
{
	bool any = false;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)w[i];
		if (c < 0x80 || !unicode) {
			if (c >= 'a' && c <= 'z')
				return false;
			any |= c >= 'A' && c <= 'Z';
			i++;
			continue;
		}
		utf8proc_int32_t cp;
		utf8proc_ssize_t step = utf8proc_iterate((const utf8proc_uint8_t *)w + i,
							 (utf8proc_ssize_t)(n - i), &cp);
		if (step <= 0)
			return false;
		i += (size_t)step;
		utf8proc_category_t cat = utf8proc_category(cp);
		if (cat == UTF8PROC_CATEGORY_LL)
			return false;
		any |= cat == UTF8PROC_CATEGORY_LU;
	}
	return any;
}

static bool ends_with(const char *k, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);
	return n >= m && memcmp(k + n - m, suffix, m) == 0;
}

/* Looks up key with `tail` replacing its last `cut` bytes. */
static const struct entry *find_variant(const struct tp_sentiment *s, const char *key, size_t n,
					size_t cut, const char *tail)
{
	char buf[KEY_MAX + 8];
	size_t m = strlen(tail);
	if (cut > n || n - cut + m > sizeof buf)
		return NULL;
	memcpy(buf, key, n - cut);
	memcpy(buf + n - cut, tail, m);
	const struct entry *e = find(s, buf, n - cut + m);
	return e && e->in_lexicon ? e : NULL;
}

/* A word found through its base form also takes the base form's emotion. */
static void take_emotion(const struct tp_sentiment *s, struct token *t, const struct entry *e)
{
	if (!t->emotion && e->emotion)
		t->emotion = s->emotion_rows[e->emotion - 1];
}

/* Spanish forms not in the lexicon: the absolute superlative ("buenísimo"
 * -> "bueno", boosted like "muy bueno"), then plural and feminine forms
 * ("lentas" -> "lenta" -> "lento"). Fills t->e/valence/in_lexicon. */
static void lookup_es_variant(const struct tp_sentiment *s, struct token *t)
{
	static const char *const sup[] = {"isimos", "isimas", "isimo", "isima", NULL};
	const char *k = t->key;
	size_t n = t->key_len;
	for (size_t i = 0; sup[i]; i++) {
		if (!ends_with(k, n, sup[i]))
			continue;
		size_t cut = strlen(sup[i]);
		static const char *const tails[] = {"o", "e", "", "a", NULL};
		const struct entry *e = NULL;
		if (ends_with(k, n - cut, "qu"))
			e = find_variant(s, k, n, cut + 2, "co"); /* riquísimo */
		else if (ends_with(k, n - cut, "gu"))
			e = find_variant(s, k, n, cut + 1, "o"); /* larguísimo */
		else if (ends_with(k, n - cut, "bil"))
			e = find_variant(s, k, n, cut + 2, "le"); /* amabilísimo */
		for (size_t j = 0; !e && tails[j]; j++)
			e = find_variant(s, k, n, cut, tails[j]);
		if (e) {
			t->in_lexicon = true;
			t->valence = e->valence + (e->valence < 0 ? -B_INCR : B_INCR);
			take_emotion(s, t, e);
		}
		return;
	}
	const struct entry *e = NULL;
	if (ends_with(k, n, "es"))
		e = find_variant(s, k, n, 2, "");
	if (!e && ends_with(k, n, "s")) {
		e = find_variant(s, k, n, 1, "");
		if (!e && ends_with(k, n, "as"))
			e = find_variant(s, k, n, 2, "o");
	}
	if (!e && ends_with(k, n, "a"))
		e = find_variant(s, k, n, 1, "o");
	if (e) {
		t->in_lexicon = true;
		t->valence = e->valence;
		take_emotion(s, t, e);
	}
}

/* Is the token's folded form the literal w? */
#define key_is(t, w) ((t)->key_len == sizeof(w) - 1 && memcmp((t)->key, w, sizeof(w) - 1) == 0)

/* Does the word contain "n't" in any case ("isn't", "ISN'T")? */
static bool has_nt(const char *w, size_t n)
{
	for (size_t i = 0; i + 3 <= n; i++)
		if ((w[i] == 'n' || w[i] == 'N') && w[i + 1] == '\'' &&
		    (w[i + 2] == 't' || w[i + 2] == 'T'))
			return true;
	return false;
}

/* The stem of a token (folded), or 0 when it has none. */
static size_t token_stem(const struct tp_sentiment *s, struct scratch *sc, const struct token *t,
			 char *out)
{
	if (!sc->stemmer && !sc->nomem) {
		sc->stemmer = tp_stemmer_pool_take(s->stemmers);
		sc->nomem = !sc->stemmer;
	}
	if (!sc->stemmer)
		return 0;
	return tp_text_stem(sc->stemmer, s->lang, t->raw, t->raw_len, t->key, t->key_len, out,
			    TP_STEM_MAX);
}

/* The lookups through the word's Snowball stem: its valence when it is not
 * in the lexicon in any form (and is no negator, booster or contrast word),
 * and its emotion when the emotion list has no entry for the word itself.
 * The valence fallback is Spanish only: VADER's English lexicon already
 * lists the inflected forms it rates, and on data/labelled/en.tsv the
 * fallback lowered accuracy from 0.746 to 0.713 ("treated" took the valence
 * of "treat"); docs/text.md. */
static void describe_stem(const struct tp_sentiment *s, struct scratch *sc, struct token *t)
{
	bool role = t->e && (t->e->negator || t->e->contrast || t->e->boost != 0.0);
	bool want_valence =
	    s->rules->spanish && !t->in_lexicon && !role && !t->negator && t->boost == 0.0;
	/* Words of three bytes or fewer are their own stem: only exact entries. */
	if ((!want_valence && t->emotion) || t->key_len < 4)
		return;
	int may = tp_stem_map_may_hold(s->stems, t->key, t->key_len);
	want_valence &= (may >> FILTER_VALENCE) & 1;
	bool want_emotion = !t->emotion && ((may >> FILTER_EMOTION) & 1);
	if (!want_valence && !want_emotion)
		return;
	char stem[TP_STEM_MAX];
	size_t m = token_stem(s, sc, t, stem);
	long v = m > 0 ? tp_stem_map_get(s->stems, stem, m) : -1;
	if (v < 0)
		return;
	const struct stem_info *si = &s->stem_info[v];
	if (want_valence && !isnan(si->valence)) {
		t->in_lexicon = true;
		t->valence = si->valence;
	}
	if (want_emotion && si->emotion)
		t->emotion = s->emotion_rows[si->emotion - 1];
}

/* Fills a token's lookups from its raw text. */
static void describe(const struct tp_sentiment *s, struct scratch *sc, struct token *t)
{
	bool es = s->rules->spanish;
	t->key_len = tp_text_lookup_key(t->raw, t->raw_len, es, t->key);
	t->e = t->key_len ? find(s, t->key, t->key_len) : NULL;
	t->upper = is_upper(t->raw, t->raw_len, es);
	t->in_lexicon = t->e && t->e->in_lexicon;
	t->valence = t->in_lexicon ? t->e->valence : 0.0;
	t->boost = t->e ? t->e->boost : 0.0;
	t->emotion = t->e && t->e->emotion ? s->emotion_rows[t->e->emotion - 1] : NULL;
	if (es) {
		t->negator = t->e && t->e->negator;
		if (!t->e || (!t->in_lexicon && !t->negator && t->boost == 0.0))
			lookup_es_variant(s, t);
	} else {
		/* As Python VADER 3.3, negations in any case ("Not", "NEVER"),
		 * and any word containing "n't" (the JS port: as written). */
		t->negator = (t->e && t->e->negator) || has_nt(t->raw, t->raw_len);
	}
	if (t->key_len > 0)
		describe_stem(s, sc, t);
}

/* Context rules over whole phrases, Spanish only. */
static void mark_tokens(struct token *t, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (key_is(&t[i], "sin") && key_is(&t[i + 1], "embargo"))
			t[i].negator = false;
		if (key_is(&t[i], "un") &&
		    (key_is(&t[i + 1], "poco") || key_is(&t[i + 1], "poca"))) {
			t[i + 1].negator = false;
			t[i + 1].boost = B_DECR;
		}
	}
}

static bool ends_clause(char c)
{
	return c == ',' || c == ';' || c == ':' || c == '.' || c == '!' || c == '?';
}

/* Splits text into words: whitespace-separated, one-character words
 * dropped (VADER), punctuation stripped per language. In text from
 * emoji_to_words() (emoji_marks), the EMOJI_MARK words set emoji_first and
 * emoji_last. Returns the count, writing at most cap tokens (the count may
 * exceed cap: call again). */
static size_t tokenize(const struct tp_sentiment *s, struct scratch *sc, const char *text,
		       size_t len, bool emoji_marks, struct token *out, size_t cap)
{
	size_t count = 0, i = 0, emoji_start = 0;
	bool in_emoji = false;
	while (i < len) {
		size_t sp = space_at(text, i, len);
		if (sp) {
			i += sp;
			continue;
		}
		size_t start = i;
		while (i < len && !space_at(text, i, len))
			i++;
		const char *w = text + start;
		size_t n = i - start;
		if (emoji_marks && n == 1 && *w == EMOJI_MARK) {
			in_emoji = !in_emoji;
			if (in_emoji)
				emoji_start = count;
			else if (count > emoji_start && count - 1 < cap)
				out[count - 1].emoji_last = true;
			continue;
		}
		if (count_chars(w, n) <= 1)
			continue;
		bool clause_end = ends_clause(text[i - 1]);
		if (s->rules->spanish)
			strip_es(&w, &n);
		else
			strip_en(&w, &n);
		if (s->rules->spanish && count_chars(w, n) <= 1)
			continue;
		if (count < cap) {
			out[count].raw = w;
			out[count].raw_len = n;
			out[count].clause_end = clause_end;
			out[count].emoji_first = in_emoji && count == emoji_start;
			out[count].emoji_last = false;
			describe(s, sc, &out[count]);
		}
		count++;
	}
	return count;
}

/* Scoring ----------------------------------------------------------------- */

/* Does t[from..from+k) read as the space-separated phrase? English compares
 * the words as written (VADER), Spanish their folded forms. */
static bool phrase_at(const struct token *t, size_t n, long from, const char *phrase, bool spanish)
{
	const char *p = phrase;
	for (long i = from;; i++) {
		if (i < 0 || (size_t)i >= n)
			return false;
		const char *w = spanish ? t[i].key : t[i].raw;
		size_t wl = spanish ? t[i].key_len : t[i].raw_len;
		size_t m = 0;
		while (m < wl && p[m] != '\0' && p[m] == w[m])
			m++;
		if (m < wl || (p[m] != ' ' && p[m] != '\0'))
			return false;
		if (p[m] == '\0')
			return true;
		p += m + 1;
	}
}

/* A booster or dampener before a word of valence v (VADER's scalar_inc_dec). */
static double scalar(const struct token *b, double v, bool cap_diff)
{
	if (b->boost == 0.0)
		return 0.0;
	double sc = v < 0 ? -b->boost : b->boost;
	if (cap_diff && b->upper)
		sc += v > 0 ? C_INCR : -C_INCR;
	return sc;
}

/* English: "never so good" and negation of the word d places back
 * (VADER's never_check; in any case, as Python VADER 3.3's negation_check). */
static double never_en(const struct token *t, size_t i, size_t d, double v)
{
	if (d == 0)
		return t[i - 1].negator ? v * N_SCALAR : v;
	if (d == 1) {
		if (key_is(&t[i - 2], "never") &&
		    (key_is(&t[i - 1], "so") || key_is(&t[i - 1], "this")))
			return v * 1.5;
		return t[i - 2].negator ? v * N_SCALAR : v;
	}
	if ((key_is(&t[i - 3], "never") &&
	     (key_is(&t[i - 2], "so") || key_is(&t[i - 2], "this"))) ||
	    key_is(&t[i - 1], "so") || key_is(&t[i - 1], "this"))
		return v * 1.25;
	return t[i - 3].negator ? v * N_SCALAR : v;
}

/* English idioms around word i and the "kind of" dampener (VADER's
 * idioms_check), applied once the three words before i are known. */
static double idioms_en(const struct token *t, size_t n, size_t i, double v)
{
	const struct idiom *id = tp_sentiment_en_idioms;
	long li = (long)i;
	/* VADER's order: "w-1 w", "w-2 w-1 w", "w-2 w-1", "w-3 w-2 w-1", "w-3 w-2". */
	const long starts[5][2] = {{li - 1, 2}, {li - 2, 3}, {li - 2, 2}, {li - 3, 3}, {li - 3, 2}};
	bool done = false;
	for (int k = 0; k < 5 && !done; k++) {
		for (size_t j = 0; id[j].phrase; j++) {
			if (id[j].words == starts[k][1] &&
			    phrase_at(t, n, starts[k][0], id[j].phrase, false)) {
				v = id[j].value;
				done = true;
				break;
			}
		}
	}
	for (size_t j = 0; id[j].phrase; j++)
		if (id[j].words == 2 && n - 1 > i && phrase_at(t, n, li, id[j].phrase, false))
			v = id[j].value;
	for (size_t j = 0; id[j].phrase; j++)
		if (id[j].words == 3 && n - 1 > i + 1 && phrase_at(t, n, li, id[j].phrase, false))
			v = id[j].value;
	for (size_t j = 0; tp_sentiment_en_booster_bigrams[j]; j++)
		if (phrase_at(t, n, li - 3, tp_sentiment_en_booster_bigrams[j], false) ||
		    phrase_at(t, n, li - 2, tp_sentiment_en_booster_bigrams[j], false))
			return v + B_DECR;
	return v;
}

/* Do words i - 1 and i belong to different emoji names, or one to an
 * emoji name and the other not? */
static bool emoji_edge(const struct token *t, size_t i)
{
	return t[i].emoji_first || t[i - 1].emoji_last;
}

/* English: "least" before a word negates it, except "at least" and "very
 * least" (VADER's least_check). */
static double least_en(const struct token *t, size_t i, double v)
{
	if (i > 0 && key_is(&t[i - 1], "least") && !t[i - 1].in_lexicon && !emoji_edge(t, i)) {
		if (i > 1 && (key_is(&t[i - 2], "at") || key_is(&t[i - 2], "very")))
			return v;
		return v * N_SCALAR;
	}
	return v;
}

/* The valence of word i in its context (VADER's sentiment_valence). */
static double valence_at(const struct tp_sentiment *s, const struct token *t, size_t n, size_t i,
			 bool cap_diff)
{
	bool es = s->rules->spanish;
	if (!t[i].in_lexicon)
		return 0.0;
	double v = t[i].valence;
	if (t[i].upper && cap_diff)
		v += v > 0 ? C_INCR : -C_INCR;
	bool negated = false;
	for (size_t d = 0; d < 3; d++) {
		/* Modifiers do not reach into or out of an emoji's words ("never
		 * did 😡"); Spanish: nor across a clause ("no me gustó nada,
		 * pésimo"). */
		if (i > d && emoji_edge(t, i - d))
			break;
		if (es && i > d && t[i - d - 1].clause_end)
			break;
		if (i <= d || t[i - d - 1].in_lexicon)
			continue;
		double sc = scalar(&t[i - d - 1], v, cap_diff);
		if (d == 1)
			sc *= 0.95;
		else if (d == 2)
			sc *= 0.9;
		v += sc;
		if (!es) {
			v = never_en(t, i, d, v);
			if (d == 2)
				v = idioms_en(t, n, i, v);
		} else if (t[i - d - 1].negator && !negated) {
			v *= N_SCALAR;
			negated = true;
		}
	}
	return es ? v : least_en(t, i, v);
}

/* Index of the first contrast word, or -1: "but" in any case, as Python
 * VADER 3.3 (the JS port: "but", else "BUT"); Spanish "pero", "aunque",
 * "sino", "sin embargo" in any case. */
static long contrast_at(const struct tp_sentiment *s, const struct token *t, size_t n)
{
	if (!s->rules->spanish) {
		for (size_t i = 0; i < n; i++)
			if (key_is(&t[i], "but"))
				return (long)i;
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (t[i].e && t[i].e->contrast)
			return (long)i;
		if (i + 1 < n && key_is(&t[i], "sin") && key_is(&t[i + 1], "embargo"))
			return (long)i + 1;
	}
	return -1;
}

static size_t count_byte(const char *text, size_t len, char c)
{
	size_t k = 0;
	for (size_t i = 0; i < len; i++)
		k += text[i] == c;
	return k;
}

/* "!" adds 0.292 each up to 4; "?" adds 0.18 each for 2 or 3, 0.96 for more. */
static double punctuation_emphasis(const char *text, size_t len)
{
	size_t ep = count_byte(text, len, '!');
	size_t qm = count_byte(text, len, '?');
	double amp = (double)(ep > 4 ? 4 : ep) * EP_STEP;
	if (qm > 1)
		amp += qm <= 3 ? (double)qm * QM_STEP : QM_MAX;
	return amp;
}

/* Is word i negated for its emotion: a negator among the three words
 * before it (Spanish: within its clause), the window valence_at() uses. */
static bool negated_at(const struct tp_sentiment *s, const struct token *t, size_t i)
{
	for (size_t d = 0; d < 3 && d < i; d++) {
		if (emoji_edge(t, i - d) || (s->rules->spanish && t[i - d - 1].clause_end))
			return false;
		if (t[i - d - 1].negator)
			return true;
	}
	return false;
}

/* Each category's intensity is S / (S + 1), S the sum of the weights (0..1)
 * of its words that are not negated (docs/text.md). */
static void score_emotions(const struct tp_sentiment *s, const struct token *t, size_t n,
			   struct tp_sentiment_scores *out)
{
	double sum[TP_EMOTION_COUNT] = {0};
	for (size_t i = 0; i < n; i++) {
		if (!t[i].emotion || negated_at(s, t, i))
			continue;
		for (int c = 0; c < TP_EMOTION_COUNT; c++)
			sum[c] += t[i].emotion[c];
	}
	for (int c = 0; c < TP_EMOTION_COUNT; c++)
		out->emotions[c] = sum[c] / (sum[c] + 1.0);
}

static void score_tokens(const struct tp_sentiment *s, struct token *t, size_t n, const char *text,
			 size_t len, double *sent, struct tp_sentiment_scores *out)
{
	size_t upper = 0;
	for (size_t i = 0; i < n; i++)
		upper += t[i].upper;
	bool cap_diff = upper > 0 && upper < n;
	if (s->rules->spanish)
		mark_tokens(t, n);
	for (size_t i = 0; i < n; i++) {
		bool kind_of = !s->rules->spanish && i + 1 < n && key_is(&t[i], "kind") &&
			       key_is(&t[i + 1], "of");
		sent[i] = kind_of || t[i].boost != 0.0 ? 0.0 : valence_at(s, t, n, i, cap_diff);
	}
	long c = contrast_at(s, t, n);
	if (c >= 0)
		for (size_t i = 0; i < n; i++)
			sent[i] *= (long)i < c ? 0.5 : (long)i > c ? 1.5 : 1.0;

	double sum = 0.0, pos = 0.0, neg = 0.0, neu = 0.0;
	for (size_t i = 0; i < n; i++) {
		sum += sent[i];
		if (sent[i] > 0)
			pos += sent[i] + 1; /* +1: a sentiment word also counts as a word */
		else if (sent[i] < 0)
			neg += sent[i] - 1;
		else
			neu += 1;
	}
	double amp = punctuation_emphasis(text, len);
	if (sum > 0)
		sum += amp;
	else if (sum < 0)
		sum -= amp;
	double compound = sum / sqrt(sum * sum + ALPHA);
	out->compound = compound < -1 ? -1 : compound > 1 ? 1 : compound;
	if (pos > fabs(neg))
		pos += amp;
	else if (pos < fabs(neg))
		neg -= amp;
	double total = pos + fabs(neg) + neu;
	out->pos = fabs(pos / total);
	out->neg = fabs(neg / total);
	out->neu = fabs(neu / total);
	score_emotions(s, t, n, out);
}

enum tp_status tp_sentiment_score(const struct tp_sentiment *s, const char *text, size_t len,
				  struct tp_sentiment_scores *out)
{
	struct token stack_tokens[STACK_TOKENS];
	double stack_sent[STACK_TOKENS];
	struct token *t = stack_tokens;
	double *sent = stack_sent;
	enum tp_status rc = TP_OK;

	memset(out, 0, sizeof *out);
	struct scratch sc = {0};
	/* Emoji become words first (looked up only at non-ASCII bytes). */
	char stack_text[1024];
	char *words_text = NULL;
	size_t words_len = has_emoji(s, text, len) ? emoji_to_words(s, text, len, NULL) : 0;
	if (words_len > 0) {
		words_text = words_len <= sizeof stack_text ? stack_text : malloc(words_len);
		if (!words_text) {
			rc = TP_ENOMEM;
			goto out;
		}
		emoji_to_words(s, text, len, words_text);
		text = words_text;
		len = words_len;
	}
	size_t n = tokenize(s, &sc, text, len, words_text != NULL, t, STACK_TOKENS);
	if (n > STACK_TOKENS) {
		t = malloc(n * sizeof *t);
		sent = malloc(n * sizeof *sent);
		if (!t || !sent) {
			rc = TP_ENOMEM;
			goto out;
		}
		tokenize(s, &sc, text, len, words_text != NULL, t, n);
	}
	if (sc.nomem) {
		rc = TP_ENOMEM;
		goto out;
	}
	if (n > 0)
		score_tokens(s, t, n, text, len, sent, out);
out:
	tp_stemmer_pool_give(s->stemmers, sc.stemmer);
	if (rc != TP_OK)
		memset(out, 0, sizeof *out);
	if (t != stack_tokens)
		free(t);
	if (sent != stack_sent)
		free(sent);
	if (words_text != stack_text)
		free(words_text);
	return rc;
}
