/* web/pages_touchpoint.c - a touchpoint's page (/t/ID): who owns it, the
 * customer's problem, goal and mood, the score distribution, the chosen
 * indicator by month with its confidence band, a comparison by one
 * segment attribute, and the comments (newest first, paged, filterable by
 * NPS group and language). ?format=csv&table=months|segments|comments
 * downloads a table. The period and segment filters apply to the
 * indicators; the distribution and the comments cover every period. */
#include <stdlib.h>
#include <string.h>

#include "touchpoint/text.h" /* emotion names (textlearn) */
#include "web/pages.h"

#define COMMENTS_PER_PAGE 20

struct tp_view {
	const struct web_request *req;
	const struct page_args *a;
	const struct tp_journey *j;
	const struct tp_touchpoint *t;
	const char *id; /* the touchpoint id of the path: store reads use it */
	const struct tp_report *overall, *months, *segments;
	/* Parts read from the store before the dataset is locked. */
	const struct tp_buf *histogram, *comments;
	const char *seg; /* the attribute compared, or NULL when none */
};

/* The vertical scale of a metric. */
static void scale(enum tp_metric m, double *lo, double *hi)
{
	*lo = m == TP_METRIC_NPS ? -100 : m == TP_METRIC_CES ? 1 : m == TP_METRIC_EMOTION ? -3 : 0;
	*hi = m == TP_METRIC_CES ? 7 : m == TP_METRIC_EMOTION ? 3 : 100;
	if (m == TP_METRIC_SENTIMENT) /* mean compound (textlearn) */
		*lo = -1, *hi = 1;
}

static void fact(struct tp_buf *b, enum tp_lang L, enum tp_msg label, const char *value)
{
	if (!value)
		return;
	tp_buf_printf(b, "<dt>%s</dt><dd>", tp_msg(L, label));
	tp_html_escape(b, value);
	tp_buf_puts(b, "</dd>\n");
}

static void facts(struct tp_buf *b, const struct tp_view *v)
{
	enum tp_lang L = v->a->lang;
	const struct tp_phase *p = tp_journey_phase(v->j, v->t->phase);
	const struct tp_channel *c = tp_journey_channel(v->j, v->t->channel);
	tp_buf_printf(b, "<dl class=\"facts\">\n<dt>%s</dt><dd><a href=\"/p/",
		      tp_msg(L, TP_MSG_PHASE));
	tp_url_escape(b, v->t->phase);
	tp_buf_puts(b, "\">");
	tp_html_escape(b, p ? p->name : v->t->phase);
	tp_buf_printf(b, "</a></dd>\n<dt>%s</dt><dd><a href=\"/c/", tp_msg(L, TP_MSG_CHANNEL));
	tp_url_escape(b, v->t->channel);
	tp_buf_puts(b, "\">");
	tp_html_escape(b, c ? c->name : v->t->channel);
	tp_buf_puts(b, "</a></dd>\n");
	fact(b, L, TP_MSG_OWNER, v->t->owner);
	fact(b, L, TP_MSG_PROBLEM, v->t->customer_problem);
	fact(b, L, TP_MSG_GOAL, v->t->customer_goal);
	fact(b, L, TP_MSG_MOOD, v->t->customer_mood);
	tp_buf_puts(b, "</dl>\n");
}

static void overall(struct tp_buf *b, const struct tp_view *v)
{
	enum tp_lang L = v->a->lang;
	tp_buf_printf(b,
		      "<table class=\"overall\"><tr><th>%s (%s)</th><th>%s</th><th>%s</th></tr>\n"
		      "<tr>",
		      tp_msg(L, TP_MSG_VALUE), v->a->metric, tp_msg(L, TP_MSG_N),
		      tp_msg(L, TP_MSG_CI));
	page_value_cells(b, v->overall->n_groups ? &v->overall->groups[0] : NULL, v->a->q.metric,
			 L);
	tp_buf_puts(b, "</tr></table>\n");
}

