/* fuzz/fuzz_sentiment.c - libFuzzer target for text/sentiment.c and
 * text/lang.c: any bytes, scored in both languages, must give finite scores
 * in range and never crash, leak or read out of bounds. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "touchpoint/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tp_sentiment *engines[2];

static void check(const struct tp_sentiment_scores *sc)
{
	if (!(sc->compound >= -1.0 && sc->compound <= 1.0) || !isfinite(sc->pos) ||
	    !isfinite(sc->neu) || !isfinite(sc->neg) || sc->pos < 0 || sc->neu < 0 || sc->neg < 0)
		abort();
	double total = sc->pos + sc->neu + sc->neg;
	if (total != 0.0 && fabs(total - 1.0) > 1e-9)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!engines[0]) {
		engines[0] = tp_sentiment_new(TP_TEXT_ES, NULL);
		engines[1] = tp_sentiment_new(TP_TEXT_EN, NULL);
		if (!engines[0] || !engines[1])
			abort();
	}
	const char *text = (const char *)data;
	(void)tp_text_lang_guess(text, size);
	for (int k = 0; k < 2; k++) {
		struct tp_sentiment_scores sc;
		if (tp_sentiment_score(engines[k], text, size, &sc) == TP_OK)
			check(&sc);
	}
	return 0;
}
