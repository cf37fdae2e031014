// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl.c - the ioctls of /dev/xen/privcmd (include/uapi/xen/privcmd.h):
 * the dispatcher, and the ones small enough to live here.
 *
 * Unknown commands get -ENOTTY, as in-tree (very old kernels answered
 * -EINVAL). User space relies on it: libxenforeignmemory sends IOCTL_PRIVCMD_UNIMPLEMENTED at
 * open to learn the "unknown ioctl" errno (and refuses a privcmd that
 * accepts it), then tells "this kernel lacks MMAP_RESOURCE" apart from
 * real failures by that errno.
 */
#include "privcmd.h"

#include <linux/uaccess.h>

#include <xen/acpi.h>
#include <xen/privcmd.h>
#include <xen/xen-ops.h>

#include <asm/xen/hypercall.h>

static long privcmd_ioctl_hypercall(struct privcmd_file *pf,
				    void __user *uarg)
{
	struct privcmd_hypercall call;
	long rc;

	/* A restricted file reaches its domain through the other ioctls only. */
	if (privcmd_restricted(pf))
		return -EPERM;
	if (copy_from_user(&call, uarg, sizeof(call)))
		return -EFAULT;

	/*
	 * Arguments are passed as they come, user pointers included: Xen
	 * reads and writes user memory (privcmd_call() opens SMAP for it).
	 * The hypercall may run long: let the scheduler preempt it.
	 */
	xen_preemptible_hcall_begin();
	rc = privcmd_call((unsigned int)call.op, call.arg[0], call.arg[1],
			  call.arg[2], call.arg[3], call.arg[4]);
	xen_preemptible_hcall_end();
	return rc;
}

/* The GSI of a PCI device that pciback owns (PVH dom0 passthrough). */
static long privcmd_ioctl_pcidev_get_gsi(void __user *uarg)
{
	struct privcmd_pcidev_get_gsi arg;
	int gsi;

	if (!XPV_HAVE_PRIVCMD_PCIDEV_GSI)
		return -ENOTTY;
	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;

	gsi = xpv_acpi_get_gsi_from_sbdf(arg.sbdf);
	if (gsi < 0)
		return gsi;

	arg.gsi = gsi;
	if (copy_to_user(uarg, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}

/**
 * privcmd_ioctl() - unlocked_ioctl of /dev/xen/privcmd
 * @file: the open file
 * @cmd: an IOCTL_PRIVCMD_* command
 * @arg: user pointer to the command's argument
 *
 * Return: for HYPERCALL, Xen's answer; otherwise 0 or a negative errno;
 * -ENOTTY for a command this kernel's in-tree driver does not know.
 */
long privcmd_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct privcmd_file *pf = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case IOCTL_PRIVCMD_HYPERCALL:
		return privcmd_ioctl_hypercall(pf, uarg);
	case IOCTL_PRIVCMD_MMAP:
		return privcmd_ioctl_mmap(pf, uarg);
	case IOCTL_PRIVCMD_MMAPBATCH:
		return privcmd_ioctl_mmapbatch(pf, uarg, false);
	case IOCTL_PRIVCMD_MMAPBATCH_V2:
		return privcmd_ioctl_mmapbatch(pf, uarg, true);
	case IOCTL_PRIVCMD_DM_OP:
		return privcmd_ioctl_dm_op(pf, uarg);
	case IOCTL_PRIVCMD_RESTRICT:
		return privcmd_ioctl_restrict(pf, uarg);
	case IOCTL_PRIVCMD_MMAP_RESOURCE:
		return privcmd_ioctl_mmap_resource(pf, uarg);
	case IOCTL_PRIVCMD_IRQFD:
	case IOCTL_PRIVCMD_IOEVENTFD:
		/* Virtio backends' ioctls: not implemented, see compat.h. */
		return XPV_HAVE_PRIVCMD_EVENTFD_IOCTLS ? -EOPNOTSUPP : -ENOTTY;
	case IOCTL_PRIVCMD_PCIDEV_GET_GSI:
		return privcmd_ioctl_pcidev_get_gsi(uarg);
	default:
		return -ENOTTY;
	}
}
