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

#endif /* XPV_COMPAT_H */
