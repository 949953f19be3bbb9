/* cli/cmd_map.c - `touchpoint map`: the journey map in the terminal.
 *
 * Phases are columns in journey order and channels are rows; each cell of
 * the grid that holds touchpoints shows their names, the indicator for that
 * phase x channel (one query grouped by phase and channel), its n and a
 * colour band. The layout fits 120 columns for up to 6 phases: names are
 * shortened with "…", never wrapped. ANSI colours are written only when
 * stdout is a terminal (and NO_COLOR is not set); the band is also written
 * as a word, so the map reads the same without colour. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/utf8.h"

static const char help[] =
	"Usage: touchpoint [--db PATH] map [--metric METRIC] [--from DATE] [--to DATE]\n"
	"                                  [--where NAME=VALUE]...\n"
	"\n"
	"Draws the journey map: phases as columns (in journey order), channels as\n"
	"rows. Each cell with touchpoints shows their names, the indicator over\n"
	"customers' answers for that phase and channel, its n and a band:\n"
	"\n"
	"  nps       poor < 0 <= fair < 30 <= good\n"
	"  csat      poor < 70 <= fair < 85 <= good (% of 4-5 answers)\n"
	"  ces       poor < 4 <= fair < 5.5 <= good (mean of 1-7)\n"
	"  emotion   poor < 0 <= fair < 1 <= good (mean of -3..3)\n"
	"\n"
	"On a terminal the bands are red, yellow and green. A cell whose\n"
	"touchpoints have no answers says \"not measured\"; \"·\" is a cell without\n"
	"touchpoints. n marked * is below 30: indicative only.\n"
	"\n"
	"  --metric METRIC     nps (default), csat, ces, emotion or sentiment (mean\n"
	"                      compound -1..1 of the analysed comments: poor < 0 <=\n"
	"                      fair < 0.3 <= good; touchpoint text analyze)\n"
	"  --estimates         after the map, employees' and leaders' estimates of\n"
	"                      each touchpoint's score (attribute estimate_nps,\n"
	"                      estimate_csat or estimate_ces) against the measured\n"
	"                      score, with a z test (docs/analysis.md)\n"
	"  --from DATE         answers submitted at or after DATE (ISO 8601)\n"
	"  --to DATE           answers up to DATE: a date alone (2026-03-31)\n"
	"                      includes that whole day; a date-time is exclusive\n"
	"  --where NAME=VALUE  only answers whose NAME (touchpoint, phase, channel\n"
	"                      or a segment attribute) is VALUE; the same NAME\n"
	"                      repeated: any of the values; different names: all\n"
	"  --db PATH           the database (default: $TOUCHPOINT_DB, else\n"
	"                      ./touchpoint.db)\n"
	"\n"
	"Exit status: 0 success, 1 invalid data or database, 2 usage error.\n";

#define MAP_WIDTH 120    /* terminal columns the map fits in */
#define LABEL_WIDTH 16   /* the channel column */
#define CELL_MIN 8       /* narrowest cell, for journeys of many phases */
#define CELL_MAX 26      /* widest cell, for journeys of few phases */
#define GAP 1            /* spaces before each cell */

enum band { BAND_POOR, BAND_FAIR, BAND_GOOD };

/* The band edges of each metric the map shows: poor < lo <= fair < hi <= good. */
struct scale {
	enum tp_metric metric;
	const char *label;
	double lo, hi;
	const char *unit;
};

static const struct scale scales[] = {
	{TP_METRIC_NPS, "NPS", 0, 30, ""},
	{TP_METRIC_CSAT, "CSAT", 70, 85, "%"},
	{TP_METRIC_CES, "CES", 4, 5.5, ""},
	{TP_METRIC_EMOTION, "emotion", 0, 1, ""},
	{TP_METRIC_SENTIMENT, "sentiment", 0, 0.3, ""}, /* mean compound (textlearn) */
};

static const char *const band_word[] = {"poor", "fair", "good"};
static const char *const band_colour[] = {"\033[31m", "\033[33m", "\033[32m"};
static const char *const band_colour_name[] = {"red", "yellow", "green"};
#define COLOUR_OFF "\033[0m"

