/*
 * The decimal instructions (PoO-370 §8) and CVB/CVD (§7) on -M s370:
 * results, condition codes, overlapping operands, and the program
 * interruptions (data, decimal overflow with the mask on and off, decimal
 * divide, specification, fixed-point divide, protection) with what was
 * or was not stored.  Fail codes: 0xXY, X the instruction group.
 */
#include "s370test.h"

/* clang-format off */
	TEST_START

	/* ---- AP, SP (1x) ---- */
	SET	.Lw, .K123C4, 4
	ap	.Lw-BASE(4,%r12),.K045C-BASE(2,%r12)
	CC	2, 0x10
	SAME	.Lw, .R168C, 4, 0x11
	SET	.Lw, .K500C, 3
	ap	.Lw-BASE(3,%r12),.Lw-BASE(3,%r12)	/* a number added to itself */
	CC	2, 0x12
	SAME	.Lw, .R1000C, 3, 0x13
	sp	.Lw-BASE(3,%r12),.Lw-BASE(3,%r12)	/* and subtracted: +0 */
	CC	0, 0x14
	SAME	.Lw, .R0C3, 3, 0x15
	SET	.Lw, .K123C, 2
	sp	.Lw-BASE(2,%r12),.K200C-BASE(2,%r12)
	CC	1, 0x16
	SAME	.Lw, .R077D, 2, 0x17
	/* Overflow with the mask off (the IPL PSW's): stored, CC 3, and a
	 * lost-digits zero keeps the minus sign. */
	SET	.Lw, .K999D, 2
	ap	.Lw-BASE(2,%r12),.K1D-BASE(1,%r12)
	CC	3, 0x18
	SAME	.Lw, .R000D, 2, 0x19

	/* ---- decimal overflow with the mask on (2x) ---- */
	l	%r1,.Kdecmask-BASE(%r12)
	spm	%r1
	SET	.Lw, .K999C, 2
	CATCH	.Lr20
.Lx20:	ap	.Lw-BASE(2,%r12),.K1C-BASE(1,%r12)
	NOT_CAUGHT 0x20
.Lr20:	CAUGHT	0x000a, 6, .Lx20+6, 0x21
	SAME	.Lw, .R000C, 2, 0x24		/* the result is stored */
	tm	PSA_PGM_OLD+2(%r0),0x30		/* and CC 3 is in the old PSW */
	la	%r15,0x25
	bc	14,.Lfail-BASE(%r12)

	/* ---- ZAP (3x) ---- */
	SET	.Lw, .Kff, 4
	zap	.Lw-BASE(4,%r12),.K123F-BASE(2,%r12)	/* operand 1 not examined */
	CC	2, 0x30
	SAME	.Lw, .K123C4, 4, 0x31
	zap	.Lw-BASE(4,%r12),.K0D-BASE(1,%r12)
	CC	0, 0x32
	SAME	.Lw, .R0C4, 4, 0x33
	SET	.Lw, .K12345C7, 4
	zap	.Lw-BASE(4,%r12),.Lw-BASE(3,%r12)	/* result ends to the right */
	CC	2, 0x34
	SAME	.Lw, .K12345C, 4, 0x35
	zap	.Lw-BASE(2,%r12),.K12345D+1-BASE(3,%r12)
	CC	3, 0x36
	SAME	.Lw, .R345D, 2, 0x37

	/* ---- CP (4x) ---- */
	cp	.K123C-BASE(2,%r12),.K123F-BASE(2,%r12)
	CC	0, 0x40
	cp	.K999D-BASE(2,%r12),.K1C-BASE(1,%r12)
	CC	1, 0x41
	cp	.K0D-BASE(1,%r12),.R0C3-BASE(3,%r12)	/* -0 = +0 */
	CC	0, 0x42
	cp	.K999D-BASE(2,%r12),.K1D-BASE(1,%r12)
	CC	1, 0x43
	cp	.K200C-BASE(2,%r12),.K045C-BASE(2,%r12)
	CC	2, 0x44

	/* ---- MP, DP (5x) ---- */
	SET	.Lw, .K123C4, 4
	mp	.Lw-BASE(4,%r12),.K045D-BASE(2,%r12)
	SAME	.Lw, .R5535D, 4, 0x50
	CATCH	.Lr51					/* L2 = L1: specification */
