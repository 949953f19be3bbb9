/* Unit tests for text/learn.c: the learned sentiment model (logistic
 * regression over hashed stems), its cross-validation, determinism and
 * serialised form. Toy texts use invented words ("zorp", "blick") that no
 * lexicon holds, so the lexicon engine finds nothing in them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "touchpoint/text_learn.h"
#include "unit/tp_test_tmp.h"

#define N_TOY 90

/* Each class has its own word, plus words every class shares. */
static void toy_set(struct tp_text_example *ex, char texts[][64], size_t n)
{
	static const char *const marker[3] = {"blick", "quonk", "zorp"};
	static const char *const filler[5] = {"tabo", "mirel", "sost", "vuna", "drel"};
	for (size_t i = 0; i < n; i++) {
		int cls = (int)(i % 3);
		snprintf(texts[i], 64, "%s %s %s", filler[i % 5], marker[cls], filler[(i / 5) % 5]);
		ex[i] = (struct tp_text_example){texts[i], strlen(texts[i]), cls - 1};
	}
}

static void test_labels_from_scores(void **state)
{
	(void)state;
	int label = 99;
	assert_true(tp_text_label_of_scores(6, 5, &label)); /* NPS first, CSAT ignored */
	assert_int_equal(label, -1);
	assert_true(tp_text_label_of_scores(7, -128, &label));
	assert_int_equal(label, 0);
	assert_true(tp_text_label_of_scores(8, -128, &label));
	assert_int_equal(label, 0);
	assert_true(tp_text_label_of_scores(9, -128, &label));
	assert_int_equal(label, 1);
	assert_true(tp_text_label_of_scores(0, -128, &label));
	assert_int_equal(label, -1);
	assert_true(tp_text_label_of_scores(-128, 2, &label));
	assert_int_equal(label, -1);
	assert_true(tp_text_label_of_scores(-128, 3, &label));
	assert_int_equal(label, 0);
	assert_true(tp_text_label_of_scores(-128, 4, &label));
	assert_int_equal(label, 1);
	assert_false(tp_text_label_of_scores(-128, -128, &label));
}

static void test_separable_set_is_learned(void **state)
{
	(void)state;
	struct tp_text_example ex[N_TOY];
	char texts[N_TOY][64];
	toy_set(ex, texts, N_TOY);
	struct tp_text_train_opts o;
	tp_text_train_opts_init(&o);
	o.folds = 3;
	struct tp_text_model *m = NULL;
	struct tp_text_cv cv;
	struct tp_error err;
	assert_int_equal(tp_text_model_train(TP_TEXT_EN, ex, N_TOY, &o, &m, &cv, &err), TP_OK);
	assert_int_equal(cv.n, N_TOY);
	assert_int_equal(cv.per_class[0], 30);
	assert_int_equal(cv.per_class[1], 30);
	assert_int_equal(cv.per_class[2], 30);
	/* Every held-out text has its class's word: all are right. */
	assert_true(cv.learned_accuracy == 1.0);
	/* The lexicon knows none of these words: every text is neutral to it. */
	assert_true(cv.lexicon_accuracy > 0.333 && cv.lexicon_accuracy < 0.334);
	double p[3];
	assert_int_equal(tp_text_model_predict(m, "zorp", 4, p, &err), TP_OK);
	assert_true(p[2] > 0.8);
	assert_true(p[0] + p[1] + p[2] > 1 - 1e-12 && p[0] + p[1] + p[2] < 1 + 1e-12);
	assert_int_equal(tp_text_model_predict(m, "Blick!", 6, p, &err), TP_OK);
	assert_true(p[0] > 0.8);
	assert_int_equal(tp_text_model_predict(m, "quonk tabo", 10, p, &err), TP_OK);
	assert_true(p[1] > p[0] && p[1] > p[2]);
	tp_text_model_free(m);
}

