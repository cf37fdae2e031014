// SPDX-License-Identifier: GPL-2.0
/*
 * netpattern - move a position-keyed pattern over TCP or UDP and verify it
 * at the receiver, so that a network test checks every byte without a
 * second channel for checksums.
 *
 *   netpattern tcp-recv PORT STREAMS BYTES SEED    accept STREAMS connections
 *   netpattern tcp-send HOST PORT STREAMS BYTES SEED  (connects retried 20 s)
 *   netpattern udp-recv PORT COUNT SIZE SEED MS    until COUNT or MS idle
 *   netpattern udp-send HOST PORT COUNT SIZE SEED
 *
 * Byte p of each TCP stream is byte p%8 of mix(SEED ^ p/8). A UDP datagram
 * starts with its 64-bit sequence number and continues with the pattern of
 * (SEED + sequence). Receivers print "streams=N bytes=N usec=N bad=N
 * short=N" (TCP) or
 * "received=N of=COUNT bad=N" (UDP); exit status 0 when every byte that
 * arrived is right, every TCP stream arrived whole, and at least 90% of the
 * datagrams did.
 *
 * The rate modes, for make bench (tests/bench/bench-net.sh), move bytes
 * that nobody checks: generating and comparing the pattern would spend the
 * emulated CPU that the network path is being measured with. Each prints
 * one line of key=value pairs; none waits forever.
 *
 *   netpattern tcp-sink PORT BYTES MS         one stream, timed from accept
 *                                             to end of stream; gives up
 *                                             after MS without data
 *   netpattern tcp-source HOST PORT BYTES     timed from connect to the
 *                                             receiver's close
 *   netpattern udp-sink PORT COUNT SIZE MS    until COUNT datagrams or MS
 *                                             without one (30 s for the
 *                                             first); timed first to last
 *   netpattern udp-source HOST PORT COUNT SIZE  unpaced, in batches
 *
 * tcp-sink prints "bytes=N usec=N mib_s=X" (exit 0 when BYTES arrived),
 * tcp-source "sent=N send_usec=N send_mib_s=X", udp-sink "recv=N bad=N
 * usec=N pps=N" (bad: datagrams of another size; exit 0 when some arrived
 * and none was bad), udp-source "sent=N err=N send_usec=N send_pps=N"
 * (err: datagrams the stack refused, not retried).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "pattern.h"

#define CHUNK 65536
#define MAX_STREAMS 64
#define BATCH 64		/* datagrams per sendmmsg()/recvmmsg() */
#define FIRST_WAIT_MS 30000	/* a rate receiver's wait for the sender */

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

static int bound_socket(int type, const char *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(port)) };
	int one = 1, fd = socket(AF_INET, type, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("netpattern: bind");
		exit(1);
	}
	return fd;
}

static int connected_socket(int type, const char *host, const char *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(port)) };
	int tries, fd;

	if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
		fprintf(stderr, "netpattern: %s: not an IPv4 address\n", host);
		exit(2);
	}
	for (tries = 0; tries < 200; tries++) {
		fd = socket(AF_INET, type, 0);
		if (fd >= 0 && !connect(fd, (struct sockaddr *)&a, sizeof(a)))
			return fd;
		close(fd);
		usleep(100000);
	}
	perror("netpattern: connect");
	exit(1);
}

/*
 * Several streams in one process, driven by poll(): the emulator's fault
 * (README, "Emulator faults") grows with the number of processes being
 * switched, and one process per stream would only add to it.
 */
