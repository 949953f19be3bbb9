/* web/access_log.c - the server's structured access log: one JSON object
 * a line on the FILE* the front end gave. Only the request line's method
 * and path (never the query string, headers or bodies, which may hold
 * personal data or secrets), the status, the bytes sent and the time.
 * Survey tokens are secrets too: /s/TOKEN is logged as /s/{token}. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/utf8.h"
#include "web/web_internal.h"

/* "2026-01-15T10:00:00.123Z" */
static void now_text(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

void web_log_access(FILE *log, const char *method, const char *path, unsigned status,
		    uint64_t bytes, double duration_ms)
{
	if (!log)
		return;
	char redacted[64];
	if (path && strncmp(path, "/s/", 3) == 0) {
		const char *rest = path + 3 + strcspn(path + 3, "/");
		snprintf(redacted, sizeof redacted, "/s/{token}%.40s", rest);
		path = redacted;
	}
	char when[40];
	now_text(when, sizeof when);
	/* A path that is not UTF-8 cannot be a JSON string: it is replaced. */
	bool utf8 = path && tp_utf8_valid(path, strlen(path), NULL);
	json_t *line = json_pack("{s:s, s:s, s:s, s:I, s:I, s:f}", "time", when, "method",
				 method ? method : "", "path",
				 utf8	? path
				 : path ? "(not UTF-8)"
					: "",
				 "status", (json_int_t)status, "bytes", (json_int_t)bytes,
				 "duration_ms", (double)((int64_t)(duration_ms * 1000.0)) / 1000.0);
	char *text = line ? json_dumps(line, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
	if (text) {
		/* One call: stdio's lock keeps concurrent lines whole. */
		fprintf(log, "%s\n", text);
		fflush(log);
	}
	free(text);
	json_decref(line);
}
