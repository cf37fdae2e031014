# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash source-path=SCRIPTDIR
#
# Block device lifecycle, for every frontend/backend pair this image can
# load (as blk-matrix: xpv/xpv, xpv/in-tree, in-tree/xpv in an xpv image;
# in-tree/in-tree in an in-tree one). One one-vCPU domU per pair (two-vCPU
# guests meet the emulator's fault far more often), with xvda (read-write)
# and xvdb (read-only) on loop devices, goes through, in this order:
#  1. read-only xvdb: read-only in the guest, a write fails and reaches
#     neither the backend (wr_req) nor the file, reads return dom0's pattern;
#  2. online resize: dom0 grows xvda's file and runs losetup -c; the backend
#     publishes the new sectors, the guest's disk grows, the new tail takes
#     a pattern that dom0 finds in the file;
#  3. xl block-attach xvdc, block-detach it idle, attach the same file
#     again: it goes, comes back, and reads back what was written before;
#  4. xl block-detach xvdc under a write/verify loop: the loop ends in I/O
#     errors (bounded, no hang, no wrong data), no kernel fault in the guest
#     or dom0, the backend and its hold on the loop device gone;
#  5. rmmod xen-blkback with xvda connected and idle: refused (xvda still
#     works) or a clean teardown (the guest sees xvda go, the module loads
#     again); then a new xl block-attach (xvdd) works with intact data;
#     then the guest unloads xen-blkfront with its disks connected and
#     idle: refused, or they go and the backend closes, and loaded again
#     they come back with their data;
#  6. xl save and xl restore, then xl migrate to localhost, under a
#     write/verify loop on xvda: the loop goes on in the restored domain
#     and in the migrated one (a new domid each time) and every pass
#     verifies; dom0 finds the last pass in the file;
#  7. xl destroy under the same loop: the domain reaped, its backends gone,
#     the loop devices released, the data outside the loop's range intact.
# (5 comes before 6 and 7: those end the domain's first incarnation.)
# Guest side: blk-lifecycle.guest.sh; the two step through xenstore (the
# guest's data/xpv/lc/at: where it is; lc/go: dom0 lets it on). Every step
# is bounded; a step that cannot go on ends that pair's run with a failure.
# LC_PAIRS narrows it down while developing.
# xpv-timeout: 1500
# shellcheck source=../lib/tap.sh
. /xpv/lib/tap.sh
# shellcheck source=../lib/domu.sh
. /xpv/lib/domu.sh
# shellcheck source=../lib/drivers.sh
. /xpv/lib/drivers.sh
# shellcheck source=../lib/lifecycle.sh
. /xpv/lib/lifecycle.sh

if [ "$DRIVERS" = intree ]; then
	pairs=${LC_PAIRS:-intree/intree}
else
	pairs=${LC_PAIRS:-xpv/xpv xpv/intree intree/xpv}
fi
M=1048576
dir=/var/lib/xen
# For lifecycle.sh: kernel log marks, files in /tmp.
LC_SCENARIO=blk-lifecycle LC_TMP=/tmp/lc
# xvda's size before and after the resize, in MiB.
BASE_MIB=32 GROWN_MIB=48
# Virtual device numbers of xvda, xvdb, xvdc, xvdd.
VA=51712 VB=51728 VC=51744 VD=51760
# The run in progress: the pair, the domain's name and id (xl restore
# changes the id), its loop devices and backing files, the regions the
# guest reported, and whether its results were collected.
FE='' BE='' NAME='' D='' RESULTS='' RO_SEED='' NEW_SEED='' KMARK=0 DOMS_AFTER=''
LA='' LB='' LC='' LD=''
FA=$dir/lc-a.img FB=$dir/lc-b.img FC=$dir/lc-c.img FD=$dir/lc-d.img
declare -A LOOPS=() REG=()

be_node() { xenstore-read "/local/domain/0/backend/vbd/$D/$1/$2" 2>/dev/null; }
fe_node() { xenstore-read "/local/domain/$D/device/vbd/$1/$2" 2>/dev/null; }
be_is() { [ "$(be_node "$1" "$2")" = "$3" ]; }
be_stat() { cat "/sys/bus/xen-backend/devices/vbd-$D-$1/statistics/$2" 2>/dev/null; }

