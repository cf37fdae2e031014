// SPDX-License-Identifier: GPL-2.0
/*
 * xenbus.c - xen-netfront's control path: the vif's xenstore negotiation.
 *
 *   probe      create and register the interface; if an earlier
 *              frontend left the backend Closed, go Initialising and give
 *              the backend time to come back to InitWait.
 *   backend InitWait, we Initialising: read the backend's features
 *              (feature-rx-copy required), set up each queue's tx and rx
 *              ring and event channel(s), publish them and our features
 *              (and xdp-headroom, if the backend offers it) in one
 *              transaction, update the offloads, carrier on, Connected.
 *   backend Connected: announce ourselves (gratuitous ARP and the like).
 *   XDP program attached or removed (xnf_bpf(), RTNL): write the new
 *              xdp-headroom, Reconfiguring, wait for the backend's
 *              Reconfigured (bounded), Connected.
 *   backend Closing (or Closed): carrier off, Closed; the toolstack then
 *              removes the device, which runs remove().
 *   resume     (after suspend or migration) tear the queues down, keep the
 *              interface; the bus goes Initialising again and the new
 *              backend's InitWait reconnects.
 *   remove     Closing, Closed (each awaiting the backend, bounded), tear
 *              the queues down, unregister and free the interface.
 *
 * Every callback runs in the xenwatch thread, or from the bus with the
 * watch on the backend removed, so they never run concurrently.
 */
#include "common.h"

#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/string.h>

/* netif rings are single pages: no page-order key. */
static const struct xpvbus_ring_desc xnf_tx_ring_keys = {
	.ref_key = "tx-ring-ref",
};

static const struct xpvbus_ring_desc xnf_rx_ring_keys = {
	.ref_key = "rx-ring-ref",
};

/* How long a step of probe or remove waits for the backend. */
#define XNF_WAIT_MS		5000
#define XNF_PROBE_WAIT_MS	30000
#define XNF_POLL_MS		20

/* Whether the backend's state is one of @mask (a bit per state). */
static bool xnf_backend_in(struct xenbus_device *xbdev, unsigned long mask)
{
	unsigned int state = xenbus_read_driver_state(xbdev->otherend);

	return state < BITS_PER_LONG && (BIT(state) & mask);
}

/*
 * Wait until the backend is in one of the states of @mask. Our watch on
 * it is not armed during probe() and remove(), and an XDP reconfiguration
 * holds the RTNL lock, which the xenwatch thread may be waiting for, so
 * its state node is polled. Return: whether it got there within @ms.
 */
static bool xnf_wait_backend(struct xenbus_device *xbdev, unsigned long mask,
			     unsigned int ms)
{
	unsigned long end = jiffies + msecs_to_jiffies(ms);

	for (;;) {
		if (xnf_backend_in(xbdev, mask))
			return true;
		if (time_after(jiffies, end))
			return false;
		msleep(XNF_POLL_MS);
	}
}

#define XNF_BACKEND_OPEN	(~(BIT(XPVBUS_CLOSED) | BIT(XPVBUS_UNKNOWN)))
#define XNF_BACKEND_CLOSING	(BIT(XPVBUS_CLOSING) | BIT(XPVBUS_CLOSED) | \
				 BIT(XPVBUS_UNKNOWN))
#define XNF_BACKEND_CLOSED	(BIT(XPVBUS_CLOSED) | BIT(XPVBUS_UNKNOWN))

/* --- connection --- */

/*
 * The MAC the toolstack chose. It writes it in both directories; ours is
 * read first, as the in-tree driver does, the backend's if ours is absent.
 */
static int xnf_read_mac(struct xenbus_device *xbdev, u8 *mac)
{
	char *s;
	bool ok;

	s = xenbus_read(XBT_NIL, xbdev->nodename, "mac", NULL);
	if (IS_ERR(s))
		s = xenbus_read(XBT_NIL, xbdev->otherend, "mac", NULL);
	if (IS_ERR(s))
		return PTR_ERR(s);
	ok = strlen(s) == 3 * ETH_ALEN - 1 && mac_pton(s, mac);
	kfree(s);
	return ok ? 0 : -EINVAL;
}

