/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common.h - private interfaces of xen-blkfront, the block frontend.
 *
 * Every .c file of the module includes this header first, so that the one
 * pr_fmt below is seen before <linux/printk.h>.
 *
 * Objects and who touches them:
 *
 *   struct xbf_info   one vbd (device/vbd/<devid>). The control path
 *                     (probe, backend state changes, resume, remove: the
 *                     xenwatch thread or PM) changes it under @mutex.
 *   struct xbf_ring   one queue: the shared ring, its event channel and its
 *                     slots. @lock (taken with interrupts off) guards the
 *                     ring indexes, the slots and the counters; queue_rq,
 *                     the interrupt handler and the works take it.
 *   struct xbf_slot   one request id: the request in flight and the grants
 *                     (and, bouncing, the pages) it uses. A slot keeps its
 *                     grants and pages between requests, which is what
 *                     persistent grants are.
 *
 * The backend is not trusted: each response is copied out of the ring
 * before it is looked at, its id, operation and the number of responses
 * are checked, and every grant is revoked with gnttab_try_end_foreign_access()
 * before its page is reused or returned. A backend that breaks the
 * protocol gets the device disabled (@flags XBF_BROKEN), never a BUG().
 */
#ifndef XPV_BLKFRONT_COMMON_H
#define XPV_BLKFRONT_COMMON_H

#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/build_bug.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <xen/grant_table.h>
#include <xen/interface/io/blkif.h>
#include <xen/page.h>
#include <xen/xenbus.h>

#include <xpv/xenbus.h>

/*
 * One segment is one Linux page is one grant: the queue limits keep every
 * segment inside a page, and x86's pages are Xen's (the only architecture
 * xpv builds for).
 */
static_assert(PAGE_SIZE == XEN_PAGE_SIZE);

/* Segment descriptors in one indirect page. */
#define XBF_SEGS_PER_INDIRECT_PAGE \
	(XEN_PAGE_SIZE / sizeof(struct blkif_request_segment))
/* The most segments the protocol lets an INDIRECT request carry. */
#define XBF_MAX_INDIRECT_SEGS \
	(BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST * XBF_SEGS_PER_INDIRECT_PAGE)
/* Sectors on the wire are 512 bytes, whatever the disk's block size. */
#define XBF_SECTORS_PER_PAGE	(XEN_PAGE_SIZE >> SECTOR_SHIFT)
#define XBF_NO_SLOT		UINT_MAX
/* How often free persistent grants the backend dropped are revoked. */
#define XBF_PURGE_INTERVAL	(10 * HZ)

/* --- main.c: module parameters --- */

extern unsigned int xbf_max_indirect_segments;
extern unsigned int xbf_max_queues;
extern unsigned int xbf_max_ring_order;
extern bool xbf_trusted;
extern bool xbf_feature_persistent;

/* --- counters (stats.c) --- */

enum xbf_stat {
	XBF_STAT_REQUESTS,	/* requests put on the ring */
	XBF_STAT_SEGMENTS,	/* data segments in them */
	XBF_STAT_INDIRECT,	/* requests that were INDIRECT */
	XBF_STAT_GRANTS,	/* grant operations (data and indirect pages) */
	XBF_STAT_UNGRANTS,	/* grants revoked */
	XBF_STAT_PERSISTENT_HITS, /* grants reused while still granted */
	XBF_STAT_DEFERRED,	/* still mapped at teardown: deferred */
	XBF_STAT_NOTIFY,	/* events sent (notify_remote_via_irq) */
	XBF_STAT_IRQ,		/* interrupts received */
	XBF_STAT_SPURIOUS,	/* ... that found no response */
	XBF_STAT_RESPONSES,	/* responses consumed */
	XBF_STAT_BUSY,		/* dispatches deferred: ring or grants full */
	XBF_STAT_COPIED,	/* bytes copied through the slots' own pages */
	XBF_STAT_NR
};

/* --- the objects --- */

enum xbf_state {
	XBF_DISCONNECTED,	/* no disk yet */
	XBF_CONNECTED,
	XBF_SUSPENDED,		/* resumed: new rings offered, disk quiesced */
	XBF_CLOSING,		/* the backend is going: requests fail */
};

/* Bits of struct xbf_info's @flags. */
#define XBF_BROKEN	0	/* the backend broke the protocol (till resume) */

/**
 * struct xbf_grant - one page a slot shares with the backend
 * @page: the page the slot owns (bounce buffer or indirect descriptors),
 *	or NULL where the request's own page is granted
 * @gref: its grant reference, INVALID_GRANT_REF when not granted
 */
struct xbf_grant {
	struct page *page;
	grant_ref_t gref;
};

