// SPDX-License-Identifier: GPL-2.0
/*
 * xenbus.c - xen-netback's control path: the vif's xenstore negotiation.
 *
 *   probe      advertise the features a frontend reads before it sets up
 *              its rings, create the netdev vif<domid>.<handle> (libxl's
 *              vif-bridge script looks for it once we are in InitWait),
 *              watch hotplug-status, InitWait.
 *   frontend Initialised/Connected: read what it asked for, map its
 *              rings, bind its channels, start the queues, then take its
 *              control ring if it offers one (ctrl.c; looked for again at
 *              Connected, as netif.h has the keys written only by then);
 *              the state goes Connected only once hotplug-status says
 *              "connected" (libxl writes it empty to make us wait for the
 *              script).
 *   frontend Reconfiguring (it attached or removed an XDP program and
 *              wrote its new xdp-headroom): once Connected, read the
 *              headroom and answer Reconfigured; packets queued from then
 *              on start that far into their first slot. When the frontend
 *              is Connected again, so are we (Linux's netback stays
 *              Reconfigured, so its next Reconfigured cannot be told
 *              from the old one). xdp-headroom is also watched while
 *              connected, as Linux's netfront writes it only after going
 *              Reconfiguring.
 *   frontend Closing/Closed, or removal: stop the queues, Closing/Closed,
 *              and unregister once the toolstack set online = 0.
 *
 * Every callback runs in the xenwatch thread; @lock serialises them with
 * remove(), which may also come from module unload. Watches are removed
 * before @lock is taken there, since their callbacks take it.
 */
#include "common.h"

#include <linux/err.h>
#include <linux/etherdevice.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/string.h>

/**
 * struct xnb_backend - one vif device's xenbus side
 * @dev: its xenbus device
 * @lock: serialises connect, disconnect and the watches
 * @vif: the netdev's private part (from probe to remove)
 * @script: the backend's "script" key, for the uevent (may be NULL)
 * @frontend_state: the frontend's last state seen
 * @xdp_offered: feature-xdp-headroom was advertised (provides_xdp_headroom
 *	at probe); without it xdp-headroom is ignored
 * @connected: the queues are set up (the state may still wait for the
 *	hotplug script)
 * @hotplug_watch: on hotplug-status
 * @rate_watch: on the backend's rate key, while connected
 * @mcast_watch: on the frontend's request-multicast-control, while
 *	connected
 * @xdp_watch: on the frontend's xdp-headroom, while connected (when
 *	offered)
 */
struct xnb_backend {
	struct xenbus_device *dev;
	struct mutex lock;		/* connect/disconnect, watches */
	struct xnb_vif *vif;
	char *script;
	enum xenbus_state frontend_state;
	bool xdp_offered;
	bool connected;
	struct xpvbus_watch hotplug_watch;
	struct xpvbus_watch rate_watch;
	struct xpvbus_watch mcast_watch;
	struct xpvbus_watch xdp_watch;
};

/* --- what the toolstack and the frontend wrote --- */

/* "bytes,usec"; absent or malformed means no limit. */
static void xnb_read_rate(struct xenbus_device *dev, unsigned long *bytes,
			  unsigned long *usec)
{
	unsigned long b, u;
	char *str, *comma;

	*bytes = ~0UL;
	*usec = 0;
	str = xenbus_read(XBT_NIL, dev->nodename, "rate", NULL);
	if (IS_ERR(str))
		return;
	comma = strchr(str, ',');
	if (comma) {
		*comma = '\0';
		if (!kstrtoul(str, 10, &b) && !kstrtoul(comma + 1, 10, &u)) {
			*bytes = b;
			*usec = u;
			kfree(str);
			return;
		}
	}
	dev_warn(&dev->dev, "malformed rate, traffic not limited\n");
	kfree(str);
}

