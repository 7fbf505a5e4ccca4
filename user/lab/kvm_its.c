/* arm64 KVM VM with a vgic-v3 and an ITS for MSI injection benchmarks; the
 * design (why the ITS command queue is driven through GITS_CWRITER device
 * attribute writes) is described in kvm_its.h. arm64 only: elsewhere this
 * file compiles to nothing and `lpi-load` refuses to run. */
#include "kvm_its.h"

#ifdef __aarch64__
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <linux/kvm.h>
#include "log.h"

#define SZ_64K		0x10000ull
#define SZ_2M		0x200000ull
#define ALIGN_UP(x, a)	(((x) + (a) - 1) & ~((uint64_t)(a) - 1))

/* GICv3 register fields used here. */
#define GITS_CTLR_ENABLE	(1ull << 0)
#define GITS_BASER_VALID	(1ull << 63)
#define GITS_BASER_TYPE(r)	(((r) >> 56) & 7)
#define GITS_BASER_TYPE_DEVICE	1
#define GITS_BASER_TYPE_COLL	4
#define GITS_BASER_ESZ(r)	((((r) >> 48) & 0x1f) + 1)
#define GITS_BASER_PAGE_64K	(2ull << 8)
#define GITS_CBASER_VALID	(1ull << 63)
#define GIC_INNER_SHAREABLE	(1ull << 10)
#define GITS_CACHE_RAWAWB	(7ull << 59)	/* GITS_BASER/CBASER InnerCache */
#define GICR_CACHE_RAWAWB	(7ull << 7)	/* GICR_PROPBASER/PENDBASER InnerCache */
#define GICR_PENDBASER_PTZ	(1ull << 62)
#define GICR_CTLR_ENABLE_LPIS	(1u << 0)
#define LPI_PROP_ENABLED	0x01
#define LPI_PROP_PRIORITY	0xa0
/* Table entry layout of the save/restore ABI (arm-vgic-its.rst, revision 0). */
#define DTE_VALID		(1ull << 63)
#define DTE_ITT(e)		((((e) >> 5) & ((1ull << 44) - 1)) << 8)
#define DTE_SIZE(e)		(((e) & 0x1f) + 1)
#define ITE_PINTID(e)		(((e) >> 16) & 0xffffffffull)
#define ITE_ICID(e)		((e) & 0xffff)
#define CTE_VALID		(1ull << 63)
#define CTE_RDBASE(e)		(((e) >> 16) & 0xffffffffull)

static int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

static int dev_attr(int fd, bool set, uint32_t group, uint64_t attr, void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uint64_t)(uintptr_t)val };

	return xioctl(fd, set ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR, &a);
}

static int its_reg(struct kvm_its_vm *vm, bool set, uint32_t off, uint64_t *val)
{
	return dev_attr(vm->its_fd, set, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, off, val);
}

/* Redistributor registers are accessed 32 bits at a time (arm-vgic-v3.rst). */
static int rdist_reg32(struct kvm_its_vm *vm, uint32_t vcpu, bool set, uint32_t off, uint32_t *val)
{
	uint64_t attr = (uint64_t)vm->vcpu_attr[vcpu] << KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT | off;

	return dev_attr(vm->gic_fd, set, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, attr, val);
}

static int rdist_write64(struct kvm_its_vm *vm, uint32_t vcpu, uint32_t off, uint64_t val)
{
	uint32_t lo = (uint32_t)val, hi = (uint32_t)(val >> 32);
	int err;

	if ((err = rdist_reg32(vm, vcpu, true, off, &lo)))
		return err;
	return rdist_reg32(vm, vcpu, true, off + 4, &hi);
}

static int rdist_read64(struct kvm_its_vm *vm, uint32_t vcpu, uint32_t off, uint64_t *val)
{
	uint32_t lo, hi;
	int err;

	if ((err = rdist_reg32(vm, vcpu, false, off, &lo)) || (err = rdist_reg32(vm, vcpu, false, off + 4, &hi)))
		return err;
	*val = (uint64_t)hi << 32 | lo;
	return 0;
}

