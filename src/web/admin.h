/* web/admin.h - what the admin pages share (internal).
 *
 * web/pages_admin.c edits the journey (/admin, /admin/t/{id},
 * POST /admin/journey); web/pages_admin_survey.c manages survey links
 * (/admin/surveys). Both are server-rendered forms without script; every
 * POST goes through admin_post_begin(), which parses the form and runs the
 * CSRF checks (web/csrf.h) before anything is read or written. */
#ifndef TP_WEB_ADMIN_H
#define TP_WEB_ADMIN_H

#include "web/csrf.h"
#include "web/form.h"
#include "web/pages.h"

/* The language of an admin request: ?lang= (which also sets the cookie),
 * else the "lang" cookie, else Accept-Language. */
enum tp_lang admin_lang(const struct web_request *req, struct web_reply *rep);

/* Opens an admin page: the shared frame, then the admin navigation. */
void admin_begin(struct tp_buf *b, enum tp_lang lang, const char *title, const char *self_url);

/* Writes the hidden CSRF field. */
void admin_csrf_field(struct tp_buf *b, const char *token);

/* Checks the content type, parses the body into f and runs the CSRF
 * checks. False with the reply made (400, 403, 415) when the request must
 * go no further; f is freed by the caller with web_form_free() either way. */
bool admin_post_begin(const struct web_request *req, struct web_reply *rep, enum tp_lang lang,
		      struct web_form *f);

/* Answers 303 See Other to location (a path with its query, constant
 * characters only). */
void admin_redirect(struct web_reply *rep, const char *location);

/* The value of form field name with surrounding blanks removed (in place,
 * inside the form's buffer); "" when absent. */
const char *admin_field(const struct web_form *f, const char *name);

/* Appends the survey links' public address (web/pages_survey.c):
 * --public-url, else http:// and the Host header when it names the listen
 * address, else the listen address. No trailing slash. */
void web_survey_public_base(const struct web_request *req, struct tp_buf *b);

#endif
