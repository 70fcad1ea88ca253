# make bench: hypercall and MMU costs, event-channel round trips, timer
# lateness, scheduler fairness and guest-os's lmbench-style latencies
# (native against PV), under QEMU with -icount shift=0
# (instructions) and without (TCG host cycles / real time). tools/pvx-bench
# runs the bench guests and prints the tables; docs/performance.md keeps the
# latest. Bench guests live here, not under tests/guests/, because they are
# not tests: each folder tests/bench/NAME/ becomes build/bench/NAME.elf,
# linked with the test-guest runtime (tests/bench/bench_util.h is shared).

BENCH_NAMES := $(notdir $(patsubst %/,%,$(wildcard tests/bench/*/)))
BENCH_ELFS := $(patsubst %,$(B)/bench/%.elf,$(BENCH_NAMES))

$(B)/bench/obj/%.o: tests/bench/%.c
	@mkdir -p $(dir $@)
	@echo "  GUESTCC $<"; $(HOSTCC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@
$(B)/bench/obj/%.o: tests/bench/%.S
	@mkdir -p $(dir $@)
	@echo "  GUESTAS $<"; $(HOSTCC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -MMD -MP -c $< -o $@
bench_objs = $(patsubst tests/bench/%,$(B)/bench/obj/%,$(patsubst %.c,%.o,$(patsubst %.S,%.o,$(wildcard tests/bench/$(1)/*.c tests/bench/$(1)/*.S))))
.SECONDARY: $(foreach n,$(BENCH_NAMES),$(call bench_objs,$(n)))   # keep them: no rebuild every time
$(B)/bench/%.elf: $$(call bench_objs,$$*) $(GUEST_LIB_OBJS) tests/guests/lib/guest.ld
	@echo "  GUESTLD $@"; ld -m elf_i386 -nostdlib -z noexecstack --no-warn-rwx-segments -T tests/guests/lib/guest.ld $(filter %.o,$^) \
	    $(shell $(HOSTCC) -m32 -print-libgcc-file-name) -o $@

.PHONY: bench bench-build
# guest-os: both kernels and the initrd with /bin/bench (guest-os/user/bench.c).
bench-build: hypervisor $(BENCH_ELFS) guest-os
bench: bench-build
	@tools/pvx-bench
