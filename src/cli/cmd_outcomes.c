/* cli/cmd_outcomes.c - `touchpoint outcomes` and `touchpoint benchmark`:
 * import business outcomes and benchmark tables, and show an outcome by
 * NPS group or our indicator ranked among other companies.
 *
 * A thin view over touchpoint/outcomes.h: the options become queries, the
 * library computes, this file formats (a table or the library's JSON). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "touchpoint/outcomes.h"

static const char outcomes_help[] =
	"Usage: touchpoint [--db PATH] outcomes import FILE\n"
	"       touchpoint [--db PATH] outcomes [--outcome NAME] [OPTIONS]\n"
	"\n"
	"Experience into results: business outcomes per customer (revenue,\n"
	"churned 0/1, repurchased 0/1, tenure...) by NPS group.\n"
	"\n"
	"import FILE  CSV or JSON Lines (.jsonl), one row per respondent:\n"
	"             respondent_id and numeric outcome columns (any name); an\n"
	"             empty cell is no value. All rows or none are stored; a\n"
	"             respondent's value of a name already stored is replaced.\n"
	"\n"
	"  --outcome NAME     the outcome (needed when several are stored)\n"
	"  --by nps_group     the grouping (the only one, and the default)\n"
	"  --move SHARE       share of detractors moved to passives for the value\n"
	"                     estimate, 0..1 (default 0.1)\n"
	"  --from DATE, --to DATE, --where NAME=VALUE  as in `touchpoint report`;\n"
	"                     they select the NPS answers\n"
	"  --json             print JSON\n"
	"\n"
	"Each identified customer (respondent_id) counts once, in the group of\n"
	"their latest NPS answer in the selection. Means carry a t interval; a\n"
	"0/1 outcome is shown as a rate (%) with a Wilson interval. Promoters vs\n"
	"detractors: Welch's t test. See docs/outcomes.md.\n"
	"\n"
	"Exit status: 0 success, 1 invalid file or data, 2 usage error.\n";

static const char benchmark_help[] =
	"Usage: touchpoint [--db PATH] benchmark import FILE\n"
	"       touchpoint [--db PATH] benchmark company NAME [--sector S]\n"
	"       touchpoint [--db PATH] benchmark [--metric M] [OPTIONS]\n"
	"\n"
	"Compared to what: our indicator ranked among other companies.\n"
	"\n"
	"import FILE   CSV or JSON Lines: sector, company, metric (nps, csat,\n"
	"              ces), period (2026, 2026-Q1 or 2026-01), value, n and,\n"
	"              for CES, an optional sd. All rows or none are stored.\n"
	"company NAME  stores our company's name (and --sector) in the database.\n"
	"\n"
	"  --metric M     nps (default), csat or ces\n"
	"  --period P     the period (default: the latest stored for the metric);\n"
	"                 our value is computed from our responses in it\n"
	"  --sector S     our sector (default: the stored one) for the in-sector rank\n"
	"  --company C    our name (default: the stored one, else \"us\"); a\n"
	"                 benchmark row with our name gives way to our value\n"
	"  --json         print JSON\n"
	"\n"
	"Rank 1 is the best: the highest value (CES: 7 = very easy). Percentile:\n"
	"the share of the other companies strictly worse than us plus half of\n"
	"those tied.\n"
	"Each difference is tested: NPS z test (adjusted-Wald variances), CSAT\n"
	"two-proportion z test, CES Welch t test (needs the sd). docs/outcomes.md.\n"
	"\n"
	"Exit status: 0 success, 1 invalid file or data, 2 usage error.\n";

/* --- import --- */

static int import_outcomes(struct cli *cli, const char *path)
{
	struct tp_store *store = NULL;
	struct tp_error err;
	struct tp_outcome_import_summary sum;
	int rc = cli_open_store(cli, TP_STORE_WRITE, &store);
	if (rc != CLI_OK)
		return rc;
	if (tp_outcomes_import(store, path, &sum, &err) != TP_OK) {
		rc = cli_fail(&err);
	} else {
		printf("Imported %lld respondents, %lld outcome values (%zu outcomes).\n",
		       (long long)sum.respondents, (long long)sum.values, sum.n_names);
		printf("%lld of these respondents have no response stored.\n",
		       (long long)sum.without_response);
	}
	tp_store_close(store);
	return rc;
}

