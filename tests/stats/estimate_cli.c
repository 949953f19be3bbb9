/* tests/stats/estimate_cli.c - a line-oriented driver over stats/estimate.c
 * for check_estimates.py, which compares its answers with scipy and
 * statsmodels. Not installed; test use only.
 *
 * Reads one command per line on stdin, writes one answer line per command:
 *   nps P A D LEVEL                  -> est N HAS_VALUE VALUE HAS_CI LO HI
 *   prop S N LEVEL                   -> est ...
 *   mean LEVEL X1 ... Xn             -> est ...   (moments by tp_moments_add)
 *   mmean LEVEL X1 ... Xn            -> est ...   (three runs merged with
 *                                                  tp_moments_merge)
 *   npsdiff P A D P' A' D' LEVEL     -> chg HAS_VALUE DIFF LO HI P_VALUE
 *   propdiff S N S' N' LEVEL         -> chg ...
 *   meandiff LEVEL K X1 ... Xk Y1 ...-> chg ...   (K values before, the rest
 *                                                  after)
 * Booleans print as 0/1, doubles with %.17g. Blank lines are skipped. A
 * malformed line prints a message on stderr and exits with status 2. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/stats.h"

#define MAX_TOKENS 4096

struct line {
	char *tok[MAX_TOKENS];
	size_t n;
};

static int split(char *text, struct line *l)
{
	char *save = NULL;
	char *t = strtok_r(text, " \t\r\n", &save);

	l->n = 0;
	while (t) {
		if (l->n == MAX_TOKENS)
			return 0;
		l->tok[l->n++] = t;
		t = strtok_r(NULL, " \t\r\n", &save);
	}
	return 1;
}

static int to_int(const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		return 0;
	*out = v;
	return 1;
}

static int to_double(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return end != s && !*end && errno != ERANGE;
}

/* Parses tokens [from, from + count) as doubles into *xs (caller frees). */
static int to_doubles(const struct line *l, size_t from, size_t count, double **xs)
{
	*xs = malloc((count ? count : 1) * sizeof **xs);
	if (!*xs)
		return 0;
	for (size_t i = 0; i < count; i++) {
		if (!to_double(l->tok[from + i], &(*xs)[i]))
			return 0;
	}
	return 1;
}

static void print_estimate(struct tp_estimate e)
{
	printf("est %lld %d %.17g %d %.17g %.17g\n", (long long)e.n, e.has_value, e.value, e.has_ci,
	       e.lo, e.hi);
}

static void print_change(struct tp_change c)
{
	printf("chg %d %.17g %.17g %.17g %.17g\n", c.has_value, c.diff, c.lo, c.hi, c.p_value);
}

static struct tp_moments added(const double *x, size_t n)
{
	struct tp_moments m = {0};
	for (size_t i = 0; i < n; i++)
		tp_moments_add(&m, x[i]);
	return m;
}

/* The moments of x built as three runs, each by tp_moments_add, merged. */
static struct tp_moments merged(const double *x, size_t n)
{
	size_t a = n / 3, b = 2 * n / 3;
	struct tp_moments m1 = added(x, a), m2 = added(x + a, b - a), m3 = added(x + b, n - b);
	tp_moments_merge(&m2, &m3);
	tp_moments_merge(&m1, &m2);
	return m1;
}

static int run_nps(const struct line *l)
{
	int64_t v[3];
	double level;

	if (l->n != 5 || !to_int(l->tok[1], &v[0]) || !to_int(l->tok[2], &v[1]) ||
	    !to_int(l->tok[3], &v[2]) || !to_double(l->tok[4], &level))
		return 0;
	struct tp_nps_counts c = {v[0], v[1], v[2]};
	print_estimate(tp_nps_estimate(&c, level));
	return 1;
}

static int run_prop(const struct line *l)
{
	int64_t s, n;
	double level;

	if (l->n != 4 || !to_int(l->tok[1], &s) || !to_int(l->tok[2], &n) ||
	    !to_double(l->tok[3], &level))
		return 0;
	print_estimate(tp_proportion_estimate(s, n, level));
	return 1;
}

static int run_mean(const struct line *l, int merge)
{
	double level, *x = NULL;
	size_t n;
	struct tp_moments m;

	if (l->n < 2 || !to_double(l->tok[1], &level))
		return 0;
	n = l->n - 2;
	if (!to_doubles(l, 2, n, &x)) {
		free(x);
		return 0;
	}
	m = merge ? merged(x, n) : added(x, n);
	free(x);
	print_estimate(tp_mean_estimate(&m, level));
	return 1;
}

static int run_npsdiff(const struct line *l)
{
	int64_t v[6];
	double level;

	if (l->n != 8 || !to_double(l->tok[7], &level))
		return 0;
	for (size_t i = 0; i < 6; i++) {
		if (!to_int(l->tok[1 + i], &v[i]))
			return 0;
	}
	struct tp_nps_counts before = {v[0], v[1], v[2]}, after = {v[3], v[4], v[5]};
	print_change(tp_nps_change(&before, &after, level));
	return 1;
}

static int run_propdiff(const struct line *l)
{
	int64_t v[4];
	double level;

	if (l->n != 6 || !to_double(l->tok[5], &level))
		return 0;
	for (size_t i = 0; i < 4; i++) {
		if (!to_int(l->tok[1 + i], &v[i]))
			return 0;
	}
	print_change(tp_proportion_change(v[0], v[1], v[2], v[3], level));
	return 1;
}

static int run_meandiff(const struct line *l)
{
	double level, *x = NULL;
	int64_t k;
	size_t n;
	struct tp_moments before, after;

	if (l->n < 3 || !to_double(l->tok[1], &level) || !to_int(l->tok[2], &k) || k < 0 ||
	    (size_t)k > l->n - 3)
		return 0;
	n = l->n - 3;
	if (!to_doubles(l, 3, n, &x)) {
		free(x);
		return 0;
	}
	before = added(x, (size_t)k);
	after = added(x + k, n - (size_t)k);
	free(x);
	print_change(tp_mean_change(&before, &after, level));
	return 1;
}

static int run(const struct line *l)
{
	const char *cmd = l->tok[0];

	if (!strcmp(cmd, "nps"))
		return run_nps(l);
	if (!strcmp(cmd, "prop"))
		return run_prop(l);
	if (!strcmp(cmd, "mean"))
		return run_mean(l, 0);
	if (!strcmp(cmd, "mmean"))
		return run_mean(l, 1);
	if (!strcmp(cmd, "npsdiff"))
		return run_npsdiff(l);
	if (!strcmp(cmd, "propdiff"))
		return run_propdiff(l);
	if (!strcmp(cmd, "meandiff"))
		return run_meandiff(l);
	return 0;
}

int main(void)
{
	static struct line l;
	char *text = NULL;
	size_t cap = 0, lineno = 0;
	int status = 0;

	while (getline(&text, &cap, stdin) != -1) {
		lineno++;
		if (!split(text, &l)) {
			fprintf(stderr, "estimate_cli: line %zu: too many tokens\n", lineno);
			status = 2;
			break;
		}
		if (l.n == 0)
			continue;
		if (!run(&l)) {
			fprintf(stderr, "estimate_cli: line %zu: malformed command\n", lineno);
			status = 2;
			break;
		}
	}
	free(text);
	if (fflush(stdout) != 0)
		status = 1;
	return status;
}
