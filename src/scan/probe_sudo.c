/* probe_sudo.c - sudo rules that grant every command without a password, read the way sudo
 * reads its policy: /etc/sudoers and what it includes, in place and in order: `@include FILE`
 * / `#include FILE` (a relative FILE is relative to the including file's directory) and
 * `@includedir DIR` / `#includedir DIR` (DIR's files in name order, skipping those sudo
 * skips: a name that ends in '~' or contains a '.'). Lines ending in a backslash continue; a
 * '#' starts a comment unless it is one of those directives or a number (`#1000` is a uid).
 *
 * Facts: sudo.nopasswd_all, one per rule whose command list gives ALL under NOPASSWD (the
 * tag carries over to the commands after it, PASSWD: ends it), subject the user list, value
 * the rule, file and line. Not applicable without /etc/sudoers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan/probe.h"

#define MAX_DEPTH 16

static int read_file(struct bs_probe_ctx *ctx, const char *path, int depth, int optional);

/* Cuts the comment from l in place: a '#' not followed by a digit (a uid) ends the line. */
static void cut_comment(char *l)
{
	for (char *p = l; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p == '#' && !(p[1] >= '0' && p[1] <= '9')) {
			*p = '\0';
			return;
		}
	}
}

/* The include's path: the word after the directive ("..." quoted may hold blanks), made
 * absolute against dir. Owned, or NULL when there is none. */
static char *include_path(const char *arg, const char *from)
{
	char word[1024];
	size_t n = 0;

	while (*arg == ' ' || *arg == '\t')
		arg++;
	if (*arg == '"') {
		arg++;
		while (*arg && *arg != '"' && n + 1 < sizeof(word))
			word[n++] = *arg++;
	} else {
		while (*arg && *arg != ' ' && *arg != '\t' && n + 1 < sizeof(word)) {
			if (*arg == '\\' && arg[1])
				arg++;
			word[n++] = *arg++;
		}
	}
	word[n] = '\0';
	if (!n)
		return NULL;
	struct bs_buf b = BS_BUF_INIT;
	if (word[0] == '/') {
		bs_buf_puts(&b, word);
	} else {
		/* the including file's directory; a leading ./ or ../ taken off it, so the path shown
		 * is the one sudo names */
		const char *w = word, *slash = strrchr(from, '/');
		int dl = slash ? (int)(slash - from) : 0;
		for (;;) {
			if (!strncmp(w, "./", 2)) {
				w += 2;
			} else if (!strncmp(w, "../", 3) && dl > 0) {
				w += 3;
				while (dl > 0 && from[dl - 1] != '/')
					dl--;
				if (dl > 0)
					dl--;
			} else {
				break;
			}
		}
		bs_buf_printf(&b, "%.*s/%s", dl, from, w);
	}
	return bs_buf_detach(&b, NULL);
}

