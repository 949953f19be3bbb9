/* text/learn.c - the learned sentiment model: hashed word and word-pair
 * features, a three-class logistic regression with an L2 penalty fitted by
 * stochastic gradient descent, stratified K-fold cross-validation against
 * the lexicon engine, and the model's serialised form.
 *
 * Objective (per training set of n examples, classes k = neg, neu, pos):
 *   (1/n) sum_i -log softmax(b + W x_i)[y_i] + (lambda/2) ||W||^2
 * (the biases b are not penalised). SGD after Bottou (2012, "Stochastic
 * Gradient Descent Tricks", sec. 5.1): step eta_t = eta0 / (1 + lambda eta0
 * t), the penalty applied to every weight at once through a scale factor
 * (W = scale * V), so that each step costs only the example's features.
 * The order of examples is a Fisher-Yates shuffle per epoch from a
 * splitmix64 generator seeded by the caller: the same seed gives the same
 * model bit for bit. Does no I/O. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/text_learn.h"
#include "util/rng.h"

#define HASH_BITS 18
#define N_FEATURES (1u << HASH_BITS)
#define N_CLASSES 3
#define FEATURES_MAX 512 /* distinct features kept per text */
#define ETA0 0.5
#define FORMAT_VERSION 1u
#define FEATURE_FLAGS 0x7u /* 1 unigrams, 2 bigrams, 4 stop words dropped */

struct tp_text_model {
	enum tp_text_lang lang;
	double l2;
	double bias[N_CLASSES];
	double *w; /* N_FEATURES * N_CLASSES, feature-major */
	struct tp_tokenizer *tok; /* made on first prediction */
};

void tp_text_train_opts_init(struct tp_text_train_opts *o)
{
	o->seed = 1;
	o->folds = 5;
	o->l2 = 1e-4;
	o->epochs = 10;
}

bool tp_text_label_of_scores(int nps, int csat, int *label)
{
	if (nps >= 0 && nps <= 10) {
		*label = nps <= 6 ? -1 : nps <= 8 ? 0 : 1;
		return true;
	}
	if (csat >= 1 && csat <= 5) {
		*label = csat <= 2 ? -1 : csat == 3 ? 0 : 1;
		return true;
	}
	return false;
}

enum tp_text_lang tp_text_model_lang(const struct tp_text_model *m)
{
	return m->lang;
}

void tp_text_model_free(struct tp_text_model *m)
{
	if (!m)
		return;
	free(m->w);
	tp_tokenizer_free(m->tok);
	free(m);
}

static struct tp_text_model *model_new(enum tp_text_lang lang, double l2)
{
	struct tp_text_model *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->lang = lang;
	m->l2 = l2;
	m->w = calloc((size_t)N_FEATURES * N_CLASSES, sizeof *m->w);
	if (!m->w) {
		free(m);
		return NULL;
	}
	return m;
}

/* --- features --- */

/* The features of one text: sorted, distinct hashed ids. */
struct features {
	uint32_t ids[FEATURES_MAX];
	size_t n;
	char prev[128];
	size_t prev_len;
	bool has_prev;
};

static uint32_t hash_term(unsigned char kind, const char *a, size_t a_len, const char *b,
			  size_t b_len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	h = (h ^ kind) * 0x100000001b3ULL;
	for (size_t i = 0; i < a_len; i++)
		h = (h ^ (unsigned char)a[i]) * 0x100000001b3ULL;
	if (b) {
		h = (h ^ ' ') * 0x100000001b3ULL;
		for (size_t i = 0; i < b_len; i++)
			h = (h ^ (unsigned char)b[i]) * 0x100000001b3ULL;
	}
	return (uint32_t)(h ^ (h >> 32)) & (N_FEATURES - 1);
}

static void add_feature(struct features *f, uint32_t id)
{
	if (f->n < FEATURES_MAX)
		f->ids[f->n++] = id;
}

static int on_token(const struct tp_token *t, void *ctx)
{
	struct features *f = ctx;
	if (t->stop)
		return 0;
	add_feature(f, hash_term(1, t->stem, t->stem_len, NULL, 0));
	if (f->has_prev)
		add_feature(f, hash_term(2, f->prev, f->prev_len, t->stem, t->stem_len));
	f->has_prev = t->stem_len < sizeof f->prev;
	if (f->has_prev) {
		memcpy(f->prev, t->stem, t->stem_len);
		f->prev_len = t->stem_len;
	}
	return 0;
}