static void histogram(struct tp_buf *b, const struct tp_view *v)
{
	enum tp_lang L = v->a->lang;
	static const int lows[] = {[TP_METRIC_NPS] = 0,
				   [TP_METRIC_CSAT] = 1,
				   [TP_METRIC_CES] = 1,
				   [TP_METRIC_EMOTION] = -3};
	static const size_t sizes[] = {[TP_METRIC_NPS] = 11,
				       [TP_METRIC_CSAT] = 5,
				       [TP_METRIC_CES] = 7,
				       [TP_METRIC_EMOTION] = 7};
	int64_t counts[11];
	struct tp_error err;
	enum tp_metric m = v->a->q.metric;
	if (m == TP_METRIC_SENTIMENT) /* no score column: emotions() shows the comments */
		return;
	if (tp_store_score_histogram(v->req->store, v->id, v->a->metric, counts, &err) != TP_OK)
		return;
	tp_buf_printf(b, "<h2>%s (%s)</h2>\n", tp_msg(L, TP_MSG_DISTRIBUTION), v->a->metric);
	tp_svg_histogram(b, counts, sizes[m], lows[m]);
}

/* Emotion shares of the touchpoint's analysed comments, beside the
 * satisfaction figures (textlearn). */
static void text_emotions(struct tp_buf *b, const struct tp_view *v)
{
	static const enum tp_msg names[6] = {TP_MSG_JOY,   TP_MSG_TRUST, TP_MSG_SURPRISE,
					     TP_MSG_ANGER, TP_MSG_FEAR,  TP_MSG_SADNESS};
	enum tp_lang L = v->a->lang;
	int64_t analysed = 0, with[6];
	struct tp_error err;
	if (tp_store_emotion_counts(v->req->store, v->id, &analysed, with, &err) != TP_OK)
		return;
	tp_buf_printf(b, "<h2>%s</h2>\n", tp_msg(L, TP_MSG_TEXT_EMOTIONS));
	if (analysed == 0) {
		tp_buf_printf(b, "<p>%s</p>\n", tp_msg(L, TP_MSG_NOT_ANALYSED));
		return;
	}
	tp_buf_printf(b, "<table class=\"emotions\"><tr><th>%s</th><th>%%</th><th>%s</th></tr>\n",
		      tp_msg(L, TP_MSG_EMOTION_WORD), tp_msg(L, TP_MSG_N));
	for (int e = 0; e < 6; e++) {
		char pct[32];
		tp_buf_printf(b, "<tr><td><a href=\"?lang=%s&amp;emotion=%s#comments\">%s</a></td>"
				 "<td class=\"num\">%s</td><td class=\"num\">%lld</td></tr>\n",
			      tp_lang_code(L), tp_emotion_name((enum tp_emotion)e),
			      tp_msg(L, names[e]),
			      tp_fmt_number(pct, sizeof pct,
					    100.0 * (double)with[e] / (double)analysed, 1, L),
			      (long long)with[e]);
	}
	tp_buf_printf(b, "</table>\n<p class=\"note\">%s (n = %lld)</p>\n",
		      tp_msg(L, TP_MSG_TEXT_EMOTIONS_NOTE), (long long)analysed);
}

static void months(struct tp_buf *b, const struct tp_view *v)
{
	enum tp_lang L = v->a->lang;
	const struct tp_report *r = v->months;
	char label[32];
	tp_buf_printf(b, "<h2>%s (%s)</h2>\n", tp_msg(L, TP_MSG_OVER_TIME), v->a->metric);
	if (r->n_groups == 0) {
		tp_buf_printf(b, "<p>%s</p>\n", tp_msg(L, TP_MSG_NO_DATA));
		return;
	}
	struct tp_svg_point *pts = calloc(r->n_groups, sizeof *pts);
	char(*labels)[32] = calloc(r->n_groups, sizeof *labels);
	if (pts && labels) {
		for (size_t i = 0; i < r->n_groups; i++) {
			const struct tp_estimate *e = &r->groups[i].estimate;
			tp_fmt_month(labels[i], sizeof labels[i], r->groups[i].key[0], L);
			pts[i] = (struct tp_svg_point){labels[i], e->has_value, e->has_ci,
						       e->value,  e->lo,	e->hi};
		}
		double lo, hi;
		scale(v->a->q.metric, &lo, &hi);
		tp_svg_line_band(b, pts, r->n_groups, lo, hi, L);
	}
	free(pts);
	free(labels);
	tp_buf_printf(
	    b, "<table class=\"months\"><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n",
	    tp_msg(L, TP_MSG_MONTH), tp_msg(L, TP_MSG_VALUE), tp_msg(L, TP_MSG_N),
	    tp_msg(L, TP_MSG_CI));
	for (size_t i = 0; i < r->n_groups; i++) {
		tp_buf_printf(b, "<tr><td>%s</td>",
			      tp_fmt_month(label, sizeof label, r->groups[i].key[0], L));
		page_value_cells(b, &r->groups[i], v->a->q.metric, L);
		tp_buf_puts(b, "</tr>\n");
	}
	tp_buf_puts(b, "</table>\n");
	page_csv_link(b, v->a, v->req->path, "months");
}

