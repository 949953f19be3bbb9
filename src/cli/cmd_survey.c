/* cli/cmd_survey.c - `touchpoint survey create|list|qr`: survey links and
 * their QR codes. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "view/view.h"

static const char help[] =
    "Usage: touchpoint [--db PATH] survey create --touchpoint ID [--questions LIST]\n"
    "                                     [--lang es|en] [--invitation NAME]...\n"
    "       touchpoint [--db PATH] survey list [--touchpoint ID]\n"
    "       touchpoint [--db PATH] survey qr TOKEN [--base-url URL]\n"
    "                                     [--svg FILE | --png FILE]\n"
    "       (a token made by an earlier version may start with '-': put it after --)\n"
    "\n"
    "create  makes a survey link for a touchpoint and prints its path, /s/TOKEN\n"
    "        (served by `touchpoint serve`). The token is 128 random bits: only\n"
    "        who has the link can answer. With --invitation, one link per NAME\n"
    "        is made, one path a line in the order given; each answers once.\n"
    "  --questions LIST  which questions the page asks, comma-separated among\n"
    "                    nps,csat,ces,emotion,comment (default: all)\n"
    "  --lang es|en      the page's language (default: the browser's)\n"
    "list    prints the links: token, touchpoint, questions, language,\n"
    "        invitation, created and used dates (tab-separated)\n"
    "qr      writes the QR code of BASE-URL/s/TOKEN as SVG (default: on stdout)\n"
    "        or PNG\n"
    "  --base-url URL    the server's public address (default\n"
    "                    http://127.0.0.1:8080)\n"
    "\n"
    "  --db PATH   the database (default: $TOUCHPOINT_DB, else ./touchpoint.db)\n";

#define MAX_INVITATIONS 10000

struct args {
	const char *touchpoint, *questions, *lang, *base_url, *png, *svg;
	size_t n_inv;
	const char **inv;
};

static int create(struct cli *cli, const struct args *a)
{
	if (!a->touchpoint)
		return cli_usage("survey", "create needs --touchpoint ID");
	struct tp_error err;
	struct tp_survey_link link;
	memset(&link, 0, sizeof link);
	link.questions = TP_SURVEY_ALL;
	if (a->questions && tp_survey_questions_parse(a->questions, &link.questions, &err) != TP_OK)
		return cli_usage("survey", "--questions: %s", err.message);
	if (a->lang) {
		if (strcmp(a->lang, "es") != 0 && strcmp(a->lang, "en") != 0)
			return cli_usage("survey", "--lang must be es or en, not \"%s\"", a->lang);
		snprintf(link.lang, sizeof link.lang, "%s", a->lang);
	}
	if (strlen(a->touchpoint) > TP_RESPONSE_ID_MAX)
		return cli_usage("survey", "--touchpoint: the id is too long");
	snprintf(link.touchpoint, sizeof link.touchpoint, "%s", a->touchpoint);
	for (size_t i = 0; i < a->n_inv; i++)
		if (!a->inv[i][0] || strlen(a->inv[i]) > TP_SURVEY_INVITATION_MAX)
			return cli_usage("survey", "--invitation needs a name of 1 to %d bytes",
					 TP_SURVEY_INVITATION_MAX);
	struct tp_store *store;
	int rc = cli_open_store(cli, TP_STORE_CREATE, &store);
	if (rc != CLI_OK)
		return rc;
	size_t n = a->n_inv ? a->n_inv : 1;
	char(*tokens)[TP_SURVEY_TOKEN_LEN + 1] = calloc(n, sizeof *tokens);
	enum tp_status st =
	    tokens ? tp_store_begin(store, &err) : tp_error_set(&err, TP_ENOMEM, "out of memory");
	link.created_at = (int64_t)time(NULL);
	for (size_t i = 0; i < n && st == TP_OK; i++) {
		snprintf(link.invitation, sizeof link.invitation, "%s", a->n_inv ? a->inv[i] : "");
		st = tp_survey_token_new(link.token, &err);
		if (st == TP_OK)
			st = tp_store_survey_create(store, &link, &err);
		memcpy(tokens[i], link.token, sizeof link.token);
	}
	if (st == TP_OK)
		st = tp_store_commit(store, &err);
	else if (tokens)
		tp_store_rollback(store, NULL);
	if (st == TP_OK)
		for (size_t i = 0; i < n; i++)
			printf("/s/%s\n", tokens[i]);
	free(tokens);
	tp_store_close(store);
	return st == TP_OK ? CLI_OK : cli_fail(&err);
}

static int print_link(const struct tp_survey_link *l, void *ctx)
{
	(void)ctx;
	char q[64], created[32], used[32] = "";
	time_t t = (time_t)l->created_at;
	struct tm tm;
	strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	if (l->used_at) {
		t = (time_t)l->used_at;
		strftime(used, sizeof used, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	}
	printf("/s/%s\t%s\t%s\t%s\t%s\t%s\t%s\n", l->token, l->touchpoint,
	       tp_survey_questions_format(l->questions, q, sizeof q), l->lang[0] ? l->lang : "-",
	       l->invitation[0] ? l->invitation : "-", created, used[0] ? used : "-");
	return 0;
}

static int list(struct cli *cli, const struct args *a)
{
	struct tp_store *store;
	struct tp_error err;
	int rc = cli_open_store(cli, TP_STORE_READ, &store);
	if (rc != CLI_OK)
		return rc;
	enum tp_status st = tp_store_survey_list(store, a->touchpoint, print_link, NULL, &err);
	tp_store_close(store);
	return st == TP_OK ? CLI_OK : cli_fail(&err);
}

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
	bool ok = f && fwrite(data, 1, len, f) == len;
	if (f && f != stdout)
		ok = fclose(f) == 0 && ok;
	if (!ok) {
		struct tp_error err;
		tp_error_set(&err, TP_EIO, "%s: cannot write the QR code", path);
		return cli_fail(&err);
	}
	return CLI_OK;
}

static int qr(const char *token, const struct args *a)
{
	if (!tp_survey_token_valid(token))
		return cli_usage("survey",
				 "\"%s\" is not a survey token (22 characters "
				 "A-Z a-z 0-9 - _)",
				 token);
	if (a->png && a->svg)
		return cli_usage("survey", "give --png or --svg, not both");
	const char *base = a->base_url ? a->base_url : "http://127.0.0.1:8080";
	size_t n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	char *url = malloc(n + TP_SURVEY_TOKEN_LEN + 8);
	if (!url)
		return CLI_USER_ERROR;
	snprintf(url, n + TP_SURVEY_TOKEN_LEN + 8, "%.*s/s/%s", (int)n, base, token);
	int rc;
	if (a->png) {
		size_t len;
		unsigned char *png = tp_qr_png(url, 8, &len);
		rc = png ? write_file(a->png, png, len) : CLI_USER_ERROR;
		free(png);
	} else {
		struct tp_buf b;
		tp_buf_init(&b);
		bool ok = tp_qr_svg(&b, url);
		char *svg = tp_buf_take(&b);
		rc = ok && svg ? write_file(a->svg ? a->svg : "-", svg, strlen(svg))
			       : CLI_USER_ERROR;
		free(svg);
	}
	if (rc == CLI_USER_ERROR && !a->png && !a->svg)
		fputs("touchpoint: cannot encode the URL as a QR code\n", stderr);
	free(url);
	return rc;
}

/* Runs the subcommand in argv[optind..]. */
static int dispatch(struct cli *cli, const struct args *a, int argc, char **argv)
{
	if (optind >= argc)
		return cli_usage("survey", "missing subcommand (create, list or qr)");
	const char *sub = argv[optind++];
	int left = argc - optind;
	if (strcmp(sub, "qr") == 0)
		return left == 1 ? qr(argv[optind], a) : cli_usage("survey", "qr needs one TOKEN");
	if (strcmp(sub, "create") != 0 && strcmp(sub, "list") != 0)
		return cli_usage("survey", "unknown subcommand \"%s\" (create, list or qr)", sub);
	if (left > 0)
		return cli_usage("survey", "unexpected argument \"%s\"", argv[optind]);
	return strcmp(sub, "create") == 0 ? create(cli, a) : list(cli, a);
}

