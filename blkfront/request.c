// SPDX-License-Identifier: GPL-2.0
/*
 * request.c - blk-mq requests onto the shared ring.
 *
 * Each hardware queue feeds one ring (after a resume to a backend with
 * fewer queues, several share one). A request takes a free slot, whose
 * index is the id the backend echoes; reads and writes of up to eleven
 * segments go in the request itself, larger ones as INDIRECT with their
 * segment descriptors in pages granted to the backend. Flush goes as
 * FLUSH_DISKCACHE or, for a backend that only has barriers, as an empty
 * WRITE_BARRIER; the queue never claims FUA. Sector numbers and counts
 * are in 512-byte units whatever the disk's block size.
 *
 * The request is built on the stack, zeroed first so that no padding
 * carries kernel memory to the backend, and copied to the ring whole.
 * The ring is pushed, and the backend notified, once per batch (bd->last
 * or ->commit_rqs()).
 */
#include "common.h"

#include <linux/bio.h>
#include <linux/string.h>

#include <xen/events.h>

/**
 * xbf_push() - publish the requests put on a ring, notify if needed
 * @ring: the ring, locked
 */
void xbf_push(struct xbf_ring *ring)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&ring->front, notify);
	if (notify) {
		notify_remote_via_irq(ring->evtchn.irq);
		ring->stats[XBF_STAT_NOTIFY]++;
	}
}

/* Copy @req into the ring's next free entry. */
static void xbf_ring_put(struct xbf_ring *ring, const struct blkif_request *req)
{
	memcpy(RING_GET_REQUEST(&ring->front, ring->front.req_prod_pvt), req,
	       sizeof(*req));
	ring->front.req_prod_pvt++;
	ring->stats[XBF_STAT_REQUESTS]++;
}

static void xbf_queue_empty(struct xbf_ring *ring, struct xbf_slot *slot,
			    struct request *rq, u8 op)
{
	struct blkif_request req;

	memset(&req, 0, sizeof(req));
	req.operation = op;
	req.u.rw.handle = ring->info->handle;
	req.u.rw.id = slot - ring->slots;
	req.u.rw.sector_number = blk_rq_pos(rq);
	xbf_slot_take(ring, slot, rq, op);
	xbf_ring_put(ring, &req);
}

static void xbf_queue_discard(struct xbf_ring *ring, struct xbf_slot *slot,
			      struct request *rq, bool secure)
{
	struct blkif_request req;

	memset(&req, 0, sizeof(req));
	req.operation = BLKIF_OP_DISCARD;
	req.u.discard.flag = secure ? BLKIF_DISCARD_SECURE : 0;
	req.u.discard.id = slot - ring->slots;
	req.u.discard.sector_number = blk_rq_pos(rq);
	req.u.discard.nr_sectors = blk_rq_sectors(rq);
	xbf_slot_take(ring, slot, rq, BLKIF_OP_DISCARD);
	xbf_ring_put(ring, &req);
}

/* Map @rq's data into @slot->sg; check each segment fits a grant. */
static int xbf_map_segments(struct xbf_ring *ring, struct xbf_slot *slot,
			    struct request *rq)
{
	struct scatterlist *sg;
	unsigned int i;
	int n;

	n = blk_rq_map_sg(rq->q, rq, slot->sg);
	if (n <= 0 || n > ring->info->max_grants)
		return -EIO;
	for_each_sg(slot->sg, sg, n, i) {
		if (!sg->length || sg->offset + sg->length > PAGE_SIZE ||
		    (sg->offset | sg->length) & (SECTOR_SIZE - 1)) {
			pr_err_ratelimited("%s: segment %u+%u does not fit a page\n",
					   ring->info->gd->disk_name,
					   sg->offset, sg->length);
			return -EIO;
		}
	}
	slot->nr_segs = n;
	return 0;
}

static void xbf_seg_desc(struct blkif_request_segment *d,
			 const struct xbf_grant *g, const struct scatterlist *sg)
{
	d->gref = g->gref;
	d->first_sect = sg->offset >> SECTOR_SHIFT;
	d->last_sect = (sg->offset + sg->length) / SECTOR_SIZE - 1;
}

