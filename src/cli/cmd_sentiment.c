/* cli/cmd_sentiment.c - `touchpoint sentiment`: scores one text per line. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "touchpoint/text.h"

static const char help[] =
    "Usage: touchpoint sentiment [--lang es|en|auto]\n"
    "\n"
    "Reads one text per line on standard input and writes one JSON object per\n"
    "line on standard output:\n"
    "  "
    "{\"lang\":\"es\",\"compound\":-0.6249,\"label\":\"negative\",\"pos\":0,\"neu\":0.5,\"neg\":0."
    "5}\n"
    "compound runs from -1 to 1 (label positive at >= 0.05, negative at <= -0.05);\n"
    "pos, neu and neg are the shares of the text. The engine is VADER's method\n"
    "with an English and a Spanish lexicon (docs/text.md).\n"
    "\n"
    "  --lang L   es (default), en, or auto: a per-line guess from Spanish and\n"
    "             English function words and Spanish accents (a heuristic, not\n"
    "             a trained detector)\n";

/* Writes x with `digits` decimals, never as "-0.000". */
static void print_num(FILE *out, double x, int digits)
{
	double unit = digits == 4 ? 5e-5 : 5e-4;
	fprintf(out, "%.*f", digits, fabs(x) < unit ? 0.0 : x);
}

static void print_scores(FILE *out, enum tp_text_lang lang, const struct tp_sentiment_scores *sc)
{
	fprintf(out, "{\"lang\":\"%s\",\"compound\":", tp_text_lang_name(lang));
	print_num(out, sc->compound, 4);
	fprintf(out, ",\"label\":\"%s\",\"pos\":", tp_sentiment_label(sc->compound));
	print_num(out, sc->pos, 3);
	fputs(",\"neu\":", out);
	print_num(out, sc->neu, 3);
	fputs(",\"neg\":", out);
	print_num(out, sc->neg, 3);
	fputs("}\n", out);
}

static int parse_args(int argc, char **argv, const char **lang)
{
	static const struct option opts[] = {
	    {"lang", required_argument, NULL, 'l'},
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
		if (c != 'l')
			return cli_usage("sentiment",
					 "unknown option, or option without its value: %s",
					 argv[optind - 1]);
		*lang = optarg;
	}
	if (optind < argc)
		return cli_usage("sentiment", "unexpected argument \"%s\"", argv[optind]);
	if (strcmp(*lang, "es") && strcmp(*lang, "en") && strcmp(*lang, "auto"))
		return cli_usage("sentiment", "unknown --lang \"%s\" (es, en, auto)", *lang);
	return CLI_OK;
}

int cmd_sentiment(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	const char *lang_arg = "es";
	int rc = parse_args(argc, argv, &lang_arg);
	if (rc != CLI_OK)
		return rc < 0 ? CLI_OK : rc;
	bool autodetect = strcmp(lang_arg, "auto") == 0;
	enum tp_text_lang fixed = strcmp(lang_arg, "en") == 0 ? TP_TEXT_EN : TP_TEXT_ES;
	struct tp_sentiment *engines[2] = {NULL, NULL};
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
		print_scores(stdout, lang, &sc);
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
	return rc;
}
