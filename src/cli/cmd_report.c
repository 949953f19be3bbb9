/* cli/cmd_report.c - `touchpoint report`: one indicator for any slice of the
 * responses, as a table, JSON (the DESIGN.md contract) or CSV.
 *
 * A thin view over touchpoint/query.h: the options become a struct
 * tp_query, the engine computes the groups, this file only formats them. It
 * also holds the filter options `map` shares (--from, --to, --where; the
 * cli_query_* functions of cli.h). It never computes an indicator itself
 * and never prints a number the engine marked as absent (no NaN). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "touchpoint/time.h"
#include "util/utf8.h"

static const char help[] =
	"Usage: touchpoint [--db PATH] report --metric METRIC [OPTIONS]\n"
	"\n"
	"Computes one indicator, with its n and a confidence interval, for every\n"
	"group of the responses. Customers' answers count for every metric but\n"
	"eNPS, which counts employees' answers only; leaders' answers never count.\n"
	"\n"
	"  --metric METRIC   nps (-100..100), enps (-100..100, employees), csat\n"
	"                    (% of 4-5 answers), ces (mean of 1-7), emotion (mean\n"
	"                    of -3..3), responses (count), comment_rate (% of\n"
	"                    responses with a comment), sentiment (mean compound\n"
	"                    -1..1 of the comments `touchpoint text analyze` scored,\n"
	"                    t interval, shares positive/neutral/negative). Required.\n"
	"  --by DIMENSION    group by touchpoint, phase, channel, month, quarter or\n"
	"                    attr:NAME (a segment attribute); repeat for a cross-tab\n"
	"                    (up to 4). Without --by: one group, all responses.\n"
	"  --from DATE       responses submitted at or after DATE\n"
	"  --to DATE         responses submitted up to DATE: a date alone\n"
	"                    (2026-03-31) includes that whole day; a date-time\n"
	"                    (2026-03-31T12:00:00Z) is exclusive at that instant\n"
	"  --where NAME=VALUE  only responses whose NAME (touchpoint, phase,\n"
	"                    channel or a segment attribute) is VALUE. Repeated\n"
	"                    with the same NAME: any of the values; with different\n"
	"                    names: all must hold.\n"
	"  --level L         confidence level of the intervals, between 0 and 1\n"
	"                    (default 0.95)\n"
	"  --min-n N         groups with fewer answers are marked small: shown, but\n"
	"                    indicative only (default 30)\n"
	"  --anonymity K     eNPS groups with fewer than K distinct employees are\n"
	"                    never shown, only counted (default 5)\n"
	"  --baseline-from DATE, --baseline-to DATE\n"
	"                    compare every group with the same group over this\n"
	"                    period (both needed; the same DATE rules as --from and\n"
	"                    --to). Without them, groups by month or quarter are\n"
	"                    compared with the previous period.\n"
	"  --json            print JSON: {\"metric\", \"level\", \"groups\": [{\"key\",\n"
	"                    \"n\", \"value\", \"ci95\": [lo, hi], counts..., \"small\",\n"
	"                    \"change\"?}], \"hidden_groups\"}\n"
	"  --csv             print CSV (RFC 4180): one row per group\n"
	"  --db PATH         the database (default: $TOUCHPOINT_DB, else ./touchpoint.db)\n"
	"\n"
	"DATE is ISO 8601: 2026-01-31, 2026-01-31T12:00:00Z or with an offset\n"
	"(+02:00); without an offset it is UTC. --from is inclusive.\n"
	"Changes are significant when p < 1 - level (marked with an arrow).\n"
	"\n"
	"Exit status: 0 success, 1 invalid data (unknown attribute, touchpoint,\n"
	"empty period) or database, 2 usage error.\n";

#define KEY_WIDTH_MAX 32 /* terminal columns of a key in the table */
#define BY_NAME_MAX (TP_ATTR_NAME_MAX + 16)

/* What the command line asked for. */
enum format { FORMAT_TABLE, FORMAT_JSON, FORMAT_CSV };

