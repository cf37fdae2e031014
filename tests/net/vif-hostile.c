// SPDX-License-Identifier: GPL-2.0
/*
 * vif-hostile - a hostile netif frontend in user space, for the net-hostile
 * scenario. It runs as root in a domU that has not loaded xen-netfront
 * (xpv.netfront=none) and plays the frontend of a vif the toolstack made
 * for that domU, with nothing but the device files (tests/lib/xenfront.h):
 * /dev/xen/gntalloc shares the rings and buffers with the backend's
 * domain, /dev/xen/evtchn gives the event channels, /dev/xen/xenbus
 * carries the handshake. Above the rings it speaks just enough Ethernet,
 * ARP, IPv4, ICMP and UDP to talk to dom0's bridge address (10.99.0.1):
 * it resolves dom0's MAC, pings it, answers ARP and pings for its own
 * address (10.99.0.80 + the vif's devid), and sends and receives UDP
 * datagrams in tests/net/netpattern.c's format (a 64-bit sequence number,
 * then the pattern of seed + sequence), so that dom0's netpattern checks
 * what the guest sends and the guest checks what dom0 sends; a TCP SYN to
 * a port of dom0's that nobody listens on draws a reset (ctrl-ring).
 *
 *   vif-hostile [-s] CASE VIF [OTHER]   one case on vif VIF (a devid);
 *                                       OTHER: another vif of this domain
 *                                       that must keep working when VIF
 *                                       is broken (too-many-slots,
 *                                       tx-ring-overflow)
 *   vif-hostile [-s] all VIF [OTHER]    every case, one process each
 *
 * -s: stepped, with dom0 (tests/scenarios/net-hostile.sh): at each point
 * of a case that dom0 takes part in, the guest writes data/xpv/nh/at =
 * "TOKEN CASE POINT VIF" (parameters for dom0 beside it under
 * data/xpv/nh/) and goes on once dom0 wrote the same string to
 * data/xpv/nh/go, answering ARP and pings meanwhile. Points: start (dom0
 * marks its kernel log), before-alive and after-alive (dom0 reads the
 * vif's rx_packets around the valid traffic that follows the hostile one:
 * nh/sent packets must have been counted), udp-listen (dom0 starts the
 * receivers nh/listen describes), udp-sent (dom0 checks what they got
 * against nh/must), rx-serve (good, ctrl-ring, rx-stall: dom0 pings the
 * guest and sends it what nh/send describes), stalled (rx-stall: dom0
 * sends nh/send for 15 s to a frontend that posts no receive buffers and
 * checks its drops and memory), fatal-sent (dom0 checks the vif is
 * disabled), reconnected, end (dom0 checks its kernel log since start).
 * Without -s the points are written but not waited for, and the checks
 * that need dom0's traffic are left out (said so).
 *
 * Cases (each a process of its own; each starts from the device ready to
 * connect, frontend Initialising and backend InitWait, and leaves it so):
 *   good             valid traffic both ways (the control): ARP, pings,
 *                    8 datagrams to dom0 and 8 from it, dom0's pings
 *                    answered
 *   ctrl-ring        the control ring: every hash request with good and
 *                    bad parameters (XSA-270: offset + length wrapping,
 *                    past the table, entries beyond the queues), unknown
 *                    types; then, Toeplitz hashing on for every type
 *                    offered with the case's own key, valid traffic both
 *                    ways (dom0's pings and datagrams, dom0's reset for a
 *                    TCP SYN) in which every hash extra must name a type
 *                    enabled that fits its packet (a TCP one only for TCP
 *                    that is not a fragment) and carry the Toeplitz hash
 *                    of that type's input (netif.h: the addresses, and
 *                    the ports) from the packet's own headers; the count
 *                    verified is said (0 from a backend that sends none);
 *                    skipped when the backend has no feature-ctrl-ring
 *   zero-len-frag    zero-size slots first, in the middle, last and alone
 *                    (XSA-448): every slot answered
 *   header-split     Ethernet/IP/UDP headers split over slots of 1 to 20
 *                    bytes, up to 19 slots under 128 bytes (XSA-423,
 *                    XSA-432): well-formed ones reach dom0 intact, the
 *                    rest are answered with an error or arrive intact
 *   bad-gref         slots with grant references never made and granted
 *                    to another domain: errors; a read-only grant works
 *   flood            an event storm with no requests
 *   rx-stall         no receive buffers while dom0 sends for 15 s
 *                    (XSA-392), then buffers, and traffic flows again
 *   too-many-slots   a packet over 1 + 19 slots (dropped with errors),
 *                    then over 1 + 24 (more than fatal_skb_slots: the vif
 *                    is disabled)
 *   tx-ring-overflow req_prod 257 ahead of req_cons on a 256-slot ring
 *
 * A case passes when every hostile packet got the answer it should within
 * RSP_TIMEOUT_MS (every slot answered, an error for a bad grant, nothing
 * more than was posted and no stray id), valid traffic then works on the
 * same ring (where it is not broken on purpose) and on a fresh
 * connection, and, for the two fatal cases, the broken vif answers no
 * more than its ring held, closes and reconnects (whether it serves again
 * is the backend's choice: Linux's netback keeps a vif it disabled
 * disabled until the device is recreated, and that is accepted) while
 * another vif keeps working. Output: "# ..." details, then one line
 * "ok CASE: ...", "ok CASE # SKIP ..." or "not ok CASE: ..."; exit 0 or 1.
 *
 * The netif structures are defined here for x86_64 (netif.h has no
 * per-ABI variants): TX request 12 bytes, TX response 4, RX request 8, RX
 * response 8, extra info 8 (in a 12-byte TX slot or an 8-byte RX one),
 * control request 16, control response 12; one page per ring. One queue,
 * one event channel (no feature-split-event-channels), request-rx-copy,
 * feature-rx-notify, no scatter-gather or GSO asked for, so dom0 sends at
 * most 1514-byte frames in one slot (extra-info slots are still parsed:
 * the hash extra follows a packet once the control ring set hashing).
 */
#include <arpa/inet.h>
#include <sys/wait.h>

#include "pattern.h"
#include "xenfront.h"

/* --- the netif ABI (x86_64), from Xen's public io/netif.h and io/ring.h --- */

#define NETTXF_csum_blank	(1u << 0)
#define NETTXF_data_validated	(1u << 1)
#define NETTXF_more_data	(1u << 2)
#define NETTXF_extra_info	(1u << 3)

#define NETRXF_data_validated	(1u << 0)
#define NETRXF_csum_blank	(1u << 1)
#define NETRXF_more_data	(1u << 2)
#define NETRXF_extra_info	(1u << 3)

#define EXTRA_FLAG_MORE		(1u << 0)
#define EXTRA_TYPE_HASH		4	/* data: type, algorithm, LE value */

#define RSP_DROPPED		(-2)
#define RSP_ERROR		(-1)
#define RSP_OKAY		0
#define RSP_NULL		1	/* the answer to an extra-info slot */

struct tx_req {
	uint32_t gref;
	uint16_t offset;
	uint16_t flags;
	uint16_t id;
	uint16_t size;		/* first slot: the whole packet's */
};

struct tx_rsp {
	uint16_t id;
	int16_t status;
};

struct rx_req {
	uint16_t id;
	uint16_t pad;
	uint32_t gref;
};

struct rx_rsp {
	uint16_t id;
	uint16_t offset;
	uint16_t flags;
	int16_t status;		/* bytes, or an RSP_ error */
};

struct extra_info {
	uint8_t type;
	uint8_t flags;
	uint8_t data[6];
};

#define CTRL_GET_HASH_FLAGS		1
#define CTRL_SET_HASH_FLAGS		2
#define CTRL_SET_HASH_KEY		3
#define CTRL_GET_HASH_MAPPING_SIZE	4
#define CTRL_SET_HASH_MAPPING_SIZE	5
#define CTRL_SET_HASH_MAPPING		6
#define CTRL_SET_HASH_ALGORITHM		7

#define CTRL_SUCCESS			0
#define CTRL_NOT_SUPPORTED		1
#define CTRL_INVALID_PARAMETER		2
#define CTRL_BUFFER_OVERFLOW		3

#define HASH_ALG_TOEPLITZ		1
/* hash types, _XEN_NETIF_CTRL_HASH_TYPE_*: flag bits and extras' htype */
#define HTYPE_IPV4			0
#define HTYPE_IPV4_TCP			1
#define HTYPE_IPV6			2
#define HTYPE_IPV6_TCP			3
#define HASH_IPV4			(1u << HTYPE_IPV4)
#define HASH_IPV4_TCP			(1u << HTYPE_IPV4_TCP)
#define HASH_IPV6			(1u << HTYPE_IPV6)
#define HASH_IPV6_TCP			(1u << HTYPE_IPV6_TCP)
#define HASH_ALL			0xfu
#define HASH_KEY_MAX			40	/* Linux's; netif.h: backend's */

struct ctrl_req {
	uint16_t id;
	uint16_t type;
	uint32_t data[3];
};

struct ctrl_rsp {
	uint16_t id;
	uint16_t type;
	uint32_t status;
	uint32_t data;
};

_Static_assert(sizeof(struct tx_req) == 12, "TX request size");
_Static_assert(offsetof(struct tx_req, id) == 8, "TX request id offset");
_Static_assert(sizeof(struct tx_rsp) == 4, "TX response size");
_Static_assert(sizeof(struct rx_req) == 8, "RX request size");
_Static_assert(offsetof(struct rx_req, gref) == 4, "RX request gref offset");
_Static_assert(sizeof(struct rx_rsp) == 8, "RX response size");
_Static_assert(offsetof(struct rx_rsp, status) == 6, "RX status offset");
_Static_assert(sizeof(struct extra_info) == 8, "extra info size");
_Static_assert(sizeof(struct ctrl_req) == 16, "control request size");
_Static_assert(sizeof(struct ctrl_rsp) == 12, "control response size");

/*
 * A shared ring page: req_prod, req_event, rsp_prod, rsp_event and 48
 * bytes of padding make a 64-byte header; then entries the size of the
 * larger of request and response, as many as fit rounded down to a power
 * of two: TX 12-byte entries, 256; RX 8-byte, 256; control 16-byte, 128.
 */
#define RING_HDR	64
#define TX_ENTRY	12
#define TX_RING		256
#define RX_ENTRY	8
#define RX_RING		256
#define CTRL_ENTRY	16
#define CTRL_RING	128
_Static_assert(RING_HDR + TX_RING * TX_ENTRY <= PAGE, "TX ring fits");
_Static_assert(RING_HDR + 2 * TX_RING * TX_ENTRY > PAGE, "TX ring is full");
_Static_assert(RING_HDR + RX_RING * RX_ENTRY <= PAGE, "RX ring fits");
_Static_assert(RING_HDR + 2 * RX_RING * RX_ENTRY > PAGE, "RX ring is full");
_Static_assert(RING_HDR + CTRL_RING * CTRL_ENTRY <= PAGE, "ctrl ring fits");
_Static_assert(RING_HDR + 2 * CTRL_RING * CTRL_ENTRY > PAGE, "ctrl ring is full");

#define REQ_PROD	0
#define REQ_EVENT	1
#define RSP_PROD	2
#define RSP_EVENT	3

/* --- what the cases use --- */

#define RSP_TIMEOUT_MS		10000	/* a request's answer */
#define STEP_TIMEOUT_MS		240000	/* dom0 at a step */
#define FATAL_WAIT_MS		6000	/* a broken ring: watch it */
#define STORM_MS		3000	/* flood: length of the storm */
#define STORM_MAX		200000	/* flood: most notifications */

#define NTX		64	/* TX pages, read-only to the backend */
#define NTX_HK		16	/* the last of them: our own replies */
#define NRX		64	/* receive buffers */
#define TX_IDS		4096	/* TX request ids in use */
#define HK_BASE		2048	/* ids from here: our own ARP/ICMP */
#define MAX_PEND	320	/* slots in a batch */
#define MAX_PKTS	64	/* packets in a batch */
#define PKT_MAX		16384	/* longest frame we assemble */
#define BAD_GREF	0xfffffff0u	/* beyond any grant table */

#define DOM0_IP		0x0a630001u	/* 10.99.0.1, br0 */
#define GUEST_IP(vif)	(0x0a630050u + (vif))	/* 10.99.0.80 + devid */
#define ETH_P_ARP	0x0806
#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86dd
#define ETH_P_FILL	0x88b5		/* IEEE local experimental */
#define TCP_RST		0x04
#define TCP_SYN		0x02

