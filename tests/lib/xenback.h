/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xenback.h - what a PV backend in dom0's user space needs on top of
 * xenfront.h's xenstore and event-channel helpers: the backend's state,
 * a wait for the frontend's, frontend pages mapped through
 * /dev/xen/gntdev, an interdomain event channel, and the leak scan of the
 * XSA-403 spies (tests/blk/vbd-spy.c, tests/net/vif-spy.c): a backend that
 * looks at every byte of each page a frontend grants it, outside the
 * bytes the request names, for the marker the guest put there.
 *
 * The devices are made by the scenario (xenstore nodes under paths no
 * kernel backend watches), so the program is given both directories.
 */
#ifndef XPV_XENBACK_H
#define XPV_XENBACK_H

#include <signal.h>
#include "xenfront.h"
/* As for domid_t: the uapi header leaves grant_ref_t to user space. */
typedef uint32_t grant_ref_t;
#include <xen/gntdev.h>

/* What the guest fills the rest of a shared page with, and its data. */
#define LEAK_MARKER	"xsa403-secret:"
#define LEAK_PAYLOAD	"xsa403-payload:"

static volatile sig_atomic_t back_stop;

static void back_on_term(int sig)
{
	back_stop = 1;
}

static inline int set_be_state(int s)
{
	return xs_printf(be_path("state"), "%d", s);
}

/* Wait until the frontend's state is one in @mask (bit per state). */
static inline int wait_fe(unsigned int mask, long timeout_ms, int *last)
{
	long end = now_ms() + timeout_ms;
	int s;

	for (;;) {
		s = fe_state();
		if (s >= 0 && s < 32 && (mask & (1u << s))) {
			*last = s;
			return 0;
		}
		if (now_ms() > end || back_stop) {
			*last = s;
			return -1;
		}
		sleep_ms(20);
	}
}

/*
 * Open the device files and take the device's two directories and the
 * frontend's domain. SIGTERM and SIGINT ask the serving loop to end.
 */
static inline int back_open(const char *fe, const char *be, int fe_domid)
{
	struct sigaction sa = { .sa_handler = back_on_term };

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	snprintf(fe_dir, sizeof(fe_dir), "%s", fe);
	snprintf(be_dir, sizeof(be_dir), "%s", be);
	domid = fe_domid;
	xs_fd = open("/dev/xen/xenbus", O_RDWR);
	ev_fd = open("/dev/xen/evtchn", O_RDWR);
	gnt_fd = open("/dev/xen/gntdev", O_RDWR);
	if (xs_fd < 0 || ev_fd < 0 || gnt_fd < 0) {
		fprintf(stderr, "/dev/xen/%s: %s\n",
			xs_fd < 0 ? "xenbus" : ev_fd < 0 ? "evtchn" : "gntdev",
			strerror(errno));
		return -1;
	}
	return 0;
}

/* One frontend page mapped here. */
struct fmap {
	unsigned char *va;
	uint64_t index;
};

