# SPDX-License-Identifier: GPL-2.0
#
# Baseline: a PV domU with a blkback disk (phy: on a loop device) and a
# bridged netback vif. The guest writes a random pattern with O_DIRECT and
# reads it back, pings dom0; dom0 checks the backing file, both ends' xenbus
# states, then destroys the guest and checks that nothing is left.
. /xpv/lib/tap.sh
. /xpv/lib/domu.sh

name=blknet
img=/var/lib/xen/$name.img
dd if=/dev/zero of=$img bs=1M count=64 2>/dev/null
loop=$(losetup -f)
losetup "$loop" $img
tap_diag "backing file $img on $loop"

if ! d=$(domu_create $name blk-net "disk = ['phy:$loop,xvda,w']
vif = ['bridge=br0,mac=00:16:3e:00:00:02']"); then
	tap_fail "xl create of a PV domU with a vbd and a vif"
	sed 's/^/# hotplug: /' /var/log/xen/xen-hotplug.log 2>/dev/null | tail -n 20
	losetup -d "$loop"
	tap_end
	exit
fi
tap_ok "xl create of a PV domU with a vbd and a vif (domid $d)"

if domu_wait_done "$d" 180; then
	tap_ok "guest side finished"
else
	tap_fail "guest side finished within 180 s"
	domu_console $name
fi
domu_results "$d"

be=/local/domain/0/backend
fe=/local/domain/$d/device
tap_check "vbd backend state is Connected (4)" \
	test "$(xenstore-read $be/vbd/$d/51712/state 2>/dev/null)" = 4
tap_check "vbd frontend state is Connected (4)" \
	test "$(xenstore-read $fe/vbd/51712/state 2>/dev/null)" = 4
tap_check "vif backend state is Connected (4)" \
	test "$(xenstore-read $be/vif/$d/0/state 2>/dev/null)" = 4
tap_check "vif frontend state is Connected (4)" \
	test "$(xenstore-read $fe/vif/0/state 2>/dev/null)" = 4

want=$(xenstore-read /local/domain/$d/data/xpv/blk-sha 2>/dev/null)
mib=$(xenstore-read /local/domain/$d/data/xpv/blk-mib 2>/dev/null)
got=$(dd if=$img bs=1M count=${mib:-0} 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ -n "$want" ] && [ "$want" = "$got" ]; then
	tap_ok "dom0 reads the guest's ${mib} MiB pattern from the backing file"
else
	tap_fail "backing file holds the guest's pattern (guest ${want:-none}, file $got)"
fi
tap_check "dom0 pings the domU over the bridge" sh -c "ping -c 2 -W 3 10.99.0.2 >/dev/null"

domu_destroy $name "$d"
tap_check "loop device released" losetup -d "$loop"
rm -f $img
tap_end
