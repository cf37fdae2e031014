// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl.c - the ioctls of /dev/xen/evtchn (include/uapi/xen/evtchn.h).
 *
 * Return values and errnos, and the order in which they are checked, are
 * those of the in-tree driver (drivers/xen/evtchn.c) of the same kernel;
 * the two deliberate differences are marked "xpv:" below. Errors from Xen
 * are passed through unchanged. A bind returns the new local port, except
 * IOCTL_EVTCHN_BIND_STATIC, which returns 0.
 */
#include "evtchn.h"

#include <linux/uaccess.h>

#include <xen/events.h>
#include <xen/evtchn.h>
#include <xen/xen-ops.h>

#include <asm/xen/hypercall.h>

static bool evtchn_restricted(const struct evtchn_user *u)
{
	return u->restrict_domid != EVTCHN_UNRESTRICTED;
}

/*
 * The common tail of the binds that make a new port: @op is issued as
 * EVTCHNOP_@cmd, and @port points at the field where Xen returns the port.
 */
static long evtchn_bind_new(struct evtchn_user *u, unsigned int cmd, void *op,
			    const evtchn_port_t *port)
{
	struct evtchn_bind_request req;
	int rc;

	rc = evtchn_bind_prepare(u, &req);
	if (rc)
		return rc;

	rc = HYPERVISOR_event_channel_op(cmd, op);
	if (rc) {
		evtchn_bind_cancel(&req);
		return rc;
	}

	rc = evtchn_bind_finish(u, &req, *port, false);
	if (rc)
		return rc;
	return *port;
}

static long evtchn_ioctl_bind_virq(struct evtchn_user *u, void __user *uarg)
{
	struct ioctl_evtchn_bind_virq bind;
	struct evtchn_bind_virq op;

	if (evtchn_restricted(u))
		return -EACCES;
	if (copy_from_user(&bind, uarg, sizeof(bind)))
		return -EFAULT;

	op.virq = bind.virq;
	op.vcpu = xen_vcpu_nr(0);
	return evtchn_bind_new(u, EVTCHNOP_bind_virq, &op, &op.port);
}

static long evtchn_ioctl_bind_interdomain(struct evtchn_user *u,
					  void __user *uarg)
{
	struct ioctl_evtchn_bind_interdomain bind;
	struct evtchn_bind_interdomain op;

	if (copy_from_user(&bind, uarg, sizeof(bind)))
		return -EFAULT;
	/* Compared before truncation to domid_t, as in-tree. */
	if (evtchn_restricted(u) && bind.remote_domain != u->restrict_domid)
		return -EACCES;

	op.remote_dom = bind.remote_domain;
	op.remote_port = bind.remote_port;
	return evtchn_bind_new(u, EVTCHNOP_bind_interdomain, &op,
			       &op.local_port);
}

static long evtchn_ioctl_bind_unbound_port(struct evtchn_user *u,
					   void __user *uarg)
{
	struct ioctl_evtchn_bind_unbound_port bind;
	struct evtchn_alloc_unbound op;

	if (evtchn_restricted(u))
		return -EACCES;
	if (copy_from_user(&bind, uarg, sizeof(bind)))
		return -EFAULT;

	op.dom = DOMID_SELF;
	op.remote_dom = bind.remote_domain;
	return evtchn_bind_new(u, EVTCHNOP_alloc_unbound, &op, &op.port);
}

static long evtchn_ioctl_bind_static(struct evtchn_user *u, void __user *uarg)
{
	struct evtchn_bind_request req;
	struct ioctl_evtchn_bind bind;
	int rc;

	/* Kernels before 6.6 cannot keep a static port open: see compat.h. */
	if (!XPV_HAVE_EVTCHN_STATIC)
		return -ENOSYS;

	/*
	 * xpv: in-tree lets a restricted file bind any static port. A
	 * restricted file (a deprivileged device model) is meant to reach
	 * only its target domain, so refuse as for the other binds.
	 */
	if (evtchn_restricted(u))
		return -EACCES;
	if (copy_from_user(&bind, uarg, sizeof(bind)))
		return -EFAULT;
	if (evtchn_find(u, bind.port))
		return -EISCONN;
	/*
	 * xpv: in-tree would share the IRQ of a port some driver or another
	 * file has bound, and then take over its reference count, so that
	 * either side's unbind frees the IRQ under the other.
	 */
	if (evtchn_port_in_use(bind.port))
		return -EBUSY;

	rc = evtchn_bind_prepare(u, &req);
	if (rc)
		return rc;
	return evtchn_bind_finish(u, &req, bind.port, true);
}

