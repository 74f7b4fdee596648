// SPDX-License-Identifier: GPL-2.0
/*
 * arm64-cpumodel export: a model as another VMM applies it, through the
 * public interface (arm64-cpumodel.h) only.
 *
 *   export --qemu MODEL --host HOST.json [--partial] [-o FILE]
 *       one line for QEMU's -cpu: "host,pmu=on,...,SYSREG_<REG>_<FIELD>=0x..."
 *   export --firecracker MODEL --host HOST.json [--partial] [-o FILE]
 *       a Firecracker custom CPU template (aarch64 JSON)
 *   export --import-firecracker TEMPLATE --host HOST.json [-o FILE]
 *       the model a Firecracker template gives on that host (profile JSON)
 *
 * MODEL must be complete (every register set) unless --partial: then each
 * register it leaves to the host is a warning, and the export leaves it
 * to the host too (no property, no modifier).
 *
 * Exit status (enum arm64cm_status, the library's answer as it is): 0
 * done, 1 the model cannot be exported for this host / the template
 * cannot run on it (every register and field named), 2 bad usage or input
 * (a partial model without --partial: the registers named), 3 host error
 * (writing -o failed, out of memory).  Findings go to stderr as
 * "arm64-cpumodel: MESSAGE"; -o writes a new file next to FILE and renames
 * it over FILE, so a failure leaves FILE as it was.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arm64-cpumodel.h"
#include "cmd.h"

static int ex_usage(FILE *f, int status)
{
	fprintf(f,
		"usage: arm64-cpumodel export --qemu MODEL --host HOST.json [--partial] [-o FILE]\n"
		"       arm64-cpumodel export --firecracker MODEL --host HOST.json [--partial] [-o FILE]\n"
		"       arm64-cpumodel export --import-firecracker TEMPLATE --host HOST.json [-o FILE]\n"
		"\n"
		"--qemu: the -cpu argument of QEMU's KVM host model with SYSREG_<REG>_<FIELD>\n"
		"properties (one line); --firecracker: a Firecracker custom CPU template for\n"
		"aarch64; --import-firecracker: the model such a template gives on HOST.\n"
		"--partial: accept a MODEL that leaves registers to the host (each a warning;\n"
		"the export leaves them to the host too); without it such a model is bad input.\n"
		"Exit status: 0 done, 1 the model cannot be exported for this host (or the\n"
		"template cannot run on it), 2 bad usage or input, 3 host or write error.\n");
	return status;
}

static void print_findings(const struct arm64cm_findings *f)
{
	size_t i, n = arm64cm_findings_count(f);

	for (i = 0; i < n; i++)
		fprintf(stderr, "arm64-cpumodel: %s\n", arm64cm_finding_message(f, i));
}

/*
 * Load @path as a host profile (@want_model 0) or a model (1), with
 * arm64cm_profile_load()'s @flags (ARM64CM_LOAD_PARTIAL: --partial).
 */
static int load(const char *path, int want_model, unsigned int flags,
		struct arm64cm_profile **p, struct arm64cm_findings *f)
{
	int ret = arm64cm_profile_load(path, flags, p, f);

	if (ret != ARM64CM_OK)
		return ret;
	if (arm64cm_profile_is_model(*p) == want_model)
		return ARM64CM_OK;
	fprintf(stderr, "arm64-cpumodel: %s is a %s; export needs %s\n", path,
		want_model ? "host profile" : "model",
		want_model ? "a model (from baseline)" : "a host profile (from probe) with --host");
	arm64cm_profile_free(*p);
	*p = NULL;
	return ARM64CM_BAD_INPUT;
}

/* The whole of @path as a string; NULL with a message. */
static char *read_file(const char *path, int *status)
{
	size_t n = 0, cap = 0;
	char *buf = NULL, *nb;
	FILE *f = fopen(path, "r");

	*status = ARM64CM_BAD_INPUT;
	if (!f) {
		fprintf(stderr, "arm64-cpumodel: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - n < 4096) {
			if (cap > (64u << 20)) {
				fprintf(stderr, "arm64-cpumodel: %s: larger than 64 MiB, not a template\n",
					path);
				goto fail;
			}
			cap = cap ? 2 * cap : 8192;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				fprintf(stderr, "arm64-cpumodel: out of memory\n");
				*status = ARM64CM_HOST_ERROR;
				goto fail;
			}
			buf = nb;
		}
		n += fread(buf + n, 1, cap - n, f);
		if (ferror(f)) {
			fprintf(stderr, "arm64-cpumodel: %s: read error\n", path);
			*status = ARM64CM_HOST_ERROR;
			goto fail;
		}
		if (feof(f))
			break;
	}
	fclose(f);
	buf[n] = 0;
	if (strlen(buf) != n) {
		fprintf(stderr, "arm64-cpumodel: %s: not a text file (NUL byte)\n", path);
		free(buf);
		return NULL;
	}
	if (!n) {
		fprintf(stderr, "arm64-cpumodel: %s: empty file, not a template\n", path);
		free(buf);
		return NULL;
	}
	*status = ARM64CM_OK;
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

/*
 * @text and a newline to @path: a new file next to it (O_EXCL, unique
 * name), fsync()ed and renamed over @path; on failure @path is untouched.
 */
