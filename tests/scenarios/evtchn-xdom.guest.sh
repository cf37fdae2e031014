# SPDX-License-Identifier: GPL-2.0
#
# Guest side of evtchn-xdom.sh.
rounds=200

evtchn-pingpong listen 0 $rounds >/tmp/port &
lpid=$!
i=0
while [ ! -s /tmp/port ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
guest_put evtchn-port "$(head -n1 /tmp/port)"
guest_check "dom0 connected to our unbound port: $rounds round trips" wait $lpid

i=0
while ! xenstore-read data/xpv/dom0-port >/dev/null 2>&1 && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
guest_check "we connect to dom0's unbound port: $rounds round trips" \
	evtchn-pingpong connect 0 "$(xenstore-read data/xpv/dom0-port)" $rounds
