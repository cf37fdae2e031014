// SPDX-License-Identifier: GPL-2.0
/*
 * ring.c - the rings: set up and offered to the backend, responses read
 * back, torn down.
 *
 * Responses come from a backend that is not trusted (XSA-155, XSA-396).
 * The interrupt handler reads rsp_prod once per pass and refuses more
 * responses than requests outstanding; it copies each response out of the
 * shared page before looking at it; the id must name a slot in flight,
 * the operation must be the one that slot sent, and every grant of the
 * request must be revocable (or persistent) before the request completes
 * and its pages are touched. Any violation disables the device: the
 * handler stops without EOI, so the port stays masked, and a work fails
 * what is in flight; requests whose pages the backend still maps are not
 * completed, so those pages never go back to their owners under it.
 */
#include "common.h"

#include <linux/slab.h>

#include <xen/events.h>

static const struct xpvbus_ring_desc xbf_ring_desc = {
	.ref_key = "ring-ref",
	.order_key = "ring-page-order",
	.max_order = XENBUS_MAX_RING_GRANT_ORDER,
	.max_order_key = "max-ring-page-order",
};

/* Disable the device; say why once. Return: -EPROTO. */
static __printf(2, 3)
int xbf_protocol_error(struct xbf_ring *ring, const char *fmt, ...)
{
	struct xbf_info *info = ring->info;
	struct va_format vaf;
	va_list args;

	if (test_and_set_bit(XBF_BROKEN, &info->flags))
		return -EPROTO;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	dev_alert(&info->xbdev->dev,
		  "%s: queue %u: backend error: %pV; disabled for further use\n",
		  info->gd ? info->gd->disk_name : "(no disk)", ring->index,
		  &vaf);
	va_end(args);
	schedule_work(&info->broken_work);
	return -EPROTO;
}

/* The status a response's request completes with. */
static blk_status_t xbf_status(struct xbf_ring *ring, struct xbf_slot *slot,
			       s16 status)
{
	struct xbf_info *info = ring->info;
	const char *name = info->gd ? info->gd->disk_name : "";

	if (status == BLKIF_RSP_OKAY)
		return BLK_STS_OK;
	switch (slot->op) {
	case BLKIF_OP_DISCARD:
		if (status != BLKIF_RSP_EOPNOTSUPP)
			break;
		pr_warn_ratelimited("%s: discard not supported by the backend; disabled\n",
				    name);
		xbf_disk_disable_discard(info);
		return BLK_STS_NOTSUPP;
	case BLKIF_OP_FLUSH_DISKCACHE:
	case BLKIF_OP_WRITE_BARRIER:
		/*
		 * Ours carry no data. A backend may withdraw the feature,
		 * and old ones fail an empty barrier they cannot do: either
		 * way flushes stop, as in Linux's blkfront.
		 */
		pr_warn_ratelimited("%s: flush failed (%d); flushes disabled\n",
				    name, status);
		WRITE_ONCE(info->flush, false);
		return BLK_STS_OK;
	default:
		break;
	}
	dev_dbg_ratelimited(&info->xbdev->dev, "%s: request failed: %d\n",
			    name, status);
	return BLK_STS_IOERR;
}

/*
 * Complete requests taken off a ring, after its lock is dropped: a
 * completion may submit new I/O, which takes the lock in queue_rq.
 */
static void xbf_complete_list(struct list_head *done)
{
	struct request *rq, *n;

	list_for_each_entry_safe(rq, n, done, queuelist) {
		list_del_init(&rq->queuelist);
		if (likely(!blk_should_fake_timeout(rq->q)))
			blk_mq_complete_request(rq);
	}
}

/* Check one response, copied out of the ring; its request goes to @done. */
static int xbf_response(struct xbf_ring *ring, const struct blkif_response *rsp,
			struct list_head *done)
{
	struct xbf_slot *slot;
	struct request *rq;
	blk_status_t sts;