static int write_file(const char *path, const char *text)
{
	size_t len = strlen(path) + 64;
	char *tmp = malloc(len);
	int fd = -1, tries, err = 0, ok;
	FILE *f;

	if (!tmp) {
		fprintf(stderr, "arm64-cpumodel: out of memory\n");
		return ARM64CM_HOST_ERROR;
	}
	for (tries = 0; tries < 100 && fd < 0; tries++) {
		snprintf(tmp, len, "%s.tmp.%d.%d.%ld", path, (int)getpid(), tries, random());
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		fprintf(stderr, "arm64-cpumodel: %s: cannot create a temporary file next to it: %s\n",
			path, strerror(errno));
		free(tmp);
		return ARM64CM_HOST_ERROR;
	}
	f = fdopen(fd, "w");
	if (!f) {
		err = errno;
		close(fd);
		goto fail;
	}
	errno = 0;
	ok = fputs(text, f) >= 0 && fputc('\n', f) != EOF && !fflush(f) && !fsync(fd);
	err = errno;
	if (fclose(f))
		ok = 0, err = err ?: errno;
	if (ok && rename(tmp, path))
		ok = 0, err = errno;
	if (ok) {
		free(tmp);
		return ARM64CM_OK;
	}
fail:
	fprintf(stderr, "arm64-cpumodel: %s: cannot write: %s\n", path,
		err ? strerror(err) : "I/O error");
	unlink(tmp);
	free(tmp);
	return ARM64CM_HOST_ERROR;
}

static int emit(const char *text, const char *out)
{
	if (out)
		return write_file(out, text);
	puts(text);
	return ARM64CM_OK;
}

int cmd_export(int argc, char **argv)
{
	enum { QEMU = 'q', FIRECRACKER = 'f', IMPORT = 'i', PARTIAL = 'P' };
	static const struct option opts[] = {
		{ "qemu", required_argument, NULL, QEMU },
		{ "firecracker", required_argument, NULL, FIRECRACKER },
		{ "import-firecracker", required_argument, NULL, IMPORT },
		{ "host", required_argument, NULL, 'H' },
		{ "partial", no_argument, NULL, PARTIAL },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *in = NULL, *host_path = NULL, *out = NULL;
	struct arm64cm_profile *host = NULL, *model = NULL;
	struct arm64cm_findings *f;
	unsigned int lflags = 0;
	int c, mode = 0, ret;
	char *text = NULL;

	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case QEMU:
		case FIRECRACKER:
		case IMPORT:
			if (mode) {
				fprintf(stderr, "arm64-cpumodel: export: give one of --qemu, --firecracker, --import-firecracker\n");
				return ex_usage(stderr, ARM64CM_BAD_INPUT);
			}
			mode = c;
			in = optarg;
			break;
		case 'H':
			host_path = optarg;
			break;
		case PARTIAL:
			lflags |= ARM64CM_LOAD_PARTIAL;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			return ex_usage(stdout, ARM64CM_OK);
		default:
			return ex_usage(stderr, ARM64CM_BAD_INPUT);
		}
	}
	if (!mode || !host_path || optind != argc) {
		fprintf(stderr, "arm64-cpumodel: export: %s\n",
			optind != argc ? "unexpected arguments" :
			!mode ? "give one of --qemu, --firecracker, --import-firecracker" :
			"--host HOST.json is required");
		return ex_usage(stderr, ARM64CM_BAD_INPUT);
	}
	if (mode == IMPORT && lflags) {
		fprintf(stderr, "arm64-cpumodel: export: --partial is for a MODEL (--qemu, --firecracker), not a template\n");
		return ex_usage(stderr, ARM64CM_BAD_INPUT);
	}
	f = arm64cm_findings_new();
	if (!f) {
		fprintf(stderr, "arm64-cpumodel: out of memory\n");
		return ARM64CM_HOST_ERROR;
	}
	ret = load(host_path, 0, 0, &host, f);
	if (ret == ARM64CM_OK && mode != IMPORT)
		ret = load(in, 1, lflags, &model, f);
	if (ret != ARM64CM_OK) {
		print_findings(f);
		goto out;
	}

	if (mode == IMPORT) {
		char *json = read_file(in, &ret);

		if (!json)
			goto out;
		ret = arm64cm_import_firecracker(json, host, &model, f);
		free(json);
		print_findings(f);
		if (ret != ARM64CM_OK)
			goto out;
		if (out) {
			arm64cm_findings_free(f);
			f = arm64cm_findings_new();
			if (!f || arm64cm_profile_save(model, out, f) != ARM64CM_OK) {
				if (f)
					print_findings(f);
				else
					fprintf(stderr, "arm64-cpumodel: out of memory\n");
				ret = ARM64CM_HOST_ERROR;
			}
			goto out;
		}
		text = arm64cm_profile_to_json(model);
	} else {
		ret = mode == QEMU ? arm64cm_export_qemu(model, host, &text, f) :
		      arm64cm_export_firecracker(model, host, &text, f);
		print_findings(f);
		if (ret == ARM64CM_INCOMPATIBLE)
			fprintf(stderr, "arm64-cpumodel: %s: %s cannot be exported for %s on %s: nothing written\n",
				in, arm64cm_profile_name(model),
				mode == QEMU ? "QEMU" : "Firecracker", arm64cm_profile_name(host));
		else if (ret != ARM64CM_OK && !arm64cm_findings_errors(f))
			fprintf(stderr, "arm64-cpumodel: %s: export failed (%s): nothing written\n",
				in, ret == ARM64CM_HOST_ERROR ? "out of memory" : "bad input");
		if (ret != ARM64CM_OK)
			goto out;
	}
	if (!text) {
		fprintf(stderr, "arm64-cpumodel: out of memory\n");
		ret = ARM64CM_HOST_ERROR;
		goto out;
	}
	ret = emit(text, out);
out:
	free(text);
	arm64cm_profile_free(model);
	arm64cm_profile_free(host);
	arm64cm_findings_free(f);
	return ret;
}
