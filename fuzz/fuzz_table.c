/* fuzz/fuzz_table.c - libFuzzer target for io/table.c, io/jsonl.c and io/csv_reader.c.
 *
 * Writes each input to one temporary file (in $TMPDIR, else /tmp) and reads
 * it to the end as every table format, and as bare CSV records with each
 * delimiter, checking the promises the importer relies on: every row has
 * names, NUL-terminated values of the stated length and 1-based columns;
 * header rows have as many fields as the header; line numbers never go
 * back; every error has a message. A broken promise aborts. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/csv_reader.h"
#include "io/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[4096];

static void remove_input(void)
{
	unlink(path);
}

/* Replaces the temporary file's content with the input. */
static void write_input(const uint8_t *data, size_t size)
{
	if (!path[0]) {
		const char *dir = getenv("TMPDIR");
		snprintf(path, sizeof path, "%s/fuzz_table_XXXXXX", dir && *dir ? dir : "/tmp");
		int fd = mkstemp(path);
		if (fd < 0)
			abort();
		close(fd);
		atexit(remove_input);
	}
	int fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		abort();
	for (size_t done = 0; done < size;) {
		ssize_t n = write(fd, data + done, size - done);
		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	close(fd);
}

static void check(int ok)
{
	if (!ok)
		abort();
}

static void check_row(const struct tp_table *t, const struct tp_table_row *row, int got)
{
	check(row->line >= 1);
	check(row->n <= TP_CSV_FIELDS_MAX);
	if (got == 1 && tp_table_has_header(t))
		check(row->n == tp_table_n_columns(t));
	if (!tp_table_has_header(t))
		check(row->raw != NULL && row->raw_len <= (8u << 20));
	for (size_t i = 0; i < row->n; i++) {
		check(row->names[i] != NULL && row->values[i] != NULL);
		check(row->values[i][row->lengths[i]] == '\0');
		check(row->columns[i] >= 1);
	}
}

static void read_table(enum tp_table_format format)
{
	struct tp_table *t = NULL;
	struct tp_error err;
	tp_error_clear(&err);
	if (tp_table_open(path, format, &t, &err) != TP_OK) {
		check(t == NULL && err.message[0] != '\0');
		return;
	}
	for (size_t i = 0; i < tp_table_n_columns(t); i++) {
		check(tp_table_column_name(t, i) != NULL);
		for (size_t k = 0; k < 3; k++)
			if (tp_table_column_alias(t, i, k))
				check(strlen(tp_table_column_alias(t, i, k)) > 0);
	}
	long line = 0;
	for (;;) {
		struct tp_table_row row;
		tp_error_clear(&err);
		int got = tp_table_next(t, &row, &err);
		if (got == 0)
			break;
		check(got == 1 || got == 2 || got == -1);
		if (got == -1) {
			check(err.message[0] != '\0' && err.status != TP_OK);
			break;
		}
		if (got == 2)
			check(err.message[0] != '\0');
		check_row(t, &row, got);
		check(row.line > line);
		line = row.line;
	}
	check(tp_table_bytes_read(t) >= 0);
	tp_table_free(t);
}

static void read_records(char delimiter)
{
	struct tp_csv_reader *r = NULL;
	if (tp_csv_reader_open(path, delimiter, &r, NULL) != TP_OK)
		return;
	long line = 0;
	struct tp_csv_record rec;
	struct tp_error err;
	int got;
	while ((got = tp_csv_reader_next(r, &rec, &err)) == 1) {
		check(rec.line > line && rec.n_fields >= 1);
		line = rec.line;
		for (size_t i = 0; i < rec.n_fields; i++)
			check(rec.fields[i][rec.lengths[i]] == '\0');
	}
	check(got == 0 || (got == -1 && err.message[0] != '\0'));
	check(tp_csv_reader_bytes_read(r) <= tp_csv_reader_bytes_total(r));
	tp_csv_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	write_input(data, size);
	read_table(TP_TABLE_CSV);
	read_table(TP_TABLE_JSONL);
	read_table(TP_TABLE_QUALTRICS);
	read_table(TP_TABLE_SURVEYMONKEY);
	read_table(TP_TABLE_GOOGLEFORMS);
	read_records(0);
	read_records(';');
	read_records('\t');
	return 0;
}
