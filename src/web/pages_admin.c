/* web/pages_admin.c - editing the journey from the browser: GET /admin
 * (phases, channels, touchpoints and the forms that change them), GET
 * /admin/t/{id} (one touchpoint's form) and POST /admin/journey (one
 * change), plus the helpers every admin page shares (web/admin.h).
 *
 * A change is applied to the stored journey's JSON (tp_journey_to_json),
 * which is then read back with tp_journey_from_json() and stored with
 * tp_store_journey_replace(): exactly the validation and the transaction
 * of `touchpoint journey import`, so an admin edit can store nothing the
 * importer would refuse, and a refused edit stores nothing. Edits made by
 * this server are serialised by one mutex (load, change, replace), so two
 * browsers cannot lose each other's change. Deleting a touchpoint that
 * has responses asks for confirmation first, saying how many responses
 * would become unassigned; only the confirmed form forces the replace.
 * A successful change answers 303 to /admin (post, redirect, get). The
 * helpers every admin page shares are in web/admin.c. */
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/admin.h"


/* Serialises load-change-replace across this server's workers. */
static pthread_mutex_t edit_lock = PTHREAD_MUTEX_INITIALIZER;

/* --- what a failed change shows again --- */

struct edit_state {
	const char *action;	     /* the form the change came from, or NULL */
	const char *error;	     /* why it was refused, or NULL */
	const char *field;	     /* the input concerned, or NULL */
	const struct web_form *form; /* the posted values, or NULL */
};

/* The touchpoint form's inputs, in order, with their labels. */
static const struct tp_field {
	const char *name;
	enum tp_msg label;
	bool text_area;
} tp_fields[] = {
    {"name", TP_MSG_NAME, false},
    {"owner", TP_MSG_OWNER, false},
    {"customer_problem", TP_MSG_PROBLEM, true},
    {"customer_goal", TP_MSG_GOAL, true},
    {"customer_mood", TP_MSG_MOOD, true},
};

/* Which input a journey validation message is about. */
static const char *field_of_message(const char *msg)
{
	static const char *const keys[] = {"customer_problem", "customer_goal", "customer_mood",
					   "owner", "phase", "channel", "name", "id"};
	if (!msg)
		return NULL;
	if (strstr(msg, "duplicate id") || strstr(msg, ": id \""))
		return "id";
	if (strstr(msg, "unknown phase"))
		return "phase";
	if (strstr(msg, "unknown channel"))
		return "channel";
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		char pat[40];
		snprintf(pat, sizeof pat, "\"%s\" ", keys[i]);
		if (strstr(msg, pat))
			return keys[i];
		snprintf(pat, sizeof pat, "missing \"%s\"", keys[i]);
		if (strstr(msg, pat))
			return keys[i];
	}
	return NULL;
}

static void field_error(struct tp_buf *b, const struct edit_state *st, const char *action,
			const char *field, enum tp_lang lang)
{
	if (!st || !st->error || !st->field || !st->action || strcmp(st->action, action) != 0 ||
	    strcmp(st->field, field) != 0)
		return;
	tp_buf_printf(b, "<p class=\"field-error\" id=\"%s-%s-error\">%s ", action, field,
		      tp_msg(lang, TP_MSG_FIELD_ERROR));
	tp_html_escape(b, st->error);
	tp_buf_puts(b, "</p>\n");
}

/* The value to show in an input: the posted one after a failed change of
 * this form, else `current`. */
static const char *shown(const struct edit_state *st, const char *action, const char *field,
			 const char *current)
{
	if (st && st->form && st->action && strcmp(st->action, action) == 0) {
		const char *v = web_form_get(st->form, field);
		return v ? v : "";
	}
	return current ? current : "";
}

/* --- rendering --- */

