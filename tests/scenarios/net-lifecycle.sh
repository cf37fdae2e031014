# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash source-path=SCRIPTDIR
#
# Network device lifecycle, for every netfront/netback pair this image can
# load (as net-matrix: xpv/xpv, xpv/in-tree, in-tree/xpv in an xpv image;
# in-tree/in-tree in an in-tree one). One one-vCPU domU per pair (two-vCPU
# guests meet the emulator's fault far more often) with one vif on br0,
# two queues (netback max_queues=2, xen_netfront.max_queues=2), goes
# through, in this order:
#  1. xl network-detach while idle: the guest's eth0 goes, dom0's vifD.N,
#     the backend device and both xenstore directories go; xl
#     network-attach again: eth0 comes back with the same MAC, two queues,
#     on br0; pings both ways and 4 MiB of TCP each way, intact;
#  2. xl network-detach under a TCP stream from the guest: the guest's
#     sender ends with an error within a bound (no hang), no kernel fault
#     in the guest or dom0, the vif gone; attach again and 4 MiB each way;
#     then the guest unloads xen-netfront with eth0 up and idle: refused,
#     or eth0 goes and the vif's backend closes, and loaded again eth0
#     comes back and reaches dom0;
#  3. xl save and xl restore, then xl migrate to localhost, under 128 MiB
#     of TCP each way: the restored and then the migrated domain (a new
#     domid each) reconnects to its new vif, which is on br0, and both
#     streams complete intact (TCP retransmits across the pauses);
#  4. xl destroy under TCP both ways: the domain reaped, its vif, backend
#     device and xenstore directories gone, dom0's dmesg clean.
# Every byte that is meant to arrive is checked by its receiver
# (tests/net/netpattern.c: byte p of a stream is a function of p and the
# seed; here the seed of a stream is its port). A stream cut by a detach
# is not checked: its receiver never learns it ended (the guest's end dies
# without FIN or RST, and netpattern reports only at the end of a stream);
# what arrives after the re-attach is.
# Guest side: net-lifecycle.guest.sh; the two step through xenstore as in
# blk-lifecycle (the guest's data/xpv/lc/at: where it is; lc/go: dom0 lets
# it on). Every step is bounded; a step that cannot go on ends that pair's
# run with a failure. NL_PAIRS narrows it down while developing.
# xpv-timeout: 1150
# shellcheck source=../lib/tap.sh
. /xpv/lib/tap.sh
# shellcheck source=../lib/domu.sh
. /xpv/lib/domu.sh
# shellcheck source=../lib/drivers.sh
. /xpv/lib/drivers.sh
# shellcheck source=../lib/lifecycle.sh
. /xpv/lib/lifecycle.sh

if [ "$DRIVERS" = intree ]; then
	pairs=${NL_PAIRS:-intree/intree}
else
	pairs=${NL_PAIRS:-xpv/xpv xpv/intree intree/xpv}
fi
M=1048576
dir=/var/lib/xen
# For lifecycle.sh: kernel log marks, files in /tmp.
LC_SCENARIO=net-lifecycle LC_TMP=/tmp/nl
MAC=00:16:3e:00:00:07
GUEST=10.99.0.2
# The streams that cross save/restore, and those that a detach or xl
# destroy cuts (never meant to finish).
SR_BYTES=$((128 * M)) LONG_BYTES=$((4096 * M))
# This scenario's time (the xpv-timeout line above, a little less): a pair
# is not begun without NL_NEED seconds left (raised to the longest pair
# seen), so that the scenario reports what it ran instead of being killed.
NL_LIMIT=1130 NL_NEED=300
# The run in progress: the pair, the domain's name and id (xl restore
# changes the id), the vif's devid, whether the guest's results were
# collected; BG: dom0's background streams by name.
FE='' BE='' NAME='' D='' VIFID='' RESULTS='' KMARK=0
declare -A BG=()

be_node() { xenstore-read "/local/domain/0/backend/vif/$D/$VIFID/$1" 2>/dev/null; }
fe_node() { xenstore-read "/local/domain/$D/device/vif/$VIFID/$1" 2>/dev/null; }
pings() { ping -c 3 -W 5 "$1" >/dev/null 2>&1; }

# result STATUS DESCRIPTION: one result from a status already taken (so
# that the description can say what a wait found); returns STATUS.
result() {
	if [ "$1" = 0 ]; then tap_ok "$2"; else tap_fail "$2"; fi
	return "$1"
}

