/* cli/cmd_analysis.c - `touchpoint gap`, `touchpoint linkage` and
 * `touchpoint flags`: customers' answers beside employees' and leaders'
 * (touchpoint/analysis.h; method in docs/analysis.md), as a table or JSON.
 *
 * A thin view: options become a spec, the library computes, this file
 * formats. Every number printed is finite (the library says what it could
 * not compute through has_* flags). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "touchpoint/analysis.h"

#define ATTRS_MAX 64

/* --- shared --- */

static json_t *jreal(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *jest(const struct tp_estimate *e)
{
	if (!e->has_value)
		return json_pack("{s:I, s:n}", "n", (json_int_t)e->n, "value");
	json_t *o = json_pack("{s:I, s:o}", "n", (json_int_t)e->n, "value", jreal(e->value));
	if (e->has_ci)
		json_object_set_new(o, "ci95", json_pack("[o, o]", jreal(e->lo), jreal(e->hi)));
	return o;
}

static json_t *jcorr(const struct tp_correlation *c)
{
	if (!c->has_value)
		return json_null();
	json_t *o = json_pack("{s:I, s:o, s:o, s:o, s:o}", "n", (json_int_t)c->n, "pearson",
			      jreal(c->r), "p_value", jreal(c->p_value), "spearman",
			      jreal(c->rho), "spearman_p_value", jreal(c->rho_p));
	if (c->has_ci)
		json_object_set_new(o, "ci95", json_pack("[o, o]", jreal(c->lo), jreal(c->hi)));
	return o;
}

static int emit_json(json_t *root)
{
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

static int finish(int rc)
{
	if (rc == CLI_OK && (fflush(stdout) != 0 || ferror(stdout))) {
		fprintf(stderr, "touchpoint: cannot write the result: %s\n", strerror(errno));
		rc = CLI_USER_ERROR;
	}
	return rc;
}

/* Parses the options common to the three: --db, --from, --to, --where,
 * --json. Returns 1 when c was one of them (rc set), 0 otherwise. */
static int common_option(struct cli *cli, struct cli_query *cq, const char *cmd, int c,
			 const char *arg, bool *json, int *rc)
{
	*rc = CLI_OK;
	switch (c) {
	case 'd': cli->db_path = arg; return 1;
	case 'f': *rc = cli_query_filter(cq, cmd, "from", arg); return 1;
	case 't': *rc = cli_query_filter(cq, cmd, "to", arg); return 1;
	case 'w': *rc = cli_query_filter(cq, cmd, "where", arg); return 1;
	case 'j': *json = true; return 1;
	default: return 0;
	}
}

#define COMMON_OPTIONS                                                                     \
	{"db", required_argument, NULL, 'd'}, {"from", required_argument, NULL, 'f'},      \
	    {"to", required_argument, NULL, 't'}, {"where", required_argument, NULL, 'w'}, \
	    {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}

static int open_dataset(struct cli *cli, struct tp_store **store, struct tp_dataset **ds)
{
	struct tp_error err;
	int rc = cli_open_store(cli, TP_STORE_READ, store);
	if (rc != CLI_OK)
		return rc;
	if (tp_dataset_open(*store, ds, &err) != TP_OK) {
		tp_store_close(*store);
		*store = NULL;
		return cli_fail(&err);
	}
	return CLI_OK;
}

static const char *sig(double p)
{
	return p < 0.001 ? " ***" : p < 0.01 ? " **" : p < 0.05 ? " *" : "";
}

/* --- gap --- */

static const char gap_help[] =
	"Usage: touchpoint [--db PATH] gap --attributes attr:A,attr:B,... [OPTIONS]\n"
	"\n"
	"Perception gap (seed 003, \"the ignorant ninja\"): the importance customers\n"
	"give to each attribute against what employees and leaders believe.\n"
	"  stated   mean of the importance rating in attribute imp_NAME (e.g. 1-5),\n"
	"           per respondent type, with its 95% interval and rank; or, given\n"
	"           as ranks in rank_NAME (1 = most important), the mean rank with\n"
	"           its interval and the % ranking it first;\n"
	"  derived  customers' Shapley share (% of R^2) of the outcome explained by\n"
	"           their rating of NAME (touchpoint drivers --drivers attr:...);\n"
	"  gaps     employees' and leaders' stated mean minus customers', Welch's\n"
	"           t test (ranks: Mann-Whitney U), largest first; rank agreement\n"
	"           by Spearman's rho.\n"
	"\n"
	"  --attributes LIST   attr:A,attr:B,... (reads imp_A or rank_A, and A).\n"
	"                      Required.\n"
	"  --stated KIND       rating (imp_NAME), rank (rank_NAME) or auto (default:\n"
	"                      ratings when every imp_NAME exists, else ranks)\n"
	"  --outcome OUTCOME   outcome of the derived importance: nps (default),\n"
	"                      csat, ces or attr:NAME\n"
	"  --no-derived        stated importance only\n"
	"  --from DATE, --to DATE, --where NAME=VALUE  as in `touchpoint report`\n"
	"                      (they apply to every respondent type)\n"
	"  --json              print JSON\n"
	"  --db PATH           the database\n"
	"\n"
	"Exit status: 0 success, 1 invalid data (unknown attribute, no customer\n"
	"ratings), 2 usage error.\n";

struct gap_args {
	struct cli_query cq;
	struct tp_gap_spec spec;
	bool json;
	const char *outcome_text;
	char *buf;
	const char *attrs[ATTRS_MAX];
};

static int gap_attributes(struct gap_args *a, const char *arg)
{
	if (a->buf)
		return cli_usage("gap", "--attributes is given twice");
	a->buf = strdup(arg);
	if (!a->buf) {
		fputs("touchpoint: out of memory\n", stderr);
		return CLI_USER_ERROR;
	}
	size_t n;
	int rc = cli_attr_list("gap", "--attributes", "attr:A,attr:B,...", a->buf, a->attrs,
			       ATTRS_MAX, &n);
	if (rc != CLI_OK)
		return rc;
	a->spec.attrs = a->attrs;
	a->spec.n_attrs = n;
	return CLI_OK;
}

static int gap_parse(struct cli *cli, struct gap_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{"attributes", required_argument, NULL, 'a'},
		{"outcome", required_argument, NULL, 'o'},
		{"no-derived", no_argument, NULL, 'n'},
		{"stated", required_argument, NULL, 's'},
		COMMON_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	int c, rc;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(gap_help, stdout);
			return -1;
		}
		if (c == '?' || c == ':')
			return cli_bad_option("gap", argc, argv);
		if (common_option(cli, &a->cq, "gap", c, optarg, &a->json, &rc)) {
			if (rc != CLI_OK)
				return rc;
			continue;
		}
		if (c == 'a') {
			if ((rc = gap_attributes(a, optarg)) != CLI_OK)
				return rc;
		} else if (c == 'n') {
			a->spec.derived = false;
		} else if (c == 's') {
			if (strcmp(optarg, "rating") == 0)
				a->spec.stated = TP_STATED_RATING;
			else if (strcmp(optarg, "rank") == 0)
				a->spec.stated = TP_STATED_RANK;
			else if (strcmp(optarg, "auto") == 0)
				a->spec.stated = TP_STATED_AUTO;
			else
				return cli_usage("gap", "--stated takes rating, rank or auto, not "
							"\"%s\"", optarg);
		} else if (c == 'o') {
			a->outcome_text = optarg;
			if (strncmp(optarg, "attr:", 5) == 0 && optarg[5])
				a->spec.outcome_attr = optarg + 5;
			else if (strcmp(optarg, "nps") && strcmp(optarg, "csat") &&
				 strcmp(optarg, "ces"))
				return cli_usage("gap", "unknown --outcome \"%s\" (nps, csat, ces, "
							"attr:NAME)", optarg);
			else
				tp_metric_parse(optarg, &a->spec.outcome);
		}
	}
	if (optind < argc)
		return cli_usage("gap", "unexpected argument \"%s\"", argv[optind]);
	if (!a->spec.n_attrs)
		return cli_usage("gap", "missing --attributes attr:A,attr:B,...");
	return CLI_OK;
}