/*
 * Tear the connection down, keep the interface: carrier off; the
 * interface detached, with no transmit in progress and every queue
 * stopped under its tx_lock (the event handler only wakes a queue of a
 * present device, under that lock); no ndo_xdp_xmit() still inside (it
 * checks the carrier under RCU); no event handler running; then the
 * queues freed. Idempotent, and safe at any point of xnf_connect() and
 * with no queues at all (XSA-465).
 */
static void xnf_disconnect(struct xnf_info *info)
{
	struct net_device *dev = info->netdev;
	unsigned long flags;
	unsigned int i;

	netif_carrier_off(dev);
	netif_tx_lock_bh(dev);
	netif_device_detach(dev);
	for (i = 0; i < info->nr_queues; i++) {
		struct xnf_queue *q = &info->queues[i];

		spin_lock_irqsave(&q->tx_lock, flags);
		netif_tx_stop_queue(netdev_get_tx_queue(dev, i));
		spin_unlock_irqrestore(&q->tx_lock, flags);
	}
	netif_tx_unlock_bh(dev);
	synchronize_net();
	for (i = 0; i < info->nr_queues; i++)
		xnf_evtchn_unbind(&info->queues[i]);
	rtnl_lock();
	xnf_queues_destroy(info);
	rtnl_unlock();
}

/* Allocate and grant a queue's rings, bind its event channel(s). */
static int xnf_queue_connect(struct xnf_queue *q, bool split)
{
	struct xenbus_device *xbdev = q->info->xbdev;
	int err;

	err = xpvbus_fring_alloc(xbdev, &q->tx_ring, 0, GFP_NOIO | __GFP_HIGH);
	if (err)
		return err;
	XEN_FRONT_RING_INIT(&q->tx, (struct xen_netif_tx_sring *)q->tx_ring.sring,
			    XEN_PAGE_SIZE);
	err = xpvbus_fring_alloc(xbdev, &q->rx_ring, 0, GFP_NOIO | __GFP_HIGH);
	if (err)
		return err;
	XEN_FRONT_RING_INIT(&q->rx, (struct xen_netif_rx_sring *)q->rx_ring.sring,
			    XEN_PAGE_SIZE);
	return xnf_evtchn_bind(q, split);
}

/* Remove @node if present: a stale key from an earlier connection. */
static int xnf_rm(struct xenbus_transaction xbt, const char *dir,
		  const char *node)
{
	int err = xenbus_rm(xbt, dir, node);

	return err == -ENOENT ? 0 : err;
}

static int xnf_publish_queue(struct xenbus_transaction xbt,
			     struct xnf_queue *q, const char *dir)
{
	struct xenbus_device *xbdev = q->info->xbdev;
	int err;

	err = xpvbus_fring_publish(xbt, xbdev, dir, &xnf_tx_ring_keys,
				   &q->tx_ring) ?:
	      xpvbus_fring_publish(xbt, xbdev, dir, &xnf_rx_ring_keys,
				   &q->rx_ring);
	if (err)
		return err;
	/* The backend looks for split channels first: no stale ones. */
	if (q->split)
		return xpvbus_fevtchn_publish(xbt, dir, "event-channel-tx",
					      &q->tx_ev) ?:
		       xpvbus_fevtchn_publish(xbt, dir, "event-channel-rx",
					      &q->rx_ev) ?:
		       xnf_rm(xbt, dir, "event-channel");
	return xpvbus_fevtchn_publish(xbt, dir, "event-channel", &q->tx_ev) ?:
	       xnf_rm(xbt, dir, "event-channel-tx") ?:
	       xnf_rm(xbt, dir, "event-channel-rx");
}

struct xnf_publish {
	struct xnf_info *info;
	bool mq;
};

/*
 * Every key the backend reads to connect, in one transaction; with the
 * RTNL lock held, which keeps the XDP program as it is.
 */
