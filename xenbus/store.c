// SPDX-License-Identifier: GPL-2.0
/*
 * store.c - xenstore transactions, typed keys and per-queue directories.
 *
 * A driver's writes that the other end must see together (its features, a
 * frontend's rings) go in one transaction, run by xpvbus_transaction().
 *
 * Numbers the other end writes are parsed strictly (kstrtouint: no sign,
 * no trailing junk) and bounded by the caller's maximum before they are
 * returned, so a hostile peer's value never reaches an allocation size.
 */
#include "xpvbus.h"

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

/**
 * xpvbus_transaction() - run writes in one xenstore transaction
 * @dev: the device (its error node reports a failure)
 * @fn: writes its keys with the transaction it is given; returns 0 or a
 *	negative errno. It may run more than once: xenstore asks for a retry
 *	(-EAGAIN) when another writer raced the transaction.
 * @arg: @fn's argument
 *
 * Return: 0 once committed; the negative errno of @fn (the transaction is
 * then abandoned) or of xenstore, after xenbus_dev_fatal().
 */
int xpvbus_transaction(struct xenbus_device *dev,
		       int (*fn)(struct xenbus_transaction xbt, void *arg),
		       void *arg)
{
	struct xenbus_transaction xbt;
	int err;

again:
	err = xenbus_transaction_start(&xbt);
	if (err) {
		xenbus_dev_fatal(dev, err, "starting transaction");
		return err;
	}
	err = fn(xbt, arg);
	if (err) {
		xenbus_transaction_end(xbt, 1);
		xenbus_dev_fatal(dev, err, "writing %s", dev->nodename);
		return err;
	}
	err = xenbus_transaction_end(xbt, 0);
	if (err == -EAGAIN)
		goto again;
	if (err)
		xenbus_dev_fatal(dev, err, "ending transaction");
	return err;
}
EXPORT_SYMBOL_GPL(xpvbus_transaction);

/**
 * xpvbus_write_uint() - write an unsigned number under the device's node
 * @xbt: the transaction, or XBT_NIL
 * @dev: the device; the key is written in @dev->nodename
 * @key: the key's name
 * @val: the value, written in decimal
 *
 * Return: 0, or the negative errno from xenstore.
 */
int xpvbus_write_uint(struct xenbus_transaction xbt, struct xenbus_device *dev,
		      const char *key, unsigned long long val)
{
	return xenbus_printf(xbt, dev->nodename, key, "%llu", val);
}
EXPORT_SYMBOL_GPL(xpvbus_write_uint);

/**
 * xpvbus_write_bool() - write a feature flag ("0" or "1")
 * @xbt: the transaction, or XBT_NIL
 * @dev: the device; the key is written in @dev->nodename
 * @key: the key's name, e.g. "feature-flush-cache"
 * @val: whether the feature is offered
 *
 * Return: 0, or the negative errno from xenstore.
 */
int xpvbus_write_bool(struct xenbus_transaction xbt, struct xenbus_device *dev,
		      const char *key, bool val)
{
	return xenbus_write(xbt, dev->nodename, key, val ? "1" : "0");
}
EXPORT_SYMBOL_GPL(xpvbus_write_bool);

/**
 * xpvbus_read_uint() - read a bounded unsigned number
 * @dir: the directory, e.g. the other end's path
 * @key: the key's name
 * @max: the largest value accepted
 * @val: where the value goes; untouched on error
 *
 * Return: 0; -ENOENT when the key is absent; -EINVAL when it is not a
 * decimal (or 0x-prefixed hex) unsigned number; -ERANGE when above @max.
 */
int xpvbus_read_uint(const char *dir, const char *key, unsigned int max,
		     unsigned int *val)
{
	unsigned int v;
	char *str;
	int err;

	str = xenbus_read(XBT_NIL, dir, key, NULL);
	if (IS_ERR(str))
		return PTR_ERR(str);
	err = kstrtouint(strim(str), 0, &v);
	kfree(str);
	if (err)
		return -EINVAL;
	if (v > max)
		return -ERANGE;
	*val = v;
	return 0;
}
EXPORT_SYMBOL_GPL(xpvbus_read_uint);

/**
 * xpvbus_read_bool() - read a feature flag the other end may have written
 * @dir: the directory, e.g. the other end's path
 * @key: the key's name
 * @dflt: the answer when the key is absent or unreadable
 *
 * Any number other than 0 means true, as the kernel's drivers read flags.
 *
 * Return: the flag.
 */
bool xpvbus_read_bool(const char *dir, const char *key, bool dflt)
{
	unsigned int v;

	if (xpvbus_read_uint(dir, key, UINT_MAX, &v))
		return dflt;
	return v != 0;
}
EXPORT_SYMBOL_GPL(xpvbus_read_bool);

/**
 * xpvbus_read_nr_queues() - the number of queues the other end asks for
 * @dev: the device; "multi-queue-num-queues" is read in @dev->otherend
 * @max: the most this driver offered ("multi-queue-max-queues")
 * @nr: where the count goes
 *
 * An absent key means one queue (a peer without multi-queue support).
 *
 * Return: 0; -ERANGE (after xenbus_dev_fatal()) for 0 or more than @max
 * queues, or a value that is not a number.
 */
int xpvbus_read_nr_queues(struct xenbus_device *dev, unsigned int max,
			  unsigned int *nr)
{
	unsigned int v = 1;
	int err;

	err = xpvbus_read_uint(dev->otherend, "multi-queue-num-queues", max, &v);
	if (err == -ENOENT) {
		*nr = 1;
		return 0;
	}
	if (err || v == 0) {
		xenbus_dev_fatal(dev, -ERANGE,
				 "multi-queue-num-queues invalid or above %u",
				 max);
		return -ERANGE;
	}
	*nr = v;
	return 0;
}
EXPORT_SYMBOL_GPL(xpvbus_read_nr_queues);

/**
 * xpvbus_queue_dir() - the other end's directory of one queue's keys
 * @dev: the device
 * @nr_queues: the negotiated number of queues
 * @queue: the queue, below @nr_queues
 *
 * With one queue the keys sit in the device directory itself (what a peer
 * without multi-queue writes); with more, in "queue-N" below it.
 *
 * Return: a string to kfree(), or NULL when out of memory.
 */
char *xpvbus_queue_dir(struct xenbus_device *dev, unsigned int nr_queues,
		       unsigned int queue)
{
	if (nr_queues <= 1)
		return kstrdup(dev->otherend, GFP_KERNEL);
	return kasprintf(GFP_KERNEL, "%s/queue-%u", dev->otherend, queue);
}
EXPORT_SYMBOL_GPL(xpvbus_queue_dir);
