# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the testbed's dom0: its /init and the scenario scripts.

XEN_LIBEXEC=/usr/lib/xen-4.17/bin

phase() { echo "@@XPV phase $*"; }

# report SUITE: forward TAP from stdin to the host, one result per line.
report() {
	local l
	while IFS= read -r l; do echo "@@XPV tap $1 $l"; done
}

# suite_status RC SUITE: a failing TAP line when a suite was killed by its
# timeout (kselftests and scenarios report their own failures otherwise).
suite_status() {
	[ "$1" = 124 ] || [ "$1" = 143 ] || return 0
	echo "not ok 999 $2 killed by its timeout"
}

# dump_logs: the guests' consoles, the hotplug log and dmesg, for the host
# to keep and to scan for emulator faults.
dump_logs() {
	local f
	for f in /var/log/xen/console/*.log /var/log/xen/xen-hotplug.log \
		 /var/log/xen/xl-*.log; do
		[ -f "$f" ] || continue
		sed "s|^|@@XPV log $(basename "$f") |" "$f"
	done
	# Consoles of guests that hit the emulator's fault and were run again
	# (domu_set_aside): kept, but apart from what the fault scan reads.
	for f in /var/log/xen/faulted/*.log; do
		[ -f "$f" ] && sed "s|^|@@XPV faultlog $(basename "$f") |" "$f"
	done
	dmesg | sed 's|^|@@XPV log dmesg |'
}

# Start the toolstack's daemons as xencommons does.
start_toolstack() {
	local m i
	for m in xen-evtchn xen-gntdev xen-gntalloc xen-privcmd; do
		modprobe "$m" || echo "dom0: modprobe $m failed"
	done
	modprobe xenfs && mount -t xenfs xenfs /proc/xen
	grep -q control_d /proc/xen/capabilities ||
		echo "dom0: /proc/xen/capabilities does not say control_d"
	XENSTORED_ROOTDIR=/run/xenstored $XEN_LIBEXEC/xenstored \
		--pid-file /run/xenstored.pid
	for i in $(seq 50); do
		xenstore-read -s / >/dev/null 2>&1 && break
		sleep 0.1
	done
	$XEN_LIBEXEC/xen-init-dom0 >/dev/null
	$XEN_LIBEXEC/xenconsoled --log=guest --log-dir=/var/log/xen/console \
		--pid-file=/run/xenconsoled.pid
	for m in xen-blkback xen-netback; do
		modprobe "$m" || echo "dom0: modprobe $m failed"
	done
	modprobe loop max_loop=8
	modprobe bridge
	ip link add br0 type bridge stp_state 0 forward_delay 0
	ip addr add 10.99.0.1/24 dev br0
	ip link set br0 up
	ip link set lo up
}

# build_id_of_loaded NAME: the build-id of the module loaded as NAME.
build_id_of_loaded() {
	local f=/sys/module/$(echo "$1" | tr - _)/notes/.note.gnu.build-id
	[ -r "$f" ] || return 1
	# ELF note: namesz, descsz, type (4 bytes each), "GNU\0", then the id.
	od -An -tx1 -v "$f" | tr -d ' \n' | cut -c33-
}

# prove_drivers: TAP suite "drivers": each replaceable module that is
# loaded is the implementation the image asked for, by build-id.
prove_drivers() {
	local n=0 name impl id got
	{
		while read -r name impl id; do
			case $name in xen-blkfront|xen-netfront) continue ;; esac
			n=$((n + 1))
			got=$(build_id_of_loaded "$name")
			case $impl in
			xpv)
				if [ "$got" = "$id" ]; then
					echo "ok $n $name is xpv's (build-id $id)"
				else
					echo "not ok $n $name is not xpv's: loaded build-id '${got:-not loaded}', xpv's $id"
				fi ;;
			intree-fallback)
				echo "ok $n # SKIP $name: xpv has no $name yet, in-tree module used" ;;
			intree)
				if [ -n "$got" ] && [ -z "$(modinfo -F xpv "$name" 2>/dev/null)" ]; then
					echo "ok $n $name is the in-tree module"
				else
					echo "not ok $n $name: not loaded or not the in-tree module"
				fi ;;
			esac
		done </xpv/manifest
		echo "1..$n"
	} | report drivers
}

# The peer domU for kselftests that need a second domain: started before
# the first of them, its domid exported as XPV_PEER_DOMID (tests that need
# it skip without it).
PEER_STATE=
start_peer() {
	local d
	. /xpv/lib/tap.sh
	. /xpv/lib/domu.sh
	phase "starting the peer domU for the kselftests"
	if d=$(domu_create peer peer "" 2>/dev/null) &&
	   wait_for 120 xenstore-read "/local/domain/$d/data/xpv/peer-up"; then
		export XPV_PEER_DOMID=$d
		PEER_STATE=up
	else
		phase "the peer domU did not come up: tests that need it will skip"
		PEER_STATE=failed
	fi
}

stop_peer() {
	[ "$PEER_STATE" = up ] && xl destroy peer
	unset XPV_PEER_DOMID
}
