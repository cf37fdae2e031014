// SPDX-License-Identifier: GPL-2.0
/*
 * mmap.c - IOCTL_PRIVCMD_MMAP, the oldest map ioctl: ranges of consecutive
 * foreign frames, laid end to end from the start of a privcmd VMA.
 *
 * PV only, as in-tree: an auto-translated domain gets -ENOSYS. Xen 4.17's
 * libraries never send it; it is kept for older tools.
 *
 * Steps and errnos, in in-tree's order (privcmd_ioctl_mmap()): the argument
 * (EFAULT), the restriction (EPERM), the entries (EFAULT, ENOMEM; none: 0,
 * nothing done), the VMA (EINVAL), then each entry: it must start where the
 * previous one ended and stay inside the VMA (EINVAL), and its frames are
 * mapped (Xen's error). Entries before a failing one stay mapped.
 * xpv: in-tree does not check that the VMA is privcmd's (mapping into
 * another VMA then hits a BUG_ON() in xen_remap_pfn()); xpv answers EINVAL.
 */
#include "privcmd.h"

#include <linux/mm.h>
#include <linux/uaccess.h>

#include <xen/features.h>
#include <xen/privcmd.h>
#include <xen/xen-ops.h>

static int privcmd_mmap_entry(struct vm_area_struct *vma, domid_t dom,
			      const struct privcmd_mmap_entry *e,
			      unsigned long *va)
{
	int rc;

	if (e->va != *va || e->npages > INT_MAX ||
	    e->npages > (vma->vm_end - *va) >> PAGE_SHIFT)
		return -EINVAL;

	rc = xen_remap_domain_gfn_range(vma, *va, e->mfn, e->npages,
					vma->vm_page_prot, dom, NULL);
	if (rc < 0)
		return rc;

	*va += e->npages << PAGE_SHIFT;
	return 0;
}

/**
 * privcmd_ioctl_mmap() - IOCTL_PRIVCMD_MMAP
 * @pf: the file
 * @uarg: user pointer to a &struct privcmd_mmap
 *
 * Return: 0 or a negative errno, see the top of this file.
 */
long privcmd_ioctl_mmap(struct privcmd_file *pf, void __user *uarg)
{
	struct mm_struct *mm = current->mm;
	const struct privcmd_mmap_entry *e;
	struct privcmd_array entries;
	struct vm_area_struct *vma;
	struct privcmd_mmap arg;
	struct privcmd_chunk c;
	unsigned long va;
	unsigned int i;
	int rc;

	if (xen_feature(XENFEAT_auto_translated_physmap))
		return -ENOSYS;
	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (!privcmd_may_act_on(pf, arg.dom))
		return -EPERM;

	/* A negative count is a huge one, as in-tree: it faults. */
	rc = privcmd_array_copy_in(&entries, arg.entry, (unsigned int)arg.num,
				   sizeof(*e));
	if (rc)
		return rc;
	if (!entries.count)
		return 0;

	mmap_write_lock(mm);

	privcmd_chunk_first(&entries, &c);
	e = c.elems;
	rc = privcmd_vma_fill_begin(mm, e->va, 1, PRIVCMD_FILL_ONCE, &vma);
	if (rc)
		goto out_unlock;

	va = vma->vm_start;
	for (privcmd_chunk_first(&entries, &c); c.nr;
	     privcmd_chunk_next(&entries, &c)) {
		e = c.elems;
		for (i = 0; i < c.nr; i++) {
			rc = privcmd_mmap_entry(vma, arg.dom, &e[i], &va);
			if (rc)
				goto out_unlock;
		}
	}

out_unlock:
	mmap_write_unlock(mm);
	privcmd_array_free(&entries);
	return rc;
}