# spawn NAME SECONDS COMMAND...: COMMAND in the background, killed after
# SECONDS; its output in /tmp/nl.NAME, its pid in BG[NAME] (busybox's
# timeout execs COMMAND in its own process, so that is COMMAND's pid).
spawn() {
	local n=$1 t=$2
	shift 2
	timeout "$t" "$@" >"/tmp/nl.$n" 2>&1 &
	BG[$n]=$!
}

# reap NAME SECONDS: wait up to SECONDS for it to end. ST: its exit
# status, empty while it still runs; OUT: its last line of output
# (netpattern's summary, or its error). 1 while it runs.
reap() {
	local n=$1 t=$(($2 * 10)) pid=${BG[$1]:-}
	ST='' OUT=''
	[ -n "$pid" ] || return 1
	while [ $t -gt 0 ] && kill -0 "$pid" 2>/dev/null; do
		nap 0.1
		t=$((t - 1))
	done
	if ! kill -0 "$pid" 2>/dev/null; then
		wait "$pid"
		ST=$?
		unset "BG[$n]"
	fi
	OUT=$(tail -n 1 "/tmp/nl.$n" 2>/dev/null)
	[ -n "$ST" ]
}
running() { [ -n "${BG[$1]:-}" ] && kill -0 "${BG[$1]}" 2>/dev/null; }

# stop_bg NAME: end it if it still runs.
stop_bg() {
	local pid=${BG[$1]:-}
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unset "BG[$1]"
}

# moving VIF COUNTER SECONDS: that counter of dom0's vif grows by 1 MiB
# within SECONDS (rx_bytes: what the guest sent; tx_bytes: what it was
# sent). SEEN says what was read.
moving() {
	local f=/sys/class/net/$1/statistics/$2 a b i
	SEEN="no $f"
	{ read -r a <"$f"; } 2>/dev/null || return 1
	for ((i = 0; i < $3 * 10; i++)); do
		nap 0.1
		{ read -r b <"$f"; } 2>/dev/null || return 1
		SEEN="$2 of $1 grew by $((b - a)) bytes"
		[ $((b - a)) -ge $M ] && return 0
	done
	return 1
}

# vif_find: the domain's vif devid, the one directory under its
# backend/vif/ (xl network-attach takes the lowest free one: 0 again).
vif_find() {
	local l
	l=$(xenstore-list "/local/domain/0/backend/vif/$D" 2>/dev/null) || return 1
	VIFID=${l%%$'\n'*}
	[ -n "$VIFID" ]
}
vif_connected() { [ "$(be_node state)" = 4 ] && [ "$(fe_node state)" = 4 ]; }
vif_dirs_gone() {
	! xenstore-exists "/local/domain/0/backend/vif/$D/$1" &&
		! xenstore-exists "/local/domain/$D/device/vif/$1"
}

domain_gone() {
	! xenstore-exists "/local/domain/$1" && ! xenstore-exists "/local/domain/0/backend/vif/$1"
}
no_vif_device() { ! compgen -G "/sys/bus/xen-backend/devices/vif-$1-*" >/dev/null; }

# connected WHAT: after xl create, network-attach or restore: the vif's
# devid, both ends Connected, vifD.N on br0 (vif-bridge, run by libxl for
# every new vif, restores included, puts it there; if it did not, it is
# added here so that the run can go on) and two queues negotiated.
connected() {
	local vif q
	if ! wait_for 20 vif_find; then
		tap_fail "$1: domain $D has a vif backend directory within 20 s"
		return 1
	fi
	vif=vif$D.$VIFID
	wait_for 60 vif_connected
	result $? "$1: vif $VIFID is Connected at both ends within 60 s (backend $(be_node state), frontend $(fe_node state))" ||
		return 1
	if wait_for 20 test -e "/sys/class/net/br0/brif/$vif"; then
		tap_ok "$1: $vif is on br0"
	else
		tap_fail "$1: $vif is on br0 within 20 s (vif-bridge did not put it there; added by hand to go on)"
		ip link set "$vif" master br0 2>/dev/null
		ip link set "$vif" up 2>/dev/null
	fi
	q=$(fe_node multi-queue-num-queues)
	tap_check "$1: 2 queues negotiated (multi-queue-num-queues ${q:-absent})" test "$q" = 2
}

# detach WHAT: xl network-detach of the vif; nothing of it may be left:
# dom0's netdev, the backend's device, both xenstore directories.
detach() {
	local vif=vif$D.$VIFID
	xl_step "$1: xl network-detach $D $VIFID (no -f)" 60 network-detach "$D" "$VIFID" || return 1
	tap_check "$1: $vif is gone from dom0 within 20 s" \
		wait_for 20 test ! -e "/sys/class/net/$vif"
	tap_check "$1: the backend device vif-$D-$VIFID is gone from dom0's sysfs" \
		wait_for 20 test ! -e "/sys/bus/xen-backend/devices/vif-$D-$VIFID"
	tap_check "$1: the vif's backend and frontend directories are removed" \
		wait_for 20 vif_dirs_gone "$VIFID"
}

