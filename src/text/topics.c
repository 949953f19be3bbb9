/* text/topics.c - keywords per touchpoint (c-TF-IDF) and what detractors
 * say that promoters do not (weighted log-odds, informative Dirichlet
 * prior). Formulas in touchpoint/topics.h and docs/text.md.
 *
 * One pass over the customer comments in scope counts every term (stem or
 * pair of consecutive stems, stop words left out) per class; the written
 * forms of each stem are counted alongside so that a stem can be shown as
 * the word customers wrote most. Reads the store only through its public
 * interface. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/text.h"
#include "touchpoint/topics.h"
#include "text/sentiment_tables.h"
#include "util/strmap.h"

#define STEM_MAX 128

struct counts {
	int64_t *n; /* per term */
	size_t len;
	int64_t total;
	int64_t comments;
};

struct topics_ctx {
	const struct tp_topics_opts *opts;
	struct tp_tokenizer *tok[2];
	struct tp_strmap *term_index; /* "stem" or "stem stem" -> term */
	char **terms;
	size_t n_terms, terms_cap;
	struct tp_strmap *class_index; /* class name -> class */
	char **class_names;
	struct counts *classes;
	size_t n_classes;
	struct counts corpus; /* log-odds: every comment in scope (the prior) */
	struct tp_strmap *forms; /* "stem\x1fword" -> occurrences */
	int64_t comments;
	/* the comment being read */
	struct counts *cur;
	const struct lang_rules *rules; /* its language's negators, boosters, contrasts */
	char prev[STEM_MAX];
	bool has_prev;
	bool failed;
};

static bool counts_add(struct counts *c, size_t term)
{
	if (term >= c->len) {
		size_t len = c->len ? c->len : 256;
		while (len <= term)
			len *= 2;
		int64_t *grown = realloc(c->n, len * sizeof *grown);
		if (!grown)
			return false;
		memset(grown + c->len, 0, (len - c->len) * sizeof *grown);
		c->n = grown;
		c->len = len;
	}
	c->n[term]++;
	c->total++;
	return true;
}

static int64_t count_of(const struct counts *c, size_t term)
{
	return term < c->len ? c->n[term] : 0;
}

static long term_of(struct topics_ctx *t, const char *key, size_t len)
{
	int64_t idx;
	if (tp_strmap_get(t->term_index, key, len, &idx))
		return (long)idx;
	if (t->n_terms == t->terms_cap) {
		size_t cap = t->terms_cap ? t->terms_cap * 2 : 1024;
		char **grown = realloc(t->terms, cap * sizeof *grown);
		if (!grown)
			return -1;
		t->terms = grown;
		t->terms_cap = cap;
	}
	char *copy = strndup(key, len);
	if (!copy || !tp_strmap_put(t->term_index, key, len, (int64_t)t->n_terms)) {
		free(copy);
		return -1;
	}
	t->terms[t->n_terms] = copy;
	return (long)t->n_terms++;
}

static bool count_term(struct topics_ctx *t, const char *key, size_t len)
{
	long term = term_of(t, key, len);
	if (term < 0 || !counts_add(t->cur, (size_t)term))
		return false;
	return !t->opts->by_nps_group || counts_add(&t->corpus, (size_t)term);
}

static bool count_form(struct topics_ctx *t, const struct tp_token *tok)
{
	char key[2 * STEM_MAX + 2];
	int len = snprintf(key, sizeof key, "%s\x1f%s", tok->stem, tok->lower);
	if (len < 0 || (size_t)len >= sizeof key)
		return true;
	int64_t n = 0;
	tp_strmap_get(t->forms, key, (size_t)len, &n);
	return tp_strmap_put(t->forms, key, (size_t)len, n + 1);
}

/* Negators, boosters and contrast words ("no", "muy", "pero") are kept out
 * of the stop words for the sentiment and learned models, but alone they
 * say nothing about a topic: they count only inside two-word phrases
 * ("no funciona", "muy lento"). */
