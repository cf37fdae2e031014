# SPDX-License-Identifier: GPL-2.0
#
# Guest side of blk-net.sh (sourced by the domU's /init, with guest.sh).

mib=16
i=0
while [ ! -b /dev/xvda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
guest_check "blkfront made /dev/xvda" test -b /dev/xvda
guest_check "disk size is 64 MiB" test "$(cat /sys/block/xvda/size 2>/dev/null)" = 131072

head -c $((mib << 20)) /dev/urandom >/tmp/pattern
sum=$(sha256sum </tmp/pattern | cut -d' ' -f1)
guest_check "O_DIRECT write of a $mib MiB random pattern" \
	dd if=/tmp/pattern of=/dev/xvda bs=1M oflag=direct status=none
echo 3 >/proc/sys/vm/drop_caches
back=$(dd if=/dev/xvda bs=1M count=$mib iflag=direct status=none | sha256sum | cut -d' ' -f1)
guest_check "O_DIRECT read back matches the pattern" test "$sum" = "$back"
guest_put blk-sha "$sum"
guest_put blk-mib "$mib"

ip link set lo up
ip addr add 10.99.0.2/24 dev eth0
ip link set eth0 up
guest_check "netfront made eth0" test -e /sys/class/net/eth0
guest_check "domU pings dom0 over the bridge" ping -c 3 -W 5 10.99.0.1
