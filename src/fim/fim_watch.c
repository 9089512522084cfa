/* fim_watch.c - real time (fim.h, docs/fim.md "Watch"): fanotify on the root's whole filesystem
 * with FAN_REPORT_DFID_NAME where the kernel and our capabilities allow (CAP_SYS_ADMIN for the
 * mark, CAP_DAC_READ_SEARCH to turn a directory handle into its path), else inotify on every
 * directory under the root. Both feed one bounded queue that the same rules judge; a queue
 * overflow (the kernel's or ours) is an alert event, never silence. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "datadir/datadir.h"
#include "fim/fim_int.h"
#include "store/store.h"

/* a burst: this many renames or rewrites within WINDOW_S seconds */
#define WINDOW_S 10

enum ev_kind { EV_WRITE, EV_CREATE, EV_MOVED_TO, EV_MOVED_FROM, EV_DELETE };

struct pending {
	char *rel;
	enum ev_kind kind;
	int pid;
};

struct watcher {
	struct bs_datadir *dd;
	const struct bs_fim_watch_opts *o;
	struct bs_fim_watch_stats *st;
	char root[PATH_MAX];
	size_t rootlen;
	struct bs_fim_tree base;     /* root's baseline, verified; empty when none */
	char **cpaths, **chashes;    /* canaries under root */
	size_t ncanary;
	struct pending *q;
	size_t qn, qmax;
	int overflow_pending;
	/* inotify: wd -> directory (relative) */
	char **wdir;
	size_t nwdir;
	/* the window of bursts */
	time_t win_start;
	int64_t win_renames, win_rewrites, win_jumps;
	int burst_said;
	struct bs_fim_signs signs;   /* every indicator of this watch */
	size_t said;                 /* signs written as events so far */
	int drafted;
	int said_detected;           /* "detected" said: before the alert events and the draft are written */
	int64_t last_flush_ms;
	int last_pid;
	int offenders[16];           /* pids whose writes gave signs (fanotify) */
	size_t noffenders;
};

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void enqueue(struct watcher *w, const char *rel, enum ev_kind kind, int pid)
{
	if (w->qn >= w->qmax) {
		w->st->dropped++;
		w->overflow_pending = 1;
		return;
	}
	w->q[w->qn].rel = bs_strdup(rel);
	w->q[w->qn].kind = kind;
	w->q[w->qn].pid = pid;
	w->qn++;
	w->st->events++;
}

static int is_canary(const struct watcher *w, const char *rel, size_t *idx)
{
	for (size_t i = 0; i < w->ncanary; i++)
		if (!strcmp(w->cpaths[i], rel)) {
			*idx = i;
			return 1;
		}
	return 0;
}

/* Writes the indicators not yet written as fim.alert events, and drafts the incident once the
 * score reaches the threshold. */
