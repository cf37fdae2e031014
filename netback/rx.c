// SPDX-License-Identifier: GPL-2.0
/*
 * rx.c - guest RX: packets the vif transmits wait on a bounded per-queue
 * list until the queue's kthread copies them into the receive buffers the
 * frontend granted on its RX ring.
 *
 * The xmit path only appends to the list, up to XNB_RX_QUEUE_BYTES; then
 * it stops the netdev queue and drops (XSA-392: a frontend that stops
 * reading cannot make dom0 queue without bound), freeing outside our lock
 * (XSA-424). A packet waits at most rx_drain_timeout_msecs. A queue whose
 * frontend has not posted the slots its next packet needs for
 * rx_stall_timeout_msecs is stalled: the carrier goes off, so the stack
 * stops sending, until the slots appear.
 *
 * A packet takes ceil((headroom + len) / page) data slots, each request's
 * page filled to its end, plus one slot per extra-info after the first
 * (GSO; the packet's hash when the frontend asked for hashing on its
 * control ring, see ctrl.c): every response lands in its request's slot,
 * as netfront requires (netif.h). The headroom is the frontend's
 * xdp-headroom (usually 0): the first slot's data starts that far into its
 * page, and its response says so in its offset field, as every netfront
 * reads it. (Linux's netback instead starts every slot there, counts the
 * headroom in the status and announces it in an XDP extra-info slot;
 * Linux's netfront finds the data of a single-slot packet either way.) A
 * packet's headroom is taken when it is queued, so that the slots counted
 * for it are the slots it uses. The copies of up to XNB_RX_BATCH packets
 * go out in GNTTABOP_copy batches; only then are the responses pushed. A
 * failed copy turns its slot's status into an error, so the frontend drops
 * that packet.
 */
#include "common.h"

#include <linux/kthread.h>
#include <linux/sched.h>

#include <xen/events.h>

/* Our use of a queued skb's control buffer. */
struct xnb_rx_cb {
	unsigned long expires;	/* jiffies: dropped when still queued */
	unsigned int headroom;	/* before the data in the first slot */
	bool hashed;		/* @hash goes in a hash extra */
	struct xnb_hash_val hash;
};

#define XNB_RX_CB(skb)	((struct xnb_rx_cb *)(skb)->cb)

static u8 xnb_rx_gso_type(const struct sk_buff *skb)
{
	if (!skb_is_gso(skb))
		return XEN_NETIF_GSO_TYPE_NONE;
	if (skb_shinfo(skb)->gso_type & SKB_GSO_TCPV4)
		return XEN_NETIF_GSO_TYPE_TCPV4;
	if (skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6)
		return XEN_NETIF_GSO_TYPE_TCPV6;
	return XEN_NETIF_GSO_TYPE_NONE;
}

/* Data slots of @len bytes after @headroom (below a page). */
static unsigned int xnb_rx_data_slots(unsigned int len, unsigned int headroom)
{
	return DIV_ROUND_UP(headroom + len, XEN_PAGE_SIZE);
}

/* BIT(XEN_NETIF_EXTRA_TYPE_*) of the extras a queued @skb gets. */
static unsigned int xnb_rx_extras(const struct sk_buff *skb)
{
	unsigned int extras = 0;

	if (xnb_rx_gso_type(skb) != XEN_NETIF_GSO_TYPE_NONE)
		extras |= BIT(XEN_NETIF_EXTRA_TYPE_GSO);
	if (XNB_RX_CB(skb)->hashed)
		extras |= BIT(XEN_NETIF_EXTRA_TYPE_HASH);
	return extras;
}

/* Ring slots a queued @skb takes: its data, and its extras. */
static unsigned int xnb_rx_slots(const struct sk_buff *skb)
{
	return xnb_rx_data_slots(skb->len, XNB_RX_CB(skb)->headroom) +
	       hweight32(xnb_rx_extras(skb));
}

