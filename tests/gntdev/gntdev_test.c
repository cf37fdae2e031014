// SPDX-License-Identifier: GPL-2.0
/*
 * gntdev_test.c - kselftest for /dev/xen/gntdev (module xen-gntdev).
 *
 * Runs as root in dom0. The same binary must pass against the in-tree
 * xen-gntdev and against xpv's, on both kernels: it checks only what the
 * two share, errno for errno (drivers/xen/gntdev.c is the reference).
 *
 * The grants come from /dev/xen/gntalloc, granted to dom0 itself: Xen lets
 * a domain map and copy grants it made to itself, so dom0 alone can play
 * both sides, and what one mapping writes the other reads. Unmap
 * notifications arrive on an event-channel loopback pair (as in
 * evtchn_test.c): the SEND_EVENT event comes only once a map is torn down
 * and its grants unmapped, so it doubles as a leak check per map. The last
 * test checks the whole: every page granted above can be revoked again.
 *
 * With XPV_PEER_DOMID set, a PV domU is running, and one test maps and
 * copies the grants its toolstack made (its xenstore page).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "xpv_test.h"
#include "grant_test.h"

/* Linux's reserved grant references (include/xen/grant_table.h). */
#define GNTTAB_RESERVED_XENSTORE	1
/* Reserved too, and never granted by a Linux guest. */
#define GNTTAB_RESERVED_UNUSED		7

/* Where xenstored's feature word is in the xenstore ring page. */
#define XS_SERVER_FEATURES_OFFSET	2064

/* A user pointer the kernel must refuse (hidden from the compiler). */
static void *volatile unmapped;

#define MAX_SHARE	8

/* Pages gntalloc granted to dom0, and the allocator's own mapping. */
struct share {
	int ga;
	unsigned int count;
	uint32_t refs[MAX_SHARE];
	uint64_t index;
	uint8_t *local;
};

static void share_make(struct __test_metadata *_metadata, struct share *s,
		       int ga, unsigned int count, bool writable)
{
	ASSERT_GE(MAX_SHARE, (int)count);
	s->ga = ga;
	s->count = count;
	ASSERT_EQ(0, ga_alloc(ga, DOM0, writable, count, s->refs, &s->index))
		TH_LOG("ALLOC_GREF: %s", strerror(errno));
	/* The allocator may write a read-only grant: the page is its own. */
	s->local = gt_mmap(ga, count, PROT_READ | PROT_WRITE, MAP_SHARED,
			   s->index);
	ASSERT_NE(MAP_FAILED, s->local) TH_LOG("gntalloc mmap: %s",
					       strerror(errno));
}

static void share_drop(struct __test_metadata *_metadata, struct share *s)
{
	EXPECT_EQ(0, munmap(s->local, s->count * gt_page()));
	EXPECT_EQ(0, ga_dealloc(s->ga, s->index, s->count));
}

/* gntdev mmap of a whole map, reporting errno on failure. */
static uint8_t *map_pages(struct __test_metadata *_metadata, int gd,
			  uint64_t index, unsigned int count, int prot)
{
	uint8_t *p = gt_mmap(gd, count, prot, MAP_SHARED, index);

	EXPECT_NE(MAP_FAILED, p) TH_LOG("gntdev mmap: %s", strerror(errno));
	return p;
}

static sigjmp_buf segv_jmp;

static void segv_handler(int sig)
{
	siglongjmp(segv_jmp, 1);
}

/* Does writing to @p fault? */
static bool write_faults(volatile uint8_t *p)
{
	struct sigaction sa = { .sa_handler = segv_handler }, old;
	volatile bool faulted = false;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(segv_jmp, 1) == 0)
		*p = 1;
	else
		faulted = true;
	sigaction(SIGSEGV, &old, NULL);
	return faulted;
}

static int evtchn_notify(int fd, unsigned int port)
{
	struct { unsigned int port; } op = { port };

	return ioctl(fd, _IOC(_IOC_NONE, 'E', 4, sizeof(op)), &op);
}

/* XSA-468's lesson: device nodes are part of the security boundary. */
TEST(device_node_is_root_only)
{
	XPV_EXPECT_ROOT_ONLY_NODE(_metadata, GNTDEV_DEV);
}

/* --- mapping --- */

TEST(map_write_read_both_ways)
{
	int ga = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	int gd = XPV_OPEN_OR_SKIP(_metadata, GNTDEV_DEV, O_RDWR);
	size_t page = gt_page();
	uint64_t index = 1, offset = 1;
	uint32_t count = 0;
	struct share s;
	uint8_t *m;
	int i;

	share_make(_metadata, &s, ga, 4, true);
	for (i = 0; i < 4; i++)
		memset(s.local + i * page, 0x20 + i, page);

	ASSERT_EQ(0, gd_map(gd, DOM0, 4, s.refs, &index));
	/* The first map of a file is at offset 0 (user space relies on it). */
	EXPECT_EQ(0u, index);
	m = map_pages(_metadata, gd, index, 4, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, m);

	EXPECT_EQ(0, memcmp(m, s.local, 4 * page));
	for (i = 0; i < 4; i++) {
		m[i * page + 7] = 0xe0 + i;
		EXPECT_EQ(0xe0 + i, s.local[i * page + 7]);
		s.local[i * page + 8] = 0xd0 + i;
		EXPECT_EQ(0xd0 + i, m[i * page + 8]);
	}

	/* Any address inside the mapping gives the map's offset and size. */
	EXPECT_EQ(0, gd_get_offset(gd, m + 2 * page + 5, &offset, &count));
	EXPECT_EQ(index, offset);
	EXPECT_EQ(4u, count);

	EXPECT_EQ(0, munmap(m, 4 * page));
	EXPECT_EQ(0, gd_unmap(gd, index, 4));
	EXPECT_EQ(-1, gd_unmap(gd, index, 4));
	EXPECT_EQ(ENOENT, errno);
	share_drop(_metadata, &s);
}

