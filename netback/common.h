/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common.h - private interfaces of xen-netback, the network backend.
 *
 * Every .c file of the module includes this header first, so that the one
 * pr_fmt below is seen before <linux/printk.h>.
 *
 * Directions are named from the guest's side, as netif.h does: guest TX
 * is frontend -> dom0 (what the vif netdev receives), guest RX is
 * dom0 -> frontend (what the vif netdev transmits).
 *
 * Objects and who touches them:
 *
 *   struct xnb_backend  one vif (backend/vif/<domid>/<handle>): xenstore
 *                       negotiation, changed by the xenwatch thread (probe,
 *                       watches, otherend_changed, remove) under @lock.
 *   struct xnb_vif      the netdev's private part. @queues and @nr_queues
 *                       are published once a connection is complete and
 *                       withdrawn (nr_queues = 0, then a grace period)
 *                       before they are freed, so the xmit path and the
 *                       statistics read them under RCU.
 *   struct xnb_queue    one queue: a TX ring consumed by its NAPI poll
 *                       (the only writer of TX responses) and an RX ring
 *                       filled by its kthread (the only writer of RX
 *                       responses); the xmit path only appends to
 *                       @rx_queue under its lock.
 *   struct xnb_ctrl     the control ring, when the frontend offers one:
 *                       served by its own kthread, the only writer of
 *                       struct xnb_hash while it runs; the xmit path reads
 *                       the hash state under its seqlock.
 */
#ifndef XPV_NETBACK_COMMON_H
#define XPV_NETBACK_COMMON_H

#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/build_bug.h>
#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/if_vlan.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/sched.h>
#include <linux/seqlock.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/types.h>
#include <linux/wait.h>

#include <xen/grant_table.h>
#include <xen/interface/io/netif.h>
#include <xen/page.h>
#include <xen/xenbus.h>

#include <xpv/xenbus.h>

/* --- limits --- */

/* Slots in the one-page guest RX ring. */
#define XNB_RX_RING_SIZE	__CONST_RING_SIZE(xen_netif_rx, XEN_PAGE_SIZE)

/*
 * The most slots after the first one that a packet may use and still be
 * accepted: netif.h's XEN_NETIF_NR_SLOTS_MIN, what Linux calls
 * XEN_NETBK_LEGACY_SLOTS_MAX. Longer chains are answered with an error,
 * and chains longer than fatal_skb_slots disable the vif.
 */
#define XNB_LEGACY_SLOTS_MAX	XEN_NETIF_NR_SLOTS_MIN
/* Data slots one accepted guest TX packet can have. */
#define XNB_TX_MAX_SLOTS	(XNB_LEGACY_SLOTS_MAX + 1)
#define XNB_FATAL_SKB_SLOTS_DEFAULT	20

/*
 * Guest TX packets are copied, never mapped. One that fits in a frame is
 * copied whole into the linear area; a larger one gets its first
 * XNB_TX_COPY_LEN bytes there, gathered across slots (XSA-423, XSA-432:
 * the headers never stay split over fragments), and the rest in whole
 * local pages, so its fragments depend only on its length.
 */
#define XNB_TX_LINEAR_MAX	(ETH_FRAME_LEN + VLAN_HLEN)
#define XNB_TX_COPY_LEN		128
static_assert(DIV_ROUND_UP(XEN_NETIF_MAX_TX_SIZE - XNB_TX_COPY_LEN,
			   PAGE_SIZE) <= MAX_SKB_FRAGS);

/*
 * Grant copies of one guest TX packet at most: each ends at the end of a
 * slot, of the linear area or of a fragment, or at a page boundary inside
 * the linear area.
 */
#define XNB_TX_OPS_PER_PKT	(XNB_TX_MAX_SLOTS + MAX_SKB_FRAGS + 2)
/* Guest TX packets and grant copies gathered into one hypercall. */
#define XNB_TX_BATCH		64
#define XNB_TX_COPY_OPS		256
static_assert(XNB_TX_COPY_OPS >= XNB_TX_OPS_PER_PKT);

