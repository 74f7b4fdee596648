// SPDX-License-Identifier: GPL-2.0
/*
 * L2 guest of "make compat": a bare-metal program run by QEMU under KVM
 * inside the emulated host, then migrated to another kernel.
 *
 * It reads, by MRS and HVC, every value that migration must preserve:
 * the whole feature ID space (op0=3, op1=0, CRn=0, CRm=1..7, op2=0..7),
 * CTR_EL0, CLIDR_EL1, CCSIDR_EL1 for CSSELR_EL1 = 0..13, MIDR_EL1,
 * REVIDR_EL1, AIDR_EL1, MPIDR_EL1, and the firmware answers (PSCI and
 * SMCCC versions, SMCCC_ARCH_FEATURES of the three CPU workarounds,
 * PSCI_FEATURES of some functions).  The first set (report 0) is kept in
 * memory; the program then counts in memory and, about once a second of
 * guest time, reads the set again and prints it with its counter and the
 * registers that differ from report 0.  After a migration the same
 * program goes on on the destination: its counter continues and every
 * difference from what it read on the source is named.  Each report
 * also gives the virtual counter (CNTVCT_EL0) and its frequency: QEMU
 * stops the virtual counter while the VM is stopped ("kvm-adjvtime"),
 * so across a migration it must neither go back nor jump far ahead.
 *
 * Output (PL011 at 0x09000000), parsed by scripts/compat-report.py:
 *   L2 START                      (only when the program starts)
 *   CNT <counter> REPORT <n>
 *   TIME CNTVCT_EL0=<decimal> CNTFRQ_EL0=<decimal>
 *   REG <name>=0x<16 hex digits>  or  REG <name>=undef(esr=0x...)
 *   DIFF <name> before=<v> now=<v>
 *   END <n> diffs=<k>
 */
typedef unsigned long u64;
typedef unsigned int u32;

extern volatile u64 l2_trap_count, l2_trap_esr;

#define UART_DR ((volatile u32 *)0x09000000UL)
#define UART_FR ((volatile u32 *)0x09000018UL)

static void putc(char c)
{
	while (*UART_FR & (1 << 5))	/* TXFF */
		;
	*UART_DR = (u32)(unsigned char)c;
}

static void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

static void puthex(u64 v)
{
	puts("0x");
	for (int i = 60; i >= 0; i -= 4)
		putc("0123456789abcdef"[(v >> i) & 0xf]);
}

