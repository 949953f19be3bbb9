/* io/mapping.c - built-in column meanings per source, and --map files.
 *
 * Knows the column names that Qualtrics, SurveyMonkey and Google Forms put
 * in their exports (ids, dates, personal data that must not become segment
 * attributes) and reads the user's map file. Knows nothing of rows. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/mapping.h"
#include "util/strmap.h"

struct tp_value_map {
	struct tp_strmap *exact; /* text -> index into texts */
	size_t n;
	char **from;
	char **to;
};

struct column_rule {
	char *source;
	enum tp_target target;
	char *attr_name;
};

struct tp_mapping {
	enum tp_table_format format;
	size_t n_rules;
	struct column_rule *rules;      /* user rules first, then built-in ones */
	size_t n_user_rules;            /* rules[0..n_user_rules) came from the map */
	struct tp_strmap *rule_index;   /* source -> first rule index */
	struct tp_value_map *values[TP_T_COUNT];
	size_t n_attr_values;
	struct { char *attr; struct tp_value_map *vm; } *attr_values;
	char *defaults[TP_T_COUNT];
	char *date_format;
	bool unmapped_to_attr;
};

static const char *const target_names[TP_T_COUNT] = {
	[TP_T_IGNORE] = "ignore",
	[TP_T_RESPONSE_ID] = "response_id",
	[TP_T_SUBMITTED_AT] = "submitted_at",
	[TP_T_RESPONDENT_ID] = "respondent_id",
	[TP_T_RESPONDENT_TYPE] = "respondent_type",
	[TP_T_TOUCHPOINT] = "touchpoint",
	[TP_T_NPS] = "nps",
	[TP_T_CSAT] = "csat",
	[TP_T_CES] = "ces",
	[TP_T_EMOTION] = "emotion",
	[TP_T_COMMENT] = "comment",
	[TP_T_LANG] = "lang",
	[TP_T_ATTR] = "attribute",
};

const char *tp_target_name(enum tp_target t)
{
	return t < TP_T_COUNT ? target_names[t] : "?";
}

/* Canonical field by name: exact, or ASCII-case-insensitive. */
static enum tp_target canonical(const char *name)
{
	for (int t = TP_T_RESPONSE_ID; t < TP_T_ATTR; t++)
		if (strcasecmp(name, target_names[t]) == 0)
			return (enum tp_target)t;
	return TP_T_IGNORE;
}

struct builtin {
	const char *source;
	enum tp_target target;
};

/* Columns of each tool's export: identifiers and dates mapped, personal data
 * and survey bookkeeping ignored (they must not become segment attributes). */
static const struct builtin qualtrics_columns[] = {
	{"ResponseId", TP_T_RESPONSE_ID}, {"RecordedDate", TP_T_SUBMITTED_AT},
	{"ExternalReference", TP_T_RESPONDENT_ID}, {"UserLanguage", TP_T_LANG},
	{"StartDate", TP_T_IGNORE}, {"EndDate", TP_T_IGNORE}, {"Status", TP_T_IGNORE},
	{"IPAddress", TP_T_IGNORE}, {"Progress", TP_T_IGNORE},
	{"Duration (in seconds)", TP_T_IGNORE}, {"Finished", TP_T_IGNORE},
	{"RecipientLastName", TP_T_IGNORE}, {"RecipientFirstName", TP_T_IGNORE},
	{"RecipientEmail", TP_T_IGNORE}, {"LocationLatitude", TP_T_IGNORE},
	{"LocationLongitude", TP_T_IGNORE}, {"DistributionChannel", TP_T_IGNORE},
	{NULL, TP_T_IGNORE},
};

static const struct builtin surveymonkey_columns[] = {
	{"Respondent ID", TP_T_RESPONSE_ID}, {"End Date", TP_T_SUBMITTED_AT},
	{"Collector ID", TP_T_IGNORE}, {"Start Date", TP_T_IGNORE},
	{"IP Address", TP_T_IGNORE}, {"Email Address", TP_T_IGNORE},
	{"First Name", TP_T_IGNORE}, {"Last Name", TP_T_IGNORE},
	{"Custom Data 1", TP_T_IGNORE}, {NULL, TP_T_IGNORE},
};

