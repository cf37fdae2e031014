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

#endif /* XPV_COMPAT_H */
