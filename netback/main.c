// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - xen-netback: the module, its parameters, load and unload.
 *
 * The network backend ("vif") on the xpv split-driver layer, a drop-in
 * for the in-tree module of the same name: the same parameters (those it
 * implements), the same xenstore keys, the same netdev name. Guest data
 * is copied in both directions with GNTTABOP_copy; nothing of a guest is
 * ever mapped. See common.h for the objects, xenbus.c for the
 * negotiation, tx.c and rx.c for the two directions.
 */
#include "common.h"

#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include <xen/xen.h>

#include <xpv/module.h>

unsigned int xnb_max_queues;
module_param_named(max_queues, xnb_max_queues, uint, 0644);
MODULE_PARM_DESC(max_queues,
		 "Maximum number of queues per virtual interface (0: one per online CPU, at most 8)");

bool xnb_separate_tx_rx_irq = true;
module_param_named(separate_tx_rx_irq, xnb_separate_tx_rx_irq, bool, 0644);
MODULE_PARM_DESC(separate_tx_rx_irq,
		 "Offer an event channel per direction (feature-split-event-channels)");

/*
 * As Linux: offer feature-xdp-headroom, so that a frontend running XDP can
 * have each received packet start that far into its page. Read when a vif
 * is probed.
 */
bool xnb_provides_xdp_headroom = true;
module_param_named(provides_xdp_headroom, xnb_provides_xdp_headroom, bool,
		   0644);
MODULE_PARM_DESC(provides_xdp_headroom,
		 "Offer frontends a headroom before received data for XDP (feature-xdp-headroom)");

unsigned int xnb_rx_drain_timeout_msecs = 10000;
module_param_named(rx_drain_timeout_msecs, xnb_rx_drain_timeout_msecs, uint,
		   0444);
MODULE_PARM_DESC(rx_drain_timeout_msecs,
		 "Time a packet may wait for the guest's receive buffers before it is dropped");

unsigned int xnb_rx_stall_timeout_msecs = 60000;
module_param_named(rx_stall_timeout_msecs, xnb_rx_stall_timeout_msecs, uint,
		   0444);
MODULE_PARM_DESC(rx_stall_timeout_msecs,
		 "Time without receive buffers before the guest is deemed unresponsive (carrier off)");

unsigned int xnb_fatal_skb_slots = XNB_FATAL_SKB_SLOTS_DEFAULT;
module_param_named(fatal_skb_slots, xnb_fatal_skb_slots, uint, 0444);
MODULE_PARM_DESC(fatal_skb_slots,
		 "Slots a guest packet may use beyond its first before the vif is disabled");

/* As Linux: one queue per CPU, but no more than eight unless asked. */
#define XNB_MAX_QUEUES_DEFAULT	8

static int __init xnb_init(void)
{
	int err;

	if (!xen_domain())
		return -ENODEV;

	if (!xnb_max_queues)
		xnb_max_queues = min_t(unsigned int, XNB_MAX_QUEUES_DEFAULT,
				       num_online_cpus());
	if (xnb_fatal_skb_slots < XNB_LEGACY_SLOTS_MAX) {
		pr_info("fatal_skb_slots %u below %u, raised\n",
			xnb_fatal_skb_slots, XNB_LEGACY_SLOTS_MAX);
		xnb_fatal_skb_slots = XNB_LEGACY_SLOTS_MAX;
	}

	xnb_debugfs_init();
	err = xnb_xenbus_init();
	if (err)
		xnb_debugfs_exit();
	return err;
}
module_init(xnb_init);

static void __exit xnb_exit(void)
{
	xnb_xenbus_exit();
	xnb_debugfs_exit();
}
module_exit(xnb_exit);

MODULE_DESCRIPTION("Xen network device backend (xpv)");
MODULE_ALIAS("xen-backend:vif");
XPV_MODULE_INFO();
MODULE_LICENSE("GPL");
