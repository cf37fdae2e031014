// SPDX-License-Identifier: GPL-2.0
/*
 * ports.c - which ports an open file has bound, and the IRQ of each.
 *
 * Life of a port bound through /dev/xen/evtchn:
 *
 *  1. evtchn_bind_prepare() allocates everything the bind needs (the binding,
 *     a larger ring) while no port exists yet.
 *  2. The caller asks Xen for a port (alloc_unbound, bind_interdomain,
 *     bind_virq) or names a static one.
 *  3. evtchn_bind_finish() installs the ring, binds the port to a late-EOI
 *     IRQ and makes the core refcount it, so that gntdev's unmap notification
 *     can hold the port open (evtchn_get()/evtchn_put()) after we let go.
 *  4. When the port fires, the core masks it and calls our handler, which
 *     records it in the ring. It stays masked - the late EOI is owed - until
 *     user space writes the port number back: evtchn_reenable() sends the
 *     EOI (xen_irq_lateeoi()), which unmasks it. A guest storming the port
 *     (XSA-332) can thus raise at most one IRQ per read/write round trip.
 *  5. evtchn_unbind() masks the IRQ and waits for a running handler
 *     (disable_irq()), then frees the IRQ (free_irq() waits once more). The
 *     core drops its reference and closes the port unless it is static or
 *     someone still holds it. Only then is the binding freed: a handler can
 *     never see a freed binding or ring (XSA-331). No lock of ours is held
 *     that the core or an IRQ handler could want (XSA-441).
 *
 * The in-tree driver has no per-file limit on bound ports, and xenstored
 * legitimately binds one port per domain for the host's whole life, so by
 * default neither do we: Xen's per-domain event-channel limit bounds it, and
 * the device is only open to root. An administrator who runs less trusted
 * event-channel users (a deprivileged device model) can cap each open file
 * with max_user_ports; a bind beyond the cap fails with -ENOSPC, before Xen
 * is asked for anything.
 */
#include "evtchn.h"

#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/lockdep.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include <xen/events.h>

#include <asm/xen/hypercall.h>

static unsigned int max_user_ports;
module_param(max_user_ports, uint, 0644);
MODULE_PARM_DESC(max_user_ports,
		 "Most ports one open file may bind (0: no limit, as in-tree)");

static irqreturn_t evtchn_port_interrupt(int irq, void *dev_id)
{
	struct evtchn_binding *b = dev_id;

	if (READ_ONCE(b->unbinding))
		return IRQ_HANDLED;

	/*
	 * The late EOI is owed from now on. Set before the ring entry is
	 * published, so that write() of the port just read always sees it.
	 */
	WRITE_ONCE(b->eoi_owed, true);
	evtchn_ring_push(&b->user->ring, b->port);
	return IRQ_HANDLED;
}

/*
 * Close a port Xen gave us but that we failed to bind. The core may already
 * have closed it (it does when the failure came after it had set up the IRQ),
 * in which case Xen says -EINVAL; that is not an error here. Binding a fresh
 * port fails only for lack of memory, and the window in which another thread
 * could be handed the same port number in between is the in-tree driver's
 * too (which BUG()s on the -EINVAL instead).
 */
static void evtchn_close_port(evtchn_port_t port)
{
	struct evtchn_close close = { .port = port };
	int rc;

	rc = HYPERVISOR_event_channel_op(EVTCHNOP_close, &close);
	if (rc && rc != -EINVAL)
		pr_warn("cannot close port %u: %d\n", port, rc);
}

/**
 * evtchn_find() - look up a port bound by a file
 * @u: the file; bind_lock held
 * @port: the port
 *
 * Return: the binding, or NULL if the file has not bound @port.
 */
struct evtchn_binding *evtchn_find(struct evtchn_user *u, evtchn_port_t port)
{
	struct rb_node *node = u->ports.rb_node;

	lockdep_assert_held(&u->bind_lock);

	while (node) {
		struct evtchn_binding *b =
			rb_entry(node, struct evtchn_binding, node);

		if (port < b->port)
			node = node->rb_left;
		else if (port > b->port)
			node = node->rb_right;
		else
			return b;
	}
	return NULL;
}

/* Callers checked with evtchn_find() that @b->port is not in the tree. */
static void evtchn_insert(struct evtchn_user *u, struct evtchn_binding *b)
{
	struct rb_node **link = &u->ports.rb_node, *parent = NULL;

	while (*link) {
		struct evtchn_binding *cur =
			rb_entry(*link, struct evtchn_binding, node);

		parent = *link;
		if (b->port < cur->port)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&b->node, parent, link);
	rb_insert_color(&b->node, &u->ports);
	u->nr_ports++;
}

/* Free the IRQ; the handler has finished and will not run again. */
static void evtchn_release_irq(struct evtchn_binding *b)
{
	disable_irq(b->irq);
	WRITE_ONCE(b->unbinding, true);
	unbind_from_irqhandler(b->irq, b);
}