static int fail(int err, const char *what, const char *fix)
{
	rs_err("%s: %s%s%s", what, strerror(-err), fix ? ": " : "", fix ? fix : "");
	return err;
}

/* Where every table lives in guest RAM (offsets from KITS_RAM_BASE). */
static void layout(struct kvm_its_vm *vm)
{
	const struct kvm_its_cfg *c = &vm->cfg;
	uint64_t off = 0, nlpis = (uint64_t)c->devices * c->events;

	vm->idbits = 13;	/* INTIDs < 2^14: LPIs 8192..16383 */
	while (vm->idbits < 15 && KITS_LPI_BASE + nlpis > (1ull << (vm->idbits + 1)))
		vm->idbits++;
	vm->eventid_bits = kits_bits_for(c->events);
	vm->cmdq = off;
	vm->cmdq_size = SZ_64K;				/* 2048 commands */
	off += vm->cmdq_size;
	vm->devtab = off;
	vm->devtab_size = ALIGN_UP((uint64_t)c->devices * 8, SZ_64K);
	off += vm->devtab_size;
	vm->colltab = off;
	off += SZ_64K;
	vm->prop = off;
	vm->prop_size = (1ull << (vm->idbits + 1)) - KITS_LPI_BASE;
	off += ALIGN_UP(vm->prop_size, SZ_64K);
	vm->pend = off;
	vm->pend_stride = ALIGN_UP((1ull << (vm->idbits + 1)) / 8, SZ_64K);
	off += vm->pend_stride * c->vcpus;
	vm->itt = off;
	vm->itt_stride = ALIGN_UP((1ull << vm->eventid_bits) * 8, 256);
	off += (uint64_t)c->devices * vm->itt_stride;
	vm->mem_size = ALIGN_UP(off, SZ_2M);
}

static int create_vcpus(struct kvm_its_vm *vm)
{
	struct kvm_vcpu_init init;
	int err;

	memset(&init, 0, sizeof(init));
	if ((err = xioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init)))
		return fail(err, "KVM_ARM_PREFERRED_TARGET", NULL);
	for (uint32_t i = 0; i < vm->cfg.vcpus; i++) {
		uint64_t mpidr;
		struct kvm_one_reg reg = { .id = ARM64_SYS_REG(3, 0, 0, 0, 5), .addr = (uint64_t)(uintptr_t)&mpidr };

		err = xioctl(vm->vm_fd, KVM_CREATE_VCPU, (void *)(uintptr_t)i);
		if (err < 0)
			return fail(err, "KVM_CREATE_VCPU", "lower --vcpus");
		vm->vcpu_fd[i] = err;
		if ((err = xioctl(vm->vcpu_fd[i], KVM_ARM_VCPU_INIT, &init)))
			return fail(err, "KVM_ARM_VCPU_INIT", NULL);
		if ((err = xioctl(vm->vcpu_fd[i], KVM_GET_ONE_REG, &reg)))
			return fail(err, "reading MPIDR_EL1 (KVM_GET_ONE_REG)", NULL);
		/* Aff3.Aff2.Aff1.Aff0 packed in 32 bits, as the REDIST_REGS attr wants. */
		vm->vcpu_attr[i] = (uint32_t)((mpidr >> 32 & 0xff) << 24 | (mpidr >> 16 & 0xff) << 16 |
					      (mpidr >> 8 & 0xff) << 8 | (mpidr & 0xff));
	}
	return 0;
}

