/* udp.c - reading the UDP listener: each datagram one message, dropped and counted when the
 * queue is full (a sender cannot be slowed down). */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>

#include "core/clock.h"
#include "intake/intake_internal.h"

void intake_udp_read(struct bs_intake *in, struct listener *l, int blocking)
{
	struct pending p;
	char ctl[CMSG_SPACE(sizeof(uint32_t))];

	intake_pending_begin(in, &p);
	for (int i = 0; i < (blocking ? 1 << 20 : 256); i++) {
		struct sockaddr_storage ss;
		struct iovec iov = { in->udp_buf, UDP_MAX };
		struct msghdr mh = { .msg_name = &ss, .msg_namelen = sizeof(ss), .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = ctl, .msg_controllen = sizeof(ctl) };
		char src[SOURCE_MAX];
		ssize_t n = recvmsg(l->fd, &mh, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_RXQ_OVFL) {
				uint32_t dropped;
				memcpy(&dropped, CMSG_DATA(cm), sizeof(dropped));
				atomic_store(&in->c.dropped_udp_kernel, (int64_t)dropped);
			}
		size_t len = (size_t)n;
		/* many senders end a datagram with LF (or CR LF, or NUL): not part of the message */
		if (len && (in->udp_buf[len - 1] == '\n' || in->udp_buf[len - 1] == 0))
			len--;
		if (len && in->udp_buf[len - 1] == '\r')
			len--;
		if (!intake_pending_room(in, &p, len)) {
			if (!intake_pending_commit(in, &p)) {
				if (!blocking) {
					atomic_fetch_add(&in->c.dropped_udp, 1);
					continue;
				}
				intake_wait_room(in, &p);
			}
		}
		intake_format_addr((struct sockaddr *)&ss, src, sizeof(src));
		intake_pending_add(&p, in->udp_buf, len, src, BS_SYSLOG_UDP, 0, bs_clock_now());
		atomic_fetch_add(&in->c.received[BS_SYSLOG_UDP], 1);
	}
	if (p.head)
		(void)intake_pending_commit(in, &p);
}
