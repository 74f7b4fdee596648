// SPDX-License-Identifier: GPL-2.0
/*
 * arm64-cpumodel: guest CPU models for KVM/arm64 fleets.  A client of
 * libarm64cpumodel's public interface (arm64-cpumodel.h) only.  Commands
 * and options: usage below, man page arm64-cpumodel(1).
 *
 * Exit status: 0 ok/compatible, 1 incompatible, rejected or drift, 2 bad
 * usage or input, 3 host, KVM or output error (enum arm64cm_status).
 * Nothing is written (-o) on failure.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arm64-cpumodel.h"
#include "cmd.h"

#define STR_(x)	#x
#define STR(x)	STR_(x)
/* The tool is released with the library. */
#define TOOL_VERSION	STR(ARM64CM_VERSION_MAJOR) "." STR(ARM64CM_VERSION_MINOR) "." \
			STR(ARM64CM_VERSION_PATCH)

#define EXIT_INCOMPATIBLE	ARM64CM_INCOMPATIBLE
#define EXIT_USAGE		ARM64CM_BAD_INPUT
#define EXIT_SYSTEM		ARM64CM_HOST_ERROR

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

static const struct {
	const char *cmd, *usage, *help;
} usages[] = {
	{ "probe", "probe [--name NAME] [-o FILE]",
	  "Record this host's guest ABI (a host profile) from a scratch VM." },
	{ "show", "show [--json] [--partial] PROFILE",
	  "Print a profile decoded by field; --json: checked and rewritten in the\n"
	  "newest format." },
	{ "baseline",
	  "baseline [--name NAME] [--impl-from HOST] [--no-fleet] [--partial] [--json]\n"
	  "                  [-o FILE] HOST.json...",
	  "The most capable model every host can run.  --no-fleet: mainline's masks\n"
	  "only (no KVM_CAP_ARM_OOT_FLEET_ID_REGS); --partial: a register some host\n"
	  "lacks is left to each host instead of failing; --json: the findings as\n"
	  "JSON on standard error." },
	{ "compare", "compare [--json] [--partial] MODEL HOST.json",
	  "Can MODEL run on the host HOST.json was probed on?  --json: the findings\n"
	  "as a JSON array on standard output." },
	{ "apply",
	  "apply MODEL [--vcpus N] [--no-precheck] [--no-verify] [--partial]\n"
	  "               [--discovery | --no-discovery]",
	  "Write MODEL to a new VM, then verify from userspace and guest code." },
	{ "export",
	  "export --qemu|--firecracker MODEL --host HOST.json [--partial] [-o FILE]\n"
	  "       arm64-cpumodel export --import-firecracker TEMPLATE --host HOST.json [-o FILE]",
	  "MODEL as QEMU -cpu properties or a Firecracker CPU template; or the model\n"
	  "a Firecracker template gives on HOST." },
	{ "fingerprint",
	  "fingerprint PROFILE\n"
	  "       arm64-cpumodel fingerprint compare OLD.json [NEW.json] [--json]",
	  "A digest of a host profile; what changed on a host since OLD.json\n"
	  "(NEW.json, or this host probed now)." },
};

static void usage_to(FILE *f, int status, const char *cmd)
{
	size_t i;

	bool first = true;

	for (i = 0; i < sizeof(usages) / sizeof(usages[0]); i++) {
		if (cmd && strcmp(cmd, usages[i].cmd))
			continue;
		fprintf(f, "%s arm64-cpumodel %s\n", first ? "usage:" : "      ", usages[i].usage);
		first = false;
		if (cmd)
			fprintf(f, "\n%s\n", usages[i].help);
	}
	if (!cmd)
		fprintf(f, "       arm64-cpumodel COMMAND --help | --help | --version\n"
			"\n"
			"baseline uses KVM_CAP_ARM_OOT_FLEET_ID_REGS (\"fleet-id-regs\", out of tree) when\n"
			"every host has it: a model that differs from a host in a field only the\n"
			"capability makes writable requires it (the model's \"capabilities\"), and\n"
			"apply enables it on the VM; --no-fleet computes the model mainline's masks\n"
			"allow.  A model must set every register unless loaded with --partial.\n");
	fprintf(f, "\nExit status: 0 ok/compatible, 1 incompatible, rejected or drift, 2 bad usage\n"
		"or input, 3 host, KVM or output error.  See arm64-cpumodel(1).\n");
	exit(f == stdout ? close_stdout(status) : status);
}

