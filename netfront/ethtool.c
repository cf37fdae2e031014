// SPDX-License-Identifier: GPL-2.0
/*
 * ethtool.c - xen-netfront's ethtool operations.
 *
 * `ethtool -i` reports the driver as the in-tree one does ("vif", the
 * xenbus driver's name), with xpv's version. `ethtool -S` starts with the
 * in-tree driver's one statistic, rx_gso_checksum_fixup, then xpv's
 * counters of the cost of the protocol, summed over the queues:
 *
 *   {tx,rx}_grants          grants given to the backend (one per slot)
 *   {tx,rx}_grant_ends      grants revoked (one per slot completed)
 *   {tx,rx}_grants_busy     revocations Xen refused because the backend
 *                           still mapped the page (each attempt); such a
 *                           page is never reused, and the device is broken
 *   {tx,rx}_notifies        events sent to the backend
 *   {tx,rx}_irqs            event-channel interrupts taken (with a single
 *                           channel per queue, all count as tx_irqs)
 *   {tx,rx}_irqs_spurious   of those, the ones that found no new work
 *   tx_bounced              packets copied to zeroed pages (untrusted
 *                           backend, or a too short first slot)
 *   rx_nomem                ring refills cut short by memory
 *   broken                  1 once the backend broke the protocol
 *   xdp_pass, xdp_drop, xdp_tx, xdp_redirect, xdp_aborted
 *                           the XDP program's verdicts (an unknown
 *                           verdict counts as xdp_aborted)
 *   xdp_errors              of xdp_tx and xdp_redirect, the ones that
 *                           failed (the packet is dropped)
 *   xdp_too_big             packets dropped with a program attached
 *                           without being run: more than one slot, or
 *                           no room left in the page
 *   rx_copied               packets of one slot up to a full Ethernet
 *                           frame, copied out of a page posted again
 *   tx_bounced_bytes, rx_copied_bytes
 *                           the bytes those copies moved
 */
#include "common.h"

#include <linux/ethtool.h>
#include <linux/string.h>

#include <xpv/module.h>

enum xnf_stat_set {
	XNF_SET_TX,
	XNF_SET_RX,
	XNF_SET_IRQ_TX,
	XNF_SET_IRQ_RX,
	XNF_SET_BROKEN,
};

static const struct xnf_stat {
	char name[ETH_GSTRING_LEN];
	u8 set;
	u8 idx;
} xnf_stats[] = {
	{ "rx_gso_checksum_fixup", XNF_SET_RX, XNF_RX_CSUM_FIXUP },
	{ "tx_grants", XNF_SET_TX, XNF_TX_GRANTS },
	{ "tx_grant_ends", XNF_SET_TX, XNF_TX_GRANT_ENDS },
	{ "tx_grants_busy", XNF_SET_TX, XNF_TX_BUSY },
	{ "rx_grants", XNF_SET_RX, XNF_RX_GRANTS },
	{ "rx_grant_ends", XNF_SET_RX, XNF_RX_GRANT_ENDS },
	{ "rx_grants_busy", XNF_SET_RX, XNF_RX_BUSY },
	{ "tx_notifies", XNF_SET_TX, XNF_TX_NOTIFIES },
	{ "rx_notifies", XNF_SET_RX, XNF_RX_NOTIFIES },
	{ "tx_irqs", XNF_SET_IRQ_TX, XNF_IRQ_EVENTS },
	{ "tx_irqs_spurious", XNF_SET_IRQ_TX, XNF_IRQ_SPURIOUS },
	{ "rx_irqs", XNF_SET_IRQ_RX, XNF_IRQ_EVENTS },
	{ "rx_irqs_spurious", XNF_SET_IRQ_RX, XNF_IRQ_SPURIOUS },
	{ "tx_bounced", XNF_SET_TX, XNF_TX_BOUNCED },
	{ "tx_bounced_bytes", XNF_SET_TX, XNF_TX_BOUNCED_BYTES },
	{ "rx_nomem", XNF_SET_RX, XNF_RX_NOMEM },
	{ "broken", XNF_SET_BROKEN, 0 },
	{ "xdp_pass", XNF_SET_RX, XNF_RX_XDP_PASS },
	{ "xdp_drop", XNF_SET_RX, XNF_RX_XDP_DROP },
	{ "xdp_tx", XNF_SET_RX, XNF_RX_XDP_TX },
	{ "xdp_redirect", XNF_SET_RX, XNF_RX_XDP_REDIRECT },
	{ "xdp_aborted", XNF_SET_RX, XNF_RX_XDP_ABORTED },
	{ "xdp_errors", XNF_SET_RX, XNF_RX_XDP_ERRORS },
	{ "xdp_too_big", XNF_SET_RX, XNF_RX_XDP_TOO_BIG },
	{ "rx_copied", XNF_SET_RX, XNF_RX_COPIED },
	{ "rx_copied_bytes", XNF_SET_RX, XNF_RX_COPIED_BYTES },
};

static const struct xnf_counters *xnf_stat_set(const struct xnf_qstats *s,
					       unsigned int set)
{
	switch (set) {
	case XNF_SET_TX:
		return &s->tx;
	case XNF_SET_RX:
		return &s->rx;
	case XNF_SET_IRQ_TX:
		return &s->irq[XNF_IRQ_TX];
	default:
		return &s->irq[XNF_IRQ_RX];
	}
}

static void xnf_get_drvinfo(struct net_device *dev,
			    struct ethtool_drvinfo *drvinfo)
{
	struct xnf_info *info = netdev_priv(dev);

	strscpy(drvinfo->driver, dev_driver_string(&info->xbdev->dev),
		sizeof(drvinfo->driver));
	strscpy(drvinfo->version, XPV_VERSION, sizeof(drvinfo->version));
	strscpy(drvinfo->bus_info, dev_name(&info->xbdev->dev),
		sizeof(drvinfo->bus_info));
}

static int xnf_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? ARRAY_SIZE(xnf_stats) : -EOPNOTSUPP;
}

static void xnf_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	unsigned int i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < ARRAY_SIZE(xnf_stats); i++)
		memcpy(data + i * ETH_GSTRING_LEN, xnf_stats[i].name,
		       ETH_GSTRING_LEN);
}

static void xnf_get_ethtool_stats(struct net_device *dev,
				  struct ethtool_stats *stats, u64 *data)
{
	struct xnf_info *info = netdev_priv(dev);
	unsigned int i, q;

	for (i = 0; i < ARRAY_SIZE(xnf_stats); i++) {
		const struct xnf_stat *st = &xnf_stats[i];

		data[i] = 0;
		if (st->set == XNF_SET_BROKEN) {
			data[i] = xnf_is_broken(info);
			continue;
		}
		for (q = 0; q < dev->num_tx_queues; q++)
			data[i] += xnf_counter_read(xnf_stat_set(&info->stats[q],
								 st->set),
						    st->idx);
	}
}

const struct ethtool_ops xnf_ethtool_ops = {
	.get_drvinfo = xnf_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_sset_count = xnf_get_sset_count,
	.get_strings = xnf_get_strings,
	.get_ethtool_stats = xnf_get_ethtool_stats,
	.get_ts_info = ethtool_op_get_ts_info,
};
