#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkimage.sh KVER DRIVERS OUTDIR
#
# Build the testbed's initramfs images for one kernel and one driver set:
#   OUTDIR/domU.cpio.gz  busybox, kmod, the frontends, the guest-side tests
#   OUTDIR/dom0.cpio.gz  the above plus Xen's user space, the backends and
#                        toolstack modules, the kselftests and scenarios,
#                        with the domU kernel and image inside it
#
# DRIVERS=intree uses Debian's modules as shipped. DRIVERS=xpv installs every
# module xpv has built into lib/modules/KVER/updates/ (where DKMS puts them)
# and deletes the in-tree file of the same name, so that nothing but ours can
# be loaded; a component xpv has not written yet stays in-tree and is listed
# in /xpv/manifest as such. XPV_MODULES (module names) limits which of ours
# are installed.
set -euo pipefail

kver=$1 drivers=$2 outdir=$(realpath -m "$3")
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../versions.env
. "$top/versions.env"
cache=${XPV_CACHE:-$top/.cache}
out=${OUT:-$top/out}
roots=$cache/root
kroot=$roots/linux-image-$kver
xpvbuild=$out/build/linux-headers-$kver

case $drivers in intree|xpv) ;; *) echo "mkimage: DRIVERS must be intree or xpv" >&2; exit 2 ;; esac
[ -d "$kroot/lib/modules/$kver" ] || { echo "mkimage: no kernel $kver in cache" >&2; exit 1; }

# Modules each role loads (the closure of their dependencies is added).
dom0_mods="xen-evtchn xen-privcmd xen-gntdev xen-gntalloc xenfs xen-blkback xen-netback loop bridge"
domU_mods="xen-blkfront xen-netfront xen-evtchn xen-privcmd xen-gntalloc xen-gntdev"

work=$outdir/work
rm -rf "$work"
mkdir -p "$work" "$outdir"

