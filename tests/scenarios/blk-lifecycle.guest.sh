# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# Guest side of blk-lifecycle.sh (busybox sh). The two sides step through
# xenstore: the guest writes data/xpv/lc/at = POINT when its part up to
# POINT is done and, where dom0 has work to do next, waits for dom0 to
# write lc/go = POINT. dom0 also writes lc/sectors (xvda's size after the
# resize) and lc/unload (how its rmmod went). What the guest wrote goes to
# dom0 as data/xpv/NAME-region = offset:length:seed, for dom0 to find in
# the backing files; dom0's own patterns have their seeds on the kernel
# command line (xpv.roseed= in xvdb's file, xpv.newseed= in xvdd's).
#
# xl restore starts the domain's xenstore directory afresh: every result
# is also kept in /tmp/lc.results and written again after the restore.

M=1048576
LC_LOG=/tmp/lc.results
# shellcheck source=../lib/lifecycle-guest.sh
. /xpv/lib/lifecycle-guest.sh

present() { [ -b "/dev/$1" ] && [ -e "/sys/block/$1" ]; }
gone() { [ ! -e "/sys/block/$1" ]; }
size_is() { [ "$(cat "/sys/block/$1/size")" = "$2" ]; }

# my_domid: this domain's id, from xvda's backend path
# (/local/domain/0/backend/vbd/DOMID/51712): xl restore changes it.
my_domid() {
	local b
	b=$(xenstore-read device/vbd/51712/backend 2>/dev/null) || return 1
	b=${b#/local/domain/0/backend/vbd/}
	echo "${b%%/*}"
}

# wr_rd DEV OFF LEN SEED: write the pattern (1 MiB O_DIRECT I/Os), read it back.
wr_rd() {
	blkpattern write "$1" "$2" "$3" $M "$4" && blkpattern verify "$1" "$2" "$3" $M "$4"
}

# io_loop DEV OFF LEN STOP SECONDS STATE SEED: passes of write-then-verify
# over the range (1 MiB O_DIRECT I/Os, a new seed each pass) until one
# fails, dom0 writes STOP to lc/go (looked at between passes), or SECONDS
# pass. STATE gets "pass N SEED DOMID-AT-START DOMID-AT-END" per pass (the
# domid tells a pass that spanned xl save/restore) and at last one line
# "end ok|fail|timeout PASSES LAST-GOOD-SEED"; blkpattern's errors go to
# STATE.err. Run in the background.
io_loop() {
	local dev=$1 off=$2 len=$3 stop=$4 st=$6 seed=$7 n=0 last=none d0 d1 deadline
	now
	deadline=$((NOW + $5))
	: >"$st.err"
	: >"$st"
	while :; do
		d0=$(my_domid)
		if ! blkpattern write "$dev" "$off" "$len" $M "$seed" 2>>"$st.err" ||
		   ! blkpattern verify "$dev" "$off" "$len" $M "$seed" 2>>"$st.err"; then
			echo "end fail $n $last" >>"$st"
			return
		fi
		d1=$(my_domid)
		n=$((n + 1))
		last=$seed
		echo "pass $n $seed $d0 $d1" >>"$st"
		if [ -n "$stop" ] && go_is "$stop"; then
			echo "end ok $n $last" >>"$st"
			return
		fi
		now
		if [ "$NOW" -ge "$deadline" ]; then
			echo "end timeout $n $last" >>"$st"
			return
		fi
		seed=$((seed + 1))
	done
}

# io_state STATE: IO_PASSES, IO_SEED (last good), IO_END (ok, fail,
# timeout, or empty while it runs), IO_DOMS (the domids it ran in, in
# order), IO_SPAN (passes that began in one domain and ended in another).
io_state() {
	local w a b c e x
	IO_PASSES=0 IO_SEED='' IO_END='' IO_DOMS='' IO_SPAN=0
	[ -f "$1" ] || return 0
	while read -r w a b c e; do
		case $w in
		pass)
			IO_PASSES=$a IO_SEED=$b
			for x in $c $e; do
				case " $IO_DOMS " in
				*" $x "*) ;;
				*) IO_DOMS="${IO_DOMS:+$IO_DOMS }$x" ;;
				esac
			done
			[ "$c" = "$e" ] || IO_SPAN=$((IO_SPAN + 1)) ;;
		end) IO_END=$a IO_PASSES=$b IO_SEED=$c ;;
		esac
	done <"$1"
}
io_passed() { io_state "$1"; [ "$IO_PASSES" -ge 1 ] || [ -n "$IO_END" ]; }
io_ended() { io_state "$1"; [ -n "$IO_END" ]; }
io_err() { tail -n 1 "$1.err" 2>/dev/null; }

