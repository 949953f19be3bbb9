/* touchpoint/topics.h - what customers talk about: keywords and two-word
 * phrases of the stored comments, per touchpoint by class-based TF-IDF
 * (c-TF-IDF, Grootendorst 2022, "BERTopic"), and what detractors say that
 * promoters do not by weighted log-odds with an informative Dirichlet prior
 * (Monroe, Colaresi & Quinn 2008, "Fightin' Words", Political Analysis 16,
 * eqs. 16-22). docs/text.md gives the exact formulas.
 *
 * Terms are the stems of tp_tokenize() that are not stop words, and pairs
 * of consecutive such stems; each is shown by its most frequent written
 * (folded) form. Only customer comments count. */
#ifndef TOUCHPOINT_TOPICS_H
#define TOUCHPOINT_TOPICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "touchpoint/error.h"
#include "touchpoint/store.h"

struct tp_topics_opts {
	const char *touchpoint; /* NULL: every touchpoint */
	bool by_nps_group;      /* log-odds detractors vs promoters instead of c-TF-IDF */
	int lang;               /* -1 any, else enum tp_text_lang */
	size_t top;             /* terms per class; default 10 */
};

struct tp_topic_term {
	char *term;     /* readable: the most frequent written form of each stem */
	char *stem;     /* "stem" or "stem stem" */
	int64_t count;  /* occurrences in the class (log-odds: in the group) */
	int64_t other;  /* log-odds: occurrences in the other group; else 0 */
	double weight;  /* c-TF-IDF weight, or the log-odds z-score */
	double delta;   /* log-odds: delta; else 0 */
};

struct tp_topic_class {
	char *name;        /* touchpoint id ("" for comments of no touchpoint), or
			      "detractors" / "promoters" */
	int64_t comments;
	int64_t words;     /* term occurrences (words and pairs) */
	size_t n_terms;
	struct tp_topic_term *terms; /* best first */
};

struct tp_topics {
	bool log_odds;
	int64_t comments; /* comments read */
	size_t n_classes;
	struct tp_topic_class *classes;
};

/* Computes the topics opts asks for from the store. With a touchpoint and
 * c-TF-IDF, every touchpoint's comments still form the classes (the idf
 * needs them) but only that touchpoint's class is returned. An unknown
 * touchpoint is TP_EINPUT. The caller frees *out with tp_topics_free(). */
enum tp_status tp_topics_run(struct tp_store *store, const struct tp_topics_opts *opts,
			     struct tp_topics **out, struct tp_error *err);

void tp_topics_free(struct tp_topics *t);

#endif
