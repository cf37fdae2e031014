/* SPDX-License-Identifier: GPL-2.0 */
/*
 * privcmd.h - private interfaces of xen-privcmd, the /dev/xen/privcmd and
 * /dev/xen/hypercall driver.
 *
 * Every .c file of the module includes this header first, so that the one
 * pr_fmt below is seen before <linux/printk.h>.
 *
 * Objects and their locks:
 *
 *   struct privcmd_file   one open of /dev/xen/privcmd (or of xenfs's
 *                         /proc/xen/privcmd): the domain it is restricted
 *                         to. Set at open, narrowed once by cmpxchg(),
 *                         read with READ_ONCE().
 *   struct privcmd_vma    what privcmd knows about one of its mappings once
 *                         an ioctl has filled it. Guarded by the mmap_lock
 *                         of the one mm that maps it: privcmd VMAs are never
 *                         copied into a child.
 *   struct privcmd_array  a user array an ioctl copied in; the ioctl's own.
 *   struct privcmd_buf    the pages of one /dev/xen/hypercall mapping;
 *                         refcounted, as forks and splits share it.
 *
 * An ioctl holding mmap_lock never touches user memory: it copies its
 * arguments in before taking the lock and its results out after dropping it
 * (a fault on user memory would take mmap_lock again).
 */
#ifndef XPV_PRIVCMD_H
#define XPV_PRIVCMD_H

#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/compiler.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/refcount.h>
#include <linux/types.h>

#include <xen/interface/xen.h>
#include <xen/page.h>

/*
 * xpv builds for x86-64 only, where a Linux page is exactly one Xen page:
 * the n-th frame of a request lands in the n-th page of the VMA.
 */
static_assert(XEN_PAGE_SIZE == PAGE_SIZE);

/* The file operations xenfs (/proc/xen/privcmd) links against; dev.c, buf.c. */
extern const struct file_operations xen_privcmd_fops;
extern const struct file_operations xen_privcmdbuf_fops;

/* --- restrict.c: which domain an open file may act on (XSA-482) --- */

/**
 * struct privcmd_file - one open of the privcmd device
 * @domid: the one domain the file may act on, or %DOMID_INVALID for any
 *	domain and raw hypercalls. Never widened once set.
 */
struct privcmd_file {
	unsigned int domid;
};

static inline bool privcmd_restricted(const struct privcmd_file *pf)
{
	return READ_ONCE(pf->domid) != DOMID_INVALID;
}

/* May @pf map, or run device-model operations on, domain @dom? */
static inline bool privcmd_may_act_on(const struct privcmd_file *pf,
				      domid_t dom)
{
	unsigned int domid = READ_ONCE(pf->domid);

	return domid == DOMID_INVALID || domid == dom;
}

void privcmd_restrict_init(void);
void privcmd_restrict_exit(void);
int privcmd_default_domid(void);
long privcmd_ioctl_restrict(struct privcmd_file *pf, void __user *uarg);

/* --- vma.c: privcmd mappings, their filling and their teardown --- */

/**
 * struct privcmd_vma - a privcmd mapping that an ioctl has filled
 * @users: VMAs sharing this state: 1, and 2 while mremap() moves one
 * @nr_pages: size of the VMA in pages (it can neither grow nor split)
 * @pages: auto-translated only: for each page of the VMA, the unpopulated
 *	page at whose frame number Xen mapped the foreign frame, or NULL
 *
 * A VMA with this state attached is "claimed": later ioctls may only fill
 * its holes, pages whose PTE is still empty. In-tree marks the same with
 * its PRIV_VMA_LOCKED sentinel or its page array.
 */
struct privcmd_vma {
	refcount_t users;
	unsigned long nr_pages;
	struct page **pages;
};

/**
 * enum privcmd_fill - how an ioctl may fill a privcmd VMA
 * @PRIVCMD_FILL_ONCE: IOCTL_PRIVCMD_MMAP: the VMA must start at the address
 *	and be unclaimed; the entries then say how far it is filled.
 * @PRIVCMD_FILL_BATCH: IOCTL_PRIVCMD_MMAPBATCH*: a first fill covers the
 *	VMA exactly; later ones fill holes.
 * @PRIVCMD_FILL_RANGE: IOCTL_PRIVCMD_MMAP_RESOURCE: a first fill may cover
 *	any part of the VMA; later ones fill holes.
 */
enum privcmd_fill {
	PRIVCMD_FILL_ONCE,
	PRIVCMD_FILL_BATCH,
	PRIVCMD_FILL_RANGE,
};

int privcmd_mmap(struct file *file, struct vm_area_struct *vma);
int privcmd_vma_fill_begin(struct mm_struct *mm, unsigned long addr,
			   unsigned long nr_pages, enum privcmd_fill how,
			   struct vm_area_struct **vmap);
struct page **privcmd_vma_pages(struct vm_area_struct *vma,
				unsigned long addr);
int privcmd_vma_map_pages(struct vm_area_struct *vma, unsigned long addr,
			  unsigned long nr_pages);

/* --- array.c: user arrays copied into kernel pages --- */

/**
 * struct privcmd_array - a user array copied into a list of kernel pages
 * @pages: the pages, linked through page->lru; each holds as many whole
 *	elements as fit
 * @count: number of elements
 * @size: size of one element, at most PAGE_SIZE
 *
 * Pages are allocated as the copy proceeds, so a huge count with a short
 * user array fails with -EFAULT after allocating no more than the user
 * array itself occupies: no count-sized allocation is ever attempted.
 */
struct privcmd_array {
	struct list_head pages;
	unsigned long count;
	size_t size;
};

/**
 * struct privcmd_chunk - the elements of one page of a &struct privcmd_array
 * @page: the page, or NULL past the last one
 * @elems: its elements
 * @nr: number of elements in @elems; 0 past the last page
 * @first: index in the array of @elems[0]
 */
struct privcmd_chunk {
	struct page *page;
	void *elems;
	unsigned int nr;
	unsigned long first;
};

int privcmd_array_copy_in(struct privcmd_array *a, const void __user *src,
			  unsigned long count, size_t size);
void privcmd_array_free(struct privcmd_array *a);
void privcmd_chunk_first(struct privcmd_array *a,
			 struct privcmd_chunk *c);
void privcmd_chunk_next(struct privcmd_array *a,
			struct privcmd_chunk *c);

/* --- the ioctls: ioctl.c dispatches to the others --- */

long privcmd_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
long privcmd_ioctl_mmap(struct privcmd_file *pf, void __user *uarg);
long privcmd_ioctl_mmapbatch(struct privcmd_file *pf, void __user *uarg,
			     bool v2);
long privcmd_ioctl_mmap_resource(struct privcmd_file *pf, void __user *uarg);
long privcmd_ioctl_dm_op(struct privcmd_file *pf, void __user *uarg);

/* --- buf.c: /dev/xen/hypercall --- */

int privcmd_buf_register(void);
void privcmd_buf_unregister(void);

#endif /* XPV_PRIVCMD_H */