static const char *cur_cmd;

static void usage(void)
{
	usage_to(stderr, EXIT_USAGE, cur_cmd);
}

static void print_findings(const struct arm64cm_findings *f, FILE *out, const char *prefix)
{
	size_t i;

	for (i = 0; i < arm64cm_findings_count(f); i++)
		fprintf(out, "%s%s\n", prefix, arm64cm_finding_message(f, i));
}

static int print_json_findings(const struct arm64cm_findings *f, FILE *out)
{
	char *j = arm64cm_findings_to_json(f);

	if (!j)
		return EXIT_SYSTEM;
	fprintf(out, "%s\n", j);
	free(j);
	return 0;
}

static struct arm64cm_findings *findings(void)
{
	struct arm64cm_findings *f = arm64cm_findings_new();

	if (!f) {
		fprintf(stderr, "arm64-cpumodel: out of memory\n");
		exit(EXIT_SYSTEM);
	}
	return f;
}

/* Write @p to @out (a file) or standard output. */
static int emit(const struct arm64cm_profile *p, const char *out)
{
	struct arm64cm_findings *f;
	char *text;
	int ret;

	if (out) {
		f = findings();
		ret = arm64cm_profile_save(p, out, f);
		print_findings(f, stderr, "arm64-cpumodel: ");
		arm64cm_findings_free(f);
		return ret;
	}
	text = arm64cm_profile_to_json(p);
	if (!text) {
		fprintf(stderr, "arm64-cpumodel: out of memory\n");
		return EXIT_SYSTEM;
	}
	puts(text);
	free(text);
	return 0;
}

static int load(const char *path, unsigned int flags, struct arm64cm_profile **p)
{
	struct arm64cm_findings *f = findings();
	int ret = arm64cm_profile_load(path, flags, p, f);

	/* Errors, and the warnings of a partial model. */
	print_findings(f, stderr, "arm64-cpumodel: ");
	arm64cm_findings_free(f);
	return ret;
}

/* The common options: --help anywhere, and nothing else is parsed here. */
static void check_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			usage_to(stdout, 0, cur_cmd);
}

enum { OPT_PARTIAL = 0x100, OPT_JSON };

/* Options of show and compare: --json, --partial (ARM64CM_LOAD_PARTIAL). */
static void json_partial_opts(int argc, char **argv, int *json, unsigned int *flags)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "partial", no_argument, NULL, OPT_PARTIAL },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*json = 0;
	*flags = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == OPT_JSON)
			*json = 1;
		else if (c == OPT_PARTIAL)
			*flags |= ARM64CM_LOAD_PARTIAL;
		else
			usage();
	}
}

static int cmd_show(int argc, char **argv)
{
	struct arm64cm_profile *p;
	unsigned int flags;
	int json, ret;
	char *text;

	json_partial_opts(argc, argv, &json, &flags);
	if (optind != argc - 1)
		usage();
	ret = load(argv[optind], flags, &p);
	if (ret)
		return ret;
	if (json) {
		ret = emit(p, NULL);
	} else {
		text = arm64cm_profile_describe(p);
		if (text)
			fputs(text, stdout);
		else
			ret = EXIT_SYSTEM;
		free(text);
	}
	arm64cm_profile_free(p);
	return ret;
}

