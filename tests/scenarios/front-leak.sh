# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash source-path=SCRIPTDIR
#
# XSA-403 from the backend's seat: does a frontend show its backend bytes
# of the guest that are not the I/O's? dom0 gives a domU a disk (xvda) and
# a vif (eth0) whose backends are spies in dom0's user space
# (tests/blk/vbd-spy.c, tests/net/vif-spy.c, under xenstore paths no
# kernel backend watches). Each maps every page the frontend grants for a
# write or a transmitted packet and looks at all of it, outside the bytes
# the request names, for a marker: the guest writes one sector from the
# middle of a page that is the marker everywhere else (O_DIRECT), and
# sends UDP datagrams from the middle of such a page, three with
# sendfile() and three with MSG_ZEROCOPY (front-leak.guest.sh; 6.1's UDP
# copies what sendfile() gives it, MSG_ZEROCOPY hands the device the page
# itself). Three connections per frontend:
#   trusted  the control: both frontends grant the I/O's own pages to a
#            trusted backend, so the spies must see the marker (the check
#            can see a leak);
#   node     the toolstack's "trusted" node is 0 in the frontend's
#            directory: no marker may reach the spies, and every granted
#            page must be zeros outside the data;
#   param    the module parameter trusted=0, no node: the same.
# Both spies must also see the payload (the I/O reached them) and close
# cleanly; xl destroy must then reap the domain (no grant left mapped).
# Every frontend this image has: in-tree, and xpv's in an xpv image.
# LEAK_FRONTENDS and LEAK_CASES narrow it down.
# xpv-timeout: 900
# shellcheck source=../lib/tap.sh
. /xpv/lib/tap.sh
# shellcheck source=../lib/domu.sh
. /xpv/lib/domu.sh
# shellcheck source=../lib/drivers.sh
. /xpv/lib/drivers.sh
# shellcheck source=../lib/lifecycle.sh
. /xpv/lib/lifecycle.sh

if [ "$DRIVERS" = intree ]; then
	fronts=${LEAK_FRONTENDS:-intree}
else
	fronts=${LEAK_FRONTENDS:-xpv intree}
fi
cases=${LEAK_CASES:-trusted node param}
LC_SCENARIO=front-leak LC_TMP=/tmp/fl NAME=frontleak KMARK=0
VBD=51712	# xvda
MAC=00:16:3e:5f:4c:01

# devices CASE: make the guest's xvda and eth0 with spies behind them.
# The backend directories first (readable by the guest), the spies
# started (they write their features and InitWait there), then the
# frontend directories, owned by the guest, and their state last: the
# guest's xenbus probes a device once its state reads Initialising.
devices() {
	local c=$1 t dev fe be
	for t in vbd vif; do
		dev=$VBD
		[ $t = vif ] && dev=0
		fe=/local/domain/$D/device/$t/$dev
		be=/local/domain/0/xpv-spy/$t/$D/$dev
		xenstore-write "$be/frontend" "$fe" "$be/frontend-id" "$D" \
			"$be/online" 1 "$be/state" 1 &&
			xenstore-chmod -r "$be" n0 "r$D" || return 1
		"$t-spy" back "$fe" "$be" "$D" >"$LC_TMP.$t.out" 2>"$LC_TMP.$t.err" &
		eval "${t}_pid=\$!"
		if [ $t = vbd ]; then
			xenstore-write "$fe/backend" "$be" "$fe/backend-id" 0 \
				"$fe/virtual-device" "$dev" "$fe/device-type" disk
		else
			xenstore-write "$fe/backend" "$be" "$fe/backend-id" 0 \
				"$fe/handle" 0 "$fe/mac" "$MAC"
		fi || return 1
		if [ "$c" = node ]; then
			xenstore-write "$fe/trusted" 0 || return 1
		fi
		xenstore-chmod -r "$fe" "n$D" r0 &&
			xenstore-write "$fe/state" 1 || return 1
	done
}

# spies_end: stop both spies (they close their devices) and remove the
# devices' directories.
spies_end() {
	local t pid
	for t in vbd vif; do
		eval "pid=\${${t}_pid:-}"
		[ -n "$pid" ] || continue
		kill -TERM "$pid" 2>/dev/null
		wait_for 45 sh -c "! kill -0 $pid" || kill -KILL "$pid" 2>/dev/null
		wait "$pid"
		eval "${t}_rc=\$?"
		eval "${t}_pid="
	done
	# The device's own directory: the guest's xenbus acts on a change
	# two levels below device/, as when xl removes a device.
	xenstore-rm "/local/domain/$D/device/vbd/$VBD" 2>/dev/null
	xenstore-rm "/local/domain/$D/device/vif/0" 2>/dev/null
	xenstore-rm "/local/domain/0/xpv-spy/vbd/$D" 2>/dev/null
	xenstore-rm "/local/domain/0/xpv-spy/vif/$D" 2>/dev/null
}

# seen T KEY: a count from spy T's summary line.
seen() { sed -n "s/.*\b$2=\([0-9]*\).*/\1/p" "$LC_TMP.$1.out"; }

