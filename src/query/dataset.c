/* query/dataset.c - a compact columnar copy of the stored responses.
 *
 * Built from one scan of the store and extended by scanning only rows added
 * since (their ids are larger), so new answers never cost a rebuild. About
 * 24 bytes per response plus 4 per segment attribute. Reads the store only
 * through its public interface. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "query/dataset_internal.h"

int32_t ds_month_of(int64_t seconds)
{
	/* Civil-from-days (proleptic Gregorian) for the year and month. */
	int64_t z = (seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400) + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	return (int32_t)((y - 1970) * 12 + (m - 1));
}

static void attr_free(struct ds_attr *a)
{
	free(a->name);
	free(a->codes);
	for (size_t i = 0; i < a->n_values; i++)
		free(a->values[i]);
	free(a->values);
	tp_strmap_free(a->code_of_id);
}

static void columns_free(struct tp_dataset *ds)
{
	free(ds->at);
	free(ds->month);
	free(ds->touchpoint);
	free(ds->type);
	free(ds->nps);
	free(ds->csat);
	free(ds->ces);
	free(ds->emotion);
	free(ds->comment);
	free(ds->respondent);
	free(ds->id);
	free(ds->sentiment);
	free(ds->sentiment_label);
	for (size_t i = 0; i < ds->n_attrs; i++)
		attr_free(&ds->attrs[i]);
	free(ds->attrs);
	free(ds->tp_phase);
	free(ds->tp_channel);
	tp_journey_free(ds->journey);
}

void tp_dataset_free(struct tp_dataset *ds)
{
	if (!ds)
		return;
	columns_free(ds);
	free(ds);
}

const struct tp_journey *tp_dataset_journey(const struct tp_dataset *ds)
{
	return ds->journey;
}

int64_t tp_dataset_size(const struct tp_dataset *ds)
{
	return (int64_t)ds->n;
}

size_t tp_dataset_attribute_count(const struct tp_dataset *ds)
{
	return ds->n_attrs;
}

const char *tp_dataset_attribute_name(const struct tp_dataset *ds, size_t i)
{
	return i < ds->n_attrs ? ds->attrs[i].name : NULL;
}

static bool grow(void **p, size_t cap, size_t size)
{
	void *q = realloc(*p, cap * size);
	if (!q)
		return false;
	*p = q;
	return true;
}

static bool reserve_rows(struct tp_dataset *ds, size_t need)
{
	if (need <= ds->cap)
		return true;
	size_t cap = ds->cap ? ds->cap : 4096;
	while (cap < need)
		cap *= 2;
	bool ok = grow((void **)&ds->at, cap, sizeof *ds->at) &&
		  grow((void **)&ds->month, cap, sizeof *ds->month) &&
		  grow((void **)&ds->touchpoint, cap, sizeof *ds->touchpoint) &&
		  grow((void **)&ds->type, cap, 1) && grow((void **)&ds->nps, cap, 1) &&
		  grow((void **)&ds->csat, cap, 1) && grow((void **)&ds->ces, cap, 1) &&
		  grow((void **)&ds->emotion, cap, 1) && grow((void **)&ds->comment, cap, 1) &&
		  grow((void **)&ds->respondent, cap, sizeof *ds->respondent) &&
		  grow((void **)&ds->id, cap, sizeof *ds->id);
	if (ok && ds->has_sentiment)
		ok = grow((void **)&ds->sentiment, cap, sizeof *ds->sentiment) &&
		     grow((void **)&ds->sentiment_label, cap, 1);
	for (size_t i = 0; ok && i < ds->n_attrs; i++)
		ok = grow((void **)&ds->attrs[i].codes, cap, sizeof(int32_t));
	if (ok)
		ds->cap = cap;
	return ok;
}

/* --- attribute dictionaries --- */

struct value_ctx {
	struct ds_attr *attr;
	bool failed;
};

static int add_value(int64_t id, const char *value, void *ctx)
{
	struct value_ctx *vc = ctx;
	struct ds_attr *a = vc->attr;
	char **grown = realloc(a->values, (a->n_values + 1) * sizeof *grown);
	char *copy = strdup(value);
	char key[8];
	memcpy(key, &id, 8);
	if (!grown || !copy || !tp_strmap_put(a->code_of_id, key, 8, (int64_t)a->n_values)) {
		if (grown)
			a->values = grown;
		free(copy);
		vc->failed = true;
		return 1;
	}
	a->values = grown;
	a->values[a->n_values++] = copy;
	a->last_value_id = id;
	return 0;
}

