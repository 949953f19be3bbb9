/* web/page_cache.h - rendered read-only pages kept while the data does not
 * change (internal).
 *
 * The map and the other indicator pages are computed from every response
 * (about 13 ms for 200,000 on one core). Between two commits to the
 * database the same request renders the same page, so the server keeps
 * the last pages rendered, keyed by the request (path, query string, the
 * lang cookie, Accept-Language and Host), and serves them again while SQLite's
 * PRAGMA data_version (read on the cache's own connection, so any commit
 * by any connection or process changes it) is the one they were rendered
 * at, and for at most TTL seconds. Only GET /, /t/..., /p/..., /c/... and
 * /respondents with a 200 answer are kept: never the API, the admin
 * pages, the survey pages (a nonce per view) or a reply setting the CSRF
 * cookie. */
#ifndef TP_WEB_PAGE_CACHE_H
#define TP_WEB_PAGE_CACHE_H

#include <stdbool.h>

#include "web/web_internal.h"

#define WEB_PAGE_CACHE_ENTRIES 64
#define WEB_PAGE_CACHE_TTL 10 /* seconds */

struct web_page_cache;

/* Opens the cache's connection to the database at path. */
enum tp_status web_page_cache_open(const char *path, struct web_page_cache **out,
				   struct tp_error *err);
void web_page_cache_close(struct web_page_cache *cache);

/* True when req's page is kept and current: rep is filled with a copy. */
bool web_page_cache_get(struct web_page_cache *cache, const struct web_request *req,
			struct web_reply *rep);

/* Keeps rep (copied) for req when both qualify and the data has not
 * changed since the web_page_cache_get() that missed. */
void web_page_cache_put(struct web_page_cache *cache, const struct web_request *req,
			const struct web_reply *rep);

#endif