static json_t *gap_attr_json(const struct tp_gap_result *r, size_t k)
{
	const struct tp_gap_attr *a = &r->attrs[k];
	json_t *o = json_pack("{s:s}", "attribute", a->name);
	json_t *stated = json_object();
	for (int g = 0; g < TP_GAP_GROUPS; g++) {
		json_t *e = jest(&a->stated_mean[g]);
		if (r->stated == TP_STATED_RANK)
			json_object_set_new(e, "first_pct", jest(&a->first[g]));
		if (a->stated[g].n > 0)
			json_object_set_new(e, "rank", json_real(a->stated_rank[g]));
		json_object_set_new(stated, tp_gap_group_name(g), e);
	}
	json_object_set_new(o, "stated", stated);
	if (a->has_derived)
		json_object_set_new(o, "derived",
				    json_pack("{s:o, s:o}", "share_pct", jreal(a->derived_share),
					      "rank", json_real(a->derived_rank)));
	return o;
}

static json_t *welch_json(const struct tp_welch *w)
{
	json_t *o = json_pack("{s:o}", "gap", jreal(w->diff));
	if (w->has_test) {
		json_object_set_new(o, "ci95", json_pack("[o, o]", jreal(w->lo), jreal(w->hi)));
		json_object_set_new(o, "t", jreal(w->t));
		json_object_set_new(o, "df", jreal(w->df));
		json_object_set_new(o, "p_value", jreal(w->p_value));
		json_object_set_new(o, "significant", json_boolean(w->p_value < 0.05));
	} else {
		json_object_set_new(o, "note", json_string("no test: fewer than 2 ratings on a "
							   "side, or constant ratings"));
	}
	return o;
}

