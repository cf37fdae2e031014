#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The test suite: boot the testbed once per driver set (in-tree, then xpv),
# each boot running every scenario and kselftest, and count the results.
#
#   KERNEL=6.1|6.12     kernel of dom0 and domU (default 6.1)
#   DRIVERS="intree xpv" driver sets to boot, in order
#   SUITES="..."        suites to run (default: every scenario and kselftest)
#   PROFILE=pv|pvh      see testbed/boot.sh
#
# Output: progress, one line per result, the console tail of anything that
# failed, and last the line "N passed, N failed, N skipped". Console logs and
# TAP are kept under out/runs/. A boot whose console shows a user program
# crashing (the QEMU 7.2 fault described in testbed-notes.md) is reported as
# an emulator fault, never as a pass, and booted again (up to FAULT_RETRIES
# times, default 2); a kernel oops or
# panic is a failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../versions.env
. "$top/versions.env"
out=${OUT:-$top/out}
kernel=${KERNEL:-6.1}
case $kernel in 6.1) kver=$KVER_6_1 ;; 6.12) kver=$KVER_6_12 ;; *) echo "KERNEL?" >&2; exit 2 ;; esac
drivers_list=${DRIVERS:-intree xpv}
profile=${PROFILE:-pv}
retries=${FAULT_RETRIES:-2}
stamp=$(date +%Y%m%d-%H%M%S)
rundir=$out/runs/$stamp-$kernel-$profile
mkdir -p "$rundir"
ln -sfn "$rundir" "$out/runs/latest"

if [ -z "${SUITES:-}" ]; then
	SUITES=""
	for s in "$top"/tests/scenarios/*.sh; do
		case $s in *.guest.sh) continue ;; esac
		# "# xpv-opt-in: WHY": run only when named in SUITES.
		if grep -q '^# xpv-opt-in:' "$s"; then
			echo "== not in the default suites: scenario/$(basename "$s" .sh): $(sed -n 's/^# xpv-opt-in: //p' "$s")"
			continue
		fi
		SUITES="$SUITES scenario/$(basename "$s" .sh)"
	done
	for b in "$out"/tests/bin/*; do
		[ -x "$b" ] && SUITES="$SUITES kselftest/$(basename "$b")"
	done
fi
suites=$(echo $SUITES | tr ' ' +)

pass=0 fail=0 skip=0 faults=0 absorbed=0
skips=()

say() { printf '%s\n' "$*"; }

KERNEL_FAULT='Kernel panic|Oops: |BUG: |general protection fault|WARNING: CPU|blocked for more than'
# A user program's crash: the kernel's "traps:"/"segfault at" lines, the
# shell's message. (A kernel GP fault prints no "traps:".)
USER_FAULT='segfault at|traps: .* general protection|Segmentation fault'
# Kernel warnings that QEMU's CPU model causes, whatever the drivers: the
# PVH profile's guests see an XSAVE layout that TCG reports inconsistently.
EMULATOR_QUIRK='WARNING: CPU: .* at arch/x86/kernel/fpu/xstate.c'

# console LOG: the console less what is not the kernels' own output: the
# consoles of guest runs a scenario set aside after an emulator fault in
# that guest ("@@XPV faultlog": the run was repeated; counted apart, as
# absorbed faults) and TAP lines (whose descriptions name what they check
# for: "no kernel fault (Oops, BUG, ...)"). Text throughout (-a): a
# console holds stray binary bytes, on which grep would only say "Binary
# file matches" and hide the lines.
console() { grep -av -e '^@@XPV faultlog' -e '^@@XPV tap' "$1"; }

# scan LOG: "emulator", "kernel" or "" (clean).
scan() {
	if console "$1" | grep -aEv "$EMULATOR_QUIRK|$USER_FAULT" |
	   grep -aEq "$KERNEL_FAULT"; then
		echo kernel
	elif console "$1" | grep -aEq "$USER_FAULT"; then
		echo emulator
	fi
}

# tally DRIVERS LOG: count and print the results of one boot.
tally() {
	local drv=$1 log=$2 line suite rest desc status
	local -A seen_fail=()
	grep -a '^@@XPV tap ' "$log" | sed 's/^@@XPV tap //; s/\r$//' >"$rundir/$drv.tap"
	while IFS= read -r line; do
		suite=${line%% *}
		rest=${line#* }
		case $rest in
		"ok "*"# SKIP"*|"ok "*"# skip"*)
			desc=${rest#*# [Ss][Kk][Ii][Pp]}
			skip=$((skip + 1)); skips+=("[$drv] $suite:${desc}")
			say "  SKIP [$drv] $suite:${desc}" ;;
		"1..0 # SKIP"*)
			skip=$((skip + 1)); skips+=("[$drv] $suite: ${rest#*SKIP }")
			say "  SKIP [$drv] $suite: ${rest#*SKIP }" ;;
		"ok "*)
			pass=$((pass + 1))
			say "  ok   [$drv] $suite: $(echo "$rest" | cut -d' ' -f3-)" ;;
		"not ok "*)
			fail=$((fail + 1)); seen_fail[$suite]=1
			say "  FAIL [$drv] $suite: $(echo "$rest" | cut -d' ' -f4-)" ;;
		esac
	done <"$rundir/$drv.tap"
	# Every suite must end with a plan that matches its results: a lost or
	# swallowed result line is a failure, not a smaller pass count.
	for suite in $(cut -d' ' -f1 "$rundir/$drv.tap" | sort -u); do
		local plan n
		plan=$(grep -a "^$suite 1\.\.[0-9]" "$rundir/$drv.tap" | tail -n1 |
			sed 's/^[^ ]* 1\.\.\([0-9]*\).*/\1/')
		n=$(grep -ac "^$suite \(not \)\?ok " "$rundir/$drv.tap")
		if [ -z "$plan" ]; then
			fail=$((fail + 1)); seen_fail[$suite]=1
			say "  FAIL [$drv] $suite: no TAP plan (the suite did not finish)"
		elif [ "$plan" != "$n" ]; then
			fail=$((fail + 1)); seen_fail[$suite]=1
			say "  FAIL [$drv] $suite: TAP plan says $plan results, $n arrived"
		fi
	done
	for suite in "${!seen_fail[@]}"; do
		say "---- [$drv] $suite: its TAP output ----"
		grep -a "^$suite " "$rundir/$drv.tap" | cut -d' ' -f2- | tail -n 60
		say "---- end of $suite ----"
	done
	return 0
}

