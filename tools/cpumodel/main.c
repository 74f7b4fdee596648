// SPDX-License-Identifier: GPL-2.0
/*
 * arm64-cpumodel: guest CPU models for KVM/arm64 fleets.
 *
 *   probe    [--name NAME] [-o FILE]          this host's profile (JSON)
 *   show     [--json] PROFILE                 a profile, decoded by field
 *                                             (--json: checked and rewritten
 *                                             as this version writes it)
 *   baseline [--name NAME] [--impl-from HOST] [--no-fleet] [-o FILE] HOST.json...
 *                                             (--no-fleet: without
 *                                             KVM_CAP_ARM_OOT_FLEET_ID_REGS)
 *   compare  MODEL HOST.json                  can MODEL run on that host?
 *   apply    MODEL [--vcpus N] [--no-precheck] [--no-verify]
 *            [--discovery | --no-discovery]
 *            write MODEL to a new VM, then verify from userspace and guest
 *
 * Exit status: 0 success/compatible, 1 incompatible or rejected,
 * 2 bad usage or input.  Nothing is written (-o) on failure.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpumodel.h"
#include "cpumodel-int.h"

#define EXIT_INCOMPATIBLE	1
#define EXIT_USAGE		2
#define EXIT_SYSTEM		3	/* host/system error: writing the output failed */

/*
 * Flush and close standard output; a write error (a full disk, a closed
 * pipe's EPIPE with SIGPIPE ignored, /dev/full) is reported and turns the
 * exit status into EXIT_SYSTEM, whatever the command's answer was.
 */
static int close_stdout(int status)
{
	int err = 0;

	/* err -1: an earlier write failed, its errno is gone. */
	errno = 0;
	if (fflush(stdout))
		err = errno ?: -1;
	if (ferror(stdout) && !err)
		err = -1;
	errno = 0;
	if (fclose(stdout) && !err)
		err = errno ?: -1;
	if (!err)
		return status;
	fprintf(stderr, "arm64-cpumodel: write error on standard output%s%s\n",
		err > 0 ? ": " : "", err > 0 ? strerror(err) : "");
	return EXIT_SYSTEM;
}

/* --name: a profile holds at most 63 characters, never cut. */
static int name_too_long(const char *name)
{
	if (strlen(name) < sizeof(((struct cm_profile *)0)->name))
		return 0;
	fprintf(stderr, "--name: longer than %zu characters\n",
		sizeof(((struct cm_profile *)0)->name) - 1);
	return 1;
}

static void usage_to(FILE *f, int status)
{
	fprintf(f,
		"usage: arm64-cpumodel probe [--name NAME] [-o FILE]\n"
		"       arm64-cpumodel show [--json] PROFILE\n"
		"       arm64-cpumodel baseline [--name NAME] [--impl-from HOST] [--no-fleet] [-o FILE]\n"
		"                               HOST.json...\n"
		"       arm64-cpumodel compare MODEL HOST.json\n"
		"       arm64-cpumodel apply MODEL [--vcpus N] [--no-precheck] [--no-verify]\n"
		"                            [--discovery | --no-discovery]\n"
		"\n"
		"baseline uses KVM_CAP_ARM_OOT_FLEET_ID_REGS (\"fleet-id-regs\", out of tree) when\n"
		"every host has it: a model that differs from a host in a field only the\n"
		"capability makes writable requires it (the model's \"capabilities\"), and\n"
		"apply enables it on the VM; --no-fleet computes the model mainline's masks\n"
		"allow.  Exit status: 0 ok/compatible, 1 incompatible or rejected, 2 bad usage\n"
		"or input, 3 output write error.  Formats and rules: tools/cpumodel/README.md.\n");
	exit(f == stdout ? close_stdout(status) : status);
}

static void usage(void)
{
	usage_to(stderr, EXIT_USAGE);
}

static void print_report(const struct cm_report *rep, FILE *f, const char *prefix)
{
	size_t i;

	for (i = 0; i < rep->n; i++)
		fprintf(f, "%s%s\n", prefix, rep->line[i]);
}

