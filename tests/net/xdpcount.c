// SPDX-License-Identifier: GPL-2.0
/*
 * xdpcount - attach a counting XDP program to an interface in driver mode,
 * for a while, and say how many packets it saw. No libbpf, no clang: the
 * program is assembled here and loaded with bpf(2), and attached with
 * rtnetlink (IFLA_XDP), as the test images have neither.
 *
 *   xdpcount run IFNAME pass|drop SECONDS
 *	Load the program (it adds 1 to the only element of a one-element
 *	BPF_MAP_TYPE_ARRAY, then returns XDP_PASS or XDP_DROP), attach it
 *	with XDP_FLAGS_DRV_MODE (replacing any driver-mode program), wait
 *	SECONDS or until SIGTERM/SIGINT, detach it, and print "count=N": the
 *	packets it saw. Nothing is pinned: the map lives as long as this
 *	process.
 *   xdpcount detach IFNAME
 *	Remove the driver-mode program of IFNAME, if any (after a run that
 *	was killed with SIGKILL).
 *
 * Exit status 0 on success; on any failure a line "STEP: strerror" on
 * stderr, followed by the kernel's own explanation in parentheses when it
 * gave one (netlink extended ack, or the verifier's log), and status 1.
 * A driver without XDP, or xen-netfront without the backend's
 * feature-xdp-headroom, fails the attach with "attach: Operation not
 * supported (...)".
 */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
			    .off = (o), .imm = (i) })

static char verifier_log[65536];
static char nl_msg[256];		/* the extended ack of the last request */
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static void __attribute__((noreturn)) fail(const char *step, int err,
					   const char *why)
{
	if (why && *why)
		fprintf(stderr, "%s: %s (%s)\n", step, strerror(err), why);
	else
		fprintf(stderr, "%s: %s\n", step, strerror(err));
	exit(1);
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int map_create(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = sizeof(uint32_t);
	attr.value_size = sizeof(uint64_t);
	attr.max_entries = 1;
	return sys_bpf(BPF_MAP_CREATE, &attr);
}

static int map_read(int map_fd, uint64_t *val)
{
	union bpf_attr attr;
	uint32_t key = 0;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map_fd;
	attr.key = (uintptr_t)&key;
	attr.value = (uintptr_t)val;
	return sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr);
}

/*
 *	*(u32 *)(r10 - 4) = 0		the key
 *	r2 = r10 - 4
 *	r1 = map
 *	r0 = bpf_map_lookup_elem(r1, r2)
 *	if r0 == 0 goto out
 *	r1 = 1
 *	lock *(u64 *)(r0 + 0) += r1	several CPUs may run it at once
 * out:	r0 = verdict
 *	exit
 */
static int prog_load(int map_fd, int verdict)
{
	struct bpf_insn insns[] = {
		INSN(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4),
		INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD,
		     0, map_fd),
		INSN(0, 0, 0, 0, 0),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 2, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, 1),
		INSN(BPF_STX | BPF_ATOMIC | BPF_DW, BPF_REG_0, BPF_REG_1, 0,
		     BPF_ADD),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, verdict),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_XDP;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	attr.license = (uintptr_t)"GPL";
	strncpy(attr.prog_name, "xdpcount", sizeof(attr.prog_name) - 1);
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd >= 0 || errno != EACCES)
		return fd;
	/* Rejected by the verifier: load again for its reasons. */
	attr.log_buf = (uintptr_t)verifier_log;
	attr.log_size = sizeof(verifier_log);
	attr.log_level = 1;
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0)
		errno = EACCES;
	return fd;
}

/* --- rtnetlink --- */

struct xdp_req {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	char attrs[64];
};

static void *nl_put(struct nlmsghdr *nh, unsigned short type,
		    const void *data, unsigned short len)
{
	struct nlattr *nla = (struct nlattr *)((char *)nh +
					       NLMSG_ALIGN(nh->nlmsg_len));

	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)nla + NLA_HDRLEN, data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + NLA_ALIGN(nla->nla_len);
	return nla;
}

