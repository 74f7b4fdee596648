// SPDX-License-Identifier: GPL-2.0
/*
 * abi-show: print the guest ABI that this host's KVM/arm64 offers a VMM.
 *
 * Creates a scratch VM with one vCPU and prints, for a person (default)
 * or for a machine (--json): the kernel release, which guest-ABI
 * capabilities exist, the firmware pseudo-registers (coproc 0x14), the
 * hypercall service bitmaps (coproc 0x16; KVM_REG_ARM_VENDOR_HYP_BMAP_2
 * "absent" on kernels without it), the VM device attributes (the SMCCC
 * filter), the PMU's number of event counters (PMCR_EL0.N) and the
 * identification registers decoded by field, with the writable masks where
 * the kernel reports them (KVM_ARM_GET_REG_WRITABLE_MASKS).
 *
 * Register and field names come from libarm64cpumodel (its public
 * interface, arm64-cpumodel.h), so that this tool and arm64-cpumodel name
 * every register and field alike.  Linked statically.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvm-arm64-compat.h"

#include "arm64-cpumodel.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SYSREG_ID(op0, op1, crn, crm, op2)				\
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG |	\
	 ((uint64_t)(op0) << 14) | ((op1) << 11) | ((crn) << 7) |	\
	 ((crm) << 3) | (op2))

static const struct {
	int cap;
	const char *name;
	int vm;		/* ask the VM fd rather than /dev/kvm */
} caps[] = {
	{ KVM_CAP_ONE_REG, "KVM_CAP_ONE_REG", 0 },
	{ KVM_CAP_ARM_PSCI_0_2, "KVM_CAP_ARM_PSCI_0_2", 0 },
	{ KVM_CAP_ARM_PMU_V3, "KVM_CAP_ARM_PMU_V3", 0 },
	{ KVM_CAP_ARM_VM_IPA_SIZE, "KVM_CAP_ARM_VM_IPA_SIZE", 0 },
	{ KVM_CAP_ARM_SVE, "KVM_CAP_ARM_SVE", 0 },
	{ KVM_CAP_ARM_PTRAUTH_ADDRESS, "KVM_CAP_ARM_PTRAUTH_ADDRESS", 0 },
	{ KVM_CAP_ARM_PTRAUTH_GENERIC, "KVM_CAP_ARM_PTRAUTH_GENERIC", 0 },
	{ KVM_CAP_ARM_EL1_32BIT, "KVM_CAP_ARM_EL1_32BIT", 0 },
	{ KVM_CAP_STEAL_TIME, "KVM_CAP_STEAL_TIME", 1 },
	{ KVM_CAP_ARM_MTE, "KVM_CAP_ARM_MTE", 1 },
	{ KVM_CAP_ARM_SYSTEM_SUSPEND, "KVM_CAP_ARM_SYSTEM_SUSPEND", 1 },
	{ KVM_CAP_COUNTER_OFFSET, "KVM_CAP_COUNTER_OFFSET", 1 },
	{ KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES,
	  "KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES", 1 },
	{ KVM_CAP_ARM_WRITABLE_IMP_ID_REGS, "KVM_CAP_ARM_WRITABLE_IMP_ID_REGS", 1 },
};

static int json;

static void die(const char *what)
{
	fprintf(stderr, "abi-show: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int get_reg(int vcpu, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)val };

	return ioctl(vcpu, KVM_GET_ONE_REG, &reg) ? -errno : 0;
}

/* The library's name of system register @id, or its encoding. */
static const char *reg_name(uint64_t id, char *buf, size_t len)
{
	const char *n = arm64cm_reg_name(id);

	if (n)
		return n;
	snprintf(buf, len, "S%d_%d_C%d_C%d_%d", (int)(id >> 14 & 3), (int)(id >> 11 & 7),
		 (int)(id >> 7 & 15), (int)(id >> 3 & 15), (int)(id & 7));
	return buf;
}

/* Section helpers: one table per section for people, one JSON object for machines. */
static int first_item;

static void section(const char *title, const char *key)
{
	if (json) {
		printf("%s\n  \"%s\": {", first_item ? "" : ",", key);
		first_item = 0;
	} else {
		printf("\n%s\n", title);
	}
}

static int first_entry;

static void end_section(void)
{
	if (json)
		printf("\n  }");
	first_entry = 1;
}

static void show_caps(int kvm, int vm)
{
	size_t i;

	section("Capabilities (KVM_CHECK_EXTENSION)", "capabilities");
	first_entry = 1;
	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		int r = ioctl(caps[i].vm ? vm : kvm, KVM_CHECK_EXTENSION, caps[i].cap);

		if (r < 0)
			r = 0;
		if (json)
			printf("%s\n    \"%s\": %d", first_entry ? "" : ",", caps[i].name, r);
		else
			printf("  %-40s %4d  %s\n", caps[i].name, caps[i].cap,
			       r ? (r == 1 ? "yes" : "yes") : "no");
		if (!json && r > 1)
			printf("  %-40s       (returns %d)\n", "", r);
		first_entry = 0;
	}
	end_section();
}

