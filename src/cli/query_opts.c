/* cli/query_opts.c - the filter options `report` and `map` share:
 * --from, --to and --where, turned into a struct tp_query, and the one-line
 * description of a query's period and filters for their titles. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "touchpoint/time.h"

void cli_query_init(struct cli_query *cq)
{
	memset(cq, 0, sizeof *cq);
	tp_query_init(&cq->q);
}

void cli_query_free(struct cli_query *cq)
{
	if (!cq)
		return;
	for (size_t i = 0; i < TP_QUERY_WHERE_MAX; i++) {
		free(cq->where_buf[i]);
		cq->where_buf[i] = NULL;
	}
}

int cli_parse_date(const char *cmd, const char *opt, const char *text, bool end_of_day,
		   int64_t *out)
{
	const char *why = NULL;
	if (!tp_time_parse_bound(text, end_of_day, out, &why))
		return cli_usage(cmd,
				 "--%s \"%s\": %s; expected an ISO 8601 date (2026-01-31) or "
				 "date-time (2026-01-31T12:00:00Z)",
				 opt, text, why ? why : "invalid date");
	return CLI_OK;
}

static int add_where(struct cli_query *cq, const char *cmd, const char *arg)
{
	struct tp_query *q = &cq->q;
	if (q->n_where >= TP_QUERY_WHERE_MAX)
		return cli_usage(cmd, "at most %d --where filters", TP_QUERY_WHERE_MAX);
	if (!strchr(arg, '='))
		return cli_usage(cmd, "--where needs NAME=VALUE, not \"%s\"", arg);
	char *buf = malloc(strlen(arg) + 1);
	if (!buf) {
		fputs("touchpoint: out of memory\n", stderr);
		return CLI_USER_ERROR;
	}
	if (!tp_where_parse(arg, buf, &q->where[q->n_where])) {
		free(buf);
		return cli_usage(cmd, "--where needs NAME=VALUE with a NAME, not \"%s\"", arg);
	}
	cq->where_buf[q->n_where++] = buf;
	return CLI_OK;
}

int cli_query_filter(struct cli_query *cq, const char *cmd, const char *opt, const char *arg)
{
	if (strcmp(opt, "where") == 0)
		return add_where(cq, cmd, arg);
	bool to = strcmp(opt, "to") == 0;
	int64_t t;
	int rc = cli_parse_date(cmd, opt, arg, to, &t);
	if (rc != CLI_OK)
		return rc;
	if (to) {
		cq->q.has_to = true;
		cq->q.to = t;
		cq->to_text = arg;
	} else {
		cq->q.has_from = true;
		cq->q.from = t;
		cq->from_text = arg;
	}
	return CLI_OK;
}

/* Appends printf-style text to buf[*len..size), truncating silently. */
static void append(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	if (*len >= size)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len = *len + (size_t)n < size ? *len + (size_t)n : size - 1;
}

const char *cli_until_word(const char *to_text)
{
	return strlen(to_text) == 10 ? "through" : "before";
}

const char *cli_query_describe(const struct cli_query *cq, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	if (cq->from_text && cq->to_text)
		append(buf, size, &len, "%s %s %s", cq->from_text, cli_until_word(cq->to_text),
		       cq->to_text);
	else if (cq->from_text)
		append(buf, size, &len, "since %s", cq->from_text);
	else if (cq->to_text)
		append(buf, size, &len, "%s %s", cli_until_word(cq->to_text), cq->to_text);
	else
		append(buf, size, &len, "all dates");
	const struct tp_query *q = &cq->q;
	for (size_t i = 0; i < q->n_where; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(q->where[j].name, q->where[i].name) == 0;
		if (seen)
			continue;
		append(buf, size, &len, "%s%s=%s", i ? ", " : ", where ", q->where[i].name,
		       q->where[i].value);
		for (size_t k = i + 1; k < q->n_where; k++)
			if (strcmp(q->where[k].name, q->where[i].name) == 0)
				append(buf, size, &len, " or %s", q->where[k].value);
	}
	return buf;
}