/**
 * xnb_rx_accept() - whether a packet may be sent to the frontend at all
 * @vif: the vif
 * @skb: the packet, from the xmit path
 *
 * The stack only hands us what the negotiated features allow; this is
 * the backstop: at most XEN_NETIF_NR_SLOTS_MIN data slots (one without
 * scatter-gather), GSO only of a type the frontend accepts, and the
 * multicast filter when the frontend asked for one. The packet gets the
 * vif's current XDP headroom and, when the frontend hashes, its hash,
 * both recorded in its control buffer.
 *
 * Return: true to queue it.
 */
bool xnb_rx_accept(struct xnb_vif *vif, struct sk_buff *skb)
{
	unsigned int headroom = READ_ONCE(vif->xdp_headroom);
	unsigned int data_slots;

	BUILD_BUG_ON(sizeof(struct xnb_rx_cb) > sizeof(skb->cb));
	/*
	 * Bounded when read; checked again as the layout relies on it, with
	 * no WARN: the value comes from the guest.
	 */
	if (headroom > XNB_MAX_XDP_HEADROOM)
		headroom = 0;
	XNB_RX_CB(skb)->headroom = headroom;
	data_slots = xnb_rx_data_slots(skb->len, headroom);
	if (skb->len < ETH_HLEN)
		return false;
	if (data_slots > (vif->can_sg ? XNB_RX_MAX_DATA_SLOTS : 1))
		return false;
	if (skb_is_gso(skb)) {
		u8 type = xnb_rx_gso_type(skb);

		if (type == XEN_NETIF_GSO_TYPE_NONE ||
		    !(vif->gso_mask & BIT(type)))
			return false;
	}
	if (READ_ONCE(vif->multicast_control) &&
	    skb->pkt_type == PACKET_MULTICAST &&
	    !xnb_mcast_match(vif, ((const struct ethhdr *)skb->data)->h_dest))
		return false;

	memset(&XNB_RX_CB(skb)->hash, 0, sizeof(XNB_RX_CB(skb)->hash));
	XNB_RX_CB(skb)->hashed = xnb_hash_for_guest(vif, skb,
						    &XNB_RX_CB(skb)->hash);
	return true;
}

/**
 * xnb_rx_enqueue() - queue a packet for the frontend (the xmit path)
 * @q: the queue
 * @skb: the packet, accepted by xnb_rx_accept()
 *
 * Return: true when queued (the kthread is woken); false when the queue
 * is at its bound: the netdev queue is stopped and the caller frees @skb.
 */
bool xnb_rx_enqueue(struct xnb_queue *q, struct sk_buff *skb)
{
	unsigned long flags;
	bool queued = true;

	XNB_RX_CB(skb)->expires = jiffies + q->vif->drain_timeout;

	spin_lock_irqsave(&q->rx_queue.lock, flags);
	if (q->rx_queue_len >= q->rx_queue_max) {
		netif_tx_stop_queue(netdev_get_tx_queue(q->vif->dev, q->id));
		q->stats.grx_queue_full++;
		queued = false;
	} else {
		if (skb_queue_empty(&q->rx_queue))
			WRITE_ONCE(q->rx_slots_needed, xnb_rx_slots(skb));
		__skb_queue_tail(&q->rx_queue, skb);
		q->rx_queue_len += skb->len;
	}
	spin_unlock_irqrestore(&q->rx_queue.lock, flags);

	if (queued)
		wake_up(&q->wq);
	return queued;
}

/* Only the kthread dequeues, so the head it peeked is the one it gets. */
static struct sk_buff *xnb_rx_dequeue(struct xnb_queue *q)
{
	struct sk_buff *skb, *next;

	spin_lock_irq(&q->rx_queue.lock);
	skb = __skb_dequeue(&q->rx_queue);
	if (skb) {
		next = skb_peek(&q->rx_queue);
		WRITE_ONCE(q->rx_slots_needed, next ? xnb_rx_slots(next) : 0);
		q->rx_queue_len -= skb->len;
		if (q->rx_queue_len < q->rx_queue_max)
			netif_tx_wake_queue(netdev_get_tx_queue(q->vif->dev,
								q->id));
	}
	spin_unlock_irq(&q->rx_queue.lock);
	return skb;
}