static bool function_word(const struct lang_rules *rules, const char *word)
{
	for (const char *const *w = rules->negators; *w; w++)
		if (strcmp(*w, word) == 0)
			return true;
	for (const char *const *w = rules->contrasts; *w; w++)
		if (strcmp(*w, word) == 0)
			return true;
	for (const struct weighted *b = rules->boosters; b->word; b++)
		if (strcmp(b->word, word) == 0)
			return true;
	return false;
}

static int on_token(const struct tp_token *tok, void *ctx)
{
	struct topics_ctx *t = ctx;
	if (tok->stop || tok->stem_len >= STEM_MAX)
		return 0;
	bool ok = count_form(t, tok) &&
		  (function_word(t->rules, tok->word) || count_term(t, tok->stem, tok->stem_len));
	if (ok && t->has_prev) {
		char pair[2 * STEM_MAX + 1];
		int len = snprintf(pair, sizeof pair, "%s %s", t->prev, tok->stem);
		ok = len > 0 && count_term(t, pair, (size_t)len);
	}
	memcpy(t->prev, tok->stem, tok->stem_len + 1);
	t->has_prev = true;
	if (!ok) {
		t->failed = true;
		return 1;
	}
	return 0;
}

static struct counts *class_of(struct topics_ctx *t, const char *name)
{
	int64_t idx;
	size_t len = strlen(name);
	if (tp_strmap_get(t->class_index, name, len, &idx))
		return &t->classes[idx];
	struct counts *grown = realloc(t->classes, (t->n_classes + 1) * sizeof *grown);
	if (!grown)
		return NULL;
	t->classes = grown;
	char **names = realloc(t->class_names, (t->n_classes + 1) * sizeof *names);
	if (!names)
		return NULL;
	t->class_names = names;
	char *copy = strdup(name);
	if (!copy || !tp_strmap_put(t->class_index, name, len, (int64_t)t->n_classes)) {
		free(copy);
		return NULL;
	}
	t->class_names[t->n_classes] = copy;
	memset(&t->classes[t->n_classes], 0, sizeof t->classes[0]);
	return &t->classes[t->n_classes++];
}

static enum tp_text_lang lang_of(const struct tp_text_row *row)
{
	if (row->lang && strcmp(row->lang, "es") == 0)
		return TP_TEXT_ES;
	if (row->lang && strcmp(row->lang, "en") == 0)
		return TP_TEXT_EN;
	return tp_text_lang_guess(row->comment, row->comment_len);
}

static int on_comment(const struct tp_text_row *row, void *ctx)
{
	struct topics_ctx *t = ctx;
	enum tp_text_lang lang = lang_of(row);
	if (t->opts->lang >= 0 && (int)lang != t->opts->lang)
		return 0;
	t->rules = lang == TP_TEXT_ES ? &tp_sentiment_rules_es : &tp_sentiment_rules_en;
	const char *name = row->touchpoint ? row->touchpoint : "";
	if (t->opts->by_nps_group) {
		name = row->nps == TP_SCORE_NONE ? NULL
		       : row->nps <= 6		 ? "detractors"
		       : row->nps >= 9		 ? "promoters"
						 : NULL;
	}
	if (name) {
		t->cur = class_of(t, name);
		if (!t->cur) {
			t->failed = true;
			return 1;
		}
	}
	if (t->opts->by_nps_group && !name) {
		/* Passives and comments without NPS feed the prior only. */
		struct counts scratch = {0};
		t->cur = &scratch;
		t->has_prev = false;
		tp_tokenize(t->tok[lang], row->comment, row->comment_len, on_token, t);
		free(scratch.n);
	} else {
		t->cur->comments++;
		t->has_prev = false;
		tp_tokenize(t->tok[lang], row->comment, row->comment_len, on_token, t);
	}
	t->comments++;
	return t->failed;
}

/* --- readable forms --- */

