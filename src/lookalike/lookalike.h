/*
 * lookalike.h - phishing look-alike domains (第十四條): the permutations of a broker's domain a
 * phisher would register, with the registrable part taken from the Public Suffix List
 * (libpsl: example.com.tw, wang.idv.tw) and IDN handled by libidn2 (UTS #46 mapping).
 *
 * Classes (the names dnstwist uses, so results compare): addition, bitsquatting, cyrillic,
 * homoglyph, hyphenation, insertion, omission, repetition, replacement, subdomain,
 * transposition, vowel-swap, various, dictionary, tld-swap; and tw-sld (the other .tw second
 * levels: example.com.tw -> example.org.tw, example.tw, ...).
 */
#ifndef BS_LOOKALIKE_LOOKALIKE_H
#define BS_LOOKALIKE_LOOKALIKE_H

#include <stddef.h>

/* A domain split by the Public Suffix List. All ASCII (A-labels), lower case. */
struct bs_domain {
	char ascii[256];     /* the whole name */
	char sub[256];       /* the labels before the registrable domain ("www"), or "" */
	char label[64];      /* the registrable domain's own label ("example") */
	char suffix[256];    /* its public suffix ("com.tw") */
};

/* Splits name (UTF-8 or ASCII; UTS #46 mapped, so "ＥＸＡＭＰＬＥ.com.tw" is example.com.tw).
 * 0, or BS_EINVALID with a message naming name and what is wrong (not a domain, no
 * registrable part: a public suffix itself). */
int bs_domain_split(const char *name, struct bs_domain *out);

/* The registrable part of ascii (a pointer into it) by the Public Suffix List, or NULL when
 * ascii is a public suffix itself. */
const char *bs_domain_registrable(const char *ascii);
/* 1 when ascii's top-level label is one the Public Suffix List knows (not only its "*" rule):
 * "sshd.service" and "report.pdf" are not domains. */
int bs_domain_known_suffix(const char *ascii);
/* name (UTF-8) to lower-case A-labels with UTS #46 mapping into out; 0, or -1 with *why (static). */
int bs_domain_to_ascii(const char *name, char *out, size_t cap, const char **why);

struct bs_lookalike {
	char *ascii;         /* the permutation as registered (A-labels: xn--...) */
	char *unicode;       /* as a person reads it (U-labels) */
	const char *kind;    /* its class (static) */
};

struct bs_lookalike_set {
	struct bs_lookalike *v;
	size_t n, cap;
	/* dedup: open addressing over v's indexes + 1 (0 empty) */
	size_t *slots, nslots;
};

struct bs_lookalike_opts {
	const char *const *words;  /* dictionary words (brand, pinyin, English): "dictionary" class */
	size_t nwords;
};

/* Adds every permutation of d (without d itself) to out, deduplicated across calls.
 * 0 or an error. */
int bs_lookalike_gen(const struct bs_domain *d, const struct bs_lookalike_opts *o, struct bs_lookalike_set *out);
void bs_lookalike_set_release(struct bs_lookalike_set *s);
/* The index + 1 of ascii in s, 0 when it is not there. */
size_t bs_lookalike_set_find(const struct bs_lookalike_set *s, const char *ascii);

/* The classes, in the order they are generated (NULL ends it). */
extern const char *const bs_lookalike_kinds[];

#endif
