# pvx top-level build. Everything generated goes under build/.
# Targets: all, run, run-domus, run-demo, test, unit, abi-test, guest-tests, bench, fuzz, debug, clean.

B := build
.DEFAULT_GOAL := all
# Keep intermediate objects (guest .o files made by chained pattern rules).
.SECONDARY:
HOSTCC ?= gcc
CLANG ?= clang

# ---- host builds of the architecture-neutral hypervisor core ----
COMMON_SRCS := $(wildcard hypervisor/common/*.c)
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -DPVX_HOST_BUILD \
               -Ihypervisor/include -Iinclude -Itests/unit
HOST_COMMON_OBJS := $(patsubst hypervisor/common/%.c,$(B)/host/common/%.o,$(COMMON_SRCS))
SIM_SRCS := $(wildcard tests/unit/sim_*.c)
SIM_OBJS := $(patsubst tests/unit/%.c,$(B)/host/sim/%.o,$(SIM_SRCS))
UNIT_TESTS := $(patsubst tests/unit/%_test.c,$(B)/unit/%_test,$(wildcard tests/unit/*_test.c))

$(B)/host/common/%.o: hypervisor/common/%.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"; $(HOSTCC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@
$(B)/host/sim/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"; $(HOSTCC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@
$(B)/host/libcommon.a: $(HOST_COMMON_OBJS)
	@mkdir -p $(dir $@)
	@rm -f $@ && ar rcs $@ $^
$(B)/unit/%_test: tests/unit/%_test.c $(SIM_OBJS) $(B)/host/libcommon.a
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"; $(HOSTCC) $(HOST_CFLAGS) $< $(SIM_OBJS) $(B)/host/libcommon.a -lcunit -o $@

.PHONY: unit
unit: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; $$t; done

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# ---- the hypervisor (x86-64, freestanding) ----
HV_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-builtin -nostdinc \
             -isystem $(shell $(HOSTCC) -print-file-name=include) \
             -fno-pic -fno-pie -mcmodel=kernel -mno-red-zone -mno-sse -mno-mmx -mno-sse2 \
             -mno-avx -fno-stack-protector -fno-omit-frame-pointer -fcf-protection=none \
             -fno-asynchronous-unwind-tables -Ihypervisor/include -Ihypervisor/arch/x86/include -Iinclude
HV_ARCH_SRCS := $(wildcard hypervisor/arch/x86/*.c)
HV_ASM_SRCS := $(wildcard hypervisor/arch/x86/*.S hypervisor/arch/x86/boot/*.S)
HV_OBJS := $(patsubst hypervisor/%.c,$(B)/hv/%.o,$(COMMON_SRCS) $(HV_ARCH_SRCS)) \
           $(patsubst hypervisor/%.S,$(B)/hv/%.o,$(HV_ASM_SRCS))

$(B)/hv/%.o: hypervisor/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"; $(HOSTCC) $(HV_CFLAGS) -MMD -MP -c $< -o $@
$(B)/hv/%.o: hypervisor/%.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"; $(HOSTCC) $(HV_CFLAGS) -D__ASSEMBLY__ -MMD -MP -c $< -o $@
$(B)/pvx-syms.elf: $(HV_OBJS) hypervisor/arch/x86/linker.ld
	@echo "  LD      $@"; ld -n -nostdlib -z max-page-size=4096 -z noexecstack --no-warn-rwx-segments -T hypervisor/arch/x86/linker.ld $(HV_OBJS) -o $@
# QEMU's -kernel and GRUB both take the 32-bit ELF (Xen's approach).
$(B)/pvx.elf: $(B)/pvx-syms.elf
	@echo "  OBJCOPY $@"; objcopy -O elf32-i386 $< $@

.PHONY: hypervisor
hypervisor: $(B)/pvx.elf

# ---- test guests (32-bit PV kernels, one folder each under tests/guests/) ----
GUEST_CFLAGS := -m32 -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-builtin -nostdinc \
                -isystem $(shell $(HOSTCC) -print-file-name=include) -fno-pic -fno-pie \
                -fno-stack-protector -fcf-protection=none -fno-asynchronous-unwind-tables \
                -mno-sse -mno-mmx -Iinclude -Itests/guests/lib
# The runtime: every .c/.S in tests/guests/lib (their base names must differ).
GUEST_LIB_OBJS := $(patsubst tests/guests/lib/%,$(B)/guests/lib/%.o,$(basename $(wildcard tests/guests/lib/*.c tests/guests/lib/*.S)))
GUEST_NAMES := $(notdir $(patsubst %/,%,$(filter-out tests/guests/lib/,$(wildcard tests/guests/*/))))
GUEST_ELFS := $(patsubst %,$(B)/guests/%.elf,$(GUEST_NAMES))

