/* store/sqlite_responses.c - storing and reading responses in SQLite.
 *
 * Segment attributes are dictionary-encoded: each distinct attribute name
 * gets a row in `attribute` and an INTEGER column a<id> in `response`; each
 * distinct value gets a row in `attribute_value`, and the response holds its
 * id. Slicing by an attribute then reads one narrow column, never key/value
 * rows. Names and values are cached in memory on the insert path; caches are
 * dropped on rollback because the rows they point at may be gone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_internal.h"

#define VALUE_CACHE_MAX 1000000 /* cached attribute values before a reset */

static void attrs_clear(struct sq_store *s)
{
	for (size_t i = 0; i < s->n_attrs; i++)
		free(s->attrs[i].name);
	s->n_attrs = 0;
	tp_strmap_clear(s->attr_index);
}

static void finalize_inserts(struct sq_store *s)
{
	sqlite3_finalize(s->insert_one);
	sqlite3_finalize(s->insert_many);
	s->insert_one = s->insert_many = NULL;
}

void sq_responses_free(struct sq_store *s)
{
	finalize_inserts(s);
	sqlite3_finalize(s->value_find);
	sqlite3_finalize(s->value_add);
	s->value_find = s->value_add = NULL;
	free(s->batch.text);
	free(s->batch.pairs);
	memset(&s->batch, 0, sizeof s->batch);
	attrs_clear(s);
}

void sq_forget_caches(struct sq_store *s)
{
	finalize_inserts(s);
	sq_batch_discard(s);
	tp_strmap_clear(s->values);
	sq_load_attributes(s, NULL);
	sq_load_touchpoints(s, NULL);
}

enum tp_status sq_load_touchpoints(struct sq_store *s, struct tp_error *err)
{
	tp_strmap_clear(s->touchpoints);
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, "SELECT key, id FROM touchpoint", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		if (!tp_strmap_put(s->touchpoints, key, strlen(key), sqlite3_column_int64(st, 1))) {
			sqlite3_finalize(st);
			return tp_error_set(err, TP_ENOMEM, "out of memory");
		}
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sq_error(s, rc, "loading touchpoints", err);
	return TP_OK;
}

static enum tp_status attr_append(struct sq_store *s, int64_t id, const char *name,
				  struct tp_error *err)
{
	char *copy = strdup(name);
	if (!copy || !tp_strmap_put(s->attr_index, name, strlen(name), (int64_t)s->n_attrs)) {
		free(copy);
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	}
	s->attrs[s->n_attrs].id = id;
	s->attrs[s->n_attrs].name = copy;
	s->n_attrs++;
	return TP_OK;
}

enum tp_status sq_load_attributes(struct sq_store *s, struct tp_error *err)
{
	attrs_clear(s);
	sqlite3_stmt *st = NULL;
	enum tp_status status = TP_OK;
	int rc = sqlite3_prepare_v2(s->db, "SELECT id, name FROM attribute ORDER BY id", -1, &st,
				    NULL);
	while (rc == SQLITE_OK && s->n_attrs < TP_ATTRS_MAX &&
	       (rc = sqlite3_step(st)) == SQLITE_ROW) {
		status = attr_append(s, sqlite3_column_int64(st, 0),
				     (const char *)sqlite3_column_text(st, 1), err);
		if (status != TP_OK)
			break;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (status == TP_OK && rc != SQLITE_DONE && rc != SQLITE_OK)
		status = sq_error(s, rc, "loading attributes", err);
	return status;
}

#define BASE_COLUMNS 11

/* Prepares an insert of n_rows responses over the base columns and every
 * attribute column. Column names come from our own integer ids. */
static enum tp_status prepare_insert(struct sq_store *s, size_t n_rows, sqlite3_stmt **out,
				     struct tp_error *err)
{
	size_t cols = BASE_COLUMNS + s->n_attrs;
	size_t cap = 512 + s->n_attrs * 24 + n_rows * (cols * 3 + 4);
	char *sql = malloc(cap);
	if (!sql)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	size_t len = (size_t)snprintf(sql, cap, "INSERT INTO response (response_key, submitted_at,"
						" respondent_key, respondent_type, touchpoint_id,"
						" nps, csat, ces, emotion, comment, lang");
	for (size_t i = 0; i < s->n_attrs; i++)
		len += (size_t)snprintf(sql + len, cap - len, ", a%lld", (long long)s->attrs[i].id);
	len += (size_t)snprintf(sql + len, cap - len, ") VALUES ");
	for (size_t r = 0; r < n_rows; r++) {
		sql[len++] = r ? ',' : ' ';
		sql[len++] = '(';
		for (size_t c = 0; c < cols; c++) {
			if (c)
				sql[len++] = ',';
			sql[len++] = '?';
		}
		sql[len++] = ')';
	}
	snprintf(sql + len, cap - len, " ON CONFLICT (response_key) DO NOTHING");
	int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "preparing the response insert", err);
	return TP_OK;
}