static int xnb_read_mac(struct xnb_backend *be)
{
	struct xenbus_device *dev = be->dev;
	char *str;
	bool ok;

	str = xenbus_read(XBT_NIL, dev->nodename, "mac", NULL);
	if (IS_ERR(str)) {
		xenbus_dev_fatal(dev, PTR_ERR(str), "reading %s/mac",
				 dev->nodename);
		return PTR_ERR(str);
	}
	ok = strlen(str) == 3 * ETH_ALEN - 1 && mac_pton(str, be->vif->fe_mac);
	kfree(str);
	if (!ok) {
		xenbus_dev_fatal(dev, -EINVAL, "parsing %s/mac", dev->nodename);
		return -EINVAL;
	}
	return 0;
}

/*
 * The frontend's xdp-headroom, if we offered one: absent means none; a
 * value that is not a number or above XNB_MAX_XDP_HEADROOM is refused
 * (logged, rate-limited, as the frontend may rewrite it at will) and no
 * headroom is used, which costs that frontend its XDP headroom, nothing
 * else.
 */
static unsigned int xnb_read_xdp_headroom(struct xnb_backend *be)
{
	struct xenbus_device *dev = be->dev;
	unsigned int headroom;
	int err;

	if (!be->xdp_offered)
		return 0;
	err = xpvbus_read_uint(dev->otherend, "xdp-headroom",
			       XNB_MAX_XDP_HEADROOM, &headroom);
	if (err == -ENOENT)
		return 0;
	if (err) {
		dev_warn_ratelimited(&dev->dev,
				     "%s/xdp-headroom invalid or above %u: none used\n",
				     dev->otherend, XNB_MAX_XDP_HEADROOM);
		return 0;
	}
	return headroom;
}

static int xnb_read_frontend(struct xnb_backend *be, struct xnb_features *f)
{
	struct xenbus_device *dev = be->dev;
	const char *fe = dev->otherend;
	int err;

	err = xpvbus_read_nr_queues(dev, be->vif->max_queues, &f->nr_queues);
	if (err)
		return err;
	/* We only copy: a frontend that wants page flipping is refused. */
	if (!xpvbus_read_bool(fe, "request-rx-copy", false)) {
		xenbus_dev_fatal(dev, -EOPNOTSUPP, "%s/request-rx-copy not set",
				 fe);
		return -EOPNOTSUPP;
	}
	f->rx_notify = xpvbus_read_bool(fe, "feature-rx-notify", false);
	f->can_sg = xpvbus_read_bool(fe, "feature-sg", false);
	f->gso_mask = 0;
	if (xpvbus_read_bool(fe, "feature-gso-tcpv4", false))
		f->gso_mask |= BIT(XEN_NETIF_GSO_TYPE_TCPV4);
	if (xpvbus_read_bool(fe, "feature-gso-tcpv6", false))
		f->gso_mask |= BIT(XEN_NETIF_GSO_TYPE_TCPV6);
	f->ip_csum = !xpvbus_read_bool(fe, "feature-no-csum-offload", false);
	f->ipv6_csum = xpvbus_read_bool(fe, "feature-ipv6-csum-offload", false);
	f->mcast = xpvbus_read_bool(fe, "request-multicast-control", false);
	/* A frontend reconnecting with XDP on writes it before connecting. */
	f->xdp_headroom = xnb_read_xdp_headroom(be);
	xnb_read_rate(dev, &f->credit_bytes, &f->credit_usec);
	return 0;
}

/* --- watches --- */

static void xnb_rate_changed(struct xpvbus_watch *w)
{
	struct xnb_backend *be = container_of(w, struct xnb_backend,
					      rate_watch);
	unsigned long bytes, usec;

	xnb_read_rate(be->dev, &bytes, &usec);
	mutex_lock(&be->lock);
	if (be->connected)
		xnb_vif_set_rate(be->vif, bytes, usec);
	mutex_unlock(&be->lock);
}

/* feature-dynamic-multicast-control: re-sampled on every change. */
static void xnb_mcast_changed(struct xpvbus_watch *w)
{
	struct xnb_backend *be = container_of(w, struct xnb_backend,
					      mcast_watch);

	WRITE_ONCE(be->vif->multicast_control,
		   xpvbus_read_bool(be->dev->otherend,
				    "request-multicast-control", false));
}

/*
 * xdp-headroom is also taken as soon as it changes: Linux's netfront goes
 * Reconfiguring before it writes the key, so the read that Reconfiguring
 * triggers may come too early.
 */
