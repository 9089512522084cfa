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
	[BS_PERM_EVIDENCE_REVIEW] = "evidence.review",
	[BS_PERM_ASSESS_FOLLOWUP] = "assessments.followup",
	[BS_PERM_SCANS_UPLOAD] = "scans.upload",
	[BS_PERM_WITNESS_WRITE] = "witness.write",
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
 * so "own training record" cannot be told apart). Evidence is reviewed (accepted or
 * rejected) by the security officer or the auditor only: the second pair of eyes on a proof
 * is not the admin who runs the system nor IT who submits most of it (docs/status.md). The
 * auditor alone is the audit unit (稽核單位) that follows up assessment findings and whose
 * verdict closes them (Annex 2 捌, assessments.followup): its one change of state. A PC's
 * Windows export bundle is saved as its scan (scans.upload) by whoever keeps evidence (admin,
 * security officer, IT), through a token made for the collector; never by an employee. */
static const unsigned role_perms[BS_ROLE_COUNT] = {
	[BS_ROLE_ADMIN] = P(BS_PERM_SELF) | P(BS_PERM_CONTROLS_READ) | P(BS_PERM_STATUS_READ) |
			  P(BS_PERM_EVIDENCE_READ) | P(BS_PERM_EVIDENCE_WRITE) | P(BS_PERM_EVENTS_READ) |
			  P(BS_PERM_EVENTS_APPEND) | P(BS_PERM_USERS_READ) | P(BS_PERM_USERS_WRITE) |
			  P(BS_PERM_USERS_RESET) | P(BS_PERM_POLICY_READ) | P(BS_PERM_POLICY_WRITE) |
			  P(BS_PERM_TOKENS_MANAGE) | P(BS_PERM_TRAINING_SELF) | P(BS_PERM_REGISTERS_READ) |
			  P(BS_PERM_REGISTERS_WRITE) | P(BS_PERM_WITNESS_WRITE) | P(BS_PERM_SCANS_UPLOAD),
	[BS_ROLE_SECURITY_OFFICER] = P(BS_PERM_SELF) | P(BS_PERM_CONTROLS_READ) | P(BS_PERM_STATUS_READ) |
				     P(BS_PERM_EVIDENCE_READ) | P(BS_PERM_EVIDENCE_WRITE) |
				     P(BS_PERM_EVENTS_READ) | P(BS_PERM_USERS_READ) | P(BS_PERM_USERS_RESET) |
				     P(BS_PERM_POLICY_READ) | P(BS_PERM_POLICY_WRITE) | P(BS_PERM_TRAINING_SELF) |
				     P(BS_PERM_REGISTERS_READ) | P(BS_PERM_REGISTERS_WRITE) | P(BS_PERM_EVIDENCE_REVIEW) |
				     P(BS_PERM_WITNESS_WRITE) | P(BS_PERM_SCANS_UPLOAD),
	[BS_ROLE_AUDITOR] = P(BS_PERM_SELF) | P(BS_PERM_CONTROLS_READ) | P(BS_PERM_STATUS_READ) |
			    P(BS_PERM_EVIDENCE_READ) | P(BS_PERM_EVENTS_READ) | P(BS_PERM_USERS_READ) |
			    P(BS_PERM_POLICY_READ) | P(BS_PERM_TRAINING_SELF) | P(BS_PERM_REGISTERS_READ) |
			    P(BS_PERM_EVIDENCE_REVIEW) | P(BS_PERM_ASSESS_FOLLOWUP),
	[BS_ROLE_IT_STAFF] = P(BS_PERM_SELF) | P(BS_PERM_CONTROLS_READ) | P(BS_PERM_STATUS_READ) |
			     P(BS_PERM_EVIDENCE_READ) | P(BS_PERM_EVIDENCE_WRITE) | P(BS_PERM_EVENTS_APPEND) |
			     P(BS_PERM_TOKENS_MANAGE) | P(BS_PERM_TRAINING_SELF) | P(BS_PERM_REGISTERS_READ) |
			     P(BS_PERM_REGISTERS_WRITE) | P(BS_PERM_SCANS_UPLOAD),
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

/* ---- who may act on whom: the second table (docs/roles.md "Who may act on whom") ---- */

static const struct {
	const char *name;  /* as the table and the refusal messages say it */
	enum bs_perm perm; /* the route-level permission the operation needs */
} ops[BS_OP_COUNT] = {
	[BS_OP_CREATE] = { "create", BS_PERM_USERS_WRITE },
	[BS_OP_ROLE] = { "change the role of", BS_PERM_USERS_WRITE },
	[BS_OP_DISABLE] = { "disable", BS_PERM_USERS_WRITE },
	[BS_OP_ENABLE] = { "enable", BS_PERM_USERS_WRITE },
	[BS_OP_DELETE] = { "delete", BS_PERM_USERS_WRITE },
	[BS_OP_ACCESS] = { "set the remote access of", BS_PERM_USERS_WRITE },
	[BS_OP_RESET] = { "reset", BS_PERM_USERS_RESET },
	[BS_OP_UNLOCK] = { "unlock", BS_PERM_USERS_RESET },
	[BS_OP_TOKEN_REVOKE] = { "revoke the API tokens of", BS_PERM_TOKENS_MANAGE },
};

int bs_role_rank(enum bs_role r)
{
	/* auditor, it_staff and employee are peers: none of them holds a users.* permission, so
	 * an order among them would decide nothing */
	return r == BS_ROLE_ADMIN ? 3 : r == BS_ROLE_SECURITY_OFFICER ? 2 : 1;
}

const char *bs_account_op_name(enum bs_account_op op)
{
	return (unsigned)op < BS_OP_COUNT ? ops[op].name : "?";
}

enum bs_perm bs_account_op_perm(enum bs_account_op op)
{
	return (unsigned)op < BS_OP_COUNT ? ops[op].perm : BS_PERM_COUNT;
}

int bs_account_may(enum bs_role actor, int self, enum bs_account_op op, enum bs_role target, enum bs_role to)
{
	if ((unsigned)op >= BS_OP_COUNT || (unsigned)actor >= BS_ROLE_COUNT || (unsigned)target >= BS_ROLE_COUNT ||
	    (unsigned)to >= BS_ROLE_COUNT)
		return bs_error(BS_EINVALID, "unknown account operation or role");
	if (!bs_role_has(actor, ops[op].perm))
		return bs_error(BS_EDENIED, "role %s does not have the permission %s", bs_role_name(actor),
				bs_perm_name(ops[op].perm));
	/* one's own account changes only through /me (password, TOTP): an account that could
	 * reset, re-role or re-enable itself would make its own password and factor optional */
	if (self)
		return bs_error(BS_EDENIED, "nobody can %s their own account: use /me for the own password, or ask "
				"another administrator (or 'brokersec user' on the server)", ops[op].name);
	/* strictly above the target; admins also over admins (someone must be able to reset or
	 * disable an admin without the server's shell) */
	if (bs_role_rank(target) >= bs_role_rank(actor) && actor != BS_ROLE_ADMIN)
		return bs_error(BS_EDENIED, "role %s cannot %s an account with role %s: only a higher role can "
				"(docs/roles.md)", bs_role_name(actor), ops[op].name, bs_role_name(target));
	if ((op == BS_OP_CREATE || op == BS_OP_ROLE) && bs_role_rank(to) > bs_role_rank(actor))
		return bs_error(BS_EDENIED, "role %s cannot give the role %s, which is higher than its own",
				bs_role_name(actor), bs_role_name(to));
	return 0;
}

void bs_privilege_matrix_markdown(struct bs_buf *out)
{
	bs_buf_puts(out, "| operation | by \\ on |");
	for (int t = 0; t < BS_ROLE_COUNT; t++)
		bs_buf_printf(out, " %s |", role_names[t]);
	bs_buf_puts(out, "\n| --- | --- |");
	for (int t = 0; t < BS_ROLE_COUNT; t++)
		bs_buf_puts(out, " :-: |");
	bs_buf_putc(out, '\n');
	for (int op = 0; op < BS_OP_COUNT; op++)
		for (int a = 0; a < BS_ROLE_COUNT; a++) {
			bs_buf_printf(out, "| %s | %s |", ops[op].name, role_names[a]);
			for (int t = 0; t < BS_ROLE_COUNT; t++)
				/* create: t is the new account's role; role change: the target's current
				 * role, and the new role must pass the create row */
				bs_buf_puts(out, bs_account_may((enum bs_role)a, 0, (enum bs_account_op)op, (enum bs_role)t,
								(enum bs_role)t) == 0 ? " ✔ |" : " · |");
			bs_buf_putc(out, '\n');
		}
	bs_error_clear();
}
