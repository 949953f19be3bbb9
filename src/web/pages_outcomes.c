/* web/pages_outcomes.c - the outcomes page (/outcomes: a business outcome
 * by NPS group, the promoters-detractors difference and the value of
 * moving detractors to passives), the benchmark page (/benchmark: our
 * indicator ranked among other companies), their CSV downloads
 * (?format=csv) and JSON twins (/api/v1/outcomes, /api/v1/benchmark).
 *
 * Thin handlers over touchpoint/outcomes.h: the library computes, this
 * file lays out HTML (every stored string escaped), SVG (view/svg.c) and
 * CSV. Extra query parameters: outcome, move (outcomes); period, sector,
 * company (benchmark). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/outcomes.h"
#include "web/pages.h"

#define NAMES_MAX 64 /* outcome names listed in the form */


/* Appends "&name=value" (URL-encoded) when value is not NULL. */
static void url_param(struct tp_buf *url, const char *name, const char *value)
{
	if (!value)
		return;
	tp_buf_printf(url, "&%s=", name);
	tp_url_escape(url, value);
}

/* A "Download CSV" link to path?format=csv with the filters and extras
 * (the markup of page_csv_link). */
static void csv_link(struct tp_buf *b, const struct page_args *a, const char *path,
		     const struct tp_buf *extra)
{
	struct tp_buf url;
	tp_buf_init(&url);
	tp_buf_puts(&url, path);
	tp_buf_puts(&url, "?format=csv");
	page_filter_query(&url, a);
	if (extra->data)
		tp_buf_puts(&url, extra->data);
	tp_buf_puts(b, "<p><a class=\"csv\" href=\"");
	tp_html_escape(b, url.data);
	tp_buf_printf(b, "\">%s</a></p>\n", tp_msg(a->lang, TP_MSG_CSV));
	tp_buf_free(&url);
}

static void fmt_cell(struct tp_buf *b, bool has, double v, int dec, enum tp_lang L)
{
	char num[48];
	tp_buf_printf(b, "<td class=\"num\">%s</td>", has ? tp_fmt_number(num, sizeof num, v, dec, L)
							  : "–");
}

static void fmt_ci(struct tp_buf *b, bool has, double lo, double hi, int dec, enum tp_lang L)
{
	char x[48], y[48];
	if (has)
		tp_buf_printf(b, "<td class=\"num\">[%s, %s]</td>",
			      tp_fmt_number(x, sizeof x, lo, dec, L),
			      tp_fmt_number(y, sizeof y, hi, dec, L));
	else
		tp_buf_puts(b, "<td class=\"num\">–</td>");
}

/* A CSV number with a decimal point, or nothing. */
static void csv_num(struct tp_buf *b, bool has, double v)
{
	if (has && isfinite(v))
		tp_buf_printf(b, "%.10g", v);
}

/* --- outcomes --- */

struct names {
	size_t n;
	char *items[NAMES_MAX];
};

static int take_name(const char *name, int64_t count, void *ctx)
{
	(void)count;
	struct names *ns = ctx;
	if (ns->n == NAMES_MAX)
		return 1;
	ns->items[ns->n] = strdup(name);
	return ns->items[ns->n++] ? 0 : 1;
}

static void names_free(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->items[i]);
}

static void outcome_form(struct tp_buf *b, const struct page_args *a, const struct names *ns,
			 const char *chosen, const char *move)
{
	enum tp_lang L = a->lang;
	page_form_open(b, a, "/outcomes");
	tp_buf_printf(b, "<label>%s <select name=\"outcome\">", tp_msg(L, TP_MSG_OUTCOME));
	for (size_t i = 0; i < ns->n; i++) {
		tp_buf_puts(b, "<option value=\"");
		tp_html_escape(b, ns->items[i]);
		tp_buf_printf(b, "\"%s>", strcmp(ns->items[i], chosen) == 0 ? " selected" : "");
		tp_html_escape(b, ns->items[i]);
		tp_buf_puts(b, "</option>");
	}
	tp_buf_puts(b, "</select></label>\n");
	page_period_inputs(b, a);
	page_text_input(b, tp_msg(L, TP_MSG_MOVE_SHARE), "move", move, "0.1");
	page_form_submit(b, L);
}

static const enum tp_msg group_msg[TP_OUTCOME_GROUPS] = {TP_MSG_PROMOTERS, TP_MSG_PASSIVES,
							 TP_MSG_DETRACTORS};

