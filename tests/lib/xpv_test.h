/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xpv_test.h - small helpers shared by xpv's kselftests.
 */
#ifndef XPV_TEST_H
#define XPV_TEST_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Open a /dev/xen node, or skip the test with the reason. */
#define XPV_OPEN_OR_SKIP(_metadata, path, flags) ({			\
	int __fd = open(path, flags);					\
	if (__fd < 0)							\
		SKIP(return, "%s: %s", path, strerror(errno));		\
	__fd;								\
})

/* Domain id of the helper domU the testbed started, or -1 when none. */
static inline int xpv_peer_domid(void)
{
	const char *s = getenv("XPV_PEER_DOMID");

	return s && *s ? atoi(s) : -1;
}

#endif /* XPV_TEST_H */
