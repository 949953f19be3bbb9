/* web/server.c - the HTTP side of `touchpoint serve`, on libmicrohttpd.
 *
 * An internal epoll thread pool (one thread per core unless told) reads
 * requests; this file enforces the limits (URL, headers, query parameters,
 * body), lends each request one of a pool of store connections (a store is
 * used by one thread at a time), passes it to the router (web/api.c), sends
 * the JSON reply and writes the access log line when the request is done.
 * Shutting down stops accepting, waits for the requests in flight, then
 * closes: an answer given is never taken back (2xx means committed, and
 * the store commits with synchronous=FULL). Survey answers and API batches
 * are committed by one group commit writer (store/group_commit.h) shared
 * by the connections: once checked, the request's write is queued to it
 * and the connection suspended (libmicrohttpd's suspend/resume), so its
 * thread goes on serving other connections; the writer, after the commit,
 * records the result and resumes the connection, and the reply is built
 * and sent then (web_commit). The indicator pages are kept between
 * commits (web/page_cache.h). It never prints. */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "store/group_commit.h"
#include "web/page_cache.h"
#include "web/web_internal.h"

#define MIB (1024 * 1024)

/* Store connections lent to requests, one at a time each. */
struct store_pool {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	size_t n;
	struct tp_store **stores;
	bool *busy;
};

struct tp_web_server {
	struct MHD_Daemon *daemon;
	struct tp_web_options opts;
	struct store_pool pool;
	struct tp_group_commit *writer; /* survey answers and API batches */
	struct web_page_cache *pages;	/* rendered pages kept between commits */
	struct web_dataset dataset;
	unsigned threads;
	char address[INET6_ADDRSTRLEN + 16];
	atomic_long in_flight;
	atomic_bool stopping;
};

/* One request, from its first line to the log line. */
struct request {
	struct timespec start;
	size_t uri_len;
	bool started;
	bool too_large; /* the body went over the limit: being discarded */
	char *body;
	size_t len, cap;
	char method[16];
	char *path;	 /* for the log: the path alone, no query string */
	unsigned status; /* of the reply queued, 0 if none */
	uint64_t bytes;
	/* suspend: a write queued to the group commit writer (web_commit) */
	enum { WRITE_NONE, WRITE_QUEUED, WRITE_DONE } write_state;
	struct web_pending pending;
	enum tp_status write_status;
	struct tp_error write_err;
	struct MHD_Connection *connection; /* resumed by the writer */
};

void tp_web_options_init(struct tp_web_options *o)
{
	memset(o, 0, sizeof *o);
	o->listen = TP_WEB_LISTEN_DEFAULT;
	o->max_body = MIB;
	o->max_header = 8192;
	o->max_url = 4096;
	o->max_params = 64;
	o->max_items = 10000;
	o->timeout = 30;
	o->grace = 30;
}

/* --- the store pool --- */

static void pool_close(struct store_pool *p)
{
	for (size_t i = 0; i < p->n; i++)
		tp_store_close(p->stores[i]);
	free(p->stores);
	free(p->busy);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->freed);
}

static enum tp_status pool_open(struct store_pool *p, const char *path, size_t n,
				struct tp_error *err)
{
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	p->stores = calloc(n, sizeof *p->stores);
	p->busy = calloc(n, sizeof *p->busy);
	if (!p->stores || !p->busy)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	for (; p->n < n; p->n++) {
		/* The first brings the schema up to date, as writing commands do. */
		enum tp_store_mode mode = p->n == 0 ? TP_STORE_CREATE : TP_STORE_WRITE;
		enum tp_status st = tp_store_open(path, mode, &p->stores[p->n], err);
		if (st != TP_OK)
			return st;
	}
	return TP_OK;
}

static size_t pool_acquire(struct store_pool *p)
{
	pthread_mutex_lock(&p->lock);
	for (;;) {
		for (size_t i = 0; i < p->n; i++) {
			if (!p->busy[i]) {
				p->busy[i] = true;
				pthread_mutex_unlock(&p->lock);
				return i;
			}
		}
		pthread_cond_wait(&p->freed, &p->lock);
	}
}