struct best_form {
	struct tp_strmap *index; /* stem -> slot */
	char **word;
	int64_t *count;
	size_t n;
	bool failed;
};

static void pick_form(const char *key, size_t len, int64_t value, void *ctx)
{
	struct best_form *b = ctx;
	const char *sep = memchr(key, '\x1f', len);
	if (!sep || b->failed)
		return;
	size_t stem_len = (size_t)(sep - key);
	const char *word = sep + 1;
	size_t word_len = len - stem_len - 1;
	int64_t slot;
	if (!tp_strmap_get(b->index, key, stem_len, &slot)) {
		slot = (int64_t)b->n;
		char **w = realloc(b->word, (b->n + 1) * sizeof *w);
		int64_t *c = realloc(b->count, (b->n + 1) * sizeof *c);
		if (w)
			b->word = w;
		if (c)
			b->count = c;
		if (!w || !c || !tp_strmap_put(b->index, key, stem_len, slot)) {
			b->failed = true;
			return;
		}
		b->word[slot] = NULL;
		b->count[slot] = 0;
		b->n++;
	}
	/* Most frequent; among equals the first in byte order. */
	char *copy = strndup(word, word_len);
	if (!copy) {
		b->failed = true;
		return;
	}
	bool better = value > b->count[slot] ||
		      (value == b->count[slot] && (!b->word[slot] || strcmp(copy, b->word[slot]) < 0));
	if (!better) {
		free(copy);
		return;
	}
	free(b->word[slot]);
	b->word[slot] = copy;
	b->count[slot] = value;
}

static const char *form_of(const struct best_form *b, const char *stem, size_t len)
{
	int64_t slot;
	if (tp_strmap_get(b->index, stem, len, &slot) && b->word[slot])
		return b->word[slot];
	return NULL;
}

/* "stem" or "stem stem" as written words. */
static char *readable(const struct best_form *b, const char *key)
{
	const char *space = strchr(key, ' ');
	size_t first = space ? (size_t)(space - key) : strlen(key);
	const char *a = form_of(b, key, first);
	char buf[4 * STEM_MAX + 2];
	if (!a)
		a = "";
	if (space) {
		const char *c = form_of(b, space + 1, strlen(space + 1));
		snprintf(buf, sizeof buf, "%s %s", *a ? a : "?", c ? c : space + 1);
	} else {
		snprintf(buf, sizeof buf, "%s", *a ? a : key);
	}
	return strdup(buf);
}

/* --- ranking --- */

struct scored {
	size_t term;
	double weight, delta;
	int64_t count, other;
};

static const char *const *sort_terms; /* qsort has no context argument */

static int compare_scored(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return strcmp(sort_terms[x->term], sort_terms[y->term]);
}

static enum tp_status keep_top(struct topics_ctx *t, const struct best_form *forms,
			       struct scored *s, size_t n, struct tp_topic_class *out,
			       struct tp_error *err)
{
	sort_terms = (const char *const *)t->terms;
	qsort(s, n, sizeof *s, compare_scored);
	size_t top = t->opts->top ? t->opts->top : 10;
	if (top > n)
		top = n;
	out->terms = calloc(top ? top : 1, sizeof *out->terms);
	if (!out->terms)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	for (size_t i = 0; i < top; i++) {
		struct tp_topic_term *term = &out->terms[i];
		term->stem = strdup(t->terms[s[i].term]);
		term->term = readable(forms, t->terms[s[i].term]);
		term->count = s[i].count;
		term->other = s[i].other;
		term->weight = s[i].weight;
		term->delta = s[i].delta;
		out->n_terms = i + 1;
		if (!term->stem || !term->term)
			return tp_error_set(err, TP_ENOMEM, "out of memory");
	}
	return TP_OK;
}

/* c-TF-IDF: W(t,c) = (n_tc / N_c) * ln(1 + A / f_t), f_t = sum_c n_tc,
 * A = mean of N_c over the classes. */
