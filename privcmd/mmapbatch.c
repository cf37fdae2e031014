// SPDX-License-Identifier: GPL-2.0
/*
 * mmapbatch.c - IOCTL_PRIVCMD_MMAPBATCH and IOCTL_PRIVCMD_MMAPBATCH_V2: map
 * an array of foreign frames into a privcmd VMA, frame n at page n, and say
 * which frames failed.
 *
 * This is libxenforeignmemory's mapping call (the domain builder,
 * save/restore, QEMU's map cache). V2 writes each failed frame's errno into
 * err[] (zeroed first); V1, its fallback, ORs PRIVCMD_MMAPBATCH_PAGED_ERROR
 * (-ENOENT: paged out) or PRIVCMD_MMAPBATCH_MFN_ERROR (anything else) into
 * the frame's arr[] entry. A failed frame leaves a hole that a later call
 * may fill. The call itself fails with -ENOENT if a frame was paged out, so
 * that the caller retries those; other frame errors leave it at 0.
 *
 * Steps and errnos, in in-tree's order (privcmd_ioctl_mmap_batch()): the
 * argument (EFAULT); the array the errors go to must be in user space
 * (EFAULT); the restriction (EPERM); num 0 (EINVAL); the frames are copied
 * in (EFAULT, ENOMEM); V2 zeroes err[] (EFAULT); the VMA (EINVAL, see
 * PRIVCMD_FILL_BATCH); the mapping; the errors are written back (EFAULT).
 * A huge num with a short arr[] therefore fails with EFAULT, as in-tree,
 * and never allocates more than arr[] occupies.
 *
 * xpv: in-tree returns -ENOENT only when the last frame of the batch was
 * paged out (it looks at xen_remap_domain_gfn_array()'s return value, the
 * last hypercall's error); xpv returns it when any frame was, as the uapi
 * header documents.
 */
#include "privcmd.h"

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <xen/privcmd.h>
#include <xen/xen-ops.h>

/* Not an errno: marks a frame the remap call never reached. */
#define PRIVCMD_ERR_UNSET	INT_MIN

/**
 * struct privcmd_batch - one MMAPBATCH call
 * @m: the argument (V1's converted; @m.err is NULL for V1)
 * @v2: the call is MMAPBATCH_V2
 * @frames: the frame numbers; once a page of them is mapped, each entry
 *	holds its frame's errno instead (0: mapped)
 * @errs: scratch for one page of frames
 * @failed: some frame failed
 * @paged_out: some frame failed with -ENOENT
 */
struct privcmd_batch {
	struct privcmd_mmapbatch_v2 m;
	bool v2;
	struct privcmd_array frames;
	int *errs;
	bool failed;
	bool paged_out;
};

static int privcmd_batch_get(struct privcmd_batch *b, void __user *uarg)
{
	struct privcmd_mmapbatch v1;

	if (b->v2) {
		if (copy_from_user(&b->m, uarg, sizeof(b->m)))
			return -EFAULT;
		if (!access_ok(b->m.err, b->m.num * sizeof(*b->m.err)))
			return -EFAULT;
		return 0;
	}

	if (copy_from_user(&v1, uarg, sizeof(v1)))
		return -EFAULT;
	/* V1's int num is taken as unsigned, as in-tree. */
	b->m.num = v1.num;
	b->m.dom = v1.dom;
	b->m.addr = v1.addr;
	b->m.arr = v1.arr;
	b->m.err = NULL;
	if (!access_ok(b->m.arr, b->m.num * sizeof(*b->m.arr)))
		return -EFAULT;
	return 0;
}

/* Map one page of frames at @va, then store each one's errno in its slot. */
static void privcmd_batch_map_chunk(struct privcmd_batch *b,
				    struct vm_area_struct *vma,
				    struct privcmd_chunk *c)
{
	unsigned long va = b->m.addr + (c->first << PAGE_SHIFT);
	xen_pfn_t *frames = c->elems;
	unsigned int i;
	int mapped;

	for (i = 0; i < c->nr; i++)
		b->errs[i] = PRIVCMD_ERR_UNSET;