static void xnb_rx_purge(struct xnb_queue *q)
{
	struct sk_buff *skb;

	while ((skb = xnb_rx_dequeue(q)))
		kfree_skb(skb);
}

static void xnb_rx_drop_expired(struct xnb_queue *q)
{
	struct sk_buff *skb;

	while ((skb = skb_peek(&q->rx_queue)) &&
	       time_after_eq(jiffies, XNB_RX_CB(skb)->expires)) {
		skb = xnb_rx_dequeue(q);
		q->stats.grx_expired++;
		kfree_skb(skb);
	}
}

/* --- the frontend's receive requests --- */

/*
 * Requests posted and not consumed. A producer more than a ring ahead of
 * our responses cannot be: count none, and the queue stalls.
 */
static unsigned int xnb_rx_posted(struct xnb_queue *q, RING_IDX prod)
{
	if (prod - q->rx.rsp_prod_pvt > RING_SIZE(&q->rx))
		return 0;
	return prod - q->rx.req_cons;
}

/*
 * Whether the head packet's slots are posted; if not, ask the frontend
 * (req_event) to notify when more are, and look again.
 */
static bool xnb_rx_slots_available(struct xnb_queue *q)
{
	unsigned int needed = READ_ONCE(q->rx_slots_needed);
	RING_IDX prod;

	if (!needed)
		return false;
	do {
		prod = READ_ONCE(q->rx.sring->req_prod);
		if (xnb_rx_posted(q, prod) >= needed)
			return true;
		WRITE_ONCE(q->rx.sring->req_event, prod + 1);
		virt_mb();	/* req_event visible before prod is read again */
	} while (READ_ONCE(q->rx.sring->req_prod) != prod);
	return false;
}

static bool xnb_rx_stalled(struct xnb_queue *q)
{
	unsigned int needed = READ_ONCE(q->rx_slots_needed);

	return !q->stalled &&
	       xnb_rx_posted(q, READ_ONCE(q->rx.sring->req_prod)) < needed &&
	       time_after(jiffies, q->last_rx_time + q->vif->stall_timeout);
}

static bool xnb_rx_ready(struct xnb_queue *q)
{
	unsigned int needed = READ_ONCE(q->rx_slots_needed);

	return q->stalled &&
	       xnb_rx_posted(q, READ_ONCE(q->rx.sring->req_prod)) >= needed;
}

/**
 * xnb_rx_has_work() - whether the queue's kthread has something to do
 * @q: the queue
 *
 * Return: true when the head packet's slots are posted, or the queue's
 * stall state is due to change (interrupt context too).
 */
bool xnb_rx_has_work(struct xnb_queue *q)
{
	if (test_bit(XNB_VIF_DISABLED, &q->vif->flags))
		return false;
	return xnb_rx_slots_available(q) ||
	       (q->vif->stall_timeout &&
		(xnb_rx_stalled(q) || xnb_rx_ready(q)));
}

/* --- copying packets into the frontend's buffers --- */

/**
 * struct xnb_rx_pkt - where the copy of one packet stands
 * @skb: the packet
 * @cur: the skb whose data is being copied: @skb or one on its frag_list
 * @frag: the fragment of @cur being copied, -1 for its linear area
 * @off: bytes of that piece already copied
 * @remaining: bytes of the packet not yet copied
 * @slot: ring slots used so far
 * @headroom: where the data starts in the first slot's page
 * @extras: BIT(XEN_NETIF_EXTRA_TYPE_*) of the extras still to be sent
 * @gso_type: XEN_NETIF_GSO_TYPE_*, for the GSO extra
 * @gso_size: the MSS
 * @hash: for the hash extra
 */
struct xnb_rx_pkt {
	struct sk_buff *skb;
	struct sk_buff *cur;
	int frag;
	unsigned int off;
	unsigned int remaining;
	unsigned int slot;
	unsigned int headroom;
	unsigned int extras;
	u8 gso_type;
	u16 gso_size;
	struct xnb_hash_val hash;
};

/*
 * The piece of data at the cursor: its page, the offset in that page and
 * the bytes left in the piece. Return: false when the skb has no more.
 */
