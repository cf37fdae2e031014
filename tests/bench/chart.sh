#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# chart.sh RESULTS.TSV OUT.PNG: one bar per workload and headline metric,
# the ratio xpv / in-tree (1 = the same; above 1 is better for iops, MiB/s
# and packets per second, worse for latency, loss and counts per I/O or
# packet), drawn with gnuplot. Headline: throughput, mean latency, loss,
# and per I/O or packet each side's hypercalls, notifications and
# interrupts; the breakdowns (hypercall types, grant calls) stay in the
# table.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=$(mktemp)
trap 'rm -f "$data"' EXIT
"$here/table.sh" "$1" | awk '
	/^[^ ]/ && NF { job = $2 }
	/^  / && $4 ~ /^[0-9.]+$/ && $1 ~ /^(iops|mib_s|pps|lat_avg_us|loss_pct|(fe|be)_(hc|notify|irq)\/(io|pkt))$/ {
		printf "\"%s %s\" %s\n", job, $1, $4 }' >"$data"
[ -s "$data" ] || { echo "chart: no ratios to draw" >&2; exit 1; }
command -v gnuplot >/dev/null || { echo "chart: gnuplot not installed" >&2; exit 1; }
n=$(wc -l <"$data")
gnuplot <<GP
set terminal pngcairo size 1200,$((200 + 18 * n)) font ",9"
set output "$2"
set termoption noenhanced
set title "xpv / in-tree, same boot (1 = equal; iops, MiB/s, pps: higher is better; latency, loss and per-I/O or per-packet counts: lower is better)"
set style fill solid 0.6
set yrange [-1:$n]
set ytics nomirror
set xrange [0:*]
set grid xtics
set arrow from 1, graph 0 to 1, graph 1 nohead lc rgb "red"
plot "$data" using 2:0:(0):2:(\$0-0.4):(\$0+0.4):yticlabels(1) with boxxyerror notitle
GP
