/*
 * fuzz_common.h - what the libFuzzer harnesses share: a scratch directory (on tmpfs when
 * there is one: the harnesses write a file per input and SQLite syncs; removed by the next
 * run, as libFuzzer exits without atexit handlers), writing a file, removing a tree, and
 * fuzz_check() for the invariants. Header-only, static inline.
 */
#ifndef BS_FUZZ_COMMON_H
#define BS_FUZZ_COMMON_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* An invariant of the code under test: abort (a crash libFuzzer reports with the input). */
#define fuzz_check(cond)                                                                   \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_check failed: %s (%s:%d)\n", #cond, __FILE__, \
				__LINE__);                                                 \
			abort();                                                           \
		}                                                                          \
	} while (0)

static inline void fuzz_rmtree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			struct bs_buf p = BS_BUF_INIT;
			bs_buf_printf(&p, "%s/%s", path, e->d_name);
			fuzz_rmtree(p.ptr);
			bs_buf_release(&p);
		}
		if (d)
			closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static char fuzz_tmp_root[256];

/* libFuzzer ends the process with _Exit (no atexit handlers): the directory of a process that
 * is gone is removed by the next one. */
static inline void fuzz_tmp_sweep(const char *base)
{
	DIR *d = opendir(base);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		const char *dash = strrchr(e->d_name, '-');
		long pid;
		char *end;
		if (strncmp(e->d_name, "bsfuzz-", 7) || !dash)
			continue;
		pid = strtol(dash + 1, &end, 10);
		if (*end || pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		struct bs_buf p = BS_BUF_INIT;
		bs_buf_printf(&p, "%s/%s", base, e->d_name);
		fuzz_rmtree(p.ptr);
		bs_buf_release(&p);
	}
	if (d)
		closedir(d);
}

/* A fresh directory for this process, <base>/bsfuzz-<name>-<pid>, on /dev/shm when it is
 * writable (else $FUZZ_TMPDIR, $TMPDIR or /tmp). */
static inline const char *fuzz_tmpdir(const char *name)
{
	const char *base = getenv("FUZZ_TMPDIR");
	if (!base || !*base)
		base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	fuzz_tmp_sweep(base);
	snprintf(fuzz_tmp_root, sizeof(fuzz_tmp_root), "%s/bsfuzz-%s-%ld", base, name, (long)getpid());
	fuzz_rmtree(fuzz_tmp_root);
	if (mkdir(fuzz_tmp_root, 0700) != 0) {
		perror(fuzz_tmp_root);
		abort();
	}
	return fuzz_tmp_root;
}

static inline void fuzz_write(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	const char *p = data;
	if (fd < 0) {
		perror(path);
		abort();
	}
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w <= 0) {
			perror(path);
			abort();
		}
		p += w;
		len -= (size_t)w;
	}
	close(fd);
}

#endif
