// SPDX-License-Identifier: GPL-2.0
/*
 * xenbus.c - xen-blkback's control path: the vbd's xenstore negotiation.
 *
 *   probe      advertise the limits a frontend reads before it sets up
 *              its rings (feature-max-indirect-segments, max-ring-page-order,
 *              multi-queue-max-queues), watch physical-device, InitWait.
 *   physical-device (written by the toolstack's "block" hotplug script as
 *              "major:minor" in hex): open the block device with "mode",
 *              create the sysfs attributes.
 *   frontend Initialised/Connected, once the device is open: map the
 *              rings, start the queues (with persistent grants if the
 *              frontend wrote feature-persistent and feature_persistent
 *              is on), publish the disk (sectors, info, sector sizes,
 *              flush/barrier/discard, feature-persistent) and go
 *              Connected.
 *   frontend Closing/Closed, or removal: stop the queues (their in-flight
 *              I/O drained, every grant unmapped), Closing/Closed, and
 *              unregister the device once the toolstack set online = 0.
 *
 * Every callback runs in the xenwatch thread; @lock serialises them with
 * remove(), which may also come from module unload.
 */
#include "common.h"

#include <linux/err.h>
#include <linux/kdev_t.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <xen/interface/io/protocols.h>

static const struct xpvbus_ring_desc xbb_ring_keys = {
	.ref_key = "ring-ref",
	.order_key = "ring-page-order",
	.max_order = XENBUS_MAX_RING_GRANT_ORDER,
};

/* --- connection --- */

/* Stop every queue. Idempotent; @be->lock held. */
static void xbb_disconnect(struct xbb_backend *be)
{
	unsigned int i;

	for (i = 0; i < be->nr_rings; i++)
		xbb_ring_stop(&be->rings[i]);
	kfree(be->rings);
	be->rings = NULL;
	be->nr_rings = 0;
}

/*
 * The frontend's ring ABI, read at each connection. Without the key the
 * in-tree blkback assumes x86_32 on x86 (the frontends that predate the
 * key were 32-bit guests), though blkif.h says native; a drop-in backend
 * must serve those guests as it did, so the same default here.
 */
static int xbb_read_protocol(struct xbb_backend *be)
{
	struct xenbus_device *dev = be->dev;
	char *str;
	int err = 0;

	be->abi = IS_ENABLED(CONFIG_X86) ? XBB_ABI_X86_32 : XBB_ABI_NATIVE;
	str = xenbus_read(XBT_NIL, dev->otherend, "protocol", NULL);
	if (IS_ERR(str))
		return 0;
	if (!strcmp(str, XEN_IO_PROTO_ABI_NATIVE))
		be->abi = XBB_ABI_NATIVE;
	else if (!strcmp(str, XEN_IO_PROTO_ABI_X86_32))
		be->abi = XBB_ABI_X86_32;
	else if (!strcmp(str, XEN_IO_PROTO_ABI_X86_64))
		be->abi = XBB_ABI_X86_64;
	else
		err = -ENOSYS;
	if (err)
		xenbus_dev_fatal(dev, err, "unknown protocol %.32s", str);
	kfree(str);
	return err;
}

/* Map and start every queue the frontend set up; @be->lock held. */
static int xbb_connect_rings(struct xbb_backend *be)
{
	struct xenbus_device *dev = be->dev;
	struct xpvbus_ring_desc desc = xbb_ring_keys;
	struct xpvbus_ring_layout layout;
	unsigned int i, nr;
	bool persistent;
	int err;

	err = xbb_read_protocol(be);
	if (err)
		return err;
	/* Fixed for this connection: what publish says is what is used. */
	be->persistent_offered = READ_ONCE(xbb_feature_persistent);
	persistent = be->persistent_offered &&
		     xpvbus_read_bool(dev->otherend, "feature-persistent", false);
	err = xpvbus_read_nr_queues(dev, xbb_max_queues, &nr);
	if (err)
		return err;
	desc.max_order = xbb_max_ring_page_order;
	err = xpvbus_read_ring_layout(dev, &desc, &layout);
	if (err)
		return err;

	be->rings = kcalloc(nr, sizeof(*be->rings), GFP_KERNEL);
	if (!be->rings) {
		xenbus_dev_fatal(dev, -ENOMEM, "allocating %u queues", nr);
		return -ENOMEM;
	}
	be->nr_rings = nr;
	for (i = 0; i < nr; i++) {
		struct xbb_ring *ring = &be->rings[i];

		ring->be = be;
		ring->index = i;
		ring->abi = be->abi;
		ring->persistent = persistent;
		init_waitqueue_head(&ring->wq);
		spin_lock_init(&ring->done_lock);
		INIT_LIST_HEAD(&ring->done);
		INIT_LIST_HEAD(&ring->free);
		gnttab_page_cache_init(&ring->cache);
		xbb_pgrant_init(ring);
	}

	for (i = 0; i < nr; i++) {
		char *dir = xpvbus_queue_dir(dev, nr, i);

		if (!dir) {
			xenbus_dev_fatal(dev, -ENOMEM, "queue %u", i);
			return -ENOMEM;
		}
		err = xbb_ring_start(&be->rings[i], dir, &desc, &layout);
		kfree(dir);
		if (err)
			return err;
	}
	pr_info("%s: %u queue(s) of %u page(s), protocol %d%s\n",
		dev->nodename, nr, layout.nr_pages, be->abi,
		be->rings[0].persistent ? ", persistent grants" : "");
	return 0;
}

