# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash source-path=SCRIPTDIR
#
# A hostile frontend against the network backend: a domU that has not
# loaded netfront (xpv.netfront=none) plays the frontend of its three vifs
# on br0 in user space (tests/net/vif-hostile.c, net-hostile.guest.sh) and
# sends what no frontend should: zero-size slots (XSA-448), headers split
# over tiny slots and up to 19 slots under 128 bytes (XSA-423, XSA-432),
# grants never made or made for another domain, control-ring requests
# with bad sizes, offsets and entries (XSA-270), an event storm, no
# receive buffers while dom0 sends (XSA-392), a packet over more slots
# than fatal_skb_slots and a producer index a ring + 1 ahead (each on a
# vif of its own: Linux's netback keeps a vif it disabled disabled). The
# guest judges the answers on its rings and that valid traffic (ARP,
# pings of dom0, datagrams both ways) works afterwards on the same ring,
# on a fresh connection and on another vif; with the control ring's
# hashing on, it checks the Toeplitz hash in every hash extra against
# the packet's own headers.
#
# Here in dom0, at the points where the guest stops for it (data/xpv/nh/at;
# dom0 lets it on with nh/go): dom0's netpattern receives what the guest
# sends and checks every byte (good, header-split: the well-formed split
# datagrams must arrive intact); dom0 pings the guest and sends it
# datagrams (good; ctrl-ring, hashing on; rx-stall once it posts buffers
# again); the vif's rx_packets counts the valid packets sent after each
# hostile batch; for rx-stall, 15 s of datagrams to a frontend with no
# buffers must end in drops (tx_dropped, rx_dropped) or carrier off, with
# MemAvailable down by less than 64 MiB; for the fatal cases the vif's
# carrier goes off or the backend closes; no kernel fault in dom0's dmesg
# during each case and over the whole run; xl destroy leaves nothing
# behind. Against the image's netback (DRIVERS=intree: Linux's; xpv:
# xpv's). HOSTILE_BACKENDS ("intree xpv" in an xpv image) and
# HOSTILE_CASES narrow it down or widen it.
# xpv-timeout: 1800
# shellcheck source=../lib/tap.sh
. /xpv/lib/tap.sh
# shellcheck source=../lib/domu.sh
. /xpv/lib/domu.sh
# shellcheck source=../lib/drivers.sh
. /xpv/lib/drivers.sh
# shellcheck source=../lib/lifecycle.sh
. /xpv/lib/lifecycle.sh

if [ "$DRIVERS" = intree ]; then
	backends=${HOSTILE_BACKENDS:-intree}
else
	backends=${HOSTILE_BACKENDS:-xpv}
fi
# For lifecycle.sh: kernel log marks, files in /tmp, the guest.
LC_SCENARIO=net-hostile LC_TMP=/tmp/nh NAME=nethostile KMARK=0
GUEST_WAIT=1500
NVIF=3
# The guest's vif N: MAC 00:16:3e:4e:48:0N, address 10.99.0.(80 + N)
# (vif-hostile.c's GUEST_IP).
mac_of() { printf '00:16:3e:4e:48:%02x' "$1"; }
ip_of() { echo "10.99.0.$((80 + $1))"; }

# Without starting processes where it can (every one is a chance for the
# emulator's fault): a vif's counter, its carrier, the backend's state.
vstat() {
	local x=0
	{ read -r x <"/sys/class/net/vif$D.$1/statistics/$2"; } 2>/dev/null
	echo "${x:-0}"
}
carrier() {
	local x
	{ read -r x <"/sys/class/net/vif$D.$1/carrier"; } 2>/dev/null || x=down
	echo "$x"
}
bestate() { xenstore-read "/local/domain/0/backend/vif/$D/$1/state" 2>/dev/null; }
memavail() {
	local k v _x
	while read -r k v _x; do
		[ "$k" = MemAvailable: ] && { echo "$v"; return; }
	done </proc/meminfo
	echo 0
}
# udp_out: dom0's UDP datagrams sent so far (/proc/net/snmp).
udp_out() {
	local -a hdr val
	local i
	while read -r -a hdr; do
		[ "${hdr[0]}" = Udp: ] || continue
		read -r -a val
		for i in "${!hdr[@]}"; do
			[ "${hdr[$i]}" = OutDatagrams ] && { echo "${val[$i]}"; return; }
		done
	done </proc/net/snmp
	echo 0
}
# bound PORT: something listens on UDP PORT.
bound() { grep -qi ":$(printf %04X "$1") " /proc/net/udp; }
pings() { ping -c 3 -W 5 "$1" >/dev/null 2>&1; }

