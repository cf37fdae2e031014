// SPDX-License-Identifier: GPL-2.0
/*
 * privcmd_test.c - kselftest for /dev/xen/privcmd and /dev/xen/hypercall
 * (module xen-privcmd).
 *
 * Runs as root in dom0 (PV or PVH). The same binary must pass against the
 * in-tree xen-privcmd and against xpv's, on both kernels: it checks only
 * what the two share, errno for errno.
 *
 * Mapping tests that need a second domain use the peer domU the testbed
 * starts (XPV_PEER_DOMID) and skip without it: its console ring (the frame
 * xenstore's console/ring-ref names, which the toolstack also seeded into
 * the peer's grant table) is a page whose layout we know. Frames that fail
 * to map are only ever touched on a PV dom0: there they are holes (SIGBUS);
 * on an auto-translated dom0 both drivers map an empty physmap slot there,
 * which must not be read.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "xpv_test.h"

#define PRIVCMD_DEV	"/dev/xen/privcmd"
#define HYPERCALL_DEV	"/dev/xen/hypercall"

/*
 * The ABI (include/uapi/xen/privcmd.h and Xen's tools/include/xen-sys/
 * Linux/privcmd.h), spelt out so that the test checks the numbers user
 * space is built with. xen_pfn_t is 64 bits on x86-64.
 */
typedef uint64_t xen_pfn_t;

struct pc_hypercall {
	uint64_t op;
	uint64_t arg[5];
};

struct pc_mmap_entry {
	uint64_t va;
	uint64_t mfn;
	uint64_t npages;
};

struct pc_mmap {
	int num;
	uint16_t dom;
	struct pc_mmap_entry *entry;
};

struct pc_mmapbatch {
	int num;
	uint16_t dom;
	uint64_t addr;
	xen_pfn_t *arr;
};

struct pc_mmapbatch_v2 {
	unsigned int num;
	uint16_t dom;
	uint64_t addr;
	const xen_pfn_t *arr;
	int *err;
};

struct pc_dm_op_buf {
	void *uptr;
	size_t size;
};

struct pc_dm_op {
	uint16_t dom;
	uint16_t num;
	const struct pc_dm_op_buf *ubufs;
};

struct pc_mmap_resource {
	uint16_t dom;
	uint32_t type;
	uint32_t id;
	uint32_t idx;
	uint64_t num;
	uint64_t addr;
};

#define PC_HYPERCALL \
	_IOC(_IOC_NONE, 'P', 0, sizeof(struct pc_hypercall))
#define PC_MMAP			_IOC(_IOC_NONE, 'P', 2, sizeof(struct pc_mmap))
#define PC_MMAPBATCH \
	_IOC(_IOC_NONE, 'P', 3, sizeof(struct pc_mmapbatch))
#define PC_MMAPBATCH_V2 \
	_IOC(_IOC_NONE, 'P', 4, sizeof(struct pc_mmapbatch_v2))
#define PC_DM_OP		_IOC(_IOC_NONE, 'P', 5, sizeof(struct pc_dm_op))
#define PC_RESTRICT		_IOC(_IOC_NONE, 'P', 6, sizeof(uint16_t))
#define PC_MMAP_RESOURCE \
	_IOC(_IOC_NONE, 'P', 7, sizeof(struct pc_mmap_resource))
#define PC_IRQFD		_IOC(_IOC_WRITE, 'P', 8, 24)
#define PC_IOEVENTFD		_IOC(_IOC_WRITE, 'P', 9, 48)
#define PC_PCIDEV_GET_GSI	_IOC(_IOC_NONE, 'P', 10, 8)
#define PC_UNIMPLEMENTED	_IOC(_IOC_NONE, 'P', 0xff, 0)

_Static_assert(PC_HYPERCALL == 0x00305000, "ABI");
_Static_assert(PC_MMAP == 0x00105002, "ABI");
_Static_assert(PC_MMAPBATCH == 0x00185003, "ABI");
_Static_assert(PC_MMAPBATCH_V2 == 0x00205004, "ABI");
_Static_assert(PC_DM_OP == 0x00105005, "ABI");
_Static_assert(PC_RESTRICT == 0x00025006, "ABI");
_Static_assert(PC_MMAP_RESOURCE == 0x00205007, "ABI");
_Static_assert(PC_IRQFD == 0x40185008, "ABI");
_Static_assert(PC_IOEVENTFD == 0x40305009, "ABI");
_Static_assert(PC_PCIDEV_GET_GSI == 0x0008500a, "ABI");
_Static_assert(PC_UNIMPLEMENTED == 0x000050ff, "ABI");

#define MMAPBATCH_MFN_ERROR	0xf0000000u
#define MMAPBATCH_PAGED_ERROR	0x80000000u

/* Xen's public headers. */
#define HYPERVISOR_xen_version		17
#define XENVER_version			0
#define XENVER_get_features		6
#define XENFEAT_auto_translated_physmap	2
#define XENMEM_resource_grant_table	1
#define XENMEM_resource_grant_table_id_shared 0
#define GTF_permit_access		1
#define DOMID_FIRST_RESERVED		0x7ff0u
#define NR_RESERVED_GRANTS		8

struct xen_feature_info {
	uint32_t submap_idx;
	uint32_t submap;
};

