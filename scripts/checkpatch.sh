#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch --strict over every kernel source file of xpv, with the
# pinned linux-source's checkpatch.pl. Fails on any error or warning.
#
# Ignored, with reasons:
#   ENOSYS: evtchn answers unknown ioctls -ENOSYS because the in-tree
#           driver does and libxenevtchn users may test for it (drop-in ABI).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${XPV_CACHE:-$top/.cache}
cp=$cache/linux-source/scripts/checkpatch.pl
[ -e "$cp" ] || "$top/scripts/setup.sh"
cd "$top"
files=$(git ls-files -co --exclude-standard -- '*.c' '*.h' | grep -v '^tests/' || true)
[ -n "$files" ] || { echo "checkpatch: no kernel sources"; exit 0; }
#   LINUX_VERSION_CODE, CONSTANT_COMPARISON (compat.h only): testing the
#           kernel version is that header's one job.
run() { perl "$cp" --strict --no-tree --quiet --show-types "$@"; }
compat=include/xpv/compat.h
# shellcheck disable=SC2086
run --ignore ENOSYS -f $(echo "$files" | grep -vx "$compat")
run --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f $compat
echo "checkpatch: $(echo "$files" | wc -w) files clean"
