/*
 * S/370 storage keys and protection (PoO-370 §3 "Protection", §10): SET
 * STORAGE KEY, INSERT STORAGE KEY, RESET REFERENCE BIT, the reference
 * and change bits the CPU records, key-controlled store and fetch
 * protection, TEST PROTECTION, and low-address protection.
 */
#include "s370test.h"

/* EXPECT_PGM, the access, GOT_PGM: the access must raise program
 * interruption code; the handler continues after GOT_PGM's TEST_FAIL
 * (PSW key 0: the new PSW's).  Uses r11. */
	.macro EXPECT_PGM
	la	%r11,9f-BASE(%r12)
	xc	pgm_code-BASE(4,%r12),pgm_code-BASE(%r12)
	.endm
	.macro GOT_PGM code, fail
	TEST_FAIL \fail
9:	CHECK_MEM pgm_code, \code, \fail+1
	.endm

	/* Storage-key instructions (S/370 only; gas knows them as .insn). */
	.macro SSK r1, r2
	.insn	rr,0x0800,\r1,\r2
	.endm
	.macro ISK r1, r2
	.insn	rr,0x0900,\r1,\r2
	.endm
	.macro RRB d2, b2
	.insn	s,0xb2130000,\d2(\b2)
	.endm

	TEST_START
	mvc	PSA_PGM_NEW(8,%r0),pgm_psw-BASE(%r12)
	l	%r5,block-BASE(%r12)		/* the 2K block at 030000 */

	/* SSK sets the key with R and C zero; ISK keeps bits 0-23. */
	la	%r4,0x30			/* key 3 */
	SSK	%r4,%r5
	l	%r6,isk_init-BASE(%r12)
	ISK	%r6,%r5
	CHECK_REG %r6, 0xaabbcc30, 1
	/* A store sets reference and change. */
	st	%r6,0(%r5)
	ISK	%r6,%r5
	CHECK_REG %r6, 0xaabbcc36, 2
	/* RRB: CC from R and C as they were, then R is zero. */
	RRB	0, %r5
	CHECK_CC 3, 3
	ISK	%r6,%r5
	CHECK_REG %r6, 0xaabbcc32, 4
	RRB	0, %r5
	CHECK_CC 1, 5
	/* The next fetch sets R again. */
	l	%r7,0(%r5)
	ISK	%r6,%r5
	CHECK_REG %r6, 0xaabbcc36, 6

	/* Key 4 may not store into a key-3 block; it may fetch from it. */
	spka	0x40
	l	%r8,pattern-BASE(%r12)
	EXPECT_PGM
	st	%r8,0(%r5)
	GOT_PGM 0x04, 7
	l	%r7,0(%r5)
	CHECK_REG %r7, 0xaabbcc30, 9
	spka	0x40
	l	%r7,0(%r5)
	CHECK_REG %r7, 0xaabbcc30, 10
	spka	0

	/* With the fetch-protection bit, key 4 may not fetch either. */
	la	%r4,0x38
	SSK	%r4,%r5
	spka	0x40
	EXPECT_PGM
	l	%r7,0(%r5)
	GOT_PGM 0x04, 11
	/* Key 3 may do both. */
	spka	0x30
	st	%r8,0(%r5)
	l	%r7,0(%r5)
	CHECK_REG %r7, 0x5a5a5a5a, 13
	spka	0

	/* TPROT: the key in bits 24-27 of the second-operand address. */
	tprot	0(%r5),0x40(%r0)
	CHECK_CC 2, 14
	tprot	0(%r5),0x30(%r0)
	CHECK_CC 0, 15
	la	%r4,0x30
	SSK	%r4,%r5
	tprot	0(%r5),0x40(%r0)
	CHECK_CC 1, 16

	/* Low-address protection (CR0 bit 3): no stores into 0-511. */
	stctl	%c0,%c0,cr0_save-BASE(%r12)
	l	%r1,cr0_save-BASE(%r12)
	o	%r1,cr0_lap-BASE(%r12)
	st	%r1,cr0_new-BASE(%r12)
	lctl	%c0,%c0,cr0_new-BASE(%r12)
	EXPECT_PGM
	mvi	0x1f0(%r0),0x55
	GOT_PGM 0x04, 17
	cli	0x1f0(%r0),0
	be	1f-BASE(%r12)
	TEST_FAIL 19
1:	mvi	0x200(%r0),0x66			/* 512 is outside the protected range */
	cli	0x200(%r0),0x66
	be	1f-BASE(%r12)
	TEST_FAIL 20
1:	EXPECT_PGM
	mvi	0x1ff(%r0),0x77			/* the store after it walks again */
	GOT_PGM 0x04, 21
	tprot	0x100(%r0),0(%r0)
	CHECK_CC 1, 23
	lctl	%c0,%c0,cr0_save-BASE(%r12)
	mvi	0x1f0(%r0),0x55
	cli	0x1f0(%r0),0x55
	be	1f-BASE(%r12)
	TEST_FAIL 24
1:
	mvc	PSA_PGM_NEW(8,%r0),unexpected_pgm_psw-BASE(%r12)
	PRINT	msg, msgend-msg
	TEST_PASS

pgm_handler:
	mvc	pgm_code+2-BASE(2,%r12),PSA_PGM_CODE(%r0)
	br	%r11

	.align	8
pgm_psw:	.long	0x00080000, pgm_handler
unexpected_pgm_psw: .long WAIT_PSW_HI, WAIT_PSW_LO + 0xe1
pgm_code:	.long	0
block:		.long	0x030000
isk_init:	.long	0xaabbccff
pattern:	.long	0x5a5a5a5a
cr0_save:	.long	0
cr0_new:	.long	0
cr0_lap:	.long	0x10000000
msg:	EBCDIC KEYS_OK
msgend:

	TEST_ROUTINES
