// SPDX-License-Identifier: GPL-2.0
/*
 * ring.c - the per-open ring of ports that fired, and read()/poll() on it.
 *
 * One producer at a time (the IRQ handlers of a file's ports, serialised by
 * prod_lock) and one consumer at a time (read(), serialised by read_lock).
 * Indices run freely and wrap at 2^32; the slot of index i is
 * i & (size - 1). The producer publishes an entry with a release store of
 * prod, the consumer frees slots with a release store of cons; each side
 * reads the other's index before touching slots.
 *
 * A port is masked from the moment it fires until user space writes it back,
 * so with one slot per bound port the ring cannot fill unless user space
 * re-enables ports faster than it reads them. If it does, the event is
 * dropped and the ring is marked overflowed: read() fails with -EFBIG and
 * poll() reports only EPOLLERR until IOCTL_EVTCHN_RESET.
 */
#include "evtchn.h"

#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

/* Smallest ring; every growth doubles it. Matches the in-tree driver. */
#define EVTCHN_RING_MIN_SIZE	64

/**
 * evtchn_ring_init() - set up an empty ring with no storage
 * @ring: the ring
 */
void evtchn_ring_init(struct evtchn_ring *ring)
{
	ring->slot = NULL;
	ring->size = 0;
	ring->prod = 0;
	ring->cons = 0;
	ring->overflow = false;
	spin_lock_init(&ring->prod_lock);
	mutex_init(&ring->read_lock);
	init_waitqueue_head(&ring->waitq);
	ring->fasync = NULL;
}

/**
 * evtchn_ring_destroy() - free the ring's storage
 * @ring: the ring; no port of its file may be bound any more
 */
void evtchn_ring_destroy(struct evtchn_ring *ring)
{
	kvfree(ring->slot);
	ring->slot = NULL;
	ring->size = 0;
}

/**
 * evtchn_ring_prepare_growth() - allocate a larger ring if one is needed
 * @ring: the ring
 * @nr_ports: number of ports the file will have bound
 * @growth: filled in; @growth->slot stays NULL when the ring is big enough
 *
 * The ring keeps at least one slot per bound port. Only binding changes the
 * size, and the caller serialises binds, so the size read here still holds
 * when evtchn_ring_grow() installs the result.
 *
 * Return: 0, or -ENOMEM.
 */
int evtchn_ring_prepare_growth(const struct evtchn_ring *ring,
			       unsigned int nr_ports,
			       struct evtchn_ring_growth *growth)
{
	unsigned int size = ring->size;

	growth->slot = NULL;
	growth->size = size;
	if (nr_ports <= size)
		return 0;

	size = size ? size : EVTCHN_RING_MIN_SIZE;
	while (size < nr_ports)
		size *= 2;

	growth->slot = kvmalloc_array(size, sizeof(*growth->slot), GFP_KERNEL);
	if (!growth->slot)
		return -ENOMEM;
	growth->size = size;
	return 0;
}

/**
 * evtchn_ring_grow() - install the storage from evtchn_ring_prepare_growth()
 * @ring: the ring
 * @growth: the prepared storage; consumed (NULL storage is a no-op)
 *
 * Unread entries keep their indices: each moves to the slot its index has in
 * the larger ring. Sleeps (takes the read lock).
 */
void evtchn_ring_grow(struct evtchn_ring *ring,
		      struct evtchn_ring_growth *growth)
{
	evtchn_port_t *old;
	unsigned int i;

	if (!growth->slot)
		return;

	mutex_lock(&ring->read_lock);
	spin_lock_irq(&ring->prod_lock);

	for (i = ring->cons; i != ring->prod; i++)
		growth->slot[i & (growth->size - 1)] =
			ring->slot[i & (ring->size - 1)];
	old = ring->slot;
	ring->slot = growth->slot;
	ring->size = growth->size;

	spin_unlock_irq(&ring->prod_lock);
	mutex_unlock(&ring->read_lock);

	kvfree(old);
	growth->slot = NULL;
}

/**
 * evtchn_ring_discard_growth() - free storage that was not installed
 * @growth: the prepared storage; consumed
 */
void evtchn_ring_discard_growth(struct evtchn_ring_growth *growth)
{
	kvfree(growth->slot);
	growth->slot = NULL;
}

static bool evtchn_ring_has_entries(struct evtchn_ring *ring)
{
	return READ_ONCE(ring->prod) != READ_ONCE(ring->cons);
}

/**
 * evtchn_ring_push() - record that a port fired
 * @ring: the ring of the file that bound the port
 * @port: the port
 *
 * Called from the port's IRQ handler. Wakes readers; sends SIGIO when the
 * ring goes from empty to non-empty.
 */
