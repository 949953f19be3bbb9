/* io/csv_reader.c - streaming CSV records with line numbers, over libcsv.
 *
 * The file is read in blocks of READ_BLOCK bytes and handed to libcsv in
 * slices of PARSE_SLICE bytes. libcsv calls back once per field and once per
 * line end; the callbacks copy the fields of complete records into a queue
 * that tp_csv_reader_next() hands out one at a time. Only the records of one
 * slice and one unfinished record are ever held, so memory does not grow
 * with the file. It is bounded by the limits: a field's bytes
 * (TP_CSV_FIELD_MAX, enforced inside libcsv's own buffer by a capped
 * realloc, so an endless field stops as soon as it passes the limit), the
 * fields of a record (TP_CSV_FIELDS_MAX) and the bytes of a whole record
 * (RECORD_MAX, a private limit: without it 10,000 fields of 4 MiB each
 * would be allowed).
 *
 * Line numbers: libcsv runs with CSV_REPALL_NL, so every CR or LF outside
 * quotes reaches the row callback, blank lines included; line ends inside
 * quoted fields are counted from the field's text. CRLF, LF and a lone CR
 * each end one physical line.
 *
 * libcsv runs in its lenient mode: a quote inside an unquoted field is text
 * (5" screen), and spaces and tabs around an unquoted field are dropped
 * (quoted fields keep theirs). For csv_fini() alone strict checking is
 * switched on, so that a quoted field still open at the end of the file is
 * an error instead of being taken as ending there.
 *
 * This file knows nothing of headers or column names (see io/table.c). */
#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/csv_reader.h"

#define READ_BLOCK (1u << 20)
#define PARSE_SLICE (64u << 10)
#define RECORD_MAX (4 * (size_t)TP_CSV_FIELD_MAX)

/* libcsv keeps a field, plus its closing quote, in one buffer that it grows
 * by LIBCSV_STEP bytes at a time through our realloc; refusing to go past
 * LIBCSV_CAP makes csv_parse() stop with CSV_ENOMEM once a field exceeds
 * TP_CSV_FIELD_MAX, so that buffer never holds more than the limit. */
#define LIBCSV_STEP (64u << 10)
#define LIBCSV_CAP ((size_t)TP_CSV_FIELD_MAX + 2)

#define LIBCSV_OPTIONS CSV_REPALL_NL

struct queued {
	long line;
	size_t first; /* index of its first field in off[]/len[] */
	size_t n;
};

struct tp_csv_reader {
	FILE *f;
	struct csv_parser parser;
	char delimiter;
	unsigned char *in; /* the block read last; in[in_pos..in_len) not parsed */
	size_t in_len, in_pos;
	bool eof;      /* the file has no more bytes */
	bool finished; /* csv_fini() has run */
	int64_t bytes_read, bytes_total;

	long line;	  /* physical line of the next byte libcsv reports on */
	bool after_cr;	  /* the last thing reported was a CR ending a line */
	bool quotes_seen; /* fields of this slice may be quoted (and hold line ends) */

	bool in_record; /* a record has begun and not ended */
	long rec_line;
	size_t rec_first, rec_bytes;

	/* Fields of the queued records and of the unfinished one, NUL-ended in
	 * text at off[i], len[i] bytes long. */
	char *text;
	size_t text_len, text_cap;
	size_t *off, *len;
	size_t n_fields, fields_cap;
	struct queued *recs;
	size_t n_recs, recs_cap, head;
	char **ptrs; /* the fields handed out last */
	size_t ptrs_cap;

	enum tp_status status; /* the first error; TP_OK while reading goes on */
	char message[TP_ERROR_MESSAGE_MAX];
};

/* Records the first error; it is returned after the records before it. */
__attribute__((format(printf, 3, 4))) static void fail(struct tp_csv_reader *r,
						       enum tp_status status, const char *fmt, ...)
{
	if (r->status != TP_OK)
		return;
	r->status = status;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof r->message, fmt, ap);
	va_end(ap);
}

/* --- growing arrays --- */

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap : 64;
	while (n < need)
		n *= 2;
	void *q = realloc(*p, n * size);
	if (!q)
		return false;
	*p = q;
	*cap = n;
	return true;
}

