/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common.h - private interfaces of xen-blkback, the block backend.
 *
 * Every .c file of the module includes this header first, so that the one
 * pr_fmt below is seen before <linux/printk.h>.
 *
 * Objects and who touches them:
 *
 *   struct xbb_backend  one vbd (backend/vbd/<domid>/<devid>). Its fields
 *                       are changed by the xenwatch thread (probe, watch,
 *                       otherend_changed, remove) under @lock.
 *   struct xbb_ring     one queue: the mapped ring, its IRQ and the kthread
 *                       that consumes it. Only that kthread reads requests
 *                       and maps and unmaps grants; bio completions (any
 *                       context) move a finished request to @done, answer
 *                       it there when it holds persistent grants alone,
 *                       and wake the kthread otherwise. Responses are
 *                       written under @done_lock, from either side.
 *   struct xbb_pending  one request in flight; the ring owns ring-size of
 *                       them, so in-flight work is bounded by the ring.
 *   struct xbb_pgrant   one persistent grant: mapped once, kept in its
 *                       ring's tree and LRU list; the kthread alone
 *                       touches both, so neither has a lock.
 *
 * Files: blkback.c (ring, kthread, requests), grant.c (mapping a
 * request's grants), persistent.c (the persistent grant tree), vbd.c (the
 * block device: open, close, resize), sysfs.c (statistics), xenbus.c
 * (negotiation).
 */
#ifndef XPV_BLKBACK_COMMON_H
#define XPV_BLKBACK_COMMON_H

#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/build_bug.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include <xen/grant_table.h>
#include <xen/interface/io/blkif.h>
#include <xen/interface/io/ring.h>
#include <xen/page.h>
#include <xen/xenbus.h>

#include <xpv/xenbus.h>

/* --- the three ring ABIs (the frontend's "protocol" key) --- */

/*
 * blkif.h defines the request for the build's own architecture. A 32-bit
 * x86 guest aligns its 64-bit fields on 4 bytes, a 64-bit one on 8: the
 * same request has two layouts, and a 64-bit dom0 must read both. Every
 * member name matches blkif.h's so one conversion serves all three.
 */
struct xbb_x86_32_request {
	u8 operation;
	union {
		struct {
			u8 nr_segments;
			u16 handle;
			u64 id;
			u64 sector_number;
			struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
		} __packed rw;
		struct {
			u8 flag;
			u16 _pad1;
			u64 id;
			u64 sector_number;
			u64 nr_sectors;
		} __packed discard;
		struct {
			u8 _pad1;
			u16 _pad2;
			u64 id;
		} __packed other;
		struct {
			u8 indirect_op;
			u16 nr_segments;
			u64 id;
			u64 sector_number;
			u16 handle;
			u16 _pad2;
			grant_ref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
			u64 _pad3;
		} __packed indirect;
	} u;
} __packed __aligned(4);

struct xbb_x86_64_request {
	u8 operation;
	union {
		struct {
			u8 nr_segments;
			u16 handle;
			u32 _pad1;
			u64 id;
			u64 sector_number;
			struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
		} __packed rw;
		struct {
			u8 flag;
			u16 _pad1;
			u32 _pad2;
			u64 id;
			u64 sector_number;
			u64 nr_sectors;
		} __packed discard;
		struct {
			u8 _pad1;
			u16 _pad2;
			u32 _pad3;
			u64 id;
		} __packed other;
		struct {
			u8 indirect_op;
			u16 nr_segments;
			u32 _pad1;
			u64 id;
			u64 sector_number;
			u16 handle;
			u16 _pad2;
			grant_ref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
			u32 _pad3;
		} __packed indirect;
	} u;
} __packed __aligned(8);

/* The response is laid out alike in both (status at offset 10). */
struct xbb_x86_32_response {
	u64 id;
	u8 operation;
	u8 _pad;
	s16 status;
} __packed __aligned(4);

DEFINE_RING_TYPES(xbb_x86_32, struct xbb_x86_32_request,
		  struct xbb_x86_32_response);
DEFINE_RING_TYPES(xbb_x86_64, struct xbb_x86_64_request,
		  struct blkif_response);

static_assert(sizeof(struct xbb_x86_32_request) == 108);
static_assert(sizeof(struct xbb_x86_64_request) == 112);
static_assert(offsetof(struct xbb_x86_32_request, u.rw.id) == 4);
static_assert(offsetof(struct xbb_x86_64_request, u.rw.id) == 8);
static_assert(offsetof(struct xbb_x86_32_request, u.indirect.indirect_grefs) == 24);
static_assert(offsetof(struct xbb_x86_64_request, u.indirect.indirect_grefs) == 28);
static_assert(sizeof(union xbb_x86_32_sring_entry) == 108);
static_assert(sizeof(union xbb_x86_64_sring_entry) == 112);
static_assert(offsetof(struct xbb_x86_32_response, status) ==
	      offsetof(struct blkif_response, status));

