// SPDX-License-Identifier: GPL-2.0
/*
 * abi-probe: everything a VMM that changes nothing sees of KVM/arm64, as
 * stable "key value" lines, so that two kernels on the same host CPU can
 * be compared with diff(1) (scripts/rollback-diff.sh: unpatched 6.1
 * against the series, "rollback safe by default").
 *
 *   cap.*      KVM_CHECK_EXTENSION on /dev/kvm and on a VM for every
 *              capability number 6.1 knows (0..223);
 *   variant.*  for each vCPU feature set (none, PSCI 0.2, PMUv3, SVE,
 *              pointer authentication, 32-bit EL1, what QEMU asks for,
 *              the same with every register written back):
 *              a VM with one vCPU set up as a VMM does (vGICv3, PMU
 *              interrupt, SVE finalised), then
 *              - KVM_GET_REG_LIST: count, order, every id (sorted) with
 *                its KVM_GET_ONE_REG value;
 *              - guest code (hand-assembled, A64 or A32 for 32-bit EL1)
 *                that reads the ID registers (op0=3, op1=0, CRn=0,
 *                CRm=0..7, op2=0..7), CTR_EL0, DCZID_EL0, CLIDR_EL1,
 *                AIDR_EL1, CCSIDR_EL1/CCSIDR2_EL1 for CSSELR 0..13 with
 *                MRS/MRC, asks PSCI, SMCCC and the KVM vendor service
 *                with HVC, and reports every value by a store to an
 *                address without memslot (KVM_EXIT_MMIO).  A read that
 *                UNDEFs is reported with its ESR_EL1 (the guest's vector
 *                skips the instruction);
 *              - loops of --loops reads of CTR_EL0, CCSIDR_EL1,
 *                CLIDR_EL1, MIDR_EL1, REVIDR_EL1 and AIDR_EL1, with the
 *                exits they cost: KVM_RUN returns and the vCPU's binary
 *                "exits" statistic;
 *              - for "qemu-restore", KVM_SET_ONE_REG of every register
 *                with the value read first, as QEMU does;
 *              - the registers whose values changed while the guest ran.
 *
 * The virtual counter (KVM_REG_ARM_TIMER_CNT) prints as "volatile": it
 * differs between two boots of the same kernel (see reg_volatile()).
 *
 * Failures (counted in "probe.end failures=N", exit status 1): an ioctl
 * a VMM needs failing ("PREFIX.error WHAT ERRNO"), the guest stopping
 * early ("guest.stopped"), a value the guest never reported ("missing")
 * and a listed register KVM_GET_ONE_REG cannot read ("reg.ID NAME error
 * ERRNO"): both kernels failing the same way is no proof of anything.
 *
 * Lines starting with "info." (kernel release, raw exit counts, times,
 * the counter's value, the register list in KVM's order) and
 * "abi-new." (what the series adds and a VMM reaches only through the
 * new ABI: capabilities above 223, i.e. KVM_CAP_ARM_SUPPORTED_REG_MASK_
 * RANGES (230) and KVM_CAP_ARM_WRITABLE_IMP_ID_REGS (239), and
 * KVM_GET_ONE_REG of CCSIDR indices KVM_GET_REG_LIST does not name) are
 * expected to differ between kernels; rollback-diff.sh does not compare
 * them.  Every other line must be identical.
 *
 * Static, libc only; runs as the guest's /bin/abi-probe.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvm-arm64-compat.h"
#include "kvm-reg-list.h"

struct rig_enum {
	uint64_t val;
	const char *name;
};

struct rig_field {
	const char *name;
	int shift, width;
	const struct rig_enum *enums;
};

struct rig_reg {
	const char *name;
	int op0, op1, crn, crm, op2;
	const struct rig_field *fields;
};

#include "sysreg-fields.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The last capability number Linux 6.1 defines (DIRTY_LOG_RING_ACQ_REL). */
#define LAST_CAP_61	223
#define LAST_CAP_SCAN	511

#define GUEST_IPA	0x40000000ULL
#define GUEST_SIZE	0x10000UL
#define GUEST_MMIO	0x20000000ULL	/* no memslot: a store exits to us */
#define CODE_A64	0x1000		/* after the 2 KiB vector table */
#define CODE_A32	0x100		/* after the 8 vectors */

/*
 * The guest reports value k by a store to GUEST_MMIO + k * stride (8 for
 * A64 "str x, [x6, #imm]", 4 for A32 "str r, [r6, #imm]"): the address
 * says which value it is, so a lost or extra report cannot shift the
 * others.  Exceptions other than the expected UNDEF report to
 * SLOT_UNEXPECTED + vector, the end of the program to SLOT_DONE.
 */
#define A64_SLOTS		4096
#define A64_SLOT_UNEXPECTED	4000
#define A64_SLOT_DONE		4020
#define A32_SLOTS		1024
#define A32_SLOT_UNEXPECTED	1000
#define A32_SLOT_DONE		1010
#define MAX_ITEMS		512

static int kvm_fd, run_size, nr_loops = 10000;
static int failures;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* How long a part of the probe took (not compared). */
static void pr_time(const char *p, const char *what, uint64_t *t0)
{
	uint64_t t = now_ms();

	printf("info.%stime-ms.%s %llu\n", p, what, (unsigned long long)(t - *t0));
	*t0 = t;
}

/* ---- small helpers ------------------------------------------------------ */

static const char *err_name(int e)
{
	switch (e) {
	case ENOENT: return "ENOENT";
	case EINVAL: return "EINVAL";
	case EPERM: return "EPERM";
	case EBUSY: return "EBUSY";
	case ENXIO: return "ENXIO";
	case ENODEV: return "ENODEV";
	case E2BIG: return "E2BIG";
	case EFAULT: return "EFAULT";
	case ENOEXEC: return "ENOEXEC";
	case EEXIST: return "EEXIST";
	default: return "E?";
	}
}

/* An error is data too: print it under the prefix, deterministically. */
static void pr_err(const char *prefix, const char *what)
{
	printf("%serror %s %s(%d)\n", prefix, what, err_name(errno), errno);
	failures++;
}

