# SPDX-License-Identifier: GPL-2.0
#
# Guest side of emu-stress.sh: dom0's fork+exec loop, once per vCPU, with
# the disk kept busy in the background.

secs=$(sed -n 's/.*xpv\.stress=\([0-9]*\).*/\1/p' /proc/cmdline)
end=$(($(cut -d. -f1 /proc/uptime) + ${secs:-150}))

# exec_loop FILE: fork+exec until the end; "EXECS FAULTS" into FILE.
exec_loop() {
	local n=0 f=0 i
	while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
		i=0
		while [ $i -lt 20 ]; do
			(exec /bin/busybox true)
			[ $? -ne 0 ] && f=$((f + 1))
			i=$((i + 1))
		done
		n=$((n + 20))
	done
	echo "$n $f" >"$1"
}

(while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
	dd if=/dev/xvda of=/dev/null bs=1M iflag=direct 2>/dev/null
	dd if=/dev/zero of=/dev/xvda bs=64k count=512 oflag=direct 2>/dev/null
done) &
cpus=$(grep -c ^processor /proc/cpuinfo)
c=0
while [ $c -lt "$cpus" ]; do
	exec_loop /tmp/loop.$c &
	c=$((c + 1))
done
wait
n=0 f=0
for r in /tmp/loop.*; do
	read -r a b <"$r"
	n=$((n + a)) f=$((f + b))
done
echo "domU: $n execs on $cpus vCPUs, $f children killed by a signal"
guest_check "domU: no exec'd child died of a signal ($f of $n)" test $f = 0