struct report_args {
	struct cli_query cq;
	enum format format;
	bool has_metric;
	const char *base_from, *base_to;
};

/* --- what each metric shows --- */

static const char *metric_label(enum tp_metric m)
{
	switch (m) {
	case TP_METRIC_NPS: return "NPS";
	case TP_METRIC_ENPS: return "eNPS";
	case TP_METRIC_CSAT: return "CSAT %";
	case TP_METRIC_CES: return "CES";
	case TP_METRIC_EMOTION: return "emotion";
	case TP_METRIC_RESPONSES: return "responses";
	case TP_METRIC_COMMENT_RATE: return "comment %";
	case TP_METRIC_SENTIMENT: return "sentiment";
	}
	return "?";
}

static bool is_nps(enum tp_metric m)
{
	return m == TP_METRIC_NPS || m == TP_METRIC_ENPS;
}

static bool is_mean(enum tp_metric m)
{
	return m == TP_METRIC_CES || m == TP_METRIC_EMOTION || m == TP_METRIC_SENTIMENT;
}

static const char *successes_name(enum tp_metric m)
{
	return tp_metric_successes_name(m);
}

/* A sample standard deviation exists from two answers on. */
static bool has_sd(const struct tp_group *g)
{
	return g->n >= 2 && isfinite(g->sd);
}


/* --- JSON --- */

static int print_json(const struct tp_report *r)
{
	char *text = tp_report_to_json(r);
	if (!text) {
		fputs("touchpoint: cannot build the JSON report (out of memory, or a key that is "
		      "not UTF-8)\n", stderr);
		return CLI_USER_ERROR;
	}
	puts(text);
	free(text);
	return CLI_OK;
}

/* --- CSV --- */

/* Writes one field, quoted (RFC 4180) when it holds a comma, a quote or a
 * line break. */
