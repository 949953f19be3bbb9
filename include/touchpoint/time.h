/* touchpoint/time.h - timestamps: ISO 8601 in, UTC seconds out.
 *
 * touchpoint stores every instant as seconds since 1970-01-01T00:00:00Z
 * (int64_t). Input without an offset is taken as UTC. */
#ifndef TOUCHPOINT_TIME_H
#define TOUCHPOINT_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses an ISO 8601 date or date-time: YYYY-MM-DD, then optionally 'T' or
 * ' ', hh:mm[:ss[.fraction]], then optionally 'Z' or an offset +hh:mm,
 * +hhmm or +hh. Fractions of a second are truncated. A date alone is
 * midnight UTC. Years 1900-2999 only. Fields are range-checked (Feb 30 is an
 * error). On success writes UTC seconds to *out and returns true; on failure
 * returns false and, if why is not NULL, points it at a constant reason. */
bool tp_time_parse_iso8601(const char *text, size_t len, int64_t *out, const char **why);

/* Parses the end of a period as `report --from/--to` and the API take it:
 * tp_time_parse_iso8601(), and with end_of_day a date alone (YYYY-MM-DD)
 * means the instant after that day, so "to 2026-03-31" includes that day
 * while a date-time is exclusive. Same return contract. */
bool tp_time_parse_bound(const char *text, bool end_of_day, int64_t *out, const char **why);

/* Parses text by a strptime-style format limited to these conversions:
 * %Y %m %d %H %I %M %S %p %y and %%; other characters must match literally
 * (a space matches one or more spaces). Single-digit months, days and hours
 * are accepted ("1/5/2024 9:03:00"). The result is taken as UTC. Same return
 * contract as tp_time_parse_iso8601. */
bool tp_time_parse_format(const char *text, size_t len, const char *format, int64_t *out,
			  const char **why);

/* Writes seconds as "YYYY-MM-DDThh:mm:ssZ" into buf (at least 21 bytes).
 * Returns buf. This function can't fail for years 0-9999. */
char *tp_time_format_utc(int64_t seconds, char *buf, size_t size);

/* Days since 1970-01-01 of a proleptic Gregorian civil date. */
int64_t tp_days_from_civil(int year, int month, int day);

#endif