TEST(map_offsets)
{
	int ga = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	int gd = XPV_OPEN_OR_SKIP(_metadata, GNTDEV_DEV, O_RDWR);
	uint64_t page = gt_page(), i1 = 1, i2 = 1, i3 = 1, i4 = 1;
	struct share s;

	share_make(_metadata, &s, ga, 3, true);

	/* Reserving offsets maps nothing yet: the same grants will do. */
	ASSERT_EQ(0, gd_map(gd, DOM0, 2, s.refs, &i1));
	ASSERT_EQ(0, gd_map(gd, DOM0, 3, s.refs, &i2));
	ASSERT_EQ(0, gd_map(gd, DOM0, 1, s.refs, &i3));
	EXPECT_EQ(0u, i1);
	EXPECT_EQ(2 * page, i2);
	EXPECT_EQ(5 * page, i3);

	EXPECT_EQ(0, gd_unmap(gd, i2, 3));
	EXPECT_EQ(0, gd_unmap(gd, i1, 0));	/* count 0: whatever size */
	EXPECT_EQ(0, gd_unmap(gd, i3, 1));
	/* An empty file starts at 0 again. */
	ASSERT_EQ(0, gd_map(gd, DOM0, 2, s.refs, &i4));
	EXPECT_EQ(0u, i4);
	EXPECT_EQ(0, gd_unmap(gd, i4, 2));
	share_drop(_metadata, &s);
}

TEST(map_errors)
{
	int gd = XPV_OPEN_OR_SKIP(_metadata, GNTDEV_DEV, O_RDWR);
	long limit = gt_module_param("xen_gntdev", "limit");
	struct gd_map_grant_ref op = { 0 }, *edge;
	size_t page = gt_page();
	uint64_t index = 1;
	uint32_t ref = 0;
	uint8_t *p;

	op.count = 0;
	EXPECT_EQ(-1, ioctl(gd, GD_MAP_GRANT_REF, &op));
	EXPECT_EQ(EINVAL, errno);
	op.count = 0xffffffffu;
	EXPECT_EQ(-1, ioctl(gd, GD_MAP_GRANT_REF, &op));
	EXPECT_EQ(EINVAL, errno);
	if (limit >= 0 && limit < 0xffffffffl) {
		op.count = limit + 1;
		EXPECT_EQ(-1, ioctl(gd, GD_MAP_GRANT_REF, &op));
		EXPECT_EQ(EINVAL, errno);
	}
	EXPECT_EQ(-1, ioctl(gd, GD_MAP_GRANT_REF, NULL));
	EXPECT_EQ(EFAULT, errno);

	/* Two refs announced, the second beyond readable memory. */
	p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, mprotect(p + page, page, PROT_NONE));
	edge = (struct gd_map_grant_ref *)(p + page - sizeof(*edge));
	edge->count = 2;
	EXPECT_EQ(-1, ioctl(gd, GD_MAP_GRANT_REF, edge));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, munmap(p, 2 * page));

	/* None of the failures used an offset. */
	ASSERT_EQ(0, gd_map(gd, DOM0, 1, &ref, &index));
	EXPECT_EQ(0u, index);
}

TEST(unmap_errors)
{
	int gd = XPV_OPEN_OR_SKIP(_metadata, GNTDEV_DEV, O_RDWR);
	uint32_t refs[2] = { 0, 0 };
	uint64_t page = gt_page(), index = 1;

	ASSERT_EQ(0, gd_map(gd, DOM0, 2, refs, &index));
	ASSERT_EQ(0u, index);

	EXPECT_EQ(-1, gd_unmap(gd, 5 * page, 0));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, gd_unmap(gd, 0, 1));	/* the wrong size */
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, gd_unmap(gd, page, 1));	/* not its start */
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, ioctl(gd, GD_UNMAP_GRANT_REF, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, gd_unmap(gd, 0, 2));
	EXPECT_EQ(-1, gd_unmap(gd, 0, 2));
	EXPECT_EQ(ENOENT, errno);
}

TEST(mmap_errors)
{
	int ga = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	int gd = XPV_OPEN_OR_SKIP(_metadata, GNTDEV_DEV, O_RDWR);
	uint64_t page = gt_page(), index = 1;
	struct share s;
	uint8_t *m;

	share_make(_metadata, &s, ga, 2, true);
	ASSERT_EQ(0, gd_map(gd, DOM0, 2, s.refs, &index));

	/* Exactly one map's offset and size, or -EINVAL; nothing claimed. */
	EXPECT_EQ(MAP_FAILED, gt_mmap(gd, 1, PROT_READ, MAP_SHARED, index));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, gt_mmap(gd, 3, PROT_READ, MAP_SHARED, index));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED,
		  gt_mmap(gd, 2, PROT_READ, MAP_SHARED, index + page));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED,
		  gt_mmap(gd, 2, PROT_READ, MAP_SHARED, index + 8 * page));
	EXPECT_EQ(EINVAL, errno);
	/* Writable and private: Xen's page cannot be copied on write. */
	EXPECT_EQ(MAP_FAILED, gt_mmap(gd, 2, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE, index));
	EXPECT_EQ(EINVAL, errno);

	m = map_pages(_metadata, gd, index, 2, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, m);

	/* A map is mmap()ed once, even after munmap(). */
	EXPECT_EQ(MAP_FAILED, gt_mmap(gd, 2, PROT_READ, MAP_SHARED, index));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, munmap(m, 2 * page));
	EXPECT_EQ(MAP_FAILED, gt_mmap(gd, 2, PROT_READ, MAP_SHARED, index));
	EXPECT_EQ(EINVAL, errno);

	EXPECT_EQ(0, gd_unmap(gd, index, 2));
	share_drop(_metadata, &s);
}

