// SPDX-License-Identifier: GPL-2.0
/*
 * naming.c - from the toolstack's virtual-device number to a minor range
 * and a disk name, as Linux's blkfront does, so that /dev/xvdX, fstab and
 * root= keep working when this module replaces the in-tree one.
 *
 * The number is either a Linux device number, major << 8 | minor, whose
 * major says which emulated disk it stands for (every disk shows up as
 * xvd*, under major 202 with 16 minors a disk):
 *
 *   major          disks                    xvd index       first minor
 *   3 (hd, IDE0)   minor / 64: hda, hdb     minor / 64      index * 16
 *   22 (IDE1)      hdc, hdd                 minor / 64 + 2  index * 16
 *   8 (sd)         minor / 16: sda..sdp     minor / 16      minor
 *   65..71         sdq..sddf, 16 a major    as sd, + (major - 64) * 16
 *   128..135       sddg.., 16 a major       as sd, + (major - 120) * 16
 *   202 (xvd)      minor / 16               minor / 16      minor
 *
 * (an IDE partition's number is dropped: the whole disk is attached), or an
 * extended number, 1 << 28 | disk << 8 | partition, for disks beyond those
 * ranges: 256 minors a disk. A number naming a partition (minor not on a
 * disk boundary) gets one minor and the partition's name, e.g. xvda1.
 * Indexes are written in bijective base 26: xvda .. xvdz, xvdaa ...
 */
#include "common.h"

#include <linux/kdev_t.h>
#include <linux/major.h>
#include <linux/spinlock.h>

#define XBF_EXT_SHIFT		28
#define XBF_PARTS		16
#define XBF_EXT_PARTS		256

/**
 * xbf_vdev_decode() - what a virtual-device number stands for
 * @vdevice: the number, from virtual-device (or virtual-device-ext)
 * @v: where the result goes
 *
 * Return: 0, or -ENODEV for a number beyond the extended range, an
 * unknown major or a minor beyond MINORBITS.
 */
int xbf_vdev_decode(unsigned int vdevice, struct xbf_vdev *v)
{
	unsigned int major = vdevice >> 8, minor = vdevice & 0xff;
	unsigned int parts = XBF_PARTS;

	if (vdevice >> XBF_EXT_SHIFT > 1)
		return -ENODEV;

	if (vdevice >> XBF_EXT_SHIFT) {
		parts = XBF_EXT_PARTS;
		minor = vdevice & ((1U << XBF_EXT_SHIFT) - 1);
		v->index = minor / parts;
	} else if (major == XEN_IDE0_MAJOR || major == XEN_IDE1_MAJOR) {
		v->index = minor / 64 + (major == XEN_IDE1_MAJOR ? 2 : 0);
		minor = v->index * parts;
	} else if (major == XEN_SCSI_DISK0_MAJOR || major == XENVBD_MAJOR) {
		v->index = minor / parts;
	} else if (major >= XEN_SCSI_DISK1_MAJOR &&
		   major <= XEN_SCSI_DISK7_MAJOR) {
		unsigned int base = (major - XEN_SCSI_DISK1_MAJOR + 1) * 16;

		v->index = minor / parts + base;
		minor += base * parts;
	} else if (major >= XEN_SCSI_DISK8_MAJOR &&
		   major <= XEN_SCSI_DISK15_MAJOR) {
		unsigned int base = (major - XEN_SCSI_DISK8_MAJOR + 8) * 16;

		v->index = minor / parts + base;
		minor += base * parts;
	} else {
		pr_warn("virtual-device %#x: major %u is not a disk; use an xvd device\n",
			vdevice, major);
		return -ENODEV;
	}

	if (minor >> MINORBITS) {
		pr_warn("virtual-device %#x: minor %#x out of range\n",
			vdevice, minor);
		return -ENODEV;
	}
	v->minor = minor;
	v->nr_minors = minor % parts ? 1 : parts;
	v->part = minor % parts;
	return 0;
}

/* Append disk index @n in bijective base 26 (a..z, aa..); return the end. */
static char *xbf_index_name(char *p, char *end, unsigned int n)
{
	if (n >= 26)
		p = xbf_index_name(p, end, n / 26 - 1);
	if (p < end)
		*p++ = 'a' + n % 26;
	return p;
}

/**
 * xbf_vdev_name() - the disk's name, as Linux's blkfront gives it
 * @v: the decoded number
 * @buf: where the name goes
 * @len: its size (DISK_NAME_LEN)
 */
void xbf_vdev_name(const struct xbf_vdev *v, char *buf, size_t len)
{
	char *end = buf + len - 1;
	char *p;

	p = buf + strscpy(buf, "xvd", len);
	p = xbf_index_name(p, end, v->index);
	*p = '\0';
	if (v->nr_minors == 1)
		snprintf(p, end + 1 - p, "%u", v->part);
}

/* Minor ranges in use, by every vbd of this module. */
static LIST_HEAD(xbf_minors_list);
static DEFINE_SPINLOCK(xbf_minors_lock);

/**
 * xbf_minors_reserve() - claim a range of minors under XENVBD_MAJOR
 * @m: the reservation, owned by the disk, not on the list
 * @first: the first minor
 * @nr: how many
 *
 * Return: 0, or -EBUSY when another vbd holds one of them (two
 * virtual-device numbers naming the same disk, or a disk and one of its
 * partitions).
 */
int xbf_minors_reserve(struct xbf_minors *m, unsigned int first,
		       unsigned int nr)
{
	struct xbf_minors *o;
	int err = 0;

	spin_lock(&xbf_minors_lock);
	list_for_each_entry(o, &xbf_minors_list, node) {
		if (first < o->first + o->nr && o->first < first + nr) {
			err = -EBUSY;
			break;
		}
	}
	if (!err) {
		m->first = first;
		m->nr = nr;
		list_add(&m->node, &xbf_minors_list);
	}
	spin_unlock(&xbf_minors_lock);
	return err;
}

/**
 * xbf_minors_release() - give back a range from xbf_minors_reserve()
 * @m: the reservation; nothing is done when it holds none
 */
void xbf_minors_release(struct xbf_minors *m)
{
	if (!m->nr)
		return;
	spin_lock(&xbf_minors_lock);
	list_del(&m->node);
	spin_unlock(&xbf_minors_lock);
	m->nr = 0;
}