static void xnb_xdp_changed(struct xpvbus_watch *w)
{
	struct xnb_backend *be = container_of(w, struct xnb_backend,
					      xdp_watch);

	mutex_lock(&be->lock);
	if (be->connected)
		WRITE_ONCE(be->vif->xdp_headroom, xnb_read_xdp_headroom(be));
	mutex_unlock(&be->lock);
}

/*
 * The frontend is Reconfiguring: take its new xdp-headroom and answer
 * Reconfigured. Before we are Connected (the hotplug script still running)
 * the headroom is taken now and the answer waits for
 * xnb_publish_connected(). Lock held.
 */
static void xnb_reconfigure(struct xnb_backend *be)
{
	struct xenbus_device *dev = be->dev;
	unsigned int headroom;

	if (!be->connected)
		return;		/* read when it connects */
	headroom = xnb_read_xdp_headroom(be);
	if (headroom != READ_ONCE(be->vif->xdp_headroom))
		dev_dbg(&dev->dev, "xdp-headroom %u\n", headroom);
	WRITE_ONCE(be->vif->xdp_headroom, headroom);
	if (dev->state == XPVBUS_CONNECTED)
		xenbus_switch_state(dev, XPVBUS_RECONFIGURED);
}

/* Connected once both the queues and the hotplug script are; lock held. */
static void xnb_publish_connected(struct xnb_backend *be)
{
	struct xenbus_device *dev = be->dev;

	/* Reconfigured is Connected too; only the frontend ends it. */
	if (!be->connected || dev->state == XPVBUS_CONNECTED ||
	    dev->state == XPVBUS_RECONFIGURED)
		return;
	if (!xpvbus_hotplug_connected(dev))
		return;		/* the hotplug watch calls again */
	xpvbus_set_state(dev, XPVBUS_CONNECTED);
	/* It asked while the hotplug script ran. */
	if (be->frontend_state == XPVBUS_RECONFIGURING)
		xnb_reconfigure(be);
}

static void xnb_hotplug_changed(struct xpvbus_watch *w)
{
	struct xnb_backend *be = container_of(w, struct xnb_backend,
					      hotplug_watch);

	mutex_lock(&be->lock);
	xnb_publish_connected(be);
	mutex_unlock(&be->lock);
}

/* --- connection --- */

/* Stop the control ring and the queues. Idempotent; @be->lock held. */
static void xnb_disconnect(struct xnb_backend *be)
{
	xpvbus_unwatch(&be->rate_watch);
	xpvbus_unwatch(&be->mcast_watch);
	xpvbus_unwatch(&be->xdp_watch);
	if (!be->connected)
		return;
	xnb_ctrl_disconnect(be->vif);
	xnb_vif_disconnect(be->vif);
	be->connected = false;
}

/* Connect once the frontend has set up its rings; @be->lock held. */
static void xnb_try_connect(struct xnb_backend *be)
{
	struct xenbus_device *dev = be->dev;
	struct xnb_features f;
	int err;

	if (be->connected || dev->state != XPVBUS_INITWAIT)
		return;
	if (be->frontend_state != XPVBUS_INITIALISED &&
	    be->frontend_state != XPVBUS_CONNECTED)
		return;

	if (xnb_read_frontend(be, &f) || xnb_read_mac(be) ||
	    xnb_vif_connect(be->vif, &f))
		return;
	/* After the queues: its table is checked against their number. */
	if (xnb_ctrl_connect(be->vif)) {
		xnb_vif_disconnect(be->vif);
		return;
	}
	be->connected = true;

	err = xpvbus_watch(dev, &be->rate_watch, dev->nodename, "rate",
			   xnb_rate_changed);
	if (!err)
		err = xpvbus_watch(dev, &be->mcast_watch, dev->otherend,
				   "request-multicast-control",
				   xnb_mcast_changed);
	if (!err && be->xdp_offered)
		err = xpvbus_watch(dev, &be->xdp_watch, dev->otherend,
				   "xdp-headroom", xnb_xdp_changed);
	if (err)
		dev_warn(&dev->dev, "watching rate/multicast control/xdp-headroom: %d\n",
			 err);
	xnb_publish_connected(be);
}