static int xnf_publish(struct xenbus_transaction xbt, void *arg)
{
	const struct xnf_publish *pub = arg;
	struct xnf_info *info = pub->info;
	struct xenbus_device *xbdev = info->xbdev;
	unsigned int i;
	int err = 0;

	/* Written whenever the backend offered multi-queue, as in-tree. */
	if (pub->mq)
		err = xpvbus_write_nr_queues(xbt, xbdev, info->nr_queues);
	for (i = 0; !err && i < info->nr_queues; i++) {
		char *dir = xpvbus_local_queue_dir(xbdev, info->nr_queues, i);

		if (!dir)
			return -ENOMEM;
		err = xnf_publish_queue(xbt, &info->queues[i], dir);
		kfree(dir);
	}
	/* As in-tree: only for a backend that offers it. */
	if (!err && info->feat_xdp_headroom)
		err = xpvbus_write_uint(xbt, xbdev, "xdp-headroom",
					xnf_xdp_headroom(info));
	return err ?:
	       xpvbus_write_uint(xbt, xbdev, "request-rx-copy", 1) ?:
	       xpvbus_write_bool(xbt, xbdev, "feature-rx-notify", true) ?:
	       xpvbus_write_bool(xbt, xbdev, "feature-sg", true) ?:
	       xpvbus_write_bool(xbt, xbdev, "feature-gso-tcpv4", true) ?:
	       xpvbus_write_bool(xbt, xbdev, "feature-gso-tcpv6", true) ?:
	       xpvbus_write_bool(xbt, xbdev, "feature-ipv6-csum-offload", true);
}

/* Read what the backend offers and what the toolstack says about it. */
static void xnf_read_features(struct xnf_info *info)
{
	const char *be = info->xbdev->otherend;

	info->bounce = !READ_ONCE(xnf_trusted) ||
		       !xpvbus_read_bool(info->xbdev->nodename, "trusted", true);
	info->feat_sg = xpvbus_read_bool(be, "feature-sg", false);
	info->feat_gso4 = xpvbus_read_bool(be, "feature-gso-tcpv4", false);
	info->feat_gso6 = xpvbus_read_bool(be, "feature-gso-tcpv6", false);
	info->feat_ipv6_csum = xpvbus_read_bool(be, "feature-ipv6-csum-offload",
						false);
	info->feat_xdp_headroom = xpvbus_read_bool(be, "feature-xdp-headroom",
						   false);
}

static int xnf_connect(struct xnf_info *info)
{
	struct xenbus_device *xbdev = info->xbdev;
	struct net_device *dev = info->netdev;
	struct xnf_publish pub = { .info = info };
	unsigned int nr, i, max;
	u8 mac[ETH_ALEN];
	bool split;
	int err;

	if (!xpvbus_read_bool(xbdev->otherend, "feature-rx-copy", false)) {
		xenbus_dev_fatal(xbdev, -ENODEV,
				 "backend does not support copying receive path");
		return -ENODEV;
	}
	err = xnf_read_mac(xbdev, mac);
	if (err) {
		xenbus_dev_fatal(xbdev, err, "parsing %s/mac", xbdev->nodename);
		return err;
	}
	xnf_read_features(info);
	split = xpvbus_read_bool(xbdev->otherend,
				 "feature-split-event-channels", false);
	pub.mq = !xpvbus_read_uint(xbdev->otherend, "multi-queue-max-queues",
				   UINT_MAX, &nr);
	max = min(READ_ONCE(xnf_max_queues), dev->num_tx_queues);
	nr = xpvbus_read_max_queues(xbdev, max);

	rtnl_lock();
	xnf_queues_destroy(info);
	clear_bit(XNF_BROKEN, &info->flags);
	eth_hw_addr_set(dev, mac);
	err = xnf_queues_create(info, nr);
	rtnl_unlock();
	if (err) {
		xenbus_dev_fatal(xbdev, err, "creating %u queues", nr);
		return err;
	}

	for (i = 0; i < nr; i++) {
		err = xnf_queue_connect(&info->queues[i], split);
		if (err) {
			xenbus_dev_fatal(xbdev, err, "setting up queue %u", i);
			goto fail;
		}
	}
	/*
	 * From publishing to Connected under the RTNL lock: an XDP program
	 * attached or removed meanwhile (xnf_bpf()) either is in the
	 * xdp-headroom published here, or finds us Connected and tells the
	 * backend itself.
	 */
	rtnl_lock();
	err = xpvbus_transaction(xbdev, xnf_publish, &pub);
	if (err) {
		rtnl_unlock();
		goto fail;
	}
	if (rtnl_dereference(info->xdp_prog) && !info->feat_xdp_headroom)
		netdev_warn(dev, "backend offers no XDP headroom: XDP runs without\n");

	/* The backend's features are known now: offer what both have. */
	netdev_update_features(dev);

	netif_tx_lock_bh(dev);
	netif_device_attach(dev);
	netif_tx_unlock_bh(dev);
	netif_carrier_on(dev);
	for (i = 0; i < nr; i++) {
		struct xnf_queue *q = &info->queues[i];

		spin_lock_bh(&q->rx_lock);
		xnf_rx_refill(q);
		spin_unlock_bh(&q->rx_lock);
	}
	xenbus_switch_state(xbdev, XPVBUS_CONNECTED);
	rtnl_unlock();

	netdev_info(dev, "%u queue(s), %s event channel(s)%s%s\n", nr,
		    split ? "split" : "shared",
		    info->bounce ? ", bouncing transmitted data to zeroed pages" :
				   "",
		    info->feat_xdp_headroom ? ", backend supports XDP headroom" :
					      "");
	return 0;

fail:
	xnf_disconnect(info);
	return err;
}