# Receivers started at udp-listen ("PORT:COUNT" and the PID of each).
RECV_PORTS=()
RECV_PIDS=()
R1=0

# udp_listen "PORT COUNT SIZE SEED[;PORT COUNT SIZE SEED...]": one
# netpattern receiver each, bound before the guest is let on.
udp_listen() {
	local -a specs
	local spec port count size seed
	RECV_PORTS=()
	RECV_PIDS=()
	IFS=';' read -r -a specs <<<"$1"
	for spec in "${specs[@]}"; do
		read -r port count size seed <<<"$spec"
		[ -n "$seed" ] || { tap_fail "the guest's receiver spec '$spec'"; continue; }
		rm -f "$LC_TMP.recv.$port"
		timeout 120 netpattern udp-recv "$port" "$count" "$size" "$seed" 8000 \
			>"$LC_TMP.recv.$port" 2>&1 &
		RECV_PORTS+=("$port:$count")
		RECV_PIDS+=($!)
		wait_for 10 bound "$port" ||
			tap_diag "netpattern did not bind UDP port $port within 10 s"
	done
}

# udp_sent "MUST[;MUST...]": what each receiver got.
udp_sent() {
	local -a musts
	local i port count m line got bad
	IFS=';' read -r -a musts <<<"$1"
	for i in "${!RECV_PIDS[@]}"; do
		wait "${RECV_PIDS[$i]}" 2>/dev/null
		port=${RECV_PORTS[$i]%%:*}
		count=${RECV_PORTS[$i]#*:}
		m=${musts[$i]:-$count}
		line=$(grep received= "$LC_TMP.recv.$port" 2>/dev/null)
		got='?' bad='?'
		if [[ $line =~ received=([0-9]+).*bad=([0-9]+) ]]; then
			got=${BASH_REMATCH[1]}
			bad=${BASH_REMATCH[2]}
		fi
		if [ "$got" != '?' ] && [ "$got" -ge "$m" ] && [ "$got" -le "$count" ] &&
		   [ "$bad" = 0 ]; then
			tap_ok "dom0's netpattern on UDP port $port got $got of $count datagrams intact (at least $m must arrive)"
		else
			tap_fail "dom0's netpattern on UDP port $port got $got of $count datagrams intact (at least $m must arrive), $bad corrupted"
			sed 's/^/# netpattern: /' "$LC_TMP.recv.$port" 2>/dev/null
		fi
	done
	RECV_PORTS=()
	RECV_PIDS=()
}

# rx_serve VIF: ping the guest, send it what nh/send says.
rx_serve() {
	local ip port count size seed
	ip=$(ip_of "$1")
	read -r port count size seed <<<"$(gkey nh/send)"
	tap_check "dom0 pings the hostile frontend at $ip" pings "$ip"
	if [ -z "$seed" ]; then
		tap_fail "the guest said what to send it (nh/send)"
	elif timeout 60 netpattern udp-send "$ip" "$port" "$count" "$size" "$seed"; then
		tap_ok "dom0 sent $count datagrams of $size bytes to $ip:$port (the guest checks them)"
	else
		tap_fail "dom0 sent $count datagrams of $size bytes to $ip:$port"
	fi
}

# stalled VIF: 15 s of datagrams (two paced netpattern senders, about
# 1.4 MB/s each at most) to a frontend that posts no buffers. The backend
# must drop (or turn the carrier off) rather than queue: dom0's
# MemAvailable may fall by 8 MiB and a quarter of what was sent, where a
# queue without bound would take more than was sent (skb overhead). Too
# little sent to tell the two apart is a skip, not a pass.
stalled() {
	local v=$1 ip port count size seed d0 d1 m0 m low o0 sent fell car i
	local -a spids
	ip=$(ip_of "$v")
	read -r port count size seed <<<"$(gkey nh/send)"
	if [ -z "$seed" ]; then
		tap_fail "the guest said what to send it (nh/send)"
		return
	fi
	d0=$(($(vstat "$v" tx_dropped) + $(vstat "$v" rx_dropped)))
	m0=$(memavail)
	low=$m0
	o0=$(udp_out)
	for i in 1 2; do
		netpattern udp-send "$ip" "$port" "$count" "$size" "$seed" >/dev/null 2>&1 &
		spids+=($!)
	done
	for ((i = 0; i < 15; i++)); do
		nap 1
		m=$(memavail)
		[ "$m" -lt "$low" ] && low=$m
	done
	kill "${spids[@]}" 2>/dev/null
	wait "${spids[@]}" 2>/dev/null
	sent=$((($(udp_out) - o0) * size / 1024))	# KiB
	fell=$((m0 - low))				# KiB
	nap 2
	d1=$(($(vstat "$v" tx_dropped) + $(vstat "$v" rx_dropped)))
	car=$(carrier "$v")
	tap_diag "vif$D.$v after 15 s: tx_packets $(vstat "$v" tx_packets), tx_dropped $(vstat "$v" tx_dropped), rx_dropped $(vstat "$v" rx_dropped), carrier $car"
	if [ $((d1 - d0)) -gt 0 ] || [ "$car" != 1 ]; then
		tap_ok "the vif dropped what the stalled frontend could not take, or turned its carrier off (drops +$((d1 - d0)), carrier $car)"
	else
		tap_fail "the vif dropped what the stalled frontend could not take, or turned its carrier off (drops +$((d1 - d0)), carrier $car)"
	fi
	if [ $sent -lt $((6 * 1024)) ]; then
		tap_skip "dom0's memory bound not judged: it sent only $((sent / 1024)) MiB in 15 s (MemAvailable fell by $((fell / 1024)) MiB)"
	else
		tap_check "dom0's memory stayed bounded: MemAvailable fell by $((fell / 1024)) MiB while it sent $((sent / 1024)) MiB to the stalled vif (at most 8 MiB + a quarter of that)" \
			test $fell -lt $((8 * 1024 + sent / 4))
	fi
}

# fatal_sent VIF: the backend disabled the vif (carrier off) or closed.
fatal_sent() {
	local v=$1 t=50 car st
	while :; do
		car=$(carrier "$v")
		st=$(bestate "$v")
		if [ "$car" != 1 ] || [ "$st" = 5 ] || [ "$st" = 6 ]; then
			tap_ok "vif$D.$v disabled: carrier off or the backend closing (carrier $car, backend state $st)"
			break
		fi
		t=$((t - 1))
		if [ $t = 0 ]; then
			tap_fail "vif$D.$v disabled within 10 s: carrier off or the backend closing (carrier $car, backend state $st)"
			break
		fi
		nap 0.2
	done
	dmesg | grep "vif$D\.$v" | tail -n 3 | sed 's/^/# dmesg: /'
}

# handle CASE POINT VIF: dom0's part at one of the guest's points.
handle() {
	local c=$1 p=$2 v=$3 n r2
	case $p in
	start)
		kmark "$c" ;;
	before-alive)
		R1=$(vstat "$v" rx_packets) ;;
	after-alive)
		n=$(gkey nh/sent)
		r2=$(vstat "$v" rx_packets)
		tap_check "vif$D.$v counted the ${n:-?} valid packets the guest then sent (rx_packets +$((r2 - R1)))" \
			test $((r2 - R1)) -ge "${n:-1}" ;;
	udp-listen)
		udp_listen "$(gkey nh/listen)" ;;
	udp-sent)
		udp_sent "$(gkey nh/must)" ;;
	rx-serve)
		rx_serve "$v" ;;
	stalled)
		stalled "$v" ;;
	fatal-sent)
		fatal_sent "$v" ;;
	reconnected)
		if [ "$(gkey nh/recovered)" = 1 ]; then
			tap_diag "vif$D.$v serves again after the frontend reconnected (carrier $(carrier "$v"))"
		else
			tap_diag "vif$D.$v stays disabled after the frontend reconnected (carrier $(carrier "$v")), as Linux's netback keeps it"
		fi ;;
	end)
		dmesg_clean "during $c" ;;
	*)
		tap_diag "the guest is at an unknown point '$p'" ;;
	esac
}

