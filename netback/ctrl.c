// SPDX-License-Identifier: GPL-2.0
/*
 * ctrl.c - the control ring (feature-ctrl-ring) and Toeplitz hashing.
 *
 * A frontend that steers its received packets itself (Windows' xenvif
 * does, for RSS) offers a one-page control ring, ctrl-ring-ref and
 * event-channel-ctrl, on which it chooses the hash algorithm, the packet
 * types to hash (flags), the Toeplitz key and a table from hash to queue
 * (netif.h, "Control ring"). A kthread per vif serves the ring. Each
 * request is copied out of the shared page before it is looked at; keys
 * and tables are copied from the frontend's grant into a page of ours and
 * checked there, offsets and lengths bounded without overflow (XSA-270);
 * every request gets one response. A producer index more than a ring
 * ahead stops the serving of that ring (its channel stays masked); the
 * data path goes on.
 *
 * The xmit path hashes each packet towards the guest as asked: the IPv4
 * or IPv6 addresses, and the TCP ports when the frontend wants those,
 * found by the flow dissector. The hash picks the queue through the table
 * (ndo_select_queue) and goes to the frontend in an extra-info slot
 * (rx.c). A hash extra the frontend sends with a packet becomes the
 * skb's hash.
 *
 * The hash state has one writer at a time: the kthread, or the xenwatch
 * thread resetting it at connect and disconnect while no kthread runs.
 * The xmit path reads it under a seqlock, whose writers keep interrupts
 * off so that a reader (netpoll too) never spins on its own CPU's writer.
 *
 * Statuses are those of Linux's netback, which answers a key or table
 * too large for it INVALID_PARAMETER, not netif.h's BUFFER_OVERFLOW.
 * Unlike Linux's, the state is reset when the frontend reconnects: a
 * table kept from a connection with more queues would name queues that
 * no longer exist.
 */
#include "common.h"

#include <linux/kthread.h>
#include <linux/seq_file.h>
#include <net/flow_dissector.h>

#include <xen/events.h>

#define XNB_HASH_TYPES	(XEN_NETIF_CTRL_HASH_TYPE_IPV4 |		\
			 XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP |		\
			 XEN_NETIF_CTRL_HASH_TYPE_IPV6 |		\
			 XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP)

static const struct xpvbus_ring_desc xnb_ctrl_ring_keys = {
	.ref_key = "ctrl-ring-ref",
};

static const struct xpvbus_ring_layout xnb_ctrl_one_page = {
	.nr_pages = 1,
};

/* --- hashing --- */

/* Two IPv6 addresses and two ports: the longest input netif.h defines. */
#define XNB_HASH_INPUT_MAX	36

/**
 * struct xnb_hash_in - the bytes a packet is hashed over
 * @data: addresses then ports, in the packet's order (network order)
 * @len: bytes in @data
 * @type: _XEN_NETIF_CTRL_HASH_TYPE_* they make
 */
struct xnb_hash_in {
	u8 data[XNB_HASH_INPUT_MAX];
	unsigned int len;
	u8 type;
};

/* What xnb_hash_skb() found. */
enum xnb_hash_res {
	XNB_HASH_OFF,		/* the frontend hashes nothing */
	XNB_HASH_NONE,		/* it does, but not packets of this kind */
	XNB_HASH_FOUND,		/* hashed */
};

/*
 * Toeplitz over @len bytes (netif.h, "Hash algorithms"): for each input
 * bit set, XOR in the 32 key bits starting at that bit's position. The
 * 64-bit window holds the key from the current input byte on, refilled a
 * byte at a time; key bytes past the key are zero.
 */
static u32 xnb_toeplitz(const u8 *key, const u8 *data, unsigned int len)
{
	u64 window = 0;
	unsigned int i, b;
	u32 hash = 0;

	for (i = 0; i < 8; i++)
		window = window << 8 | key[i];
	for (i = 0; i < len; i++) {
		for (b = 0; b < 8; b++)
			if (data[i] & (0x80 >> b))
				hash ^= (u32)(window >> (32 - b));
		window = window << 8 |
			 (i + 8 < XNB_HASH_KEY_SIZE ? key[i + 8] : 0);
	}
	return hash;
}

