/* io/rowconv.c - one row of named text fields turned into a checked
 * response: the field parsers and rules the file importer and the JSON API
 * share (io/rowconv.h). Each field's normalised copy (trimmed, line ends
 * fixed, language lowered) goes to a scratch buffer reserved once per row,
 * so a row costs no allocation once the buffer is big enough. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/rowconv.h"
#include "touchpoint/time.h"
#include "util/utf8.h"

void tp_rowconv_init(struct tp_rowconv *c)
{
	memset(c, 0, sizeof *c);
}

void tp_rowconv_free(struct tp_rowconv *c)
{
	free(c->scratch);
	c->scratch = NULL;
	c->scratch_cap = 0;
}

static void report(struct tp_rowconv *im, long line, int column, const char *name,
		   const char *field, const char *reason)
{
	im->errors++;
	im->error(im->ctx, line, column, name, field, reason);
}

/* The canonical field a column gives, for problem reports. */
static const char *field_of(const struct tp_column_spec *c)
{
	return c->target == TP_T_ATTR ? c->attr_name : tp_target_name(c->target);
}

/* --- scratch memory for one row --- */

static bool scratch_reserve(struct tp_rowconv *im, size_t need)
{
	im->scratch_used = 0;
	if (need <= im->scratch_cap)
		return true;
	size_t cap = im->scratch_cap ? im->scratch_cap : 4096;
	while (cap < need)
		cap *= 2;
	char *grown = realloc(im->scratch, cap);
	if (!grown)
		return false;
	im->scratch = grown;
	im->scratch_cap = cap;
	return true;
}

/* Copies len bytes into the row's scratch space (reserved up front). */
static char *scratch_copy(struct tp_rowconv *im, const char *s, size_t len)
{
	char *p = im->scratch + im->scratch_used;
	memcpy(p, s, len);
	p[len] = '\0';
	im->scratch_used += len + 1;
	return p;
}

static const char *trimmed(struct tp_rowconv *im, const char *v, size_t len)
{
	size_t a = 0, b = len;
	while (a < b && (v[a] == ' ' || v[a] == '\t'))
		a++;
	while (b > a && (v[b - 1] == ' ' || v[b - 1] == '\t' || v[b - 1] == '\r'))
		b--;
	if (a == 0 && b == len)
		return v;
	return scratch_copy(im, v + a, b - a);
}

/* --- field parsers --- */

/* A whole number, in plain or decimal notation ("8", "8.0", "8,0"). */
static const char *parse_score(const char *s, int *out)
{
	const char *p = s;
	bool neg = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	if (!isdigit((unsigned char)*p))
		return "is not a number";
	long v = 0;
	while (isdigit((unsigned char)*p) && v < 100000)
		v = v * 10 + (*p++ - '0');
	if (*p == '.' || *p == ',') {
		const char *frac = ++p;
		while (*p == '0')
			p++;
		if (isdigit((unsigned char)*p))
			return "is not a whole number";
		if (p == frac)
			return "is not a number";
	}
	if (*p)
		return "is not a number";
	*out = (int)(neg ? -v : v);
	if (v >= 100000)
		*out = neg ? -100000 : 100000;
	return NULL;
}

static bool score_in_range(enum tp_target t, int v, char *why, size_t size)
{
	static const int lo[TP_T_COUNT] = {
	    [TP_T_NPS] = 0, [TP_T_CSAT] = 1, [TP_T_CES] = 1, [TP_T_EMOTION] = -3};
	static const int hi[TP_T_COUNT] = {
	    [TP_T_NPS] = 10, [TP_T_CSAT] = 5, [TP_T_CES] = 7, [TP_T_EMOTION] = 3};
	if (v >= lo[t] && v <= hi[t])
		return true;
	snprintf(why, size, "%d is out of range %d..%d", v, lo[t], hi[t]);
	return false;
}

/* Comments keep their line breaks as "\n" whatever the exporting tool
 * wrote (CRLF from Windows and Excel, lone CR from old Macs). */
static const char *unix_newlines(struct tp_rowconv *im, const char *v)
{
	char *out = im->scratch + im->scratch_used;
	size_t n = 0;
	for (const char *p = v; *p; p++) {
		if (*p == '\r') {
			out[n++] = '\n';
			if (p[1] == '\n')
				p++;
		} else {
			out[n++] = *p;
		}
	}
	out[n] = '\0';
	im->scratch_used += n + 1;
	return out;
}

/* "es-ES", "ES", "es_MX" -> "es": the primary language subtag, lowercase. */
static const char *normalise_lang(struct tp_rowconv *im, const char *v)
{
	size_t n = 0;
	while (v[n] && v[n] != '-' && v[n] != '_')
		n++;
	if (n < 2 || n > 3)
		return NULL;
	char *out = scratch_copy(im, v, n);
	for (size_t i = 0; i < n; i++) {
		if (!isalpha((unsigned char)out[i]))
			return NULL;
		out[i] = (char)tolower((unsigned char)out[i]);
	}
	return out;
}

