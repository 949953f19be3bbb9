/* model/journey.c - parsing, checking and serialising a customer journey.
 *
 * The JSON format is the DESIGN.md contract:
 *   {"name":..., "phases":[{"id","name"}...], "channels":[{"id","name"}...],
 *    "touchpoints":[{"id","phase","channel","name","owner"?,
 *                    "customer_problem"?, "customer_goal"?, "customer_mood"?}]}
 * Phases are listed in journey order. This file knows nothing of storage. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/journey.h"
#include "util/utf8.h"

extern const unsigned char tp_embedded_journey[];
extern const size_t tp_embedded_journey_len;

const char *tp_journey_sample_json(size_t *len)
{
	if (len)
		*len = tp_embedded_journey_len;
	return (const char *)tp_embedded_journey;
}

void tp_journey_free(struct tp_journey *j)
{
	if (!j)
		return;
	free(j->name);
	for (size_t i = 0; i < j->n_phases; i++) {
		free(j->phases[i].id);
		free(j->phases[i].name);
	}
	for (size_t i = 0; i < j->n_channels; i++) {
		free(j->channels[i].id);
		free(j->channels[i].name);
	}
	for (size_t i = 0; i < j->n_touchpoints; i++) {
		struct tp_touchpoint *t = &j->touchpoints[i];
		free(t->id);
		free(t->phase);
		free(t->channel);
		free(t->name);
		free(t->owner);
		free(t->customer_problem);
		free(t->customer_goal);
		free(t->customer_mood);
	}
	free(j->phases);
	free(j->channels);
	free(j->touchpoints);
	free(j);
}

/* Reads member `key` of obj as a string into *out (a copy). A missing or null
 * member gives NULL unless required. `what` names the item in messages. */
static enum tp_status get_text(json_t *obj, const char *key, bool required, size_t max,
			       const char *what, char **out, struct tp_error *err)
{
	*out = NULL;
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v)) {
		if (required)
			return tp_error_set(err, TP_EINPUT, "%s: missing \"%s\"", what, key);
		return TP_OK;
	}
	if (!json_is_string(v))
		return tp_error_set(err, TP_EINPUT, "%s: \"%s\" must be a string", what, key);
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (memchr(s, '\0', len))
		return tp_error_set(err, TP_EINPUT, "%s: \"%s\" contains a NUL character", what, key);
	size_t start = 0;
	while (start < len && (s[start] == ' ' || s[start] == '\t'))
		start++;
	while (len > start && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == start) {
		if (required)
			return tp_error_set(err, TP_EINPUT, "%s: \"%s\" is empty", what, key);
		return TP_OK;
	}
	if (len - start > max)
		return tp_error_set(err, TP_EINPUT, "%s: \"%s\" is longer than %zu bytes", what,
				    key, max);
	*out = strndup(s + start, len - start);
	if (!*out)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	return TP_OK;
}

/* Ids are what URLs and files refer to: printable, no spaces or slashes. */
static enum tp_status check_id(const char *id, const char *what, struct tp_error *err)
{
	for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
		if (*p <= ' ' || *p == '/' || *p == '?' || *p == '#' || *p == '%' || *p == 0x7f)
			return tp_error_set(err, TP_EINPUT,
					    "%s: id \"%s\" may not contain spaces, control "
					    "characters or / ? # %%",
					    what, id);
	}
	return TP_OK;
}

static json_t *get_array(json_t *root, const char *key, struct tp_error *err, enum tp_status *st)
{
	json_t *a = json_object_get(root, key);
	if (!a) {
		*st = tp_error_set(err, TP_EINPUT, "journey: missing \"%s\" array", key);
		return NULL;
	}
	if (!json_is_array(a)) {
		*st = tp_error_set(err, TP_EINPUT, "journey: \"%s\" must be an array", key);
		return NULL;
	}
	*st = TP_OK;
	return a;
}

/* Reads an array of {"id","name"} items (phases or channels). */
static enum tp_status read_named(json_t *arr, const char *kind, size_t *n_out, char ***ids,
				 char ***names, struct tp_error *err)
{
	size_t n = json_array_size(arr);
	*n_out = 0;
	*ids = calloc(n ? n : 1, sizeof **ids);
	*names = calloc(n ? n : 1, sizeof **names);
	if (!*ids || !*names)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *item = json_array_get(arr, i);
		char what[TP_ID_MAX + 64];
		snprintf(what, sizeof what, "%s %zu", kind, i + 1);
		if (!json_is_object(item))
			return tp_error_set(err, TP_EINPUT, "%s: must be an object", what);
		enum tp_status st = get_text(item, "id", true, TP_ID_MAX, what, &(*ids)[i], err);
		if (st == TP_OK) {
			snprintf(what, sizeof what, "%s \"%s\"", kind, (*ids)[i]);
			st = check_id((*ids)[i], what, err);
		}
		if (st == TP_OK)
			st = get_text(item, "name", true, TP_NAME_MAX, what, &(*names)[i], err);
		*n_out = i + 1;
		if (st != TP_OK)
			return st;
		for (size_t k = 0; k < i; k++) {
			if (strcmp((*ids)[k], (*ids)[i]) == 0)
				return tp_error_set(err, TP_EINPUT, "%s \"%s\": duplicate id (also %s %zu)",
						    kind, (*ids)[i], kind, k + 1);
		}
	}
	return TP_OK;
}