static int tcp_recv(char **argv)
{
	unsigned int streams = atoi(argv[3]), open_fds = 0, i;
	uint64_t bytes = strtoull(argv[4], NULL, 0), seed = strtoull(argv[5], NULL, 0);
	uint64_t got[MAX_STREAMS] = { 0 }, total = 0, bad = 0, t0;
	struct pollfd p[MAX_STREAMS + 1];
	unsigned char buf[CHUNK], want[CHUNK];
	int lfd = bound_socket(SOCK_STREAM, argv[2]), short_streams = 0;

	if (!streams || streams > MAX_STREAMS || listen(lfd, streams))
		return 2;
	p[0].fd = lfd;
	p[0].events = POLLIN;
	for (i = 1; i <= streams; i++) {
		p[i].fd = -1;
		p[i].events = POLLIN;
	}
	t0 = now_us();
	while (open_fds < streams || p[0].fd < 0) {
		if (poll(p, streams + 1, -1) <= 0)
			break;
		if (p[0].fd >= 0 && (p[0].revents & POLLIN)) {
			p[++open_fds].fd = accept(lfd, NULL, NULL);
			if (open_fds == streams)
				p[0].fd = -1;	/* every stream is in */
		}
		for (i = 1; i <= open_fds; i++) {
			ssize_t n, k;

			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(p[i].fd, buf, sizeof(buf));
			if (n <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
				continue;
			}
			pattern_fill(want, got[i - 1], n, seed);
			for (k = 0; k < n; k++)
				bad += buf[k] != want[k];
			got[i - 1] += n;
			total += n;
		}
		for (i = 1; i <= open_fds && p[i].fd < 0; i++)
			;
		if (open_fds == streams && i > open_fds)
			break;		/* all accepted, all closed */
	}
	for (i = 0; i < streams; i++)
		short_streams += got[i] != bytes;
	printf("streams=%u bytes=%llu usec=%llu bad=%llu short=%d\n", streams,
	       (unsigned long long)total, (unsigned long long)(now_us() - t0),
	       (unsigned long long)bad, short_streams);
	return short_streams || bad;
}

static int tcp_send(char **argv)
{
	unsigned int streams = atoi(argv[4]), left, i;
	uint64_t bytes = strtoull(argv[5], NULL, 0), seed = strtoull(argv[6], NULL, 0);
	uint64_t sent[MAX_STREAMS] = { 0 };
	struct pollfd p[MAX_STREAMS];
	unsigned char buf[CHUNK];

	if (!streams || streams > MAX_STREAMS)
		return 2;
	for (i = 0; i < streams; i++) {
		p[i].fd = connected_socket(SOCK_STREAM, argv[2], argv[3]);
		p[i].events = POLLOUT;
	}
	for (left = streams; left; ) {
		if (poll(p, streams, -1) <= 0)
			return 1;
		for (i = 0; i < streams; i++) {
			size_t len = bytes - sent[i] < CHUNK ? bytes - sent[i] : CHUNK;
			ssize_t n;

			if (p[i].fd < 0 || !(p[i].revents & (POLLOUT | POLLERR | POLLHUP)))
				continue;
			pattern_fill(buf, sent[i], len, seed);
			n = send(p[i].fd, buf, len, MSG_DONTWAIT);
			if (n < 0 && errno == EAGAIN)
				continue;
			if (n <= 0) {
				perror("netpattern: send");
				return 1;
			}
			sent[i] += n;	/* a short write refills from the new offset */
			if (sent[i] == bytes) {
				shutdown(p[i].fd, SHUT_WR);
				p[i].events = 0;
				p[i].fd = -p[i].fd - 1;	/* done; kept for the drain */
				left--;
			}
		}
	}
	/* Wait for the receiver to close each, so the data is known delivered. */
	for (i = 0; i < streams; i++) {
		int fd = -p[i].fd - 1;

		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
	return 0;
}

static int udp_recv(char **argv)
{
	uint64_t count = strtoull(argv[3], NULL, 0), size = strtoull(argv[4], NULL, 0);
	uint64_t seed = strtoull(argv[5], NULL, 0), got = 0, bad = 0;
	int ms = atoi(argv[6]), fd = bound_socket(SOCK_DGRAM, argv[2]);
	static unsigned char buf[65536], want[65536];
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (size < 8 || size > sizeof(buf))
		return 2;
	while (got < count && poll(&p, 1, ms) == 1) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		uint64_t seq;

		if (n < 0)
			break;
		memcpy(&seq, buf, 8);
		pattern_fill(want + 8, 0, size - 8, seed + seq);
		if ((uint64_t)n != size || memcmp(buf + 8, want + 8, size - 8))
			bad++;
		got++;
	}
	printf("received=%llu of=%llu bad=%llu\n", (unsigned long long)got,
	       (unsigned long long)count, (unsigned long long)bad);
	return bad || got * 10 < count * 9;
}

