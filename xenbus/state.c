// SPDX-License-Identifier: GPL-2.0
/*
 * state.c - the backend's side of the xenbus state machine.
 *
 * A backend publishes its state in <nodename>/state. The moves it may make
 * (io/xenbus.h, and blkif.h's "state diagrams"):
 *
 *                 Initialising
 *                      |
 *                      v
 *   +---------------> InitWait ----------+
 *   |                  |                 |
 *   |                  v                 |
 *   |              Connected             |
 *   |                  |                 |
 *   |                  v                 v
 *   |               Closing <------------+
 *   |                  |
 *   |                  v
 *   +--------------- Closed
 *
 * (Initialised and Reconfiguring/Reconfigured, which a backend does not
 * normally publish, are treated as InitWait and Connected respectively.)
 *
 * xpvbus_set_state() walks the shortest legal path from the current state
 * to the target, one xenbus_switch_state() per step, so a caller asks for
 * the state it needs and never writes an illegal transition, whatever
 * states the frontend skipped. A target already passed on the way down
 * (Closing while Closed) is reached: a backend never climbs back to
 * Closing.
 */
#include "xpvbus.h"

#include <linux/device.h>
#include <linux/errno.h>
#include <linux/module.h>

/* The next state on the shortest path from @from to @to (from != to). */
static enum xenbus_state xpvbus_next_state(enum xenbus_state from,
					   enum xenbus_state to)
{
	bool closing = to == XPVBUS_CLOSING || to == XPVBUS_CLOSED;

	switch (from) {
	case XPVBUS_INITWAIT:
	case XPVBUS_INITIALISED:
		return closing ? XPVBUS_CLOSING : XPVBUS_CONNECTED;
	case XPVBUS_CONNECTED:
	case XPVBUS_RECONFIGURING:
	case XPVBUS_RECONFIGURED:
		return XPVBUS_CLOSING;
	case XPVBUS_CLOSING:
		return XPVBUS_CLOSED;
	case XPVBUS_CLOSED:
		return XPVBUS_INITWAIT;
	case XPVBUS_UNKNOWN:
	case XPVBUS_INITIALISING:
	default:
		return closing ? XPVBUS_CLOSING : XPVBUS_INITWAIT;
	}
}

/**
 * xpvbus_set_state() - move a backend to a state along legal transitions
 * @dev: the backend device
 * @target: InitWait, Connected, Closing or Closed
 *
 * Switches through every intermediate state the diagram above requires
 * (at most four steps). Asking for the current state, or for Closing when
 * already Closed, does nothing.
 *
 * Return: 0 when @dev->state is @target (or Closed for a Closing target),
 * -EINVAL for a target a backend cannot ask for, -EIO when xenstore refused
 * a step (xenbus_switch_state() has then written the error node).
 */
int xpvbus_set_state(struct xenbus_device *dev, enum xenbus_state target)
{
	unsigned int steps;

	switch (target) {
	case XPVBUS_INITWAIT:
	case XPVBUS_CONNECTED:
	case XPVBUS_CLOSING:
	case XPVBUS_CLOSED:
		break;
	default:
		return -EINVAL;
	}

	for (steps = 0; steps < 5; steps++) {
		enum xenbus_state cur = dev->state;
		enum xenbus_state next;

		if (cur == target ||
		    (target == XPVBUS_CLOSING && cur == XPVBUS_CLOSED))
			return 0;
		next = xpvbus_next_state(cur, target);
		xenbus_switch_state(dev, next);
		if (dev->state != next)
			return -EIO;
	}
	return -EIO;
}
EXPORT_SYMBOL_GPL(xpvbus_set_state);

/**
 * xpvbus_backend_closed() - finish a close the frontend asked for
 * @dev: the backend device, its driver already disconnected from the rings
 *
 * Walks the backend to Closed. If the toolstack has taken the device
 * offline (libxl writes online = 0 before it asks for removal) the device
 * is unregistered, which runs the driver's remove(); otherwise it stays, so
 * that the frontend can reconnect (Closed -> Initialising -> InitWait).
 * Called from the otherend_changed() callback, as the kernel's backends do.
 */
void xpvbus_backend_closed(struct xenbus_device *dev)
{
	xpvbus_set_state(dev, XPVBUS_CLOSED);
	if (!xenbus_dev_is_online(dev))
		device_unregister(&dev->dev);
}
EXPORT_SYMBOL_GPL(xpvbus_backend_closed);
