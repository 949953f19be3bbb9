/* cli/cmd_drivers.c - `touchpoint drivers`: which rated attributes or which
 * touchpoints drive an outcome (key driver analysis), as a table or JSON.
 *
 * A thin view: the options become a struct tp_drivers_spec, the library
 * shapes the observations (touchpoint/drivers_data.h) and fits the two
 * decompositions of R^2 (touchpoint/drivers.h); this file only formats
 * them. Every number it prints is finite (the library guarantees it; the
 * JSON writer refuses anything else). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "touchpoint/drivers.h"
#include "touchpoint/drivers_data.h"
#include "touchpoint/outcomes.h"

static const char help[] =
	"Usage: touchpoint [--db PATH] drivers --outcome OUTCOME --drivers DRIVERS [OPTIONS]\n"
	"\n"
	"Key driver analysis: how much of the outcome's variance each driver\n"
	"explains in a linear model, by Johnson's relative weights and by Shapley\n"
	"values (LMG), both raw shares of R^2 that add up to R^2, with bootstrap\n"
	"95% intervals; and each driver's current performance, with its quadrant\n"
	"of the importance x performance matrix. Customers' answers only.\n"
	"\n"
	"  --outcome OUTCOME  nps (the 0-10 answer), csat (1-5), ces (1-7),\n"
	"                     attr:NAME (an attribute read as a number) or\n"
	"                     outcome:NAME (a business outcome of the respondent,\n"
	"                     `touchpoint outcomes import`). Required.\n"
	"  --drivers DRIVERS  attr:A,attr:B,...  one observation per response; each\n"
	"                     driver is the attribute read as a number (3.5 or\n"
	"                     3,5; anything else is missing), e.g. the columns of a\n"
	"                     \"rate each of these 1-5\" survey, imported as\n"
	"                     attributes (rename them with `import --map`);\n"
	"                     touchpoint  one observation per respondent\n"
	"                     (respondent_id): the outcome is the mean of their\n"
	"                     relationship answers (responses without a\n"
	"                     touchpoint; an attribute outcome: all responses),\n"
	"                     each touchpoint's driver the mean of their answers\n"
	"                     there. Required.\n"
	"  --driver-metric M  with --drivers touchpoint: the score averaged per\n"
	"                     touchpoint, nps, csat or ces (default: the outcome's;\n"
	"                     required when the outcome is an attribute)\n"
	"  --from DATE, --to DATE, --where NAME=VALUE  as in `touchpoint report`\n"
	"  --bootstrap N      resamples for the intervals (default 1000; 0: none)\n"
	"  --seed S           the resamples' seed (default 1): same seed, same\n"
	"                     intervals\n"
	"  --json             print JSON: {\"outcome\", \"n\", \"r2\", \"missing\":\n"
	"                     \"listwise\", \"dropped\", \"drivers\": [{\"driver\",\n"
	"                     \"relative_weight\", \"ci95\", \"shapley\", \"shapley_ci95\",\n"
	"                     \"performance\", \"performance_100\", \"quadrant\"}]}\n"
	"  --db PATH          the database (default: $TOUCHPOINT_DB, else\n"
	"                     ./touchpoint.db)\n"
	"\n"
	"Missing values are dropped listwise: an observation missing the outcome\n"
	"or any driver is left out, and counted. Shapley values are exact up to\n"
	"16 drivers and not computed beyond (relative weights still are).\n"
	"\n"
	"Exit status: 0 success, 1 invalid data (unknown attribute, too few\n"
	"observations, constant outcome) or database, 2 usage error.\n";

#define DRIVERS_MAX 256
#define BOOTSTRAP_MAX 100000

struct drivers_args {
	struct cli_query cq;
	struct tp_drivers_spec spec;
	struct tp_drivers_options opts;
	bool json, has_outcome, has_drivers;
	const char *outcome_text;
	const char *outcome_name; /* outcome:NAME (outcomes), or NULL */
	char *drivers_buf; /* the --drivers text, split in place */
	const char *attrs[DRIVERS_MAX];
};

