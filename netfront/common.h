/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common.h - private interfaces of xen-netfront, the network frontend.
 *
 * Every .c file of the module includes this header first, so that the one
 * pr_fmt below is seen before <linux/printk.h>.
 *
 * Objects and who touches them:
 *
 *   struct xnf_info   one vif (device/vif/<n>), the private part of its
 *                     net_device. The control path (probe, otherend_changed,
 *                     resume, remove: all in the xenwatch thread) changes
 *                     @queues and @nr_queues only under the RTNL lock, and
 *                     only with the device detached, so ndo_open/ndo_stop
 *                     (RTNL) and the transmit path (detached: not called)
 *                     never see them change.
 *   struct xnf_queue  one queue: a tx and an rx ring, their event
 *                     channel(s) and a NAPI context.
 *                     TX side: everything under @tx_lock, taken with IRQs
 *                     off (responses are reaped in the event handler).
 *                     RX side: everything under @rx_lock (NAPI poll, ndo_open
 *                     and teardown); @rx.rsp_cons is also read by the event
 *                     handler, under @rx_cons_lock.
 *   @xdp_prog         the XDP program (xdp.c): replaced under the RTNL lock,
 *                     read under RCU by the NAPI poll.
 *
 * The backend is not trusted (XSA-155, XSA-396): every response is copied
 * out of the shared ring once and checked on the copy, and a grant is only
 * reused after Xen confirmed the backend no longer maps it. A backend that
 * breaks the protocol gets the device marked broken (xnf_set_broken()): no
 * more event is acknowledged, the carrier goes off, nothing is BUG()ed.
 */
#ifndef XPV_NETFRONT_COMMON_H
#define XPV_NETFRONT_COMMON_H

#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/bpf.h>
#include <linux/build_bug.h>
#include <linux/if.h>
#include <linux/if_ether.h>
#include <linux/if_vlan.h>
#include <linux/interrupt.h>
#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>

#include <net/xdp.h>

#include <xen/grant_table.h>
#include <xen/interface/io/netif.h>
#include <xen/interface/io/ring.h>
#include <xen/page.h>
#include <xen/xenbus.h>

#include <xpv/xenbus.h>

/* --- limits --- */

/* netif rings are one page each (there is no ring-page-order for net). */
#define XNF_TX_RING_SIZE	__CONST_RING_SIZE(xen_netif_tx, XEN_PAGE_SIZE)
#define XNF_RX_RING_SIZE	__CONST_RING_SIZE(xen_netif_rx, XEN_PAGE_SIZE)

/*
 * A slot carries at most one Xen page; the data path assumes the kernel's
 * pages are Xen pages (x86), so a slot never straddles two struct pages.
 */
static_assert(PAGE_SIZE == XEN_PAGE_SIZE);

/*
 * The most data slots of one packet: what every backend must accept (TX),
 * and what we accept from the backend (RX).
 */
#define XNF_MAX_SLOTS		XEN_NETIF_NR_SLOTS_MIN
/* TX: stop the queue while a maximal packet and its GSO slot might not fit. */
#define XNF_TX_STOP_THRESH	(XNF_MAX_SLOTS + 2)
/* RX: bytes copied into the skb's linear area, the rest stays in pages. */
#define XNF_RX_COPY_THRESHOLD	256
/* A single-slot packet up to a full Ethernet frame is copied out whole. */
#define XNF_RX_COPYBREAK	(ETH_FRAME_LEN + VLAN_HLEN)

/* "vif<devid>-q<n>" and that with "-tx"/"-rx", as the in-tree driver. */
#define XNF_QUEUE_NAME_SIZE	(IFNAMSIZ + 6)
#define XNF_IRQ_NAME_SIZE	(XNF_QUEUE_NAME_SIZE + 3)

extern unsigned int xnf_max_queues;
extern bool xnf_trusted;

/* --- counters (ethtool -S; see ethtool.c for the names) --- */

