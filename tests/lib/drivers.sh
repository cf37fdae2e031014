# SPDX-License-Identifier: GPL-2.0
#
# Switching one replaceable module between xpv's and the in-tree one inside
# a running boot, for the interop matrix and the benchmark.
#
# In an xpv image modprobe finds only xpv's modules (updates/xpv); the
# in-tree module each of them replaced is kept out of the module tree, in
# /xpv/alt/, and is loaded from there by path. An intree image has nothing
# of xpv's, so there only "intree" can be asked for.

# driver_has IMPL MODULE: this image can load that implementation.
driver_has() {
	local f
	case $1 in
	intree)
		grep -q "^$2 intree" /xpv/manifest && return 0
		for f in /xpv/alt/"$2".ko*; do [ -e "$f" ] && return 0; done
		return 1 ;;
	xpv) grep -q "^$2 xpv " /xpv/manifest ;;
	*) return 1 ;;
	esac
}

# driver_loaded_impl MODULE: xpv, intree or none, by build-id.
driver_loaded_impl() {
	local f=/sys/module/$(echo "$1" | tr - _)/notes/.note.gnu.build-id id
	[ -r "$f" ] || { echo none; return; }
	id=$(od -An -tx1 -v "$f" | tr -d ' \n' | cut -c33-)
	if grep -q "^$1 xpv $id\$" /xpv/manifest; then echo xpv; else echo intree; fi
}

# driver_use IMPL MODULE [PARAM=VALUE...]: unload MODULE (whichever it is)
# and load IMPL's with those parameters. Fails, leaving the old module
# loaded, if it is in use; fails if this image lacks IMPL.
driver_use() {
	local impl=$1 m=$2 ko=
	shift 2
	driver_has "$impl" "$m" || { echo "drivers: no $impl $m in this image" >&2; return 1; }
	if [ "$(driver_loaded_impl "$m")" != none ]; then
		rmmod "$m" || return 1
	fi
	if [ "$impl" = intree ] && ! grep -q "^$m intree" /xpv/manifest; then
		for ko in /xpv/alt/"$m".ko*; do :; done
		# (Once seen failing with an empty path under emulation: retried.)
		insmod "$ko" "$@" || { sleep 1; insmod "$ko" "$@"; }
	else
		modprobe "$m" "$@" || { sleep 1; modprobe "$m" "$@"; }
	fi || { echo "drivers: loading $impl $m ($ko) failed" >&2; return 1; }
	[ "$(driver_loaded_impl "$m")" = "$impl" ]
}

# driver_param MODULE PARAM: a loaded module's parameter value.
driver_param() { cat "/sys/module/$(echo "$1" | tr - _)/parameters/$2" 2>/dev/null; }