for drv in $drivers_list; do
	imgdir=$out/images/$kver-$drv
	say "== [$drv] building images ($kver)"
	"$top/testbed/mkimage.sh" "$kver" "$drv" "$imgdir" || {
		fail=$((fail + 1)); say "  FAIL [$drv] image build"; continue; }
	attempt=0
	while :; do
		attempt=$((attempt + 1))
		log=$rundir/console-$drv-$attempt.log
		say "== [$drv] booting Xen $XEN_SERIES + dom0 $kver (profile $profile, attempt $attempt)"
		: >"$log"
		t0=$(date +%s)
		PROFILE=$profile "$top/testbed/boot.sh" "$imgdir" "$log" "$suites" &
		qpid=$!
		# Progress: dom0's phase lines as they appear.
		tail --pid=$qpid -n +1 -F "$log" 2>/dev/null |
			grep -a --line-buffered '^@@XPV phase' |
			sed -u "s/^@@XPV phase /   [$drv] /" &
		wait $qpid
		qrc=$?
		wait
		say "== [$drv] boot ended after $(($(date +%s) - t0)) s (qemu exit $qrc)"
		kind=$(scan "$log")
		if [ "$kind" = emulator ]; then
			faults=$((faults + 1))
			say "  EMULATOR FAULT [$drv] a user program crashed (QEMU TCG fault, see README); results of this boot not counted:"
			grep -a -E "$USER_FAULT" "$log" | head -n 5 | sed 's/^/    /'
			if [ $attempt -le "$retries" ]; then
				continue
			fi
			fail=$((fail + 1))
			say "  FAIL [$drv] emulator faults in all $attempt boots"
			break
		fi
		grep -aq -E "$EMULATOR_QUIRK" "$log" &&
			say "  note [$drv] known emulator quirk on the console (ignored): $(grep -a -o -E "$EMULATOR_QUIRK" "$log" | head -n1)"
		tally "$drv" "$log"
		n=$(grep -ac 'EMULATOR FAULT in guest' "$rundir/$drv.tap")
		if [ "$n" -gt 0 ]; then
			absorbed=$((absorbed + n))
			say "  note [$drv] $n guest run(s) hit the emulator fault and were repeated in the same boot:"
			grep -a '^@@XPV faultlog' "$log" | grep -aE "$USER_FAULT" | head -n 5 | sed 's/^@@XPV faultlog /    /'
		fi
		if [ "$kind" = kernel ]; then
			fail=$((fail + 1))
			say "  FAIL [$drv] kernel fault on the console:"
			console "$log" | grep -a -n -E -A 25 "$KERNEL_FAULT" |
				grep -aEv "$EMULATOR_QUIRK|$USER_FAULT" | head -n 60
		fi
		if ! grep -aq '^@@XPV end' "$log"; then
			fail=$((fail + 1))
			say "  FAIL [$drv] dom0 did not finish its suites (timeout or crash); console tail:"
			grep -av '^@@XPV log' "$log" | tail -n 40 | sed 's/^/    /'
		fi
		break
	done
done

say "== console logs and TAP: $rundir"
[ $faults -gt 0 ] && say "emulator faults: $faults boot(s) discarded"
[ $absorbed -gt 0 ] && say "emulator faults: $absorbed guest run(s) repeated inside a boot"
for s in "${skips[@]}"; do say "skipped: $s"; done
say "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