static void pool_release(struct store_pool *p, size_t i)
{
	pthread_mutex_lock(&p->lock);
	p->busy[i] = false;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

/* --- replies --- */

static double ms_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) * 1000.0 +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

/* Sends rep (taking its text) and records it for the log. */
static enum MHD_Result send_reply(struct tp_web_server *s, struct MHD_Connection *c,
				  struct request *rq, struct web_reply *rep)
{
	static const char oom[] = "{\"error\":\"out of memory\"}";
	struct MHD_Response *resp;
	if (rep->text) {
		size_t len = rep->text_len ? rep->text_len : strlen(rep->text);
		resp = MHD_create_response_from_buffer(len, rep->text, MHD_RESPMEM_MUST_FREE);
		if (!resp)
			free(rep->text);
		rq->bytes = len;
	} else {
		rep->status = 500;
		rep->content_type = NULL;
		resp = MHD_create_response_from_buffer(sizeof oom - 1, (void *)oom,
						       MHD_RESPMEM_PERSISTENT);
		rq->bytes = sizeof oom - 1;
	}
	rep->text = NULL;
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				rep->content_type ? rep->content_type
						  : "application/json; charset=utf-8");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	/* Strict for every answer: pages load only our stylesheet and inline
	 * SVG, never a script or an inline style. */
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'none'; style-src 'self'; img-src 'self' data:; "
				"form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
	if (rep->set_cookie[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, rep->set_cookie);
	if (rep->set_cookie2[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, rep->set_cookie2);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (rep->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, rep->allow);
	if (rep->location[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, rep->location);
	if (atomic_load(&s->stopping))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	rq->status = rep->status;
	enum MHD_Result r = MHD_queue_response(c, rep->status, resp);
	MHD_destroy_response(resp);
	return r;
}

static enum MHD_Result send_error(struct tp_web_server *s, struct MHD_Connection *c,
				  struct request *rq, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static enum MHD_Result send_error(struct tp_web_server *s, struct MHD_Connection *c,
				  struct request *rq, unsigned status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	struct web_reply rep = {0};
	web_reply_error(&rep, status, NULL, "%s", msg);
	return send_reply(s, c, rq, &rep);
}

/* --- limits --- */

struct counted {
	size_t n, bytes;
};

static enum MHD_Result count_value(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	(void)kind;
	struct counted *k = cls;
	k->n++;
	k->bytes += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

/* Checks what is known once the headers are in; queues the error reply and
 * returns true when a limit is broken. */
static bool over_limits(struct tp_web_server *s, struct MHD_Connection *c, struct request *rq,
			enum MHD_Result *result)
{
	const struct tp_web_options *o = &s->opts;
	struct counted headers = {0}, params = {0};
	MHD_get_connection_values(c, MHD_HEADER_KIND, count_value, &headers);
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, count_value, &params);
	const char *length =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	unsigned long long declared = length ? strtoull(length, NULL, 10) : 0;
	if (rq->uri_len > o->max_url)
		*result = send_error(s, c, rq, 414, "URL too long: %zu bytes (the limit is %zu)",
				     rq->uri_len, o->max_url);
	else if (headers.bytes > o->max_header)
		*result = send_error(s, c, rq, 431,
				     "request headers too large: %zu bytes (the limit is %zu)",
				     headers.bytes, o->max_header);
	else if (params.n > o->max_params)
		*result =
		    send_error(s, c, rq, 400, "too many query parameters: %zu (the limit is %zu)",
			       params.n, o->max_params);
	else if (declared > o->max_body)
		*result = send_error(s, c, rq, 413,
				     "request body too large: %llu bytes (the limit is %zu bytes)",
				     declared, o->max_body);
	else
		return false;
	return true;
}

/* Appends a piece of the body, or drops it once over the limit. */
static void take_body(struct tp_web_server *s, struct request *rq, const char *data, size_t n)
{
	if (rq->too_large || rq->len + n > s->opts.max_body) {
		rq->too_large = true;
		return;
	}
	if (rq->len + n + 1 > rq->cap) {
		size_t cap = rq->cap ? rq->cap : 4096;
		while (cap < rq->len + n + 1)
			cap *= 2;
		char *grown = realloc(rq->body, cap);
		if (!grown) {
			rq->too_large = true;
			return;
		}
		rq->body = grown;
		rq->cap = cap;
	}
	memcpy(rq->body + rq->len, data, n);
	rq->len += n;
	rq->body[rq->len] = '\0';
}

/* --- dispatch --- */

struct param_list {
	size_t n;
	struct web_param items[];
};

static enum MHD_Result collect_param(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	(void)kind;
	struct param_list *l = cls;
	l->items[l->n].name = key;
	l->items[l->n].value = value ? value : "";
	l->n++;
	return MHD_YES;
}

/* The router's view of the request; NULL when out of memory (else free
 * the result). */
static struct param_list *make_request(struct tp_web_server *s, struct MHD_Connection *c,
				       struct request *rq, const char *url,
				       struct web_request *out)
{
	struct param_list *params =
	    malloc(sizeof *params + (s->opts.max_params + 1) * sizeof params->items[0]);
	if (!params)
		return NULL;
	params->n = 0;
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_param, params);
	*out = (struct web_request){
	    .method = rq->method,
	    .path = url,
	    .n_params = params->n,
	    .params = params->items,
	    .content_type =
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
	    .accept_language =
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE),
	    .cookie_lang = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "lang"),
	    .host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST),
	    .listen = s->address,
	    .body = rq->body ? rq->body : "",
	    .body_len = rq->len,
	    .dataset = &s->dataset,
	    .opts = &s->opts,
	    .cookie_csrf = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "tp_csrf"),
	    .origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin"),
	    .referer = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_REFERER),
	};
	return params;
}

