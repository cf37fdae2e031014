# SPDX-License-Identifier: GPL-2.0
#
# A hostile frontend against the block backend: a domU that has not loaded
# blkfront (xpv.blkfront=none) plays the frontend of its xvda itself, in
# user space (tests/blk/vbd-hostile.c, blk-hostile.guest.sh), and sends
# what no frontend should: bad segment counts, sectors and grant
# references, bad INDIRECT requests, unknown operations, a producer index
# more than a ring ahead or behind, an event storm, a frontend process
# dying with its ring full, a connection abandoned. Each case must get the
# error it asks for, or for the ring overflow a halted or closed ring, and
# valid I/O must work afterwards on a fresh connection. Here in dom0: no
# kernel fault, no backend thread spinning, the rejected writes absent from
# the backing file and the valid ones present, the backend still serving
# the abandoned connection, and xl destroy leaving nothing behind, the
# loop device released. Runs against the in-tree blkback, then (in an xpv
# image) against xpv's, each with its own domU.
# HOSTILE_BACKENDS / HOSTILE_CASES narrow it down while developing.
# xpv-timeout: 900
. /xpv/lib/tap.sh
. /xpv/lib/domu.sh
. /xpv/lib/drivers.sh

if [ "$DRIVERS" = intree ]; then
	backends=${HOSTILE_BACKENDS:-intree}
else
	backends=${HOSTILE_BACKENDS:-intree xpv}
fi
img=/var/lib/xen/blkhostile.img
GUEST_WAIT=360
# What a kernel fault looks like (as tests/run-suite.sh's KERNEL_FAULT),
# and the user-program faults that are the emulator's (its USER_FAULT).
KFAULT='Kernel panic|Oops: |BUG: |general protection fault|WARNING: CPU|blocked for more than'
UFAULT='segfault at|traps: .* general protection|Segmentation fault'

# cpu_watch DOMID FILE: once a second, the CPU time of the domain's block
# backend threads (Linux's are named DOMID.xvda-N, xpv's blkback.DOMID.N-N);
# FILE gets the longest run of seconds one of them spent at 75% CPU or
# more, and its name. A backend looping on a hostile ring shows up here
# (ring-overflow watches each broken ring for 6 s); valid I/O is not
# expected to keep one that busy for 5 s in a row.
cpu_watch() {
	local d=$1 out=$2 p comm pid t up now prev=0 best=0 bestname=none
	local -A last run
	local -a st
	while :; do
		read -r up _ </proc/uptime
		now=${up/./}
		for p in /proc/[0-9]*; do
			{ read -r comm <"$p/comm"; } 2>/dev/null || continue
			case $comm in "$d".*|"blkback.$d".*) ;; *) continue ;; esac
			{ read -r -a st <"$p/stat"; } 2>/dev/null || continue
			pid=${p#/proc/}
			# utime + stime, in USER_HZ (100) ticks: centiseconds.
			t=$((st[13] + st[14]))
			if [ -n "${last[$pid]:-}" ] && [ "$prev" -gt 0 ] &&
			   [ $(((t - last[$pid]) * 4)) -ge $(((now - prev) * 3)) ]; then
				run[$pid]=$((${run[$pid]:-0} + 1))
			else
				run[$pid]=0
			fi
			last[$pid]=$t
			if [ "${run[$pid]}" -gt "$best" ]; then
				best=${run[$pid]}
				bestname=$comm
			fi
		done
		prev=$now
		echo "$best $bestname" >"$out"
		sleep 1
	done
}

