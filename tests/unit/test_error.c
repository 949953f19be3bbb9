/* Unit tests for util/error.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "touchpoint/error.h"

static void set_formats_and_returns_status(void **state)
{
	(void)state;
	struct tp_error err;
	enum tp_status st = tp_error_set(&err, TP_EINPUT, "line %d: %s", 7, "bad");
	assert_int_equal(st, TP_EINPUT);
	assert_int_equal(err.status, TP_EINPUT);
	assert_string_equal(err.message, "line 7: bad");
}

static void set_accepts_null(void **state)
{
	(void)state;
	assert_int_equal(tp_error_set(NULL, TP_EIO, "x"), TP_EIO);
	tp_error_clear(NULL);
	tp_error_prefix(NULL, "y");
}

static void prefix_prepends_context(void **state)
{
	(void)state;
	struct tp_error err;
	tp_error_set(&err, TP_EIO, "no such file");
	tp_error_prefix(&err, "%s", "map.json");
	assert_string_equal(err.message, "map.json: no such file");
}

static void long_messages_are_truncated(void **state)
{
	(void)state;
	struct tp_error err;
	char big[3000];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	tp_error_set(&err, TP_EINPUT, "%s", big);
	assert_int_equal(strlen(err.message), TP_ERROR_MESSAGE_MAX - 1);
	tp_error_prefix(&err, "ctx");
	assert_int_equal(strlen(err.message), TP_ERROR_MESSAGE_MAX - 1);
	assert_memory_equal(err.message, "ctx: a", 6);
}

static void strerror_covers_every_status(void **state)
{
	(void)state;
	for (int s = TP_OK; s <= TP_EUSAGE; s++)
		assert_string_not_equal(tp_strerror((enum tp_status)s), "unknown status");
	assert_string_equal(tp_strerror((enum tp_status)999), "unknown status");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_formats_and_returns_status),
		cmocka_unit_test(set_accepts_null),
		cmocka_unit_test(prefix_prepends_context),
		cmocka_unit_test(long_messages_are_truncated),
		cmocka_unit_test(strerror_covers_every_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
