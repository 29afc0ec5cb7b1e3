/* Start-up for C guest programs (ESA/390, gcc -m31): the test scaffolding,
 * a zeroed .bss, a stack, main(), and a disabled wait whose code is
 * main's return value.  C code calls console_write_ebcdic(buf, len). */
#include "s370test.h"

#define STACK_SIZE 65536

	TEST_START
	/* Clear .bss with MVCL (source length 0, pad 0). */
	l	%r2,.Lbss_start-BASE(%r12)
	l	%r3,.Lbss_end-BASE(%r12)
	sr	%r3,%r2
	sr	%r4,%r4
	sr	%r5,%r5
	mvcl	%r2,%r4
	/* Stack: 96-byte register save area below the top (31-bit ABI). */
	l	%r15,.Lstack_top-BASE(%r12)
	ahi	%r15,-96
	sr	%r0,%r0
	st	%r0,0(%r15)			/* back chain */
	l	%r1,.Lmain-BASE(%r12)
	basr	%r14,%r1
	stc	%r2,.Lexit+7-BASE(%r12)
	lpsw	.Lexit-BASE(%r12)

	/* void console_write_ebcdic(const char *buf, int len): r2, r3. */
	.globl	console_write_ebcdic
console_write_ebcdic:
	stm	%r12,%r14,48(%r15)
	basr	%r12,0
.Lcw:	ahi	%r12,BASE-.Lcw			/* r12 = BASE for the routines */
	lr	%r1,%r2
	lr	%r2,%r3
	bas	%r14,test_print-BASE(%r12)
	lm	%r12,%r14,48(%r15)
	br	%r14

	.align	8
.Lexit:		.long	WAIT_PSW_HI, WAIT_PSW_LO
.Lbss_start:	.long	__bss_start
.Lbss_end:	.long	_end
.Lstack_top:	.long	stack + STACK_SIZE
.Lmain:		.long	main
	TEST_ROUTINES

	.section .bss
	.align	8
stack:	.fill	STACK_SIZE, 1, 0
