/* rootfs.c - paths of the scanned system resolved inside its root as chroot(2) would
 * (rootfs.h): openat2(RESOLVE_IN_ROOT), or the same walk in user space without it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/error.h"
#include "datadir/datadir.h"
#include "scan/rootfs.h"

/* The kernel's own limit of symlinks followed in one lookup (MAXSYMLINKS). */
#define ROOTFS_MAXLINKS 40

static long sys_openat2(int dirfd, const char *path, int flags, unsigned long long resolve)
{
	struct open_how how;

	memset(&how, 0, sizeof(how));
	how.flags = (unsigned long long)(unsigned)flags;
	how.resolve = resolve;
	return syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

int bs_rootfs_open_root(struct bs_rootfs *fs, const char *root)
{
	const char *r = root && root[0] ? root : "/";
	const char *force = getenv("BROKERSEC_SCAN_RESOLVE");

	fs->walk = 0;
	fs->fd = open(r, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fs->fd < 0)
		return bs_error(errno == ENOENT || errno == ENOTDIR ? BS_ENOTFOUND : BS_ERR,
				"cannot open scan root '%s': %s: give a directory holding a mounted or copied system", r,
				bs_strerror(errno));
	if (force && !strcmp(force, "walk") && bs_testing()) {
		fs->walk = 1;
		return 0;
	}
	long fd = sys_openat2(fs->fd, ".", O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT);
	if (fd >= 0) {
		close((int)fd);
	} else if (errno == ENOSYS || errno == EPERM) {
		/* ENOSYS: a kernel before 5.6. EPERM: a container's seccomp filter refusing a system
		 * call it does not know (opening "." of a directory just opened cannot be refused). */
		fs->walk = 1;
	} else {
		int e = errno;
		close(fs->fd);
		fs->fd = -1;
		return bs_error(BS_ERR, "cannot open scan root '%s': %s", r, bs_strerror(e));
	}
	return 0;
}

void bs_rootfs_close(struct bs_rootfs *fs)
{
	if (fs->fd >= 0)
		close(fs->fd);
	fs->fd = -1;
}

/* The user-space walk: one component at a time from the root, each opened O_PATH|O_NOFOLLOW
 * relative to the directory before it (held in a stack of descriptors so that `..` goes
 * back one, and never above the root); a symlink's text replaces it in the path still to
 * walk (an absolute one restarts at the root). */
static int walk_open(const struct bs_rootfs *fs, const char *path, int flags)
{
	struct bs_buf rest = BS_BUF_INIT, tmp = BS_BUF_INIT;
	int *stack = NULL;
	size_t n = 1, cap = 0, pos;
	int links = 0, ret = -1, err = 0, nofollow = flags & O_NOFOLLOW;
	char target[4096];

	cap = 16;
	stack = bs_calloc(cap, sizeof(*stack));
	stack[0] = fs->fd; /* not owned */
	bs_buf_puts(&rest, path);
	pos = 0;
	for (;;) {
		char *comp;
		size_t len;
		int fd, last;
		struct stat st;

		while (pos < rest.len && rest.ptr[pos] == '/')
			pos++;
		if (pos >= rest.len) {
			/* the path ended on a directory (the root, `.`, `..` or a trailing '/') */
			ret = openat(stack[n - 1], ".", (flags & ~O_NOFOLLOW) | O_CLOEXEC);
			err = errno;
			break;
		}
		comp = rest.ptr + pos;
		len = strcspn(comp, "/");
		pos += len;
		while (pos < rest.len && rest.ptr[pos] == '/')
			pos++;
		last = pos >= rest.len;
		comp[len] = '\0'; /* the '/' after it (or the end) */
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			if (n > 1)
				close(stack[--n]);
			continue;
		}
		fd = openat(stack[n - 1], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0) {
			err = errno;
			if (fd >= 0)
				close(fd);
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			ssize_t tl;
			if (last && nofollow) {
				ret = fd;
				break;
			}
			if (++links > ROOTFS_MAXLINKS) {
				close(fd);
				err = ELOOP;
				break;
			}
			tl = readlinkat(fd, "", target, sizeof(target));
			err = errno;
			close(fd);
			if (tl < 0)
				break;
			if ((size_t)tl >= sizeof(target)) {
				err = ENAMETOOLONG;
				break;
			}
			/* the rest of the path after the link's text */
			bs_buf_clear(&tmp);
			bs_buf_put(&tmp, target, (size_t)tl);
			if (!last) {
				bs_buf_putc(&tmp, '/');
				bs_buf_puts(&tmp, rest.ptr + pos);
			}
			bs_buf_clear(&rest);
			bs_buf_puts(&rest, tmp.ptr ? tmp.ptr : "");
			pos = 0;
			if (tl > 0 && target[0] == '/')
				while (n > 1)
					close(stack[--n]);
			continue;
		}
		if (!last) {
			if (!S_ISDIR(st.st_mode)) {
				close(fd);
				err = ENOTDIR;
				break;
			}
			if (n == cap) {
				cap *= 2;
				stack = bs_realloc(stack, bs_size_mul(cap, sizeof(*stack)));
			}
			stack[n++] = fd;
			continue;
		}
		/* the last component, not a symlink: open it as asked (O_NOFOLLOW: it stays so) */
		if ((flags & O_PATH) && nofollow) {
			ret = fd;
			break;
		}
		ret = openat(stack[n - 1], comp, flags | O_NOFOLLOW | O_CLOEXEC);
		err = errno;
		close(fd);
		break;
	}
	while (n > 1)
		close(stack[--n]);
	free(stack);
	bs_buf_release(&rest);
	bs_buf_release(&tmp);
	if (ret < 0)
		errno = err ? err : ENOENT;
	return ret;
}

int bs_rootfs_openat(const struct bs_rootfs *fs, const char *path, int flags)
{
	unsigned long long resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;

	if (fs->fd < 0) {
		errno = EBADF;
		return -1;
	}
	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	if (!fs->walk) {
		/* EAGAIN: a rename raced with a `..` lookup (the kernel asks for a retry) */
		for (int i = 0; i < 8; i++) {
			long fd = sys_openat2(fs->fd, path, flags | O_CLOEXEC, resolve);
			if (fd >= 0)
				return (int)fd;
			if (errno != EAGAIN)
				return -1;
		}
	}
	return walk_open(fs, path, flags);
}

int bs_rootfs_stat(const struct bs_rootfs *fs, const char *path, struct stat *st, int follow)
{
	int fd = bs_rootfs_openat(fs, path, O_PATH | (follow ? 0 : O_NOFOLLOW));
	int r, e;

	if (fd < 0)
		return -1;
	r = fstat(fd, st);
	e = errno;
	close(fd);
	errno = e;
	return r;
}

DIR *bs_rootfs_opendir(const struct bs_rootfs *fs, const char *path)
{
	int fd = bs_rootfs_openat(fs, path, O_RDONLY | O_DIRECTORY | O_NONBLOCK);
	DIR *d;

	if (fd < 0)
		return NULL;
	if (!(d = fdopendir(fd))) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return d;
}

ssize_t bs_rootfs_readlink(const struct bs_rootfs *fs, const char *path, char *buf, size_t size)
{
	int fd = bs_rootfs_openat(fs, path, O_PATH | O_NOFOLLOW);
	struct stat st;
	ssize_t n;
	int e;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (!S_ISLNK(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	n = readlinkat(fd, "", buf, size);
	e = errno;
	close(fd);
	if (n >= 0 && (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (n < 0) {
		errno = e;
		return -1;
	}
	buf[n] = '\0';
	return n;
}
