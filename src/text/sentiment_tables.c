/* text/sentiment_tables.c - the word lists of the sentiment engine, per
 * language: negators, boosters and dampeners, contrast words, idioms.
 * English lists are VADER's (Hutto & Gilbert 2014, as in the vader-sentiment
 * JavaScript port); Spanish ones are ours (docs/text.md). Words are written
 * in their folded lookup form: lower case, and for Spanish without accents. */
#include <stddef.h>

#include "text/sentiment_tables.h"

static const char *const en_negators[] = {
    "aint",   "arent",	  "cannot",  "cant",	 "couldnt",  "darent",	 "didnt",   "doesnt",
    "ain't",  "aren't",	  "can't",   "couldn't", "daren't",  "didn't",	 "doesn't", "dont",
    "hadnt",  "hasnt",	  "havent",  "isnt",	 "mightnt",  "mustnt",	 "neither", "don't",
    "hadn't", "hasn't",	  "haven't", "isn't",	 "mightn't", "mustn't",	 "neednt",  "needn't",
    "never",  "none",	  "nope",    "nor",	 "not",	     "nothing",	 "nowhere", "oughtnt",
    "shant",  "shouldnt", "uhuh",    "wasnt",	 "werent",   "oughtn't", "shan't",  "shouldn't",
    "uh-uh",  "wasn't",	  "weren't", "without",	 "wont",     "wouldnt",	 "won't",   "wouldn't",
    "rarely", "seldom",	  "despite", NULL};

static const struct weighted en_boosters[] = {{"absolutely", B_INCR},
					      {"amazingly", B_INCR},
					      {"awfully", B_INCR},
					      {"completely", B_INCR},
					      {"considerably", B_INCR},
					      {"decidedly", B_INCR},
					      {"deeply", B_INCR},
					      {"effing", B_INCR},
					      {"enormously", B_INCR},
					      {"entirely", B_INCR},
					      {"especially", B_INCR},
					      {"exceptionally", B_INCR},
					      {"extremely", B_INCR},
					      {"fabulously", B_INCR},
					      {"flipping", B_INCR},
					      {"flippin", B_INCR},
					      {"fricking", B_INCR},
					      {"frickin", B_INCR},
					      {"frigging", B_INCR},
					      {"friggin", B_INCR},
					      {"fully", B_INCR},
					      {"fucking", B_INCR},
					      {"greatly", B_INCR},
					      {"hella", B_INCR},
					      {"highly", B_INCR},
					      {"hugely", B_INCR},
					      {"incredibly", B_INCR},
					      {"intensely", B_INCR},
					      {"majorly", B_INCR},
					      {"more", B_INCR},
					      {"most", B_INCR},
					      {"particularly", B_INCR},
					      {"purely", B_INCR},
					      {"quite", B_INCR},
					      {"really", B_INCR},
					      {"remarkably", B_INCR},
					      {"so", B_INCR},
					      {"substantially", B_INCR},
					      {"thoroughly", B_INCR},
					      {"totally", B_INCR},
					      {"tremendously", B_INCR},
					      {"uber", B_INCR},
					      {"unbelievably", B_INCR},
					      {"unusually", B_INCR},
					      {"utterly", B_INCR},
					      {"very", B_INCR},
					      {"almost", B_DECR},
					      {"barely", B_DECR},
					      {"hardly", B_DECR},
					      {"just enough", B_DECR},
					      {"kind of", B_DECR},
					      {"kinda", B_DECR},
					      {"kindof", B_DECR},
					      {"kind-of", B_DECR},
					      {"less", B_DECR},
					      {"little", B_DECR},
					      {"marginally", B_DECR},
					      {"occasionally", B_DECR},
					      {"partly", B_DECR},
					      {"scarcely", B_DECR},
					      {"slightly", B_DECR},
					      {"somewhat", B_DECR},
					      {"sort of", B_DECR},
					      {"sorta", B_DECR},
					      {"sortof", B_DECR},
					      {"sort-of", B_DECR},
					      {NULL, 0}};

const struct idiom tp_sentiment_en_idioms[] = {
    {"the shit", 2, 3},	       {"the bomb", 2, 3},
    {"bad ass", 2, 1.5},       {"yeah right", 2, -2},
    {"cut the mustard", 3, 2}, {"kiss of death", 3, -1.5},
    {"hand to mouth", 3, -2},  {NULL, 0, 0}};

/* The two-word entries of en_boosters. */
const char *const tp_sentiment_en_booster_bigrams[] = {"just enough", "kind of", "sort of", NULL};

static const char *const en_contrasts[] = {NULL}; /* "but" is matched by case, below */

/* "poco" negates ("poco amable" is unkind) except after "un" ("un poco
 * lento" is somewhat slow), where it dampens; see mark_tokens(). */
static const char *const es_negators[] = {"no",	  "nunca", "jamas",  "ni",	"tampoco", "sin",
					  "nada", "nadie", "ningun", "ninguno", "ninguna", "poco",
					  "poca", "pocos", "pocas",  NULL};

static const struct weighted es_boosters[] = {{"muy", B_INCR},
					      {"super", B_INCR},
					      {"demasiado", B_INCR},
					      {"demasiada", B_INCR},
					      {"demasiados", B_INCR},
					      {"demasiadas", B_INCR},
					      {"tan", B_INCR},
					      {"mas", B_INCR},
					      {"bastante", B_INCR},
					      {"sumamente", B_INCR},
					      {"extremadamente", B_INCR},
					      {"totalmente", B_INCR},
					      {"realmente", B_INCR},
					      {"increiblemente", B_INCR},
					      {"absolutamente", B_INCR},
					      {"completamente", B_INCR},
					      {"especialmente", B_INCR},
					      {"altamente", B_INCR},
					      {"enormemente", B_INCR},
					      {"mega", B_INCR},
					      {"re", B_INCR},
					      {"requete", B_INCR},
					      {"tremendamente", B_INCR},
					      {"verdaderamente", B_INCR},
					      {"mucho", B_INCR},
					      {"mucha", B_INCR},
					      {"muchisimo", B_INCR},
					      {"muchisima", B_INCR},
					      {"algo", B_DECR},
					      {"apenas", B_DECR},
					      {"casi", B_DECR},
					      {"medio", B_DECR},
					      {"ligeramente", B_DECR},
					      {"levemente", B_DECR},
					      {"relativamente", B_DECR},
					      {NULL, 0}};

static const char *const es_contrasts[] = {"pero", "aunque", "sino", NULL};

const struct lang_rules tp_sentiment_rules_en = {false, en_negators, en_boosters, en_contrasts};
const struct lang_rules tp_sentiment_rules_es = {true, es_negators, es_boosters, es_contrasts};
