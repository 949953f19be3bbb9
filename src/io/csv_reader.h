/* io/csv_reader.h - streaming CSV records with line numbers (over libcsv).
 *
 * Reads RFC 4180 CSV from a file in fixed-size blocks: comma or semicolon
 * delimiter (detected from the first record), optional UTF-8 BOM, CRLF or LF
 * line ends, quoted fields with doubled quotes, delimiters and newlines.
 * Memory is bounded by the largest record, which is itself limited. */
#ifndef TP_IO_CSV_READER_H
#define TP_IO_CSV_READER_H

#include <stddef.h>
#include <stdint.h>

#include "touchpoint/error.h"

#define TP_CSV_FIELD_MAX (4u << 20) /* bytes in one field: 4 MiB */
#define TP_CSV_FIELDS_MAX 10000     /* fields in one record */

struct tp_csv_reader;

struct tp_csv_record {
	long line;            /* physical line (1-based) where the record starts */
	size_t n_fields;
	char **fields;        /* NUL-terminated, owned by the reader */
	const size_t *lengths;
};

/* Opens path for reading. delimiter 0 detects ',' or ';' (whichever occurs
 * more, outside quotes, in the first record; ',' on a tie); otherwise it is
 * used as given. Skips a UTF-8 BOM. On success *out is a reader the caller
 * frees with tp_csv_reader_free(). */
enum tp_status tp_csv_reader_open(const char *path, char delimiter,
				  struct tp_csv_reader **out, struct tp_error *err);

/* Reads the next record into *rec (valid until the next call or free).
 * Blank lines are skipped (and counted in line numbers). Returns 1 when a
 * record was read, 0 at the end of the file, -1 on an error that stops
 * reading (err says which line and why: unreadable file, quoted field not
 * closed at end of file, field or record over the limits). */
int tp_csv_reader_next(struct tp_csv_reader *r, struct tp_csv_record *rec,
		       struct tp_error *err);

/* The delimiter in use. */
char tp_csv_reader_delimiter(const struct tp_csv_reader *r);

/* Bytes consumed so far and the file's size (0 if not a regular file). */
int64_t tp_csv_reader_bytes_read(const struct tp_csv_reader *r);
int64_t tp_csv_reader_bytes_total(const struct tp_csv_reader *r);

/* Frees the reader and closes its file. Accepts NULL. */
void tp_csv_reader_free(struct tp_csv_reader *r);

#endif
