// SPDX-License-Identifier: GPL-2.0
/*
 * blkbench - a fixed amount of O_DIRECT block I/O at a given queue depth,
 * through Linux native AIO, for `make bench`.
 *
 *   blkbench PATH read|write|randread|randwrite BS QD IOS [SPAN]
 *
 * Issues exactly IOS requests of BS bytes (a fixed count, so that the
 * hypercalls, grant operations and notifications counted around a run
 * divide into exact per-I/O figures), keeping QD in flight. Sequential
 * runs wrap within SPAN bytes (default: the device size); random offsets
 * come from a fixed-seed generator, so every run does the same I/O.
 * Prints one line of key=value pairs: ios, bytes, usec, iops, mib_s,
 * lat_avg_us, lat_p50_us, lat_p99_us.
 *
 * (Why not fio: Debian's fio pulls Ceph, Gluster and RDMA libraries into a
 * guest image that every boot must unpack under emulation; these four job
 * shapes need a page of C.)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	const char *path, *mode;
	uint64_t bs, qd, ios, span, next = 0, rnd = 0x2545f4914f6cdd1dULL;
	uint64_t *start, *lat, t0, sum = 0, done = 0, issued = 0;
	struct iocb *cbs, **ptrs;
	struct io_event *ev;
	aio_context_t ctx = 0;
	int fd, writing, random;
	char *bufs;
	uint64_t i;

	if (argc < 6) {
		fprintf(stderr, "usage: blkbench PATH read|write|randread|randwrite BS QD IOS [SPAN]\n");
		return 2;
	}
	path = argv[1];
	mode = argv[2];
	bs = strtoull(argv[3], NULL, 0);
	qd = strtoull(argv[4], NULL, 0);
	ios = strtoull(argv[5], NULL, 0);
	writing = strstr(mode, "write") != NULL;
	random = !strncmp(mode, "rand", 4);
	fd = open(path, (writing ? O_RDWR : O_RDONLY) | O_DIRECT);
	if (fd < 0 || !bs || bs % 512 || !qd || !ios) {
		fprintf(stderr, "blkbench: %s: %s\n", path, fd < 0 ? strerror(errno) : "bad arguments");
		return 2;
	}
	if (argc > 6) {
		span = strtoull(argv[6], NULL, 0);
	} else if (ioctl(fd, BLKGETSIZE64, &span)) {
		span = lseek(fd, 0, SEEK_END);
	}
	span -= span % bs;
	if (span < bs || syscall(SYS_io_setup, qd, &ctx)) {
		fprintf(stderr, "blkbench: span or io_setup: %s\n", strerror(errno));
		return 1;
	}
	cbs = calloc(qd, sizeof(*cbs));
	ptrs = calloc(qd, sizeof(*ptrs));
	ev = calloc(qd, sizeof(*ev));
	start = calloc(qd, sizeof(*start));
	lat = calloc(ios, sizeof(*lat));
	if (!cbs || !ptrs || !ev || !start || !lat ||
	    posix_memalign((void **)&bufs, 4096, bs * qd)) {
		fprintf(stderr, "blkbench: out of memory\n");
		return 1;
	}
	memset(bufs, 0x5a, bs * qd);

	t0 = now_ns();
	while (done < ios) {
		long n, k;

		/* Fill every free slot (slot = index of its iocb). */
		for (n = 0, i = 0; i < qd && issued < ios; i++) {
			uint64_t off;

			if (cbs[i].aio_data)
				continue;
			if (random) {
				rnd ^= rnd << 13;
				rnd ^= rnd >> 7;
				rnd ^= rnd << 17;
				off = (rnd % (span / bs)) * bs;
			} else {
				off = next;
				next = (next + bs) % span;
			}
			memset(&cbs[i], 0, sizeof(cbs[i]));
			cbs[i].aio_data = i + 1;
			cbs[i].aio_fildes = fd;
			cbs[i].aio_lio_opcode = writing ? IOCB_CMD_PWRITE : IOCB_CMD_PREAD;
			cbs[i].aio_buf = (uintptr_t)(bufs + i * bs);
			cbs[i].aio_nbytes = bs;
			cbs[i].aio_offset = off;
			start[i] = now_ns();
			ptrs[n++] = &cbs[i];
			issued++;
		}
		if (n && syscall(SYS_io_submit, ctx, n, ptrs) != n) {
			fprintf(stderr, "blkbench: io_submit: %s\n", strerror(errno));
			return 1;
		}
		k = syscall(SYS_io_getevents, ctx, 1, qd, ev, NULL);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "blkbench: io_getevents: %s\n", strerror(errno));
			return 1;
		}
		for (n = 0; n < k; n++) {
			uint64_t slot = ev[n].data - 1;

			if ((int64_t)ev[n].res != (int64_t)bs) {
				fprintf(stderr, "blkbench: I/O at %llu: %s\n",
					(unsigned long long)cbs[slot].aio_offset,
					(int64_t)ev[n].res < 0 ? strerror(-ev[n].res) : "short");
				return 1;
			}
			lat[done] = now_ns() - start[slot];
			sum += lat[done++];
			cbs[slot].aio_data = 0;
		}
	}
	t0 = now_ns() - t0;
	qsort(lat, ios, sizeof(*lat), cmp_u64);
	printf("ios=%llu bytes=%llu usec=%llu iops=%.0f mib_s=%.2f lat_avg_us=%.0f lat_p50_us=%.0f lat_p99_us=%.0f\n",
	       (unsigned long long)ios, (unsigned long long)(ios * bs),
	       (unsigned long long)(t0 / 1000), ios * 1e9 / t0,
	       ios * bs * 1e9 / t0 / 1048576, sum / 1e3 / ios,
	       lat[ios / 2] / 1e3, lat[ios * 99 / 100] / 1e3);
	syscall(SYS_io_destroy, ctx);
	return 0;
}