static bool reserve_field(struct tp_csv_reader *r, size_t bytes)
{
	if (!grow((void **)&r->text, &r->text_cap, r->text_len + bytes, 1))
		return false;
	size_t cap = r->fields_cap;
	if (!grow((void **)&r->off, &cap, r->n_fields + 1, sizeof *r->off))
		return false;
	cap = r->fields_cap;
	if (!grow((void **)&r->len, &cap, r->n_fields + 1, sizeof *r->len))
		return false;
	r->fields_cap = cap;
	return true;
}

/* --- libcsv callbacks --- */

/* Physical line ends in a quoted field's text: CRLF, LF or a lone CR. */
static long line_ends(const char *s, size_t n)
{
	long count = 0;
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] > '\r')
			continue;
		if (s[i] == '\n')
			count++;
		else if (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n'))
			count++;
	}
	return count;
}

static void start_record(struct tp_csv_reader *r)
{
	r->in_record = true;
	r->rec_line = r->line;
	r->rec_first = r->n_fields;
	r->rec_bytes = 0;
}

/* Checks a field of n bytes, the k-th (0-based) of its record. */
static bool within_limits(struct tp_csv_reader *r, size_t k, size_t n)
{
	if (k >= TP_CSV_FIELDS_MAX)
		fail(r, TP_ELIMIT, "line %ld: the record has more than %d fields (the limit)",
		     r->rec_line, TP_CSV_FIELDS_MAX);
	else if (n > TP_CSV_FIELD_MAX)
		fail(r, TP_ELIMIT, "line %ld: field %zu is longer than %u bytes (the limit)",
		     r->line, k + 1, TP_CSV_FIELD_MAX);
	else if (r->rec_bytes + n > RECORD_MAX)
		fail(r, TP_ELIMIT, "line %ld: the record is longer than %zu bytes (the limit)",
		     r->rec_line, RECORD_MAX);
	return r->status == TP_OK;
}

/* The hot path: one call per field of the file. */
static void on_field(void *s, size_t n, void *data)
{
	struct tp_csv_reader *r = data;
	if (r->status != TP_OK)
		return;
	if (!r->in_record)
		start_record(r);
	size_t k = r->n_fields - r->rec_first;
	if (k >= TP_CSV_FIELDS_MAX || n > TP_CSV_FIELD_MAX || r->rec_bytes + n > RECORD_MAX) {
		within_limits(r, k, n);
		return;
	}
	if ((r->text_len + n + 1 > r->text_cap || r->n_fields == r->fields_cap) &&
	    !reserve_field(r, n + 1)) {
		fail(r, TP_ENOMEM, "line %ld: out of memory", r->line);
		return;
	}
	char *dst = r->text + r->text_len;
	memcpy(dst, s, n);
	dst[n] = '\0';
	r->off[r->n_fields] = r->text_len;
	r->len[r->n_fields] = n;
	r->n_fields++;
	r->text_len += n + 1;
	r->rec_bytes += n;
	r->after_cr = false;
	if (r->quotes_seen)
		r->line += line_ends(s, n);
}

static void on_row(int c, void *data)
{
	struct tp_csv_reader *r = data;
	if (r->status != TP_OK)
		return;
	if (r->in_record) {
		if (!grow((void **)&r->recs, &r->recs_cap, r->n_recs + 1, sizeof *r->recs)) {
			fail(r, TP_ENOMEM, "line %ld: out of memory", r->rec_line);
			return;
		}
		r->recs[r->n_recs++] = (struct queued){
		    .line = r->rec_line,
		    .first = r->rec_first,
		    .n = r->n_fields - r->rec_first,
		};
		r->in_record = false;
	}
	if (c == '\r') {
		r->line++;
		r->after_cr = true;
	} else if (c == '\n') {
		if (!r->after_cr)
			r->line++;
		r->after_cr = false;
	}
}

/* libcsv's realloc: refuses to grow its field buffer past LIBCSV_CAP. */
static void *capped_realloc(void *p, size_t size)
{
	if (size > LIBCSV_CAP)
		return NULL;
	return realloc(p, size);
}

