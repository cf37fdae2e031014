// SPDX-License-Identifier: GPL-2.0
/*
 * gntalloc_test.c - kselftest for /dev/xen/gntalloc (module xen-gntalloc).
 *
 * Runs as root in dom0. The same binary must pass against the in-tree
 * xen-gntalloc and against xpv's, on both kernels: it checks only what the
 * two share, errno for errno (drivers/xen/gntalloc.c is the reference).
 *
 * Pages are granted to dom0 itself, so that /dev/xen/gntdev can stand in
 * for the other domain where a test needs to look at a page after its
 * allocator let go of it. The last test checks that everything the others
 * allocated was released: the global limit can be reached again.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "xpv_test.h"
#include "grant_test.h"

/* A user pointer the kernel must refuse (hidden from the compiler). */
static void *volatile unmapped;

static int ga_open(void)
{
	return open(GNTALLOC_DEV, O_RDWR | O_CLOEXEC);
}

/* XSA-468's lesson: device nodes are part of the security boundary. */
TEST(device_node_is_root_only)
{
	XPV_EXPECT_ROOT_ONLY_NODE(_metadata, GNTALLOC_DEV);
}

TEST(alloc_zeroed_pages_and_map_them)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	size_t page = gt_page();
	uint32_t refs[4] = { 0 };
	uint8_t *a, *b, *c;
	uint64_t index = 1;
	size_t i;

	ASSERT_EQ(0, ga_alloc(fd, DOM0, true, 4, refs, &index));
	/* The first allocation of a file is at offset 0. */
	EXPECT_EQ(0u, index);
	EXPECT_NE(refs[0], refs[1]);
	EXPECT_NE(refs[2], refs[3]);

	a = gt_mmap(fd, 4, PROT_READ | PROT_WRITE, MAP_SHARED, index);
	ASSERT_NE(MAP_FAILED, a) TH_LOG("mmap: %s", strerror(errno));
	/* Nothing of dom0's memory shows through (XSA-403). */
	for (i = 0; i < 4 * page; i++)
		ASSERT_EQ(0, a[i]) TH_LOG("byte %zu", i);

	for (i = 0; i < 4; i++)
		memset(a + i * page, 0x10 + i, page);

	/* A second mapping of the range, and one of a single page of it. */
	b = gt_mmap(fd, 4, PROT_READ, MAP_SHARED, index);
	ASSERT_NE(MAP_FAILED, b);
	c = gt_mmap(fd, 1, PROT_READ | PROT_WRITE, MAP_SHARED,
		    index + 2 * page);
	ASSERT_NE(MAP_FAILED, c);
	EXPECT_EQ(0, memcmp(a, b, 4 * page));
	EXPECT_EQ(0x12, c[0]);
	c[5] = 0x99;
	EXPECT_EQ(0x99, a[2 * page + 5]);

	EXPECT_EQ(0, munmap(a, 4 * page));
	EXPECT_EQ(0, munmap(b, 4 * page));
	EXPECT_EQ(0, munmap(c, page));
	EXPECT_EQ(0, ga_dealloc(fd, index, 4));
	EXPECT_EQ(-1, ga_dealloc(fd, index, 4));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, close(fd));
}

/* Offsets only grow: a deallocated range is not handed out again. */
TEST(offsets_are_never_reused)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	uint64_t page = gt_page(), i1 = 1, i2 = 1, i3 = 1, i4 = 1, i5 = 1;

	ASSERT_EQ(0, ga_alloc(fd, DOM0, true, 2, NULL, &i1));
	ASSERT_EQ(0, ga_alloc(fd, DOM0, true, 3, NULL, &i2));
	EXPECT_EQ(0u, i1);
	EXPECT_EQ(2 * page, i2);
	EXPECT_EQ(0, ga_dealloc(fd, i1, 2));
	ASSERT_EQ(0, ga_alloc(fd, DOM0, false, 1, NULL, &i3));
	EXPECT_EQ(5 * page, i3);

	/* A count of 0 succeeds, allocates nothing and uses no offset. */
	ASSERT_EQ(0, ga_alloc(fd, DOM0, true, 0, NULL, &i4));
	EXPECT_EQ(6 * page, i4);
	ASSERT_EQ(0, ga_alloc(fd, DOM0, true, 1, NULL, &i5));
	EXPECT_EQ(6 * page, i5);
	EXPECT_EQ(-1, ga_dealloc(fd, i4, 2));
	EXPECT_EQ(EINVAL, errno);
}

