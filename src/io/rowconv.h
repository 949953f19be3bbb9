/* io/rowconv.h - one row of named text fields turned into a checked
 * response (internal).
 *
 * The part of importing that both the file importer (io/import.c) and the
 * JSON API (io/ingest.c) run for every row: each field gets its meaning
 * from the mapping, is trimmed, mapped, parsed and range-checked; the
 * mapping's defaults fill what the row left empty; the response as a whole
 * is checked with tp_response_check(). Problems go to a callback, so each
 * caller words them its own way ("FILE:LINE: column N (NAME): reason", or a
 * JSON item with an index). Never touches the store but to ask whether a
 * touchpoint exists. */
#ifndef TP_IO_ROWCONV_H
#define TP_IO_ROWCONV_H

#include <stddef.h>

#include "io/mapping.h"
#include "io/table.h"
#include "touchpoint/response.h"
#include "touchpoint/store.h"

/* Called once per problem. column is 1-based, or 0 for a problem with the
 * row as a whole; name is the row's column name (NULL for the row as a
 * whole, "default X" for a mapping default); field is the canonical field
 * concerned ("nps", "response_id", ...) or NULL when none is. */
typedef void (*tp_rowconv_error_fn)(void *ctx, long line, int column, const char *name,
				    const char *field, const char *reason);

struct tp_rowconv {
	struct tp_store *store; /* for touchpoint ids */
	const struct tp_mapping *map;
	tp_rowconv_error_fn error;
	void *ctx;
	/* Private: scratch memory for the row's normalised copies, reused
	 * from row to row, and the row's attributes. */
	char *scratch;
	size_t scratch_cap, scratch_used;
	struct tp_attr attrs[TP_ATTRS_MAX];
	unsigned given; /* bit per enum tp_target the row gave */
	int errors;
	char id_buf[32];
};

/* Prepares c; the caller sets store, map, error and ctx. Can't fail. */
void tp_rowconv_init(struct tp_rowconv *c);

/* Turns row into *r. specs[i] gives the meaning of field i for i < n_specs
 * (a file with a header); other fields are resolved by their name. Returns
 * the number of problems reported (0: *r is valid and its strings point
 * into row and into c until the next call), or -1 when out of memory. */
int tp_rowconv_response(struct tp_rowconv *c, const struct tp_table_row *row,
			const struct tp_column_spec *specs, size_t n_specs, struct tp_response *r);

/* Frees c's scratch memory. */
void tp_rowconv_free(struct tp_rowconv *c);

#endif
