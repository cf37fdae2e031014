// SPDX-License-Identifier: GPL-2.0
/*
 * gntdev-copy.c - IOCTL_GNTDEV_GRANT_COPY: copy between local buffers and
 * grants without mapping them (QEMU's qdisk, tapdisk).
 *
 * Each segment names a source and a destination, each either a user buffer
 * or a (domid, ref, offset) grant; at least one must be a grant, and a grant
 * side may not cross its 4 KiB page. A segment becomes one GNTTABOP_copy op
 * per local page it touches; ops are issued GNTDEV_COPY_BATCH at a time
 * with the local pages pinned (pin_user_pages_fast()) until Xen is done.
 * A segment's status is set to GNTST_okay when it is queued, and to the
 * status of its first failed op when one fails.
 *
 * A malformed segment (local to local, or crossing a grant's page) fails the
 * whole ioctl with -EINVAL, as does a fault reading a segment or pinning a
 * buffer (-EFAULT), as in-tree; the status of the bad segment is left as it
 * was. xpv: the ops queued for the segments before it are still issued, so
 * that a status already set to GNTST_okay is true; in-tree drops them.
 */
#include "gntdev.h"

#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <xen/page.h>

#define GNTDEV_COPY_BATCH	16

/**
 * struct gntdev_copy_batch - GNTTABOP_copy ops waiting to be issued
 * @ops: the ops
 * @status: for each op, its segment's status in user memory
 * @pages: the local pages the ops use, pinned; at most one per op
 * @dirty: for each page, whether Xen writes to it
 * @nr_ops: number of @ops queued
 * @nr_pages: number of @pages pinned
 * @next: next spare batch of the file
 */
struct gntdev_copy_batch {
	struct gnttab_copy ops[GNTDEV_COPY_BATCH];
	s16 __user *status[GNTDEV_COPY_BATCH];
	struct page *pages[GNTDEV_COPY_BATCH];
	bool dirty[GNTDEV_COPY_BATCH];
	unsigned int nr_ops;
	unsigned int nr_pages;
	struct gntdev_copy_batch *next;
};

/* Batches are ~1 KiB: too big for the stack, too frequent to allocate. */
static struct gntdev_copy_batch *gntdev_copy_get_batch(struct gntdev_file *f)
{
	struct gntdev_copy_batch *b;

	mutex_lock(&f->copy_lock);
	b = f->spare;
	if (b)
		f->spare = b->next;
	mutex_unlock(&f->copy_lock);

	if (!b)
		b = kmalloc(sizeof(*b), GFP_KERNEL);
	if (b) {
		b->nr_ops = 0;
		b->nr_pages = 0;
	}
	return b;
}

static void gntdev_copy_put_batch(struct gntdev_file *f,
				  struct gntdev_copy_batch *b)
{
	mutex_lock(&f->copy_lock);
	b->next = f->spare;
	f->spare = b;
	mutex_unlock(&f->copy_lock);
}

/**
 * gntdev_copy_free_spares() - free a file's spare GRANT_COPY batches
 * @f: the file, being released
 */
void gntdev_copy_free_spares(struct gntdev_file *f)
{
	struct gntdev_copy_batch *b;

	while (f->spare) {
		b = f->spare;
		f->spare = b->next;
		kfree(b);
	}
}

/* Pin the local page at @virt; return the frame Xen knows it by. */
static int gntdev_copy_pin(struct gntdev_copy_batch *b, void __user *virt,
			   bool write, xen_pfn_t *gfn)
{
	unsigned long addr = (unsigned long)virt;
	struct page *page;
	int rc;

	rc = pin_user_pages_fast(addr, 1, write ? FOLL_WRITE : 0, &page);
	if (rc != 1)
		return rc < 0 ? rc : -EFAULT;

	b->pages[b->nr_pages] = page;
	b->dirty[b->nr_pages] = write;
	b->nr_pages++;

	*gfn = pfn_to_gfn(page_to_xen_pfn(page) + XEN_PFN_DOWN(addr & ~PAGE_MASK));
	return 0;
}

static void gntdev_copy_unpin(struct gntdev_copy_batch *b)
{
	unsigned int i;

	for (i = 0; i < b->nr_pages; i++)
		unpin_user_pages_dirty_lock(&b->pages[i], 1, b->dirty[i]);
	b->nr_pages = 0;
}

