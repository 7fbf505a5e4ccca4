# mk/arm64.mk - static arm64 (aarch64) cross build of ringscope for the arm64
# VM lab, where KVM with a vgic-v3 and an ITS runs nested under qemu TCG.
#
#   make static-arm64   build/arm64/ringscope (static, with debug info)
#   make deps-arm64     install the cross toolchain and the arm64 .a files
#                       (tests/deps-arm64.sh: dpkg --add-architecture arm64,
#                       libbpf-dev:arm64 libxdp-dev:arm64 libelf-dev:arm64
#                       zlib1g-dev:arm64 libzstd-dev:arm64 libnl-route-3-dev:arm64 ...)
#
# Included from the top Makefile (include mk/arm64.mk); it also works alone:
#   make -f mk/arm64.mk static-arm64
# BPF objects and skeletons are built for arm64 (-D__TARGET_ARCH_arm64) into
# build/arm64/, apart from the host's in build/. The committed vmlinux.h is
# the host's (x86_64) BTF: CO-RE relocates field offsets at load time, and
# bpf/arch_compat.h supplies the arm64-only struct user_pt_regs.

BUILD    ?= build
CLANG    ?= clang
BPFTOOL  ?= bpftool
ARM64_CC ?= aarch64-linux-gnu-gcc
ARM64_BUILD := $(BUILD)/arm64
# Where the Multi-Arch arm64 -dev packages put their .a files (searched by
# the Debian cross gcc after its own sysroot; checked before building).
ARM64_LIBDIR ?= /usr/lib/aarch64-linux-gnu
ARM64_VMLINUX_H ?= vmlinux.h

ARM64_CFLAGS ?= -O2 -g
ARM64_ALL_CFLAGS = $(ARM64_CFLAGS) -Wall -Wextra -Wno-unused-parameter -std=gnu11 -I. -I$(ARM64_BUILD) $(addprefix -I,$(USER_DIRS)) -I/usr/include/libnl3 -DRS_NO_HTTP
ARM64_BPF_CFLAGS := -O2 -g -target bpf $(BPF_CPU) -D__TARGET_ARCH_arm64 -I. -I$(ARM64_BUILD) -Wall -Wno-unused-function
ARM64_LDLIBS := -static -lxdp -lbpf -lelf -lz -lzstd -lnl-route-3 -lnl-3 -lpthread -lm

ARM64_BPF_SRCS  := $(wildcard bpf/*.bpf.c)
ARM64_BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(ARM64_BUILD)/%.bpf.o,$(ARM64_BPF_SRCS))
ARM64_SKELS     := $(patsubst bpf/%.bpf.c,$(ARM64_BUILD)/%.skel.h,$(ARM64_BPF_SRCS))
ARM64_USER_SRCS := $(USER_SRCS)
ARM64_USER_OBJS := $(addprefix $(ARM64_BUILD)/,$(notdir $(ARM64_USER_SRCS:.c=.o)))
ARM64_STATIC_LIBS := libbpf.a libxdp.a libelf.a libz.a libzstd.a libnl-3.a libnl-route-3.a

include mk/version.mk
$(ARM64_BUILD)/cmd_version.o $(ARM64_BUILD)/metrics_out.o: $(ARM64_BUILD)/version.h

.PHONY: static-arm64 deps-arm64
# Keep the BPF objects and skeletons (made through pattern rules only).
.SECONDARY: $(ARM64_BPF_OBJS) $(ARM64_SKELS)
static-arm64: $(ARM64_BUILD)/ringscope

deps-arm64:
	@bash tests/deps-arm64.sh

$(ARM64_BUILD)/ringscope: $(ARM64_USER_OBJS)
	$(ARM64_CC) $(ARM64_ALL_CFLAGS) -o $@ $^ $(ARM64_LDLIBS)

$(ARM64_BUILD)/%.bpf.o: bpf/%.bpf.c bpf/*.h $(ARM64_VMLINUX_H) | $(ARM64_BUILD)
	$(CLANG) $(ARM64_BPF_CFLAGS) -c $< -o $@

$(ARM64_BUILD)/%.skel.h: $(ARM64_BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

# Every user object may include any skeleton: build them all first.
$(ARM64_BUILD)/%.o: %.c user/*/*.h bpf/*.h $(ARM64_SKELS) | $(ARM64_BUILD)
	$(ARM64_CC) $(ARM64_ALL_CFLAGS) -c $< -o $@

$(ARM64_BUILD):
	@command -v $(ARM64_CC) >/dev/null || \
		{ echo "static-arm64: $(ARM64_CC) missing: run 'make deps-arm64' (bash tests/deps-arm64.sh)" >&2; exit 1; }
	@for l in $(ARM64_STATIC_LIBS); do [ -e $(ARM64_LIBDIR)/$$l ] || \
		{ echo "static-arm64: $(ARM64_LIBDIR)/$$l missing: run 'make deps-arm64' (bash tests/deps-arm64.sh)" >&2; exit 1; }; done
	mkdir -p $@
