# SPDX-License-Identifier: GPL-2.0
#
# The network interop matrix: every netfront/netback pair this image can
# load (xpv/xpv, xpv/in-tree, in-tree/xpv in an xpv image; in-tree/in-tree
# in an in-tree one), each in a domU with two queues on bridge br0: MTU
# 9000 on both ends, pings of 56, 1400 and 8000 bytes, eight TCP streams of
# 4 MiB each way and 2000 UDP datagrams each way, every byte checked
# (tests/net/netpattern.c); the guest's offloads turned off with ethtool
# (MTU falls to 1500) and a stream sent so; the MTU changed live under a
# stream; both queues carrying traffic, and nothing left after xl destroy.
# xpv-timeout: 1800
. /xpv/lib/tap.sh
. /xpv/lib/domu.sh
. /xpv/lib/drivers.sh

if [ "$DRIVERS" = intree ]; then
	pairs=${MATRIX_PAIRS:-intree/intree intree/intree:shared}
else
	pairs=${MATRIX_PAIRS:-xpv/xpv xpv/intree intree/xpv intree/xpv:shared xpv/intree:shared}
fi

# guest_key D NODE
guest_key() { xenstore-read "/local/domain/$1/data/xpv/$2" 2>/dev/null; }

# one_run FE BE [shared]: "shared" makes the backend offer one event
# channel per queue instead of separate TX and RX ones.
one_run() {
	local fe=$1 be=$2 shared=${3:-} d vif p attempt st split=1
	TAP_PREFIX="$fe front, $be back${shared:+, one shared channel}: "
	[ -n "$shared" ] && split=0
	if ! driver_use "$be" xen-netback max_queues=4 separate_tx_rx_irq=$split; then
		tap_fail "load $be xen-netback"
		return
	fi
	tap_ok "$be xen-netback loaded"
	for attempt in 1 2 3; do
		rm -f /tmp/nrecv.*
		if ! d=$(DOMU_MAXVCPUS=2 DOMU_CMDLINE="xpv.netfront=$fe xen_netfront.max_queues=2" \
			domu_create netmatrix net-matrix "vif = ['bridge=br0,mac=00:16:3e:00:00:03']"); then
			tap_fail "xl create"
			return
		fi
		vif=vif$d.0
		# Wait for the guest to listen (or for the emulator's fault).
		st=1
		for _ in $(seq 1200); do
			domu_faulted netmatrix && { st=2; break; }
			[ "$(guest_key "$d" net-ready)" = 1 ] && { st=0; break; }
			nap 0.1
		done
		if [ $st = 2 ] && [ $attempt -lt 3 ]; then
			domu_set_aside netmatrix
			continue
		fi
		break
	done
	if [ $st != 0 ]; then
		tap_fail "the guest's receivers are up within 120 s"
		domu_console netmatrix
		domu_destroy netmatrix "$d"
		return
	fi
	ip link set "$vif" mtu 9000 && ip link set br0 mtu 9000
	tap_check "MTU 9000 on $vif and br0" test "$(cat /sys/class/net/$vif/mtu)" = 9000
	for p in 56 1400 8000; do
		tap_check "dom0 pings the domU with $p bytes" \
			sh -c "ping -c 2 -W 5 -s $p 10.99.0.2 >/dev/null"
	done
	# Receivers for the guest's streams, then ours to the guest.
	{ timeout 180 netpattern tcp-recv 5001 8 4194304 51; echo "status=$?"; } \
		>/tmp/nrecv.5001 2>&1 &
	{ timeout 180 netpattern udp-recv 5100 2000 1400 51 60000; echo "status=$?"; } \
		>/tmp/nrecv.5100 2>&1 &
	# The guest's later streams: offloads off, then the MTU changed live.
	{ timeout 300 netpattern tcp-recv 5200 1 8388608 52; echo "status=$?"; } \
		>/tmp/nrecv.5200 2>&1 &
	{ timeout 300 netpattern tcp-recv 5201 1 33554432 53; echo "status=$?"; } \
		>/tmp/nrecv.5201 2>&1 &
	timeout 180 netpattern tcp-send 10.99.0.2 6001 8 4194304 61
	sleep 1
	netpattern udp-send 10.99.0.2 6100 2000 1400 61
	wait
	tap_check "8 TCP streams of 4 MiB from the guest arrive intact: $(head -n1 /tmp/nrecv.5001)" \
		grep -q "^status=0" /tmp/nrecv.5001
	tap_check "UDP from the guest, 90% or more intact: $(head -n1 /tmp/nrecv.5100)" \
		grep -q "^status=0" /tmp/nrecv.5100
	tap_check "8 MiB from the guest with its offloads off arrive intact: $(head -n1 /tmp/nrecv.5200)" \
		grep -q "^status=0" /tmp/nrecv.5200
	tap_check "32 MiB from the guest across two live MTU changes arrive intact: $(head -n1 /tmp/nrecv.5201)" \
		grep -q "^status=0" /tmp/nrecv.5201
	if ! domu_wait_done "$d" 400 netmatrix; then
		tap_fail "guest side finished"
		domu_console netmatrix
	fi
	domu_results "$d"
	tap_check "the guest runs the $fe netfront" test "$(guest_key "$d" netfront-impl)" = "$fe"
	tap_check "the backend is the $be netback" test "$(driver_loaded_impl xen-netback)" = "$be"
	tap_check "2 queues negotiated (xenstore says $(xenstore-read /local/domain/$d/device/vif/0/multi-queue-num-queues 2>/dev/null))" \
		test "$(xenstore-read /local/domain/$d/device/vif/0/multi-queue-num-queues 2>/dev/null)" = 2
	tap_check "the guest's eth0 has 2 tx queues" test "$(guest_key "$d" nr-tx-queues)" = 2
	if [ $split = 1 ]; then
		tap_check "split event channels (queue-0/event-channel-tx)" \
			xenstore-exists /local/domain/$d/device/vif/0/queue-0/event-channel-tx
	else
		tap_check "one shared event channel (queue-0/event-channel)" \
			xenstore-exists /local/domain/$d/device/vif/0/queue-0/event-channel
	fi
	if [ $split = 1 ]; then
		names="vif0-q0-rx vif0-q0-tx vif0-q1-rx vif0-q1-tx"
	else
		names="eth0 eth0"
	fi
	tap_check "the guest's netfront irqs are named as Linux names them ($(guest_key "$d" irq-names))" \
		test "$(guest_key "$d" irq-names)" = "$names"
	if [ $split = 1 ]; then
		tap_check "both queues took interrupts in the guest (q0 $(guest_key "$d" irq-q0), q1 $(guest_key "$d" irq-q1))" \
			sh -c "[ '$(guest_key "$d" irq-q0)' -gt 0 ] && [ '$(guest_key "$d" irq-q1)' -gt 0 ]"
	else
		# Linux's netfront does not name a shared channel's irq by queue.
		tap_skip "per-queue interrupts: with one shared channel the guest's irq names do not tell the queues apart"
	fi
	domu_destroy netmatrix "$d"
	tap_check "$vif is gone" sh -c "! ip link show $vif >/dev/null 2>&1"
	ip link set br0 mtu 1500 2>/dev/null
	TAP_PREFIX=
}

for pair in $pairs; do
	shape=
	case $pair in *:*) shape=${pair#*:} pair=${pair%%:*} ;; esac
	fe=${pair%/*} be=${pair#*/}
	TAP_PREFIX=
	if ! driver_has "$fe" xen-netfront || ! driver_has "$be" xen-netback; then
		tap_skip "$fe front, $be back: this image has no $fe xen-netfront or $be xen-netback"
		continue
	fi
	one_run "$fe" "$be" $shape
done
driver_use "$([ "$DRIVERS" = intree ] && echo intree || echo xpv)" xen-netback >/dev/null 2>&1 ||
	driver_use intree xen-netback >/dev/null 2>&1
tap_end
