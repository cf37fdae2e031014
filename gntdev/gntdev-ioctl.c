// SPDX-License-Identifier: GPL-2.0
/*
 * gntdev-ioctl.c - the ioctls of /dev/xen/gntdev (include/uapi/xen/gntdev.h).
 *
 * Return values and errnos, and the order in which they are checked, are
 * those of the in-tree driver (drivers/xen/gntdev.c) of both supported
 * kernels; the deliberate differences are marked "xpv:" below.
 *
 * Not answered, as in-tree: IOCTL_GNTDEV_SET_MAX_GRANTS (gone from Linux
 * since 4.x; libxengnttab takes ENOTTY for success) and the dma-buf ioctls
 * (Debian builds the in-tree module without CONFIG_XEN_GNTDEV_DMABUF). Both
 * get -ENOIOCTLCMD, which user space sees as ENOTTY.
 */
#include "gntdev.h"

#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/uaccess.h>

#include <xen/events.h>

static long gntdev_ioctl_map(struct gntdev_file *f,
			     struct ioctl_gntdev_map_grant_ref __user *u)
{
	struct ioctl_gntdev_map_grant_ref op;
	struct gntdev_map *map;
	bool listed;
	long rc = 0;
	u64 offset;

	if (copy_from_user(&op, u, sizeof(op)))
		return -EFAULT;
	if (!op.count || op.count > gntdev_max_grants_per_map())
		return -EINVAL;

	map = gntdev_map_alloc(op.count);
	if (!map)
		return -ENOMEM;

	if (copy_from_user(map->grants, u->refs,
			   array_size(op.count, sizeof(map->grants[0])))) {
		gntdev_map_put(map);
		return -EFAULT;
	}

	mutex_lock(&f->lock);
	gntdev_map_add(f, map);
	offset = (u64)map->index << PAGE_SHIFT;
	refcount_inc(&map->users);	/* ours, until the answer is out */
	mutex_unlock(&f->lock);

	/*
	 * Answered outside the lock: a fault takes the mmap lock, which
	 * mmap() holds when it takes ours. Meanwhile another thread may have
	 * guessed the offset and unmapped it already.
	 */
	if (put_user(offset, &u->index)) {
		mutex_lock(&f->lock);
		listed = !list_empty(&map->node);
		if (listed)
			list_del_init(&map->node);
		mutex_unlock(&f->lock);
		if (listed)
			gntdev_map_put(map);
		rc = -EFAULT;
	}
	gntdev_map_put(map);
	return rc;
}

static long gntdev_ioctl_unmap(struct gntdev_file *f,
			       struct ioctl_gntdev_unmap_grant_ref __user *u)
{
	struct ioctl_gntdev_unmap_grant_ref op;
	struct gntdev_map *map;

	if (copy_from_user(&op, u, sizeof(op)))
		return -EFAULT;

	/* A count of 0 matches any map starting there, as in-tree. */
	mutex_lock(&f->lock);
	map = gntdev_map_find(f, op.index >> PAGE_SHIFT, op.count);
	if (map)
		list_del_init(&map->node);
	mutex_unlock(&f->lock);

	if (!map)
		return -ENOENT;
	/* A VMA still mapping it keeps it until munmap(). */
	gntdev_map_put(map);
	return 0;
}

static long
gntdev_ioctl_get_offset(struct ioctl_gntdev_get_offset_for_vaddr __user *u)
{
	struct ioctl_gntdev_get_offset_for_vaddr op;
	struct vm_area_struct *vma;
	struct gntdev_map *map = NULL;

	if (copy_from_user(&op, u, sizeof(op)))
		return -EFAULT;

	/*
	 * xpv: the address must lie inside a gntdev mapping. In-tree uses
	 * find_vma() and so also answers for an address below one, in the
	 * gap before it.
	 */
	mmap_read_lock(current->mm);
	vma = vma_lookup(current->mm, op.vaddr);
	if (vma)
		map = gntdev_vma_map(vma);
	if (map) {
		op.offset = (u64)map->index << PAGE_SHIFT;
		op.count = map->count;
	}
	mmap_read_unlock(current->mm);

	if (!map)
		return -EINVAL;
	if (copy_to_user(u, &op, sizeof(op)))
		return -EFAULT;
	return 0;
}

static long gntdev_ioctl_unmap_notify(struct gntdev_file *f,
				      struct ioctl_gntdev_unmap_notify __user *u)
{
	struct ioctl_gntdev_unmap_notify op;
	struct gntdev_notify old = { 0 };
	struct gntdev_map *map;
	long rc = 0;

	if (copy_from_user(&op, u, sizeof(op)))
		return -EFAULT;
	if (op.action & ~(UNMAP_NOTIFY_CLEAR_BYTE | UNMAP_NOTIFY_SEND_EVENT))
		return -EINVAL;

	/*
	 * Take the new port's reference before dropping the old one, which
	 * may be the same port: re-arming must not close it in between.
	 */
	if ((op.action & UNMAP_NOTIFY_SEND_EVENT) &&
	    evtchn_get(op.event_channel_port))
		return -EINVAL;

	mutex_lock(&f->lock);
	map = gntdev_map_find_offset(f, op.index);
	if (!map) {
		rc = -ENOENT;
	} else if ((op.action & UNMAP_NOTIFY_CLEAR_BYTE) && map->mmapped &&
		   map->readonly) {
		rc = -EINVAL;
	} else {
		spin_lock(&map->notify_lock);
		old = map->notify;
		map->notify.flags = op.action;
		map->notify.offset = op.index - ((u64)map->index << PAGE_SHIFT);
		map->notify.port = op.event_channel_port;
		spin_unlock(&map->notify_lock);
	}
	mutex_unlock(&f->lock);

	/* Drop the reference not kept: the new one on error, else the old. */
	if (rc && (op.action & UNMAP_NOTIFY_SEND_EVENT))
		evtchn_put(op.event_channel_port);
	if (!rc && (old.flags & UNMAP_NOTIFY_SEND_EVENT))
		evtchn_put(old.port);
	return rc;
}

/**
 * gntdev_ioctl() - unlocked_ioctl of /dev/xen/gntdev
 * @file: the open file
 * @cmd: an IOCTL_GNTDEV_* command
 * @arg: user pointer to the command's argument
 *
 * Return: 0 or a negative errno; -ENOIOCTLCMD for a command this driver
 * does not answer.
 */
long gntdev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct gntdev_file *f = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case IOCTL_GNTDEV_MAP_GRANT_REF:
		return gntdev_ioctl_map(f, uarg);
	case IOCTL_GNTDEV_UNMAP_GRANT_REF:
		return gntdev_ioctl_unmap(f, uarg);
	case IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR:
		return gntdev_ioctl_get_offset(uarg);
	case IOCTL_GNTDEV_SET_UNMAP_NOTIFY:
		return gntdev_ioctl_unmap_notify(f, uarg);
	case IOCTL_GNTDEV_GRANT_COPY:
		return gntdev_ioctl_grant_copy(f, uarg);
	default:
		return -ENOIOCTLCMD;
	}
}