static int create_gic(struct kvm_its_vm *vm)
{
	struct kvm_create_device gic = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	struct kvm_create_device its = { .type = KVM_DEV_TYPE_ARM_VGIC_ITS };
	uint64_t a;
	int err;

	if ((err = xioctl(vm->vm_fd, KVM_CREATE_DEVICE, &gic)))
		return fail(err, "cannot create a vgic-v3 (KVM_CREATE_DEVICE)",
			    "the host needs a GICv3 with virtualisation (qemu -M virt,virtualization=on,gic-version=3)");
	vm->gic_fd = gic.fd;
	a = KITS_GICD_BASE;
	if ((err = dev_attr(vm->gic_fd, true, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &a)))
		return fail(err, "setting the GICD base", NULL);
	a = KITS_GICR_BASE;
	if ((err = dev_attr(vm->gic_fd, true, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &a)))
		return fail(err, "setting the GICR base", NULL);
	if ((err = xioctl(vm->vm_fd, KVM_CREATE_DEVICE, &its)))
		return fail(err, "cannot create a vgic ITS (KVM_CREATE_DEVICE)",
			    "boot the arm64 guest with qemu -M virt,virtualization=on,gic-version=3,its=on");
	vm->its_fd = its.fd;
	a = KITS_ITS_BASE;
	if ((err = dev_attr(vm->its_fd, true, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_ITS_ADDR_TYPE, &a)))
		return fail(err, "setting the ITS base", NULL);
	if ((err = dev_attr(vm->its_fd, true, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL)))
		return fail(err, "ITS KVM_DEV_ARM_VGIC_CTRL_INIT", NULL);
	/* vgic_init(): also sizes 6.1's per-VM LPI translation cache (16 per vCPU). */
	if ((err = dev_attr(vm->gic_fd, true, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL)))
		return fail(err, "vgic-v3 KVM_DEV_ARM_VGIC_CTRL_INIT", NULL);
	return 0;
}

/* LPI property table, then PROPBASER/PENDBASER/EnableLPIs on every redistributor. */
static int enable_lpis(struct kvm_its_vm *vm)
{
	uint64_t propbaser = (KITS_RAM_BASE + vm->prop) | vm->idbits | GIC_INNER_SHAREABLE | GICR_CACHE_RAWAWB;
	uint64_t nlpis = (uint64_t)vm->cfg.devices * vm->cfg.events, v;
	uint32_t ctlr;
	int err;

	for (uint64_t i = 0; i < nlpis; i++)
		vm->mem[vm->prop + i] = LPI_PROP_PRIORITY | LPI_PROP_ENABLED;
	for (uint32_t c = 0; c < vm->cfg.vcpus; c++) {
		uint64_t pendbaser = (KITS_RAM_BASE + vm->pend + c * vm->pend_stride) | GICR_PENDBASER_PTZ |
				     GIC_INNER_SHAREABLE | GICR_CACHE_RAWAWB;

		if ((err = rdist_write64(vm, c, KITS_GICR_PROPBASER, propbaser)))
			return fail(err, "writing GICR_PROPBASER (KVM_DEV_ARM_VGIC_GRP_REDIST_REGS)", NULL);
		if ((err = rdist_write64(vm, c, KITS_GICR_PENDBASER, pendbaser)))
			return fail(err, "writing GICR_PENDBASER", NULL);
		ctlr = GICR_CTLR_ENABLE_LPIS;
		if ((err = rdist_reg32(vm, c, true, KITS_GICR_CTLR, &ctlr)))
			return fail(err, "writing GICR_CTLR.EnableLPIs", NULL);
		if ((err = rdist_reg32(vm, c, false, KITS_GICR_CTLR, &ctlr)) ||
		    (err = rdist_read64(vm, c, KITS_GICR_PROPBASER, &v)))
			return fail(err, "reading GICR_CTLR/GICR_PROPBASER back", NULL);
		if (!(ctlr & GICR_CTLR_ENABLE_LPIS) || (v & ~0xfffull) != KITS_RAM_BASE + vm->prop) {
			rs_err("redistributor %u did not take EnableLPIs/PROPBASER (GICR_CTLR %#x, PROPBASER %#llx): "
			       "this kernel's vgic lacks LPI support for user space", c, ctlr, (unsigned long long)v);
			return -EIO;
		}
	}
	return 0;
}