static void outcome_html(struct tp_buf *b, const struct page_args *a,
			 const struct tp_outcome_report *r, const struct tp_buf *extra)
{
	enum tp_lang L = a->lang;
	int dec = r->binary ? 1 : 2;
	char num[48], lo[48], hi[48];
	tp_buf_printf(b, "<h2>");
	tp_html_escape(b, r->name);
	tp_buf_printf(b, "</h2>\n<p>%lld %s</p>\n", (long long)r->linked, tp_msg(L, TP_MSG_LINKED));
	tp_buf_printf(b,
		      "<table class=\"summary\">\n<tr><th>%s</th><th>%s</th><th>%s</th>"
		      "<th>%s</th></tr>\n",
		      tp_msg(L, TP_MSG_NPS_GROUP), tp_msg(L, TP_MSG_N),
		      tp_msg(L, r->binary ? TP_MSG_RATE : TP_MSG_MEAN), tp_msg(L, TP_MSG_CI));
	struct tp_svg_point pts[TP_OUTCOME_GROUPS];
	double xmin = 0.0, xmax = r->binary ? 100.0 : 0.0;
	for (int g = 0; g < TP_OUTCOME_GROUPS; g++) {
		const struct tp_outcome_group *grp = &r->groups[g];
		const struct tp_estimate *e = &grp->estimate;
		tp_buf_printf(b, "<tr><th>%s</th><td class=\"num\">%lld</td>",
			      tp_msg(L, group_msg[g]), (long long)grp->moments.n);
		fmt_cell(b, e->has_value, e->value, dec, L);
		fmt_ci(b, e->has_ci, e->lo, e->hi, dec, L);
		tp_buf_puts(b, "</tr>\n");
		pts[g] = (struct tp_svg_point){tp_msg(L, group_msg[g]), e->has_value, e->has_ci,
					       e->value, e->lo, e->hi};
		if (!r->binary && e->has_value) {
			double top = e->has_ci ? e->hi : e->value;
			double bottom = e->has_ci ? e->lo : e->value;
			xmax = fmax(xmax, top * 1.05);
			xmin = fmin(xmin, bottom * 1.05);
		}
	}
	tp_buf_puts(b, "</table>\n");
	tp_svg_bars(b, pts, TP_OUTCOME_GROUPS, xmin, xmax, L);
	if (r->diff.has_value)
		tp_buf_printf(b, "<p>%s: <strong>%s</strong> [%s, %s], %s = %.4g %s</p>\n",
			      tp_msg(L, TP_MSG_PRO_VS_DET),
			      tp_fmt_number(num, sizeof num, r->diff.diff, dec, L),
			      tp_fmt_number(lo, sizeof lo, r->diff.lo, dec, L),
			      tp_fmt_number(hi, sizeof hi, r->diff.hi, dec, L),
			      tp_msg(L, TP_MSG_P_VALUE), r->diff.p_value,
			      r->diff.p_value < 1.0 - r->level ? tp_msg(L, TP_MSG_SIGNIFICANT) : "");
	if (r->has_move) {
		char share[48], moved[48];
		tp_buf_printf(b, "<p>%s (%s × %s): <strong>%s</strong> [%s, %s]</p>\n",
			      tp_msg(L, TP_MSG_MOVE_VALUE),
			      tp_fmt_number(share, sizeof share, r->move_share, 2, L),
			      tp_fmt_number(moved, sizeof moved,
					    (double)r->groups[TP_OUTCOME_DETRACTORS].moments.n, 0, L),
			      tp_fmt_number(num, sizeof num, r->move_value, 2, L),
			      tp_fmt_number(lo, sizeof lo, r->move_lo, 2, L),
			      tp_fmt_number(hi, sizeof hi, r->move_hi, 2, L));
		tp_buf_printf(b, "<p class=\"note\">%s</p>\n", tp_msg(L, TP_MSG_ASSUMPTIONS));
	}
	csv_link(b, a, "/outcomes", extra);
}

static void outcome_csv(struct tp_buf *b, const struct tp_outcome_report *r)
{
	tp_buf_puts(b, "outcome,nps_group,n,value,ci_lo,ci_hi,sd\r\n");
	for (int g = 0; g < TP_OUTCOME_GROUPS; g++) {
		const struct tp_outcome_group *grp = &r->groups[g];
		tp_csv_field(b, r->name);
		tp_buf_printf(b, ",%s,%lld,", grp->name, (long long)grp->moments.n);
		csv_num(b, grp->estimate.has_value, grp->estimate.value);
		tp_buf_puts(b, ",");
		csv_num(b, grp->estimate.has_ci, grp->estimate.lo);
		tp_buf_puts(b, ",");
		csv_num(b, grp->estimate.has_ci, grp->estimate.hi);
		tp_buf_puts(b, ",");
		csv_num(b, grp->moments.n > 1, grp->sd);
		tp_buf_puts(b, "\r\n");
	}
}