static bool parse_date(const char *v, const char *format, int64_t *out, char *why, size_t size)
{
	const char *reason = NULL;
	if (format && tp_time_parse_format(v, strlen(v), format, out, &reason))
		return true;
	const char *iso_reason = NULL;
	if (tp_time_parse_iso8601(v, strlen(v), out, &iso_reason))
		return true;
	if (format)
		snprintf(why, size, "\"%.60s\" is not a date in the form %s: %s", v, format,
			 reason);
	else
		snprintf(why, size, "\"%.60s\" is not an ISO 8601 date: %s", v, iso_reason);
	return false;
}

/* Sets one field of r from text v; reports problems against the column. */
static void set_field(struct tp_rowconv *im, struct tp_response *r, const struct tp_column_spec *c,
		      const char *v, long line, int column, const char *name)
{
	char why[256];
	int score;
	const char *reason;
	im->given |= 1u << c->target;
	switch (c->target) {
	case TP_T_IGNORE:
	case TP_T_COUNT:
		return;
	case TP_T_RESPONSE_ID:
		r->response_id = v;
		return;
	case TP_T_RESPONDENT_ID:
		r->respondent_id = v;
		return;
	case TP_T_COMMENT:
		r->comment = strchr(v, '\r') ? unix_newlines(im, v) : v;
		return;
	case TP_T_SUBMITTED_AT:
		if (!parse_date(v, c->date_format, &r->submitted_at, why, sizeof why))
			report(im, line, column, name, field_of(c), why);
		return;
	case TP_T_RESPONDENT_TYPE:
		if (!tp_respondent_type_parse(v, &r->respondent_type)) {
			snprintf(why, sizeof why,
				 "\"%.60s\" is not a respondent type (customer, employee, leader)",
				 v);
			report(im, line, column, name, field_of(c), why);
		}
		return;
	case TP_T_TOUCHPOINT:
		if (!tp_store_has_touchpoint(im->store, v)) {
			snprintf(why, sizeof why,
				 "unknown touchpoint \"%.80s\" (not in the journey)", v);
			report(im, line, column, name, field_of(c), why);
		}
		r->touchpoint = v;
		return;
	case TP_T_NPS:
	case TP_T_CSAT:
	case TP_T_CES:
	case TP_T_EMOTION:
		reason = parse_score(v, &score);
		if (reason) {
			snprintf(why, sizeof why, "\"%.60s\" %s", v, reason);
			report(im, line, column, name, field_of(c), why);
			return;
		}
		if (!score_in_range(c->target, score, why, sizeof why)) {
			report(im, line, column, name, field_of(c), why);
			return;
		}
		if (c->target == TP_T_NPS)
			r->nps = score;
		else if (c->target == TP_T_CSAT)
			r->csat = score;
		else if (c->target == TP_T_CES)
			r->ces = score;
		else
			r->emotion = score;
		return;
	case TP_T_LANG:
		r->lang = normalise_lang(im, v);
		if (!r->lang) {
			snprintf(why, sizeof why,
				 "\"%.60s\" is not a language code such as es or en", v);
			report(im, line, column, name, field_of(c), why);
		}
		return;
	case TP_T_ATTR:
		for (size_t i = 0; i < r->n_attrs; i++) {
			if (strcmp(im->attrs[i].name, c->attr_name) == 0) {
				snprintf(why, sizeof why, "attribute \"%.80s\" given twice",
					 c->attr_name);
				report(im, line, column, name, field_of(c), why);
				return;
			}
		}
		if (r->n_attrs >= TP_ATTRS_MAX) {
			report(im, line, column, name, field_of(c),
			       "too many segment attributes in one row");
			return;
		}
		if (strlen(v) > TP_ATTR_VALUE_MAX) {
			snprintf(why, sizeof why, "value longer than %d bytes", TP_ATTR_VALUE_MAX);
			report(im, line, column, name, field_of(c), why);
			return;
		}
		im->attrs[r->n_attrs].name = c->attr_name;
		im->attrs[r->n_attrs].value = v;
		r->n_attrs++;
		return;
	}
}

