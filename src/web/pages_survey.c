/* web/pages_survey.c - the public survey pages: GET /s/{token} (the form),
 * POST /s/{token} (an answer), GET /s/{token}/qr.svg (its QR code).
 *
 * The form is plain HTML (no script) asking only the link's questions, in
 * the link's language or else the browser's. Each page view carries a
 * random nonce in a hidden field; the answer's response_id is the token
 * and that nonce, so posting the same form twice stores one response. An
 * answer is committed (tp_store_survey_answer) before the thank-you page
 * is sent. Invalid answers get the form again, 400, with the reason next
 * to the field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/form.h"
#include "web/pages.h"

#define TEXT_HTML "text/html; charset=utf-8"
#define FORM_MAX_FIELDS 32

enum question { Q_NPS, Q_CSAT, Q_CES, Q_EMOTION, Q_COMMENT, N_Q };

struct scale {
	const char *name;
	int low, high;
	enum tp_msg title, low_label, high_label;
};

static const struct scale scales[] = {
    [Q_NPS] = {"nps", 0, 10, TP_MSG_Q_NPS, TP_MSG_Q_NPS_LOW, TP_MSG_Q_NPS_HIGH},
    [Q_CSAT] = {"csat", 1, 5, TP_MSG_Q_CSAT, TP_MSG_Q_CSAT_LOW, TP_MSG_Q_CSAT_HIGH},
    [Q_CES] = {"ces", 1, 7, TP_MSG_Q_CES, TP_MSG_Q_CES_LOW, TP_MSG_Q_CES_HIGH},
    [Q_EMOTION] = {"emotion", -3, 3, TP_MSG_Q_EMOTION, TP_MSG_EMO_M3, TP_MSG_EMO_P3},
};

/* Faces for -3..+3, shown to the eye only; screen readers get the words. */
static const char *const faces[] = {"\xF0\x9F\x98\xA1", "\xF0\x9F\x98\x9E", "\xF0\x9F\x99\x81",
				    "\xF0\x9F\x98\x90", "\xF0\x9F\x99\x82", "\xF0\x9F\x98\x8A",
				    "\xF0\x9F\x98\x84"};

/* What the visitor sent, to show the form again with it and the errors. */
struct answer {
	int value[N_Q - 1]; /* TP_SCORE_NONE when not answered */
	const char *comment;
	enum tp_msg error[N_Q]; /* TP_MSG_COUNT: no error */
	const char *form_error; /* above the form, or NULL */
};

static void answer_init(struct answer *a)
{
	for (int i = 0; i < N_Q - 1; i++)
		a->value[i] = TP_SCORE_NONE;
	for (int i = 0; i < N_Q; i++)
		a->error[i] = TP_MSG_COUNT;
	a->comment = NULL;
	a->form_error = NULL;
}

/* Copies the token segment of the path into out; false when it has not
 * the form of a token (then no link can match). */
static bool path_token(const char *path, char out[TP_SURVEY_TOKEN_LEN + 1])
{
	const char *t = path + 3; /* after "/s/" */
	size_t n = strcspn(t, "/");
	if (n != TP_SURVEY_TOKEN_LEN)
		return false;
	memcpy(out, t, n);
	out[n] = '\0';
	return tp_survey_token_valid(out);
}

static enum tp_lang link_lang(const struct web_request *req, const struct tp_survey_link *link)
{
	enum tp_lang lang;
	if (link && link->lang[0] && tp_lang_parse(link->lang, &lang))
		return lang;
	return tp_lang_from_accept(req->accept_language);
}

static void send_html(struct web_reply *rep, struct tp_buf *b, unsigned status)
{
	char *text = tp_buf_take(b);
	if (!text) {
		web_reply_error(rep, 503, NULL, "out of memory");
		return;
	}
	rep->status = status;
	rep->text = text;
	rep->content_type = TEXT_HTML;
}

static void begin(struct tp_buf *b, enum tp_lang lang, const char *title)
{
	tp_buf_printf(b,
		      "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		      "<title>",
		      tp_lang_code(lang));
	tp_html_escape(b, title);
	tp_buf_puts(b, "</title>\n<link rel=\"stylesheet\" href=\"/static/touchpoint.css\">\n"
		       "</head>\n<body class=\"survey\">\n<main>\n<h1>");
	tp_html_escape(b, title);
	tp_buf_puts(b, "</h1>\n");
}

static void end(struct tp_buf *b)
{
	tp_buf_puts(b, "</main>\n</body>\n</html>\n");
}

