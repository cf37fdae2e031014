// SPDX-License-Identifier: GPL-2.0
/*
 * gntdev-map.c - one MAP_GRANT_REF: its memory, its place in the file's
 * offsets, its references, and its teardown.
 *
 * Life of a map:
 *
 *  1. MAP_GRANT_REF allocates it with every handle preset to
 *     INVALID_GRANT_HANDLE and kernel pages to map the grants at
 *     (gnttab_alloc_pages()), and lists it in the file at the first free
 *     range of offsets. Nothing is mapped yet.
 *  2. mmap() of exactly that range maps the grants (gntdev-mmap.c). Only the
 *     grants Xen reports mapped get a handle; a failure anywhere makes the
 *     whole mmap() fail, and what was mapped is unmapped again (XSA-361).
 *  3. In a PV domain the MMU notifier undoes the user mappings whenever
 *     Linux is about to change the VMA's page-table entries (munmap, exit),
 *     and clears the notify byte first.
 *  4. When the last reference goes (UNMAP_GRANT_REF or close, and the last
 *     VMA), the kernel-side mappings are undone by gnttab_unmap_refs_async(),
 *     which waits until no one else holds a page (I/O in flight on it);
 *     then the unmap notification event is sent and everything is freed.
 *     A page Xen refused to unmap is leaked rather than reused.
 */
#include "gntdev.h"

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>

#include <xen/events.h>

/* Teardowns waiting for their pages: the module may not go before them. */
static atomic_t gntdev_teardowns = ATOMIC_INIT(0);

static void gntdev_map_free_memory(struct gntdev_map *map, bool pages_ok)
{
	if (map->pages && pages_ok)
		gnttab_free_pages(map->count, map->pages);
	else if (map->pages)
		pr_err("leaking %u pages that Xen did not unmap\n", map->count);

	kvfree(map->pages);
	bitmap_free(map->user_claimed);
	kvfree(map->kunmap_ops);
	kvfree(map->kmap_ops);
	kvfree(map->unmap_ops);
	kvfree(map->map_ops);
	kvfree(map->grants);
	kfree(map);
}

/**
 * gntdev_map_alloc() - allocate a map of @count grants, nothing mapped
 * @count: number of grants, 1 to the "limit" parameter
 *
 * Return: the map, holding one reference (the caller's), or NULL.
 */
struct gntdev_map *gntdev_map_alloc(unsigned int count)
{
	struct gntdev_map *map;
	unsigned int i;

	map = kzalloc(sizeof(*map), GFP_KERNEL);
	if (!map)
		return NULL;

	INIT_LIST_HEAD(&map->node);
	refcount_set(&map->users, 1);
	spin_lock_init(&map->notify_lock);
	map->count = count;

	map->grants = kvcalloc(count, sizeof(*map->grants), GFP_KERNEL);
	map->map_ops = kvcalloc(count, sizeof(*map->map_ops), GFP_KERNEL);
	map->unmap_ops = kvcalloc(count, sizeof(*map->unmap_ops), GFP_KERNEL);
	map->pages = kvcalloc(count, sizeof(*map->pages), GFP_KERNEL);
	if (!map->grants || !map->map_ops || !map->unmap_ops || !map->pages)
		goto err_free;

	if (gntdev_use_ptemod) {
		map->kmap_ops = kvcalloc(count, sizeof(*map->kmap_ops),
					 GFP_KERNEL);
		map->kunmap_ops = kvcalloc(count, sizeof(*map->kunmap_ops),
					   GFP_KERNEL);
		map->user_claimed = bitmap_zalloc(count, GFP_KERNEL);
		if (!map->kmap_ops || !map->kunmap_ops || !map->user_claimed)
			goto err_free;
	}

	for (i = 0; i < count; i++) {
		map->unmap_ops[i].handle = INVALID_GRANT_HANDLE;
		if (gntdev_use_ptemod)
			map->kunmap_ops[i].handle = INVALID_GRANT_HANDLE;
	}