/* The writer's callback (on its thread): the request's write is committed
 * or rolled back; rq belongs to the connection's thread again as soon as
 * the connection is resumed, so it is not touched after that. */
static void write_done(void *ctx, enum tp_status status)
{
	struct request *rq = ctx;
	struct MHD_Connection *c = rq->connection;
	rq->write_status = status;
	rq->write_state = WRITE_DONE;
	MHD_resume_connection(c);
}

/* Queues the write web_commit() recorded and suspends the connection
 * until write_done() resumes it; the reply is sent by finish_write(). */
static enum MHD_Result suspend_for_write(struct tp_web_server *s, struct MHD_Connection *c,
					 struct request *rq)
{
	rq->write_state = WRITE_QUEUED;
	rq->connection = c;
	/* Suspended before it is queued: the writer may resume it at once. */
	MHD_suspend_connection(c);
	enum tp_status st = tp_group_commit_submit(s->writer, rq->pending.work, rq->pending.ctx,
						   &rq->write_err, write_done, rq);
	if (st != TP_OK) {
		/* Not queued (shutting down, out of memory): answered now. */
		rq->write_status = st;
		rq->write_state = WRITE_DONE;
		MHD_resume_connection(c);
	}
	return MHD_YES;
}

static enum MHD_Result dispatch(struct tp_web_server *s, struct MHD_Connection *c,
				struct request *rq, const char *url)
{
	struct web_request req;
	struct param_list *params = make_request(s, c, rq, url, &req);
	if (!params)
		return send_error(s, c, rq, 503, "out of memory");
	req.pending = &rq->pending;
	struct web_reply rep = {0};
	if (!web_page_cache_get(s->pages, &req, &rep)) {
		size_t slot = pool_acquire(&s->pool);
		req.store = s->pool.stores[slot];
		web_route(&req, &rep);
		pool_release(&s->pool, slot);
		if (!rq->pending.work)
			web_page_cache_put(s->pages, &req, &rep);
	}
	free(params);
	if (rq->pending.work) {
		free(rep.text); /* web_commit() leaves it empty */
		return suspend_for_write(s, c, rq);
	}
	return send_reply(s, c, rq, &rep);
}