/* UNMAP_GRANT_REF of a mapped map: the mapping keeps it until munmap(). */
TEST(unmap_ioctl_while_mapped)
{
	int ga = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	int gd = XPV_OPEN_OR_SKIP(_metadata, GNTDEV_DEV, O_RDWR);
	uint64_t page = gt_page(), index = 1, offset = 1, again = 1;
	uint32_t count = 0;
	struct share s;
	uint8_t *m;

	share_make(_metadata, &s, ga, 1, true);
	ASSERT_EQ(0, gd_map(gd, DOM0, 1, s.refs, &index));
	m = map_pages(_metadata, gd, index, 1, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, m);

	ASSERT_EQ(0, gd_unmap(gd, index, 1));
	m[3] = 0x7e;
	EXPECT_EQ(0x7e, s.local[3]);
	s.local[4] = 0x11;
	EXPECT_EQ(0x11, m[4]);
	EXPECT_EQ(0, gd_get_offset(gd, m, &offset, &count));
	EXPECT_EQ(index, offset);
	EXPECT_EQ(1u, count);

	EXPECT_EQ(0, munmap(m, page));
	EXPECT_EQ(-1, gd_get_offset(gd, m, &offset, &count));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, gt_mmap(gd, 1, PROT_READ, MAP_SHARED, index));
	EXPECT_EQ(EINVAL, errno);
	/* Its offsets are free again. */
	ASSERT_EQ(0, gd_map(gd, DOM0, 1, s.refs, &again));
	EXPECT_EQ(index, again);
	share_drop(_metadata, &s);
}

TEST(get_offset_errors)
{
	int ga = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	int gd = XPV_OPEN_OR_SKIP(_metadata, GNTDEV_DEV, O_RDWR);
	uint64_t offset = 1;
	uint32_t count = 1;
	struct share s;
	int on_stack = 0;

	share_make(_metadata, &s, ga, 1, true);

	EXPECT_EQ(-1, gd_get_offset(gd, &on_stack, &offset, &count));
	EXPECT_EQ(EINVAL, errno);
	/* A gntalloc mapping is not a gntdev one. */
	EXPECT_EQ(-1, gd_get_offset(gd, s.local, &offset, &count));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, gd_get_offset(gd, NULL, &offset, &count));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(gd, GD_GET_OFFSET_FOR_VADDR, NULL));
	EXPECT_EQ(EFAULT, errno);
	share_drop(_metadata, &s);
}

/* XSA-396: the page a domain still maps is not freed under it. */
TEST(mapping_survives_gntalloc_dealloc)
{
	int ga = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	int gd = XPV_OPEN_OR_SKIP(_metadata, GNTDEV_DEV, O_RDWR);
	size_t page = gt_page();
	uint64_t index = 1;
	struct share s;
	uint8_t *m;

	share_make(_metadata, &s, ga, 1, true);
	memset(s.local, 0x6c, page);
	ASSERT_EQ(0, gd_map(gd, DOM0, 1, s.refs, &index));
	m = map_pages(_metadata, gd, index, 1, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, m);

	share_drop(_metadata, &s);
	EXPECT_EQ(0x6c, m[0]);
	EXPECT_EQ(0x6c, m[page - 1]);
	m[1] = 0x6d;
	EXPECT_EQ(0x6d, m[1]);

	EXPECT_EQ(0, munmap(m, page));
	EXPECT_EQ(0, gd_unmap(gd, index, 1));
}

/*
 * A read-only grant: a writable mapping is refused by Xen, so the mmap()
 * fails (-EINVAL) and the map cannot be mmap()ed again; a fresh map of it
 * mapped read-only works, and cannot be written, nor asked to clear a byte.
 */
TEST(readonly_grant_maps_readonly_only)
{
	int ga = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	int gd = XPV_OPEN_OR_SKIP(_metadata, GNTDEV_DEV, O_RDWR);
	uint64_t index = 1, index2 = 1;
	size_t page = gt_page();
	struct share s;
	uint8_t *m;

	share_make(_metadata, &s, ga, 1, false);
	s.local[0] = 0x33;

	ASSERT_EQ(0, gd_map(gd, DOM0, 1, s.refs, &index));
	EXPECT_EQ(MAP_FAILED, gt_mmap(gd, 1, PROT_READ | PROT_WRITE,
				      MAP_SHARED, index));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, gt_mmap(gd, 1, PROT_READ, MAP_SHARED, index));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, gd_unmap(gd, index, 1));

	ASSERT_EQ(0, gd_map(gd, DOM0, 1, s.refs, &index2));
	m = map_pages(_metadata, gd, index2, 1, PROT_READ);
	ASSERT_NE(MAP_FAILED, m);
	EXPECT_EQ(0x33, m[0]);
	s.local[1] = 0x44;
	EXPECT_EQ(0x44, m[1]);
	EXPECT_TRUE(write_faults(m + 2));
	EXPECT_EQ(0, s.local[2]);

	EXPECT_EQ(-1, gt_notify(gd, index2, UNMAP_NOTIFY_CLEAR_BYTE, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, gt_notify(gd, index2, 0, 0));

	EXPECT_EQ(0, munmap(m, page));
	EXPECT_EQ(0, gd_unmap(gd, index2, 1));
	share_drop(_metadata, &s);
}

