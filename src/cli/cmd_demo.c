/* cli/cmd_demo.c - `touchpoint demo`: build a demo database and show it. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "touchpoint/demo.h"

static const char help[] =
	"Usage: touchpoint [--db PATH] demo [--responses N] [--seed S] [--force]\n"
	"\n"
	"Creates a demo database: a mobile operator's journey (6 phases from need\n"
	"to loyalty, 6 channels, 16 touchpoints) and N responses from customers,\n"
	"employees and leaders over 18 months, with Spanish and English comments.\n"
	"It holds patterns worth finding: a weak touchpoint, a touchpoint that\n"
	"improves in October 2025 and a segment that scores lower. The same seed\n"
	"gives the same data. Then shows what the database holds.\n"
	"\n"
	"  --responses N   how many responses (default 200000)\n"
	"  --seed S        random seed (default 1)\n"
	"  --force         replace the database file if it exists\n"
	"  --db PATH       the database (default: $TOUCHPOINT_DB, else ./touchpoint.db)\n";

static bool parse_count(const char *s, long long max, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > max)
		return false;
	*out = v;
	return true;
}

/* Removes the database file and its WAL companions. */
static int remove_db(const char *path)
{
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < 3; i++) {
		char p[4096];
		snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
		if (unlink(p) != 0 && errno != ENOENT) {
			fprintf(stderr, "touchpoint: cannot remove %s: %s\n", p, strerror(errno));
			return CLI_USER_ERROR;
		}
	}
	return CLI_OK;
}

int cmd_demo(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},      {"responses", required_argument, NULL, 'n'},
		{"seed", required_argument, NULL, 's'},    {"force", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
	};
	struct tp_demo_options o = {.responses = 200000, .seed = 1};
	bool force = false;
	long long v;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(help, stdout); return CLI_OK;
		case 'd': cli->db_path = optarg; break;
		case 'f': force = true; break;
		case 'n':
			if (!parse_count(optarg, 100000000LL, &v))
				return cli_usage("demo", "--responses needs a whole number from 0 to "
							 "100000000, not \"%s\"", optarg);
			o.responses = v;
			break;
		case 's':
			if (!parse_count(optarg, 0x7fffffffffffffffLL, &v))
				return cli_usage("demo", "--seed needs a whole number, not \"%s\"", optarg);
			o.seed = (uint64_t)v;
			break;
		default:
			return cli_bad_option("demo", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage("demo", "unexpected argument \"%s\"", argv[optind]);
	const char *path = tp_store_default_path(cli->db_path);
	struct stat sb;
	if (stat(path, &sb) == 0) {
		if (!force) {
			fprintf(stderr, "touchpoint: %s already exists; pass --force to replace it "
					"with a demo database\n", path);
			return CLI_USER_ERROR;
		}
		if (remove_db(path) != CLI_OK)
			return CLI_USER_ERROR;
	}
	struct tp_store *store;
	int rc = cli_open_store(cli, TP_STORE_CREATE, &store);
	if (rc != CLI_OK)
		return rc;
	double started = progress_now();
	struct tp_error err;
	if (tp_demo_build(store, &o, &err) != TP_OK) {
		tp_store_close(store);
		return cli_fail(&err);
	}
	printf("Demo database built: %lld responses in %.2f s (seed %llu).\n\n",
	       (long long)o.responses, progress_now() - started, (unsigned long long)o.seed);
	rc = cli_show_status(store, path);
	tp_store_close(store);
	return rc;
}
