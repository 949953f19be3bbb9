/* fuzz/fuzz_sentiment.c - libFuzzer target for text/sentiment.c,
 * text/lang.c and text/tokenize.c: any bytes, scored and tokenized in both
 * languages, must give finite scores and emotion intensities in range and
 * well-formed tokens, and never crash, leak or read out of bounds. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tp_sentiment *engines[2];
static struct tp_tokenizer *tokenizers[2];

static void check(const struct tp_sentiment_scores *sc)
{
	if (!(sc->compound >= -1.0 && sc->compound <= 1.0) || !isfinite(sc->pos) ||
	    !isfinite(sc->neu) || !isfinite(sc->neg) || sc->pos < 0 || sc->neu < 0 || sc->neg < 0)
		abort();
	double total = sc->pos + sc->neu + sc->neg;
	if (total != 0.0 && fabs(total - 1.0) > 1e-9)
		abort();
	for (int e = 0; e < TP_EMOTION_COUNT; e++)
		if (!(sc->emotions[e] >= 0.0 && sc->emotions[e] < 1.0))
			abort();
}

static int check_token(const struct tp_token *tok, void *ctx)
{
	(void)ctx;
	if (tok->word_len == 0 || strlen(tok->word) != tok->word_len ||
	    strlen(tok->stem) != tok->stem_len || (tok->stop != 0 && tok->stop != 1))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!engines[0]) {
		engines[0] = tp_sentiment_new(TP_TEXT_ES, NULL);
		engines[1] = tp_sentiment_new(TP_TEXT_EN, NULL);
		tokenizers[0] = tp_tokenizer_new(TP_TEXT_ES, NULL);
		tokenizers[1] = tp_tokenizer_new(TP_TEXT_EN, NULL);
		if (!engines[0] || !engines[1] || !tokenizers[0] || !tokenizers[1])
			abort();
	}
	const char *text = (const char *)data;
	(void)tp_text_lang_guess(text, size);
	for (int k = 0; k < 2; k++) {
		struct tp_sentiment_scores sc;
		if (tp_sentiment_score(engines[k], text, size, &sc) == TP_OK)
			check(&sc);
		tp_tokenize(tokenizers[k], text, size, check_token, NULL);
	}
	return 0;
}
