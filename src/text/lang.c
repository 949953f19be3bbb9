/* text/lang.c - language names and the es/en guess used by `--lang auto`.
 *
 * The guess adds up evidence for Spanish (positive) and English (negative):
 *   +1 for each Spanish-only character (á é í ó ú ñ ü ¿ ¡, either case);
 *   +1 for each Spanish function word (our stop-word list, data/stopwords,
 *      plus the negation and contrast words it leaves out), -1 for each
 *      English one (a word in both lists counts both ways);
 *   + W x the log-likelihood ratio of the text's character trigrams under
 *      two trigram models (" word " padded, accents folded), one per
 *      language, trained on the project's own word lists: the sentiment
 *      lexicons, stop words and emotion lists of each language.
 * A positive total gives es, anything else en. W = 0.05 makes the trigram
 * score a tie-breaker: it decides when the function words do not (one- or
 * two-word comments). docs/text.md gives the measured accuracy.
 *
 * The models are built once, on first use (pthread_once), into static
 * tables; nothing is allocated, so the guess cannot fail. */
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "text/text_internal.h"
#include "touchpoint/text.h"

extern const unsigned char tp_embedded_lexicon_en[];
extern const size_t tp_embedded_lexicon_en_len;
extern const unsigned char tp_embedded_lexicon_es[];
extern const size_t tp_embedded_lexicon_es_len;

#define TRIGRAM_BITS 13 /* buckets per language model */
#define WORD_BITS 16	/* bits of the function-word filters */
#define TRIGRAM_WEIGHT 0.05

const char *tp_text_lang_name(enum tp_text_lang lang)
{
	return lang == TP_TEXT_ES ? "es" : "en";
}

enum tp_status tp_text_lang_parse(const char *name, enum tp_text_lang *out, struct tp_error *err)
{
	if (strcmp(name, "es") == 0) {
		*out = TP_TEXT_ES;
		return TP_OK;
	}
	if (strcmp(name, "en") == 0) {
		*out = TP_TEXT_EN;
		return TP_OK;
	}
	return tp_error_set(err, TP_EINPUT, "unknown language \"%s\" (es, en)", name);
}

/* Function words the stop-word lists leave out on purpose (negations and
 * contrast words), folded. "no" is in neither: it is both languages'. */
static const char *const es_extra[] = {
    "nunca", "jamas", "ni", "tampoco", "sin", "nada", "nadie", "ningun",
    "ninguno", "ninguna", "pero", "aunque", "sino", "embargo", "muy", "mas", NULL};
static const char *const en_extra[] = {"not",     "never", "nor",  "none", "nothing", "neither",
				       "without", "but",   "very", "so",   "nobody",  NULL};

static struct {
	float logp[2][1u << TRIGRAM_BITS]; /* [lang][bucket] */
	uint64_t function_words[2][(1u << WORD_BITS) / 64];
} model;
static pthread_once_t model_once = PTHREAD_ONCE_INIT;

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}
#define FNV_SEED 1469598103934665603ULL

static void set_bit(uint64_t *bits, uint64_t h)
{
	size_t b = h & ((1u << WORD_BITS) - 1);
	bits[b / 64] |= 1ULL << (b % 64);
}

static bool has_bit(const uint64_t *bits, uint64_t h)
{
	size_t b = h & ((1u << WORD_BITS) - 1);
	return (bits[b / 64] >> (b % 64)) & 1;
}

/* Calls fn for each trigram bucket of the folded word w (" w " padded). */
static void each_trigram(const char *w, size_t n, void (*fn)(size_t bucket, void *ctx), void *ctx)
{
	char padded[TP_STEM_MAX + 2];
	if (n + 2 > sizeof padded)
		return;
	padded[0] = ' ';
	memcpy(padded + 1, w, n);
	padded[n + 1] = ' ';
	for (size_t i = 0; i + 3 <= n + 2; i++)
		fn(fnv(FNV_SEED, padded + i, 3) & ((1u << TRIGRAM_BITS) - 1), ctx);
}

static void count_trigram(size_t bucket, void *ctx)
{
	((float *)ctx)[bucket] += 1.0f;
}

static bool letters_only(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];
		if (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return false;
	}
	return n > 0;
}

/* Reads the first column (up to a tab or space) of each line of a word
 * list; calls fn with each folded word made of letters. */
static void each_listed_word(const char *text, size_t len, void (*fn)(const char *, size_t, void *),
			     void *ctx)
{
	for (const char *p = text, *end = text + len; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *q = p + (p < eol && *p == '=');
		const char *w = q;
		while (q < eol && *q != '\t' && *q != ' ' && *q != '\r')
			q++;
		char key[TP_STEM_MAX];
		if (*p != '#' && q > w && letters_only(w, (size_t)(q - w))) {
			size_t n = tp_text_fold_word(w, (size_t)(q - w), key, sizeof key);
			if (n > 0)
				fn(key, n, ctx);
		}
		p = eol + 1;
	}
}

