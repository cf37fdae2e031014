// SPDX-License-Identifier: GPL-2.0
/*
 * tx.c - xen-netfront's transmit path: packets to the backend.
 *
 * A packet is cut into slots of at most one page each, every slot granted
 * read-only to the backend. The first request carries the whole packet's
 * length and its checksum flags; a GSO packet has an extra-info slot right
 * after it. Each request id owns one grant reference for the life of the
 * connection and holds one reference to the skb, dropped when its
 * response comes back and Xen confirms the backend no longer maps the page
 * (XSA-396). A page the backend keeps mapped is never given back: its skb
 * is leaked on purpose and the device is marked broken.
 *
 * When the backend is not trusted (module parameter or the toolstack's
 * "trusted" node, XSA-403), every packet is first copied into fresh zeroed
 * pages, so that a granted page holds nothing but this packet.
 */
#include "common.h"

#include <linux/etherdevice.h>
#include <linux/mm.h>
#include <linux/skbuff.h>

#include <xen/events.h>

static_assert(sizeof(struct xen_netif_extra_info) <=
	      sizeof(struct xen_netif_tx_request));

/**
 * xnf_tx_init() - initialise a queue's transmit side, no grant yet
 * @q: the queue
 */
void xnf_tx_init(struct xnf_queue *q)
{
	unsigned int i;

	spin_lock_init(&q->tx_lock);
	for (i = 0; i < XNF_TX_RING_SIZE; i++) {
		q->tx_slots[i].skb = NULL;
		q->tx_slots[i].ref = INVALID_GRANT_REF;
		q->tx_slots[i].state = XNF_TX_FREE;
		q->tx_slots[i].next = i + 1;
	}
	q->tx_slots[XNF_TX_RING_SIZE - 1].next = XNF_TX_NONE;
	q->tx_free = 0;
	q->tx_nr_free = XNF_TX_RING_SIZE;
}

/**
 * xnf_tx_grants_alloc() - give every request id its grant reference
 * @q: the queue, after xnf_tx_init()
 *
 * Return: 0, or -ENOSPC when the grant table is exhausted.
 */
int xnf_tx_grants_alloc(struct xnf_queue *q)
{
	grant_ref_t head;
	unsigned int i;

	if (gnttab_alloc_grant_references(XNF_TX_RING_SIZE, &head))
		return -ENOSPC;
	for (i = 0; i < XNF_TX_RING_SIZE; i++)
		q->tx_slots[i].ref = gnttab_claim_grant_reference(&head);
	return 0;
}

/* --- completion --- */

static void xnf_tx_put_id(struct xnf_queue *q, u16 id)
{
	struct xnf_tx_slot *slot = &q->tx_slots[id];

	slot->state = XNF_TX_FREE;
	slot->next = q->tx_free;
	q->tx_free = id;
	q->tx_nr_free++;
}

/* Revoke @id's grant and free its skb reference; false if still mapped. */
static bool xnf_tx_complete(struct xnf_queue *q, u16 id)
{
	struct xnf_tx_slot *slot = &q->tx_slots[id];
	struct sk_buff *skb = slot->skb;

	if (!gnttab_end_foreign_access_ref(slot->ref)) {
		/* The backend still maps it: the page stays with it. */
		slot->state = XNF_TX_LEAKED;
		xnf_count(&q->info->stats[q->id].tx, XNF_TX_BUSY, 1);
		return false;
	}
	xnf_count(&q->info->stats[q->id].tx, XNF_TX_GRANT_ENDS, 1);
	slot->skb = NULL;
	xnf_tx_put_id(q, id);
	dev_consume_skb_any(skb);
	return true;
}

static void xnf_tx_maybe_wake(struct xnf_queue *q)
{
	struct net_device *dev = q->info->netdev;
	struct netdev_queue *txq = netdev_get_tx_queue(dev, q->id);

	if (netif_tx_queue_stopped(txq) && netif_device_present(dev) &&
	    netif_running(dev) && netif_carrier_ok(dev) &&
	    RING_FREE_REQUESTS(&q->tx) >= XNF_TX_STOP_THRESH)
		netif_tx_wake_queue(txq);
}

/**
 * xnf_tx_reap() - consume the backend's transmit responses
 * @q: the queue; @q->tx_lock held
 *
 * Every response is copied out of the ring and checked: its id must be a
 * request that was pushed and not yet answered. A violation, or a grant the
 * backend still maps, marks the device broken.
 *
 * Return: whether any response was consumed (the event was not spurious).
 */
