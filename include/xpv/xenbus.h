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

#include <xen/interface/io/ring.h>
#include <xen/page.h>
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

/* --- transactions and typed keys --- */

int xpvbus_transaction(struct xenbus_device *dev,
		       int (*fn)(struct xenbus_transaction xbt, void *arg),
		       void *arg);
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
 * @max_order_key: frontends only: the key in which the backend advertises
 *	the largest order it maps ("max-ring-page-order"), or NULL for a
 *	protocol with single-page rings only
 */
struct xpvbus_ring_desc {
	const char *ref_key;
	const char *order_key;
	unsigned int max_order;
	const char *max_order_key;
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
int xpvbus_check_back_ring(struct xenbus_device *dev, const char *dir,
			   const struct xpvbus_ring_desc *desc,
			   RING_IDX req_prod, RING_IDX rsp_prod,
			   unsigned int size);

/**
 * XPVBUS_BACK_RING_ATTACH() - attach a back ring to a ring just mapped
 * @dev: the device
 * @dir: the queue directory, as given to xpvbus_map_ring()
 * @desc: the driver's ring description, as given to xpvbus_map_ring()
 * @layout: the ring's layout, as given to xpvbus_map_ring()
 * @_ring: the driver's back ring (struct foo_back_ring *)
 * @_sring: the address xpvbus_map_ring() gave (void * will do: it is
 *	taken as the shared ring type of @_ring)
 *
 * The back ring resumes where the frontend's responses are (rsp_prod), so
 * a ring handed over half used carries on; the requests outstanding are
 * then checked with xpvbus_check_back_ring().
 *
 * Return: 0, or -EIO (after xenbus_dev_fatal()) when the frontend's
 * request index is more than a ring ahead.
 */
#define XPVBUS_BACK_RING_ATTACH(dev, dir, desc, layout, _ring, _sring)	\
({									\
	typeof(_ring) __xr = (_ring);					\
	typeof(__xr->sring) __xs = (_sring);				\
	RING_IDX __rsp = READ_ONCE(__xs->rsp_prod);			\
									\
	BACK_RING_ATTACH(__xr, __xs, __rsp,				\
			 XEN_PAGE_SIZE * (layout)->nr_pages);		\
	xpvbus_check_back_ring(dev, dir, desc, READ_ONCE(__xs->req_prod),\
			       __rsp, RING_SIZE(__xr));			\
})

int xpvbus_bind_evtchn(struct xenbus_device *dev, const char *dir,
		       const char *key, irq_handler_t handler,
		       const char *name, void *data);
void xpvbus_unbind_evtchn(int *irq, void *data);

/* --- frontend rings --- */

/**
 * struct xpvbus_fring - a ring a frontend allocates and grants to its backend
 * @sring: the zeroed, shared pages (NULL when none are allocated)
 * @nr_pages: pages in the ring, a power of two
 * @grefs: the grant reference of each page
 */
struct xpvbus_fring {
	void *sring;
	unsigned int nr_pages;
	grant_ref_t grefs[XENBUS_MAX_RING_GRANTS];
};

/**
 * struct xpvbus_fevtchn - an event channel a frontend allocates
 * @port: the local port, valid while @irq is bound
 * @irq: its IRQ, bound with late EOI; 0 when unbound
 */
struct xpvbus_fevtchn {
	evtchn_port_t port;
	int irq;
};

unsigned int xpvbus_read_max_ring_order(struct xenbus_device *dev,
					const struct xpvbus_ring_desc *desc);
int xpvbus_fring_alloc(struct xenbus_device *dev, struct xpvbus_fring *ring,
		       unsigned int order, gfp_t gfp);
void xpvbus_fring_free(struct xpvbus_fring *ring);
int xpvbus_fring_publish(struct xenbus_transaction xbt,
			 struct xenbus_device *dev, const char *dir,
			 const struct xpvbus_ring_desc *desc,
			 const struct xpvbus_fring *ring);
int xpvbus_fevtchn_bind(struct xenbus_device *dev, struct xpvbus_fevtchn *ev,
			irq_handler_t handler, const char *name, void *data);
void xpvbus_fevtchn_unbind(struct xpvbus_fevtchn *ev, void *data);
int xpvbus_fevtchn_publish(struct xenbus_transaction xbt, const char *dir,
			   const char *key, const struct xpvbus_fevtchn *ev);
unsigned int xpvbus_read_max_queues(struct xenbus_device *dev,
				    unsigned int max);
int xpvbus_write_nr_queues(struct xenbus_transaction xbt,
			   struct xenbus_device *dev, unsigned int nr);
char *xpvbus_local_queue_dir(struct xenbus_device *dev,
			     unsigned int nr_queues, unsigned int queue);

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