static void train_word(const char *w, size_t n, void *ctx)
{
	each_trigram(w, n, count_trigram, ctx);
}

static void function_word(const char *w, size_t n, void *ctx)
{
	set_bit(ctx, fnv(FNV_SEED, w, n));
}

static void build_model(void)
{
	for (int l = 0; l < 2; l++) {
		enum tp_text_lang lang = l == 0 ? TP_TEXT_ES : TP_TEXT_EN;
		float *counts = model.logp[l];
		size_t len;
		const char *list;
		for (size_t b = 0; b < (1u << TRIGRAM_BITS); b++)
			counts[b] = 1.0f; /* add-one smoothing */
		if (lang == TP_TEXT_ES)
			each_listed_word((const char *)tp_embedded_lexicon_es,
					 tp_embedded_lexicon_es_len, train_word, counts);
		else
			each_listed_word((const char *)tp_embedded_lexicon_en,
					 tp_embedded_lexicon_en_len, train_word, counts);
		list = tp_text_stopwords(lang, &len);
		each_listed_word(list, len, train_word, counts);
		each_listed_word(list, len, function_word, model.function_words[l]);
		list = tp_text_emotion_list(lang, &len);
		each_listed_word(list, len, train_word, counts);
		const char *const *extra = lang == TP_TEXT_ES ? es_extra : en_extra;
		for (size_t i = 0; extra[i]; i++)
			function_word(extra[i], strlen(extra[i]), model.function_words[l]);
		double total = 0;
		for (size_t b = 0; b < (1u << TRIGRAM_BITS); b++)
			total += counts[b];
		for (size_t b = 0; b < (1u << TRIGRAM_BITS); b++)
			counts[b] = (float)log(counts[b] / total);
	}
}

static void add_trigram_ratio(size_t bucket, void *ctx)
{
	*(double *)ctx += (double)model.logp[0][bucket] - (double)model.logp[1][bucket];
}

/* Length of the UTF-8 letter or digit at t[i..n), 0 if none (invalid
 * bytes and other characters separate words). */
static size_t word_char_at(const char *t, size_t i, size_t n)
{
	unsigned char c = (unsigned char)t[i];
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ? 1 : 0;
	size_t m = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
	if (m == 0 || i + m > n)
		return 0;
	for (size_t k = 1; k < m; k++)
		if (((unsigned char)t[i + k] & 0xc0) != 0x80)
			return 0;
	/* Letters of Latin-1 and Latin Extended-A (U+00C0..U+017F) only; not
	 * ¿ ¡, emoji or other symbols. */
	return m == 2 && c >= 0xc3 && c <= 0xc5 ? m : 0;
}

enum tp_text_lang tp_text_lang_guess(const char *text, size_t len)
{
	/* UTF-8 of á é í ó ú ñ Á É Í Ó Ú Ñ ü ¿ ¡ */
	static const char *const marks[] = {"\xc3\xa1", "\xc3\xa9", "\xc3\xad", "\xc3\xb3",
					    "\xc3\xba", "\xc3\xb1", "\xc3\x81", "\xc3\x89",
					    "\xc3\x8d", "\xc3\x93", "\xc3\x9a", "\xc3\x91",
					    "\xc3\xbc", "\xc2\xbf", "\xc2\xa1", NULL};
	pthread_once(&model_once, build_model);
	double score = 0, trigrams = 0;
	for (size_t i = 0; i + 1 < len; i++)
		for (size_t k = 0; marks[k]; k++)
			if (memcmp(text + i, marks[k], 2) == 0)
				score += 1;
	for (size_t i = 0; i < len;) {
		size_t step = word_char_at(text, i, len);
		if (step == 0) {
			i++;
			continue;
		}
		size_t start = i;
		while (i < len && (step = word_char_at(text, i, len)) > 0)
			i += step;
		char key[TP_STEM_MAX];
		size_t n = tp_text_fold_word(text + start, i - start, key, sizeof key);
		if (n == 0)
			continue;
		uint64_t h = fnv(FNV_SEED, key, n);
		score += has_bit(model.function_words[0], h);
		score -= has_bit(model.function_words[1], h);
		each_trigram(key, n, add_trigram_ratio, &trigrams);
	}
	score += TRIGRAM_WEIGHT * trigrams;
	return score > 0 ? TP_TEXT_ES : TP_TEXT_EN;
}
