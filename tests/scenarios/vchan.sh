# SPDX-License-Identifier: GPL-2.0
#
# libxenvchan round trip between dom0 and a domU with Xen's own
# vchan-socket-proxy: the domU is the vchan server (gntalloc shares the
# ring pages, evtchn signals) in front of an echo service; dom0 is the
# client (gntdev maps the ring). 256 KiB of random data go through the
# vchan and back and must come back intact.
. /xpv/lib/tap.sh
. /xpv/lib/domu.sh
kib=256

if ! d=$(domu_create vchan vchan ""); then
	tap_fail "xl create of a PV domU"
	tap_end
	exit
fi
tap_ok "xl create of a PV domU (domid $d)"
path=/local/domain/$d/data/vchan
if ! domu_wait_done "$d" 120 ||
   ! wait_for 1 xenstore-read /local/domain/$d/data/xpv/vchan-ready; then
	tap_fail "the domU's vchan server is up"
	domu_results "$d"
	domu_console vchan
	domu_destroy vchan "$d"
	tap_end
	exit
fi

head -c $((kib << 10)) /dev/urandom >/tmp/vchan.out
: >/tmp/vchan.back
# Keep the client's stdin open until the echo is complete: on EOF it
# closes the vchan, and the server would drop what is still in the ring.
{
	cat /tmp/vchan.out
	i=0
	# Polled slowly: every program started is one more chance for the
	# emulator's user-segment fault (README, "Emulator faults").
	while [ "$(stat -c %s /tmp/vchan.back)" -lt $((kib << 10)) ] && [ $i -lt 120 ]; do
		sleep 0.5
		i=$((i + 1))
	done
} | timeout 90 vchan-socket-proxy -m client "$d" $path - >/tmp/vchan.back
tap_check "dom0 vchan client: $kib KiB to the domU's echo and back, intact" \
	test "$(sha256sum </tmp/vchan.out)" = "$(sha256sum </tmp/vchan.back)"
tap_diag "sent $(stat -c %s /tmp/vchan.out) bytes, got back $(stat -c %s /tmp/vchan.back)"
if ! cmp -s /tmp/vchan.out /tmp/vchan.back; then
	tap_diag "$(cmp -l /tmp/vchan.out /tmp/vchan.back 2>&1 | wc -l) bytes differ; first: $(cmp /tmp/vchan.out /tmp/vchan.back 2>&1)"
	cmp -l /tmp/vchan.out /tmp/vchan.back 2>&1 | head -n 5 | sed 's/^/# /'
fi

domu_results "$d"
domu_destroy vchan "$d"
tap_end
