#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# table.sh RESULTS.TSV [CONFIG.TXT]: the benchmark table. For each
# workload: throughput and latency, or rates and loss (mean of each
# implementation's rounds), then the counters divided by the workload's
# size (fe_ = the domU's side, be_ = dom0's): per I/O for block jobs (key
# ios), per packet for network jobs (key pkts), with the ratio xpv /
# in-tree and the limit: dom0's own loop device (block) or loopback
# (network); counters that stayed 0 everywhere are left out. Counts per
# I/O and packet are exact; times vary with the emulator.
set -euo pipefail
[ -n "${2:-}" ] && [ -s "$2" ] && {
	echo "negotiated (frontend, implementation, round, values):"
	sed 's/^/  /' "$2"
}
awk -F'\t' '
function fmt(v) { return v == "" ? "-" : (v >= 100 ? sprintf("%.0f", v) : sprintf("%.3g", v)) }
{
	job = $1 " " $2; impl = $3; round = $4; k = $5; v = $6
	if (!(job in seen)) { seen[job] = 1; jobs[++nj] = job }
	if (!((job, k) in kseen)) { kseen[job, k] = 1; keys[job, ++nk[job]] = k }
	if (v == "na") next
	# What the counters are divided by: I/Os (block), packets (network).
	if (k == "ios" || k == "pkts") { ios[job, impl, round] = v; unit[job] = k == "ios" ? "io" : "pkt" }
	val[job, impl, round, k] = v
	if (!((job, impl, round) in rseen)) { rseen[job, impl, round] = 1; rounds[job, impl] = rounds[job, impl] " " round }
}
END {
	for (j = 1; j <= nj; j++) {
		job = jobs[j]
		printf "\n%-30s %12s %12s %12s %12s\n", job, "in-tree", "xpv", "xpv/in-tree", "loop"
		for (i = 1; i <= nk[job]; i++) {
			k = keys[job, i]
			if (k ~ /^(ios|pkts|bytes|usec|send_usec|bad)$/) continue
			per = (k ~ /^(fe|be)_/)
			for (m = 1; m <= 3; m++) {
				impl = m == 1 ? "intree" : m == 2 ? "xpv" : "loop"
				n = split(rounds[job, impl], rs, " "); s = 0; c = 0
				for (r = 1; r <= n; r++) {
					if (!((job, impl, rs[r], k) in val)) continue
					x = val[job, impl, rs[r], k]
					if (per) { if (!ios[job, impl, rs[r]]) continue; x /= ios[job, impl, rs[r]] }
					s += x; c++
				}
				avg[m] = c ? s / c : ""
			}
			if (avg[1] == "" && avg[2] == "" && avg[3] == "") continue	# nothing measured
			# a counter that never moved in any implementation
			if (per && avg[1] + 0 == 0 && avg[2] + 0 == 0 && avg[3] + 0 == 0) continue
			ratio = (avg[1] != "" && avg[2] != "" && avg[1] > 0) ? sprintf("%.2f", avg[2] / avg[1]) : "-"
			printf "  %-28s %12s %12s %12s %12s\n", (per ? k "/" (job in unit ? unit[job] : "io") : k), fmt(avg[1]), fmt(avg[2]), ratio, fmt(avg[3])
		}
	}
}' "$1"
