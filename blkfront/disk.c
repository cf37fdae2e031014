// SPDX-License-Identifier: GPL-2.0
/*
 * disk.c - the gendisk: its tag set, name, queue limits, size, and the
 * block_device_operations.
 *
 * The disk is created at the first connection and lives until the xenbus
 * device is removed; a resume only changes its limits. Its hardware
 * queues are fixed then (one per ring of that first connection). The
 * xbf_info is the disk's private data and is freed with it (->free_disk),
 * so an ioctl on a descriptor still open after removal finds it.
 *
 * Queue limits: a segment is at most a page and never crosses one, so it
 * is one grant; a request carries at most max_grants of them. Sector
 * sizes and counts on the wire are 512 bytes whatever the block size; the
 * block layer's 512-byte sectors are used as they are.
 */
#include "common.h"

#include <linux/cdrom.h>
#include <linux/hdreg.h>
#include <linux/major.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

static int xbf_getgeo(struct block_device *bdev, struct hd_geometry *geo)
{
	sector_t cylinders = get_capacity(bdev->bd_disk);

	/* No real geometry: one consistent with the size, as Linux's. */
	geo->heads = 0xff;
	geo->sectors = 0x3f;
	sector_div(cylinders, geo->heads * geo->sectors);
	geo->cylinders = min_t(sector_t, cylinders, 0xffff);
	return 0;
}

