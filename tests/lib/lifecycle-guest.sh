# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# Guest side of the lifecycle scenarios (busybox sh): results kept in
# LC_LOG as well as xenstore (res, chk; republish after xl restore), the
# steps through xenstore with dom0 (gwait, say_at, go_is, point), now and
# no_kfault. Needs guest.sh; the scenario sets LC_LOG before sourcing it
# (which empties that file).
# shellcheck disable=SC2034 # NOW: for the scenario

: >"$LC_LOG"
# Kernel faults as tests/run-suite.sh counts them (KERNEL_FAULT), less the
# user-program faults (the emulator's) and the PVH profile's known quirk.
LC_KFAULT='Kernel panic|Oops: |BUG: |general protection fault|WARNING: CPU|blocked for more than'
LC_UFAULT='segfault at|traps: .* general protection|Segmentation fault'
LC_QUIRK='WARNING: CPU: .* at arch/x86/kernel/fpu/xstate.c'

# res ok|fail|skip DESCRIPTION: a result, to xenstore and to our own log.
res() {
	guest_result "$1" "$2"
	echo "$1 $2" >>"$LC_LOG"
}

# chk DESCRIPTION COMMAND...: the result of COMMAND; its status too.
chk() {
	local d=$1
	shift
	if "$@"; then res ok "$d"; else res fail "$d"; return 1; fi
}

# republish: every result so far, again (after xl restore).
republish() {
	local i=0 l
	while IFS= read -r l; do
		i=$((i + 1))
		xenstore-write "data/xpv/result/$i" "$l"
	done <"$LC_LOG"
}

# gwait SECONDS COMMAND...: poll COMMAND until it succeeds.
gwait() {
	local n=$(($1 * 5))
	shift
	while ! "$@" 2>/dev/null; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.2
	done
}

say_at() { xenstore-write data/xpv/lc/at "$1"; }
go_is() { [ "$(xenstore-read data/xpv/lc/go 2>/dev/null)" = "$1" ]; }

# point NAME: tell dom0 we are at NAME and wait until it lets us on.
point() {
	say_at "$1"
	gwait 900 go_is "$1" && return 0
	res fail "dom0 let the guest on past '$1' within 900 s"
	return 1
}

now() { read -r NOW _ </proc/uptime; NOW=${NOW%.*}; }

# no_kfault: no kernel fault in dmesg (what there is, printed).
no_kfault() {
	if dmesg | grep -Ev "$LC_UFAULT|$LC_QUIRK" | grep -Eq "$LC_KFAULT"; then
		dmesg | grep -E -A3 "$LC_KFAULT" | head -n 12
		return 1
	fi
}

# front_rmmod MODULE WHAT GONE CLOSED SERVES BACK: rmmod MODULE with its
# devices (WHAT) connected and idle. Refused (Linux's xenbus holds the
# module while a device is bound to it): SERVES must still succeed.
# Unloaded: GONE and CLOSED (the backend sees it) within 30 s, the module
# loads again with the command line's parameters, BACK within 30 s, then
# SERVES. GONE, CLOSED, SERVES and BACK are commands.
front_rmmod() {
	local m=$1 what=$2 impl params
	impl=$(driver_loaded_impl "$m")
	if ! rmmod "$m" 2>/tmp/front.rmmod; then
		res ok "rmmod $m ($impl) with $what refused: $(cat /tmp/front.rmmod)"
		chk "$what still serve after the refused rmmod" "$5"
		return
	fi
	res ok "rmmod $m ($impl) with $what: unloaded"
	chk "$what go away when $m is unloaded" gwait 30 "$3"
	chk "the backend goes Closed when its frontend unloads" gwait 30 "$4"
	params=$(tr ' ' '\n' </proc/cmdline | sed -n "s/^$(echo "$m" | tr - _)\.//p")
	# shellcheck disable=SC2086
	chk "$m ($impl) loads again" driver_use "$impl" "$m" $params &&
		chk "$what come back within 30 s" gwait 30 "$6" &&
		chk "$what serve again after the reload" "$5"
}