/* Registers a new attribute name: a row in `attribute`, a column in
 * `response`. Inside the caller's transaction, so a rollback undoes both. */
static enum tp_status attr_create(struct sq_store *s, const char *name, size_t *index,
				  struct tp_error *err)
{
	if (s->n_attrs >= TP_ATTRS_MAX)
		return tp_error_set(err, TP_ELIMIT,
				    "attribute \"%s\" would be segment attribute number %d; a "
				    "store holds at most %d (map unneeded columns to null)",
				    name, TP_ATTRS_MAX + 1, TP_ATTRS_MAX);
	/* Queued rows were bound for the old columns: write them first. */
	enum tp_status queued = sq_batch_write(s, err);
	if (queued != TP_OK)
		return queued;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, "INSERT INTO attribute (name) VALUES (?1)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sq_error(s, rc, "adding an attribute", err);
	int64_t id = sqlite3_last_insert_rowid(s->db);
	/* The column name is built from our own integer id, never user text. */
	char sql[96];
	snprintf(sql, sizeof sql, "ALTER TABLE response ADD COLUMN a%lld INTEGER", (long long)id);
	enum tp_status status = sq_exec(s, sql, err);
	if (status == TP_OK)
		status = attr_append(s, id, name, err);
	if (status == TP_OK) {
		*index = s->n_attrs - 1;
		finalize_inserts(s);
	}
	return status;
}

