// SPDX-License-Identifier: GPL-2.0
/*
 * rx.c - xen-netfront's receive path: packets from the backend.
 *
 * The rx ring is kept full of zeroed pages, each granted writable to the
 * backend, which copies packets into them. Entry i of the ring is always
 * request id i and always uses the grant reference of rx_slots[i], so a
 * response must come back in the entry of its request with that id.
 *
 * A packet is one data slot, the extra-info slots its first response
 * announces (GSO), then more data slots while NETRXF_more_data is set.
 * Each response is copied once and checked before anything is done with
 * it (XSA-155): its entry must hold a posted buffer, id and offset + size
 * must fit, and every slot of a packet must already be produced. A page is
 * handed to the stack only after Xen confirmed the backend no longer maps
 * it (XSA-396). A violation marks the device broken; a packet the backend
 * flagged as failed, or with an unknown extra-info type, is only dropped.
 *
 * Extra-info slots and the slots of a dropped packet keep their page and
 * its grant: they are posted again as they are. So does the slot of a
 * packet of one slot up to a full Ethernet frame (without an XDP program),
 * once its data is copied out into a fresh skb: no page to allocate, zero
 * and grant for the next one, and the stack charges the socket the
 * packet's size, not a page's. That page goes back to the backend holding
 * only what the backend wrote there; were it to write again while we
 * copy, it only chose other data: nothing is read from the page after.
 *
 * Each slot's data is where its response's offset says: a backend leaving
 * the XDP headroom we asked for (xdp.c) puts it in the first slot's
 * offset, as xpv's netback does. Linux's netback instead announces it in
 * an XDP extra-info slot and counts it in the status of every slot, whose
 * offset stays 0: with that extra, each slot's data starts at the headroom
 * and still ends at offset + status. With a program attached, each
 * single-slot packet goes through it before anything else (xnf_xdp_rx()).
 */
#include "common.h"

#include <linux/etherdevice.h>
#include <linux/filter.h>
#include <linux/mm.h>
#include <linux/skbuff.h>

#include <xen/events.h>

static unsigned int xnf_rx_idx(RING_IDX i)
{
	return i & (XNF_RX_RING_SIZE - 1);
}

static void xnf_rx_refill_timer(struct timer_list *t)
{
	struct xnf_queue *q = from_timer(q, t, rx_refill);

	napi_schedule(&q->napi);
}

/**
 * xnf_rx_init() - initialise a queue's receive side, no grant yet
 * @q: the queue
 */
void xnf_rx_init(struct xnf_queue *q)
{
	unsigned int i;

	spin_lock_init(&q->rx_lock);
	spin_lock_init(&q->rx_cons_lock);
	timer_setup(&q->rx_refill, xnf_rx_refill_timer, 0);
	for (i = 0; i < XNF_RX_RING_SIZE; i++) {
		q->rx_slots[i].page = NULL;
		q->rx_slots[i].ref = INVALID_GRANT_REF;
	}
}

/**
 * xnf_rx_grants_alloc() - give every ring entry its grant reference
 * @q: the queue, after xnf_rx_init()
 *
 * Return: 0, or -ENOSPC when the grant table is exhausted.
 */
int xnf_rx_grants_alloc(struct xnf_queue *q)
{
	grant_ref_t head;
	unsigned int i;

	if (gnttab_alloc_grant_references(XNF_RX_RING_SIZE, &head))
		return -ENOSPC;
	for (i = 0; i < XNF_RX_RING_SIZE; i++)
		q->rx_slots[i].ref = gnttab_claim_grant_reference(&head);
	return 0;
}

/* Move rsp_cons; the event handler counts unconsumed responses from it. */
static void xnf_rx_set_cons(struct xnf_queue *q, RING_IDX cons)
{
	unsigned long flags;

	spin_lock_irqsave(&q->rx_cons_lock, flags);
	q->rx.rsp_cons = cons;
	q->rx_unconsumed = READ_ONCE(q->rx.sring->rsp_prod) - cons;
	spin_unlock_irqrestore(&q->rx_cons_lock, flags);
}

