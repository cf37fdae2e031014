# SPDX-License-Identifier: GPL-2.0
#
# xen-privcmd in a domU (XSA-482): a domU that is nobody's device model gets
# a privcmd that refuses hypercalls; with unrestricted=1 on a kernel that is
# not locked down, they work. The guest loads the module of the image's
# driver set and reports through xenstore.
. /xpv/lib/tap.sh
. /xpv/lib/domu.sh

if ! d=$(domu_create pcdomu privcmd-domu ""); then
	tap_fail "xl create of a PV domU"
	tap_end
	exit
fi
tap_ok "xl create of a PV domU (domid $d)"
domu_wait_done "$d" 120 || { tap_fail "guest side finished"; domu_console pcdomu; }
domu_results "$d"
domu_destroy pcdomu "$d"
tap_end