# --- the module tree for this driver set -----------------------------------
modroot=$work/modroot
mkdir -p "$modroot/lib/modules"
cp -al "$kroot/lib/modules/$kver" "$modroot/lib/modules/$kver"
: >"$work/manifest"
if [ "$drivers" = xpv ]; then
	mkdir -p "$modroot/lib/modules/$kver/updates/xpv" "$work/alt"
	for ko in "$xpvbuild"/*/*.ko; do
		[ -e "$ko" ] || continue
		name=$(basename "$ko" .ko)
		# XPV_MODULES="xen-evtchn ...": only these of ours (bisecting).
		case " ${XPV_MODULES:-$name} " in *" $name "*) ;; *) continue ;; esac
		# The in-tree module leaves the tree (modprobe finds only ours)
		# but stays in the image, in /xpv/alt, for tests that switch.
		find "$modroot/lib/modules/$kver/kernel" \
			\( -name "$name.ko" -o -name "$name.ko.xz" -o -name "$name.ko.zst" \) \
			-exec cp {} "$work/alt/" \; -delete
		cp "$ko" "$modroot/lib/modules/$kver/updates/xpv/"
		id=$(readelf -n "$ko" | awk '/Build ID/ { print $3 }')
		echo "$name xpv $id" >>"$work/manifest"
	done
fi
depmod -b "$modroot" "$kver"

# Which implementation each replaceable module is, for the dom0 to check.
for m in xen-evtchn xen-privcmd xen-gntdev xen-gntalloc xen-blkback xen-netback \
	 xen-blkfront xen-netfront; do
	grep -q "^$m " "$work/manifest" && continue
	if [ "$drivers" = xpv ]; then
		echo "$m intree-fallback -" >>"$work/manifest"
	else
		echo "$m intree -" >>"$work/manifest"
	fi
done

# add_modules ROOT NAMES...: copy the modules and their dependencies.
add_modules() {
	local root=$1 m f
	shift
	for m in "$@"; do
		modprobe -d "$modroot" -S "$kver" --show-depends "$m" |
			awk '$1 == "insmod" { print $2 }'
	done | sort -u | while read -r f; do
		mkdir -p "$root/$(dirname "${f#"$modroot"}")"
		cp "$f" "$root/${f#"$modroot"}"
	done
	cp "$modroot/lib/modules/$kver"/modules.{order,builtin,builtin.modinfo} \
		"$root/lib/modules/$kver/" 2>/dev/null || true
	depmod -b "$root" "$kver"
}

# add_elf ROOT FILE...: copy host binaries and the libraries ldd finds for
# them (from the image itself first, then from the host).
add_elf() {
	local root=$1 f lib
	shift
	for f in "$@"; do
		if [ ! -e "$root$f" ]; then
			mkdir -p "$root$(dirname "$f")"
			cp -L "$f" "$root$f"
		fi
		# (ldd fails on static binaries: they need nothing)
		{ LD_LIBRARY_PATH=$(find "$root" -name 'lib*.so*' -printf '%h\n' | sort -u | paste -sd:) \
			ldd "$root$f" 2>/dev/null || true; } | awk '/=>/ { print $3 } /^\t\/lib/ { print $1 }' |
		while read -r lib; do
			[ -n "$lib" ] || continue
			case $lib in "$root"*) continue ;; esac
			[ -e "$root$lib" ] && continue
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
		done
	done
}

# base ROOT: busybox, kmod, the directory skeleton, the test libraries.
base() {
	local root=$1 t
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib64,proc,sys,dev,run,tmp,etc,root,var/log,xpv}
	cp /bin/busybox "$root/bin/busybox"
	add_elf "$root" /usr/bin/kmod /usr/bin/bash /usr/bin/flock /usr/sbin/ip /usr/sbin/ethtool /usr/bin/dd \
		"$(command -v gcc >/dev/null && gcc -print-file-name=libgcc_s.so.1)"
	mv "$root/usr/bin/bash" "$root/bin/bash"
	for t in modprobe insmod rmmod lsmod modinfo depmod; do
		ln -sf /usr/bin/kmod "$root/usr/sbin/$t"
	done
	cp -a "$top/tests/lib" "$root/xpv/lib"
	mkdir -p "$root/xpv/bench"
	cp "$top"/tests/bench/*.sh "$top"/tests/bench/*.jobs "$root/xpv/bench/"
	cp "$out"/tests/tools/* "$root/usr/bin/" 2>/dev/null || true
	cp "$work/manifest" "$root/xpv/manifest"
	[ -d "$work/alt" ] && cp -a "$work/alt" "$root/xpv/alt"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
	printf 'root:x:0:\n' >"$root/etc/group"
	printf 'KVER=%s\nDRIVERS=%s\n' "$kver" "$drivers" >"$root/xpv/config"
}

pack() {
	(cd "$1" && find . | cpio -o -H newc --quiet) | gzip -1 >"$2.tmp"
	mv "$2.tmp" "$2"
}

# --- domU ------------------------------------------------------------------
domU=$work/domU
base "$domU"
add_modules "$domU" $domU_mods
add_elf "$domU" /usr/bin/true
# xenstore tools, and Xen's libraries for vchan-socket-proxy (the vchan
# scenario's server side).
for f in "$roots"/xenstore-utils "$roots"/lib*; do
	cp -a "$f/usr" "$domU/"
done
rm -rf "$domU/usr/share" "$domU/usr/lib/xen-$XEN_SERIES"
cp "$roots/xen-utils-$XEN_SERIES/usr/lib/xen-$XEN_SERIES/bin/vchan-socket-proxy" "$domU/usr/bin/"
add_elf "$domU" /usr/bin/xenstore /usr/bin/vchan-socket-proxy
cp "$top/testbed/domU-init" "$domU/init"
mkdir -p "$domU/xpv/guest"
cp "$top"/tests/scenarios/*.guest.sh "$top"/tests/lib/*.guest.sh \
	"$top"/tests/bench/*.guest.sh "$domU/xpv/guest/"
pack "$domU" "$outdir/domU.cpio.gz"

# --- dom0 ------------------------------------------------------------------
dom0=$work/dom0
base "$dom0"
add_modules "$dom0" $dom0_mods $domU_mods
for p in "$roots"/xen-utils-"$XEN_SERIES" "$roots"/xen-utils-common "$roots"/xenstore-utils \
	 "$roots"/lib*; do
	[ -d "$p/usr" ] && cp -a "$p/usr" "$dom0/"
	[ -d "$p/etc" ] && cp -a "$p/etc" "$dom0/"
done
rm -rf "$dom0/usr/share/doc" "$dom0/usr/share/man" "$dom0/usr/lib/python3"
xenbin=/usr/lib/xen-$XEN_SERIES/bin
add_elf "$dom0" $(cd "$dom0" && find ./usr/lib/xen-"$XEN_SERIES"/bin ./usr/bin -type f \
	-exec sh -c 'head -c4 "$1" | grep -q ELF' _ {} \; -print | sed 's|^\.||')
add_elf "$dom0" /usr/bin/sha256sum
for t in xl xenstored xenconsoled xen-init-dom0 lsevtchn vchan-socket-proxy; do
	ln -sf "$xenbin/$t" "$dom0/usr/sbin/$t"
done
mkdir -p "$dom0/xpv/domU" "$dom0/xpv/scenarios" "$dom0/xpv/tests"
cp "$kroot/boot/vmlinuz-$kver" "$dom0/xpv/domU/vmlinuz"
cp "$outdir/domU.cpio.gz" "$dom0/xpv/domU/domU.cpio.gz"
cp "$top"/tests/scenarios/*.sh "$dom0/xpv/scenarios/"
rm -f "$dom0"/xpv/scenarios/*.guest.sh
cp "$out"/tests/bin/* "$dom0/xpv/tests/" 2>/dev/null || true
cp "$top/testbed/dom0-init" "$dom0/init"
mkdir -p "$dom0/xpv/testbed"
cp "$top/testbed/status.sh" "$dom0/xpv/testbed/"
pack "$dom0" "$outdir/dom0.cpio.gz"
cp "$kroot/boot/vmlinuz-$kver" "$outdir/vmlinuz"
rm -rf "$work"
echo "mkimage: $outdir ($drivers, $kver): dom0 $(du -h "$outdir/dom0.cpio.gz" | cut -f1)," \
	"domU $(du -h "$outdir/domU.cpio.gz" | cut -f1)"