/* The connection is resumed: the write is committed (or failed); the
 * handler's finish builds the reply from the result. */
static enum MHD_Result finish_write(struct tp_web_server *s, struct MHD_Connection *c,
				    struct request *rq, const char *url)
{
	struct web_pending p = rq->pending;
	rq->pending = (struct web_pending){0};
	rq->write_state = WRITE_NONE;
	struct web_request req;
	struct param_list *params = make_request(s, c, rq, url, &req);
	if (!params) {
		/* Still answer with what the write did: its status alone. */
		static const struct web_param none[1];
		req = (struct web_request){.method = rq->method, .path = url, .params = none,
					   .body = "", .dataset = &s->dataset, .opts = &s->opts,
					   .listen = s->address};
	}
	struct web_reply rep = {0};
	p.finish(&req, &rep, p.ctx, rq->write_status, &rq->write_err);
	free(params);
	return send_reply(s, c, rq, &rep);
}

void web_commit(const struct web_request *req, struct web_reply *rep,
		const struct web_pending *p)
{
	if (req->pending) {
		*req->pending = *p;
		return;
	}
	/* Without a server to suspend the connection: wait for the commit. */
	struct tp_error err = {0};
	enum tp_status st;
	struct tp_group_commit *gc = tp_store_group_commit(req->store);
	if (gc) {
		st = tp_group_commit_run(gc, p->work, p->ctx, &err);
	} else {
		st = tp_store_begin(req->store, &err);
		if (st == TP_OK) {
			st = p->work(req->store, p->ctx, &err);
			if (st == TP_OK) {
				st = tp_store_commit(req->store, &err);
			} else {
				struct tp_error ignored;
				tp_store_rollback(req->store, &ignored);
			}
		}
	}
	struct web_request without_store = *req;
	without_store.store = NULL;
	p->finish(&without_store, rep, p->ctx, st, &err);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	(void)version;
	struct tp_web_server *s = cls;
	struct request *rq = *con_cls;
	if (!rq)
		return MHD_NO; /* out of memory when the request began */
	if (rq->write_state == WRITE_DONE)
		return finish_write(s, c, rq, url);
	if (rq->write_state == WRITE_QUEUED)
		return MHD_YES; /* not resumed yet (not expected) */
	if (!rq->started) {
		rq->started = true;
		snprintf(rq->method, sizeof rq->method, "%s", method);
		rq->path = strndup(url, 1024);
		enum MHD_Result result;
		if (over_limits(s, c, rq, &result))
			return result;
		return MHD_YES;
	}
	if (*upload_data_size) {
		take_body(s, rq, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (rq->too_large)
		return send_error(s, c, rq, 413, "request body too large (the limit is %zu bytes)",
				  s->opts.max_body);
	return dispatch(s, c, rq, url);
}

/* Called with the request line's URI before anything else: the request's
 * state starts here, so the log and the in-flight count see every one. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)c;
	struct tp_web_server *s = cls;
	struct request *rq = calloc(1, sizeof *rq);
	if (!rq)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &rq->start);
	rq->uri_len = strlen(uri);
	atomic_fetch_add(&s->in_flight, 1);
	return rq;
}

/* New connections are turned away once the server is stopping. (Not
 * MHD_quiesce_daemon: with a thread pool on epoll, libmicrohttpd 0.9.75
 * can race its workers removing the listening socket from their epoll
 * sets and abort the process with "Failed to remove listen FD from epoll
 * set", as a clean-clone test run showed.) */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	(void)addr;
	(void)addrlen;
	const struct tp_web_server *s = cls;
	return atomic_load(&s->stopping) ? MHD_NO : MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)toe;
	struct tp_web_server *s = cls;
	struct request *rq = *con_cls;
	if (!rq)
		return;
	(void)c;
	if (rq->write_state == WRITE_DONE && rq->pending.finish) {
		/* Resumed, but the connection ended before the reply was built
		 * (the client went away): the handler still frees its write. */
		static const struct web_param none[1];
		struct web_request req = {.method = rq->method, .path = rq->path ? rq->path : "",
					  .params = none, .body = "", .dataset = &s->dataset,
					  .opts = &s->opts, .listen = s->address};
		struct web_reply rep = {0};
		rq->pending.finish(&req, &rep, rq->pending.ctx, rq->write_status, &rq->write_err);
		free(rep.text);
	}
	web_log_access(s->opts.access_log, rq->method, rq->path, rq->status, rq->bytes,
		       ms_since(&rq->start));
	free(rq->body);
	free(rq->path);
	free(rq);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

/* --- starting and stopping --- */

/* Parses "ADDR:PORT" or "[ADDR6]:PORT" into *ss. */
static enum tp_status parse_listen(const char *text, struct sockaddr_storage *ss, bool *v6,
				   struct tp_error *err)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(text, ':');
	const char *h = text;
	size_t hlen = colon ? (size_t)(colon - text) : 0;
	if (hlen >= 2 && text[0] == '[' && text[hlen - 1] == ']') {
		h++;
		hlen -= 2;
	}
	char *end = NULL;
	unsigned long port = colon && colon[1] ? strtoul(colon + 1, &end, 10) : 70000;
	if (!colon || hlen == 0 || hlen >= sizeof host || (end && *end) || port > 65535)
		return tp_error_set(err, TP_EUSAGE,
				    "listen address \"%.100s\": expected ADDR:PORT such as "
				    "127.0.0.1:8080 or [::1]:8080",
				    text);
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		*v6 = false;
		return TP_OK;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*v6 = true;
		return TP_OK;
	}
	return tp_error_set(err, TP_EUSAGE,
			    "listen address \"%.100s\": \"%s\" is not a numeric IPv4 or IPv6 "
			    "address",
			    text, host);
}

