/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xenstore.h - xenstore requests over /dev/xen/xenbus (the xs_wire
 * protocol), for test programs in dom0 and in domUs: read, write, remove
 * and watch. The caller opens xs_fd. Static inline: each program is one
 * translation unit and need not use all of it.
 */
#ifndef XPV_XENSTORE_H
#define XPV_XENSTORE_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define XS_READ		2
#define XS_WATCH	4
#define XS_WRITE	11
#define XS_RM		13
#define XS_WATCH_EVENT	15
#define XS_ERROR	16
#define XS_MAX		4096

struct xs_hdr {
	uint32_t type, req_id, tx_id, len;
};

static int xs_fd = -1;
static uint32_t xs_req_id;

static inline int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!n)
				errno = EPIPE;
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * One request, arguments @a and (when not NULL) @b; the reply's payload in
 * @out (NUL-terminated). A value goes without its NUL, a watch's token
 * with it (the kernel's xenbus device checks). 0 or -1.
 */
static inline int xs_call(uint32_t type, const char *a, const char *b,
			  char *out, size_t outsz)
{
	static char msg[sizeof(struct xs_hdr) + XS_MAX], body[XS_MAX + 1];
	struct xs_hdr h = { .type = type, .req_id = ++xs_req_id };
	size_t la = strlen(a) + 1;
	size_t lb = b ? strlen(b) + (type == XS_WATCH) : 0;
	ssize_t n;

	if (la + lb > XS_MAX) {
		errno = E2BIG;
		return -1;
	}
	h.len = la + lb;
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), a, la);
	if (lb)
		memcpy(msg + sizeof(h) + la, b, lb);
	do
		n = write(xs_fd, msg, sizeof(h) + h.len);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)(sizeof(h) + h.len))
		return -1;
	for (;;) {
		struct xs_hdr r;

		if (read_full(xs_fd, &r, sizeof(r)))
			return -1;
		if (r.len > XS_MAX) {
			errno = EPROTO;
			return -1;
		}
		if (read_full(xs_fd, body, r.len))
			return -1;
		body[r.len] = 0;
		if (r.type == XS_WATCH_EVENT || r.req_id != h.req_id)
			continue;	/* an event, or not ours */
		if (r.type == XS_ERROR) {
			errno = strcmp(body, "ENOENT") ? EIO : ENOENT;
			return -1;
		}
		if (out && outsz) {
			size_t l = strlen(body);

			if (l >= outsz)
				l = outsz - 1;
			memcpy(out, body, l);
			out[l] = 0;
		}
		return 0;
	}
}

static inline int xs_read(const char *path, char *out, size_t outsz)
{
	return xs_call(XS_READ, path, NULL, out, outsz);
}

static inline int xs_write(const char *path, const char *val)
{
	return xs_call(XS_WRITE, path, val, NULL, 0);
}

/* Remove a node; one that is not there is no error. */
static inline int xs_rm(const char *path)
{
	if (!xs_call(XS_RM, path, NULL, NULL, 0) || errno == ENOENT)
		return 0;
	return -1;
}

static inline int xs_read_ull(const char *path, unsigned long long *v)
{
	char buf[64], *end;

	if (xs_read(path, buf, sizeof(buf)))
		return -1;
	*v = strtoull(buf, &end, 10);
	return end == buf ? -1 : 0;
}

static inline int xs_printf(const char *path, const char *fmt, ...)
{
	char val[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	return xs_write(path, val);
}

/*
 * Watch @path (token @path). The events come on xs_fd; the first fires at
 * once. xs_call() skips them: a reply reflects every change whose event
 * was queued before it.
 */
static inline int xs_watch(const char *path)
{
	return xs_call(XS_WATCH, path, path, NULL, 0);
}

#endif /* XPV_XENSTORE_H */