/*
 * The input for the most specific type @flags allow: addresses and
 * ports for a TCP packet that is not a fragment, else addresses (netif.h:
 * IPV4 covers the IPv4 packets IPV4_TCP does not). Return: false when
 * @flags hash no packet of this kind.
 */
static bool xnb_hash_input(const struct flow_keys *fk, __be16 proto,
			   u32 flags, struct xnb_hash_in *in)
{
	bool tcp = fk->basic.ip_proto == IPPROTO_TCP &&
		   !(fk->control.flags & FLOW_DIS_IS_FRAGMENT);
	unsigned int alen;
	u8 l3, l4;

	if (proto == htons(ETH_P_IP) &&
	    fk->control.addr_type == FLOW_DISSECTOR_KEY_IPV4_ADDRS) {
		alen = sizeof(fk->addrs.v4addrs);
		memcpy(in->data, &fk->addrs.v4addrs, alen);
		l3 = _XEN_NETIF_CTRL_HASH_TYPE_IPV4;
		l4 = _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP;
	} else if (proto == htons(ETH_P_IPV6) &&
		   fk->control.addr_type == FLOW_DISSECTOR_KEY_IPV6_ADDRS) {
		alen = sizeof(fk->addrs.v6addrs);
		memcpy(in->data, &fk->addrs.v6addrs, alen);
		l3 = _XEN_NETIF_CTRL_HASH_TYPE_IPV6;
		l4 = _XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP;
	} else {
		return false;
	}
	BUILD_BUG_ON(sizeof(fk->addrs.v6addrs) + sizeof(fk->ports.ports) >
		     XNB_HASH_INPUT_MAX);

	if (tcp && (flags & BIT(l4))) {
		/* Source then destination port, as in the TCP header. */
		memcpy(in->data + alen, &fk->ports.ports,
		       sizeof(fk->ports.ports));
		in->len = alen + sizeof(fk->ports.ports);
		in->type = l4;
		return true;
	}
	if (!(flags & BIT(l3)))
		return false;
	in->len = alen;
	in->type = l3;
	return true;
}

/*
 * Hash @skb as the frontend asked, and map the hash to a queue: the
 * table's entry, or the hash modulo @nr_queues without a table. A packet
 * of no type the frontend hashes counts as hash 0, as in Linux.
 *
 * The seqlock sections only copy: the dissection and the Toeplitz loop
 * run outside them, so a frontend rewriting its state in a loop cannot
 * keep the xmit path retrying. A packet hashed while the state changes
 * may get the old key and the new table; only steering is at stake.
 */
static enum xnb_hash_res xnb_hash_skb(struct xnb_vif *vif,
				      const struct sk_buff *skb,
				      unsigned int nr_queues,
				      struct xnb_hash_val *hv,
				      unsigned int *queue)
{
	struct xnb_hash *h = &vif->hash;
	u8 key[XNB_HASH_KEY_SIZE];
	struct xnb_hash_in in;
	struct flow_keys fk;
	u32 alg, flags, size;
	unsigned int seq;
	u32 value = 0;
	bool found;

	*queue = 0;
	/* Unlocked glance first: most frontends never hash. */
	if (READ_ONCE(h->alg) != XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ ||
	    !READ_ONCE(h->flags))
		return XNB_HASH_OFF;

	do {
		seq = read_seqbegin(&h->lock);
		alg = h->alg;
		flags = h->flags;
		memcpy(key, h->key, sizeof(key));
	} while (read_seqretry(&h->lock, seq));
	if (alg != XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ || !flags)
		return XNB_HASH_OFF;

	/*
	 * The outer header only, as a NIC hashes; none for an skb whose VLAN
	 * tag is still out of band (it is in the data by the time the packet
	 * is queued, so both calls agree).
	 */
	found = (skb->protocol == htons(ETH_P_IP) ||
		 skb->protocol == htons(ETH_P_IPV6)) &&
		!skb_vlan_tag_present(skb) &&
		skb_flow_dissect_flow_keys(skb, &fk,
					   FLOW_DISSECTOR_F_STOP_AT_ENCAP) &&
		xnb_hash_input(&fk, skb->protocol, flags, &in);
	if (found) {
		value = xnb_toeplitz(key, in.data, in.len);
		hv->value = value;
		hv->type = in.type;
	}

	do {
		seq = read_seqbegin(&h->lock);
		/* Always within the table; bounded so whatever is read. */
		size = min_t(u32, h->size, XNB_HASH_MAPPING_SIZE);
		*queue = size ? h->mapping[value % size] : value % nr_queues;
	} while (read_seqretry(&h->lock, seq));
	return found ? XNB_HASH_FOUND : XNB_HASH_NONE;
}