/* io/console.h */
struct xencons_interface {
	char in[1024];
	char out[2048];
	uint32_t in_cons, in_prod;
	uint32_t out_cons, out_prod;
};

/* grant_table.h, version 1 */
struct grant_entry_v1 {
	uint16_t flags;
	uint16_t domid;
	uint32_t frame;
};

/* A domain id no domain has: Xen answers -ESRCH for it. */
#define ABSENT_DOMID		(DOMID_FIRST_RESERVED - 1)

/*
 * A frame number no domain has. Bits 28-31 are clear, so that V1's error
 * flags show in arr[].
 */
#define BAD_FRAME		0xf00000001ull

/* An address in the kernel half: never valid user memory. */
#define KERNEL_ADDR		((void *)0xffff800000000000ull)

static long page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* --- thin wrappers: each returns what ioctl() returns --- */

static int pc_open(void)
{
	return open(PRIVCMD_DEV, O_RDWR | O_CLOEXEC);
}

static long hypercall(int fd, uint64_t op, uint64_t a0, uint64_t a1)
{
	struct pc_hypercall call = { .op = op, .arg = { a0, a1 } };

	return ioctl(fd, PC_HYPERCALL, &call);
}

static int restrict_to(int fd, uint16_t dom)
{
	return ioctl(fd, PC_RESTRICT, &dom);
}

static int mmapbatch_v2(int fd, uint16_t dom, void *addr, unsigned int num,
			const xen_pfn_t *arr, int *err)
{
	struct pc_mmapbatch_v2 m = {
		.num = num, .dom = dom, .addr = (uintptr_t)addr,
		.arr = arr, .err = err,
	};

	return ioctl(fd, PC_MMAPBATCH_V2, &m);
}

static int mmapbatch_v1(int fd, uint16_t dom, void *addr, int num,
			xen_pfn_t *arr)
{
	struct pc_mmapbatch m = {
		.num = num, .dom = dom, .addr = (uintptr_t)addr, .arr = arr,
	};

	return ioctl(fd, PC_MMAPBATCH, &m);
}

static int mmap_resource(int fd, uint16_t dom, uint32_t type, uint32_t id,
			 uint32_t idx, uint64_t *num, void *addr)
{
	struct pc_mmap_resource r = {
		.dom = dom, .type = type, .id = id, .idx = idx,
		.num = *num, .addr = (uintptr_t)addr,
	};
	int rc = ioctl(fd, PC_MMAP_RESOURCE, &r);

	*num = r.num;
	return rc;
}

static int dm_op(int fd, uint16_t dom, uint16_t num,
		 const struct pc_dm_op_buf *bufs)
{
	struct pc_dm_op op = { .dom = dom, .num = num, .ubufs = bufs };

	return ioctl(fd, PC_DM_OP, &op);
}

/* An empty privcmd VMA of @pages pages, or MAP_FAILED. */
static void *pc_map(int fd, unsigned int pages)
{
	return mmap(NULL, pages * page_size(), PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, 0);
}

/*
 * @n bytes of zeroed memory that end where a PROT_NONE page begins: a
 * kernel reading past them faults at once.
 */
static void *guarded(size_t n)
{
	size_t len = (n + page_size() - 1) / page_size() * page_size();
	char *p;

	p = mmap(NULL, len + page_size(), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p + len, page_size(), PROT_NONE))
		return NULL;
	return p + len - n;
}

/* --- touching memory that may not be there --- */

static sigjmp_buf probe_env;

static void probe_handler(int sig)
{
	siglongjmp(probe_env, sig);
}

/*
 * Read (or write) one byte at @addr: 0 if that worked, else the signal it
 * raised (SIGBUS, SIGSEGV).
 */
static int probe(volatile char *addr, bool write)
{
	struct sigaction sa = { .sa_handler = probe_handler };
	struct sigaction old_bus, old_segv;
	int sig;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);

	sig = sigsetjmp(probe_env, 1);
	if (!sig) {
		if (write)
			*addr = 0;
		else
			(void)*addr;
	}

	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	return sig;
}

/* --- facts about the host --- */

/* The first number in @path, in @base; false if unreadable. */
static bool read_ulong(const char *path, int base, unsigned long *val)
{
	char buf[64];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	errno = 0;
	*val = strtoul(buf, NULL, base);
	return errno == 0;
}

static unsigned long privcmd_param(const char *name, unsigned long dflt)
{
	char path[128];
	unsigned long v;

	snprintf(path, sizeof(path), "/sys/module/xen_privcmd/parameters/%s",
		 name);
	return read_ulong(path, 10, &v) ? v : dflt;
}

