/*
 * Hexadecimal floating point (PoO-370 §9) on -M s370: loads and stores,
 * sign changes and their condition codes, normalized and unnormalized
 * add and subtract with the guard digit, compare, multiply, divide, halve,
 * load rounded, the extended operations, and the program interruptions
 * (exponent overflow, exponent underflow and significance with the mask on
 * and off, floating-point divide, specification for a bad register) with
 * what each leaves in the result register.  Fail codes: 0xXY, X the group.
 */
#include "s370test.h"

/* clang-format off */
	/* Fail with code unless FPR reg (long) equals the doubleword at want. */
	.macro FPL reg, want, code
	std	\reg,.Lt-BASE(%r12)
	clc	.Lt-BASE(8,%r12),\want-BASE(%r12)
	la	%r15,\code
	bc	7,.Lfail-BASE(%r12)
	.endm

	/* The same for the short (left) half. */
	.macro FPS reg, want, code
	ste	\reg,.Lt-BASE(%r12)
	clc	.Lt-BASE(4,%r12),\want-BASE(%r12)
	la	%r15,\code
	bc	7,.Lfail-BASE(%r12)
	.endm

	TEST_START

	/* ---- loads, stores, sign changes (1x) ---- */
	ld	%f0,.Kones-BASE(%r12)
	le	%f0,.K1-BASE(%r12)		/* a short load keeps the right half */
	FPL	%f0, .R1ones, 0x10
	ld	%f2,.Kzero-BASE(%r12)
	ler	%f2,%f0
	FPL	%f2, .R1zero, 0x11
	ldr	%f4,%f0
	FPL	%f4, .R1ones, 0x12
	lcer	%f2,%f0
	CC	1, 0x13
	FPS	%f2, .Km1, 0x14
	lper	%f6,%f2
	CC	2, 0x15
	FPS	%f6, .K1, 0x16
	lner	%f6,%f6
	CC	1, 0x17
	lcdr	%f6,%f4
	CC	1, 0x18
	lcer	%f6,%f0
	ltdr	%f6,%f6
	CC	1, 0x19
	le	%f6,.Kz42-BASE(%r12)		/* 42000000: zero fraction */
	lner	%f6,%f6			/* the sign of a zero fraction changes too */
	CC	0, 0x1a
	FPS	%f6, .Kmz42, 0x1b
	lter	%f6,%f6
	CC	0, 0x1c

	/* ---- add, subtract, compare (2x) ---- */
	le	%f0,.K1-BASE(%r12)
	ae	%f0,.Khalf-BASE(%r12)
	CC	2, 0x20
	FPS	%f0, .K1_5, 0x21
	le	%f0,.K1-BASE(%r12)
	se	%f0,.Knear1-BASE(%r12)		/* 1 - (1 - 16^-6): guard digit */
	CC	2, 0x22
	FPS	%f0, .K16m6, 0x23
	le	%f0,.K1-BASE(%r12)
	su	%f0,.Knear1-BASE(%r12)		/* unnormalized: truncated to 0 */
	CC	0, 0x24
	FPS	%f0, .Kzero, 0x25
	ld	%f0,.K1d-BASE(%r12)
	sd	%f0,.Knear1d-BASE(%r12)
	FPL	%f0, .R16m14, 0x26
	ld	%f2,.Kun1d-BASE(%r12)
	awr	%f2,%f2				/* unnormalized stays so */
	CC	2, 0x27
	FPL	%f2, .Run2d, 0x28
	le	%f0,.K1-BASE(%r12)
	ce	%f0,.Kun1-BASE(%r12)		/* 1 = unnormalized 1 */
	CC	0, 0x29
	ce	%f0,.Khalf-BASE(%r12)
	CC	2, 0x2a
	le	%f2,.Km1-BASE(%r12)
	cer	%f2,%f0
	CC	1, 0x2b
	ld	%f2,.K1d-BASE(%r12)
	cd	%f2,.Knear1d-BASE(%r12)
	CC	2, 0x2c

	/* ---- multiply, divide, halve, load rounded (3x) ---- */
	ld	%f0,.Kones-BASE(%r12)
	le	%f0,.K2-BASE(%r12)
	me	%f0,.K3-BASE(%r12)		/* long product of short operands */
	FPL	%f0, .R6d, 0x30
	ld	%f0,.Kthird-BASE(%r12)
	md	%f0,.K3d-BASE(%r12)		/* truncated */
	FPL	%f0, .Rnear1d, 0x31
	le	%f0,.K1-BASE(%r12)
	de	%f0,.K3-BASE(%r12)
	FPS	%f0, .Rthird, 0x32
	ld	%f0,.K1d-BASE(%r12)
	dd	%f0,.K3d-BASE(%r12)
	FPL	%f0, .Kthird, 0x33
	le	%f2,.Khalve-BASE(%r12)
	her	%f0,%f2
	FPS	%f0, .Rhalve, 0x34
	ld	%f2,.Kround-BASE(%r12)
	lrer	%f0,%f2
	FPS	%f0, .Rround, 0x35
	ld	%f4,.K1d-BASE(%r12)
	ld	%f6,.Kround_lo-BASE(%r12)
	lrdr	%f0,%f4
	FPL	%f0, .Rround_d, 0x36
	ld	%f2,.K1d-BASE(%r12)
	hdr	%f2,%f2
	FPL	%f2, .Rhalf_d, 0x37

	/* ---- extended (4x) ---- */
	ld	%f0,.K1d-BASE(%r12)
	ld	%f2,.K1lo-BASE(%r12)
	ld	%f4,.Ktiny_hi-BASE(%r12)
	ld	%f6,.Ktiny_lo-BASE(%r12)
	axr	%f0,%f4				/* 1 + 16^-20 */
	CC	2, 0x40
	FPL	%f0, .K1d, 0x41
	FPL	%f2, .Rsum_lo, 0x42
	ld	%f0,.Kthird-BASE(%r12)
	mxd	%f0,.K3d-BASE(%r12)		/* exact */
	FPL	%f0, .Rnear1d, 0x43
	FPL	%f2, .Rnear1_lo, 0x44
	ld	%f4,.K3d-BASE(%r12)
	ld	%f6,.K3lo-BASE(%r12)
	ld	%f2,.Kthird_lo-BASE(%r12)
	ld	%f0,.Kthird-BASE(%r12)
	mxr	%f0,%f4				/* 1/3 * 3, 28 digits */
	FPL	%f0, .Rnear1d, 0x45
	FPL	%f2, .Rnear1x_lo, 0x46
	sxr	%f4,%f4
	CC	0, 0x47
	FPL	%f4, .Kzero, 0x48
	FPL	%f6, .Kzero, 0x49

	/* ---- interruptions (5x-9x) ---- */
	le	%f0,.Kbig-BASE(%r12)
	CATCH	.Lr50
