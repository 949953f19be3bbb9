/* web/pages_admin_survey.c - survey link management: GET /admin/surveys
 * (the links of each touchpoint and the form making new ones), POST
 * /admin/surveys (make a shared link, or one link per invitation) and GET
 * /admin/surveys.csv (the invitation links, to mail out).
 *
 * Links are made as `touchpoint survey create` makes them: random tokens
 * (tp_survey_token_new), stored in one transaction, so a request makes all
 * its links or none. At most MAX_LINKS links a request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/admin.h"

#define MAX_LINKS 1000
#define TEXT_CSV "text/csv; charset=utf-8"

static const char *const question_names[] = {"nps", "csat", "ces", "emotion", "comment"};
#define N_QUESTIONS 5


/* --- the page --- */

struct list_ctx {
	struct tp_buf *b;
	const struct web_request *req;
	enum tp_lang lang;
	size_t n;
};

static void link_url(struct tp_buf *b, const struct web_request *req, const char *token)
{
	web_survey_public_base(req, b);
	tp_buf_printf(b, "/s/%s", token);
}

static int link_row(const struct tp_survey_link *l, void *ctx)
{
	struct list_ctx *c = ctx;
	struct tp_buf *b = c->b;
	enum tp_lang L = c->lang;
	char q[64], date[32];
	struct tp_buf url;
	tp_buf_init(&url);
	link_url(&url, c->req, l->token);
	if (c->n++ == 0)
		tp_buf_printf(b,
			      "<table class=\"admin links\">\n<tr><th>%s</th><th>QR</th><th>%s</th>"
			      "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n",
			      tp_msg(L, TP_MSG_LINK), tp_msg(L, TP_MSG_QUESTIONS),
			      tp_msg(L, TP_MSG_LANGUAGE), tp_msg(L, TP_MSG_INVITATION),
			      tp_msg(L, TP_MSG_CREATED), tp_msg(L, TP_MSG_USED));
	tp_buf_printf(b, "<tr><td><a class=\"survey-link\" href=\"/s/%s\">", l->token);
	tp_html_escape(b, url.data);
	tp_buf_puts(b, "</a></td><td class=\"qr\">");
	/* A shared link shows its code; invitations only link to theirs (a
	 * page of thousands of images would be slow for nothing). */
	if (!l->invitation[0])
		tp_buf_printf(b, "<img src=\"/s/%s/qr.svg\" alt=\"QR\"><br>", l->token);
	tp_buf_printf(b, "<a href=\"/s/%s/qr.svg\">SVG</a> · <a href=\"/s/%s/qr.png\">PNG</a></td>",
		      l->token, l->token);
	/* "nps, csat" rather than "nps,csat": the column can wrap. */
	tp_buf_puts(b, "<td>");
	tp_survey_questions_format(l->questions, q, sizeof q);
	for (const char *p = q; *p; p++)
		tp_buf_add(b, *p == ',' ? ", " : p, *p == ',' ? 2 : 1);
	tp_buf_printf(b, "</td><td>%s</td><td>",
		      l->lang[0] ? l->lang : tp_msg(L, TP_MSG_LANG_BROWSER));
	if (l->invitation[0])
		tp_html_escape(b, l->invitation);
	else
		tp_buf_printf(b, "<em>%s</em>", tp_msg(L, TP_MSG_SHARED));
	tp_buf_printf(b, "</td><td>%s</td><td>", tp_fmt_date(date, sizeof date, l->created_at, L));
	if (!l->invitation[0])
		tp_buf_puts(b, "—");
	else if (l->used_at)
		tp_buf_printf(b, "<span class=\"used\">%s</span>",
			      tp_fmt_date(date, sizeof date, l->used_at, L));
	else
		tp_buf_printf(b, "<span class=\"unused\">%s</span>", tp_msg(L, TP_MSG_NOT_USED));
	tp_buf_puts(b, "</td></tr>\n");
	tp_buf_free(&url);
	return 0;
}

/* True when the posted form (or, with none, the default: every question)
 * has question q checked. */
static bool question_checked(const struct web_form *f, const char *q)
{
	if (!f)
		return true;
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->fields[i].name, "q") == 0 && strcmp(f->fields[i].value, q) == 0)
			return true;
	return false;
}

