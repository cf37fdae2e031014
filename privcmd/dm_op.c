// SPDX-License-Identifier: GPL-2.0
/*
 * dm_op.c - IOCTL_PRIVCMD_DM_OP: a device-model operation (the dm_op
 * hypercall) on one domain, with its buffers in user memory.
 *
 * QEMU (through libxendevicemodel) drives HVM guests with it; libxen-
 * devicemodel also probes for it at open. Xen reads and writes the buffers
 * at their user addresses, so they are pinned for the call: present and
 * unmovable while Xen works on them.
 *
 * Steps and errnos, in in-tree's order (privcmd_ioctl_dm_op()): the
 * argument (EFAULT); the restriction (EPERM); no buffers: 0, nothing done;
 * more than dm_op_max_nr_bufs buffers (E2BIG); the buffer list (EFAULT,
 * ENOMEM); a buffer over dm_op_buf_max_size bytes (E2BIG) or outside user
 * space (EFAULT); ENOMEM; pinning (EFAULT, or GUP's error: the buffers must
 * be writable); then Xen's answer.
 * xpv: a zero-length buffer needs no page and is not pinned (Debian's
 * 6.1.192 asks GUP for no page there and takes the 0 it gets for a fault).
 */
#include "privcmd.h"

#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <xen/interface/hvm/dm_op.h>
#include <xen/privcmd.h>
#include <xen/xen-ops.h>

#include <asm/xen/hypercall.h>

static unsigned int dm_op_max_nr_bufs = 16;
module_param(dm_op_max_nr_bufs, uint, 0644);
MODULE_PARM_DESC(dm_op_max_nr_bufs,
		 "Maximum number of buffers per dm_op hypercall");

static unsigned int dm_op_buf_max_size = 4096;
module_param(dm_op_buf_max_size, uint, 0644);
MODULE_PARM_DESC(dm_op_buf_max_size,
		 "Maximum size of a dm_op hypercall buffer");

/* Pages a buffer touches. */
static unsigned long privcmd_dm_op_buf_pages(const struct privcmd_dm_op_buf *buf)
{
	if (!buf->size)
		return 0;
	return DIV_ROUND_UP(offset_in_page(buf->uptr) + buf->size, PAGE_SIZE);
}

/* Check every buffer; count the pages they touch. */
static int privcmd_dm_op_check(const struct privcmd_dm_op_buf *bufs,
			       unsigned int num, unsigned long *nr_pages)
{
	size_t max_size = READ_ONCE(dm_op_buf_max_size);
	unsigned int i;

	*nr_pages = 0;
	for (i = 0; i < num; i++) {
		if (bufs[i].size > max_size)
			return -E2BIG;
		if (!access_ok(bufs[i].uptr, bufs[i].size))
			return -EFAULT;
		*nr_pages += privcmd_dm_op_buf_pages(&bufs[i]);
	}
	return 0;
}

/* Pin every buffer's pages into @pages; *pinned counts them, even on error. */
static int privcmd_dm_op_pin(const struct privcmd_dm_op_buf *bufs,
			     unsigned int num, struct page **pages,
			     unsigned long *pinned)
{
	unsigned long start, nr, done;
	unsigned int i;
	int got;

	for (i = 0; i < num; i++) {
		start = (unsigned long)bufs[i].uptr & PAGE_MASK;
		nr = privcmd_dm_op_buf_pages(&bufs[i]);

		/* GUP may pin fewer pages than asked: go on from there. */
		for (done = 0; done < nr; done += got) {
			got = pin_user_pages_fast(start + done * PAGE_SIZE,
						  nr - done, FOLL_WRITE,
						  pages + *pinned);
			if (got <= 0)
				return got ? got : -EFAULT;
			*pinned += got;
		}
	}
	return 0;
}

/**
 * privcmd_ioctl_dm_op() - IOCTL_PRIVCMD_DM_OP
 * @pf: the file
 * @uarg: user pointer to a &struct privcmd_dm_op
 *
 * Return: Xen's answer, or a negative errno, see the top of this file.
 */
long privcmd_ioctl_dm_op(struct privcmd_file *pf, void __user *uarg)
{
	struct xen_dm_op_buf *xbufs = NULL;
	unsigned long nr_pages, pinned = 0;
	struct privcmd_dm_op_buf *bufs;
	struct page **pages = NULL;
	struct privcmd_dm_op op;
	unsigned int i;
	long rc;

	if (copy_from_user(&op, uarg, sizeof(op)))
		return -EFAULT;
	if (!privcmd_may_act_on(pf, op.dom))
		return -EPERM;
	if (!op.num)
		return 0;
	if (op.num > READ_ONCE(dm_op_max_nr_bufs))
		return -E2BIG;

	bufs = memdup_user(op.ubufs, array_size(op.num, sizeof(*bufs)));
	if (IS_ERR(bufs))
		return PTR_ERR(bufs);

	rc = privcmd_dm_op_check(bufs, op.num, &nr_pages);
	if (rc)
		goto out_free_bufs;

	pages = kcalloc(nr_pages, sizeof(*pages), GFP_KERNEL | __GFP_NOWARN);
	xbufs = kcalloc(op.num, sizeof(*xbufs), GFP_KERNEL);
	if (!pages || !xbufs) {
		rc = -ENOMEM;
		goto out_free;
	}

	rc = privcmd_dm_op_pin(bufs, op.num, pages, &pinned);
	if (rc)
		goto out_unpin;

	for (i = 0; i < op.num; i++) {
		/* Xen takes the user address: a guest handle, not a pointer. */
		set_xen_guest_handle(xbufs[i].h, (void __force *)bufs[i].uptr);
		xbufs[i].size = bufs[i].size;
	}

	xen_preemptible_hcall_begin();
	rc = HYPERVISOR_dm_op(op.dom, op.num, xbufs);
	xen_preemptible_hcall_end();

out_unpin:
	unpin_user_pages_dirty_lock(pages, pinned, true);
out_free:
	kfree(xbufs);
	kfree(pages);
out_free_bufs:
	kfree(bufs);
	return rc;
}