static unsigned cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

static unsigned threads_default(void)
{
	unsigned n = 8 * cores();
	return n < 16 ? 16 : n > 64 ? 64 : n;
}

static void server_free(struct tp_web_server *s)
{
	/* Every request has been answered: this only stops the writer. */
	tp_group_commit_close(s->writer);
	web_page_cache_close(s->pages);
	pool_close(&s->pool);
	web_dataset_destroy(&s->dataset);
	free(s);
}

static enum tp_status start_daemon(struct tp_web_server *s, struct sockaddr_storage *ss, bool v6,
				   struct tp_error *err)
{
	const struct tp_web_options *o = &s->opts;
	size_t memory = o->max_header + o->max_url + 16384;
	unsigned flags =
	    MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | (v6 ? MHD_USE_IPv6 : 0);
	errno = 0;
	s->daemon = MHD_start_daemon(
	    flags, 0, on_accept, s, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)ss,
	    MHD_OPTION_THREAD_POOL_SIZE, s->threads, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    memory < 32768 ? (size_t)32768 : memory, MHD_OPTION_CONNECTION_TIMEOUT, o->timeout,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
	    MHD_OPTION_END);
	if (!s->daemon)
		return tp_error_set(err, TP_EIO, "cannot listen on %s: %s", o->listen,
				    errno ? strerror(errno)
					  : "the address is in use or not allowed");
	const union MHD_DaemonInfo *info =
	    MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	unsigned port = info ? info->port : 0;
	char host[INET6_ADDRSTRLEN];
	if (v6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ss)->sin6_addr, host, sizeof host);
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)ss)->sin_addr, host, sizeof host);
	snprintf(s->address, sizeof s->address, v6 ? "[%s]:%u" : "%s:%u", host, port);
	return TP_OK;
}

