# SPDX-License-Identifier: GPL-2.0
#
# Guest side of blk-matrix.sh: patterned O_DIRECT I/O at several sizes,
# aligned and not, read back here and (from the list in data/xpv/regions)
# by dom0 from the backing file; flush; discard reading back as zeros; the
# negotiated shape of the queue for dom0 to compare with what it expects.

dev=/dev/xvda
i=0
while [ ! -b $dev ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
guest_check "blkfront ($(driver_loaded_impl xen-blkfront)) made $dev" test -b $dev
guest_put blkfront-impl "$(driver_loaded_impl xen-blkfront)"
guest_put nr-hw-queues "$(ls /sys/block/xvda/mq 2>/dev/null | wc -l)"
guest_put max-segments "$(cat /sys/block/xvda/queue/max_segments 2>/dev/null)"

# name offset length io-size buffer-placement: offsets in bytes.
M=1048576
regions=
seed=1
while read -r name off len bs place; do
	[ -n "$name" ] || continue
	u=
	[ "$place" = unaligned ] && u=-u
	if blkpattern write $dev "$off" "$len" "$bs" $seed $u &&
	   blkpattern verify $dev "$off" "$len" "$bs" $seed $u; then
		guest_result ok "$name: $((len / 1024)) KiB in $bs-byte O_DIRECT I/Os, $place, read back"
	else
		guest_result fail "$name: $((len / 1024)) KiB in $bs-byte O_DIRECT I/Os, $place, read back"
	fi
	regions="$regions $off:$len:$seed"
	seed=$((seed + 1))
done <<REGIONS
512B 0 262144 512 aligned
4KiB $((1 * M)) $M 4096 aligned
64KiB $((2 * M)) $((4 * M)) 65536 aligned
1MiB $((6 * M)) $((8 * M)) $M aligned
4KiB+512 $((14 * M + 512)) $M 4096 unaligned
64KiB+512 $((16 * M + 512)) $((4 * M)) 65536 unaligned
1MiB+512 $((21 * M + 512)) $((8 * M)) $M unaligned
REGIONS
guest_put regions "${regions# }"
guest_check "flush (fsync of $dev) succeeds" blkpattern flush $dev

# Discard: only where the backend offered it (then it must zero the range:
# a loop device on tmpfs punches a hole).
doff=$((30 * M)) dlen=$((4 * M))
if [ "$(cat /sys/block/xvda/queue/discard_max_bytes 2>/dev/null || echo 0)" -gt 0 ]; then
	blkpattern write $dev $doff $dlen $M 99 &&
		guest_check "discard of 4 MiB succeeds" blkpattern discard $dev $doff $dlen &&
		guest_check "discarded range reads as zeros" blkpattern zero $dev $doff $dlen
	guest_put discard "$doff:$dlen"
else
	guest_skip "discard: the backend did not offer feature-discard"
fi
if [ "$(cat /sys/block/xvda/queue/discard_max_bytes 2>/dev/null || echo 0)" -gt 0 ] &&
   blkpattern discard $dev $doff 1048576 -s 2>/dev/null; then
	guest_check "secure-discarded range reads as zeros" blkpattern zero $dev $doff 1048576
else
	guest_skip "secure discard: not offered by this backing device (loop)"
fi