/**
 * xnb_select_queue() - ndo_select_queue: steer by the frontend's table
 * @dev: the vif's netdev
 * @skb: the packet towards the guest
 * @sb_dev: the subordinate device, for the stack's own choice
 *
 * Called only when the vif has several queues. Without hashing the stack
 * chooses (netdev_pick_tx()), as it does for a vif without the hook.
 *
 * Return: the queue.
 */
u16 xnb_select_queue(struct net_device *dev, struct sk_buff *skb,
		     struct net_device *sb_dev)
{
	struct xnb_vif *vif = netdev_priv(dev);
	unsigned int n = max(dev->real_num_tx_queues, 1U), queue;
	struct xnb_hash_val hv;

	if (xnb_hash_skb(vif, skb, n, &hv, &queue) == XNB_HASH_OFF)
		return netdev_pick_tx(dev, skb, sb_dev);
	/* Entries were checked against this connection's queue count. */
	return queue < n ? queue : queue % n;
}

/**
 * xnb_hash_for_guest() - the hash to tell the frontend with a packet
 * @vif: the vif
 * @skb: the packet, on the xmit path
 * @hv: where the hash and its type go
 *
 * Computed again here rather than trusted from the skb: ndo_select_queue
 * is not called for a vif with one queue, and an skb may carry a hash of
 * the stack's own.
 *
 * Return: true when the frontend hashes packets of this kind (@hv set).
 */
bool xnb_hash_for_guest(struct xnb_vif *vif, const struct sk_buff *skb,
			struct xnb_hash_val *hv)
{
	unsigned int queue;

	return xnb_hash_skb(vif, skb, 1, hv, &queue) == XNB_HASH_FOUND;
}

/**
 * xnb_hash_from_guest() - take the hash a frontend sent with a packet
 * @skb: the packet from the guest
 * @extra: its XEN_NETIF_EXTRA_TYPE_HASH extra, as copied off the ring
 *
 * An unknown hash type is ignored: the hash is only a hint to the stack.
 */
void xnb_hash_from_guest(struct sk_buff *skb,
			 const struct xen_netif_extra_info *extra)
{
	enum pkt_hash_types type;
	__le32 value;

	switch (extra->u.hash.type) {
	case _XEN_NETIF_CTRL_HASH_TYPE_IPV4:
	case _XEN_NETIF_CTRL_HASH_TYPE_IPV6:
		type = PKT_HASH_TYPE_L3;
		break;
	case _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP:
	case _XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP:
		type = PKT_HASH_TYPE_L4;
		break;
	default:
		return;
	}
	memcpy(&value, extra->u.hash.value, sizeof(value));
	skb_set_hash(skb, le32_to_cpu(value), type);
}

/* --- the hash state (written by the kthread, or with none running) --- */

static void xnb_hash_reset(struct xnb_hash *h)
{
	write_seqlock_irq(&h->lock);
	h->alg = XEN_NETIF_CTRL_HASH_ALGORITHM_NONE;
	h->flags = 0;
	memset(h->key, 0, sizeof(h->key));
	h->size = 0;
	memset(h->mapping, 0, sizeof(h->mapping));
	write_sequnlock_irq(&h->lock);
}