$(B)/guests/lib/%.o: tests/guests/lib/%.c
	@mkdir -p $(dir $@)
	@echo "  GUESTCC $<"; $(HOSTCC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@
$(B)/guests/lib/%.o: tests/guests/lib/%.S
	@mkdir -p $(dir $@)
	@echo "  GUESTAS $<"; $(HOSTCC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -MMD -MP -c $< -o $@
$(B)/guests/obj/%.o: tests/guests/%.c
	@mkdir -p $(dir $@)
	@echo "  GUESTCC $<"; $(HOSTCC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@
$(B)/guests/obj/%.o: tests/guests/%.S
	@mkdir -p $(dir $@)
	@echo "  GUESTAS $<"; $(HOSTCC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -MMD -MP -c $< -o $@
# A guest is every .c/.S in its folder plus the runtime.
guest_objs = $(patsubst tests/guests/%,$(B)/guests/obj/%,$(patsubst %.c,%.o,$(patsubst %.S,%.o,$(wildcard tests/guests/$(1)/*.c tests/guests/$(1)/*.S))))
.SECONDEXPANSION:
$(B)/guests/%.elf: $$(call guest_objs,$$*) $(GUEST_LIB_OBJS) tests/guests/lib/guest.ld
	@echo "  GUESTLD $@"; ld -m elf_i386 -nostdlib -z noexecstack --no-warn-rwx-segments -T tests/guests/lib/guest.ld $(filter %.o,$^) \
	    $(shell $(HOSTCC) -m32 -print-libgcc-file-name) -o $@

.PHONY: guests
guests: $(GUEST_ELFS)

include tests/abi/abi.mk
include tests/fuzz/fuzz.mk

.PHONY: all test run run-domus run-demo debug clean
all: hypervisor guests $(UNIT_TESTS) $(B)/abi/abi_test $(B)/abi/headers.ok

# make test: build everything, then run every suite; ends with "N passed, N failed".
test: all fuzz-build
	@tests/run-all.sh

# make run: boot pvx from a GRUB ISO with guest-os PV as dom0, the initrd as
# its ramdisk, running the shell; the console is this terminal (RUN_INIT=
# picks another program, e.g. make run RUN_INIT=/bin/init).
RUN_INIT ?= /bin/sh
run: hypervisor $(B)/guest-os/guest-os-pv.elf $(B)/guest-os/initrd.tar
	tools/pvx-run $(B)/guest-os/guest-os-pv.elf --grub --timeout 0 --module $(B)/guest-os/initrd.tar \
	    --cmdline "init=$(RUN_INIT)"
# make run-domus: the same, with two guest-os domUs running shells too
# (d1 24 MiB, d2 16 MiB): `console 1` in dom0 attaches to d1, Ctrl-] comes back.
run-domus: hypervisor $(B)/guest-os/guest-os-pv.elf $(B)/guest-os/initrd.tar
	tools/pvx-run $(B)/guest-os/guest-os-pv.elf --grub --timeout 0 --module $(B)/guest-os/initrd.tar \
	    --cmdline "init=$(RUN_INIT)" \
	    --domain $(B)/guest-os/guest-os-pv.elf,name=gos1,mem=24M,ramdisk=$(B)/guest-os/initrd.tar,init=/bin/sh \
	    --domain $(B)/guest-os/guest-os-pv.elf,name=gos2,mem=16M,ramdisk=$(B)/guest-os/initrd.tar,init=/bin/sh
# make run-demo: the small demo dom0 (tests/guests/demo) that echoes what you type.
run-demo: hypervisor guests
	tools/pvx-run $(B)/guests/demo.elf --grub --timeout 0 --cmdline "console=hvc0"

# make debug: QEMU waits on its gdb stub (console in build/debug-console.log,
# follow it with tail -f in another terminal) and gdb starts here with the
# hypervisor's symbols loaded and connected; "continue" boots.
debug: hypervisor guests
	@command -v gdb >/dev/null || { echo "make debug needs gdb"; exit 1; }
	@echo "console: build/debug-console.log (tail -f it); gdb: 'continue' to boot, Ctrl-C to stop"
	@tools/pvx-run $(B)/guests/demo.elf --gdb > $(B)/debug-console.log 2>&1 & \
	    sleep 1; gdb -q -ex 'set confirm off' -ex 'target remote :1234' \
	    -ex 'add-symbol-file $(B)/guests/demo.elf 0' $(B)/pvx-syms.elf; \
	    kill %1 2>/dev/null; true

clean:
	rm -rf $(B)
-include tests/bench/bench.mk
include guest-os/guest-os.mk
