/* Unit tests for the sentiment engine's Snowball-stem fallback, its emotion
 * categories (text/emotion.c, data/emotion/) and the es/en guess
 * (text/lang.c). Expected values are worked out by hand from the rules in
 * docs/text.md and the weights in the data files, quoted beside each case:
 * compound = x / sqrt(x^2 + 15), emotion intensity = S / (S + 1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/text_internal.h"
#include "touchpoint/text.h"

static struct tp_sentiment *es, *en;

static int setup(void **state)
{
	(void)state;
	es = tp_sentiment_new(TP_TEXT_ES, NULL);
	en = tp_sentiment_new(TP_TEXT_EN, NULL);
	return es && en ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	tp_sentiment_free(es);
	tp_sentiment_free(en);
	return 0;
}

static double norm(double x)
{
	return x / sqrt(x * x + 15.0);
}

static double intensity(double s)
{
	return s / (s + 1.0);
}

static struct tp_sentiment_scores score(const struct tp_sentiment *s, const char *text)
{
	struct tp_sentiment_scores sc;
	assert_int_equal(tp_sentiment_score(s, text, strlen(text), &sc), TP_OK);
	return sc;
}

/* All six intensities of text, against the expected ones. */
static void expect_emotions(const struct tp_sentiment *s, const char *text, const double *want)
{
	struct tp_sentiment_scores sc = score(s, text);
	for (int c = 0; c < TP_EMOTION_COUNT; c++)
		if (fabs(sc.emotions[c] - want[c]) > 1e-9)
			fail_msg("\"%s\": %s %.6f, expected %.6f", text,
				 tp_emotion_name((enum tp_emotion)c), sc.emotions[c], want[c]);
}

static void test_stem_fallback_spanish(void **state)
{
	(void)state;
	/* "decepcionaron" is not in the lexicon; its stem "decepcion" is
	 * shared by decepcion -2.6, decepcionante -2.6, decepcionado -2.5,
	 * decepciono -2.4, decepcionada -2.5: mean -2.52. */
	struct tp_sentiment_scores sc = score(es, "Me decepcionaron");
	assert_float_equal(sc.compound, norm(-2.52), 1e-9);
	assert_float_equal(sc.neg, 3.52 / 4.52, 1e-9);
	/* Negated like any lexicon word: -2.52 x -0.74. */
	sc = score(es, "No me decepcionaron");
	assert_float_equal(sc.compound, norm(-2.52 * -0.74), 1e-9);
	/* "colgó" is not listed; its stem "colg" comes from colgado -1.9 only. */
	sc = score(es, "colgó");
	assert_float_equal(sc.compound, norm(-1.9), 1e-9);
	/* A stem shared by a positive and a negative word gives nothing:
	 * devolvieron +1.0 and devolver -0.7 share "devolv". */
	sc = score(es, "devolvió");
	assert_float_equal(sc.compound, 0.0, 1e-12);
	/* Words listed with valence 0 keep the fallback away ("entrega" would
	 * otherwise take "entregado" +1.2). */
	sc = score(es, "la entrega");
	assert_float_equal(sc.compound, 0.0, 1e-12);
	/* Negators, boosters and contrast words are never stemmed. */
	sc = score(es, "nadas");
	assert_float_equal(sc.compound, 0.0, 1e-12);
}

static void test_no_stem_fallback_english(void **state)
{
	(void)state;
	/* VADER's lexicon has "treat" 1.7 but not "treated": English keeps
	 * VADER's lookups as they are. */
	assert_float_equal(score(en, "I was treated").compound, 0.0, 1e-12);
	assert_float_equal(score(en, "a treat").compound, norm(1.7), 1e-9);
}