static json_t *mwu_json(const struct tp_gap_item *g)
{
	const struct tp_mann_whitney *m = &g->mwu;
	json_t *o = json_pack("{s:o}", "gap", jreal(g->test.diff));
	if (m->has_test) {
		json_object_set_new(o, "u", jreal(m->u_b));
		json_object_set_new(o, "superiority", jreal(m->superiority));
		json_object_set_new(o, "z", jreal(m->z));
		json_object_set_new(o, "p_value", jreal(m->p_value));
		json_object_set_new(o, "significant", json_boolean(m->p_value < 0.05));
	} else {
		json_object_set_new(o, "note", json_string("no test: every rank the same"));
	}
	return o;
}

static int gap_json(const struct gap_args *a, const struct tp_gap_result *r)
{
	json_t *root = json_object();
	json_t *attrs = json_array(), *gaps = json_array(), *agree = json_array();
	json_object_set_new(root, "outcome", json_string(a->outcome_text));
	json_object_set_new(root, "stated", json_string(tp_gap_stated_name(r->stated)));
	json_object_set_new(root, "test", json_string(r->stated == TP_STATED_RANK
							  ? "mann-whitney"
							  : "welch"));
	for (size_t k = 0; k < r->n_attrs; k++)
		json_array_append_new(attrs, gap_attr_json(r, k));
	for (size_t i = 0; i < r->n_gaps; i++) {
		const struct tp_gap_item *g = &r->gaps[i];
		json_t *o = r->stated == TP_STATED_RANK ? mwu_json(g) : welch_json(&g->test);
		json_object_set_new(o, "attribute", json_string(r->attrs[g->attr].name));
		json_object_set_new(o, "group", json_string(tp_gap_group_name(g->group)));
		json_array_append_new(gaps, o);
	}
	for (size_t i = 0; i < r->n_agreements; i++) {
		const struct tp_gap_agreement *ag = &r->agreements[i];
		json_t *o = json_pack("{s:s, s:s, s:I}", "group", tp_gap_group_name(ag->group),
				      "against", ag->against, "n", (json_int_t)ag->c.n);
		if (ag->c.has_value) {
			json_object_set_new(o, "spearman", jreal(ag->c.rho));
			json_object_set_new(o, "p_value", jreal(ag->c.rho_p));
		}
		json_array_append_new(agree, o);
	}
	json_object_set_new(root, "attributes", attrs);
	json_object_set_new(root, "gaps", gaps);
	json_object_set_new(root, "rank_agreement", agree);
	if (r->has_derived) {
		json_object_set_new(root, "derived_n", json_integer((json_int_t)r->derived_n));
		json_object_set_new(root, "derived_r2", jreal(r->derived_r2));
	}
	json_t *missing = json_array();
	for (int g = 0; g < TP_GAP_GROUPS; g++)
		if (!r->has_group[g])
			json_array_append_new(missing, json_string(tp_gap_group_name(g)));
	json_object_set_new(root, "groups_without_ratings", missing);
	if (r->derived_message[0])
		json_object_set_new(root, "message", json_string(r->derived_message));
	return emit_json(root);
}

