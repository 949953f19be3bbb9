/* Unit tests for text/sentiment.c and text/lang.c. Expected compounds are
 * worked out by hand from the rules in docs/text.md (valences from the
 * lexicon files), then normalised with x / sqrt(x^2 + 15). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static struct tp_sentiment_scores score(const struct tp_sentiment *s, const char *text)
{
	struct tp_sentiment_scores sc;
	assert_int_equal(tp_sentiment_score(s, text, strlen(text), &sc), TP_OK);
	return sc;
}

static void expect(const struct tp_sentiment *s, const char *text, double sum)
{
	double got = score(s, text).compound;
	if (fabs(got - norm(sum)) > 1e-9)
		fail_msg("\"%s\": compound %.6f, expected %.6f", text, got, norm(sum));
}

static void test_plain_and_proportions(void **state)
{
	(void)state;
	/* bueno 1.9; three neutral words. */
	struct tp_sentiment_scores sc = score(es, "El servicio es bueno");
	assert_float_equal(sc.compound, norm(1.9), 1e-9);
	assert_float_equal(sc.pos, 2.9 / 5.9, 1e-9);
	assert_float_equal(sc.neu, 3.0 / 5.9, 1e-9);
	assert_float_equal(sc.neg, 0.0, 1e-12);
	assert_string_equal(tp_sentiment_label(sc.compound), "positive");
}

static void test_negation(void **state)
{
	(void)state;
	expect(es, "El servicio no es bueno", 1.9 * -0.74);
	expect(es, "Nunca fue amable", 2.3 * -0.74);
	expect(es, "ni rápido", 1.9 * -0.74);
	expect(es, "tampoco barato", 1.5 * -0.74);
	expect(es, "sin problemas", -1.7 * -0.74);
	/* Negative concord counts once: "no ... nada bueno" is not positive. */
	expect(es, "no fue nada bueno", 1.9 * -0.74);
	/* Beyond three words back, no effect. */
	expect(es, "no lo que se dice bueno", 1.9);
	/* A clause boundary stops the window. */
	expect(es, "No me gustó nada, pésimo", 1.8 * -0.74 - 3.3);
	/* "poco" negates, "un poco" dampens. */
	expect(es, "poco amable", 2.3 * -0.74);
	expect(es, "un poco lento", -1.9 + 0.293);
}

static void test_intensifiers(void **state)
{
	(void)state;
	expect(es, "muy bueno", 1.9 + 0.293);
	expect(es, "súper bueno", 1.9 + 0.293);
	expect(es, "super bueno", 1.9 + 0.293);
	expect(es, "demasiado caro", -1.7 - 0.293);
	/* Two words back counts 0.95 of a booster. */
	expect(es, "muy muy bueno", 1.9 + 0.293 + 0.293 * 0.95);
	/* -ísimo: the base word boosted, in any gender and number. */
	expect(es, "rapidísimo", 1.9 + 0.293);
	expect(es, "lentísimas", -1.9 - 0.293);
	expect(es, "riquísima", 2.2 + 0.293);
	expect(es, "amabilísimo", 2.3 + 0.293);
	/* Plural and feminine forms find the base. */
	expect(es, "lentas", -1.9);
	expect(es, "amables", 2.3);
}

static void test_contrast(void **state)
{
	(void)state;
	expect(es, "bueno pero lento", 1.9 * 0.5 - 1.9 * 1.5);
	expect(es, "bueno, sin embargo lento", 1.9 * 0.5 - 1.9 * 1.5);
	expect(es, "bueno aunque lento", 1.9 * 0.5 - 1.9 * 1.5);
	expect(es, "Lento PERO amable", -1.9 * 0.5 + 2.3 * 1.5);
}

static void test_accents_and_case(void **state)
{
	(void)state;
	double a = score(es, "Atención pésima").compound;
	double b = score(es, "atencion pesima").compound;
	double c = score(es, "ATENCIÓN PÉSIMA").compound;
	assert_float_equal(a, norm(0.3 - 3.3), 1e-9);
	assert_float_equal(a, b, 1e-12);
	assert_float_equal(a, c, 1e-12);
	/* ALL CAPS in mixed-case text adds 0.733. */
	expect(es, "la atención fue PÉSIMA", -3.3 - 0.733 + 0.3);
	/* Spanish punctuation is stripped. */
	expect(es, "¿¡Excelente!?", 3.2 + 0.292);
}