static int skipped_name(const char *name)
{
	size_t l = strlen(name);
	return !l || name[l - 1] == '~' || strchr(name, '.') != NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_dir(struct bs_probe_ctx *ctx, const char *dir, int depth)
{
	DIR *d = bs_probe_opendir(ctx, dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int r = 0;

	if (!d)
		return 0; /* sudo goes on without a missing directory */
	while ((de = readdir(d))) {
		if (skipped_name(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = bs_realloc(names, cap * sizeof(*names));
		}
		struct bs_buf b = BS_BUF_INIT;
		bs_buf_printf(&b, "%s/%s", dir, de->d_name);
		names[n++] = bs_buf_detach(&b, NULL);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (r == 0 && bs_probe_stat(ctx, names[i], &st) == 0 && S_ISREG(st.st_mode))
			r = read_file(ctx, names[i], depth + 1, 1);
		free(names[i]);
	}
	free(names);
	return r;
}

/* Whether the command list of a user specification (what follows its first '=') gives ALL
 * while NOPASSWD is in effect. Commands are separated by ','; each may start with a runas
 * list "(...)", options (NAME=value) and tags (NAME:), which carry over to the next. */
static int grants_all(const char *cmds)
{
	char *copy = bs_strdup(cmds), *save = NULL;
	int nopasswd = 0, found = 0;

	for (char *c = strtok_r(copy, ",", &save); c && !found; c = strtok_r(NULL, ",", &save)) {
		for (;;) {
			while (*c == ' ' || *c == '\t')
				c++;
			if (*c == '(') {
				char *e = strchr(c, ')');
				c = e ? e + 1 : c + strlen(c);
				continue;
			}
			size_t w = strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_");
			if (w && c[w] == ':') {
				if (w == 8 && !strncmp(c, "NOPASSWD", 8))
					nopasswd = 1;
				else if (w == 6 && !strncmp(c, "PASSWD", 6))
					nopasswd = 0;
				c += w + 1;
				continue;
			}
			if (w && c[w] == '=') { /* ROLE=, TYPE=, TIMEOUT=, NOTBEFORE=, ... */
				c += w + 1 + strcspn(c + w + 1, " \t");
				continue;
			}
			break;
		}
		char *end = c + strlen(c);
		while (end > c && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (nopasswd && !strcmp(c, "ALL"))
			found = 1;
	}
	free(copy);
	return found;
}

static void do_line(struct bs_probe_ctx *ctx, char *l, const char *path, int line, int depth, int *err)
{
	int hash = l[0] == '#';
	if ((hash || l[0] == '@') && !strncmp(l + 1, "include", 7) &&
	    (l[8] == ' ' || l[8] == '\t' || !strncmp(l + 8, "dir", 3))) {
		int dir = !strncmp(l + 8, "dir", 3);
		char *p = include_path(l + 8 + (dir ? 3 : 0), path);
		if (!p)
			return;
		if (depth >= MAX_DEPTH) {
			free(p);
			*err = bs_probe_fail(ctx, "%s:%d: includes nest deeper than %d (an include loop?): fix the include lines",
					     path, line, MAX_DEPTH);
			return;
		}
		*err = dir ? read_dir(ctx, p, depth) : read_file(ctx, p, depth + 1, 1);
		free(p);
		return;
	}
	cut_comment(l);
	l = bs_text_trim(l);
	if (!*l || !strncmp(l, "Defaults", 8) || strstr(l, "_Alias"))
		return;
	char *eq = strchr(l, '=');
	if (!eq || !grants_all(eq + 1))
		return;
	size_t ul = strcspn(l, " \t");
	char user[128], shown[200];
	snprintf(user, sizeof(user), "%.*s", (int)(ul < sizeof(user) ? ul : sizeof(user) - 1), l);
	snprintf(shown, sizeof(shown), "%s", l);
	bs_fact_add(ctx, "sudo.nopasswd_all", user, shown, path, line);
}

static int read_file(struct bs_probe_ctx *ctx, const char *path, int depth, int optional)
{
	struct bs_probe_conf c;
	char *l;
	int err = 0;

	int r = bs_probe_conf_open(&c, ctx, path, BS_CONF_CONTINUE);
	if (r < 0) {
		if (optional)
			return bs_probe_read_error(ctx, r);
		return bs_probe_fail(ctx, "%s", bs_error_message());
	}
	while (!err && (l = bs_probe_conf_next(&c)))
		do_line(ctx, l, path, c.line, depth, &err);
	bs_probe_conf_release(&c);
	return err;
}

static int run(struct bs_probe_ctx *ctx)
{
	struct stat st;

	if (bs_probe_lstat(ctx, "/etc/sudoers", &st) < 0 && (errno == ENOENT || errno == ENOTDIR))
		return bs_probe_na(ctx, "未安裝 sudo（沒有 /etc/sudoers）", "sudo is not installed (no /etc/sudoers)");
	int r = read_file(ctx, "/etc/sudoers", 0, 0);
	return r < 0 ? r : 0;
}

const struct bs_probe bs_probe_sudo = { "sudo", 0, run };