static enum band band_of(const struct scale *s, double v)
{
	if (v < s->lo)
		return BAND_POOR;
	return v < s->hi ? BAND_FAIR : BAND_GOOD;
}

/* Prints s in exactly width columns: shortened with "…" or padded with
 * blanks (which cli_write_trimmed drops at the end of a line). Only the
 * text is coloured, never the padding. */
static void cell(FILE *out, const char *s, size_t width, const char *colour)
{
	size_t w = cli_text_width(s);
	if (colour)
		fputs(colour, out);
	if (w > width)
		cli_print_cell(out, s, width);
	else
		fputs(s, out);
	if (colour)
		fputs(COLOUR_OFF, out);
	for (; w < width; w++)
		fputc(' ', out);
}

/* Prints a whole line of text shortened to MAP_WIDTH columns. */
static void line(FILE *out, const char *s)
{
	if (cli_text_width(s) > MAP_WIDTH)
		cli_print_cell(out, s, MAP_WIDTH);
	else
		fputs(s, out);
	fputc('\n', out);
}

/* What one cell of the grid shows. */
#define NAMES_FULL (4 * CELL_MAX) /* bytes of names beyond any cell's width */
struct map_cell {
	char names[NAMES_FULL + 8 * CELL_MAX]; /* its touchpoints' names, or "" */
	const struct tp_group *g; /* its group, or NULL when not measured */
};

struct map {
	const struct tp_journey *j;
	const struct scale *scale;
	struct map_cell *cells; /* n_channels x n_phases, row by row */
	size_t cell_width;
	bool colour;
	int64_t min_n;
};

static void join_names(struct map *m)
{
	const struct tp_journey *j = m->j;
	for (size_t t = 0; t < j->n_touchpoints; t++) {
		const struct tp_touchpoint *tp = &j->touchpoints[t];
		size_t p = 0, c = 0;
		while (p < j->n_phases && strcmp(j->phases[p].id, tp->phase))
			p++;
		while (c < j->n_channels && strcmp(j->channels[c].id, tp->channel))
			c++;
		if (p == j->n_phases || c == j->n_channels)
			continue;
		/* A cell shows at most CELL_MAX characters: keep whole characters
		 * of each name, and no more names once the cell is full. */
		char *names = m->cells[c * j->n_phases + p].names;
		size_t len = strlen(names), nlen = strlen(tp->name);
		if (len > NAMES_FULL)
			continue;
		size_t keep = nlen;
		if (tp_utf8_valid(tp->name, nlen, NULL))
			keep = tp_utf8_prefix(tp->name, nlen, CELL_MAX + 1);
		else if (keep > CELL_MAX + 1)
			keep = CELL_MAX + 1;
		snprintf(names + len, sizeof m->cells[0].names - len, "%s%.*s", len ? ", " : "",
			 (int)keep, tp->name);
	}
}

static void place_groups(struct map *m, const struct tp_report *r)
{
	const struct tp_journey *j = m->j;
	for (size_t i = 0; i < r->n_groups; i++) {
		const struct tp_group *g = &r->groups[i];
		if (!g->key[0] || !g->key[1])
			continue;
		for (size_t p = 0; p < j->n_phases; p++) {
			if (strcmp(j->phases[p].id, g->key[0]))
				continue;
			for (size_t c = 0; c < j->n_channels; c++)
				if (strcmp(j->channels[c].id, g->key[1]) == 0)
					m->cells[c * j->n_phases + p].g = g;
		}
	}
}