static int emit(const struct cm_profile *p, const char *out)
{
	struct cm_report rep = { 0 };
	char *text;

	if (out) {
		if (cm_save(out, p, &rep)) {
			print_report(&rep, stderr, "arm64-cpumodel: ");
			cm_report_free(&rep);
			return EXIT_USAGE;
		}
		return 0;
	}
	text = cm_to_json(p);
	if (!text)
		return EXIT_USAGE;
	puts(text);
	free(text);
	return 0;
}

static int load(const char *path, struct cm_profile *p)
{
	struct cm_report rep = { 0 };
	int ret = cm_load(path, p, &rep);

	print_report(&rep, stderr, "arm64-cpumodel: ");
	cm_report_free(&rep);
	return ret;
}

static int cmd_show(int argc, char **argv)
{
	struct cm_profile p;
	int s, b;

	if (argc == 3 && !strcmp(argv[1], "--json")) {
		if (load(argv[2], &p))
			return EXIT_USAGE;
		return emit(&p, NULL);
	}
	if (argc != 2)
		usage();
	if (load(argv[1], &p))
		return EXIT_USAGE;
	printf("%s %s \"%s\"", p.is_model ? "model" : "host", argv[1], p.name);
	if (p.is_model)
		printf(" from %s\n", p.sources);
	else
		printf(", Linux %s\n", p.kernel);
	printf("vCPU features:");
	for (b = 0; b < 32; b++)
		if (p.features & (1u << b))
			printf(" %s", cm_feature_name(b));
	printf("\nPV time: %s\n", p.pvtime ? "yes" : "no");
	if (p.is_model && p.vm_caps) {
		printf("VM capabilities required:");
		for (b = 0; b < 32; b++)
			if (p.vm_caps & (1u << b))
				printf(" %s%s", cm_cap_name(b),
				       (1u << b) == CM_CAP_FLEET_ID_REGS ?
				       " (KVM_CAP_ARM_OOT_FLEET_ID_REGS)" : "");
		printf("\n");
	} else if (!p.is_model) {
		printf("Capabilities:");
		for (b = 0; b < 32; b++)
			if (p.caps & (1u << b))
				printf(" %s", cm_cap_name(b));
		printf("\n");
	}
	if (p.pmu_counters_set)
		printf("PMU event counters (PMCR_EL0.N): %u\n", p.pmu_counters);
	{
		struct cm_impl l[CM_MAX_IMPLS];
		int n = cm_impls(&p, l), i;

		if (n && (p.is_model || n > 1)) {
			printf("%s:\n", p.is_model ? "Implementations (target-implementation discovery)" :
			       "CPU implementations");
			for (i = 0; i < n; i++)
				printf("  [%d] MIDR_EL1 0x%016llx  REVIDR_EL1 0x%016llx  AIDR_EL1 0x%016llx\n",
				       i, (unsigned long long)l[i].midr, (unsigned long long)l[i].revidr,
				       (unsigned long long)l[i].aidr);
		}
	}
	for (s = 0; s < CM_NR_SLOTS; s++) {
		const struct cm_regdesc *d = cm_slot_desc(s);
		const struct cm_field *f;
		const struct cm_reg *r = &p.r[s];
		uint64_t mask = cm_host_mask(&p, s);
		char v[48], names[256];

		if (!r->present)
			continue;
		printf("%-24s 0x%016llx", cm_slot_name(s), (unsigned long long)r->val);
		if (mask)
			printf("  writable 0x%016llx", (unsigned long long)mask);
		/* The bits the capability adds (the tool's list of its fields). */
		if (!p.is_model && (p.caps & CM_CAP_FLEET_ID_REGS) && cm_fleet_mask(s))
			printf("  fleet fields 0x%016llx", (unsigned long long)cm_fleet_mask(s));
		/* A profile of the first revision of patch 0026 (IDS). */
		if (r->mask & ~mask)
			printf("  (recorded 0x%016llx: %s no longer writable)",
			       (unsigned long long)r->mask,
			       cm_field_names(s, r->mask & ~mask, names, sizeof(names)));
		printf("\n");
		if (!d || !r->val)
			continue;
		for (f = d->fields; f->name; f++) {
			int64_t fv = cm_field_get(f, r->val);

			if (!fv && f->rule == CM_RULE_NONE)
				continue;
			printf("    %-14s %-18s %s%s%s\n", f->name, cm_field_value_str(f, fv, v, sizeof(v)),
			       cm_rule_name(f->rule),
			       (mask & cm_field_mask(f)) == cm_field_mask(f) ? ", writable" : "",
			       (mask & cm_field_mask(f)) == cm_field_mask(f) &&
			       (cm_fleet_mask(s) & cm_field_mask(f)) && (p.caps & CM_CAP_FLEET_ID_REGS) ?
			       " with fleet-id-regs" : "");
		}
	}
	return 0;
}

