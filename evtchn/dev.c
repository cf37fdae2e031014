// SPDX-License-Identifier: GPL-2.0
/*
 * dev.c - xen-evtchn: the /dev/xen/evtchn misc device and its file
 * operations.
 *
 * User space (libxenevtchn: xenstored, xenconsoled, QEMU, vchan) binds event
 * channels through ioctls (ioctl.c), read()s the ports that fired (ring.c)
 * and write()s them back to re-enable them (ports.c). A drop-in replacement
 * for the in-tree module of the same name.
 */
#include "evtchn.h"

#include <linux/err.h>
#include <linux/miscdevice.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <xen/xen.h>

#include <xpv/module.h>

static int evtchn_open(struct inode *inode, struct file *file)
{
	char comm[TASK_COMM_LEN];
	struct evtchn_user *u;

	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u)
		return -ENOMEM;

	/* The IRQ name in /proc/interrupts, as in-tree. */
	get_task_comm(comm, current);
	u->irq_name = kasprintf(GFP_KERNEL, "evtchn:%s", comm);
	if (!u->irq_name) {
		kfree(u);
		return -ENOMEM;
	}

	mutex_init(&u->bind_lock);
	u->ports = RB_ROOT;
	u->restrict_domid = EVTCHN_UNRESTRICTED;
	evtchn_ring_init(&u->ring);

	file->private_data = u;
	return stream_open(inode, file);
}

static int evtchn_release(struct inode *inode, struct file *file)
{
	struct evtchn_user *u = file->private_data;

	/* No handler runs once this returns: the ring can go. */
	evtchn_unbind_all(u);
	evtchn_ring_destroy(&u->ring);
	kfree(u->irq_name);
	kfree(u);
	return 0;
}

static ssize_t evtchn_read(struct file *file, char __user *buf, size_t count,
			   loff_t *ppos)
{
	struct evtchn_user *u = file->private_data;

	return evtchn_ring_read(&u->ring, buf, count,
				file->f_flags & O_NONBLOCK);
}

static ssize_t evtchn_write(struct file *file, const char __user *buf,
			    size_t count, loff_t *ppos)
{
	struct evtchn_user *u = file->private_data;
	evtchn_port_t *ports;

	/* Whole ports only, at most a page of them; the rest is ignored. */
	count = round_down(min_t(size_t, count, PAGE_SIZE), sizeof(*ports));
	if (!count)
		return 0;

	ports = memdup_user(buf, count);
	if (IS_ERR(ports))
		return PTR_ERR(ports);

	evtchn_reenable(u, ports, count / sizeof(*ports));
	kfree(ports);
	return count;
}

static __poll_t evtchn_poll(struct file *file, poll_table *wait)
{
	struct evtchn_user *u = file->private_data;

	return evtchn_ring_poll(&u->ring, file, wait);
}

static int evtchn_fasync(int fd, struct file *file, int on)
{
	struct evtchn_user *u = file->private_data;

	return fasync_helper(fd, file, on, &u->ring.fasync);
}

static const struct file_operations evtchn_fops = {
	.owner		= THIS_MODULE,
	.open		= evtchn_open,
	.release	= evtchn_release,
	.read		= evtchn_read,
	.write		= evtchn_write,
	.poll		= evtchn_poll,
	.fasync		= evtchn_fasync,
	.unlocked_ioctl	= evtchn_ioctl,
};

static struct miscdevice evtchn_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "xen/evtchn",
	.fops	= &evtchn_fops,
	.mode	= 0600,
};

static int __init evtchn_init(void)
{
	int rc;

	if (!xen_domain())
		return -ENODEV;

	rc = misc_register(&evtchn_miscdev);
	if (rc) {
		pr_err("cannot register /dev/xen/evtchn: %d\n", rc);
		return rc;
	}

	pr_info("event-channel device installed\n");
	return 0;
}
module_init(evtchn_init);

static void __exit evtchn_exit(void)
{
	misc_deregister(&evtchn_miscdev);
}
module_exit(evtchn_exit);

MODULE_DESCRIPTION("Xen /dev/xen/evtchn device (xpv)");
XPV_MODULE_INFO();
MODULE_LICENSE("GPL");