/* Issue the queued ops; report failures in their segments' status. */
static int gntdev_copy_flush(struct gntdev_copy_batch *b)
{
	unsigned int i, nr = b->nr_ops;
	s16 status, old;

	if (nr)
		gnttab_batch_copy(b->ops, nr);
	gntdev_copy_unpin(b);
	b->nr_ops = 0;

	for (i = 0; i < nr; i++) {
		status = b->ops[i].status;
		if (status == GNTST_okay)
			continue;
		/* A segment of several ops keeps its first failure. */
		if (get_user(old, b->status[i]))
			return -EFAULT;
		if (old == GNTST_okay && put_user(status, b->status[i]))
			return -EFAULT;
	}
	return 0;
}

/* One side of an op: a grant. */
static void gntdev_copy_gref(struct gnttab_copy_ptr *ptr, grant_ref_t ref,
			     domid_t domid, unsigned int offset)
{
	ptr->u.ref = ref;
	ptr->domid = domid;
	ptr->offset = offset;
}

/* One side of an op: the local page at @virt, up to its end at most. */
static int gntdev_copy_local(struct gntdev_copy_batch *b,
			     struct gnttab_copy_ptr *ptr, void __user *virt,
			     bool write, unsigned int *len)
{
	unsigned int off = (unsigned long)virt & ~XEN_PAGE_MASK;

	*len = min_t(unsigned int, *len, XEN_PAGE_SIZE - off);
	ptr->domid = DOMID_SELF;
	ptr->offset = off;
	return gntdev_copy_pin(b, virt, write, &ptr->u.gmfn);
}

static int gntdev_copy_segment(struct gntdev_copy_batch *b,
			       const struct gntdev_grant_copy_segment *seg,
			       s16 __user *status)
{
	bool src_gref = seg->flags & GNTCOPY_source_gref;
	bool dst_gref = seg->flags & GNTCOPY_dest_gref;
	unsigned int done = 0, len;
	struct gnttab_copy *op;
	int rc;

	/* Local to local would be a costly memcpy() with two pages an op. */
	if (!src_gref && !dst_gref)
		return -EINVAL;
	if (src_gref && seg->source.foreign.offset + seg->len > XEN_PAGE_SIZE)
		return -EINVAL;
	if (dst_gref && seg->dest.foreign.offset + seg->len > XEN_PAGE_SIZE)
		return -EINVAL;

	if (put_user(GNTST_okay, status))
		return -EFAULT;

	while (done < seg->len) {
		if (b->nr_ops == GNTDEV_COPY_BATCH) {
			rc = gntdev_copy_flush(b);
			if (rc)
				return rc;
		}

		op = &b->ops[b->nr_ops];
		op->flags = (src_gref ? GNTCOPY_source_gref : 0) |
			    (dst_gref ? GNTCOPY_dest_gref : 0);
		len = seg->len - done;

		if (src_gref) {
			gntdev_copy_gref(&op->source, seg->source.foreign.ref,
					 seg->source.foreign.domid,
					 seg->source.foreign.offset + done);
		} else {
			rc = gntdev_copy_local(b, &op->source,
					       seg->source.virt + done, false,
					       &len);
			if (rc)
				return rc;
		}

		if (dst_gref) {
			gntdev_copy_gref(&op->dest, seg->dest.foreign.ref,
					 seg->dest.foreign.domid,
					 seg->dest.foreign.offset + done);
		} else {
			rc = gntdev_copy_local(b, &op->dest,
					       seg->dest.virt + done, true, &len);
			if (rc)
				return rc;
		}

		op->len = len;
		b->status[b->nr_ops++] = status;
		done += len;
	}
	return 0;
}

/**
 * gntdev_ioctl_grant_copy() - IOCTL_GNTDEV_GRANT_COPY
 * @f: the open file
 * @uarg: user pointer to a &struct ioctl_gntdev_grant_copy
 *
 * Return: 0 when every segment was issued (each segment's own outcome is in
 * its status), -EINVAL for a malformed segment, -EFAULT, or -ENOMEM.
 */
long gntdev_ioctl_grant_copy(struct gntdev_file *f, void __user *uarg)
{
	struct ioctl_gntdev_grant_copy copy;
	struct gntdev_grant_copy_segment seg;
	struct gntdev_copy_batch *b;
	unsigned int i;
	int rc = 0, flushed;

	if (copy_from_user(&copy, uarg, sizeof(copy)))
		return -EFAULT;

	b = gntdev_copy_get_batch(f);
	if (!b)
		return -ENOMEM;

	for (i = 0; i < copy.count; i++) {
		if (copy_from_user(&seg, &copy.segments[i], sizeof(seg))) {
			rc = -EFAULT;
			break;
		}
		rc = gntdev_copy_segment(b, &seg, &copy.segments[i].status);
		if (rc)
			break;
		cond_resched();
	}

	flushed = gntdev_copy_flush(b);
	gntdev_copy_put_batch(f, b);
	return rc ?: flushed;
}