/**
 * xnf_rx_refill() - post a zeroed, granted page in every free ring entry
 * @q: the queue; @q->rx_lock held
 *
 * Nothing is posted while the carrier is off. A failed allocation leaves
 * the rest for a timer 100 ms later.
 */
void xnf_rx_refill(struct xnf_queue *q)
{
	struct xnf_counters *st = &q->info->stats[q->id].rx;
	domid_t domid = q->info->xbdev->otherend_id;
	RING_IDX prod = q->rx.req_prod_pvt;
	bool nomem = false;
	int notify;

	if (!netif_carrier_ok(q->info->netdev) || xnf_is_broken(q->info))
		return;

	for (; prod - q->rx.rsp_cons < XNF_RX_RING_SIZE; prod++) {
		struct xnf_rx_slot *slot = &q->rx_slots[xnf_rx_idx(prod)];
		struct xen_netif_rx_request *req;
		struct page *page;

		if (slot->page) {
			xnf_set_broken(q->info, "rx ring bookkeeping lost");
			return;
		}
		/* Zeroed: the backend sees nothing it did not write (XSA-403). */
		page = alloc_page(GFP_ATOMIC | __GFP_NOWARN | __GFP_ZERO);
		if (!page) {
			nomem = true;
			break;
		}
		gnttab_page_grant_foreign_access_ref_one(slot->ref, domid,
							 page, 0);
		xnf_count(st, XNF_RX_GRANTS, 1);
		slot->page = page;
		req = RING_GET_REQUEST(&q->rx, prod);
		req->id = xnf_rx_idx(prod);
		req->gref = slot->ref;
	}
	q->rx.req_prod_pvt = prod;

	if (nomem) {
		xnf_count(st, XNF_RX_NOMEM, 1);
		mod_timer(&q->rx_refill, jiffies + HZ / 10);
	}
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->rx, notify);
	if (notify) {
		notify_remote_via_irq(q->rx_irq);
		xnf_count(st, XNF_RX_NOTIFIES, 1);
	}
}

/**
 * xnf_rx_release() - take back every receive buffer at disconnect
 * @q: the queue; its event channels are unbound and NAPI is off
 *
 * A page the backend still maps is handed to the grant table's deferred
 * release, which frees it only once the backend has let go.
 */
void xnf_rx_release(struct xnf_queue *q)
{
	struct xnf_counters *st = &q->info->stats[q->id].rx;
	unsigned int i;

	spin_lock_bh(&q->rx_lock);
	for (i = 0; i < XNF_RX_RING_SIZE; i++) {
		struct xnf_rx_slot *slot = &q->rx_slots[i];

		if (slot->ref == INVALID_GRANT_REF)
			continue;
		if (!slot->page) {
			gnttab_free_grant_reference(slot->ref);
		} else if (gnttab_end_foreign_access_ref(slot->ref)) {
			xnf_count(st, XNF_RX_GRANT_ENDS, 1);
			gnttab_free_grant_reference(slot->ref);
			__free_page(slot->page);
		} else {
			xnf_count(st, XNF_RX_BUSY, 1);
			gnttab_end_foreign_access(slot->ref, slot->page);
		}
		slot->page = NULL;
		slot->ref = INVALID_GRANT_REF;
	}
	spin_unlock_bh(&q->rx_lock);
}

/* --- receive --- */

/**
 * struct xnf_rxp - one packet being read from the ring
 * @cons: the entry being read
 * @rp: the producer index read at the start of the poll (all checked)
 * @drop: the packet is dropped, its slots only recycled
 * @may_copy: a small single-slot packet may be copied out (no XDP)
 * @skb: that copy, when it was made; then @nr is 0
 * @nr: pages in @pages
 * @pages: the data slots' pages, revoked from the backend
 * @off: offset of each slot's data
 * @len: length of each slot's data
 * @extras: extra info by type - 1
 */
