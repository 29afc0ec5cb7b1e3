/*
 * ESA/390 dynamic address translation (PoO-390 §3): 31-bit virtual
 * addresses through a segment table (1M segments) and page tables (4K
 * pages), page protection, LOAD REAL ADDRESS, INVALIDATE PAGE TABLE
 * ENTRY, and the translation exceptions with the translation-exception
 * address at 144.  Segment 0 maps the test one to one.
 */
#include "s370test.h"

/* EXPECT_PGM, the access, GOT_PGM: the access must raise program
 * interruption code (and store tea at 144, when given); the handler
 * continues after GOT_PGM's TEST_FAIL with DAT off.  Uses r11. */
	.macro EXPECT_PGM
	la	%r11,9f-BASE(%r12)
	xc	pgm_code-BASE(8,%r12),pgm_code-BASE(%r12)
	.endm
	.macro GOT_PGM code, tea, fail
	TEST_FAIL \fail
9:	CHECK_MEM pgm_code, \code, \fail+1
	.ifnb \tea
	CHECK_MEM pgm_tea, \tea, \fail+2
	.endif
	.endm

	.macro DAT_ON
	stosm	sysmask-BASE(%r12),0x04
	.endm
	.macro DAT_OFF
	stnsm	sysmask-BASE(%r12),0xfb
	.endm

	/* Fail with code unless r3 equals the fullword at label. */
	.macro CHECK_R3 label, code
	cl	%r3,\label-BASE(%r12)
	be	.Lok\@-BASE(%r12)
	TEST_FAIL \code
.Lok\@:
	.endm

	TEST_START
	mvc	PSA_PGM_NEW(8,%r0),pgm_psw-BASE(%r12)
	l	%r1,real_31000-BASE(%r12)
	l	%r2,pattern2-BASE(%r12)
	st	%r2,0(%r1)
	lctl	%c0,%c1,cr_esa-BASE(%r12)

	DAT_ON
	l	%r1,va_1234010-BASE(%r12)
	l	%r2,pattern1-BASE(%r12)
	st	%r2,0(%r1)			/* virtual 01234010 is real 030010 */
	DAT_OFF
	l	%r3,real_30010-BASE(%r12)
	l	%r4,0(%r3)
	CHECK_REG %r4, 0x11223344, 1
	lra	%r3,0(%r1)
	CHECK_CC 0, 2
	CHECK_REG %r3, 0x030010, 3

	/* Page 0x35 is page protected: fetches work, stores do not. */
	DAT_ON
	l	%r1,va_1235000-BASE(%r12)
	l	%r4,0(%r1)
	CHECK_REG %r4, 0xcafebabe, 4
	EXPECT_PGM
	st	%r1,0(%r1)
	GOT_PGM 0x04, , 5
	l	%r1,real_31000-BASE(%r12)
	l	%r4,0(%r1)
	CHECK_REG %r4, 0xcafebabe, 7

	DAT_ON
	l	%r1,va_1236008-BASE(%r12)	/* page 0x36 is invalid */
	EXPECT_PGM
	l	%r2,0(%r1)
	GOT_PGM 0x11, 0x01236000, 8

	DAT_ON
	l	%r1,va_100000-BASE(%r12)	/* segment 1 is invalid */
	EXPECT_PGM
	l	%r2,0(%r1)
	GOT_PGM 0x10, 0x00100000, 11

	DAT_ON
	l	%r1,va_7ff00000-BASE(%r12)	/* segment 0x7ff: beyond the 32-entry table */
	EXPECT_PGM
	l	%r2,0(%r1)
	GOT_PGM 0x10, 0x7ff00000, 14

	DAT_ON
	l	%r1,va_1280000-BASE(%r12)	/* page 0x80: beyond the 64-entry table */
	EXPECT_PGM
	mvi	0(%r1),0
	GOT_PGM 0x11, 0x01280000, 17

	l	%r1,va_1236008-BASE(%r12)
	lra	%r3,0(%r1)
	CHECK_CC 2, 20
	CHECK_R3 pte_1236, 21
	l	%r1,va_100000-BASE(%r12)
	lra	%r3,0(%r1)
	CHECK_CC 1, 22
	CHECK_R3 ste_1, 23
	l	%r1,va_7ff00000-BASE(%r12)
	lra	%r3,0(%r1)
	CHECK_CC 3, 24

	/* IPTE: the entry of page 0x34 becomes invalid. */
	l	%r1,ste_12_value-BASE(%r12)
	l	%r2,va_1234010-BASE(%r12)
	ipte	%r1,%r2
	lra	%r3,0(%r2)
	CHECK_CC 2, 26
	DAT_ON
	EXPECT_PGM
	l	%r4,0(%r2)
	GOT_PGM 0x11, 0x01234000, 27

	/* CR0 bits 8-12 other than 10110: the next instruction fetch with
	 * DAT on is a translation-specification exception. */
	lctl	%c0,%c0,cr_bad-BASE(%r12)
	EXPECT_PGM
	DAT_ON
	l	%r2,0(%r1)
	GOT_PGM 0x12, , 30

	mvc	PSA_PGM_NEW(8,%r0),unexpected_pgm_psw-BASE(%r12)
	PRINT	msg, msgend-msg
	TEST_PASS

