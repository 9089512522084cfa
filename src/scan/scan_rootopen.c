/* scan_rootopen.c - one regular file of a system under a root opened for reading, resolved
 * inside the root as chroot(2) would (rootfs.h), of any size, for modules above the scanner
 * that read it themselves (`vuln inventory --root`'s RPM database, vuln/rpmdb.h; scan.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "scan/rootfs.h"
#include "scan/scan.h"

int bs_scan_root_open(const char *root, const char *path, int *fd_out)
{
	struct bs_rootfs fs;
	struct stat st;
	const char *shown = root && root[0] && strcmp(root, "/") ? root : "";
	int fd, err;

	*fd_out = -1;
	if ((err = bs_rootfs_open_root(&fs, root)) < 0)
		return err;
	fd = bs_rootfs_openat(&fs, path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;
		bs_rootfs_close(&fs);
		if (e == ENOENT || e == ENOTDIR)
			return bs_error(BS_ENOTFOUND, "'%s%s' does not exist", shown, path);
		return bs_error(e == EACCES || e == EPERM ? BS_EDENIED : BS_ERR, "cannot open '%s%s': %s", shown, path,
				bs_strerror(e));
	}
	bs_rootfs_close(&fs);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return bs_error(BS_EINVALID, "'%s%s' is not a regular file", shown, path);
	}
	*fd_out = fd;
	return 0;
}
