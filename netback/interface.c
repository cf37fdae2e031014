// SPDX-License-Identifier: GPL-2.0
/*
 * interface.c - the vif netdev and the set-up of its queues: netdev
 * operations, event-channel handlers, connect and disconnect.
 *
 * The netdev vif<domid>.<handle> exists from probe to remove, so that the
 * toolstack's hotplug script can put it on a bridge before the frontend
 * connects. Queues exist only while connected. The carrier is on when the
 * vif is connected, not disabled, and every queue's frontend is posting
 * receive requests (see rx.c).
 *
 * Event channels use late EOI (XSA-332): a channel stays masked until its
 * work is done. With one channel per queue both the NAPI poll (guest TX)
 * and the kthread (guest RX) may own the pending EOI; the first of them to
 * finish sends it (xnb_queue_eoi()), as Linux's NETBK_COMMON_EOI does. A
 * disabled vif never EOIs again, so a rogue frontend's event storm costs
 * dom0 one interrupt.
 */
#include "common.h"

#include <linux/err.h>
#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/kthread.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <xen/events.h>

/* Network rings are one page each: no order key. */
static const struct xpvbus_ring_desc xnb_tx_ring_keys = {
	.ref_key = "tx-ring-ref",
};

static const struct xpvbus_ring_desc xnb_rx_ring_keys = {
	.ref_key = "rx-ring-ref",
};

static const struct xpvbus_ring_layout xnb_one_page = {
	.nr_pages = 1,
};

/**
 * xnb_queue_eoi() - an owner of a queue's pending EOI is done
 * @q: the queue
 * @owner: XNB_EOI_TX (the NAPI poll) or XNB_EOI_RX (the kthread)
 *
 * Split channels: sends the late EOI of @owner's channel; nothing happens
 * when @owner held none. One channel: sends its EOI if anyone held it.
 */
void xnb_queue_eoi(struct xnb_queue *q, unsigned int owner)
{
	if (q->tx_irq != q->rx_irq) {
		if (atomic_fetch_andnot(owner, &q->eoi_pending) & owner)
			xen_irq_lateeoi(owner == XNB_EOI_TX ?
					q->tx_irq : q->rx_irq, 0);
		return;
	}
	/*
	 * One channel: waiting for both sides would let a busy RX kthread
	 * keep the port masked and stall the guest's TX. The other side
	 * polls its ring until empty whatever the EOI, so the first to
	 * finish sends it; taking every owner at once keeps it single.
	 */
	if (atomic_xchg(&q->eoi_pending, 0))
		xen_irq_lateeoi(q->tx_irq, 0);
}

static bool xnb_disabled(const struct xnb_queue *q)
{
	return test_bit(XNB_VIF_DISABLED, &q->vif->flags);
}

/* Split channels: the guest posted TX requests. */
static irqreturn_t xnb_tx_interrupt(int irq, void *data)
{
	struct xnb_queue *q = data;

	q->stats.irq_tx++;
	if (unlikely(xnb_disabled(q)))
		return IRQ_HANDLED;	/* stays masked */
	if (!xnb_tx_has_work(q)) {
		q->stats.irq_tx_spurious++;
		xen_irq_lateeoi(irq, XEN_EOI_FLAG_SPURIOUS);
		return IRQ_HANDLED;
	}
	atomic_fetch_or(XNB_EOI_TX, &q->eoi_pending);
	napi_schedule(&q->napi);
	return IRQ_HANDLED;
}

/* Split channels: the guest posted RX requests. */
static irqreturn_t xnb_rx_interrupt(int irq, void *data)
{
	struct xnb_queue *q = data;

	q->stats.irq_rx++;
	if (unlikely(xnb_disabled(q)))
		return IRQ_HANDLED;
	if (!xnb_rx_has_work(q)) {
		q->stats.irq_rx_spurious++;
		xen_irq_lateeoi(irq, XEN_EOI_FLAG_SPURIOUS);
		return IRQ_HANDLED;
	}
	atomic_fetch_or(XNB_EOI_RX, &q->eoi_pending);
	wake_up(&q->wq);
	return IRQ_HANDLED;
}

