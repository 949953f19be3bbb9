/* io/mapping.h - what each column of a response file means.
 *
 * A mapping turns the column names of a file (ours, or another tool's) into
 * touchpoint's fields: canonical fields (response_id, nps, ...), segment
 * attributes, or nothing. It comes from built-in defaults for the file's
 * source plus an optional map file (--map MAP.json):
 *
 *   {"columns": {"Their column": "nps", "Región": "attr:region", "IP": null},
 *    "values": {"csat": {"Muy satisfecho": 5, "Satisfecho": 4},
 *               "attr:region": {"N": "Norte"}},
 *    "defaults": {"touchpoint": "tienda-compra", "respondent_type": "customer"},
 *    "date_format": "%d/%m/%Y %H:%M",
 *    "unmapped": "attribute" | "ignore"}
 *
 * Keys of "columns" match a column's name or any of its aliases (Qualtrics
 * question text or ImportId). Unmapped columns become attributes for plain
 * CSV and JSON Lines and are ignored for tool exports, unless "unmapped"
 * says otherwise. */
#ifndef TP_IO_MAPPING_H
#define TP_IO_MAPPING_H

#include <stdbool.h>
#include <stddef.h>

#include "io/table.h"
#include "touchpoint/error.h"

enum tp_target {
	TP_T_IGNORE = 0,
	TP_T_RESPONSE_ID,
	TP_T_SUBMITTED_AT,
	TP_T_RESPONDENT_ID,
	TP_T_RESPONDENT_TYPE,
	TP_T_TOUCHPOINT,
	TP_T_NPS,
	TP_T_CSAT,
	TP_T_CES,
	TP_T_EMOTION,
	TP_T_COMMENT,
	TP_T_LANG,
	TP_T_ATTR,
	TP_T_COUNT
};

struct tp_value_map; /* replacements for one target's values */

struct tp_column_spec {
	enum tp_target target;
	const char *attr_name;             /* for TP_T_ATTR, owned by the mapping or table */
	const struct tp_value_map *values; /* or NULL */
	const char *date_format;           /* TP_T_SUBMITTED_AT: strptime-style, or
					      NULL for ISO 8601 */
};

struct tp_mapping;

/* Builds the mapping for a source format, reading map_path when not NULL.
 * Errors name the map file and the member at fault: invalid JSON (line,
 * column), an unknown target ("nsp"), a value that does not fit its target,
 * an unknown member (TP_EINPUT); a map file that cannot be read (TP_EIO,
 * naming it). On success the caller frees *out with
 * tp_mapping_free(). */
enum tp_status tp_mapping_load(const char *map_path, enum tp_table_format format,
			       struct tp_mapping **out, struct tp_error *err);

/* Resolves a column by its name and aliases (NULL-terminated, may be NULL).
 * attr_name in the result points at `name` or at mapping-owned text. */
void tp_mapping_resolve(const struct tp_mapping *m, const char *name,
			const char *const *aliases, struct tp_column_spec *out);

/* The replacement for text under a value map (exact match first, then
 * ASCII-case-insensitive), or NULL when the map has none. */
const char *tp_mapping_value(const struct tp_value_map *vm, const char *text);

/* The default text of a target when the file gives none, or NULL. */
const char *tp_mapping_default(const struct tp_mapping *m, enum tp_target target);

/* The value map of a target for defaults and for columns resolved by name. */
const struct tp_value_map *tp_mapping_values(const struct tp_mapping *m, enum tp_target target);

/* The strptime-style format for a default submitted_at, or NULL. */
const char *tp_mapping_date_format(const struct tp_mapping *m);

/* True when a missing response_id is derived from the row's content
 * (Google Forms exports carry no response id). */
bool tp_mapping_derives_id(const struct tp_mapping *m);

/* The canonical name of a target ("nps"); "attribute" for TP_T_ATTR. */
const char *tp_target_name(enum tp_target target);

void tp_mapping_free(struct tp_mapping *m);

#endif