struct xnf_rxp {
	RING_IDX cons;
	RING_IDX rp;
	bool drop;
	bool may_copy;
	struct sk_buff *skb;
	unsigned int nr;
	struct page *pages[XNF_MAX_SLOTS];
	u16 off[XNF_MAX_SLOTS];
	u16 len[XNF_MAX_SLOTS];
	struct xen_netif_extra_info extras[XEN_NETIF_EXTRA_TYPE_MAX - 1];
};

/*
 * Post the buffer of entry @cons again, grant and all, at the producer's
 * entry. Every entry up to @cons has been emptied already, so the target
 * is free (it is @cons itself, or one of them, when the ring is full).
 */
static int xnf_rx_recycle(struct xnf_queue *q, RING_IDX cons)
{
	struct xnf_rx_slot *src = &q->rx_slots[xnf_rx_idx(cons)];
	unsigned int t = xnf_rx_idx(q->rx.req_prod_pvt);
	struct xnf_rx_slot *dst = &q->rx_slots[t];
	struct page *page = src->page;
	struct xen_netif_rx_request *req;
	grant_ref_t ref;

	if (dst->page && dst != src) {
		xnf_set_broken(q->info, "rx ring bookkeeping lost");
		return -EIO;
	}
	src->page = NULL;
	/* The references travel with the pages: swap them. */
	ref = dst->ref;
	dst->ref = src->ref;
	src->ref = ref;
	dst->page = page;

	req = RING_GET_REQUEST(&q->rx, q->rx.req_prod_pvt);
	req->id = t;
	req->gref = dst->ref;
	q->rx.req_prod_pvt++;
	return 0;
}

static void xnf_rx_free_pages(struct xnf_rxp *p)
{
	while (p->nr)
		put_page(p->pages[--p->nr]);
}

/* Read the extra-info slots that follow entry @p->cons. */
static int xnf_rx_extras(struct xnf_queue *q, struct xnf_rxp *p)
{
	struct xen_netif_extra_info extra;

	do {
		if (++p->cons == p->rp) {
			xnf_set_broken(q->info, "rx extra info missing");
			return -EIO;
		}
		if (!q->rx_slots[xnf_rx_idx(p->cons)].page) {
			xnf_set_broken(q->info, "rx response in an empty entry");
			return -EIO;
		}
		RING_COPY_RESPONSE(&q->rx, p->cons, &extra);
		if (!extra.type || extra.type >= XEN_NETIF_EXTRA_TYPE_MAX) {
			net_dbg_ratelimited("%s: unknown rx extra type %u\n",
					    q->name, extra.type);
			p->drop = true;
		} else {
			p->extras[extra.type - 1] = extra;
		}
		/* The backend wrote no data there: post it again. */
		if (xnf_rx_recycle(q, p->cons))
			return -EIO;
	} while (extra.flags & XEN_NETIF_EXTRA_FLAG_MORE);
	return 0;
}

/* Copy a small single-slot packet out of @slot's page into @p->skb. */
static bool xnf_rx_copy(struct xnf_queue *q, struct xnf_rxp *p,
			const struct xnf_rx_slot *slot,
			const struct xen_netif_rx_response *rsp)
{
	struct sk_buff *skb;

	if (!p->may_copy || p->nr || rsp->status > XNF_RX_COPYBREAK ||
	    (rsp->flags & (XEN_NETRXF_more_data | XEN_NETRXF_extra_info)))
		return false;
	skb = napi_alloc_skb(&q->napi, rsp->status);
	if (!skb)
		return false;
	skb_put_data(skb, page_address(slot->page) + rsp->offset, rsp->status);
	p->skb = skb;
	xnf_count(&q->info->stats[q->id].rx, XNF_RX_COPIED, 1);
	xnf_count(&q->info->stats[q->id].rx, XNF_RX_COPIED_BYTES, rsp->status);
	return true;
}