static enum tp_status value_lookup_db(struct sq_store *s, int64_t attr_id, const char *value,
				      int64_t *out, struct tp_error *err)
{
	int rc = SQLITE_OK;
	if (!s->value_find)
		rc = sqlite3_prepare_v3(s->db, "SELECT id FROM attribute_value WHERE"
					       " attribute_id = ?1 AND value = ?2",
					-1, SQLITE_PREPARE_PERSISTENT, &s->value_find, NULL);
	if (rc == SQLITE_OK && !s->value_add)
		rc = sqlite3_prepare_v3(s->db, "INSERT INTO attribute_value (attribute_id, value)"
					       " VALUES (?1, ?2)",
					-1, SQLITE_PREPARE_PERSISTENT, &s->value_add, NULL);
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "looking up an attribute value", err);
	sqlite3_bind_int64(s->value_find, 1, attr_id);
	sqlite3_bind_text(s->value_find, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(s->value_find);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(s->value_find, 0);
	sqlite3_reset(s->value_find);
	if (rc == SQLITE_ROW)
		return TP_OK;
	if (rc != SQLITE_DONE)
		return sq_error(s, rc, "looking up an attribute value", err);
	sqlite3_bind_int64(s->value_add, 1, attr_id);
	sqlite3_bind_text(s->value_add, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(s->value_add);
	sqlite3_reset(s->value_add);
	if (rc != SQLITE_DONE)
		return sq_error(s, rc, "adding an attribute value", err);
	*out = sqlite3_last_insert_rowid(s->db);
	return TP_OK;
}

/* The dictionary id of `value` for the attribute at `index`. */
static enum tp_status value_id(struct sq_store *s, size_t index, const char *value,
			       int64_t *out, struct tp_error *err)
{
	/* The key is the attribute id's 8 bytes, then the value's. */
	char key[TP_ATTR_VALUE_MAX + 8];
	size_t vlen = strlen(value);
	if (vlen > TP_ATTR_VALUE_MAX)
		return tp_error_set(err, TP_EINPUT, "attribute value longer than %d bytes",
				    TP_ATTR_VALUE_MAX);
	memcpy(key, &s->attrs[index].id, 8);
	memcpy(key + 8, value, vlen);
	size_t klen = 8 + vlen;
	if (tp_strmap_get(s->values, key, klen, out))
		return TP_OK;
	enum tp_status st = value_lookup_db(s, s->attrs[index].id, value, out, err);
	if (st != TP_OK)
		return st;
	if (tp_strmap_count(s->values) >= VALUE_CACHE_MAX)
		tp_strmap_clear(s->values);
	if (!tp_strmap_put(s->values, key, klen, *out))
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	return TP_OK;
}

/* Binds the attribute columns; creates unknown attributes first. */
static enum tp_status resolve_attrs(struct sq_store *s, const struct tp_response *r,
				    struct sq_pair *pairs, size_t *n_pairs, struct tp_error *err)
{
	*n_pairs = 0;
	for (size_t i = 0; i < r->n_attrs; i++) {
		const struct tp_attr *a = &r->attrs[i];
		if (!a->value || !*a->value)
			continue;
		int64_t index;
		size_t slot = 0;
		enum tp_status st = TP_OK;
		if (tp_strmap_get(s->attr_index, a->name, strlen(a->name), &index))
			slot = (size_t)index;
		else
			st = attr_create(s, a->name, &slot, err);
		if (st == TP_OK)
			st = value_id(s, slot, a->value, &pairs[*n_pairs].id, err);
		if (st != TP_OK)
			return st;
		pairs[(*n_pairs)++].slot = slot;
	}
	return TP_OK;
}

static bool text_reserve(struct sq_batch *b, size_t more)
{
	if (b->text_len + more <= b->text_cap)
		return true;
	size_t cap = b->text_cap ? b->text_cap : 16384;
	while (cap < b->text_len + more)
		cap *= 2;
	char *grown = realloc(b->text, cap);
	if (!grown)
		return false;
	b->text = grown;
	b->text_cap = cap;
	return true;
}

static size_t text_add(struct sq_batch *b, const char *v)
{
	if (!v || !*v)
		return SIZE_MAX;
	size_t at = b->text_len, n = strlen(v) + 1;
	memcpy(b->text + at, v, n);
	b->text_len += n;
	return at;
}

static size_t text_need(const char *v)
{
	return v ? strlen(v) + 1 : 0;
}

static bool pairs_reserve(struct sq_batch *b, size_t more)
{
	if (b->n_pairs + more <= b->pairs_cap)
		return true;
	size_t cap = b->pairs_cap ? b->pairs_cap : 256;
	while (cap < b->n_pairs + more)
		cap *= 2;
	struct sq_pair *grown = realloc(b->pairs, cap * sizeof *grown);
	if (!grown)
		return false;
	b->pairs = grown;
	b->pairs_cap = cap;
	return true;
}

static void bind_text_at(sqlite3_stmt *st, int i, const struct sq_batch *b, size_t at)
{
	if (at == SIZE_MAX)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, b->text + at, -1, SQLITE_STATIC);
}

static void bind_score(sqlite3_stmt *st, int i, int v)
{
	if (v == TP_SCORE_NONE)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int(st, i, v);
}

