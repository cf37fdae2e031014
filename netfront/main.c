// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - xen-netfront: the module, and the net_device each vif is.
 *
 * The net_device lives from probe to remove; the queues behind it (rings,
 * event channels, NAPI contexts) live from one connection to the backend
 * to the next disconnection, so that a suspend/resume reconnects without
 * the interface going away. Counters live with the net_device.
 *
 * A drop-in for the in-tree module of the same name: same module name,
 * alias, parameters and xenstore protocol, XDP included (xdp.c).
 */
#include "common.h"

#include <linux/cpumask.h>
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include <xen/platform_pci.h>
#include <xen/xen.h>

#include <xpv/module.h>

/* As the in-tree driver: 0 at load means min(8, online CPUs). */
#define XNF_DEFAULT_MAX_QUEUES	8

unsigned int xnf_max_queues;
module_param_named(max_queues, xnf_max_queues, uint, 0644);
MODULE_PARM_DESC(max_queues, "Maximum number of queues per virtual interface");

bool xnf_trusted = true;
module_param_named(trusted, xnf_trusted, bool, 0644);
MODULE_PARM_DESC(trusted, "Is the backend trusted");

/**
 * xnf_counter_read() - read one counter of a set
 * @c: the set
 * @i: the counter
 *
 * Return: its value, consistent even on 32-bit.
 */
u64 xnf_counter_read(const struct xnf_counters *c, unsigned int i)
{
	unsigned int start;
	u64 v;

	do {
		start = u64_stats_fetch_begin(&c->syncp);
		v = u64_stats_read(&c->v[i]);
	} while (u64_stats_fetch_retry(&c->syncp, start));
	return v;
}

/**
 * xnf_set_broken() - stop trusting the backend after a protocol violation
 * @info: the vif
 * @why: what the backend did, logged once
 *
 * From then on no event is EOIed (the ports stay masked), nothing is
 * received or transmitted, and the carrier is off until the next
 * connection. Any context.
 */
void xnf_set_broken(struct xnf_info *info, const char *why)
{
	if (test_and_set_bit(XNF_BROKEN, &info->flags))
		return;
	netif_carrier_off(info->netdev);
	netdev_alert(info->netdev, "backend broke the protocol (%s): disabled\n",
		     why);
}

/* --- net_device operations --- */

static int xnf_open(struct net_device *dev)
{
	struct xnf_info *info = netdev_priv(dev);
	unsigned int i;

	if (!info->queues || xnf_is_broken(info))
		return -ENODEV;

	for (i = 0; i < info->nr_queues; i++) {
		struct xnf_queue *q = &info->queues[i];

		napi_enable(&q->napi);
		spin_lock_bh(&q->rx_lock);
		if (netif_carrier_ok(dev)) {
			xnf_rx_refill(q);
			q->rx.sring->rsp_event = q->rx.rsp_cons + 1;
			if (RING_HAS_UNCONSUMED_RESPONSES(&q->rx))
				napi_schedule(&q->napi);
		}
		spin_unlock_bh(&q->rx_lock);
	}
	netif_tx_start_all_queues(dev);
	return 0;
}

static int xnf_close(struct net_device *dev)
{
	struct xnf_info *info = netdev_priv(dev);
	unsigned int i;

	netif_tx_stop_all_queues(dev);
	for (i = 0; i < info->nr_queues; i++)
		napi_disable(&info->queues[i].napi);
	return 0;
}

static u16 xnf_select_queue(struct net_device *dev, struct sk_buff *skb,
			    struct net_device *sb_dev)
{
	unsigned int n = dev->real_num_tx_queues;

	return n <= 1 ? 0 : skb_get_hash(skb) % n;
}

static int xnf_change_mtu(struct net_device *dev, int mtu)
{
	struct xnf_info *info = netdev_priv(dev);
	int max = dev->features & NETIF_F_SG ? XEN_NETIF_MAX_TX_SIZE :
					       ETH_DATA_LEN;

	if (mtu > max)
		return -EINVAL;
	/* An XDP program sees single-slot packets only. */
	if (rtnl_dereference(info->xdp_prog) && mtu > XNF_XDP_MAX_MTU) {
		netdev_warn(dev, "XDP requires an MTU of at most %lu\n",
			    (unsigned long)XNF_XDP_MAX_MTU);
		return -EINVAL;
	}
	WRITE_ONCE(dev->mtu, mtu);
	return 0;
}

