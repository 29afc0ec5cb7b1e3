/*
 * Hexadecimal floating point (PoO-370 §9) through both paths of each
 * short and long operation's helper: the fast path (ordinary operands,
 * unnormalized ones, true zeros, a short operand's right half ignored)
 * and what it leaves to the general functions (exponent overflow,
 * underflow and significance with the masks off and on, floating-point
 * divide), in the register and the storage forms, with the result, the
 * condition code, the interruption code and ILC each leaves; and storage
 * operands that wrap from the end of storage to location 0.
 * Fail codes: 5n+1 .. 5n+5 for case n, 0xd0-0xdf for the wraparound.
 */
#include "s370test.h"

/* SPM words: condition code 3 and the program mask (PoO-370 §7 "SET
 * PROGRAM MASK": bits 2-3 CC, 4-7 mask). */
#define P3   0x30000000 /* masks off */
#define P3EU 0x32000000 /* exponent-underflow mask */
#define P3SG 0x31000000 /* significance mask */

/* clang-format off */
	/* Case n: f0 = a, f2 = b (long images: the right half of a short
	 * operand is data the operation must ignore), r1 -> b for the
	 * storage forms, CC and program mask from the SPM word pre; then
	 * insn, len bytes long.  Afterwards f0 must be want and the CC cc,
	 * after the program interruption pcode unless pcode is 0: its ILC
	 * len, its old PSW pointing after insn with CC cc.  Fail codes 5n+1
	 * (no or another interruption), 5n+2 (ILC), 5n+3 (old PSW), 5n+4
	 * (CC), 5n+5 (f0). */
	.macro CASE n, insn, len, a, b, pre, want, cc, pcode=0
	b	.Lgo\@-BASE(%r12)
	.align	8
.Ld\@:	.quad	\a, \b, \want
	.long	\pre
	.short	\pcode
	.byte	\len, \cc << 4, 5*\n+1, 0
