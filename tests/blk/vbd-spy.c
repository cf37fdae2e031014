// SPDX-License-Identifier: GPL-2.0
/*
 * vbd-spy - the XSA-403 check for a blkfront: a block backend in dom0's
 * user space that answers READs with zeros and, for every WRITE, maps each
 * granted page and looks at all of it, outside the sectors the segment
 * names, for the marker the guest put around its data.
 *
 *   vbd-spy back FE_DIR BE_DIR DOMID   (dom0) serve until SIGTERM, then
 *                                      close and print what was seen
 *   vbd-spy write DEVICE               (guest) one O_DIRECT 512-byte
 *                                      write of the payload at offset 0,
 *                                      from sector 1 of a page that is
 *                                      the marker everywhere else
 *
 * A frontend that grants the write's own page (Linux's, xpv's, for a
 * trusted backend without persistent grants) shows the backend the
 * marker; one that bounces (trusted=0) must not. The device offers one
 * ring page, one queue, no indirect segments and no persistent grants,
 * so that nothing but the trusted setting decides. See
 * tests/scenarios/front-leak.sh.
 */
#include "xenback.h"
#include "blkif.h"

#define SECTORS		2048		/* 1 MiB */

static struct fmap ring;
static uint32_t req_cons, rsp_prod;
static unsigned long requests, reads, writes, refused;
static struct leak seen;

static volatile uint32_t *idx(int which)
{
	return (volatile uint32_t *)ring.va + which;
}

static unsigned char *entry(uint32_t i)
{
	return ring.va + RING_HDR + (i % RING_SIZE) * RING_ENTRY;
}

/* One request, copied out of the ring first: the frontend may change it. */
static int16_t serve(const struct blk_req *r)
{
	unsigned int i;
	struct fmap m;

	if (r->op != OP_READ && r->op != OP_WRITE)
		return RSP_EOPNOTSUPP;
	if (!r->nr_segments || r->nr_segments > MAX_SEGS)
		return RSP_ERROR;
	r->op == OP_READ ? reads++ : writes++;
	for (i = 0; i < r->nr_segments; i++) {
		const struct blk_seg *s = &r->seg[i];
		unsigned int off = s->first_sect * 512u;
		unsigned int len = (s->last_sect + 1u - s->first_sect) * 512u;

		if (s->last_sect < s->first_sect || s->last_sect > 7)
			return RSP_ERROR;
		if (fmap_get(&m, s->gref, r->op == OP_READ)) {
			fprintf(stderr, "map gref %u: %s\n", s->gref,
				strerror(errno));
			return RSP_ERROR;
		}
		if (r->op == OP_READ)
			memset(m.va + off, 0, len);
		else
			leak_scan(&seen, m.va, off, len);
		fmap_put(&m);
	}
	return RSP_OKAY;
}

/* Answer what the ring holds; 1 when answers were pushed. */
static int serve_ring(void)
{
	uint32_t prod = *idx(0);
	int pushed = 0;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (prod - req_cons > RING_SIZE) {
		fprintf(stderr, "req_prod %u, %u consumed: past the ring\n",
			prod, req_cons);
		back_stop = 1;
		return 0;
	}
	while (req_cons != prod) {
		struct blk_req r;
		struct blk_rsp rsp = { 0 };

		memcpy(&r, entry(req_cons++), sizeof(r));
		requests++;
		rsp.id = r.id;
		rsp.op = r.op;
		rsp.status = serve(&r);
		if (rsp.status != RSP_OKAY)
			refused++;
		memcpy(entry(rsp_prod++), &rsp, sizeof(rsp));
		pushed = 1;
	}
	/* Events wanted from the next request on (RING_FINAL_CHECK). */
	*idx(1) = req_cons + 1;
	if (pushed) {
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		*idx(2) = rsp_prod;
	}
	return pushed;
}

static int back(const char *fe, const char *be, int d)
{
	unsigned long long ref, port, order;
	char proto[64] = "";
	int last;

	if (back_open(fe, be, d))
		return 1;
	if (xs_printf(be_path("sectors"), "%d", SECTORS) ||
	    xs_write(be_path("sector-size"), "512") ||
	    xs_write(be_path("physical-sector-size"), "512") ||
	    xs_write(be_path("info"), "0") ||
	    set_be_state(XB_INITWAIT)) {
		fprintf(stderr, "writing %s: %s\n", be, strerror(errno));
		return 1;
	}
	if (wait_fe(BIT(XB_INITIALISED) | BIT(XB_CONNECTED), 120000, &last)) {
		fprintf(stderr, "frontend in state %d, not Initialised\n", last);
		back_close();
		return 1;
	}
	if (!xs_read_ull(fe_path("ring-page-order"), &order) && order) {
		fprintf(stderr, "ring-page-order %llu: none was offered\n", order);
		back_close();
		return 1;
	}
	xs_read(fe_path("protocol"), proto, sizeof(proto));
	if (xs_read_ull(fe_path("ring-ref"), &ref) ||
	    xs_read_ull(fe_path("event-channel"), &port) ||
	    (*proto && strcmp(proto, "x86_64-abi"))) {
		fprintf(stderr, "frontend keys: ring-ref, event-channel, protocol '%s'\n",
			proto);
		back_close();
		return 1;
	}
	req_cons = rsp_prod = 0;	/* where the frontend's ring starts */
	if (back_run(&ring, ref, port, serve_ring, "vbd-spy"))
		return 1;
	printf("requests=%lu reads=%lu writes=%lu refused=%lu ", requests,
	       reads, writes, refused);
	leak_print(&seen);
	return 0;
}

/* The guest: one sector of payload amid a page of the marker. */
static int write_one(const char *dev)
{
	unsigned char *buf;
	ssize_t n;
	int fd;

	if (posix_memalign((void **)&buf, PAGE, PAGE))
		return 1;
	leak_fill(buf, PAGE);
	memset(buf + 512, 0, 512);
	memcpy(buf + 512, LEAK_PAYLOAD, strlen(LEAK_PAYLOAD));
	fd = open(dev, O_WRONLY | O_DIRECT);
	if (fd < 0) {
		perror(dev);
		return 1;
	}
	n = pwrite(fd, buf + 512, 512, 0);
	if (n != 512 || fsync(fd)) {
		fprintf(stderr, "%s: write %zd: %s\n", dev, n, strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "back"))
		return back(argv[2], argv[3], atoi(argv[4]));
	if (argc == 3 && !strcmp(argv[1], "write"))
		return write_one(argv[2]);
	fprintf(stderr, "usage: vbd-spy back FE_DIR BE_DIR DOMID | write DEVICE\n");
	return 2;
}