/* Map grant @ref of the frontend; read-only unless @writable. 0 or -1. */
static inline int fmap_get(struct fmap *m, uint32_t ref, int writable)
{
	struct ioctl_gntdev_map_grant_ref g = { .count = 1 };
	struct ioctl_gntdev_unmap_grant_ref u = { .count = 1 };

	g.refs[0].domid = domid;
	g.refs[0].ref = ref;
	if (ioctl(gnt_fd, IOCTL_GNTDEV_MAP_GRANT_REF, &g))
		return -1;
	m->index = g.index;
	m->va = mmap(NULL, PAGE, PROT_READ | (writable ? PROT_WRITE : 0),
		     MAP_SHARED, gnt_fd, g.index);
	if (m->va != MAP_FAILED)
		return 0;
	u.index = g.index;
	ioctl(gnt_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
	m->va = NULL;
	return -1;
}

static inline void fmap_put(struct fmap *m)
{
	struct ioctl_gntdev_unmap_grant_ref u = { .index = m->index,
						  .count = 1 };

	if (!m->va)
		return;
	munmap(m->va, PAGE);
	ioctl(gnt_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
	m->va = NULL;
}

/* Bind the frontend's port; our local port, or -1. */
static inline int ev_bind(unsigned int remote_port)
{
	struct ioctl_evtchn_bind_interdomain b = {
		.remote_domain = domid, .remote_port = remote_port };

	return ioctl(ev_fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
}

/* What the spy saw on the pages it was granted. */
struct leak {
	unsigned long pages;	/* data pages scanned */
	unsigned long payload;	/* of them, holding the guest's payload */
	unsigned long marked;	/* with the marker outside the data */
	unsigned long nonzero;	/* with any non-zero byte outside the data */
	unsigned long bad;	/* ranges past the page: not scanned */
};

static inline int has(const unsigned char *p, size_t len, const char *s)
{
	return len >= strlen(s) && memmem(p, len, s, strlen(s));
}

/*
 * Scan one granted page whose data is bytes [@off, @off + @len): the
 * payload inside, the marker and non-zero bytes outside.
 */
static inline void leak_scan(struct leak *l, const unsigned char *page,
			     unsigned int off, unsigned int len)
{
	unsigned int i, end = off + len;
	int nz = 0;

	if (off > PAGE || len > PAGE - off) {
		l->bad++;
		return;
	}
	l->pages++;
	if (has(page + off, len, LEAK_PAYLOAD))
		l->payload++;
	if (has(page, off, LEAK_MARKER) || has(page + end, PAGE - end, LEAK_MARKER))
		l->marked++;
	for (i = 0; i < PAGE && !nz; i++)
		nz = (i < off || i >= end) && page[i];
	if (nz)
		l->nonzero++;
}

static inline void leak_print(const struct leak *l)
{
	printf("pages=%lu payload=%lu marked=%lu nonzero=%lu bad=%lu\n",
	       l->pages, l->payload, l->marked, l->nonzero, l->bad);
	fflush(stdout);
}

/*
 * The guest's side of a spy: @n pages of @buf filled with the marker, for
 * data to be put among.
 */
static inline void leak_fill(unsigned char *buf, size_t n)
{
	size_t i, m = strlen(LEAK_MARKER);

	for (i = 0; i < n; i++)
		buf[i] = LEAK_MARKER[i % m];
}

/*
 * The end of a connection from the backend's side: our mappings are gone
 * already; Closing, the frontend Closed (or gone), then Closed.
 */
static inline void back_close(void)
{
	int last;

	set_be_state(XB_CLOSING);
	back_stop = 0;
	if (wait_fe(BIT(XB_CLOSED) | BIT(XB_INITIALISING), STATE_TIMEOUT_MS,
		    &last))
		fprintf(stderr, "frontend in state %d, not Closed\n", last);
	set_be_state(XB_CLOSED);
}

/*
 * One connection's ring and port: map ring page @ref writable, bind
 * @port, go Connected; serve with @serve (1 when it pushed answers) until
 * SIGTERM, then let go of both and close. @who names it in the log.
 * 0, or -1 (the device closed) when the ring or port cannot be had.
 */
static inline int back_run(struct fmap *ring, unsigned long long ref,
			   unsigned long long port, int (*serve)(void),
			   const char *who)
{
	struct ioctl_evtchn_unbind u;
	int local;

	if (fmap_get(ring, ref, 1) || (local = ev_bind(port)) < 0) {
		fprintf(stderr, "ring %llu / port %llu: %s\n", ref, port,
			strerror(errno));
		fmap_put(ring);
		back_close();
		return -1;
	}
	set_be_state(XB_CONNECTED);
	fprintf(stderr, "%s: connected to domain %d (ring %llu, port %llu)\n",
		who, domid, ref, port);
	while (!back_stop) {
		if (serve())
			notify(local);
		ev_wait(100);
	}
	fmap_put(ring);
	u.port = local;
	ioctl(ev_fd, IOCTL_EVTCHN_UNBIND, &u);
	back_close();
	return 0;
}

#endif /* XPV_XENBACK_H */