/* --- xenbus callbacks --- */

static void xnb_frontend_changed(struct xenbus_device *dev,
				 enum xenbus_state state)
{
	struct xnb_backend *be = dev_get_drvdata(&dev->dev);

	dev_dbg(&dev->dev, "frontend %s\n", xenbus_strstate(state));
	mutex_lock(&be->lock);
	be->frontend_state = state;
	switch (state) {
	case XPVBUS_INITIALISING:
		/* A frontend starting over: its old rings go first. */
		if (dev->state != XPVBUS_INITWAIT || be->connected) {
			xnb_disconnect(be);
			xpvbus_set_state(dev, XPVBUS_INITWAIT);
		}
		break;
	case XPVBUS_INITIALISED:
	case XPVBUS_CONNECTED:
		xnb_try_connect(be);
		/* A control ring offered after Initialised; fatal on error. */
		if (state == XPVBUS_CONNECTED && be->connected)
			xnb_ctrl_connect(be->vif);
		/* The end of a Reconfiguring. */
		if (state == XPVBUS_CONNECTED &&
		    dev->state == XPVBUS_RECONFIGURED)
			xenbus_switch_state(dev, XPVBUS_CONNECTED);
		break;
	case XPVBUS_RECONFIGURING:
		xnb_reconfigure(be);
		break;
	case XPVBUS_CLOSING:
		xnb_disconnect(be);
		xpvbus_set_state(dev, XPVBUS_CLOSING);
		break;
	case XPVBUS_CLOSED:
		xnb_disconnect(be);
		mutex_unlock(&be->lock);
		/* May unregister the device: remove() takes the lock. */
		xpvbus_backend_closed(dev);
		return;
	case XPVBUS_UNKNOWN:
		/* The frontend's directory is gone (the domain died). */
		xnb_disconnect(be);
		mutex_unlock(&be->lock);
		device_unregister(&dev->dev);
		return;
	default:
		xenbus_dev_fatal(dev, -EINVAL, "frontend in state %d", state);
		break;
	}
	mutex_unlock(&be->lock);
}

/* script= and vif= for udev's vif-setup (toolstacks not running it). */
static int xnb_uevent(xpv_uevent_xbdev *xdev, struct kobj_uevent_env *env)
{
	struct xnb_backend *be = dev_get_drvdata(&xdev->dev);

	if (!be)
		return 0;
	if (be->script && add_uevent_var(env, "script=%s", be->script))
		return -ENOMEM;
	if (!be->vif)
		return 0;
	return add_uevent_var(env, "vif=%s", be->vif->dev->name);
}

static void xnb_remove(struct xenbus_device *dev)
{
	struct xnb_backend *be = dev_get_drvdata(&dev->dev);

	if (!be)
		return;
	xpvbus_unwatch(&be->hotplug_watch);
	xpvbus_unwatch(&be->rate_watch);
	xpvbus_unwatch(&be->mcast_watch);
	xpvbus_unwatch(&be->xdp_watch);
	mutex_lock(&be->lock);
	xnb_disconnect(be);
	mutex_unlock(&be->lock);

	/* As Linux: a later backend starts from an unknown hotplug state. */
	xenbus_rm(XBT_NIL, dev->nodename, "hotplug-status");
	if (be->vif) {
		kobject_uevent(&dev->dev.kobj, KOBJ_OFFLINE);
		xnb_vif_free(be->vif);
		be->vif = NULL;
	}
	dev_set_drvdata(&dev->dev, NULL);
	kfree(be->script);
	kfree(be);
}

struct xnb_advertise {
	struct xenbus_device *dev;
	unsigned int max_queues;
	bool xdp;
};

