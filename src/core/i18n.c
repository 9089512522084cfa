#include "core/i18n.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"

int bs_lang_parse(const char *s, enum bs_lang *out)
{
	if (!strcasecmp(s, "zh-TW") || !strcasecmp(s, "zh_TW") || !strcasecmp(s, "zh") ||
	    !strncasecmp(s, "zh_TW.", 6)) {
		*out = BS_LANG_ZH_TW;
		return 0;
	}
	if (!strcasecmp(s, "en") || !strncasecmp(s, "en_", 3) || !strncasecmp(s, "en-", 3)) {
		*out = BS_LANG_EN;
		return 0;
	}
	return bs_error(BS_EINVALID, "unknown language '%s': use zh-TW or en", s);
}

enum bs_lang bs_lang_default(void)
{
	const char *env = getenv("BROKERSEC_LANG");
	enum bs_lang l = BS_LANG_ZH_TW;

	if (env && *env && bs_lang_parse(env, &l) < 0)
		l = BS_LANG_ZH_TW;
	return l;
}