static void fw_line(const char *name, uint64_t id, int ret, uint64_t v,
		    const char *decoded)
{
	if (json) {
		printf("%s\n    \"%s\": { \"id\": \"0x%016llx\", ", first_entry ? "" : ",",
		       name, (unsigned long long)id);
		if (ret == -ENOENT)
			printf("\"absent\": true }");
		else if (ret)
			printf("\"error\": \"%s\" }", strerror(-ret));
		else
			printf("\"value\": %llu, \"decoded\": \"%s\" }",
			       (unsigned long long)v, decoded);
	} else if (ret == -ENOENT) {
		printf("  %-28s 0x%016llx  %-12s %s\n", name, (unsigned long long)id,
		       "-", "absent (this kernel does not have it)");
	} else if (ret) {
		printf("  %-28s 0x%016llx  %-12s %s\n", name, (unsigned long long)id,
		       "-", strerror(-ret));
	} else {
		printf("  %-28s 0x%016llx  0x%-10llx %s\n", name,
		       (unsigned long long)id, (unsigned long long)v, decoded);
	}
	first_entry = 0;
}

static const char *wa_level(int wa, uint64_t v)
{
	static char buf[64];
	static const char *const l13[] = { "NOT_AVAIL", "AVAIL", "NOT_REQUIRED" };
	static const char *const l2[] = { "NOT_AVAIL", "UNKNOWN", "AVAIL", "NOT_REQUIRED" };
	uint64_t lvl = v & 0xf;

	if (wa == 2)
		snprintf(buf, sizeof(buf), "%s%s", lvl < 4 ? l2[lvl] : "?",
			 (v & KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_ENABLED) ? " ENABLED" : "");
	else
		snprintf(buf, sizeof(buf), "%s", lvl < 3 ? l13[lvl] : "?");
	return buf;
}

static void show_firmware(int vcpu)
{
	char buf[64];
	uint64_t v = 0;
	int ret, i;

	section("Firmware pseudo-registers (KVM_REG_ARM_FW, coproc 0x14)", "firmware");
	first_entry = 1;
	ret = get_reg(vcpu, KVM_REG_ARM_PSCI_VERSION, &v);
	snprintf(buf, sizeof(buf), "PSCI %llu.%llu", (unsigned long long)(v >> 16),
		 (unsigned long long)(v & 0xffff));
	fw_line("PSCI_VERSION", KVM_REG_ARM_PSCI_VERSION, ret, v, buf);
	for (i = 1; i <= 3; i++) {
		uint64_t id = KVM_REG_ARM_FW_REG(i);

		snprintf(buf, sizeof(buf), "SMCCC_ARCH_WORKAROUND_%d", i);
		ret = get_reg(vcpu, id, &v);
		fw_line(buf, id, ret, v, ret ? "" : wa_level(i, v));
	}
	end_section();
}

static void show_bitmaps(int vcpu)
{
	static const struct {
		const char *name;
		uint64_t id;
		const char *bits[4];
	} bmaps[] = {
		{ "STD_BMAP", KVM_REG_ARM_STD_BMAP, { "TRNG_V1_0" } },
		{ "STD_HYP_BMAP", KVM_REG_ARM_STD_HYP_BMAP, { "PV_TIME" } },
		{ "VENDOR_HYP_BMAP", KVM_REG_ARM_VENDOR_HYP_BMAP, { "FUNC_FEAT", "PTP" } },
		/* 0 after reset and not in KVM_GET_REG_LIST: the VMM's services */
		{ "VENDOR_HYP_BMAP_2", KVM_REG_ARM_VENDOR_HYP_BMAP_2,
		  { "DISCOVER_IMPL_VER", "DISCOVER_IMPL_CPUS" } },
	};
	size_t i;

	section("Hypercall service bitmaps (KVM_REG_ARM_FW_FEAT_BMAP, coproc 0x16)",
		"hypercall_bitmaps");
	first_entry = 1;
	for (i = 0; i < ARRAY_SIZE(bmaps); i++) {
		char buf[128] = "";
		uint64_t v = 0;
		int ret = get_reg(vcpu, bmaps[i].id, &v), b;

		for (b = 0; b < 64 && !ret; b++) {
			if (!(v & (1ULL << b)))
				continue;
			if (buf[0])
				strcat(buf, " ");
			if (b < 4 && bmaps[i].bits[b])
				strcat(buf, bmaps[i].bits[b]);
			else
				sprintf(buf + strlen(buf), "bit%d", b);
		}
		if (!ret && !v)
			strcpy(buf, "(none)");
		fw_line(bmaps[i].name, bmaps[i].id, ret, v, buf);
	}
	end_section();
}

