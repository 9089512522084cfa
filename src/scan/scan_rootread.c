/* scan_rootread.c - one file of a system under a root, read as the probes read it
 * (bs_probe_read: resolved inside the root as chroot(2) would, a regular file of at most
 * 16 MiB), for modules above the scanner (`vuln inventory --root`, scan.h). */
#include <string.h>

#include "scan/probe.h"
#include "scan/probe_ctx.h"
#include "scan/scan.h"

int bs_scan_root_read(const char *root, const char *path, struct bs_buf *out)
{
	struct bs_probe_ctx ctx;
	int err;

	memset(&ctx, 0, sizeof(ctx));
	ctx.root = root && strcmp(root, "/") ? root : "";
	if ((err = bs_rootfs_open_root(&ctx.fs, root)) < 0)
		return err;
	err = bs_probe_read(&ctx, path, out);
	bs_rootfs_close(&ctx.fs);
	return err;
}