/* Copy @len bytes from the start of the frontend's grant into @buf. */
static bool xnb_ctrl_copy_in(struct xnb_vif *vif, u32 gref, unsigned int len)
{
	struct gnttab_copy op = {
		.source.u.ref = gref,
		.source.domid = vif->domid,
		.source.offset = 0,
		.dest.u.gmfn = virt_to_gfn(vif->ctrl.buf),
		.dest.domid = DOMID_SELF,
		.dest.offset = 0,
		.len = len,
		.flags = GNTCOPY_source_gref,
	};

	gnttab_batch_copy(&op, 1);
	return op.status == GNTST_okay;
}

static u32 xnb_ctrl_set_alg(struct xnb_hash *h, u32 alg)
{
	if (alg != XEN_NETIF_CTRL_HASH_ALGORITHM_NONE &&
	    alg != XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ)
		return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
	write_seqlock_irq(&h->lock);
	h->alg = alg;
	write_sequnlock_irq(&h->lock);
	return XEN_NETIF_CTRL_STATUS_SUCCESS;
}

static u32 xnb_ctrl_get_flags(struct xnb_hash *h, u32 *data)
{
	if (h->alg == XEN_NETIF_CTRL_HASH_ALGORITHM_NONE)
		return XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED;
	*data = XNB_HASH_TYPES;
	return XEN_NETIF_CTRL_STATUS_SUCCESS;
}

static u32 xnb_ctrl_set_flags(struct xnb_hash *h, u32 flags)
{
	if ((flags & ~XNB_HASH_TYPES) ||
	    h->alg == XEN_NETIF_CTRL_HASH_ALGORITHM_NONE)
		return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
	write_seqlock_irq(&h->lock);
	h->flags = flags;
	write_sequnlock_irq(&h->lock);
	return XEN_NETIF_CTRL_STATUS_SUCCESS;
}

/* A new key replaces the old; the octets not given are zero. */
static u32 xnb_ctrl_set_key(struct xnb_vif *vif, u32 gref, u32 len)
{
	struct xnb_hash *h = &vif->hash;

	if (len > XNB_HASH_KEY_SIZE)
		return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
	if (len && !xnb_ctrl_copy_in(vif, gref, len))
		return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;

	write_seqlock_irq(&h->lock);
	memcpy(h->key, vif->ctrl.buf, len);
	memset(h->key + len, 0, XNB_HASH_KEY_SIZE - len);
	write_sequnlock_irq(&h->lock);
	return XEN_NETIF_CTRL_STATUS_SUCCESS;
}

/* A new size starts a zero-filled table (netif.h). */
static u32 xnb_ctrl_set_mapping_size(struct xnb_hash *h, u32 size)
{
	if (size > XNB_HASH_MAPPING_SIZE)
		return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
	write_seqlock_irq(&h->lock);
	h->size = size;
	memset(h->mapping, 0, sizeof(h->mapping));
	write_sequnlock_irq(&h->lock);
	return XEN_NETIF_CTRL_STATUS_SUCCESS;
}

/*
 * @len entries at entry @off of the table, from the start of the grant.
 * All or nothing: the copy is checked whole before any entry changes.
 */
static u32 xnb_ctrl_set_mapping(struct xnb_vif *vif, u32 gref, u32 len,
				u32 off)
{
	struct xnb_hash *h = &vif->hash;
	const u32 *entries = vif->ctrl.buf;
	unsigned int i;

	/* off + len <= size, written so that it cannot wrap (XSA-270). */
	if (len > h->size || off > h->size - len)
		return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
	if (!len)
		return XEN_NETIF_CTRL_STATUS_SUCCESS;
	if (!xnb_ctrl_copy_in(vif, gref, len * sizeof(*entries)))
		return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
	for (i = 0; i < len; i++)
		if (entries[i] >= vif->ctrl.nr_queues)
			return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;

	write_seqlock_irq(&h->lock);
	memcpy(&h->mapping[off], entries, len * sizeof(*entries));
	write_sequnlock_irq(&h->lock);
	return XEN_NETIF_CTRL_STATUS_SUCCESS;
}