static void mean_cell(char *buf, size_t size, const struct tp_estimate *e)
{
	if (!e->has_value)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.2f (n %lld)", e->value, (long long)e->n);
}

static void rank_cell(char *buf, size_t size, const struct tp_estimate *e,
		      const struct tp_estimate *first)
{
	if (!e->has_value)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.2f, %.0f%% 1st (n %lld)", e->value, first->value,
			 (long long)e->n);
}

static void gap_rank_gaps(const struct tp_gap_result *r)
{
	printf("\nGaps, largest first (group's mean rank - customers'; negative: the group\n"
	       "puts it higher; Mann-Whitney U, normal approximation):\n");
	for (size_t i = 0; i < r->n_gaps; i++) {
		const struct tp_gap_item *g = &r->gaps[i];
		printf("  ");
		cli_print_cell(stdout, r->attrs[g->attr].name, 20);
		if (g->mwu.has_test)
			printf("  %-9s  %+.2f  U = %.1f, z = %.2f, p = %.4f%s\n",
			       tp_gap_group_name(g->group), g->test.diff, g->mwu.u_b, g->mwu.z,
			       g->mwu.p_value, sig(g->mwu.p_value));
		else
			printf("  %-9s  %+.2f  (no test: every rank the same)\n",
			       tp_gap_group_name(g->group), g->test.diff);
	}
}

static int gap_table(const struct gap_args *a, const struct tp_gap_result *r)
{
	char filters[1024];
	bool ranks = r->stated == TP_STATED_RANK;
	printf("Perception gap, %s\n", cli_query_describe(&a->cq, filters, sizeof filters));
	printf("Stated importance: %s\n\n",
	       ranks ? "ranks (rank_NAME): mean rank (1 = most important), % ranking it first"
		     : "ratings (imp_NAME): mean rating");
	int w = ranks ? 26 : 16;
	printf("%-20s  %-*s  %-*s  %-*s%s\n", "attribute", w, "customers", w, "employees", w,
	       "leaders", r->has_derived ? "  derived (% R^2)" : "");
	for (size_t k = 0; k < r->n_attrs; k++) {
		const struct tp_gap_attr *at = &r->attrs[k];
		char cells[TP_GAP_GROUPS][48];
		for (int g = 0; g < TP_GAP_GROUPS; g++)
			if (ranks)
				rank_cell(cells[g], sizeof cells[g], &at->stated_mean[g],
					  &at->first[g]);
			else
				mean_cell(cells[g], sizeof cells[g], &at->stated_mean[g]);
		cli_print_cell(stdout, at->name, 20);
		printf("  %-*s  %-*s  %*s", w, cells[0], w, cells[1], at->has_derived ? -w : 0,
		       cells[2]);
		if (at->has_derived)
			printf("  %.1f (rank %.0f)", at->derived_share, at->derived_rank);
		putchar('\n');
	}
	if (ranks)
		gap_rank_gaps(r);
	else
		printf("\nGaps, largest first (group's stated mean - customers'; Welch t):\n");
	for (size_t i = 0; !ranks && i < r->n_gaps; i++) {
		const struct tp_gap_item *g = &r->gaps[i];
		printf("  ");
		cli_print_cell(stdout, r->attrs[g->attr].name, 20);
		if (g->test.has_test)
			printf("  %-9s  %+.2f  [%+.2f, %+.2f]  t = %.2f, p = %.4f%s\n",
			       tp_gap_group_name(g->group), g->test.diff, g->test.lo, g->test.hi,
			       g->test.t, g->test.p_value, sig(g->test.p_value));
		else
			printf("  %-9s  %+.2f  (no test: too few or constant ratings)\n",
			       tp_gap_group_name(g->group), g->test.diff);
	}
	printf("\nRank agreement across the attributes (Spearman's rho):\n");
	for (size_t i = 0; i < r->n_agreements; i++) {
		const struct tp_gap_agreement *ag = &r->agreements[i];
		printf("  %-9s stated vs %-17s ", tp_gap_group_name(ag->group), ag->against);
		if (ag->c.has_value)
			printf("rho = %+.2f, p = %.3f (%zu attributes)\n", ag->c.rho, ag->c.rho_p,
			       ag->c.n);
		else
			printf("- (fewer than 3 attributes, or all equal)\n");
	}
	for (int g = 0; g < TP_GAP_GROUPS; g++)
		if (!r->has_group[g])
			printf("No %s %s these attributes.\n", tp_gap_group_name(g),
			       ranks ? "ranked" : "rated");
	if (r->derived_message[0])
		printf("%s\n", r->derived_message);
	printf("* p < 0.05, ** p < 0.01, *** p < 0.001 (each test on its own, not adjusted).\n");
	return CLI_OK;
}

