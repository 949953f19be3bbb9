/* web/pages_analysis.c - the analysis pages: GET /drivers (key drivers
 * with the importance x performance chart), GET /gap (perception gap) and
 * GET /linkage (employees' eNPS and engagement against their customers),
 * each with ?format=csv.
 *
 * Views over the library (touchpoint/drivers*.h, touchpoint/analysis.h):
 * the query string becomes a spec, the shared dataset is read under its
 * lock, the result is drawn with view/svg_analysis.c. Every value from the
 * request or the data is escaped. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/analysis.h"
#include "touchpoint/drivers.h"
#include "touchpoint/drivers_data.h"
#include "touchpoint/outcomes.h"
#include "view/svg_analysis.h"
#include "web/pages.h"

#define LIST_MAX 2000  /* bytes of an attribute or driver list */
#define ITEMS_MAX 64   /* attributes or drivers in it */
#define WEB_BOOTSTRAP 200


/* Splits "attr:A,attr:B" (copied into buf) into names without the prefix.
 * False with a message when an item is not attr:NAME or there are too many. */
static bool split_attrs(const char *text, char *buf, const char **names, size_t *n,
			char *msg, size_t size)
{
	*n = 0;
	if (strlen(text) >= LIST_MAX) {
		snprintf(msg, size, "the list is longer than %d bytes", LIST_MAX);
		return false;
	}
	strcpy(buf, text);
	char *save = NULL;
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		while (*w == ' ')
			w++;
		if (strncmp(w, "attr:", 5) != 0 || !w[5]) {
			snprintf(msg, size, "expected attr:A,attr:B,..., not \"%.200s\"", w);
			return false;
		}
		if (*n >= ITEMS_MAX) {
			snprintf(msg, size, "at most %d attributes", ITEMS_MAX);
			return false;
		}
		for (size_t k = 0; k < *n; k++)
			if (strcmp(names[k], w + 5) == 0) {
				snprintf(msg, size, "%.200s is given twice", w);
				return false;
			}
		names[(*n)++] = w + 5;
	}
	if (*n == 0) {
		snprintf(msg, size, "no attribute given");
		return false;
	}
	return true;
}

static void report_error(struct web_reply *rep, enum tp_lang lang, const struct tp_error *err)
{
	page_error(rep, lang, err->status == TP_EINPUT ? 400 : 503, err->message);
}

/* Links between the three analyses. */
static void analysis_nav(struct tp_buf *b, enum tp_lang L)
{
	tp_buf_printf(b,
		      "<p class=\"analyses\"><a href=\"/drivers\">%s</a> · <a href=\"/gap\">%s</a> · "
		      "<a href=\"/linkage\">%s</a></p>\n",
		      tp_msg(L, TP_MSG_DRIVERS_PAGE), tp_msg(L, TP_MSG_GAP_PAGE),
		      tp_msg(L, TP_MSG_LINKAGE_PAGE));
}

/* The CSV link: path?format=csv, then name=value pairs (values
 * URL-encoded; NULL values skipped), then the filters. */
static void csv_link(struct tp_buf *b, const struct page_args *a, const char *path,
		     const char *const *pairs, size_t n_pairs)
{
	struct tp_buf url;
	tp_buf_init(&url);
	tp_buf_printf(&url, "%s?format=csv", path);
	for (size_t i = 0; i + 1 < 2 * n_pairs; i += 2) {
		if (!pairs[i + 1])
			continue;
		tp_buf_printf(&url, "&%s=", pairs[i]);
		tp_url_escape(&url, pairs[i + 1]);
	}
	page_filter_query(&url, a);
	tp_buf_puts(b, "<p><a class=\"csv\" href=\"");
	tp_html_escape(b, url.data);
	tp_buf_printf(b, "\">%s</a></p>\n", tp_msg(a->lang, TP_MSG_CSV));
	tp_buf_free(&url);
}

/* The page's own URL for the language switch: path?pairs&filters&. */
static char *self_url(const char *path, const struct page_args *a, const char *const *pairs,
		      size_t n_pairs)
{
	struct tp_buf extra;
	tp_buf_init(&extra);
	tp_buf_puts(&extra, "");
	for (size_t i = 0; i + 1 < 2 * n_pairs; i += 2) {
		if (!pairs[i + 1])
			continue;
		tp_buf_printf(&extra, "&%s=", pairs[i]);
		tp_url_escape(&extra, pairs[i + 1]);
	}
	char *url = page_self_url(path, a, extra.data ? extra.data : "");
	tp_buf_free(&extra);
	return url;
}

static void num_cell(struct tp_buf *b, double v, int decimals, enum tp_lang L)
{
	char num[48];
	tp_buf_printf(b, "<td class=\"num\">%s</td>", tp_fmt_number(num, sizeof num, v, decimals, L));
}

static void csv_num(struct tp_buf *b, bool has, double v, int decimals)
{
	if (has && isfinite(v))
		tp_buf_printf(b, "%.*f", decimals, v);
}

/* --- /drivers --- */

struct drivers_view {
	const struct tp_drivers_data *data;
	const struct tp_drivers_result *res;
	double *mean, *pct;
	const char **quadrant;
};

