// SPDX-License-Identifier: GPL-2.0
/*
 * evtchn-pingpong - bounce events between two domains through
 * /dev/xen/evtchn, for the evtchn-xdom scenario.
 *
 *   evtchn-pingpong listen REMOTE_DOMID ROUNDS
 *       allocate an unbound port for REMOTE_DOMID, print it, then answer
 *       ROUNDS events, each with one of its own
 *   evtchn-pingpong connect REMOTE_DOMID REMOTE_PORT ROUNDS
 *       bind to the listener's port and send ROUNDS events, waiting for the
 *       answer to each
 *
 * Every event is read(), checked to come from the bound port, and written
 * back to re-enable the port: the whole user-space protocol of
 * libxenevtchn. Exits 0 when all ROUNDS completed, 1 otherwise (with why).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* The uapi header leaves domid_t to user space, as Xen's own tools do. */
typedef uint16_t domid_t;
#include <xen/evtchn.h>

#define WAIT_MS 10000

static int fail(const char *what)
{
	fprintf(stderr, "evtchn-pingpong: %s: %s\n", what, strerror(errno));
	return 1;
}

/* Wait for one event on @port, re-enable it. */
static int wait_event(int fd, unsigned int port)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint32_t got;

	if (poll(&pfd, 1, WAIT_MS) != 1) {
		errno = ETIMEDOUT;
		return fail("waiting for an event");
	}
	if (read(fd, &got, sizeof(got)) != sizeof(got))
		return fail("read");
	if (got != port) {
		fprintf(stderr, "evtchn-pingpong: event on port %u, bound %u\n",
			got, port);
		return 1;
	}
	if (write(fd, &got, sizeof(got)) != sizeof(got))
		return fail("write (re-enable)");
	return 0;
}

static int notify(int fd, unsigned int port)
{
	struct ioctl_evtchn_notify n = { .port = port };

	return ioctl(fd, IOCTL_EVTCHN_NOTIFY, &n) ? fail("notify") : 0;
}

int main(int argc, char **argv)
{
	int fd, port, rounds, i;

	if (argc < 4) {
		fprintf(stderr, "usage: see the header of evtchn-pingpong.c\n");
		return 2;
	}
	fd = open("/dev/xen/evtchn", O_RDWR);
	if (fd < 0)
		return fail("/dev/xen/evtchn");

	if (!strcmp(argv[1], "listen")) {
		struct ioctl_evtchn_bind_unbound_port b = {
			.remote_domain = atoi(argv[2]),
		};

		rounds = atoi(argv[3]);
		port = ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);
		if (port < 0)
			return fail("bind unbound port");
		printf("%d\n", port);
		fflush(stdout);
		for (i = 0; i < rounds; i++)
			if (wait_event(fd, port) || notify(fd, port))
				return 1;
	} else if (!strcmp(argv[1], "connect") && argc == 5) {
		struct ioctl_evtchn_bind_interdomain b = {
			.remote_domain = atoi(argv[2]),
			.remote_port = atoi(argv[3]),
		};

		rounds = atoi(argv[4]);
		port = ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
		if (port < 0)
			return fail("bind interdomain");
		/*
		 * Xen always marks a freshly bound interdomain port pending, in
		 * case the remote notified before the bind. Consume that event
		 * first, or it answers our first notification and the rounds
		 * run ahead of the listener (whose events then coalesce).
		 */
		if (wait_event(fd, port))
			return 1;
		for (i = 0; i < rounds; i++)
			if (notify(fd, port) || wait_event(fd, port))
				return 1;
	} else {
		fprintf(stderr, "usage: see the header of evtchn-pingpong.c\n");
		return 2;
	}
	printf("%d rounds\n", rounds);
	close(fd);
	return 0;
}
