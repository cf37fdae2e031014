/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xpv/module.h - what every xpv module declares about itself.
 */
#ifndef XPV_MODULE_H
#define XPV_MODULE_H

#include <linux/module.h>

#ifndef XPV_VERSION
#define XPV_VERSION "unknown"
#endif

/*
 * XPV_MODULE_INFO() - mark a module as xpv's.
 *
 * `modinfo -F xpv <module>` prints the xpv version it was built from; the
 * in-tree module of the same name has no such field. The testbed relies on
 * this (and on the build-id) to prove which implementation is loaded.
 */
#define XPV_MODULE_INFO() MODULE_INFO(xpv, XPV_VERSION)

#endif /* XPV_MODULE_H */
