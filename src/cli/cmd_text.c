/* cli/cmd_text.c - `touchpoint text analyze` and `touchpoint text train`:
 * the stored comments' sentiment and emotions, and the learned model of a
 * language (touchpoint/text_learn.h does the work). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "touchpoint/text_learn.h"

static const char help[] =
	"Usage: touchpoint [--db PATH] text analyze [--batch N]\n"
	"       touchpoint [--db PATH] text train [--lang es|en] [--seed N] [--folds K]\n"
	"\n"
	"analyze  scores every stored comment not analysed yet (only the new ones:\n"
	"         run it after each import). Language: the response's, else a guess;\n"
	"         sentiment: the learned model of that language when `text train`\n"
	"         measured it more accurate than the lexicon engine, else the lexicon;\n"
	"         emotions from the emotion word lists. One transaction per batch\n"
	"         (default 2000 comments): an interruption keeps every batch done.\n"
	"train    fits a logistic regression (3 classes, L2) per language on every\n"
	"         customer response with a comment and a score: NPS 0-6 negative,\n"
	"         7-8 neutral, 9-10 positive; without NPS, CSAT 1-2, 3, 4-5. Prints\n"
	"         the K-fold cross-validated accuracy of the learned model and of\n"
	"         the lexicon on the same folds, and stores the model. At least 30\n"
	"         labelled comments (and 2 per fold) are needed in a language.\n"
	"\n"
	"  --lang L    train only es or en (default: both; a language with too few\n"
	"              examples is then skipped with a message, and it is an error\n"
	"              only when no language can be trained)\n"
	"  --seed N    folds and SGD order (default 1): the same seed and data give\n"
	"              the same model, byte for byte\n"
	"  --folds K   cross-validation folds, 2-20 (default 5)\n"
	"  --batch N   comments per transaction for analyze (1-100000)\n"
	"\n"
	"docs/text.md explains the method. Exit status: 0 success, 1 invalid data\n"
	"(too few examples) or database, 2 usage error.\n";

struct text_args {
	const char *lang;
	uint64_t seed;
	int folds;
	long batch;
};

static bool parse_number(const char *text, long long lo, long long hi, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (errno || end == text || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static int parse_args(const char *sub, int argc, char **argv, struct text_args *a)
{
	static const struct option opts[] = {
	    {"lang", required_argument, NULL, 'l'},  {"seed", required_argument, NULL, 's'},
	    {"folds", required_argument, NULL, 'k'}, {"batch", required_argument, NULL, 'b'},
	    {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
	};
	bool train = strcmp(sub, "train") == 0;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		long long v;
		switch (c) {
		case 'h': fputs(help, stdout); return -1;
		case 'l':
			if (!train)
				return cli_usage("text", "--lang is an option of text train");
			if (strcmp(optarg, "es") && strcmp(optarg, "en"))
				return cli_usage("text", "unknown --lang \"%s\" (es or en)", optarg);
			a->lang = optarg;
			break;
		case 's':
			if (!train || !parse_number(optarg, 0, INT64_MAX, &v))
				return cli_usage("text", "--seed needs a whole number >= 0 (text "
							 "train)");
			a->seed = (uint64_t)v;
			break;
		case 'k':
			if (!train || !parse_number(optarg, 2, TP_TEXT_FOLDS_MAX, &v))
				return cli_usage("text", "--folds needs a whole number from 2 to %d "
							 "(text train)", TP_TEXT_FOLDS_MAX);
			a->folds = (int)v;
			break;
		case 'b':
			if (train || !parse_number(optarg, 1, 100000, &v))
				return cli_usage("text", "--batch needs a whole number from 1 to "
							 "100000 (text analyze)");
			a->batch = (long)v;
			break;
		default:
			return cli_bad_option("text", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage("text", "unexpected argument \"%s\"", argv[optind]);
	return CLI_OK;
}

static int show_progress(const struct tp_text_analyze_result *r, void *ctx)
{
	struct progress *p = ctx;
	if (p->enabled) {
		fprintf(stderr, "\ranalysed %" PRId64 " comments", r->analysed);
		p->drawn = true;
	}
	return 0;
}

static int run_analyze(struct tp_store *store, const struct text_args *a)
{
	struct progress p;
	progress_start(&p);
	double started = progress_now();
	struct tp_text_analyze_result r;
	struct tp_error err;
	enum tp_status st = tp_text_analyze(store, (size_t)a->batch, show_progress, &p, &r, &err);
	progress_finish(&p);
	if (st != TP_OK) {
		fprintf(stderr, "touchpoint: %" PRId64 " comments were analysed and kept before "
				"the error\n", r.analysed);
		return cli_fail(&err);
	}
	double secs = progress_now() - started;
	char n1[32], n2[32];
	printf("analysed %s new comments (es %" PRId64 ", en %" PRId64 "); %s were already "
	       "analysed\n",
	       cli_thousands(r.analysed, n1, sizeof n1), r.by_lang[0], r.by_lang[1],
	       cli_thousands(r.already, n2, sizeof n2));
	for (int l = 0; l < 2; l++)
		printf("  %s: %s model\n", tp_text_lang_name((enum tp_text_lang)l),
		       r.learned[l] ? "learned" : "lexicon");
	if (r.analysed > 0 && secs > 0)
		printf("  %.0f comments/s\n", (double)r.analysed / secs);
	return CLI_OK;
}

static int train_one(struct tp_store *store, enum tp_text_lang lang, const struct text_args *a,
		     bool required)
{
	struct tp_text_train_opts o;
	tp_text_train_opts_init(&o);
	o.seed = a->seed;
	o.folds = a->folds;
	struct tp_text_model_info info;
	struct tp_text_cv cv;
	struct tp_error err;
	enum tp_status st = tp_text_train_store(store, lang, &o, &info, &cv, &err);
	if (st == TP_EINPUT && !required) {
		printf("%s: not trained: %s\n", tp_text_lang_name(lang), err.message);
		return -1;
	}
	if (st != TP_OK)
		return cli_fail(&err);
	printf("%s: %zu labelled comments (%zu negative, %zu neutral, %zu positive), "
	       "%d-fold cross-validation, seed %" PRIu64 "\n",
	       tp_text_lang_name(lang), cv.n, cv.per_class[0], cv.per_class[1], cv.per_class[2],
	       cv.folds, o.seed);
	printf("  learned model accuracy %.4f, lexicon accuracy %.4f on the same folds: "
	       "`text analyze` will use the %s\n",
	       cv.learned_accuracy, cv.lexicon_accuracy,
	       cv.learned_accuracy > cv.lexicon_accuracy ? "learned model" : "lexicon");
	return CLI_OK;
}

int cmd_text(struct cli *cli, int argc, char **argv)
{
	if (argc < 2 || cli_wants_help(2, argv)) {
		fputs(help, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE_ERROR : CLI_OK;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "analyze") && strcmp(sub, "train"))
		return cli_usage("text", "unknown subcommand \"%s\" (analyze or train)", sub);
	struct text_args a = {.seed = 1, .folds = 5, .batch = 2000};
	int rc = parse_args(sub, argc - 1, argv + 1, &a);
	if (rc != CLI_OK)
		return rc < 0 ? CLI_OK : rc;
	struct tp_store *store = NULL;
	rc = cli_open_store(cli, TP_STORE_WRITE, &store);
	if (rc != CLI_OK)
		return rc;
	if (strcmp(sub, "analyze") == 0) {
		rc = run_analyze(store, &a);
	} else if (a.lang) {
		rc = train_one(store, strcmp(a.lang, "en") == 0 ? TP_TEXT_EN : TP_TEXT_ES, &a, true);
	} else {
		rc = train_one(store, TP_TEXT_ES, &a, false);
		int rc_en = rc == CLI_USER_ERROR ? rc : train_one(store, TP_TEXT_EN, &a, false);
		if (rc < 0 && rc_en < 0) {
			fputs("touchpoint: no language has enough labelled comments to train\n",
			      stderr);
			rc = CLI_USER_ERROR;
		} else {
			rc = rc == CLI_USER_ERROR || rc_en == CLI_USER_ERROR ? CLI_USER_ERROR : CLI_OK;
		}
	}
	tp_store_close(store);
	return rc;
}