TEST(alloc_errors)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	long limit = gt_module_param("xen_gntalloc", "limit");
	struct ga_alloc_gref big = {
		.domid = DOM0,
		.flags = GNTALLOC_FLAG_WRITABLE,
		.count = 1u << 20,
	};
	struct ga_alloc_gref *ro;

	EXPECT_EQ(-1, ioctl(fd, GA_ALLOC_GREF, NULL));
	EXPECT_EQ(EFAULT, errno);

	/*
	 * A large count, refused before any grant is made. Issued directly:
	 * the answer array it implies is never written. (Not 2^32 - 1: the
	 * in-tree module sizes a kcalloc() by the count before checking the
	 * limit, and one of 16 GiB WARNs in the page allocator.)
	 */
	EXPECT_EQ(-1, ioctl(fd, GA_ALLOC_GREF, &big));
	EXPECT_EQ(ENOSPC, errno);
	if (limit >= 0) {
		EXPECT_EQ(-1, ga_alloc(fd, DOM0, true, limit + 1, NULL, NULL));
		EXPECT_EQ(ENOSPC, errno);
	}

	/*
	 * An answer that cannot be written: -EFAULT. The pages stay allocated
	 * to the file, which the close below releases.
	 */
	ro = mmap(NULL, gt_page(), PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	ro->domid = DOM0;
	ro->flags = GNTALLOC_FLAG_WRITABLE;
	ro->count = 1;
	ASSERT_EQ(0, mprotect(ro, gt_page(), PROT_READ));
	EXPECT_EQ(-1, ioctl(fd, GA_ALLOC_GREF, ro));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, close(fd));
}

TEST(dealloc_errors)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	uint64_t page = gt_page(), index = 1;

	ASSERT_EQ(0, ga_alloc(fd, DOM0, true, 4, NULL, &index));
	ASSERT_EQ(0u, index);

	EXPECT_EQ(-1, ioctl(fd, GA_DEALLOC_GREF, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ga_dealloc(fd, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ga_dealloc(fd, 4 * page, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ga_dealloc(fd, 0, 5));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ga_dealloc(fd, 1, 1));	/* not a page boundary */
	EXPECT_EQ(EINVAL, errno);

	/* A page from the middle; the range then has a hole. */
	EXPECT_EQ(0, ga_dealloc(fd, page, 1));
	EXPECT_EQ(-1, ga_dealloc(fd, 0, 4));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ga_dealloc(fd, page, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, ga_dealloc(fd, 0, 1));
	EXPECT_EQ(0, ga_dealloc(fd, 2 * page, 2));
}

TEST(mmap_errors)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	uint64_t page = gt_page(), index = 1;
	void *p;

	ASSERT_EQ(0, ga_alloc(fd, DOM0, true, 2, NULL, &index));
	ASSERT_EQ(0u, index);

	/* A private copy would not be what the other domain sees. */
	EXPECT_EQ(MAP_FAILED, gt_mmap(fd, 1, PROT_READ, MAP_PRIVATE, 0));
	EXPECT_EQ(EINVAL, errno);
	/* Pages the file does not hold: -ENOENT, as in-tree. */
	EXPECT_EQ(MAP_FAILED, gt_mmap(fd, 1, PROT_READ, MAP_SHARED, 2 * page));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(MAP_FAILED, gt_mmap(fd, 3, PROT_READ, MAP_SHARED, 0));
	EXPECT_EQ(ENOENT, errno);

	EXPECT_EQ(0, ga_dealloc(fd, page, 1));
	EXPECT_EQ(MAP_FAILED, gt_mmap(fd, 2, PROT_READ, MAP_SHARED, 0));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(MAP_FAILED, gt_mmap(fd, 1, PROT_READ, MAP_SHARED, page));
	EXPECT_EQ(ENOENT, errno);

	p = gt_mmap(fd, 1, PROT_READ, MAP_SHARED, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, munmap(p, page));
}

