// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - counters for benchmarks, in sysfs beside the xenbus device's
 * own attributes, one value per file:
 *
 *   /sys/bus/xen/devices/vbd-<devid>/statistics/xpv_<counter>
 *
 * Each ring counts under its lock; a read sums the live rings and those of
 * earlier connections, so the counters only grow for the device's life
 * (they start at 0 at probe). The blkback beside it names its own
 * counters the same way.
 */
#include "common.h"

#include <linux/device.h>
#include <linux/sysfs.h>

/**
 * xbf_stats_retire() - keep the counts of a ring being freed
 * @info: the vbd, @mutex held
 * @ring: its ring
 */
void xbf_stats_retire(struct xbf_info *info, struct xbf_ring *ring)
{
	unsigned int i;

	for (i = 0; i < XBF_STAT_NR; i++)
		info->retired[i] += ring->stats[i];
}

static ssize_t xbf_stat_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct dev_ext_attribute *ea = container_of(attr,
						    struct dev_ext_attribute,
						    attr);
	unsigned long stat = (unsigned long)ea->var;
	struct xbf_info *info = dev_get_drvdata(dev);
	unsigned int i;
	u64 sum;

	mutex_lock(&info->mutex);
	sum = info->retired[stat];
	for (i = 0; i < info->nr_rings; i++)
		sum += READ_ONCE(info->rings[i].stats[stat]);
	mutex_unlock(&info->mutex);
	return sysfs_emit(buf, "%llu\n", sum);
}

#define XBF_STAT_ATTR(_name, _stat)					\
	static struct dev_ext_attribute xbf_attr_##_name = {		\
		__ATTR(xpv_##_name, 0444, xbf_stat_show, NULL),		\
		(void *)(_stat)						\
	}

XBF_STAT_ATTR(requests, XBF_STAT_REQUESTS);
XBF_STAT_ATTR(segments, XBF_STAT_SEGMENTS);
XBF_STAT_ATTR(indirect_requests, XBF_STAT_INDIRECT);
XBF_STAT_ATTR(grant_ops, XBF_STAT_GRANTS);
XBF_STAT_ATTR(ungrant_ops, XBF_STAT_UNGRANTS);
XBF_STAT_ATTR(persistent_hits, XBF_STAT_PERSISTENT_HITS);
XBF_STAT_ATTR(deferred_ungrants, XBF_STAT_DEFERRED);
XBF_STAT_ATTR(notify, XBF_STAT_NOTIFY);
XBF_STAT_ATTR(irq, XBF_STAT_IRQ);
XBF_STAT_ATTR(spurious_irq, XBF_STAT_SPURIOUS);
XBF_STAT_ATTR(responses, XBF_STAT_RESPONSES);
XBF_STAT_ATTR(busy, XBF_STAT_BUSY);
XBF_STAT_ATTR(copied_bytes, XBF_STAT_COPIED);

static struct attribute *xbf_stats_attrs[] = {
	&xbf_attr_requests.attr.attr,
	&xbf_attr_segments.attr.attr,
	&xbf_attr_indirect_requests.attr.attr,
	&xbf_attr_grant_ops.attr.attr,
	&xbf_attr_ungrant_ops.attr.attr,
	&xbf_attr_persistent_hits.attr.attr,
	&xbf_attr_deferred_ungrants.attr.attr,
	&xbf_attr_notify.attr.attr,
	&xbf_attr_irq.attr.attr,
	&xbf_attr_spurious_irq.attr.attr,
	&xbf_attr_responses.attr.attr,
	&xbf_attr_copied_bytes.attr.attr,
	&xbf_attr_busy.attr.attr,
	NULL
};

static const struct attribute_group xbf_stats_group = {
	.name = "statistics",
	.attrs = xbf_stats_attrs,
};

/**
 * xbf_stats_add() - create the statistics directory
 * @info: the vbd, already the device's driver data
 *
 * Return: 0 or the negative errno from sysfs.
 */
int xbf_stats_add(struct xbf_info *info)
{
	return device_add_group(&info->xbdev->dev, &xbf_stats_group);
}

/**
 * xbf_stats_remove() - remove it; waits for readers (call without @mutex)
 * @info: the vbd
 */
void xbf_stats_remove(struct xbf_info *info)
{
	device_remove_group(&info->xbdev->dev, &xbf_stats_group);
}
