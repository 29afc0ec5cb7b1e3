/*
 * Test scaffolding for S/370 and ESA/390 guest programs (GNU as through
 * s390x-linux-gnu-gcc, so cpp runs first).  See README.md.
 *
 * A test is loaded at 0x400 by its IPL deck and entered with every
 * interruption disabled.  TEST_START makes r12 the base register (BASE
 * is its address: write operands as label-BASE(%r12)) and points the
 * program, SVC, external and I/O new PSWs at handlers that end the run
 * with a distinct failure code, unless the test installs its own.
 *
 *   TEST_START
 *   CHECK_REG %r1, 42, 1      fail with code 1 unless r1 == 42
 *   CHECK_MEM label, 0x1234, 2  fullword at label
 *   PRINT msg, len            write len bytes at msg on the 3215 at 009
 *   TEST_PASS                 disabled wait, code 0
 *   TEST_FAIL 5               disabled wait, code 5
 *
 * Failure codes 0xE0-0xEF are the scaffolding's own: an unexpected
 * program (E1), SVC (E2), external (E3) or I/O (E4) interruption, a
 * console error (E5).
 */
#ifndef S370TEST_H
#define S370TEST_H

#if defined(ESA390)
#define WAIT_PSW_HI 0x000a0000 /* ESA/390: EC bit 12, wait */
#define WAIT_PSW_LO 0x80000000 /* 31-bit addressing */
#else
#define WAIT_PSW_HI 0x000a0000 /* S/370 EC mode, wait */
#define WAIT_PSW_LO 0x00000000
#endif

/* Fixed storage locations (PoO-370 fig. 3-3). */
#define PSA_EXT_OLD  0x18
#define PSA_SVC_OLD  0x20
#define PSA_PGM_OLD  0x28
#define PSA_IO_OLD   0x38
#define PSA_CSW      0x40
#define PSA_CAW      0x48
#define PSA_EXT_NEW  0x58
#define PSA_SVC_NEW  0x60
#define PSA_PGM_NEW  0x68
#define PSA_IO_NEW   0x78
#define PSA_SVC_ILC  0x89
#define PSA_SVC_CODE 0x8a
#define PSA_PGM_ILC  0x8d
#define PSA_PGM_CODE 0x8e
#define PSA_TEA      0x90 /* translation-exception address; ESA/390: also the DXC */

/* clang-format off */
	.macro TEST_FAIL code
	lpsw	.Lfail\@-BASE(%r12)
	.align	8
.Lfail\@:
	.long	WAIT_PSW_HI, WAIT_PSW_LO + (\code)
	.endm

	.macro TEST_PASS
	TEST_FAIL 0
	.endm

	.macro TEST_START
	.text
	.globl	_start
_start:
	balr	%r12,0
BASE:
	mvc	PSA_PGM_NEW(8,%r0),.Lnew_pgm-BASE(%r12)
	mvc	PSA_SVC_NEW(8,%r0),.Lnew_svc-BASE(%r12)
	mvc	PSA_EXT_NEW(8,%r0),.Lnew_ext-BASE(%r12)
	mvc	PSA_IO_NEW(8,%r0),.Lnew_io-BASE(%r12)
#if defined(ESA390)
	bas	%r14,test_console_enable-BASE(%r12)
#endif
	b	.Lbody-BASE(%r12)
	.align	8
.Lnew_pgm:	.long	WAIT_PSW_HI, WAIT_PSW_LO + 0xe1
.Lnew_svc:	.long	WAIT_PSW_HI, WAIT_PSW_LO + 0xe2
.Lnew_ext:	.long	WAIT_PSW_HI, WAIT_PSW_LO + 0xe3
.Lnew_io:	.long	WAIT_PSW_HI, WAIT_PSW_LO + 0xe4
.Lbody:
	.endm

	/* Fail with code unless register reg equals the 32-bit value. */
	.macro CHECK_REG reg, value, code
	cl	\reg,.Lv\@-BASE(%r12)
	be	.Lok\@-BASE(%r12)
	TEST_FAIL \code
	.align	4
.Lv\@:	.long	\value
.Lok\@:
	.endm

	/* Fail with code unless the fullword at addr equals value (uses r0). */
	.macro CHECK_MEM addr, value, code
	l	%r0,\addr-BASE(%r12)
	CHECK_REG %r0, \value, \code
	.endm

	/* Fail with code unless the condition code is cc (0-3). */
	.macro CHECK_CC cc, code
	bc	(8 >> \cc),.Lok\@-BASE(%r12)
	TEST_FAIL \code
.Lok\@:
	.endm

	/* Write len bytes at msg (EBCDIC) to the console (uses r0-r3, r14). */
	.macro PRINT msg, len
	la	%r1,\msg-BASE(%r12)
	la	%r2,\len
	bas	%r14,test_print-BASE(%r12)
	.endm

	/* The console routines; place once, after the test's code. */
	.macro TEST_ROUTINES
	.align	8
#if defined(ESA390)
	/* Enable subchannel 0 (the console) so SSCH works. */
