/*
 * rootfs.h - private to src/scan: the ONE place where a scan opens, stats, lists or reads a
 * link of a path of the scanned system. Paths are resolved inside the root as chroot(2)
 * would resolve them: an absolute symlink starts again at the root (Debian's enablement
 * links `…wants/chrony.service -> /lib/systemd/system/chrony.service` name the image's own
 * unit, not the scanning host's), `..` stops at the root, and nothing outside the root is
 * ever opened, whatever links an image holds (issue 14, item 1).
 *
 * How: openat2(2) with RESOLVE_IN_ROOT on a descriptor of the root (Linux >= 5.6); where
 * the kernel lacks openat2 (ENOSYS) an equivalent walk in user space, component by
 * component from the root descriptor with O_NOFOLLOW, symlinks re-rooted, `..` clamped at
 * the root, at most 40 links per path (ELOOP, as the kernel). The live host is the root "/".
 * probe_util.c wraps these for the probes (bs_probe_read, _lstat, _glob, _walk ...).
 */
#ifndef BS_SCAN_ROOTFS_H
#define BS_SCAN_ROOTFS_H

#include <dirent.h>
#include <sys/stat.h>
#include <sys/types.h>

struct bs_rootfs {
	int fd;      /* the root directory (O_PATH), -1 when not open */
	int walk;    /* 1: resolve in user space (no openat2 here, or forced for a test) */
};

/* Opens root ("" or NULL: "/"). 0, or BS_ENOTFOUND / BS_ERR with a message. With
 * BROKERSEC_TESTING=1, BROKERSEC_SCAN_RESOLVE=walk forces the user-space walk so that the
 * tests run both ways. */
int bs_rootfs_open_root(struct bs_rootfs *fs, const char *root);
void bs_rootfs_close(struct bs_rootfs *fs);

/* Opens path (absolute: from the root; a leading '/' is optional) inside the root with
 * open(2) flags (O_CLOEXEC is added). With O_NOFOLLOW in flags a symlink as the last
 * component is not followed: flags must then be O_PATH (the link itself is opened).
 * A descriptor, or -1 with errno (ENOENT, ENOTDIR, EACCES, ELOOP, ...). */
int bs_rootfs_openat(const struct bs_rootfs *fs, const char *path, int flags);
/* stat (follow != 0) or lstat (follow == 0) of path inside the root; 0 or -1 (errno). */
int bs_rootfs_stat(const struct bs_rootfs *fs, const char *path, struct stat *st, int follow);
/* A directory of the root opened for readdir (closedir it), or NULL (errno). */
DIR *bs_rootfs_opendir(const struct bs_rootfs *fs, const char *path);
/* The target of symlink path (the link itself is found inside the root; its text is
 * returned as written, not resolved), NUL-terminated in buf; its length or -1 (errno:
 * EINVAL when path is not a symlink, ENAMETOOLONG when buf is too small). */
ssize_t bs_rootfs_readlink(const struct bs_rootfs *fs, const char *path, char *buf, size_t size);

#endif