static int cmd_baseline(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "impl-from", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "no-fleet", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "baseline", *out = NULL, *impl = NULL;
	struct cm_report rep = { 0 };
	struct cm_profile *hosts, model;
	int c, i, n, impl_from = -1, ret;
	unsigned int flags = 0;

	while ((c = getopt_long(argc, argv, "n:i:o:F", opts, NULL)) != -1) {
		switch (c) {
		case 'F':
			flags |= CM_BASELINE_NO_FLEET;
			break;
		case 'n':
			name = optarg;
			break;
		case 'i':
			impl = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			usage();
		}
	}
	n = argc - optind;
	if (n < 1)
		usage();
	if (name_too_long(name))
		return EXIT_USAGE;
	hosts = calloc(n, sizeof(*hosts));
	if (!hosts)
		return EXIT_USAGE;
	for (i = 0; i < n; i++) {
		if (load(argv[optind + i], &hosts[i])) {
			free(hosts);
			return EXIT_USAGE;
		}
		if (impl && !strcmp(impl, hosts[i].name))
			impl_from = i;
	}
	if (impl && impl_from < 0) {
		fprintf(stderr, "arm64-cpumodel: --impl-from %s: no such host among the profiles\n", impl);
		free(hosts);
		return EXIT_USAGE;
	}
	ret = cm_baseline_ext(hosts, n, impl_from, flags, name, &model, &rep);
	fprintf(stderr, "baseline of %d host%s: %s\n", n, n > 1 ? "s" : "",
		ret ? "FAILED, no model written" : "every host can run this model");
	print_report(&rep, stderr, "  ");
	cm_report_free(&rep);
	free(hosts);
	if (ret)
		return EXIT_INCOMPATIBLE;
	return emit(&model, out);
}

static int cmd_compare(int argc, char **argv)
{
	struct cm_profile model, host;
	struct cm_report rep = { 0 };
	int bad;

	if (argc != 3)
		usage();
	if (load(argv[1], &model) || load(argv[2], &host))
		return EXIT_USAGE;
	if (host.is_model) {
		fprintf(stderr, "arm64-cpumodel: %s is a model; compare needs a host profile (from probe)\n",
			argv[2]);
		return EXIT_USAGE;
	}
	bad = cm_compare(&model, &host, &rep);
	if (bad) {
		printf("%s cannot run on %s: %d incompatible item%s\n", model.name, host.name,
		       bad, bad > 1 ? "s" : "");
		print_report(&rep, stdout, "  ");
	} else {
		printf("%s can run on %s\n", model.name, host.name);
	}
	cm_report_free(&rep);
	return bad ? EXIT_INCOMPATIBLE : 0;
}