/* --- XDP headroom --- */

/**
 * xnf_xenbus_set_xdp_headroom() - have the backend use a new XDP headroom
 * @info: the vif; the RTNL lock held
 * @headroom: XDP_PACKET_HEADROOM when a program comes, 0 when it goes
 * @extack: where a failure is explained
 *
 * While Connected to a backend offering feature-xdp-headroom: write
 * xdp-headroom, then go Reconfiguring (the backend reads the key when it
 * sees that state, so the key comes first), wait for the backend's
 * Reconfigured, bounded, and go Connected again. Otherwise nothing is
 * done: xnf_connect() publishes the headroom of the program attached then.
 *
 * Reconfigured says that packets laid out from then on have the new
 * headroom. Those already on the ring keep the old one, and a backend
 * that stays Reconfigured (Linux's netback) answers every later request
 * at once; neither costs more than headroom, since every packet is placed
 * by its response's offset.
 *
 * Return: 0; -ETIMEDOUT when the backend did not answer, or closed; the
 * errno of a failed xenstore write.
 */
int xnf_xenbus_set_xdp_headroom(struct xnf_info *info, unsigned int headroom,
				struct netlink_ext_ack *extack)
{
	struct xenbus_device *xbdev = info->xbdev;
	int err;

	ASSERT_RTNL();
	/* xnf_connect() goes Connected under the RTNL lock too. */
	if (xbdev->state != XPVBUS_CONNECTED || !info->feat_xdp_headroom)
		return 0;

	err = xenbus_printf(XBT_NIL, xbdev->nodename, "xdp-headroom", "%u",
			    headroom);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot write xdp-headroom");
		return err;
	}
	err = xenbus_switch_state(xbdev, XPVBUS_RECONFIGURING);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot switch to Reconfiguring");
		return err;
	}
	if (!xnf_wait_backend(xbdev, BIT(XPVBUS_RECONFIGURED) |
			      XNF_BACKEND_CLOSING, XNF_WAIT_MS) ||
	    !xnf_backend_in(xbdev, BIT(XPVBUS_RECONFIGURED))) {
		NL_SET_ERR_MSG_MOD(extack, "backend did not acknowledge xdp-headroom");
		netdev_warn(info->netdev, "backend did not answer Reconfigured for xdp-headroom %u\n",
			    headroom);
		err = -ETIMEDOUT;
	}
	/* Unless the backend closed us meanwhile. */
	if (xbdev->state == XPVBUS_RECONFIGURING)
		xenbus_switch_state(xbdev, XPVBUS_CONNECTED);
	return err;
}

/* --- xenbus callbacks --- */

static void xnf_backend_changed(struct xenbus_device *xbdev,
				enum xenbus_state state)
{
	struct xnf_info *info = dev_get_drvdata(&xbdev->dev);

	dev_dbg(&xbdev->dev, "backend %s\n", xenbus_strstate(state));
	switch (state) {
	case XPVBUS_INITWAIT:
		if (xbdev->state != XPVBUS_INITIALISING)
			break;
		xnf_connect(info);	/* Connected when it succeeds */
		break;
	case XPVBUS_CONNECTED:
		netdev_notify_peers(info->netdev);
		break;
	case XPVBUS_CLOSED:
		if (xbdev->state == XPVBUS_CLOSED)
			break;
		fallthrough;	/* we missed its Closing */
	case XPVBUS_CLOSING:
		netif_carrier_off(info->netdev);
		xenbus_frontend_closed(xbdev);
		break;
	default:
		break;
	}
}

