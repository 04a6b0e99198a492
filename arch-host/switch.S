/*
 * Kernel context switch, in the manner of xv6's swtch: a context is just
 * the stack pointer of a stopped kernel thread, with the callee-saved
 * registers and the return address pushed on its stack.  ctx.c builds the
 * same frame on a new stack, returning into switch_trampoline.
 *
 * The frame (from the saved rsp up): r15 r14 r13 r12 rbp rbx return-address.
 * The CFI describes it on either stack, since both hold the same layout.
 */
	.text

/* void arch_switch(struct arch_ctx *prev, struct arch_ctx *next) */
	.globl	arch_switch
	.type	arch_switch, @function
arch_switch:
	.cfi_startproc
	pushq	%rbx
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset rbx, 0
	pushq	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset rbp, 0
	pushq	%r12
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset r12, 0
	pushq	%r13
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset r13, 0
	pushq	%r14
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset r14, 0
	pushq	%r15
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset r15, 0
	movq	%rsp, (%rdi)		/* prev->w[0] = rsp */
	movq	(%rsi), %rsp		/* rsp = next->w[0] */
	popq	%r15
	.cfi_adjust_cfa_offset -8
	.cfi_restore r15
	popq	%r14
	.cfi_adjust_cfa_offset -8
	.cfi_restore r14
	popq	%r13
	.cfi_adjust_cfa_offset -8
	.cfi_restore r13
	popq	%r12
	.cfi_adjust_cfa_offset -8
	.cfi_restore r12
	popq	%rbp
	.cfi_adjust_cfa_offset -8
	.cfi_restore rbp
	popq	%rbx
	.cfi_adjust_cfa_offset -8
	.cfi_restore rbx
	ret
	.cfi_endproc
	.size	arch_switch, . - arch_switch

/*
 * First code of a new context: fn in r12, arg in r13, rsp 16-byte aligned
 * (ctx.c sees to it).  fn must never return; if it does, ud2 traps.  The
 * return address is marked undefined so that backtraces end here.
 */
	.globl	switch_trampoline
	.type	switch_trampoline, @function
switch_trampoline:
	.cfi_startproc
	.cfi_undefined rip
	movq	%r13, %rdi
	callq	*%r12
	ud2
	.cfi_endproc
	.size	switch_trampoline, . - switch_trampoline

	.section .note.GNU-stack,"",@progbits