/* Write the segment descriptors into the slot's indirect pages. */
static void xbf_fill_indirect(struct xbf_slot *slot)
{
	struct blkif_request_segment *d = NULL;
	struct scatterlist *sg;
	unsigned int i;

	for_each_sg(slot->sg, sg, slot->nr_segs, i) {
		unsigned int k = i % XBF_SEGS_PER_INDIRECT_PAGE;

		if (!k) {
			if (d)
				kunmap_local(d);
			d = kmap_local_page(slot->ind[i / XBF_SEGS_PER_INDIRECT_PAGE].page);
		}
		xbf_seg_desc(&d[k], &slot->segs[i], sg);
	}
	if (d)
		kunmap_local(d);
}

static int xbf_queue_rw(struct xbf_ring *ring, struct xbf_slot *slot,
			struct request *rq)
{
	struct xbf_info *info = ring->info;
	bool write = rq_data_dir(rq) == WRITE;
	u8 op = write ? BLKIF_OP_WRITE : BLKIF_OP_READ;
	struct blkif_request req;
	struct scatterlist *sg;
	unsigned int i;
	bool indirect;
	int err;

	err = xbf_map_segments(ring, slot, rq);
	if (err)
		return err;
	indirect = slot->nr_segs > BLKIF_MAX_SEGMENTS_PER_REQUEST;
	if (indirect && !info->max_indirect)
		return -EIO;
	slot->nr_ind = indirect ? DIV_ROUND_UP(slot->nr_segs,
					       XBF_SEGS_PER_INDIRECT_PAGE) : 0;
	slot->write = write;
	err = xbf_slot_grant(ring, slot);
	if (err)
		return err;

	memset(&req, 0, sizeof(req));
	if (indirect) {
		xbf_fill_indirect(slot);
		req.operation = BLKIF_OP_INDIRECT;
		req.u.indirect.indirect_op = op;
		req.u.indirect.nr_segments = slot->nr_segs;
		req.u.indirect.id = slot - ring->slots;
		req.u.indirect.sector_number = blk_rq_pos(rq);
		req.u.indirect.handle = info->handle;
		for (i = 0; i < slot->nr_ind; i++)
			req.u.indirect.indirect_grefs[i] = slot->ind[i].gref;
		ring->stats[XBF_STAT_INDIRECT]++;
	} else {
		req.operation = op;
		req.u.rw.nr_segments = slot->nr_segs;
		req.u.rw.handle = info->handle;
		req.u.rw.id = slot - ring->slots;
		req.u.rw.sector_number = blk_rq_pos(rq);
		for_each_sg(slot->sg, sg, slot->nr_segs, i)
			xbf_seg_desc(&req.u.rw.seg[i], &slot->segs[i], sg);
	}
	ring->stats[XBF_STAT_SEGMENTS] += slot->nr_segs;
	/* INDIRECT is answered with the operation it carries. */
	xbf_slot_take(ring, slot, rq, op);
	xbf_ring_put(ring, &req);
	return 0;
}

/*
 * Hand a request too large for this backend back to the block layer as
 * its bios, to be split to the current limits: its segment count was fixed
 * under an earlier connection's (a resume to a backend with fewer indirect
 * segments). A request of a flush sequence cannot be taken apart.
 */
static int xbf_resubmit(struct xbf_info *info, struct request *rq)
{
	struct bio_list bios;
	unsigned long flags;

	if (!rq->bio || (rq->rq_flags & RQF_FLUSH_SEQ))
		return -EIO;
	bios.head = rq->bio;
	bios.tail = rq->biotail;
	rq->bio = NULL;
	rq->biotail = NULL;
	spin_lock_irqsave(&info->resubmit_lock, flags);
	bio_list_merge(&info->resubmit, &bios);
	spin_unlock_irqrestore(&info->resubmit_lock, flags);
	schedule_work(&info->resubmit_work);
	return 1;
}

/**
 * xbf_resubmit_work() - submit the bios taken from oversized requests
 * @work: struct xbf_info's @resubmit_work
 */
void xbf_resubmit_work(struct work_struct *work)
{
	struct xbf_info *info = container_of(work, struct xbf_info,
					     resubmit_work);
	struct bio_list bios;
	unsigned long flags;
	struct bio *bio;

	spin_lock_irqsave(&info->resubmit_lock, flags);
	bios = info->resubmit;
	bio_list_init(&info->resubmit);
	spin_unlock_irqrestore(&info->resubmit_lock, flags);
	while ((bio = bio_list_pop(&bios)))
		submit_bio(bio);
}

