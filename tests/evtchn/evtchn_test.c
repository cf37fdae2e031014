// SPDX-License-Identifier: GPL-2.0
/*
 * evtchn_test.c - kselftest for /dev/xen/evtchn (module xen-evtchn).
 *
 * Runs as root in a Xen domain (the testbed's dom0). The same binary must
 * pass against the in-tree xen-evtchn and against xpv's, on both kernels:
 * it checks only what the two share, errno for errno.
 *
 * Most tests talk to themselves through a loopback channel: file A
 * allocates an unbound port `a` for DOMID_SELF, file B binds interdomain to
 * (DOMID_SELF, a) and gets port `b`. NOTIFY b on B raises `a` on A. Xen also
 * raises `b` once when B binds (it assumes notifications to an unbound port
 * may have been lost), so the tests read A only.
 *
 * A port that fired stays masked until it is written back to the file that
 * bound it; the tests lean on that to count ring entries without reading.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "xpv_test.h"

#define EVTCHN_DEV	"/dev/xen/evtchn"

/*
 * The ABI (include/uapi/xen/evtchn.h), spelt out here so that the test
 * checks the numbers user space is built with, not the kernel's header.
 */
struct evt_bind_virq { unsigned int virq; };
struct evt_bind_interdomain { unsigned int remote_domain, remote_port; };
struct evt_bind_unbound_port { unsigned int remote_domain; };
struct evt_port { unsigned int port; };
struct evt_restrict_domid { uint16_t domid; };

#define EVT_BIND_VIRQ \
	_IOC(_IOC_NONE, 'E', 0, sizeof(struct evt_bind_virq))
#define EVT_BIND_INTERDOMAIN \
	_IOC(_IOC_NONE, 'E', 1, sizeof(struct evt_bind_interdomain))
#define EVT_BIND_UNBOUND_PORT \
	_IOC(_IOC_NONE, 'E', 2, sizeof(struct evt_bind_unbound_port))
#define EVT_UNBIND		_IOC(_IOC_NONE, 'E', 3, sizeof(struct evt_port))
#define EVT_NOTIFY		_IOC(_IOC_NONE, 'E', 4, sizeof(struct evt_port))
#define EVT_RESET		_IOC(_IOC_NONE, 'E', 5, 0)
#define EVT_RESTRICT_DOMID \
	_IOC(_IOC_NONE, 'E', 6, sizeof(struct evt_restrict_domid))
#define EVT_BIND_STATIC		_IOC(_IOC_NONE, 'E', 7, sizeof(struct evt_port))

_Static_assert(EVT_BIND_VIRQ == 0x00044500, "ABI");
_Static_assert(EVT_BIND_INTERDOMAIN == 0x00084501, "ABI");
_Static_assert(EVT_BIND_UNBOUND_PORT == 0x00044502, "ABI");
_Static_assert(EVT_UNBIND == 0x00044503, "ABI");
_Static_assert(EVT_NOTIFY == 0x00044504, "ABI");
_Static_assert(EVT_RESET == 0x00004505, "ABI");
_Static_assert(EVT_RESTRICT_DOMID == 0x00024506, "ABI");
_Static_assert(EVT_BIND_STATIC == 0x00044507, "ABI");

/* Xen's public headers (xen.h). */
#define DOMID_SELF		0x7ff0u
#define DOMID_FIRST_RESERVED	0x7ff0u
#define VIRQ_CONSOLE		2	/* global */
#define VIRQ_DEBUGGER		6	/* global */
#define NR_VIRQS		24

/*
 * A domain id that passes RESTRICT_DOMID but names no domain: Xen answers
 * binds to it with -ESRCH.
 */
#define ABSENT_DOMID		(DOMID_FIRST_RESERVED - 1)

/* Far beyond any event-channel ABI's port count (2-level 4096, FIFO 2^17). */
#define HUGE_PORT		0x7fffffffu

/* How long to wait for an event that must come, and one that must not. */
#define ARRIVES_MS		5000
#define STAYS_AWAY_MS		300

#define ALL_POLL_EVENTS		(POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM)

/* A user pointer the kernel must refuse (hidden from the compiler). */
static void *volatile unmapped;

/* --- thin wrappers: each returns what ioctl() returns --- */

static int evt_open(int flags)
{
	return open(EVTCHN_DEV, O_RDWR | O_CLOEXEC | flags);
}

static int bind_virq(int fd, unsigned int virq)
{
	struct evt_bind_virq arg = { .virq = virq };

	return ioctl(fd, EVT_BIND_VIRQ, &arg);
}

static int bind_interdomain(int fd, unsigned int dom, unsigned int port)
{
	struct evt_bind_interdomain arg = {
		.remote_domain = dom,
		.remote_port = port,
	};

	return ioctl(fd, EVT_BIND_INTERDOMAIN, &arg);
}

static int bind_unbound(int fd, unsigned int dom)
{
	struct evt_bind_unbound_port arg = { .remote_domain = dom };

	return ioctl(fd, EVT_BIND_UNBOUND_PORT, &arg);
}