enum xbb_abi {
	XBB_ABI_NATIVE,
	XBB_ABI_X86_32,
	XBB_ABI_X86_64,
};

/* Every back ring starts with the same fields: .native reads them. */
union xbb_back_ring {
	struct blkif_back_ring native;
	struct xbb_x86_32_back_ring x86_32;
	struct xbb_x86_64_back_ring x86_64;
};

/* --- limits --- */

/* Segment descriptors in one indirect page. */
#define XBB_SEGS_PER_INDIRECT_PAGE \
	(XEN_PAGE_SIZE / sizeof(struct blkif_request_segment))
/* The most segments an INDIRECT request can describe. */
#define XBB_MAX_INDIRECT_SEGMENTS \
	(BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST * XBB_SEGS_PER_INDIRECT_PAGE)
#define XBB_SECTORS_PER_PAGE	(XEN_PAGE_SIZE >> SECTOR_SHIFT)

/* How often each kthread wakes with nothing to do: resize check, LRU. */
#define XBB_IDLE_INTERVAL	msecs_to_jiffies(100)

extern unsigned int xbb_max_queues;
extern unsigned int xbb_max_ring_page_order;
extern unsigned int xbb_max_indirect_segments;
extern unsigned int xbb_max_buffer_pages;
extern bool xbb_feature_persistent;

unsigned int xbb_max_segs(void);

/* --- statistics --- */

/**
 * struct xbb_stats - one queue's counters, shown summed in sysfs
 * @oo_req: times requests waited for a free slot (Linux's name; xpv's
 *	pool holds a ring's worth, so this stays 0)
 * @rd_req: read requests
 * @wr_req: write requests
 * @f_req: flush and barrier requests
 * @ds_req: discard requests
 * @rd_sect: sectors read
 * @wr_sect: sectors written
 * @map_ops: grant map batches (hypercalls)
 * @grants_mapped: grants mapped
 * @unmap_ops: grant unmap batches
 * @grants_unmapped: grants unmapped
 * @pgrant_hits: segments served by a persistent grant already mapped
 * @pgrant_misses: segments of a persistent-grant frontend that were not
 * @pgrant_purged: persistent grants unmapped by the LRU pass
 * @notify: notifications sent to the frontend
 * @irq: notifications received from it
 *
 * Each field has one writer at a time (@irq the IRQ handler, @notify
 * whoever holds @done_lock, the rest the queue's kthread), so plain u64s
 * written with WRITE_ONCE() read back whole.
 */
struct xbb_stats {
	u64 oo_req;
	u64 rd_req;
	u64 wr_req;
	u64 f_req;
	u64 ds_req;
	u64 rd_sect;
	u64 wr_sect;
	u64 map_ops;
	u64 grants_mapped;
	u64 unmap_ops;
	u64 grants_unmapped;
	u64 pgrant_hits;
	u64 pgrant_misses;
	u64 pgrant_purged;
	u64 notify;
	u64 irq;
};

/* Only a counter's writer calls this (see struct xbb_stats). */
static inline void xbb_stat_add(u64 *counter, u64 n)
{
	WRITE_ONCE(*counter, *counter + n);
}

/* --- blkback.c: the data path --- */

/**
 * struct xbb_request - one request, copied out of the ring and normalised
 * @ring_op: the operation as the frontend wrote it (INDIRECT or not)
 * @operation: BLKIF_OP_*; for INDIRECT, the indirect operation. This is
 *	the one echoed in the response: frontends check it against what
 *	they asked for, and for INDIRECT they asked for the inner operation.
 * @indirect: the segments are in @indirect_grefs' pages
 * @nr_segments: segments the request claims
 * @discard_flag: BLKIF_DISCARD_SECURE or 0
 * @id: the frontend's cookie, echoed in the response
 * @sector: first 512-byte sector
 * @nr_sectors: DISCARD only
 * @indirect_grefs: INDIRECT only
 * @seg: the direct segments (not INDIRECT)
 */
struct xbb_request {
	u8 ring_op;
	u8 operation;
	bool indirect;
	u16 nr_segments;
	u8 discard_flag;
	u64 id;
	u64 sector;
	u64 nr_sectors;
	grant_ref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};

struct xbb_ring;
struct xbb_pgrant;

/**
 * struct xbb_mapping - where a run of segments is mapped
 * @pages: the page each segment is mapped at
 * @handles: per-request mappings' grant handles (XBB_NO_HANDLE otherwise)
 * @pgrants: the persistent grant serving a segment, or NULL
 */
