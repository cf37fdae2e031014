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
pv) cpu=max,-smap,-smep,-svm domu_type=pv smp=4
	# Every vCPU gets a physical CPU of its own: dom0's two here, the
	# domUs' by tests/lib/domu.sh (domu_cpus). Xen switching one guest
	# vCPU for another on a CPU is where QEMU's emulation loses a user
	# process's FS base (README, "Emulator faults"; emu-stress measures it).
	xen_pin="dom0_max_vcpus=2 dom0_vcpus_pin" ;;
pvh) cpu=max,-smap,-smep domu_type=pvh smp=2 xen_pin= ;;
*) echo "boot: PROFILE must be pv or pvh" >&2; exit 2 ;;
esac
# QEMU_CPU and QEMU_ACCEL replace the CPU model and the TCG settings (for
# measuring the emulator: tests/scenarios/emu-stress.sh).
cpu=${QEMU_CPU:-$cpu}
accel=${QEMU_ACCEL:-tcg,thread=multi}

xen_args="dom0_mem=1024M,max:1024M console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all${xen_pin:+ $xen_pin}${XEN_EXTRA_ARGS:+ $XEN_EXTRA_ARGS}"
dom0_args="console=hvc0 earlyprintk=xen loglevel=4 xpv.suites=$suites xpv.domu_type=$domu_type"
[ "$mode" = interactive ] && dom0_args="$dom0_args xpv.interactive=1"

qemu=(qemu-system-x86_64 -M q35 -cpu "$cpu" -smp "${QEMU_SMP:-$smp}" -m 2048
	-accel "$accel" -no-reboot -monitor none -display none
	-kernel "$cache/xen-$XEN_SERIES.elf" -append "$xen_args"
	-initrd "$imgdir/vmlinuz $dom0_args,$imgdir/dom0.cpio.gz")

if [ "$mode" = interactive ]; then
	exec "${qemu[@]}" -serial mon:stdio
fi
mkdir -p "$(dirname "$log")"
timeout --kill-after=10 "$timeout_s" "${qemu[@]}" -serial "file:$log" </dev/null