/* Offer only what the backend reads (its features, read at connect). */
static netdev_features_t xnf_fix_features(struct net_device *dev,
					  netdev_features_t features)
{
	struct xnf_info *info = netdev_priv(dev);

	if (!info->feat_sg)
		features &= ~NETIF_F_SG;
	if (!info->feat_ipv6_csum)
		features &= ~NETIF_F_IPV6_CSUM;
	if (!info->feat_gso4)
		features &= ~NETIF_F_TSO;
	if (!info->feat_gso6)
		features &= ~NETIF_F_TSO6;
	return features;
}

static int xnf_set_features(struct net_device *dev, netdev_features_t features)
{
	/* Without SG a packet is one slot: one page at most. */
	if (!(features & NETIF_F_SG) && dev->mtu > ETH_DATA_LEN) {
		netdev_info(dev, "no scatter-gather: MTU lowered to %d\n",
			    ETH_DATA_LEN);
		WRITE_ONCE(dev->mtu, ETH_DATA_LEN);
	}
	return 0;
}

static void xnf_get_stats64(struct net_device *dev,
			    struct rtnl_link_stats64 *tot)
{
	struct xnf_info *info = netdev_priv(dev);
	unsigned int i;

	for (i = 0; i < dev->num_tx_queues; i++) {
		const struct xnf_qstats *s = &info->stats[i];

		tot->tx_packets += xnf_counter_read(&s->tx, XNF_TX_PACKETS);
		tot->tx_bytes += xnf_counter_read(&s->tx, XNF_TX_BYTES);
		tot->tx_errors += xnf_counter_read(&s->tx, XNF_TX_ERRORS);
		tot->rx_packets += xnf_counter_read(&s->rx, XNF_RX_PACKETS);
		tot->rx_bytes += xnf_counter_read(&s->rx, XNF_RX_BYTES);
		tot->rx_errors += xnf_counter_read(&s->rx, XNF_RX_ERRORS);
	}
	tot->tx_dropped = atomic_long_read(&info->tx_dropped);
}

static const struct net_device_ops xnf_netdev_ops = {
	.ndo_open = xnf_open,
	.ndo_stop = xnf_close,
	.ndo_start_xmit = xnf_start_xmit,
	.ndo_select_queue = xnf_select_queue,
	.ndo_change_mtu = xnf_change_mtu,
	.ndo_fix_features = xnf_fix_features,
	.ndo_set_features = xnf_set_features,
	.ndo_get_stats64 = xnf_get_stats64,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
	.ndo_bpf = xnf_bpf,
	.ndo_xdp_xmit = xnf_xdp_xmit,
};

/* --- queues --- */

static int xnf_queue_init(struct xnf_info *info, struct xnf_queue *q,
			  unsigned int id)
{
	const char *devid = strrchr(info->xbdev->nodename, '/') + 1;
	int err;

	q->info = info;
	q->id = id;
	snprintf(q->name, sizeof(q->name), "vif%s-q%u", devid, id);
	xnf_tx_init(q);
	xnf_rx_init(q);
	err = xnf_tx_grants_alloc(q);
	if (err)
		return err;
	return xnf_rx_grants_alloc(q);
}

/**
 * xnf_queues_create() - allocate the queues of a new connection
 * @info: the vif, without queues
 * @nr: how many, at most the net_device's number of tx queues
 *
 * Each queue gets its grant references and a NAPI context, enabled if the
 * interface is up; rings and event channels come later (xenbus.c). Called
 * with the RTNL lock held.
 *
 * Return: 0, or a negative errno; on failure nothing is left allocated.
 */
int xnf_queues_create(struct xnf_info *info, unsigned int nr)
{
	struct net_device *dev = info->netdev;
	struct xnf_queue *queues;
	unsigned int i;
	int err;

	ASSERT_RTNL();
	queues = kvcalloc(nr, sizeof(*queues), GFP_KERNEL);
	if (!queues)
		return -ENOMEM;
	info->queues = queues;
	for (i = 0; i < nr; i++) {
		struct xnf_queue *q = &queues[i];

		err = xnf_queue_init(info, q, i);
		/* Counted now, so that destroy releases its grants. */
		info->nr_queues = i + 1;
		/* NAPI is enabled exactly while the interface is up. */
		netif_napi_add(dev, &q->napi, xnf_poll);
		if (netif_running(dev))
			napi_enable(&q->napi);
		if (!err)
			err = xnf_xdp_rxq_reg(q);
		if (err) {
			xnf_queues_destroy(info);
			return err;
		}
	}

	err = netif_set_real_num_tx_queues(dev, nr) ?:
	      netif_set_real_num_rx_queues(dev, nr);
	if (err)
		xnf_queues_destroy(info);
	return err;
}

