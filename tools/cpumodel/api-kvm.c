// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libarm64cpumodel: the public interface of the KVM part (probe, the
 * library's own VMs).  Built only where KVM/arm64 is the target.
 */
#include <stdlib.h>
#include <string.h>

#include "arm64-cpumodel.h"
#include "cpumodel.h"
#include "cpumodel-int.h"

struct arm64cm_vm {
	struct cm_vm v;
};

int arm64cm_probe(const char *name, struct arm64cm_profile **host, struct arm64cm_findings *f)
{
	struct arm64cm_profile *h;

	*host = NULL;
	if (!name || !*name || strlen(name) >= sizeof(h->p.name)) {
		cm_report_add(cm_rep(f), true, "probe: the host's name must be 1 to %zu characters",
			      sizeof(h->p.name) - 1);
		return ARM64CM_BAD_INPUT;
	}
	h = malloc(sizeof(*h));
	if (!h) {
		cm_report_add(cm_rep(f), true, "out of memory");
		return ARM64CM_HOST_ERROR;
	}
	if (cm_probe(&h->p, name, cm_rep(f))) {
		free(h);
		return ARM64CM_HOST_ERROR;
	}
	*host = h;
	return ARM64CM_OK;
}

int arm64cm_vm_create(const struct arm64cm_profile *model, int nr_vcpus,
		      struct arm64cm_vm **vm, struct arm64cm_findings *f)
{
	struct arm64cm_vm *h;
	int ret;

	*vm = NULL;
	if (nr_vcpus < 1 || nr_vcpus > (int)(sizeof(h->v.vcpu) / sizeof(h->v.vcpu[0]))) {
		cm_report_add(cm_rep(f), true, "vCPUs: %d, must be 1 to %zu", nr_vcpus,
			      sizeof(h->v.vcpu) / sizeof(h->v.vcpu[0]));
		return ARM64CM_BAD_INPUT;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		cm_report_add(cm_rep(f), true, "out of memory");
		return ARM64CM_HOST_ERROR;
	}
	ret = cm_vm_create(&h->v, &model->p, nr_vcpus, cm_rep(f));
	if (ret) {
		free(h);
		return ret > 0 ? ARM64CM_INCOMPATIBLE : ARM64CM_HOST_ERROR;
	}
	*vm = h;
	return ARM64CM_OK;
}

void arm64cm_vm_destroy(struct arm64cm_vm *vm)
{
	if (!vm)
		return;
	cm_vm_destroy(&vm->v);
	free(vm);
}

int arm64cm_vm_nr_vcpus(const struct arm64cm_vm *vm)
{
	return vm->v.nr_vcpus;
}

int arm64cm_vm_fd(const struct arm64cm_vm *vm)
{
	return vm->v.vm;
}

int arm64cm_vm_vcpu_fd(const struct arm64cm_vm *vm, int idx)
{
	return idx >= 0 && idx < vm->v.nr_vcpus ? vm->v.vcpu[idx] : -1;
}

int arm64cm_vm_discovery(const struct arm64cm_vm *vm)
{
	return vm->v.discovery;
}

/* cm_* results: 0, > 0 differences/rejections, < 0 errors. */
static int status(int ret)
{
	return !ret ? ARM64CM_OK : ret > 0 ? ARM64CM_INCOMPATIBLE : ARM64CM_HOST_ERROR;
}

int arm64cm_vm_apply(struct arm64cm_vm *vm, const struct arm64cm_profile *model,
		     unsigned int flags, struct arm64cm_findings *f)
{
	unsigned int cf = 0;

	if (flags & ~(ARM64CM_APPLY_DISCOVERY | ARM64CM_APPLY_NO_PRECHECK)) {
		cm_report_add(cm_rep(f), true, "arm64cm_vm_apply: unknown flags 0x%x", flags);
		return ARM64CM_BAD_INPUT;
	}
	if (flags & ARM64CM_APPLY_DISCOVERY)
		cf |= CM_APPLY_DISCOVERY;
	if (flags & ARM64CM_APPLY_NO_PRECHECK)
		cf |= CM_APPLY_NO_PRECHECK;
	return status(cm_apply(&vm->v, &model->p, cf, cm_rep(f)));
}

int arm64cm_vm_verify(struct arm64cm_vm *vm, const struct arm64cm_profile *model,
		      struct arm64cm_findings *f)
{
	return status(cm_verify(&vm->v, &model->p, cm_rep(f)));
}

int arm64cm_vm_verify_guest(struct arm64cm_vm *vm, int idx, const struct arm64cm_profile *model,
			    struct arm64cm_findings *f)
{
	return status(cm_verify_guest(&vm->v, idx, &model->p, cm_rep(f)));
}

int arm64cm_vm_verify_guest_discovery(struct arm64cm_vm *vm, int idx,
				      const struct arm64cm_profile *model,
				      struct arm64cm_findings *f)
{
	return status(cm_verify_guest_discovery(&vm->v, idx, &model->p, cm_rep(f)));
}

int arm64cm_handle_hypercall(const struct arm64cm_profile *model, int vcpu_fd,
			     struct kvm_run *run)
{
	return cm_handle_hypercall(&model->p, vcpu_fd, run);
}
