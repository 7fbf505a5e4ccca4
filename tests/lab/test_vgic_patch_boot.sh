#!/usr/bin/env bash
# test_vgic_patch_boot.sh - boots an arm64 6.1 Image built by
# kernel-patches/build-arm64-kernels.sh under qemu TCG
# (-M virt,virtualization=on,gic-version=3,its=on -cpu max, so the guest kernel
# runs at EL2 and KVM uses VHE) with a busybox initramfs, and inside it:
#   - checks KVM initialised in VHE mode and /dev/kvm exists;
#   - puts a kretprobe event on vgic_its_inject_cached_translation and runs a
#     small static program that builds a VM (2 vCPUs, vgic-v3, ITS), drives
#     ITS commands and KVM_SIGNAL_MSI, and checks cache hits/misses across
#     every invalidation path (ITS disable, DISCARD, MOVI, MAPC, MAPD,
#     GICR_CTLR.EnableLPIs) and VM teardown with translations cached;
#   - runs an irqfd injection stress from 2 threads against a thread that
#     keeps invalidating / unmapping / remapping;
#   - reports whether BPF fexit can attach to vgic_its_inject_cached_translation
#     (informational: arm64 6.1 lacks ftrace direct calls);
#   - fails on any kernel WARNING/BUG/Oops/refcount/list corruption report.
# Usage: test_vgic_patch_boot.sh [patched|stock|/path/to/Image]  (default patched)
# Part of make test-lab: builds the arm64 6.1 kernels first (cached when
# their inputs did not change; a full cross build takes ~10-20 min on 2 cores).
# timeout: 3600
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${RINGSCOPE_CACHE:-/var/cache/ringscope}
WHICH=${1:-patched}
case "$WHICH" in
stock|patched) IMAGE=$CACHE/kernel/6.1-arm64/$WHICH/Image ;;
*) IMAGE=$WHICH ;;
esac
BOOT_TIMEOUT=${BOOT_TIMEOUT:-420}
# extra kernel command line, e.g. KERNEL_APPEND=quiet on a lockdep kernel under
# TCG, where "hrtimer: interrupt took" printed from hardirq context trips the
# raw lock nesting check in the PL011 console driver and turns lockdep off
KERNEL_APPEND=${KERNEL_APPEND:-}
STRESS_SECS=${STRESS_SECS:-5}

passed=0; failed=0
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

# make test-lab: build (or reuse) the arm64 kernels first; a missing Image
# after that is a failure, never a skip.
case "$WHICH" in
stock|patched)
	blog=$(mktemp /tmp/rs-vgic-build.XXXXXX)
	if ! bash "$ROOT/kernel-patches/build-arm64-kernels.sh" >"$blog" 2>&1; then
		fail "arm64 kernels: build-arm64-kernels.sh failed: $(tail -3 "$blog")"; rm -f "$blog"; finish
	fi
	rm -f "$blog"
	;;
esac
if [ ! -f "$IMAGE" ]; then
	fail "no Image at $IMAGE"; finish
fi

