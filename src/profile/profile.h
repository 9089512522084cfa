/*
 * profile.h - the organisation profile: the flags that decide which clauses apply.
 *
 * The flags and what they switch on come from the regulation (see DESIGN.md,
 * "Organisation profile"); they live in one table in profile.c.
 */
#ifndef BS_PROFILE_PROFILE_H
#define BS_PROFILE_PROFILE_H

#include "store/store.h"

enum bs_profile_flag {
	BS_PF_INTERNAL_CONTROL,
	BS_PF_MAIL_SERVER,
	BS_PF_ONLINE_INSURANCE,
	BS_PF_MOBILE_APP,
	BS_PF_CLOUD,
	BS_PF_BYOD,
	BS_PF_REMOTE_WORK,
	BS_PF_COUNT
};

struct bs_profile_info {
	const char *name;   /* internal_control: catalog and JSON spelling */
	const char *option; /* internal-control: CLI spelling */
	const char *zh;
	const char *en;
	const char *clauses; /* what it switches on, for people */
};

const struct bs_profile_info *bs_profile_info(enum bs_profile_flag f);
/* Finds a flag by either spelling; -1 when unknown. */
int bs_profile_flag_lookup(const char *name);
/* Parses yes|no|true|false|1|0; -1 when neither. */
int bs_profile_parse_bool(const char *s);

struct bs_profile {
	char *org;
	char *created_at;
	unsigned mask; /* bit f set when flag f is yes */
};

int bs_profile_load(struct bs_store *s, struct bs_profile *out);
void bs_profile_release(struct bs_profile *p);

/* Writes the organisation row and every flag (init). */
int bs_profile_create(struct bs_store *s, const char *org, unsigned mask, const char *who);
/* Sets one flag; *changed tells whether it differed. */
int bs_profile_set(struct bs_store *s, enum bs_profile_flag f, int on, const char *who, int *changed);

#endif
