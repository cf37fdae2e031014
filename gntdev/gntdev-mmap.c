// SPDX-License-Identifier: GPL-2.0
/*
 * gntdev-mmap.c - mapping a map's grants into a process, and keeping the
 * mapping coherent with the process's page tables.
 *
 * PV domain (gntdev_use_ptemod): each grant is mapped twice by one
 * gnttab_map_refs() call. Xen writes the user's page-table entry itself
 * (GNTMAP_contains_pte, the entry's machine address found with
 * apply_to_page_range()), and maps the grant at the map's kernel page too,
 * whose p2m entry the core then points at the foreign frame, so that
 * get_user_pages() and I/O on the user mapping work. The user entries carry
 * the first guest-available PTE bit, which is _PAGE_SPECIAL on x86:
 * vm_normal_page() then asks find_special_page() for the kernel page.
 *
 * Xen insists that a grant mapped through a PTE is unmapped through the
 * grant interface, never by Linux clearing the PTE. So an MMU interval
 * notifier on the VMA's range unmaps the user mappings, synchronously,
 * before any change to those entries (munmap, mprotect, exit). The kernel
 * mappings stay until the map is torn down (gntdev-map.c), which waits for
 * anyone still holding a page (I/O on a page pinned through the user
 * mapping keeps working after munmap()). Each page's user mapping is undone
 * once: the first to set its bit in user_claimed does it, so concurrent
 * invalidations of overlapping ranges never unmap a handle twice.
 *
 * xpv: in-tree unmaps both mappings together from the notifier, through
 * gnttab_unmap_refs_async(), which waits while anyone holds a page; Linux
 * may then clear a PTE still holding a grant (an implicit unmap, which Xen
 * does not undo), and the grant stays pinned. Here the user mapping always
 * goes first; the other domain sees its grant released when the map is
 * torn down (UNMAP_GRANT_REF or close, after munmap) rather than at munmap.
 *
 * Auto-translated domain: the grants are mapped at the kernel pages only,
 * and the pages inserted into the VMA (vm_map_pages_zero()). Nothing needs
 * to happen before the VMA changes; the grants stay mapped until teardown.
 *
 * A map can be mmap()ed once, whole, as in-tree. A read-only mapping is
 * made when the VMA is not writable; it cannot be made writable later
 * (xpv: VM_MAYWRITE is cleared, so mprotect() fails instead of asking Xen to
 * write-enable a read-only grant entry).
 */
#include "gntdev.h"

#include <linux/bitops.h>
#include <linux/mm.h>

#include <xen/interface/grant_table.h>

#include <asm/xen/hypercall.h>
#include <asm/xen/page.h>

static void gntdev_vma_open(struct vm_area_struct *vma)
{
	struct gntdev_map *map = vma->vm_private_data;

	refcount_inc(&map->users);
}

static void gntdev_vma_close(struct vm_area_struct *vma)
{
	struct gntdev_map *map = vma->vm_private_data;

	vma->vm_private_data = NULL;
	gntdev_map_put(map);
}

/* PV: the page behind a special PTE; vm_start is the map's, not a split's. */
static struct page *gntdev_vma_find_special_page(struct vm_area_struct *vma,
						 unsigned long addr)
{
	struct gntdev_map *map = vma->vm_private_data;
	unsigned long i = (addr - map->vm_start) >> PAGE_SHIFT;

	return i < map->count ? map->pages[i] : NULL;
}

static const struct vm_operations_struct gntdev_vm_ops = {
	.open			= gntdev_vma_open,
	.close			= gntdev_vma_close,
	.find_special_page	= gntdev_vma_find_special_page,
};

/**
 * gntdev_vma_map() - the map a VMA of /dev/xen/gntdev maps
 * @vma: any VMA; its mm's mmap lock held
 *
 * Return: the map, or NULL if @vma is not one of ours.
 */
struct gntdev_map *gntdev_vma_map(struct vm_area_struct *vma)
{
	return vma->vm_ops == &gntdev_vm_ops ? vma->vm_private_data : NULL;
}

static u32 gntdev_map_flags(const struct gntdev_map *map)
{
	return GNTMAP_host_map | (map->readonly ? GNTMAP_readonly : 0);
}