/* Parses ?move= (default 0.1); false when malformed. */
static bool move_share(const char *text, double *out)
{
	*out = 0.1;
	if (!text)
		return true;
	char *end;
	double v = strtod(text, &end);
	if (end == text || *end || !(v >= 0.0 && v <= 1.0))
		return false;
	*out = v;
	return true;
}

/* What both outcome handlers compute; NULL with an error set in rep
 * (HTML when html, else JSON). */
struct outcome_work {
	struct names names;
	const char *chosen;
	double move;
	struct tp_outcome_values *values;
	struct tp_outcome_report *report;
};

static void work_free(struct outcome_work *w)
{
	names_free(&w->names);
	tp_outcome_values_free(w->values);
	tp_outcome_report_free(w->report);
}

static void fail(struct web_reply *rep, enum tp_lang lang, bool html, unsigned status,
		 const char *msg)
{
	if (html)
		page_error(rep, lang, status, msg);
	else
		web_reply_error(rep, status, NULL, "%s", msg);
}

/* A 200 JSON reply of a constant body. */
static void reply_empty(struct web_reply *rep, const char *body)
{
	rep->text = strdup(body);
	rep->status = rep->text ? 200 : 503;
	rep->content_type = NULL;
}

static unsigned status_of(enum tp_status st)
{
	return st == TP_ENOTFOUND ? 404 : st == TP_EINPUT || st == TP_EUSAGE ? 400 : 503;
}

/* Returns false when a reply was set (an error, or the no-data page). */
static bool outcome_compute(const struct web_request *req, const struct page_args *a,
			    bool html, struct outcome_work *w, struct web_reply *rep)
{
	struct tp_error err;
	if (!move_share(web_param_set(req, "move"), &w->move)) {
		fail(rep, a->lang, html, 400, "move must be a share from 0 to 1");
		return false;
	}
	if (tp_store_outcome_names(req->store, take_name, &w->names, &err) != TP_OK) {
		fail(rep, a->lang, html, 503, err.message);
		return false;
	}
	w->chosen = web_param_set(req, "outcome");
	if (!w->chosen && w->names.n > 0)
		w->chosen = w->names.items[0];
	if (!w->chosen) {
		if (!html) { /* nothing stored yet: an empty result, not an error */
			reply_empty(rep, "{\"outcome\":null,\"groups\":[]}");
			return false;
		}
		struct tp_buf b;
		tp_buf_init(&b);
		tp_html_begin(&b, a->lang, tp_msg(a->lang, TP_MSG_OUTCOMES_PAGE), "/outcomes?");
		tp_buf_printf(&b, "<p>%s</p>\n", tp_msg(a->lang, TP_MSG_NO_OUTCOMES));
		tp_html_end(&b);
		page_send(rep, &b, false);
		return false;
	}
	enum tp_status st = tp_outcome_values_load(req->store, w->chosen, &w->values, &err);
	if (st != TP_OK) {
		fail(rep, a->lang, html, status_of(st), err.message);
		return false;
	}
	const struct tp_dataset *ds = page_lock(req, a->lang, rep);
	if (!ds)
		return false;
	st = tp_outcome_report_run(ds, w->values, w->chosen, &a->q, w->move, 0.95, &w->report,
				   &err);
	page_unlock(req);
	if (st != TP_OK) {
		fail(rep, a->lang, html, status_of(st), err.message);
		return false;
	}
	return true;
}

void web_page_outcomes(const struct web_request *req, struct web_reply *rep)
{
	struct page_args a;
	struct outcome_work w;
	memset(&w, 0, sizeof w);
	if (!page_args_parse(req, &a, rep))
		goto out;
	if (!outcome_compute(req, &a, true, &w, rep))
		goto out;
	struct tp_buf extra, b;
	tp_buf_init(&extra);
	tp_buf_init(&b);
	url_param(&extra, "outcome", w.chosen);
	url_param(&extra, "move", web_param_set(req, "move"));
	if (a.csv) {
		outcome_csv(&b, w.report);
	} else {
		char *self = page_self_url("/outcomes", &a, extra.data ? extra.data : "");
		tp_html_begin(&b, a.lang, tp_msg(a.lang, TP_MSG_OUTCOMES_PAGE),
			      self ? self : "/outcomes?");
		free(self);
		outcome_form(&b, &a, &w.names, w.chosen, web_param_set(req, "move"));
		outcome_html(&b, &a, w.report, &extra);
		tp_html_end(&b);
	}
	tp_buf_free(&extra);
	page_send(rep, &b, a.csv);
out:
	work_free(&w);
	page_args_free(&a);
}

