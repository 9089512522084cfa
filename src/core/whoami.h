/* whoami.h - the operating-system user running this process (the actor until accounts exist). */
#ifndef BS_CORE_WHOAMI_H
#define BS_CORE_WHOAMI_H

/* "name" of the effective uid, or "uid:N" when it has no name. Borrowed, static. */
const char *bs_os_user(void);

#endif
