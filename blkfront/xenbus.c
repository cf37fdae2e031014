// SPDX-License-Identifier: GPL-2.0
/*
 * xenbus.c - xen-blkfront's control path: the vbd's xenstore negotiation.
 *
 *   probe           read virtual-device; nothing is offered yet.
 *   backend InitWait (its limits are written by then): allocate the rings
 *                   and event channels and offer them in one transaction
 *                   (ring-ref*, ring-page-order, event-channel, per queue
 *                   when several, multi-queue-num-queues, protocol,
 *                   feature-persistent); Initialised.
 *   backend Connected: read the disk (sectors, info, sector-size,
 *                   physical-sector-size) and the features, set up the
 *                   slots, create the disk, Connected, add the disk.
 *                   Connected again later: the backend resized the disk.
 *   backend Closing/Closed: the disk is marked dead (new I/O fails; what
 *                   is in flight is still answered), Closed. The disk
 *                   stays, open or not, until the device is removed - as
 *                   Linux's blkfront since 5.18 (no waiting for the last
 *                   close).
 *   resume          (after migration or restore): the disk's queue is
 *                   quiesced, the requests in flight taken back, the rings
 *                   freed and new ones offered; at Connected the limits
 *                   are updated and the requests requeued.
 *   remove          the disk is deleted (I/O in flight drains through a
 *                   live backend, or is failed), the rings freed.
 *
 * Every callback runs under @mutex.
 */
#include "common.h"

#include <linux/log2.h>
#include <linux/major.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <xen/interface/io/protocols.h>
#include <xen/platform_pci.h>
#include <xen/xen.h>

/* --- reading the backend --- */

static int xbf_read_disk(struct xbf_info *info, sector_t *sectors)
{
	struct xenbus_device *dev = info->xbdev;
	unsigned int vinfo, ss, pss;
	unsigned long long s;
	int err;

	err = xenbus_gather(XBT_NIL, dev->otherend, "sectors", "%llu", &s,
			    "info", "%u", &vinfo, "sector-size", "%u", &ss,
			    NULL);
	if (err) {
		xenbus_dev_fatal(dev, err, "reading %s/{sectors,info,sector-size}",
				 dev->otherend);
		return err;
	}
	if (ss < SECTOR_SIZE || ss > PAGE_SIZE || !is_power_of_2(ss)) {
		xenbus_dev_fatal(dev, -EINVAL, "sector-size %u not supported",
				 ss);
		return -EINVAL;
	}
	/* Absent from old backends: the logical size, then. */
	if (xpvbus_read_uint(dev->otherend, "physical-sector-size", UINT_MAX,
			     &pss) || pss < ss || !is_power_of_2(pss))
		pss = ss;
	*sectors = s;
	info->vdisk_info = vinfo;
	info->sector_size = ss;
	info->physical_sector_size = pss;
	return 0;
}

/* The features of this connection; bounded by the module's parameters. */
static void xbf_read_features(struct xbf_info *info)
{
	const char *be = info->xbdev->otherend;
	bool flush_cache, barrier;
	unsigned int v;

	/* A barrier is a superset of a flush: sent empty, it is one. */
	flush_cache = xpvbus_read_bool(be, "feature-flush-cache", false);
	barrier = xpvbus_read_bool(be, "feature-barrier", false);
	info->flush = flush_cache || barrier;
	info->flush_op = flush_cache ? BLKIF_OP_FLUSH_DISKCACHE :
				       BLKIF_OP_WRITE_BARRIER;

	info->discard = xpvbus_read_bool(be, "feature-discard", false);
	info->secure_discard = info->discard &&
			       xpvbus_read_bool(be, "discard-secure", false);
	info->discard_granularity = 0;
	info->discard_alignment = 0;
	if (info->discard) {
		if (!xpvbus_read_uint(be, "discard-granularity", UINT_MAX, &v) &&
		    !(v % SECTOR_SIZE))
			info->discard_granularity = v;
		if (!xpvbus_read_uint(be, "discard-alignment", UINT_MAX, &v) &&
		    !(v % SECTOR_SIZE) && v < info->discard_granularity)
			info->discard_alignment = v;
	}

	info->persistent = info->persistent_parm &&
			   xpvbus_read_bool(be, "feature-persistent", false);
	/* Persistent grants are the slots' own pages: data bounces. */
	if (info->persistent)
		info->bounce = true;

	v = 0;
	xpvbus_read_uint(be, "feature-max-indirect-segments", UINT_MAX, &v);
	v = min(v, xbf_max_indirect_segments);
	info->max_indirect = v > BLKIF_MAX_SEGMENTS_PER_REQUEST ? v : 0;
	info->max_grants = info->max_indirect ?: BLKIF_MAX_SEGMENTS_PER_REQUEST;
}

