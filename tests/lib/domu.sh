# SPDX-License-Identifier: GPL-2.0
#
# Starting, watching and destroying domUs from a dom0 scenario.
# Needs tap.sh.

DOMU_KERNEL=/xpv/domU/vmlinuz
DOMU_RAMDISK=/xpv/domU/domU.cpio.gz

# nap SECONDS: sleep without starting a process where the shell can (bash:
# a read that times out on a private FIFO). Every process start in dom0 is
# one more chance for the emulator's user-program fault, and the polling
# loops here start many.
if [ -n "${BASH_VERSION:-}" ] && mkfifo /tmp/.xpv-nap.$$ 2>/dev/null; then
	exec 9<>/tmp/.xpv-nap.$$
	rm -f /tmp/.xpv-nap.$$
	nap() { read -r -t "$1" -u 9 _ || :; }
else
	nap() { sleep "$1"; }
fi

# wait_for SECONDS COMMAND...: poll COMMAND until it succeeds.
wait_for() {
	local t=$(($1 * 10))
	shift
	while [ $t -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		nap 0.1
		t=$((t - 1))
	done
	return 1
}

# domu_cpus: the xl "cpus" line that pins a new domU's vCPUs to the
# physical CPUs dom0 does not use (boot.sh pins dom0's vCPUs to CPUs 0 and
# 1), taking them in turn from one domU to the next. Xen under QEMU
# sometimes loses a user process's FS base when it switches one vCPU for
# another on a CPU (README, "Emulator faults"); with a CPU each, vCPUs
# only ever share one with the idle vCPU. Nothing when dom0 is not pinned.
domu_cpus() {
	local info n next i list=
	info=$(xl info 2>/dev/null)
	case $info in *xen_commandline*dom0_vcpus_pin*) ;; *) return 0 ;; esac
	n=$(echo "$info" | sed -n 's/^nr_cpus *: *//p')
	[ "${n:-0}" -gt 2 ] || return 0
	next=$(cat /tmp/domu-next-cpu 2>/dev/null || echo 0)
	for i in $(seq 0 $((${DOMU_MAXVCPUS:-${DOMU_VCPUS:-1}} - 1))); do
		list="$list${list:+, }\"$((2 + (next + i) % (n - 2)))\""
	done
	echo $((next + i + 1)) >/tmp/domu-next-cpu
	echo "cpus = [$list]"
}

# domu_create NAME TEST EXTRA_CFG: start a domU (PV, or PVH when the
# testbed's profile says DOMU_TYPE=pvh) running guest test TEST;
# EXTRA_CFG lines are appended to its xl config. DOMU_VCPUS (default 1),
# DOMU_MAXVCPUS and DOMU_CMDLINE (more kernel arguments) adjust it. Prints
# the domid.
domu_create() {
	local name=$1 test=$2 extra=$3 cfg=/tmp/$1.cfg
	cat >"$cfg" <<CFG
name = "$name"
type = "${DOMU_TYPE:-pv}"
$([ "${DOMU_TYPE:-pv}" = pvh ] && echo 'cpuid = "host,rdtscp=0"')
kernel = "$DOMU_KERNEL"
ramdisk = "$DOMU_RAMDISK"
extra = "console=hvc0 xpv.test=$test${DOMU_CMDLINE:+ $DOMU_CMDLINE}"
memory = 256
vcpus = ${DOMU_VCPUS:-1}
maxvcpus = ${DOMU_MAXVCPUS:-${DOMU_VCPUS:-1}}
on_crash = "preserve"
$(domu_cpus)
$extra
CFG
	xl create "$cfg" >/tmp/$name.create.log 2>&1 || {
		sed 's/^/# xl: /' /tmp/$name.create.log >&2
		return 1
	}
	xl domid "$name"
}

# The emulator's user-program fault (README, "Emulator faults"): the same
# patterns as USER_FAULT in tests/run-suite.sh.
DOMU_EMU_FAULT='segfault at|traps: .* general protection|Segmentation fault'

# domu_faulted NAME: the guest's console shows the emulator's fault.
domu_faulted() {
	grep -Eq "$DOMU_EMU_FAULT" "/var/log/xen/console/guest-$1.log" 2>/dev/null
}

# domu_wait_done DOMID SECONDS [NAME]: wait for the guest side to finish.
# With NAME, status 2 as soon as that guest's console shows the emulator's
# fault (its results cannot be trusted: see domu_set_aside).
domu_wait_done() {
	local d=$1 t=$(($2 * 10)) name=${3:-}
	while [ $t -gt 0 ]; do
		# (the console is scanned once a second: fewer processes)
		[ -n "$name" ] && [ $((t % 10)) = 0 ] && domu_faulted "$name" && return 2
		xenstore-read "/local/domain/$d/data/xpv/done" >/dev/null 2>&1 && {
			[ -n "$name" ] && domu_faulted "$name" && return 2
			return 0
		}
		nap 0.1
		t=$((t - 1))
	done
	return 1
}

# domu_set_aside NAME: a guest hit the emulator's fault; destroy it and
# move its console to /var/log/xen/faulted/, which dom0 reports as
# "@@XPV faultlog" and the runner counts as an absorbed emulator fault
# (never as a pass). The scenario then repeats that guest's run.
domu_set_aside() {
	xl destroy "$1" >/dev/null 2>&1
	mkdir -p /var/log/xen/faulted
	mv "/var/log/xen/console/guest-$1.log" \
		"/var/log/xen/faulted/guest-$1-$(date +%s).log" 2>/dev/null
	tap_diag "EMULATOR FAULT in guest $1: run repeated (its console is kept as a faultlog)"
}

# domu_results DOMID: the guest's results as TAP lines.
domu_results() {
	local d=$1 n i r
	n=$(xenstore-read "/local/domain/$d/data/xpv/done" 2>/dev/null)
	for i in $(seq "${n:-0}"); do
		r=$(xenstore-read "/local/domain/$d/data/xpv/result/$i")
		case $r in
		"ok "*) tap_ok "domU: ${r#ok }" ;;
		"skip "*) tap_skip "domU: ${r#skip }" ;;
		*) tap_fail "domU: ${r#fail }" ;;
		esac
	done
}

# domu_destroy NAME DOMID: destroy it and check that nothing is left.
domu_destroy() {
	local name=$1 d=$2
	tap_check "xl destroy $name" xl destroy "$name"
	tap_check "domain $d is gone from xenstore" \
		wait_for 20 sh -c "! xenstore-exists /local/domain/$d"
	tap_check "no backend directories left for domain $d" \
		wait_for 20 sh -c "! xenstore-exists /local/domain/0/backend/vbd/$d && \
				    ! xenstore-exists /local/domain/0/backend/vif/$d"
	tap_check "xl list no longer shows $name" \
		sh -c "! xl list | awk '{print \$1}' | grep -qx '$name'"
}

# domu_console NAME: the guest's console log, as TAP comments.
domu_console() {
	local f=/var/log/xen/console/guest-$1.log
	[ -f "$f" ] && tail -n 30 "$f" | sed 's/^/# console: /'
}