/* What was computed, ready to show. */
struct shown {
	const struct tp_drivers_data *data;
	const struct tp_drivers_result *res;
	double *mean, *pct;
	const char **quadrant;
};

/* --- options --- */

static int parse_outcome(struct drivers_args *a, const char *arg)
{
	a->outcome_text = arg;
	a->has_outcome = true;
	if (strncmp(arg, "attr:", 5) == 0 && arg[5]) {
		a->spec.outcome_attr = arg + 5;
		return CLI_OK;
	}
	if (strncmp(arg, "outcome:", 8) == 0 && arg[8]) { /* outcomes */
		a->outcome_name = arg + 8;
		return CLI_OK;
	}
	if (strcmp(arg, "nps") && strcmp(arg, "csat") && strcmp(arg, "ces"))
		return cli_usage("drivers", "unknown --outcome \"%s\" (nps, csat, ces, attr:NAME, "
					    "outcome:NAME)", arg);
	tp_metric_parse(arg, &a->spec.outcome);
	return CLI_OK;
}

static int parse_drivers(struct drivers_args *a, const char *arg)
{
	if (a->has_drivers)
		return cli_usage("drivers", "--drivers is given twice");
	a->has_drivers = true;
	if (strcmp(arg, "touchpoint") == 0) {
		a->spec.shape = TP_DRIVERS_TOUCHPOINTS;
		return CLI_OK;
	}
	a->spec.shape = TP_DRIVERS_ATTRIBUTES;
	a->drivers_buf = strdup(arg);
	if (!a->drivers_buf) {
		fputs("touchpoint: out of memory\n", stderr);
		return CLI_USER_ERROR;
	}
	size_t n;
	int rc = cli_attr_list("drivers", "--drivers", "touchpoint or attr:A,attr:B,...",
			       a->drivers_buf, a->attrs, DRIVERS_MAX, &n);
	if (rc != CLI_OK)
		return rc;
	a->spec.attrs = a->attrs;
	a->spec.n_attrs = n;
	return CLI_OK;
}

static int parse_number(const char *opt, const char *text, unsigned long long max,
			unsigned long long *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno || end == text || *end || text[0] == '-' || v > max)
		return cli_usage("drivers", "--%s needs a whole number from 0 to %llu, not \"%s\"",
				 opt, max, text);
	*out = v;
	return CLI_OK;
}

static int parse_option(struct cli *cli, struct drivers_args *a, int c, const char *arg)
{
	unsigned long long v = 0;
	int rc;
	switch (c) {
	case 'd': cli->db_path = arg; return CLI_OK;
	case 'o': return parse_outcome(a, arg);
	case 'D': return parse_drivers(a, arg);
	case 'M':
		if (strcmp(arg, "nps") && strcmp(arg, "csat") && strcmp(arg, "ces"))
			return cli_usage("drivers",
					 "unknown --driver-metric \"%s\" (nps, csat, ces)", arg);
		tp_metric_parse(arg, &a->spec.driver_metric);
		a->spec.has_driver_metric = true;
		return CLI_OK;
	case 'f': return cli_query_filter(&a->cq, "drivers", "from", arg);
	case 't': return cli_query_filter(&a->cq, "drivers", "to", arg);
	case 'w': return cli_query_filter(&a->cq, "drivers", "where", arg);
	case 'b':
		rc = parse_number("bootstrap", arg, BOOTSTRAP_MAX, &v);
		a->opts.bootstrap = (int)v;
		return rc;
	case 's':
		rc = parse_number("seed", arg, INT64_MAX, &v);
		a->opts.seed = v;
		return rc;
	case 'j': a->json = true; return CLI_OK;
	default: return CLI_USAGE_ERROR;
	}
}