SCRATCH=$(mktemp -d /tmp/test_vgic_boot.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT

# ---- dependencies: qemu, cross gcc, busybox-static:arm64 ---------------------
need=()
for p in qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross cpio; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	dpkg --add-architecture arm64 || { fail "dpkg --add-architecture arm64"; finish; }
	NEED_UPDATE=1
fi
if [ "${#need[@]}" -gt 0 ] || [ "${NEED_UPDATE:-0}" = 1 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >"$SCRATCH/apt.log" 2>&1 || { tail -3 "$SCRATCH/apt.log"; fail "apt-get update"; finish; }
	if [ "${#need[@]}" -gt 0 ]; then
		apt-get install -y -qq --no-install-recommends "${need[@]}" >>"$SCRATCH/apt.log" 2>&1 ||
			{ tail -3 "$SCRATCH/apt.log"; fail "cannot install ${need[*]}"; finish; }
	fi
fi
(cd "$SCRATCH" && apt-get download -q busybox-static:arm64 >"$SCRATCH/dl.log" 2>&1) || {
	apt-get update -qq >/dev/null 2>&1
	(cd "$SCRATCH" && apt-get download -q busybox-static:arm64 >"$SCRATCH/dl.log" 2>&1)
} || { tail -3 "$SCRATCH/dl.log"; fail "apt-get download busybox-static:arm64"; finish; }

# ---- the in-guest VMM smoke test -----------------------------------------------
cat >"$SCRATCH/vgic_its_smoke.c" <<'CSRC'
// SPDX-License-Identifier: GPL-2.0
/*
 * vgic_its_smoke - exercise KVM's vgic-its LPI translation cache from user
 * space, without running a vCPU: a VM with 2 vCPUs, a vgic-v3 and an ITS whose
 * command queue is driven through KVM_DEV_ARM_VGIC_GRP_ITS_REGS (writing
 * GITS_CWRITER makes KVM process the queued commands).
 *
 *   signal   KVM_SIGNAL_MSI rounds; with a kretprobe event "rsinj" on
 *            vgic_its_inject_cached_translation, checks hits (ret=0) and
 *            misses (ret=-11) after caching, ITS disable, DISCARD, MOVI,
 *            INVALL and GICR_CTLR.EnableLPIs clearing.
 *   stress S irqfd injection from 2 threads for S seconds while a third
 *            thread keeps invalidating (INV, MOVI, INVALL, DISCARD+MAPTI,
 *            ITS disable/enable, MAPD unmap/remap); then VM teardown.
 *   fexit    reports whether a BPF fexit program can attach to
 *            vgic_its_inject_cached_translation (looked up in the kernel
 *            BTF): "FEXIT: attached" or "FEXIT: attach failed: errno".
 * Prints "SMOKE PASS: ..." / "SMOKE FAIL: ..." and exits non-zero on failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RAM_PA		0x40000000ULL
#define RAM_SIZE	(16ULL << 20)
#define DIST_PA		0x08000000ULL
#define ITS_PA		0x08080000ULL
#define REDIST_PA	0x080A0000ULL
#define DOORBELL	(ITS_PA + 0x10040)	/* GITS_TRANSLATER */

/* guest RAM layout, offsets from RAM_PA, 64 KiB aligned tables */
#define CMDQ_OFF	0x000000	/* 64 KiB: 2048 commands */
#define CMDQ_SIZE	0x10000
#define DT_OFF		0x010000	/* flat device table */
#define CT_OFF		0x020000	/* flat collection table */
#define PROP_OFF	0x030000	/* LPI configuration table, IDbits = 16 */
#define PEND_OFF	0x040000	/* pending tables, 64 KiB per vCPU */
#define ITT_OFF		0x100000	/* one 4 KiB ITT per device */

#define NR_VCPUS	2
/*
 * 16 LPIs on small devices: no more than one shard holds whatever the shard
 * count (the cache has 16 entries per vCPU), so exact hit/miss counts hold
 * for the sharded and the unsharded cache alike. One big device with 64 LPIs
 * overflows the cache and exercises LRU eviction.
 */
#define NR_DEV		4
#define EV_BITS		2		/* 4 events per device */
#define NR_EV		(1 << EV_BITS)
#define NR_LPI		(NR_DEV * NR_EV)
#define LPI_BASE	8192
#define BIG_DEV		8
#define BIG_BITS	6
#define BIG_NR		(1 << BIG_BITS)
#define BIG_LPI_BASE	(LPI_BASE + 1024)
#define NR_GSI		(NR_LPI + BIG_NR)

#define GITS_CTLR	0x0000
#define GITS_CBASER	0x0080
#define GITS_CWRITER	0x0088
#define GITS_CREADR	0x0090
#define GITS_BASER0	0x0100
#define GICR_CTLR	0x0000
#define GICR_PROPBASER	0x0070
#define GICR_PENDBASER	0x0078

static int vm_fd, its_fd, gic_fd, vcpu_fd[NR_VCPUS];
static uint8_t *ram;
static uint32_t cwriter;
static int failures;
static pthread_mutex_t cmd_mutex = PTHREAD_MUTEX_INITIALIZER;

#define fail(...) do { printf("SMOKE FAIL: " __VA_ARGS__); printf("\n"); failures++; } while (0)
#define pass(...) do { printf("SMOKE PASS: " __VA_ARGS__); printf("\n"); } while (0)
#define die(...) do { fail(__VA_ARGS__); exit(1); } while (0)

static void dev_attr(int fd, int set, uint32_t group, uint64_t attr, void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uint64_t)val };

	if (ioctl(fd, set ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR, &a))
		die("%s_DEVICE_ATTR group %u attr 0x%llx: %s", set ? "SET" : "GET",
		    group, (unsigned long long)attr, strerror(errno));
}

static void its_write(uint64_t off, uint64_t v) { dev_attr(its_fd, 1, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, off, &v); }
static uint64_t its_read(uint64_t off)
{
	uint64_t v = 0;

	dev_attr(its_fd, 0, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, off, &v);
	return v;
}

