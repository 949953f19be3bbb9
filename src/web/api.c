/* web/api.c - the JSON API under /api/v1/: the routing table and one
 * handler per route.
 *
 * Handlers read a struct web_request and fill a struct web_reply; they
 * never see HTTP plumbing. All data comes through the library (the store
 * for the journey and for writes, the shared dataset for indicators) and
 * every body is built with jansson. Errors are {"error": "...", ...} with
 * a status that says whose fault it is: 4xx for the request, 5xx for us. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/ingest.h"
#include "touchpoint/time.h"
#include "web/web_internal.h"

typedef void (*handler_fn)(const struct web_request *req, struct web_reply *rep);

/* --- parameters --- */

const char *web_param(const struct web_request *req, const char *name)
{
	for (size_t i = 0; i < req->n_params; i++)
		if (strcmp(req->params[i].name, name) == 0)
			return req->params[i].value;
	return NULL;
}

const char *web_param_set(const struct web_request *req, const char *name)
{
	const char *v = NULL;
	for (size_t i = 0; i < req->n_params; i++)
		if (strcmp(req->params[i].name, name) == 0)
			v = req->params[i].value;
	return v && v[0] ? v : NULL;
}

/* --- replies --- */

void web_reply_json(struct web_reply *rep, unsigned status, json_t *body)
{
	rep->status = status;
	rep->text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
}

void web_reply_error(struct web_reply *rep, unsigned status, json_t *extra, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* "error" first, then the details. A message quoting input that is
	 * not UTF-8 cannot be a JSON string: it is replaced. */
	json_t *body = json_object();
	json_t *text = json_string(msg);
	json_object_set_new(body, "error", text ? text : json_string("invalid request"));
	if (extra)
		json_object_update(body, extra);
	json_decref(extra);
	web_reply_json(rep, status, body);
}

/* The status for a library error that is not the request's fault. */
static unsigned server_status(enum tp_status st)
{
	return st == TP_ENOMEM || st == TP_ESTORE ? 503 : 500;
}

/* --- GET /api/v1/journey --- */

static void get_journey(const struct web_request *req, struct web_reply *rep)
{
	struct tp_journey *j = NULL;
	struct tp_error err;
	enum tp_status st = tp_store_journey_load(req->store, &j, &err);
	if (st != TP_OK) {
		web_reply_error(rep, server_status(st), NULL, "%s", err.message);
		return;
	}
	rep->status = 200;
	rep->text = tp_journey_to_json(j);
	tp_journey_free(j);
}

/* --- GET /api/v1/touchpoints --- */

static json_t *touchpoint_json(const struct tp_touchpoint *t, int64_t responses)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:I}", "id", t->id, "phase", t->phase,
			      "channel", t->channel, "name", t->name, "owner",
			      t->owner ? json_string(t->owner) : json_null(), "responses",
			      (json_int_t)responses);
	return o;
}

static void get_touchpoints(const struct web_request *req, struct web_reply *rep)
{
	struct tp_journey *j = NULL;
	struct tp_error err;
	int64_t *counts = NULL;
	enum tp_status st = tp_store_journey_load(req->store, &j, &err);
	if (st == TP_OK) {
		counts = calloc(j->n_touchpoints + 1, sizeof *counts);
		st = counts ? tp_store_touchpoint_counts(req->store, j, counts, &err)
			    : tp_error_set(&err, TP_ENOMEM, "out of memory");
	}
	if (st != TP_OK) {
		web_reply_error(rep, server_status(st), NULL, "%s", err.message);
		goto out;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < j->n_touchpoints; i++)
		json_array_append_new(list, touchpoint_json(&j->touchpoints[i], counts[i]));
	web_reply_json(rep, 200, json_pack("{s:o}", "touchpoints", list));
out:
	free(counts);
	tp_journey_free(j);
}

/* --- POST /api/v1/responses --- */

