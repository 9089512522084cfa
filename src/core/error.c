#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local char message[1024];
/* English until a caller that knows the reader's language says otherwise: library users and
 * background threads write to logs read by administrators, and unit tests compare English. */
static _Thread_local enum bs_lang lang = BS_LANG_EN;

void bs_error_set_lang(enum bs_lang l)
{
	lang = l;
}

enum bs_lang bs_error_lang(void)
{
	return lang;
}

static int tr_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct bs_error_tr *)elem)->en);
}

const char *bs_error_zh(const char *en_fmt)
{
	const struct bs_error_tr *t = bsearch(en_fmt, bs_error_table, bs_error_table_len, sizeof(*t), tr_cmp);

	if (!t)
		t = bsearch(en_fmt, bs_error_table2, bs_error_table2_len, sizeof(*t), tr_cmp);
	return t ? t->zh : NULL;
}

int bs_error(int code, const char *fmt, ...)
{
	va_list ap;
	const char *f = fmt, *zh;

	/* the zh format has the same conversions as fmt (test_error_zh), so the arguments fit */
	if (lang == BS_LANG_ZH_TW && (zh = bs_error_zh(fmt)))
		f = zh;
	va_start(ap, fmt);
	/* Truncation of a long message is acceptable: it is for people. */
	(void)vsnprintf(message, sizeof(message), f, ap);
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
