/* probe_procs.c - anti-malware daemons running now (/proc/<pid>/comm): clamd, freshclam and
 * the daemons of commercial agents (the names Lynis MALW-3280..3286 look for). Live only. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "scan/probe.h"

static const char *const daemons[] = { "clamd", "freshclam", "com.avast.daemon", "avqmd", "bdagentd", "epagd",
					"falcon-sensor", "CylanceSvc", "esets_daemon", "wdserver", "klnagent",
					"cma", "cmdagent", "savscand", "SophosScanD", "rtvscand", "smcd", "symcfgd",
					"ds_am", "wdavdaemon", "sentinelone-ag", NULL };

static int run(struct bs_probe_ctx *ctx)
{
	const char *proc = bs_probe_proc(ctx);
	/* a live probe: the running system's /proc (or the --proc the user named), never a
	 * path of a --root image, so not through the root (rootfs.h) */
	DIR *d = opendir(proc);
	struct dirent *de;
	size_t seen = 0;

	if (!d)
		return bs_probe_fail(ctx, "cannot list '%s': the process list is needed", proc);
	while ((de = readdir(d))) {
		char path[512], comm[64];
		FILE *f;
		if (de->d_name[0] < '1' || de->d_name[0] > '9' || strspn(de->d_name, "0123456789") != strlen(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s/comm", proc, de->d_name);
		if (!(f = fopen(path, "re")))
			continue; /* the process ended meanwhile */
		/* NEEDSWORK: with /proc mounted hidepid=2 a scan not run as root sees only its own
		 * processes, and a running daemon looks absent. */
		if (fgets(comm, sizeof(comm), f)) {
			comm[strcspn(comm, "\n")] = '\0';
			seen++;
			for (int i = 0; daemons[i]; i++)
				/* comm is cut at 15 characters */
				if (!strncmp(comm, daemons[i], 15) && comm[0])
					bs_fact_addf(ctx, "procs.antivirus", comm, path, 0, "running (pid %s)", de->d_name);
		}
		fclose(f);
	}
	closedir(d);
	if (!seen)
		return bs_probe_fail(ctx, "no process is visible in '%s': cannot tell what runs", proc);
	return 0;
}

const struct bs_probe bs_probe_procs = { "procs", BS_PROBE_LIVE, run };