static void putdec(u64 v)
{
	char b[24];
	int i = 0;

	do {
		b[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i)
		putc(b[--i]);
}

void *memset(void *d, int c, unsigned long n)
{
	unsigned char *p = d;

	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
	unsigned char *p = d;
	const unsigned char *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

#define MRS_FN(fn, enc)							\
	static u64 fn(void)						\
	{								\
		u64 v;							\
		asm volatile("mov %0, #0\n\tmrs %0, " enc : "=&r"(v));	\
		return v;						\
	}

#define ID(crm, op2) MRS_FN(id_##crm##_##op2, "S3_0_C0_C" #crm "_" #op2)
#define ID_ROW(crm) ID(crm, 0) ID(crm, 1) ID(crm, 2) ID(crm, 3)		\
	ID(crm, 4) ID(crm, 5) ID(crm, 6) ID(crm, 7)
ID_ROW(1) ID_ROW(2) ID_ROW(3) ID_ROW(4) ID_ROW(5) ID_ROW(6) ID_ROW(7)
MRS_FN(rd_ctr, "ctr_el0")
MRS_FN(rd_clidr, "clidr_el1")
MRS_FN(rd_midr, "midr_el1")
MRS_FN(rd_revidr, "revidr_el1")
MRS_FN(rd_aidr, "aidr_el1")
MRS_FN(rd_mpidr, "mpidr_el1")
MRS_FN(rd_ccsidr, "ccsidr_el1")

static u64 ccsidr(u64 sel)
{
	asm volatile("msr csselr_el1, %0\n\tisb" : : "r"(sel));
	return rd_ccsidr();
}

/* SMCCC 1.1 through HVC: x0 = function ID, x1 = argument, result in x0. */
static u64 hvc(u64 fid, u64 arg)
{
	register u64 x0 asm("x0") = fid;
	register u64 x1 asm("x1") = arg;

	asm volatile("hvc #0" : "+r"(x0), "+r"(x1) : :
		     "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
		     "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	return x0;
}

enum kind { K_MRS, K_CCSIDR, K_HVC };
struct reg {
	const char *name;
	enum kind kind;
	u64 (*fn)(void);
	u64 a, b;		/* CSSELR, or HVC function ID and argument */
};

#define IDN(crm, op2, n) { n, K_MRS, id_##crm##_##op2, 0, 0 }
#define IDU(crm, op2) IDN(crm, op2, "S3_0_C0_C" #crm "_" #op2)
#define CCS(n) { "CCSIDR_EL1[" #n "]", K_CCSIDR, 0, n, 0 }
#define ARCH_FEATURES 0x80000001UL
#define PSCI_FEATURES 0x8400000aUL

static const struct reg regs[] = {
	IDN(1, 0, "ID_PFR0_EL1"), IDN(1, 1, "ID_PFR1_EL1"), IDN(1, 2, "ID_DFR0_EL1"),
	IDN(1, 3, "ID_AFR0_EL1"), IDN(1, 4, "ID_MMFR0_EL1"), IDN(1, 5, "ID_MMFR1_EL1"),
	IDN(1, 6, "ID_MMFR2_EL1"), IDN(1, 7, "ID_MMFR3_EL1"),
	IDN(2, 0, "ID_ISAR0_EL1"), IDN(2, 1, "ID_ISAR1_EL1"), IDN(2, 2, "ID_ISAR2_EL1"),
	IDN(2, 3, "ID_ISAR3_EL1"), IDN(2, 4, "ID_ISAR4_EL1"), IDN(2, 5, "ID_ISAR5_EL1"),
	IDN(2, 6, "ID_MMFR4_EL1"), IDN(2, 7, "ID_ISAR6_EL1"),
	IDN(3, 0, "MVFR0_EL1"), IDN(3, 1, "MVFR1_EL1"), IDN(3, 2, "MVFR2_EL1"),
	IDU(3, 3), IDN(3, 4, "ID_PFR2_EL1"), IDN(3, 5, "ID_DFR1_EL1"),
	IDN(3, 6, "ID_MMFR5_EL1"), IDU(3, 7),
	IDN(4, 0, "ID_AA64PFR0_EL1"), IDN(4, 1, "ID_AA64PFR1_EL1"), IDU(4, 2), IDU(4, 3),
	IDN(4, 4, "ID_AA64ZFR0_EL1"), IDN(4, 5, "ID_AA64SMFR0_EL1"), IDU(4, 6), IDU(4, 7),
	IDN(5, 0, "ID_AA64DFR0_EL1"), IDN(5, 1, "ID_AA64DFR1_EL1"), IDU(5, 2), IDU(5, 3),
	IDN(5, 4, "ID_AA64AFR0_EL1"), IDN(5, 5, "ID_AA64AFR1_EL1"), IDU(5, 6), IDU(5, 7),
	IDN(6, 0, "ID_AA64ISAR0_EL1"), IDN(6, 1, "ID_AA64ISAR1_EL1"),
	IDN(6, 2, "ID_AA64ISAR2_EL1"), IDU(6, 3), IDU(6, 4), IDU(6, 5), IDU(6, 6), IDU(6, 7),
	IDN(7, 0, "ID_AA64MMFR0_EL1"), IDN(7, 1, "ID_AA64MMFR1_EL1"),
	IDN(7, 2, "ID_AA64MMFR2_EL1"), IDU(7, 3), IDU(7, 4), IDU(7, 5), IDU(7, 6), IDU(7, 7),
	{ "CTR_EL0", K_MRS, rd_ctr, 0, 0 },
	{ "CLIDR_EL1", K_MRS, rd_clidr, 0, 0 },
	CCS(0), CCS(1), CCS(2), CCS(3), CCS(4), CCS(5), CCS(6),
	CCS(7), CCS(8), CCS(9), CCS(10), CCS(11), CCS(12), CCS(13),
	{ "MIDR_EL1", K_MRS, rd_midr, 0, 0 },
	{ "REVIDR_EL1", K_MRS, rd_revidr, 0, 0 },
	{ "AIDR_EL1", K_MRS, rd_aidr, 0, 0 },
	{ "MPIDR_EL1", K_MRS, rd_mpidr, 0, 0 },
	{ "PSCI_VERSION", K_HVC, 0, 0x84000000UL, 0 },
	{ "SMCCC_VERSION", K_HVC, 0, 0x80000000UL, 0 },
	{ "SMCCC_ARCH_FEATURES(ARCH_FEATURES)", K_HVC, 0, ARCH_FEATURES, ARCH_FEATURES },
	{ "SMCCC_ARCH_FEATURES(ARCH_WORKAROUND_1)", K_HVC, 0, ARCH_FEATURES, 0x80008000UL },
	{ "SMCCC_ARCH_FEATURES(ARCH_WORKAROUND_2)", K_HVC, 0, ARCH_FEATURES, 0x80007fffUL },
	{ "SMCCC_ARCH_FEATURES(ARCH_WORKAROUND_3)", K_HVC, 0, ARCH_FEATURES, 0x80003fffUL },
	{ "PSCI_FEATURES(PSCI_VERSION)", K_HVC, 0, PSCI_FEATURES, 0x84000000UL },
	{ "PSCI_FEATURES(CPU_SUSPEND)", K_HVC, 0, PSCI_FEATURES, 0xc4000001UL },
	{ "PSCI_FEATURES(CPU_OFF)", K_HVC, 0, PSCI_FEATURES, 0x84000002UL },
	{ "PSCI_FEATURES(CPU_ON)", K_HVC, 0, PSCI_FEATURES, 0xc4000003UL },
	{ "PSCI_FEATURES(AFFINITY_INFO)", K_HVC, 0, PSCI_FEATURES, 0xc4000004UL },
	{ "PSCI_FEATURES(SYSTEM_OFF)", K_HVC, 0, PSCI_FEATURES, 0x84000008UL },
	{ "PSCI_FEATURES(SYSTEM_RESET)", K_HVC, 0, PSCI_FEATURES, 0x84000009UL },
	{ "PSCI_FEATURES(SYSTEM_SUSPEND)", K_HVC, 0, PSCI_FEATURES, 0xc400000eUL },
	{ "PSCI_FEATURES(SYSTEM_RESET2)", K_HVC, 0, PSCI_FEATURES, 0xc4000012UL },
	{ "PSCI_FEATURES(SMCCC_VERSION)", K_HVC, 0, PSCI_FEATURES, 0x80000000UL },
};
#define NREGS (sizeof(regs) / sizeof(regs[0]))

struct val {
	u64 v;
	u64 esr;	/* non-zero: the read trapped (UNDEF) with this ESR */
};

static struct val first[NREGS], cur[NREGS];
volatile u64 counter;	/* counts for ever, in guest memory */

static void read_all(struct val *out)
{
	for (unsigned int i = 0; i < NREGS; i++) {
		const struct reg *r = &regs[i];
		u64 traps = l2_trap_count;

		switch (r->kind) {
		case K_MRS:
			out[i].v = r->fn();
			break;
		case K_CCSIDR:
			out[i].v = ccsidr(r->a);
			break;
		case K_HVC:
			out[i].v = hvc(r->a, r->b);
			break;
		}
		out[i].esr = l2_trap_count != traps ? (l2_trap_esr | 1UL << 63) : 0;
		if (out[i].esr)
			out[i].v = 0;
	}
	asm volatile("msr csselr_el1, xzr\n\tisb");
}

static void putval(const struct val *v)
{
	if (v->esr) {
		puts("undef(esr=");
		puthex(v->esr & ~(1UL << 63));
		putc(')');
	} else {
		puthex(v->v);
	}
}

static u64 cntvct(void)
{
	u64 v;

	asm volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static u64 cntfrq(void)
{
	u64 v;

	asm volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

static void report(u64 n, u64 count)
{
	unsigned int diffs = 0;

	puts("CNT ");
	putdec(count);
	puts(" REPORT ");
	putdec(n);
	puts("\nTIME CNTVCT_EL0=");
	putdec(cntvct());
	puts(" CNTFRQ_EL0=");
	putdec(cntfrq());
	putc('\n');
	for (unsigned int i = 0; i < NREGS; i++) {
		puts("REG ");
		puts(regs[i].name);
		putc('=');
		putval(&cur[i]);
		putc('\n');
	}
	for (unsigned int i = 0; i < NREGS; i++) {
		if (cur[i].v == first[i].v && cur[i].esr == first[i].esr)
			continue;
		diffs++;
		puts("DIFF ");
		puts(regs[i].name);
		puts(" before=");
		putval(&first[i]);
		puts(" now=");
		putval(&cur[i]);
		putc('\n');
	}
	puts("END ");
	putdec(n);
	puts(" diffs=");
	putdec(diffs);
	putc('\n');
}

void main(void)
{
	u64 freq = cntfrq(), last, now, n = 0;

	if (!freq)
		freq = 62500000;
	puts("L2 START\n");
	read_all(first);
	memcpy(cur, first, sizeof(cur));
	report(n, counter);
	last = cntvct();
	for (;;) {
		counter++;
		/* A report about every second of guest time; at once when the
		 * counter went backwards (it may, across hosts): the report
		 * shows it, and the next second counts from there. */
		now = cntvct();
		if (now < last || now - last >= freq) {
			read_all(cur);
			report(++n, counter);
			last = cntvct();
		}
	}
}