/**
 * struct xbf_slot - one request id of a ring
 * @rq: the request in flight, NULL when the slot is free
 * @op: the operation the response must carry (for INDIRECT, the inner one)
 * @write: data goes to the backend
 * @lost: the backend may still hold one of its grants: never used again
 * @nr_segs: data grants in use
 * @nr_ind: indirect pages in use
 * @next_free: the next free slot, XBF_NO_SLOT at the end of the list
 * @sg: the request's scatterlist, max_grants entries
 * @segs: the data grants, max_grants entries
 * @ind: the indirect descriptor pages (NULL without indirect requests)
 */
struct xbf_slot {
	struct request *rq;
	u8 op;
	bool write;
	bool lost;
	unsigned int nr_segs;
	unsigned int nr_ind;
	unsigned int next_free;
	struct scatterlist *sg;
	struct xbf_grant *segs;
	struct xbf_grant *ind;
};

struct xbf_info;

/**
 * struct xbf_ring - one queue
 * @info: the vbd
 * @index: queue number
 * @lock: guards everything below but @fring and @evtchn
 * @live: slots are set up: requests are issued and responses read
 * @front: the front ring over @fring's pages
 * @fring: the shared pages and their grants
 * @evtchn: the event channel, late EOI
 * @slots: ring-size slots, NULL until connected
 * @nr_slots: entries in @slots
 * @free_slot: the first free slot, XBF_NO_SLOT when none
 * @gnt_cb: called once enough grant references are free again
 * @restart: restarts the stopped hardware queues after @gnt_cb
 * @stats: counters, enum xbf_stat
 */
struct xbf_ring {
	struct xbf_info *info;
	unsigned int index;
	spinlock_t lock;		/* everything below but fring, evtchn */
	bool live;
	struct blkif_front_ring front;
	struct xpvbus_fring fring;
	struct xpvbus_fevtchn evtchn;
	struct xbf_slot *slots;
	unsigned int nr_slots;
	unsigned int free_slot;
	struct gnttab_free_callback gnt_cb;
	struct work_struct restart;
	u64 stats[XBF_STAT_NR];
};

/**
 * struct xbf_minors - the minor numbers a disk holds
 * @node: on the module's list of reservations
 * @first: the first minor
 * @nr: how many (16 or 256 for a whole disk, 1 for a partition)
 */
struct xbf_minors {
	struct list_head node;
	unsigned int first;
	unsigned int nr;
};

/**
 * struct xbf_info - one vbd
 * @xbdev: its xenbus device
 * @mutex: serialises the control path
 * @state: enum xbf_state; read locklessly by the data path
 * @flags: XBF_BROKEN
 * @is_ready: the disk was added (xenbus' boot-time wait is over)
 * @quiesced: the disk's queue was quiesced at resume
 * @vdevice: the toolstack's virtual-device number
 * @handle: the device id sent in requests
 * @nr_rings: queues of this connection
 * @rings: the queues (NULL when none)
 * @ring_order: log2 of each ring's pages
 * @ring_size: requests each ring holds
 * @bounce: data goes through the slots' own zeroed pages
 * @persistent_parm: feature-persistent as advertised at this connection
 * @persistent: persistent grants negotiated
 * @flush: flushes are sent (as @flush_op); cleared if the backend refuses
 * @flush_op: BLKIF_OP_FLUSH_DISKCACHE, or BLKIF_OP_WRITE_BARRIER
 * @discard: discard negotiated; cleared if the backend refuses
 * @secure_discard: secure discard negotiated
 * @discard_granularity: bytes, 0 when the backend gave none
 * @discard_alignment: bytes
 * @max_indirect: segments of an INDIRECT request, 0 without them
 * @max_grants: data segments one request may carry
 * @sector_size: the logical block size, bytes
 * @physical_sector_size: the physical block size, bytes
 * @vdisk_info: VDISK_* flags
 * @tag_set: the blk-mq tag set (from the first connection on)
 * @gd: the disk, NULL before the first connection
 * @disk_dead: blk_mark_disk_dead() was called
 * @minors: the minors @gd holds
 * @requeue: requests taken back from the rings at resume
 * @resubmit_lock: guards @resubmit
 * @resubmit: bios of requests too large for the current backend
 * @resubmit_work: submits them again, split to the current limits
 * @broken_work: fails the in-flight requests once XBF_BROKEN is set
 * @purge_work: revokes free persistent grants the backend dropped
 * @retired: counters of the rings of earlier connections
 */
struct xbf_info {
	struct xenbus_device *xbdev;
	struct mutex mutex;		/* control path */
	enum xbf_state state;
	unsigned long flags;
	bool is_ready;
	bool quiesced;
	unsigned int vdevice;
	blkif_vdev_t handle;

