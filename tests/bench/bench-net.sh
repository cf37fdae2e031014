# SPDX-License-Identifier: GPL-2.0
#
# `make bench`, network: the in-tree pair, xpv's pair, xpv's, in-tree
# (A-B-B-A) in one boot, each round a fresh one-vCPU domU on bridge br0
# with the same pinned shape at both ends (one queue, split event channels,
# MTU 1500, the offloads both drivers offer by default), running the jobs of
# bench-net.jobs in lock step with this side (bench-net.guest.sh) so that
# both ends' counters bracket the same traffic: 64 MiB of TCP each way and
# unpaced bursts of UDP datagrams each way (64-byte ones, and 1400-byte
# ones towards the guest, whose socket overflows first). Then the same
# jobs over dom0's loopback: what this machine's network stack reaches
# without a PV path. Prints "bench net JOB IMPL ROUND key=value..." and
# "bench-config net IMPL ROUND key=value..." lines for tests/run-bench.sh.
# xpv-timeout: 1200
# shellcheck shell=bash disable=SC1091,SC2034 # (TAP_PREFIX: for tap.sh)
. /xpv/lib/tap.sh
. /xpv/lib/domu.sh
. /xpv/lib/drivers.sh
. /xpv/lib/counters.sh
. /xpv/lib/hypercalls.sh

fe_params="xen_netfront.max_queues=1"
be_params="max_queues=1 separate_tx_rx_irq=1"
rounds=${BENCH_ROUNDS:-intree xpv xpv intree}
jobs=/xpv/bench/bench-net.jobs
name=benchnet
guest_ip=10.99.0.2
# A job's longest run (the guest's side has the same).
job_timeout=120
# TCP payload per MTU-sized segment (1500 - IP, TCP and timestamp headers):
# a TCP job's "pkts", the same for every implementation whatever the
# offloads make of it.
mss=1448
counters_start

# key D NODE: a node of domain D's bench directory.
key() { xenstore-read "/local/domain/$1/data/xpv/bench/$2" 2>/dev/null; }

# wait_guest D NODE VALUE SECONDS: 0 when it is there, 1 when the guest
# finished or gave up or SECONDS passed, 2 when the emulator's fault hit
# the guest.
wait_guest() {
	local end=$((SECONDS + $4))
	while [ "$(key "$1" "$2")" != "$3" ]; do
		[ $SECONDS -lt $end ] || return 1
		domu_faulted $name && return 2
		[ -n "$(xenstore-read "/local/domain/$1/data/xpv/done" 2>/dev/null)" ] && return 1
		nap 0.05
	done
}

# wait_step D NODE VALUE SECONDS: wait_guest asleep on a watch (xswait)
# while a job runs, so that this side adds no processes to the job's
# hypercalls.
wait_step() {
	local st end=$((SECONDS + $4))
	while :; do
		xswait "/local/domain/$1/data/xpv/bench/$2" "$3" 10
		st=$?
		[ $st = 0 ] && return 0
		[ $st = 1 ] || return 1
		domu_faulted $name && return 2
		[ -n "$(xenstore-read "/local/domain/$1/data/xpv/done" 2>/dev/null)" ] && return 1
		[ $SECONDS -lt $end ] || return 1
	done
}

# net_snapshot IFACE IRQ_REGEX: the counters of counters.sh, IFACE's packet
# and drop counts (for a vif: rx = from the guest, tx = to it) and UDP's
# receive-buffer drops.
net_snapshot() {
	echo "$(counters_snapshot "$2") $(awk -v d="/sys/class/net/$1/statistics" '
		function rd(f,  v) { v = "na"; if ((getline v < (d "/" f)) <= 0) v = "na"; close(d "/" f); return v }
		$1 == "Udp:" { if (!h) { for (i = 2; i <= NF; i++) c[$i] = i; h = 1 } else u = $c["RcvbufErrors"] }
		END { printf "tx_pkts=%s tx_drop=%s rx_pkts=%s rx_drop=%s udp_rcvbuf_drop=%s\n",
			rd("tx_packets"), rd("tx_dropped"), rd("rx_packets"), rd("rx_dropped"), (u == "" ? "na" : u) }' /proc/net/snmp) $(counters_copied "$1" guest_tx_copy_bytes guest_rx_copy_bytes)"
}

# wait_bound tcp|udp PORT: a socket listens on PORT here (TCP state 0A;
# an unconnected UDP socket is 07), within 10 s.
wait_bound() {
	local hex t=100 want=0A sl laddr raddr state rest
	[ "$1" = udp ] && want=07
	printf -v hex '%04X' "$2"
	while [ $t -gt 0 ]; do
		# shellcheck disable=SC2034
		while read -r sl laddr raddr state rest; do
			[ "${laddr##*:}" = "$hex" ] && [ "$state" = $want ] && return 0
		done <"/proc/net/$1"
		nap 0.1
		t=$((t - 1))
	done
	return 1
}

