# tests/abi: the guest ABI layout test, and the toolstack's view of the
# control interfaces (checks_tools.def). `make abi-test` (from the top-level
# Makefile, which includes this file) or `make -f tests/abi/abi.mk abi-test`.
#
# The 32-bit tables are compiled but never run: each -m32 object holds only
# data, and objcopy re-labels it as a 64-bit object so the checker links it.
# The target also compiles every public header on its own, freestanding,
# strict C99, for -m32 and -m64, and as assembly (__ASSEMBLY__).

B ?= build
HOSTCC ?= gcc
OBJCOPY ?= objcopy

ABI_SRC := tests/abi
ABI_OUT := $(B)/abi
ABI_PUBLIC_HEADERS := $(wildcard include/public/*.h include/public/io/*.h include/public/hvm/*.h)
ABI_TABLE_DEPS := $(ABI_SRC)/abi_table.h $(ABI_SRC)/checks.def $(ABI_SRC)/checks_tools.def
ABI_CFLAGS := -std=gnu11 -O0 -Wall -Wextra -Werror -fno-asynchronous-unwind-tables
# Xen's headers as a guest compiles them (the interface version they implement).
ABI_XEN_CFLAGS := $(ABI_CFLAGS) -m32 -D__XEN_INTERFACE_VERSION__=0x00040e00
# Ours with nothing but the compiler's own headers.
ABI_FREESTANDING := -ffreestanding -nostdinc -isystem $(shell $(HOSTCC) -print-file-name=include) -Iinclude
ABI_PVX_CFLAGS := $(ABI_CFLAGS) $(ABI_FREESTANDING)

# Each table is built twice: the guest view (checks.def) and, for the
# targets named *_tools_*, the toolstack view (checks_tools.def).
abi_view = $(if $(findstring _tools_,$@),-DABI_TOOLS_VIEW)
abi_table_name = -DABI_TABLE=$(basename $(notdir $@))
ABI_TABLE_OBJS := $(foreach v,m32 tools_m32,$(ABI_OUT)/xen_$(v).o) \
                  $(foreach v,m32 m64 tools_m32 tools_m64,$(ABI_OUT)/pvx_$(v).o)

$(ABI_OUT)/xen_m32.o $(ABI_OUT)/xen_tools_m32.o: $(ABI_SRC)/xen_table.c $(ABI_TABLE_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(ABI_XEN_CFLAGS) $(abi_view) $(abi_table_name) -c $< -o $@.elf32
	$(OBJCOPY) -I elf32-i386 -O elf64-x86-64 $@.elf32 $@

$(ABI_OUT)/pvx_m32.o $(ABI_OUT)/pvx_tools_m32.o: $(ABI_SRC)/pvx_table.c $(ABI_TABLE_DEPS) $(ABI_PUBLIC_HEADERS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(ABI_PVX_CFLAGS) -m32 $(abi_view) $(abi_table_name) -c $< -o $@.elf32
	$(OBJCOPY) -I elf32-i386 -O elf64-x86-64 $@.elf32 $@

$(ABI_OUT)/pvx_m64.o $(ABI_OUT)/pvx_tools_m64.o: $(ABI_SRC)/pvx_table.c $(ABI_TABLE_DEPS) $(ABI_PUBLIC_HEADERS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(ABI_PVX_CFLAGS) -m64 $(abi_view) $(abi_table_name) -c $< -o $@

$(ABI_OUT)/abi_test: $(ABI_SRC)/abi_test.c $(ABI_SRC)/abi_table.h $(ABI_TABLE_OBJS)
	$(HOSTCC) $(ABI_CFLAGS) $< $(filter %.o,$^) -o $@

# Each header alone: C for both views, then assembly.
$(ABI_OUT)/headers.ok: $(ABI_PUBLIC_HEADERS)
	@mkdir -p $(dir $@)
	@set -e; for h in $(patsubst include/%,%,$(ABI_PUBLIC_HEADERS)); do \
	    for m in -m32 -m64; do \
	        printf '#include <%s>\nint abi_header_check;\n' $$h | \
	            $(HOSTCC) $$m -std=c99 -pedantic -Wall -Wextra -Werror $(ABI_FREESTANDING) \
	                -x c -fsyntax-only - || { echo "abi-test: $$h does not compile ($$m)"; exit 1; }; \
	        printf '#include <%s>\n' $$h | \
	            $(HOSTCC) $$m -D__ASSEMBLY__ $(ABI_FREESTANDING) -x assembler-with-cpp -c - -o /dev/null \
	                || { echo "abi-test: $$h is not assembly-safe ($$m)"; exit 1; }; \
	    done; \
	done
	@touch $@

.PHONY: abi-test
abi-test: $(ABI_OUT)/abi_test $(ABI_OUT)/headers.ok
	$(ABI_OUT)/abi_test