static int import_benchmark(struct cli *cli, const char *path)
{
	struct tp_store *store = NULL;
	struct tp_error err;
	int64_t rows = 0;
	int rc = cli_open_store(cli, TP_STORE_WRITE, &store);
	if (rc != CLI_OK)
		return rc;
	if (tp_benchmark_import(store, path, &rows, &err) != TP_OK)
		rc = cli_fail(&err);
	else
		printf("Imported %lld benchmark rows.\n", (long long)rows);
	tp_store_close(store);
	return rc;
}

/* `outcomes import FILE` / `benchmark import FILE`: returns -1 when argv is
 * not an import. */
static int maybe_import(struct cli *cli, const char *cmd, int argc, char **argv,
			int (*run)(struct cli *cli, const char *path))
{
	if (argc < 2 || strcmp(argv[1], "import") != 0)
		return -1;
	if (argc == 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0))
		return -2;
	if (argc != 3 || argv[2][0] == '\0')
		return cli_usage(cmd, "import takes one FILE");
	return run(cli, argv[2]);
}

/* --- outcomes --- */

struct outcomes_args {
	struct cli_query cq;
	const char *outcome;
	double move;
	bool json;
};

static int parse_share(const char *text, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (errno || end == text || *end || !(v >= 0.0 && v <= 1.0))
		return cli_usage("outcomes", "--move needs a share from 0 to 1, not \"%s\"", text);
	*out = v;
	return CLI_OK;
}

static int outcomes_parse(struct cli *cli, struct outcomes_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"outcome", required_argument, NULL, 'o'},
		{"by", required_argument, NULL, 'b'},
		{"move", required_argument, NULL, 'm'},
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{"where", required_argument, NULL, 'w'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c, rc = CLI_OK;
	optind = 1;
	opterr = 0;
	while (rc == CLI_OK && (c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(outcomes_help, stdout); return -1;
		case 'd': cli->db_path = optarg; break;
		case 'o': a->outcome = optarg; break;
		case 'b':
			if (strcmp(optarg, "nps_group") != 0)
				rc = cli_usage("outcomes", "--by takes nps_group, not \"%s\"", optarg);
			break;
		case 'm': rc = parse_share(optarg, &a->move); break;
		case 'f': rc = cli_query_filter(&a->cq, "outcomes", "from", optarg); break;
		case 't': rc = cli_query_filter(&a->cq, "outcomes", "to", optarg); break;
		case 'w': rc = cli_query_filter(&a->cq, "outcomes", "where", optarg); break;
		case 'j': a->json = true; break;
		default:
			rc = cli_bad_option("outcomes", argc, argv);
		}
	}
	if (rc == CLI_OK && optind < argc)
		rc = cli_usage("outcomes", "unexpected argument \"%s\"", argv[optind]);
	return rc;
}

struct names_ctx {
	char first[TP_OUTCOME_NAME_MAX + 1];
	char list[512];
	int count;
};

static int collect_name(const char *name, int64_t n, void *ctx)
{
	(void)n;
	struct names_ctx *c = ctx;
	if (c->count++ == 0)
		snprintf(c->first, sizeof c->first, "%s", name);
	size_t len = strlen(c->list);
	snprintf(c->list + len, sizeof c->list - len, "%s%s", len ? ", " : "", name);
	return 0;
}

/* The outcome to show: the one asked for, else the only one stored. */
static int pick_outcome(struct tp_store *store, const struct outcomes_args *a, char *out,
			size_t size)
{
	struct tp_error err;
	struct names_ctx c;
	memset(&c, 0, sizeof c);
	if (a->outcome) {
		snprintf(out, size, "%s", a->outcome);
		return CLI_OK;
	}
	if (tp_store_outcome_names(store, collect_name, &c, &err) != TP_OK)
		return cli_fail(&err);
	if (c.count == 0) {
		tp_error_set(&err, TP_ENOTFOUND, "no outcome is stored (import one with "
						 "`touchpoint outcomes import FILE`)");
		return cli_fail(&err);
	}
	if (c.count > 1)
		return cli_usage("outcomes", "several outcomes are stored (%s): choose one with "
					     "--outcome", c.list);
	snprintf(out, size, "%s", c.first);
	return CLI_OK;
}

