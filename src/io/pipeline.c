/* io/pipeline.c - a bounded two-thread pipeline from importer to store.
 *
 * Chunks cycle between two lists guarded by one mutex: `free` chunks the
 * importer may fill, `full` chunks the writer drains in order. QUEUE_DEPTH
 * chunks exist in all, so the importer blocks when the writer falls behind
 * and memory never grows with the file. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "io/pipeline.h"

#define CHUNK_ROWS 2048
#define CHUNK_TEXT (4u << 20) /* bytes of text before a chunk is sent early */
#define QUEUE_DEPTH 4

struct chunk {
	size_t n;
	struct tp_response rows[CHUNK_ROWS];
	size_t n_attrs;
	struct tp_attr *attrs; /* CHUNK_ROWS * TP_ATTRS_MAX at most; grown */
	size_t attrs_cap;
	char *text;
	size_t text_len, text_cap;
};

struct tp_pipeline {
	struct tp_store *store;
	pthread_t writer;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct chunk chunks[QUEUE_DEPTH];
	struct chunk *free_list[QUEUE_DEPTH];
	size_t n_free;
	struct chunk *full[QUEUE_DEPTH]; /* FIFO */
	size_t full_head, n_full;
	struct chunk *filling;
	bool done;                       /* no more chunks will come */
	enum tp_status status;           /* the writer's */
	struct tp_error error;
	int64_t added;
};

static void *writer_main(void *arg)
{
	struct tp_pipeline *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->n_full == 0 && !p->done)
			pthread_cond_wait(&p->changed, &p->lock);
		if (p->n_full == 0)
			break;
		struct chunk *c = p->full[p->full_head];
		p->full_head = (p->full_head + 1) % QUEUE_DEPTH;
		p->n_full--;
		bool failed = p->status != TP_OK;
		pthread_mutex_unlock(&p->lock);
		enum tp_status st = TP_OK;
		struct tp_error err;
		size_t i = 0;
		for (; i < c->n && !failed && st == TP_OK; i++)
			st = tp_store_response_add(p->store, &c->rows[i], &err);
		pthread_mutex_lock(&p->lock);
		if (st != TP_OK && p->status == TP_OK) {
			p->status = st;
			p->error = err;
		}
		p->added += (int64_t)(st == TP_OK ? i : i - 1);
		c->n = c->n_attrs = c->text_len = 0;
		p->free_list[p->n_free++] = c;
		pthread_cond_broadcast(&p->changed);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

enum tp_status tp_pipeline_start(struct tp_store *store, struct tp_pipeline **out,
				 struct tp_error *err)
{
	*out = NULL;
	struct tp_pipeline *p = calloc(1, sizeof *p);
	if (!p)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	p->store = store;
	for (size_t i = 0; i < QUEUE_DEPTH; i++)
		p->free_list[p->n_free++] = &p->chunks[i];
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->changed, NULL);
	if (pthread_create(&p->writer, NULL, writer_main, p) != 0) {
		pthread_mutex_destroy(&p->lock);
		pthread_cond_destroy(&p->changed);
		free(p);
		return tp_error_set(err, TP_ENOMEM, "cannot start the writer thread");
	}
	*out = p;
	return TP_OK;
}

/* Hands the chunk being filled to the writer. Called with the lock held. */
static void send_filling(struct tp_pipeline *p)
{
	if (!p->filling)
		return;
	p->full[(p->full_head + p->n_full) % QUEUE_DEPTH] = p->filling;
	p->n_full++;
	p->filling = NULL;
	pthread_cond_broadcast(&p->changed);
}