/* --- offering rings --- */

static int xbf_publish(struct xenbus_transaction xbt, void *arg)
{
	struct xbf_info *info = arg;
	struct xenbus_device *dev = info->xbdev;

	return xbf_rings_publish(xbt, info) ?:
	       xenbus_printf(xbt, dev->nodename, "protocol", "%s",
			     XEN_IO_PROTO_ABI_NATIVE) ?:
	       xpvbus_write_bool(xbt, dev, "feature-persistent",
				 info->persistent_parm);
}

/* Offer rings to the backend (InitWait seen, or resumed); Initialised. */
static int xbf_talk(struct xbf_info *info)
{
	struct xenbus_device *dev = info->xbdev;
	unsigned int max_queues = xbf_max_queues;
	int err;

	/* The disk's hardware queues are fixed: more rings would idle. */
	if (info->gd)
		max_queues = min(max_queues, info->tag_set.nr_hw_queues);
	/* XSA-403: bounce unless both the toolstack and the admin trust. */
	info->bounce = !READ_ONCE(xbf_trusted) ||
		       !xpvbus_read_bool(dev->nodename, "trusted", true);
	/* Read once: what is advertised is what is used. */
	info->persistent_parm = READ_ONCE(xbf_feature_persistent);
	/*
	 * New rings, maybe a new backend (resume): the old one's errors no
	 * longer apply. Its rings are stopped, so neither its interrupt nor
	 * the broken work runs any more.
	 */
	clear_bit(XBF_BROKEN, &info->flags);

	err = xbf_rings_alloc(info, max_queues);
	if (!err)
		err = xpvbus_transaction(dev, xbf_publish, info);
	if (err) {
		xbf_rings_stop(info);
		xbf_rings_free(info);
		return err;
	}
	xenbus_switch_state(dev, XPVBUS_INITIALISED);
	return 0;
}

/* --- connecting --- */

/* Fail the requests taken back at resume; let the queue run again. */
static void xbf_fail_requeued(struct xbf_info *info)
{
	struct request *rq, *n;

	list_for_each_entry_safe(rq, n, &info->requeue, queuelist) {
		list_del_init(&rq->queuelist);
		blk_mq_end_request(rq, BLK_STS_IOERR);
	}
	if (info->quiesced) {
		blk_mq_unquiesce_queue(info->gd->queue);
		info->quiesced = false;
	}
}

static void xbf_start_purge(struct xbf_info *info)
{
	if (info->persistent)
		schedule_delayed_work(&info->purge_work, XBF_PURGE_INTERVAL);
}

/* The backend is connected again after a resume. */
static void xbf_recover(struct xbf_info *info)
{
	struct xenbus_device *dev = info->xbdev;
	struct request *rq, *n;
	int err;

	xbf_read_features(info);
	err = xbf_rings_start(info);
	if (!err)
		err = xbf_disk_update_limits(info);
	if (err) {
		xenbus_dev_fatal(dev, err, "reconnecting");
		WRITE_ONCE(info->state, XBF_CLOSING);
		xbf_fail_requeued(info);
		xbf_kick_all(info);
		return;
	}
	xenbus_switch_state(dev, XPVBUS_CONNECTED);
	WRITE_ONCE(info->state, XBF_CONNECTED);

	/* A request too large for this backend is split in queue_rq. */
	list_for_each_entry_safe(rq, n, &info->requeue, queuelist) {
		list_del_init(&rq->queuelist);
		blk_mq_requeue_request(rq, false);
	}
	blk_mq_unquiesce_queue(info->gd->queue);
	info->quiesced = false;
	xbf_kick_all(info);
	blk_mq_kick_requeue_list(info->gd->queue);
	xbf_disk_resize(info);
	xbf_start_purge(info);
}