/* --- the ring --- */

/* Answer one request, copied out of the ring; field by field. */
static void xnb_ctrl_request(struct xnb_vif *vif,
			     const struct xen_netif_ctrl_request *req)
{
	struct xnb_ctrl *c = &vif->ctrl;
	struct xen_netif_ctrl_response *rsp;
	u32 status = XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED;
	u32 data = 0;

	switch (req->type) {
	case XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM:
		status = xnb_ctrl_set_alg(&vif->hash, req->data[0]);
		break;
	case XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS:
		status = xnb_ctrl_get_flags(&vif->hash, &data);
		break;
	case XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS:
		status = xnb_ctrl_set_flags(&vif->hash, req->data[0]);
		break;
	case XEN_NETIF_CTRL_TYPE_SET_HASH_KEY:
		status = xnb_ctrl_set_key(vif, req->data[0], req->data[1]);
		break;
	case XEN_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE:
		status = XEN_NETIF_CTRL_STATUS_SUCCESS;
		data = XNB_HASH_MAPPING_SIZE;
		break;
	case XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE:
		status = xnb_ctrl_set_mapping_size(&vif->hash, req->data[0]);
		break;
	case XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING:
		status = xnb_ctrl_set_mapping(vif, req->data[0], req->data[1],
					      req->data[2]);
		break;
	default:
		/* INVALID, the grant-mapping types (8-10), anything else. */
		break;
	}

	rsp = RING_GET_RESPONSE(&c->ring, c->ring.rsp_prod_pvt);
	rsp->id = req->id;
	rsp->type = req->type;
	rsp->status = status;
	rsp->data = data;
	c->ring.rsp_prod_pvt++;
	c->requests++;
}

static bool xnb_ctrl_has_work(struct xnb_ctrl *c)
{
	return !READ_ONCE(c->broken) && RING_HAS_UNCONSUMED_REQUESTS(&c->ring);
}

/*
 * Answer every request posted, until the ring is found empty with
 * req_event set (RING_FINAL_CHECK_FOR_REQUESTS), or the kthread is told
 * to stop. Each request is answered at once, so rsp_prod_pvt == req_cons
 * here and a producer more than a ring ahead of it cannot be.
 */
static void xnb_ctrl_serve(struct xnb_vif *vif)
{
	struct xnb_ctrl *c = &vif->ctrl;
	int more, notify;

	do {
		RING_IDX prod = READ_ONCE(c->ring.sring->req_prod);

		virt_rmb();	/* the requests after the producer index */
		if (prod - c->ring.rsp_prod_pvt > RING_SIZE(&c->ring)) {
			WRITE_ONCE(c->broken, true);
			netdev_err(vif->dev, "control ring: %u requests on a ring of %u; ring no longer served\n",
				   prod - c->ring.rsp_prod_pvt,
				   RING_SIZE(&c->ring));
			return;
		}
		while (c->ring.req_cons != prod) {
			struct xen_netif_ctrl_request req;

			RING_COPY_REQUEST(&c->ring, c->ring.req_cons, &req);
			c->ring.req_cons++;
			xnb_ctrl_request(vif, &req);
		}
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&c->ring, notify);
		if (notify)
			notify_remote_via_irq(c->irq);
		RING_FINAL_CHECK_FOR_REQUESTS(&c->ring, more);
		cond_resched();
	} while (more && !kthread_should_stop());
}

/*
 * The channel fired. Late EOI (XSA-332): with requests waiting the
 * kthread sends it once they are answered; without, it goes now, marked
 * spurious. A broken ring's channel is never EOIed again.
 */
