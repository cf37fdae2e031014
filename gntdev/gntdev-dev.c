// SPDX-License-Identifier: GPL-2.0
/*
 * gntdev-dev.c - xen-gntdev: the /dev/xen/gntdev misc device, its file
 * operations and its parameter.
 *
 * User space (libxengnttab: xenstored, xenconsoled, QEMU's qdisk, vchan)
 * maps pages that other domains granted it: MAP_GRANT_REF reserves a range
 * of the file's offsets for a list of grants, mmap() of that range maps
 * them, munmap() and UNMAP_GRANT_REF undo it (gntdev-ioctl.c, gntdev-map.c,
 * gntdev-mmap.c). GRANT_COPY copies to and from grants without mapping them
 * (gntdev-copy.c). A drop-in replacement for the in-tree module of the same
 * name; dma-buf export/import is not offered, as in Debian's kernels, which
 * build the in-tree module without CONFIG_XEN_GNTDEV_DMABUF.
 */
#include "gntdev.h"

#include <linux/miscdevice.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include <xen/features.h>
#include <xen/xen.h>

#include <xpv/module.h>

/* The in-tree module's parameter: name, type, default and meaning. */
static unsigned int limit = 64 * 1024;
module_param(limit, uint, 0644);
MODULE_PARM_DESC(limit,
		 "Maximum number of grants that may be mapped by one mapping request");

bool gntdev_use_ptemod __ro_after_init;

/**
 * gntdev_max_grants_per_map() - the current value of parameter "limit"
 *
 * Return: the most grants one MAP_GRANT_REF may name.
 */
unsigned int gntdev_max_grants_per_map(void)
{
	return READ_ONCE(limit);
}

static int gntdev_open(struct inode *inode, struct file *file)
{
	struct gntdev_file *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;

	mutex_init(&f->lock);
	INIT_LIST_HEAD(&f->maps);
	mutex_init(&f->copy_lock);

	file->private_data = f;
	return 0;
}

/*
 * No VMA of the file is left (each holds a reference to the file), so every
 * map still listed is only held by the list: dropping it tears it down.
 */
static int gntdev_release(struct inode *inode, struct file *file)
{
	struct gntdev_file *f = file->private_data;
	struct gntdev_map *map, *next;
	LIST_HEAD(maps);

	mutex_lock(&f->lock);
	list_splice_init(&f->maps, &maps);
	mutex_unlock(&f->lock);

	list_for_each_entry_safe(map, next, &maps, node) {
		list_del_init(&map->node);
		gntdev_map_put(map);
	}

	gntdev_copy_free_spares(f);
	kfree(f);
	return 0;
}

static const struct file_operations gntdev_fops = {
	.owner		= THIS_MODULE,
	.open		= gntdev_open,
	.release	= gntdev_release,
	.mmap		= gntdev_mmap,
	.unlocked_ioctl	= gntdev_ioctl,
};

static struct miscdevice gntdev_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "xen/gntdev",
	.fops	= &gntdev_fops,
	.mode	= 0600,
};

static int __init gntdev_init(void)
{
	int rc;

	if (!xen_domain())
		return -ENODEV;

	gntdev_use_ptemod = !xen_feature(XENFEAT_auto_translated_physmap);

	rc = misc_register(&gntdev_miscdev);
	if (rc) {
		pr_err("cannot register /dev/xen/gntdev: %d\n", rc);
		return rc;
	}

	pr_info("grant mapping device installed (%s)\n",
		gntdev_use_ptemod ? "PV page tables" : "auto-translated");
	return 0;
}
module_init(gntdev_init);

static void __exit gntdev_exit(void)
{
	misc_deregister(&gntdev_miscdev);
	/* Unmaps of closed files may still wait for their pages. */
	gntdev_map_wait_teardowns();
}
module_exit(gntdev_exit);

MODULE_DESCRIPTION("Xen /dev/xen/gntdev grant mapping device (xpv)");
XPV_MODULE_INFO();
MODULE_LICENSE("GPL");