static bool xnb_rx_piece(struct xnb_rx_pkt *p, struct page **page,
			 unsigned int *poff, unsigned int *len)
{
	while (p->cur) {
		struct skb_shared_info *sh = skb_shinfo(p->cur);

		if (p->frag < 0 && p->off < skb_headlen(p->cur)) {
			void *addr = p->cur->data + p->off;

			*page = virt_to_page(addr);
			*poff = offset_in_page(addr);
			*len = skb_headlen(p->cur) - p->off;
			return true;
		}
		if (p->frag >= 0 && p->frag < sh->nr_frags &&
		    p->off < skb_frag_size(&sh->frags[p->frag])) {
			const skb_frag_t *f = &sh->frags[p->frag];
			unsigned int o = skb_frag_off(f) + p->off;

			*page = nth_page(skb_frag_page(f), o >> PAGE_SHIFT);
			*poff = o & ~PAGE_MASK;
			*len = skb_frag_size(f) - p->off;
			return true;
		}
		/* This piece is done: the next fragment, or the next skb. */
		p->off = 0;
		if (++p->frag < sh->nr_frags)
			continue;
		p->cur = p->cur == p->skb ? sh->frag_list : p->cur->next;
		p->frag = -1;
	}
	return false;
}

static void xnb_rx_flush(struct xnb_queue *q);

/* Queue one copy into the request's page; flush first when full. */
static void xnb_rx_copy_add(struct xnb_queue *q, RING_IDX slot, grant_ref_t gref,
			    unsigned int dst_off, struct page *page,
			    unsigned int poff, unsigned int len)
{
	struct xen_page_foreign *foreign = NULL;
	struct gnttab_copy *op;

	if (q->rx_nr_ops == XNB_RX_COPY_OPS)
		xnb_rx_flush(q);
	op = &q->rx_ops[q->rx_nr_ops];
	q->rx_op_slot[q->rx_nr_ops++] = slot;

	/*
	 * A page another backend mapped from a guest has no frame of ours:
	 * copy from its grant. PG_foreign aliases flags of page-cache and
	 * swap-cache pages, which have a mapping; grant-mapped ones do not.
	 */
	if (!PageCompound(page) && !READ_ONCE(page->mapping))
		foreign = xen_page_foreign(page);
	if (foreign) {
		op->source.u.ref = foreign->gref;
		op->source.domid = foreign->domid;
		op->flags = GNTCOPY_dest_gref | GNTCOPY_source_gref;
	} else {
		op->source.u.gmfn = pfn_to_gfn(page_to_xen_pfn(page) +
					       (poff >> XEN_PAGE_SHIFT));
		op->source.domid = DOMID_SELF;
		op->flags = GNTCOPY_dest_gref;
	}
	op->source.offset = poff & ~XEN_PAGE_MASK;
	op->dest.u.ref = gref;
	op->dest.domid = q->vif->domid;
	op->dest.offset = dst_off;
	op->len = len;
}

/* Fill one request's page with the packet's next bytes. */
static void xnb_rx_data_slot(struct xnb_queue *q, struct xnb_rx_pkt *p,
			     const struct xen_netif_rx_request *req,
			     RING_IDX slot)
{
	struct xen_netif_rx_response *rsp = RING_GET_RESPONSE(&q->rx, slot);
	unsigned int bit = slot & (XNB_RX_RING_SIZE - 1);
	unsigned int start = p->slot ? 0 : p->headroom;
	unsigned int off = start;
	u16 flags = 0;

	clear_bit(bit, q->rx_slot_err);
	while (off < XEN_PAGE_SIZE && p->remaining) {
		unsigned int poff, len;
		struct page *page;

		if (!xnb_rx_piece(p, &page, &poff, &len)) {
			/* skb->len promised more than it holds: fail it. */
			set_bit(bit, q->rx_slot_err);
			p->remaining = 0;
			break;
		}
		len = min3(len, p->remaining, (unsigned int)XEN_PAGE_SIZE - off);
		len = min(len, (unsigned int)(XEN_PAGE_SIZE -
					      (poff & ~XEN_PAGE_MASK)));
		xnb_rx_copy_add(q, slot, req->gref, off, page, poff, len);
		off += len;
		p->off += len;
		p->remaining -= len;
	}

	if (p->remaining)
		flags |= XEN_NETRXF_more_data;
	if (p->slot == 0) {
		if (p->skb->ip_summed == CHECKSUM_PARTIAL)
			flags |= XEN_NETRXF_csum_blank |
				 XEN_NETRXF_data_validated;
		else if (p->skb->ip_summed == CHECKSUM_UNNECESSARY)
			flags |= XEN_NETRXF_data_validated;
		if (p->extras)
			flags |= XEN_NETRXF_extra_info;
	}
	/* Field by field; a copy that failed already makes it an error. */
	rsp->id = req->id;
	rsp->offset = start;
	rsp->flags = flags;
	rsp->status = test_bit(bit, q->rx_slot_err) ? XEN_NETIF_RSP_ERROR :
		      (s16)(off - start);
}

