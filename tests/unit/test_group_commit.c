/* Unit tests for the group commit writer (store/group_commit.c): many
 * threads' work committed in shared transactions, each waiter getting its
 * own result, a failing piece isolated from the others (by its savepoint,
 * or by running the group again piece by piece after a database failure),
 * an invitation answered once under concurrency, and close() draining the
 * queue; pieces submitted with a completion callback (the server's
 * suspended connections, tp_group_commit_submit) answered once each, on
 * the writer's thread, with their own result, also when stopping.
 * Expected counts are worked out by hand in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/group_commit.h"
#include "touchpoint/journey.h"
#include "touchpoint/store.h"
#include "unit/tp_test_tmp.h"

static char db_path[512];

static int setup(void **state)
{
	(void)state;
	return tp_test_tmp_path(db_path, sizeof db_path, "tp-gc");
}

static int teardown(void **state)
{
	(void)state;
	tp_test_tmp_remove_db(db_path);
	return 0;
}

static const char journey_json[] =
	"{\"name\": \"J\", \"phases\": [{\"id\": \"p1\", \"name\": \"Uno\"}],"
	" \"channels\": [{\"id\": \"web\", \"name\": \"Web\"}],"
	" \"touchpoints\": [{\"id\": \"t1\", \"phase\": \"p1\", \"channel\": \"web\", \"name\": \"A\"}]}";

/* Creates the database with the journey and a survey link (an invitation
 * when invitation is not NULL); writes its token into token. */
static void create_db(const char *invitation, char token[TP_SURVEY_TOKEN_LEN + 1])
{
	struct tp_store *s = NULL;
	struct tp_error err;
	assert_int_equal(tp_store_open(db_path, TP_STORE_CREATE, &s, &err), TP_OK);
	struct tp_journey *j = NULL;
	assert_int_equal(tp_journey_from_json(journey_json, strlen(journey_json), &j, &err), TP_OK);
	assert_int_equal(tp_store_journey_replace(s, j, false, NULL, &err), TP_OK);
	tp_journey_free(j);
	struct tp_survey_link link;
	memset(&link, 0, sizeof link);
	strcpy(link.touchpoint, "t1");
	if (invitation)
		snprintf(link.invitation, sizeof link.invitation, "%s", invitation);
	link.questions = TP_SURVEY_NPS;
	link.created_at = 1700000000;
	assert_int_equal(tp_survey_token_new(link.token, &err), TP_OK);
	assert_int_equal(tp_store_survey_create(s, &link, &err), TP_OK);
	memcpy(token, link.token, TP_SURVEY_TOKEN_LEN + 1);
	tp_store_close(s);
}