.Lx51:	mp	.Lw-BASE(4,%r12),.Lw-BASE(4,%r12)
	NOT_CAUGHT 0x51
.Lr51:	CAUGHT	0x0006, 6, .Lx51+6, 0x52
	SAME	.Lw, .R5535D, 4, 0x55
	SET	.Lw, .K1234C, 4				/* too few leading zeros */
	CATCH	.Lr56
.Lx56:	mp	.Lw-BASE(4,%r12),.K045C-BASE(2,%r12)
	NOT_CAUGHT 0x56
.Lr56:	CAUGHT	0x0007, 6, .Lx56+6, 0x57
	SAME	.Lw, .K1234C, 4, 0x5a
	SET	.Lw, .K123C4, 4
	dp	.Lw-BASE(4,%r12),.K005C-BASE(2,%r12)
	SAME	.Lw, .R024C, 4, 0x5b
	SET	.Lw, .K123C4, 4
	CATCH	.Lr5c					/* divide by -0 */
.Lx5c:	dp	.Lw-BASE(4,%r12),.K0D-BASE(1,%r12)
	NOT_CAUGHT 0x5c
.Lr5c:	CAUGHT	0x000b, 6, .Lx5c+6, 0x5d
	SAME	.Lw, .K123C4, 4, 0x60
	SET	.Lw, .K5000C, 4				/* quotient too large */
	CATCH	.Lr61
.Lx61:	dp	.Lw-BASE(4,%r12),.K005C-BASE(2,%r12)
	NOT_CAUGHT 0x61
.Lr61:	CAUGHT	0x000b, 6, .Lx61+6, 0x62
	SAME	.Lw, .K5000C, 4, 0x65

	/* ---- data exceptions (6x) ---- */
	SET	.Lw, .K123C4, 4
	CATCH	.Lr66					/* invalid sign */
.Lx66:	ap	.Lw-BASE(4,%r12),.Kbad-BASE(2,%r12)
	NOT_CAUGHT 0x66
.Lr66:	CAUGHT	0x0007, 6, .Lx66+6, 0x67
	SAME	.Lw, .K123C4, 4, 0x6a
	SET	.Lw, .K12345C, 4			/* ZAP operand 2 ending right */
	CATCH	.Lr6b
.Lx6b:	zap	.Lw-BASE(2,%r12),.Lw+1-BASE(3,%r12)
	NOT_CAUGHT 0x6b
.Lr6b:	CAUGHT	0x0007, 6, .Lx6b+6, 0x6c
	SAME	.Lw, .K12345C, 4, 0x6f

	/* ---- SRP (7x) ---- */
	SET	.Lw, .K12345C, 4
	srp	.Lw-BASE(4,%r12),2,0
	CC	2, 0x70
	SAME	.Lw, .R1234500C, 4, 0x71
	SET	.Lw, .K12345D, 4
	la	%r3,63					/* shift from a register: right 1 */
	srp	.Lw-BASE(4,%r12),0(%r3),5
	CC	1, 0x72
	SAME	.Lw, .R1235D, 4, 0x73
	SET	.Lw, .K4D, 4
	srp	.Lw-BASE(4,%r12),63,5			/* rounds to +0 */
	CC	0, 0x74
	SAME	.Lw, .R0C4, 4, 0x75
	SET	.Lw, .K12345C, 4
	srp	.Lw-BASE(4,%r12),3,0			/* overflow, mask off */
	CC	3, 0x76
	SAME	.Lw, .R2345000C, 4, 0x77
	CATCH	.Lr78					/* rounding digit 10 */
.Lx78:	srp	.Lw-BASE(4,%r12),0,10
	NOT_CAUGHT 0x78
