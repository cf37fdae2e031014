# SPDX-License-Identifier: GPL-2.0
#
# Event channels across domains through /dev/xen/evtchn on both sides:
# the domU listens (unbound port for dom0) and dom0 connects, then the
# reverse; 200 notify/read/re-enable round trips each way.
. /xpv/lib/tap.sh
. /xpv/lib/domu.sh
rounds=200

if ! d=$(domu_create evtxdom evtchn-xdom ""); then
	tap_fail "xl create of a PV domU"
	tap_end
	exit
fi
tap_ok "xl create of a PV domU (domid $d)"
data=/local/domain/$d/data/xpv

if wait_for 120 xenstore-read $data/evtchn-port; then
	port=$(xenstore-read $data/evtchn-port)
	tap_check "dom0 binds the domU's unbound port $port and does $rounds round trips" \
		evtchn-pingpong connect "$d" "$port" $rounds
else
	tap_fail "domU published an unbound port for dom0"
	domu_console evtxdom
fi

evtchn-pingpong listen "$d" $rounds >/tmp/evtxdom.port &
lpid=$!
wait_for 10 test -s /tmp/evtxdom.port
xenstore-write $data/dom0-port "$(head -n1 /tmp/evtxdom.port)"
if wait $lpid; then
	tap_ok "domU binds dom0's unbound port and does $rounds round trips"
else
	tap_fail "domU binds dom0's unbound port and does $rounds round trips"
fi

domu_wait_done "$d" 60 || tap_fail "guest side finished"
domu_results "$d"
domu_destroy evtxdom "$d"
tap_end
