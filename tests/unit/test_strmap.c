/* Unit tests for util/strmap.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strmap.h"

#define MANY 100000

static int setup(void **state)
{
	*state = tp_strmap_new();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	tp_strmap_free(*state);
	return 0;
}

static void put(struct tp_strmap *m, const char *key, size_t len, int64_t value)
{
	assert_true(tp_strmap_put(m, key, len, value));
}

static int64_t get(const struct tp_strmap *m, const char *key, size_t len)
{
	int64_t v = -999;
	if (!tp_strmap_get(m, key, len, &v))
		fail_msg("key of %zu bytes not found", len);
	return v;
}

static bool has(const struct tp_strmap *m, const char *key, size_t len)
{
	int64_t v;
	return tp_strmap_get(m, key, len, &v);
}

static size_t many_key(char *buf, size_t size, int i)
{
	return (size_t)snprintf(buf, size, "touchpoint-%d", i);
}

static void new_map_is_empty(void **state)
{
	struct tp_strmap *m = *state;
	assert_int_equal(tp_strmap_count(m), 0);
	assert_false(has(m, "a", 1));
	assert_false(has(m, "", 0));
}

static void put_then_get_returns_the_value(void **state)
{
	struct tp_strmap *m = *state;
	put(m, "billing", 7, 1);
	put(m, "onboarding", 10, 2);
	put(m, "support", 7, -3);
	assert_int_equal(get(m, "billing", 7), 1);
	assert_int_equal(get(m, "onboarding", 10), 2);
	assert_int_equal(get(m, "support", 7), -3);
	assert_int_equal(tp_strmap_count(m), 3);
	assert_false(has(m, "bill", 4));
	assert_false(has(m, "billing!", 8));
	assert_false(has(m, "Billing", 7));
}

static void put_of_existing_key_replaces_value(void **state)
{
	struct tp_strmap *m = *state;
	put(m, "nps", 3, 10);
	put(m, "nps", 3, INT64_MAX);
	assert_int_equal(tp_strmap_count(m), 1);
	assert_int_equal(get(m, "nps", 3), INT64_MAX);
	put(m, "nps", 3, INT64_MIN);
	assert_int_equal(get(m, "nps", 3), INT64_MIN);
	assert_int_equal(tp_strmap_count(m), 1);
}

static void length_decides_not_nul(void **state)
{
	struct tp_strmap *m = *state;
	put(m, "a\0b", 3, 1);
	put(m, "a\0c", 3, 2);
	put(m, "a", 1, 3);
	put(m, "a\0", 2, 4);
	put(m, "\0\0\0\0\0\0\0\0\0", 9, 5);
	put(m, "\0\0\0\0\0\0\0\0", 8, 6);
	assert_int_equal(tp_strmap_count(m), 6);
	assert_int_equal(get(m, "a\0b", 3), 1);
	assert_int_equal(get(m, "a\0c", 3), 2);
	assert_int_equal(get(m, "a", 1), 3);
	assert_int_equal(get(m, "a\0", 2), 4);
	assert_int_equal(get(m, "\0\0\0\0\0\0\0\0\0", 9), 5);
	assert_int_equal(get(m, "\0\0\0\0\0\0\0\0", 8), 6);
	assert_false(has(m, "a\0b\0", 4));
	assert_false(has(m, "\0", 1));
}

static void empty_key_is_a_key(void **state)
{
	struct tp_strmap *m = *state;
	put(m, "", 0, 42);
	assert_int_equal(tp_strmap_count(m), 1);
	assert_int_equal(get(m, "", 0), 42);
	assert_int_equal(get(m, "ignored", 0), 42);
	assert_false(has(m, "\0", 1));
}

static void any_byte_may_appear_in_keys(void **state)
{
	struct tp_strmap *m = *state;
	char key[2];
	for (int i = 0; i < 256; i++) {
		key[0] = (char)i;
		key[1] = (char)(255 - i);
		put(m, key, 2, i);
	}
	assert_int_equal(tp_strmap_count(m), 256);
	for (int i = 0; i < 256; i++) {
		key[0] = (char)i;
		key[1] = (char)(255 - i);
		assert_int_equal(get(m, key, 2), i);
	}
}

static void keys_are_copied(void **state)
{
	struct tp_strmap *m = *state;
	char buf[32];
	strcpy(buf, "atenci\xc3\xb3n");
	put(m, buf, strlen(buf), 7);
	memset(buf, 'x', sizeof buf);
	assert_false(has(m, buf, 9));
	assert_int_equal(get(m, "atenci\xc3\xb3n", 9), 7);
}

/* Keys sharing long prefixes and differing around the 8-byte hash blocks. */
static void keys_differing_in_one_byte_are_distinct(void **state)
{
	struct tp_strmap *m = *state;
	char key[40];
	int64_t n = 0;
	for (size_t len = 1; len <= sizeof key; len++) {
		for (size_t pos = 0; pos < len; pos++) {
			memset(key, 'k', len);
			key[pos] = 'K';
			put(m, key, len, n++);
		}
	}
	assert_int_equal(tp_strmap_count(m), (size_t)n);
	n = 0;
	for (size_t len = 1; len <= sizeof key; len++) {
		for (size_t pos = 0; pos < len; pos++) {
			memset(key, 'k', len);
			key[pos] = 'K';
			assert_int_equal(get(m, key, len), n++);
		}
		memset(key, 'k', len);
		assert_false(has(m, key, len));
	}
}

