// SPDX-License-Identifier: GPL-2.0
/*
 * Link-time shim that lets mainline 6.12's KVM selftests run on a 6.1
 * kernel, without touching their source.  Since 6.8 the selftest library
 * creates every memslot with KVM_SET_USER_MEMORY_REGION2 and skips when
 * KVM_CAP_USER_MEMORY2 is missing; 6.1 only has KVM_SET_USER_MEMORY_REGION,
 * whose struct is the leading part of the new one.  Linked with
 * -Wl,--wrap=ioctl, so only the test's own ioctl() calls come here.
 * Memslots backed by guest_memfd cannot be emulated: those fail with
 * EINVAL as on a kernel without the capability.
 */
#include <errno.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

int __real_ioctl(int fd, unsigned long req, void *arg);

int __wrap_ioctl(int fd, unsigned long req, void *arg)
{
	if (req == KVM_CHECK_EXTENSION &&
	    (unsigned long)arg == KVM_CAP_USER_MEMORY2)
		return 1;
	if (req == KVM_SET_USER_MEMORY_REGION2) {
		struct kvm_userspace_memory_region2 *r2 = arg;
		struct kvm_userspace_memory_region r = {
			.slot = r2->slot,
			.flags = r2->flags,
			.guest_phys_addr = r2->guest_phys_addr,
			.memory_size = r2->memory_size,
			.userspace_addr = r2->userspace_addr,
		};

		if (r2->flags & KVM_MEM_GUEST_MEMFD) {
			errno = EINVAL;
			return -1;
		}
		return __real_ioctl(fd, KVM_SET_USER_MEMORY_REGION, &r);
	}
	return __real_ioctl(fd, req, arg);
}
