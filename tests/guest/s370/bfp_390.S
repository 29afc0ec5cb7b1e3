/*
 * Binary floating point (PoO-390 §19) and the floating-point-support
 * instructions on -M s390: the AFP-register control (data exceptions with
 * DXC 1 and 2 while it is off), arithmetic in the three formats, compare,
 * conversions with M3 rounding, multiply and add, the FPC flags, and the
 * IEEE traps (divide by zero suppressed, inexact and overflow completed
 * with the scaled result) with the DXC in the FPC and at location 147
 * (zeros at 144-146).
 * Fail codes: 0xXY, X the group.
 */
#include "s370test.h"

/* clang-format off */
	/* Fail with code unless FPR reg equals the doubleword at want. */
	.macro FPL reg, want, code
	std	\reg,.Lt-BASE(%r12)
	clc	.Lt-BASE(8,%r12),\want-BASE(%r12)
	la	%r15,\code
	bc	7,.Lfail-BASE(%r12)
	.endm

	.macro FPS reg, want, code
	ste	\reg,.Lt-BASE(%r12)
	clc	.Lt-BASE(4,%r12),\want-BASE(%r12)
	la	%r15,\code
	bc	7,.Lfail-BASE(%r12)
	.endm

	/* Fail with code unless the FPC equals the word at want. */
	.macro FPC want, code
	stfpc	.Lt-BASE(%r12)
	clc	.Lt-BASE(4,%r12),\want-BASE(%r12)
	la	%r15,\code
	bc	7,.Lfail-BASE(%r12)
	.endm

	TEST_START

	/* ---- AFP-register control off (1x) ---- */
	ld	%f0,.K1-BASE(%r12)
	CATCH	.Lr10
.Lx10:	adbr	%f0,%f0				/* a BFP instruction: DXC 2 */
	NOT_CAUGHT 0x10
.Lr10:	CAUGHT_144 0x0007, 4, .Lx10+4, 2, 0x11
	CATCH	.Lr14
.Lx14:	ldr	%f1,%f0				/* an additional FPR: DXC 1 */
	NOT_CAUGHT 0x15