static const struct builtin googleforms_columns[] = {
	{"Timestamp", TP_T_SUBMITTED_AT}, {"Marca temporal", TP_T_SUBMITTED_AT},
	{"Email Address", TP_T_RESPONDENT_ID},
	{"Dirección de correo electrónico", TP_T_RESPONDENT_ID},
	{NULL, TP_T_IGNORE},
};

/* Google Forms writes dates in the form owner's locale. */
static const char *builtin_date_format(enum tp_table_format f, const char *column)
{
	if (f == TP_TABLE_SURVEYMONKEY)
		return "%m/%d/%Y %I:%M:%S %p";
	if (f == TP_TABLE_GOOGLEFORMS)
		return strcmp(column, "Marca temporal") == 0 ? "%d/%m/%Y %H:%M:%S"
							     : "%m/%d/%Y %H:%M:%S";
	return NULL;
}

static const struct builtin *builtins_for(enum tp_table_format f)
{
	switch (f) {
	case TP_TABLE_QUALTRICS: return qualtrics_columns;
	case TP_TABLE_SURVEYMONKEY: return surveymonkey_columns;
	case TP_TABLE_GOOGLEFORMS: return googleforms_columns;
	default: return NULL;
	}
}

static void value_map_free(struct tp_value_map *vm)
{
	if (!vm)
		return;
	for (size_t i = 0; i < vm->n; i++) {
		free(vm->from[i]);
		free(vm->to[i]);
	}
	free(vm->from);
	free(vm->to);
	tp_strmap_free(vm->exact);
	free(vm);
}

void tp_mapping_free(struct tp_mapping *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_rules; i++) {
		free(m->rules[i].source);
		free(m->rules[i].attr_name);
	}
	free(m->rules);
	tp_strmap_free(m->rule_index);
	for (int t = 0; t < TP_T_COUNT; t++) {
		value_map_free(m->values[t]);
		free(m->defaults[t]);
	}
	for (size_t i = 0; i < m->n_attr_values; i++) {
		free(m->attr_values[i].attr);
		value_map_free(m->attr_values[i].vm);
	}
	free(m->attr_values);
	free(m->date_format);
	free(m);
}

static enum tp_status add_rule(struct tp_mapping *m, const char *source, enum tp_target target,
			       const char *attr_name, struct tp_error *err)
{
	if (tp_strmap_get(m->rule_index, source, strlen(source), &(int64_t){0}))
		return TP_OK; /* user rules come first and win */
	struct column_rule *grown = realloc(m->rules, (m->n_rules + 1) * sizeof *grown);
	if (!grown)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	m->rules = grown;
	struct column_rule *r = &m->rules[m->n_rules];
	r->source = strdup(source);
	r->target = target;
	r->attr_name = attr_name ? strdup(attr_name) : NULL;
	if (!r->source || (attr_name && !r->attr_name) ||
	    !tp_strmap_put(m->rule_index, source, strlen(source), (int64_t)m->n_rules)) {
		free(r->source);
		free(r->attr_name);
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	}
	m->n_rules++;
	return TP_OK;
}

/* Parses a target word: a canonical field, "attr:NAME", or null (ignore). */
static enum tp_status parse_target(json_t *v, const char *where, enum tp_target *target,
				   const char **attr_name, struct tp_error *err)
{
	*attr_name = NULL;
	if (json_is_null(v)) {
		*target = TP_T_IGNORE;
		return TP_OK;
	}
	if (!json_is_string(v))
		return tp_error_set(err, TP_EINPUT, "%s: the target must be a string or null", where);
	const char *s = json_string_value(v);
	if (strncmp(s, "attr:", 5) == 0) {
		if (!s[5] || strlen(s + 5) > 128)
			return tp_error_set(err, TP_EINPUT,
					    "%s: \"%s\" needs an attribute name of 1-128 bytes after "
					    "\"attr:\"", where, s);
		*target = TP_T_ATTR;
		*attr_name = s + 5;
		return TP_OK;
	}
	if (strcmp(s, "ignore") == 0) {
		*target = TP_T_IGNORE;
		return TP_OK;
	}
	*target = canonical(s);
	if (*target == TP_T_IGNORE)
		return tp_error_set(err, TP_EINPUT,
				    "%s: unknown target \"%s\" (expected response_id, "
				    "submitted_at, respondent_id, respondent_type, touchpoint, nps, "
				    "csat, ces, emotion, comment, lang, attr:NAME or null)",
				    where, s);
	return TP_OK;
}