static uint64_t sysreg_id(int op0, int op1, int crn, int crm, int op2)
{
	return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG |
	       ((uint64_t)op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}

static const struct {
	int op0, op1, crn, crm, op2;
	const char *name;
} extra_names[] = {
	{ 3, 0, 0, 0, 0, "MIDR_EL1" },		{ 3, 0, 0, 0, 5, "MPIDR_EL1" },
	{ 3, 0, 0, 0, 6, "REVIDR_EL1" },	{ 3, 1, 0, 0, 0, "CCSIDR_EL1" },
	{ 3, 1, 0, 0, 1, "CLIDR_EL1" },		{ 3, 1, 0, 0, 2, "CCSIDR2_EL1" },
	{ 3, 1, 0, 0, 7, "AIDR_EL1" },		{ 3, 2, 0, 0, 0, "CSSELR_EL1" },
	{ 3, 3, 0, 0, 1, "CTR_EL0" },		{ 3, 3, 0, 0, 7, "DCZID_EL0" },
	{ 3, 0, 0, 1, 0, "ID_PFR0_EL1" },	{ 3, 0, 0, 1, 1, "ID_PFR1_EL1" },
	{ 3, 0, 0, 1, 2, "ID_DFR0_EL1" },	{ 3, 0, 0, 1, 3, "ID_AFR0_EL1" },
	{ 3, 0, 0, 1, 4, "ID_MMFR0_EL1" },	{ 3, 0, 0, 1, 5, "ID_MMFR1_EL1" },
	{ 3, 0, 0, 1, 6, "ID_MMFR2_EL1" },	{ 3, 0, 0, 1, 7, "ID_MMFR3_EL1" },
	{ 3, 0, 0, 2, 0, "ID_ISAR0_EL1" },	{ 3, 0, 0, 2, 1, "ID_ISAR1_EL1" },
	{ 3, 0, 0, 2, 2, "ID_ISAR2_EL1" },	{ 3, 0, 0, 2, 3, "ID_ISAR3_EL1" },
	{ 3, 0, 0, 2, 4, "ID_ISAR4_EL1" },	{ 3, 0, 0, 2, 5, "ID_ISAR5_EL1" },
	{ 3, 0, 0, 2, 6, "ID_MMFR4_EL1" },	{ 3, 0, 0, 2, 7, "ID_ISAR6_EL1" },
	{ 3, 0, 0, 3, 0, "MVFR0_EL1" },		{ 3, 0, 0, 3, 1, "MVFR1_EL1" },
	{ 3, 0, 0, 3, 2, "MVFR2_EL1" },		{ 3, 0, 0, 3, 4, "ID_PFR2_EL1" },
	{ 3, 0, 0, 3, 5, "ID_DFR1_EL1" },	{ 3, 0, 0, 3, 6, "ID_MMFR5_EL1" },
	{ 3, 0, 12, 0, 0, "VBAR_EL1" },		{ 3, 0, 5, 2, 0, "ESR_EL1" },
	{ 3, 0, 1, 0, 0, "SCTLR_EL1" },		{ 3, 0, 1, 0, 2, "CPACR_EL1" },
};

static const char *sysreg_name(int op0, int op1, int crn, int crm, int op2)
{
	static char buf[32];
	size_t i;

	for (i = 0; rig_regs[i].name; i++)
		if (rig_regs[i].op0 == op0 && rig_regs[i].op1 == op1 &&
		    rig_regs[i].crn == crn && rig_regs[i].crm == crm &&
		    rig_regs[i].op2 == op2)
			return rig_regs[i].name;
	for (i = 0; i < ARRAY_SIZE(extra_names); i++)
		if (extra_names[i].op0 == op0 && extra_names[i].op1 == op1 &&
		    extra_names[i].crn == crn && extra_names[i].crm == crm &&
		    extra_names[i].op2 == op2)
			return extra_names[i].name;
	snprintf(buf, sizeof(buf), "S%d_%d_C%d_C%d_%d", op0, op1, crn, crm, op2);
	return buf;
}

/* A readable name for a KVM register id (the id itself is the key). */
static const char *reg_name(uint64_t id)
{
	static char buf[48];
	uint64_t coproc = id & KVM_REG_ARM_COPROC_MASK;
	uint64_t idx = id & 0xffff;

	switch (coproc) {
	case KVM_REG_ARM_CORE: {
		uint64_t off = (id & ~(KVM_REG_ARCH_MASK | KVM_REG_SIZE_MASK |
				       KVM_REG_ARM_COPROC_MASK)) * 4;
		const uint64_t vregs = offsetof(struct kvm_regs, fp_regs.vregs);

		if (off < offsetof(struct kvm_regs, regs.sp))
			snprintf(buf, sizeof(buf), "x%llu",
				 (unsigned long long)(off / 8));
		else if (off == offsetof(struct kvm_regs, regs.sp))
			return "sp_el0";
		else if (off == offsetof(struct kvm_regs, regs.pc))
			return "pc";
		else if (off == offsetof(struct kvm_regs, regs.pstate))
			return "pstate";
		else if (off == offsetof(struct kvm_regs, sp_el1))
			return "sp_el1";
		else if (off == offsetof(struct kvm_regs, elr_el1))
			return "elr_el1";
		else if (off < offsetof(struct kvm_regs, fp_regs))
			snprintf(buf, sizeof(buf), "spsr[%llu]",
				 (unsigned long long)((off - offsetof(struct kvm_regs, spsr)) / 8));
		else if (off < offsetof(struct kvm_regs, fp_regs.fpsr))
			snprintf(buf, sizeof(buf), "v%llu",
				 (unsigned long long)((off - vregs) / 16));
		else if (off == offsetof(struct kvm_regs, fp_regs.fpsr))
			return "fpsr";
		else if (off == offsetof(struct kvm_regs, fp_regs.fpcr))
			return "fpcr";
		else
			return "core?";
		return buf;
	}
	case KVM_REG_ARM64_SYSREG:
		/* KVM's timer ids: CNT and CVAL have each other's encoding */
		if (id == KVM_REG_ARM_TIMER_CNT)
			return "TIMER_CNT";
		if (id == KVM_REG_ARM_TIMER_CVAL)
			return "TIMER_CVAL";
		if (id == KVM_REG_ARM_TIMER_CTL)
			return "TIMER_CTL";
		return sysreg_name((idx >> 14) & 3, (idx >> 11) & 7,
				   (idx >> 7) & 15, (idx >> 3) & 15, idx & 7);
	case KVM_REG_ARM_DEMUX:
		snprintf(buf, sizeof(buf), "CCSIDR[%llu]",
			 (unsigned long long)(id & KVM_REG_ARM_DEMUX_VAL_MASK));
		return buf;
	case KVM_REG_ARM_FW:
		snprintf(buf, sizeof(buf), "FW[%llu]", (unsigned long long)idx);
		return buf;
	case KVM_REG_ARM_FW_FEAT_BMAP:
		snprintf(buf, sizeof(buf), "FW_FEAT_BMAP[%llu]",
			 (unsigned long long)idx);
		return buf;
	case KVM_REG_ARM64_SVE:
		if (id == KVM_REG_ARM64_SVE_VLS)
			return "SVE_VLS";
		snprintf(buf, sizeof(buf), "SVE[%llu.%llu]",
			 (unsigned long long)((idx >> 5) & 0x3ff),
			 (unsigned long long)(idx & 0x1f));
		return buf;
	default:
		return "?";
	}
}

static size_t reg_size(uint64_t id)
{
	return 1ul << ((id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);
}

/*
 * Values that change from one boot of the same kernel to the next and
 * from one moment to the next, whatever the kernel: the virtual counter
 * (KVM_REG_ARM_TIMER_CNT, CNTVCT_EL0 as the guest would read it now: the
 * physical count minus an offset taken when the VM was created, so it
 * counts the time since then) and CNTPCT_EL0 if a kernel lists it.  The
 * timer's CTL and CVAL are compared: they are 0 until a guest arms the
 * timer (two runs of the unpatched base were compared to check this).
 */
static bool reg_volatile(uint64_t id)
{
	return id == KVM_REG_ARM_TIMER_CNT || id == sysreg_id(3, 3, 14, 0, 1);
}

static void pr_value(const uint8_t *v, size_t size)
{
	size_t i;

	printf("0x");
	for (i = size; i > 0; i--)
		printf("%02x", v[i - 1]);
}

static int get_reg(int vcpu, uint64_t id, void *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };

	return ioctl(vcpu, KVM_GET_ONE_REG, &r);
}

static int set_reg64(int vcpu, uint64_t id, uint64_t val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)&val };

	return ioctl(vcpu, KVM_SET_ONE_REG, &r);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* ---- capabilities ------------------------------------------------------- */

