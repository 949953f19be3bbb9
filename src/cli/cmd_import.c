/* cli/cmd_import.c - `touchpoint import FILE`: load responses. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "touchpoint/import.h"

static const char help[] =
	"Usage: touchpoint [--db PATH] import [OPTIONS] FILE\n"
	"\n"
	"Loads responses from CSV (comma or semicolon, UTF-8 with or without BOM,\n"
	"quoted fields may hold commas, quotes and newlines) or JSON Lines\n"
	"(.jsonl: one object a line). Columns: response_id, submitted_at (ISO\n"
	"8601; UTC unless an offset is given), respondent_id, respondent_type\n"
	"(customer|employee|leader), touchpoint, nps (0-10), csat (1-5), ces (1-7),\n"
	"emotion (-3..3), comment, lang; any other column is a segment attribute.\n"
	"Scores may be written 8, 8.0 or 8,0. A row needs response_id,\n"
	"submitted_at and at least one score or a comment.\n"
	"\n"
	"By default the import is all-or-nothing: one invalid row and nothing is\n"
	"stored; every problem is counted and the first 20 are shown with line,\n"
	"column and reason. Responses whose response_id is already stored are\n"
	"left as they are.\n"
	"\n"
	"  --map MAP.json   rename columns and values of other tools' exports:\n"
	"                   {\"columns\": {\"Their column\": \"nps\" | \"attr:NAME\" | null},\n"
	"                    \"values\": {\"csat\": {\"Muy satisfecho\": 5}},\n"
	"                    \"defaults\": {\"touchpoint\": \"ID\", \"respondent_type\": \"customer\"},\n"
	"                    \"date_format\": \"%d/%m/%Y %H:%M\",\n"
	"                    \"unmapped\": \"attribute\" | \"ignore\"}\n"
	"  --from SOURCE    the file's shape: csv, jsonl, qualtrics (three header\n"
	"                   rows), surveymonkey (two header rows), googleforms.\n"
	"                   Tool exports ignore columns the map does not name.\n"
	"  --skip-invalid   store the valid rows; write the invalid ones, with\n"
	"                   their reasons, to FILE.rejected.csv (or --rejects PATH)\n"
	"  --rejects PATH   where --skip-invalid writes rejected rows\n"
	"  --dry-run        check and count everything, store nothing\n"
	"  --db PATH        the database (default: $TOUCHPOINT_DB, else ./touchpoint.db)\n"
	"\n"
	"Exit status: 0 imported, 1 invalid rows (nothing stored) or unreadable\n"
	"input, 2 usage error.\n";

static void print_summary(const char *file, const struct tp_import_summary *s, bool dry_run,
			  double seconds)
{
	char a[32], b[32], c[32], d[32];
	double rate = seconds > 0 ? (double)s->rows / seconds : 0;
	printf("%s%s: %s rows: %s new, %s already present, %s rejected (%.2f s, %.0f rows/s)\n",
	       dry_run ? "dry run: " : "", file, cli_thousands(s->rows, a, sizeof a),
	       cli_thousands(s->inserted, b, sizeof b), cli_thousands(s->present, c, sizeof c),
	       cli_thousands(s->rejected, d, sizeof d), seconds, rate);
	if (dry_run)
		printf("Nothing was stored (--dry-run).\n");
	if (s->rejects_path[0])
		printf("Rejected rows and their reasons: %s\n", s->rejects_path);
}

static void print_errors(const struct tp_import_summary *s)
{
	for (int i = 0; i < s->n_kept; i++)
		fprintf(stderr, "%s\n", s->errors_kept[i]);
	if (s->errors > s->n_kept)
		fprintf(stderr, "... and %lld more problem%s (%lld in all)\n",
			(long long)(s->errors - s->n_kept), s->errors - s->n_kept == 1 ? "" : "s",
			(long long)s->errors);
}

int cmd_import(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},     {"map", required_argument, NULL, 'm'},
		{"from", required_argument, NULL, 'f'},   {"skip-invalid", no_argument, NULL, 's'},
		{"rejects", required_argument, NULL, 'r'}, {"dry-run", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	struct tp_import_options io = {0};
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(help, stdout); return CLI_OK;
		case 'd': cli->db_path = optarg; break;
		case 'm': io.map_path = optarg; break;
		case 's': io.skip_invalid = true; break;
		case 'r': io.rejects_path = optarg; break;
		case 'n': io.dry_run = true; break;
		case 'f':
			if (!tp_import_source_parse(optarg, &io.source))
				return cli_usage("import", "unknown --from \"%s\" (csv, jsonl, "
							   "qualtrics, surveymonkey, googleforms)", optarg);
			break;
		default:
			return cli_bad_option("import", argc, argv);
		}
	}
	if (optind >= argc)
		return cli_usage("import", "missing FILE");
	if (optind + 1 < argc)
		return cli_usage("import", "unexpected argument \"%s\"", argv[optind + 1]);
	if (io.rejects_path && !io.skip_invalid)
		return cli_usage("import", "--rejects goes with --skip-invalid");
	const char *file = argv[optind];

	struct tp_store *store;
	int rc = cli_open_store(cli, TP_STORE_CREATE, &store);
	if (rc != CLI_OK)
		return rc;
	struct progress prog;
	progress_start(&prog);
	io.progress = progress_update;
	io.progress_ctx = &prog;
	static struct tp_import_summary sum;
	struct tp_error err;
	enum tp_status st = tp_import_file(store, file, &io, &sum, &err);
	progress_finish(&prog);
	double seconds = progress_now() - prog.started;
	tp_store_close(store);
	print_errors(&sum);
	if (st != TP_OK)
		return cli_fail(&err);
	print_summary(file, &sum, io.dry_run, seconds);
	return CLI_OK;
}