static void csv_field(FILE *out, const char *s, bool first)
{
	if (!first)
		fputc(',', out);
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void csv_real(FILE *out, bool present, double v)
{
	char buf[40];
	snprintf(buf, sizeof buf, "%.15g", v);
	csv_field(out, present && isfinite(v) ? buf : NULL, false);
}

static void csv_int(FILE *out, bool present, int64_t v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", (long long)v);
	csv_field(out, present ? buf : NULL, false);
}

static void csv_header(FILE *out, const struct tp_report *r)
{
	char name[BY_NAME_MAX];
	for (size_t i = 0; i < r->n_by; i++)
		csv_field(out, tp_by_name(&r->by[i], name, sizeof name), i == 0);
	fputs(r->n_by ? "," : "", out);
	fputs("n,value,ci_low,ci_high", out);
	if (is_nps(r->metric))
		fputs(",promoters,passives,detractors", out);
	else if (successes_name(r->metric))
		fprintf(out, ",%s", successes_name(r->metric));
	else if (is_mean(r->metric))
		fputs(r->metric == TP_METRIC_SENTIMENT ? ",sd,positive,neutral,negative" : ",sd", out);
	fputs(",small,change_vs,change_diff,change_low,change_high,change_p,significant\r\n", out);
}

static void csv_row(FILE *out, const struct tp_report *r, const struct tp_group *g)
{
	for (size_t i = 0; i < r->n_by; i++)
		csv_field(out, g->key[i], i == 0);
	fputs(r->n_by ? "," : "", out);
	fprintf(out, "%lld", (long long)g->n);
	const struct tp_estimate *e = &g->estimate;
	if (r->metric == TP_METRIC_RESPONSES)
		csv_int(out, e->has_value, llround(e->value));
	else
		csv_real(out, e->has_value, e->value);
	csv_real(out, e->has_ci, e->lo);
	csv_real(out, e->has_ci, e->hi);
	if (is_nps(r->metric)) {
		csv_int(out, true, g->nps.promoters);
		csv_int(out, true, g->nps.passives);
		csv_int(out, true, g->nps.detractors);
	} else if (successes_name(r->metric)) {
		csv_int(out, true, g->successes);
	} else if (is_mean(r->metric)) {
		csv_real(out, has_sd(g), g->sd);
	}
	if (r->metric == TP_METRIC_SENTIMENT) {
		csv_int(out, true, g->positive);
		csv_int(out, true, g->neutral);
		csv_int(out, true, g->negative);
	}
	csv_field(out, g->small ? "true" : "false", false);
	bool ch = g->has_change, val = ch && g->change.has_value;
	csv_field(out, ch ? g->change_vs : NULL, false);
	csv_real(out, val, g->change.diff);
	csv_real(out, val, g->change.lo);
	csv_real(out, val, g->change.hi);
	csv_real(out, val, g->change.p_value);
	csv_field(out, ch ? (val && g->significant ? "true" : "false") : NULL, false);
	fputs("\r\n", out);
}

static int print_csv(const struct tp_report *r)
{
	csv_header(stdout, r);
	for (size_t i = 0; i < r->n_groups; i++)
		csv_row(stdout, r, &r->groups[i]);
	return CLI_OK;
}

/* --- the table --- */

static void format_p(double p, char *buf, size_t size)
{
	if (p < 0.001)
		snprintf(buf, size, "p<0.001");
	else
		snprintf(buf, size, "p=%.3f", p);
}

static const char *key_text(const struct tp_group *g, size_t i)
{
	return g->key[i] ? g->key[i] : "(no value)";
}

static size_t max_sz(size_t a, size_t b)
{
	return a > b ? a : b;
}

/* One group's cells, formatted. */
struct row_text {
	char n[40];
	char value[96];
	char ci[80];
	char change[BY_NAME_MAX + 64];
};

/* Sentiment (-1..1) reads with three decimals, other metrics with one. */
static const char *fmt_value(enum tp_metric m, double v, char *buf, size_t size)
{
	if (m != TP_METRIC_SENTIMENT)
		return cli_fmt1(v, buf, size);
	snprintf(buf, size, "%.3f", fabs(v) < 5e-4 ? 0.0 : v);
	return buf;
}

static void row_text(enum tp_metric m, const struct tp_group *g, struct row_text *t)
{
	char a[32], b[32], c[32];
	snprintf(t->n, sizeof t->n, "%s%s", cli_thousands(g->n, a, sizeof a), g->small ? "*" : " ");
	t->value[0] = t->ci[0] = t->change[0] = '\0';
	if (g->estimate.has_value && m == TP_METRIC_SENTIMENT && g->n > 0)
		snprintf(t->value, sizeof t->value, "%s (%.0f/%.0f/%.0f%%)",
			 fmt_value(m, g->estimate.value, a, sizeof a),
			 100.0 * (double)g->positive / (double)g->n,
			 100.0 * (double)g->neutral / (double)g->n,
			 100.0 * (double)g->negative / (double)g->n);
	else if (g->estimate.has_value)
		snprintf(t->value, sizeof t->value, "%s", cli_fmt1(g->estimate.value, a, sizeof a));
	if (g->estimate.has_ci)
		snprintf(t->ci, sizeof t->ci, "[%s, %s]", fmt_value(m, g->estimate.lo, a, sizeof a),
			 fmt_value(m, g->estimate.hi, b, sizeof b));
	if (!g->has_change)
		return;
	const char *vs = g->change_vs ? g->change_vs : "?";
	if (!g->change.has_value) {
		snprintf(t->change, sizeof t->change, "  too few answers to compare with %s", vs);
		return;
	}
	const char *mark = " ";
	if (g->significant)
		mark = g->change.diff > 0 ? "▲" : "▼";
	double d = fabs(g->change.diff) < 0.05 ? 0.0 : g->change.diff;
	format_p(g->change.p_value, c, sizeof c);
	if (m == TP_METRIC_SENTIMENT)
		snprintf(t->change, sizeof t->change, "%s %+.3f vs %s (%s)", mark, g->change.diff,
			 vs, c);
	else
		snprintf(t->change, sizeof t->change, "%s %+.1f vs %s (%s)", mark, d, vs, c);
}

/* The table's layout: column widths and which columns and notes appear. */
struct layout {
	char names[TP_QUERY_BY_MAX][BY_NAME_MAX];
	size_t kw[TP_QUERY_BY_MAX];
	char ci_head[32];
	size_t nw, vw, cw;
	bool show_value, any_ci, any_change, any_small, any_sig;
};

static void measure(const struct tp_report *r, const struct row_text *rows, struct layout *l)
{
	snprintf(l->ci_head, sizeof l->ci_head, "%.10g%% CI", r->level * 100.0);
	l->nw = 2;
	l->vw = cli_text_width(metric_label(r->metric));
	l->cw = cli_text_width(l->ci_head);
	l->show_value = r->metric != TP_METRIC_RESPONSES;
	for (size_t i = 0; i < r->n_by; i++)
		l->kw[i] = cli_text_width(tp_by_name(&r->by[i], l->names[i], sizeof l->names[i]));
	for (size_t g = 0; g < r->n_groups; g++) {
		const struct tp_group *gr = &r->groups[g];
		for (size_t i = 0; i < r->n_by; i++)
			l->kw[i] = max_sz(l->kw[i], cli_text_width(key_text(gr, i)));
		l->nw = max_sz(l->nw, strlen(rows[g].n));
		l->vw = max_sz(l->vw, strlen(rows[g].value));
		l->cw = max_sz(l->cw, strlen(rows[g].ci));
		l->any_small |= gr->small;
		l->any_sig |= gr->has_change && gr->change.has_value && gr->significant;
		l->any_ci |= gr->estimate.has_ci;
		l->any_change |= gr->has_change;
	}
	for (size_t i = 0; i < r->n_by; i++)
		l->kw[i] = l->kw[i] > KEY_WIDTH_MAX ? KEY_WIDTH_MAX : l->kw[i];
}

static void print_row(FILE *out, const struct tp_report *r, const struct layout *l,
		      const char *const *keys, const char *n, const char *value, const char *ci,
		      const char *change)
{
	for (size_t i = 0; i < r->n_by; i++) {
		cli_print_cell(out, keys[i], l->kw[i]);
		fputs("  ", out);
	}
	fprintf(out, "%*s", (int)l->nw, n);
	if (l->show_value)
		fprintf(out, "  %*s", (int)l->vw, value);
	if (l->any_ci)
		fprintf(out, "  %-*s", (int)l->cw, ci);
	if (change[0])
		fprintf(out, "  %s", change);
	fputc('\n', out);
}

static void print_groups(FILE *out, const struct tp_report *r, const struct row_text *rows,
			 const struct tp_query *q)
{
	struct layout l;
	memset(&l, 0, sizeof l);
	measure(r, rows, &l);
	const char *keys[TP_QUERY_BY_MAX];
	for (size_t i = 0; i < r->n_by; i++)
		keys[i] = l.names[i];
	print_row(out, r, &l, keys, "n ", metric_label(r->metric), l.ci_head,
		  l.any_change ? "change" : "");
	for (size_t g = 0; g < r->n_groups; g++) {
		for (size_t i = 0; i < r->n_by; i++)
			keys[i] = key_text(&r->groups[g], i);
		print_row(out, r, &l, keys, rows[g].n, rows[g].value, rows[g].ci, rows[g].change);
	}
	if (l.any_small || l.any_sig)
		fputc('\n', out);
	if (l.any_small)
		fprintf(out, "* n<%lld: indicative only\n", (long long)q->min_n);
	if (l.any_sig)
		fprintf(out, "▲/▼ significant change (p < %.10g)\n", 1.0 - r->level);
}

static void print_title(FILE *out, const struct tp_report *r, const struct report_args *a)
{
	const struct cli_query *cq = &a->cq;
	char filters[1024];
	if (r->metric == TP_METRIC_SENTIMENT)
		fputs("sentiment: mean compound of analysed comments (-1..1) with shares "
		      "positive/neutral/negative\n", out);
	fprintf(out, "%s, %s, %.10g%% intervals, %s", metric_label(r->metric),
		r->metric == TP_METRIC_ENPS ? "employees" : "customers", r->level * 100.0,
		cli_query_describe(cq, filters, sizeof filters));
	if (a->base_from && a->base_to)
		fprintf(out, "; changes against the baseline %s %s %s", a->base_from,
			cli_until_word(a->base_to), a->base_to);
	fputs("\n\n", out);
}

/* Lays the table out in memory, then writes it without trailing blanks. */
static int print_table(const struct tp_report *r, const struct report_args *a)
{
	const struct cli_query *cq = &a->cq;
	char *text = NULL;
	size_t len = 0;
	struct row_text *rows = calloc(r->n_groups + 1, sizeof *rows);
	FILE *out = rows ? open_memstream(&text, &len) : NULL;
	if (!out) {
		free(rows);
		fputs("touchpoint: out of memory\n", stderr);
		return CLI_USER_ERROR;
	}
	print_title(out, r, a);
	for (size_t g = 0; g < r->n_groups; g++)
		row_text(r->metric, &r->groups[g], &rows[g]);
	if (r->n_groups)
		print_groups(out, r, rows, &cq->q);
	else
		fputs("No responses match.\n", out);
	if (r->hidden > 0)
		fprintf(out, "%s%lld employee group%s hidden: fewer than %lld respondents\n",
			r->n_groups ? "" : "\n", (long long)r->hidden, r->hidden == 1 ? "" : "s",
			(long long)cq->q.anonymity);
	free(rows);
	if (fclose(out) != 0 || !text) {
		free(text);
		fputs("touchpoint: out of memory\n", stderr);
		return CLI_USER_ERROR;
	}
	cli_write_trimmed(stdout, text, len);
	free(text);
	return CLI_OK;
}

/* --- options --- */

static int parse_count(const char *opt, const char *text, long long min, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (errno || end == text || *end || v < min)
		return cli_usage("report", "--%s needs a whole number of at least %lld, not \"%s\"",
				 opt, min, text);
	*out = v;
	return CLI_OK;
}

static int parse_level(const char *text, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (errno || end == text || *end || !(v > 0.0 && v < 1.0))
		return cli_usage("report", "--level needs a number between 0 and 1 (e.g. 0.95), "
					   "not \"%s\"", text);
	*out = v;
	return CLI_OK;
}

static int add_by(struct tp_query *q, const char *word)
{
	if (q->n_by >= TP_QUERY_BY_MAX)
		return cli_usage("report", "at most %d --by dimensions", TP_QUERY_BY_MAX);
	if (!tp_by_parse(word, &q->by[q->n_by]))
		return cli_usage("report", "unknown --by \"%s\" (touchpoint, phase, channel, month, "
					   "quarter, attr:NAME)", word);
	q->n_by++;
	return CLI_OK;
}

static int parse_option(struct cli *cli, struct report_args *a, int c, const char *arg)
{
	struct tp_query *q = &a->cq.q;
	switch (c) {
	case 'd': cli->db_path = arg; return CLI_OK;
	case 'm':
		if (!tp_metric_parse(arg, &q->metric))
			return cli_usage("report", "unknown metric \"%s\" (nps, enps, csat, ces, "
						   "emotion, responses, comment_rate)", arg);
		a->has_metric = true;
		return CLI_OK;
	case 'b': return add_by(q, arg);
	case 'f': return cli_query_filter(&a->cq, "report", "from", arg);
	case 't': return cli_query_filter(&a->cq, "report", "to", arg);
	case 'w': return cli_query_filter(&a->cq, "report", "where", arg);
	case 'l': return parse_level(arg, &q->level);
	case 'n': return parse_count("min-n", arg, 0, &q->min_n);
	case 'a': return parse_count("anonymity", arg, 1, &q->anonymity);
	case 'F': a->base_from = arg; return CLI_OK;
	case 'T': a->base_to = arg; return CLI_OK;
	case 'j':
	case 'c':
		if (a->format != FORMAT_TABLE)
			return cli_usage("report", "--json and --csv exclude each other");
		a->format = c == 'j' ? FORMAT_JSON : FORMAT_CSV;
		return CLI_OK;
	default: return CLI_USAGE_ERROR;
	}
}

static int parse_baseline(struct report_args *a)
{
	struct tp_query *q = &a->cq.q;
	if (!a->base_from && !a->base_to)
		return CLI_OK;
	if (!a->base_from || !a->base_to)
		return cli_usage("report", "--baseline-from and --baseline-to go together");
	int rc = cli_parse_date("report", "baseline-from", a->base_from, false, &q->base_from);
	if (rc == CLI_OK)
		rc = cli_parse_date("report", "baseline-to", a->base_to, true, &q->base_to);
	q->has_baseline = rc == CLI_OK;
	return rc;
}

static int parse_args(struct cli *cli, struct report_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"metric", required_argument, NULL, 'm'},
		{"by", required_argument, NULL, 'b'},
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{"where", required_argument, NULL, 'w'},
		{"level", required_argument, NULL, 'l'},
		{"min-n", required_argument, NULL, 'n'},
		{"anonymity", required_argument, NULL, 'a'},
		{"baseline-from", required_argument, NULL, 'F'},
		{"baseline-to", required_argument, NULL, 'T'},
		{"json", no_argument, NULL, 'j'},
		{"csv", no_argument, NULL, 'c'},
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
		if (c == '?' || c == ':')
			return cli_bad_option("report", argc, argv);
		int rc = parse_option(cli, a, c, optarg);
		if (rc != CLI_OK)
			return rc;
	}
	if (optind < argc)
		return cli_usage("report", "unexpected argument \"%s\"", argv[optind]);
	if (!a->has_metric)
		return cli_usage("report", "missing --metric (nps, enps, csat, ces, emotion, "
					   "responses, comment_rate, sentiment)");
	return parse_baseline(a);
}