/* Adds attributes new to the store and their new values. */
static enum tp_status load_dictionaries(struct tp_dataset *ds, struct tp_store *store,
					struct tp_error *err)
{
	size_t count = tp_store_attribute_count(store);
	if (count > ds->n_attrs) {
		struct ds_attr *grown = realloc(ds->attrs, count * sizeof *grown);
		if (!grown)
			return tp_error_set(err, TP_ENOMEM, "out of memory");
		ds->attrs = grown;
		for (size_t i = ds->n_attrs; i < count; i++) {
			struct ds_attr *a = &ds->attrs[i];
			memset(a, 0, sizeof *a);
			a->name = strdup(tp_store_attribute_name(store, i));
			a->code_of_id = tp_strmap_new();
			a->codes = malloc((ds->cap ? ds->cap : 1) * sizeof(int32_t));
			if (!a->name || !a->code_of_id || !a->codes) {
				ds->n_attrs = i + 1;
				return tp_error_set(err, TP_ENOMEM, "out of memory");
			}
			/* Rows read before this attribute existed have no value. */
			for (size_t r = 0; r < ds->n; r++)
				a->codes[r] = -1;
		}
		ds->n_attrs = count;
	}
	for (size_t i = 0; i < ds->n_attrs; i++) {
		struct value_ctx vc = {.attr = &ds->attrs[i]};
		enum tp_status st = tp_store_attribute_values(store, i, ds->attrs[i].last_value_id,
							      add_value, &vc, err);
		if (st == TP_OK && vc.failed)
			st = tp_error_set(err, TP_ENOMEM, "out of memory");
		if (st != TP_OK)
			return st;
	}
	return TP_OK;
}

/* --- rows --- */

struct scan_ctx {
	struct tp_dataset *ds;
	bool failed;
};

static int8_t score8(int v)
{
	return v == TP_SCORE_NONE ? TP_NONE8 : (int8_t)v;
}

static int add_row(const struct tp_store_row *row, void *ctx)
{
	struct scan_ctx *sc = ctx;
	struct tp_dataset *ds = sc->ds;
	if (!reserve_rows(ds, ds->n + 1)) {
		sc->failed = true;
		return 1;
	}
	size_t i = ds->n;
	ds->at[i] = row->submitted_at;
	ds->month[i] = ds_month_of(row->submitted_at);
	if (i == 0 || ds->month[i] < ds->min_month)
		ds->min_month = ds->month[i];
	if (i == 0 || ds->month[i] > ds->max_month)
		ds->max_month = ds->month[i];
	ds->touchpoint[i] = (int16_t)row->touchpoint;
	ds->type[i] = (int8_t)row->respondent_type;
	ds->nps[i] = score8(row->nps);
	ds->csat[i] = score8(row->csat);
	ds->ces[i] = score8(row->ces);
	ds->emotion[i] = score8(row->emotion);
	ds->comment[i] = row->has_comment;
	ds->respondent[i] = (uint32_t)(row->respondent ^ (row->respondent >> 32));
	if (row->respondent && !ds->respondent[i])
		ds->respondent[i] = 1;
	for (size_t a = 0; a < ds->n_attrs; a++) {
		int64_t code = -1;
		if (a < row->n_attrs && row->attrs[a]) {
			char key[8];
			memcpy(key, &row->attrs[a], 8);
			if (!tp_strmap_get(ds->attrs[a].code_of_id, key, 8, &code))
				code = -1;
		}
		ds->attrs[a].codes[i] = (int32_t)code;
	}
	ds->id[i] = row->id;
	if (ds->has_sentiment) {
		ds->sentiment[i] = DS_NO_SENTIMENT;
		ds->sentiment_label[i] = 0;
	}
	ds->n++;
	ds->last_id = row->id;
	return 0;
}

static enum tp_status load_journey(struct tp_dataset *ds, struct tp_store *store,
				   struct tp_error *err)
{
	enum tp_status st = tp_store_journey_load(store, &ds->journey, err);
	if (st != TP_OK)
		return st;
	const struct tp_journey *j = ds->journey;
	size_t n = j->n_touchpoints ? j->n_touchpoints : 1;
	ds->tp_phase = malloc(n * sizeof *ds->tp_phase);
	ds->tp_channel = malloc(n * sizeof *ds->tp_channel);
	if (!ds->tp_phase || !ds->tp_channel)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	for (size_t t = 0; t < j->n_touchpoints; t++) {
		ds->tp_phase[t] = (int16_t)(tp_journey_phase(j, j->touchpoints[t].phase) - j->phases);
		ds->tp_channel[t] =
			(int16_t)(tp_journey_channel(j, j->touchpoints[t].channel) - j->channels);
	}
	return TP_OK;
}

static enum tp_status extend(struct tp_dataset *ds, struct tp_store *store, struct tp_error *err)
{
	enum tp_status st = load_dictionaries(ds, store, err);
	if (st != TP_OK)
		return st;
	struct scan_ctx sc = {.ds = ds};
	st = tp_store_scan(store, ds->journey, ds->last_id, add_row, &sc, err);
	if (st == TP_OK && sc.failed)
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
	return st;
}