enum xnf_tx_counter {
	XNF_TX_PACKETS,
	XNF_TX_BYTES,
	XNF_TX_ERRORS,		/* responses with an error status */
	XNF_TX_GRANTS,		/* grants given to the backend */
	XNF_TX_GRANT_ENDS,	/* grants revoked */
	XNF_TX_BUSY,		/* revocations refused: page kept, leaked */
	XNF_TX_NOTIFIES,	/* events sent to the backend */
	XNF_TX_BOUNCED,		/* packets copied to zeroed pages first */
	XNF_TX_BOUNCED_BYTES,	/* ... their bytes */
	XNF_TX_NR
};

enum xnf_rx_counter {
	XNF_RX_PACKETS,
	XNF_RX_BYTES,
	XNF_RX_ERRORS,		/* packets dropped (error status, bad extra) */
	XNF_RX_GRANTS,
	XNF_RX_GRANT_ENDS,
	XNF_RX_BUSY,
	XNF_RX_NOTIFIES,
	XNF_RX_NOMEM,		/* refills cut short by a failed allocation */
	XNF_RX_CSUM_FIXUP,	/* GSO packets without csum_blank, fixed up */
	XNF_RX_XDP_PASS,	/* XDP verdicts, one per packet run */
	XNF_RX_XDP_DROP,
	XNF_RX_XDP_TX,
	XNF_RX_XDP_REDIRECT,
	XNF_RX_XDP_ABORTED,	/* and invalid verdicts */
	XNF_RX_XDP_ERRORS,	/* XDP_TX or XDP_REDIRECT that failed */
	XNF_RX_XDP_TOO_BIG,	/* dropped unseen: more than one slot */
	XNF_RX_COPIED,		/* small packets copied out, page posted again */
	XNF_RX_COPIED_BYTES,	/* ... their bytes */
	XNF_RX_NR
};

enum xnf_irq_counter {
	XNF_IRQ_EVENTS,		/* interrupts taken */
	XNF_IRQ_SPURIOUS,	/* of those, EOIed as spurious (no new work) */
	XNF_IRQ_NR
};

#define XNF_COUNTERS_MAX	XNF_RX_NR
static_assert((int)XNF_TX_NR <= (int)XNF_COUNTERS_MAX &&
	      (int)XNF_IRQ_NR <= (int)XNF_COUNTERS_MAX);

/**
 * struct xnf_counters - one writer's counters
 * @syncp: for 32-bit readers
 * @v: indexed by enum xnf_tx_counter, xnf_rx_counter or xnf_irq_counter
 *
 * Each set has a single writer context (the lock holder or the handler of
 * one event channel), so increments need no atomics.
 */
struct xnf_counters {
	struct u64_stats_sync syncp;
	u64_stats_t v[XNF_COUNTERS_MAX];
};

static inline void xnf_count(struct xnf_counters *c, unsigned int i,
			     unsigned long n)
{
	u64_stats_update_begin(&c->syncp);
	u64_stats_add(&c->v[i], n);
	u64_stats_update_end(&c->syncp);
}

u64 xnf_counter_read(const struct xnf_counters *c, unsigned int i);

/**
 * struct xnf_qstats - the counters of one queue number
 * @tx: written under the queue's tx_lock
 * @rx: written under the queue's rx_lock
 * @irq: written by the handler of the tx (or only) event channel
 *	(XNF_IRQ_TX) and of the rx one (XNF_IRQ_RX)
 *
 * They live as long as the net_device, not the connection, so that
 * statistics survive a reconnection and can be read at any time.
 */
struct xnf_qstats {
	struct xnf_counters tx;
	struct xnf_counters rx;
	struct xnf_counters irq[2];
};

#define XNF_IRQ_TX	0
#define XNF_IRQ_RX	1

/* --- queues --- */

enum xnf_tx_state {
	XNF_TX_FREE,		/* on the free list */
	XNF_TX_QUEUED,		/* written, not yet pushed to the backend */
	XNF_TX_PENDING,		/* pushed, its response awaited */
	XNF_TX_LEAKED,		/* the backend kept the grant: never reused */
};

/**
 * struct xnf_tx_slot - one TX request id
 * @skb: the packet; each slot holds one reference to it
 * @ref: the grant reference this id always uses
 * @next: free-list link
 * @state: enum xnf_tx_state
 */
