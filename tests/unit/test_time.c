/* Unit tests for model/time.c.
 *
 * Expected instants were computed outside touchpoint with Debian's
 * /usr/bin/python3 as calendar.timegm(datetime.datetime(...).timetuple()),
 * day counts as (datetime.date(...) - datetime.date(1970, 1, 1)).days; each
 * constant names the call that produced it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "touchpoint/time.h"

static int64_t iso_ok(const char *text)
{
	int64_t t = 0;
	const char *why = "not set";
	if (!tp_time_parse_iso8601(text, strlen(text), &t, &why))
		fail_msg("\"%s\" rejected: %s", text, why);
	return t;
}

static void iso_bad(const char *text, const char *reason)
{
	int64_t t = 0;
	const char *why = NULL;
	if (tp_time_parse_iso8601(text, strlen(text), &t, &why))
		fail_msg("\"%s\" accepted as %lld", text, (long long)t);
	assert_non_null(why);
	assert_string_equal(why, reason);
}

static int64_t fmt_ok(const char *text, const char *format)
{
	int64_t t = 0;
	const char *why = "not set";
	if (!tp_time_parse_format(text, strlen(text), format, &t, &why))
		fail_msg("\"%s\" by \"%s\" rejected: %s", text, format, why);
	return t;
}

static void fmt_bad(const char *text, const char *format, const char *reason)
{
	int64_t t = 0;
	const char *why = NULL;
	if (tp_time_parse_format(text, strlen(text), format, &t, &why))
		fail_msg("\"%s\" by \"%s\" accepted as %lld", text, format, (long long)t);
	assert_non_null(why);
	assert_string_equal(why, reason);
}

/* ISO 8601: accepted forms ------------------------------------------------ */

static void iso_date_alone_is_midnight_utc(void **state)
{
	(void)state;
	assert_int_equal(iso_ok("2026-01-15"), 1768435200); /* timegm(2026,1,15) */
	assert_int_equal(iso_ok("1970-01-01"), 0);
}

static void iso_z_and_no_offset_are_utc(void **state)
{
	(void)state;
	/* timegm(2026,1,15,10,0,0) */
	assert_int_equal(iso_ok("2026-01-15T10:00:00Z"), 1768471200);
	assert_int_equal(iso_ok("2026-01-15T10:00:00"), 1768471200);
	assert_int_equal(iso_ok("2026-01-15 10:00:00"), 1768471200);
	assert_int_equal(iso_ok("2026-01-15T10:00"), 1768471200);
	assert_int_equal(iso_ok("2026-01-15 10:00Z"), 1768471200);
	assert_int_equal(iso_ok("2026-01-15t10:00:00z"), 1768471200);
	assert_int_equal(iso_ok("2026-01-15T10:00:00-00:00"), 1768471200);
}

static void iso_offset_is_subtracted_to_reach_utc(void **state)
{
	(void)state;
	/* 10:00 at +02:00 is 08:00Z: timegm(2026,1,15,8,0,0) */
	assert_int_equal(iso_ok("2026-01-15T10:00:00+02:00"), 1768464000);
	assert_int_equal(iso_ok("2026-01-15T10:00:00+0200"), 1768464000);
	assert_int_equal(iso_ok("2026-01-15T10:00:00+02"), 1768464000);
	assert_int_equal(iso_ok("2026-01-15 10:00+02:00"), 1768464000);
	/* 10:00 at -05:30 is 15:30Z: timegm(2026,1,15,15,30,0) */
	assert_int_equal(iso_ok("2026-01-15T10:00:00-05:30"), 1768491000);
	assert_int_equal(iso_ok("2026-01-15T10:00:00-0530"), 1768491000);
}

static void iso_offset_may_cross_the_day_and_year(void **state)
{
	(void)state;
	/* timegm(2025,12,31,22,0,0) */
	assert_int_equal(iso_ok("2026-01-01T01:00:00+03:00"), 1767218400);
	/* timegm(3000,1,1,4,0,0): the written year is in range, the instant past it */
	assert_int_equal(iso_ok("2999-12-31T23:00:00-05:00"), 32503694400);
}

