/* store/group_commit.c - the group commit writer (store/group_commit.h).
 *
 * Waiters link a job (on their own stack) into a queue and sleep on the
 * job's own condition (waking only its waiter, not every thread that
 * waits); submitters link a job of their own (malloc'd) carrying a
 * callback and go on. The writer thread takes the whole queue, runs it as
 * one transaction with a savepoint per job, commits, marks each job done
 * and wakes the waiters, then (outside the lock) calls each submitted
 * job's callback and frees it. While it commits, new jobs gather for the next
 * group, so the group grows with the load and each commit's fsync is
 * shared by every job in it. Never prints. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store/group_commit.h"

struct job {
	tp_group_work_fn fn;
	void *ctx;
	struct tp_error *err;
	enum tp_status status;
	bool done;
	pthread_cond_t answered; /* its waiter alone waits on it */
	tp_group_done_fn on_done; /* submitted: called, then the job freed */
	void *done_ctx;
	struct job *next;
};

struct tp_group_commit {
	struct tp_store *writer;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t work; /* the writer waits for jobs */
	pthread_cond_t left; /* close() waits for the last waiter to leave */
	struct job *head, *tail;
	bool closing;
	bool stopped; /* the writer thread has been joined */
	size_t users; /* threads inside tp_group_commit_run() */
	struct tp_group_commit_stats stats;
};

/* A status that says the database (not the job's own data) failed: the
 * transaction may be unusable, so the group is run again job by job. */
static bool database_failure(enum tp_status st)
{
	return st == TP_ESTORE || st == TP_EIO || st == TP_ENOMEM;
}

/* Runs one job in a transaction: a savepoint when the group's is open, a
 * transaction of its own otherwise. */
static enum tp_status run_job(struct tp_store *w, struct job *j)
{
	enum tp_status st = tp_store_begin(w, j->err);
	if (st != TP_OK)
		return st;
	st = j->fn(w, j->ctx, j->err);
	if (st == TP_OK)
		return tp_store_commit(w, j->err);
	struct tp_error ignored;
	tp_store_rollback(w, &ignored);
	return st;
}

/* Runs the jobs from first (a list the writer owns now) and sets each
 * one's status; returns how many were run again alone. */
static uint64_t run_group(struct tp_store *w, struct job *first)
{
	struct tp_error group_err;
	enum tp_status begun = tp_store_begin(w, &group_err);
	if (begun != TP_OK) {
		/* Nothing ran (the database is locked by another writer past the
		 * busy timeout, or unreadable): running each alone would wait as
		 * long again for each, so all get this error. */
		for (struct job *j = first; j; j = j->next) {
			j->status = begun;
			*j->err = group_err;
		}
		return 0;
	}
	bool failed = false;
	for (struct job *j = first; j && !failed; j = j->next) {
		j->status = run_job(w, j);
		if (database_failure(j->status) || tp_store_transaction_lost(w))
			failed = true;
	}
	if (!failed) {
		if (tp_store_commit(w, &group_err) == TP_OK)
			return 0;
		/* a failed commit has rolled back */
	} else {
		struct tp_error ignored;
		tp_store_rollback(w, &ignored);
	}
	uint64_t again = 0;
	for (struct job *j = first; j; j = j->next, again++)
		j->status = run_job(w, j);
	return again;
}

static void *writer_main(void *arg)
{
	struct tp_group_commit *gc = arg;
	pthread_mutex_lock(&gc->lock);
	for (;;) {
		while (!gc->head && !gc->closing)
			pthread_cond_wait(&gc->work, &gc->lock);
		if (!gc->head)
			break; /* closing, and nothing left to answer */
		struct job *first = gc->head;
		gc->head = gc->tail = NULL;
		uint64_t n = gc->stats.waiting;
		gc->stats.waiting = 0;
		pthread_mutex_unlock(&gc->lock);

		uint64_t again = run_group(gc->writer, first);

		pthread_mutex_lock(&gc->lock);
		struct job *called = NULL, **last = &called;
		for (struct job *j = first; j;) {
			struct job *next = j->next; /* j belongs to its waiter once done */
			if (j->on_done) {
				*last = j;
				last = &j->next;
			} else {
				j->done = true;
				pthread_cond_signal(&j->answered);
			}
			j = next;
		}
		*last = NULL;
		gc->stats.groups++;
		gc->stats.works += n;
		gc->stats.retried += again;
		if (n > gc->stats.largest)
			gc->stats.largest = n;
		if (called) {
			/* In queue order; a callback may submit again. */
			pthread_mutex_unlock(&gc->lock);
			for (struct job *j = called; j;) {
				struct job *next = j->next;
				j->on_done(j->done_ctx, j->status);
				free(j);
				j = next;
			}
			pthread_mutex_lock(&gc->lock);
		}
	}
	pthread_mutex_unlock(&gc->lock);
	return NULL;
}

