/* probe_kmod.c - kernel modules a host refuses to load, from modprobe's configuration
 * (modprobe.d(5)): whether USB mass storage (the usb-storage module, which uas needs too)
 * can be used (第五條 外接式存取裝置之使用管理, SR.5.2; issue 14, item 15). Blocked by
 * `install usb-storage /bin/false` (or /bin/true: modprobe runs that instead of loading it)
 * or by `blacklist usb-storage` (no automatic load when a device is plugged in). The files are
 * *.conf of /etc/modprobe.d, /run/modprobe.d, /usr/local/lib/modprobe.d, /usr/lib/modprobe.d
 * and /lib/modprobe.d, one name in /etc hiding the same name further down, as modprobe reads
 * them; '-' and '_' are the same in module names. Fact: kmod.usb_storage. */
#include <stdlib.h>
#include <string.h>

#include "scan/probe.h"

static const char *const dirs[] = { "/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d",
				    "/usr/lib/modprobe.d", "/lib/modprobe.d" };

static int same_module(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (*a != *b && !((*a == '-' || *a == '_') && (*b == '-' || *b == '_')))
			return 0;
	return !*a && !*b;
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

struct found {
	char *how, *file;
	int line;
};

static void keep(struct found *f, const char *how, const char *file, int line)
{
	if (f->how)
		return; /* the first one found says it */
	f->how = bs_strdup(how);
	f->file = bs_strdup(file);
	f->line = line;
}

static void read_file(struct bs_probe_ctx *ctx, const char *path, struct found *install, struct found *black)
{
	struct bs_probe_conf c;
	char *l;
	int r;

	if ((r = bs_probe_conf_open(&c, ctx, path, BS_CONF_HASH_LINE | BS_CONF_CONTINUE)) < 0) {
		bs_probe_read_error(ctx, r);
		return;
	}
	while ((l = bs_probe_conf_next(&c))) {
		char *save = NULL, *cmd = strtok_r(l, " \t", &save), *mod = strtok_r(NULL, " \t", &save);
		if (!cmd || !mod || !same_module(mod, "usb-storage"))
			continue;
		if (!strcmp(cmd, "blacklist")) {
			keep(black, "blacklist usb-storage", path, c.line);
		} else if (!strcmp(cmd, "install")) {
			char *prog = strtok_r(NULL, " \t", &save);
			const char *b = prog ? base(prog) : "";
			/* a command that loads nothing: false, true, /dev/null, exit */
			if (!strcmp(b, "false") || !strcmp(b, "true") || !strcmp(b, "null") || !strcmp(b, "exit")) {
				char how[256];
				snprintf(how, sizeof(how), "install usb-storage %s", prog);
				keep(install, how, path, c.line);
			}
		}
	}
	bs_probe_conf_release(&c);
}

/* The installed kernels that have a usb-storage module (built in or a file); -1 when the
 * root holds no kernel modules at all. *builtin: one of them has it built in (modprobe.d
 * cannot block a module that is never loaded), its directory in builtin_dir. */
static int kernels_with_module(struct bs_probe_ctx *ctx, int *builtin, char *builtin_dir, size_t size)
{
	char **v, path[512];
	size_t n = bs_probe_glob(ctx, "/lib/modules/*", &v);
	int with = 0;

	if (!n) {
		bs_probe_strv_free(v, n);
		n = bs_probe_glob(ctx, "/usr/lib/modules/*", &v);
	}
	if (!n) {
		bs_probe_strv_free(v, n);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		char **m;
		size_t k;
		snprintf(path, sizeof(path), "%s/kernel/drivers/usb/storage/usb-storage.ko*", v[i]);
		k = bs_probe_glob(ctx, path, &m);
		bs_probe_strv_free(m, k);
		if (k) {
			with++;
			continue;
		}
		struct bs_buf b = BS_BUF_INIT;
		snprintf(path, sizeof(path), "%s/modules.builtin", v[i]);
		if (bs_probe_read(ctx, path, &b) == 0 && strstr(b.ptr, "/usb-storage.ko")) {
			with++;
			if (!*builtin)
				snprintf(builtin_dir, size, "%s", v[i]);
			*builtin = 1;
		}
		bs_error_clear();
		bs_buf_release(&b);
	}
	bs_probe_strv_free(v, n);
	return with;
}

static int run(struct bs_probe_ctx *ctx)
{
	struct found install = { 0 }, black = { 0 };
	char **files = NULL;
	size_t n = 0, cap = 0;
	char builtin_dir[512] = "";
	int builtin = 0, kernels = kernels_with_module(ctx, &builtin, builtin_dir, sizeof(builtin_dir));

	if (kernels < 0)
		return bs_probe_na(ctx, "沒有核心模組（/lib/modules）：此映像不載入核心模組（容器），外接儲存裝置由主機管理",
				   "no kernel modules (/lib/modules): this image loads none (a container); external "
				   "storage is the host's to control");
	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		char pat[256], **g;
		snprintf(pat, sizeof(pat), "%s/*.conf", dirs[d]);
		size_t ng = bs_probe_glob(ctx, pat, &g);
		for (size_t i = 0; i < ng; i++) {
			int hidden = 0;
			for (size_t k = 0; k < n && !hidden; k++)
				hidden = !strcmp(base(files[k]), base(g[i]));
			if (hidden) {
				free(g[i]);
				continue;
			}
			if (n == cap)
				files = bs_realloc(files, bs_size_mul(cap = cap ? cap * 2 : 16, sizeof(*files)));
			files[n++] = g[i];
		}
		free(g);
	}
	for (size_t i = 0; i < n; i++)
		read_file(ctx, files[i], &install, &black);
	bs_probe_strv_free(files, n);
	if (builtin)
		bs_fact_addf(ctx, "kmod.usb_storage", "usb-storage", builtin_dir, 0,
			     "allowed (built into the kernel in %s: modprobe.d cannot block it; use a kernel with "
			     "usb-storage as a module, or USBGuard)", builtin_dir);
	else if (install.how)
		bs_fact_addf(ctx, "kmod.usb_storage", "usb-storage", install.file, install.line, "blocked (%s)", install.how);
	else if (black.how)
		bs_fact_addf(ctx, "kmod.usb_storage", "usb-storage", black.file, black.line,
			     "blocked (%s: not loaded when a device is plugged in)", black.how);
	else if (!kernels)
		bs_fact_add(ctx, "kmod.usb_storage", "usb-storage",
			    "blocked (no installed kernel has the usb-storage module)", "/lib/modules", 0);
	else
		bs_fact_add(ctx, "kmod.usb_storage", "usb-storage",
			    "allowed (neither blacklisted nor `install usb-storage /bin/false` in modprobe.d)",
			    "/etc/modprobe.d", 0);
	free(install.how);
	free(install.file);
	free(black.how);
	free(black.file);
	return 0;
}

const struct bs_probe bs_probe_kmod = { "kmod", 0, run };
