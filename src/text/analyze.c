/* text/analyze.c - text analytics over the store: training the learned
 * model of a language from the scored comments, and analysing every
 * comment not yet analysed (incrementally, one transaction per batch).
 *
 * Reads and writes the store only through touchpoint/store.h. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "touchpoint/text_learn.h"

static enum tp_text_lang lang_of(const char *stored, const char *text, size_t len)
{
	if (stored && strcmp(stored, "es") == 0)
		return TP_TEXT_ES;
	if (stored && strcmp(stored, "en") == 0)
		return TP_TEXT_EN;
	return tp_text_lang_guess(text, len);
}

/* --- training --- */

struct examples {
	enum tp_text_lang lang;
	struct tp_text_example *ex;
	size_t n, cap;
	bool failed;
};

static int add_example(const struct tp_text_row *row, void *ctx)
{
	struct examples *e = ctx;
	int label;
	if (!tp_text_label_of_scores(row->nps, row->csat, &label))
		return 0;
	if (lang_of(row->lang, row->comment, row->comment_len) != e->lang)
		return 0;
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 1024;
		struct tp_text_example *grown = realloc(e->ex, cap * sizeof *grown);
		if (!grown) {
			e->failed = true;
			return 1;
		}
		e->ex = grown;
		e->cap = cap;
	}
	char *copy = malloc(row->comment_len + 1);
	if (!copy) {
		e->failed = true;
		return 1;
	}
	memcpy(copy, row->comment, row->comment_len + 1);
	e->ex[e->n++] = (struct tp_text_example){copy, row->comment_len, label};
	return 0;
}

static void examples_free(struct examples *e)
{
	for (size_t i = 0; i < e->n; i++)
		free((char *)e->ex[i].text);
	free(e->ex);
}

enum tp_status tp_text_train_store(struct tp_store *store, enum tp_text_lang lang,
				   const struct tp_text_train_opts *opts,
				   struct tp_text_model_info *info, struct tp_text_cv *cv,
				   struct tp_error *err)
{
	struct examples e = {.lang = lang};
	struct tp_text_query q = {.customers = true, .scored = true};
	enum tp_status st = tp_store_text_rows(store, &q, add_example, &e, err);
	if (st == TP_OK && e.failed)
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
	struct tp_text_model *m = NULL;
	if (st == TP_OK)
		st = tp_text_model_train(lang, e.ex, e.n, opts, &m, cv, err);
	unsigned char *blob = NULL;
	size_t len = 0;
	if (st == TP_OK)
		st = tp_text_model_save(m, &blob, &len, err);
	if (st == TP_OK) {
		memset(info, 0, sizeof *info);
		strcpy(info->lang, tp_text_lang_name(lang));
		info->trained_at = (int64_t)time(NULL);
		info->n = (int64_t)e.n;
		info->seed = opts->seed;
		info->cv_accuracy = cv->learned_accuracy;
		info->lexicon_accuracy = cv->lexicon_accuracy;
		st = tp_store_text_model_put(store, info, blob, len, err);
	}
	free(blob);
	tp_text_model_free(m);
	examples_free(&e);
	return st;
}

enum tp_status tp_text_model_from_store(struct tp_store *store, enum tp_text_lang lang,
					struct tp_text_model **out,
					struct tp_text_model_info *info, struct tp_error *err)
{
	*out = NULL;
	void *blob = NULL;
	size_t len = 0;
	enum tp_status st =
	    tp_store_text_model_get(store, tp_text_lang_name(lang), info, &blob, &len, err);
	if (st == TP_OK)
		st = tp_text_model_load(blob, len, out, err);
	free(blob);
	return st;
}

/* --- analysis --- */

struct analyzer {
	struct tp_sentiment *engine[2];
	struct tp_text_model *model[2]; /* the learned model when it is the better one */
	struct tp_comment_analysis *rows;
	size_t n, cap;
	int64_t last_id;
	int64_t by_lang[2];
	enum tp_status st;
	struct tp_error *err;
};