void evtchn_ring_push(struct evtchn_ring *ring, evtchn_port_t port)
{
	unsigned int prod, cons;
	unsigned long flags;
	bool was_empty;

	spin_lock_irqsave(&ring->prod_lock, flags);

	prod = ring->prod;
	cons = READ_ONCE(ring->cons);
	if (prod - cons >= ring->size) {
		WRITE_ONCE(ring->overflow, true);
		spin_unlock_irqrestore(&ring->prod_lock, flags);
		return;
	}

	ring->slot[prod & (ring->size - 1)] = port;
	/* The entry (and the caller's eoi_owed) before the new index. */
	smp_store_release(&ring->prod, prod + 1);
	was_empty = prod == cons;

	spin_unlock_irqrestore(&ring->prod_lock, flags);

	/*
	 * Readers are woken for every entry: one that emptied the ring
	 * concurrently must not leave another asleep. SIGIO, as in-tree, only
	 * when the ring stops being empty.
	 */
	wake_up_interruptible(&ring->waitq);
	if (was_empty)
		kill_fasync(&ring->fasync, SIGIO, POLL_IN);
}

/*
 * Copy @n entries from index @cons to user space, in at most two pieces (the
 * second when the run wraps). Caller holds read_lock.
 */
static int evtchn_ring_copy_out(struct evtchn_ring *ring, char __user *buf,
				unsigned int cons, unsigned int n)
{
	unsigned int start = cons & (ring->size - 1);
	unsigned int first = min(n, ring->size - start);
	size_t len = first * sizeof(evtchn_port_t);

	if (copy_to_user(buf, &ring->slot[start], len))
		return -EFAULT;
	if (first < n &&
	    copy_to_user(buf + len, ring->slot,
			 (n - first) * sizeof(evtchn_port_t)))
		return -EFAULT;
	return 0;
}

/**
 * evtchn_ring_read() - read() of /dev/xen/evtchn
 * @ring: the file's ring
 * @buf: user buffer for an array of evtchn_port_t
 * @count: its size; rounded down to whole ports and capped at PAGE_SIZE
 * @nonblock: fail with -EAGAIN instead of sleeping on an empty ring
 *
 * Entries are consumed only when they were copied out.
 *
 * Return: bytes read, 0 if @count holds no whole port, -EFBIG after an
 * overflow, -EAGAIN, -ERESTARTSYS or -EFAULT.
 */
ssize_t evtchn_ring_read(struct evtchn_ring *ring, char __user *buf,
			 size_t count, bool nonblock)
{
	unsigned int cons, prod, n;
	ssize_t ret;

	count = round_down(min_t(size_t, count, PAGE_SIZE),
			   sizeof(evtchn_port_t));
	if (!count)
		return 0;

	for (;;) {
		mutex_lock(&ring->read_lock);
		if (READ_ONCE(ring->overflow)) {
			ret = -EFBIG;
			goto out;
		}
		cons = ring->cons;
		/* Pairs with the producer's release: entries before index. */
		prod = smp_load_acquire(&ring->prod);
		if (prod != cons)
			break;
		mutex_unlock(&ring->read_lock);

		if (nonblock)
			return -EAGAIN;
		ret = wait_event_interruptible(ring->waitq,
					       evtchn_ring_has_entries(ring));
		if (ret)
			return ret;
	}

	n = min_t(unsigned int, prod - cons, count / sizeof(evtchn_port_t));
	ret = evtchn_ring_copy_out(ring, buf, cons, n);
	if (ret)
		goto out;

	/* Done reading the slots before the producer may reuse them. */
	smp_store_release(&ring->cons, cons + n);
	ret = n * sizeof(evtchn_port_t);
out:
	mutex_unlock(&ring->read_lock);
	return ret;
}

/**
 * evtchn_ring_poll() - poll() of /dev/xen/evtchn
 * @ring: the file's ring
 * @file: the file
 * @wait: poll table
 *
 * Return: EPOLLERR alone after an overflow; otherwise EPOLLOUT | EPOLLWRNORM
 * (writing is always possible), with EPOLLIN | EPOLLRDNORM when the ring
 * holds entries.
 */
__poll_t evtchn_ring_poll(struct evtchn_ring *ring, struct file *file,
			  poll_table *wait)
{
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &ring->waitq, wait);
	if (READ_ONCE(ring->overflow))
		return EPOLLERR;
	if (evtchn_ring_has_entries(ring))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

/**
 * evtchn_ring_reset() - IOCTL_EVTCHN_RESET: drop all entries, clear overflow
 * @ring: the file's ring
 *
 * Ports whose entries are dropped stay masked until written back.
 */
void evtchn_ring_reset(struct evtchn_ring *ring)
{
	mutex_lock(&ring->read_lock);
	spin_lock_irq(&ring->prod_lock);
	WRITE_ONCE(ring->cons, 0);
	WRITE_ONCE(ring->prod, 0);
	WRITE_ONCE(ring->overflow, false);
	spin_unlock_irq(&ring->prod_lock);
	mutex_unlock(&ring->read_lock);
}