# drive: take the guest through its points until it is done. 0: done; 1:
# not within GUEST_WAIT (or xenstore failed); 2: the emulator's fault.
drive() {
	local t=$((GUEST_WAIT * 5)) last='' at c p v
	while [ $t -gt 0 ]; do
		at=$(gkey nh/at)
		if [ -n "$at" ] && [ "$at" != "$last" ]; then
			last=$at
			read -r _ c p v <<<"$at"
			TAP_PREFIX="$BE netback: $c: "
			handle "$c" "$p" "$v"
			TAP_PREFIX="$BE netback: "
			gput nh/go "$at" || return 1
			continue
		fi
		if [ $((t % 5)) = 0 ]; then
			domu_faulted "$NAME" && return 2
			[ -n "$(gkey "done")" ] && return 0
		fi
		nap 0.2
		t=$((t - 1))
	done
	return 1
}

# attempt: one guest run, start to end. 2: the emulator's fault hit it.
attempt() {
	local cfg i rc
	cfg="vif = ["
	for ((i = 0; i < NVIF; i++)); do
		[ $i = 0 ] || cfg="$cfg, "
		cfg="$cfg'bridge=br0,mac=$(mac_of "$i")'"
	done
	cfg="$cfg]"
	kmark "run"
	RUN_MARK=$KMARK
	if ! D=$(DOMU_CMDLINE="xpv.netfront=none${HOSTILE_CASES:+ xpv.hostile=$(echo "$HOSTILE_CASES" | tr ' ' +)}" \
		domu_create "$NAME" net-hostile "$cfg"); then
		tap_fail "xl create"
		return 1
	fi
	tap_ok "xl create with $NVIF vifs on br0 (domain $D)"
	drive
	rc=$?
	case $rc in
	2) return 2 ;;
	1) tap_fail "the guest finished within $GUEST_WAIT s (it was at case '$(gkey hostile-case)', point '$(gkey nh/at)')"
	   domu_console "$NAME" ;;
	esac
	TAP_PREFIX="$BE netback: "
	guest_results
	guest_console_clean
	for ((i = 0; i < NVIF; i++)); do
		tap_diag "vif$D.$i: rx_packets $(vstat "$i" rx_packets) tx_packets $(vstat "$i" tx_packets) tx_dropped $(vstat "$i" tx_dropped) rx_dropped $(vstat "$i" rx_dropped) carrier $(carrier "$i") backend state $(bestate "$i")"
	done
	domu_destroy "$NAME" "$D"
	tap_check "the vifs are gone from dom0" \
		wait_for 20 sh -c "! ls -d /sys/class/net/vif$D.* >/dev/null 2>&1"
	KMARK=$RUN_MARK
	dmesg_clean "over the whole run, xl destroy included"
	return 0
}

