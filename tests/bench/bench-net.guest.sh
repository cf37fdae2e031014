# SPDX-License-Identifier: GPL-2.0
#
# Guest side of bench-net.sh: each network workload of bench-net.jobs in
# turn, in lock step with dom0 through xenstore, so that both ends' counters
# bracket the same traffic. For job K: the guest starts its receiver if the
# data flows to it, announces the job (bench/job) and bench/req = K; dom0
# starts its receiver, counts, and answers bench/ack = K; the guest counts,
# sends if the data flows from it, and announces bench/fin = K; dom0 sends
# if the data flows from it, waits for its receiver, counts, and answers
# bench/ack2 = K; the guest waits for its receiver, counts, and reports
# bench/res/K = "JOB key=value... fe_key=value...". The guest reads its
# counters before bench/req and after bench/ack2, outside dom0's window of
# hypercalls, and waits asleep on a watch (xswait): processes started
# inside the window would add their hypercalls to the job's.
# (busybox sh: no bash here.)
# shellcheck shell=dash disable=SC1091

. /xpv/lib/counters.sh
peer=10.99.0.1
# The same as bench-net.sh's: a job's longest run.
job_timeout=120
# This guest's netfront interrupts: Linux names them vif<devid>-qN-tx/-rx
# with split event channels, the interface's name with one shared channel.
irqre='[[:space:]](vif[0-9]+-q[0-9]+-[rt]x|eth[0-9]+(-q[0-9]+-[rt]x)?)$'

# net_snapshot: the counters of counters.sh, eth0's packet and drop counts
# and UDP's receive-buffer drops.
net_snapshot() {
	echo "$(counters_snapshot "$irqre") $(awk -v d=/sys/class/net/eth0/statistics '
		function rd(f,  v) { v = "na"; if ((getline v < (d "/" f)) <= 0) v = "na"; close(d "/" f); return v }
		$1 == "Udp:" { if (!h) { for (i = 2; i <= NF; i++) c[$i] = i; h = 1 } else u = $c["RcvbufErrors"] }
		END { printf "tx_pkts=%s tx_drop=%s rx_pkts=%s rx_drop=%s udp_rcvbuf_drop=%s\n",
			rd("tx_packets"), rd("tx_dropped"), rd("rx_packets"), rd("rx_dropped"), (u == "" ? "na" : u) }' /proc/net/snmp) $(counters_copied eth0 rx_copied_bytes tx_bounced_bytes)"
}

# port_bound tcp|udp PORT: a socket of ours listens on PORT (TCP state
# 0A; an unconnected UDP socket is 07).
port_bound() {
	local hex want=0A
	[ "$1" = udp ] && want=07
	hex=$(printf '%04X' "$2")
	grep -q "^ *[0-9]*: [0-9A-F]*:$hex [0-9A-F]*:[0-9A-F]* $want " "/proc/net/$1" 2>/dev/null
}

# wait_bound tcp|udp PORT: up to 10 s.
wait_bound() {
	local t=100
	while ! port_bound "$1" "$2"; do
		t=$((t - 1))
		[ $t -gt 0 ] || return 1
		sleep 0.1
	done
}

# wait_key KEY VALUE SECONDS: until dom0 has written VALUE to our node.
wait_key() {
	xswait "data/xpv/bench/$1" "$2" "$3"
}

i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
guest_check "netfront ($(driver_loaded_impl xen-netfront)) made eth0" test -e /sys/class/net/eth0
# No IPv6 chatter (router solicitations, DAD) inside the measurements.
echo 1 >/proc/sys/net/ipv6/conf/eth0/disable_ipv6 2>/dev/null
ip link set lo up
ip addr add 10.99.0.2/24 dev eth0
ip link set eth0 up
ip link set eth0 mtu 1500
# The first packets also fill both ends' ARP caches and the bridge's table
# (the link comes up once netfront has connected: up to 30 s).
i=0
until ping -c 1 -W 2 $peer >/dev/null 2>&1 || [ $i -ge 15 ]; do i=$((i + 1)); done
guest_check "dom0 answers a ping" ping -c 1 -W 2 $peer
guest_put bench/netfront-impl "$(driver_loaded_impl xen-netfront)"
guest_put bench/mtu "$(cat /sys/class/net/eth0/mtu)"
# What the stack will use, as ethtool sees it (sg, tso, checksums).
guest_put bench/offloads "$(ethtool -k eth0 2>/dev/null | awk -F': ' '
	{ v = $2; sub(/ .*/, "", v) }
	$1 == "scatter-gather" { s = s ",sg:" v }
	$1 == "tcp-segmentation-offload" { s = s ",tso:" v }
	$1 == "tx-checksumming" { s = s ",txcsum:" v }
	$1 == "rx-checksumming" { s = s ",rxcsum:" v }
	END { print (s == "" ? "unknown" : substr(s, 2)) }')"
counters_start
# The guest creates every node dom0 writes, so that it can read them back.
for k in req ack fin ack2; do xenstore-write data/xpv/bench/$k 0; done

k=0
while read -r name proto dir amount size; do
	case $name in ""|"#"*) continue ;; esac
	k=$((k + 1))
	port=$((7000 + k)) pid='' res='' st=0 out=/tmp/bench-net.$k
	if [ "$dir" = down ]; then
		# Our receiver first: dom0 connects or sends once acknowledged.
		if [ "$proto" = tcp ]; then
			timeout $job_timeout netpattern tcp-sink $port "$amount" 10000 >$out 2>&1 </dev/null &
		else
			timeout $job_timeout netpattern udp-sink $port "$amount" "$size" 3000 >$out 2>&1 </dev/null &
		fi
		pid=$!
		if ! wait_bound "$proto" $port; then
			guest_result fail "$name: the guest's receiver did not bind port $port"
			kill $pid 2>/dev/null
			break
		fi
	fi
	guest_put bench/job "$name $proto $dir $amount $size"
	before=$(net_snapshot)
	xenstore-write data/xpv/bench/req $k
	if ! wait_key ack $k 60; then
		guest_result fail "$name: dom0 never acknowledged"
		[ -n "$pid" ] && kill $pid 2>/dev/null
		break
	fi
	if [ "$dir" = up ]; then
		if [ "$proto" = tcp ]; then
			res=$(timeout $job_timeout netpattern tcp-source $peer $port "$amount" 2>&1 </dev/null)
		else
			res=$(timeout $job_timeout netpattern udp-source $peer $port "$amount" "$size" 2>&1 </dev/null)
		fi
		st=$?
	fi
	xenstore-write data/xpv/bench/fin $k
	if ! wait_key ack2 $k $((job_timeout + 60)); then
		guest_result fail "$name: dom0 never finished its side"
		[ -n "$pid" ] && kill $pid 2>/dev/null
		break
	fi
	if [ "$dir" = down ]; then
		wait $pid
		st=$?
		res=$(cat $out)
	fi
	after=$(net_snapshot)
	if [ $st = 0 ]; then
		# A TCP sender's own timing is left out of the results: the
		# receiver's (what arrived, when) is the measure.
		keep=$res
		[ "$proto" = tcp ] && [ "$dir" = up ] && keep=
		guest_put bench/res/$k "$name $keep $(counters_delta "$before" "$after" | sed "s/\([a-z_0-9]*\)=/fe_\1=/g")"
		guest_result ok "$name: $res"
	else
		guest_put bench/res/$k "$name failed"
		guest_result fail "$name: status $st: $res"
	fi
done </xpv/bench/bench-net.jobs
guest_put bench/jobs $k
