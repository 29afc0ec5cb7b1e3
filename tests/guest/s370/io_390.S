/* ESA/390 channel subsystem (PoO-390 §14-16): STSCH, SSCH with format-1
 * CCWs and data chaining, TSCH and its IRB, deferred condition code, TPI,
 * the I/O interruption code at 184, and the operand exception for a bad
 * subsystem-identification word. */
#include "s370test.h"

	TEST_START
	/* STSCH of the console's subchannel 0: device 0009, enabled. */
	l	%r1,.Lsid0-BASE(%r12)
	.insn	s,0xb2340000,.Lmyschib-BASE(%r12)	/* STSCH */
	CHECK_CC 0, 1
	l	%r4,.Lmyschib+4-BASE(%r12)
	CHECK_REG %r4, 0x00810009, 2		/* E, V, device 0009 */
	l	%r1,.Lsidnone-BASE(%r12)
	.insn	s,0xb2340000,.Lmyschib-BASE(%r12)
	CHECK_CC 3, 3

	/* A write in two format-1 data-chained pieces. */
	la	%r3,.Lwrite-BASE(%r12)
	st	%r3,.Lmyorb+8-BASE(%r12)
	l	%r1,.Lsid0-BASE(%r12)
	.insn	s,0xb2330000,.Lmyorb-BASE(%r12)	/* SSCH */
	CHECK_CC 0, 4
	.insn	s,0xb2350000,.Lmyirb-BASE(%r12)	/* TSCH */
	CHECK_CC 0, 5
	l	%r4,.Lmyirb-BASE(%r12)
	CHECK_REG %r4, 0x00c04007, 6		/* F, P, start, primary+secondary+pending */
	l	%r4,.Lmyirb+4-BASE(%r12)
	la	%r5,.Lwrite+16-BASE(%r12)
	clr	%r4,%r5
	be	.Laddrok-BASE(%r12)
	TEST_FAIL 7
.Laddrok:
	l	%r4,.Lmyirb+8-BASE(%r12)
	CHECK_REG %r4, 0x0c000000, 8		/* CE DE, count 0 */
	.insn	s,0xb2350000,.Lmyirb-BASE(%r12)
	CHECK_CC 1, 9				/* no longer status pending */

	/* An immediate command: deferred condition code 1. */
	la	%r3,.Lnop-BASE(%r12)
	st	%r3,.Lmyorb+8-BASE(%r12)
	.insn	s,0xb2330000,.Lmyorb-BASE(%r12)
	CHECK_CC 0, 10
	.insn	s,0xb2330000,.Lmyorb-BASE(%r12)
	CHECK_CC 1, 11				/* status pending */
	.insn	s,0xb2350000,.Lmyirb-BASE(%r12)
	CHECK_CC 0, 12
	l	%r4,.Lmyirb-BASE(%r12)
	CHECK_REG %r4, 0x01c04007, 13

	/* TPI with I/O disabled: the code goes to 184. */
	mvc	.Lmyorb(4),.Lparm-BASE(%r12)
	la	%r3,.Lwrite-BASE(%r12)
	st	%r3,.Lmyorb+8-BASE(%r12)
	lctl	%c6,%c6,.Lcr6-BASE(%r12)
	.insn	s,0xb2330000,.Lmyorb-BASE(%r12)
	CHECK_CC 0, 14
	.insn	s,0xb2360000,0(%r0)		/* TPI 0 */
	CHECK_CC 1, 15
	l	%r4,184(%r0)
	CHECK_REG %r4, 0x00010000, 16
	l	%r4,188(%r0)
	CHECK_REG %r4, 0x12345678, 17
	.insn	s,0xb2360000,0(%r0)
	CHECK_CC 0, 18
	.insn	s,0xb2350000,.Lmyirb-BASE(%r12)
	CHECK_CC 0, 19

	/* The interruption from an enabled wait. */
	mvc	PSA_IO_NEW(8,%r0),.Lionew-BASE(%r12)
	xc	184(8,%r0),184(%r0)
	.insn	s,0xb2330000,.Lmyorb-BASE(%r12)
	CHECK_CC 0, 20
	lpsw	.Lwaitio-BASE(%r12)
.Lioint:
	l	%r4,184(%r0)
	CHECK_REG %r4, 0x00010000, 21
	l	%r4,188(%r0)
	CHECK_REG %r4, 0x12345678, 22
	.insn	s,0xb2350000,.Lmyirb-BASE(%r12)
	CHECK_CC 0, 23

	/* GR1 without 0001 in its high half: operand exception. */
	mvc	PSA_PGM_NEW(8,%r0),.Lpgmnew-BASE(%r12)
	sr	%r1,%r1
	.insn	s,0xb2350000,.Lmyirb-BASE(%r12)
	TEST_FAIL 24
.Lpgm:	clc	PSA_PGM_CODE(2,%r0),.Lopexc-BASE(%r12)
	be	.Lpgmok-BASE(%r12)
	TEST_FAIL 25
.Lpgmok:
	PRINT .Lmsg, .Lmsgend-.Lmsg
	TEST_PASS

	.align	8
.Lwaitio: .long	0x020a0000, 0x80000000+.Lioint	/* I/O enabled, wait */
.Lionew:  .long	0x00080000, 0x80000000+.Lioint
.Lpgmnew: .long	0x00080000, 0x80000000+.Lpgm
.Lwrite:  .long	0x09800005, .Lpart1		/* write, CD, 5 bytes */
	  .long	0x09000002, .Lpart2
.Lnop:	  .long	0x03200001, 0			/* NOP, SLI */
.Lsid0:	  .long	0x00010000
.Lsidnone: .long 0x0001ffff
.Lparm:	  .long	0x12345678
.Lcr6:	  .long	0x80000000			/* ISC 0 */
.Lmyorb:	  .long	0, 0x00c0ff00, 0		/* format 1, prefetch, LPM */
.Lmyirb:	  .fill	96, 1, 0
.Lmyschib:  .fill	52, 1, 0
.Lopexc:  .short 0x0015
.Lpart1:  EBCDIC ESA/3
.Lpart2:  EBCDIC 90
.Lmsg:	  EBCDIC IO390_PASSED
.Lmsgend:
	TEST_ROUTINES
