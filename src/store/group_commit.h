/* store/group_commit.h - one writer committing many requests' work in one
 * transaction (internal).
 *
 * The server's request threads hand their writes (a survey answer, an API
 * batch) to a group commit writer instead of committing each on its own:
 * the writer takes every piece of work queued while it was committing the
 * previous group, runs each inside a savepoint of one transaction, commits
 * once (one fsync for the group) and only then wakes each waiter with its
 * own result. A piece of work that fails is rolled back to its savepoint
 * and does not touch the others; if the group's transaction itself fails
 * (a database or I/O error, a failed COMMIT), every piece is run again in
 * a transaction of its own, so one bad piece never fails another's (when
 * the transaction cannot even begin, the database locked by another
 * writer past the busy timeout, every piece gets that error). TP_OK from
 * tp_group_commit_run() (or given to a tp_group_commit_submit() callback)
 * means committed. A caller either waits (run) or hands a callback
 * (submit: the server suspends the HTTP connection and the callback
 * resumes it, so no thread waits for the commit). */
#ifndef TP_STORE_GROUP_COMMIT_H
#define TP_STORE_GROUP_COMMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "touchpoint/error.h"
#include "touchpoint/store.h"

struct tp_group_commit;

/* A piece of work run by the writer on its connection, inside a
 * transaction (so its own begin/commit are savepoints). It may run twice
 * (once in a group that then failed, once alone): it must reset anything
 * it reports before doing its work. */
typedef enum tp_status (*tp_group_work_fn)(struct tp_store *writer, void *ctx,
					   struct tp_error *err);

struct tp_group_commit_stats {
	uint64_t groups;  /* transactions committed or tried for a group */
	uint64_t works;	  /* pieces of work answered */
	uint64_t retried; /* pieces run again alone after their group failed */
	uint64_t waiting; /* pieces queued, not yet taken by the writer */
	uint64_t largest; /* the largest group */
};

/* Opens a writer connection to the database at path and starts the writer
 * thread. */
enum tp_status tp_group_commit_open(const char *path, struct tp_group_commit **out,
				    struct tp_error *err);

/* Queues fn(writer, ctx, err) and waits until the group it ran in is
 * committed (or rolled back): returns fn's status, or the commit's failure.
 * Safe from any number of threads. TP_EUSAGE once closing has begun. */
enum tp_status tp_group_commit_run(struct tp_group_commit *gc, tp_group_work_fn fn, void *ctx,
				   struct tp_error *err);

/* Called by the writer thread, outside its lock, once the group a piece
 * submitted with tp_group_commit_submit() ran in is committed (or rolled
 * back): status is fn's, or the commit's failure, with the reason in the
 * err given to submit. It must not block for long: the next group waits. */
typedef void (*tp_group_done_fn)(void *done_ctx, enum tp_status status);

/* Queues fn(writer, ctx, err) like tp_group_commit_run() but returns at
 * once instead of waiting: the writer then calls done(done_ctx, status)
 * exactly once (closing still runs and answers everything queued). ctx
 * and err must stay valid until then. TP_OK means queued; otherwise
 * (closing has begun, out of memory) done is never called and err says
 * why. Safe from any thread, also from a done callback. */
enum tp_status tp_group_commit_submit(struct tp_group_commit *gc, tp_group_work_fn fn, void *ctx,
				      struct tp_error *err, tp_group_done_fn done,
				      void *done_ctx);

void tp_group_commit_get_stats(struct tp_group_commit *gc, struct tp_group_commit_stats *out);

/* Refuses new work (run and submit then fail at once with TP_EUSAGE),
 * runs and answers everything already queued (every submitted callback
 * has been called when it returns) and stops the writer thread; the
 * object stays valid until tp_group_commit_close(). Call it from one
 * thread. Accepts NULL. */
void tp_group_commit_stop(struct tp_group_commit *gc);

/* Stops (as tp_group_commit_stop() when not yet done), closes the
 * writer's connection and frees gc. Accepts NULL. */
void tp_group_commit_close(struct tp_group_commit *gc);

/* The store side (store/store.c): a connection with a group commit writer
 * attached hands tp_store_survey_answer() and the JSON API's batches
 * (io/ingest.c) to it. The writer is not owned by the store. */
void tp_store_set_group_commit(struct tp_store *store, struct tp_group_commit *gc);
struct tp_group_commit *tp_store_group_commit(const struct tp_store *store);

/* True when the backend rolled the open transaction back by itself (after
 * an I/O or full-disk error): the work done in it is gone. */
bool tp_store_transaction_lost(struct tp_store *store);

/* A number that changes whenever another connection (of any process)
 * commits to the database; the server's page cache (web/page_cache.h)
 * keeps pages while it stays the same. */
enum tp_status tp_store_data_version(struct tp_store *store, int64_t *out,
				     struct tp_error *err);

#endif
