/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xpvbus.h - private to xpv-xenbus. Every .c file of the module includes it
 * first, so that the one pr_fmt below is seen before <linux/printk.h>.
 */
#ifndef XPV_XPVBUS_H
#define XPV_XPVBUS_H

#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <xpv/xenbus.h>

#endif /* XPV_XPVBUS_H */
