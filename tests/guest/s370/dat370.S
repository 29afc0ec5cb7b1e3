/*
 * S/370 dynamic address translation (PoO-370 §3): 64K and 1M segments,
 * 2K and 4K pages, LOAD REAL ADDRESS, and the segment- and page-
 * translation exceptions (invalid entries and table-length violations)
 * with the translation-exception address at 144.  Segment 0 maps the
 * test itself one to one, so DAT can be switched on and off in place.
 */
#include "s370test.h"

/* EXPECT_PGM, then the access, then GOT_PGM: the access must raise
 * program interruption code with translation-exception address tea; the
 * handler continues after GOT_PGM's TEST_FAIL with DAT off.  Uses r11. */
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

	TEST_START
	mvc	PSA_PGM_NEW(8,%r0),pgm_psw-BASE(%r12)

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
	EXPECT_PGM
	l	%r2,0(%r1)
	GOT_PGM 0x10, 0x010000, 4

	DAT_ON
	l	%r1,va_21004-BASE(%r12)		/* page 1 of segment 2 is invalid */
	EXPECT_PGM
	l	%r2,0(%r1)
	GOT_PGM 0x11, 0x021000, 7

	DAT_ON
	l	%r1,va_23000-BASE(%r12)		/* page 3: beyond the 2-entry page table */
	EXPECT_PGM
	st	%r2,0(%r1)
	GOT_PGM 0x11, 0x023000, 10

	DAT_ON
	l	%r1,va_100000-BASE(%r12)	/* segment 16: beyond the 16-entry table */
	EXPECT_PGM
	l	%r2,0(%r1)
	GOT_PGM 0x10, 0x100000, 13

	l	%r1,va_21004-BASE(%r12)
	lra	%r3,0(%r1)
	CHECK_CC 2, 16
	la	%r4,pt_seg2+2-BASE(%r12)	/* address of the invalid entry */
	cr	%r3,%r4
	be	1f-BASE(%r12)
	TEST_FAIL 17
1:	l	%r1,va_10000-BASE(%r12)
	lra	%r3,0(%r1)
	CHECK_CC 1, 18
	la	%r4,seg_64k_4k+4-BASE(%r12)
	cr	%r3,%r4
	be	1f-BASE(%r12)
	TEST_FAIL 19
1:	l	%r1,va_100000-BASE(%r12)
	lra	%r3,0(%r1)
	CHECK_CC 3, 20

	/* ---- 64K segments, 2K pages ---- */
	lctl	%c0,%c1,cr_64k_2k-BASE(%r12)
	DAT_ON
	l	%r1,va_20810-BASE(%r12)
	l	%r2,pattern2-BASE(%r12)
	st	%r2,0(%r1)			/* 2K page 1 of segment 2 is real 031000 */
	DAT_OFF
	l	%r3,real_31010-BASE(%r12)
	l	%r4,0(%r3)
	CHECK_REG %r4, 0x55667788, 21

	DAT_ON
	l	%r1,va_21000-BASE(%r12)		/* 2K page 2: beyond the 2-entry table */
	EXPECT_PGM
	l	%r2,0(%r1)
	GOT_PGM 0x11, 0x021000, 22

	DAT_ON
	l	%r1,va_30900-BASE(%r12)		/* 2K page 1 of segment 3 is invalid */
	EXPECT_PGM
	l	%r2,0(%r1)
	GOT_PGM 0x11, 0x030800, 25

	/* ---- 1M segments, 4K pages ---- */
	lctl	%c0,%c1,cr_1m_4k-BASE(%r12)
	DAT_ON
	l	%r1,va_105020-BASE(%r12)
	l	%r2,pattern3-BASE(%r12)
	st	%r2,0(%r1)			/* page 5 of segment 1 is real 033000 */
	DAT_OFF
	l	%r3,real_33020-BASE(%r12)
	l	%r4,0(%r3)
	CHECK_REG %r4, 0x99aabbcc, 30

	DAT_ON
	l	%r1,va_200000-BASE(%r12)	/* segment 2 is invalid */
	EXPECT_PGM
	l	%r2,0(%r1)
	GOT_PGM 0x10, 0x200000, 31

	DAT_ON
	l	%r1,va_110000-BASE(%r12)	/* page 16: beyond the 16-entry table */
	EXPECT_PGM
	l	%r2,0(%r1)
	GOT_PGM 0x11, 0x110000, 34

	l	%r1,va_105020-BASE(%r12)
	lra	%r3,0(%r1)
	CHECK_CC 0, 37
	CHECK_REG %r3, 0x033020, 38

	/* ---- an invalid translation format: page-size bits 11.  The next
	 * instruction fetch after DAT is switched on already needs it. ---- */
	lctl	%c0,%c0,cr_bad-BASE(%r12)
	EXPECT_PGM
	DAT_ON
	l	%r2,0(%r1)
	GOT_PGM 0x12, , 40
	mvc	PSA_PGM_NEW(8,%r0),unexpected_pgm_psw-BASE(%r12)
	PRINT	msg, msgend-msg
	TEST_PASS

/* Program interruptions: record the code and the translation-exception
 * address, continue at r11 (with DAT off: the new PSW has it off). */
pgm_handler:
	mvc	pgm_code+2-BASE(2,%r12),PSA_PGM_CODE(%r0)
	mvc	pgm_tea-BASE(4,%r12),144(%r0)
	br	%r11

	.align	8
pgm_psw:	.long	0x00080000, pgm_handler
unexpected_pgm_psw: .long WAIT_PSW_HI, WAIT_PSW_LO + 0xe1
pgm_code:	.long	0
pgm_tea:	.long	0
sysmask:	.long	0
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