static size_t text_size(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

static const char *copy_text(struct chunk *c, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *at = c->text + c->text_len;
	memcpy(at, s, n);
	c->text_len += n;
	return at;
}

/* Makes room in c for one response of `need` text bytes and n_attrs
 * attributes. Text pointers of rows already in c must stay valid, so the
 * text buffer is sized up front and never moved while it holds rows. */
static bool reserve(struct chunk *c, size_t need, size_t n_attrs)
{
	if (!c->text) {
		c->text_cap = CHUNK_TEXT + TP_COMMENT_MAX + 8 * TP_RESPONSE_ID_MAX +
			      TP_ATTRS_MAX * (TP_ATTR_NAME_MAX + TP_ATTR_VALUE_MAX + 2);
		c->text = malloc(c->text_cap);
		c->attrs_cap = CHUNK_ROWS * 8;
		c->attrs = malloc(c->attrs_cap * sizeof *c->attrs);
		if (!c->text || !c->attrs)
			return false;
	}
	if (c->text_len + need > c->text_cap)
		return false;
	if (c->n_attrs + n_attrs > c->attrs_cap) {
		if (c->n)
			return false; /* attrs of queued rows point into this array */
		size_t cap = c->attrs_cap;
		while (cap < n_attrs)
			cap *= 2;
		struct tp_attr *grown = realloc(c->attrs, cap * sizeof *grown);
		if (!grown)
			return false;
		c->attrs = grown;
		c->attrs_cap = cap;
	}
	return true;
}

static size_t response_text(const struct tp_response *r)
{
	size_t n = text_size(r->response_id) + text_size(r->respondent_id) +
		   text_size(r->touchpoint) + text_size(r->comment) + text_size(r->lang);
	for (size_t i = 0; i < r->n_attrs; i++)
		n += text_size(r->attrs[i].name) + text_size(r->attrs[i].value);
	return n;
}

/* Takes a chunk to fill, waiting for the writer if none is free. */
static struct chunk *take_chunk(struct tp_pipeline *p)
{
	while (p->n_free == 0 && p->status == TP_OK)
		pthread_cond_wait(&p->changed, &p->lock);
	if (p->status != TP_OK)
		return NULL;
	return p->free_list[--p->n_free];
}

enum tp_status tp_pipeline_add(struct tp_pipeline *p, const struct tp_response *r,
			       struct tp_error *err)
{
	size_t need = response_text(r);
	pthread_mutex_lock(&p->lock);
	enum tp_status st = p->status;
	if (st == TP_OK && p->filling &&
	    (p->filling->n == CHUNK_ROWS || p->filling->text_len > CHUNK_TEXT ||
	     !reserve(p->filling, need, r->n_attrs)))
		send_filling(p);
	if (st == TP_OK && !p->filling) {
		p->filling = take_chunk(p);
		st = p->status;
		if (st == TP_OK && !reserve(p->filling, need, r->n_attrs))
			st = tp_error_set(&p->error, TP_ENOMEM, "out of memory");
	}
	if (st != TP_OK) {
		*err = p->error;
		pthread_mutex_unlock(&p->lock);
		return st;
	}
	pthread_mutex_unlock(&p->lock);
	/* Only this thread touches the chunk being filled. */
	struct chunk *c = p->filling;
	struct tp_response *copy = &c->rows[c->n];
	*copy = *r;
	copy->response_id = copy_text(c, r->response_id);
	copy->respondent_id = copy_text(c, r->respondent_id);
	copy->touchpoint = copy_text(c, r->touchpoint);
	copy->comment = copy_text(c, r->comment);
	copy->lang = copy_text(c, r->lang);
	copy->attrs = c->attrs + c->n_attrs;
	for (size_t i = 0; i < r->n_attrs; i++) {
		c->attrs[c->n_attrs].name = copy_text(c, r->attrs[i].name);
		c->attrs[c->n_attrs].value = copy_text(c, r->attrs[i].value);
		c->n_attrs++;
	}
	c->n++;
	return TP_OK;
}

enum tp_status tp_pipeline_finish(struct tp_pipeline *p, int64_t *added, struct tp_error *err)
{
	pthread_mutex_lock(&p->lock);
	send_filling(p);
	p->done = true;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->writer, NULL);
	enum tp_status st = p->status;
	if (st != TP_OK)
		*err = p->error;
	*added = p->added;
	for (size_t i = 0; i < QUEUE_DEPTH; i++) {
		free(p->chunks[i].text);
		free(p->chunks[i].attrs);
	}
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->changed);
	free(p);
	return st;
}