.Lr14:	CAUGHT_144 0x0007, 2, .Lx14+2, 1, 0x16
	stctl	%c0,%c0,.Lt-BASE(%r12)
	oi	.Lt+1-BASE(%r12),0x04		/* CR0 bit 13 */
	lctl	%c0,%c0,.Lt-BASE(%r12)
	ldr	%f1,%f0
	FPL	%f1, .K1, 0x1a

	/* ---- arithmetic, long (2x) ---- */
	lfpc	.Kfpc0-BASE(%r12)
	ld	%f0,.K1-BASE(%r12)
	adb	%f0,.Khalf-BASE(%r12)
	CC	2, 0x20
	FPL	%f0, .K1_5, 0x21
	FPC	.Kfpc0, 0x22			/* exact: no flag */
	ld	%f2,.K1-BASE(%r12)
	ddb	%f2,.K3-BASE(%r12)
	FPL	%f2, .Kthird, 0x23
	FPC	.Kflag_x, 0x24			/* inexact flag */
	ld	%f4,.K2-BASE(%r12)
	sqdbr	%f4,%f4
	FPL	%f4, .Ksqrt2, 0x25
	ld	%f1,.K1-BASE(%r12)
	ld	%f3,.K2-BASE(%r12)
	ld	%f5,.K3-BASE(%r12)
	madbr	%f1,%f3,%f5			/* 2 * 3 + 1 */
	FPL	%f1, .K7, 0x26
	msdb	%f1,%f3,.K3-BASE(%r12)		/* 2 * 3 - 7 */
	FPL	%f1, .Km1, 0x27
	ld	%f0,.K1-BASE(%r12)
	sdbr	%f0,%f0
	CC	0, 0x28
	FPL	%f0, .Kzero, 0x29
	mdb	%f2,.K3-BASE(%r12)		/* (1/3) * 3 rounds to 1 */
	FPL	%f2, .K1, 0x2a

	/* ---- compare, test, sign (3x) ---- */
	ld	%f0,.K1-BASE(%r12)
	cdb	%f0,.K2-BASE(%r12)
	CC	1, 0x30
	kdb	%f0,.Khalf-BASE(%r12)
	CC	2, 0x31
	ld	%f2,.Kqnan-BASE(%r12)
	lfpc	.Kfpc0-BASE(%r12)
	cdbr	%f0,%f2				/* quiet compare: unordered, no flag */
	CC	3, 0x32
	FPC	.Kfpc0, 0x33
	kdbr	%f0,%f2				/* signaling: invalid flag */
	CC	3, 0x34
	FPC	.Kflag_i, 0x35
	lcdbr	%f4,%f0
	CC	1, 0x36
	FPL	%f4, .Km1, 0x37
	lpdbr	%f4,%f4
	CC	2, 0x38
	ltdbr	%f2,%f2
	CC	3, 0x39
	ld	%f0,.Kminf-BASE(%r12)
	tcdb	%f0,0x010			/* -infinity */
	CC	1, 0x3a
	tcdb	%f0,0x800			/* +0 */
	CC	0, 0x3b
	lzdr	%f0
	FPL	%f0, .Kzero, 0x3c

	/* ---- conversions (4x) ---- */
	ld	%f0,.Km2_5-BASE(%r12)
	cfdbr	%r1,5,%f0			/* toward zero */
	CC	1, 0x40
	REG	%r1, .Kim2, 0x41
	cfdbr	%r1,4,%f0			/* to nearest even */
	REG	%r1, .Kim2, 0x42
	cfdbr	%r1,1,%f0			/* biased: ties away */
	REG	%r1, .Kim3, 0x43
	l	%r1,.Kim7-BASE(%r12)
	cdfbr	%f0,%r1
	FPL	%f0, .Km7, 0x44
	cefbr	%f0,%r1
	FPS	%f0, .Km7s, 0x45
	ld	%f2,.Kthird-BASE(%r12)
	ledbr	%f2,%f2
	FPS	%f2, .Kthirds, 0x46
	ldebr	%f4,%f2
	FPL	%f4, .Kthirdsd, 0x47
	ld	%f0,.Kbig-BASE(%r12)
	lfpc	.Kfpc0-BASE(%r12)
	cfdbr	%r1,0,%f0			/* out of range: invalid, cc 3 */
	CC	3, 0x48
	REG	%r1, .Kimax, 0x49
	FPC	.Kflag_i, 0x4a
	ld	%f0,.K2_5-BASE(%r12)
	fidbr	%f0,4,%f0
	FPL	%f0, .K2, 0x4b

	/* ---- extended (5x) ---- */
	ld	%f0,.K1x-BASE(%r12)
	ld	%f2,.Kzero-BASE(%r12)
	axbr	%f0,%f0
	CC	2, 0x50
	FPL	%f0, .K2x, 0x51
	FPL	%f2, .Kzero, 0x52
	ld	%f4,.K3x-BASE(%r12)
	ld	%f6,.Kzero-BASE(%r12)
	dxbr	%f0,%f4				/* 2/3 */
	FPL	%f0, .Rtwothirds_hi, 0x53
	FPL	%f2, .Rtwothirds_lo, 0x54
	ldxbr	%f1,%f0
	FPL	%f1, .Rtwothirds_d, 0x55

	/* ---- short (9x) ---- */
	lfpc	.Kfpc0-BASE(%r12)
	ld	%f0,.Kones-BASE(%r12)
	le	%f0,.K1s-BASE(%r12)
	aeb	%f0,.Khalfs-BASE(%r12)
	CC	2, 0x90
	FPL	%f0, .R1_5s, 0x91			/* the right half is kept */
	meebr	%f0,%f0
	FPS	%f0, .R2_25s, 0x92
	deb	%f0,.K3s-BASE(%r12)
	FPS	%f0, .R0_75s, 0x93
	le	%f1,.K2s-BASE(%r12)
	le	%f3,.K3s-BASE(%r12)
	le	%f5,.K1s-BASE(%r12)
	maebr	%f5,%f1,%f3
	FPS	%f5, .K7s, 0x94
	ceb	%f5,.K7s-BASE(%r12)
	CC	0, 0x95
	sebr	%f5,%f3
	CC	2, 0x96
	FPS	%f5, .R4s, 0x97
	FPC	.Kfpc0, 0x98

	/* ---- FPC and traps (6x-8x) ---- */
	lfpc	.Kfpc0-BASE(%r12)
	ld	%f0,.K1-BASE(%r12)
	ddb	%f0,.Kzero-BASE(%r12)		/* masked off: infinity, flag */
	FPL	%f0, .Kinf, 0x60
	FPC	.Kflag_z, 0x61
	lfpc	.Kmask_z-BASE(%r12)
	ld	%f0,.K1-BASE(%r12)
	CATCH	.Lr62
.Lx62:	ddb	%f0,.Kzero-BASE(%r12)		/* trapped: suppressed */
	NOT_CAUGHT 0x62
