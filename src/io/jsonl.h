/* io/jsonl.h - rows of named text fields from a JSON Lines file (internal).
 *
 * The JSON Lines half of io/table.h: tp_table_open() and friends call these
 * for TP_TABLE_JSONL, and nothing else should. One JSON object a line,
 * parsed with jansson; the values as text as io/table.h describes them.
 *
 * Limits: a line may not be longer than 8 MiB (reading stops, TP_ELIMIT);
 * an object may not give more than TP_CSV_FIELDS_MAX fields, counting the
 * members of "attributes" (that row is malformed, reading goes on). Memory
 * is bounded by the longest line and the largest row.
 *
 * Behaviour worth knowing (beyond io/table.h):
 *  - An empty file is a reader without rows, not an error.
 *  - Line ends are LF or CR LF; a UTF-8 BOM before the first line is
 *    skipped; blank lines (only white space) are skipped but counted.
 *  - Fields from "attributes" take the column of the "attributes" key. A
 *    name given both at the top level and in "attributes" is a malformed
 *    row, as is a key given twice in one object.
 *
 * Errors of tp_jsonl_open() start with the path; errors of tp_jsonl_next()
 * start with "line N". */
#ifndef TP_IO_JSONL_H
#define TP_IO_JSONL_H

#include <stdint.h>

#include "io/table.h"
#include "touchpoint/error.h"

struct tp_jsonl_reader;

/* Opens path for reading; reads nothing yet. On success *out is a reader
 * the caller frees with tp_jsonl_free(). On error *out is NULL and err
 * says why: "PATH: <strerror>" (TP_EIO) when the file cannot be opened,
 * "PATH: out of memory" (TP_ENOMEM). */
enum tp_status tp_jsonl_open(const char *path, struct tp_jsonl_reader **out, struct tp_error *err);

/* Reads the next non-blank line into *row, as tp_table_next() promises:
 * returns 1 with a row, 0 at the end, -1 on an error that stops reading
 * (I/O, a line over the limit, out of memory), 2 when the line is
 * malformed but reading may go on (err holds "line N: reason"; row->line
 * and row->raw say which line, row->n is 0). The row's names and values
 * point into the reader and stay valid until the next call or free. */
int tp_jsonl_next(struct tp_jsonl_reader *r, struct tp_table_row *row, struct tp_error *err);

/* Bytes consumed so far (up to the end of the line returned last) and the
 * file's size (0 if not a regular file). These cannot fail. */
int64_t tp_jsonl_bytes_read(const struct tp_jsonl_reader *r);
int64_t tp_jsonl_bytes_total(const struct tp_jsonl_reader *r);

/* Frees the reader, its last row and closes its file. Accepts NULL. */
void tp_jsonl_free(struct tp_jsonl_reader *r);

#endif