static int xbf_ioctl(struct block_device *bdev, xpv_blk_mode_t mode,
		     unsigned int cmd, unsigned long arg)
{
	struct xbf_info *info = bdev->bd_disk->private_data;

	switch (cmd) {
	case CDROMMULTISESSION:
		/* No multisession support: all zeros, as Linux answers. */
		if (clear_user((void __user *)arg,
			       sizeof(struct cdrom_multisession)))
			return -EFAULT;
		return 0;
	case CDROM_GET_CAPABILITY:
		return info->vdisk_info & VDISK_CDROM ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

static void xbf_free_disk(struct gendisk *gd)
{
	struct xbf_info *info = gd->private_data;

	xbf_minors_release(&info->minors);
	mutex_destroy(&info->mutex);
	kfree(info);
}

static const struct block_device_operations xbf_fops = {
	.owner = THIS_MODULE,
	.getgeo = xbf_getgeo,
	.ioctl = xbf_ioctl,
	.compat_ioctl = blkdev_compat_ptr_ioctl,
	.free_disk = xbf_free_disk,
};

/* The limits the negotiated features allow; cache settings apart. */
static void xbf_fill_limits(const struct xbf_info *info,
			    struct queue_limits *lim)
{
	lim->logical_block_size = info->sector_size;
	lim->physical_block_size = info->physical_sector_size;
	lim->max_hw_sectors = info->max_grants * XBF_SECTORS_PER_PAGE;
	lim->max_segments = info->max_grants;
	lim->max_segment_size = PAGE_SIZE;
	lim->seg_boundary_mask = PAGE_SIZE - 1;
	/* Every segment a whole number of wire sectors. */
	lim->dma_alignment = SECTOR_SIZE - 1;
	lim->max_hw_discard_sectors = info->discard ? UINT_MAX : 0;
	lim->max_secure_erase_sectors = info->secure_discard ? UINT_MAX : 0;
	lim->discard_granularity = info->discard_granularity ?:
				   info->physical_sector_size;
	lim->discard_alignment = info->discard_alignment;
}

static const char *xbf_flush_name(const struct xbf_info *info)
{
	if (!info->flush)
		return "barrier or flush: disabled";
	if (info->flush_op == BLKIF_OP_WRITE_BARRIER)
		return "barrier: enabled";
	return "flush diskcache: enabled";
}

/**
 * xbf_disk_create() - create the disk at the first connection
 * @info: the vbd; features read, rings started
 * @sectors: its size in 512-byte sectors
 *
 * Return: 0, -ENODEV for a virtual-device number that names no disk,
 * -EBUSY when its minors are taken, or the block layer's errno.
 */
int xbf_disk_create(struct xbf_info *info, sector_t sectors)
{
	struct blk_mq_tag_set *set = &info->tag_set;
	struct queue_limits lim = {};
	struct gendisk *gd;
	struct xbf_vdev v;
	int err;

	err = xbf_vdev_decode(info->vdevice, &v);
	if (err)
		return err;
	err = xbf_minors_reserve(&info->minors, v.minor, v.nr_minors);
	if (err)
		return err;

	memset(set, 0, sizeof(*set));
	set->ops = &xbf_mq_ops;
	set->nr_hw_queues = info->nr_rings;
	set->queue_depth = info->ring_size;
	set->numa_node = NUMA_NO_NODE;
	set->flags = BLK_MQ_F_SHOULD_MERGE;
	set->cmd_size = sizeof(struct xbf_rq);
	set->driver_data = info;
	err = blk_mq_alloc_tag_set(set);
	if (err)
		goto release_minors;

	xbf_fill_limits(info, &lim);
	gd = xpv_blk_mq_alloc_disk(set, &lim, info, info->flush, false);
	if (IS_ERR(gd)) {
		err = PTR_ERR(gd);
		goto free_tag_set;
	}
	xbf_vdev_name(&v, gd->disk_name, DISK_NAME_LEN);
	gd->major = XENVBD_MAJOR;
	gd->first_minor = v.minor;
	gd->minors = v.nr_minors;
	gd->fops = &xbf_fops;
	gd->private_data = info;
	set_capacity(gd, sectors);
	if (info->vdisk_info & VDISK_READONLY)
		set_disk_ro(gd, true);
	if (info->vdisk_info & VDISK_REMOVABLE)
		gd->flags |= GENHD_FL_REMOVABLE;
	info->gd = gd;

	pr_info("%s: %s; persistent grants: %s; indirect descriptors: %s; bounce buffer: %s; %u queue(s) of %u page(s)\n",
		gd->disk_name, xbf_flush_name(info),
		info->persistent ? "enabled" : "disabled",
		info->max_indirect ? "enabled" : "disabled",
		info->bounce ? "enabled" : "disabled",
		info->nr_rings, 1U << info->ring_order);
	return 0;

free_tag_set:
	blk_mq_free_tag_set(set);
release_minors:
	xbf_minors_release(&info->minors);
	return err;
}

/**
 * xbf_disk_add() - make the created disk visible (partitions are read)
 * @info: the vbd, connected
 *
 * On failure the disk is destroyed (@info->gd is NULL again).
 *
 * Return: 0 or the errno of device_add_disk().
 */
int xbf_disk_add(struct xbf_info *info)
{
	int err;

	err = device_add_disk(&info->xbdev->dev, info->gd, NULL);
	if (err) {
		/* Never added: ->free_disk() is not called, info stays. */
		put_disk(info->gd);
		info->gd = NULL;
		blk_mq_free_tag_set(&info->tag_set);
		xbf_minors_release(&info->minors);
	}
	return err;
}

/**
 * xbf_disk_update_limits() - apply a new connection's features to the disk
 * @info: the vbd, its features read again after a resume
 *
 * Return: 0 or the errno of the block layer's validation.
 */
int xbf_disk_update_limits(struct xbf_info *info)
{
	struct request_queue *q = info->gd->queue;
	struct queue_limits lim = xpv_queue_limits_start_update(q);

	xbf_fill_limits(info, &lim);
	return xpv_queue_limits_commit_update(q, &lim, info->flush, false);
}

/**
 * xbf_disk_resize() - follow the backend's "sectors" (online resize)
 * @info: the vbd, connected
 *
 * A backend that resized its device rewrites "sectors" and its state
 * (Connected again), which brings us here.
 */
void xbf_disk_resize(struct xbf_info *info)
{
	unsigned long long sectors;

	if (xenbus_scanf(XBT_NIL, info->xbdev->otherend, "sectors", "%llu",
			 &sectors) != 1 ||
	    sectors == get_capacity(info->gd))
		return;
	pr_info("%s: setting capacity to %llu sectors\n",
		info->gd->disk_name, sectors);
	set_capacity_and_notify(info->gd, sectors);
}

/**
 * xbf_disk_kill() - the backend is going: fail all new I/O on the disk
 * @info: the vbd
 *
 * The disk stays, open or not, until the xenbus device is removed.
 */
void xbf_disk_kill(struct xbf_info *info)
{
	if (!info->gd || info->disk_dead)
		return;
	info->disk_dead = true;
	blk_mark_disk_dead(info->gd);
	set_capacity(info->gd, 0);
}

/**
 * xbf_disk_disable_discard() - the backend refused a discard
 * @info: the vbd; may be called from the interrupt handler
 */
void xbf_disk_disable_discard(struct xbf_info *info)
{
	WRITE_ONCE(info->discard, false);
	WRITE_ONCE(info->secure_discard, false);
	if (!info->gd)
		return;
	blk_queue_disable_discard(info->gd->queue);
	blk_queue_disable_secure_erase(info->gd->queue);
}
