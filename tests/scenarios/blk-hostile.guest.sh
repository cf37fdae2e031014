# SPDX-License-Identifier: GPL-2.0
#
# Guest side of blk-hostile.sh: tests/blk/vbd-hostile.c plays a hostile
# blkif frontend for xvda (blkfront is not loaded: xpv.blkfront=none), one
# process per case. Each case's verdict line goes to dom0 as a result, its
# details to the console. good runs first (it writes the sentinel region
# the others check), abandon last (it leaves the device connected with I/O
# submitted, for dom0's xl destroy). xpv.hostile=case+case on the command
# line narrows the cases down while developing.

vdev=51712
guest_check "xen-blkfront is not loaded (xpv.blkfront=none)" \
	test "$(driver_loaded_impl xen-blkfront)" = none
guest_check "xen-gntalloc loads" modprobe xen-gntalloc
cases=$(arg hostile | tr + ' ')
[ -n "$cases" ] || cases="bad-nr-segments bad-sectors bad-gref indirect-too-many
	bad-op ring-overflow flood vanish-mid-io abi"
seen=
for c in good $cases abandon; do
	case " $seen " in *" $c "*) continue ;; esac
	seen="$seen $c"
	# Which case is running, for dom0 when the guest does not finish.
	guest_put hostile-case "$c"
	vbd-hostile "$c" $vdev >/tmp/hostile.out 2>&1
	rc=$?
	sed 's/^/vbd-hostile: /' /tmp/hostile.out
	line=$(grep -E '^(not )?ok ' /tmp/hostile.out | tail -n 1)
	case "$rc:$line" in
	"0:ok "*) guest_result ok "${line#ok }" ;;
	*":not ok "*) guest_result fail "${line#not ok }" ;;
	*) guest_result fail "$c: vbd-hostile exited $rc without a verdict" ;;
	esac
done
guest_put hostile-case "(all done)"