static int compare_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void featurize(struct tp_tokenizer *tok, const char *text, size_t len, struct features *f)
{
	f->n = 0;
	f->has_prev = false;
	tp_tokenize(tok, text, len, on_token, f);
	qsort(f->ids, f->n, sizeof f->ids[0], compare_u32);
	size_t k = 0;
	for (size_t i = 0; i < f->n; i++)
		if (k == 0 || f->ids[i] != f->ids[k - 1])
			f->ids[k++] = f->ids[i];
	f->n = k;
}

/* Every example's features, in one array. */
struct corpus {
	uint32_t *ids;
	size_t *start; /* n + 1 offsets */
	int *cls;      /* 0 neg, 1 neu, 2 pos */
	size_t n;
};

static void corpus_free(struct corpus *c)
{
	free(c->ids);
	free(c->start);
	free(c->cls);
}

static enum tp_status corpus_build(enum tp_text_lang lang, const struct tp_text_example *ex,
				   size_t n, struct corpus *c, struct tp_error *err)
{
	memset(c, 0, sizeof *c);
	struct tp_tokenizer *tok = tp_tokenizer_new(lang, err);
	if (!tok)
		return TP_ENOMEM;
	struct features *f = malloc(sizeof *f);
	size_t cap = n * 16 + 16, used = 0;
	c->ids = malloc(cap * sizeof *c->ids);
	c->start = malloc((n + 1) * sizeof *c->start);
	c->cls = malloc((n ? n : 1) * sizeof *c->cls);
	enum tp_status st = TP_OK;
	if (!f || !c->ids || !c->start || !c->cls)
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
	for (size_t i = 0; st == TP_OK && i < n; i++) {
		featurize(tok, ex[i].text, ex[i].len, f);
		if (used + f->n > cap) {
			while (used + f->n > cap)
				cap *= 2;
			uint32_t *grown = realloc(c->ids, cap * sizeof *grown);
			if (!grown) {
				st = tp_error_set(err, TP_ENOMEM, "out of memory");
				break;
			}
			c->ids = grown;
		}
		c->start[i] = used;
		memcpy(c->ids + used, f->ids, f->n * sizeof f->ids[0]);
		used += f->n;
		c->cls[i] = ex[i].label < 0 ? 0 : ex[i].label == 0 ? 1 : 2;
	}
	if (st == TP_OK) {
		c->start[n] = used;
		c->n = n;
	}
	free(f);
	tp_tokenizer_free(tok);
	if (st != TP_OK)
		corpus_free(c);
	return st;
}

/* --- the regression --- */


/* A uniform integer in [0, n) (n > 0), by rejection so that it has no bias. */
static size_t below(uint64_t *state, size_t n)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t x;
	do
		x = tp_splitmix64(state);
	while (x >= limit);
	return (size_t)(x % n);
}

static void shuffle(size_t *a, size_t n, uint64_t *state)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = below(state, i);
		size_t t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

/* Softmax of the scores of features ids[0..k), each of value 1/sqrt(k). */
static void probabilities(const double *bias, const double *w, double scale, const uint32_t *ids,
			  size_t k, double probs[N_CLASSES])
{
	double x = k ? 1.0 / sqrt((double)k) : 0;
	double z[N_CLASSES];
	for (int c = 0; c < N_CLASSES; c++)
		z[c] = 0;
	for (size_t i = 0; i < k; i++) {
		const double *row = w + (size_t)ids[i] * N_CLASSES;
		for (int c = 0; c < N_CLASSES; c++)
			z[c] += row[c];
	}
	double top = -INFINITY;
	for (int c = 0; c < N_CLASSES; c++) {
		z[c] = bias[c] + scale * x * z[c];
		if (z[c] > top)
			top = z[c];
	}
	double sum = 0;
	for (int c = 0; c < N_CLASSES; c++) {
		probs[c] = exp(z[c] - top);
		sum += probs[c];
	}
	for (int c = 0; c < N_CLASSES; c++)
		probs[c] /= sum;
}