/*
 * Put @rq on @ring. Return: 0 when queued, 1 when done without the
 * backend, -EBUSY to retry later, -EOPNOTSUPP or -EIO to fail it.
 */
static int xbf_queue_one(struct xbf_ring *ring, struct request *rq)
{
	struct xbf_info *info = ring->info;
	struct xbf_slot *slot;

	if (RING_FULL(&ring->front))
		return -EBUSY;
	slot = xbf_slot_peek(ring);
	if (!slot)
		return -EBUSY;

	switch (req_op(rq)) {
	case REQ_OP_FLUSH:
		/* The backend may withdraw flush support at any time. */
		if (!READ_ONCE(info->flush))
			return 1;
		xbf_queue_empty(ring, slot, rq, info->flush_op);
		return 0;
	case REQ_OP_DISCARD:
	case REQ_OP_SECURE_ERASE:
		if (!READ_ONCE(info->discard) ||
		    (req_op(rq) == REQ_OP_SECURE_ERASE && !info->secure_discard))
			return -EOPNOTSUPP;
		xbf_queue_discard(ring, slot, rq,
				  req_op(rq) == REQ_OP_SECURE_ERASE);
		return 0;
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		if (blk_rq_nr_phys_segments(rq) > info->max_grants)
			return xbf_resubmit(info, rq);
		return xbf_queue_rw(ring, slot, rq);
	default:
		return -EOPNOTSUPP;
	}
}

static blk_status_t xbf_queue_rq(struct blk_mq_hw_ctx *hctx,
				 const struct blk_mq_queue_data *bd)
{
	struct xbf_info *info = hctx->queue->queuedata;
	unsigned int nr_rings = READ_ONCE(info->nr_rings);
	struct request *rq = bd->rq;
	struct xbf_ring *ring;
	unsigned long flags;
	int err;

	blk_mq_start_request(rq);
	/*
	 * Rings are only replaced while the queue is quiesced (resume);
	 * they are gone for good once the device is closing.
	 */
	if (READ_ONCE(info->state) == XBF_CLOSING || !nr_rings)
		return BLK_STS_IOERR;
	ring = &info->rings[hctx->queue_num % nr_rings];

	spin_lock_irqsave(&ring->lock, flags);
	/* Under the lock: the broken work fails what it finds queued. */
	if (xbf_broken(info))
		err = -EIO;
	else if (!ring->live)
		err = -EBUSY;
	else
		err = xbf_queue_one(ring, rq);
	if (err == -EBUSY) {
		/* The interrupt or the grant callback restarts the queue. */
		if (ring->live)
			xbf_push(ring);
		blk_mq_stop_hw_queue(hctx);
		ring->stats[XBF_STAT_BUSY]++;
	} else if (!err && bd->last) {
		xbf_push(ring);
	}
	spin_unlock_irqrestore(&ring->lock, flags);

	switch (err) {
	case 0:
		return BLK_STS_OK;
	case 1:
		blk_mq_end_request(rq, BLK_STS_OK);
		return BLK_STS_OK;
	case -EBUSY:
		return BLK_STS_DEV_RESOURCE;
	case -EOPNOTSUPP:
		return BLK_STS_NOTSUPP;
	default:
		return BLK_STS_IOERR;
	}
}

static void xbf_commit_rqs(struct blk_mq_hw_ctx *hctx)
{
	struct xbf_info *info = hctx->queue->queuedata;
	unsigned int nr_rings = READ_ONCE(info->nr_rings);
	struct xbf_ring *ring;
	unsigned long flags;

	if (!nr_rings)
		return;
	ring = &info->rings[hctx->queue_num % nr_rings];
	spin_lock_irqsave(&ring->lock, flags);
	if (ring->live)
		xbf_push(ring);
	spin_unlock_irqrestore(&ring->lock, flags);
}

static void xbf_complete_rq(struct request *rq)
{
	struct xbf_rq *xrq = blk_mq_rq_to_pdu(rq);

	blk_mq_end_request(rq, xrq->status);
}

const struct blk_mq_ops xbf_mq_ops = {
	.queue_rq = xbf_queue_rq,
	.commit_rqs = xbf_commit_rqs,
	.complete = xbf_complete_rq,
};