static int port_ioctl(int fd, unsigned long cmd, unsigned int port)
{
	struct evt_port arg = { .port = port };

	return ioctl(fd, cmd, &arg);
}

static int unbind(int fd, unsigned int port)
{
	return port_ioctl(fd, EVT_UNBIND, port);
}

static int notify(int fd, unsigned int port)
{
	return port_ioctl(fd, EVT_NOTIFY, port);
}

static int restrict_domid(int fd, unsigned int domid)
{
	struct evt_restrict_domid arg = { .domid = domid };

	return ioctl(fd, EVT_RESTRICT_DOMID, &arg);
}

/* revents for @events after up to @ms milliseconds (0: now). */
static short poll_for(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	if (poll(&p, 1, ms) < 0)
		return -1;
	return p.revents;
}

/* Wait for the port that must fire next on @fd and read it. */
static unsigned int read_one(struct __test_metadata *_metadata, int fd)
{
	uint32_t port = 0;

	ASSERT_EQ(POLLIN, poll_for(fd, POLLIN, ARRIVES_MS));
	ASSERT_EQ(4, read(fd, &port, sizeof(port)));
	return port;
}

static void write_port(struct __test_metadata *_metadata, int fd,
		       unsigned int port)
{
	uint32_t p = port;

	ASSERT_EQ(4, write(fd, &p, sizeof(p)));
}

/* Bind a loopback channel: @a on @fd_a, @b on @fd_b. */
static void make_pair(struct __test_metadata *_metadata, int fd_a, int fd_b,
		      unsigned int *a, unsigned int *b)
{
	int pa, pb;

	pa = bind_unbound(fd_a, DOMID_SELF);
	ASSERT_LT(0, pa) TH_LOG("BIND_UNBOUND_PORT: %s", strerror(errno));
	pb = bind_interdomain(fd_b, DOMID_SELF, pa);
	ASSERT_LT(0, pb) TH_LOG("BIND_INTERDOMAIN: %s", strerror(errno));
	ASSERT_NE(pa, pb);
	*a = pa;
	*b = pb;
}

/*
 * Number of IRQ actions named "evtchn:@comm" in /proc/interrupts. Both
 * drivers name every IRQ they bind "evtchn:" plus the opener's comm, so a
 * comm used by one test only counts the ports that test holds.
 */
static int count_irqs(const char *comm)
{
	char want[64], *line = NULL, *s;
	size_t cap = 0, len;
	int n = 0;
	FILE *f;

	snprintf(want, sizeof(want), "evtchn:%s", comm);
	len = strlen(want);
	f = fopen("/proc/interrupts", "re");
	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0) {
		for (s = strstr(line, want); s; s = strstr(s + len, want)) {
			char end = s[len];

			if (end == '\n' || end == '\0' || end == ',' ||
			    end == ' ')
				n++;
		}
	}
	free(line);
	fclose(f);
	return n;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* --- the device node --- */

/* XSA-468's lesson: device nodes are part of the security boundary. */
TEST(device_node_is_root_only)
{
	XPV_EXPECT_ROOT_ONLY_NODE(_metadata, EVTCHN_DEV);
}

TEST(open_close)
{
	int fd1 = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR);
	int fd2 = evt_open(0);
	uint32_t p;

	ASSERT_LE(0, fd2);
	/* A stream: no seeking, no positioned I/O. */
	EXPECT_EQ(-1, lseek(fd1, 0, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(-1, pread(fd1, &p, sizeof(p), 0));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(0, close(fd1));
	EXPECT_EQ(0, close(fd2));
}

/* --- events: notify, read, write back --- */

TEST(notify_read_reenable_cycles)
{
	int fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	int fb = evt_open(0);
	unsigned int a, b;
	uint32_t p;
	int i;

	ASSERT_LE(0, fb);
	make_pair(_metadata, fa, fb, &a, &b);

	EXPECT_EQ(-1, read(fa, &p, sizeof(p)));
	EXPECT_EQ(EAGAIN, errno);

	for (i = 0; i < 200; i++) {
		ASSERT_EQ(0, notify(fb, b));
		ASSERT_EQ(a, read_one(_metadata, fa)) TH_LOG("round %d", i);
		write_port(_metadata, fa, a);
	}

	EXPECT_EQ(-1, read(fa, &p, sizeof(p)));
	EXPECT_EQ(EAGAIN, errno);
}

struct delayed_notify {
	int fd;
	unsigned int port;
	int delay_ms;
	int ret;
};

static void *notify_later(void *arg)
{
	struct delayed_notify *dn = arg;

	sleep_ms(dn->delay_ms);
	dn->ret = notify(dn->fd, dn->port);
	return NULL;
}

TEST(blocking_read_woken_by_event)
{
	int fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR);
	int fb = evt_open(0);
	struct delayed_notify dn;
	unsigned int a, b;
	long long start;
	pthread_t t;
	uint32_t p = 0;

	ASSERT_LE(0, fb);
	make_pair(_metadata, fa, fb, &a, &b);

	dn = (struct delayed_notify){ .fd = fb, .port = b, .delay_ms = 200 };
	ASSERT_EQ(0, pthread_create(&t, NULL, notify_later, &dn));
	start = now_ms();
	ASSERT_EQ(4, read(fa, &p, sizeof(p)));
	/* It slept until the other thread notified. */
	EXPECT_LE(150, now_ms() - start);
	EXPECT_EQ(a, p);
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0, dn.ret);
}