# attach WHAT: xl network-attach with the same MAC; then connected.
attach() {
	xl_step "$1: xl network-attach $D bridge=br0 mac=$MAC" 60 \
		network-attach "$D" bridge=br0 "mac=$MAC" || return 1
	connected "$1"
}

# streams POINT DPORT GPORT WHAT: at the guest's POINT (eth0 configured,
# its receiver listening on GPORT), dom0 pings it, then 4 MiB of TCP each
# way at once: ours to GPORT (the guest checks it), the guest's to our
# DPORT (checked here).
streams() {
	local p=$1 dp=$2 gp=$3 what=$4 rc msg=''
	reach "$p" 90 || return
	tap_check "$what: dom0 pings the guest" pings $GUEST
	spawn "r$dp" 180 netpattern tcp-recv "$dp" 1 $((4 * M)) "$dp"
	go_on "$p" || return
	timeout 180 netpattern tcp-send $GUEST "$gp" 1 $((4 * M)) "$gp" >"/tmp/nl.s$gp" 2>&1
	rc=$?
	[ $rc = 0 ] || msg=": $(tail -n 1 "/tmp/nl.s$gp")"
	result $rc "$what: dom0 sent 4 MiB to the guest, which read them all (it checks every byte; exit $rc$msg)"
	reap "r$dp" 180
	result "${ST:-1}" "$what: 4 MiB from the guest arrive intact: ${OUT:-no summary (still running after 180 s)}"
	stop_bg "r$dp"
	return 0
}

# 1. At boot, then xl network-detach while idle, then attach again.
step_idle() {
	local got
	reach up 300 || return
	got=$(gkey netfront-impl)
	tap_check "the guest runs the $FE netfront (it says ${got:-nothing})" test "$got" = "$FE"
	tap_check "the backend is the $BE netback" test "$(driver_loaded_impl xen-netback)" = "$BE"
	connected "at boot" || return 1
	tap_check "at boot: dom0 pings the guest" pings $GUEST
	kmark "idle detach"
	detach "idle detach" || return 1
	go_on up || return
	reach gone 60 || return
	attach "re-attach after the idle detach" || return 1
	go_on gone || return
	streams back1 5301 6301 "after the idle re-attach" || return
	dmesg_clean "through the idle detach and re-attach"
}

# 2. xl network-detach under the guest's TCP stream to dom0, then attach
# again. The cut stream's receiver here is stopped: it cannot end.
step_cut() {
	reach cut-ready 220 || return
	spawn r5302 600 netpattern tcp-recv 5302 1 $LONG_BYTES 5302
	go_on cut-ready || return
	reach cut-io 60 || return
	kmark "detach under traffic"
	moving "vif$D.$VIFID" rx_bytes 30
	result $? "the guest's stream to dom0 is running when the vif is detached ($SEEN)"
	detach "detach under traffic" || return 1
	go_on cut-io || return
	# (the guest: eth0 gone within 30 s, its sender ended within 150 s)
	reach cut 240 || return
	if reap r5302 0; then
		tap_diag "dom0's receiver of the cut stream ended by itself (exit $ST): $OUT"
	else
		tap_diag "dom0's receiver of the cut stream stopped (its peer vanished without FIN or RST)"
		stop_bg r5302
	fi
	dmesg_clean "through the detach under traffic"
	attach "re-attach after the detach under traffic" || return 1
	go_on cut || return
	streams back2 5305 6305 "after the re-attach" || return
	return 0
}

