// SPDX-License-Identifier: GPL-2.0
/*
 * gntalloc-gref.c - pages granted to other domains: allocation, the global
 * limit, the unmap notification, and revocation.
 *
 * Life of a gref:
 *
 *  1. ALLOC_GREF reserves room under the global limit, then allocates a
 *     zeroed page (nothing of dom0's leaks through it, XSA-403) and grants
 *     it to the named domain, read-only unless GNTALLOC_FLAG_WRITABLE.
 *  2. The file holds it until DEALLOC_GREF or close; each mmap() of it holds
 *     it too.
 *  3. When the last holder lets go, UNMAP_NOTIFY_CLEAR_BYTE and _SEND_EVENT
 *     are carried out, and the grant is revoked with
 *     gnttab_try_end_foreign_access(). Xen cannot take a grant back from a
 *     domain that maps it, so the revocation fails while the other domain
 *     still maps the page: the page is then kept, not freed (XSA-396), on a
 *     list of pending revocations retried at every ALLOC_GREF and
 *     DEALLOC_GREF and once a second until all succeed.
 *
 * The limit ("limit", default 1024 pages, as in-tree) bounds the memory
 * user space can pin in dom0 this way. xpv: a gref waiting for the other
 * domain to unmap it still counts, which is what the limit is for; since
 * XSA-396 the in-tree driver hands such pages to the grant-table core,
 * which frees them later but no longer counts them.
 *
 * At module exit, revocations still pending are handed to the grant-table
 * core (gnttab_end_foreign_access()), which keeps retrying and frees each
 * page once it is revoked.
 */
#include "gntalloc.h"

#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/lockdep.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <xen/events.h>
#include <xen/page.h>

/* The in-tree module's parameter: name, type, default and meaning. */
static int limit = 1024;
module_param(limit, int, 0644);
MODULE_PARM_DESC(limit,
		 "Maximum number of grants that may be allocated by the gntalloc device");

#define GNTALLOC_RETRY_DELAY	HZ

/* Guards every file's grefs, every gref, the count and the pending list. */
DEFINE_MUTEX(gntalloc_lock);

/* Grefs that exist: held by a file or a mapping, or pending revocation. */
static unsigned int gntalloc_nr_grefs;
/* Grefs nobody holds whose grant the other domain still uses. */
static LIST_HEAD(gntalloc_pending);

static void gntalloc_retry_work(struct work_struct *work);
static DECLARE_DELAYED_WORK(gntalloc_retry, gntalloc_retry_work);

/**
 * gntalloc_max_grefs() - the current value of parameter "limit"
 *
 * Return: the most grefs that may exist at once; a negative setting allows
 * none.
 */
unsigned int gntalloc_max_grefs(void)
{
	int max = READ_ONCE(limit);

	return max > 0 ? max : 0;
}

static void gntalloc_gref_free(struct gntalloc_gref *gref)
{
	if (gref->page)
		__free_page(gref->page);
	kfree(gref);
	gntalloc_nr_grefs--;
}

/* Try to revoke the grants pending revocation; free those revoked. */
static void gntalloc_retry_revoke(void)
{
	struct gntalloc_gref *gref, *next;

	lockdep_assert_held(&gntalloc_lock);

	list_for_each_entry_safe(gref, next, &gntalloc_pending, node) {
		if (!gnttab_try_end_foreign_access(gref->ref))
			continue;
		list_del(&gref->node);
		gntalloc_gref_free(gref);
	}
}

static void gntalloc_retry_work(struct work_struct *work)
{
	mutex_lock(&gntalloc_lock);
	gntalloc_retry_revoke();
	if (!list_empty(&gntalloc_pending))
		schedule_delayed_work(&gntalloc_retry, GNTALLOC_RETRY_DELAY);
	mutex_unlock(&gntalloc_lock);
}

