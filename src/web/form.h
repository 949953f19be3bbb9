/* web/form.h - application/x-www-form-urlencoded bodies (internal).
 *
 * The survey page posts an HTML form; this is its parser, small and with
 * limits, because the body comes from anyone on the network. */
#ifndef TP_WEB_FORM_H
#define TP_WEB_FORM_H

#include <stddef.h>

struct web_form_field {
	const char *name;  /* decoded, NUL-terminated, inside the form's buffer */
	const char *value; /* likewise */
};

struct web_form {
	size_t n;
	struct web_form_field *fields;
	char *buf; /* the decoded copy of the body */
};

enum web_form_status {
	WEB_FORM_OK,
	WEB_FORM_MALFORMED, /* a bad %XX escape, an encoded NUL */
	WEB_FORM_TOO_MANY,  /* more than max_fields fields */
	WEB_FORM_TOO_LONG,  /* a decoded name or value over max_field bytes */
	WEB_FORM_NOMEM,
};

/* Parses body[0..len) ("a=1&b=x%20y", '+' meaning a space) into out,
 * which the caller frees with web_form_free() whatever the result. Empty
 * pieces ("a=1&&b=2") are skipped; a piece without '=' has the value "". */
enum web_form_status web_form_parse(const char *body, size_t len, size_t max_fields,
				    size_t max_field, struct web_form *out);

/* The value of the first field called name, or NULL. */
const char *web_form_get(const struct web_form *f, const char *name);

/* A sentence saying what went wrong, for an error page. */
const char *web_form_strerror(enum web_form_status st);

/* Frees what web_form_parse() allocated. Accepts a zeroed form. */
void web_form_free(struct web_form *f);

#endif
