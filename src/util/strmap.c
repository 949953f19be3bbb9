/* util/strmap.c - a hash map from byte strings to int64 values.
 *
 * Open addressing with linear probing over a power-of-two table that doubles
 * before it is 70% full. There is no removal, hence no tombstones.
 *
 * Each 32-byte slot holds the key's 64-bit hash, the value and 16 key bytes.
 * Keys of up to 14 bytes (touchpoint ids, cached attribute values) live in
 * the slot itself, zero-padded, with their length in the last byte: a probe
 * then compares the hash and two words and a hit costs one cache miss, not
 * two. Longer keys are copied into large chunks (an arena) with their length
 * in front, and the slot keeps a pointer to that copy. Growing never rehashes
 * or touches a key; lookups never allocate.
 *
 * Every key handed to a tp_strmap_each callback is followed by a NUL, so text
 * keys may be used as C strings there. */
#include <stdlib.h>
#include <string.h>

#include "util/strmap.h"

#define INITIAL_CAPACITY 16
#define CHUNK_SIZE (64 * 1024)
#define KEY_BYTES 16
#define INLINE_MAX (KEY_BYTES - 2) /* leaves room for a NUL and the length */
#define TAG (KEY_BYTES - 1)	   /* index of the length byte */
#define LONG_KEY 0xFF		   /* in key[TAG]: key[0..8) points to a struct long_key */

struct slot {
	uint64_t hash; /* 0 marks an empty slot; stored hashes are never 0 */
	int64_t value;
	unsigned char key[KEY_BYTES];
};

struct long_key {
	size_t len;
	char bytes[]; /* len bytes and a NUL */
};

struct chunk {
	struct chunk *next;
	size_t used, size;
	_Alignas(struct long_key) char data[];
};

struct tp_strmap {
	struct slot *slots;
	size_t mask; /* capacity - 1 */
	size_t count;
	struct chunk *chunks; /* newest first */
};

/* Hashing ----------------------------------------------------------------
 * Eight bytes at a time, each folded in by a 64x64->128-bit multiply whose
 * halves are xored (the "multiply-fold" mix of the wyhash family), seeded
 * with the length so that keys differing only in trailing NULs differ. The
 * final fold spreads entropy to the low bits the table index uses. */

#define K0 0x9E3779B97F4A7C15ULL /* 2^64 / golden ratio */
#define K1 0xC2B2AE3D27D4EB4FULL
#define K2 0x165667B19E3779F9ULL

static uint64_t fold(uint64_t a, uint64_t b)
{
	unsigned __int128 r = (unsigned __int128)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static uint64_t load64(const char *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof w);
	return w;
}

/* The last 0-7 bytes, zero-padded. */
static uint64_t load_tail(const char *p, size_t n)
{
	uint64_t w = 0;
	if (n)
		memcpy(&w, p, n);
	return w;
}

static uint64_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = K0 ^ ((uint64_t)n * K1);

	for (; n >= 8; n -= 8, p += 8)
		h = fold(h ^ load64(p), K1);
	h = fold(h ^ load_tail(p, n), K2);
	h = fold(h, K0);
	return h ? h : 1;
}

/* Key storage ------------------------------------------------------------ */

static void free_chunks(struct chunk *c)
{
	while (c) {
		struct chunk *next = c->next;
		free(c);
		c = next;
	}
}

/* size bytes aligned for a struct long_key; NULL when out of memory. */
static void *arena_alloc(struct tp_strmap *m, size_t size)
{
	const size_t align = _Alignof(struct long_key);
	struct chunk *c = m->chunks;

	if (size > SIZE_MAX - sizeof *c - align)
		return NULL;
	size = (size + align - 1) & ~(align - 1);
	if (!c || c->size - c->used < size) {
		size_t n = size > CHUNK_SIZE ? size : CHUNK_SIZE;
		c = malloc(sizeof *c + n);
		if (!c)
			return NULL;
		c->used = 0;
		c->size = n;
		c->next = m->chunks;
		m->chunks = c;
	}
	void *p = c->data + c->used;
	c->used += size;
	return p;
}

static const struct long_key *long_key_of(const struct slot *s)
{
	const struct long_key *k;
	memcpy(&k, s->key, sizeof k);
	return k;
}

/* Fills key[] of slot s with key; false when out of memory. */
static bool store_key(struct tp_strmap *m, struct slot *s, const char *key, size_t len)
{
	memset(s->key, 0, KEY_BYTES);
	if (len <= INLINE_MAX) {
		if (len)
			memcpy(s->key, key, len);
		s->key[TAG] = (unsigned char)len;
		return true;
	}
	if (len > SIZE_MAX - sizeof(struct long_key) - 1)
		return false;
	struct long_key *k = arena_alloc(m, sizeof *k + len + 1);
	if (!k)
		return false;
	k->len = len;
	memcpy(k->bytes, key, len);
	k->bytes[len] = '\0';
	memcpy(s->key, &k, sizeof k);
	s->key[TAG] = LONG_KEY;
	return true;
}

/* The table -------------------------------------------------------------- */