/* Xen's feature submap 0 for this domain, through privcmd. */
static bool xen_features(int fd, uint32_t *submap)
{
	struct xen_feature_info *info;
	bool ok;

	info = mmap(NULL, page_size(), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	if (info == MAP_FAILED)
		return false;
	info->submap_idx = 0;
	ok = hypercall(fd, HYPERVISOR_xen_version, XENVER_get_features,
		       (uintptr_t)info) == 0;
	*submap = info->submap;
	munmap(info, page_size());
	return ok;
}

/*
 * PV dom0: foreign frames live in our page tables and a failed frame is a
 * hole. Auto-translated (PVH): see the top of the file.
 */
static bool dom0_is_pv(struct __test_metadata *_metadata, int fd)
{
	uint32_t submap = 0;

	if (!xen_features(fd, &submap))
		TH_LOG("XENVER_get_features failed: %s", strerror(errno));
	return !(submap & (1u << XENFEAT_auto_translated_physmap));
}

/* The peer's console frame, from xenstore; false if it cannot be read. */
static bool peer_console_frame(int domid, xen_pfn_t *frame)
{
	unsigned long long v;
	char cmd[128];
	bool ok;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "xenstore-read /local/domain/%d/console/ring-ref 2>/dev/null",
		 domid);
	p = popen(cmd, "r");
	if (!p)
		return false;
	ok = fscanf(p, "%llu", &v) == 1;
	if (pclose(p) != 0)
		ok = false;
	*frame = v;
	return ok && v;
}

#define PEER_OR_SKIP(_metadata) ({					\
	int __d = xpv_peer_domid();					\
	if (__d < 0)							\
		SKIP(return, "no peer domain (XPV_PEER_DOMID unset)");	\
	__d;								\
})

/*
 * What a console ring in use looks like: the guest wrote its boot log,
 * and neither side is ahead of the other by more than the ring.
 */
static void expect_console_ring(struct __test_metadata *_metadata,
				const volatile struct xencons_interface *c)
{
	uint32_t out_cons = c->out_cons, out_prod = c->out_prod;
	uint32_t in_cons = c->in_cons, in_prod = c->in_prod;

	EXPECT_LT(0u, out_prod) TH_LOG("the guest never wrote its console");
	EXPECT_GE(sizeof(c->out), out_prod - out_cons)
		TH_LOG("out_cons %u out_prod %u", out_cons, out_prod);
	EXPECT_GE(sizeof(c->in), in_prod - in_cons)
		TH_LOG("in_cons %u in_prod %u", in_cons, in_prod);
}

/* --- the device nodes --- */

/* XSA-468's lesson: device nodes are part of the security boundary. */
TEST(device_nodes_are_root_only)
{
	XPV_EXPECT_ROOT_ONLY_NODE(_metadata, PRIVCMD_DEV);
	/* The same module makes both nodes. */
	ASSERT_EQ(0, access(HYPERCALL_DEV, F_OK)) TH_LOG("%s", HYPERCALL_DEV);
	XPV_EXPECT_ROOT_ONLY_NODE(_metadata, HYPERCALL_DEV);
}

/* --- IOCTL_PRIVCMD_HYPERCALL --- */

TEST(hypercall_xen_version)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, PRIVCMD_DEV, O_RDWR);
	unsigned long major, minor;
	long v;

	if (!read_ulong("/sys/hypervisor/version/major", 10, &major) ||
	    !read_ulong("/sys/hypervisor/version/minor", 10, &minor))
		SKIP(return, "no /sys/hypervisor/version");

	v = hypercall(fd, HYPERVISOR_xen_version, XENVER_version, 0);
	ASSERT_LT(0, v) TH_LOG("xen_version: %s", strerror(errno));
	EXPECT_EQ(major, (unsigned long)v >> 16);
	EXPECT_EQ(minor, (unsigned long)v & 0xffff);
}

/*
 * /proc/xen/privcmd is xenfs's door to the same fops (xen_privcmd_fops,
 * which xenfs imports from xen-privcmd): libxencall falls back to it. With
 * xpv's module it works only if the export is compatible (modversions CRC).
 */
TEST(proc_xen_privcmd_is_the_same_device)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, PRIVCMD_DEV, O_RDWR);
	int pfd = open("/proc/xen/privcmd", O_RDWR);
	long v;

	if (pfd < 0)
		SKIP(return, "/proc/xen/privcmd: %s (xenfs not mounted)",
		     strerror(errno));
	v = hypercall(fd, HYPERVISOR_xen_version, XENVER_version, 0);
	ASSERT_LT(0, v);
	EXPECT_EQ(v, hypercall(pfd, HYPERVISOR_xen_version, XENVER_version, 0));
	EXPECT_EQ(-1, ioctl(pfd, PC_UNIMPLEMENTED, NULL));
	EXPECT_EQ(ENOTTY, errno);
	close(pfd);
	close(fd);
}

/* Xen writes to user memory: a /dev/xen/hypercall buffer, as libxencall. */
TEST(hypercall_get_features_into_buffer)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, PRIVCMD_DEV, O_RDWR);
	int bfd = XPV_OPEN_OR_SKIP(_metadata, HYPERCALL_DEV, O_RDWR);
	struct xen_feature_info *info;
	unsigned long sysfs;

	if (!read_ulong("/sys/hypervisor/properties/features", 16, &sysfs))
		SKIP(return, "no /sys/hypervisor/properties/features");

	info = mmap(NULL, page_size(), PROT_READ | PROT_WRITE, MAP_SHARED,
		    bfd, 0);
	ASSERT_NE(MAP_FAILED, info);
	info->submap_idx = 0;
	info->submap = 0xdeadbeef;

	ASSERT_EQ(0, hypercall(fd, HYPERVISOR_xen_version,
			       XENVER_get_features, (uintptr_t)info))
		TH_LOG("get_features: %s", strerror(errno));
	EXPECT_EQ(sysfs, info->submap);
	EXPECT_EQ(0, munmap(info, page_size()));
}

