/* touchpoint/text_learn.h - learned sentiment models, comment analysis and
 * topics over the stored comments (`touchpoint text train|analyze`,
 * `touchpoint topics`).
 *
 * The learned model is a three-class (negative, neutral, positive)
 * multinomial logistic regression with an L2 penalty over hashed features:
 * the stemmed words of a comment that are not stop words (tp_tokenize) and
 * the pairs of consecutive such words. docs/text.md gives the method, the
 * labels (from NPS, else CSAT) and the serialised format. A model is used
 * by one thread at a time (it holds a tokenizer). */
#ifndef TOUCHPOINT_TEXT_LEARN_H
#define TOUCHPOINT_TEXT_LEARN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "touchpoint/error.h"
#include "touchpoint/store.h"
#include "touchpoint/text.h"

#define TP_TEXT_TRAIN_MIN 30 /* labelled examples needed to train a language */
#define TP_TEXT_FOLDS_MAX 20

/* The sentiment label a score gives: NPS 0-6 -1, 7-8 0, 9-10 +1; without
 * an NPS, CSAT 1-2 -1, 3 0, 4-5 +1. Returns false when neither is answered. */
bool tp_text_label_of_scores(int nps, int csat, int *label);

struct tp_text_example {
	const char *text;
	size_t len;
	int label; /* -1, 0, 1 */
};

struct tp_text_train_opts {
	uint64_t seed; /* shuffles the folds and the SGD order; default 1 */
	int folds;     /* K of the cross-validation, 2..TP_TEXT_FOLDS_MAX; default 5 */
	double l2;     /* penalty lambda; default 1e-4 */
	int epochs;    /* passes of stochastic gradient descent; default 10 */
};

/* Fills o with the defaults above. This function can't fail. */
void tp_text_train_opts_init(struct tp_text_train_opts *o);

/* Cross-validated accuracies of one training run. */
struct tp_text_cv {
	int folds;
	size_t n;
	size_t per_class[3]; /* negative, neutral, positive examples */
	double learned_accuracy, lexicon_accuracy;
};

struct tp_text_model;

/* Trains the model of lang on ex[0..n) and measures, over K stratified
 * folds, the held-out accuracy of the learned model (refitted on the other
 * folds) and of the lexicon engine on the same examples. *out is then the
 * model fitted on every example. TP_EINPUT when n < TP_TEXT_TRAIN_MIN, n
 * < 2 * folds or fewer than two classes occur; TP_EUSAGE for a bad option.
 * Deterministic: the same input and seed give the same model, bit for bit. */
enum tp_status tp_text_model_train(enum tp_text_lang lang, const struct tp_text_example *ex,
				   size_t n, const struct tp_text_train_opts *opts,
				   struct tp_text_model **out, struct tp_text_cv *cv,
				   struct tp_error *err);

/* The model's language. */
enum tp_text_lang tp_text_model_lang(const struct tp_text_model *m);

/* Class probabilities of text[0..len): probs[0] negative, [1] neutral,
 * [2] positive. TP_ENOMEM only. */
enum tp_status tp_text_model_predict(struct tp_text_model *m, const char *text, size_t len,
				     double probs[3], struct tp_error *err);

/* Serialises m (format version 1, little-endian, docs/text.md) into a
 * buffer the caller frees with free(). */
enum tp_status tp_text_model_save(const struct tp_text_model *m, unsigned char **out,
				  size_t *len, struct tp_error *err);

/* Reads a serialised model; TP_EINPUT naming the problem when blob is not
 * one (bad magic, unknown version, truncated). */
enum tp_status tp_text_model_load(const void *blob, size_t len, struct tp_text_model **out,
				  struct tp_error *err);

void tp_text_model_free(struct tp_text_model *m);

/* --- over the store --- */

/* Trains the model of lang from every stored customer response with a
 * comment and an NPS or CSAT answer (the comment's language is the
 * response's, else tp_text_lang_guess), stores it in text_model and fills
 * *info and *cv. */
enum tp_status tp_text_train_store(struct tp_store *store, enum tp_text_lang lang,
				   const struct tp_text_train_opts *opts,
				   struct tp_text_model_info *info, struct tp_text_cv *cv,
				   struct tp_error *err);

/* Reads the stored model of lang: TP_ENOTFOUND when none was trained. */
enum tp_status tp_text_model_from_store(struct tp_store *store, enum tp_text_lang lang,
					struct tp_text_model **out,
					struct tp_text_model_info *info, struct tp_error *err);

struct tp_text_analyze_result {
	int64_t already;  /* comments analysed before this run */
	int64_t analysed; /* comments analysed by this run */
	int64_t by_lang[2];
	bool learned[2];  /* per language: the learned model was used */
};

/* Called after each committed batch with the running totals; returning
 * non-zero stops (what was committed stays). */
typedef int (*tp_text_progress_fn)(const struct tp_text_analyze_result *so_far, void *ctx);

/* Analyses every stored comment not yet in comment_analysis, batch rows
 * per transaction: language from the response, else guessed; sentiment
 * from the better of the lexicon engine and the learned model of that
 * language (by their stored cross-validated accuracies; the lexicon when
 * no model is stored); emotions from the engine. */
enum tp_status tp_text_analyze(struct tp_store *store, size_t batch,
			       tp_text_progress_fn progress, void *ctx,
			       struct tp_text_analyze_result *out, struct tp_error *err);

#endif