TEST(read_sizes)
{
	int fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	int fb = evt_open(0);
	unsigned int a1, b1, a2, b2;
	uint32_t buf[4] = { 0 };
	bool seen1 = false, seen2 = false;
	int i;

	ASSERT_LE(0, fb);
	make_pair(_metadata, fa, fb, &a1, &b1);
	make_pair(_metadata, fa, fb, &a2, &b2);

	/* Less than a port is nothing to do, even with nothing pending. */
	EXPECT_EQ(0, read(fa, buf, 0));
	EXPECT_EQ(0, read(fa, buf, 3));

	ASSERT_EQ(0, notify(fb, b1));
	ASSERT_EQ(0, notify(fb, b2));
	ASSERT_EQ(POLLIN, poll_for(fa, POLLIN, ARRIVES_MS));
	/* ... and with events pending: still 0, nothing consumed. */
	EXPECT_EQ(0, read(fa, buf, 3));
	sleep_ms(STAYS_AWAY_MS);	/* let the second event land too */

	/* 7 bytes hold one whole port: one port, not one and a bit. */
	ASSERT_EQ(4, read(fa, buf, 7));
	for (i = 0; i < 2; i++) {
		if (i == 1)
			buf[0] = read_one(_metadata, fa);
		if (buf[0] == a1 && !seen1)
			seen1 = true;
		else if (buf[0] == a2 && !seen2)
			seen2 = true;
		else
			ASSERT_TRUE(false) TH_LOG("unexpected port %u", buf[0]);
	}
	EXPECT_EQ(-1, read(fa, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
}

TEST(read_efault_keeps_the_event)
{
	int fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	int fb = evt_open(0);
	unsigned int a, b;

	ASSERT_LE(0, fb);
	make_pair(_metadata, fa, fb, &a, &b);

	ASSERT_EQ(0, notify(fb, b));
	ASSERT_EQ(POLLIN, poll_for(fa, POLLIN, ARRIVES_MS));
	EXPECT_EQ(-1, read(fa, unmapped, 4));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(a, read_one(_metadata, fa));
}

TEST(write_sizes)
{
	int fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	long page = sysconf(_SC_PAGESIZE);
	uint32_t *big;
	size_t big_len;

	ASSERT_LT(0, page);
	big_len = page + 64;
	big = malloc(big_len);
	ASSERT_NE(NULL, big);
	/* Ports nobody has bound: accepted and ignored. */
	memset(big, 0xff, big_len);

	EXPECT_EQ(0, write(fa, big, 0));
	EXPECT_EQ(0, write(fa, big, 3));
	EXPECT_EQ(4, write(fa, big, 6));
	EXPECT_EQ(8, write(fa, big, 8));
	/* At most a page per call. */
	EXPECT_EQ(page, write(fa, big, big_len));
	EXPECT_EQ(-1, write(fa, unmapped, 4));
	EXPECT_EQ(EFAULT, errno);
	free(big);
}

/* The late-EOI model: masked from firing until written back, by its owner. */
TEST(port_stays_masked_until_written_back)
{
	int fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	int fb = evt_open(O_NONBLOCK);
	unsigned int a, b;

	ASSERT_LE(0, fb);
	make_pair(_metadata, fa, fb, &a, &b);

	ASSERT_EQ(0, notify(fb, b));
	ASSERT_EQ(a, read_one(_metadata, fa));

	/* Not written back: a second event stays pending in Xen. */
	ASSERT_EQ(0, notify(fb, b));
	EXPECT_EQ(0, poll_for(fa, POLLIN, STAYS_AWAY_MS));

	/* Written to a file that did not bind it: ignored. */
	write_port(_metadata, fb, a);
	EXPECT_EQ(0, poll_for(fa, POLLIN, STAYS_AWAY_MS));

	/* Written back to its own file: the pending event is delivered. */
	write_port(_metadata, fa, a);
	EXPECT_EQ(a, read_one(_metadata, fa));
}

TEST(poll_flags)
{
	int fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	int fb = evt_open(0);
	unsigned int a, b;

	ASSERT_LE(0, fb);
	make_pair(_metadata, fa, fb, &a, &b);

	EXPECT_EQ(POLLOUT | POLLWRNORM, poll_for(fa, ALL_POLL_EVENTS, 0));
	ASSERT_EQ(0, notify(fb, b));
	ASSERT_EQ(POLLIN, poll_for(fa, POLLIN, ARRIVES_MS));
	EXPECT_EQ(ALL_POLL_EVENTS, poll_for(fa, ALL_POLL_EVENTS, 0));
	EXPECT_EQ(a, read_one(_metadata, fa));
	EXPECT_EQ(POLLOUT | POLLWRNORM, poll_for(fa, ALL_POLL_EVENTS, 0));
}

TEST(sigio_when_an_event_arrives)
{
	int fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	struct timespec wait = { .tv_sec = ARRIVES_MS / 1000 };
	struct timespec none = { 0 };
	int fb = evt_open(0);
	unsigned int a, b;
	sigset_t set;

	ASSERT_LE(0, fb);
	make_pair(_metadata, fa, fb, &a, &b);

	sigemptyset(&set);
	sigaddset(&set, SIGIO);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, NULL));
	ASSERT_EQ(0, fcntl(fa, F_SETOWN, getpid()));
	ASSERT_EQ(0, fcntl(fa, F_SETFL, fcntl(fa, F_GETFL) | O_ASYNC));

	EXPECT_EQ(-1, sigtimedwait(&set, NULL, &none));
	EXPECT_EQ(EAGAIN, errno);

	ASSERT_EQ(0, notify(fb, b));
	EXPECT_EQ(SIGIO, sigtimedwait(&set, NULL, &wait));
	EXPECT_EQ(a, read_one(_metadata, fa));
}