# sink_start PROTO PORT AMOUNT SIZE OUT: a receiver in the background;
# its pid in $sink_pid.
sink_start() {
	if [ "$1" = tcp ]; then
		timeout $job_timeout netpattern tcp-sink "$2" "$3" 10000 >"$5" 2>&1 </dev/null &
	else
		timeout $job_timeout netpattern udp-sink "$2" "$3" "$4" 3000 >"$5" 2>&1 </dev/null &
	fi
	sink_pid=$!
}

# source_run PROTO HOST PORT AMOUNT SIZE: the sender, in the foreground.
source_run() {
	if [ "$1" = tcp ]; then
		timeout $job_timeout netpattern tcp-source "$2" "$3" "$4" 2>&1 </dev/null
	else
		timeout $job_timeout netpattern udp-source "$2" "$3" "$4" "$5" 2>&1 </dev/null
	fi
}

# derived PROTO AMOUNT KEY=VALUE...: pkts= (the packets a job moves: MTU-
# sized segments for TCP, datagrams for UDP; what the /pkt rows divide by)
# and for UDP loss_pct= (sent but not received).
derived() {
	local proto=$1 amount=$2 kv sent='' recv='' bp
	shift 2
	if [ "$proto" = tcp ]; then
		echo "pkts=$(((amount + mss - 1) / mss))"
		return
	fi
	for kv in "$@"; do
		case $kv in sent=*) sent=${kv#sent=} ;; recv=*) recv=${kv#recv=} ;; esac
	done
	if [ -n "$sent" ] && [ -n "$recv" ] && [ "$sent" -gt 0 ]; then
		bp=$(((sent - recv) * 10000 / sent))
		printf 'pkts=%s loss_pct=%d.%02d\n' "$amount" $((bp / 100)) $((bp % 100))
	else
		echo "pkts=$amount"
	fi
}

# ordered KEY=VALUE...: the workload's own figures first, then the
# guest's counters (fe_), then dom0's (be_), for the table's row order.
ordered() {
	local kv m='' f='' b=''
	for kv in "$@"; do
		case $kv in
		fe_*) f="$f $kv" ;;
		be_*) b="$b $kv" ;;
		*) m="$m $kv" ;;
		esac
	done
	echo "${m# }$f$b"
}

