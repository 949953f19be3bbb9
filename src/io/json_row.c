/* io/json_row.c - a JSON object as a row of named text fields: the rule
 * JSON Lines import and the JSON API share (io/json_row.h). Fields point
 * into the document; numbers are formatted into arrays that grow to the
 * largest row, so a row costs no allocation once they are big enough. */
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv_reader.h"
#include "io/json_row.h"

/* The shortest %g text that reads back as v, with '.' as the decimal
 * point whatever the locale, and no leading zeros in the exponent. */
static void format_real(double v, char *out, size_t size)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(out, size, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			break;
	}
	char point = localeconv()->decimal_point[0];
	char *e = NULL;
	for (char *p = out; *p; p++) {
		if (*p == point && point != '.')
			*p = '.';
		if (*p == 'e')
			e = p;
	}
	if (!e)
		return;
	char *digits = e + 1 + (e[1] == '-' || e[1] == '+');
	char *nz = digits;
	while (*nz == '0' && nz[1])
		nz++;
	memmove(digits, nz, strlen(nz) + 1);
}

const char *tp_json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "a value";
}

/* Field i of the row: key's value v as text. */
static void set_value(struct tp_json_row *r, size_t i, const char *key, const json_t *v, int column)
{
	r->keys[i] = key;
	r->columns[i] = column;
	const char *s = "";
	size_t n = 0;
	switch (json_typeof(v)) {
	case JSON_STRING:
		s = json_string_value(v);
		n = json_string_length(v);
		break;
	case JSON_INTEGER:
		snprintf(r->numbers[i], TP_JSON_NUMBER_MAX, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		s = r->numbers[i];
		n = strlen(s);
		break;
	case JSON_REAL:
		format_real(json_real_value(v), r->numbers[i], TP_JSON_NUMBER_MAX);
		s = r->numbers[i];
		n = strlen(s);
		break;
	case JSON_TRUE:
		s = "true";
		n = 4;
		break;
	case JSON_FALSE:
		s = "false";
		n = 5;
		break;
	default:
		break;
	}
	r->values[i] = s;
	r->lengths[i] = n;
}

void tp_json_row_free(struct tp_json_row *r)
{
	free(r->keys);
	free(r->values);
	free(r->lengths);
	free(r->columns);
	free(r->numbers);
	r->keys = NULL;
	r->values = NULL;
	r->lengths = NULL;
	r->columns = NULL;
	r->numbers = NULL;
	r->cap = 0;
}

/* Sizes the arrays of a JSON row for n fields; they are filled anew for
 * every row, so growing them need not keep their contents. */
static bool reserve_json_fields(struct tp_json_row *r, size_t n)
{
	if (n <= r->cap)
		return true;
	size_t cap = r->cap ? r->cap : 16;
	while (cap < n)
		cap *= 2;
	tp_json_row_free(r);
	r->keys = malloc(cap * sizeof *r->keys);
	r->values = malloc(cap * sizeof *r->values);
	r->lengths = malloc(cap * sizeof *r->lengths);
	r->columns = malloc(cap * sizeof *r->columns);
	r->numbers = malloc(cap * sizeof *r->numbers);
	if (!r->keys || !r->values || !r->lengths || !r->columns || !r->numbers) {
		tp_json_row_free(r);
		return false;
	}
	r->cap = cap;
	return true;
}

/* Reads the members of "attributes" (at column) into fields from *i. */
static int take_attributes(struct tp_json_row *r, json_t *doc, json_t *attrs, int column, size_t *i,
			   struct tp_error *err)
{
	for (void *it = json_object_iter(attrs); it; it = json_object_iter_next(attrs, it)) {
		const char *key = json_object_iter_key(it);
		const json_t *v = json_object_iter_value(it);
		if (json_is_object(v) || json_is_array(v)) {
			tp_error_set(err, TP_EINPUT,
				     "attributes.\"%.100s\" is %s; attributes are strings, "
				     "numbers, true, false or null",
				     key, tp_json_kind(v));
			return 2;
		}
		if (strcmp(key, "attributes") != 0 && json_object_get(doc, key)) {
			tp_error_set(err, TP_EINPUT,
				     "\"%.100s\" is given twice, at the top level and in "
				     "\"attributes\"",
				     key);
			return 2;
		}
		set_value(r, (*i)++, key, v, column);
	}
	return 1;
}

int tp_json_row_fill(struct tp_json_row *r, json_t *doc, struct tp_table_row *row,
		     struct tp_error *err)
{
	json_t *attrs = json_object_get(doc, "attributes");
	if (!json_is_object(attrs))
		attrs = NULL;
	size_t n = json_object_size(doc) + json_object_size(attrs);
	if (n > TP_CSV_FIELDS_MAX) {
		tp_error_set(err, TP_EINPUT, "more than %d fields (the limit)", TP_CSV_FIELDS_MAX);
		return 2;
	}
	if (!reserve_json_fields(r, n)) {
		tp_error_set(err, TP_ENOMEM, "out of memory");
		return -1;
	}
	size_t i = 0;
	int column = 0;
	for (void *it = json_object_iter(doc); it; it = json_object_iter_next(doc, it)) {
		const char *key = json_object_iter_key(it);
		json_t *v = json_object_iter_value(it);
		column++;
		if (v == attrs) {
			int got = take_attributes(r, doc, v, column, &i, err);
			if (got != 1)
				return got;
		} else if (json_is_object(v) || json_is_array(v)) {
			tp_error_set(err, TP_EINPUT,
				     "\"%.100s\" is %s; only \"attributes\" may hold an "
				     "object",
				     key, tp_json_kind(v));
			return 2;
		} else {
			set_value(r, i++, key, v, column);
		}
	}
	row->n = i;
	row->names = r->keys;
	row->values = r->values;
	row->lengths = r->lengths;
	row->columns = r->columns;
	return 1;
}
