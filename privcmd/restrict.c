// SPDX-License-Identifier: GPL-2.0
/*
 * restrict.c - which domain an open privcmd file may act on.
 *
 * In dom0 a file starts unrestricted: any hypercall, any domain.
 *
 * In a domU - a device-model stub domain, the only kind that should run a
 * privcmd user - every file starts restricted to the domain the stub domain
 * serves, which the toolstack writes to the domU's xenstore node "target".
 * XSA-482 (CVE-2026-31788) showed why: unrestricted, root in a domU could
 * use privcmd to get around kernel lockdown. Without a readable "target"
 * node the files are restricted to DOMID_IDLE, a domain nothing can be done
 * to, so that every hypercall is refused. Opens wait until xenstore has been
 * read. The module parameter "unrestricted" lifts all this, unless the
 * kernel is locked down. This is what the in-tree driver of the Debian
 * 6.1.192 and 6.12 kernels does (their XSA-482 backport); xpv also refuses
 * a "target" that is not an ordinary domain id.
 *
 * IOCTL_PRIVCMD_RESTRICT narrows an unrestricted file to one domain, once;
 * it is never widened or moved (libxenforeignmemory and libxendevicemodel
 * use it to deprivilege QEMU). A restricted file may not issue raw
 * hypercalls, and may map, or run device-model operations on, its domain
 * only.
 */
#include "privcmd.h"

#include <linux/completion.h>
#include <linux/err.h>
#include <linux/kstrtox.h>
#include <linux/moduleparam.h>
#include <linux/notifier.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <xen/xen.h>
#include <xen/xenbus.h>

static bool unrestricted;
module_param(unrestricted, bool, 0);
MODULE_PARM_DESC(unrestricted,
		 "Don't restrict hypercalls to target domain if running in a domU");

/* What a new file is restricted to; final once privcmd_target_known. */
static unsigned int privcmd_target = DOMID_INVALID;
static DECLARE_COMPLETION(privcmd_target_known);
static bool privcmd_watching_xenstore;

static int privcmd_read_target(struct notifier_block *nb,
			       unsigned long event, void *data)
{
	unsigned int domid = DOMID_IDLE;
	char *target;

	target = xenbus_read(XBT_NIL, "target", "", NULL);
	if (IS_ERR(target) || kstrtouint(target, 10, &domid) ||
	    domid >= DOMID_FIRST_RESERVED) {
		pr_err("No target domain found, blocking all hypercalls\n");
		domid = DOMID_IDLE;
	}
	if (!IS_ERR(target))
		kfree(target);

	privcmd_target = domid;
	complete_all(&privcmd_target_known);
	return NOTIFY_DONE;
}

static struct notifier_block privcmd_xenstore_notifier = {
	.notifier_call = privcmd_read_target,
};

/**
 * privcmd_restrict_init() - decide how new files start, at module load
 *
 * In dom0, or in a domU with "unrestricted" and no lockdown, files start
 * unrestricted. Otherwise they start restricted to the domU's target, read
 * from xenstore as soon as xenstore is up (at once if it already is).
 */
void privcmd_restrict_init(void)
{
	if (xen_initial_domain())
		goto unrestricted;

	if (unrestricted) {
		if (!security_locked_down(LOCKDOWN_XEN_USER_ACTIONS))
			goto unrestricted;
		pr_warn("Kernel is locked down, parameter \"unrestricted\" ignored\n");
	}

	privcmd_watching_xenstore = true;
	register_xenstore_notifier(&privcmd_xenstore_notifier);
	return;

unrestricted:
	complete_all(&privcmd_target_known);
}

/**
 * privcmd_restrict_exit() - undo privcmd_restrict_init(), at module unload
 */
void privcmd_restrict_exit(void)
{
	if (privcmd_watching_xenstore)
		unregister_xenstore_notifier(&privcmd_xenstore_notifier);
}

/**
 * privcmd_default_domid() - the restriction a newly opened file starts with
 *
 * In a domU this waits, interruptibly, until xenstore has been read.
 *
 * Return: the domain id, %DOMID_INVALID for none, or -EINTR if a signal
 * came first (as in-tree).
 */
int privcmd_default_domid(void)
{
	if (wait_for_completion_interruptible(&privcmd_target_known))
		return -EINTR;
	return privcmd_target;
}

/**
 * privcmd_ioctl_restrict() - IOCTL_PRIVCMD_RESTRICT
 * @pf: the file
 * @uarg: user pointer to the domid_t to restrict the file to
 *
 * Restricting a file again to the domain it is restricted to succeeds and
 * changes nothing. Naming %DOMID_INVALID leaves an unrestricted file
 * unrestricted, as in-tree.
 *
 * Return: 0, -EFAULT, or -EINVAL if the file is restricted to another
 * domain.
 */
long privcmd_ioctl_restrict(struct privcmd_file *pf, void __user *uarg)
{
	unsigned int old;
	domid_t dom;

	if (copy_from_user(&dom, uarg, sizeof(dom)))
		return -EFAULT;

	old = cmpxchg(&pf->domid, DOMID_INVALID, dom);
	if (old != DOMID_INVALID && old != dom)
		return -EINVAL;
	return 0;
}