/* --- reading and parsing --- */

static void read_block(struct tp_csv_reader *r)
{
	r->in_pos = 0;
	r->in_len = fread(r->in, 1, READ_BLOCK, r->f);
	if (r->in_len == READ_BLOCK)
		return;
	if (ferror(r->f))
		fail(r, TP_EIO, "line %ld: cannot read the file: %s", r->line, strerror(errno));
	else
		r->eof = true;
}

/* Why csv_parse() stopped before the end of a slice. */
static void parse_failed(struct tp_csv_reader *r)
{
	size_t field = r->in_record ? r->n_fields - r->rec_first + 1 : 1;
	if (csv_error(&r->parser) == CSV_ENOMEM && csv_get_buffer_size(&r->parser) >= LIBCSV_CAP)
		fail(r, TP_ELIMIT, "line %ld: field %zu is longer than %u bytes (the limit)",
		     r->line, field, TP_CSV_FIELD_MAX);
	else if (csv_error(&r->parser) == CSV_ENOMEM)
		fail(r, TP_ENOMEM, "line %ld: out of memory", r->line);
	else
		fail(r, TP_EINPUT, "line %ld: %s", r->line, csv_strerror(csv_error(&r->parser)));
}

static void finish(struct tp_csv_reader *r)
{
	r->finished = true;
	size_t field = r->in_record ? r->n_fields - r->rec_first + 1 : 1;
	r->quotes_seen = true;
	csv_set_opts(&r->parser, LIBCSV_OPTIONS | CSV_STRICT | CSV_STRICT_FINI);
	if (csv_fini(&r->parser, on_field, on_row, r) != 0)
		fail(r, TP_EINPUT,
		     "line %ld: field %zu opens a quote that is not closed by the end of the file",
		     r->line, field);
}

/* Parses the next slice of input, or finishes at the end of the file. */
static void feed(struct tp_csv_reader *r)
{
	if (r->in_pos == r->in_len) {
		if (!r->eof)
			read_block(r);
		if (r->status != TP_OK)
			return;
		if (r->in_pos == r->in_len) {
			finish(r);
			return;
		}
	}
	size_t n = r->in_len - r->in_pos;
	if (n > PARSE_SLICE)
		n = PARSE_SLICE;
	/* Line ends reach a field only inside quotes; most slices of most
	 * files have none, and their fields need not be searched for them. */
	r->quotes_seen = r->parser.quoted || memchr(r->in + r->in_pos, '"', n);
	size_t done = csv_parse(&r->parser, r->in + r->in_pos, n, on_field, on_row, r);
	r->in_pos += n;
	r->bytes_read += (int64_t)n;
	if (done < n)
		parse_failed(r);
}

/* Drops the records handed out; moves the unfinished one to the front. */
static void compact(struct tp_csv_reader *r)
{
	r->head = 0;
	r->n_recs = 0;
	if (!r->in_record) {
		r->n_fields = 0;
		r->text_len = 0;
		return;
	}
	size_t first = r->rec_first, n = r->n_fields - first;
	if (first == 0)
		return;
	size_t base = r->off[first];
	memmove(r->text, r->text + base, r->text_len - base);
	r->text_len -= base;
	for (size_t i = 0; i < n; i++) {
		r->off[i] = r->off[first + i] - base;
		r->len[i] = r->len[first + i];
	}
	r->n_fields = n;
	r->rec_first = 0;
}

static bool hand_out(struct tp_csv_reader *r, struct tp_csv_record *rec)
{
	const struct queued *q = &r->recs[r->head];
	if (!grow((void **)&r->ptrs, &r->ptrs_cap, q->n, sizeof *r->ptrs))
		return false;
	for (size_t i = 0; i < q->n; i++)
		r->ptrs[i] = r->text + r->off[q->first + i];
	rec->line = q->line;
	rec->n_fields = q->n;
	rec->fields = r->ptrs;
	rec->lengths = r->len + q->first;
	r->head++;
	return true;
}

/* --- opening: BOM and delimiter --- */