	mapped = xen_remap_domain_gfn_array(vma, va, frames, c->nr, b->errs,
					    vma->vm_page_prot, b->m.dom,
					    privcmd_vma_pages(vma, va));

	for (i = 0; i < c->nr; i++) {
		int err = b->errs[i];

		/* Not reached: the call failed as a whole (page tables). */
		if (err == PRIVCMD_ERR_UNSET)
			err = mapped < 0 ? mapped : -EIO;
		if (err) {
			b->failed = true;
			if (err == -ENOENT)
				b->paged_out = true;
		}
		frames[i] = (xen_pfn_t)(long)err;
	}
}

static int privcmd_batch_report_one(struct privcmd_batch *b,
				    unsigned long idx, int err)
{
	xen_pfn_t __user *uframe = (xen_pfn_t __user *)b->m.arr + idx;
	xen_pfn_t frame;

	if (b->v2)
		return put_user(err, b->m.err + idx);

	/* V1 keeps the frame number and flags it. */
	if (get_user(frame, uframe))
		return -EFAULT;
	frame |= err == -ENOENT ? PRIVCMD_MMAPBATCH_PAGED_ERROR :
				  PRIVCMD_MMAPBATCH_MFN_ERROR;
	return put_user(frame, uframe);
}

/* After mmap_lock is dropped: write back the errors of failed frames. */
static int privcmd_batch_report(struct privcmd_batch *b)
{
	struct privcmd_chunk c;
	xen_pfn_t *slots;
	unsigned int i;
	int err;

	for (privcmd_chunk_first(&b->frames, &c); c.nr;
	     privcmd_chunk_next(&b->frames, &c)) {
		slots = c.elems;
		for (i = 0; i < c.nr; i++) {
			err = (int)(long)slots[i];
			if (err && privcmd_batch_report_one(b, c.first + i, err))
				return -EFAULT;
		}
	}
	return 0;
}

/**
 * privcmd_ioctl_mmapbatch() - IOCTL_PRIVCMD_MMAPBATCH and _V2
 * @pf: the file
 * @uarg: user pointer to a &struct privcmd_mmapbatch, or for @v2 a
 *	&struct privcmd_mmapbatch_v2
 * @v2: which of the two
 *
 * Return: 0 (per-frame errors, if any, are in the user's array), -ENOENT
 * if a frame was paged out, or another negative errno, see the top of this
 * file.
 */
long privcmd_ioctl_mmapbatch(struct privcmd_file *pf, void __user *uarg,
			     bool v2)
{
	struct privcmd_batch b = { .v2 = v2 };
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct privcmd_chunk c;
	int rc;

	rc = privcmd_batch_get(&b, uarg);
	if (rc)
		return rc;
	if (!privcmd_may_act_on(pf, b.m.dom))
		return -EPERM;
	if (!b.m.num)
		return -EINVAL;

	rc = privcmd_array_copy_in(&b.frames, b.m.arr, b.m.num,
				   sizeof(xen_pfn_t));
	if (rc)
		return rc;

	if (v2 && clear_user(b.m.err, b.m.num * sizeof(*b.m.err))) {
		rc = -EFAULT;
		goto out_free_frames;
	}

	b.errs = kmalloc_array(PAGE_SIZE / sizeof(xen_pfn_t), sizeof(*b.errs),
			       GFP_KERNEL);
	if (!b.errs) {
		rc = -ENOMEM;
		goto out_free_frames;
	}

	mmap_write_lock(mm);
	rc = privcmd_vma_fill_begin(mm, b.m.addr, b.m.num, PRIVCMD_FILL_BATCH,
				    &vma);
	if (!rc) {
		for (privcmd_chunk_first(&b.frames, &c); c.nr;
		     privcmd_chunk_next(&b.frames, &c))
			privcmd_batch_map_chunk(&b, vma, &c);
	}
	mmap_write_unlock(mm);

	if (!rc && b.failed)
		rc = privcmd_batch_report(&b);
	if (!rc && b.paged_out)
		rc = -ENOENT;

	kfree(b.errs);
out_free_frames:
	privcmd_array_free(&b.frames);
	return rc;
}