test_console_enable:
	l	%r1,.Lssid-BASE(%r12)
	.insn	s,0xb2340000,.Lschib-BASE(%r12)		/* STSCH */
	oi	.Lschib+5-BASE(%r12),0x80		/* PMCW enabled */
	.insn	s,0xb2320000,.Lschib-BASE(%r12)		/* MSCH */
	br	%r14
test_print:
	stcm	%r1,7,.Lccw+1-BASE(%r12)
	sth	%r2,.Lccw+6-BASE(%r12)
	la	%r3,.Lccw-BASE(%r12)
	st	%r3,.Lorb+8-BASE(%r12)
	l	%r1,.Lssid-BASE(%r12)
	.insn	s,0xb2330000,.Lorb-BASE(%r12)		/* SSCH */
	bc	7,.Lcons_err-BASE(%r12)
.Lwait:	l	%r1,.Lssid-BASE(%r12)
	.insn	s,0xb2350000,.Lirb-BASE(%r12)		/* TSCH */
	bc	4,.Lwait-BASE(%r12)			/* cc 1: nothing yet */
	br	%r14
.Lcons_err:
	TEST_FAIL 0xe5
	.align	4
.Lssid:	.long	0x00010000
.Lorb:	.long	0, 0, 0, 0, 0, 0, 0, 0
.Lirb:	.fill	96, 1, 0
.Lschib: .fill	52, 1, 0
#else
test_print:
	stcm	%r1,7,.Lccw+1-BASE(%r12)
	sth	%r2,.Lccw+6-BASE(%r12)
	la	%r3,.Lccw-BASE(%r12)
	st	%r3,PSA_CAW(%r0)
	.insn	s,0x9c000000,0x009(%r0)			/* SIO 009 */
	bc	7,.Lcons_err-BASE(%r12)
.Lwait:	.insn	s,0x9d000000,0x009(%r0)			/* TIO 009 */
	bc	2,.Lwait-BASE(%r12)			/* cc 2: busy */
	br	%r14
.Lcons_err:
	TEST_FAIL 0xe5
#endif
	.align	8
.Lccw:	.byte	0x09, 0, 0, 0, 0x20, 0, 0, 0		/* WRITE, auto carriage return, SLI */
	.endm
	/* ---- Checks that fail through r15 (the failure code) and a
	 * CHECK_ROUTINES block placed once after the code. ---- */

	/* Fail with code unless the CC is cc. */
	.macro CC cc, code
	la	%r15,\code
	bc	15-(8>>\cc),.Lfail-BASE(%r12)
	.endm

	/* Fail with code unless len bytes at a equal those at b. */
	.macro SAME a, b, len, code
	clc	\a-BASE(\len,%r12),\b-BASE(%r12)
	la	%r15,\code
	bc	7,.Lfail-BASE(%r12)
	.endm

	/* Copy len bytes of constant src to dst. */
	.macro SET dst, src, len
	mvc	\dst-BASE(\len,%r12),\src-BASE(%r12)
	.endm

	/* Fail with code unless register reg holds the fullword at want. */
	.macro REG reg, want, code
	cl	\reg,\want-BASE(%r12)
	la	%r15,\code
	bc	7,.Lfail-BASE(%r12)
	.endm

	/* Expect a program interruption: it resumes at resume, in the
	 * supervisor state with PSW key 0 and DAT off.  Uses r11. */
	.macro CATCH resume
	mvc	PSA_PGM_NEW(8,%r0),.Lcatch_psw-BASE(%r12)
	la	%r11,\resume-BASE(%r12)
	.endm

	/* The same for a supervisor-call interruption. */
	.macro CATCH_SVC resume
	mvc	PSA_SVC_NEW(8,%r0),.Lcatch_psw-BASE(%r12)
	la	%r11,\resume-BASE(%r12)
	.endm

	/* After it: the interruption code, the ILC and the old PSW's
	 * instruction address (next); fail codes fc, fc+1, fc+2.  A blank
	 * ilc or next is not checked (where the architecture leaves it
	 * open).  Uses r0, r1 and r15. */
	.macro CAUGHT code, ilc, next, fc
	CAUGHT_CLASS PSA_PGM_NEW, .Lnew_pgm, PSA_PGM_CODE, PSA_PGM_ILC, PSA_PGM_OLD, \code, \ilc, \next, \fc
	.endm

	/* The same after CATCH_SVC: the SVC's code, ILC and old PSW. */
	.macro CAUGHT_SVC code, ilc, next, fc
	CAUGHT_CLASS PSA_SVC_NEW, .Lnew_svc, PSA_SVC_CODE, PSA_SVC_ILC, PSA_SVC_OLD, \code, \ilc, \next, \fc
	.endm

	/* CAUGHT and its class's locations: restore the class's new PSW
	 * (TEST_START's), then check the code, ILC and old PSW. */
	.macro CAUGHT_CLASS new, new_psw, code_at, ilc_at, old_at, code, ilc, next, fc
	mvc	\new(8,%r0),\new_psw-BASE(%r12)
	clc	\code_at(2,%r0),.Lcode\@-BASE(%r12)
	la	%r15,\fc
	bc	7,.Lfail-BASE(%r12)
	.ifnb \ilc
	cli	\ilc_at(%r0),\ilc
	la	%r15,\fc+1
	bc	7,.Lfail-BASE(%r12)
	.endif
	.ifnb \next
	l	%r0,\old_at+4(%r0)
	n	%r0,.Lamask-BASE(%r12)
	la	%r1,\next-BASE(%r12)
	cr	%r0,%r1
	la	%r15,\fc+2
	bc	7,.Lfail-BASE(%r12)
	.endif
	b	.Ldone\@-BASE(%r12)
