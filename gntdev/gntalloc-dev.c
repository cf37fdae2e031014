// SPDX-License-Identifier: GPL-2.0
/*
 * gntalloc-dev.c - xen-gntalloc: the /dev/xen/gntalloc misc device and its
 * file operations.
 *
 * User space (libxengnttab's gntshr: vchan and the like) allocates pages,
 * grants them to another domain and maps them itself (gntalloc-ioctl.c,
 * gntalloc-gref.c, gntalloc-mmap.c). A drop-in replacement for the in-tree
 * module of the same name.
 */
#include "gntalloc.h"

#include <linux/miscdevice.h>
#include <linux/slab.h>

#include <xen/xen.h>

#include <xpv/module.h>

static int gntalloc_open(struct inode *inode, struct file *file)
{
	struct gntalloc_file *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;

	INIT_LIST_HEAD(&f->grefs);
	file->private_data = f;
	return 0;
}

static int gntalloc_release(struct inode *inode, struct file *file)
{
	struct gntalloc_file *f = file->private_data;

	gntalloc_file_release(f);
	kfree(f);
	return 0;
}

static const struct file_operations gntalloc_fops = {
	.owner		= THIS_MODULE,
	.open		= gntalloc_open,
	.release	= gntalloc_release,
	.mmap		= gntalloc_mmap,
	.unlocked_ioctl	= gntalloc_ioctl,
};

static struct miscdevice gntalloc_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "xen/gntalloc",
	.fops	= &gntalloc_fops,
	.mode	= 0600,
};

static int __init gntalloc_init(void)
{
	int rc;

	if (!xen_domain())
		return -ENODEV;

	rc = misc_register(&gntalloc_miscdev);
	if (rc) {
		pr_err("cannot register /dev/xen/gntalloc: %d\n", rc);
		return rc;
	}

	pr_info("grant allocation device installed\n");
	return 0;
}
module_init(gntalloc_init);

static void __exit gntalloc_exit(void)
{
	misc_deregister(&gntalloc_miscdev);
	gntalloc_revoke_pending_release();
}
module_exit(gntalloc_exit);

MODULE_DESCRIPTION("Xen /dev/xen/gntalloc grant allocation device (xpv)");
XPV_MODULE_INFO();
MODULE_LICENSE("GPL");
