// SPDX-License-Identifier: GPL-2.0
/*
 * vbd-hostile - a hostile blkif frontend in user space, for the blk-hostile
 * scenario. It runs as root in a domU that has not loaded xen-blkfront
 * (xpv.blkfront=none) and plays the frontend of a vbd the toolstack made
 * for that domU, with nothing but the device files: /dev/xen/gntalloc
 * shares the ring and data pages with the backend's domain,
 * /dev/xen/evtchn gives the event channel, /dev/xen/xenbus carries the
 * xenstore requests of the handshake (tests/lib/xenfront.h, shared with
 * tests/net/vif-hostile.c).
 *
 *   vbd-hostile CASE VDEV     one case (VDEV: 51712 or xvda)
 *   vbd-hostile all VDEV      every case but abandon, one process each
 *
 * Cases (each a process of its own; each starts from the device ready to
 * connect, frontend Initialising and backend InitWait, and leaves it so,
 * except abandon):
 *   good               valid I/O works (the harness's control); writes the
 *                      sentinel region that the other cases check
 *   bad-nr-segments    0, 12 and 255 segments in a READ/WRITE
 *   bad-sectors        first_sect > last_sect, last_sect >= 8, sectors at
 *                      and past the end of the disk, a wrapping sector
 *   bad-gref           grants never made, a read-only grant for a READ, a
 *                      page granted to another domain, one bad segment
 *                      among good ones
 *   indirect-too-many  INDIRECT beyond feature-max-indirect-segments,
 *                      0 segments, unknown indirect operations, a bad
 *                      descriptor or indirect page
 *   bad-op             unknown operation codes
 *   ring-overflow      req_prod more than a ring ahead, and behind req_cons
 *   flood              an event storm with no requests
 *   vanish-mid-io      a frontend process dies with its ring full of I/O
 *   abi                the other ring ABI a backend must serve,
 *                      x86_32-abi (packed requests, 108-byte entries),
 *                      then no protocol key (x86_32 as well, as the
 *                      in-tree blkback assumes on x86), each with bad
 *                      segment counts, then valid I/O, then a fresh
 *                      connection
 *   abandon            leave the device connected with I/O submitted and
 *                      exit, for the toolstack's teardown (run it last)
 *
 * A case passes when every hostile request got the error it should
 * (BLKIF_RSP_ERROR, or EOPNOTSUPP for an unknown operation) within
 * RSP_TIMEOUT_MS, or for ring-overflow the backend stopped serving that
 * ring (or closed it) without answering more than the ring holds; then
 * valid I/O still works on the same ring (where it is not broken) and on a
 * fresh connection, and no rejected write reached the disk (the sentinel
 * region, written by `good`, reads back intact). Output: "# ..." details,
 * then one line "ok CASE: ..." or "not ok CASE: ..."; exit 0 or 1.
 *
 * The blkif structures (tests/lib/blkif.h) are the x86_64 ABI's (protocol
 * x86_64-abi), one ring page: request 112 bytes, response 16. The abi case
 * repacks them for x86_32-abi as they go on the ring.
 */
#include <sys/wait.h>

#define RESULT_MSG	1536	/* a verdict's details */

#include "pattern.h"
#include "xenfront.h"

#include "blkif.h"

#define SECT		512

/* --- what the cases use --- */

#define RSP_TIMEOUT_MS		10000	/* a request's answer */
#define HALT_WAIT_MS		6000	/* ring-overflow: watch the ring */
#define STORM_MS		3000	/* flood: length of the storm */
#define STORM_MAX		200000	/* flood: most notifications */

#define NDATA		16		/* data pages */
#define NIND		3		/* indirect descriptor pages */
#define GOOD_OFF	(1u << 20)	/* valid I/O goes here (64 KiB) */
#define SENT_OFF	(8u << 20)	/* the sentinel region (64 KiB) */
#define REGION		(NDATA * PAGE)
#define SENT_SEED	0x5e471e1ull	/* the sentinel's pattern */
#define POISON_SEED	0xbadbadull	/* the data of hostile writes */
#define BAD_GREF	0xfffffff0u	/* beyond any grant table */

/* --- the device --- */

static unsigned int vdev;
static unsigned long long sectors;
static unsigned int max_indirect;	/* 0: the backend offers none */

/* --- grants --- */

/* The pages every case uses, shared once per process. */
static struct share data;		/* NDATA writable, to the backend */
static struct share ind;		/* NIND indirect pages, writable */
static struct share ro;			/* 1 read-only grant */
static struct share other;		/* 1 page granted to ourselves */

static unsigned char *dpage(int i)
{
	return data.va + i * PAGE;
}

static struct blk_seg *ipage(int i)
{
	return (struct blk_seg *)(ind.va + i * PAGE);
}

/* --- one connection: a ring page and a port --- */

/* The ring ABI conn_open() announces (the abi case changes it). */
static enum abi { ABI_X86_64, ABI_X86_32, ABI_NONE } conn_abi;

/*
 * x86_32-abi: the same fields packed to 4 bytes, so the id comes right
 * after the handle; an entry is the request's 108 bytes, still 32 a page.
 * The response has the x86_64 one's offsets in 12 bytes.
 */
#define RING_ENTRY_32	108

struct conn {
	struct share ring;
	enum abi abi;
	unsigned int entry;	/* bytes per ring entry */
	int port;
	uint32_t req_prod_pvt, rsp_cons;
	int overrun;		/* the backend answered more than it could */
	uint32_t rsp_limit;	/* answers it may have outstanding (0: ring) */
	int stray;		/* answers to ids we never sent */
};