/* Line k (0: names, 1: value and band, 2: n) of a cell. */
static void cell_line(FILE *out, struct map *m, const struct map_cell *mc, int k)
{
	size_t w = m->cell_width;
	char buf[64], v[32], n[32];
	const struct tp_group *g = mc->g;
	bool has_value = g && g->estimate.has_value;
	if (!mc->names[0]) {
		cell(out, k == 0 ? "·" : "", w, NULL);
	} else if (k == 0) {
		cell(out, mc->names, w, NULL);
	} else if (k == 1 && !has_value) {
		cell(out, "not measured", w, NULL);
	} else if (k == 1) {
		enum band b = band_of(m->scale, g->estimate.value);
		if (m->scale->metric == TP_METRIC_SENTIMENT) /* -1..1: two decimals */
			snprintf(v, sizeof v, "%.2f",
				 fabs(g->estimate.value) < 0.005 ? 0.0 : g->estimate.value);
		else
			cli_fmt1(g->estimate.value, v, sizeof v);
		snprintf(buf, sizeof buf, "%s%s %s", v, m->scale->unit, band_word[b]);
		cell(out, buf, w, m->colour ? band_colour[b] : NULL);
	} else if (has_value) {
		snprintf(buf, sizeof buf, "n=%s%s", cli_thousands(g->n, n, sizeof n),
			 g->small ? "*" : "");
		cell(out, buf, w, NULL);
	} else {
		cell(out, "", w, NULL);
	}
}

static void print_grid(FILE *out, struct map *m)
{
	const struct tp_journey *j = m->j;
	cell(out, "", LABEL_WIDTH, NULL);
	for (size_t p = 0; p < j->n_phases; p++) {
		fprintf(out, "%*s", GAP, "");
		cell(out, j->phases[p].name, m->cell_width, NULL);
	}
	fputc('\n', out);
	for (size_t c = 0; c < j->n_channels; c++) {
		fputc('\n', out);
		for (int k = 0; k < 3; k++) {
			cell(out, k == 0 ? j->channels[c].name : "", LABEL_WIDTH, NULL);
			for (size_t p = 0; p < j->n_phases; p++) {
				fprintf(out, "%*s", GAP, "");
				cell_line(out, m, &m->cells[c * j->n_phases + p], k);
			}
			fputc('\n', out);
		}
	}
}

static void print_legend(FILE *out, const struct map *m)
{
	const struct scale *s = m->scale;
	char buf[512];
	fputc('\n', out);
	snprintf(buf, sizeof buf, "%s bands: poor (%s) < %.10g%s ≤ fair (%s) < %.10g%s ≤ good (%s)",
		 s->label, band_colour_name[0], s->lo, s->unit, band_colour_name[1], s->hi,
		 s->unit, band_colour_name[2]);
	line(out, buf);
	snprintf(buf, sizeof buf,
		 "n=12*: fewer than %lld answers, indicative only · not measured: touchpoints "
		 "without answers · ·: no touchpoint",
		 (long long)m->min_n);
	line(out, buf);
}

static const struct scale *scale_of(const char *name)
{
	enum tp_metric metric;
	if (!tp_metric_parse(name, &metric))
		return NULL;
	for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++)
		if (scales[i].metric == metric)
			return &scales[i];
	return NULL;
}

static bool show_estimates; /* --estimates (gap) */

static int parse_args(struct cli *cli, struct cli_query *cq, const struct scale **scale,
		      int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},   {"metric", required_argument, NULL, 'm'},
		{"from", required_argument, NULL, 'f'}, {"to", required_argument, NULL, 't'},
		{"where", required_argument, NULL, 'w'}, {"help", no_argument, NULL, 'h'},
		{"estimates", no_argument, NULL, 'E'},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		int rc = CLI_OK;
		switch (c) {
		case 'h': fputs(help, stdout); return -1;
		case 'd': cli->db_path = optarg; break;
		case 'm':
			*scale = scale_of(optarg);
			if (!*scale)
				return cli_usage("map", "unknown --metric \"%s\" (nps, csat, ces, "
							"emotion, sentiment)", optarg);
			break;
		case 'f': rc = cli_query_filter(cq, "map", "from", optarg); break;
		case 't': rc = cli_query_filter(cq, "map", "to", optarg); break;
		case 'w': rc = cli_query_filter(cq, "map", "where", optarg); break;
		case 'E': show_estimates = true; break;
		default:
			return cli_bad_option("map", argc, argv);
		}
		if (rc != CLI_OK)
			return rc;
	}
	if (optind < argc)
		return cli_usage("map", "unexpected argument \"%s\"", argv[optind]);
	return CLI_OK;
}