/* Opens a one-button (or few-input) form posting an action. */
static void form_open(struct tp_buf *b, enum tp_lang lang, const char *csrf, const char *action,
		      const char *id, const char *cls)
{
	tp_buf_printf(b, "<form method=\"post\" action=\"/admin/journey?lang=%s\"%s%s%s>",
		      tp_lang_code(lang), cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	admin_csrf_field(b, csrf);
	tp_buf_printf(b, "<input type=\"hidden\" name=\"action\" value=\"%s\">", action);
	if (id) {
		tp_buf_puts(b, "<input type=\"hidden\" name=\"id\" value=\"");
		tp_html_escape(b, id);
		tp_buf_puts(b, "\">");
	}
}

/* A labelled input; its id is "ACTION-NAME" so the forms of one page
 * never share an id. */
static void text_input(struct tp_buf *b, const char *action, const char *label, const char *name,
		       const char *value, bool invalid)
{
	tp_buf_printf(b,
		      "<label for=\"%s-%s\">%s</label> <input type=\"text\" id=\"%s-%s\" "
		      "name=\"%s\"",
		      action, name, label, action, name, name);
	if (invalid)
		tp_buf_printf(b, " aria-invalid=\"true\" aria-describedby=\"%s-%s-error\"", action,
			      name);
	tp_buf_puts(b, " value=\"");
	tp_html_escape(b, value);
	tp_buf_puts(b, "\">\n");
}

static bool is_invalid(const struct edit_state *st, const char *action, const char *field)
{
	return st && st->error && st->field && st->action && strcmp(st->action, action) == 0 &&
	       strcmp(st->field, field) == 0;
}

/* Phases or channels: a table with rename, move and delete forms, then
 * the form adding one. */
static void named_section(struct tp_buf *b, enum tp_lang lang, const char *csrf,
			  const char *kind, enum tp_msg title, size_t n, const void *items,
			  size_t stride, const struct edit_state *st)
{
	char action[32];
	tp_buf_printf(b, "<h2>%s</h2>\n<table class=\"admin %ss\">\n<tr><th>%s</th><th>%s</th>"
			 "<th></th></tr>\n",
		      tp_msg(lang, title), kind, tp_msg(lang, TP_MSG_ID), tp_msg(lang, TP_MSG_NAME));
	for (size_t i = 0; i < n; i++) {
		char *const *pair = (char *const *)((const char *)items + i * stride);
		tp_buf_puts(b, "<tr><td>");
		tp_html_escape(b, pair[0]);
		tp_buf_puts(b, "</td><td>");
		snprintf(action, sizeof action, "%s_rename", kind);
		form_open(b, lang, csrf, action, pair[0], NULL);
		tp_buf_printf(b, "<input type=\"text\" name=\"name\" aria-label=\"%s\" value=\"",
			      tp_msg(lang, TP_MSG_NAME));
		tp_html_escape(b, pair[1]);
		tp_buf_printf(b, "\"> <button type=\"submit\">%s</button></form></td><td>",
			      tp_msg(lang, TP_MSG_RENAME));
		snprintf(action, sizeof action, "%s_move", kind);
		if (i > 0) {
			form_open(b, lang, csrf, action, pair[0], NULL);
			tp_buf_printf(b,
				      "<input type=\"hidden\" name=\"dir\" value=\"up\">"
				      "<button type=\"submit\">%s</button></form> ",
				      tp_msg(lang, TP_MSG_MOVE_UP));
		}
		if (i + 1 < n) {
			form_open(b, lang, csrf, action, pair[0], NULL);
			tp_buf_printf(b,
				      "<input type=\"hidden\" name=\"dir\" value=\"down\">"
				      "<button type=\"submit\">%s</button></form> ",
				      tp_msg(lang, TP_MSG_MOVE_DOWN));
		}
		snprintf(action, sizeof action, "%s_delete", kind);
		form_open(b, lang, csrf, action, pair[0], NULL);
		tp_buf_printf(b, "<button type=\"submit\">%s</button></form></td></tr>\n",
			      tp_msg(lang, TP_MSG_DELETE));
	}
	tp_buf_puts(b, "</table>\n");
	snprintf(action, sizeof action, "%s_add", kind);
	form_open(b, lang, csrf, action, NULL, "edit");
	text_input(b, action, tp_msg(lang, TP_MSG_ID), "id", shown(st, action, "id", ""),
		   is_invalid(st, action, "id"));
	field_error(b, st, action, "id", lang);
	text_input(b, action, tp_msg(lang, TP_MSG_NAME), "name", shown(st, action, "name", ""),
		   is_invalid(st, action, "name"));
	field_error(b, st, action, "name", lang);
	tp_buf_printf(b, "<button type=\"submit\">%s</button></form>\n", tp_msg(lang, TP_MSG_ADD));
}

static void select_of(struct tp_buf *b, enum tp_lang lang, const char *action, const char *name,
		      enum tp_msg label, size_t n, const void *items, size_t stride,
		      const char *selected, bool invalid)
{
	tp_buf_printf(b, "<label for=\"%s-%s\">%s</label> <select id=\"%s-%s\" name=\"%s\"%s>",
		      action, name, tp_msg(lang, label), action, name, name,
		      invalid ? " aria-invalid=\"true\"" : "");
	for (size_t i = 0; i < n; i++) {
		char *const *pair = (char *const *)((const char *)items + i * stride);
		tp_buf_puts(b, "<option value=\"");
		tp_html_escape(b, pair[0]);
		tp_buf_printf(b, "\"%s>", selected && strcmp(selected, pair[0]) == 0
					      ? " selected"
					      : "");
		tp_html_escape(b, pair[1]);
		tp_buf_puts(b, "</option>");
	}
	tp_buf_puts(b, "</select>\n");
}

/* The inputs of a touchpoint form (add when t is NULL, else edit). */
static void touchpoint_inputs(struct tp_buf *b, enum tp_lang lang, const struct tp_journey *j,
			      const struct tp_touchpoint *t, const char *action,
			      const struct edit_state *st)
{
	if (!t) {
		text_input(b, action, tp_msg(lang, TP_MSG_ID), "id", shown(st, action, "id", ""),
			   is_invalid(st, action, "id"));
		field_error(b, st, action, "id", lang);
	}
	const char *values[] = {t ? t->name : NULL, t ? t->owner : NULL,
				t ? t->customer_problem : NULL, t ? t->customer_goal : NULL,
				t ? t->customer_mood : NULL};
	for (size_t i = 0; i < sizeof tp_fields / sizeof tp_fields[0]; i++) {
		const struct tp_field *fd = &tp_fields[i];
		const char *v = shown(st, action, fd->name, values[i]);
		bool bad = is_invalid(st, action, fd->name);
		if (!fd->text_area) {
			text_input(b, action, tp_msg(lang, fd->label), fd->name, v, bad);
		} else {
			tp_buf_printf(b,
				      "<label for=\"%s-%s\">%s</label> <textarea id=\"%s-%s\" "
				      "name=\"%s\" rows=\"2\"%s>",
				      action, fd->name, tp_msg(lang, fd->label), action, fd->name,
				      fd->name,
				      bad ? " aria-invalid=\"true\"" : "");
			tp_html_escape(b, v);
			tp_buf_puts(b, "</textarea>\n");
		}
		field_error(b, st, action, fd->name, lang);
		if (i == 0) {
			select_of(b, lang, action, "phase", TP_MSG_PHASE, j->n_phases, j->phases,
				  sizeof *j->phases, shown(st, action, "phase", t ? t->phase : NULL),
				  is_invalid(st, action, "phase"));
			field_error(b, st, action, "phase", lang);
			select_of(b, lang, action, "channel", TP_MSG_CHANNEL, j->n_channels, j->channels,
				  sizeof *j->channels,
				  shown(st, action, "channel", t ? t->channel : NULL),
				  is_invalid(st, action, "channel"));
			field_error(b, st, action, "channel", lang);
		}
	}
}

static const char *name_of(size_t n, const void *items, size_t stride, const char *id)
{
	for (size_t i = 0; i < n; i++) {
		char *const *pair = (char *const *)((const char *)items + i * stride);
		if (strcmp(pair[0], id) == 0)
			return pair[1];
	}
	return id;
}

static void touchpoint_section(struct tp_buf *b, enum tp_lang lang, const char *csrf,
			       const struct tp_journey *j, const int64_t *counts,
			       const struct edit_state *st)
{
	const char *code = tp_lang_code(lang);
	tp_buf_printf(b,
		      "<h2>%s</h2>\n<table class=\"admin touchpoints\">\n<tr><th>%s</th><th>%s</th>"
		      "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th></th></tr>\n",
		      tp_msg(lang, TP_MSG_TOUCHPOINTS), tp_msg(lang, TP_MSG_ID),
		      tp_msg(lang, TP_MSG_NAME), tp_msg(lang, TP_MSG_PHASE),
		      tp_msg(lang, TP_MSG_CHANNEL), tp_msg(lang, TP_MSG_OWNER),
		      tp_msg(lang, TP_MSG_RESPONSES));
	for (size_t i = 0; i < j->n_touchpoints; i++) {
		const struct tp_touchpoint *t = &j->touchpoints[i];
		tp_buf_puts(b, "<tr><td>");
		tp_html_escape(b, t->id);
		tp_buf_puts(b, "</td><td>");
		tp_html_escape(b, t->name);
		tp_buf_puts(b, "</td><td>");
		tp_html_escape(b, name_of(j->n_phases, j->phases, sizeof *j->phases, t->phase));
		tp_buf_puts(b, "</td><td>");
		tp_html_escape(b,
			       name_of(j->n_channels, j->channels, sizeof *j->channels, t->channel));
		tp_buf_puts(b, "</td><td>");
		tp_html_escape(b, t->owner);
		tp_buf_printf(b, "</td><td class=\"num\">%lld</td><td><a href=\"/admin/t/",
			      (long long)(counts ? counts[i] : 0));
		tp_url_escape(b, t->id);
		tp_buf_printf(b, "?lang=%s\">%s</a> ", code, tp_msg(lang, TP_MSG_EDIT));
		form_open(b, lang, csrf, "touchpoint_delete", t->id, NULL);
		tp_buf_printf(b, "<button type=\"submit\">%s</button></form></td></tr>\n",
			      tp_msg(lang, TP_MSG_DELETE));
	}
	tp_buf_printf(b, "</table>\n<h3>%s</h3>\n", tp_msg(lang, TP_MSG_ADD));
	form_open(b, lang, csrf, "touchpoint_add", NULL, "edit");
	touchpoint_inputs(b, lang, j, NULL, "touchpoint_add", st);
	tp_buf_printf(b, "<button type=\"submit\">%s</button></form>\n", tp_msg(lang, TP_MSG_ADD));
}

/* The form that gives an empty journey its first phase and channel. */
static void start_section(struct tp_buf *b, enum tp_lang lang, const char *csrf,
			  const struct edit_state *st)
{
	static const struct {
		const char *name;
		enum tp_msg a, b;
	} inputs[] = {{"journey_name", TP_MSG_JOURNEY_NAME, TP_MSG_COUNT},
		      {"phase_id", TP_MSG_PHASE, TP_MSG_ID},
		      {"phase_name", TP_MSG_PHASE, TP_MSG_NAME},
		      {"channel_id", TP_MSG_CHANNEL, TP_MSG_ID},
		      {"channel_name", TP_MSG_CHANNEL, TP_MSG_NAME}};
	tp_buf_printf(b, "<p>%s</p>\n", tp_msg(lang, TP_MSG_START_JOURNEY));
	form_open(b, lang, csrf, "start", NULL, "edit");
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		char label[128];
		snprintf(label, sizeof label, "%s%s%s", tp_msg(lang, inputs[i].a),
			 inputs[i].b == TP_MSG_COUNT ? "" : ": ",
			 inputs[i].b == TP_MSG_COUNT ? "" : tp_msg(lang, inputs[i].b));
		text_input(b, "start", label, inputs[i].name, shown(st, "start", inputs[i].name, ""),
			   is_invalid(st, "start", inputs[i].name));
		field_error(b, st, "start", inputs[i].name, lang);
	}
	tp_buf_printf(b, "<button type=\"submit\">%s</button></form>\n", tp_msg(lang, TP_MSG_SAVE));
}


