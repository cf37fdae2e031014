// SPDX-License-Identifier: GPL-2.0
/*
 * hypercount fe=CPUS be=CPUS [ready=FILE] < xentrace output: the PV
 * hypercalls in a trace, by type, for two sets of physical CPUs. Prints
 * one line of key=value pairs, fe_* and be_*, for tests/bench.
 *
 * xentrace -e 0x00203000 records every PV hypercall (TRC_PV_HYPERCALL_V2:
 * the op, and for some ops their command and count) and every entry of a
 * multicall (TRC_PV_HYPERCALL_SUBCALL). A record names the physical CPU it
 * was taken on, not the domain; the testbed pins dom0's vCPUs to CPUs of
 * their own and each domU's to another (tests/lib/domu.sh), so the CPU says
 * whose hypercall it was. The file is a series of windows, each a
 * TRC_TRACE_CPU_CHANGE record (the CPU, the window's size) and then that
 * CPU's raw records (public/trace.h's struct t_rec).
 *
 * ready=FILE is created once data flows: xentrace is then past enabling
 * the buffers and discarding what they held.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TRC_LOST_RECORDS		0x0001f001
#define TRC_TRACE_CPU_CHANGE		0x0001f003
#define TRC_PV_HYPERCALL_V2		0x0020100d
#define TRC_PV_HYPERCALL_SUBCALL	0x0020200e
#define TRC_64_FLAG			0x00000100
#define HC_OP_MASK			0x000fffff
/* Which 32-bit arguments follow the op: 2 bits per argument from bit 20. */
#define HC_ARG32(i)			(1u << (20 + 2 * (i)))

/* public/xen.h's hypercall numbers and grant_table.h's commands */
enum { HC_MMU_UPDATE = 1, HC_STACK_SWITCH = 3, HC_FPU_TASKSWITCH = 5,
       HC_UPDATE_DESCRIPTOR = 10, HC_SET_SEGMENT_BASE = 25,
       HC_SET_TIMER_OP = 15, HC_MULTICALL = 13,
       HC_UPDATE_VA_MAPPING = 14, HC_GRANT_TABLE_OP = 20,
       HC_UPDATE_VA_MAPPING_OTHERDOMAIN = 22, HC_IRET = 23, HC_VCPU_OP = 24,
       HC_MMUEXT_OP = 26, HC_SCHED_OP = 29, HC_EVENT_CHANNEL_OP = 32,
       HC_PHYSDEV_OP = 33 };
enum { GNTTABOP_MAP = 0, GNTTABOP_UNMAP = 1, GNTTABOP_COPY = 5 };

/* The types counted; "hc" is their sum, "gntop_*" the operations. */
enum { K_HC, K_IRET, K_CTXSW, K_MMU, K_MULTICALL, K_MC_ENTRIES, K_EVTCHN, K_SCHED,
       K_VCPU, K_TIMER, K_PHYSDEV, K_GNT_MAP, K_GNT_UNMAP, K_GNT_COPY,
       K_GNT_OTHER, K_GNTOP_MAP, K_GNTOP_UNMAP, K_GNTOP_COPY, K_OTHER,
       K_NR };
static const char *const key_name[K_NR] = {
	"hc", "hc_iret", "hc_ctxsw", "hc_mmu", "hc_multicall", "hc_mc_entries",
	"hc_evtchn", "hc_sched", "hc_vcpu", "hc_timer", "hc_physdev",
	"hc_gnt_map", "hc_gnt_unmap", "hc_gnt_copy", "hc_gnt_other",
	"gntop_map", "gntop_unmap", "gntop_copy", "hc_other",
};

#define MAX_CPUS 64
static int side_of[MAX_CPUS];		/* 0: neither, 1: fe, 2: be */
static unsigned long long count[3][K_NR];
static unsigned long long lost;

/* "0,2-3" into side_of[] */
static int parse_cpus(const char *s, int side)
{
	while (*s) {
		char *e;
		long a = strtol(s, &e, 10), b = a;

		if (e == s)
			return -1;
		if (*e == '-')
			b = strtol(e + 1, &e, 10);
		if (a < 0 || b >= MAX_CPUS || a > b)
			return -1;
		while (a <= b)
			side_of[a++] = side;
		if (*e == ',')
			e++;
		else if (*e)
			return -1;
		s = e;
	}
	return 0;
}