/* Program interruptions: record the code and the translation-exception
 * address, continue at r11 with DAT off. */
pgm_handler:
	mvc	pgm_code+2-BASE(2,%r12),PSA_PGM_CODE(%r0)
	mvc	pgm_tea-BASE(4,%r12),144(%r0)
	br	%r11

	.align	8
pgm_psw:	.long	0x00080000, 0x80000000 + pgm_handler
unexpected_pgm_psw: .long WAIT_PSW_HI, WAIT_PSW_LO + 0xe1
pgm_code:	.long	0
pgm_tea:	.long	0
sysmask:	.long	0
pattern1:	.long	0x11223344
pattern2:	.long	0xcafebabe
va_100000:	.long	0x00100000
va_1234010:	.long	0x01234010
va_1235000:	.long	0x01235000
va_1236008:	.long	0x01236008
va_1280000:	.long	0x01280000
va_7ff00000:	.long	0x7ff00000
real_30010:	.long	0x030010
real_31000:	.long	0x031000
pte_1236:	.long	pt_seg12 + 4 * 0x36
ste_1:		.long	segtab + 4
ste_12_value:	.long	pt_seg12 + 3
/* CR0: translation format 10110 in bits 8-12; CR1: the primary STD,
 * segment-table origin and length (units of 16 entries, less one). */
cr_esa:		.long	0x00b00000, segtab + 1
cr_bad:		.long	0x00800000
msg:	EBCDIC DAT390_OK
msgend:

	TEST_ROUTINES

/* Segment-table entries: page-table origin (64-byte units), invalid bit
 * 26, page-table length in units of 16 entries, less one (bits 28-31). */
	.align	4096
segtab:
	.long	pt_seg0 + 0			/* 0: 16 pages, one to one */
	.rept	0x11
	.long	0x00000020			/* invalid */
	.endr
	.long	pt_seg12 + 3			/* 0x12: 64 pages */
	.rept	32 - 0x13
	.long	0x00000020
	.endr

/* Page-table entries: page-frame real address, invalid bit 21, page
 * protection bit 22. */
	.align	64
pt_seg0:
	.set	i, 0
	.rept	16
	.long	i << 12
	.set	i, i + 1
	.endr
	.align	64
pt_seg12:
	.rept	0x34
	.long	0x00000400
	.endr
	.long	0x00030000			/* 0x34 */
	.long	0x00031200			/* 0x35, page protected */
	.rept	64 - 0x36
	.long	0x00000400
	.endr
