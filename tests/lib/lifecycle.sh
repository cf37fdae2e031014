# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# dom0 side of the lifecycle scenarios (blk-lifecycle, net-lifecycle):
# the steps through xenstore with the guest (gkey, gput, go_on, guest_at,
# reach), bounded xl commands (xl_step), waits (wait_slow, absent, listed,
# find_domid), dom0's and the guest's kernel fault checks (kmark,
# dmesg_clean, guest_console_clean), the guest's results (guest_results)
# and save_room. Needs tap.sh and domu.sh. The scenario sets, before
# sourcing: LC_SCENARIO (its name, for the kernel log marks), LC_TMP (the
# prefix of its files in /tmp) and dir (where xl save writes); and keeps
# the run in progress in NAME, D, KMARK (0 at first) and RESULTS.
# shellcheck disable=SC2154 # D, NAME, dir, KMARK, LC_*: the scenario's
# shellcheck disable=SC2034 # RESULTS, ROOM: for the scenario

# Kernel faults as tests/run-suite.sh counts them (KERNEL_FAULT), less
# user-program faults (USER_FAULT: the emulator's) and its known quirk.
KFAULT='Kernel panic|Oops: |BUG: |general protection fault|WARNING: CPU|blocked for more than'
UFAULT='segfault at|traps: .* general protection|Segmentation fault'
QUIRK='WARNING: CPU: .* at arch/x86/kernel/fpu/xstate.c'

absent() { ! "$@"; }
gkey() { xenstore-read "/local/domain/$D/data/xpv/$1" 2>/dev/null; }

# gput KEY VALUE: a node in the guest's data/xpv/, owned by the guest so
# that it can read it (after xl restore its directory is a new one, made
# by us). A failure is reported; the caller ends the run.
gput() {
	local p=/local/domain/$D/data/xpv/$1
	if ! xenstore-write "$p" "$2" || ! xenstore-chmod "$p" "n$D"; then
		tap_fail "dom0 writes $p for the guest"
		return 1
	fi
}
go_on() { gput lc/go "$1"; }

# wait_slow SECONDS COMMAND...: wait_for, polling once a second (for
# commands that start several processes, such as xl list | awk).
wait_slow() {
	local t=$1
	shift
	while [ "$t" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		nap 1
		t=$((t - 1))
	done
	return 1
}

# guest_at POINT SECONDS: wait until the guest says it is at POINT.
# 1: not within SECONDS, or its script ended first; 2: the emulator's
# fault hit it.
guest_at() {
	local t=$(($2 * 5))
	while [ $t -gt 0 ]; do
		[ "$(gkey lc/at)" = "$1" ] && return 0
		if [ $((t % 5)) = 0 ]; then
			domu_faulted "$NAME" && return 2
			# (the point again: the guest may have said it, and
			# ended, between the two reads)
			if [ -n "$(gkey "done")" ]; then
				[ "$(gkey lc/at)" = "$1" ]
				return
			fi
		fi
		nap 0.2
		t=$((t - 1))
	done
	return 1
}

# reach POINT SECONDS: guest_at; a failure is reported with the guest's
# console, and the caller ends the run with this status (2: emulator).
reach() {
	guest_at "$1" "$2"
	case $? in
	0) return 0 ;;
	2) return 2 ;;
	esac
	tap_fail "the guest reached '$1' within $2 s (it last said '$(gkey lc/at)'); this pair's remaining steps are not run"
	domu_console "$NAME"
	return 1
}

# xl_step DESCRIPTION SECONDS ARGS...: xl ARGS, killed after SECONDS, as
# one result; xl's output as comments when it fails.
xl_step() {
	local desc=$1 secs=$2 rc
	shift 2
	timeout -k 10 "$secs" xl "$@" >"$LC_TMP.xl.log" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		tap_ok "$desc"
		return 0
	fi
	case $rc in
	137|143) tap_fail "$desc (xl killed after $secs s)" ;;
	*) tap_fail "$desc (xl exit $rc)" ;;
	esac
	tail -n 20 "$LC_TMP.xl.log" | sed 's/^/# xl: /'
	return 1
}

# listed DOMID: xl list shows that domain, dying ones included (one whose
# grants a backend still holds stays listed until it lets go).
listed() {
	xl list 2>/dev/null | awk -v d="$1" 'NR > 1 && $2 == d { f = 1 } END { exit !f }'
}