.Lgo\@:	la	%r2,.Ld\@-BASE(%r12)
	bal	%r14,case_setup-BASE(%r12)
	\insn
	bal	%r14,case_check-BASE(%r12)
	.endm

	TEST_START

	/* ---- long add and subtract ---- */
	CASE 0, "adr %f0,%f2", 2, 0x4110000000000000, 0x4080000000000000, P3, 0x4118000000000000, 2
	CASE 1, "ad %f0,0(%r1)", 4, 0x4110000000000000, 0x4080000000000000, P3, 0x4118000000000000, 2
	/* 1 - (1 - 16^-14): the guard digit */
	CASE 2, "sdr %f0,%f2", 2, 0x4110000000000000, 0x40ffffffffffffff, P3, 0x3310000000000000, 2
	/* overflow: completed, the characteristic 128 smaller */
	CASE 3, "adr %f0,%f2", 2, 0x7f80000000000000, 0x7f80000000000000, P3, 0x0010000000000000, 2, 0x000c
	CASE 4, "ad %f0,0(%r1)", 4, 0x7f80000000000000, 0x7f80000000000000, P3, 0x0010000000000000, 2, 0x000c
	/* significance: a true zero, or the characteristic kept */
	CASE 5, "sdr %f0,%f2", 2, 0x4110000000000000, 0x4110000000000000, P3, 0, 0
	CASE 6, "sdr %f0,%f2", 2, 0x4110000000000000, 0x4110000000000000, P3SG, 0x4100000000000000, 0, 0x000e
	CASE 7, "sw %f0,0(%r1)", 4, 0x4110000000000000, 0x40ffffffffffffff, P3SG, 0x4100000000000000, 0, 0x000e
	CASE 8, "awr %f0,%f2", 2, 0x4201000000000000, 0x4201000000000000, P3, 0x4202000000000000, 2
	/* underflow: a true zero, or the characteristic 128 larger */
	CASE 9, "ad %f0,0(%r1)", 4, 0x0010000000000000, 0x800f000000000000, P3, 0, 0
	CASE 10, "ad %f0,0(%r1)", 4, 0x0010000000000000, 0x800f000000000000, P3EU, 0x7f10000000000000, 2, 0x000d

	/* ---- long multiply (the CC is left alone) ---- */
	CASE 11, "mdr %f0,%f2", 2, 0x4055555555555555, 0x4130000000000000, P3, 0x40ffffffffffffff, 3
	CASE 12, "md %f0,0(%r1)", 4, 0x7f10000000000000, 0x4220000000000000, P3, 0x0020000000000000, 3, 0x000c
	CASE 13, "mdr %f0,%f2", 2, 0x2010000000000000, 0x2010000000000000, P3, 0, 3
	CASE 14, "mdr %f0,%f2", 2, 0x2010000000000000, 0x2010000000000000, P3EU, 0x7f10000000000000, 3, 0x000d
	CASE 15, "md %f0,0(%r1)", 4, 0x7f00000000000000, 0x4110000000000000, P3, 0, 3
	/* prenormalized operands */
	CASE 16, "mdr %f0,%f2", 2, 0x4200100000000000, 0x4000000000000003, P3, 0x3230000000000000, 3

	/* ---- long divide ---- */
	CASE 17, "ddr %f0,%f2", 2, 0x4110000000000000, 0x4130000000000000, P3, 0x4055555555555555, 3
	/* zero divisor: suppressed */
	CASE 18, "dd %f0,0(%r1)", 4, 0x4110000000000000, 0x4100000000000000, P3, 0x4110000000000000, 3, 0x000f
	CASE 19, "ddr %f0,%f2", 2, 0x0010000000000000, 0x4120000000000000, P3, 0, 3
	CASE 20, "ddr %f0,%f2", 2, 0x0010000000000000, 0x4120000000000000, P3EU, 0x7f80000000000000, 3, 0x000d
	CASE 21, "dd %f0,0(%r1)", 4, 0x7f20000000000000, 0x0010000000000000, P3, 0x4020000000000000, 3, 0x000c
	CASE 22, "ddr %f0,%f2", 2, 0x4300100000000000, 0x4200000000000002, P3, 0x4c80000000000000, 3

	/* ---- long halve ---- */
	CASE 23, "hdr %f0,%f2", 2, 0x1234567812345678, 0x4110000000000000, P3, 0x4080000000000000, 3
	CASE 24, "hdr %f0,%f2", 2, 0x1234567812345678, 0x0010000000000000, P3, 0, 3
	CASE 25, "hdr %f0,%f2", 2, 0x1234567812345678, 0x0010000000000000, P3EU, 0x7f80000000000000, 3, 0x000d

	/* ---- short operations: the right half of f0 stays ---- */
	CASE 26, "mer %f0,%f2", 2, 0x41200000deadbeef, 0x4130000012345678, P3, 0x4160000000000000, 3
	CASE 27, "me %f0,0(%r1)", 4, 0x7f100000deadbeef, 0x4220000012345678, P3, 0x0020000000000000, 3, 0x000c
	CASE 28, "mer %f0,%f2", 2, 0x20100000deadbeef, 0x2010000012345678, P3, 0, 3
	CASE 29, "der %f0,%f2", 2, 0x7f20000011111111, 0x0010000022222222, P3, 0x4020000011111111, 3, 0x000c
	CASE 30, "de %f0,0(%r1)", 4, 0x4110000011111111, 0x4200000022222222, P3, 0x4110000011111111, 3, 0x000f
	CASE 31, "aer %f0,%f2", 2, 0x4110000012345678, 0x411000009abcdef0, P3, 0x4120000012345678, 2
	CASE 32, "aur %f0,%f2", 2, 0x7f80000012345678, 0x7f8000009abcdef0, P3, 0x0010000012345678, 2, 0x000c
	CASE 33, "ser %f0,%f2", 2, 0x4110000055555555, 0x4110000066666666, P3SG, 0x4100000055555555, 0, 0x000e
	CASE 34, "her %f0,%f2", 2, 0x4110000055555555, 0x0010000066666666, P3, 0x0000000055555555, 3

	/* ---- compare (never interrupts), load rounded ---- */
	CASE 35, "cdr %f0,%f2", 2, 0x4110000000000000, 0x4201000000000000, P3, 0x4110000000000000, 0
	CASE 36, "cd %f0,0(%r1)", 4, 0x0000000000000000, 0x8000000000000000, P3, 0, 0
	CASE 37, "cer %f0,%f2", 2, 0xc110000000000000, 0x4110000012345678, P3, 0xc110000000000000, 1
	CASE 38, "ce %f0,0(%r1)", 4, 0x4120000000000000, 0x4110000012345678, P3, 0x4120000000000000, 2
	CASE 39, "lrer %f0,%f2", 2, 0x4110000012345678, 0x4110000080000000, P3, 0x4110000112345678, 3
	CASE 40, "lrer %f0,%f2", 2, 0x4110000012345678, 0x7fffffff80000000, P3, 0x0010000012345678, 3, 0x000c

	/* ---- storage operands that wrap to location 0 ---- */
	l	%r1,.Ktop-BASE(%r12)		/* FFFFFC: 41123456, then 0: 789ABCDE */
	mvc	0(4,%r1),.Kwrap-BASE(%r12)
	mvc	0(4,%r0),.Kwrap+4-BASE(%r12)
	sdr	%f0,%f0
	ad	%f0,0(%r1)
	CC	2, 0xd0
	std	%f0,.Lt-BASE(%r12)
	SAME	.Lt, .Kwrap, 8, 0xd1
	ld	%f2,0(%r1)
	std	%f2,.Lt-BASE(%r12)
	SAME	.Lt, .Kwrap, 8, 0xd2
	sdr	%f0,%f0
	ae	%f0,2(%r1)			/* FFFFFE: 3456789A */
	std	%f0,.Lt-BASE(%r12)
	SAME	.Lt, .Kwrap_e, 8, 0xd3
	le	%f4,2(%r1)
	ste	%f4,.Lt-BASE(%r12)
	SAME	.Lt, .Kwrap_e, 4, 0xd4
	md	%f2,.Kone-BASE(%r12)		/* the long product of the wrapped number */
	ld	%f6,.Kone-BASE(%r12)
	md	%f6,0(%r1)
	std	%f6,.Lt-BASE(%r12)
	SAME	.Lt, .Kwrap, 8, 0xd5
	cd	%f2,0(%r1)
	CC	0, 0xd6

	TEST_PASS

	/* CASE's set-up (r2 -> its block, r14 -> insn): the operands, the
	 * interruption code cleared, the catch PSW resuming after insn (at
	 * the bal to case_check, in r11), and last the CC and mask. */