int cmd_gap(struct cli *cli, int argc, char **argv)
{
	struct gap_args a;
	memset(&a, 0, sizeof a);
	cli_query_init(&a.cq);
	a.spec.derived = true;
	a.spec.outcome = TP_METRIC_NPS;
	a.outcome_text = "nps";
	a.spec.level = 0.95;
	int rc = gap_parse(cli, &a, argc, argv);
	if (rc < 0) {
		rc = CLI_OK;
	} else if (rc == CLI_OK) {
		struct tp_store *store = NULL;
		struct tp_dataset *ds = NULL;
		struct tp_gap_result *r = NULL;
		struct tp_error err;
		a.spec.filter = &a.cq.q;
		rc = open_dataset(cli, &store, &ds);
		if (rc == CLI_OK && tp_gap_run(ds, &a.spec, &r, &err) != TP_OK)
			rc = cli_fail(&err);
		else if (rc == CLI_OK)
			rc = a.json ? gap_json(&a, r) : gap_table(&a, r);
		tp_gap_free(r);
		tp_dataset_free(ds);
		tp_store_close(store);
	}
	free(a.buf);
	cli_query_free(&a.cq);
	return finish(rc);
}

/* --- linkage --- */

static const char linkage_help[] =
	"Usage: touchpoint [--db PATH] linkage [OPTIONS]\n"
	"\n"
	"Employee linkage (seed 002 #3): each team's eNPS (employees' nps answers)\n"
	"and engagement (a numeric attribute) beside the customer indicator of\n"
	"the touchpoints the team owns (touchpoint.owner = the team), or of the\n"
	"customers sharing an attribute value with the employees (--by attr:NAME);\n"
	"then Pearson's r across the teams with a Fisher z 95% interval and\n"
	"p-value, and Spearman's rho. At least 5 teams are needed; teams with\n"
	"fewer than 5 distinct employees are hidden (as in report).\n"
	"\n"
	"  --team-attr NAME    employees' team attribute (default team)\n"
	"  --by owner|attr:NAME  how teams meet customers (default owner)\n"
	"  --metric M          customers' indicator: nps (default), csat, ces\n"
	"  --engagement NAME   engagement attribute (default engagement; optional)\n"
	"  --anonymity N       hide teams under N employees (default 5)\n"
	"  --from DATE, --to DATE, --where NAME=VALUE  as in `touchpoint report`\n"
	"  --json              print JSON\n"
	"  --db PATH           the database\n"
	"\n"
	"Exit status: 0 success, 1 invalid data, 2 usage error.\n";

static int linkage_parse(struct cli *cli, struct cli_query *cq, struct tp_linkage_spec *s,
			 bool *json, int argc, char **argv)
{
	static const struct option opts[] = {
		{"team-attr", required_argument, NULL, 'T'},
		{"by", required_argument, NULL, 'b'},
		{"metric", required_argument, NULL, 'm'},
		{"engagement", required_argument, NULL, 'e'},
		{"anonymity", required_argument, NULL, 'A'},
		COMMON_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	int c, rc;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(linkage_help, stdout);
			return -1;
		}
		if (c == '?' || c == ':')
			return cli_bad_option("linkage", argc, argv);
		if (common_option(cli, cq, "linkage", c, optarg, json, &rc)) {
			if (rc != CLI_OK)
				return rc;
			continue;
		}
		char *end;
		switch (c) {
		case 'T': s->team_attr = optarg; break;
		case 'e': s->engagement_attr = optarg; break;
		case 'b':
			if (strcmp(optarg, "owner") == 0)
				s->by_attr = NULL;
			else if (strncmp(optarg, "attr:", 5) == 0 && optarg[5])
				s->by_attr = optarg + 5;
			else
				return cli_usage("linkage", "--by takes owner or attr:NAME, not \"%s\"",
						 optarg);
			break;
		case 'm':
			if ((strcmp(optarg, "nps") && strcmp(optarg, "csat") &&
			     strcmp(optarg, "ces")))
				return cli_usage("linkage", "unknown --metric \"%s\" (nps, csat, ces)",
						 optarg);
			tp_metric_parse(optarg, &s->metric);
			break;
		case 'A':
			errno = 0;
			s->anonymity = strtoll(optarg, &end, 10);
			if (errno || *end || end == optarg || s->anonymity < 1 ||
			    s->anonymity > 1000000)
				return cli_usage("linkage", "--anonymity needs a whole number from 1, "
							    "not \"%s\"", optarg);
			break;
		default: return CLI_USAGE_ERROR;
		}
	}
	if (optind < argc)
		return cli_usage("linkage", "unexpected argument \"%s\"", argv[optind]);
	return CLI_OK;
}

