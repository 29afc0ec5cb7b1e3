/*
 * Decimal operands that the helpers cannot work on in place, so they go
 * through a copy: operands crossing a page boundary (1x-3x), and the
 * bytes 512-2047 of the low-address-protected page 0, which are granted
 * one store at a time (4x).  Then access exceptions on the second page of
 * a crossing operand, which must leave storage unchanged and come before
 * the data exception (PoO-370 §8 "Decimal Instructions", 5x-6x).  Every
 * result is what decimal.S checks for operands within a page.  Fail
 * codes: 0xXY, X the part.
 */
#include "s370test.h"

	/* Operand 0(len) at the address in reg equals want; else fail. */
	.macro AT reg, want, len, code
	clc	0(\len,\reg),\want-BASE(%r12)
	la	%r15,\code
	bc	7,.Lfail-BASE(%r12)
	.endm
	.macro PUT reg, src, len
	mvc	0(\len,\reg),\src-BASE(%r12)
	.endm

/* clang-format off */
	TEST_START
	l	%r5,.Kx-BASE(%r12)		/* 8 bytes across 021000 */
	l	%r6,.Ky-BASE(%r12)		/* 5 bytes across 022000 */

	/* ---- every instruction on crossing operands (1x, 2x) ---- */
	PUT	%r5, .Kff8, 8
	zap	0(8,%r5),.K123456C-BASE(4,%r12)	/* operand 1 not examined */
	CC	2, 0x10
	AT	%r5, .R123456C, 8, 0x11
	mp	0(8,%r5),.K3C-BASE(2,%r12)
	AT	%r5, .R370368C, 8, 0x12
	PUT	%r6, .Kminus10000, 5
	ap	0(8,%r5),0(5,%r6)
	CC	2, 0x13
	AT	%r5, .R360368C, 8, 0x14
	sp	0(8,%r5),0(5,%r6)
	CC	2, 0x15
	AT	%r5, .R370368C, 8, 0x16
	cp	0(8,%r5),0(5,%r6)
	CC	2, 0x17
	cp	0(5,%r6),0(8,%r5)
	CC	1, 0x18
	AT	%r6, .Kminus10000, 5, 0x19	/* operand 2 unchanged */
	dp	0(8,%r5),.K7D-BASE(2,%r12)	/* 370368 / -7 */
	AT	%r5, .Rdp, 8, 0x1a
	PUT	%r5, .R370368C, 8
	srp	0(8,%r5),3,0
	CC	2, 0x1b
	AT	%r5, .R370368000C, 8, 0x1c
	srp	0(8,%r5),64-4,5
	CC	2, 0x1d
	AT	%r5, .R37037C, 8, 0x1e
	l	%r2,.Kminus1234567-BASE(%r12)
	cvd	%r2,0(%r5)
	AT	%r5, .R1234567D, 8, 0x20
	sr	%r3,%r3
	cvb	%r3,0(%r5)
	cr	%r2,%r3
	la	%r15,0x21
	bc	7,.Lfail-BASE(%r12)
	ap	0(8,%r5),0(8,%r5)		/* the same crossing field twice */
	CC	1, 0x22
	AT	%r5, .R2469134D, 8, 0x23
	PUT	%r5, .K9s, 8			/* overflow, mask off */
	ap	0(8,%r5),.K1C-BASE(1,%r12)
	CC	3, 0x24
	AT	%r5, .R0C8, 8, 0x25

	/* ---- data exception on a crossing operand: nothing stored (3x) ---- */
	PUT	%r5, .R123456C, 8
	PUT	%r6, .Kbad5, 5
	CATCH	.Lr30
.Lx30:	ap	0(8,%r5),0(5,%r6)
	NOT_CAUGHT 0x30
.Lr30:	CAUGHT	0x0007, 6, .Lx30+6, 0x31
	AT	%r5, .R123456C, 8, 0x34

	/* ---- page 0 under low-address protection: bytes 512 on (4x) ---- */
	stctl	%c0,%c0,.Lcr0_save-BASE(%r12)
	l	%r1,.Lcr0_save-BASE(%r12)
	o	%r1,.Kcr0_lap-BASE(%r12)
	st	%r1,.Lcr0_lap-BASE(%r12)
	la	%r7,0x300
	PUT	%r7, .Kff8, 8
	lctl	%c0,%c0,.Lcr0_lap-BASE(%r12)
	zap	0(8,%r7),.K123456C-BASE(4,%r12)
	CC	2, 0x40
	mp	0(8,%r7),.K3C-BASE(2,%r12)
	ap	0(8,%r7),.Kminus10000-BASE(5,%r12)
	CC	2, 0x41
	srp	0(8,%r7),3,0
	CC	2, 0x42
	lctl	%c0,%c0,.Lcr0_save-BASE(%r12)
	AT	%r7, .R360368000C, 8, 0x43
	lctl	%c0,%c0,.Lcr0_lap-BASE(%r12)
	cvd	%r2,0(%r7)
	lctl	%c0,%c0,.Lcr0_save-BASE(%r12)
	AT	%r7, .R1234567D, 8, 0x44
	/* A field reaching into bytes 0-511 is not stored at all. */
	la	%r7,0x1fc
	PUT	%r7, .R123456C, 8
	CATCH	.Lr48
	lctl	%c0,%c0,.Lcr0_lap-BASE(%r12)
.Lx48:	ap	0(8,%r7),.K1C-BASE(1,%r12)
	NOT_CAUGHT 0x48