/* One channel for both rings. */
static irqreturn_t xnb_interrupt(int irq, void *data)
{
	struct xnb_queue *q = data;
	unsigned int owners = 0;

	q->stats.irq_tx++;
	if (unlikely(xnb_disabled(q)))
		return IRQ_HANDLED;
	if (xnb_tx_has_work(q))
		owners |= XNB_EOI_TX;
	if (xnb_rx_has_work(q))
		owners |= XNB_EOI_RX;
	if (!owners) {
		q->stats.irq_tx_spurious++;
		xen_irq_lateeoi(irq, XEN_EOI_FLAG_SPURIOUS);
		return IRQ_HANDLED;
	}
	/* Both owners at once: neither can EOI before the other is set. */
	atomic_fetch_or(owners, &q->eoi_pending);
	if (owners & XNB_EOI_TX)
		napi_schedule(&q->napi);
	if (owners & XNB_EOI_RX)
		wake_up(&q->wq);
	return IRQ_HANDLED;
}

/* --- carrier --- */

/**
 * xnb_vif_update_carrier() - recompute the carrier
 * @vif: the vif
 * @stalled_delta: +1 when a queue stalled, -1 when one recovered, else 0
 *
 * The carrier is on when the vif is connected and not disabled and no
 * queue is stalled. Any context but hard IRQ.
 */
void xnb_vif_update_carrier(struct xnb_vif *vif, int stalled_delta)
{
	spin_lock_bh(&vif->lock);
	vif->stalled_queues += stalled_delta;
	if (test_bit(XNB_VIF_CONNECTED, &vif->flags) &&
	    !test_bit(XNB_VIF_DISABLED, &vif->flags) && !vif->stalled_queues)
		netif_carrier_on(vif->dev);
	else
		netif_carrier_off(vif->dev);
	spin_unlock_bh(&vif->lock);
}

/**
 * xnb_vif_fatal() - the frontend broke the protocol: stop this vif
 * @vif: the vif
 * @why: logged once
 *
 * Data stops in both directions and the carrier goes off until the
 * frontend reconnects; the interrupts stay masked. Nothing else on the
 * host is affected. Any context but hard IRQ.
 */
void xnb_vif_fatal(struct xnb_vif *vif, const char *why)
{
	if (test_and_set_bit(XNB_VIF_DISABLED, &vif->flags))
		return;
	netdev_err(vif->dev, "frontend error: %s; vif disabled until it reconnects\n",
		   why);
	xnb_vif_update_carrier(vif, 0);
}

/* --- netdev operations --- */

/* Enable NAPI and the interrupts of every queue; RTNL held. */
static void xnb_up(struct xnb_vif *vif)
{
	unsigned int i;

	for (i = 0; i < vif->nr_queues; i++) {
		struct xnb_queue *q = &vif->queues[i];

		napi_enable(&q->napi);
		enable_irq(q->tx_irq);
		if (q->rx_irq != q->tx_irq)
			enable_irq(q->rx_irq);
	}
	/* Requests (and EOIs) that arrived while down. */
	local_bh_disable();
	for (i = 0; i < vif->nr_queues; i++)
		xnb_tx_schedule_or_eoi(&vif->queues[i]);
	local_bh_enable();
	vif->up = true;
}

/* Undo xnb_up(); RTNL held. Guest RX goes on (its kthread). */
static void xnb_down(struct xnb_vif *vif)
{
	unsigned int i;

	for (i = 0; i < vif->nr_queues; i++) {
		struct xnb_queue *q = &vif->queues[i];

		disable_irq(q->tx_irq);
		if (q->rx_irq != q->tx_irq)
			disable_irq(q->rx_irq);
		napi_disable(&q->napi);
		timer_delete_sync(&q->credit_timer);
	}
	vif->up = false;
}

static int xnb_open(struct net_device *dev)
{
	struct xnb_vif *vif = netdev_priv(dev);

	if (test_bit(XNB_VIF_CONNECTED, &vif->flags) && !vif->up)
		xnb_up(vif);
	netif_tx_start_all_queues(dev);
	return 0;
}

static int xnb_stop(struct net_device *dev)
{
	struct xnb_vif *vif = netdev_priv(dev);

	if (vif->up)
		xnb_down(vif);
	netif_tx_stop_all_queues(dev);
	return 0;
}