static void iso_fractions_are_truncated(void **state)
{
	(void)state;
	assert_int_equal(iso_ok("2026-01-15T10:00:00.999Z"), 1768471200);
	assert_int_equal(iso_ok("2026-01-15T10:00:00.5"), 1768471200);
	assert_int_equal(iso_ok("2026-01-15T10:00:00,999999999+02:00"), 1768464000);
	assert_int_equal(iso_ok("2026-01-15T10:00:00.123456789012345678901234567890Z"), 1768471200);
}

static void iso_year_range_ends_are_accepted(void **state)
{
	(void)state;
	assert_int_equal(iso_ok("1900-01-01"), -2208988800); /* timegm(1900,1,1) */
	assert_int_equal(iso_ok("2999-12-31T23:59:59Z"),
			 32503679999); /* timegm(2999,12,31,23,59,59) */
}

static void iso_leap_days_follow_gregorian_rules(void **state)
{
	(void)state;
	assert_int_equal(iso_ok("2000-02-29"), 951782400);  /* timegm(2000,2,29): /400 is leap */
	assert_int_equal(iso_ok("2024-02-29"), 1709164800); /* timegm(2024,2,29): /4 is leap */
	iso_bad("1900-02-29", "February 29 is only valid in leap years"); /* /100 is not */
	iso_bad("2100-02-29", "February 29 is only valid in leap years");
	iso_bad("2026-02-29", "February 29 is only valid in leap years");
	iso_bad("2024-02-30", "day is out of range for the month");
}

static void iso_reads_only_len_bytes(void **state)
{
	(void)state;
	const char *text = "2026-01-15T10:00:00Zgarbage";
	int64_t t = 0;
	assert_true(tp_time_parse_iso8601(text, 20, &t, NULL));
	assert_int_equal(t, 1768471200);
	assert_true(tp_time_parse_iso8601(text, 10, &t, NULL));
	assert_int_equal(t, 1768435200);
}

/* ISO 8601: rejected input ------------------------------------------------ */

static void iso_rejects_empty_text(void **state)
{
	(void)state;
	int64_t t;
	const char *why = NULL;
	iso_bad("", "the date is empty");
	assert_false(tp_time_parse_iso8601(NULL, 0, &t, &why));
	assert_string_equal(why, "the date is empty");
}

static void iso_rejects_wrong_date_shape(void **state)
{
	(void)state;
	iso_bad("2026-1-5", "expected YYYY-MM-DD");
	iso_bad("2026-01-5", "expected YYYY-MM-DD");
	iso_bad("26-01-15", "expected YYYY-MM-DD");
	iso_bad("20260115", "expected YYYY-MM-DD");
	iso_bad("2026/01/15", "expected YYYY-MM-DD");
	iso_bad("20260-01-15", "expected YYYY-MM-DD");
	iso_bad("-2026-01-15", "expected YYYY-MM-DD");
	iso_bad("2026-01-", "expected YYYY-MM-DD");
	iso_bad(" 2026-01-15", "expected YYYY-MM-DD");
	iso_bad("january", "expected YYYY-MM-DD");
}

static void iso_rejects_out_of_range_date_fields(void **state)
{
	(void)state;
	iso_bad("2026-13-01", "month is out of range (01-12)");
	iso_bad("2026-00-10", "month is out of range (01-12)");
	iso_bad("2026-01-00", "day is out of range for the month");
	iso_bad("2026-01-32", "day is out of range for the month");
	iso_bad("2026-04-31", "day is out of range for the month");
	iso_bad("1899-12-31", "year is out of range (1900-2999)");
	iso_bad("3000-01-01", "year is out of range (1900-2999)");
	iso_bad("0000-01-01", "year is out of range (1900-2999)");
}

static void iso_rejects_out_of_range_clock_fields(void **state)
{
	(void)state;
	iso_bad("2026-01-15T25:00", "hour is out of range (00-23)");
	iso_bad("2026-01-15T99:00:00Z", "hour is out of range (00-23)");
	iso_bad("2026-01-15T10:60", "minute is out of range (00-59)");
	iso_bad("2026-01-15T10:00:60", "second is out of range (00-59)");
}

static void iso_rejects_hour_24(void **state)
{
	(void)state;
	iso_bad("2026-01-15T24:00", "hour 24 is not accepted (use 00:00 of the next day)");
	iso_bad("2026-01-15T24:00:00Z", "hour 24 is not accepted (use 00:00 of the next day)");
}