static void train_blob(uint64_t seed, unsigned char **blob, size_t *len, struct tp_text_cv *cv)
{
	struct tp_text_example ex[N_TOY];
	char texts[N_TOY][64];
	toy_set(ex, texts, N_TOY);
	/* Some noise so that folds and order matter. */
	ex[0].label = 1;
	ex[10].label = -1;
	struct tp_text_train_opts o;
	tp_text_train_opts_init(&o);
	o.seed = seed;
	struct tp_text_model *m = NULL;
	struct tp_error err;
	assert_int_equal(tp_text_model_train(TP_TEXT_ES, ex, N_TOY, &o, &m, cv, &err), TP_OK);
	assert_int_equal(tp_text_model_save(m, blob, len, &err), TP_OK);
	tp_text_model_free(m);
}

static void test_same_seed_same_model(void **state)
{
	(void)state;
	unsigned char *a = NULL, *b = NULL, *c = NULL;
	size_t la, lb, lc;
	struct tp_text_cv ca, cb, cc;
	train_blob(42, &a, &la, &ca);
	train_blob(42, &b, &lb, &cb);
	train_blob(7, &c, &lc, &cc);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	assert_true(ca.learned_accuracy == cb.learned_accuracy);
	assert_true(ca.lexicon_accuracy == cb.lexicon_accuracy);
	/* Another seed shuffles differently: another model. */
	assert_true(la != lc || memcmp(a, c, la) != 0);
	free(a);
	free(b);
	free(c);
}

static void test_save_load_round_trip(void **state)
{
	(void)state;
	struct tp_text_example ex[N_TOY];
	char texts[N_TOY][64];
	toy_set(ex, texts, N_TOY);
	struct tp_text_train_opts o;
	tp_text_train_opts_init(&o);
	struct tp_text_model *m = NULL, *back = NULL;
	struct tp_text_cv cv;
	struct tp_error err;
	assert_int_equal(tp_text_model_train(TP_TEXT_EN, ex, N_TOY, &o, &m, &cv, &err), TP_OK);
	unsigned char *blob = NULL;
	size_t len = 0;
	assert_int_equal(tp_text_model_save(m, &blob, &len, &err), TP_OK);
	assert_memory_equal(blob, "TPSM", 4);
	assert_int_equal(blob[4], 1); /* format version 1, little-endian */
	assert_int_equal(tp_text_model_load(blob, len, &back, &err), TP_OK);
	assert_int_equal(tp_text_model_lang(back), TP_TEXT_EN);
	for (size_t i = 0; i < N_TOY; i += 7) {
		double p[3], q[3];
		assert_int_equal(tp_text_model_predict(m, ex[i].text, ex[i].len, p, &err), TP_OK);
		assert_int_equal(tp_text_model_predict(back, ex[i].text, ex[i].len, q, &err), TP_OK);
		assert_memory_equal(p, q, sizeof p);
	}
	/* Damaged blobs are refused with a reason. */
	tp_text_model_free(back);
	back = NULL;
	assert_int_equal(tp_text_model_load(blob, len - 1, &back, &err), TP_EINPUT);
	assert_null(back);
	assert_non_null(strstr(err.message, "truncated"));
	/* A NaN weight (all bits set) in the first entry: header 60 bytes, then
	 * u32 bucket, f64 x 3. */
	unsigned char saved[8];
	memcpy(saved, blob + 64, 8);
	memset(blob + 64, 0xff, 8);
	assert_int_equal(tp_text_model_load(blob, len, &back, &err), TP_EINPUT);
	assert_non_null(strstr(err.message, "finite"));
	memcpy(blob + 64, saved, 8);
	assert_int_equal(tp_text_model_load(blob, len, &back, &err), TP_OK);
	tp_text_model_free(back);
	back = NULL;
	blob[4] = 9;
	assert_int_equal(tp_text_model_load(blob, len, &back, &err), TP_EINPUT);
	assert_non_null(strstr(err.message, "version 9"));
	blob[0] = 'X';
	assert_int_equal(tp_text_model_load(blob, len, &back, &err), TP_EINPUT);
	assert_non_null(strstr(err.message, "bad header"));
	free(blob);
	tp_text_model_free(m);
}