/* A page_args_parse failure as a JSON 400 (its HTML body dropped). */
static bool api_args(const struct web_request *req, struct page_args *a, struct web_reply *rep)
{
	if (page_args_parse(req, a, rep))
		return true;
	free(rep->text);
	rep->text = NULL;
	rep->content_type = NULL;
	web_reply_error(rep, 400, NULL, "invalid query parameter (from, to, where, metric or "
					"lang)");
	return false;
}

static void reply_text_json(struct web_reply *rep, char *text)
{
	if (!text) {
		web_reply_error(rep, 503, NULL, "out of memory");
		return;
	}
	rep->status = 200;
	rep->text = text;
	rep->content_type = NULL;
}

void web_api_outcomes(const struct web_request *req, struct web_reply *rep)
{
	struct page_args a;
	struct outcome_work w;
	memset(&w, 0, sizeof w);
	if (!api_args(req, &a, rep))
		goto out;
	if (outcome_compute(req, &a, false, &w, rep))
		reply_text_json(rep, tp_outcome_report_to_json(w.report, NULL));
out:
	work_free(&w);
	page_args_free(&a);
}

/* --- benchmark --- */

static bool benchmark_compute(const struct web_request *req, const struct page_args *a,
			      bool html, struct tp_benchmark_report **out, struct web_reply *rep)
{
	struct tp_error err;
	struct tp_benchmark_query q = {
		.metric = a->q.metric,
		.period = web_param_set(req, "period"),
		.sector = web_param_set(req, "sector"),
		.company = web_param_set(req, "company"),
		.level = 0.95,
	};
	int64_t from, to;
	if (q.metric != TP_METRIC_NPS && q.metric != TP_METRIC_CSAT && q.metric != TP_METRIC_CES) {
		fail(rep, a->lang, html, 400, "metric must be nps, csat or ces");
		return false;
	}
	if (q.period && !tp_period_parse(q.period, &from, &to)) {
		fail(rep, a->lang, html, 400, "period must be YYYY, YYYY-Qn or YYYY-MM");
		return false;
	}
	const struct tp_dataset *ds = page_lock(req, a->lang, rep);
	if (!ds)
		return false;
	enum tp_status st = tp_benchmark_run(req->store, ds, &q, out, &err);
	page_unlock(req);
	if (st == TP_ENOTFOUND && !html && !q.period) { /* nothing stored for the metric */
		char body[96];
		snprintf(body, sizeof body, "{\"metric\":\"%s\",\"period\":null,\"companies\":[]}",
			 tp_metric_name(q.metric));
		reply_empty(rep, body);
		return false;
	}
	if (st == TP_ENOTFOUND && html) {
		struct tp_buf b;
		tp_buf_init(&b);
		tp_html_begin(&b, a->lang, tp_msg(a->lang, TP_MSG_BENCHMARK_PAGE), "/benchmark?");
		tp_buf_printf(&b, "<p>%s</p>\n", tp_msg(a->lang, TP_MSG_NO_BENCHMARK));
		tp_html_end(&b);
		page_send(rep, &b, false);
		return false;
	}
	if (st != TP_OK) {
		fail(rep, a->lang, html, status_of(st), err.message);
		return false;
	}
	return true;
}

static void benchmark_form(struct tp_buf *b, const struct page_args *a,
			   const struct tp_benchmark_report *r)
{
	enum tp_lang L = a->lang;
	static const char *const metrics[] = {"nps", "csat", "ces"};
	page_form_open(b, a, "/benchmark");
	tp_buf_printf(b, "<label>%s <select name=\"metric\">", tp_msg(L, TP_MSG_INDICATOR));
	for (size_t i = 0; i < 3; i++)
		page_option(b, metrics[i], metrics[i], strcmp(a->metric, metrics[i]) == 0);
	tp_buf_puts(b, "</select></label>\n");
	page_text_input(b, tp_msg(L, TP_MSG_PERIOD), "period", r->period, "2026-Q2");
	page_text_input(b, tp_msg(L, TP_MSG_SECTOR), "sector", r->sector, NULL);
	page_form_submit(b, L);
}