static int linkage_json(const struct tp_linkage_spec *s, const struct tp_linkage_result *r)
{
	json_t *root = json_pack("{s:s, s:s, s:s}", "metric", tp_metric_name(s->metric), "by",
				 s->by_attr ? "attr" : "owner", "team_attr",
				 s->by_attr ? s->by_attr : s->team_attr ? s->team_attr : "team");
	json_t *teams = json_array();
	for (size_t k = 0; k < r->n_teams; k++) {
		const struct tp_linkage_team *t = &r->teams[k];
		if (t->hidden)
			continue;
		json_t *o = json_pack("{s:s, s:I, s:o, s:o}", "team", t->team, "employees",
				      (json_int_t)t->employees, "enps", jest(&t->enps), "customer",
				      jest(&t->customer));
		if (t->has_engagement)
			json_object_set_new(o, "engagement", jest(&t->engagement));
		if (!s->by_attr)
			json_object_set_new(o, "touchpoints",
					    json_integer((json_int_t)t->touchpoints));
		json_array_append_new(teams, o);
	}
	json_object_set_new(root, "teams", teams);
	json_object_set_new(root, "hidden", json_integer((json_int_t)r->hidden));
	json_object_set_new(root, "paired", json_integer((json_int_t)r->paired));
	json_object_set_new(root, "min_teams", json_integer(TP_LINKAGE_MIN_TEAMS));
	json_object_set_new(root, "enps_vs_customer", jcorr(&r->enps_vs_customer));
	if (r->has_engagement)
		json_object_set_new(root, "engagement_vs_customer",
				    jcorr(&r->engagement_vs_customer));
	if (r->message[0])
		json_object_set_new(root, "message", json_string(r->message));
	return emit_json(root);
}

static void est_cell(char *buf, size_t size, const struct tp_estimate *e, int dec)
{
	if (!e->has_value)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.*f (n %lld)", dec, e->value, (long long)e->n);
}

static void print_corr(const char *what, const struct tp_correlation *c)
{
	printf("%s: ", what);
	if (!c->has_value) {
		printf("-\n");
		return;
	}
	printf("r = %+.2f", c->r);
	if (c->has_ci)
		printf(" [%+.2f, %+.2f]", c->lo, c->hi);
	printf(", p = %.4f; Spearman rho = %+.2f, p = %.4f (%zu teams)\n", c->p_value, c->rho,
	       c->rho_p, c->n);
}

static int linkage_table(const struct cli_query *cq, const struct tp_linkage_spec *s,
			 const struct tp_linkage_result *r)
{
	char filters[1024], a[64], b[64], e[64];
	int dec = s->metric == TP_METRIC_CES ? 2 : 1;
	printf("Employee linkage: teams' eNPS and engagement against customers' %s (%s), %s\n\n",
	       tp_metric_name(s->metric), s->by_attr ? "shared attribute" : "touchpoints owned",
	       cli_query_describe(cq, filters, sizeof filters));
	printf("%-24s  %9s  %-16s  %-16s  %s\n", "team", "employees", "eNPS", "engagement",
	       "customers");
	for (size_t k = 0; k < r->n_teams; k++) {
		const struct tp_linkage_team *t = &r->teams[k];
		if (t->hidden)
			continue;
		est_cell(a, sizeof a, &t->enps, 1);
		est_cell(e, sizeof e, &t->engagement, 2);
		est_cell(b, sizeof b, &t->customer, dec);
		cli_print_cell(stdout, t->team, 24);
		printf("  %9lld  %-16s  %-16s  %s\n", (long long)t->employees, a,
		       t->has_engagement ? e : "-", b);
	}
	if (r->hidden)
		printf("%zu team(s) with fewer than %lld employees hidden.\n", r->hidden,
		       (long long)(s->anonymity > 0 ? s->anonymity : 5));
	putchar('\n');
	if (r->message[0]) {
		printf("%s\n", r->message);
		return CLI_OK;
	}
	print_corr("eNPS vs customers", &r->enps_vs_customer);
	if (r->has_engagement)
		print_corr("engagement vs customers", &r->engagement_vs_customer);
	printf("Interval: Fisher z; p-values: t test of r = 0 on n - 2 df. A correlation\n"
	       "across teams is not a cause.\n");
	return CLI_OK;
}