.Lr78:	CAUGHT	0x0007, 6, .Lx78+6, 0x79
	SAME	.Lw, .R2345000C, 4, 0x7c

	/* ---- PACK, UNPK, MVO (8x) ---- */
	pack	.Lw-BASE(4,%r12),.Kzoned-BASE(5,%r12)
	SAME	.Lw, .K12345C, 4, 0x80
	SET	.Lw, .Kzoned, 5
	pack	.Lw-BASE(5,%r12),.Lw-BASE(5,%r12)	/* in place */
	SAME	.Lw, .Rpacked5, 5, 0x81
	unpk	.Lw-BASE(5,%r12),.K12345C+1-BASE(3,%r12)
	SAME	.Lw, .Kzoned, 5, 0x82
	SET	.Lw, .K7788990C, 4
	mvo	.Lw-BASE(4,%r12),.K123456-BASE(3,%r12)
	SAME	.Lw, .R123456C, 4, 0x83
	SET	.Lw, .K123456, 3
	mvo	.Lw-BASE(3,%r12),.Lw-BASE(2,%r12)	/* right one digit in place */
	SAME	.Lw, .R12346, 3, 0x84

	/* ---- CVB, CVD (9x) ---- */
	cvb	%r2,.Kcvb123D-BASE(%r12)
	REG	%r2, .Kminus123, 0x90
	l	%r2,.Kint_min-BASE(%r12)
	cvd	%r2,.Lw-BASE(%r12)
	SAME	.Lw, .Kdec_min, 8, 0x91
	cvb	%r3,.Kdec_min-BASE(%r12)
	REG	%r3, .Kint_min, 0x92
	sr	%r3,%r3
	CATCH	.Lr93					/* 2^31: too large */
.Lx93:	cvb	%r3,.Kdec_2g-BASE(%r12)
	NOT_CAUGHT 0x93
.Lr93:	CAUGHT	0x0009, 4, .Lx93+4, 0x94
	REG	%r3, .Kint_min, 0x97			/* still loaded */
	CATCH	.Lr98					/* invalid sign */
.Lx98:	cvb	%r3,.Kcvbbad-BASE(%r12)
	NOT_CAUGHT 0x98
.Lr98:	CAUGHT	0x0007, 4, .Lx98+4, 0x99
	REG	%r3, .Kint_min, 0x9c			/* not loaded */

	/* ---- ED, EDMK (Ax) ---- */
	SET	.Lpat, .Kpattern, 13
	ed	.Lpat-BASE(13,%r12),.Ksrc_plus-BASE(%r12)
	CC	2, 0xa0
	SAME	.Lpat, .Red_plus, 13, 0xa1
	SET	.Lpat, .Kpattern, 13
	l	%r1,.Kr1_high-BASE(%r12)
	edmk	.Lpat-BASE(13,%r12),.Ksrc_minus-BASE(%r12)
	CC	1, 0xa2
	SAME	.Lpat, .Red_minus, 13, 0xa3
	la	%r2,.Lpat+2-BASE(%r12)			/* the first significant digit */
	o	%r2,.Kr1_high-BASE(%r12)		/* bits 0-7 of GR1 stay */
	cr	%r1,%r2
	la	%r15,0xa4
	bc	7,.Lfail-BASE(%r12)
	SET	.Lpat, .Kpattern, 13
	l	%r1,.Kr1_high-BASE(%r12)
	edmk	.Lpat-BASE(13,%r12),.Ksrc_zero-BASE(%r12)
	CC	0, 0xa5
	REG	%r1, .Kr1_high, 0xa6			/* nothing to mark */
	SET	.Lpat, .Kpattern, 13
	CATCH	.Lra7					/* invalid digit */
.Lxa7:	ed	.Lpat-BASE(13,%r12),.Ksrc_bad-BASE(%r12)
	NOT_CAUGHT 0xa7
.Lra7:	CAUGHT	0x0007, 6, .Lxa7+6, 0xa8
	SAME	.Lpat, .Kpattern, 13, 0xab

	/* ---- protection on operand 2: operand 1 unchanged (Bx) ---- */
	l	%r5,.Kblock1-BASE(%r12)
	l	%r6,.Kblock2-BASE(%r12)
	mvc	0(4,%r5),.K123C4-BASE(%r12)
	mvc	0(2,%r6),.K045C-BASE(%r12)
	la	%r7,0x50
	.insn	rr,0x0800,%r7,%r5			/* SSK: key 5 */
	la	%r7,0x38
	.insn	rr,0x0800,%r7,%r6			/* SSK: key 3, fetch-protected */
	CATCH	.Lrb0
	spka	0x50					/* run with key 5 */
.Lxb0:	ap	0(4,%r5),0(2,%r6)
	NOT_CAUGHT 0xb0