static int parse_args(struct cli *cli, struct drivers_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"outcome", required_argument, NULL, 'o'},
		{"drivers", required_argument, NULL, 'D'},
		{"driver-metric", required_argument, NULL, 'M'},
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{"where", required_argument, NULL, 'w'},
		{"bootstrap", required_argument, NULL, 'b'},
		{"seed", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
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
			return cli_bad_option("drivers", argc, argv);
		int rc = parse_option(cli, a, c, optarg);
		if (rc != CLI_OK)
			return rc;
	}
	if (optind < argc)
		return cli_usage("drivers", "unexpected argument \"%s\"", argv[optind]);
	if (!a->has_outcome)
		return cli_usage("drivers", "missing --outcome (nps, csat, ces, attr:NAME, "
					    "outcome:NAME)");
	if (!a->has_drivers)
		return cli_usage("drivers", "missing --drivers (touchpoint or attr:A,attr:B,...)");
	if (a->spec.shape == TP_DRIVERS_TOUCHPOINTS && (a->spec.outcome_attr || a->outcome_name) &&
	    !a->spec.has_driver_metric)
		return cli_usage("drivers", "--drivers touchpoint with an attribute outcome needs "
					    "--driver-metric (nps, csat, ces)");
	if (a->spec.has_driver_metric && a->spec.shape != TP_DRIVERS_TOUCHPOINTS)
		return cli_usage("drivers", "--driver-metric goes with --drivers touchpoint");
	return CLI_OK;
}

/* --- JSON --- */

/* Sets a real; false when it is not finite (json_real refuses those). */
static bool put_real(json_t *obj, const char *name, double v)
{
	json_t *r = isfinite(v) ? json_real(v) : NULL;
	return r && json_object_set_new(obj, name, r) == 0;
}

static bool put_pair(json_t *obj, const char *name, double lo, double hi)
{
	json_t *arr = json_array();
	bool ok = arr && isfinite(lo) && isfinite(hi) &&
		  json_array_append_new(arr, json_real(lo)) == 0 &&
		  json_array_append_new(arr, json_real(hi)) == 0;
	if (!ok) {
		json_decref(arr);
		return false;
	}
	return json_object_set_new(obj, name, arr) == 0;
}

