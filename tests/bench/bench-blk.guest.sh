# SPDX-License-Identifier: GPL-2.0
#
# Guest side of bench-blk.sh: each block workload in turn, in lock step with
# dom0 (which counts its own side around the same run) through xenstore:
# the guest announces job K in bench/req, waits for dom0's bench/ack = K,
# runs it, reports, announces bench/fin = K and waits for bench/ack2 = K.

# shellcheck shell=dash disable=SC1091
. /xpv/lib/counters.sh
dev=/dev/xvda
i=0
while [ ! -b $dev ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
guest_check "blkfront ($(driver_loaded_impl xen-blkfront)) made $dev" test -b $dev
counters_start
# The guest creates every node dom0 writes, so that it can read them back.
for k in req ack fin ack2; do xenstore-write "data/xpv/bench/$k" 0; done

# wait_key KEY VALUE: poll our node until dom0 has written VALUE.
wait_key() {
	local t=6000
	while [ "$(xenstore-read "data/xpv/bench/$1" 2>/dev/null)" != "$2" ]; do
		t=$((t - 1))
		[ $t -gt 0 ] || return 1
		sleep 0.05
	done
}

k=0
while read -r name mode bs qd ios; do
	case $name in ""|"#"*) continue ;; esac
	k=$((k + 1))
	xenstore-write data/xpv/bench/req $k
	wait_key ack $k || { guest_result fail "$name: dom0 never acknowledged"; break; }
	before=$(counters_snapshot 'blkif|blkfront|xvd')
	if res=$(blkbench $dev "$mode" "$bs" "$qd" "$ios" 2>&1 </dev/null); then
		after=$(counters_snapshot 'blkif|blkfront|xvd')
		guest_put bench/res/$k "$name $res $(counters_delta "$before" "$after" | sed "s/\([a-z_0-9]*\)=/fe_\1=/g")"
		guest_result ok "$name: $res"
	else
		guest_put bench/res/$k "$name failed"
		guest_result fail "$name: $res"
	fi
	xenstore-write data/xpv/bench/fin $k
	wait_key ack2 $k || break
done </xpv/bench/bench-blk.jobs
guest_put bench/jobs $k
