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
 * quoted fields are counted from the field's text, and only when a slice
 * had any (see settle()). CRLF, LF and a lone CR each end one physical
 * line.
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
	size_t text;  /* offset of its first field in text */
	size_t first; /* index of its first field's length in len[] */
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

	/* Lines: see settle(). */
	long line;	/* physical line of the next byte libcsv reports on,
			   leaving out line ends in fields from settled on */
	bool after_cr;	/* the last thing reported was a CR ending a line */
	size_t settled; /* fields before this one are counted in line */
	int64_t loose;	/* CR and LF bytes parsed and neither reported as a
			   line end nor found in a settled field */

	bool in_record; /* a record has begun and not ended */
	long rec_line;
	size_t rec_text, rec_first, rec_bytes;

	/* Fields of the queued records and of the unfinished one, one after
	 * the other in text, each NUL-ended; field i is len[i] bytes long. */
	char *text;
	size_t text_len, text_cap;
	size_t *len;
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

/* Returns p (of *cap items of size bytes) grown to hold need items, *cap
 * updated; NULL when out of memory, and then p is unchanged. need > 0. */
static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t n = *cap ? *cap : 64;
	while (n < need)
		n *= 2;
	void *q = realloc(p, n * size);
	if (q)
		*cap = n;
	return q;
}

static bool reserve_field(struct tp_csv_reader *r, size_t bytes)
{
	char *text = grow(r->text, &r->text_cap, r->text_len + bytes, 1);
	if (!text)
		return false;
	r->text = text;
	size_t *len = grow(r->len, &r->fields_cap, r->n_fields + 1, sizeof *len);
	if (!len)
		return false;
	r->len = len;
	return true;
}

/* --- line numbers ---
 *
 * libcsv reports every CR or LF outside quotes as a row end (on_row counts
 * those); a CR or LF inside quotes becomes part of a field, and only there
 * can it be counted. Searching every field costs some 10-15% of the time
 * of reading a file, so it is done only when needed: feed() adds the
 * CR and LF bytes of each slice to loose (a fast, vectorisable count),
 * on_row() takes away the ones it reports, and whatever is left went into
 * fields. Only then does settle() search the fields completed since the
 * last time, moving the records that follow each line end down a line. */

/* CR and LF bytes in s[0..n). */
static size_t count_breaks(const unsigned char *s, size_t n)
{
	size_t count = 0, i = 0;
	for (; i + 64 <= n; i += 64) {
		unsigned block = 0;
		for (size_t j = 0; j < 64; j++)
			block += (s[i + j] == '\n') + (s[i + j] == '\r');
		count += block;
	}
	for (; i < n; i++)
		count += (s[i] == '\n') + (s[i] == '\r');
	return count;
}

/* Physical line ends in a field's text (CRLF, LF or a lone CR); takes its
 * CR and LF bytes off r->loose. */
static long line_ends(struct tp_csv_reader *r, const char *s, size_t n)
{
	unsigned any = 0;
	for (size_t i = 0; i < n; i++)
		any |= (s[i] == '\n') | (s[i] == '\r');
	if (!any)
		return 0;
	long count = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\n' && s[i] != '\r')
			continue;
		r->loose--;
		if (s[i] == '\n' || i + 1 == n || s[i + 1] != '\n')
			count++;
	}
	return count;
}

/* The line ends in the fields, up to index end, of a record whose first
 * field has index rec_first and text offset text; only fields from
 * r->settled on are searched. */
static long fields_line_ends(struct tp_csv_reader *r, size_t text, size_t rec_first, size_t end)
{
	long count = 0;
	const char *p = r->text + text;
	for (size_t i = rec_first; i < end; i++) {
		if (i >= r->settled)
			count += line_ends(r, p, r->len[i]);
		p += r->len[i] + 1;
	}
	return count;
}