static size_t skip_bom(const unsigned char *s, size_t n)
{
	return n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf ? 3 : 0;
}

/* ',' or ';', whichever occurs more outside quotes in the first non-blank
 * line of s (a quoted field may span lines); ',' on a tie. A quote opens a
 * quoted field only at the start of a field, as libcsv reads it. */
static char detect_delimiter(const unsigned char *s, size_t n)
{
	size_t i = 0, commas = 0, semicolons = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	bool quoted = false, field_start = true;
	for (; i < n; i++) {
		unsigned char c = s[i];
		if (quoted) {
			if (c == '"' && i + 1 < n && s[i + 1] == '"')
				i++;
			else if (c == '"')
				quoted = false;
			continue;
		}
		if (c == '\r' || c == '\n')
			break;
		if (c == '"' && field_start) {
			quoted = true;
		} else if (c == ',' || c == ';') {
			commas += c == ',';
			semicolons += c == ';';
			field_start = true;
			continue;
		}
		if (c != ' ' && c != '\t')
			field_start = false;
	}
	return semicolons > commas ? ';' : ',';
}

/* Opens the file and reads its first block. */
static enum tp_status open_file(struct tp_csv_reader *r, const char *path, struct tp_error *err)
{
	r->f = fopen(path, "rb");
	if (!r->f)
		return tp_error_set(err, TP_EIO, "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fileno(r->f), &st) == 0 && S_ISREG(st.st_mode))
		r->bytes_total = st.st_size;
	r->in = malloc(READ_BLOCK);
	if (!r->in)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	read_block(r);
	if (r->status != TP_OK)
		return tp_error_set(err, r->status, "%s: %s", path, r->message);
	return TP_OK;
}

enum tp_status tp_csv_reader_open(const char *path, char delimiter, struct tp_csv_reader **out,
				  struct tp_error *err)
{
	*out = NULL;
	if (delimiter == '"' || delimiter == '\r' || delimiter == '\n')
		return tp_error_set(err, TP_EUSAGE,
				    "the delimiter cannot be a quote or a line end");
	struct tp_csv_reader *r = calloc(1, sizeof *r);
	if (!r)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	r->line = 1;
	csv_init(&r->parser, LIBCSV_OPTIONS);
	csv_set_realloc_func(&r->parser, capped_realloc);
	csv_set_blk_size(&r->parser, LIBCSV_STEP);
	enum tp_status st = open_file(r, path, err);
	if (st != TP_OK)
		goto fail;
	r->in_pos = skip_bom(r->in, r->in_len);
	r->bytes_read = (int64_t)r->in_pos;
	r->delimiter =
	    delimiter ? delimiter : detect_delimiter(r->in + r->in_pos, r->in_len - r->in_pos);
	csv_set_delim(&r->parser, (unsigned char)r->delimiter);
	*out = r;
	return TP_OK;
fail:
	tp_csv_reader_free(r);
	return st;
}

int tp_csv_reader_next(struct tp_csv_reader *r, struct tp_csv_record *rec, struct tp_error *err)
{
	for (;;) {
		if (r->head < r->n_recs) {
			if (hand_out(r, rec))
				return 1;
			fail(r, TP_ENOMEM, "line %ld: out of memory", r->recs[r->head].line);
		}
		if (r->status != TP_OK) {
			tp_error_set(err, r->status, "%s", r->message);
			return -1;
		}
		if (r->finished)
			return 0;
		compact(r);
		feed(r);
	}
}

char tp_csv_reader_delimiter(const struct tp_csv_reader *r)
{
	return r->delimiter;
}

int64_t tp_csv_reader_bytes_read(const struct tp_csv_reader *r)
{
	return r->bytes_read;
}

int64_t tp_csv_reader_bytes_total(const struct tp_csv_reader *r)
{
	return r->bytes_total;
}

void tp_csv_reader_free(struct tp_csv_reader *r)
{
	if (!r)
		return;
	csv_free(&r->parser);
	if (r->f)
		fclose(r->f);
	free(r->in);
	free(r->text);
	free(r->off);
	free(r->len);
	free(r->recs);
	free(r->ptrs);
	free(r);
}
