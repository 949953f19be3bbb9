/* cli/cmd_status.c - `touchpoint status`: what the database holds. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "touchpoint/time.h"

static const char help[] =
	"Usage: touchpoint [--db PATH] status\n"
	"\n"
	"Shows the database's schema version, its journey, how many responses it\n"
	"holds by respondent type and period, and the responses per touchpoint.\n"
	"\n"
	"  --db PATH   the database (default: $TOUCHPOINT_DB, else ./touchpoint.db)\n";

static void print_touchpoints(const struct tp_journey *j, const int64_t *counts)
{
	char n[32];
	printf("\n");
	cli_print_cell(stdout, "PHASE", 24);
	printf(" ");
	cli_print_cell(stdout, "CHANNEL", 14);
	printf(" ");
	cli_print_cell(stdout, "TOUCHPOINT", 40);
	printf(" %10s\n", "RESPONSES");
	for (size_t p = 0; p < j->n_phases; p++) {
		for (size_t t = 0; t < j->n_touchpoints; t++) {
			const struct tp_touchpoint *tp = &j->touchpoints[t];
			if (strcmp(tp->phase, j->phases[p].id))
				continue;
			cli_print_cell(stdout, j->phases[p].name, 24);
			printf(" ");
			cli_print_cell(stdout, tp_journey_channel(j, tp->channel)->name, 14);
			printf(" ");
			cli_print_cell(stdout, tp->name, 40);
			printf(" %10s\n", counts[t] ? cli_thousands(counts[t], n, sizeof n)
						    : "not measured");
		}
	}
}

int cli_show_status(struct tp_store *store, const char *path)
{
	struct tp_error err;
	struct tp_store_counts c;
	struct tp_journey *j = NULL;
	if (tp_store_counts(store, &c, &err) != TP_OK ||
	    tp_store_journey_load(store, &j, &err) != TP_OK)
		return cli_fail(&err);
	int64_t *counts = calloc(j->n_touchpoints + 1, sizeof *counts);
	if (!counts || tp_store_touchpoint_counts(store, j, counts, &err) != TP_OK) {
		free(counts);
		tp_journey_free(j);
		return cli_fail(counts ? &err : &(struct tp_error){TP_ENOMEM, "out of memory"});
	}
	char a[32], b[32], d[32], e[32], first[32], last[32];
	printf("Database: %s (schema version %d)\n", path, tp_store_schema_version());
	if (j->n_phases)
		printf("Journey:  %s — %zu phases, %zu channels, %zu touchpoints\n", j->name,
		       j->n_phases, j->n_channels, j->n_touchpoints);
	else
		printf("Journey:  none yet (touchpoint journey import FILE.json)\n");
	printf("Responses: %s (customers %s, employees %s, leaders %s)\n",
	       cli_thousands(c.responses, a, sizeof a), cli_thousands(c.by_type[0], b, sizeof b),
	       cli_thousands(c.by_type[1], d, sizeof d), cli_thousands(c.by_type[2], e, sizeof e));
	if (c.responses) {
		tp_time_format_utc(c.first_at, first, sizeof first);
		tp_time_format_utc(c.last_at, last, sizeof last);
		printf("Period:   %.10s to %.10s\n", first, last);
		printf("With a comment: %s; without a touchpoint: %s; segment attributes: %lld\n",
		       cli_thousands(c.with_comment, a, sizeof a),
		       cli_thousands(c.unassigned, b, sizeof b), (long long)c.attributes);
	}
	struct tp_outcome_counts oc; /* outcomes */
	if (tp_store_outcome_counts(store, &oc, &err) == TP_OK && oc.values)
		printf("Outcomes: %lld names for %s respondents (%s without a response)\n",
		       (long long)oc.names, cli_thousands(oc.respondents, a, sizeof a),
		       cli_thousands(oc.without_response, b, sizeof b));
	if (j->n_touchpoints)
		print_touchpoints(j, counts);
	free(counts);
	tp_journey_free(j);
	return CLI_OK;
}

int cmd_status(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(help, stdout);
			return CLI_OK;
		}
		if (c == 'd') {
			cli->db_path = optarg;
			continue;
		}
		return cli_bad_option("status", argc, argv);
	}
	if (optind < argc)
		return cli_usage("status", "unexpected argument \"%s\"", argv[optind]);
	struct tp_store *store;
	int rc = cli_open_store(cli, TP_STORE_READ, &store);
	if (rc != CLI_OK)
		return rc;
	rc = cli_show_status(store, tp_store_default_path(cli->db_path));
	tp_store_close(store);
	return rc;
}
