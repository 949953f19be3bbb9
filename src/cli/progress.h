/* cli/progress.h - a progress bar for long imports on a terminal. */
#ifndef TP_CLI_PROGRESS_H
#define TP_CLI_PROGRESS_H

#include <stdbool.h>

#include "touchpoint/import.h"

struct progress {
	bool enabled;   /* only when stderr is a terminal */
	double started; /* monotonic seconds */
	bool drawn;
};

/* Starts a progress display; enabled only when stderr is a terminal. */
void progress_start(struct progress *p);

/* The tp_import_progress_fn to pass with ctx = the struct progress. */
void progress_update(const struct tp_import_progress *ip, void *ctx);

/* Clears the bar line if one was drawn. */
void progress_finish(struct progress *p);

/* Monotonic seconds. */
double progress_now(void);

#endif
