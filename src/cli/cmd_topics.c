/* cli/cmd_topics.c - `touchpoint topics`: keywords and phrases of the
 * customers' comments per touchpoint (c-TF-IDF), or what detractors say
 * that promoters do not (weighted log-odds); touchpoint/topics.h computes. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "touchpoint/text.h"
#include "touchpoint/topics.h"

static const char help[] =
	"Usage: touchpoint [--db PATH] topics [--touchpoint T] [--by nps_group]\n"
	"                                     [--lang es|en] [--top N] [--json]\n"
	"\n"
	"What customers' comments talk about. Terms are Snowball stems that are\n"
	"not stop words, and pairs of consecutive such stems (two-word phrases),\n"
	"each shown as the word customers wrote most often for it.\n"
	"\n"
	"Default: per touchpoint, terms ranked by class-based TF-IDF with the\n"
	"touchpoints as classes: W = (n_tc / N_c) * ln(1 + A / f_t), where n_tc\n"
	"is the term's count in the touchpoint's comments, N_c all term counts\n"
	"there, f_t the term's count over all touchpoints and A the mean N_c.\n"
	"With --by nps_group: what detractors (NPS 0-6) say that promoters (9-10)\n"
	"do not, and the reverse, by weighted log-odds with an informative\n"
	"Dirichlet prior (Monroe, Colaresi & Quinn 2008) whose counts are the\n"
	"whole corpus in scope; terms ranked by their z-score.\n"
	"\n"
	"  --touchpoint T   only this touchpoint (its keywords; with --by\n"
	"                   nps_group, only its comments)\n"
	"  --by nps_group   detractors against promoters (log-odds)\n"
	"  --lang L         only comments in es or en (the response's language,\n"
	"                   else a guess)\n"
	"  --top N          terms per list, 1-1000 (default 10)\n"
	"  --json           JSON instead of a table\n"
	"\n"
	"Formulas and choices: docs/text.md. Exit status: 0 success, 1 invalid\n"
	"data (unknown touchpoint) or database, 2 usage error.\n";

struct topics_args {
	struct tp_topics_opts opts;
	bool json;
};

static int parse_args(int argc, char **argv, struct topics_args *a)
{
	static const struct option opts[] = {
	    {"touchpoint", required_argument, NULL, 't'}, {"by", required_argument, NULL, 'b'},
	    {"lang", required_argument, NULL, 'l'},       {"top", required_argument, NULL, 'n'},
	    {"json", no_argument, NULL, 'j'},             {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(help, stdout); return -1;
		case 't': a->opts.touchpoint = optarg; break;
		case 'b':
			if (strcmp(optarg, "nps_group") != 0)
				return cli_usage("topics", "unknown --by \"%s\" (nps_group)", optarg);
			a->opts.by_nps_group = true;
			break;
		case 'l':
			if (strcmp(optarg, "es") && strcmp(optarg, "en"))
				return cli_usage("topics", "unknown --lang \"%s\" (es or en)", optarg);
			a->opts.lang = strcmp(optarg, "en") == 0 ? TP_TEXT_EN : TP_TEXT_ES;
			break;
		case 'n': {
			char *end;
			errno = 0;
			long v = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || v < 1 || v > 1000)
				return cli_usage("topics", "--top needs a whole number from 1 to 1000");
			a->opts.top = (size_t)v;
			break;
		}
		case 'j': a->json = true; break;
		default:
			return cli_bad_option("topics", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage("topics", "unexpected argument \"%s\"", argv[optind]);
	return CLI_OK;
}

static json_t *class_json(const struct tp_topics *t, const struct tp_topic_class *c)
{
	json_t *terms = json_array();
	for (size_t i = 0; terms && i < c->n_terms; i++) {
		const struct tp_topic_term *w = &c->terms[i];
		json_t *o = t->log_odds
				? json_pack("{s:s, s:s, s:I, s:I, s:f, s:f}", "term", w->term, "stem",
					    w->stem, "count", (json_int_t)w->count, "other_count",
					    (json_int_t)w->other, "delta", w->delta, "z", w->weight)
				: json_pack("{s:s, s:s, s:I, s:f}", "term", w->term, "stem", w->stem,
					    "count", (json_int_t)w->count, "weight", w->weight);
		if (!o || json_array_append_new(terms, o) != 0) {
			json_decref(terms);
			return NULL;
		}
	}
	if (!terms)
		return NULL;
	return json_pack("{s:s, s:I, s:I, s:o}", t->log_odds ? "group" : "touchpoint", c->name,
			 "comments", (json_int_t)c->comments, "words", (json_int_t)c->words, "terms",
			 terms);
}

static int print_json(const struct tp_topics *t, const struct topics_args *a)
{
	json_t *classes = json_array();
	json_t *root = json_pack("{s:s, s:I, s:o}", "method", t->log_odds ? "log-odds" : "c-tf-idf",
				 "comments", (json_int_t)t->comments, "classes", classes);
	bool ok = root != NULL;
	if (ok && a->opts.touchpoint)
		ok = json_object_set_new(root, "touchpoint", json_string(a->opts.touchpoint)) == 0;
	for (size_t c = 0; ok && c < t->n_classes; c++) {
		json_t *o = class_json(t, &t->classes[c]);
		ok = o && json_array_append_new(classes, o) == 0;
	}
	char *text = ok ? json_dumps(root, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12)) : NULL;
	json_decref(root);
	if (!text) {
		fputs("touchpoint: cannot build the JSON (out of memory, or text that is not "
		      "UTF-8)\n", stderr);
		return CLI_USER_ERROR;
	}
	puts(text);
	free(text);
	return CLI_OK;
}

static void print_table(const struct tp_topics *t)
{
	char n1[32], n2[32];
	for (size_t c = 0; c < t->n_classes; c++) {
		const struct tp_topic_class *cls = &t->classes[c];
		if (t->log_odds)
			printf("%s say more (%s comments, %s terms):\n", cls->name,
			       cli_thousands(cls->comments, n1, sizeof n1),
			       cli_thousands(cls->words, n2, sizeof n2));
		else
			printf("%s (%s comments, %s terms):\n", *cls->name ? cls->name : "(no touchpoint)",
			       cli_thousands(cls->comments, n1, sizeof n1),
			       cli_thousands(cls->words, n2, sizeof n2));
		printf("  %-32s %10s %8s%s\n", "term", t->log_odds ? "z" : "c-tf-idf", "count",
		       t->log_odds ? "    other" : "");
		for (size_t i = 0; i < cls->n_terms; i++) {
			const struct tp_topic_term *w = &cls->terms[i];
			fputs("  ", stdout);
			cli_print_cell(stdout, w->term, 32);
			printf(" %10.4f %8lld", w->weight, (long long)w->count);
			if (t->log_odds)
				printf(" %8lld", (long long)w->other);
			putchar('\n');
		}
		if (cls->n_terms == 0)
			puts("  (no comments)");
		if (c + 1 < t->n_classes)
			putchar('\n');
	}
	if (t->n_classes == 0)
		puts("no comments to read");
}

int cmd_topics(struct cli *cli, int argc, char **argv)
{
	struct topics_args a = {.opts = {.lang = -1, .top = 10}};
	int rc = parse_args(argc, argv, &a);
	if (rc != CLI_OK)
		return rc < 0 ? CLI_OK : rc;
	struct tp_store *store = NULL;
	rc = cli_open_store(cli, TP_STORE_READ, &store);
	if (rc != CLI_OK)
		return rc;
	struct tp_topics *t = NULL;
	struct tp_error err;
	if (tp_topics_run(store, &a.opts, &t, &err) != TP_OK)
		rc = cli_fail(&err);
	else if (a.json)
		rc = print_json(t, &a);
	else
		print_table(t);
	tp_topics_free(t);
	tp_store_close(store);
	return rc;
}
