// SPDX-License-Identifier: GPL-2.0
/*
 * blkback.c - xen-blkback's data path: one kthread per queue consumes the
 * frontend's ring, maps the granted pages, submits bios and answers.
 *
 * The frontend is not trusted. Each request is copied out of the shared
 * ring once and only the copy is looked at (XSA-155), indirect descriptor
 * pages included; every count, sector and offset is checked before it is
 * used; a grant that does not map fails that request alone (XSA-362/365);
 * a response is written field by field, never as a padded structure
 * (XSA-216). The event channel is bound with late EOI: an event that found
 * no work is EOIed as spurious, so a storm is throttled by Xen (XSA-332).
 *
 * The kthread also wakes every XBB_IDLE_INTERVAL on its own: queue 0's
 * checks whether the device was resized (as Linux's does on each wakeup),
 * and each runs its persistent grants' LRU pass when one is due. It does
 * not read the ring then: only an event does, so a frontend that never
 * notifies is never polled.
 *
 * A drop-in for the in-tree module of the same name.
 */
#include "common.h"

#include <linux/bio.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <xen/events.h>
#include <xen/xen.h>

#include <xpv/module.h>

unsigned int xbb_max_queues;
module_param_named(max_queues, xbb_max_queues, uint, 0644);
MODULE_PARM_DESC(max_queues,
		 "Maximum number of queues per vbd (0: the number of online CPUs)");

unsigned int xbb_max_ring_page_order = XENBUS_MAX_RING_GRANT_ORDER;
module_param_named(max_ring_page_order, xbb_max_ring_page_order, uint, 0444);
MODULE_PARM_DESC(max_ring_page_order,
		 "Maximum order of pages to be used for the shared ring");

unsigned int xbb_max_indirect_segments = 256;
module_param_named(max_indirect_segments, xbb_max_indirect_segments, uint,
		   0444);
MODULE_PARM_DESC(max_indirect_segments,
		 "Maximum segments of an indirect request (0: no indirect requests)");

unsigned int xbb_max_buffer_pages = 1024;
module_param_named(max_buffer_pages, xbb_max_buffer_pages, uint, 0644);
MODULE_PARM_DESC(max_buffer_pages,
		 "Maximum number of free pages to keep in each queue's buffer");

/**
 * xbb_max_segs() - the most segments one request may carry
 *
 * Return: max_indirect_segments bounded to what eight indirect pages can
 * describe, or BLKIF_MAX_SEGMENTS_PER_REQUEST when indirect requests are
 * off (or asked for fewer segments than a direct one).
 */
unsigned int xbb_max_segs(void)
{
	return clamp_t(unsigned int, xbb_max_indirect_segments,
		       BLKIF_MAX_SEGMENTS_PER_REQUEST,
		       XBB_MAX_INDIRECT_SEGMENTS);
}

/* --- responses --- */

/* Under @ring->done_lock: bio completion answers too. */
static void __xbb_respond(struct xbb_ring *ring, u64 id, u8 op, s16 status)
{
	struct blkif_back_ring *common = &ring->ring.native;
	RING_IDX i = common->rsp_prod_pvt;
	int notify;

	/* Field by field: no padding of ours reaches the guest (XSA-216). */
	switch (ring->abi) {
	case XBB_ABI_X86_32: {
		struct xbb_x86_32_response *rsp =
			RING_GET_RESPONSE(&ring->ring.x86_32, i);

		rsp->id = id;
		rsp->operation = op;
		rsp->status = status;
		break;
	}
	case XBB_ABI_X86_64: {
		struct blkif_response *rsp =
			RING_GET_RESPONSE(&ring->ring.x86_64, i);

		rsp->id = id;
		rsp->operation = op;
		rsp->status = status;
		break;
	}
	default: {
		struct blkif_response *rsp = RING_GET_RESPONSE(common, i);

		rsp->id = id;
		rsp->operation = op;
		rsp->status = status;
		break;
	}
	}
	common->rsp_prod_pvt = i + 1;
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(common, notify);
	if (notify) {
		notify_remote_via_irq(ring->irq);
		xbb_stat_add(&ring->st.notify, 1);
	}
}

static void xbb_respond(struct xbb_ring *ring, u64 id, u8 op, s16 status)
{
	unsigned long flags;

	spin_lock_irqsave(&ring->done_lock, flags);
	__xbb_respond(ring, id, op, status);
	spin_unlock_irqrestore(&ring->done_lock, flags);
}

