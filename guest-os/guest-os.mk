# guest-os: one kernel, two builds (issue 4). Included by the top-level
# Makefile. Outputs, under build/guest-os/:
#   guest-os-native.elf   Multiboot1 ELF32 for QEMU -kernel (make run-native)
#   guest-os-pv.elf       Xen-style PV ELF for pvx (tools/pvx-run)
#   user/NAME.elf         user programs (guest-os/user/NAME.c + lib + newlib)
#   initrd.tar            the root file system (ustar): /bin/NAME for each user
#                         program (stripped), plus guest-os/initrd/* (e.g. /etc/motd)
#   ../unit/guest_fs_test the host test of kernel/fs.c, pipe.c, tar.c and uaccess.c
#   ../unit/guest_sched_test, guest_elf_test  host tests of kernel/sched.c, elf.c
# The kernel/ objects are compiled once and linked into both kernels; only
# arch/native and arch/pv differ.

include guest-os/newlib.mk

GOS_B := $(B)/guest-os
GOS_GCC_INCLUDE := $(shell $(HOSTCC) -print-file-name=include)
GOS_COMMON_CFLAGS := -m32 -std=gnu11 -O2 -g -Wall -Wextra -Werror -fno-pic -fno-pie \
                     -fno-stack-protector -fcf-protection=none -fno-asynchronous-unwind-tables \
                     -Iguest-os/include
GOS_KERNEL_CFLAGS := $(GOS_COMMON_CFLAGS) -ffreestanding -fno-builtin -nostdinc \
                     -isystem $(GOS_GCC_INCLUDE) -mno-sse -mno-mmx
# newlib declares clock_gettime, nanosleep and CLOCK_MONOTONIC only for
# systems that say they have them; guest-os does (lib/syscalls.c).
GOS_USER_CFLAGS := $(GOS_COMMON_CFLAGS) -nostdinc $(NEWLIB_CFLAGS) -isystem $(GOS_GCC_INCLUDE) \
                   -D_POSIX_TIMERS=200112L -D_POSIX_MONOTONIC_CLOCK=200112L
GOS_LIBGCC := $(shell $(HOSTCC) -m32 -print-libgcc-file-name)

