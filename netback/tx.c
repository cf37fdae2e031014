// SPDX-License-Identifier: GPL-2.0
/*
 * tx.c - guest TX: each queue's NAPI poll copies the packets the frontend
 * put on its TX ring into local skbs and hands them to the stack.
 *
 * A packet is a first request (its size is the whole packet's), optional
 * extra-info slots (GSO, multicast add/del, hash: the skb's hash, see
 * ctrl.c), then more requests while XEN_NETTXF_more_data is set (netif.h,
 * "Guest transmit"). Every request is copied out of the shared ring once
 * and only the copy is used (XSA-155); the data is then copied with
 * GNTTABOP_copy, a batch of packets per hypercall, into an skb of our own:
 * the first bytes into the linear area whatever slots they came in
 * (XSA-423, XSA-432), the rest into whole pages, so a zero-length slot
 * costs nothing and never becomes a fragment (XSA-448). Every data slot
 * gets a response, every extra slot a NULL one.
 *
 * What the frontend gets wrong decides what happens, as in Linux: a
 * packet with 19 to fatal_skb_slots further slots, a slot larger than
 * what remains of the packet, or a first slot shorter than an Ethernet
 * header is answered with an error and dropped; a ring index that cannot
 * be, a chain that runs past the requests published, more than
 * fatal_skb_slots further slots, a slot crossing its page, an unknown
 * extra type or a bad GSO extra disable the vif (xnb_vif_fatal()).
 */
#include "common.h"

#include <linux/etherdevice.h>
#include <linux/jiffies.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/tcp.h>

#include <xen/events.h>

/* What fetching the next packet did. */
enum xnb_tx_next {
	XNB_TX_EMPTY,		/* no request left */
	XNB_TX_QUEUED,		/* a packet joined the batch */
	XNB_TX_ANSWERED,	/* requests were answered at once */
	XNB_TX_STOP,		/* stop polling: fatal, no credit or memory */
};

/**
 * xnb_tx_has_work() - whether the frontend posted TX requests
 * @q: the queue
 *
 * Return: true when requests are waiting (interrupt context).
 */
bool xnb_tx_has_work(struct xnb_queue *q)
{
	return RING_HAS_UNCONSUMED_REQUESTS(&q->tx);
}

/**
 * xnb_tx_schedule_or_eoi() - poll again, or re-arm the TX channel
 * @q: the queue, its poll just completed (or the vif just came up)
 *
 * Sets req_event and looks once more, so that a request posted meanwhile
 * is not missed; with none, the poll's late EOI goes out. A disabled vif
 * keeps its channel masked.
 */
void xnb_tx_schedule_or_eoi(struct xnb_queue *q)
{
	int more;

	if (test_bit(XNB_VIF_DISABLED, &q->vif->flags))
		return;
	RING_FINAL_CHECK_FOR_REQUESTS(&q->tx, more);
	if (more)
		napi_schedule(&q->napi);
	else
		xnb_queue_eoi(q, XNB_EOI_TX);
}

/* --- responses --- */

/* Field by field: nothing of ours but these reaches the ring. */
static void xnb_tx_respond(struct xnb_queue *q, u16 id, s16 status)
{
	struct xen_netif_tx_response *rsp =
		RING_GET_RESPONSE(&q->tx, q->tx.rsp_prod_pvt);

	rsp->id = id;
	rsp->status = status;
	q->tx.rsp_prod_pvt++;
}

/* Answer a packet: its first slot, its extra slots, its other slots. */
static void xnb_tx_respond_pkt(struct xnb_queue *q,
			       const struct xen_netif_tx_request *slots,
			       unsigned int nr_slots, unsigned int nr_extras,
			       s16 status)
{
	unsigned int i;

	xnb_tx_respond(q, slots[0].id, status);
	for (i = 0; i < nr_extras; i++)
		xnb_tx_respond(q, 0, XEN_NETIF_RSP_NULL);
	for (i = 1; i < nr_slots; i++)
		xnb_tx_respond(q, slots[i].id, status);
}

static void xnb_tx_push(struct xnb_queue *q)
{
	int notify;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&q->tx, notify);
	if (notify) {
		notify_remote_via_irq(q->tx_irq);
		q->stats.gtx_notify++;
	}
}