/*
 * Copy the segments of an INDIRECT request out of its descriptor pages,
 * once, into @segs; the pages are unmapped before anything is checked.
 */
static int xbb_read_indirect(struct xbb_ring *ring,
			     const struct xbb_request *req,
			     struct blkif_request_segment *segs)
{
	unsigned int nr_pages = DIV_ROUND_UP(req->nr_segments,
					     XBB_SEGS_PER_INDIRECT_PAGE);
	const struct xbb_mapping m = {
		.pages = ring->indirect_pages,
		.handles = ring->indirect_handles,
		.pgrants = ring->indirect_pgrants,
	};
	unsigned int i, left = req->nr_segments;
	int err;

	err = xbb_grant_map(ring, req->indirect_grefs, nr_pages, true, &m);
	if (err)
		return err;
	for (i = 0; i < nr_pages; i++) {
		unsigned int n = min_t(unsigned int, left,
				       XBB_SEGS_PER_INDIRECT_PAGE);

		memcpy(&segs[i * XBB_SEGS_PER_INDIRECT_PAGE],
		       page_address(ring->indirect_pages[i]),
		       n * sizeof(*segs));
		left -= n;
	}
	xbb_grant_unmap(ring, &m, nr_pages);
	return 0;
}

/* --- completion --- */

static void xbb_pending_put(struct xbb_pending *p)
{
	struct xbb_ring *ring = p->ring;
	unsigned long flags;

	if (!atomic_dec_and_test(&p->bios))
		return;
	/*
	 * A request on persistent grants alone is answered here, as soon
	 * as its data is in place; the kthread only recycles its slot, the
	 * next time it wakes anyway (or when it finds no free slot: @p is on
	 * the list before the frontend sees the answer, so one is there for
	 * the frontend's next request). Other requests have grants to unmap
	 * first, which the kthread does.
	 *
	 * Everything under the lock, the notification included: once the
	 * kthread can see @p on the list it may finish and the ring and its
	 * IRQ may go, so nothing may touch them after the unlock.
	 */
	spin_lock_irqsave(&ring->done_lock, flags);
	list_add_tail(&p->node, &ring->done);
	if (p->early)
		__xbb_respond(ring, p->id, p->operation, READ_ONCE(p->status));
	if (!p->early || ring->draining)
		wake_up(&ring->wq);
	spin_unlock_irqrestore(&ring->done_lock, flags);
}

static void xbb_bio_end(struct bio *bio)
{
	struct xbb_pending *p = bio->bi_private;

	if (bio->bi_status) {
		bool flush = p->operation == BLKIF_OP_WRITE_BARRIER ||
			     p->operation == BLKIF_OP_FLUSH_DISKCACHE;

		WRITE_ONCE(p->status,
			   flush && bio->bi_status == BLK_STS_NOTSUPP ?
			   BLKIF_RSP_EOPNOTSUPP : BLKIF_RSP_ERROR);
	}
	bio_put(bio);
	xbb_pending_put(p);
}

static bool xbb_has_done(struct xbb_ring *ring)
{
	bool ret;

	spin_lock_irq(&ring->done_lock);
	ret = !list_empty(&ring->done);
	spin_unlock_irq(&ring->done_lock);
	return ret;
}

/*
 * Release the grants of every finished request and answer those not
 * answered at completion; their slots become free.
 */
static void xbb_complete(struct xbb_ring *ring)
{
	struct xbb_pending *p, *n;
	LIST_HEAD(done);

	spin_lock_irq(&ring->done_lock);
	list_splice_init(&ring->done, &done);
	spin_unlock_irq(&ring->done_lock);

	list_for_each_entry_safe(p, n, &done, node) {
		xbb_grant_unmap(ring, &p->map, p->nr_segs);
		if (!p->early)
			xbb_respond(ring, p->id, p->operation,
				    READ_ONCE(p->status));
		list_move(&p->node, &ring->free);
		ring->nr_free++;
	}
	gnttab_page_cache_shrink(&ring->cache, xbb_max_buffer_pages);
}

/* --- requests --- */

static struct bio *xbb_bio_alloc(struct xbb_pending *p,
				 struct block_device *bdev,
				 unsigned int nr_vecs, blk_opf_t opf,
				 sector_t sector)
{
	struct bio *bio = bio_alloc(bdev, nr_vecs, opf, GFP_KERNEL);

	bio->bi_iter.bi_sector = sector;
	bio->bi_private = p;
	bio->bi_end_io = xbb_bio_end;
	return bio;
}

