/* web/csrf.h - protection of the admin forms against cross-site request
 * forgery (internal).
 *
 * There is no login yet, so any page a browser on the same machine opens
 * could post to the admin routes. Two independent checks stop that:
 * a double-submit token (a random value in a SameSite=Strict cookie that
 * the form must echo in a hidden field; another site can neither read the
 * cookie nor make the browser send it) and, when the browser sends an
 * Origin or Referer header, that it names the Host the request went to. */
#ifndef TP_WEB_CSRF_H
#define TP_WEB_CSRF_H

#include <stdbool.h>

#include "web/form.h"
#include "web/web_internal.h"

#define WEB_CSRF_LEN 43 /* 256 random bits, base64url without padding */

/* The token for a page with admin forms: the request's cookie when it
 * holds a well-formed one, else a new random token, which is then set as
 * the cookie in rep->set_cookie2. Writes it and its NUL into out; false
 * only when no random token can be made. */
bool web_csrf_token(const struct web_request *req, struct web_reply *rep,
		    char out[WEB_CSRF_LEN + 1]);

/* Checks a state-changing admin POST whose body was parsed into form.
 * NULL when it passes; otherwise a sentence (English, constant) saying
 * which check failed, for the 403 page. */
const char *web_csrf_check(const struct web_request *req, const struct web_form *form);

#endif