static int set_baser(struct kvm_its_vm *vm, int n, unsigned int type, uint64_t off, uint64_t size)
{
	uint64_t v;
	int err;

	if ((err = its_reg(vm, false, KITS_GITS_BASER(n), &v)))
		return fail(err, "reading GITS_BASER", NULL);
	if (GITS_BASER_TYPE(v) != type || GITS_BASER_ESZ(v) != 8) {
		rs_err("GITS_BASER%d is type %llu entry size %llu, expected type %u size 8: unknown vgic ITS ABI", n,
		       (unsigned long long)GITS_BASER_TYPE(v), (unsigned long long)GITS_BASER_ESZ(v), type);
		return -EPROTO;
	}
	v = GITS_BASER_VALID | GITS_CACHE_RAWAWB | (KITS_RAM_BASE + off) | GIC_INNER_SHAREABLE | GITS_BASER_PAGE_64K |
	    (size / SZ_64K - 1);
	if ((err = its_reg(vm, true, KITS_GITS_BASER(n), &v)) || (err = its_reg(vm, false, KITS_GITS_BASER(n), &v)))
		return fail(err, "writing GITS_BASER", NULL);
	if (!(v & GITS_BASER_VALID)) {
		rs_err("GITS_BASER%d did not become valid (%#llx)", n, (unsigned long long)v);
		return -EIO;
	}
	return 0;
}

static int enable_its(struct kvm_its_vm *vm)
{
	uint64_t v;
	int err;

	if ((err = its_reg(vm, false, KITS_GITS_IIDR, &v)))
		return fail(err, "reading GITS_IIDR (KVM_DEV_ARM_VGIC_GRP_ITS_REGS)", NULL);
	vm->iidr = (uint32_t)v;
	if ((err = set_baser(vm, 0, GITS_BASER_TYPE_DEVICE, vm->devtab, vm->devtab_size)) ||
	    (err = set_baser(vm, 1, GITS_BASER_TYPE_COLL, vm->colltab, SZ_64K)))
		return err;
	v = GITS_CBASER_VALID | GITS_CACHE_RAWAWB | (KITS_RAM_BASE + vm->cmdq) | GIC_INNER_SHAREABLE |
	    (vm->cmdq_size / 4096 - 1);
	if ((err = its_reg(vm, true, KITS_GITS_CBASER, &v)))
		return fail(err, "writing GITS_CBASER", NULL);
	v = GITS_CTLR_ENABLE;
	if ((err = its_reg(vm, true, KITS_GITS_CTLR, &v)) || (err = its_reg(vm, false, KITS_GITS_CTLR, &v)))
		return fail(err, "writing GITS_CTLR", NULL);
	if (!(v & GITS_CTLR_ENABLE)) {
		rs_err("the ITS did not enable (GITS_CTLR %#llx)", (unsigned long long)v);
		return -EIO;
	}
	vm->cwriter = 0;
	return 0;
}

/* Queue of commands not yet handed to the ITS. */
struct cmd_batch {
	struct kvm_its_vm *vm;
	uint32_t queued;
};

/* Advance GITS_CWRITER over what was queued: KVM processes the commands inside
 * that write (vgic_mmio_write_its_cwriter), so CREADR must catch up at once. */
static int flush(struct cmd_batch *b)
{
	struct kvm_its_vm *vm = b->vm;
	uint64_t w = vm->cwriter, r;
	int err;

	if (!b->queued)
		return 0;
	if ((err = its_reg(vm, true, KITS_GITS_CWRITER, &w)))
		return fail(err, "writing GITS_CWRITER", NULL);
	if ((err = its_reg(vm, false, KITS_GITS_CREADR, &r)))
		return fail(err, "reading GITS_CREADR", NULL);
	if (r != vm->cwriter) {
		rs_err("the ITS stopped at command offset %#llx of %#llx (GITS_CREADR): commands not processed",
		       (unsigned long long)r, (unsigned long long)vm->cwriter);
		return -EIO;
	}
	vm->commands += b->queued;
	b->queued = 0;
	return 0;
}

static int queue(struct cmd_batch *b, struct kits_cmd c)
{
	struct kvm_its_vm *vm = b->vm;
	int err;

	/* Keep one slot free: the queue is full when CWRITER + 1 == CREADR. */
	if (b->queued + 1 >= vm->cmdq_size / sizeof(c) && (err = flush(b)))
		return err;
	for (int i = 0; i < 4; i++)
		c.dw[i] = htole64(c.dw[i]);
	memcpy(vm->mem + vm->cmdq + vm->cwriter, &c, sizeof(c));
	vm->cwriter = (vm->cwriter + sizeof(c)) % vm->cmdq_size;
	b->queued++;
	return 0;
}