# io_begin NAME DEV OFF LEN STOP SECONDS STATE SEED: start io_loop and wait
# (60 s at most) for its first good pass: the path works before dom0 acts.
io_begin() {
	local what=$1
	shift
	io_loop "$@" &
	gwait 60 io_passed "$6"
	io_state "$6"
	[ "$IO_PASSES" -ge 1 ] && [ -z "$IO_END" ] && return 0
	res fail "$what: the write/verify loop completed no pass (${IO_END:-still in its first}: $(io_err "$6"))"
	return 1
}

# 1. xvdb is read-only (mode r): read-only here, writes refused, the
# pattern dom0 wrote into its file readable.
g_ro() {
	local ro
	ro=$(cat /sys/block/xvdb/ro 2>/dev/null)
	chk "xvdb is read-only in the guest (/sys/block/xvdb/ro = ${ro:-missing})" test "$ro" = 1
	if blkpattern write /dev/xvdb 0 65536 4096 7 2>/tmp/lc.err; then
		res fail "an O_DIRECT write to read-only xvdb succeeded"
	else
		res ok "an O_DIRECT write to read-only xvdb fails ($(tail -n 1 /tmp/lc.err))"
	fi
	chk "xvdb reads back the 8 MiB pattern dom0 wrote into its file" \
		blkpattern verify /dev/xvdb 0 $((8 * M)) $M "$(arg roseed)"
	point ro
}

# 2. Online resize of xvda: dom0 grows the file, the disk grows here, and
# the new tail takes data. Before, a write there must fail: it is new.
RZ_OFF='' RZ_LEN=''
g_resize() {
	local s0 want s
	s0=$(cat /sys/block/xvda/size)
	if blkpattern write /dev/xvda $((s0 * 512)) $M $M 20 2>/dev/null; then
		res fail "a write past the end of xvda ($s0 sectors) succeeded before the resize"
	else
		res ok "a write past the end of xvda ($s0 sectors) fails before the resize"
	fi
	point resize-ready || return
	want=$(xenstore-read data/xpv/lc/sectors 2>/dev/null)
	gwait 30 size_is xvda "$want"
	s=$(cat /sys/block/xvda/size)
	chk "xvda grew from $s0 to ${want:-?} sectors within 30 s (it has $s)" test "$s" = "$want" ||
		return
	RZ_OFF=$((s0 * 512)) RZ_LEN=$(((want - s0) * 512))
	chk "the new $((RZ_LEN / M)) MiB tail of xvda written and read back" \
		wr_rd /dev/xvda $RZ_OFF $RZ_LEN 21 || return
	guest_put resize-region "$RZ_OFF:$RZ_LEN:21"
	point resized
}

# 3. xvdc: hot-attached, detached while idle, attached again (the same
# file): it goes, comes back, and still holds what was written before.
g_reattach() {
	chk "hot-attached xvdc appears within 30 s" gwait 30 present xvdc || return
	chk "8 MiB written to xvdc and read back" wr_rd /dev/xvdc 0 $((8 * M)) 31 || return
	guest_put c-region "0:$((8 * M)):31"
	point c-written || return
	chk "xvdc goes away after xl block-detach (idle)" gwait 30 gone xvdc || return
	point c-gone || return
	chk "xvdc is back within 30 s after xl block-attach of the same file" \
		gwait 30 present xvdc || return
	chk "the 8 MiB written before the detach read back intact after the re-attach" \
		blkpattern verify /dev/xvdc 0 $((8 * M)) $M 31
	return 0
}

# 4. xl block-detach of xvdc under a write/verify loop: the loop must end
# in an I/O error, never hang and never read wrong data; the disk goes.
g_detach_io() {
	local st=/tmp/lc.io-c e
	io_begin "xvdc" /dev/xvdc 0 $((16 * M)) "" 120 $st 100 || return
	say_at c-io
	gwait 90 io_ended $st
	io_state $st
	e=$(io_err $st)
	case $IO_END in
	fail)
		case $e in
		*differ*) res fail "xvdc returned wrong data while it was detached: $e" ;;
		*) res ok "the I/O loop on xvdc ended with an error after $IO_PASSES passes: $e" ;;
		esac ;;
	timeout) res fail "the I/O loop on xvdc ran 120 s without an error: the detach never reached it" ;;
	*) res fail "the I/O loop on xvdc hung: no error 90 s after the detach began ($IO_PASSES passes)" ;;
	esac
	chk "xvdc goes away after the detach under I/O" gwait 30 gone xvdc
	chk "no kernel fault (Oops, BUG, WARNING, hung task) in the guest's dmesg after the detach under I/O" \
		no_kfault
	point c-detached
}

