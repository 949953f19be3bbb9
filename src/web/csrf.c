/* web/csrf.c - the admin forms' CSRF checks (see web/csrf.h). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "web/csrf.h"

static bool well_formed(const char *t)
{
	if (!t || strlen(t) != WEB_CSRF_LEN)
		return false;
	for (const char *p = t; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return false;
	return true;
}

bool web_csrf_token(const struct web_request *req, struct web_reply *rep,
		    char out[WEB_CSRF_LEN + 1])
{
	if (well_formed(req->cookie_csrf)) {
		memcpy(out, req->cookie_csrf, WEB_CSRF_LEN + 1);
		return true;
	}
	if (sodium_init() < 0)
		return false;
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, WEB_CSRF_LEN + 1, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	/* Path=/ so the token reaches every admin route; HttpOnly because no
	 * script needs it: the server writes it into the forms itself. */
	snprintf(rep->set_cookie2, sizeof rep->set_cookie2,
		 "tp_csrf=%s; Path=/; SameSite=Strict; HttpOnly", out);
	return true;
}

/* The host[:port] part of an absolute URL "scheme://host[:port]/...",
 * as a length into url; 0 when url has no such form. */
static size_t url_host(const char *url, const char **host)
{
	const char *sep = strstr(url, "://");
	if (!sep || sep == url)
		return 0;
	*host = sep + 3;
	return strcspn(*host, "/?#");
}

static bool names_host(const char *url, const char *host)
{
	const char *h;
	size_t n = url_host(url, &h);
	return n > 0 && host && strlen(host) == n && strncasecmp(h, host, n) == 0;
}

const char *web_csrf_check(const struct web_request *req, const struct web_form *form)
{
	/* Origin first: browsers send it with every cross-site POST. */
	if (req->origin && !names_host(req->origin, req->host))
		return "the request comes from another site (its Origin header does not name "
		       "this server)";
	if (!req->origin && req->referer && !names_host(req->referer, req->host))
		return "the request comes from another site (its Referer header does not name "
		       "this server)";
	if (!well_formed(req->cookie_csrf))
		return "the form's security cookie is missing (cookies must be enabled for "
		       "the admin pages)";
	const char *echoed = web_form_get(form, "csrf");
	if (!echoed || strlen(echoed) != WEB_CSRF_LEN)
		return "the form's security token is missing";
	if (sodium_memcmp(echoed, req->cookie_csrf, WEB_CSRF_LEN) != 0)
		return "the form's security token does not match its cookie";
	return NULL;
}
