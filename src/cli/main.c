/* cli/main.c - the `touchpoint` command: global options and dispatch. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char usage_text[] =
	"Usage: touchpoint [--db PATH] COMMAND [ARGS]\n"
	"\n"
	"touchpoint maps the customer journey, measures every touchpoint and\n"
	"shows what to fix first.\n"
	"\n"
	"Commands:\n"
	"  init                 create or upgrade the database\n"
	"  journey import FILE  load a journey (phases, channels, touchpoints)\n"
	"  journey show         print the journey\n"
	"  import FILE          load responses from CSV or JSON Lines\n"
	"  status               what the database holds\n"
	"  report --metric M    an indicator (NPS, CSAT, CES, eNPS...) by any slice\n"
	"  drivers              what drives an outcome: key drivers, quadrants\n"
	"  gap                  perception gap: customers' vs staff's importance\n"
	"  linkage              teams' eNPS and engagement vs their customers\n"
	"  flags                satisfied without emotion (and the reverse)\n"
	"  map                  the journey map with an indicator per cell\n"
	"  outcomes             business outcomes (revenue, churn) by NPS group\n"
	"  benchmark            our indicator ranked among other companies\n"
	"  sentiment            score texts on stdin (one per line) as JSON Lines\n"
	"  text analyze|train   stored comments' sentiment; the learned model\n"
	"  topics               keywords per touchpoint; detractors vs promoters\n"
	"  demo                 build a demo database and show it\n"
	"  serve                the HTTP server and JSON API (no authentication yet)\n"
	"  survey create        a survey link (/s/TOKEN) for a touchpoint\n"
	"  survey list|qr       the links; a link's QR code (SVG or PNG)\n"
	"\n"
	"Options:\n"
	"  --db PATH   the database (default: $TOUCHPOINT_DB, else ./touchpoint.db)\n"
	"  --version   print the version\n"
	"  --help      this text; `touchpoint COMMAND --help` for a command\n"
	"\n"
	"Exit status: 0 success, 1 invalid input or data, 2 invalid usage.\n";

struct command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
};

static const struct command commands[] = {
	{"init", cmd_init},     {"journey", cmd_journey}, {"import", cmd_import},
	{"status", cmd_status}, {"demo", cmd_demo},       {"report", cmd_report},
	{"map", cmd_map},       {"serve", cmd_serve},
	{"sentiment", cmd_sentiment},
	{"drivers", cmd_drivers},
	{"gap", cmd_gap}, {"linkage", cmd_linkage}, {"flags", cmd_flags}, /* gap */
	{"survey", cmd_survey},
	{"outcomes", cmd_outcomes}, {"benchmark", cmd_benchmark}, /* outcomes */
	{"text", cmd_text}, {"topics", cmd_topics}, /* textlearn */
};

int main(int argc, char **argv)
{
	struct cli cli = {0};
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage_text, stdout);
			return CLI_OK;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("touchpoint %s\n", TP_VERSION);
			return CLI_OK;
		}
		if (strcmp(argv[i], "--db") == 0) {
			if (i + 1 >= argc || !argv[i + 1][0]) {
				fputs("touchpoint: --db needs a path\n", stderr);
				return CLI_USAGE_ERROR;
			}
			cli.db_path = argv[++i];
			continue;
		}
		if (strncmp(argv[i], "--db=", 5) == 0 && argv[i][5]) {
			cli.db_path = argv[i] + 5;
			continue;
		}
		fprintf(stderr, "touchpoint: unknown option %s\nTry `touchpoint --help`.\n", argv[i]);
		return CLI_USAGE_ERROR;
	}
	if (i >= argc) {
		fputs(usage_text, stderr);
		return CLI_USAGE_ERROR;
	}
	for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
		if (strcmp(argv[i], commands[k].name) == 0)
			return commands[k].run(&cli, argc - i, argv + i);
	fprintf(stderr, "touchpoint: unknown command \"%s\"\nTry `touchpoint --help`.\n", argv[i]);
	return CLI_USAGE_ERROR;
}
