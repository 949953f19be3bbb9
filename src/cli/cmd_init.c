/* cli/cmd_init.c - `touchpoint init`: create or upgrade the database. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"

static const char help[] =
	"Usage: touchpoint [--db PATH] init\n"
	"\n"
	"Creates the database, or brings an older one up to this version's\n"
	"schema. Running it again is harmless. A database written by a newer\n"
	"touchpoint is refused and left untouched.\n"
	"\n"
	"  --db PATH   the database (default: $TOUCHPOINT_DB, else ./touchpoint.db)\n";

int cmd_init(struct cli *cli, int argc, char **argv)
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
		return cli_bad_option("init", argc, argv);
	}
	if (optind < argc)
		return cli_usage("init", "unexpected argument \"%s\"", argv[optind]);
	struct tp_store *store;
	int rc = cli_open_store(cli, TP_STORE_CREATE, &store);
	if (rc != CLI_OK)
		return rc;
	int found = tp_store_found_version(store);
	int now = tp_store_schema_version();
	const char *path = tp_store_default_path(cli->db_path);
	if (found == 0)
		printf("Created %s (schema version %d).\n", path, now);
	else if (found < now)
		printf("Upgraded %s from schema version %d to %d.\n", path, found, now);
	else
		printf("%s is up to date (schema version %d).\n", path, now);
	tp_store_close(store);
	return CLI_OK;
}
