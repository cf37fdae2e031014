# SPDX-License-Identifier: GPL-2.0
#
# Counting what a driver costs, the same way for xpv's and the in-tree
# modules: kprobes on the kernel's exported Xen functions that every PV
# driver calls (each call to gnttab_map_refs() is one grant-table
# hypercall, each notify_remote_via_irq() one event-channel send, each
# gnttab_grant_foreign_access_ref() one grant), and the driver's lines of
# /proc/interrupts. Figures are counts, so they do not depend on the
# emulator's speed.

TRACEFS=/sys/kernel/tracing

# The probes: event name and kernel function.
COUNTER_PROBES="gnt_map:gnttab_map_refs gnt_unmap:gnttab_unmap_refs
gnt_batch_map:gnttab_batch_map gnt_copy:gnttab_batch_copy
gnt_grant:gnttab_grant_foreign_access_ref gnt_grant_new:gnttab_grant_foreign_access
gnt_end:gnttab_end_foreign_access_ref gnt_try_end:gnttab_try_end_foreign_access
gnt_end_free:gnttab_end_foreign_access notify:notify_remote_via_irq
lateeoi:xen_irq_lateeoi"

# counters_start: register and enable the probes (those the kernel refuses
# are left out and reported as n/a).
counters_start() {
	local p
	[ -d $TRACEFS/events ] || mount -t tracefs nodev $TRACEFS 2>/dev/null
	# Plain int3 probes: jump-optimised ones rewrite kernel text in place,
	# and with them the benchmark's dom0 saw user programs corrupted.
	echo 0 >/proc/sys/debug/kprobes-optimization 2>/dev/null
	for p in $COUNTER_PROBES; do
		echo "p:xpvc/xpvc_${p%%:*} ${p#*:}" >>$TRACEFS/kprobe_events 2>/dev/null &&
			echo 1 >"$TRACEFS/events/xpvc/xpvc_${p%%:*}/enable"
	done
	echo 1 >$TRACEFS/tracing_on
}

# counters_snapshot IRQ_REGEX: "name=count ..." for every probe, and irq=
# the interrupts of /proc/interrupts lines matching IRQ_REGEX (all CPUs).
counters_snapshot() {
	local p n
	for p in $COUNTER_PROBES; do
		# kprobe_profile: event name (without its group), hits, misses.
		n=$(awk -v e="xpvc_${p%%:*}" '$1 == e || $1 == "xpvc/" e { print $2 }' \
			$TRACEFS/kprobe_profile 2>/dev/null)
		printf '%s=%s ' "${p%%:*}" "${n:-na}"
	done
	awk -v re="$1" 'NR == 1 { ncpu = NF; next }
		$0 ~ re { for (i = 2; i <= ncpu + 1; i++) s += $i }
		END { printf "irq=%d\n", s }' /proc/interrupts
}

# counters_delta BEFORE AFTER: AFTER minus BEFORE, key by key.
counters_delta() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		n = split(a, x, " "); for (i = 1; i <= n; i++) { split(x[i], kv, "="); before[kv[1]] = kv[2] }
		n = split(b, y, " ")
		for (i = 1; i <= n; i++) {
			split(y[i], kv, "=")
			if (kv[2] == "na" || before[kv[1]] == "na") v = "na"; else v = kv[2] - before[kv[1]]
			printf "%s%s=%s", (i > 1 ? " " : ""), kv[1], v
		}
		print ""
	}'
}

# counters_copied IFACE|vbd STAT...: "STAT=value ..." of xpv's own counters
# of the bytes a driver copied, from `ethtool -S IFACE` or, for vbd, xvda's
# statistics directory in sysfs (vbd-51712, the benchmark's disk); na where the driver has none (the
# in-tree drivers do not count them).
counters_copied() {
	local dev=$1 s v stats
	shift
	[ "$dev" = vbd ] || stats=$(ethtool -S "$dev" 2>/dev/null)
	for s in "$@"; do
		if [ "$dev" = vbd ]; then
			v=$(cat /sys/bus/xen/devices/vbd-51712/statistics/xpv_"$s" 2>/dev/null)
		else
			v=$(echo "$stats" | awk -v k="$s:" '$1 == k { print $2 }')
		fi
		printf '%s=%s ' "$s" "${v:-na}"
	done
	echo
}
