/*
 * Entry of the L2 guest: QEMU -kernel loads the ELF and starts the
 * vCPU at _start, EL1h, MMU off, interrupts masked.  Sets the stack and
 * the vector table, clears .bss and calls main().  Every synchronous
 * exception (an MRS of an encoding the CPU or the hypervisor UNDEFs:
 * EC 0x00, or 0x18 under FEAT_IDST) is recorded in l2_trap_count and
 * l2_trap_esr and the faulting instruction is skipped (ELR_EL1 += 4),
 * so the guest never dies of a register read.
 */
	.section .text.start, "ax"
	.global _start
_start:
	ldr	x0, =__stack_top
	mov	sp, x0
	adr	x0, vectors
	msr	vbar_el1, x0
	isb
	ldr	x0, =__bss_start
	ldr	x1, =__bss_end
1:	cmp	x0, x1
	b.hs	2f
	str	xzr, [x0], #8
	b	1b
2:	bl	main
3:	wfi
	b	3b

	.text
sync_handler:
	sub	sp, sp, #16
	stp	x0, x1, [sp]
	adr	x0, l2_trap_count
	ldr	x1, [x0]
	add	x1, x1, #1
	str	x1, [x0]
	mrs	x1, esr_el1
	adr	x0, l2_trap_esr
	str	x1, [x0]
	mrs	x0, elr_el1
	add	x0, x0, #4
	msr	elr_el1, x0
	ldp	x0, x1, [sp]
	add	sp, sp, #16
	eret

other_handler:			/* IRQ/FIQ/SError: never unmasked */
	eret

	.balign	2048
vectors:
	.irp	n, 0, 1, 2, 3
	.balign	128
	b	sync_handler
	.balign	128
	b	other_handler
	.balign	128
	b	other_handler
	.balign	128
	b	other_handler
	.endr

	.data
	.balign	8
	.global l2_trap_count, l2_trap_esr
l2_trap_count:	.quad 0
l2_trap_esr:	.quad 0
