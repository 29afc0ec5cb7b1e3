/*
 * A compiled region invalidated while the CPU runs in it.  Each part runs
 * a loop of several TBs until it is hot (hotloop.h), so that under
 * -accel jit it runs as compiled code; then a store made by one of the
 * loop's own TBs changes the code of the loop.  The new instruction must
 * run from its very next execution on (PoO-370 chapter 5, "Storage-
 * Operand Consistency"): r6, what the loop computed, must equal r7, the
 * sum of what each version of the code adds (r8, switched by the same
 * pass that stores).  S/370 branches are base-relative, so the JIT's
 * regions grow along fall-through paths; parts 1-3 keep the storing TB
 * and the changed one on such a path (a conditional branch that is never
 * taken ends a TB), so that they are in one region.
 *   1x  a TB stores into the TB before it, which falls through to it: the
 *       next pass runs the new code.
 *   2x  a TB stores into the TB after it, which it falls through to: the
 *       new code runs in the same pass.
 *   3x  a TB stores into its own later instructions: they run new in the
 *       same pass (odd and even passes take different TBs here).
 *   4x  the even passes' TB stores into the odd passes' TB, on another
 *       path of the loop: the next odd pass runs the new code.
 * In every part the store goes to scratch until the code below the loop
 * arms it (r3 = where, r2 = the new instruction, r4 = what it adds); the
 * pass that stores disarms it.  Two changes per part (LA 1 -> 5 -> 2).
 * Fail codes: 0xX1, 0xX2 (PART_CHECK), X the part; 0x01 the branch that
 * is never taken was.
 */
#include "s370test.h"
#include "hotloop.h"

/* clang-format off */
	/* Before a part: r6 = r7 = 0, r8 = r4 = 1, r9 = 0, unarmed. */
	.macro PART_START
	sr	%r6,%r6
	sr	%r7,%r7
	la	%r8,1
	lr	%r4,%r8
	sr	%r9,%r9
	la	%r3,scratch-BASE(%r12)
	bal	%r14,stage_start-BASE(%r12)
	.endm

	/* The stage is ripe: arm the next change of the list at .Ltab to
	 * go to where and start the next stage at loop, or go to done. */
	.macro PART_NEXT where, loop, done
	la	%r10,.Ltab-BASE(%r9,%r12)
	l	%r2,0(,%r10)
	ltr	%r2,%r2
	bc	4,\done-BASE(%r12)
	l	%r4,4(,%r10)
	la	%r3,\where-BASE(%r12)
	la	%r9,8(,%r9)
	bal	%r14,stage_start-BASE(%r12)
	b	\loop-BASE(%r12)
	.endm

	/* After a part: fail with fc unless r6 == r7, with fc+1 unless the
	 * changed instruction at where is the list's last. */
	.macro PART_CHECK where, fc
	cr	%r6,%r7
	la	%r15,\fc
	bc	7,.Lfail-BASE(%r12)
	clc	\where-BASE(4,%r12),.Ltab+8-BASE(%r12)
	la	%r15,\fc+1
	bc	7,.Lfail-BASE(%r12)
	.endm

	TEST_START

	/* ---- 1x: a TB stores into the TB before it ---- */
	PART_START
.L1loop:					/* TB: changed */
.L1p:	la	%r6,1(,%r6)
	ar	%r7,%r8
	la	%r5,1(,%r5)
	ltr	%r5,%r5
	bc	4,.Lnever-BASE(%r12)
	st	%r2,0(,%r3)			/* TB: stores into .L1p */
	la	%r3,scratch-BASE(%r12)
	lr	%r8,%r4
	bal	%r14,ripe-BASE(%r12)
	bc	4,.L1loop-BASE(%r12)
	PART_NEXT .L1p, .L1loop, .L1done
.L1done:
	PART_CHECK .L1p, 0x11

	/* ---- 2x: a TB stores into the TB after it ---- */
	PART_START
.L2loop:					/* TB: stores into .L2p */
	la	%r5,1(,%r5)
	st	%r2,0(,%r3)
	la	%r3,scratch-BASE(%r12)
	lr	%r8,%r4
	ltr	%r5,%r5
	bc	4,.Lnever-BASE(%r12)
.L2p:	la	%r6,1(,%r6)			/* TB: changed */
	ar	%r7,%r8
	bal	%r14,ripe-BASE(%r12)
	bc	4,.L2loop-BASE(%r12)
	PART_NEXT .L2p, .L2loop, .L2done
.L2done:
	PART_CHECK .L2p, 0x21

	/* ---- 3x: a TB stores into its own later instructions ---- */
	PART_START
.L3loop:					/* TB: count, split */
	la	%r5,1(,%r5)
	lr	%r1,%r5
	n	%r1,.Kone-BASE(%r12)
	bc	8,.L3even-BASE(%r12)
	st	%r2,0(,%r3)			/* TB (odd): stores into .L3p */
	la	%r3,scratch-BASE(%r12)
	lr	%r8,%r4
.L3p:	la	%r6,1(,%r6)			/* changed, same TB */
	ar	%r7,%r8
	b	.L3join-BASE(%r12)
.L3even:					/* TB (even) */
	la	%r11,1(,%r11)
.L3join:
	bal	%r14,ripe-BASE(%r12)
	bc	4,.L3loop-BASE(%r12)
	PART_NEXT .L3p, .L3loop, .L3done
.L3done:
	PART_CHECK .L3p, 0x31

	/* ---- 4x: the even TB stores into the odd TB ---- */
	PART_START
.L4loop:					/* TB: count, split */
	la	%r5,1(,%r5)
	lr	%r1,%r5
	n	%r1,.Kone-BASE(%r12)
	bc	8,.L4even-BASE(%r12)
.L4p:	la	%r6,1(,%r6)			/* TB (odd): changed */
	ar	%r7,%r8
	b	.L4join-BASE(%r12)
.L4even:					/* TB (even): stores into .L4p */
	st	%r2,0(,%r3)
	la	%r3,scratch-BASE(%r12)
	lr	%r8,%r4
	b	.L4join-BASE(%r12)
.L4join:					/* TB: both paths */
	bal	%r14,ripe-BASE(%r12)
	bc	4,.L4loop-BASE(%r12)
	PART_NEXT .L4p, .L4loop, .L4done
.L4done:
	PART_CHECK .L4p, 0x41

	PRINT	.Lmsg, .Lmsgend-.Lmsg
	TEST_PASS
.Lnever:
	TEST_FAIL 0x01

	HOT_ROUTINES
	CHECK_ROUTINES

	/* The changes: the new instruction and what it adds; -1 ends. */
	.align	4
.Ltab:	CHANGE	5, "la %r6,5(,%r6)"
	CHANGE	2, "la %r6,2(,%r6)"
	.long	-1
.Kone:	.long	1
.Lmsg:	EBCDIC REGION_INVAL_PASSED
.Lmsgend:
	HOT_DATA
	TEST_ROUTINES
/* clang-format on */