static void xbb_submit(struct xbb_pending *p, struct block_device *bdev,
		       blk_opf_t opf, sector_t sector)
{
	struct bio *bio = NULL;
	struct blk_plug plug;
	unsigned int i;

	/* One count for the submitter, so that @p outlives this loop. */
	atomic_set(&p->bios, 1);
	blk_start_plug(&plug);
	for (i = 0; i < p->nr_segs; i++) {
		const struct blkif_request_segment *seg = &p->segs[i];
		unsigned int off = seg->first_sect << SECTOR_SHIFT;
		unsigned int len = (seg->last_sect - seg->first_sect + 1) <<
				   SECTOR_SHIFT;

		while (!bio ||
		       bio_add_page(bio, p->map.pages[i], len, off) != len) {
			if (bio) {
				atomic_inc(&p->bios);
				submit_bio(bio);
			}
			bio = xbb_bio_alloc(p, bdev,
					    min_t(unsigned int, p->nr_segs - i,
						  BIO_MAX_VECS), opf, sector);
		}
		sector += len >> SECTOR_SHIFT;
	}
	if (!bio)	/* a flush carries no data */
		bio = xbb_bio_alloc(p, bdev, 0, opf, sector);
	atomic_inc(&p->bios);
	submit_bio(bio);
	blk_finish_plug(&plug);
	xbb_pending_put(p);
}

/* Check the copied segments; Return: their total in sectors, or -EINVAL. */
static s64 xbb_check_segments(const struct blkif_request_segment *segs,
			      unsigned int n, unsigned int lbs_mask)
{
	s64 total = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		unsigned int first = segs[i].first_sect;
		unsigned int last = segs[i].last_sect;

		if (last >= XBB_SECTORS_PER_PAGE || last < first)
			return -EINVAL;
		if ((first | (last - first + 1)) & lbs_mask)
			return -EINVAL;
		total += last - first + 1;
	}
	return total;
}

static void xbb_do_rw(struct xbb_ring *ring, const struct xbb_request *req)
{
	struct xbb_vbd *vbd = &ring->be->vbd;
	unsigned int lbs_mask = (bdev_logical_block_size(vbd->bdev) >>
				 SECTOR_SHIFT) - 1;
	sector_t size = xbb_vbd_sectors(vbd);
	unsigned int nseg = req->nr_segments;
	s16 status = BLKIF_RSP_ERROR;
	struct xbb_pending *p;
	unsigned int i;
	blk_opf_t opf;
	s64 sectors;

	/* Counted as they arrive, valid or not, as Linux does. */
	switch (req->operation) {
	case BLKIF_OP_READ:
		opf = REQ_OP_READ;
		xbb_stat_add(&ring->st.rd_req, 1);
		break;
	case BLKIF_OP_WRITE:
		opf = REQ_OP_WRITE;
		xbb_stat_add(&ring->st.wr_req, 1);
		break;
	case BLKIF_OP_WRITE_BARRIER:
		opf = REQ_OP_WRITE | REQ_PREFLUSH | REQ_FUA;
		xbb_stat_add(&ring->st.f_req, 1);
		break;
	case BLKIF_OP_FLUSH_DISKCACHE:
		opf = REQ_OP_WRITE | REQ_PREFLUSH;
		xbb_stat_add(&ring->st.f_req, 1);
		break;
	default:
		goto answer;
	}

	if (req->indirect) {
		/* Only reads and writes travel indirectly. */
		if (opf != REQ_OP_READ && opf != REQ_OP_WRITE)
			goto answer;
		if (!xbb_max_indirect_segments) {
			status = BLKIF_RSP_EOPNOTSUPP;
			goto answer;
		}
		if (nseg == 0 || nseg > ring->max_segs)
			goto answer;
	} else if (nseg > BLKIF_MAX_SEGMENTS_PER_REQUEST ||
		   (nseg == 0 && req->operation != BLKIF_OP_FLUSH_DISKCACHE)) {
		goto answer;
	}

	if (opf & REQ_PREFLUSH && !vbd->flush) {
		status = BLKIF_RSP_EOPNOTSUPP;
		goto answer;
	}
	if (op_is_write(opf) && vbd->readonly)
		goto answer;

	p = list_first_entry(&ring->free, struct xbb_pending, node);
	if (req->indirect) {
		if (xbb_read_indirect(ring, req, p->segs))
			goto answer;
	} else {
		memcpy(p->segs, req->seg, nseg * sizeof(*p->segs));
	}

	sectors = xbb_check_segments(p->segs, nseg, lbs_mask);
	if (sectors < 0)
		goto answer;
	/* A flush carries no data, and its sector means nothing. */
	if (sectors && ((req->sector & lbs_mask) || req->sector > size ||
			sectors > size - req->sector))
		goto answer;

	/* Writes to disk only read the guest's pages. */
	for (i = 0; i < nseg; i++)
		ring->map_refs[i] = p->segs[i].gref;
	if (xbb_grant_map(ring, ring->map_refs, nseg, opf != REQ_OP_READ,
			  &p->map))
		goto answer;
	if (opf == REQ_OP_READ)
		xbb_stat_add(&ring->st.rd_sect, sectors);
	else
		xbb_stat_add(&ring->st.wr_sect, sectors);

	list_del(&p->node);
	ring->nr_free--;
	p->id = req->id;
	p->operation = req->operation;
	p->status = BLKIF_RSP_OKAY;
	p->nr_segs = nseg;
	p->early = true;
	for (i = 0; i < nseg; i++)
		p->early &= !!p->map.pgrants[i];
	xbb_submit(p, vbd->bdev, opf, req->sector);
	return;

answer:
	xbb_respond(ring, req->id, req->operation, status);
}