static void rd_write(int vcpu, uint64_t off, uint64_t v)
{
	/* vCPU i < 16 has MPIDR Aff0 = i */
	uint32_t v32 = v;
	void *p = (off == GICR_CTLR) ? (void *)&v32 : (void *)&v;

	dev_attr(gic_fd, 1, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, ((uint64_t)vcpu << 32) | off, p);
}

/* queue one ITS command and have KVM process it */
static void its_cmd(uint64_t d0, uint64_t d1, uint64_t d2)
{
	uint64_t *c;

	pthread_mutex_lock(&cmd_mutex);
	c = (uint64_t *)(ram + CMDQ_OFF + cwriter);
	c[0] = d0; c[1] = d1; c[2] = d2; c[3] = 0;
	cwriter = (cwriter + 32) % CMDQ_SIZE;
	its_write(GITS_CWRITER, cwriter);
	if (its_read(GITS_CREADR) != cwriter)
		die("ITS command 0x%02llx not processed (CREADR 0x%llx, CWRITER 0x%x)",
		    (unsigned long long)(d0 & 0xff), (unsigned long long)its_read(GITS_CREADR), cwriter);
	pthread_mutex_unlock(&cmd_mutex);
}

static void cmd_mapc(uint16_t icid, uint32_t vcpu) { its_cmd(0x09, 0, 1ULL << 63 | (uint64_t)vcpu << 16 | icid); }
static void cmd_mapd_bits(uint32_t dev, int bits, int valid)
{
	uint64_t itt = RAM_PA + ITT_OFF + dev * 0x1000ULL;

	its_cmd(0x08 | (uint64_t)dev << 32, bits - 1, (uint64_t)!!valid << 63 | itt);
}
static void cmd_mapd(uint32_t dev, int valid) { cmd_mapd_bits(dev, EV_BITS, valid); }
static uint32_t lpi_of(uint32_t dev, uint32_t ev) { return LPI_BASE + dev * NR_EV + ev; }
static void cmd_mapti(uint32_t dev, uint32_t ev, uint16_t icid)
{
	its_cmd(0x0a | (uint64_t)dev << 32, (uint64_t)lpi_of(dev, ev) << 32 | ev, icid);
}
static void map_big(void)
{
	cmd_mapd_bits(BIG_DEV, BIG_BITS, 1);
	for (uint32_t e = 0; e < BIG_NR; e++)
		its_cmd(0x0a | (uint64_t)BIG_DEV << 32, (uint64_t)(BIG_LPI_BASE + e) << 32 | e, e & 1);
}
static void cmd_discard(uint32_t dev, uint32_t ev) { its_cmd(0x0f | (uint64_t)dev << 32, ev, 0); }
static void cmd_movi(uint32_t dev, uint32_t ev, uint16_t icid) { its_cmd(0x01 | (uint64_t)dev << 32, ev, icid); }
static void cmd_inv(uint32_t dev, uint32_t ev) { its_cmd(0x0c | (uint64_t)dev << 32, ev, 0); }
static void cmd_invall(uint16_t icid) { its_cmd(0x0d, 0, icid); }

static int signal_msi(uint32_t dev, uint32_t ev)
{
	struct kvm_msi m = {
		.address_lo = (uint32_t)DOORBELL, .address_hi = DOORBELL >> 32,
		.data = ev, .flags = KVM_MSI_VALID_DEVID, .devid = dev,
	};
	int r = ioctl(vm_fd, KVM_SIGNAL_MSI, &m);

	if (r < 0)
		die("KVM_SIGNAL_MSI dev %u ev %u: %s", dev, ev, strerror(errno));
	return r;	/* 1: delivered, 0: blocked (unmapped) */
}

static void map_all(void)
{
	for (uint32_t d = 0; d < NR_DEV; d++) {
		cmd_mapd(d, 1);
		for (uint32_t e = 0; e < NR_EV; e++)
			cmd_mapti(d, e, e & 1);
	}
}

