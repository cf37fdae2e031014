// SPDX-License-Identifier: GPL-2.0
/*
 * fring.c - the frontend's half of rings, event channels and queues.
 *
 * A frontend allocates its rings and event channels and tells the backend
 * where they are; a backend maps what it is told (ring.c). Negotiation:
 *
 *   backend writes      <max_order_key> (e.g. max-ring-page-order),
 *                       multi-queue-max-queues, then goes InitWait
 *   frontend reads      them with xpvbus_read_max_ring_order() and
 *                       xpvbus_read_max_queues(), bounded by its own limits
 *   frontend allocates  each ring (xpvbus_fring_alloc) and event channel
 *                       (xpvbus_fevtchn_bind)
 *   frontend writes     in one transaction (xpvbus_transaction):
 *                       multi-queue-num-queues when more than one queue,
 *                       <order_key> when a ring has more than one page,
 *                       and per queue directory (xpvbus_local_queue_dir)
 *                       <ref_key> or <ref_key>0..N-1 and the event channel
 *
 * Nothing here knows the protocol: key names come from the driver's
 * struct xpvbus_ring_desc and arguments. Every number read from the
 * backend is bounded by the frontend's own maximum before it is used.
 */
#include "xpvbus.h"

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <xen/events.h>
#include <xen/grant_table.h>

/**
 * xpvbus_read_max_ring_order() - the ring order to use with this backend
 * @dev: the frontend device; @desc->max_order_key is read in @dev->otherend
 * @desc: the driver's ring description; @desc->max_order is its own limit
 *
 * A backend that does not advertise multi-page rings (key absent or
 * malformed) gets single-page rings.
 *
 * Return: the smaller of the backend's order, @desc->max_order and
 * XENBUS_MAX_RING_GRANT_ORDER; 0 when @desc has no @max_order_key.
 */
unsigned int xpvbus_read_max_ring_order(struct xenbus_device *dev,
					const struct xpvbus_ring_desc *desc)
{
	unsigned int order;

	if (!desc->max_order_key || !desc->order_key ||
	    xpvbus_read_uint(dev->otherend, desc->max_order_key, UINT_MAX,
			     &order))
		return 0;
	return min3(order, desc->max_order,
		    (unsigned int)XENBUS_MAX_RING_GRANT_ORDER);
}
EXPORT_SYMBOL_GPL(xpvbus_read_max_ring_order);

/**
 * xpvbus_fring_alloc() - allocate a ring and grant it to the backend
 * @dev: the frontend device; the pages are granted to @dev->otherend_id
 * @ring: the ring, owned by the caller; must not hold pages
 * @order: log2 of its pages, at most XENBUS_MAX_RING_GRANT_ORDER
 * @gfp: allocation flags (GFP_NOIO for a device that may back swap)
 *
 * The pages are zeroed and granted writable (xenbus_setup_ring()); the
 * caller initialises the ring's indexes in them.
 *
 * Return: 0; -EBUSY when @ring holds pages, -EINVAL for a bad order, or
 * the errno of the allocation, reported with xenbus_dev_fatal().
 */
int xpvbus_fring_alloc(struct xenbus_device *dev, struct xpvbus_fring *ring,
		       unsigned int order, gfp_t gfp)
{
	unsigned int nr = 1U << order;
	int err;

	if (ring->sring)
		return -EBUSY;
	if (order > XENBUS_MAX_RING_GRANT_ORDER)
		return -EINVAL;
	err = xenbus_setup_ring(dev, gfp, &ring->sring, nr, ring->grefs);
	if (err) {
		/* A grant failure is already reported in xenstore. */
		if (err == -ENOMEM)
			xenbus_dev_fatal(dev, err, "allocating a %u-page ring",
					 nr);
		return err;
	}
	ring->nr_pages = nr;
	return 0;
}
EXPORT_SYMBOL_GPL(xpvbus_fring_alloc);

/**
 * xpvbus_fring_free() - revoke and free a ring from xpvbus_fring_alloc()
 * @ring: the ring; nothing is done when it holds no pages
 *
 * A page the backend still maps is not freed under it: the kernel's grant
 * table keeps a reference to it until the backend lets go (XSA-396), so
 * calling this before the backend disconnected only delays the freeing.
 */
void xpvbus_fring_free(struct xpvbus_fring *ring)
{
	if (!ring->sring)
		return;
	xenbus_teardown_ring(&ring->sring, ring->nr_pages, ring->grefs);
	ring->nr_pages = 0;
}
EXPORT_SYMBOL_GPL(xpvbus_fring_free);

/**
 * xpvbus_fring_publish() - tell the backend where a ring is
 * @xbt: the transaction (see xpvbus_transaction())
 * @dev: the frontend device; @desc->order_key is written in @dev->nodename
 * @dir: the queue directory for the references (xpvbus_local_queue_dir())
 * @desc: the driver's ring description
 * @ring: the ring, allocated
 *
 * One page is advertised as <ref_key> alone, which every backend reads;
 * more as <order_key> and <ref_key>0 .. <ref_key>N-1.
 *
 * Return: 0, -EINVAL for a multi-page ring without @desc->order_key, or
 * the negative errno from xenstore.
 */
int xpvbus_fring_publish(struct xenbus_transaction xbt,
			 struct xenbus_device *dev, const char *dir,
			 const struct xpvbus_ring_desc *desc,
			 const struct xpvbus_fring *ring)
{
	unsigned int i;
	char key[32];
	int err;

	if (ring->nr_pages == 1)
		return xenbus_printf(xbt, dir, desc->ref_key, "%u",
				     ring->grefs[0]);
	if (!desc->order_key)
		return -EINVAL;
	err = xenbus_printf(xbt, dev->nodename, desc->order_key, "%u",
			    ilog2(ring->nr_pages));
	for (i = 0; !err && i < ring->nr_pages; i++) {
		snprintf(key, sizeof(key), "%s%u", desc->ref_key, i);
		err = xenbus_printf(xbt, dir, key, "%u", ring->grefs[i]);
	}
	return err;
}
EXPORT_SYMBOL_GPL(xpvbus_fring_publish);