static enum tp_msg quadrant_msg(const char *q)
{
	return strcmp(q, "fix first") == 0	   ? TP_MSG_Q_FIX
	       : strcmp(q, "keep up") == 0	   ? TP_MSG_Q_KEEP
	       : strcmp(q, "possible overkill") == 0 ? TP_MSG_Q_OVERKILL
						     : TP_MSG_Q_LOW;
}

static void drivers_csv(struct tp_buf *b, const struct drivers_view *v)
{
	tp_buf_puts(b, "driver,relative_weight,rw_lo,rw_hi,shapley,performance,performance_100,"
		       "quadrant\r\n");
	for (size_t k = 0; k < v->res->p; k++) {
		const struct tp_driver_share *d = &v->res->drivers[k];
		tp_csv_field(b, v->data->names[k]);
		tp_buf_printf(b, ",%.6f,%.6f,%.6f,", d->relative_weight, d->rw_lo, d->rw_hi);
		csv_num(b, d->has_shapley, d->shapley, 6);
		tp_buf_printf(b, ",%.6f,%.4f,%s\r\n", v->mean[k], v->pct[k], v->quadrant[k]);
	}
}

static void drivers_results(struct tp_buf *b, const struct page_args *a,
			    const struct drivers_view *v)
{
	enum tp_lang L = a->lang;
	char num[48];
	const struct tp_drivers_result *r = v->res;
	tp_buf_printf(b,
		      "<table class=\"summary\">\n<tr><th>%s</th><th>%s</th><th>%s</th>"
		      "<th>Shapley</th><th>%s</th><th>%s</th></tr>\n",
		      tp_msg(L, TP_MSG_DRIVERS_FIELD), tp_msg(L, TP_MSG_IMPORTANCE),
		      tp_msg(L, TP_MSG_CI), tp_msg(L, TP_MSG_PERFORMANCE),
		      tp_msg(L, TP_MSG_QUADRANT));
	struct tp_svg_xy *pts = malloc((r->p ? r->p : 1) * sizeof *pts);
	for (size_t k = 0; k < r->p; k++) {
		const struct tp_driver_share *d = &r->drivers[k];
		tp_buf_puts(b, "<tr><th>");
		tp_html_escape(b, v->data->names[k]);
		tp_buf_puts(b, "</th>");
		num_cell(b, d->relative_weight, 3, L);
		tp_buf_printf(b, "<td class=\"num\">%s – ",
			      tp_fmt_number(num, sizeof num, d->rw_lo, 3, L));
		tp_buf_printf(b, "%s</td>", tp_fmt_number(num, sizeof num, d->rw_hi, 3, L));
		if (d->has_shapley)
			num_cell(b, d->shapley, 3, L);
		else
			tp_buf_puts(b, "<td>-</td>");
		num_cell(b, v->pct[k], 0, L);
		tp_buf_printf(b, "<td>%s</td></tr>\n",
			      tp_msg(L, quadrant_msg(v->quadrant[k])));
		if (pts)
			pts[k] = (struct tp_svg_xy){v->data->names[k], v->pct[k], d->relative_weight};
	}
	tp_buf_puts(b, "</table>\n");
	tp_buf_printf(b, "<p>n = %zu, R² = %s; bootstrap %d, 95%%</p>\n", r->n,
		      tp_fmt_number(num, sizeof num, r->r2, 3, L), WEB_BOOTSTRAP);
	if (pts) {
		const char *q[4] = {tp_msg(L, TP_MSG_Q_FIX), tp_msg(L, TP_MSG_Q_KEEP),
				    tp_msg(L, TP_MSG_Q_LOW), tp_msg(L, TP_MSG_Q_OVERKILL)};
		tp_svg_scatter(b, pts, r->p, tp_msg(L, TP_MSG_PERFORMANCE),
			       tp_msg(L, TP_MSG_IMPORTANCE), q, L);
	}
	free(pts);
}

static bool drivers_spec(const struct web_request *req, struct tp_drivers_spec *spec,
			 char *buf, const char **names, char *msg, size_t size)
{
	const char *outcome = web_param_set(req, "outcome");
	const char *drivers = web_param_set(req, "drivers");
	memset(spec, 0, sizeof *spec);
	spec->outcome = TP_METRIC_NPS;
	bool business = outcome && strncmp(outcome, "outcome:", 8) == 0 && outcome[8];
	if (outcome && strncmp(outcome, "attr:", 5) == 0 && outcome[5]) {
		spec->outcome_attr = outcome + 5;
	} else if (business) {
		/* the values are loaded by the caller (outcomes) */
	} else if (outcome && strcmp(outcome, "nps") && strcmp(outcome, "csat") &&
		   strcmp(outcome, "ces")) {
		snprintf(msg, size, "unknown outcome \"%.200s\" (nps, csat, ces, attr:NAME, "
				    "outcome:NAME)", outcome);
		return false;
	} else if (outcome) {
		tp_metric_parse(outcome, &spec->outcome);
	}
	if (strcmp(drivers, "touchpoint") == 0) {
		spec->shape = TP_DRIVERS_TOUCHPOINTS;
		if (spec->outcome_attr || business) {
			snprintf(msg, size, "drivers=touchpoint needs an nps, csat or ces outcome");
			return false;
		}
		return true;
	}
	spec->shape = TP_DRIVERS_ATTRIBUTES;
	spec->attrs = names;
	return split_attrs(drivers, buf, names, &spec->n_attrs, msg, size);
}