# one_run BE: every case against BE's netback.
one_run() {
	local n0 f0 try rc i
	BE=$1
	TAP_PREFIX="$BE netback: "
	if ! driver_use "$BE" xen-netback; then
		tap_fail "load $BE xen-netback"
		return
	fi
	tap_ok "$BE xen-netback loaded (fatal_skb_slots $(driver_param xen-netback fatal_skb_slots))"
	# By build-id: the results below are this implementation's.
	tap_check "the loaded xen-netback is the $BE one" \
		test "$(driver_loaded_impl xen-netback)" = "$BE"
	# dom0 reaches the guest's addresses without asking it (it may be
	# stalled on purpose): permanent neighbours.
	for ((i = 0; i < NVIF; i++)); do
		ip neigh replace "$(ip_of "$i")" lladdr "$(mac_of "$i")" dev br0 nud permanent
	done
	# A guest that hits the emulator's fault is run again (twice at most);
	# what its run reported is dropped with it.
	for try in 1 2 3; do
		n0=$TAP_N f0=$TAP_FAILED
		attempt >"$LC_TMP.attempt" 2>&1
		rc=$?
		if [ $rc = 2 ] && [ $try -lt 3 ]; then
			TAP_N=$n0 TAP_FAILED=$f0
			domu_set_aside "$NAME"
			continue
		fi
		cat "$LC_TMP.attempt"
		if [ $rc = 2 ]; then
			tap_fail "the emulator's fault hit the guest in all $try runs"
			domu_console "$NAME"
			domu_set_aside "$NAME"
		fi
		break
	done
	for ((i = 0; i < NVIF; i++)); do
		ip neigh del "$(ip_of "$i")" dev br0 2>/dev/null
	done
	TAP_PREFIX=
}

for be in $backends; do
	TAP_PREFIX=
	if ! driver_has "$be" xen-netback; then
		tap_skip "$be netback: this image has no $be xen-netback"
		continue
	fi
	one_run "$be"
done
# Leave the image's own backend loaded for the suites after this one.
driver_use "$([ "$DRIVERS" = intree ] && echo intree || echo xpv)" xen-netback >/dev/null 2>&1 ||
	driver_use intree xen-netback >/dev/null 2>&1
tap_end