/*
 * XSA-361: a batch mixing good and bad grants fails as a whole, and what
 * Xen did map of it is unmapped again: the map's teardown completes (its
 * SEND_EVENT arrives) and the good grants map afresh.
 */
TEST(batch_with_bad_grants_fails_and_cleans_up)
{
	int ga = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	int gd = XPV_OPEN_OR_SKIP(_metadata, GNTDEV_DEV, O_RDWR);
	int fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	int fb = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	unsigned long taint = xpv_taint();
	uint64_t index = 1, elsewhere_index = 1;
	uint32_t batch[3], elsewhere;
	size_t page = gt_page();
	unsigned int a, b, round;
	struct share s;
	uint8_t *m;

	ASSERT_EQ(0, ev_pair(fa, fb, &a, &b)) TH_LOG("%s", strerror(errno));
	share_make(_metadata, &s, ga, 2, true);
	s.local[0] = 0x01;
	s.local[page] = 0x02;
	/* A grant dom0 made to another domain: dom0 may not map it. */
	ASSERT_EQ(0, ga_alloc(ga, ABSENT_DOMID, true, 1, &elsewhere,
			      &elsewhere_index));

	for (round = 0; round < 2; round++) {
		batch[0] = s.refs[0];
		batch[1] = round ? elsewhere : HUGE_REF;
		batch[2] = s.refs[1];
		ASSERT_EQ(0, gd_map(gd, DOM0, 3, batch, &index));
		ASSERT_EQ(0, gt_notify(gd, index, UNMAP_NOTIFY_SEND_EVENT, b));
		EXPECT_EQ(MAP_FAILED, gt_mmap(gd, 3, PROT_READ | PROT_WRITE,
					      MAP_SHARED, index));
		EXPECT_EQ(EINVAL, errno) TH_LOG("round %u", round);
		EXPECT_EQ(-1, ev_wait(fa, 0));
		ASSERT_EQ(0, gd_unmap(gd, index, 3));
		EXPECT_EQ((int)a, ev_wait(fa, ARRIVES_MS)) TH_LOG("round %u",
								  round);
		ASSERT_EQ((ssize_t)sizeof(a), write(fa, &a, sizeof(a)));
	}

	ASSERT_EQ(0, gd_map(gd, DOM0, 2, s.refs, &index));
	m = map_pages(_metadata, gd, index, 2, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, m);
	EXPECT_EQ(0x01, m[0]);
	EXPECT_EQ(0x02, m[page]);
	EXPECT_EQ(0, munmap(m, 2 * page));
	EXPECT_EQ(0, gd_unmap(gd, index, 2));

	EXPECT_EQ(0, ga_dealloc(ga, elsewhere_index, 1));
	share_drop(_metadata, &s);
	EXPECT_EQ(0ul, xpv_taint() & ~taint & XPV_TAINT_BAD);
}

/* --- GRANT_COPY --- */

TEST(grant_copy_both_directions)
{
	int ga = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	int gd = XPV_OPEN_OR_SKIP(_metadata, GNTDEV_DEV, O_RDWR);
	struct gd_copy_segment seg[40];
	size_t page = gt_page(), i;
	uint8_t *buf, *out, *want0, *want1;
	struct share s;

	share_make(_metadata, &s, ga, 2, true);
	buf = aligned_alloc(page, 2 * page);
	out = aligned_alloc(page, page);
	want0 = malloc(page);
	want1 = malloc(page);
	ASSERT_TRUE(buf && out && want0 && want1);
	for (i = 0; i < 2 * page; i++)
		buf[i] = i * 7 + 3;
	for (i = 0; i < page; i++)
		s.local[page + i] = i * 13 + 1;
	memset(out, 0, page);
	memcpy(want0, s.local, page);
	memcpy(want1, s.local + page, page);

	memset(seg, 0, sizeof(seg));
	/* Local to grant. */
	seg[0].source.virt = buf;
	seg[0].dest.foreign.ref = s.refs[0];
	seg[0].dest.foreign.domid = DOM0;
	seg[0].dest.foreign.offset = 100;
	seg[0].len = 200;
	seg[0].flags = GNTCOPY_dest_gref;
	memcpy(want0 + 100, buf, 200);
	/* Grant to local, a whole page. */
	seg[1].source.foreign.ref = s.refs[1];
	seg[1].source.foreign.domid = DOM0;
	seg[1].dest.virt = out;
	seg[1].len = page;
	seg[1].flags = GNTCOPY_source_gref;
	/* A local buffer across a page boundary: two ops. */
	seg[2].source.virt = buf + page - 100;
	seg[2].dest.foreign.ref = s.refs[0];
	seg[2].dest.foreign.domid = DOM0;
	seg[2].dest.foreign.offset = 1000;
	seg[2].len = 300;
	seg[2].flags = GNTCOPY_dest_gref;
	memcpy(want0 + 1000, buf + page - 100, 300);
	/* Grant to grant, after the writes above (ops run in order). */
	seg[3].source.foreign.ref = s.refs[0];
	seg[3].source.foreign.domid = DOM0;
	seg[3].dest.foreign.ref = s.refs[1];
	seg[3].dest.foreign.domid = DOM0;
	seg[3].dest.foreign.offset = 2048;
	seg[3].len = 512;
	seg[3].flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
	memcpy(want1 + 2048, want0, 512);
	for (i = 0; i < 4; i++)
		seg[i].status = 0x55;

	ASSERT_EQ(0, gd_copy(gd, seg, 4)) TH_LOG("%s", strerror(errno));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(GNTST_okay, seg[i].status) TH_LOG("segment %zu", i);
	EXPECT_EQ(0, memcmp(out, s.local + page, 2048));
	EXPECT_EQ(0, memcmp(want0, s.local, page));
	EXPECT_EQ(0, memcmp(want1, s.local + page, page));

	/* More segments than one batch of ops (16). */
	memset(seg, 0, sizeof(seg));
	for (i = 0; i < 40; i++) {
		seg[i].source.virt = buf + i * 64;
		seg[i].dest.foreign.ref = s.refs[1];
		seg[i].dest.foreign.domid = DOM0;
		seg[i].dest.foreign.offset = i * 64;
		seg[i].len = 64;
		seg[i].flags = GNTCOPY_dest_gref;
		seg[i].status = 0x55;
	}
	ASSERT_EQ(0, gd_copy(gd, seg, 40));
	for (i = 0; i < 40; i++)
		EXPECT_EQ(GNTST_okay, seg[i].status) TH_LOG("segment %zu", i);
	EXPECT_EQ(0, memcmp(buf, s.local + page, 40 * 64));

	free(buf);
	free(out);
	free(want0);
	free(want1);
	share_drop(_metadata, &s);
}

