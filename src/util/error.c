/* util/error.c - filling struct tp_error; status descriptions. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "touchpoint/error.h"

const char *tp_strerror(enum tp_status status)
{
	switch (status) {
	case TP_OK: return "success";
	case TP_ENOMEM: return "out of memory";
	case TP_EIO: return "input/output error";
	case TP_EINPUT: return "invalid input";
	case TP_ENOTFOUND: return "not found";
	case TP_ECONFLICT: return "refused: would lose data";
	case TP_ESTORE: return "database error";
	case TP_ESCHEMA: return "database schema mismatch";
	case TP_ELIMIT: return "limit exceeded";
	case TP_EUSAGE: return "invalid arguments";
	}
	return "unknown status";
}

enum tp_status tp_error_set(struct tp_error *err, enum tp_status status,
			    const char *fmt, ...)
{
	if (!err)
		return status;
	err->status = status;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return status;
}

void tp_error_prefix(struct tp_error *err, const char *fmt, ...)
{
	if (!err)
		return;
	char prefix[TP_ERROR_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	/* Shift the message right and put "prefix: " in front, truncating the
	 * message's tail when the whole does not fit. */
	size_t plen = strlen(prefix);
	if (plen > sizeof err->message - 3)
		plen = sizeof err->message - 3;
	size_t mlen = strlen(err->message);
	size_t room = sizeof err->message - 3 - plen;
	if (mlen > room)
		mlen = room;
	memmove(err->message + plen + 2, err->message, mlen);
	memcpy(err->message, prefix, plen);
	memcpy(err->message + plen, ": ", 2);
	err->message[plen + 2 + mlen] = '\0';
}

void tp_error_clear(struct tp_error *err)
{
	if (!err)
		return;
	err->status = TP_OK;
	err->message[0] = '\0';
}