/* Close the bus, each step bounded: a dead backend does not hang us. */
static void xnf_bus_close(struct xenbus_device *xbdev)
{
	if (xnf_backend_in(xbdev, XNF_BACKEND_CLOSED))
		return;
	xenbus_switch_state(xbdev, XPVBUS_CLOSING);
	if (!xnf_wait_backend(xbdev, XNF_BACKEND_CLOSING, XNF_WAIT_MS))
		dev_warn(&xbdev->dev, "backend did not close\n");
	if (xnf_backend_in(xbdev, XNF_BACKEND_CLOSED))
		return;
	xenbus_switch_state(xbdev, XPVBUS_CLOSED);
	if (!xnf_wait_backend(xbdev, XNF_BACKEND_CLOSED, XNF_WAIT_MS))
		dev_warn(&xbdev->dev, "backend did not reach Closed\n");
}

static void xnf_remove(struct xenbus_device *xbdev)
{
	struct xnf_info *info = dev_get_drvdata(&xbdev->dev);
	struct net_device *dev;

	if (!info)
		return;
	dev = info->netdev;
	xnf_bus_close(xbdev);
	/* Grants the backend still maps go to the deferred release. */
	xnf_disconnect(info);
	unregister_netdev(dev);
	dev_set_drvdata(&xbdev->dev, NULL);
	xnf_netdev_free(dev);
}

/*
 * After suspend (save, migration): the grants and ports of the old
 * connection mean nothing now. Drop them, keep the interface.
 */
static int xnf_resume(struct xenbus_device *xbdev)
{
	struct xnf_info *info = dev_get_drvdata(&xbdev->dev);

	dev_dbg(&xbdev->dev, "resuming\n");
	xnf_disconnect(info);
	return 0;
}

static int xnf_probe(struct xenbus_device *xbdev,
		     const struct xenbus_device_id *id)
{
	struct net_device *dev;
	int err;

	dev = xnf_netdev_alloc(xbdev);
	if (IS_ERR(dev)) {
		xenbus_dev_fatal(xbdev, PTR_ERR(dev), "creating netdev");
		return PTR_ERR(dev);
	}
	/*
	 * Registered now, as in-tree: the name (eth0...) exists before the
	 * queues, which name their interrupts after it, and udev sees the
	 * interface as early as with Linux's driver. It cannot be opened
	 * until connected; its offloads follow the backend's at connection.
	 */
	err = register_netdev(dev);
	if (err) {
		xnf_netdev_free(dev);
		xenbus_dev_fatal(xbdev, err, "registering the interface");
		return err;
	}
	dev_set_drvdata(&xbdev->dev, netdev_priv(dev));

	/*
	 * Rebinding after a remove finds us Closed: Initialising asks the
	 * backend to start over. Its state is read back when our watch on it
	 * is armed, right after probe; a Closed then would close us again.
	 */
	xenbus_switch_state(xbdev, XPVBUS_INITIALISING);
	if (!xnf_wait_backend(xbdev, XNF_BACKEND_OPEN, XNF_PROBE_WAIT_MS))
		dev_warn(&xbdev->dev, "backend %s is still closed\n",
			 xbdev->otherend);
	return 0;
}

static const struct xenbus_device_id xnf_ids[] = {
	{ "vif" },
	{ "" }
};

static struct xenbus_driver xnf_driver = {
	.ids = xnf_ids,
	.probe = xnf_probe,
	.remove = xnf_remove,
	.resume = xnf_resume,
	.otherend_changed = xnf_backend_changed,
};

/**
 * xnf_xenbus_init() - register the vif frontend driver
 *
 * Return: 0, or the negative errno of the registration.
 */
int xnf_xenbus_init(void)
{
	return xenbus_register_frontend(&xnf_driver);
}

/**
 * xnf_xenbus_exit() - unregister it; every vif is removed first
 */
void xnf_xenbus_exit(void)
{
	xenbus_unregister_driver(&xnf_driver);
}
