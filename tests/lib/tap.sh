# SPDX-License-Identifier: GPL-2.0
#
# Minimal TAP for the shell scenarios that run in dom0.

TAP_N=0
TAP_FAILED=0
# TAP_PREFIX: put before every description (a scenario's current case).
TAP_PREFIX=

tap_ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N $TAP_PREFIX$*"
}

tap_fail() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N $TAP_PREFIX$*"
}

tap_skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N # SKIP $TAP_PREFIX$*"
}

# tap_check DESCRIPTION COMMAND...
tap_check() {
	local d=$1
	shift
	if "$@"; then tap_ok "$d"; else tap_fail "$d"; fi
}

# tap_diag TEXT...: a comment line (shown with the failure).
tap_diag() { echo "# $*"; }

tap_end() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" = 0 ]
}