static json_t *problems_json(const struct tp_ingest_result *res)
{
	json_t *items = json_array();
	for (size_t i = 0; i < res->n_kept; i++) {
		const struct tp_ingest_problem *p = &res->kept[i];
		json_t *reason = json_string(p->reason);
		json_array_append_new(
		    items, json_pack("{s:I, s:o, s:o}", "index", (json_int_t)p->index, "field",
				     p->field[0] ? json_string(p->field) : json_null(), "reason",
				     reason ? reason : json_string("invalid text")));
	}
	json_t *extra =
	    json_pack("{s:o, s:I}", "items", items, "problems", (json_int_t)res->problems);
	if (res->n_kept < res->problems)
		json_object_set_new(extra, "items_listed", json_integer((json_int_t)res->n_kept));
	return extra;
}

static bool is_json_type(const char *content_type)
{
	if (!content_type)
		return true;
	size_t n = strlen("application/json");
	return strncasecmp(content_type, "application/json", n) == 0 &&
	       (content_type[n] == '\0' || content_type[n] == ';' || content_type[n] == ' ');
}

/* suspend: a batch handed to the group commit writer (web_commit). */
struct batch_write {
	json_t *doc;
	struct tp_ingest_result res;
};

/* Run by the writer on its connection (which has no writer of its own:
 * the batch is checked and stored there, as a savepoint of the group's
 * transaction). It may run twice: the result is reset each time. */
static enum tp_status batch_write_run(struct tp_store *writer, void *ctx, struct tp_error *err)
{
	struct batch_write *w = ctx;
	tp_ingest_result_free(&w->res);
	return tp_ingest_json(writer, w->doc, &w->res, err);
}

/* Once committed (or not): 201 with the counts, 400 with the problems. */
static void batch_write_finish(const struct web_request *req, struct web_reply *rep, void *ctx,
			       enum tp_status st, const struct tp_error *err)
{
	(void)req;
	struct batch_write *w = ctx;
	if (st == TP_OK)
		web_reply_json(rep, 201,
			       json_pack("{s:I, s:I}", "stored", (json_int_t)w->res.stored,
					 "already_present", (json_int_t)w->res.present));
	else if (st == TP_EINPUT && w->res.invalid > 0)
		web_reply_error(rep, 400, problems_json(&w->res), "%s", err->message);
	else /* TP_EUSAGE: not queued, the server is shutting down */
		web_reply_error(rep, st == TP_EUSAGE ? 503 : server_status(st), NULL, "%s",
				err->message);
	tp_ingest_result_free(&w->res);
	json_decref(w->doc);
	free(w);
}

static void post_responses(const struct web_request *req, struct web_reply *rep)
{
	if (!is_json_type(req->content_type)) {
		web_reply_error(rep, 415, NULL,
				"the body must be JSON (Content-Type: "
				"application/json), not %.100s",
				req->content_type);
		return;
	}
	json_error_t jerr;
	json_t *doc =
	    json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!doc) {
		web_reply_error(
		    rep, 400, json_pack("{s:i, s:i}", "line", jerr.line, "column", jerr.column),
		    "invalid JSON at line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
		return;
	}
	if (!json_is_array(doc) && !json_is_object(doc)) {
		web_reply_error(rep, 400, NULL,
				"expected a JSON array of responses or one response "
				"object");
		goto out;
	}
	size_t n = json_is_array(doc) ? json_array_size(doc) : 1;
	if (n > req->opts->max_items) {
		web_reply_error(rep, 413, NULL,
				"too many responses in one request: %zu (the limit "
				"is %zu)",
				n, req->opts->max_items);
		goto out;
	}
	struct batch_write *w = calloc(1, sizeof *w);
	if (!w) {
		web_reply_error(rep, 503, NULL, "out of memory");
		goto out;
	}
	/* Checked and stored by the writer, committed before the answer:
	 * finish frees w and the document. */
	w->doc = doc;
	struct web_pending p = {batch_write_run, batch_write_finish, w};
	web_commit(req, rep, &p);
	return;
out:
	json_decref(doc);
}

/* --- GET /api/v1/indicators --- */

struct indicator_args {
	struct tp_query q;
	bool has_metric;
	char *where_buf[TP_QUERY_WHERE_MAX];
};