/*
 * The series' out-of-tree ABI (capabilities 1000 and 1001, vCPU attribute
 * group 1000, PV-time attribute 1000): what each kernel answers.  Not
 * compared; scripts/rollback-diff.sh checks that the unpatched base says
 * "not supported" to all of it (0, EINVAL, ENXIO) and the series "yes".
 */
static void probe_oot(void)
{
	struct kvm_vcpu_init init;
	struct kvm_device_attr attr = { 0 };
	int vm, vcpu, n, ret;

	for (n = 1000; n <= 1001; n++)
		printf("abi-new.oot.cap.%d sys=%d\n", n, ioctl(kvm_fd, KVM_CHECK_EXTENSION, n));
	vm = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm < 0) {
		pr_err("abi-new.oot.", "KVM_CREATE_VM");
		return;
	}
	{
		struct kvm_enable_cap cap = { .cap = 1000 };

		ret = ioctl(vm, KVM_ENABLE_CAP, &cap);
		printf("abi-new.oot.enable-cap.1000 %s\n", ret ? strerror(errno) : "ok");
	}
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0 || ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init) ||
	    ioctl(vcpu, KVM_ARM_VCPU_INIT, &init)) {
		pr_err("abi-new.oot.", "vCPU");
		if (vcpu >= 0)
			close(vcpu);
		goto out;
	}
	attr.group = 1000;	/* KVM_ARM_VCPU_OOT_REG_SCOPE_CTRL */
	attr.attr = 0;		/* KVM_ARM_VCPU_OOT_VM_SCOPED_REGS */
	ret = ioctl(vcpu, KVM_HAS_DEVICE_ATTR, &attr);
	printf("abi-new.oot.vcpu-attr.1000.0 %s\n", ret ? strerror(errno) : "ok");
	attr.group = KVM_ARM_VCPU_PVTIME_CTRL;
	attr.attr = 1000;	/* KVM_ARM_VCPU_PVTIME_OOT_REVISION */
	ret = ioctl(vcpu, KVM_HAS_DEVICE_ATTR, &attr);
	printf("abi-new.oot.vcpu-attr.pvtime.1000 %s\n", ret ? strerror(errno) : "ok");
	close(vcpu);
out:
	close(vm);
}

static void probe_caps(void)
{
	int vm, n, s, v;

	vm = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm < 0) {
		pr_err("cap.", "KVM_CREATE_VM");
		return;
	}
	printf("kvm.api-version %d\n", ioctl(kvm_fd, KVM_GET_API_VERSION, 0));
	printf("kvm.vcpu-mmap-size %d\n", run_size);
	for (n = 0; n <= LAST_CAP_SCAN; n++) {
		s = ioctl(kvm_fd, KVM_CHECK_EXTENSION, n);
		v = ioctl(vm, KVM_CHECK_EXTENSION, n);
		if (!s && !v)
			continue;
		if (n <= LAST_CAP_61)
			printf("cap.%03d sys=%d vm=%d\n", n, s, v);
		else
			printf("abi-new.cap.%03d sys=%d vm=%d\n", n, s, v);
	}
	close(vm);
	probe_oot();
}

/* ---- binary statistics: the vCPU's "exits" counter ---------------------- */

struct stats {
	int fd;
	off_t exits;	/* file offset of the counter, -1 if none */
};

static void stats_open(int vcpu, struct stats *st)
{
	struct kvm_stats_header h;
	struct kvm_stats_desc *d;
	size_t dsz;
	char *descs;
	uint32_t i;

	st->exits = -1;
	st->fd = ioctl(vcpu, KVM_GET_STATS_FD, NULL);
	if (st->fd < 0)
		return;
	if (pread(st->fd, &h, sizeof(h), 0) != sizeof(h))
		return;
	dsz = sizeof(*d) + h.name_size;
	descs = calloc(h.num_desc, dsz);
	if (!descs)
		return;
	if (pread(st->fd, descs, dsz * h.num_desc, h.desc_offset) ==
	    (ssize_t)(dsz * h.num_desc)) {
		for (i = 0; i < h.num_desc; i++) {
			d = (struct kvm_stats_desc *)(descs + i * dsz);
			if (!strcmp(d->name, "exits"))
				st->exits = h.data_offset + d->offset;
		}
	}
	free(descs);
}

static uint64_t stats_exits(const struct stats *st)
{
	uint64_t v = 0;

	if (st->exits < 0 || pread(st->fd, &v, sizeof(v), st->exits) != sizeof(v))
		return 0;
	return v;
}

/* ---- guest code --------------------------------------------------------- */

enum item_kind { IT_READ, IT_WRITE, IT_HVC, IT_LOOP };

struct item {
	enum item_kind kind;
	char key[96];
	int slot;		/* first report slot */
};

struct code {
	uint32_t *mem;		/* guest memory */
	unsigned int pc;	/* next instruction (index into mem) */
	bool a32;
	int stride;		/* bytes per report slot */
	int slot;		/* next free report slot */
	struct item item[MAX_ITEMS];
	int nitems;
};

static void emit(struct code *c, uint32_t insn)
{
	if (c->pc < GUEST_SIZE / 4)
		c->mem[c->pc++] = insn;
}

static struct item *new_item(struct code *c, enum item_kind kind, int nslots,
			     const char *key)
{
	struct item *it;

	if (c->nitems >= MAX_ITEMS) {
		fprintf(stderr, "abi-probe: too many guest items\n");
		exit(1);
	}
	it = &c->item[c->nitems++];
	it->kind = kind;
	it->slot = c->slot;
	snprintf(it->key, sizeof(it->key), "%s", key);
	c->slot += nslots;
	return it;
}

/* A64 */
#define A64_ISB		0xd5033fdfu
#define A64_HVC0	0xd4000002u
#define A64_ERET	0xd69f03e0u
#define A64_B_SELF	0x14000000u
#define A64_SUBS_X5_1	0xf10004a5u
#define A64_ADD_X2_4	0x91001042u

static uint32_t a64_mrs(int rt, int op0, int op1, int crn, int crm, int op2)
{
	return 0xd5300000u | (uint32_t)(op0 & 1) << 19 | op1 << 16 |
	       crn << 12 | crm << 8 | op2 << 5 | rt;
}

static uint32_t a64_msr(int rt, int op0, int op1, int crn, int crm, int op2)
{
	return a64_mrs(rt, op0, op1, crn, crm, op2) & ~(1u << 21);
}

static void a64_mov(struct code *c, int rd, uint64_t v)
{
	int hw;

	emit(c, 0xd2800000u | (uint32_t)(v & 0xffff) << 5 | rd);	/* movz */
	for (hw = 1; hw < 4; hw++)
		if ((v >> (16 * hw)) & 0xffff)
			emit(c, 0xf2800000u | hw << 21 |
			     (uint32_t)((v >> (16 * hw)) & 0xffff) << 5 | rd);
}

