/*
 * error.h - the one error contract of brokersec.
 *
 * Functions that can fail return 0 on success or a negative BS_E* code, and set a
 * thread-local message saying what went wrong, with which input and what to do. Callers
 * pass the callee's code up unchanged; only the CLI turns it into a stderr line and an
 * exit status, only the HTTP layer into a status code.
 */
#ifndef BS_CORE_ERROR_H
#define BS_CORE_ERROR_H

enum bs_err {
	BS_OK = 0,
	BS_ERR = -1,        /* anything else: I/O, library failure */
	BS_ENOTFOUND = -2,  /* the named thing does not exist */
	BS_EEXISTS = -3,    /* the named thing exists already */
	BS_EDENIED = -4,    /* not allowed */
	BS_EINVALID = -5,   /* bad input */
	BS_ECONFLICT = -6,  /* state does not allow it (e.g. newer schema) */
};

#if defined(__GNUC__)
#define BS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define BS_PRINTF(a, b)
#endif

/* Sets the message (printf-style) and returns code, so `return bs_error(...)` reads well. */
int bs_error(int code, const char *fmt, ...) BS_PRINTF(2, 3);

/* The last message set on this thread; "" when none. Borrowed, valid until the next set. */
const char *bs_error_message(void);

void bs_error_clear(void);

/* A stable lowercase name for a code: "not found", "invalid" ... */
const char *bs_error_name(int code);

#endif