/* --- rate limit ("rate" key: bytes per window) --- */

static void xnb_tx_add_credit(struct xnb_queue *q)
{
	unsigned long bytes = READ_ONCE(q->credit_bytes);
	/* Room for a 64 KiB packet whatever the rate, as Linux allows. */
	unsigned long max_burst = max(131072UL, bytes);
	unsigned long credit = q->remaining_credit + bytes;

	if (credit < q->remaining_credit)
		credit = ULONG_MAX;
	q->remaining_credit = min(credit, max_burst);
}

/**
 * xnb_tx_credit_timer() - the rate limit's window has passed
 * @t: the queue's credit timer
 *
 * The credit itself is the poll's: this only tells it and schedules it.
 */
void xnb_tx_credit_timer(struct timer_list *t)
{
	struct xnb_queue *q = from_timer(q, t, credit_timer);

	set_bit(XNB_TXF_REFILL, &q->tx_flags);
	napi_schedule(&q->napi);
}

/* Whether @size bytes must wait for the next window (timer armed). */
static bool xnb_tx_credit_exceeded(struct xnb_queue *q, unsigned int size)
{
	u64 now = get_jiffies_64();
	u64 next = q->credit_window_start +
		   usecs_to_jiffies(READ_ONCE(q->credit_usec));

	if (timer_pending(&q->credit_timer))
		goto limited;
	if (time_after_eq64(now, next)) {
		q->credit_window_start = now;
		xnb_tx_add_credit(q);
	}
	if (size <= q->remaining_credit)
		return false;
	mod_timer(&q->credit_timer, next);
	q->credit_window_start = next;
limited:
	q->rate_limited = true;
	return true;
}

/* Apply what the timer and the rate watch asked for. */
static void xnb_tx_credit_update(struct xnb_queue *q)
{
	if (test_and_clear_bit(XNB_TXF_RATE_CHANGED, &q->tx_flags)) {
		q->remaining_credit = min(q->remaining_credit,
					  READ_ONCE(q->credit_bytes));
		q->credit_window_start = get_jiffies_64();
	}
	if (test_and_clear_bit(XNB_TXF_REFILL, &q->tx_flags))
		xnb_tx_add_credit(q);
}

/* --- multicast control --- */

static int xnb_mcast_add(struct xnb_vif *vif, const u8 *addr)
{
	struct xnb_mcast *m;
	int err = 0;

	spin_lock_bh(&vif->mcast_lock);
	list_for_each_entry(m, &vif->mcast_list, entry)
		if (ether_addr_equal(m->addr, addr))
			goto out;
	if (vif->nr_mcast >= XNB_MCAST_MAX) {
		err = -ENOSPC;
		goto out;
	}
	m = kzalloc(sizeof(*m), GFP_ATOMIC);
	if (!m) {
		err = -ENOMEM;
		goto out;
	}
	ether_addr_copy(m->addr, addr);
	list_add_tail_rcu(&m->entry, &vif->mcast_list);
	vif->nr_mcast++;
out:
	spin_unlock_bh(&vif->mcast_lock);
	return err;
}

static void xnb_mcast_del(struct xnb_vif *vif, const u8 *addr)
{
	struct xnb_mcast *m;

	spin_lock_bh(&vif->mcast_lock);
	list_for_each_entry(m, &vif->mcast_list, entry) {
		if (ether_addr_equal(m->addr, addr)) {
			list_del_rcu(&m->entry);
			vif->nr_mcast--;
			kfree_rcu(m, rcu);
			break;
		}
	}
	spin_unlock_bh(&vif->mcast_lock);
}

/**
 * xnb_mcast_match() - whether the frontend registered a multicast address
 * @vif: the vif
 * @addr: the destination address
 *
 * Return: true when @addr is on the vif's list (any context).
 */