/* Keep the kernel's explanation (NLMSGERR_ATTR_MSG) of an error answer. */
static void nl_extack(const struct nlmsghdr *nh, size_t len)
{
	const struct nlmsgerr *err = NLMSG_DATA(nh);
	size_t off = NLMSG_HDRLEN + sizeof(*err);

	if (!(nh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* After our request, whole unless capped. */
	if (!(nh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	while (off + NLA_HDRLEN <= len) {
		const struct nlattr *nla =
			(const struct nlattr *)((const char *)nh + off);

		if (nla->nla_len < NLA_HDRLEN || off + nla->nla_len > len)
			return;
		if (nla->nla_type == NLMSGERR_ATTR_MSG) {
			snprintf(nl_msg, sizeof(nl_msg), "%.*s",
				 (int)(nla->nla_len - NLA_HDRLEN),
				 (const char *)nla + NLA_HDRLEN);
			return;
		}
		off += NLA_ALIGN(nla->nla_len);
	}
}

/* Set (prog_fd >= 0) or remove (-1) the driver-mode program. Return: errno. */
static int xdp_set(int ifindex, int prog_fd)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	uint32_t flags = XDP_FLAGS_DRV_MODE;
	struct xdp_req req;
	struct nlattr *xdp;
	char buf[8192];
	int one = 1;
	ssize_t n;
	int sock;
	int err;

	nl_msg[0] = '\0';
	sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (sock < 0)
		return errno;
	/* Older kernels ignore it: only the errno is then reported. */
	setsockopt(sock, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
	req.nh.nlmsg_type = RTM_SETLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nh.nlmsg_seq = 1;
	req.ifi.ifi_family = AF_UNSPEC;
	req.ifi.ifi_index = ifindex;
	xdp = nl_put(&req.nh, IFLA_XDP | NLA_F_NESTED, NULL, 0);
	nl_put(&req.nh, IFLA_XDP_FD, &prog_fd, sizeof(prog_fd));
	nl_put(&req.nh, IFLA_XDP_FLAGS, &flags, sizeof(flags));
	xdp->nla_len = (char *)&req + req.nh.nlmsg_len - (char *)xdp;

	if (sendto(sock, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		err = errno;
		close(sock);
		return err;
	}
	for (;;) {
		struct nlmsghdr *nh;

		n = recv(sock, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			break;
		}
		nh = (struct nlmsghdr *)buf;
		if (!NLMSG_OK(nh, (size_t)n) || nh->nlmsg_seq != 1)
			continue;
		if (nh->nlmsg_type != NLMSG_ERROR)
			continue;
		err = -((struct nlmsgerr *)NLMSG_DATA(nh))->error;
		if (err)
			nl_extack(nh, nh->nlmsg_len);
		break;
	}
	close(sock);
	return err;
}

/* --- commands --- */

static int ifindex_of(const char *name)
{
	unsigned int i = if_nametoindex(name);

	if (!i)
		fail(name, errno, NULL);
	return i;
}

static void wait_seconds(unsigned int secs)
{
	struct timespec left = { .tv_sec = secs };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: the sleep ends */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!stop && nanosleep(&left, &left) < 0 && errno == EINTR)
		;
}

static int cmd_run(const char *ifname, const char *what, const char *secs)
{
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	int ifindex = ifindex_of(ifname);
	uint64_t count = 0;
	int map_fd, prog_fd, verdict, err;
	char *end;
	long s;

	if (!strcmp(what, "pass"))
		verdict = XDP_PASS;
	else if (!strcmp(what, "drop"))
		verdict = XDP_DROP;
	else
		fail(what, EINVAL, "pass or drop");
	s = strtol(secs, &end, 10);
	if (*end || end == secs || s < 0 || s > 86400)
		fail(secs, EINVAL, "seconds, 0 to 86400");

	/* Kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK. */
	setrlimit(RLIMIT_MEMLOCK, &unlimited);
	map_fd = map_create();
	if (map_fd < 0)
		fail("map", errno, NULL);
	prog_fd = prog_load(map_fd, verdict);
	if (prog_fd < 0)
		fail("load", errno, verifier_log);
	err = xdp_set(ifindex, prog_fd);
	if (err)
		fail("attach", err, nl_msg);
	/* For a caller waiting to send traffic through the program. */
	printf("attached\n");
	fflush(stdout);

	wait_seconds(s);

	err = xdp_set(ifindex, -1);
	if (map_read(map_fd, &count) < 0)
		fail("read", errno, NULL);
	printf("count=%llu\n", (unsigned long long)count);
	fflush(stdout);
	if (err)
		fail("detach", err, nl_msg);
	return 0;
}

static int cmd_detach(const char *ifname)
{
	int err = xdp_set(ifindex_of(ifname), -1);

	if (err)
		fail("detach", err, nl_msg);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "run"))
		return cmd_run(argv[2], argv[3], argv[4]);
	if (argc == 3 && !strcmp(argv[1], "detach"))
		return cmd_detach(argv[2]);
	fprintf(stderr,
		"usage: xdpcount run IFNAME pass|drop SECONDS\n"
		"       xdpcount detach IFNAME\n");
	return 2;
}