static int flush_signs(struct watcher *w, int pid)
{
	struct fim_event *ev = NULL;
	struct bs_buf m = BS_BUF_INIT, rootj = BS_BUF_INIT;
	size_t n = 0;
	int err = 0;

	bs_fim_path_text(w->root, &rootj);
	for (; w->said < w->signs.n; w->said++) {
		const struct bs_fim_indicator *s = &w->signs.v[w->said];
		json_t *d;
		char *ds;
		bs_buf_clear(&m);
		bs_buf_printf(&m, "fim watch: ransomware sign (%s) under %s", bs_fim_sign_name(s->sign), rootj.ptr);
		if (s->path) {
			bs_buf_puts(&m, ": '");
			bs_fim_path_text(s->path, &m);
			bs_buf_puts(&m, "'");
		}
		bs_buf_printf(&m, ": %s (A3.4)", s->detail);
		d = json_pack("{s:s, s:s, s:s, s:i, s:i, s:s, s:[s,s]}", "root", rootj.ptr, "sign", bs_fim_sign_name(s->sign),
			      "detail", s->detail, "weight", s->weight, "pid", pid, "backend", w->st->backend, "clauses",
			      "A3.4", "A3.6");
		if (s->path) {
			struct bs_buf p = BS_BUF_INIT;
			bs_fim_path_text(s->path, &p);
			json_object_set_new(d, "path", json_string(p.ptr));
			bs_buf_release(&p);
		}
		ds = json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(d);
		ev = bs_realloc(ev, bs_size_mul(n + 1, sizeof(*ev)));
		ev[n].type = "fim.alert";
		ev[n].severity = s->sign == BS_FIM_SIGN_CANARY || s->sign == BS_FIM_SIGN_NOTE ? 2 : 3;
		ev[n].outcome = NULL;
		ev[n].message = bs_strdup(m.ptr);
		ev[n].data = ds;
		n++;
		w->st->alerts++;
		if (w->o->on_alert)
			w->o->on_alert(bs_fim_sign_name(s->sign), s->path, s->detail, w->o->ctx);
	}
	if (n)
		err = fim_events_write(w->dd, ev, n);
	fim_events_free(ev, n);
	if (err >= 0 && !w->drafted && w->signs.score >= BS_FIM_INCIDENT_SCORE) {
		w->drafted = 1;

		err = fim_incident_draft(w->dd, w->root, &w->signs, &w->st->incident_id);
		if (err >= 0 && w->o->on_alert) {
			char buf[96];
			snprintf(buf, sizeof(buf), "%" PRId64 " (score %d)", w->st->incident_id, w->signs.score);
			w->o->on_alert("incident", NULL, buf, w->o->ctx);
		}
	}
	bs_buf_release(&m);
	bs_buf_release(&rootj);
	return err;
}

/* o as compact JSON text (caller frees); o is released */
static char *dump(json_t *o)
{
	char *s;
	if (!o || !(s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)))
		abort();
	json_decref(o);
	return s;
}

static int overflow_alert(struct watcher *w, const char *what)
{
	struct fim_event ev;
	struct bs_buf rootj = BS_BUF_INIT;
	int err;

	bs_fim_path_text(w->root, &rootj);
	w->st->overflows++;
	w->st->alerts++;
	ev.type = "fim.alert";
	ev.severity = 3;
	ev.outcome = NULL;
	struct bs_buf m = BS_BUF_INIT;
	bs_buf_printf(&m, "fim watch: events lost under %s (%s): changes made then were not judged; run 'brokersec fim "
		      "check --root %s' (A3.4, A2.5.3.3)", rootj.ptr, what, rootj.ptr);
	ev.message = m.ptr;
	ev.data = dump(json_pack("{s:s, s:s, s:s, s:I}", "root", rootj.ptr, "sign", "overflow", "what", what, "dropped",
				 (json_int_t)w->st->dropped));
	err = fim_events_write(w->dd, &ev, 1);
	if (w->o->on_alert)
		w->o->on_alert("overflow", NULL, what, w->o->ctx);
	free(ev.data);
	bs_buf_release(&m);
	bs_buf_release(&rootj);
	return err;
}

/* the baseline entry of rel, else of rel without its last extension (x.docx.enc: x.docx) */
static const struct bs_fim_entry *base_of(const struct watcher *w, const char *rel)
{
	const struct bs_fim_entry *e = bs_fim_tree_find(&w->base, rel);
	const char *dot = strrchr(rel, '.'), *slash = strrchr(rel, '/');
	if (e || !dot || (slash && dot < slash))
		return e;
	char *stem = bs_strndup(rel, (size_t)(dot - rel));
	e = bs_fim_tree_find(&w->base, stem);
	free(stem);
	return e;
}