/* --- ioctl errors --- */

TEST(unbind_errors)
{
	int fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	int fb = evt_open(0);
	unsigned int a, b;

	ASSERT_LE(0, fb);
	make_pair(_metadata, fa, fb, &a, &b);

	EXPECT_EQ(-1, unbind(fa, HUGE_PORT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, unbind(fa, b));		/* B's, not A's */
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, ioctl(fa, EVT_UNBIND, NULL));
	EXPECT_EQ(EFAULT, errno);

	EXPECT_EQ(0, unbind(fa, a));
	EXPECT_EQ(-1, unbind(fa, a));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, notify(fa, a));
	EXPECT_EQ(ENOTCONN, errno);

	/* The peer is gone: Xen drops the event, the ioctl still succeeds. */
	EXPECT_EQ(0, notify(fb, b));
	EXPECT_EQ(0, unbind(fb, b));
}

TEST(notify_errors)
{
	int fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	int fb = evt_open(0);
	unsigned int a, b;

	ASSERT_LE(0, fb);
	make_pair(_metadata, fa, fb, &a, &b);

	EXPECT_EQ(-1, notify(fa, b));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, notify(fa, HUGE_PORT));	/* no range check first */
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, ioctl(fa, EVT_NOTIFY, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fa, EVT_BIND_UNBOUND_PORT, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fa, EVT_BIND_INTERDOMAIN, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fa, EVT_BIND_VIRQ, NULL));
	EXPECT_EQ(EFAULT, errno);
}

TEST(unknown_ioctl_is_enosys)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR);

	EXPECT_EQ(-1, ioctl(fd, _IOC(_IOC_NONE, 'E', 0x3f, 0), NULL));
	EXPECT_EQ(ENOSYS, errno);
	EXPECT_EQ(-1, ioctl(fd, _IO('X', 1), NULL));
	EXPECT_EQ(ENOSYS, errno);
}

/* Added in Linux 6.6; older kernels' drivers do not know the ioctl. */
TEST(bind_static)
{
	int fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	int fb = evt_open(0);
	bool known = xpv_kernel_at_least(6, 6);
	unsigned int a, b;

	ASSERT_LE(0, fb);
	make_pair(_metadata, fa, fb, &a, &b);

	EXPECT_EQ(-1, port_ioctl(fa, EVT_BIND_STATIC, a));
	EXPECT_EQ(known ? EISCONN : ENOSYS, errno);
	EXPECT_EQ(-1, ioctl(fa, EVT_BIND_STATIC, NULL));
	EXPECT_EQ(known ? EFAULT : ENOSYS, errno);
}

TEST(restrict_domid_errors_and_effect)
{
	int fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	int fb = evt_open(O_NONBLOCK);
	int fc = evt_open(O_NONBLOCK);
	unsigned int a, b;
	int other;

	ASSERT_LE(0, fb);
	ASSERT_LE(0, fc);
	make_pair(_metadata, fa, fb, &a, &b);
	other = bind_unbound(fc, DOMID_SELF);
	ASSERT_LT(0, other);

	/* Domain 0 and the reserved ids cannot be targets. */
	EXPECT_EQ(-1, restrict_domid(fb, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, restrict_domid(fb, DOMID_FIRST_RESERVED));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, restrict_domid(fb, 0xffff));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fb, EVT_RESTRICT_DOMID, NULL));
	EXPECT_EQ(EFAULT, errno);

	ASSERT_EQ(0, restrict_domid(fb, ABSENT_DOMID));

	/* One way only; checked before the argument is read. */
	EXPECT_EQ(-1, restrict_domid(fb, ABSENT_DOMID));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, restrict_domid(fb, 0));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, ioctl(fb, EVT_RESTRICT_DOMID, NULL));
	EXPECT_EQ(EACCES, errno);

	/* No VIRQs, no unbound ports, whatever the argument. */
	EXPECT_EQ(-1, bind_virq(fb, VIRQ_DEBUGGER));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, ioctl(fb, EVT_BIND_VIRQ, NULL));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, bind_unbound(fb, DOMID_SELF));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, bind_unbound(fb, ABSENT_DOMID));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, ioctl(fb, EVT_BIND_UNBOUND_PORT, NULL));
	EXPECT_EQ(EACCES, errno);

	/* Interdomain only to the target; the argument is read first. */
	EXPECT_EQ(-1, ioctl(fb, EVT_BIND_INTERDOMAIN, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, bind_interdomain(fb, DOMID_SELF, other));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, bind_interdomain(fb, 0, other));
	EXPECT_EQ(EACCES, errno);
	/* The whole 32-bit value must match, not its low 16 bits. */
	EXPECT_EQ(-1, bind_interdomain(fb, 0x10000 | ABSENT_DOMID, 1));
	EXPECT_EQ(EACCES, errno);
	/* The target passes the driver; Xen finds no such domain. */
	EXPECT_EQ(-1, bind_interdomain(fb, ABSENT_DOMID, 1));
	EXPECT_EQ(ESRCH, errno);

	/* Ports bound before the restriction keep working. */
	ASSERT_EQ(0, notify(fb, b));
	EXPECT_EQ(a, read_one(_metadata, fa));
	EXPECT_EQ(0, ioctl(fb, EVT_RESET, NULL));
	EXPECT_EQ(0, unbind(fb, b));

	/* Other files are not affected. */
	EXPECT_LT(0, bind_interdomain(fc, DOMID_SELF, other));
}