struct xnf_tx_slot {
	struct sk_buff *skb;
	grant_ref_t ref;
	u16 next;
	u8 state;
};

/**
 * struct xnf_rx_slot - one RX ring entry (the request id is its index)
 * @page: the buffer granted to the backend, NULL when none is posted
 * @ref: the grant reference of this entry
 */
struct xnf_rx_slot {
	struct page *page;
	grant_ref_t ref;
};

struct xnf_info;

/**
 * struct xnf_queue - one queue
 * @info: the vif
 * @id: queue number
 * @name: "vif<devid>-q<id>"
 * @napi: receives; TX completions are reaped in the event handler
 * @split: separate tx and rx event channels (feature-split-event-channels)
 * @tx_ev: the tx event channel, or the only one
 * @rx_ev: the rx event channel when @split, else unbound
 * @tx_irq: @tx_ev's IRQ, kept for the transmit path
 * @rx_irq: @rx_ev's IRQ when @split, else @tx_irq
 * @tx_irq_name: "<name>-tx", or the netdev's name for a shared channel
 * @rx_irq_name: "<name>-rx"
 * @tx_lock: the TX side, with IRQs off
 * @tx: the tx front ring; @tx.sring NULL when not allocated
 * @tx_ring: its page and grant, published as tx-ring-ref
 * @tx_free: head of the free id list (XNF_TX_NONE when empty)
 * @tx_nr_free: ids on it
 * @tx_slots: one per request id
 * @rx_lock: the RX side
 * @rx: the rx front ring; @rx.sring NULL when not allocated
 * @rx_ring: its page and grant, published as rx-ring-ref
 * @rx_slots: one per ring entry
 * @rx_refill: retries a refill that could not allocate
 * @rx_cons_lock: @rx.rsp_cons against the event handler's count
 * @rx_unconsumed: responses the handler has already seen
 * @xdp_rxq: XDP's view of the rx ring, registered with the queue
 */
struct xnf_queue {
	struct xnf_info *info;
	unsigned int id;
	char name[XNF_QUEUE_NAME_SIZE];
	struct napi_struct napi;

	bool split;
	struct xpvbus_fevtchn tx_ev;
	struct xpvbus_fevtchn rx_ev;
	int tx_irq;
	int rx_irq;
	char tx_irq_name[XNF_IRQ_NAME_SIZE];
	char rx_irq_name[XNF_IRQ_NAME_SIZE];

	spinlock_t tx_lock;		/* the TX side */
	struct xen_netif_tx_front_ring tx;
	struct xpvbus_fring tx_ring;
	u16 tx_free;
	unsigned int tx_nr_free;
	struct xnf_tx_slot tx_slots[XNF_TX_RING_SIZE];

	spinlock_t rx_lock ____cacheline_aligned_in_smp; /* the RX side */
	struct xen_netif_rx_front_ring rx;
	struct xpvbus_fring rx_ring;
	struct xnf_rx_slot rx_slots[XNF_RX_RING_SIZE];
	struct timer_list rx_refill;

	spinlock_t rx_cons_lock;	/* @rx.rsp_cons, @rx_unconsumed */
	unsigned int rx_unconsumed;

	struct xdp_rxq_info xdp_rxq;
};

#define XNF_TX_NONE	0xffff

/**
 * struct xnf_info - one vif, the net_device's private area
 * @netdev: the interface
 * @xbdev: its xenbus device
 * @queues: @nr_queues queues, NULL when disconnected (RTNL)
 * @nr_queues: connected queues
 * @stats: counters, one set per possible queue (netdev->num_tx_queues)
 * @flags: XNF_BROKEN: the backend broke the protocol (xnf_set_broken())
 * @bounce: copy every transmitted packet to zeroed pages first (XSA-403)
 * @feat_sg: the backend reads multi-slot packets (feature-sg)
 * @feat_gso4: feature-gso-tcpv4
 * @feat_gso6: feature-gso-tcpv6
 * @feat_ipv6_csum: feature-ipv6-csum-offload
 * @feat_xdp_headroom: feature-xdp-headroom: the backend leaves the
 *	xdp-headroom we ask for before each packet's data
 * @xdp_prog: the XDP program, NULL when none (RTNL; RCU for readers)
 * @tx_dropped: packets dropped before reaching a ring
 */