/**
 * xnf_queues_destroy() - free the queues of a connection
 * @info: the vif; the queues' event channels are unbound
 *
 * Stops NAPI, takes back every grant (xnf_tx_release(), xnf_rx_release()),
 * revokes and frees the rings. Called with the RTNL lock held; nothing is
 * done without queues.
 */
void xnf_queues_destroy(struct xnf_info *info)
{
	struct net_device *dev = info->netdev;
	unsigned int i;

	ASSERT_RTNL();
	for (i = 0; i < info->nr_queues; i++) {
		struct xnf_queue *q = &info->queues[i];

		xnf_evtchn_unbind(q);
		if (netif_running(dev))
			napi_disable(&q->napi);
		timer_delete_sync(&q->rx_refill);
		xnf_tx_release(q);
		xnf_rx_release(q);
		q->tx.sring = NULL;
		q->rx.sring = NULL;
		xpvbus_fring_free(&q->tx_ring);
		xpvbus_fring_free(&q->rx_ring);
		xnf_xdp_rxq_unreg(q);
		netif_napi_del(&q->napi);
	}
	kvfree(info->queues);
	info->queues = NULL;
	info->nr_queues = 0;
}

/* --- the net_device --- */

/**
 * xnf_netdev_alloc() - create the interface of a vif, not registered
 * @xbdev: the vif's xenbus device
 *
 * Return: the net_device, or an ERR_PTR().
 */
struct net_device *xnf_netdev_alloc(struct xenbus_device *xbdev)
{
	unsigned int max = max(READ_ONCE(xnf_max_queues), 1U);
	struct net_device *dev;
	struct xnf_info *info;
	unsigned int i;

	dev = alloc_etherdev_mq(sizeof(*info), max);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	info = netdev_priv(dev);
	info->netdev = dev;
	info->xbdev = xbdev;
	atomic_long_set(&info->tx_dropped, 0);
	info->stats = kcalloc(dev->num_tx_queues, sizeof(*info->stats),
			      GFP_KERNEL);
	if (!info->stats) {
		free_netdev(dev);
		return ERR_PTR(-ENOMEM);
	}
	for (i = 0; i < dev->num_tx_queues; i++) {
		u64_stats_init(&info->stats[i].tx.syncp);
		u64_stats_init(&info->stats[i].rx.syncp);
		u64_stats_init(&info->stats[i].irq[XNF_IRQ_TX].syncp);
		u64_stats_init(&info->stats[i].irq[XNF_IRQ_RX].syncp);
	}

	dev->netdev_ops = &xnf_netdev_ops;
	dev->ethtool_ops = &xnf_ethtool_ops;
	dev->hw_features = NETIF_F_SG | NETIF_F_IPV6_CSUM | NETIF_F_TSO |
			   NETIF_F_TSO6;
	/* Trimmed by xnf_fix_features() once the backend's are known. */
	dev->features = NETIF_F_IP_CSUM | NETIF_F_RXCSUM | NETIF_F_GSO_ROBUST |
			dev->hw_features;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = XEN_NETIF_MAX_TX_SIZE;
	xpv_set_xdp_features_redirect(dev);
	SET_NETDEV_DEV(dev, &xbdev->dev);
	netif_carrier_off(dev);
	return dev;
}

/**
 * xnf_netdev_free() - free an interface from xnf_netdev_alloc()
 * @dev: the interface, unregistered, without queues
 */
void xnf_netdev_free(struct net_device *dev)
{
	struct xnf_info *info = netdev_priv(dev);

	kfree(info->stats);
	free_netdev(dev);
}

/* --- the module --- */

static int __init xnf_init(void)
{
	if (!xen_domain() || !xen_has_pv_nic_devices())
		return -ENODEV;
	if (!xnf_max_queues)
		xnf_max_queues = min_t(unsigned int, XNF_DEFAULT_MAX_QUEUES,
				       num_online_cpus());
	pr_info("Initialising Xen virtual ethernet driver\n");
	return xnf_xenbus_init();
}
module_init(xnf_init);

static void __exit xnf_exit(void)
{
	xnf_xenbus_exit();
}
module_exit(xnf_exit);

MODULE_DESCRIPTION("Xen virtual network device frontend (xpv)");
MODULE_ALIAS("xen:vif");
MODULE_ALIAS("xennet");
XPV_MODULE_INFO();
MODULE_LICENSE("GPL");
