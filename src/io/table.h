/* io/table.h - rows of named text fields from a response file.
 *
 * One interface over the file shapes touchpoint imports: plain CSV (one
 * header row), JSON Lines (one object a line), and the exports of Qualtrics
 * (three header rows: column ids, question text, ImportId JSON), SurveyMonkey
 * (two header rows: question text with blanks to fill forward, then
 * sub-answer labels) and Google Forms (one header; grid questions appear as
 * "Question [Row]" columns). What a column means is decided later by the
 * mapping (io/mapping.h); this layer only names fields. */
#ifndef TP_IO_TABLE_H
#define TP_IO_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "touchpoint/error.h"

enum tp_table_format {
	TP_TABLE_CSV,
	TP_TABLE_JSONL,
	TP_TABLE_QUALTRICS,
	TP_TABLE_SURVEYMONKEY,
	TP_TABLE_GOOGLEFORMS,
};

struct tp_table;

struct tp_table_row {
	long line;                 /* physical line where the row starts, 1-based */
	size_t n;                  /* number of fields */
	const char *const *names;  /* names[i]: the field's column name */
	const char *const *values; /* values[i]: NUL-terminated text, "" if empty */
	const size_t *lengths;     /* lengths[i] == strlen(values[i]) unless the
				      value holds a NUL byte */
	const int *columns;        /* columns[i]: 1-based position in the file's
				      row (CSV) or among the object's keys (JSON) */
	const char *raw;           /* JSON Lines: the line as read; CSV: NULL */
	size_t raw_len;
};

/* Opens path as the given format and reads its header rows.
 *
 * Column names: CSV, Google Forms: the header row, trimmed of surrounding
 * spaces. Qualtrics: the first header row (ids such as "QID1",
 * "ResponseId"); the question text (row 2) and the ImportId (row 3, from
 * {"ImportId":"QID1_TEXT"}) are aliases, see tp_table_column_alias().
 * SurveyMonkey: row 1 filled forward over blank cells; when row 2 has a
 * label other than "" or "Response" the name is "Question [Label]" (like
 * Google Forms' grids), otherwise the question text; "Open-Ended Response"
 * under a question with other labels gives "Question [Other]".
 * Duplicate column names after this are made unique by appending " (2)",
 * " (3)", ... JSON Lines has no header: names come from each object.
 *
 * Errors (TP_EINPUT naming the line): empty file, missing header rows, an
 * empty Qualtrics/SurveyMonkey header. On success *out is a table the
 * caller frees with tp_table_free(). */
enum tp_status tp_table_open(const char *path, enum tp_table_format format,
			     struct tp_table **out, struct tp_error *err);

/* True when every row has the same columns (all but JSON Lines). */
bool tp_table_has_header(const struct tp_table *t);
size_t tp_table_n_columns(const struct tp_table *t);
const char *tp_table_column_name(const struct tp_table *t, size_t column);

/* Other names of a header column, k = 0, 1, ...: for Qualtrics the question
 * text and then the ImportId; NULL when there is no k-th alias. */
const char *tp_table_column_alias(const struct tp_table *t, size_t column, size_t k);

/* Reads the next data row into *row (valid until the next call or free).
 * Returns 1 with a row, 0 at the end, -1 on an error that stops reading
 * (I/O, unterminated quote, limits), or 2 when this row is malformed but
 * reading may go on: err holds "line N: reason" (a CSV row with more or
 * fewer fields than the header; a JSON Lines line that is not valid JSON,
 * is not an object, or holds a nested array/object other than
 * "attributes"), and row->line / row->raw say which row.
 * JSON Lines values: strings as they are, numbers in their shortest text
 * form ("8", "7.5"), true/false as "true"/"false", null as "" (absent).
 * Members of an "attributes" object become fields of their own. Blank
 * lines are skipped. */
int tp_table_next(struct tp_table *t, struct tp_table_row *row, struct tp_error *err);

/* Progress: bytes consumed and total size (0 if unknown). */
int64_t tp_table_bytes_read(const struct tp_table *t);
int64_t tp_table_bytes_total(const struct tp_table *t);

/* Frees the table and closes its file. Accepts NULL. */
void tp_table_free(struct tp_table *t);

#endif