/* str Xrt, [x6, #slot * 8] */
static void a64_report(struct code *c, int rt, int slot)
{
	emit(c, 0xf9000000u | (uint32_t)slot << 10 | 6 << 5 | rt);
}

/* A32 (ARM state, condition "always") */
#define A32_ISB		0xf57ff06fu
#define A32_HVC0	0xe1400070u
#define A32_SUBS_R5_1	0xe2555001u
#define A32_MOVS_PC_LR	0xe1b0f00eu
#define A32_B_SELF	0xeafffffeu

static uint32_t a32_mrc(int rt, int opc1, int crn, int crm, int opc2)
{
	return 0xee100f10u | opc1 << 21 | crn << 16 | rt << 12 | opc2 << 5 | crm;
}

static uint32_t a32_mcr(int rt, int opc1, int crn, int crm, int opc2)
{
	return a32_mrc(rt, opc1, crn, crm, opc2) & ~(1u << 20);
}

static void a32_mov(struct code *c, int rd, uint32_t v)
{
	emit(c, 0xe3000000u | (v >> 12 & 0xf) << 16 | rd << 12 | (v & 0xfff));
	if (v >> 16)
		emit(c, 0xe3400000u | (v >> 28) << 16 | rd << 12 | (v >> 16 & 0xfff));
}

static void a32_report(struct code *c, int rt, int slot)
{
	emit(c, 0xe5860000u | rt << 12 | slot * 4);
}

static void report(struct code *c, int rt, int slot)
{
	if (c->a32)
		a32_report(c, rt, slot);
	else
		a64_report(c, rt, slot);
}

/* x1/r1 = 0; the read; report value and status (0, or ESR_EL1 / 1 if it
 * UNDEFed). */
static void g_read_insn(struct code *c, const char *key, uint32_t insn)
{
	struct item *it = new_item(c, IT_READ, 2, key);

	emit(c, c->a32 ? 0xe3a01000u : 0xd2800001u);	/* mov x1/r1, #0 */
	emit(c, insn);
	report(c, 0, it->slot);
	report(c, 1, it->slot + 1);
}

static void g_mrs(struct code *c, const char *prefix, int op0, int op1,
		  int crn, int crm, int op2)
{
	char key[96];

	snprintf(key, sizeof(key), "%.40sS%d_%d_C%d_C%d_%d", prefix, op0, op1,
		 crn, crm, op2);
	g_read_insn(c, key, a64_mrs(0, op0, op1, crn, crm, op2));
}

static void g_mrc(struct code *c, const char *prefix, int opc1, int crn,
		  int crm, int opc2)
{
	char key[96];

	snprintf(key, sizeof(key), "%.40sp15_%d_c%d_c%d_%d", prefix, opc1, crn,
		 crm, opc2);
	g_read_insn(c, key, a32_mrc(0, opc1, crn, crm, opc2));
}

/* Write x0/r0 with an instruction; report the status. */
static void g_write_insn(struct code *c, const char *key, uint32_t insn)
{
	struct item *it = new_item(c, IT_WRITE, 1, key);

	emit(c, c->a32 ? 0xe3a01000u : 0xd2800001u);
	emit(c, insn);
	emit(c, c->a32 ? A32_ISB : A64_ISB);
	report(c, 1, it->slot);
}

static void g_hvc(struct code *c, uint32_t fn, uint32_t arg)
{
	struct item *it;
	char key[96];
	int i;

	snprintf(key, sizeof(key), "hvc.%08x.%08x", fn, arg);
	it = new_item(c, IT_HVC, 4, key);
	if (c->a32) {
		a32_mov(c, 0, fn);
		a32_mov(c, 1, arg);
		a32_mov(c, 2, 0);
		a32_mov(c, 3, 0);
		emit(c, A32_HVC0);
	} else {
		a64_mov(c, 0, fn);
		a64_mov(c, 1, arg);
		a64_mov(c, 2, 0);
		a64_mov(c, 3, 0);
		emit(c, A64_HVC0);
	}
	for (i = 0; i < 4; i++)
		report(c, i, it->slot + i);
}

/* Mark, nr_loops reads, last value: the host counts the exits between. */
static void g_loop(struct code *c, const char *name, uint32_t insn)
{
	struct item *it = new_item(c, IT_LOOP, 2, name);

	if (c->a32) {
		a32_mov(c, 5, nr_loops);
		a32_report(c, 5, it->slot);
		emit(c, insn);
		emit(c, A32_SUBS_R5_1);
		emit(c, 0x1afffffcu);	/* bne .-8 */
	} else {
		a64_mov(c, 5, nr_loops);
		a64_report(c, 5, it->slot);
		emit(c, insn);
		emit(c, A64_SUBS_X5_1);
		emit(c, 0x54ffffc1u);	/* b.ne .-8 */
	}
	report(c, 0, it->slot + 1);
}

/* The SMCCC/PSCI/KVM queries, the same for both instruction sets. */
static void g_hvc_queries(struct code *c)
{
	static const uint32_t arch_features[] = {
		0x80000000, 0x80000001, 0x80000002, 0x80008000, 0x80007fff,
		0x80003fff, 0x8400000a, 0x84000050, 0xc5000020, 0x86000000,
		0x8600ff01,
	};
	static const uint32_t trng[] = {
		0x84000050, 0x84000051, 0x84000052, 0x84000053, 0xc4000053,
	};
	uint32_t f;
	size_t i;

	g_hvc(c, 0x84000000, 0);			/* PSCI_VERSION */
	for (f = 0; f <= 0x14; f++) {			/* PSCI_FEATURES */
		g_hvc(c, 0x8400000a, 0x84000000 + f);
		g_hvc(c, 0x8400000a, 0xc4000000 + f);
	}
	g_hvc(c, 0x80000000, 0);			/* SMCCC_VERSION */
	for (i = 0; i < ARRAY_SIZE(arch_features); i++)	/* ARCH_FEATURES */
		g_hvc(c, 0x80000001, arch_features[i]);
	g_hvc(c, 0x80000002, 0);			/* SOC_ID version */
	g_hvc(c, 0x80000002, 1);			/* SOC_ID revision */
	g_hvc(c, 0x8600ff01, 0);			/* vendor hyp UID */
	g_hvc(c, 0x86000000, 0);			/* KVM features */
	g_hvc(c, 0xc6000000, 0);
	g_hvc(c, 0x84000050, 0);			/* TRNG_VERSION */
	for (i = 0; i < ARRAY_SIZE(trng); i++)		/* TRNG_FEATURES */
		g_hvc(c, 0x84000051, trng[i]);
	g_hvc(c, 0xc5000020, 0xc5000020);		/* PV_TIME_FEATURES */
	g_hvc(c, 0xc5000020, 0xc5000021);
}