# 5. dom0 tried rmmod xen-blkback with xvda connected. Refused: xvda must
# still work. Unloaded: xvda must be gone here. Then xvdd, attached
# afterwards, must carry dom0's data and take ours. Status 1 when xvda
# went away (nothing after this can run).
g_unload() {
	local how
	how=$(xenstore-read data/xpv/lc/unload 2>/dev/null)
	case $how in
	refused)
		chk "xvda still reads back its resized tail after the refused rmmod" \
			blkpattern verify /dev/xvda "$RZ_OFF" "$RZ_LEN" $M 21
		chk "8 MiB more written to xvda and read back after the refused rmmod" \
			wr_rd /dev/xvda 0 $((8 * M)) 51 &&
			guest_put unload-region "0:$((8 * M)):51" ;;
	unloaded)
		chk "xvda goes away in the guest when xen-blkback is unloaded" gwait 30 gone xvda ;;
	*) res fail "dom0 did not say how its rmmod went (lc/unload '$how')" ;;
	esac
	chk "xvdd, attached after the rmmod, appears within 30 s" gwait 30 present xvdd || return
	chk "xvdd reads back the 8 MiB pattern dom0 put in its file" \
		blkpattern verify /dev/xvdd 0 $((8 * M)) $M "$(arg newseed)"
	chk "4 MiB written to xvdd and read back" wr_rd /dev/xvdd 0 $((4 * M)) 42 &&
		guest_put d-region "0:$((4 * M)):42"
	point xvdd || return
	chk "xvdd goes away after xl block-detach" gwait 30 gone xvdd
	[ "$how" = refused ]
}

# 5b. rmmod xen-blkfront with its disks connected but idle: refused (then
# xvda must still serve) or unloaded: both disks go here and xvda's
# backend sees its frontend close. Loaded again, the disks come back and
# read what was written before.
disks_gone() { gone xvda && gone xvdb; }
disks_back() { present xvda && present xvdb; }
xvda_intact() {
	blkpattern verify /dev/xvda 0 $((8 * M)) $M 51 &&
		blkpattern verify /dev/xvda "$RZ_OFF" "$RZ_LEN" $M 21
}
be_closed() {
	[ "$(xenstore-read "$(xenstore-read device/vbd/51712/backend)/state")" = 6 ]
}
disks_serve() {
	xvda_intact && blkpattern verify /dev/xvdb 0 $((8 * M)) $M "$(arg roseed)"
}
g_front_reload() {
	front_rmmod xen-blkfront "xvda and xvdb connected and idle" disks_gone be_closed \
		disks_serve disks_back
}

# 6. xl save and xl restore under a write/verify loop on xvda: the loop
# goes on in the restored domain until dom0 says sr-stop, every pass read
# back. The results so far are written again (the restore lost them).
g_saverestore() {
	local st=/tmp/lc.io-sr e
	io_begin "xvda before xl save" /dev/xvda $((8 * M)) $((24 * M)) sr-stop 900 $st 200 ||
		return
	say_at sr-io
	gwait 1000 io_ended $st
	io_state $st
	republish
	e=$(io_err $st)
	case $IO_END in
	ok) res ok "the write/verify loop on xvda ran through xl save/restore: $IO_PASSES passes of 24 MiB read back, in domains $IO_DOMS ($IO_SPAN pass(es) began in one and ended in the other)" ;;
	fail) res fail "a pass of the loop on xvda failed after $IO_PASSES good ones (domains $IO_DOMS): $e" ;;
	timeout) res fail "the loop on xvda was not stopped by dom0 within 900 s ($IO_PASSES passes)" ;;
	*) res fail "the loop on xvda hung: pass $((IO_PASSES + 1)) never finished (domains $IO_DOMS)" ;;
	esac
	guest_put sr-doms "$IO_DOMS"
	[ "$IO_END" = ok ] && guest_put sr-region "$((8 * M)):$((24 * M)):$IO_SEED"
	chk "no kernel fault (Oops, BUG, WARNING, hung task) in the guest's dmesg after save/restore" \
		no_kfault
	point sr-done
}

# 7. The same loop again, left running: dom0 destroys the domain under it.
# The script ends here (domU-init then writes data/xpv/done).
g_destroy() {
	io_begin "xvda before xl destroy" /dev/xvda $((8 * M)) $((24 * M)) "" 900 /tmp/lc.io-d 300 ||
		return
	res ok "the write/verify loop on xvda runs ($IO_PASSES pass(es) done) for dom0's xl destroy"
	say_at destroy-io
}

lc_main() {
	chk "blkfront ($(driver_loaded_impl xen-blkfront)) made xvda within 30 s" gwait 30 present xvda &&
		chk "blkfront made xvdb (read-only) within 30 s" gwait 30 present xvdb || return
	guest_put blkfront-impl "$(driver_loaded_impl xen-blkfront)"
	xenstore-write data/xpv/lc/go none
	g_ro && g_resize && g_reattach && g_detach_io && g_unload && g_front_reload &&
		g_saverestore && g_destroy
}

lc_main