/* Binds queued row `row` at parameter offset base (1-based first index). */
static void bind_row(struct sq_store *s, sqlite3_stmt *q, const struct sq_row *row, int base)
{
	const struct sq_batch *b = &s->batch;
	bind_text_at(q, base, b, row->key);
	sqlite3_bind_int64(q, base + 1, row->submitted_at);
	bind_text_at(q, base + 2, b, row->respondent);
	sqlite3_bind_int(q, base + 3, row->type);
	if (row->touchpoint_id)
		sqlite3_bind_int64(q, base + 4, row->touchpoint_id);
	else
		sqlite3_bind_null(q, base + 4);
	bind_score(q, base + 5, row->nps);
	bind_score(q, base + 6, row->csat);
	bind_score(q, base + 7, row->ces);
	bind_score(q, base + 8, row->emotion);
	bind_text_at(q, base + 9, b, row->comment);
	bind_text_at(q, base + 10, b, row->lang);
	for (size_t k = 0; k < s->n_attrs; k++)
		sqlite3_bind_null(q, base + BASE_COLUMNS + (int)k);
	for (size_t k = 0; k < row->n_pairs; k++) {
		const struct sq_pair *p = &b->pairs[row->first_pair + k];
		sqlite3_bind_int64(q, base + BASE_COLUMNS + (int)p->slot, p->id);
	}
}

/* Writes rows [from, from + n) with one statement. */
static enum tp_status write_rows(struct sq_store *s, size_t from, size_t n, struct tp_error *err)
{
	sqlite3_stmt **cached = n == SQ_BATCH_ROWS ? &s->insert_many : n == 1 ? &s->insert_one
									       : NULL;
	sqlite3_stmt *q = cached ? *cached : NULL;
	enum tp_status st = TP_OK;
	if (!q) {
		st = prepare_insert(s, n, &q, err);
		if (st != TP_OK)
			return st;
		if (cached)
			*cached = q;
	}
	int cols = (int)(BASE_COLUMNS + s->n_attrs);
	for (size_t i = 0; i < n; i++)
		bind_row(s, q, &s->batch.rows[from + i], 1 + (int)i * cols);
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc == SQLITE_DONE)
		s->batch.inserted += sqlite3_changes(s->db);
	else
		st = sq_error(s, rc, "storing responses", err);
	if (!cached)
		sqlite3_finalize(q);
	return st;
}

enum tp_status sq_batch_write(struct sq_store *s, struct tp_error *err)
{
	struct sq_batch *b = &s->batch;
	enum tp_status st = TP_OK;
	if (b->n_rows == SQ_BATCH_ROWS)
		st = write_rows(s, 0, b->n_rows, err);
	else
		for (size_t i = 0; i < b->n_rows && st == TP_OK; i++)
			st = write_rows(s, i, 1, err);
	b->n_rows = 0;
	b->text_len = 0;
	b->n_pairs = 0;
	return st;
}

void sq_batch_discard(struct sq_store *s)
{
	s->batch.n_rows = 0;
	s->batch.text_len = 0;
	s->batch.n_pairs = 0;
	s->batch.inserted = 0;
}