/*
 * VIRQ_DEBUGGER ("a domain paused for debugging") is global and nothing binds
 * it in a Linux dom0 or in Xen 4.17's tools: the kernel holds VIRQ_CONSOLE,
 * VIRQ_PCPU_STATE, VIRQ_MCA and per-vCPU VIRQs, xenstored VIRQ_DOM_EXC,
 * xentrace (when running) VIRQ_TBUF. Xen lets any domain bind a global VIRQ
 * on vCPU 0, once: a second bind is -EEXIST. So whether UNBIND and close()
 * really closed the port shows in whether the VIRQ can be bound again.
 */
TEST(bind_virq_and_port_closed_on_unbind)
{
	int f1 = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	int f2 = evt_open(O_NONBLOCK);
	int f3 = evt_open(O_NONBLOCK);
	int v1, v2;

	ASSERT_LE(0, f2);
	ASSERT_LE(0, f3);

	v1 = bind_virq(f1, VIRQ_DEBUGGER);
	if (v1 < 0 && errno == EEXIST)
		SKIP(return, "VIRQ_DEBUGGER is bound by someone else");
	ASSERT_LT(0, v1) TH_LOG("BIND_VIRQ: %s", strerror(errno));

	EXPECT_EQ(-1, bind_virq(f2, VIRQ_DEBUGGER));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(-1, bind_virq(f1, VIRQ_DEBUGGER));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(-1, unbind(f2, v1));
	EXPECT_EQ(ENOTCONN, errno);

	/* UNBIND closes the port in Xen: the VIRQ is free again. */
	ASSERT_EQ(0, unbind(f1, v1));
	v2 = bind_virq(f2, VIRQ_DEBUGGER);
	ASSERT_LT(0, v2) TH_LOG("BIND_VIRQ after UNBIND: %s", strerror(errno));

	/* So does close(). */
	ASSERT_EQ(0, close(f2));
	v2 = bind_virq(f3, VIRQ_DEBUGGER);
	ASSERT_LT(0, v2) TH_LOG("BIND_VIRQ after close: %s", strerror(errno));
	EXPECT_EQ(0, unbind(f3, v2));

	/* Out of range for Xen. */
	EXPECT_EQ(-1, bind_virq(f1, NR_VIRQS));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, bind_virq(f1, 0x80000000u));
	EXPECT_EQ(EINVAL, errno);
}

/*
 * In dom0 the kernel's console driver (hvc_xen, built in) binds VIRQ_CONSOLE
 * at boot, so user space cannot have it: Xen's -EEXIST comes back unchanged.
 * (Not VIRQ_DEBUG: Linux binds that only with 2-level events, not FIFO.)
 */
TEST(bind_virq_taken_by_the_kernel)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR);

	EXPECT_EQ(-1, bind_virq(fd, VIRQ_CONSOLE));
	EXPECT_EQ(EEXIST, errno);
}

/* --- the ring --- */

TEST(reset_drops_pending_events)
{
	int fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	int fb = evt_open(0);
	unsigned int a, b;
	uint32_t p;

	ASSERT_LE(0, fb);
	make_pair(_metadata, fa, fb, &a, &b);

	ASSERT_EQ(0, notify(fb, b));
	ASSERT_EQ(POLLIN, poll_for(fa, POLLIN, ARRIVES_MS));
	ASSERT_EQ(0, ioctl(fa, EVT_RESET, NULL));
	EXPECT_EQ(POLLOUT | POLLWRNORM, poll_for(fa, ALL_POLL_EVENTS, 0));
	EXPECT_EQ(-1, read(fa, &p, sizeof(p)));
	EXPECT_EQ(EAGAIN, errno);

	/* The dropped event still left the port masked ... */
	ASSERT_EQ(0, notify(fb, b));
	EXPECT_EQ(0, poll_for(fa, POLLIN, STAYS_AWAY_MS));
	/* ... until written back. */
	write_port(_metadata, fa, a);
	EXPECT_EQ(a, read_one(_metadata, fa));
}