# 3. xl save and xl restore (then 3b) under 128 MiB of TCP each way.
step_saverestore() {
	local old=$D mem save=$dir/nl-save.img saved='' rc vif
	reach sr-ready 220 || return
	spawn r5303 900 netpattern tcp-recv 5303 1 $SR_BYTES 5303
	go_on sr-ready || return
	spawn s6303 900 netpattern tcp-send $GUEST 6303 1 $SR_BYTES 6303
	reach sr-io 60 || return
	kmark "xl save/restore"
	vif=vif$D.$VIFID
	moving "$vif" tx_bytes 30
	result $? "dom0's stream to the guest is running when xl save begins ($SEEN)"
	moving "$vif" rx_bytes 30
	result $? "the guest's stream to dom0 is running when xl save begins ($SEEN)"
	mem=$(xl list "$NAME" 2>/dev/null | awk 'NR == 2 { print $3 }')
	if ! save_room "${mem:-256}"; then
		tap_skip "xl save/restore: $dir has room for $ROOM MiB, the image of a ${mem:-256} MiB guest needs more"
	else
		saved=1
		if ! xl_step "xl save of $NAME (domain $old) under TCP both ways" 300 save "$NAME" "$save"; then
			rm -f "$save"
			return 1
		fi
		# Both streams must still be open, or they did not cross the save.
		running s6303 && running r5303
		result $? "both streams were still running when xl save had suspended the guest (so they cross it)"
		tap_check "the saved domain $old is reaped within 30 s" wait_slow 30 absent listed "$old"
		tap_check "the saved domain's xenstore and backend directories are gone" \
			wait_for 20 domain_gone "$old"
		tap_check "$vif is gone from dom0 after the save" wait_for 20 test ! -e "/sys/class/net/$vif"
		xl_step "xl restore of $NAME" 300 restore "$save"
		rc=$?
		rm -f "$save"
		[ $rc = 0 ] || return 1
		D=$(find_domid) || { tap_fail "xl domid $NAME after the restore"; return 1; }
		tap_check "the restored domain has a new domid ($old, now $D)" test "$D" != "$old"
		connected "after xl restore" || return 1
		step_migrate || return 1
	fi
	# dom0's TCP backs off while the guest is away (its retransmission
	# interval doubles, up to 120 s): the rest may take that long to start.
	reap s6303 420
	result "${ST:-1}" "dom0 sent 128 MiB to the guest across save/restore, and the guest read them all (it checks every byte; $([ -n "$ST" ] && echo "exit $ST" || echo "still running 420 s after")${OUT:+: $OUT})"
	reap r5303 120
	result "${ST:-1}" "128 MiB from the guest across save/restore arrive intact: ${OUT:-no summary (still running)}"
	stop_bg s6303
	stop_bg r5303
	reach sr-done 120 || return
	[ -z "$saved" ] ||
		tap_check "the guest's streams began in the saved domain and ended in the last one, $D (it says: $(gkey sr-doms))" \
			test "$(gkey sr-doms)" = "$old $D"
	dmesg_clean "through xl save/restore"
	go_on sr-done
}

# 3b. xl migrate to localhost, the streams of 3 still open (they may be
# in TCP's back-off after the restore: they cross the migration anyway).
step_migrate() {
	local old=$D vif=vif$D.$VIFID
	if ! migrate_ready "$NAME"; then
		tap_skip "xl migrate to localhost: $MIGRATE_WHY"
		return 0
	fi
	xl_migrate "xl migrate of $NAME (domain $old) to localhost under TCP both ways" || return 1
	tap_check "the migrated-away domain $old is reaped within 30 s" wait_slow 30 absent listed "$old"
	tap_check "the migrated-away domain's xenstore and backend directories are gone" \
		wait_for 20 domain_gone "$old"
	tap_check "$vif is gone from dom0 after the migration" wait_for 20 test ! -e "/sys/class/net/$vif"
	D=$(find_domid) || { tap_fail "xl domid $NAME after the migration"; return 1; }
	tap_check "the migrated domain has a new domid ($old, now $D)" test "$D" != "$old"
	connected "after xl migrate"
}

# 4. xl destroy under TCP both ways.
step_destroy() {
	local old=$D vif
	reach destroy-ready 220 || return
	spawn r5304 900 netpattern tcp-recv 5304 1 $LONG_BYTES 5304
	go_on destroy-ready || return
	spawn s6304 900 netpattern tcp-send $GUEST 6304 1 $LONG_BYTES 6304
	reach destroy-io 60 || return
	domu_wait_done "$D" 30 "$NAME"
	case $? in
	2) return 2 ;;
	1) tap_fail "the guest's script ended within 30 s of its last point" ;;
	esac
	guest_results
	vif=vif$D.$VIFID
	kmark "xl destroy"
	moving "$vif" rx_bytes 30
	result $? "the guest's stream to dom0 is running when it is destroyed ($SEEN)"
	moving "$vif" tx_bytes 30
	result $? "dom0's stream to the guest is running when it is destroyed ($SEEN)"
	ethtool -S "$vif" 2>&1 | sed "s/^/# ethtool -S $vif: /"
	xl_step "xl destroy of $NAME under TCP both ways" 60 destroy "$NAME" || return 1
	tap_check "domain $old is reaped within 30 s (xl list lacks it)" \
		wait_slow 30 absent listed "$old"
	tap_check "domain $old's xenstore and backend directories are gone" \
		wait_for 20 domain_gone "$old"
	tap_check "$vif is gone from dom0" wait_for 20 test ! -e "/sys/class/net/$vif"
	tap_check "no vif-$old-* backend device is left in dom0's sysfs" \
		wait_for 20 no_vif_device "$old"
	stop_bg s6304
	stop_bg r5304
	guest_console_clean
	dmesg_clean "through xl destroy"
	# (a user program's crash on the console would have the runner discard
	# the whole boot: this run is set aside and repeated instead)
	domu_faulted "$NAME" && return 2
	return 0
}

