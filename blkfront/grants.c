// SPDX-License-Identifier: GPL-2.0
/*
 * grants.c - the slots of a ring: their grants, their pages, and the
 * rules for giving a grant back.
 *
 * Three ways of sharing data, chosen at each connection:
 *
 *   direct     (trusted backend, no persistent grants): the request's own
 *              pages are granted, read-only for writes, and revoked when
 *              the response comes.
 *   bounce     (the frontend's "trusted" node is 0, or the module's
 *              trusted=0; XSA-403): data is copied through pages the slot
 *              owns, allocated zeroed, so the backend never sees a byte of
 *              the guest that is not this disk's data. Revoked at response.
 *   persistent (feature-persistent on both ends; bounces too): the slot's
 *              pages stay granted between requests; at each response a
 *              grant the backend no longer maps is revoked, one it still
 *              maps is kept for the slot's next request. Every 10 s the
 *              free slots' grants are tried again, so grant references
 *              the backend dropped go back to the guest's pool.
 *
 * Outside persistent mode a grant still mapped after its response is a
 * backend bug: the caller (ring.c) disables the device. A slot whose grant
 * cannot be revoked is never used again, and its pages are handed to the
 * grant table's deferred revocation, which frees them only once the
 * backend lets go (XSA-396).
 */
#include "common.h"

#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

static unsigned int xbf_nr_ind(const struct xbf_info *info)
{
	return info->max_indirect ?
	       DIV_ROUND_UP(info->max_grants, XBF_SEGS_PER_INDIRECT_PAGE) : 0;
}

static struct xbf_grant *xbf_grants_new(unsigned int nr)
{
	struct xbf_grant *g = kvcalloc(nr, sizeof(*g), GFP_KERNEL);
	unsigned int i;

	for (i = 0; g && i < nr; i++)
		g[i].gref = INVALID_GRANT_REF;
	return g;
}

static int xbf_grants_fill(struct xbf_grant *g, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		g[i].page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!g[i].page)
			return -ENOMEM;
	}
	return 0;
}

/* Revoke (or hand over, when still mapped) and free grants and pages. */
static void xbf_grants_release(struct xbf_ring *ring, struct xbf_grant *g,
			       unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++, g++) {
		if (g->gref != INVALID_GRANT_REF) {
			if (gnttab_try_end_foreign_access(g->gref)) {
				ring->stats[XBF_STAT_UNGRANTS]++;
			} else {
				/* Takes over our page reference. */
				gnttab_end_foreign_access(g->gref, g->page);
				ring->stats[XBF_STAT_DEFERRED]++;
				g->page = NULL;
			}
			g->gref = INVALID_GRANT_REF;
		}
		if (g->page)
			__free_page(g->page);
		g->page = NULL;
	}
}

/**
 * xbf_slots_alloc() - set up a ring's slots for this connection
 * @ring: the ring; info->ring_size, max_grants, max_indirect and bounce
 *	are negotiated
 *
 * Bouncing, every slot gets max_grants zeroed pages; with indirect
 * requests, its indirect descriptor pages.
 *
 * Return: 0, or -ENOMEM (what was allocated is freed).
 */
int xbf_slots_alloc(struct xbf_ring *ring)
{
	struct xbf_info *info = ring->info;
	unsigned int n = info->ring_size, g = info->max_grants;
	unsigned int nind = xbf_nr_ind(info);
	unsigned int i, noio;
	int err = -ENOMEM;

	/* A disk being reconnected may be what the allocator writes to. */
	noio = memalloc_noio_save();
	ring->slots = kvcalloc(n, sizeof(*ring->slots), GFP_KERNEL);
	if (!ring->slots)
		goto out;
	ring->nr_slots = n;
	for (i = 0; i < n; i++) {
		struct xbf_slot *s = &ring->slots[i];

		s->next_free = i + 1 < n ? i + 1 : XBF_NO_SLOT;
		s->sg = kvcalloc(g, sizeof(*s->sg), GFP_KERNEL);
		s->segs = xbf_grants_new(g);
		if (nind)
			s->ind = xbf_grants_new(nind);
		if (!s->sg || !s->segs || (nind && !s->ind))
			goto fail;
		sg_init_table(s->sg, g);
		if ((info->bounce && xbf_grants_fill(s->segs, g)) ||
		    xbf_grants_fill(s->ind, nind))
			goto fail;
	}
	ring->free_slot = 0;
	err = 0;
	goto out;

fail:
	xbf_slots_free(ring);
out:
	memalloc_noio_restore(noio);
	return err;
}

/**
 * xbf_slots_free() - revoke every grant of a ring's slots and free them
 * @ring: the ring, no longer live, no request in flight
 *
 * A grant the backend still maps is handed to the grant table's deferred
 * revocation with its page, which is freed once the backend unmaps it.
 */
