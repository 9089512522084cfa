#include "core/whoami.h"

#include <pwd.h>
#include <stdio.h>
#include <unistd.h>

const char *bs_os_user(void)
{
	static char name[256];
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (name[0])
		return name;
	if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &res) == 0 && res && res->pw_name[0])
		snprintf(name, sizeof(name), "%s", res->pw_name);
	else
		snprintf(name, sizeof(name), "uid:%u", (unsigned)geteuid());
	return name;
}
