/* SPDX-License-Identifier: GPL-2.0 */
/*
 * grant_test.h - the /dev/xen/gntdev and /dev/xen/gntalloc ABI and helpers
 * shared by gntdev_test.c and gntalloc_test.c.
 *
 * The ABI (include/uapi/xen/gntdev.h, gntalloc.h) is spelt out here, so
 * that the tests check the numbers user space is built with, not the
 * kernel's headers. Include after kselftest_harness.h and xpv_test.h.
 *
 * Grants come from gntalloc, granted to domain 0: the tests run in dom0,
 * and Xen lets a domain map and copy the grants it made to itself (its
 * grant_table.c checks that the entry names the mapping domain, not that
 * the two differ).
 */
#ifndef GRANT_TEST_H
#define GRANT_TEST_H

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>

#define GNTDEV_DEV	"/dev/xen/gntdev"
#define GNTALLOC_DEV	"/dev/xen/gntalloc"
#define EVTCHN_DEV	"/dev/xen/evtchn"

/* --- gntdev --- */

struct gd_grant_ref {
	uint32_t domid;
	uint32_t ref;
};

struct gd_map_grant_ref {
	uint32_t count;
	uint32_t pad;
	uint64_t index;
	struct gd_grant_ref refs[1];
};

struct gd_unmap_grant_ref {
	uint64_t index;
	uint32_t count;
	uint32_t pad;
};

struct gd_get_offset_for_vaddr {
	uint64_t vaddr;
	uint64_t offset;
	uint32_t count;
	uint32_t pad;
};

struct gd_set_max_grants {
	uint32_t count;
};

struct gd_unmap_notify {
	uint64_t index;
	uint32_t action;
	uint32_t port;
};

struct gd_copy_segment {
	union {
		void *virt;
		struct {
			uint32_t ref;
			uint16_t offset;
			uint16_t domid;
		} foreign;
	} source, dest;
	uint16_t len;
	uint16_t flags;
	int16_t status;
};

struct gd_grant_copy {
	unsigned int count;
	struct gd_copy_segment *segments;
};

#define GD_MAP_GRANT_REF \
	_IOC(_IOC_NONE, 'G', 0, sizeof(struct gd_map_grant_ref))
#define GD_UNMAP_GRANT_REF \
	_IOC(_IOC_NONE, 'G', 1, sizeof(struct gd_unmap_grant_ref))
#define GD_GET_OFFSET_FOR_VADDR \
	_IOC(_IOC_NONE, 'G', 2, sizeof(struct gd_get_offset_for_vaddr))
#define GD_SET_MAX_GRANTS \
	_IOC(_IOC_NONE, 'G', 3, sizeof(struct gd_set_max_grants))
#define GD_SET_UNMAP_NOTIFY \
	_IOC(_IOC_NONE, 'G', 7, sizeof(struct gd_unmap_notify))
#define GD_GRANT_COPY \
	_IOC(_IOC_NONE, 'G', 8, sizeof(struct gd_grant_copy))
/* dma-buf: sizes of their argument structs, which the tests never fill. */
#define GD_DMABUF_EXP_FROM_REFS		_IOC(_IOC_NONE, 'G', 9, 20)
#define GD_DMABUF_EXP_WAIT_RELEASED	_IOC(_IOC_NONE, 'G', 10, 8)
#define GD_DMABUF_IMP_TO_REFS		_IOC(_IOC_NONE, 'G', 11, 20)
#define GD_DMABUF_IMP_RELEASE		_IOC(_IOC_NONE, 'G', 12, 8)

_Static_assert(GD_MAP_GRANT_REF == 0x00184700, "ABI");
_Static_assert(GD_UNMAP_GRANT_REF == 0x00104701, "ABI");
_Static_assert(GD_GET_OFFSET_FOR_VADDR == 0x00184702, "ABI");
_Static_assert(GD_SET_MAX_GRANTS == 0x00044703, "ABI");
_Static_assert(GD_SET_UNMAP_NOTIFY == 0x00104707, "ABI");
_Static_assert(GD_GRANT_COPY == 0x00104708, "ABI");
_Static_assert(GD_DMABUF_EXP_FROM_REFS == 0x00144709, "ABI");
_Static_assert(sizeof(struct gd_copy_segment) == 24, "ABI");

#define UNMAP_NOTIFY_CLEAR_BYTE	0x1
#define UNMAP_NOTIFY_SEND_EVENT	0x2

/* Xen's public grant_table.h. */
#define GNTCOPY_source_gref	0x1
#define GNTCOPY_dest_gref	0x2
#define GNTST_okay		0
#define GNTST_general_error	(-1)
#define GNTST_bad_domain	(-2)
#define GNTST_bad_gntref	(-3)

/* --- gntalloc --- */

struct ga_alloc_gref {
	uint16_t domid;
	uint16_t flags;
	uint32_t count;
	uint64_t index;
	uint32_t gref_ids[1];
};

struct ga_dealloc_gref {
	uint64_t index;
	uint32_t count;
};

#define GNTALLOC_FLAG_WRITABLE	1

#define GA_ALLOC_GREF \
	_IOC(_IOC_NONE, 'G', 5, sizeof(struct ga_alloc_gref))
#define GA_DEALLOC_GREF \
	_IOC(_IOC_NONE, 'G', 6, sizeof(struct ga_dealloc_gref))
/* Same number and layout as gntdev's. */
#define GA_SET_UNMAP_NOTIFY	GD_SET_UNMAP_NOTIFY

_Static_assert(GA_ALLOC_GREF == 0x00184705, "ABI");
_Static_assert(GA_DEALLOC_GREF == 0x00104706, "ABI");

