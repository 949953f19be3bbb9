/* tests/stats/drivers_cli.c - a driver over stats/drivers.c for
 * check_drivers.py, which compares its answers with numpy and statsmodels.
 * Not installed; test use only.
 *
 * Reads one data set on stdin:
 *   P N [BOOTSTRAP SEED LEVEL]     (first line; no bootstrap by default)
 *   Y X1 ... XP                    (N lines; "nan" marks a missing value)
 * and writes, on success:
 *   fit N DROPPED P R2
 *   driver J RW RW_LO RW_HI HAS_SHAPLEY SH SH_LO SH_HI NOTE   (P lines)
 *   message TEXT                   (only when the result has a message)
 * or, when tp_drivers_fit fails, "error STATUS MESSAGE". Doubles print with
 * %.17g, booleans as 0/1, NOTE as "-" when there is none (spaces kept).
 * Malformed input prints a message on stderr and exits with status 2. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "touchpoint/drivers.h"

static int read_double(double *v)
{
	char tok[64];

	if (scanf("%63s", tok) != 1)
		return 0;
	char *end;
	errno = 0;
	*v = strtod(tok, &end);
	return end != tok && !*end;
}

static void print_result(const struct tp_drivers_result *r)
{
	printf("fit %zu %zu %zu %.17g\n", r->n, r->dropped, r->p, r->r2);
	for (size_t j = 0; j < r->p; j++) {
		const struct tp_driver_share *d = &r->drivers[j];
		printf("driver %zu %.17g %.17g %.17g %d %.17g %.17g %.17g %s\n", j,
		       d->relative_weight, d->rw_lo, d->rw_hi, d->has_shapley ? 1 : 0, d->shapley,
		       d->sh_lo, d->sh_hi, d->note ? d->note : "-");
	}
	if (r->message[0])
		printf("message %s\n", r->message);
}

int main(void)
{
	struct tp_drivers_options o;
	struct tp_drivers_result *res = NULL;
	struct tp_error err = {0};
	size_t p, n;
	double *y = NULL, *x = NULL;
	int status = 2;
	char line[256];

	tp_drivers_options_init(&o);
	o.bootstrap = 0;
	if (!fgets(line, sizeof line, stdin))
		goto bad;
	{
		int boot;
		uint64_t seed;
		double level;
		int got = sscanf(line, "%zu %zu %d %" SCNu64 " %lf", &p, &n, &boot, &seed, &level);
		if (got != 2 && got != 5)
			goto bad;
		if (got == 5) {
			o.bootstrap = boot;
			o.seed = seed;
			o.level = level;
		}
	}
	if (p > 0 && n > SIZE_MAX / sizeof(double) / p)
		goto bad;
	y = malloc((n ? n : 1) * sizeof *y);
	x = malloc((n * p > 0 ? n * p : 1) * sizeof *x);
	if (!y || !x)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		if (!read_double(&y[i]))
			goto bad;
		for (size_t j = 0; j < p; j++)
			if (!read_double(&x[i * p + j]))
				goto bad;
	}
	if (tp_drivers_fit(y, x, n, p, &o, &res, &err) == TP_OK)
		print_result(res);
	else
		printf("error %d %s\n", (int)err.status, err.message);
	status = 0;
	goto out;
bad:
	fprintf(stderr, "drivers_cli: malformed input\n");
out:
	tp_drivers_free(res);
	free(x);
	free(y);
	return status;
}
