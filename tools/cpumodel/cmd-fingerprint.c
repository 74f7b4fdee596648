// SPDX-License-Identifier: GPL-2.0
/*
 * arm64-cpumodel fingerprint: what of a host changed since its profile was
 * taken (a kernel or firmware update), through the public interface only.
 *
 *   fingerprint PROFILE
 *       the profile's digest (arm64cm_fingerprint()) and one summary line
 *   fingerprint compare OLD.json [NEW.json] [--json]
 *       the drift from OLD to NEW (arm64cm_drift()), or to this host
 *       probed now when NEW is not given (KVM builds only): one line per
 *       finding, errors first, then a verdict; --json: the findings as a
 *       JSON array ("model" is the old value, "host" the new one)
 *
 * Exit status (enum arm64cm_status): 0 no drift that matters (nothing, or
 * warnings only), 1 drift (errors), 2 bad usage or input, 3 host error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arm64-cpumodel.h"
#include "cmd.h"

static int fp_usage(FILE *f, int status)
{
	fprintf(f,
		"usage: arm64-cpumodel fingerprint PROFILE\n"
		"       arm64-cpumodel fingerprint compare OLD.json [NEW.json] [--json]\n"
		"\n"
		"fingerprint prints a digest of what of a host drift compares (kernel,\n"
		"capabilities, vCPU features, PV time, PMU counters, CPU implementations,\n"
		"registers with their writable masks, firmware levels); compare says what\n"
		"changed from OLD to NEW (without NEW: this host, probed now), errors first.\n"
		"Exit status: 0 no drift that matters (none, or warnings only), 1 drift a\n"
		"model baselined from OLD may not survive, 2 bad usage or input, 3 host error.\n");
	return status;
}

static int oom(void)
{
	fprintf(stderr, "arm64-cpumodel: fingerprint: out of memory\n");
	return ARM64CM_HOST_ERROR;
}

static void print_findings(const struct arm64cm_findings *f, FILE *o, const char *prefix)
{
	size_t i, n = arm64cm_findings_count(f);

	for (i = 0; i < n; i++)
		fprintf(o, "%s%s\n", prefix, arm64cm_finding_message(f, i));
}

/* Load @path (a partial model too: drift then says it is a model). */
static int load(const char *path, struct arm64cm_profile **p)
{
	struct arm64cm_findings *f = arm64cm_findings_new();
	int ret;

	if (!f)
		return oom();
	ret = arm64cm_profile_load(path, ARM64CM_LOAD_PARTIAL, p, f);
	if (ret != ARM64CM_OK)
		print_findings(f, stderr, "arm64-cpumodel: ");
	arm64cm_findings_free(f);
	return ret;
}

/*
 * 'host "max", Linux 6.1.192+, 83 registers' or 'model "m" from a,b, 71
 * registers': the first line of arm64cm_profile_describe().
 */
static int summary(const struct arm64cm_profile *p)
{
	char *d = arm64cm_profile_describe(p), *nl;
	size_t n = arm64cm_profile_nr_regs(p);

	if (!d)
		return oom();
	nl = strchr(d, '\n');
	if (nl)
		*nl = 0;
	printf("%s, %zu register%s\n", d, n, n == 1 ? "" : "s");
	free(d);
	return ARM64CM_OK;
}

static int fingerprint_one(const char *path)
{
	struct arm64cm_profile *p;
	char *fp;
	int ret = load(path, &p);

	if (ret != ARM64CM_OK)
		return ret;
	fp = arm64cm_fingerprint(p);
	if (!fp) {
		arm64cm_profile_free(p);
		return oom();
	}
	printf("%s\n", fp);
	free(fp);
	ret = summary(p);
	arm64cm_profile_free(p);
	return ret;
}