struct xnf_info {
	struct net_device *netdev;
	struct xenbus_device *xbdev;
	struct xnf_queue *queues;
	unsigned int nr_queues;
	struct xnf_qstats *stats;
	unsigned long flags;
	bool bounce;
	bool feat_sg;
	bool feat_gso4;
	bool feat_gso6;
	bool feat_ipv6_csum;
	bool feat_xdp_headroom;
	struct bpf_prog __rcu *xdp_prog;
	atomic_long_t tx_dropped;
};

#define XNF_BROKEN	0

void xnf_set_broken(struct xnf_info *info, const char *why);

static inline bool xnf_is_broken(const struct xnf_info *info)
{
	return test_bit(XNF_BROKEN, &info->flags);
}

/* --- main.c: the net_device --- */

struct net_device *xnf_netdev_alloc(struct xenbus_device *xbdev);
void xnf_netdev_free(struct net_device *netdev);
int xnf_queues_create(struct xnf_info *info, unsigned int nr);
void xnf_queues_destroy(struct xnf_info *info);

/* --- tx.c --- */

void xnf_tx_init(struct xnf_queue *q);
int xnf_tx_grants_alloc(struct xnf_queue *q);
netdev_tx_t xnf_start_xmit(struct sk_buff *skb, struct net_device *dev);
bool xnf_xmit(struct xnf_queue *q, struct sk_buff *skb);
bool xnf_tx_reap(struct xnf_queue *q);
bool xnf_tx_event(struct xnf_queue *q);
void xnf_tx_release(struct xnf_queue *q);

/* --- rx.c --- */

void xnf_rx_init(struct xnf_queue *q);
int xnf_rx_grants_alloc(struct xnf_queue *q);
void xnf_rx_refill(struct xnf_queue *q);
int xnf_poll(struct napi_struct *napi, int budget);
bool xnf_rx_event(struct xnf_queue *q);
void xnf_rx_release(struct xnf_queue *q);

/* --- xdp.c --- */

/*
 * With XDP a received packet must fit one slot, and end before the room an
 * skb built on its page (XDP_TX, or a redirect's target) needs at the end:
 * @XNF_XDP_DATA_END bytes into the page. The largest MTU then leaves the
 * headroom the backend puts first.
 */
#define XNF_XDP_DATA_END	(PAGE_SIZE - \
				 SKB_DATA_ALIGN(sizeof(struct skb_shared_info)))
#define XNF_XDP_MAX_MTU		(XNF_XDP_DATA_END - XDP_PACKET_HEADROOM - \
				 ETH_HLEN)

int xnf_bpf(struct net_device *dev, struct netdev_bpf *bpf);
int xnf_xdp_xmit(struct net_device *dev, int n, struct xdp_frame **frames,
		 u32 flags);
unsigned int xnf_xdp_headroom(struct xnf_info *info);
bool xnf_xdp_rx(struct xnf_queue *q, struct bpf_prog *prog, struct page *page,
		u16 *off, u16 *len, bool *redirected);
int xnf_xdp_rxq_reg(struct xnf_queue *q);
void xnf_xdp_rxq_unreg(struct xnf_queue *q);

/* --- evtchn.c: event channels --- */

int xnf_evtchn_bind(struct xnf_queue *q, bool split);
void xnf_evtchn_unbind(struct xnf_queue *q);

/* --- ethtool.c --- */

extern const struct ethtool_ops xnf_ethtool_ops;

/* --- xenbus.c: the control path --- */

int xnf_xenbus_init(void);
void xnf_xenbus_exit(void);
int xnf_xenbus_set_xdp_headroom(struct xnf_info *info, unsigned int headroom,
				struct netlink_ext_ack *extack);

#endif /* XPV_NETFRONT_COMMON_H */