/* Guest RX: packets per kthread round, grant copies per hypercall. */
#define XNB_RX_BATCH		64
#define XNB_RX_COPY_OPS		64

/* Guest RX packets a frontend accepts: data slots of one packet. */
#define XNB_RX_MAX_DATA_SLOTS	XEN_NETIF_NR_SLOTS_MIN

/* Bytes queued towards one guest RX ring before the netdev queue stops. */
#define XNB_RX_QUEUE_BYTES	(XNB_RX_RING_SIZE / 2 * XEN_PAGE_SIZE)

/*
 * The largest XDP headroom a frontend may ask for (xdp-headroom). netif.h
 * allows up to XEN_NETIF_MAX_XDP_HEADROOM, but the headroom is taken from
 * the first slot's page: half a page still leaves room there for a whole
 * 1514-byte frame, and Linux's netfront asks for XDP_PACKET_HEADROOM (256).
 */
#define XNB_MAX_XDP_HEADROOM	((unsigned int)XEN_PAGE_SIZE / 2)
static_assert(XNB_MAX_XDP_HEADROOM <= XEN_NETIF_MAX_XDP_HEADROOM);

/* Multicast addresses one frontend may register (as Linux). */
#define XNB_MCAST_MAX		64

/* Packets the netdev's qdisc holds for one vif (as Linux). */
#define XNB_QUEUE_LENGTH	32

/*
 * Control ring: the longest Toeplitz key and the most mapping entries we
 * take (Linux's XEN_NETBK_MAX_HASH_KEY_SIZE and _MAPPING_SIZE). A table
 * must fit one grant.
 */
#define XNB_HASH_KEY_SIZE	40
#define XNB_HASH_MAPPING_SIZE	128
static_assert(XNB_HASH_MAPPING_SIZE * sizeof(u32) <= XEN_PAGE_SIZE);

extern unsigned int xnb_max_queues;
extern unsigned int xnb_fatal_skb_slots;
extern unsigned int xnb_rx_drain_timeout_msecs;
extern unsigned int xnb_rx_stall_timeout_msecs;
extern bool xnb_separate_tx_rx_irq;
extern bool xnb_provides_xdp_headroom;

/* --- statistics --- */

/**
 * struct xnb_stats - one queue's counters
 * @rx_bytes: guest TX bytes delivered to the stack (netdev rx)
 * @rx_packets: guest TX packets delivered to the stack
 * @rx_gso_checksum_fixup: guest TX GSO packets without csum_blank, made
 *	CHECKSUM_PARTIAL (Linux's name)
 * @gtx_copy_calls: guest TX grant-copy hypercall batches
 * @gtx_copy_ops: guest TX grant-copy segments
 * @gtx_copy_bytes: guest TX bytes Xen copied for us
 * @gtx_copy_errors: guest TX segments Xen refused to copy
 * @gtx_errors: guest TX packets answered with an error (malformed, too
 *	many slots, copy failure, no memory, bad checksum headers)
 * @gtx_notify: notifications sent for guest TX responses
 * @tx_bytes: guest RX bytes put on the ring (netdev tx)
 * @tx_packets: guest RX packets put on the ring
 * @grx_copy_calls: guest RX grant-copy hypercall batches
 * @grx_copy_ops: guest RX grant-copy segments
 * @grx_copy_bytes: guest RX bytes Xen copied for us
 * @grx_copy_errors: guest RX segments Xen refused to copy
 * @grx_notify: notifications sent for guest RX responses
 * @grx_queue_full: packets dropped because @rx_queue held its bound
 * @grx_expired: packets dropped after waiting rx_drain_timeout_msecs
 * @grx_stalls: times the frontend was found not posting RX requests
 * @irq_tx: interrupts on the TX (or the only) event channel
 * @irq_tx_spurious: of those, with no work (EOIed as spurious)
 * @irq_rx: interrupts on the RX event channel (split channels)
 * @irq_rx_spurious: of those, with no work
 *
 * Each field has a single writer (the NAPI poll, the kthread, the xmit
 * path under the rx_queue lock, or one IRQ handler); readers sum them
 * without locking.
 */