static int map_lpis(struct kvm_its_vm *vm)
{
	const struct kvm_its_cfg *c = &vm->cfg;
	struct cmd_batch b = { .vm = vm };
	int err = 0;

	for (uint32_t v = 0; v < c->vcpus && !err; v++)
		err = queue(&b, kits_mapc(v, v, true));
	for (uint32_t d = 0; d < c->devices && !err; d++)
		err = queue(&b, kits_mapd(d, vm->eventid_bits, KITS_RAM_BASE + vm->itt + d * vm->itt_stride, true));
	for (uint32_t d = 0; d < c->devices && !err; d++)
		for (uint32_t e = 0; e < c->events && !err; e++)
			err = queue(&b, kits_mapti(d, e, kvm_its_lpi(vm, d, e), kvm_its_index(vm, d, e) % c->vcpus));
	for (uint32_t v = 0; v < c->vcpus && !err; v++)
		err = queue(&b, kits_invall(v));
	for (uint32_t v = 0; v < c->vcpus && !err; v++)
		err = queue(&b, kits_sync(v));
	return err ? err : flush(&b);
}

static uint64_t rd64(const struct kvm_its_vm *vm, uint64_t off)
{
	uint64_t v;

	memcpy(&v, vm->mem + off, sizeof(v));
	return le64toh(v);
}

/* Have KVM write its view of the ITS back into guest RAM (ABI tables) and
 * compare every collection, device and event with the request. */
static int verify_mapping(struct kvm_its_vm *vm)
{
	const struct kvm_its_cfg *c = &vm->cfg;
	int err;

	if ((err = dev_attr(vm->its_fd, true, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_ITS_SAVE_TABLES, NULL)))
		return fail(err, "KVM_DEV_ARM_ITS_SAVE_TABLES (checking the mapping)", NULL);
	for (uint32_t v = 0; v < c->vcpus; v++) {
		uint64_t e = rd64(vm, vm->colltab + v * 8);

		if (!(e & CTE_VALID) || CTE_RDBASE(e) != v || ITE_ICID(e) != v) {
			rs_err("collection %u is not mapped to vCPU %u after MAPC (saved entry %#llx)", v, v,
			       (unsigned long long)e);
			return -EIO;
		}
	}
	for (uint32_t d = 0; d < c->devices; d++) {
		uint64_t e = rd64(vm, vm->devtab + d * 8), itt = KITS_RAM_BASE + vm->itt + d * vm->itt_stride;

		if (!(e & DTE_VALID) || DTE_ITT(e) != itt || DTE_SIZE(e) != vm->eventid_bits) {
			rs_err("device %u is not mapped after MAPD (saved entry %#llx)", d, (unsigned long long)e);
			return -EIO;
		}
		for (uint32_t ev = 0; ev < c->events; ev++) {
			uint64_t ite = rd64(vm, vm->itt + d * vm->itt_stride + ev * 8);

			if (ITE_PINTID(ite) != kvm_its_lpi(vm, d, ev) ||
			    ITE_ICID(ite) != kvm_its_index(vm, d, ev) % c->vcpus) {
				rs_err("device %u event %u is not mapped to LPI %u after MAPTI (saved entry %#llx)", d,
				       ev, kvm_its_lpi(vm, d, ev), (unsigned long long)ite);
				return -EIO;
			}
		}
	}
	return 0;
}

static int check_caps(struct kvm_its_vm *vm)
{
	static const struct {
		long cap;
		const char *name;
	} caps[] = {
		{ KVM_CAP_DEVICE_CTRL, "KVM_CAP_DEVICE_CTRL" },
		{ KVM_CAP_IRQ_ROUTING, "KVM_CAP_IRQ_ROUTING" },
		{ KVM_CAP_IRQFD, "KVM_CAP_IRQFD" },
		{ KVM_CAP_SIGNAL_MSI, "KVM_CAP_SIGNAL_MSI" },
	};

	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (xioctl(vm->vm_fd, KVM_CHECK_EXTENSION, (void *)caps[i].cap) <= 0) {
			rs_err("KVM lacks %s: needs arm64 KVM with an in-kernel vgic-v3 (Linux >= 4.8)", caps[i].name);
			return -EOPNOTSUPP;
		}
	return 0;
}