TEST(hypercall_argument_not_readable)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, PRIVCMD_DEV, O_RDWR);

	EXPECT_EQ(-1, ioctl(fd, PC_HYPERCALL, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fd, PC_HYPERCALL, KERNEL_ADDR));
	EXPECT_EQ(EFAULT, errno);
}

/* --- unknown ioctls: libxenforeignmemory learns ENOTTY from these --- */

TEST(unimplemented_and_unknown_ioctls)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, PRIVCMD_DEV, O_RDWR);

	EXPECT_EQ(-1, ioctl(fd, PC_UNIMPLEMENTED, NULL));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(fd, _IOC(_IOC_NONE, 'P', 0x42, 0), NULL));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(fd, _IOC(_IOC_NONE, 'P', 1, 0), NULL));
	EXPECT_EQ(ENOTTY, errno);
	/* HYPERCALL's number with the wrong size is another command. */
	EXPECT_EQ(-1, ioctl(fd, _IOC(_IOC_NONE, 'P', 0, 8), NULL));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(fd, _IO('E', 0), NULL));
	EXPECT_EQ(ENOTTY, errno);
}

/*
 * Linux 6.7 added IRQFD and IOEVENTFD, which Debian builds without
 * (CONFIG_XEN_PRIVCMD_EVENTFD): -EOPNOTSUPP. A kernel built with them
 * would fail the NULL argument (EFAULT). Before 6.7: unknown.
 */
TEST(eventfd_ioctls)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, PRIVCMD_DEV, O_RDWR);
	unsigned long cmds[] = { PC_IRQFD, PC_IOEVENTFD };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		EXPECT_EQ(-1, ioctl(fd, cmds[i], NULL));
		if (xpv_kernel_at_least(6, 7)) {
			EXPECT_TRUE(errno == EOPNOTSUPP || errno == EFAULT)
				TH_LOG("%#lx: %s", cmds[i], strerror(errno));
		} else {
			EXPECT_EQ(ENOTTY, errno);
		}
	}
}

/* Linux 6.12 added PCIDEV_GET_GSI; it reads its argument first. */
TEST(pcidev_get_gsi)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, PRIVCMD_DEV, O_RDWR);

	EXPECT_EQ(-1, ioctl(fd, PC_PCIDEV_GET_GSI, NULL));
	EXPECT_EQ(xpv_kernel_at_least(6, 12) ? EFAULT : ENOTTY, errno);
}

/* --- IOCTL_PRIVCMD_RESTRICT --- */

TEST(restrict_is_one_way_and_per_file)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, PRIVCMD_DEV, O_RDWR);
	int other = pc_open();
	struct pc_dm_op_buf buf = { .uptr = &buf, .size = 8 };
	uint64_t num = 0;
	xen_pfn_t frame = 1;
	int err = 0;
	void *vma;

	ASSERT_LE(0, other);
	vma = pc_map(fd, 1);
	ASSERT_NE(MAP_FAILED, vma);

	EXPECT_EQ(-1, ioctl(fd, PC_RESTRICT, NULL));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, restrict_to(fd, ABSENT_DOMID));

	/* The same domain again is fine; another is not. */
	EXPECT_EQ(0, restrict_to(fd, ABSENT_DOMID));
	EXPECT_EQ(-1, restrict_to(fd, 0));
	EXPECT_EQ(EINVAL, errno);

	/* No raw hypercalls, whatever the argument. */
	EXPECT_EQ(-1, hypercall(fd, HYPERVISOR_xen_version, XENVER_version, 0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ioctl(fd, PC_HYPERCALL, NULL));
	EXPECT_EQ(EPERM, errno);

	/* Other domains: refused before anything else is looked at. */
	EXPECT_EQ(-1, mmapbatch_v2(fd, 0, vma, 1, &frame, &err));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, mmapbatch_v2(fd, 0, NULL, 0, NULL, NULL));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, mmapbatch_v1(fd, 0, vma, 1, &frame));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, dm_op(fd, 0, 1, &buf));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, mmap_resource(fd, 0, XENMEM_resource_grant_table, 0, 0,
				    &num, NULL));
	EXPECT_EQ(EPERM, errno);

	/* Its own domain passes the check (and fails further on). */
	EXPECT_EQ(-1, mmapbatch_v2(fd, ABSENT_DOMID, vma, 0, &frame, &err));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, dm_op(fd, ABSENT_DOMID, 0, NULL));

	/* Another open of the device is not restricted. */
	EXPECT_LT(0, hypercall(other, HYPERVISOR_xen_version, XENVER_version,
			       0));
}

/* --- mmap() of privcmd --- */

TEST(unfilled_mapping_raises_sigbus)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, PRIVCMD_DEV, O_RDWR);
	char *vma = pc_map(fd, 2);

	ASSERT_NE(MAP_FAILED, vma);
	EXPECT_EQ(SIGBUS, probe(vma, false));
	EXPECT_EQ(SIGBUS, probe(vma + page_size(), true));

	/* It can neither be split nor grown. */
	EXPECT_EQ(-1, munmap(vma + page_size(), page_size()));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mremap(vma, 2 * page_size(), 3 * page_size(),
				     MREMAP_MAYMOVE));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, munmap(vma, 2 * page_size()));
	EXPECT_EQ(SIGSEGV, probe(vma, false));
}