static void segment_form(struct tp_buf *b, const struct tp_view *v)
{
	enum tp_lang L = v->a->lang;
	struct tp_store *s = v->req->store;
	tp_buf_puts(b, "<form class=\"filters\" method=\"get\" action=\"");
	tp_html_escape(b, v->req->path);
	tp_buf_printf(b, "\"><input type=\"hidden\" name=\"lang\" value=\"%s\">", tp_lang_code(L));
	page_hidden_filters(b, v->a);
	tp_buf_printf(b, "<label>%s <select name=\"seg\">", tp_msg(L, TP_MSG_SEGMENT));
	for (size_t i = 0; i < tp_store_attribute_count(s); i++) {
		const char *name = tp_store_attribute_name(s, i);
		tp_buf_puts(b, "<option value=\"");
		tp_html_escape(b, name);
		tp_buf_printf(b, "\"%s>", strcmp(name, v->seg) == 0 ? " selected" : "");
		tp_html_escape(b, name);
		tp_buf_puts(b, "</option>");
	}
	tp_buf_printf(b, "</select></label><button type=\"submit\">%s</button></form>\n",
		      tp_msg(L, TP_MSG_APPLY));
}

static void segments(struct tp_buf *b, const struct tp_view *v)
{
	enum tp_lang L = v->a->lang;
	const struct tp_report *r = v->segments;
	if (!v->seg)
		return;
	tp_buf_printf(b, "<h2>%s: ", tp_msg(L, TP_MSG_BY_SEGMENT));
	tp_html_escape(b, v->seg);
	tp_buf_puts(b, "</h2>\n");
	segment_form(b, v);
	struct tp_svg_point *pts = calloc(r->n_groups + 1, sizeof *pts);
	if (pts) {
		for (size_t i = 0; i < r->n_groups; i++) {
			const struct tp_estimate *e = &r->groups[i].estimate;
			pts[i] = (struct tp_svg_point){
			    r->groups[i].key[0], e->has_value, e->has_ci, e->value, e->lo, e->hi};
		}
		double lo, hi;
		scale(v->a->q.metric, &lo, &hi);
		tp_svg_bars(b, pts, r->n_groups, lo, hi, L);
		free(pts);
	}
	tp_buf_printf(
	    b, "<table class=\"segments\"><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n",
	    tp_msg(L, TP_MSG_SEGMENT), tp_msg(L, TP_MSG_VALUE), tp_msg(L, TP_MSG_N),
	    tp_msg(L, TP_MSG_CI));
	for (size_t i = 0; i < r->n_groups; i++) {
		tp_buf_puts(b, "<tr><td>");
		tp_html_escape(b, r->groups[i].key[0]);
		tp_buf_puts(b, "</td>");
		page_value_cells(b, &r->groups[i], v->a->q.metric, L);
		tp_buf_puts(b, "</tr>\n");
	}
	tp_buf_puts(b, "</table>\n");
	struct tp_buf extra;
	tp_buf_init(&extra);
	tp_buf_puts(&extra, "segments&seg=");
	tp_url_escape(&extra, v->seg);
	page_csv_link(b, v->a, v->req->path, extra.data);
	tp_buf_free(&extra);
}

/* --- comments --- */

struct comment_out {
	struct tp_buf *b;
	enum tp_lang lang;
	bool csv;
};