/* PV: unmap the user mappings of pages [first, first + n), all claimed. */
static void gntdev_unmap_user_run(struct gntdev_map *map, unsigned int first,
				  unsigned int n)
{
	struct gnttab_unmap_grant_ref *ops = &map->unmap_ops[first];
	unsigned int i;
	int rc;

	rc = HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, ops, n);
	for (i = 0; i < n; i++) {
		/* Nothing better to do: Linux will clear the PTE anyway. */
		if (rc || ops[i].status != GNTST_okay)
			pr_err_ratelimited("cannot unmap grant %u of domain %u from user space: %d\n",
					   map->grants[first + i].ref,
					   map->grants[first + i].domid,
					   rc ?: ops[i].status);
		ops[i].handle = INVALID_GRANT_HANDLE;
	}
}

/* PV: claim page @i's user mapping for unmapping, if it has one. */
static bool gntdev_claim_user(struct gntdev_map *map, unsigned int i)
{
	return map->unmap_ops[i].handle != INVALID_GRANT_HANDLE &&
	       !test_and_set_bit(i, map->user_claimed);
}

/**
 * gntdev_unmap_user() - PV: undo the user mappings of some pages of a map
 * @map: the map
 * @first: first page
 * @nr: number of pages
 *
 * Pages already unmapped, being unmapped by another thread, or never mapped
 * are skipped; the others are unmapped in runs, one hypercall a run. If any
 * was, UNMAP_NOTIFY_CLEAR_BYTE is carried out when its byte is in the range,
 * through the kernel mapping, which stays until the map is torn down. An
 * invalidation of a range the map no longer maps changes nothing.
 */
void gntdev_unmap_user(struct gntdev_map *map, unsigned int first,
		       unsigned int nr)
{
	unsigned int i = first, end = first + nr, n;
	bool unmapped = false;

	while (i < end) {
		if (!gntdev_claim_user(map, i)) {
			i++;
			continue;
		}
		n = 1;
		while (i + n < end && gntdev_claim_user(map, i + n))
			n++;
		gntdev_unmap_user_run(map, i, n);
		unmapped = true;
		i += n;
	}

	if (unmapped)
		gntdev_map_clear_byte(map, first, nr);
}

static bool gntdev_invalidate(struct mmu_interval_notifier *mn,
			      const struct mmu_notifier_range *range,
			      unsigned long cur_seq)
{
	struct gntdev_map *map = container_of(mn, struct gntdev_map, notifier);
	unsigned long map_end, start, end;

	/* The hypercall may sleep; the OOM reaper then leaves the VMA alone. */
	if (!mmu_notifier_range_blockable(range))
		return false;

	/* The notifier keeps the range it was given; a VMA split does not. */
	map_end = map->vm_start + ((unsigned long)map->count << PAGE_SHIFT);
	start = max(range->start, map->vm_start);
	end = min(range->end, map_end);
	if (start >= end)
		return true;

	gntdev_unmap_user(map, (start - map->vm_start) >> PAGE_SHIFT,
			  DIV_ROUND_UP(end - map->vm_start, PAGE_SIZE) -
			  ((start - map->vm_start) >> PAGE_SHIFT));
	return true;
}

static const struct mmu_interval_notifier_ops gntdev_mn_ops = {
	.invalidate = gntdev_invalidate,
};

/* PV: for each user PTE of the VMA, the map and unmap arguments. */
static int gntdev_set_user_op(pte_t *pte, unsigned long addr, void *data)
{
	struct gntdev_map *map = data;
	unsigned long i = (addr - map->vm_start) >> PAGE_SHIFT;
	u32 flags = gntdev_map_flags(map) | GNTMAP_application_map |
		    GNTMAP_contains_pte | (1U << _GNTMAP_guest_avail0);
	u64 maddr;

	if (WARN_ON_ONCE(i >= map->count))
		return -EINVAL;

	maddr = arbitrary_virt_to_machine(pte).maddr;
	gnttab_set_map_op(&map->map_ops[i], maddr, flags, map->grants[i].ref,
			  map->grants[i].domid);
	gnttab_set_unmap_op(&map->unmap_ops[i], maddr, flags,
			    INVALID_GRANT_HANDLE);
	return 0;
}

/* Arguments to map page @i's grant at its kernel page. */
static void gntdev_set_kernel_op(struct gntdev_map *map, unsigned int i,
				 struct gnttab_map_grant_ref *map_op,
				 struct gnttab_unmap_grant_ref *unmap_op)
{
	unsigned long addr = (unsigned long)page_address(map->pages[i]);
	u32 flags = gntdev_map_flags(map);

	gnttab_set_map_op(map_op, addr, flags, map->grants[i].ref,
			  map->grants[i].domid);
	gnttab_set_unmap_op(unmap_op, addr, flags, INVALID_GRANT_HANDLE);
}

