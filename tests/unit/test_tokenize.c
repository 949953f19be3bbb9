/* Unit tests for text/tokenize.c. Expected stems were worked out by hand
 * from the Snowball algorithms (snowballstem.org: "Spanish stemming
 * algorithm", "The English (Porter2) stemming algorithm"); the comment
 * beside each case names the rule that applies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/sentiment_tables.h"
#include "text/text_internal.h"
#include "touchpoint/text.h"

extern const unsigned char tp_embedded_lexicon_en[];
extern const size_t tp_embedded_lexicon_en_len;
extern const unsigned char tp_embedded_lexicon_es[];
extern const size_t tp_embedded_lexicon_es_len;

#define MAX_TOKENS 32

struct collected {
	size_t n;
	char word[MAX_TOKENS][64];
	char stem[MAX_TOKENS][64];
	int stop[MAX_TOKENS];
	size_t stop_after; /* stop the walk after this many tokens (0: never) */
};

static int collect(const struct tp_token *tok, void *ctx)
{
	struct collected *c = ctx;
	assert_true(c->n < MAX_TOKENS);
	assert_int_equal(strlen(tok->stem), tok->stem_len);
	assert_int_equal(strlen(tok->word), tok->word_len);
	snprintf(c->word[c->n], sizeof c->word[0], "%s", tok->word);
	snprintf(c->stem[c->n], sizeof c->stem[0], "%s", tok->stem);
	c->stop[c->n] = tok->stop;
	c->n++;
	return c->stop_after && c->n == c->stop_after ? 7 : 0;
}

static struct collected run(enum tp_text_lang lang, const char *text)
{
	struct tp_tokenizer *t = tp_tokenizer_new(lang, NULL);
	assert_non_null(t);
	struct collected c = {0};
	assert_int_equal(tp_tokenize(t, text, strlen(text), collect, &c), 0);
	tp_tokenizer_free(t);
	return c;
}

/* One word's stem. */
static void expect_stem(enum tp_text_lang lang, const char *word, const char *stem)
{
	struct collected c = run(lang, word);
	assert_int_equal(c.n, 1);
	if (strcmp(c.stem[0], stem) != 0)
		fail_msg("%s: stem of \"%s\" is \"%s\", expected \"%s\"", tp_text_lang_name(lang),
			 word, c.stem[0], stem);
}

static void test_spanish_stems(void **state)
{
	(void)state;
	/* RV starts after "ate"; step 2b deletes the verb ending "ieron". */
	expect_stem(TP_TEXT_ES, "atendieron", "atend");
	/* No step-1 suffix ("-ción" is not one; "-ación" does not match);
	 * the final step removes the accent. */
	expect_stem(TP_TEXT_ES, "atención", "atencion");
	/* Written without its accent, the "-ción" word gets it back first. */
	expect_stem(TP_TEXT_ES, "atencion", "atencion");
	/* Step 1 deletes "ación" in R2 ("ización" is R2). */
	expect_stem(TP_TEXT_ES, "organización", "organiz");
	expect_stem(TP_TEXT_ES, "organizaciones", "organiz");
	expect_stem(TP_TEXT_ES, "ORGANIZACION", "organiz");
	/* Step 1 replaces "ución" with "u". */
	expect_stem(TP_TEXT_ES, "devolución", "devolu");
	/* Step 2b "aron"; step 3 residual "ó". */
	expect_stem(TP_TEXT_ES, "llegaron", "lleg");
	expect_stem(TP_TEXT_ES, "llegó", "lleg");
	/* Step 2b "idos" (RV of "pedidos" is "didos"). */
	expect_stem(TP_TEXT_ES, "pedidos", "ped");
	/* Step 3 residual "o" / "a" after step 2b "id" forms: rápido -> rap. */
	expect_stem(TP_TEXT_ES, "rápido", "rap");
	expect_stem(TP_TEXT_ES, "rapida", "rap");
	/* ñ is kept; step 3 removes the residual "o". */
	expect_stem(TP_TEXT_ES, "Niño", "niñ");
}

static void test_english_stems(void **state)
{
	(void)state;
	/* Step 1b: "ing" goes, "wait" is not a short word (no e added). */
	expect_stem(TP_TEXT_EN, "waiting", "wait");
	expect_stem(TP_TEXT_EN, "Waited", "wait");
	/* Step 1c: final y after a consonant becomes i. */
	expect_stem(TP_TEXT_EN, "delivery", "deliveri");
	/* Step 1b: "running" -> "runn" -> undoubled "run". */
	expect_stem(TP_TEXT_EN, "running", "run");
	/* Step 3: "ful" deleted in R1. */
	expect_stem(TP_TEXT_EN, "helpful", "help");
	/* Step 4: "ion" after t in R2. */
	expect_stem(TP_TEXT_EN, "connection", "connect");
	/* Accents are folded before stemming. */
	expect_stem(TP_TEXT_EN, "café", "cafe");
}