/* A page with a title and one paragraph. */
static void message_page(struct web_reply *rep, enum tp_lang lang, unsigned status,
			 enum tp_msg title, enum tp_msg text)
{
	struct tp_buf b;
	tp_buf_init(&b);
	begin(&b, lang, tp_msg(lang, title));
	tp_buf_printf(&b, "<p class=\"survey-message\">%s</p>\n", tp_msg(lang, text));
	end(&b);
	send_html(rep, &b, status);
}

static void field_error(struct tp_buf *b, enum tp_lang lang, const char *name, enum tp_msg msg)
{
	if (msg == TP_MSG_COUNT)
		return;
	tp_buf_printf(b, "<p class=\"field-error\" id=\"%s-error\">%s</p>\n", name,
		      tp_msg(lang, msg));
}

static void scale_fieldset(struct tp_buf *b, enum tp_lang lang, enum question q,
			   const struct answer *a)
{
	const struct scale *s = &scales[q];
	bool err = a->error[q] != TP_MSG_COUNT;
	tp_buf_printf(b, "<fieldset class=\"scale scale-%s\"%s%s%s>\n<legend>%s</legend>\n",
		      s->name, err ? " aria-describedby=\"" : "", err ? s->name : "",
		      err ? "-error\"" : "", tp_msg(lang, s->title));
	field_error(b, lang, s->name, a->error[q]);
	if (q != Q_EMOTION)
		tp_buf_printf(b, "<p class=\"hint\">%s · %s</p>\n", tp_msg(lang, s->low_label),
			      tp_msg(lang, s->high_label));
	tp_buf_puts(b, "<div class=\"options\">\n");
	for (int v = s->low; v <= s->high; v++) {
		/* ids: nps0..nps10, emotion-m3..emotion-p3 */
		char id[24];
		if (q == Q_EMOTION)
			snprintf(id, sizeof id, "%s-%c%d", s->name, v < 0 ? 'm' : 'p', abs(v));
		else
			snprintf(id, sizeof id, "%s%d", s->name, v);
		tp_buf_printf(b,
			      "<input type=\"radio\" id=\"%s\" name=\"%s\" value=\"%d\"%s>"
			      "<label for=\"%s\">",
			      id, s->name, v, a->value[q] == v ? " checked" : "", id);
		if (q == Q_EMOTION)
			tp_buf_printf(b,
				      "<span class=\"face\" aria-hidden=\"true\">%s</span>"
				      "<span class=\"sr\">%s</span>",
				      faces[v + 3],
				      tp_msg(lang, (enum tp_msg)(TP_MSG_EMO_M3 + v + 3)));
		else
			tp_buf_printf(b, "%d", v);
		tp_buf_puts(b, "</label>\n");
	}
	tp_buf_puts(b, "</div>\n</fieldset>\n");
}

static void form_page(struct web_reply *rep, enum tp_lang lang, unsigned status,
		      const struct tp_survey_link *link, const char *touchpoint_name,
		      const char *nonce, const struct answer *a)
{
	struct tp_buf b;
	tp_buf_init(&b);
	begin(&b, lang, tp_msg(lang, TP_MSG_SURVEY_TITLE));
	if (touchpoint_name) {
		tp_buf_puts(&b, "<p class=\"survey-about\">");
		tp_html_escape(&b, touchpoint_name);
		tp_buf_puts(&b, "</p>\n");
	}
	tp_buf_printf(&b, "<p>%s</p>\n", tp_msg(lang, TP_MSG_SURVEY_INTRO));
	if (a->form_error) {
		tp_buf_puts(&b, "<p class=\"error\" role=\"alert\">");
		tp_html_escape(&b, a->form_error);
		tp_buf_puts(&b, "</p>\n");
	}
	tp_buf_printf(&b,
		      "<form method=\"post\" action=\"/s/%s\" class=\"survey-form\">\n"
		      "<input type=\"hidden\" name=\"nonce\" value=\"%s\">\n",
		      link->token, nonce);
	for (int q = Q_NPS; q < Q_COMMENT; q++)
		if (link->questions & (1u << q))
			scale_fieldset(&b, lang, (enum question)q, a);
	if (link->questions & TP_SURVEY_COMMENT) {
		tp_buf_printf(&b, "<div class=\"comment\">\n<label for=\"comment\">%s</label>\n",
			      tp_msg(lang, TP_MSG_Q_COMMENT));
		field_error(&b, lang, "comment", a->error[Q_COMMENT]);
		tp_buf_puts(&b, "<textarea id=\"comment\" name=\"comment\" rows=\"4\">");
		if (a->comment)
			tp_html_escape(&b, a->comment);
		tp_buf_puts(&b, "</textarea>\n</div>\n");
	}
	tp_buf_printf(&b, "<button type=\"submit\">%s</button>\n</form>\n",
		      tp_msg(lang, TP_MSG_SEND));
	end(&b);
	send_html(rep, &b, status);
}