.Lr48:	lctl	%c0,%c0,.Lcr0_save-BASE(%r12)
	CAUGHT	0x0004, 6, .Lx48+6, 0x49
	AT	%r7, .R123456C, 8, 0x4c

	/* ---- protection on the second page of a crossing operand (5x) ---- */
	l	%r8,.Kblock1-BASE(%r12)
	l	%r9,.Kblock2-BASE(%r12)
	la	%r7,0x50
	.insn	rr,0x0800,%r7,%r8		/* SSK: key 5 */
	la	%r7,0x38
	.insn	rr,0x0800,%r7,%r9		/* SSK: key 3, fetch-protected */
	PUT	%r5, .R123456C, 8
	CATCH	.Lr50
	spka	0x50
.Lx50:	ap	0(8,%r5),.K1C-BASE(1,%r12)	/* store into key 3 */
	NOT_CAUGHT 0x50
.Lr50:	CAUGHT	0x0004, 6, .Lx50+6, 0x51
	AT	%r5, .R123456C, 8, 0x54
	CATCH	.Lr55
	spka	0x50
.Lx55:	cvd	%r2,0(%r5)
	NOT_CAUGHT 0x55
.Lr55:	CAUGHT	0x0004, 4, .Lx55+4, 0x56
	AT	%r5, .R123456C, 8, 0x59
	PUT	%r8, .K123456C, 4		/* operand 1 in the key-5 block */
	CATCH	.Lr5a
	spka	0x50
.Lx5a:	zap	0(4,%r8),0(8,%r5)		/* fetch from key 3 */
	NOT_CAUGHT 0x5a
.Lr5a:	CAUGHT	0x0004, 6, .Lx5a+6, 0x5b
	AT	%r8, .K123456C, 4, 0x5e
	lr	%r3,%r5
	CATCH	.Lr60
	spka	0x50
.Lx60:	cvb	%r3,0(%r5)
	NOT_CAUGHT 0x60
.Lr60:	CAUGHT	0x0004, 4, .Lx60+4, 0x61
	cr	%r3,%r5				/* not loaded */
	la	%r15,0x64
	bc	7,.Lfail-BASE(%r12)

	/* ---- access exceptions come before data exceptions (6x) ---- */
	PUT	%r8, .Kbad5, 5			/* invalid operand 1 */
	CATCH	.Lr65
	spka	0x50
.Lx65:	ap	0(5,%r8),0(8,%r5)		/* operand 2 fetch-protected */
	NOT_CAUGHT 0x65
.Lr65:	CAUGHT	0x0004, 6, .Lx65+6, 0x66
	AT	%r8, .Kbad5, 5, 0x69
	CATCH	.Lr6a
	spka	0x50
.Lx6a:	sp	0(8,%r5),0(5,%r8)		/* operand 1 store-protected */
	NOT_CAUGHT 0x6a
.Lr6a:	CAUGHT	0x0004, 6, .Lx6a+6, 0x6b
	AT	%r5, .R123456C, 8, 0x6e
	sr	%r7,%r7
	.insn	rr,0x0800,%r7,%r8
	.insn	rr,0x0800,%r7,%r9

	TEST_PASS

	CHECK_ROUTINES

	.align	8
.Kx:		.long	0x020ffc
.Ky:		.long	0x021ffd
.Kblock1:	.long	0x020800
.Kblock2:	.long	0x021000
.Kcr0_lap:	.long	0x10000000		/* CR0 bit 3: low-address protection */
.Lcr0_save:	.long	0
.Lcr0_lap:	.long	0
.Kminus1234567:	.long	-1234567
.Kff8:		.byte	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
.K9s:		.byte	0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9c
.R0C8:		.byte	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c
.R123456C:	.byte	0x00, 0x00, 0x00, 0x00, 0x01, 0x23, 0x45, 0x6c
.R370368C:	.byte	0x00, 0x00, 0x00, 0x00, 0x03, 0x70, 0x36, 0x8c
.R360368C:	.byte	0x00, 0x00, 0x00, 0x00, 0x03, 0x60, 0x36, 0x8c
.R370368000C:	.byte	0x00, 0x00, 0x00, 0x37, 0x03, 0x68, 0x00, 0x0c
.R360368000C:	.byte	0x00, 0x00, 0x00, 0x36, 0x03, 0x68, 0x00, 0x0c
.R37037C:	.byte	0x00, 0x00, 0x00, 0x00, 0x00, 0x37, 0x03, 0x7c
.R1234567D:	.byte	0x00, 0x00, 0x00, 0x00, 0x12, 0x34, 0x56, 0x7d
.R2469134D:	.byte	0x00, 0x00, 0x00, 0x00, 0x24, 0x69, 0x13, 0x4d
/* 370368 / -7: quotient -52909 in 6 bytes, remainder +5 in 2. */
.Rdp:		.byte	0x00, 0x00, 0x00, 0x52, 0x90, 0x9d, 0x00, 0x5c
.K123456C:	.byte	0x01, 0x23, 0x45, 0x6c
.Kminus10000:	.byte	0x00, 0x00, 0x10, 0x00, 0x0d
.Kbad5:		.byte	0x00, 0x00, 0x10, 0x00, 0x05
.K3C:		.byte	0x00, 0x3c
.K7D:		.byte	0x00, 0x7d
.K1C:		.byte	0x1c
	TEST_ROUTINES
/* clang-format on */