int kvm_its_open(struct kvm_its_vm *vm, const struct kvm_its_cfg *cfg)
{
	struct kvm_userspace_memory_region slot;
	int err;

	memset(vm, 0, sizeof(*vm));
	vm->cfg = *cfg;
	vm->kvm_fd = vm->vm_fd = vm->gic_fd = vm->its_fd = -1;
	for (uint32_t i = 0; i < KITS_MAX_VCPUS; i++)
		vm->vcpu_fd[i] = -1;
	if (!cfg->vcpus || cfg->vcpus > KITS_MAX_VCPUS || !cfg->devices || cfg->devices > KITS_MAX_DEVICES ||
	    !cfg->events || cfg->events > KITS_MAX_EVENTS || (uint64_t)cfg->devices * cfg->events > KITS_MAX_LPIS) {
		rs_err("%u vCPUs, %u devices x %u events: allowed 1..%u vCPUs, 1..%u devices, 1..%u events, "
		       "devices x events <= %u", cfg->vcpus, cfg->devices, cfg->events, KITS_MAX_VCPUS,
		       KITS_MAX_DEVICES, KITS_MAX_EVENTS, KITS_MAX_LPIS);
		return -EINVAL;
	}
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		err = -errno;
		kvm_its_close(vm);
		return fail(err, "cannot open /dev/kvm",
			    err == -ENOENT ? "boot the arm64 guest with qemu -M virt,virtualization=on so that KVM "
					     "initialises at EL2" : "run as root");
	}
	if (xioctl(vm->kvm_fd, KVM_GET_API_VERSION, NULL) != KVM_API_VERSION) {
		kvm_its_close(vm);
		rs_err("/dev/kvm speaks an unknown KVM API version");
		return -EPROTO;
	}
	err = xioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (err < 0) {
		kvm_its_close(vm);
		return fail(err, "KVM_CREATE_VM", NULL);
	}
	vm->vm_fd = err;
	if ((err = check_caps(vm)))
		goto out;
	layout(vm);
	vm->mem = mmap(NULL, vm->mem_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED) {
		vm->mem = NULL;
		err = fail(-errno, "cannot map guest memory", NULL);
		goto out;
	}
	slot = (struct kvm_userspace_memory_region){ .slot = 0, .guest_phys_addr = KITS_RAM_BASE,
						     .memory_size = vm->mem_size,
						     .userspace_addr = (uint64_t)(uintptr_t)vm->mem };
	if ((err = xioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot))) {
		err = fail(err, "KVM_SET_USER_MEMORY_REGION", NULL);
		goto out;
	}
	if ((err = create_vcpus(vm)) || (err = create_gic(vm)) || (err = enable_lpis(vm)) ||
	    (err = enable_its(vm)) || (err = map_lpis(vm)) || (err = verify_mapping(vm)))
		goto out;
	return 0;
out:
	kvm_its_close(vm);
	return err;
}

