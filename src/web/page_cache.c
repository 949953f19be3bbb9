/* web/page_cache.c - rendered pages kept between commits (web/page_cache.h).
 *
 * A small table of entries under one mutex; lookups compare the whole
 * key. The data version is read on every lookup (one cached PRAGMA
 * statement, a few microseconds); when it moved, every entry is dropped.
 * Never prints. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/group_commit.h"
#include "view/view.h"
#include "web/page_cache.h"

struct entry {
	char *key; /* NULL: free */
	char *text;
	const char *content_type;
	char set_cookie[64];
	time_t stored; /* CLOCK_MONOTONIC seconds */
};

struct web_page_cache {
	pthread_mutex_t lock;
	struct tp_store *store; /* only reads PRAGMA data_version */
	int64_t version;
	size_t next; /* the entry to replace when all are taken */
	struct entry entries[WEB_PAGE_CACHE_ENTRIES];
};

static time_t now_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec;
}

static bool cacheable_path(const char *path)
{
	return strcmp(path, "/") == 0 || strcmp(path, "/respondents") == 0 ||
	       strncmp(path, "/t/", 3) == 0 || strncmp(path, "/p/", 3) == 0 ||
	       strncmp(path, "/c/", 3) == 0;
}

/* The request's key, or NULL when it is not kept (or out of memory). */
static char *make_key(const struct web_request *req)
{
	if (strcmp(req->method, "GET") != 0 || !cacheable_path(req->path))
		return NULL;
	struct tp_buf b;
	tp_buf_init(&b);
	tp_buf_puts(&b, req->path);
	for (size_t i = 0; i < req->n_params; i++) {
		tp_buf_puts(&b, i ? "&" : "?");
		tp_buf_puts(&b, req->params[i].name);
		tp_buf_puts(&b, "=");
		tp_buf_puts(&b, req->params[i].value);
	}
	tp_buf_puts(&b, "\ncookie-lang:");
	tp_buf_puts(&b, req->cookie_lang ? req->cookie_lang : "-");
	tp_buf_puts(&b, "\naccept-language:");
	tp_buf_puts(&b, req->accept_language ? req->accept_language : "-");
	tp_buf_puts(&b, "\nhost:"); /* pages may show links built from it */
	tp_buf_puts(&b, req->host ? req->host : "-");
	return tp_buf_take(&b); /* NULL when out of memory */
}

static void entry_clear(struct entry *e)
{
	free(e->key);
	free(e->text);
	memset(e, 0, sizeof *e);
}

/* Drops every entry when the data changed; returns false when the version
 * cannot be read (then nothing is served from the cache). Lock held. */
static bool check_version(struct web_page_cache *c)
{
	int64_t v;
	struct tp_error err;
	if (tp_store_data_version(c->store, &v, &err) != TP_OK)
		return false;
	if (v != c->version) {
		for (size_t i = 0; i < WEB_PAGE_CACHE_ENTRIES; i++)
			entry_clear(&c->entries[i]);
		c->version = v;
	}
	return true;
}

enum tp_status web_page_cache_open(const char *path, struct web_page_cache **out,
				   struct tp_error *err)
{
	*out = NULL;
	struct web_page_cache *c = calloc(1, sizeof *c);
	if (!c)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	enum tp_status st = tp_store_open(path, TP_STORE_READ, &c->store, err);
	if (st != TP_OK) {
		free(c);
		return st;
	}
	pthread_mutex_init(&c->lock, NULL);
	c->version = -1;
	*out = c;
	return TP_OK;
}

void web_page_cache_close(struct web_page_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < WEB_PAGE_CACHE_ENTRIES; i++)
		entry_clear(&c->entries[i]);
	tp_store_close(c->store);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

bool web_page_cache_get(struct web_page_cache *c, const struct web_request *req,
			struct web_reply *rep)
{
	char *key = make_key(req);
	if (!key)
		return false;
	bool hit = false;
	time_t now = now_seconds();
	pthread_mutex_lock(&c->lock);
	if (check_version(c)) {
		for (size_t i = 0; i < WEB_PAGE_CACHE_ENTRIES && !hit; i++) {
			struct entry *e = &c->entries[i];
			if (!e->key || strcmp(e->key, key) != 0)
				continue;
			if (now - e->stored >= WEB_PAGE_CACHE_TTL) {
				entry_clear(e);
				break;
			}
			char *text = strdup(e->text);
			if (!text)
				break;
			rep->status = 200;
			rep->text = text;
			rep->content_type = e->content_type;
			memcpy(rep->set_cookie, e->set_cookie, sizeof rep->set_cookie);
			hit = true;
		}
	}
	pthread_mutex_unlock(&c->lock);
	free(key);
	return hit;
}

void web_page_cache_put(struct web_page_cache *c, const struct web_request *req,
			const struct web_reply *rep)
{
	if (rep->status != 200 || !rep->text || rep->text_len || rep->set_cookie2[0] ||
	    rep->location[0] || rep->allow)
		return;
	char *key = make_key(req);
	if (!key)
		return;
	char *text = strdup(rep->text);
	pthread_mutex_lock(&c->lock);
	/* Rendered from data at least as new as the version checked when it
	 * missed; kept only if that is still the current one. */
	int64_t before = c->version;
	if (text && check_version(c) && c->version == before) {
		struct entry *slot = NULL;
		for (size_t i = 0; i < WEB_PAGE_CACHE_ENTRIES && !slot; i++)
			if (!c->entries[i].key || strcmp(c->entries[i].key, key) == 0)
				slot = &c->entries[i];
		if (!slot) {
			slot = &c->entries[c->next];
			c->next = (c->next + 1) % WEB_PAGE_CACHE_ENTRIES;
		}
		entry_clear(slot);
		slot->key = key;
		slot->text = text;
		slot->content_type = rep->content_type;
		memcpy(slot->set_cookie, rep->set_cookie, sizeof slot->set_cookie);
		slot->stored = now_seconds();
		key = text = NULL;
	}
	pthread_mutex_unlock(&c->lock);
	free(key);
	free(text);
}