struct xnb_stats {
	unsigned long rx_bytes;
	unsigned long rx_packets;
	unsigned long rx_gso_checksum_fixup;
	unsigned long gtx_copy_calls;
	unsigned long gtx_copy_ops;
	unsigned long gtx_copy_bytes;
	unsigned long gtx_copy_errors;
	unsigned long gtx_errors;
	unsigned long gtx_notify;
	unsigned long tx_bytes;
	unsigned long tx_packets;
	unsigned long grx_copy_calls;
	unsigned long grx_copy_ops;
	unsigned long grx_copy_bytes;
	unsigned long grx_copy_errors;
	unsigned long grx_notify;
	unsigned long grx_queue_full;
	unsigned long grx_expired;
	unsigned long grx_stalls;
	unsigned long irq_tx;
	unsigned long irq_tx_spurious;
	unsigned long irq_rx;
	unsigned long irq_rx_spurious;
};

/* --- one queue --- */

/**
 * struct xnb_tx_pkt - one guest TX packet between its grant copy and its
 *	delivery
 * @skb: the packet, its data areas the copies' destinations
 * @slots: the data slots as copied out of the ring; @slots[0].size is the
 *	first slot's own length, not the packet's
 * @nr_slots: entries in @slots
 * @nr_extras: extra-info slots after the first, answered NULL
 * @first_op: its first grant copy in the queue's batch
 * @nr_ops: its grant copies
 * @gso: the GSO extra, type 0 when absent
 * @hash: the hash extra, type 0 when absent
 */
struct xnb_tx_pkt {
	struct sk_buff *skb;
	struct xen_netif_tx_request slots[XNB_TX_MAX_SLOTS];
	unsigned int nr_slots;
	unsigned int nr_extras;
	unsigned int first_op;
	unsigned int nr_ops;
	struct xen_netif_extra_info gso;
	struct xen_netif_extra_info hash;
};

/* @tx_flags bits: set elsewhere, acted on by the next poll. */
#define XNB_TXF_REFILL		0	/* the credit window has passed */
#define XNB_TXF_RATE_CHANGED	1	/* the rate key was rewritten */

/* Late-EOI owners of a queue's event channels (@eoi_pending bits). */
#define XNB_EOI_TX	BIT(0)
#define XNB_EOI_RX	BIT(1)

struct xnb_vif;
struct seq_file;

/**
 * struct xnb_queue - one queue: a TX ring, an RX ring, their channels
 * @vif: the vif
 * @id: queue number
 * @name: "vifD.N-qI", the kthread's and the interrupts' name
 * @tx_irq_name: the TX channel's interrupt name (split channels)
 * @rx_irq_name: the RX channel's interrupt name (split channels)
 * @tx: the guest TX back ring
 * @tx_sring: mapping of the TX ring page (NULL when unmapped)
 * @rx: the guest RX back ring
 * @rx_sring: mapping of the RX ring page (NULL when unmapped)
 * @tx_irq: the TX channel, or the only one (0 when unbound)
 * @rx_irq: the RX channel; equal to @tx_irq with one channel
 * @eoi_pending: XNB_EOI_* owners of a pending late EOI; with one channel
 *	the first of them to finish sends it
 * @napi: guest TX processing
 * @tx_ops: the guest TX grant copies of one batch
 * @tx_pkts: the guest TX packets of one batch
 * @tx_flags: XNB_TXF_* requests from other contexts to the poll
 * @credit_bytes: rate limit: bytes per @credit_usec (~0UL: unlimited)
 * @credit_usec: rate limit window, 0 for none
 * @remaining_credit: bytes the guest may still send in this window
 * @credit_window_start: jiffies64 at the start of the window
 * @credit_timer: reschedules the poll when credit returns
 * @rate_limited: the poll stopped for want of credit
 * @task: the guest RX kthread
 * @wq: the kthread waits here
 * @rx_queue: packets waiting for guest RX requests; its lock also guards
 *	@rx_queue_len
 * @rx_queue_len: bytes in @rx_queue
 * @rx_queue_max: bound of @rx_queue_len (XSA-392)
 * @rx_slots_needed: ring slots the head of @rx_queue needs, 0 if empty
 * @last_rx_time: jiffies when the frontend last took a packet
 * @stalled: the frontend is not posting requests; counted in the vif's
 *	stalled_queues
 * @rx_ops: guest RX grant copies not yet issued
 * @rx_op_slot: the ring index each of @rx_ops fills
 * @rx_nr_ops: entries in @rx_ops
 * @rx_done: packets on the ring whose copies are issued with @rx_ops
 * @rx_slot_err: ring slots (index mod ring size) a copy failed for
 * @stats: counters
 */
