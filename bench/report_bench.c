/* bench/report_bench.c - times one indicator query in-process.
 *
 * Usage: report_bench DB [RUNS]   (RUNS default 21)
 * Opens the store read-only, builds the dataset once (timed apart: that is
 * the cost of opening, paid once per process), then runs "NPS by touchpoint
 * by month where region = Norte" RUNS times and prints one line:
 *   open_s=S median_ms=M min_ms=M groups=G n=N nps_sum=X
 * n is the sum of the groups' n and nps_sum the sum of their NPS values
 * (%.6f), so that bench/report.sh can check the comparators found the same
 * groups. Only the query is timed, not freeing its report. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <touchpoint/query.h>
#include <touchpoint/store.h>

#define RUNS_MAX 1000

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void query_init(struct tp_query *q)
{
	tp_query_init(q);
	q->metric = TP_METRIC_NPS;
	q->n_by = 2;
	q->by[0] = (struct tp_by){.dim = TP_BY_TOUCHPOINT};
	q->by[1] = (struct tp_by){.dim = TP_BY_MONTH};
	q->n_where = 1;
	q->where[0] = (struct tp_where){.name = "region", .value = "Norte"};
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: report_bench DB [RUNS]\n");
		return 2;
	}
	int runs = argc > 2 ? atoi(argv[2]) : 21;
	if (runs < 1 || runs > RUNS_MAX) {
		fprintf(stderr, "report_bench: RUNS must be 1..%d\n", RUNS_MAX);
		return 2;
	}
	struct tp_error err = {0};
	struct tp_store *store = NULL;
	struct tp_dataset *ds = NULL;
	struct tp_report *report = NULL;
	struct tp_query q;
	static double ms[RUNS_MAX];
	int rc = 1;

	if (tp_store_open(argv[1], TP_STORE_READ, &store, &err) != TP_OK)
		goto out;
	double t0 = now_s();
	if (tp_dataset_open(store, &ds, &err) != TP_OK)
		goto out;
	double open_s = now_s() - t0;

	query_init(&q);
	for (int i = 0; i < runs; i++) {
		tp_report_free(report);
		report = NULL;
		t0 = now_s();
		if (tp_report_run(ds, &q, &report, &err) != TP_OK)
			goto out;
		ms[i] = (now_s() - t0) * 1e3;
	}
	qsort(ms, (size_t)runs, sizeof ms[0], compare_double);

	int64_t n = 0;
	double nps_sum = 0;
	for (size_t g = 0; g < report->n_groups; g++) {
		n += report->groups[g].n;
		nps_sum += report->groups[g].estimate.value;
	}
	printf("open_s=%.3f median_ms=%.3f min_ms=%.3f groups=%zu n=%" PRId64 " nps_sum=%.6f\n",
	       open_s, ms[runs / 2], ms[0], report->n_groups, n, nps_sum);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "report_bench: %s: %s\n", argv[1], err.message);
	tp_report_free(report);
	tp_dataset_free(ds);
	tp_store_close(store);
	return rc;
}
