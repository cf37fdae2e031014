# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# Guest side of net-lifecycle.sh (busybox sh). The two sides step through
# xenstore as in blk-lifecycle: the guest writes data/xpv/lc/at = POINT
# when its part up to POINT is done and, where dom0 has work to do next,
# waits for dom0 to write lc/go = POINT. The vif's MAC comes on the kernel
# command line (xpv.mac=); the seed of every stream is its port, on both
# sides. Streams from dom0 arrive on 63xx, ours go to dom0's 53xx.
#
# xl restore starts the domain's xenstore directory afresh: every result
# is also kept in /tmp/nl.results and written again after the restore.

M=1048576
HOST=10.99.0.1
ME=10.99.0.2
MAC=$(arg mac)
# Streams that a detach or xl destroy cuts (never meant to finish), and
# those that cross save/restore.
LONG_BYTES=$((4096 * M)) SR_BYTES=$((128 * M))
RETRIES2=/proc/sys/net/ipv4/tcp_retries2
LC_LOG=/tmp/nl.results
# shellcheck source=../lib/lifecycle-guest.sh
. /xpv/lib/lifecycle-guest.sh

has_eth0() { [ -e /sys/class/net/eth0 ]; }
no_eth0() { [ ! -e /sys/class/net/eth0 ]; }
pings() { ping -c 3 -W 5 "$1" >/dev/null 2>&1; }
tx_bytes() { cat /sys/class/net/eth0/statistics/tx_bytes 2>/dev/null || echo 0; }
tx_grew() { [ $(($(tx_bytes) - $1)) -ge $M ]; }
tx_queues() {
	local q n=0
	for q in /sys/class/net/eth0/queues/tx-*; do
		[ -e "$q" ] && n=$((n + 1))
	done
	echo $n
}

# my_domid: this domain's id, from its vif's backend path
# (/local/domain/0/backend/vif/DOMID/N): xl restore changes it.
my_domid() {
	local v b
	v=$(xenstore-list device/vif 2>/dev/null | head -n 1)
	b=$(xenstore-read "device/vif/$v/backend" 2>/dev/null) || return 1
	b=${b#/local/domain/0/backend/vif/}
	echo "${b%%/*}"
}

# bg_run FILE SECONDS COMMAND...: COMMAND in the background, killed after
# SECONDS; FILE gets its output, then "status=N"; FILE.pid its pid.
bg_run() {
	local f=$1 t=$2
	shift 2
	rm -f "$f.pid"
	{
		timeout "$t" "$@" &
		echo $! >"$f.pid"
		wait $!
		echo "status=$?"
	} >"$f" 2>&1 &
}
bg_done() { grep -q '^status=' "$1"; }
bg_status() { sed -n 's/^status=//p' "$1" 2>/dev/null; }
# bg_out FILE: its last line of output (netpattern's summary or error).
bg_out() { grep -v '^status=' "$1" 2>/dev/null | tail -n 1; }
bg_kill() { [ -s "$1.pid" ] && kill "$(cat "$1.pid")" 2>/dev/null; }

# net_up WHAT: eth0 (new at boot and after each attach) has the vif's MAC,
# takes our address, goes up (refused until netfront has connected it: as
# in-tree, the interface is registered at probe), reaches dom0, and has
# two tx queues.
net_up() {
	local m q
	m=$(cat /sys/class/net/eth0/address 2>/dev/null)
	chk "$1: eth0 has the vif's MAC $MAC (it has ${m:-none})" test "$m" = "$MAC"
	if ! ip addr add $ME/24 dev eth0 || ! gwait 30 ip link set eth0 up; then
		res fail "$1: eth0 takes $ME/24 and goes up within 30 s"
		return 1
	fi
	chk "$1: the guest pings dom0" pings $HOST
	q=$(tx_queues)
	chk "$1: eth0 has 2 tx queues (it has $q)" test "$q" = 2
}

# back WHAT POINT DPORT GPORT: after an xl network-attach: eth0 back and
# configured, then 4 MiB each way at once (dom0's to GPORT checked here,
# ours to dom0's DPORT checked there).
back() {
	local what=$1 p=$2 dp=$3 gp=$4 r=/tmp/nl.r$4 st
	chk "$what: eth0 is back within 30 s" gwait 30 has_eth0 || return
	net_up "$what" || return
	bg_run "$r" 180 netpattern tcp-recv "$gp" 1 $((4 * M)) "$gp"
	# (dom0 pings us, starts its receiver and sends; its connect is retried)
	point "$p" || return
	chk "$what: 4 MiB sent to dom0, which read them all (dom0 checks every byte)" \
		timeout 180 netpattern tcp-send $HOST "$dp" 1 $((4 * M)) "$dp"
	gwait 180 bg_done "$r"
	st=$(bg_status "$r")
	chk "$what: 4 MiB from dom0 arrive intact: $(bg_out "$r") (exit ${st:-none: still running after 180 s})" \
		test "$st" = 0
}

# 1. Booted: eth0 up; dom0 then detaches the vif while we are idle, and
# attaches it again.
g_idle() {
	chk "netfront ($(driver_loaded_impl xen-netfront)) made eth0 within 30 s" gwait 30 has_eth0 ||
		return
	guest_put netfront-impl "$(driver_loaded_impl xen-netfront)"
	xenstore-write data/xpv/lc/go none
	ip link set lo up
	net_up "at boot" || return
	point up || return
	chk "eth0 goes away after xl network-detach (idle) within 30 s" gwait 30 no_eth0 || return
	point gone || return
	back "after the idle re-attach" back1 5301 6301
}

# 2. xl network-detach under our stream to dom0. A TCP sender does not
# notice an interface going: it retransmits until tcp_retries2 runs out
# (15: about 15 minutes). Lowered to 5 (about 13 s of retransmissions)
# for this stream, so that the bound is the kernel's, and put back.
g_cut() {
	local s=/tmp/nl.s5302 r2 tx0 t0 t1 st e
	r2=$(cat $RETRIES2)
	point cut-ready || return
	echo 5 >$RETRIES2
	tx0=$(tx_bytes)
	bg_run $s 600 netpattern tcp-send $HOST 5302 1 $LONG_BYTES 5302
	if ! gwait 30 tx_grew "$tx0"; then
		res fail "the stream to dom0 is running within 30 s (eth0 sent $(($(tx_bytes) - tx0)) bytes; $(bg_out $s))"
		echo "$r2" >$RETRIES2
		return 1
	fi
	res ok "the stream to dom0 is running (eth0 sent $(($(tx_bytes) - tx0)) bytes) for dom0's detach"
	point cut-io || return
	now
	t0=$NOW
	chk "eth0 goes away after xl network-detach under traffic within 30 s" gwait 30 no_eth0
	gwait 150 bg_done $s
	now
	t1=$NOW
	st=$(bg_status $s)
	e=$(bg_out $s)
	case $st in
	'') res fail "the sender hung: no error 150 s after the detach (tcp_retries2 $(cat $RETRIES2))"
	    bg_kill $s ;;
	0) res fail "the sender completed its stream: the detach never cut it" ;;
	137|143) res fail "the sender was killed by its 600 s timeout" ;;
	*) res ok "the sender ended with an error within $((t1 - t0)) s of dom0's detach completing: ${e:-no message} (exit $st)" ;;
	esac
	echo "$r2" >$RETRIES2
	chk "no kernel fault (Oops, BUG, WARNING, hung task) in the guest's dmesg after the detach under traffic" \
		no_kfault
	point cut || return
	back "after the re-attach" back2 5305 6305
}