/* Towards the guest: queue for the queue's kthread (rx.c). */
static netdev_tx_t xnb_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct xnb_vif *vif = netdev_priv(dev);
	unsigned int n, index;
	struct xnb_queue *q;

	/* Called under RCU-bh: the queues outlive this (see common.h). */
	n = smp_load_acquire(&vif->nr_queues);
	if (unlikely(!n || !test_bit(XNB_VIF_CONNECTED, &vif->flags) ||
		     test_bit(XNB_VIF_DISABLED, &vif->flags)))
		goto drop;
	index = skb_get_queue_mapping(skb);
	if (unlikely(index >= n))
		index %= n;
	q = &READ_ONCE(vif->queues)[index];

	if (!xnb_rx_accept(vif, skb) || !xnb_rx_enqueue(q, skb))
		goto drop;
	return NETDEV_TX_OK;

drop:
	/* No lock of ours is held here (XSA-424). */
	atomic64_inc(&vif->tx_dropped);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

static void xnb_get_stats64(struct net_device *dev,
			    struct rtnl_link_stats64 *s)
{
	struct xnb_vif *vif = netdev_priv(dev);
	struct xnb_stats sum;

	xnb_stats_sum(vif, &sum);
	s->rx_packets = sum.rx_packets;
	s->rx_bytes = sum.rx_bytes;
	s->rx_errors = sum.gtx_errors;
	s->tx_packets = sum.tx_packets;
	s->tx_bytes = sum.tx_bytes;
	s->tx_dropped = atomic64_read(&vif->tx_dropped) + sum.grx_expired;
}

static int xnb_change_mtu(struct net_device *dev, int mtu)
{
	struct xnb_vif *vif = netdev_priv(dev);
	int max = vif->can_sg ? ETH_MAX_MTU - VLAN_ETH_HLEN : ETH_DATA_LEN;

	if (mtu > max)
		return -EINVAL;
	dev->mtu = mtu;
	return 0;
}

/* Offload towards the guest only what its frontend accepts. */
static netdev_features_t xnb_fix_features(struct net_device *dev,
					  netdev_features_t features)
{
	struct xnb_vif *vif = netdev_priv(dev);

	if (!vif->can_sg)
		features &= ~NETIF_F_SG;
	if (!(vif->gso_mask & BIT(XEN_NETIF_GSO_TYPE_TCPV4)))
		features &= ~NETIF_F_TSO;
	if (!(vif->gso_mask & BIT(XEN_NETIF_GSO_TYPE_TCPV6)))
		features &= ~NETIF_F_TSO6;
	if (!vif->ip_csum)
		features &= ~NETIF_F_IP_CSUM;
	if (!vif->ipv6_csum)
		features &= ~NETIF_F_IPV6_CSUM;
	return features;
}

