// SPDX-License-Identifier: GPL-2.0
/*
 * evtchn.c - xen-netfront's event channels and their handlers.
 *
 * Each queue has one event channel, or two (tx and rx) when the backend
 * offers feature-split-event-channels. They are bound with late EOI
 * (XSA-391): the port stays masked until the handler has looked at the
 * rings, and an event that brought nothing new is EOIed as spurious, so
 * that Xen throttles a backend that storms us. Once the device is broken
 * no event is EOIed at all: the port stays masked for good.
 *
 * TX responses are reaped in the handler itself; RX only schedules NAPI.
 */
#include "common.h"

#include <xen/events.h>

static irqreturn_t xnf_event(struct xnf_queue *q, int irq, unsigned int which,
			     bool tx, bool rx)
{
	struct xnf_counters *st = &q->info->stats[q->id].irq[which];
	bool work = false;

	xnf_count(st, XNF_IRQ_EVENTS, 1);
	if (xnf_is_broken(q->info))
		return IRQ_HANDLED;
	if (tx)
		work |= xnf_tx_event(q);
	if (rx)
		work |= xnf_rx_event(q);
	if (xnf_is_broken(q->info))
		return IRQ_HANDLED;
	if (!work)
		xnf_count(st, XNF_IRQ_SPURIOUS, 1);
	xen_irq_lateeoi(irq, work ? 0 : XEN_EOI_FLAG_SPURIOUS);
	return IRQ_HANDLED;
}

static irqreturn_t xnf_tx_interrupt(int irq, void *data)
{
	return xnf_event(data, irq, XNF_IRQ_TX, true, false);
}

static irqreturn_t xnf_rx_interrupt(int irq, void *data)
{
	return xnf_event(data, irq, XNF_IRQ_RX, false, true);
}

static irqreturn_t xnf_interrupt(int irq, void *data)
{
	return xnf_event(data, irq, XNF_IRQ_TX, true, true);
}

/**
 * xnf_evtchn_bind() - allocate and bind a queue's event channel(s)
 * @q: the queue, its rings allocated
 * @split: one channel for tx and one for rx
 *
 * Return: 0, or a negative errno (reported in xenstore). On failure what
 * was bound is left for xnf_evtchn_unbind().
 */
int xnf_evtchn_bind(struct xnf_queue *q, bool split)
{
	struct xenbus_device *xbdev = q->info->xbdev;
	int err;

	q->split = split;
	if (!split) {
		/* One channel per queue, named after the interface as in-tree. */
		strscpy(q->tx_irq_name, q->info->netdev->name,
			sizeof(q->tx_irq_name));
		err = xpvbus_fevtchn_bind(xbdev, &q->tx_ev, xnf_interrupt,
					  q->tx_irq_name, q);
		if (err)
			return err;
		q->tx_irq = q->tx_ev.irq;
		q->rx_irq = q->tx_ev.irq;
		return 0;
	}

	snprintf(q->tx_irq_name, sizeof(q->tx_irq_name), "%s-tx", q->name);
	snprintf(q->rx_irq_name, sizeof(q->rx_irq_name), "%s-rx", q->name);
	err = xpvbus_fevtchn_bind(xbdev, &q->tx_ev, xnf_tx_interrupt,
				  q->tx_irq_name, q);
	if (err)
		return err;
	q->tx_irq = q->tx_ev.irq;
	err = xpvbus_fevtchn_bind(xbdev, &q->rx_ev, xnf_rx_interrupt,
				  q->rx_irq_name, q);
	if (err)
		return err;
	q->rx_irq = q->rx_ev.irq;
	return 0;
}

/**
 * xnf_evtchn_unbind() - unbind and close a queue's event channel(s)
 * @q: the queue
 *
 * Waits for running handlers, so that none runs once this returns.
 * Idempotent.
 */
void xnf_evtchn_unbind(struct xnf_queue *q)
{
	xpvbus_fevtchn_unbind(&q->rx_ev, q);
	xpvbus_fevtchn_unbind(&q->tx_ev, q);
	q->tx_irq = 0;
	q->rx_irq = 0;
}
