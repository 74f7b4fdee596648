// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of libarm64cpumodel's public interface (arm64-cpumodel.h
 * only, as a VMM sees it): profiles, register and field tables, compare
 * and baseline with structured findings, and the plan of a model applied
 * with the VMM's own file descriptors, against a fake VM made from a probed
 * host profile.  Also run under ThreadSanitizer with threads (--threads).
 *
 *   api-test FIXTURES-DIR [--threads]
 *
 * Prints "pass  cpumodel/api-NAME" or "FAIL  cpumodel/api-NAME: why" per
 * check; exit status 1 if any failed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "arm64-cpumodel.h"

static int failed;
static const char *dir;

static void check(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#include <stdarg.h>
static void check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("pass  cpumodel/api-%s\n", name);
		return;
	}
	failed++;
	printf("FAIL  cpumodel/api-%s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static struct arm64cm_profile *load(const char *name, unsigned int flags)
{
	struct arm64cm_profile *p;
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s.json", dir, name);
	if (arm64cm_profile_load(path, flags, &p, NULL)) {
		printf("FAIL  cpumodel/api-load: %s\n", path);
		exit(1);
	}
	return p;
}

#define ID_AA64ISAR0	0x603000000013c030ULL
#define ID_AA64PFR0	0x603000000013c020ULL
#define MIDR		0x603000000013c000ULL

static void test_tables(void)
{
	const char *name, *rule, *sha3_rule = NULL, *v;
	unsigned int shift, width, sha3_shift = 0;
	size_t i, n = 0;

	check(!strcmp(arm64cm_version(), "1.0.0"), "version", "%s", arm64cm_version());
	check(!strncmp(arm64cm_rules_id(), "rules-", 6) && strlen(arm64cm_rules_id()) >= 25 &&
	      !strncmp(arm64cm_rules_id() + 22, ".r", 2),
	      "rules-id", "%s", arm64cm_rules_id());
	name = arm64cm_reg_name(ID_AA64ISAR0);
	check(name && !strcmp(name, "ID_AA64ISAR0_EL1"), "reg-name", "%s", name ?: "NULL");
	check(!arm64cm_reg_name(0x6030000000139999ULL), "reg-name-unknown", "op0 2 is not described");
	name = arm64cm_reg_name(0x6030000000160003ULL);
	check(name && !strcmp(name, "VENDOR_HYP_BMAP_2"), "reg-name-unmodelled", "%s",
	      name ?: "NULL");
	for (i = 0; !arm64cm_reg_field(ID_AA64ISAR0, i, &name, &shift, &width, &rule); i++) {
		n++;
		if (!strcmp(name, "SHA3")) {
			sha3_shift = shift;
			sha3_rule = rule;
			check(width == 4, "field-width", "SHA3 width %u", width);
		}
	}
	check(n > 10 && sha3_shift == 32 && sha3_rule && !strcmp(sha3_rule, "lower-safe"),
	      "fields", "%zu fields, SHA3 at %u, rule %s", n, sha3_shift, sha3_rule ?: "NULL");
	check(arm64cm_reg_field(ID_AA64ISAR0, n, NULL, NULL, NULL, NULL) == ARM64CM_BAD_INPUT,
	      "field-past-end", "-");
	check(arm64cm_reg_field(0x6030000000140000ULL, 0, NULL, NULL, NULL, NULL) ==
	      ARM64CM_BAD_INPUT, "field-fw-register", "PSCI_VERSION has no fields");
	for (i = 0; !arm64cm_reg_field(ID_AA64ISAR0, i, &name, NULL, NULL, NULL); i++)
		if (!strcmp(name, "SHA3"))
			break;
	v = arm64cm_field_value_name(ID_AA64ISAR0, i, 1);
	check(v && !strcmp(v, "IMP"), "field-value-name", "%s", v ?: "NULL");
}

static void test_profiles(void)
{
	struct arm64cm_findings *f = arm64cm_findings_new();
	struct arm64cm_profile *p = load("max", 0), *bad;
	uint64_t id, val, mask;
	const char *name;
	int ret;

	check(!strcmp(arm64cm_profile_name(p), "max") && !arm64cm_profile_is_model(p),
	      "profile-name", "%s", arm64cm_profile_name(p));
	check(arm64cm_profile_nr_regs(p) == 71, "profile-nr-regs", "%zu",
	      arm64cm_profile_nr_regs(p));
	ret = arm64cm_profile_reg(p, 0, &id, &name, &val, &mask);
	check(!ret && id == MIDR && !strcmp(name, "MIDR_EL1"), "profile-reg-order",
	      "first register %s 0x%llx", name, (unsigned long long)id);
	check(arm64cm_profile_reg(p, 71, &id, NULL, NULL, NULL) == ARM64CM_BAD_INPUT,
	      "profile-reg-past-end", "-");
	ret = arm64cm_profile_find(p, ID_AA64ISAR0, &val, &mask);
	check(!ret && ((val >> 32) & 0xf) == 1 && mask, "profile-find", "ret %d value 0x%llx",
	      ret, (unsigned long long)val);
	check(arm64cm_profile_find(p, 0x6030000000160003ULL, NULL, NULL) == ARM64CM_BAD_INPUT,
	      "profile-find-absent", "-");
	check(arm64cm_profile_vcpu_features(p) & (1u << 3), "profile-features", "0x%x",
	      arm64cm_profile_vcpu_features(p));
	ret = arm64cm_profile_parse("{\"format\": \"arm64-cpumodel\", \"version\": 3}", "text", 0,
				    &bad, f);
	check(ret == ARM64CM_BAD_INPUT && !bad && arm64cm_findings_errors(f) == 1 &&
	      strstr(arm64cm_finding_message(f, 0), "text: \"kind\""),
	      "parse-bad", "ret %d, %zu findings: %s", ret, arm64cm_findings_count(f),
	      arm64cm_findings_count(f) ? arm64cm_finding_message(f, 0) : "");
	check(arm64cm_profile_load("/nonexistent/x.json", 0, &bad, NULL) == ARM64CM_BAD_INPUT &&
	      !bad, "load-missing", "-");
	check(arm64cm_profile_load("/dev/zero", 0, &bad, NULL) == ARM64CM_BAD_INPUT && !bad,
	      "load-device", "/dev/zero is not a profile");
	{
		char path[4096];

		snprintf(path, sizeof(path), "%s/max.json", dir);
		check(arm64cm_profile_load(path, 1u << 7, &bad, NULL) == ARM64CM_BAD_INPUT && !bad,
		      "load-unknown-flag", "-");
	}
	arm64cm_findings_free(f);
	arm64cm_profile_free(p);
}

static void test_compare_baseline(void)
{
	struct arm64cm_profile *n1 = load("neoverse-n1", 0), *a72 = load("cortex-a72", 0), *m;
	const struct arm64cm_profile *hosts[2] = { n1, a72 };
	struct arm64cm_findings *f = arm64cm_findings_new();
	const char *reg = NULL, *field = NULL, *rule = NULL;
	json_object *j, *a = NULL;
	uint64_t mv = 0, hv = 0;
	size_t i;
	char *text;
	int ret, values = 0;

	ret = arm64cm_baseline(hosts, 2, NULL, ARM64CM_BASELINE_NO_FLEET, "x", &m, f);
	check(ret == ARM64CM_INCOMPATIBLE && !m && arm64cm_findings_errors(f), "baseline-conflict",
	      "ret %d", ret);
	for (i = 0; i < arm64cm_findings_count(f); i++) {
		if (arm64cm_finding_severity(f, i) == ARM64CM_ERROR && arm64cm_finding_field(f, i)) {
			reg = arm64cm_finding_register(f, i);
			field = arm64cm_finding_field(f, i);
			rule = arm64cm_finding_rule(f, i);
			check(arm64cm_finding_reg_id(f, i) == ID_AA64PFR0, "finding-reg-id", "0x%llx",
			      (unsigned long long)arm64cm_finding_reg_id(f, i));
			break;
		}
	}
	check(reg && !strcmp(reg, "ID_AA64PFR0_EL1") && !strcmp(field, "RAS") &&
	      !strcmp(rule, "lower-safe"), "finding-structured", "%s.%s (%s)", reg ?: "-",
	      field ?: "-", rule ?: "-");
	check(!arm64cm_finding_message(f, arm64cm_findings_count(f)) &&
	      !arm64cm_finding_values(f, arm64cm_findings_count(f), NULL, NULL),
	      "finding-out-of-range", "-");
	text = arm64cm_findings_to_json(f);
	j = text ? json_tokener_parse(text) : NULL;
	if (j)
		json_object_object_get_ex(j, "findings", &a);
	check(a && json_object_array_length(a) == arm64cm_findings_count(f), "findings-json",
	      "%.200s", text ?: "NULL");
	json_object_put(j);
	free(text);
	arm64cm_findings_free(f);

	/* A model of N1 alone on the A72: field values in the findings. */
	f = arm64cm_findings_new();
	{
		const struct arm64cm_profile *one[1] = { n1 };
		struct arm64cm_profile *m1 = NULL;

		arm64cm_baseline(one, 1, NULL, 0, "n1", &m1, NULL);
		ret = m1 ? arm64cm_compare(m1, a72, f) : -1;
		for (i = 0; i < arm64cm_findings_count(f); i++) {
			const char *fl = arm64cm_finding_field(f, i);

			if (fl && !strcmp(fl, "PerfMon")) {
				values = arm64cm_finding_values(f, i, &mv, &hv);
				break;
			}
		}
		check(ret == ARM64CM_INCOMPATIBLE && values && mv == 4 && hv == 3,
		      "finding-values", "ret %d, PerfMon %d: model %llu host %llu", ret, values,
		      (unsigned long long)mv, (unsigned long long)hv);
		arm64cm_profile_free(m1);
	}
	arm64cm_findings_free(f);

	f = arm64cm_findings_new();
	ret = arm64cm_baseline(hosts, 2, "cortex-a72", 0, "n1-a72", &m, f);
	check(!ret && m && arm64cm_profile_is_model(m), "baseline", "ret %d", ret);
	check(arm64cm_compare(m, n1, NULL) == ARM64CM_OK &&
	      arm64cm_compare(m, a72, NULL) == ARM64CM_OK, "baseline-runs-on-both", "-");
	check(arm64cm_compare(m, m, NULL) == ARM64CM_BAD_INPUT, "compare-model-as-host", "-");
	arm64cm_profile_free(m);
	check(arm64cm_baseline(hosts, 2, "nosuch", 0, "x", &m, NULL) == ARM64CM_BAD_INPUT,
	      "baseline-impl-from-unknown", "-");
	check(arm64cm_baseline(hosts, 2, NULL, 1u << 9, "x", &m, NULL) == ARM64CM_BAD_INPUT && !m,
	      "baseline-unknown-flag", "-");
	check(arm64cm_vm_apply(NULL, n1, 1u << 9, NULL) == ARM64CM_BAD_INPUT,
	      "vm-apply-unknown-flag", "(a build without KVM refuses it before saying so)");
	check(arm64cm_profile_parse(NULL, "null", 0, &m, NULL) == ARM64CM_BAD_INPUT && !m,
	      "parse-null", "-");
	arm64cm_findings_free(f);
	arm64cm_profile_free(n1);
	arm64cm_profile_free(a72);
}

/* ---- a fake VM: a host profile as KVM would answer ------------------------- */

struct fake {
	const struct arm64cm_profile *host;
	int fleet;		/* the kernel has KVM_CAP_ARM_OOT_FLEET_ID_REGS */
	int pmcr_fails;		/* KVM_GET_ONE_REG PMCR_EL0 fails (EIO) */
	int calls;
};

static int fake_ext(void *opaque, unsigned long cap, int *res)
{
	struct fake *fk = opaque;

	fk->calls++;
	/* PSCI 0.2, PMU, ptrauth, steal time, writable IMP regs; 1000 if fleet. */
	*res = cap == 102 || cap == 126 || cap == 171 || cap == 172 || cap == 187 ||
	       cap == 239 || (cap == 1000 && fk->fleet);
	return 0;
}

static int fake_get(void *opaque, uint64_t id, uint64_t *val)
{
	struct fake *fk = opaque;

	fk->calls++;
	if (id == 0x603000000013dce0ULL) {	/* PMCR_EL0: N = 6 */
		*val = 6ULL << 11 | 0x41ULL << 24;
		return fk->pmcr_fails ? -EIO : 0;
	}
	return arm64cm_profile_find(fk->host, id, val, NULL) ? -ENOENT : 0;
}

static int fake_masks(void *opaque, uint64_t masks[192])
{
	struct fake *fk = opaque;
	uint64_t id, mask;
	size_t i;

	memset(masks, 0, 192 * sizeof(*masks));
	for (i = 0; !arm64cm_profile_reg(fk->host, i, &id, NULL, NULL, &mask); i++) {
		unsigned int enc = id & 0xffff, op1 = (enc >> 11) & 7;

		if ((id >> 16 & 0xffff) != 0x13 || (enc >> 14) != 3 || ((enc >> 7) & 0xf))
			continue;
		op1 -= op1 == 3;
		masks[op1 << 6 | ((enc >> 3) & 7) << 3 | (enc & 7)] = mask;
	}
	return 0;
}

static const struct arm64cm_host_ops fake_ops = {
	.size = sizeof(struct arm64cm_host_ops),
	.check_extension = fake_ext, .get_reg = fake_get, .get_writable_masks = fake_masks,
};

static void test_plan(void)
{
	struct arm64cm_profile *n1 = load("neoverse-n1", 0), *a72 = load("cortex-a72", 0), *m;
	const struct arm64cm_profile *hosts[2] = { n1, a72 };
	struct fake fk = { a72, 1, 0, 0 };
	struct arm64cm_plan *plan;
	uint64_t id, val, prev_group = 0;
	const char *name;
	size_t i, n, k, wrong = 0, order_bad = 0;
	int ret, has_fleet = 0;

	ret = arm64cm_baseline(hosts, 2, "neoverse-n1", 0, "n1-a72", &m, NULL);
	check(!ret, "plan-model", "baseline %d", ret);
	check(arm64cm_plan_vm(n1, &fake_ops, &fk, &plan, NULL) == ARM64CM_BAD_INPUT,
	      "plan-needs-model", "-");
	ret = arm64cm_plan_vm(m, &fake_ops, &fk, &plan, NULL);
	check(!ret, "plan-vm", "%d", ret);
	for (i = 0; i < arm64cm_plan_nr_caps(plan); i++)
		has_fleet |= arm64cm_plan_cap(plan, i) == 1000;
	check(has_fleet && arm64cm_plan_nr_caps(plan) == 2, "plan-caps",
	      "%zu caps, fleet %d", arm64cm_plan_nr_caps(plan), has_fleet);
	check(arm64cm_plan_vcpu_features(plan) == arm64cm_profile_vcpu_features(m),
	      "plan-features", "0x%x", arm64cm_plan_vcpu_features(plan));
	check(arm64cm_plan_nr_writes(plan) == 0, "plan-no-writes-before-step-2", "-");
	ret = arm64cm_plan_writes(plan, &fake_ops, &fk, NULL);
	n = arm64cm_plan_nr_writes(plan);
	/* Every register of the model but the 3 workaround levels, and PMCR_EL0. */
	check(!ret && n == arm64cm_profile_nr_regs(m) - 3 + 1, "plan-writes",
	      "ret %d, %zu writes for a model of %zu registers", ret, n,
	      arm64cm_profile_nr_regs(m));
	/* Every write is the model's value; in order. */
	for (i = 0; i < n; i++) {
		uint64_t mv, group;

		arm64cm_plan_write(plan, i, &id, &val, &name);
		if (id == 0x603000000013dce0ULL) {
			if (((val >> 11) & 0x1f) != 6)
				wrong++;
			continue;
		}
		if (arm64cm_profile_find(m, id, &mv, NULL) || mv != val ||
		    ((id >> 16 & 0xffff) == 0x14 && (id & 0xffff) != 0))
			wrong++;
		/* MIDR (c000) first, then ID (c0xx), CTR (d801), CLIDR (c801): by group. */
		group = id == MIDR ? 0 : (id >> 16 & 0xffff) == 0x13 ? 1 :
			(id >> 16 & 0xffff) == 0x11 ? 2 : 3;
		if (group < prev_group)
			order_bad++;
		prev_group = group;
	}
	check(!wrong && !order_bad, "plan-writes-model-values-ordered", "%zu wrong, %zu out of order",
	      wrong, order_bad);
	/*
	 * Every register the model sets is written, once, but the workaround
	 * levels (firmware registers 1-3), which are not written at all.
	 */
	for (k = 0, wrong = 0; !arm64cm_profile_reg(m, k, &id, &name, &val, NULL); k++) {
		uint64_t w;
		int times = 0, wa = (id >> 16 & 0xffff) == 0x14 && (id & 0xffff);

		for (i = 0; i < n; i++)
			if (!arm64cm_plan_write(plan, i, &w, NULL, NULL) && w == id)
				times++;
		if (times != !wa)
			wrong++;
	}
	check(!wrong, "plan-covers-model", "%zu registers written a wrong number of times", wrong);
	check(arm64cm_plan_write(plan, n, &id, &val, NULL) == ARM64CM_BAD_INPUT,
	      "plan-write-past-end", "-");
	{
		uint64_t bits = 0;
		uint32_t base = 0, nr = 0;

		ret = arm64cm_plan_discovery(plan, &bits, &base, &nr);
		check(arm64cm_profile_nr_impls(m) == 2 && !ret && bits == 3 &&
		      base == 0xc6000040 && nr == 2, "plan-discovery",
		      "%zu implementations, ret %d, bits 0x%llx, 0x%x + %u",
		      arm64cm_profile_nr_impls(m), ret, (unsigned long long)bits, base, nr);
	}
	arm64cm_plan_free(plan);

	/* A caller's struct of an unknown, smaller layout is refused. */
	{
		struct arm64cm_host_ops small = fake_ops;

		small.size = sizeof(size_t);
		check(arm64cm_plan_vm(m, &small, &fk, &plan, NULL) == ARM64CM_BAD_INPUT && !plan,
		      "plan-ops-size", "-");
	}
	/* PMCR_EL0 unreadable on a vCPU with a PMU: a host error, not "incompatible". */
	arm64cm_plan_vm(m, &fake_ops, &fk, &plan, NULL);
	fk.pmcr_fails = 1;
	check(plan && arm64cm_plan_writes(plan, &fake_ops, &fk, NULL) == ARM64CM_HOST_ERROR &&
	      !arm64cm_plan_nr_writes(plan), "plan-pmcr-error", "-");
	fk.pmcr_fails = 0;
	arm64cm_plan_free(plan);

	/* A kernel without the capability: the model cannot run (step 1). */
	fk.fleet = 0;
	check(arm64cm_plan_vm(m, &fake_ops, &fk, &plan, NULL) == ARM64CM_INCOMPATIBLE && !plan,
	      "plan-vm-missing-cap", "-");
	arm64cm_profile_free(m);

	/* A model that asks more than the VM offers: step 2 refuses, no writes. */
	fk.fleet = 1;
	fk.host = a72;
	{
		const struct arm64cm_profile *one[1] = { n1 };
		struct arm64cm_findings *f = arm64cm_findings_new();

		arm64cm_baseline(one, 1, NULL, 0, "n1-only", &m, NULL);
		arm64cm_plan_vm(m, &fake_ops, &fk, &plan, NULL);
		ret = plan ? arm64cm_plan_writes(plan, &fake_ops, &fk, f) : -1;
		check(ret == ARM64CM_INCOMPATIBLE && arm64cm_plan_nr_writes(plan) == 0 &&
		      arm64cm_findings_errors(f), "plan-writes-incompatible", "ret %d", ret);
		arm64cm_plan_free(plan);
		arm64cm_findings_free(f);
		arm64cm_profile_free(m);
	}
	arm64cm_profile_free(n1);
	arm64cm_profile_free(a72);
}

/* Threads: everything at once on shared const profiles (TSan). */
static void *worker(void *arg)
{
	const struct arm64cm_profile *const *hosts = arg;
	struct arm64cm_findings *f = arm64cm_findings_new();
	struct arm64cm_profile *m = NULL, *p = NULL;
	char *t;
	int i;

	for (i = 0; i < 4; i++) {
		arm64cm_baseline(hosts, 2, NULL, 0, "t", &m, f);
		if (m)
			arm64cm_compare(m, hosts[0], f);
		t = m ? arm64cm_profile_to_json(m) : NULL;
		if (t && !arm64cm_profile_parse(t, "t", 0, &p, f))
			arm64cm_profile_free(p);
		free(t);
		t = arm64cm_profile_describe(hosts[1]);
		free(t);
		arm64cm_profile_free(m);
		m = NULL;
	}
	arm64cm_findings_free(f);
	return NULL;
}

static void test_threads(void)
{
	struct arm64cm_profile *n1 = load("neoverse-n1", 0), *a72 = load("cortex-a72", 0);
	const struct arm64cm_profile *hosts[2] = { n1, a72 };
	pthread_t t[8];
	int i, err = 0;

	for (i = 0; i < 8; i++)
		err |= pthread_create(&t[i], NULL, worker, (void *)hosts);
	for (i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	check(!err, "threads", "pthread_create failed");
	arm64cm_profile_free(n1);
	arm64cm_profile_free(a72);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: api-test FIXTURES-DIR [--threads]\n");
		return 2;
	}
	dir = argv[1];
	if (argc > 2 && !strcmp(argv[2], "--threads")) {
		test_threads();
		return failed ? 1 : 0;
	}
	test_tables();
	test_profiles();
	test_compare_baseline();
	test_plan();
	return failed ? 1 : 0;
}
