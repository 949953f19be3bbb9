/* touchpoint/text.h - sentiment of free-text comments (Spanish and English).
 *
 * A lexicon-and-rules engine after VADER (Hutto & Gilbert 2014, "VADER: A
 * Parsimonious Rule-based Model for Sentiment Analysis of Social Media
 * Text", ICWSM-14): every word found in a valence lexicon (-4..+4) is
 * adjusted by the three words before it (boosters and dampeners +-0.293,
 * negation * -0.74), by ALL-CAPS emphasis (+-0.733) when the text mixes
 * cases, by contrast words (words before "but" / "pero" weigh 0.5, after
 * 1.5) and by "!" / "?" emphasis; the sum x becomes compound = x /
 * sqrt(x^2 + 15). docs/text.md describes the method, its sources and how
 * the English engine relates to the published implementations.
 *
 * An engine is built once per language from lexicons embedded in the
 * library and is then read-only: one engine may score texts from many
 * threads at once. Scoring allocates nothing for texts of up to 256 words,
 * except a Snowball stemmer the first time (and whenever more than 16
 * threads score at once): the engine keeps a pool of them. */
#ifndef TOUCHPOINT_TEXT_H
#define TOUCHPOINT_TEXT_H

#include <stddef.h>

#include "touchpoint/error.h"

enum tp_text_lang {
	TP_TEXT_ES,
	TP_TEXT_EN,
};

/* "es" or "en". */
const char *tp_text_lang_name(enum tp_text_lang lang);

/* Parses "es" or "en" into *out; returns TP_EINPUT (with a message) for
 * anything else. */
enum tp_status tp_text_lang_parse(const char *name, enum tp_text_lang *out, struct tp_error *err);

/* The language a text is most likely written in: Spanish-only characters
 * (á é í ó ú ñ ü ¿ ¡) and Spanish function words count for es, English
 * function words for en, and character-trigram models built from the
 * project's word lists break ties; a text with no evidence gives en
 * (docs/text.md: method and measured accuracy). Allocates nothing and can't
 * fail; safe from any thread. */
enum tp_text_lang tp_text_lang_guess(const char *text, size_t len);

struct tp_sentiment;

/* Emotion categories read from word lists the project writes itself
 * (data/emotion/), with the sentiment engine's negation handling. */
enum tp_emotion {
	TP_EMOTION_JOY,
	TP_EMOTION_TRUST,
	TP_EMOTION_SURPRISE,
	TP_EMOTION_ANGER, /* anger and frustration */
	TP_EMOTION_FEAR,  /* fear and anxiety */
	TP_EMOTION_SADNESS,
	TP_EMOTION_COUNT
};

/* "joy", "trust", "surprise", "anger", "fear", "sadness". */
const char *tp_emotion_name(enum tp_emotion e);

struct tp_sentiment_scores {
	double compound;      /* -1..1 */
	double pos, neu, neg; /* proportions of the text, summing to 1 (all 0
				 for a text without words) */
	double emotions[TP_EMOTION_COUNT]; /* intensity of each category, 0..1:
					      S / (S + 1), S the summed weights
					      of its words not negated */
};

/* Builds the engine for `lang` from the embedded lexicon. Returns NULL and
 * fills err on failure (out of memory). The caller frees the engine with
 * tp_sentiment_free(). */
struct tp_sentiment *tp_sentiment_new(enum tp_text_lang lang, struct tp_error *err);

/* Frees an engine. Accepts NULL. */
void tp_sentiment_free(struct tp_sentiment *s);

/* The engine's language. */
enum tp_text_lang tp_sentiment_lang(const struct tp_sentiment *s);

/* Scores text[0..len) (UTF-8; invalid bytes are treated as part of a word
 * and never match the lexicon) into *out. Returns TP_OK, or TP_ENOMEM when
 * memory runs out (a text of more than 256 words, or a stemmer to create);
 * out is then zeroed. */
enum tp_status tp_sentiment_score(const struct tp_sentiment *s, const char *text, size_t len,
				  struct tp_sentiment_scores *out);

/* "positive" (compound >= 0.05), "negative" (<= -0.05) or "neutral". */
const char *tp_sentiment_label(double compound);

/* Words of a text for learned models and topics: split on anything that is
 * not a letter or digit, lower-cased, accents folded (á -> a, ñ kept as ñ),
 * then reduced to their Snowball stem (libstemmer) for the language (the
 * Spanish stemmer is given the word with its accents, docs/text.md); words
 * longer than 96 bytes are skipped. A tokenizer holds a stemmer, which is
 * not thread-safe: use one per thread. */
struct tp_tokenizer;

struct tp_tokenizer *tp_tokenizer_new(enum tp_text_lang lang, struct tp_error *err);
void tp_tokenizer_free(struct tp_tokenizer *t);

struct tp_token {
	const char *stem;   /* NUL-terminated, valid until the callback returns */
	size_t stem_len;
	const char *word;   /* the folded word before stemming, NUL-terminated */
	size_t word_len;
	const char *lower;  /* the word as written, lower-cased, accents kept
			       (NFC: "Atención" -> "atención"), for showing */
	size_t lower_len;
	int stop;           /* 1 for a stop word (lists pruned so they never hold
			       sentiment, negation or contrast words) */
};

/* Calls fn for each word of text[0..len) in order; stops early when fn
 * returns non-zero and returns that value (0 otherwise). */
typedef int (*tp_token_fn)(const struct tp_token *tok, void *ctx);
int tp_tokenize(struct tp_tokenizer *t, const char *text, size_t len, tp_token_fn fn, void *ctx);

#endif