	if (rsp->id >= ring->nr_slots)
		return xbf_protocol_error(ring, "response id %llu out of range",
					  rsp->id);
	slot = &ring->slots[rsp->id];
	rq = slot->rq;
	if (!rq || slot->lost)
		return xbf_protocol_error(ring, "response id %llu: no request in flight",
					  rsp->id);
	if (rsp->operation != slot->op)
		return xbf_protocol_error(ring, "response id %llu: operation %u, request's %u",
					  rsp->id, rsp->operation, slot->op);
	if (!xbf_slot_ungrant(ring, slot))
		return xbf_protocol_error(ring, "request %llu answered, its grants still mapped",
					  rsp->id);

	sts = xbf_status(ring, slot, rsp->status);
	if (sts == BLK_STS_OK && ring->info->bounce && !slot->write)
		xbf_slot_copy_out(ring, slot);
	xbf_slot_put(ring, slot);
	((struct xbf_rq *)blk_mq_rq_to_pdu(rq))->status = sts;
	list_add_tail(&rq->queuelist, done);
	return 0;
}

static irqreturn_t xbf_interrupt(int irq, void *dev_id)
{
	struct xbf_ring *ring = dev_id;
	struct xbf_info *info = ring->info;
	unsigned int eoi = XEN_EOI_FLAG_SPURIOUS;
	struct blkif_front_ring *fr = &ring->front;
	unsigned long flags;
	RING_IDX rp, cons;
	LIST_HEAD(done);
	int more;

	spin_lock_irqsave(&ring->lock, flags);
	ring->stats[XBF_STAT_IRQ]++;
	if (xbf_broken(info))
		goto masked;
	if (!ring->live)
		goto out;
	do {
		rp = READ_ONCE(fr->sring->rsp_prod);
		virt_rmb();	/* the responses before rp, after rp */
		cons = fr->rsp_cons;
		if (rp - cons > fr->req_prod_pvt - cons) {
			xbf_protocol_error(ring, "%u responses for %u requests",
					   rp - cons, fr->req_prod_pvt - cons);
			goto masked;
		}
		for (; cons != rp; cons++) {
			struct blkif_response rsp;

			RING_COPY_RESPONSE(fr, cons, &rsp);
			eoi = 0;
			ring->stats[XBF_STAT_RESPONSES]++;
			if (xbf_response(ring, &rsp, &done)) {
				fr->rsp_cons = cons + 1;
				goto masked;
			}
		}
		fr->rsp_cons = cons;
		RING_FINAL_CHECK_FOR_RESPONSES(fr, more);
	} while (more);
	/* Room again for requests that found the ring full. */
	if (!eoi && info->gd)
		blk_mq_start_stopped_hw_queues(info->gd->queue, true);
out:
	if (eoi)
		ring->stats[XBF_STAT_SPURIOUS]++;
	spin_unlock_irqrestore(&ring->lock, flags);
	xbf_complete_list(&done);
	xen_irq_lateeoi(irq, eoi);
	return IRQ_HANDLED;

masked:
	/* No EOI: a broken backend's port stays masked. */
	spin_unlock_irqrestore(&ring->lock, flags);
	xbf_complete_list(&done);
	return IRQ_HANDLED;
}

static void xbf_restart_work(struct work_struct *work)
{
	struct xbf_ring *ring = container_of(work, struct xbf_ring, restart);
	struct xbf_info *info = ring->info;

	spin_lock_irq(&ring->lock);
	if (ring->live && info->gd && !RING_FULL(&ring->front))
		blk_mq_start_stopped_hw_queues(info->gd->queue, true);
	spin_unlock_irq(&ring->lock);
}

/**
 * xbf_kick_all() - restart every stopped hardware queue of the disk
 * @info: the vbd
 */
void xbf_kick_all(struct xbf_info *info)
{
	if (info->gd)
		blk_mq_start_stopped_hw_queues(info->gd->queue, true);
}