static enum tp_status ctfidf(struct topics_ctx *t, const struct best_form *forms,
			     struct tp_topics *out, struct tp_error *err)
{
	double words = 0;
	for (size_t c = 0; c < t->n_classes; c++)
		words += (double)t->classes[c].total;
	double avg = t->n_classes ? words / (double)t->n_classes : 0;
	int64_t *f = calloc(t->n_terms ? t->n_terms : 1, sizeof *f);
	struct scored *s = malloc((t->n_terms ? t->n_terms : 1) * sizeof *s);
	out->classes = calloc(t->n_classes ? t->n_classes : 1, sizeof *out->classes);
	enum tp_status st = TP_OK;
	if (!f || !s || !out->classes)
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
	for (size_t c = 0; st == TP_OK && c < t->n_classes; c++)
		for (size_t w = 0; w < t->n_terms; w++)
			f[w] += count_of(&t->classes[c], w);
	for (size_t c = 0; st == TP_OK && c < t->n_classes; c++) {
		const char *name = t->class_names[c];
		if (t->opts->touchpoint && strcmp(name, t->opts->touchpoint) != 0)
			continue;
		const struct counts *k = &t->classes[c];
		size_t n = 0;
		for (size_t w = 0; w < t->n_terms; w++) {
			int64_t tf = count_of(k, w);
			if (tf == 0)
				continue;
			double weight = ((double)tf / (double)k->total) *
					log(1.0 + avg / (double)f[w]);
			s[n++] = (struct scored){w, weight, 0, tf, 0};
		}
		struct tp_topic_class *cls = &out->classes[out->n_classes++];
		cls->name = strdup(name);
		cls->comments = k->comments;
		cls->words = k->total;
		st = cls->name ? keep_top(t, forms, s, n, cls, err)
			       : tp_error_set(err, TP_ENOMEM, "out of memory");
	}
	free(f);
	free(s);
	return st;
}

/* Weighted log-odds with an informative Dirichlet prior (Monroe et al.
 * 2008, eqs. 16, 20, 22): alpha_w = y_w of the whole corpus in scope,
 * alpha_0 = its sum; i detractors, j promoters:
 *   delta_w = ln((y_iw + a_w) / (n_i + a_0 - y_iw - a_w))
 *           - ln((y_jw + a_w) / (n_j + a_0 - y_jw - a_w))
 *   z_w = delta_w / sqrt(1 / (y_iw + a_w) + 1 / (y_jw + a_w)) */
static enum tp_status log_odds(struct topics_ctx *t, const struct best_form *forms,
			       struct tp_topics *out, struct tp_error *err)
{
	static const struct counts empty = {0};
	int64_t idx;
	const struct counts *det = tp_strmap_get(t->class_index, "detractors", 10, &idx)
					   ? &t->classes[idx]
					   : &empty;
	const struct counts *pro = tp_strmap_get(t->class_index, "promoters", 9, &idx)
					   ? &t->classes[idx]
					   : &empty;
	const struct counts *side[2] = {det, pro};
	static const char *const names[2] = {"detractors", "promoters"};
	double a0 = (double)t->corpus.total;
	struct scored *s = malloc((t->n_terms ? t->n_terms : 1) * sizeof *s);
	out->classes = calloc(2, sizeof *out->classes);
	if (!s || !out->classes) {
		free(s);
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	}
	enum tp_status st = TP_OK;
	for (int g = 0; st == TP_OK && g < 2; g++) {
		const struct counts *i = side[g], *j = side[1 - g];
		size_t n = 0;
		for (size_t w = 0; w < t->n_terms; w++) {
			double a = (double)count_of(&t->corpus, w);
			double yi = (double)count_of(i, w), yj = (double)count_of(j, w);
			if (a <= 0 || (yi == 0 && yj == 0))
				continue;
			double delta = log((yi + a) / ((double)i->total + a0 - yi - a)) -
				       log((yj + a) / ((double)j->total + a0 - yj - a));
			double z = delta / sqrt(1.0 / (yi + a) + 1.0 / (yj + a));
			s[n++] = (struct scored){w, z, delta, (int64_t)yi, (int64_t)yj};
		}
		struct tp_topic_class *cls = &out->classes[out->n_classes++];
		cls->name = strdup(names[g]);
		cls->comments = i->comments;
		cls->words = i->total;
		st = cls->name ? keep_top(t, forms, s, n, cls, err)
			       : tp_error_set(err, TP_ENOMEM, "out of memory");
	}
	free(s);
	return st;
}

