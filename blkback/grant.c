// SPDX-License-Identifier: GPL-2.0
/*
 * grant.c - mapping the pages a request's segments grant, and unmapping
 * them.
 *
 * With persistent grants a segment whose grant is already in the ring's
 * tree costs nothing; a new one is mapped writable (it may serve a read
 * later) and kept while the tree has room; past that, grants are mapped
 * for the request alone, read-only when the guest's memory is only read,
 * as without persistent grants. Only what Xen reports mapped gets a handle
 * (XSA-361), and a request whose grants do not all map is failed with
 * everything it mapped released (XSA-362/365). Only the ring's kthread
 * calls these.
 */
#include "common.h"

/**
 * xbb_grant_unmap_batch() - unmap the grants queued in @ring->unmap_ops
 * @ring: the queue
 * @n: how many are queued (at most @ring->max_segs)
 *
 * A page Xen unmapped goes back to the ring's cache; one Xen refuses to
 * unmap still holds the guest's frame and is leaked rather than reused.
 */
void xbb_grant_unmap_batch(struct xbb_ring *ring, unsigned int n)
{
	unsigned int i, done = 0;
	int err;

	if (!n)
		return;
	err = gnttab_unmap_refs(ring->unmap_ops, NULL, ring->unmap_pages, n);
	xbb_stat_add(&ring->st.unmap_ops, 1);
	for (i = 0; i < n; i++) {
		if (!err && ring->unmap_ops[i].status == GNTST_okay) {
			gnttab_page_cache_put(&ring->cache,
					      &ring->unmap_pages[i], 1);
			done++;
			continue;
		}
		pr_err_ratelimited("domain %d: grant unmap failed (%d/%d), page leaked\n",
				   ring->be->dev->otherend_id, err,
				   ring->unmap_ops[i].status);
	}
	xbb_stat_add(&ring->st.grants_unmapped, done);
}

/**
 * xbb_grant_unmap() - release the first @n segments of a mapping
 * @ring: the queue
 * @m: the mapping; each segment is left unmapped, with no persistent grant
 * @n: segments
 *
 * A persistent grant is only put back (it stays mapped for the next
 * request); a per-request mapping is unmapped; a page never mapped goes
 * back to the cache.
 */
void xbb_grant_unmap(struct xbb_ring *ring, const struct xbb_mapping *m,
		     unsigned int n)
{
	unsigned int i, k = 0;

	for (i = 0; i < n; i++) {
		if (m->pgrants[i]) {
			xbb_pgrant_put(ring, m->pgrants[i]);
			m->pgrants[i] = NULL;
			continue;
		}
		if (m->handles[i] == XBB_NO_HANDLE) {
			gnttab_page_cache_put(&ring->cache, &m->pages[i], 1);
			continue;
		}
		gnttab_set_unmap_op(&ring->unmap_ops[k],
				    xbb_page_addr(m->pages[i]), GNTMAP_host_map,
				    m->handles[i]);
		ring->unmap_pages[k++] = m->pages[i];
		m->handles[i] = XBB_NO_HANDLE;
		if (k == ring->max_segs) {
			xbb_grant_unmap_batch(ring, k);
			k = 0;
		}
	}
	xbb_grant_unmap_batch(ring, k);
}

/* Queue the map op of segment @i at a page from the cache. */
static int xbb_grant_queue(struct xbb_ring *ring, const struct xbb_mapping *m,
			   unsigned int i, unsigned int k, grant_ref_t ref,
			   u32 flags)
{
	if (gnttab_page_cache_get(&ring->cache, &m->pages[i]))
		return -ENOMEM;
	gnttab_set_map_op(&ring->map_ops[k], xbb_page_addr(m->pages[i]), flags,
			  ref, ring->be->dev->otherend_id);
	/* Only what Xen reports mapped gets a handle (XSA-361). */
	ring->map_ops[k].status = GNTST_general_error;
	ring->map_pages[k] = m->pages[i];
	ring->map_seg[k] = i;
	return 0;
}

/**
 * xbb_grant_map() - map the grants of @n segments
 * @ring: the queue
 * @refs: their grant references, as copied from the request
 * @n: how many (at most @ring->max_segs)
 * @readonly: the request only reads the guest's memory
 * @m: where the mappings go
 *
 * On failure nothing stays mapped for the request (persistent grants it
 * mapped stay in the tree, which owns them).
 *
 * Return: 0; -ENOMEM when no page was left for a mapping; -EIO when a
 * grant did not map.
 */
int xbb_grant_map(struct xbb_ring *ring, const grant_ref_t *refs,
		  unsigned int n, bool readonly, const struct xbb_mapping *m)
{
	unsigned int i, k = 0, room = 0;
	bool failed = false;
	int err;

	if (ring->persistent)
		room = xbb_pgrant_room(ring);
	for (i = 0; i < n; i++) {
		u32 flags = GNTMAP_host_map;
		bool persist = false;

		m->handles[i] = XBB_NO_HANDLE;
		m->pgrants[i] = NULL;
		if (ring->persistent) {
			m->pgrants[i] = xbb_pgrant_get(ring, refs[i]);
			if (m->pgrants[i]) {
				m->pages[i] = m->pgrants[i]->page;
				xbb_stat_add(&ring->st.pgrant_hits, 1);
				continue;
			}
			xbb_stat_add(&ring->st.pgrant_misses, 1);
			if (room) {
				persist = true;
				room--;
			} else {
				ring->pgrant_full = true;
			}
		}
		/* A persistent grant may serve a read later: writable. */
		if (readonly && !persist)
			flags |= GNTMAP_readonly;
		if (xbb_grant_queue(ring, m, i, k, refs[i], flags)) {
			xbb_grant_unmap(ring, m, i);
			return -ENOMEM;
		}
		ring->map_persist[k++] = persist;
	}
	if (!k)
		return 0;

	err = gnttab_map_refs(ring->map_ops, NULL, ring->map_pages, k);
	xbb_stat_add(&ring->st.map_ops, 1);
	for (i = 0; i < k; i++) {
		const struct gnttab_map_grant_ref *op = &ring->map_ops[i];
		unsigned int seg = ring->map_seg[i];

		if (op->status != GNTST_okay) {
			failed = true;
			continue;
		}
		xbb_stat_add(&ring->st.grants_mapped, 1);
		/* A batch the kernel failed to account for is not kept. */
		if (!err && ring->map_persist[i])
			m->pgrants[seg] = xbb_pgrant_add(ring, refs[seg],
							 m->pages[seg],
							 op->handle);
		if (!m->pgrants[seg])
			m->handles[seg] = op->handle;
	}
	if (!err && !failed)
		return 0;

	pr_debug("domain %d: grant map failed (%d)\n",
		 ring->be->dev->otherend_id, err);
	xbb_grant_unmap(ring, m, n);
	return -EIO;
}