struct xbb_mapping {
	struct page **pages;
	grant_handle_t *handles;
	struct xbb_pgrant **pgrants;
};

/**
 * struct xbb_pending - a request whose bios are in flight
 * @ring: its ring
 * @node: on the ring's free list, or on its done list once finished
 * @id: the frontend's cookie
 * @operation: the operation answered (as the frontend wrote it)
 * @status: BLKIF_RSP_*; a failing bio overwrites OKAY
 * @nr_segs: segments mapped
 * @bios: bios in flight, plus one held while submitting
 * @early: every segment is a persistent grant (or there is none): the
 *	last bio's completion answers, nothing needs unmapping first
 * @segs: the validated segments, @nr_segs of them
 * @map: where the segments are mapped
 */
struct xbb_pending {
	struct xbb_ring *ring;
	struct list_head node;
	u64 id;
	u8 operation;
	s16 status;
	unsigned int nr_segs;
	atomic_t bios;
	bool early;
	struct blkif_request_segment *segs;
	struct xbb_mapping map;
};

struct xbb_backend;

/**
 * struct xbb_ring - one queue
 * @be: the vbd
 * @index: queue number
 * @abi: the ring's layout
 * @ring: the back ring; @ring.native for the fields all layouts share
 * @sring: the mapping of the shared pages (NULL when unmapped)
 * @irq: the event channel's IRQ (0 when unbound)
 * @task: the kthread, NULL when not running
 * @wq: the kthread waits here
 * @irq_pending: the IRQ fired and awaits its late EOI
 * @broken: the frontend broke the ring protocol; no more requests are read
 * @done_lock: guards @done, @draining and the response ring (answers
 *	come from the kthread and from bio completion)
 * @done: requests whose bios have all completed
 * @draining: the kthread stopped and waits for every request in flight
 * @free: pending requests not in use (the kthread's alone)
 * @nr_free: entries on @free
 * @pool: all @nr_pool pending requests
 * @pool_segs: the segment arrays of @pool
 * @pool_pages: the page arrays of @pool
 * @pool_handles: the handle arrays of @pool
 * @pool_pgrants: the persistent grant arrays of @pool
 * @nr_pool: ring size
 * @max_segs: segments one pending request can hold
 * @map_refs: scratch: one request's grant references (the kthread's)
 * @map_ops: scratch for mapping them
 * @map_pages: the pages of @map_ops
 * @map_seg: the segment each of @map_ops maps
 * @map_persist: whether each of @map_ops is to become persistent
 * @unmap_ops: scratch for unmapping grants, @max_segs at a time
 * @unmap_pages: the pages of @unmap_ops
 * @indirect_pages: scratch pages for one request's indirect descriptors
 * @indirect_handles: their handles
 * @indirect_pgrants: their persistent grants
 * @cache: free pages for grant mappings
 * @persistent: both ends agreed on persistent grants (fixed per connection)
 * @pgrants: the persistent grants, by grant reference
 * @pgrant_lru: the same, least recently used first
 * @nr_pgrants: entries in @pgrants
 * @pgrant_full: a grant was not kept for want of room since the last purge
 * @next_purge: when the next LRU pass is due (jiffies)
 * @st: counters
 */
struct xbb_ring {
	struct xbb_backend *be;
	unsigned int index;
	enum xbb_abi abi;
	union xbb_back_ring ring;
	void *sring;
	int irq;
	struct task_struct *task;
	wait_queue_head_t wq;
	atomic_t irq_pending;
	bool broken;

	spinlock_t done_lock;		/* also taken from bio completion */
	struct list_head done;
	bool draining;

	struct list_head free;
	unsigned int nr_free;
	struct xbb_pending *pool;
	struct blkif_request_segment *pool_segs;
	struct page **pool_pages;
	grant_handle_t *pool_handles;
	struct xbb_pgrant **pool_pgrants;
	unsigned int nr_pool;
	unsigned int max_segs;

