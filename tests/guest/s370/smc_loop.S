/*
 * Self-modifying code inside a hot loop.  Each part runs a loop of
 * several TBs until it is hot (hotloop.h: thousands of passes and 100 ms,
 * so that -accel jit has compiled it), then changes an instruction of
 * the loop body and runs it hot again, twice.  The new instruction must
 * run from the very next pass on (PoO-370 chapter 5, "Storage-Operand
 * Consistency": an instruction fetched after a store by the same CPU to
 * its location sees the stored value); r6, what the loop computed, must
 * equal r7, the sum of what each version of the code adds.
 *   1x  MVC replaces the loop's first instruction (LA 1 -> 3 -> 7), from
 *       a TB outside the loop.
 *   2x  STC changes a branch mask in the loop (BC 0 -> BC 15 -> BC 0):
 *       the loop's control flow changes.
 *   3x  ST in the loop's hot TB replaces that TB's own first instruction,
 *       already run in this pass (LA 1 -> 5 -> 2).
 */
#include "s370test.h"
#include "hotloop.h"

/* clang-format off */
	TEST_START

	/* ---- 1x: MVC over the loop's first instruction ---- */
	sr	%r6,%r6
	sr	%r7,%r7
	la	%r8,1
	sr	%r9,%r9				/* offset of the next change in .L1tab */
	bal	%r14,stage_start-BASE(%r12)
.L1loop:
.L1p:	la	%r6,1(,%r6)			/* changed */
	ar	%r7,%r8
	la	%r5,1(,%r5)
	bal	%r14,ripe-BASE(%r12)
	bc	4,.L1loop-BASE(%r12)
	la	%r10,.L1tab-BASE(%r9,%r12)
	l	%r1,0(,%r10)
	ltr	%r1,%r1
	bc	4,.L1done-BASE(%r12)		/* -1: no more changes */
	mvc	.L1p-BASE(4,%r12),0(%r10)
	l	%r8,4(,%r10)
	la	%r9,8(,%r9)
	bal	%r14,stage_start-BASE(%r12)
	b	.L1loop-BASE(%r12)
.L1done:
	cr	%r6,%r7
	la	%r15,0x11
	bc	7,.Lfail-BASE(%r12)
	clc	.L1p-BASE(4,%r12),.L1tab+8-BASE(%r12)
	la	%r15,0x12
	bc	7,.Lfail-BASE(%r12)

	/* ---- 2x: STC into a branch mask in the loop ---- */
	sr	%r6,%r6
	sr	%r7,%r7
	la	%r8,1
	sr	%r9,%r9
	bal	%r14,stage_start-BASE(%r12)
.L2loop:
	la	%r5,1(,%r5)
.L2p:	bc	0,.L2skip-BASE(%r12)		/* mask byte changed */
	la	%r6,1(,%r6)
.L2skip:
	ar	%r7,%r8
	bal	%r14,ripe-BASE(%r12)
	bc	4,.L2loop-BASE(%r12)
	la	%r10,.L2tab-BASE(%r9,%r12)
	l	%r1,0(,%r10)
	ltr	%r1,%r1
	bc	4,.L2done-BASE(%r12)
	stc	%r1,.L2p+1-BASE(%r12)
	l	%r8,4(,%r10)
	la	%r9,8(,%r9)
	bal	%r14,stage_start-BASE(%r12)
	b	.L2loop-BASE(%r12)
.L2done:
	cr	%r6,%r7
	la	%r15,0x21
	bc	7,.Lfail-BASE(%r12)
	cli	.L2p+1-BASE(%r12),0x00
	la	%r15,0x22
	bc	7,.Lfail-BASE(%r12)

	/* ---- 3x: the hot TB stores into its own first instruction ----
	 * The ST goes to scratch until the code below the loop arms it
	 * (r3 = .L3p, r2 = the new instruction, r4 = what it adds); the
	 * pass that stores disarms it again and switches the shadow. */
	sr	%r6,%r6
	sr	%r7,%r7
	la	%r8,1
	lr	%r4,%r8
	sr	%r9,%r9
	la	%r3,scratch-BASE(%r12)
	bal	%r14,stage_start-BASE(%r12)
.L3loop:
.L3p:	la	%r6,1(,%r6)			/* changed by the ST below */
	ar	%r7,%r8
	st	%r2,0(,%r3)
	la	%r3,scratch-BASE(%r12)
	lr	%r8,%r4
	la	%r5,1(,%r5)
	bal	%r14,ripe-BASE(%r12)
	bc	4,.L3loop-BASE(%r12)
	la	%r10,.L3tab-BASE(%r9,%r12)
	l	%r2,0(,%r10)
	ltr	%r2,%r2
	bc	4,.L3done-BASE(%r12)
	l	%r4,4(,%r10)
	la	%r3,.L3p-BASE(%r12)
	la	%r9,8(,%r9)
	bal	%r14,stage_start-BASE(%r12)
	b	.L3loop-BASE(%r12)
.L3done:
	cr	%r6,%r7
	la	%r15,0x31
	bc	7,.Lfail-BASE(%r12)
	clc	.L3p-BASE(4,%r12),.L3tab+8-BASE(%r12)
	la	%r15,0x32
	bc	7,.Lfail-BASE(%r12)

	PRINT	.Lmsg, .Lmsgend-.Lmsg
	TEST_PASS

	HOT_ROUTINES
	CHECK_ROUTINES

	/* Each change: the new instruction (or mask byte) and what the
	 * changed code then adds to r6 each pass; -1 ends the list. */
	.align	4
.L1tab:	CHANGE	3, "la %r6,3(,%r6)"
	CHANGE	7, "la %r6,7(,%r6)"
	.long	-1
.L2tab:	.long	0xf0, 0				/* BC 15: LA skipped */
	.long	0x00, 1				/* BC 0 again */
	.long	-1
.L3tab:	CHANGE	5, "la %r6,5(,%r6)"
	CHANGE	2, "la %r6,2(,%r6)"
	.long	-1
.Lmsg:	EBCDIC SMC_LOOP_PASSED
.Lmsgend:
	HOT_DATA
	TEST_ROUTINES
/* clang-format on */
