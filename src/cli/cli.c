/* cli/cli.c - helpers shared by the commands: errors, store opening, and
 * text layout that counts characters rather than bytes. */
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/utf8.h"

int cli_fail(const struct tp_error *err)
{
	fprintf(stderr, "touchpoint: %s\n", err->message[0] ? err->message
							    : tp_strerror(err->status));
	return CLI_USER_ERROR;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "touchpoint %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry `touchpoint %s --help`.\n", cmd);
	return CLI_USAGE_ERROR;
}

int cli_open_store(const struct cli *cli, enum tp_store_mode mode, struct tp_store **out)
{
	struct tp_error err;
	const char *path = tp_store_default_path(cli->db_path);
	if (tp_store_open(path, mode, out, &err) != TP_OK)
		return cli_fail(&err);
	return CLI_OK;
}

bool cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	}
	return false;
}

size_t cli_text_width(const char *s)
{
	size_t len = strlen(s);
	return tp_utf8_valid(s, len, NULL) ? tp_utf8_length(s, len) : len;
}

const char *cli_fmt1(double v, char *buf, size_t size)
{
	if (fabs(v) < 0.05)
		v = 0.0;
	snprintf(buf, size, "%.1f", v);
	return buf;
}

void cli_print_cell(FILE *out, const char *s, size_t width)
{
	if (!s)
		s = "";
	size_t len = strlen(s);
	size_t chars = cli_text_width(s);
	if (chars <= width) {
		fputs(s, out);
		for (size_t i = chars; i < width; i++)
			fputc(' ', out);
		return;
	}
	size_t keep = tp_utf8_valid(s, len, NULL) ? tp_utf8_prefix(s, len, width - 1) : width - 1;
	fwrite(s, 1, keep, out);
	fputs("…", out);
}

const char *cli_thousands(long long n, char *buf, size_t size)
{
	char digits[32];
	int len = snprintf(digits, sizeof digits, "%lld", n < 0 ? -n : n);
	size_t o = 0;
	if (n < 0 && o + 1 < size)
		buf[o++] = '-';
	for (int i = 0; i < len && o + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

void cli_write_trimmed(FILE *out, const char *text, size_t len)
{
	size_t start = 0;
	while (start < len) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - text) : len, stop = end;
		while (stop > start && text[stop - 1] == ' ')
			stop--;
		fwrite(text + start, 1, stop - start, out);
		if (nl)
			fputc('\n', out);
		start = end + 1;
	}
}

/* Terminal columns of s: UTF-8 characters (bytes if not valid UTF-8). */

int cli_attr_list(const char *cmd, const char *opt, const char *forms, char *buf,
		  const char **names, size_t max, size_t *n)
{
	char *save = NULL;
	*n = 0;
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (strncmp(w, "attr:", 5) != 0 || !w[5] || strlen(w + 5) > 200)
			return cli_usage(cmd, "%s takes %s, not \"%s\"", opt, forms, w);
		if (*n >= max)
			return cli_usage(cmd, "%s takes at most %zu attributes", opt, max);
		for (size_t k = 0; k < *n; k++)
			if (strcmp(names[k], w + 5) == 0)
				return cli_usage(cmd, "%s names %s twice", opt, w);
		names[(*n)++] = w + 5;
	}
	if (*n == 0)
		return cli_usage(cmd, "%s needs %s", opt, forms);
	return CLI_OK;
}

int cli_bad_option(const char *cmd, int argc, char **argv)
{
	const char *prev = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	if (strncmp(prev, "--", 2) == 0 && prev[2]) {
		/* A long option: unknown (optopt 0) or without its value. */
		size_t name = strcspn(prev, "=");
		if (optopt == 0)
			return cli_usage(cmd, "unknown option %.*s", (int)name, prev);
		return cli_usage(cmd, "%.*s needs a value", (int)name, prev);
	}
	/* A short option: getopt stays on a group of letters it has not
	 * finished ("-AbC"), else it has moved past it. */
	const char *in = optind < argc && argv[optind][0] == '-' && optopt > 0 && optopt < 128 &&
				 strchr(argv[optind] + 1, optopt)
			     ? argv[optind]
			     : prev;
	if (optopt > 32 && optopt < 127 && strlen(in) == 2)
		return cli_usage(cmd, "unknown option -%c, or it needs a value", optopt);
	if (optopt > 32 && optopt < 127)
		return cli_usage(cmd, "unknown option -%c (in \"%s\"); a value starting with '-' "
				      "goes after --",
				 optopt, in);
	return cli_usage(cmd, "unknown option %s", in);
}