int cmd_linkage(struct cli *cli, int argc, char **argv)
{
	struct cli_query cq;
	struct tp_linkage_spec s = {.metric = TP_METRIC_NPS, .anonymity = 5, .level = 0.95};
	bool json = false;
	cli_query_init(&cq);
	int rc = linkage_parse(cli, &cq, &s, &json, argc, argv);
	if (rc < 0) {
		rc = CLI_OK;
	} else if (rc == CLI_OK) {
		struct tp_store *store = NULL;
		struct tp_dataset *ds = NULL;
		struct tp_linkage_result *r = NULL;
		struct tp_error err;
		s.filter = &cq.q;
		rc = open_dataset(cli, &store, &ds);
		if (rc == CLI_OK && tp_linkage_run(ds, &s, &r, &err) != TP_OK)
			rc = cli_fail(&err);
		else if (rc == CLI_OK)
			rc = json ? linkage_json(&s, r) : linkage_table(&cq, &s, r);
		tp_linkage_free(r);
		tp_dataset_free(ds);
		tp_store_close(store);
	}
	cli_query_free(&cq);
	return finish(rc);
}

/* --- flags --- */

static const char flags_help[] =
	"Usage: touchpoint [--db PATH] flags [OPTIONS]\n"
	"\n"
	"Experience is not satisfaction (seed 002 #1): per touchpoint, customers'\n"
	"CSAT and mean emotion (-3..+3) with 95% intervals, and a flag where they\n"
	"disagree. Judged with at least 30 CSAT and 30 emotion answers:\n"
	"  satisfied without emotion       CSAT lower bound >= 65%, emotion upper < +1\n"
	"  satisfied but negative emotion  CSAT lower bound >= 65%, emotion upper < 0\n"
	"  emotion without satisfaction    CSAT upper bound < 50%, emotion lower > 0\n"
	"Once `touchpoint text analyze` has run, also the comments' mean sentiment\n"
	"(compound, -1..1, t interval), judged with at least 30 analysed comments:\n"
	"  satisfied but negative comments CSAT lower bound >= 65%, sentiment upper < 0\n"
	"\n"
	"  --all               list every touchpoint, not only the flagged ones\n"
	"  --from DATE, --to DATE, --where NAME=VALUE  as in `touchpoint report`\n"
	"  --json              print JSON (every touchpoint)\n"
	"  --db PATH           the database\n"
	"\n"
	"Exit status: 0 success, 1 invalid data, 2 usage error.\n";

