/* cli/cmd_serve.c - `touchpoint serve`: the HTTP server's front end.
 *
 * Reads the options (flags, else TOUCHPOINT_* environment variables, else
 * the defaults of touchpoint/web.h), starts the server with stderr as its
 * access log, and waits for SIGTERM or SIGINT to stop it cleanly. Its own
 * lines on stderr are JSON objects too ({"event": ...}), so the log stays
 * one JSON object a line. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "touchpoint/web.h"

static const char help[] =
    "Usage: touchpoint [--db PATH] serve [OPTIONS]\n"
    "\n"
    "Serves the JSON API over HTTP until SIGTERM or SIGINT (Ctrl-C), then stops\n"
    "accepting, lets the requests in flight finish and closes the database.\n"
    "Routes: GET /api/v1/journey, GET /api/v1/touchpoints, POST /api/v1/responses,\n"
    "GET /api/v1/indicators, GET /api/v1/openapi.json (the full description),\n"
    "the HTML pages, and the survey pages GET/POST /s/TOKEN, GET /s/TOKEN/qr.svg.\n"
    "\n"
    "THERE IS NO AUTHENTICATION YET: anyone who can reach the address can read\n"
    "the data and add responses. Keep the default loopback address, or put an\n"
    "authenticating proxy in front.\n"
    "\n"
    "Each option can also be set by the environment variable shown; a flag wins.\n"
    "  --listen ADDR:PORT  address to serve (TOUCHPOINT_LISTEN; default\n"
    "                      127.0.0.1:8080; [::1]:8080 for IPv6; port 0 picks\n"
    "                      a free port, shown in the first log line)\n"
    "  --db PATH           the database (TOUCHPOINT_DB; default ./touchpoint.db);\n"
    "                      created or upgraded like `touchpoint init`\n"
    "  --threads N         worker threads, each with its own database connection\n"
    "                      (TOUCHPOINT_THREADS; default 8 per core, 16 to 64)\n"
    "  --max-body SIZE     largest request body (TOUCHPOINT_MAX_BODY; default 1M);\n"
    "                      larger ones get 413\n"
    "  --max-header SIZE   largest total of request headers (TOUCHPOINT_MAX_HEADER;\n"
    "                      default 8K); larger get 431\n"
    "  --max-url SIZE      longest path and query string (TOUCHPOINT_MAX_URL;\n"
    "                      default 4K); longer get 414\n"
    "  --max-params N      most query parameters (TOUCHPOINT_MAX_PARAMS; default\n"
    "                      64); more get 400\n"
    "  --max-items N       most responses in one POST (TOUCHPOINT_MAX_ITEMS;\n"
    "                      default 10000); more get 413\n"
    "  --timeout SECONDS   idle connections are closed after this\n"
    "                      (TOUCHPOINT_TIMEOUT; default 30)\n"
    "  --grace SECONDS     on SIGTERM/SIGINT, how long requests in flight may take\n"
    "                      to finish (TOUCHPOINT_GRACE; default 30)\n"
    "  --public-url URL    the address people reach the server at, for survey QR\n"
    "                      codes (TOUCHPOINT_PUBLIC_URL; default http:// and the\n"
    "                      Host header when it names the listen address)\n"
    "\n"
    "SIZE is bytes, or a number with K or M (KiB, MiB).\n"
    "\n"
    "The log on stderr is one JSON object a line: access lines {\"time\", \"method\",\n"
    "\"path\", \"status\", \"bytes\", \"duration_ms\"} (no query strings, no bodies)\n"
    "and the server's own {\"time\", \"event\", ...} lines.\n"
    "\n"
    "Exit status: 0 after a clean stop, 1 when the server cannot start (database,\n"
    "address in use), 2 usage error.\n";

/* A value of an option: "1M", "512K", "100". */
static bool parse_size(const char *text, bool suffix, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno || end == text || text[0] == '-')
		return false;
	unsigned long long unit = 1;
	if (suffix && (*end == 'k' || *end == 'K'))
		unit = 1024;
	else if (suffix && (*end == 'm' || *end == 'M'))
		unit = 1024 * 1024;
	if (unit > 1)
		end++;
	if (*end || v == 0 || v > (unsigned long long)SIZE_MAX / unit)
		return false;
	*out = (size_t)(v * unit);
	return true;
}

/* The options that are sizes or counts in struct tp_web_options. */
struct size_opt {
	const char *flag; /* without "--" */
	bool suffix;      /* accepts K and M */
	size_t offset;    /* of the size_t in struct tp_web_options */
};

static const struct size_opt size_opts[] = {
	{"max-body", true, offsetof(struct tp_web_options, max_body)},
	{"max-header", true, offsetof(struct tp_web_options, max_header)},
	{"max-url", true, offsetof(struct tp_web_options, max_url)},
	{"max-params", false, offsetof(struct tp_web_options, max_params)},
	{"max-items", false, offsetof(struct tp_web_options, max_items)},
};

static int set_unsigned(const char *what, const char *text, unsigned *out)
{
	size_t v;
	if (!parse_size(text, false, &v) || v > 100000)
		return cli_usage("serve", "%s needs a whole number from 1 to 100000, not \"%s\"",
				 what, text);
	*out = (unsigned)v;
	return CLI_OK;
}