/* Each segment reports Xen's own status; the good ones still copy. */
TEST(grant_copy_per_segment_status)
{
	int ga = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	int gd = XPV_OPEN_OR_SKIP(_metadata, GNTDEV_DEV, O_RDWR);
	static const int16_t want[7] = {
		GNTST_okay, GNTST_bad_gntref, GNTST_bad_domain,
		GNTST_general_error, GNTST_general_error, GNTST_okay,
		GNTST_okay,
	};
	uint64_t elsewhere_index = 1;
	struct gd_copy_segment seg[7];
	uint8_t buf[64], out[128];
	uint32_t elsewhere;
	struct share rw, ro;
	int i;

	share_make(_metadata, &rw, ga, 1, true);
	share_make(_metadata, &ro, ga, 1, false);
	ASSERT_EQ(0, ga_alloc(ga, ABSENT_DOMID, true, 1, &elsewhere,
			      &elsewhere_index));
	for (i = 0; i < 64; i++) {
		buf[i] = 0x80 + i;
		ro.local[i] = 0x40 + i;
	}
	memset(out, 0, sizeof(out));

	memset(seg, 0, sizeof(seg));
	for (i = 0; i < 7; i++) {
		seg[i].len = 16;
		seg[i].status = 0x55;
	}
	/* 0: good. */
	seg[0].source.virt = buf;
	seg[0].dest.foreign.ref = rw.refs[0];
	seg[0].flags = GNTCOPY_dest_gref;
	/* 1: no such grant reference. */
	seg[1].source.virt = buf;
	seg[1].dest.foreign.ref = HUGE_REF;
	seg[1].flags = GNTCOPY_dest_gref;
	/* 2: no such domain. */
	seg[2].source.virt = buf;
	seg[2].dest.foreign.ref = rw.refs[0];
	seg[2].dest.foreign.domid = ABSENT_DOMID;
	seg[2].flags = GNTCOPY_dest_gref;
	/* 3: granted to another domain. */
	seg[3].source.foreign.ref = elsewhere;
	seg[3].dest.virt = out;
	seg[3].flags = GNTCOPY_source_gref;
	/* 4: writing to a read-only grant. */
	seg[4].source.virt = buf;
	seg[4].dest.foreign.ref = ro.refs[0];
	seg[4].flags = GNTCOPY_dest_gref;
	/* 5: reading it is fine. */
	seg[5].source.foreign.ref = ro.refs[0];
	seg[5].dest.virt = out + 64;
	seg[5].flags = GNTCOPY_source_gref;
	/* 6: good, after all the bad ones. */
	seg[6].source.virt = buf + 16;
	seg[6].dest.foreign.ref = rw.refs[0];
	seg[6].dest.foreign.offset = 16;
	seg[6].flags = GNTCOPY_dest_gref;

	ASSERT_EQ(0, gd_copy(gd, seg, 7)) TH_LOG("%s", strerror(errno));
	for (i = 0; i < 7; i++)
		EXPECT_EQ(want[i], seg[i].status) TH_LOG("segment %d", i);
	EXPECT_EQ(0, memcmp(rw.local, buf, 32));
	EXPECT_EQ(0, memcmp(out + 64, ro.local, 16));
	EXPECT_EQ(0, out[0]);
	EXPECT_EQ(0x40, ro.local[0]);

	EXPECT_EQ(0, ga_dealloc(ga, elsewhere_index, 1));
	share_drop(_metadata, &ro);
	share_drop(_metadata, &rw);
}