/* Fits m (weights zeroed) on the examples order[0..n_train) of c. */
static void fit(struct tp_text_model *m, const struct corpus *c, size_t *order, size_t n_train,
		const struct tp_text_train_opts *o, uint64_t stream)
{
	uint64_t state = o->seed ^ (stream * 0xd1b54a32d192ed03ULL);
	double lambda = o->l2, scale = 1.0;
	double t = 0;
	memset(m->w, 0, (size_t)N_FEATURES * N_CLASSES * sizeof *m->w);
	memset(m->bias, 0, sizeof m->bias);
	for (int epoch = 0; epoch < o->epochs; epoch++) {
		shuffle(order, n_train, &state);
		for (size_t s = 0; s < n_train; s++) {
			size_t i = order[s];
			const uint32_t *ids = c->ids + c->start[i];
			size_t k = c->start[i + 1] - c->start[i];
			double eta = ETA0 / (1.0 + lambda * ETA0 * t);
			t += 1;
			double p[N_CLASSES];
			probabilities(m->bias, m->w, scale, ids, k, p);
			/* The penalty's step shrinks every weight: scale *= 1 - eta lambda. */
			scale *= 1.0 - eta * lambda;
			double x = k ? 1.0 / sqrt((double)k) : 0;
			for (int cl = 0; cl < N_CLASSES; cl++) {
				double g = p[cl] - (cl == c->cls[i] ? 1.0 : 0.0);
				m->bias[cl] -= eta * g;
				double step = eta * g * x / scale;
				for (size_t f = 0; f < k; f++)
					m->w[(size_t)ids[f] * N_CLASSES + cl] -= step;
			}
			if (scale < 1e-9) { /* fold the scale in before it underflows */
				for (size_t f = 0; f < (size_t)N_FEATURES * N_CLASSES; f++)
					m->w[f] *= scale;
				scale = 1.0;
			}
		}
	}
	for (size_t f = 0; f < (size_t)N_FEATURES * N_CLASSES; f++)
		m->w[f] *= scale;
}

static int argmax3(const double p[N_CLASSES])
{
	int best = 0;
	for (int c = 1; c < N_CLASSES; c++)
		if (p[c] > p[best])
			best = c;
	return best;
}

static enum tp_status check_training(const struct tp_text_train_opts *o, size_t n,
				     const size_t per_class[3], enum tp_text_lang lang,
				     struct tp_error *err)
{
	if (o->folds < 2 || o->folds > TP_TEXT_FOLDS_MAX)
		return tp_error_set(err, TP_EUSAGE, "--folds must be between 2 and %d",
				    TP_TEXT_FOLDS_MAX);
	if (!(o->l2 > 0) || o->epochs < 1)
		return tp_error_set(err, TP_EUSAGE, "the penalty and the epochs must be positive");
	size_t need = (size_t)o->folds * 2 > TP_TEXT_TRAIN_MIN ? (size_t)o->folds * 2
							      : TP_TEXT_TRAIN_MIN;
	if (n < need)
		return tp_error_set(err, TP_EINPUT,
				    "too few labelled comments in %s: %zu (at least %zu are needed: "
				    "responses with a comment and an NPS or CSAT answer)",
				    tp_text_lang_name(lang), n, need);
	int classes = (per_class[0] > 0) + (per_class[1] > 0) + (per_class[2] > 0);
	if (classes < 2)
		return tp_error_set(err, TP_EINPUT,
				    "the labelled comments in %s are all of one class (negative, "
				    "neutral or positive): at least two classes are needed",
				    tp_text_lang_name(lang));
	return TP_OK;
}

/* Stratified folds: a seeded shuffle, then each class dealt in turn. */
static void assign_folds(const struct corpus *c, int folds, uint64_t seed, int *fold_of)
{
	size_t *order = malloc(c->n * sizeof *order);
	uint64_t state = seed;
	for (size_t i = 0; i < c->n; i++)
		order[i] = i;
	shuffle(order, c->n, &state);
	size_t dealt[N_CLASSES] = {0, 0, 0};
	for (size_t s = 0; s < c->n; s++) {
		size_t i = order[s];
		fold_of[i] = (int)(dealt[c->cls[i]]++ % (size_t)folds);
	}
	free(order);
}

static int lexicon_class(const struct tp_sentiment *engine, const struct tp_text_example *e)
{
	struct tp_sentiment_scores sc;
	if (tp_sentiment_score(engine, e->text, e->len, &sc) != TP_OK)
		return 1;
	return sc.compound >= 0.05 ? 2 : sc.compound <= -0.05 ? 0 : 1;
}