/* The slot holding a key of up to INLINE_MAX bytes, or the empty slot where
 * it would go; the key is compared as the 16 bytes a slot would hold. */
static struct slot *find_short(const struct tp_strmap *m, uint64_t h, const char *key, size_t len)
{
	unsigned char want[KEY_BYTES] = {0};
	if (len)
		memcpy(want, key, len);
	want[TAG] = (unsigned char)len;
	for (size_t i = (size_t)h & m->mask;; i = (i + 1) & m->mask) {
		struct slot *s = &m->slots[i];
		if (!s->hash || (s->hash == h && memcmp(s->key, want, KEY_BYTES) == 0))
			return s;
	}
}

static bool long_equal(const struct slot *s, const char *key, size_t len)
{
	if (s->key[TAG] != LONG_KEY)
		return false;
	const struct long_key *k = long_key_of(s);
	return k->len == len && memcmp(k->bytes, key, len) == 0;
}

/* The same for longer keys, whose bytes are compared only on equal hashes. */
static struct slot *find_long(const struct tp_strmap *m, uint64_t h, const char *key, size_t len)
{
	for (size_t i = (size_t)h & m->mask;; i = (i + 1) & m->mask) {
		struct slot *s = &m->slots[i];
		if (!s->hash || (s->hash == h && long_equal(s, key, len)))
			return s;
	}
}

static struct slot *find(const struct tp_strmap *m, uint64_t h, const char *key, size_t len)
{
	return len <= INLINE_MAX ? find_short(m, h, key, len) : find_long(m, h, key, len);
}

/* Moves every entry into a table twice as large; false when out of memory. */
static bool grow(struct tp_strmap *m)
{
	size_t cap = m->mask + 1;
	if (cap > SIZE_MAX / 2 / sizeof(struct slot))
		return false;
	struct slot *slots = calloc(cap * 2, sizeof *slots);
	if (!slots)
		return false;
	size_t mask = cap * 2 - 1;
	for (size_t i = 0; i < cap; i++) {
		const struct slot *s = &m->slots[i];
		if (!s->hash)
			continue;
		size_t j = (size_t)s->hash & mask;
		while (slots[j].hash)
			j = (j + 1) & mask;
		slots[j] = *s;
	}
	free(m->slots);
	m->slots = slots;
	m->mask = mask;
	return true;
}

/* True when one more key would take the table past 70% full. */
static bool too_full(const struct tp_strmap *m)
{
	size_t cap = m->mask + 1;
	return (m->count + 1) * 10 > cap * 7;
}

struct tp_strmap *tp_strmap_new(void)
{
	struct tp_strmap *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->slots = calloc(INITIAL_CAPACITY, sizeof *m->slots);
	if (!m->slots) {
		free(m);
		return NULL;
	}
	m->mask = INITIAL_CAPACITY - 1;
	return m;
}

bool tp_strmap_get(const struct tp_strmap *m, const char *key, size_t len, int64_t *value)
{
	const struct slot *s = find(m, hash_bytes(key, len), key, len);
	if (!s->hash)
		return false;
	if (value)
		*value = s->value;
	return true;
}

/* A new key is stored only after the table has room, so a failed put leaves
 * the same keys and values behind (perhaps in a larger table). */
bool tp_strmap_put(struct tp_strmap *m, const char *key, size_t len, int64_t value)
{
	uint64_t h = hash_bytes(key, len);
	struct slot *s = find(m, h, key, len);

	if (s->hash) {
		s->value = value;
		return true;
	}
	if (too_full(m)) {
		if (!grow(m))
			return false;
		s = find(m, h, key, len);
	}
	if (!store_key(m, s, key, len))
		return false;
	s->hash = h;
	s->value = value;
	m->count++;
	return true;
}

size_t tp_strmap_count(const struct tp_strmap *m)
{
	return m->count;
}

/* Keeps the newest key chunk for reuse: a cache that is cleared when full
 * then refills without going back to malloc for its first keys. */
void tp_strmap_clear(struct tp_strmap *m)
{
	memset(m->slots, 0, (m->mask + 1) * sizeof *m->slots);
	if (m->chunks) {
		free_chunks(m->chunks->next);
		m->chunks->next = NULL;
		m->chunks->used = 0;
	}
	m->count = 0;
}

/* fn must not change the map: a put may move every slot. */
void tp_strmap_each(const struct tp_strmap *m,
		    void (*fn)(const char *key, size_t len, int64_t value, void *ctx), void *ctx)
{
	for (size_t i = 0; i <= m->mask; i++) {
		const struct slot *s = &m->slots[i];
		if (!s->hash)
			continue;
		if (s->key[TAG] == LONG_KEY) {
			const struct long_key *k = long_key_of(s);
			fn(k->bytes, k->len, s->value, ctx);
		} else {
			fn((const char *)s->key, s->key[TAG], s->value, ctx);
		}
	}
}

void tp_strmap_free(struct tp_strmap *m)
{
	if (!m)
		return;
	free_chunks(m->chunks);
	free(m->slots);
	free(m);
}