static json_t *driver_json(const struct shown *s, const struct drivers_args *a, size_t k)
{
	const struct tp_driver_share *d = &s->res->drivers[k];
	json_t *o = json_object();
	bool boot = a->opts.bootstrap > 0;
	bool ok = o && json_object_set_new(o, "driver", json_string(s->data->names[k])) == 0 &&
		  put_real(o, "relative_weight", d->relative_weight) &&
		  (!boot || put_pair(o, "ci95", d->rw_lo, d->rw_hi));
	if (ok && d->has_shapley)
		ok = put_real(o, "shapley", d->shapley) &&
		     (!boot || put_pair(o, "shapley_ci95", d->sh_lo, d->sh_hi));
	ok = ok && put_real(o, "performance", s->mean[k]) &&
	     put_real(o, "performance_100", s->pct[k]) &&
	     json_object_set_new(o, "quadrant", json_string(s->quadrant[k])) == 0;
	if (ok && d->note)
		ok = json_object_set_new(o, "note", json_string(d->note)) == 0;
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static const char *metric_word(const struct drivers_args *a)
{
	enum tp_metric m = a->spec.has_driver_metric ? a->spec.driver_metric : a->spec.outcome;
	return tp_metric_name(m);
}

static json_t *result_json(const struct shown *s, const struct drivers_args *a)
{
	const struct tp_drivers_result *r = s->res;
	bool by_tp = a->spec.shape == TP_DRIVERS_TOUCHPOINTS;
	json_t *root = json_object();
	json_t *list = json_array();
	bool ok = root && list &&
		  json_object_set_new(root, "outcome", json_string(a->outcome_text)) == 0 &&
		  json_object_set_new(root, "observations",
				      json_string(by_tp ? "respondents" : "responses")) == 0 &&
		  json_object_set_new(root, "n", json_integer((json_int_t)r->n)) == 0 &&
		  put_real(root, "r2", r->r2) &&
		  json_object_set_new(root, "missing", json_string("listwise")) == 0 &&
		  json_object_set_new(root, "dropped", json_integer((json_int_t)r->dropped)) == 0 &&
		  json_object_set_new(root, "bootstrap", json_integer(a->opts.bootstrap)) == 0 &&
		  json_object_set_new(root, "seed", json_integer((json_int_t)a->opts.seed)) == 0;
	if (ok && by_tp)
		ok = json_object_set_new(root, "driver_metric", json_string(metric_word(a))) == 0 &&
		     json_object_set_new(root, "unlinked",
					 json_integer((json_int_t)s->data->unlinked)) == 0;
	for (size_t k = 0; ok && k < r->p; k++) {
		json_t *d = driver_json(s, a, k);
		ok = d && json_array_append_new(list, d) == 0;
	}
	ok = ok && json_object_set(root, "drivers", list) == 0;
	if (ok && r->message[0])
		ok = json_object_set_new(root, "message", json_string(r->message)) == 0;
	json_decref(list);
	if (!ok) {
		json_decref(root);
		return NULL;
	}
	return root;
}

static int print_json(const struct shown *s, const struct drivers_args *a)
{
	json_t *root = result_json(s, a);
	char *text = root ? json_dumps(root, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) : NULL;
	json_decref(root);
	if (!text) {
		fputs("touchpoint: cannot build the JSON (out of memory, or a name that is not "
		      "UTF-8)\n", stderr);
		return CLI_USER_ERROR;
	}
	puts(text);
	free(text);
	return CLI_OK;
}

/* --- the table --- */

struct ranked {
	double weight;
	size_t index;
};

/* Largest relative weight first; ties in input order. */
static int by_weight(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static void share_cell(char *buf, size_t size, bool has, double v, bool boot, double lo,
		       double hi)
{
	if (!has)
		snprintf(buf, size, "-");
	else if (boot)
		snprintf(buf, size, "%.3f [%.3f, %.3f]", v, lo, hi);
	else
		snprintf(buf, size, "%.3f", v);
}

static int print_table(const struct shown *s, const struct drivers_args *a)
{
	const struct tp_drivers_result *r = s->res;
	struct ranked *order = malloc((r->p ? r->p : 1) * sizeof *order);
	if (!order) {
		fputs("touchpoint: out of memory\n", stderr);
		return CLI_USER_ERROR;
	}
	for (size_t k = 0; k < r->p; k++)
		order[k] = (struct ranked){r->drivers[k].relative_weight, k};
	qsort(order, r->p, sizeof *order, by_weight);
	char filters[1024];
	bool boot = a->opts.bootstrap > 0;
	printf("Key drivers of %s, customers, %s\n\n", a->outcome_text,
	       cli_query_describe(&a->cq, filters, sizeof filters));
	size_t nw = strlen("driver");
	for (size_t k = 0; k < r->p; k++) {
		size_t len = strlen(s->data->names[k]);
		nw = len > nw ? len : nw;
	}
	nw = nw > 32 ? 32 : nw;
	printf("%-*s  %-25s  %-25s  %-19s  %s\n", (int)nw, "driver",
	       boot ? "relative weight [95%]" : "relative weight",
	       boot ? "Shapley [95%]" : "Shapley",
	       "performance (0-100)", "quadrant");
	for (size_t i = 0; i < r->p; i++) {
		size_t k = order[i].index;
		const struct tp_driver_share *d = &r->drivers[k];
		char rw[96], sh[96], perf[64];
		share_cell(rw, sizeof rw, true, d->relative_weight, boot, d->rw_lo, d->rw_hi);
		share_cell(sh, sizeof sh, d->has_shapley, d->shapley, boot, d->sh_lo, d->sh_hi);
		snprintf(perf, sizeof perf, "%.2f (%.0f)", s->mean[k], s->pct[k]);
		cli_print_cell(stdout, s->data->names[k], nw);
		printf("  %-25s  %-25s  %-19s  %s%s%s\n", rw, sh, perf, s->quadrant[k],
		       d->note ? "; " : "", d->note ? d->note : "");
	}
	printf("\nn = %zu %s, R^2 = %.3f; missing values: listwise, %zu dropped", r->n,
	       a->spec.shape == TP_DRIVERS_TOUCHPOINTS ? "respondents" : "responses", r->r2,
	       r->dropped);
	if (a->spec.shape == TP_DRIVERS_TOUCHPOINTS)
		printf("; %zu responses without respondent_id not linked", s->data->unlinked);
	putchar('\n');
	if (boot)
		printf("Intervals: percentile bootstrap, %d resamples, seed %llu.\n",
		       a->opts.bootstrap, (unsigned long long)a->opts.seed);
	printf("Shares are of R^2 (each column sums to R^2); quadrants split importance and\n"
	       "performance at their means across the drivers.\n");
	if (r->message[0])
		printf("%s\n", r->message);
	free(order);
	return CLI_OK;
}

/* --- running --- */

static int analyse(const struct drivers_args *a, const struct tp_drivers_data *data,
		   const struct tp_drivers_result *res)
{
	struct shown s = {.data = data, .res = res};
	size_t p = res->p ? res->p : 1;
	s.mean = malloc(p * sizeof *s.mean);
	s.pct = malloc(p * sizeof *s.pct);
	s.quadrant = malloc(p * sizeof *s.quadrant);
	double *imp = malloc(p * sizeof *imp);
	int rc = CLI_USER_ERROR;
	if (!s.mean || !s.pct || !s.quadrant || !imp) {
		fputs("touchpoint: out of memory\n", stderr);
		goto out;
	}
	tp_drivers_performance(data, s.mean, s.pct);
	for (size_t k = 0; k < res->p; k++)
		imp[k] = res->drivers[k].relative_weight;
	tp_drivers_quadrants(imp, s.pct, res->p, s.quadrant);
	rc = a->json ? print_json(&s, a) : print_table(&s, a);
out:
	free(s.mean);
	free(s.pct);
	free(s.quadrant);
	free(imp);
	return rc;
}

static int run(struct cli *cli, struct drivers_args *a)
{
	struct tp_store *store = NULL;
	struct tp_dataset *ds = NULL;
	struct tp_drivers_data *data = NULL;
	struct tp_drivers_result *res = NULL;
	struct tp_error err;
	int rc = cli_open_store(cli, TP_STORE_READ, &store);
	if (rc != CLI_OK)
		return rc;
	a->spec.filter = &a->cq.q;
	struct tp_outcome_values *values = NULL;
	if (a->outcome_name &&
	    tp_outcome_values_load(store, a->outcome_name, &values, &err) != TP_OK) {
		rc = cli_fail(&err);
		goto out;
	}
	a->spec.outcome_values = values;
	if (tp_dataset_open(store, &ds, &err) != TP_OK ||
	    tp_drivers_data_build(ds, &a->spec, &data, &err) != TP_OK ||
	    tp_drivers_fit(data->y, data->x, data->n_rows, data->p, &a->opts, &res, &err) != TP_OK)
		rc = cli_fail(&err);
	else
		rc = analyse(a, data, res);
out:
	tp_drivers_free(res);
	tp_drivers_data_free(data);
	tp_outcome_values_free(values);
	tp_dataset_free(ds);
	tp_store_close(store);
	return rc;
}

int cmd_drivers(struct cli *cli, int argc, char **argv)
{
	struct drivers_args a;
	memset(&a, 0, sizeof a);
	cli_query_init(&a.cq);
	tp_drivers_options_init(&a.opts);
	int rc = parse_args(cli, &a, argc, argv);
	if (rc < 0)
		rc = CLI_OK; /* --help */
	else if (rc == CLI_OK)
		rc = run(cli, &a);
	if (rc == CLI_OK && (fflush(stdout) != 0 || ferror(stdout))) {
		fprintf(stderr, "touchpoint: cannot write the result: %s\n", strerror(errno));
		rc = CLI_USER_ERROR;
	}
	free(a.drivers_buf);
	cli_query_free(&a.cq);
	return rc;
}