static void setup(void)
{
	struct kvm_vcpu_init init;
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (kvm < 0)
		die("open /dev/kvm: %s", strerror(errno));
	vm_fd = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm_fd < 0)
		die("KVM_CREATE_VM: %s", strerror(errno));
	if (ioctl(vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQFD) <= 0 ||
	    ioctl(vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SIGNAL_MSI) <= 0)
		die("KVM_CAP_IRQFD / KVM_CAP_SIGNAL_MSI missing");

	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	struct kvm_userspace_memory_region mr = {
		.slot = 0, .guest_phys_addr = RAM_PA, .memory_size = RAM_SIZE,
		.userspace_addr = (uint64_t)ram,
	};
	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &mr))
		die("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));

	if (ioctl(vm_fd, KVM_ARM_PREFERRED_TARGET, &init))
		die("KVM_ARM_PREFERRED_TARGET: %s", strerror(errno));
	for (int i = 0; i < NR_VCPUS; i++) {
		vcpu_fd[i] = ioctl(vm_fd, KVM_CREATE_VCPU, i);
		if (vcpu_fd[i] < 0 || ioctl(vcpu_fd[i], KVM_ARM_VCPU_INIT, &init))
			die("vCPU %d: %s", i, strerror(errno));
	}

	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	if (ioctl(vm_fd, KVM_CREATE_DEVICE, &cd))
		die("create vgic-v3: %s", strerror(errno));
	gic_fd = cd.fd;
	uint64_t a = DIST_PA;
	dev_attr(gic_fd, 1, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &a);
	a = REDIST_PA;
	dev_attr(gic_fd, 1, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &a);

	cd = (struct kvm_create_device){ .type = KVM_DEV_TYPE_ARM_VGIC_ITS };
	if (ioctl(vm_fd, KVM_CREATE_DEVICE, &cd))
		die("create ITS: %s", strerror(errno));
	its_fd = cd.fd;
	a = ITS_PA;
	dev_attr(its_fd, 1, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_ITS_ADDR_TYPE, &a);

	dev_attr(gic_fd, 1, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
	dev_attr(its_fd, 1, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);

	/* LPIs enabled at priority 0xa0 in the configuration table */
	memset(ram + PROP_OFF, 0xa1, 0x10000);
	for (int i = 0; i < NR_VCPUS; i++) {
		rd_write(i, GICR_PROPBASER, (RAM_PA + PROP_OFF) | (16 - 1));
		rd_write(i, GICR_PENDBASER, RAM_PA + PEND_OFF + i * 0x10000ULL);
		rd_write(i, GICR_CTLR, 1);	/* EnableLPIs */
	}

	its_write(GITS_CBASER, 1ULL << 63 | (RAM_PA + CMDQ_OFF) | (CMDQ_SIZE / 4096 - 1));
	its_write(GITS_BASER0, 1ULL << 63 | (RAM_PA + DT_OFF) | 2ULL << 8);	/* 64K pages */
	its_write(GITS_BASER0 + 8, 1ULL << 63 | (RAM_PA + CT_OFF) | 2ULL << 8);
	its_write(GITS_CTLR, 1);
	if (!(its_read(GITS_CTLR) & 1))
		die("ITS did not enable");

	for (int i = 0; i < NR_VCPUS; i++)
		cmd_mapc(i, i);
	map_all();
	pass("VM with %d vCPUs, vgic-v3, ITS, %d devices x %d events mapped", NR_VCPUS, NR_DEV, NR_EV);
}

/* --- kretprobe "rsinj" on vgic_its_inject_cached_translation ------------- */
#define TRACE "/sys/kernel/tracing/"
static int have_probe;

static void trace_clear(void)
{
	int fd = open(TRACE "trace", O_WRONLY | O_TRUNC);

	if (fd >= 0)
		close(fd);
}

static void trace_count(int *hits, int *misses)
{
	char line[512];
	FILE *f = fopen(TRACE "trace", "r");

	*hits = *misses = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "rsinj:"))
			continue;
		if (strstr(line, "ret=0"))
			(*hits)++;
		else if (strstr(line, "ret=-11"))
			(*misses)++;
	}
	fclose(f);
}

/* signal every LPI once, expect @want delivered; check hits/misses if probed */
static void round_all(const char *what, int want_hits, int want_misses)
{
	int delivered = 0, h, m;

	trace_clear();
	for (uint32_t d = 0; d < NR_DEV; d++)
		for (uint32_t e = 0; e < NR_EV; e++)
			delivered += signal_msi(d, e);
	if (delivered != NR_LPI)
		fail("%s: %d of %d MSIs delivered", what, delivered, NR_LPI);
	if (!have_probe || want_hits < 0)
		return;
	trace_count(&h, &m);
	if (h == want_hits && m == want_misses)
		pass("%s: %d cache hits, %d misses", what, h, m);
	else
		fail("%s: %d cache hits, %d misses (expected %d, %d)", what, h, m, want_hits, want_misses);
}

