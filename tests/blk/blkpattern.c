// SPDX-License-Identifier: GPL-2.0
/*
 * blkpattern - write and verify a position-keyed pattern on a block device
 * or file, so that any two parties (the domU through its frontend, dom0
 * through the backing file) can check the same bytes without exchanging
 * them.
 *
 *   blkpattern write  PATH OFF LEN BS SEED [-u]   O_DIRECT, BS-sized I/Os
 *   blkpattern verify PATH OFF LEN BS SEED [-u] [-c]
 *   blkpattern zero   PATH OFF LEN [-c]           the range reads as zeros
 *   blkpattern discard PATH OFF LEN [-s]          BLKDISCARD (-s: BLKSECDISCARD)
 *   blkpattern flush  PATH                        fsync (FLUSH on the wire)
 *
 * The 64-bit word at byte offset p is mix(SEED ^ p/8): a misplaced, stale
 * or torn sector never verifies. -u puts the buffer 512 bytes past a page
 * boundary, so every request's segments start and end mid-page. -c reads
 * through the page cache (dom0 reading a backing file); the default is
 * O_DIRECT. Exit status 0 when the operation succeeded and the data is right.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "pattern.h"

static int has_flag(int argc, char **argv, const char *flag)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], flag))
			return 1;
	return 0;
}

static unsigned long long num(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'k': case 'K': v <<= 10; break;
	case 'm': case 'M': v <<= 20; break;
	case 'g': case 'G': v <<= 30; break;
	}
	return v;
}

/* Move LEN bytes at OFF in BS-sized I/Os; verify (or zero-check) reads. */
static int run(const char *op, const char *path, uint64_t off, uint64_t len,
	       size_t bs, uint64_t seed, int unaligned, int cached)
{
	int writing = !strcmp(op, "write"), zero = !strcmp(op, "zero");
	int fd = open(path, (writing ? O_WRONLY : O_RDONLY) | (cached ? 0 : O_DIRECT));
	unsigned char *mem, *buf, *want;
	uint64_t done, bad = 0, first_bad = 0;

	if (fd < 0) {
		fprintf(stderr, "blkpattern: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (posix_memalign((void **)&mem, 4096, bs + 4096) ||
	    !(want = malloc(bs))) {
		fprintf(stderr, "blkpattern: out of memory\n");
		return 1;
	}
	buf = mem + (unaligned ? 512 : 0);
	for (done = 0; done < len; ) {
		size_t n = len - done < bs ? len - done : bs;
		ssize_t r;
		size_t i;

		if (writing) {
			pattern_fill(buf, off + done, n, seed);
			r = pwrite(fd, buf, n, off + done);
		} else {
			r = pread(fd, buf, n, off + done);
		}
		if (r != (ssize_t)n) {
			fprintf(stderr, "blkpattern: %s %s at %llu+%zu: %s\n", op, path,
				(unsigned long long)(off + done), n,
				r < 0 ? strerror(errno) : "short transfer");
			return 1;
		}
		if (!writing) {
			if (zero)
				memset(want, 0, n);
			else
				pattern_fill(want, off + done, n, seed);
			for (i = 0; i < n; i++)
				if (buf[i] != want[i] && !bad++)
					first_bad = off + done + i;
		}
		done += n;
	}
	if (writing && fsync(fd)) {
		fprintf(stderr, "blkpattern: fsync %s: %s\n", path, strerror(errno));
		return 1;
	}
	close(fd);
	if (bad) {
		fprintf(stderr, "blkpattern: %s %s: %llu bytes differ, first at %llu\n",
			op, path, (unsigned long long)bad,
			(unsigned long long)first_bad);
		return 1;
	}
	return 0;
}

static int discard(const char *path, uint64_t off, uint64_t len, int secure)
{
	uint64_t range[2] = { off, len };
	int fd = open(path, O_WRONLY);

	if (fd < 0 || ioctl(fd, secure ? BLKSECDISCARD : BLKDISCARD, range)) {
		fprintf(stderr, "blkpattern: discard %s: %s\n", path, strerror(errno));
		return 1;
	}
	return close(fd);
}

static int flush(const char *path)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || fsync(fd)) {
		fprintf(stderr, "blkpattern: flush %s: %s\n", path, strerror(errno));
		return 1;
	}
	return close(fd);
}

int main(int argc, char **argv)
{
	const char *op = argc > 2 ? argv[1] : "";

	if (!strcmp(op, "flush"))
		return flush(argv[2]);
	if (argc >= 5 && !strcmp(op, "discard"))
		return discard(argv[2], num(argv[3]), num(argv[4]),
			       has_flag(argc, argv, "-s"));
	if (argc >= 5 && !strcmp(op, "zero"))
		return run(op, argv[2], num(argv[3]), num(argv[4]), 1 << 20, 0, 0,
			   has_flag(argc, argv, "-c"));
	if (argc >= 7 && (!strcmp(op, "write") || !strcmp(op, "verify")))
		return run(op, argv[2], num(argv[3]), num(argv[4]), num(argv[5]),
			   num(argv[6]), has_flag(argc, argv, "-u"),
			   has_flag(argc, argv, "-c"));
	fprintf(stderr, "usage: blkpattern write|verify PATH OFF LEN BS SEED [-u] [-c]\n"
		"       blkpattern zero PATH OFF LEN [-c]\n"
		"       blkpattern discard PATH OFF LEN [-s]\n"
		"       blkpattern flush PATH\n");
	return 2;
}
