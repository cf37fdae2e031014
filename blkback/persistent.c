// SPDX-License-Identifier: GPL-2.0
/*
 * persistent.c - persistent grants ("feature-persistent").
 *
 * A frontend that agrees to them reuses a fixed set of granted pages, so
 * the backend maps each grant once and keeps it: no map and unmap
 * hypercalls (and TLB flushes) per request. Each queue keeps its grants in
 * a red-black tree by grant reference, for the lookup, and on a list in
 * order of last use, for eviction. The tree is bounded: once it holds
 * max_persistent_grants, further grants are mapped per request. The
 * kthread evicts in a periodic pass (xbb_pgrant_purge()): grants unused
 * for persistent_grant_unused_seconds, and when the bound was hit since
 * the last pass, a twentieth of the bound in least recently used ones, so
 * that a frontend whose set of pages changed gets the new ones kept. A
 * grant with segments in flight is never unmapped; at disconnect, once
 * the kthread has drained every request, all are (XSA-365/371: none may
 * outlive the connection, or the guest cannot be destroyed).
 *
 * Everything here runs in the queue's kthread, or after it stopped.
 */
#include "common.h"

#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

bool xbb_feature_persistent = true;
module_param_named(feature_persistent, xbb_feature_persistent, bool, 0644);
MODULE_PARM_DESC(feature_persistent,
		 "Offer persistent grants to frontends (read at each connection)");

static unsigned int xbb_max_pgrants = 1056;
module_param_named(max_persistent_grants, xbb_max_pgrants, uint, 0644);
MODULE_PARM_DESC(max_persistent_grants,
		 "Maximum number of grants to keep mapped persistently, per queue");

static unsigned int xbb_pgrant_unused_secs = 60;
module_param_named(persistent_grant_unused_seconds, xbb_pgrant_unused_secs,
		   uint, 0644);
MODULE_PARM_DESC(persistent_grant_unused_seconds,
		 "Seconds after which an unused persistent grant is unmapped");

/* Evicted per LRU pass once the tree was found full: 1/20 of the bound. */
#define XBB_PGRANT_EVICT_DIVISOR	20

/**
 * xbb_pgrant_init() - set up a queue's empty tree
 * @ring: the queue, not started
 */
void xbb_pgrant_init(struct xbb_ring *ring)
{
	ring->pgrants = RB_ROOT;
	INIT_LIST_HEAD(&ring->pgrant_lru);
	ring->nr_pgrants = 0;
	ring->pgrant_full = false;
	ring->next_purge = jiffies + XBB_IDLE_INTERVAL;
}

/**
 * xbb_pgrant_room() - how many more grants the tree may take now
 * @ring: the queue
 *
 * Return: max_persistent_grants less the grants held, or 0.
 */
unsigned int xbb_pgrant_room(struct xbb_ring *ring)
{
	unsigned int max = READ_ONCE(xbb_max_pgrants);

	return ring->nr_pgrants < max ? max - ring->nr_pgrants : 0;
}

/* Most recently used goes last: the list stays ordered by @last_used. */
static void xbb_pgrant_touch(struct xbb_ring *ring, struct xbb_pgrant *pg)
{
	pg->last_used = jiffies;
	list_move_tail(&pg->lru, &ring->pgrant_lru);
}

/**
 * xbb_pgrant_get() - take the persistent grant of @gref for one segment
 * @ring: the queue
 * @gref: the frontend's grant reference
 *
 * Several segments, of one request or several, may share a grant.
 *
 * Return: the grant, to be given back with xbb_pgrant_put(), or NULL when
 * @gref is not held.
 */
struct xbb_pgrant *xbb_pgrant_get(struct xbb_ring *ring, grant_ref_t gref)
{
	struct rb_node *node = ring->pgrants.rb_node;

	while (node) {
		struct xbb_pgrant *pg = rb_entry(node, struct xbb_pgrant, node);

		if (gref < pg->gref) {
			node = node->rb_left;
		} else if (gref > pg->gref) {
			node = node->rb_right;
		} else {
			pg->users++;
			xbb_pgrant_touch(ring, pg);
			return pg;
		}
	}
	return NULL;
}

/**
 * xbb_pgrant_add() - keep a grant just mapped, taken for one segment
 * @ring: the queue
 * @gref: the frontend's grant reference
 * @page: where it is mapped, writable
 * @handle: the mapping's handle
 *
 * The caller checked xbb_pgrant_room(). On failure the mapping stays the
 * caller's, to unmap with its request.
 *
 * Return: the grant, to be given back with xbb_pgrant_put(), or NULL when
 * @gref is held already (the request named it twice) or out of memory.
 */
