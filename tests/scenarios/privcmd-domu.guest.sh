# SPDX-License-Identifier: GPL-2.0
#
# Guest side of privcmd-domu.sh.

guest_check "xen-privcmd loads in the domU" modprobe xen-privcmd
r=$(privcmd-xenver)
echo "domU: privcmd-xenver: $r"
guest_check "a hypercall through privcmd is refused in a domU (XSA-482): $r" \
	test "$r" = "errno EPERM"
guest_check "xen-privcmd unloads" rmmod xen-privcmd
guest_check "xen-privcmd loads with unrestricted=1" modprobe xen-privcmd unrestricted=1
r=$(privcmd-xenver)
echo "domU: privcmd-xenver: $r"
guest_check "with unrestricted=1 and no lockdown the hypercall works: $r" \
	test "${r%% *}" = ok
rmmod xen-privcmd
