// SPDX-License-Identifier: GPL-2.0
/*
 * vma.c - the mappings of /dev/xen/privcmd.
 *
 * mmap() of privcmd makes an empty VMA, with in-tree's flags: VM_IO and
 * VM_PFNMAP (foreign frames, which the core must not treat as our pages),
 * VM_DONTCOPY (fork() cannot recreate foreign mappings, so a child gets
 * none), VM_DONTEXPAND and VM_DONTDUMP. Touching a page that no ioctl has
 * filled raises SIGBUS.
 *
 * The map ioctls fill it through privcmd_vma_fill_begin(), with the mm's
 * mmap_lock held for writing. The first fill claims the VMA (attaches a
 * struct privcmd_vma); later fills may only map holes, pages whose PTE is
 * still empty: libxenforeignmemory retries the frames that failed with
 * -ENOENT (paged out) that way. Whether the range must start at the VMA or
 * cover it is the ioctl's rule, see enum privcmd_fill.
 *
 * PV: Xen writes the foreign machine frames into our page tables
 * (mmu_update), and there is nothing to undo but the PTEs, which the core
 * zaps at munmap().
 * Auto-translated (PVH dom0): Xen maps each foreign frame into our own
 * physical address space, at the frame of an unpopulated page we give it
 * (xen_alloc_unpopulated_pages()), and the VMA maps those pages. The last
 * close() takes the foreign frames back out of our physmap
 * (xen_unmap_domain_gfn_range()) and returns the pages.
 *
 * Lifetime: the VMA cannot grow (VM_DONTEXPAND) or be split (may_split),
 * so its size is fixed, and it is never copied into a child. mremap() may
 * still move it whole: the new VMA's open() takes a reference on the
 * state, the old one's close() drops one, so that the teardown runs once,
 * at the last close() - munmap() or exit.
 */
#include "privcmd.h"

#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/slab.h>

#include <xen/features.h>
#include <xen/xen.h>
#include <xen/xen-ops.h>

static const struct vm_operations_struct privcmd_vm_ops;

/* Give back the allocated ones among pages[0..nr), run by run. */
static void privcmd_vma_free_pages(struct vm_area_struct *vma,
				   struct page **pages, unsigned long nr)
{
	unsigned long i = 0, run;
	int rc;

	while (i < nr) {
		if (!pages[i]) {
			i++;
			continue;
		}
		for (run = 1; i + run < nr && pages[i + run]; run++)
			;

		rc = xen_unmap_domain_gfn_range(vma, run, &pages[i]);
		if (rc)
			pr_crit("cannot unmap foreign frames: leaking %lu pages (%d)\n",
				run, rc);
		else
			xen_free_unpopulated_pages(run, &pages[i]);
		i += run;
	}
}

static void privcmd_vma_open(struct vm_area_struct *vma)
{
	struct privcmd_vma *pv = vma->vm_private_data;

	if (pv)
		refcount_inc(&pv->users);
}

static void privcmd_vma_close(struct vm_area_struct *vma)
{
	struct privcmd_vma *pv = vma->vm_private_data;

	if (!pv || !refcount_dec_and_test(&pv->users))
		return;

	/* The core has zapped the PTEs: nothing maps the pages any more. */
	if (pv->pages) {
		privcmd_vma_free_pages(vma, pv->pages, pv->nr_pages);
		kvfree(pv->pages);
	}
	kfree(pv);
}

static int privcmd_vma_may_split(struct vm_area_struct *vma,
				 unsigned long addr)
{
	/* A part could not tell which foreign frames are its own. */
	return -EINVAL;
}

static vm_fault_t privcmd_vma_fault(struct vm_fault *vmf)
{
	pr_debug("fault at %#lx in %#lx-%#lx: no frame mapped there\n",
		 vmf->address, vmf->vma->vm_start, vmf->vma->vm_end);
	return VM_FAULT_SIGBUS;
}

static const struct vm_operations_struct privcmd_vm_ops = {
	.open		= privcmd_vma_open,
	.close		= privcmd_vma_close,
	.may_split	= privcmd_vma_may_split,
	.fault		= privcmd_vma_fault,
};

/**
 * privcmd_mmap() - mmap of /dev/xen/privcmd: an empty VMA for the map ioctls
 * @file: the privcmd file
 * @vma: the new VMA
 *
 * Return: 0.
 */
int privcmd_mmap(struct file *file, struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTCOPY | VM_DONTEXPAND |
			  VM_DONTDUMP);
	vma->vm_ops = &privcmd_vm_ops;
	vma->vm_private_data = NULL;
	return 0;
}

/* The privcmd VMA holding [addr, addr + nr_pages pages), or NULL. */
static struct vm_area_struct *privcmd_vma_find(struct mm_struct *mm,
					       unsigned long addr,
					       unsigned long nr_pages)
{
	struct vm_area_struct *vma;

	if (!PAGE_ALIGNED(addr) || !nr_pages)
		return NULL;

	vma = vma_lookup(mm, addr);
	if (!vma || vma->vm_ops != &privcmd_vm_ops)
		return NULL;
	if (nr_pages > (vma->vm_end - addr) >> PAGE_SHIFT)
		return NULL;
	return vma;
}