static volatile uint32_t *idx(struct conn *c, int which)
{
	return (volatile uint32_t *)(c->ring.va) + which;
}
#define REQ_PROD	0
#define REQ_EVENT	1
#define RSP_PROD	2
#define RSP_EVENT	3

static unsigned char *slot(struct conn *c, uint32_t i)
{
	return c->ring.va + RING_HDR + (i % RING_SIZE) * c->entry;
}

static void conn_free(struct conn *c)
{
	ev_free(c->port);
	c->port = 0;
	unshare_pages(&c->ring);
}

static void conn_release(void *c)
{
	conn_free(c);
}

/* The handshake, from the ready state to Connected. */
static int conn_open(struct conn *c, char *why, size_t wsz)
{
	struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = be_id };
	unsigned long long v;

	memset(c, 0, sizeof(*c));
	c->abi = conn_abi;
	c->entry = c->abi == ABI_X86_64 ? RING_ENTRY : RING_ENTRY_32;
	if (fe_reset(why, wsz))
		return -1;
	if (share_pages(&c->ring, 1, be_id, 1)) {
		snprintf(why, wsz, "sharing the ring page: %s", strerror(errno));
		return -1;
	}
	/* SHARED_RING_INIT: indexes 0, events wanted from the first one. */
	memset(c->ring.va, 0, PAGE);
	*idx(c, REQ_EVENT) = 1;
	*idx(c, RSP_EVENT) = 1;
	c->port = ioctl(ev_fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);
	if (c->port < 0) {
		snprintf(why, wsz, "allocating an event channel for domain %d: %s",
			 be_id, strerror(errno));
		c->port = 0;
		conn_free(c);
		return -1;
	}
	if (xs_printf(fe_path("ring-ref"), "%u", c->ring.grefs[0]) ||
	    xs_printf(fe_path("event-channel"), "%d", c->port) ||
	    (c->abi == ABI_X86_64 && xs_write(fe_path("protocol"), "x86_64-abi")) ||
	    (c->abi == ABI_X86_32 && xs_write(fe_path("protocol"), "x86_32-abi")) ||
	    (c->abi == ABI_NONE && xs_rm(fe_path("protocol"))) ||
	    set_fe_state(XB_INITIALISED)) {
		snprintf(why, wsz, "writing the frontend's keys: %s",
			 strerror(errno));
		conn_free(c);
		return -1;
	}
	/* On failure the pages stay: the backend may still map them. */
	if (wait_connected("Initialised", why, wsz))
		return -1;
	set_fe_state(XB_CONNECTED);
	if (xs_read_ull(be_path("sectors"), &sectors)) {
		snprintf(why, wsz, "backend Connected without sectors");
		return -1;
	}
	max_indirect = xs_read_ull(be_path("feature-max-indirect-segments"), &v) ?
		       0 : (unsigned int)v;
	return 0;
}

/* Back to the ready state; the ring goes once the backend let go of it. */
static int conn_close(struct conn *c, char *why, size_t wsz)
{
	return fe_close(conn_release, c, why, wsz);
}

/* --- requests and their answers --- */

enum expect { EXP_OK, EXP_ERR, EXP_NOTSUPP, EXP_ANY };

struct pend {
	uint64_t id;
	const char *what;
	enum expect expect;
	int answered;
	int status;
};

#define MAX_PEND 40

struct batch {
	struct pend p[MAX_PEND];
	int n;
};

static uint64_t next_id = 0x48535443ull << 32;	/* "HSTC" */

static struct pend *batch_add(struct batch *b, const char *what,
			      enum expect e)
{
	struct pend *p = &b->p[b->n++];

	p->id = next_id++;
	p->what = what;
	p->expect = e;
	p->answered = 0;
	p->status = 0;
	return p;
}

/*
 * An x86_64 request repacked for x86_32-abi: a struct blk_req_ind when
 * the op is OP_INDIRECT, else a struct blk_req (put()'s only callers).
 */
static void pack_x86_32(unsigned char *s, const struct blk_req *r)
{
	const struct blk_req_ind *ri = (const struct blk_req_ind *)r;

	if (r->op == OP_INDIRECT) {
		s[0] = ri->op;
		s[1] = ri->indirect_op;
		memcpy(s + 2, &ri->nr_segments, 2);
		memcpy(s + 4, &ri->id, 8);
		memcpy(s + 12, &ri->sector, 8);
		memcpy(s + 20, &ri->handle, 2);
		memcpy(s + 24, ri->indirect_grefs, sizeof(ri->indirect_grefs));
	} else {
		s[0] = r->op;
		s[1] = r->nr_segments;
		memcpy(s + 2, &r->handle, 2);
		memcpy(s + 4, &r->id, 8);
		memcpy(s + 12, &r->sector, 8);
		memcpy(s + 20, r->seg, sizeof(r->seg));
	}
}

static void put(struct conn *c, const void *req, size_t len)
{
	unsigned char *s = slot(c, c->req_prod_pvt++);

	memset(s, 0, c->entry);
	if (c->abi != ABI_X86_64)
		pack_x86_32(s, req);
	else
		memcpy(s, req, len);
}

static void push(struct conn *c)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*idx(c, REQ_PROD) = c->req_prod_pvt;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	notify(c->port);
}

static struct blk_seg seg(uint32_t gref, int first, int last)
{
	struct blk_seg s = { .gref = gref, .first_sect = first,
			     .last_sect = last };
	return s;
}

