/*
 * S/370 dynamic address translation (PoO-370 §3): 64K and 1M segments,
 * 2K and 4K pages, LOAD REAL ADDRESS, and the segment- and page-
 * translation exceptions (invalid entries and table-length violations)
 * with the translation-exception address at 144.  Segment 0 maps the
 * test itself one to one, so DAT can be switched on and off in place.
 * Fail codes: 0xXY, X the part.
 */
#include "s370test.h"

	TEST_START

	/* ---- 64K segments, 4K pages ---- */
	lctl	%c0,%c1,cr_64k_4k-BASE(%r12)
	DAT_ON
	l	%r1,va_20010-BASE(%r12)
	l	%r2,pattern1-BASE(%r12)
	st	%r2,0(%r1)			/* virtual 020010 is real 030010 */
	DAT_OFF
	l	%r3,real_30010-BASE(%r12)
	l	%r4,0(%r3)
	CHECK_REG %r4, 0x11223344, 1
	lra	%r3,0(%r1)
	CHECK_CC 0, 2
	CHECK_REG %r3, 0x030010, 3

	DAT_ON
	l	%r1,va_10000-BASE(%r12)		/* segment 1 is invalid */
	CATCH	.Lr10
.Lx10:	l	%r2,0(%r1)
	NOT_CAUGHT 0x10
.Lr10:	CAUGHT_144 0x0010, 4, .Lx10, 0x010000, 0x11

	DAT_ON
	l	%r1,va_21004-BASE(%r12)		/* page 1 of segment 2 is invalid */
	CATCH	.Lr18
.Lx18:	l	%r2,0(%r1)
	NOT_CAUGHT 0x18
.Lr18:	CAUGHT_144 0x0011, 4, .Lx18, 0x021000, 0x19

	DAT_ON
	l	%r1,va_23000-BASE(%r12)		/* page 3: beyond the 2-entry page table */
	CATCH	.Lr20
.Lx20:	st	%r2,0(%r1)
	NOT_CAUGHT 0x20
.Lr20:	CAUGHT_144 0x0011, 4, .Lx20, 0x023000, 0x21

	DAT_ON
	l	%r1,va_100000-BASE(%r12)	/* segment 16: beyond the 16-entry table */
	CATCH	.Lr28
.Lx28:	l	%r2,0(%r1)
	NOT_CAUGHT 0x28
.Lr28:	CAUGHT_144 0x0010, 4, .Lx28, 0x100000, 0x29

	l	%r1,va_21004-BASE(%r12)
	lra	%r3,0(%r1)
	CHECK_CC 2, 0x30
	la	%r4,pt_seg2+2-BASE(%r12)	/* address of the invalid entry */
	cr	%r3,%r4
	be	1f-BASE(%r12)
	TEST_FAIL 0x31
1:	l	%r1,va_10000-BASE(%r12)
	lra	%r3,0(%r1)
	CHECK_CC 1, 0x32
	la	%r4,seg_64k_4k+4-BASE(%r12)
	cr	%r3,%r4
	be	1f-BASE(%r12)
	TEST_FAIL 0x33
1:	l	%r1,va_100000-BASE(%r12)
	lra	%r3,0(%r1)
	CHECK_CC 3, 0x34

	/* ---- 64K segments, 2K pages ---- */
	lctl	%c0,%c1,cr_64k_2k-BASE(%r12)
	DAT_ON
	l	%r1,va_20810-BASE(%r12)
	l	%r2,pattern2-BASE(%r12)
	st	%r2,0(%r1)			/* 2K page 1 of segment 2 is real 031000 */
	DAT_OFF
	l	%r3,real_31010-BASE(%r12)
	l	%r4,0(%r3)
	CHECK_REG %r4, 0x55667788, 0x40

	DAT_ON
	l	%r1,va_21000-BASE(%r12)		/* 2K page 2: beyond the 2-entry table */
	CATCH	.Lr48
.Lx48:	l	%r2,0(%r1)
	NOT_CAUGHT 0x48
.Lr48:	CAUGHT_144 0x0011, 4, .Lx48, 0x021000, 0x49

	DAT_ON
	l	%r1,va_30900-BASE(%r12)		/* 2K page 1 of segment 3 is invalid */
	CATCH	.Lr50
.Lx50:	l	%r2,0(%r1)
	NOT_CAUGHT 0x50
.Lr50:	CAUGHT_144 0x0011, 4, .Lx50, 0x030800, 0x51

	/* ---- 1M segments, 4K pages ---- */
	lctl	%c0,%c1,cr_1m_4k-BASE(%r12)
	DAT_ON
	l	%r1,va_105020-BASE(%r12)
	l	%r2,pattern3-BASE(%r12)
	st	%r2,0(%r1)			/* page 5 of segment 1 is real 033000 */
	DAT_OFF
	l	%r3,real_33020-BASE(%r12)
	l	%r4,0(%r3)
	CHECK_REG %r4, 0x99aabbcc, 0x60

	DAT_ON
	l	%r1,va_200000-BASE(%r12)	/* segment 2 is invalid */
	CATCH	.Lr68
