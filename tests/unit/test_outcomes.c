/* Unit tests for business outcomes and benchmarks: period parsing, the
 * store's outcome/benchmark/meta tables, the outcome by NPS group (each
 * respondent in the group of their latest answer) and the benchmark's rank
 * and percentile with ties and our own row. Expected values by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "touchpoint/outcomes.h"
#include "unit/tp_test_tmp.h"

#define JAN_1_2026 1767225600 /* 2026-01-01T00:00:00Z */
#define DAY 86400

static char db_path[512];

static int setup(void **state)
{
	(void)state;
	return tp_test_tmp_path(db_path, sizeof db_path, "tp-outcomes");
}

static int teardown(void **state)
{
	(void)state;
	tp_test_tmp_remove_db(db_path);
	return 0;
}

static struct tp_store *open_store(void)
{
	struct tp_store *s = NULL;
	struct tp_error err;
	assert_int_equal(tp_store_open(db_path, TP_STORE_CREATE, &s, &err), TP_OK);
	return s;
}

static void add_response(struct tp_store *s, const char *id, const char *who, int64_t at,
			 int nps)
{
	struct tp_response r;
	struct tp_error err;
	bool inserted = false;
	tp_response_init(&r);
	r.response_id = id;
	r.respondent_id = who;
	r.submitted_at = at;
	r.nps = nps;
	assert_int_equal(tp_store_response_insert(s, &r, &inserted, &err), TP_OK);
	assert_true(inserted);
}

static void periods_parse_to_utc_bounds(void **state)
{
	(void)state;
	int64_t from, to;
	assert_true(tp_period_parse("2026", &from, &to));
	assert_int_equal(from, JAN_1_2026);
	assert_int_equal(to, JAN_1_2026 + 365 * DAY);
	assert_true(tp_period_parse("2026-Q4", &from, &to));
	assert_int_equal(from, JAN_1_2026 + 273 * DAY);
	assert_int_equal(to, JAN_1_2026 + 365 * DAY);
	assert_true(tp_period_parse("2026-02", &from, &to));
	assert_int_equal(from, JAN_1_2026 + 31 * DAY);
	assert_int_equal(to, JAN_1_2026 + 59 * DAY);
	const char *bad[] = {"2026-Q5", "2026-Q0", "2026-13", "2026-00", "26", "2026-1",
			     "abcd", "2026-", "2026-01-01", ""};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(tp_period_parse(bad[i], &from, &to));
}

struct seen {
	int rows;
	double sum;
};

static int sum_values(const struct tp_outcome_row *row, void *ctx)
{
	struct seen *s = ctx;
	s->rows++;
	s->sum += row->value;
	return 0;
}

static void store_keeps_replaces_and_counts_outcomes(void **state)
{
	(void)state;
	struct tp_store *s = open_store();
	struct tp_error err;
	add_response(s, "r1", "a", JAN_1_2026, 9);
	struct tp_outcome_row rows[] = {{"a", "revenue", 10}, {"b", "revenue", 20},
					{"a", "churned", 1}};
	assert_int_equal(tp_store_outcome_put(s, rows, 3, &err), TP_OK);
	struct tp_outcome_row again = {"a", "revenue", 15};
	assert_int_equal(tp_store_outcome_put(s, &again, 1, &err), TP_OK);
	struct seen seen = {0};
	assert_int_equal(tp_store_outcome_each(s, "revenue", sum_values, &seen, &err), TP_OK);
	assert_int_equal(seen.rows, 2);
	assert_true(seen.sum == 35.0);
	struct tp_outcome_counts c;
	assert_int_equal(tp_store_outcome_counts(s, &c, &err), TP_OK);
	assert_int_equal(c.values, 3);
	assert_int_equal(c.respondents, 2);
	assert_int_equal(c.names, 2);
	assert_int_equal(c.without_response, 1); /* b */
	const char *keys[] = {"a", "b", "zz", "a"};
	int64_t unanswered = -1;
	assert_int_equal(tp_store_respondents_unanswered(s, keys, 4, &unanswered, &err), TP_OK);
	assert_int_equal(unanswered, 2); /* b and zz; a repeated key counts once */
	char buf[64];
	assert_int_equal(tp_store_meta_get(s, "company.name", buf, sizeof buf, &err),
			 TP_ENOTFOUND);
	assert_int_equal(tp_store_meta_set(s, "company.name", "Acme", &err), TP_OK);
	assert_int_equal(tp_store_meta_get(s, "company.name", buf, sizeof buf, &err), TP_OK);
	assert_string_equal(buf, "Acme");
	tp_store_close(s);
}

/* a: 10 then 3 (latest: detractor); b 9; c 7; d 9; e 2; f 8; g 9 without
 * an outcome; "ghost" has an outcome and no response. */
