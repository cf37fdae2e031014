// SPDX-License-Identifier: GPL-2.0
/*
 * gntalloc-mmap.c - mapping granted pages into the process that allocated
 * them.
 *
 * The pages are ordinary kernel pages, inserted with vm_insert_page(); the
 * mapping must be shared (a private copy would not be what the other domain
 * sees). Any run of grefs at consecutive offsets that the file holds can be
 * mapped, any number of times. Each mapping holds its grefs until its last
 * VMA goes, so DEALLOC_GREF or close while mapped only drops the file's
 * hold; the grefs are released at munmap().
 *
 * xpv: the grefs a mapping holds are recorded in it. In-tree walks the
 * global gref list from the first one at munmap(), which releases the wrong
 * grefs when a mapping spans two ALLOC_GREFs and another file allocated in
 * between.
 */
#include "gntalloc.h"

#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>

static void gntalloc_vma_open(struct vm_area_struct *vma)
{
	struct gntalloc_vma *vm = vma->vm_private_data;

	mutex_lock(&gntalloc_lock);
	vm->users++;
	mutex_unlock(&gntalloc_lock);
}

static void gntalloc_vma_close(struct vm_area_struct *vma)
{
	struct gntalloc_vma *vm = vma->vm_private_data;
	unsigned int i;

	mutex_lock(&gntalloc_lock);
	if (!--vm->users) {
		for (i = 0; i < vm->count; i++)
			gntalloc_gref_put(vm->grefs[i]);
		kfree(vm);
	}
	mutex_unlock(&gntalloc_lock);
}

static const struct vm_operations_struct gntalloc_vm_ops = {
	.open	= gntalloc_vma_open,
	.close	= gntalloc_vma_close,
};

/**
 * gntalloc_mmap() - mmap of /dev/xen/gntalloc
 * @file: the open file
 * @vma: the new VMA; its offset and size name grefs the file holds
 *
 * Return: 0; -EINVAL if the mapping is not shared, -ENOENT if the file
 * does not hold a gref at every page of the range (the in-tree errnos);
 * -ENOMEM, or vm_insert_page()'s error.
 */
int gntalloc_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct gntalloc_file *f = file->private_data;
	unsigned long count = vma_pages(vma);
	struct gntalloc_gref *gref = NULL;
	struct gntalloc_vma *vm;
	unsigned int i;
	int rc = 0;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	mutex_lock(&gntalloc_lock);
	if (count <= UINT_MAX)
		gref = gntalloc_gref_find(f, (u64)vma->vm_pgoff << PAGE_SHIFT,
					  count);
	if (!gref) {
		rc = -ENOENT;
		goto out_unlock;
	}

	/* @count is bounded by the grefs found, hence by the limit. */
	vm = kmalloc(struct_size(vm, grefs, count), GFP_KERNEL);
	if (!vm) {
		rc = -ENOMEM;
		goto out_unlock;
	}

	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	for (i = 0; i < count; i++) {
		rc = vm_insert_page(vma, vma->vm_start + i * PAGE_SIZE,
				    gref->page);
		if (rc)
			break;
		gref->users++;
		vm->grefs[i] = gref;
		gref = list_next_entry(gref, node);
	}
	if (rc) {
		/* The file still holds them: none is released here. */
		while (i--)
			gntalloc_gref_put(vm->grefs[i]);
		kfree(vm);
		goto out_unlock;
	}

	vm->users = 1;
	vm->count = count;
	vma->vm_private_data = vm;
	vma->vm_ops = &gntalloc_vm_ops;
out_unlock:
	mutex_unlock(&gntalloc_lock);
	return rc;
}