/* When nothing is chosen yet: a link to `path` with `name` set to the
 * attributes that have an importance rating or rank too (NAME with imp_NAME
 * or rank_NAME), the
 * usual candidates for drivers and for the perception gap. */
static void rated_suggestion(struct tp_buf *b, const struct web_request *req,
			     const struct page_args *a, const char *path, const char *name)
{
	struct web_reply ignored = {0};
	const struct tp_dataset *ds = page_lock(req, a->lang, &ignored);
	free(ignored.text);
	if (!ds)
		return;
	struct tp_buf list, shown;
	tp_buf_init(&list);
	tp_buf_init(&shown);
	size_t n = tp_dataset_attribute_count(ds);
	for (size_t i = 0; i < n; i++) {
		const char *attr = tp_dataset_attribute_name(ds, i);
		bool rated = false;
		for (size_t k = 0; k < n && !rated; k++) {
			const char *imp = tp_dataset_attribute_name(ds, k);
			rated = (strncmp(imp, "imp_", 4) == 0 && strcmp(imp + 4, attr) == 0) ||
				(strncmp(imp, "rank_", 5) == 0 && strcmp(imp + 5, attr) == 0);
		}
		if (!rated || strlen(attr) > 200)
			continue;
		tp_buf_puts(&list, list.len ? ",attr:" : "attr:");
		tp_buf_puts(&list, attr);
		if (shown.len)
			tp_buf_puts(&shown, ", ");
		tp_html_escape(&shown, attr);
	}
	page_unlock(req);
	if (list.len && shown.len) {
		struct tp_buf url;
		tp_buf_init(&url);
		tp_buf_printf(&url, "%s?%s=", path, name);
		tp_url_escape(&url, list.data);
		page_filter_query(&url, a);
		tp_buf_printf(b, "<p>%s <a href=\"", tp_msg(a->lang, TP_MSG_RATED_ATTRIBUTES));
		if (url.data)
			tp_html_escape(b, url.data);
		tp_buf_puts(b, "\">");
		tp_buf_puts(b, shown.data);
		tp_buf_puts(b, "</a></p>\n");
		tp_buf_free(&url);
	}
	tp_buf_free(&list);
	tp_buf_free(&shown);
}

void web_page_drivers(const struct web_request *req, struct web_reply *rep)
{
	struct page_args a;
	struct tp_drivers_data *data = NULL;
	struct tp_drivers_result *res = NULL;
	struct tp_outcome_values *values = NULL; /* outcome:NAME */
	struct drivers_view v = {0};
	struct tp_error err;
	char buf[LIST_MAX], msg[300];
	const char *names[ITEMS_MAX];
	if (!page_args_parse(req, &a, rep))
		goto out;
	const char *outcome = web_param_set(req, "outcome"), *drivers = web_param_set(req, "drivers");
	const char *pairs[] = {"outcome", outcome, "drivers", drivers};
	struct tp_drivers_spec spec;
	if (drivers && !drivers_spec(req, &spec, buf, names, msg, sizeof msg)) {
		page_error(rep, a.lang, 400, msg);
		goto out;
	}
	const struct tp_dataset *ds = NULL;
	if (drivers) {
		struct tp_drivers_options o;
		tp_drivers_options_init(&o);
		o.bootstrap = WEB_BOOTSTRAP;
		spec.filter = &a.q;
		if (outcome && strncmp(outcome, "outcome:", 8) == 0) {
			enum tp_status st =
			    tp_outcome_values_load(req->store, outcome + 8, &values, &err);
			if (st != TP_OK) {
				page_error(rep, a.lang, st == TP_ENOTFOUND || st == TP_EINPUT ? 400 : 503,
					   err.message);
				goto out;
			}
			spec.outcome_values = values;
		}
		ds = page_lock(req, a.lang, rep);
		if (!ds)
			goto out;
		enum tp_status st = tp_drivers_data_build(ds, &spec, &data, &err);
		if (st == TP_OK)
			st = tp_drivers_fit(data->y, data->x, data->n_rows, data->p, &o, &res, &err);
		page_unlock(req);
		if (st != TP_OK) {
			report_error(rep, a.lang, &err);
			goto out;
		}
		size_t p = res->p ? res->p : 1;
		v = (struct drivers_view){data, res, malloc(p * sizeof(double)),
					  malloc(p * sizeof(double)), malloc(p * sizeof(char *))};
		double *imp = malloc(p * sizeof *imp);
		if (!v.mean || !v.pct || !v.quadrant || !imp) {
			free(imp);
			page_error(rep, a.lang, 503, "out of memory");
			goto out;
		}
		tp_drivers_performance(data, v.mean, v.pct);
		for (size_t k = 0; k < res->p; k++)
			imp[k] = res->drivers[k].relative_weight;
		tp_drivers_quadrants(imp, v.pct, res->p, v.quadrant);
		free(imp);
	}
	struct tp_buf b;
	tp_buf_init(&b);
	if (a.csv && res) {
		drivers_csv(&b, &v);
	} else {
		enum tp_lang L = a.lang;
		char *self = self_url("/drivers", &a, pairs, 2);
		tp_html_begin(&b, L, tp_msg(L, TP_MSG_DRIVERS_PAGE), self ? self : "/drivers?");
		free(self);
		analysis_nav(&b, L);
		page_form_open(&b, &a, "/drivers");
		page_text_input(&b, tp_msg(L, TP_MSG_OUTCOME), "outcome", outcome ? outcome : "nps",
				"nps, csat, ces, attr:NAME, outcome:NAME");
		page_text_input(&b, tp_msg(L, TP_MSG_DRIVERS_FIELD), "drivers", drivers,
				tp_msg(L, TP_MSG_DRIVERS_HINT));
		page_period_inputs(&b, &a);
		page_form_submit(&b, a.lang);
		if (res) {
			drivers_results(&b, &a, &v);
			csv_link(&b, &a, "/drivers", pairs, 2);
		} else {
			tp_buf_printf(&b, "<p>%s</p>\n", tp_msg(L, TP_MSG_CHOOSE_DRIVERS));
			rated_suggestion(&b, req, &a, "/drivers", "drivers");
		}
		tp_html_end(&b);
	}
	page_send(rep, &b, a.csv && res);
out:
	free(v.mean);
	free(v.pct);
	free(v.quadrant);
	tp_drivers_free(res);
	tp_drivers_data_free(data);
	tp_outcome_values_free(values);
	page_args_free(&a);
}