/* Check the data response of entry @p->cons and take its page or data. */
static int xnf_rx_data(struct xnf_queue *q, struct xnf_rxp *p,
		       const struct xen_netif_rx_response *rsp)
{
	unsigned int idx = xnf_rx_idx(p->cons);
	struct xnf_rx_slot *slot = &q->rx_slots[idx];

	if (!slot->page || rsp->id != idx) {
		xnf_set_broken(q->info, "rx response id not outstanding");
		return -EIO;
	}
	if (rsp->status >= 0 &&
	    (unsigned int)rsp->offset + rsp->status > XEN_PAGE_SIZE) {
		xnf_set_broken(q->info, "rx response beyond its page");
		return -EIO;
	}
	if (rsp->status < 0 || p->nr == XNF_MAX_SLOTS)
		p->drop = true;
	if (p->drop || xnf_rx_copy(q, p, slot, rsp))
		return xnf_rx_recycle(q, p->cons);

	if (!gnttab_end_foreign_access_ref(slot->ref)) {
		/* Left posted; disconnect hands it to deferred release. */
		xnf_count(&q->info->stats[q->id].rx, XNF_RX_BUSY, 1);
		xnf_set_broken(q->info, "rx grant still mapped by the backend");
		return -EIO;
	}
	xnf_count(&q->info->stats[q->id].rx, XNF_RX_GRANT_ENDS, 1);
	p->pages[p->nr] = slot->page;
	p->off[p->nr] = rsp->offset;
	p->len[p->nr] = rsp->status;
	p->nr++;
	slot->page = NULL;
	return 0;
}

/*
 * Read one packet starting at rsp_cons. On return rsp_cons is past it,
 * and *@first holds its first response. Return: 0, or -EIO (broken).
 */
static int xnf_rx_read(struct xnf_queue *q, struct xnf_rxp *p,
		       struct xen_netif_rx_response *first)
{
	struct xen_netif_rx_response rsp;
	int err;

	p->cons = q->rx.rsp_cons;
	RING_COPY_RESPONSE(&q->rx, p->cons, first);
	rsp = *first;
	for (;;) {
		err = xnf_rx_data(q, p, &rsp);
		if (!err && p->cons == q->rx.rsp_cons &&
		    (first->flags & XEN_NETRXF_extra_info))
			err = xnf_rx_extras(q, p);
		if (err)
			return err;
		if (!(rsp.flags & XEN_NETRXF_more_data))
			break;
		if (++p->cons == p->rp) {
			xnf_set_broken(q->info, "rx packet cut short");
			return -EIO;
		}
		RING_COPY_RESPONSE(&q->rx, p->cons, &rsp);
	}
	xnf_rx_set_cons(q, p->cons + 1);
	return 0;
}

/*
 * The data of each slot of a packet that came with an XDP extra (Linux's
 * netback) starts at the headroom it gives; one that cannot drops it.
 */
static void xnf_rx_xdp_extra(struct xnf_rxp *p)
{
	const struct xen_netif_extra_info *xdp =
		&p->extras[XEN_NETIF_EXTRA_TYPE_XDP - 1];
	unsigned int i;

	if (!xdp->type)
		return;
	for (i = 0; i < p->nr; i++) {
		unsigned int start = max_t(unsigned int, p->off[i],
					   xdp->u.xdp.headroom);
		unsigned int end = p->off[i] + p->len[i];

		if (start > end) {
			p->drop = true;
			return;
		}
		p->off[i] = start;
		p->len[i] = end - start;
	}
}

static int xnf_rx_set_gso(struct sk_buff *skb,
			  const struct xen_netif_extra_info *gso)
{
	if (!gso->u.gso.size)
		return -EINVAL;
	switch (gso->u.gso.type) {
	case XEN_NETIF_GSO_TYPE_TCPV4:
		skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
		break;
	case XEN_NETIF_GSO_TYPE_TCPV6:
		skb_shinfo(skb)->gso_type = SKB_GSO_TCPV6;
		break;
	default:
		return -EINVAL;
	}
	skb_shinfo(skb)->gso_size = gso->u.gso.size;
	/* Headers unchecked: the stack verifies them and counts segments. */
	skb_shinfo(skb)->gso_type |= SKB_GSO_DODGY;
	skb_shinfo(skb)->gso_segs = 0;
	return 0;
}