static void create_form(struct tp_buf *b, enum tp_lang L, const char *csrf,
			const struct tp_journey *j, const char *selected, const char *error,
			const struct web_form *posted)
{
	tp_buf_printf(b, "<h2>%s</h2>\n", tp_msg(L, TP_MSG_CREATE_LINKS));
	if (error) {
		tp_buf_puts(b, "<p class=\"error\" role=\"alert\">");
		tp_html_escape(b, error);
		tp_buf_printf(b, " %s</p>\n", tp_msg(L, TP_MSG_NOTHING_CHANGED));
	}
	tp_buf_printf(b, "<form method=\"post\" action=\"/admin/surveys?lang=%s\" class=\"edit\">",
		      tp_lang_code(L));
	admin_csrf_field(b, csrf);
	tp_buf_printf(b, "<label for=\"s-touchpoint\">%s</label> <select id=\"s-touchpoint\" "
			 "name=\"touchpoint\">",
		      tp_msg(L, TP_MSG_TOUCHPOINT));
	for (size_t i = 0; i < j->n_touchpoints; i++) {
		const struct tp_touchpoint *t = &j->touchpoints[i];
		tp_buf_puts(b, "<option value=\"");
		tp_html_escape(b, t->id);
		tp_buf_printf(b, "\"%s>", selected && strcmp(selected, t->id) == 0 ? " selected" : "");
		tp_html_escape(b, t->name);
		tp_buf_puts(b, "</option>");
	}
	tp_buf_printf(b,
		      "</select>\n<span class=\"label\" id=\"s-questions\">%s</span> "
		      "<span role=\"group\" aria-labelledby=\"s-questions\">",
		      tp_msg(L, TP_MSG_QUESTIONS));
	for (size_t i = 0; i < N_QUESTIONS; i++)
		tp_buf_printf(b,
			      "<label><input type=\"checkbox\" name=\"q\" value=\"%s\"%s> "
			      "%s</label> ",
			      question_names[i],
			      question_checked(posted, question_names[i]) ? " checked" : "",
			      question_names[i]);
	/* After a refusal the form shows what was sent. */
	const char *lang = posted ? admin_field(posted, "lang_link") : "";
	const char *count = posted ? admin_field(posted, "count") : "0";
	const char *prefix = posted ? admin_field(posted, "prefix") : "inv";
	tp_buf_printf(b,
		      "</span>\n<label for=\"s-lang\">%s</label> <select id=\"s-lang\" "
		      "name=\"lang_link\">",
		      tp_msg(L, TP_MSG_LANGUAGE));
	page_option(b, "", tp_msg(L, TP_MSG_LANG_BROWSER), !*lang);
	page_option(b, "es", "es", strcmp(lang, "es") == 0);
	page_option(b, "en", "en", strcmp(lang, "en") == 0);
	tp_buf_printf(b,
		      "</select>\n<label for=\"s-count\">%s</label> <input type=\"number\" "
		      "id=\"s-count\" name=\"count\" min=\"0\" max=\"%d\" value=\"",
		      tp_msg(L, TP_MSG_INVITATIONS_N), MAX_LINKS);
	tp_html_escape(b, count);
	tp_buf_printf(b,
		      "\">\n<label for=\"s-prefix\">%s</label> <input type=\"text\" "
		      "id=\"s-prefix\" name=\"prefix\" value=\"",
		      tp_msg(L, TP_MSG_INVITATION_PREFIX));
	tp_html_escape(b, prefix);
	tp_buf_printf(b, "\">\n<button type=\"submit\">%s</button></form>\n",
		      tp_msg(L, TP_MSG_CREATE_LINKS));
}

