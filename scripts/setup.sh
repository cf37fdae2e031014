#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare this machine for building and testing xpv. Idempotent: every step
# checks first and only acts on what is missing. Called by make whenever an
# input is missing, so a fresh clone needs nothing by hand.
#
#   - installs the host's Debian packages (compiler, sparse, QEMU, busybox...)
#     and the headers of both pinned kernels;
#   - fetches the pinned Xen hypervisor, Xen user space, kernel images and
#     linux-source with `apt-get download` into $XPV_CACHE/debs and unpacks
#     them under $XPV_CACHE/root/<package>.
#
# Nothing here is installed into the machine's own boot path: the kernels
# and Xen only ever run inside QEMU.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../versions.env
. "$top/versions.env"
cache=${XPV_CACHE:-$top/.cache}
debs=$cache/debs
roots=$cache/root
mkdir -p "$debs" "$roots"

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# Host packages. Kernel headers are installed with apt (they bring
# linux-kbuild and the matching compiler); they do not touch the boot path.
host_pkgs=(
	make gcc-12 libc6-dev binutils sparse perl bc kmod cpio gzip xz-utils
	file busybox-static qemu-system-x86 bash util-linux iproute2
	e2fsprogs ca-certificates rsync gnuplot-nox ethtool
	"linux-headers-$KVER_6_1" "linux-headers-$KVER_6_12"
)

missing=()
for p in "${host_pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return 0
	say "apt-get update"
	as_root apt-get update -qq || die "apt-get update failed (no package mirror?)"
	apt_updated=1
}
if [ ${#missing[@]} -gt 0 ]; then
	apt_update
	say "installing host packages: ${missing[*]}"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install failed for: ${missing[*]}"
fi

# Packages that run inside the emulated Xen host: downloaded, never installed.
xen_pkgs=(
	xen-hypervisor-$XEN_SERIES-amd64 xen-utils-$XEN_SERIES xen-utils-common
	xenstore-utils libxencall1 libxenevtchn1 libxenforeignmemory1
	libxengnttab1 libxenmisc$XEN_SERIES libxenstore4 libxentoollog1
	libxenhypfs1 libxendevicemodel1 libxentoolcore1
)
guest_pkgs=(
	"linux-image-$KVER_6_1" "linux-image-$KVER_6_12" "$LINUX_SOURCE_PKG"
	libyajl2
)

# fetch NAME [VERSION]: download NAME(=VERSION) once and unpack it.
fetch() {
	local name=$1 ver=${2:-} spec=$1 deb
	[ -n "$ver" ] && spec="$name=$ver"
	if [ -e "$roots/$name/.unpacked" ]; then
		return 0
	fi
	deb=$(ls "$debs/${name}_"*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$deb" ]; then
		say "downloading $spec"
		(cd "$debs" && apt-get download -q "$spec" >/dev/null 2>&1) || {
			apt_update
			(cd "$debs" && apt-get download -q "$spec" >/dev/null) ||
				die "cannot download $spec: not in this machine's Debian mirror" \
				    "(available: $(apt-cache madison "$name" 2>/dev/null |
				      awk '{print $3}' | paste -sd' '))." \
				    "Update the pin in versions.env."
		}
		deb=$(ls "$debs/${name}_"*.deb | head -n1)
	fi
	say "unpacking $(basename "$deb")"
	rm -rf "$roots/$name"
	mkdir -p "$roots/$name"
	dpkg-deb -x "$deb" "$roots/$name"
	touch "$roots/$name/.unpacked"
}

for p in "${xen_pkgs[@]}"; do
	case $p in
	libxenstore4) fetch "$p" ;;	# versioned on its own by Debian
	*) fetch "$p" "$XEN_DEB_VERSION" ;;
	esac
done
for p in "${guest_pkgs[@]}"; do
	fetch "$p"
done

# From linux-source: the kselftest harness and checkpatch, nothing else.
src=$cache/linux-source
if [ ! -e "$src/.extracted" ]; then
	tarball=$(ls "$roots/$LINUX_SOURCE_PKG"/usr/src/linux-source-*.tar.xz | head -n1)
	[ -n "$tarball" ] || die "no tarball in $LINUX_SOURCE_PKG"
	say "extracting kselftest harness and checkpatch from $(basename "$tarball")"
	rm -rf "$src"
	mkdir -p "$src"
	tar -xJf "$tarball" -C "$src" --strip-components=1 --wildcards \
		'*/tools/testing/selftests/kselftest_harness.h' \
		'*/tools/testing/selftests/kselftest.h' \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	touch "$src/.extracted"
fi

# The Xen hypervisor as QEMU's multiboot loader wants it: an uncompressed ELF.
xen=$cache/xen-$XEN_SERIES.elf
if [ ! -s "$xen" ]; then
	say "unpacking the hypervisor to $xen"
	gzip -dc "$roots/xen-hypervisor-$XEN_SERIES-amd64/boot/xen-$XEN_SERIES-amd64.gz" >"$xen.tmp"
	mv "$xen.tmp" "$xen"
fi

touch "$cache/.setup-done"
say "ready (cache: $cache)"
