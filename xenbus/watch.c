// SPDX-License-Identifier: GPL-2.0
/*
 * watch.c - watches on single nodes, and the hotplug-status gate.
 *
 * A guest can write a node a backend watches as fast as it likes; before
 * XSA-349 every write queued one event in dom0, without bound. The
 * kernel's watch has a will_handle() hook, called with the event queue
 * locked: ours lets an event through only when none is pending for the
 * watch already. Nothing is lost - the callback re-reads the node, and an
 * event is already dequeued (nr_pending dropped) when its callback runs,
 * so a change made during the callback queues a new one.
 */
#include "xpvbus.h"

#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

static bool xpvbus_watch_will_handle(struct xenbus_watch *xw,
				     const char *path, const char *token)
{
	return xw->nr_pending == 0;
}

static void xpvbus_watch_fired(struct xenbus_watch *xw, const char *path,
			       const char *token)
{
	struct xpvbus_watch *w = container_of(xw, struct xpvbus_watch, xw);

	w->changed(w);
}

/**
 * xpvbus_watch() - watch one node, at most one event queued at a time
 * @dev: the device (its error node reports a failure)
 * @w: the watch, owned by the caller, not armed
 * @dir: the directory, e.g. @dev->nodename
 * @node: the node's name in @dir
 * @changed: called in the xenwatch thread once now and after changes; it
 *	must read the node back rather than trust any event's content
 *
 * Return: 0, -EBUSY when @w is armed, or the negative errno of the
 * registration (reported in xenstore).
 */
int xpvbus_watch(struct xenbus_device *dev, struct xpvbus_watch *w,
		 const char *dir, const char *node,
		 void (*changed)(struct xpvbus_watch *w))
{
	int err;

	if (w->armed)
		return -EBUSY;
	w->changed = changed;
	w->dev = dev;
	err = xenbus_watch_pathfmt(dev, &w->xw, xpvbus_watch_will_handle,
				   xpvbus_watch_fired, "%s/%s", dir, node);
	if (!err)
		w->armed = true;
	return err;
}
EXPORT_SYMBOL_GPL(xpvbus_watch);

/**
 * xpvbus_unwatch() - remove a watch set by xpvbus_watch()
 * @w: the watch; nothing is done when it is not armed
 *
 * Drops its queued event and waits for a running callback, unless called
 * from that callback's own thread (the xenwatch thread), as the kernel's
 * unregister_xenbus_watch() does.
 */
void xpvbus_unwatch(struct xpvbus_watch *w)
{
	if (!w->armed)
		return;
	unregister_xenbus_watch(&w->xw);
	kfree(w->xw.node);
	w->xw.node = NULL;
	w->armed = false;
}
EXPORT_SYMBOL_GPL(xpvbus_unwatch);

/**
 * xpvbus_watch_hotplug() - watch the backend's "hotplug-status" node
 * @dev: the backend device
 * @w: the watch, owned by the caller, not armed
 * @changed: called once now and whenever the node changes; it should call
 *	xpvbus_hotplug_connected() and connect only once that says so
 *
 * The toolstack writes hotplug-status = "" when it creates the device and
 * its hotplug script writes "connected" (or "error") once the host side
 * exists; a backend that connects earlier races the script. Arm this
 * before the first attempt to connect, so that no change is missed.
 *
 * Return: 0, or the negative errno of xpvbus_watch().
 */
int xpvbus_watch_hotplug(struct xenbus_device *dev, struct xpvbus_watch *w,
			 void (*changed)(struct xpvbus_watch *w))
{
	return xpvbus_watch(dev, w, dev->nodename, "hotplug-status", changed);
}
EXPORT_SYMBOL_GPL(xpvbus_watch_hotplug);

/**
 * xpvbus_hotplug_connected() - whether the hotplug script has finished
 * @dev: the backend device
 *
 * Return: true when <nodename>/hotplug-status reads "connected".
 */
bool xpvbus_hotplug_connected(struct xenbus_device *dev)
{
	char *str;
	bool ok;

	str = xenbus_read(XBT_NIL, dev->nodename, "hotplug-status", NULL);
	if (IS_ERR(str))
		return false;
	ok = !strcmp(str, "connected");
	kfree(str);
	return ok;
}
EXPORT_SYMBOL_GPL(xpvbus_hotplug_connected);