static int judge(struct watcher *w, const struct pending *p)
{
	time_t now = time(NULL);
	size_t ci;
	struct stat st;

	if (now - w->win_start >= WINDOW_S) {
		w->win_start = now;
		w->win_renames = w->win_rewrites = w->win_jumps = 0;
		w->burst_said = 0;
	}
	if (is_canary(w, p->rel, &ci)) {
		bs_fim_signs_add(&w->signs, BS_FIM_SIGN_CANARY, p->rel, 10, "a canary file was %s",
				 p->kind == EV_DELETE ? "deleted" : p->kind == EV_MOVED_FROM ? "renamed" : "written");
		return 0;
	}
	if (p->kind == EV_DELETE || p->kind == EV_MOVED_FROM)
		return 0;
	{
		struct bs_buf path = BS_BUF_INIT;
		int r;
		bs_buf_printf(&path, "%s/%s", w->rootlen > 1 ? w->root : "", p->rel);
		r = lstat(path.ptr, &st);
		bs_buf_release(&path);
		if (r < 0 || !S_ISREG(st.st_mode))
			return 0;
	}
	w->st->files++;
	int64_t before = w->signs.count[BS_FIM_SIGN_ENTROPY];
	if (p->kind == EV_MOVED_TO)
		w->win_renames++;
	if (p->kind == EV_WRITE)
		w->win_rewrites++;
	/* a new name (created or moved here) is judged by name at once; content when written */
	bs_fim_signs_of_file(w->rootlen > 1 ? w->root : "", p->rel, base_of(w, p->rel),
			     p->kind == EV_WRITE ? BS_FIM_BY_CONTENT : p->kind == EV_CREATE ? BS_FIM_BY_NAME :
			     BS_FIM_BY_NAME | BS_FIM_BY_CONTENT, &w->signs);
	if (w->signs.count[BS_FIM_SIGN_ENTROPY] > before)
		w->win_jumps++;
	if (!(w->burst_said & 1) && w->win_renames >= BS_FIM_BURST_FILES) {
		w->burst_said |= 1;
		bs_fim_signs_add(&w->signs, BS_FIM_SIGN_RENAMES, NULL, 5, "%lld files renamed within %d s",
				 (long long)w->win_renames, WINDOW_S);
	}
	if (!(w->burst_said & 2) && w->win_jumps >= 5 && w->win_rewrites >= BS_FIM_BURST_FILES) {
		w->burst_said |= 2;
		bs_fim_signs_add(&w->signs, BS_FIM_SIGN_REWRITES, NULL, 10, "%lld files rewritten within %d s, %lld of them "
				 "as random bytes", (long long)w->win_rewrites, WINDOW_S, (long long)w->win_jumps);
	}
	return 0;
}

static void note_offender(struct watcher *w, int pid)
{
	for (size_t i = 0; i < w->noffenders; i++)
		if (w->offenders[i] == pid)
			return;
	if (w->noffenders < sizeof(w->offenders) / sizeof(w->offenders[0]))
		w->offenders[w->noffenders++] = pid;
}

/* The optional response: SIGSTOP (not kill: a person decides, and a stopped process keeps its
 * state for the investigation, A3.6) each process whose writes gave signs; each an event. */