/* A direct request: @nseg is what goes on the wire, @segs up to 11. */
static void rw(struct conn *c, struct batch *b, const char *what,
	       enum expect e, uint8_t op, unsigned int nseg, uint64_t sector,
	       const struct blk_seg *segs, unsigned int nsegs)
{
	struct blk_req r = { .op = op, .nr_segments = nseg,
			     .handle = vdev, .sector = sector };

	r.id = batch_add(b, what, e)->id;
	memcpy(r.seg, segs, (nsegs > MAX_SEGS ? MAX_SEGS : nsegs) * sizeof(*segs));
	put(c, &r, sizeof(r));
}

/* Full-page segments over data pages @from.. (@n of them). */
static void data_segs(struct blk_seg *s, int from, int n)
{
	int i;

	for (i = 0; i < n; i++)
		s[i] = seg(data.grefs[(from + i) % NDATA], 0, 7);
}

static void rw_pages(struct conn *c, struct batch *b, const char *what,
		     enum expect e, uint8_t op, int from, int n, uint64_t off)
{
	struct blk_seg s[MAX_SEGS];

	data_segs(s, from, n);
	rw(c, b, what, e, op, n, off / SECT, s, n);
}

static void indirect(struct conn *c, struct batch *b, const char *what,
		     enum expect e, uint8_t iop, unsigned int nseg,
		     uint64_t sector, const uint32_t *grefs, int ngrefs)
{
	struct blk_req_ind r = { .op = OP_INDIRECT, .indirect_op = iop,
				 .nr_segments = nseg, .handle = vdev,
				 .sector = sector };

	r.id = batch_add(b, what, e)->id;
	memcpy(r.indirect_grefs, grefs, ngrefs * sizeof(*grefs));
	put(c, &r, sizeof(r));
}

/*
 * Collect answers until all of @b are in or @timeout_ms passed. Answers
 * for ids not in @b count as stray; an rsp_prod more than a ring past
 * what we consumed is an overrun.
 */
static int collect(struct conn *c, struct batch *b, long timeout_ms)
{
	long end = now_ms() + timeout_ms;
	int done = 0, i;

	for (i = 0; i < b->n; i++)
		done += b->p[i].answered;
	for (;;) {
		uint32_t rp = __atomic_load_n(idx(c, RSP_PROD), __ATOMIC_ACQUIRE);

		if (rp - c->rsp_cons > (c->rsp_limit ? c->rsp_limit : RING_SIZE) ||
		    rp - c->rsp_cons > c->req_prod_pvt - c->rsp_cons) {
			if (!c->overrun)
				diag("backend's rsp_prod %u is past what it could answer (rsp_cons %u, req_prod %u)",
				     rp, c->rsp_cons, c->req_prod_pvt);
			c->overrun = 1;
			return done;
		}
		while (c->rsp_cons != rp) {
			struct blk_rsp r;

			memcpy(&r, slot(c, c->rsp_cons), sizeof(r));
			c->rsp_cons++;
			for (i = 0; i < b->n; i++)
				if (b->p[i].id == r.id && !b->p[i].answered)
					break;
			if (i == b->n) {
				if (c->stray++ < 4)
					diag("answer for an id we did not send or that was answered before: %#llx (status %d)",
					     (unsigned long long)r.id, r.status);
				continue;
			}
			b->p[i].answered = 1;
			b->p[i].status = r.status;
			done++;
		}
		/* RING_FINAL_CHECK_FOR_RESPONSES */
		*idx(c, RSP_EVENT) = c->rsp_cons + 1;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (*idx(c, RSP_PROD) != c->rsp_cons)
			continue;
		if (done == b->n)
			return done;
		if (now_ms() >= end)
			return done;
		ev_wait(end - now_ms() < 100 ? end - now_ms() : 100);
	}
}

static const char *expect_str(enum expect e)
{
	switch (e) {
	case EXP_OK: return "0";
	case EXP_ERR: return "an error";
	case EXP_NOTSUPP: return "EOPNOTSUPP (-2)";
	default: return "anything";
	}
}

static int met(const struct pend *p)
{
	if (!p->answered)
		return 0;
	switch (p->expect) {
	case EXP_OK: return p->status == RSP_OKAY;
	case EXP_ERR: return p->status == RSP_ERROR ||
			     p->status == RSP_EOPNOTSUPP;
	case EXP_NOTSUPP: return p->status == RSP_EOPNOTSUPP;
	default: return 1;
	}
}

/*
 * Push, collect, judge: 0 when every request got what it should. The
 * details go out as diagnostics; @sum gets "what=status" per request.
 */
static int run_batch(struct conn *c, struct batch *b, long timeout_ms,
		     char *sum, size_t ssz)
{
	int i, bad = 0;

	push(c);
	collect(c, b, timeout_ms);
	for (i = 0; i < b->n; i++) {
		struct pend *p = &b->p[i];

		if (p->answered)
			diag("%s: status %d (expected %s)%s", p->what, p->status,
			     expect_str(p->expect), met(p) ? "" : " WRONG");
		else
			diag("%s: no answer in %ld ms (expected %s)", p->what,
			     timeout_ms, expect_str(p->expect));
		if (!met(p))
			bad++;
		if (sum) {
			if (p->answered)
				cat(sum, ssz, "%s%s=%d", *sum ? ", " : "",
				    p->what, p->status);
			else
				cat(sum, ssz, "%s%s=no answer", *sum ? ", " : "",
				    p->what);
		}
	}
	if (c->stray || c->overrun)
		bad++;
	return bad ? -1 : 0;
}

/* --- data checks --- */

static void fill(int from, int n, uint64_t off, uint64_t seed)
{
	int i;

	for (i = 0; i < n; i++)
		pattern_fill(dpage(from + i), off + (uint64_t)i * PAGE, PAGE, seed);
}