/* The result of the last change, from the redirect's query string. */
static void notice(struct tp_buf *b, const struct web_request *req, enum tp_lang lang)
{
	if (!web_param(req, "saved"))
		return;
	tp_buf_printf(b, "<p class=\"notice\" role=\"status\">%s", tp_msg(lang, TP_MSG_SAVED));
	const char *un = web_param(req, "unassigned");
	char *end = NULL;
	long long n = un ? strtoll(un, &end, 10) : 0;
	if (un && *un && !*end && n > 0)
		tp_buf_printf(b, " %s %lld", tp_msg(lang, TP_MSG_UNASSIGNED), n);
	tp_buf_puts(b, "</p>\n");
}

static void error_box(struct tp_buf *b, enum tp_lang lang, const struct edit_state *st)
{
	if (!st || !st->error)
		return;
	tp_buf_puts(b, "<p class=\"error\" role=\"alert\">");
	tp_html_escape(b, st->error);
	tp_buf_printf(b, " %s</p>\n", tp_msg(lang, TP_MSG_NOTHING_CHANGED));
}

/* Loads the journey and its response counts; false with an error page. */
static bool load(const struct web_request *req, struct web_reply *rep, enum tp_lang lang,
		 struct tp_journey **j, int64_t **counts)
{
	struct tp_error err;
	*counts = NULL;
	enum tp_status st = tp_store_journey_load(req->store, j, &err);
	if (st == TP_OK) {
		*counts = calloc((*j)->n_touchpoints + 1, sizeof **counts);
		st = *counts ? tp_store_touchpoint_counts(req->store, *j, *counts, &err)
			     : tp_error_set(&err, TP_ENOMEM, "out of memory");
	}
	if (st == TP_OK)
		return true;
	page_error(rep, lang, 503, err.message);
	return false;
}