static void xbb_do_discard(struct xbb_ring *ring,
			   const struct xbb_request *req)
{
	struct xbb_vbd *vbd = &ring->be->vbd;
	sector_t size = xbb_vbd_sectors(vbd);
	s16 status = BLKIF_RSP_ERROR;
	int err;

	xbb_stat_add(&ring->st.ds_req, 1);
	if (!vbd->discard) {
		status = BLKIF_RSP_EOPNOTSUPP;
		goto answer;
	}
	if (req->sector > size || req->nr_sectors > size - req->sector)
		goto answer;

	/* discard-secure = 0 makes the flag a plain discard (blkif.h). */
	if ((req->discard_flag & BLKIF_DISCARD_SECURE) && vbd->secure_discard)
		err = blkdev_issue_secure_erase(vbd->bdev, req->sector,
						req->nr_sectors, GFP_KERNEL);
	else
		err = blkdev_issue_discard(vbd->bdev, req->sector,
					   req->nr_sectors, GFP_KERNEL);
	if (!err)
		status = BLKIF_RSP_OKAY;
	else if (err == -EOPNOTSUPP)
		status = BLKIF_RSP_EOPNOTSUPP;
answer:
	xbb_respond(ring, req->id, BLKIF_OP_DISCARD, status);
}

/*
 * Normalise a request already copied out of the ring: every layout has the
 * same member names, and the id sits at the same place in each variant.
 */
#define xbb_normalise(req, src) do {					\
	__auto_type __s = (src);					\
	struct xbb_request *__r = (req);				\
									\
	__r->ring_op = __s->operation;					\
	__r->operation = __s->operation;				\
	__r->id = __s->u.other.id;					\
	if (__s->operation == BLKIF_OP_DISCARD) {			\
		__r->discard_flag = __s->u.discard.flag;		\
		__r->sector = __s->u.discard.sector_number;		\
		__r->nr_sectors = __s->u.discard.nr_sectors;		\
	} else if (__s->operation == BLKIF_OP_INDIRECT) {		\
		__r->indirect = true;					\
		__r->operation = __s->u.indirect.indirect_op;		\
		__r->nr_segments = __s->u.indirect.nr_segments;		\
		__r->sector = __s->u.indirect.sector_number;		\
		memcpy(__r->indirect_grefs, __s->u.indirect.indirect_grefs, \
		       sizeof(__r->indirect_grefs));			\
	} else {							\
		__r->nr_segments = __s->u.rw.nr_segments;		\
		__r->sector = __s->u.rw.sector_number;			\
		memcpy(__r->seg, __s->u.rw.seg, sizeof(__r->seg));	\
	}								\
} while (0)