static void one(const char *what, uint32_t d, uint32_t e, int want_ret, int want_hits, int want_misses)
{
	int r, h, m;

	trace_clear();
	r = signal_msi(d, e);
	if (r != want_ret)
		fail("%s: KVM_SIGNAL_MSI returned %d, expected %d", what, r, want_ret);
	if (!have_probe)
		return;
	trace_count(&h, &m);
	if (h == want_hits && m == want_misses && r == want_ret)
		pass("%s: ret %d, %d hit, %d miss", what, r, h, m);
	else if (r == want_ret)
		fail("%s: %d hit, %d miss (expected %d, %d)", what, h, m, want_hits, want_misses);
}

static void test_signal(void)
{
	have_probe = access(TRACE "events/kprobes/rsinj/enable", F_OK) == 0;
	if (!have_probe)
		printf("note: no kretprobe event rsinj, hit/miss counts not checked\n");

	/* every MSI once: all miss (and get cached), then all hit */
	round_all("first round", 0, NR_LPI);
	round_all("second round (all cached)", NR_LPI, 0);

	/* ITS disable invalidates every shard */
	its_write(GITS_CTLR, 0);
	its_write(GITS_CTLR, 1);
	round_all("after ITS disable/enable", 0, NR_LPI);
	round_all("cached again", NR_LPI, 0);

	/* DISCARD: the stale translation must not be served from the cache */
	cmd_discard(1, 3);
	one("after DISCARD (1,3)", 1, 3, 0, 0, 1);
	one("other LPI after DISCARD", 2, 1, 1, 0, 1);
	one("other LPI cached again", 2, 1, 1, 1, 0);
	cmd_mapti(1, 3, 1);
	one("re-MAPTI (1,3)", 1, 3, 1, 0, 1);
	one("re-MAPTI (1,3) cached", 1, 3, 1, 1, 0);

	/* MOVI invalidates the whole cache; INV and INVALL only reread LPI config */
	round_all("warm", -1, -1);
	cmd_movi(0, 0, 1);
	round_all("after MOVI", 0, NR_LPI);
	cmd_inv(3, 3);
	round_all("after INV (cache kept)", NR_LPI, 0);
	cmd_invall(0);
	round_all("after INVALL (cache kept)", NR_LPI, 0);

	/* MAPC V=0 unmaps a collection (its ITEs lose it) and invalidates */
	its_cmd(0x09, 0, 1);
	cmd_mapc(1, 1);
	one("after MAPC V=0 of icid 1: odd event", 0, 1, 0, 0, 1);
	one("after MAPC V=0 of icid 1: even event", 0, 2, 1, 0, 1);
	map_all();	/* MAPD of a mapped device frees it first */
	round_all("after remapping all devices", 0, NR_LPI);
	round_all("warm again", NR_LPI, 0);

	/* clearing GICR_CTLR.EnableLPIs on a vCPU invalidates too */
	rd_write(1, GICR_CTLR, 0);
	rd_write(1, GICR_CTLR, 1);
	round_all("after GICR_CTLR.EnableLPIs 1->0->1", 0, NR_LPI);

	/* unmap a device: its MSIs are no longer delivered, nor cached */
	round_all("warm before MAPD V=0", NR_LPI, 0);
	cmd_mapd(2, 0);
	one("after MAPD V=0 of dev 2", 2, 0, 0, 0, 1);
	one("after MAPD V=0 of dev 2 again", 2, 0, 0, 0, 1);
	cmd_mapd(2, 1);
	for (uint32_t e = 0; e < NR_EV; e++)
		cmd_mapti(2, e, e & 1);
	round_all("after remap of dev 2", 0, NR_LPI);

	/* 64 more LPIs than fit: LRU eviction drops the victims' references */
	int delivered = 0, h, m;

	map_big();
	trace_clear();
	for (int r = 0; r < 2; r++)
		for (uint32_t e = 0; e < BIG_NR; e++)
			delivered += signal_msi(BIG_DEV, e);
	if (delivered != 2 * BIG_NR)
		fail("eviction: %d of %d MSIs delivered", delivered, 2 * BIG_NR);
	if (have_probe) {
		trace_count(&h, &m);
		if (h + m == 2 * BIG_NR && m >= BIG_NR)
			pass("eviction: 2 rounds over %d LPIs: %d hits, %d misses", BIG_NR, h, m);
		else
			fail("eviction: %d hits, %d misses for %d MSIs", h, m, 2 * BIG_NR);
	}
	round_all("small devices after eviction", -1, -1);
}