static void journey_page(const struct web_request *req, struct web_reply *rep, enum tp_lang lang,
			 unsigned status, const struct edit_state *st)
{
	struct tp_journey *j = NULL;
	int64_t *counts = NULL;
	char csrf[WEB_CSRF_LEN + 1];
	if (!web_csrf_token(req, rep, csrf)) {
		page_error(rep, lang, 503, "cannot make a random token");
		return;
	}
	if (!load(req, rep, lang, &j, &counts))
		goto out;
	struct tp_buf b;
	tp_buf_init(&b);
	admin_begin(&b, lang, tp_msg(lang, TP_MSG_ADMIN_JOURNEY), "/admin?");
	notice(&b, req, lang);
	error_box(&b, lang, st);
	if (j->n_phases == 0 || j->n_channels == 0) {
		start_section(&b, lang, csrf, st);
	} else {
		form_open(&b, lang, csrf, "journey_rename", NULL, "edit");
		text_input(&b, "journey_rename", tp_msg(lang, TP_MSG_JOURNEY_NAME), "name",
			   shown(st, "journey_rename", "name", j->name),
			   is_invalid(st, "journey_rename", "name"));
		field_error(&b, st, "journey_rename", "name", lang);
		tp_buf_printf(&b, "<button type=\"submit\">%s</button></form>\n",
			      tp_msg(lang, TP_MSG_RENAME));
		named_section(&b, lang, csrf, "phase", TP_MSG_PHASES, j->n_phases, j->phases,
			      sizeof *j->phases, st);
		named_section(&b, lang, csrf, "channel", TP_MSG_CHANNELS, j->n_channels,
			      j->channels, sizeof *j->channels, st);
		touchpoint_section(&b, lang, csrf, j, counts, st);
	}
	tp_html_end(&b);
	page_send(rep, &b, false);
	if (rep->content_type)
		rep->status = status;
out:
	free(counts);
	tp_journey_free(j);
}

