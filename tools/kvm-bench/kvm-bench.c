// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-bench: what the guest-ABI controls cost a VMM, measured the same
 * way on any arm64 KVM (our 6.1 series and mainline), so that
 * scripts/bench.sh can put the two side by side.
 *
 *   restore  KVM_GET_REG_LIST, then KVM_GET_ONE_REG and KVM_SET_ONE_REG of
 *            every listed register of every vCPU (a VMM restoring a
 *            migrated VM), for 1..256 vCPUs, from one thread and from one
 *            thread per vCPU.  Every value written is the value read, so
 *            each write must be accepted: a rejection is counted and
 *            reported (it would break migration).  Where the kernel lists
 *            its VM-scoped registers (out of tree, KVM_CAP_ARM_OOT_REG_SCOPE),
 *            also "single-once"/"parallel-once": those registers are read
 *            and written through vCPU 0 only, as a VMM that uses the list
 *            does (every other vCPU fetches the list, and skips them).
 *            Their restore-regs-per-vcpu and per-register times count only
 *            the registers restored, fewer than the full modes': compare
 *            -once with the full modes by restore-ms-per-vm only.
 *   trap     guest MRS loops: ns per read of trapped ID registers, CTR_EL0,
 *            CCSIDR_EL1 and (untrapped) MIDR_EL1, from the difference of
 *            two loop lengths so that entry and exit cancel out.
 *   exit     vCPU round trips: MMIO exits to userspace (one vcpu_load and
 *            vcpu_put per KVM_RUN) and HVCs handled in the kernel, with
 *            PV stolen-time accounting off and on.
 *   calls    ns per call: getppid, a near-empty vCPU ioctl
 *            (KVM_HAS_DEVICE_ATTR), GET/SET_ONE_REG of a core, an ID and
 *            a firmware register (where restore time goes); SET writes the
 *            value read.
 *   memory   kernel memory taken by a VM with 1 and with 256 vCPUs, as a
 *            VMM sets it up (vCPU init, kvm_run mapped, register list),
 *            on a fresh boot.
 *
 * Output: one "@@BENCH metric,param,mode,value,unit" line per median
 * over --reps repetitions; "@@BENCH-ERROR what" lines for failures.
 * Exit status 1 when anything failed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvm-arm64-compat.h"
#include "kvm-reg-list.h"

#define MAX_VCPUS	256
#define MAX_REPS	32
#define GUEST_IPA	0x40000000ULL
#define GUEST_SIZE	0x10000UL
#define GUEST_PVTIME	0x9000UL	/* offset of the stolen-time record */
#define GUEST_MMIO	0x20000000ULL	/* no memslot: a store exits to us */

static int kvm_fd;
static int reps = 5;
static int failures;

#define bench_error(...)					\
	do {							\
		printf("@@BENCH-ERROR " __VA_ARGS__);		\
		printf("\n");					\
		failures++;					\
	} while (0)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void report(const char *metric, int param, const char *mode,
		   double value, const char *unit)
{
	printf("@@BENCH %s,%d,%s,%.1f,%s\n", metric, param, mode, value, unit);
	fflush(stdout);
}

/* ---- VM set-up --------------------------------------------------------- */

struct vm {
	int fd;
	int nr;
	int vcpu[MAX_VCPUS];
	struct kvm_run *run[MAX_VCPUS];
	void *mem;
};

static int run_size;