static long evtchn_ioctl_unbind(struct evtchn_user *u, void __user *uarg)
{
	struct ioctl_evtchn_unbind unbind;
	struct evtchn_binding *b;

	if (copy_from_user(&unbind, uarg, sizeof(unbind)))
		return -EFAULT;
	if (unbind.port >= xen_evtchn_nr_channels())
		return -EINVAL;

	b = evtchn_find(u, unbind.port);
	if (!b)
		return -ENOTCONN;

	evtchn_unbind(u, b);
	return 0;
}

static long evtchn_ioctl_notify(struct evtchn_user *u, void __user *uarg)
{
	struct ioctl_evtchn_notify notify;

	if (copy_from_user(&notify, uarg, sizeof(notify)))
		return -EFAULT;
	if (!evtchn_find(u, notify.port))
		return -ENOTCONN;

	notify_remote_via_evtchn(notify.port);
	return 0;
}

static long evtchn_ioctl_restrict_domid(struct evtchn_user *u,
					void __user *uarg)
{
	struct ioctl_evtchn_restrict_domid target;

	/* One-way: a restricted file cannot be re-targeted or lifted. */
	if (evtchn_restricted(u))
		return -EACCES;
	if (copy_from_user(&target, uarg, sizeof(target)))
		return -EFAULT;
	if (target.domid == 0 || target.domid >= DOMID_FIRST_RESERVED)
		return -EINVAL;

	u->restrict_domid = target.domid;
	return 0;
}

/**
 * evtchn_ioctl() - unlocked_ioctl of /dev/xen/evtchn
 * @file: the open file
 * @cmd: an IOCTL_EVTCHN_* command
 * @arg: user pointer to the command's argument
 *
 * Every command runs under the file's bind_lock, so that a port cannot be
 * unbound while another thread binds, notifies or re-enables it.
 *
 * Return: the local port for BIND_VIRQ, BIND_INTERDOMAIN and
 * BIND_UNBOUND_PORT, 0 for the other commands, or a negative errno;
 * -ENOSYS for an unknown command, as in-tree.
 */
long evtchn_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct evtchn_user *u = file->private_data;
	void __user *uarg = (void __user *)arg;
	long rc;

	mutex_lock(&u->bind_lock);

	switch (cmd) {
	case IOCTL_EVTCHN_BIND_VIRQ:
		rc = evtchn_ioctl_bind_virq(u, uarg);
		break;
	case IOCTL_EVTCHN_BIND_INTERDOMAIN:
		rc = evtchn_ioctl_bind_interdomain(u, uarg);
		break;
	case IOCTL_EVTCHN_BIND_UNBOUND_PORT:
		rc = evtchn_ioctl_bind_unbound_port(u, uarg);
		break;
	case IOCTL_EVTCHN_BIND_STATIC:
		rc = evtchn_ioctl_bind_static(u, uarg);
		break;
	case IOCTL_EVTCHN_UNBIND:
		rc = evtchn_ioctl_unbind(u, uarg);
		break;
	case IOCTL_EVTCHN_NOTIFY:
		rc = evtchn_ioctl_notify(u, uarg);
		break;
	case IOCTL_EVTCHN_RESET:
		evtchn_ring_reset(&u->ring);
		rc = 0;
		break;
	case IOCTL_EVTCHN_RESTRICT_DOMID:
		rc = evtchn_ioctl_restrict_domid(u, uarg);
		break;
	default:
		/* The in-tree driver's answer; libxenevtchn never sends one. */
		rc = -ENOSYS;
		break;
	}

	mutex_unlock(&u->bind_lock);
	return rc;
}
