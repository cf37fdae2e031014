# SPDX-License-Identifier: GPL-2.0
#
# The emulator's user-program fault rate: dom0 and a domU each fork and
# exec a trivial program in a loop for 180 seconds at the same
# time (Xen then switches between the two domains' vCPUs all the time),
# and every child that dies of a signal is counted, while the domU keeps
# its disk busy (grant maps and unmaps in dom0, page-table churn in both).
# Used to choose the testbed's settings (boot.sh: QEMU_CPU, QEMU_SMP,
# QEMU_ACCEL, XEN_EXTRA_ARGS).
# xpv-opt-in: a measurement of the testbed, not a test of the drivers
. /xpv/lib/tap.sh
. /xpv/lib/domu.sh

secs=180

# exec_loop SECONDS: fork+exec /bin/true until SECONDS pass; prints
# "EXECS FAULTS".
exec_loop() {
	local end=$((SECONDS + $1)) n=0 f=0 rc
	while [ $SECONDS -lt $end ]; do
		(exec /bin/true)
		rc=$?
		[ $rc -ne 0 ] && f=$((f + 1))
		n=$((n + 1))
	done
	echo "$n $f"
}

img=/var/lib/xen/emustress.img
dd if=/dev/zero of=$img bs=1M count=64 2>/dev/null
loop=$(losetup -f)
losetup "$loop" $img
if ! d=$(DOMU_VCPUS=2 DOMU_CMDLINE="xpv.stress=$secs" domu_create emustress emu-stress \
	"disk = ['phy:$loop,xvda,w']"); then
	tap_fail "xl create"
	tap_end
	exit
fi
r=$(exec_loop "$secs")
tap_diag "dom0: $r (execs, children killed by a signal); cpu: $(grep -m1 'model name' /proc/cpuinfo)"
tap_check "dom0: no exec'd child died of a signal (${r#* } of ${r% *})" test "${r#* }" = 0
domu_wait_done "$d" $((secs + 120)) || tap_fail "guest side finished"
domu_results "$d"
n=$(grep -Ec 'segfault at|general protection' /var/log/xen/console/guest-emustress.log)
tap_diag "domU console: $n fault lines"
domu_destroy emustress "$d"
losetup -d "$loop"
rm -f $img
n=$(dmesg | grep -Ec 'segfault at|general protection')
tap_diag "dom0 dmesg: $n fault lines"
tap_end
