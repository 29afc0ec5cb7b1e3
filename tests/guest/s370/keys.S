/*
 * S/370 storage keys and protection (PoO-370 §3 "Protection", §10): SET
 * STORAGE KEY, INSERT STORAGE KEY, RESET REFERENCE BIT, the reference
 * and change bits the CPU records, key-controlled store and fetch
 * protection, TEST PROTECTION, and low-address protection.  Fail codes
 * 0xXY, X the part.
 */
#include "s370test.h"

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

	/* Key 4 may not store into a key-3 block; it may fetch from it.
	 * (CATCH stores into key-0 storage: it comes before SPKA.) */
	l	%r8,pattern-BASE(%r12)
	CATCH	.Lr10
	spka	0x40
.Lx10:	st	%r8,0(%r5)
	NOT_CAUGHT 0x10
.Lr10:	CAUGHT	0x0004, 4, .Lx10+4, 0x11		/* suppressed: PSW key 0 again */
	l	%r7,0(%r5)
	CHECK_REG %r7, 0xaabbcc30, 0x14
	spka	0x40
	l	%r7,0(%r5)
	CHECK_REG %r7, 0xaabbcc30, 0x15
	spka	0

	/* With the fetch-protection bit, key 4 may not fetch either. */
	la	%r4,0x38
	SSK	%r4,%r5
	CATCH	.Lr18
	spka	0x40
.Lx18:	l	%r7,0(%r5)
	NOT_CAUGHT 0x18
.Lr18:	CAUGHT	0x0004, 4, .Lx18+4, 0x19
	/* Key 3 may do both. */
	spka	0x30
	st	%r8,0(%r5)
	l	%r7,0(%r5)
	CHECK_REG %r7, 0x5a5a5a5a, 0x1c
	spka	0

	/* TPROT: the key in bits 24-27 of the second-operand address. */
	tprot	0(%r5),0x40(%r0)
	CHECK_CC 2, 0x20
	tprot	0(%r5),0x30(%r0)
	CHECK_CC 0, 0x21
	la	%r4,0x30
	SSK	%r4,%r5
	tprot	0(%r5),0x40(%r0)
	CHECK_CC 1, 0x22

	/* Low-address protection (CR0 bit 3): no stores into 0-511.  CATCH
	 * and CAUGHT store there: it is switched on after the one and off
	 * before the other. */
	stctl	%c0,%c0,cr0_save-BASE(%r12)
	l	%r1,cr0_save-BASE(%r12)
	o	%r1,cr0_lap-BASE(%r12)
	st	%r1,cr0_new-BASE(%r12)
	CATCH	.Lr30
	lctl	%c0,%c0,cr0_new-BASE(%r12)
.Lx30:	mvi	0x1f0(%r0),0x55
	NOT_CAUGHT 0x30
.Lr30:	lctl	%c0,%c0,cr0_save-BASE(%r12)
	CAUGHT	0x0004, 4, .Lx30+4, 0x31
	cli	0x1f0(%r0),0
	be	1f-BASE(%r12)
	TEST_FAIL 0x34
1:	lctl	%c0,%c0,cr0_new-BASE(%r12)
	mvi	0x200(%r0),0x66			/* 512 is outside the protected range */
	cli	0x200(%r0),0x66
	be	1f-BASE(%r12)
	TEST_FAIL 0x35
1:	lctl	%c0,%c0,cr0_save-BASE(%r12)
	CATCH	.Lr38
	lctl	%c0,%c0,cr0_new-BASE(%r12)
.Lx38:	mvi	0x1ff(%r0),0x77			/* the last protected byte */
	NOT_CAUGHT 0x38
.Lr38:	lctl	%c0,%c0,cr0_save-BASE(%r12)
	CAUGHT	0x0004, 4, .Lx38+4, 0x39
	lctl	%c0,%c0,cr0_new-BASE(%r12)
	tprot	0x100(%r0),0(%r0)
	CHECK_CC 1, 0x3c
	lctl	%c0,%c0,cr0_save-BASE(%r12)
	mvi	0x1f0(%r0),0x55
	cli	0x1f0(%r0),0x55
	be	1f-BASE(%r12)
	TEST_FAIL 0x3d
1:
	PRINT	msg, msgend-msg
	TEST_PASS

	CHECK_ROUTINES

	.align	4
block:		.long	0x030000
isk_init:	.long	0xaabbccff
pattern:	.long	0x5a5a5a5a
cr0_save:	.long	0
cr0_new:	.long	0
cr0_lap:	.long	0x10000000
msg:	EBCDIC KEYS_OK
msgend:

	TEST_ROUTINES
