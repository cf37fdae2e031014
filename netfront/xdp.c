// SPDX-License-Identifier: GPL-2.0
/*
 * xdp.c - XDP on xen-netfront: a program run on each received packet,
 * XDP_TX and ndo_xdp_xmit on the tx rings.
 *
 * The program sees a packet in the page the backend copied it into, after
 * the headroom the backend left before it. That headroom is negotiated in
 * xenstore (xenbus.c): the backend offers feature-xdp-headroom; attaching
 * or removing a program writes xdp-headroom (XDP_PACKET_HEADROOM or 0) and
 * goes Reconfiguring until the backend answers Reconfigured. Without
 * feature-xdp-headroom no program is accepted (EOPNOTSUPP), and the MTU
 * must leave a packet, its headroom and an skb's shared info in one page.
 *
 * Only single-slot packets reach the program; with a program attached,
 * larger ones (GSO, a too large MTU on the backend's side) are dropped and
 * counted (xdp_too_big), as Linux's netfront drops them.
 *
 *   XDP_PASS      the packet goes up as without XDP, as the program left it
 *   XDP_DROP      its page is freed
 *   XDP_TX        an skb is built on the page and sent on this queue's tx
 *                 ring, through the same path (and bouncing) as any packet
 *   XDP_REDIRECT  xdp_do_redirect(); the poll calls xdp_do_flush() at its end
 *   XDP_ABORTED   (and an unknown verdict) trace_xdp_exception(), dropped
 *
 * Each verdict is counted in ethtool -S (xdp_pass...); an XDP_TX or
 * XDP_REDIRECT that fails is traced and counted in xdp_errors as well.
 * Received pages are whole order-0 pages: MEM_TYPE_PAGE_ORDER0.
 */
#include "common.h"

#include <linux/bpf_trace.h>
#include <linux/filter.h>
#include <linux/mm.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>

/**
 * xnf_xdp_headroom() - the xdp-headroom to ask the backend for
 * @info: the vif; the RTNL lock held
 *
 * Return: XDP_PACKET_HEADROOM with a program attached, else 0.
 */
unsigned int xnf_xdp_headroom(struct xnf_info *info)
{
	return rtnl_dereference(info->xdp_prog) ? XDP_PACKET_HEADROOM : 0;
}

/**
 * xnf_xdp_rxq_reg() - register a new queue's rx ring with XDP
 * @q: the queue, its NAPI context added
 *
 * Return: 0, or a negative errno; nothing stays registered on failure.
 */
int xnf_xdp_rxq_reg(struct xnf_queue *q)
{
	int err;

	err = xdp_rxq_info_reg(&q->xdp_rxq, q->info->netdev, q->id, 0);
	if (err)
		return err;
	err = xdp_rxq_info_reg_mem_model(&q->xdp_rxq, MEM_TYPE_PAGE_ORDER0,
					 NULL);
	if (err)
		xdp_rxq_info_unreg(&q->xdp_rxq);
	return err;
}

/**
 * xnf_xdp_rxq_unreg() - unregister a queue's rx ring, if registered
 * @q: the queue, its NAPI context disabled
 */
void xnf_xdp_rxq_unreg(struct xnf_queue *q)
{
	if (xdp_rxq_info_is_reg(&q->xdp_rxq))
		xdp_rxq_info_unreg(&q->xdp_rxq);
}

/* --- receive --- */

/*
 * XDP_TX: the page becomes the head of an skb, sent on @q's own ring. The
 * page is consumed whatever happens. Return: whether it went on the ring.
 */
static bool xnf_xdp_tx(struct xnf_queue *q, struct xdp_buff *xdp)
{
	struct sk_buff *skb;

	skb = napi_build_skb(xdp->data_hard_start, xdp->frame_sz);
	if (!skb) {
		put_page(virt_to_page(xdp->data_hard_start));
		return false;
	}
	skb_reserve(skb, xdp->data - xdp->data_hard_start);
	__skb_put(skb, xdp->data_end - xdp->data);
	skb->dev = q->info->netdev;
	skb_set_queue_mapping(skb, q->id);
	return xnf_xmit(q, skb);
}

/**
 * xnf_xdp_rx() - run the XDP program on one received single-slot packet
 * @q: the queue, in its NAPI poll
 * @prog: the program
 * @page: the packet's page, revoked from the backend; consumed unless the
 *	verdict is XDP_PASS
 * @off: offset of the data in @page; on XDP_PASS, where the program left it
 * @len: length of the data; on XDP_PASS, as the program left it
 * @redirected: set when a packet was redirected: xdp_do_flush() is due
 *	before the poll ends
 *
 * A packet that ends beyond XNF_XDP_DATA_END is dropped unseen (counted in
 * xdp_too_big): an skb built on its page would overwrite it.
 *
 * Return: true when the packet was consumed, false to pass it up.
 */