/* --- irqfd stress -------------------------------------------------------- */
static int efd[NR_GSI];
static volatile int stop;
static unsigned long writes[2], invals;

static void *injector(void *arg)
{
	long id = (long)arg;
	uint64_t one = 1;

	while (!stop) {
		for (int i = id; i < NR_GSI; i += 2) {
			if (write(efd[i], &one, sizeof(one)) != sizeof(one))
				die("eventfd write: %s", strerror(errno));
			writes[id]++;
		}
	}
	return NULL;
}

static void *invalidator(void *arg)
{
	unsigned int n = 0;

	(void)arg;
	while (!stop) {
		uint32_t d = n % NR_DEV, e = (n / NR_DEV) % NR_EV;

		switch (n % 6) {
		case 0: cmd_inv(d, e); break;
		case 1: cmd_movi(d, e, (n / 6) & 1); break;
		case 2: cmd_invall(n & 1); break;
		case 3: cmd_discard(d, e); cmd_mapti(d, e, e & 1); break;
		case 4: its_write(GITS_CTLR, 0); its_write(GITS_CTLR, 1); break;
		case 5:
			cmd_mapd(d, 0);
			cmd_mapd(d, 1);
			for (uint32_t i = 0; i < NR_EV; i++)
				cmd_mapti(d, i, i & 1);
			break;
		}
		n++;
		invals++;
		usleep(200);
	}
	return NULL;
}

static void test_stress(int secs)
{
	struct kvm_irq_routing *rt;
	pthread_t th[3];

	map_big();
	rt = calloc(1, sizeof(*rt) + NR_GSI * sizeof(struct kvm_irq_routing_entry));
	rt->nr = NR_GSI;
	for (int i = 0; i < NR_GSI; i++) {
		struct kvm_irq_routing_entry *e = &rt->entries[i];

		e->gsi = i;
		e->type = KVM_IRQ_ROUTING_MSI;
		e->flags = KVM_MSI_VALID_DEVID;
		e->u.msi.address_lo = (uint32_t)DOORBELL;
		e->u.msi.address_hi = DOORBELL >> 32;
		e->u.msi.data = i < NR_LPI ? i % NR_EV : i - NR_LPI;
		e->u.msi.devid = i < NR_LPI ? i / NR_EV : BIG_DEV;
	}
	if (ioctl(vm_fd, KVM_SET_GSI_ROUTING, rt))
		die("KVM_SET_GSI_ROUTING: %s", strerror(errno));
	for (int i = 0; i < NR_GSI; i++) {
		struct kvm_irqfd irqfd = { .gsi = i };

		efd[i] = eventfd(0, EFD_CLOEXEC);
		irqfd.fd = efd[i];
		if (efd[i] < 0 || ioctl(vm_fd, KVM_IRQFD, &irqfd))
			die("KVM_IRQFD gsi %d: %s", i, strerror(errno));
	}
	pass("%d irqfds routed to ITS MSIs", NR_GSI);

	pthread_create(&th[0], NULL, injector, (void *)0L);
	pthread_create(&th[1], NULL, injector, (void *)1L);
	pthread_create(&th[2], NULL, invalidator, NULL);
	sleep(secs);
	stop = 1;
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	pass("stress %d s: %lu irqfd writes, %lu invalidating operations", secs,
	     writes[0] + writes[1], invals);

	/* after the storm: everything mapped again, all deliverable */
	map_all();	/* MAPD on mapped devices replaces them: fresh ITEs */
	round_all("after stress", -1, -1);

	for (int i = 0; i < NR_GSI; i++) {
		struct kvm_irqfd irqfd = { .gsi = i, .fd = efd[i], .flags = KVM_IRQFD_FLAG_DEASSIGN };

		if (ioctl(vm_fd, KVM_IRQFD, &irqfd))
			fail("irqfd deassign gsi %d: %s", i, strerror(errno));
		close(efd[i]);
	}
}

