# SPDX-License-Identifier: GPL-2.0
#
# `make run`: start a PV domU with a disk and a vif on the drivers of this
# image and show what a Xen administrator would look at. The guest side is
# the blk-net scenario's. In an interactive run the domU is left running.
. /xpv/lib/tap.sh
. /xpv/lib/domu.sh

echo "drivers (from /xpv/manifest: module, implementation, build-id):"
sed 's/^/  /' /xpv/manifest
img=/var/lib/xen/demo.img
dd if=/dev/zero of=$img bs=1M count=64 2>/dev/null
loop=$(losetup -f)
losetup "$loop" $img
d=$(domu_create demo blk-net "disk = ['phy:$loop,xvda,w']
vif = ['bridge=br0,mac=00:16:3e:00:00:02']") || { echo "xl create failed"; exit 1; }
domu_wait_done "$d" 180 || echo "guest did not finish in 180 s"
echo
echo "# xl list"
xl list
echo
echo "# xenbus states (4 = Connected)"
for dev in vbd/$d/51712 vif/$d/0; do
	echo "  backend  $dev: $(xenstore-read /local/domain/0/backend/$dev/state)"
done
echo "  frontend vbd/51712: $(xenstore-read /local/domain/$d/device/vbd/51712/state)"
echo "  frontend vif/0: $(xenstore-read /local/domain/$d/device/vif/0/state)"
echo
echo "# the guest's own checks"
domu_results "$d" | grep -v '^1\.\.'
echo
echo "# data check: the guest's pattern in dom0's backing file"
mib=$(xenstore-read /local/domain/$d/data/xpv/blk-mib)
want=$(xenstore-read /local/domain/$d/data/xpv/blk-sha)
got=$(dd if=$img bs=1M count=$mib 2>/dev/null | sha256sum | cut -d' ' -f1)
[ "$want" = "$got" ] && echo "  match: $got" || echo "  MISMATCH: guest $want, file $got"
echo
echo "# ping from dom0"
ping -c 2 -W 3 10.99.0.2
if ! grep -q xpv.interactive=1 /proc/cmdline; then
	xl destroy demo
	losetup -d "$loop"
else
	echo
	echo "domU 'demo' (domid $d) is left running: xl console demo (Ctrl-] leaves)"
fi