static void rank_row(struct tp_buf *b, enum tp_lang L, enum tp_msg what, const char *sector,
		     int64_t rank, int64_t count, bool has_pct, double pct)
{
	char num[48];
	tp_buf_printf(b, "<tr><th>%s", tp_msg(L, what));
	if (sector) {
		tp_buf_puts(b, " (");
		tp_html_escape(b, sector);
		tp_buf_puts(b, ")");
	}
	tp_buf_printf(b, "</th><td class=\"num\">%lld / %lld</td>", (long long)rank,
		      (long long)count);
	tp_buf_printf(b, "<td class=\"num\">%s</td></tr>\n",
		      has_pct ? tp_fmt_number(num, sizeof num, pct, 1, L) : "–");
}

static const char *no_test_text(enum tp_lang L, const struct tp_benchmark_entry *e)
{
	switch (e->no_test_code) {
	case TP_NO_TEST_NO_OURS: return tp_msg(L, TP_MSG_NO_OURS);
	case TP_NO_TEST_SMALL_N: return tp_msg(L, TP_MSG_NOTEST_SMALL_N);
	case TP_NO_TEST_NO_SD: return tp_msg(L, TP_MSG_NOTEST_NO_SD);
	case TP_NO_TEST_FEW_OURS: return tp_msg(L, TP_MSG_NOTEST_FEW_OURS);
	default: return "";
	}
}

static void benchmark_html(struct tp_buf *b, const struct page_args *a,
			   const struct tp_benchmark_report *r, const struct tp_buf *extra)
{
	enum tp_lang L = a->lang;
	int dec = r->metric == TP_METRIC_CES ? 2 : 1;
	tp_buf_printf(b, "<h2>%s · ", r->metric == TP_METRIC_NPS ? "NPS"
				     : r->metric == TP_METRIC_CSAT ? "CSAT" : "CES");
	tp_html_escape(b, r->period);
	tp_buf_puts(b, "</h2>\n");
	if (!r->has_ours) {
		tp_buf_printf(b, "<p>%s</p>\n", tp_msg(L, TP_MSG_NO_OURS));
	} else {
		tp_buf_printf(b, "<table class=\"summary\">\n<tr><th></th><th>%s</th><th>%s</th>"
				 "</tr>\n",
			      tp_msg(L, TP_MSG_RANK), tp_msg(L, TP_MSG_PERCENTILE));
		rank_row(b, L, TP_MSG_ALL_SECTORS, NULL, r->rank_all, r->count_all, r->has_pct_all,
			 r->pct_all);
		if (r->has_sector_rank)
			rank_row(b, L, TP_MSG_IN_SECTOR, r->sector, r->rank_sector,
				 r->count_sector, r->has_pct_sector, r->pct_sector);
		tp_buf_puts(b, "</table>\n");
	}
	tp_buf_printf(b,
		      "<table class=\"summary\">\n<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
		      "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th></th></tr>\n",
		      tp_msg(L, TP_MSG_RANK), tp_msg(L, TP_MSG_SECTOR), tp_msg(L, TP_MSG_COMPANY),
		      tp_msg(L, TP_MSG_VALUE), tp_msg(L, TP_MSG_CI), tp_msg(L, TP_MSG_N),
		      tp_msg(L, TP_MSG_DIFFERENCE), tp_msg(L, TP_MSG_P));
	struct tp_svg_point *pts = calloc(r->n_entries ? r->n_entries : 1, sizeof *pts);
	double xmin = r->metric == TP_METRIC_NPS ? -100.0 : r->metric == TP_METRIC_CES ? 1.0 : 0.0;
	double xmax = r->metric == TP_METRIC_CES ? 7.0 : 100.0;
	for (size_t i = 0; i < r->n_entries; i++) {
		const struct tp_benchmark_entry *e = &r->entries[i];
		tp_buf_printf(b, "<tr%s><td class=\"num\">%zu</td><td>", e->ours ? " class=\"us\"" : "",
			      i + 1);
		tp_html_escape(b, e->sector);
		tp_buf_puts(b, "</td><td>");
		tp_html_escape(b, e->company);
		if (e->ours)
			tp_buf_printf(b, " (%s)", tp_msg(L, TP_MSG_US));
		tp_buf_puts(b, "</td>");
		fmt_cell(b, true, e->value, dec, L);
		fmt_ci(b, e->has_ci, e->lo, e->hi, dec, L);
		tp_buf_printf(b, "<td class=\"num\">%lld</td>", (long long)e->n);
		if (e->ours) {
			tp_buf_puts(b, "<td></td><td></td><td></td>");
		} else {
			fmt_cell(b, r->has_ours, e->diff, dec, L);
			if (e->has_test)
				tp_buf_printf(b, "<td class=\"num\">%.4g</td><td>%s</td>", e->p_value,
					      e->significant ? tp_msg(L, TP_MSG_SIGNIFICANT) : "");
			else
				tp_buf_printf(b, "<td class=\"num\">–</td><td>%s: %s</td>",
					      tp_msg(L, TP_MSG_NO_TEST), no_test_text(L, e));
		}
		tp_buf_puts(b, "</tr>\n");
		if (pts)
			pts[i] = (struct tp_svg_point){e->company, true, e->has_ci, e->value, e->lo,
						       e->hi};
	}
	tp_buf_puts(b, "</table>\n");
	if (pts)
		tp_svg_bars(b, pts, r->n_entries, xmin, xmax, L);
	free(pts);
	tp_buf_printf(b, "<p class=\"note\">%s</p>\n", tp_msg(L, TP_MSG_PERCENTILE_NOTE));
	csv_link(b, a, "/benchmark", extra);
}