.Lcode\@:	.short \code
.Ldone\@:
	.endm

	/* CAUGHT, and the old PSW's CC is cc (fail code fc+3). */
	.macro CAUGHT_CC code, ilc, next, cc, fc
	CAUGHT	\code, \ilc, \next, \fc
	sr	%r0,%r0
	ic	%r0,PSA_PGM_OLD+2(%r0)
	n	%r0,.Lccmask-BASE(%r12)
	la	%r1,(\cc << 4)
	cr	%r0,%r1
	la	%r15,\fc+3
	bc	7,.Lfail-BASE(%r12)
	.endm

	/* CAUGHT, and the word at real location 144 is word (fail code
	 * fc+3): the translation-exception address of a segment- or
	 * page-translation exception, or (ESA/390) the data-exception code
	 * of a data exception, right-aligned in zeros. */
	.macro CAUGHT_144 code, ilc, next, word, fc
	CAUGHT	\code, \ilc, \next, \fc
	clc	PSA_TEA(4,%r0),.Lword\@-BASE(%r12)
	la	%r15,\fc+3
	bc	7,.Lfail-BASE(%r12)
	b	.Ldone\@-BASE(%r12)
	.align	4
.Lword\@:	.long \word
.Ldone\@:
	.endm

	/* Switch DAT on or off (STOSM/STNSM; the old system mask goes to a
	 * byte of CHECK_ROUTINES). */
	.macro DAT_ON
	stosm	.Lsysmask-BASE(%r12),0x04
	.endm
	.macro DAT_OFF
	stnsm	.Lsysmask-BASE(%r12),0xfb
	.endm

	/* No interruption came: fail with code. */
	.macro NOT_CAUGHT code
	la	%r15,\code
	b	.Lfail-BASE(%r12)
	.endm

	/* What the checks above branch to; place once, after the code. */
	.macro CHECK_ROUTINES
.Lfail:	stc	%r15,.Lfail_psw+7-BASE(%r12)
	lpsw	.Lfail_psw-BASE(%r12)
.Lcatch: br	%r11
	.align	8
.Lfail_psw:	.long	WAIT_PSW_HI, WAIT_PSW_LO
.Lcatch_psw:	.long	0x00080000, WAIT_PSW_LO + .Lcatch
#if defined(ESA390)
.Lamask:	.long	0x7fffffff
#else
.Lamask:	.long	0x00ffffff
#endif
.Lccmask:	.long	0x30
.Lsysmask:	.byte	0
	.endm

	/* EBCDIC text: letters, digits and . , - ! = ( ) / (':' and ';' confuse gas); write '_'
	 * for a blank (gas macro arguments cannot hold one). */
	.macro EBCDIC text
	.irpc c,\text
	.ifc \c,_
	.byte 0x40
	.else
	.ifc \c,.
	.byte 0x4b
	.else
	.ifc \c,,
	.byte 0x6b
	.else
	.ifc \c,-
	.byte 0x60
	.else
	.ifc \c,!
	.byte 0x5a
	.else
	.ifc \c,=
	.byte 0x7e
	.else
	.ifc \c,(
	.byte 0x4d
	.else
	.ifc \c,)
	.byte 0x5d
	.else
	.ifc \c,/
	.byte 0x61
	.else
	EBCDIC_ALNUM \c
	.endif
	.endif
	.endif
	.endif
	.endif
	.endif
	.endif
	.endif
	.endif
	.endr
	.endm

	/* One character of the ranges A-I J-R S-Z a-i j-r s-z 0-9 (EBCDIC
	 * groups them in runs; gas has no usable character arithmetic here). */
	.macro EBCDIC_ALNUM c
	EBCDIC_RANGE \c, ABCDEFGHI, 0xc1
	EBCDIC_RANGE \c, JKLMNOPQR, 0xd1
	EBCDIC_RANGE \c, STUVWXYZ, 0xe2
	EBCDIC_RANGE \c, abcdefghi, 0x81
	EBCDIC_RANGE \c, jklmnopqr, 0x91
	EBCDIC_RANGE \c, stuvwxyz, 0xa2
	EBCDIC_RANGE \c, 0123456789, 0xf0
	.endm

	.macro EBCDIC_RANGE c, chars, first
	.set .Lebc_i, 0
	.irpc x,\chars
	.ifc \c,\x
	.byte \first + .Lebc_i
	.endif
	.set .Lebc_i, .Lebc_i + 1
	.endr
	.endm
/* clang-format on */

#endif
