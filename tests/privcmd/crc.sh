#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Do xen-privcmd's exported symbols carry the in-tree modversions CRCs?
# xenfs imports xen_privcmd_fops and loads against our module only if the
# CRC matches (see privcmd/fops-crc.h). Compares every kernel built under
# $OUT/build with that kernel's own Module.symvers; run after make.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$top/out}
rc=0 n=0
for build in "$out"/build/*/; do
	ours=$build/Module.symvers
	theirs=/usr/src/$(basename "$build")/Module.symvers
	if [ ! -f "$ours" ] || [ ! -f "$theirs" ]; then continue; fi
	for sym in xen_privcmd_fops xen_privcmdbuf_fops; do
		a=$(awk -v s="$sym" '$2 == s { print $1 }' "$ours")
		b=$(awk -v s="$sym" '$2 == s { print $1 }' "$theirs")
		[ -n "$a" ] || continue
		n=$((n + 1))
		if [ "$a" = "$b" ]; then
			echo "ok   $(basename "$build") $sym $a"
		else
			echo "FAIL $(basename "$build") $sym ours $a in-tree ${b:-none}"
			rc=1
		fi
	done
done
[ "$n" -gt 0 ] || { echo "crc: no xen-privcmd build found under $out/build"; exit 1; }
exit $rc