/* Pages @from.. hold the pattern of @seed at disk offset @off. */
static int check(int from, int n, uint64_t off, uint64_t seed)
{
	unsigned char want[PAGE];
	int i;

	for (i = 0; i < n; i++) {
		pattern_fill(want, off + (uint64_t)i * PAGE, PAGE, seed);
		if (memcmp(want, dpage(from + i), PAGE))
			return -1;
	}
	return 0;
}

static int all_zero(int from, int n)
{
	int i;

	for (i = 0; i < n * PAGE; i++)
		if (dpage(from)[i])
			return 0;
	return 1;
}

static uint64_t seed_counter;

/* Write the sentinel region (the good case does, once). */
static int write_sentinel(struct conn *c, char *why, size_t wsz)
{
	struct batch b = { .n = 0 };

	fill(0, NDATA, SENT_OFF, SENT_SEED);
	rw_pages(c, &b, "sentinel write 44 KiB", EXP_OK, OP_WRITE, 0, 11, SENT_OFF);
	rw_pages(c, &b, "sentinel write 20 KiB", EXP_OK, OP_WRITE, 11, 5,
		 SENT_OFF + 11 * PAGE);
	if (run_batch(c, &b, RSP_TIMEOUT_MS, NULL, 0)) {
		snprintf(why, wsz, "writing the sentinel region failed");
		return -1;
	}
	xs_printf("data/xpv/sentinel-seed", "%llu", SENT_SEED);
	return 0;
}

/*
 * Valid I/O on @c: 64 KiB written in an 11- and a 5-segment request, read
 * back in a 4-sector segment in the middle of a page (the bytes around it
 * untouched) and in one 16-segment INDIRECT request (or 11 + 5 direct
 * ones without indirect), compared; then the sentinel region read back
 * intact (no rejected write reached the disk).
 */
static int alive(struct conn *c, const char *label, char *why, size_t wsz)
{
	uint64_t seed = ((uint64_t)getpid() << 32) ^ (uint64_t)now_ms() ^
			(++seed_counter * 0x9e3779b97f4a7c15ull);
	unsigned char want[2048];
	struct batch b = { .n = 0 };
	struct blk_seg s;
	int i;

	fill(0, NDATA, GOOD_OFF, seed);
	rw_pages(c, &b, "write 44 KiB", EXP_OK, OP_WRITE, 0, 11, GOOD_OFF);
	rw_pages(c, &b, "write 20 KiB", EXP_OK, OP_WRITE, 11, 5, GOOD_OFF + 11 * PAGE);
	if (run_batch(c, &b, RSP_TIMEOUT_MS, NULL, 0)) {
		snprintf(why, wsz, "%s: valid writes failed", label);
		return -1;
	}

	b.n = 0;
	memset(dpage(0), 0xaa, PAGE);
	s = seg(data.grefs[0], 2, 5);
	rw(c, &b, "read sectors 2-5 of a page", EXP_OK, OP_READ, 1,
	   GOOD_OFF / SECT, &s, 1);
	if (run_batch(c, &b, RSP_TIMEOUT_MS, NULL, 0)) {
		snprintf(why, wsz, "%s: a valid sub-page read failed", label);
		return -1;
	}
	pattern_fill(want, GOOD_OFF, sizeof(want), seed);
	for (i = 0; i < PAGE; i++)
		if ((i < 1024 || i >= 3072) ? dpage(0)[i] != 0xaa :
		    dpage(0)[i] != want[i - 1024])
			break;
	if (i < PAGE) {
		snprintf(why, wsz, "%s: a read of sectors 2-5 of a page put wrong data at byte %d",
			 label, i);
		return -1;
	}

	b.n = 0;
	memset(dpage(0), 0, REGION);
	if (max_indirect >= NDATA) {
		data_segs(ipage(0), 0, NDATA);
		indirect(c, &b, "indirect read 64 KiB", EXP_OK, OP_READ, NDATA,
			 GOOD_OFF / SECT, &ind.grefs[0], 1);
	} else {
		rw_pages(c, &b, "read 44 KiB", EXP_OK, OP_READ, 0, 11, GOOD_OFF);
		rw_pages(c, &b, "read 20 KiB", EXP_OK, OP_READ, 11, 5,
			 GOOD_OFF + 11 * PAGE);
	}
	if (run_batch(c, &b, RSP_TIMEOUT_MS, NULL, 0)) {
		snprintf(why, wsz, "%s: valid reads failed", label);
		return -1;
	}
	if (check(0, NDATA, GOOD_OFF, seed)) {
		snprintf(why, wsz, "%s: 64 KiB written did not read back", label);
		return -1;
	}
	xs_printf("data/xpv/good-seed", "%llu", (unsigned long long)seed);

	b.n = 0;
	memset(dpage(0), 0, REGION);
	rw_pages(c, &b, "read sentinel 44 KiB", EXP_OK, OP_READ, 0, 11, SENT_OFF);
	rw_pages(c, &b, "read sentinel 20 KiB", EXP_OK, OP_READ, 11, 5,
		 SENT_OFF + 11 * PAGE);
	if (run_batch(c, &b, RSP_TIMEOUT_MS, NULL, 0)) {
		snprintf(why, wsz, "%s: reading the sentinel region failed", label);
		return -1;
	}
	if (check(0, NDATA, SENT_OFF, SENT_SEED)) {
		snprintf(why, wsz, all_zero(0, NDATA) ?
			 "%s: the sentinel region was never written (run the good case first)" :
			 "%s: the sentinel region changed: a rejected write reached the disk",
			 label);
		return -1;
	}
	diag("%s: valid I/O works, sentinel intact", label);
	return 0;
}

/* --- the cases --- */