/* VM_DONTCOPY: a child gets no privcmd mapping. */
TEST(mapping_is_not_inherited)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, PRIVCMD_DEV, O_RDWR);
	char *vma = pc_map(fd, 1);
	int status;
	pid_t pid;

	ASSERT_NE(MAP_FAILED, vma);
	ASSERT_EQ(0, msync(vma, page_size(), MS_ASYNC));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(msync(vma, page_size(), MS_ASYNC) == -1 &&
		      errno == ENOMEM ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("the child still has the mapping");
}

/* --- IOCTL_PRIVCMD_MMAPBATCH_V2 and _MMAPBATCH: bad arguments --- */

TEST(mmapbatch_v2_bad_arguments)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, PRIVCMD_DEV, O_RDWR);
	xen_pfn_t *arr = guarded(2 * sizeof(*arr));
	int *err = guarded(2 * sizeof(*err));
	xen_pfn_t big_arr[3] = { 1, 2, 3 };
	char *vma = pc_map(fd, 2);
	char *anon, *gap;
	int big_err[3];

	ASSERT_NE(NULL, arr);
	ASSERT_NE(NULL, err);
	ASSERT_NE(MAP_FAILED, vma);
	arr[0] = 1;
	arr[1] = 2;
	anon = mmap(NULL, 2 * page_size(), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, anon);
	gap = mmap(NULL, 2 * page_size(), PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, gap);
	ASSERT_EQ(0, munmap(gap, 2 * page_size()));

	EXPECT_EQ(-1, ioctl(fd, PC_MMAPBATCH_V2, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, mmapbatch_v2(fd, ABSENT_DOMID, vma, 0, arr, err));
	EXPECT_EQ(EINVAL, errno);
	/* A huge count with a short array: the copy faults. */
	EXPECT_EQ(-1, mmapbatch_v2(fd, ABSENT_DOMID, vma, 0xffffffffu, arr,
				   err));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, mmapbatch_v2(fd, ABSENT_DOMID, vma, 3, arr, err));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, mmapbatch_v2(fd, ABSENT_DOMID, vma, 2, NULL, err));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, mmapbatch_v2(fd, ABSENT_DOMID, vma, 2, arr, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, mmapbatch_v2(fd, ABSENT_DOMID, vma, 2, arr, KERNEL_ADDR));
	EXPECT_EQ(EFAULT, errno);

	/* Not a privcmd VMA, no VMA at all. */
	EXPECT_EQ(-1, mmapbatch_v2(fd, ABSENT_DOMID, anon, 2, arr, err));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, mmapbatch_v2(fd, ABSENT_DOMID, gap, 2, arr, err));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, mmapbatch_v2(fd, ABSENT_DOMID, NULL, 2, arr, err));
	EXPECT_EQ(EINVAL, errno);

	/* A first fill covers the VMA exactly, from its start. */
	EXPECT_EQ(-1, mmapbatch_v2(fd, ABSENT_DOMID, vma + page_size(), 1,
				   arr, err));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, mmapbatch_v2(fd, ABSENT_DOMID, vma + 1, 2, arr, err));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, mmapbatch_v2(fd, ABSENT_DOMID, vma, 1, arr, err));
	EXPECT_EQ(EINVAL, errno);
	/* Larger than the VMA (arrays long enough for the copies). */
	EXPECT_EQ(-1, mmapbatch_v2(fd, ABSENT_DOMID, vma, 3, big_arr,
				   big_err));
	EXPECT_EQ(EINVAL, errno);

	/* None of that filled anything. */
	EXPECT_EQ(SIGBUS, probe(vma, false));
	EXPECT_EQ(SIGBUS, probe(vma + page_size(), false));
}

TEST(mmapbatch_v1_bad_arguments)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, PRIVCMD_DEV, O_RDWR);
	xen_pfn_t *arr = guarded(2 * sizeof(*arr));
	char *vma = pc_map(fd, 2);

	ASSERT_NE(NULL, arr);
	ASSERT_NE(MAP_FAILED, vma);
	arr[0] = 1;
	arr[1] = 2;

	EXPECT_EQ(-1, ioctl(fd, PC_MMAPBATCH, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, mmapbatch_v1(fd, ABSENT_DOMID, vma, 0, arr));
	EXPECT_EQ(EINVAL, errno);
	/* V1's count is an int; a negative one is a huge one. */
	EXPECT_EQ(-1, mmapbatch_v1(fd, ABSENT_DOMID, vma, -1, arr));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, mmapbatch_v1(fd, ABSENT_DOMID, vma, 2, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, mmapbatch_v1(fd, ABSENT_DOMID, vma, 2, KERNEL_ADDR));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, mmapbatch_v1(fd, ABSENT_DOMID, vma, 1, arr));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(SIGBUS, probe(vma, false));
}

/*
 * Frames of a domain that does not exist: each fails (Xen: -ESRCH), the
 * call itself succeeds, and - PV - the frames stay holes that a later call
 * may fill.
 */