/* The backend is Connected: the first time, create the disk. */
static void xbf_connect(struct xbf_info *info)
{
	struct xenbus_device *dev = info->xbdev;
	sector_t sectors;
	int err;

	switch (info->state) {
	case XBF_CONNECTED:
		xbf_disk_resize(info);
		return;
	case XBF_SUSPENDED:
		if (info->rings)
			xbf_recover(info);
		return;
	case XBF_CLOSING:
		return;
	case XBF_DISCONNECTED:
		break;
	}
	if (!info->rings)
		return;		/* offering them failed (reported) */

	err = xbf_read_disk(info, &sectors);
	if (err)
		goto fail;
	xbf_read_features(info);
	err = xbf_rings_start(info);
	if (err) {
		xenbus_dev_fatal(dev, err, "setting up %u queue(s)",
				 info->nr_rings);
		goto fail;
	}
	err = xbf_disk_create(info, sectors);
	if (err) {
		xenbus_dev_fatal(dev, err, "creating the disk (virtual-device %#x)",
				 info->vdevice);
		goto fail;
	}
	xenbus_switch_state(dev, XPVBUS_CONNECTED);
	WRITE_ONCE(info->state, XBF_CONNECTED);
	/* Reads the partition table: the rings must be up. */
	err = xbf_disk_add(info);
	if (err) {
		WRITE_ONCE(info->state, XBF_DISCONNECTED);
		xenbus_dev_fatal(dev, err, "adding the disk");
		goto fail;
	}
	WRITE_ONCE(info->is_ready, true);
	xbf_start_purge(info);
	return;

fail:
	xbf_rings_stop(info);
	xbf_rings_abort(info, XBF_ABORT_REMOVE);
	xbf_rings_free(info);
}

/* The backend is going away. */
static void xbf_closing(struct xbf_info *info)
{
	struct xenbus_device *dev = info->xbdev;

	if (dev->state == XPVBUS_CLOSED)
		return;
	WRITE_ONCE(info->state, XBF_CLOSING);
	xbf_disk_kill(info);
	xbf_fail_requeued(info);
	/* Requests waiting for room reach queue_rq, which fails them. */
	xbf_kick_all(info);
	xenbus_frontend_closed(dev);
}

/* --- xenbus callbacks --- */

static void xbf_backend_changed(struct xenbus_device *dev,
				enum xenbus_state state)
{
	struct xbf_info *info = dev_get_drvdata(&dev->dev);

	dev_dbg(&dev->dev, "backend %s\n", xenbus_strstate(state));
	mutex_lock(&info->mutex);
	switch (state) {
	case XPVBUS_INITWAIT:
		if (dev->state == XPVBUS_INITIALISING)
			xbf_talk(info);
		break;
	case XPVBUS_CONNECTED:
		/* A backend may skip InitWait. */
		if (dev->state == XPVBUS_INITIALISING && xbf_talk(info))
			break;
		if (dev->state == XPVBUS_INITIALISED ||
		    dev->state == XPVBUS_CONNECTED)
			xbf_connect(info);
		break;
	case XPVBUS_CLOSED:
		if (dev->state == XPVBUS_CLOSED)
			break;
		fallthrough;
	case XPVBUS_CLOSING:
		xbf_closing(info);
		break;
	default:
		break;
	}
	mutex_unlock(&info->mutex);
}

/*
 * Suspend/resume (migration, save/restore): the old rings mean nothing to
 * the new backend. Requests in flight are taken back and requeued once it
 * is connected; until then the queue is quiesced, so no queue_rq runs
 * while the rings are swapped.
 */
static int xbf_resume(struct xenbus_device *dev)
{
	struct xbf_info *info = dev_get_drvdata(&dev->dev);
	int err = 0;

	dev_dbg(&dev->dev, "resuming\n");
	mutex_lock(&info->mutex);
	/*
	 * Whatever the state, queue_rq and commit_rqs may be reading the
	 * rings about to be freed: quiesce waits them out.
	 */
	if (info->gd && !info->quiesced) {
		blk_mq_quiesce_queue(info->gd->queue);
		info->quiesced = true;
	}
	if (info->state == XBF_CONNECTED)
		WRITE_ONCE(info->state, XBF_SUSPENDED);
	xbf_rings_stop(info);
	xbf_rings_abort(info, info->state == XBF_SUSPENDED ?
			XBF_ABORT_RESUME : XBF_ABORT_REMOVE);
	xbf_rings_free(info);
	/* Only a suspended disk waits for xbf_recover() to run again. */
	if (info->state != XBF_SUSPENDED && info->quiesced) {
		blk_mq_unquiesce_queue(info->gd->queue);
		info->quiesced = false;
	}
	if (info->state != XBF_CLOSING)
		err = xbf_talk(info);
	mutex_unlock(&info->mutex);
	return err;
}

/* Whether requests in flight will still be answered. */
static bool xbf_backend_alive(struct xbf_info *info)
{
	return info->state == XBF_CONNECTED && !xbf_broken(info) &&
	       xenbus_read_driver_state(info->xbdev->otherend) ==
	       XPVBUS_CONNECTED;
}

