/* cli/cmd_journey.c - `touchpoint journey import|show`. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char help[] =
	"Usage: touchpoint [--db PATH] journey import [--force] FILE.json\n"
	"       touchpoint [--db PATH] journey show [--json]\n"
	"\n"
	"import  replaces the stored journey with FILE.json in one transaction:\n"
	"        {\"name\": ..., \"phases\": [{\"id\", \"name\"}...] (in order),\n"
	"         \"channels\": [{\"id\", \"name\"}...],\n"
	"         \"touchpoints\": [{\"id\", \"phase\", \"channel\", \"name\", \"owner\"?,\n"
	"           \"customer_problem\"?, \"customer_goal\"?, \"customer_mood\"?}...]}\n"
	"        Touchpoints kept (same id) keep their responses. Removing one that\n"
	"        has responses is refused unless --force, which unassigns them.\n"
	"show    prints the journey: phases in order, their touchpoints by channel.\n"
	"\n"
	"  --force     allow removing touchpoints that have responses\n"
	"  --json      print the journey as JSON (the import format)\n"
	"  --db PATH   the database (default: $TOUCHPOINT_DB, else ./touchpoint.db)\n";

#define JOURNEY_FILE_MAX (16 << 20)

/* Reads a whole file of at most max bytes; the caller frees *out. */
static enum tp_status read_file(const char *path, size_t max, char **out, size_t *len,
				struct tp_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return tp_error_set(err, TP_EIO, "%s: %s", path, strerror(errno));
	char *buf = malloc(max + 1);
	size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
	bool failed = ferror(f);
	fclose(f);
	if (!buf)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	if (failed || n > max) {
		free(buf);
		if (failed)
			return tp_error_set(err, TP_EIO, "%s: read error", path);
		return tp_error_set(err, TP_ELIMIT, "%s: larger than %d MiB", path,
				    (int)(max >> 20));
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return TP_OK;
}

static int journey_import(struct cli *cli, const char *file, bool force)
{
	struct tp_error err;
	char *text = NULL;
	size_t len = 0;
	struct tp_journey *j = NULL;
	struct tp_store *store = NULL;
	if (read_file(file, JOURNEY_FILE_MAX, &text, &len, &err) != TP_OK)
		return cli_fail(&err);
	enum tp_status st = tp_journey_from_json(text, len, &j, &err);
	free(text);
	if (st != TP_OK) {
		tp_error_prefix(&err, "%s", file);
		return cli_fail(&err);
	}
	int rc = cli_open_store(cli, TP_STORE_CREATE, &store);
	if (rc != CLI_OK) {
		tp_journey_free(j);
		return rc;
	}
	int64_t unassigned = 0;
	st = tp_store_journey_replace(store, j, force, &unassigned, &err);
	if (st == TP_OK) {
		printf("Imported journey \"%s\": %zu phases, %zu channels, %zu touchpoints.\n",
		       j->name, j->n_phases, j->n_channels, j->n_touchpoints);
		if (unassigned > 0)
			printf("%lld response%s became unassigned (their touchpoints were "
			       "removed).\n",
			       (long long)unassigned, unassigned == 1 ? "" : "s");
		rc = CLI_OK;
	} else {
		rc = cli_fail(&err);
	}
	tp_journey_free(j);
	tp_store_close(store);
	return rc;
}

static void print_text(const struct tp_journey *j)
{
	printf("Journey: %s\n", j->name ? j->name : "(unnamed)");
	printf("%zu phases, %zu channels, %zu touchpoints\n", j->n_phases, j->n_channels,
	       j->n_touchpoints);
	printf("Channels:");
	for (size_t c = 0; c < j->n_channels; c++)
		printf("%s %s (%s)", c ? "," : "", j->channels[c].name, j->channels[c].id);
	printf("\n");
	for (size_t p = 0; p < j->n_phases; p++) {
		printf("\n%zu. %s (%s)\n", p + 1, j->phases[p].name, j->phases[p].id);
		bool any = false;
		for (size_t c = 0; c < j->n_channels; c++) {
			for (size_t t = 0; t < j->n_touchpoints; t++) {
				const struct tp_touchpoint *tp = &j->touchpoints[t];
				if (strcmp(tp->phase, j->phases[p].id) ||
				    strcmp(tp->channel, j->channels[c].id))
					continue;
				printf("   ");
				cli_print_cell(stdout, j->channels[c].name, 14);
				printf(" ");
				cli_print_cell(stdout, tp->id, 22);
				printf(" ");
				cli_print_cell(stdout, tp->name, 36);
				printf(" %s\n", tp->owner ? tp->owner : "-");
				any = true;
			}
		}
		if (!any)
			printf("   (no touchpoints)\n");
	}
}

static int journey_show(struct cli *cli, bool json)
{
	struct tp_store *store;
	int rc = cli_open_store(cli, TP_STORE_READ, &store);
	if (rc != CLI_OK)
		return rc;
	struct tp_error err;
	struct tp_journey *j = NULL;
	if (tp_store_journey_load(store, &j, &err) != TP_OK) {
		tp_store_close(store);
		return cli_fail(&err);
	}
	if (j->n_phases == 0 && !json) {
		printf("No journey yet: load one with `touchpoint journey import FILE.json`.\n");
	} else if (json) {
		char *text = tp_journey_to_json(j);
		if (text)
			printf("%s\n", text);
		else
			rc = cli_fail(&(struct tp_error){TP_ENOMEM, "out of memory"});
		free(text);
	} else {
		print_text(j);
	}
	tp_journey_free(j);
	tp_store_close(store);
	return rc;
}

int cmd_journey(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'}, {"force", no_argument, NULL, 'f'},
		{"json", no_argument, NULL, 'j'},     {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool force = false, json = false;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(help, stdout); return CLI_OK;
		case 'd': cli->db_path = optarg; break;
		case 'f': force = true; break;
		case 'j': json = true; break;
		default: return cli_bad_option("journey", argc, argv);
		}
	}
	if (optind >= argc)
		return cli_usage("journey", "missing subcommand (import or show)");
	const char *sub = argv[optind++];
	if (strcmp(sub, "import") == 0) {
		if (optind >= argc)
			return cli_usage("journey", "import needs a FILE.json");
		if (optind + 1 < argc)
			return cli_usage("journey", "unexpected argument \"%s\"", argv[optind + 1]);
		if (json)
			return cli_usage("journey", "--json goes with show");
		return journey_import(cli, argv[optind], force);
	}
	if (strcmp(sub, "show") == 0) {
		if (optind < argc)
			return cli_usage("journey", "unexpected argument \"%s\"", argv[optind]);
		if (force)
			return cli_usage("journey", "--force goes with import");
		return journey_show(cli, json);
	}
	return cli_usage("journey", "unknown subcommand \"%s\" (import or show)", sub);
}