void xbf_slots_free(struct xbf_ring *ring)
{
	unsigned int i, nind = xbf_nr_ind(ring->info);

	if (!ring->slots)
		return;
	for (i = 0; i < ring->nr_slots; i++) {
		struct xbf_slot *s = &ring->slots[i];

		WARN_ON_ONCE(s->rq);
		if (s->segs)
			xbf_grants_release(ring, s->segs, ring->info->max_grants);
		if (s->ind)
			xbf_grants_release(ring, s->ind, nind);
		kvfree(s->sg);
		kvfree(s->segs);
		kvfree(s->ind);
	}
	kvfree(ring->slots);
	ring->slots = NULL;
	ring->nr_slots = 0;
	ring->free_slot = XBF_NO_SLOT;
}

/**
 * xbf_slot_peek() - the slot the next request would take
 * @ring: the ring, live, locked
 *
 * Return: the slot, or NULL when every slot is in flight.
 */
struct xbf_slot *xbf_slot_peek(struct xbf_ring *ring)
{
	if (ring->free_slot == XBF_NO_SLOT)
		return NULL;
	return &ring->slots[ring->free_slot];
}

/**
 * xbf_slot_take() - put a request in flight in the slot xbf_slot_peek() gave
 * @ring: the ring, locked
 * @slot: that slot
 * @rq: the request
 * @op: the operation its response must carry
 */
void xbf_slot_take(struct xbf_ring *ring, struct xbf_slot *slot,
		   struct request *rq, u8 op)
{
	ring->free_slot = slot->next_free;
	slot->next_free = XBF_NO_SLOT;
	slot->rq = rq;
	slot->op = op;
}

/**
 * xbf_slot_put() - a slot's request is answered or taken back
 * @ring: the ring, locked
 * @slot: the slot; it goes back to the free list unless it is lost
 */
void xbf_slot_put(struct xbf_ring *ring, struct xbf_slot *slot)
{
	slot->rq = NULL;
	slot->nr_segs = 0;
	slot->nr_ind = 0;
	if (slot->lost)
		return;
	slot->next_free = ring->free_slot;
	ring->free_slot = slot - ring->slots;
}

static void xbf_grants_available(void *arg)
{
	struct xbf_ring *ring = arg;

	schedule_work(&ring->restart);
}

/* Grant one page: @g's own page when it has one, else @page. */
static void xbf_grant_one(struct xbf_ring *ring, struct xbf_grant *g,
			  grant_ref_t *head, struct page *page, bool ro)
{
	if (g->gref != INVALID_GRANT_REF) {
		ring->stats[XBF_STAT_PERSISTENT_HITS]++;
		return;
	}
	g->gref = gnttab_claim_grant_reference(head);
	gnttab_page_grant_foreign_access_ref_one(g->gref,
						 ring->info->xbdev->otherend_id,
						 g->page ?: page, ro);
	ring->stats[XBF_STAT_GRANTS]++;
}

/**
 * xbf_slot_grant() - grant a slot's pages for its next request
 * @ring: the ring, locked
 * @slot: the slot; @slot->sg holds @slot->nr_segs mapped segments, each
 *	inside one page, and @slot->nr_ind and @slot->write are set
 *
 * Bouncing, a write's data is copied into the slot's pages first, at the
 * same offsets. Grants still held from the slot's last request (persistent
 * ones) are reused; the others take new references. Outside persistent
 * mode the backend only reads a write's pages, so they are granted
 * read-only.
 *
 * Return: 0, or -EBUSY when the guest is out of grant references; the
 * ring's hardware queues are restarted once enough are free.
 */
int xbf_slot_grant(struct xbf_ring *ring, struct xbf_slot *slot)
{
	struct xbf_info *info = ring->info;
	bool ro = !info->persistent;
	unsigned int i, need = 0;
	struct scatterlist *sg;
	grant_ref_t head = 0;

	for (i = 0; i < slot->nr_segs; i++)
		need += slot->segs[i].gref == INVALID_GRANT_REF;
	for (i = 0; i < slot->nr_ind; i++)
		need += slot->ind[i].gref == INVALID_GRANT_REF;
	if (need && gnttab_alloc_grant_references(need, &head)) {
		gnttab_request_free_callback(&ring->gnt_cb,
					     xbf_grants_available, ring, need);
		return -EBUSY;
	}

	for_each_sg(slot->sg, sg, slot->nr_segs, i) {
		struct xbf_grant *g = &slot->segs[i];

		if (info->bounce && slot->write) {
			memcpy_page(g->page, sg->offset, sg_page(sg),
				    sg->offset, sg->length);
			ring->stats[XBF_STAT_COPIED] += sg->length;
		}
		xbf_grant_one(ring, g, &head, sg_page(sg), ro && slot->write);
	}
	for (i = 0; i < slot->nr_ind; i++)
		xbf_grant_one(ring, &slot->ind[i], &head, NULL, ro);
	if (need)
		gnttab_free_grant_references(head);
	return 0;
}