static void build_a64(struct code *c)
{
	char key[96];
	unsigned int v;
	int crm, op2, sel;

	/* Vectors: the synchronous exception from EL1 with SP_EL1 (0x200)
	 * is an UNDEF of the instruction under test: x1 = ESR_EL1, skip it.
	 * Anything else is reported to SLOT_UNEXPECTED + vector. */
	for (v = 0; v < 16; v++) {
		c->pc = v * 0x80 / 4;
		if (v == 4) {
			emit(c, a64_mrs(1, 3, 0, 5, 2, 0));	/* esr_el1 */
			emit(c, a64_mrs(2, 3, 0, 4, 0, 1));	/* elr_el1 */
			emit(c, A64_ADD_X2_4);
			emit(c, a64_msr(2, 3, 0, 4, 0, 1));
			emit(c, A64_ERET);
		} else {
			emit(c, a64_mrs(1, 3, 0, 5, 2, 0));
			a64_report(c, 1, A64_SLOT_UNEXPECTED + v);
			emit(c, A64_B_SELF);
		}
	}
	c->pc = CODE_A64 / 4;
	a64_mov(c, 6, GUEST_MMIO);
	a64_mov(c, 2, GUEST_IPA);
	emit(c, a64_msr(2, 3, 0, 12, 0, 0));		/* vbar_el1 */
	emit(c, A64_ISB);

	for (crm = 0; crm <= 7; crm++)
		for (op2 = 0; op2 <= 7; op2++)
			g_mrs(c, "mrs.", 3, 0, 0, crm, op2);
	g_mrs(c, "mrs.", 3, 1, 0, 0, 1);		/* CLIDR_EL1 */
	g_mrs(c, "mrs.", 3, 1, 0, 0, 7);		/* AIDR_EL1 */
	g_mrs(c, "mrs.", 3, 3, 0, 0, 1);		/* CTR_EL0 */
	g_mrs(c, "mrs.", 3, 3, 0, 0, 7);		/* DCZID_EL0 */
	for (sel = 0; sel <= 13; sel++) {
		a64_mov(c, 0, sel);
		snprintf(key, sizeof(key), "csselr.%02d.write", sel);
		g_write_insn(c, key, a64_msr(0, 3, 2, 0, 0, 0));
		snprintf(key, sizeof(key), "csselr.%02d.", sel);
		g_mrs(c, key, 3, 2, 0, 0, 0);		/* CSSELR_EL1 */
		g_mrs(c, key, 3, 1, 0, 0, 0);		/* CCSIDR_EL1 */
		g_mrs(c, key, 3, 1, 0, 0, 2);		/* CCSIDR2_EL1 */
	}
	g_hvc_queries(c);

	g_loop(c, "loop.CTR_EL0", a64_mrs(0, 3, 3, 0, 0, 1));
	a64_mov(c, 0, 0);
	g_write_insn(c, "loop.CCSIDR_EL1.csselr", a64_msr(0, 3, 2, 0, 0, 0));
	g_loop(c, "loop.CCSIDR_EL1", a64_mrs(0, 3, 1, 0, 0, 0));
	g_loop(c, "loop.CLIDR_EL1", a64_mrs(0, 3, 1, 0, 0, 1));
	/* Trapped only with KVM_CAP_ARM_WRITABLE_IMP_ID_REGS (TID1, VPIDR) */
	g_loop(c, "loop.MIDR_EL1", a64_mrs(0, 3, 0, 0, 0, 0));
	g_loop(c, "loop.REVIDR_EL1", a64_mrs(0, 3, 0, 0, 0, 6));
	g_loop(c, "loop.AIDR_EL1", a64_mrs(0, 3, 1, 0, 0, 7));

	a64_report(c, 31, A64_SLOT_DONE);		/* str xzr */
	emit(c, A64_B_SELF);
}

static void build_a32(struct code *c)
{
	char key[96];
	unsigned int v;
	int crm, op2, sel;

	/* Vectors at VBAR: 0x04 is the undefined instruction (r1 = 1, return
	 * past it: LR_und is its address + 4).  The others report. */
	for (v = 0; v < 8; v++) {
		uint32_t target = v == 1 ? 0x40 : 0x60 + v * 0x10;

		c->pc = v;
		emit(c, 0xea000000u | (((target - (v * 4 + 8)) / 4) & 0xffffff));
	}
	c->pc = 0x40 / 4;
	emit(c, 0xe3a01001u);				/* mov r1, #1 */
	emit(c, A32_MOVS_PC_LR);
	for (v = 0; v < 8; v++) {
		c->pc = (0x60 + v * 0x10) / 4;
		emit(c, 0xe3a01000u | v);		/* mov r1, #v */
		a32_report(c, 1, A32_SLOT_UNEXPECTED + v);
		emit(c, A32_B_SELF);
	}
	c->pc = CODE_A32 / 4;
	a32_mov(c, 6, GUEST_MMIO);
	a32_mov(c, 2, GUEST_IPA);
	emit(c, a32_mcr(2, 0, 12, 0, 0));		/* VBAR */
	a32_mov(c, 2, 0x00f00000);			/* CPACR: cp10, cp11 */
	emit(c, a32_mcr(2, 0, 1, 0, 2));
	emit(c, A32_ISB);

	/*
	 * Not CRm 4..7: KVM (6.1 and mainline 6.12 alike) makes those RAZ in
	 * kvm_emulate_cp15_id_reg() but does not skip the MRC, so the guest
	 * traps on it forever.
	 */
	for (crm = 0; crm <= 3; crm++)
		for (op2 = 0; op2 <= 7; op2++)
			g_mrc(c, "mrc.", 0, 0, crm, op2);
	g_mrc(c, "mrc.", 1, 0, 0, 1);			/* CLIDR */
	g_mrc(c, "mrc.", 1, 0, 0, 7);			/* AIDR */
	/* VMRS FPSID, MVFR2, MVFR1, MVFR0 */
	g_read_insn(c, "vmrs.FPSID", 0xeef00a10u);
	g_read_insn(c, "vmrs.MVFR2", 0xeef50a10u);
	g_read_insn(c, "vmrs.MVFR1", 0xeef60a10u);
	g_read_insn(c, "vmrs.MVFR0", 0xeef70a10u);
	for (sel = 0; sel <= 13; sel++) {
		a32_mov(c, 0, sel);
		snprintf(key, sizeof(key), "csselr.%02d.write", sel);
		g_write_insn(c, key, a32_mcr(0, 2, 0, 0, 0));
		snprintf(key, sizeof(key), "csselr.%02d.", sel);
		g_mrc(c, key, 2, 0, 0, 0);		/* CSSELR */
		g_mrc(c, key, 1, 0, 0, 0);		/* CCSIDR */
		g_mrc(c, key, 1, 0, 0, 2);		/* CCSIDR2 */
	}
	g_hvc_queries(c);

	g_loop(c, "loop.CTR", a32_mrc(0, 0, 0, 0, 1));
	a32_mov(c, 0, 0);
	g_write_insn(c, "loop.CCSIDR.csselr", a32_mcr(0, 2, 0, 0, 0));
	g_loop(c, "loop.CCSIDR", a32_mrc(0, 1, 0, 0, 0));
	g_loop(c, "loop.CLIDR", a32_mrc(0, 1, 0, 0, 1));
	g_loop(c, "loop.MIDR", a32_mrc(0, 0, 0, 0, 0));
	g_loop(c, "loop.REVIDR", a32_mrc(0, 0, 0, 0, 6));
	g_loop(c, "loop.AIDR", a32_mrc(0, 1, 0, 0, 7));

	a32_report(c, 1, A32_SLOT_DONE);
	emit(c, A32_B_SELF);
}

/* ---- the VM ------------------------------------------------------------- */

struct variant {
	const char *name;
	uint32_t features;
	int caps[3];	/* all needed (0: none) */
	bool optional;	/* QEMU-like: features whose capability is missing dropped */
	bool restore;	/* write every register back with the value read */
};