# 2b. rmmod xen-netfront with eth0 up and idle: refused (eth0 still
# reaches dom0) or eth0 goes and the vif's backend goes Closed. Loaded
# again, eth0 comes back, is configured as before and reaches dom0.
vif_closed() {
	local v
	v=$(xenstore-list device/vif 2>/dev/null | head -n 1)
	[ "$(xenstore-read "$(xenstore-read "device/vif/$v/backend")/state")" = 6 ]
}
# eth0_serves: configured (again, after a reload) and reaching dom0.
eth0_serves() {
	ip -4 addr show dev eth0 | grep -q "inet $ME/" ||
		net_up "after reloading xen-netfront" || return
	pings $HOST
}
g_front_reload() {
	front_rmmod xen-netfront "eth0 up and idle" no_eth0 vif_closed eth0_serves has_eth0
}

# 3. xl save and xl restore under 128 MiB each way. eth0 stays (netfront
# reconnects it to the new vif); the streams go on after the restore. The
# results so far are written again (the restore lost them).
g_saverestore() {
	local r=/tmp/nl.r6303 s=/tmp/nl.s5303 d0 d1 st q
	bg_run $r 900 netpattern tcp-recv 6303 1 $SR_BYTES 6303
	point sr-ready || return
	bg_run $s 900 netpattern tcp-send $HOST 5303 1 $SR_BYTES 5303
	d0=$(my_domid)
	say_at sr-io
	gwait 1000 bg_done $r
	gwait 200 bg_done $s
	republish
	d1=$(my_domid)
	guest_put sr-doms "$d0 $d1"
	st=$(bg_status $r)
	chk "128 MiB from dom0 arrive intact across save/restore (domains $d0, then $d1): $(bg_out $r) (exit ${st:-none: still running})" \
		test "$st" = 0
	st=$(bg_status $s)
	chk "128 MiB sent to dom0 across save/restore, which read them all (dom0 checks every byte; exit ${st:-none: still running}$([ "$st" = 0 ] || echo ": $(bg_out $s)"))" \
		test "$st" = 0
	q=$(tx_queues)
	chk "eth0 still has $ME and 2 tx queues (it has $q) after the restore" \
		sh -c "[ $q = 2 ] && ip -4 addr show dev eth0 | grep -q 'inet $ME/'"
	chk "no kernel fault (Oops, BUG, WARNING, hung task) in the guest's dmesg after save/restore" \
		no_kfault
	point sr-done
}

# 4. Streams both ways, left running: dom0 destroys the domain under them.
# The script ends here (domU-init then writes data/xpv/done).
g_destroy() {
	local tx0
	bg_run /tmp/nl.r6304 900 netpattern tcp-recv 6304 1 $LONG_BYTES 6304
	point destroy-ready || return
	tx0=$(tx_bytes)
	bg_run /tmp/nl.s5304 900 netpattern tcp-send $HOST 5304 1 $LONG_BYTES 5304
	chk "the stream to dom0 is running for dom0's xl destroy" gwait 30 tx_grew "$tx0"
	say_at destroy-io
}

g_idle && g_cut && g_front_reload && g_saverestore && g_destroy
