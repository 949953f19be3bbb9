/* io/json_row.h - a JSON object as a row of named text fields (internal).
 *
 * The rule JSON Lines import and the JSON API share for reading one
 * response object: strings as they are, numbers in their shortest text
 * form ("8", "7.5"), true/false as "true"/"false", null as "" (absent);
 * members of an "attributes" object become fields of their own, taking the
 * column of the "attributes" key. Other nested objects and arrays, a name
 * given both at the top level and in "attributes", and more than
 * TP_CSV_FIELDS_MAX fields make the object malformed. */
#ifndef TP_IO_JSON_ROW_H
#define TP_IO_JSON_ROW_H

#include <jansson.h>
#include <stddef.h>

#include "io/table.h"
#include "touchpoint/error.h"

#define TP_JSON_NUMBER_MAX 32

/* Arrays of the fields of the row filled last; they grow to the largest
 * row and are reused. Zero-initialise before the first use. */
struct tp_json_row {
	const char **keys;
	const char **values;
	size_t *lengths;
	int *columns;
	char (*numbers)[TP_JSON_NUMBER_MAX];
	size_t cap;
};

/* Fills row->n, names, values, lengths and columns from obj (a JSON
 * object); other members of row are left alone. The fields point into obj
 * and into jr, valid while both are. Returns 1 on success, 2 when the
 * object is malformed (err says why, naming the member), -1 when out of
 * memory. */
int tp_json_row_fill(struct tp_json_row *jr, json_t *obj, struct tp_table_row *row,
		     struct tp_error *err);

/* "an object", "an array", "a string", "a number", "a boolean", "null". */
const char *tp_json_kind(const json_t *v);

/* Frees jr's arrays. Accepts a zeroed jr. */
void tp_json_row_free(struct tp_json_row *jr);

#endif