# tap_rc STATUS DESCRIPTION: one result from a status already taken (so
# that the description can say what a wait found).
tap_rc() { if [ "$1" = 0 ]; then tap_ok "$2"; else tap_fail "$2"; fi; }

# pverify FILE OFF LEN SEED / pwrite ...: dom0 reads or writes the pattern
# in a backing file (through the page cache: tmpfs has no O_DIRECT).
pverify() {
	local out
	out=$(blkpattern verify "$1" "$2" "$3" $M "$4" -c 2>&1) && return 0
	tap_diag "$out"
	return 1
}
pwrite() {
	local out
	out=$(blkpattern write "$1" "$2" "$3" $M "$4" -c 2>&1) && return 0
	tap_diag "$out"
	return 1
}

# file_region FILE KEY WHAT: the region the guest reported as
# data/xpv/KEY (offset:length:seed) holds its pattern in FILE. Kept in
# REG[KEY] for the checks after the domain is gone.
file_region() {
	local f=$1 k=$2 r off len seed
	r=$(gkey "$k")
	REG[$k]=$r
	IFS=: read -r off len seed <<<"$r"
	if [ -z "$seed" ]; then
		tap_fail "$3: the guest reported no region ($k)"
		return 1
	fi
	tap_check "$3: dom0 finds the guest's $((len / M)) MiB at $off (seed $seed) in $(basename "$f")" \
		pverify "$f" "$off" "$len" "$seed"
}

# new_loop VAR FILE: a loop device on FILE; its path in VAR.
new_loop() {
	local l
	l=$(losetup -f) && losetup "$l" "$2" || return 1
	LOOPS[$l]=1
	printf -v "$1" %s "$l"
}

# release_loop LOOP WHAT: losetup -d, after which the loop device must let
# go of its file. While a backend still has it open, losetup -d only marks
# it to be cleared at the last close, and backing_file stays.
release_loop() {
	unset "LOOPS[$1]"
	losetup -d "$1" 2>/dev/null
	tap_check "$2: $1 let go of its file within 10 s (no backend holds it)" \
		wait_for 10 test ! -e "/sys/block/${1#/dev/}/loop/backing_file"
}

vbd_connected() { be_is "$1" state 4; }
both_connected() { vbd_connected "$1" && [ "$(fe_node "$1" state)" = 4 ]; }
disks_connected() { both_connected $VA && both_connected $VB; }
fe_left() { [ "$(fe_node "$1" state)" != 4 ]; }
vbd_dirs_gone() {
	! xenstore-exists "/local/domain/0/backend/vbd/$D/$1" &&
		! xenstore-exists "/local/domain/$D/device/vbd/$1"
}

# attach LOOP VDEV DEVID MODE WHAT: xl block-attach; the backend must
# reach Connected (which needs the guest's frontend).
attach() {
	xl_step "$5: xl block-attach $2 ($1, $4)" 60 block-attach "$D" "phy:$1,$2,$4" || return 1
	tap_check "$5: $2's backend is Connected within 30 s" wait_for 30 vbd_connected "$3"
}

# detached DEVID VDEV WHAT: after xl block-detach, nothing of the vbd is
# left: its xenstore directories and the backend's device in dom0's sysfs.
detached() {
	tap_check "$3: $2's backend and frontend directories are removed" \
		wait_for 20 vbd_dirs_gone "$1"
	tap_check "$3: the backend's device vbd-$D-$1 is gone from dom0's sysfs" \
		wait_for 20 test ! -e "/sys/bus/xen-backend/devices/vbd-$D-$1"
}

# io_moving DEVID: the guest is doing I/O on that vbd: the backend's
# request count (rd_req + wr_req: each pass of the guest's loop writes,
# then reads back) grows within 5 s. IO_SEEN says what was read.
vbd_reqs() {
	local f=/sys/bus/xen-backend/devices/vbd-$D-$1/statistics r w
	{ read -r r <"$f/rd_req" && read -r w <"$f/wr_req"; } 2>/dev/null || return 1
	REQS=$((r + w))
}
io_moving() {
	local a i
	IO_SEEN="no statistics for vbd-$D-$1"
	vbd_reqs "$1" || return 1
	a=$REQS
	for ((i = 0; i < 50; i++)); do
		nap 0.1
		vbd_reqs "$1" || return 1
		IO_SEEN="rd_req + wr_req $a, then $REQS"
		[ "$REQS" -gt "$a" ] && return 0
	done
	return 1
}

