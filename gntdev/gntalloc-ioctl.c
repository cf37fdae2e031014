// SPDX-License-Identifier: GPL-2.0
/*
 * gntalloc-ioctl.c - the ioctls of /dev/xen/gntalloc
 * (include/uapi/xen/gntalloc.h).
 *
 * Return values and errnos, and the order in which they are checked, are
 * those of the in-tree driver (drivers/xen/gntalloc.c) of both supported
 * kernels. An unknown command gets -ENOIOCTLCMD (ENOTTY), as in-tree.
 */
#include "gntalloc.h"

#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <xen/events.h>

static long gntalloc_ioctl_alloc(struct gntalloc_file *f,
				 struct ioctl_gntalloc_alloc_gref __user *u)
{
	struct ioctl_gntalloc_alloc_gref op;
	u64 index;
	u32 *refs;
	long rc;

	if (copy_from_user(&op, u, sizeof(op)))
		return -EFAULT;
	if (op.count > gntalloc_max_grefs())
		return -ENOSPC;

	/* A count of 0 succeeds and allocates nothing, as in-tree. */
	refs = kcalloc(op.count, sizeof(*refs), GFP_KERNEL);
	if (!refs)
		return -ENOMEM;

	rc = gntalloc_grefs_alloc(f, op.domid,
				  !(op.flags & GNTALLOC_FLAG_WRITABLE),
				  op.count, refs, &index);
	if (rc)
		goto out;

	/*
	 * As in-tree, the grefs stay allocated if the answer cannot be
	 * written: the file holds them until close.
	 */
	if (put_user(index, &u->index) ||
	    copy_to_user(u->gref_ids, refs, array_size(op.count, sizeof(*refs))))
		rc = -EFAULT;
out:
	kfree(refs);
	return rc;
}

static long gntalloc_ioctl_dealloc(struct gntalloc_file *f,
				   struct ioctl_gntalloc_dealloc_gref __user *u)
{
	struct ioctl_gntalloc_dealloc_gref op;

	if (copy_from_user(&op, u, sizeof(op)))
		return -EFAULT;
	return gntalloc_grefs_dealloc(f, op.index, op.count);
}

static long
gntalloc_ioctl_unmap_notify(struct gntalloc_file *f,
			    struct ioctl_gntalloc_unmap_notify __user *u)
{
	struct ioctl_gntalloc_unmap_notify op;
	struct gntalloc_gref *gref;
	long rc = 0;

	if (copy_from_user(&op, u, sizeof(op)))
		return -EFAULT;

	mutex_lock(&gntalloc_lock);
	gref = gntalloc_gref_find(f, op.index & PAGE_MASK, 1);
	if (!gref) {
		rc = -ENOENT;
	} else if (op.action &
		   ~(UNMAP_NOTIFY_CLEAR_BYTE | UNMAP_NOTIFY_SEND_EVENT)) {
		rc = -EINVAL;
	} else if ((op.action & UNMAP_NOTIFY_SEND_EVENT) &&
		   evtchn_get(op.event_channel_port)) {
		/* Taken before the old port's is dropped: it may be the same. */
		rc = -EINVAL;
	} else {
		if (gref->notify.flags & UNMAP_NOTIFY_SEND_EVENT)
			evtchn_put(gref->notify.port);
		gref->notify.flags = op.action;
		gref->notify.pgoff = offset_in_page(op.index);
		gref->notify.port = op.event_channel_port;
	}
	mutex_unlock(&gntalloc_lock);
	return rc;
}

/**
 * gntalloc_ioctl() - unlocked_ioctl of /dev/xen/gntalloc
 * @file: the open file
 * @cmd: an IOCTL_GNTALLOC_* command
 * @arg: user pointer to the command's argument
 *
 * Return: 0 or a negative errno; -ENOIOCTLCMD for an unknown command.
 */
long gntalloc_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct gntalloc_file *f = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case IOCTL_GNTALLOC_ALLOC_GREF:
		return gntalloc_ioctl_alloc(f, uarg);
	case IOCTL_GNTALLOC_DEALLOC_GREF:
		return gntalloc_ioctl_dealloc(f, uarg);
	case IOCTL_GNTALLOC_SET_UNMAP_NOTIFY:
		return gntalloc_ioctl_unmap_notify(f, uarg);
	default:
		return -ENOIOCTLCMD;
	}
}