static void xbf_remove(struct xenbus_device *dev)
{
	struct xbf_info *info = dev_get_drvdata(&dev->dev);
	struct gendisk *gd;

	dev_dbg(&dev->dev, "%s removed\n", dev->nodename);
	xbf_stats_remove(info);
	mutex_lock(&info->mutex);
	gd = info->gd;
	if (gd && !xbf_backend_alive(info)) {
		/* Nothing will answer: fail it, or del_gendisk() waits. */
		WRITE_ONCE(info->state, XBF_CLOSING);
		xbf_rings_stop(info);
		xbf_rings_abort(info, XBF_ABORT_REMOVE);
		xbf_fail_requeued(info);
		xbf_kick_all(info);
	}
	if (gd)
		del_gendisk(gd);
	WRITE_ONCE(info->state, XBF_CLOSING);
	xbf_rings_stop(info);
	xbf_rings_abort(info, XBF_ABORT_REMOVE);
	xbf_rings_free(info);
	flush_work(&info->resubmit_work);
	if (gd)
		blk_mq_free_tag_set(&info->tag_set);
	dev_set_drvdata(&dev->dev, NULL);
	mutex_unlock(&info->mutex);
	if (gd)
		put_disk(gd);	/* info goes with the disk's last reference */
	else
		kfree(info);
}

static int xbf_probe(struct xenbus_device *dev,
		     const struct xenbus_device_id *id)
{
	struct xbf_info *info;
	unsigned int handle;
	const char *p;
	int vdevice, err;

	/* The extended number, for disks beyond xvd's 16 and sd's 256. */
	err = xenbus_scanf(XBT_NIL, dev->nodename, "virtual-device", "%i",
			   &vdevice);
	if (err != 1)
		err = xenbus_scanf(XBT_NIL, dev->nodename,
				   "virtual-device-ext", "%i", &vdevice);
	if (err != 1) {
		err = err < 0 ? err : -EINVAL;
		xenbus_dev_fatal(dev, err, "reading virtual-device");
		return err;
	}

	if (xen_hvm_domain()) {
		char *type;
		bool cdrom;

		/* Emulated disks not unplugged: take only xvd numbers. */
		if (xen_has_pv_and_legacy_disk_devices() &&
		    !(vdevice >> 28) && vdevice >> 8 != XENVBD_MAJOR) {
			pr_info("HVM does not support vbd %d as xen block device\n",
				vdevice);
			return -ENODEV;
		}
		/* An HVM guest's CD-ROM is the emulated one. */
		type = xenbus_read(XBT_NIL, dev->nodename, "device-type", NULL);
		if (IS_ERR(type))
			return -ENODEV;
		cdrom = !strncmp(type, "cdrom", 5);
		kfree(type);
		if (cdrom)
			return -ENODEV;
	}

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info) {
		xenbus_dev_fatal(dev, -ENOMEM, "allocating info structure");
		return -ENOMEM;
	}
	info->xbdev = dev;
	mutex_init(&info->mutex);
	info->state = XBF_DISCONNECTED;
	info->vdevice = vdevice;
	/* The device directory's name is its id, as Linux's uses. */
	p = strrchr(dev->nodename, '/');
	if (p && !kstrtouint(p + 1, 0, &handle))
		info->handle = handle;
	INIT_LIST_HEAD(&info->requeue);
	spin_lock_init(&info->resubmit_lock);
	bio_list_init(&info->resubmit);
	INIT_WORK(&info->resubmit_work, xbf_resubmit_work);
	INIT_WORK(&info->broken_work, xbf_broken_work);
	INIT_DELAYED_WORK(&info->purge_work, xbf_purge_work);
	dev_set_drvdata(&dev->dev, info);

	err = xbf_stats_add(info);
	if (err) {
		dev_set_drvdata(&dev->dev, NULL);
		mutex_destroy(&info->mutex);
		kfree(info);
		return err;
	}
	return 0;
}

/* xenbus waits at boot until every vbd is ready. */
static int xbf_is_ready(struct xenbus_device *dev)
{
	struct xbf_info *info = dev_get_drvdata(&dev->dev);

	return info && READ_ONCE(info->is_ready);
}

static const struct xenbus_device_id xbf_ids[] = {
	{ "vbd" },
	{ "" }
};

static struct xenbus_driver xbf_driver = {
	.ids = xbf_ids,
	.probe = xbf_probe,
	.remove = xbf_remove,
	.resume = xbf_resume,
	.otherend_changed = xbf_backend_changed,
	.is_ready = xbf_is_ready,
};

/**
 * xbf_xenbus_init() - register the vbd frontend driver
 *
 * Return: 0, or the negative errno of the registration.
 */
int xbf_xenbus_init(void)
{
	return xenbus_register_frontend(&xbf_driver);
}

/**
 * xbf_xenbus_exit() - unregister it; every vbd is removed first
 */
void xbf_xenbus_exit(void)
{
	xenbus_unregister_driver(&xbf_driver);
}