domain_gone() {
	! xenstore-exists "/local/domain/$1" && ! xenstore-exists "/local/domain/0/backend/vbd/$1"
}
no_vbd_device() { ! compgen -G "/sys/bus/xen-backend/devices/vbd-$1-*" >/dev/null; }

# 1. The read-only disk, xvdb.
step_ro() {
	local info got
	reach ro 300 || return
	got=$(gkey blkfront-impl)
	tap_check "the guest runs the $FE blkfront (it says ${got:-nothing})" test "$got" = "$FE"
	tap_check "the backend is the $BE blkback" test "$(driver_loaded_impl xen-blkback)" = "$BE"
	info=$(be_node $VB info)
	case $info in ''|*[!0-9]*) info=0 ;; esac
	tap_check "the backend marks xvdb read-only (info $info has VDISK_READONLY, 4)" \
		test $((info & 4)) = 4
	got=$(be_stat $VB wr_req)
	tap_check "no write to xvdb reached the backend (wr_req ${got:-missing})" test "$got" = 0
	tap_check "xvdb's file still holds dom0's 8 MiB pattern" \
		pverify "$FB" 0 $((8 * M)) "$RO_SEED"
	go_on ro
}

# 2. Online resize of xvda.
step_resize() {
	local want=$((GROWN_MIB * M / 512)) got
	reach resize-ready 60 || return
	truncate -s $((GROWN_MIB * M)) "$FA" 2>/dev/null && losetup -c "$LA" 2>/dev/null
	got=$(cat "/sys/block/${LA#/dev/}/size")
	tap_check "dom0: $LA grew to $want sectors (truncate, losetup -c; it has $got)" \
		test "$got" = "$want"
	wait_for 15 be_is $VA sectors "$want"
	tap_rc $? "the backend wrote xvda's new size to xenstore within 15 s (sectors $(be_node $VA sectors), want $want)"
	gput lc/sectors "$want" && go_on resize-ready || return
	reach resized 90 || return
	file_region "$FA" resize-region "the resized tail of xvda"
	return 0
}

# 3. Hot-attach xvdc, detach it idle, attach the same file again.
step_reattach() {
	dd if=/dev/zero of="$FC" bs=1M count=16 2>/dev/null
	new_loop LC "$FC" || { tap_fail "losetup of xvdc's file"; return 1; }
	attach "$LC" xvdc $VC w "hot-attach" || return 1
	go_on resized || return
	reach c-written 60 || return
	file_region "$FC" c-region "xvdc"
	xl_step "xl block-detach of idle xvdc (no -f: fails if the guest does not let go)" \
		60 block-detach "$D" xvdc || return 1
	detached $VC xvdc "idle detach"
	release_loop "$LC" "idle detach"
	go_on c-written || return
	reach c-gone 60 || return
	new_loop LC "$FC" || { tap_fail "losetup of xvdc's file again"; return 1; }
	attach "$LC" xvdc $VC w "re-attach of the same file" || return 1
	go_on c-gone || return
	dmesg_clean "through the read-only disk, the resize and the idle detach"
}

# 4. Detach xvdc under the guest's write/verify loop.
step_detach_io() {
	reach c-io 90 || return
	kmark "detach under I/O"
	io_moving $VC
	tap_rc $? "the guest's I/O on xvdc is running when it is detached ($IO_SEEN)"
	xl_step "xl block-detach of xvdc under I/O (no -f)" 60 block-detach "$D" xvdc || return 1
	detached $VC xvdc "detach under I/O"
	release_loop "$LC" "detach under I/O"
	reach c-detached 180 || return
	dmesg_clean "through the detach under I/O"
	return 0
}