static const struct net_device_ops xnb_netdev_ops = {
	.ndo_open = xnb_open,
	.ndo_stop = xnb_stop,
	.ndo_start_xmit = xnb_start_xmit,
	.ndo_select_queue = xnb_select_queue,
	.ndo_get_stats64 = xnb_get_stats64,
	.ndo_change_mtu = xnb_change_mtu,
	.ndo_fix_features = xnb_fix_features,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

/* --- queues --- */

static void xnb_queue_init(struct xnb_queue *q, struct xnb_vif *vif,
			   unsigned int id)
{
	q->vif = vif;
	q->id = id;
	snprintf(q->name, sizeof(q->name), "%s-q%u", vif->dev->name, id);
	init_waitqueue_head(&q->wq);
	skb_queue_head_init(&q->rx_queue);
	__skb_queue_head_init(&q->rx_done);
	q->rx_queue_max = XNB_RX_QUEUE_BYTES;
	q->stalled = true;
	q->last_rx_time = jiffies;
	q->credit_bytes = ~0UL;
	q->remaining_credit = ~0UL;
	q->credit_window_start = get_jiffies_64();
	timer_setup(&q->credit_timer, xnb_tx_credit_timer, 0);
	/* Left disabled (scheduling it is a no-op) until xnb_up(). */
	netif_napi_add(vif->dev, &q->napi, xnb_poll);
}

/* Map both rings; the back rings start where the frontend's responses are. */
static int xnb_map_rings(struct xnb_queue *q, const char *dir)
{
	struct xenbus_device *dev = q->vif->xbdev;
	int err;

	err = xpvbus_map_ring(dev, dir, &xnb_tx_ring_keys, &xnb_one_page,
			      &q->tx_sring) ?:
	      XPVBUS_BACK_RING_ATTACH(dev, dir, &xnb_tx_ring_keys,
				      &xnb_one_page, &q->tx, q->tx_sring);
	if (err)
		return err;

	return xpvbus_map_ring(dev, dir, &xnb_rx_ring_keys, &xnb_one_page,
			       &q->rx_sring) ?:
	       XPVBUS_BACK_RING_ATTACH(dev, dir, &xnb_rx_ring_keys,
				       &xnb_one_page, &q->rx, q->rx_sring);
}

/* Bind the queue's channel(s): event-channel-tx/-rx, else event-channel. */
static int xnb_bind(struct xnb_queue *q, const char *dir)
{
	struct xenbus_device *dev = q->vif->xbdev;
	unsigned int port;
	int irq;

	if (xpvbus_read_uint(dir, "event-channel-tx", UINT_MAX, &port) ||
	    xpvbus_read_uint(dir, "event-channel-rx", UINT_MAX, &port)) {
		irq = xpvbus_bind_evtchn(dev, dir, "event-channel",
					 xnb_interrupt, q->name, q);
		if (irq < 0)
			return irq;
		q->tx_irq = irq;
		q->rx_irq = irq;
		disable_irq(irq);
		return 0;
	}

	snprintf(q->tx_irq_name, sizeof(q->tx_irq_name), "%s-tx", q->name);
	irq = xpvbus_bind_evtchn(dev, dir, "event-channel-tx",
				 xnb_tx_interrupt, q->tx_irq_name, q);
	if (irq < 0)
		return irq;
	q->tx_irq = irq;
	disable_irq(irq);

	snprintf(q->rx_irq_name, sizeof(q->rx_irq_name), "%s-rx", q->name);
	irq = xpvbus_bind_evtchn(dev, dir, "event-channel-rx",
				 xnb_rx_interrupt, q->rx_irq_name, q);
	if (irq < 0)
		return irq;
	q->rx_irq = irq;
	disable_irq(irq);
	return 0;
}

/* Set up one queue; on failure xnb_queue_disconnect() undoes it. */
static int xnb_queue_connect(struct xnb_queue *q, const char *dir)
{
	struct xenbus_device *dev = q->vif->xbdev;
	struct task_struct *task;
	int err;

	q->tx_ops = kvcalloc(XNB_TX_COPY_OPS, sizeof(*q->tx_ops), GFP_KERNEL);
	q->tx_pkts = kvcalloc(XNB_TX_BATCH, sizeof(*q->tx_pkts), GFP_KERNEL);
	if (!q->tx_ops || !q->tx_pkts) {
		xenbus_dev_fatal(dev, -ENOMEM, "allocating queue %u", q->id);
		return -ENOMEM;
	}

	err = xnb_map_rings(q, dir) ?: xnb_bind(q, dir);
	if (err)
		return err;

	task = kthread_create(xnb_rx_thread, q, "%s-guest-rx", q->name);
	if (IS_ERR(task)) {
		err = PTR_ERR(task);
		xenbus_dev_fatal(dev, err, "starting queue %u", q->id);
		return err;
	}
	q->task = task;
	return 0;
}

/*
 * Release one queue. Its NAPI and interrupts are disabled and no xmit can
 * reach it any more (nr_queues withdrawn); safe at any point of
 * xnb_queue_connect().
 */
static void xnb_queue_disconnect(struct xnb_queue *q)
{
	struct xenbus_device *dev = q->vif->xbdev;
	struct sk_buff *skb;

	if (q->task) {
		kthread_stop(q->task);	/* it purges its queue */
		q->task = NULL;
	}
	if (q->rx_irq != q->tx_irq)
		xpvbus_unbind_evtchn(&q->rx_irq, q);
	else
		q->rx_irq = 0;
	xpvbus_unbind_evtchn(&q->tx_irq, q);
	netif_napi_del(&q->napi);
	timer_delete_sync(&q->credit_timer);
	xpvbus_unmap_ring(dev, &q->rx_sring);
	xpvbus_unmap_ring(dev, &q->tx_sring);
	kvfree(q->tx_pkts);
	q->tx_pkts = NULL;
	kvfree(q->tx_ops);
	q->tx_ops = NULL;
	/* A kthread that never ran left these. */
	while ((skb = __skb_dequeue(&q->rx_queue)))
		kfree_skb(skb);
	while ((skb = __skb_dequeue(&q->rx_done)))
		kfree_skb(skb);
}

/**
 * xnb_vif_connect() - set up the queues the frontend asked for and start
 *	data
 * @vif: the vif, disconnected
 * @feat: what the frontend asked for
 *
 * Maps every queue's rings, binds its channels and starts its kthread,
 * then publishes the queues and turns the vif on. Called with the
 * backend's lock held (xenwatch thread).
 *
 * Return: 0, or a negative errno (reported in xenstore); on failure
 * nothing stays set up.
 */
int xnb_vif_connect(struct xnb_vif *vif, const struct xnb_features *feat)
{
	struct xenbus_device *dev = vif->xbdev;
	struct net_device *ndev = vif->dev;
	unsigned int i, n = feat->nr_queues;
	struct xnb_queue *queues;
	int err = 0;

	queues = kvcalloc(n, sizeof(*queues), GFP_KERNEL);
	if (!queues) {
		xenbus_dev_fatal(dev, -ENOMEM, "allocating %u queues", n);
		return -ENOMEM;
	}

	vif->can_sg = feat->can_sg;
	vif->gso_mask = feat->gso_mask;
	vif->ip_csum = feat->ip_csum;
	vif->ipv6_csum = feat->ipv6_csum;
	WRITE_ONCE(vif->multicast_control, feat->mcast);
	WRITE_ONCE(vif->xdp_headroom, feat->xdp_headroom);
	if (feat->rx_notify) {
		vif->drain_timeout = msecs_to_jiffies(xnb_rx_drain_timeout_msecs);
		vif->stall_timeout = msecs_to_jiffies(xnb_rx_stall_timeout_msecs);
	} else {
		/* It never kicks for RX requests: poll often, never stall. */
		vif->drain_timeout = msecs_to_jiffies(30);
		vif->stall_timeout = 0;
	}
	clear_bit(XNB_VIF_DISABLED, &vif->flags);

	for (i = 0; i < n; i++) {
		xnb_queue_init(&queues[i], vif, i);
		queues[i].credit_bytes = feat->credit_bytes;
		queues[i].credit_usec = feat->credit_usec;
	}
	for (i = 0; i < n && !err; i++) {
		char *dir = xpvbus_queue_dir(dev, n, i);

		if (!dir) {
			xenbus_dev_fatal(dev, -ENOMEM, "queue %u", i);
			err = -ENOMEM;
			break;
		}
		err = xnb_queue_connect(&queues[i], dir);
		kfree(dir);
	}
	if (err) {
		for (i = 0; i < n; i++)
			xnb_queue_disconnect(&queues[i]);
		kvfree(queues);
		return err;
	}

	spin_lock_bh(&vif->lock);
	vif->stalled_queues = n;	/* each kthread clears its own */
	spin_unlock_bh(&vif->lock);
	vif->queues = queues;
	/* Pairs with the readers' acquire: the queues before their count. */
	smp_store_release(&vif->nr_queues, n);

	rtnl_lock();
	netif_set_real_num_tx_queues(ndev, n);
	netif_set_real_num_rx_queues(ndev, n);
	if (!vif->can_sg && ndev->mtu > ETH_DATA_LEN)
		dev_set_mtu(ndev, ETH_DATA_LEN);
	netdev_update_features(ndev);
	set_bit(XNB_VIF_CONNECTED, &vif->flags);
	if (netif_running(ndev))
		xnb_up(vif);
	netif_tx_wake_all_queues(ndev);
	rtnl_unlock();

	for (i = 0; i < n; i++)
		wake_up_process(queues[i].task);
	netdev_info(ndev, "connected: %u queue(s), %s event channels%s%s\n",
		    n, queues[0].tx_irq == queues[0].rx_irq ? "shared" : "split",
		    vif->can_sg ? ", sg" : "", vif->gso_mask ? ", gso" : "");
	return 0;
}

/**
 * xnb_vif_disconnect() - stop data and release every queue
 * @vif: the vif
 *
 * The carrier goes off, NAPI and the interrupts stop, the xmit path is
 * fenced off by a grace period, then each kthread is stopped (its queued
 * packets freed), each channel unbound and each ring unmapped. Idempotent;
 * called with the backend's lock held.
 */
void xnb_vif_disconnect(struct xnb_vif *vif)
{
	struct xnb_queue *queues = vif->queues;
	unsigned int i, n = vif->nr_queues;

	rtnl_lock();
	clear_bit(XNB_VIF_CONNECTED, &vif->flags);
	if (vif->up)
		xnb_down(vif);
	rtnl_unlock();
	xnb_vif_update_carrier(vif, 0);
	if (!queues)
		return;

	WRITE_ONCE(vif->nr_queues, 0);
	synchronize_net();	/* xmit, stats and debugfs readers are gone */
	for (i = 0; i < n; i++)
		xnb_queue_disconnect(&queues[i]);
	vif->queues = NULL;
	kvfree(queues);
	xnb_mcast_free(vif);
	spin_lock_bh(&vif->lock);
	vif->stalled_queues = 0;
	spin_unlock_bh(&vif->lock);
	netdev_info(vif->dev, "disconnected\n");
}

/**
 * xnb_vif_set_rate() - apply a new rate limit to every queue
 * @vif: the vif, connected (backend lock held)
 * @bytes: bytes per window, ~0UL for no limit
 * @usec: the window in microseconds
 *
 * Each queue's poll resets its credit on its next run; a queue waiting
 * for credit is woken now.
 */
void xnb_vif_set_rate(struct xnb_vif *vif, unsigned long bytes,
		      unsigned long usec)
{
	unsigned int i;

	for (i = 0; i < vif->nr_queues; i++) {
		struct xnb_queue *q = &vif->queues[i];

		WRITE_ONCE(q->credit_bytes, bytes);
		WRITE_ONCE(q->credit_usec, usec);
		set_bit(XNB_TXF_RATE_CHANGED, &q->tx_flags);
		mod_timer_pending(&q->credit_timer, jiffies);
	}
}

/* --- the netdev's life --- */

/**
 * xnb_vif_create() - create and register the netdev vif<domid>.<handle>
 * @xbdev: the backend device (the netdev's parent)
 * @domid: the frontend's domain
 * @handle: the vif's handle (backend "handle" key)
 * @max_queues: the queues it may get, as advertised
 *
 * Return: the vif, or an ERR_PTR(): -ENAMETOOLONG when the name does not
 * fit IFNAMSIZ, -ENOMEM, or the error of register_netdev().
 */
struct xnb_vif *xnb_vif_create(struct xenbus_device *xbdev, domid_t domid,
			       unsigned int handle, unsigned int max_queues)
{
	/* The largest non-broadcast address, so no bridge elects it. */
	static const u8 dummy_mac[ETH_ALEN] = {
		0xfe, 0xff, 0xff, 0xff, 0xff, 0xff
	};
	struct net_device *dev;
	struct xnb_vif *vif;
	char name[IFNAMSIZ];
	int err;

	/* libxl's NETBACK_NIC_NAME: the hotplug script looks for it. */
	if (snprintf(name, sizeof(name), "vif%u.%u", domid, handle) >=
	    sizeof(name))
		return ERR_PTR(-ENAMETOOLONG);

	dev = alloc_netdev_mq(sizeof(*vif), name, NET_NAME_UNKNOWN,
			      ether_setup, max_queues);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	SET_NETDEV_DEV(dev, &xbdev->dev);

	vif = netdev_priv(dev);
	vif->dev = dev;
	vif->xbdev = xbdev;
	vif->domid = domid;
	vif->max_queues = max_queues;
	/* Until a frontend says otherwise, as Linux. */
	vif->can_sg = true;
	vif->ip_csum = true;
	spin_lock_init(&vif->lock);
	spin_lock_init(&vif->mcast_lock);
	INIT_LIST_HEAD(&vif->mcast_list);
	atomic64_set(&vif->tx_dropped, 0);
	xnb_ctrl_init(vif);

	dev->netdev_ops = &xnb_netdev_ops;
	dev->ethtool_ops = &xnb_ethtool_ops;
	dev->hw_features = NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM |
			   NETIF_F_TSO | NETIF_F_TSO6 | NETIF_F_FRAGLIST;
	dev->features = dev->hw_features | NETIF_F_RXCSUM;
	dev->tx_queue_len = XNB_QUEUE_LENGTH;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU - VLAN_ETH_HLEN;
	eth_hw_addr_set(dev, dummy_mac);
	netif_carrier_off(dev);

	err = register_netdev(dev);
	if (err) {
		free_netdev(dev);
		return ERR_PTR(err);
	}
	xnb_debugfs_add(vif);
	return vif;
}

/**
 * xnb_vif_free() - unregister and free a vif's netdev
 * @vif: the vif, disconnected
 */
void xnb_vif_free(struct xnb_vif *vif)
{
	xnb_debugfs_del(vif);
	unregister_netdev(vif->dev);
	free_netdev(vif->dev);
}
