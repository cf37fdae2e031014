# SPDX-License-Identifier: GPL-2.0
#
# Guest side of net-matrix.sh: bring eth0 up at MTU 9000 where the backend
# offers scatter-gather, receive dom0's streams (TCP on 6001-6008, UDP on
# 6100) while sending ours to dom0 (TCP 5001-5008, UDP 5100), all checked
# byte for byte by netpattern; report what the queues saw.

i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
guest_check "netfront ($(driver_loaded_impl xen-netfront)) made eth0" test -e /sys/class/net/eth0
guest_put netfront-impl "$(driver_loaded_impl xen-netfront)"
ip link set lo up
ip addr add 10.99.0.2/24 dev eth0
ip link set eth0 up
if ip link set eth0 mtu 9000; then
	guest_result ok "MTU 9000 accepted (the backend offers scatter-gather)"
else
	guest_result fail "MTU 9000 refused"
fi
guest_put mtu "$(cat /sys/class/net/eth0/mtu)"
guest_put nr-tx-queues "$(ls -d /sys/class/net/eth0/queues/tx-* | wc -l)"

{ timeout 180 netpattern tcp-recv 6001 8 4194304 61; echo "status=$?"; } \
	>/tmp/recv.6001 2>&1 &
{ timeout 180 netpattern udp-recv 6100 2000 1400 61 60000; echo "status=$?"; } \
	>/tmp/recv.6100 2>&1 &
sleep 0.5
guest_put net-ready 1

# Eight streams each way (so that several queues carry them), one UDP
# burst; then wait for dom0's streams to have arrived.
timeout 180 netpattern tcp-send 10.99.0.1 5001 8 4194304 51
sleep 1
netpattern udp-send 10.99.0.1 5100 2000 1400 51
wait
guest_check "8 TCP streams of 4 MiB from dom0 arrive intact: $(head -n1 /tmp/recv.6001)" \
	grep -q "^status=0" /tmp/recv.6001
guest_check "UDP from dom0, 90% or more intact: $(head -n1 /tmp/recv.6100)" \
	grep -q "^status=0" /tmp/recv.6100
# Offloads off with ethtool: without scatter-gather the MTU must fall to
# 1500 (a packet is one slot), and a stream must still arrive intact with
# software checksums and segmentation. Then back on, MTU 9000 again.
if ethtool -K eth0 sg off tso off tx off 2>/tmp/ethtool.err; then
	guest_result ok "ethtool turned off sg, tso and tx checksumming"
else
	guest_result fail "ethtool -K eth0 sg off tso off tx off: $(head -n1 /tmp/ethtool.err)"
fi
guest_check "scatter-gather is off ($(ethtool -k eth0 | grep '^scatter-gather:'))" \
	sh -c "ethtool -k eth0 | grep -q '^scatter-gather: off'"
guest_check "the MTU fell to 1500 without scatter-gather ($(cat /sys/class/net/eth0/mtu))" \
	test "$(cat /sys/class/net/eth0/mtu)" = 1500
guest_check "a 1400-byte ping with offloads off" ping -c 2 -W 5 -s 1400 10.99.0.1
guest_check "8 MiB over TCP with offloads off arrive intact (dom0 checks)" \
	timeout 120 netpattern tcp-send 10.99.0.1 5200 1 8388608 52
ethtool -K eth0 sg on tso on tx on 2>/dev/null
guest_check "offloads back on, MTU 9000 again" ip link set eth0 mtu 9000
guest_check "an 8000-byte ping with offloads back on" ping -c 2 -W 5 -s 8000 10.99.0.1

# The MTU changed twice while a stream runs: not a byte may be lost.
{ timeout 120 netpattern tcp-send 10.99.0.1 5201 1 33554432 53; echo "status=$?"; } \
	>/tmp/send.5201 2>&1 &
sleep 1
ip link set eth0 mtu 1500
sleep 1
ip link set eth0 mtu 9000
wait
guest_check "32 MiB over TCP while the MTU went 9000, 1500, 9000: $(head -n1 /tmp/send.5201)" \
	grep -q "^status=0" /tmp/send.5201
# XDP: a counting program that drops, then one that passes, on eth0 at MTU
# 1500 (XDP takes single-page packets). The guest pings dom0: with drop
# no reply gets through and the program counts them; with pass they do.
ip link set eth0 mtu 1500
# xdp_run VERDICT: attach in the background; 0 once xdpcount says the
# program is attached.
xdp_run() {
	xdpcount run eth0 "$1" 12 >/tmp/xdp.$1 2>&1 &
	xdp_pid=$!
	i=0
	while ! grep -q '^attached' /tmp/xdp.$1; do
		i=$((i + 1))
		[ $i -lt 100 ] && kill -0 $xdp_pid 2>/dev/null || return 1
		sleep 0.1
	done
}
if xdp_run drop; then
	guest_result ok "an XDP drop program attached to eth0"
	guest_check "with it, dom0's ping replies do not arrive" sh -c '! ping -c 3 -W 2 10.99.0.1 >/dev/null'
else
	guest_result fail "XDP drop program attach: $(cat /tmp/xdp.drop)"
fi
kill $xdp_pid 2>/dev/null
wait $xdp_pid
guest_check "the drop program counted packets ($(grep '^count=' /tmp/xdp.drop))" grep -q '^count=[1-9]' /tmp/xdp.drop
if xdp_run pass; then
	guest_result ok "an XDP pass program attached to eth0"
	guest_check "with it, dom0 answers pings" ping -c 3 -W 5 10.99.0.1
else
	guest_result fail "XDP pass program attach: $(cat /tmp/xdp.pass)"
fi
kill $xdp_pid 2>/dev/null
wait $xdp_pid
guest_check "the pass program counted packets ($(grep '^count=' /tmp/xdp.pass))" grep -q '^count=[1-9]' /tmp/xdp.pass
guest_check "no program left on eth0" sh -c "! /usr/sbin/ip -d link show eth0 | grep -q 'prog/xdp'"
guest_check "dom0 answers pings after XDP" ping -c 2 -W 5 10.99.0.1

guest_put irq-q0 "$(awk '/-q0-|-q0$/ { for (i = 2; i <= 3; i++) s += $i } END { print s + 0 }' /proc/interrupts)"
guest_put irq-q1 "$(awk '/-q1-|-q1$/ { for (i = 2; i <= 3; i++) s += $i } END { print s + 0 }' /proc/interrupts)"
# The names netfront gave its interrupts, sorted (Linux: vif0-qN-tx/rx
# with split channels, the interface's name for each shared one).
guest_put irq-names "$(awk '$NF ~ /^(eth0|vif0-q[0-9]+-[rt]x)$/ { print $NF }' /proc/interrupts | sort | tr '\n' ' ' | sed 's/ $//')"