# one_run FE BE: the whole lifecycle for one pair. 1: ended early (the
# failure is reported), 2: the emulator's fault hit the guest.
one_run() {
	local q
	FE=$1 BE=$2 NAME=nl-$1-$2 D='' VIFID='' RESULTS=''
	TAP_PREFIX="$FE front, $BE back: "
	if ! driver_use "$BE" xen-netback max_queues=2; then
		tap_fail "load $BE xen-netback max_queues=2"
		return 1
	fi
	q=$(driver_param xen-netback max_queues)
	tap_check "$BE xen-netback loaded, max_queues ${q:-unreadable}" test "$q" = 2
	# (a neighbour entry left by an earlier guest on 10.99.0.2 would hold
	# another MAC)
	ip neigh flush dev br0 >/dev/null 2>&1
	kmark "$NAME begins"
	if ! D=$(DOMU_VCPUS=1 DOMU_CMDLINE="xpv.netfront=$FE xen_netfront.max_queues=2 xpv.mac=$MAC" \
		domu_create "$NAME" net-lifecycle "vif = ['bridge=br0,mac=$MAC']"); then
		tap_fail "xl create"
		D=''
		return 1
	fi
	step_idle || return
	step_cut || return
	step_saverestore || return
	step_destroy
}

# nl_cleanup: what a run left behind: the guest's results not yet
# collected, the domain, dom0's streams, the save image.
nl_cleanup() {
	local n
	[ -n "$RESULTS" ] || [ -z "$D" ] || guest_results
	if [ -n "$NAME" ] && xl domid "$NAME" >/dev/null 2>&1; then
		timeout -k 10 60 xl destroy "$NAME" >/dev/null 2>&1
		wait_for 20 absent xenstore-exists "/local/domain/0/backend/vif/$D"
	fi
	for n in "${!BG[@]}"; do
		stop_bg "$n"
	done
	rm -f "$dir/nl-save.img" /tmp/nl.[rs][0-9]*
}

# pair FE BE: one_run, run again (once) when the emulator's fault hits the
# guest: a second repeat would not fit in the scenario's time. A run's TAP
# lines are held back until it is over, so that those of a run set aside
# are shown as comments, not counted.
pair() {
	local attempt rc n0 f0 t0 left out=/tmp/nl.run.tap
	for attempt in 1 2; do
		TAP_PREFIX="$1 front, $2 back: "
		left=$((NL_LIMIT - SECONDS))
		if [ $left -lt $NL_NEED ]; then
			tap_skip "not run: $left s are left of this scenario's $NL_LIMIT s, and a run takes up to about $NL_NEED s"
			break
		fi
		t0=$SECONDS n0=$TAP_N f0=$TAP_FAILED
		{
			one_run "$1" "$2"
			rc=$?
			[ $rc = 2 ] || nl_cleanup
		} >$out 2>&1
		[ $((SECONDS - t0 + 30)) -le $NL_NEED ] || NL_NEED=$((SECONDS - t0 + 30))
		if [ $rc != 2 ]; then
			cat $out
			break
		fi
		sed 's/^/# (run set aside) /' $out
		domu_set_aside "$NAME"
		RESULTS=set-aside
		nl_cleanup >/dev/null 2>&1
		TAP_N=$n0 TAP_FAILED=$f0
		[ $attempt -lt 2 ] || tap_fail "the emulator's fault hit the guest in both runs"
	done
	TAP_PREFIX=
}

for p in $pairs; do
	TAP_PREFIX=
	fe=${p%/*} be=${p#*/}
	if ! driver_has "$fe" xen-netfront || ! driver_has "$be" xen-netback; then
		tap_skip "$fe front, $be back: this image has no $fe xen-netfront or $be xen-netback"
		continue
	fi
	pair "$fe" "$be"
done
# Leave the image's own backend loaded, with its default parameters, for
# the suites after this one.
driver_use "$([ "$DRIVERS" = intree ] && echo intree || echo xpv)" xen-netback >/dev/null 2>&1 ||
	driver_use intree xen-netback >/dev/null 2>&1
tap_end