static int64_t scalar(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static bool stored(const char *id)
{
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM response WHERE response_key = '%s'", id);
	return scalar(sql) == 1;
}

static void sleep_ms(long ms)
{
	struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	nanosleep(&t, NULL);
}

/* --- survey answers from many threads through attached connections --- */

#define THREADS 8
#define PER_THREAD 150

struct answerer {
	struct tp_group_commit *gc;
	const char *token; /* the shared link */
	int index;
	int ok, conflicts, not_found, wrong;
};

static void *answer_many(void *arg)
{
	struct answerer *a = arg;
	struct tp_store *s = NULL;
	struct tp_error err;
	if (tp_store_open(db_path, TP_STORE_WRITE, &s, &err) != TP_OK) {
		a->wrong++;
		return NULL;
	}
	tp_store_set_group_commit(s, a->gc);
	for (int i = 0; i < PER_THREAD; i++) {
		char id[64];
		snprintf(id, sizeof id, "a-%d-%d", a->index, i);
		struct tp_response r;
		tp_response_init(&r);
		r.response_id = id;
		r.submitted_at = 1700000000 + i;
		r.touchpoint = "t1";
		r.nps = (a->index + i) % 11;
		/* every 10th answer goes to a token nobody created */
		const char *token = i % 10 == 9 ? "AAAAAAAAAAAAAAAAAAAAAA" : a->token;
		bool inserted = false;
		enum tp_status st = tp_store_survey_answer(s, token, &r, &inserted, &err);
		if (i % 10 == 9) {
			if (st == TP_ENOTFOUND && !inserted)
				a->not_found++;
			else
				a->wrong++;
		} else if (st == TP_OK && inserted) {
			a->ok++;
		} else {
			a->wrong++;
		}
	}
	tp_store_close(s);
	return NULL;
}

static void survey_answers_from_many_threads(void **state)
{
	(void)state;
	char token[TP_SURVEY_TOKEN_LEN + 1];
	create_db(NULL, token);
	struct tp_group_commit *gc = NULL;
	struct tp_error err;
	assert_int_equal(tp_group_commit_open(db_path, &gc, &err), TP_OK);
	pthread_t th[THREADS];
	struct answerer a[THREADS];
	for (int t = 0; t < THREADS; t++) {
		a[t] = (struct answerer){.gc = gc, .token = token, .index = t};
		assert_int_equal(pthread_create(&th[t], NULL, answer_many, &a[t]), 0);
	}
	for (int t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	struct tp_group_commit_stats stats;
	tp_group_commit_get_stats(gc, &stats);
	tp_group_commit_close(gc);
	/* 150 per thread: 15 to the unknown token, 135 stored; 8 threads. */
	for (int t = 0; t < THREADS; t++) {
		assert_int_equal(a[t].wrong, 0);
		assert_int_equal(a[t].ok, 135);
		assert_int_equal(a[t].not_found, 15);
	}
	assert_int_equal(scalar("SELECT count(*) FROM response"), 8 * 135);
	assert_int_equal(scalar("SELECT count(*) FROM response WHERE response_key LIKE 'a-3-%'"),
			 135);
	assert_true(stored("a-7-148"));
	assert_false(stored("a-7-149"));
	assert_int_equal(stats.works, 8 * 150);
	assert_int_equal(stats.retried, 0);
	assert_true(stats.groups >= 1 && stats.groups <= stats.works);
}

/* --- generic work: own results, isolation, grouping --- */

struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool entered, open;
};

struct piece {
	struct tp_group_commit *gc;
	char id[32];
	enum tp_status fail_with; /* TP_OK: succeed */
	struct gate *gate;	  /* NULL: do not wait */
	enum tp_status got;
	char message[TP_ERROR_MESSAGE_MAX];
	int runs; /* how often the writer ran it */
};

/* Inserts the piece's response, then fails when told to (after writing,
 * so a rollback is needed to keep it out). */
static enum tp_status piece_work(struct tp_store *w, void *ctx, struct tp_error *err)
{
	struct piece *p = ctx;
	p->runs++;
	if (p->gate) {
		pthread_mutex_lock(&p->gate->lock);
		p->gate->entered = true;
		pthread_cond_broadcast(&p->gate->cond);
		while (!p->gate->open)
			pthread_cond_wait(&p->gate->cond, &p->gate->lock);
		pthread_mutex_unlock(&p->gate->lock);
	}
	struct tp_response r;
	tp_response_init(&r);
	r.response_id = p->id;
	r.submitted_at = 1700000000;
	r.touchpoint = "t1";
	r.nps = 7;
	bool inserted;
	enum tp_status st = tp_store_response_insert(w, &r, &inserted, err);
	if (st != TP_OK)
		return st;
	if (p->fail_with != TP_OK)
		return tp_error_set(err, p->fail_with, "piece %s fails on purpose", p->id);
	return TP_OK;
}

static void *run_piece(void *arg)
{
	struct piece *p = arg;
	struct tp_error err = {0};
	p->got = tp_group_commit_run(p->gc, piece_work, p, &err);
	snprintf(p->message, sizeof p->message, "%s", p->got == TP_OK ? "" : err.message);
	return NULL;
}

static void wait_entered(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	while (!g->entered)
		pthread_cond_wait(&g->cond, &g->lock);
	pthread_mutex_unlock(&g->lock);
}

static void open_gate(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->open = true;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

static void wait_waiting(struct tp_group_commit *gc, uint64_t n)
{
	for (int i = 0; i < 5000; i++) {
		struct tp_group_commit_stats st;
		tp_group_commit_get_stats(gc, &st);
		if (st.waiting == n)
			return;
		sleep_ms(1);
	}
	fail_msg("the queue never reached %llu pieces", (unsigned long long)n);
}

/* A first piece holds the writer at the gate while n more queue up behind
 * it, in order: they then form one group of their own. */
static void run_gated(struct tp_group_commit *gc, struct piece *first, struct piece *rest,
		      size_t n)
{
	struct gate g = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
	first->gate = &g;
	pthread_t th0, th[16];
	assert_true(n <= 16);
	assert_int_equal(pthread_create(&th0, NULL, run_piece, first), 0);
	wait_entered(&g);
	for (size_t i = 0; i < n; i++) {
		/* one at a time, so the queue holds them in this order */
		assert_int_equal(pthread_create(&th[i], NULL, run_piece, &rest[i]), 0);
		wait_waiting(gc, i + 1);
	}
	open_gate(&g);
	pthread_join(th0, NULL);
	for (size_t i = 0; i < n; i++)
		pthread_join(th[i], NULL);
}

static void each_waiter_sees_its_own_result(void **state)
{
	(void)state;
	char token[TP_SURVEY_TOKEN_LEN + 1];
	create_db(NULL, token);
	struct tp_group_commit *gc = NULL;
	struct tp_error err;
	assert_int_equal(tp_group_commit_open(db_path, &gc, &err), TP_OK);
	struct piece first = {.gc = gc, .id = "first"};
	struct piece rest[7];
	/* pieces 1 and 4 fail with their own statuses, after writing a row */
	for (int i = 0; i < 7; i++) {
		rest[i] = (struct piece){.gc = gc};
		snprintf(rest[i].id, sizeof rest[i].id, "p%d", i);
	}
	rest[1].fail_with = TP_EINPUT;
	rest[4].fail_with = TP_ECONFLICT;
	run_gated(gc, &first, rest, 7);
	struct tp_group_commit_stats stats;
	tp_group_commit_get_stats(gc, &stats);
	tp_group_commit_close(gc);
	assert_int_equal(first.got, TP_OK);
	for (int i = 0; i < 7; i++) {
		enum tp_status want = i == 1 ? TP_EINPUT : i == 4 ? TP_ECONFLICT : TP_OK;
		assert_int_equal(rest[i].got, want);
		assert_int_equal(stored(rest[i].id), want == TP_OK);
		assert_int_equal(rest[i].runs, 1);
	}
	assert_string_equal(rest[1].message, "piece p1 fails on purpose");
	assert_string_equal(rest[4].message, "piece p4 fails on purpose");
	/* The first piece alone, then the seven together: 2 groups, 6 rows. */
	assert_int_equal(stats.groups, 2);
	assert_int_equal(stats.largest, 7);
	assert_int_equal(stats.works, 8);
	assert_int_equal(stats.retried, 0);
	assert_int_equal(scalar("SELECT count(*) FROM response"), 6);
}

static void database_failure_reruns_the_others_alone(void **state)
{
	(void)state;
	char token[TP_SURVEY_TOKEN_LEN + 1];
	create_db(NULL, token);
	struct tp_group_commit *gc = NULL;
	struct tp_error err;
	assert_int_equal(tp_group_commit_open(db_path, &gc, &err), TP_OK);
	struct piece first = {.gc = gc, .id = "first"};
	struct piece rest[4];
	for (int i = 0; i < 4; i++) {
		rest[i] = (struct piece){.gc = gc};
		snprintf(rest[i].id, sizeof rest[i].id, "q%d", i);
	}
	rest[2].fail_with = TP_ESTORE; /* as if the database failed under it */
	run_gated(gc, &first, rest, 4);
	struct tp_group_commit_stats stats;
	tp_group_commit_get_stats(gc, &stats);
	tp_group_commit_close(gc);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(rest[i].got, i == 2 ? TP_ESTORE : TP_OK);
		assert_int_equal(stored(rest[i].id), i != 2);
	}
	/* The group stopped at q2 (q0, q1, q2 ran once), was rolled back, and
	 * all four ran again alone. */
	assert_int_equal(rest[0].runs, 2);
	assert_int_equal(rest[2].runs, 2);
	assert_int_equal(rest[3].runs, 1);
	assert_int_equal(stats.retried, 4);
	assert_int_equal(scalar("SELECT count(*) FROM response"), 4);
}

/* --- an invitation answered once, by eight at the same moment --- */

struct rival {
	struct tp_group_commit *gc;
	const char *token;
	int index;
	enum tp_status got;
	bool inserted;
};

static void *answer_invitation(void *arg)
{
	struct rival *r = arg;
	struct tp_store *s = NULL;
	struct tp_error err;
	if (tp_store_open(db_path, TP_STORE_WRITE, &s, &err) != TP_OK) {
		r->got = TP_EIO;
		return NULL;
	}
	tp_store_set_group_commit(s, r->gc);
	char id[32];
	snprintf(id, sizeof id, "inv-%d", r->index);
	struct tp_response resp;
	tp_response_init(&resp);
	resp.response_id = id;
	resp.submitted_at = 1700000000;
	resp.touchpoint = "t1";
	resp.nps = 10;
	r->got = tp_store_survey_answer(s, r->token, &resp, &r->inserted, &err);
	tp_store_close(s);
	return NULL;
}

static void invitation_answered_once(void **state)
{
	(void)state;
	char token[TP_SURVEY_TOKEN_LEN + 1];
	create_db("ana@example.com", token);
	struct tp_group_commit *gc = NULL;
	struct tp_error err;
	assert_int_equal(tp_group_commit_open(db_path, &gc, &err), TP_OK);
	pthread_t th[8];
	struct rival r[8];
	for (int i = 0; i < 8; i++) {
		r[i] = (struct rival){.gc = gc, .token = token, .index = i};
		assert_int_equal(pthread_create(&th[i], NULL, answer_invitation, &r[i]), 0);
	}
	for (int i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	tp_group_commit_close(gc);
	int ok = 0, conflict = 0;
	for (int i = 0; i < 8; i++) {
		if (r[i].got == TP_OK && r[i].inserted)
			ok++;
		else if (r[i].got == TP_ECONFLICT && !r[i].inserted)
			conflict++;
	}
	assert_int_equal(ok, 1);
	assert_int_equal(conflict, 7);
	assert_int_equal(scalar("SELECT count(*) FROM response"), 1);
	assert_int_equal(scalar("SELECT count(*) FROM survey_link WHERE used_at IS NOT NULL"), 1);
}

/* --- close() answers what is queued --- */

static void *close_gc(void *arg)
{
	tp_group_commit_close(arg);
	return NULL;
}

static void close_drains_the_queue(void **state)
{
	(void)state;
	char token[TP_SURVEY_TOKEN_LEN + 1];
	create_db(NULL, token);
	struct tp_group_commit *gc = NULL;
	struct tp_error err;
	assert_int_equal(tp_group_commit_open(db_path, &gc, &err), TP_OK);
	struct gate g = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
	struct piece first = {.gc = gc, .id = "first", .gate = &g};
	struct piece rest[3];
	pthread_t th0, th[3], closer;
	assert_int_equal(pthread_create(&th0, NULL, run_piece, &first), 0);
	wait_entered(&g);
	for (int i = 0; i < 3; i++) {
		rest[i] = (struct piece){.gc = gc};
		snprintf(rest[i].id, sizeof rest[i].id, "d%d", i);
		assert_int_equal(pthread_create(&th[i], NULL, run_piece, &rest[i]), 0);
	}
	wait_waiting(gc, 3);
	/* Closing begins while three pieces wait behind the gated one. */
	assert_int_equal(pthread_create(&closer, NULL, close_gc, gc), 0);
	sleep_ms(50);
	open_gate(&g);
	pthread_join(closer, NULL);
	pthread_join(th0, NULL);
	for (int i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(rest[i].got, TP_OK);
		assert_true(stored(rest[i].id));
	}
	assert_int_equal(first.got, TP_OK);
	assert_int_equal(scalar("SELECT count(*) FROM response"), 4);
}

/* --- submitted pieces: a callback instead of a waiting thread --- */

/* What the callbacks saw, for pieces submitted from this thread. */
struct called {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int n;	       /* callbacks so far */
	int order[16]; /* piece index, in the order called */
	pthread_t submitter;
	bool on_submitter; /* a callback ran on the submitting thread */
};

struct submitted {
	struct piece p;
	struct tp_error err;
	struct called *called;
	int index;
	int calls;
	enum tp_status got;
	struct submitted *then; /* submitted by this one's callback, or NULL */
};

static void piece_done(void *ctx, enum tp_status status);

static enum tp_status submit_piece(struct tp_group_commit *gc, struct submitted *sp)
{
	return tp_group_commit_submit(gc, piece_work, &sp->p, &sp->err, piece_done, sp);
}

static void piece_done(void *ctx, enum tp_status status)
{
	struct submitted *sp = ctx;
	struct called *c = sp->called;
	if (sp->then)
		submit_piece(sp->p.gc, sp->then); /* from the writer's thread */
	pthread_mutex_lock(&c->lock);
	sp->calls++;
	sp->got = status;
	if (c->n < 16)
		c->order[c->n] = sp->index;
	c->n++;
	if (pthread_equal(pthread_self(), c->submitter))
		c->on_submitter = true;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

static void wait_called(struct called *c, int n)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 20;
	pthread_mutex_lock(&c->lock);
	while (c->n < n && pthread_cond_timedwait(&c->cond, &c->lock, &until) == 0)
		;
	int got = c->n;
	pthread_mutex_unlock(&c->lock);
	assert_int_equal(got, n);
}

static void init_called(struct called *c)
{
	memset(c, 0, sizeof *c);
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	c->submitter = pthread_self();
}

static void submitted_pieces_get_their_own_result(void **state)
{
	(void)state;
	char token[TP_SURVEY_TOKEN_LEN + 1];
	create_db(NULL, token);
	struct tp_group_commit *gc = NULL;
	struct tp_error err;
	assert_int_equal(tp_group_commit_open(db_path, &gc, &err), TP_OK);
	struct called c;
	init_called(&c);
	struct gate g = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
	struct piece first = {.gc = gc, .id = "first", .gate = &g};
	pthread_t th0;
	assert_int_equal(pthread_create(&th0, NULL, run_piece, &first), 0);
	wait_entered(&g);
	/* Five submitted behind the gated waiter, in this order; s1 fails
	 * with its own status after writing its row, s3 as well. */
	struct submitted sp[5];
	for (int i = 0; i < 5; i++) {
		sp[i] = (struct submitted){.p = {.gc = gc}, .called = &c, .index = i};
		snprintf(sp[i].p.id, sizeof sp[i].p.id, "s%d", i);
	}
	sp[1].p.fail_with = TP_EINPUT;
	sp[3].p.fail_with = TP_ECONFLICT;
	for (int i = 0; i < 5; i++)
		assert_int_equal(submit_piece(gc, &sp[i]), TP_OK);
	/* Queued, not answered: nothing waits, and no callback has run. */
	wait_waiting(gc, 5);
	assert_int_equal(c.n, 0);
	open_gate(&g);
	pthread_join(th0, NULL);
	wait_called(&c, 5);
	struct tp_group_commit_stats stats;
	tp_group_commit_get_stats(gc, &stats);
	tp_group_commit_close(gc);
	assert_int_equal(first.got, TP_OK);
	for (int i = 0; i < 5; i++) {
		enum tp_status want = i == 1 ? TP_EINPUT : i == 3 ? TP_ECONFLICT : TP_OK;
		assert_int_equal(sp[i].calls, 1);
		assert_int_equal(sp[i].got, want);
		assert_int_equal(sp[i].p.runs, 1);
		assert_int_equal(stored(sp[i].p.id), want == TP_OK);
		assert_int_equal(c.order[i], i); /* in queue order */
	}
	assert_string_equal(sp[1].err.message, "piece s1 fails on purpose");
	assert_string_equal(sp[3].err.message, "piece s3 fails on purpose");
	assert_false(c.on_submitter);
	/* The gated piece alone, then the five together: 2 groups, and the
	 * rows of first, s0, s2, s4. */
	assert_int_equal(stats.groups, 2);
	assert_int_equal(stats.largest, 5);
	assert_int_equal(stats.works, 6);
	assert_int_equal(scalar("SELECT count(*) FROM response"), 4);
	pthread_mutex_destroy(&c.lock);
	pthread_cond_destroy(&c.cond);
}

static void *stop_gc(void *arg)
{
	tp_group_commit_stop(arg);
	return NULL;
}

static void stop_answers_submitted_then_refuses(void **state)
{
	(void)state;
	char token[TP_SURVEY_TOKEN_LEN + 1];
	create_db(NULL, token);
	struct tp_group_commit *gc = NULL;
	struct tp_error err;
	assert_int_equal(tp_group_commit_open(db_path, &gc, &err), TP_OK);
	struct called c;
	init_called(&c);
	struct gate g = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
	struct piece first = {.gc = gc, .id = "first", .gate = &g};
	pthread_t th0, stopper;
	assert_int_equal(pthread_create(&th0, NULL, run_piece, &first), 0);
	wait_entered(&g);
	/* Three submitted behind the gated one while stopping begins; a
	 * fourth is submitted once stop() has returned. */
	struct submitted sp[4];
	for (int i = 0; i < 4; i++) {
		sp[i] = (struct submitted){.p = {.gc = gc}, .called = &c, .index = i};
		snprintf(sp[i].p.id, sizeof sp[i].p.id, "e%d", i);
	}
	for (int i = 0; i < 3; i++)
		assert_int_equal(submit_piece(gc, &sp[i]), TP_OK);
	wait_waiting(gc, 3);
	assert_int_equal(pthread_create(&stopper, NULL, stop_gc, gc), 0);
	sleep_ms(50);
	open_gate(&g);
	pthread_join(stopper, NULL);
	pthread_join(th0, NULL);
	/* stop() returned: every queued piece was committed and called back. */
	assert_int_equal(c.n, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(sp[i].calls, 1);
		assert_int_equal(sp[i].got, TP_OK);
		assert_true(stored(sp[i].p.id));
	}
	assert_int_equal(sp[3].calls, 0);
	assert_false(stored("e3"));
	/* After stop(): refused at once, no callback, gc still usable. */
	assert_int_equal(submit_piece(gc, &sp[3]), TP_EUSAGE);
	assert_string_equal(sp[3].err.message, "the server is shutting down");
	struct piece late = {.gc = gc, .id = "late"};
	run_piece(&late);
	assert_int_equal(late.got, TP_EUSAGE);
	tp_group_commit_stop(gc); /* twice is harmless */
	tp_group_commit_close(gc);
	assert_int_equal(sp[3].calls, 0);
	assert_int_equal(first.got, TP_OK);
	assert_int_equal(scalar("SELECT count(*) FROM response"), 4);
	pthread_mutex_destroy(&c.lock);
	pthread_cond_destroy(&c.cond);
}

static void callback_may_submit_again(void **state)
{
	(void)state;
	char token[TP_SURVEY_TOKEN_LEN + 1];
	create_db(NULL, token);
	struct tp_group_commit *gc = NULL;
	struct tp_error err;
	assert_int_equal(tp_group_commit_open(db_path, &gc, &err), TP_OK);
	struct called c;
	init_called(&c);
	struct submitted a = {.p = {.gc = gc, .id = "chain-a"}, .called = &c, .index = 0};
	struct submitted b = {.p = {.gc = gc, .id = "chain-b"}, .called = &c, .index = 1};
	a.then = &b;
	assert_int_equal(submit_piece(gc, &a), TP_OK);
	wait_called(&c, 2);
	tp_group_commit_close(gc);
	assert_int_equal(a.got, TP_OK);
	assert_int_equal(b.got, TP_OK);
	assert_int_equal(c.order[0], 0);
	assert_int_equal(c.order[1], 1);
	assert_true(stored("chain-a"));
	assert_true(stored("chain-b"));
	pthread_mutex_destroy(&c.lock);
	pthread_cond_destroy(&c.cond);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(survey_answers_from_many_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(each_waiter_sees_its_own_result, setup, teardown),
		cmocka_unit_test_setup_teardown(database_failure_reruns_the_others_alone, setup,
						teardown),
		cmocka_unit_test_setup_teardown(invitation_answered_once, setup, teardown),
		cmocka_unit_test_setup_teardown(close_drains_the_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(submitted_pieces_get_their_own_result, setup,
						teardown),
		cmocka_unit_test_setup_teardown(stop_answers_submitted_then_refuses, setup,
						teardown),
		cmocka_unit_test_setup_teardown(callback_may_submit_again, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
