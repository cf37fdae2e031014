# SPDX-License-Identifier: GPL-2.0
#
# Guest side of vchan.sh: an echo service behind a vchan server for dom0.

guest_check "xen-gntalloc loads" modprobe xen-gntalloc
unix-echo /tmp/echo.sock &
i=0
while [ ! -S /tmp/echo.sock ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
self=$(xenstore-read domid)
vchan-socket-proxy -m server 0 /local/domain/$self/data/vchan /tmp/echo.sock &
vpid=$!
i=0
while ! xenstore-read data/vchan/ring-ref >/dev/null 2>&1 && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
guest_check "vchan server published its ring in xenstore" \
	xenstore-read data/vchan/ring-ref
guest_check "vchan server is running" kill -0 $vpid
# It serves one client after another until the domain is destroyed.
guest_put vchan-ready 1