/**
 * xbf_rings_alloc() - allocate the rings and event channels to offer
 * @info: the vbd, without rings
 * @max_queues: the most queues wanted
 *
 * The ring order and number of queues are the smaller of what the backend
 * advertises and the module's parameters. On failure, which is reported in
 * xenstore, the caller stops and frees what was set up.
 *
 * Return: 0 or a negative errno.
 */
int xbf_rings_alloc(struct xbf_info *info, unsigned int max_queues)
{
	struct xenbus_device *dev = info->xbdev;
	struct xpvbus_ring_desc desc = xbf_ring_desc;
	unsigned int i, nr, order;
	int err;

	desc.max_order = xbf_max_ring_order;
	order = xpvbus_read_max_ring_order(dev, &desc);
	nr = xpvbus_read_max_queues(dev, max_queues);

	info->rings = kcalloc(nr, sizeof(*info->rings), GFP_KERNEL);
	if (!info->rings) {
		xenbus_dev_fatal(dev, -ENOMEM, "allocating %u queues", nr);
		return -ENOMEM;
	}
	info->nr_rings = nr;
	info->ring_order = order;
	info->ring_size = __CONST_RING_SIZE(blkif, XEN_PAGE_SIZE << order);
	for (i = 0; i < nr; i++) {
		struct xbf_ring *ring = &info->rings[i];

		ring->info = info;
		ring->index = i;
		spin_lock_init(&ring->lock);
		INIT_WORK(&ring->restart, xbf_restart_work);
		ring->free_slot = XBF_NO_SLOT;
	}
	for (i = 0; i < nr; i++) {
		struct xbf_ring *ring = &info->rings[i];

		err = xpvbus_fring_alloc(dev, &ring->fring, order, GFP_NOIO);
		if (err)
			return err;
		XEN_FRONT_RING_INIT(&ring->front,
				    (struct blkif_sring *)ring->fring.sring,
				    XEN_PAGE_SIZE << order);
		err = xpvbus_fevtchn_bind(dev, &ring->evtchn, xbf_interrupt,
					  "blkif", ring);
		if (err)
			return err;
	}
	return 0;
}

/**
 * xbf_rings_publish() - write the rings' keys (in a transaction)
 * @xbt: the transaction
 * @info: the vbd, its rings allocated
 *
 * Return: 0 or the negative errno from xenstore.
 */
int xbf_rings_publish(struct xenbus_transaction xbt, struct xbf_info *info)
{
	struct xenbus_device *dev = info->xbdev;
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < info->nr_rings; i++) {
		struct xbf_ring *ring = &info->rings[i];
		char *dir = xpvbus_local_queue_dir(dev, info->nr_rings, i);

		if (!dir)
			return -ENOMEM;
		err = xpvbus_fring_publish(xbt, dev, dir, &xbf_ring_desc,
					   &ring->fring) ?:
		      xpvbus_fevtchn_publish(xbt, dir, "event-channel",
					     &ring->evtchn);
		kfree(dir);
	}
	if (!err && info->nr_rings > 1)
		err = xpvbus_write_nr_queues(xbt, dev, info->nr_rings);
	return err;
}

/**
 * xbf_rings_start() - set up the slots and start reading responses
 * @info: the vbd, connected; its features read
 *
 * Return: 0 or -ENOMEM.
 */
int xbf_rings_start(struct xbf_info *info)
{
	unsigned int i;
	int err;

	for (i = 0; i < info->nr_rings; i++) {
		err = xbf_slots_alloc(&info->rings[i]);
		if (err)
			goto fail;
	}
	for (i = 0; i < info->nr_rings; i++) {
		spin_lock_irq(&info->rings[i].lock);
		info->rings[i].live = true;
		spin_unlock_irq(&info->rings[i].lock);
	}
	return 0;

fail:
	while (i--)
		xbf_slots_free(&info->rings[i]);
	return err;
}

