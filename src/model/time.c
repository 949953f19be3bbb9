/* model/time.c - timestamps in text to UTC seconds since 1970, and back.
 *
 * All calendar arithmetic is done here on the proleptic Gregorian calendar;
 * nothing consults the C library's time zone machinery (no mktime, timegm,
 * localtime or TZ), so results never depend on the machine's settings.
 *
 * Decisions a caller may rely on:
 *  - Written dates must have years 1900-2999. An offset may carry the UTC
 *    instant just outside that range (2999-12-31T23:00-05:00 is accepted).
 *  - Hour 24 ("24:00", end of day in ISO 8601:2004) is rejected, as RFC 3339
 *    does: write 00:00 of the next day. Leap second 60 is rejected too.
 *  - ISO 8601 accepts lower-case 't' and 'z' (RFC 3339 section 5.6) and a
 *    comma as the decimal sign; fractions are truncated, never rounded.
 *    Offsets are -23:59..+23:59; "-00:00" means UTC.
 *  - In formats, %p takes AM/PM in any case, with or without dots and with
 *    an optional space between the letters ("a.m.", "p. m." as Spanish
 *    exports write them); %I and %p must come together. %y is POSIX's
 *    pivot: 69-99 are 1969-1999, 00-68 are 2000-2068. A space in the format
 *    matches one or more spaces, no-break spaces (U+00A0) or narrow no-break
 *    spaces (U+202F), which spreadsheet and browser exports put before AM.
 *
 * Failure reasons are constant strings; callers quote the offending text. */
#include <stdio.h>
#include <string.h>

#include "touchpoint/time.h"

#define SECONDS_PER_DAY 86400
#define YEAR_MIN 1900
#define YEAR_MAX 2999

/* A cursor over text that need not be NUL-terminated. */
struct scan {
	const char *p;
	const char *end;
};

static bool fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return false;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool at(const struct scan *s, char c)
{
	return s->p < s->end && *s->p == c;
}

/* Consumes c when it is next; says whether it was. */
static bool eat(struct scan *s, char c)
{
	if (!at(s, c))
		return false;
	s->p++;
	return true;
}

/* Reads at least min and at most max decimal digits into *val. */
static bool number(struct scan *s, int min, int max, int *val)
{
	int n = 0, v = 0;
	while (n < max && s->p < s->end && is_digit(*s->p)) {
		v = v * 10 + (*s->p - '0');
		s->p++;
		n++;
	}
	*val = v;
	return n >= min;
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

static const char *check_date(int y, int m, int d)
{
	if (y < YEAR_MIN || y > YEAR_MAX)
		return "year is out of range (1900-2999)";
	if (m < 1 || m > 12)
		return "month is out of range (01-12)";
	if (m == 2 && d == 29 && !is_leap(y))
		return "February 29 is only valid in leap years";
	if (d < 1 || d > days_in_month(y, m))
		return "day is out of range for the month";
	return NULL;
}

static const char *check_clock(int h, int mi, int sec)
{
	if (h == 24)
		return "hour 24 is not accepted (use 00:00 of the next day)";
	if (h > 23)
		return "hour is out of range (00-23)";
	if (mi > 59)
		return "minute is out of range (00-59)";
	if (sec > 59)
		return "second is out of range (00-59)";
	return NULL;
}

/* Days from 1970-01-01 to 0000-03-01 (a March-based year 0), negated. */
#define DAYS_0000_03_01_TO_EPOCH 719468
#define DAYS_PER_ERA 146097 /* 400 Gregorian years */

/* Counts years from March so that the leap day is the last day of a year;
 * then a 400-year era has a fixed length and the day of the year follows
 * from the month by (153 * month + 2) / 5. After H. Hinnant, "chrono-
 * Compatible Low-Level Date Algorithms", days_from_civil. */
int64_t tp_days_from_civil(int year, int month, int day)
{
	int64_t y = (int64_t)year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t year_of_era = y - era * 400;
	int64_t march_month = month > 2 ? month - 3 : month + 9;
	int64_t day_of_year = (153 * march_month + 2) / 5 + day - 1;
	int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	return era * DAYS_PER_ERA + day_of_era - DAYS_0000_03_01_TO_EPOCH;
}

/* The inverse of tp_days_from_civil, by the same March-based eras. */
static void civil_from_days(int64_t days, int64_t *year, int *month, int *day)
{
	int64_t z = days + DAYS_0000_03_01_TO_EPOCH;
	int64_t era = (z >= 0 ? z : z - (DAYS_PER_ERA - 1)) / DAYS_PER_ERA;
	int64_t doe = z - era * DAYS_PER_ERA;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / (DAYS_PER_ERA - 1)) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = yoe + era * 400 + (*month <= 2);
}

static int64_t to_seconds(int y, int m, int d, int h, int mi, int sec)
{
	return tp_days_from_civil(y, m, d) * SECONDS_PER_DAY + h * 3600 + mi * 60 + sec;
}

