# SPDX-License-Identifier: GPL-2.0
#
# Guest side of bench-blk.sh: each block workload in turn, in lock step with
# dom0 (which counts its own side, and both sides' hypercalls, around the
# same run) through xenstore: the guest announces job K in bench/req, waits
# for dom0's bench/ack = K, runs it, announces bench/fin = K, waits for
# bench/ack2 = K and only then reports. Waiting is xswait's, asleep on a
# watch, and this side's counters are read outside dom0's window: both
# would otherwise add processes' hypercalls to the job's.

# shellcheck shell=dash disable=SC1091
. /xpv/lib/counters.sh
dev=/dev/xvda
i=0
while [ ! -b $dev ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
guest_check "blkfront ($(driver_loaded_impl xen-blkfront)) made $dev" test -b $dev
counters_start
# The guest creates every node dom0 writes, so that it can read them back.
for k in req ack fin ack2; do xenstore-write "data/xpv/bench/$k" 0; done

k=0
while read -r name mode bs qd ios; do
	case $name in ""|"#"*) continue ;; esac
	k=$((k + 1))
	before="$(counters_snapshot 'blkif|blkfront|xvd') $(counters_copied vbd copied_bytes)"
	xenstore-write data/xpv/bench/req $k
	xswait data/xpv/bench/ack $k 300 || { guest_result fail "$name: dom0 never acknowledged"; break; }
	blkbench $dev "$mode" "$bs" "$qd" "$ios" >/tmp/bench.out 2>&1 </dev/null
	st=$?
	xenstore-write data/xpv/bench/fin $k
	xswait data/xpv/bench/ack2 $k 300 || break
	after="$(counters_snapshot 'blkif|blkfront|xvd') $(counters_copied vbd copied_bytes)"
	res=$(cat /tmp/bench.out)
	if [ $st = 0 ]; then
		guest_put bench/res/$k "$name $res $(counters_delta "$before" "$after" | sed "s/\([a-z_0-9]*\)=/fe_\1=/g")"
		guest_result ok "$name: $res"
	else
		guest_put bench/res/$k "$name failed"
		guest_result fail "$name: $res"
	fi
done </xpv/bench/bench-blk.jobs
guest_put bench/jobs $k