bool xnf_tx_reap(struct xnf_queue *q)
{
	struct xnf_counters *st = &q->info->stats[q->id].tx;
	bool work = false;
	int more;

	do {
		RING_IDX cons = q->tx.rsp_cons;
		RING_IDX prod = READ_ONCE(q->tx.sring->rsp_prod);

		/* No more responses than requests pushed. */
		if (prod - cons > q->tx.req_prod_pvt - cons) {
			xnf_set_broken(q->info, "tx rsp_prod beyond requests");
			return work;
		}
		virt_rmb();	/* the responses after rsp_prod */

		for (; cons != prod; cons++) {
			struct xen_netif_tx_response rsp;

			RING_COPY_RESPONSE(&q->tx, cons, &rsp);
			work = true;
			if (rsp.status == XEN_NETIF_RSP_NULL)
				continue;	/* an extra-info slot */
			if (rsp.id >= XNF_TX_RING_SIZE ||
			    q->tx_slots[rsp.id].state != XNF_TX_PENDING) {
				q->tx.rsp_cons = cons;
				xnf_set_broken(q->info,
					       "tx response for no request");
				return work;
			}
			if (rsp.status != XEN_NETIF_RSP_OKAY)
				xnf_count(st, XNF_TX_ERRORS, 1);
			if (!xnf_tx_complete(q, rsp.id)) {
				q->tx.rsp_cons = cons + 1;
				xnf_set_broken(q->info,
					       "tx grant still mapped by the backend");
				return work;
			}
		}
		q->tx.rsp_cons = prod;
		RING_FINAL_CHECK_FOR_RESPONSES(&q->tx, more);
	} while (more);

	xnf_tx_maybe_wake(q);
	return work;
}

/**
 * xnf_tx_release() - take back every transmit grant at disconnect
 * @q: the queue; its event channels are unbound and nothing transmits
 *
 * A grant the backend still maps is left granted, its skb never freed:
 * the page must not be reused. Every other reference goes back to Xen.
 */
void xnf_tx_release(struct xnf_queue *q)
{
	struct xnf_counters *st = &q->info->stats[q->id].tx;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&q->tx_lock, flags);
	for (i = 0; i < XNF_TX_RING_SIZE; i++) {
		struct xnf_tx_slot *slot = &q->tx_slots[i];

		if (slot->ref == INVALID_GRANT_REF)
			continue;
		if (slot->state == XNF_TX_FREE) {
			gnttab_free_grant_reference(slot->ref);
		} else if (gnttab_end_foreign_access_ref(slot->ref)) {
			xnf_count(st, XNF_TX_GRANT_ENDS, 1);
			gnttab_free_grant_reference(slot->ref);
			dev_kfree_skb_any(slot->skb);
		} else {
			/* Leaked, with its grant reference. */
			xnf_count(st, XNF_TX_BUSY, 1);
			net_warn_ratelimited("%s: tx grant %u still mapped at disconnect, page leaked\n",
					     q->name, slot->ref);
		}
		slot->skb = NULL;
		slot->ref = INVALID_GRANT_REF;
		slot->state = XNF_TX_FREE;
	}
	spin_unlock_irqrestore(&q->tx_lock, flags);
}

/* --- transmit --- */

/**
 * struct xnf_txb - one packet being written to the ring
 * @q: the queue
 * @skb: the packet
 * @nr: requests written so far
 * @ids: their ids, marked pending once the packet is complete
 * @last: the latest request, kept here until the next one tells whether
 *	it gets NETTXF_more_data, so the ring is only ever written, never
 *	read back
 * @last_idx: its ring index
 */
struct xnf_txb {
	struct xnf_queue *q;
	struct sk_buff *skb;
	unsigned int nr;
	u16 ids[XNF_MAX_SLOTS];
	struct xen_netif_tx_request last;
	RING_IDX last_idx;
};

static void xnf_tx_write(struct xnf_queue *q, RING_IDX idx,
			 const struct xen_netif_tx_request *req)
{
	*RING_GET_REQUEST(&q->tx, idx) = *req;
}

static void xnf_tx_write_gso(struct xnf_queue *q, const struct sk_buff *skb)
{
	struct xen_netif_extra_info gso = {
		.type = XEN_NETIF_EXTRA_TYPE_GSO,
		.u.gso.size = skb_shinfo(skb)->gso_size,
		.u.gso.type = skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6 ?
			      XEN_NETIF_GSO_TYPE_TCPV6 :
			      XEN_NETIF_GSO_TYPE_TCPV4,
	};

	memcpy(RING_GET_REQUEST(&q->tx, q->tx.req_prod_pvt), &gso,
	       sizeof(gso));
	q->tx.req_prod_pvt++;
}