/* A p-value as text: "< 0.0001" below that, else 4 significant digits. */
static const char *fmt_p(double p, char *buf, size_t size)
{
	if (p < 0.0001)
		snprintf(buf, size, "< 0.0001");
	else
		snprintf(buf, size, "%.4g", p);
	return buf;
}

static void print_estimate(const struct tp_estimate *e, bool binary)
{
	char v[32], lo[32], hi[32];
	if (!e->has_value) {
		printf("  %10s  %s\n", "-", "-");
		return;
	}
	int dec = binary ? 1 : 2;
	snprintf(v, sizeof v, "%.*f", dec, e->value);
	if (e->has_ci) {
		snprintf(lo, sizeof lo, "%.*f", dec, e->lo);
		snprintf(hi, sizeof hi, "%.*f", dec, e->hi);
		printf("  %10s  [%s, %s]\n", v, lo, hi);
	} else {
		printf("  %10s  -\n", v);
	}
}

static void print_outcomes(const struct tp_outcome_report *r, const char *scope)
{
	printf("Outcome %s by NPS group (%s), %s\n", r->name,
	       r->binary ? "0/1: rate in %" : "mean", scope);
	printf("%lld identified customers with an NPS answer, %lld of them with the outcome "
	       "(each in the group of their latest answer).\n\n",
	       (long long)r->respondents, (long long)r->linked);
	printf("%-12s %8s  %10s  %s\n", "NPS group", "n", r->binary ? "rate %" : "mean", "95% CI");
	for (int g = 0; g < TP_OUTCOME_GROUPS; g++) {
		printf("%-12s %8lld", r->groups[g].name, (long long)r->groups[g].moments.n);
		print_estimate(&r->groups[g].estimate, r->binary);
	}
	putchar('\n');
	const char *unit = r->binary ? " points" : "";
	char p[32];
	if (r->diff.has_value)
		printf("Promoters - detractors: %.2f%s (95%% CI %.2f to %.2f), Welch t test "
		       "p %s%s\n",
		       r->diff.diff, unit, r->diff.lo, r->diff.hi,
		       fmt_p(r->diff.p_value, p, sizeof p), r->diff.p_value < 1.0 - r->level
							       ? " (significant)" : "");
	else
		printf("Promoters - detractors: not computed (each group needs 2 values).\n");
	if (r->has_move) {
		printf("Moving %g%% of the detractors (%.1f customers) to passives: %.2f %s "
		       "(95%% CI %.2f to %.2f)\n",
		       100.0 * r->move_share, r->moved, r->move_value,
		       r->binary ? "customers" : r->name, r->move_lo, r->move_hi);
		printf("  = share x detractors x (mean(passives) - mean(detractors)). Assumes:\n"
		       "  the difference is caused by the experience (moving a customer moves\n"
		       "  their outcome); the group means hold for the moved customers; the\n"
		       "  period and filters above; the population of identified customers\n"
		       "  with an NPS answer and this outcome.\n");
	} else {
		printf("Value of moving detractors: not computed (passives and detractors each "
		       "need 2 values).\n");
	}
}

static int outcomes_run(struct cli *cli, struct outcomes_args *a)
{
	struct tp_store *store = NULL;
	struct tp_dataset *ds = NULL;
	struct tp_outcome_values *values = NULL;
	struct tp_outcome_report *r = NULL;
	struct tp_error err;
	char name[TP_OUTCOME_NAME_MAX * 4 + 1];
	int rc = cli_open_store(cli, TP_STORE_READ, &store);
	if (rc == CLI_OK)
		rc = pick_outcome(store, a, name, sizeof name);
	if (rc != CLI_OK)
		goto out;
	if (tp_outcome_values_load(store, name, &values, &err) != TP_OK ||
	    tp_dataset_open(store, &ds, &err) != TP_OK ||
	    tp_outcome_report_run(ds, values, name, &a->cq.q, a->move, 0.95, &r, &err) != TP_OK) {
		rc = cli_fail(&err);
		goto out;
	}
	char scope[512];
	cli_query_describe(&a->cq, scope, sizeof scope);
	if (a->json) {
		char *text = tp_outcome_report_to_json(r, scope);
		if (!text) {
			fputs("touchpoint: out of memory\n", stderr);
			rc = CLI_USER_ERROR;
			goto out;
		}
		puts(text);
		free(text);
	} else {
		print_outcomes(r, scope);
	}
out:
	tp_outcome_report_free(r);
	tp_outcome_values_free(values);
	tp_dataset_free(ds);
	tp_store_close(store);
	return rc;
}