enum tp_status tp_dataset_open(struct tp_store *store, struct tp_dataset **out,
			       struct tp_error *err)
{
	*out = NULL;
	struct tp_dataset *ds = calloc(1, sizeof *ds);
	if (!ds)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	enum tp_status st = load_journey(ds, store, err);
	if (st == TP_OK)
		st = extend(ds, store, err);
	if (st != TP_OK) {
		tp_dataset_free(ds);
		return st;
	}
	*out = ds;
	return TP_OK;
}

static bool same_journey(const struct tp_journey *a, const struct tp_journey *b)
{
	if (a->n_touchpoints != b->n_touchpoints || a->n_phases != b->n_phases ||
	    a->n_channels != b->n_channels)
		return false;
	for (size_t i = 0; i < a->n_touchpoints; i++)
		if (strcmp(a->touchpoints[i].id, b->touchpoints[i].id) ||
		    strcmp(a->touchpoints[i].phase, b->touchpoints[i].phase) ||
		    strcmp(a->touchpoints[i].channel, b->touchpoints[i].channel))
			return false;
	for (size_t i = 0; i < a->n_phases; i++)
		if (strcmp(a->phases[i].id, b->phases[i].id))
			return false;
	for (size_t i = 0; i < a->n_channels; i++)
		if (strcmp(a->channels[i].id, b->channels[i].id))
			return false;
	return true;
}

enum tp_status tp_dataset_refresh(struct tp_dataset *ds, struct tp_store *store, int64_t *added,
				  struct tp_error *err)
{
	size_t before = ds->n;
	struct tp_journey *now = NULL;
	enum tp_status st = tp_store_journey_load(store, &now, err);
	if (st != TP_OK)
		return st;
	bool same = same_journey(now, ds->journey);
	if (same) {
		/* Same cells, maybe new names or owners: keep the newer text. */
		tp_journey_free(ds->journey);
		ds->journey = now;
	} else {
		tp_journey_free(now);
	}
	if (!same) {
		/* Touchpoints moved or went away: indexes changed, start again. */
		struct tp_dataset *fresh = NULL;
		st = tp_dataset_open(store, &fresh, err);
		if (st != TP_OK)
			return st;
		columns_free(ds);
		*ds = *fresh;
		free(fresh);
		before = 0;
	} else {
		st = extend(ds, store, err);
	}
	if (added)
		*added = (int64_t)(ds->n - before);
	if (st == TP_OK && ds->has_sentiment)
		st = tp_dataset_load_sentiment(ds, store, err);
	return st;
}

/* --- sentiment (textlearn) --- */

struct sentiment_ctx {
	struct tp_dataset *ds;
	size_t at; /* rows before it have smaller ids than the analyses to come */
};

static int add_analysis(const struct tp_comment_analysis *a, void *ctx)
{
	struct sentiment_ctx *sc = ctx;
	struct tp_dataset *ds = sc->ds;
	if (a->response_id > ds->last_id)
		return 1; /* its response is not in the dataset yet: next refresh */
	/* Analyses come in response id order, rows are in id order: walk both. */
	size_t lo = sc->at, hi = ds->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ds->id[mid] < a->response_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	sc->at = lo;
	if (lo < ds->n && ds->id[lo] == a->response_id) {
		double c = a->compound < -1 ? -1 : a->compound > 1 ? 1 : a->compound;
		ds->sentiment[lo] = (int16_t)lround(c * DS_SENTIMENT_SCALE);
		ds->sentiment_label[lo] = (int8_t)(a->label < 0 ? -1 : a->label > 0);
	}
	ds->sentiment_last = a->response_id;
	ds->sentiment_count++;
	return 0;
}

enum tp_status tp_dataset_load_sentiment(struct tp_dataset *ds, struct tp_store *store,
					 struct tp_error *err)
{
	size_t cap = ds->cap ? ds->cap : 1;
	if (!ds->has_sentiment) {
		ds->sentiment = malloc(cap * sizeof *ds->sentiment);
		ds->sentiment_label = malloc(cap);
		if (!ds->sentiment || !ds->sentiment_label) {
			free(ds->sentiment);
			free(ds->sentiment_label);
			ds->sentiment = NULL;
			ds->sentiment_label = NULL;
			return tp_error_set(err, TP_ENOMEM, "out of memory");
		}
		ds->has_sentiment = true;
		ds->sentiment_last = 0;
		ds->sentiment_count = 0;
		for (size_t i = 0; i < ds->n; i++) {
			ds->sentiment[i] = DS_NO_SENTIMENT;
			ds->sentiment_label[i] = 0;
		}
	}
	/* Only analyses after the last one read: `text analyze` goes through the
	 * pending comments in response order and responses are never deleted,
	 * so an analysis never appears below one already stored. One indexed
	 * range read: cheap when nothing is new. */
	struct sentiment_ctx sc = {ds, 0};
	return tp_store_analysis_each(store, ds->sentiment_last, add_analysis, &sc, err);
}
