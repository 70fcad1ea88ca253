# newlib for the guest-os user programs: built ONCE from Debian's newlib-source
# (i686-elf, the host gcc in -m32 mode; see /work/shared/toolchain-notes.md)
# into $(NEWLIB) = build/newlib/install. The stamp file keeps it from being
# rebuilt on later makes; `rm -rf build/newlib` forces a rebuild.
#   $(NEWLIB_STAMP)   depend on this before compiling anything that uses newlib
#   $(NEWLIB_CFLAGS)  include path and the undefines newlib's headers need
#   $(NEWLIB_LIBS)    libc.a libm.a, in link order

NEWLIB_TARBALL ?= /usr/src/newlib/newlib-3.3.0.tar.xz
NEWLIB_WORK := $(B)/newlib
NEWLIB := $(NEWLIB_WORK)/install/i686-elf
NEWLIB_STAMP := $(NEWLIB_WORK)/built.stamp
# The host gcc defines these; newlib's headers would then pick Linux's
# reentrancy model, different from the library's.
NEWLIB_UNDEFS := -U__linux__ -U__linux -Ulinux -U__gnu_linux__ -U__unix__ -U__unix -Uunix
NEWLIB_CFLAGS := $(NEWLIB_UNDEFS) -isystem $(NEWLIB)/include
NEWLIB_LIBS := $(NEWLIB)/lib/libc.a $(NEWLIB)/lib/libm.a
NEWLIB_TARGET_CFLAGS := -O2 -g -ffreestanding -fno-pie -fno-pic -fno-stack-protector \
                        -fcf-protection=none $(NEWLIB_UNDEFS)
NEWLIB_JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# Unpacked, built and installed (DESTDIR) in a private scratch folder, then
# moved into place: two makes racing in one tree (several people share it)
# cannot clobber each other's build, and the loser simply keeps the winner's
# result. The scratch folder (~100 MB) is removed; the log is kept in
# $(NEWLIB_WORK)/build.log. MAKEFLAGS is cleared so the outer make's options
# and jobserver do not leak into newlib's.
NEWLIB_ENV := env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL
$(NEWLIB_STAMP):
	@test -r $(NEWLIB_TARBALL) || { echo "newlib: $(NEWLIB_TARBALL) missing (apt-get install newlib-source)"; exit 1; }
	@echo "  NEWLIB  $(NEWLIB) (built once, ~40 s; log in $(NEWLIB_WORK)/build.log)"
	@mkdir -p $(NEWLIB_WORK) && tmp=$$(mktemp -d $(abspath $(NEWLIB_WORK))/tmp.XXXXXX) && \
	if ! { tar xJf $(NEWLIB_TARBALL) -C $$tmp && mkdir $$tmp/obj && cd $$tmp/obj && \
	       $(NEWLIB_ENV) ../newlib-salsa/configure --target=i686-elf \
	       --prefix=$(abspath $(NEWLIB_WORK))/install \
	       --disable-multilib --disable-libgloss --disable-nls --disable-newlib-supplied-syscalls \
	       CC_FOR_TARGET="gcc -m32 -nostdinc -idirafter $$(gcc -print-file-name=include)" \
	       AR_FOR_TARGET=ar RANLIB_FOR_TARGET=ranlib AS_FOR_TARGET="as --32" \
	       LD_FOR_TARGET="ld -m elf_i386" CFLAGS_FOR_TARGET="$(NEWLIB_TARGET_CFLAGS)" \
	       > $$tmp/build.log 2>&1 && \
	       $(NEWLIB_ENV) $(MAKE) -j$(NEWLIB_JOBS) all-target-newlib >> $$tmp/build.log 2>&1 && \
	       $(NEWLIB_ENV) $(MAKE) install-target-newlib DESTDIR=$$tmp/dest >> $$tmp/build.log 2>&1; }; then \
	    tail -30 $$tmp/build.log; cp $$tmp/build.log $(abspath $(NEWLIB_WORK))/build.log; rm -rf $$tmp; \
	    echo "newlib: build failed (log: $(NEWLIB_WORK)/build.log)"; exit 1; \
	fi; \
	cp $$tmp/build.log $(abspath $(NEWLIB_WORK))/build.log; \
	mv -T $$tmp/dest$(abspath $(NEWLIB_WORK))/install $(abspath $(NEWLIB_WORK))/install 2>/dev/null; \
	rm -rf $$tmp
	@test -r $(NEWLIB)/lib/libc.a || { echo "newlib: no $(NEWLIB)/lib/libc.a"; exit 1; }
	@touch $@

.PHONY: newlib
newlib: $(NEWLIB_STAMP)
