# Patch-queue rig for the KVM/arm64 guest-ABI series on Debian's Linux 6.1.
# Every target is a thin wrapper around one script in scripts/; the
# scripts do their own up-to-date checks, so repeating a target is cheap.

SHELL := /bin/bash
S := scripts

.PHONY: all deps tree export kernel selftests tools initramfs run abi check \
	check-series check-debug kernel-debug shell test-rig test-cpumodel fixtures \
	sizes bench compat fleet-matrix clean distclean help

all: run

help:
	@echo "make run           build what is needed; the CPU-model fleet story on emulated hosts (main job)"
	@echo "make abi           boot and print the guest ABI table (ARGS=--json for JSON)"
	@echo "make check         apply, checkpatch, build (W=1 diff), boot and run all tests"
	@echo "make deps          install the Debian packages the rig needs"
	@echo "make tree          build/linux = Debian linux-source-6.1 + patches/series"
	@echo "make export        write patches/ back from build/linux commits"
	@echo "make kernel        build build/Image (incremental)"
	@echo "make selftests     cross-build the KVM selftests (static, aarch64)"
	@echo "make check-series  build after each patch; name the first that breaks"
	@echo "make check-debug   boot a KASAN/lockdep/UBSAN kernel and run the tests"
	@echo "make shell         boot the guest with an interactive shell"
	@echo "make test-rig      host-side tests of the rig itself"
	@echo "make test-cpumodel host-side unit tests of libarm64cpumodel"
	@echo "make fixtures      re-probe tests/cpumodel/fixtures/ on QEMU CPU models"
	@echo "make fleet-matrix  all pairs of the fixtures: poolable with mainline's masks / with fleet-id-regs; apply each model on both hosts"
	@echo "make bench         our kernel against mainline 6.12: restore, traps, exits, memory"
	@echo "make compat        QEMU 7.2 in the emulated host migrates a guest: base/patched/mainline matrix"
	@echo "make sizes         bytes the series adds to struct kvm / kvm_vcpu (after make check)"

deps:
	@$(S)/deps.sh

tree: deps
	@$(S)/tree.sh

export:
	@$(S)/export.sh

kernel: tree
	@$(S)/kernel.sh

kernel-debug: tree
	@$(S)/kernel.sh debug

selftests: kernel
	@$(S)/selftests.sh

tools: kernel
	@$(S)/tools.sh

initramfs: selftests tools
	@$(S)/initramfs.sh

run: initramfs
	@$(S)/fleet.sh

abi: initramfs
	@$(S)/run.sh $(ARGS)

shell: initramfs
	@$(S)/boot.sh shell $(CURDIR)/build/logs/shell.log

check: deps
	@$(S)/check.sh

check-debug: deps
	@$(S)/check.sh --debug

check-series: kernel
	@$(S)/check-series.sh

test-cpumodel: kernel
	@CPUMODEL_STANDALONE=1 tests/cpumodel/run.sh

fixtures: initramfs
	@$(S)/cpumodel-fixtures.sh $(CPUS)

fleet-matrix: initramfs
	@$(S)/fleet-matrix.sh

sizes:
	@$(S)/struct-sizes.sh

bench: initramfs
	@$(S)/deps.sh bench
	@$(S)/bench.sh

compat: kernel
	@$(S)/deps.sh compat
	@$(S)/compat.sh

test-rig: deps
	@RIG_STANDALONE=1 tests/rig/run.sh

clean:
	rm -rf build/kbuild build/kbuild-* build/selftests build/tools build/gen build/host \
		build/initramfs build/*.cpio build/Image build/Image-debug build/logs

distclean:
	rm -rf build
