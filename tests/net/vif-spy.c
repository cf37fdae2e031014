// SPDX-License-Identifier: GPL-2.0
/*
 * vif-spy - the XSA-403 check for a netfront: a network backend in dom0's
 * user space that takes every packet off the tx ring and, slot by slot,
 * maps the granted page and looks at all of it, outside the bytes the slot
 * names, for the marker the guest put around its data. It answers every
 * slot OKAY and never fills the rx ring.
 *
 *   vif-spy back FE_DIR BE_DIR DOMID   (dom0) serve until SIGTERM, then
 *                                      close and print what was seen
 *   vif-spy send IFACE                 (guest) six UDP broadcasts of 100
 *                                      bytes from the middle of a page
 *                                      that is the marker everywhere
 *                                      else: three with sendfile() from
 *                                      a file, three MSG_ZEROCOPY
 *
 * MSG_ZEROCOPY hands the device the page itself as the datagram's
 * fragment, which a netfront with scatter-gather grants as it is to a
 * trusted backend (Linux's and xpv's): the spy then sees the marker.
 * (6.1's UDP copies what sendfile() gives it; newer kernels may not.) A netfront that bounces (trusted=0) must
 * copy the packet to pages with nothing else on them. The device offers
 * feature-sg and rx-copy, one queue and one event channel. See
 * tests/scenarios/front-leak.sh.
 */
#include "xenback.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#define TXF_MORE_DATA	(1u << 2)
#define TXF_EXTRA_INFO	(1u << 3)
#define EXTRA_MORE	(1u << 0)
#define RSP_OKAY	0
#define RSP_ERROR	(-1)
#define RSP_NULL	1
#define MAX_SLOTS	32		/* well past any frontend's 18 */

struct tx_req {
	uint32_t gref;
	uint16_t offset, flags, id, size;
};

struct tx_extra {
	uint8_t type, flags;
	uint8_t data[10];
};

struct tx_rsp {
	uint16_t id;
	int16_t status;
};

_Static_assert(sizeof(struct tx_req) == 12, "tx request size");
_Static_assert(sizeof(struct tx_extra) == 12, "extra info size");

/* 64-byte header, then 12-byte entries: 336 fit, 256 (a power of 2). */
#define RING_HDR	64
#define RING_ENTRY	12
#define RING_SIZE	256

static struct fmap ring;
static uint32_t req_cons, rsp_prod;
static unsigned long packets, slots, extras, refused;
static struct leak seen;

/* The packet being taken off the ring: its data slots and their places. */
static struct tx_req pkt[MAX_SLOTS];
static uint32_t pkt_at[MAX_SLOTS];
static unsigned int pkt_n, pkt_over;
static int in_extra;

static volatile uint32_t *idx(int which)
{
	return (volatile uint32_t *)ring.va + which;
}

static unsigned char *entry(uint32_t i)
{
	return ring.va + RING_HDR + (i % RING_SIZE) * RING_ENTRY;
}

static void answer(uint32_t at, uint16_t id, int16_t status)
{
	struct tx_rsp r = { .id = id, .status = status };

	memcpy(entry(at), &r, sizeof(r));
}

/* Scan one slot's page; the first slot's size is the whole packet's. */
static int16_t scan_slot(const struct tx_req *r, unsigned int len)
{
	struct fmap m;

	if (fmap_get(&m, r->gref, 0)) {
		fprintf(stderr, "map gref %u: %s\n", r->gref, strerror(errno));
		return RSP_ERROR;
	}
	leak_scan(&seen, m.va, r->offset, len);
	fmap_put(&m);
	return RSP_OKAY;
}

static void end_packet(void)
{
	unsigned int i, rest = 0, first;
	int16_t st = RSP_OKAY;

	for (i = 1; i < pkt_n; i++)
		rest += pkt[i].size;
	first = pkt[0].size >= rest ? pkt[0].size - rest : PAGE + 1;
	if (pkt_over)
		st = RSP_ERROR;
	for (i = 0; i < pkt_n && st == RSP_OKAY; i++)
		st = scan_slot(&pkt[i], i ? pkt[i].size : first);
	for (i = 0; i < pkt_n; i++)
		answer(pkt_at[i], pkt[i].id, st);
	if (st != RSP_OKAY)
		refused++;
	/* The first packets' shapes, for the log: the check's inputs. */
	if (packets < 8) {
		fprintf(stderr, "packet %lu: %u slot(s), %u bytes, first slot %u at offset %u\n",
			packets + 1, pkt_n, pkt[0].size, first, pkt[0].offset);
	}
	packets++;
	pkt_n = pkt_over = 0;
}