/*
 * With one slot per bound port the ring fills only when user space writes
 * ports back without reading them. One port, a 64-slot ring: notify and
 * write back until the 65th event finds it full. A write that comes before
 * its event lands changes nothing (the port is not masked yet), so the loop
 * simply runs until poll() reports the overflow.
 */
TEST(ring_overflow_is_efbig_until_reset)
{
	int fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	int fb = evt_open(0);
	long long deadline;
	unsigned int a, b;
	uint32_t p;
	int rounds = 0;

	ASSERT_LE(0, fb);
	make_pair(_metadata, fa, fb, &a, &b);

	deadline = now_ms() + 15000;
	while (!(poll_for(fa, POLLIN, 0) & POLLERR)) {
		ASSERT_LT(now_ms(), deadline) TH_LOG("%d rounds", rounds);
		ASSERT_EQ(0, notify(fb, b));
		sleep_ms(1);
		write_port(_metadata, fa, a);
		rounds++;
	}
	/* Each round adds at most one entry; the 65th overflows. */
	EXPECT_LE(65, rounds);

	EXPECT_EQ(POLLERR, poll_for(fa, ALL_POLL_EVENTS, 0));
	EXPECT_EQ(-1, read(fa, &p, sizeof(p)));
	EXPECT_EQ(EFBIG, errno);
	EXPECT_EQ(0, read(fa, &p, 0));

	ASSERT_EQ(0, ioctl(fa, EVT_RESET, NULL));
	EXPECT_EQ(POLLOUT | POLLWRNORM, poll_for(fa, ALL_POLL_EVENTS, 0));
	EXPECT_EQ(-1, read(fa, &p, sizeof(p)));
	EXPECT_EQ(EAGAIN, errno);

	/* Works again once the port is written back. */
	write_port(_metadata, fa, a);
	ASSERT_EQ(0, notify(fb, b));
	EXPECT_EQ(a, read_one(_metadata, fa));
}

/*
 * The ring grows so that every bound port has a slot, keeping unread
 * entries. Move the ring indices to 50 first, so that 40 pending entries
 * wrap round the end of the 64-slot ring, then bind past 64 ports: all 70
 * events must come out exactly once and without -EFBIG.
 */
#define GROW_FIRST	40
#define GROW_TOTAL	70

TEST(ring_grows_with_bound_ports)
{
	int fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	unsigned int a[GROW_TOTAL], b[GROW_TOTAL], a0, b0;
	int fb = evt_open(0);
	bool seen[GROW_TOTAL] = { false };
	long long deadline;
	int i, got = 0;

	ASSERT_LE(0, fb);
	make_pair(_metadata, fa, fb, &a0, &b0);
	for (i = 0; i < 50; i++) {
		ASSERT_EQ(0, notify(fb, b0));
		ASSERT_EQ(a0, read_one(_metadata, fa));
		write_port(_metadata, fa, a0);
	}

	for (i = 0; i < GROW_FIRST; i++)
		make_pair(_metadata, fa, fb, &a[i], &b[i]);
	for (i = 0; i < GROW_FIRST; i++)
		ASSERT_EQ(0, notify(fb, b[i]));
	sleep_ms(STAYS_AWAY_MS);	/* let them land before the ring grows */

	for (i = GROW_FIRST; i < GROW_TOTAL; i++)
		make_pair(_metadata, fa, fb, &a[i], &b[i]);
	for (i = GROW_FIRST; i < GROW_TOTAL; i++)
		ASSERT_EQ(0, notify(fb, b[i]));

	deadline = now_ms() + 10000;
	while (got < GROW_TOTAL) {
		uint32_t buf[GROW_TOTAL + 1];
		ssize_t n;
		int k, j;

		ASSERT_LT(now_ms(), deadline) TH_LOG("%d of %d", got,
						     GROW_TOTAL);
		ASSERT_EQ(POLLIN, poll_for(fa, POLLIN, ARRIVES_MS));
		n = read(fa, buf, sizeof(buf));
		ASSERT_LT(0, n) TH_LOG("read: %s", strerror(errno));
		for (k = 0; k < n / 4; k++) {
			for (j = 0; j < GROW_TOTAL && a[j] != buf[k]; j++)
				;
			ASSERT_GT(GROW_TOTAL, j) TH_LOG("port %u", buf[k]);
			ASSERT_FALSE(seen[j]) TH_LOG("port %u twice", buf[k]);
			seen[j] = true;
			got++;
		}
	}
	EXPECT_EQ(0, poll_for(fa, POLLIN, STAYS_AWAY_MS));
}

/* --- lifetime: nothing left behind --- */