static void iso_rejects_bad_offsets(void **state)
{
	(void)state;
	iso_bad("2026-01-15T10:00:00+25:00", "offset hour is out of range (00-23)");
	iso_bad("2026-01-15T10:00:00+02:60", "offset minute is out of range (00-59)");
	iso_bad("2026-01-15T10:00:00+2", "expected an offset like +02:00");
	iso_bad("2026-01-15T10:00:00+02:0", "expected an offset like +02:00");
	iso_bad("2026-01-15T10:00:00+020", "expected an offset like +02:00");
	iso_bad("2026-01-15T10:00:00+", "expected an offset like +02:00");
	iso_bad("2026-01-15T10:00:00+02:00:00", "unexpected text after the time");
}

static void iso_rejects_missing_or_partial_time(void **state)
{
	(void)state;
	iso_bad("2026-01-15T", "expected hh:mm after the date");
	iso_bad("2026-01-15 ", "expected hh:mm after the date");
	iso_bad("2026-01-15T10", "expected hh:mm after the date");
	iso_bad("2026-01-15T1:00", "expected hh:mm after the date");
	iso_bad("2026-01-15T10:0", "expected hh:mm after the date");
	iso_bad("2026-01-15T10:00:", "expected two digits of seconds");
	iso_bad("2026-01-15T10:00:00.", "expected digits after the decimal sign");
	iso_bad("2026-01-15T10:00:00.Z", "expected digits after the decimal sign");
}

static void iso_rejects_text_after(void **state)
{
	(void)state;
	iso_bad("2026-01-15x", "unexpected text after the date");
	iso_bad("2026-01-15Z", "unexpected text after the date");
	iso_bad("2026-01-15T10:00:00Z junk", "unexpected text after the time");
	iso_bad("2026-01-15T10:00:00 ", "unexpected text after the time");
	iso_bad("2026-01-15T10:00:00ZZ", "unexpected text after the time");
	iso_bad("2026-01-15T10:00.5", "unexpected text after the time");

	int64_t t;
	const char *why = NULL;
	assert_false(tp_time_parse_iso8601("2026-01-15\0", 11, &t, &why));
	assert_string_equal(why, "unexpected text after the date");
}

static void iso_accepts_null_why(void **state)
{
	(void)state;
	int64_t t;
	assert_false(tp_time_parse_iso8601("2026-13-01", 10, &t, NULL));
}

/* strptime-style formats ---------------------------------------------------- */

#define SURVEYMONKEY "%m/%d/%Y %I:%M:%S %p"
#define GOOGLE_FORMS "%m/%d/%Y %H:%M:%S"

static void format_reads_surveymonkey_exports(void **state)
{
	(void)state;
	/* timegm(2024,1,15,10,23,45) and timegm(2024,1,15,22,23,45) */
	assert_int_equal(fmt_ok("01/15/2024 10:23:45 AM", SURVEYMONKEY), 1705314225);
	assert_int_equal(fmt_ok("01/15/2024 10:23:45 PM", SURVEYMONKEY), 1705357425);
	assert_int_equal(fmt_ok("1/15/2024 10:23:45 pm", SURVEYMONKEY), 1705357425);
}

static void format_twelve_oclock_is_midnight_am_and_noon_pm(void **state)
{
	(void)state;
	/* timegm(2024,1,15,0,0,0), timegm(2024,1,15,0,30,0), timegm(2024,1,15,12,30,0) */
	assert_int_equal(fmt_ok("01/15/2024 12:00:00 AM", SURVEYMONKEY), 1705276800);
	assert_int_equal(fmt_ok("01/15/2024 12:30:00 AM", SURVEYMONKEY), 1705278600);
	assert_int_equal(fmt_ok("01/15/2024 12:30:00 PM", SURVEYMONKEY), 1705321800);
}

static void format_reads_google_forms_single_digits(void **state)
{
	(void)state;
	/* timegm(2024,1,15,9,3,0) */
	assert_int_equal(fmt_ok("1/15/2024 9:03:00", GOOGLE_FORMS), 1705309380);
	assert_int_equal(fmt_ok("01/15/2024 09:03:00", GOOGLE_FORMS), 1705309380);
}