int cmd_flags(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		COMMON_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	struct cli_query cq;
	bool json = false, all = false;
	int c, rc = CLI_OK;
	cli_query_init(&cq);
	optind = 1;
	opterr = 0;
	while (rc == CLI_OK && (c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(flags_help, stdout);
			cli_query_free(&cq);
			return CLI_OK;
		}
		if (c == '?' || c == ':')
			rc = cli_bad_option("flags", argc, argv);
		else if (c == 'a')
			all = true;
		else
			common_option(cli, &cq, "flags", c, optarg, &json, &rc);
	}
	if (rc == CLI_OK && optind < argc)
		rc = cli_usage("flags", "unexpected argument \"%s\"", argv[optind]);
	struct tp_store *store = NULL;
	struct tp_dataset *ds = NULL;
	struct tp_flags *f = NULL;
	struct tp_error err;
	if (rc == CLI_OK)
		rc = open_dataset(cli, &store, &ds);
	if (rc == CLI_OK && (tp_dataset_load_sentiment(ds, store, &err) != TP_OK ||
			     tp_flags_run(ds, &cq.q, &f, &err) != TP_OK))
		rc = cli_fail(&err);
	if (rc == CLI_OK) {
		const struct tp_journey *j = tp_dataset_journey(ds);
		if (json) {
			json_t *list = json_array();
			for (size_t k = 0; k < f->n_rows; k++) {
				const struct tp_flag_row *row = &f->rows[k];
				json_array_append_new(
				    list, json_pack("{s:s, s:o, s:o, s:o, s:o, s:b}", "touchpoint",
						    j->touchpoints[row->touchpoint].id, "csat",
						    jest(&row->csat), "emotion", jest(&row->emotion),
						    "flag", row->flag ? json_string(tp_flag_name(row->flag))
								      : json_null(),
						    "sentiment", jest(&row->sentiment),
						    "negative_text", row->negative_text));
			}
			rc = emit_json(json_pack("{s:I, s:o}", "min_n", (json_int_t)TP_FLAGS_MIN_N,
						 "touchpoints", list));
		} else {
			char filters[1024], a[64], b[64], t[64];
			size_t shown = 0;
			printf("Experience is not satisfaction: CSAT against emotion, %s\n\n",
			       cli_query_describe(&cq, filters, sizeof filters));
			printf("%-24s  %-18s  %-18s  %-18s  %s\n", "touchpoint", "CSAT %", "emotion",
			       "text sentiment", "flag");
			for (size_t k = 0; k < f->n_rows; k++) {
				const struct tp_flag_row *row = &f->rows[k];
				if (!all && !row->flag)
					continue;
				est_cell(a, sizeof a, &row->csat, 1);
				est_cell(b, sizeof b, &row->emotion, 2);
				est_cell(t, sizeof t, &row->sentiment, 2);
				cli_print_cell(stdout, j->touchpoints[row->touchpoint].id, 24);
				printf("  %-18s  %-18s  %-18s", a, b, t);
				if (row->flag)
					printf("  %s", tp_flag_name(row->flag));
				if (row->negative_text && row->flag != TP_FLAG_NEGATIVE_TEXT)
					printf("; %s", tp_flag_name(TP_FLAG_NEGATIVE_TEXT));
				putchar('\n');
				shown++;
			}
			if (!shown)
				printf("(no touchpoint is flagged)\n");
			printf("\nThresholds: see `touchpoint flags --help` and docs/analysis.md.\n");
		}
	}
	tp_flags_free(f);
	tp_dataset_free(ds);
	tp_store_close(store);
	cli_query_free(&cq);
	return finish(rc);
}

/* --- estimates (map --estimates) --- */

int cli_print_estimates(const struct tp_dataset *ds, const struct cli_query *cq,
			enum tp_metric metric)
{
	struct tp_estimates *e = NULL;
	struct tp_error err;
	if (tp_estimates_run(ds, metric, &cq->q, &e, &err) != TP_OK)
		return cli_fail(&err);
	const struct tp_journey *j = tp_dataset_journey(ds);
	int dec = metric == TP_METRIC_CES ? 2 : 1;
	printf("\nStaff estimates of customers' %s (attribute %s%s, employees and leaders):\n",
	       tp_metric_name(metric), TP_ESTIMATE_PREFIX, tp_metric_name(metric));
	if (e->n_rows == 0)
		printf("  none: no employee or leader response carries %s%s\n", TP_ESTIMATE_PREFIX,
		       tp_metric_name(metric));
	else
		printf("  %-24s  %-18s  %-20s  %s\n", "touchpoint", "measured", "estimated",
		       "estimate - measured");
	for (size_t k = 0; k < e->n_rows; k++) {
		const struct tp_estimate_row *row = &e->rows[k];
		char a[64], b[64];
		est_cell(a, sizeof a, &row->measured, dec);
		snprintf(b, sizeof b, "%.*f (n %lld)", dec, row->estimates.mean,
			 (long long)row->estimates.n);
		printf("  ");
		cli_print_cell(stdout, j->touchpoints[row->touchpoint].id, 24);
		printf("  %-18s  %-20s  ", a, b);
		if (row->has_test)
			printf("%+.*f, z = %.2f, p = %.4f%s\n", dec, row->diff, row->z, row->p_value,
			       sig(row->p_value));
		else
			printf("%s\n", row->measured.has_value ? "-" : "not measured");
	}
	if (e->n_rows)
		printf("  z test of estimate mean = measured (standard errors added); * p < 0.05, "
		       "** p < 0.01, *** p < 0.001\n");
	tp_estimates_free(e);
	return CLI_OK;
}
