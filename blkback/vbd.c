// SPDX-License-Identifier: GPL-2.0
/*
 * vbd.c - the block device behind a vbd: opened once the hotplug script
 * names it in physical-device, closed at removal, and watched for online
 * resize.
 *
 * Resize follows Linux's xen_vbd_resize(): the kthread compares the
 * device's size with the one published on each wakeup; on a change it
 * writes the new "sectors" and writes the backend's "state" (Connected)
 * again. That rewrite fires the frontend's watch on the backend state, and
 * a connected blkfront answers it by rereading "sectors" and resizing its
 * disk. Only queue 0's kthread checks, so there is one writer.
 */
#include "common.h"

#include <linux/err.h>
#include <linux/kdev_t.h>
#include <linux/slab.h>
#include <linux/string.h>

/**
 * xbb_vbd_open() - open the block device physical-device names
 * @be: the vbd, whose device is not open yet
 * @devt: the device number
 *
 * Reads "mode" (writable when it contains 'w') and the frontend's
 * "device-type"; the failure is reported in xenstore.
 *
 * Return: 0, or a negative errno.
 */
int xbb_vbd_open(struct xbb_backend *be, dev_t devt)
{
	struct xenbus_device *dev = be->dev;
	struct xbb_vbd *vbd = &be->vbd;
	struct xpv_bdev_handle *handle;
	struct block_device *bdev;
	bool write, cdrom = false;
	char *str;
	int err;

	str = xenbus_read(XBT_NIL, dev->nodename, "mode", NULL);
	if (IS_ERR(str)) {
		xenbus_dev_fatal(dev, PTR_ERR(str), "reading mode");
		return PTR_ERR(str);
	}
	write = strchr(str, 'w');
	strscpy(vbd->mode, str, sizeof(vbd->mode));
	kfree(str);

	str = xenbus_read(XBT_NIL, dev->otherend, "device-type", NULL);
	if (!IS_ERR(str)) {
		cdrom = !strcmp(str, "cdrom");
		kfree(str);
	}

	handle = xpv_bdev_open(devt, write);
	if (IS_ERR(handle)) {
		err = PTR_ERR(handle);
		xenbus_dev_fatal(dev, err, "opening device %u:%u",
				 MAJOR(devt), MINOR(devt));
		return err;
	}
	bdev = xpv_bdev_get(handle);

	vbd->handle = handle;
	vbd->bdev = bdev;
	vbd->devt = devt;
	vbd->readonly = !write;
	vbd->cdrom = cdrom;
	vbd->sectors = bdev_nr_sectors(bdev);
	vbd->flush = bdev_write_cache(bdev);
	vbd->discard = write && bdev_max_discard_sectors(bdev) &&
		       xpvbus_read_bool(dev->nodename, "discard-enable", true);
	vbd->secure_discard = vbd->discard &&
			      bdev_max_secure_erase_sectors(bdev);
	pr_debug("%s: %u:%u, %llu sectors, %s\n", dev->nodename, MAJOR(devt),
		 MINOR(devt), (unsigned long long)vbd->sectors,
		 write ? "rw" : "ro");
	return 0;
}

/**
 * xbb_vbd_close() - close the block device, if open
 * @vbd: the vbd's device; no queue may be running
 */
void xbb_vbd_close(struct xbb_vbd *vbd)
{
	if (!vbd->bdev)
		return;
	xpv_bdev_close(vbd->handle, !vbd->readonly);
	vbd->handle = NULL;
	vbd->bdev = NULL;
}

/* Bounded: each retry means xenstore saw a conflicting write. */
#define XBB_RESIZE_TRIES	8

/*
 * Publish @sectors and, if the backend is Connected, rewrite its state.
 * The state is read inside the transaction so that a concurrent move away
 * from Connected makes the transaction retry, never gets undone.
 */
static int xbb_vbd_publish_size(struct xenbus_device *dev, sector_t sectors)
{
	struct xenbus_transaction xbt;
	unsigned int tries;
	int err, state;

	for (tries = 0; tries < XBB_RESIZE_TRIES; tries++) {
		err = xenbus_transaction_start(&xbt);
		if (err)
			return err;
		err = xpvbus_write_uint(xbt, dev, "sectors", sectors);
		if (!err && xenbus_scanf(xbt, dev->nodename, "state", "%d",
					 &state) == 1 &&
		    state == XPVBUS_CONNECTED)
			err = xenbus_printf(xbt, dev->nodename, "state", "%d",
					    state);
		if (err) {
			xenbus_transaction_end(xbt, 1);
			return err;
		}
		err = xenbus_transaction_end(xbt, 0);
		if (err != -EAGAIN)
			return err;
	}
	return -EAGAIN;
}

/**
 * xbb_vbd_check_resize() - follow a change of the device's size
 * @be: the vbd, with its device open; called by queue 0's kthread only
 *
 * Requests are checked against the new size at once; the frontend learns
 * it from xenstore.
 */
void xbb_vbd_check_resize(struct xbb_backend *be)
{
	struct xbb_vbd *vbd = &be->vbd;
	sector_t now = bdev_nr_sectors(vbd->bdev);
	int err;

	if (likely(now == xbb_vbd_sectors(vbd)))
		return;
	WRITE_ONCE(vbd->sectors, now);
	pr_info("VBD Resize: domain %d, device %u:%u\n", be->dev->otherend_id,
		MAJOR(vbd->devt), MINOR(vbd->devt));
	pr_info("VBD Resize: new size %llu\n", (unsigned long long)now);
	err = xbb_vbd_publish_size(be->dev, now);
	if (err)
		pr_warn("%s: publishing the new size: %d\n", be->dev->nodename,
			err);
}