/* Copy request @idx out of the shared ring, once (XSA-155). */
static void xbb_copy_request(struct xbb_ring *ring, RING_IDX idx,
			     struct xbb_request *req)
{
	switch (ring->abi) {
	case XBB_ABI_X86_32: {
		struct xbb_x86_32_request src;

		RING_COPY_REQUEST(&ring->ring.x86_32, idx, &src);
		xbb_normalise(req, &src);
		break;
	}
	case XBB_ABI_X86_64: {
		struct xbb_x86_64_request src;

		RING_COPY_REQUEST(&ring->ring.x86_64, idx, &src);
		xbb_normalise(req, &src);
		break;
	}
	default: {
		struct blkif_request src;

		RING_COPY_REQUEST(&ring->ring.native, idx, &src);
		xbb_normalise(req, &src);
		break;
	}
	}
}

/*
 * Read requests while a slot is free. Return: whether the frontend had
 * work for us, read or still waiting for a slot (its event was not
 * spurious then, and is EOIed as a real one).
 */
static bool xbb_consume(struct xbb_ring *ring)
{
	struct blkif_back_ring *common = &ring->ring.native;
	bool work = false;
	int more;

	do {
		RING_IDX rc = common->req_cons;
		RING_IDX rp = READ_ONCE(common->sring->req_prod);

		virt_rmb();	/* the requests after the producer index */
		if (RING_REQUEST_PROD_OVERFLOW(common, rp)) {
			pr_warn("domain %d: req_prod %u is %u past rsp_prod, ring %u disabled\n",
				ring->be->dev->otherend_id, rp,
				rp - common->rsp_prod_pvt, ring->index);
			ring->broken = true;
			return work;
		}
		while (rc != rp) {
			struct xbb_request req = {};

			if (RING_REQUEST_CONS_OVERFLOW(common, rc))
				return work;
			/* Slots of requests answered at completion. */
			if (!ring->nr_free)
				xbb_complete(ring);
			/*
			 * Not reached: the frontend has fewer than a ring's
			 * worth of requests unanswered (checked above), and
			 * every answered one is back on the free list. Were
			 * it, the ring would stop loudly, not hang silently.
			 */
			if (!ring->nr_free) {
				xbb_stat_add(&ring->st.oo_req, 1);
				pr_err_once("domain %d: no free request slot, ring %u stopped\n",
					    ring->be->dev->otherend_id,
					    ring->index);
				ring->broken = true;
				return work;
			}
			/*
			 * Disconnect stops us between requests: a ring full
			 * of slow ones (discards) cannot hold xenwatch.
			 */
			if (kthread_should_stop())
				return work;
			xbb_copy_request(ring, rc, &req);
			common->req_cons = ++rc;
			work = true;

			if (req.ring_op == BLKIF_OP_DISCARD)
				xbb_do_discard(ring, &req);
			else if (req.ring_op <= BLKIF_OP_FLUSH_DISKCACHE ||
				 req.ring_op == BLKIF_OP_INDIRECT)
				xbb_do_rw(ring, &req);
			else
				xbb_respond(ring, req.id, req.ring_op,
					    BLKIF_RSP_EOPNOTSUPP);
			cond_resched();
		}
		/* Answers waiting on an unmap need not wait for the pass. */
		if (xbb_has_done(ring))
			xbb_complete(ring);
		RING_FINAL_CHECK_FOR_REQUESTS(common, more);
	} while (more);
	return work;
}

static irqreturn_t xbb_irq(int irq, void *data)
{
	struct xbb_ring *ring = data;

	/* The port stays masked until the kthread's late EOI. */
	xbb_stat_add(&ring->st.irq, 1);
	atomic_set(&ring->irq_pending, 1);
	wake_up(&ring->wq);
	return IRQ_HANDLED;
}