static enum tp_status cross_validate(struct tp_text_model *m, const struct corpus *c,
				     const struct tp_text_example *ex,
				     const struct tp_text_train_opts *o, struct tp_text_cv *cv,
				     struct tp_error *err)
{
	int *fold_of = malloc(c->n * sizeof *fold_of);
	size_t *order = malloc(c->n * sizeof *order);
	struct tp_sentiment *engine = tp_sentiment_new(m->lang, err);
	if (!fold_of || !order || !engine) {
		free(fold_of);
		free(order);
		tp_sentiment_free(engine);
		return engine ? tp_error_set(err, TP_ENOMEM, "out of memory") : TP_ENOMEM;
	}
	assign_folds(c, o->folds, o->seed, fold_of);
	size_t learned_right = 0, lexicon_right = 0;
	for (int k = 0; k < o->folds; k++) {
		size_t n_train = 0;
		for (size_t i = 0; i < c->n; i++)
			if (fold_of[i] != k)
				order[n_train++] = i;
		fit(m, c, order, n_train, o, (uint64_t)k + 1);
		for (size_t i = 0; i < c->n; i++) {
			if (fold_of[i] != k)
				continue;
			double p[N_CLASSES];
			probabilities(m->bias, m->w, 1.0, c->ids + c->start[i],
				      c->start[i + 1] - c->start[i], p);
			learned_right += argmax3(p) == c->cls[i];
			lexicon_right += lexicon_class(engine, &ex[i]) == c->cls[i];
		}
	}
	cv->learned_accuracy = (double)learned_right / (double)c->n;
	cv->lexicon_accuracy = (double)lexicon_right / (double)c->n;
	free(fold_of);
	free(order);
	tp_sentiment_free(engine);
	return TP_OK;
}

enum tp_status tp_text_model_train(enum tp_text_lang lang, const struct tp_text_example *ex,
				   size_t n, const struct tp_text_train_opts *opts,
				   struct tp_text_model **out, struct tp_text_cv *cv,
				   struct tp_error *err)
{
	*out = NULL;
	memset(cv, 0, sizeof *cv);
	for (size_t i = 0; i < n; i++)
		cv->per_class[ex[i].label < 0 ? 0 : ex[i].label == 0 ? 1 : 2]++;
	cv->n = n;
	cv->folds = opts->folds;
	enum tp_status st = check_training(opts, n, cv->per_class, lang, err);
	if (st != TP_OK)
		return st;
	struct corpus c;
	st = corpus_build(lang, ex, n, &c, err);
	if (st != TP_OK)
		return st;
	struct tp_text_model *m = model_new(lang, opts->l2);
	size_t *order = malloc(n * sizeof *order);
	if (!m || !order)
		st = tp_error_set(err, TP_ENOMEM, "out of memory");
	if (st == TP_OK)
		st = cross_validate(m, &c, ex, opts, cv, err);
	if (st == TP_OK) {
		for (size_t i = 0; i < n; i++)
			order[i] = i;
		fit(m, &c, order, n, opts, 0);
	}
	free(order);
	corpus_free(&c);
	if (st != TP_OK) {
		tp_text_model_free(m);
		return st;
	}
	*out = m;
	return TP_OK;
}

enum tp_status tp_text_model_predict(struct tp_text_model *m, const char *text, size_t len,
				     double probs[3], struct tp_error *err)
{
	if (!m->tok) {
		m->tok = tp_tokenizer_new(m->lang, err);
		if (!m->tok)
			return TP_ENOMEM;
	}
	struct features *f = malloc(sizeof *f);
	if (!f)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	featurize(m->tok, text, len, f);
	probabilities(m->bias, m->w, 1.0, f->ids, f->n, probs);
	free(f);
	return TP_OK;
}

/* --- serialised form (docs/text.md) ---
 *   "TPSM" | u32 version | u32 lang (0 es, 1 en) | u32 hash bits | u32 classes
 *   | u32 feature flags | f64 lambda | f64 bias[3] | u32 count
 *   | count x (u32 feature, f64 weight[3])   -- features with a non-zero weight,
 *                                               in increasing order
 * every integer and IEEE-754 double little-endian. */

#define HEADER_BYTES (4 + 5 * 4 + 8 + 3 * 8 + 4)
#define ENTRY_BYTES (4 + 3 * 8)

static unsigned char *put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		*p++ = (unsigned char)(v >> (8 * i));
	return p;
}