/* Keys of 13-17 bytes straddle the 14 bytes a slot holds itself. */
static void keys_around_the_inline_limit_are_distinct(void **state)
{
	struct tp_strmap *m = *state;
	const char *base = "abcdefghijklmnopq";
	for (size_t len = 0; len <= 17; len++)
		put(m, base, len, (int64_t)len);
	put(m, "abcdefghijklm\xff", 14, 100);
	put(m, "abcdefghijklmn\xff", 15, 101);
	assert_int_equal(tp_strmap_count(m), 20);
	for (size_t len = 0; len <= 17; len++)
		assert_int_equal(get(m, base, len), (int64_t)len);
	assert_int_equal(get(m, "abcdefghijklm\xff", 14), 100);
	assert_int_equal(get(m, "abcdefghijklmn\xff", 15), 101);
	assert_false(has(m, "abcdefghijklmnopqr", 18));
	assert_false(has(m, "abcdefghijklmN", 14));
	assert_false(has(m, "abcdefghijklmnO", 15));
}

struct nul_check {
	size_t calls;
	bool terminated;
};

static void check_nul(const char *key, size_t len, int64_t value, void *ctx)
{
	struct nul_check *c = ctx;
	c->calls++;
	if (key[len] != '\0' || (size_t)value != len || strlen(key) != len)
		c->terminated = false;
}

static void each_gives_nul_terminated_keys(void **state)
{
	struct tp_strmap *m = *state;
	const char *base = "0123456789012345678901234567890123456789";
	struct nul_check c = {0, true};
	for (size_t len = 0; len <= 40; len++)
		put(m, base, len, (int64_t)len);
	tp_strmap_each(m, check_nul, &c);
	assert_int_equal(c.calls, 41);
	assert_true(c.terminated);
}

static void keys_longer_than_a_chunk_are_stored(void **state)
{
	struct tp_strmap *m = *state;
	size_t len = 200 * 1024;
	char *big = malloc(len);
	assert_non_null(big);
	memset(big, 'z', len);
	put(m, big, len, 1);
	put(m, "small", 5, 2);
	big[len - 1] = 'y';
	put(m, big, len, 3);
	assert_int_equal(get(m, big, len), 3);
	big[len - 1] = 'z';
	assert_int_equal(get(m, big, len), 1);
	assert_int_equal(get(m, "small", 5), 2);
	assert_false(has(m, big, len - 1));
	free(big);
}