/* Revoke one grant after its response; false when it must not be reused. */
static bool xbf_ungrant_one(struct xbf_ring *ring, struct xbf_grant *g)
{
	if (g->gref == INVALID_GRANT_REF)
		return true;
	if (gnttab_try_end_foreign_access(g->gref)) {
		g->gref = INVALID_GRANT_REF;
		ring->stats[XBF_STAT_UNGRANTS]++;
		return true;
	}
	/* Still mapped: kept for the next request if persistent. */
	return ring->info->persistent && g->page;
}

/**
 * xbf_slot_ungrant() - revoke a slot's grants once its response came
 * @ring: the ring, locked
 * @slot: the answered slot
 *
 * Return: true; false when the backend still maps a grant it should have
 * unmapped (not persistent): the slot is then lost (never used again) and
 * the caller must treat the backend as broken.
 */
bool xbf_slot_ungrant(struct xbf_ring *ring, struct xbf_slot *slot)
{
	bool ok = true;
	unsigned int i;

	for (i = 0; i < slot->nr_segs; i++)
		ok &= xbf_ungrant_one(ring, &slot->segs[i]);
	for (i = 0; i < slot->nr_ind; i++)
		ok &= xbf_ungrant_one(ring, &slot->ind[i]);
	if (!ok)
		slot->lost = true;
	return ok;
}

/**
 * xbf_slot_defer() - let go of a lost slot's grants that are still mapped
 * @ring: the ring, locked
 * @slot: the slot, lost
 *
 * Each grant goes to the grant table's deferred revocation, which holds a
 * reference to its page (the slot's own, which it takes over, or the
 * request's) until the backend unmaps it, so that the page is not freed
 * under the backend. The request's page is still the request's: only used
 * when a device goes away for good or is reconnected after migration.
 */
void xbf_slot_defer(struct xbf_ring *ring, struct xbf_slot *slot)
{
	unsigned int i;

	for (i = 0; i < slot->nr_segs + slot->nr_ind; i++) {
		struct xbf_grant *g = i < slot->nr_segs ? &slot->segs[i] :
				      &slot->ind[i - slot->nr_segs];

		if (g->gref == INVALID_GRANT_REF)
			continue;
		gnttab_end_foreign_access(g->gref, g->page);
		ring->stats[XBF_STAT_DEFERRED]++;
		g->gref = INVALID_GRANT_REF;
		g->page = NULL;
	}
}

/**
 * xbf_slot_copy_out() - copy a bounced read's data to the request's pages
 * @ring: the ring, locked
 * @slot: the answered slot, its grants revoked (or persistent)
 */
void xbf_slot_copy_out(struct xbf_ring *ring, struct xbf_slot *slot)
{
	struct scatterlist *sg;
	unsigned int i;

	for_each_sg(slot->sg, sg, slot->nr_segs, i) {
		memcpy_page(sg_page(sg), sg->offset, slot->segs[i].page,
			    sg->offset, sg->length);
		ring->stats[XBF_STAT_COPIED] += sg->length;
	}
}

/* Revoke the grants of a free slot that the backend no longer maps. */
static void xbf_purge_slot(struct xbf_ring *ring, struct xbf_slot *slot)
{
	unsigned int i, nind = xbf_nr_ind(ring->info);

	for (i = 0; i < ring->info->max_grants; i++)
		xbf_ungrant_one(ring, &slot->segs[i]);
	for (i = 0; i < nind; i++)
		xbf_ungrant_one(ring, &slot->ind[i]);
}

/**
 * xbf_purge_work() - give back the grant references of persistent grants
 *	the backend has dropped
 * @work: struct xbf_info's @purge_work
 *
 * Runs every XBF_PURGE_INTERVAL while persistent grants are in use.
 */
void xbf_purge_work(struct work_struct *work)
{
	struct xbf_info *info = container_of(to_delayed_work(work),
					     struct xbf_info, purge_work);
	unsigned long flags;
	unsigned int r, i;

	for (r = 0; r < info->nr_rings; r++) {
		struct xbf_ring *ring = &info->rings[r];

		spin_lock_irqsave(&ring->lock, flags);
		for (i = 0; ring->live && i < ring->nr_slots; i++) {
			struct xbf_slot *s = &ring->slots[i];

			if (!s->rq && !s->lost)
				xbf_purge_slot(ring, s);
		}
		spin_unlock_irqrestore(&ring->lock, flags);
	}
	if (READ_ONCE(info->state) == XBF_CONNECTED && info->persistent)
		schedule_delayed_work(&info->purge_work, XBF_PURGE_INTERVAL);
}
