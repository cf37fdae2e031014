// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - xen-blkfront, the Xen virtual block device frontend (vbd): the
 * module, its parameters, and the xvd block major.
 *
 * A drop-in for the in-tree module of the same name: same module name and
 * aliases, same parameters with the same defaults, same disk names and
 * minors, same xenstore keys.
 */
#include "common.h"

#include <linux/cpumask.h>
#include <linux/major.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include <xen/platform_pci.h>
#include <xen/xen.h>

#include <xpv/module.h>

unsigned int xbf_max_indirect_segments = 32;
module_param_named(max_indirect_segments, xbf_max_indirect_segments, uint,
		   0444);
MODULE_PARM_DESC(max_indirect_segments,
		 "Maximum amount of segments in indirect requests (default is 32)");

unsigned int xbf_max_queues = 4;
module_param_named(max_queues, xbf_max_queues, uint, 0444);
MODULE_PARM_DESC(max_queues,
		 "Maximum number of hardware queues/rings used per virtual disk");

unsigned int xbf_max_ring_order;
module_param_named(max_ring_page_order, xbf_max_ring_order, uint, 0444);
MODULE_PARM_DESC(max_ring_page_order,
		 "Maximum order of pages to be used for the shared ring");

bool xbf_trusted = true;
module_param_named(trusted, xbf_trusted, bool, 0644);
MODULE_PARM_DESC(trusted, "Is the backend trusted");

bool xbf_feature_persistent = true;
module_param_named(feature_persistent, xbf_feature_persistent, bool, 0644);
MODULE_PARM_DESC(feature_persistent, "Enables the persistent grants feature");

#define XBF_DEV_NAME	"xvd"

/* Bring the parameters into range once, as Linux's module does. */
static void xbf_check_params(void)
{
	unsigned int cpus = num_online_cpus();

	/* At most eleven means no indirect requests. */
	if (xbf_max_indirect_segments < BLKIF_MAX_SEGMENTS_PER_REQUEST)
		xbf_max_indirect_segments = BLKIF_MAX_SEGMENTS_PER_REQUEST;
	if (xbf_max_indirect_segments > XBF_MAX_INDIRECT_SEGS)
		xbf_max_indirect_segments = XBF_MAX_INDIRECT_SEGS;
	if (xbf_max_ring_order > XENBUS_MAX_RING_GRANT_ORDER) {
		pr_info("Invalid max_ring_order (%u), will use default max: %u.\n",
			xbf_max_ring_order, XENBUS_MAX_RING_GRANT_ORDER);
		xbf_max_ring_order = XENBUS_MAX_RING_GRANT_ORDER;
	}
	if (xbf_max_queues > cpus) {
		pr_info("Invalid max_queues (%u), will use default max: %u.\n",
			xbf_max_queues, cpus);
		xbf_max_queues = cpus;
	}
	if (!xbf_max_queues)
		xbf_max_queues = 1;
}

static int __init xbf_init(void)
{
	int err;

	if (!xen_domain() || !xen_has_pv_disk_devices())
		return -ENODEV;
	xbf_check_params();

	if (register_blkdev(XENVBD_MAJOR, XBF_DEV_NAME)) {
		pr_warn("can't get major %d with name %s\n", XENVBD_MAJOR,
			XBF_DEV_NAME);
		return -ENODEV;
	}
	err = xbf_xenbus_init();
	if (err)
		unregister_blkdev(XENVBD_MAJOR, XBF_DEV_NAME);
	return err;
}
module_init(xbf_init);

static void __exit xbf_exit(void)
{
	xbf_xenbus_exit();
	unregister_blkdev(XENVBD_MAJOR, XBF_DEV_NAME);
}
module_exit(xbf_exit);

MODULE_DESCRIPTION("Xen virtual block device frontend (xpv)");
MODULE_ALIAS_BLOCKDEV_MAJOR(XENVBD_MAJOR);
MODULE_ALIAS("xen:vbd");
MODULE_ALIAS("xenblk");
XPV_MODULE_INFO();
MODULE_LICENSE("GPL");
