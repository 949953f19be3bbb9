/* bench/sentiment_bench.c - comments per second for the lexicon sentiment
 * engine on one core (issue 6 asks for 500,000/s on 100-character comments).
 *
 * Usage: sentiment_bench [es|en] [COMMENTS]
 * Builds COMMENTS (default 1,000,000) comments of about 100 characters from
 * a fixed set of customer phrases (deterministic), then times scoring them
 * all once on this thread. Memory does not grow with COMMENTS beyond the
 * comments themselves: the engine allocates nothing per comment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "touchpoint/text.h"

static const char *const es_parts[] = {"El servicio fue muy bueno",
				       "la espera fue demasiado larga",
				       "pero el personal amable",
				       "no me gustó nada la app",
				       "entrega rapidísima",
				       "precio caro para lo que es",
				       "la tienda estaba limpia y ordenada",
				       "nunca respondieron mis correos",
				       "todo perfecto, gracias",
				       "un poco lento el pago",
				       "sin embargo lo recomiendo",
				       "la atención fue pésima"};
static const char *const en_parts[] = {"The service was very good",
				       "the wait was way too long",
				       "but the staff were kind",
				       "I did not like the app at all",
				       "super fast delivery",
				       "too expensive for what it is",
				       "the store was clean and tidy",
				       "they never answered my emails",
				       "everything was perfect, thanks",
				       "checkout was kind of slow",
				       "still I recommend it",
				       "the support was terrible"};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	enum tp_text_lang lang = argc > 1 && strcmp(argv[1], "en") == 0 ? TP_TEXT_EN : TP_TEXT_ES;
	size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000;
	const char *const *parts = lang == TP_TEXT_EN ? en_parts : es_parts;
	size_t nparts = 12;
	enum { WIDTH = 128 };
	char *texts = malloc(n * WIDTH);
	size_t *lens = malloc(n * sizeof *lens);
	struct tp_sentiment *s = tp_sentiment_new(lang, NULL);
	if (!texts || !lens || !s || n == 0)
		return 1;
	unsigned long seed = 12345, chars = 0;
	for (size_t i = 0; i < n; i++) {
		char *t = texts + i * WIDTH;
		size_t len = 0;
		while (len < 90) {
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			const char *p = parts[(seed >> 33) % nparts];
			size_t m = strlen(p);
			if (len + m + 2 >= WIDTH)
				break;
			memcpy(t + len, p, m);
			len += m;
			t[len++] = ' ';
		}
		lens[i] = len;
		chars += len;
	}
	double sum = 0, t0 = now();
	for (size_t i = 0; i < n; i++) {
		struct tp_sentiment_scores sc;
		tp_sentiment_score(s, texts + i * WIDTH, lens[i], &sc);
		sum += sc.compound;
	}
	double dt = now() - t0;
	printf("%s: %zu comments, %.1f bytes on average, %.3f s, %.0f comments/s "
	       "(mean compound %.4f)\n",
	       tp_text_lang_name(lang), n, (double)chars / (double)n, dt, (double)n / dt,
	       sum / (double)n);
	tp_sentiment_free(s);
	free(texts);
	free(lens);
	return 0;
}