TEST(irq_per_port_and_none_left)
{
	const char *comm = "xpvevt-names";
	unsigned int a[8], b[8];
	int fa, fb, i;

	ASSERT_EQ(0, prctl(PR_SET_NAME, comm));
	fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	fb = evt_open(0);
	ASSERT_LE(0, fb);
	ASSERT_EQ(0, count_irqs(comm));

	for (i = 0; i < 8; i++)
		make_pair(_metadata, fa, fb, &a[i], &b[i]);
	EXPECT_EQ(16, count_irqs(comm));

	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, unbind(fa, a[i]));
	EXPECT_EQ(13, count_irqs(comm));

	EXPECT_EQ(0, close(fa));
	EXPECT_EQ(8, count_irqs(comm));
	EXPECT_EQ(0, close(fb));
	EXPECT_EQ(0, count_irqs(comm));
}

/* The child's exit status when VIRQ_DEBUGGER was not free. */
#define CHILD_NO_VIRQ	3

TEST(exit_with_ports_bound_and_events_pending)
{
	const char *comm = "xpvevt-exit";
	unsigned long taint = xpv_taint();
	int status, fd, v;
	pid_t pid;

	fd = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	close(fd);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fa, fb, a, b, i;

		if (prctl(PR_SET_NAME, comm))
			_exit(1);
		fa = evt_open(O_NONBLOCK);
		fb = evt_open(O_NONBLOCK);
		if (fa < 0 || fb < 0)
			_exit(1);
		for (i = 0; i < 16; i++) {
			a = bind_unbound(fa, DOMID_SELF);
			if (a <= 0)
				_exit(1);
			b = bind_interdomain(fb, DOMID_SELF, a);
			if (b <= 0 || notify(fb, b))
				_exit(1);
		}
		if (bind_virq(fa, VIRQ_DEBUGGER) < 0)
			_exit(errno == EEXIST ? CHILD_NO_VIRQ : 1);
		if (poll_for(fa, POLLIN, ARRIVES_MS) != POLLIN)
			_exit(2);
		/* Exit with everything bound and unread. */
		_exit(0);
	}

	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	if (WEXITSTATUS(status) == CHILD_NO_VIRQ)
		SKIP(return, "VIRQ_DEBUGGER is bound by someone else");
	ASSERT_EQ(0, WEXITSTATUS(status));

	/* Every IRQ is gone and every port closed: the VIRQ is free. */
	EXPECT_EQ(0, count_irqs(comm));
	fd = evt_open(O_NONBLOCK);
	ASSERT_LE(0, fd);
	v = bind_virq(fd, VIRQ_DEBUGGER);
	EXPECT_LT(0, v) TH_LOG("BIND_VIRQ: %s", strerror(errno));
	EXPECT_EQ(0, close(fd));
	EXPECT_EQ(0ul, (xpv_taint() & ~taint) &
		  XPV_TAINT_BAD);
}

/*
 * XSA-331 shape: ports are unbound and files closed, in every order, while
 * another thread storms them with events and their files read and write
 * back. Afterwards nothing may be left bound, the kernel must not have
 * warned, and a new channel must work.
 */
#define STORM_CHURNERS	2
#define STORM_MS	1500

struct storm {
	int sfd;				/* holds the `b` ends */
	_Atomic unsigned int target[STORM_CHURNERS];	/* 0: none */
	atomic_bool stop;
	atomic_ulong notifies;
	atomic_ulong cycles[STORM_CHURNERS];
	atomic_int bad_errno;
	atomic_int bad_step;
};

struct churner {
	struct storm *st;
	int id;
};

static void storm_bad(struct storm *st, int step)
{
	int zero = 0;

	if (atomic_compare_exchange_strong(&st->bad_errno, &zero,
					   errno ? errno : -1))
		st->bad_step = step;
	st->stop = true;
}

static void *storm_notifier(void *arg)
{
	struct storm *st = arg;
	int i;

	while (!st->stop) {
		for (i = 0; i < STORM_CHURNERS; i++) {
			unsigned int q = st->target[i];

			if (!q)
				continue;
			if (notify(st->sfd, q) == 0)
				st->notifies++;
			else if (errno != ENOTCONN)
				storm_bad(st, 100);
		}
	}
	return NULL;
}

static void *storm_churner(void *arg)
{
	struct churner *c = arg;
	struct storm *st = c->st;
	unsigned long n = 0;

	while (!st->stop) {
		uint32_t buf[8];
		int r, p, q, k;

		r = evt_open(O_NONBLOCK);
		if (r < 0) {
			storm_bad(st, 1);
			break;
		}
		p = bind_unbound(r, DOMID_SELF);
		if (p <= 0) {
			storm_bad(st, 2);
			close(r);
			break;
		}
		q = bind_interdomain(st->sfd, DOMID_SELF, p);
		if (q <= 0) {
			storm_bad(st, 3);
			close(r);
			break;
		}
		st->target[c->id] = q;

		/* Take events and re-enable the port, racing the notifier. */
		for (k = 0; k < 4; k++) {
			ssize_t len = read(r, buf, sizeof(buf));

			if (len > 0 && write(r, buf, len) != len)
				storm_bad(st, 4);
			else if (len < 0 && errno != EAGAIN)
				storm_bad(st, 5);
		}

		switch (n % 4) {
		case 0:		/* unbind, then close, then the other end */
			if (unbind(r, p))
				storm_bad(st, 6);
			close(r);
			if (unbind(st->sfd, q))
				storm_bad(st, 7);
			break;
		case 1:		/* close with events pending */
			close(r);
			if (unbind(st->sfd, q))
				storm_bad(st, 8);
			break;
		case 2:		/* the other end first */
			if (unbind(st->sfd, q))
				storm_bad(st, 9);
			close(r);
			break;
		default:	/* close mid-storm, other end kept a while */
			close(r);
			sched_yield();
			if (unbind(st->sfd, q))
				storm_bad(st, 10);
			break;
		}
		st->target[c->id] = 0;
		st->cycles[c->id]++;
		n++;
	}
	return NULL;
}

