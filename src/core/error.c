#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char message[1024];

int bs_error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	/* Truncation of a long message is acceptable: it is for people. */
	(void)vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	return code;
}

const char *bs_error_message(void)
{
	return message;
}

void bs_error_clear(void)
{
	message[0] = '\0';
}

const char *bs_error_name(int code)
{
	switch (code) {
	case BS_OK: return "ok";
	case BS_ENOTFOUND: return "not found";
	case BS_EEXISTS: return "exists";
	case BS_EDENIED: return "denied";
	case BS_EINVALID: return "invalid";
	case BS_ECONFLICT: return "conflict";
	default: return "error";
	}
}
