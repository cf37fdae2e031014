// SPDX-License-Identifier: GPL-2.0
/*
 * resource.c - IOCTL_PRIVCMD_MMAP_RESOURCE: map frames of a domain's
 * resource (XENMEM_acquire_resource) into a privcmd VMA.
 *
 * The domain builder maps a new guest's grant table this way
 * (xc_dom_gnttab_seed()), QEMU its ioreq server pages. With addr and num
 * both 0 the call only asks Xen how many frames the resource has, and
 * writes that to num.
 *
 * Steps and errnos, in in-tree's order (privcmd_ioctl_mmap_resource()): the
 * argument (EFAULT); the restriction (EPERM); addr and num must be both 0
 * or both set (EINVAL); the size query (Xen's error, EFAULT); the VMA
 * (EINVAL, see PRIVCMD_FILL_RANGE); ENOMEM; Xen's error from the acquire;
 * the mapping (the first frame's error).
 * xpv: in-tree only checks that some privcmd VMA ends above addr. It maps
 * wherever addr and num say, even outside that VMA, and on auto-translated
 * domains a second resource in one VMA hits a BUG_ON(). xpv requires the
 * range to be page-aligned, inside the VMA and, if the VMA was filled
 * before, empty; num above INT_MAX is EINVAL (in-tree: ENOMEM).
 */
#include "privcmd.h"

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <xen/interface/memory.h>
#include <xen/privcmd.h>
#include <xen/xen-ops.h>

#include <asm/xen/hypercall.h>

static long privcmd_resource_size(struct xen_mem_acquire_resource *xmar,
				  __u64 __user *unum)
{
	int rc;

	rc = HYPERVISOR_memory_op(XENMEM_acquire_resource, xmar);
	if (rc)
		return rc;
	return put_user(xmar->nr_frames, unum);
}

/* PV: map the machine frames Xen returned. */
static int privcmd_resource_map_mfns(struct vm_area_struct *vma,
				     const struct privcmd_mmap_resource *arg,
				     const struct xen_mem_acquire_resource *xmar,
				     xen_pfn_t *mfns)
{
	unsigned int owner, i;
	int *errs, mapped, rc = 0;

	errs = kcalloc(arg->num, sizeof(*errs), GFP_KERNEL | __GFP_NOWARN);
	if (!errs)
		return -ENOMEM;

	owner = xmar->flags & XENMEM_rsrc_acq_caller_owned ? DOMID_SELF :
							     arg->dom;
	mapped = xen_remap_domain_mfn_array(vma, arg->addr, mfns, arg->num,
					    errs, vma->vm_page_prot, owner);
	if (mapped < 0) {
		rc = mapped;
	} else {
		for (i = 0; i < arg->num && !rc; i++)
			rc = errs[i];
	}

	kfree(errs);
	return rc;
}

/**
 * privcmd_ioctl_mmap_resource() - IOCTL_PRIVCMD_MMAP_RESOURCE
 * @pf: the file
 * @uarg: user pointer to a &struct privcmd_mmap_resource
 *
 * Return: 0 or a negative errno, see the top of this file.
 */
long privcmd_ioctl_mmap_resource(struct privcmd_file *pf, void __user *uarg)
{
	struct privcmd_mmap_resource __user *ures = uarg;
	struct xen_mem_acquire_resource xmar = {};
	struct mm_struct *mm = current->mm;
	struct privcmd_mmap_resource arg;
	struct vm_area_struct *vma;
	xen_pfn_t *frames = NULL;
	struct page **pages;
	unsigned int i;
	long rc;

	if (copy_from_user(&arg, ures, sizeof(arg)))
		return -EFAULT;
	if (!privcmd_may_act_on(pf, arg.dom))
		return -EPERM;
	if (!arg.addr != !arg.num)
		return -EINVAL;

	xmar.domid = arg.dom;
	xmar.type = arg.type;
	xmar.id = arg.id;
	if (!arg.addr)
		return privcmd_resource_size(&xmar, &ures->num);

	if (arg.num > INT_MAX)
		return -EINVAL;

	mmap_write_lock(mm);

	rc = privcmd_vma_fill_begin(mm, arg.addr, arg.num, PRIVCMD_FILL_RANGE,
				    &vma);
	if (rc)
		goto out_unlock;

	frames = kcalloc(arg.num, sizeof(*frames), GFP_KERNEL | __GFP_NOWARN);
	if (!frames) {
		rc = -ENOMEM;
		goto out_unlock;
	}

	/* Auto-translated: Xen puts the frames where our pages are. */
	pages = privcmd_vma_pages(vma, arg.addr);
	for (i = 0; pages && i < arg.num; i++)
		frames[i] = page_to_xen_pfn(pages[i]);

	xmar.frame = arg.idx;
	xmar.nr_frames = arg.num;
	set_xen_guest_handle(xmar.frame_list, frames);

	xen_preemptible_hcall_begin();
	rc = HYPERVISOR_memory_op(XENMEM_acquire_resource, &xmar);
	xen_preemptible_hcall_end();
	if (rc)
		goto out_unlock;

	if (pages)
		rc = privcmd_vma_map_pages(vma, arg.addr, arg.num);
	else
		rc = privcmd_resource_map_mfns(vma, &arg, &xmar, frames);

out_unlock:
	mmap_write_unlock(mm);
	kfree(frames);
	return rc;
}