static int xbb_thread(void *data)
{
	struct xbb_ring *ring = data;

	/* Requests the frontend queued before connecting (after resume). */
	xbb_consume(ring);
	/* Runs until kthread_stop(), never ends on its own (XSA-350). */
	while (!kthread_should_stop()) {
		bool eoi, work = false;

		wait_event_interruptible_timeout(ring->wq,
						 atomic_read(&ring->irq_pending) ||
						 xbb_has_done(ring) ||
						 kthread_should_stop(),
						 XBB_IDLE_INTERVAL);
		if (ring->index == 0)
			xbb_vbd_check_resize(ring->be);
		eoi = atomic_xchg(&ring->irq_pending, 0);
		xbb_complete(ring);
		/*
		 * The ring is read after an event only, never on the idle
		 * timeout: a frontend that never notifies is not polled.
		 */
		if (eoi && !ring->broken && !kthread_should_stop())
			work = xbb_consume(ring);
		if (eoi)
			xen_irq_lateeoi(ring->irq,
					work ? 0 : XEN_EOI_FLAG_SPURIOUS);
		if (ring->persistent &&
		    time_after_eq(jiffies, ring->next_purge)) {
			xbb_pgrant_purge(ring);
			/* The purged grants' pages return to the cache. */
			gnttab_page_cache_shrink(&ring->cache,
						 xbb_max_buffer_pages);
			ring->next_purge = jiffies + XBB_IDLE_INTERVAL;
		}
	}

	/*
	 * Stopped: no new request; wait for the bios in flight. Their
	 * persistent grants are put back here, so xbb_ring_stop() finds
	 * none in use.
	 */
	spin_lock_irq(&ring->done_lock);
	ring->draining = true;
	spin_unlock_irq(&ring->done_lock);
	while (ring->nr_free != ring->nr_pool) {
		wait_event(ring->wq, xbb_has_done(ring));
		xbb_complete(ring);
	}
	return 0;
}

/* --- queue set-up and teardown --- */

static int xbb_ring_alloc(struct xbb_ring *ring)
{
	unsigned int i, n = ring->nr_pool, segs = ring->max_segs;

	ring->pool = kcalloc(n, sizeof(*ring->pool), GFP_KERNEL);
	ring->pool_segs = kvcalloc(n * segs, sizeof(*ring->pool_segs),
				   GFP_KERNEL);
	ring->pool_pages = kvcalloc(n * segs, sizeof(*ring->pool_pages),
				    GFP_KERNEL);
	ring->pool_handles = kvcalloc(n * segs, sizeof(*ring->pool_handles),
				      GFP_KERNEL);
	ring->pool_pgrants = kvcalloc(n * segs, sizeof(*ring->pool_pgrants),
				      GFP_KERNEL);
	ring->map_refs = kvcalloc(segs, sizeof(*ring->map_refs), GFP_KERNEL);
	ring->map_ops = kvcalloc(segs, sizeof(*ring->map_ops), GFP_KERNEL);
	ring->map_pages = kvcalloc(segs, sizeof(*ring->map_pages), GFP_KERNEL);
	ring->map_seg = kvcalloc(segs, sizeof(*ring->map_seg), GFP_KERNEL);
	ring->map_persist = kvcalloc(segs, sizeof(*ring->map_persist),
				     GFP_KERNEL);
	ring->unmap_ops = kvcalloc(segs, sizeof(*ring->unmap_ops), GFP_KERNEL);
	ring->unmap_pages = kvcalloc(segs, sizeof(*ring->unmap_pages),
				     GFP_KERNEL);
	if (!ring->pool || !ring->pool_segs || !ring->pool_pages ||
	    !ring->pool_handles || !ring->pool_pgrants || !ring->map_refs ||
	    !ring->map_ops || !ring->map_pages || !ring->map_seg ||
	    !ring->map_persist || !ring->unmap_ops || !ring->unmap_pages)
		return -ENOMEM;

	for (i = 0; i < n; i++) {
		struct xbb_pending *p = &ring->pool[i];

		p->ring = ring;
		p->segs = &ring->pool_segs[i * segs];
		p->map.pages = &ring->pool_pages[i * segs];
		p->map.handles = &ring->pool_handles[i * segs];
		p->map.pgrants = &ring->pool_pgrants[i * segs];
		list_add_tail(&p->node, &ring->free);
	}
	ring->nr_free = n;
	return 0;
}

static void xbb_ring_free(struct xbb_ring *ring)
{
	INIT_LIST_HEAD(&ring->free);
	ring->nr_free = 0;
	ring->nr_pool = 0;
	kvfree(ring->unmap_pages);
	ring->unmap_pages = NULL;
	kvfree(ring->unmap_ops);
	ring->unmap_ops = NULL;
	kvfree(ring->map_persist);
	ring->map_persist = NULL;
	kvfree(ring->map_seg);
	ring->map_seg = NULL;
	kvfree(ring->map_pages);
	ring->map_pages = NULL;
	kvfree(ring->map_ops);
	ring->map_ops = NULL;
	kvfree(ring->map_refs);
	ring->map_refs = NULL;
	kvfree(ring->pool_pgrants);
	ring->pool_pgrants = NULL;
	kvfree(ring->pool_handles);
	ring->pool_handles = NULL;
	kvfree(ring->pool_pages);
	ring->pool_pages = NULL;
	kvfree(ring->pool_segs);
	ring->pool_segs = NULL;
	kfree(ring->pool);
	ring->pool = NULL;
	gnttab_page_cache_shrink(&ring->cache, 0);
}