/*
 * A fresh connection from the ready state: valid I/O works on it, and it
 * closes back to the ready state. 0, or -1 with the reason said.
 */
static int fresh_check(struct result *r, const char *label)
{
	char why[512] = "";
	struct conn c;

	if (conn_open(&c, why, sizeof(why))) {
		r->fail = 1;
		say(r, "%s: could not connect: %s", label, why);
		return -1;
	}
	if (alive(&c, label, why, sizeof(why))) {
		r->fail = 1;
		say(r, "%s", why);
		return -1;
	}
	if (conn_close(&c, why, sizeof(why))) {
		r->fail = 1;
		say(r, "%s: %s", label, why);
		return -1;
	}
	say(r, "%s serves", label);
	return 0;
}

/*
 * The common frame of a hostile case: connect, send @build's batch, judge
 * it, check that the same ring still serves, then that a fresh connection
 * does, and leave the device ready.
 */
static void hostile(struct result *r, const char *what,
		    void (*build)(struct conn *, struct batch *))
{
	char why[512] = "", sum[1024] = "";
	struct batch b = { .n = 0 };
	struct conn c;
	int bad;

	if (conn_open(&c, why, sizeof(why))) {
		r->fail = 1;
		say(r, "could not connect: %s", why);
		return;
	}
	/* Hostile writes carry poison: if one lands, the sentinel shows it. */
	fill(0, NDATA, SENT_OFF, POISON_SEED);
	build(&c, &b);
	bad = run_batch(&c, &b, RSP_TIMEOUT_MS, sum, sizeof(sum));
	if (bad) {
		r->fail = 1;
		say(r, "%s: WRONG answers (%s)%s%s", what, sum,
		    c.stray ? ", stray answers" : "",
		    c.overrun ? ", response ring overrun" : "");
	} else {
		say(r, "%s answered as expected (%s)", what, sum);
	}
	if (alive(&c, "same ring after the hostile requests", why, sizeof(why))) {
		r->fail = 1;
		say(r, "%s", why);
	} else {
		say(r, "the ring still serves");
	}
	if (conn_close(&c, why, sizeof(why))) {
		r->fail = 1;
		say(r, "%s", why);
		return;
	}
	fresh_check(r, "a fresh connection");
}

static void case_good(struct result *r)
{
	char why[512] = "";
	struct conn c;

	if (conn_open(&c, why, sizeof(why))) {
		r->fail = 1;
		say(r, "could not connect: %s", why);
		return;
	}
	say(r, "connected (%llu sectors, feature-max-indirect-segments %u)",
	    sectors, max_indirect);
	if (write_sentinel(&c, why, sizeof(why)) ||
	    alive(&c, "first connection", why, sizeof(why))) {
		r->fail = 1;
		say(r, "%s", why);
		return;
	}
	say(r, "4 KiB to 64 KiB READ/WRITE (direct%s, sub-page) status 0, data right",
	    max_indirect >= NDATA ? " and indirect" : "");
	if (conn_close(&c, why, sizeof(why))) {
		r->fail = 1;
		say(r, "%s", why);
		return;
	}
	fresh_check(r, "a reconnection");
}

static void build_nr_segments(struct conn *c, struct batch *b)
{
	struct blk_seg s[MAX_SEGS];

	data_segs(s, 0, MAX_SEGS);
	rw(c, b, "READ nseg=0", EXP_ERR, OP_READ, 0, GOOD_OFF / SECT, s, 0);
	rw(c, b, "WRITE nseg=0", EXP_ERR, OP_WRITE, 0, SENT_OFF / SECT, s, 0);
	rw(c, b, "READ nseg=12", EXP_ERR, OP_READ, 12, GOOD_OFF / SECT, s, 11);
	rw(c, b, "WRITE nseg=12", EXP_ERR, OP_WRITE, 12, SENT_OFF / SECT, s, 11);
	rw(c, b, "WRITE nseg=255", EXP_ERR, OP_WRITE, 255, SENT_OFF / SECT, s, 11);
}

/*
 * The other ABIs: the same checks on requests laid out differently, then
 * the same valid I/O (hostile() checks both, and a fresh connection).
 * Without the key the in-tree blkback assumes x86_32 on x86 (blkif.h says
 * native, but the frontends that predate the key were 32-bit guests): a
 * drop-in backend must do the same.
 */
static void case_abi(struct result *r)
{
	conn_abi = ABI_X86_32;
	hostile(r, "x86_32-abi: 0, 12 or 255 segments", build_nr_segments);
	conn_abi = ABI_NONE;
	hostile(r, "no protocol key (x86_32, as in-tree): 0, 12 or 255 segments",
		build_nr_segments);
	conn_abi = ABI_X86_64;
}

static void build_sectors(struct conn *c, struct batch *b)
{
	struct blk_seg s[2];
	uint64_t at = SENT_OFF / SECT;

	s[0] = seg(data.grefs[0], 5, 2);
	rw(c, b, "first_sect 5 > last_sect 2", EXP_ERR, OP_WRITE, 1, at, s, 1);
	s[0] = seg(data.grefs[0], 0, 8);
	rw(c, b, "last_sect 8", EXP_ERR, OP_WRITE, 1, at, s, 1);
	s[0] = seg(data.grefs[0], 0, 255);
	rw(c, b, "last_sect 255", EXP_ERR, OP_WRITE, 1, at, s, 1);
	s[0] = seg(data.grefs[0], 0, 7);
	s[1] = seg(data.grefs[1], 0, 9);
	rw(c, b, "2nd of 2 segments last_sect 9", EXP_ERR, OP_WRITE, 2, at, s, 2);
	/* Reads into the last data page, away from the writes' pages. */
	s[0] = seg(data.grefs[NDATA - 1], 0, 7);
	rw(c, b, "READ at sector=sectors", EXP_ERR, OP_READ, 1, sectors, s, 1);
	rw(c, b, "READ across the end", EXP_ERR, OP_READ, 1, sectors - 4, s, 1);
	rw(c, b, "READ of the last page (control)", EXP_OK, OP_READ, 1,
	   sectors - 8, s, 1);
	s[0] = seg(data.grefs[0], 0, 7);
	rw(c, b, "WRITE at sector 2^64-4 (wraps)", EXP_ERR, OP_WRITE, 1,
	   (uint64_t)-4, s, 1);
}

