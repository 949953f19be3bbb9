/* web/pages_summary.c - the phase and channel pages (/p/ID, /c/ID: a table
 * of their touchpoints), the respondents page (/respondents: customers,
 * employees with eNPS under the anonymity rule, leaders) and the
 * stylesheet. Thin handlers over web/pages.c's helpers; CSV with
 * ?format=csv. */
#include <stdlib.h>
#include <string.h>

#include "web/pages.h"

extern const unsigned char tp_embedded_css[];
extern const size_t tp_embedded_css_len;

void web_page_css(const struct web_request *req, struct web_reply *rep)
{
	(void)req;
	rep->status = 200;
	rep->text = strndup((const char *)tp_embedded_css, tp_embedded_css_len);
	rep->content_type = "text/css; charset=utf-8";
}

/* --- phase and channel --- */

/* The id in a path "/p/ID" (URL-decoded by the server already). */
static const char *path_id(const char *path)
{
	return path + 3;
}

static void summary_csv(struct tp_buf *b, const struct tp_journey *j, const struct page_args *a,
			const struct tp_report *r, bool phase, const char *id)
{
	tp_buf_puts(b, "touchpoint,name,phase,channel,metric,n,value,ci_lo,ci_hi\r\n");
	for (size_t i = 0; i < j->n_touchpoints; i++) {
		const struct tp_touchpoint *t = &j->touchpoints[i];
		if (strcmp(phase ? t->phase : t->channel, id) != 0)
			continue;
		const char *fields[] = {t->id, t->name, t->phase, t->channel, a->metric};
		for (size_t k = 0; k < 5; k++) {
			tp_csv_field(b, fields[k]);
			tp_buf_puts(b, ",");
		}
		page_value_csv(b, page_group(r, t->id, NULL), a->q.metric);
		tp_buf_puts(b, "\r\n");
	}
}

static void summary_html(struct tp_buf *b, const struct tp_journey *j, const struct page_args *a,
			 const struct tp_report *r, bool phase, const char *id, const char *name,
			 const char *path)
{
	enum tp_lang L = a->lang;
	char *self = page_self_url(path, a, "");
	tp_html_begin(b, L, name, self ? self : "/?");
	free(self);
	page_filter_form(b, a, path);
	tp_buf_printf(b,
		      "<table class=\"summary\">\n<tr><th>%s</th><th>%s</th><th>%s (%s)</th>"
		      "<th>%s</th><th>%s</th></tr>\n",
		      tp_msg(L, TP_MSG_TOUCHPOINT),
		      tp_msg(L, phase ? TP_MSG_CHANNEL : TP_MSG_PHASE), tp_msg(L, TP_MSG_VALUE),
		      a->metric, tp_msg(L, TP_MSG_N), tp_msg(L, TP_MSG_CI));
	for (size_t i = 0; i < j->n_touchpoints; i++) {
		const struct tp_touchpoint *t = &j->touchpoints[i];
		if (strcmp(phase ? t->phase : t->channel, id) != 0)
			continue;
		const char *other_id = phase ? t->channel : t->phase;
		const char *other = other_id;
		if (phase && tp_journey_channel(j, other_id))
			other = tp_journey_channel(j, other_id)->name;
		if (!phase && tp_journey_phase(j, other_id))
			other = tp_journey_phase(j, other_id)->name;
		tp_buf_puts(b, "<tr><td><a href=\"/t/");
		tp_url_escape(b, t->id);
		tp_buf_printf(b, "?lang=%s\">", tp_lang_code(L));
		tp_html_escape(b, t->name);
		tp_buf_puts(b, "</a></td><td>");
		tp_html_escape(b, other);
		tp_buf_puts(b, "</td>");
		page_value_cells(b, page_group(r, t->id, NULL), a->q.metric, L);
		tp_buf_puts(b, "</tr>\n");
	}
	tp_buf_puts(b, "</table>\n");
	page_csv_link(b, a, path, NULL);
	tp_html_end(b);
}

static void summary_page(const struct web_request *req, struct web_reply *rep, bool phase)
{
	struct page_args a;
	struct tp_report *r = NULL;
	if (!page_args_parse(req, &a, rep))
		goto out;
	const struct tp_dataset *ds = page_lock(req, a.lang, rep);
	if (!ds)
		goto out;
	const struct tp_journey *j = tp_dataset_journey(ds);
	const char *id = path_id(req->path);
	const char *name = NULL;
	if (phase && tp_journey_phase(j, id))
		name = tp_journey_phase(j, id)->name;
	if (!phase && tp_journey_channel(j, id))
		name = tp_journey_channel(j, id)->name;
	if (!name) {
		char msg[300];
		snprintf(msg, sizeof msg, "%s \"%.200s\"",
			 phase ? "no such phase" : "no such channel", id);
		page_error(rep, a.lang, 404, msg);
		goto unlock;
	}
	const struct tp_by by = {TP_BY_TOUCHPOINT, NULL};
	r = page_report(ds, &a, a.q.metric, &by, 1, phase ? "phase" : "channel", id, rep);
	if (r) {
		struct tp_buf b;
		tp_buf_init(&b);
		if (a.csv)
			summary_csv(&b, j, &a, r, phase, id);
		else
			summary_html(&b, j, &a, r, phase, id, name, req->path);
		page_send(rep, &b, a.csv);
	}
unlock:
	page_unlock(req);
out:
	if (r)
		tp_report_free(r);
	page_args_free(&a);
}