static int stop_offenders(struct watcher *w)
{
	struct bs_buf m = BS_BUF_INIT, rootj = BS_BUF_INIT;
	int err = 0;

	bs_fim_path_text(w->root, &rootj);
	if (!w->noffenders) {
		bs_buf_printf(&m, "fim watch: ransomware detected under %s, but no process to stop is known (%s reports no "
			      "pid): stop it by hand (A3.6.1)", rootj.ptr, w->st->backend);
		struct fim_event ev = { "fim.response", 2, "failure", m.ptr, NULL };
		err = fim_events_write(w->dd, &ev, 1);
	}
	for (size_t i = 0; i < w->noffenders && err >= 0; i++) {
		int r = kill(w->offenders[i], SIGSTOP), e = errno;
		char pid[32], comm[64] = "?", path[64];
		struct bs_buf c = BS_BUF_INIT;
		snprintf(path, sizeof(path), "/proc/%d/comm", w->offenders[i]);
		if (bs_buf_read_file(&c, path) == 0 && c.len) {
			snprintf(comm, sizeof(comm), "%.*s", (int)strcspn(c.ptr, "\n"), c.ptr);
		}
		bs_error_clear();
		bs_buf_release(&c);
		bs_buf_clear(&m);
		if (r == 0)
			bs_buf_printf(&m, "fim watch: stopped process %d (%s), whose writes under %s were ransomware signs "
				      "(SIGSTOP: resume with kill -CONT %d, or end it; A3.6.1)", w->offenders[i], comm, rootj.ptr,
				      w->offenders[i]);
		else
			bs_buf_printf(&m, "fim watch: could not stop process %d (%s) under %s: %s (A3.6.1)", w->offenders[i], comm,
				      rootj.ptr, bs_strerror(e));
		struct fim_event ev = { "fim.response", 2, r == 0 ? "success" : "failure", bs_strdup(m.ptr), NULL };
		err = fim_events_write(w->dd, &ev, 1);
		free(ev.message);
		snprintf(pid, sizeof(pid), "%d", w->offenders[i]);
		if (w->o->on_alert)
			w->o->on_alert(r == 0 ? "stopped" : "not-stopped", NULL, pid, w->o->ctx);
	}
	bs_buf_release(&m);
	bs_buf_release(&rootj);
	return err;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int drain(struct watcher *w, int final)
{
	int err = 0;
	if (w->overflow_pending) {
		w->overflow_pending = 0;
		err = overflow_alert(w, "the queue of events waiting for the rules was full");
	}
	int pid = 0;
	for (size_t i = 0; i < w->qn; i++) {
		if (err >= 0 && w->q[i].pid)
			pid = w->q[i].pid;
		int score = w->signs.score;
		if (err >= 0)
			err = judge(w, &w->q[i]);
		if (w->signs.score > score && w->q[i].pid > 1 && w->q[i].pid != (int)getpid())
			note_offender(w, w->q[i].pid);
		/* the decision is said at once; the events of the batch are written after it */
		if (err >= 0 && !w->said_detected && w->signs.score >= BS_FIM_INCIDENT_SCORE) {
			char buf[64];
			w->said_detected = 1;
			snprintf(buf, sizeof(buf), "score %d of %d", w->signs.score, BS_FIM_INCIDENT_SCORE);
			if (w->o->on_alert)
				w->o->on_alert("detected", NULL, buf, w->o->ctx);
			if (w->o->stop_offender)
				err = stop_offenders(w);
		}
		free(w->q[i].rel);
	}
	w->qn = 0;
	if (pid)
		w->last_pid = pid;
	/* the alert events of a second are written together (each write is synced), so that the
	 * judging is never held up by the log while files are being encrypted; at once when the
	 * score reaches the threshold, and at the end */
	if (err >= 0 && w->said < w->signs.n &&
	    (final || w->signs.score >= BS_FIM_INCIDENT_SCORE || now_ms() - w->last_flush_ms >= 1000)) {
		err = flush_signs(w, w->last_pid);
		w->last_flush_ms = now_ms();
	}
	return err;
}

/* ---- inotify ---- */

#define IN_MASK (IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF)

static void add_tree(struct watcher *w, int fd, const char *rel)
{
	struct bs_buf path = BS_BUF_INIT;
	int wd;
	bs_buf_printf(&path, "%s%s%s", w->root, strcmp(rel, ".") ? "/" : "", strcmp(rel, ".") ? rel : "");
	wd = inotify_add_watch(fd, path.ptr, IN_MASK | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK);
	if (wd < 0) {
		if (errno == ENOSPC && !w->overflow_pending) {
			w->overflow_pending = 1; /* fs.inotify.max_user_watches reached: said as an alert */
			w->st->dropped++;
		}
		bs_buf_release(&path);
		return;
	}
	if ((size_t)wd >= w->nwdir) {
		size_t n = (size_t)wd * 2 + 16;
		w->wdir = bs_realloc(w->wdir, bs_size_mul(n, sizeof(*w->wdir)));
		memset(w->wdir + w->nwdir, 0, (n - w->nwdir) * sizeof(*w->wdir));
		w->nwdir = n;
	}
	if (!w->wdir[wd])
		w->st->watches++;
	free(w->wdir[wd]);
	w->wdir[wd] = bs_strdup(rel);
	/* and every directory below */
	int dfd = open(path.ptr, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	bs_buf_release(&path);
	if (dfd < 0)
		return;
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		struct bs_buf c = BS_BUF_INIT;
		if (strcmp(rel, "."))
			bs_buf_printf(&c, "%s/", rel);
		bs_buf_puts(&c, de->d_name);
		add_tree(w, fd, c.ptr);
		bs_buf_release(&c);
	}
	closedir(d);
}

static int run_inotify(struct watcher *w, time_t until)
{
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC), err = 0;
	char buf[65536] __attribute__((aligned(__alignof__(struct inotify_event))));

	if (fd < 0)
		return bs_error(BS_ERR, "cannot start inotify: %s", bs_strerror(errno));
	w->st->backend = "inotify";
	add_tree(w, fd, ".");
	if (w->o->on_alert)
		w->o->on_alert("ready", NULL, "inotify", w->o->ctx);
	while (!stopping && err >= 0 && (!until || time(NULL) < until)) {
		struct pollfd pf = { fd, POLLIN, 0 };
		int r = poll(&pf, 1, 200);
		if (r < 0 && errno != EINTR) {
			err = bs_error(BS_ERR, "inotify: %s", bs_strerror(errno));
			break;
		}
		for (;;) {
			ssize_t n = read(fd, buf, sizeof(buf));
			if (n <= 0)
				break;
			for (char *p = buf; p < buf + n;) {
				struct inotify_event *e = (struct inotify_event *)p;
				p += sizeof(*e) + e->len;
				if (e->mask & IN_Q_OVERFLOW) {
					w->overflow_pending = 0;
					err = overflow_alert(w, "the kernel's inotify queue overflowed (fs.inotify.max_queued_events)");
					continue;
				}
				if (e->wd < 0 || (size_t)e->wd >= w->nwdir || !w->wdir[e->wd] || !e->len)
					continue;
				struct bs_buf rel = BS_BUF_INIT;
				if (strcmp(w->wdir[e->wd], "."))
					bs_buf_printf(&rel, "%s/", w->wdir[e->wd]);
				bs_buf_puts(&rel, e->name);
				if ((e->mask & IN_ISDIR) && (e->mask & (IN_CREATE | IN_MOVED_TO)))
					add_tree(w, fd, rel.ptr);
				else if (e->mask & IN_CLOSE_WRITE)
					enqueue(w, rel.ptr, EV_WRITE, 0);
				else if (e->mask & IN_CREATE)
					enqueue(w, rel.ptr, EV_CREATE, 0);
				else if (e->mask & IN_MOVED_TO)
					enqueue(w, rel.ptr, EV_MOVED_TO, 0);
				else if (e->mask & IN_MOVED_FROM)
					enqueue(w, rel.ptr, EV_MOVED_FROM, 0);
				else if (e->mask & IN_DELETE)
					enqueue(w, rel.ptr, EV_DELETE, 0);
				bs_buf_release(&rel);
			}
		}
		if (err >= 0)
			err = drain(w, 0);
	}
	if (err >= 0)
		err = drain(w, 1);
	close(fd);
	return err;
}