static irqreturn_t xnb_ctrl_interrupt(int irq, void *data)
{
	struct xnb_vif *vif = data;
	struct xnb_ctrl *c = &vif->ctrl;

	c->irqs++;
	if (unlikely(READ_ONCE(c->broken)))
		return IRQ_HANDLED;
	if (!xnb_ctrl_has_work(c)) {
		c->irqs_spurious++;
		xen_irq_lateeoi(irq, XEN_EOI_FLAG_SPURIOUS);
		return IRQ_HANDLED;
	}
	atomic_set(&c->eoi_pending, 1);
	wake_up(&c->wq);
	return IRQ_HANDLED;
}

/* Sleep until requests wait or we are stopped; EOI before sleeping. */
static void xnb_ctrl_wait(struct xnb_ctrl *c)
{
	DEFINE_WAIT(wait);

	for (;;) {
		prepare_to_wait(&c->wq, &wait, TASK_INTERRUPTIBLE);
		if (kthread_should_stop() || xnb_ctrl_has_work(c))
			break;
		if (!READ_ONCE(c->broken) && atomic_xchg(&c->eoi_pending, 0))
			xen_irq_lateeoi(c->irq, 0);
		schedule();
	}
	finish_wait(&c->wq, &wait);
}

static int xnb_ctrl_thread(void *data)
{
	struct xnb_vif *vif = data;

	for (;;) {
		xnb_ctrl_wait(&vif->ctrl);
		if (kthread_should_stop())
			break;
		xnb_ctrl_serve(vif);
	}
	return 0;
}

/* --- connection --- */

/**
 * xnb_ctrl_init() - set up a new vif's control-ring and hash state
 * @vif: the vif, being created
 */
void xnb_ctrl_init(struct xnb_vif *vif)
{
	seqlock_init(&vif->hash.lock);
	init_waitqueue_head(&vif->ctrl.wq);
	atomic_set(&vif->ctrl.eoi_pending, 0);
	vif->hash.alg = XEN_NETIF_CTRL_HASH_ALGORITHM_NONE;
}

/**
 * xnb_ctrl_connect() - take the frontend's control ring, if it offers one
 * @vif: the vif, its queues connected
 *
 * Reads ctrl-ring-ref in the frontend's directory; without it (or with one
 * that is not a number, which Linux's netback also takes for none) there
 * is no control ring and nothing happens. Otherwise maps the ring, binds
 * event-channel-ctrl with late EOI and starts the kthread serving it, the
 * hash state reset. Nothing is done when a ring is already connected, so
 * it may be called again once the frontend is Connected (netif.h wants the
 * keys written only by then). Called with the backend's lock held.
 *
 * Return: 0, or a negative errno after xenbus_dev_fatal(); nothing stays
 * set up then.
 */
int xnb_ctrl_connect(struct xnb_vif *vif)
{
	struct xenbus_device *dev = vif->xbdev;
	struct xnb_ctrl *c = &vif->ctrl;
	struct task_struct *task;
	unsigned int ref;
	int err, irq;

	if (c->sring)
		return 0;
	err = xpvbus_read_uint(dev->otherend, "ctrl-ring-ref", UINT_MAX, &ref);
	if (err) {
		if (err != -ENOENT)
			dev_warn_ratelimited(&dev->dev,
					     "%s/ctrl-ring-ref invalid: no control ring\n",
					     dev->otherend);
		return 0;
	}

	xnb_hash_reset(&vif->hash);
	c->broken = false;
	c->nr_queues = vif->nr_queues;
	atomic_set(&c->eoi_pending, 0);
	snprintf(c->name, sizeof(c->name), "%s-ctrl", vif->dev->name);

	c->buf = (void *)get_zeroed_page(GFP_KERNEL);
	if (!c->buf) {
		xenbus_dev_fatal(dev, -ENOMEM, "allocating control ring");
		return -ENOMEM;
	}
	err = xpvbus_map_ring(dev, dev->otherend, &xnb_ctrl_ring_keys,
			      &xnb_ctrl_one_page, &c->sring) ?:
	      XPVBUS_BACK_RING_ATTACH(dev, dev->otherend, &xnb_ctrl_ring_keys,
				      &xnb_ctrl_one_page, &c->ring, c->sring);
	if (err)
		goto fail;

	task = kthread_create(xnb_ctrl_thread, vif, "%s", c->name);
	if (IS_ERR(task)) {
		err = PTR_ERR(task);
		xenbus_dev_fatal(dev, err, "starting the control ring");
		goto fail;
	}
	c->task = task;

	irq = xpvbus_bind_evtchn(dev, dev->otherend, "event-channel-ctrl",
				 xnb_ctrl_interrupt, c->name, vif);
	if (irq < 0) {
		err = irq;
		goto fail;
	}
	c->irq = irq;
	/* Requests already posted are answered without waiting for an event. */
	wake_up_process(task);
	netdev_info(vif->dev, "control ring connected\n");
	return 0;

fail:
	xnb_ctrl_disconnect(vif);
	return err;
}