enum tp_status sq_response_add(void *impl, const struct tp_response *r, struct tp_error *err)
{
	struct sq_store *s = impl;
	int64_t tp_id = 0;
	enum tp_status synced = r->touchpoint && *r->touchpoint ? sq_journey_sync(s, err) : TP_OK;
	if (synced != TP_OK)
		return synced;
	if (r->touchpoint && *r->touchpoint &&
	    !tp_strmap_get(s->touchpoints, r->touchpoint, strlen(r->touchpoint), &tp_id))
		return tp_error_set(err, TP_EINPUT, "unknown touchpoint \"%s\"", r->touchpoint);
	if (r->n_attrs > TP_ATTRS_MAX)
		return tp_error_set(err, TP_ELIMIT, "more than %d segment attributes", TP_ATTRS_MAX);
	struct sq_batch *b = &s->batch;
	if (!pairs_reserve(b, r->n_attrs))
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	size_t n_pairs;
	/* Resolving may write the queue (new attribute), so rows are taken after. */
	struct sq_pair pairs[TP_ATTRS_MAX];
	enum tp_status st = resolve_attrs(s, r, pairs, &n_pairs, err);
	if (st != TP_OK)
		return st;
	size_t need = text_need(r->response_id) + text_need(r->respondent_id) +
		      text_need(r->comment) + text_need(r->lang);
	if (!text_reserve(b, need) || !pairs_reserve(b, n_pairs))
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	struct sq_row *row = &b->rows[b->n_rows++];
	row->key = text_add(b, r->response_id);
	row->respondent = text_add(b, r->respondent_id);
	row->comment = text_add(b, r->comment);
	row->lang = text_add(b, r->lang);
	row->submitted_at = r->submitted_at;
	row->touchpoint_id = tp_id;
	row->type = (int)r->respondent_type;
	row->nps = r->nps;
	row->csat = r->csat;
	row->ces = r->ces;
	row->emotion = r->emotion;
	row->first_pair = b->n_pairs;
	row->n_pairs = n_pairs;
	if (n_pairs)
		memcpy(b->pairs + b->n_pairs, pairs, n_pairs * sizeof *pairs);
	b->n_pairs += n_pairs;
	if (b->n_rows == SQ_BATCH_ROWS)
		return sq_batch_write(s, err);
	return TP_OK;
}

enum tp_status sq_response_flush(void *impl, int64_t *inserted, struct tp_error *err)
{
	struct sq_store *s = impl;
	enum tp_status st = sq_batch_write(s, err);
	if (inserted)
		*inserted = s->batch.inserted;
	s->batch.inserted = 0;
	return st;
}

enum tp_status sq_response_insert(void *impl, const struct tp_response *r, bool *inserted,
				  struct tp_error *err)
{
	struct sq_store *s = impl;
	*inserted = false;
	enum tp_status st = sq_batch_write(s, err);
	int64_t before = s->batch.inserted;
	if (st == TP_OK)
		st = sq_response_add(s, r, err);
	if (st == TP_OK)
		st = sq_batch_write(s, err);
	if (st == TP_OK)
		*inserted = s->batch.inserted > before;
	s->batch.inserted = before; /* not part of the bulk path's count */
	return st;
}

enum tp_status sq_touchpoint_counts(void *impl, const struct tp_journey *journey,
				    int64_t *counts, struct tp_error *err)
{
	struct sq_store *s = impl;
	enum tp_status queued = sq_batch_write(s, err);
	if (queued != TP_OK)
		return queued;
	for (size_t i = 0; i < journey->n_touchpoints; i++)
		counts[i] = 0;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, "SELECT t.key, count(*) FROM response r JOIN touchpoint t"
					   " ON t.id = r.touchpoint_id GROUP BY t.key",
				    -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		for (size_t i = 0; i < journey->n_touchpoints; i++)
			if (strcmp(journey->touchpoints[i].id, key) == 0)
				counts[i] = sqlite3_column_int64(st, 1);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sq_error(s, rc, "counting responses", err);
	return TP_OK;
}

/* --- reading back --- */

struct each_state {
	struct sq_store *s;
	sqlite3_stmt *rows;
	sqlite3_stmt *value_text;
	struct tp_attr attrs[TP_ATTRS_MAX];
	char *values[TP_ATTRS_MAX];
};