/* The profile of this host, probed now, named as @old. */
static int probe_now(const struct arm64cm_profile *old, struct arm64cm_profile **now)
{
#ifdef CM_WITH_KVM
	struct arm64cm_findings *f = arm64cm_findings_new();
	int ret;

	if (!f)
		return oom();
	ret = arm64cm_probe(arm64cm_profile_name(old), now, f);
	if (ret != ARM64CM_OK)
		print_findings(f, stderr, "arm64-cpumodel: probe: ");
	arm64cm_findings_free(f);
	return ret;
#else
	(void)old;
	*now = NULL;
	fprintf(stderr,
		"arm64-cpumodel: fingerprint compare without NEW.json probes this host, which needs KVM/arm64; this build has no KVM support\n");
	return ARM64CM_BAD_INPUT;
#endif
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* One line per finding, errors first, then warnings, then notes; the verdict. */
static void print_drift(const struct arm64cm_findings *f, const char *old_fp,
			const char *new_fp)
{
	static const char *const label[] = { "note", "warning", "error" };
	size_t i, n = arm64cm_findings_count(f), errors = 0, warnings = 0;
	int sev;

	for (sev = ARM64CM_ERROR; sev >= ARM64CM_NOTE; sev--) {
		for (i = 0; i < n; i++) {
			if ((int)arm64cm_finding_severity(f, i) != sev)
				continue;
			errors += sev == ARM64CM_ERROR;
			warnings += sev == ARM64CM_WARNING;
			printf("%s: %s\n", label[sev], arm64cm_finding_message(f, i));
		}
	}
	if (!n)
		printf("no drift (%s)\n", new_fp);
	else if (errors)
		printf("drift: %zu %s, %zu %s (%s -> %s): a model baselined from the old profile may no longer run, or its guests see a change\n",
		       errors, plural(errors, "error", "errors"), warnings,
		       plural(warnings, "warning", "warnings"), old_fp, new_fp);
	else
		printf("drift: %zu %s (%s -> %s): nothing a model baselined from the old profile depends on\n",
		       warnings, plural(warnings, "warning", "warnings"), old_fp, new_fp);
}

static int fingerprint_compare(const char *old_path, const char *new_path, int json)
{
	struct arm64cm_profile *old = NULL, *now = NULL;
	struct arm64cm_findings *f = NULL;
	char *old_fp = NULL, *new_fp = NULL, *text;
	int ret;

	ret = load(old_path, &old);
	if (ret != ARM64CM_OK)
		return ret;
	ret = new_path ? load(new_path, &now) : probe_now(old, &now);
	if (ret != ARM64CM_OK)
		goto out;
	f = arm64cm_findings_new();
	if (!f) {
		ret = oom();
		goto out;
	}
	ret = arm64cm_drift(old, now, f);
	if (ret != ARM64CM_OK && ret != ARM64CM_INCOMPATIBLE) {
		print_findings(f, stderr, "arm64-cpumodel: fingerprint compare: ");
		goto out;
	}
	if (json) {
		text = arm64cm_findings_to_json(f);
		if (!text) {
			ret = oom();
			goto out;
		}
		printf("%s\n", text);
		free(text);
		goto out;
	}
	old_fp = arm64cm_fingerprint(old);
	new_fp = arm64cm_fingerprint(now);
	if (!old_fp || !new_fp) {
		ret = oom();
		goto out;
	}
	print_drift(f, old_fp, new_fp);
out:
	free(old_fp);
	free(new_fp);
	arm64cm_findings_free(f);
	arm64cm_profile_free(now);
	arm64cm_profile_free(old);
	return ret;
}

int cmd_fingerprint(int argc, char **argv)
{
	const char *pos[2] = { NULL, NULL };
	int i, npos = 0, json = 0;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return fp_usage(stdout, ARM64CM_OK);
	if (argc == 2 && argv[1][0] != '-' && strcmp(argv[1], "compare"))
		return fingerprint_one(argv[1]);
	if (argc < 3 || strcmp(argv[1], "compare"))
		return fp_usage(stderr, ARM64CM_BAD_INPUT);
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return fp_usage(stdout, ARM64CM_OK);
		else if (argv[i][0] == '-' && argv[i][1])
			return fp_usage(stderr, ARM64CM_BAD_INPUT);
		else if (npos < 2)
			pos[npos++] = argv[i];
		else
			return fp_usage(stderr, ARM64CM_BAD_INPUT);
	}
	if (!npos)
		return fp_usage(stderr, ARM64CM_BAD_INPUT);
	return fingerprint_compare(pos[0], pos[1], json);
}
