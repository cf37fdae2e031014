# SPDX-License-Identifier: GPL-2.0
#
# Starting, watching and destroying domUs from a dom0 scenario.
# Needs tap.sh.

DOMU_KERNEL=/xpv/domU/vmlinuz
DOMU_RAMDISK=/xpv/domU/domU.cpio.gz

# wait_for SECONDS COMMAND...: poll COMMAND until it succeeds.
wait_for() {
	local t=$(($1 * 10))
	shift
	while [ $t -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		t=$((t - 1))
	done
	return 1
}

# domu_create NAME TEST EXTRA_CFG: start a domU (PV, or PVH when the
# testbed's profile says DOMU_TYPE=pvh) running guest test TEST;
# EXTRA_CFG lines are appended to its xl config. Prints the domid.
domu_create() {
	local name=$1 test=$2 extra=$3 cfg=/tmp/$1.cfg
	cat >"$cfg" <<CFG
name = "$name"
type = "${DOMU_TYPE:-pv}"
$([ "${DOMU_TYPE:-pv}" = pvh ] && echo 'cpuid = "host,rdtscp=0"')
kernel = "$DOMU_KERNEL"
ramdisk = "$DOMU_RAMDISK"
extra = "console=hvc0 xpv.test=$test"
memory = 256
vcpus = 1
on_crash = "preserve"
$extra
CFG
	xl create "$cfg" >/tmp/$name.create.log 2>&1 || {
		sed 's/^/# xl: /' /tmp/$name.create.log >&2
		return 1
	}
	xl domid "$name"
}

# domu_wait_done DOMID SECONDS: wait for the guest side to finish.
domu_wait_done() {
	wait_for "$2" xenstore-read "/local/domain/$1/data/xpv/done"
}

# domu_results DOMID: the guest's results as TAP lines.
domu_results() {
	local d=$1 n i r
	n=$(xenstore-read "/local/domain/$d/data/xpv/done" 2>/dev/null)
	for i in $(seq "${n:-0}"); do
		r=$(xenstore-read "/local/domain/$d/data/xpv/result/$i")
		case $r in
		"ok "*) tap_ok "domU: ${r#ok }" ;;
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