/* ISO 8601 --------------------------------------------------------------- */

static const char *iso_date(struct scan *s, int *y, int *m, int *d)
{
	if (!number(s, 4, 4, y) || !eat(s, '-') || !number(s, 2, 2, m) || !eat(s, '-') ||
	    !number(s, 2, 2, d))
		return "expected YYYY-MM-DD";
	return check_date(*y, *m, *d);
}

/* Skips ".fraction" or ",fraction" after the seconds: it is truncated. */
static const char *iso_fraction(struct scan *s)
{
	int ignored;
	if (!eat(s, '.') && !eat(s, ','))
		return NULL;
	if (!number(s, 1, 1, &ignored))
		return "expected digits after the decimal sign";
	while (s->p < s->end && is_digit(*s->p))
		s->p++;
	return NULL;
}

static const char *iso_clock(struct scan *s, int *h, int *mi, int *sec)
{
	*sec = 0;
	if (!number(s, 2, 2, h) || !eat(s, ':') || !number(s, 2, 2, mi))
		return "expected hh:mm after the date";
	if (eat(s, ':')) {
		if (!number(s, 2, 2, sec))
			return "expected two digits of seconds";
		const char *why = iso_fraction(s);
		if (why)
			return why;
	}
	return check_clock(*h, *mi, *sec);
}

/* Reads Z, z, +hh:mm, +hhmm or +hh (or -) into seconds east of UTC. */
static const char *iso_offset(struct scan *s, int64_t *offset)
{
	int sign, oh, om = 0;
	*offset = 0;
	if (s->p == s->end || eat(s, 'Z') || eat(s, 'z'))
		return NULL;
	if (eat(s, '+'))
		sign = 1;
	else if (eat(s, '-'))
		sign = -1;
	else
		return "unexpected text after the time";
	if (!number(s, 2, 2, &oh))
		return "expected an offset like +02:00";
	if ((eat(s, ':') || (s->p < s->end && is_digit(*s->p))) && !number(s, 2, 2, &om))
		return "expected an offset like +02:00";
	if (oh > 23)
		return "offset hour is out of range (00-23)";
	if (om > 59)
		return "offset minute is out of range (00-59)";
	*offset = sign * (int64_t)(oh * 3600 + om * 60);
	return NULL;
}

bool tp_time_parse_iso8601(const char *text, size_t len, int64_t *out, const char **why)
{
	struct scan s = {text, text + len};
	int y, m, d, h = 0, mi = 0, sec = 0;
	int64_t offset = 0;
	const char *reason;

	if (!text || len == 0)
		return fail(why, "the date is empty");
	reason = iso_date(&s, &y, &m, &d);
	if (reason)
		return fail(why, reason);
	if (s.p < s.end) {
		if (!eat(&s, 'T') && !eat(&s, 't') && !eat(&s, ' '))
			return fail(why, "unexpected text after the date");
		reason = iso_clock(&s, &h, &mi, &sec);
		if (!reason)
			reason = iso_offset(&s, &offset);
		if (!reason && s.p < s.end)
			reason = "unexpected text after the time";
		if (reason)
			return fail(why, reason);
	}
	*out = to_seconds(y, m, d, h, mi, sec) - offset;
	return true;
}

/* strptime-style formats --------------------------------------------------- */

/* What a format has read so far; -1 marks a field not seen. */
struct fields {
	int year, month, day, hour, minute, second;
	int hour12; /* %I's value, 1-12 */
	int pm;	    /* %p: 0 AM, 1 PM */
};

/* Bytes of one space at p: ' ', U+00A0 or U+202F in UTF-8; 0 if none. */
static size_t space_len(const struct scan *s)
{
	const unsigned char *u = (const unsigned char *)s->p;
	size_t left = (size_t)(s->end - s->p);
	if (left >= 1 && u[0] == ' ')
		return 1;
	if (left >= 2 && u[0] == 0xC2 && u[1] == 0xA0)
		return 2;
	if (left >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0xAF)
		return 3;
	return 0;
}

static bool eat_spaces(struct scan *s)
{
	size_t n, total = 0;
	while ((n = space_len(s)) > 0) {
		s->p += n;
		total += n;
	}
	return total > 0;
}

static bool eat_letter(struct scan *s, char lower)
{
	return eat(s, lower) || eat(s, (char)(lower - 'a' + 'A'));
}

/* AM, pm, a.m., "p. m." (Spanish), in any case. */
static const char *meridiem(struct scan *s, int *pm)
{
	if (eat_letter(s, 'a'))
		*pm = 0;
	else if (eat_letter(s, 'p'))
		*pm = 1;
	else
		return "expected AM or PM (%p)";
	if (eat(s, '.') && space_len(s) > 0)
		s->p += space_len(s);
	if (!eat_letter(s, 'm'))
		return "expected AM or PM (%p)";
	eat(s, '.');
	return NULL;
}