/*
 * Map every grant; record a handle for each mapping Xen made, and only for
 * those (XSA-361). Return: 0, or -EINVAL if any grant failed to map, as
 * in-tree, or the hypercall's error.
 */
static int gntdev_map_grants(struct gntdev_map *map)
{
	unsigned int i;
	int rc;

	rc = gnttab_map_refs(map->map_ops,
			     gntdev_use_ptemod ? map->kmap_ops : NULL,
			     map->pages, map->count);

	for (i = 0; i < map->count; i++) {
		if (map->map_ops[i].status == GNTST_okay)
			map->unmap_ops[i].handle = map->map_ops[i].handle;
		else if (!rc)
			rc = -EINVAL;

		if (!gntdev_use_ptemod)
			continue;
		if (map->kmap_ops[i].status == GNTST_okay)
			map->kunmap_ops[i].handle = map->kmap_ops[i].handle;
		else if (!rc)
			rc = -EINVAL;
	}
	return rc;
}

static int gntdev_mmap_pv(struct gntdev_map *map, struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	unsigned int i;
	int rc;

	rc = mmu_interval_notifier_insert_locked(&map->notifier, vma->vm_mm,
						 vma->vm_start, len,
						 &gntdev_mn_ops);
	if (rc)
		return rc;
	map->notifier_active = true;
	/* Wait until an invalidation running on the mm has let it in. */
	mmu_interval_read_begin(&map->notifier);

	/* A child would share page tables Xen wrote grants into. */
	vm_flags_set(vma, VM_DONTCOPY);

	/* Allocates the page tables; no grant is mapped yet on failure. */
	rc = apply_to_page_range(vma->vm_mm, vma->vm_start, len,
				 gntdev_set_user_op, map);
	if (rc)
		goto err_notifier;

	for (i = 0; i < map->count; i++)
		gntdev_set_kernel_op(map, i, &map->kmap_ops[i],
				     &map->kunmap_ops[i]);

	rc = gntdev_map_grants(map);
	if (rc)
		goto err_unmap;
	return 0;

err_unmap:
	/* The kernel mappings are left for the teardown. */
	gntdev_unmap_user(map, 0, map->count);
err_notifier:
	mmu_interval_notifier_remove(&map->notifier);
	map->notifier_active = false;
	return rc;
}

static int gntdev_mmap_auto(struct gntdev_map *map, struct vm_area_struct *vma)
{
	unsigned int i;
	int rc;

	for (i = 0; i < map->count; i++)
		gntdev_set_kernel_op(map, i, &map->map_ops[i],
				     &map->unmap_ops[i]);

	rc = gntdev_map_grants(map);
	if (rc)
		return rc;

	return vm_map_pages_zero(vma, map->pages, map->count);
}

/**
 * gntdev_mmap() - mmap of /dev/xen/gntdev: map the grants of one map
 * @file: the open file
 * @vma: the new VMA; its offset and size must be exactly one map's
 *
 * Return: 0, or -EINVAL if the mapping is private and writable, names no
 * map, or the map was mmap()ed before, or any grant failed to map (the
 * in-tree errnos, in its order); -ENOMEM or Xen's error otherwise. On
 * failure nothing stays mapped in user space; the map stays reserved until
 * UNMAP_GRANT_REF or close.
 */
int gntdev_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct gntdev_file *f = file->private_data;
	unsigned long count = vma_pages(vma);
	struct gntdev_map *map = NULL;
	int rc;

	if ((vma->vm_flags & VM_WRITE) && !(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	mutex_lock(&f->lock);
	if (count <= UINT_MAX)
		map = gntdev_map_find(f, vma->vm_pgoff, count);
	if (!map || map->mmapped) {
		mutex_unlock(&f->lock);
		return -EINVAL;
	}
	map->mmapped = true;
	map->readonly = !(vma->vm_flags & VM_WRITE);
	refcount_inc(&map->users);
	mutex_unlock(&f->lock);

	map->vm_start = vma->vm_start;
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP | VM_MIXEDMAP);
	if (map->readonly)
		vm_flags_clear(vma, VM_MAYWRITE);

	if (gntdev_use_ptemod)
		rc = gntdev_mmap_pv(map, vma);
	else
		rc = gntdev_mmap_auto(map, vma);
	if (rc) {
		/* ->close is not called for a failed mmap: drop our ref. */
		gntdev_map_put(map);
		return rc;
	}

	vma->vm_ops = &gntdev_vm_ops;
	vma->vm_private_data = map;
	return 0;
}