void kvm_its_close(struct kvm_its_vm *vm)
{
	for (uint32_t i = 0; i < KITS_MAX_VCPUS; i++)
		if (vm->vcpu_fd[i] >= 0)
			close(vm->vcpu_fd[i]);
	if (vm->its_fd >= 0)
		close(vm->its_fd);
	if (vm->gic_fd >= 0)
		close(vm->gic_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	if (vm->mem)
		munmap(vm->mem, vm->mem_size);
	vm->kvm_fd = vm->vm_fd = vm->gic_fd = vm->its_fd = -1;
	for (uint32_t i = 0; i < KITS_MAX_VCPUS; i++)
		vm->vcpu_fd[i] = -1;
	vm->mem = NULL;
}

int kvm_its_irqfd_setup(struct kvm_its_vm *vm, int *efds)
{
	const struct kvm_its_cfg *c = &vm->cfg;
	uint32_t n = c->devices * c->events;
	struct kvm_irq_routing *rt;
	struct rlimit rl;
	int err;

	if (n > KITS_MAX_ROUTES) {
		rs_err("irqfd needs one GSI route per event: devices x events = %u > %u (KVM_MAX_IRQ_ROUTES); "
		       "use fewer, or --mode signal-msi", n, KITS_MAX_ROUTES);
		return -EINVAL;
	}
	/* One eventfd per route: lift the soft (and, as root, hard) fd limit. */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < n + 64) {
		rl.rlim_cur = n + 64;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			return fail(-errno, "cannot raise RLIMIT_NOFILE for the eventfds", "run as root or lower --events");
	}
	rt = calloc(1, sizeof(*rt) + n * sizeof(rt->entries[0]));
	if (!rt)
		return fail(-ENOMEM, "routing table", NULL);
	rt->nr = n;
	for (uint32_t d = 0; d < c->devices; d++)
		for (uint32_t e = 0; e < c->events; e++) {
			struct kvm_irq_routing_entry *r = &rt->entries[kvm_its_index(vm, d, e)];

			r->gsi = kvm_its_index(vm, d, e);
			r->type = KVM_IRQ_ROUTING_MSI;
			r->flags = KVM_MSI_VALID_DEVID;
			r->u.msi.address_lo = (uint32_t)kvm_its_doorbell();
			r->u.msi.address_hi = (uint32_t)(kvm_its_doorbell() >> 32);
			r->u.msi.data = e;
			r->u.msi.devid = d;
		}
	err = xioctl(vm->vm_fd, KVM_SET_GSI_ROUTING, rt);
	free(rt);
	if (err)
		return fail(err, "KVM_SET_GSI_ROUTING (MSI routes with DeviceIDs)", NULL);
	vm->nroutes = (int)n;
	for (uint32_t i = 0; i < n; i++) {
		struct kvm_irqfd irqfd = { .gsi = i };

		efds[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (efds[i] < 0)
			return fail(-errno, "eventfd", NULL);
		irqfd.fd = (uint32_t)efds[i];
		if ((err = xioctl(vm->vm_fd, KVM_IRQFD, &irqfd)))
			return fail(err, "KVM_IRQFD", NULL);
	}
	return 0;
}

int kvm_its_signal_msi(const struct kvm_its_vm *vm, uint32_t dev, uint32_t ev)
{
	struct kvm_msi msi = {
		.address_lo = (uint32_t)kvm_its_doorbell(),
		.address_hi = (uint32_t)(kvm_its_doorbell() >> 32),
		.data = ev,
		.flags = KVM_MSI_VALID_DEVID,
		.devid = dev,
	};

	return xioctl(vm->vm_fd, KVM_SIGNAL_MSI, &msi);
}

int kvm_its_clear_all(struct kvm_its_vm *vm)
{
	const struct kvm_its_cfg *c = &vm->cfg;
	struct cmd_batch b = { .vm = vm };
	int err = 0;

	for (uint32_t d = 0; d < c->devices && !err; d++)
		for (uint32_t e = 0; e < c->events && !err; e++)
			err = queue(&b, kits_clear(d, e));
	for (uint32_t v = 0; v < c->vcpus && !err; v++)
		err = queue(&b, kits_sync(v));
	return err ? err : flush(&b);
}

int kvm_its_count_pending(struct kvm_its_vm *vm, uint64_t *pending)
{
	const struct kvm_its_cfg *c = &vm->cfg;
	int err;

	*pending = 0;
	if ((err = dev_attr(vm->gic_fd, true, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES, NULL)))
		return fail(err, "KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES", NULL);
	for (uint32_t d = 0; d < c->devices; d++)
		for (uint32_t e = 0; e < c->events; e++) {
			uint32_t lpi = kvm_its_lpi(vm, d, e);
			uint64_t tab = vm->pend + (kvm_its_index(vm, d, e) % c->vcpus) * vm->pend_stride;

			if (vm->mem[tab + lpi / 8] & (1u << (lpi % 8)))
				(*pending)++;
		}
	return 0;
}

#else
/* Nothing outside arm64: cmd_lpi_load.c refuses to run there. */
typedef int kvm_its_not_arm64;
#endif