/* Runs the query against the store; *out is the report the caller frees. */
static int run_query(struct cli *cli, const struct tp_query *q, struct tp_report **out)
{
	struct tp_store *store = NULL;
	struct tp_dataset *ds = NULL;
	struct tp_error err;
	int rc = cli_open_store(cli, TP_STORE_READ, &store);
	if (rc != CLI_OK)
		return rc;
	if (tp_dataset_open(store, &ds, &err) != TP_OK ||
	    (q->metric == TP_METRIC_SENTIMENT && tp_dataset_load_sentiment(ds, store, &err) != TP_OK) ||
	    tp_report_run(ds, q, out, &err) != TP_OK)
		rc = cli_fail(&err);
	if (ds)
		tp_dataset_free(ds);
	tp_store_close(store);
	return rc;
}

int cmd_report(struct cli *cli, int argc, char **argv)
{
	struct report_args a;
	memset(&a, 0, sizeof a);
	cli_query_init(&a.cq);
	struct tp_report *r = NULL;
	int rc = parse_args(cli, &a, argc, argv);
	if (rc < 0) {
		rc = CLI_OK; /* --help */
		goto out;
	}
	if (rc != CLI_OK)
		goto out;
	rc = run_query(cli, &a.cq.q, &r);
	if (rc != CLI_OK)
		goto out;
	if (a.format == FORMAT_JSON)
		rc = print_json(r);
	else if (a.format == FORMAT_CSV)
		rc = print_csv(r);
	else
		rc = print_table(r, &a);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "touchpoint: cannot write the report: %s\n", strerror(errno));
		rc = CLI_USER_ERROR;
	}
out:
	if (r)
		tp_report_free(r);
	cli_query_free(&a.cq);
	return rc;
}
