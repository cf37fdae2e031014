/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xpv/compat.h - every kernel API difference xpv meets, in one place.
 *
 * Force-included into every object by the top-level Kbuild. One block per
 * upstream change, naming the release (and commit) that made it, so that a
 * block can be deleted once the oldest supported kernel has the change.
 * Driver files never test LINUX_VERSION_CODE themselves.
 *
 * Supported: Debian 12's 6.1 and 6.12 kernels (see versions.env).
 */
#ifndef XPV_COMPAT_H
#define XPV_COMPAT_H

#include <linux/version.h>

/*
 * Linux 6.6, commit 58f6259b7a08 ("xen/evtchn: Introduce new IOCTL to bind
 * static evtchn"): evtchn_make_refcounted() gained an is_static argument, so
 * that the core leaves a static port open when its IRQ is unbound, and the
 * uapi gained IOCTL_EVTCHN_BIND_STATIC. Before it the core closes every
 * port on unbind, so a static port cannot be lent to user space: evtchn/
 * then answers the ioctl -ENOSYS, as the in-tree driver of those kernels
 * does. The ioctl number and its argument are the 6.6 uapi ones.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define XPV_HAVE_EVTCHN_STATIC	1
#define xpv_evtchn_make_refcounted(port, is_static) \
	evtchn_make_refcounted(port, is_static)
#else
#define XPV_HAVE_EVTCHN_STATIC	0
#define xpv_evtchn_make_refcounted(port, is_static) \
	((void)(is_static), evtchn_make_refcounted(port))
#define IOCTL_EVTCHN_BIND_STATIC \
	_IOC(_IOC_NONE, 'E', 7, sizeof(struct ioctl_evtchn_bind))
struct ioctl_evtchn_bind {
	unsigned int port;
};
#endif

/*
 * Linux 6.3, commit bc292ab00f6c ("mm: introduce vma->vm_flags wrapper
 * functions"): vma->vm_flags is read-only to drivers, which change it in
 * ->mmap() with vm_flags_set() and vm_flags_clear() (these also take the
 * per-VMA lock since 6.4). Before it, ->mmap() wrote the field directly,
 * under the mmap lock held for writing, as the helpers still require.
 * Guarded so that one definition serves every component.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0) && !defined(vm_flags_set)
#define vm_flags_set(vma, flags)	((vma)->vm_flags |= (flags))
#define vm_flags_clear(vma, flags)	((vma)->vm_flags &= ~(flags))
#endif

/*
 * Linux 6.6, commit f8941e6c4c71 ("xen: privcmd: Add support for irqfd"),
 * and 6.7, commit f0d7db7b3324 ("xen: privcmd: Add support for ioeventfd"),
 * which also gave IRQFD its final number: two privcmd ioctls for virtio
 * backends, implemented only with CONFIG_XEN_PRIVCMD_EVENTFD. Debian builds
 * without it, so the in-tree module of 6.7 and later answers both
 * -EOPNOTSUPP; earlier ones do not know them (-ENOTTY). xen-privcmd
 * implements neither and answers as in-tree. The numbers are the 6.7 uapi's
 * (struct privcmd_irqfd is 24 bytes, struct privcmd_ioeventfd 48).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
#define XPV_HAVE_PRIVCMD_EVENTFD_IOCTLS	1
#else
#define XPV_HAVE_PRIVCMD_EVENTFD_IOCTLS	0
#define IOCTL_PRIVCMD_IRQFD		_IOC(_IOC_WRITE, 'P', 8, 24)
#define IOCTL_PRIVCMD_IOEVENTFD		_IOC(_IOC_WRITE, 'P', 9, 48)
#endif

/*
 * Linux 6.12, commit 2fae6bb7be32 ("xen/privcmd: Add new syscall to get gsi
 * from dev"): IOCTL_PRIVCMD_PCIDEV_GET_GSI, answered by
 * xen_acpi_get_gsi_from_sbdf(). Before it the ioctl is unknown (-ENOTTY).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define XPV_HAVE_PRIVCMD_PCIDEV_GSI	1
#define xpv_acpi_get_gsi_from_sbdf(sbdf) xen_acpi_get_gsi_from_sbdf(sbdf)
#else
#include <linux/types.h>
#define XPV_HAVE_PRIVCMD_PCIDEV_GSI	0
#define xpv_acpi_get_gsi_from_sbdf(sbdf) ((void)(sbdf), -ENOTTY)
#define IOCTL_PRIVCMD_PCIDEV_GET_GSI \
	_IOC(_IOC_NONE, 'P', 10, sizeof(struct privcmd_pcidev_get_gsi))
struct privcmd_pcidev_get_gsi {
	__u32 sbdf;
	__u32 gsi;
};
#endif

/*
 * Linux 6.9, commit f3a608827d1f ("bdev: open block device as files"): a
 * block device is opened as a struct file, bdev_file_open_by_dev() with
 * blk_mode_t flags (6.5), reached with file_bdev() and released with
 * fput(); blkdev_get_by_dev() and blkdev_put() are gone. Before it,
 * blkdev_get_by_dev() returns the block_device itself and blkdev_put()
 * wants the same fmode_t. struct xpv_bdev_handle is whichever of the two
 * an open returns; xpv_bdev_open() gives it or an ERR_PTR().
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
#define xpv_bdev_handle		file
#define xpv_bdev_mode(wr)	((wr) ? BLK_OPEN_READ | BLK_OPEN_WRITE : BLK_OPEN_READ)
#define xpv_bdev_open(devt, wr)	\
	bdev_file_open_by_dev(devt, xpv_bdev_mode(wr), NULL, NULL)
#define xpv_bdev_get(h)		file_bdev(h)
#define xpv_bdev_close(h, wr)	fput(h)
#else
#define xpv_bdev_handle		block_device
#define xpv_bdev_mode(wr)	((wr) ? FMODE_READ | FMODE_WRITE : FMODE_READ)
#define xpv_bdev_open(devt, wr)	blkdev_get_by_dev(devt, xpv_bdev_mode(wr), NULL)
#define xpv_bdev_get(h)		(h)
#define xpv_bdev_close(h, wr)	blkdev_put(h, xpv_bdev_mode(wr))
#endif

/*
 * Linux 6.5, commit 05bdb9965305 ("block: replace fmode_t with a
 * block-specific type for block open flags"): block_device_operations'
 * ->ioctl() takes a blk_mode_t. Before it, an fmode_t.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
#define xpv_blk_mode_t		blk_mode_t
#else
#define xpv_blk_mode_t		fmode_t
#endif

/*
 * Linux 6.9, commit 27e32cd23fed ("block: pass a queue_limits argument to
 * blk_mq_alloc_disk"), with queue_limits_start_update() and
 * queue_limits_commit_update() for later changes, and Linux 6.11, commit
 * 1122c0c1cc71 ("block: move cache control settings out of queue->flags"),
 * which put the write cache and FUA in the limits' features; the
 * blk_queue_*() setters went in the same release, except
 * blk_queue_disable_discard() and blk_queue_disable_secure_erase() for a
 * completion handler that learns the device cannot discard. Queues are
 * non-rotational unless a driver says otherwise (BLK_FEAT_ROTATIONAL).
 * Before, a driver allocated the disk, then called one setter per limit on
 * its queue, blk_queue_write_cache() for the cache, and flagged a
 * paravirtual queue non-rotational (QUEUE_FLAG_VIRT) itself. (6.9 and
 * 6.10, half-way, are not supported.)
 *
 * A driver fills a struct queue_limits and states its cache separately:
 *   xpv_blk_mq_alloc_disk(set, lim, data, wc, fua)   a disk with them
 *   lim = xpv_queue_limits_start_update(q)           the current limits
 *   xpv_queue_limits_commit_update(q, lim, wc, fua)  apply changed ones
 * Only the limits below are applied on 6.1: logical and physical block
 * size, max_hw_sectors, max_segments, max_segment_size, seg_boundary_mask,
 * dma_alignment, max_hw_discard_sectors, max_secure_erase_sectors, and the
 * discard granularity (when not 0) and alignment.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define xpv_lim_set_cache(lim, wc, fua) ({					\
	struct queue_limits *__xpv_lim = (lim);				\
	bool __xpv_wc = (wc);							\
										\
	__xpv_lim->features &= ~(BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA);	\
	if (__xpv_wc)								\
		__xpv_lim->features |= BLK_FEAT_WRITE_CACHE;			\
	if (__xpv_wc && (fua))							\
		__xpv_lim->features |= BLK_FEAT_FUA;				\
})
#define xpv_blk_mq_alloc_disk(set, lim, data, wc, fua) ({			\
	struct queue_limits *__xpv_al = (lim);					\
										\
	xpv_lim_set_cache(__xpv_al, wc, fua);					\
	blk_mq_alloc_disk(set, __xpv_al, data);				\
})
#define xpv_queue_limits_start_update(q)	queue_limits_start_update(q)
#define xpv_queue_limits_commit_update(q, lim, wc, fua) ({			\
	struct queue_limits *__xpv_cl = (lim);					\
										\
	xpv_lim_set_cache(__xpv_cl, wc, fua);					\
	queue_limits_commit_update(q, __xpv_cl);				\
})
#else
#define xpv_queue_limits_apply(q, lim) ({					\
	struct request_queue *__xpv_q = (q);					\
	const struct queue_limits *__xpv_l = (lim);				\
										\
	blk_queue_logical_block_size(__xpv_q, __xpv_l->logical_block_size);	\
	blk_queue_physical_block_size(__xpv_q, __xpv_l->physical_block_size); \
	blk_queue_max_hw_sectors(__xpv_q, __xpv_l->max_hw_sectors);		\
	blk_queue_segment_boundary(__xpv_q, __xpv_l->seg_boundary_mask);	\
	blk_queue_max_segment_size(__xpv_q, __xpv_l->max_segment_size);	\
	blk_queue_max_segments(__xpv_q, __xpv_l->max_segments);		\
	blk_queue_dma_alignment(__xpv_q, __xpv_l->dma_alignment);		\
	blk_queue_max_discard_sectors(__xpv_q,					\
				      __xpv_l->max_hw_discard_sectors);	\
	blk_queue_max_secure_erase_sectors(__xpv_q,				\
					   __xpv_l->max_secure_erase_sectors);	\
	if (__xpv_l->discard_granularity)					\
		__xpv_q->limits.discard_granularity =				\
			__xpv_l->discard_granularity;				\
	__xpv_q->limits.discard_alignment = __xpv_l->discard_alignment;	\
})
#define xpv_blk_mq_alloc_disk(set, lim, data, wc, fua) ({			\
	struct gendisk *__xpv_disk = blk_mq_alloc_disk(set, data);		\
										\
	if (!IS_ERR(__xpv_disk)) {						\
		blk_queue_flag_set(QUEUE_FLAG_VIRT, __xpv_disk->queue);	\
		xpv_queue_limits_apply(__xpv_disk->queue, lim);		\
		blk_queue_write_cache(__xpv_disk->queue, wc, fua);		\
	}									\
	__xpv_disk;								\
})
#define xpv_queue_limits_start_update(q)	((q)->limits)
#define xpv_queue_limits_commit_update(q, lim, wc, fua) ({			\
	struct request_queue *__xpv_cq = (q);					\
										\
	xpv_queue_limits_apply(__xpv_cq, lim);					\
	blk_queue_write_cache(__xpv_cq, wc, fua);				\
	0;									\
})
#define blk_queue_disable_discard(q)	blk_queue_max_discard_sectors(q, 0)
#define blk_queue_disable_secure_erase(q) \
	blk_queue_max_secure_erase_sectors(q, 0)
#endif

/*
 * Linux 6.3, commit 2a81ada32f0e ("driver core: make struct
 * bus_type.uevent() take a const *"): struct xenbus_driver's uevent()
 * takes a const struct xenbus_device, as every bus's does. A driver's
 * callback takes an xpv_uevent_xbdev pointer.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define xpv_uevent_xbdev	const struct xenbus_device
#else
#define xpv_uevent_xbdev	struct xenbus_device
#endif

/*
 * Linux 6.3, "netdev-genl: create a simple family for netdev stuff" and
 * "drivers: net: turn on XDP features": a driver states the XDP it
 * supports in netdev->xdp_features, and devmap only redirects to a device
 * with NETDEV_XDP_ACT_NDO_XMIT ("bpf: devmap: check XDP features in
 * __xdp_enqueue routine"). Before it, ndo_bpf and ndo_xdp_xmit were
 * enough and there is no such field. xpv_set_xdp_features_redirect()
 * states basic XDP, XDP_REDIRECT and ndo_xdp_xmit.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define xpv_set_xdp_features_redirect(dev)				\
	((dev)->xdp_features = NETDEV_XDP_ACT_BASIC |			\
			       NETDEV_XDP_ACT_REDIRECT |		\
			       NETDEV_XDP_ACT_NDO_XMIT)
#else
#define xpv_set_xdp_features_redirect(dev)	((void)(dev))
#endif

#endif /* XPV_COMPAT_H */