.Lx50:	aer	%f0,%f0				/* exponent overflow: completed */
	NOT_CAUGHT 0x50
.Lr50:	CAUGHT_CC	0x000c, 2, .Lx50+2, 2, 0x51
	FPS	%f0, .Rbig, 0x55

	le	%f0,.Ktiny-BASE(%r12)
	se	%f0,.Ktiny_half-BASE(%r12)	/* underflow, mask off: true zero */
	CC	0, 0x60
	FPS	%f0, .Kzero, 0x61
	le	%f0,.Ktiny-BASE(%r12)
	l	%r1,.Kmask_eu-BASE(%r12)
	spm	%r1
	CATCH	.Lr62
.Lx62:	se	%f0,.Ktiny_half-BASE(%r12)	/* mask on: 128 added */
	NOT_CAUGHT 0x62
.Lr62:	CAUGHT_CC	0x000d, 4, .Lx62+4, 2, 0x63
	FPS	%f0, .Rwrapped, 0x67

	le	%f0,.K1-BASE(%r12)
	ser	%f0,%f0				/* significance, mask off */
	CC	0, 0x70
	FPS	%f0, .Kzero, 0x71
	le	%f0,.K1-BASE(%r12)
	l	%r1,.Kmask_sg-BASE(%r12)
	spm	%r1
	CATCH	.Lr72