/* --- /gap --- */

/* Ranks: mean rank, n and % ranking it first per group; the gaps are of
 * mean ranks with the Mann-Whitney p. */
static void gap_rank_csv(struct tp_buf *b, const struct tp_gap_result *r)
{
	tp_buf_puts(b, "attribute,customers_mean_rank,customers_n,customers_first_pct,"
		       "employees_mean_rank,employees_n,employees_first_pct,leaders_mean_rank,"
		       "leaders_n,leaders_first_pct,derived_pct,gap_employees,p_employees,"
		       "gap_leaders,p_leaders\r\n");
	for (size_t k = 0; k < r->n_attrs; k++) {
		const struct tp_gap_attr *at = &r->attrs[k];
		tp_csv_field(b, at->name);
		for (int g = 0; g < TP_GAP_GROUPS; g++) {
			bool has = at->stated[g].n > 0;
			tp_buf_puts(b, ",");
			csv_num(b, has, at->stated[g].mean, 4);
			tp_buf_printf(b, ",%lld,", (long long)at->stated[g].n);
			csv_num(b, has, at->first[g].value, 4);
		}
		tp_buf_puts(b, ",");
		csv_num(b, at->has_derived, at->derived_share, 4);
		for (int g = TP_GAP_EMPLOYEES; g < TP_GAP_GROUPS; g++) {
			bool has = at->stated[g].n > 0 && at->stated[TP_GAP_CUSTOMERS].n > 0;
			tp_buf_puts(b, ",");
			csv_num(b, has, at->stated[g].mean - at->stated[TP_GAP_CUSTOMERS].mean, 4);
			tp_buf_puts(b, ",");
			csv_num(b, at->mwu[g].has_test, at->mwu[g].p_value, 6);
		}
		tp_buf_puts(b, "\r\n");
	}
}

static void gap_csv(struct tp_buf *b, const struct tp_gap_result *r)
{
	if (r->stated == TP_STATED_RANK) {
		gap_rank_csv(b, r);
		return;
	}
	tp_buf_puts(b, "attribute,customers,customers_n,employees,employees_n,leaders,leaders_n,"
		       "derived_pct,gap_employees,p_employees,gap_leaders,p_leaders\r\n");
	for (size_t k = 0; k < r->n_attrs; k++) {
		const struct tp_gap_attr *at = &r->attrs[k];
		tp_csv_field(b, at->name);
		for (int g = 0; g < TP_GAP_GROUPS; g++) {
			tp_buf_puts(b, ",");
			csv_num(b, at->stated[g].n > 0, at->stated[g].mean, 4);
			tp_buf_printf(b, ",%lld", (long long)at->stated[g].n);
		}
		tp_buf_puts(b, ",");
		csv_num(b, at->has_derived, at->derived_share, 4);
		for (int g = TP_GAP_EMPLOYEES; g < TP_GAP_GROUPS; g++) {
			const struct tp_welch *w = &at->vs_customers[g];
			bool has = at->stated[g].n > 0;
			tp_buf_puts(b, ",");
			csv_num(b, has, w->diff, 4);
			tp_buf_puts(b, ",");
			csv_num(b, w->has_test, w->p_value, 6);
		}
		tp_buf_puts(b, "\r\n");
	}
}