static size_t cell_width(size_t n_phases)
{
	size_t w = n_phases ? (MAP_WIDTH - LABEL_WIDTH) / n_phases - GAP : CELL_MAX;
	if (w < CELL_MIN)
		return CELL_MIN;
	return w > CELL_MAX ? CELL_MAX : w;
}

static bool use_colour(void)
{
	const char *no = getenv("NO_COLOR");
	return isatty(STDOUT_FILENO) && !(no && no[0]);
}

static int draw(const struct tp_journey *j, const struct tp_report *r, const struct scale *s,
		const struct cli_query *cq)
{
	struct map m = {.j = j, .scale = s, .cell_width = cell_width(j->n_phases),
			.colour = use_colour(), .min_n = cq->q.min_n};
	char *text = NULL;
	size_t len = 0;
	m.cells = calloc(j->n_phases * j->n_channels + 1, sizeof *m.cells);
	FILE *out = m.cells ? open_memstream(&text, &len) : NULL;
	if (!out) {
		free(m.cells);
		fputs("touchpoint: out of memory\n", stderr);
		return CLI_USER_ERROR;
	}
	join_names(&m);
	place_groups(&m, r);
	char filters[1024], title[1400];
	snprintf(title, sizeof title, "%s — %s, customers, %s", j->name, s->label,
		 cli_query_describe(cq, filters, sizeof filters));
	line(out, title);
	fputc('\n', out);
	print_grid(out, &m);
	print_legend(out, &m);
	free(m.cells);
	if (fclose(out) != 0 || !text) {
		free(text);
		fputs("touchpoint: out of memory\n", stderr);
		return CLI_USER_ERROR;
	}
	cli_write_trimmed(stdout, text, len);
	free(text);
	if (fflush(stdout) != 0) {
		fputs("touchpoint: cannot write the map\n", stderr);
		return CLI_USER_ERROR;
	}
	return CLI_OK;
}

int cmd_map(struct cli *cli, int argc, char **argv)
{
	struct cli_query cq;
	cli_query_init(&cq);
	const struct scale *s = &scales[0];
	struct tp_store *store = NULL;
	struct tp_dataset *ds = NULL;
	struct tp_report *r = NULL;
	struct tp_error err;
	int rc = parse_args(cli, &cq, &s, argc, argv);
	if (rc != CLI_OK) {
		rc = rc < 0 ? CLI_OK : rc; /* --help */
		goto out;
	}
	cq.q.metric = s->metric;
	cq.q.n_by = 2;
	cq.q.by[0].dim = TP_BY_PHASE;
	cq.q.by[1].dim = TP_BY_CHANNEL;
	rc = cli_open_store(cli, TP_STORE_READ, &store);
	if (rc != CLI_OK)
		goto out;
	if (tp_dataset_open(store, &ds, &err) != TP_OK ||
	    (cq.q.metric == TP_METRIC_SENTIMENT && tp_dataset_load_sentiment(ds, store, &err) != TP_OK) ||
	    tp_report_run(ds, &cq.q, &r, &err) != TP_OK) {
		rc = cli_fail(&err);
		goto out;
	}
	const struct tp_journey *j = tp_dataset_journey(ds);
	if (!j || j->n_phases == 0) {
		fputs("touchpoint: no journey in the database yet (touchpoint journey import "
		      "FILE.json)\n", stderr);
		rc = CLI_USER_ERROR;
		goto out;
	}
	rc = draw(j, r, s, &cq);
	if (rc == CLI_OK && show_estimates) {
		if (s->metric == TP_METRIC_EMOTION || s->metric == TP_METRIC_SENTIMENT)
			fprintf(stdout, "\n(no estimates of %s: use --metric nps, csat or ces)\n",
				s->label);
		else
			rc = cli_print_estimates(ds, &cq, s->metric);
	}
out:
	if (r)
		tp_report_free(r);
	if (ds)
		tp_dataset_free(ds);
	tp_store_close(store);
	cli_query_free(&cq);
	return rc;
}