#define F(x)	(1u << KVM_ARM_VCPU_##x)

#define QEMU_FEATURES	(F(PSCI_0_2) | F(PMU_V3) | F(SVE) | \
			 F(PTRAUTH_ADDRESS) | F(PTRAUTH_GENERIC))

static const struct variant variants[] = {
	{ .name = "none" },
	{ .name = "psci-0.2", .features = F(PSCI_0_2) },
	{ .name = "pmu-v3", .features = F(PSCI_0_2) | F(PMU_V3),
	  .caps = { KVM_CAP_ARM_PMU_V3 } },
	{ .name = "sve", .features = F(PSCI_0_2) | F(SVE),
	  .caps = { KVM_CAP_ARM_SVE } },
	{ .name = "ptrauth",
	  .features = F(PSCI_0_2) | F(PTRAUTH_ADDRESS) | F(PTRAUTH_GENERIC),
	  .caps = { KVM_CAP_ARM_PTRAUTH_ADDRESS, KVM_CAP_ARM_PTRAUTH_GENERIC } },
	{ .name = "el1-32bit", .features = F(PSCI_0_2) | F(EL1_32BIT),
	  .caps = { KVM_CAP_ARM_EL1_32BIT } },
	/* What QEMU asks for, as far as the host has it */
	{ .name = "qemu", .features = QEMU_FEATURES, .optional = true },
	/* QEMU again, which writes every register back before the first run
	 * (and on every migration): writes of the values read change nothing */
	{ .name = "qemu-restore", .features = QEMU_FEATURES, .optional = true,
	  .restore = true },
};

static bool has_cap(int cap)
{
	return ioctl(kvm_fd, KVM_CHECK_EXTENSION, cap) > 0;
}

static uint32_t effective_features(const struct variant *v)
{
	uint32_t f = v->features;

	if (!v->optional)
		return f;
	if (!has_cap(KVM_CAP_ARM_PMU_V3))
		f &= ~F(PMU_V3);
	if (!has_cap(KVM_CAP_ARM_SVE))
		f &= ~F(SVE);
	if (!has_cap(KVM_CAP_ARM_PTRAUTH_ADDRESS) ||
	    !has_cap(KVM_CAP_ARM_PTRAUTH_GENERIC))
		f &= ~(F(PTRAUTH_ADDRESS) | F(PTRAUTH_GENERIC));
	return f;
}

static int dev_attr(int fd, uint32_t group, uint64_t attr, uint64_t *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr,
				     .addr = (uintptr_t)val };

	return ioctl(fd, KVM_SET_DEVICE_ATTR, &a);
}

/* vGICv3 at QEMU virt's addresses; the PMU on PPI 23 as QEMU wires it. */
static int setup_irqchip(const char *p, int vm, int vcpu, bool pmu)
{
	struct kvm_create_device gic = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	char key[96];
	uint64_t addr;
	int irq = 23;

	snprintf(key, sizeof(key), "%ssetup.", p);
	if (ioctl(vm, KVM_CREATE_DEVICE, &gic)) {
		pr_err(key, "vGICv3");
		return -1;
	}
	addr = 0x08000000;
	if (dev_attr(gic.fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
		     KVM_VGIC_V3_ADDR_TYPE_DIST, &addr))
		goto err;
	addr = 0x080a0000;
	if (dev_attr(gic.fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
		     KVM_VGIC_V3_ADDR_TYPE_REDIST, &addr))
		goto err;
	if (dev_attr(gic.fd, KVM_DEV_ARM_VGIC_GRP_CTRL,
		     KVM_DEV_ARM_VGIC_CTRL_INIT, NULL))
		goto err;
	if (!pmu)
		return 0;
	if (dev_attr(vcpu, KVM_ARM_VCPU_PMU_V3_CTRL, KVM_ARM_VCPU_PMU_V3_IRQ,
		     (uint64_t *)&irq) ||
	    dev_attr(vcpu, KVM_ARM_VCPU_PMU_V3_CTRL, KVM_ARM_VCPU_PMU_V3_INIT,
		     NULL)) {
		pr_err(key, "PMU");
		return -1;
	}
	return 0;
err:
	pr_err(key, "vGICv3 attributes");
	return -1;
}

struct regs {
	struct kvm_reg_list *list;	/* KVM's order */
	uint64_t *sorted;
	uint8_t *val;			/* 256 bytes per register, sorted order */
	int *err;
};