bool xnf_xdp_rx(struct xnf_queue *q, struct bpf_prog *prog, struct page *page,
		u16 *off, u16 *len, bool *redirected)
{
	struct xnf_counters *st = &q->info->stats[q->id].rx;
	struct net_device *dev = q->info->netdev;
	unsigned char *start = page_address(page);
	struct xdp_buff xdp;
	u32 act;

	if (*off + *len > XNF_XDP_DATA_END) {
		xnf_count(st, XNF_RX_XDP_TOO_BIG, 1);
		put_page(page);
		return true;
	}

	xdp_init_buff(&xdp, PAGE_SIZE, &q->xdp_rxq);
	xdp_prepare_buff(&xdp, start, *off, *len, false);
	act = bpf_prog_run_xdp(prog, &xdp);
	switch (act) {
	case XDP_PASS:
		xnf_count(st, XNF_RX_XDP_PASS, 1);
		*off = (unsigned char *)xdp.data - start;
		*len = xdp.data_end - xdp.data;
		return false;
	case XDP_DROP:
		xnf_count(st, XNF_RX_XDP_DROP, 1);
		put_page(page);
		return true;
	case XDP_TX:
		xnf_count(st, XNF_RX_XDP_TX, 1);
		if (!xnf_xdp_tx(q, &xdp)) {
			/* Already freed, and counted in tx_dropped. */
			xnf_count(st, XNF_RX_XDP_ERRORS, 1);
			trace_xdp_exception(dev, prog, act);
		}
		return true;
	case XDP_REDIRECT:
		xnf_count(st, XNF_RX_XDP_REDIRECT, 1);
		if (!xdp_do_redirect(dev, &xdp, prog)) {
			*redirected = true;
			return true;
		}
		/* Not taken: the page is still ours. */
		xnf_count(st, XNF_RX_XDP_ERRORS, 1);
		trace_xdp_exception(dev, prog, act);
		put_page(page);
		return true;
	default:
		bpf_warn_invalid_xdp_action(dev, prog, act);
		fallthrough;
	case XDP_ABORTED:
		xnf_count(st, XNF_RX_XDP_ABORTED, 1);
		trace_xdp_exception(dev, prog, act);
		put_page(page);
		return true;
	}
}

/* --- ndo_xdp_xmit --- */

/**
 * xnf_xdp_xmit() - ndo_xdp_xmit: send frames redirected to this interface
 * @dev: the interface
 * @n: frames in @frames
 * @frames: the frames
 * @flags: XDP_XMIT_FLAGS; the ring is pushed for each frame anyway
 *
 * Each frame becomes an skb on its own memory and goes on the ring of the
 * queue this CPU maps to, as a packet from the stack would. Called with
 * bottom halves off, under RCU: the queues, set up before the carrier goes
 * on, are freed only after a grace period once it is off.
 *
 * Return: the frames consumed (sent, or dropped and counted in
 * tx_dropped), the first ones of @frames; the caller frees the rest.
 * -EINVAL for unknown flags, -ENETDOWN when not connected.
 */
int xnf_xdp_xmit(struct net_device *dev, int n, struct xdp_frame **frames,
		 u32 flags)
{
	struct xnf_info *info = netdev_priv(dev);
	struct xnf_queue *q;
	unsigned int nr;
	int i;

	if (unlikely(flags & ~XDP_XMIT_FLAGS_MASK))
		return -EINVAL;
	if (unlikely(!netif_carrier_ok(dev) || xnf_is_broken(info)))
		return -ENETDOWN;
	smp_rmb();	/* the queues before the carrier: netif_carrier_on() */
	nr = READ_ONCE(info->nr_queues);
	if (unlikely(!nr))
		return -ENETDOWN;
	q = &info->queues[smp_processor_id() % nr];

	for (i = 0; i < n; i++) {
		struct sk_buff *skb;

		/* The wire format wants an Ethernet header. */
		if (frames[i]->len < ETH_HLEN)
			break;
		skb = xdp_build_skb_from_frame(frames[i], dev);
		if (!skb)
			break;
		/* Built as received: eth_type_trans() pulled the header. */
		skb_push(skb, ETH_HLEN);
		skb_set_queue_mapping(skb, q->id);
		xnf_xmit(q, skb);
	}
	return i;
}

/* --- ndo_bpf --- */

static int xnf_xdp_setup(struct xnf_info *info, struct bpf_prog *prog,
			 struct netlink_ext_ack *extack)
{
	struct bpf_prog *old = rtnl_dereference(info->xdp_prog);
	struct net_device *dev = info->netdev;
	int err;

	if (prog && dev->mtu > XNF_XDP_MAX_MTU) {
		NL_SET_ERR_MSG_MOD(extack, "MTU too large for XDP");
		netdev_warn(dev, "XDP requires an MTU of at most %lu\n",
			    (unsigned long)XNF_XDP_MAX_MTU);
		return -EINVAL;
	}
	if (prog && !info->feat_xdp_headroom) {
		NL_SET_ERR_MSG_MOD(extack, "backend does not offer feature-xdp-headroom");
		return -EOPNOTSUPP;
	}

	/* The headroom changes only when a program comes or goes. */
	if (!prog != !old) {
		err = xnf_xenbus_set_xdp_headroom(info,
						  prog ? XDP_PACKET_HEADROOM : 0,
						  extack);
		/*
		 * A removal goes on regardless (the interface may be going
		 * away): a backend still leaving headroom costs nothing, as
		 * every packet is placed by its response's offset.
		 */
		if (err && prog)
			return err;
	}

	/* The core moved a reference to @prog in; ours to the old one goes. */
	rcu_assign_pointer(info->xdp_prog, prog);
	if (old)
		bpf_prog_put(old);
	return 0;
}

/**
 * xnf_bpf() - ndo_bpf: attach or remove the XDP program (XDP_SETUP_PROG)
 * @dev: the interface
 * @bpf: the command; called with the RTNL lock held
 *
 * Return: 0; -EOPNOTSUPP without the backend's feature-xdp-headroom,
 * -EINVAL when the MTU is too large (or for another command), or the
 * errno of a failed reconfiguration; @bpf->extack says why.
 */
int xnf_bpf(struct net_device *dev, struct netdev_bpf *bpf)
{
	switch (bpf->command) {
	case XDP_SETUP_PROG:
		return xnf_xdp_setup(netdev_priv(dev), bpf->prog, bpf->extack);
	default:
		return -EINVAL;
	}
}