.Lr62:	CAUGHT_144 0x0007, 6, .Lx62+6, 0x40, 0x63
	FPL	%f0, .K1, 0x67
	FPC	.Rfpc_z, 0x68			/* mask, DXC in byte 2, no flag */

	lfpc	.Kmask_x-BASE(%r12)
	ld	%f0,.K1-BASE(%r12)
	CATCH	.Lr70
.Lx70:	ddb	%f0,.K3-BASE(%r12)		/* inexact trapped: completed */
	NOT_CAUGHT 0x70
.Lr70:	CAUGHT_144 0x0007, 6, .Lx70+6, 0x08, 0x71
	FPL	%f0, .Kthird, 0x75

	lfpc	.Kmask_o-BASE(%r12)
	ld	%f0,.Kmax-BASE(%r12)
	CATCH	.Lr80
.Lx80:	adbr	%f0,%f0				/* overflow trapped: scaled by 2^-1536 */
	NOT_CAUGHT 0x80
.Lr80:	CAUGHT_144 0x0007, 4, .Lx80+4, 0x20, 0x81
	FPL	%f0, .Rscaled, 0x85

	srnm	1				/* toward zero */
	stfpc	.Lt-BASE(%r12)
	clc	.Lt+3-BASE(1,%r12),.Kone_byte-BASE(%r12)
	la	%r15,0x88
	bc	7,.Lfail-BASE(%r12)
	lfpc	.Kfpc0-BASE(%r12)
	l	%r1,.Kbadfpc-BASE(%r12)
	CATCH	.Lr89
.Lx89:	sfpc	%r1				/* reserved bits: specification */
	NOT_CAUGHT 0x89
.Lr89:	mvc	PSA_PGM_NEW(8,%r0),.Lnew_pgm-BASE(%r12)
	clc	PSA_PGM_CODE(2,%r0),.Kcode6-BASE(%r12)
	la	%r15,0x8a
	bc	7,.Lfail-BASE(%r12)
	efpc	%r2
	REG	%r2, .Kfpc0, 0x8b

	TEST_PASS

	CHECK_ROUTINES

	.align	8
.Kcode6:	.short	6
.Kone_byte:	.byte	1
	.align	4
.Kfpc0:		.long	0
.Kflag_x:	.long	0x00080000
.Kflag_i:	.long	0x00800000
.Kflag_z:	.long	0x00400000
.Kmask_z:	.long	0x40000000
.Rfpc_z:	.long	0x40004000
.Kmask_x:	.long	0x08000000
.Kmask_o:	.long	0x20000000
.Kbadfpc:	.long	0x00000004
.Kim2:		.long	-2
.Kim3:		.long	-3
.Kim7:		.long	-7
.Kimax:		.long	0x7fffffff
.Km7s:		.long	0xc0e00000
.Kthirds:	.long	0x3eaaaaab
.K1s:		.long	0x3f800000
.K2s:		.long	0x40000000
.K3s:		.long	0x40400000
.K7s:		.long	0x40e00000
.Khalfs:	.long	0x3f000000
.R2_25s:	.long	0x40100000
.R0_75s:	.long	0x3f400000
.R4s:		.long	0x40800000
	.align	8
.Lt:		.quad	0
.Kzero:		.quad	0
.Kones:		.quad	0xffffffffffffffff
.R1_5s:		.quad	0x3fc00000ffffffff
.K1:		.quad	0x3ff0000000000000
.Km1:		.quad	0xbff0000000000000
.K2:		.quad	0x4000000000000000
.K3:		.quad	0x4008000000000000
.K7:		.quad	0x401c000000000000
.Km7:		.quad	0xc01c000000000000
.Khalf:		.quad	0x3fe0000000000000
.K1_5:		.quad	0x3ff8000000000000
.K2_5:		.quad	0x4004000000000000
.Km2_5:		.quad	0xc004000000000000
.Kthird:	.quad	0x3fd5555555555555
.Kthirdsd:	.quad	0x3fd5555560000000
.Ksqrt2:	.quad	0x3ff6a09e667f3bcd
.Kqnan:		.quad	0x7ff8000000000000
.Kinf:		.quad	0x7ff0000000000000
.Kminf:		.quad	0xfff0000000000000
.Kmax:		.quad	0x7fefffffffffffff
.Rscaled:	.quad	0x1fffffffffffffff
.Kbig:		.quad	0x41f0000000000000	/* 2^32 */
.K1x:		.quad	0x3fff000000000000
.K2x:		.quad	0x4000000000000000
.K3x:		.quad	0x4000800000000000
.Rtwothirds_hi:	.quad	0x3ffe555555555555
.Rtwothirds_lo:	.quad	0x5555555555555555
.Rtwothirds_d:	.quad	0x3fe5555555555555

	TEST_ROUTINES
