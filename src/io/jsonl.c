/* io/jsonl.c - rows of named text fields from a JSON Lines file.
 *
 * Reads one line at a time through its own bounded line buffer (a line may
 * not be longer than JSONL_LINE_MAX) and parses it with jansson; a row's
 * fields point into the parsed document, kept until the next row, and into
 * arrays (io/json_row.h) that grow to the largest row, so a row costs no
 * allocation once they are big enough.
 *
 * Limits and behaviour: see io/jsonl.h. */
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/json_row.h"
#include "io/jsonl.h"

#define JSONL_BLOCK (64u << 10)
#define JSONL_LINE_MAX (8u << 20)

/* The lines of a JSON Lines file: buf[start..end) is read and not yet
 * returned; buf[start..scan) is known to hold no newline. */
struct lines {
	FILE *f;
	char *buf;
	size_t cap, start, end, scan;
	bool eof;
	long line; /* the line returned last */
	int64_t consumed, total;
};

struct tp_jsonl_reader {
	struct lines in;
	json_t *doc;		   /* the document of the row returned last */
	struct tp_json_row fields; /* of the row returned last */
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* --- lines --- */

/* Returns the next line (without its CR LF or LF) in *s, *n: 1 with a
 * line, 0 at the end, -1 on an error. */
static int read_line(struct lines *in, const char **s, size_t *n, struct tp_error *err)
{
	for (;;) {
		char *nl = memchr(in->buf + in->scan, '\n', in->end - in->scan);
		size_t end = nl ? (size_t)(nl - in->buf) : in->end;
		if (end - in->start > JSONL_LINE_MAX) {
			tp_error_set(err, TP_ELIMIT, "line %ld: longer than %u bytes (the limit)",
				     in->line + 1, JSONL_LINE_MAX);
			return -1;
		}
		if (nl || (in->eof && in->start < in->end)) {
			*s = in->buf + in->start;
			*n = end - in->start;
			in->consumed += (int64_t)(end - in->start) + (nl ? 1 : 0);
			in->start = in->scan = nl ? end + 1 : end;
			if (*n && (*s)[*n - 1] == '\r')
				(*n)--;
			if (++in->line == 1 && *n >= 3 && memcmp(*s, "\xef\xbb\xbf", 3) == 0) {
				*s += 3;
				*n -= 3;
			}
			return 1;
		}
		in->scan = in->end;
		if (in->eof)
			return 0;
		if (in->start > 0) {
			memmove(in->buf, in->buf + in->start, in->end - in->start);
			in->end -= in->start;
			in->scan -= in->start;
			in->start = 0;
		}
		if (in->end == in->cap) {
			/* Up to a line over the limit: the check above stops it. */
			size_t cap = in->cap * 2;
			if (cap > JSONL_LINE_MAX + JSONL_BLOCK)
				cap = JSONL_LINE_MAX + JSONL_BLOCK;
			char *buf = realloc(in->buf, cap);
			if (!buf) {
				tp_error_set(err, TP_ENOMEM, "line %ld: out of memory",
					     in->line + 1);
				return -1;
			}
			in->buf = buf;
			in->cap = cap;
		}
		size_t got = fread(in->buf + in->end, 1, in->cap - in->end, in->f);
		in->end += got;
		if (got == 0 && ferror(in->f)) {
			tp_error_set(err, TP_EIO, "line %ld: cannot read the file: %s",
				     in->line + 1, strerror(errno));
			return -1;
		}
		in->eof = got == 0;
	}
}

/* --- values --- */

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_space(s[i]))
			return false;
	return true;
}

/* --- the interface --- */

enum tp_status tp_jsonl_open(const char *path, struct tp_jsonl_reader **out, struct tp_error *err)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return tp_error_set(err, TP_EIO, "%s: %s", path, strerror(errno));
	struct tp_jsonl_reader *r = calloc(1, sizeof *r);
	if (!r) {
		fclose(f);
		return tp_error_set(err, TP_ENOMEM, "%s: out of memory", path);
	}
	struct lines *in = &r->in;
	in->f = f;
	struct stat st;
	if (fstat(fileno(in->f), &st) == 0 && S_ISREG(st.st_mode))
		in->total = st.st_size;
	in->cap = JSONL_BLOCK;
	in->buf = malloc(in->cap);
	if (!in->buf) {
		tp_jsonl_free(r);
		return tp_error_set(err, TP_ENOMEM, "%s: out of memory", path);
	}
	*out = r;
	return TP_OK;
}

int tp_jsonl_next(struct tp_jsonl_reader *r, struct tp_table_row *row, struct tp_error *err)
{
	const char *s;
	size_t n;
	int got;
	json_decref(r->doc);
	r->doc = NULL;
	do {
		got = read_line(&r->in, &s, &n, err);
	} while (got == 1 && blank(s, n));
	if (got != 1)
		return got;
	long line = r->in.line;
	*row = (struct tp_table_row){.line = line, .raw = s, .raw_len = n};
	json_error_t jerr;
	r->doc = json_loadb(s, n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!r->doc) {
		tp_error_set(err, TP_EINPUT, "line %ld: invalid JSON at column %d: %s", line,
			     jerr.column, jerr.text);
		return 2;
	}
	if (!json_is_object(r->doc)) {
		tp_error_set(err, TP_EINPUT, "line %ld: expected a JSON object, found %s", line,
			     tp_json_kind(r->doc));
		return 2;
	}
	got = tp_json_row_fill(&r->fields, r->doc, row, err);
	if (got != 1) {
		row->n = 0;
		tp_error_prefix(err, "line %ld", line);
	}
	return got;
}

int64_t tp_jsonl_bytes_read(const struct tp_jsonl_reader *r)
{
	return r->in.consumed;
}

int64_t tp_jsonl_bytes_total(const struct tp_jsonl_reader *r)
{
	return r->in.total;
}

void tp_jsonl_free(struct tp_jsonl_reader *r)
{
	if (!r)
		return;
	if (r->in.f)
		fclose(r->in.f);
	free(r->in.buf);
	json_decref(r->doc);
	tp_json_row_free(&r->fields);
	free(r);
}