static bool field_is_set(const struct tp_response *r, enum tp_target t)
{
	switch (t) {
	case TP_T_RESPONSE_ID:
		return r->response_id != NULL;
	case TP_T_SUBMITTED_AT:
		return r->submitted_at != INT64_MIN;
	case TP_T_RESPONDENT_ID:
		return r->respondent_id != NULL;
	case TP_T_TOUCHPOINT:
		return r->touchpoint != NULL;
	case TP_T_NPS:
		return r->nps != TP_SCORE_NONE;
	case TP_T_CSAT:
		return r->csat != TP_SCORE_NONE;
	case TP_T_CES:
		return r->ces != TP_SCORE_NONE;
	case TP_T_EMOTION:
		return r->emotion != TP_SCORE_NONE;
	case TP_T_COMMENT:
		return r->comment != NULL;
	case TP_T_LANG:
		return r->lang != NULL;
	default:
		return false;
	}
}

/* Fills fields the row left empty from the mapping's defaults. */
static void apply_defaults(struct tp_rowconv *im, struct tp_response *r, bool type_set, long line)
{
	for (int t = TP_T_RESPONSE_ID; t < TP_T_ATTR; t++) {
		const char *def = tp_mapping_default(im->map, (enum tp_target)t);
		if (!def || field_is_set(r, (enum tp_target)t) ||
		    (t == TP_T_RESPONDENT_TYPE && type_set))
			continue;
		struct tp_column_spec c = {.target = (enum tp_target)t,
					   .date_format = tp_mapping_date_format(im->map)};
		char name[64];
		snprintf(name, sizeof name, "default %s", tp_target_name((enum tp_target)t));
		set_field(im, r, &c, def, line, 0, name);
	}
}

/* Google Forms rows carry no id: one is derived from the row's content
 * (FNV-1a, 64 bits), so importing the same export again adds nothing. */
static const char *derive_id(struct tp_rowconv *im, const struct tp_table_row *row)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < row->n; i++) {
		for (size_t k = 0; k < row->lengths[i]; k++) {
			h ^= (unsigned char)row->values[i][k];
			h *= 0x100000001b3ULL;
		}
		h ^= 0x1f;
		h *= 0x100000001b3ULL;
	}
	snprintf(im->id_buf, sizeof im->id_buf, "gf-%016llx", (unsigned long long)h);
	return im->id_buf;
}

static void read_fields(struct tp_rowconv *im, const struct tp_table_row *row,
			const struct tp_column_spec *specs, size_t n_specs, struct tp_response *r,
			bool *type_set)
{
	for (size_t i = 0; i < row->n; i++) {
		struct tp_column_spec dyn;
		const struct tp_column_spec *c;
		if (i < n_specs) {
			c = &specs[i];
		} else {
			tp_mapping_resolve(im->map, row->names[i], NULL, &dyn);
			c = &dyn;
		}
		if (c->target == TP_T_IGNORE || row->lengths[i] == 0)
			continue;
		int column = row->columns ? row->columns[i] : (int)i + 1;
		size_t bad;
		if (!tp_utf8_valid(row->values[i], row->lengths[i], &bad)) {
			char why[96];
			snprintf(why, sizeof why, "invalid UTF-8 at byte %zu of the field",
				 bad + 1);
			report(im, row->line, column, row->names[i], field_of(c), why);
			continue;
		}
		const char *v = trimmed(im, row->values[i], row->lengths[i]);
		const char *mapped = tp_mapping_value(c->values, v);
		if (mapped)
			v = mapped;
		if (!*v)
			continue;
		set_field(im, r, c, v, row->line, column, row->names[i]);
		*type_set = *type_set || c->target == TP_T_RESPONDENT_TYPE;
	}
}

int tp_rowconv_response(struct tp_rowconv *im, const struct tp_table_row *row,
			const struct tp_column_spec *specs, size_t n_specs, struct tp_response *r)
{
	/* A field may be copied twice (trimmed, then its line ends fixed). */
	size_t need = 256;
	for (size_t i = 0; i < row->n; i++)
		need += 2 * row->lengths[i] + 16;
	if (!scratch_reserve(im, need))
		return -1;
	im->errors = 0;
	im->given = 0;
	tp_response_init(r);
	r->submitted_at = INT64_MIN;
	r->attrs = im->attrs;
	bool type_set = false;
	read_fields(im, row, specs, n_specs, r, &type_set);
	apply_defaults(im, r, type_set, row->line);
	if (!r->response_id && tp_mapping_derives_id(im->map))
		r->response_id = derive_id(im, row);
	if (!r->response_id)
		report(im, row->line, 0, NULL, "response_id", "response_id is missing");
	if (r->submitted_at == INT64_MIN && !(im->given & (1u << TP_T_SUBMITTED_AT)))
		report(im, row->line, 0, NULL, "submitted_at", "submitted_at is missing");
	if (im->errors == 0) {
		struct tp_error check;
		if (tp_response_check(r, &check) != TP_OK)
			report(im, row->line, 0, NULL, NULL, check.message);
	}
	return im->errors;
}
