# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the peer domU that dom0 starts for the kselftests that need
# a second domain (XPV_PEER_DOMID). It only says it is up; the tests reach
# it through Xen (its console and xenstore pages, its grant table).
guest_put peer-up 1
