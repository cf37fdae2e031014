// SPDX-License-Identifier: GPL-2.0
/*
 * xenbus.c - xen-netback's control path: the vif's xenstore negotiation.
 *
 *   probe      advertise the features a frontend reads before it sets up
 *              its rings, create the netdev vif<domid>.<handle> (libxl's
 *              vif-bridge script looks for it once we are in InitWait),
 *              watch hotplug-status, InitWait.
 *   frontend Initialised/Connected: read what it asked for, map its
 *              rings, bind its channels, start the queues; the state goes
 *              Connected only once hotplug-status says "connected"
 *              (libxl writes it empty to make us wait for the script).
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
 * @connected: the queues are set up (the state may still wait for the
 *	hotplug script)
 * @hotplug_watch: on hotplug-status
 * @rate_watch: on the backend's rate key, while connected
 * @mcast_watch: on the frontend's request-multicast-control, while
 *	connected
 */
struct xnb_backend {
	struct xenbus_device *dev;
	struct mutex lock;		/* connect/disconnect, watches */
	struct xnb_vif *vif;
	char *script;
	enum xenbus_state frontend_state;
	bool connected;
	struct xpvbus_watch hotplug_watch;
	struct xpvbus_watch rate_watch;
	struct xpvbus_watch mcast_watch;
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

/* Connected once both the queues and the hotplug script are; lock held. */
static void xnb_publish_connected(struct xnb_backend *be)
{
	struct xenbus_device *dev = be->dev;

	if (!be->connected || dev->state == XPVBUS_CONNECTED)
		return;
	if (!xpvbus_hotplug_connected(dev))
		return;		/* the hotplug watch calls again */
	xpvbus_set_state(dev, XPVBUS_CONNECTED);
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

/* Stop the queues. Idempotent; @be->lock held. */
static void xnb_disconnect(struct xnb_backend *be)
{
	xpvbus_unwatch(&be->rate_watch);
	xpvbus_unwatch(&be->mcast_watch);
	if (!be->connected)
		return;
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
	be->connected = true;

	err = xpvbus_watch(dev, &be->rate_watch, dev->nodename, "rate",
			   xnb_rate_changed);
	if (!err)
		err = xpvbus_watch(dev, &be->mcast_watch, dev->otherend,
				   "request-multicast-control",
				   xnb_mcast_changed);
	if (err)
		dev_warn(&dev->dev, "watching rate/multicast control: %d\n",
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
		break;
	case XPVBUS_RECONFIGURING:
		/* Only for feature-xdp-headroom, which we do not offer. */
		dev_warn(&dev->dev, "frontend reconfiguring: not supported\n");
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