	/* All or nothing: on failure no page is left allocated. */
	if (gnttab_alloc_pages(count, map->pages))
		goto err_free;

	return map;

err_free:
	kvfree(map->pages);
	map->pages = NULL;
	gntdev_map_free_memory(map, false);
	return NULL;
}

/**
 * gntdev_map_add() - give a map the first free range of the file's offsets
 * @f: the file; its lock held
 * @map: a map in no list
 *
 * The first map of a file gets offset 0 (user space relies on that).
 */
void gntdev_map_add(struct gntdev_file *f, struct gntdev_map *map)
{
	struct gntdev_map *cur;
	unsigned long index = 0;

	lockdep_assert_held(&f->lock);

	list_for_each_entry(cur, &f->maps, node) {
		if (index + map->count <= cur->index)
			break;
		index = cur->index + cur->count;
	}
	map->index = index;
	/* Before @cur, or at the tail when the loop ran off the end. */
	list_add_tail(&map->node, &cur->node);
}

/**
 * gntdev_map_find() - the map that starts at a page offset
 * @f: the file; its lock held
 * @index: page offset of the map's first page
 * @count: the map's number of pages, or 0 for any
 *
 * Return: the map, or NULL.
 */
struct gntdev_map *gntdev_map_find(struct gntdev_file *f, unsigned long index,
				   unsigned int count)
{
	struct gntdev_map *map;

	lockdep_assert_held(&f->lock);

	list_for_each_entry(map, &f->maps, node) {
		if (map->index == index && (!count || map->count == count))
			return map;
	}
	return NULL;
}

/**
 * gntdev_map_find_offset() - the map that a byte offset of the file is in
 * @f: the file; its lock held
 * @offset: byte offset, as mmap() would take it
 *
 * Return: the map, or NULL.
 */
struct gntdev_map *gntdev_map_find_offset(struct gntdev_file *f, u64 offset)
{
	u64 page = offset >> PAGE_SHIFT;
	struct gntdev_map *map;

	lockdep_assert_held(&f->lock);

	list_for_each_entry(map, &f->maps, node) {
		if (page >= map->index && page - map->index < map->count)
			return map;
	}
	return NULL;
}

/**
 * gntdev_map_kernel_mapped() - is page @i's grant mapped at its kernel page
 * @map: the map
 * @i: page number within the map
 *
 * Return: true if writing to page_address() of the page reaches the grant.
 */
bool gntdev_map_kernel_mapped(const struct gntdev_map *map, unsigned int i)
{
	const struct gnttab_unmap_grant_ref *ops =
		gntdev_use_ptemod ? map->kunmap_ops : map->unmap_ops;

	return ops[i].handle != INVALID_GRANT_HANDLE;
}

/**
 * gntdev_map_clear_byte() - carry out UNMAP_NOTIFY_CLEAR_BYTE, at most once
 * @map: the map
 * @first: first page being unmapped
 * @nr: number of pages being unmapped
 *
 * Clears the notify byte if it lies in the pages being unmapped, through the
 * kernel's own mapping of the grant. A read-only map cannot be written
 * (SET_UNMAP_NOTIFY refuses that once the map is mmapped; a request made
 * before mmap() is dropped here), nor can a page whose grant is not mapped.
 */
void gntdev_map_clear_byte(struct gntdev_map *map, unsigned int first,
			   unsigned int nr)
{
	unsigned int page;
	u8 *byte;

	spin_lock(&map->notify_lock);
	if (!(map->notify.flags & UNMAP_NOTIFY_CLEAR_BYTE))
		goto out;
	page = map->notify.offset >> PAGE_SHIFT;
	if (page < first || page - first >= nr)
		goto out;

	map->notify.flags &= ~UNMAP_NOTIFY_CLEAR_BYTE;
	if (map->readonly || !gntdev_map_kernel_mapped(map, page))
		goto out;

	byte = page_address(map->pages[page]);
	WRITE_ONCE(byte[offset_in_page(map->notify.offset)], 0);
out:
	spin_unlock(&map->notify_lock);
}