static void growth_keeps_every_key_of_100k(void **state)
{
	struct tp_strmap *m = *state;
	char key[32];
	for (int i = 0; i < MANY; i++) {
		put(m, key, many_key(key, sizeof key, i), i * 3);
		assert_int_equal(tp_strmap_count(m), (size_t)i + 1);
	}
	for (int i = 0; i < MANY; i++)
		assert_int_equal(get(m, key, many_key(key, sizeof key, i)), i * 3);
	for (int i = MANY; i < 2 * MANY; i++)
		assert_false(has(m, key, many_key(key, sizeof key, i)));
	/* replacing after growth changes values, not the count */
	for (int i = 0; i < MANY; i += 7)
		put(m, key, many_key(key, sizeof key, i), -i);
	assert_int_equal(tp_strmap_count(m), MANY);
	for (int i = 0; i < MANY; i++)
		assert_int_equal(get(m, key, many_key(key, sizeof key, i)), i % 7 ? i * 3 : -i);
}

static void clear_removes_every_key(void **state)
{
	struct tp_strmap *m = *state;
	char key[32];
	for (int i = 0; i < 5000; i++)
		put(m, key, many_key(key, sizeof key, i), i);
	tp_strmap_clear(m);
	assert_int_equal(tp_strmap_count(m), 0);
	for (int i = 0; i < 5000; i++)
		assert_false(has(m, key, many_key(key, sizeof key, i)));
}

static void map_is_usable_after_clear(void **state)
{
	struct tp_strmap *m = *state;
	char key[32];
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 20000; i++)
			put(m, key, many_key(key, sizeof key, i), i + round);
		assert_int_equal(tp_strmap_count(m), 20000);
		for (int i = 0; i < 20000; i++)
			assert_int_equal(get(m, key, many_key(key, sizeof key, i)), i + round);
		tp_strmap_clear(m);
		tp_strmap_clear(m);
		assert_int_equal(tp_strmap_count(m), 0);
	}
}

struct visit {
	unsigned char seen[MANY];
	size_t calls;
	int64_t sum;
	bool bad;
};

static void record(const char *key, size_t len, int64_t value, void *ctx)
{
	struct visit *v = ctx;
	char want[32];
	v->calls++;
	v->sum += value;
	if (value < 0 || value >= MANY || v->seen[value]) {
		v->bad = true;
		return;
	}
	v->seen[value] = 1;
	size_t n = many_key(want, sizeof want, (int)value);
	if (n != len || memcmp(want, key, len) != 0)
		v->bad = true;
}

static void each_visits_every_key_once(void **state)
{
	struct tp_strmap *m = *state;
	struct visit *v = calloc(1, sizeof *v);
	char key[32];
	assert_non_null(v);
	for (int i = 0; i < 1000; i++)
		put(m, key, many_key(key, sizeof key, i), i);
	tp_strmap_each(m, record, v);
	assert_false(v->bad);
	assert_int_equal(v->calls, 1000);
	assert_int_equal(v->sum, 999 * 1000 / 2);
	free(v);
}

static void count_calls(const char *key, size_t len, int64_t value, void *ctx)
{
	(void)key;
	(void)len;
	(void)value;
	(*(size_t *)ctx)++;
}

static void each_on_empty_or_cleared_map_calls_nothing(void **state)
{
	struct tp_strmap *m = *state;
	size_t calls = 0;
	tp_strmap_each(m, count_calls, &calls);
	assert_int_equal(calls, 0);
	put(m, "x", 1, 1);
	tp_strmap_clear(m);
	tp_strmap_each(m, count_calls, &calls);
	assert_int_equal(calls, 0);
}

static void free_accepts_null(void **state)
{
	(void)state;
	tp_strmap_free(NULL);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(new_map_is_empty),
	    T(put_then_get_returns_the_value),
	    T(put_of_existing_key_replaces_value),
	    T(length_decides_not_nul),
	    T(empty_key_is_a_key),
	    T(any_byte_may_appear_in_keys),
	    T(keys_are_copied),
	    T(keys_differing_in_one_byte_are_distinct),
	    T(keys_around_the_inline_limit_are_distinct),
	    T(keys_longer_than_a_chunk_are_stored),
	    T(growth_keeps_every_key_of_100k),
	    T(clear_removes_every_key),
	    T(map_is_usable_after_clear),
	    T(each_visits_every_key_once),
	    T(each_gives_nul_terminated_keys),
	    T(each_on_empty_or_cleared_map_calls_nothing),
	    cmocka_unit_test(free_accepts_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