int cmd_survey(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"touchpoint", required_argument, NULL, 't'},
	    {"questions", required_argument, NULL, 'q'},
	    {"lang", required_argument, NULL, 'l'},
	    {"invitation", required_argument, NULL, 'i'},
	    {"base-url", required_argument, NULL, 'b'},
	    {"png", required_argument, NULL, 'p'},
	    {"svg", required_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct args a;
	memset(&a, 0, sizeof a);
	a.inv = calloc((size_t)argc + 1, sizeof *a.inv);
	if (!a.inv)
		return CLI_USER_ERROR;
	int c, rc = CLI_OK;
	optind = 1;
	opterr = 0;
	while (rc == CLI_OK && (c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(help, stdout);
			free(a.inv);
			return CLI_OK;
		case 'd':
			cli->db_path = optarg;
			break;
		case 't':
			a.touchpoint = optarg;
			break;
		case 'q':
			a.questions = optarg;
			break;
		case 'l':
			a.lang = optarg;
			break;
		case 'i':
			a.inv[a.n_inv++] = optarg;
			break;
		case 'b':
			a.base_url = optarg;
			break;
		case 'p':
			a.png = optarg;
			break;
		case 's':
			a.svg = optarg;
			break;
		default:
			rc = cli_bad_option("survey", argc, argv);
		}
	}
	if (rc == CLI_OK)
		rc = dispatch(cli, &a, argc, argv);
	free(a.inv);
	return rc;
}