static int udp_send(char **argv)
{
	uint64_t count = strtoull(argv[4], NULL, 0), size = strtoull(argv[5], NULL, 0);
	uint64_t seed = strtoull(argv[6], NULL, 0), seq;
	int fd = connected_socket(SOCK_DGRAM, argv[2], argv[3]);
	static unsigned char buf[65536];

	if (size < 8 || size > sizeof(buf))
		return 2;
	for (seq = 0; seq < count; seq++) {
		memcpy(buf, &seq, 8);
		pattern_fill(buf + 8, 0, size - 8, seed + seq);
		/*
		 * Paced (about 1.4 MB/s): this checks integrity, not the loss
		 * rate (make bench measures rates), and an emulated guest
		 * drops a faster burst.
		 */
		if (send(fd, buf, size, 0) < 0 && errno != ECONNREFUSED) {
			perror("netpattern: send");
			return 1;
		}
		if (seq % 2 == 1)
			usleep(2000);
	}
	return 0;
}

/* BYTES over USEC in MiB/s (0 when no time passed). */
static double mib_s(uint64_t bytes, uint64_t usec)
{
	return usec ? bytes / 1048576.0 / (usec / 1e6) : 0;
}

/* Wait up to MS for FD to be readable; 0 when it is. */
static int wait_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 ? 0 : -1;
}

static int tcp_sink(char **argv)
{
	uint64_t bytes = strtoull(argv[3], NULL, 0), total = 0, t0, t1;
	int ms = atoi(argv[4]), lfd = bound_socket(SOCK_STREAM, argv[2]), fd;
	static unsigned char buf[CHUNK];
	ssize_t n;

	if (listen(lfd, 1) || wait_readable(lfd, FIRST_WAIT_MS)) {
		printf("bytes=0 usec=0 mib_s=0\n");
		fprintf(stderr, "netpattern: tcp-sink: no connection\n");
		return 1;
	}
	fd = accept(lfd, NULL, NULL);
	t0 = now_us();
	t1 = t0;
	while (fd >= 0 && !wait_readable(fd, ms)) {
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		total += n;
		t1 = now_us();
	}
	printf("bytes=%llu usec=%llu mib_s=%.2f\n", (unsigned long long)total,
	       (unsigned long long)(t1 - t0), mib_s(total, t1 - t0));
	if (fd >= 0)
		close(fd);
	return total != bytes;
}

static int tcp_source(char **argv)
{
	uint64_t bytes = strtoull(argv[4], NULL, 0), sent = 0, t0, t1;
	static unsigned char buf[CHUNK];
	int fd;

	pattern_fill(buf, 0, sizeof(buf), 1);
	fd = connected_socket(SOCK_STREAM, argv[2], argv[3]);
	t0 = now_us();
	while (sent < bytes) {
		size_t len = bytes - sent < CHUNK ? bytes - sent : CHUNK;
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n <= 0) {
			perror("netpattern: send");
			return 1;
		}
		sent += n;
	}
	shutdown(fd, SHUT_WR);
	/* Until the receiver closes: then every byte is known delivered. */
	while (!wait_readable(fd, FIRST_WAIT_MS) && read(fd, buf, sizeof(buf)) > 0)
		;
	t1 = now_us();
	close(fd);
	printf("sent=%llu send_usec=%llu send_mib_s=%.2f\n", (unsigned long long)sent,
	       (unsigned long long)(t1 - t0), mib_s(sent, t1 - t0));
	return 0;
}

