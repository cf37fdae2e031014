# SPDX-License-Identifier: GPL-2.0
#
# Guest side of a scenario: results travel to dom0 through xenstore, under
# the domain's own data/xpv/ directory (which a guest may write).

GUEST_N=0

# guest_result ok|fail|skip DESCRIPTION
guest_result() {
	GUEST_N=$((GUEST_N + 1))
	xenstore-write "data/xpv/result/$GUEST_N" "$1 $2"
	echo "domU: $1 $2"
}

# guest_skip REASON: a test that could not run here, and why.
guest_skip() { guest_result skip "$1"; }

# guest_check DESCRIPTION COMMAND...: result of running COMMAND.
guest_check() {
	local d=$1
	shift
	if "$@"; then guest_result ok "$d"; else guest_result fail "$d"; fi
}

# guest_put KEY VALUE: a value for dom0 to check (data/xpv/KEY).
guest_put() { xenstore-write "data/xpv/$1" "$2"; }

guest_done() { xenstore-write data/xpv/done "$GUEST_N"; }