/* Answer what the ring holds; 1 when answers were pushed. */
static int serve_ring(void)
{
	uint32_t prod = *idx(0), done = rsp_prod;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (prod - req_cons > RING_SIZE) {
		fprintf(stderr, "req_prod %u, %u consumed: past the ring\n",
			prod, req_cons);
		back_stop = 1;
		return 0;
	}
	while (req_cons != prod) {
		uint32_t at = req_cons++;

		if (in_extra) {
			struct tx_extra e;

			memcpy(&e, entry(at), sizeof(e));
			answer(at, 0, RSP_NULL);
			extras++;
			in_extra = e.flags & EXTRA_MORE;
		} else {
			struct tx_req r;

			memcpy(&r, entry(at), sizeof(r));
			slots++;
			if (pkt_n < MAX_SLOTS) {
				pkt[pkt_n] = r;
				pkt_at[pkt_n++] = at;
			} else {
				answer(at, r.id, RSP_ERROR);
				pkt_over = 1;
			}
			/* Extra info follows a packet's first slot. */
			in_extra = pkt_n == 1 && (r.flags & TXF_EXTRA_INFO);
			if (!(r.flags & TXF_MORE_DATA))
				end_packet();
		}
		/* Every slot before a packet's first is answered. */
		if (!pkt_n && !in_extra)
			rsp_prod = req_cons;
	}
	*idx(1) = req_cons + 1;
	if (rsp_prod == done)
		return 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*idx(2) = rsp_prod;
	return 1;
}

static int back(const char *fe, const char *be, int d)
{
	unsigned long long ref, port, copy = 0;
	int last;

	if (back_open(fe, be, d))
		return 1;
	if (xs_write(be_path("feature-rx-copy"), "1") ||
	    xs_write(be_path("feature-rx-flip"), "0") ||
	    xs_write(be_path("feature-sg"), "1") ||
	    set_be_state(XB_INITWAIT)) {
		fprintf(stderr, "writing %s: %s\n", be, strerror(errno));
		return 1;
	}
	if (wait_fe(BIT(XB_INITIALISED) | BIT(XB_CONNECTED), 120000, &last)) {
		fprintf(stderr, "frontend in state %d, not Connected\n", last);
		back_close();
		return 1;
	}
	xs_read_ull(fe_path("request-rx-copy"), &copy);
	if (xs_read_ull(fe_path("tx-ring-ref"), &ref) ||
	    xs_read_ull(fe_path("event-channel"), &port) || copy != 1) {
		fprintf(stderr, "frontend keys: tx-ring-ref, event-channel, request-rx-copy %llu\n",
			copy);
		back_close();
		return 1;
	}
	req_cons = rsp_prod = 0;	/* where the frontend's ring starts */
	if (back_run(&ring, ref, port, serve_ring, "vif-spy"))
		return 1;
	printf("packets=%lu slots=%lu extras=%lu refused=%lu ", packets, slots,
	       extras, refused);
	leak_print(&seen);
	return 0;
}

/* The guest: 100 bytes of payload amid a page of the marker. */
static int send_six(const char *ifname)
{
	const char *path = "/tmp/vif-spy.page";
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(9),
				  .sin_addr.s_addr = htonl(INADDR_BROADCAST) };
	static unsigned char page[PAGE] __attribute__((aligned(PAGE)));
	int fd, s, one = 1, i;

	leak_fill(page, PAGE);
	memset(page + 1000, 'p', 100);
	memcpy(page + 1000, LEAK_PAYLOAD, strlen(LEAK_PAYLOAD));
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, page, PAGE) != PAGE) {
		perror(path);
		return 1;
	}
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 ||
	    setsockopt(s, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) ||
	    setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, ifname,
		       strlen(ifname) + 1) ||
	    connect(s, (struct sockaddr *)&to, sizeof(to))) {
		perror("udp socket");
		return 1;
	}
	for (i = 0; i < 3; i++) {
		off_t off = 1000;
		ssize_t n = sendfile(s, fd, &off, 100);

		if (n != 100) {
			fprintf(stderr, "sendfile: %zd: %s\n", n, strerror(errno));
			return 1;
		}
	}
	/*
	 * And three with MSG_ZEROCOPY, which pins this page of ours as the
	 * datagram's fragment where the device does scatter-gather and
	 * checksum offload (a kernel that cannot just copies).
	 */
	if (setsockopt(s, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one))) {
		perror("SO_ZEROCOPY");
		return 1;
	}
	for (i = 0; i < 3; i++) {
		if (send(s, page + 1000, 100, MSG_ZEROCOPY) != 100) {
			perror("send MSG_ZEROCOPY");
			return 1;
		}
	}
	/* The pinned page must outlive the sends: wait for their completion. */
	usleep(500000);
	close(s);
	close(fd);
	unlink(path);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "back"))
		return back(argv[2], argv[3], atoi(argv[4]));
	if (argc == 3 && !strcmp(argv[1], "send"))
		return send_six(argv[2]);
	fprintf(stderr, "usage: vif-spy back FE_DIR BE_DIR DOMID | send IFACE\n");
	return 2;
}
