/* cli/cmd_sentiment.c - `touchpoint sentiment`: scores one text per line. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "touchpoint/text.h"
#include "touchpoint/text_learn.h"

static const char help[] =
    "Usage: touchpoint [--db PATH] sentiment [--lang es|en|auto] [--model lexicon|learned]\n"
    "\n"
    "Reads one text per line on standard input and writes one JSON object per\n"
    "line on standard output:\n"
    "  {\"lang\":\"es\",\"compound\":-0.6249,\"label\":\"negative\",\"pos\":0,\"neu\":0.5,\n"
    "   \"neg\":0.5,\"emotions\":{\"joy\":0,\"trust\":0,\"surprise\":0,\"anger\":0.412,\n"
    "   \"fear\":0,\"sadness\":0}}   (on one line)\n"
    "compound runs from -1 to 1 (label positive at >= 0.05, negative at <= -0.05);\n"
    "pos, neu and neg are the shares of the text. The engine is VADER's method\n"
    "with an English and a Spanish lexicon (docs/text.md). \"emotions\" gives joy,\n"
    "trust, surprise, anger, fear and sadness, each 0..1: S / (S + 1), S the summed\n"
    "weights of the text's emotion words that are not negated.\n"
    "\n"
    "  --lang L   es (default), en, or auto: a per-line guess from Spanish and\n"
    "             English function words, Spanish accents and character\n"
    "             trigrams (docs/text.md gives its measured accuracy)\n"
    "  --model M  lexicon (default) or learned: the model `touchpoint text train`\n"
    "             stored in the database for the line's language (an error when\n"
    "             none was trained). For the learned model pos, neu and neg are\n"
    "             the class probabilities, compound is P(pos) - P(neg) and label\n"
    "             the most probable class; emotions always come from the word\n"
    "             lists.\n";

/* Writes x with `digits` decimals, never as "-0.000". */
static void print_num(FILE *out, double x, int digits)
{
	double unit = digits == 4 ? 5e-5 : 5e-4;
	fprintf(out, "%.*f", digits, fabs(x) < unit ? 0.0 : x);
}

static void print_scores(FILE *out, enum tp_text_lang lang, const struct tp_sentiment_scores *sc,
			 const char *label)
{
	fprintf(out, "{\"lang\":\"%s\",\"compound\":", tp_text_lang_name(lang));
	print_num(out, sc->compound, 4);
	fprintf(out, ",\"label\":\"%s\",\"pos\":", label);
	print_num(out, sc->pos, 3);
	fputs(",\"neu\":", out);
	print_num(out, sc->neu, 3);
	fputs(",\"neg\":", out);
	print_num(out, sc->neg, 3);
	fputs(",\"emotions\":{", out);
	for (int e = 0; e < TP_EMOTION_COUNT; e++) {
		fprintf(out, "%s\"%s\":", e ? "," : "", tp_emotion_name((enum tp_emotion)e));
		print_num(out, sc->emotions[e], 3);
	}
	fputs("}}\n", out);
}

/* The learned model of lang, read from the store on first use. */
static int learned_model(struct cli *cli, struct tp_store **store, enum tp_text_lang lang,
			 struct tp_text_model **models)
{
	if (models[lang])
		return CLI_OK;
	if (!*store) {
		int rc = cli_open_store(cli, TP_STORE_READ, store);
		if (rc != CLI_OK)
			return rc;
	}
	struct tp_text_model_info info;
	struct tp_error err;
	if (tp_text_model_from_store(*store, lang, &models[lang], &info, &err) != TP_OK)
		return cli_fail(&err);
	return CLI_OK;
}

/* Replaces the lexicon's polarity in sc with the learned model's. */
static int learned_scores(struct tp_text_model *m, const char *text, size_t len,
			  struct tp_sentiment_scores *sc, const char **label)
{
	double p[3];
	struct tp_error err;
	if (tp_text_model_predict(m, text, len, p, &err) != TP_OK)
		return cli_fail(&err);
	sc->neg = p[0];
	sc->neu = p[1];
	sc->pos = p[2];
	sc->compound = p[2] - p[0];
	int best = 0;
	for (int c = 1; c < 3; c++)
		if (p[c] > p[best])
			best = c;
	*label = best == 0 ? "negative" : best == 1 ? "neutral" : "positive";
	return CLI_OK;
}

static int parse_args(int argc, char **argv, const char **lang, const char **model)
{
	static const struct option opts[] = {
	    {"lang", required_argument, NULL, 'l'},
	    {"model", required_argument, NULL, 'm'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(help, stdout);
			return -1;
		}
		if (c != 'l' && c != 'm')
			return cli_bad_option("sentiment", argc, argv);
		if (c == 'm')
			*model = optarg;
		else
			*lang = optarg;
	}
	if (strcmp(*model, "lexicon") && strcmp(*model, "learned"))
		return cli_usage("sentiment", "unknown --model \"%s\" (lexicon, learned)", *model);
	if (optind < argc)
		return cli_usage("sentiment", "unexpected argument \"%s\"", argv[optind]);
	if (strcmp(*lang, "es") && strcmp(*lang, "en") && strcmp(*lang, "auto"))
		return cli_usage("sentiment", "unknown --lang \"%s\" (es, en, auto)", *lang);
	return CLI_OK;
}

int cmd_sentiment(struct cli *cli, int argc, char **argv)
{
	const char *lang_arg = "es", *model_arg = "lexicon";
	int rc = parse_args(argc, argv, &lang_arg, &model_arg);
	if (rc != CLI_OK)
		return rc < 0 ? CLI_OK : rc;
	bool autodetect = strcmp(lang_arg, "auto") == 0;
	enum tp_text_lang fixed = strcmp(lang_arg, "en") == 0 ? TP_TEXT_EN : TP_TEXT_ES;
	struct tp_sentiment *engines[2] = {NULL, NULL};
	bool learned = strcmp(model_arg, "learned") == 0;
	struct tp_text_model *models[2] = {NULL, NULL};
	struct tp_store *store = NULL;
	struct tp_error err;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	rc = CLI_OK;
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		size_t len = (size_t)n;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		enum tp_text_lang lang = autodetect ? tp_text_lang_guess(line, len) : fixed;
		if (!engines[lang]) {
			engines[lang] = tp_sentiment_new(lang, &err);
			if (!engines[lang]) {
				rc = cli_fail(&err);
				goto out;
			}
		}
		struct tp_sentiment_scores sc;
		if (tp_sentiment_score(engines[lang], line, len, &sc) != TP_OK) {
			rc = cli_fail(&(struct tp_error){TP_ENOMEM, "out of memory"});
			goto out;
		}
		const char *label = tp_sentiment_label(sc.compound);
		if (learned) {
			rc = learned_model(cli, &store, lang, models);
			if (rc == CLI_OK)
				rc = learned_scores(models[lang], line, len, &sc, &label);
			if (rc != CLI_OK)
				goto out;
		}
		print_scores(stdout, lang, &sc, label);
	}
	if (ferror(stdin)) {
		rc = cli_fail(&(struct tp_error){TP_EIO, "cannot read standard input"});
		goto out;
	}
	if (fflush(stdout) != 0)
		rc = cli_fail(&(struct tp_error){TP_EIO, "cannot write standard output"});
out:
	free(line);
	tp_sentiment_free(engines[0]);
	tp_sentiment_free(engines[1]);
	tp_text_model_free(models[0]);
	tp_text_model_free(models[1]);
	tp_store_close(store);
	return rc;
}
