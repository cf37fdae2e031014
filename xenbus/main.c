// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - xpv-xenbus: the module itself. It holds no state of its own:
 * every helper works on the xenbus_device and the structures its caller
 * owns, so loading and unloading it only makes the exports come and go.
 */
#include "xpvbus.h"

#include <xpv/module.h>

MODULE_DESCRIPTION("xpv split-driver layer over the kernel's xenbus");
XPV_MODULE_INFO();
MODULE_LICENSE("GPL");
