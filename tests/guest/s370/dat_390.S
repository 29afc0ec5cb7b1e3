/*
 * ESA/390 dynamic address translation (PoO-390 §3): 31-bit virtual
 * addresses through a segment table (1M segments) and page tables (4K
 * pages), page protection, LOAD REAL ADDRESS, INVALIDATE PAGE TABLE
 * ENTRY, and the translation exceptions with the translation-exception
 * address at 144.  Segment 0 maps the test one to one.  Fail codes:
 * 0xXY, X the part.
 */
#include "s370test.h"

	TEST_START
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
	CATCH	.Lr10
.Lx10:	st	%r1,0(%r1)
	NOT_CAUGHT 0x10
.Lr10:	CAUGHT	0x0004, 4, .Lx10+4, 0x11
	l	%r1,real_31000-BASE(%r12)
	l	%r4,0(%r1)
	CHECK_REG %r4, 0xcafebabe, 7

	DAT_ON
	l	%r1,va_1236008-BASE(%r12)	/* page 0x36 is invalid */
	CATCH	.Lr18
.Lx18:	l	%r2,0(%r1)
	NOT_CAUGHT 0x18
.Lr18:	CAUGHT_144 0x0011, 4, .Lx18, 0x01236000, 0x19

	DAT_ON
	l	%r1,va_100000-BASE(%r12)	/* segment 1 is invalid */
	CATCH	.Lr20
.Lx20:	l	%r2,0(%r1)
	NOT_CAUGHT 0x20
.Lr20:	CAUGHT_144 0x0010, 4, .Lx20, 0x00100000, 0x21

	DAT_ON
	l	%r1,va_7ff00000-BASE(%r12)	/* segment 0x7ff: beyond the 32-entry table */
	CATCH	.Lr28
.Lx28:	l	%r2,0(%r1)
	NOT_CAUGHT 0x28
.Lr28:	CAUGHT_144 0x0010, 4, .Lx28, 0x7ff00000, 0x29

	DAT_ON
	l	%r1,va_1280000-BASE(%r12)	/* page 0x80: beyond the 64-entry table */
	CATCH	.Lr30
.Lx30:	mvi	0(%r1),0
	NOT_CAUGHT 0x30
.Lr30:	CAUGHT_144 0x0011, 4, .Lx30, 0x01280000, 0x31

	l	%r1,va_1236008-BASE(%r12)
	lra	%r3,0(%r1)
	CHECK_CC 2, 0x38
	REG	%r3, pte_1236, 0x39
	l	%r1,va_100000-BASE(%r12)
	lra	%r3,0(%r1)
	CHECK_CC 1, 0x3a
	REG	%r3, ste_1, 0x3b
	l	%r1,va_7ff00000-BASE(%r12)
	lra	%r3,0(%r1)
	CHECK_CC 3, 0x3c

	/* IPTE: the entry of page 0x34 becomes invalid. */
	l	%r1,ste_12_value-BASE(%r12)
	l	%r2,va_1234010-BASE(%r12)
	ipte	%r1,%r2
	lra	%r3,0(%r2)
	CHECK_CC 2, 0x40
	DAT_ON
	CATCH	.Lr48
.Lx48:	l	%r4,0(%r2)
	NOT_CAUGHT 0x48
.Lr48:	CAUGHT_144 0x0011, 4, .Lx48, 0x01234000, 0x49

	/* CR0 bits 8-12 other than 10110: the next instruction fetch with
	 * DAT on is a translation-specification exception. */
	lctl	%c0,%c0,cr_bad-BASE(%r12)
	CATCH	.Lr50
	DAT_ON
	l	%r2,0(%r1)
	NOT_CAUGHT 0x50
.Lr50:	CAUGHT	0x0012, , , 0x51		/* on instruction fetch: ILC, address open */

	PRINT	msg, msgend-msg
	TEST_PASS

	CHECK_ROUTINES

	.align	8
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