static void gap_html(struct tp_buf *b, const struct page_args *a, const struct tp_gap_result *r)
{
	enum tp_lang L = a->lang;
	char num[48];
	const enum tp_msg group_msg[TP_GAP_GROUPS] = {TP_MSG_CUSTOMERS, TP_MSG_EMPLOYEES,
						      TP_MSG_LEADERS};
	bool ranks = r->stated == TP_STATED_RANK;
	tp_buf_printf(b, "<h2>%s</h2>\n<table class=\"summary\">\n<tr><th>%s</th>",
		      tp_msg(L, ranks ? TP_MSG_STATED_RANKS : TP_MSG_STATED),
		      tp_msg(L, TP_MSG_ATTRIBUTES));
	for (int g = 0; g < TP_GAP_GROUPS; g++) {
		if (ranks)
			tp_buf_printf(b, "<th>%s: %s</th><th>%s</th><th>%s</th>",
				      tp_msg(L, group_msg[g]), tp_msg(L, TP_MSG_MEAN_RANK),
				      tp_msg(L, TP_MSG_FIRST_PCT), tp_msg(L, TP_MSG_N));
		else
			tp_buf_printf(b, "<th>%s</th><th>%s</th>", tp_msg(L, group_msg[g]),
				      tp_msg(L, TP_MSG_N));
	}
	tp_buf_printf(b, "<th>%s</th></tr>\n", tp_msg(L, TP_MSG_DERIVED));
	size_t n = r->n_attrs;
	const char **labels = malloc((n ? n : 1) * sizeof *labels);
	double *values = malloc((n ? n : 1) * TP_GAP_GROUPS * sizeof *values);
	bool *has = malloc((n ? n : 1) * TP_GAP_GROUPS * sizeof *has);
	double top = ranks ? (double)n : 5;
	for (size_t k = 0; k < n; k++) {
		const struct tp_gap_attr *at = &r->attrs[k];
		tp_buf_puts(b, "<tr><th>");
		tp_html_escape(b, at->name);
		tp_buf_puts(b, "</th>");
		for (int g = 0; g < TP_GAP_GROUPS; g++) {
			bool h = at->stated[g].n > 0;
			if (h)
				num_cell(b, at->stated[g].mean, 2, L);
			else
				tp_buf_puts(b, "<td>-</td>");
			if (ranks && h)
				num_cell(b, at->first[g].value, 1, L);
			else if (ranks)
				tp_buf_puts(b, "<td>-</td>");
			tp_buf_printf(b, "<td class=\"num\">%lld</td>", (long long)at->stated[g].n);
			if (labels && values && has) {
				values[k * TP_GAP_GROUPS + g] = at->stated[g].mean;
				has[k * TP_GAP_GROUPS + g] = h;
				top = h && at->stated[g].mean > top ? at->stated[g].mean : top;
			}
		}
		if (at->has_derived)
			num_cell(b, at->derived_share, 1, L);
		else
			tp_buf_puts(b, "<td>-</td>");
		tp_buf_puts(b, "</tr>\n");
		if (labels)
			labels[k] = at->name;
	}
	tp_buf_puts(b, "</table>\n");
	if (labels && values && has) {
		const char *series[TP_GAP_GROUPS] = {tp_msg(L, TP_MSG_CUSTOMERS),
						     tp_msg(L, TP_MSG_EMPLOYEES),
						     tp_msg(L, TP_MSG_LEADERS)};
		tp_svg_grouped_bars(b, labels, n, values, has, TP_GAP_GROUPS, series, 0, top, L);
		if (ranks)
			tp_buf_printf(b, "<p class=\"note\">%s</p>\n",
				      tp_msg(L, TP_MSG_RANK_CHART_NOTE));
	}
	free(labels);
	free(values);
	free(has);
	if (r->derived_message[0]) {
		tp_buf_puts(b, "<p class=\"note\">");
		tp_html_escape(b, r->derived_message);
		tp_buf_puts(b, "</p>\n");
	}
	tp_buf_printf(b,
		      "<h2>%s</h2>\n<table class=\"summary\">\n<tr><th>%s</th><th></th><th>%s</th>"
		      "<th>%s</th><th>%s</th><th></th></tr>\n",
		      tp_msg(L, TP_MSG_GAPS), tp_msg(L, TP_MSG_ATTRIBUTES), tp_msg(L, TP_MSG_GAP),
		      ranks ? "U" : tp_msg(L, TP_MSG_CI),
		      tp_msg(L, ranks ? TP_MSG_P_MWU : TP_MSG_P_VALUE));
	for (size_t i = 0; i < r->n_gaps; i++) {
		const struct tp_gap_item *g = &r->gaps[i];
		tp_buf_puts(b, "<tr><th>");
		tp_html_escape(b, r->attrs[g->attr].name);
		tp_buf_printf(b, "</th><td>%s</td>", tp_msg(L, group_msg[g->group]));
		num_cell(b, g->test.diff, 2, L);
		if (ranks && g->mwu.has_test) {
			num_cell(b, g->mwu.u_b, 1, L);
			num_cell(b, g->mwu.p_value, 4, L);
			tp_buf_printf(b, "<td>%s</td></tr>\n",
				      g->mwu.p_value < 0.05 ? tp_msg(L, TP_MSG_SIGNIFICANT) : "");
		} else if (!ranks && g->test.has_test) {
			tp_buf_printf(b, "<td class=\"num\">%s – ",
				      tp_fmt_number(num, sizeof num, g->test.lo, 2, L));
			tp_buf_printf(b, "%s</td>",
				      tp_fmt_number(num, sizeof num, g->test.hi, 2, L));
			num_cell(b, g->test.p_value, 4, L);
			tp_buf_printf(b, "<td>%s</td></tr>\n",
				      g->test.p_value < 0.05 ? tp_msg(L, TP_MSG_SIGNIFICANT) : "");
		} else {
			tp_buf_printf(b, "<td colspan=\"3\">%s</td></tr>\n", tp_msg(L, TP_MSG_NO_TEST));
		}
	}
	tp_buf_puts(b, "</table>\n");
}