/* Reads min..max digits into *out; ranges are checked once all fields are in. */
static const char *field(struct scan *s, int min, int max, int *out, const char *missing)
{
	if (!number(s, min, max, out))
		return missing;
	return NULL;
}

static const char *two_digit_year(struct scan *s, int *year)
{
	int yy;
	if (!number(s, 2, 2, &yy))
		return "expected a 2-digit year (%y)";
	*year = yy >= 69 ? 1900 + yy : 2000 + yy;
	return NULL;
}

static const char *conversion(struct scan *s, char c, struct fields *f)
{
	switch (c) {
	case 'Y':
		return field(s, 4, 4, &f->year, "expected a 4-digit year (%Y)");
	case 'y':
		return two_digit_year(s, &f->year);
	case 'm':
		return field(s, 1, 2, &f->month, "expected a month (%m)");
	case 'd':
		return field(s, 1, 2, &f->day, "expected a day (%d)");
	case 'H':
		return field(s, 1, 2, &f->hour, "expected an hour (%H)");
	case 'I':
		return field(s, 1, 2, &f->hour12, "expected an hour (%I)");
	case 'M':
		return field(s, 2, 2, &f->minute, "expected two digits of minutes (%M)");
	case 'S':
		return field(s, 2, 2, &f->second, "expected two digits of seconds (%S)");
	case 'p':
		return meridiem(s, &f->pm);
	case '%':
		return eat(s, '%') ? NULL : "text does not match the format";
	}
	return "the format has an unsupported conversion";
}

/* Walks format over text, filling f. */
static const char *walk(struct scan *s, const char *format, struct fields *f)
{
	for (const char *fp = format; *fp; fp++) {
		const char *why = NULL;
		if (*fp == '%') {
			fp++;
			if (!*fp)
				return "the format ends with a lone %";
			why = conversion(s, *fp, f);
		} else if (*fp == ' ') {
			while (fp[1] == ' ')
				fp++;
			if (!eat_spaces(s))
				why = "text does not match the format";
		} else if (!eat(s, *fp)) {
			why = "text does not match the format";
		}
		if (why)
			return why;
	}
	return s->p < s->end ? "unexpected text at the end" : NULL;
}

/* Turns %I and %p into a 24-hour clock; they only make sense together. */
static const char *resolve_hour(struct fields *f)
{
	if ((f->hour12 >= 0) != (f->pm >= 0))
		return "the format needs both %I and %p";
	if (f->hour12 < 0)
		return NULL;
	if (f->hour12 < 1 || f->hour12 > 12)
		return "hour is out of range (1-12)";
	f->hour = f->hour12 % 12 + (f->pm ? 12 : 0);
	return NULL;
}

static const char *resolve(struct fields *f)
{
	const char *why = resolve_hour(f);
	if (why)
		return why;
	if (f->year < 0 || f->month < 0 || f->day < 0)
		return "the format needs a year, a month and a day";
	why = check_date(f->year, f->month, f->day);
	if (why)
		return why;
	if (f->hour < 0)
		f->hour = 0;
	if (f->minute < 0)
		f->minute = 0;
	if (f->second < 0)
		f->second = 0;
	return check_clock(f->hour, f->minute, f->second);
}

bool tp_time_parse_format(const char *text, size_t len, const char *format, int64_t *out,
			  const char **why)
{
	struct fields f = {-1, -1, -1, -1, -1, -1, -1, -1};
	struct scan s = {text, text + len};
	const char *reason;

	if (!text || len == 0)
		return fail(why, "the date is empty");
	if (!format)
		return fail(why, "the format is empty");
	reason = walk(&s, format, &f);
	if (!reason)
		reason = resolve(&f);
	if (reason)
		return fail(why, reason);
	*out = to_seconds(f.year, f.month, f.day, f.hour, f.minute, f.second);
	return true;
}

/* Output ----------------------------------------------------------------- */

char *tp_time_format_utc(int64_t seconds, char *buf, size_t size)
{
	int64_t days = seconds / SECONDS_PER_DAY, rest = seconds % SECONDS_PER_DAY, year;
	int month, day;

	if (!buf || size == 0)
		return buf;
	if (rest < 0) {
		rest += SECONDS_PER_DAY;
		days--;
	}
	civil_from_days(days, &year, &month, &day);
	snprintf(buf, size, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)year, month, day,
		 (int)(rest / 3600), (int)(rest / 60 % 60), (int)(rest % 60));
	return buf;
}

bool tp_time_parse_bound(const char *text, bool end_of_day, int64_t *out, const char **why)
{
	size_t len = strlen(text);
	if (!tp_time_parse_iso8601(text, len, out, why))
		return false;
	/* A date alone is midnight; "to 2026-03-31" means through that day. */
	if (end_of_day && len == 10)
		*out += 86400;
	return true;
}