static void benchmark_csv(struct tp_buf *b, const struct tp_benchmark_report *r)
{
	tp_buf_puts(b, "rank,sector,company,metric,period,value,ci_lo,ci_hi,n,ours,diff,p_value,"
		       "significant\r\n");
	for (size_t i = 0; i < r->n_entries; i++) {
		const struct tp_benchmark_entry *e = &r->entries[i];
		tp_buf_printf(b, "%zu,", i + 1);
		tp_csv_field(b, e->sector);
		tp_buf_puts(b, ",");
		tp_csv_field(b, e->company);
		tp_buf_printf(b, ",%s,", tp_metric_name(r->metric));
		tp_csv_field(b, r->period);
		tp_buf_puts(b, ",");
		csv_num(b, true, e->value);
		tp_buf_puts(b, ",");
		csv_num(b, e->has_ci, e->lo);
		tp_buf_puts(b, ",");
		csv_num(b, e->has_ci, e->hi);
		tp_buf_printf(b, ",%lld,%s,", (long long)e->n, e->ours ? "true" : "false");
		csv_num(b, !e->ours && r->has_ours, e->diff);
		tp_buf_puts(b, ",");
		csv_num(b, e->has_test, e->p_value);
		tp_buf_printf(b, ",%s\r\n", e->has_test ? (e->significant ? "true" : "false") : "");
	}
}

void web_page_benchmark(const struct web_request *req, struct web_reply *rep)
{
	struct page_args a;
	struct tp_benchmark_report *r = NULL;
	if (!page_args_parse(req, &a, rep))
		goto out;
	if (!benchmark_compute(req, &a, true, &r, rep))
		goto out;
	struct tp_buf extra, b;
	tp_buf_init(&extra);
	tp_buf_init(&b);
	url_param(&extra, "period", web_param_set(req, "period"));
	url_param(&extra, "sector", web_param_set(req, "sector"));
	url_param(&extra, "company", web_param_set(req, "company"));
	if (a.csv) {
		benchmark_csv(&b, r);
	} else {
		char *self = page_self_url("/benchmark", &a, extra.data ? extra.data : "");
		tp_html_begin(&b, a.lang, tp_msg(a.lang, TP_MSG_BENCHMARK_PAGE),
			      self ? self : "/benchmark?");
		free(self);
		benchmark_form(&b, &a, r);
		benchmark_html(&b, &a, r, &extra);
		tp_html_end(&b);
	}
	tp_buf_free(&extra);
	page_send(rep, &b, a.csv);
out:
	tp_benchmark_report_free(r);
	page_args_free(&a);
}

void web_api_benchmark(const struct web_request *req, struct web_reply *rep)
{
	struct page_args a;
	struct tp_benchmark_report *r = NULL;
	if (!api_args(req, &a, rep))
		goto out;
	if (benchmark_compute(req, &a, false, &r, rep))
		reply_text_json(rep, tp_benchmark_report_to_json(r));
out:
	tp_benchmark_report_free(r);
	page_args_free(&a);
}
