#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# boot.sh IMAGEDIR LOG SUITES [interactive]
#
# Boot Xen in QEMU (TCG) with the dom0 kernel and image from IMAGEDIR, have
# dom0 run SUITES (joined with "+": QEMU splits -initrd at commas), and write
# the serial console to LOG.
# Interactive mode connects the console to this terminal instead and keeps
# dom0's shell open after the suites.
#
# PROFILE=pv (default) hides SVM from Xen: with SVM visible QEMU 7.2
# sometimes corrupts PV guests' user segment state (testbed-notes.md), so
# only PV domUs can run. PROFILE=pvh shows SVM so that PVH domUs can run,
# and the scenarios' domUs are then PVH.
set -euo pipefail
imgdir=$1 log=$2 suites=$3 mode=${4:-batch}
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../versions.env
. "$top/versions.env"
cache=${XPV_CACHE:-$top/.cache}
profile=${PROFILE:-pv}
timeout_s=${BOOT_TIMEOUT:-3600}

case $profile in
pv) cpu=max,-smap,-smep,-svm domu_type=pv ;;
pvh) cpu=max,-smap,-smep domu_type=pvh ;;
*) echo "boot: PROFILE must be pv or pvh" >&2; exit 2 ;;
esac

xen_args="dom0_mem=1024M,max:1024M console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all"
dom0_args="console=hvc0 earlyprintk=xen loglevel=4 xpv.suites=$suites xpv.domu_type=$domu_type"
[ "$mode" = interactive ] && dom0_args="$dom0_args xpv.interactive=1"

qemu=(qemu-system-x86_64 -M q35 -cpu "$cpu" -smp 2 -m 2048
	-accel tcg,thread=multi -no-reboot -monitor none -display none
	-kernel "$cache/xen-$XEN_SERIES.elf" -append "$xen_args"
	-initrd "$imgdir/vmlinuz $dom0_args,$imgdir/dom0.cpio.gz")

if [ "$mode" = interactive ]; then
	exec "${qemu[@]}" -serial mon:stdio
fi
mkdir -p "$(dirname "$log")"
timeout --kill-after=10 "$timeout_s" "${qemu[@]}" -serial "file:$log" </dev/null