# round IMPL R: one domU, every job; prints the result lines only when the
# round completed (status 2: the emulator's fault hit the guest).
round() {
	local impl=$1 r=$2 k=1 i d vif irqre st limit job proto dir amount size
	local port out res jst before after g lines='' fe be q split
	local -a dres=() djob=()
	if ! d=$(DOMU_CMDLINE="xpv.netfront=$impl $fe_params" \
		domu_create $name bench-net "vif = ['bridge=br0,mac=00:16:3e:00:00:05']"); then
		tap_fail "xl create"
		return 1
	fi
	vif=vif$d.0
	# dom0's end of this guest's interrupts: vif<D>.0-qN-tx/-rx.
	irqre="[[:space:]]vif${d}[.]0-q"
	ip link set br0 mtu 1500 2>/dev/null
	ip link set "$vif" mtu 1500 2>/dev/null
	echo 1 >"/proc/sys/net/ipv6/conf/$vif/disable_ipv6" 2>/dev/null
	limit=180	# the first job waits for the guest to boot
	while :; do
		wait_guest "$d" req $k $limit
		st=$?
		[ $st = 0 ] || break
		limit=60
		read -r job proto dir amount size <<<"$(key "$d" job)"
		port=$((7000 + k)) out=/tmp/bench-net.$k sink_pid=
		if [ "$dir" = up ]; then
			sink_start "$proto" $port "$amount" "$size" "$out"
			if ! wait_bound "$proto" $port; then
				tap_fail "$job: dom0's receiver did not bind port $port"
				kill "$sink_pid" 2>/dev/null
				st=3
				break
			fi
		fi
		before=$(net_snapshot "$vif" "$irqre")
		hc_start "$d"
		xenstore-write "/local/domain/$d/data/xpv/bench/ack" $k
		wait_step "$d" fin $k $((job_timeout + 30))
		st=$?
		if [ $st != 0 ]; then
			hc_stop
			[ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null
			break
		fi
		if [ "$dir" = up ]; then
			wait "$sink_pid"
			jst=$?
			res=$(<"$out")
		else
			res=$(source_run "$proto" $guest_ip $port "$amount" "$size")
			jst=$?
		fi
		hc_stop
		after=$(net_snapshot "$vif" "$irqre")
		xenstore-write "/local/domain/$d/data/xpv/bench/ack2" $k
		djob[k]="$job $proto $dir $amount"
		if [ $jst = 0 ]; then
			# A TCP sender's own timing is left out: the receiver's is
			# the measure.
			[ "$proto" = tcp ] && [ "$dir" = down ] && res=
			# shellcheck disable=SC2154 # (hc_counts: hypercalls.sh's)
			dres[k]="$res $(counters_delta "$before" "$after" | sed 's/\([a-z_0-9]*\)=/be_\1=/g') $hc_counts"
		else
			dres[k]=failed
			tap_fail "$job: dom0's side (status $jst): ${res//$'\n'/ }"
		fi
		k=$((k + 1))
	done
	if [ $st = 2 ] || domu_faulted $name; then
		domu_set_aside $name
		return 2
	fi
	if [ -z "$(xenstore-read "/local/domain/$d/data/xpv/done" 2>/dev/null)" ]; then
		[ $st = 3 ] || tap_fail "the guest stopped stepping with dom0 (job $k)"
		domu_console $name
	fi
	domu_wait_done "$d" 10
	domu_results "$d"
	for ((i = 1; i < k; i++)); do
		g=$(key "$d" res/$i)
		read -r job proto dir amount <<<"${djob[i]}"
		if [ "${g%% *}" != "$job" ] || [ -z "${dres[i]}" ]; then
			continue
		fi
		case "$g ${dres[i]}" in *failed*) continue ;; esac
		# shellcheck disable=SC2086,SC2046
		lines="$lines
bench net $job $impl $r $(ordered ${g#* } ${dres[i]} $(derived "$proto" "$amount" ${g#* } ${dres[i]}))"
	done
	echo "$lines" | sed '/^$/d'
	fe=/local/domain/$d/device/vif/0
	be=/local/domain/0/backend/vif/$d/0
	if [ $k -gt 1 ]; then
		q=$(xenstore-read "$fe"/multi-queue-num-queues 2>/dev/null || echo 1)
		split=0
		{ xenstore-exists "$fe"/event-channel-tx || xenstore-exists "$fe"/queue-0/event-channel-tx; } 2>/dev/null &&
			split=1
		tap_check "one queue, split event channels, as pinned (queues $q, split $split)" \
			test "$q/$split" = 1/1
		echo "bench-config net $impl $r queues=$q split=$split" \
			"sg=$(xenstore-read "$fe"/feature-sg 2>/dev/null || echo 0)/$(xenstore-read "$be"/feature-sg 2>/dev/null || echo 0)" \
			"gso=$(xenstore-read "$fe"/feature-gso-tcpv4 2>/dev/null || echo 0)/$(xenstore-read "$be"/feature-gso-tcpv4 2>/dev/null || echo 0)" \
			"csum=$((1 - $(xenstore-read "$fe"/feature-no-csum-offload 2>/dev/null || echo 0)))" \
			"ipv6_csum=$(xenstore-read "$fe"/feature-ipv6-csum-offload 2>/dev/null || echo 0)/$(xenstore-read "$be"/feature-ipv6-csum-offload 2>/dev/null || echo 0)" \
			"rx_notify=$(xenstore-read "$fe"/feature-rx-notify 2>/dev/null || echo 0)" \
			"mtu=$(key "$d" mtu)/$(cat "/sys/class/net/$vif/mtu" 2>/dev/null)" \
			"offloads=$(key "$d" offloads)"
	fi
	domu_destroy $name "$d"
	rm -f /tmp/bench-net.*
}

r=0
for impl in $rounds; do
	r=$((r + 1))
	TAP_PREFIX="round $r ($impl): "
	if ! driver_has "$impl" xen-netfront || ! driver_has "$impl" xen-netback; then
		tap_skip "this image has no $impl network pair"
		continue
	fi
	# shellcheck disable=SC2086
	driver_use "$impl" xen-netback $be_params || { tap_fail "load $impl xen-netback"; continue; }
	for _ in 1 2 3; do
		round "$impl" $r
		[ $? = 2 ] || break
	done
done
# shellcheck disable=SC2034 # (tap.sh's)
TAP_PREFIX=

# The limit of this setup: the same jobs over dom0's loopback (its MTU is
# 64 KiB: a bound on what the stack itself moves, not the same packets).
i=0
while read -r job proto dir amount size; do
	case $job in ""|"#"*) continue ;; esac
	i=$((i + 1))
	port=$((7100 + i)) out=/tmp/bench-net.loop
	sink_start "$proto" $port "$amount" "$size" $out
	if ! wait_bound "$proto" $port; then
		tap_fail "dom0 loopback: $job: the receiver did not bind port $port"
		kill "$sink_pid" 2>/dev/null
		continue
	fi
	src=$(source_run "$proto" 127.0.0.1 $port "$amount" "$size")
	sst=$?
	wait "$sink_pid"
	jst=$?
	res=$(<$out)
	[ "$proto" = udp ] && res="$res $src"
	if [ $sst = 0 ] && [ $jst = 0 ]; then
		# shellcheck disable=SC2086
		echo "bench net $job loop 0 $res $(derived "$proto" "$amount" $res)"
	else
		tap_fail "dom0 loopback: $job: ${res//$'\n'/ } ${src//$'\n'/ }"
	fi
done <$jobs
rm -f /tmp/bench-net.loop
driver_use "$([ "$DRIVERS" = intree ] && echo intree || echo xpv)" xen-netback >/dev/null 2>&1 ||
	driver_use intree xen-netback >/dev/null 2>&1
tap_end