/**
 * xbb_ring_start() - map one queue's ring, bind its event channel, start
 *	its kthread
 * @ring: the queue, initialised by the caller and not started
 * @dir: the frontend's directory of the queue's keys
 * @desc: the ring keys and the largest order accepted
 * @layout: the ring size the frontend chose
 *
 * On failure the queue is left for xbb_ring_stop() to undo.
 *
 * Return: 0, or a negative errno (reported in xenstore).
 */
int xbb_ring_start(struct xbb_ring *ring, const char *dir,
		   const struct xpvbus_ring_desc *desc,
		   const struct xpvbus_ring_layout *layout)
{
	struct xenbus_device *dev = ring->be->dev;
	int err;

	err = xpvbus_map_ring(dev, dir, desc, layout, &ring->sring);
	if (err)
		return err;

	switch (ring->abi) {
	case XBB_ABI_X86_32:
		err = XPVBUS_BACK_RING_ATTACH(dev, dir, desc, layout,
					      &ring->ring.x86_32, ring->sring);
		break;
	case XBB_ABI_X86_64:
		err = XPVBUS_BACK_RING_ATTACH(dev, dir, desc, layout,
					      &ring->ring.x86_64, ring->sring);
		break;
	default:
		err = XPVBUS_BACK_RING_ATTACH(dev, dir, desc, layout,
					      &ring->ring.native, ring->sring);
		break;
	}
	ring->nr_pool = RING_SIZE(&ring->ring.native);
	if (err)
		return err;

	ring->max_segs = xbb_max_segs();
	err = xbb_ring_alloc(ring);
	if (err) {
		xenbus_dev_fatal(dev, err, "allocating queue %u", ring->index);
		return err;
	}

	err = xpvbus_bind_evtchn(dev, dir, "event-channel", xbb_irq,
				 "blkif-backend", ring);
	if (err < 0)
		return err;
	ring->irq = err;

	ring->task = kthread_run(xbb_thread, ring, "blkback.%d.%s-%u",
				 dev->otherend_id,
				 strrchr(dev->nodename, '/') + 1, ring->index);
	if (IS_ERR(ring->task)) {
		err = PTR_ERR(ring->task);
		ring->task = NULL;
		xenbus_dev_fatal(dev, err, "starting queue %u", ring->index);
		return err;
	}
	return 0;
}

/**
 * xbb_ring_stop() - stop a queue and release everything it holds
 * @ring: the queue, started or partly started
 *
 * The kthread stops reading requests, waits for every bio in flight,
 * unmaps each grant and answers; then every persistent grant is unmapped,
 * the IRQ unbound and the ring unmapped. Safe at any point of
 * xbb_ring_start(), and a no-op the second time.
 */
void xbb_ring_stop(struct xbb_ring *ring)
{
	if (ring->task) {
		kthread_stop(ring->task);
		ring->task = NULL;
	}
	xbb_pgrant_free_all(ring);
	xpvbus_unbind_evtchn(&ring->irq, ring);
	xpvbus_unmap_ring(ring->be->dev, &ring->sring);
	xbb_ring_free(ring);
}

static int __init xbb_init(void)
{
	if (!xen_domain())
		return -ENODEV;

	if (xbb_max_ring_page_order > XENBUS_MAX_RING_GRANT_ORDER) {
		pr_info("max_ring_page_order %u above %u, lowered\n",
			xbb_max_ring_page_order, XENBUS_MAX_RING_GRANT_ORDER);
		xbb_max_ring_page_order = XENBUS_MAX_RING_GRANT_ORDER;
	}
	if (!xbb_max_queues)
		xbb_max_queues = num_online_cpus();
	return xbb_xenbus_init();
}
module_init(xbb_init);

static void __exit xbb_exit(void)
{
	xbb_xenbus_exit();
}
module_exit(xbb_exit);

MODULE_DESCRIPTION("Xen block device backend (xpv)");
MODULE_ALIAS("xen-backend:vbd");
XPV_MODULE_INFO();
MODULE_LICENSE("GPL");