# judge CASE T: the verdicts on what spy T saw.
judge() {
	local c=$1 t=$2 rc what pages marked payload
	eval "rc=\${${t}_rc:-1}"
	what="$c, $t spy"
	if [ "$rc" != 0 ] || [ -z "$(seen "$t" pages)" ]; then
		tap_fail "$what: served the connection and closed it (exit $rc)"
		sed 's/^/# spy: /' "$LC_TMP.$t.err" "$LC_TMP.$t.out" | tail -n 10
		return
	fi
	tap_ok "$what: served the connection and closed it"
	tap_diag "$what: $(cat "$LC_TMP.$t.out")"
	sed "s/^/# $what: /" "$LC_TMP.$t.err" | head -n 12
	pages=$(seen "$t" pages) marked=$(seen "$t" marked) payload=$(seen "$t" payload)
	tap_check "$what: the guest's data reached it ($payload of $pages pages held the payload)" \
		test "$payload" -ge 1
	tap_check "$what: every request well formed and answered OKAY (refused $(seen "$t" refused), bad ranges $(seen "$t" bad))" \
		test "$(seen "$t" refused)" = 0 -a "$(seen "$t" bad)" = 0
	if [ "$c" = trusted ]; then
		tap_check "$what: the control: a trusted connection shows the spy the marker around the data ($marked of $pages pages), so the check sees a leak" \
			test "$marked" -ge 1
	else
		tap_check "$what: no granted page carries the guest's marker outside the data ($marked of $pages pages do)" \
			test "$marked" = 0
		# Bounce pages come zeroed (both frontends' do): nothing at all
		# of the guest's but the data.
		tap_check "$what: every granted page is zeros outside the data ($(seen "$t" nonzero) of $pages pages are not)" \
			test "$(seen "$t" nonzero)" = 0
	fi
}

# drive: the cases, in step with the guest. 2: the emulator's fault.
drive() {
	local c t rc
	for c in $cases; do
		reach "ready-$c" 120 || return $?
		kmark "$FE, $c"
		if ! devices "$c"; then
			tap_fail "$c: dom0 makes xvda and eth0 for domain $D"
			spies_end
			return 1
		fi
		go_on "ready-$c" || return 1
		guest_at "sent-$c" 180
		rc=$?
		spies_end
		[ $rc = 2 ] && return 2
		if [ $rc != 0 ]; then
			tap_fail "$c: the guest did its I/O within 180 s (it last said '$(gkey lc/at)')"
			domu_console "$NAME"
			return 1
		fi
		for t in vbd vif; do
			judge "$c" "$t"
		done
		dmesg_clean "($c)"
		go_on "sent-$c" || return 1
	done
}

# attempt: one guest with frontend FE, start to end. 2: the emulator's fault.
attempt() {
	local rc
	kmark "run"
	RUN_MARK=$KMARK
	if ! D=$(DOMU_CMDLINE="xpv.blkfront=$FE xpv.netfront=$FE xpv.leakcases=$(echo "$cases" | tr ' ' +)" \
		domu_create "$NAME" front-leak ""); then
		tap_fail "xl create"
		return 1
	fi
	tap_ok "xl create, no devices (domain $D)"
	drive
	rc=$?
	[ $rc = 2 ] && return 2
	domu_wait_done "$D" 120 "$NAME"
	case $? in
	2) return 2 ;;
	1) tap_fail "the guest finished within 120 s"; domu_console "$NAME" ;;
	esac
	guest_results
	# By build-id, in the guest: the results above are these frontends'.
	tap_check "the guest ran the $FE blkfront and netfront (it says $(gkey blkfront-impl) and $(gkey netfront-impl))" \
		test "$(gkey blkfront-impl)/$(gkey netfront-impl)" = "$FE/$FE"
	guest_console_clean
	domu_destroy "$NAME" "$D"
	tap_check "no spy directory left for domain $D" \
		sh -c "! xenstore-exists /local/domain/0/xpv-spy/vbd/$D && ! xenstore-exists /local/domain/0/xpv-spy/vif/$D"
	KMARK=$RUN_MARK
	dmesg_clean "over the whole run, xl destroy included"
	return 0
}

for FE in $fronts; do
	TAP_PREFIX="$FE frontends: "
	if ! driver_has "$FE" xen-blkfront || ! driver_has "$FE" xen-netfront; then
		tap_skip "this image has no $FE xen-blkfront and xen-netfront"
		continue
	fi
	# A guest that hits the emulator's fault is run again (twice at most);
	# what its run reported is dropped with it.
	for try in 1 2 3; do
		n0=$TAP_N f0=$TAP_FAILED
		attempt >"$LC_TMP.attempt" 2>&1
		rc=$?
		if [ $rc = 2 ] && [ $try -lt 3 ]; then
			TAP_N=$n0 TAP_FAILED=$f0
			spies_end
			domu_set_aside "$NAME"
			continue
		fi
		cat "$LC_TMP.attempt"
		if [ $rc = 2 ]; then
			tap_fail "the emulator's fault hit the guest in all $try runs"
			domu_console "$NAME"
			spies_end
			domu_set_aside "$NAME"
		fi
		break
	done
done
TAP_PREFIX=
tap_end
