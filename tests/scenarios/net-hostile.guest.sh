# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# Guest side of net-hostile.sh: tests/net/vif-hostile.c plays a hostile
# netif frontend for this domain's vifs (netfront is not loaded:
# xpv.netfront=none), one process per case, stepping with dom0 through
# xenstore (-s: data/xpv/nh/at and nh/go). vif 0 takes the cases that
# keep their vif; too-many-slots breaks vif 1 and tx-ring-overflow vif 2
# on purpose, vif 0 being the other vif that must keep working meanwhile
# (Linux's netback keeps a vif it disabled disabled until the device is
# recreated, so each fatal case gets a vif of its own). Each case's
# verdict line goes to dom0 as a result, its details to the console.
# xpv.hostile=case+case on the command line narrows the cases down while
# developing.

guest_check "xen-netfront is not loaded (xpv.netfront=none)" \
	test "$(driver_loaded_impl xen-netfront)" = none
guest_check "xen-gntalloc loads" modprobe xen-gntalloc
cases=$(arg hostile | tr + ' ')
[ -n "$cases" ] || cases="good ctrl-ring zero-len-frag header-split bad-gref
	flood rx-stall too-many-slots tx-ring-overflow"
for c in $cases; do
	case $c in
	too-many-slots) vifs="1 0" ;;
	tx-ring-overflow) vifs="2 0" ;;
	*) vifs=0 ;;
	esac
	# Which case is running, for dom0 when the guest does not finish.
	guest_put hostile-case "$c"
	# shellcheck disable=SC2086 # two words: the vif and the other one
	vif-hostile -s "$c" $vifs >/tmp/hostile.out 2>&1
	rc=$?
	sed 's/^/vif-hostile: /' /tmp/hostile.out
	line=$(grep -E '^(not )?ok ' /tmp/hostile.out | tail -n 1)
	case "$rc:$line" in
	"0:ok "*" # SKIP "*)
		rest=${line#ok }
		guest_result skip "${rest%% # SKIP *}: ${rest#* # SKIP }" ;;
	"0:ok "*) guest_result ok "${line#ok }" ;;
	*":not ok "*) guest_result fail "${line#not ok }" ;;
	*) guest_result fail "$c: vif-hostile exited $rc without a verdict" ;;
	esac
done
guest_put hostile-case "(all done)"