static enum tp_status read_columns(struct tp_mapping *m, json_t *cols, struct tp_error *err)
{
	if (!json_is_object(cols))
		return tp_error_set(err, TP_EINPUT, "\"columns\" must be an object");
	const char *key;
	json_t *v;
	json_object_foreach(cols, key, v) {
		char where[300];
		snprintf(where, sizeof where, "columns.\"%.200s\"", key);
		enum tp_target target;
		const char *attr;
		enum tp_status st = parse_target(v, where, &target, &attr, err);
		if (st == TP_OK)
			st = add_rule(m, key, target, attr, err);
		if (st != TP_OK)
			return st;
	}
	return TP_OK;
}

/* Reads {"from": replacement, ...}; numbers become their decimal text. */
static enum tp_status read_value_map(json_t *obj, const char *where, struct tp_value_map **out,
				     struct tp_error *err)
{
	if (!json_is_object(obj))
		return tp_error_set(err, TP_EINPUT, "%s must be an object", where);
	struct tp_value_map *vm = calloc(1, sizeof *vm);
	size_t n = json_object_size(obj);
	if (vm) {
		vm->exact = tp_strmap_new();
		vm->from = calloc(n ? n : 1, sizeof *vm->from);
		vm->to = calloc(n ? n : 1, sizeof *vm->to);
	}
	if (!vm || !vm->exact || !vm->from || !vm->to) {
		value_map_free(vm);
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	}
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		char text[64];
		const char *to = NULL;
		if (json_is_string(v)) {
			to = json_string_value(v);
		} else if (json_is_integer(v)) {
			snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v));
			to = text;
		} else if (json_is_real(v)) {
			snprintf(text, sizeof text, "%.15g", json_real_value(v));
			to = text;
		} else if (json_is_null(v)) {
			to = "";
		}
		if (!to) {
			value_map_free(vm);
			return tp_error_set(err, TP_EINPUT,
					    "%s.\"%.200s\": must be a string, a number or null",
					    where, key);
		}
		vm->from[vm->n] = strdup(key);
		vm->to[vm->n] = strdup(to);
		if (!vm->from[vm->n] || !vm->to[vm->n] ||
		    !tp_strmap_put(vm->exact, key, strlen(key), (int64_t)vm->n)) {
			vm->n++;
			value_map_free(vm);
			return tp_error_set(err, TP_ENOMEM, "out of memory");
		}
		vm->n++;
	}
	*out = vm;
	return TP_OK;
}

static enum tp_status read_values(struct tp_mapping *m, json_t *vals, struct tp_error *err)
{
	if (!json_is_object(vals))
		return tp_error_set(err, TP_EINPUT, "\"values\" must be an object");
	const char *key;
	json_t *v;
	json_object_foreach(vals, key, v) {
		char where[300];
		snprintf(where, sizeof where, "values.\"%.200s\"", key);
		enum tp_target target;
		const char *attr;
		json_t *name = json_string(key);
		enum tp_status st = parse_target(name, where, &target, &attr, err);
		struct tp_value_map *vm = NULL;
		if (st == TP_OK && target == TP_T_IGNORE)
			st = tp_error_set(err, TP_EINPUT, "%s: cannot map values of null", where);
		if (st == TP_OK)
			st = read_value_map(v, where, &vm, err);
		if (st == TP_OK && target == TP_T_ATTR) {
			void *grown = realloc(m->attr_values,
					      (m->n_attr_values + 1) * sizeof *m->attr_values);
			if (grown) {
				m->attr_values = grown;
			}
			char *copy = grown ? strdup(attr) : NULL;
			if (copy) {
				m->attr_values[m->n_attr_values].attr = copy;
				m->attr_values[m->n_attr_values].vm = vm;
				m->n_attr_values++;
			} else {
				value_map_free(vm);
				st = tp_error_set(err, TP_ENOMEM, "out of memory");
			}
		} else if (st == TP_OK) {
			value_map_free(m->values[target]);
			m->values[target] = vm;
		}
		json_decref(name);
		if (st != TP_OK)
			return st;
	}
	return TP_OK;
}

