/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gntalloc.h - private interfaces of xen-gntalloc, the /dev/xen/gntalloc
 * driver.
 *
 * Every .c file of the module includes this header first, so that the one
 * pr_fmt below is seen before <linux/printk.h>.
 *
 * Objects and references (all guarded by the one gntalloc_lock, as the
 * in-tree driver's gref_mutex; nothing here is on a fast path):
 *
 *   struct gntalloc_file  one open file: the grefs it allocated and has not
 *                         deallocated, sorted by offset.
 *   struct gntalloc_gref  one page granted to another domain. Its users are
 *                         the file (until DEALLOC_GREF or close) and each
 *                         mapping of it. When the last goes, the unmap
 *                         notification fires and the grant is revoked; a
 *                         page the other domain still maps waits for it
 *                         (gntalloc-gref.c).
 *   struct gntalloc_vma   the grefs one mmap() maps, shared by the VMAs a
 *                         split or fork makes of it.
 */
#ifndef XPV_GNTALLOC_H
#define XPV_GNTALLOC_H

#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include <xen/grant_table.h>
#include <xen/interface/event_channel.h>
#include <xen/gntalloc.h>

extern struct mutex gntalloc_lock;

/**
 * struct gntalloc_file - state of one open of /dev/xen/gntalloc
 * @grefs: the &struct gntalloc_gref the file holds, by offset
 * @next_index: byte offset the next ALLOC_GREF gets; offsets are not reused
 */
struct gntalloc_file {
	struct list_head grefs;
	u64 next_index;
};

/**
 * struct gntalloc_notify - what to do when a gref's last user goes
 * @flags: UNMAP_NOTIFY_CLEAR_BYTE and/or UNMAP_NOTIFY_SEND_EVENT
 * @pgoff: byte of the page to clear
 * @port: event channel to signal; a reference is held while SEND_EVENT is set
 */
struct gntalloc_notify {
	unsigned int flags;
	unsigned int pgoff;
	evtchn_port_t port;
};

/**
 * struct gntalloc_gref - one page granted to another domain
 * @node: entry in its file's @grefs; then in no list while only mappings
 *	hold it; then in the list of grefs waiting for revocation
 * @page: the page, zeroed when allocated
 * @index: byte offset of the page in its file
 * @users: the file's reference and one per mapping
 * @ref: the grant reference, valid if @granted
 * @granted: Xen's grant table has an entry for @page
 * @notify: SET_UNMAP_NOTIFY's request
 */
struct gntalloc_gref {
	struct list_head node;
	struct page *page;
	u64 index;
	unsigned int users;
	grant_ref_t ref;
	bool granted;
	struct gntalloc_notify notify;
};

/**
 * struct gntalloc_vma - the grefs one mmap() maps
 * @users: VMAs sharing this; the grefs are released with the last
 * @count: number of @grefs
 * @grefs: the mapped grefs, in page order
 */
struct gntalloc_vma {
	unsigned int users;
	unsigned int count;
	struct gntalloc_gref *grefs[];
};

/* --- gntalloc-gref.c: grefs, their grants, the global limit --- */

unsigned int gntalloc_max_grefs(void);
int gntalloc_grefs_alloc(struct gntalloc_file *f, domid_t domid,
			 bool readonly, unsigned int count, u32 *refs,
			 u64 *index);
int gntalloc_grefs_dealloc(struct gntalloc_file *f, u64 index,
			   unsigned int count);
struct gntalloc_gref *gntalloc_gref_find(struct gntalloc_file *f, u64 index,
					 unsigned int count);
void gntalloc_gref_put(struct gntalloc_gref *gref);
void gntalloc_file_release(struct gntalloc_file *f);
void gntalloc_revoke_pending_release(void);

/* --- gntalloc-mmap.c: mapping grefs into the allocating process --- */

int gntalloc_mmap(struct file *file, struct vm_area_struct *vma);

/* --- gntalloc-ioctl.c: the ioctl ABI --- */

long gntalloc_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

#endif /* XPV_GNTALLOC_H */