static void build_gref(struct conn *c, struct batch *b)
{
	struct blk_seg s[3];
	uint64_t at = SENT_OFF / SECT;

	s[0] = seg(BAD_GREF, 0, 7);
	rw(c, b, "READ into gref never granted", EXP_ERR, OP_READ, 1,
	   GOOD_OFF / SECT, s, 1);
	rw(c, b, "WRITE from gref never granted", EXP_ERR, OP_WRITE, 1, at, s, 1);
	s[0] = seg(data.grefs[0], 0, 7);
	s[1] = seg(BAD_GREF, 0, 7);
	s[2] = seg(data.grefs[2], 0, 7);
	rw(c, b, "WRITE good+bad+good grefs", EXP_ERR, OP_WRITE, 3, at, s, 3);
	s[0] = seg(ro.grefs[0], 0, 7);
	rw(c, b, "READ into a read-only grant", EXP_ERR, OP_READ, 1,
	   GOOD_OFF / SECT, s, 1);
	s[0] = seg(other.grefs[0], 0, 7);
	rw(c, b, "READ into a page granted to another domain", EXP_ERR,
	   OP_READ, 1, GOOD_OFF / SECT, s, 1);
	/* A frontend may grant read-only what the backend only reads. */
	pattern_fill(ro.va, GOOD_OFF, PAGE, 1);
	s[0] = seg(ro.grefs[0], 0, 7);
	rw(c, b, "WRITE from a read-only grant (control)", EXP_OK, OP_WRITE, 1,
	   GOOD_OFF / SECT, s, 1);
}

static void build_indirect(struct conn *c, struct batch *b)
{
	uint32_t g[MAX_IND_PAGES];
	uint64_t at = GOOD_OFF / SECT;	/* the READs' */
	unsigned int i, ctl = max_indirect;
	int n;

	if (!max_indirect) {
		/*
		 * No indirect offered: at least no more segments than a direct
		 * request carries (it may also refuse INDIRECT altogether).
		 */
		data_segs(ipage(0), 0, MAX_SEGS + 1);
		g[0] = ind.grefs[0];
		indirect(c, b, "INDIRECT nseg=12 to a backend without indirect",
			 EXP_ERR, OP_READ, MAX_SEGS + 1, at, g, 1);
		return;
	}
	/* Pages 0 and 1: valid descriptors for up to 1024 segments. */
	for (n = 0; n < 2; n++)
		data_segs(ipage(n), 0, SEGS_PER_IND);
	for (i = 0; i < MAX_IND_PAGES; i++)
		g[i] = ind.grefs[i % 2];
	indirect(c, b, "INDIRECT READ nseg=max+1", EXP_ERR, OP_READ,
		 max_indirect + 1, at, g, MAX_IND_PAGES);
	indirect(c, b, "INDIRECT READ nseg=65535", EXP_ERR, OP_READ, 65535, at,
		 g, MAX_IND_PAGES);
	indirect(c, b, "INDIRECT READ nseg=0", EXP_ERR, OP_READ, 0, at, g, 1);
	indirect(c, b, "INDIRECT of op 77", EXP_ERR, 77, 1, at, g, 1);
	indirect(c, b, "INDIRECT of FLUSH", EXP_ERR, OP_FLUSH, 1, at, g, 1);
	indirect(c, b, "INDIRECT of INDIRECT", EXP_ERR, OP_INDIRECT, 1, at, g, 1);
	g[0] = BAD_GREF;
	indirect(c, b, "INDIRECT with an ungranted indirect page", EXP_ERR,
		 OP_READ, 1, at, g, 1);
	/* Page 2: a good descriptor, then one with last_sect 8. */
	ipage(2)[0] = seg(data.grefs[0], 0, 7);
	ipage(2)[1] = seg(data.grefs[1], 0, 8);
	g[0] = ind.grefs[2];
	indirect(c, b, "INDIRECT WRITE, 2nd descriptor last_sect 8", EXP_ERR,
		 OP_WRITE, 2, SENT_OFF / SECT, g, 1);
	/* Control: exactly the advertised maximum works (read, from 0). */
	if (ctl <= 2 * SEGS_PER_IND && (uint64_t)ctl * 8 <= sectors) {
		for (i = 0; i < MAX_IND_PAGES; i++)
			g[i] = ind.grefs[i % 2];
		indirect(c, b, "INDIRECT READ nseg=max (control)", EXP_OK,
			 OP_READ, ctl, 0, g, (ctl + SEGS_PER_IND - 1) / SEGS_PER_IND);
	} else {
		diag("feature-max-indirect-segments %u: no control at the maximum",
		     ctl);
	}
}

static void build_op(struct conn *c, struct batch *b)
{
	static const uint8_t ops[] = { OP_RESERVED_1, 7, 0x7f, 0xff };
	static const char *const names[] = { "op 4 (RESERVED_1)", "op 7",
					     "op 127", "op 255" };
	struct blk_seg s[1];
	unsigned int i;

	data_segs(s, 0, 1);
	for (i = 0; i < sizeof(ops); i++)
		rw(c, b, names[i], EXP_NOTSUPP, ops[i], 1, SENT_OFF / SECT, s, 1);
}