	unsigned int nr_rings;
	struct xbf_ring *rings;
	unsigned int ring_order;
	unsigned int ring_size;
	bool bounce;
	bool persistent_parm;
	bool persistent;
	bool flush;
	u8 flush_op;
	bool discard;
	bool secure_discard;
	unsigned int discard_granularity;
	unsigned int discard_alignment;
	unsigned int max_indirect;
	unsigned int max_grants;

	unsigned int sector_size;
	unsigned int physical_sector_size;
	unsigned int vdisk_info;
	struct blk_mq_tag_set tag_set;
	struct gendisk *gd;
	bool disk_dead;
	struct xbf_minors minors;

	struct list_head requeue;
	spinlock_t resubmit_lock;	/* @resubmit */
	struct bio_list resubmit;
	struct work_struct resubmit_work;
	struct work_struct broken_work;
	struct delayed_work purge_work;
	u64 retired[XBF_STAT_NR];
};

/**
 * struct xbf_rq - the driver's part of each request
 * @status: the completion status, set before blk_mq_complete_request()
 */
struct xbf_rq {
	blk_status_t status;
};

static inline bool xbf_broken(struct xbf_info *info)
{
	return test_bit(XBF_BROKEN, &info->flags);
}

/* --- naming.c: virtual-device numbers, disk names, minors --- */

/**
 * struct xbf_vdev - what a virtual-device number stands for
 * @minor: the first minor under XENVBD_MAJOR
 * @nr_minors: minors of the disk (1 for a partition)
 * @index: the disk's index: xvda is 0, xvdz 25, xvdaa 26
 * @part: the partition number when @nr_minors is 1
 */
struct xbf_vdev {
	unsigned int minor;
	unsigned int nr_minors;
	unsigned int index;
	unsigned int part;
};

int xbf_vdev_decode(unsigned int vdevice, struct xbf_vdev *v);
void xbf_vdev_name(const struct xbf_vdev *v, char *buf, size_t len);
int xbf_minors_reserve(struct xbf_minors *m, unsigned int first,
		       unsigned int nr);
void xbf_minors_release(struct xbf_minors *m);

/* --- grants.c: the slots, their grants and pages --- */

int xbf_slots_alloc(struct xbf_ring *ring);
void xbf_slots_free(struct xbf_ring *ring);
struct xbf_slot *xbf_slot_peek(struct xbf_ring *ring);
void xbf_slot_take(struct xbf_ring *ring, struct xbf_slot *slot,
		   struct request *rq, u8 op);
void xbf_slot_put(struct xbf_ring *ring, struct xbf_slot *slot);
int xbf_slot_grant(struct xbf_ring *ring, struct xbf_slot *slot);
bool xbf_slot_ungrant(struct xbf_ring *ring, struct xbf_slot *slot);
void xbf_slot_defer(struct xbf_ring *ring, struct xbf_slot *slot);
void xbf_slot_copy_out(struct xbf_ring *ring, struct xbf_slot *slot);
void xbf_purge_work(struct work_struct *work);

/* --- request.c: requests onto the ring --- */

extern const struct blk_mq_ops xbf_mq_ops;

void xbf_push(struct xbf_ring *ring);
void xbf_resubmit_work(struct work_struct *work);

/* --- ring.c: rings, responses, teardown --- */

/* What to do with the requests in flight when a ring is torn down. */
enum xbf_abort {
	XBF_ABORT_BROKEN,	/* fail them; keep any whose page is mapped */
	XBF_ABORT_REMOVE,	/* fail them all */
	XBF_ABORT_RESUME,	/* take them back to info->requeue */
};

int xbf_rings_alloc(struct xbf_info *info, unsigned int max_queues);
int xbf_rings_publish(struct xenbus_transaction xbt, struct xbf_info *info);
int xbf_rings_start(struct xbf_info *info);
void xbf_rings_stop(struct xbf_info *info);
void xbf_rings_abort(struct xbf_info *info, enum xbf_abort how);
void xbf_rings_free(struct xbf_info *info);
void xbf_broken_work(struct work_struct *work);
void xbf_kick_all(struct xbf_info *info);

/* --- disk.c: the gendisk --- */

int xbf_disk_create(struct xbf_info *info, sector_t sectors);
int xbf_disk_add(struct xbf_info *info);
int xbf_disk_update_limits(struct xbf_info *info);
void xbf_disk_resize(struct xbf_info *info);
void xbf_disk_kill(struct xbf_info *info);
void xbf_disk_disable_discard(struct xbf_info *info);

/* --- stats.c: counters in sysfs --- */

int xbf_stats_add(struct xbf_info *info);
void xbf_stats_remove(struct xbf_info *info);
void xbf_stats_retire(struct xbf_info *info, struct xbf_ring *ring);

/* --- xenbus.c: the control path --- */

int xbf_xenbus_init(void);
void xbf_xenbus_exit(void);

#endif /* XPV_BLKFRONT_COMMON_H */