/* Applies one query parameter; false with rep filled when it is bad. */
static bool indicator_param(struct indicator_args *a, const struct web_param *p,
			    struct web_reply *rep)
{
	struct tp_query *q = &a->q;
	const char *why = NULL;
	if (strcmp(p->name, "metric") == 0) {
		if (a->has_metric || !tp_metric_parse(p->value, &q->metric)) {
			web_reply_error(rep, 400, NULL,
					"metric: give one of nps, enps, csat, ces, "
					"emotion, responses, comment_rate, sentiment");
			return false;
		}
		a->has_metric = true;
	} else if (strcmp(p->name, "by") == 0) {
		if (q->n_by >= TP_QUERY_BY_MAX || !tp_by_parse(p->value, &q->by[q->n_by])) {
			web_reply_error(rep, 400, NULL,
					"by \"%.100s\": up to %d of touchpoint, phase, "
					"channel, month, quarter, attr:NAME",
					p->value, TP_QUERY_BY_MAX);
			return false;
		}
		q->n_by++;
	} else if (strcmp(p->name, "where") == 0) {
		char *buf = q->n_where < TP_QUERY_WHERE_MAX ? malloc(strlen(p->value) + 1) : NULL;
		if (!buf || !strchr(p->value, '=') ||
		    !tp_where_parse(p->value, buf, &q->where[q->n_where])) {
			free(buf);
			web_reply_error(rep, 400, NULL,
					"where \"%.100s\": up to %d filters "
					"NAME=VALUE with a NAME",
					p->value, TP_QUERY_WHERE_MAX);
			return false;
		}
		a->where_buf[q->n_where++] = buf;
	} else if (strcmp(p->name, "from") == 0 || strcmp(p->name, "to") == 0) {
		bool to = p->name[0] == 't';
		if ((to ? q->has_to : q->has_from) ||
		    !tp_time_parse_bound(p->value, to, to ? &q->to : &q->from, &why)) {
			web_reply_error(rep, 400, NULL,
					"%s \"%.100s\": %s; expected one ISO 8601 date "
					"(2026-01-31) or date-time "
					"(2026-01-31T12:00:00Z)",
					p->name, p->value, why ? why : "given twice");
			return false;
		}
		*(to ? &q->has_to : &q->has_from) = true;
	} else {
		web_reply_error(rep, 400, NULL,
				"unknown parameter \"%.100s\" (metric, by, where, "
				"from, to)",
				p->name);
		return false;
	}
	return true;
}

/* Brings the shared dataset up to date and runs q on it, under its lock. */
static void run_indicators(const struct web_request *req, const struct tp_query *q,
			   struct web_reply *rep)
{
	struct tp_report *report = NULL;
	struct tp_error err;
	enum tp_status st = TP_OK;
	const struct tp_dataset *ds =
	    web_dataset_acquire(req, q->metric == TP_METRIC_SENTIMENT, &err);
	if (!ds)
		st = err.status;
	else
		st = tp_report_run(ds, q, &report, &err);
	char *text = st == TP_OK ? tp_report_to_json(report) : NULL;
	if (ds)
		web_dataset_release(req);
	if (st == TP_EINPUT)
		web_reply_error(rep, 400, NULL, "%s", err.message);
	else if (st != TP_OK)
		web_reply_error(rep, server_status(st), NULL, "%s", err.message);
	else if (!text)
		web_reply_error(rep, 500, NULL,
				"cannot build the report (out of memory, or a key "
				"that is not UTF-8)");
	else {
		rep->status = 200;
		rep->text = text;
	}
	if (report)
		tp_report_free(report);
}

static void get_indicators(const struct web_request *req, struct web_reply *rep)
{
	struct indicator_args a;
	memset(&a, 0, sizeof a);
	tp_query_init(&a.q);
	bool ok = true;
	for (size_t i = 0; i < req->n_params && ok; i++)
		ok = indicator_param(&a, &req->params[i], rep);
	if (ok && !a.has_metric) {
		web_reply_error(rep, 400, NULL,
				"metric is missing (nps, enps, csat, ces, emotion, "
				"responses, comment_rate, sentiment)");
		ok = false;
	}
	if (ok)
		run_indicators(req, &a.q, rep);
	for (size_t i = 0; i < TP_QUERY_WHERE_MAX; i++)
		free(a.where_buf[i]);
}

/* --- GET /api/v1/openapi.json --- */

static void get_openapi(const struct web_request *req, struct web_reply *rep)
{
	(void)req;
	size_t len;
	const char *doc = tp_web_openapi_json(&len);
	rep->status = 200;
	rep->text = strndup(doc, len);
}