static int vm_create(struct vm *vm, int nr, bool map_run, bool pmu)
{
	struct kvm_vcpu_init init;
	int i;

	memset(vm, 0, sizeof(*vm));
	vm->fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0) {
		bench_error("KVM_CREATE_VM: %s", strerror(errno));
		return -1;
	}
	if (ioctl(vm->fd, KVM_ARM_PREFERRED_TARGET, &init)) {
		bench_error("KVM_ARM_PREFERRED_TARGET: %s", strerror(errno));
		return -1;
	}
	/* What QEMU asks for on "virt": PSCI 0.2+ and a PMU (restore, memory). */
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (pmu && ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PMU_V3) > 0)
		init.features[0] |= 1u << KVM_ARM_VCPU_PMU_V3;
	for (i = 0; i < nr; i++) {
		vm->vcpu[i] = ioctl(vm->fd, KVM_CREATE_VCPU, i);
		if (vm->vcpu[i] < 0) {
			bench_error("KVM_CREATE_VCPU %d: %s", i, strerror(errno));
			return -1;
		}
		vm->nr++;
		if (ioctl(vm->vcpu[i], KVM_ARM_VCPU_INIT, &init)) {
			bench_error("KVM_ARM_VCPU_INIT %d: %s", i, strerror(errno));
			return -1;
		}
		if (!map_run)
			continue;
		vm->run[i] = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
				  vm->vcpu[i], 0);
		if (vm->run[i] == MAP_FAILED) {
			vm->run[i] = NULL;
			bench_error("mmap of vCPU %d: %s", i, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static void vm_destroy(struct vm *vm)
{
	int i;

	for (i = 0; i < vm->nr; i++) {
		if (vm->run[i])
			munmap(vm->run[i], run_size);
		close(vm->vcpu[i]);
	}
	if (vm->mem)
		munmap(vm->mem, GUEST_SIZE);
	if (vm->fd >= 0)
		close(vm->fd);
	vm->nr = 0;
	vm->fd = -1;
}

static size_t reg_size(uint64_t id)
{
	return 1ul << ((id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);
}

/* ---- 1. restore -------------------------------------------------------- */

struct restore_job {
	int vcpu;
	bool skip_vm_scoped;	/* in: leave the VM-scoped registers to vCPU 0 */
	pthread_barrier_t *go;
	uint64_t nregs;		/* out */
	uint64_t rejected;	/* out: writes of the value read that failed */
	uint64_t first_bad;	/* out: the first such register */
	int err;		/* out: errno of a failed list/get */
	uint64_t get_ns, set_ns;	/* out */
};

/* One vCPU as a restoring VMM sees it; the timed part of the benchmark. */
static void restore_vcpu(struct restore_job *j)
{
	struct kvm_reg_list *l, *scoped = NULL;
	struct kvm_one_reg r;
	uint64_t i, k, t0, t1, t2, n = 0;
	uint8_t *vals;
	bool *skip;

	t0 = now_ns();
	l = kvm_reg_list(j->vcpu);
	if (!l) {
		j->err = errno;
		return;
	}
	if (j->skip_vm_scoped) {
		scoped = kvm_vm_scoped_reg_list(j->vcpu);
		if (!scoped) {
			j->err = errno;
			free(l);
			return;
		}
	}
	/* 2048 bytes is the largest register (SVE Z with 2048-bit vectors). */
	vals = malloc(l->n * 256);
	skip = calloc(l->n, sizeof(*skip));
	if (!vals || !skip) {
		j->err = ENOMEM;
		goto out;
	}
	/* Both lists are in KVM_GET_REG_LIST order */
	for (i = 0, k = 0; scoped && i < l->n && k < scoped->n; i++) {
		if (l->reg[i] == scoped->reg[k]) {
			skip[i] = true;
			k++;
		}
	}
	if (scoped && k != scoped->n) {
		j->err = EPROTO;	/* a VM-scoped id that is not in the list */
		goto out;
	}
	for (i = 0; i < l->n; i++) {
		if (reg_size(l->reg[i]) > 256 || skip[i])
			continue;
		n++;
		r.id = l->reg[i];
		r.addr = (uintptr_t)(vals + i * 256);
		if (ioctl(j->vcpu, KVM_GET_ONE_REG, &r)) {
			j->err = errno;
			goto out;
		}
	}
	t1 = now_ns();
	for (i = 0; i < l->n; i++) {
		if (reg_size(l->reg[i]) > 256 || skip[i])
			continue;
		r.id = l->reg[i];
		r.addr = (uintptr_t)(vals + i * 256);
		if (ioctl(j->vcpu, KVM_SET_ONE_REG, &r) && !j->rejected++)
			j->first_bad = r.id;
	}
	t2 = now_ns();
	j->nregs = n;
	j->get_ns = t1 - t0;
	j->set_ns = t2 - t1;
out:
	free(skip);
	free(vals);
	free(scoped);
	free(l);
}

static void *restore_thread(void *arg)
{
	struct restore_job *j = arg;

	pthread_barrier_wait(j->go);
	restore_vcpu(j);
	return NULL;
}

static void bench_restore(int nr, bool parallel, bool once)
{
	static struct restore_job job[MAX_VCPUS];
	double per_reg[MAX_REPS], per_vm[MAX_REPS], get[MAX_REPS], set[MAX_REPS];
	const char *mode = parallel ? (once ? "parallel-once" : "parallel") :
				      (once ? "single-once" : "single");
	pthread_t tid[MAX_VCPUS];
	pthread_barrier_t go;
	pthread_attr_t attr;
	uint64_t t0, t1, regs, rejected, get_ns, set_ns;
	struct vm vm;
	int rep, i;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 << 10);
	for (rep = 0; rep < reps; rep++) {
		if (vm_create(&vm, nr, false, true)) {
			vm_destroy(&vm);
			return;
		}
		memset(job, 0, sizeof(job));
		pthread_barrier_init(&go, NULL, parallel ? nr + 1 : 1);
		for (i = 0; i < nr; i++) {
			job[i].vcpu = vm.vcpu[i];
			job[i].skip_vm_scoped = once && i > 0;
			job[i].go = &go;
			if (parallel && pthread_create(&tid[i], &attr, restore_thread, &job[i])) {
				bench_error("pthread_create: %s", strerror(errno));
				exit(1);
			}
		}
		t0 = now_ns();
		if (parallel) {
			pthread_barrier_wait(&go);
			t0 = now_ns();
			for (i = 0; i < nr; i++)
				pthread_join(tid[i], NULL);
		} else {
			for (i = 0; i < nr; i++)
				restore_vcpu(&job[i]);
		}
		t1 = now_ns();
		pthread_barrier_destroy(&go);
		regs = rejected = get_ns = set_ns = 0;
		for (i = 0; i < nr; i++) {
			if (job[i].err) {
				bench_error("restore %d vCPUs (%s): vCPU %d: %s", nr, mode, i,
					    strerror(job[i].err));
				vm_destroy(&vm);
				return;
			}
			/* The first vCPU that refused a value it returned */
			if (job[i].rejected && !rejected)
				bench_error("restore: vCPU %d rejected %llu of its own values, first 0x%llx",
					    i, (unsigned long long)job[i].rejected,
					    (unsigned long long)job[i].first_bad);
			regs += job[i].nregs;
			rejected += job[i].rejected;
			get_ns += job[i].get_ns;
			set_ns += job[i].set_ns;
		}
		vm_destroy(&vm);
		per_vm[rep] = (t1 - t0) / 1e6;
		per_reg[rep] = (double)(t1 - t0) / regs;
		/* Per register and call, as seen by the calling thread. */
		get[rep] = (double)get_ns / regs;
		set[rep] = (double)set_ns / regs;
		if (rep == 0) {
			report("restore-regs-per-vcpu", nr, mode, (double)regs / nr, "regs");
			report("restore-rejected", nr, mode, rejected, "writes");
		}
	}
	report("restore-ms-per-vm", nr, mode, median(per_vm, reps), "ms");
	report("restore-ns-per-reg", nr, mode, median(per_reg, reps), "ns");
	report("restore-get-ns", nr, mode, median(get, reps), "ns");
	report("restore-set-ns", nr, mode, median(set, reps), "ns");
}

/* ---- guest code: 2. trapped reads, 3. exits ---------------------------- */

/*
 * The loop counter lives in x5 and the MMIO address in x6: KVM's SMCCC
 * handler returns in x0-x3, and SMCCC 1.1 preserves x4-x17.
 */
#define A64_SUBS_X5_1	0xf10004a5u	/* subs x5, x5, #1 */
#define A64_STR_XZR_X6	0xf90000dfu	/* str xzr, [x6] */
#define A64_B_M4	0x17ffffffu	/* b .-4 */
#define A64_MOVZ_X0_0	0xd2800000u	/* mov x0, #0 */
#define A64_MOVK_X0_8000_16 0xf2b00000u	/* movk x0, #0x8000, lsl #16 */
#define A64_HVC_0	0xd4000002u	/* hvc #0 */

static uint32_t a64_mrs_x0(int op0, int op1, int crn, int crm, int op2)
{
	return 0xd5300000u | (uint32_t)(op0 & 1) << 19 | op1 << 16 | crn << 12 |
	       crm << 8 | op2 << 5;
}

static uint64_t core_reg(size_t off)
{
	return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | off / sizeof(__u32);
}

static int set_core(int vcpu, size_t off, uint64_t val)
{
	struct kvm_one_reg r = { .id = core_reg(off), .addr = (uintptr_t)&val };

	return ioctl(vcpu, KVM_SET_ONE_REG, &r);
}

/* A 1-vCPU VM (no PMU) with guest memory, an in-kernel GICv3 and
 * optionally PV stolen time. */
static int guest_vm(struct vm *vm, bool pvtime)
{
	struct kvm_userspace_memory_region region;
	struct kvm_create_device gic = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t addr;
	struct kvm_device_attr attr;

	if (vm_create(vm, 1, true, false))
		return -1;
	vm->mem = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->mem == MAP_FAILED) {
		vm->mem = NULL;
		bench_error("guest memory: %s", strerror(errno));
		return -1;
	}
	region = (struct kvm_userspace_memory_region){
		.slot = 0, .guest_phys_addr = GUEST_IPA, .memory_size = GUEST_SIZE,
		.userspace_addr = (uintptr_t)vm->mem,
	};
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region)) {
		bench_error("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
		return -1;
	}
	if (ioctl(vm->fd, KVM_CREATE_DEVICE, &gic)) {
		bench_error("creating the vGICv3: %s", strerror(errno));
		return -1;
	}
	addr = 0x08000000;
	attr = (struct kvm_device_attr){ .group = KVM_DEV_ARM_VGIC_GRP_ADDR,
					 .attr = KVM_VGIC_V3_ADDR_TYPE_DIST,
					 .addr = (uintptr_t)&addr };
	if (ioctl(gic.fd, KVM_SET_DEVICE_ATTR, &attr))
		goto gic_err;
	addr = 0x080a0000;
	attr.attr = KVM_VGIC_V3_ADDR_TYPE_REDIST;
	if (ioctl(gic.fd, KVM_SET_DEVICE_ATTR, &attr))
		goto gic_err;
	attr = (struct kvm_device_attr){ .group = KVM_DEV_ARM_VGIC_GRP_CTRL,
					 .attr = KVM_DEV_ARM_VGIC_CTRL_INIT };
	if (ioctl(gic.fd, KVM_SET_DEVICE_ATTR, &attr))
		goto gic_err;
	if (pvtime) {
		addr = GUEST_IPA + GUEST_PVTIME;
		attr = (struct kvm_device_attr){ .group = KVM_ARM_VCPU_PVTIME_CTRL,
						 .attr = KVM_ARM_VCPU_PVTIME_IPA,
						 .addr = (uintptr_t)&addr };
		if (ioctl(vm->vcpu[0], KVM_SET_DEVICE_ATTR, &attr)) {
			bench_error("KVM_ARM_VCPU_PVTIME_IPA: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
gic_err:
	bench_error("setting up the vGICv3: %s", strerror(errno));
	return -1;
}

/* Run from the start of the code with x5 = loops; time KVM_RUN until the
 * guest's MMIO store. */
static int64_t guest_run(struct vm *vm, uint64_t loops)
{
	uint64_t t0, t1;

	if (set_core(vm->vcpu[0], offsetof(struct kvm_regs, regs.pc), GUEST_IPA) ||
	    set_core(vm->vcpu[0], offsetof(struct kvm_regs, regs.regs[5]), loops) ||
	    set_core(vm->vcpu[0], offsetof(struct kvm_regs, regs.regs[6]), GUEST_MMIO)) {
		bench_error("setting PC/X5/X6: %s", strerror(errno));
		return -1;
	}
	t0 = now_ns();
	if (ioctl(vm->vcpu[0], KVM_RUN, 0)) {
		bench_error("KVM_RUN: %s", strerror(errno));
		return -1;
	}
	t1 = now_ns();
	if (vm->run[0]->exit_reason != KVM_EXIT_MMIO ||
	    vm->run[0]->mmio.phys_addr != GUEST_MMIO) {
		bench_error("guest stopped with exit reason %u", vm->run[0]->exit_reason);
		return -1;
	}
	return t1 - t0;
}

/* ns per execution of a loop body, from two loop lengths. */
static void bench_loop(const char *metric, const uint32_t *body, int len,
		       bool pvtime, const char *mode, int short_n, int long_n)
{
	double v[MAX_REPS];
	int64_t a, b;
	struct vm vm;
	uint32_t *code;
	int rep;

	if (guest_vm(&vm, pvtime))
		goto out;
	code = vm.mem;
	memcpy(code, body, len * sizeof(*body));
	code[len] = A64_SUBS_X5_1;
	/* b.ne back to the start of the body */
	code[len + 1] = 0x54000001u | ((uint32_t)(-(len + 1)) & 0x7ffff) << 5;
	code[len + 2] = A64_STR_XZR_X6;
	guest_run(&vm, 1);	/* warm up: first run, stage-2 faults */
	for (rep = 0; rep < reps; rep++) {
		a = guest_run(&vm, short_n);
		b = guest_run(&vm, long_n);
		if (a < 0 || b < 0)
			goto out;
		v[rep] = (double)(b - a) / (long_n - short_n);
	}
	report(metric, 1, mode, median(v, reps), "ns");
out:
	vm_destroy(&vm);
}

static void bench_trap(void)
{
	static const struct { const char *name; int e[5]; } regs[] = {
		{ "ID_AA64PFR0_EL1",  { 3, 0, 0, 4, 0 } },
		{ "ID_AA64ISAR0_EL1", { 3, 0, 0, 6, 0 } },
		{ "ID_AA64MMFR0_EL1", { 3, 0, 0, 7, 0 } },
		{ "CTR_EL0",          { 3, 3, 0, 0, 1 } },
		{ "CCSIDR_EL1",       { 3, 1, 0, 0, 0 } },
		{ "MIDR_EL1",         { 3, 0, 0, 0, 0 } },
	};
	char metric[64];
	uint32_t body;
	size_t i;

	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		body = a64_mrs_x0(regs[i].e[0], regs[i].e[1], regs[i].e[2],
				  regs[i].e[3], regs[i].e[4]);
		snprintf(metric, sizeof(metric), "guest-read-%s", regs[i].name);
		bench_loop(metric, &body, 1, false, "guest", 200, 2200);
	}
}

static void bench_exit(void)
{
	static const uint32_t hvc[] = { A64_MOVZ_X0_0, A64_MOVK_X0_8000_16, A64_HVC_0 };
	double v[MAX_REPS];
	const int n = 2000;
	uint64_t t0;
	struct vm vm;
	int pv, rep, i;

	for (pv = 0; pv < 2; pv++) {
		const char *mode = pv ? "pvtime-on" : "pvtime-off";
		uint32_t *code;

		/* In-kernel exits: HVC SMCCC_VERSION, no vcpu_load. */
		bench_loop("exit-hvc-in-kernel", hvc, 3, pv, mode, 200, 2200);

		/* Exits to userspace: every KVM_RUN loads and puts the vCPU. */
		if (guest_vm(&vm, pv))
			goto out;
		code = vm.mem;
		code[0] = A64_STR_XZR_X6;
		code[1] = A64_B_M4;
		if (guest_run(&vm, 0) < 0)
			goto out;
		for (rep = 0; rep < reps; rep++) {
			t0 = now_ns();
			for (i = 0; i < n; i++) {
				if (ioctl(vm.vcpu[0], KVM_RUN, 0) ||
				    vm.run[0]->exit_reason != KVM_EXIT_MMIO) {
					bench_error("KVM_RUN in the exit loop: %s, exit %u",
						    strerror(errno), vm.run[0]->exit_reason);
					goto out;
				}
			}
			v[rep] = (double)(now_ns() - t0) / n;
		}
		report("exit-to-user", 1, mode, median(v, reps), "ns");
out:
		vm_destroy(&vm);
	}
}

/* ---- 5. calls ---------------------------------------------------------- */

/*
 * Where a ONE_REG call spends its time: the syscall itself (getppid), a
 * vCPU ioctl that does next to nothing, and KVM_GET_ONE_REG /
 * KVM_SET_ONE_REG of a core register (X0), of an ID register
 * (ID_AA64ISAR0_EL1, VM-scoped) and of a firmware register (PSCI_VERSION).
 * ns per call, medians over --reps.
 *
 * The near-empty vCPU ioctl is KVM_HAS_DEVICE_ATTR of the timer group
 * (KVM_ARM_VCPU_TIMER_IRQ_VTIMER): kvm_vcpu_ioctl() takes the vCPU mutex,
 * copies the attribute in and kvm_arm_timer_has_attr() returns 0, on 6.1
 * and 6.12 alike.  (KVM_CHECK_EXTENSION is no vCPU ioctl on arm64: on a
 * vCPU fd it falls through kvm_vcpu_ioctl() to kvm_arch_vcpu_ioctl()'s
 * default, -EINVAL, so it would time an error path.)
 *
 * Every SET writes the value the GET before it returned.  For the ID
 * register that is the VM's current value, which this series' set_id_reg()
 * accepts before taking the VM's config_lock (the identical-value fast
 * path a restoring VMM takes; mainline 6.12 takes the lock and checks the
 * value first).  One call of each kind must succeed before it is timed,
 * and every timed call must succeed, or the measure is an error.
 */
#define CALLS	2000

/* Time @req on @vcpu; 0, or -1 (reported) when a call failed. */
static int time_calls(int vcpu, unsigned long req, void *arg, const char *mode)
{
	double v[MAX_REPS];
	int rep, i, failed = 0;
	uint64_t t0;

	if (ioctl(vcpu, req, arg)) {
		bench_error("calls: %s: the first call fails: %s", mode, strerror(errno));
		return -1;
	}
	for (rep = 0; rep < reps; rep++) {
		t0 = now_ns();
		for (i = 0; i < CALLS; i++)
			failed += ioctl(vcpu, req, arg) != 0;
		v[rep] = (double)(now_ns() - t0) / CALLS;
	}
	if (failed) {
		bench_error("calls: %s: %d of %d timed calls failed", mode, failed, reps * CALLS);
		return -1;
	}
	report("call-ns", 1, mode, median(v, reps), "ns");
	return 0;
}

static void bench_calls(void)
{
	uint64_t isar0 = ARM64_SYS_REG(3, 0, 0, 6, 0), val = 0;
	uint64_t x0 = core_reg(offsetof(struct kvm_regs, regs.regs[0]));
	const struct { const char *name; uint64_t id; } regs[] = {
		{ "core-x0", x0 },
		{ "id-isar0", isar0 },
		{ "fw-psci", KVM_REG_ARM_PSCI_VERSION },
	};
	struct kvm_device_attr timer = { .group = KVM_ARM_VCPU_TIMER_CTRL,
					 .attr = KVM_ARM_VCPU_TIMER_IRQ_VTIMER };
	double v[MAX_REPS];
	struct kvm_one_reg r = { .addr = (uintptr_t)&val };
	uint64_t t0;
	struct vm vm;
	int rep, i, k;

	if (vm_create(&vm, 1, false, true)) {
		vm_destroy(&vm);
		return;
	}
	for (rep = 0; rep < reps; rep++) {
		t0 = now_ns();
		for (i = 0; i < CALLS; i++)
			getppid();
		v[rep] = (double)(now_ns() - t0) / CALLS;
	}
	report("call-ns", 1, "getppid", median(v, reps), "ns");
	time_calls(vm.vcpu[0], KVM_HAS_DEVICE_ATTR, &timer, "vcpu-has-attr");
	for (k = 0; k < 3; k++) {
		char mode[32];

		r.id = regs[k].id;
		snprintf(mode, sizeof(mode), "get-%s", regs[k].name);
		if (time_calls(vm.vcpu[0], KVM_GET_ONE_REG, &r, mode))
			continue;
		/* val holds the value just read: the SETs write it back. */
		snprintf(mode, sizeof(mode), "set-%s", regs[k].name);
		time_calls(vm.vcpu[0], KVM_SET_ONE_REG, &r, mode);
	}
	vm_destroy(&vm);
}

/* ---- 4. memory --------------------------------------------------------- */

/*
 * Give the empty slabs of every cache back to the page allocator (SLUB's
 * /sys/kernel/slab/NAME/shrink), so that what a VM takes is counted again
 * after an earlier VM's objects were freed into those caches.
 */
static void shrink_slabs(void)
{
	char path[512];
	struct dirent *d;
	DIR *dir;
	int fd;

	dir = opendir("/sys/kernel/slab");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", d->d_name);
		fd = open(path, O_WRONLY);
		if (fd < 0)
			continue;
		/* Caches that cannot shrink refuse: nothing to do. */
		(void)!write(fd, "1", 1);
		close(fd);
	}
	closedir(dir);
}

/* Kernel memory in use: everything not free, minus the page cache and
 * our own anonymous memory. */
static long kernel_kib(void)
{
	long total = 0, free_ = 0, buffers = 0, cached = 0, anon = 0, v;
	char key[64];
	FILE *f;

	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld kB\n", key, &v) == 2) {
		if (!strcmp(key, "MemTotal:"))
			total = v;
		else if (!strcmp(key, "MemFree:"))
			free_ = v;
		else if (!strcmp(key, "Buffers:"))
			buffers = v;
		else if (!strcmp(key, "Cached:"))
			cached = v;
	}
	fclose(f);
	f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	while (fscanf(f, "%63s", key) == 1) {
		if (!strcmp(key, "RssAnon:") && fscanf(f, "%ld", &v) == 1)
			anon = v;
	}
	fclose(f);
	return total - free_ - buffers - cached - anon;
}