static void test_too_few_examples(void **state)
{
	(void)state;
	struct tp_text_example ex[N_TOY];
	char texts[N_TOY][64];
	toy_set(ex, texts, N_TOY);
	struct tp_text_train_opts o;
	tp_text_train_opts_init(&o);
	struct tp_text_model *m = NULL;
	struct tp_text_cv cv;
	struct tp_error err;
	assert_int_equal(tp_text_model_train(TP_TEXT_ES, ex, 29, &o, &m, &cv, &err), TP_EINPUT);
	assert_null(m);
	assert_non_null(strstr(err.message, "at least 30"));
	o.folds = 20; /* 2 per fold: 40 */
	assert_int_equal(tp_text_model_train(TP_TEXT_ES, ex, 39, &o, &m, &cv, &err), TP_EINPUT);
	assert_non_null(strstr(err.message, "at least 40"));
	o.folds = 1;
	assert_int_equal(tp_text_model_train(TP_TEXT_ES, ex, N_TOY, &o, &m, &cv, &err), TP_EUSAGE);
	/* One class only. */
	o.folds = 5;
	for (size_t i = 0; i < N_TOY; i++)
		ex[i].label = 1;
	assert_int_equal(tp_text_model_train(TP_TEXT_ES, ex, N_TOY, &o, &m, &cv, &err), TP_EINPUT);
	assert_non_null(strstr(err.message, "two classes"));
	assert_null(m);
}

/* --- analysis over a store: batches commit one by one --- */

static char db_path[512];

static int store_setup(void **state)
{
	(void)state;
	return tp_test_tmp_path(db_path, sizeof db_path, "tp-textlearn");
}

static int store_teardown(void **state)
{
	(void)state;
	tp_test_tmp_remove_db(db_path);
	return 0;
}

static int stop_after_first(const struct tp_text_analyze_result *r, void *ctx)
{
	int *calls = ctx;
	(*calls)++;
	return r->analysed > 0; /* stop once one batch is committed */
}

static void test_analyze_batches(void **state)
{
	(void)state;
	struct tp_store *s = NULL;
	struct tp_error err;
	assert_int_equal(tp_store_open(db_path, TP_STORE_CREATE, &s, &err), TP_OK);
	static const char *const texts[] = {"muy bueno", "terrible", "normal", "excelente",
					    "The staff was great", "malo", "bien"};
	char id[16];
	for (int i = 0; i < 7; i++) {
		struct tp_response r;
		tp_response_init(&r);
		snprintf(id, sizeof id, "r%d", i);
		r.response_id = id;
		r.submitted_at = 1767225600 + i;
		r.nps = i;
		r.comment = texts[i];
		r.lang = i == 4 ? NULL : "es"; /* no language: guessed (English) */
		bool inserted;
		assert_int_equal(tp_store_response_insert(s, &r, &inserted, &err), TP_OK);
	}
	struct tp_text_analyze_result res;
	int calls = 0;
	assert_int_equal(tp_text_analyze(s, 3, stop_after_first, &calls, &res, &err), TP_OK);
	assert_int_equal(calls, 1);
	assert_int_equal(res.analysed, 3); /* the first batch, committed */
	int64_t analysed = 0, pending = 0;
	assert_int_equal(tp_store_analysis_counts(s, &analysed, &pending, &err), TP_OK);
	assert_int_equal(analysed, 3);
	assert_int_equal(pending, 4);
	/* The next run goes on from there: the other 4, in two batches. */
	calls = 0;
	assert_int_equal(tp_text_analyze(s, 3, NULL, NULL, &res, &err), TP_OK);
	assert_int_equal(res.already, 3);
	assert_int_equal(res.analysed, 4);
	assert_int_equal(res.by_lang[TP_TEXT_EN], 1);
	assert_int_equal(tp_store_analysis_counts(s, &analysed, &pending, &err), TP_OK);
	assert_int_equal(analysed, 7);
	assert_int_equal(pending, 0);
	assert_int_equal(tp_text_analyze(s, 3, NULL, NULL, &res, &err), TP_OK);
	assert_int_equal(res.analysed, 0);
	tp_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_labels_from_scores),
	    cmocka_unit_test(test_separable_set_is_learned),
	    cmocka_unit_test(test_same_seed_same_model),
	    cmocka_unit_test(test_save_load_round_trip),
	    cmocka_unit_test(test_too_few_examples),
	    cmocka_unit_test_setup_teardown(test_analyze_batches, store_setup, store_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