static void outcome_groups_use_the_latest_answer(void **state)
{
	(void)state;
	struct tp_store *s = open_store();
	struct tp_error err;
	const char *who[] = {"a", "b", "c", "d", "e", "f", "g", "a"};
	const int nps[] = {10, 9, 7, 9, 2, 8, 9, 3};
	char id[8];
	for (int i = 0; i < 8; i++) {
		snprintf(id, sizeof id, "r%d", i);
		add_response(s, id, who[i], JAN_1_2026 + i * DAY, nps[i]);
	}
	struct tp_outcome_row rows[] = {{"a", "revenue", 10}, {"b", "revenue", 20},
					{"c", "revenue", 30}, {"d", "revenue", 40},
					{"e", "revenue", 50}, {"f", "revenue", 60},
					{"ghost", "revenue", 1000}};
	assert_int_equal(tp_store_outcome_put(s, rows, 7, &err), TP_OK);
	struct tp_outcome_values *v = NULL;
	struct tp_dataset *ds = NULL;
	struct tp_outcome_report *r = NULL;
	assert_int_equal(tp_outcome_values_load(s, "revenue", &v, &err), TP_OK);
	assert_false(tp_outcome_values_binary(v));
	assert_int_equal(tp_dataset_open(s, &ds, &err), TP_OK);
	assert_int_equal(tp_outcome_report_run(ds, v, "revenue", NULL, 0.5, 0.95, &r, &err), TP_OK);
	assert_int_equal(r->respondents, 7);
	assert_int_equal(r->linked, 6);
	assert_int_equal(r->groups[TP_OUTCOME_PROMOTERS].moments.n, 2);
	assert_true(fabs(r->groups[TP_OUTCOME_PROMOTERS].estimate.value - 30.0) < 1e-12);
	assert_true(fabs(r->groups[TP_OUTCOME_PASSIVES].estimate.value - 45.0) < 1e-12);
	assert_true(fabs(r->groups[TP_OUTCOME_DETRACTORS].estimate.value - 30.0) < 1e-12);
	assert_true(r->diff.has_value);
	assert_true(fabs(r->diff.diff) < 1e-12);
	assert_true(r->has_move);
	assert_true(fabs(r->move_value - 15.0) < 1e-12); /* 0.5 x 2 x (45 - 30) */
	tp_outcome_report_free(r);
	assert_int_equal(tp_outcome_report_run(ds, v, "revenue", NULL, 1.5, 0.95, &r, &err),
			 TP_EUSAGE);
	tp_dataset_free(ds);
	tp_outcome_values_free(v);
	assert_int_equal(tp_outcome_values_load(s, "nothing", &v, &err), TP_ENOTFOUND);
	tp_store_close(s);
}

/* Our Q1 NPS: 5 promoters, 3 passives, 2 detractors = 30. Others: A 50
 * and B 30 in s1, C 10 and D -5 in s2, and our own row "Us" (99) in s1. */
static void benchmark_ranks_with_ties_and_our_row(void **state)
{
	(void)state;
	struct tp_store *s = open_store();
	struct tp_error err;
	const int nps[] = {9, 9, 10, 9, 10, 8, 7, 8, 3, 5};
	char id[8];
	for (int i = 0; i < 10; i++) {
		snprintf(id, sizeof id, "r%d", i);
		add_response(s, id, NULL, JAN_1_2026 + i * DAY, nps[i]);
	}
	struct tp_benchmark_row rows[] = {
		{"s1", "A", "nps", "2026-Q1", 50, 100}, {"s1", "B", "nps", "2026-Q1", 30, 100},
		{"s2", "C", "nps", "2026-Q1", 10, 100}, {"s2", "D", "nps", "2026-Q1", -5, 100},
		{"s1", "Us", "nps", "2026-Q1", 99, 100}, {"s1", "A", "nps", "2025-Q4", 0, 100},
	};
	assert_int_equal(tp_store_benchmark_put(s, rows, 6, &err), TP_OK);
	struct tp_dataset *ds = NULL;
	struct tp_benchmark_report *r = NULL;
	assert_int_equal(tp_dataset_open(s, &ds, &err), TP_OK);
	struct tp_benchmark_query q = {TP_METRIC_NPS, NULL, "s1", "Us", 0.95};
	assert_int_equal(tp_benchmark_run(s, ds, &q, &r, &err), TP_OK);
	assert_string_equal(r->period, "2026-Q1");
	assert_true(r->has_ours);
	assert_true(r->ours.value == 30.0);
	assert_int_equal(r->dropped_own, 1);
	assert_int_equal(r->rank_all, 2);
	assert_int_equal(r->count_all, 5);
	assert_true(r->pct_all == 62.5); /* (2 worse + 0.5 x 1 tie) / 4 */
	assert_true(r->has_sector_rank);
	assert_int_equal(r->rank_sector, 2);
	assert_int_equal(r->count_sector, 3);
	assert_true(r->pct_sector == 25.0); /* (0 + 0.5) / 2 */
	assert_int_equal(r->n_entries, 5);
	assert_string_equal(r->entries[0].company, "A");
	assert_true(r->entries[1].ours); /* ours before the tie */
	assert_string_equal(r->entries[2].company, "B");
	tp_benchmark_report_free(r);
	q.metric = TP_METRIC_CSAT;
	assert_int_equal(tp_benchmark_run(s, ds, &q, &r, &err), TP_ENOTFOUND);
	q.metric = TP_METRIC_EMOTION;
	assert_int_equal(tp_benchmark_run(s, ds, &q, &r, &err), TP_EUSAGE);
	tp_dataset_free(ds);
	tp_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(periods_parse_to_utc_bounds),
		cmocka_unit_test_setup_teardown(store_keeps_replaces_and_counts_outcomes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(outcome_groups_use_the_latest_answer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(benchmark_ranks_with_ties_and_our_row, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