/* Carry out SET_UNMAP_NOTIFY's request, once. */
static void gntalloc_notify_fire(struct gntalloc_gref *gref)
{
	u8 *addr;

	if (gref->notify.flags & UNMAP_NOTIFY_CLEAR_BYTE) {
		addr = kmap_local_page(gref->page);
		WRITE_ONCE(addr[gref->notify.pgoff], 0);
		kunmap_local(addr);
	}
	if (gref->notify.flags & UNMAP_NOTIFY_SEND_EVENT) {
		notify_remote_via_evtchn(gref->notify.port);
		evtchn_put(gref->notify.port);
	}
	gref->notify.flags = 0;
}

/**
 * gntalloc_gref_put() - drop a reference to a gref; revoke it on the last
 * @gref: a gref in no list (its file let go of it); gntalloc_lock held
 */
void gntalloc_gref_put(struct gntalloc_gref *gref)
{
	lockdep_assert_held(&gntalloc_lock);

	if (--gref->users)
		return;

	gntalloc_notify_fire(gref);

	if (gref->granted && !gnttab_try_end_foreign_access(gref->ref)) {
		/* Still mapped over there: keep the page until it is not. */
		list_add_tail(&gref->node, &gntalloc_pending);
		schedule_delayed_work(&gntalloc_retry, GNTALLOC_RETRY_DELAY);
		return;
	}
	gntalloc_gref_free(gref);
}

/* Splice @grefs, consecutive offsets from @first, into the file in order. */
static void gntalloc_file_insert(struct gntalloc_file *f,
				 struct list_head *grefs, u64 first)
{
	struct gntalloc_gref *cur;

	list_for_each_entry(cur, &f->grefs, node) {
		if (cur->index > first)
			break;
	}
	/* Before @cur, or at the tail when the loop ran off the end. */
	list_splice_tail(grefs, &cur->node);
}

/* Allocate and grant one page; the gref is accounted for already. */
static int gntalloc_gref_grant(struct gntalloc_gref *gref, domid_t domid,
			       bool readonly)
{
	int ref;

	gref->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!gref->page)
		return -ENOMEM;

	ref = gnttab_grant_foreign_access(domid, xen_page_to_gfn(gref->page),
					  readonly);
	if (ref < 0)
		return ref;

	gref->ref = ref;
	gref->granted = true;
	return 0;
}

/**
 * gntalloc_grefs_alloc() - allocate @count pages granted to @domid
 * @f: the file that will hold them
 * @domid: the domain the pages are granted to
 * @readonly: grant read-only access
 * @count: number of pages; 0 is allowed and allocates nothing
 * @refs: filled in with the @count grant references
 * @index: filled in with the byte offset of the first page in @f
 *
 * Return: 0; -ENOSPC if the global limit would be exceeded or the grant
 * table is full; -ENOMEM. On failure nothing is left allocated (a page
 * granted already is revoked as any other), but the offsets stay used.
 */
int gntalloc_grefs_alloc(struct gntalloc_file *f, domid_t domid,
			 bool readonly, unsigned int count, u32 *refs,
			 u64 *index)
{
	unsigned int max = gntalloc_max_grefs(), made = 0, i;
	struct gntalloc_gref *gref, *next;
	LIST_HEAD(grefs);
	int rc = 0;

	mutex_lock(&gntalloc_lock);
	gntalloc_retry_revoke();
	if (gntalloc_nr_grefs > max || count > max - gntalloc_nr_grefs) {
		mutex_unlock(&gntalloc_lock);
		return -ENOSPC;
	}
	gntalloc_nr_grefs += count;
	*index = f->next_index;
	f->next_index += (u64)count << PAGE_SHIFT;
	mutex_unlock(&gntalloc_lock);

	for (i = 0; i < count; i++) {
		gref = kzalloc(sizeof(*gref), GFP_KERNEL);
		if (!gref) {
			rc = -ENOMEM;
			break;
		}
		made++;
		gref->users = 1;
		gref->index = *index + ((u64)i << PAGE_SHIFT);
		list_add_tail(&gref->node, &grefs);

		rc = gntalloc_gref_grant(gref, domid, readonly);
		if (rc)
			break;
		refs[i] = gref->ref;
	}

	mutex_lock(&gntalloc_lock);
	if (rc) {
		gntalloc_nr_grefs -= count - made;
		list_for_each_entry_safe(gref, next, &grefs, node) {
			list_del_init(&gref->node);
			gntalloc_gref_put(gref);
		}
	} else {
		gntalloc_file_insert(f, &grefs, *index);
	}
	mutex_unlock(&gntalloc_lock);
	return rc;
}