/* Brings line numbers up to date with the fields completed so far. */
static void settle(struct tp_csv_reader *r)
{
	long extra = 0;
	for (size_t q = r->head; q < r->n_recs; q++) {
		struct queued *rec = &r->recs[q];
		if (rec->first + rec->n <= r->settled)
			continue;
		if (rec->first >= r->settled)
			rec->line += extra;
		extra += fields_line_ends(r, rec->text, rec->first, rec->first + rec->n);
	}
	if (r->in_record) {
		if (r->rec_first >= r->settled)
			r->rec_line += extra;
		extra += fields_line_ends(r, r->rec_text, r->rec_first, r->n_fields);
	}
	r->line += extra;
	r->settled = r->n_fields;
}

/* --- libcsv callbacks --- */

static void start_record(struct tp_csv_reader *r)
{
	r->in_record = true;
	r->rec_line = r->line;
	r->rec_text = r->text_len;
	r->rec_first = r->n_fields;
	r->rec_bytes = 0;
}

/* Checks a field of n bytes, the k-th (0-based) of its record. */
static bool within_limits(struct tp_csv_reader *r, size_t k, size_t n)
{
	settle(r);
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
		settle(r);
		fail(r, TP_ENOMEM, "line %ld: out of memory", r->line);
		return;
	}
	char *dst = r->text + r->text_len;
	memcpy(dst, s, n);
	dst[n] = '\0';
	r->len[r->n_fields] = n;
	r->n_fields++;
	r->text_len += n + 1;
	r->rec_bytes += n;
	r->after_cr = false;
}

static void on_row(int c, void *data)
{
	struct tp_csv_reader *r = data;
	if (r->status != TP_OK)
		return;
	if (r->in_record) {
		struct queued *recs = grow(r->recs, &r->recs_cap, r->n_recs + 1, sizeof *recs);
		if (!recs) {
			settle(r);
			fail(r, TP_ENOMEM, "line %ld: out of memory", r->rec_line);
			return;
		}
		r->recs = recs;
		r->recs[r->n_recs++] = (struct queued){
		    .line = r->rec_line,
		    .text = r->rec_text,
		    .first = r->rec_first,
		    .n = r->n_fields - r->rec_first,
		};
		r->in_record = false;
	}
	if (c == '\r') {
		r->line++;
		r->after_cr = true;
		r->loose--;
	} else if (c == '\n') {
		if (!r->after_cr)
			r->line++;
		r->after_cr = false;
		r->loose--;
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
	settle(r);
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
	const unsigned char *s = r->in + r->in_pos;
	r->loose += (int64_t)count_breaks(s, n);
	size_t done = csv_parse(&r->parser, s, n, on_field, on_row, r);
	r->in_pos += n;
	r->bytes_read += (int64_t)n;
	if (done < n)
		parse_failed(r);
	else if (r->loose > 0)
		settle(r);
	else
		r->settled = r->n_fields;
}

/* Drops the records handed out; moves the unfinished one to the front. */
static void compact(struct tp_csv_reader *r)
{
	r->head = 0;
	r->n_recs = 0;
	if (!r->in_record) {
		r->n_fields = 0;
		r->text_len = 0;
		r->settled = 0;
		return;
	}
	if (r->rec_first == 0)
		return;
	memmove(r->text, r->text + r->rec_text, r->text_len - r->rec_text);
	r->text_len -= r->rec_text;
	r->n_fields -= r->rec_first;
	memmove(r->len, r->len + r->rec_first, r->n_fields * sizeof *r->len);
	r->rec_text = 0;
	r->rec_first = 0;
	r->settled = r->n_fields;
}

static bool hand_out(struct tp_csv_reader *r, struct tp_csv_record *rec)
{
	const struct queued *q = &r->recs[r->head];
	char **ptrs = grow(r->ptrs, &r->ptrs_cap, q->n, sizeof *ptrs);
	if (!ptrs)
		return false;
	r->ptrs = ptrs;
	char *p = r->text + q->text;
	for (size_t i = 0; i < q->n; i++) {
		ptrs[i] = p;
		p += r->len[q->first + i] + 1;
	}
	rec->line = q->line;
	rec->n_fields = q->n;
	rec->fields = ptrs;
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
	free(r->len);
	free(r->recs);
	free(r->ptrs);
	free(r);
}