struct xnb_queue {
	struct xnb_vif *vif;
	unsigned int id;
	char name[IFNAMSIZ + 12];
	char tx_irq_name[IFNAMSIZ + 16];
	char rx_irq_name[IFNAMSIZ + 16];

	struct xen_netif_tx_back_ring tx;
	void *tx_sring;
	struct xen_netif_rx_back_ring rx;
	void *rx_sring;
	int tx_irq;
	int rx_irq;
	atomic_t eoi_pending;

	/* guest TX */
	struct napi_struct napi;
	struct gnttab_copy *tx_ops;
	struct xnb_tx_pkt *tx_pkts;
	unsigned long tx_flags;
	unsigned long credit_bytes;
	unsigned long credit_usec;
	unsigned long remaining_credit;
	u64 credit_window_start;
	struct timer_list credit_timer;
	bool rate_limited;

	/* guest RX */
	struct task_struct *task;
	wait_queue_head_t wq;
	struct sk_buff_head rx_queue;
	unsigned int rx_queue_len;
	unsigned int rx_queue_max;
	unsigned int rx_slots_needed;
	unsigned long last_rx_time;
	bool stalled;
	struct gnttab_copy rx_ops[XNB_RX_COPY_OPS];
	RING_IDX rx_op_slot[XNB_RX_COPY_OPS];
	unsigned int rx_nr_ops;
	struct sk_buff_head rx_done;
	DECLARE_BITMAP(rx_slot_err, XNB_RX_RING_SIZE);

	struct xnb_stats stats;
};

/* --- the control ring and hashing (ctrl.c) --- */

/**
 * struct xnb_hash - how the frontend wants packets towards it hashed
 * @lock: written by one writer at a time (the control ring's kthread,
 *	or the xenwatch thread at connect and disconnect when none runs);
 *	the xmit path reads under it, per packet
 * @alg: XEN_NETIF_CTRL_HASH_ALGORITHM_*
 * @flags: XEN_NETIF_CTRL_HASH_TYPE_* the frontend wants hashed
 * @key: the Toeplitz key, zero-padded
 * @size: entries in @mapping in use, 0 for none (hash modulo the queues)
 * @mapping: hash modulo @size -> queue, each below the queue count
 */
struct xnb_hash {
	seqlock_t lock;
	u32 alg;
	u32 flags;
	u8 key[XNB_HASH_KEY_SIZE];
	u32 size;
	u32 mapping[XNB_HASH_MAPPING_SIZE];
};

/**
 * struct xnb_ctrl - the control ring (feature-ctrl-ring)
 * @ring: the back ring
 * @sring: mapping of the ring page, NULL when there is no ring
 * @irq: event-channel-ctrl, bound with late EOI (0 when unbound)
 * @task: the kthread serving the ring
 * @wq: the kthread waits here
 * @eoi_pending: the interrupt left the channel's late EOI to the kthread
 * @broken: the frontend overran the ring: no longer served, the channel
 *	left masked, until it reconnects
 * @nr_queues: the connection's queues; mapping entries must be below it
 * @buf: a page of ours the frontend's key and tables are copied to, and
 *	checked in, before they are used
 * @name: "vifD.N-ctrl", the kthread's and the interrupt's name
 * @requests: requests answered (since the vif was created)
 * @irqs: interrupts taken
 * @irqs_spurious: of those, with no request waiting
 */