/* Looks the link of the request's path up; on failure answers (404 or
 * 503) and returns false. */
static bool find_link(const struct web_request *req, struct web_reply *rep,
		      struct tp_survey_link *link)
{
	char token[TP_SURVEY_TOKEN_LEN + 1];
	struct tp_error err;
	enum tp_status st = TP_ENOTFOUND;
	if (path_token(req->path, token))
		st = tp_store_survey_get(req->store, token, link, &err);
	if (st == TP_OK)
		return true;
	enum tp_lang lang = link_lang(req, NULL);
	if (st == TP_ENOTFOUND)
		message_page(rep, lang, 404, TP_MSG_NOT_FOUND, TP_MSG_SURVEY_UNKNOWN);
	else
		page_error(rep, lang, 503, err.message);
	return false;
}

/* The touchpoint's name (malloc'd), or NULL. */
static char *touchpoint_name(struct tp_store *store, const char *id)
{
	struct tp_journey *j = NULL;
	struct tp_error err;
	char *name = NULL;
	if (tp_store_journey_load(store, &j, &err) != TP_OK)
		return NULL;
	for (size_t i = 0; i < j->n_touchpoints; i++)
		if (strcmp(j->touchpoints[i].id, id) == 0)
			name = strdup(j->touchpoints[i].name);
	tp_journey_free(j);
	return name;
}

static void show_form(const struct web_request *req, struct web_reply *rep,
		      const struct tp_survey_link *link, unsigned status, const struct answer *a)
{
	enum tp_lang lang = link_lang(req, link);
	char nonce[TP_SURVEY_TOKEN_LEN + 1];
	struct tp_error err;
	if (tp_survey_token_new(nonce, &err) != TP_OK) {
		page_error(rep, lang, 503, err.message);
		return;
	}
	char *name = touchpoint_name(req->store, link->touchpoint);
	form_page(rep, lang, status, link, name, nonce, a);
	free(name);
}

void web_page_survey(const struct web_request *req, struct web_reply *rep)
{
	struct tp_survey_link link;
	if (!find_link(req, rep, &link))
		return;
	if (link.invitation[0] && link.used_at) {
		message_page(rep, link_lang(req, &link), 200, TP_MSG_ALREADY, TP_MSG_ALREADY_TEXT);
		return;
	}
	struct answer a;
	answer_init(&a);
	show_form(req, rep, &link, 200, &a);
}

/* Parses a whole number in [low, high]; false for anything else. */
static bool parse_score(const char *text, int low, int high, int *out)
{
	char *end;
	if (!text || !*text || strlen(text) > 4)
		return false;
	long v = strtol(text, &end, 10);
	if (*end != '\0' || v < low || v > high)
		return false;
	*out = (int)v;
	return true;
}

/* Reads the link's questions from the form into a; returns the number of
 * fields in error. */
static int read_answer(const struct web_form *f, const struct tp_survey_link *link,
		       struct answer *a)
{
	int errors = 0;
	for (int q = Q_NPS; q < Q_COMMENT; q++) {
		if (!(link->questions & (1u << q)))
			continue;
		const char *v = web_form_get(f, scales[q].name);
		if (!v || !*v)
			continue;
		if (!parse_score(v, scales[q].low, scales[q].high, &a->value[q])) {
			a->error[q] = TP_MSG_ERR_RANGE;
			errors++;
		}
	}
	if (link->questions & TP_SURVEY_COMMENT) {
		const char *c = web_form_get(f, "comment");
		if (c && *c)
			a->comment = c;
		if (c && strlen(c) > TP_COMMENT_MAX) {
			a->error[Q_COMMENT] = TP_MSG_ERR_COMMENT;
			errors++;
		}
	}
	return errors;
}

static bool is_form(const char *content_type)
{
	static const char want[] = "application/x-www-form-urlencoded";
	return content_type && strncasecmp(content_type, want, sizeof want - 1) == 0 &&
	       (content_type[sizeof want - 1] == '\0' || content_type[sizeof want - 1] == ';');
}

/* Stores a checked answer and answers with the thank-you page, 409 or an
 * error. */