static enum tp_status read_defaults(struct tp_mapping *m, json_t *defs, struct tp_error *err)
{
	if (!json_is_object(defs))
		return tp_error_set(err, TP_EINPUT, "\"defaults\" must be an object");
	const char *key;
	json_t *v;
	json_object_foreach(defs, key, v) {
		enum tp_target t = canonical(key);
		if (t == TP_T_IGNORE)
			return tp_error_set(err, TP_EINPUT,
					    "defaults.\"%.200s\": not a field touchpoint knows", key);
		char text[64];
		const char *s = NULL;
		if (json_is_string(v)) {
			s = json_string_value(v);
		} else if (json_is_integer(v)) {
			snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v));
			s = text;
		}
		if (!s)
			return tp_error_set(err, TP_EINPUT,
					    "defaults.\"%.200s\": must be a string or an integer", key);
		free(m->defaults[t]);
		m->defaults[t] = strdup(s);
		if (!m->defaults[t])
			return tp_error_set(err, TP_ENOMEM, "out of memory");
	}
	return TP_OK;
}

static enum tp_status read_options(struct tp_mapping *m, json_t *root, struct tp_error *err)
{
	json_t *df = json_object_get(root, "date_format");
	if (df) {
		if (!json_is_string(df) || !*json_string_value(df))
			return tp_error_set(err, TP_EINPUT, "\"date_format\" must be a non-empty string");
		m->date_format = strdup(json_string_value(df));
		if (!m->date_format)
			return tp_error_set(err, TP_ENOMEM, "out of memory");
	}
	json_t *um = json_object_get(root, "unmapped");
	if (um) {
		const char *s = json_is_string(um) ? json_string_value(um) : "";
		if (strcmp(s, "attribute") == 0)
			m->unmapped_to_attr = true;
		else if (strcmp(s, "ignore") == 0)
			m->unmapped_to_attr = false;
		else
			return tp_error_set(err, TP_EINPUT,
					    "\"unmapped\" must be \"attribute\" or \"ignore\"");
	}
	return TP_OK;
}

static enum tp_status read_map_file(struct tp_mapping *m, const char *path, struct tp_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return tp_error_set(err, TP_EIO, "%s", strerror(errno));
	json_error_t jerr;
	json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
	fclose(f);
	if (!root)
		return tp_error_set(err, TP_EINPUT, "invalid JSON at line %d, column %d: %s",
				    jerr.line, jerr.column, jerr.text);
	enum tp_status st = TP_OK;
	if (!json_is_object(root))
		st = tp_error_set(err, TP_EINPUT, "the top level must be an object");
	const char *key;
	json_t *v;
	if (st == TP_OK) {
		json_object_foreach(root, key, v) {
			if (strcmp(key, "columns") && strcmp(key, "values") &&
			    strcmp(key, "defaults") && strcmp(key, "date_format") &&
			    strcmp(key, "unmapped")) {
				st = tp_error_set(err, TP_EINPUT,
						  "unknown member \"%.200s\" (expected columns, "
						  "values, defaults, date_format, unmapped)", key);
				break;
			}
		}
	}
	json_t *columns = json_object_get(root, "columns");
	json_t *values = json_object_get(root, "values");
	json_t *defaults = json_object_get(root, "defaults");
	if (st == TP_OK && columns)
		st = read_columns(m, columns, err);
	if (st == TP_OK && values)
		st = read_values(m, values, err);
	if (st == TP_OK && defaults)
		st = read_defaults(m, defaults, err);
	if (st == TP_OK)
		st = read_options(m, root, err);
	json_decref(root);
	return st;
}