/* --- routing --- */

/* A path with a {name} segment matches any one non-empty segment there
 * (the handler reads it from req->path). One line per route. */
static const struct route {
	struct tp_web_route r;
	handler_fn fn;
} routes[] = {
    {{"GET", "/api/v1/journey"}, get_journey},
    {{"GET", "/api/v1/touchpoints"}, get_touchpoints},
    {{"POST", "/api/v1/responses"}, post_responses},
    {{"GET", "/api/v1/indicators"}, get_indicators},
    {{"GET", "/api/v1/openapi.json"}, get_openapi},
    {{"GET", "/"}, web_page_map},
    {{"GET", "/t/{touchpoint_id}"}, web_page_touchpoint},
    {{"GET", "/p/{phase_id}"}, web_page_phase},
    {{"GET", "/c/{channel_id}"}, web_page_channel},
    {{"GET", "/respondents"}, web_page_respondents},
    {{"GET", "/static/touchpoint.css"}, web_page_css},
    {{"GET", "/s/{token}"}, web_page_survey},
    {{"POST", "/s/{token}"}, web_page_survey_post},
    {{"GET", "/s/{token}/qr.svg"}, web_page_survey_qr},
    {{"GET", "/drivers"}, web_page_drivers}, /* gap: analysis pages */
    {{"GET", "/gap"}, web_page_gap},
    {{"GET", "/linkage"}, web_page_linkage},
    {{"GET", "/s/{token}/qr.png"}, web_page_survey_qr_png}, /* webadmin */
    {{"GET", "/admin"}, web_page_admin},
    {{"GET", "/admin/t/{touchpoint_id}"}, web_page_admin_touchpoint},
    {{"POST", "/admin/journey"}, web_page_admin_journey_post},
    {{"GET", "/admin/surveys"}, web_page_admin_surveys},
    {{"POST", "/admin/surveys"}, web_page_admin_surveys_post},
    {{"GET", "/admin/surveys.csv"}, web_page_admin_surveys_csv},
    {{"GET", "/favicon.ico"}, web_page_favicon}, /* webperf: browsers ask for it */
    {{"GET", "/outcomes"}, web_page_outcomes}, /* outcomes: outcomes and benchmark */
    {{"GET", "/benchmark"}, web_page_benchmark},
    {{"GET", "/api/v1/outcomes"}, web_api_outcomes},
    {{"GET", "/api/v1/benchmark"}, web_api_benchmark},
};

#define N_ROUTES (sizeof routes / sizeof routes[0])

size_t tp_web_route_count(void)
{
	return N_ROUTES;
}

const struct tp_web_route *tp_web_route_at(size_t i)
{
	return i < N_ROUTES ? &routes[i].r : NULL;
}

/* True when path matches pattern: equal, or equal but for a "{name}"
 * segment that stands for one non-empty segment without '/', followed by
 * the rest of the pattern ("/qr.svg") or nothing. */
static bool path_match(const char *pattern, const char *path)
{
	const char *brace = strchr(pattern, '{');
	if (!brace)
		return strcmp(pattern, path) == 0;
	size_t prefix = (size_t)(brace - pattern);
	if (strncmp(pattern, path, prefix) != 0)
		return false;
	const char *suffix = strchr(brace, '}') + 1;
	const char *rest = path + prefix;
	size_t seg = strcspn(rest, "/");
	return seg > 0 && strcmp(rest + seg, suffix) == 0;
}

void web_route(const struct web_request *req, struct web_reply *rep)
{
	bool path_known = false;
	size_t last = 0;
	for (size_t i = 0; i < N_ROUTES; i++) {
		if (!path_match(routes[i].r.path, req->path))
			continue;
		if (strcmp(req->method, routes[i].r.method) == 0) {
			routes[i].fn(req, rep);
			return;
		}
		path_known = true;
		last = i;
	}
	if (!path_known) {
		web_reply_error(rep, 404, NULL, "no such route: %.200s %.300s", req->method,
				req->path);
		return;
	}
	/* Each path answers one method. */
	rep->allow = routes[last].r.method;
	web_reply_error(rep, 405, NULL, "%.200s is not allowed on %.300s (use %s)", req->method,
			req->path, routes[last].r.method);
}