TEST(grant_copy_errors)
{
	int ga = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	int gd = XPV_OPEN_OR_SKIP(_metadata, GNTDEV_DEV, O_RDWR);
	struct gd_copy_segment seg;
	uint8_t buf[64] = { 0 }, *ro;
	size_t page = gt_page();
	struct share s;

	share_make(_metadata, &s, ga, 1, true);

	EXPECT_EQ(0, gd_copy(gd, NULL, 0));
	EXPECT_EQ(-1, ioctl(gd, GD_GRANT_COPY, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, gd_copy(gd, NULL, 1));
	EXPECT_EQ(EFAULT, errno);

	/* Malformed segments fail the ioctl, status untouched. */
	memset(&seg, 0, sizeof(seg));
	seg.source.virt = buf;
	seg.dest.virt = buf + 32;
	seg.len = 16;
	seg.status = 0x55;
	EXPECT_EQ(-1, gd_copy(gd, &seg, 1));		/* local to local */
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0x55, seg.status);

	memset(&seg, 0, sizeof(seg));
	seg.source.virt = buf;
	seg.dest.foreign.ref = s.refs[0];
	seg.flags = GNTCOPY_dest_gref;
	seg.status = 0x55;
	seg.dest.foreign.offset = page - 100;
	seg.len = 200;				/* crosses the grant's page */
	EXPECT_EQ(-1, gd_copy(gd, &seg, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0x55, seg.status);
	seg.dest.foreign.offset = 0;
	seg.len = page + 1;			/* longer than a page */
	EXPECT_EQ(-1, gd_copy(gd, &seg, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0x55, seg.status);

	memset(&seg, 0, sizeof(seg));
	seg.source.foreign.ref = s.refs[0];
	seg.source.foreign.offset = page - 1;
	seg.dest.virt = buf;
	seg.len = 2;
	seg.flags = GNTCOPY_source_gref;
	EXPECT_EQ(-1, gd_copy(gd, &seg, 1));
	EXPECT_EQ(EINVAL, errno);

	/* Local memory that cannot be written, or is not there. */
	ro = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	seg.source.foreign.offset = 0;
	seg.dest.virt = ro;
	EXPECT_EQ(-1, gd_copy(gd, &seg, 1));
	EXPECT_EQ(EFAULT, errno);
	memset(&seg, 0, sizeof(seg));
	seg.source.virt = unmapped;
	seg.dest.foreign.ref = s.refs[0];
	seg.len = 2;
	seg.flags = GNTCOPY_dest_gref;
	EXPECT_EQ(-1, gd_copy(gd, &seg, 1));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, munmap(ro, page));

	share_drop(_metadata, &s);
}

/* --- unmap notification --- */

TEST(unmap_notify_errors)
{
	int gd = XPV_OPEN_OR_SKIP(_metadata, GNTDEV_DEV, O_RDWR);
	uint64_t page = gt_page(), index = 1;
	uint32_t ref = 0;

	ASSERT_EQ(0, gd_map(gd, DOM0, 1, &ref, &index));

	EXPECT_EQ(-1, ioctl(gd, GD_SET_UNMAP_NOTIFY, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, gt_notify(gd, index, 4, 0));
	EXPECT_EQ(EINVAL, errno);
	/* Port 0 is never bound: the core has no reference to give. */
	EXPECT_EQ(-1, gt_notify(gd, index, UNMAP_NOTIFY_SEND_EVENT, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, gt_notify(gd, index + page, UNMAP_NOTIFY_CLEAR_BYTE, 0));
	EXPECT_EQ(ENOENT, errno);
	/* gntdev checks the action and the port before the offset. */
	EXPECT_EQ(-1, gt_notify(gd, index + page, 4, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, gt_notify(gd, index + page, UNMAP_NOTIFY_SEND_EVENT, 0));
	EXPECT_EQ(EINVAL, errno);

	/* Before mmap() any byte of the map may be asked for. */
	EXPECT_EQ(0, gt_notify(gd, index + 10, UNMAP_NOTIFY_CLEAR_BYTE, 0));
	EXPECT_EQ(0, gt_notify(gd, index, 0, 0));
	EXPECT_EQ(0, gd_unmap(gd, index, 1));
}

/*
 * The byte is cleared once the mapping is gone, the event is sent once the
 * map is: munmap() alone sends nothing while the map is still reserved.
 */
TEST(notify_on_munmap_then_unmap)
{
	int ga = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	int gd = XPV_OPEN_OR_SKIP(_metadata, GNTDEV_DEV, O_RDWR);
	int fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	int fb = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	unsigned long taint = xpv_taint();
	uint64_t index = 1;
	unsigned int a, b;
	struct share s;
	uint8_t *m;

	ASSERT_EQ(0, ev_pair(fa, fb, &a, &b)) TH_LOG("%s", strerror(errno));
	share_make(_metadata, &s, ga, 1, true);
	s.local[300] = 0x99;
	s.local[301] = 0x98;

	ASSERT_EQ(0, gd_map(gd, DOM0, 1, s.refs, &index));
	m = map_pages(_metadata, gd, index, 1, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, m);
	ASSERT_EQ(0, gt_notify(gd, index + 300,
			       UNMAP_NOTIFY_CLEAR_BYTE | UNMAP_NOTIFY_SEND_EVENT,
			       b));
	EXPECT_EQ(0x99, m[300]);

	ASSERT_EQ(0, munmap(m, gt_page()));
	EXPECT_EQ(-1, ev_wait(fa, STAYS_AWAY_MS));
	ASSERT_EQ(0, gd_unmap(gd, index, 1));
	EXPECT_EQ((int)a, ev_wait(fa, ARRIVES_MS));
	EXPECT_EQ(0, s.local[300]);
	EXPECT_EQ(0x98, s.local[301]);

	share_drop(_metadata, &s);
	EXPECT_EQ(0ul, xpv_taint() & ~taint & XPV_TAINT_BAD);
}

/* The mapping process is killed: its mappings and file go, and notify. */
TEST(notify_on_process_death)
{
	int ga = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	int fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	int fb = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	unsigned long taint = xpv_taint();
	struct pollfd pfd;
	unsigned int a, b;
	struct share s;
	int pipefd[2], status;
	char said = 0;
	pid_t pid;

	ASSERT_EQ(0, ev_pair(fa, fb, &a, &b)) TH_LOG("%s", strerror(errno));
	share_make(_metadata, &s, ga, 1, true);
	s.local[100] = 0xaa;
	ASSERT_EQ(0, pipe(pipefd));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int gd = open(GNTDEV_DEV, O_RDWR);
		uint64_t index;
		uint8_t *m;
		char c = 'e';

		if (gd >= 0 && !gd_map(gd, DOM0, 1, s.refs, &index)) {
			m = gt_mmap(gd, 1, PROT_READ | PROT_WRITE, MAP_SHARED,
				    index);
			if (m != MAP_FAILED &&
			    !gt_notify(gd, index + 100,
				       UNMAP_NOTIFY_CLEAR_BYTE |
				       UNMAP_NOTIFY_SEND_EVENT, b)) {
				m[200] = 0xcc;
				c = 'x';
			}
		}
		if (write(pipefd[1], &c, 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}

	pfd = (struct pollfd){ .fd = pipefd[0], .events = POLLIN };
	ASSERT_EQ(1, poll(&pfd, 1, 10000));
	ASSERT_EQ(1, read(pipefd[0], &said, 1));
	EXPECT_EQ('x', said);
	EXPECT_EQ(0xcc, s.local[200]);
	EXPECT_EQ(0xaa, s.local[100]);
	EXPECT_EQ(-1, ev_wait(fa, STAYS_AWAY_MS));

	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));

	EXPECT_EQ((int)a, ev_wait(fa, ARRIVES_MS));
	EXPECT_EQ(0, s.local[100]);
	EXPECT_EQ(0xcc, s.local[200]);

	share_drop(_metadata, &s);
	EXPECT_EQ(0ul, xpv_taint() & ~taint & XPV_TAINT_BAD);
}

/* Re-arming with the same port, or dropping the event, keeps it bound. */
TEST(notify_rearm_keeps_the_port)
{
	int gd = XPV_OPEN_OR_SKIP(_metadata, GNTDEV_DEV, O_RDWR);
	int fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	int fb = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	unsigned long taint = xpv_taint();
	uint64_t index = 1;
	unsigned int a, b;
	uint32_t ref = 0;

	ASSERT_EQ(0, ev_pair(fa, fb, &a, &b)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, gd_map(gd, DOM0, 1, &ref, &index));

	ASSERT_EQ(0, gt_notify(gd, index, UNMAP_NOTIFY_SEND_EVENT, b));
	ASSERT_EQ(0, gt_notify(gd, index, UNMAP_NOTIFY_SEND_EVENT, b));
	ASSERT_EQ(0, gt_notify(gd, index, UNMAP_NOTIFY_CLEAR_BYTE, 0));
	ASSERT_EQ(0, gt_notify(gd, index, UNMAP_NOTIFY_SEND_EVENT, b));

	ASSERT_EQ(0, gd_unmap(gd, index, 1));
	EXPECT_EQ((int)a, ev_wait(fa, ARRIVES_MS));
	EXPECT_EQ(-1, ev_wait(fa, STAYS_AWAY_MS));

	/* Still bound: written back (re-enabled), it fires again. */
	ASSERT_EQ((ssize_t)sizeof(a), write(fa, &a, sizeof(a)));
	ASSERT_EQ(0, evtchn_notify(fb, b));
	EXPECT_EQ((int)a, ev_wait(fa, ARRIVES_MS));
	EXPECT_EQ(0ul, xpv_taint() & ~taint & XPV_TAINT_BAD);
}

/* A process that exits with everything mapped leaves nothing behind. */
TEST(exit_without_cleanup)
{
	int ga = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	int fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	int fb = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	unsigned int a, b;
	struct share s;
	int status;
	pid_t pid;

	ASSERT_EQ(0, ev_pair(fa, fb, &a, &b)) TH_LOG("%s", strerror(errno));
	share_make(_metadata, &s, ga, 4, true);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int gd = open(GNTDEV_DEV, O_RDWR);
		uint64_t index = 0;
		int i;

		if (gd < 0)
			_exit(1);
		for (i = 0; i < 6; i++) {
			if (gd_map(gd, DOM0, 2, s.refs + (i % 2) * 2, &index))
				_exit(2);
			if (gt_mmap(gd, 2, PROT_READ | PROT_WRITE, MAP_SHARED,
				    index) == MAP_FAILED)
				_exit(3);
		}
		/* One map never mmap()ed, one notifying. */
		if (gd_map(gd, DOM0, 4, s.refs, &index))
			_exit(4);
		if (gt_notify(gd, index, UNMAP_NOTIFY_SEND_EVENT, b))
			_exit(5);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ((int)a, ev_wait(fa, ARRIVES_MS));
	share_drop(_metadata, &s);
}

/* A grant dom0 made to another domain is not dom0's to map or copy. */
TEST(grant_to_another_domain_is_refused)
{
	int ga = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	int gd = XPV_OPEN_OR_SKIP(_metadata, GNTDEV_DEV, O_RDWR);
	int peer = xpv_peer_domid();
	unsigned int domid = peer > 0 ? (unsigned int)peer : ABSENT_DOMID;
	uint64_t ga_index = 1, index = 1;
	struct gd_copy_segment seg;
	uint8_t out[16];
	uint32_t ref;

	ASSERT_EQ(0, ga_alloc(ga, domid, true, 1, &ref, &ga_index));
	ASSERT_EQ(0, gd_map(gd, DOM0, 1, &ref, &index));
	EXPECT_EQ(MAP_FAILED, gt_mmap(gd, 1, PROT_READ, MAP_SHARED, index));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, gd_unmap(gd, index, 1));

	memset(&seg, 0, sizeof(seg));
	seg.source.foreign.ref = ref;
	seg.dest.virt = out;
	seg.len = sizeof(out);
	seg.flags = GNTCOPY_source_gref;
	EXPECT_EQ(0, gd_copy(gd, &seg, 1));
	EXPECT_EQ(GNTST_general_error, seg.status);

	EXPECT_EQ(0, ga_dealloc(ga, ga_index, 1));
}

/* The grants a domU's toolstack made to dom0 work; others are refused. */
TEST(peer_domain_grants)
{
	int peer = xpv_peer_domid();
	int gd = XPV_OPEN_OR_SKIP(_metadata, GNTDEV_DEV, O_RDWR);
	struct gd_copy_segment seg;
	uint32_t ref;
	uint64_t index = 1;
	uint8_t out[8], *m;

	if (peer <= 0)
		SKIP(return, "XPV_PEER_DOMID not set: no peer domU running");

	/* Its xenstore ring, which xenstored maps too: read-only here. */
	ref = GNTTAB_RESERVED_XENSTORE;
	ASSERT_EQ(0, gd_map(gd, peer, 1, &ref, &index));
	m = map_pages(_metadata, gd, index, 1, PROT_READ);
	ASSERT_NE(MAP_FAILED, m);

	memset(&seg, 0, sizeof(seg));
	seg.source.foreign.ref = ref;
	seg.source.foreign.domid = peer;
	seg.source.foreign.offset = XS_SERVER_FEATURES_OFFSET;
	seg.dest.virt = out;
	seg.len = sizeof(out);
	seg.flags = GNTCOPY_source_gref;
	ASSERT_EQ(0, gd_copy(gd, &seg, 1));
	EXPECT_EQ(GNTST_okay, seg.status);
	EXPECT_EQ(0, memcmp(out, m + XS_SERVER_FEATURES_OFFSET, sizeof(out)));
	EXPECT_EQ(0, munmap(m, gt_page()));
	EXPECT_EQ(0, gd_unmap(gd, index, 1));

	/* A reserved reference the guest never granted. */
	ref = GNTTAB_RESERVED_UNUSED;
	ASSERT_EQ(0, gd_map(gd, peer, 1, &ref, &index));
	EXPECT_EQ(MAP_FAILED, gt_mmap(gd, 1, PROT_READ, MAP_SHARED, index));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, gd_unmap(gd, index, 1));
	seg.source.foreign.ref = ref;
	seg.source.foreign.offset = 0;
	seg.status = 0x55;
	ASSERT_EQ(0, gd_copy(gd, &seg, 1));
	EXPECT_EQ(GNTST_general_error, seg.status);
}

TEST(unknown_ioctls_are_enotty)
{
	int gd = XPV_OPEN_OR_SKIP(_metadata, GNTDEV_DEV, O_RDWR);
	struct gd_set_max_grants max = { .count = 128 };
	uint8_t arg[32] = { 0 };

	/* Gone from Linux; libxengnttab takes ENOTTY for success. */
	EXPECT_EQ(-1, ioctl(gd, GD_SET_MAX_GRANTS, &max));
	EXPECT_EQ(ENOTTY, errno);
	/* Debian builds the module without CONFIG_XEN_GNTDEV_DMABUF. */
	EXPECT_EQ(-1, ioctl(gd, GD_DMABUF_EXP_FROM_REFS, arg));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(gd, GD_DMABUF_EXP_WAIT_RELEASED, arg));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(gd, GD_DMABUF_IMP_TO_REFS, arg));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(gd, GD_DMABUF_IMP_RELEASE, arg));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(gd, _IOC(_IOC_NONE, 'G', 0x3f, 0), NULL));
	EXPECT_EQ(ENOTTY, errno);
	/* gntalloc's ALLOC_GREF is not gntdev's. */
	EXPECT_EQ(-1, ioctl(gd, GA_ALLOC_GREF, unmapped));
	EXPECT_EQ(ENOTTY, errno);
}

/*
 * Last: every page granted above can be revoked again, so the whole
 * gntalloc limit can be allocated. With xpv's gntalloc a page stays
 * counted while any domain, here gntdev, maps it, so a grant gntdev
 * leaked fails this; the in-tree gntalloc stops counting it at once.
 */
TEST(all_grants_released)
{
	int ga = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	long limit = gt_module_param("xen_gntalloc", "limit");
	uint64_t index = 1;
	int tries = 0, rc;

	if (limit <= 0 || limit > 16384)
		SKIP(return, "gntalloc limit %ld: not a size to allocate in a test",
		     limit);

	while ((rc = ga_alloc(ga, DOM0, true, limit, NULL, &index)) &&
	       errno == ENOSPC && tries++ < 50)
		gt_sleep_ms(100);
	ASSERT_EQ(0, rc) TH_LOG("allocating the limit (%ld): %s", limit,
				strerror(errno));
	EXPECT_EQ(0, ga_dealloc(ga, index, limit));
}

TEST_HARNESS_MAIN