/* Deallocation only drops the file's hold: the mapping keeps the page. */
TEST(mapping_outlives_dealloc)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	uint64_t index = 1;
	uint8_t *p;

	ASSERT_EQ(0, ga_alloc(fd, DOM0, true, 1, NULL, &index));
	p = gt_mmap(fd, 1, PROT_READ | PROT_WRITE, MAP_SHARED, index);
	ASSERT_NE(MAP_FAILED, p);
	p[10] = 0x5a;

	ASSERT_EQ(0, ga_dealloc(fd, index, 1));
	EXPECT_EQ(0x5a, p[10]);
	p[11] = 0xa5;
	EXPECT_EQ(0xa5, p[11]);

	/* The file no longer holds it: no mapping, no notification. */
	EXPECT_EQ(MAP_FAILED, gt_mmap(fd, 1, PROT_READ, MAP_SHARED, index));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, gt_notify(fd, index, UNMAP_NOTIFY_CLEAR_BYTE, 0));
	EXPECT_EQ(ENOENT, errno);

	EXPECT_EQ(0, munmap(p, gt_page()));
}

TEST(unmap_notify_errors)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	uint64_t page = gt_page(), index = 1;

	ASSERT_EQ(0, ga_alloc(fd, DOM0, true, 1, NULL, &index));

	EXPECT_EQ(-1, ioctl(fd, GA_SET_UNMAP_NOTIFY, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, gt_notify(fd, index + page, UNMAP_NOTIFY_CLEAR_BYTE, 0));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, gt_notify(fd, index, 4, 0));
	EXPECT_EQ(EINVAL, errno);
	/* gntalloc looks the page up first. */
	EXPECT_EQ(-1, gt_notify(fd, index + page, 4, 0));
	EXPECT_EQ(ENOENT, errno);
	/* Port 0 is never bound: the core has no reference to give. */
	EXPECT_EQ(-1, gt_notify(fd, index, UNMAP_NOTIFY_SEND_EVENT, 0));
	EXPECT_EQ(EINVAL, errno);

	/* Any byte of the page; read-only grants too (the page is ours). */
	EXPECT_EQ(0, gt_notify(fd, index + page - 1, UNMAP_NOTIFY_CLEAR_BYTE,
			       0));
	EXPECT_EQ(0, gt_notify(fd, index, 0, 0));
}

/*
 * The notification fires when the last holder of the page lets go: here
 * the mapping, after DEALLOC_GREF. /dev/xen/gntdev plays the other domain
 * and sees the byte cleared; the event arrives on the loopback channel.
 */
TEST(notify_fires_when_the_last_holder_goes)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	int gd = XPV_OPEN_OR_SKIP(_metadata, GNTDEV_DEV, O_RDWR);
	int fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	int fb = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	unsigned long taint = xpv_taint();
	uint64_t index = 1, gindex = 1;
	size_t page = gt_page();
	unsigned int a, b;
	uint8_t *mine, *theirs;
	uint32_t ref;

	ASSERT_EQ(0, ev_pair(fa, fb, &a, &b)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, ga_alloc(fd, DOM0, true, 1, &ref, &index));
	mine = gt_mmap(fd, 1, PROT_READ | PROT_WRITE, MAP_SHARED, index);
	ASSERT_NE(MAP_FAILED, mine);
	ASSERT_EQ(0, gd_map(gd, DOM0, 1, &ref, &gindex));
	theirs = gt_mmap(gd, 1, PROT_READ, MAP_SHARED, gindex);
	ASSERT_NE(MAP_FAILED, theirs) TH_LOG("gntdev mmap: %s", strerror(errno));

	mine[77] = 0x42;
	mine[78] = 0x43;
	EXPECT_EQ(0x42, theirs[77]);
	ASSERT_EQ(0, gt_notify(fd, index + 77,
			       UNMAP_NOTIFY_CLEAR_BYTE | UNMAP_NOTIFY_SEND_EVENT,
			       b));

	/* The file lets go; the mapping still holds the page. */
	ASSERT_EQ(0, ga_dealloc(fd, index, 1));
	EXPECT_EQ(-1, ev_wait(fa, STAYS_AWAY_MS));
	EXPECT_EQ(0x42, theirs[77]);

	ASSERT_EQ(0, munmap(mine, page));
	EXPECT_EQ((int)a, ev_wait(fa, ARRIVES_MS));
	EXPECT_EQ(0, theirs[77]);
	EXPECT_EQ(0x43, theirs[78]);

	EXPECT_EQ(0, munmap(theirs, page));
	EXPECT_EQ(0, gd_unmap(gd, gindex, 1));
	EXPECT_EQ(0ul, xpv_taint() & ~taint & XPV_TAINT_BAD);
}