enum tp_status tp_mapping_load(const char *map_path, enum tp_table_format format,
			       struct tp_mapping **out, struct tp_error *err)
{
	*out = NULL;
	struct tp_mapping *m = calloc(1, sizeof *m);
	if (!m || !(m->rule_index = tp_strmap_new())) {
		free(m);
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	}
	m->format = format;
	m->unmapped_to_attr = format == TP_TABLE_CSV || format == TP_TABLE_JSONL;
	enum tp_status st = TP_OK;
	if (map_path) {
		st = read_map_file(m, map_path, err);
		if (st != TP_OK)
			tp_error_prefix(err, "%s", map_path);
	}
	m->n_user_rules = m->n_rules;
	const struct builtin *b = builtins_for(format);
	for (size_t i = 0; st == TP_OK && b && b[i].source; i++)
		st = add_rule(m, b[i].source, b[i].target, NULL, err);
	if (st != TP_OK) {
		tp_mapping_free(m);
		return st;
	}
	*out = m;
	return TP_OK;
}

static const struct tp_value_map *attr_values(const struct tp_mapping *m, const char *attr)
{
	/* Attribute names match like canonical ones: ASCII case aside. */
	for (size_t i = 0; i < m->n_attr_values; i++)
		if (strcasecmp(m->attr_values[i].attr, attr) == 0)
			return m->attr_values[i].vm;
	return NULL;
}

/* The rule for a column: by its name, then by its aliases, except that a
 * user rule matched by an alias beats a built-in one matched by the name (a
 * map written from Qualtrics' question-text row, "End Date", must win over
 * the built-in rule for the column id "EndDate"). */
static bool find_rule(const struct tp_mapping *m, const char *name, const char *const *aliases,
		      const struct column_rule **out)
{
	int64_t found = -1, idx;
	if (tp_strmap_get(m->rule_index, name, strlen(name), &idx))
		found = idx;
	for (size_t k = 0; aliases && aliases[k]; k++) {
		if (found >= 0 && (size_t)found < m->n_user_rules)
			break;
		if (tp_strmap_get(m->rule_index, aliases[k], strlen(aliases[k]), &idx) &&
		    (found < 0 || (size_t)idx < m->n_user_rules))
			found = idx;
	}
	if (found < 0)
		return false;
	*out = &m->rules[found];
	return true;
}

void tp_mapping_resolve(const struct tp_mapping *m, const char *name, const char *const *aliases,
			struct tp_column_spec *out)
{
	memset(out, 0, sizeof *out);
	const struct column_rule *rule;
	if (find_rule(m, name, aliases, &rule)) {
		out->target = rule->target;
		out->attr_name = rule->attr_name;
	} else {
		out->target = canonical(name);
		if (out->target == TP_T_IGNORE && m->unmapped_to_attr && *name) {
			out->target = TP_T_ATTR;
			out->attr_name = name;
		}
	}
	if (out->target == TP_T_ATTR)
		out->values = attr_values(m, out->attr_name);
	else if (out->target != TP_T_IGNORE)
		out->values = m->values[out->target];
	if (out->target == TP_T_SUBMITTED_AT)
		out->date_format = m->date_format ? m->date_format
						  : builtin_date_format(m->format, name);
}

const char *tp_mapping_value(const struct tp_value_map *vm, const char *text)
{
	if (!vm)
		return NULL;
	int64_t idx;
	if (tp_strmap_get(vm->exact, text, strlen(text), &idx))
		return vm->to[idx];
	for (size_t i = 0; i < vm->n; i++)
		if (strcasecmp(vm->from[i], text) == 0)
			return vm->to[i];
	return NULL;
}

const char *tp_mapping_default(const struct tp_mapping *m, enum tp_target target)
{
	return target < TP_T_COUNT ? m->defaults[target] : NULL;
}

const struct tp_value_map *tp_mapping_values(const struct tp_mapping *m, enum tp_target target)
{
	return target < TP_T_COUNT ? m->values[target] : NULL;
}

const char *tp_mapping_date_format(const struct tp_mapping *m)
{
	return m->date_format;
}

bool tp_mapping_derives_id(const struct tp_mapping *m)
{
	return m->format == TP_TABLE_GOOGLEFORMS;
}
