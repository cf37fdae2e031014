# SPDX-License-Identifier: GPL-2.0
#
# Hypercalls by type, for the benchmark (dom0 only): xentrace records every
# PV hypercall while a job runs and tests/bench/hypercount.c sorts them by
# type and by physical CPU. The testbed pins dom0's vCPUs to CPUs of their
# own and each domU's to others (domu.sh), so a CPU says whose hypercall it
# was: fe_hc_* are the domU's, be_hc_* dom0's (all of dom0: the backend,
# xenstored, the benchmark's own few steps, xentrace itself).
# shellcheck shell=bash disable=SC2034 # (hc_counts: for the caller)

HC_FIFO=/tmp/hypercalls.fifo
HC_OUT=/tmp/hypercalls.out
# Per-CPU trace buffers, in pages (fixed at the first xentrace of a boot).
HC_TBUF_PAGES=512

# hc_cpus DOMID: the physical CPUs DOMID's vCPUs are pinned to ("2,3");
# nothing when they are not pinned.
hc_cpus() {
	xl vcpu-list "$1" 2>/dev/null | awk -v d="$1" '
		$2 == d { a = $7; if (a == "all" || a == "") bad = 1; l = l (l ? "," : "") a }
		END { if (!bad) print l }'
}

# hc_start DOMID: start counting DOMID's and dom0's hypercalls; returns
# once the trace runs (or 1 when it cannot: not pinned, no xentrace).
hc_start() {
	local fe be t=40
	hc_pid=
	fe=$(hc_cpus "$1") be=$(hc_cpus 0)
	[ -n "$fe" ] && [ -n "$be" ] && command -v xentrace >/dev/null || return 1
	rm -f $HC_FIFO $HC_OUT $HC_OUT.ready
	mkfifo $HC_FIFO || return 1
	hypercount fe="$fe" be="$be" ready=$HC_OUT.ready <$HC_FIFO >$HC_OUT &
	hc_cpid=$!
	# Class PV, subclasses entry and multicall entry: the hypercalls.
	xentrace -D -e 0x00203000 -S $HC_TBUF_PAGES -s 50 $HC_FIFO 2>/tmp/hypercalls.err &
	hc_pid=$!
	while [ ! -e $HC_OUT.ready ]; do
		t=$((t - 1))
		if [ $t = 0 ] || ! kill -0 $hc_pid 2>/dev/null; then
			echo "# no hypercall trace: $(tr '\n' ' ' </tmp/hypercalls.err)" >&2
			# (hypercount may still wait for a writer to open the FIFO)
			kill "$hc_cpid" 2>/dev/null
			hc_stop
			return 1
		fi
		nap 0.05
	done
}

# hc_stop: stop the trace; hypercount's line in $hc_counts (empty when
# there was no trace). Not in a subshell: it waits for its children.
hc_stop() {
	hc_counts=
	[ -n "$hc_pid" ] || return 0
	kill -INT "$hc_pid" 2>/dev/null
	wait "$hc_pid" 2>/dev/null
	wait "$hc_cpid" 2>/dev/null	# hypercount, at the FIFO's end
	hc_pid=
	[ -s $HC_OUT ] && hc_counts=$(<$HC_OUT)
	rm -f $HC_FIFO $HC_OUT $HC_OUT.ready
}
