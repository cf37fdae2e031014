#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make run`: boot the testbed with xpv's drivers (in-tree ones for the
# components xpv has not written yet, which the manifest says), start a
# domU with a disk and a vif, print its status, power off.
#   INTERACTIVE=1  keep dom0's console (a shell) after the status
#   DRIVERS=intree the same with Debian's drivers
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../versions.env
. "$top/versions.env"
out=${OUT:-$top/out}
case ${KERNEL:-6.1} in 6.1) kver=$KVER_6_1 ;; 6.12) kver=$KVER_6_12 ;; *) exit 2 ;; esac
drivers=${DRIVERS:-xpv}
imgdir=$out/images/$kver-$drivers
"$top/testbed/mkimage.sh" "$kver" "$drivers" "$imgdir"
if [ "${INTERACTIVE:-0}" = 1 ]; then
	exec "$top/testbed/boot.sh" "$imgdir" - show/status interactive
fi
log=$out/runs/run-$drivers.log
echo "booting Xen + dom0 ($kver, $drivers drivers); console: $log"
"$top/testbed/boot.sh" "$imgdir" "$log" show/status
grep -a '^@@XPV tap drivers' "$log" | sed 's/^@@XPV tap drivers /  /'
grep -a -E '^@@XPV (show|phase)' "$log" | sed -E 's/^@@XPV (show|phase) ?//'
grep -aq '^@@XPV end' "$log"
