/* text/text_internal.h - helpers shared inside src/text/ (tokenizer,
 * sentiment engine, emotions): word folding, Snowball stemming, sets of
 * words read from the embedded data files. Not part of the public API. */
#ifndef TP_TEXT_INTERNAL_H
#define TP_TEXT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "touchpoint/text.h"

struct sb_stemmer;

/* Case-folds raw[0..n) and removes its accents (NFKD, marks dropped; "ñ"
 * kept) into out (cap bytes, NUL-terminated). Returns the length, or 0 when
 * the word does not fit or is not valid UTF-8. */
size_t tp_text_fold_word(const char *raw, size_t n, char *out, size_t cap);

/* The Snowball stem of a word, folded like tp_text_fold_word(): raw is the
 * word as written, folded its tp_text_fold_word() form. Writes out (cap
 * bytes, NUL-terminated) and returns the length, 0 on failure. The stemmer
 * is the caller's ("spanish" or "english" for lang, UTF_8). */
size_t tp_text_stem(struct sb_stemmer *stemmer, enum tp_text_lang lang, const char *raw, size_t n,
		    const char *folded, size_t folded_len, char *out, size_t cap);

/* A sorted set of folded words, read from one word per line ('#' starts a
 * comment; text after a tab or space is ignored). */
struct tp_word_set;
struct tp_word_set *tp_word_set_parse(const char *text, size_t len); /* NULL: out of memory */
void tp_word_set_free(struct tp_word_set *set);
bool tp_word_set_has(const struct tp_word_set *set, const char *folded);

/* The embedded data files of a language (NUL-terminated; *len set). */
const char *tp_text_stopwords(enum tp_text_lang lang, size_t *len);
const char *tp_text_emotion_list(enum tp_text_lang lang, size_t *len);

/* Stem maps --------------------------------------------------------------
 * A table from stems to a value the caller keeps (an index), built once and
 * read-only afterwards, with a filter on word prefixes so that most words
 * that cannot match are never stemmed. */
struct tp_stem_map;

struct tp_stem_map *tp_stem_map_new(size_t capacity); /* NULL: out of memory */
void tp_stem_map_free(struct tp_stem_map *m);
/* The slot of stem (created with *value = -1 when missing): NULL when out of
 * memory or beyond the capacity. */
long *tp_stem_map_slot(struct tp_stem_map *m, const char *stem, size_t len);
/* The value of stem, or -1. */
long tp_stem_map_get(const struct tp_stem_map *m, const char *stem, size_t len);
/* Enters prefix[0..len) into filter `which` (0 or 1) of the map ("ñ" read
 * as "n"): the caller enters each stem it wants found, and the form a
 * word's prefix takes where Snowball rewrites an ending instead of removing
 * it. Two filters let a caller tell two kinds of stems apart. */
void tp_stem_map_filter_add(struct tp_stem_map *m, int which, const char *prefix, size_t len);
/* Bit w (1 << w) is set when some prefix (3 bytes or more) of key[0..len) is
 * in filter w. A clear bit means stemming the word cannot give a stem the
 * caller entered into that filter. */
int tp_stem_map_may_hold(const struct tp_stem_map *m, const char *key, size_t len);
/* Calls fn for each stem with its value. */
void tp_stem_map_each(const struct tp_stem_map *m,
		      void (*fn)(void *ctx, const char *stem, size_t len, long value), void *ctx);

/* Stemmer pools --------------------------------------------------------------
 * Snowball stemmers keep state while stemming, so a read-only engine used by
 * many threads borrows one per call from a small lock-free pool (a new one is
 * made when all are taken, and deleted when the pool is full on return). */
struct tp_stemmer_pool;

struct tp_stemmer_pool *tp_stemmer_pool_new(enum tp_text_lang lang); /* NULL: out of memory */
void tp_stemmer_pool_free(struct tp_stemmer_pool *p);
struct sb_stemmer *tp_stemmer_pool_take(struct tp_stemmer_pool *p); /* NULL: out of memory */
void tp_stemmer_pool_give(struct tp_stemmer_pool *p, struct sb_stemmer *st);

#define TP_STEM_MAX 104 /* a stem buffer's size, bytes, NUL included */

/* The sentiment engine's lookup form of a word (sentiment.c): lower case,
 * and for Spanish also accents and the tilde of "ñ" removed; key holds 48
 * bytes. Returns the length, 0 when too long or not valid UTF-8. */
size_t tp_text_lookup_key(const char *raw, size_t n, bool spanish, char *key);

/* Emotion word lists (emotion.c) -------------------------------------------
 * data/emotion/<lang>.tsv: "term<TAB>category<TAB>weight" lines, the weight
 * in (0, 1]; a term matches a word with the same lookup key or, unless it is
 * written "=term" (exact), the same Snowball stem. */
typedef bool (*tp_emotion_term_fn)(void *ctx, const char *term, size_t len, bool exact,
				   enum tp_emotion category, double weight);

/* Calls fn for each term of the embedded list of lang, in file order.
 * Returns false as soon as fn does; sets *terms to the terms read and
 * *first_bad_line to the number of the first line that could not be read
 * (0 when none). */
bool tp_emotion_list_read(enum tp_text_lang lang, tp_emotion_term_fn fn, void *ctx,
			  size_t *terms, size_t *first_bad_line);

#endif