/* The pages of @p as the frags of a new skb, its headers pulled in. */
static struct sk_buff *xnf_rx_build(struct xnf_queue *q, struct xnf_rxp *p)
{
	struct sk_buff *skb;
	unsigned int i;

	skb = napi_alloc_skb(&q->napi, XNF_RX_COPY_THRESHOLD);
	if (!skb)
		return NULL;
	for (i = 0; i < p->nr; i++) {
		unsigned int nr_frags = skb_shinfo(skb)->nr_frags;

		if (!p->len[i]) {
			put_page(p->pages[i]);
			continue;
		}
		if (nr_frags == MAX_SKB_FRAGS) {
			/* Pulling the headers may free the first frag. */
			unsigned int pull = min_t(unsigned int, skb->len,
						  XNF_RX_COPY_THRESHOLD);

			if (pull > skb_headlen(skb))
				__pskb_pull_tail(skb, pull - skb_headlen(skb));
			if (skb_shinfo(skb)->nr_frags == MAX_SKB_FRAGS) {
				for (; i < p->nr; i++)
					put_page(p->pages[i]);
				p->nr = 0;
				kfree_skb(skb);
				return NULL;
			}
			nr_frags = skb_shinfo(skb)->nr_frags;
		}
		skb_add_rx_frag(skb, nr_frags, p->pages[i], p->off[i],
				p->len[i], PAGE_SIZE);
	}
	p->nr = 0;	/* the skb owns the pages now */

	i = min_t(unsigned int, skb->len, XNF_RX_COPY_THRESHOLD);
	if (i > skb_headlen(skb) &&
	    !__pskb_pull_tail(skb, i - skb_headlen(skb))) {
		kfree_skb(skb);
		return NULL;
	}
	return skb;
}

/* Checksum state from the first response; GSO must be CHECKSUM_PARTIAL. */
static int xnf_rx_csum(struct xnf_queue *q, struct sk_buff *skb, u16 flags)
{
	bool recalc = false;

	if (flags & XEN_NETRXF_csum_blank)
		skb->ip_summed = CHECKSUM_PARTIAL;
	else if (flags & XEN_NETRXF_data_validated)
		skb->ip_summed = CHECKSUM_UNNECESSARY;

	if (skb_is_gso(skb) && skb->ip_summed != CHECKSUM_PARTIAL) {
		xnf_count(&q->info->stats[q->id].rx, XNF_RX_CSUM_FIXUP, 1);
		skb->ip_summed = CHECKSUM_PARTIAL;
		recalc = true;
	}
	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return 0;
	return skb_checksum_setup(skb, recalc);
}

/* Turn the packet read into @p into an skb and pass it up. */
static void xnf_rx_deliver(struct xnf_queue *q, struct xnf_rxp *p,
			   const struct xen_netif_rx_response *first)
{
	const struct xen_netif_extra_info *gso =
		&p->extras[XEN_NETIF_EXTRA_TYPE_GSO - 1];
	struct xnf_counters *st = &q->info->stats[q->id].rx;
	struct net_device *dev = q->info->netdev;
	struct sk_buff *skb;

	skb = p->skb ?: xnf_rx_build(q, p);
	p->skb = NULL;
	if (!skb)
		goto drop;
	if (skb->len < ETH_HLEN || !pskb_may_pull(skb, ETH_HLEN) ||
	    (gso->type && xnf_rx_set_gso(skb, gso)))
		goto drop_skb;

	skb->protocol = eth_type_trans(skb, dev);
	skb_reset_network_header(skb);
	if (xnf_rx_csum(q, skb, first->flags))
		goto drop_skb;

	xnf_count(st, XNF_RX_PACKETS, 1);
	xnf_count(st, XNF_RX_BYTES, skb->len);
	napi_gro_receive(&q->napi, skb);
	return;

drop_skb:
	kfree_skb(skb);
drop:
	xnf_rx_free_pages(p);
	xnf_count(st, XNF_RX_ERRORS, 1);
}

