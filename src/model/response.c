/* model/response.c - the rules a single response must satisfy.
 *
 * Only the model's own rules live here (ranges, required fields, sizes);
 * whether the touchpoint exists is the store's business, and how a file's
 * text becomes a response is the importer's. */
#include <string.h>
#include <strings.h>

#include "touchpoint/journey.h"
#include "touchpoint/response.h"
#include "util/utf8.h"

void tp_response_init(struct tp_response *r)
{
	memset(r, 0, sizeof *r);
	r->respondent_type = TP_RESPONDENT_CUSTOMER;
	r->nps = TP_SCORE_NONE;
	r->csat = TP_SCORE_NONE;
	r->ces = TP_SCORE_NONE;
	r->emotion = TP_SCORE_NONE;
}

const char *tp_respondent_type_name(enum tp_respondent_type type)
{
	switch (type) {
	case TP_RESPONDENT_CUSTOMER: return "customer";
	case TP_RESPONDENT_EMPLOYEE: return "employee";
	case TP_RESPONDENT_LEADER: return "leader";
	}
	return "unknown";
}

bool tp_respondent_type_parse(const char *text, enum tp_respondent_type *out)
{
	static const struct {
		const char *name;
		enum tp_respondent_type type;
	} names[] = {
		{"customer", TP_RESPONDENT_CUSTOMER}, {"cliente", TP_RESPONDENT_CUSTOMER},
		{"employee", TP_RESPONDENT_EMPLOYEE}, {"empleado", TP_RESPONDENT_EMPLOYEE},
		{"empleada", TP_RESPONDENT_EMPLOYEE}, {"leader", TP_RESPONDENT_LEADER},
		{"lider", TP_RESPONDENT_LEADER},      {"líder", TP_RESPONDENT_LEADER},
		{"LÍDER", TP_RESPONDENT_LEADER},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcasecmp(text, names[i].name) == 0) {
			*out = names[i].type;
			return true;
		}
	}
	return false;
}

static enum tp_status check_score(int value, int lo, int hi, const char *name,
				  struct tp_error *err)
{
	if (value == TP_SCORE_NONE || (value >= lo && value <= hi))
		return TP_OK;
	return tp_error_set(err, TP_EINPUT, "%s %d is out of range %d..%d", name, value, lo, hi);
}

static enum tp_status check_text(const char *s, size_t max, const char *name,
				 struct tp_error *err)
{
	if (!s)
		return TP_OK;
	size_t len = strlen(s);
	if (len > max)
		return tp_error_set(err, TP_EINPUT, "%s is longer than %zu bytes", name, max);
	size_t bad;
	if (!tp_utf8_valid(s, len, &bad))
		return tp_error_set(err, TP_EINPUT, "%s: invalid UTF-8 at byte %zu", name, bad + 1);
	return TP_OK;
}

static enum tp_status check_attrs(const struct tp_response *r, struct tp_error *err)
{
	for (size_t i = 0; i < r->n_attrs; i++) {
		const struct tp_attr *a = &r->attrs[i];
		if (!a->name || !*a->name)
			return tp_error_set(err, TP_EINPUT, "segment attribute %zu has no name", i + 1);
		enum tp_status st = check_text(a->name, TP_ATTR_NAME_MAX, "attribute name", err);
		if (st == TP_OK)
			st = check_text(a->value, TP_ATTR_VALUE_MAX, a->name, err);
		if (st != TP_OK)
			return st;
		for (size_t k = 0; k < i; k++)
			if (strcmp(r->attrs[k].name, a->name) == 0)
				return tp_error_set(err, TP_EINPUT, "attribute \"%s\" given twice",
						    a->name);
	}
	return TP_OK;
}

enum tp_status tp_response_check(const struct tp_response *r, struct tp_error *err)
{
	if (!r->response_id || !*r->response_id)
		return tp_error_set(err, TP_EINPUT, "response_id is missing");
	enum tp_status st = check_text(r->response_id, TP_RESPONSE_ID_MAX, "response_id", err);
	if (st == TP_OK)
		st = check_text(r->respondent_id, TP_RESPONSE_ID_MAX, "respondent_id", err);
	if (st == TP_OK)
		st = check_text(r->touchpoint, TP_ID_MAX, "touchpoint", err);
	if (st == TP_OK)
		st = check_text(r->comment, TP_COMMENT_MAX, "comment", err);
	if (st == TP_OK)
		st = check_text(r->lang, TP_LANG_MAX, "lang", err);
	if (st != TP_OK)
		return st;
	if (r->respondent_type < TP_RESPONDENT_CUSTOMER || r->respondent_type > TP_RESPONDENT_LEADER)
		return tp_error_set(err, TP_EINPUT, "respondent_type is not customer, employee or leader");
	st = check_score(r->nps, 0, 10, "nps", err);
	if (st == TP_OK)
		st = check_score(r->csat, 1, 5, "csat", err);
	if (st == TP_OK)
		st = check_score(r->ces, 1, 7, "ces", err);
	if (st == TP_OK)
		st = check_score(r->emotion, -3, 3, "emotion", err);
	if (st != TP_OK)
		return st;
	bool scored = r->nps != TP_SCORE_NONE || r->csat != TP_SCORE_NONE ||
		      r->ces != TP_SCORE_NONE || r->emotion != TP_SCORE_NONE;
	bool commented = r->comment && *r->comment;
	if (!scored && !commented)
		return tp_error_set(err, TP_EINPUT, "no score (nps, csat, ces, emotion) and no comment");
	return check_attrs(r, err);
}