/* VM device attributes (KVM_HAS_DEVICE_ATTR on the VM fd): 1 if present. */
static void show_vm_attrs(int vm)
{
	static const struct {
		uint32_t group;
		uint64_t attr;
		const char *name;
	} attrs[] = {
		{ KVM_ARM_VM_SMCCC_CTRL, KVM_ARM_VM_SMCCC_FILTER, "KVM_ARM_VM_SMCCC_FILTER" },
	};
	size_t i;

	section("VM device attributes (KVM_HAS_DEVICE_ATTR on the VM fd)", "vm_attributes");
	first_entry = 1;
	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		struct kvm_device_attr a = { .group = attrs[i].group, .attr = attrs[i].attr };
		int r = !ioctl(vm, KVM_HAS_DEVICE_ATTR, &a);

		if (json)
			printf("%s\n    \"%s\": %d", first_entry ? "" : ",", attrs[i].name, r);
		else
			printf("  %-40s group %u attr %llu  %s\n", attrs[i].name, attrs[i].group,
			       (unsigned long long)attrs[i].attr, r ? "yes" : "no");
		first_entry = 0;
	}
	end_section();
}

/*
 * The vCPU's PMU: PMCR_EL0 and its N, the number of event counters (a VMM
 * may lower it before the first run on kernels with writable PMCR_EL0.N).
 */
static void show_pmu(int vcpu, int has_pmu)
{
	uint64_t id = SYSREG_ID(3, 3, 9, 12, 0), v = 0;
	int ret = has_pmu ? get_reg(vcpu, id, &v) : -ENOENT;

	section("PMU (vCPU 0; PMCR_EL0.N = number of event counters)", "pmu");
	first_entry = 1;
	if (json) {
		printf("\n    \"PMCR_EL0\": { \"id\": \"0x%016llx\", ", (unsigned long long)id);
		if (ret == -ENOENT)
			printf("\"absent\": true }");
		else if (ret)
			printf("\"error\": \"%s\" }", strerror(-ret));
		else
			printf("\"value\": \"0x%016llx\", \"N\": %llu }", (unsigned long long)v,
			       (unsigned long long)((v >> 11) & 0x1f));
	} else if (ret == -ENOENT) {
		printf("  %-18s (3,3,9,12,0)  absent (%s)\n", "PMCR_EL0",
		       has_pmu ? "not a register of this vCPU" : "no KVM_CAP_ARM_PMU_V3");
	} else if (ret) {
		printf("  %-18s (3,3,9,12,0)  %s\n", "PMCR_EL0", strerror(-ret));
	} else {
		printf("  %-18s (3,3,9,12,0)  0x%016llx\n      %-14s [15:11]   %-6llu event counters\n",
		       "PMCR_EL0", (unsigned long long)v, "N", (unsigned long long)((v >> 11) & 0x1f));
	}
	first_entry = 0;
	end_section();
}

