// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - a vif's counters: `ethtool -S vifD.N`, and the same in
 * debugfs, <debugfs>/xen-netback/vifD.N/stats, with each queue's ring
 * indices (for a dom0 without ethtool).
 *
 * Counters live in each queue (struct xnb_stats, one writer each) and are
 * summed on demand under RCU: the queues go away only after a grace
 * period (see common.h), and a reconnect starts them from zero.
 */
#include "common.h"

#include <linux/debugfs.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include <xpv/module.h>

static struct dentry *xnb_debugfs_root;

static const struct {
	const char *name;
	size_t offset;
} xnb_stat_names[] = {
#define XNB_STAT(name, field) { name, offsetof(struct xnb_stats, field) }
	/* Linux's name: GSO packets from the guest without csum_blank. */
	XNB_STAT("rx_gso_checksum_fixup", rx_gso_checksum_fixup),
	XNB_STAT("guest_tx_copy_hypercalls", gtx_copy_calls),
	XNB_STAT("guest_tx_copy_segments", gtx_copy_ops),
	XNB_STAT("guest_tx_copy_bytes", gtx_copy_bytes),
	XNB_STAT("guest_tx_copy_errors", gtx_copy_errors),
	XNB_STAT("guest_tx_errors", gtx_errors),
	XNB_STAT("guest_tx_notifications", gtx_notify),
	XNB_STAT("guest_rx_copy_hypercalls", grx_copy_calls),
	XNB_STAT("guest_rx_copy_segments", grx_copy_ops),
	XNB_STAT("guest_rx_copy_bytes", grx_copy_bytes),
	XNB_STAT("guest_rx_copy_errors", grx_copy_errors),
	XNB_STAT("guest_rx_notifications", grx_notify),
	XNB_STAT("guest_rx_queue_full", grx_queue_full),
	XNB_STAT("guest_rx_expired", grx_expired),
	XNB_STAT("guest_rx_stalls", grx_stalls),
	XNB_STAT("irq_tx", irq_tx),
	XNB_STAT("irq_tx_spurious", irq_tx_spurious),
	XNB_STAT("irq_rx", irq_rx),
	XNB_STAT("irq_rx_spurious", irq_rx_spurious),
#undef XNB_STAT
};

#define XNB_STATS_WORDS	(sizeof(struct xnb_stats) / sizeof(unsigned long))
static_assert(sizeof(struct xnb_stats) % sizeof(unsigned long) == 0);

static void xnb_stats_add(struct xnb_stats *sum, const struct xnb_stats *s)
{
	const unsigned long *src = (const unsigned long *)s;
	unsigned long *dst = (unsigned long *)sum;
	unsigned int i;

	for (i = 0; i < XNB_STATS_WORDS; i++)
		dst[i] += READ_ONCE(src[i]);
}

static unsigned long xnb_stat(const struct xnb_stats *s, unsigned int i)
{
	return *(const unsigned long *)((const u8 *)s +
					xnb_stat_names[i].offset);
}

/**
 * xnb_stats_sum() - the vif's counters, summed over its queues
 * @vif: the vif
 * @sum: where the sums go; zero while disconnected
 */
void xnb_stats_sum(struct xnb_vif *vif, struct xnb_stats *sum)
{
	struct xnb_queue *queues;
	unsigned int i, n;

	memset(sum, 0, sizeof(*sum));
	rcu_read_lock();
	/* Pairs with xnb_vif_connect()'s release. */
	n = smp_load_acquire(&vif->nr_queues);
	queues = READ_ONCE(vif->queues);
	for (i = 0; i < n; i++)
		xnb_stats_add(sum, &queues[i].stats);
	rcu_read_unlock();
}

/* --- ethtool --- */

static int xnb_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? ARRAY_SIZE(xnb_stat_names) : -EOPNOTSUPP;
}

static void xnb_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	unsigned int i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < ARRAY_SIZE(xnb_stat_names); i++)
		ethtool_sprintf(&data, "%s", xnb_stat_names[i].name);
}

static void xnb_get_ethtool_stats(struct net_device *dev,
				  struct ethtool_stats *stats, u64 *data)
{
	struct xnb_stats sum;
	unsigned int i;