	grant_ref_t *map_refs;
	struct gnttab_map_grant_ref *map_ops;
	struct page **map_pages;
	unsigned int *map_seg;
	bool *map_persist;
	struct gnttab_unmap_grant_ref *unmap_ops;
	struct page **unmap_pages;
	struct page *indirect_pages[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	grant_handle_t indirect_handles[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	struct xbb_pgrant *indirect_pgrants[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	struct gnttab_page_cache cache;

	bool persistent;
	struct rb_root pgrants;
	struct list_head pgrant_lru;
	unsigned int nr_pgrants;
	bool pgrant_full;
	unsigned long next_purge;

	struct xbb_stats st;
};

int xbb_ring_start(struct xbb_ring *ring, const char *dir,
		   const struct xpvbus_ring_desc *desc,
		   const struct xpvbus_ring_layout *layout);
void xbb_ring_stop(struct xbb_ring *ring);

/* --- grant.c: mapping the frontend's pages --- */

/* A segment without a per-request mapping. */
#define XBB_NO_HANDLE	((grant_handle_t)~0U)

/* The address a grant is mapped at, for the map and unmap ops. */
static inline unsigned long xbb_page_addr(struct page *page)
{
	return (unsigned long)pfn_to_kaddr(page_to_pfn(page));
}

int xbb_grant_map(struct xbb_ring *ring, const grant_ref_t *refs,
		  unsigned int n, bool readonly, const struct xbb_mapping *m);
void xbb_grant_unmap(struct xbb_ring *ring, const struct xbb_mapping *m,
		     unsigned int n);
void xbb_grant_unmap_batch(struct xbb_ring *ring, unsigned int n);

/* --- persistent.c: grants kept mapped across requests --- */

/**
 * struct xbb_pgrant - a persistent grant
 * @node: in the ring's tree, keyed by @gref
 * @lru: on the ring's LRU list
 * @gref: the frontend's grant reference
 * @handle: the mapping's handle
 * @page: where it is mapped (writable: it may serve reads and writes)
 * @users: segments in flight on it; it is never unmapped while non-zero
 * @last_used: jiffies of the last get or put
 */
struct xbb_pgrant {
	struct rb_node node;
	struct list_head lru;
	grant_ref_t gref;
	grant_handle_t handle;
	struct page *page;
	unsigned int users;
	unsigned long last_used;
};

void xbb_pgrant_init(struct xbb_ring *ring);
unsigned int xbb_pgrant_room(struct xbb_ring *ring);
struct xbb_pgrant *xbb_pgrant_get(struct xbb_ring *ring, grant_ref_t gref);
struct xbb_pgrant *xbb_pgrant_add(struct xbb_ring *ring, grant_ref_t gref,
				  struct page *page, grant_handle_t handle);
void xbb_pgrant_put(struct xbb_ring *ring, struct xbb_pgrant *pg);
void xbb_pgrant_purge(struct xbb_ring *ring);
void xbb_pgrant_free_all(struct xbb_ring *ring);

/* --- vbd.c and xenbus.c: the control path --- */

/**
 * struct xbb_vbd - the block device behind a vbd
 * @bdev: the opened device (NULL until the hotplug script named it)
 * @devt: its number, from physical-device
 * @readonly: mode is "r", or the device itself is read-only
 * @cdrom: the frontend's device-type is "cdrom"
 * @flush: the device has a volatile write cache: flush and barrier offered
 * @discard: discard offered
 * @secure_discard: secure erase offered as discard-secure
 * @sectors: size in 512-byte sectors; changed by queue 0's kthread on a
 *	resize, so read with READ_ONCE() (xbb_vbd_sectors())
 * @handle: the device as opened (see xpv_bdev_open() in compat.h)
 * @mode: the toolstack's "mode" as read, for sysfs
 */
struct xbb_vbd {
	struct block_device *bdev;
	dev_t devt;
	bool readonly;
	bool cdrom;
	bool flush;
	bool discard;
	bool secure_discard;
	sector_t sectors;
	struct xpv_bdev_handle *handle;
	char mode[16];
};

static inline sector_t xbb_vbd_sectors(const struct xbb_vbd *vbd)
{
	return READ_ONCE(vbd->sectors);
}

/**
 * struct xbb_backend - one vbd device
 * @dev: its xenbus device
 * @lock: serialises connect and disconnect
 * @vbd: the block device
 * @phys_watch: on physical-device
 * @frontend_state: the frontend's last state seen
 * @rings: the queues, @nr_rings of them (NULL when disconnected)
 * @nr_rings: negotiated number of queues
 * @abi: the frontend's ring layout
 * @persistent_offered: feature_persistent as it was at this connection,
 *	what "feature-persistent" says
 * @sysfs: the sysfs attributes exist
 */
struct xbb_backend {
	struct xenbus_device *dev;
	struct mutex lock;		/* connect/disconnect, @rings */
	struct xbb_vbd vbd;
	struct xpvbus_watch phys_watch;
	enum xenbus_state frontend_state;
	struct xbb_ring *rings;
	unsigned int nr_rings;
	enum xbb_abi abi;
	bool persistent_offered;
	bool sysfs;
};

int xbb_vbd_open(struct xbb_backend *be, dev_t devt);
void xbb_vbd_close(struct xbb_vbd *vbd);
void xbb_vbd_check_resize(struct xbb_backend *be);

int xbb_xenbus_init(void);
void xbb_xenbus_exit(void);

/* --- sysfs.c --- */

int xbb_sysfs_add(struct xbb_backend *be);
void xbb_sysfs_remove(struct xbb_backend *be);

#endif /* XPV_BLKBACK_COMMON_H */