.Lrb0:	CAUGHT	0x0004, 6, .Lxb0+6, 0xb1		/* back in key 0 */
	clc	0(4,%r5),.K123C4-BASE(%r12)
	la	%r15,0xb4
	bc	7,.Lfail-BASE(%r12)
	sr	%r7,%r7
	.insn	rr,0x0800,%r7,%r5
	.insn	rr,0x0800,%r7,%r6

	TEST_PASS

	CHECK_ROUTINES

	.align	8
.Kdecmask:	.long	0x04000000		/* SPM: decimal-overflow mask */
.Kblock1:	.long	0x10000
.Kblock2:	.long	0x10800
.Kminus123:	.long	-123
.Kint_min:	.long	0x80000000
.Kr1_high:	.long	0xab000000
.Kff:		.long	0xffffffff
.K123C4:	.long	0x0000123c
.R168C:		.long	0x0000168c
.R5535D:	.long	0x0005535d
.K1234C:	.long	0x0001234c
.R024C:		.long	0x024c003c
.K5000C:	.long	0x0005000c
.K12345C:	.long	0x0012345c
.K12345C7:	.long	0x12345c77
.K12345D:	.long	0x0012345d
.R1234500C:	.long	0x1234500c
.R1235D:	.long	0x0001235d
.K4D:		.long	0x0000004d
.R0C4:		.long	0x0000000c
.R2345000C:	.long	0x2345000c
.K7788990C:	.long	0x7788990c
.R123456C:	.long	0x0123456c
	.align	8
.Kcvb123D:	.long	0, 0x0000123d
.Kdec_min:	.long	0x00000214, 0x7483648d
.Kdec_2g:	.long	0x00000214, 0x7483648c
.Kcvbbad:	.long	0x00000000, 0x00000123
.K500C:		.byte	0x00, 0x50, 0x0c
.R1000C:	.byte	0x01, 0x00, 0x0c
.R0C3:		.byte	0x00, 0x00, 0x0c
.K123C:		.byte	0x12, 0x3c
.K123F:		.byte	0x12, 0x3f
.K200C:		.byte	0x20, 0x0c
.R077D:		.byte	0x07, 0x7d
.K999C:		.byte	0x99, 0x9c
.K999D:		.byte	0x99, 0x9d
.R000C:		.byte	0x00, 0x0c
.R000D:		.byte	0x00, 0x0d
.R345D:		.byte	0x34, 0x5d
.K045C:		.byte	0x04, 0x5c
.K045D:		.byte	0x04, 0x5d
.K005C:		.byte	0x00, 0x5c
.Kbad:		.byte	0x12, 0x34
.K1C:		.byte	0x1c
.K1D:		.byte	0x1d
.K0D:		.byte	0x0d
.Kzoned:	.byte	0xf1, 0xf2, 0xf3, 0xf4, 0xc5
.Rpacked5:	.byte	0x00, 0x00, 0x12, 0x34, 0x5c
.K123456:	.byte	0x12, 0x34, 0x56
.R12346:	.byte	0x01, 0x23, 0x46
/* The PoO's example pattern " dd,dsd.dd CR" with a blank fill. */
.Kpattern:	.byte	0x40, 0x20, 0x20, 0x6b, 0x20, 0x21, 0x20, 0x4b, 0x20, 0x20, 0x40, 0xc3, 0xd9
.Red_plus:	.byte	0x40, 0x40, 0xf2, 0x6b, 0xf5, 0xf7, 0xf4, 0x4b, 0xf2, 0xf6, 0x40, 0x40, 0x40
.Red_minus:	.byte	0x40, 0x40, 0xf2, 0x6b, 0xf5, 0xf7, 0xf4, 0x4b, 0xf2, 0xf6, 0x40, 0xc3, 0xd9
.Ksrc_plus:	.byte	0x02, 0x57, 0x42, 0x6c
.Ksrc_minus:	.byte	0x02, 0x57, 0x42, 0x6d
.Ksrc_zero:	.byte	0x00, 0x00, 0x00, 0x0c
.Ksrc_bad:	.byte	0x02, 0xa7, 0x42, 0x6c
	.align	8
.Lw:		.fill	16, 1, 0
.Lpat:		.fill	16, 1, 0
	TEST_ROUTINES
/* clang-format on */