enum tp_status tp_web_start(const struct tp_web_options *o, struct tp_web_server **out,
			    struct tp_error *err)
{
	*out = NULL;
	if (o->max_body == 0 || o->max_header == 0 || o->max_url == 0 || o->max_items == 0)
		return tp_error_set(err, TP_EUSAGE, "limits must be at least 1");
	struct sockaddr_storage ss;
	bool v6 = false;
	enum tp_status st = parse_listen(o->listen, &ss, &v6, err);
	if (st != TP_OK)
		return st;
	struct tp_web_server *s = calloc(1, sizeof *s);
	if (!s)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	s->opts = *o;
	/* A request waiting for its group's commit is suspended and holds no
	 * thread; the threads still block while a page renders from the data
	 * or a store is busy, so there are more of them than cores (2, 4, 8
	 * and 16 measured: bench/README.md). */
	s->threads = o->threads ? o->threads : threads_default();
	web_dataset_init(&s->dataset);
	atomic_init(&s->in_flight, 0);
	atomic_init(&s->stopping, false);
	st = pool_open(&s->pool, tp_store_default_path(o->db_path), s->threads, err);
	if (st == TP_OK)
		st = tp_group_commit_open(tp_store_default_path(o->db_path), &s->writer, err);
	for (size_t i = 0; st == TP_OK && i < s->pool.n; i++)
		tp_store_set_group_commit(s->pool.stores[i], s->writer);
	if (st == TP_OK)
		st = web_page_cache_open(tp_store_default_path(o->db_path), &s->pages, err);
	if (st == TP_OK)
		st = start_daemon(s, &ss, v6, err);
	if (st != TP_OK) {
		server_free(s);
		return st;
	}
	*out = s;
	return TP_OK;
}

const char *tp_web_address(const struct tp_web_server *s)
{
	return s->address;
}

unsigned tp_web_threads(const struct tp_web_server *s)
{
	return s->threads;
}

void tp_web_stop(struct tp_web_server *s)
{
	if (!s)
		return;
	atomic_store(&s->stopping, true); /* on_accept turns new connections away */
	/* Requests already begun finish and get their answer. */
	struct timespec start, tick = {.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000};
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (atomic_load(&s->in_flight) > 0 && ms_since(&start) < s->opts.grace * 1000.0)
		nanosleep(&tick, NULL);
	/* Every write still queued is committed and its connection resumed
	 * (libmicrohttpd must not be stopped with one suspended); later writes
	 * are refused. Then the resumed ones send their answer. */
	tp_group_commit_stop(s->writer);
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (atomic_load(&s->in_flight) > 0 && ms_since(&start) < 5000.0)
		nanosleep(&tick, NULL);
	MHD_stop_daemon(s->daemon);
	server_free(s);
}

extern const unsigned char tp_embedded_openapi[];
extern const size_t tp_embedded_openapi_len;

const char *tp_web_openapi_json(size_t *len)
{
	if (len)
		*len = tp_embedded_openapi_len;
	return (const char *)tp_embedded_openapi;
}

/* --- the shared dataset --- */

void web_dataset_init(struct web_dataset *d)
{
	pthread_rwlockattr_t attr;
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&d->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	d->ds = NULL;
}

void web_dataset_destroy(struct web_dataset *d)
{
	if (d->ds)
		tp_dataset_free(d->ds);
	d->ds = NULL;
	pthread_rwlock_destroy(&d->lock);
}

const struct tp_dataset *web_dataset_acquire(const struct web_request *req, bool sentiment,
					     struct tp_error *err)
{
	struct web_dataset *d = req->dataset;
	pthread_rwlock_wrlock(&d->lock);
	enum tp_status st = d->ds ? tp_dataset_refresh(d->ds, req->store, NULL, err)
				  : tp_dataset_open(req->store, &d->ds, err);
	if (st == TP_OK && sentiment)
		st = tp_dataset_load_sentiment(d->ds, req->store, err);
	pthread_rwlock_unlock(&d->lock);
	if (st != TP_OK)
		return NULL;
	/* Another request may refresh it in between: it is then newer still,
	 * and only ever changed under the write lock. */
	pthread_rwlock_rdlock(&d->lock);
	return d->ds;
}

void web_dataset_release(const struct web_request *req)
{
	pthread_rwlock_unlock(&req->dataset->lock);
}
