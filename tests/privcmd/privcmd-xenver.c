// SPDX-License-Identifier: GPL-2.0
/*
 * privcmd-xenver - issue one hypercall (xen_version) through
 * /dev/xen/privcmd and say what happened, for the privcmd-domu scenario.
 *
 * Prints "ok MAJOR.MINOR" and exits 0, or "errno NAME" and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* include/uapi/xen/privcmd.h */
struct privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};

#define IOCTL_PRIVCMD_HYPERCALL \
	_IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))
#define HYPERVISOR_xen_version	17
#define XENVER_version		0

int main(void)
{
	struct privcmd_hypercall h = {
		.op = HYPERVISOR_xen_version,
		.arg = { XENVER_version },
	};
	int fd = open("/dev/xen/privcmd", O_RDWR);
	long v;

	if (fd < 0) {
		printf("open %s\n", strerror(errno));
		return 2;
	}
	v = ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h);
	if (v < 0) {
		printf("errno %s\n", strerrorname_np(errno));
		return 1;
	}
	printf("ok %ld.%ld\n", v >> 16, v & 0xffff);
	return 0;
}