/* ---- fanotify ---- */

static int fan_start(struct watcher *w, int *fd_out)
{
	int fd = fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_DFID_NAME | FAN_CLOEXEC | FAN_NONBLOCK, O_RDONLY | O_LARGEFILE);
	if (fd < 0)
		return -1;
	if (fanotify_mark(fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_CLOSE_WRITE | FAN_CREATE | FAN_MOVED_TO |
			  FAN_MOVED_FROM | FAN_DELETE, AT_FDCWD, w->root) < 0) {
		close(fd);
		return -1;
	}
	*fd_out = fd;
	return 0;
}

static int run_fanotify(struct watcher *w, int fd, time_t until)
{
	int mount_fd = open(w->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), err = 0;
	char buf[65536] __attribute__((aligned(8)));

	if (mount_fd < 0) {
		close(fd);
		return bs_error(BS_ERR, "--root '%s': %s", w->root, bs_strerror(errno));
	}
	w->st->backend = "fanotify";
	if (w->o->on_alert)
		w->o->on_alert("ready", NULL, "fanotify", w->o->ctx);
	while (!stopping && err >= 0 && (!until || time(NULL) < until)) {
		struct pollfd pf = { fd, POLLIN, 0 };
		int r = poll(&pf, 1, 200);
		if (r < 0 && errno != EINTR) {
			err = bs_error(BS_ERR, "fanotify: %s", bs_strerror(errno));
			break;
		}
		for (;;) {
			ssize_t n = read(fd, buf, sizeof(buf));
			if (n <= 0)
				break;
			/* records with a name are not padded to 8 bytes: each header is copied out
			 * before it is read, never read in place (misaligned) */
			for (size_t off = 0; n > 0 && off + sizeof(struct fanotify_event_metadata) <= (size_t)n;) {
				struct fanotify_event_metadata md;
				struct fanotify_event_info_header ih;
				union { struct file_handle h; char b[sizeof(struct file_handle) + MAX_HANDLE_SZ]; } fh;
				char name[NAME_MAX + 1];
				size_t at, hb;
				memcpy(&md, buf + off, sizeof(md));
				if (md.event_len < sizeof(md) || off + md.event_len > (size_t)n)
					break;
				at = off + md.metadata_len;
				off += md.event_len;
				if (md.vers != FANOTIFY_METADATA_VERSION)
					continue;
				if (md.mask & FAN_Q_OVERFLOW) {
					err = overflow_alert(w, "the kernel's fanotify queue overflowed");
					continue;
				}
				/* the info record: header, fsid, then the handle and the name */
				if (at + sizeof(ih) > off)
					continue;
				memcpy(&ih, buf + at, sizeof(ih));
				if (ih.info_type != FAN_EVENT_INFO_TYPE_DFID_NAME || at + ih.len > off)
					continue;
				size_t hoff = at + offsetof(struct fanotify_event_info_fid, handle);
				if (hoff + sizeof(struct file_handle) > at + ih.len)
					continue;
				memcpy(&fh.h, buf + hoff, sizeof(struct file_handle));
				hb = fh.h.handle_bytes;
				if (hb > MAX_HANDLE_SZ || hoff + sizeof(struct file_handle) + hb >= at + ih.len)
					continue;
				memcpy(fh.b + sizeof(struct file_handle), buf + hoff + sizeof(struct file_handle), hb);
				size_t nl = strnlen(buf + hoff + sizeof(struct file_handle) + hb,
						    at + ih.len - (hoff + sizeof(struct file_handle) + hb));
				if (nl > NAME_MAX)
					continue;
				memcpy(name, buf + hoff + sizeof(struct file_handle) + hb, nl);
				name[nl] = 0;
				struct file_handle *h = &fh.h;
				struct fanotify_event_metadata *m = &md;
				int dfd = open_by_handle_at(mount_fd, h, O_PATH | O_CLOEXEC);
				char link[64], dir[PATH_MAX];
				ssize_t l;
				if (dfd < 0)
					continue; /* the directory is gone already */
				snprintf(link, sizeof(link), "/proc/self/fd/%d", dfd);
				l = readlink(link, dir, sizeof(dir) - 1);
				close(dfd);
				if (l <= 0)
					continue;
				dir[l] = 0;
				/* only what lies under the root (the mark is the whole filesystem) */
				const char *rel;
				if (w->rootlen == 1)
					rel = dir + 1;
				else if (!strncmp(dir, w->root, w->rootlen) && (dir[w->rootlen] == '/' || !dir[w->rootlen]))
					rel = dir + w->rootlen + (dir[w->rootlen] == '/');
				else
					continue;
				if (!strcmp(name, "."))
					continue;
				struct bs_buf rp = BS_BUF_INIT;
				if (*rel)
					bs_buf_printf(&rp, "%s/", rel);
				bs_buf_puts(&rp, name);
				if (!(m->mask & FAN_ONDIR)) {
					enum ev_kind k = (m->mask & FAN_CLOSE_WRITE) ? EV_WRITE : (m->mask & FAN_MOVED_TO) ? EV_MOVED_TO :
							 (m->mask & FAN_MOVED_FROM) ? EV_MOVED_FROM : (m->mask & FAN_DELETE) ?
							 EV_DELETE : EV_CREATE;
					enqueue(w, rp.ptr, k, m->pid);
				}
				bs_buf_release(&rp);
			}
		}
		if (err >= 0)
			err = drain(w, 0);
	}
	if (err >= 0)
		err = drain(w, 1);
	close(mount_fd);
	close(fd);
	return err;
}