	xnb_stats_sum(netdev_priv(dev), &sum);
	for (i = 0; i < ARRAY_SIZE(xnb_stat_names); i++)
		data[i] = xnb_stat(&sum, i);
}

/*
 * `ethtool -i`: driver and bus as the in-tree module's (the xenbus
 * driver's and device's names); a version, which it lacks, tells ours.
 */
static void xnb_get_drvinfo(struct net_device *dev,
			    struct ethtool_drvinfo *info)
{
	struct xnb_vif *vif = netdev_priv(dev);

	strscpy(info->driver, "vif", sizeof(info->driver));
	strscpy(info->version, XPV_VERSION, sizeof(info->version));
	strscpy(info->bus_info, dev_name(&vif->xbdev->dev),
		sizeof(info->bus_info));
}

const struct ethtool_ops xnb_ethtool_ops = {
	.get_drvinfo = xnb_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_sset_count = xnb_get_sset_count,
	.get_strings = xnb_get_strings,
	.get_ethtool_stats = xnb_get_ethtool_stats,
};

/* --- debugfs --- */

static int xnb_stats_show(struct seq_file *m, void *unused)
{
	struct xnb_vif *vif = m->private;
	struct xnb_queue *queues;
	struct xnb_stats sum;
	unsigned int i, n;

	xnb_stats_sum(vif, &sum);
	for (i = 0; i < ARRAY_SIZE(xnb_stat_names); i++)
		seq_printf(m, "%s %lu\n", xnb_stat_names[i].name,
			   xnb_stat(&sum, i));
	seq_printf(m, "rx_packets %lu\nrx_bytes %lu\ntx_packets %lu\ntx_bytes %lu\ntx_dropped %lld\n",
		   sum.rx_packets, sum.rx_bytes, sum.tx_packets, sum.tx_bytes,
		   (long long)atomic64_read(&vif->tx_dropped));

	/* The rings stay mapped while we are inside the RCU section. */
	rcu_read_lock();
	/* Pairs with xnb_vif_connect()'s release. */
	n = smp_load_acquire(&vif->nr_queues);
	queues = READ_ONCE(vif->queues);
	seq_printf(m, "queues %u flags %#lx carrier %d\n", n, vif->flags,
		   netif_carrier_ok(vif->dev));
	seq_printf(m, "xdp_headroom %u\n", READ_ONCE(vif->xdp_headroom));
	xnb_ctrl_show(m, vif);
	for (i = 0; i < n; i++) {
		struct xnb_queue *q = &queues[i];

		seq_printf(m, "q%u tx req_prod %u req_cons %u rsp_prod %u | rx req_prod %u req_cons %u rsp_prod %u | queued %u bytes, stalled %d\n",
			   i, READ_ONCE(q->tx.sring->req_prod), q->tx.req_cons,
			   q->tx.rsp_prod_pvt, READ_ONCE(q->rx.sring->req_prod),
			   q->rx.req_cons, q->rx.rsp_prod_pvt,
			   READ_ONCE(q->rx_queue_len), READ_ONCE(q->stalled));
	}
	rcu_read_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(xnb_stats);

/**
 * xnb_debugfs_add() - create <debugfs>/xen-netback/<vif>/stats
 * @vif: the vif, registered
 */
void xnb_debugfs_add(struct xnb_vif *vif)
{
	vif->dbg = debugfs_create_dir(vif->dev->name, xnb_debugfs_root);
	debugfs_create_file("stats", 0400, vif->dbg, vif, &xnb_stats_fops);
}

/**
 * xnb_debugfs_del() - remove a vif's directory; waits for its readers
 * @vif: the vif
 */
void xnb_debugfs_del(struct xnb_vif *vif)
{
	debugfs_remove_recursive(vif->dbg);
	vif->dbg = NULL;
}

/**
 * xnb_debugfs_init() - create <debugfs>/xen-netback
 */
void xnb_debugfs_init(void)
{
	xnb_debugfs_root = debugfs_create_dir("xen-netback", NULL);
}

/**
 * xnb_debugfs_exit() - remove it, every vif's directory gone already
 */
void xnb_debugfs_exit(void)
{
	debugfs_remove_recursive(xnb_debugfs_root);
	xnb_debugfs_root = NULL;
}
