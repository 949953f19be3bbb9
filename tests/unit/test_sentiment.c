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

/* VADER's 16 published examples with the compounds published for them:
 * the "Python Code Example" of the vaderSentiment README (README.rst,
 * github.com/cjhutto/vaderSentiment, version 3.3.x; C.J. Hutto, MIT), as
 * in tests/text/published_en.tsv. The README's code lists the emoji
 * sentence as "such as such as"; its printed output (0.7003) has it once;
 * "such" has no valence, so both give 0.7003. */
static void test_english_published(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		double compound;
	} published[] = {
	    {"VADER is smart, handsome, and funny.", 0.8316},
	    {"VADER is smart, handsome, and funny!", 0.8439},
	    {"VADER is very smart, handsome, and funny.", 0.8545},
	    {"VADER is VERY SMART, handsome, and FUNNY.", 0.9227},
	    {"VADER is VERY SMART, handsome, and FUNNY!!!", 0.9342},
	    {"VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!", 0.9469},
	    {"VADER is not smart, handsome, nor funny.", -0.7424},
	    {"The book was good.", 0.4404},
	    {"At least it isn't a horrible book.", 0.431},
	    {"The book was only kind of good.", 0.3832},
	    {"The plot was good, but the characters are uncompelling and the dialog is not great.",
	     -0.7042},
	    {"Today SUX!", -0.5461},
	    {"Today only kinda sux! But I'll get by, lol", 0.5249},
	    {"Make sure you :) or :D today!", 0.8633},
	    {"Catch utf-8 emoji such as \xf0\x9f\x92\x98 and \xf0\x9f\x92\x8b and \xf0\x9f\x98\x81",
	     0.7003},
	    {"Catch utf-8 emoji such as such as \xf0\x9f\x92\x98 and \xf0\x9f\x92\x8b and "
	     "\xf0\x9f\x98\x81",
	     0.7003},
	    {"Not bad at all", 0.431},
	};
	for (size_t i = 0; i < sizeof published / sizeof published[0]; i++) {
		double got = score(en, published[i].text).compound;
		if (fabs(got - published[i].compound) > 1e-4)
			fail_msg("\"%s\": compound %.6f, published %.4f", published[i].text, got,
				 published[i].compound);
	}
}

/* Negation words and "but" in any case, as Python VADER 3.3 (bad -2.5,
 * good 1.9, fine 0.8). */
static void test_english_case(void **state)
{
	(void)state;
	expect(en, "Not bad at all", -2.5 * -0.74);
	expect(en, "NOT bad", -2.5 * -0.74);
	expect(en, "Never good", 1.9 * -0.74);
	expect(en, "It ISN'T good", 1.9 * -0.74);
	/* "never so" in any case boosts instead of negating. */
	expect(en, "Never so good", (1.9 + 0.293) * 1.5);
	/* The first "but" in any case is the contrast word. */
	expect(en, "The food was good. But the room was bad.", 1.9 * 0.5 - 2.5 * 1.5);
	expect(en, "good BUT bad but fine", 1.9 * 0.5 - 2.5 * 1.5 + 0.8 * 1.5);
}

/* Emoji read as their Unicode CLDR names (data/lexicon/emoji/en.tsv):
 * U+1F601 "beaming face with smiling eyes" (smiling 2.0), U+1F622 "crying
 * face" (crying -2.1), U+263A "smiling face", U+1F621 "enraged face"
 * (enraged -1.7); love 3.2, good 1.9. */
static void test_english_emoji(void **state)
{
	(void)state;
	expect(en, "I love it \xf0\x9f\x98\x81", 3.2 + 2.0);
	/* Set apart from a word written against it. */
	expect(en, "I love it\xf0\x9f\x98\x81", 3.2 + 2.0);
	/* Two in a row, and a variation selector U+FE0F after one. */
	expect(en, "\xf0\x9f\x98\xa2\xf0\x9f\x98\xa2", -2.1 - 2.1);
	expect(en, "good \xe2\x98\xba\xef\xb8\x8f", 1.9 + 2.0);
	/* A skin tone after an emoji is dropped with it: U+1F64D "person
	 * frowning" (frowning -1.4) + U+1F3FD. */
	expect(en, "\xf0\x9f\x99\x8d\xf0\x9f\x8f\xbd", -1.4);
	/* Words before an emoji do not modify its words, nor its words the
	 * words after it: "never did 😡" (Python VADER would negate "enraged");
	 * U+23F3 "hourglass not done" does not negate "good". */
	expect(en, "never did \xf0\x9f\x98\xa1", -1.7);
	expect(en, "very \xf0\x9f\x98\xa1", -1.7);
	expect(en, "\xe2\x8f\xb3 good", 1.9);
	/* Proportions count the name's words: crying, face. */
	struct tp_sentiment_scores sc = score(en, "\xf0\x9f\x98\xa2");
	assert_float_equal(sc.neg, 3.1 / 4.1, 1e-9);
	assert_float_equal(sc.neu, 1.0 / 4.1, 1e-9);
	/* An emoji newer than the CLDR data (U+1FAE8, Emoji 15.0) stays as it
	 * is: no words, no valence. */
	expect(en, "good \xf0\x9f\xab\xa8", 1.9);
	/* Non-ASCII text without emoji is scored as it is. */
	expect(en, "caf\xc3\xa9 was good", 1.9);
	/* Many emoji: the text with their words outgrows the stack buffer. */
	size_t k = 300;
	char *text = malloc(k * 5 + 1);
	assert_non_null(text);
	for (size_t i = 0; i < k; i++)
		memcpy(text + i * 5, "\xf0\x9f\x98\xa1 ", 5);
	text[k * 5] = '\0';
	sc = score(en, text);
	assert_float_equal(sc.compound, norm(-1.7 * (double)k), 1e-9);
	assert_float_equal(sc.neg, 2.7 * (double)k / (2.7 * (double)k + (double)k), 1e-9);
	free(text);
}

/* Spanish: "No" and "Pero" in any case; emoji read through CLDR's Spanish
 * names (data/lexicon/emoji/es.tsv, without the word "cara"): U+1F621
 * "cabreada" (cabreado -1.7), U+1F60A "feliz con ojos sonrientes"
 * (feliz 2.8, sonriente 2.0); atención 0.3, bueno 1.9, lento -1.9. */
static void test_spanish_case_and_emoji(void **state)
{
	(void)state;
	expect(es, "No es bueno", 1.9 * -0.74);
	expect(es, "NO es bueno", 1.9 * -0.74);
	expect(es, "Bueno. Pero lento", 1.9 * 0.5 - 1.9 * 1.5);
	expect(es, "La atenci\xc3\xb3n \xf0\x9f\x98\xa1", 0.3 - 1.7);
	expect(es, "\xf0\x9f\x98\x8a", 2.8 + 2.0);
	/* The negation window stops at an emoji's edge, both ways: "no 😊"
	 * keeps feliz positive; U+1F611 "sin expresión" does not negate the
	 * "bueno" after it. */
	expect(es, "no \xf0\x9f\x98\x8a", 2.8 + 2.0);
	expect(es, "\xf0\x9f\x98\x91 bueno", 1.9);
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
	    cmocka_unit_test(test_english_case),
	    cmocka_unit_test(test_english_emoji),
	    cmocka_unit_test(test_spanish_case_and_emoji),
	    cmocka_unit_test(test_edges),
	    cmocka_unit_test(test_long_text),
	    cmocka_unit_test(test_lang),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