static int comment_row(const struct tp_comment *c, void *ctx)
{
	struct comment_out *o = ctx;
	char date[32];
	if (o->csv) {
		tp_csv_field(o->b, c->response_id);
		tp_buf_printf(o->b, ",%s,",
			      tp_fmt_date(date, sizeof date, c->submitted_at, TP_LANG_EN));
		if (c->nps != TP_SCORE_NONE)
			tp_buf_printf(o->b, "%d", c->nps);
		tp_buf_puts(o->b, ",");
		tp_csv_field(o->b, c->lang);
		tp_buf_puts(o->b, ",");
		tp_csv_field(o->b, c->comment);
		tp_buf_puts(o->b, "\r\n");
		return 0;
	}
	tp_buf_puts(o->b, "<li><p class=\"text\">");
	tp_html_escape(o->b, c->comment);
	tp_buf_printf(o->b, "</p><p class=\"meta\">%s",
		      tp_fmt_date(date, sizeof date, c->submitted_at, o->lang));
	if (c->nps != TP_SCORE_NONE)
		tp_buf_printf(o->b, " · NPS %d", c->nps);
	if (c->lang) {
		tp_buf_puts(o->b, " · ");
		tp_html_escape(o->b, c->lang);
	}
	if (c->analysed) { /* textlearn */
		char num[32];
		enum tp_msg label = c->label > 0 ? TP_MSG_POSITIVE
				    : c->label < 0 ? TP_MSG_NEGATIVE
						   : TP_MSG_NEUTRAL;
		tp_buf_printf(o->b, " · %s %s (%s)", tp_msg(o->lang, TP_MSG_SENTIMENT),
			      tp_msg(o->lang, label),
			      tp_fmt_number(num, sizeof num, c->compound, 2, o->lang));
	}
	tp_buf_puts(o->b, "</p></li>\n");
	return 0;
}

/* The comments page link for page `page`, keeping every other choice. */
static void comments_link(struct tp_buf *b, const struct tp_view *v, int64_t page,
			  enum tp_msg label)
{
	struct tp_buf url;
	tp_buf_init(&url);
	tp_buf_puts(&url, v->req->path);
	tp_buf_printf(&url, "?lang=%s&page=%lld", tp_lang_code(v->a->lang), (long long)page);
	page_filter_query(&url, v->a);
	if (v->a->group_name && v->a->group_name[0]) {
		tp_buf_puts(&url, "&group=");
		tp_url_escape(&url, v->a->group_name);
	}
	if (v->a->clang) {
		tp_buf_puts(&url, "&clang=");
		tp_url_escape(&url, v->a->clang);
	}
	if (v->a->sentiment_name) {
		tp_buf_puts(&url, "&sentiment=");
		tp_url_escape(&url, v->a->sentiment_name);
	}
	if (v->a->emotion_name) {
		tp_buf_puts(&url, "&emotion=");
		tp_url_escape(&url, v->a->emotion_name);
	}
	tp_buf_puts(b, "<a href=\"");
	tp_html_escape(b, url.data);
	tp_buf_printf(b, "\" class=\"page-link\">%s</a>", tp_msg(v->a->lang, label));
	tp_buf_free(&url);
}

static void comment_filters(struct tp_buf *b, const struct tp_view *v)
{
	enum tp_lang L = v->a->lang;
	static const char *const groups[] = {"", "promoter", "passive", "detractor"};
	static const enum tp_msg labels[] = {TP_MSG_ALL, TP_MSG_PROMOTERS, TP_MSG_PASSIVES,
					     TP_MSG_DETRACTORS};
	tp_buf_puts(b, "<form class=\"filters\" method=\"get\" action=\"");
	tp_html_escape(b, v->req->path);
	tp_buf_printf(b, "\"><input type=\"hidden\" name=\"lang\" value=\"%s\">", tp_lang_code(L));
	page_hidden_filters(b, v->a);
	tp_buf_printf(b, "<label>%s <select name=\"group\">", tp_msg(L, TP_MSG_SCORE));
	for (size_t i = 0; i < 4; i++)
		page_option(b, groups[i], tp_msg(L, labels[i]), (size_t)v->a->group == i);
	tp_buf_printf(b, "</select></label><label>%s <select name=\"clang\">",
		      tp_msg(L, TP_MSG_LANGUAGE));
	page_option(b, "", tp_msg(L, TP_MSG_ALL), !v->a->clang);
	page_option(b, "es", "es", v->a->clang && strcmp(v->a->clang, "es") == 0);
	page_option(b, "en", "en", v->a->clang && strcmp(v->a->clang, "en") == 0);
	/* by the stored analysis (textlearn) */
	static const char *const sentiments[] = {"", "positive", "neutral", "negative"};
	static const enum tp_msg sentiment_labels[] = {TP_MSG_ALL, TP_MSG_POSITIVE,
						       TP_MSG_NEUTRAL, TP_MSG_NEGATIVE};
	tp_buf_printf(b, "</select></label><label>%s <select name=\"sentiment\">",
		      tp_msg(L, TP_MSG_SENTIMENT));
	for (size_t i = 0; i < 4; i++)
		page_option(b, sentiments[i], tp_msg(L, sentiment_labels[i]),
			    v->a->sentiment == (int)i);
	static const enum tp_msg emotion_labels[] = {TP_MSG_ALL,   TP_MSG_JOY,  TP_MSG_TRUST,
						     TP_MSG_SURPRISE, TP_MSG_ANGER, TP_MSG_FEAR,
						     TP_MSG_SADNESS};
	tp_buf_printf(b, "</select></label><label>%s <select name=\"emotion\">",
		      tp_msg(L, TP_MSG_EMOTION_WORD));
	for (size_t i = 0; i < 7; i++)
		page_option(b, i ? tp_emotion_name((enum tp_emotion)(i - 1)) : "",
			    tp_msg(L, emotion_labels[i]), v->a->emotion == (int)i);
	tp_buf_printf(b, "</select></label><button type=\"submit\">%s</button></form>\n",
		      tp_msg(L, TP_MSG_APPLY));
}

