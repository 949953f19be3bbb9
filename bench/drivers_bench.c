/* bench/drivers_bench.c - times one key driver analysis in-process.
 *
 * Usage: drivers_bench [ROWS [DRIVERS [BOOTSTRAP [RUNS]]]]
 *        (defaults 1000000 15 200 3)
 * Generates ROWS observations of DRIVERS correlated 1-5 ratings and a 0-10
 * outcome that depends on them (splitmix64, fixed seed: the same data on
 * every machine), then times tp_drivers_fit() with relative weights, exact
 * Shapley values and a BOOTSTRAP-resample percentile bootstrap, RUNS times.
 * Only the fit is timed, not generating the data. Prints one line:
 *   rows=N drivers=P bootstrap=B runs=R median_s=S min_s=S cpu_s=C r2=X
 * cpu_s is the median CPU time (user + system, all threads) of a run: on a
 * machine shared with other work it says what the fit needs when wall
 * times are inflated by waiting for a core. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include <touchpoint/drivers.h>

#include "util/rng.h"

#define RUNS_MAX 100

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double uniform(uint64_t *s)
{
	return tp_splitmix64_uniform(s);
}

static double normal(uint64_t *s)
{
	double u = uniform(s), v = uniform(s);
	return sqrt(-2.0 * log(1.0 - u)) * cos(2.0 * M_PI * v);
}

static double clampr(double x, double lo, double hi)
{
	x = round(x);
	return x < lo ? lo : x > hi ? hi : x;
}

static double cpu_s(void)
{
	struct rusage u;
	getrusage(RUSAGE_SELF, &u);
	return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec * 1e-6 +
	       (double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec * 1e-6;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static long arg(int argc, char **argv, int i, long def)
{
	return argc > i ? strtol(argv[i], NULL, 10) : def;
}

int main(int argc, char **argv)
{
	long rows = arg(argc, argv, 1, 1000000), p = arg(argc, argv, 2, 15);
	long boot = arg(argc, argv, 3, 200), runs = arg(argc, argv, 4, 3);
	if (rows < 20 || p < 1 || p > 64 || boot < 0 || runs < 1 || runs > RUNS_MAX) {
		fprintf(stderr, "usage: drivers_bench [ROWS [DRIVERS [BOOTSTRAP [RUNS]]]]\n");
		return 2;
	}
	double *y = malloc((size_t)rows * sizeof *y);
	double *x = malloc((size_t)rows * (size_t)p * sizeof *x);
	if (!y || !x) {
		fprintf(stderr, "drivers_bench: out of memory\n");
		return 1;
	}
	uint64_t s = 42;
	for (long r = 0; r < rows; r++) {
		double common = normal(&s), sum = 0;
		for (long k = 0; k < p; k++) {
			double v = clampr(3 + 0.6 * common + normal(&s), 1, 5);
			x[r * p + k] = v;
			sum += v * (double)(k + 1) / (double)p;
		}
		y[r] = clampr(sum / 3.0 + 1.5 * normal(&s), 0, 10);
	}
	struct tp_drivers_options o;
	tp_drivers_options_init(&o);
	o.bootstrap = (int)boot;
	double times[RUNS_MAX], cpu[RUNS_MAX], r2 = 0;
	for (long i = 0; i < runs; i++) {
		struct tp_drivers_result *res = NULL;
		struct tp_error err;
		double t0 = now_s(), c0 = cpu_s();
		if (tp_drivers_fit(y, x, (size_t)rows, (size_t)p, &o, &res, &err) != TP_OK) {
			fprintf(stderr, "drivers_bench: %s\n", err.message);
			return 1;
		}
		times[i] = now_s() - t0;
		cpu[i] = cpu_s() - c0;
		r2 = res->r2;
		tp_drivers_free(res);
	}
	qsort(times, (size_t)runs, sizeof times[0], compare_double);
	qsort(cpu, (size_t)runs, sizeof cpu[0], compare_double);
	printf("rows=%ld drivers=%ld bootstrap=%ld runs=%ld median_s=%.3f min_s=%.3f cpu_s=%.3f "
	       "r2=%.4f\n",
	       rows, p, boot, runs, times[runs / 2], times[0], cpu[runs / 2], r2);
	free(y);
	free(x);
	return 0;
}
