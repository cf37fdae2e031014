# SPDX-License-Identifier: GPL-2.0
#
# The block interop matrix: every frontend/backend pair this image can
# load (xpv/xpv, xpv/in-tree, in-tree/xpv in an xpv image; in-tree/in-tree
# in an in-tree one), each with several negotiated shapes, in one boot.
# For each: the guest's patterned I/O at 512 B to 1 MiB, aligned and not
# (blk-matrix.guest.sh), the same bytes checked here in the backing file,
# flush reaching the backend, discard zeroing, and the negotiated queues,
# ring order, persistent grants and segment limit as expected.
# MATRIX_PAIRS / MATRIX_SHAPES narrow it down while developing.
# xpv-timeout: 1800
. /xpv/lib/tap.sh
. /xpv/lib/domu.sh
. /xpv/lib/drivers.sh

if [ "$DRIVERS" = intree ]; then
	pairs=${MATRIX_PAIRS:-intree/intree}
else
	pairs=${MATRIX_PAIRS:-xpv/xpv xpv/intree intree/xpv}
fi
# shape: name, frontend parameters, backend parameters, then the expected
# queues, ring order, persistent grants and max_segments (11 = no indirect).
shapes=${MATRIX_SHAPES:-wide narrow be-limited}
shape() {
	case $1 in
	wide) echo "max_queues=2,max_ring_page_order=4,feature_persistent=1,max_indirect_segments=32" \
		   "max_queues=4" 2 4 1 32 ;;
	narrow) echo "max_queues=1,max_ring_page_order=0,feature_persistent=0,max_indirect_segments=0" \
		     "max_queues=4" 1 0 0 11 ;;
	be-limited) echo "max_queues=2,max_ring_page_order=4,feature_persistent=1,max_indirect_segments=32" \
			 "max_queues=1,max_ring_page_order=0,feature_persistent=0" 1 0 0 32 ;;
	esac
}

img=/var/lib/xen/blkmatrix.img
be_stat() { cat "/sys/bus/xen-backend/devices/vbd-$1-51712/statistics/$2" 2>/dev/null; }

# one_run FE BE SHAPE
one_run() {
	local fe=$1 be=$2 sh=$3 fe_p be_p q o p s
	local loop d dir bdir got regions r off len seed dsc freq
	TAP_PREFIX="$fe front, $be back, $sh: "
	# shellcheck disable=SC2046
	set -- $(shape "$sh")
	fe_p=$1 be_p=$2 q=$3 o=$4 p=$5 s=$6
	# shellcheck disable=SC2046
	if ! driver_use "$be" xen-blkback $(echo "$be_p" | tr , ' '); then
		tap_fail "load $be xen-blkback ($be_p)"
		return
	fi
	tap_ok "$be xen-blkback loaded ($be_p)"
	dd if=/dev/zero of=$img bs=1M count=64 2>/dev/null
	loop=$(losetup -f)
	losetup "$loop" $img
	# A guest that hits the emulator's fault is run again (twice at most).
	for attempt in 1 2 3; do
		if ! d=$(DOMU_VCPUS=2 DOMU_CMDLINE="xpv.blkfront=$fe $(echo "$fe_p" |
			sed 's/\([^,]*\)/xen_blkfront.\1/g; s/,/ /g')" \
			domu_create blkmatrix blk-matrix "disk = ['phy:$loop,xvda,w']"); then
			tap_fail "xl create"
			losetup -d "$loop"
			return
		fi
		domu_wait_done "$d" 300 blkmatrix
		case $? in
		0) break ;;
		2) if [ $attempt -lt 3 ]; then domu_set_aside blkmatrix; continue; fi
		   tap_fail "the emulator's fault hit the guest in all $attempt runs" ;;
		*) tap_fail "guest side finished within 300 s" ;;
		esac
		domu_console blkmatrix
		break
	done
	domu_results "$d"
	dir=/local/domain/$d/device/vbd/51712
	bdir=/local/domain/0/backend/vbd/$d/51712
	got=$(xenstore-read /local/domain/$d/data/xpv/blkfront-impl 2>/dev/null)
	tap_check "the guest runs the $fe blkfront (it says ${got:-nothing})" test "$got" = "$fe"
	tap_check "backend is the $be blkback" test "$(driver_loaded_impl xen-blkback)" = "$be"
	got=$(xenstore-read $dir/multi-queue-num-queues 2>/dev/null || echo 1)
	tap_check "$q queue(s) negotiated (xenstore says $got)" test "$got" = "$q"
	got=$(xenstore-read /local/domain/$d/data/xpv/nr-hw-queues 2>/dev/null)
	tap_check "the guest's disk has $q hardware queue(s) (it has $got)" test "$got" = "$q"
	got=$(xenstore-read $dir/ring-page-order 2>/dev/null || echo 0)
	tap_check "ring page order $o (xenstore says $got)" test "$got" = "$o"
	got=$(( $(xenstore-read $dir/feature-persistent 2>/dev/null || echo 0) &
		$(xenstore-read $bdir/feature-persistent 2>/dev/null || echo 0) ))
	tap_check "persistent grants $p on both ends (got $got)" test "$got" = "$p"
	got=$(xenstore-read /local/domain/$d/data/xpv/max-segments 2>/dev/null)
	tap_check "max_segments $s in the guest (got $got)" test "$got" = "$s"
	freq=$(be_stat "$d" f_req)
	tap_check "the backend counted the flush (f_req ${freq:-missing})" \
		test "${freq:-0}" -gt 0
	regions=$(xenstore-read /local/domain/$d/data/xpv/regions 2>/dev/null)
	[ -n "$regions" ] || tap_fail "the guest listed no regions"
	for r in $regions; do
		IFS=: read -r off len seed <<<"$r"
		tap_check "dom0 reads region $seed ($len bytes at $off) from the backing file" \
			blkpattern verify $img "$off" "$len" 1048576 "$seed" -c
	done
	dsc=$(xenstore-read /local/domain/$d/data/xpv/discard 2>/dev/null)
	if [ -n "$dsc" ]; then
		tap_check "discarded range is zeros in the backing file" \
			blkpattern zero $img "${dsc%:*}" "${dsc#*:}" -c
	fi
	domu_destroy blkmatrix "$d"
	tap_check "loop device released" losetup -d "$loop"
	rm -f $img
	TAP_PREFIX=
}

for pair in $pairs; do
	fe=${pair%/*} be=${pair#*/}
	TAP_PREFIX=
	if ! driver_has "$fe" xen-blkfront || ! driver_has "$be" xen-blkback; then
		tap_skip "$fe front, $be back: this image has no $fe xen-blkfront or $be xen-blkback"
		continue
	fi
	for sh in $shapes; do
		one_run "$fe" "$be" "$sh"
	done
done
# Leave the image's own backend loaded for the suites after this one.
driver_use "$([ "$DRIVERS" = intree ] && echo intree || echo xpv)" xen-blkback >/dev/null 2>&1 ||
	driver_use intree xen-blkback >/dev/null 2>&1
tap_end