/* One request for @len bytes at @off in @page (all within the page). */
static void xnf_tx_add_req(struct xnf_txb *b, struct page *page,
			   unsigned int off, unsigned int len)
{
	struct xnf_queue *q = b->q;
	struct xnf_tx_slot *slot;
	u16 id = q->tx_free;

	slot = &q->tx_slots[id];
	q->tx_free = slot->next;
	q->tx_nr_free--;

	gnttab_grant_foreign_access_ref(slot->ref, q->info->xbdev->otherend_id,
					xen_page_to_gfn(page), GNTMAP_readonly);
	xnf_count(&q->info->stats[q->id].tx, XNF_TX_GRANTS, 1);
	/* The first slot takes over the caller's reference. */
	slot->skb = b->nr ? skb_get(b->skb) : b->skb;
	slot->state = XNF_TX_QUEUED;

	if (b->nr) {
		b->last.flags |= XEN_NETTXF_more_data;
		xnf_tx_write(q, b->last_idx, &b->last);
	}
	b->last = (struct xen_netif_tx_request) {
		.gref = slot->ref,
		.offset = off,
		.id = id,
		.size = len,
	};
	b->last_idx = q->tx.req_prod_pvt++;

	if (!b->nr) {
		struct sk_buff *skb = b->skb;

		/* The first request has the length of the whole packet. */
		b->last.size = skb->len;
		if (skb->ip_summed == CHECKSUM_PARTIAL)
			b->last.flags |= XEN_NETTXF_csum_blank |
					 XEN_NETTXF_data_validated;
		else if (skb->ip_summed == CHECKSUM_UNNECESSARY)
			b->last.flags |= XEN_NETTXF_data_validated;
		if (skb_is_gso(skb)) {
			b->last.flags |= XEN_NETTXF_extra_info;
			xnf_tx_write_gso(q, skb);
		}
	}
	b->ids[b->nr++] = id;
}

/* Requests for @len bytes at @off of @page, which may be compound. */
static void xnf_tx_add(struct xnf_txb *b, struct page *page, unsigned int off,
		       unsigned int len)
{
	page += off >> PAGE_SHIFT;
	off = offset_in_page(off);
	while (len) {
		unsigned int n = min_t(unsigned int, len, PAGE_SIZE - off);

		xnf_tx_add_req(b, page, off, n);
		len -= n;
		off = 0;
		page++;
	}
}

/* Slots @skb needs: at least one per page its data touches. */
static unsigned int xnf_tx_count_slots(const struct sk_buff *skb)
{
	unsigned int i, n = 0;

	if (skb_headlen(skb))
		n = gnttab_count_grant(offset_in_page(skb->data),
				       skb_headlen(skb));
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		const skb_frag_t *frag = &skb_shinfo(skb)->frags[i];

		n += gnttab_count_grant(offset_in_page(skb_frag_off(frag)),
					skb_frag_size(frag));
	}
	return n;
}

/*
 * A copy of @skb in fresh zeroed pages, its data at the start of the
 * first: the backend sees nothing of other objects on the same pages.
 */
static struct sk_buff *xnf_tx_bounce(struct sk_buff *skb)
{
	unsigned int size = ALIGN(skb->len, XEN_PAGE_SIZE);
	struct sk_buff *n;

	n = skb_copy_expand(skb, 0, size - skb->len,
			    GFP_ATOMIC | __GFP_NOWARN | __GFP_ZERO);
	if (!n)
		return NULL;
	/* Page-sized kmalloc objects are page aligned; anything else leaks. */
	if (!IS_ALIGNED((unsigned long)n->data, XEN_PAGE_SIZE)) {
		net_err_ratelimited("%s: unaligned bounce buffer\n",
				    skb->dev->name);
		kfree_skb(n);
		return NULL;
	}
	return n;
}

static bool xnf_tx_needs_bounce(const struct xnf_info *info,
				const struct sk_buff *skb, unsigned int slots)
{
	unsigned int first = min_t(unsigned int, skb_headlen(skb),
				   PAGE_SIZE - offset_in_page(skb->data));

	if (info->bounce)
		return true;
	/* The backend wants the Ethernet header in the first slot. */
	if (first < ETH_HLEN)
		return true;
	/* Without feature-sg a packet must fit one slot. */
	return slots > 1 && !(info->netdev->features & NETIF_F_SG) &&
	       skb->len <= XEN_PAGE_SIZE;
}

static void xnf_tx_drop(struct xnf_info *info, struct sk_buff *skb)
{
	atomic_long_inc(&info->tx_dropped);
	dev_kfree_skb_any(skb);
}

/**
 * xnf_xmit() - put one packet on a queue's tx ring
 * @q: the queue
 * @skb: the packet, with @skb->dev set; consumed
 *
 * For the stack's packets (xnf_start_xmit()) and XDP's (xdp.c) alike.
 * The stack's queue @q->id is stopped while a maximal packet might not
 * fit the ring.
 *
 * Return: true when the packet went on the ring; false when it was
 * dropped and counted in tx_dropped.
 */