static void regs_free(struct regs *r)
{
	free(r->list);
	free(r->sorted);
	free(r->val);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

static int regs_read(int vcpu, struct regs *r)
{
	uint64_t i;

	memset(r, 0, sizeof(*r));
	r->list = kvm_reg_list(vcpu);
	if (!r->list)
		return -1;
	r->sorted = calloc(r->list->n, sizeof(uint64_t));
	r->val = calloc(r->list->n, 256);
	r->err = calloc(r->list->n, sizeof(int));
	if (!r->sorted || !r->val || !r->err)
		return -1;
	memcpy(r->sorted, r->list->reg, r->list->n * sizeof(uint64_t));
	qsort(r->sorted, r->list->n, sizeof(uint64_t), cmp_u64);
	for (i = 0; i < r->list->n; i++) {
		if (reg_size(r->sorted[i]) > 256)
			r->err[i] = E2BIG;
		else if (get_reg(vcpu, r->sorted[i], r->val + i * 256))
			r->err[i] = errno;
		/* KVM lists it: a VMM must be able to read it */
		if (r->err[i])
			failures++;
	}
	return 0;
}

static void pr_reg(const char *p, const char *what, const struct regs *r,
		   uint64_t i)
{
	uint64_t id = r->sorted[i];

	printf("%s%s.%016llx %s ", p, what, (unsigned long long)id, reg_name(id));
	if (r->err[i])
		printf("error %s(%d)", err_name(r->err[i]), r->err[i]);
	else if (reg_volatile(id))
		printf("volatile");
	else
		pr_value(r->val + i * 256, reg_size(id));
	printf("\n");
	if (r->err[i] || !reg_volatile(id))
		return;
	/* The value itself, for the record (not compared). */
	printf("info.%s%s.%016llx %s ", p, what, (unsigned long long)id,
	       reg_name(id));
	pr_value(r->val + i * 256, reg_size(id));
	printf("\n");
}

static void pr_regs(const char *p, const struct regs *r)
{
	uint64_t i, pos, start = 0, prev = 0;
	uint64_t *hit;

	printf("%sreglist.count %llu\n", p, (unsigned long long)r->list->n);
	/*
	 * The order KVM lists them in, as runs of positions in the sorted
	 * list below ("0-33,38-41,34-37,..."): the same ids in another
	 * order are one difference, not hundreds.
	 */
	printf("%sreglist.order ", p);
	for (i = 0; i < r->list->n; i++) {
		hit = bsearch(&r->list->reg[i], r->sorted, r->list->n,
			      sizeof(uint64_t), cmp_u64);
		pos = hit - r->sorted;
		if (i && pos == prev + 1) {
			prev = pos;
			continue;
		}
		if (i)
			printf("%llu-%llu,", (unsigned long long)start,
			       (unsigned long long)prev);
		start = prev = pos;
	}
	printf("%llu-%llu\n", (unsigned long long)start, (unsigned long long)prev);
	/* The same in full, for rollback-diff.sh to name what moved. */
	printf("info.%sreglist.kvm-order", p);
	for (i = 0; i < r->list->n; i++)
		printf(" %016llx", (unsigned long long)r->list->reg[i]);
	printf("\n");
	for (i = 0; i < r->list->n; i++)
		pr_reg(p, "reg", r, i);
}

/* Registers whose list entry or value changed while the guest ran. */
static void pr_changed(const char *p, const char *when, const struct regs *a,
		       const struct regs *b)
{
	char q[128];
	uint64_t i, j;

	snprintf(q, sizeof(q), "%s%s.", p, when);
	if (a->list->n != b->list->n ||
	    memcmp(a->sorted, b->sorted, a->list->n * sizeof(uint64_t))) {
		printf("%sreglist changed\n", q);
		pr_regs(q, b);
		return;
	}
	for (i = j = 0; i < a->list->n; i++) {
		if (reg_volatile(a->sorted[i]) || (a->err[i] == b->err[i] &&
		    !memcmp(a->val + i * 256, b->val + i * 256, 256)))
			continue;
		pr_reg(q, "changed", b, i);
		j++;
	}
	printf("%schanged-count %llu\n", q, (unsigned long long)j);
}

/*
 * KVM_SET_ONE_REG of every listed register with the value read, in the
 * sorted order (QEMU writes its sorted list); then read them all again.
 */
static void restore_regs(const char *p, int vcpu, const struct regs *r)
{
	struct regs again = { 0 };
	uint64_t i, ok = 0;

	for (i = 0; i < r->list->n; i++) {
		struct kvm_one_reg one = { .id = r->sorted[i],
					   .addr = (uintptr_t)(r->val + i * 256) };

		if (r->err[i])
			continue;
		if (!ioctl(vcpu, KVM_SET_ONE_REG, &one)) {
			ok++;
			continue;
		}
		/* Refusals are data: 6.1 refuses some (e.g. SVE_VLS once final). */
		printf("%srestore.set.%016llx %s error %s(%d)\n", p,
		       (unsigned long long)r->sorted[i], reg_name(r->sorted[i]),
		       err_name(errno), errno);
	}
	printf("%srestore.set-ok %llu\n", p, (unsigned long long)ok);
	if (regs_read(vcpu, &again)) {
		pr_err(p, "KVM_GET_REG_LIST after the restore");
		return;
	}
	pr_changed(p, "restore", r, &again);
	regs_free(&again);
}

/* CCSIDR indices KVM does not list: 6.1 refuses them, the series reads
 * them (0 until set) so that state saved on mainline can be restored. */
static void pr_unlisted_ccsidr(const char *p, int vcpu, const struct regs *r)
{
	uint64_t id, v, i;
	int sel;

	for (sel = 0; sel <= 13; sel++) {
		id = KVM_REG_ARM64 | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX |
		     KVM_REG_ARM_DEMUX_ID_CCSIDR | sel;
		for (i = 0; i < r->list->n && r->sorted[i] != id; i++)
			;
		if (i < r->list->n)
			continue;
		v = 0;
		printf("abi-new.%sunlisted.%016llx %s ", p,
		       (unsigned long long)id, reg_name(id));
		if (get_reg(vcpu, id, &v))
			printf("error %s(%d)\n", err_name(errno), errno);
		else
			printf("0x%08llx\n", (unsigned long long)v);
	}
}

struct event {
	bool seen;
	uint64_t val, exits, runs;
};

static void on_alarm(int sig)
{
	(void)sig;
}

/* Run the guest until it reports SLOT_DONE, an unexpected exception, an
 * exit other than MMIO, or 120 s pass. */
static void run_guest(const char *p, int vcpu, struct kvm_run *run,
		      const struct code *c, struct event *ev, int nslots)
{
	int done_slot = c->a32 ? A32_SLOT_DONE : A64_SLOT_DONE;
	int unexp = c->a32 ? A32_SLOT_UNEXPECTED : A64_SLOT_UNEXPECTED;
	struct stats st;
	uint64_t runs = 0, v;
	int slot, i;

	stats_open(vcpu, &st);
	if (st.exits < 0)
		printf("%sguest.exits-stat missing\n", p);
	alarm(120);
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0)) {
			if (errno == EINTR) {
				printf("%sguest.stopped timeout\n", p);
				failures++;
			} else {
				pr_err(p, "KVM_RUN");
			}
			break;
		}
		runs++;
		if (run->exit_reason != KVM_EXIT_MMIO || !run->mmio.is_write) {
			printf("%sguest.stopped exit-reason %u\n", p, run->exit_reason);
			failures++;
			break;
		}
		slot = (run->mmio.phys_addr - GUEST_MMIO) / c->stride;
		v = 0;
		for (i = run->mmio.len; i > 0; i--)
			v = v << 8 | run->mmio.data[i - 1];
		if (slot == done_slot)
			break;
		if (slot >= unexp && slot < unexp + 16) {
			printf("%sguest.stopped unexpected-exception vector %d syndrome 0x%llx\n",
			       p, slot - unexp, (unsigned long long)v);
			failures++;
			break;
		}
		if (slot < 0 || slot >= nslots) {
			printf("%sguest.stopped bad-report 0x%llx\n", p,
			       (unsigned long long)run->mmio.phys_addr);
			failures++;
			break;
		}
		ev[slot].seen = true;
		ev[slot].val = v;
		ev[slot].exits = stats_exits(&st);
		ev[slot].runs = runs;
	}
	alarm(0);
	if (st.fd >= 0)
		close(st.fd);
}

static void pr_status(const struct code *c, uint64_t s)
{
	if (!s)
		return;
	if (c->a32)
		printf("undef");
	else
		printf("undef esr=0x%08llx", (unsigned long long)s);
}

static void pr_items(const char *p, const struct code *c, const struct event *ev)
{
	const char *w = c->a32 ? "%08llx" : "%016llx";
	const struct item *it;
	const struct event *e;
	int i, k;

	for (i = 0; i < c->nitems; i++) {
		it = &c->item[i];
		e = &ev[it->slot];
		printf("%sguest.%s ", p, it->key);
		switch (it->kind) {
		case IT_READ:
			if (!e[0].seen || !e[1].seen) {
				printf("missing");
				failures++;
			} else if (e[1].val) {
				pr_status(c, e[1].val);
			} else {
				printf("0x");
				printf(w, (unsigned long long)e[0].val);
			}
			break;
		case IT_WRITE:
			if (!e[0].seen) {
				printf("missing");
				failures++;
			} else if (e[0].val) {
				pr_status(c, e[0].val);
			} else {
				printf("ok");
			}
			break;
		case IT_HVC:
			for (k = 0; k < 4; k++) {
				if (!e[k].seen) {
					printf("%sx%d=missing", k ? " " : "", k);
					failures++;
					continue;
				}
				printf("%sx%d=0x", k ? " " : "", k);
				printf(w, (unsigned long long)e[k].val);
			}
			break;
		case IT_LOOP:
			if (!e[0].seen || !e[1].seen) {
				printf("missing\n");
				failures++;
				continue;
			}
			/* Both counts include the MMIO exit that ends the loop.
			 * Exits per read: 0 if the reads do not trap, 1 if they
			 * do (host interrupts add a few exits, never 10000). */
			printf("reads=%d exits-per-read=%llu kvm-run-returns=%llu\n",
			       nr_loops,
			       (unsigned long long)((e[1].exits - e[0].exits) / nr_loops),
			       (unsigned long long)(e[1].runs - e[0].runs));
			printf("info.%sguest.%s.exits %llu\n", p, it->key,
			       (unsigned long long)(e[1].exits - e[0].exits));
			continue;
		}
		printf("\n");
	}
}