static void show_idregs(int vm, int vcpu)
{
	static uint64_t masks[KVM_ARM_FEATURE_ID_RANGE_SIZE];
	struct reg_mask_range range = {
		.addr = (uintptr_t)masks,
		.range = KVM_ARM_FEATURE_ID_RANGE,
	};
	int have_masks, hidden = 0;
	int op1, crm, op2;

	have_masks = ioctl(vm, KVM_CHECK_EXTENSION,
			   KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES) > 0 &&
		     !ioctl(vm, KVM_ARM_GET_REG_WRITABLE_MASKS, &range);

	section(have_masks ? "Identification registers (vCPU 0; writable mask from KVM_ARM_GET_REG_WRITABLE_MASKS)" :
		"Identification registers (vCPU 0; this kernel reports no writable masks)",
		"id_registers");
	first_entry = 1;
	/* op1 0 (CRm 0..7), then CLIDR/AIDR (op1 1), CTR_EL0 (op1 3). */
	for (op1 = 0; op1 <= 3; op1++) {
		for (crm = 0; crm <= 7; crm++) {
			for (op2 = 0; op2 <= 7; op2++) {
				const char *name, *fname;
				unsigned int shift, width;
				char buf[32];
				size_t fi;
				int desc;
				uint64_t id = SYSREG_ID(3, op1, 0, crm, op2), v = 0, mask = 0;
				int idx, ret;

				if (op1 == 2 || (op1 && crm))
					continue;
				ret = get_reg(vcpu, id, &v);
				if (ret == -ENOENT)
					continue;
				name = reg_name(id, buf, sizeof(buf));
				desc = !arm64cm_reg_field(id, 0, NULL, NULL, NULL, NULL);
				idx = ((op1 == 3 ? 2 : op1) << 6) | (crm << 3) | op2;
				if (have_masks && (op1 == 0 || op1 == 1 || op1 == 3))
					mask = masks[idx];
				if (!ret && !v && !mask && !desc && strncmp(name, "S3_", 3) == 0) {
					hidden++;	/* unallocated, reads as zero */
					continue;
				}
				if (json) {
					printf("%s\n    \"%s\": { \"id\": \"0x%016llx\", \"encoding\": [3, %d, 0, %d, %d]",
					       first_entry ? "" : ",", name,
					       (unsigned long long)id, op1, crm, op2);
					if (ret)
						printf(", \"error\": \"%s\" }", strerror(-ret));
					else
						printf(", \"value\": \"0x%016llx\"", (unsigned long long)v);
					if (!ret && have_masks)
						printf(", \"writable_mask\": \"0x%016llx\"",
						       (unsigned long long)mask);
					if (!ret && desc) {
						printf(", \"fields\": {");
						for (fi = 0; !arm64cm_reg_field(id, fi, &fname, &shift,
										 &width, NULL); fi++)
							printf("%s \"%s\": %llu", fi ? "," : "", fname,
							       (unsigned long long)((v >> shift) &
							       (width == 64 ? ~0ULL : (1ULL << width) - 1)));
						printf(" }");
					}
					if (!ret)
						printf(" }");
					first_entry = 0;
					continue;
				}
				if (ret) {
					printf("  %-18s (3,%d,0,%d,%d)  %s\n", name, op1, crm, op2,
					       strerror(-ret));
					continue;
				}
				printf("  %-18s (3,%d,0,%d,%d)  0x%016llx", name, op1, crm, op2,
				       (unsigned long long)v);
				if (have_masks)
					printf("  writable 0x%016llx", (unsigned long long)mask);
				printf("\n");
				if (!desc)
					continue;
				for (fi = 0; !arm64cm_reg_field(id, fi, &fname, &shift, &width, NULL);
				     fi++) {
					uint64_t fm = width == 64 ? ~0ULL : (1ULL << width) - 1;
					uint64_t fv = (v >> shift) & fm;
					int w = !!(mask & (fm << shift));
					const char *en = arm64cm_field_value_name(id, fi, fv);

					printf("      %-14s [%2u:%2u] %c %-6llu %s\n", fname,
					       shift + width - 1, shift, w ? 'w' : ' ',
					       (unsigned long long)fv, en ? en : "");
				}
			}
		}
	}
	if (!json)
		printf("  (%d unallocated registers read as zero and are not shown)\n", hidden);
	end_section();
}

int main(int argc, char **argv)
{
	struct kvm_vcpu_init init;
	struct utsname u;
	int kvm, vm, vcpu, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else {
			fprintf(stderr, "usage: %s [--json]\n", argv[0]);
			return 2;
		}
	}

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("open /dev/kvm");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("KVM_CREATE_VCPU");
	if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init))
		die("KVM_ARM_PREFERRED_TARGET");
	init.features[0] |= 1 << KVM_ARM_VCPU_PSCI_0_2;
	if (ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PMU_V3) > 0)
		init.features[0] |= 1 << KVM_ARM_VCPU_PMU_V3;
	if (ioctl(vcpu, KVM_ARM_VCPU_INIT, &init))
		die("KVM_ARM_VCPU_INIT");
	uname(&u);

	first_item = 1;
	if (json) {
		printf("{\n  \"format\": \"abi-show/1\",\n  \"kernel\": \"%s\",\n"
		       "  \"machine\": \"%s\",\n  \"kvm_api_version\": %d",
		       u.release, u.machine, ioctl(kvm, KVM_GET_API_VERSION, 0));
		first_item = 0;
	} else {
		printf("KVM/arm64 guest ABI on Linux %s (%s), KVM API %d\n", u.release,
		       u.machine, ioctl(kvm, KVM_GET_API_VERSION, 0));
		printf("vCPU 0 initialised as target %u with PSCI 0.2%s\n", init.target,
		       (init.features[0] & (1 << KVM_ARM_VCPU_PMU_V3)) ? " and PMUv3" : "");
	}
	show_caps(kvm, vm);
	show_firmware(vcpu);
	show_bitmaps(vcpu);
	show_vm_attrs(vm);
	show_pmu(vcpu, !!(init.features[0] & (1 << KVM_ARM_VCPU_PMU_V3)));
	show_idregs(vm, vcpu);
	if (json)
		printf("\n}\n");
	return 0;
}
