/*
 * error.h - the one error contract of brokersec.
 *
 * Functions that can fail return 0 on success or a negative BS_E* code, and set a
 * thread-local message saying what went wrong, with which input and what to do. Callers
 * pass the callee's code up unchanged; only the CLI turns it into a stderr line and an
 * exit status, only the HTTP layer into a status code.
 *
 * Language: call sites write English formats; bs_error() looks the format up in the zh-TW
 * table (error_zh.c) when the thread's message language is zh-TW, so that a message follows
 * --lang without every call site knowing the language. The CLI sets the language once
 * (cli.c), the HTTP server per request; other threads keep English (server logs).
 */
#ifndef BS_CORE_ERROR_H
#define BS_CORE_ERROR_H

#include <stddef.h>

#include "core/i18n.h"

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

/* The language of the messages bs_error() sets on this thread from now on (English until set). */
void bs_error_set_lang(enum bs_lang lang);
enum bs_lang bs_error_lang(void);

/* The zh-TW format for an English bs_error() format, or NULL when the table has none. */
const char *bs_error_zh(const char *en_fmt);

/* The tables (error_zh.c, error_zh_tbl2.c): each sorted by strcmp of .en, a key in one table
 * only, each .zh with exactly the printf conversions of its .en in the same order
 * (tests/unit/test_error_zh.c holds them to this; tools/error-strings.sh, run by `make lint`,
 * fails on a key no call site uses any more, on a format without a row and on conversions
 * that differ). bs_error_zh() searches both. */
struct bs_error_tr {
	const char *en;
	const char *zh;
};
extern const struct bs_error_tr bs_error_table[];
extern const size_t bs_error_table_len;
extern const struct bs_error_tr bs_error_table2[];
extern const size_t bs_error_table2_len;

/* strerror(errnum) in this thread's message language: zh-TW text for the common errno values
 * (strerror_zh.c), the C library's English otherwise. For the "%s" a bs_error() format fills
 * with a system error, so that the whole message follows --lang. */
const char *bs_strerror(int errnum);

/* A stable lowercase name for a code: "not found", "invalid" ... */
const char *bs_error_name(int code);

#endif