/*
 * The extras overlay responses in the slots after the first, the lowest
 * type first, each but the last flagged MORE; every byte is written.
 */
static void xnb_rx_extra_slot(struct xnb_queue *q, struct xnb_rx_pkt *p,
			      RING_IDX slot)
{
	struct xen_netif_extra_info *extra =
		(struct xen_netif_extra_info *)RING_GET_RESPONSE(&q->rx, slot);
	unsigned int type = __ffs(p->extras);
	__le32 value;

	BUILD_BUG_ON(sizeof(*extra) != sizeof(struct xen_netif_rx_response));
	p->extras &= ~BIT(type);
	extra->type = type;
	extra->flags = p->extras ? XEN_NETIF_EXTRA_FLAG_MORE : 0;
	if (type == XEN_NETIF_EXTRA_TYPE_HASH) {
		extra->u.hash.type = p->hash.type;
		extra->u.hash.algorithm = XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ;
		value = cpu_to_le32(p->hash.value);
		memcpy(extra->u.hash.value, &value, sizeof(value));
		return;
	}
	extra->u.gso.size = p->gso_size;
	extra->u.gso.type = p->gso_type;
	extra->u.gso.pad = 0;
	extra->u.gso.features = 0;
}

/* Lay one packet out on the ring; its slots were found posted. */
static void xnb_rx_skb(struct xnb_queue *q, struct sk_buff *skb)
{
	struct xnb_rx_pkt p = {
		.skb = skb,
		.cur = skb,
		.frag = -1,
		.remaining = skb->len,
		.headroom = XNB_RX_CB(skb)->headroom,
		.extras = xnb_rx_extras(skb),
		.gso_type = xnb_rx_gso_type(skb),
		.gso_size = skb_shinfo(skb)->gso_size,
		.hash = XNB_RX_CB(skb)->hash,
	};

	do {
		RING_IDX slot = q->rx.req_cons;
		struct xen_netif_rx_request req;

		RING_COPY_REQUEST(&q->rx, slot, &req);
		if (p.slot && p.extras)
			xnb_rx_extra_slot(q, &p, slot);
		else
			xnb_rx_data_slot(q, &p, &req, slot);
		q->rx.req_cons = slot + 1;
		p.slot++;
	} while (p.remaining || p.extras);

	/* Complete: its responses may be pushed with the next flush. */
	q->rx.rsp_prod_pvt = q->rx.req_cons;
	q->stats.tx_packets++;
	q->stats.tx_bytes += skb->len;
	q->last_rx_time = jiffies;
	__skb_queue_tail(&q->rx_done, skb);
}