static int privcmd_vma_claim(struct vm_area_struct *vma)
{
	struct privcmd_vma *pv;

	pv = kzalloc(sizeof(*pv), GFP_KERNEL);
	if (!pv)
		return -ENOMEM;

	refcount_set(&pv->users, 1);
	pv->nr_pages = vma_pages(vma);
	if (xen_feature(XENFEAT_auto_translated_physmap)) {
		pv->pages = kvcalloc(pv->nr_pages, sizeof(*pv->pages),
				     GFP_KERNEL | __GFP_NOWARN);
		if (!pv->pages) {
			kfree(pv);
			return -ENOMEM;
		}
	}

	vma->vm_private_data = pv;
	return 0;
}

/* Auto-translated: make sure pages[first..first+nr) are allocated. */
static int privcmd_vma_alloc_pages(struct privcmd_vma *pv,
				   unsigned long first, unsigned long nr)
{
	struct page **pages = pv->pages + first;
	unsigned long i = 0, run;
	int rc;

	while (i < nr) {
		if (pages[i]) {
			i++;
			continue;
		}
		for (run = 1; i + run < nr && !pages[i + run]; run++)
			;

		rc = xen_alloc_unpopulated_pages(run, &pages[i]);
		if (rc) {
			memset(&pages[i], 0, run * sizeof(*pages));
			return rc;
		}
		i += run;
	}
	return 0;
}

static int privcmd_pte_is_none(pte_t *ptep, unsigned long addr, void *data)
{
	return pte_none(ptep_get(ptep)) ? 0 : -EBUSY;
}

static bool privcmd_vma_range_empty(struct vm_area_struct *vma,
				    unsigned long addr, unsigned long nr_pages)
{
	return !apply_to_page_range(vma->vm_mm, addr, nr_pages << PAGE_SHIFT,
				    privcmd_pte_is_none, NULL);
}

/**
 * privcmd_vma_fill_begin() - find, check and claim the VMA a map ioctl fills
 * @mm: the caller's mm, its mmap_lock held for writing
 * @addr: first address to fill
 * @nr_pages: number of pages to fill
 * @how: the ioctl's rule, see &enum privcmd_fill
 * @vmap: where to return the VMA
 *
 * On auto-translated domains this also allocates the unpopulated pages the
 * range needs. A VMA claimed here stays claimed if the fill fails later.
 *
 * Return: 0; -EINVAL if the range is not page-aligned, not inside one
 * privcmd VMA, breaks @how's rule or is not empty on a claimed VMA (all
 * as in-tree); -ENOMEM.
 */
int privcmd_vma_fill_begin(struct mm_struct *mm, unsigned long addr,
			   unsigned long nr_pages, enum privcmd_fill how,
			   struct vm_area_struct **vmap)
{
	struct vm_area_struct *vma;
	struct privcmd_vma *pv;
	int rc;

	mmap_assert_write_locked(mm);

	vma = privcmd_vma_find(mm, addr, nr_pages);
	if (!vma)
		return -EINVAL;

	pv = vma->vm_private_data;
	if (!pv) {
		if (how != PRIVCMD_FILL_RANGE && addr != vma->vm_start)
			return -EINVAL;
		if (how == PRIVCMD_FILL_BATCH && nr_pages != vma_pages(vma))
			return -EINVAL;
		rc = privcmd_vma_claim(vma);
		if (rc)
			return rc;
		pv = vma->vm_private_data;
	} else {
		if (how == PRIVCMD_FILL_ONCE)
			return -EINVAL;
		if (!privcmd_vma_range_empty(vma, addr, nr_pages))
			return -EINVAL;
	}

	if (pv->pages) {
		rc = privcmd_vma_alloc_pages(pv,
					     (addr - vma->vm_start) >> PAGE_SHIFT,
					     nr_pages);
		if (rc)
			return rc;
	}

	*vmap = vma;
	return 0;
}

/**
 * privcmd_vma_pages() - the unpopulated pages behind part of a claimed VMA
 * @vma: a VMA privcmd_vma_fill_begin() returned
 * @addr: an address in it
 *
 * Return: on auto-translated domains the page array entry for @addr, which
 * the following entries continue up to the end of the VMA; on PV, NULL.
 */
struct page **privcmd_vma_pages(struct vm_area_struct *vma,
				unsigned long addr)
{
	struct privcmd_vma *pv = vma->vm_private_data;

	if (!pv->pages)
		return NULL;
	return pv->pages + ((addr - vma->vm_start) >> PAGE_SHIFT);
}

struct privcmd_remap {
	struct mm_struct *mm;
	struct page **pages;
	pgprot_t prot;
};

static int privcmd_set_pte(pte_t *ptep, unsigned long addr, void *data)
{
	struct privcmd_remap *r = data;
	struct page *page = *r->pages++;

	set_pte_at(r->mm, addr, ptep,
		   pte_mkspecial(pfn_pte(page_to_pfn(page), r->prot)));
	return 0;
}

/**
 * privcmd_vma_map_pages() - map a claimed VMA's own pages (auto-translated)
 * @vma: a VMA privcmd_vma_fill_begin() returned, on an auto-translated
 *	domain
 * @addr: first address to map
 * @nr_pages: number of pages
 *
 * For resources: Xen has put the frames at our pages' frame numbers, this
 * makes the VMA show them.
 *
 * Return: 0 or -ENOMEM (page tables).
 */
int privcmd_vma_map_pages(struct vm_area_struct *vma, unsigned long addr,
			  unsigned long nr_pages)
{
	struct privcmd_remap r = {
		.mm	= vma->vm_mm,
		.pages	= privcmd_vma_pages(vma, addr),
		.prot	= vma->vm_page_prot,
	};

	return apply_to_page_range(r.mm, addr, nr_pages << PAGE_SHIFT,
				   privcmd_set_pte, &r);
}