/* What a frontend reads before it sets up its rings, as Linux writes. */
static int xnb_advertise_fn(struct xenbus_transaction xbt, void *arg)
{
	struct xnb_advertise *adv = arg;
	struct xenbus_device *dev = adv->dev;

	return xpvbus_write_bool(xbt, dev, "feature-sg", true) ?:
	       xpvbus_write_bool(xbt, dev, "feature-gso-tcpv4", true) ?:
	       xpvbus_write_bool(xbt, dev, "feature-gso-tcpv6", true) ?:
	       xpvbus_write_bool(xbt, dev, "feature-ipv6-csum-offload", true) ?:
	       xpvbus_write_bool(xbt, dev, "feature-rx-copy", true) ?:
	       xpvbus_write_bool(xbt, dev, "feature-rx-flip", false) ?:
	       xpvbus_write_bool(xbt, dev, "feature-multicast-control", true) ?:
	       xpvbus_write_bool(xbt, dev, "feature-dynamic-multicast-control",
				 true) ?:
	       xpvbus_write_bool(xbt, dev, "feature-split-event-channels",
				 xnb_separate_tx_rx_irq) ?:
	       xpvbus_write_bool(xbt, dev, "feature-xdp-headroom", adv->xdp) ?:
	       xpvbus_write_bool(xbt, dev, "feature-ctrl-ring", true) ?:
	       xpvbus_write_uint(xbt, dev, "multi-queue-max-queues",
				 adv->max_queues);
}

static int xnb_probe(struct xenbus_device *dev,
		     const struct xenbus_device_id *id)
{
	unsigned int handle, max_queues = max(READ_ONCE(xnb_max_queues), 1U);
	struct xnb_advertise adv;
	struct xnb_backend *be;
	struct xnb_vif *vif;
	char *script;
	int err;

	be = kzalloc(sizeof(*be), GFP_KERNEL);
	if (!be) {
		xenbus_dev_fatal(dev, -ENOMEM, "allocating backend");
		return -ENOMEM;
	}
	be->dev = dev;
	mutex_init(&be->lock);
	be->frontend_state = XPVBUS_UNKNOWN;
	dev_set_drvdata(&dev->dev, be);

	script = xenbus_read(XBT_NIL, dev->nodename, "script", NULL);
	if (!IS_ERR(script))
		be->script = script;

	err = xpvbus_read_uint(dev->nodename, "handle", UINT_MAX, &handle);
	if (err) {
		xenbus_dev_fatal(dev, err, "reading %s/handle", dev->nodename);
		goto fail;
	}
	adv.dev = dev;
	adv.max_queues = max_queues;
	adv.xdp = READ_ONCE(xnb_provides_xdp_headroom);
	be->xdp_offered = adv.xdp;
	err = xpvbus_transaction(dev, xnb_advertise_fn, &adv);
	if (err)
		goto fail;

	/* Before InitWait: the hotplug script runs once it is seen. */
	vif = xnb_vif_create(dev, dev->otherend_id, handle, max_queues);
	if (IS_ERR(vif)) {
		err = PTR_ERR(vif);
		xenbus_dev_fatal(dev, err, "creating vif%d.%u",
				 dev->otherend_id, handle);
		goto fail;
	}
	be->vif = vif;
	kobject_uevent(&dev->dev.kobj, KOBJ_ONLINE);

	err = xpvbus_watch_hotplug(dev, &be->hotplug_watch,
				   xnb_hotplug_changed);
	if (err) {
		xenbus_dev_fatal(dev, err, "watching hotplug-status");
		goto fail;
	}
	err = xpvbus_set_state(dev, XPVBUS_INITWAIT);
	if (err)
		goto fail;
	return 0;

fail:
	xnb_remove(dev);
	return err;
}

static const struct xenbus_device_id xnb_ids[] = {
	{ "vif" },
	{ "" }
};

static struct xenbus_driver xnb_driver = {
	.ids = xnb_ids,
	.probe = xnb_probe,
	.remove = xnb_remove,
	.uevent = xnb_uevent,
	.otherend_changed = xnb_frontend_changed,
	.allow_rebind = true,
};

/**
 * xnb_xenbus_init() - register the vif backend driver
 *
 * Return: 0, or the negative errno of the registration.
 */
int xnb_xenbus_init(void)
{
	return xenbus_register_backend(&xnb_driver);
}

/**
 * xnb_xenbus_exit() - unregister it; every vif is removed first
 */
void xnb_xenbus_exit(void)
{
	xenbus_unregister_driver(&xnb_driver);
}
