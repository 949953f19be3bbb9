/* text/stem_map.c - stems to values and a pool of Snowball stemmers, for
 * the sentiment engine's stem fallback and the emotion word lists
 * (contracts in text/text_internal.h). */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "text/text_internal.h"

#define FILTER_BITS 16

struct stem_slot {
	char *key; /* NULL for an empty slot */
	size_t len;
	long value;
};

struct tp_stem_map {
	struct stem_slot *slots;
	size_t mask;
	size_t used, capacity;
	uint64_t filter[2][(1u << FILTER_BITS) / 64];
};

/* FNV-1a, as the sentiment engine's word table. */
static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* The filter: one bit per FNV-1a hash of an entered prefix. */
#define MIN_PREFIX 3

void tp_stem_map_filter_add(struct tp_stem_map *m, int which, const char *prefix, size_t len)
{
	char mapped[TP_STEM_MAX];
	size_t n = 0;
	for (size_t i = 0; i < len && n < sizeof mapped; i++) {
		if (i + 1 < len && (unsigned char)prefix[i] == 0xc3 &&
		    (unsigned char)prefix[i + 1] == 0xb1) {
			mapped[n++] = 'n';
			i++;
			continue;
		}
		mapped[n++] = prefix[i];
	}
	if (n >= MIN_PREFIX) {
		size_t bit = hash_bytes(mapped, n) & ((1u << FILTER_BITS) - 1);
		m->filter[which & 1][bit / 64] |= 1ULL << (bit % 64);
	}
}

void tp_stem_map_each(const struct tp_stem_map *m,
		      void (*fn)(void *ctx, const char *stem, size_t len, long value), void *ctx)
{
	for (size_t i = 0; i <= m->mask; i++)
		if (m->slots[i].key)
			fn(ctx, m->slots[i].key, m->slots[i].len, m->slots[i].value);
}

struct tp_stem_map *tp_stem_map_new(size_t capacity)
{
	struct tp_stem_map *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	size_t slots = 16;
	while (slots < 2 * capacity)
		slots <<= 1;
	m->slots = calloc(slots, sizeof *m->slots);
	if (!m->slots) {
		free(m);
		return NULL;
	}
	m->mask = slots - 1;
	m->capacity = capacity;
	return m;
}

void tp_stem_map_free(struct tp_stem_map *m)
{
	if (!m)
		return;
	for (size_t i = 0; i <= m->mask; i++)
		free(m->slots[i].key);
	free(m->slots);
	free(m);
}

long *tp_stem_map_slot(struct tp_stem_map *m, const char *stem, size_t len)
{
	size_t i = hash_bytes(stem, len) & m->mask;
	for (;; i = (i + 1) & m->mask) {
		struct stem_slot *s = &m->slots[i];
		if (!s->key)
			break;
		if (s->len == len && memcmp(s->key, stem, len) == 0)
			return &s->value;
	}
	if (m->used >= m->capacity)
		return NULL;
	char *copy = malloc(len + 1);
	if (!copy)
		return NULL;
	memcpy(copy, stem, len);
	copy[len] = '\0';
	m->slots[i] = (struct stem_slot){copy, len, -1};
	m->used++;
	return &m->slots[i].value;
}

long tp_stem_map_get(const struct tp_stem_map *m, const char *stem, size_t len)
{
	for (size_t i = hash_bytes(stem, len) & m->mask;; i = (i + 1) & m->mask) {
		const struct stem_slot *s = &m->slots[i];
		if (!s->key)
			return -1;
		if (s->len == len && memcmp(s->key, stem, len) == 0)
			return s->value;
	}
}

int tp_stem_map_may_hold(const struct tp_stem_map *m, const char *key, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	int found = 0;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 1099511628211ULL;
		if (i + 1 < MIN_PREFIX)
			continue;
		size_t bit = h & ((1u << FILTER_BITS) - 1);
		for (int w = 0; w < 2; w++)
			found |= (int)((m->filter[w][bit / 64] >> (bit % 64)) & 1) << w;
	}
	return found;
}

/* Pools ------------------------------------------------------------------- */

#define POOL_SIZE 16

struct tp_stemmer_pool {
	const char *algorithm;
	_Atomic(struct sb_stemmer *) free_stemmers[POOL_SIZE];
};

struct tp_stemmer_pool *tp_stemmer_pool_new(enum tp_text_lang lang)
{
	struct tp_stemmer_pool *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->algorithm = lang == TP_TEXT_ES ? "spanish" : "english";
	for (size_t i = 0; i < POOL_SIZE; i++)
		atomic_init(&p->free_stemmers[i], NULL);
	return p;
}

void tp_stemmer_pool_free(struct tp_stemmer_pool *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < POOL_SIZE; i++) {
		struct sb_stemmer *st = atomic_load(&p->free_stemmers[i]);
		if (st)
			sb_stemmer_delete(st);
	}
	free(p);
}

struct sb_stemmer *tp_stemmer_pool_take(struct tp_stemmer_pool *p)
{
	for (size_t i = 0; i < POOL_SIZE; i++) {
		struct sb_stemmer *st = atomic_exchange(&p->free_stemmers[i], NULL);
		if (st)
			return st;
	}
	return sb_stemmer_new(p->algorithm, "UTF_8");
}

void tp_stemmer_pool_give(struct tp_stemmer_pool *p, struct sb_stemmer *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < POOL_SIZE; i++) {
		struct sb_stemmer *expected = NULL;
		if (atomic_compare_exchange_strong(&p->free_stemmers[i], &expected, st))
			return;
	}
	sb_stemmer_delete(st);
}