static void ctx_free(struct topics_ctx *t)
{
	tp_tokenizer_free(t->tok[0]);
	tp_tokenizer_free(t->tok[1]);
	tp_strmap_free(t->term_index);
	for (size_t i = 0; i < t->n_terms; i++)
		free(t->terms[i]);
	free(t->terms);
	tp_strmap_free(t->class_index);
	for (size_t c = 0; c < t->n_classes; c++) {
		free(t->class_names[c]);
		free(t->classes[c].n);
	}
	free(t->class_names);
	free(t->classes);
	free(t->corpus.n);
	tp_strmap_free(t->forms);
}

static void forms_free(struct best_form *b)
{
	tp_strmap_free(b->index);
	for (size_t i = 0; i < b->n; i++)
		free(b->word[i]);
	free(b->word);
	free(b->count);
}

void tp_topics_free(struct tp_topics *t)
{
	if (!t)
		return;
	for (size_t c = 0; c < t->n_classes; c++) {
		struct tp_topic_class *cls = &t->classes[c];
		for (size_t i = 0; i < cls->n_terms; i++) {
			free(cls->terms[i].term);
			free(cls->terms[i].stem);
		}
		free(cls->terms);
		free(cls->name);
	}
	free(t->classes);
	free(t);
}

enum tp_status tp_topics_run(struct tp_store *store, const struct tp_topics_opts *opts,
			     struct tp_topics **out, struct tp_error *err)
{
	*out = NULL;
	if (opts->touchpoint && !tp_store_has_touchpoint(store, opts->touchpoint))
		return tp_error_set(err, TP_EINPUT, "unknown touchpoint \"%.100s\"",
				    opts->touchpoint);
	struct topics_ctx t = {.opts = opts};
	struct best_form forms = {0};
	struct tp_topics *res = calloc(1, sizeof *res);
	enum tp_status st = TP_OK;
	t.term_index = tp_strmap_new();
	t.class_index = tp_strmap_new();
	t.forms = tp_strmap_new();
	forms.index = tp_strmap_new();
	if (!res || !t.term_index || !t.class_index || !t.forms || !forms.index)
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
	for (int l = 0; st == TP_OK && l < 2; l++) {
		t.tok[l] = tp_tokenizer_new((enum tp_text_lang)l, err);
		if (!t.tok[l])
			st = TP_ENOMEM;
	}
	if (st == TP_OK) {
		struct tp_text_query q = {
		    .customers = true,
		    .touchpoint = opts->by_nps_group ? opts->touchpoint : NULL,
		};
		st = tp_store_text_rows(store, &q, on_comment, &t, err);
		if (st == TP_OK && t.failed)
			st = tp_error_set(err, TP_ENOMEM, "out of memory");
	}
	if (st == TP_OK) {
		tp_strmap_each(t.forms, pick_form, &forms);
		if (forms.failed)
			st = tp_error_set(err, TP_ENOMEM, "out of memory");
	}
	if (st == TP_OK) {
		res->log_odds = opts->by_nps_group;
		res->comments = t.comments;
		st = opts->by_nps_group ? log_odds(&t, &forms, res, err)
					: ctfidf(&t, &forms, res, err);
	}
	forms_free(&forms);
	ctx_free(&t);
	if (st != TP_OK) {
		tp_topics_free(res);
		return st;
	}
	*out = res;
	return TP_OK;
}
