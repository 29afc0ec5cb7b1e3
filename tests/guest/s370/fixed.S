/* Fixed-point, logical and shift instructions: results and condition
 * codes (PoO-370 §7). */
#include "s370test.h"

	TEST_START
	/* AR: CC 2 positive, 1 negative, 0 zero, 3 overflow */
	l	%r1,.Lmax-BASE(%r12)
	la	%r2,1
	ar	%r1,%r2
	CHECK_CC 3, 1
	CHECK_REG %r1, 0x80000000, 2
	lcr	%r3,%r1			/* complement of the maximum negative: overflow */
	CHECK_CC 3, 3
	lpr	%r4,%r2
	CHECK_CC 2, 4
	lnr	%r4,%r2
	CHECK_CC 1, 5
	CHECK_REG %r4, 0xffffffff, 6
	sr	%r4,%r4
	CHECK_CC 0, 7
	/* Logical add/subtract: CC from zero/nonzero and carry */
	l	%r5,.Lall-BASE(%r12)
	la	%r6,1
	alr	%r5,%r6
	CHECK_CC 2, 8			/* zero, carry */
	la	%r5,5
	slr	%r5,%r6
	CHECK_CC 3, 9			/* nonzero, no borrow */
	la	%r5,1
	slr	%r5,%r6
	CHECK_CC 2, 10			/* zero, no borrow */
	sr	%r5,%r5
	slr	%r5,%r6
	CHECK_CC 1, 11			/* borrow */
	/* Compare */
	la	%r7,3
	c	%r7,.Lfour-BASE(%r12)
	CHECK_CC 1, 12
	cl	%r7,.Lall-BASE(%r12)
	CHECK_CC 1, 13
	ch	%r7,.Lhm1-BASE(%r12)		/* 3 vs -1 */
	CHECK_CC 2, 14
	/* Multiply and divide */
	la	%r9,7
	m	%r8,.Lm3-BASE(%r12)		/* 7 * -3 */
	CHECK_REG %r8, 0xffffffff, 15
	CHECK_REG %r9, 0xffffffeb, 16
	la	%r3,100
	sr	%r2,%r2
	d	%r2,.Lseven-BASE(%r12)
	CHECK_REG %r2, 2, 17
	CHECK_REG %r3, 14, 18
	la	%r3,6
	mh	%r3,.Lhm1-BASE(%r12)
	CHECK_REG %r3, 0xfffffffa, 19
	/* Logical */
	l	%r1,.Lpat-BASE(%r12)
	n	%r1,.Lmask-BASE(%r12)
	CHECK_CC 1, 21
	CHECK_REG %r1, 0x00005678, 20
	x	%r1,.Lmask-BASE(%r12)
	CHECK_REG %r1, 0x0000a987, 22
	/* Shifts */
	l	%r1,.Lpat-BASE(%r12)
	sll	%r1,4
	CHECK_REG %r1, 0x23456780, 23
	srl	%r1,36			/* by more than 31: zero */
	CHECK_REG %r1, 0, 24
	l	%r1,.Lm3-BASE(%r12)
	sra	%r1,1
	CHECK_CC 1, 25
	CHECK_REG %r1, 0xfffffffe, 26
	la	%r1,1
	sla	%r1,31			/* shifts a one into the sign: overflow */
	CHECK_CC 3, 27
	CHECK_REG %r1, 0, 28
	l	%r2,.Lpat-BASE(%r12)
	l	%r3,.Lpat2-BASE(%r12)
	sldl	%r2,8
	CHECK_REG %r2, 0x3456789a, 29
	CHECK_REG %r3, 0xbcdef000, 30
	srda	%r2,40
	CHECK_CC 2, 31
	CHECK_REG %r2, 0, 32
	CHECK_REG %r3, 0x00345678, 33
	/* Insert/store/compare under mask */
	l	%r1,.Lpat-BASE(%r12)
	icm	%r1,0b1010,.Lbytes-BASE(%r12)	/* bytes 0 and 2 from 0x81, 0x02 */
	CHECK_CC 1, 35			/* first inserted bit is one */
	CHECK_REG %r1, 0x81340278, 34
	icm	%r1,0,.Lbytes-BASE(%r12)
	CHECK_CC 0, 36
	stcm	%r1,0b0101,.Lout-BASE(%r12)
	clc	.Lout-BASE(2,%r12),.Lexp34-BASE(%r12)
	CHECK_CC 0, 37
	clm	%r1,0b1000,.Lbytes-BASE(%r12)
	CHECK_CC 0, 38
	/* Storage-immediate */
	mvi	.Lout-BASE(%r12),0xf0
	oi	.Lout-BASE(%r12),0x0f
	tm	.Lout-BASE(%r12),0xff
	CHECK_CC 3, 39
	ni	.Lout-BASE(%r12),0x30
	tm	.Lout-BASE(%r12),0xc0
	CHECK_CC 0, 40
	tm	.Lout-BASE(%r12),0x30
	CHECK_CC 3, 41
	tm	.Lout-BASE(%r12),0x11
	CHECK_CC 1, 42
	xi	.Lout-BASE(%r12),0x30
	CHECK_CC 0, 43
	cli	.Lbytes-BASE(%r12),0x80
	CHECK_CC 2, 44
	/* LM/STM wrap around from 15 to 0 */
	stm	%r14,%r1,.Lsave-BASE(%r12)
	lm	%r2,%r5,.Lsave-BASE(%r12)
	CHECK_REG %r5, 0x81340278, 45	/* stored r14, r15, r0, r1 */
	CHECK_REG %r2, 0, 46
	TEST_PASS

	.align	8
.Lmax:	.long	0x7fffffff
.Lall:	.long	0xffffffff
.Lfour:	.long	4
.Lm3:	.long	-3
.Lseven: .long	7
.Lpat:	.long	0x12345678
.Lpat2:	.long	0x9abcdef0
.Lmask:	.long	0x0000ffff
.Lhm1:	.short	-1
.Lbytes: .byte	0x81, 0x02, 0x00, 0x00
.Lexp34: .byte	0x34, 0x78
.Lout:	.byte	0, 0, 0, 0
	.align	4
.Lsave:	.fill	16, 1, 0
	TEST_ROUTINES