static void store_answer(const struct web_request *req, struct web_reply *rep,
			 const struct tp_survey_link *link, const char *nonce,
			 const struct answer *a)
{
	enum tp_lang lang = link_lang(req, link);
	char id[2 * TP_SURVEY_TOKEN_LEN + 2];
	snprintf(id, sizeof id, "%s-%s", link->token, nonce);
	struct tp_response r;
	tp_response_init(&r);
	r.response_id = id;
	r.submitted_at = (int64_t)time(NULL);
	r.respondent_id = link->invitation[0] ? link->invitation : NULL;
	r.touchpoint = link->touchpoint;
	r.nps = a->value[Q_NPS];
	r.csat = a->value[Q_CSAT];
	r.ces = a->value[Q_CES];
	r.emotion = a->value[Q_EMOTION];
	r.comment = a->comment;
	r.lang = tp_lang_code(lang);
	struct tp_error err;
	enum tp_status st = tp_response_check(&r, &err);
	if (st != TP_OK) {
		struct answer again = *a;
		again.form_error = err.message;
		show_form(req, rep, link, 400, &again);
		return;
	}
	bool inserted;
	st = tp_store_survey_answer(req->store, link->token, &r, &inserted, &err);
	if (st == TP_OK)
		message_page(rep, lang, 200, TP_MSG_THANKS, TP_MSG_THANKS_TEXT);
	else if (st == TP_ECONFLICT)
		message_page(rep, lang, 409, TP_MSG_ALREADY, TP_MSG_ALREADY_TEXT);
	else if (st == TP_ENOTFOUND)
		message_page(rep, lang, 404, TP_MSG_NOT_FOUND, TP_MSG_SURVEY_UNKNOWN);
	else if (st == TP_EINPUT)
		page_error(rep, lang, 400, err.message);
	else
		page_error(rep, lang, 503, err.message);
}

void web_page_survey_post(const struct web_request *req, struct web_reply *rep)
{
	struct tp_survey_link link;
	if (!find_link(req, rep, &link))
		return;
	enum tp_lang lang = link_lang(req, &link);
	if (!is_form(req->content_type)) {
		page_error(rep, lang, 415,
			   "the answer must be sent as "
			   "application/x-www-form-urlencoded (an HTML form)");
		return;
	}
	struct web_form f;
	enum web_form_status fs =
	    web_form_parse(req->body, req->body_len, FORM_MAX_FIELDS, TP_COMMENT_MAX + 1, &f);
	if (fs != WEB_FORM_OK) {
		page_error(rep, lang, fs == WEB_FORM_NOMEM ? 503 : 400, web_form_strerror(fs));
		goto out;
	}
	struct answer a;
	answer_init(&a);
	const char *nonce = web_form_get(&f, "nonce");
	if (!nonce || !tp_survey_token_valid(nonce)) {
		a.form_error = tp_msg(lang, TP_MSG_ERR_FORM);
		read_answer(&f, &link, &a);
		show_form(req, rep, &link, 400, &a);
		goto out;
	}
	if (read_answer(&f, &link, &a) > 0) {
		a.form_error = tp_msg(lang, TP_MSG_ERR_FORM);
		show_form(req, rep, &link, 400, &a);
		goto out;
	}
	bool any = a.comment != NULL;
	for (int q = Q_NPS; q < Q_COMMENT; q++)
		any = any || a.value[q] != TP_SCORE_NONE;
	if (!any) {
		a.form_error = tp_msg(lang, TP_MSG_ERR_EMPTY);
		show_form(req, rep, &link, 400, &a);
		goto out;
	}
	store_answer(req, rep, &link, nonce, &a);
out:
	web_form_free(&f);
}

/* The survey's public address: --public-url, else http:// and the Host
 * header when it names the listen address, else the listen address. */
static void public_base(const struct web_request *req, struct tp_buf *b)
{
	const char *base = req->opts ? req->opts->public_url : NULL;
	if (base && *base) {
		size_t n = strlen(base);
		while (n > 0 && base[n - 1] == '/')
			n--;
		tp_buf_add(b, base, n);
		return;
	}
	const char *host = req->host && req->listen && strcmp(req->host, req->listen) == 0
			       ? req->host
			   : req->listen ? req->listen
					 : "127.0.0.1";
	tp_buf_printf(b, "http://%s", host);
}

void web_page_survey_qr(const struct web_request *req, struct web_reply *rep)
{
	struct tp_survey_link link;
	if (!find_link(req, rep, &link))
		return;
	struct tp_buf url, svg;
	tp_buf_init(&url);
	tp_buf_init(&svg);
	public_base(req, &url);
	tp_buf_printf(&url, "/s/%s", link.token);
	char *text = tp_buf_take(&url);
	if (!text || !tp_qr_svg(&svg, text)) {
		free(text);
		tp_buf_free(&svg);
		web_reply_error(rep, 500, NULL, "cannot draw the QR code");
		return;
	}
	free(text);
	char *body = tp_buf_take(&svg);
	if (!body) {
		web_reply_error(rep, 503, NULL, "out of memory");
		return;
	}
	rep->status = 200;
	rep->text = body;
	rep->content_type = "image/svg+xml";
}
