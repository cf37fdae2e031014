#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the kselftests: every tests/<component>/*_test.c becomes the static
# binary $OUT/tests/bin/<component>[-<name>] (static, because the testbed's
# initramfs carries no libc of its own for them). The harness headers come
# from the pinned linux-source, never from this repository. Any other
# tests/<component>/<tool>.c is a helper program for the scenarios, built
# into $OUT/tests/tools/ and installed in both the dom0 and domU images.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${XPV_CACHE:-$top/.cache}
out=${OUT:-$top/out}/tests/bin
harness=$cache/linux-source/tools/testing/selftests
[ -e "$harness/kselftest_harness.h" ] || "$top/scripts/setup.sh"
mkdir -p "$out"
CFLAGS="-O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -D_GNU_SOURCE -static -pthread"
n=0
for src in "$top"/tests/*/*_test.c; do
	[ -e "$src" ] || continue
	comp=$(basename "$(dirname "$src")")
	name=$(basename "$src" _test.c)
	[ "$name" = "$comp" ] || name=$comp-$name
	bin=$out/$name
	# Rebuilt when the source or any header it may include is newer.
	stale=new
	[ -e "$bin" ] && stale=$(find "$src" "$top/tests/lib" "$(dirname "$src")" \
		-maxdepth 1 \( -name '*.h' -o -path "$src" \) -newer "$bin" | head -n1)
	if [ -n "$stale" ]; then
		echo "  CC      tests/$comp/$(basename "$src")"
		# shellcheck disable=SC2086
		gcc $CFLAGS -I"$harness" -I"$top/tests/lib" -o "$bin" "$src"
	fi
	n=$((n + 1))
done
# Helper programs the scenarios run in dom0 and domUs: every other .c.
tools=${OUT:-$top/out}/tests/tools
mkdir -p "$tools"
for src in "$top"/tests/*/*.c; do
	case $src in *_test.c) continue ;; esac
	bin=$tools/$(basename "$src" .c)
	if [ ! "$bin" -nt "$src" ] || [ -n "$(find "$top/tests/lib" -name '*.h' -newer "$bin")" ]; then
		echo "  CC      tests/$(basename "$(dirname "$src")")/$(basename "$src")"
		# shellcheck disable=SC2086
		gcc $CFLAGS -I"$top/tests/lib" -o "$bin" "$src"
	fi
done
echo "tests: $n kselftest binaries in $out, tools in $tools"