static void format_accepts_meridiem_spellings(void **state)
{
	(void)state;
	const char *f = "%d/%m/%Y %I:%M:%S %p";
	/* timegm(2024,1,15,22,23,45) */
	assert_int_equal(fmt_ok("15/01/2024 10:23:45 p. m.", f), 1705357425);
	assert_int_equal(fmt_ok("15/01/2024 10:23:45 p.m.", f), 1705357425);
	assert_int_equal(fmt_ok("15/01/2024 10:23:45 P.M.", f), 1705357425);
	assert_int_equal(fmt_ok("15/01/2024 10:23:45 pM", f), 1705357425);
	/* U+00A0 inside "p. m.", as Windows' es-ES locale writes it */
	assert_int_equal(fmt_ok("15/01/2024 10:23:45 p.\xc2\xa0m.", f), 1705357425);
	/* timegm(2024,1,15,10,23,45) */
	assert_int_equal(fmt_ok("15/01/2024 10:23:45 a. m.", f), 1705314225);
	assert_int_equal(fmt_ok("15/01/2024 10:23:45 am", f), 1705314225);
	assert_int_equal(fmt_ok("15/01/2024 10:23:45 Am", f), 1705314225);
}

static void format_space_matches_runs_and_unicode_spaces(void **state)
{
	(void)state;
	/* timegm(2024,1,15,9,3,0) */
	assert_int_equal(fmt_ok("1/15/2024   9:03:00", GOOGLE_FORMS), 1705309380);
	/* U+202F (octal 342 200 257) before AM, as recent ICU writes it */
	assert_int_equal(fmt_ok("1/15/2024 9:03:00\342\200\257AM", SURVEYMONKEY), 1705309380);
	/* U+00A0 (octal 302 240) */
	assert_int_equal(fmt_ok("1/15/2024\302\2409:03:00", GOOGLE_FORMS), 1705309380);
}

static void format_two_digit_years_pivot_at_69(void **state)
{
	(void)state;
	assert_int_equal(fmt_ok("15/01/24", "%d/%m/%y"), 1705276800); /* timegm(2024,1,15) */
	assert_int_equal(fmt_ok("15/01/69", "%d/%m/%y"), -30326400);  /* timegm(1969,1,15) */
	assert_int_equal(fmt_ok("15/01/68", "%d/%m/%y"), 3093811200); /* timegm(2068,1,15) */
}

static void format_matches_literals_and_percent(void **state)
{
	(void)state;
	assert_int_equal(fmt_ok("100% 2024-01-15", "100%% %Y-%m-%d"), 1705276800);
	assert_int_equal(fmt_ok("2024.01.15 at 09h03", "%Y.%m.%d at %Hh%M"), 1705309380);
}

static void format_rejects_out_of_range_fields(void **state)
{
	(void)state;
	fmt_bad("13/15/2024 10:23:45 AM", SURVEYMONKEY, "month is out of range (01-12)");
	fmt_bad("02/29/2023 10:23:45 AM", SURVEYMONKEY, "February 29 is only valid in leap years");
	fmt_bad("02/29/1900 10:23:45", GOOGLE_FORMS, "February 29 is only valid in leap years");
	fmt_bad("04/31/2024 10:23:45", GOOGLE_FORMS, "day is out of range for the month");
	fmt_bad("1/15/2024 25:00:00", GOOGLE_FORMS, "hour is out of range (00-23)");
	fmt_bad("1/15/2024 24:00:00", GOOGLE_FORMS,
		"hour 24 is not accepted (use 00:00 of the next day)");
	fmt_bad("1/15/2024 9:60:00", GOOGLE_FORMS, "minute is out of range (00-59)");
	fmt_bad("1/15/2024 13:00:00 PM", SURVEYMONKEY, "hour is out of range (1-12)");
	fmt_bad("1/15/2024 0:00:00 AM", SURVEYMONKEY, "hour is out of range (1-12)");
	fmt_bad("1/15/1899 9:03:00", GOOGLE_FORMS, "year is out of range (1900-2999)");
}