/**
 * xpvbus_fevtchn_bind() - allocate an event channel for the backend and bind
 *	it, late EOI
 * @dev: the frontend device; the port is offered to @dev->otherend_id
 * @ev: the channel, owned by the caller, unbound
 * @handler: the interrupt handler; it must call xen_irq_lateeoi() once it
 *	has consumed the work (XEN_EOI_FLAG_SPURIOUS when there was none), so
 *	that a backend's event storm costs one interrupt per batch (XSA-391)
 * @name: the interrupt's name in /proc/interrupts
 * @data: the handler's dev_id
 *
 * Return: 0, -EBUSY when @ev is bound, or the negative errno of the
 * allocation or binding, reported with xenbus_dev_fatal().
 */
int xpvbus_fevtchn_bind(struct xenbus_device *dev, struct xpvbus_fevtchn *ev,
			irq_handler_t handler, const char *name, void *data)
{
	evtchn_port_t port;
	int irq, err;

	if (ev->irq > 0)
		return -EBUSY;
	err = xenbus_alloc_evtchn(dev, &port);
	if (err)
		return err;
	irq = bind_evtchn_to_irqhandler_lateeoi(port, handler, 0, name, data);
	if (irq < 0) {
		xenbus_free_evtchn(dev, port);
		xenbus_dev_fatal(dev, irq, "binding port %u", port);
		return irq;
	}
	ev->port = port;
	ev->irq = irq;
	return 0;
}
EXPORT_SYMBOL_GPL(xpvbus_fevtchn_bind);

/**
 * xpvbus_fevtchn_unbind() - unbind and close a channel from
 *	xpvbus_fevtchn_bind()
 * @ev: the channel; nothing is done when it is unbound
 * @data: the dev_id given at binding
 *
 * Waits for a running handler; the port is closed with the IRQ.
 */
void xpvbus_fevtchn_unbind(struct xpvbus_fevtchn *ev, void *data)
{
	if (ev->irq <= 0)
		return;
	unbind_from_irqhandler(ev->irq, data);
	ev->irq = 0;
	ev->port = 0;
}
EXPORT_SYMBOL_GPL(xpvbus_fevtchn_unbind);

/**
 * xpvbus_fevtchn_publish() - tell the backend an event channel's port
 * @xbt: the transaction (see xpvbus_transaction())
 * @dir: the queue directory (xpvbus_local_queue_dir())
 * @key: the port's key, e.g. "event-channel"
 * @ev: the channel, bound
 *
 * Return: 0, -EINVAL when @ev is unbound, or the negative errno from
 * xenstore.
 */
int xpvbus_fevtchn_publish(struct xenbus_transaction xbt, const char *dir,
			   const char *key, const struct xpvbus_fevtchn *ev)
{
	if (ev->irq <= 0)
		return -EINVAL;
	return xenbus_printf(xbt, dir, key, "%u", ev->port);
}
EXPORT_SYMBOL_GPL(xpvbus_fevtchn_publish);

/**
 * xpvbus_read_max_queues() - the number of queues to use with this backend
 * @dev: the frontend device; "multi-queue-max-queues" is read in
 *	@dev->otherend
 * @max: the most this frontend wants (0 is taken as 1)
 *
 * A backend without multi-queue support (key absent, malformed or 0) gets
 * one queue.
 *
 * Return: the smaller of the backend's maximum and @max, at least 1.
 */
unsigned int xpvbus_read_max_queues(struct xenbus_device *dev,
				    unsigned int max)
{
	unsigned int nr;

	if (xpvbus_read_uint(dev->otherend, "multi-queue-max-queues",
			     UINT_MAX, &nr) || !nr)
		return 1;
	return clamp(nr, 1U, max ?: 1U);
}
EXPORT_SYMBOL_GPL(xpvbus_read_max_queues);

/**
 * xpvbus_write_nr_queues() - tell the backend how many queues there are
 * @xbt: the transaction (see xpvbus_transaction())
 * @dev: the frontend device; "multi-queue-num-queues" is written in
 *	@dev->nodename
 * @nr: the number of queues set up
 *
 * Return: 0, or the negative errno from xenstore.
 */
int xpvbus_write_nr_queues(struct xenbus_transaction xbt,
			   struct xenbus_device *dev, unsigned int nr)
{
	return xenbus_printf(xbt, dev->nodename, "multi-queue-num-queues",
			     "%u", nr);
}
EXPORT_SYMBOL_GPL(xpvbus_write_nr_queues);

/**
 * xpvbus_local_queue_dir() - this end's directory of one queue's keys
 * @dev: the device
 * @nr_queues: the number of queues set up
 * @queue: the queue, below @nr_queues
 *
 * With one queue the keys sit in the device directory itself (what a peer
 * without multi-queue reads); with more, in "queue-N" below it. The
 * counterpart, for the other end's keys, is xpvbus_queue_dir().
 *
 * Return: a string to kfree(), or NULL when out of memory.
 */
char *xpvbus_local_queue_dir(struct xenbus_device *dev,
			     unsigned int nr_queues, unsigned int queue)
{
	if (nr_queues <= 1)
		return kstrdup(dev->nodename, GFP_KERNEL);
	return kasprintf(GFP_KERNEL, "%s/queue-%u", dev->nodename, queue);
}
EXPORT_SYMBOL_GPL(xpvbus_local_queue_dir);