/*
 * ring-overflow: put READs in every slot, then move req_prod where no
 * frontend could: one past a full ring, 2^31 ahead, or behind req_cons.
 * The backend must stop serving that ring (as Linux's does: it halts the
 * ring, the device stays Connected) or close the device, or at most answer
 * what the ring holds; never answer ids it was not given or overrun the
 * response ring. Then the device resets and a fresh connection serves.
 */
static void case_ring_overflow(struct result *r)
{
	static const struct {
		const char *name;
		int answered_first;	/* valid requests answered before */
		uint32_t prod;		/* req_prod then */
		int max_answers;	/* at most this many more answers */
	} v[] = {
		/*
		 * 33 requests "queued" in 32 slots: a backend that checks the
		 * producer only once it has answered the first 32 finds the
		 * 33rd (slot 0 again, an id already answered) legitimate.
		 */
		{ "req_prod one past a full ring", 0, RING_SIZE + 1, RING_SIZE + 1 },
		{ "req_prod 2^31 ahead", 0, 0x80000000u, RING_SIZE },
		{ "req_prod behind req_cons", 4, 2, 0 },
	};
	char why[512];
	unsigned int k;

	for (k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
		struct batch b = { .n = 0 };
		struct conn c;
		int i, n, s, before = 0;
		long t;

		if (conn_open(&c, why, sizeof(why))) {
			r->fail = 1;
			say(r, "%s: could not connect: %s", v[k].name, why);
			return;
		}
		if (v[k].answered_first) {
			for (i = 0; i < v[k].answered_first; i++)
				rw_pages(&c, &b, "valid READ", EXP_OK, OP_READ, i, 1,
					 GOOD_OFF);
			if (run_batch(&c, &b, RSP_TIMEOUT_MS, NULL, 0)) {
				r->fail = 1;
				say(r, "%s: valid READs before it failed", v[k].name);
				return;
			}
			before = b.n;
		}
		/* A valid READ in every slot the backend might look at. */
		for (i = 0; i < RING_SIZE; i++)
			rw_pages(&c, &b, "READ in the overflowed ring", EXP_ANY,
				 OP_READ, i, 1, GOOD_OFF);
		c.req_prod_pvt = v[k].prod;
		c.rsp_limit = v[k].max_answers > RING_SIZE ? v[k].max_answers : 0;
		push(&c);
		/* Watch it, poking now and then: no loop, no flood of answers. */
		for (t = 0; t < HALT_WAIT_MS; t += 1000) {
			collect(&c, &b, 1000);
			notify(c.port);
		}
		for (n = -before, i = 0; i < b.n; i++)
			n += b.p[i].answered;
		s = be_state();
		diag("%s: %d answers after it, %d stray, backend state %d", v[k].name,
		     n, c.stray, s);
		/* (the one repeated id the first variant allows: see above) */
		if (k == 0 && n == RING_SIZE && c.stray == 1) {
			n++;
			c.stray = 0;
		}
		if (n > v[k].max_answers || c.stray || c.overrun ||
		    (s != XB_CONNECTED && s != XB_CLOSING && s != XB_CLOSED)) {
			r->fail = 1;
			say(r, "%s: WRONG: %d answers (at most %d allowed), %d stray%s, backend state %d",
			    v[k].name, n, v[k].max_answers, c.stray,
			    c.overrun ? ", response ring overrun" : "", s);
		} else {
			say(r, "%s: %s (%d answers, backend state %d)", v[k].name,
			    s == XB_CONNECTED ? (n ? "answered what the ring held" :
						 "ring halted") : "device closed",
			    n, s);
		}
		if (conn_close(&c, why, sizeof(why))) {
			r->fail = 1;
			say(r, "%s: %s", v[k].name, why);
			return;
		}
	}
	fresh_check(r, "a fresh connection");
}

/* flood: notifications with nothing on the ring, then valid I/O. */
static void case_flood(struct result *r)
{
	char why[512];
	struct conn c;
	long end;
	int n = 0, err = 0;

	if (conn_open(&c, why, sizeof(why))) {
		r->fail = 1;
		say(r, "could not connect: %s", why);
		return;
	}
	end = now_ms() + STORM_MS;
	while (n < STORM_MAX && now_ms() < end) {
		if (notify(c.port))
			err++;
		n++;
	}
	diag("%d notifications in %d ms (%d failed)", n, STORM_MS, err);
	say(r, "%d notifications with an empty ring", n);
	if (alive(&c, "same ring after the storm", why, sizeof(why))) {
		r->fail = 1;
		say(r, "%s", why);
	} else {
		say(r, "the ring still serves");
	}
	if (conn_close(&c, why, sizeof(why))) {
		r->fail = 1;
		say(r, "%s", why);
		return;
	}
	fresh_check(r, "a fresh connection");
}

static int setup(char *why, size_t wsz);

/* Fill the ring with 11-segment READs and go, leaving the device as is. */
static int submit_and_leave(char *why, size_t wsz)
{
	struct batch b = { .n = 0 };
	struct conn c;
	int i;

	if (setup(why, wsz) || conn_open(&c, why, wsz))
		return -1;
	for (i = 0; i < RING_SIZE; i++)
		rw_pages(&c, &b, "READ 44 KiB", EXP_ANY, OP_READ, 0, 11,
			 GOOD_OFF + (uint64_t)(i % 4) * 11 * PAGE);
	push(&c);
	diag("%d READs of 44 KiB submitted; exiting without closing", RING_SIZE);
	return 0;
}

