/* util/strmap.h - a hash map from strings to int64 values.
 *
 * Open addressing with linear probing; keys are copied and owned by the map.
 * Used for dictionary encoding (attribute values -> ids) and id lookups
 * (touchpoint ids -> row ids). Not thread-safe. */
#ifndef TP_UTIL_STRMAP_H
#define TP_UTIL_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tp_strmap;

/* A new empty map; NULL when out of memory. Free with tp_strmap_free(). */
struct tp_strmap *tp_strmap_new(void);

/* Looks key (len bytes, may hold any byte) up; true and *value when found. */
bool tp_strmap_get(const struct tp_strmap *m, const char *key, size_t len, int64_t *value);

/* Sets key to value, replacing an existing value. Returns false only when
 * out of memory, and then the map is unchanged. */
bool tp_strmap_put(struct tp_strmap *m, const char *key, size_t len, int64_t value);

/* Number of keys. */
size_t tp_strmap_count(const struct tp_strmap *m);

/* Removes every key, keeping the allocated table. Can't fail. */
void tp_strmap_clear(struct tp_strmap *m);

/* Calls fn for each key/value in unspecified order. */
void tp_strmap_each(const struct tp_strmap *m,
		    void (*fn)(const char *key, size_t len, int64_t value, void *ctx), void *ctx);

/* Frees the map and its keys. Accepts NULL. */
void tp_strmap_free(struct tp_strmap *m);

#endif