static enum tp_status read_phases(json_t *root, struct tp_journey *j, struct tp_error *err)
{
	enum tp_status st;
	json_t *arr = get_array(root, "phases", err, &st);
	if (!arr)
		return st;
	char **ids = NULL, **names = NULL;
	size_t n = 0;
	st = read_named(arr, "phase", &n, &ids, &names, err);
	j->phases = calloc(n ? n : 1, sizeof *j->phases);
	if (!j->phases && st == TP_OK)
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (j->phases) {
			j->phases[i].id = ids[i];
			j->phases[i].name = names[i];
		} else {
			free(ids[i]);
			free(names[i]);
		}
	}
	j->n_phases = j->phases ? n : 0;
	free(ids);
	free(names);
	return st;
}

static enum tp_status read_channels(json_t *root, struct tp_journey *j, struct tp_error *err)
{
	enum tp_status st;
	json_t *arr = get_array(root, "channels", err, &st);
	if (!arr)
		return st;
	char **ids = NULL, **names = NULL;
	size_t n = 0;
	st = read_named(arr, "channel", &n, &ids, &names, err);
	j->channels = calloc(n ? n : 1, sizeof *j->channels);
	if (!j->channels && st == TP_OK)
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (j->channels) {
			j->channels[i].id = ids[i];
			j->channels[i].name = names[i];
		} else {
			free(ids[i]);
			free(names[i]);
		}
	}
	j->n_channels = j->channels ? n : 0;
	free(ids);
	free(names);
	return st;
}

static enum tp_status read_touchpoint(json_t *item, size_t index, const struct tp_journey *j,
				      struct tp_touchpoint *t, struct tp_error *err)
{
	char what[TP_ID_MAX + 64];
	snprintf(what, sizeof what, "touchpoint %zu", index + 1);
	if (!json_is_object(item))
		return tp_error_set(err, TP_EINPUT, "%s: must be an object", what);
	enum tp_status st = get_text(item, "id", true, TP_ID_MAX, what, &t->id, err);
	if (st != TP_OK)
		return st;
	snprintf(what, sizeof what, "touchpoint \"%s\"", t->id);
	st = check_id(t->id, what, err);
	if (st == TP_OK)
		st = get_text(item, "phase", true, TP_ID_MAX, what, &t->phase, err);
	if (st == TP_OK)
		st = get_text(item, "channel", true, TP_ID_MAX, what, &t->channel, err);
	if (st == TP_OK)
		st = get_text(item, "name", true, TP_NAME_MAX, what, &t->name, err);
	if (st == TP_OK)
		st = get_text(item, "owner", false, TP_NAME_MAX, what, &t->owner, err);
	if (st == TP_OK)
		st = get_text(item, "customer_problem", false, TP_TEXT_MAX, what,
			      &t->customer_problem, err);
	if (st == TP_OK)
		st = get_text(item, "customer_goal", false, TP_TEXT_MAX, what, &t->customer_goal,
			      err);
	if (st == TP_OK)
		st = get_text(item, "customer_mood", false, TP_TEXT_MAX, what, &t->customer_mood,
			      err);
	if (st != TP_OK)
		return st;
	if (!tp_journey_phase(j, t->phase))
		return tp_error_set(err, TP_EINPUT, "%s: unknown phase \"%s\"", what, t->phase);
	if (!tp_journey_channel(j, t->channel))
		return tp_error_set(err, TP_EINPUT, "%s: unknown channel \"%s\"", what, t->channel);
	return TP_OK;
}

static enum tp_status read_touchpoints(json_t *root, struct tp_journey *j, struct tp_error *err)
{
	enum tp_status st;
	json_t *arr = get_array(root, "touchpoints", err, &st);
	if (!arr)
		return st;
	size_t n = json_array_size(arr);
	j->touchpoints = calloc(n ? n : 1, sizeof *j->touchpoints);
	if (!j->touchpoints)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		j->n_touchpoints = i + 1;
		st = read_touchpoint(json_array_get(arr, i), i, j, &j->touchpoints[i], err);
		if (st != TP_OK)
			return st;
		for (size_t k = 0; k < i; k++) {
			if (strcmp(j->touchpoints[k].id, j->touchpoints[i].id) == 0)
				return tp_error_set(err, TP_EINPUT,
						    "touchpoint \"%s\": duplicate id (also touchpoint %zu)",
						    j->touchpoints[i].id, k + 1);
		}
	}
	return TP_OK;
}

