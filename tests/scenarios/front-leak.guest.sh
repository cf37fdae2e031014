# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# Guest side of front-leak.sh (busybox sh): for each case (xpv.leakcases=)
# set the frontends' trusted parameter (0 only for "param"), let dom0 make
# xvda and eth0 with its spies behind them, write one sector from the
# middle of a marked page (vbd-spy write) and send six datagrams from
# the middle of a marked page (vif-spy send), then wait for dom0 to take
# both devices away again.

LC_LOG=/tmp/fl.results
# shellcheck source=../lib/lifecycle-guest.sh
. /xpv/lib/lifecycle-guest.sh

guest_put blkfront-impl "$(driver_loaded_impl xen-blkfront)"
guest_put netfront-impl "$(driver_loaded_impl xen-netfront)"
cases=$(arg leakcases | tr + ' ')

connected() {
	[ "$(xenstore-read "device/$1/state" 2>/dev/null)" = 4 ] &&
		[ "$(xenstore-read "$(xenstore-read "device/$1/backend")/state" 2>/dev/null)" = 4 ]
}
gone() { [ ! -e /dev/xvda ] && [ ! -e /sys/class/net/eth0 ]; }
set_trusted() {
	echo "$1" >/sys/module/xen_blkfront/parameters/trusted &&
		echo "$1" >/sys/module/xen_netfront/parameters/trusted
}

for c in $cases; do
	p=1
	[ "$c" = param ] && p=0
	chk "$c: the frontends' trusted parameter set to $p" set_trusted $p || break
	point "ready-$c" || break
	if chk "$c: xvda connected" gwait 60 connected vbd/51712 &&
		chk "$c: /dev/xvda is there" gwait 30 test -b /dev/xvda; then
		chk "$c: an O_DIRECT write of one sector from the middle of a marked page" \
			vbd-spy write /dev/xvda
	fi
	if chk "$c: eth0 connected" gwait 60 connected vif/0 &&
		chk "$c: eth0 up with 10.98.0.2/24" \
			sh -c 'ip link set eth0 up && ip addr add 10.98.0.2/24 dev eth0'; then
		sg=$(ethtool -k eth0 2>/dev/null | sed -n 's/^scatter-gather: //p')
		# Without scatter-gather the stack copies what MSG_ZEROCOPY gives it.
		chk "$c: eth0 does scatter-gather, so MSG_ZEROCOPY hands it our page (ethtool: '$sg')" \
			[ "${sg%% *}" = on ]
		chk "$c: six datagrams sent from a marked page (sendfile(), MSG_ZEROCOPY)" vif-spy send eth0
		guest_put "$c/tx_bounced" \
			"$(ethtool -S eth0 2>/dev/null | sed -n 's/^ *tx_bounced: //p')"
	fi
	say_at "sent-$c"
	gwait 900 go_is "sent-$c" || { res fail "dom0 let the guest on past 'sent-$c' within 900 s"; break; }
	chk "$c: xvda and eth0 gone once dom0 removed them" gwait 60 gone
done
set_trusted 1
chk "no kernel fault in the guest's dmesg" no_kfault
