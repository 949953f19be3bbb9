/* touchpoint/error.h - status codes and the error object every call fills.
 *
 * The library never prints and never exits: a function that can fail returns
 * an enum tp_status and, when given a non-NULL struct tp_error, writes a
 * human-readable message into it. Front ends decide how to show it. */
#ifndef TOUCHPOINT_ERROR_H
#define TOUCHPOINT_ERROR_H

#include <stddef.h>

enum tp_status {
	TP_OK = 0,
	TP_ENOMEM,    /* out of memory */
	TP_EIO,       /* a file could not be opened, read or written */
	TP_EINPUT,    /* user-supplied data is malformed or invalid */
	TP_ENOTFOUND, /* a named thing does not exist */
	TP_ECONFLICT, /* refused because it would lose data (see --force) */
	TP_ESTORE,    /* the database reported an error */
	TP_ESCHEMA,   /* the database schema is missing or newer than this program */
	TP_ELIMIT,    /* a size or count limit was exceeded */
	TP_EUSAGE,    /* the caller passed arguments that make no sense */
};

#define TP_ERROR_MESSAGE_MAX 1024

struct tp_error {
	enum tp_status status;
	char message[TP_ERROR_MESSAGE_MAX];
};

/* Returns a short constant description of a status ("out of memory"). */
const char *tp_strerror(enum tp_status status);

/* Sets err (if not NULL) to status and a printf-style message; returns status,
 * so callers can write `return tp_error_set(err, TP_EINPUT, "...")`. */
enum tp_status tp_error_set(struct tp_error *err, enum tp_status status,
			    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes the message already in err with a printf-style context and ": ". */
void tp_error_prefix(struct tp_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Clears err to TP_OK and an empty message. Accepts NULL. */
void tp_error_clear(struct tp_error *err);

#endif