/**
 * xbf_rings_stop() - stop the rings: no more requests, responses or works
 * @info: the vbd
 *
 * What is in flight stays in the slots for xbf_rings_abort(). Idempotent.
 */
void xbf_rings_stop(struct xbf_info *info)
{
	unsigned int i;

	for (i = 0; i < info->nr_rings; i++) {
		spin_lock_irq(&info->rings[i].lock);
		info->rings[i].live = false;
		spin_unlock_irq(&info->rings[i].lock);
	}
	for (i = 0; i < info->nr_rings; i++)
		xpvbus_fevtchn_unbind(&info->rings[i].evtchn, &info->rings[i]);
	/* Neither is scheduled again: the IRQs and live rings are gone. */
	cancel_work_sync(&info->broken_work);
	cancel_delayed_work_sync(&info->purge_work);
	for (i = 0; i < info->nr_rings; i++) {
		gnttab_cancel_free_callback(&info->rings[i].gnt_cb);
		cancel_work_sync(&info->rings[i].restart);
	}
}

static void xbf_ring_abort(struct xbf_ring *ring, enum xbf_abort how,
			   struct list_head *done)
{
	struct xbf_info *info = ring->info;
	unsigned int i;

	for (i = 0; i < ring->nr_slots; i++) {
		struct xbf_slot *slot = &ring->slots[i];
		struct request *rq = slot->rq;

		if (!rq)
			continue;
		if (!xbf_slot_ungrant(ring, slot)) {
			/*
			 * The backend still maps a page of it. A request's
			 * own page is kept from its owner while the backend
			 * may be alive; at removal or after migration it is
			 * left to the grant table's deferred revocation.
			 */
			if (how == XBF_ABORT_BROKEN && !info->bounce)
				continue;
			xbf_slot_defer(ring, slot);
		}
		xbf_slot_put(ring, slot);
		if (how == XBF_ABORT_RESUME) {
			list_add_tail(&rq->queuelist, &info->requeue);
		} else {
			((struct xbf_rq *)blk_mq_rq_to_pdu(rq))->status =
				BLK_STS_IOERR;
			list_add_tail(&rq->queuelist, done);
		}
	}
}

/**
 * xbf_rings_abort() - take the requests in flight off the rings
 * @info: the vbd; its rings stopped, or XBF_BROKEN set
 * @how: fail them (XBF_ABORT_BROKEN, XBF_ABORT_REMOVE) or take them back
 *	to @info->requeue (XBF_ABORT_RESUME)
 */
void xbf_rings_abort(struct xbf_info *info, enum xbf_abort how)
{
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < info->nr_rings; i++) {
		struct xbf_ring *ring = &info->rings[i];
		LIST_HEAD(done);

		spin_lock_irqsave(&ring->lock, flags);
		xbf_ring_abort(ring, how, &done);
		spin_unlock_irqrestore(&ring->lock, flags);
		xbf_complete_list(&done);
	}
}

/**
 * xbf_rings_free() - free the rings of a connection
 * @info: the vbd; rings stopped, nothing in flight
 *
 * Their counters are added to @info->retired.
 */
void xbf_rings_free(struct xbf_info *info)
{
	unsigned int i;

	for (i = 0; i < info->nr_rings; i++) {
		struct xbf_ring *ring = &info->rings[i];

		xbf_slots_free(ring);
		xpvbus_fring_free(&ring->fring);
		xbf_stats_retire(info, ring);
	}
	kfree(info->rings);
	info->rings = NULL;
	info->nr_rings = 0;
}

/**
 * xbf_broken_work() - fail what is in flight on a disabled device
 * @work: struct xbf_info's @broken_work
 *
 * Requests still queued then reach queue_rq, which fails them.
 */
void xbf_broken_work(struct work_struct *work)
{
	struct xbf_info *info = container_of(work, struct xbf_info,
					     broken_work);

	xbf_rings_abort(info, XBF_ABORT_BROKEN);
	xbf_kick_all(info);
}
