/* view/report_json.c - a report as JSON: the DESIGN.md contract shared by
 * `touchpoint report --json` and GET /api/v1/indicators.
 *
 *   {"metric": "nps", "level": 0.95, "groups": [{"key": {"touchpoint": ...,
 *    "month": "2026-01"}, "n": 120, "value": 31.7, "ci95": [22.1, 41.3],
 *    "promoters": ..., "passives": ..., "detractors": ..., "small": false,
 *    "change": {"vs": "2025-12", "diff": ..., "ci95": [...], "p_value": ...,
 *    "significant": true}}], "hidden_groups": 0}
 *
 * Values and intervals a group does not have are left out, never written
 * as NaN. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "touchpoint/query.h"

#define BY_NAME_MAX 160

const char *tp_metric_successes_name(enum tp_metric m)
{
	if (m == TP_METRIC_CSAT)
		return "satisfied";
	if (m == TP_METRIC_COMMENT_RATE)
		return "comments";
	return NULL;
}

const char *tp_interval_name(double level, char *buf, size_t size)
{
	snprintf(buf, size, "ci%.10g", level * 100.0);
	return buf;
}

static bool is_nps(enum tp_metric m)
{
	return m == TP_METRIC_NPS || m == TP_METRIC_ENPS;
}

static bool is_mean(enum tp_metric m)
{
	return m == TP_METRIC_CES || m == TP_METRIC_EMOTION || m == TP_METRIC_SENTIMENT;
}

static bool has_sd(const struct tp_group *g)
{
	return g->n >= 2 && isfinite(g->sd);
}


struct json_out {
	bool failed; /* an allocation failed, or a string was not UTF-8 */
};

static void put(struct json_out *jo, json_t *obj, const char *name, json_t *value)
{
	if (!value || json_object_set_new(obj, name, value) != 0)
		jo->failed = true;
}

/* Finite reals only: json_real refuses NaN and infinities. */
static void put_real(struct json_out *jo, json_t *obj, const char *name, double v)
{
	if (isfinite(v))
		put(jo, obj, name, json_real(v));
}

/* An interval [lo, hi]; left out, like a value, when not finite. */
static void put_pair(struct json_out *jo, json_t *obj, const char *name, double lo, double hi)
{
	if (isfinite(lo) && isfinite(hi))
		put(jo, obj, name, json_pack("[ff]", lo, hi));
}

static json_t *change_json(struct json_out *jo, const struct tp_group *g, const char *ci)
{
	json_t *c = json_object();
	if (!c)
		return NULL;
	put(jo, c, "vs", json_string(g->change_vs ? g->change_vs : ""));
	if (g->change.has_value) {
		put_real(jo, c, "diff", g->change.diff);
		put_pair(jo, c, ci, g->change.lo, g->change.hi);
		put_real(jo, c, "p_value", g->change.p_value);
	}
	put(jo, c, "significant", json_boolean(g->change.has_value && g->significant));
	return c;
}

static json_t *group_json(struct json_out *jo, const struct tp_report *r, const struct tp_group *g,
			  const char *ci)
{
	json_t *o = json_object();
	json_t *key = json_object();
	if (!o || !key) {
		json_decref(o);
		json_decref(key);
		return NULL;
	}
	char name[BY_NAME_MAX];
	for (size_t i = 0; i < r->n_by; i++)
		put(jo, key, tp_by_name(&r->by[i], name, sizeof name),
		    g->key[i] ? json_string(g->key[i]) : json_null());
	put(jo, o, "key", key);
	put(jo, o, "n", json_integer(g->n));
	if (g->estimate.has_value) {
		if (r->metric == TP_METRIC_RESPONSES)
			put(jo, o, "value", json_integer((json_int_t)llround(g->estimate.value)));
		else
			put_real(jo, o, "value", g->estimate.value);
	}
	if (g->estimate.has_ci)
		put_pair(jo, o, ci, g->estimate.lo, g->estimate.hi);
	if (is_nps(r->metric)) {
		put(jo, o, "promoters", json_integer(g->nps.promoters));
		put(jo, o, "passives", json_integer(g->nps.passives));
		put(jo, o, "detractors", json_integer(g->nps.detractors));
	} else if (tp_metric_successes_name(r->metric)) {
		put(jo, o, tp_metric_successes_name(r->metric), json_integer(g->successes));
	} else if (is_mean(r->metric) && has_sd(g)) {
		put_real(jo, o, "sd", g->sd);
	}
	if (r->metric == TP_METRIC_SENTIMENT) {
		put(jo, o, "positive", json_integer(g->positive));
		put(jo, o, "neutral", json_integer(g->neutral));
		put(jo, o, "negative", json_integer(g->negative));
	}
	put(jo, o, "small", json_boolean(g->small));
	if (g->has_change)
		put(jo, o, "change", change_json(jo, g, ci));
	return o;
}

char *tp_report_to_json(const struct tp_report *r)
{
	struct json_out jo = {false};
	char ci[32];
	tp_interval_name(r->level, ci, sizeof ci);
	json_t *root = json_object();
	json_t *groups = json_array();
	if (!root || !groups) {
		json_decref(root);
		json_decref(groups);
		return NULL;
	}
	put(&jo, root, "metric", json_string(tp_metric_name(r->metric)));
	put_real(&jo, root, "level", r->level);
	put(&jo, root, "groups", groups);
	for (size_t i = 0; i < r->n_groups; i++) {
		json_t *g = group_json(&jo, r, &r->groups[i], ci);
		if (!g || json_array_append_new(groups, g) != 0)
			jo.failed = true;
	}
	put(&jo, root, "hidden_groups", json_integer(r->hidden));
	char *text = jo.failed ? NULL
			       : json_dumps(root, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	json_decref(root);
	return text;
}
