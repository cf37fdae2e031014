/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fops-crc.h - the headers in-tree privcmd.c includes, for dev.c alone.
 *
 * xenfs imports xen_privcmd_fops, and with CONFIG_MODVERSIONS (Debian) it
 * loads against xen-privcmd only if the symbol's CRC is the one xenfs was
 * built against, in-tree's. genksyms hashes the definition of every type
 * reachable from struct file_operations that the exporting file can see,
 * and leaves out those it only knows by name, so the CRC depends on the
 * headers that file includes: dev.c must see exactly what in-tree
 * privcmd.c sees. The list below is in-tree's, per kernel; what changed in
 * it came with the ioctls compat.h describes (eventfd and the ioreq
 * interface in 6.7, ACPI in 6.12). tests/privcmd/crc.sh compares the CRCs
 * of a build with the kernel's Module.symvers.
 */
#ifndef XPV_PRIVCMD_FOPS_CRC_H
#define XPV_PRIVCMD_FOPS_CRC_H

#include <linux/errno.h>
#include <linux/highmem.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/notifier.h>
#include <linux/pagemap.h>
#include <linux/sched.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <asm/xen/hypercall.h>
#include <asm/xen/hypervisor.h>

#include <xen/balloon.h>
#include <xen/features.h>
#include <xen/interface/hvm/dm_op.h>
#include <xen/interface/memory.h>
#include <xen/interface/xen.h>
#include <xen/page.h>
#include <xen/privcmd.h>
#include <xen/xen-ops.h>
#include <xen/xen.h>
#include <xen/xenbus.h>

#if XPV_HAVE_PRIVCMD_EVENTFD_IOCTLS
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/srcu.h>
#include <linux/virtio_mmio.h>
#include <linux/workqueue.h>
#include <xen/events.h>
#include <xen/interface/hvm/ioreq.h>
#endif

#if XPV_HAVE_PRIVCMD_PCIDEV_GSI
#include <xen/acpi.h>
#endif

#endif /* XPV_PRIVCMD_FOPS_CRC_H */