bool xnf_xmit(struct xnf_queue *q, struct sk_buff *skb)
{
	struct xnf_info *info = q->info;
	struct net_device *dev = info->netdev;
	struct xnf_counters *st = &info->stats[q->id].tx;
	struct xnf_txb b = { .skb = skb };
	unsigned int slots, i, len;
	unsigned long flags;
	bool bounced = false;
	int notify;

	if (unlikely(xnf_is_broken(info)))
		goto drop;

	if (unlikely(skb->len > XEN_NETIF_MAX_TX_SIZE ||
		     skb->len < ETH_HLEN)) {
		net_warn_ratelimited("%s: %u-byte packet does not fit the wire format\n",
				     dev->name, skb->len);
		goto drop;
	}

	slots = xnf_tx_count_slots(skb);
	if (slots > XNF_MAX_SLOTS) {
		if (skb_linearize(skb))
			goto drop;
		slots = xnf_tx_count_slots(skb);
	}
	if (xnf_tx_needs_bounce(info, skb, slots)) {
		struct sk_buff *nskb = xnf_tx_bounce(skb);

		if (!nskb)
			goto drop;
		dev_consume_skb_any(skb);
		skb = nskb;
		b.skb = skb;
		bounced = true;
		slots = xnf_tx_count_slots(skb);
	}

	spin_lock_irqsave(&q->tx_lock, flags);
	if (unlikely(!netif_carrier_ok(dev) || slots > XNF_MAX_SLOTS ||
		     (slots > 1 && !(dev->features & NETIF_F_SG)) ||
		     netif_needs_gso(skb, netif_skb_features(skb)) ||
		     !q->tx.sring))
		goto drop_locked;
	/*
	 * The queue is stopped before this can happen to the stack's packets
	 * (XDP's may fill the ring meanwhile); never overrun.
	 */
	if (unlikely(RING_FREE_REQUESTS(&q->tx) < slots + 1 ||
		     q->tx_nr_free < slots)) {
		netif_tx_stop_queue(netdev_get_tx_queue(dev, q->id));
		goto drop_locked;
	}

	b.q = q;
	len = skb->len;
	xnf_tx_add(&b, virt_to_page(skb->data), offset_in_page(skb->data),
		   skb_headlen(skb));
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		const skb_frag_t *frag = &skb_shinfo(skb)->frags[i];

		xnf_tx_add(&b, skb_frag_page(frag), skb_frag_off(frag),
			   skb_frag_size(frag));
	}
	xnf_tx_write(q, b.last_idx, &b.last);
	skb_tx_timestamp(skb);

	/* Only now may a response name these ids. */
	for (i = 0; i < b.nr; i++)
		q->tx_slots[b.ids[i]].state = XNF_TX_PENDING;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->tx, notify);
	if (notify) {
		notify_remote_via_irq(q->tx_irq);
		xnf_count(st, XNF_TX_NOTIFIES, 1);
	}
	xnf_count(st, XNF_TX_PACKETS, 1);
	xnf_count(st, XNF_TX_BYTES, len);
	if (bounced) {
		xnf_count(st, XNF_TX_BOUNCED, 1);
		xnf_count(st, XNF_TX_BOUNCED_BYTES, len);
	}

	/* Reap now: the skb may be gone after this. */
	xnf_tx_reap(q);
	if (RING_FREE_REQUESTS(&q->tx) < XNF_TX_STOP_THRESH)
		netif_tx_stop_queue(netdev_get_tx_queue(dev, q->id));
	spin_unlock_irqrestore(&q->tx_lock, flags);
	return true;

drop_locked:
	spin_unlock_irqrestore(&q->tx_lock, flags);
drop:
	xnf_tx_drop(info, skb);
	return false;
}

/**
 * xnf_start_xmit() - ndo_start_xmit: put one packet on its queue's ring
 * @skb: the packet
 * @dev: the interface
 *
 * Return: NETDEV_TX_OK; a packet that cannot be sent is dropped and
 * counted in tx_dropped.
 */
netdev_tx_t xnf_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct xnf_info *info = netdev_priv(dev);
	unsigned int qid = skb_get_queue_mapping(skb);

	if (unlikely(qid >= info->nr_queues))
		xnf_tx_drop(info, skb);
	else
		xnf_xmit(&info->queues[qid], skb);
	return NETDEV_TX_OK;
}

/**
 * xnf_tx_event() - the transmit half of an event: reap responses
 * @q: the queue
 *
 * Return: whether any response was new (else the event was spurious).
 */
bool xnf_tx_event(struct xnf_queue *q)
{
	unsigned long flags;
	bool work;

	spin_lock_irqsave(&q->tx_lock, flags);
	work = xnf_tx_reap(q);
	spin_unlock_irqrestore(&q->tx_lock, flags);
	return work;
}