void web_page_admin(const struct web_request *req, struct web_reply *rep)
{
	journey_page(req, rep, admin_lang(req, rep), 200, NULL);
}

/* The id segment of /admin/t/{id}, URL-decoded by the server already. */
static const char *path_id(const char *path)
{
	return path + strlen("/admin/t/");
}

static void touchpoint_page(const struct web_request *req, struct web_reply *rep,
			    enum tp_lang lang, const char *id, unsigned status,
			    const struct edit_state *st)
{
	struct tp_journey *j = NULL;
	int64_t *counts = NULL;
	char csrf[WEB_CSRF_LEN + 1];
	if (!web_csrf_token(req, rep, csrf)) {
		page_error(rep, lang, 503, "cannot make a random token");
		return;
	}
	if (!load(req, rep, lang, &j, &counts))
		goto out;
	const struct tp_touchpoint *t = tp_journey_touchpoint(j, id);
	if (!t) {
		page_error(rep, lang, 404, "no such touchpoint");
		goto out;
	}
	struct tp_buf b;
	tp_buf_init(&b);
	admin_begin(&b, lang, t->name, "?");
	error_box(&b, lang, st);
	tp_buf_printf(&b, "<p>%s: <code>", tp_msg(lang, TP_MSG_ID));
	tp_html_escape(&b, t->id);
	tp_buf_printf(&b, "</code> · %s: %lld</p>\n", tp_msg(lang, TP_MSG_RESPONSES),
		      (long long)counts[t - j->touchpoints]);
	form_open(&b, lang, csrf, "touchpoint_edit", t->id, "edit");
	touchpoint_inputs(&b, lang, j, t, "touchpoint_edit", st);
	tp_buf_printf(&b, "<button type=\"submit\">%s</button></form>\n",
		      tp_msg(lang, TP_MSG_SAVE));
	form_open(&b, lang, csrf, "touchpoint_delete", t->id, NULL);
	tp_buf_printf(&b, "<p><button type=\"submit\">%s</button></p></form>\n",
		      tp_msg(lang, TP_MSG_DELETE));
	tp_html_end(&b);
	page_send(rep, &b, false);
	if (rep->content_type)
		rep->status = status;
out:
	free(counts);
	tp_journey_free(j);
}

void web_page_admin_touchpoint(const struct web_request *req, struct web_reply *rep)
{
	touchpoint_page(req, rep, admin_lang(req, rep), path_id(req->path), 200, NULL);
}

/* --- changes --- */

/* A change being made: the journey as JSON and why it was refused. */
struct change {
	json_t *doc;
	char error[600];
	const char *field;
};