void web_page_gap(const struct web_request *req, struct web_reply *rep)
{
	struct page_args a;
	struct tp_gap_result *r = NULL;
	struct tp_error err;
	char buf[LIST_MAX], msg[300];
	const char *names[ITEMS_MAX];
	if (!page_args_parse(req, &a, rep))
		goto out;
	const char *attrs = web_param_set(req, "attributes"), *outcome = web_param_set(req, "outcome");
	const char *stated = web_param_set(req, "stated");
	const char *pairs[] = {"attributes", attrs, "outcome", outcome, "stated", stated};
	struct tp_gap_spec spec = {.derived = true, .outcome = TP_METRIC_NPS, .level = 0.95,
				   .filter = &a.q, .attrs = names};
	if (stated && strcmp(stated, "rating") == 0) {
		spec.stated = TP_STATED_RATING;
	} else if (stated && strcmp(stated, "rank") == 0) {
		spec.stated = TP_STATED_RANK;
	} else if (stated && strcmp(stated, "auto") != 0) {
		page_error(rep, a.lang, 400, "stated is rating, rank or auto");
		goto out;
	}
	if (attrs && !split_attrs(attrs, buf, names, &spec.n_attrs, msg, sizeof msg)) {
		page_error(rep, a.lang, 400, msg);
		goto out;
	}
	if (outcome && strncmp(outcome, "attr:", 5) == 0 && outcome[5])
		spec.outcome_attr = outcome + 5;
	else if (outcome && (strcmp(outcome, "csat") == 0 || strcmp(outcome, "ces") == 0))
		tp_metric_parse(outcome, &spec.outcome);
	else if (outcome && strcmp(outcome, "nps") != 0) {
		page_error(rep, a.lang, 400, "unknown outcome (nps, csat, ces, attr:NAME)");
		goto out;
	}
	if (attrs) {
		const struct tp_dataset *ds = page_lock(req, a.lang, rep);
		if (!ds)
			goto out;
		enum tp_status st = tp_gap_run(ds, &spec, &r, &err);
		page_unlock(req);
		if (st != TP_OK) {
			report_error(rep, a.lang, &err);
			goto out;
		}
	}
	struct tp_buf b;
	tp_buf_init(&b);
	if (a.csv && r) {
		gap_csv(&b, r);
	} else {
		enum tp_lang L = a.lang;
		char *self = self_url("/gap", &a, pairs, 3);
		tp_html_begin(&b, L, tp_msg(L, TP_MSG_GAP_PAGE), self ? self : "/gap?");
		free(self);
		analysis_nav(&b, L);
		page_form_open(&b, &a, "/gap");
		page_text_input(&b, tp_msg(L, TP_MSG_ATTRIBUTES), "attributes", attrs,
				tp_msg(L, TP_MSG_ATTRIBUTES_HINT));
		page_text_input(&b, tp_msg(L, TP_MSG_OUTCOME), "outcome", outcome ? outcome : "nps",
				"nps, csat, ces, attr:NAME");
		static const char *const kinds[] = {"auto", "rating", "rank"};
		tp_buf_printf(&b, "<label>%s <select name=\"stated\">",
			      tp_msg(L, TP_MSG_STATED_KIND));
		for (size_t i = 0; i < 3; i++)
			page_option(&b, kinds[i], kinds[i],
				    strcmp(stated ? stated : "auto", kinds[i]) == 0);
		tp_buf_puts(&b, "</select></label>\n");
		page_period_inputs(&b, &a);
		page_form_submit(&b, a.lang);
		if (r) {
			gap_html(&b, &a, r);
			csv_link(&b, &a, "/gap", pairs, 3);
		} else {
			tp_buf_printf(&b, "<p>%s</p>\n", tp_msg(L, TP_MSG_CHOOSE_ATTRIBUTES));
			rated_suggestion(&b, req, &a, "/gap", "attributes");
		}
		tp_html_end(&b);
	}
	page_send(rep, &b, a.csv && r);
out:
	tp_gap_free(r);
	page_args_free(&a);
}

/* --- /linkage --- */

static void linkage_csv(struct tp_buf *b, const struct tp_linkage_result *r)
{
	tp_buf_puts(b, "team,employees,enps,enps_n,engagement,customer,customer_n\r\n");
	for (size_t k = 0; k < r->n_teams; k++) {
		const struct tp_linkage_team *t = &r->teams[k];
		if (t->hidden)
			continue;
		tp_csv_field(b, t->team);
		tp_buf_printf(b, ",%lld,", (long long)t->employees);
		csv_num(b, t->enps.has_value, t->enps.value, 4);
		tp_buf_printf(b, ",%lld,", (long long)t->enps.n);
		csv_num(b, t->has_engagement, t->engagement.value, 4);
		tp_buf_puts(b, ",");
		csv_num(b, t->customer.has_value, t->customer.value, 4);
		tp_buf_printf(b, ",%lld\r\n", (long long)t->customer.n);
	}
}

static void corr_line(struct tp_buf *b, const char *what, const struct tp_correlation *c,
		      enum tp_lang L)
{
	char r[32], lo[32], hi[32], p[32], rho[32];
	if (!c->has_value)
		return;
	tp_buf_printf(b, "<p>%s: r = %s", what, tp_fmt_number(r, sizeof r, c->r, 2, L));
	if (c->has_ci)
		tp_buf_printf(b, " [%s; %s]", tp_fmt_number(lo, sizeof lo, c->lo, 2, L),
			      tp_fmt_number(hi, sizeof hi, c->hi, 2, L));
	tp_buf_printf(b, ", p = %s; Spearman ρ = %s (n = %zu)</p>\n",
		      tp_fmt_number(p, sizeof p, c->p_value, 4, L),
		      tp_fmt_number(rho, sizeof rho, c->rho, 2, L), c->n);
}