static void surveys_page(const struct web_request *req, struct web_reply *rep, enum tp_lang L,
			 unsigned status, const char *selected, const char *error,
			 const struct web_form *posted)
{
	struct tp_journey *j = NULL;
	struct tp_error err;
	char csrf[WEB_CSRF_LEN + 1];
	if (!web_csrf_token(req, rep, csrf)) {
		page_error(rep, L, 503, "cannot make a random token");
		return;
	}
	if (tp_store_journey_load(req->store, &j, &err) != TP_OK) {
		page_error(rep, L, 503, err.message);
		return;
	}
	const char *only = web_param(req, "touchpoint");
	if (only && !*only)
		only = NULL;
	struct tp_buf b;
	tp_buf_init(&b);
	admin_begin(&b, L, tp_msg(L, TP_MSG_SURVEY_LINKS), "/admin/surveys?");
	const char *created = web_param(req, "created");
	if (created && strspn(created, "0123456789") == strlen(created) && *created)
		tp_buf_printf(&b, "<p class=\"notice\" role=\"status\">%s %s</p>\n",
			      tp_msg(L, TP_MSG_LINKS_CREATED), created);
	create_form(&b, L, csrf, j, selected ? selected : only, error, posted);
	tp_buf_printf(&b, "<p><a class=\"csv\" href=\"/admin/surveys.csv\">%s</a></p>\n",
		      tp_msg(L, TP_MSG_INVITATIONS_CSV));
	enum tp_status st = TP_OK;
	for (size_t i = 0; i < j->n_touchpoints && st == TP_OK; i++) {
		const struct tp_touchpoint *t = &j->touchpoints[i];
		if (only && strcmp(only, t->id) != 0)
			continue;
		tp_buf_puts(&b, "<h2>");
		tp_html_escape(&b, t->name);
		tp_buf_puts(&b, " <small>(");
		tp_html_escape(&b, t->id);
		tp_buf_puts(&b, ")</small></h2>\n");
		struct list_ctx c = {.b = &b, .req = req, .lang = L};
		st = tp_store_survey_list(req->store, t->id, link_row, &c, &err);
		if (c.n)
			tp_buf_puts(&b, "</table>\n");
		else
			tp_buf_printf(&b, "<p>%s</p>\n", tp_msg(L, TP_MSG_NO_LINKS));
	}
	tp_journey_free(j);
	if (st != TP_OK) {
		tp_buf_free(&b);
		page_error(rep, L, 503, err.message);
		return;
	}
	tp_html_end(&b);
	page_send(rep, &b, false);
	if (rep->content_type)
		rep->status = status;
}

void web_page_admin_surveys(const struct web_request *req, struct web_reply *rep)
{
	surveys_page(req, rep, admin_lang(req, rep), 200, NULL, NULL, NULL);
}

/* --- making links --- */

/* What the form asks for; false with why in `why`. */
struct request_links {
	struct tp_survey_link link;
	long count;
	const char *prefix;
};

static bool read_request(const struct web_form *f, struct request_links *r, char *why,
			 size_t size)
{
	memset(&r->link, 0, sizeof r->link);
	const char *tp = admin_field(f, "touchpoint");
	if (!*tp || strlen(tp) > TP_RESPONSE_ID_MAX) {
		snprintf(why, size, "touchpoint: choose a touchpoint");
		return false;
	}
	snprintf(r->link.touchpoint, sizeof r->link.touchpoint, "%s", tp);
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->fields[i].name, "q") != 0)
			continue;
		size_t k = 0;
		while (k < N_QUESTIONS && strcmp(question_names[k], f->fields[i].value) != 0)
			k++;
		if (k == N_QUESTIONS) {
			snprintf(why, size, "questions: \"%.60s\" is not one of nps, csat, ces, "
					    "emotion, comment",
				 f->fields[i].value);
			return false;
		}
		r->link.questions |= 1u << k;
	}
	if (!r->link.questions) {
		snprintf(why, size, "questions: choose at least one question");
		return false;
	}
	const char *lang = admin_field(f, "lang_link");
	if (*lang && strcmp(lang, "es") != 0 && strcmp(lang, "en") != 0) {
		snprintf(why, size, "language: expected es, en or the browser's");
		return false;
	}
	snprintf(r->link.lang, sizeof r->link.lang, "%s", lang);
	const char *count = admin_field(f, "count");
	char *end = NULL;
	r->count = *count ? strtol(count, &end, 10) : 0;
	if ((*count && *end) || r->count < 0 || r->count > MAX_LINKS) {
		snprintf(why, size, "invitation links: expected a whole number from 0 to %d",
			 MAX_LINKS);
		return false;
	}
	r->prefix = admin_field(f, "prefix");
	if (r->count > 0 && (!*r->prefix || strlen(r->prefix) > TP_SURVEY_INVITATION_MAX - 8)) {
		snprintf(why, size, "invitation name prefix: give 1 to %d bytes",
			 TP_SURVEY_INVITATION_MAX - 8);
		return false;
	}
	return true;
}

