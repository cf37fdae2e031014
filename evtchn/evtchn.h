/* SPDX-License-Identifier: GPL-2.0 */
/*
 * evtchn.h - private interfaces of xen-evtchn, the /dev/xen/evtchn driver.
 *
 * Every .c file of the module includes this header first, so that the one
 * pr_fmt below is seen before <linux/printk.h>.
 *
 * Objects and their locks:
 *
 *   struct evtchn_user     one open file. bind_lock serialises every ioctl,
 *                          every write() and release(): it guards the port
 *                          tree, nr_ports and restrict_domid.
 *   struct evtchn_binding  one port bound through that file. Created and
 *                          destroyed under bind_lock; the IRQ handler reaches
 *                          it through its dev_id, never through the tree.
 *   struct evtchn_ring     ports that fired, waiting for read(). The IRQ
 *                          handler produces under prod_lock; readers consume
 *                          under read_lock; growing and RESET take both
 *                          (read_lock first).
 *
 * Lock order: bind_lock -> read_lock -> prod_lock.
 */
#ifndef XPV_EVTCHN_H
#define XPV_EVTCHN_H

#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include <xen/interface/event_channel.h>
#include <xen/interface/xen.h>

/* restrict_domid of a file that IOCTL_EVTCHN_RESTRICT_DOMID never touched. */
#define EVTCHN_UNRESTRICTED	((domid_t)~0U)

/* --- ring.c: the per-open ring of ports that fired --- */

/**
 * struct evtchn_ring - ports that fired and that read() has not returned yet
 * @slot: the entries; NULL until the first bind
 * @size: number of entries, 0 or a power of two (64 and up)
 * @prod: free-running producer index, written under @prod_lock
 * @cons: free-running consumer index, written under @read_lock
 * @overflow: an event found the ring full; read() fails until RESET
 * @prod_lock: serialises the IRQ handlers of the file's ports
 * @read_lock: serialises readers
 * @waitq: readers and pollers wait here for the ring to fill
 * @fasync: SIGIO subscribers
 */
struct evtchn_ring {
	evtchn_port_t *slot;
	unsigned int size;
	unsigned int prod;
	unsigned int cons;
	bool overflow;
	spinlock_t prod_lock;		/* producers; growth and RESET too */
	struct mutex read_lock;		/* readers; growth and RESET too */
	wait_queue_head_t waitq;
	struct fasync_struct *fasync;
};

/**
 * struct evtchn_ring_growth - storage for a larger ring, allocated up front
 * @slot: the new entries, or NULL when the ring is already large enough
 * @size: number of entries in @slot
 *
 * Allocated before a port is taken from Xen, installed once Xen has given
 * one: the only step that can fail after a port exists is the IRQ binding.
 */
struct evtchn_ring_growth {
	evtchn_port_t *slot;
	unsigned int size;
};

void evtchn_ring_init(struct evtchn_ring *ring);
void evtchn_ring_destroy(struct evtchn_ring *ring);
int evtchn_ring_prepare_growth(const struct evtchn_ring *ring,
			       unsigned int nr_ports,
			       struct evtchn_ring_growth *growth);
void evtchn_ring_grow(struct evtchn_ring *ring,
		      struct evtchn_ring_growth *growth);
void evtchn_ring_discard_growth(struct evtchn_ring_growth *growth);
void evtchn_ring_push(struct evtchn_ring *ring, evtchn_port_t port);
ssize_t evtchn_ring_read(struct evtchn_ring *ring, char __user *buf,
			 size_t count, bool nonblock);
__poll_t evtchn_ring_poll(struct evtchn_ring *ring, struct file *file,
			  poll_table *wait);
void evtchn_ring_reset(struct evtchn_ring *ring);

/* --- ports.c: which ports a file has bound, and their IRQs --- */

/**
 * struct evtchn_user - state of one open of /dev/xen/evtchn
 * @bind_lock: serialises binding, unbinding, notifying and re-enabling
 * @ports: the file's &struct evtchn_binding, keyed by port
 * @nr_ports: number of entries in @ports
 * @restrict_domid: the only domain interdomain binds may name, or
 *	%EVTCHN_UNRESTRICTED
 * @irq_name: "evtchn:<comm of the opener>", the name of every IRQ bound
 * @ring: ports that fired
 */
struct evtchn_user {
	struct mutex bind_lock;		/* everything but the ring */
	struct rb_root ports;
	unsigned int nr_ports;
	domid_t restrict_domid;
	char *irq_name;
	struct evtchn_ring ring;
};

/**
 * struct evtchn_binding - one port bound through one open file
 * @node: entry in &evtchn_user.ports
 * @user: the file that bound the port
 * @port: the event channel
 * @irq: the Linux IRQ the port is bound to (late-EOI type)
 * @eoi_owed: the port fired and stays masked until write() re-enables it
 * @unbinding: set before the IRQ is freed, so that a last call of the
 *	handler (free_irq() of a shared IRQ may make one) does nothing
 */
struct evtchn_binding {
	struct rb_node node;
	struct evtchn_user *user;
	evtchn_port_t port;
	unsigned int irq;
	bool eoi_owed;
	bool unbinding;
};

/**
 * struct evtchn_bind_request - what a bind needs before Xen gives a port
 * @binding: the new binding, allocated
 * @growth: the larger ring, if the new port needs one
 */
struct evtchn_bind_request {
	struct evtchn_binding *binding;
	struct evtchn_ring_growth growth;
};

int evtchn_bind_prepare(struct evtchn_user *u,
			struct evtchn_bind_request *req);
void evtchn_bind_cancel(struct evtchn_bind_request *req);
int evtchn_bind_finish(struct evtchn_user *u, struct evtchn_bind_request *req,
		       evtchn_port_t port, bool is_static);
struct evtchn_binding *evtchn_find(struct evtchn_user *u, evtchn_port_t port);
void evtchn_unbind(struct evtchn_user *u, struct evtchn_binding *b);
void evtchn_unbind_all(struct evtchn_user *u);
void evtchn_reenable(struct evtchn_user *u, const evtchn_port_t *ports,
		     size_t nr);
bool evtchn_port_in_use(evtchn_port_t port);

/* --- ioctl.c: the ioctl ABI --- */

long evtchn_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

#endif /* XPV_EVTCHN_H */