/* Re-arming with the same port, or dropping the event, keeps it bound. */
TEST(notify_rearm_keeps_the_port)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	int fa = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	int fb = XPV_OPEN_OR_SKIP(_metadata, EVTCHN_DEV, O_RDWR | O_NONBLOCK);
	unsigned long taint = xpv_taint();
	struct { unsigned int port; } nt;
	uint64_t index = 1;
	unsigned int a, b;

	ASSERT_EQ(0, ev_pair(fa, fb, &a, &b));
	ASSERT_EQ(0, ga_alloc(fd, DOM0, true, 1, NULL, &index));

	ASSERT_EQ(0, gt_notify(fd, index, UNMAP_NOTIFY_SEND_EVENT, b));
	ASSERT_EQ(0, gt_notify(fd, index, UNMAP_NOTIFY_SEND_EVENT, b));
	ASSERT_EQ(0, gt_notify(fd, index, UNMAP_NOTIFY_CLEAR_BYTE, 0));
	ASSERT_EQ(0, gt_notify(fd, index, UNMAP_NOTIFY_SEND_EVENT, b));

	/* Closing the file releases the page: one event. */
	ASSERT_EQ(0, close(fd));
	EXPECT_EQ((int)a, ev_wait(fa, ARRIVES_MS));
	EXPECT_EQ(-1, ev_wait(fa, STAYS_AWAY_MS));

	/* The port is still bound and works (written back: re-enabled). */
	ASSERT_EQ((ssize_t)sizeof(a), write(fa, &a, sizeof(a)));
	nt.port = b;
	ASSERT_EQ(0, ioctl(fb, _IOC(_IOC_NONE, 'E', 4, sizeof(nt)), &nt));
	EXPECT_EQ((int)a, ev_wait(fa, ARRIVES_MS));
	EXPECT_EQ(0ul, xpv_taint() & ~taint & XPV_TAINT_BAD);
}

TEST(unknown_ioctl_is_enotty)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);

	EXPECT_EQ(-1, ioctl(fd, _IOC(_IOC_NONE, 'G', 0x3f, 0), NULL));
	EXPECT_EQ(ENOTTY, errno);
	/* gntdev's MAP_GRANT_REF is not gntalloc's. */
	EXPECT_EQ(-1, ioctl(fd, GD_MAP_GRANT_REF, unmapped));
	EXPECT_EQ(ENOTTY, errno);
}

/*
 * Last: everything the tests above allocated was released, so the whole
 * global limit can be allocated, and not a page more. Releases of pages
 * another domain (here gntdev) mapped may lag a little: allow for that.
 */
TEST(limit_is_global_and_all_was_released)
{
	int f1 = XPV_OPEN_OR_SKIP(_metadata, GNTALLOC_DEV, O_RDWR);
	long limit = gt_module_param("xen_gntalloc", "limit");
	int f2 = ga_open();
	uint64_t index = 1;
	int tries = 0, rc;

	ASSERT_LE(0, f2);
	if (limit <= 0 || limit > 16384)
		SKIP(return, "limit %ld: not a size to allocate in a test",
		     limit);

	while ((rc = ga_alloc(f1, DOM0, true, limit, NULL, &index)) &&
	       errno == ENOSPC && tries++ < 50)
		gt_sleep_ms(100);
	ASSERT_EQ(0, rc) TH_LOG("allocating the limit (%ld): %s", limit,
				strerror(errno));

	/* Global: another file gets nothing more. */
	EXPECT_EQ(-1, ga_alloc(f2, DOM0, true, 1, NULL, NULL));
	EXPECT_EQ(ENOSPC, errno);

	/* Released at once when no one else maps them. */
	EXPECT_EQ(0, ga_dealloc(f1, index, limit));
	EXPECT_EQ(0, ga_alloc(f2, DOM0, false, limit, NULL, NULL));
	EXPECT_EQ(0, close(f2));
	EXPECT_EQ(0, ga_alloc(f1, DOM0, true, limit, NULL, NULL));
}

TEST_HARNESS_MAIN