static const char *const known_keys[] = {"name", "phases", "channels", "touchpoints", NULL};

static enum tp_status check_root(json_t *root, struct tp_error *err)
{
	if (!json_is_object(root))
		return tp_error_set(err, TP_EINPUT, "journey: the top level must be a JSON object");
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v) {
		bool known = false;
		for (size_t i = 0; known_keys[i]; i++)
			known = known || strcmp(key, known_keys[i]) == 0;
		if (!known)
			return tp_error_set(err, TP_EINPUT, "journey: unknown member \"%s\"", key);
	}
	return TP_OK;
}

enum tp_status tp_journey_from_json(const char *text, size_t len, struct tp_journey **out,
				    struct tp_error *err)
{
	*out = NULL;
	size_t bad;
	if (!tp_utf8_valid(text, len, &bad))
		return tp_error_set(err, TP_EINPUT, "journey: invalid UTF-8 at byte %zu", bad + 1);
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return tp_error_set(err, TP_EINPUT, "journey: invalid JSON at line %d, column %d: %s",
				    jerr.line, jerr.column, jerr.text);
	struct tp_journey *j = calloc(1, sizeof *j);
	enum tp_status st = j ? TP_OK : tp_error_set(err, TP_ENOMEM, "out of memory");
	if (st == TP_OK)
		st = check_root(root, err);
	if (st == TP_OK)
		st = get_text(root, "name", true, TP_NAME_MAX, "journey", &j->name, err);
	if (st == TP_OK)
		st = read_phases(root, j, err);
	if (st == TP_OK && j->n_phases == 0)
		st = tp_error_set(err, TP_EINPUT, "journey: \"phases\" is empty");
	if (st == TP_OK)
		st = read_channels(root, j, err);
	if (st == TP_OK && j->n_channels == 0)
		st = tp_error_set(err, TP_EINPUT, "journey: \"channels\" is empty");
	if (st == TP_OK)
		st = read_touchpoints(root, j, err);
	json_decref(root);
	if (st != TP_OK) {
		tp_journey_free(j);
		return st;
	}
	*out = j;
	return TP_OK;
}

static int set_opt(json_t *obj, const char *key, const char *value)
{
	if (!value)
		return 0;
	return json_object_set_new(obj, key, json_string(value));
}

static int append_named(json_t *arr, const char *id, const char *name)
{
	json_t *o = json_pack("{s:s, s:s}", "id", id, "name", name);
	return o ? json_array_append_new(arr, o) : -1;
}

char *tp_journey_to_json(const struct tp_journey *j)
{
	json_t *root = json_object();
	json_t *tps = json_array();
	char *text = NULL;
	if (!root || !tps)
		goto out;
	json_t *phases = json_array();
	json_t *channels = json_array();
	if (json_object_set_new(root, "name", json_string(j->name ? j->name : "")) ||
	    json_object_set_new(root, "phases", phases) ||
	    json_object_set_new(root, "channels", channels))
		goto out;
	for (size_t i = 0; i < j->n_phases; i++)
		if (append_named(phases, j->phases[i].id, j->phases[i].name))
			goto out;
	for (size_t i = 0; i < j->n_channels; i++)
		if (append_named(channels, j->channels[i].id, j->channels[i].name))
			goto out;
	for (size_t i = 0; i < j->n_touchpoints; i++) {
		const struct tp_touchpoint *t = &j->touchpoints[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "id", t->id, "phase", t->phase,
				      "channel", t->channel, "name", t->name);
		if (!o || set_opt(o, "owner", t->owner) ||
		    set_opt(o, "customer_problem", t->customer_problem) ||
		    set_opt(o, "customer_goal", t->customer_goal) ||
		    set_opt(o, "customer_mood", t->customer_mood) ||
		    json_array_append_new(tps, o)) {
			json_decref(o);
			goto out;
		}
	}
	if (json_object_set(root, "touchpoints", tps))
		goto out;
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
out:
	json_decref(tps);
	json_decref(root);
	return text;
}

const struct tp_phase *tp_journey_phase(const struct tp_journey *j, const char *id)
{
	for (size_t i = 0; i < j->n_phases; i++)
		if (strcmp(j->phases[i].id, id) == 0)
			return &j->phases[i];
	return NULL;
}

const struct tp_channel *tp_journey_channel(const struct tp_journey *j, const char *id)
{
	for (size_t i = 0; i < j->n_channels; i++)
		if (strcmp(j->channels[i].id, id) == 0)
			return &j->channels[i];
	return NULL;
}

const struct tp_touchpoint *tp_journey_touchpoint(const struct tp_journey *j, const char *id)
{
	for (size_t i = 0; i < j->n_touchpoints; i++)
		if (strcmp(j->touchpoints[i].id, id) == 0)
			return &j->touchpoints[i];
	return NULL;
}