TEST(mmapbatch_absent_domain_fails_per_frame)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, PRIVCMD_DEV, O_RDWR);
	xen_pfn_t arr[2] = { 1, 2 };
	int err[2] = { 7, 7 };
	char *vma = pc_map(fd, 2);
	char *vma1 = pc_map(fd, 2);

	ASSERT_NE(MAP_FAILED, vma);
	ASSERT_NE(MAP_FAILED, vma1);

	ASSERT_EQ(0, mmapbatch_v2(fd, ABSENT_DOMID, vma, 2, arr, err))
		TH_LOG("MMAPBATCH_V2: %s", strerror(errno));
	EXPECT_EQ(-ESRCH, err[0]);
	EXPECT_EQ(-ESRCH, err[1]);
	EXPECT_EQ(1u, arr[0]);		/* V2 leaves the frames alone */

	ASSERT_EQ(0, mmapbatch_v1(fd, ABSENT_DOMID, vma1, 2, arr))
		TH_LOG("MMAPBATCH: %s", strerror(errno));
	EXPECT_EQ(1 | MMAPBATCH_MFN_ERROR, arr[0]);
	EXPECT_EQ(2 | MMAPBATCH_MFN_ERROR, arr[1]);

	if (!dom0_is_pv(_metadata, fd))
		SKIP(return, "auto-translated dom0: failed frames are not holes");

	EXPECT_EQ(SIGBUS, probe(vma, false));
	EXPECT_EQ(SIGBUS, probe(vma + page_size(), false));

	/* The holes may be filled again, one at a time or together. */
	arr[0] = 1;
	arr[1] = 2;
	err[0] = err[1] = 7;
	EXPECT_EQ(0, mmapbatch_v2(fd, ABSENT_DOMID, vma + page_size(), 1, arr,
				  err));
	EXPECT_EQ(-ESRCH, err[0]);
	EXPECT_EQ(0, mmapbatch_v2(fd, ABSENT_DOMID, vma, 2, arr, err));
	EXPECT_EQ(-ESRCH, err[1]);
	/* Still inside the VMA only. */
	EXPECT_EQ(-1, mmapbatch_v2(fd, ABSENT_DOMID, vma + page_size(), 2, arr,
				   err));
	EXPECT_EQ(EINVAL, errno);
}

/* The oldest map ioctl: PV only. */
TEST(mmap_legacy)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, PRIVCMD_DEV, O_RDWR);
	struct pc_mmap_entry e = { .mfn = 1, .npages = 1 };
	struct pc_mmap m = { .num = 1, .dom = ABSENT_DOMID, .entry = &e };
	char *vma = pc_map(fd, 2);

	ASSERT_NE(MAP_FAILED, vma);
	e.va = (uintptr_t)vma;

	if (!dom0_is_pv(_metadata, fd)) {
		EXPECT_EQ(-1, ioctl(fd, PC_MMAP, &m));
		EXPECT_EQ(ENOSYS, errno);
		return;
	}

	EXPECT_EQ(-1, ioctl(fd, PC_MMAP, NULL));
	EXPECT_EQ(EFAULT, errno);
	m.num = 0;
	EXPECT_EQ(0, ioctl(fd, PC_MMAP, &m));
	m.num = 1;
	m.entry = NULL;
	EXPECT_EQ(-1, ioctl(fd, PC_MMAP, &m));
	EXPECT_EQ(EFAULT, errno);
	m.entry = &e;

	/* The first entry starts the VMA. */
	e.va = (uintptr_t)vma + page_size();
	EXPECT_EQ(-1, ioctl(fd, PC_MMAP, &m));
	EXPECT_EQ(EINVAL, errno);

	/* Xen refuses the frames of a domain that does not exist. */
	e.va = (uintptr_t)vma;
	EXPECT_EQ(-1, ioctl(fd, PC_MMAP, &m));
	EXPECT_EQ(ESRCH, errno);

	/* Filled once: a second MMAP is refused. */
	EXPECT_EQ(-1, ioctl(fd, PC_MMAP, &m));
	EXPECT_EQ(EINVAL, errno);
}

/* --- IOCTL_PRIVCMD_DM_OP --- */

TEST(dm_op_limits)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, PRIVCMD_DEV, O_RDWR);
	unsigned long max_bufs = privcmd_param("dm_op_max_nr_bufs", 16);
	unsigned long max_size = privcmd_param("dm_op_buf_max_size", 4096);
	struct pc_dm_op_buf *bufs;
	char *data;
	unsigned long i;

	ASSERT_GT(65535ul, max_bufs);
	data = malloc(max_size + 1);
	bufs = calloc(max_bufs + 1, sizeof(*bufs));
	ASSERT_NE(NULL, data);
	ASSERT_NE(NULL, bufs);
	for (i = 0; i <= max_bufs; i++)
		bufs[i] = (struct pc_dm_op_buf){ .uptr = data, .size = 8 };

	EXPECT_EQ(-1, ioctl(fd, PC_DM_OP, NULL));
	EXPECT_EQ(EFAULT, errno);
	/* No buffers: nothing to do, whatever the domain. */
	EXPECT_EQ(0, dm_op(fd, ABSENT_DOMID, 0, NULL));

	EXPECT_EQ(-1, dm_op(fd, ABSENT_DOMID, max_bufs + 1, bufs));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(-1, dm_op(fd, ABSENT_DOMID, 65535, NULL));
	EXPECT_EQ(E2BIG, errno);

	bufs[0].size = max_size + 1;
	EXPECT_EQ(-1, dm_op(fd, ABSENT_DOMID, 1, bufs));
	EXPECT_EQ(E2BIG, errno);
	bufs[0].size = 8;

	EXPECT_EQ(-1, dm_op(fd, ABSENT_DOMID, 1, NULL));
	EXPECT_EQ(EFAULT, errno);
	bufs[0].uptr = KERNEL_ADDR;
	EXPECT_EQ(-1, dm_op(fd, ABSENT_DOMID, 1, bufs));
	EXPECT_EQ(EFAULT, errno);
	free(bufs);
	free(data);
}