static void linkage_html(struct tp_buf *b, const struct page_args *a,
			 const struct tp_linkage_result *r, enum tp_metric metric)
{
	enum tp_lang L = a->lang;
	int dec = metric == TP_METRIC_CES ? 2 : 1;
	tp_buf_printf(b,
		      "<table class=\"summary\">\n<tr><th>%s</th><th>%s</th><th>eNPS</th>"
		      "<th>%s</th><th>%s (%s)</th><th>%s</th></tr>\n",
		      tp_msg(L, TP_MSG_TEAM), tp_msg(L, TP_MSG_EMPLOYEES_N),
		      tp_msg(L, TP_MSG_ENGAGEMENT), tp_msg(L, TP_MSG_CUSTOMER_SCORE),
		      tp_metric_name(metric), tp_msg(L, TP_MSG_N));
	struct tp_svg_xy *pts = malloc((r->n_teams ? r->n_teams : 1) * sizeof *pts);
	size_t np = 0;
	for (size_t k = 0; k < r->n_teams; k++) {
		const struct tp_linkage_team *t = &r->teams[k];
		if (t->hidden)
			continue;
		tp_buf_puts(b, "<tr><th>");
		tp_html_escape(b, t->team);
		tp_buf_printf(b, "</th><td class=\"num\">%lld</td>", (long long)t->employees);
		if (t->enps.has_value)
			num_cell(b, t->enps.value, 1, L);
		else
			tp_buf_puts(b, "<td>-</td>");
		if (t->has_engagement)
			num_cell(b, t->engagement.value, 2, L);
		else
			tp_buf_puts(b, "<td>-</td>");
		if (t->customer.has_value)
			num_cell(b, t->customer.value, dec, L);
		else
			tp_buf_puts(b, "<td>-</td>");
		tp_buf_printf(b, "<td class=\"num\">%lld</td></tr>\n", (long long)t->customer.n);
		if (pts && t->enps.has_value && t->customer.has_value)
			pts[np++] = (struct tp_svg_xy){t->team, t->enps.value, t->customer.value};
	}
	tp_buf_puts(b, "</table>\n");
	if (r->hidden)
		tp_buf_printf(b, "<p class=\"note\">%s: %zu</p>\n", tp_msg(L, TP_MSG_HIDDEN),
			      r->hidden);
	if (pts)
		tp_svg_scatter(b, pts, np, "eNPS", tp_msg(L, TP_MSG_CUSTOMER_SCORE), NULL, L);
	free(pts);
	tp_buf_printf(b, "<h2>%s</h2>\n", tp_msg(L, TP_MSG_CORRELATION));
	if (r->paired < TP_LINKAGE_MIN_TEAMS) {
		tp_buf_printf(b, "<p class=\"note\">%s</p>\n", tp_msg(L, TP_MSG_TOO_FEW_TEAMS));
		return;
	}
	if (r->message[0]) {
		tp_buf_puts(b, "<p class=\"note\">");
		tp_html_escape(b, r->message);
		tp_buf_puts(b, "</p>\n");
	}
	corr_line(b, "eNPS", &r->enps_vs_customer, L);
	if (r->has_engagement)
		corr_line(b, tp_msg(L, TP_MSG_ENGAGEMENT), &r->engagement_vs_customer, L);
	tp_buf_printf(b, "<p class=\"note\">%s</p>\n", tp_msg(L, TP_MSG_NOT_CAUSE));
}

void web_page_linkage(const struct web_request *req, struct web_reply *rep)
{
	struct page_args a;
	struct tp_linkage_result *r = NULL;
	struct tp_error err;
	if (!page_args_parse(req, &a, rep))
		goto out;
	const char *team = web_param_set(req, "team_attr"), *by = web_param_set(req, "by");
	const char *pairs[] = {"team_attr", team, "by", by};
	struct tp_linkage_spec spec = {.team_attr = team, .metric = a.q.metric, .anonymity = 5,
				       .level = 0.95, .filter = &a.q};
	if (by && strncmp(by, "attr:", 5) == 0 && by[5]) {
		spec.by_attr = by + 5;
	} else if (by && strcmp(by, "owner") != 0) {
		page_error(rep, a.lang, 400, "by is owner or attr:NAME");
		goto out;
	}
	if (a.q.metric != TP_METRIC_NPS && a.q.metric != TP_METRIC_CSAT &&
	    a.q.metric != TP_METRIC_CES) {
		page_error(rep, a.lang, 400, "the customer indicator is nps, csat or ces");
		goto out;
	}
	const struct tp_dataset *ds = page_lock(req, a.lang, rep);
	if (!ds)
		goto out;
	enum tp_status st = tp_linkage_run(ds, &spec, &r, &err);
	page_unlock(req);
	if (st != TP_OK) {
		report_error(rep, a.lang, &err);
		goto out;
	}
	struct tp_buf b;
	tp_buf_init(&b);
	if (a.csv) {
		linkage_csv(&b, r);
	} else {
		enum tp_lang L = a.lang;
		static const char *const metrics[] = {"nps", "csat", "ces"};
		char *self = self_url("/linkage", &a, pairs, 2);
		tp_html_begin(&b, L, tp_msg(L, TP_MSG_LINKAGE_PAGE), self ? self : "/linkage?");
		free(self);
		analysis_nav(&b, L);
		page_form_open(&b, &a, "/linkage");
		tp_buf_printf(&b, "<label>%s <select name=\"metric\">",
			      tp_msg(L, TP_MSG_CUSTOMER_SCORE));
		for (size_t i = 0; i < 3; i++)
			page_option(&b, metrics[i], metrics[i], strcmp(a.metric, metrics[i]) == 0);
		tp_buf_puts(&b, "</select></label>\n");
		page_text_input(&b, tp_msg(L, TP_MSG_TEAM), "team_attr", team, "team");
		page_text_input(&b, "by", "by", by, "owner, attr:NAME");
		page_period_inputs(&b, &a);
		page_form_submit(&b, a.lang);
		linkage_html(&b, &a, r, spec.metric);
		csv_link(&b, &a, "/linkage", pairs, 2);
		tp_html_end(&b);
	}
	page_send(rep, &b, a.csv);
out:
	tp_linkage_free(r);
	page_args_free(&a);
}

