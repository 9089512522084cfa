/* perm.c - roles and THE permission table. Every CLI command and API route names one of
 * these permissions; this table alone decides which role holds it (docs/roles.md). */
#include <string.h>

#include "auth/auth.h"

static const char *const perm_names[BS_PERM_COUNT] = {
	[BS_PERM_NONE] = "public",
	[BS_PERM_SELF] = "self",
	[BS_PERM_CONTROLS_READ] = "controls.read",
	[BS_PERM_STATUS_READ] = "status.read",
	[BS_PERM_EVIDENCE_READ] = "evidence.read",
	[BS_PERM_EVIDENCE_WRITE] = "evidence.write",
	[BS_PERM_EVENTS_READ] = "events.read",
	[BS_PERM_EVENTS_APPEND] = "events.append",
	[BS_PERM_USERS_READ] = "users.read",
	[BS_PERM_USERS_WRITE] = "users.write",
	[BS_PERM_USERS_RESET] = "users.reset",
	[BS_PERM_POLICY_READ] = "policy.read",
	[BS_PERM_POLICY_WRITE] = "policy.write",
	[BS_PERM_TOKENS_MANAGE] = "tokens.manage",
	[BS_PERM_TRAINING_SELF] = "training.self",
	[BS_PERM_REGISTERS_READ] = "registers.read",
	[BS_PERM_REGISTERS_WRITE] = "registers.write",
};

static const char *const role_names[BS_ROLE_COUNT] = {
	[BS_ROLE_ADMIN] = "admin",
	[BS_ROLE_SECURITY_OFFICER] = "security_officer",
	[BS_ROLE_AUDITOR] = "auditor",
	[BS_ROLE_IT_STAFF] = "it_staff",
	[BS_ROLE_EMPLOYEE] = "employee",
};

#define P(x) (1u << (x))
/* Least privilege: a role gets what its job needs and nothing more. The auditor reads
 * everything, including the event log, and changes nothing. Only admins manage accounts;
 * the security officer (資安專責人員) sets the policy, reads and re-identifies (reset,
 * unlock) but does not create accounts. The registers (and the deadlines computed from them)
 * are read by the auditor, the security officer and IT, and kept by the security officer and
 * IT; employees stay out of them (NEEDSWORK in docs/roles.md: no account -> person link yet,
 * so "own training record" cannot be told apart). */
static const unsigned role_perms[BS_ROLE_COUNT] = {
	[BS_ROLE_ADMIN] = P(BS_PERM_SELF) | P(BS_PERM_CONTROLS_READ) | P(BS_PERM_STATUS_READ) |
			  P(BS_PERM_EVIDENCE_READ) | P(BS_PERM_EVIDENCE_WRITE) | P(BS_PERM_EVENTS_READ) |
			  P(BS_PERM_EVENTS_APPEND) | P(BS_PERM_USERS_READ) | P(BS_PERM_USERS_WRITE) |
			  P(BS_PERM_USERS_RESET) | P(BS_PERM_POLICY_READ) | P(BS_PERM_POLICY_WRITE) |
			  P(BS_PERM_TOKENS_MANAGE) | P(BS_PERM_TRAINING_SELF) | P(BS_PERM_REGISTERS_READ) |
			  P(BS_PERM_REGISTERS_WRITE),
	[BS_ROLE_SECURITY_OFFICER] = P(BS_PERM_SELF) | P(BS_PERM_CONTROLS_READ) | P(BS_PERM_STATUS_READ) |
				     P(BS_PERM_EVIDENCE_READ) | P(BS_PERM_EVIDENCE_WRITE) |
				     P(BS_PERM_EVENTS_READ) | P(BS_PERM_USERS_READ) | P(BS_PERM_USERS_RESET) |
				     P(BS_PERM_POLICY_READ) | P(BS_PERM_POLICY_WRITE) | P(BS_PERM_TRAINING_SELF) |
				     P(BS_PERM_REGISTERS_READ) | P(BS_PERM_REGISTERS_WRITE),
	[BS_ROLE_AUDITOR] = P(BS_PERM_SELF) | P(BS_PERM_CONTROLS_READ) | P(BS_PERM_STATUS_READ) |
			    P(BS_PERM_EVIDENCE_READ) | P(BS_PERM_EVENTS_READ) | P(BS_PERM_USERS_READ) |
			    P(BS_PERM_POLICY_READ) | P(BS_PERM_TRAINING_SELF) | P(BS_PERM_REGISTERS_READ),
	[BS_ROLE_IT_STAFF] = P(BS_PERM_SELF) | P(BS_PERM_CONTROLS_READ) | P(BS_PERM_STATUS_READ) |
			     P(BS_PERM_EVIDENCE_READ) | P(BS_PERM_EVIDENCE_WRITE) | P(BS_PERM_EVENTS_APPEND) |
			     P(BS_PERM_TOKENS_MANAGE) | P(BS_PERM_TRAINING_SELF) | P(BS_PERM_REGISTERS_READ) |
			     P(BS_PERM_REGISTERS_WRITE),
	[BS_ROLE_EMPLOYEE] = P(BS_PERM_SELF) | P(BS_PERM_TRAINING_SELF),
};

const char *bs_perm_name(enum bs_perm p)
{
	return (unsigned)p < BS_PERM_COUNT ? perm_names[p] : "?";
}

enum bs_perm bs_perm_parse(const char *name)
{
	for (int p = 0; p < BS_PERM_COUNT; p++)
		if (!strcmp(name, perm_names[p]))
			return (enum bs_perm)p;
	return BS_PERM_COUNT;
}

const char *bs_role_name(enum bs_role r)
{
	return (unsigned)r < BS_ROLE_COUNT ? role_names[r] : "?";
}

int bs_role_parse(const char *name, enum bs_role *out)
{
	for (int r = 0; r < BS_ROLE_COUNT; r++)
		if (!strcmp(name, role_names[r])) {
			*out = (enum bs_role)r;
			return 0;
		}
	return bs_error(BS_EINVALID, "unknown role '%s': use admin, security_officer, auditor, it_staff or employee",
			name);
}

int bs_role_has(enum bs_role r, enum bs_perm p)
{
	if (p == BS_PERM_NONE)
		return 1;
	if ((unsigned)r >= BS_ROLE_COUNT || (unsigned)p >= BS_PERM_COUNT)
		return 0;
	return (role_perms[r] >> p) & 1;
}

void bs_perm_matrix_markdown(struct bs_buf *out)
{
	bs_buf_puts(out, "| permission |");
	for (int r = 0; r < BS_ROLE_COUNT; r++)
		bs_buf_printf(out, " %s |", role_names[r]);
	bs_buf_puts(out, "\n| --- |");
	for (int r = 0; r < BS_ROLE_COUNT; r++)
		bs_buf_puts(out, " :-: |");
	bs_buf_putc(out, '\n');
	for (int p = BS_PERM_SELF; p < BS_PERM_COUNT; p++) {
		bs_buf_printf(out, "| `%s` |", perm_names[p]);
		for (int r = 0; r < BS_ROLE_COUNT; r++)
			bs_buf_puts(out, bs_role_has((enum bs_role)r, (enum bs_perm)p) ? " ✔ |" : " · |");
		bs_buf_putc(out, '\n');
	}
}