static void test_emotions_spanish(void **state)
{
	(void)state;
	double want[TP_EMOTION_COUNT] = {0};
	/* furioso anger 0.9 */
	want[TP_EMOTION_ANGER] = intensity(0.9);
	expect_emotions(es, "Estoy furioso", want);
	/* "furiosa" through the stem "furios"; "decepcionada" through
	 * "decepcion": sadness max(decepción 0.8, decepcionado 0.8,
	 * decepcionante 0.7, decepcionar 0.7) = 0.8. */
	want[TP_EMOTION_SADNESS] = intensity(0.8);
	expect_emotions(es, "Estoy FURIOSA y decepcionada", want);
	/* Two words of a category add up: frustrado 0.7 + enfadado 0.8. */
	memset(want, 0, sizeof want);
	want[TP_EMOTION_ANGER] = intensity(1.5);
	expect_emotions(es, "frustrado y enfadado", want);
	/* Negated within three words: no count. Across a comma the negation
	 * stops (Spanish clause rule): triste 0.8 counts. */
	memset(want, 0, sizeof want);
	expect_emotions(es, "no estoy enfadado", want);
	want[TP_EMOTION_SADNESS] = intensity(0.8);
	expect_emotions(es, "No estoy enfadado, estoy triste", want);
	/* "=esperanza" (joy 0.4) and "=esperando" (anger 0.4) match those
	 * words only; "espero" has no entry. */
	memset(want, 0, sizeof want);
	want[TP_EMOTION_JOY] = intensity(0.4);
	expect_emotions(es, "Tengo esperanza", want);
	memset(want, 0, sizeof want);
	want[TP_EMOTION_ANGER] = intensity(0.4);
	expect_emotions(es, "Sigo esperando", want);
	memset(want, 0, sizeof want);
	expect_emotions(es, "espero", want);
	/* A word under two categories: fraude anger 0.6 and fear 0.5. */
	want[TP_EMOTION_ANGER] = intensity(0.6);
	want[TP_EMOTION_FEAR] = intensity(0.5);
	expect_emotions(es, "Esto es un fraude", want);
	/* Plural of an emotion word that is also in the lexicon ("pésimo",
	 * anger 0.5) through the plural/feminine fallback. */
	memset(want, 0, sizeof want);
	want[TP_EMOTION_ANGER] = intensity(0.5);
	expect_emotions(es, "pésimas", want);
}

static void test_emotions_english(void **state)
{
	(void)state;
	double want[TP_EMOTION_COUNT] = {0};
	want[TP_EMOTION_FEAR] = intensity(0.7); /* worried 0.7 */
	expect_emotions(en, "I am worried", want);
	expect_emotions(en, "Worrying!", want); /* stem "worri" */
	memset(want, 0, sizeof want);
	expect_emotions(en, "I am not worried", want);
	expect_emotions(en, "I'm not at all worried", want); /* "not" 3 words back */
	/* delighted joy 0.9, helpful trust 0.5, waiting anger 0.3 */
	want[TP_EMOTION_JOY] = intensity(0.9);
	want[TP_EMOTION_TRUST] = intensity(0.5);
	want[TP_EMOTION_ANGER] = intensity(0.3);
	expect_emotions(en, "Delighted, the staff were helpful after all the waiting", want);
	/* No words: all zero; the text's other scores untouched. */
	memset(want, 0, sizeof want);
	expect_emotions(en, "", want);
	expect_emotions(en, "the order number is 42", want);
}

static bool count_term(void *ctx, const char *term, size_t len, bool exact, enum tp_emotion c,
		       double w)
{
	size_t *per = ctx;
	(void)term;
	(void)exact;
	assert_true(len > 0);
	assert_true(w > 0 && w <= 1);
	per[c]++;
	return true;
}