#ifdef CM_WITH_KVM
static int cmd_probe(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "host", *out = NULL;
	struct cm_report rep = { 0 };
	struct cm_profile p;
	int c;

	while ((c = getopt_long(argc, argv, "n:o:", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (name_too_long(name))
		return EXIT_USAGE;
	if (cm_probe(&p, name, &rep)) {
		print_report(&rep, stderr, "arm64-cpumodel: probe: ");
		cm_report_free(&rep);
		return EXIT_USAGE;
	}
	return emit(&p, out);
}

static int cmd_apply(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vcpus", required_argument, NULL, 'c' },
		{ "no-precheck", no_argument, NULL, 'P' },
		{ "no-verify", no_argument, NULL, 'V' },
		{ "discovery", no_argument, NULL, 'D' },
		{ "no-discovery", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	struct cm_report rep = { 0 };
	struct cm_profile model;
	unsigned int flags = 0;
	int c, vcpus = 2, verify = 1, bad, i;
	struct cm_vm vm;

	while ((c = getopt_long(argc, argv, "c:PVDN", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			vcpus = atoi(optarg);
			break;
		case 'P':
			flags |= CM_APPLY_NO_PRECHECK;
			break;
		case 'V':
			verify = 0;
			break;
		case 'D':
			flags |= CM_APPLY_DISCOVERY;
			break;
		case 'N':
			flags |= CM_APPLY_NO_DISCOVERY;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 ||
	    (flags & (CM_APPLY_DISCOVERY | CM_APPLY_NO_DISCOVERY)) ==
	    (CM_APPLY_DISCOVERY | CM_APPLY_NO_DISCOVERY))
		usage();
	if (load(argv[optind], &model))
		return EXIT_USAGE;
	if ((flags & CM_APPLY_DISCOVERY) && !(model.is_model && model.nr_impls)) {
		fprintf(stderr, "arm64-cpumodel: apply --discovery: %s lists no implementations\n",
			argv[optind]);
		return EXIT_USAGE;
	}
	bad = cm_vm_create(&vm, &model, vcpus, &rep);
	if (bad > 0) {
		/* A capability or vCPU feature the model requires is missing. */
		printf("apply %s: REJECTED, it cannot run on this host\n", model.name);
		print_report(&rep, stdout, "  ");
		cm_report_free(&rep);
		return EXIT_INCOMPATIBLE;
	}
	if (bad) {
		print_report(&rep, stderr, "arm64-cpumodel: apply: ");
		cm_report_free(&rep);
		return EXIT_USAGE;
	}
	bad = cm_apply(&vm, &model, flags, &rep);
	if (bad) {
		printf("apply %s: REJECTED\n", model.name);
		print_report(&rep, stdout, "  ");
		cm_vm_destroy(&vm);
		return EXIT_INCOMPATIBLE;
	}
	printf("apply %s: written to %d vCPU%s\n", model.name, vcpus, vcpus > 1 ? "s" : "");
	/* What was written: registers, PMCR_EL0.N, discovery (or why not). */
	print_report(&rep, stdout, "  ");
	cm_report_free(&rep);
	if (verify) {
		bad = cm_verify(&vm, &model, &rep);
		printf("verify %s from userspace: %s\n", model.name, bad ? "DIFFERS" : "equal");
		if (!bad && (model.features & (1u << CM_FEAT_EL1_32BIT)))
			printf("verify %s from guest code: not done, its EL1 is AArch32 (el1-32bit) and the guest code A64\n",
			       model.name);
		for (i = 0; i < vm.nr_vcpus && !bad && !(model.features & (1u << CM_FEAT_EL1_32BIT)); i++) {
			bad = cm_verify_guest(&vm, i, &model, &rep);
			printf("verify %s from guest code (MRS) on vCPU %d: %s\n", model.name, i,
			       bad ? "DIFFERS" : "equal");
		}
		for (i = 0; i < vm.nr_vcpus && !bad && vm.discovery &&
			    !(model.features & (1u << CM_FEAT_EL1_32BIT)); i++) {
			bad = cm_verify_guest_discovery(&vm, i, &model, &rep);
			printf("verify %s: guest discovers the %d implementation%s on vCPU %d: %s\n",
			       model.name, model.nr_impls, model.nr_impls > 1 ? "s" : "", i,
			       bad ? "DIFFERS" : "equal");
		}
		print_report(&rep, stdout, "  ");
	}
	cm_report_free(&rep);
	cm_vm_destroy(&vm);
	return bad ? EXIT_INCOMPATIBLE : 0;
}
#else
static int cmd_probe(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "arm64-cpumodel: probe/apply need KVM/arm64; this build has no KVM support\n");
	return EXIT_USAGE;
}
#define cmd_apply cmd_probe
#endif

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "probe", cmd_probe }, { "show", cmd_show }, { "baseline", cmd_baseline },
		{ "compare", cmd_compare }, { "apply", cmd_apply },
	};
	size_t i;

	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
		usage_to(stdout, 0);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return close_stdout(cmds[i].fn(argc - 1, argv + 1));
	usage();
	return EXIT_USAGE;
}
