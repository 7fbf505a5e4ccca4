/* A minimal arm64 KVM VM with a vgic-v3 and an ITS, set up only far enough to
 * inject MSIs: D devices x E events mapped to LPIs, reachable through irqfd
 * (KVM_IRQFD on MSI routes) and KVM_SIGNAL_MSI. The vCPUs never run.
 *
 * How the LPIs get mapped (the choice and why): through the ITS's own
 * command queue, programmed from user space with the KVM device API only.
 *
 *  1. guest RAM (one memslot) holds the command queue, a flat device table,
 *     a collection table, one ITT per device, the LPI property table (enable
 *     bit + priority for every LPI) and one pending table per vCPU;
 *  2. KVM_DEV_ARM_VGIC_GRP_REDIST_REGS (32-bit accesses) sets GICR_PROPBASER
 *     and GICR_PENDBASER (PTZ) of every redistributor, then GICR_CTLR.EnableLPIs;
 *  3. KVM_DEV_ARM_VGIC_GRP_ITS_REGS sets GITS_BASER0 (devices), GITS_BASER1
 *     (collections), GITS_CBASER and GITS_CTLR.Enable;
 *  4. MAPC/MAPD/MAPTI/INVALL/SYNC commands are written into the queue and
 *     GITS_CWRITER is advanced with a KVM_DEV_ARM_VGIC_GRP_ITS_REGS write.
 *     GITS_CWRITER has no user-access override in vgic-its.c (6.1 and 6.12:
 *     only GITS_IIDR and GITS_CREADR have one), so the write goes through
 *     vgic_mmio_write_its_cwriter(), which runs vgic_its_process_commands()
 *     exactly as a guest MMIO write would; arm-vgic-its.rst: "getting or
 *     setting a register has the same effect as reading/writing the register
 *     on real hardware". GITS_CREADR == GITS_CWRITER afterwards says every
 *     command was consumed;
 *  5. the mapping is then checked, not assumed: KVM_DEV_ARM_ITS_SAVE_TABLES
 *     makes KVM write its device table and ITTs back into guest RAM in the
 *     documented ABI format, and every DTE/ITE is compared with what was
 *     asked for (command errors are otherwise silent: a failed MAPTI just
 *     leaves the MSI unmapped).
 *
 * Rejected: (a) a guest payload writing the commands needs KVM_RUN of a
 * nested vCPU under TCG (slow, and a second source of failure) for nothing the
 * host-side CWRITER write does not already do; (c) KVM_DEV_ARM_ITS_RESTORE_TABLES
 * builds the same state from hand-written ABI tables, but bypasses the command
 * path and depends on the table ABI revision instead of the architecture.
 *
 * Delivery check: after a run, KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES writes the
 * pending bit of every LPI into the pending tables; with vCPUs that never run,
 * every LPI that was injected at least once stays pending. An ITS CLEAR per
 * event (kvm_its_clear_all) resets that state after a warm-up, without
 * touching the translation cache.
 *
 * Translation cache: the first injection of an (ITS, DeviceID, EventID) goes
 * through vgic_its_trigger_msi() and caches the translation; later irqfd
 * injections hit vgic_its_inject_cached_translation() from irqfd_wakeup().
 * Linux 6.1 keeps 16 x vCPUs entries per VM (LRU): more LPIs than that in
 * rotation miss the cache. 6.10+ caches every translation per ITS (xarray).
 */
#ifndef RS_KVM_ITS_H
#define RS_KVM_ITS_H

#include <stdint.h>
#include <stdbool.h>

/* Guest physical layout, as on qemu's "virt" machine. */
#define KITS_GICD_BASE		0x08000000ull
#define KITS_ITS_BASE		0x08080000ull
#define KITS_GICR_BASE		0x080a0000ull
#define KITS_RAM_BASE		0x40000000ull
#define KITS_GITS_TRANSLATER	0x10040ull	/* doorbell, in the ITS translation frame */
#define KITS_LPI_BASE		8192u
#define KITS_MAX_VCPUS		64u
#define KITS_MAX_DEVICES	8192u
#define KITS_MAX_EVENTS		65536u
#define KITS_MAX_LPIS		57344u		/* INTIDs 8192..65535: KVM's 16 ID bits */
#define KITS_MAX_ROUTES		4096u		/* KVM_MAX_IRQ_ROUTES: irqfd mode bound */

/* ITS register offsets (GICv3 architecture; not in the uapi headers). */
#define KITS_GITS_CTLR		0x0000
#define KITS_GITS_IIDR		0x0004
#define KITS_GITS_TYPER		0x0008
#define KITS_GITS_CBASER	0x0080
#define KITS_GITS_CWRITER	0x0088
#define KITS_GITS_CREADR	0x0090
#define KITS_GITS_BASER(n)	(0x0100 + 8 * (n))
/* Redistributor (RD_base frame) offsets. */
#define KITS_GICR_CTLR		0x0000
#define KITS_GICR_PROPBASER	0x0070
#define KITS_GICR_PENDBASER	0x0078

/* ITS command encodings (GICv3 architecture, 4 x 64-bit words). */
enum {
	KITS_CMD_CLEAR = 0x04,
	KITS_CMD_SYNC = 0x05,
	KITS_CMD_MAPD = 0x08,
	KITS_CMD_MAPC = 0x09,
	KITS_CMD_MAPTI = 0x0a,
	KITS_CMD_INVALL = 0x0d,
};

