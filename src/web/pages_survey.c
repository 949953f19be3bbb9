/* web/pages_survey.c - the public survey pages: GET /s/{token} (the form),
 * POST /s/{token} (an answer), GET /s/{token}/qr.svg (its QR code).
 *
 * The form is plain HTML (no script) asking only the link's questions, in
 * the language of ?lang= when given, else the link's, else the browser's,
 * under the document head every page shares (tp_html_head). An answer is
 * turned into a response by the importer's row converter (io/rowconv.c,
 * as for a JSON Lines row or an API item), so it is validated exactly like
 * an imported row. Each page view carries a
 * random nonce in a hidden field; the answer's response_id is the token
 * and that nonce, so posting the same form twice stores one response. An
 * answer is committed (by the group commit writer, web_commit: the
 * connection is suspended meanwhile) before the thank-you page is sent. Invalid answers get the form again, 400, with the reason next
 * to the field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "io/mapping.h"
#include "io/rowconv.h"
#include "touchpoint/time.h"
#include "util/utf8.h"
#include "web/admin.h"
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
	char reason[N_Q][256];	/* the importer's reason, or "" */
	const char *form_error; /* above the form, or NULL */
};

static void answer_init(struct answer *a)
{
	for (int i = 0; i < N_Q - 1; i++)
		a->value[i] = TP_SCORE_NONE;
	for (int i = 0; i < N_Q; i++) {
		a->error[i] = TP_MSG_COUNT;
		a->reason[i][0] = '\0';
	}
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

/* The language asked for with ?lang=, or NULL. */
static const char *query_lang(const struct web_request *req)
{
	enum tp_lang lang;
	for (size_t i = 0; i < req->n_params; i++)
		if (strcmp(req->params[i].name, "lang") == 0 &&
		    tp_lang_parse(req->params[i].value, &lang))
			return req->params[i].value;
	return NULL;
}

static enum tp_lang link_lang(const struct web_request *req, const struct tp_survey_link *link)
{
	enum tp_lang lang;
	if (tp_lang_parse(query_lang(req), &lang))
		return lang;
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
	tp_html_head(b, lang, title, "survey");
	tp_buf_puts(b, "<main>\n<h1>");
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

static void field_error(struct tp_buf *b, enum tp_lang lang, const char *name, enum tp_msg msg,
			const char *reason)
{
	if (msg == TP_MSG_COUNT)
		return;
	tp_buf_printf(b, "<p class=\"field-error\" id=\"%s-error\">%s", name, tp_msg(lang, msg));
	if (reason && *reason) {
		tp_buf_puts(b, " (");
		tp_html_escape(b, reason);
		tp_buf_puts(b, ")");
	}
	tp_buf_puts(b, "</p>\n");
}

static void scale_fieldset(struct tp_buf *b, enum tp_lang lang, enum question q,
			   const struct answer *a)
{
	const struct scale *s = &scales[q];
	bool err = a->error[q] != TP_MSG_COUNT;
	tp_buf_printf(b, "<fieldset class=\"scale scale-%s\"%s%s%s>\n<legend>%s</legend>\n",
		      s->name, err ? " aria-describedby=\"" : "", err ? s->name : "",
		      err ? "-error\"" : "", tp_msg(lang, s->title));
	field_error(b, lang, s->name, a->error[q], a->reason[q]);
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
		      const char *nonce, const struct answer *a, bool lang_query)
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
	/* ?lang= is kept so the answer's pages speak the same language. */
	tp_buf_printf(&b,
		      "<form method=\"post\" action=\"/s/%s%s%s\" class=\"survey-form\">\n"
		      "<input type=\"hidden\" name=\"nonce\" value=\"%s\">\n",
		      link->token, lang_query ? "?lang=" : "", lang_query ? tp_lang_code(lang) : "",
		      nonce);
	for (int q = Q_NPS; q < Q_COMMENT; q++)
		if (link->questions & (1u << q))
			scale_fieldset(&b, lang, (enum question)q, a);
	if (link->questions & TP_SURVEY_COMMENT) {
		tp_buf_printf(&b, "<div class=\"comment\">\n<label for=\"comment\">%s</label>\n",
			      tp_msg(lang, TP_MSG_Q_COMMENT));
		field_error(&b, lang, "comment", a->error[Q_COMMENT], a->reason[Q_COMMENT]);
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
	form_page(rep, lang, status, link, name, nonce, a, query_lang(req) != NULL);
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

/* The form's text for question q, or NULL when not asked or empty. */
static const char *given(const struct web_form *f, const struct tp_survey_link *link, int q)
{
	unsigned bit = q == Q_COMMENT ? TP_SURVEY_COMMENT : 1u << q;
	if (!(link->questions & bit))
		return NULL;
	const char *v = web_form_get(f, q == Q_COMMENT ? "comment" : scales[q].name);
	return v && *v ? v : NULL;
}

/* Keeps what the visitor chose, to show the form again with it. */
static void remember(const struct web_form *f, const struct tp_survey_link *link, struct answer *a)
{
	for (int q = Q_NPS; q < Q_COMMENT; q++) {
		const char *v = given(f, link, q);
		char *end;
		long n = v ? strtol(v, &end, 10) : 0;
		if (v && !*end && n >= scales[q].low && n <= scales[q].high)
			a->value[q] = (int)n;
	}
	/* Text that is not UTF-8 is not echoed into the page: the importer's
	 * reason says where it went wrong. */
	const char *c = given(f, link, Q_COMMENT);
	size_t bad;
	a->comment = c && tp_utf8_valid(c, strlen(c), &bad) ? c : NULL;
}

/* Where the row converter's problems go: next to the question concerned,
 * or above the form for the answer as a whole. */
struct conv_ctx {
	struct answer *a;
	char whole[256];
	int errors;
};

static void conv_error(void *ctx, long line, int column, const char *name, const char *field,
		       const char *reason)
{
	(void)line;
	(void)column;
	(void)name;
	struct conv_ctx *c = ctx;
	c->errors++;
	for (int q = Q_NPS; q < N_Q && field; q++) {
		const char *qname = q == Q_COMMENT ? "comment" : scales[q].name;
		if (strcmp(field, qname) == 0) {
			c->a->error[q] = q == Q_COMMENT ? TP_MSG_ERR_COMMENT : TP_MSG_ERR_RANGE;
			snprintf(c->a->reason[q], sizeof c->a->reason[q], "%s", reason);
			return;
		}
	}
	if (!c->whole[0])
		snprintf(c->whole, sizeof c->whole, "%s%s%s", field ? field : "", field ? ": " : "",
			 reason);
}

/* The answer as an importer row: response_id, submitted_at, the link's
 * touchpoint and invitation, the language shown, and the questions the
 * link asks exactly as the form sent them. */
struct answer_row {
	size_t n;
	const char *names[16];
	const char *values[16];
	size_t lengths[16];
	char id[2 * TP_SURVEY_TOKEN_LEN + 2];
	char at[32];
};

static void row_add(struct answer_row *row, const char *name, const char *value)
{
	row->names[row->n] = name;
	row->values[row->n] = value;
	row->lengths[row->n] = strlen(value);
	row->n++;
}

static void answer_row(struct answer_row *row, const struct web_form *f,
		       const struct tp_survey_link *link, const char *nonce, enum tp_lang lang)
{
	row->n = 0;
	snprintf(row->id, sizeof row->id, "%s-%s", link->token, nonce);
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(row->at, sizeof row->at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	row_add(row, "response_id", row->id);
	row_add(row, "submitted_at", row->at);
	row_add(row, "touchpoint", link->touchpoint);
	row_add(row, "respondent_type", "customer");
	row_add(row, "lang", tp_lang_code(lang));
	if (link->invitation[0])
		row_add(row, "respondent_id", link->invitation);
	for (int q = Q_NPS; q < N_Q; q++) {
		const char *v = given(f, link, q);
		if (v)
			row_add(row, q == Q_COMMENT ? "comment" : scales[q].name, v);
	}
}

/* Converts the posted answer with the importer's rules into *r (valid
 * while conv and f live). Returns the number of problems (put in a), or
 * -1 with an error page in rep when the converter cannot run. */
static int convert_answer(const struct web_request *req, struct web_reply *rep,
			  const struct web_form *f, const struct tp_survey_link *link,
			  const char *nonce, struct answer *a, struct tp_rowconv *conv,
			  struct answer_row *row, struct conv_ctx *ctx, struct tp_response *r)
{
	enum tp_lang lang = link_lang(req, link);
	answer_row(row, f, link, nonce, lang);
	struct tp_table_row tr = {
	    .line = 1, .n = row->n, .names = row->names, .values = row->values,
	    .lengths = row->lengths};
	ctx->a = a;
	int problems = tp_rowconv_response(conv, &tr, NULL, 0, r);
	if (problems < 0) {
		page_error(rep, lang, 503, "out of memory");
		return -1;
	}
	if (ctx->whole[0])
		a->form_error = ctx->whole;
	else if (problems > 0)
		a->form_error = tp_msg(lang, TP_MSG_ERR_FORM);
	return problems;
}

static bool is_form(const char *content_type)
{
	static const char want[] = "application/x-www-form-urlencoded";
	return content_type && strncasecmp(content_type, want, sizeof want - 1) == 0 &&
	       (content_type[sizeof want - 1] == '\0' || content_type[sizeof want - 1] == ';');
}

/* suspend: an answer handed to the group commit writer (web_commit); it
 * owns everything the converted response points into (the link, the
 * decoded form, the converter's memory, the row), as the reply is built
 * after the commit, once this page's handler has returned. */
struct survey_write {
	struct tp_survey_link link;
	struct web_form f;
	struct tp_mapping *map;
	struct tp_rowconv conv;
	struct answer_row row;
	struct tp_response r;
	bool inserted;
};

static void survey_write_free(struct survey_write *w)
{
	tp_rowconv_free(&w->conv);
	tp_mapping_free(w->map);
	web_form_free(&w->f);
	free(w);
}

/* Run by the writer, on its connection (which has no writer of its own:
 * the answer is stored there, inside the group's transaction). */
static enum tp_status survey_write_run(struct tp_store *writer, void *ctx, struct tp_error *err)
{
	struct survey_write *w = ctx;
	w->inserted = false;
	return tp_store_survey_answer(writer, w->link.token, &w->r, &w->inserted, err);
}

/* Once committed (or not): the thank-you page, 409 or an error. */
static void survey_write_finish(const struct web_request *req, struct web_reply *rep, void *ctx,
				enum tp_status st, const struct tp_error *err)
{
	struct survey_write *w = ctx;
	enum tp_lang lang = link_lang(req, &w->link);
	if (st == TP_OK)
		message_page(rep, lang, 200, TP_MSG_THANKS, TP_MSG_THANKS_TEXT);
	else if (st == TP_ECONFLICT)
		message_page(rep, lang, 409, TP_MSG_ALREADY, TP_MSG_ALREADY_TEXT);
	else if (st == TP_ENOTFOUND)
		message_page(rep, lang, 404, TP_MSG_NOT_FOUND, TP_MSG_SURVEY_UNKNOWN);
	else if (st == TP_EINPUT)
		page_error(rep, lang, 400, err->message);
	else
		page_error(rep, lang, 503, err->message);
	survey_write_free(w);
}

/* Checks the posted form (nonce, the importer's rules, at least one
 * answer) into w->r; true when it can be stored, else rep holds the form
 * again with the reasons (or an error page). */
static bool answer_form(const struct web_request *req, struct web_reply *rep,
			struct survey_write *w)
{
	const struct tp_survey_link *link = &w->link;
	const struct web_form *f = &w->f;
	enum tp_lang lang = link_lang(req, link);
	struct answer a;
	answer_init(&a);
	remember(f, link, &a);
	const char *nonce = web_form_get(f, "nonce");
	if (!nonce || !tp_survey_token_valid(nonce)) {
		a.form_error = tp_msg(lang, TP_MSG_ERR_FORM);
		show_form(req, rep, link, 400, &a);
		return false;
	}
	bool any = false;
	for (int q = Q_NPS; q < N_Q; q++)
		any = any || given(f, link, q);
	if (!any) {
		a.form_error = tp_msg(lang, TP_MSG_ERR_EMPTY);
		show_form(req, rep, link, 400, &a);
		return false;
	}
	struct conv_ctx ctx = {0};
	w->conv.store = req->store;
	w->conv.map = w->map;
	w->conv.error = conv_error;
	w->conv.ctx = &ctx;
	int problems =
	    convert_answer(req, rep, f, link, nonce, &a, &w->conv, &w->row, &ctx, &w->r);
	w->conv.ctx = NULL; /* ctx ends here; the converter is done */
	if (problems > 0)
		show_form(req, rep, link, 400, &a);
	return problems == 0;
}

void web_page_survey_post(const struct web_request *req, struct web_reply *rep)
{
	struct survey_write *w = calloc(1, sizeof *w);
	if (!w) {
		page_error(rep, link_lang(req, NULL), 503, "out of memory");
		return;
	}
	tp_rowconv_init(&w->conv);
	if (!find_link(req, rep, &w->link))
		goto out;
	enum tp_lang lang = link_lang(req, &w->link);
	if (!is_form(req->content_type)) {
		page_error(rep, lang, 415,
			   "the answer must be sent as "
			   "application/x-www-form-urlencoded (an HTML form)");
		goto out;
	}
	struct tp_error err;
	enum web_form_status fs =
	    web_form_parse(req->body, req->body_len, FORM_MAX_FIELDS, TP_COMMENT_MAX + 1, &w->f);
	if (fs != WEB_FORM_OK) {
		page_error(rep, lang, fs == WEB_FORM_NOMEM ? 503 : 400, web_form_strerror(fs));
		goto out;
	}
	if (tp_mapping_load(NULL, TP_TABLE_JSONL, &w->map, &err) != TP_OK) {
		page_error(rep, lang, 503, err.message);
		goto out;
	}
	if (answer_form(req, rep, w)) {
		/* Committed before the thank-you page: finish frees w. */
		struct web_pending p = {survey_write_run, survey_write_finish, w};
		web_commit(req, rep, &p);
		return;
	}
out:
	survey_write_free(w);
}

void web_survey_public_base(const struct web_request *req, struct tp_buf *b)
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

/* The link's public URL (malloc'd), or NULL when out of memory. */
static char *link_url(const struct web_request *req, const struct tp_survey_link *link)
{
	struct tp_buf url;
	tp_buf_init(&url);
	web_survey_public_base(req, &url);
	tp_buf_printf(&url, "/s/%s", link->token);
	return tp_buf_take(&url);
}

void web_page_survey_qr(const struct web_request *req, struct web_reply *rep)
{
	struct tp_survey_link link;
	if (!find_link(req, rep, &link))
		return;
	struct tp_buf svg;
	tp_buf_init(&svg);
	char *text = link_url(req, &link);
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

void web_page_survey_qr_png(const struct web_request *req, struct web_reply *rep)
{
	struct tp_survey_link link;
	if (!find_link(req, rep, &link))
		return;
	char *text = link_url(req, &link);
	size_t len = 0;
	/* 8 pixels a module: a typical link (version 4-5) is about 300 px. */
	unsigned char *png = text ? tp_qr_png(text, 8, &len) : NULL;
	free(text);
	if (!png) {
		web_reply_error(rep, 500, NULL, "cannot draw the QR code");
		return;
	}
	rep->status = 200;
	rep->text = (char *)png;
	rep->text_len = len;
	rep->content_type = "image/png";
}