static void test_punctuation(void **state)
{
	(void)state;
	expect(es, "excelente!!", 3.2 + 2 * 0.292);
	expect(es, "excelente!!!!!!", 3.2 + 4 * 0.292);
	expect(es, "caro??", -1.7 - 2 * 0.18);
	expect(es, "caro?????", -1.7 - 0.96);
}

/* VADER's published examples that the JavaScript port and the Python
 * original agree on (tests/text/published_en.tsv; the rest of the English
 * cross-check is tests/text/check_vader.mjs). */
static void test_english_published(void **state)
{
	(void)state;
	assert_float_equal(score(en, "VADER is smart, handsome, and funny.").compound, 0.8316,
			   5e-5);
	assert_float_equal(
	    score(en, "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!").compound, 0.9469,
	    5e-5);
	assert_float_equal(score(en, "VADER is not smart, handsome, nor funny.").compound, -0.7424,
			   5e-5);
	assert_float_equal(score(en, "At least it isn't a horrible book.").compound, 0.431, 5e-5);
	assert_float_equal(score(en, "The book was only kind of good.").compound, 0.3832, 5e-5);
	assert_float_equal(score(en, "Make sure you :) or :D today!").compound, 0.8633, 5e-5);
}

static void test_edges(void **state)
{
	(void)state;
	struct tp_sentiment_scores sc = score(es, "");
	assert_float_equal(sc.compound + sc.pos + sc.neu + sc.neg, 0.0, 0.0);
	sc = score(es, "  ?! ... ");
	assert_float_equal(sc.compound, 0.0, 0.0);
	assert_string_equal(tp_sentiment_label(0.0), "neutral");
	assert_string_equal(tp_sentiment_label(0.05), "positive");
	assert_string_equal(tp_sentiment_label(-0.05), "negative");
	assert_string_equal(tp_sentiment_label(0.0499), "neutral");
	/* Invalid UTF-8 and over-long words never match and never crash. */
	const char bad[] = "bueno \xff\xfe\xc3 malo\xc3";
	struct tp_sentiment_scores b;
	assert_int_equal(tp_sentiment_score(es, bad, sizeof bad - 1, &b), TP_OK);
	assert_float_equal(b.compound, norm(1.9), 1e-9);
	char longw[300];
	memset(longw, 'a', sizeof longw - 1);
	longw[sizeof longw - 1] = '\0';
	assert_float_equal(score(es, longw).compound, 0.0, 0.0);
}

/* More words than the scorer keeps on the stack. */
static void test_long_text(void **state)
{
	(void)state;
	size_t words = 1000;
	char *text = malloc(words * 6 + 1);
	assert_non_null(text);
	for (size_t i = 0; i < words; i++)
		memcpy(text + i * 6, i == 0 ? "malo  " : "cosa  ", 6);
	text[words * 6] = '\0';
	struct tp_sentiment_scores sc = score(es, text);
	assert_float_equal(sc.compound, norm(-2.2), 1e-9);
	assert_float_equal(sc.neg, 3.2 / (3.2 + 999), 1e-9);
	free(text);
}

static void test_lang(void **state)
{
	(void)state;
	const char *t = "El servicio fue muy bueno y rápido";
	assert_int_equal(tp_text_lang_guess(t, strlen(t)), TP_TEXT_ES);
	t = "The service was very good and fast";
	assert_int_equal(tp_text_lang_guess(t, strlen(t)), TP_TEXT_EN);
	t = "¡Excelente atención!";
	assert_int_equal(tp_text_lang_guess(t, strlen(t)), TP_TEXT_ES);
	assert_int_equal(tp_text_lang_guess("", 0), TP_TEXT_EN);
	enum tp_text_lang l;
	struct tp_error err;
	assert_int_equal(tp_text_lang_parse("es", &l, &err), TP_OK);
	assert_int_equal(l, TP_TEXT_ES);
	assert_int_equal(tp_text_lang_parse("fr", &l, &err), TP_EINPUT);
	assert_string_equal(tp_text_lang_name(TP_TEXT_EN), "en");
	assert_int_equal(tp_sentiment_lang(es), TP_TEXT_ES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_and_proportions),
	    cmocka_unit_test(test_negation),
	    cmocka_unit_test(test_intensifiers),
	    cmocka_unit_test(test_contrast),
	    cmocka_unit_test(test_accents_and_case),
	    cmocka_unit_test(test_punctuation),
	    cmocka_unit_test(test_english_published),
	    cmocka_unit_test(test_edges),
	    cmocka_unit_test(test_long_text),
	    cmocka_unit_test(test_lang),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
