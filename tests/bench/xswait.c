// SPDX-License-Identifier: GPL-2.0
/*
 * xswait PATH VALUE SECONDS: wait, blocked on a xenstore watch, until node
 * PATH reads VALUE. Exit 0 when it does, 1 after SECONDS, 2 on an error.
 *
 * The benchmark's two sides step through xenstore. Polling with
 * xenstore-read starts a process every 50 ms, and in a PV domain each one
 * costs hundreds of hypercalls (page tables, iret): they would be counted
 * as the workload's. A process asleep on a watch makes none.
 */
#include <fcntl.h>
#include <poll.h>
#include <time.h>

#include "xenstore.h"

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	char val[256], body[XS_MAX];
	struct xs_hdr h;
	long end;

	if (argc != 4) {
		fprintf(stderr, "usage: xswait PATH VALUE SECONDS\n");
		return 2;
	}
	end = now_ms() + atol(argv[3]) * 1000L;
	xs_fd = open("/dev/xen/xenbus", O_RDWR);
	if (xs_fd < 0 || xs_watch(argv[1])) {
		perror("xswait: xenbus");
		return 2;
	}
	for (;;) {
		struct pollfd p = { .fd = xs_fd, .events = POLLIN };
		long left;
		int n;

		/* Every change queued an event before this reply. */
		if (!xs_read(argv[1], val, sizeof(val)) && !strcmp(val, argv[2]))
			return 0;
		left = end - now_ms();
		if (left <= 0)
			return 1;
		n = poll(&p, 1, left);
		if (n == 0)
			return 1;
		if (n < 0)
			continue;	/* a signal: read again */
		/* Consume one event (or anything else) and read again. */
		if (read_full(xs_fd, &h, sizeof(h)) || h.len > XS_MAX ||
		    read_full(xs_fd, body, h.len)) {
			perror("xswait: xenbus");
			return 2;
		}
	}
}
