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
guest_put irq-q0 "$(awk '/-q0-|-q0$/ { for (i = 2; i <= 3; i++) s += $i } END { print s + 0 }' /proc/interrupts)"
guest_put irq-q1 "$(awk '/-q1-|-q1$/ { for (i = 2; i <= 3; i++) s += $i } END { print s + 0 }' /proc/interrupts)"
