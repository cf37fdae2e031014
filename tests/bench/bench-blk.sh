# SPDX-License-Identifier: GPL-2.0
#
# `make bench`, block: the in-tree pair, xpv's pair, xpv's, in-tree (A-B-B-A)
# in one boot, each round a fresh one-vCPU domU (two-vCPU guests meet the
# emulator's fault far more often) with the same pinned frontend
# parameters, running the jobs of bench-blk.jobs in lock step with this
# side (bench-blk.guest.sh) so that both ends' counters bracket the same
# I/O. Then the same jobs on dom0's own loop device: what a perfect PV path
# would reach. Prints "bench blk JOB IMPL ROUND key=value..." and
# "bench-config blk IMPL ROUND key=value..." lines for tests/run-bench.sh.
# xpv-timeout: 1800
# shellcheck shell=bash disable=SC1091,SC2034 # (TAP_PREFIX: for tap.sh)
. /xpv/lib/tap.sh
. /xpv/lib/domu.sh
. /xpv/lib/drivers.sh
. /xpv/lib/counters.sh
. /xpv/lib/hypercalls.sh

img=/var/lib/xen/bench.img
fe_params="xen_blkfront.max_queues=1 xen_blkfront.max_ring_page_order=4 xen_blkfront.feature_persistent=1 xen_blkfront.max_indirect_segments=32"
be_params="max_queues=4"
rounds=${BENCH_ROUNDS:-intree xpv xpv intree}
counters_start

# key D NODE: a node of domain D's bench directory.
key() { xenstore-read "/local/domain/$1/data/xpv/bench/$2" 2>/dev/null; }

# wait_guest D NODE VALUE: 0 when it is there, 1 when the guest finished
# or gave up, 2 when the emulator's fault hit the guest.
wait_guest() {
	local t=6000
	while [ "$(key "$1" "$2")" != "$3" ]; do
		t=$((t - 1))
		[ $t -gt 0 ] || return 1
		domu_faulted bench && return 2
		[ -n "$(xenstore-read "/local/domain/$1/data/xpv/done" 2>/dev/null)" ] && return 1
		nap 0.05
	done
}

# wait_step D NODE VALUE: like wait_guest, asleep on a watch (xswait) while
# a job runs, so that this side adds no processes to the job's hypercalls.
wait_step() {
	local st end=$((SECONDS + 300))
	while :; do
		xswait "/local/domain/$1/data/xpv/bench/$2" "$3" 10
		st=$?
		[ $st = 0 ] && return 0
		[ $st = 1 ] || return 1
		domu_faulted bench && return 2
		[ -n "$(xenstore-read "/local/domain/$1/data/xpv/done" 2>/dev/null)" ] && return 1
		[ $SECONDS -lt $end ] || return 1
	done
}

# round IMPL R: one domU, every job; prints the result lines only when the
# round completed (status 2: the emulator's fault hit the guest).
round() {
	local impl=$1 r=$2 k=1 i st before after res rc=0 fe be d loop
	dd if=/dev/zero of=$img bs=1M count=128 2>/dev/null
	loop=$(losetup -f)
	losetup "$loop" $img
	if ! d=$(DOMU_CMDLINE="xpv.blkfront=$impl $fe_params" \
		domu_create bench bench-blk "disk = ['phy:$loop,xvda,w']"); then
		tap_fail "xl create"
		losetup -d "$loop"
		return 1
	fi
	local -a dres=()
	while wait_guest "$d" req $k; do
		before=$(counters_snapshot 'blkif|blkback')
		hc_start "$d"
		xenstore-write "/local/domain/$d/data/xpv/bench/ack" $k
		wait_step "$d" fin $k
		st=$?
		hc_stop
		[ $st = 0 ] || break
		after=$(counters_snapshot 'blkif|blkback')
		xenstore-write "/local/domain/$d/data/xpv/bench/ack2" $k
		# shellcheck disable=SC2154 # (hc_counts: hypercalls.sh's)
		dres[k]="$(counters_delta "$before" "$after" | sed 's/\([a-z_0-9]*\)=/be_\1=/g') $hc_counts"
		k=$((k + 1))
	done
	domu_faulted bench && rc=2
	if [ $rc = 0 ]; then
		domu_wait_done "$d" 60
		domu_results "$d"
		# The guest reports a job once dom0 has counted it.
		for ((i = 1; i < k; i++)); do
			res=$(key "$d" res/$i)
			case $res in ""|*" failed") continue ;; esac
			echo "bench blk ${res%% *} $impl $r ${res#* } ${dres[i]}"
		done
		fe=/local/domain/$d/device/vbd/51712
		be=/local/domain/0/backend/vbd/$d/51712
		echo "bench-config blk $impl $r queues=$(xenstore-read "$fe/multi-queue-num-queues" 2>/dev/null || echo 1)" \
			"ring_order=$(xenstore-read "$fe/ring-page-order" 2>/dev/null || echo 0)" \
			"persistent=$(xenstore-read "$fe/feature-persistent" 2>/dev/null || echo 0)/$(xenstore-read "$be/feature-persistent" 2>/dev/null || echo 0)" \
			"be_indirect_max=$(xenstore-read "$be/feature-max-indirect-segments" 2>/dev/null || echo 0)"
		domu_destroy bench "$d"
	else
		domu_set_aside bench
	fi
	losetup -d "$loop"
	rm -f $img
	return $rc
}

r=0
for impl in $rounds; do
	r=$((r + 1))
	TAP_PREFIX="round $r ($impl): "
	if ! driver_has "$impl" xen-blkfront || ! driver_has "$impl" xen-blkback; then
		tap_skip "this image has no $impl block pair"
		continue
	fi
	# shellcheck disable=SC2086
	driver_use "$impl" xen-blkback $be_params || { tap_fail "load $impl xen-blkback"; continue; }
	for _ in 1 2 3; do
		round "$impl" $r
		[ $? = 2 ] || break
	done
done
TAP_PREFIX=

# The limit of this setup: the same jobs on dom0's loop device.
dd if=/dev/zero of=$img bs=1M count=128 2>/dev/null
loop=$(losetup -f)
losetup "$loop" $img
while read -r name mode bs qd ios; do
	case $name in ""|"#"*) continue ;; esac
	if res=$(blkbench "$loop" "$mode" "$bs" "$qd" "$ios" 2>&1 </dev/null); then
		echo "bench blk $name loop 0 $res"
	else
		tap_fail "dom0 loop device: $name: $res"
	fi
done </xpv/bench/bench-blk.jobs
losetup -d "$loop"
rm -f $img
driver_use "$([ "$DRIVERS" = intree ] && echo intree || echo xpv)" xen-blkback >/dev/null 2>&1 ||
	driver_use intree xen-blkback >/dev/null 2>&1
tap_end