# kmark WHAT / dmesg_clean WHEN: a mark in dom0's kernel log, then no
# kernel fault logged after it (a mark, not a line count: the log wraps).
kmark() {
	KMARK=$((KMARK + 1))
	echo "xpv $LC_SCENARIO mark $KMARK: $TAP_PREFIX$1" >/dev/kmsg
}
dmesg_clean() {
	local new
	new=$(dmesg | sed -n "/xpv $LC_SCENARIO mark $KMARK:/,\$p")
	[ -n "$new" ] || { tap_diag "mark $KMARK left the kernel log: all of it is checked"; new=$(dmesg); }
	if echo "$new" | grep -Ev "$UFAULT" | grep -Eq "$KFAULT"; then
		tap_fail "no kernel fault (Oops, BUG, WARNING, panic, hung task) in dom0's dmesg $1"
		echo "$new" | grep -E -A3 "$KFAULT" | head -n 12 | sed 's/^/# dmesg: /'
	else
		tap_ok "no kernel fault (Oops, BUG, WARNING, panic, hung task) in dom0's dmesg $1"
	fi
}

# guest_console_clean: no kernel fault on the guest's console, in all its
# incarnations (the restored domain logs to the same file).
guest_console_clean() {
	local f=/var/log/xen/console/guest-$NAME.log
	if [ ! -s "$f" ]; then
		tap_fail "the guest's console log $f is there"
	elif grep -Ev "$UFAULT|$QUIRK|^domU: " "$f" | grep -Eq "$KFAULT"; then
		# (Not the guest's own result lines, which name what they look for.)
		tap_fail "no kernel fault (Oops, BUG, WARNING, hung task) on the guest's console"
		grep -Ev '^domU: ' "$f" | grep -E -A3 "$KFAULT" | head -n 12 | sed 's/^/# console: /'
	else
		tap_ok "no kernel fault (Oops, BUG, WARNING, hung task) on the guest's console"
	fi
}

# guest_results: the guest's results as TAP lines, result/1, 2, ... up to
# the first one missing; if it wrote data/xpv/done, that many must be there.
guest_results() {
	local i=1 r n
	RESULTS=1
	while r=$(gkey "result/$i"); do
		case $r in
		"ok "*) tap_ok "domU: ${r#ok }" ;;
		"skip "*) tap_skip "domU: ${r#skip }" ;;
		*) tap_fail "domU: ${r#fail }" ;;
		esac
		i=$((i + 1))
	done
	n=$(gkey "done")
	case $n in
	''|*[!0-9]*) ;;
	*) [ "$n" -lt "$i" ] || tap_fail "the guest's results $i to $n are missing from xenstore" ;;
	esac
}

# find_domid: NAME's domid (xl domid can fail for a moment while a guest is
# busy: tried for 20 s).
find_domid() {
	local i d
	for ((i = 0; i < 20; i++)); do
		d=$(xl domid "$NAME" 2>/dev/null) && [ -n "$d" ] && { echo "$d"; return 0; }
		nap 1
	done
	return 1
}

# save_room MIB: the file system of $dir, and memory (a tmpfs or ramfs
# root is memory), have room for the save image of a MIB-MiB guest with
# 10% to spare. ROOM says how much there is, in MiB.
save_room() {
	local fs mem
	fs=$(df -Pk "$dir" | awk 'NR == 2 { print ($2 > 0) ? $4 : -1 }')
	mem=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
	[ "${fs:--1}" -ge 0 ] && [ "$fs" -lt "${mem:-0}" ] && mem=$fs
	ROOM=$((${mem:-0} / 1024))
	[ "$ROOM" -ge $(($1 * 11 / 10)) ]
}

# migrate_ready NAME: this host can migrate PV domain NAME to itself; if
# not, MIGRATE_WHY says why. A PV guest's live migration tracks the pages
# it dirties in Xen's log-dirty mode, which for PV needs shadow paging
# (xl info's virt_caps lists "shadow"; Debian's Xen 4.17 is built without
# it, CONFIG_SHADOW_PAGING unset, and answers EOPNOTSUPP). Then Xen needs
# the memory for a second copy (both live until the end), 10% to spare.
migrate_ready() {
	local info caps guest free
	info=$(xl info 2>/dev/null)
	caps=$(awk -F': ' '$1 ~ /^virt_caps/ { print $2 }' <<<"$info")
	case " $caps " in
	*" shadow "*) ;;
	*)
		MIGRATE_WHY="this Xen has no shadow paging (virt_caps: $caps), which a PV guest's log-dirty tracking needs"
		return 1 ;;
	esac
	guest=$(xl list "$1" 2>/dev/null | awk 'NR == 2 { print $3 }')
	free=$(awk '$1 == "free_memory" { print $3 }' <<<"$info")
	MIGRATE_WHY="Xen has ${free:-?} MiB free, a second copy of the ${guest:-?} MiB guest needs more"
	[ "${free:-0}" -ge $((${guest:-256} * 11 / 10)) ]
}

# xl_migrate DESCRIPTION: xl migrate of $NAME to localhost, as one result
# (xl_step). xl's -s '' runs the "host" argument as the receiving command
# instead of ssh to it (xl(1)); the new domain keeps the UUID, so the
# hotplug scripts let it share the sender's devices until the end.
xl_migrate() {
	xl_step "$1" 300 migrate -s '' "$NAME" 'xl migrate-receive'
}
