# SPDX-License-Identifier: MIT
# skbtools - one non-recursive Makefile.
#   make            build lib, BPF objects + skeleton, the four programs into $(O)
#                   (and pcap2skb, the unit tests).  skbrec's BPF side needs the
#                   kernel's types: VMLINUX_H=FILE (a ready vmlinux.h, copied),
#                   else kernel BTF from VMLINUX_BTF=FILE if given, else the first
#                   of /sys/kernel/btf/vmlinux, /boot/vmlinux-$(uname -r),
#                   /lib/modules/$(uname -r)/build/vmlinux.  Without either,
#                   skbrec is skipped (one line says why) and the rest builds:
#                   make, make check and make install still succeed.
#   make check      build and run every test (tests/run.sh), ends "N passed, N failed"
#   make SAN=1      build with ASan+UBSan (into build-san unless O= is given)
#   make fuzz       libFuzzer targets (tests/fuzz/) built into build-fuzz, each
#                   run for FUZZ_SECONDS (default 60); fails on any crash
#   make install    PREFIX=/usr/local DESTDIR=
#   make deps       install the Debian packages needed to build and test
#   make demo       record a little real traffic and show it
#   V=1             show full commands

VERSION := 0.1.0
SAN     ?= 0
ifeq ($(SAN),1)
O       ?= build-san
else ifeq ($(SAN),fuzz)
O       ?= build-fuzz
else
O       ?= build
endif
PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
CLANG   ?= clang
BPFTOOL ?= bpftool
LLVM_STRIP ?= llvm-strip
PKG_CONFIG ?= pkg-config

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' $(1) $(2);
endif

WARN   := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
          -Wpointer-arith -Wformat=2 -Wno-format-nonliteral
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Ilib -I$(O) -I$(O)/bpf \
              -DSKBTOOLS_VERSION='"$(VERSION)"' -MMD -MP
ifeq ($(SAN),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDSAN := -fsanitize=address,undefined
endif
# libFuzzer targets (make fuzz): everything built by clang with coverage
# for the fuzzer, ASan and UBSan, into build-fuzz.
ifeq ($(SAN),fuzz)
CC := $(CLANG)
ALL_CFLAGS += -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
              -fsanitize-coverage-ignorelist=tests/fuzz/coverage-ignore.txt \
              -fno-sanitize-recover=all
LDSAN := -fsanitize=fuzzer,address,undefined
endif

PCAP_LIBS := $(shell $(PKG_CONFIG) --libs libpcap 2>/dev/null || echo -lpcap)
BPF_CFLAGS := $(shell $(PKG_CONFIG) --cflags libbpf 2>/dev/null)
BPF_LIBS := $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null || echo -lbpf) -lelf
LIBS_READER := $(O)/libskb.a $(PCAP_LIBS) -lz

LIB_SRC := $(wildcard lib/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(O)/%.o)