/*
 * Measured once per boot, before anything else ran: freed kernel memory
 * stays in per-CPU page lists and partial slabs that MemFree does not
 * count, so a second VM would look (nearly) free.  scripts/bench.sh takes
 * the median over boots.
 */
static void bench_memory(void)
{
	static const int sizes[] = { 1, 256 };
	struct kvm_reg_list *l;
	long before, after;
	struct vm vm;
	int s, i;

	for (s = 0; s < 2; s++) {
		shrink_slabs();
		before = kernel_kib();
		if (vm_create(&vm, sizes[s], true, true)) {
			vm_destroy(&vm);
			return;
		}
		for (i = 0; i < vm.nr; i++) {
			l = kvm_reg_list(vm.vcpu[i]);
			free(l);
		}
		after = kernel_kib();
		vm_destroy(&vm);
		report("memory-vm-kib", sizes[s], "kernel", after - before, "KiB");
	}
}

/* ---- main -------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr,
		"usage: kvm-bench [--reps N] [--vcpus 1:8:64:256] [restore] [trap] [exit] [memory] [calls]\n"
		"  no part named: all of them\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int vcpus[8] = { 1, 8, 64, 256 }, nv = 4, i, parts = 0;
	char *s, *tok;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--reps") && i + 1 < argc) {
			reps = atoi(argv[++i]);
			if (reps < 1 || reps > MAX_REPS)
				usage();
		} else if (!strcmp(argv[i], "--vcpus") && i + 1 < argc) {
			nv = 0;
			s = argv[++i];
			for (tok = strtok(s, ",:"); tok && nv < 8; tok = strtok(NULL, ",:")) {
				vcpus[nv] = atoi(tok);
				if (vcpus[nv] < 1 || vcpus[nv] > MAX_VCPUS)
					usage();
				nv++;
			}
		} else if (!strcmp(argv[i], "restore")) {
			parts |= 1;
		} else if (!strcmp(argv[i], "trap")) {
			parts |= 2;
		} else if (!strcmp(argv[i], "exit")) {
			parts |= 4;
		} else if (!strcmp(argv[i], "memory")) {
			parts |= 8;
		} else if (!strcmp(argv[i], "calls")) {
			parts |= 16;
		} else {
			usage();
		}
	}
	if (!parts)
		parts = 31;
	setvbuf(stdout, NULL, _IOLBF, 0);
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0) {
		printf("@@BENCH-ERROR /dev/kvm: %s\n", strerror(errno));
		return 1;
	}
	run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (parts & 8)
		bench_memory();	/* first: before the other parts fragment memory */
	if (parts & 1) {
		bool scope = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_OOT_REG_SCOPE) > 0;

		for (i = 0; i < nv; i++) {
			bench_restore(vcpus[i], false, false);
			bench_restore(vcpus[i], true, false);
			if (scope) {
				bench_restore(vcpus[i], false, true);
				bench_restore(vcpus[i], true, true);
			}
		}
	}
	if (parts & 2)
		bench_trap();
	if (parts & 4)
		bench_exit();
	if (parts & 16)
		bench_calls();
	printf("@@BENCH-END %d failure(s)\n", failures);
	return failures ? 1 : 0;
}