/* What the frontend needs to know about the disk of @arg, a backend. */
static int xbb_publish(struct xenbus_transaction xbt, void *arg)
{
	struct xbb_backend *be = arg;
	struct xenbus_device *dev = be->dev;
	struct xbb_vbd *vbd = &be->vbd;
	struct block_device *bdev = vbd->bdev;
	unsigned int info;
	int err;

	info = (vbd->cdrom ? VDISK_CDROM : 0) |
	       (vbd->readonly ? VDISK_READONLY : 0) |
	       (bdev->bd_disk->flags & GENHD_FL_REMOVABLE ?
		VDISK_REMOVABLE : 0);
	err = xpvbus_write_bool(xbt, dev, "feature-flush-cache", vbd->flush) ?:
	      xpvbus_write_bool(xbt, dev, "feature-barrier", vbd->flush) ?:
	      xpvbus_write_bool(xbt, dev, "feature-discard", vbd->discard) ?:
	      xpvbus_write_bool(xbt, dev, "feature-persistent",
				be->persistent_offered);
	if (!err && vbd->discard)
		err = xpvbus_write_uint(xbt, dev, "discard-granularity",
					bdev_discard_granularity(bdev)) ?:
		      xpvbus_write_uint(xbt, dev, "discard-alignment",
					bdev_discard_alignment(bdev)) ?:
		      xpvbus_write_bool(xbt, dev, "discard-secure",
					vbd->secure_discard);
	return err ?:
	       xpvbus_write_uint(xbt, dev, "sectors", xbb_vbd_sectors(vbd)) ?:
	       xpvbus_write_uint(xbt, dev, "info", info) ?:
	       xpvbus_write_uint(xbt, dev, "sector-size",
				 bdev_logical_block_size(bdev)) ?:
	       xpvbus_write_uint(xbt, dev, "physical-sector-size",
				 bdev_physical_block_size(bdev));
}

/*
 * Connect once both halves are there: the device (hotplug script) and the
 * frontend's rings (Initialised or Connected). @be->lock held.
 */
static void xbb_try_connect(struct xbb_backend *be)
{
	struct xenbus_device *dev = be->dev;

	if (!be->vbd.bdev || be->rings || dev->state == XPVBUS_CONNECTED)
		return;
	if (be->frontend_state != XPVBUS_INITIALISED &&
	    be->frontend_state != XPVBUS_CONNECTED)
		return;

	/* No kthread runs yet: a resize while disconnected is caught here. */
	WRITE_ONCE(be->vbd.sectors, bdev_nr_sectors(be->vbd.bdev));
	if (xbb_connect_rings(be) || xpvbus_transaction(dev, xbb_publish, be) ||
	    xpvbus_set_state(dev, XPVBUS_CONNECTED))
		xbb_disconnect(be);
}

/* --- xenbus callbacks --- */

static void xbb_physical_device_changed(struct xpvbus_watch *w)
{
	struct xbb_backend *be = container_of(w, struct xbb_backend,
					      phys_watch);
	struct xenbus_device *dev = be->dev;
	unsigned int major, minor;
	dev_t devt;
	int err;

	err = xenbus_scanf(XBT_NIL, dev->nodename, "physical-device", "%x:%x",
			   &major, &minor);
	if (XENBUS_EXIST_ERR(err))
		return;		/* the hotplug script has not run yet */
	devt = MKDEV(major, minor);
	if (err != 2 || MAJOR(devt) != major || MINOR(devt) != minor) {
		xenbus_dev_fatal(dev, err < 0 ? err : -EINVAL,
				 "reading physical-device");
		return;
	}

	mutex_lock(&be->lock);
	if (be->vbd.bdev) {
		if (be->vbd.devt != devt)
			pr_warn("%s: changing physical device (%u:%u to %u:%u) not supported\n",
				dev->nodename, MAJOR(be->vbd.devt),
				MINOR(be->vbd.devt), major, minor);
	} else if (!xbb_vbd_open(be, devt)) {
		err = xbb_sysfs_add(be);
		if (err)
			dev_warn(&dev->dev, "creating sysfs attributes: %d\n",
				 err);
		xbb_try_connect(be);
	}
	mutex_unlock(&be->lock);
}