int bs_fim_watch(struct bs_datadir *dd, const struct bs_fim_watch_opts *o, struct bs_fim_watch_stats *st)
{
	struct watcher w;
	struct fim_row row;
	struct sigaction sa;
	int err = 0, have, fd = -1;
	time_t until;

	memset(&w, 0, sizeof(w));
	memset(&row, 0, sizeof(row));
	w.dd = dd;
	w.o = o;
	w.st = st;
	w.qmax = o->queue_max ? o->queue_max : 65536;
	/* tests shrink the queue to see an overflow said (only in a test run) */
	if (bs_testing() && getenv("BROKERSEC_FIM_QUEUE_MAX"))
		w.qmax = (size_t)strtoul(getenv("BROKERSEC_FIM_QUEUE_MAX"), NULL, 10) + 1;
	w.q = bs_calloc(w.qmax, sizeof(*w.q));
	w.win_start = time(NULL);
	if (!realpath(o->root, w.root)) {
		err = bs_error(BS_ENOTFOUND, "--root '%s': %s", o->root, bs_strerror(errno));
		goto out;
	}
	w.rootlen = strlen(w.root);
	/* the baseline, when there is one, tells what a rewritten file was before */
	if ((err = have = fim_store_active(dd->store, w.root, &row)) < 0)
		goto out;
	if (have && (err = bs_fim_verify_baseline(dd, w.root, &(int64_t){ 0 })) < 0)
		goto out;
	if (have && (err = fim_store_entries(dd->store, row.info.id, &w.base)) < 0)
		goto out;
	if ((err = bs_fim_canaries(dd->store, w.root, &w.cpaths, &w.chashes, &w.ncanary)) < 0)
		goto out;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	stopping = 0;
	until = o->seconds ? time(NULL) + o->seconds : 0;
	if (!o->force_inotify && fan_start(&w, &fd) == 0)
		err = run_fanotify(&w, fd, until);
	else
		err = run_inotify(&w, until);
	if (err >= 0) {
		struct bs_buf rootj = BS_BUF_INIT;
		bs_fim_path_text(w.root, &rootj);
		char *data = dump(json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:i}", "root", rootj.ptr, "backend",
					    st->backend, "events", (json_int_t)st->events, "files", (json_int_t)st->files, "alerts",
					    (json_int_t)st->alerts, "overflows", (json_int_t)st->overflows, "dropped",
					    (json_int_t)st->dropped, "score", w.signs.score));
		struct bs_buf m = BS_BUF_INIT;
		bs_buf_printf(&m, "fim watch of %s ended (%s): %" PRId64 " events, %" PRId64 " files judged, %" PRId64
			      " alerts, %" PRId64 " overflows (A3.4, A2.5.3.3)", rootj.ptr, st->backend, st->events, st->files,
			      st->alerts, st->overflows);
		struct fim_event ev = { "fim.watch", 5, "success", m.ptr, data };
		err = fim_events_write(dd, &ev, 1);
		free(data);
		bs_buf_release(&m);
		bs_buf_release(&rootj);
	}
out:
	for (size_t i = 0; i < w.qn; i++)
		free(w.q[i].rel);
	free(w.q);
	for (size_t i = 0; i < w.nwdir; i++)
		free(w.wdir[i]);
	free(w.wdir);
	for (size_t i = 0; i < w.ncanary; i++) {
		free(w.cpaths[i]);
		free(w.chashes[i]);
	}
	free(w.cpaths);
	free(w.chashes);
	bs_fim_tree_release(&w.base);
	bs_fim_signs_release(&w.signs);
	free(row.policy_text);
	return err;
}