/* Applies option `name` (flag name) with text; `what` names it in errors. */
static int apply(struct tp_web_options *o, const char *name, const char *what, const char *text)
{
	if (strcmp(name, "listen") == 0) {
		o->listen = text;
		return CLI_OK;
	}
	if (strcmp(name, "public-url") == 0) {
		o->public_url = text;
		return CLI_OK;
	}
	if (strcmp(name, "threads") == 0)
		return set_unsigned(what, text, &o->threads);
	if (strcmp(name, "timeout") == 0)
		return set_unsigned(what, text, &o->timeout);
	if (strcmp(name, "grace") == 0)
		return set_unsigned(what, text, &o->grace);
	for (size_t i = 0; i < sizeof size_opts / sizeof size_opts[0]; i++) {
		if (strcmp(name, size_opts[i].flag) != 0)
			continue;
		size_t *field = (size_t *)((char *)o + size_opts[i].offset);
		if (!parse_size(text, size_opts[i].suffix, field))
			return cli_usage("serve", "%s needs a positive %s, not \"%s\"", what,
					 size_opts[i].suffix ? "size (bytes, or with K or M)"
							     : "whole number",
					 text);
		return CLI_OK;
	}
	return cli_usage("serve", "unknown option %s", what);
}

/* The TOUCHPOINT_* variables, applied before the flags. */
static int apply_env(struct tp_web_options *o)
{
	static const struct {
		const char *flag, *env;
	} vars[] = {
	    {"listen", "TOUCHPOINT_LISTEN"},	   {"threads", "TOUCHPOINT_THREADS"},
	    {"max-body", "TOUCHPOINT_MAX_BODY"},   {"max-header", "TOUCHPOINT_MAX_HEADER"},
	    {"max-url", "TOUCHPOINT_MAX_URL"},	   {"max-params", "TOUCHPOINT_MAX_PARAMS"},
	    {"max-items", "TOUCHPOINT_MAX_ITEMS"}, {"timeout", "TOUCHPOINT_TIMEOUT"},
	    {"grace", "TOUCHPOINT_GRACE"},	   {"public-url", "TOUCHPOINT_PUBLIC_URL"},
	};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i].env);
		if (!v || !*v)
			continue;
		int rc = apply(o, vars[i].flag, vars[i].env, v);
		if (rc != CLI_OK)
			return rc;
	}
	return CLI_OK;
}

static int parse_args(struct cli *cli, struct tp_web_options *o, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"listen", required_argument, NULL, 'o'},
	    {"threads", required_argument, NULL, 'o'},
	    {"max-body", required_argument, NULL, 'o'},
	    {"max-header", required_argument, NULL, 'o'},
	    {"max-url", required_argument, NULL, 'o'},
	    {"max-params", required_argument, NULL, 'o'},
	    {"max-items", required_argument, NULL, 'o'},
	    {"timeout", required_argument, NULL, 'o'},
	    {"grace", required_argument, NULL, 'o'},
	    {"public-url", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int rc = apply_env(o);
	if (rc != CLI_OK)
		return rc;
	int c, index;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, &index)) != -1) {
		if (c == 'h') {
			fputs(help, stdout);
			return -1;
		}
		if (c == 'd') {
			cli->db_path = optarg;
			continue;
		}
		if (c != 'o')
			return cli_bad_option("serve", argc, argv);
		char what[32];
		snprintf(what, sizeof what, "--%s", opts[index].name);
		rc = apply(o, opts[index].name, what, optarg);
		if (rc != CLI_OK)
			return rc;
	}
	if (optind < argc)
		return cli_usage("serve", "unexpected argument \"%s\"", argv[optind]);
	return CLI_OK;
}

/* Writes one {"time", "event", ...} line; takes fields' reference. */
static void log_event(const char *event, json_t *fields)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_t *line = json_pack("{s:s, s:s}", "time", when, "event", event);
	if (line && fields)
		json_object_update(line, fields);
	char *text = line ? json_dumps(line, JSON_COMPACT) : NULL;
	if (text)
		fprintf(stderr, "%s\n", text);
	fflush(stderr);
	free(text);
	json_decref(line);
	json_decref(fields);
}

static bool is_loopback(const char *address)
{
	return strncmp(address, "127.", 4) == 0 || strncmp(address, "[::1]", 5) == 0;
}

int cmd_serve(struct cli *cli, int argc, char **argv)
{
	struct tp_web_options o;
	tp_web_options_init(&o);
	int rc = parse_args(cli, &o, argc, argv);
	if (rc < 0)
		return CLI_OK;
	if (rc != CLI_OK)
		return rc;
	o.db_path = tp_store_default_path(cli->db_path);
	o.access_log = stderr;
	/* Blocked before the server's threads start, so that they inherit the
	 * mask and only sigwait() below receives these signals. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	struct tp_web_server *s = NULL;
	struct tp_error err;
	enum tp_status st = tp_web_start(&o, &s, &err);
	if (st == TP_EUSAGE)
		return cli_usage("serve", "%s", err.message);
	if (st != TP_OK)
		return cli_fail(&err);
	const char *address = tp_web_address(s);
	log_event("listening",
		  json_pack("{s:s, s:s, s:i, s:s}", "address", address, "db", o.db_path, "threads",
			    (int)tp_web_threads(s), "authentication", "none"));
	if (!is_loopback(address))
		log_event("warning", json_pack("{s:s}", "message",
					       "no authentication: anyone who can reach this "
					       "address can read the data and add responses"));
	int sig = 0;
	sigwait(&stop, &sig);
	log_event("stopping", json_pack("{s:s}", "signal", sig == SIGINT ? "SIGINT" : "SIGTERM"));
	tp_web_stop(s);
	log_event("stopped", NULL);
	return CLI_OK;
}
