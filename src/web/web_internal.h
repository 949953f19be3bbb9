/* web/web_internal.h - what the server's files share (internal).
 *
 * web/server.c speaks HTTP (libmicrohttpd): it reads a request within the
 * limits, lends it a store connection and hands it to the router
 * (web/api.c) as a struct web_request; the router fills a struct
 * web_reply, which the server sends and logs (web/access_log.c). The
 * router never sees libmicrohttpd. */
#ifndef TP_WEB_INTERNAL_H
#define TP_WEB_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "touchpoint/query.h"
#include "touchpoint/store.h"
#include "touchpoint/web.h"

/* The dataset every indicator request reads, shared by the workers:
 * brought up to date (cheap when nothing is new) under the write lock, then
 * read by any number of requests at once under the read lock. Writers are
 * preferred, so a stream of page views cannot hold back new answers. */
struct web_dataset {
	pthread_rwlock_t lock;
	struct tp_dataset *ds; /* NULL until the first indicator request */
};

struct web_request;
struct web_reply;

/* suspend: a write that a handler hands to the group commit writer
 * (store/group_commit.h) once the request is checked. work runs on the
 * writer's connection inside its transaction (it may run twice, see
 * tp_group_work_fn); finish then builds the reply from work's status (or
 * the commit's failure, with err) and frees ctx. finish gets the request
 * again but no store (req->store is NULL): what it shows must be in ctx. */
struct web_pending {
	enum tp_status (*work)(struct tp_store *writer, void *ctx, struct tp_error *err);
	void (*finish)(const struct web_request *req, struct web_reply *rep, void *ctx,
		       enum tp_status status, const struct tp_error *err);
	void *ctx; /* owned: finish frees it */
};

/* Commits p's work and has p->finish fill rep (web/server.c). When the
 * server can suspend the connection (req->pending set), it only records p
 * and returns at once, leaving rep empty: the server queues the work,
 * suspends the connection and, once the group is committed, calls finish
 * and sends the reply, with no thread waiting meanwhile. Otherwise (a
 * request built by a test) it runs the work and finish now. */
void web_commit(const struct web_request *req, struct web_reply *rep,
		const struct web_pending *p);

/* Initialises d's lock (writer-preferring) with no dataset. */
void web_dataset_init(struct web_dataset *d);
/* Frees the dataset and the lock. */
void web_dataset_destroy(struct web_dataset *d);

/* Brings the shared dataset up to date from req's store (opening it on
 * first use, loading text sentiment when `sentiment`), then returns it
 * held for reading. NULL (nothing held) with err filled on failure.
 * Release with web_dataset_release(). */
const struct tp_dataset *web_dataset_acquire(const struct web_request *req, bool sentiment,
					     struct tp_error *err);
void web_dataset_release(const struct web_request *req);

struct web_param {
	const char *name;
	const char *value;
};

struct web_request {
	const char *method;
	const char *path; /* without the query string */
	size_t n_params;
	const struct web_param *params; /* the query string's, in order */
	const char *content_type;	/* or NULL */
	const char *accept_language;	/* the Accept-Language header, or NULL */
	const char *cookie_lang;	/* the "lang" cookie, or NULL */
	const char *host;		/* the Host header, or NULL */
	const char *listen;		/* the address being served, "127.0.0.1:8080" */
	const char *body;		/* NUL-terminated */
	size_t body_len;
	struct tp_store *store; /* this request's connection */
	struct web_dataset *dataset;
	const struct tp_web_options *opts;
	/* admin pages (webadmin): the CSRF cookie, Origin and Referer, or NULL */
	const char *cookie_csrf;
	const char *origin;
	const char *referer;
	/* suspend: where web_commit() records a write to commit while the
	 * connection is suspended, or NULL (then web_commit() waits) */
	struct web_pending *pending;
};