static void format_rejects_text_that_does_not_match(void **state)
{
	(void)state;
	fmt_bad("", GOOGLE_FORMS, "the date is empty");
	fmt_bad("1/15/2024 9:03:00 XM", SURVEYMONKEY, "expected AM or PM (%p)");
	fmt_bad("1/15/2024 9:03:00 A", SURVEYMONKEY, "expected AM or PM (%p)");
	fmt_bad("1/15/2024 9:3:00", GOOGLE_FORMS, "expected two digits of minutes (%M)");
	fmt_bad("1/15/2024 9:03:0", GOOGLE_FORMS, "expected two digits of seconds (%S)");
	fmt_bad("1/15/24 9:03:00", GOOGLE_FORMS, "expected a 4-digit year (%Y)");
	fmt_bad("x/15/2024 9:03:00", GOOGLE_FORMS, "expected a month (%m)");
	fmt_bad("1/x/2024 9:03:00", GOOGLE_FORMS, "expected a day (%d)");
	fmt_bad("1/15/2024 x:03:00", GOOGLE_FORMS, "expected an hour (%H)");
	fmt_bad("1-15-2024 9:03:00", GOOGLE_FORMS, "text does not match the format");
	fmt_bad("1/15/2024", GOOGLE_FORMS, "text does not match the format");
	fmt_bad("1/15/20249:03:00", GOOGLE_FORMS, "text does not match the format");
	fmt_bad("115/2024 9:03:00", GOOGLE_FORMS, "text does not match the format");
	fmt_bad("1/15/2024 9:03:00 extra", GOOGLE_FORMS, "unexpected text at the end");
	fmt_bad("1/15/2024 9:03:00.5", GOOGLE_FORMS, "unexpected text at the end");
}

static void format_rejects_unusable_formats(void **state)
{
	(void)state;
	fmt_bad("2024-01-15", "%Y-%m-%Q", "the format has an unsupported conversion");
	fmt_bad("2024-01-15", "%Y-%m-%d%", "the format ends with a lone %");
	fmt_bad("2024-01", "%Y-%m", "the format needs a year, a month and a day");
	fmt_bad("1/15/2024 9:03", "%m/%d/%Y %I:%M", "the format needs both %I and %p");
	fmt_bad("1/15/2024 9:03 AM", "%m/%d/%Y %H:%M %p", "the format needs both %I and %p");
}

/* Output and day counts ----------------------------------------------------- */

static void format_utc_writes_iso_8601(void **state)
{
	(void)state;
	char buf[21];
	assert_string_equal(tp_time_format_utc(0, buf, sizeof buf), "1970-01-01T00:00:00Z");
	assert_string_equal(tp_time_format_utc(-1, buf, sizeof buf), "1969-12-31T23:59:59Z");
	/* datetime.utcfromtimestamp(1700000000) */
	assert_string_equal(tp_time_format_utc(1700000000, buf, sizeof buf),
			    "2023-11-14T22:13:20Z");
	/* timegm(9999,12,31,23,59,59) */
	assert_string_equal(tp_time_format_utc(253402300799, buf, sizeof buf),
			    "9999-12-31T23:59:59Z");
	/* year 0 is a leap year of 366 days before 0001-01-01, which is day
	 * date(1,1,1) - date(1970,1,1) = -719162: (-719162 - 366) * 86400 */
	assert_string_equal(tp_time_format_utc(-62167219200, buf, sizeof buf),
			    "0000-01-01T00:00:00Z");
}

static void format_utc_truncates_to_buffer(void **state)
{
	(void)state;
	char buf[5] = "xxxx";
	assert_string_equal(tp_time_format_utc(0, buf, sizeof buf), "1970");
	assert_ptr_equal(tp_time_format_utc(0, buf, 0), buf);
}