static int finish(int rc)
{
	if (rc == CLI_OK && (fflush(stdout) != 0 || ferror(stdout))) {
		fprintf(stderr, "touchpoint: cannot write the result: %s\n", strerror(errno));
		rc = CLI_USER_ERROR;
	}
	return rc;
}

int cmd_outcomes(struct cli *cli, int argc, char **argv)
{
	int rc = maybe_import(cli, "outcomes", argc, argv, import_outcomes);
	if (rc == -2) {
		fputs(outcomes_help, stdout);
		return CLI_OK;
	}
	if (rc >= 0)
		return rc;
	struct outcomes_args a;
	memset(&a, 0, sizeof a);
	cli_query_init(&a.cq);
	a.move = 0.1;
	rc = outcomes_parse(cli, &a, argc, argv);
	if (rc < 0)
		rc = CLI_OK;
	else if (rc == CLI_OK)
		rc = outcomes_run(cli, &a);
	cli_query_free(&a.cq);
	return finish(rc);
}

/* --- benchmark --- */

struct benchmark_args {
	struct tp_benchmark_query q;
	bool json;
};

static int benchmark_parse(struct cli *cli, struct benchmark_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"metric", required_argument, NULL, 'm'},
		{"period", required_argument, NULL, 'p'},
		{"sector", required_argument, NULL, 's'},
		{"company", required_argument, NULL, 'c'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	int64_t from, to;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(benchmark_help, stdout); return -1;
		case 'd': cli->db_path = optarg; break;
		case 'm':
			if (strcmp(optarg, "nps") && strcmp(optarg, "csat") && strcmp(optarg, "ces"))
				return cli_usage("benchmark", "--metric takes nps, csat or ces, not "
							      "\"%s\"", optarg);
			tp_metric_parse(optarg, &a->q.metric);
			break;
		case 'p':
			if (!tp_period_parse(optarg, &from, &to))
				return cli_usage("benchmark", "--period takes YYYY, YYYY-Qn or "
							      "YYYY-MM, not \"%s\"", optarg);
			a->q.period = optarg;
			break;
		case 's': a->q.sector = optarg; break;
		case 'c': a->q.company = optarg; break;
		case 'j': a->json = true; break;
		default:
			return cli_bad_option("benchmark", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage("benchmark", "unexpected argument \"%s\"", argv[optind]);
	return CLI_OK;
}

static void print_rank(const char *what, int64_t rank, int64_t count, bool has_pct, double pct)
{
	printf("Rank %s: %lld of %lld", what, (long long)rank, (long long)count);
	if (has_pct)
		printf(", percentile %.1f", pct);
	putchar('\n');
}

static void print_benchmark(const struct tp_benchmark_report *r)
{
	const char *metric = tp_metric_name(r->metric);
	int dec = r->metric == TP_METRIC_CES ? 2 : 1;
	printf("Benchmark %s, %s. Ours: %s", metric, r->period, r->company);
	if (r->sector)
		printf(" (sector %s)", r->sector);
	putchar('\n');
	if (r->has_ours) {
		printf("Our %s: %.*f (n %lld", metric, dec, r->ours.value, (long long)r->ours.n);
		if (r->ours.has_ci)
			printf(", 95%% CI %.*f to %.*f", dec, r->ours.lo, dec, r->ours.hi);
		printf(")\n");
		print_rank("across all sectors", r->rank_all, r->count_all, r->has_pct_all,
			   r->pct_all);
		if (r->has_sector_rank)
			print_rank("in the sector", r->rank_sector, r->count_sector,
				   r->has_pct_sector, r->pct_sector);
		else
			printf("Rank in the sector: no sector known (--sector or `benchmark "
			       "company NAME --sector S`)\n");
	} else {
		printf("We have no %s answers in %s: nothing to rank.\n", metric, r->period);
	}
	if (r->dropped_own)
		printf("%lld benchmark row(s) with our name replaced by our computed value.\n",
		       (long long)r->dropped_own);
	char p[32];
	printf("\n%-4s %-16s %-20s %8s %8s %9s %9s  %s\n", "#", "sector", "company", metric, "n",
	       "ours-them", "p", "");
	for (size_t i = 0; i < r->n_entries; i++) {
		const struct tp_benchmark_entry *e = &r->entries[i];
		printf("%-4zu ", i + 1);
		cli_print_cell(stdout, e->sector, 16);
		putchar(' ');
		cli_print_cell(stdout, e->company, 20);
		printf(" %8.*f %8lld", dec, e->value, (long long)e->n);
		if (e->ours)
			printf(" %9s %9s  (us)\n", "", "");
		else if (e->has_test)
			printf(" %9.*f %9s  %s\n", dec, e->diff, fmt_p(e->p_value, p, sizeof p),
			       e->significant ? "significant" : "");
		else
			printf(" %9s %9s  no test: %s\n", "", "-", e->no_test ? e->no_test : "");
	}
	printf("\nRank 1 is the best (the highest value). Percentile: others strictly worse\n"
	       "plus half the ties.\n");
}

static int benchmark_company(struct cli *cli, int argc, char **argv)
{
	const char *sector = NULL, *name = NULL;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--sector") == 0 && i + 1 < argc)
			sector = argv[++i];
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(benchmark_help, stdout);
			return CLI_OK;
		} else if (!name && argv[i][0] && argv[i][0] != '-')
			name = argv[i];
		else
			return cli_usage("benchmark", "company takes NAME [--sector S]");
	}
	if (!name || strlen(name) > TP_RESPONSE_ID_MAX || (sector && (!*sector ||
	    strlen(sector) > TP_RESPONSE_ID_MAX)))
		return cli_usage("benchmark", "company takes NAME [--sector S] (1 to %d bytes)",
				 TP_RESPONSE_ID_MAX);
	struct tp_store *store = NULL;
	struct tp_error err;
	int rc = cli_open_store(cli, TP_STORE_WRITE, &store);
	if (rc != CLI_OK)
		return rc;
	if (tp_store_meta_set(store, "company.name", name, &err) != TP_OK ||
	    (sector && tp_store_meta_set(store, "company.sector", sector, &err) != TP_OK))
		rc = cli_fail(&err);
	else
		printf("Our company: %s%s%s\n", name, sector ? ", sector " : "",
		       sector ? sector : "");
	tp_store_close(store);
	return rc;
}