static int cmd_baseline(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "impl-from", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "no-fleet", no_argument, NULL, 'F' },
		{ "partial", no_argument, NULL, OPT_PARTIAL },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "baseline", *out = NULL, *impl = NULL;
	struct arm64cm_profile **hosts, *model = NULL;
	struct arm64cm_findings *f;
	unsigned int flags = 0;
	int c, i, n, ret, json = 0;

	while ((c = getopt_long(argc, argv, "n:i:o:F", opts, NULL)) != -1) {
		switch (c) {
		case 'F':
			flags |= ARM64CM_BASELINE_NO_FLEET;
			break;
		case OPT_PARTIAL:
			flags |= ARM64CM_BASELINE_PARTIAL;
			break;
		case OPT_JSON:
			json = 1;
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
	if (!*name || strlen(name) > 63) {
		fprintf(stderr, "--name: 1 to 63 characters\n");
		return EXIT_USAGE;
	}
	hosts = calloc(n, sizeof(*hosts));
	if (!hosts)
		return EXIT_SYSTEM;
	for (i = 0, ret = 0; i < n && !ret; i++)
		ret = load(argv[optind + i], 0, &hosts[i]);
	if (!ret) {
		f = findings();
		ret = arm64cm_baseline((const struct arm64cm_profile *const *)hosts, n, impl, flags,
				       name, &model, f);
		/* --json: standard error holds the JSON document only. */
		if (ret != EXIT_USAGE && !json)
			fprintf(stderr, "baseline of %d host%s: %s\n", n, n > 1 ? "s" : "",
				ret ? "FAILED, no model written" :
				flags & ARM64CM_BASELINE_PARTIAL ?
				"every host can run this (partial) model" :
				"every host can run this model");
		if (json)
			print_json_findings(f, stderr);
		else
			print_findings(f, stderr, ret == EXIT_USAGE ? "arm64-cpumodel: " : "  ");
		arm64cm_findings_free(f);
	}
	for (i = 0; i < n; i++)
		arm64cm_profile_free(hosts[i]);
	free(hosts);
	if (!ret)
		ret = emit(model, out);
	arm64cm_profile_free(model);
	return ret;
}

static int cmd_compare(int argc, char **argv)
{
	struct arm64cm_profile *model = NULL, *host = NULL;
	struct arm64cm_findings *f;
	unsigned int flags;
	int ret, json;
	size_t i, errs;

	json_partial_opts(argc, argv, &json, &flags);
	if (optind != argc - 2)
		usage();
	ret = load(argv[optind], flags, &model);
	if (!ret)
		ret = load(argv[optind + 1], 0, &host);
	if (ret)
		goto out;
	f = findings();
	ret = arm64cm_compare(model, host, f);
	errs = arm64cm_findings_errors(f);
	if (ret == EXIT_USAGE) {
		print_findings(f, stderr, "arm64-cpumodel: ");
	} else if (json) {
		if (print_json_findings(f, stdout))
			ret = EXIT_SYSTEM;
	} else {
		if (ret)
			printf("%s cannot run on %s: %zu incompatible item%s\n",
			       arm64cm_profile_name(model), arm64cm_profile_name(host), errs,
			       errs > 1 ? "s" : "");
		else
			printf("%s can run on %s\n", arm64cm_profile_name(model),
			       arm64cm_profile_name(host));
		/* Errors, then the warnings (registers the library does not model). */
		for (i = 0; i < arm64cm_findings_count(f); i++)
			if (arm64cm_finding_severity(f, i) == ARM64CM_ERROR)
				printf("  %s\n", arm64cm_finding_message(f, i));
		for (i = 0; i < arm64cm_findings_count(f); i++)
			if (arm64cm_finding_severity(f, i) == ARM64CM_WARNING)
				printf("  warning: %s\n", arm64cm_finding_message(f, i));
	}
	arm64cm_findings_free(f);
out:
	arm64cm_profile_free(model);
	arm64cm_profile_free(host);
	return ret;
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
	struct arm64cm_profile *p;
	struct arm64cm_findings *f;
	int c, ret;

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
	f = findings();
	ret = arm64cm_probe(name, &p, f);
	print_findings(f, stderr, "arm64-cpumodel: probe: ");
	arm64cm_findings_free(f);
	if (ret)
		return ret;
	ret = emit(p, out);
	arm64cm_profile_free(p);
	return ret;
}

static int verify(struct arm64cm_vm *vm, const struct arm64cm_profile *model, int el1_32bit,
		  struct arm64cm_findings *f)
{
	const char *name = arm64cm_profile_name(model);
	int i, ret, n = arm64cm_vm_nr_vcpus(vm);

	ret = arm64cm_vm_verify(vm, model, f);
	printf("verify %s from userspace: %s\n", name, ret ? "DIFFERS" : "equal");
	if (!ret && el1_32bit)
		printf("verify %s from guest code: not done, its EL1 is AArch32 (el1-32bit) and the guest code A64\n",
		       name);
	for (i = 0; i < n && !ret && !el1_32bit; i++) {
		ret = arm64cm_vm_verify_guest(vm, i, model, f);
		printf("verify %s from guest code (MRS) on vCPU %d: %s\n", name, i,
		       ret ? "DIFFERS" : "equal");
	}
	for (i = 0; i < n && !ret && arm64cm_vm_discovery(vm) && !el1_32bit; i++) {
		ret = arm64cm_vm_verify_guest_discovery(vm, i, model, f);
		printf("verify %s: guest discovers its implementations on vCPU %d: %s\n", name, i,
		       ret ? "DIFFERS" : "equal");
	}
	print_findings(f, stdout, "  ");
	return ret;
}

static int cmd_apply(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vcpus", required_argument, NULL, 'c' },
		{ "no-precheck", no_argument, NULL, 'P' },
		{ "no-verify", no_argument, NULL, 'V' },
		{ "discovery", no_argument, NULL, 'D' },
		{ "no-discovery", no_argument, NULL, 'N' },
		{ "partial", no_argument, NULL, OPT_PARTIAL },
		{ NULL, 0, NULL, 0 },
	};
	struct arm64cm_profile *model;
	struct arm64cm_findings *f;
	unsigned int flags = 0, lflags = 0;
	int c, vcpus = 2, do_verify = 1, ret, disc = 0, el1_32bit;
	struct arm64cm_vm *vm;
	const char *name;
	char *end;

	while ((c = getopt_long(argc, argv, "c:PVDN", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			errno = 0;
			vcpus = (int)strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || vcpus < 1 || vcpus > 256) {
				fprintf(stderr, "arm64-cpumodel: --vcpus %s: a number from 1 to 256\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'P':
			flags |= ARM64CM_APPLY_NO_PRECHECK;
			break;
		case 'V':
			do_verify = 0;
			break;
		case 'D':
			flags |= ARM64CM_APPLY_DISCOVERY;
			disc |= 1;
			break;
		case 'N':
			disc |= 2;
			break;
		case OPT_PARTIAL:
			lflags |= ARM64CM_LOAD_PARTIAL;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || disc == 3)
		usage();
	ret = load(argv[optind], lflags, &model);
	if (ret)
		return ret;
	name = arm64cm_profile_name(model);
	/* KVM_ARM_VCPU_EL1_32BIT is feature bit 1. */
	el1_32bit = !!(arm64cm_profile_vcpu_features(model) & (1u << 1));
	f = findings();
	ret = arm64cm_vm_create(model, vcpus, &vm, f);
	if (ret == EXIT_INCOMPATIBLE) {
		/* A capability or vCPU feature the model requires is missing. */
		printf("apply %s: REJECTED, it cannot run on this host\n", name);
		print_findings(f, stdout, "  ");
		goto out;
	}
	if (ret) {
		print_findings(f, stderr, "arm64-cpumodel: apply: ");
		goto out;
	}
	ret = arm64cm_vm_apply(vm, model, flags, f);
	if (ret) {
		printf("apply %s: %s\n", name, ret == EXIT_INCOMPATIBLE ? "REJECTED" : "FAILED");
		print_findings(f, stdout, "  ");
		goto out_vm;
	}
	printf("apply %s: written to %d vCPU%s\n", name, vcpus, vcpus > 1 ? "s" : "");
	/* What was written: registers, PMCR_EL0.N, discovery (or why not). */
	print_findings(f, stdout, "  ");
	arm64cm_findings_free(f);
	f = findings();
	if (do_verify)
		ret = verify(vm, model, el1_32bit, f);
out_vm:
	arm64cm_vm_destroy(vm);
out:
	arm64cm_findings_free(f);
	arm64cm_profile_free(model);
	return ret;
}
#else
static int cmd_probe(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "arm64-cpumodel: %s needs KVM/arm64; this build has no KVM support\n",
		argv[0]);
	return EXIT_SYSTEM;
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
		{ "compare", cmd_compare }, { "apply", cmd_apply }, { "export", cmd_export },
		{ "fingerprint", cmd_fingerprint },
	};
	size_t i;

	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		for (i = 0; argc > 2 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
			if (!strcmp(argv[2], cmds[i].name))
				break;
		if (argc > 2 && i == sizeof(cmds) / sizeof(cmds[0])) {
			fprintf(stderr, "arm64-cpumodel: no command \"%s\"\n", argv[2]);
			usage();
		}
		usage_to(stdout, 0, argc > 2 ? argv[2] : NULL);
	}
	if (!strcmp(argv[1], "--version")) {
		printf("arm64-cpumodel %s (libarm64cpumodel %s, %s)\n", TOOL_VERSION,
		       arm64cm_version(), arm64cm_rules_id());
		return close_stdout(0);
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (!strcmp(argv[1], cmds[i].name)) {
			cur_cmd = cmds[i].name;
			check_help(argc - 1, argv + 1);
			return close_stdout(cmds[i].fn(argc - 1, argv + 1));
		}
	}
	usage();
	return EXIT_USAGE;
}