static void test_emotion_lists_read_cleanly(void **state)
{
	(void)state;
	const char *names[] = {"joy", "trust", "surprise", "anger", "fear", "sadness"};
	for (int c = 0; c < TP_EMOTION_COUNT; c++)
		assert_string_equal(tp_emotion_name((enum tp_emotion)c), names[c]);
	assert_string_equal(tp_emotion_name(TP_EMOTION_COUNT), "unknown");
	for (int l = 0; l < 2; l++) {
		size_t per[TP_EMOTION_COUNT] = {0}, terms = 0, bad = 99;
		enum tp_text_lang lang = l ? TP_TEXT_EN : TP_TEXT_ES;
		assert_true(tp_emotion_list_read(lang, count_term, per, &terms, &bad));
		if (bad != 0)
			fail_msg("data/emotion/%s.tsv:%zu cannot be read", tp_text_lang_name(lang),
				 bad);
		assert_true(terms >= 150);
		for (int c = 0; c < TP_EMOTION_COUNT; c++)
			assert_true(per[c] >= 15); /* every category has words */
	}
}

static void test_lang_guess(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		enum tp_text_lang lang;
	} cases[] = {
	    {"Pedido recibido.", TP_TEXT_ES},  /* trigrams decide: no function word */
	    {"Perfecto.", TP_TEXT_ES},
	    {"Sin comentarios.", TP_TEXT_ES},  /* "sin": a Spanish negator */
	    {"No comment.", TP_TEXT_EN},
	    {"Order received.", TP_TEXT_EN},
	    {"atencion rapida", TP_TEXT_ES},   /* no accents */
	    {"¿Dónde está mi pedido?", TP_TEXT_ES},
	    {"Where is my parcel?", TP_TEXT_EN},
	    {"ok 👍", TP_TEXT_EN},		/* nothing to go on: en */
	    {"", TP_TEXT_EN},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum tp_text_lang got = tp_text_lang_guess(cases[i].text, strlen(cases[i].text));
		if (got != cases[i].lang)
			fail_msg("\"%s\": guessed %s", cases[i].text, tp_text_lang_name(got));
	}
	/* Invalid UTF-8 is skipped, not read past. */
	const char bad[] = "\xc3 servicio \xff\xfe muy bueno \xe2\x82";
	assert_int_equal(tp_text_lang_guess(bad, sizeof bad - 1), TP_TEXT_ES);
}

/* Several threads share one engine (and its stemmer pool): every result
 * equals the single-threaded one. */
static const char *const thread_texts[] = {
    "Me decepcionaron muchísimo, estoy furiosa",
    "Los repartidores tardaron y llegó roto",
    "Atendieron rapidísimo, encantada con la compra",
    "No me preocupa, confío en ellos",
    "Nos devolvieron el dinero sin problemas",
};
#define N_TEXTS (sizeof thread_texts / sizeof thread_texts[0])
static struct tp_sentiment_scores expected_scores[N_TEXTS];

static void *score_many(void *arg)
{
	(void)arg;
	for (int round = 0; round < 2000; round++) {
		size_t i = (size_t)round % N_TEXTS;
		struct tp_sentiment_scores sc;
		const char *t = thread_texts[i];
		if (tp_sentiment_score(es, t, strlen(t), &sc) != TP_OK ||
		    memcmp(&sc, &expected_scores[i], sizeof sc) != 0)
			return (void *)1;
	}
	return NULL;
}

static void test_threads_share_an_engine(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_TEXTS; i++)
		expected_scores[i] = score(es, thread_texts[i]);
	pthread_t th[6];
	for (int k = 0; k < 6; k++)
		assert_int_equal(pthread_create(&th[k], NULL, score_many, NULL), 0);
	for (int k = 0; k < 6; k++) {
		void *r;
		assert_int_equal(pthread_join(th[k], &r), 0);
		assert_null(r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stem_fallback_spanish),
	    cmocka_unit_test(test_no_stem_fallback_english),
	    cmocka_unit_test(test_emotions_spanish),
	    cmocka_unit_test(test_emotions_english),
	    cmocka_unit_test(test_emotion_lists_read_cleanly),
	    cmocka_unit_test(test_lang_guess),
	    cmocka_unit_test(test_threads_share_an_engine),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