static bool refuse(struct change *c, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool refuse(struct change *c, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->error, sizeof c->error, fmt, ap);
	va_end(ap);
	c->field = field;
	return false;
}

/* The index of the item with this id in the array, or -1. */
static long find(json_t *arr, const char *id)
{
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const char *v = json_string_value(json_object_get(json_array_get(arr, i), "id"));
		if (v && strcmp(v, id) == 0)
			return (long)i;
	}
	return -1;
}

/* Sets member key to the string v, or removes it when v is empty and the
 * member is optional. jansson refuses text that is not UTF-8: that is
 * reported against the field. */
static bool set_text(struct change *c, json_t *obj, const char *key, const char *v, bool optional)
{
	if (optional && !*v) {
		json_object_del(obj, key);
		return true;
	}
	json_t *s = json_string(v);
	if (!s)
		return refuse(c, key, "\"%s\": the text is not valid UTF-8", key);
	json_object_set_new(obj, key, s);
	return true;
}

static bool add_named(struct change *c, const char *kind, const struct web_form *f)
{
	json_t *arr = json_object_get(c->doc, kind);
	json_t *item = json_object();
	json_array_append_new(arr, item);
	return set_text(c, item, "id", admin_field(f, "id"), false) &&
	       set_text(c, item, "name", admin_field(f, "name"), false);
}

/* Finds the item the form's id names; refuses when it is gone. */
static json_t *item_of(struct change *c, const char *kind, const char *what,
		       const struct web_form *f, long *index)
{
	const char *id = admin_field(f, "id");
	json_t *arr = json_object_get(c->doc, kind);
	*index = find(arr, id);
	if (*index < 0) {
		refuse(c, "id", "%s \"%.200s\" does not exist (any more)", what, id);
		return NULL;
	}
	return json_array_get(arr, (size_t)*index);
}

static bool move_named(struct change *c, const char *kind, const char *what,
		       const struct web_form *f)
{
	long i;
	json_t *item = item_of(c, kind, what, f, &i);
	if (!item)
		return false;
	const char *dir = admin_field(f, "dir");
	json_t *arr = json_object_get(c->doc, kind);
	long to = strcmp(dir, "up") == 0 ? i - 1 : strcmp(dir, "down") == 0 ? i + 1 : -2;
	if (to == -2)
		return refuse(c, "dir", "dir: expected up or down");
	if (to < 0 || (size_t)to >= json_array_size(arr))
		return refuse(c, "dir", "%s \"%.200s\" is already %s", what,
			      admin_field(f, "id"), to < 0 ? "first" : "last");
	json_incref(item);
	json_array_remove(arr, (size_t)i);
	json_array_insert_new(arr, (size_t)to, item);
	return true;
}

/* Phases and channels still used by a touchpoint are not deleted: the
 * refusal names the touchpoints to move or delete first. */
static bool delete_named(struct change *c, const char *kind, const char *what,
			 const char *member, const struct web_form *f)
{
	long i;
	if (!item_of(c, kind, what, f, &i))
		return false;
	const char *id = admin_field(f, "id");
	json_t *tps = json_object_get(c->doc, "touchpoints");
	char used[300] = "";
	size_t n_used = 0, len = 0;
	for (size_t k = 0; k < json_array_size(tps); k++) {
		json_t *t = json_array_get(tps, k);
		const char *v = json_string_value(json_object_get(t, member));
		if (!v || strcmp(v, id) != 0)
			continue;
		if (n_used++ < 5 && len < sizeof used) {
			int w = snprintf(used + len, sizeof used - len, "%s\"%s\"", len ? ", " : "",
					 json_string_value(json_object_get(t, "id")));
			len += w > 0 ? (size_t)w : 0;
		}
	}
	if (n_used > 0)
		return refuse(c, "id",
			      "%s \"%.200s\" still has %zu touchpoint%s (%s%s): move or delete "
			      "them first",
			      what, id, n_used, n_used == 1 ? "" : "s", used,
			      n_used > 5 ? ", ..." : "");
	json_array_remove(json_object_get(c->doc, kind), (size_t)i);
	return true;
}

static bool fill_touchpoint(struct change *c, json_t *t, const struct web_form *f)
{
	if (!set_text(c, t, "phase", admin_field(f, "phase"), false) ||
	    !set_text(c, t, "channel", admin_field(f, "channel"), false))
		return false;
	for (size_t i = 0; i < sizeof tp_fields / sizeof tp_fields[0]; i++)
		if (!set_text(c, t, tp_fields[i].name, admin_field(f, tp_fields[i].name), i > 0))
			return false;
	return true;
}