static int udp_sink(char **argv)
{
	uint64_t count = strtoull(argv[3], NULL, 0), size = strtoull(argv[4], NULL, 0);
	uint64_t got = 0, bad = 0, t0 = 0, t1 = 0;
	int ms = atoi(argv[5]), fd = bound_socket(SOCK_DGRAM, argv[2]), i, n;
	static unsigned char buf[BATCH][2048];
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];

	if (size < 1 || size > sizeof(buf[0]))
		return 2;
	memset(msg, 0, sizeof(msg));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = sizeof(buf[i]);
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	while (got < count && !wait_readable(fd, got ? ms : FIRST_WAIT_MS)) {
		n = recvmmsg(fd, msg, BATCH, MSG_DONTWAIT, NULL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			break;
		if (!got)
			t0 = now_us();
		t1 = now_us();
		for (i = 0; i < n; i++)
			bad += msg[i].msg_len != size;
		got += n;
	}
	printf("recv=%llu bad=%llu usec=%llu pps=%.0f\n", (unsigned long long)got,
	       (unsigned long long)bad, (unsigned long long)(t1 - t0),
	       t1 > t0 ? got * 1e6 / (t1 - t0) : 0.0);
	return !got || bad;
}

static int udp_source(char **argv)
{
	uint64_t count = strtoull(argv[4], NULL, 0), size = strtoull(argv[5], NULL, 0);
	uint64_t seq = 0, sent = 0, err = 0, t0, t1;
	int fd = connected_socket(SOCK_DGRAM, argv[2], argv[3]), i, n;
	static unsigned char buf[2048];
	struct mmsghdr msg[BATCH];
	struct iovec iov = { .iov_base = buf };

	if (size < 1 || size > sizeof(buf))
		return 2;
	pattern_fill(buf, 0, size, 1);
	iov.iov_len = size;
	memset(msg, 0, sizeof(msg));
	for (i = 0; i < BATCH; i++) {
		msg[i].msg_hdr.msg_iov = &iov;
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = now_us();
	while (seq < count) {
		n = sendmmsg(fd, msg, count - seq < BATCH ? count - seq : BATCH, 0);
		if (n > 0) {
			seq += n;
			sent += n;
			continue;
		}
		if (n < 0 && errno != ENOBUFS && errno != ECONNREFUSED &&
		    errno != EAGAIN && errno != EINTR) {
			perror("netpattern: sendmmsg");
			return 1;
		}
		seq++;		/* that one is lost at the sender */
		err++;
	}
	t1 = now_us();
	printf("sent=%llu err=%llu send_usec=%llu send_pps=%.0f\n",
	       (unsigned long long)sent, (unsigned long long)err,
	       (unsigned long long)(t1 - t0), t1 > t0 ? sent * 1e6 / (t1 - t0) : 0.0);
	return 0;
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";

	if (!strcmp(op, "tcp-recv") && argc == 6)
		return tcp_recv(argv);
	if (!strcmp(op, "tcp-send") && argc == 7)
		return tcp_send(argv);
	if (!strcmp(op, "udp-recv") && argc == 7)
		return udp_recv(argv);
	if (!strcmp(op, "udp-send") && argc == 7)
		return udp_send(argv);
	if (!strcmp(op, "tcp-sink") && argc == 5)
		return tcp_sink(argv);
	if (!strcmp(op, "tcp-source") && argc == 5)
		return tcp_source(argv);
	if (!strcmp(op, "udp-sink") && argc == 6)
		return udp_sink(argv);
	if (!strcmp(op, "udp-source") && argc == 6)
		return udp_source(argv);
	fprintf(stderr, "usage: netpattern tcp-recv PORT STREAMS BYTES SEED\n"
		"       netpattern tcp-send HOST PORT STREAMS BYTES SEED\n"
		"       netpattern udp-recv PORT COUNT SIZE SEED MS\n"
		"       netpattern udp-send HOST PORT COUNT SIZE SEED\n"
		"       netpattern tcp-sink PORT BYTES MS\n"
		"       netpattern tcp-source HOST PORT BYTES\n"
		"       netpattern udp-sink PORT COUNT SIZE MS\n"
		"       netpattern udp-source HOST PORT COUNT SIZE\n");
	return 2;
}