static void probe_variant(const struct variant *v)
{
	struct kvm_userspace_memory_region region;
	struct kvm_vcpu_init init;
	struct regs before = { 0 }, after = { 0 };
	struct event *ev = NULL;
	struct kvm_run *run = MAP_FAILED;
	struct code *c = NULL;
	void *mem = MAP_FAILED;
	uint32_t features = effective_features(v);
	int vm = -1, vcpu = -1, i, sve = KVM_ARM_VCPU_SVE, nslots;
	uint64_t t0 = now_ms();
	char p[64];

	snprintf(p, sizeof(p), "variant.%s.", v->name);
	for (i = 0; i < 3 && v->caps[i]; i++) {
		if (!has_cap(v->caps[i])) {
			printf("%ssupported no (capability %d)\n", p, v->caps[i]);
			return;
		}
	}
	printf("%ssupported yes\n", p);
	printf("%sfeatures 0x%08x\n", p, features);

	vm = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm < 0) {
		pr_err(p, "KVM_CREATE_VM");
		return;
	}
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0) {
		pr_err(p, "KVM_CREATE_VCPU");
		goto out;
	}
	if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init)) {
		pr_err(p, "KVM_ARM_PREFERRED_TARGET");
		goto out;
	}
	printf("%starget %u\n", p, init.target);
	memset(init.features, 0, sizeof(init.features));
	init.features[0] = features;
	if (ioctl(vcpu, KVM_ARM_VCPU_INIT, &init)) {
		pr_err(p, "KVM_ARM_VCPU_INIT");
		goto out;
	}
	if ((features & F(SVE)) && ioctl(vcpu, KVM_ARM_VCPU_FINALIZE, &sve)) {
		pr_err(p, "KVM_ARM_VCPU_FINALIZE");
		goto out;
	}
	if (setup_irqchip(p, vm, vcpu, features & F(PMU_V3)))
		goto out;

	if (regs_read(vcpu, &before)) {
		pr_err(p, "KVM_GET_REG_LIST");
		goto out;
	}
	pr_regs(p, &before);
	pr_unlisted_ccsidr(p, vcpu, &before);
	if (v->restore)
		restore_regs(p, vcpu, &before);
	pr_time(p, "setup-and-registers", &t0);

	/* Guest memory and code; the only register written is the PC. */
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	mem = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	c = calloc(1, sizeof(*c));
	if (run == MAP_FAILED || mem == MAP_FAILED || !c) {
		pr_err(p, "memory");
		goto out;
	}
	region = (struct kvm_userspace_memory_region){
		.slot = 0, .guest_phys_addr = GUEST_IPA, .memory_size = GUEST_SIZE,
		.userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region)) {
		pr_err(p, "KVM_SET_USER_MEMORY_REGION");
		goto out;
	}
	c->mem = mem;
	c->a32 = features & F(EL1_32BIT);
	c->stride = c->a32 ? 4 : 8;
	if (c->a32)
		build_a32(c);
	else
		build_a64(c);
	nslots = c->a32 ? A32_SLOT_UNEXPECTED : A64_SLOT_UNEXPECTED;
	if (c->slot > nslots) {
		fprintf(stderr, "abi-probe: %d report slots, at most %d\n",
			c->slot, nslots);
		exit(1);
	}
	ev = calloc(nslots, sizeof(*ev));
	if (!ev) {
		pr_err(p, "memory");
		goto out;
	}
	if (set_reg64(vcpu, KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |
		      offsetof(struct kvm_regs, regs.pc) / 4,
		      GUEST_IPA + (c->a32 ? CODE_A32 : CODE_A64))) {
		pr_err(p, "setting the PC");
		goto out;
	}
	run_guest(p, vcpu, run, c, ev, nslots);
	pr_time(p, "guest", &t0);
	pr_items(p, c, ev);

	if (regs_read(vcpu, &after)) {
		pr_err(p, "KVM_GET_REG_LIST after the run");
		goto out;
	}
	pr_changed(p, "post-run", &before, &after);
	pr_time(p, "post-run", &t0);
out:
	regs_free(&before);
	regs_free(&after);
	free(ev);
	free(c);
	if (mem != MAP_FAILED)
		munmap(mem, GUEST_SIZE);
	if (run != MAP_FAILED)
		munmap(run, run_size);
	if (vcpu >= 0)
		close(vcpu);
	close(vm);
}

/*
 * Kernel reports (compared: there are none on 6.1) and KVM's own messages
 * (recorded) in the kernel log, which the console does not show in the
 * guest's exec mode.
 */
static void pr_kernel_log(void)
{
	static const char *const splat[] = {
		"BUG:", "WARNING:", "Oops", "Unable to handle kernel", "KASAN",
		"UBSAN", "possible circular locking", "possible recursive locking",
		"inconsistent lock state", "suspicious RCU usage",
	};
	int size = klogctl(10, NULL, 0), n, splats = 0, kvm = 0;
	char *buf, *line, *save;
	size_t i;

	buf = size > 0 ? malloc(size + 1) : NULL;
	n = buf ? klogctl(3, buf, size) : -1;
	if (n < 0) {
		pr_err("kernel.log.", "klogctl");
		free(buf);
		return;
	}
	buf[n] = 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		for (i = 0; i < ARRAY_SIZE(splat); i++)
			if (strstr(line, splat[i]))
				break;
		if (i < ARRAY_SIZE(splat) && splats++ < 10)
			printf("info.kernel.splat %s\n", line);
		if (strstr(line, "kvm [") && kvm++ < 20)
			printf("info.kernel.kvm-message %s\n", line);
	}
	printf("kernel.splats %d\n", splats);
	free(buf);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct utsname u;
	uint64_t t0;
	size_t i;

	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--loops") && i + 1 < (size_t)argc) {
			nr_loops = atoi(argv[++i]);
			if (nr_loops < 1 || nr_loops > 0xffff)
				goto usage;
		} else {
			goto usage;
		}
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: KVM_RUN returns */
	uname(&u);
	printf("probe.format abi-probe/1\n");
	printf("info.kernel %s %s\n", u.release, u.version);
	printf("info.note lines starting with info. or abi-new. are not compared\n");
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0) {
		printf("kvm.open error %s(%d)\n", err_name(errno), errno);
		return 1;
	}
	run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	t0 = now_ms();
	probe_caps();
	pr_time("", "capabilities", &t0);
	for (i = 0; i < ARRAY_SIZE(variants); i++) {
		probe_variant(&variants[i]);
		fflush(stdout);
	}
	pr_kernel_log();
	printf("probe.end failures=%d\n", failures);
	return failures ? 1 : 0;
usage:
	fprintf(stderr, "usage: abi-probe [--loops N]   (N <= 65535)\n");
	return 2;
}