/* --- evtchn, for unmap notifications --- */

struct ev_bind_interdomain { unsigned int remote_domain, remote_port; };
struct ev_bind_unbound_port { unsigned int remote_domain; };

#define EV_BIND_INTERDOMAIN \
	_IOC(_IOC_NONE, 'E', 1, sizeof(struct ev_bind_interdomain))
#define EV_BIND_UNBOUND_PORT \
	_IOC(_IOC_NONE, 'E', 2, sizeof(struct ev_bind_unbound_port))

/* --- Xen's domain ids --- */

#define DOM0			0
/* Passes every check of the kernel but names no domain. */
#define ABSENT_DOMID		0x7fe0
/* Beyond any grant table (v1 tables have at most 2^20 entries here). */
#define HUGE_REF		0xfffffff0u

/* How long to wait for something that must come, and for what must not. */
#define ARRIVES_MS		5000
#define STAYS_AWAY_MS		300

static inline size_t gt_page(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static inline void gt_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* A module parameter as a number, or -1 if it cannot be read. */
static inline long gt_module_param(const char *module, const char *param)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", module,
		 param);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* --- thin wrappers: each returns what ioctl() returns --- */

static inline int ga_alloc(int fd, unsigned int domid, bool writable,
			   unsigned int count, uint32_t *refs, uint64_t *index)
{
	size_t size = sizeof(struct ga_alloc_gref) + count * sizeof(uint32_t);
	struct ga_alloc_gref *op = calloc(1, size);
	int rc;

	if (!op)
		return -1;
	op->domid = domid;
	op->flags = writable ? GNTALLOC_FLAG_WRITABLE : 0;
	op->count = count;
	rc = ioctl(fd, GA_ALLOC_GREF, op);
	if (!rc) {
		if (refs)
			memcpy(refs, op->gref_ids, count * sizeof(uint32_t));
		if (index)
			*index = op->index;
	}
	free(op);
	return rc;
}

static inline int ga_dealloc(int fd, uint64_t index, unsigned int count)
{
	struct ga_dealloc_gref op = { .index = index, .count = count };

	return ioctl(fd, GA_DEALLOC_GREF, &op);
}

/* Either device's SET_UNMAP_NOTIFY: same number, same layout. */
static inline int gt_notify(int fd, uint64_t index, unsigned int action,
			    unsigned int port)
{
	struct gd_unmap_notify op = {
		.index = index,
		.action = action,
		.port = port,
	};

	return ioctl(fd, GD_SET_UNMAP_NOTIFY, &op);
}

/* Map @count grants of @domid; refs[i] is the i-th reference. */
static inline int gd_map(int fd, unsigned int domid, unsigned int count,
			 const uint32_t *refs, uint64_t *index)
{
	size_t size = sizeof(struct gd_map_grant_ref) +
		      count * sizeof(struct gd_grant_ref);
	struct gd_map_grant_ref *op = calloc(1, size);
	unsigned int i;
	int rc;

	if (!op)
		return -1;
	op->count = count;
	for (i = 0; i < count; i++) {
		op->refs[i].domid = domid;
		op->refs[i].ref = refs[i];
	}
	rc = ioctl(fd, GD_MAP_GRANT_REF, op);
	if (!rc && index)
		*index = op->index;
	free(op);
	return rc;
}

static inline int gd_unmap(int fd, uint64_t index, unsigned int count)
{
	struct gd_unmap_grant_ref op = { .index = index, .count = count };

	return ioctl(fd, GD_UNMAP_GRANT_REF, &op);
}

static inline int gd_get_offset(int fd, const void *vaddr, uint64_t *offset,
				uint32_t *count)
{
	struct gd_get_offset_for_vaddr op = { .vaddr = (uintptr_t)vaddr };
	int rc = ioctl(fd, GD_GET_OFFSET_FOR_VADDR, &op);

	if (!rc) {
		*offset = op.offset;
		*count = op.count;
	}
	return rc;
}

static inline int gd_copy(int fd, struct gd_copy_segment *segs,
			  unsigned int count)
{
	struct gd_grant_copy op = { .count = count, .segments = segs };

	return ioctl(fd, GD_GRANT_COPY, &op);
}

/* mmap() of @pages pages of @fd at @offset; MAP_FAILED and errno. */
static inline void *gt_mmap(int fd, size_t pages, int prot, int flags,
			    uint64_t offset)
{
	return mmap(NULL, pages * gt_page(), prot, flags, fd, (off_t)offset);
}

/* --- event channels: a loopback pair, as in evtchn_test.c --- */

/*
 * File @fa gets port *a, unbound for domain 0; file @fb binds *b to it.
 * Notifying b raises a on @fa; notifications go nowhere else.
 */
static inline int ev_pair(int fa, int fb, unsigned int *a, unsigned int *b)
{
	struct ev_bind_unbound_port ub = { .remote_domain = DOM0 };
	struct ev_bind_interdomain id = { .remote_domain = DOM0 };
	int pa, pb;

	pa = ioctl(fa, EV_BIND_UNBOUND_PORT, &ub);
	if (pa < 0)
		return -1;
	id.remote_port = pa;
	pb = ioctl(fb, EV_BIND_INTERDOMAIN, &id);
	if (pb < 0)
		return -1;
	*a = pa;
	*b = pb;
	return 0;
}

/* The next port that fires on @fd within @ms, or -1. */
static inline int ev_wait(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint32_t port;

	if (poll(&p, 1, ms) != 1 || !(p.revents & POLLIN))
		return -1;
	if (read(fd, &port, sizeof(port)) != sizeof(port))
		return -1;
	return (int)port;
}

#endif /* GRANT_TEST_H */