static void days_from_civil_known_dates(void **state)
{
	(void)state;
	assert_int_equal(tp_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(tp_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(tp_days_from_civil(2000, 3, 1), 11017);    /* date(2000,3,1) */
	assert_int_equal(tp_days_from_civil(1900, 1, 1), -25567);   /* date(1900,1,1) */
	assert_int_equal(tp_days_from_civil(2026, 1, 15), 20468);   /* date(2026,1,15) */
	assert_int_equal(tp_days_from_civil(2999, 12, 31), 376199); /* date(2999,12,31) */
	assert_int_equal(tp_days_from_civil(1, 1, 1), -719162);	    /* date(1,1,1) */
}

/* The test's own calendar, independent of the code under test. */
static int test_month_days(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* Every day of 1900-2999: consecutive day numbers, and each date survives
 * format -> parse and days -> format. 401767 days = (date(2999,12,31) -
 * date(1900,1,1)).days + 1. */
static void every_day_1900_to_2999_round_trips(void **state)
{
	(void)state;
	int y = 1900, m = 1, d = 1;
	int64_t expect = -25567, seen = 0;
	char date[48], formatted[21], want[64];

	for (;;) {
		assert_int_equal(tp_days_from_civil(y, m, d), expect);
		snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
		snprintf(want, sizeof want, "%sT00:00:00Z", date);
		tp_time_format_utc(expect * 86400, formatted, sizeof formatted);
		assert_string_equal(formatted, want);
		int64_t t = 0;
		assert_true(tp_time_parse_iso8601(date, strlen(date), &t, NULL));
		assert_int_equal(t, expect * 86400);
		seen++;
		if (y == 2999 && m == 12 && d == 31)
			break;
		expect++;
		if (++d > test_month_days(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	assert_int_equal(seen, 401767);
	assert_int_equal(expect, 376199);
}

/* Period ends as report --to and the API's to= read them: a date alone
 * includes that whole day, a date-time is exclusive. */
static void bound_end_of_day_only_for_a_date_alone(void **state)
{
	(void)state;
	int64_t t;
	const char *why = NULL;
	assert_true(tp_time_parse_bound("2026-03-31", false, &t, &why));
	assert_int_equal(t, 1774915200);
	assert_true(tp_time_parse_bound("2026-03-31", true, &t, &why));
	assert_int_equal(t, 1774915200 + 86400);
	assert_true(tp_time_parse_bound("2026-03-31T12:00:00Z", true, &t, &why));
	assert_int_equal(t, 1774915200 + 43200);
	assert_false(tp_time_parse_bound("2026-02-30", true, &t, &why));
	assert_non_null(why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(iso_date_alone_is_midnight_utc),
	    cmocka_unit_test(iso_z_and_no_offset_are_utc),
	    cmocka_unit_test(iso_offset_is_subtracted_to_reach_utc),
	    cmocka_unit_test(iso_offset_may_cross_the_day_and_year),
	    cmocka_unit_test(iso_fractions_are_truncated),
	    cmocka_unit_test(iso_year_range_ends_are_accepted),
	    cmocka_unit_test(iso_leap_days_follow_gregorian_rules),
	    cmocka_unit_test(iso_reads_only_len_bytes),
	    cmocka_unit_test(iso_rejects_empty_text),
	    cmocka_unit_test(iso_rejects_wrong_date_shape),
	    cmocka_unit_test(iso_rejects_out_of_range_date_fields),
	    cmocka_unit_test(iso_rejects_out_of_range_clock_fields),
	    cmocka_unit_test(iso_rejects_hour_24),
	    cmocka_unit_test(iso_rejects_bad_offsets),
	    cmocka_unit_test(iso_rejects_missing_or_partial_time),
	    cmocka_unit_test(iso_rejects_text_after),
	    cmocka_unit_test(iso_accepts_null_why),
	    cmocka_unit_test(format_reads_surveymonkey_exports),
	    cmocka_unit_test(format_twelve_oclock_is_midnight_am_and_noon_pm),
	    cmocka_unit_test(format_reads_google_forms_single_digits),
	    cmocka_unit_test(format_accepts_meridiem_spellings),
	    cmocka_unit_test(format_space_matches_runs_and_unicode_spaces),
	    cmocka_unit_test(format_two_digit_years_pivot_at_69),
	    cmocka_unit_test(format_matches_literals_and_percent),
	    cmocka_unit_test(format_rejects_out_of_range_fields),
	    cmocka_unit_test(format_rejects_text_that_does_not_match),
	    cmocka_unit_test(format_rejects_unusable_formats),
	    cmocka_unit_test(format_utc_writes_iso_8601),
	    cmocka_unit_test(format_utc_truncates_to_buffer),
	    cmocka_unit_test(days_from_civil_known_dates),
	    cmocka_unit_test(every_day_1900_to_2999_round_trips),
	    cmocka_unit_test(bound_end_of_day_only_for_a_date_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