/**
 * gntalloc_gref_find() - the grefs of a file at consecutive offsets
 * @f: the file; gntalloc_lock held
 * @index: byte offset of the first
 * @count: number of grefs that must follow each other from @index
 *
 * Return: the first gref, or NULL if any of the @count is missing or
 * @count is 0.
 */
struct gntalloc_gref *gntalloc_gref_find(struct gntalloc_file *f, u64 index,
					 unsigned int count)
{
	struct gntalloc_gref *first, *gref;
	unsigned int n = 0;

	lockdep_assert_held(&gntalloc_lock);

	if (!count)
		return NULL;

	list_for_each_entry(first, &f->grefs, node) {
		if (first->index != index)
			continue;
		gref = first;
		list_for_each_entry_from(gref, &f->grefs, node) {
			if (gref->index != index + ((u64)n << PAGE_SHIFT))
				return NULL;
			if (++n == count)
				return first;
		}
		return NULL;
	}
	return NULL;
}

/**
 * gntalloc_grefs_dealloc() - the file lets go of @count grefs
 * @f: the file
 * @index: byte offset of the first
 * @count: number of grefs, at consecutive offsets
 *
 * A gref still mapped is released when its last mapping goes.
 *
 * Return: 0, or -EINVAL if the file does not hold all @count (or @count is
 * 0), as in-tree.
 */
int gntalloc_grefs_dealloc(struct gntalloc_file *f, u64 index,
			   unsigned int count)
{
	struct gntalloc_gref *gref, *next;
	unsigned int i;
	int rc = 0;

	mutex_lock(&gntalloc_lock);
	gref = gntalloc_gref_find(f, index, count);
	if (!gref)
		rc = -EINVAL;
	for (i = 0; gref && i < count; i++) {
		next = list_next_entry(gref, node);
		list_del_init(&gref->node);
		gntalloc_gref_put(gref);
		gref = next;
	}
	gntalloc_retry_revoke();
	mutex_unlock(&gntalloc_lock);
	return rc;
}

/**
 * gntalloc_file_release() - a file is closed: it lets go of all its grefs
 * @f: the file
 */
void gntalloc_file_release(struct gntalloc_file *f)
{
	struct gntalloc_gref *gref, *next;

	mutex_lock(&gntalloc_lock);
	list_for_each_entry_safe(gref, next, &f->grefs, node) {
		list_del_init(&gref->node);
		gntalloc_gref_put(gref);
	}
	mutex_unlock(&gntalloc_lock);
}

/**
 * gntalloc_revoke_pending_release() - module exit: hand pending revocations
 * to the grant-table core
 *
 * No file is open and no mapping is left, so every gref still existing is
 * pending revocation. gnttab_end_foreign_access() revokes each grant now if
 * it can, else keeps retrying, and frees the page once revoked.
 */
void gntalloc_revoke_pending_release(void)
{
	struct gntalloc_gref *gref, *next;

	cancel_delayed_work_sync(&gntalloc_retry);

	mutex_lock(&gntalloc_lock);
	list_for_each_entry_safe(gref, next, &gntalloc_pending, node) {
		list_del(&gref->node);
		gnttab_end_foreign_access(gref->ref, gref->page);
		gref->page = NULL;
		gntalloc_gref_free(gref);
	}
	WARN_ON(gntalloc_nr_grefs);
	mutex_unlock(&gntalloc_lock);
}