/**
 * xnf_poll() - NAPI poll: receive up to @budget packets, refill the ring
 * @napi: the queue's NAPI context
 * @budget: the most packets to pass up
 *
 * Return: packets consumed (dropped ones included), below @budget once
 * the ring is empty.
 */
int xnf_poll(struct napi_struct *napi, int budget)
{
	struct xnf_queue *q = container_of(napi, struct xnf_queue, napi);
	struct xnf_counters *st = &q->info->stats[q->id].rx;
	bool redirected = false;
	struct bpf_prog *prog;
	struct xnf_rxp p;
	int done = 0;
	int more;

	spin_lock(&q->rx_lock);
	rcu_read_lock();
	prog = rcu_dereference(q->info->xdp_prog);
	if (xnf_is_broken(q->info))
		goto out;

	p.rp = READ_ONCE(q->rx.sring->rsp_prod);
	/* No more responses than buffers posted. */
	if (p.rp - q->rx.rsp_cons > q->rx.req_prod_pvt - q->rx.rsp_cons) {
		xnf_set_broken(q->info, "rx rsp_prod beyond requests");
		goto out;
	}
	virt_rmb();	/* the responses after rsp_prod */

	while (q->rx.rsp_cons != p.rp && done < budget) {
		struct xen_netif_rx_response first;

		p.drop = false;
		p.may_copy = !prog;
		p.skb = NULL;
		p.nr = 0;
		memset(p.extras, 0, sizeof(p.extras));
		if (xnf_rx_read(q, &p, &first)) {
			xnf_rx_free_pages(&p);
			kfree_skb(p.skb);
			goto out;
		}
		done++;
		xnf_rx_xdp_extra(&p);
		if (p.drop) {
			xnf_rx_free_pages(&p);
			kfree_skb(p.skb);
			xnf_count(st, XNF_RX_ERRORS, 1);
			continue;
		}
		if (prog) {
			/* As Linux: a program sees single-slot packets only. */
			if (p.nr != 1) {
				xnf_rx_free_pages(&p);
				xnf_count(st, XNF_RX_XDP_TOO_BIG, 1);
				continue;
			}
			if (xnf_xdp_rx(q, prog, p.pages[0], &p.off[0],
				       &p.len[0], &redirected)) {
				p.nr = 0;
				continue;
			}
		}
		xnf_rx_deliver(q, &p, &first);
	}
	xnf_rx_refill(q);
	if (redirected)
		xdp_do_flush();
	rcu_read_unlock();

	if (done < budget && napi_complete_done(napi, done)) {
		RING_FINAL_CHECK_FOR_RESPONSES(&q->rx, more);
		if (more)
			napi_schedule(napi);
	}
	spin_unlock(&q->rx_lock);
	return done;

out:
	if (redirected)
		xdp_do_flush();
	rcu_read_unlock();
	/* Broken: stop polling; the event channel stays masked. */
	if (done < budget)
		napi_complete_done(napi, done);
	spin_unlock(&q->rx_lock);
	return done;
}

/**
 * xnf_rx_event() - the receive half of an event
 * @q: the queue
 *
 * An event is work only if the backend produced responses since the last
 * one; a producer index moving backwards breaks the device.
 *
 * Return: whether there was new work (else the event was spurious).
 */
bool xnf_rx_event(struct xnf_queue *q)
{
	unsigned long flags;
	unsigned int n;
	bool work = false;

	spin_lock_irqsave(&q->rx_cons_lock, flags);
	n = READ_ONCE(q->rx.sring->rsp_prod) - q->rx.rsp_cons;
	if (n > q->rx_unconsumed) {
		q->rx_unconsumed = n;
		work = true;
	} else if (n < q->rx_unconsumed) {
		spin_unlock_irqrestore(&q->rx_cons_lock, flags);
		xnf_set_broken(q->info, "rx producer index went backwards");
		return false;
	}
	spin_unlock_irqrestore(&q->rx_cons_lock, flags);

	if (n && netif_carrier_ok(q->info->netdev))
		napi_schedule(&q->napi);
	return work;
}
