/* web/pages.c - the server-rendered pages: the journey map (/), phase and
 * channel summaries (/p/ID, /c/ID), respondents (/respondents), the
 * stylesheet, and the helpers every page handler shares.
 *
 * Handlers are thin: parse the query string, run reports on the shared
 * dataset (under its lock) and hand the data to src/view/ for HTML, SVG or
 * CSV (?format=csv). Every user-supplied string is written through
 * tp_html_escape() or tp_csv_field(); no page holds a script or an inline
 * style, so the server's Content-Security-Policy can forbid both. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/time.h"
#include "web/pages.h"

#define TEXT_HTML "text/html; charset=utf-8"
#define TEXT_CSV "text/csv; charset=utf-8"

/* --- arguments --- */

static bool bad(struct web_reply *rep, enum tp_lang lang, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool bad(struct web_reply *rep, enum tp_lang lang, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	page_error(rep, lang, 400, msg);
	return false;
}

static void pick_lang(const struct web_request *req, struct page_args *a, struct web_reply *rep)
{
	for (size_t i = 0; i < req->n_params; i++) {
		if (strcmp(req->params[i].name, "lang") == 0 &&
		    tp_lang_parse(req->params[i].value, &a->lang)) {
			snprintf(rep->set_cookie, sizeof rep->set_cookie,
				 "lang=%s; Path=/; SameSite=Lax", tp_lang_code(a->lang));
			return;
		}
	}
	if (tp_lang_parse(req->cookie_lang, &a->lang))
		return;
	a->lang = tp_lang_from_accept(req->accept_language);
}

static bool parse_where(struct page_args *a, const char *value, struct web_reply *rep)
{
	if (!value[0])
		return true; /* the form's empty filter box */
	struct tp_query *q = &a->q;
	char *buf = q->n_where < TP_QUERY_WHERE_MAX - 1 ? malloc(strlen(value) + 1) : NULL;
	if (!buf || !strchr(value, '=') || !tp_where_parse(value, buf, &q->where[q->n_where])) {
		free(buf);
		return bad(rep, a->lang, "%s \"%.200s\": expected NAME=VALUE (up to 15 filters)",
			   "where", value);
	}
	a->where_buf[q->n_where] = buf;
	a->where[a->n_where++] = value;
	q->n_where++;
	return true;
}

static bool parse_bound(struct page_args *a, const char *name, const char *value,
			struct web_reply *rep)
{
	if (!value[0])
		return true;
	bool to = name[0] == 't';
	const char *why = NULL;
	if (!tp_time_parse_bound(value, to, to ? &a->q.to : &a->q.from, &why))
		return bad(rep, a->lang, "%s \"%.200s\": expected a date such as 2026-01-31", name,
			   value);
	*(to ? &a->q.has_to : &a->q.has_from) = true;
	*(to ? &a->to : &a->from) = value;
	return true;
}

static bool parse_group(struct page_args *a, const char *value, struct web_reply *rep)
{
	static const char *const names[] = {"", "promoter", "passive", "detractor"};
	for (size_t i = 0; i < 4; i++) {
		if (strcmp(value, names[i]) == 0) {
			a->group = (enum tp_score_group)i;
			a->group_name = value;
			return true;
		}
	}
	return bad(rep, a->lang, "%s \"%.200s\": expected promoter, passive or detractor", "group",
		   value);
}

/* Comments by their stored analysis (textlearn): sentiment=positive|
 * neutral|negative, emotion=joy|trust|surprise|anger|fear|sadness. */
static bool parse_analysis_filter(struct page_args *a, const char *name, const char *value,
				  struct web_reply *rep)
{
	static const char *const labels[] = {"", "positive", "neutral", "negative"};
	static const char *const emotions[] = {"",	"joy",	"trust",  "surprise",
					       "anger", "fear", "sadness"};
	bool is_sentiment = name[0] == 's';
	const char *const *names = is_sentiment ? labels : emotions;
	size_t count = is_sentiment ? 4 : 7;
	for (size_t i = 0; i < count; i++) {
		if (strcmp(value, names[i]) != 0)
			continue;
		*(is_sentiment ? &a->sentiment : &a->emotion) = (int)i;
		*(is_sentiment ? &a->sentiment_name : &a->emotion_name) = i ? value : NULL;
		return true;
	}
	return bad(rep, a->lang, "%s \"%.200s\": expected %s", name, value,
		   is_sentiment ? "positive, neutral or negative"
				: "joy, trust, surprise, anger, fear or sadness");
}

static bool parse_one(struct page_args *a, const struct web_param *p, struct web_reply *rep)
{
	const char *n = p->name, *v = p->value;
	if (strcmp(n, "metric") == 0) {
		if (!tp_metric_parse(v, &a->q.metric) || a->q.metric == TP_METRIC_ENPS ||
		    a->q.metric == TP_METRIC_RESPONSES || a->q.metric == TP_METRIC_COMMENT_RATE)
			return bad(rep, a->lang,
				   "%s \"%.200s\": expected nps, csat, ces, emotion or sentiment",
				   n, v);
		a->metric = v;
	} else if (strcmp(n, "where") == 0) {
		return parse_where(a, v, rep);
	} else if (strcmp(n, "from") == 0 || strcmp(n, "to") == 0) {
		return parse_bound(a, n, v, rep);
	} else if (strcmp(n, "format") == 0) {
		if (strcmp(v, "csv") != 0 && strcmp(v, "html") != 0)
			return bad(rep, a->lang, "%s \"%.200s\": expected csv or html", n, v);
		a->csv = strcmp(v, "csv") == 0;
	} else if (strcmp(n, "table") == 0) {
		a->table = v;
	} else if (strcmp(n, "page") == 0) {
		char *end = NULL;
		long long page = strtoll(v, &end, 10);
		if (!v[0] || *end || page < 1 || page > 1000000)
			return bad(rep, a->lang, "%s \"%.200s\": expected a page number from 1", n,
				   v);
		a->page = page;
	} else if (strcmp(n, "group") == 0) {
		return parse_group(a, v, rep);
	} else if (strcmp(n, "clang") == 0) {
		a->clang = v[0] ? v : NULL;
	} else if (strcmp(n, "seg") == 0) {
		a->seg = v[0] ? v : NULL;
	} else if (strcmp(n, "sentiment") == 0 || strcmp(n, "emotion") == 0) {
		return parse_analysis_filter(a, n, v, rep);
	}
	return true;
}

bool page_args_parse(const struct web_request *req, struct page_args *a, struct web_reply *rep)
{
	memset(a, 0, sizeof *a);
	tp_query_init(&a->q);
	a->metric = "nps";
	a->page = 1;
	pick_lang(req, a, rep);
	for (size_t i = 0; i < req->n_params; i++)
		if (!parse_one(a, &req->params[i], rep))
			return false;
	return true;
}

void page_args_free(struct page_args *a)
{
	for (size_t i = 0; i < TP_QUERY_WHERE_MAX; i++)
		free(a->where_buf[i]);
}

void page_filter_query(struct tp_buf *url, const struct page_args *a)
{
	tp_buf_puts(url, "&metric=");
	tp_url_escape(url, a->metric);
	if (a->from) {
		tp_buf_puts(url, "&from=");
		tp_url_escape(url, a->from);
	}
	if (a->to) {
		tp_buf_puts(url, "&to=");
		tp_url_escape(url, a->to);
	}
	for (size_t i = 0; i < a->n_where; i++) {
		tp_buf_puts(url, "&where=");
		tp_url_escape(url, a->where[i]);
	}
}

static void hidden(struct tp_buf *b, const char *name, const char *value)
{
	tp_buf_printf(b, "<input type=\"hidden\" name=\"%s\" value=\"", name);
	tp_html_escape(b, value);
	tp_buf_puts(b, "\">");
}

void page_hidden_filters(struct tp_buf *b, const struct page_args *a)
{
	hidden(b, "metric", a->metric);
	if (a->from)
		hidden(b, "from", a->from);
	if (a->to)
		hidden(b, "to", a->to);
	for (size_t i = 0; i < a->n_where; i++)
		hidden(b, "where", a->where[i]);
}

/* --- replies --- */

void page_send(struct web_reply *rep, struct tp_buf *b, bool csv)
{
	char *text = tp_buf_take(b);
	if (!text) {
		web_reply_error(rep, 503, NULL, "out of memory");
		return;
	}
	rep->status = 200;
	rep->text = text;
	rep->content_type = csv ? TEXT_CSV : TEXT_HTML;
}

void page_error(struct web_reply *rep, enum tp_lang lang, unsigned status, const char *message)
{
	enum tp_msg title = status == 404  ? TP_MSG_NOT_FOUND
			    : status < 500 ? TP_MSG_BAD_REQUEST
					   : TP_MSG_ERROR;
	struct tp_buf b;
	tp_buf_init(&b);
	tp_html_begin(&b, lang, tp_msg(lang, title), "/?");
	tp_buf_puts(&b, "<p class=\"error\">");
	tp_html_escape(&b, message);
	tp_buf_puts(&b, "</p>\n");
	tp_html_end(&b);
	free(rep->text);
	rep->text = NULL;
	page_send(rep, &b, false);
	if (rep->content_type)
		rep->status = status;
}

/* --- data --- */

const struct tp_dataset *page_lock(const struct web_request *req, enum tp_lang lang,
				   struct web_reply *rep)
{
	struct tp_error err;
	/* with the sentiment indicator (cheap once loaded) */
	const struct tp_dataset *ds = web_dataset_acquire(req, true, &err);
	if (!ds)
		page_error(rep, lang, 503, err.message);
	return ds;
}

void page_unlock(const struct web_request *req)
{
	web_dataset_release(req);
}

struct tp_report *page_report(const struct tp_dataset *ds, const struct page_args *a,
			      enum tp_metric metric, const struct tp_by *by, size_t n_by,
			      const char *extra_name, const char *extra_value,
			      struct web_reply *rep)
{
	struct tp_query q = a->q;
	q.metric = metric;
	q.n_by = n_by;
	for (size_t i = 0; i < n_by; i++)
		q.by[i] = by[i];
	if (extra_name)
		q.where[q.n_where++] = (struct tp_where){extra_name, extra_value};
	struct tp_report *r = NULL;
	struct tp_error err;
	enum tp_status st = tp_report_run(ds, &q, &r, &err);
	if (st != TP_OK)
		page_error(rep, a->lang, st == TP_EINPUT ? 400 : 500, err.message);
	return st == TP_OK ? r : NULL;
}

const struct tp_group *page_group(const struct tp_report *r, const char *key0, const char *key1)
{
	for (size_t i = 0; r && i < r->n_groups; i++) {
		const struct tp_group *g = &r->groups[i];
		if (strcmp(g->key[0], key0) == 0 && (!key1 || strcmp(g->key[1], key1) == 0))
			return g;
	}
	return NULL;
}

int page_decimals(enum tp_metric m)
{
	return m == TP_METRIC_CES || m == TP_METRIC_EMOTION || m == TP_METRIC_SENTIMENT ? 2 : 1;
}

void page_value_cells(struct tp_buf *b, const struct tp_group *g, enum tp_metric m,
		      enum tp_lang lang)
{
	char v[32], lo[32], hi[32];
	int d = page_decimals(m);
	if (!g || !g->estimate.has_value) {
		tp_buf_printf(b, "<td class=\"num\">—</td><td class=\"num\">%lld</td><td></td>",
			      (long long)(g ? g->n : 0));
		return;
	}
	tp_buf_printf(b, "<td class=\"num\">%s%s</td><td class=\"num\">%lld</td>",
		      tp_fmt_number(v, sizeof v, g->estimate.value, d, lang),
		      g->small ? " <span class=\"small\">*</span>" : "", (long long)g->n);
	if (g->estimate.has_ci)
		tp_buf_printf(b, "<td class=\"num\">%s – %s</td>",
			      tp_fmt_number(lo, sizeof lo, g->estimate.lo, d, lang),
			      tp_fmt_number(hi, sizeof hi, g->estimate.hi, d, lang));
	else
		tp_buf_puts(b, "<td></td>");
}

void page_value_csv(struct tp_buf *b, const struct tp_group *g, enum tp_metric m)
{
	int d = page_decimals(m);
	tp_buf_printf(b, "%lld,", (long long)(g ? g->n : 0));
	if (g && g->estimate.has_value)
		tp_buf_printf(b, "%.*f", d, g->estimate.value);
	tp_buf_puts(b, ",");
	if (g && g->estimate.has_ci)
		tp_buf_printf(b, "%.*f,%.*f", d, g->estimate.lo, d, g->estimate.hi);
	else
		tp_buf_puts(b, ",");
}

/* --- the journey map --- */

/* poor < lo <= fair < hi <= good, as `touchpoint map` draws them. */
static const char *band(enum tp_metric m, double v)
{
	double lo = 0, hi = 30;
	if (m == TP_METRIC_CSAT)
		lo = 70, hi = 85;
	else if (m == TP_METRIC_CES)
		lo = 4, hi = 5.5;
	else if (m == TP_METRIC_EMOTION)
		lo = 0, hi = 1;
	else if (m == TP_METRIC_SENTIMENT) /* mean compound (textlearn) */
		lo = 0, hi = 0.3;
	return v < lo ? "poor" : v < hi ? "fair" : "good";
}

/* The trend of touchpoint id in its last month against the one before:
 * +1 / -1 when significant, else 0. */
static int trend(const struct tp_report *months, const char *last, const char *id)
{
	const struct tp_group *g = last ? page_group(months, id, last) : NULL;
	if (!g || !g->has_change || !g->change.has_value || !g->significant)
		return 0;
	return g->change.diff > 0 ? 1 : -1;
}

static const char *last_month(const struct tp_report *months)
{
	const char *last = NULL;
	for (size_t i = 0; i < months->n_groups; i++)
		if (!last || strcmp(months->groups[i].key[1], last) > 0)
			last = months->groups[i].key[1];
	return last;
}

/* One touchpoint of the map: a whole cell (<td>) when it is alone in its
 * phase x channel crossing, else one coloured block (<div>) of a shared
 * cell, so the grid keeps one column per phase. */
static void map_cell(struct tp_buf *b, const struct page_args *a, const struct tp_touchpoint *t,
		     const struct tp_group *g, int arrow, int flag, bool shared)
{
	char v[32], lo[32], hi[32];
	enum tp_lang L = a->lang;
	int d = page_decimals(a->q.metric);
	bool has = g && g->estimate.has_value;
	const char *end = shared ? "</a></div>" : "</a></td>";
	tp_buf_printf(b, "<%s class=\"%s %s\"><a href=\"/t/", shared ? "div" : "td",
		      shared ? "sub" : "cell", has ? band(a->q.metric, g->estimate.value) : "nodata");
	tp_url_escape(b, t->id);
	tp_buf_puts(b, "?lang=");
	tp_buf_puts(b, tp_lang_code(L));
	struct tp_buf q;
	tp_buf_init(&q);
	page_filter_query(&q, a);
	tp_html_escape(b, q.data);
	tp_buf_free(&q);
	tp_buf_puts(b, "\"><span class=\"name\">");
	tp_html_escape(b, t->name);
	tp_buf_puts(b, "</span><br>");
	if (!has) {
		tp_buf_printf(b, "<span class=\"meta\">%s</span>%s", tp_msg(L, TP_MSG_NO_DATA), end);
		return;
	}
	tp_buf_printf(b, "<span class=\"v\">%s</span>",
		      tp_fmt_number(v, sizeof v, g->estimate.value, d, L));
	page_flag_mark(b, L, flag);
	if (arrow)
		tp_buf_printf(
		    b, " <span class=\"%s\" title=\"%s\">%s</span>", arrow > 0 ? "up" : "down",
		    tp_msg(L, arrow > 0 ? TP_MSG_UP : TP_MSG_DOWN), arrow > 0 ? "▲" : "▼");
	tp_buf_printf(b, "<br><span class=\"meta\">n = %lld", (long long)g->n);
	if (g->estimate.has_ci)
		tp_buf_printf(b, " · [%s, %s]", tp_fmt_number(lo, sizeof lo, g->estimate.lo, d, L),
			      tp_fmt_number(hi, sizeof hi, g->estimate.hi, d, L));
	if (g->small)
		tp_buf_printf(b, " · <span class=\"small\">%s</span>", tp_msg(L, TP_MSG_SMALL));
	tp_buf_puts(b, "</span>");
	tp_buf_puts(b, end);
}

void page_option(struct tp_buf *b, const char *value, const char *label, bool selected)
{
	tp_buf_printf(b, "<option value=\"%s\"%s>%s</option>", value, selected ? " selected" : "",
		      label);
}

void page_text_input(struct tp_buf *b, const char *label, const char *name, const char *value,
		     const char *placeholder)
{
	tp_buf_printf(b, "<label>%s <input type=\"text\" name=\"%s\" value=\"", label, name);
	tp_html_escape(b, value ? value : "");
	tp_buf_puts(b, "\"");
	if (placeholder)
		tp_buf_printf(b, " placeholder=\"%s\"", placeholder);
	tp_buf_puts(b, "></label>\n");
}

void page_form_open(struct tp_buf *b, const struct page_args *a, const char *action)
{
	tp_buf_printf(b, "<form class=\"filters\" method=\"get\" action=\"%s\">\n", action);
	tp_buf_printf(b, "<input type=\"hidden\" name=\"lang\" value=\"%s\">",
		      tp_lang_code(a->lang));
}

void page_period_inputs(struct tp_buf *b, const struct page_args *a)
{
	enum tp_lang L = a->lang;
	page_text_input(b, tp_msg(L, TP_MSG_FROM), "from", a->from, "2026-01-01");
	page_text_input(b, tp_msg(L, TP_MSG_TO), "to", a->to, "2026-06-30");
	for (size_t i = 0; i < a->n_where; i++)
		page_text_input(b, tp_msg(L, TP_MSG_FILTER), "where", a->where[i], NULL);
	page_text_input(b, tp_msg(L, TP_MSG_FILTER), "where", NULL, tp_msg(L, TP_MSG_WHERE_HINT));
}

void page_form_submit(struct tp_buf *b, enum tp_lang lang)
{
	tp_buf_printf(b, "<button type=\"submit\">%s</button>\n</form>\n", tp_msg(lang, TP_MSG_APPLY));
}

void page_filter_form(struct tp_buf *b, const struct page_args *a, const char *action)
{
	enum tp_lang L = a->lang;
	static const char *const metrics[] = {"nps", "csat", "ces", "emotion", "sentiment"};
	page_form_open(b, a, action);
	tp_buf_printf(b, "<label>%s <select name=\"metric\">", tp_msg(L, TP_MSG_INDICATOR));
	for (size_t i = 0; i < sizeof metrics / sizeof metrics[0]; i++)
		page_option(b, metrics[i], metrics[i], strcmp(a->metric, metrics[i]) == 0);
	tp_buf_puts(b, "</select></label>\n");
	page_period_inputs(b, a);
	page_form_submit(b, L);
}

/* The current URL without lang, ready for "lang=xx" (attribute-escaped). */
char *page_self_url(const char *path, const struct page_args *a, const char *extra)
{
	struct tp_buf url, out;
	tp_buf_init(&url);
	tp_buf_init(&out);
	tp_buf_puts(&url, path);
	tp_buf_puts(&url, "?");
	page_filter_query(&url, a); /* starts "&metric=": the '&' is dropped below */
	tp_buf_puts(&url, extra);
	tp_buf_puts(&url, "&");
	if (url.data) {
		size_t at = strlen(path) + 1;
		memmove(url.data + at, url.data + at + 1, url.len - at);
	}
	tp_html_escape(&out, url.data);
	tp_buf_free(&url);
	return tp_buf_take(&out);
}

void page_csv_link(struct tp_buf *b, const struct page_args *a, const char *path, const char *table)
{
	struct tp_buf url;
	tp_buf_init(&url);
	tp_buf_puts(&url, path);
	tp_buf_puts(&url, "?format=csv");
	if (table) {
		tp_buf_puts(&url, "&table=");
		tp_buf_puts(&url, table);
	}
	page_filter_query(&url, a);
	tp_buf_puts(b, "<p><a class=\"csv\" href=\"");
	tp_html_escape(b, url.data);
	tp_buf_printf(b, "\">%s</a></p>\n", tp_msg(a->lang, TP_MSG_CSV));
	tp_buf_free(&url);
}

static void map_csv(struct tp_buf *b, const struct tp_journey *j, const struct page_args *a,
		    const struct tp_report *r, const struct tp_report *months, const char *last)
{
	tp_buf_puts(b, "touchpoint,name,phase,channel,metric,n,value,ci_lo,ci_hi,trend\r\n");
	for (size_t i = 0; i < j->n_touchpoints; i++) {
		const struct tp_touchpoint *t = &j->touchpoints[i];
		const char *fields[] = {t->id, t->name, t->phase, t->channel, a->metric};
		for (size_t k = 0; k < 5; k++) {
			tp_csv_field(b, fields[k]);
			tp_buf_puts(b, ",");
		}
		page_value_csv(b, page_group(r, t->id, NULL), a->q.metric);
		int arrow = trend(months, last, t->id);
		tp_buf_printf(b, ",%s\r\n", arrow > 0 ? "up" : arrow < 0 ? "down" : "");
	}
}

static void map_html(struct tp_buf *b, const struct tp_journey *j, const struct page_args *a,
		     const struct tp_report *r, const struct tp_report *months, const char *last,
		     const struct tp_flags *flags, const struct tp_estimates *est)
{
	enum tp_lang L = a->lang;
	char *self = page_self_url("/", a, "");
	tp_html_begin(b, L, tp_msg(L, TP_MSG_JOURNEY_MAP), self ? self : "/?");
	free(self);
	page_filter_form(b, a, "/");
	tp_buf_printf(b, "<table class=\"map\">\n<tr><th>%s \\ %s</th>", tp_msg(L, TP_MSG_CHANNEL),
		      tp_msg(L, TP_MSG_PHASE));
	for (size_t p = 0; p < j->n_phases; p++) {
		tp_buf_puts(b, "<th><a href=\"/p/");
		tp_url_escape(b, j->phases[p].id);
		tp_buf_puts(b, "\">");
		tp_html_escape(b, j->phases[p].name);
		tp_buf_puts(b, "</a></th>");
	}
	tp_buf_puts(b, "</tr>\n");
	for (size_t c = 0; c < j->n_channels; c++) {
		tp_buf_puts(b, "<tr><th><a href=\"/c/");
		tp_url_escape(b, j->channels[c].id);
		tp_buf_puts(b, "\">");
		tp_html_escape(b, j->channels[c].name);
		tp_buf_puts(b, "</a></th>");
		for (size_t p = 0; p < j->n_phases; p++) {
			size_t here = 0;
			for (size_t i = 0; i < j->n_touchpoints; i++)
				here += strcmp(j->touchpoints[i].phase, j->phases[p].id) == 0 &&
					strcmp(j->touchpoints[i].channel, j->channels[c].id) == 0;
			if (here == 0) {
				tp_buf_puts(b, "<td class=\"gap\"></td>");
				continue;
			}
			if (here > 1)
				tp_buf_puts(b, "<td class=\"cell multi\">");
			for (size_t i = 0; i < j->n_touchpoints; i++) {
				const struct tp_touchpoint *t = &j->touchpoints[i];
				if (strcmp(t->phase, j->phases[p].id) != 0 ||
				    strcmp(t->channel, j->channels[c].id) != 0)
					continue;
				map_cell(b, a, t, page_group(r, t->id, NULL),
					 trend(months, last, t->id), flags ? flags->rows[i].flag : 0,
					 here > 1);
			}
			if (here > 1)
				tp_buf_puts(b, "</td>");
		}
		tp_buf_puts(b, "</tr>\n");
	}
	tp_buf_puts(b, "</table>\n");
	page_map_analysis(b, a, j, flags, est);
	page_csv_link(b, a, "/", NULL);
	tp_html_end(b);
}

void web_page_map(const struct web_request *req, struct web_reply *rep)
{
	struct page_args a;
	struct tp_report *r = NULL, *months = NULL;
	struct tp_flags *flags = NULL;          /* experience flags (gap) */
	struct tp_estimates *est = NULL;        /* staff estimates (gap) */
	struct tp_error ignored;
	if (!page_args_parse(req, &a, rep))
		goto out;
	const struct tp_dataset *ds = page_lock(req, a.lang, rep);
	if (!ds)
		goto out;
	/* Optional extras: the map shows without them when they fail. */
	if (tp_flags_run(ds, &a.q, &flags, &ignored) != TP_OK)
		flags = NULL;
	if (a.q.metric != TP_METRIC_EMOTION && a.q.metric != TP_METRIC_SENTIMENT &&
	    tp_estimates_run(ds, a.q.metric, &a.q, &est, &ignored) != TP_OK)
		est = NULL;
	const struct tp_by by[] = {{TP_BY_TOUCHPOINT, NULL}, {TP_BY_MONTH, NULL}};
	r = page_report(ds, &a, a.q.metric, by, 1, NULL, NULL, rep);
	months = r ? page_report(ds, &a, a.q.metric, by, 2, NULL, NULL, rep) : NULL;
	if (months) {
		struct tp_buf b;
		tp_buf_init(&b);
		const struct tp_journey *j = tp_dataset_journey(ds);
		const char *last = last_month(months);
		if (a.csv)
			map_csv(&b, j, &a, r, months, last);
		else
			map_html(&b, j, &a, r, months, last, flags, est);
		page_send(rep, &b, a.csv);
	}
	page_unlock(req);
out:
	if (r)
		tp_report_free(r);
	if (months)
		tp_report_free(months);
	tp_flags_free(flags);
	tp_estimates_free(est);
	page_args_free(&a);
}