# The architecture-neutral kernel (the same objects in both kernels).
GOS_KERNEL_OBJS := $(patsubst guest-os/%.c,$(GOS_B)/%.o,$(wildcard guest-os/kernel/*.c)) \
                   $(patsubst guest-os/%.S,$(GOS_B)/%.o,$(wildcard guest-os/kernel/*.S))
gos_arch_objs = $(patsubst guest-os/%.c,$(GOS_B)/%.o,$(wildcard guest-os/arch/$(1)/*.c)) \
                $(patsubst guest-os/%.S,$(GOS_B)/%.o,$(wildcard guest-os/arch/$(1)/*.S))
GOS_NATIVE_OBJS := $(call gos_arch_objs,native)
GOS_PV_OBJS := $(call gos_arch_objs,pv)
# The programs linked into the kernel (kernel/user_blob.S), stripped: what
# runs when there is no initrd (the initrd's /bin/NAME comes first); init
# runs first.
GOS_EMBEDDED := $(patsubst %,$(GOS_B)/embed/%.elf,init hello ticker spin)
$(GOS_B)/embed/%.elf: $(GOS_B)/user/%.elf
	@mkdir -p $(dir $@)
	@echo "  STRIP   $@"; strip -o $@ $<

$(GOS_B)/kernel/%.o: guest-os/kernel/%.c
	@mkdir -p $(dir $@)
	@echo "  GOSCC   $<"; $(HOSTCC) $(GOS_KERNEL_CFLAGS) -MMD -MP -c $< -o $@
$(GOS_B)/kernel/%.o: guest-os/kernel/%.S
	@mkdir -p $(dir $@)
	@echo "  GOSAS   $<"; $(HOSTCC) $(GOS_KERNEL_CFLAGS) -D__ASSEMBLY__ -MMD -MP -c $< -o $@
$(GOS_B)/kernel/user_blob.o: guest-os/kernel/user_blob.S $(GOS_EMBEDDED)
	@mkdir -p $(dir $@)
	@echo "  GOSAS   $<"; $(HOSTCC) $(GOS_KERNEL_CFLAGS) -D__ASSEMBLY__ -DUSER_DIR=$(GOS_B)/embed -MMD -MP -c $< -o $@
$(GOS_B)/arch/native/%.o: guest-os/arch/native/%.c
	@mkdir -p $(dir $@)
	@echo "  GOSCC   $<"; $(HOSTCC) $(GOS_KERNEL_CFLAGS) -MMD -MP -c $< -o $@
$(GOS_B)/arch/native/%.o: guest-os/arch/native/%.S
	@mkdir -p $(dir $@)
	@echo "  GOSAS   $<"; $(HOSTCC) $(GOS_KERNEL_CFLAGS) -D__ASSEMBLY__ -MMD -MP -c $< -o $@
# PV: Xen's public headers (include/public) and the hypercall stubs made
# from pvx's hypercall table (include/pvx-guest/hypercall.h).
GOS_PV_CFLAGS := $(GOS_KERNEL_CFLAGS) -Iinclude
$(GOS_B)/arch/pv/%.o: guest-os/arch/pv/%.c
	@mkdir -p $(dir $@)
	@echo "  GOSCC   $<"; $(HOSTCC) $(GOS_PV_CFLAGS) -MMD -MP -c $< -o $@
$(GOS_B)/arch/pv/%.o: guest-os/arch/pv/%.S
	@mkdir -p $(dir $@)
	@echo "  GOSAS   $<"; $(HOSTCC) $(GOS_PV_CFLAGS) -D__ASSEMBLY__ -MMD -MP -c $< -o $@

GOS_KLD := ld -m elf_i386 -nostdlib -z noexecstack --no-warn-rwx-segments
$(GOS_B)/guest-os-native.elf: $(GOS_NATIVE_OBJS) $(GOS_KERNEL_OBJS) guest-os/arch/native/kernel.ld
	@echo "  GOSLD   $@"; $(GOS_KLD) -T guest-os/arch/native/kernel.ld $(filter %.o,$^) $(GOS_LIBGCC) -o $@
$(GOS_B)/guest-os-pv.elf: $(GOS_PV_OBJS) $(GOS_KERNEL_OBJS) guest-os/arch/pv/kernel.ld
	@echo "  GOSLD   $@"; $(GOS_KLD) -T guest-os/arch/pv/kernel.ld $(filter %.o,$^) $(GOS_LIBGCC) -o $@

# User programs: crt0 + the system-call glue (every file in lib/) + newlib.
GOS_ULIB_OBJS := $(GOS_B)/lib/crt0.o $(patsubst guest-os/lib/%.c,$(GOS_B)/lib/%.o,$(wildcard guest-os/lib/*.c))
GOS_USER_ELFS := $(patsubst guest-os/user/%.c,$(GOS_B)/user/%.elf,$(wildcard guest-os/user/*.c))
.SECONDARY: $(GOS_ULIB_OBJS) $(patsubst %.elf,%.o,$(GOS_USER_ELFS))
$(GOS_B)/lib/%.o: guest-os/lib/%.c | $(NEWLIB_STAMP)
	@mkdir -p $(dir $@)
	@echo "  GOSUCC  $<"; $(HOSTCC) $(GOS_USER_CFLAGS) -MMD -MP -c $< -o $@
$(GOS_B)/lib/%.o: guest-os/lib/%.S
	@mkdir -p $(dir $@)
	@echo "  GOSUAS  $<"; $(HOSTCC) $(GOS_USER_CFLAGS) -D__ASSEMBLY__ -MMD -MP -c $< -o $@
$(GOS_B)/user/%.o: guest-os/user/%.c | $(NEWLIB_STAMP)
	@mkdir -p $(dir $@)
	@echo "  GOSUCC  $<"; $(HOSTCC) $(GOS_USER_CFLAGS) -MMD -MP -c $< -o $@
$(GOS_B)/user/%.elf: $(GOS_B)/user/%.o $(GOS_ULIB_OBJS) guest-os/lib/user.ld $(NEWLIB_STAMP)
	@echo "  GOSULD  $@"; ld -m elf_i386 -nostdlib -z noexecstack --no-warn-rwx-segments \
	    -T guest-os/lib/user.ld $(GOS_ULIB_OBJS) $< --start-group $(NEWLIB_LIBS) $(GOS_LIBGCC) --end-group -o $@

# The store daemon (issue 5) is several objects: user/xenstored.c and the
# store core, guest-os/xenstore/*.c (also built for the host test below);
# it and the client speak include/public/io/xs_wire.h.
GOS_XS_OBJS := $(patsubst guest-os/xenstore/%.c,$(GOS_B)/xenstore/%.o,$(wildcard guest-os/xenstore/*.c))
GOS_XS_CFLAGS := -Iinclude -Iguest-os/xenstore
$(GOS_B)/user/xenstored.o $(GOS_B)/user/xenstore.o: GOS_USER_CFLAGS += $(GOS_XS_CFLAGS)
$(GOS_B)/xenstore/%.o: guest-os/xenstore/%.c | $(NEWLIB_STAMP)
	@mkdir -p $(dir $@)
	@echo "  GOSUCC  $<"; $(HOSTCC) $(GOS_USER_CFLAGS) $(GOS_XS_CFLAGS) -MMD -MP -c $< -o $@
$(GOS_B)/user/xenstored.elf: $(GOS_B)/user/xenstored.o $(GOS_XS_OBJS) $(GOS_ULIB_OBJS) guest-os/lib/user.ld $(NEWLIB_STAMP)
	@echo "  GOSULD  $@"; ld -m elf_i386 -nostdlib -z noexecstack --no-warn-rwx-segments \
	    -T guest-os/lib/user.ld $(GOS_ULIB_OBJS) $< $(GOS_XS_OBJS) --start-group $(NEWLIB_LIBS) $(GOS_LIBGCC) --end-group -o $@

# The initrd: a ustar archive, deterministic (sorted names, owner 0, time 0).
GOS_INITRD := $(GOS_B)/initrd.tar
GOS_INITRD_FILES := $(shell find guest-os/initrd -type f 2>/dev/null)
$(GOS_INITRD): $(GOS_USER_ELFS) $(GOS_INITRD_FILES)
	@echo "  GOSTAR  $@"; rm -rf $(GOS_B)/initrd && mkdir -p $(GOS_B)/initrd/bin && \
	    cp -R guest-os/initrd/. $(GOS_B)/initrd/ && \
	    for f in $(GOS_USER_ELFS); do strip -o $(GOS_B)/initrd/bin/$$(basename $$f .elf) $$f || exit 1; done && \
	    tar --format=ustar --owner=0 --group=0 --numeric-owner --mtime=@0 --sort=name \
	        -cf $@ -C $(GOS_B)/initrd $$(ls $(GOS_B)/initrd)

# Host test of the file system (CUnit): kernel/fs.c, pipe.c, tar.c and
# uaccess.c compiled for the host; the test supplies the page allocator,
# the console, the clock, sleeping and waking, signals and user_page_fault
# (over pages it maps at the guest's user addresses). (An explicit rule:
# the top Makefile's pattern rule for build/unit/*_test links the
# hypervisor simulator instead.)
# -iquote: the kernel's "errno.h" must not hide the host's <errno.h>.
GOS_HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -iquote guest-os/kernel -iquote guest-os/include
$(B)/unit/guest_fs_test: tests/unit/guest_fs_test.c guest-os/kernel/fs.c guest-os/kernel/pipe.c \
                         guest-os/kernel/tar.c guest-os/kernel/uaccess.c \
                         guest-os/kernel/fs.h guest-os/kernel/tar.h guest-os/kernel/errno.h \
                         guest-os/kernel/kernel.h guest-os/kernel/arch.h guest-os/include/fs_abi.h
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"; $(HOSTCC) $(GOS_HOST_CFLAGS) $(filter %.c,$^) -lcunit -o $@
# Host tests of the scheduler (kernel/sched.c: the test fakes the switch,
# the clock and idling) and of the ELF loader (kernel/elf.c: the test fakes
# the page allocator and arch_map_user_page). Explicit rules, as above.
$(B)/unit/guest_sched_test: tests/unit/guest_sched_test.c guest-os/kernel/sched.c \
                            guest-os/kernel/kernel.h guest-os/kernel/arch.h guest-os/kernel/fs.h
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"; $(HOSTCC) $(GOS_HOST_CFLAGS) $(filter %.c,$^) -lcunit -o $@
$(B)/unit/guest_elf_test: tests/unit/guest_elf_test.c guest-os/kernel/elf.c guest-os/kernel/errno.h \
                          guest-os/kernel/kernel.h guest-os/kernel/arch.h guest-os/kernel/fs.h
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"; $(HOSTCC) $(GOS_HOST_CFLAGS) $(filter %.c,$^) -lcunit -o $@

# Host test of the store core (guest-os/xenstore/*.c); explicit, as above.
$(B)/unit/xenstore_test: tests/unit/xenstore_test.c $(wildcard guest-os/xenstore/*.c) \
                         guest-os/xenstore/xenstore.h include/public/io/xs_wire.h
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"; $(HOSTCC) $(GOS_HOST_CFLAGS) $(GOS_XS_CFLAGS) $(filter %.c,$^) -lcunit -o $@

.PHONY: guest-os run-native
guest-os: $(GOS_B)/guest-os-native.elf $(GOS_B)/guest-os-pv.elf $(GOS_USER_ELFS) $(GOS_INITRD)
all: guest-os

# Boot the native build directly in QEMU (no pvx); Ctrl-A x quits. QEMU
# exits 1 on the kernel's clean poweroff (isa-debug-exit: (0 << 1) | 1).
GOS_QEMU := qemu-system-x86_64 -accel tcg -m 128 -nographic -no-reboot -display none \
            -serial stdio -monitor none -device isa-debug-exit,iobase=0xf4,iosize=0x04
run-native: $(GOS_B)/guest-os-native.elf $(GOS_INITRD)
	@$(GOS_QEMU) -kernel $< -initrd $(GOS_INITRD); rc=$$?; [ $$rc = 0 ] || [ $$rc = 1 ] || \
	    { echo "guest-os: QEMU exited with $$rc (the kernel failed or panicked)"; exit 1; }