bool xnb_mcast_match(struct xnb_vif *vif, const u8 *addr)
{
	struct xnb_mcast *m;
	bool found = false;

	rcu_read_lock();
	list_for_each_entry_rcu(m, &vif->mcast_list, entry) {
		if (ether_addr_equal(m->addr, addr)) {
			found = true;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/**
 * xnb_mcast_free() - forget every multicast address
 * @vif: the vif, its polls stopped
 */
void xnb_mcast_free(struct xnb_vif *vif)
{
	struct xnb_mcast *m, *n;

	spin_lock_bh(&vif->mcast_lock);
	list_for_each_entry_safe(m, n, &vif->mcast_list, entry) {
		list_del_rcu(&m->entry);
		kfree_rcu(m, rcu);
	}
	vif->nr_mcast = 0;
	spin_unlock_bh(&vif->mcast_lock);
}

/* --- reading packets off the ring --- */

/*
 * Requests published and not consumed. A producer index more than a ring
 * ahead of our responses cannot be: the frontend is broken.
 */
static int xnb_tx_avail(struct xnb_queue *q, unsigned int *avail)
{
	RING_IDX prod = READ_ONCE(q->tx.sring->req_prod);

	virt_rmb();	/* the requests after the producer index */
	if (prod - q->tx.rsp_prod_pvt > RING_SIZE(&q->tx) ||
	    prod - q->tx.req_cons > RING_SIZE(&q->tx)) {
		xnb_vif_fatal(q->vif, "impossible TX producer index");
		return -EIO;
	}
	*avail = prod - q->tx.req_cons;
	return 0;
}

/*
 * Allocate the skb and its pages, then describe the copies that fill
 * them: each slot's bytes in order, split where a slot, the linear area
 * or a fragment ends, or where the destination crosses a page.
 */
static int xnb_tx_build(struct xnb_queue *q, struct xnb_tx_pkt *pkt,
			unsigned int total, unsigned int *nr_ops)
{
	unsigned int linear = total <= XNB_TX_LINEAR_MAX ? total :
			      XNB_TX_COPY_LEN;
	unsigned int rest = total - linear, area = 0, area_off = 0;
	unsigned int area_len, s, nr_frags = 0;
	struct sk_buff *skb;
	u8 *dst;

	skb = napi_alloc_skb(&q->napi, linear);
	if (!skb)
		return -ENOMEM;
	__skb_put(skb, linear);
	while (rest) {
		unsigned int len = min_t(unsigned int, rest, PAGE_SIZE);
		struct page *page = alloc_page(GFP_ATOMIC | __GFP_NOWARN);

		if (!page) {
			kfree_skb(skb);
			return -ENOMEM;
		}
		skb_add_rx_frag(skb, nr_frags++, page, 0, len, PAGE_SIZE);
		rest -= len;
	}

	pkt->skb = skb;
	pkt->first_op = *nr_ops;
	dst = skb->data;
	area_len = linear;
	for (s = 0; s < pkt->nr_slots; s++) {
		const struct xen_netif_tx_request *txp = &pkt->slots[s];
		unsigned int done = 0;

		while (done < txp->size) {
			struct gnttab_copy *op;
			unsigned int chunk;

			if (area_off == area_len) {
				skb_frag_t *frag;

				/* total == the slots' sum: a frag is left. */
				if (area >= nr_frags)
					break;
				frag = &skb_shinfo(skb)->frags[area++];
				dst = page_address(skb_frag_page(frag)) +
				      skb_frag_off(frag);
				area_len = skb_frag_size(frag);
				area_off = 0;
			}
			chunk = min3(txp->size - done, area_len - area_off,
				     (unsigned int)(XEN_PAGE_SIZE -
				     xen_offset_in_page(dst + area_off)));

			op = &q->tx_ops[(*nr_ops)++];
			op->source.u.ref = txp->gref;
			op->source.domid = q->vif->domid;
			op->source.offset = txp->offset + done;
			op->dest.u.gmfn = virt_to_gfn(dst + area_off);
			op->dest.domid = DOMID_SELF;
			op->dest.offset = xen_offset_in_page(dst + area_off);
			op->len = chunk;
			op->flags = GNTCOPY_source_gref;

			done += chunk;
			area_off += chunk;
		}
	}
	pkt->nr_ops = *nr_ops - pkt->first_op;
	return 0;
}

/* Read the extra-info slots after a first request into @extras. */
static int xnb_tx_get_extras(struct xnb_queue *q, RING_IDX *cons,
			     unsigned int *avail,
			     struct xen_netif_extra_info *extras,
			     unsigned int *nr_extras)
{
	struct xen_netif_extra_info extra;

	do {
		if (!*avail) {
			xnb_vif_fatal(q->vif, "missing TX extra info");
			return -EINVAL;
		}
		RING_COPY_REQUEST(&q->tx, *cons, &extra);
		(*cons)++;
		(*avail)--;
		(*nr_extras)++;
		if (!extra.type || extra.type >= XEN_NETIF_EXTRA_TYPE_MAX) {
			xnb_vif_fatal(q->vif, "invalid TX extra info type");
			return -EINVAL;
		}
		extras[extra.type - 1] = extra;
	} while (extra.flags & XEN_NETIF_EXTRA_FLAG_MORE);
	return 0;
}

/*
 * Read the data slots after the first into @pkt, bounding the chain. A
 * packet to be dropped still has every slot consumed and answered.
 * Return: 0, 1 when dropped (answered), or -EINVAL when fatal.
 */
static int xnb_tx_get_slots(struct xnb_queue *q, struct xnb_tx_pkt *pkt,
			    RING_IDX *cons, unsigned int *avail,
			    unsigned int *remaining)
{
	struct xen_netif_tx_request txp;
	unsigned int more = 0;
	bool drop = false;

	do {
		if (!*avail) {
			xnb_vif_fatal(q->vif, "TX packet runs past the requests posted");
			return -EINVAL;
		}
		if (more >= xnb_fatal_skb_slots) {
			xnb_vif_fatal(q->vif, "TX packet uses too many slots");
			return -EINVAL;
		}
		RING_COPY_REQUEST(&q->tx, *cons, &txp);
		(*cons)++;
		(*avail)--;
		more++;

		if (txp.offset + txp.size > XEN_PAGE_SIZE) {
			xnb_vif_fatal(q->vif, "TX slot crosses a page boundary");
			return -EINVAL;
		}
		/*
		 * More slots than a legacy frontend may use, or a slot larger
		 * than what remains of the packet (its size overflowed in a
		 * buggy frontend): drop, answering every slot.
		 */
		if (!drop && (more > XNB_LEGACY_SLOTS_MAX ||
			      txp.size > *remaining)) {
			drop = true;
			xnb_tx_respond_pkt(q, pkt->slots, pkt->nr_slots,
					   pkt->nr_extras, XEN_NETIF_RSP_ERROR);
		}
		if (drop) {
			xnb_tx_respond(q, txp.id, XEN_NETIF_RSP_ERROR);
		} else {
			*remaining -= txp.size;
			pkt->slots[pkt->nr_slots++] = txp;
		}
	} while (txp.flags & XEN_NETTXF_more_data);
	return drop;
}

/* Fetch the next packet and describe its copies; see enum xnb_tx_next. */
static enum xnb_tx_next xnb_tx_get(struct xnb_queue *q,
				   struct xnb_tx_pkt *pkt,
				   unsigned int *nr_ops)
{
	struct xen_netif_extra_info extras[XEN_NETIF_EXTRA_TYPE_MAX - 1] = {};
	struct xen_netif_tx_request *first = &pkt->slots[0];
	unsigned int avail, remaining, total;
	RING_IDX cons = q->tx.req_cons;
	int ret;

	if (xnb_tx_avail(q, &avail))
		return XNB_TX_STOP;
	if (!avail)
		return XNB_TX_EMPTY;

	RING_COPY_REQUEST(&q->tx, cons, first);
	if (first->size > q->remaining_credit &&
	    xnb_tx_credit_exceeded(q, first->size))
		return XNB_TX_STOP;	/* left on the ring */
	q->remaining_credit -= first->size;
	cons++;
	avail--;

	pkt->nr_slots = 1;
	pkt->nr_extras = 0;
	if (first->flags & XEN_NETTXF_extra_info) {
		ret = xnb_tx_get_extras(q, &cons, &avail, extras,
					&pkt->nr_extras);
		if (ret)
			return XNB_TX_STOP;
	}

	/* Multicast control: a request with no data of its own. */
	if (extras[XEN_NETIF_EXTRA_TYPE_MCAST_ADD - 1].type) {
		ret = xnb_mcast_add(q->vif,
				    extras[XEN_NETIF_EXTRA_TYPE_MCAST_ADD - 1].u.mcast.addr);
		q->tx.req_cons = cons;
		xnb_tx_respond_pkt(q, first, 1, pkt->nr_extras,
				   ret ? XEN_NETIF_RSP_ERROR : XEN_NETIF_RSP_OKAY);
		return XNB_TX_ANSWERED;
	}
	if (extras[XEN_NETIF_EXTRA_TYPE_MCAST_DEL - 1].type) {
		xnb_mcast_del(q->vif,
			      extras[XEN_NETIF_EXTRA_TYPE_MCAST_DEL - 1].u.mcast.addr);
		q->tx.req_cons = cons;
		xnb_tx_respond_pkt(q, first, 1, pkt->nr_extras,
				   XEN_NETIF_RSP_OKAY);
		return XNB_TX_ANSWERED;
	}

	total = first->size;
	remaining = total;
	if (first->flags & XEN_NETTXF_more_data) {
		ret = xnb_tx_get_slots(q, pkt, &cons, &avail, &remaining);
		if (ret < 0)
			return XNB_TX_STOP;
		if (ret) {
			q->tx.req_cons = cons;
			q->stats.gtx_errors++;
			return XNB_TX_ANSWERED;
		}
	}
	q->tx.req_cons = cons;

	/* What is left of the size is the first slot's own data. */
	if (remaining < ETH_HLEN) {
		xnb_tx_respond_pkt(q, pkt->slots, pkt->nr_slots, pkt->nr_extras,
				   XEN_NETIF_RSP_ERROR);
		q->stats.gtx_errors++;
		return XNB_TX_ANSWERED;
	}
	if (first->offset + remaining > XEN_PAGE_SIZE) {
		xnb_vif_fatal(q->vif, "first TX slot crosses a page boundary");
		return XNB_TX_STOP;
	}
	first->size = remaining;

	pkt->gso = extras[XEN_NETIF_EXTRA_TYPE_GSO - 1];
	pkt->hash = extras[XEN_NETIF_EXTRA_TYPE_HASH - 1];
	if (pkt->gso.type &&
	    (!pkt->gso.u.gso.size ||
	     (pkt->gso.u.gso.type != XEN_NETIF_GSO_TYPE_TCPV4 &&
	      pkt->gso.u.gso.type != XEN_NETIF_GSO_TYPE_TCPV6))) {
		xnb_vif_fatal(q->vif, "bad TX GSO extra info");
		return XNB_TX_STOP;
	}

	if (xnb_tx_build(q, pkt, total, nr_ops)) {
		xnb_tx_respond_pkt(q, pkt->slots, pkt->nr_slots, pkt->nr_extras,
				   XEN_NETIF_RSP_ERROR);
		q->stats.gtx_errors++;
		return XNB_TX_STOP;	/* out of memory: try again later */
	}
	return XNB_TX_QUEUED;
}

/* --- handing packets to the stack --- */

static int xnb_tx_csum_setup(struct xnb_queue *q, struct sk_buff *skb)
{
	bool recalculate = false;

	/* GSO needs CHECKSUM_PARTIAL; some frontends forget csum_blank. */
	if (skb->ip_summed != CHECKSUM_PARTIAL && skb_is_gso(skb)) {
		q->stats.rx_gso_checksum_fixup++;
		skb->ip_summed = CHECKSUM_PARTIAL;
		recalculate = true;
	}
	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return 0;
	return skb_checksum_setup(skb, recalculate);
}

/* Headers are checked here, not trusted: a bad packet is dropped. */
static void xnb_tx_deliver(struct xnb_queue *q, struct xnb_tx_pkt *pkt)
{
	struct net_device *dev = q->vif->dev;
	struct sk_buff *skb = pkt->skb;
	u16 flags = pkt->slots[0].flags;
	unsigned int len = skb->len;

	if (flags & XEN_NETTXF_csum_blank)
		skb->ip_summed = CHECKSUM_PARTIAL;
	else if (flags & XEN_NETTXF_data_validated)
		skb->ip_summed = CHECKSUM_UNNECESSARY;

	if (pkt->gso.type) {
		skb_shinfo(skb)->gso_size = pkt->gso.u.gso.size;
		skb_shinfo(skb)->gso_type =
			(pkt->gso.u.gso.type == XEN_NETIF_GSO_TYPE_TCPV4 ?
			 SKB_GSO_TCPV4 : SKB_GSO_TCPV6) | SKB_GSO_DODGY;
	}

	if (pkt->hash.type)
		xnb_hash_from_guest(skb, &pkt->hash);

	skb->protocol = eth_type_trans(skb, dev);
	skb_reset_network_header(skb);
	if (xnb_tx_csum_setup(q, skb))
		goto drop;
	skb_probe_transport_header(skb);

	if (skb_is_gso(skb)) {
		unsigned int hdrlen;

		/* checksum setup found the TCP header, or we drop. */
		if (!skb_transport_header_was_set(skb))
			goto drop;
		hdrlen = skb_tcp_all_headers(skb);
		if (skb->len <= hdrlen)
			goto drop;
		skb_shinfo(skb)->gso_segs =
			DIV_ROUND_UP(skb->len - hdrlen,
				     skb_shinfo(skb)->gso_size);
	}

	q->stats.rx_packets++;
	q->stats.rx_bytes += len;
	napi_gro_receive(&q->napi, skb);
	return;

drop:
	q->stats.gtx_errors++;
	kfree_skb(skb);
}

/* After the batch's copies: answer each packet and deliver the good. */
static void xnb_tx_complete(struct xnb_queue *q, unsigned int nr_pkts)
{
	unsigned int i, j;

	for (i = 0; i < nr_pkts; i++) {
		struct xnb_tx_pkt *pkt = &q->tx_pkts[i];
		s16 status = XEN_NETIF_RSP_OKAY;

		for (j = 0; j < pkt->nr_ops; j++) {
			const struct gnttab_copy *op = &q->tx_ops[pkt->first_op + j];

			if (op->status == GNTST_okay) {
				q->stats.gtx_copy_bytes += op->len;
			} else {
				q->stats.gtx_copy_errors++;
				status = XEN_NETIF_RSP_ERROR;
			}
		}
		xnb_tx_respond_pkt(q, pkt->slots, pkt->nr_slots,
				   pkt->nr_extras, status);
		if (status == XEN_NETIF_RSP_OKAY) {
			xnb_tx_deliver(q, pkt);
		} else {
			q->stats.gtx_errors++;
			kfree_skb(pkt->skb);
		}
		pkt->skb = NULL;
	}
}

/* Process up to @budget packets, a batch of copies per hypercall. */
static int xnb_tx_action(struct xnb_queue *q, int budget)
{
	int work = 0;
	bool more = true;

	xnb_tx_credit_update(q);
	q->rate_limited = false;

	while (more && work < budget) {
		unsigned int nr_pkts = 0, nr_ops = 0;

		while (nr_pkts < XNB_TX_BATCH && work + nr_pkts < budget &&
		       nr_ops + XNB_TX_OPS_PER_PKT <= XNB_TX_COPY_OPS) {
			enum xnb_tx_next next;

			next = xnb_tx_get(q, &q->tx_pkts[nr_pkts], &nr_ops);
			if (next == XNB_TX_QUEUED) {
				nr_pkts++;
			} else if (next == XNB_TX_ANSWERED) {
				work++;
			} else {
				more = false;
				break;
			}
		}
		if (nr_ops) {
			gnttab_batch_copy(q->tx_ops, nr_ops);
			q->stats.gtx_copy_calls++;
			q->stats.gtx_copy_ops += nr_ops;
		}
		xnb_tx_complete(q, nr_pkts);
		work += nr_pkts;
		xnb_tx_push(q);
	}
	return work;
}

/**
 * xnb_poll() - a queue's NAPI poll: guest TX
 * @napi: the queue's NAPI context
 * @budget: the most packets to process
 *
 * Once the ring is empty the channel gets its late EOI; a rate-limited
 * queue is polled again by its credit timer instead, and a disabled vif
 * is left masked.
 *
 * Return: the packets processed (answered ones included).
 */
int xnb_poll(struct napi_struct *napi, int budget)
{
	struct xnb_queue *q = container_of(napi, struct xnb_queue, napi);
	int work;

	if (unlikely(test_bit(XNB_VIF_DISABLED, &q->vif->flags))) {
		napi_complete(napi);
		return 0;
	}
	work = xnb_tx_action(q, budget);
	if (work < budget && napi_complete_done(napi, work) &&
	    !q->rate_limited)
		xnb_tx_schedule_or_eoi(q);
	return work;
}