void web_page_phase(const struct web_request *req, struct web_reply *rep)
{
	summary_page(req, rep, true);
}

void web_page_channel(const struct web_request *req, struct web_reply *rep)
{
	summary_page(req, rep, false);
}

/* --- respondents --- */

struct who {
	enum tp_msg label;
	const char *key; /* for the CSV */
	const char *metric;
	int64_t responses;
	const struct tp_group *g; /* NULL: no indicator */
	bool hidden;
};

static void respondents_csv(struct tp_buf *b, const struct who *w, size_t n)
{
	tp_buf_puts(b, "respondents,responses,metric,n,value,ci_lo,ci_hi\r\n");
	for (size_t i = 0; i < n; i++) {
		tp_buf_printf(b, "%s,%lld,%s,", w[i].key, (long long)w[i].responses,
			      w[i].metric ? w[i].metric : "");
		page_value_csv(b, w[i].g,
			       w[i].metric && strcmp(w[i].metric, "enps") == 0 ? TP_METRIC_ENPS
									       : TP_METRIC_NPS);
		tp_buf_puts(b, "\r\n");
	}
}

static void respondents_html(struct tp_buf *b, const struct page_args *a, const struct who *w,
			     size_t n)
{
	enum tp_lang L = a->lang;
	char *self = page_self_url("/respondents", a, "");
	tp_html_begin(b, L, tp_msg(L, TP_MSG_RESPONDENTS), self ? self : "/?");
	free(self);
	page_filter_form(b, a, "/respondents");
	tp_buf_printf(b,
		      "<table class=\"summary\">\n<tr><th></th><th>%s</th><th>%s</th><th>%s</th>"
		      "<th>%s</th><th>%s</th></tr>\n",
		      tp_msg(L, TP_MSG_RESPONSES), tp_msg(L, TP_MSG_INDICATOR),
		      tp_msg(L, TP_MSG_VALUE), tp_msg(L, TP_MSG_N), tp_msg(L, TP_MSG_CI));
	for (size_t i = 0; i < n; i++) {
		tp_buf_printf(b, "<tr><th>%s</th><td class=\"num\">%lld</td>",
			      tp_msg(L, w[i].label), (long long)w[i].responses);
		if (w[i].hidden)
			tp_buf_printf(b, "<td>eNPS</td><td colspan=\"3\">%s</td>",
				      tp_msg(L, TP_MSG_HIDDEN));
		else if (!w[i].metric)
			tp_buf_printf(b, "<td colspan=\"4\">%s</td>",
				      tp_msg(L, TP_MSG_LEADERS_NOTE));
		else {
			tp_buf_printf(b, "<td>%s</td>",
				      strcmp(w[i].metric, "enps") == 0 ? "eNPS" : "NPS");
			page_value_cells(b, w[i].g, TP_METRIC_NPS, L);
		}
		tp_buf_puts(b, "</tr>\n");
	}
	tp_buf_puts(b, "</table>\n");
	page_csv_link(b, a, "/respondents", NULL);
	tp_html_end(b);
}

void web_page_respondents(const struct web_request *req, struct web_reply *rep)
{
	struct page_args a;
	struct tp_report *nps = NULL, *enps = NULL;
	struct tp_store_counts counts;
	struct tp_error err;
	if (!page_args_parse(req, &a, rep))
		goto out;
	if (tp_store_counts(req->store, &counts, &err) != TP_OK) {
		page_error(rep, a.lang, 503, err.message);
		goto out;
	}
	const struct tp_dataset *ds = page_lock(req, a.lang, rep);
	if (!ds)
		goto out;
	nps = page_report(ds, &a, TP_METRIC_NPS, NULL, 0, NULL, NULL, rep);
	enps = nps ? page_report(ds, &a, TP_METRIC_ENPS, NULL, 0, NULL, NULL, rep) : NULL;
	if (enps) {
		struct who w[3] = {
		    {TP_MSG_CUSTOMERS, "customers", "nps", counts.by_type[TP_RESPONDENT_CUSTOMER],
		     nps->n_groups ? &nps->groups[0] : NULL, false},
		    {TP_MSG_EMPLOYEES, "employees", "enps", counts.by_type[TP_RESPONDENT_EMPLOYEE],
		     enps->n_groups ? &enps->groups[0] : NULL, enps->hidden > 0},
		    {TP_MSG_LEADERS, "leaders", NULL, counts.by_type[TP_RESPONDENT_LEADER], NULL,
		     false},
		};
		struct tp_buf b;
		tp_buf_init(&b);
		if (a.csv)
			respondents_csv(&b, w, 3);
		else
			respondents_html(&b, &a, w, 3);
		page_send(rep, &b, a.csv);
	}
	page_unlock(req);
out:
	if (nps)
		tp_report_free(nps);
	if (enps)
		tp_report_free(enps);
	page_args_free(&a);
}
