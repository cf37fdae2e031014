// SPDX-License-Identifier: GPL-2.0
/*
 * dev.c - xen-privcmd: the /dev/xen/privcmd misc device, its file
 * operations and the module.
 *
 * User space (libxencall, libxenforeignmemory, libxendevicemodel: xl,
 * xenstored, xenconsoled, QEMU) issues hypercalls through ioctls
 * (ioctl.c), maps other domains' memory into mmap()ed privcmd VMAs (vma.c,
 * mmap.c, mmapbatch.c, resource.c) and runs device-model operations
 * (dm_op.c). The module also provides /dev/xen/hypercall (buf.c). A
 * drop-in replacement for the in-tree module of the same name.
 *
 * xenfs (/proc/xen/privcmd) imports xen_privcmd_fops: fops-crc.h keeps
 * its modversions CRC equal to in-tree's, so that xenfs loads against us.
 */
#include "privcmd.h"
#include "fops-crc.h"

#include <xpv/module.h>

static int privcmd_open(struct inode *inode, struct file *file)
{
	struct privcmd_file *pf;
	int domid;

	domid = privcmd_default_domid();
	if (domid < 0)
		return domid;

	pf = kzalloc(sizeof(*pf), GFP_KERNEL);
	if (!pf)
		return -ENOMEM;
	pf->domid = domid;

	file->private_data = pf;
	return 0;
}

static int privcmd_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

const struct file_operations xen_privcmd_fops = {
	.owner		= THIS_MODULE,
	.open		= privcmd_open,
	.release	= privcmd_release,
	.unlocked_ioctl	= privcmd_ioctl,
	.mmap		= privcmd_mmap,
};
EXPORT_SYMBOL_GPL(xen_privcmd_fops);

static struct miscdevice privcmd_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "xen/privcmd",
	.fops	= &xen_privcmd_fops,
	.mode	= 0600,
};

static int __init privcmd_init(void)
{
	int rc;

	if (!xen_domain())
		return -ENODEV;

	/* Before the device exists: an open must find its restriction. */
	privcmd_restrict_init();

	rc = misc_register(&privcmd_miscdev);
	if (rc) {
		pr_err("cannot register /dev/xen/privcmd: %d\n", rc);
		goto err_restrict;
	}

	rc = privcmd_buf_register();
	if (rc) {
		pr_err("cannot register /dev/xen/hypercall: %d\n", rc);
		goto err_privcmd_dev;
	}

	return 0;

err_privcmd_dev:
	misc_deregister(&privcmd_miscdev);
err_restrict:
	privcmd_restrict_exit();
	return rc;
}
module_init(privcmd_init);

static void __exit privcmd_exit(void)
{
	privcmd_buf_unregister();
	misc_deregister(&privcmd_miscdev);
	privcmd_restrict_exit();
}
module_exit(privcmd_exit);

MODULE_DESCRIPTION("Xen /dev/xen/privcmd and /dev/xen/hypercall devices (xpv)");
XPV_MODULE_INFO();
MODULE_LICENSE("GPL");