static enum tp_status comments(struct tp_buf *b, const struct tp_view *v, struct tp_error *err)
{
	enum tp_lang L = v->a->lang;
	struct tp_comment_query q = {v->id, v->a->group, v->a->clang,
				     (v->a->page - 1) * COMMENTS_PER_PAGE, COMMENTS_PER_PAGE,
				     v->a->sentiment, v->a->emotion};
	struct comment_out o = {b, L, v->a->csv};
	int64_t total = 0;
	if (o.csv) {
		q.offset = 0;
		q.limit = 0;
		tp_buf_puts(b, "response_id,date,nps,lang,comment\r\n");
		return tp_store_comments(v->req->store, &q, comment_row, &o, &total, err);
	}
	tp_buf_printf(b, "<h2 id=\"comments\">%s</h2>\n", tp_msg(L, TP_MSG_COMMENTS));
	comment_filters(b, v);
	tp_buf_puts(b, "<ul class=\"comments\">\n");
	enum tp_status st = tp_store_comments(v->req->store, &q, comment_row, &o, &total, err);
	if (st != TP_OK)
		return st;
	tp_buf_puts(b, "</ul>\n");
	int64_t pages = (total + COMMENTS_PER_PAGE - 1) / COMMENTS_PER_PAGE;
	if (total == 0)
		tp_buf_printf(b, "<p>%s</p>\n", tp_msg(L, TP_MSG_NO_COMMENTS));
	tp_buf_printf(b,
		      "<nav class=\"pages\"><span class=\"page-of\">%s %lld %s %lld (%lld)</span>",
		      tp_msg(L, TP_MSG_PAGE), (long long)v->a->page, tp_msg(L, TP_MSG_OF),
		      (long long)(pages ? pages : 1), (long long)total);
	if (v->a->page > 1)
		comments_link(b, v, v->a->page - 1, TP_MSG_PREVIOUS);
	if (v->a->page < pages)
		comments_link(b, v, v->a->page + 1, TP_MSG_NEXT);
	tp_buf_puts(b, "</nav>\n");
	page_csv_link(b, v->a, v->req->path, "comments");
	return TP_OK;
}

/* --- CSV tables --- */

static void groups_csv(struct tp_buf *b, const struct page_args *a, const struct tp_report *r,
		       const char *key_name)
{
	tp_buf_printf(b, "%s,metric,n,value,ci_lo,ci_hi\r\n", key_name);
	for (size_t i = 0; i < r->n_groups; i++) {
		tp_csv_field(b, r->groups[i].key[0]);
		tp_buf_printf(b, ",%s,", a->metric);
		page_value_csv(b, &r->groups[i], a->q.metric);
		tp_buf_puts(b, "\r\n");
	}
}

