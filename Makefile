# SPDX-License-Identifier: GPL-2.0
#
# xpv: out-of-tree Xen PV drivers. The commands a person runs are:
#
#   make              build every module against the default kernel (6.1)
#   make KERNEL=6.12  ... against the other pinned kernel
#   make KDIR=/path   ... against any configured kernel tree
#   make run          boot the testbed (Xen in QEMU) with xpv drivers, show a domU
#   make check        static checks on both kernels + the whole suite
#
# Everything a fresh machine lacks is installed by scripts/setup.sh, which
# these targets call on demand.

include versions.env

KERNEL ?= 6.1
KVER_6.1 := $(KVER_6_1)
KVER_6.12 := $(KVER_6_12)
KVER ?= $(KVER_$(KERNEL))
ifeq ($(KVER),)
$(error KERNEL must be 6.1 or 6.12 (or give KDIR=...))
endif
KDIR ?= /usr/src/linux-headers-$(KVER)

XPV_CACHE ?= $(CURDIR)/.cache
OUT ?= $(CURDIR)/out
export XPV_CACHE OUT KERNEL KVER

XPV_BASE_VERSION := 0.1
XPV_VERSION := $(XPV_BASE_VERSION)-$(shell git describe --always --dirty 2>/dev/null || echo nogit)

# Kbuild writes objects beside the sources; each kernel gets its own copy of
# the tree under out/build/ so that the two never clobber each other.
BUILD := $(OUT)/build/$(notdir $(KDIR))
SRC_DIRS := Kbuild include xenbus evtchn privcmd gntdev blkfront blkback netfront netback

SETUP_STAMP := $(XPV_CACHE)/.setup-done

.PHONY: all modules sync-build setup sparse w1 checkpatch static tests run check check-pvh bench clean

all: modules

$(SETUP_STAMP): versions.env scripts/setup.sh
	./scripts/setup.sh

setup: $(SETUP_STAMP)

sync-build: $(SETUP_STAMP)
	@mkdir -p $(BUILD)
	@rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod*' --exclude=modules.order --exclude=Module.symvers \
		$(foreach d,$(SRC_DIRS),$(wildcard $(d))) $(BUILD)/

# KBUILD_FLAGS is for callers (check adds W=1 C=2 and -Werror).
modules: sync-build
	$(MAKE) -C $(KDIR) M=$(BUILD) XPV_VERSION=$(XPV_VERSION) $(KBUILD_FLAGS) modules
	@ls $(BUILD)/*/*.ko 2>/dev/null | sed 's|^$(BUILD)/|built: |' || echo "built: no module yet"

# Static checks: W=1 and sparse, any warning is an error.
STRICT := W=1 C=2 CF=-Wsparse-error KCFLAGS=-Werror
sparse w1:
	$(MAKE) modules KBUILD_FLAGS="$(STRICT)"

checkpatch: $(SETUP_STAMP)
	./scripts/checkpatch.sh

static: $(SETUP_STAMP)
	$(MAKE) KERNEL=6.1 KDIR=/usr/src/linux-headers-$(KVER_6_1) modules KBUILD_FLAGS="$(STRICT)"
	$(MAKE) KERNEL=6.12 KDIR=/usr/src/linux-headers-$(KVER_6_12) modules KBUILD_FLAGS="$(STRICT)"
	./tests/privcmd/crc.sh
	./scripts/checkpatch.sh

# kselftest binaries (user space, run inside the testbed).
tests: $(SETUP_STAMP)
	./tests/build.sh

run: modules tests
	./testbed/run.sh

# static leaves the default kernel's modules built (strictly): the suite
# boots those.
check: static tests
	$(MAKE) modules KBUILD_FLAGS="$(STRICT)"
	./tests/run-suite.sh

# The benchmark: one boot, in-tree against xpv (tests/run-bench.sh).
bench: modules tests
	./tests/run-bench.sh

# Opt-in: PVH domUs, which need SVM visible to Xen (see testbed/boot.sh);
# reported on its own, not part of check or CI.
check-pvh: modules tests
	PROFILE=pvh ./tests/run-suite.sh

clean:
	rm -rf $(OUT)
