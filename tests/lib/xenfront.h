/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xenfront.h - what a hostile PV frontend in user space needs, whatever
 * its device: xenstore requests over /dev/xen/xenbus (the xs_wire
 * protocol), pages shared with the backend's domain through
 * /dev/xen/gntalloc, event channels through /dev/xen/evtchn, the two
 * xenstore directories of one device, the xenbus handshake back to the
 * state a frontend starts from (frontend Initialising, backend InitWait)
 * and a case's verdict (struct result, say()).
 * Used by tests/blk/vbd-hostile.c and tests/net/vif-hostile.c; each is one
 * translation unit, so everything here is static (inline, so that a
 * program need not use all of it).
 *
 * A program calls front_open(TYPE, DEVID, ...) once, then connects with
 * its own ring layout and keys; fe_reset() brings the device back to where
 * a frontend starts. The timeouts below may be overridden before the
 * include.
 */
#ifndef XPV_XENFRONT_H
#define XPV_XENFRONT_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* The uapi headers leave domid_t to user space, as Xen's own tools do. */
typedef uint16_t domid_t;
#include <xen/evtchn.h>
#include <xen/gntalloc.h>

#define PAGE		4096

/* xenbus states */
enum { XB_INITIALISING = 1, XB_INITWAIT, XB_INITIALISED, XB_CONNECTED,
       XB_CLOSING, XB_CLOSED };

#define BIT(s) (1u << (s))

#ifndef STATE_TIMEOUT_MS
#define STATE_TIMEOUT_MS	20000	/* a backend state change */
#endif
#ifndef FIRST_TIMEOUT_MS
#define FIRST_TIMEOUT_MS	30000	/* backend InitWait after boot */
#endif
#ifndef SHARE_MAX
#define SHARE_MAX		64	/* pages in one share_pages() */
#endif

static const char *case_name = "?";

static inline void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# %s: ", case_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static inline long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static inline void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Append to a bounded message. */
static inline void cat(char *buf, size_t sz, const char *fmt, ...)
{
	size_t l = strlen(buf);
	va_list ap;

	if (l + 1 >= sz)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + l, sz - l, fmt, ap);
	va_end(ap);
}

/* --- a case's verdict: one line, "ok CASE: MSG" or "not ok CASE: MSG" --- */

#ifndef RESULT_MSG
#define RESULT_MSG	2048
#endif

struct result {
	char msg[RESULT_MSG];
	int fail, skip;
};

/* Add to the verdict's details, "; " between. */
static inline void say(struct result *r, const char *fmt, ...)
{
	size_t l = strlen(r->msg);
	va_list ap;

	if (l && l + 3 < RESULT_MSG) {
		strcat(r->msg, "; ");
		l += 2;
	}
	if (l + 1 >= RESULT_MSG)
		return;
	va_start(ap, fmt);
	vsnprintf(r->msg + l, RESULT_MSG - l, fmt, ap);
	va_end(ap);
}

#include "xenstore.h"

/* --- the device and its two directories --- */

static int domid, be_id;
static char fe_dir[128], be_dir[256];

static inline char *fe_path(const char *key)
{
	static char p[4][320];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", fe_dir, key);
	return p[i];
}

static inline char *be_path(const char *key)
{
	static char p[4][384];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", be_dir, key);
	return p[i];
}

static inline int be_state(void)
{
	unsigned long long v;

	return xs_read_ull(be_path("state"), &v) ? -1 : (int)v;
}

static inline int fe_state(void)
{
	unsigned long long v;

	return xs_read_ull(fe_path("state"), &v) ? -1 : (int)v;
}

static inline int set_fe_state(int s)
{
	return xs_printf(fe_path("state"), "%d", s);
}

/* Wait until the backend's state is one in @mask (bit per state). */
static inline int wait_be(unsigned int mask, long timeout_ms, int *last)
{
	long end = now_ms() + timeout_ms;
	int s;

	for (;;) {
		s = be_state();
		if (s >= 0 && s < 32 && (mask & (1u << s))) {
			*last = s;
			return 0;
		}
		if (now_ms() > end) {
			*last = s;
			return -1;
		}
		sleep_ms(20);
	}
}

/*
 * After the frontend's last key and state (@after: "frontend Connected",
 * "Initialised"), the backend must follow into Connected. 0, or -1 with
 * the reason in @why.
 */
static inline int wait_connected(const char *after, char *why, size_t wsz)
{
	int last;

	if (!wait_be(BIT(XB_CONNECTED) | BIT(XB_CLOSING) | BIT(XB_CLOSED),
		     STATE_TIMEOUT_MS, &last) && last == XB_CONNECTED)
		return 0;
	snprintf(why, wsz, "backend in state %d, not Connected, after %s",
		 last, after);
	return -1;
}

/* --- grants and events --- */

static int gnt_fd = -1, ev_fd = -1;

struct share {
	unsigned char *va;
	uint32_t grefs[SHARE_MAX];
	unsigned int n;
	uint64_t index;
};

static inline int share_pages(struct share *s, unsigned int n, int to_domid,
			      int writable)
{
	struct ioctl_gntalloc_alloc_gref *a;
	size_t sz = sizeof(*a) + n * sizeof(uint32_t);
	unsigned int i;

	if (n > SHARE_MAX) {
		errno = EINVAL;
		return -1;
	}
	a = calloc(1, sz);
	if (!a)
		return -1;
	a->domid = to_domid;
	a->flags = writable ? GNTALLOC_FLAG_WRITABLE : 0;
	a->count = n;
	if (ioctl(gnt_fd, IOCTL_GNTALLOC_ALLOC_GREF, a)) {
		free(a);
		return -1;
	}
	s->va = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		     gnt_fd, a->index);
	if (s->va == MAP_FAILED) {
		free(a);
		return -1;
	}
	for (i = 0; i < n; i++)
		s->grefs[i] = a->gref_ids[i];
	s->n = n;
	s->index = a->index;
	free(a);
	return 0;
}