/*
 * vanish-mid-io: a child process connects, fills the ring with I/O and
 * exits (its grants stay until the backend lets go of them); then this
 * process resets the device and a fresh connection serves.
 */
static void case_vanish(struct result *r)
{
	char why[512] = "";
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		r->fail = 1;
		say(r, "fork: %s", strerror(errno));
		return;
	}
	if (!pid) {
		if (submit_and_leave(why, sizeof(why))) {
			diag("child: %s", why);
			fflush(stdout);
			_exit(1);
		}
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		r->fail = 1;
		say(r, "the child frontend did not get its I/O out");
		return;
	}
	say(r, "a frontend process exited with %d READs in flight", RING_SIZE);
	sleep_ms(1000);
	if (setup(why, sizeof(why))) {
		r->fail = 1;
		say(r, "%s", why);
		return;
	}
	fresh_check(r, "after a reset, a fresh connection");
}

static void case_abandon(struct result *r)
{
	char why[512] = "";

	if (submit_and_leave(why, sizeof(why))) {
		r->fail = 1;
		say(r, "%s", why);
		return;
	}
	say(r, "device left Connected with %d READs submitted, for the toolstack to tear down",
	    RING_SIZE);
}

/* --- setup --- */

static int setup(char *why, size_t wsz)
{
	if (xs_fd >= 0)
		return 0;
	if (!access("/sys/module/xen_blkfront", F_OK) ||
	    !access("/sys/bus/xen/drivers/vbd", F_OK)) {
		snprintf(why, wsz, "xen-blkfront is loaded: it owns the vbd (boot with xpv.blkfront=none)");
		return -1;
	}
	if (front_open("vbd", vdev, why, wsz))
		return -1;
	if (share_pages(&data, NDATA, be_id, 1) ||
	    share_pages(&ind, NIND, be_id, 1) ||
	    share_pages(&ro, 1, be_id, 0) ||
	    share_pages(&other, 1, domid, 1)) {
		snprintf(why, wsz, "sharing pages with /dev/xen/gntalloc: %s",
			 strerror(errno));
		return -1;
	}
	diag("domain %d, vbd %u, backend %s (domain %d)", domid, vdev, be_dir,
	     be_id);
	return 0;
}

static const struct {
	const char *name;
	void (*fn)(struct result *);
	void (*build)(struct conn *, struct batch *);
	const char *what;
} cases[] = {
	{ "good", case_good, NULL, NULL },
	{ "bad-nr-segments", NULL, build_nr_segments, "5 requests with 0, 12 or 255 segments" },
	{ "bad-sectors", NULL, build_sectors, "bad first/last_sect and sectors past the end" },
	{ "bad-gref", NULL, build_gref, "grants never made, read-only, to another domain" },
	{ "indirect-too-many", NULL, build_indirect, "bad INDIRECT requests" },
	{ "bad-op", NULL, build_op, "4 unknown operations" },
	{ "ring-overflow", case_ring_overflow, NULL, NULL },
	{ "flood", case_flood, NULL, NULL },
	{ "vanish-mid-io", case_vanish, NULL, NULL },
	{ "abi", case_abi, NULL, NULL },
	{ "abandon", case_abandon, NULL, NULL },
};
#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))

static int run_case(int k)
{
	struct result r = { .msg = "", .fail = 0 };
	char why[512] = "";

	case_name = cases[k].name;
	/* vanish-mid-io sets up after its child; abandon in its own call. */
	if (cases[k].fn != case_vanish && cases[k].fn != case_abandon &&
	    setup(why, sizeof(why))) {
		r.fail = 1;
		say(&r, "%s", why);
	} else if (cases[k].fn) {
		cases[k].fn(&r);
	} else {
		hostile(&r, cases[k].what, cases[k].build);
	}
	printf("%s %s: %s\n", r.fail ? "not ok" : "ok", case_name, r.msg);
	fflush(stdout);
	return r.fail;
}

static unsigned int parse_vdev(const char *s)
{
	char *end;
	unsigned long v;

	/* xvdX: major 202, 16 minors a disk. */
	if (!strncmp(s, "xvd", 3) && s[3] >= 'a' && s[3] <= 'p' && !s[4])
		return (202 << 8) | ((s[3] - 'a') << 4);
	v = strtoul(s, &end, 0);
	return *end || !v ? 0 : (unsigned int)v;
}

int main(int argc, char **argv)
{
	int k, fail = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 3 || !(vdev = parse_vdev(argv[2]))) {
		fprintf(stderr, "usage: vbd-hostile CASE|all VDEV (51712 or xvda); cases:");
		for (k = 0; k < NCASES; k++)
			fprintf(stderr, " %s", cases[k].name);
		fprintf(stderr, "\n");
		return 2;
	}
	if (!strcmp(argv[1], "all")) {
		/* Each case a process of its own, abandon left out. */
		for (k = 0; k < NCASES; k++) {
			int status;
			pid_t pid;

			if (cases[k].fn == case_abandon)
				continue;
			fflush(stdout);
			pid = fork();
			if (!pid)
				_exit(run_case(k));
			if (pid < 0 || waitpid(pid, &status, 0) != pid ||
			    !WIFEXITED(status) || WEXITSTATUS(status))
				fail = 1;
		}
		return fail;
	}
	for (k = 0; k < NCASES; k++)
		if (!strcmp(argv[1], cases[k].name))
			return run_case(k);
	fprintf(stderr, "vbd-hostile: no case %s\n", argv[1]);
	return 2;
}