struct xbb_pgrant *xbb_pgrant_add(struct xbb_ring *ring, grant_ref_t gref,
				  struct page *page, grant_handle_t handle)
{
	struct rb_node **link = &ring->pgrants.rb_node, *parent = NULL;
	struct xbb_pgrant *pg;

	while (*link) {
		pg = rb_entry(*link, struct xbb_pgrant, node);
		parent = *link;
		if (gref < pg->gref)
			link = &(*link)->rb_left;
		else if (gref > pg->gref)
			link = &(*link)->rb_right;
		else
			return NULL;
	}

	pg = kmalloc(sizeof(*pg), GFP_KERNEL);
	if (!pg)
		return NULL;
	pg->gref = gref;
	pg->handle = handle;
	pg->page = page;
	pg->users = 1;
	pg->last_used = jiffies;
	rb_link_node(&pg->node, parent, link);
	rb_insert_color(&pg->node, &ring->pgrants);
	list_add_tail(&pg->lru, &ring->pgrant_lru);
	WRITE_ONCE(ring->nr_pgrants, ring->nr_pgrants + 1);
	return pg;
}

/**
 * xbb_pgrant_put() - give back a grant a finished segment used
 * @ring: the queue
 * @pg: the grant, from xbb_pgrant_get() or xbb_pgrant_add()
 */
void xbb_pgrant_put(struct xbb_ring *ring, struct xbb_pgrant *pg)
{
	pg->users--;
	xbb_pgrant_touch(ring, pg);
}

/*
 * Take @pg out of the tree and queue its unmap as entry @k of
 * @ring->unmap_ops, unmapping a full batch. Return: the entries queued.
 */
static unsigned int xbb_pgrant_evict(struct xbb_ring *ring,
				     struct xbb_pgrant *pg, unsigned int k)
{
	rb_erase(&pg->node, &ring->pgrants);
	list_del(&pg->lru);
	WRITE_ONCE(ring->nr_pgrants, ring->nr_pgrants - 1);
	gnttab_set_unmap_op(&ring->unmap_ops[k], xbb_page_addr(pg->page),
			    GNTMAP_host_map, pg->handle);
	ring->unmap_pages[k++] = pg->page;
	kfree(pg);
	if (k < ring->max_segs)
		return k;
	xbb_grant_unmap_batch(ring, k);
	return 0;
}

/**
 * xbb_pgrant_purge() - the periodic LRU pass
 * @ring: the queue
 *
 * Unmaps, among the grants with nothing in flight, those unused for
 * persistent_grant_unused_seconds, those above max_persistent_grants
 * (lowered at run time), and, if the bound stopped a grant from being kept
 * since the last pass, a twentieth of the bound, least recently used
 * first.
 */
void xbb_pgrant_purge(struct xbb_ring *ring)
{
	unsigned int max = READ_ONCE(xbb_max_pgrants);
	unsigned long idle = READ_ONCE(xbb_pgrant_unused_secs) * (unsigned long)HZ;
	unsigned long now = jiffies;
	unsigned int excess = 0, k = 0, purged = 0;
	struct xbb_pgrant *pg, *next;

	if (ring->nr_pgrants > max)
		excess = ring->nr_pgrants - max;
	if (ring->pgrant_full)
		excess += DIV_ROUND_UP(max, XBB_PGRANT_EVICT_DIVISOR);
	ring->pgrant_full = false;

	list_for_each_entry_safe(pg, next, &ring->pgrant_lru, lru) {
		if (pg->users)
			continue;
		/* Unsigned difference: right for any idle time. */
		if (now - pg->last_used < idle) {
			if (!excess)
				break;	/* the rest were used later still */
			excess--;
		} else if (excess) {
			excess--;
		}
		k = xbb_pgrant_evict(ring, pg, k);
		purged++;
	}
	xbb_grant_unmap_batch(ring, k);
	xbb_stat_add(&ring->st.pgrant_purged, purged);
}

/**
 * xbb_pgrant_free_all() - unmap every persistent grant of a stopped queue
 * @ring: the queue; its kthread has stopped, so no segment is in flight
 */
void xbb_pgrant_free_all(struct xbb_ring *ring)
{
	struct xbb_pgrant *pg, *next;
	unsigned int k = 0;

	list_for_each_entry_safe(pg, next, &ring->pgrant_lru, lru) {
		/* The kthread drained every request before it returned. */
		WARN_ON_ONCE(pg->users);
		k = xbb_pgrant_evict(ring, pg, k);
	}
	xbb_grant_unmap_batch(ring, k);
}