PROGS := skbrec skbcat skb2pcap skbgrep
# Per-program sources: every .c in cmd/NAME/.
define prog_objs
$(patsubst %.c,$(O)/%.o,$(wildcard cmd/$(1)/*.c))
endef

BPF_SRC := $(wildcard bpf/*.bpf.c)
BPF_OBJ := $(BPF_SRC:bpf/%.bpf.c=$(O)/bpf/%.bpf.o)
BPF_SKEL := $(BPF_SRC:bpf/%.bpf.c=$(O)/bpf/%.skel.h)
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

TEST_PROGS := $(patsubst tests/unit/%.c,$(O)/tests/%,$(wildcard tests/unit/*.c))
# named here so make keeps them (not intermediate files of a pattern chain)
TEST_OBJS := $(patsubst tests/unit/%.c,$(O)/tests/unit/%.o,$(wildcard tests/unit/*.c))

# Kernel types for skbrec's BPF side, as bpftool's Makefile finds them: a
# ready header (VMLINUX_H), or BTF from VMLINUX_BTF if given (only there),
# else from the usual places.  CO-RE relocates every field access to the
# running kernel at load time, so they need not be the running kernel's.
KREL := $(shell uname -r)
ifneq ($(strip $(VMLINUX_BTF)),)
VMLINUX_BTF_PATHS := $(VMLINUX_BTF)
else
VMLINUX_BTF_PATHS := /sys/kernel/btf/vmlinux /boot/vmlinux-$(KREL) \
                     /lib/modules/$(KREL)/build/vmlinux
endif
VMLINUX_BTF_FOUND := $(firstword $(wildcard $(VMLINUX_BTF_PATHS)))
NO_BTF := no kernel BTF found (looked in: $(strip $(VMLINUX_BTF_PATHS))); \
          set VMLINUX_BTF=FILE or VMLINUX_H=FILE
ifneq ($(strip $(VMLINUX_H)),)
VMLINUX_FROM := header $(abspath $(VMLINUX_H))
else ifneq ($(VMLINUX_BTF_FOUND),)
VMLINUX_FROM := btf $(abspath $(VMLINUX_BTF_FOUND))
endif

# skbrec only where the kernel types are; the readers everywhere.
BUILT_PROGS := $(if $(VMLINUX_FROM),$(PROGS),$(filter-out skbrec,$(PROGS)))

XLATE_DIFF := $(if $(VMLINUX_FROM),$(O)/tests/xlate-diff)
MINREC := $(if $(VMLINUX_FROM),$(O)/minrec $(O)/jitimg)
all: $(addprefix $(O)/,$(BUILT_PROGS)) $(O)/pcap2skb $(O)/mingrep $(TEST_PROGS) $(TEST_OBJS) $(XLATE_DIFF) $(MINREC) \
     $(if $(VMLINUX_FROM),,skbrec-not-built)

skbrec-not-built:
	@echo "skbrec not built: $(NO_BTF)" >&2

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/libskb.a: $(LIB_OBJ)
	$(call msg,AR,$@)rm -f $@ && ar rcs $@ $^

# BPF objects (CO-RE) and their libbpf skeletons.
$(O)/bpf/%.bpf.o: bpf/%.bpf.c
	@mkdir -p $(dir $@)
	$(call msg,BPF,$<)$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) \
		-Wall -Werror -Ibpf -I$(O)/bpf $(BPF_CFLAGS) -MMD -MP -c -o $@ $<
	$(Q)$(LLVM_STRIP) -g $@   # DWARF only; .BTF and .BTF.ext stay for CO-RE

# vmlinux.h (see VMLINUX_FROM above).  $(O)/bpf/vmlinux.from names where it
# came from and changes only when that does, so a new VMLINUX_H or BTF file
# is taken up even when the old header is newer.  /sys files are not
# prerequisites: their times change without the kernel changing.
$(O)/bpf/vmlinux.from: FORCE
	@mkdir -p $(dir $@)
	@echo '$(VMLINUX_FROM)' | cmp -s - $@ 2>/dev/null || echo '$(VMLINUX_FROM)' > $@

ifneq ($(strip $(VMLINUX_H)),)
$(O)/bpf/vmlinux.h: $(O)/bpf/vmlinux.from \
		$(filter-out $(abspath $(O)/bpf/vmlinux.h),$(abspath $(wildcard $(VMLINUX_H))))
	@test -r $(VMLINUX_H) || { echo "VMLINUX_H=$(VMLINUX_H): no such file" >&2; exit 1; }
	$(call msg,CP,$@)cp $(VMLINUX_H) $@.tmp && mv $@.tmp $@
else ifneq ($(VMLINUX_BTF_FOUND),)
$(O)/bpf/vmlinux.h: $(O)/bpf/vmlinux.from
	$(call msg,GEN,$@)$(BPFTOOL) btf dump file $(VMLINUX_BTF_FOUND) format c > $@.tmp && mv $@.tmp $@ || \
		{ rm -f $@.tmp; echo "no BTF read from $(VMLINUX_BTF_FOUND); set VMLINUX_BTF=FILE or VMLINUX_H=FILE" >&2; exit 1; }
else
$(O)/bpf/vmlinux.h:
	@echo "skbrec cannot be built: $(NO_BTF)" >&2; exit 1
endif
$(BPF_OBJ): $(O)/bpf/vmlinux.h

$(O)/bpf/%.skel.h: $(O)/bpf/%.bpf.o
	$(call msg,SKEL,$@)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@.tmp && mv $@.tmp $@

# skbrec is the only program that links libbpf; its objects need the skeleton.
$(call prog_objs,skbrec): $(BPF_SKEL)
$(call prog_objs,skbrec): ALL_CFLAGS += $(BPF_CFLAGS)

$(O)/skbrec: $(call prog_objs,skbrec) $(O)/libskb.a
	$(call msg,LINK,$@)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $(call prog_objs,skbrec) $(O)/libskb.a $(BPF_LIBS) $(PCAP_LIBS) -lz

$(O)/skbcat: $(call prog_objs,skbcat) $(O)/libskb.a
	$(call msg,LINK,$@)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $(call prog_objs,skbcat) $(LIBS_READER)

$(O)/skb2pcap: $(call prog_objs,skb2pcap) $(O)/libskb.a
	$(call msg,LINK,$@)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $(call prog_objs,skb2pcap) $(LIBS_READER)

$(O)/skbgrep: $(call prog_objs,skbgrep) $(O)/libskb.a
	$(call msg,LINK,$@)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $(call prog_objs,skbgrep) $(LIBS_READER)

# The minimal recorder of bench/rec-cost.sh (the floor a recorder's cost is
# measured against): built with skbrec so that -Werror checks it, never installed.
$(O)/bench/minrec.bpf.o: bench/minrec/minrec.bpf.c $(O)/bpf/vmlinux.h
	@mkdir -p $(dir $@)
	$(call msg,BPF,$<)$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) \
		-Wall -Werror -I$(O)/bpf $(BPF_CFLAGS) -c -o $@ $<
	$(Q)$(LLVM_STRIP) -g $@

$(O)/bench/minrec.skel.h: $(O)/bench/minrec.bpf.o
	$(call msg,SKEL,$@)$(BPFTOOL) gen skeleton $< name minrec_bpf > $@.tmp && mv $@.tmp $@

$(O)/bench/minrec/minrec.o: $(O)/bench/minrec.skel.h
$(O)/bench/minrec/minrec.o: ALL_CFLAGS += $(BPF_CFLAGS) -I$(O)/bench

# skbrec's ring reader: the floor reads the ring as skbrec does
$(O)/minrec: $(O)/bench/minrec/minrec.o $(O)/cmd/skbrec/ring.o
	$(call msg,LINK,$@)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $^ $(BPF_LIBS) -lz

# bench/bpf-profile.sh's reader of a BPF program's JIT image.
$(O)/bench/jitimg/jitimg.o: ALL_CFLAGS += $(BPF_CFLAGS)
$(O)/jitimg: $(O)/bench/jitimg/jitimg.o
	$(call msg,LINK,$@)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $< $(BPF_LIBS)

# The least skbgrep -f can do, for bench/readers.sh (its floor).
$(O)/mingrep: $(O)/bench/mingrep/mingrep.o $(O)/libskb.a
	$(call msg,LINK,$@)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $< $(LIBS_READER)

# Test helpers: pcap2skb (not installed) and C unit tests.
$(O)/pcap2skb: $(O)/tests/pcap2skb.o $(O)/libskb.a
	$(call msg,LINK,$@)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $< $(LIBS_READER)

# The -f translator against libpcap, run by the kernel (tests/t1195): built
# with skbrec, from skbrec's own translation code.
$(O)/tests/xlate-diff: $(O)/tests/skbrec/xlate-diff.o $(O)/tests/skbrec/xlate-diff-pcap.o \
		$(O)/tests/skbrec/xlate-load.o $(O)/cmd/skbrec/xlate.o \
		$(O)/cmd/skbrec/filter.o $(O)/libskb.a
	$(call msg,LINK,$@)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $^ $(BPF_LIBS) $(PCAP_LIBS) -lz

$(O)/tests/%: $(O)/tests/unit/%.o $(O)/libskb.a
	@mkdir -p $(dir $@)
	$(call msg,LINK,$@)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $< $(LIBS_READER)

# Fuzz targets (tests/fuzz/fuzz-NAME.c): each links lib and the parts of a
# program it drives.  `make fuzz` builds them with SAN=fuzz and runs each
# for FUZZ_SECONDS (tests/fuzz/run.sh: seeds, crashes, executions).
FUZZ_SECONDS ?= 60
FUZZ_PARTS_reader  := cmd/skbcat/render_text cmd/skbcat/render_json cmd/skbcat/timefmt \
                      cmd/skbcat/flows
FUZZ_PARTS_pcap    := cmd/skb2pcap/pcap_sink cmd/skb2pcap/pcapng_sink
FUZZ_PARTS_options := cmd/skbgrep/when
FUZZ_PARTS_xlate   := cmd/skbrec/xlate cmd/skbrec/filter tests/skbrec/xlate-load
FUZZ_LIBS_xlate    := $(BPF_LIBS)
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz-%.c,%,$(wildcard tests/fuzz/fuzz-*.c))
FUZZ_PROGS := $(FUZZ_NAMES:%=$(O)/fuzz/fuzz-%)
$(O)/tests/fuzz/%.o: ALL_CFLAGS += -Icmd/skbcat -Icmd/skb2pcap -Icmd/skbgrep -Icmd/skbrec
define fuzz_rule
$(O)/fuzz/fuzz-$(1): $(O)/tests/fuzz/fuzz-$(1).o $(FUZZ_PARTS_$(1):%=$(O)/%.o) $(O)/libskb.a
	@mkdir -p $$(dir $$@)
	$$(call msg,LINK,$$@)$$(CC) $$(LDSAN) $$(LDFLAGS) -o $$@ $$^ $(FUZZ_LIBS_$(1)) $$(PCAP_LIBS) -lz
endef
$(foreach n,$(FUZZ_NAMES),$(eval $(call fuzz_rule,$(n))))
fuzz-build: $(FUZZ_PROGS)

fuzz:
	$(Q)bash scripts/deps.sh
	$(Q)$(MAKE) --no-print-directory SAN=fuzz fuzz-build
	$(Q)bash tests/fuzz/run.sh $(abspath $(if $(filter fuzz,$(SAN)),$(O),build-fuzz)) $(FUZZ_SECONDS)

# check and demo install missing dependencies first, so each works as the
# first command typed on a fresh clone.
check:
	$(Q)bash scripts/deps.sh
	$(Q)$(MAKE) --no-print-directory all
	$(Q)BUILD=$(abspath $(O)) SAN=$(SAN) bash tests/run.sh $(TESTS)

deps:
	$(Q)bash scripts/deps.sh

demo:
	$(Q)bash scripts/deps.sh
	$(Q)$(MAKE) --no-print-directory all
	$(Q)BUILD=$(abspath $(O)) bash scripts/demo.sh

# Benchmarks (never part of check): bench/all.sh, the recorder and the
# readers against tcpdump, one table at the end.  Root and a quiet machine.
bench:
	$(Q)bash scripts/deps.sh
	$(Q)$(MAKE) --no-print-directory all
	$(Q)BUILD=$(abspath $(O)) bash bench/all.sh

# What was built: without skbrec, neither it nor its man page (one line says so).
MAN8 := $(wildcard man/*.8)
MAN1 := $(wildcard man/*.1)
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(O)/skbcat $(O)/skb2pcap $(O)/skbgrep $(DESTDIR)$(PREFIX)/bin/
	$(if $(MAN1),install -m 0644 $(MAN1) $(DESTDIR)$(PREFIX)/share/man/man1/)
ifneq ($(VMLINUX_FROM),)
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0755 $(O)/skbrec $(DESTDIR)$(PREFIX)/sbin/
	$(if $(MAN8),install -m 0644 $(MAN8) $(DESTDIR)$(PREFIX)/share/man/man8/)
else
	@echo "skbrec not installed: it was not built ($(NO_BTF))" >&2
endif

clean:
	rm -rf build build-san build-fuzz $(O)

FORCE:

.PHONY: all bench check deps demo fuzz fuzz-build install clean skbrec-not-built FORCE
.DELETE_ON_ERROR:

-include $(shell find $(O) -name '*.d' 2>/dev/null)