static void xbb_frontend_changed(struct xenbus_device *dev,
				 enum xenbus_state state)
{
	struct xbb_backend *be = dev_get_drvdata(&dev->dev);

	dev_dbg(&dev->dev, "frontend %s\n", xenbus_strstate(state));
	mutex_lock(&be->lock);
	be->frontend_state = state;
	switch (state) {
	case XPVBUS_INITIALISING:
		/* A frontend coming back after Closed. */
		if (dev->state == XPVBUS_CLOSED)
			xpvbus_set_state(dev, XPVBUS_INITWAIT);
		break;
	case XPVBUS_INITIALISED:
	case XPVBUS_CONNECTED:
		if (dev->state == XPVBUS_CONNECTED)
			break;
		/* Rings of an earlier connection go first. */
		xbb_disconnect(be);
		xbb_try_connect(be);
		break;
	case XPVBUS_CLOSING:
		xbb_disconnect(be);
		xpvbus_set_state(dev, XPVBUS_CLOSING);
		break;
	case XPVBUS_CLOSED:
		xbb_disconnect(be);
		mutex_unlock(&be->lock);
		/* May unregister the device: remove() takes the lock. */
		xpvbus_backend_closed(dev);
		return;
	case XPVBUS_UNKNOWN:
		/* The frontend's directory is gone (the domain died). */
		xbb_disconnect(be);
		mutex_unlock(&be->lock);
		device_unregister(&dev->dev);
		return;
	default:
		xenbus_dev_fatal(dev, -EINVAL, "frontend in state %d", state);
		break;
	}
	mutex_unlock(&be->lock);
}

static void xbb_remove(struct xenbus_device *dev)
{
	struct xbb_backend *be = dev_get_drvdata(&dev->dev);

	if (!be)
		return;
	xpvbus_unwatch(&be->phys_watch);
	/* Before the lock: deleting waits for readers, which take it. */
	xbb_sysfs_remove(be);
	mutex_lock(&be->lock);
	xbb_disconnect(be);
	xbb_vbd_close(&be->vbd);
	mutex_unlock(&be->lock);
	dev_set_drvdata(&dev->dev, NULL);
	kfree(be);
}

/* What a frontend reads before it sets up its rings. */
static void xbb_advertise_limits(struct xenbus_device *dev)
{
	int err = 0;

	if (xbb_max_indirect_segments)
		err = xpvbus_write_uint(XBT_NIL, dev,
					"feature-max-indirect-segments",
					xbb_max_segs());
	err = err ?: xpvbus_write_uint(XBT_NIL, dev, "max-ring-page-order",
				       xbb_max_ring_page_order) ?:
	      xpvbus_write_uint(XBT_NIL, dev, "multi-queue-max-queues",
				xbb_max_queues);
	if (err)
		dev_warn(&dev->dev, "advertising limits: %d\n", err);
}

static int xbb_probe(struct xenbus_device *dev,
		     const struct xenbus_device_id *id)
{
	struct xbb_backend *be;
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

	xbb_advertise_limits(dev);

	err = xpvbus_watch(dev, &be->phys_watch, dev->nodename,
			   "physical-device", xbb_physical_device_changed);
	if (err)
		goto fail;
	err = xpvbus_set_state(dev, XPVBUS_INITWAIT);
	if (err)
		goto fail;
	return 0;

fail:
	xbb_remove(dev);
	return err;
}

static const struct xenbus_device_id xbb_ids[] = {
	{ "vbd" },
	{ "" }
};

static struct xenbus_driver xbb_driver = {
	.ids = xbb_ids,
	.probe = xbb_probe,
	.remove = xbb_remove,
	.otherend_changed = xbb_frontend_changed,
	.allow_rebind = true,
};

/**
 * xbb_xenbus_init() - register the vbd backend driver
 *
 * Return: 0, or the negative errno of the registration.
 */
int xbb_xenbus_init(void)
{
	return xenbus_register_backend(&xbb_driver);
}

/**
 * xbb_xenbus_exit() - unregister it; every vbd is removed first
 */
void xbb_xenbus_exit(void)
{
	xenbus_unregister_driver(&xbb_driver);
}