/* --- BPF fexit attach probe -------------------------------------------- */
static int btf_func_id(const char *name)
{
	static uint8_t buf[16 << 20];
	struct { uint16_t magic; uint8_t ver, flags; uint32_t hdr_len, type_off, type_len, str_off, str_len; } *h;
	int fd = open("/sys/kernel/btf/vmlinux", O_RDONLY), id = 1;
	ssize_t n, len = 0;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += n;
	close(fd);
	h = (void *)buf;
	if (len < (ssize_t)sizeof(*h) || h->magic != 0xeB9F)
		return -1;
	uint8_t *t = buf + h->hdr_len + h->type_off, *end = t + h->type_len;
	const char *strs = (const char *)buf + h->hdr_len + h->str_off;

	while (t < end) {
		uint32_t name_off = ((uint32_t *)t)[0], info = ((uint32_t *)t)[1];
		uint32_t kind = (info >> 24) & 0x1f, vlen = info & 0xffff;

		if (kind == 12 && !strcmp(strs + name_off, name))	/* BTF_KIND_FUNC */
			return id;
		t += 12;
		switch (kind) {
		case 1: case 14: case 17: t += 4; break;		/* INT, VAR, DECL_TAG */
		case 3: t += 12; break;					/* ARRAY */
		case 4: case 5: case 15: case 19: t += 12 * vlen; break; /* STRUCT, UNION, DATASEC, ENUM64 */
		case 6: case 13: t += 8 * vlen; break;			/* ENUM, FUNC_PROTO */
		default: break;
		}
		id++;
	}
	return -1;
}