/**
 * evtchn_bind_prepare() - allocate what binding one more port needs
 * @u: the file; bind_lock held
 * @req: filled in; pass to evtchn_bind_finish() or evtchn_bind_cancel()
 *
 * Return: 0, -ENOSPC if the file has max_user_ports bound, or -ENOMEM.
 */
int evtchn_bind_prepare(struct evtchn_user *u, struct evtchn_bind_request *req)
{
	unsigned int max = READ_ONCE(max_user_ports);
	int rc;

	lockdep_assert_held(&u->bind_lock);

	if (max && u->nr_ports >= max)
		return -ENOSPC;

	req->binding = kzalloc(sizeof(*req->binding), GFP_KERNEL);
	if (!req->binding)
		return -ENOMEM;

	rc = evtchn_ring_prepare_growth(&u->ring, u->nr_ports + 1,
					&req->growth);
	if (rc) {
		kfree(req->binding);
		req->binding = NULL;
	}
	return rc;
}

/**
 * evtchn_bind_cancel() - free a request that got no port
 * @req: from evtchn_bind_prepare()
 */
void evtchn_bind_cancel(struct evtchn_bind_request *req)
{
	evtchn_ring_discard_growth(&req->growth);
	kfree(req->binding);
	req->binding = NULL;
}

/**
 * evtchn_bind_finish() - bind a port to a file
 * @u: the file; bind_lock held
 * @req: from evtchn_bind_prepare(); consumed
 * @port: the port; not bound by @u
 * @is_static: the port belongs to the domain's configuration: never close it
 *
 * On failure a port that is not static is closed.
 *
 * Return: 0, or a negative errno from binding the IRQ.
 */
int evtchn_bind_finish(struct evtchn_user *u, struct evtchn_bind_request *req,
		       evtchn_port_t port, bool is_static)
{
	struct evtchn_binding *b = req->binding;
	int irq, rc;

	lockdep_assert_held(&u->bind_lock);

	/* Before the IRQ exists: the handler needs a slot for this port. */
	evtchn_ring_grow(&u->ring, &req->growth);

	b->user = u;
	b->port = port;

	/*
	 * IRQF_SHARED, as upstream since commit 9e90e58c11b7: a kernel user
	 * may share the port's IRQ. It is also why evtchn_release_irq() sets
	 * ->unbinding.
	 */
	irq = bind_evtchn_to_irqhandler_lateeoi(port, evtchn_port_interrupt,
						IRQF_SHARED, u->irq_name, b);
	if (irq < 0) {
		rc = irq;
		goto err_close;
	}
	b->irq = irq;

	rc = xpv_evtchn_make_refcounted(port, is_static);
	if (rc) {
		/* Cannot happen while we hold the IRQ; undo it all anyway. */
		evtchn_release_irq(b);
		goto err_free;
	}

	evtchn_insert(u, b);
	req->binding = NULL;
	return 0;

err_close:
	if (!is_static)
		evtchn_close_port(port);
err_free:
	kfree(b);
	req->binding = NULL;
	return rc;
}

/**
 * evtchn_unbind() - unbind a port from its file and free the binding
 * @u: the file; bind_lock held
 * @b: the binding, from evtchn_find()
 *
 * Unread ring entries for the port stay in the ring, as in-tree.
 */
void evtchn_unbind(struct evtchn_user *u, struct evtchn_binding *b)
{
	lockdep_assert_held(&u->bind_lock);

	evtchn_release_irq(b);
	rb_erase(&b->node, &u->ports);
	u->nr_ports--;
	kfree(b);
}

/**
 * evtchn_unbind_all() - unbind every port of a file (release())
 * @u: the file
 */
void evtchn_unbind_all(struct evtchn_user *u)
{
	struct rb_node *node;

	mutex_lock(&u->bind_lock);
	while ((node = rb_first(&u->ports)))
		evtchn_unbind(u, rb_entry(node, struct evtchn_binding, node));
	mutex_unlock(&u->bind_lock);
}

/**
 * evtchn_reenable() - write(): send the late EOI of ports that fired
 * @u: the file
 * @ports: port numbers from user space
 * @nr: number of entries in @ports
 *
 * Ports the file has not bound, and ports that have not fired since they
 * were last re-enabled, are ignored.
 */
void evtchn_reenable(struct evtchn_user *u, const evtchn_port_t *ports,
		     size_t nr)
{
	size_t i;

	mutex_lock(&u->bind_lock);
	for (i = 0; i < nr; i++) {
		struct evtchn_binding *b = evtchn_find(u, ports[i]);

		if (!b || !READ_ONCE(b->eoi_owed))
			continue;
		/* Cleared first: the EOI may let the port fire at once. */
		WRITE_ONCE(b->eoi_owed, false);
		xen_irq_lateeoi(b->irq, 0);
	}
	mutex_unlock(&u->bind_lock);
}

/**
 * evtchn_port_in_use() - whether a port already has an IRQ in this kernel
 * @port: the port
 *
 * Return: true if some driver (or another open file) has bound @port.
 */
bool evtchn_port_in_use(evtchn_port_t port)
{
	return (int)irq_from_evtchn(port) >= 0;
}
