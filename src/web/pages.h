/* web/pages.h - what the page handlers share (internal): the parsed query
 * string, the chosen language, the locked dataset, replies as HTML/CSV.
 *
 * web/pages.c holds the map, phase, channel and respondents pages and
 * these helpers; web/pages_touchpoint.c the touchpoint page. Rendering
 * itself is in src/view/. */
#ifndef TP_WEB_PAGES_H
#define TP_WEB_PAGES_H

#include "touchpoint/analysis.h"
#include "view/view.h"
#include "web/web_internal.h"

/* The query string of a page, checked. Unknown names are ignored. */
struct page_args {
	enum tp_lang lang;
	struct tp_query q; /* metric, from, to, where: the filters */
	const char *metric;
	const char *from, *to; /* as given, for the form */
	size_t n_where;
	const char *where[TP_QUERY_WHERE_MAX]; /* as given */
	char *where_buf[TP_QUERY_WHERE_MAX];
	bool csv;
	const char *table; /* which table the CSV is of, or NULL */
	int64_t page;	   /* comments page, from 1 */
	enum tp_score_group group;
	const char *group_name;
	const char *clang; /* comments' language filter, or NULL */
	const char *seg;   /* segment attribute to compare by, or NULL */
	/* comments by their analysis (textlearn): 0 any */
	int sentiment;     /* 1 positive, 2 neutral, 3 negative */
	int emotion;       /* 1 + enum tp_emotion */
	const char *sentiment_name, *emotion_name; /* as given */
};

/* Parses req's query string and picks the language (?lang=, which also
 * sets the cookie, else the cookie, else Accept-Language). False with an
 * HTML 400 page in rep when a value is bad. Free with page_args_free(). */
bool page_args_parse(const struct web_request *req, struct page_args *a, struct web_reply *rep);
void page_args_free(struct page_args *a);

/* Appends the filter parameters (metric, from, to, where) to a URL being
 * built, each as "&name=value" (values URL-encoded, not HTML-escaped). */
void page_filter_query(struct tp_buf *url, const struct page_args *a);

/* Replies with an HTML error page: status, a title from the language's
 * table and a message (escaped). */
void page_error(struct web_reply *rep, enum tp_lang lang, unsigned status, const char *message);

/* Sends a finished page or CSV buffer (500 when it ran out of memory). */
void page_send(struct web_reply *rep, struct tp_buf *b, bool csv);

/* Locks the shared dataset and brings it up to date; NULL (with an error
 * page in rep, unlocked) on failure. Unlock with page_unlock(). */
const struct tp_dataset *page_lock(const struct web_request *req, enum tp_lang lang,
				   struct web_reply *rep);
void page_unlock(const struct web_request *req);

/* Runs a copy of a->q with `by` dimensions and one extra filter (NAME,
 * VALUE, or NULL). On error, an HTML 400/500 page is put in rep and NULL
 * returned. */
struct tp_report *page_report(const struct tp_dataset *ds, const struct page_args *a,
			      enum tp_metric metric, const struct tp_by *by, size_t n_by,
			      const char *extra_name, const char *extra_value,
			      struct web_reply *rep);

/* The group of a report whose first key is key0 (and second key1 if not
 * NULL), or NULL. */
const struct tp_group *page_group(const struct tp_report *r, const char *key0, const char *key1);

/* Decimals shown for a metric's values (1 for NPS/CSAT, 2 for means). */
int page_decimals(enum tp_metric m);

/* Appends the table cells "value", "n", "ci" of a group (or empty cells). */
void page_value_cells(struct tp_buf *b, const struct tp_group *g, enum tp_metric m,
		      enum tp_lang lang);
/* Appends a CSV "n,value,ci_lo,ci_hi" (decimal point, no grouping). */
void page_value_csv(struct tp_buf *b, const struct tp_group *g, enum tp_metric m);

/* The hidden form fields that carry the filters (for forms that change
 * something else). */
void page_hidden_filters(struct tp_buf *b, const struct page_args *a);

/* Form pieces: an <option> (value and label are constants), a labelled
 * text input (value escaped), the filter form (metric, from, to, where)
 * submitting to action. */
void page_option(struct tp_buf *b, const char *value, const char *label, bool selected);
void page_text_input(struct tp_buf *b, const char *label, const char *name, const char *value,
		     const char *placeholder);
void page_filter_form(struct tp_buf *b, const struct page_args *a, const char *action);
/* The pieces of such forms, for pages with fields of their own: the form's
 * start (action, the language kept), the period and segment filter inputs,
 * and the Apply button with the form's end. */
void page_form_open(struct tp_buf *b, const struct page_args *a, const char *action);
void page_period_inputs(struct tp_buf *b, const struct page_args *a);
void page_form_submit(struct tp_buf *b, enum tp_lang lang);

/* The current URL (path, filters, then `extra`, already URL-encoded)
 * ending in "&", HTML-escaped for an attribute; the caller frees it. */
char *page_self_url(const char *path, const struct page_args *a, const char *extra);

/* A "Download CSV" link to path?format=csv[&table=table] and the filters. */
void page_csv_link(struct tp_buf *b, const struct page_args *a, const char *path,
		   const char *table);

/* The map's analysis marks (web/pages_analysis.c): a flag's mark in a cell
 * (nothing for TP_FLAG_NONE); below the map, the flags' legend and the
 * staff estimates against the measured scores (either may be NULL). */
void page_flag_mark(struct tp_buf *b, enum tp_lang lang, int flag);
void page_map_analysis(struct tp_buf *b, const struct page_args *a,
		       const struct tp_journey *j, const struct tp_flags *flags,
		       const struct tp_estimates *est);

#endif