/**
 * xnb_ctrl_disconnect() - release the control ring and reset hashing
 * @vif: the vif
 *
 * The kthread stops first (it sends no EOI after), then the channel is
 * unbound and the ring unmapped. Idempotent; safe at any point of
 * xnb_ctrl_connect(). Called with the backend's lock held.
 */
void xnb_ctrl_disconnect(struct xnb_vif *vif)
{
	struct xnb_ctrl *c = &vif->ctrl;

	if (c->task) {
		kthread_stop(c->task);
		c->task = NULL;
	}
	xpvbus_unbind_evtchn(&c->irq, vif);
	xpvbus_unmap_ring(vif->xbdev, &c->sring);
	if (c->buf) {
		free_page((unsigned long)c->buf);
		c->buf = NULL;
	}
	c->broken = false;
	atomic_set(&c->eoi_pending, 0);
	xnb_hash_reset(&vif->hash);
}

/* --- debugfs --- */

static const char *xnb_hash_alg_name(u32 alg)
{
	switch (alg) {
	case XEN_NETIF_CTRL_HASH_ALGORITHM_NONE:
		return "none";
	case XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ:
		return "toeplitz";
	default:
		return "?";
	}
}

/**
 * xnb_ctrl_show() - the control ring and hash state, for debugfs
 * @m: the seq_file of <debugfs>/xen-netback/<vif>/stats
 * @vif: the vif
 */
void xnb_ctrl_show(struct seq_file *m, struct xnb_vif *vif)
{
	u32 alg, flags, size, mapping[XNB_HASH_MAPPING_SIZE];
	struct xnb_ctrl *c = &vif->ctrl;
	struct xnb_hash *h = &vif->hash;
	u8 key[XNB_HASH_KEY_SIZE];
	unsigned int seq, i;

	do {
		seq = read_seqbegin(&h->lock);
		alg = h->alg;
		flags = h->flags;
		size = min_t(u32, h->size, XNB_HASH_MAPPING_SIZE);
		memcpy(key, h->key, sizeof(key));
		memcpy(mapping, h->mapping, sizeof(mapping));
	} while (read_seqretry(&h->lock, seq));

	seq_printf(m, "ctrl_ring %s\nctrl_requests %lu\nctrl_irqs %lu\nctrl_irqs_spurious %lu\n",
		   !READ_ONCE(c->sring) ? "none" :
		   READ_ONCE(c->broken) ? "broken" : "connected",
		   READ_ONCE(c->requests), READ_ONCE(c->irqs),
		   READ_ONCE(c->irqs_spurious));
	seq_printf(m, "hash_algorithm %s\nhash_flags %#x\nhash_key %*phN\nhash_mapping_size %u\nhash_mapping",
		   xnb_hash_alg_name(alg), flags, (int)sizeof(key), key, size);
	for (i = 0; i < size; i++)
		seq_printf(m, " %u", mapping[i]);
	seq_putc(m, '\n');
}