# 5. rmmod xen-blkback with xvda (and xvdb) connected and idle, then a new
# xl block-attach. Status 3 when the module did unload: xvda is gone, so
# the steps after this one cannot run.
step_unload() {
	local msg unloaded=
	kmark "rmmod xen-blkback"
	if msg=$(rmmod xen-blkback 2>&1); then
		unloaded=1
		tap_diag "rmmod xen-blkback with vbds connected: it unloaded; the teardown must be clean"
		gput lc/unload unloaded || return
		tap_check "xvda's frontend leaves Connected within 30 s" wait_for 30 fe_left $VA
		tap_check "$BE xen-blkback loads again" driver_use "$BE" xen-blkback
	else
		tap_diag "rmmod xen-blkback with vbds connected: refused (${msg//$'\n'/ })"
		gput lc/unload refused || return
		tap_check "the refused rmmod left $BE xen-blkback loaded" \
			test "$(driver_loaded_impl xen-blkback)" = "$BE"
		tap_check "xvda is still Connected at both ends after the refused rmmod" \
			both_connected $VA
	fi
	dd if=/dev/zero of="$FD" bs=1M count=8 2>/dev/null
	if ! pwrite "$FD" 0 $((8 * M)) "$NEW_SEED"; then
		tap_fail "dom0 writes its pattern into xvdd's file"
		return 1
	fi
	new_loop LD "$FD" || { tap_fail "losetup of xvdd's file"; return 1; }
	attach "$LD" xvdd $VD w "after the rmmod" || return 1
	go_on c-detached || return
	reach xvdd 90 || return
	file_region "$FD" d-region "xvdd"
	tap_check "xvdd's file past the guest's 4 MiB still holds dom0's pattern" \
		pverify "$FD" $((4 * M)) $((4 * M)) "$NEW_SEED"
	[ -n "$unloaded" ] || file_region "$FA" unload-region "xvda after the refused rmmod"
	xl_step "xl block-detach of xvdd" 60 block-detach "$D" xvdd || return 1
	detached $VD xvdd "detach of xvdd"
	release_loop "$LD" "detach of xvdd"
	go_on xvdd || return
	dmesg_clean "through the rmmod and the attach after it"
	if [ -n "$unloaded" ]; then
		tap_skip "xl save/restore and xl destroy under I/O: not run, xvda went with the unloaded xen-blkback"
		# (its last check, xvdd going away, then its script ends)
		domu_wait_done "$D" 60 "$NAME"
		[ $? = 2 ] && return 2
		return 3
	fi
	return 0
}

# 6. xl save and xl restore under the guest's write/verify loop on xvda
# (before it, the guest unloads and reloads xen-blkfront on its own).
step_saverestore() {
	local old=$D mem save=$dir/lc-save.img saved='' rc
	reach sr-io 180 || return
	kmark "xl save/restore"
	io_moving $VA
	tap_rc $? "the guest's I/O on xvda is running when xl save begins ($IO_SEEN)"
	mem=$(xl list "$NAME" 2>/dev/null | awk 'NR == 2 { print $3 }')
	if ! save_room "${mem:-256}"; then
		tap_skip "xl save/restore: $dir has room for $ROOM MiB, the image of a ${mem:-256} MiB guest needs more"
	else
		saved=1
		if ! xl_step "xl save of $NAME (domain $old) while it writes" 300 save "$NAME" "$save"; then
			rm -f "$save"
			return 1
		fi
		tap_check "the saved domain $old is reaped within 30 s" wait_slow 30 absent listed "$old"
		tap_check "the saved domain's xenstore and backend directories are gone" \
			wait_for 20 domain_gone "$old"
		xl_step "xl restore of $NAME" 300 restore "$save"
		rc=$?
		rm -f "$save"
		[ $rc = 0 ] || return 1
		D=$(find_domid) || { tap_fail "xl domid $NAME after the restore"; return 1; }
		tap_check "the restored domain has a new domid ($old, now $D)" test "$D" != "$old"
		tap_check "xvda and xvdb are Connected at both ends again within 60 s" \
			wait_for 60 disks_connected
		step_migrate || return
	fi
	go_on sr-stop || return
	reach sr-done 300 || return
	file_region "$FA" sr-region "xvda's last pass across save/restore"
	[ -z "$saved" ] ||
		tap_check "the guest's loop ran in the saved domain and on to the last one (domains $old $DOMS_AFTER; it ran in: $(gkey sr-doms))" \
			doms_ok "$(gkey sr-doms)" "$old" "$DOMS_AFTER"
	dmesg_clean "through xl save/restore and migrate"
	go_on sr-done
}