.Lx68:	l	%r2,0(%r1)
	NOT_CAUGHT 0x68
.Lr68:	CAUGHT_144 0x0010, 4, .Lx68, 0x200000, 0x69

	DAT_ON
	l	%r1,va_110000-BASE(%r12)	/* page 16: beyond the 16-entry table */
	CATCH	.Lr70
.Lx70:	l	%r2,0(%r1)
	NOT_CAUGHT 0x70
.Lr70:	CAUGHT_144 0x0011, 4, .Lx70, 0x110000, 0x71

	l	%r1,va_105020-BASE(%r12)
	lra	%r3,0(%r1)
	CHECK_CC 0, 0x78
	CHECK_REG %r3, 0x033020, 0x79

	/* ---- an invalid translation format: page-size bits 11.  The next
	 * instruction fetch after DAT is switched on already needs it. ---- */
	lctl	%c0,%c0,cr_bad-BASE(%r12)
	CATCH	.Lr80
	DAT_ON
	l	%r2,0(%r1)
	NOT_CAUGHT 0x80
.Lr80:	CAUGHT	0x0012, , , 0x81		/* on instruction fetch: ILC, address open */
	PRINT	msg, msgend-msg
	TEST_PASS

	CHECK_ROUTINES

	.align	8
pattern1:	.long	0x11223344
pattern2:	.long	0x55667788
pattern3:	.long	0x99aabbcc
va_10000:	.long	0x010000
va_20010:	.long	0x020010
va_21000:	.long	0x021000
va_21004:	.long	0x021004
va_23000:	.long	0x023000
va_20810:	.long	0x020810
va_30900:	.long	0x030900
va_100000:	.long	0x100000
va_105020:	.long	0x105020
va_110000:	.long	0x110000
va_200000:	.long	0x200000
real_30010:	.long	0x030010
real_31010:	.long	0x031010
real_33020:	.long	0x033020
/* CR0 translation format (bits 8-9 page size, 11 segment size) and CR1
 * (segment-table length in units of 16 entries, less one; origin). */
cr_64k_4k:	.long	0x00800000, seg_64k_4k
cr_64k_2k:	.long	0x00400000, seg_64k_2k
cr_1m_4k:	.long	0x00900000, seg_1m_4k
cr_bad:		.long	0x00c00000
msg:	EBCDIC DAT370_OK
msgend:

/* Segment-table entries: page-table length (sixteenths of the largest
 * table, less one) in bits 0-3, page-table origin, invalid bit 31. */
	.align	64
seg_64k_4k:
	.long	0xf0000000 + pt_id_4k		/* 0: 16 pages, one to one */
	.long	0x00000001			/* 1: invalid */
	.long	0x10000000 + pt_seg2		/* 2: 2 pages */
	.rept	13
	.long	0x00000001
	.endr
	.align	64
seg_64k_2k:
	.long	0xf0000000 + pt_id_2k		/* 0: 32 pages, one to one */
	.long	0x00000001
	.long	0x00000000 + pt_seg2_2k		/* 2: 2 pages (units of 2) */
	.long	0x00000000 + pt_seg3_2k		/* 3: 2 pages */
	.rept	12
	.long	0x00000001
	.endr
	.align	64
seg_1m_4k:
	.long	0x00000000 + pt_id_4k		/* 0: 16 of 256 pages */
	.long	0x00000000 + pt_seg1_1m		/* 1: 16 pages */
	.rept	14
	.long	0x00000001
	.endr

/* Page-table entries: 4K pages hold real-address bits 8-19 in bits 0-11,
 * invalid bit 12; 2K pages bits 8-20 in bits 0-12, invalid bit 13. */
	.align	8
pt_id_4k:
	.set	i, 0
	.rept	16
	.short	i * 0x10
	.set	i, i + 1
	.endr
	.align	8
pt_id_2k:
	.set	i, 0
	.rept	32
	.short	i * 0x08
	.set	i, i + 1
	.endr
	.align	8
pt_seg2:
	.short	0x0300, 0x0008			/* 030000, invalid */
	.align	8
pt_seg2_2k:
	.short	0x0300, 0x0310			/* 030000, 031000 */
	.align	8
pt_seg3_2k:
	.short	0x0320, 0x0004			/* 032000, invalid */
	.align	8
pt_seg1_1m:
	.short	0x0008, 0x0008, 0x0008, 0x0008, 0x0008, 0x0330	/* page 5: 033000 */
	.rept	10
	.short	0x0008
	.endr

	TEST_ROUTINES