static inline void unshare_pages(struct share *s)
{
	struct ioctl_gntalloc_dealloc_gref d = { .index = s->index,
						 .count = s->n };

	if (!s->n)
		return;
	munmap(s->va, s->n * PAGE);
	ioctl(gnt_fd, IOCTL_GNTALLOC_DEALLOC_GREF, &d);
	s->n = 0;
}

static inline int notify(int port)
{
	struct ioctl_evtchn_notify n = { .port = port };

	return ioctl(ev_fd, IOCTL_EVTCHN_NOTIFY, &n);
}

/* Wait up to @ms for an event; re-enable the ports that fired. */
static inline void ev_wait(long ms)
{
	struct pollfd pfd = { .fd = ev_fd, .events = POLLIN };
	uint32_t ports[64];
	ssize_t n;

	if (poll(&pfd, 1, ms) != 1)
		return;
	n = read(ev_fd, ports, sizeof(ports));
	if (n > 0)
		(void)!write(ev_fd, ports, n - n % sizeof(uint32_t));
}

/* A port for the backend's domain to bind; 0 and errno on failure. */
static inline int ev_alloc(void)
{
	struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = be_id };
	int port = ioctl(ev_fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);

	return port < 0 ? 0 : port;
}

static inline void ev_free(int port)
{
	struct ioctl_evtchn_unbind u = { .port = port };

	if (port > 0)
		ioctl(ev_fd, IOCTL_EVTCHN_UNBIND, &u);
}

/*
 * Closing, Closed (the backend following each), then Initialising and the
 * backend back in InitWait: the end of a connection. @release (may be
 * NULL) runs once the backend is Closed, when it no longer maps the
 * frontend's rings.
 */
static inline int fe_close(void (*release)(void *), void *arg, char *why,
			   size_t wsz)
{
	int last = -1;

	if (set_fe_state(XB_CLOSING) ||
	    wait_be(BIT(XB_CLOSING) | BIT(XB_CLOSED), STATE_TIMEOUT_MS, &last)) {
		snprintf(why, wsz, "backend stuck in state %d after frontend Closing",
			 last);
		return -1;
	}
	if (set_fe_state(XB_CLOSED) ||
	    wait_be(BIT(XB_CLOSED), STATE_TIMEOUT_MS, &last)) {
		snprintf(why, wsz, "backend stuck in state %d after frontend Closed",
			 last);
		return -1;
	}
	if (release)
		release(arg);
	if (set_fe_state(XB_INITIALISING) ||
	    wait_be(BIT(XB_INITWAIT), STATE_TIMEOUT_MS, &last)) {
		snprintf(why, wsz, "backend in state %d, not InitWait, after frontend Initialising",
			 last);
		return -1;
	}
	return 0;
}

/*
 * Bring the device to the state a frontend starts from: frontend
 * Initialising, backend InitWait. From anything else (an earlier
 * connection, one a case broke, a process that died) the frontend goes
 * Closing, then Closed, then Initialising, waiting for the backend at each
 * step, as Linux's frontends do when they reconnect.
 */
static inline int fe_reset(char *why, size_t wsz)
{
	int fe = fe_state(), last = -1;

	/* After boot the hotplug script may not have run yet: wait. */
	if (fe == XB_INITIALISING &&
	    !wait_be(~(BIT(0) | BIT(XB_INITIALISING)), FIRST_TIMEOUT_MS, &last) &&
	    last == XB_INITWAIT)
		return 0;
	diag("reset: frontend %d, backend %d: Closing, Closed, Initialising",
	     fe, be_state());
	return fe_close(NULL, NULL, why, wsz);
}

/*
 * Open the device files (once) and find device @type/@devid of this
 * domain: fe_dir, be_dir, domid and be_id set (another call switches to
 * another device). 0, or -1 with the reason in @why.
 */
static inline int front_open(const char *type, unsigned int devid, char *why,
			     size_t wsz)
{
	char buf[256];
	unsigned long long v;

	if (xs_fd < 0)
		xs_fd = open("/dev/xen/xenbus", O_RDWR);
	if (ev_fd < 0)
		ev_fd = open("/dev/xen/evtchn", O_RDWR);
	if (gnt_fd < 0)
		gnt_fd = open("/dev/xen/gntalloc", O_RDWR);
	if (xs_fd < 0 || ev_fd < 0 || gnt_fd < 0) {
		snprintf(why, wsz, "/dev/xen/%s: %s",
			 xs_fd < 0 ? "xenbus" : ev_fd < 0 ? "evtchn" : "gntalloc",
			 strerror(errno));
		return -1;
	}
	if (xs_read_ull("domid", &v)) {
		snprintf(why, wsz, "reading our domid: %s", strerror(errno));
		return -1;
	}
	domid = v;
	snprintf(fe_dir, sizeof(fe_dir), "/local/domain/%d/device/%s/%u",
		 domid, type, devid);
	if (xs_read(fe_path("backend"), buf, sizeof(buf))) {
		snprintf(why, wsz, "no %s %u: %s/backend: %s", type, devid,
			 fe_dir, strerror(errno));
		return -1;
	}
	snprintf(be_dir, sizeof(be_dir), "%s", buf);
	be_id = xs_read_ull(fe_path("backend-id"), &v) ? 0 : (int)v;
	return 0;
}

#endif /* XPV_XENFRONT_H */