# doms_ok RAN FIRST LATER: the loop's domids RAN begin with FIRST and end
# with LATER's last, in LATER's order (a pass may span the restored domain
# from before the restore to after the migration: it is then not listed).
doms_ok() {
	local want=$2 d
	case " $3 " in *" ${1##* } "*) ;; *) return 1 ;; esac
	[ "${1%% *}" = "$2" ] || return 1
	for d in $3; do
		case " $1 " in *" $d "*) want="$want $d" ;; esac
	done
	[ "$want" = "$1" ] && [ "${1##* }" = "${3##* }" ]
}

# 6b. xl migrate to localhost, while the loop of 6 runs in the restored
# domain (the block hotplug script lets the new domain, which has the same
# UUID, share xvda's loop device with the paused sender). Sets DOMS_AFTER
# to the domids the loop is expected to have run in since the restore.
step_migrate() {
	local old=$D
	DOMS_AFTER=$D
	if ! migrate_ready "$NAME"; then
		tap_skip "xl migrate to localhost: $MIGRATE_WHY"
		return 0
	fi
	io_moving $VA
	tap_rc $? "the guest's I/O on xvda is running when xl migrate begins ($IO_SEEN)"
	xl_migrate "xl migrate of $NAME (domain $old) to localhost while it writes" || return 1
	tap_check "the migrated-away domain $old is reaped within 30 s" wait_slow 30 absent listed "$old"
	tap_check "the migrated-away domain's xenstore and backend directories are gone" \
		wait_for 20 domain_gone "$old"
	D=$(find_domid) || { tap_fail "xl domid $NAME after the migration"; return 1; }
	tap_check "the migrated domain has a new domid ($old, now $D)" test "$D" != "$old"
	tap_check "xvda and xvdb are Connected at both ends after the migration within 60 s" \
		wait_for 60 disks_connected
	DOMS_AFTER="$old $D"
}

# 7. xl destroy under the guest's write/verify loop on xvda.
step_destroy() {
	local old=$D k off len seed
	reach destroy-io 90 || return
	domu_wait_done "$D" 30 "$NAME"
	case $? in
	2) return 2 ;;
	1) tap_fail "the guest's script ended within 30 s of its last point" ;;
	esac
	guest_results
	kmark "xl destroy"
	io_moving $VA
	tap_rc $? "the guest's I/O on xvda is running when it is destroyed ($IO_SEEN)"
	xl_step "xl destroy of $NAME during I/O" 60 destroy "$NAME" || return 1
	tap_check "domain $old is reaped within 30 s (xl list lacks it)" \
		wait_slow 30 absent listed "$old"
	tap_check "domain $old's xenstore and backend directories are gone" \
		wait_for 20 domain_gone "$old"
	tap_check "no vbd-$old-* backend device is left in dom0's sysfs" \
		wait_for 20 no_vbd_device "$old"
	release_loop "$LA" "after xl destroy"
	release_loop "$LB" "after xl destroy"
	for k in resize-region unload-region; do
		IFS=: read -r off len seed <<<"${REG[$k]}"
		[ -n "$seed" ] || continue
		tap_check "xvda's file, outside the destroyed loop's range, still holds $k ($((len / M)) MiB at $off)" \
			pverify "$FA" "$off" "$len" "$seed"
	done
	tap_check "xvdb's file still holds dom0's pattern (nothing wrote to the read-only disk)" \
		pverify "$FB" 0 $((8 * M)) "$RO_SEED"
	guest_console_clean
	dmesg_clean "through xl destroy"
	# (a user program's crash on the console would have the runner discard
	# the whole boot: this run is set aside and repeated instead)
	domu_faulted "$NAME" && return 2
	return 0
}