static int analyze_row(const struct tp_text_row *row, void *ctx)
{
	struct analyzer *a = ctx;
	enum tp_text_lang lang = lang_of(row->lang, row->comment, row->comment_len);
	struct tp_sentiment_scores sc;
	a->last_id = row->id;
	if (tp_sentiment_score(a->engine[lang], row->comment, row->comment_len, &sc) != TP_OK) {
		a->st = tp_error_set(a->err, TP_ENOMEM, "out of memory");
		return 1;
	}
	struct tp_comment_analysis *out = &a->rows[a->n++];
	memset(out, 0, sizeof *out);
	out->response_id = row->id;
	strcpy(out->lang, tp_text_lang_name(lang));
	if (a->model[lang]) {
		double p[3];
		a->st = tp_text_model_predict(a->model[lang], row->comment, row->comment_len, p,
					      a->err);
		if (a->st != TP_OK)
			return 1;
		strcpy(out->model, "learned");
		out->compound = p[2] - p[0];
		int best = 0; /* argmax, ties to the earlier class as in training */
		for (int c = 1; c < 3; c++)
			if (p[c] > p[best])
				best = c;
		out->label = best - 1;
	} else {
		strcpy(out->model, "lexicon");
		out->compound = sc.compound;
		out->label = sc.compound >= 0.05 ? 1 : sc.compound <= -0.05 ? -1 : 0;
	}
	for (int e = 0; e < TP_EMOTION_COUNT && e < 6; e++)
		out->emotions[e] = sc.emotions[e];
	a->by_lang[lang]++;
	return 0;
}

/* Loads each language's engine, and its learned model when that one's
 * cross-validated accuracy beats the lexicon's on the same folds. */
static enum tp_status analyzer_open(struct analyzer *a, struct tp_store *store, bool learned[2],
				    struct tp_error *err)
{
	for (int l = 0; l < 2; l++) {
		a->engine[l] = tp_sentiment_new((enum tp_text_lang)l, err);
		if (!a->engine[l])
			return TP_ENOMEM;
		struct tp_text_model_info info;
		enum tp_status st = tp_store_text_model_get(store, tp_text_lang_name(l), &info,
							    NULL, NULL, err);
		if (st == TP_ENOTFOUND)
			continue;
		if (st != TP_OK)
			return st;
		if (!(info.cv_accuracy > info.lexicon_accuracy))
			continue;
		st = tp_text_model_from_store(store, (enum tp_text_lang)l, &a->model[l], &info, err);
		if (st != TP_OK)
			return st;
		learned[l] = true;
	}
	tp_error_clear(err);
	return TP_OK;
}

static void analyzer_close(struct analyzer *a)
{
	for (int l = 0; l < 2; l++) {
		tp_sentiment_free(a->engine[l]);
		tp_text_model_free(a->model[l]);
	}
	free(a->rows);
}

enum tp_status tp_text_analyze(struct tp_store *store, size_t batch,
			       tp_text_progress_fn progress, void *ctx,
			       struct tp_text_analyze_result *out, struct tp_error *err)
{
	memset(out, 0, sizeof *out);
	if (batch == 0)
		batch = 2000;
	struct analyzer a = {.err = err};
	a.rows = malloc(batch * sizeof *a.rows);
	enum tp_status st = a.rows ? TP_OK : tp_error_set(err, TP_ENOMEM, "out of memory");
	if (st == TP_OK)
		st = tp_store_analysis_counts(store, &out->already, NULL, err);
	if (st == TP_OK)
		st = analyzer_open(&a, store, out->learned, err);
	while (st == TP_OK) {
		a.n = 0;
		a.st = TP_OK;
		struct tp_text_query q = {.after_id = a.last_id, .limit = (int64_t)batch,
					  .pending = true};
		st = tp_store_text_rows(store, &q, analyze_row, &a, err);
		if (st == TP_OK)
			st = a.st;
		if (st != TP_OK || a.n == 0)
			break;
		st = tp_store_begin(store, err);
		if (st != TP_OK)
			break;
		st = tp_store_analysis_add(store, a.rows, a.n, err);
		if (st == TP_OK)
			st = tp_store_commit(store, err);
		else
			tp_store_rollback(store, NULL);
		if (st != TP_OK)
			break;
		out->analysed += (int64_t)a.n;
		out->by_lang[0] = a.by_lang[0];
		out->by_lang[1] = a.by_lang[1];
		if (progress && progress(out, ctx) != 0)
			break;
	}
	analyzer_close(&a);
	return st;
}