# one_run BE: the guest's hostile cases against BE's blkback.
one_run() {
	local be=$1 loop d rc bdir st got seed sseed n0 wpid attempt f
	TAP_PREFIX="$be blkback: "
	if ! driver_use "$be" xen-blkback; then
		tap_fail "load $be xen-blkback"
		return
	fi
	tap_ok "$be xen-blkback loaded"
	dd if=/dev/zero of=$img bs=1M count=64 2>/dev/null
	loop=$(losetup -f)
	losetup "$loop" $img
	n0=$(dmesg | wc -l)
	# A guest that hits the emulator's fault is run again (twice at most).
	for attempt in 1 2 3; do
		if ! d=$(DOMU_CMDLINE="xpv.blkfront=none${HOSTILE_CASES:+ xpv.hostile=$(echo "$HOSTILE_CASES" | tr ' ' +)}" \
			domu_create blkhostile blk-hostile "disk = ['phy:$loop,xvda,w']"); then
			tap_fail "xl create"
			losetup -d "$loop"
			return
		fi
		: >/tmp/blkhostile.cpu
		cpu_watch "$d" /tmp/blkhostile.cpu &
		wpid=$!
		domu_wait_done "$d" $GUEST_WAIT blkhostile
		rc=$?
		kill "$wpid"
		wait "$wpid" 2>/dev/null
		case $rc in
		0) break ;;
		2) if [ $attempt -lt 3 ]; then domu_set_aside blkhostile; continue; fi
		   tap_fail "the emulator's fault hit the guest in all $attempt runs" ;;
		*) tap_fail "guest side finished within $GUEST_WAIT s (it was at case" \
			"$(xenstore-read /local/domain/$d/data/xpv/hostile-case 2>/dev/null))" ;;
		esac
		domu_console blkhostile
		break
	done
	domu_results "$d"

	bdir=/local/domain/0/backend/vbd/$d/51712
	f=/sys/bus/xen-backend/devices/vbd-$d-51712/statistics
	[ -d "$f" ] && tap_diag "backend statistics: $(cd "$f" && grep -H . ./* 2>/dev/null |
		sed 's|^\./||; s/:/=/' | tr '\n' ' ')"
	got=$(xenstore-read "/local/domain/0/error/backend/vbd/$d/51712/error" 2>/dev/null) &&
		tap_diag "backend error node: $got"
	st=$(xenstore-read $bdir/state 2>/dev/null)
	tap_check "backend still Connected to the abandoned frontend (state ${st:-missing})" \
		test "$st" = 4
	got=$(cat /tmp/blkhostile.cpu 2>/dev/null)
	tap_check "no backend thread spun: longest run at full CPU ${got%% *} s (${got#* })" \
		test "${got%% *}" -lt 5 2>/dev/null
	seed=$(xenstore-read /local/domain/$d/data/xpv/good-seed 2>/dev/null)
	sseed=$(xenstore-read /local/domain/$d/data/xpv/sentinel-seed 2>/dev/null)
	if [ -n "$seed" ]; then
		tap_check "the last valid 64 KiB the guest wrote are in the backing file" \
			blkpattern verify $img 1048576 65536 4096 "$seed" -c
	else
		tap_fail "the guest wrote no valid data (no good-seed)"
	fi
	if [ -n "$sseed" ]; then
		tap_check "the sentinel region is intact in the backing file (no rejected write reached it)" \
			blkpattern verify $img 8388608 65536 4096 "$sseed" -c
	else
		tap_fail "the guest wrote no sentinel region (no sentinel-seed)"
	fi

	domu_destroy blkhostile "$d"
	tap_check "loop device released" losetup -d "$loop"
	tap_check "the loop device let go of the backing file (nothing holds it)" \
		wait_for 10 test ! -e "/sys/block/${loop#/dev/}/loop/backing_file"
	dmesg | tail -n +$((n0 + 1)) | grep -iE 'blkback|blkif|bogus|xbb|vbd' | tail -n 20 |
		sed 's/^/# dmesg: /'
	if dmesg | tail -n +$((n0 + 1)) | grep -Ev "$UFAULT" | grep -Eq "$KFAULT"; then
		tap_fail "no kernel fault (oops, BUG, WARN, panic, hung task) in dom0's dmesg"
		dmesg | tail -n +$((n0 + 1)) | grep -E -A3 "$KFAULT" | head -n 12 |
			sed 's/^/# dmesg: /'
	else
		tap_ok "no kernel fault (oops, BUG, WARN, panic, hung task) in dom0's dmesg"
	fi
	rm -f $img
	TAP_PREFIX=
}

for be in $backends; do
	TAP_PREFIX=
	if ! driver_has "$be" xen-blkback; then
		tap_skip "$be blkback: this image has no $be xen-blkback"
		continue
	fi
	one_run "$be"
done
# Leave the image's own backend loaded for the suites after this one.
driver_use "$([ "$DRIVERS" = intree ] && echo intree || echo xpv)" xen-blkback >/dev/null 2>&1 ||
	driver_use intree xen-blkback >/dev/null 2>&1
tap_end
