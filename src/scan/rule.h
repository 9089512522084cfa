/* rule.h - private to src/scan: a compiled policy rule (policy.c builds, run.c evaluates). */
#ifndef BS_SCAN_RULE_H
#define BS_SCAN_RULE_H

#include <regex.h>

enum rule_kind { RULE_FILE, RULE_DIR, RULE_FACT };
/* What a rule tests. FILE: EXISTS, ABSENT, MATCH (+compare), MODE (perm_max/owner).
 * DIR: ENTRIES. FACT: PRESENT, ABSENT, COMPARE, EQUALS, MATCH, COUNT. */
enum rule_op { OP_EXISTS, OP_ABSENT, OP_MATCH, OP_MODE, OP_ENTRIES, OP_PRESENT, OP_COMPARE, OP_EQUALS,
	       OP_COUNT };
enum cmp_op { CMP_LT, CMP_LE, CMP_GT, CMP_GE, CMP_EQ, CMP_NE };

#define BS_NUM_INF 0x7fffffffffffffffLL /* "never", "unbounded": no limit */

struct bs_scan_rule {
	enum rule_kind kind;
	enum rule_op op;
	char *target;          /* the path or the fact name */
	char *pattern;         /* regex source (MATCH, ENTRIES) or the EQUALS string */
	regex_t re;
	int has_re;
	int has_cmp;           /* MATCH with compare, COMPARE, COUNT */
	enum cmp_op cmp;
	long long num;
	unsigned perm_max;
	int has_perm;
	char *owner;           /* user name or number; NULL: not checked */
	int missing_na;        /* a fact nobody reported makes the rule not applicable */
	int line;
};

const char *bs_cmp_name(enum cmp_op op);
int bs_cmp_eval(enum cmp_op op, long long a, long long b);
/* Parses "never"/"unbounded"/"infinite" as BS_NUM_INF, else a decimal integer; 0 or -1. */
int bs_num_parse(const char *s, long long *out);

#endif
