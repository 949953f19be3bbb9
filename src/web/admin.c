/* web/admin.c - what the admin pages share (see web/admin.h): the
 * language, the frame and navigation, the CSRF field, the checked start
 * of every admin POST (form body, CSRF; 403 page) and the redirect after
 * a change. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "web/admin.h"

#define TEXT_HTML "text/html; charset=utf-8"
#define FORM_MAX_FIELDS 64
#define FORM_MAX_FIELD (4 * TP_TEXT_MAX) /* the journey model names what is too long */

enum tp_lang admin_lang(const struct web_request *req, struct web_reply *rep)
{
	enum tp_lang lang;
	for (size_t i = 0; i < req->n_params; i++) {
		if (strcmp(req->params[i].name, "lang") == 0 &&
		    tp_lang_parse(req->params[i].value, &lang)) {
			snprintf(rep->set_cookie, sizeof rep->set_cookie,
				 "lang=%s; Path=/; SameSite=Lax", tp_lang_code(lang));
			return lang;
		}
	}
	if (tp_lang_parse(req->cookie_lang, &lang))
		return lang;
	return tp_lang_from_accept(req->accept_language);
}

void admin_begin(struct tp_buf *b, enum tp_lang lang, const char *title, const char *self_url)
{
	const char *code = tp_lang_code(lang);
	tp_html_begin(b, lang, title, self_url);
	tp_buf_printf(b,
		      "<nav class=\"admin\"><a href=\"/admin?lang=%s\">%s</a> "
		      "<a href=\"/admin/surveys?lang=%s\">%s</a></nav>\n",
		      code, tp_msg(lang, TP_MSG_ADMIN_JOURNEY), code,
		      tp_msg(lang, TP_MSG_SURVEY_LINKS));
}

void admin_csrf_field(struct tp_buf *b, const char *token)
{
	tp_buf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", token);
}

static bool is_form(const char *content_type)
{
	static const char want[] = "application/x-www-form-urlencoded";
	return content_type && strncasecmp(content_type, want, sizeof want - 1) == 0 &&
	       (content_type[sizeof want - 1] == '\0' || content_type[sizeof want - 1] == ';');
}

static void forbidden(struct web_reply *rep, enum tp_lang lang, const char *reason)
{
	struct tp_buf b;
	tp_buf_init(&b);
	tp_html_begin(&b, lang, tp_msg(lang, TP_MSG_FORBIDDEN), "/admin?");
	tp_buf_printf(&b, "<p class=\"error\" role=\"alert\">%s</p>\n<p>",
		      tp_msg(lang, TP_MSG_CSRF_TEXT));
	tp_html_escape(&b, reason);
	tp_buf_printf(&b, "</p>\n<p><a href=\"/admin?lang=%s\">%s</a></p>\n", tp_lang_code(lang),
		      tp_msg(lang, TP_MSG_ADMIN));
	tp_html_end(&b);
	page_send(rep, &b, false);
	if (rep->content_type)
		rep->status = 403;
}

bool admin_post_begin(const struct web_request *req, struct web_reply *rep, enum tp_lang lang,
		      struct web_form *f)
{
	memset(f, 0, sizeof *f);
	if (!is_form(req->content_type)) {
		page_error(rep, lang, 415,
			   "admin forms are sent as application/x-www-form-urlencoded");
		return false;
	}
	enum web_form_status fs =
	    web_form_parse(req->body, req->body_len, FORM_MAX_FIELDS, FORM_MAX_FIELD, f);
	if (fs != WEB_FORM_OK) {
		page_error(rep, lang, fs == WEB_FORM_NOMEM ? 503 : 400, web_form_strerror(fs));
		return false;
	}
	const char *why = web_csrf_check(req, f);
	if (why) {
		forbidden(rep, lang, why);
		return false;
	}
	return true;
}

void admin_redirect(struct web_reply *rep, const char *location)
{
	rep->status = 303;
	rep->text = strdup("");
	rep->content_type = TEXT_HTML;
	snprintf(rep->location, sizeof rep->location, "%s", location);
}

const char *admin_field(const struct web_form *f, const char *name)
{
	const char *v = web_form_get(f, name);
	if (!v)
		return "";
	while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
		v++;
	/* The value lives in the form's own decoded buffer: trimming its end
	 * in place changes nothing anyone else reads. */
	char *end = (char *)v + strlen(v);
	while (end > v && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		*--end = '\0';
	return v;
}