/* --- IOCTL_PRIVCMD_MMAP_RESOURCE --- */

TEST(mmap_resource_arguments)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, PRIVCMD_DEV, O_RDWR);
	char *vma = pc_map(fd, 1);
	char *anon;
	uint64_t num;

	ASSERT_NE(MAP_FAILED, vma);
	anon = mmap(NULL, page_size(), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, anon);

	EXPECT_EQ(-1, ioctl(fd, PC_MMAP_RESOURCE, NULL));
	EXPECT_EQ(EFAULT, errno);

	/* addr and num: both 0 (a size query) or both set. */
	num = 0;
	EXPECT_EQ(-1, mmap_resource(fd, 0, XENMEM_resource_grant_table, 0, 0,
				    &num, vma));
	EXPECT_EQ(EINVAL, errno);
	num = 1;
	EXPECT_EQ(-1, mmap_resource(fd, 0, XENMEM_resource_grant_table, 0, 0,
				    &num, NULL));
	EXPECT_EQ(EINVAL, errno);

	/*
	 * The size query reaches Xen. Xen 4.17 refuses a domain's own
	 * resources (acquire_resource() locks a *remote* domain): EPERM.
	 */
	num = 0;
	if (mmap_resource(fd, 0, XENMEM_resource_grant_table,
			  XENMEM_resource_grant_table_id_shared, 0, &num,
			  NULL) == 0) {
		EXPECT_LT(0u, num);
	} else {
		EXPECT_EQ(EPERM, errno);
	}
	num = 0;
	EXPECT_EQ(-1, mmap_resource(fd, ABSENT_DOMID,
				    XENMEM_resource_grant_table, 0, 0, &num,
				    NULL));
	EXPECT_EQ(ESRCH, errno);

	/* Mapping: into a privcmd VMA only; then Xen decides. */
	num = 1;
	EXPECT_EQ(-1, mmap_resource(fd, ABSENT_DOMID,
				    XENMEM_resource_grant_table, 0, 0, &num,
				    anon));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, mmap_resource(fd, ABSENT_DOMID,
				    XENMEM_resource_grant_table, 0, 0, &num,
				    vma));
	EXPECT_EQ(ESRCH, errno);
}

/* --- /dev/xen/hypercall --- */

TEST(hypercall_buffers)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, HYPERCALL_DEV, O_RDWR);
	char *buf, *zero;
	int status;
	pid_t pid;
	long i;

	/* Shared mappings only. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page_size(), PROT_READ | PROT_WRITE,
				   MAP_PRIVATE, fd, 0));
	EXPECT_EQ(EINVAL, errno);

	buf = mmap(NULL, 2 * page_size(), PROT_READ | PROT_WRITE, MAP_SHARED,
		   fd, 0);
	ASSERT_NE(MAP_FAILED, buf);
	zero = calloc(1, 2 * page_size());
	ASSERT_NE(NULL, zero);
	EXPECT_EQ(0, memcmp(buf, zero, 2 * page_size()));
	for (i = 0; i < 2 * page_size(); i++)
		buf[i] = (char)i;

	/* It cannot grow. */
	EXPECT_EQ(MAP_FAILED, mremap(buf, 2 * page_size(), 3 * page_size(),
				     MREMAP_MAYMOVE));
	EXPECT_EQ(EFAULT, errno);

	/* A child shares the pages. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		buf[1] = 'c';
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ('c', buf[1]);

	/* Unmapping half leaves the other half as it was. */
	EXPECT_EQ(0, munmap(buf + page_size(), page_size()));
	EXPECT_EQ(SIGSEGV, probe(buf + page_size(), false));
	EXPECT_EQ((char)2, buf[2]);
	EXPECT_EQ(0, munmap(buf, page_size()));

	/* A fresh mapping is zeroed again. */
	buf = mmap(NULL, page_size(), PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   0);
	ASSERT_NE(MAP_FAILED, buf);
	EXPECT_EQ(0, memcmp(buf, zero, page_size()));

	/* No ioctls. */
	EXPECT_EQ(-1, ioctl(fd, PC_HYPERCALL, NULL));
	EXPECT_EQ(ENOTTY, errno);
	free(zero);
}

/* --- the peer domain's console ring and grant table --- */

