/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xpv/xenbus.h - xpv-xenbus, the split-driver layer shared by xpv's backends
 * and frontends.
 *
 * Built on the kernel's own xenbus (which stays built in): these helpers
 * only package the xenstore conventions every PV driver repeats - the state
 * walk, typed keys, per-queue directories, multi-page rings, late-EOI event
 * channels and flood-proof watches. Nothing here knows blk or net: a driver
 * describes its key names and limits in const tables (struct
 * xpvbus_ring_desc) and passes them in.
 *
 * Every value read from the other end is bounded before it is returned.
 */
#ifndef XPV_XENBUS_H
#define XPV_XENBUS_H

#include <linux/interrupt.h>
#include <linux/types.h>

#include <xen/xenbus.h>

/* --- state --- */

/*
 * The xenbus states under kernel-style names: io/xenbus.h spells them
 * XenbusStateFoo. The numbers are the wire ABI, the text of every "state"
 * node in xenstore, and cannot change.
 */
#define XPVBUS_UNKNOWN		((enum xenbus_state)0)
#define XPVBUS_INITIALISING	((enum xenbus_state)1)
#define XPVBUS_INITWAIT		((enum xenbus_state)2)
#define XPVBUS_INITIALISED	((enum xenbus_state)3)
#define XPVBUS_CONNECTED	((enum xenbus_state)4)
#define XPVBUS_CLOSING		((enum xenbus_state)5)
#define XPVBUS_CLOSED		((enum xenbus_state)6)
#define XPVBUS_RECONFIGURING	((enum xenbus_state)7)
#define XPVBUS_RECONFIGURED	((enum xenbus_state)8)

int xpvbus_set_state(struct xenbus_device *dev, enum xenbus_state target);
void xpvbus_backend_closed(struct xenbus_device *dev);

/* --- typed keys --- */

int xpvbus_write_uint(struct xenbus_transaction xbt, struct xenbus_device *dev,
		      const char *key, unsigned long long val);
int xpvbus_write_bool(struct xenbus_transaction xbt, struct xenbus_device *dev,
		      const char *key, bool val);
int xpvbus_read_uint(const char *dir, const char *key, unsigned int max,
		     unsigned int *val);
bool xpvbus_read_bool(const char *dir, const char *key, bool dflt);

/* --- queues --- */

int xpvbus_read_nr_queues(struct xenbus_device *dev, unsigned int max,
			  unsigned int *nr);
char *xpvbus_queue_dir(struct xenbus_device *dev, unsigned int nr_queues,
		       unsigned int queue);

/* --- rings and event channels --- */

/**
 * struct xpvbus_ring_desc - how one kind of shared ring is advertised
 * @ref_key: grant reference key in the queue directory ("ring-ref"); with
 *	a page order, the references are @ref_key followed by 0..2^order-1
 * @order_key: page order key in the device directory ("ring-page-order"),
 *	or NULL for a protocol with single-page rings only
 * @max_order: the largest order this driver accepts (at most
 *	XENBUS_MAX_RING_GRANT_ORDER)
 */
struct xpvbus_ring_desc {
	const char *ref_key;
	const char *order_key;
	unsigned int max_order;
};

/**
 * struct xpvbus_ring_layout - the ring size the other end chose
 * @nr_pages: pages in each ring, a power of two
 * @multi_ref: the references carry an index (@order_key was written)
 */
struct xpvbus_ring_layout {
	unsigned int nr_pages;
	bool multi_ref;
};

int xpvbus_read_ring_layout(struct xenbus_device *dev,
			    const struct xpvbus_ring_desc *desc,
			    struct xpvbus_ring_layout *layout);
int xpvbus_map_ring(struct xenbus_device *dev, const char *dir,
		    const struct xpvbus_ring_desc *desc,
		    const struct xpvbus_ring_layout *layout, void **vaddr);
void xpvbus_unmap_ring(struct xenbus_device *dev, void **vaddr);

int xpvbus_bind_evtchn(struct xenbus_device *dev, const char *dir,
		       const char *key, irq_handler_t handler,
		       const char *name, void *data);
void xpvbus_unbind_evtchn(int *irq, void *data);

/* --- watches --- */

/**
 * struct xpvbus_watch - a watch on one xenstore node, flood-proof
 * @xw: the kernel's watch; its callback runs in the xenwatch thread
 * @changed: called with the node's new state to be read back by the driver
 * @dev: the device the watch belongs to
 * @armed: registered with xenstore (xpvbus_unwatch() is then needed)
 */
struct xpvbus_watch {
	struct xenbus_watch xw;
	void (*changed)(struct xpvbus_watch *w);
	struct xenbus_device *dev;
	bool armed;
};

int xpvbus_watch(struct xenbus_device *dev, struct xpvbus_watch *w,
		 const char *dir, const char *node,
		 void (*changed)(struct xpvbus_watch *w));
void xpvbus_unwatch(struct xpvbus_watch *w);

int xpvbus_watch_hotplug(struct xenbus_device *dev, struct xpvbus_watch *w,
			 void (*changed)(struct xpvbus_watch *w));
bool xpvbus_hotplug_connected(struct xenbus_device *dev);

#endif /* XPV_XENBUS_H */
