// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs.c - the vbd's attributes under its xenbus device
 * (/sys/bus/xen-backend/devices/vbd-<domid>-<devid>/), with Linux's names
 * and formats, so that xentop and other readers of the in-tree driver's
 * nodes work unchanged:
 *
 *   physical_device   "major:minor" in hex, as the hotplug script wrote it
 *   mode              the toolstack's "mode" ("r" or "w")
 *   statistics/       oo_req rd_req wr_req f_req ds_req rd_sect wr_sect,
 *                     summed over the queues of the current connection
 *                     (zero while disconnected, reset at reconnection, as
 *                     Linux's)
 *
 * and xpv's own counters, for benchmarks, in statistics/ too:
 *
 *   xpv_map_ops, xpv_grants_mapped       grant map hypercalls, grants mapped
 *   xpv_unmap_ops, xpv_grants_unmapped   the same for unmapping
 *   xpv_persistent_grants                persistent grants held now
 *   xpv_persistent_hits, xpv_persistent_misses, xpv_persistent_purged
 *   xpv_notify, xpv_irq                  events sent to, received from the
 *                                        frontend
 *
 * The attributes exist from the opening of the device to the removal of
 * the vbd. A reader takes @be->lock, which keeps the queues from going
 * away under it; remove() deletes the files before it takes that lock
 * (deleting waits for readers).
 */
#include "common.h"

#include <linux/device.h>
#include <linux/kdev_t.h>
#include <linux/stddef.h>
#include <linux/sysfs.h>

static ssize_t physical_device_show(struct device *d,
				    struct device_attribute *attr, char *buf)
{
	struct xbb_backend *be = dev_get_drvdata(d);

	return sysfs_emit(buf, "%x:%x\n", MAJOR(be->vbd.devt),
			  MINOR(be->vbd.devt));
}
static DEVICE_ATTR_RO(physical_device);

static ssize_t mode_show(struct device *d, struct device_attribute *attr,
			 char *buf)
{
	struct xbb_backend *be = dev_get_drvdata(d);

	return sysfs_emit(buf, "%s\n", be->vbd.mode);
}
static DEVICE_ATTR_RO(mode);

static struct attribute *xbb_dev_attrs[] = {
	&dev_attr_physical_device.attr,
	&dev_attr_mode.attr,
	NULL
};

/* A counter: its offset in struct xbb_stats. */
struct xbb_stat_attr {
	struct device_attribute attr;
	size_t offset;
};

static ssize_t xbb_stat_show(struct device *d, struct device_attribute *attr,
			     char *buf)
{
	const struct xbb_stat_attr *sa =
		container_of(attr, struct xbb_stat_attr, attr);
	struct xbb_backend *be = dev_get_drvdata(d);
	unsigned long long sum = 0;
	unsigned int i;

	mutex_lock(&be->lock);
	for (i = 0; i < be->nr_rings; i++) {
		const u64 *v = (const u64 *)((const u8 *)&be->rings[i].st +
					      sa->offset);

		sum += READ_ONCE(*v);
	}
	mutex_unlock(&be->lock);
	return sysfs_emit(buf, "%llu\n", sum);
}

#define XBB_STAT_ATTR(_name, _field)					\
	static struct xbb_stat_attr xbb_stat_##_name = {		\
		.attr = __ATTR(_name, 0444, xbb_stat_show, NULL),	\
		.offset = offsetof(struct xbb_stats, _field),		\
	}

XBB_STAT_ATTR(oo_req, oo_req);
XBB_STAT_ATTR(rd_req, rd_req);
XBB_STAT_ATTR(wr_req, wr_req);
XBB_STAT_ATTR(f_req, f_req);
XBB_STAT_ATTR(ds_req, ds_req);
XBB_STAT_ATTR(rd_sect, rd_sect);
XBB_STAT_ATTR(wr_sect, wr_sect);
XBB_STAT_ATTR(xpv_map_ops, map_ops);
XBB_STAT_ATTR(xpv_grants_mapped, grants_mapped);
XBB_STAT_ATTR(xpv_unmap_ops, unmap_ops);
XBB_STAT_ATTR(xpv_grants_unmapped, grants_unmapped);
XBB_STAT_ATTR(xpv_persistent_hits, pgrant_hits);
XBB_STAT_ATTR(xpv_persistent_misses, pgrant_misses);
XBB_STAT_ATTR(xpv_persistent_purged, pgrant_purged);
XBB_STAT_ATTR(xpv_notify, notify);
XBB_STAT_ATTR(xpv_irq, irq);

/* A gauge, not a counter: the grants the trees hold now. */
static ssize_t xpv_persistent_grants_show(struct device *d,
					  struct device_attribute *attr,
					  char *buf)
{
	struct xbb_backend *be = dev_get_drvdata(d);
	unsigned long long sum = 0;
	unsigned int i;

	mutex_lock(&be->lock);
	for (i = 0; i < be->nr_rings; i++)
		sum += READ_ONCE(be->rings[i].nr_pgrants);
	mutex_unlock(&be->lock);
	return sysfs_emit(buf, "%llu\n", sum);
}
static DEVICE_ATTR_RO(xpv_persistent_grants);

static struct attribute *xbb_stat_attrs[] = {
	&xbb_stat_oo_req.attr.attr,
	&xbb_stat_rd_req.attr.attr,
	&xbb_stat_wr_req.attr.attr,
	&xbb_stat_f_req.attr.attr,
	&xbb_stat_ds_req.attr.attr,
	&xbb_stat_rd_sect.attr.attr,
	&xbb_stat_wr_sect.attr.attr,
	&xbb_stat_xpv_map_ops.attr.attr,
	&xbb_stat_xpv_grants_mapped.attr.attr,
	&xbb_stat_xpv_unmap_ops.attr.attr,
	&xbb_stat_xpv_grants_unmapped.attr.attr,
	&dev_attr_xpv_persistent_grants.attr,
	&xbb_stat_xpv_persistent_hits.attr.attr,
	&xbb_stat_xpv_persistent_misses.attr.attr,
	&xbb_stat_xpv_persistent_purged.attr.attr,
	&xbb_stat_xpv_notify.attr.attr,
	&xbb_stat_xpv_irq.attr.attr,
	NULL
};

static const struct attribute_group xbb_dev_group = {
	.attrs = xbb_dev_attrs,
};

static const struct attribute_group xbb_stat_group = {
	.name = "statistics",
	.attrs = xbb_stat_attrs,
};

static const struct attribute_group *xbb_groups[] = {
	&xbb_dev_group,
	&xbb_stat_group,
	NULL
};

/**
 * xbb_sysfs_add() - create the vbd's attributes
 * @be: the vbd, its device just opened; called in the xenwatch thread
 *
 * Return: 0 (also when they exist already), or a negative errno.
 */
int xbb_sysfs_add(struct xbb_backend *be)
{
	int err;

	if (be->sysfs)
		return 0;
	err = sysfs_create_groups(&be->dev->dev.kobj, xbb_groups);
	if (!err)
		be->sysfs = true;
	return err;
}

/**
 * xbb_sysfs_remove() - delete the vbd's attributes, if they exist
 * @be: the vbd; @be->lock must not be held (deleting waits for readers,
 *	which take it)
 */
void xbb_sysfs_remove(struct xbb_backend *be)
{
	if (!be->sysfs)
		return;
	sysfs_remove_groups(&be->dev->dev.kobj, xbb_groups);
	be->sysfs = false;
}