/* UDP ports (dom0's side for ours, ours for dom0's) */
#define PORT_GOOD_TX	5301
#define PORT_GOOD_RX	5302
#define PORT_DISCARD	5303	/* nobody listens: hostile packets */
#define PORT_SPLIT	5304
#define PORT_SPLIT_BIG	5314
#define PORT_STALL	5305
#define PORT_STALL_AFTER 5306
#define PORT_HASH_RX	5307
#define PORT_TCP_PROBE	5308	/* TCP: nobody listens, dom0 resets */

/* --- small things --- */

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint16_t get16(const unsigned char *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* The Internet checksum's running sum. */
static uint32_t csum_add(uint32_t sum, const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += p[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static const char *ip_str(uint32_t ip)
{
	static char s[4][16];
	static int i;

	i = (i + 1) % 4;
	snprintf(s[i], sizeof(s[i]), "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255,
		 (ip >> 8) & 255, ip & 255);
	return s[i];
}

/* --- this domain's vifs --- */

static int stepped;			/* -s: dom0 takes part */
static int vif_id = -1;			/* the vif in use */
static int other_vif = -1;		/* OTHER on the command line */
static unsigned char my_mac[6], dom0_mac[6];
static int have_dom0_mac;
static uint32_t my_ip;
static int ctrl_offered;		/* the backend's feature-ctrl-ring */
static const unsigned char bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* The pages every connection uses, shared once per process. */
static struct share txp;		/* NTX read-only, TX data */
static struct share rxp;		/* NRX writable, receive buffers */
static struct share aux;		/* 2 read-only: hash key, mapping */
static struct share other;		/* 1 page granted to ourselves */

static int parse_mac(const char *s, unsigned char *mac)
{
	unsigned int b[6], i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = b[i];
	return 0;
}

/* Make @vif the device in use. 0, or -1 with the reason in @why. */
static int select_vif(int vif, char *why, size_t wsz)
{
	char buf[64];
	unsigned long long v;

	if (front_open("vif", vif, why, wsz))
		return -1;
	if (xs_read(fe_path("mac"), buf, sizeof(buf)) || parse_mac(buf, my_mac)) {
		snprintf(why, wsz, "%s/mac missing or not a MAC", fe_dir);
		return -1;
	}
	if (xs_read_ull(be_path("feature-rx-copy"), &v) || v != 1) {
		snprintf(why, wsz, "the backend does not offer feature-rx-copy");
		return -1;
	}
	ctrl_offered = !xs_read_ull(be_path("feature-ctrl-ring"), &v) && v == 1;
	vif_id = vif;
	my_ip = GUEST_IP(vif);
	return 0;
}

/* --- one connection: two rings (three with control) and its ports --- */

struct ring {
	struct share sh;
	unsigned int entry, size;
	uint32_t prod_pvt, cons;	/* our producer, our consumer */
};

static volatile uint32_t *ridx(struct ring *r, int which)
{
	return (volatile uint32_t *)r->sh.va + which;
}

static unsigned char *rslot(struct ring *r, uint32_t i)
{
	return r->sh.va + RING_HDR + (i & (r->size - 1)) * r->entry;
}

static int ring_alloc(struct ring *r, unsigned int entry, unsigned int size)
{
	r->entry = entry;
	r->size = size;
	r->prod_pvt = r->cons = 0;
	if (share_pages(&r->sh, 1, be_id, 1))
		return -1;
	/* SHARED_RING_INIT: indexes 0, events wanted from the first one. */
	memset(r->sh.va, 0, PAGE);
	*ridx(r, REQ_EVENT) = 1;
	*ridx(r, RSP_EVENT) = 1;
	return 0;
}

static void ring_push(struct ring *r)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*ridx(r, REQ_PROD) = r->prod_pvt;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

struct conn {
	int vif;
	struct ring tx, rx, ctrl;
	int port, ctrl_port;
	/* TX, by request id */
	uint8_t out[TX_IDS];		/* posted, not answered */
	int16_t status[TX_IDS];
	uint16_t next_id, next_hk;
	uint16_t hk_page_id[NTX_HK];	/* the id that last used each page */
	uint8_t hk_page_used[NTX_HK];
	int txbuf;			/* the batch's page being filled */
	unsigned int txoff;		/* and the next free byte in it */
	int stray;			/* answers to ids not outstanding */
	int overrun;			/* rsp_prod past what it could be */
	int nulls;			/* RSP_NULL answers (extra slots) */
	uint32_t tx_limit;		/* answers allowed (0: what we posted) */
	int hk_ok, hk_bad;		/* our own ARP/ICMP, answered */
	/* RX */
	int16_t rx_slot_buf[RX_RING];	/* buffer posted in each slot, -1 */
	uint8_t rx_free[NRX];		/* buffers not posted */
	int rx_auto;			/* post and repost the buffers */
	int rx_overrun, rx_bad, rx_errors, rx_extras, rx_csum_bad;
	long rx_frames, rx_last_ms;
	int pkt_open, pend_extra, pend_more, pkt_err, pkt_blank;
	int pkt_hashes;			/* hash extras with the packet */
	struct extra_info pkt_hash;	/* the last of them */
	unsigned int pkt_len;
	unsigned char pkt[PKT_MAX];
	/* control */
	uint16_t ctrl_id;
};

/* Frames of interest, filled in while the rings are pumped. */
static struct {
	uint16_t port;
	uint64_t seed;
	unsigned int size, count;
	uint8_t got[32768];
	int n, bad, dup;
} udpc;

static struct {
	uint16_t id;
	uint8_t got[256];
	int bad;
} echo;

static struct {
	uint16_t sport;			/* our SYNs' port */
	int resets;			/* dom0's answers */
} tcpr;

static int pings_answered;

static void conn_free(struct conn *c)
{
	ev_free(c->port);
	ev_free(c->ctrl_port);
	c->port = c->ctrl_port = 0;
	unshare_pages(&c->tx.sh);
	unshare_pages(&c->rx.sh);
	unshare_pages(&c->ctrl.sh);
}

static void conn_release(void *c)
{
	conn_free(c);
}

/*
 * The handshake, from the ready state to Connected: rings, a port, the
 * keys a netfront writes (one queue, so at the top of its directory) and
 * state Connected, which is when Linux's netback connects.
 */
static int conn_open(struct conn *c, int with_ctrl, char *why, size_t wsz)
{
	static const char *const gone[] = {
		"ctrl-ring-ref", "event-channel-ctrl", "event-channel-tx",
		"event-channel-rx", "multi-queue-num-queues", "xdp-headroom",
		"request-multicast-control",
	};
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->vif = vif_id;
	for (i = 0; i < RX_RING; i++)
		c->rx_slot_buf[i] = -1;
	memset(c->rx_free, 1, sizeof(c->rx_free));
	if (fe_reset(why, wsz))
		return -1;
	if (ring_alloc(&c->tx, TX_ENTRY, TX_RING) ||
	    ring_alloc(&c->rx, RX_ENTRY, RX_RING) ||
	    (with_ctrl && ring_alloc(&c->ctrl, CTRL_ENTRY, CTRL_RING))) {
		snprintf(why, wsz, "sharing the ring pages: %s", strerror(errno));
		conn_free(c);
		return -1;
	}
	c->port = ev_alloc();
	if (with_ctrl && c->port)
		c->ctrl_port = ev_alloc();
	if (!c->port || (with_ctrl && !c->ctrl_port)) {
		snprintf(why, wsz, "allocating an event channel for domain %d: %s",
			 be_id, strerror(errno));
		conn_free(c);
		return -1;
	}
	/* What an earlier connection (or netfront) may have left. */
	for (i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
		xs_rm(fe_path(gone[i]));
	if (xs_printf(fe_path("tx-ring-ref"), "%u", c->tx.sh.grefs[0]) ||
	    xs_printf(fe_path("rx-ring-ref"), "%u", c->rx.sh.grefs[0]) ||
	    xs_printf(fe_path("event-channel"), "%d", c->port) ||
	    (with_ctrl &&
	     (xs_printf(fe_path("ctrl-ring-ref"), "%u", c->ctrl.sh.grefs[0]) ||
	      xs_printf(fe_path("event-channel-ctrl"), "%d", c->ctrl_port))) ||
	    xs_write(fe_path("request-rx-copy"), "1") ||
	    xs_write(fe_path("feature-rx-notify"), "1") ||
	    xs_write(fe_path("feature-sg"), "0") ||
	    xs_write(fe_path("feature-gso-tcpv4"), "0") ||
	    xs_write(fe_path("feature-gso-tcpv6"), "0") ||
	    xs_write(fe_path("feature-no-csum-offload"), "1") ||
	    xs_write(fe_path("feature-ipv6-csum-offload"), "0") ||
	    set_fe_state(XB_CONNECTED)) {
		snprintf(why, wsz, "writing the frontend's keys: %s",
			 strerror(errno));
		conn_free(c);
		return -1;
	}
	/* On failure the pages stay: the backend may still map them. */
	return wait_connected("frontend Connected", why, wsz);
}

/* Back to the ready state; the rings go once the backend let go of them. */
static int conn_close(struct conn *c, char *why, size_t wsz)
{
	return fe_close(conn_release, c, why, wsz);
}

/* --- TX --- */

enum expect {
	EXP_OK,		/* every slot answered OKAY */
	EXP_ERR,	/* every slot answered, at least one error */
	EXP_ANY,	/* every slot answered, OKAY or an error */
	EXP_MAYBE,	/* answered or not (a broken ring) */
};

struct pkt {
	const char *what;
	enum expect e;
	int first, n;		/* its slots in the batch */
};

struct batch {
	uint16_t id[MAX_PEND];
	int n;
	struct pkt k[MAX_PKTS];
	int nk;
	int broken;		/* a packet did not fit (a bug here) */
};

static void tx_responses(struct conn *c)
{
	for (;;) {
		uint32_t rp = __atomic_load_n(ridx(&c->tx, RSP_PROD),
					      __ATOMIC_ACQUIRE);
		uint32_t lim = c->tx_limit ? c->tx_limit :
			       c->tx.prod_pvt - c->tx.cons;

		if (rp - c->tx.cons > lim) {
			if (!c->overrun)
				diag("TX rsp_prod %u is past what the backend could answer (rsp_cons %u, req_prod %u)",
				     rp, c->tx.cons, c->tx.prod_pvt);
			c->overrun = 1;
			return;
		}
		while (c->tx.cons != rp) {
			struct tx_rsp r;

			memcpy(&r, rslot(&c->tx, c->tx.cons), sizeof(r));
			c->tx.cons++;
			if (r.status == RSP_NULL) {
				c->nulls++;
				continue;
			}
			if (r.id >= TX_IDS || !c->out[r.id]) {
				if (c->stray++ < 4)
					diag("TX answer for an id not outstanding: %u (status %d)",
					     r.id, r.status);
				continue;
			}
			c->out[r.id] = 0;
			c->status[r.id] = r.status;
			if (r.id >= HK_BASE) {
				if (r.status == RSP_OKAY)
					c->hk_ok++;
				else
					c->hk_bad++;
			}
		}
		/* RING_FINAL_CHECK_FOR_RESPONSES */
		*ridx(&c->tx, RSP_EVENT) = c->tx.cons + 1;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (*ridx(&c->tx, RSP_PROD) == c->tx.cons)
			return;
	}
}

/* One request on the TX ring (not yet pushed); -1 when it is full. */
static int tx_put(struct conn *c, uint32_t gref, uint16_t offset,
		  uint16_t flags, uint16_t id, uint16_t size)
{
	struct tx_req q = { .gref = gref, .offset = offset, .flags = flags,
			    .id = id, .size = size };

	if (c->tx.prod_pvt - c->tx.cons >= TX_RING)
		return -1;
	memcpy(rslot(&c->tx, c->tx.prod_pvt), &q, sizeof(q));
	c->tx.prod_pvt++;
	c->out[id] = 1;
	c->status[id] = 0;
	return 0;
}

static void tx_push(struct conn *c)
{
	ring_push(&c->tx);
	notify(c->port);
}

static uint16_t next_id(struct conn *c)
{
	int i;

	for (i = 0; i < HK_BASE; i++) {
		uint16_t id = c->next_id++ % HK_BASE;

		if (!c->out[id])
			return id;
	}
	return c->next_id++ % HK_BASE;	/* all out: the ring is broken */
}

/*
 * Room for a slot of @size bytes in the batch's TX pages (several slots
 * share a page, 64-byte aligned, none crossing it, as a netfront's
 * fragments do); the pages are reused once the batch is answered.
 */
static int tx_room(struct conn *c, unsigned int size, int *page,
		   uint16_t *off)
{
	if (c->txoff + size > PAGE || c->txoff >= PAGE) {
		c->txbuf++;
		c->txoff = 0;
	}
	if (c->txbuf >= NTX - NTX_HK)
		return -1;
	*page = c->txbuf;
	*off = c->txoff;
	c->txoff += size ? (size + 63) & ~63u : 64;
	return 0;
}

/*
 * A packet on the TX ring: the @len bytes of @frame in slots of @sizes (the
 * first slot's size field is their sum, the packet's, as netif.h says),
 * XEN_NETTXF_more_data on all but the last; @grefs (may be NULL, 0 in it
 * meaning ours) puts other grant references in slots. Not pushed.
 */
static int tx_packet(struct conn *c, struct batch *b, const char *what,
		     enum expect e, const unsigned char *frame, unsigned int len,
		     const unsigned int *sizes, int nslots, const uint32_t *grefs)
{
	unsigned int total = 0, pos = 0;
	struct pkt *k;
	int i;

	if (b->nk >= MAX_PKTS || b->n + nslots > MAX_PEND) {
		diag("%s: batch too large (a bug in this test)", what);
		b->broken = 1;
		return -1;
	}
	for (i = 0; i < nslots; i++)
		total += sizes[i];
	k = &b->k[b->nk++];
	k->what = what;
	k->e = e;
	k->first = b->n;
	k->n = nslots;
	for (i = 0; i < nslots; i++) {
		uint16_t off, id = next_id(c);
		uint32_t gref;
		int page;

		if (sizes[i] > PAGE || tx_room(c, sizes[i], &page, &off)) {
			diag("%s: out of TX pages (a bug in this test)", what);
			b->broken = 1;
			return -1;
		}
		gref = grefs && grefs[i] ? grefs[i] : txp.grefs[page];
		if (pos + sizes[i] <= len)
			memcpy(txp.va + page * PAGE + off, frame + pos, sizes[i]);
		pos += sizes[i];
		if (tx_put(c, gref, off, i < nslots - 1 ? NETTXF_more_data : 0,
			   id, i ? sizes[i] : total)) {
			diag("%s: the TX ring is full (a bug in this test)", what);
			b->broken = 1;
			return -1;
		}
		b->id[b->n++] = id;
	}
	return 0;
}

/* A frame of ours in one slot (ARP, ICMP), pushed at once. */
static void hk_send(struct conn *c, const unsigned char *frame, unsigned int len)
{
	int slot = c->next_hk % NTX_HK, page = NTX - NTX_HK + slot;
	uint16_t id = HK_BASE + c->next_hk % (TX_IDS - HK_BASE);
	long end = now_ms() + 2000;

	c->next_hk++;
	/* Its page again only once the backend answered its last use. */
	while (((c->hk_page_used[slot] && c->out[c->hk_page_id[slot]]) ||
		c->out[id] || c->tx.prod_pvt - c->tx.cons >= TX_RING) &&
	       now_ms() < end) {
		ev_wait(50);
		tx_responses(c);
	}
	if (c->out[id] || c->tx.prod_pvt - c->tx.cons >= TX_RING)
		return;		/* a broken ring: it would never go */
	memcpy(txp.va + page * PAGE, frame, len);
	c->hk_page_id[slot] = id;
	c->hk_page_used[slot] = 1;
	tx_put(c, txp.grefs[page], 0, 0, id, len);
	tx_push(c);
}

/* --- frames --- */

static unsigned int eth_hdr(unsigned char *f, const unsigned char *dst,
			    uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, my_mac, 6);
	put16(f + 12, type);
	return 14;
}

static unsigned int arp_frame(unsigned char *f, int op,
			      const unsigned char *dst, uint32_t tpa)
{
	eth_hdr(f, op == 1 ? bcast : dst, ETH_P_ARP);
	put16(f + 14, 1);		/* Ethernet */
	put16(f + 16, ETH_P_IP);
	f[18] = 6;
	f[19] = 4;
	put16(f + 20, op);
	memcpy(f + 22, my_mac, 6);
	put32(f + 28, my_ip);
	memset(f + 32, 0, 6);
	if (op == 2)
		memcpy(f + 32, dst, 6);
	put32(f + 38, tpa);
	memset(f + 42, 0, 18);		/* to the minimum frame */
	return 60;
}

/* Ethernet and IPv4 headers for @l4len bytes of protocol @proto. */
static unsigned int ip_hdr(unsigned char *f, const unsigned char *dst_mac,
			   uint32_t dst, uint8_t proto, unsigned int l4len)
{
	static uint16_t ip_id;
	unsigned char *h = f + 14;

	eth_hdr(f, dst_mac, ETH_P_IP);
	h[0] = 0x45;
	h[1] = 0;
	put16(h + 2, 20 + l4len);
	put16(h + 4, ++ip_id);
	put16(h + 6, 0x4000);		/* DF */
	h[8] = 64;
	h[9] = proto;
	put16(h + 10, 0);
	put32(h + 12, my_ip);
	put32(h + 16, dst);
	put16(h + 10, csum_fold(csum_add(0, h, 20)));
	return 34;
}

static const unsigned char *dom0_dst(void)
{
	return have_dom0_mac ? dom0_mac : bcast;
}

/* A UDP datagram of netpattern's: sequence @seq, @size bytes of payload. */
static unsigned int udp_frame(unsigned char *f, uint16_t sport, uint16_t dport,
			      uint64_t seed, uint64_t seq, unsigned int size)
{
	unsigned char *u = f + 34;
	uint32_t sum;

	ip_hdr(f, dom0_dst(), DOM0_IP, 17, 8 + size);
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, 8 + size);
	put16(u + 6, 0);
	memcpy(u + 8, &seq, 8);		/* netpattern: native order */
	pattern_fill(u + 16, 0, size - 8, seed + seq);
	/* The pseudo header, then the datagram. */
	sum = csum_add(0, f + 26, 8);
	sum += 17 + 8 + size;
	sum = csum_add(sum, u, 8 + size);
	put16(u + 6, csum_fold(sum) ? csum_fold(sum) : 0xffff);
	return 34 + 8 + size;
}

static unsigned int icmp_frame(unsigned char *f, const unsigned char *dst_mac,
			       uint32_t dst, uint8_t type, uint16_t id,
			       uint16_t seq, const unsigned char *data,
			       unsigned int dlen)
{
	unsigned char *m = f + 34;

	ip_hdr(f, dst_mac, dst, 1, 8 + dlen);
	m[0] = type;
	m[1] = 0;
	put16(m + 2, 0);
	put16(m + 4, id);
	put16(m + 6, seq);
	memcpy(m + 8, data, dlen);
	put16(m + 2, csum_fold(csum_add(0, m, 8 + dlen)));
	return 34 + 8 + dlen;
}

/* A TCP SYN to dom0's @dport from our @sport, padded to 60 bytes. */
static unsigned int syn_frame(unsigned char *f, uint16_t sport, uint16_t dport,
			      uint32_t seq)
{
	unsigned char *t = f + 34;
	uint32_t sum;

	ip_hdr(f, dom0_dst(), DOM0_IP, 6, 20);
	put16(t, sport);
	put16(t + 2, dport);
	put32(t + 4, seq);
	put32(t + 8, 0);
	t[12] = 5 << 4;			/* a 20-byte header */
	t[13] = TCP_SYN;
	put16(t + 14, 64240);
	put32(t + 16, 0);		/* checksum, urgent pointer */
	sum = csum_add(0, f + 26, 8);
	sum += 6 + 20;
	put16(t + 16, csum_fold(csum_add(sum, t, 20)));
	memset(f + 54, 0, 6);
	return 60;
}

/* @len bytes of a frame nobody takes (local experimental EtherType). */
static unsigned int fill_frame(unsigned char *f, unsigned int len)
{
	eth_hdr(f, dom0_dst(), ETH_P_FILL);
	pattern_fill(f + 14, 0, len - 14, 0xf111);
	return len;
}

/* What dom0 sent us: answer ARP and pings, note replies and datagrams. */
static void handle_frame(struct conn *c, const unsigned char *f,
			 unsigned int len, int csum_blank)
{
	unsigned char out[128];
	const unsigned char *h, *l4;
	unsigned int ihl, tot, l4len;

	c->rx_frames++;
	if (len < 14)
		return;
	if (get16(f + 12) == ETH_P_ARP && len >= 42 && get16(f + 14) == 1 &&
	    get16(f + 16) == ETH_P_IP) {
		uint16_t op = get16(f + 20);
		uint32_t spa = get32(f + 28), tpa = get32(f + 38);

		if (spa == DOM0_IP && (op == 1 || op == 2)) {
			memcpy(dom0_mac, f + 22, 6);
			have_dom0_mac = 1;
		}
		if (op == 1 && tpa == my_ip)
			hk_send(c, out, arp_frame(out, 2, f + 22, spa));
		return;
	}
	if (get16(f + 12) != ETH_P_IP || len < 34)
		return;
	h = f + 14;
	ihl = (h[0] & 15) * 4;
	tot = get16(h + 2);
	if ((h[0] >> 4) != 4 || ihl < 20 || tot < ihl || 14 + tot > len ||
	    get32(h + 16) != my_ip || (get16(h + 6) & 0x3fff))
		return;		/* not ours, or a fragment */
	if (csum_fold(csum_add(0, h, ihl))) {
		c->rx_csum_bad++;
		return;
	}
	l4 = h + ihl;
	l4len = tot - ihl;
	if (h[9] == 1 && l4len >= 8) {
		if (csum_fold(csum_add(0, l4, l4len))) {
			c->rx_csum_bad++;
			return;
		}
		if (l4[0] == 8 && l4len - 8 <= sizeof(out) - 42) {
			/* An echo request: the same id, sequence and data. */
			pings_answered++;
			hk_send(c, out, icmp_frame(out, f + 6, get32(h + 12), 0,
						   get16(l4 + 4), get16(l4 + 6),
						   l4 + 8, l4len - 8));
		} else if (l4[0] == 0 && get16(l4 + 4) == echo.id) {
			unsigned char want[56];
			uint16_t seq = get16(l4 + 6);

			pattern_fill(want, 0, sizeof(want),
				     (uint64_t)echo.id << 16 | seq);
			if (l4len - 8 != sizeof(want) ||
			    memcmp(want, l4 + 8, sizeof(want)))
				echo.bad++;
			else
				echo.got[seq % 256] = 1;
		}
		return;
	}
	if (h[9] == 6 && l4len >= 20 && get32(h + 12) == DOM0_IP &&
	    get16(l4 + 2) == tcpr.sport && (l4[13] & TCP_RST)) {
		tcpr.resets++;
		return;
	}
	if (h[9] == 17 && l4len >= 8 && get16(l4 + 2) == udpc.port &&
	    udpc.port) {
		unsigned int ulen = get16(l4 + 4);
		unsigned char want[2048];
		uint64_t seq;

		if (ulen < 8 || ulen > l4len) {
			udpc.bad++;
			return;
		}
		if (get16(l4 + 6) && !csum_blank) {
			uint32_t sum = csum_add(0, h + 12, 8);

			sum += 17 + ulen;
			if (csum_fold(csum_add(sum, l4, ulen))) {
				udpc.bad++;
				return;
			}
		}
		if (ulen - 8 != udpc.size || udpc.size < 8 ||
		    udpc.size > sizeof(want)) {
			udpc.bad++;
			return;
		}
		memcpy(&seq, l4 + 8, 8);
		pattern_fill(want, 0, udpc.size - 8, udpc.seed + seq);
		if (seq >= udpc.count || seq >= sizeof(udpc.got) ||
		    memcmp(want, l4 + 16, udpc.size - 8)) {
			udpc.bad++;
			return;
		}
		if (udpc.got[seq])
			udpc.dup++;
		else
			udpc.n++;
		udpc.got[seq] = 1;
	}
}

/* --- hashing: the hash extras, checked while the ctrl-ring case asks --- */

static const char *const htype_name[] = {
	"IPV4", "IPV4_TCP", "IPV6", "IPV6_TCP",
};

/*
 * What the ctrl-ring case set (the hash types and key the backend took)
 * and, while it checks, what the hash extras that came with received
 * packets turned out to be.
 */
static struct {
	int check;			/* verify every packet's hash extra */
	uint32_t flags;			/* HASH_*, as SET_HASH_FLAGS took */
	uint8_t key[HASH_KEY_MAX];	/* as SET_HASH_KEY took it */
	int ok[4];			/* extras verified, by hash type */
	int bad;			/* extras with a wrong value or type */
	int unchecked;			/* extras of packets with RX errors */
	int coarse;			/* addresses only, TCP ports hashable */
	int unhashed;			/* IP of a type enabled, no extra */
} hashing;

/*
 * The Toeplitz hash of @len bytes at @in under a HASH_KEY_MAX-byte @key
 * (netif.h, "Hash algorithms"; Microsoft's RSS hash): for each bit of the
 * input set, from the first byte's most significant on, the 32 key bits
 * that start at that bit's position are XORed in.
 */
static uint32_t toeplitz(const uint8_t *key, const uint8_t *in,
			 unsigned int len)
{
	uint32_t hash = 0, win = get32(key);	/* key bits i to i + 31 */
	unsigned int i, next;

	for (i = 0; i < len * 8; i++) {
		if (in[i / 8] & (0x80 >> i % 8))
			hash ^= win;
		next = i + 32;
		win <<= 1;
		if (next / 8 < HASH_KEY_MAX)
			win |= (key[next / 8] >> (7 - next % 8)) & 1;
	}
	return hash;
}

/* What a received frame's own headers give for hashing. */
struct hash_in {
	int l3;			/* HTYPE_IPV4 or HTYPE_IPV6; -1: neither */
	int tcp;		/* TCP and not a fragment: @ports set */
	int frag;		/* a fragment */
	unsigned int proto;	/* the IP protocol (next header) */
	unsigned char addrs[32];	/* source, destination: 4 or 16 each */
	unsigned char ports[4];		/* source, then destination */
};

/* IPv4 or IPv6 (its hop-by-hop, routing, destination and fragment headers). */
static void hash_parse(const unsigned char *f, unsigned int len,
		       struct hash_in *in)
{
	const unsigned char *h = f + 14;
	unsigned int ihl, off, i;

	memset(in, 0, sizeof(*in));
	in->l3 = -1;
	if (len >= 34 && get16(f + 12) == ETH_P_IP && (h[0] >> 4) == 4) {
		ihl = (h[0] & 15) * 4;
		if (ihl < 20 || 14 + ihl > len)
			return;
		in->l3 = HTYPE_IPV4;
		memcpy(in->addrs, h + 12, 8);
		in->proto = h[9];
		in->frag = (get16(h + 6) & 0x3fff) != 0;	/* MF, offset */
		off = ihl;
	} else if (len >= 54 && get16(f + 12) == ETH_P_IPV6 &&
		   (h[0] >> 4) == 6) {
		in->l3 = HTYPE_IPV6;
		memcpy(in->addrs, h + 8, 32);
		in->proto = h[6];
		off = 40;
		for (i = 0; i < 8 && (in->proto == 0 || in->proto == 43 ||
				      in->proto == 60); i++) {
			if (14 + off + 2 > len) {
				in->proto = 255;	/* cut short */
				break;
			}
			in->proto = h[off];
			off += (h[off + 1] + 1) * 8;
		}
		in->frag = in->proto == 44;
	} else {
		return;
	}
	if (in->proto == 6 && !in->frag && 14 + off + 4 <= len) {
		in->tcp = 1;
		memcpy(in->ports, h + off, 4);
	}
}

/*
 * The input netif.h defines for hash type @htype ("Hash types": the
 * addresses, and for the TCP types the ports) in @buf: its length, or 0
 * when the packet has none of that type.
 */
static unsigned int hash_input(const struct hash_in *in, unsigned int htype,
			       unsigned char *buf)
{
	int tcp = htype == HTYPE_IPV4_TCP || htype == HTYPE_IPV6_TCP;
	unsigned int alen = htype < HTYPE_IPV6 ? 8 : 32;

	if (htype > HTYPE_IPV6_TCP || in->l3 < 0 ||
	    in->l3 != (htype < HTYPE_IPV6 ? HTYPE_IPV4 : HTYPE_IPV6) ||
	    (tcp && !in->tcp))
		return 0;
	memcpy(buf, in->addrs, alen);
	if (!tcp)
		return alen;
	memcpy(buf + alen, in->ports, 4);
	return alen + 4;
}

static const char *hash_in_str(const struct hash_in *in)
{
	static char s[160];
	char a[2][INET6_ADDRSTRLEN];
	int af = in->l3 == HTYPE_IPV4 ? AF_INET : AF_INET6;

	if (in->l3 < 0)
		return "a packet neither IPv4 nor IPv6";
	inet_ntop(af, in->addrs, a[0], sizeof(a[0]));
	inet_ntop(af, in->addrs + (af == AF_INET ? 4 : 16), a[1], sizeof(a[1]));
	snprintf(s, sizeof(s), "%s %s -> %s protocol %u%s",
		 in->l3 == HTYPE_IPV4 ? "IPv4" : "IPv6", a[0], a[1], in->proto,
		 in->frag ? " (a fragment)" : "");
	if (in->tcp)
		cat(s, sizeof(s), " ports %u -> %u", get16(in->ports),
		    get16(in->ports + 2));
	return s;
}

/*
 * A received frame while hashing is checked: its hash extra, if any, must
 * say Toeplitz and a hash type the frontend enabled that the packet has
 * (TCP only for TCP that is not a fragment), and carry the Toeplitz hash
 * of that type's input from the packet's own headers under the key set.
 */
static void hash_verify(struct conn *c, const unsigned char *f,
			unsigned int len)
{
	const uint8_t *x = c->pkt_hash.data;	/* type, algorithm, value */
	uint32_t got = x[2] | x[3] << 8 | x[4] << 16 | (uint32_t)x[5] << 24;
	unsigned int htype = x[0], n;
	unsigned char buf[36];
	char why[96] = "";
	struct hash_in in;
	uint32_t want;

	hash_parse(f, len, &in);
	n = hash_input(&in, htype, buf);
	want = n ? toeplitz(hashing.key, buf, n) : 0;
	if (!c->pkt_hashes) {
		if (in.l3 >= 0 && (hashing.flags & (in.l3 == HTYPE_IPV4 ?
						    HASH_IPV4 | HASH_IPV4_TCP :
						    HASH_IPV6 | HASH_IPV6_TCP)))
			hashing.unhashed++;
		return;
	}
	if (c->pkt_hashes > 1)
		snprintf(why, sizeof(why), "%d hash extras", c->pkt_hashes);
	else if (x[1] != HASH_ALG_TOEPLITZ)
		snprintf(why, sizeof(why), "algorithm %u, not Toeplitz", x[1]);
	else if (htype > HTYPE_IPV6_TCP || !(hashing.flags & (1u << htype)))
		snprintf(why, sizeof(why), "type %u not enabled (flags %#x)",
			 htype, hashing.flags);
	else if (!n)
		snprintf(why, sizeof(why), "type %s does not fit the packet",
			 htype_name[htype]);
	else if (want != got)
		snprintf(why, sizeof(why), "its Toeplitz hash is %#010x", want);
	if (*why) {
		if (hashing.bad++ < 4)
			diag("hash extra type %u value %#010x on %s WRONG: %s",
			     htype, got, hash_in_str(&in), why);
		return;
	}
	if (!hashing.ok[htype]++)
		diag("hash extra %s %#010x on %s: the Toeplitz hash (first of its type)",
		     htype_name[htype], got, hash_in_str(&in));
	if (in.tcp && (htype == HTYPE_IPV4 || htype == HTYPE_IPV6) &&
	    (hashing.flags & (1u << (htype + 1))) && !hashing.coarse++)
		diag("hash extra %s on %s: addresses only, where the ports were asked for too",
		     htype_name[htype], hash_in_str(&in));
}

/* --- RX --- */

static void rx_refill(struct conn *c)
{
	int i, posted = 0;

	if (!c->rx_auto)
		return;
	for (i = 0; i < NRX; i++) {
		struct rx_req q = { .id = i, .gref = rxp.grefs[i] };
		uint32_t p = c->rx.prod_pvt;

		if (!c->rx_free[i] || p - c->rx.cons >= RX_RING)
			continue;
		memcpy(rslot(&c->rx, p), &q, sizeof(q));
		c->rx_slot_buf[p % RX_RING] = i;
		c->rx_free[i] = 0;
		c->rx.prod_pvt++;
		posted++;
	}
	if (posted) {
		ring_push(&c->rx);
		notify(c->port);
	}
}

static void rx_responses(struct conn *c)
{
	for (;;) {
		uint32_t rp = __atomic_load_n(ridx(&c->rx, RSP_PROD),
					      __ATOMIC_ACQUIRE);

		if (rp - c->rx.cons > c->rx.prod_pvt - c->rx.cons) {
			if (!c->rx_overrun)
				diag("RX rsp_prod %u is past the buffers posted (rsp_cons %u, req_prod %u)",
				     rp, c->rx.cons, c->rx.prod_pvt);
			c->rx_overrun = 1;
			return;
		}
		while (c->rx.cons != rp) {
			unsigned int slot = c->rx.cons % RX_RING;
			int buf = c->rx_slot_buf[slot];
			struct rx_rsp r;

			memcpy(&r, rslot(&c->rx, c->rx.cons), sizeof(r));
			c->rx.cons++;
			c->rx_slot_buf[slot] = -1;
			c->rx_last_ms = now_ms();
			if (buf < 0) {
				c->rx_bad++;
				continue;
			}
			c->rx_free[buf] = 1;
			if (c->pend_extra) {
				struct extra_info x;

				memcpy(&x, &r, sizeof(x));
				c->pend_extra = x.flags & EXTRA_FLAG_MORE;
				c->rx_extras++;
				if (x.type == EXTRA_TYPE_HASH) {
					c->pkt_hashes++;
					c->pkt_hash = x;
				}
			} else {
				if (!c->pkt_open) {
					c->pkt_open = 1;
					c->pkt_len = 0;
					c->pkt_err = 0;
					c->pkt_blank = r.flags & NETRXF_csum_blank;
					c->pend_extra = r.flags & NETRXF_extra_info;
					c->pkt_hashes = 0;
				}
				if (r.id != buf && c->rx_bad++ < 4)
					diag("RX answer in the slot of buffer %d has id %u",
					     buf, r.id);
				if (r.status < 0) {
					c->pkt_err = 1;
				} else if (r.offset + r.status > PAGE ||
					   c->pkt_len + r.status > PKT_MAX) {
					c->pkt_err = 1;
					c->rx_bad++;
				} else {
					memcpy(c->pkt + c->pkt_len,
					       rxp.va + buf * PAGE + r.offset,
					       r.status);
					c->pkt_len += r.status;
				}
				c->pend_more = r.flags & NETRXF_more_data;
			}
			if (c->pkt_open && !c->pend_extra && !c->pend_more) {
				c->pkt_open = 0;
				if (c->pkt_err) {
					c->rx_errors++;
					hashing.unchecked += hashing.check &&
							     c->pkt_hashes;
				} else {
					if (hashing.check)
						hash_verify(c, c->pkt,
							    c->pkt_len);
					handle_frame(c, c->pkt, c->pkt_len,
						     c->pkt_blank);
				}
			}
		}
		*ridx(&c->rx, RSP_EVENT) = c->rx.cons + 1;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (*ridx(&c->rx, RSP_PROD) == c->rx.cons)
			break;
	}
	rx_refill(c);
}

/* Take in what the backend answered and delivered. */
static void pump(struct conn *c, long ms)
{
	ev_wait(ms);
	tx_responses(c);
	rx_responses(c);
}

static void rx_start(struct conn *c)
{
	c->rx_auto = 1;
	rx_refill(c);
}

/* --- the cases' frame: steps with dom0, results --- */

static int put_val(const char *key, const char *fmt, ...)
{
	char path[128], val[256];
	va_list ap;

	snprintf(path, sizeof(path), "data/xpv/nh/%s", key);
	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	return xs_write(path, val);
}

/*
 * Tell dom0 we are at @point and, stepped, wait until it lets us on,
 * pumping @c (may be NULL) meanwhile: ARP and pings are answered, buffers
 * reposted (unless the case holds them back). 0, or -1 with the reason.
 */
static int step(struct conn *c, const char *point, char *why, size_t wsz)
{
	static int seq;
	char at[160], go[160];
	long end, next = 0;

	snprintf(at, sizeof(at), "%d.%d %s %s %d", getpid(), ++seq, case_name,
		 point, vif_id);
	if (xs_write("data/xpv/nh/at", at)) {
		snprintf(why, wsz, "writing data/xpv/nh/at: %s", strerror(errno));
		return -1;
	}
	if (!stepped)
		return 0;
	end = now_ms() + STEP_TIMEOUT_MS;
	while (now_ms() < end) {
		if (c)
			pump(c, 100);
		else
			sleep_ms(100);
		if (now_ms() < next)
			continue;
		next = now_ms() + 200;
		if (!xs_read("data/xpv/nh/go", go, sizeof(go)) && !strcmp(go, at))
			return 0;
	}
	snprintf(why, wsz, "dom0 did not let the guest past '%s' within %d s",
		 point, STEP_TIMEOUT_MS / 1000);
	return -1;
}

/* A step whose failure fails the case (said). 0 or -1. */
static int step_r(struct result *r, struct conn *c, const char *point)
{
	char why[256];

	if (!step(c, point, why, sizeof(why)))
		return 0;
	r->fail = 1;
	say(r, "%s", why);
	return -1;
}

/* Push a batch, collect its answers, judge it. 0 when all as expected. */
static int run_batch(struct conn *c, struct batch *b, long timeout_ms,
		     char *sum, size_t ssz)
{
	long end = now_ms() + timeout_ms, poke = now_ms() + 1000;
	int i, j, bad = 0, maybe = 0;

	for (i = 0; i < b->nk; i++)
		maybe |= b->k[i].e == EXP_MAYBE;
	tx_push(c);
	for (;;) {
		int left = 0;

		for (i = 0; i < b->n; i++)
			left += c->out[b->id[i]];
		if (!left || c->overrun || now_ms() >= end)
			break;
		pump(c, 100);
		/* A ring that may be broken: poke it now and then. */
		if (maybe && now_ms() >= poke) {
			notify(c->port);
			poke = now_ms() + 1000;
		}
	}
	for (i = 0; i < b->nk; i++) {
		struct pkt *k = &b->k[i];
		int answered = 0, ok = 0, err = 0, met;

		for (j = k->first; j < k->first + k->n; j++) {
			uint16_t id = b->id[j];

			if (c->out[id])
				continue;
			answered++;
			if (c->status[id] == RSP_OKAY)
				ok++;
			else if (c->status[id] == RSP_ERROR ||
				 c->status[id] == RSP_DROPPED)
				err++;
		}
		switch (k->e) {
		case EXP_OK:
			met = ok == k->n;
			break;
		case EXP_ERR:
			met = answered == k->n && err && ok + err == k->n;
			break;
		case EXP_ANY:
			met = answered == k->n && ok + err == k->n;
			break;
		default:
			met = ok + err == answered;
			break;
		}
		diag("%s: %d slots, %d answered: %d OKAY, %d error%s%s", k->what,
		     k->n, answered, ok, err,
		     answered - ok - err ? " (and other statuses)" : "",
		     met ? "" : " WRONG");
		if (!met)
			bad++;
		if (sum)
			cat(sum, ssz, "%s%s=%s", *sum ? ", " : "", k->what,
			    answered < k->n ? (answered ? "partly answered" : "no answer") :
			    ok == k->n ? "ok" : err == k->n ? "error" :
			    ok + err == k->n ? "ok+error" : "odd status");
	}
	if (c->stray || c->overrun || b->broken)
		bad++;
	c->txbuf = 0;
	c->txoff = 0;
	return bad ? -1 : 0;
}

/* --- valid traffic --- */

/* dom0's MAC, by ARP (also what tells dom0 ours). */
static int arp_dom0(struct conn *c, char *why, size_t wsz)
{
	unsigned char f[64];
	int i;

	have_dom0_mac = 0;
	for (i = 0; i < 5 && !have_dom0_mac; i++) {
		long end = now_ms() + 1000;

		hk_send(c, f, arp_frame(f, 1, bcast, DOM0_IP));
		while (!have_dom0_mac && now_ms() < end)
			pump(c, 50);
	}
	if (!have_dom0_mac) {
		snprintf(why, wsz, "no ARP reply from %s in 5 s", ip_str(DOM0_IP));
		return -1;
	}
	return 0;
}

/* One ping of dom0 (56 bytes of pattern), up to 3 tries of 2 s. */
static int ping_dom0(struct conn *c)
{
	static uint16_t seq;
	unsigned char f[128], data[56];
	int t;

	for (t = 0; t < 3; t++) {
		uint16_t s = ++seq;
		long end = now_ms() + 2000;

		echo.got[s % 256] = 0;
		pattern_fill(data, 0, sizeof(data), (uint64_t)echo.id << 16 | s);
		hk_send(c, f, icmp_frame(f, dom0_mac, DOM0_IP, 8, echo.id, s,
					 data, sizeof(data)));
		while (!echo.got[s % 256] && now_ms() < end)
			pump(c, 50);
		if (echo.got[s % 256])
			return 0;
	}
	return -1;
}

/* Wait until our own frames are all answered (up to @ms). */
static void hk_drain(struct conn *c, long ms)
{
	long end = now_ms() + ms;

	for (;;) {
		int i, left = 0;

		for (i = HK_BASE; i < TX_IDS; i++)
			left += c->out[i];
		if (!left || now_ms() >= end)
			return;
		pump(c, 50);
	}
}

/*
 * Valid traffic on @c: dom0's MAC by ARP, then 3 pings of dom0 answered
 * with the data sent. The packets it sent that the backend took (OKAY) in
 * *@sent. 0, or -1 with the reason.
 */
static int alive(struct conn *c, const char *label, int *sent, char *why,
		 size_t wsz)
{
	int i, hk0 = c->hk_ok;

	echo.id = (getpid() ^ (vif_id << 12)) & 0xffff;
	echo.bad = 0;
	rx_start(c);
	if (arp_dom0(c, why, wsz)) {
		cat(why, wsz, " (%s)", label);
		return -1;
	}
	for (i = 0; i < 3; i++)
		if (ping_dom0(c)) {
			snprintf(why, wsz, "%s: ping %d of %s not answered in 3 tries (%ld frames received, %d with a bad checksum, %d RX errors)",
				 label, i + 1, ip_str(DOM0_IP), c->rx_frames,
				 c->rx_csum_bad, c->rx_errors);
			return -1;
		}
	hk_drain(c, 5000);
	if (echo.bad) {
		snprintf(why, wsz, "%s: %d echo replies with wrong data", label,
			 echo.bad);
		return -1;
	}
	if (sent)
		*sent = c->hk_ok - hk0;
	diag("%s: ARP and 3 pings of dom0 answered (%d packets sent, %d answered with an error)",
	     label, c->hk_ok - hk0, c->hk_bad);
	return 0;
}

/*
 * alive() between the before-alive and after-alive steps, where dom0 reads
 * the vif's rx_packets: the @sent valid packets must have been counted.
 */
static int alive_counted(struct result *r, struct conn *c, const char *label)
{
	char why[512] = "";
	int sent = 0;

	if (step_r(r, c, "before-alive"))
		return -1;
	if (alive(c, label, &sent, why, sizeof(why))) {
		r->fail = 1;
		say(r, "%s", why);
		return -1;
	}
	put_val("sent", "%d", sent);
	return step_r(r, c, "after-alive");
}

/* A fresh connection from the ready state: alive, and closed again. */
static int fresh_check(struct result *r, const char *label)
{
	char why[512] = "";
	struct conn *c = calloc(1, sizeof(*c));

	if (!c) {
		r->fail = 1;
		say(r, "%s: out of memory", label);
		return -1;
	}
	if (conn_open(c, 0, why, sizeof(why))) {
		r->fail = 1;
		say(r, "%s: could not connect: %s", label, why);
		free(c);
		return -1;
	}
	if (alive(c, label, NULL, why, sizeof(why))) {
		r->fail = 1;
		say(r, "%s", why);
		free(c);
		return -1;
	}
	if (conn_close(c, why, sizeof(why))) {
		r->fail = 1;
		say(r, "%s: %s", label, why);
		free(c);
		return -1;
	}
	say(r, "%s serves", label);
	free(c);
	return 0;
}

/* Expect datagrams of netpattern's on @port. */
static void udp_expect(uint16_t port, unsigned int count, unsigned int size,
		       uint64_t seed)
{
	memset(&udpc, 0, sizeof(udpc));
	udpc.port = port;
	udpc.count = count;
	udpc.size = size;
	udpc.seed = seed;
}

static uint64_t new_seed(void)
{
	return ((uint64_t)getpid() << 20 ^ (uint64_t)now_ms()) & 0xffffffffffull;
}

/*
 * The rx-serve step: dom0 pings us and sends @count datagrams of 512
 * bytes of seed @seed to @port; stepped, they are taken in for up to @ms
 * (udpc counts them). 0, or -1 when the step failed (said).
 */
static int rx_serve(struct result *r, struct conn *c, uint16_t port,
		    unsigned int count, uint64_t seed, long ms)
{
	long end;

	udp_expect(port, count, 512, seed);
	pings_answered = 0;
	put_val("send", "%d %u 512 %llu", port, count,
		(unsigned long long)seed);
	if (step_r(r, c, "rx-serve"))
		return -1;
	end = now_ms() + ms;
	while (stepped && udpc.n < (int)count && now_ms() < end)
		pump(c, 100);
	return 0;
}

/*
 * The end of a case that keeps its vif: alive (counted by dom0) on the
 * same ring, close, a fresh connection, and the end step.
 */
static void tail(struct result *r, struct conn *c)
{
	char why[512] = "";

	if (!alive_counted(r, c, "same ring afterwards"))
		say(r, "the ring still serves, dom0 counted it");
	if (conn_close(c, why, sizeof(why))) {
		r->fail = 1;
		say(r, "%s", why);
		return;
	}
	fresh_check(r, "a fresh connection");
	step_r(r, NULL, "end");
}

/*
 * The start of a case: a connection from the ready state (@with_ctrl:
 * with a control ring), the start step and, @label given, valid traffic
 * on it first (alive(): dom0's MAC known, the ring shown to work). The
 * connection, or NULL with the failure said.
 */
static struct conn *case_start(struct result *r, int with_ctrl,
			       const char *label)
{
	char why[512] = "";
	struct conn *c = calloc(1, sizeof(*c));

	if (!c) {
		r->fail = 1;
		say(r, "out of memory");
		return NULL;
	}
	if (conn_open(c, with_ctrl, why, sizeof(why))) {
		r->fail = 1;
		say(r, "could not connect: %s", why);
		free(c);
		return NULL;
	}
	if (step_r(r, c, "start"))
		goto fail;
	if (label && alive(c, label, NULL, why, sizeof(why))) {
		r->fail = 1;
		say(r, "%s", why);
		goto fail;
	}
	return c;
fail:
	free(c);
	return NULL;
}

/*
 * The common frame of a hostile case: connect, valid traffic first (so
 * that dom0's MAC is known and the ring shown to work), send @build's
 * batch, judge it, then tail().
 */
static void hostile(struct result *r, const char *what,
		    void (*build)(struct conn *, struct batch *))
{
	char sum[1024] = "";
	struct batch b = { .n = 0 };
	struct conn *c = case_start(r, 0, "before the hostile packets");

	if (!c)
		return;
	build(c, &b);
	if (run_batch(c, &b, RSP_TIMEOUT_MS, sum, sizeof(sum))) {
		r->fail = 1;
		say(r, "%s: WRONG answers (%s)%s%s", what, sum,
		    c->stray ? ", stray answers" : "",
		    c->overrun ? ", response ring overrun" : "");
	} else {
		say(r, "%s answered as expected (%s)", what, sum);
	}
	tail(r, c);
	free(c);
}

/* --- the cases --- */

static void case_good(struct result *r)
{
	uint64_t seed = new_seed(), seed2 = seed ^ 0x5a5a;
	unsigned char f[2048];
	struct batch b = { .n = 0 };
	char why[512] = "";
	struct conn *c = case_start(r, 0, NULL);
	unsigned int i, sz;
	int sent = 0;

	if (!c)
		return;
	say(r, "connected (backend %s, feature-ctrl-ring %d)", be_dir,
	    ctrl_offered);
	if (step_r(r, c, "before-alive"))
		goto out;
	if (alive(c, "first connection", &sent, why, sizeof(why))) {
		r->fail = 1;
		say(r, "%s", why);
		goto out;
	}
	put_val("sent", "%d", sent);
	if (step_r(r, c, "after-alive"))
		goto out;
	say(r, "ARP and pings of dom0 answered");

	/* 8 datagrams to dom0's netpattern. */
	put_val("listen", "%d 8 512 %llu", PORT_GOOD_TX, (unsigned long long)seed);
	put_val("must", "8");
	if (step_r(r, c, "udp-listen"))
		goto out;
	for (i = 0; i < 8; i++) {
		unsigned int one[1];

		one[0] = sz = udp_frame(f, 40000, PORT_GOOD_TX, seed, i, 512);
		tx_packet(c, &b, "datagram to dom0", EXP_OK, f, sz, one, 1, NULL);
	}
	if (run_batch(c, &b, RSP_TIMEOUT_MS, NULL, 0)) {
		r->fail = 1;
		say(r, "8 valid datagrams to dom0 not all answered OKAY");
		goto out;
	}
	if (step_r(r, c, "udp-sent"))
		goto out;
	say(r, "8 datagrams to dom0 answered OKAY");

	/* dom0 pings us and sends 8 datagrams. */
	if (rx_serve(r, c, PORT_GOOD_RX, 8, seed2, 3000))
		goto out;
	if (!stepped) {
		say(r, "not stepped: no traffic from dom0 checked");
	} else if (udpc.n != 8 || udpc.bad) {
		r->fail = 1;
		say(r, "from dom0: %d of 8 datagrams, %d bad", udpc.n,
		    udpc.bad);
	} else {
		say(r, "dom0's 8 datagrams arrived intact, %d pings answered",
		    pings_answered);
	}
	if (conn_close(c, why, sizeof(why))) {
		r->fail = 1;
		say(r, "%s", why);
		goto out;
	}
	free(c);
	fresh_check(r, "a reconnection");
	step_r(r, NULL, "end");
	return;
out:
	free(c);
}

/* One control request and its answer; -1 when none came. */
static int ctrl_call(struct conn *c, uint16_t type, uint32_t d0, uint32_t d1,
		     uint32_t d2, struct ctrl_rsp *rsp)
{
	struct ctrl_req q = { .id = ++c->ctrl_id, .type = type,
			      .data = { d0, d1, d2 } };
	long end = now_ms() + RSP_TIMEOUT_MS;

	memcpy(rslot(&c->ctrl, c->ctrl.prod_pvt), &q, sizeof(q));
	c->ctrl.prod_pvt++;
	ring_push(&c->ctrl);
	notify(c->ctrl_port);
	for (;;) {
		uint32_t rp = __atomic_load_n(ridx(&c->ctrl, RSP_PROD),
					      __ATOMIC_ACQUIRE);

		if (rp - c->ctrl.cons > c->ctrl.prod_pvt - c->ctrl.cons) {
			diag("control rsp_prod %u past the requests (%u)", rp,
			     c->ctrl.prod_pvt);
			return -1;
		}
		if (rp != c->ctrl.cons) {
			memcpy(rsp, rslot(&c->ctrl, c->ctrl.cons), sizeof(*rsp));
			c->ctrl.cons++;
			*ridx(&c->ctrl, RSP_EVENT) = c->ctrl.cons + 1;
			if (rsp->id != q.id || rsp->type != type) {
				diag("control answer id %u type %u for request id %u type %u",
				     rsp->id, rsp->type, q.id, type);
				return -1;
			}
			return 0;
		}
		*ridx(&c->ctrl, RSP_EVENT) = c->ctrl.cons + 1;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (*ridx(&c->ctrl, RSP_PROD) != c->ctrl.cons)
			continue;
		if (now_ms() >= end)
			return -1;
		pump(c, 100);
	}
}

#define ST(s) (1u << (s))

static const char *ctrl_status(uint32_t s)
{
	switch (s) {
	case CTRL_SUCCESS: return "SUCCESS";
	case CTRL_NOT_SUPPORTED: return "NOT_SUPPORTED";
	case CTRL_INVALID_PARAMETER: return "INVALID_PARAMETER";
	case CTRL_BUFFER_OVERFLOW: return "BUFFER_OVERFLOW";
	default: return "an unknown status";
	}
}

/* One request, judged: its status must be in @ok (bits). */
static int op(struct conn *c, struct result *r, int *bad, const char *what,
	      uint16_t type, uint32_t d0, uint32_t d1, uint32_t d2,
	      unsigned int ok, uint32_t *data)
{
	struct ctrl_rsp rsp;

	if (ctrl_call(c, type, d0, d1, d2, &rsp)) {
		diag("%s: no answer in %d ms WRONG", what, RSP_TIMEOUT_MS);
		(*bad)++;
		say(r, "%s: no answer", what);
		return -1;
	}
	if (data)
		*data = rsp.data;
	if (rsp.status >= 32 || !(ok & ST(rsp.status))) {
		diag("%s: %s (data %u) WRONG", what, ctrl_status(rsp.status),
		     rsp.data);
		(*bad)++;
		say(r, "%s: %s", what, ctrl_status(rsp.status));
		return -1;
	}
	diag("%s: %s (data %u)", what, ctrl_status(rsp.status), rsp.data);
	return rsp.status;
}

/*
 * Traffic towards us of each kind hashed: dom0's pings and datagrams
 * (stepped; the addresses hashed), and dom0's reset for a TCP SYN to a
 * port nobody listens on (addresses and ports).
 */
static void hashed_traffic(struct result *r, struct conn *c)
{
	unsigned char f[64];
	int t;

	if (rx_serve(r, c, PORT_HASH_RX, 8, new_seed() ^ 0x4a54, 3000))
		return;
	if (!stepped) {
		say(r, "not stepped: no traffic from dom0 with hashing on");
	} else if (udpc.n != 8 || udpc.bad) {
		r->fail = 1;
		say(r, "from dom0 with hashing on: %d of 8 datagrams, %d bad",
		    udpc.n, udpc.bad);
	} else {
		say(r, "dom0's 8 datagrams arrived intact with hashing on, %d pings answered",
		    pings_answered);
	}
	tcpr.sport = 40003;
	tcpr.resets = 0;
	for (t = 0; t < 3 && !tcpr.resets; t++) {
		long end = now_ms() + 1000;

		hk_send(c, f, syn_frame(f, tcpr.sport, PORT_TCP_PROBE,
					(uint32_t)getpid() << 8 | t));
		while (!tcpr.resets && now_ms() < end)
			pump(c, 50);
	}
	if (tcpr.resets)
		say(r, "dom0 reset a TCP SYN to its port %d", PORT_TCP_PROBE);
	else
		say(r, "no reset from dom0 for a TCP SYN to its port %d in 3 s: no TCP packet hashed",
		    PORT_TCP_PROBE);
}

/* The verdict on the hash extras checked: any wrong one fails the case. */
static void hash_result(struct result *r)
{
	const int *ok = hashing.ok;
	int n = ok[0] + ok[1] + ok[2] + ok[3];

	diag("hash extras: %d verified, %d wrong, %d on packets with RX errors; %d IP packets of an enabled kind came without one; %d TCP packets hashed over their addresses only",
	     n, hashing.bad, hashing.unchecked, hashing.unhashed,
	     hashing.coarse);
	if (hashing.bad) {
		r->fail = 1;
		say(r, "%d hash extras WRONG (%d verified)", hashing.bad, n);
		return;
	}
	say(r, "%d hash extras verified against the Toeplitz hash of the packet's own headers (IPV4 %d, IPV4_TCP %d, IPV6 %d, IPV6_TCP %d)%s",
	    n, ok[HTYPE_IPV4], ok[HTYPE_IPV4_TCP], ok[HTYPE_IPV6],
	    ok[HTYPE_IPV6_TCP], n ? "" : ": the backend sent none");
}

static void case_ctrl(struct result *r)
{
	uint32_t key_gref = aux.grefs[0], map_gref = aux.grefs[1];
	uint32_t *map = (uint32_t *)(aux.va + PAGE), flags = 0, max = 0;
	const unsigned int inval = ST(CTRL_INVALID_PARAMETER);
	const unsigned int toobig = inval | ST(CTRL_BUFFER_OVERFLOW);
	char why[512] = "";
	struct conn *c;
	int bad = 0, s;

	if (!ctrl_offered) {
		r->skip = 1;
		say(r, "backend has no feature-ctrl-ring");
		return;
	}
	c = case_start(r, 1, NULL);
	if (!c)
		return;
	pattern_fill(aux.va, 0, PAGE, 0xcafe);
	memset(map, 0, PAGE);
	rx_start(c);

	/* Linux keeps the hash settings across connections: start clean. */
	op(c, r, &bad, "SET_HASH_ALGORITHM NONE", CTRL_SET_HASH_ALGORITHM, 0,
	   0, 0, ST(CTRL_SUCCESS), NULL);
	op(c, r, &bad, "SET_HASH_ALGORITHM 99", CTRL_SET_HASH_ALGORITHM, 99,
	   0, 0, inval, NULL);
	/* netif.h: no flags without an algorithm (Linux: NOT_SUPPORTED). */
	op(c, r, &bad, "GET_HASH_FLAGS without an algorithm",
	   CTRL_GET_HASH_FLAGS, 0, 0, 0,
	   ST(CTRL_NOT_SUPPORTED) | inval, NULL);
	op(c, r, &bad, "SET_HASH_FLAGS without an algorithm",
	   CTRL_SET_HASH_FLAGS, HASH_IPV4, 0, 0,
	   ST(CTRL_NOT_SUPPORTED) | inval, NULL);
	op(c, r, &bad, "SET_HASH_ALGORITHM TOEPLITZ", CTRL_SET_HASH_ALGORITHM,
	   HASH_ALG_TOEPLITZ, 0, 0, ST(CTRL_SUCCESS), NULL);
	if (op(c, r, &bad, "GET_HASH_FLAGS", CTRL_GET_HASH_FLAGS, 0, 0, 0,
	       ST(CTRL_SUCCESS), &flags) == CTRL_SUCCESS &&
	    (!flags || (flags & ~HASH_ALL))) {
		diag("GET_HASH_FLAGS: flags %#x: none, or not netif.h's WRONG",
		     flags);
		bad++;
		say(r, "GET_HASH_FLAGS said %#x", flags);
	}
	op(c, r, &bad, "SET_HASH_FLAGS with an unknown bit (0x10)",
	   CTRL_SET_HASH_FLAGS, 0x10 | HASH_IPV4, 0, 0, inval, NULL);
	op(c, r, &bad, "SET_HASH_FLAGS 0xffffffff", CTRL_SET_HASH_FLAGS,
	   0xffffffffu, 0, 0, inval, NULL);
	if (!op(c, r, &bad, "SET_HASH_FLAGS every type offered",
		CTRL_SET_HASH_FLAGS, flags & HASH_ALL, 0, 0, ST(CTRL_SUCCESS),
		NULL))
		hashing.flags = flags & HASH_ALL;
	if (!op(c, r, &bad, "SET_HASH_KEY 40 bytes", CTRL_SET_HASH_KEY,
		key_gref, HASH_KEY_MAX, 0, ST(CTRL_SUCCESS), NULL))
		memcpy(hashing.key, aux.va, HASH_KEY_MAX);
	op(c, r, &bad, "SET_HASH_KEY 41 bytes", CTRL_SET_HASH_KEY, key_gref,
	   HASH_KEY_MAX + 1, 0, toobig, NULL);
	op(c, r, &bad, "SET_HASH_KEY 4097 bytes", CTRL_SET_HASH_KEY, key_gref,
	   PAGE + 1, 0, toobig, NULL);
	op(c, r, &bad, "SET_HASH_KEY 2^32-1 bytes", CTRL_SET_HASH_KEY,
	   key_gref, 0xffffffffu, 0, toobig, NULL);
	op(c, r, &bad, "SET_HASH_KEY from a gref never granted",
	   CTRL_SET_HASH_KEY, BAD_GREF, 16, 0, inval, NULL);
	op(c, r, &bad, "SET_HASH_KEY from a page granted to another domain",
	   CTRL_SET_HASH_KEY, other.grefs[0], 16, 0, inval, NULL);
	op(c, r, &bad, "GET_HASH_MAPPING_SIZE", CTRL_GET_HASH_MAPPING_SIZE, 0,
	   0, 0, ST(CTRL_SUCCESS), &max);
	op(c, r, &bad, "SET_HASH_MAPPING_SIZE max+1",
	   CTRL_SET_HASH_MAPPING_SIZE, max + 1, 0, 0, inval, NULL);
	op(c, r, &bad, "SET_HASH_MAPPING_SIZE 2^32-1",
	   CTRL_SET_HASH_MAPPING_SIZE, 0xffffffffu, 0, 0, inval, NULL);
	/* netif.h: size 0 means "by modular arithmetic" (Linux: SUCCESS). */
	s = op(c, r, &bad, "SET_HASH_MAPPING_SIZE 0",
	       CTRL_SET_HASH_MAPPING_SIZE, 0, 0, 0,
	       ST(CTRL_SUCCESS) | inval, NULL);
	if (s == CTRL_INVALID_PARAMETER)
		diag("SET_HASH_MAPPING_SIZE 0: refused, where netif.h and Linux take it");
	if (s == CTRL_SUCCESS)
		op(c, r, &bad, "SET_HASH_MAPPING 1 entry into a table of 0",
		   CTRL_SET_HASH_MAPPING, map_gref, 1, 0, toobig, NULL);
	if (max) {
		uint32_t m = max > PAGE / 4 ? PAGE / 4 : max;

		op(c, r, &bad, "SET_HASH_MAPPING_SIZE max",
		   CTRL_SET_HASH_MAPPING_SIZE, max, 0, 0, ST(CTRL_SUCCESS), NULL);
		op(c, r, &bad, "SET_HASH_MAPPING whole table of queue 0",
		   CTRL_SET_HASH_MAPPING, map_gref, m, 0, ST(CTRL_SUCCESS), NULL);
		op(c, r, &bad, "SET_HASH_MAPPING 1 entry at offset max",
		   CTRL_SET_HASH_MAPPING, map_gref, 1, max, toobig, NULL);
		op(c, r, &bad, "SET_HASH_MAPPING 0 entries at offset max+1",
		   CTRL_SET_HASH_MAPPING, map_gref, 0, max + 1, toobig, NULL);
		op(c, r, &bad, "SET_HASH_MAPPING off 2^32-1 len 2 (wraps to 1)",
		   CTRL_SET_HASH_MAPPING, map_gref, 2, 0xffffffffu, toobig, NULL);
		op(c, r, &bad, "SET_HASH_MAPPING off 1 len 2^32-1 (wraps to 0)",
		   CTRL_SET_HASH_MAPPING, map_gref, 0xffffffffu, 1, toobig, NULL);
		op(c, r, &bad, "SET_HASH_MAPPING len 2^30+1 (len*4 wraps to 4)",
		   CTRL_SET_HASH_MAPPING, map_gref, 0x40000001u, 0, toobig, NULL);
		op(c, r, &bad, "SET_HASH_MAPPING len 1025 (more than a page)",
		   CTRL_SET_HASH_MAPPING, map_gref, PAGE / 4 + 1, 0, toobig, NULL);
		map[0] = 1;		/* one queue: 0 is the only one */
		op(c, r, &bad, "SET_HASH_MAPPING entry 1 (only queue 0 exists)",
		   CTRL_SET_HASH_MAPPING, map_gref, 1, 0, inval, NULL);
		map[0] = 0xffffffffu;
		op(c, r, &bad, "SET_HASH_MAPPING entry 2^32-1",
		   CTRL_SET_HASH_MAPPING, map_gref, 1, 0, inval, NULL);
		map[0] = 0;
		op(c, r, &bad, "SET_HASH_MAPPING from a gref never granted",
		   CTRL_SET_HASH_MAPPING, BAD_GREF, 1, 0, inval, NULL);
		op(c, r, &bad, "SET_HASH_MAPPING 1 entry of queue 0 (control)",
		   CTRL_SET_HASH_MAPPING, map_gref, 1, 0, ST(CTRL_SUCCESS), NULL);
	} else {
		diag("GET_HASH_MAPPING_SIZE 0: no mapping table, its requests not tried");
	}
	op(c, r, &bad, "type 0 (INVALID)", 0, 0, 0, 0,
	   ST(CTRL_NOT_SUPPORTED), NULL);
	op(c, r, &bad, "type 99", 99, 1, 2, 3, ST(CTRL_NOT_SUPPORTED), NULL);
	op(c, r, &bad, "type 65535", 0xffff, 0, 0, 0, ST(CTRL_NOT_SUPPORTED),
	   NULL);
	if (bad)
		r->fail = 1;
	else
		say(r, "every control request answered as netif.h says (hash flags %#x, mapping size %u)",
		    flags, max);
	/*
	 * Packets now come with a hash extra-info slot (the later requests
	 * changed neither the key nor the types): each is checked.
	 */
	hashing.check = 1;
	if (!alive_counted(r, c, "same ring, hashing on")) {
		say(r, "the ring still serves with hashing on (%d extra-info slots received), dom0 counted it",
		    c->rx_extras);
		hashed_traffic(r, c);
	}
	hashing.check = 0;
	hash_result(r);
	/* Leave the vif as found (Linux would keep hashing on). */
	op(c, r, &bad, "SET_HASH_ALGORITHM NONE again", CTRL_SET_HASH_ALGORITHM,
	   0, 0, 0, ST(CTRL_SUCCESS), NULL);
	if (bad)
		r->fail = 1;
	if (conn_close(c, why, sizeof(why))) {
		r->fail = 1;
		say(r, "%s", why);
	} else {
		fresh_check(r, "a fresh connection");
		step_r(r, NULL, "end");
	}
	free(c);
}

/* A datagram to nobody of @size payload bytes in @frame; its length. */
static unsigned int discard_frame(unsigned char *f, unsigned int size)
{
	return udp_frame(f, 40001, PORT_DISCARD, 7, 0, size);
}

static void build_zero(struct conn *c, struct batch *b)
{
	static unsigned char f[2048];
	static const unsigned int s0[] = { 0 }, s1[] = { 60, 0 },
		s2[] = { 42, 0, 18 }, s3[] = { 0, 60 }, s4[] = { 60, 0, 0, 0, 0 },
		s5[] = { 14, 0, 0, 46 }, s6[] = { 200, 0, 400 },
		s7[] = { 0, 0, 0, 60 };
	unsigned int n = discard_frame(f, 18);	/* 60 bytes */

	tx_packet(c, b, "one slot of size 0", EXP_ANY, f, n, s0, 1, NULL);
	tx_packet(c, b, "60 + 0", EXP_ANY, f, n, s1, 2, NULL);
	tx_packet(c, b, "42 + 0 + 18", EXP_ANY, f, n, s2, 3, NULL);
	tx_packet(c, b, "0 + 60 (empty first slot)", EXP_ANY, f, n, s3, 2, NULL);
	tx_packet(c, b, "60 + 0 + 0 + 0 + 0", EXP_ANY, f, n, s4, 5, NULL);
	tx_packet(c, b, "14 + 0 + 0 + 46", EXP_ANY, f, n, s5, 4, NULL);
	tx_packet(c, b, "0 + 0 + 0 + 60", EXP_ANY, f, n, s7, 4, NULL);
	n = discard_frame(f, 558);		/* 600 bytes */
	tx_packet(c, b, "200 + 0 + 400 (past the copied head)", EXP_ANY, f, n,
		  s6, 3, NULL);
}

static void case_zero(struct result *r)
{
	hostile(r, "8 packets with zero-size slots", build_zero);
}

/*
 * header-split: datagrams of 64 payload bytes (106-byte frames) and of
 * 1000 (1042), their headers cut over several slots; dom0's netpattern
 * counts what arrives intact.
 */
static const struct split {
	const char *what;
	int big, must;
	unsigned int n, s[20];
} splits[] = {
	{ "14 | 20 | 8 | 64", 0, 1, 4, { 14, 20, 8, 64 } },
	{ "14 | 10 | 10 | 8 | 64", 0, 1, 5, { 14, 10, 10, 8, 64 } },
	{ "20 | 10 | 12 | 64", 0, 1, 4, { 20, 10, 12, 64 } },
	/* XSA-432: 18 slots, all within the 128 bytes copied to the head */
	{ "14 + 17 slots of 5 or 12 (18 slots)", 0, 1, 18,
	  { 14, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 12 } },
	/* 19 slots: Linux takes 1 + 18; netif.h promises only 18 */
	{ "14 + 18 slots of 5 or 7 (19 slots)", 0, 0, 19,
	  { 14, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 7 } },
	/* A first slot shorter than an Ethernet header: Linux refuses it */
	{ "10 | 20 | 30 | 46", 0, 0, 4, { 10, 20, 30, 46 } },
	{ "1-byte slots for the headers (15 slots)", 0, 0, 15,
	  { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 92 } },
	{ "14 | 20 | 8 | 1000", 1, 1, 4, { 14, 20, 8, 1000 } },
	{ "14 | 28 | 1000", 1, 1, 3, { 14, 28, 1000 } },
	{ "242 | 800", 1, 1, 2, { 242, 800 } },
	{ "14 | 20 | 8 | 10 slots of 100", 1, 1, 13,
	  { 14, 20, 8, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100 } },
	{ "5 | 9 | 28 | 1000", 1, 0, 4, { 5, 9, 28, 1000 } },
};
#define NSPLITS ((int)(sizeof(splits) / sizeof(splits[0])))

static void case_split(struct result *r)
{
	uint64_t seed = new_seed();
	static unsigned char f[2048];
	struct batch b = { .n = 0 };
	char sum[1024] = "";
	int i, must[2] = { 0, 0 }, cnt[2] = { 0, 0 }, seq[2] = { 0, 0 };
	int wrong = 0;
	struct conn *c = case_start(r, 0, "before the hostile packets");

	if (!c)
		return;
	for (i = 0; i < NSPLITS; i++) {
		must[splits[i].big] += splits[i].must;
		cnt[splits[i].big]++;
	}
	put_val("listen", "%d %d 64 %llu;%d %d 1000 %llu", PORT_SPLIT, cnt[0],
		(unsigned long long)seed, PORT_SPLIT_BIG, cnt[1],
		(unsigned long long)seed);
	put_val("must", "%d;%d", must[0], must[1]);
	if (step_r(r, c, "udp-listen")) {
		free(c);
		return;
	}
	for (i = 0; i < NSPLITS; i++) {
		const struct split *s = &splits[i];
		/* Sequence numbers per port, from 0, as netpattern counts. */
		unsigned int n = udp_frame(f, 40002, s->big ? PORT_SPLIT_BIG :
					   PORT_SPLIT, seed, seq[s->big]++,
					   s->big ? 1000 : 64);
		unsigned int j, t = 0;

		for (j = 0; j < s->n; j++)
			t += s->s[j];
		if (t != n) {
			diag("%s: slots of %u bytes for a %u-byte frame (a bug in this test)",
			     s->what, t, n);
			wrong++;
		}
		tx_packet(c, &b, s->what, s->must ? EXP_OK : EXP_ANY, f, n,
			  s->s, s->n, NULL);
	}
	if (wrong || run_batch(c, &b, RSP_TIMEOUT_MS, sum, sizeof(sum))) {
		r->fail = 1;
		say(r, "%d split datagrams: WRONG answers (%s)%s%s", NSPLITS, sum,
		    c->stray ? ", stray answers" : "",
		    c->overrun ? ", response ring overrun" : "");
	} else {
		say(r, "%d split datagrams answered as expected (%s)", NSPLITS,
		    sum);
	}
	step_r(r, c, "udp-sent");
	tail(r, c);
	free(c);
}

static void build_gref(struct conn *c, struct batch *b)
{
	static unsigned char f[2048], g[2048];
	static const unsigned int s2[] = { 400, 200 },
		s3[] = { 100, 500 }, s4[] = { 200, 200, 200 }, s5[] = { 300, 300 };
	const uint32_t bad1[] = { BAD_GREF }, oth1[] = { other.grefs[0] },
		bad2[] = { 0, BAD_GREF }, bad3[] = { BAD_GREF, 0 },
		oth4[] = { 0, other.grefs[0], 0 };
	unsigned int n = discard_frame(f, 64), m = discard_frame(g, 558);
	unsigned int s1[1];

	s1[0] = n;
	tx_packet(c, b, "1 slot, a gref never granted", EXP_ERR, f, n, s1, 1, bad1);
	tx_packet(c, b, "1 slot, a page granted to another domain", EXP_ERR, f,
		  n, s1, 1, oth1);
	tx_packet(c, b, "400 good + 200 from a gref never granted", EXP_ERR, g,
		  m, s2, 2, bad2);
	tx_packet(c, b, "100 from a gref never granted + 500 good", EXP_ERR, g,
		  m, s3, 2, bad3);
	tx_packet(c, b, "200 + 200 granted to another domain + 200", EXP_ERR, g,
		  m, s4, 3, oth4);
	tx_packet(c, b, "300 + 300 read-only grants (control)", EXP_OK, g, m,
		  s5, 2, NULL);
}

static void case_gref(struct result *r)
{
	hostile(r, "6 packets with bad grants", build_gref);
}

static void case_flood(struct result *r)
{
	struct conn *c = case_start(r, 0, "before the storm");
	long end;
	int n = 0, err = 0;

	if (!c)
		return;
	end = now_ms() + STORM_MS;
	while (n < STORM_MAX && now_ms() < end) {
		if (notify(c->port))
			err++;
		n++;
	}
	diag("%d notifications in %d ms (%d failed)", n, STORM_MS, err);
	say(r, "%d notifications with nothing on the rings", n);
	tail(r, c);
	free(c);
}

static void case_stall(struct result *r)
{
	uint64_t seed = new_seed(), seed2 = seed ^ 0xa5a5;
	/* No buffers: rx_auto stays 0 until the stall is over. */
	struct conn *c = case_start(r, 0, NULL);
	long end;

	if (!c)
		return;
	put_val("send", "%d 15000 1400 %llu", PORT_STALL,
		(unsigned long long)seed);
	udp_expect(PORT_STALL, 15000, 1400, seed);
	if (step_r(r, c, "stalled"))
		goto out;
	say(r, stepped ? "dom0 sent for 15 s to a frontend with no receive buffers" :
	    "not stepped: no traffic from dom0 during the stall");
	/* Buffers now; take what the backend held back, until it is quiet. */
	rx_start(c);
	c->rx_last_ms = now_ms();
	end = now_ms() + 30000;
	while (now_ms() < end && now_ms() - c->rx_last_ms < 1500)
		pump(c, 100);
	diag("after the stall: %ld frames delivered late, %d of them dom0's datagrams (%d bad), %d RX errors",
	     c->rx_frames, udpc.n, udpc.bad, c->rx_errors);
	if (udpc.bad) {
		r->fail = 1;
		say(r, "%d datagrams held back during the stall arrived corrupted",
		    udpc.bad);
	}
	if (rx_serve(r, c, PORT_STALL_AFTER, 20, seed2, 5000))
		goto out;
	if (stepped && (udpc.n < 18 || udpc.bad)) {
		r->fail = 1;
		say(r, "after the stall: %d of 20 datagrams from dom0, %d bad",
		    udpc.n, udpc.bad);
	} else if (stepped) {
		say(r, "after buffers were posted dom0's traffic flows again (%d of 20 datagrams, %d pings answered)",
		    udpc.n, pings_answered);
	}
	tail(r, c);
out:
	free(c);
}

/* Another vif of this domain serves while @broken is disabled. */
static void ovif_check(struct result *r, int broken, int ovif)
{
	char why[512] = "";

	if (ovif < 0) {
		say(r, "no other vif given: not checked");
		return;
	}
	if (select_vif(ovif, why, sizeof(why))) {
		r->fail = 1;
		say(r, "vif %d: %s", ovif, why);
	} else {
		char label[64];

		snprintf(label, sizeof(label), "another vif (%d)", ovif);
		fresh_check(r, label);
	}
	if (select_vif(broken, why, sizeof(why))) {
		r->fail = 1;
		say(r, "vif %d: %s", broken, why);
	}
}

/*
 * After a fatal case: close (the backend must follow), check another vif,
 * then connect the broken one again. Whether it serves is the backend's
 * choice (Linux's keeps a disabled vif disabled until the device goes);
 * the handshake must work either way.
 */
static void after_fatal(struct result *r, struct conn *c, int ovif)
{
	char why[512] = "";
	int broken = vif_id;

	if (conn_close(c, why, sizeof(why))) {
		r->fail = 1;
		say(r, "closing the broken connection: %s", why);
		return;
	}
	ovif_check(r, broken, ovif);
	if (conn_open(c, 0, why, sizeof(why))) {
		r->fail = 1;
		say(r, "reconnecting the broken vif: %s", why);
		return;
	}
	if (alive(c, "the broken vif reconnected", NULL, why, sizeof(why))) {
		diag("%s", why);
		say(r, "the vif stays disabled after reconnecting (as Linux's netback, until the device is recreated)");
		put_val("recovered", "0");
	} else {
		say(r, "the vif serves again after reconnecting");
		put_val("recovered", "1");
	}
	step_r(r, c, "reconnected");
	if (conn_close(c, why, sizeof(why))) {
		r->fail = 1;
		say(r, "%s", why);
	}
}

static void case_slots(struct result *r)
{
	static unsigned char f[256];
	unsigned int s20[20], s25[25], n, i;
	struct batch b = { .n = 0 };
	char why[512] = "", sum[512] = "";
	struct conn *c = case_start(r, 0, "before the hostile packets");
	int answered = 0;

	if (!c)
		return;
	/* 1 + 19 slots: past what netif.h promises, short of fatal_skb_slots. */
	n = fill_frame(f, 100);
	for (i = 0; i < 20; i++)
		s20[i] = 5;
	tx_packet(c, &b, "1 + 19 slots", EXP_ANY, f, n, s20, 20, NULL);
	if (run_batch(c, &b, RSP_TIMEOUT_MS, sum, sizeof(sum))) {
		r->fail = 1;
		say(r, "1 + 19 slots: WRONG answers (%s)", sum);
	} else {
		say(r, "1 + 19 slots answered (%s)", sum);
	}
	if (alive(c, "same ring after 1 + 19 slots", NULL, why, sizeof(why))) {
		r->fail = 1;
		say(r, "%s", why);
	}
	/* 1 + 24: more than fatal_skb_slots (20). */
	b.n = b.nk = 0;
	sum[0] = 0;
	n = fill_frame(f, 125);
	for (i = 0; i < 25; i++)
		s25[i] = 5;
	tx_packet(c, &b, "1 + 24 slots", EXP_MAYBE, f, n, s25, 25, NULL);
	if (run_batch(c, &b, FATAL_WAIT_MS, sum, sizeof(sum))) {
		r->fail = 1;
		say(r, "1 + 24 slots: WRONG (%s)%s%s", sum,
		    c->stray ? ", stray answers" : "",
		    c->overrun ? ", response ring overrun" : "");
	} else {
		for (i = 0; i < 25; i++)
			answered += !c->out[b.id[i]];
		say(r, "1 + 24 slots: %s", answered ?
		    "answered with errors or dropped" : "not answered (vif disabled)");
	}
	step_r(r, c, "fatal-sent");
	after_fatal(r, c, other_vif);
	step_r(r, NULL, "end");
	free(c);
}

static void case_overflow(struct result *r)
{
	static unsigned char f[128];
	struct conn *c = case_start(r, 0, "before the overflow");
	uint32_t base, i;
	int n = 0, s;
	long t;

	if (!c)
		return;
	hk_drain(c, 5000);
	/* A valid one-slot frame in every slot, all from the same page. */
	memcpy(txp.va, f, fill_frame(f, 60));
	base = c->tx.prod_pvt;
	for (i = 0; i < TX_RING; i++)
		tx_put(c, txp.grefs[0], 0, 0, next_id(c), 60);
	/* Then req_prod one past the ring. */
	c->tx.prod_pvt = base + TX_RING + 1;
	c->tx_limit = TX_RING + 1;
	tx_push(c);
	for (t = 0; t < FATAL_WAIT_MS; t += 1000) {
		long end = now_ms() + 1000;

		while (now_ms() < end)
			pump(c, 100);
		notify(c->port);
	}
	n = c->tx.cons - base;
	s = be_state();
	diag("req_prod %u past a ring at req_cons %u: %d answers, %d stray, backend state %d",
	     TX_RING + 1, base, n, c->stray, s);
	/* A backend reading slot 0 twice answers an id twice: one stray. */
	if (n > TX_RING + 1 || c->stray > (n == TX_RING + 1) || c->overrun ||
	    (s != XB_CONNECTED && s != XB_CLOSING && s != XB_CLOSED)) {
		r->fail = 1;
		say(r, "req_prod a ring + 1 ahead: WRONG: %d answers (at most %d), %d stray%s, backend state %d",
		    n, TX_RING, c->stray,
		    c->overrun ? ", response ring overrun" : "", s);
	} else {
		say(r, "req_prod a ring + 1 ahead: %s (%d answers, backend state %d)",
		    n ? "answered what the ring held" : "ring no longer served",
		    n, s);
	}
	c->tx_limit = 0;
	c->stray = 0;
	step_r(r, c, "fatal-sent");
	after_fatal(r, c, other_vif);
	step_r(r, NULL, "end");
	free(c);
}

/* --- setup --- */

static int setup(int vif, char *why, size_t wsz)
{
	static int done;

	if (done)
		return select_vif(vif, why, wsz);
	if (!access("/sys/module/xen_netfront", F_OK) ||
	    !access("/sys/bus/xen/drivers/vif", F_OK)) {
		snprintf(why, wsz, "xen-netfront is loaded: it owns the vif (boot with xpv.netfront=none)");
		return -1;
	}
	if (select_vif(vif, why, wsz))
		return -1;
	if (share_pages(&txp, NTX, be_id, 0) ||
	    share_pages(&rxp, NRX, be_id, 1) ||
	    share_pages(&aux, 2, be_id, 0) ||
	    share_pages(&other, 1, domid, 1)) {
		snprintf(why, wsz, "sharing pages with /dev/xen/gntalloc: %s",
			 strerror(errno));
		return -1;
	}
	done = 1;
	diag("domain %d, vif %d (%02x:%02x:%02x:%02x:%02x:%02x, %s), backend %s (domain %d)",
	     domid, vif, my_mac[0], my_mac[1], my_mac[2], my_mac[3], my_mac[4],
	     my_mac[5], ip_str(my_ip), be_dir, be_id);
	return 0;
}

static const struct {
	const char *name;
	void (*fn)(struct result *);
} cases[] = {
	{ "good", case_good },
	{ "ctrl-ring", case_ctrl },
	{ "zero-len-frag", case_zero },
	{ "header-split", case_split },
	{ "bad-gref", case_gref },
	{ "flood", case_flood },
	{ "rx-stall", case_stall },
	{ "too-many-slots", case_slots },
	{ "tx-ring-overflow", case_overflow },
};
#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))

static int run_case(int k, int vif)
{
	struct result r = { .msg = "", .fail = 0 };
	char why[512] = "";

	case_name = cases[k].name;
	if (setup(vif, why, sizeof(why))) {
		r.fail = 1;
		say(&r, "%s", why);
	} else {
		cases[k].fn(&r);
	}
	if (r.skip && !r.fail)
		printf("ok %s # SKIP %s\n", case_name, r.msg);
	else
		printf("%s %s: %s\n", r.fail ? "not ok" : "ok", case_name, r.msg);
	fflush(stdout);
	return r.fail;
}

static int parse_vif(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *end || end == s || v < 0 || v > 100 ? -1 : (int)v;
}

int main(int argc, char **argv)
{
	int k, vif, fail = 0, a = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "-s")) {
		stepped = 1;
		a++;
	}
	if (argc - a < 2 || argc - a > 3 || (vif = parse_vif(argv[a + 1])) < 0 ||
	    (argc - a == 3 && (other_vif = parse_vif(argv[a + 2])) < 0)) {
		fprintf(stderr, "usage: vif-hostile [-s] CASE|all VIF [OTHER_VIF]; cases:");
		for (k = 0; k < NCASES; k++)
			fprintf(stderr, " %s", cases[k].name);
		fprintf(stderr, "\n");
		return 2;
	}
	if (!strcmp(argv[a], "all")) {
		/* Each case a process of its own. */
		for (k = 0; k < NCASES; k++) {
			int status;
			pid_t pid;

			fflush(stdout);
			pid = fork();
			if (!pid)
				_exit(run_case(k, vif));
			if (pid < 0 || waitpid(pid, &status, 0) != pid ||
			    !WIFEXITED(status) || WEXITSTATUS(status))
				fail = 1;
		}
		return fail;
	}
	for (k = 0; k < NCASES; k++)
		if (!strcmp(argv[a], cases[k].name))
			return run_case(k, vif);
	fprintf(stderr, "vif-hostile: no case %s\n", argv[a]);
	return 2;
}