case_setup:
	ld	%f0,0(%r2)
	ld	%f2,8(%r2)
	la	%r1,8(%r2)
	xc	PSA_PGM_CODE(2,%r0),PSA_PGM_CODE(%r0)
	mvc	PSA_PGM_NEW(8,%r0),.Lcatch_psw-BASE(%r12)
	sr	%r11,%r11
	ic	%r11,30(%r2)
	la	%r11,0(%r11,%r14)
	l	%r0,24(%r2)
	spm	%r0
	br	%r14

	/* CASE's checks (r14: the link information of the bal after insn,
	 * with the CC). */
case_check:
	lr	%r3,%r14
	mvc	PSA_PGM_NEW(8,%r0),.Lnew_pgm-BASE(%r12)
	sr	%r15,%r15
	ic	%r15,32(%r2)
	clc	PSA_PGM_CODE(2,%r0),28(%r2)
	bc	7,.Lfail-BASE(%r12)
	la	%r15,1(%r15)
	sr	%r0,%r0
	oc	28(2,%r2),28(%r2)
	bz	.Lcc_now-BASE(%r12)
	clc	PSA_PGM_ILC(1,%r0),30(%r2)
	bc	7,.Lfail-BASE(%r12)
	la	%r15,1(%r15)
	l	%r0,PSA_PGM_OLD+4(%r0)
	n	%r0,.Lamask-BASE(%r12)
	cr	%r0,%r11
	bc	7,.Lfail-BASE(%r12)
	sr	%r0,%r0
	ic	%r0,PSA_PGM_OLD+2(%r0)		/* the old PSW's CC */
	b	.Lcc-BASE(%r12)
.Lcc_now:
	la	%r15,1(%r15)
	lr	%r0,%r3
	srl	%r0,24				/* the CC at the bal */
.Lcc:	la	%r15,1(%r15)
	n	%r0,.Lccmask-BASE(%r12)
	stc	%r0,.Lt-BASE(%r12)
	clc	.Lt-BASE(1,%r12),31(%r2)
	bc	7,.Lfail-BASE(%r12)
	la	%r15,1(%r15)
	std	%f0,.Lt-BASE(%r12)
	clc	.Lt-BASE(8,%r12),16(%r2)
	bc	7,.Lfail-BASE(%r12)
	br	%r3

	CHECK_ROUTINES

	.align	8
.Lt:		.quad	0
.Kone:		.quad	0x4110000000000000
.Kwrap:		.quad	0x41123456789abcde
.Kwrap_e:	.quad	0x3456789a00000000
.Ktop:		.long	0x00fffffc

	TEST_ROUTINES