TEST(storm_unbind_and_close_under_events)
{
	const char *comm = "xpvevt-storm";
	struct churner ch[STORM_CHURNERS];
	pthread_t tn, tc[STORM_CHURNERS];
	static struct storm st;
	unsigned long taint;
	long long end;
	unsigned int a, b;
	int fa, fb, i;

	ASSERT_EQ(0, prctl(PR_SET_NAME, comm));
	st.sfd = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	taint = xpv_taint();

	ASSERT_EQ(0, pthread_create(&tn, NULL, storm_notifier, &st));
	for (i = 0; i < STORM_CHURNERS; i++) {
		ch[i] = (struct churner){ .st = &st, .id = i };
		ASSERT_EQ(0, pthread_create(&tc[i], NULL, storm_churner,
					    &ch[i]));
	}

	/* Drain the shared file meanwhile, writing its ports back. */
	end = now_ms() + STORM_MS;
	while (!st.stop && now_ms() < end) {
		uint32_t buf[64];
		ssize_t n = read(st.sfd, buf, sizeof(buf));

		if (n > 0) {
			if (write(st.sfd, buf, n) != n)
				storm_bad(&st, 200);
		} else if (errno == EFBIG) {
			/* Written-back ports may refire faster than read. */
			if (ioctl(st.sfd, EVT_RESET, NULL))
				storm_bad(&st, 201);
		} else if (errno == EAGAIN) {
			poll_for(st.sfd, POLLIN, 10);
		} else {
			storm_bad(&st, 202);
		}
	}
	st.stop = true;
	ASSERT_EQ(0, pthread_join(tn, NULL));
	for (i = 0; i < STORM_CHURNERS; i++)
		ASSERT_EQ(0, pthread_join(tc[i], NULL));

	EXPECT_EQ(0, st.bad_errno) TH_LOG("step %d: %s", st.bad_step,
					  strerror(st.bad_errno));
	for (i = 0; i < STORM_CHURNERS; i++)
		EXPECT_LT(0ul, st.cycles[i]);
	EXPECT_LT(0ul, st.notifies);
	TH_LOG("%lu notifications, %lu + %lu bind/unbind cycles",
	       (unsigned long)st.notifies, (unsigned long)st.cycles[0],
	       (unsigned long)st.cycles[1]);

	EXPECT_EQ(0, close(st.sfd));
	EXPECT_EQ(0, count_irqs(comm));
	EXPECT_EQ(0ul, (xpv_taint() & ~taint) &
		  XPV_TAINT_BAD);

	/* A fresh channel works. */
	fa = evt_open(O_NONBLOCK);
	fb = evt_open(0);
	ASSERT_LE(0, fa);
	ASSERT_LE(0, fb);
	make_pair(_metadata, fa, fb, &a, &b);
	ASSERT_EQ(0, notify(fb, b));
	EXPECT_EQ(a, read_one(_metadata, fa));
	EXPECT_EQ(2, count_irqs(comm));
}

/*
 * max_user_ports (xpv only: the in-tree module has no such limit, and the
 * test says so when it skips). Set it to 4: four binds succeed, the fifth
 * fails with ENOSPC before Xen is asked, other files are unaffected, and
 * unbinding one makes room again.
 */
#define MAX_PORTS_PARAM "/sys/module/xen_evtchn/parameters/max_user_ports"

static int write_param(const char *val)
{
	int fd = open(MAX_PORTS_PARAM, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

TEST(max_user_ports_limits_each_file)
{
	int fa, fb, i, port[4];

	if (access(MAX_PORTS_PARAM, F_OK))
		SKIP(return, "no max_user_ports: the in-tree module has no limit");
	fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR);
	fb = evt_open(0);
	ASSERT_LE(0, fb);
	ASSERT_EQ(0, write_param("4"));

	for (i = 0; i < 4; i++) {
		port[i] = bind_unbound(fa, 0);
		EXPECT_LE(0, port[i]);
	}
	EXPECT_EQ(-1, bind_unbound(fa, 0));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(-1, bind_virq(fa, VIRQ_DEBUGGER));
	EXPECT_EQ(ENOSPC, errno);
	/* Another file has its own budget. */
	EXPECT_LE(0, bind_unbound(fb, 0));
	/* Unbinding makes room. */
	EXPECT_EQ(0, unbind(fa, port[0]));
	EXPECT_LE(0, bind_unbound(fa, 0));

	EXPECT_EQ(0, write_param("0"));
	EXPECT_LE(0, bind_unbound(fa, 0));
	close(fa);
	close(fb);
}

TEST_HARNESS_MAIN