static enum tp_status prepare_each(struct each_state *e, int64_t limit, bool newest_first,
				   struct tp_error *err)
{
	struct sq_store *s = e->s;
	size_t cap = 512 + s->n_attrs * 32;
	char *sql = malloc(cap);
	if (!sql)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	size_t len = (size_t)snprintf(sql, cap,
				      "SELECT r.response_key, r.submitted_at, r.respondent_key,"
				      " r.respondent_type, t.key, r.nps, r.csat, r.ces, r.emotion,"
				      " r.comment, r.lang");
	for (size_t i = 0; i < s->n_attrs; i++)
		len += (size_t)snprintf(sql + len, cap - len, ", r.a%lld", (long long)s->attrs[i].id);
	snprintf(sql + len, cap - len,
		 " FROM response r LEFT JOIN touchpoint t ON t.id = r.touchpoint_id"
		 " ORDER BY r.submitted_at %s, r.response_key %s LIMIT ?1",
		 newest_first ? "DESC" : "ASC", newest_first ? "DESC" : "ASC");
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &e->rows, NULL);
	free(sql);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, "SELECT value FROM attribute_value WHERE id = ?1", -1,
					&e->value_text, NULL);
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "reading responses", err);
	sqlite3_bind_int64(e->rows, 1, limit > 0 ? limit : -1);
	return TP_OK;
}

/* Fills r from the current row; attribute values are copied into e. */
static enum tp_status read_row(struct each_state *e, struct tp_response *r, struct tp_error *err)
{
	sqlite3_stmt *st = e->rows;
	tp_response_init(r);
	r->response_id = (const char *)sqlite3_column_text(st, 0);
	r->submitted_at = sqlite3_column_int64(st, 1);
	r->respondent_id = (const char *)sqlite3_column_text(st, 2);
	r->respondent_type = (enum tp_respondent_type)sqlite3_column_int(st, 3);
	r->touchpoint = (const char *)sqlite3_column_text(st, 4);
	r->nps = sq_column_score(st, 5);
	r->csat = sq_column_score(st, 6);
	r->ces = sq_column_score(st, 7);
	r->emotion = sq_column_score(st, 8);
	r->comment = (const char *)sqlite3_column_text(st, 9);
	r->lang = (const char *)sqlite3_column_text(st, 10);
	size_t n = 0;
	for (size_t i = 0; i < e->s->n_attrs; i++) {
		if (sqlite3_column_type(st, 11 + (int)i) == SQLITE_NULL)
			continue;
		sqlite3_bind_int64(e->value_text, 1, sqlite3_column_int64(st, 11 + (int)i));
		int rc = sqlite3_step(e->value_text);
		const unsigned char *v = rc == SQLITE_ROW ? sqlite3_column_text(e->value_text, 0) : NULL;
		free(e->values[n]);
		e->values[n] = v ? strdup((const char *)v) : NULL;
		sqlite3_reset(e->value_text);
		if (rc != SQLITE_ROW)
			return sq_error(e->s, rc, "reading attribute values", err);
		if (!e->values[n])
			return tp_error_set(err, TP_ENOMEM, "out of memory");
		e->attrs[n].name = e->s->attrs[i].name;
		e->attrs[n].value = e->values[n];
		n++;
	}
	r->n_attrs = n;
	r->attrs = e->attrs;
	return TP_OK;
}

enum tp_status sq_responses_each(void *impl, int64_t limit, bool newest_first, tp_response_fn fn,
				 void *ctx, struct tp_error *err)
{
	struct each_state *e = calloc(1, sizeof *e);
	if (!e)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	e->s = impl;
	enum tp_status st = sq_batch_write(e->s, err);
	if (st == TP_OK)
		st = prepare_each(e, limit, newest_first, err);
	int rc = SQLITE_OK;
	while (st == TP_OK && (rc = sqlite3_step(e->rows)) == SQLITE_ROW) {
		struct tp_response r;
		st = read_row(e, &r, err);
		if (st == TP_OK && fn(&r, ctx) != 0)
			break;
	}
	if (st == TP_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		st = sq_error(e->s, rc, "reading responses", err);
	sqlite3_finalize(e->rows);
	sqlite3_finalize(e->value_text);
	for (size_t i = 0; i < TP_ATTRS_MAX; i++)
		free(e->values[i]);
	free(e);
	return st;
}
