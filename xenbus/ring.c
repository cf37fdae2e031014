// SPDX-License-Identifier: GPL-2.0
/*
 * ring.c - mapping the other end's shared rings and binding its event
 * channels.
 *
 * A ring of 2^order pages is advertised as <order_key> in the device
 * directory and <ref_key>0 .. <ref_key>N-1 in the queue directory; a peer
 * that predates multi-page rings writes only <ref_key>. Event channels are
 * bound with late EOI (XSA-332): the port stays masked until the driver
 * has looked at the ring and called xen_irq_lateeoi().
 */
#include "xpvbus.h"

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include <xen/events.h>
#include <xen/grant_table.h>

/**
 * xpvbus_read_ring_layout() - read the ring size the other end chose
 * @dev: the device; @desc->order_key is read in @dev->otherend
 * @desc: the driver's ring description
 * @layout: where the result goes
 *
 * Return: 0; -EINVAL (after xenbus_dev_fatal()) when the order is not a
 * number or exceeds @desc->max_order.
 */
int xpvbus_read_ring_layout(struct xenbus_device *dev,
			    const struct xpvbus_ring_desc *desc,
			    struct xpvbus_ring_layout *layout)
{
	unsigned int max = min_t(unsigned int, desc->max_order,
				 XENBUS_MAX_RING_GRANT_ORDER);
	unsigned int order;
	int err;

	layout->nr_pages = 1;
	layout->multi_ref = false;
	if (!desc->order_key)
		return 0;

	err = xpvbus_read_uint(dev->otherend, desc->order_key, max, &order);
	if (err == -ENOENT)
		return 0;
	if (err) {
		xenbus_dev_fatal(dev, -EINVAL, "%s/%s invalid or above %u",
				 dev->otherend, desc->order_key, max);
		return -EINVAL;
	}
	layout->nr_pages = 1U << order;
	layout->multi_ref = true;
	return 0;
}
EXPORT_SYMBOL_GPL(xpvbus_read_ring_layout);

/**
 * xpvbus_map_ring() - map one ring the other end granted
 * @dev: the device
 * @dir: the queue directory holding the grant references
 * @desc: the driver's ring description
 * @layout: the layout from xpvbus_read_ring_layout()
 * @vaddr: where the mapping's address goes; must be NULL on entry
 *
 * Return: 0, -EINVAL (after xenbus_dev_fatal()) when a reference is absent
 * or malformed, -EBUSY when @vaddr is already mapped, or the error of
 * xenbus_map_ring_valloc() (which reports it in xenstore itself).
 */
int xpvbus_map_ring(struct xenbus_device *dev, const char *dir,
		    const struct xpvbus_ring_desc *desc,
		    const struct xpvbus_ring_layout *layout, void **vaddr)
{
	grant_ref_t refs[XENBUS_MAX_RING_GRANTS];
	unsigned int i;
	char key[32];

	if (*vaddr)
		return -EBUSY;
	if (!layout->nr_pages || layout->nr_pages > XENBUS_MAX_RING_GRANTS)
		return -EINVAL;

	for (i = 0; i < layout->nr_pages; i++) {
		unsigned int ref;

		if (layout->multi_ref)
			snprintf(key, sizeof(key), "%s%u", desc->ref_key, i);
		else
			snprintf(key, sizeof(key), "%s", desc->ref_key);
		if (xpvbus_read_uint(dir, key, UINT_MAX, &ref)) {
			xenbus_dev_fatal(dev, -EINVAL, "reading %s/%s",
					 dir, key);
			return -EINVAL;
		}
		refs[i] = ref;
	}
	return xenbus_map_ring_valloc(dev, refs, layout->nr_pages, vaddr);
}
EXPORT_SYMBOL_GPL(xpvbus_map_ring);

/**
 * xpvbus_check_back_ring() - refuse a shared ring with too many requests
 * @dev: the device (its error node reports a bad ring)
 * @dir: the queue directory the ring's references were read in
 * @desc: the driver's ring description (@desc->ref_key names the ring)
 * @req_prod: the frontend's request producer, read once from the ring
 * @rsp_prod: the response producer the back ring resumes from
 * @size: the entries in the ring (RING_SIZE())
 *
 * A frontend may hand over a ring that already holds requests, but never
 * more than a ring of them: any other index means a broken or hostile
 * peer, and the backend would read requests it already answered.
 * Called by XPVBUS_BACK_RING_ATTACH().
 *
 * Return: 0, or -EIO after xenbus_dev_fatal().
 */
int xpvbus_check_back_ring(struct xenbus_device *dev, const char *dir,
			   const struct xpvbus_ring_desc *desc,
			   RING_IDX req_prod, RING_IDX rsp_prod,
			   unsigned int size)
{
	if (req_prod - rsp_prod <= size)
		return 0;
	xenbus_dev_fatal(dev, -EIO, "%s/%s: %u requests on a ring of %u",
			 dir, desc->ref_key, req_prod - rsp_prod, size);
	return -EIO;
}
EXPORT_SYMBOL_GPL(xpvbus_check_back_ring);

/**
 * xpvbus_unmap_ring() - unmap a ring mapped by xpvbus_map_ring()
 * @dev: the device
 * @vaddr: the mapping; set to NULL. Nothing is done when already NULL.
 */
void xpvbus_unmap_ring(struct xenbus_device *dev, void **vaddr)
{
	if (!*vaddr)
		return;
	xenbus_unmap_ring_vfree(dev, *vaddr);
	*vaddr = NULL;
}
EXPORT_SYMBOL_GPL(xpvbus_unmap_ring);

/**
 * xpvbus_bind_evtchn() - bind the other end's event channel, late EOI
 * @dev: the device (its statistics count the channel's spurious events)
 * @dir: the queue directory holding the port
 * @key: the port's key, e.g. "event-channel"
 * @handler: the interrupt handler; the driver must call xen_irq_lateeoi()
 *	once it has consumed the work (XEN_EOI_FLAG_SPURIOUS when there was
 *	none)
 * @name: the interrupt's name in /proc/interrupts
 * @data: the handler's dev_id
 *
 * Return: the IRQ (positive), -EINVAL (after xenbus_dev_fatal()) when the
 * port is absent or malformed, or the binding's negative errno.
 */
int xpvbus_bind_evtchn(struct xenbus_device *dev, const char *dir,
		       const char *key, irq_handler_t handler,
		       const char *name, void *data)
{
	unsigned int port;
	int irq;

	if (xpvbus_read_uint(dir, key, UINT_MAX, &port)) {
		xenbus_dev_fatal(dev, -EINVAL, "reading %s/%s", dir, key);
		return -EINVAL;
	}
	irq = bind_interdomain_evtchn_to_irqhandler_lateeoi(dev, port, handler,
							    0, name, data);
	if (irq < 0)
		xenbus_dev_fatal(dev, irq, "binding port %u", port);
	return irq;
}
EXPORT_SYMBOL_GPL(xpvbus_bind_evtchn);

/**
 * xpvbus_unbind_evtchn() - unbind an event channel bound by
 *	xpvbus_bind_evtchn()
 * @irq: the IRQ; set to 0. Nothing is done when it is 0 or negative.
 * @data: the dev_id given at binding
 *
 * Waits for a running handler; the port is closed.
 */
void xpvbus_unbind_evtchn(int *irq, void *data)
{
	if (*irq <= 0)
		return;
	unbind_from_irqhandler(*irq, data);
	*irq = 0;
}
EXPORT_SYMBOL_GPL(xpvbus_unbind_evtchn);
