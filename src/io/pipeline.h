/* io/pipeline.h - hands validated responses to the store on a second thread.
 *
 * The importer's thread reads, maps and checks rows; a writer thread inserts
 * them through the store, so parsing and SQLite work overlap on two cores.
 * Responses are copied into chunks (bounded in rows and bytes) that pass
 * through a queue of fixed depth, so memory stays constant. Only the writer
 * thread touches the store between tp_pipeline_start() and
 * tp_pipeline_finish(). */
#ifndef TP_IO_PIPELINE_H
#define TP_IO_PIPELINE_H

#include <stdint.h>

#include "touchpoint/store.h"

struct tp_pipeline;

/* Starts the writer thread over an open store transaction. */
enum tp_status tp_pipeline_start(struct tp_store *store, struct tp_pipeline **out,
				 struct tp_error *err);

/* Copies r into the current chunk and queues the chunk when full. Returns
 * the writer's error (and stops taking rows) once the writer has failed. */
enum tp_status tp_pipeline_add(struct tp_pipeline *p, const struct tp_response *r,
			       struct tp_error *err);

/* Queues what is left, waits for the writer, frees the pipeline, and
 * returns the writer's status (its error in err). *added counts the
 * responses the store accepted. */
enum tp_status tp_pipeline_finish(struct tp_pipeline *p, int64_t *added, struct tp_error *err);

#endif
