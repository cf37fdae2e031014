#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: boot the xpv testbed once and run the benchmarks in it
# (tests/bench/bench-*.sh: in-tree pair, xpv pair, xpv pair, in-tree pair),
# then print the comparison table.
#
#   KERNEL=6.1|6.12   (default 6.1)
#   BENCHES="..."     benchmarks to run (default: every tests/bench/bench-*.sh)
#
# Output in $OUT/bench/<stamp>/: console.log, results.tsv (one line per
# workload, implementation, round and key), table.txt (what is printed),
# chart.png (throughput and per-I/O counts, xpv relative to in-tree).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../versions.env
. "$top/versions.env"
out=${OUT:-$top/out}
kernel=${KERNEL:-6.1}
case $kernel in 6.1) kver=$KVER_6_1 ;; 6.12) kver=$KVER_6_12 ;; *) echo "KERNEL?" >&2; exit 2 ;; esac
dir=$out/bench/$(date +%Y%m%d-%H%M%S)-$kernel
mkdir -p "$dir"
ln -sfn "$dir" "$out/bench/latest"

if [ -z "${BENCHES:-}" ]; then
	BENCHES=
	for b in "$top"/tests/bench/bench-*.sh; do
		case $b in *.guest.sh) continue ;; esac
		# "# xpv-opt-in: WHY": run only when named in BENCHES.
		if grep -q '^# xpv-opt-in:' "$b"; then
			echo "== not in the default benchmarks: $(basename "$b" .sh): $(sed -n 's/^# xpv-opt-in: //p' "$b")"
			continue
		fi
		BENCHES="$BENCHES $(basename "$b" .sh)"
	done
fi
suites=$(for b in $BENCHES; do printf 'bench/%s+' "$b"; done)
suites=${suites%+}

imgdir=$out/images/$kver-xpv
echo "== building images ($kver, xpv with the in-tree modules alongside)"
"$top/testbed/mkimage.sh" "$kver" xpv "$imgdir" || exit 1
echo "== booting Xen $XEN_SERIES + dom0 $kver for: $BENCHES"
t0=$(date +%s)
BOOT_TIMEOUT=${BOOT_TIMEOUT:-2400} "$top/testbed/boot.sh" "$imgdir" "$dir/console.log" "$suites" &
qpid=$!
tail --pid=$qpid -n +1 -F "$dir/console.log" 2>/dev/null |
	grep -a --line-buffered '^@@XPV phase' | sed -u 's/^@@XPV phase /   /' &
wait $qpid
wait
echo "== boot ended after $(($(date +%s) - t0)) s"

# results.tsv: bench workload impl round key value
grep -a '^@@XPV bench ' "$dir/console.log" | sed 's/^@@XPV bench //; s/\r$//' |
	awk '{ for (i = 5; i <= NF; i++) if ($i ~ /=/) { split($i, kv, "="); print $1 "\t" $2 "\t" $3 "\t" $4 "\t" kv[1] "\t" kv[2] } }' \
	>"$dir/results.tsv"
grep -a '^@@XPV bench-config ' "$dir/console.log" | sed 's/^@@XPV bench-config //; s/\r$//' \
	>"$dir/config.txt"
fails=$(grep -a '^@@XPV tap ' "$dir/console.log" | grep -c ' not ok ')

"$top/tests/bench/table.sh" "$dir/results.tsv" "$dir/config.txt" | tee "$dir/table.txt"
"$top/tests/bench/chart.sh" "$dir/results.tsv" "$dir/chart.png" &&
	echo "chart: $dir/chart.png"
echo "results: $dir/results.tsv"
if [ "$fails" -gt 0 ] || ! grep -aq '^@@XPV end' "$dir/console.log"; then
	echo "bench: $fails failed step(s) or an unfinished boot; console: $dir/console.log"
	grep -a '^@@XPV tap .* not ok ' "$dir/console.log" | sed 's/^@@XPV tap /  /' | head -n 20
	exit 1
fi