TEST(peer_console_ring_v2)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, PRIVCMD_DEV, O_RDWR);
	int domid = PEER_OR_SKIP(_metadata);
	xen_pfn_t arr[3], frame;
	int err[3], tries;
	char *vma;

	ASSERT_TRUE(peer_console_frame(domid, &frame))
		TH_LOG("no console/ring-ref for domain %d", domid);

	vma = pc_map(fd, 1);
	ASSERT_NE(MAP_FAILED, vma);
	arr[0] = frame;
	err[0] = 7;
	ASSERT_EQ(0, mmapbatch_v2(fd, domid, vma, 1, arr, err))
		TH_LOG("MMAPBATCH_V2: %s", strerror(errno));
	ASSERT_EQ(0, err[0]);
	expect_console_ring(_metadata, (void *)vma);

	/* A batch mixing good and bad frames maps the good ones only. */
	vma = pc_map(fd, 3);
	ASSERT_NE(MAP_FAILED, vma);
	arr[0] = BAD_FRAME;
	arr[1] = frame;
	arr[2] = BAD_FRAME;
	err[0] = err[1] = err[2] = 7;
	ASSERT_EQ(0, mmapbatch_v2(fd, domid, vma, 3, arr, err))
		TH_LOG("MMAPBATCH_V2: %s", strerror(errno));
	EXPECT_GT(0, err[0]);
	EXPECT_EQ(0, err[1]);
	EXPECT_GT(0, err[2]);
	expect_console_ring(_metadata, (void *)(vma + page_size()));

	/* A mapped page is not a hole. */
	EXPECT_EQ(-1, mmapbatch_v2(fd, domid, vma + page_size(), 1, &frame,
				   err));
	EXPECT_EQ(EINVAL, errno);

	if (!dom0_is_pv(_metadata, fd))
		SKIP(return, "auto-translated dom0: failed frames are not holes");

	EXPECT_EQ(SIGBUS, probe(vma, false));
	EXPECT_EQ(SIGBUS, probe(vma + 2 * page_size(), false));

	/* Filling the first hole with the good frame: the same page twice. */
	err[0] = 7;
	ASSERT_EQ(0, mmapbatch_v2(fd, domid, vma, 1, &frame, err));
	EXPECT_EQ(0, err[0]);
	for (tries = 0; tries < 3; tries++)	/* the guest may be writing */
		if (!memcmp(vma, vma + page_size(), page_size()))
			break;
	EXPECT_GT(3, tries);
	EXPECT_EQ(SIGBUS, probe(vma + 2 * page_size(), false));
}

TEST(peer_console_ring_v1)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, PRIVCMD_DEV, O_RDWR);
	int domid = PEER_OR_SKIP(_metadata);
	xen_pfn_t arr[2], frame;
	char *vma;

	ASSERT_TRUE(peer_console_frame(domid, &frame))
		TH_LOG("no console/ring-ref for domain %d", domid);

	vma = pc_map(fd, 2);
	ASSERT_NE(MAP_FAILED, vma);
	arr[0] = frame;
	arr[1] = BAD_FRAME;
	ASSERT_EQ(0, mmapbatch_v1(fd, domid, vma, 2, arr))
		TH_LOG("MMAPBATCH: %s", strerror(errno));
	EXPECT_EQ(frame, arr[0]);
	EXPECT_EQ(BAD_FRAME | MMAPBATCH_MFN_ERROR, arr[1]);
	expect_console_ring(_metadata, (void *)vma);

	if (dom0_is_pv(_metadata, fd)) {
		EXPECT_EQ(SIGBUS, probe(vma + page_size(), false));
	}
}

/*
 * The peer's grant table, as the domain builder maps it: the toolstack
 * seeded a reserved entry granting the console frame to dom0.
 */
TEST(peer_grant_table_resource)
{
	int fd = XPV_OPEN_OR_SKIP(_metadata, PRIVCMD_DEV, O_RDWR);
	int domid = PEER_OR_SKIP(_metadata);
	const volatile struct grant_entry_v1 *gnttab;
	xen_pfn_t frame;
	uint64_t num = 0;
	int i, found = -1;
	char *vma;

	ASSERT_TRUE(peer_console_frame(domid, &frame))
		TH_LOG("no console/ring-ref for domain %d", domid);

	ASSERT_EQ(0, mmap_resource(fd, domid, XENMEM_resource_grant_table,
				   XENMEM_resource_grant_table_id_shared, 0,
				   &num, NULL))
		TH_LOG("size query: %s", strerror(errno));
	ASSERT_LT(0u, num);

	vma = pc_map(fd, 1);
	ASSERT_NE(MAP_FAILED, vma);
	num = 1;
	ASSERT_EQ(0, mmap_resource(fd, domid, XENMEM_resource_grant_table,
				   XENMEM_resource_grant_table_id_shared, 0,
				   &num, vma))
		TH_LOG("map: %s", strerror(errno));

	gnttab = (void *)vma;
	for (i = 0; i < NR_RESERVED_GRANTS && found < 0; i++)
		if (gnttab[i].frame == frame)
			found = i;
	ASSERT_LE(0, found) TH_LOG("no grant of console frame %#llx",
				   (unsigned long long)frame);
	EXPECT_TRUE(gnttab[found].flags & GTF_permit_access);
	EXPECT_EQ(0, gnttab[found].domid);
}

TEST_HARNESS_MAIN