static enum tp_status render(struct tp_buf *b, const struct tp_view *v, struct tp_error *err)
{
	const struct page_args *a = v->a;
	(void)err;
	if (a->csv) {
		const char *table = a->table ? a->table : "months";
		if (strcmp(table, "segments") == 0 && v->seg)
			groups_csv(b, a, v->segments, v->seg);
		else
			groups_csv(b, a, v->months, "month");
		return TP_OK;
	}
	char *self = page_self_url(v->req->path, a, "");
	tp_html_begin(b, a->lang, v->t->name, self ? self : "/?");
	free(self);
	facts(b, v);
	page_filter_form(b, a, v->req->path);
	overall(b, v);
	tp_buf_add(b, v->histogram->data ? v->histogram->data : "", v->histogram->len);
	months(b, v);
	segments(b, v);
	tp_buf_add(b, v->comments->data ? v->comments->data : "", v->comments->len);
	tp_html_end(b);
	return TP_OK;
}

static bool comments_csv(const struct page_args *a)
{
	return a->csv && a->table && strcmp(a->table, "comments") == 0;
}

/* The parts of the page read from the store (histogram, comments), done
 * before the shared dataset is locked so that no SQL runs under it. */
static enum tp_status read_store_parts(struct tp_view *v, struct tp_buf *hist, struct tp_buf *com,
				       struct tp_error *err)
{
	if (!comments_csv(v->a) && !v->a->csv) {
		histogram(hist, v);
		text_emotions(hist, v);
	}
	if (!v->a->csv || comments_csv(v->a))
		return comments(com, v, err);
	return TP_OK;
}

void web_page_touchpoint(const struct web_request *req, struct web_reply *rep)
{
	struct page_args a;
	struct tp_report *all = NULL, *by_month = NULL, *by_seg = NULL;
	struct tp_buf hist, com;
	tp_buf_init(&hist);
	tp_buf_init(&com);
	if (!page_args_parse(req, &a, rep))
		goto out;
	const char *id = req->path + 3;
	struct tp_view v = {.req = req, .a = &a, .id = id, .histogram = &hist, .comments = &com};
	struct tp_error store_err;
	if (!tp_store_has_touchpoint(req->store, id)) {
		char msg[300];
		snprintf(msg, sizeof msg, "no such touchpoint \"%.200s\"", id);
		page_error(rep, a.lang, 404, msg);
		goto out;
	}
	if (read_store_parts(&v, &hist, &com, &store_err) != TP_OK) {
		page_error(rep, a.lang, 503, store_err.message);
		goto out;
	}
	if (comments_csv(&a)) {
		page_send(rep, &com, true);
		goto out;
	}
	const struct tp_dataset *ds = page_lock(req, a.lang, rep);
	if (!ds)
		goto out;
	v.j = tp_dataset_journey(ds);
	v.t = tp_journey_touchpoint(v.j, id);
	if (!v.t) {
		char msg[300];
		snprintf(msg, sizeof msg, "no such touchpoint \"%.200s\"", id);
		page_error(rep, a.lang, 404, msg);
		goto unlock;
	}
	v.seg = a.seg				       ? a.seg
		: tp_store_attribute_count(req->store) ? tp_store_attribute_name(req->store, 0)
						       : NULL;
	const struct tp_by month = {TP_BY_MONTH, NULL}, seg = {TP_BY_ATTR, v.seg};
	all = page_report(ds, &a, a.q.metric, NULL, 0, "touchpoint", id, rep);
	by_month = all ? page_report(ds, &a, a.q.metric, &month, 1, "touchpoint", id, rep) : NULL;
	if (by_month && v.seg)
		by_seg = page_report(ds, &a, a.q.metric, &seg, 1, "touchpoint", id, rep);
	if (!by_month || (v.seg && !by_seg))
		goto unlock;
	v.overall = all;
	v.months = by_month;
	v.segments = by_seg;
	struct tp_buf b;
	struct tp_error err;
	tp_buf_init(&b);
	if (render(&b, &v, &err) != TP_OK) {
		tp_buf_free(&b);
		page_error(rep, a.lang, 503, err.message);
	} else {
		page_send(rep, &b, a.csv);
	}
unlock:
	page_unlock(req);
out:
	if (all)
		tp_report_free(all);
	if (by_month)
		tp_report_free(by_month);
	if (by_seg)
		tp_report_free(by_seg);
	tp_buf_free(&hist);
	tp_buf_free(&com);
	page_args_free(&a);
}