struct xnb_ctrl {
	struct xen_netif_ctrl_back_ring ring;
	void *sring;
	int irq;
	struct task_struct *task;
	wait_queue_head_t wq;
	atomic_t eoi_pending;
	bool broken;
	unsigned int nr_queues;
	void *buf;
	char name[IFNAMSIZ + 8];
	unsigned long requests;
	unsigned long irqs;
	unsigned long irqs_spurious;
};

/* --- one vif --- */

/* @flags bits */
#define XNB_VIF_CONNECTED	0	/* queues set up, data may flow */
#define XNB_VIF_DISABLED	1	/* the frontend broke the protocol */

/**
 * struct xnb_mcast - one multicast address the frontend asked for
 * @entry: on the vif's list (RCU)
 * @rcu: for kfree_rcu()
 * @addr: the address
 */
struct xnb_mcast {
	struct list_head entry;
	struct rcu_head rcu;
	u8 addr[ETH_ALEN];
};

/**
 * struct xnb_features - what the frontend asked for, read at connect
 * @nr_queues: multi-queue-num-queues (1 when absent)
 * @can_sg: feature-sg
 * @gso_mask: BIT(XEN_NETIF_GSO_TYPE_*) of the feature-gso-* it accepts
 * @ip_csum: IPv4 checksum offload (no feature-no-csum-offload)
 * @ipv6_csum: feature-ipv6-csum-offload
 * @rx_notify: feature-rx-notify: it kicks when it posts RX requests
 * @mcast: request-multicast-control
 * @xdp_headroom: xdp-headroom, bounded (0 when absent, rejected or not
 *	offered)
 * @credit_bytes: the backend's rate key: bytes per window (~0UL: none)
 * @credit_usec: its window in microseconds
 */
struct xnb_features {
	unsigned int nr_queues;
	bool can_sg;
	u8 gso_mask;
	bool ip_csum;
	bool ipv6_csum;
	bool rx_notify;
	bool mcast;
	unsigned int xdp_headroom;
	unsigned long credit_bytes;
	unsigned long credit_usec;
};

/**
 * struct xnb_vif - a vif's netdev private part
 * @dev: the netdev, vif<domid>.<handle>
 * @xbdev: the xenbus device
 * @domid: the frontend's domain
 * @max_queues: the queues offered (max_queues when it was probed)
 * @queues: the queues (see the RCU rule above)
 * @nr_queues: entries in @queues; 0 while disconnected
 * @flags: XNB_VIF_* bits; DISABLED stays until the frontend reconnects
 * @up: the queues' NAPI and interrupts are enabled (under RTNL)
 * @can_sg: negotiated, see struct xnb_features
 * @gso_mask: negotiated
 * @ip_csum: negotiated
 * @ipv6_csum: negotiated
 * @multicast_control: filter multicast towards the guest
 * @xdp_headroom: bytes left free before the data in the first slot of
 *	each guest RX packet (the frontend's xdp-headroom); changed by the
 *	xenwatch thread at connect and on Reconfiguring, read once per packet
 *	by the xmit path
 * @drain_timeout: jiffies a packet may wait for guest RX requests
 * @stall_timeout: jiffies without RX requests before the carrier goes
 *	off (0: never, for a frontend without feature-rx-notify)
 * @lock: guards @stalled_queues and the carrier decision
 * @stalled_queues: queues whose frontend is not posting RX requests
 * @mcast_lock: serialises changes of @mcast_list
 * @mcast_list: multicast addresses the frontend registered (RCU)
 * @nr_mcast: entries on @mcast_list
 * @tx_dropped: packets dropped by the xmit path
 * @fe_mac: the guest's MAC (the backend's "mac" key)
 * @dbg: debugfs directory
 * @ctrl: the control ring (connected and torn down with the backend's
 *	lock held)
 * @hash: the hash state the frontend set on it
 */
struct xnb_vif {
	struct net_device *dev;
	struct xenbus_device *xbdev;
	domid_t domid;
	unsigned int max_queues;

