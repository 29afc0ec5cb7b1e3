/*
 * The decimal instructions where ESA/390 differs or adds cases (PoO-390
 * §8): EDMK in 31-bit mode sets GR1 bits 1-31, decimal overflow in the
 * ESA/390 PSW, CVB beyond 32 bits, and an addressing exception on
 * operand 2 that leaves operand 1 unchanged.  Fail codes: 0xXY, X the
 * case.
 */
#include "s370test.h"

/* clang-format off */
	TEST_START

	/* ---- EDMK in 31-bit mode: bit 0 of GR1 stays (1x) ---- */
	SET	.Lpat, .Kpattern, 13
	l	%r1,.Kbit0-BASE(%r12)
	edmk	.Lpat-BASE(13,%r12),.Ksrc_minus-BASE(%r12)
	CC	1, 0x10
	SAME	.Lpat, .Red_minus, 13, 0x11
	la	%r2,.Lpat+2-BASE(%r12)
	o	%r2,.Kbit0-BASE(%r12)
	cr	%r1,%r2
	la	%r15,0x12
	bc	7,.Lfail-BASE(%r12)
	SET	.Lpat, .Kpattern, 13
	l	%r1,.Kones-BASE(%r12)
	edmk	.Lpat-BASE(13,%r12),.Ksrc_small-BASE(%r12)
	CC	2, 0x13
	REG	%r1, .Kones, 0x14	/* significance came from the starter: no mark */

	/* ---- decimal overflow with the mask on (2x) ---- */
	l	%r1,.Kdecmask-BASE(%r12)
	spm	%r1
	SET	.Lw, .K999D, 2
	CATCH	.Lr20
.Lx20:	sp	.Lw-BASE(2,%r12),.K1C-BASE(1,%r12)
	NOT_CAUGHT 0x20
.Lr20:	CAUGHT	0x000a, 6, .Lx20+6, 0x21
	SAME	.Lw, .R000D, 2, 0x24			/* -1000 leaves a minus zero */
	tm	PSA_PGM_OLD+2(%r0),0x30
	la	%r15,0x25
	bc	14,.Lfail-BASE(%r12)
	/* The same with the mask off: no interruption. */
	SET	.Lw, .K999D, 2
	sp	.Lw-BASE(2,%r12),.K1C-BASE(1,%r12)
	CC	3, 0x26
	SAME	.Lw, .R000D, 2, 0x27

	/* ---- CVB beyond 32 bits (3x) ---- */
	sr	%r3,%r3
	CATCH	.Lr30
.Lx30:	cvb	%r3,.Kdec_big-BASE(%r12)
	NOT_CAUGHT 0x30
.Lr30:	CAUGHT	0x0009, 4, .Lx30+4, 0x31
	REG	%r3, .Kbig_low, 0x34			/* rightmost 32 bits loaded */

	/* ---- operand 2 beyond storage: nothing stored (4x) ---- */
	SET	.Lw, .K123C4, 4
	l	%r6,.Kfar-BASE(%r12)
	CATCH	.Lr40
.Lx40:	ap	.Lw-BASE(4,%r12),0(2,%r6)
	NOT_CAUGHT 0x40
.Lr40:	CAUGHT	0x0005, 6, .Lx40+6, 0x41
	SAME	.Lw, .K123C4, 4, 0x44
	CATCH	.Lr45
.Lx45:	mvo	.Lw-BASE(4,%r12),0(3,%r6)
	NOT_CAUGHT 0x45
.Lr45:	CAUGHT	0x0005, 6, .Lx45+6, 0x46
	SAME	.Lw, .K123C4, 4, 0x49
	SET	.Lpat, .Kpattern, 13
	CATCH	.Lr4a
.Lx4a:	ed	.Lpat-BASE(13,%r12),0(%r6)
	NOT_CAUGHT 0x4a
.Lr4a:	CAUGHT	0x0005, 6, .Lx4a+6, 0x4b
	SAME	.Lpat, .Kpattern, 13, 0x4e

	TEST_PASS

	CHECK_ROUTINES

	.align	8
.Kdecmask:	.long	0x04000000
.Kbit0:		.long	0x80000000
.Kones:		.long	0xffffffff
.Kfar:		.long	0x10000000		/* beyond the 64 MiB of -M s390 */
.Kbig_low:	.long	0xa4c67fff		/* 999999999999999 mod 2^32 */
.K123C4:	.long	0x0000123c
	.align	8
.Kdec_big:	.long	0x99999999, 0x9999999c
.K999D:		.byte	0x99, 0x9d
.R000D:		.byte	0x00, 0x0d
.K1C:		.byte	0x1c
.Kpattern:	.byte	0x40, 0x20, 0x20, 0x6b, 0x20, 0x21, 0x20, 0x4b, 0x20, 0x20, 0x40, 0xc3, 0xd9
.Red_minus:	.byte	0x40, 0x40, 0xf2, 0x6b, 0xf5, 0xf7, 0xf4, 0x4b, 0xf2, 0xf6, 0x40, 0xc3, 0xd9
.Ksrc_minus:	.byte	0x02, 0x57, 0x42, 0x6d
.Ksrc_small:	.byte	0x00, 0x00, 0x00, 0x1c
	.align	8
.Lw:		.fill	16, 1, 0
.Lpat:		.fill	16, 1, 0
	TEST_ROUTINES
/* clang-format on */
