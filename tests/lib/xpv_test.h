/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xpv_test.h - small helpers shared by xpv's kselftests.
 */
#ifndef XPV_TEST_H
#define XPV_TEST_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Open a /dev/xen node, or skip the test with the reason. */
#define XPV_OPEN_OR_SKIP(_metadata, path, flags) ({			\
	int __fd = open(path, flags);					\
	if (__fd < 0)							\
		SKIP(return, "%s: %s", path, strerror(errno));		\
	__fd;								\
})

/*
 * XPV_EXPECT_ROOT_ONLY_NODE() - a /dev/xen node is a character device owned
 * by root, mode 0600 (XSA-468's lesson: device nodes are part of the
 * security boundary). Skips when the node does not exist.
 */
#define XPV_EXPECT_ROOT_ONLY_NODE(_metadata, path) do {			\
	struct stat __st;						\
									\
	if (stat(path, &__st))						\
		SKIP(return, "%s: %s", path, strerror(errno));		\
	EXPECT_TRUE(S_ISCHR(__st.st_mode)) TH_LOG("%s", path);		\
	EXPECT_EQ(0u, __st.st_uid) TH_LOG("%s", path);			\
	EXPECT_EQ(0600u, __st.st_mode & 0777) TH_LOG("%s", path);	\
} while (0)

/* Domain id of the helper domU the testbed started, or -1 when none. */
static inline int xpv_peer_domid(void)
{
	const char *s = getenv("XPV_PEER_DOMID");

	return s && *s ? atoi(s) : -1;
}

/* Kernel taint bits that a bad page, an oops or a WARN set. */
#define XPV_TAINT_BAD	((1ul << 5) | (1ul << 7) | (1ul << 9))

/* /proc/sys/kernel/tainted, or 0 when it cannot be read. */
static inline unsigned long xpv_taint(void)
{
	unsigned long t = 0;
	FILE *f = fopen("/proc/sys/kernel/tainted", "re");

	if (f) {
		if (fscanf(f, "%lu", &t) != 1)
			t = 0;
		fclose(f);
	}
	return t;
}

/* Whether the running kernel is MAJOR.MINOR or later. */
static inline bool xpv_kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

#endif /* XPV_TEST_H */