	struct xnb_queue *queues;
	unsigned int nr_queues;
	unsigned long flags;
	bool up;

	bool can_sg;
	u8 gso_mask;
	bool ip_csum;
	bool ipv6_csum;
	bool multicast_control;
	unsigned int xdp_headroom;
	unsigned long drain_timeout;
	unsigned long stall_timeout;

	spinlock_t lock;		/* @stalled_queues, carrier */
	unsigned int stalled_queues;

	spinlock_t mcast_lock;		/* writers of @mcast_list */
	struct list_head mcast_list;
	unsigned int nr_mcast;

	atomic64_t tx_dropped;
	u8 fe_mac[ETH_ALEN];
	struct dentry *dbg;

	struct xnb_ctrl ctrl;
	struct xnb_hash hash;
};

/* --- interface.c: the netdev and the queues --- */

struct xnb_vif *xnb_vif_create(struct xenbus_device *xbdev, domid_t domid,
			       unsigned int handle, unsigned int max_queues);
void xnb_vif_free(struct xnb_vif *vif);
int xnb_vif_connect(struct xnb_vif *vif, const struct xnb_features *feat);
void xnb_vif_disconnect(struct xnb_vif *vif);
void xnb_vif_set_rate(struct xnb_vif *vif, unsigned long bytes,
		      unsigned long usec);
void xnb_vif_fatal(struct xnb_vif *vif, const char *why);
void xnb_vif_update_carrier(struct xnb_vif *vif, int stalled_delta);
void xnb_queue_eoi(struct xnb_queue *q, unsigned int owner);

/* --- tx.c: guest TX (frontend -> dom0) --- */

int xnb_poll(struct napi_struct *napi, int budget);
bool xnb_tx_has_work(struct xnb_queue *q);
void xnb_tx_schedule_or_eoi(struct xnb_queue *q);
void xnb_tx_credit_timer(struct timer_list *t);
bool xnb_mcast_match(struct xnb_vif *vif, const u8 *addr);
void xnb_mcast_free(struct xnb_vif *vif);

/* --- rx.c: guest RX (dom0 -> frontend) --- */

bool xnb_rx_accept(struct xnb_vif *vif, struct sk_buff *skb);
bool xnb_rx_enqueue(struct xnb_queue *q, struct sk_buff *skb);
bool xnb_rx_has_work(struct xnb_queue *q);
int xnb_rx_thread(void *data);

/* --- ctrl.c: the control ring and Toeplitz hashing --- */

/**
 * struct xnb_hash_val - a packet's hash as told to the frontend
 * @value: the Toeplitz hash
 * @type: _XEN_NETIF_CTRL_HASH_TYPE_* of the bytes hashed
 */
struct xnb_hash_val {
	u32 value;
	u8 type;
};

void xnb_ctrl_init(struct xnb_vif *vif);
int xnb_ctrl_connect(struct xnb_vif *vif);
void xnb_ctrl_disconnect(struct xnb_vif *vif);
u16 xnb_select_queue(struct net_device *dev, struct sk_buff *skb,
		     struct net_device *sb_dev);
bool xnb_hash_for_guest(struct xnb_vif *vif, const struct sk_buff *skb,
			struct xnb_hash_val *hv);
void xnb_hash_from_guest(struct sk_buff *skb,
			 const struct xen_netif_extra_info *extra);
void xnb_ctrl_show(struct seq_file *m, struct xnb_vif *vif);

/* --- stats.c: ethtool -S and debugfs --- */

extern const struct ethtool_ops xnb_ethtool_ops;
void xnb_stats_sum(struct xnb_vif *vif, struct xnb_stats *sum);
void xnb_debugfs_init(void);
void xnb_debugfs_exit(void);
void xnb_debugfs_add(struct xnb_vif *vif);
void xnb_debugfs_del(struct xnb_vif *vif);

/* --- xenbus.c: the control path --- */

int xnb_xenbus_init(void);
void xnb_xenbus_exit(void);

#endif /* XPV_NETBACK_COMMON_H */