# one_run FE BE: the whole lifecycle for one pair. 1: ended early (the
# failure is reported), 2: the emulator's fault hit the guest.
one_run() {
	local rc
	FE=$1 BE=$2 NAME=lc-$1-$2 D='' RESULTS=''
	REG=()
	TAP_PREFIX="$FE front, $BE back: "
	if ! driver_use "$BE" xen-blkback; then
		tap_fail "load $BE xen-blkback"
		return 1
	fi
	tap_ok "$BE xen-blkback loaded"
	RO_SEED=$((RANDOM + 100000)) NEW_SEED=$((RANDOM + 200000))
	dd if=/dev/zero of="$FA" bs=1M count=$BASE_MIB 2>/dev/null
	dd if=/dev/zero of="$FB" bs=1M count=8 2>/dev/null
	if ! pwrite "$FB" 0 $((8 * M)) "$RO_SEED"; then
		tap_fail "dom0 writes its pattern into xvdb's file"
		return 1
	fi
	if ! new_loop LA "$FA" || ! new_loop LB "$FB"; then
		tap_fail "losetup of xvda's and xvdb's files"
		return 1
	fi
	kmark "$NAME begins"
	if ! D=$(DOMU_VCPUS=1 DOMU_CMDLINE="xpv.blkfront=$FE xpv.roseed=$RO_SEED xpv.newseed=$NEW_SEED" \
		domu_create "$NAME" blk-lifecycle "disk = ['phy:$LA,xvda,w', 'phy:$LB,xvdb,r']"); then
		tap_fail "xl create"
		D=''
		return 1
	fi
	step_ro || return
	step_resize || return
	step_reattach || return
	step_detach_io || return
	step_unload
	rc=$?
	[ $rc = 3 ] && return 1
	[ $rc = 0 ] || return $rc
	step_saverestore || return
	step_destroy
}

# lc_cleanup: what a run left behind: the guest's results not yet
# collected, the domain, loop devices, files.
lc_cleanup() {
	local l
	[ -n "$RESULTS" ] || [ -z "$D" ] || guest_results
	if [ -n "$NAME" ] && xl domid "$NAME" >/dev/null 2>&1; then
		timeout -k 10 60 xl destroy "$NAME" >/dev/null 2>&1
		wait_for 20 absent xenstore-exists "/local/domain/0/backend/vbd/$D"
	fi
	for l in "${!LOOPS[@]}"; do
		losetup -d "$l" 2>/dev/null
	done
	LOOPS=()
	rm -f "$FA" "$FB" "$FC" "$FD" "$dir/lc-save.img"
}

# pair FE BE: one_run, run again (twice at most) when the emulator's fault
# hits the guest. A run's TAP lines are held back until it is over, so
# that those of a run set aside are shown as comments, not counted.
pair() {
	local attempt rc n0 f0 out=/tmp/lc.run.tap
	for attempt in 1 2 3; do
		n0=$TAP_N f0=$TAP_FAILED
		{
			one_run "$1" "$2"
			rc=$?
			[ $rc = 2 ] || lc_cleanup
		} >$out 2>&1
		if [ $rc != 2 ]; then
			cat $out
			break
		fi
		sed 's/^/# (run set aside) /' $out
		domu_set_aside "$NAME"
		RESULTS=set-aside
		lc_cleanup >/dev/null 2>&1
		TAP_N=$n0 TAP_FAILED=$f0
		[ $attempt -lt 3 ] || tap_fail "the emulator's fault hit the guest in all $attempt runs"
	done
	TAP_PREFIX=
}

for p in $pairs; do
	TAP_PREFIX=
	fe=${p%/*} be=${p#*/}
	if ! driver_has "$fe" xen-blkfront || ! driver_has "$be" xen-blkback; then
		tap_skip "$fe front, $be back: this image has no $fe xen-blkfront or $be xen-blkback"
		continue
	fi
	pair "$fe" "$be"
done
# Leave the image's own backend loaded for the suites after this one.
driver_use "$([ "$DRIVERS" = intree ] && echo intree || echo xpv)" xen-blkback >/dev/null 2>&1 ||
	driver_use intree xen-blkback >/dev/null 2>&1
tap_end
