/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gntdev.h - private interfaces of xen-gntdev, the /dev/xen/gntdev driver.
 *
 * Every .c file of the module includes this header first, so that the one
 * pr_fmt below is seen before <linux/printk.h>.
 *
 * Objects, references and locks:
 *
 *   struct gntdev_file  one open file. @lock guards its list of maps (the
 *                       "index space" of the file) and the one-time claim
 *                       of a map by mmap(). @copy_lock guards the spare
 *                       GRANT_COPY batches.
 *   struct gntdev_map   one MAP_GRANT_REF: the grants, the pages they are
 *                       mapped at in the kernel, the hypercall arguments.
 *                       @users counts the file's list (until UNMAP_GRANT_REF
 *                       or close) and every VMA of the mapping. When it
 *                       drops to zero the map is torn down: its kernel
 *                       mappings are undone (asynchronously, once nobody
 *                       holds a page), then it is freed.
 *
 * Lock order: mmap lock -> gntdev_file.lock -> gntdev_map.notify_lock.
 * mmap() takes the file's lock under the mmap lock, so no ioctl touches user
 * memory while holding it. The MMU notifier takes no lock but notify_lock;
 * it claims user mappings with atomic bits.
 */
#ifndef XPV_GNTDEV_H
#define XPV_GNTDEV_H

#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <xen/grant_table.h>
#include <xen/interface/event_channel.h>
#include <xen/gntdev.h>

/* --- gntdev-dev.c: the device and its parameters --- */

/*
 * True in a PV domain: grants are mapped into user space by Xen writing the
 * process's page-table entries (GNTMAP_contains_pte), and an MMU notifier
 * undoes them before Linux tears those entries down. False in auto-
 * translated domains (PVH, HVM): grants are mapped at kernel pages that are
 * then inserted into the VMA like any other page.
 */
extern bool gntdev_use_ptemod;

unsigned int gntdev_max_grants_per_map(void);

/**
 * struct gntdev_file - state of one open of /dev/xen/gntdev
 * @lock: guards @maps and every map's @mmapped
 * @maps: the file's &struct gntdev_map, sorted by index
 * @copy_lock: guards @spare
 * @spare: GRANT_COPY batches that no ioctl is using, singly linked
 */
struct gntdev_file {
	struct mutex lock;		/* maps, mmap claims */
	struct list_head maps;
	struct mutex copy_lock;		/* spare batches */
	struct gntdev_copy_batch *spare;
};

/* --- gntdev-map.c: one MAP_GRANT_REF and its life --- */

/**
 * struct gntdev_notify - what to do when a map goes away
 * @flags: UNMAP_NOTIFY_CLEAR_BYTE and/or UNMAP_NOTIFY_SEND_EVENT
 * @offset: byte to clear, relative to the start of the map
 * @port: event channel to signal; a reference is held while SEND_EVENT is set
 */
struct gntdev_notify {
	unsigned int flags;
	unsigned int offset;
	evtchn_port_t port;
};

/**
 * struct gntdev_map - the grants of one MAP_GRANT_REF
 * @node: entry in &gntdev_file.maps; empty once the file let go
 * @users: the file's reference and one per VMA
 * @index: first page offset in the file (mmap offset >> PAGE_SHIFT)
 * @count: number of grants and pages
 * @mmapped: mmap() claimed the map; set once, under &gntdev_file.lock
 * @readonly: the mapping is read-only (the VMA had no VM_WRITE)
 * @grants: (domid, ref) of each page, as user space gave them
 * @map_ops: Xen's arguments to map each grant: into the user's page table
 *	(PV), or at the kernel page (auto-translated)
 * @unmap_ops: the matching unmaps; a handle is valid while mapped
 * @kmap_ops: PV only: map each grant at its kernel page too
 * @kunmap_ops: PV only: the matching unmaps
 * @user_claimed: PV only: bit i set once the user mapping of page i is
 *	being or has been undone; claimed atomically by the MMU notifier
 * @pages: the kernel pages the grants are mapped at (gnttab_alloc_pages())
 * @vm_start: user address of page 0, for find_special_page()
 * @notifier: PV only: tells us before Linux changes the user mapping
 * @notifier_active: @notifier is registered
 * @notify_lock: guards @notify
 * @notify: SET_UNMAP_NOTIFY's request
 * @teardown: the asynchronous unmap of the kernel mappings
 */
struct gntdev_map {
	struct list_head node;
	refcount_t users;
	unsigned long index;
	unsigned int count;
	bool mmapped;
	bool readonly;
	struct ioctl_gntdev_grant_ref *grants;
	struct gnttab_map_grant_ref *map_ops;
	struct gnttab_unmap_grant_ref *unmap_ops;
	struct gnttab_map_grant_ref *kmap_ops;
	struct gnttab_unmap_grant_ref *kunmap_ops;
	unsigned long *user_claimed;
	struct page **pages;
	unsigned long vm_start;
	struct mmu_interval_notifier notifier;
	bool notifier_active;
	spinlock_t notify_lock;		/* notify */
	struct gntdev_notify notify;
	struct gntab_unmap_queue_data teardown;
};

struct gntdev_map *gntdev_map_alloc(unsigned int count);
void gntdev_map_add(struct gntdev_file *f, struct gntdev_map *map);
struct gntdev_map *gntdev_map_find(struct gntdev_file *f, unsigned long index,
				   unsigned int count);
struct gntdev_map *gntdev_map_find_offset(struct gntdev_file *f, u64 offset);
void gntdev_map_put(struct gntdev_map *map);
bool gntdev_map_kernel_mapped(const struct gntdev_map *map, unsigned int i);
void gntdev_map_clear_byte(struct gntdev_map *map, unsigned int first,
			   unsigned int nr);
void gntdev_map_wait_teardowns(void);

/* --- gntdev-mmap.c: mapping grants into user space --- */

int gntdev_mmap(struct file *file, struct vm_area_struct *vma);
struct gntdev_map *gntdev_vma_map(struct vm_area_struct *vma);
void gntdev_unmap_user(struct gntdev_map *map, unsigned int first,
		       unsigned int nr);

/* --- gntdev-copy.c: IOCTL_GNTDEV_GRANT_COPY --- */

struct gntdev_copy_batch;

long gntdev_ioctl_grant_copy(struct gntdev_file *f, void __user *uarg);
void gntdev_copy_free_spares(struct gntdev_file *f);

/* --- gntdev-ioctl.c: the ioctl ABI --- */

long gntdev_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

#endif /* XPV_GNTDEV_H */