static unsigned char *put_f64(unsigned char *p, double d)
{
	uint64_t v;
	memcpy(&v, &d, 8);
	for (int i = 0; i < 8; i++)
		*p++ = (unsigned char)(v >> (8 * i));
	return p;
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static double get_f64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	double d;
	memcpy(&d, &v, 8);
	return d;
}

static bool row_used(const double *row)
{
	return row[0] != 0 || row[1] != 0 || row[2] != 0;
}

enum tp_status tp_text_model_save(const struct tp_text_model *m, unsigned char **out, size_t *len,
				  struct tp_error *err)
{
	uint32_t count = 0;
	for (size_t f = 0; f < N_FEATURES; f++)
		count += row_used(m->w + f * N_CLASSES);
	size_t size = HEADER_BYTES + (size_t)count * ENTRY_BYTES;
	unsigned char *buf = malloc(size);
	if (!buf)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	unsigned char *p = buf;
	memcpy(p, "TPSM", 4);
	p = put_u32(p + 4, FORMAT_VERSION);
	p = put_u32(p, m->lang == TP_TEXT_EN);
	p = put_u32(p, HASH_BITS);
	p = put_u32(p, N_CLASSES);
	p = put_u32(p, FEATURE_FLAGS);
	p = put_f64(p, m->l2);
	for (int c = 0; c < N_CLASSES; c++)
		p = put_f64(p, m->bias[c]);
	p = put_u32(p, count);
	for (uint32_t f = 0; f < N_FEATURES; f++) {
		const double *row = m->w + (size_t)f * N_CLASSES;
		if (!row_used(row))
			continue;
		p = put_u32(p, f);
		for (int c = 0; c < N_CLASSES; c++)
			p = put_f64(p, row[c]);
	}
	*out = buf;
	*len = size;
	return TP_OK;
}

enum tp_status tp_text_model_load(const void *blob, size_t len, struct tp_text_model **out,
				  struct tp_error *err)
{
	*out = NULL;
	const unsigned char *p = blob;
	if (len < HEADER_BYTES || memcmp(p, "TPSM", 4) != 0)
		return tp_error_set(err, TP_EINPUT, "the stored text model is not a touchpoint "
						    "sentiment model (bad header)");
	uint32_t version = get_u32(p + 4), lang = get_u32(p + 8), bits = get_u32(p + 12);
	uint32_t classes = get_u32(p + 16), flags = get_u32(p + 20);
	if (version != FORMAT_VERSION)
		return tp_error_set(err, TP_EINPUT,
				    "the stored text model has format version %u; this program "
				    "reads version %u (train it again)",
				    version, FORMAT_VERSION);
	if (lang > 1 || bits != HASH_BITS || classes != N_CLASSES || flags != FEATURE_FLAGS)
		return tp_error_set(err, TP_EINPUT, "the stored text model has settings this "
						    "program does not read (train it again)");
	uint32_t count = get_u32(p + HEADER_BYTES - 4);
	if (count > N_FEATURES || len != HEADER_BYTES + (size_t)count * ENTRY_BYTES)
		return tp_error_set(err, TP_EINPUT, "the stored text model is truncated or "
						    "has trailing bytes");
	struct tp_text_model *m = model_new(lang ? TP_TEXT_EN : TP_TEXT_ES, get_f64(p + 24));
	if (!m)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	bool finite = isfinite(m->l2);
	for (int c = 0; c < N_CLASSES; c++) {
		m->bias[c] = get_f64(p + 32 + 8 * c);
		finite = finite && isfinite(m->bias[c]);
	}
	const unsigned char *e = p + HEADER_BYTES;
	for (uint32_t i = 0; finite && i < count; i++, e += ENTRY_BYTES) {
		uint32_t f = get_u32(e);
		if (f >= N_FEATURES) {
			tp_text_model_free(m);
			return tp_error_set(err, TP_EINPUT, "the stored text model is damaged "
							    "(feature %u out of range)", f);
		}
		for (int c = 0; c < N_CLASSES; c++) {
			double w = get_f64(e + 4 + 8 * c);
			finite = finite && isfinite(w);
			m->w[(size_t)f * N_CLASSES + c] = w;
		}
	}
	if (!finite) {
		tp_text_model_free(m);
		return tp_error_set(err, TP_EINPUT, "the stored text model is damaged (a weight "
						    "that is not a finite number)");
	}
	*out = m;
	return TP_OK;
}