static void test_words_and_stop_flags(void **state)
{
	(void)state;
	struct collected c = run(TP_TEXT_ES, "¡La ATENCIÓN, pésima!! No volveré… 24h");
	assert_int_equal(c.n, 6);
	const char *words[] = {"la", "atencion", "pesima", "no", "volvere", "24h"};
	const int stops[] = {1, 0, 0, 0, 0, 0};
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(c.word[i], words[i]);
		assert_int_equal(c.stop[i], stops[i]);
	}
	/* Apostrophes and hyphens split words; "t" of "didn't" is kept. */
	c = run(TP_TEXT_EN, "The staff didn't help - e-mail");
	assert_int_equal(c.n, 7);
	const char *en_words[] = {"the", "staff", "didn", "t", "help", "e", "mail"};
	for (size_t i = 0; i < 7; i++)
		assert_string_equal(c.word[i], en_words[i]);
	assert_int_equal(c.stop[0], 1);
	assert_int_equal(c.stop[2], 0);
	/* Decomposed input (e + U+0301, n + U+0303) folds like composed. */
	c = run(TP_TEXT_ES, "Atencio\xcc\x81n espan\xcc\x83ol");
	assert_int_equal(c.n, 2);
	assert_string_equal(c.word[0], "atencion");
	assert_string_equal(c.word[1], "espa\xc3\xb1ol");
	/* No words at all. */
	c = run(TP_TEXT_ES, " ¿?!... 🙂 ");
	assert_int_equal(c.n, 0);
}

static void test_early_stop_and_bad_bytes(void **state)
{
	(void)state;
	struct tp_tokenizer *t = tp_tokenizer_new(TP_TEXT_EN, NULL);
	assert_non_null(t);
	struct collected c = {.stop_after = 2};
	const char *text = "one two three four";
	assert_int_equal(tp_tokenize(t, text, strlen(text), collect, &c), 7);
	assert_int_equal(c.n, 2);
	/* Invalid UTF-8 separates words; it is never part of one. */
	struct collected d = {0};
	const char bad[] = "good\xff\xfe service\xc3";
	assert_int_equal(tp_tokenize(t, bad, sizeof bad - 1, collect, &d), 0);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.word[0], "good");
	assert_string_equal(d.word[1], "service");
	/* A word over the length limit is skipped. */
	char longw[300];
	memset(longw, 'a', sizeof longw - 1);
	longw[sizeof longw - 1] = '\0';
	struct collected e = {0};
	assert_int_equal(tp_tokenize(t, longw, strlen(longw), collect, &e), 0);
	assert_int_equal(e.n, 0);
	tp_tokenizer_free(t);
	tp_tokenizer_free(NULL);
}

/* Every lexicon word, negator and contrast word, folded, is absent from the
 * stop list; and each stop word alone scores 0 with the sentiment engine
 * (which also covers the engine's plural/feminine fallbacks). */
static void check_stop_list(enum tp_text_lang lang, const unsigned char *lex, size_t lex_len,
			    const struct lang_rules *rules, const char *const *extra)
{
	size_t len;
	const char *list = tp_text_stopwords(lang, &len);
	struct tp_word_set *stop = tp_word_set_parse(list, len);
	assert_non_null(stop);
	const char *p = (const char *)lex, *end = p + lex_len;
	size_t checked = 0;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *tab = memchr(p, '\t', (size_t)(eol - p));
		char key[128];
		if (tab && *p != '#' && tp_text_fold_word(p, (size_t)(tab - p), key, sizeof key)) {
			if (tp_word_set_has(stop, key))
				fail_msg("%s stop list holds lexicon word \"%s\"",
					 tp_text_lang_name(lang), key);
			checked++;
		}
		p = eol + 1;
	}
	assert_true(checked > 500);
	const char *const *lists[] = {rules->negators, rules->contrasts, extra};
	for (size_t l = 0; l < 3; l++)
		for (size_t i = 0; lists[l][i]; i++) {
			char key[128];
			assert_true(tp_text_fold_word(lists[l][i], strlen(lists[l][i]), key,
						      sizeof key) > 0);
			if (tp_word_set_has(stop, key))
				fail_msg("%s stop list holds \"%s\"", tp_text_lang_name(lang), key);
		}
	tp_word_set_free(stop);

	struct tp_sentiment *s = tp_sentiment_new(lang, NULL);
	assert_non_null(s);
	p = list;
	end = list + len;
	size_t words = 0;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if (eol > p && *p != '#') {
			struct tp_sentiment_scores sc;
			assert_int_equal(tp_sentiment_score(s, p, (size_t)(eol - p), &sc), TP_OK);
			if (sc.compound != 0.0)
				fail_msg("stop word \"%.*s\" has sentiment %f", (int)(eol - p), p,
					 sc.compound);
			words++;
		}
		p = eol + 1;
	}
	assert_true(words > 100);
	tp_sentiment_free(s);
}

static void test_stop_lists_hold_no_sentiment_words(void **state)
{
	(void)state;
	static const char *const es_extra[] = {"no", "nunca", "jamás", "ni", "tampoco", "sin",
					       "pero", "aunque", "sino", "embargo", "nada",
					       "nadie", "ningún", NULL};
	static const char *const en_extra[] = {
	    "no",      "not", "never", "nor",    "none",	 "nothing", "neither", "nobody",
	    "without", "but", "yet",   "though", "although", "however", "cannot",  "don",
	    "didn",    "doesn", "isn", "wasn",   "won",	     "t",	NULL};
	check_stop_list(TP_TEXT_ES, tp_embedded_lexicon_es, tp_embedded_lexicon_es_len,
			&tp_sentiment_rules_es, es_extra);
	check_stop_list(TP_TEXT_EN, tp_embedded_lexicon_en, tp_embedded_lexicon_en_len,
			&tp_sentiment_rules_en, en_extra);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_spanish_stems),
	    cmocka_unit_test(test_english_stems),
	    cmocka_unit_test(test_words_and_stop_flags),
	    cmocka_unit_test(test_early_stop_and_bad_bytes),
	    cmocka_unit_test(test_stop_lists_hold_no_sentiment_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
