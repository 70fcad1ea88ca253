# pvx fuzzers: libFuzzer targets with ASan + UBSan, one per tests/fuzz/<name>_fuzz.c.
# Included from the top-level Makefile. Targets:
#   fuzz-build   build every fuzzer into build/fuzz/
#   fuzz-smoke   run each for FUZZ_SMOKE_SECONDS (20 s; part of make test)
#   fuzz         run each for FUZZ_SECONDS (default 600)
# Corpora grow in build/fuzz/corpus/<name>/, starting from tests/fuzz/seeds/<name>/ if
# present (hand-made inputs reaching deep paths); crashes land in build/fuzz/<name>-crash-*.
# Reproduce one: build/fuzz/<name> build/fuzz/<name>-crash-...

CLANG ?= clang
FUZZ_B := build/fuzz
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
               -DPVX_HOST_BUILD -Ihypervisor/include -Iinclude -Itests/unit
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 20

# What each fuzzer links besides its own source.
FUZZ_SIM_SRCS := tests/unit/sim_arch.c tests/unit/sim_console.c
FUZZ_MM_SRCS := $(addprefix hypervisor/common/,page_alloc.c page_type.c mmu.c descriptor.c mm_check.c log.c cmdline.c \
                  grant_table.c)
mmu_fuzz_SRCS := $(FUZZ_MM_SRCS) hypervisor/common/mmu_hypercalls.c $(FUZZ_SIM_SRCS)
elf_loader_fuzz_SRCS := hypervisor/common/elf_loader.c
memory_grant_fuzz_SRCS := $(FUZZ_MM_SRCS) $(addprefix hypervisor/common/,memory_op.c memory_reservation.c) \
                          $(FUZZ_SIM_SRCS)

FUZZERS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/*_fuzz.c))
FUZZ_HEADERS := $(wildcard hypervisor/include/pvx/*.h include/public/*.h tests/unit/*.h)

define FUZZ_RULE
$(FUZZ_B)/$(1): tests/fuzz/$(1).c $$($(1)_SRCS) $$(FUZZ_HEADERS)
	@mkdir -p $$(dir $$@)
	$$(CLANG) $$(FUZZ_CFLAGS) $$< $$($(1)_SRCS) -o $$@
endef
$(foreach f,$(FUZZERS),$(eval $(call FUZZ_RULE,$(f))))

# Run every fuzzer for $(1) seconds; stop at the first that finds something.
define FUZZ_RUN
	@set -e; for f in $(FUZZERS); do \
	    mkdir -p $(FUZZ_B)/corpus/$$f; \
	    echo "== fuzz $$f for $(1) s"; \
	    $(FUZZ_B)/$$f -max_total_time=$(1) -print_final_stats=1 \
	        -artifact_prefix=$(FUZZ_B)/$$f- $(FUZZ_B)/corpus/$$f \
	        $$(test -d tests/fuzz/seeds/$$f && echo tests/fuzz/seeds/$$f); \
	done
endef

.PHONY: fuzz-build fuzz-smoke fuzz
fuzz-build: $(addprefix $(FUZZ_B)/,$(FUZZERS))
fuzz-smoke: fuzz-build
	$(call FUZZ_RUN,$(FUZZ_SMOKE_SECONDS))
fuzz: fuzz-build
	$(call FUZZ_RUN,$(FUZZ_SECONDS))
