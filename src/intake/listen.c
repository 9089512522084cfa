/* listen.c - the listening sockets: "ADDR:PORT" into a bound socket, and addresses as text
 * (the source of each message). */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "intake/intake_internal.h"

void intake_format_addr(const struct sockaddr *sa, char *out, size_t cap)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		port = ntohs(s4->sin_port);
		snprintf(out, cap, "%s:%u", ip, port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		port = ntohs(s6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], ip, sizeof(ip));
			snprintf(out, cap, "%s:%u", ip, port);
		} else {
			inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
			snprintf(out, cap, "[%s]:%u", ip, port);
		}
	} else {
		snprintf(out, cap, "unknown");
	}
}

/* "ADDR:PORT", "[v6]:PORT", "*:PORT" or ":PORT" into a bound socket. */
int intake_bind_addr(const char *spec, enum bs_syslog_transport tr, struct listener *l)
{
	struct addrinfo hints, *res = NULL;
	char host[256];
	const char *port, *h = host;
	int fd = -1, one = 1, r;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	const char *colon = strrchr(spec, ':');
	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');
		if (!close || close[1] != ':')
			goto bad;
		colon = close + 1;
		if ((size_t)(close - spec - 1) >= sizeof(host))
			goto bad;
		memcpy(host, spec + 1, (size_t)(close - spec - 1));
		host[close - spec - 1] = 0;
	} else {
		if (!colon || (size_t)(colon - spec) >= sizeof(host))
			goto bad;
		memcpy(host, spec, (size_t)(colon - spec));
		host[colon - spec] = 0;
	}
	port = colon + 1;
	if (!*port || strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 || atoi(port) > 65535)
		goto bad;
	if (!host[0] || !strcmp(host, "*"))
		h = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = tr == BS_SYSLOG_UDP ? SOCK_DGRAM : SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((r = getaddrinfo(h, port, &hints, &res)) != 0)
		return bs_error(BS_EINVALID, "cannot use --syslog-%s '%s': %s; give ADDR:PORT such as 127.0.0.1:514",
				intake_tr_names[tr], spec, gai_strerror(r));
	fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto syserr;
	if (tr != BS_SYSLOG_UDP)
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, res->ai_addr, res->ai_addrlen) != 0)
		goto syserr;
	if (tr != BS_SYSLOG_UDP && listen(fd, 128) != 0)
		goto syserr;
	if (tr == BS_SYSLOG_UDP) {
		int rcv = 8 << 20;
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
		(void)setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
	}
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		goto syserr;
	freeaddrinfo(res);
	l->fd = fd;
	l->tr = tr;
	l->item.kind = tr == BS_SYSLOG_UDP ? K_UDP : K_LISTEN;
	intake_format_addr((struct sockaddr *)&ss, l->addr, sizeof(l->addr));
	return 0;
syserr:
	r = errno;
	if (fd >= 0)
		close(fd);
	freeaddrinfo(res);
	if (r == EADDRINUSE)
		return bs_error(BS_ERR, "cannot listen on %s '%s': %s; another program uses that port: choose another one",
				intake_tr_names[tr], spec, bs_strerror(r));
	if (r == EACCES)
		return bs_error(BS_ERR, "cannot listen on %s '%s': %s; ports below 1024 need privileges: choose a port "
				"above 1024", intake_tr_names[tr], spec, bs_strerror(r));
	return bs_error(BS_ERR, "cannot listen on %s '%s': %s; check the address", intake_tr_names[tr], spec,
			bs_strerror(r));
bad:
	return bs_error(BS_EINVALID, "cannot use --syslog-%s '%s': give ADDR:PORT such as 127.0.0.1:514, "
			"[::1]:514 or *:514", intake_tr_names[tr], spec);
}