struct web_reply {
	unsigned status;
	char *text;	   /* the body, malloc'd; the server frees it */
	const char *allow; /* for 405: the methods the path answers */
	const char *content_type; /* NULL: application/json */
	char set_cookie[64];	  /* a Set-Cookie value, or "" */
	/* admin pages (webadmin) */
	size_t text_len;	   /* bytes of a binary body; 0: strlen(text) */
	char set_cookie2[128];	   /* a second Set-Cookie value (CSRF), or "" */
	char location[512];	   /* a Location for 303 See Other, or "" */
};

/* Routes req (web/api.c). Always fills rep with a status and a JSON body
 * (unless out of memory: then text is NULL and the server answers 500). */
void web_route(const struct web_request *req, struct web_reply *rep);

/* The HTML pages (web/pages.c), the stylesheet and their CSV downloads.
 * Each fills rep with text/html (or text/css, text/csv). */
void web_page_map(const struct web_request *req, struct web_reply *rep);
void web_page_touchpoint(const struct web_request *req, struct web_reply *rep);
void web_page_phase(const struct web_request *req, struct web_reply *rep);
void web_page_channel(const struct web_request *req, struct web_reply *rep);
void web_page_respondents(const struct web_request *req, struct web_reply *rep);
void web_page_css(const struct web_request *req, struct web_reply *rep);
/* webperf: GET /favicon.ico, an SVG icon (web/favicon.c). */
void web_page_favicon(const struct web_request *req, struct web_reply *rep);
/* The analysis pages (web/pages_analysis.c): /drivers, /gap, /linkage. */
void web_page_drivers(const struct web_request *req, struct web_reply *rep);
void web_page_gap(const struct web_request *req, struct web_reply *rep);
void web_page_linkage(const struct web_request *req, struct web_reply *rep);

/* The survey pages (web/pages_survey.c): GET and POST /s/{token}, and
 * GET /s/{token}/qr.svg. */
void web_page_survey(const struct web_request *req, struct web_reply *rep);
void web_page_survey_post(const struct web_request *req, struct web_reply *rep);
void web_page_survey_qr(const struct web_request *req, struct web_reply *rep);

/* Admin pages (webadmin: web/pages_admin.c, web/pages_admin_survey.c)
 * and the survey link's PNG QR code (web/pages_survey.c). Every POST
 * passes the CSRF check of web/csrf.c first. */
void web_page_admin(const struct web_request *req, struct web_reply *rep);
void web_page_admin_touchpoint(const struct web_request *req, struct web_reply *rep);
void web_page_admin_journey_post(const struct web_request *req, struct web_reply *rep);
void web_page_admin_surveys(const struct web_request *req, struct web_reply *rep);
void web_page_admin_surveys_post(const struct web_request *req, struct web_reply *rep);
void web_page_admin_surveys_csv(const struct web_request *req, struct web_reply *rep);
void web_page_survey_qr_png(const struct web_request *req, struct web_reply *rep);

/* Query or form parameters of req: web_param the first value of name
 * (possibly ""), web_param_set the last non-empty one; NULL when absent. */
const char *web_param(const struct web_request *req, const char *name);
const char *web_param_set(const struct web_request *req, const char *name);

/* Sets rep to status and the JSON object body (reference stolen), adding
 * the "error" member msg when msg is not NULL. */
void web_reply_json(struct web_reply *rep, unsigned status, json_t *body);
void web_reply_error(struct web_reply *rep, unsigned status, json_t *extra, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* One access log line (web/access_log.c): {"time", "method", "path",
 * "status", "bytes", "duration_ms"}. Never bodies, never query strings. */
void web_log_access(FILE *log, const char *method, const char *path, unsigned status,
		    uint64_t bytes, double duration_ms);

/* outcomes: web/pages_outcomes.c. The outcome by NPS group and the
 * benchmark, as pages (with ?format=csv) and as JSON. */
void web_page_outcomes(const struct web_request *req, struct web_reply *rep);
void web_page_benchmark(const struct web_request *req, struct web_reply *rep);
void web_api_outcomes(const struct web_request *req, struct web_reply *rep);
void web_api_benchmark(const struct web_request *req, struct web_reply *rep);

#endif