static bool start(struct change *c, const struct web_form *f)
{
	if (json_array_size(json_object_get(c->doc, "phases")) > 0)
		return refuse(c, NULL, "the journey has phases already");
	json_t *phase = json_object(), *channel = json_object();
	json_array_append_new(json_object_get(c->doc, "phases"), phase);
	json_array_append_new(json_object_get(c->doc, "channels"), channel);
	if (!set_text(c, c->doc, "name", admin_field(f, "journey_name"), false) ||
	    !set_text(c, phase, "id", admin_field(f, "phase_id"), false) ||
	    !set_text(c, phase, "name", admin_field(f, "phase_name"), false) ||
	    !set_text(c, channel, "id", admin_field(f, "channel_id"), false) ||
	    !set_text(c, channel, "name", admin_field(f, "channel_name"), false))
		return false;
	return true;
}

/* Applies the form's action to c->doc; false with c->error set. */
static bool apply(struct change *c, const char *action, const struct web_form *f)
{
	long i;
	json_t *t;
	if (strcmp(action, "start") == 0)
		return start(c, f);
	if (strcmp(action, "journey_rename") == 0)
		return set_text(c, c->doc, "name", admin_field(f, "name"), false);
	if (strcmp(action, "phase_add") == 0)
		return add_named(c, "phases", f);
	if (strcmp(action, "channel_add") == 0)
		return add_named(c, "channels", f);
	if (strcmp(action, "phase_rename") == 0 || strcmp(action, "channel_rename") == 0) {
		bool phase = action[0] == 'p';
		t = item_of(c, phase ? "phases" : "channels", phase ? "phase" : "channel", f, &i);
		return t && set_text(c, t, "name", admin_field(f, "name"), false);
	}
	if (strcmp(action, "phase_move") == 0)
		return move_named(c, "phases", "phase", f);
	if (strcmp(action, "channel_move") == 0)
		return move_named(c, "channels", "channel", f);
	if (strcmp(action, "phase_delete") == 0)
		return delete_named(c, "phases", "phase", "phase", f);
	if (strcmp(action, "channel_delete") == 0)
		return delete_named(c, "channels", "channel", "channel", f);
	if (strcmp(action, "touchpoint_add") == 0) {
		t = json_object();
		json_array_append_new(json_object_get(c->doc, "touchpoints"), t);
		return set_text(c, t, "id", admin_field(f, "id"), false) &&
		       fill_touchpoint(c, t, f);
	}
	if (strcmp(action, "touchpoint_edit") == 0) {
		t = item_of(c, "touchpoints", "touchpoint", f, &i);
		return t && fill_touchpoint(c, t, f);
	}
	if (strcmp(action, "touchpoint_delete") == 0) {
		if (!item_of(c, "touchpoints", "touchpoint", f, &i))
			return false;
		json_array_remove(json_object_get(c->doc, "touchpoints"), (size_t)i);
		return true;
	}
	return refuse(c, NULL, "unknown action \"%.100s\"", action);
}

/* Asks before a touchpoint with responses is deleted. */
static void confirm_page(const struct web_request *req, struct web_reply *rep, enum tp_lang lang,
			 const struct tp_touchpoint *t, int64_t responses)
{
	char csrf[WEB_CSRF_LEN + 1];
	if (!web_csrf_token(req, rep, csrf)) {
		page_error(rep, lang, 503, "cannot make a random token");
		return;
	}
	struct tp_buf b;
	tp_buf_init(&b);
	admin_begin(&b, lang, tp_msg(lang, TP_MSG_CONFIRM_DELETE), "/admin?");
	tp_buf_puts(&b, "<p><strong>");
	tp_html_escape(&b, t->name);
	tp_buf_puts(&b, "</strong> (<code>");
	tp_html_escape(&b, t->id);
	tp_buf_printf(&b, "</code>)</p>\n<p class=\"error\" role=\"alert\">%s "
			  "<strong class=\"unassigned\">%lld</strong></p>\n",
		      tp_msg(lang, TP_MSG_CONFIRM_TEXT), (long long)responses);
	form_open(&b, lang, csrf, "touchpoint_delete", t->id, NULL);
	tp_buf_printf(&b,
		      "<input type=\"hidden\" name=\"confirm\" value=\"%lld\">"
		      "<button type=\"submit\">%s</button></form>\n"
		      "<p><a href=\"/admin?lang=%s\">%s</a></p>\n",
		      (long long)responses, tp_msg(lang, TP_MSG_CONFIRM), tp_lang_code(lang),
		      tp_msg(lang, TP_MSG_CANCEL));
	tp_html_end(&b);
	page_send(rep, &b, false);
	if (rep->content_type)
		rep->status = 409;
}