static void hypercall(unsigned long long *c, const uint32_t *d, int n)
{
	uint32_t op = d[0] & HC_OP_MASK;
	/* grant_table_op carries its cmd (argument 0) and count (2). */
	uint32_t cmd = n > 1 && (d[0] & HC_ARG32(0)) ? d[1] : ~0u;
	uint32_t cnt = n > 2 && (d[0] & HC_ARG32(2)) ? d[2] : 1;

	c[K_HC]++;
	switch (op) {
	case HC_IRET:
		c[K_IRET]++;
		break;
	case HC_STACK_SWITCH:
	case HC_FPU_TASKSWITCH:
	case HC_UPDATE_DESCRIPTOR:
	case HC_SET_SEGMENT_BASE:
		c[K_CTXSW]++;
		break;
	case HC_MMU_UPDATE:
	case HC_MMUEXT_OP:
	case HC_UPDATE_VA_MAPPING:
	case HC_UPDATE_VA_MAPPING_OTHERDOMAIN:
		c[K_MMU]++;
		break;
	case HC_MULTICALL:
		c[K_MULTICALL]++;
		break;
	case HC_EVENT_CHANNEL_OP:
		c[K_EVTCHN]++;
		break;
	case HC_SCHED_OP:
		c[K_SCHED]++;
		break;
	case HC_VCPU_OP:
		c[K_VCPU]++;
		break;
	case HC_SET_TIMER_OP:
		c[K_TIMER]++;
		break;
	case HC_PHYSDEV_OP:
		c[K_PHYSDEV]++;
		break;
	case HC_GRANT_TABLE_OP:
		if (cmd == GNTTABOP_MAP) {
			c[K_GNT_MAP]++;
			c[K_GNTOP_MAP] += cnt;
		} else if (cmd == GNTTABOP_UNMAP) {
			c[K_GNT_UNMAP]++;
			c[K_GNTOP_UNMAP] += cnt;
		} else if (cmd == GNTTABOP_COPY) {
			c[K_GNT_COPY]++;
			c[K_GNTOP_COPY] += cnt;
		} else {
			c[K_GNT_OTHER]++;
		}
		break;
	default:
		c[K_OTHER]++;
	}
}

int main(int argc, char **argv)
{
	const char *ready = NULL;
	int cpu = -1, i, k, s;
	uint32_t hdr;

	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "fe=", 3) && !parse_cpus(argv[i] + 3, 1))
			continue;
		if (!strncmp(argv[i], "be=", 3) && !parse_cpus(argv[i] + 3, 2))
			continue;
		if (!strncmp(argv[i], "ready=", 6)) {
			ready = argv[i] + 6;
			continue;
		}
		fprintf(stderr, "usage: hypercount fe=CPUS be=CPUS [ready=FILE]\n");
		return 2;
	}
	while (fread(&hdr, sizeof(hdr), 1, stdin) == 1) {
		uint32_t event = hdr & 0x0fffffff, d[7 + 2];
		int n = (hdr >> 28) & 7, cyc = hdr >> 31;

		if (ready) {
			close(open(ready, O_CREAT | O_WRONLY, 0644));
			ready = NULL;
		}
		/* The TSC (two words) when present, then n data words. */
		if (fread(d, sizeof(uint32_t), n + 2 * cyc, stdin) != (size_t)(n + 2 * cyc))
			break;
		memmove(d, d + 2 * cyc, n * sizeof(uint32_t));
		if (event == TRC_TRACE_CPU_CHANGE && n >= 1) {
			cpu = d[0] < MAX_CPUS ? (int)d[0] : -1;
			continue;
		}
		if (event == TRC_LOST_RECORDS && n >= 1) {
			lost += d[0];
			continue;
		}
		event &= ~TRC_64_FLAG;
		if (cpu < 0 || !side_of[cpu] || n < 1)
			continue;
		if (event == TRC_PV_HYPERCALL_V2)
			hypercall(count[side_of[cpu]], d, n);
		else if (event == TRC_PV_HYPERCALL_SUBCALL)
			count[side_of[cpu]][K_MC_ENTRIES]++;
	}
	for (s = 1; s <= 2; s++)
		for (k = 0; k < K_NR; k++)
			printf("%s_%s=%llu ", s == 1 ? "fe" : "be", key_name[k],
			       count[s][k]);
	printf("hc_lost=%llu\n", lost);
	return 0;
}