/* Issue the copies, mark failures, push complete packets, free them. */
static void xnb_rx_flush(struct xnb_queue *q)
{
	struct sk_buff *skb;
	unsigned int i;
	int notify;

	if (q->rx_nr_ops) {
		gnttab_batch_copy(q->rx_ops, q->rx_nr_ops);
		q->stats.grx_copy_calls++;
		q->stats.grx_copy_ops += q->rx_nr_ops;
		for (i = 0; i < q->rx_nr_ops; i++) {
			RING_IDX slot = q->rx_op_slot[i];

			if (q->rx_ops[i].status == GNTST_okay) {
				q->stats.grx_copy_bytes += q->rx_ops[i].len;
				continue;
			}
			q->stats.grx_copy_errors++;
			set_bit(slot & (XNB_RX_RING_SIZE - 1),
				q->rx_slot_err);
			RING_GET_RESPONSE(&q->rx, slot)->status =
				XEN_NETIF_RSP_ERROR;
		}
		q->rx_nr_ops = 0;
	}

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&q->rx, notify);
	if (notify) {
		notify_remote_via_irq(q->rx_irq);
		q->stats.grx_notify++;
	}
	while ((skb = __skb_dequeue(&q->rx_done)))
		consume_skb(skb);
}

static void xnb_rx_action(struct xnb_queue *q)
{
	unsigned int done = 0;

	while (done < XNB_RX_BATCH && xnb_rx_slots_available(q)) {
		struct sk_buff *skb;

		virt_rmb();	/* the requests after the producer index */
		skb = xnb_rx_dequeue(q);
		if (!skb)
			break;
		xnb_rx_skb(q, skb);
		done++;
	}
	xnb_rx_flush(q);
}

/* --- the kthread --- */

static void xnb_rx_set_stalled(struct xnb_queue *q, bool stalled)
{
	if (stalled) {
		q->stats.grx_stalls++;
		netdev_info(q->vif->dev, "queue %u: frontend not posting receive buffers\n",
			    q->id);
	} else {
		q->last_rx_time = jiffies;
	}
	q->stalled = stalled;
	xnb_vif_update_carrier(q->vif, stalled ? 1 : -1);
}

static long xnb_rx_timeout(struct xnb_queue *q)
{
	struct sk_buff *skb = skb_peek(&q->rx_queue);
	long timeout;

	if (!skb)
		return MAX_SCHEDULE_TIMEOUT;
	timeout = XNB_RX_CB(skb)->expires - jiffies;
	return timeout < 0 ? 0 : timeout;
}

/*
 * Sleep until there is work, a packet expires or we are stopped. The
 * timeout is recomputed on each wake-up, as a packet queued meanwhile
 * may expire first. Before sleeping, the RX channel gets its late EOI.
 */
static void xnb_rx_wait(struct xnb_queue *q)
{
	DEFINE_WAIT(wait);

	if (xnb_rx_has_work(q) || kthread_should_stop())
		return;
	for (;;) {
		prepare_to_wait(&q->wq, &wait, TASK_INTERRUPTIBLE);
		if (xnb_rx_has_work(q) || kthread_should_stop())
			break;
		xnb_queue_eoi(q, XNB_EOI_RX);
		if (!schedule_timeout(xnb_rx_timeout(q)))
			break;
	}
	finish_wait(&q->wq, &wait);
}

/**
 * xnb_rx_thread() - a queue's guest RX kthread
 * @data: the queue
 *
 * Runs until kthread_stop(); queued packets are then freed.
 *
 * Return: 0.
 */
int xnb_rx_thread(void *data)
{
	struct xnb_queue *q = data;
	struct xnb_vif *vif = q->vif;

	/* Without feature-rx-notify nothing tells us it is ready: assume. */
	if (!vif->stall_timeout)
		xnb_rx_set_stalled(q, false);

	for (;;) {
		xnb_rx_wait(q);
		if (kthread_should_stop())
			break;
		if (test_bit(XNB_VIF_DISABLED, &vif->flags)) {
			xnb_rx_purge(q);
			continue;
		}
		if (!skb_queue_empty(&q->rx_queue))
			xnb_rx_action(q);
		if (vif->stall_timeout) {
			if (xnb_rx_stalled(q))
				xnb_rx_set_stalled(q, true);
			else if (xnb_rx_ready(q))
				xnb_rx_set_stalled(q, false);
		}
		xnb_rx_drop_expired(q);
		cond_resched();
	}
	xnb_rx_purge(q);
	return 0;
}