static void test_fexit(void)
{
	const char *fn = "vgic_its_inject_cached_translation";
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	char log[4096] = "";
	union bpf_attr a;
	int id = btf_func_id(fn), prog, link;

	if (id < 0) {
		printf("FEXIT: %s not found in /sys/kernel/btf/vmlinux\n", fn);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_TRACING;
	a.expected_attach_type = BPF_TRACE_FEXIT;
	a.insns = (uint64_t)insns;
	a.insn_cnt = 2;
	a.license = (uint64_t)"GPL";
	a.attach_btf_id = id;
	a.log_buf = (uint64_t)log;
	a.log_size = sizeof(log);
	a.log_level = 1;
	prog = syscall(__NR_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (prog < 0) {
		printf("FEXIT: load failed (BTF id %d): %s (errno %d) %s\n", id, strerror(errno), errno, log);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.raw_tracepoint.prog_fd = prog;
	link = syscall(__NR_bpf, BPF_RAW_TRACEPOINT_OPEN, &a, sizeof(a));
	if (link < 0)
		printf("FEXIT: program loads (BTF id %d) but attach failed: errno %d (%s)\n",
		       id, errno, errno == 524 ? "ENOTSUPP" : strerror(errno));
	else
		printf("FEXIT: attached to %s\n", fn);
	if (link >= 0)
		close(link);
	close(prog);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "signal";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "fexit")) {
		test_fexit();
		return 0;
	}
	setup();
	if (!strcmp(mode, "signal"))
		test_signal();
	else if (!strcmp(mode, "stress"))
		test_stress(argc > 2 ? atoi(argv[2]) : 3);
	else
		die("usage: %s signal | stress SECONDS | fexit", argv[0]);

	/* teardown with translations cached: vgic_lpi_translation_cache_destroy */
	round_all("cached before teardown", -1, -1);
	for (int i = 0; i < NR_VCPUS; i++)
		close(vcpu_fd[i]);
	close(its_fd);
	close(gic_fd);
	close(vm_fd);
	pass("VM torn down with cached translations (%s)", mode);
	if (failures)
		printf("SMOKE RESULT: FAIL (%d failures)\n", failures);
	else
		printf("SMOKE RESULT: PASS\n");
	return failures ? 1 : 0;
}
CSRC
if aarch64-linux-gnu-gcc -O2 -Wall -Wextra -Werror -static -pthread \
	-o "$SCRATCH/vgic_its_smoke" "$SCRATCH/vgic_its_smoke.c" 2>"$SCRATCH/cc.log"; then
	pass "static arm64 vgic_its_smoke builds"
else
	cat "$SCRATCH/cc.log"; fail "cannot build vgic_its_smoke"; finish
fi

# ---- initramfs -------------------------------------------------------------------
R=$SCRATCH/root
mkdir -p "$R"/{bin,dev,proc,sys,tmp}
dpkg-deb -x "$SCRATCH"/busybox-static_*_arm64.deb "$SCRATCH/bb"
cp "$SCRATCH/bb/bin/busybox" "$R/bin/busybox"
cp "$SCRATCH/vgic_its_smoke" "$R/bin/"
for a in sh mount cat grep echo dmesg ls sleep reboot uname; do ln -s busybox "$R/bin/$a"; done
cat >"$R/init" <<EOF
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing
echo "RS: kernel \$(uname -r)"
if [ -c /dev/kvm ]; then echo "RS: /dev/kvm present"; else echo "RS: /dev/kvm missing"; fi
[ -f /sys/kernel/btf/vmlinux ] && echo "RS: BTF present"
T=/sys/kernel/tracing
if echo 'r:rsinj vgic_its_inject_cached_translation ret=\$retval:s32' > \$T/kprobe_events &&
   echo 1 > \$T/events/kprobes/rsinj/enable; then
	echo "RS: kretprobe on vgic_its_inject_cached_translation"
fi
/bin/vgic_its_smoke fexit
/bin/vgic_its_smoke signal
echo 0 > \$T/events/kprobes/rsinj/enable
/bin/vgic_its_smoke stress $STRESS_SECS
# lockdep kernels: is lock debugging still on (a first report turns it off)?
[ -f /proc/lockdep_stats ] && grep -m1 'debug_locks' /proc/lockdep_stats | sed 's/^ */RS: lockdep /'
# the kernel log, also when the console loglevel hid it (KERNEL_APPEND=quiet)
dmesg | sed 's/^/RS-DMESG: /'
echo "RS: DONE"
reboot -f
EOF
chmod +x "$R/init"
(cd "$R" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$SCRATCH/initrd.gz" ||
	{ fail "cannot build the initramfs"; finish; }

# ---- boot ----------------------------------------------------------------------------
LOG=$SCRATCH/console.log
echo "booting $IMAGE (timeout ${BOOT_TIMEOUT}s)"
t0=$(date +%s)
timeout "$BOOT_TIMEOUT" qemu-system-aarch64 \
	-M virt,virtualization=on,gic-version=3,its=on -cpu max,pauth-impdef=on \
	-smp 2 -m 1024 -accel tcg,thread=multi -nographic -no-reboot \
	-kernel "$IMAGE" -initrd "$SCRATCH/initrd.gz" \
	-append "console=ttyAMA0 panic=-1 oops=panic $KERNEL_APPEND" </dev/null >"$LOG" 2>&1
rc=$?
echo "qemu exited with $rc after $(( $(date +%s) - t0 )) s"
if [ -n "${RINGSCOPE_KEEP_CONSOLE:-}" ]; then cp "$LOG" "$RINGSCOPE_KEEP_CONSOLE"; fi
[ $rc -eq 124 ] && fail "guest did not finish within ${BOOT_TIMEOUT}s"

chk() { # description pattern
	if grep -qE "$2" "$LOG"; then pass "$1"; else fail "$1"; fi
}
chk "kernel booted ($(grep -o 'Linux version [^ ]*' "$LOG" | head -1))" 'RS: kernel '
chk "KVM initialised in VHE mode" 'kvm \[[0-9]+\]: VHE mode initialized successfully'
chk "/dev/kvm exists in the guest" 'RS: /dev/kvm present'
chk "kernel BTF exposed (/sys/kernel/btf/vmlinux)" 'RS: BTF present'
chk "kretprobe attaches to vgic_its_inject_cached_translation" 'RS: kretprobe on vgic_its_inject_cached_translation'
n=$(grep -c 'SMOKE RESULT: PASS' "$LOG")
if [ "$n" -eq 2 ]; then pass "in-guest VMM smoke: signal and stress runs pass"
else fail "in-guest VMM smoke: $n of 2 runs passed"; fi
grep -E 'SMOKE (PASS|FAIL)' "$LOG" | sed 's/^/    /'
chk "guest reached the end of /init" 'RS: DONE'
# informational: arm64 6.1 has no ftrace direct calls, so BPF fexit on a
# kernel function is expected to fail there (kretprobes are the way in)
grep -m1 'FEXIT:' "$LOG" | sed 's/^/INFO: /'
if grep -q 'RS: lockdep' "$LOG"; then
	if grep -qE 'RS: lockdep debug_locks: +1' "$LOG"; then
		pass "lockdep still active at the end of the run (no lock report turned it off)"
	else
		fail "lockdep was turned off during the run ($(grep -m1 'RS: lockdep' "$LOG"))"
	fi
fi
if grep -E 'WARNING:|BUG:|Oops|Internal error|refcount_t|list_add corruption|list_del corruption|Kernel panic|possible recursive locking|circular locking|inconsistent lock state|suspicious RCU usage|KASAN|INFO: task' "$LOG" >"$SCRATCH/bad"; then
	sed 's/^/    /' "$SCRATCH/bad" | head -20
	fail "kernel reported warnings/errors (see above)"
else
	pass "no kernel warning, BUG, Oops or refcount/list corruption report"
fi
if [ "$failed" -gt 0 ]; then
	echo "---- last 60 console lines ----"; tail -60 "$LOG"
fi
finish
