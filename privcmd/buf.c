// SPDX-License-Identifier: GPL-2.0
/*
 * buf.c - /dev/xen/hypercall: memory for hypercall arguments.
 *
 * libxencall mmap()s this device to get the buffers it hands to Xen. The
 * pages are the kernel's own, zeroed, and mapped with VM_IO, so the core
 * never unmaps them behind our back: mlock()ed anonymous memory, the
 * fallback, may still be migrated or compacted, and Xen would then fault
 * on it in the middle of a hypercall.
 *
 * As in-tree (privcmd-buf.c): only shared mappings (EINVAL otherwise), the
 * mapping cannot grow (VM_DONTEXPAND; mremap() to a larger size fails), a
 * fork()ed child shares the pages, and touching a page that is not mapped
 * any more raises SIGBUS. The pages belong to a refcounted struct
 * privcmd_buf that every VMA made from the mapping - by fork(), by a
 * partial munmap() splitting it, by mremap() moving it - holds a reference
 * on, so they are freed when the last of those is unmapped, and never
 * while one still maps them. There is no per-file state: a mapping holds
 * the file open.
 */
#include "privcmd.h"

#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

/**
 * struct privcmd_buf - the pages of one mapping of /dev/xen/hypercall
 * @users: VMAs made from the mapping
 * @nr_pages: number of pages
 * @pages: the pages, zeroed at allocation
 */
struct privcmd_buf {
	refcount_t users;
	unsigned long nr_pages;
	struct page *pages[];
};

static void privcmd_buf_free(struct privcmd_buf *buf)
{
	unsigned long i;

	for (i = 0; i < buf->nr_pages; i++)
		if (buf->pages[i])
			__free_page(buf->pages[i]);
	kvfree(buf);
}

static struct privcmd_buf *privcmd_buf_alloc(unsigned long nr_pages)
{
	struct privcmd_buf *buf;
	unsigned long i;

	buf = kvzalloc(struct_size(buf, pages, nr_pages),
		       GFP_KERNEL | __GFP_NOWARN);
	if (!buf)
		return NULL;
	refcount_set(&buf->users, 1);
	buf->nr_pages = nr_pages;

	for (i = 0; i < nr_pages; i++) {
		buf->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!buf->pages[i] || fatal_signal_pending(current)) {
			privcmd_buf_free(buf);
			return NULL;
		}
	}
	return buf;
}

static void privcmd_buf_vma_open(struct vm_area_struct *vma)
{
	struct privcmd_buf *buf = vma->vm_private_data;

	refcount_inc(&buf->users);
}

static void privcmd_buf_vma_close(struct vm_area_struct *vma)
{
	struct privcmd_buf *buf = vma->vm_private_data;

	if (refcount_dec_and_test(&buf->users))
		privcmd_buf_free(buf);
}

static vm_fault_t privcmd_buf_vma_fault(struct vm_fault *vmf)
{
	pr_debug("hypercall buffer fault at %#lx in %#lx-%#lx\n",
		 vmf->address, vmf->vma->vm_start, vmf->vma->vm_end);
	return VM_FAULT_SIGBUS;
}

static const struct vm_operations_struct privcmd_buf_vm_ops = {
	.open	= privcmd_buf_vma_open,
	.close	= privcmd_buf_vma_close,
	.fault	= privcmd_buf_vma_fault,
};

static int privcmd_buf_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct privcmd_buf *buf;
	int rc;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	buf = privcmd_buf_alloc(vma_pages(vma));
	if (!buf)
		return -ENOMEM;

	vm_flags_set(vma, VM_IO | VM_DONTEXPAND);
	rc = vm_map_pages_zero(vma, buf->pages, buf->nr_pages);
	if (rc) {
		/*
		 * Pages already mapped keep their own reference until the
		 * core unmaps them on this error path.
		 */
		privcmd_buf_free(buf);
		return rc;
	}

	vma->vm_ops = &privcmd_buf_vm_ops;
	vma->vm_private_data = buf;
	return 0;
}

/*
 * Exported, as in-tree; no in-tree module imports it (xenfs offers no
 * hypercall buffer file).
 */
const struct file_operations xen_privcmdbuf_fops = {
	.owner	= THIS_MODULE,
	.mmap	= privcmd_buf_mmap,
};
EXPORT_SYMBOL_GPL(xen_privcmdbuf_fops);

static struct miscdevice privcmd_buf_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "xen/hypercall",
	.fops	= &xen_privcmdbuf_fops,
	.mode	= 0600,
};

/**
 * privcmd_buf_register() - create /dev/xen/hypercall
 *
 * Return: 0 or misc_register()'s error.
 */
int privcmd_buf_register(void)
{
	return misc_register(&privcmd_buf_miscdev);
}

/**
 * privcmd_buf_unregister() - remove /dev/xen/hypercall
 */
void privcmd_buf_unregister(void)
{
	misc_deregister(&privcmd_buf_miscdev);
}
