/* touchpoint/web.h - `touchpoint serve`: the HTTP server and its JSON API.
 *
 * One process serves one store over HTTP (libmicrohttpd, an internal epoll
 * thread pool). Routes (GET /api/v1/journey, /api/v1/touchpoints,
 * /api/v1/indicators, /api/v1/openapi.json; POST /api/v1/responses; the
 * HTML pages /, /t/{id}, /p/{id}, /c/{id}, /respondents and their
 * stylesheet; the survey pages GET and POST /s/{token}, GET
 * /s/{token}/qr.svg) are described in the OpenAPI document tp_web_openapi_json()
 * returns. There is
 * no authentication yet: bind to a loopback address (the default) unless a
 * proxy in front authenticates. The server never prints; it writes one JSON
 * object a line to the access log the caller gives, if any. */
#ifndef TOUCHPOINT_WEB_H
#define TOUCHPOINT_WEB_H

#include <stddef.h>
#include <stdio.h>

#include "touchpoint/error.h"

#define TP_WEB_LISTEN_DEFAULT "127.0.0.1:8080"

struct tp_web_options {
	const char *db_path; /* the store (tp_store_default_path() rules) */
	const char *listen;  /* "ADDR:PORT" or "[ADDR6]:PORT"; port 0 picks one */
	unsigned threads;    /* worker threads; 0 = one per core */
	size_t max_body;     /* bytes of a request body (default 1 MiB) */
	size_t max_header;   /* bytes of all request header lines (8 KiB) */
	size_t max_url;	     /* bytes of the path and query string (4096) */
	size_t max_params;   /* query parameters (64) */
	size_t max_items;    /* responses in one POST (10,000) */
	unsigned timeout;    /* seconds an idle connection is kept (30) */
	unsigned grace;	     /* seconds tp_web_stop() lets requests finish (30) */
	FILE *access_log;    /* one JSON object a line, or NULL */
	const char *public_url; /* "https://example.org" for survey QR codes, or NULL */
};

/* Fills o with the defaults above (listen TP_WEB_LISTEN_DEFAULT, database
 * NULL, no log). This function can't fail. */
void tp_web_options_init(struct tp_web_options *o);

struct tp_web_server;

/* Opens the store (creating or upgrading its schema, as commands that
 * write do), one connection per worker thread, and starts serving. Errors:
 * TP_EUSAGE for a malformed listen address or option, TP_EIO when the
 * address cannot be bound, the store's errors. On success the caller stops
 * *out with tp_web_stop(). */
enum tp_status tp_web_start(const struct tp_web_options *o, struct tp_web_server **out,
			    struct tp_error *err);

/* The address being served, "127.0.0.1:8080" (the real port when 0 was
 * asked). Valid until tp_web_stop(). */
const char *tp_web_address(const struct tp_web_server *s);

/* The number of worker threads. */
unsigned tp_web_threads(const struct tp_web_server *s);

/* Stops accepting connections, lets requests in flight finish (up to the
 * grace period; every answer already given stays true: a 2xx means the
 * data was committed), closes the connections and the store, frees s.
 * Accepts NULL. */
void tp_web_stop(struct tp_web_server *s);

/* The routes the server answers, for documentation and for the test that
 * keeps the OpenAPI document true. */
struct tp_web_route {
	const char *method; /* "GET", "POST" */
	const char *path;   /* "/api/v1/journey" */
};
size_t tp_web_route_count(void);
const struct tp_web_route *tp_web_route_at(size_t i); /* NULL past the end */

/* The OpenAPI 3.0 document of the API, as JSON text (NUL-terminated). */
const char *tp_web_openapi_json(size_t *len);

#endif
