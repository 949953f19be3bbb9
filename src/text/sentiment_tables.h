/* text/sentiment_tables.h - the per-language word lists of the sentiment
 * engine (internal to src/text/). The lists are in sentiment_tables.c; the
 * lexicons themselves are data files embedded at build time. */
#ifndef TP_TEXT_SENTIMENT_TABLES_H
#define TP_TEXT_SENTIMENT_TABLES_H

#include <stdbool.h>

/* Hutto & Gilbert (2014), section 3 and the reference implementation. */
#define B_INCR 0.293   /* booster word */
#define B_DECR -0.293  /* dampener word */
#define C_INCR 0.733   /* ALL-CAPS word in mixed-case text */
#define N_SCALAR -0.74 /* negation */
#define EP_STEP 0.292  /* per "!", up to 4 */
#define QM_STEP 0.18   /* per "?", for 2 or 3 */
#define QM_MAX 0.96    /* 4 or more "?" */
#define ALPHA 15.0     /* compound = x / sqrt(x^2 + ALPHA) */

struct weighted {
	const char *word;
	double value;
};

struct lang_rules {
	bool spanish; /* accent folding, Unicode case, once-only negation */
	const char *const *negators;
	const struct weighted *boosters; /* single words and two-word phrases */
	const char *const *contrasts;	 /* single words */
};

struct idiom {
	const char *phrase;
	long words;
	double value;
};

/* The rules of one language. All lists end with a NULL word. */
extern const struct lang_rules tp_sentiment_rules_en;
extern const struct lang_rules tp_sentiment_rules_es;

/* VADER's idioms ("the bomb", "yeah right"...) and the two-word entries of
 * its booster list ("kind of"), used by the English rules only. */
extern const struct idiom tp_sentiment_en_idioms[];
extern const char *const tp_sentiment_en_booster_bigrams[];

#endif