/* Stores the links in one transaction. */
static enum tp_status make_links(struct tp_store *store, struct request_links *r,
				 struct tp_error *err)
{
	long n = r->count > 0 ? r->count : 1;
	int width = r->count >= 1000 ? 4 : r->count >= 100 ? 3 : 2;
	r->link.created_at = (int64_t)time(NULL);
	enum tp_status st = tp_store_begin(store, err);
	for (long i = 0; i < n && st == TP_OK; i++) {
		if (r->count > 0)
			snprintf(r->link.invitation, sizeof r->link.invitation, "%s-%0*ld",
				 r->prefix, width, i + 1);
		st = tp_survey_token_new(r->link.token, err);
		if (st == TP_OK)
			st = tp_store_survey_create(store, &r->link, err);
	}
	if (st == TP_OK)
		return tp_store_commit(store, err);
	tp_store_rollback(store, NULL);
	return st;
}

void web_page_admin_surveys_post(const struct web_request *req, struct web_reply *rep)
{
	enum tp_lang L = admin_lang(req, rep);
	struct web_form f;
	if (!admin_post_begin(req, rep, L, &f))
		goto out;
	struct request_links r;
	char why[300];
	struct tp_error err;
	if (!read_request(&f, &r, why, sizeof why)) {
		surveys_page(req, rep, L, 400, admin_field(&f, "touchpoint"), why, &f);
		goto out;
	}
	enum tp_status st = make_links(req->store, &r, &err);
	if (st == TP_EINPUT || st == TP_EUSAGE) {
		surveys_page(req, rep, L, 400, r.link.touchpoint, err.message, &f);
	} else if (st != TP_OK) {
		page_error(rep, L, 503, err.message);
	} else {
		struct tp_buf to;
		tp_buf_init(&to);
		tp_buf_printf(&to, "/admin/surveys?lang=%s&created=%ld&touchpoint=", tp_lang_code(L),
			      r.count > 0 ? r.count : 1);
		tp_url_escape(&to, r.link.touchpoint);
		if (to.failed || to.len >= sizeof rep->location)
			page_error(rep, L, 503, "out of memory");
		else
			admin_redirect(rep, to.data);
		tp_buf_free(&to);
	}
out:
	web_form_free(&f);
}

/* --- the CSV --- */

struct csv_ctx {
	struct tp_buf *b;
	const struct web_request *req;
};

static void iso(char *buf, size_t size, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!t) {
		buf[0] = '\0';
		return;
	}
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&tt, &tm));
}

static int csv_row(const struct tp_survey_link *l, void *ctx)
{
	struct csv_ctx *c = ctx;
	if (!l->invitation[0])
		return 0;
	char q[64], created[32], used[32];
	struct tp_buf url;
	tp_buf_init(&url);
	link_url(&url, c->req, l->token);
	iso(created, sizeof created, l->created_at);
	iso(used, sizeof used, l->used_at);
	const char *fields[] = {l->invitation, url.data, l->token, l->touchpoint,
				tp_survey_questions_format(l->questions, q, sizeof q), l->lang,
				created, used};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (i)
			tp_buf_puts(c->b, ",");
		tp_csv_field(c->b, fields[i] ? fields[i] : "");
	}
	tp_buf_puts(c->b, "\r\n");
	tp_buf_free(&url);
	return 0;
}

void web_page_admin_surveys_csv(const struct web_request *req, struct web_reply *rep)
{
	enum tp_lang L = admin_lang(req, rep);
	const char *only = web_param(req, "touchpoint");
	struct tp_buf b;
	struct tp_error err;
	tp_buf_init(&b);
	tp_buf_puts(&b, "invitation,url,token,touchpoint,questions,lang,created_at,used_at\r\n");
	struct csv_ctx c = {.b = &b, .req = req};
	enum tp_status st =
	    tp_store_survey_list(req->store, only && *only ? only : NULL, csv_row, &c, &err);
	if (st != TP_OK) {
		tp_buf_free(&b);
		page_error(rep, L, 503, err.message);
		return;
	}
	page_send(rep, &b, true);
	if (rep->content_type)
		rep->content_type = TEXT_CSV;
}
