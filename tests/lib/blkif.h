/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blkif.h - the blkif wire format for the x86_64 ABI (protocol
 * x86_64-abi), from Xen's public io/blkif.h and io/ring.h, for the test
 * programs that play one end of a vbd in user space: tests/blk/vbd-hostile.c
 * (a frontend) and tests/blk/vbd-spy.c (a backend). Needs PAGE and the
 * fixed-width types (xenfront.h).
 */
#ifndef XPV_BLKIF_H
#define XPV_BLKIF_H

#include <stddef.h>

#define OP_READ		0
#define OP_WRITE	1
#define OP_FLUSH	3
#define OP_RESERVED_1	4
#define OP_INDIRECT	6

#define RSP_OKAY	0
#define RSP_ERROR	(-1)
#define RSP_EOPNOTSUPP	(-2)

#define MAX_SEGS	11	/* segments in a direct request */
#define MAX_IND_PAGES	8	/* indirect pages in an INDIRECT request */
#define SEGS_PER_IND	(PAGE / 8)

struct blk_seg {
	uint32_t gref;
	uint8_t first_sect, last_sect;	/* inclusive, 512-byte units */
	uint16_t pad;
};

struct blk_req {			/* READ, WRITE, and the id of any op */
	uint8_t op;
	uint8_t nr_segments;
	uint16_t handle;
	uint32_t pad;
	uint64_t id;
	uint64_t sector;
	struct blk_seg seg[MAX_SEGS];
};

struct blk_req_ind {
	uint8_t op;			/* OP_INDIRECT */
	uint8_t indirect_op;
	uint16_t nr_segments;
	uint32_t pad;
	uint64_t id;
	uint64_t sector;
	uint16_t handle;
	uint16_t pad2;
	uint32_t indirect_grefs[MAX_IND_PAGES];
	uint32_t pad3;
};

struct blk_rsp {
	uint64_t id;
	uint8_t op;
	uint8_t pad;
	int16_t status;
	uint32_t pad2;
};

_Static_assert(sizeof(struct blk_seg) == 8, "segment size");
_Static_assert(sizeof(struct blk_req) == 112, "request size");
_Static_assert(offsetof(struct blk_req, id) == 8, "request id offset");
_Static_assert(offsetof(struct blk_req, seg) == 24, "segments offset");
_Static_assert(offsetof(struct blk_req_ind, id) == 8, "indirect id offset");
_Static_assert(offsetof(struct blk_req_ind, indirect_grefs) == 28,
	       "indirect grefs offset");
_Static_assert(sizeof(struct blk_req_ind) == 64, "indirect request size");
_Static_assert(sizeof(struct blk_rsp) == 16, "response size");
_Static_assert(offsetof(struct blk_rsp, status) == 10, "status offset");

/*
 * The shared ring: four indexes (req_prod, req_event, rsp_prod, rsp_event)
 * and padding make a 64-byte header; then entries the size of the larger
 * of request and response (112 bytes), as many as fit rounded down to a
 * power of two: 32 in a page.
 */
#define RING_HDR	64
#define RING_ENTRY	112
#define RING_SIZE	32
_Static_assert(RING_HDR + RING_SIZE * RING_ENTRY <= PAGE, "ring fits");
_Static_assert(RING_HDR + 2 * RING_SIZE * RING_ENTRY > PAGE, "ring is full");

#endif /* XPV_BLKIF_H */