.Lx72:	ser	%f0,%f0				/* mask on: the characteristic stays */
	NOT_CAUGHT 0x72
.Lr72:	CAUGHT_CC	0x000e, 2, .Lx72+2, 0, 0x73
	FPS	%f0, .Kz41, 0x77

	le	%f0,.K1-BASE(%r12)
	CATCH	.Lr80
.Lx80:	de	%f0,.Kz42-BASE(%r12)		/* zero divisor: suppressed */
	NOT_CAUGHT 0x80
.Lr80:	CAUGHT_CC	0x000f, 4, .Lx80+4, 0, 0x81
	FPS	%f0, .K1, 0x85

	CATCH	.Lr90
.Lx90:	ler	%f1,%f0				/* only FPRs 0, 2, 4, 6 */
	NOT_CAUGHT 0x90
.Lr90:	CAUGHT_CC	0x0006, 2, .Lx90+2, 0, 0x91
	CATCH	.Lr95
.Lx95:	.insn	rr,0x3600,%f2,%f0		/* AXR: extended only in 0 and 4 */
	NOT_CAUGHT 0x95
.Lr95:	CAUGHT_CC	0x0006, 2, .Lx95+2, 0, 0x96

	TEST_PASS

	CHECK_ROUTINES

	.align	8
.Kmask_eu:	.long	0x02000000		/* SPM: exponent-underflow mask */
.Kmask_sg:	.long	0x01000000		/* SPM: significance mask */
	.align	8
.Lt:		.quad	0
.Kones:		.quad	0xffffffffffffffff
.Kzero:		.quad	0
.K1:		.long	0x41100000
.Km1:		.long	0xc1100000
.K2:		.long	0x41200000
.K3:		.long	0x41300000
.Khalf:		.long	0x40800000
.K1_5:		.long	0x41180000
.Knear1:	.long	0x40ffffff
.K16m6:		.long	0x3b100000
.Kun1:		.long	0x42010000
.Kz41:		.long	0x41000000
.Kz42:		.long	0x42000000
.Kmz42:		.long	0xc2000000
.Rthird:	.long	0x40555555
.Khalve:	.long	0x41100001
.Rhalve:	.long	0x40800008
.Rround:	.long	0x41100001
.Kbig:		.long	0x7fffffff
.Rbig:		.long	0x001fffff
.Ktiny:		.long	0x00100000
.Ktiny_half:	.long	0x00080000
.Rwrapped:	.long	0x7f800000
	.align	8
.R1ones:	.quad	0x41100000ffffffff
.R1zero:	.quad	0x4110000000000000
.K1d:		.quad	0x4110000000000000
.K3d:		.quad	0x4130000000000000
.Knear1d:	.quad	0x40ffffffffffffff
.Rnear1d:	.quad	0x40ffffffffffffff
.R16m14:	.quad	0x3310000000000000
.Kun1d:		.quad	0x4201000000000000
.Run2d:		.quad	0x4202000000000000
.R6d:		.quad	0x4160000000000000
.Kthird:	.quad	0x4055555555555555
.Kround:	.quad	0x4110000080000000
.Kround_lo:	.quad	0x3280000000000000
.Rround_d:	.quad	0x4110000000000001
.Rhalf_d:	.quad	0x4080000000000000
.K1lo:		.quad	0x3300000000000000
.K3lo:		.quad	0x3300000000000000
.Ktiny_hi:	.quad	0x2d10000000000000
.Ktiny_lo:	.quad	0x1f00000000000000
.Rsum_lo:	.quad	0x3300000010000000
.Rnear1_lo:	.quad	0x3200000000000000
.Kthird_lo:	.quad	0x3255555555555555
.Rnear1x_lo:	.quad	0x32ffffffffffffff

	TEST_ROUTINES