enum tp_status tp_group_commit_open(const char *path, struct tp_group_commit **out,
				    struct tp_error *err)
{
	*out = NULL;
	struct tp_group_commit *gc = calloc(1, sizeof *gc);
	if (!gc)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	enum tp_status st = tp_store_open(path, TP_STORE_WRITE, &gc->writer, err);
	if (st != TP_OK) {
		free(gc);
		return st;
	}
	pthread_mutex_init(&gc->lock, NULL);
	pthread_cond_init(&gc->work, NULL);
	pthread_cond_init(&gc->left, NULL);
	if (pthread_create(&gc->thread, NULL, writer_main, gc) != 0) {
		tp_store_close(gc->writer);
		pthread_mutex_destroy(&gc->lock);
		pthread_cond_destroy(&gc->work);
		pthread_cond_destroy(&gc->left);
		free(gc);
		return tp_error_set(err, TP_ENOMEM, "cannot start the group commit writer thread");
	}
	*out = gc;
	return TP_OK;
}

enum tp_status tp_group_commit_run(struct tp_group_commit *gc, tp_group_work_fn fn, void *ctx,
				   struct tp_error *err)
{
	struct job j = {.fn = fn, .ctx = ctx, .err = err};
	pthread_mutex_lock(&gc->lock);
	if (gc->closing) {
		pthread_mutex_unlock(&gc->lock);
		return tp_error_set(err, TP_EUSAGE, "the server is shutting down");
	}
	pthread_cond_init(&j.answered, NULL);
	if (gc->tail)
		gc->tail->next = &j;
	else
		gc->head = &j;
	gc->tail = &j;
	gc->stats.waiting++;
	gc->users++;
	pthread_cond_signal(&gc->work);
	while (!j.done)
		pthread_cond_wait(&j.answered, &gc->lock);
	/* close() frees gc once the last waiter has left */
	if (--gc->users == 0 && gc->closing)
		pthread_cond_signal(&gc->left);
	pthread_mutex_unlock(&gc->lock);
	pthread_cond_destroy(&j.answered);
	return j.status;
}

enum tp_status tp_group_commit_submit(struct tp_group_commit *gc, tp_group_work_fn fn, void *ctx,
				      struct tp_error *err, tp_group_done_fn done,
				      void *done_ctx)
{
	struct job *j = calloc(1, sizeof *j);
	if (!j)
		return tp_error_set(err, TP_ENOMEM, "out of memory");
	*j = (struct job){.fn = fn, .ctx = ctx, .err = err, .on_done = done, .done_ctx = done_ctx};
	pthread_mutex_lock(&gc->lock);
	if (gc->closing) {
		pthread_mutex_unlock(&gc->lock);
		free(j);
		return tp_error_set(err, TP_EUSAGE, "the server is shutting down");
	}
	if (gc->tail)
		gc->tail->next = j;
	else
		gc->head = j;
	gc->tail = j;
	gc->stats.waiting++;
	pthread_cond_signal(&gc->work);
	pthread_mutex_unlock(&gc->lock);
	return TP_OK;
}

void tp_group_commit_get_stats(struct tp_group_commit *gc, struct tp_group_commit_stats *out)
{
	pthread_mutex_lock(&gc->lock);
	*out = gc->stats;
	pthread_mutex_unlock(&gc->lock);
}

void tp_group_commit_stop(struct tp_group_commit *gc)
{
	if (!gc || gc->stopped)
		return;
	pthread_mutex_lock(&gc->lock);
	gc->closing = true;
	pthread_cond_signal(&gc->work);
	pthread_mutex_unlock(&gc->lock);
	pthread_join(gc->thread, NULL);
	pthread_mutex_lock(&gc->lock);
	while (gc->users > 0)
		pthread_cond_wait(&gc->left, &gc->lock);
	pthread_mutex_unlock(&gc->lock);
	gc->stopped = true;
}

void tp_group_commit_close(struct tp_group_commit *gc)
{
	if (!gc)
		return;
	tp_group_commit_stop(gc);
	tp_store_close(gc->writer);
	pthread_mutex_destroy(&gc->lock);
	pthread_cond_destroy(&gc->work);
	pthread_cond_destroy(&gc->left);
	free(gc);
}
