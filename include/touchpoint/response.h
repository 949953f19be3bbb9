/* touchpoint/response.h - one survey response and its validation.
 *
 * struct tp_response is a view: its strings are borrowed from whoever built
 * it (an importer's row buffer, a request body) and must outlive the calls
 * that take it. */
#ifndef TOUCHPOINT_RESPONSE_H
#define TOUCHPOINT_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "touchpoint/error.h"

#define TP_SCORE_NONE (-128) /* a score that was not answered */

#define TP_RESPONSE_ID_MAX 256    /* bytes in response_id / respondent_id */
#define TP_ATTR_NAME_MAX 128      /* bytes in a segment attribute's name */
#define TP_ATTR_VALUE_MAX 1000    /* bytes in a segment attribute's value */
#define TP_COMMENT_MAX (1 << 20)  /* bytes in a comment: 1 MiB */
#define TP_LANG_MAX 35            /* BCP 47 tag length */
#define TP_ATTRS_MAX 200          /* distinct segment attributes in a store */

enum tp_respondent_type {
	TP_RESPONDENT_CUSTOMER = 0,
	TP_RESPONDENT_EMPLOYEE = 1,
	TP_RESPONDENT_LEADER = 2,
};

struct tp_attr {
	const char *name;
	const char *value;
};

struct tp_response {
	const char *response_id;   /* required, unique in a store */
	int64_t submitted_at;      /* UTC seconds since the epoch */
	const char *respondent_id; /* NULL for anonymous answers */
	enum tp_respondent_type respondent_type;
	const char *touchpoint; /* journey touchpoint id, or NULL */
	int nps;                /* 0-10, or TP_SCORE_NONE */
	int csat;               /* 1-5, or TP_SCORE_NONE */
	int ces;                /* 1-7, or TP_SCORE_NONE */
	int emotion;            /* -3..+3, or TP_SCORE_NONE */
	const char *comment;    /* UTF-8, or NULL */
	const char *lang;       /* "es", "en", ... or NULL */
	size_t n_attrs;
	const struct tp_attr *attrs; /* segment attributes, names unique */
};

/* Sets every score to TP_SCORE_NONE, every pointer to NULL, the type to
 * customer. This function can't fail. */
void tp_response_init(struct tp_response *r);

/* Checks a response against the model's rules: id present and not too long,
 * scores in range, at least one score or a non-empty comment, sizes within
 * the limits above. Does not check that the touchpoint exists (the store
 * does). Returns TP_OK or TP_EINPUT with the reason in err. */
enum tp_status tp_response_check(const struct tp_response *r, struct tp_error *err);

/* "customer", "employee", "leader". */
const char *tp_respondent_type_name(enum tp_respondent_type type);

/* Parses a respondent type name (case-insensitive; Spanish "cliente",
 * "empleado", "líder"/"lider" accepted). Returns false when unknown. */
bool tp_respondent_type_parse(const char *text, enum tp_respondent_type *out);

#endif