/* --- on the map: flags and staff estimates --- */

void page_flag_mark(struct tp_buf *b, enum tp_lang lang, int flag)
{
	(void)lang;
	if (flag == TP_FLAG_NONE)
		return;
	tp_buf_printf(b, " <span class=\"flag-mark\" title=\"%s\">◆</span>",
		      tp_flag_name((enum tp_flag)flag));
}

void page_map_analysis(struct tp_buf *b, const struct page_args *a,
		       const struct tp_journey *j, const struct tp_flags *flags,
		       const struct tp_estimates *est)
{
	enum tp_lang L = a->lang;
	char num[48];
	size_t flagged = 0;
	for (size_t k = 0; flags && k < flags->n_rows; k++)
		flagged += flags->rows[k].flag != TP_FLAG_NONE;
	if (flagged) {
		tp_buf_printf(b, "<p class=\"note\"><span class=\"flag-mark\">%s</span></p>\n<ul>",
			      tp_msg(L, TP_MSG_FLAG_LEGEND));
		for (size_t k = 0; k < flags->n_rows; k++) {
			const struct tp_flag_row *row = &flags->rows[k];
			if (row->flag == TP_FLAG_NONE)
				continue;
			tp_buf_puts(b, "<li>");
			tp_html_escape(b, j->touchpoints[row->touchpoint].name);
			tp_buf_printf(b, ": %s (CSAT %s %%, ", tp_flag_name(row->flag),
				      tp_fmt_number(num, sizeof num, row->csat.value, 1, L));
			tp_buf_printf(b, "emotion %s",
				      tp_fmt_number(num, sizeof num, row->emotion.value, 2, L));
			if (row->sentiment.n > 0)
				tp_buf_printf(b, ", %s %s",
					      tp_msg(L, TP_MSG_SENTIMENT),
					      tp_fmt_number(num, sizeof num, row->sentiment.value, 2, L));
			tp_buf_puts(b, ")");
			if (row->negative_text && row->flag != TP_FLAG_NEGATIVE_TEXT)
				tp_buf_printf(b, "; %s", tp_flag_name(TP_FLAG_NEGATIVE_TEXT));
			tp_buf_puts(b, "</li>");
		}
		tp_buf_puts(b, "</ul>\n");
	}
	if (!est || est->n_rows == 0)
		return;
	int d = page_decimals(est->metric);
	tp_buf_printf(b,
		      "<h2>%s</h2>\n<table class=\"summary\">\n<tr><th>%s</th><th>%s</th>"
		      "<th>%s</th><th>%s</th><th>%s</th><th>p</th><th></th></tr>\n",
		      tp_msg(L, TP_MSG_ESTIMATE), tp_msg(L, TP_MSG_TOUCHPOINT),
		      tp_msg(L, TP_MSG_VALUE), tp_msg(L, TP_MSG_ESTIMATE), tp_msg(L, TP_MSG_N),
		      tp_msg(L, TP_MSG_GAP));
	for (size_t k = 0; k < est->n_rows; k++) {
		const struct tp_estimate_row *row = &est->rows[k];
		tp_buf_puts(b, "<tr><th>");
		tp_html_escape(b, j->touchpoints[row->touchpoint].name);
		tp_buf_puts(b, "</th>");
		if (row->measured.has_value)
			num_cell(b, row->measured.value, d, L);
		else
			tp_buf_puts(b, "<td>-</td>");
		num_cell(b, row->estimates.mean, d, L);
		tp_buf_printf(b, "<td class=\"num\">%lld</td>", (long long)row->estimates.n);
		if (row->has_test) {
			num_cell(b, row->diff, d, L);
			num_cell(b, row->p_value, 4, L);
			tp_buf_printf(b, "<td>%s</td></tr>\n",
				      row->p_value < 0.05 ? tp_msg(L, TP_MSG_SIGNIFICANT) : "");
		} else {
			tp_buf_puts(b, "<td colspan=\"3\">-</td></tr>\n");
		}
	}
	tp_buf_puts(b, "</table>\n");
}