struct kits_cmd {
	uint64_t dw[4];
};

static inline struct kits_cmd kits_mapd(uint32_t devid, unsigned int eventid_bits, uint64_t itt, bool valid)
{
	struct kits_cmd c = { { KITS_CMD_MAPD | (uint64_t)devid << 32, (eventid_bits - 1) & 0x1f,
				(itt & 0x000fffffffffff00ull) | (uint64_t)valid << 63, 0 } };
	return c;
}

static inline struct kits_cmd kits_mapc(uint16_t icid, uint32_t rdbase, bool valid)
{
	struct kits_cmd c = { { KITS_CMD_MAPC, 0, icid | (uint64_t)rdbase << 16 | (uint64_t)valid << 63, 0 } };
	return c;
}

static inline struct kits_cmd kits_mapti(uint32_t devid, uint32_t eventid, uint32_t intid, uint16_t icid)
{
	struct kits_cmd c = { { KITS_CMD_MAPTI | (uint64_t)devid << 32, eventid | (uint64_t)intid << 32, icid, 0 } };
	return c;
}

static inline struct kits_cmd kits_clear(uint32_t devid, uint32_t eventid)
{
	struct kits_cmd c = { { KITS_CMD_CLEAR | (uint64_t)devid << 32, eventid, 0, 0 } };
	return c;
}

static inline struct kits_cmd kits_invall(uint16_t icid)
{
	struct kits_cmd c = { { KITS_CMD_INVALL, 0, icid, 0 } };
	return c;
}

static inline struct kits_cmd kits_sync(uint32_t rdbase)
{
	struct kits_cmd c = { { KITS_CMD_SYNC, 0, (uint64_t)rdbase << 16, 0 } };
	return c;
}

/* Smallest n >= 1 with 2^n >= v. */
static inline unsigned int kits_bits_for(uint32_t v)
{
	unsigned int n = 1;

	while (n < 32 && (1ull << n) < v)
		n++;
	return n;
}

struct kvm_its_cfg {
	uint32_t vcpus;		/* 1..KITS_MAX_VCPUS; one collection per vCPU */
	uint32_t devices;	/* DeviceIDs 0..devices-1 */
	uint32_t events;	/* EventIDs 0..events-1 per device */
};

struct kvm_its_vm {
	struct kvm_its_cfg cfg;
	int kvm_fd, vm_fd, gic_fd, its_fd;
	int vcpu_fd[KITS_MAX_VCPUS];
	uint32_t vcpu_attr[KITS_MAX_VCPUS];	/* MPIDR in the REDIST_REGS attr encoding */
	uint8_t *mem;				/* guest RAM at KITS_RAM_BASE */
	uint64_t mem_size;
	/* Offsets into mem of each table. */
	uint64_t cmdq, cmdq_size, devtab, devtab_size, colltab, prop, prop_size, pend, pend_stride, itt,
		itt_stride;
	unsigned int idbits;			/* GICR_PROPBASER.IDbits: INTIDs < 2^(idbits+1) */
	unsigned int eventid_bits;
	uint64_t cwriter;
	uint32_t commands;			/* ITS commands processed during setup */
	uint32_t iidr;
	int nroutes;				/* MSI routes installed (irqfd) */
};

/* LPI / route number of (device, event). */
static inline uint32_t kvm_its_index(const struct kvm_its_vm *vm, uint32_t dev, uint32_t ev)
{
	return dev * vm->cfg.events + ev;
}

static inline uint32_t kvm_its_lpi(const struct kvm_its_vm *vm, uint32_t dev, uint32_t ev)
{
	return KITS_LPI_BASE + kvm_its_index(vm, dev, ev);
}

static inline uint64_t kvm_its_doorbell(void)
{
	return KITS_ITS_BASE + KITS_GITS_TRANSLATER;
}

#ifdef __aarch64__
/* Create the VM, vCPUs, vgic-v3 and ITS, map every (device, event) to its
 * LPI and verify the mapping. Prints one error line naming the fix and
 * returns -errno on failure (everything created is released). */
int kvm_its_open(struct kvm_its_vm *vm, const struct kvm_its_cfg *cfg);
void kvm_its_close(struct kvm_its_vm *vm);
/* MSI routes (gsi = kvm_its_index) for every (device, event), and one
 * eventfd per route bound with KVM_IRQFD; efds has devices*events slots. */
int kvm_its_irqfd_setup(struct kvm_its_vm *vm, int *efds);
/* KVM_SIGNAL_MSI for (device, event): >0 delivered, 0 blocked, <0 -errno. */
int kvm_its_signal_msi(const struct kvm_its_vm *vm, uint32_t dev, uint32_t ev);
/* ITS CLEAR of every (device, event), then SYNC: no LPI pending any more;
 * cached translations stay (CLEAR does not invalidate the cache). */
int kvm_its_clear_all(struct kvm_its_vm *vm);
/* KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES, then count the pending LPIs of
 * this VM's mappings. */
int kvm_its_count_pending(struct kvm_its_vm *vm, uint64_t *pending);
#endif

#endif