/* Shows the form the change came from again, with why it was refused. */
static void refused(const struct web_request *req, struct web_reply *rep, enum tp_lang lang,
		    const char *action, const struct web_form *f, const struct change *c,
		    unsigned status)
{
	struct edit_state st = {.action = action, .error = c->error, .field = c->field, .form = f};
	if (strcmp(action, "touchpoint_edit") == 0 && *admin_field(f, "id"))
		touchpoint_page(req, rep, lang, admin_field(f, "id"), status, &st);
	else
		journey_page(req, rep, lang, status, &st);
}

/* The input of the start form a validation message is about: the model
 * names "phase 1", "channel 1" or "journey"; the form's inputs are
 * phase_id, phase_name, channel_id, channel_name and journey_name. */
static const char *start_field(const char *msg, const char *field)
{
	static const char *const names[][3] = {{"phase", "phase_id", "phase_name"},
					       {"channel", "channel_id", "channel_name"}};
	for (size_t i = 0; i < 2 && field; i++)
		if (strncmp(msg, names[i][0], strlen(names[i][0])) == 0)
			return strcmp(field, "id") == 0 ? names[i][1] : names[i][2];
	return strncmp(msg, "journey", 7) == 0 ? "journey_name" : field;
}

/* Runs one change under the edit lock: validate, confirm, replace. */
static void change_journey(const struct web_request *req, struct web_reply *rep,
			   enum tp_lang lang, const char *action, const struct web_form *f)
{
	struct change c = {0};
	struct tp_journey *old = NULL, *now = NULL;
	int64_t *counts = NULL, unassigned = 0;
	char *text = NULL;
	struct tp_error err;
	unsigned status = 400;
	if (!load(req, rep, lang, &old, &counts))
		return;
	char *json = tp_journey_to_json(old);
	c.doc = json ? json_loads(json, 0, NULL) : NULL;
	free(json);
	if (!c.doc) {
		page_error(rep, lang, 503, "out of memory");
		goto out;
	}
	if (!apply(&c, action, f))
		goto fail;
	text = json_dumps(c.doc, JSON_COMPACT);
	enum tp_status st = text ? tp_journey_from_json(text, strlen(text), &now, &err)
				 : tp_error_set(&err, TP_ENOMEM, "out of memory");
	if (st != TP_OK) {
		refuse(&c, field_of_message(err.message), "%s", err.message);
		if (strcmp(action, "start") == 0)
			c.field = start_field(err.message, c.field);
		goto fail;
	}
	bool confirmed = false;
	if (strcmp(action, "touchpoint_delete") == 0) {
		const struct tp_touchpoint *t = tp_journey_touchpoint(old, admin_field(f, "id"));
		int64_t responses = t ? counts[t - old->touchpoints] : 0;
		/* The confirmation holds the count it showed: when answers came in
		 * since, the new count is shown and confirmed again. */
		char shown_count[32];
		snprintf(shown_count, sizeof shown_count, "%lld", (long long)responses);
		confirmed = responses > 0 && strcmp(admin_field(f, "confirm"), shown_count) == 0;
		if (responses > 0 && !confirmed) {
			confirm_page(req, rep, lang, t, responses);
			goto out;
		}
	}
	st = tp_store_journey_replace(req->store, now, confirmed, &unassigned, &err);
	if (st == TP_OK) {
		char to[128];
		snprintf(to, sizeof to, "/admin?lang=%s&saved=1&unassigned=%lld",
			 tp_lang_code(lang), (long long)unassigned);
		admin_redirect(rep, to);
		goto out;
	}
	refuse(&c, NULL, "%s", err.message);
	if (st != TP_EINPUT && st != TP_ECONFLICT)
		status = 503;
fail:
	refused(req, rep, lang, action, f, &c, status);
out:
	free(text);
	json_decref(c.doc);
	tp_journey_free(now);
	tp_journey_free(old);
	free(counts);
}

void web_page_admin_journey_post(const struct web_request *req, struct web_reply *rep)
{
	enum tp_lang lang = admin_lang(req, rep);
	struct web_form f;
	if (admin_post_begin(req, rep, lang, &f)) {
		pthread_mutex_lock(&edit_lock);
		change_journey(req, rep, lang, admin_field(&f, "action"), &f);
		pthread_mutex_unlock(&edit_lock);
	}
	web_form_free(&f);
}