static int benchmark_run(struct cli *cli, const struct benchmark_args *a)
{
	struct tp_store *store = NULL;
	struct tp_dataset *ds = NULL;
	struct tp_benchmark_report *r = NULL;
	struct tp_error err;
	int rc = cli_open_store(cli, TP_STORE_READ, &store);
	if (rc != CLI_OK)
		return rc;
	if (tp_dataset_open(store, &ds, &err) != TP_OK ||
	    tp_benchmark_run(store, ds, &a->q, &r, &err) != TP_OK) {
		rc = cli_fail(&err);
	} else if (a->json) {
		char *text = tp_benchmark_report_to_json(r);
		if (text) {
			puts(text);
			free(text);
		} else {
			fputs("touchpoint: out of memory\n", stderr);
			rc = CLI_USER_ERROR;
		}
	} else {
		print_benchmark(r);
	}
	tp_benchmark_report_free(r);
	tp_dataset_free(ds);
	tp_store_close(store);
	return rc;
}

int cmd_benchmark(struct cli *cli, int argc, char **argv)
{
	int rc = maybe_import(cli, "benchmark", argc, argv, import_benchmark);
	if (rc == -2) {
		fputs(benchmark_help, stdout);
		return CLI_OK;
	}
	if (rc >= 0)
		return rc;
	if (argc >= 2 && strcmp(argv[1], "company") == 0)
		return finish(benchmark_company(cli, argc, argv));
	struct benchmark_args a;
	memset(&a, 0, sizeof a);
	a.q.metric = TP_METRIC_NPS;
	a.q.level = 0.95;
	rc = benchmark_parse(cli, &a, argc, argv);
	if (rc < 0)
		rc = CLI_OK;
	else if (rc == CLI_OK)
		rc = benchmark_run(cli, &a);
	return finish(rc);
}