/* The last step: everything is unmapped; tell the peer and free. */
static void gntdev_map_finish(struct gntdev_map *map, bool pages_ok)
{
	if (map->notify.flags & UNMAP_NOTIFY_SEND_EVENT) {
		notify_remote_via_evtchn(map->notify.port);
		evtchn_put(map->notify.port);
	}
	gntdev_map_free_memory(map, pages_ok);
}

static void gntdev_map_unmapped(int result, struct gntab_unmap_queue_data *data)
{
	struct gntdev_map *map = data->data;
	struct gnttab_unmap_grant_ref *ops = data->unmap_ops;
	bool pages_ok = true;
	unsigned int i;

	for (i = 0; i < data->count; i++) {
		if (ops[i].handle == INVALID_GRANT_HANDLE)
			continue;
		if (ops[i].status != GNTST_okay) {
			pr_err("cannot unmap grant %u of domain %u: %d\n",
			       map->grants[i].ref, map->grants[i].domid,
			       ops[i].status);
			pages_ok = false;
		}
		ops[i].handle = INVALID_GRANT_HANDLE;
	}

	gntdev_map_finish(map, pages_ok);

	if (atomic_dec_and_test(&gntdev_teardowns))
		wake_up_var(&gntdev_teardowns);
}

/* No reference is left: undo the kernel mappings, then free. */
static void gntdev_map_teardown(struct gntdev_map *map)
{
	struct gnttab_unmap_grant_ref *ops =
		gntdev_use_ptemod ? map->kunmap_ops : map->unmap_ops;
	bool mapped = false;
	unsigned int i;

	/* Never from the notifier itself: a VMA holds a reference there. */
	if (map->notifier_active) {
		mmu_interval_notifier_remove(&map->notifier);
		map->notifier_active = false;
	}

	gntdev_map_clear_byte(map, 0, map->count);

	for (i = 0; i < map->count; i++) {
		/* PV: the notifier undid the user mappings with the VMA. */
		WARN_ON_ONCE(gntdev_use_ptemod &&
			     map->unmap_ops[i].handle != INVALID_GRANT_HANDLE);
		if (ops[i].handle == INVALID_GRANT_HANDLE)
			continue;
		ops[i].status = 1;	/* stays if Xen never gets to it */
		mapped = true;
	}
	if (!mapped) {
		gntdev_map_finish(map, true);
		return;
	}

	/*
	 * In a PV domain the kernel mappings are the kmap ops, passed here as
	 * the ones to unmap: gnttab_unmap_refs() unmaps them, then resets the
	 * pages' p2m entries, and has no second set to unmap.
	 */
	atomic_inc(&gntdev_teardowns);
	map->teardown.data = map;
	map->teardown.done = gntdev_map_unmapped;
	map->teardown.unmap_ops = ops;
	map->teardown.kunmap_ops = NULL;
	map->teardown.pages = map->pages;
	map->teardown.count = map->count;
	gnttab_unmap_refs_async(&map->teardown);
}

/**
 * gntdev_map_put() - drop a reference to a map, tearing it down on the last
 * @map: the map; out of its file's list if the reference was the list's
 *
 * Must be called in process context, without the notifier's locks: the
 * last reference removes the MMU notifier.
 */
void gntdev_map_put(struct gntdev_map *map)
{
	if (refcount_dec_and_test(&map->users))
		gntdev_map_teardown(map);
}

/**
 * gntdev_map_wait_teardowns() - wait for every asynchronous teardown
 *
 * Called at module exit, once no file is open: the teardowns' completion
 * is module code.
 */
void gntdev_map_wait_teardowns(void)
{
	wait_var_event(&gntdev_teardowns, !atomic_read(&gntdev_teardowns));
}
