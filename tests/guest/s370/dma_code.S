/*
 * Code overwritten by DMA: a card READ (3505 at 00E) stores new
 * instructions over code that a hot loop has run thousands of times
 * (hotloop.h: long enough for -accel jit to compile it), and the loop,
 * run hot again, must run the new code from the first pass after the
 * READ ended.  The cards are the test's own: it punches them first on a
 * 3525 at 00D into the same host file (dma_code.args; as punch.S).
 * The I/O instruction that sees the READ ended serialises the CPU
 * (PoO-370 chapter 5, "CPU Serialization"; PoO-390 chapter 5), so the
 * instructions fetched after it are the ones the channel stored.
 *   1x  the loop calls a subroutine that the READ replaces
 *       (LA 1 -> LA 4).
 *   2x  the READ, started from the loop's own ripe path, replaces the
 *       loop's first two instructions (LA 1, LA 0 -> LA 6, LA 1).
 * r6, what the loop computed, must equal r7, the sum of what each
 * version of the code adds (r8).  Fail codes: 0xXY, X the part (0x0Y:
 * punching the cards).
 */
#include "s370test.h"
#include "hotloop.h"

/* clang-format off */
#if defined(ESA390)
	/* Find the subchannel of device devno (PoO-390 §15 "STORE
	 * SUBCHANNEL"), enable it (MODIFY SUBCHANNEL) and keep its
	 * subsystem-identification word at sid.  Fail code fc: no such
	 * device, fc+1: MSCH failed.  Uses r1 and r15. */
	.macro FIND_SUBCHANNEL devno, sid, fc
	l	%r1,.Kssid0-BASE(%r12)
.Lnext\@:
	.insn	s,0xb2340000,.Ldschib-BASE(%r12)	/* STSCH */
	la	%r15,\fc
	bc	7,.Lfail-BASE(%r12)		/* cc 3: past the last one */
	clc	.Ldschib+6-BASE(2,%r12),.Kdev\@-BASE(%r12)
	bc	8,.Lfound\@-BASE(%r12)
	la	%r1,1(,%r1)
	b	.Lnext\@-BASE(%r12)
.Kdev\@: .short	\devno
.Lfound\@:
	st	%r1,\sid-BASE(%r12)
	oi	.Ldschib+5-BASE(%r12),0x80		/* PMCW enabled */
	.insn	s,0xb2320000,.Ldschib-BASE(%r12)	/* MSCH */
	CC	0, \fc+1
	.endm

	/* Run the channel program at ccws on the subchannel whose SID is
	 * at dev: SSCH, then TSCH until status pending; the SCSW's status
	 * and count must be channel end, device end, count 0.  Fail codes
	 * fc (SSCH), fc+1 (TSCH), fc+2 (status).  Uses r1, r3, r4, r15. */
	.macro RUN_IO dev, ccws, fc
	la	%r3,\ccws-BASE(%r12)
	st	%r3,.Ldorb+8-BASE(%r12)
	l	%r1,\dev-BASE(%r12)
	.insn	s,0xb2330000,.Ldorb-BASE(%r12)	/* SSCH */
	CC	0, \fc
.Lbusy\@:
	l	%r1,\dev-BASE(%r12)
	.insn	s,0xb2350000,.Ldirb-BASE(%r12)	/* TSCH */
	bc	4,.Lbusy\@-BASE(%r12)		/* cc 1: not status pending */
	CC	0, \fc+1
	l	%r4,.Ldirb+8-BASE(%r12)
	REG	%r4, .Kce_de, \fc+2
	.endm
#else
	/* Run the channel program at ccws on device dev (PoO-370 §13):
	 * SIO, then TIO until it is no longer busy; the CSW's status and
	 * count must be channel end, device end, count 0.  Fail codes fc
	 * (SIO), fc+1 (TIO), fc+2 (status).  Uses r3, r4, r15. */
	.macro RUN_IO dev, ccws, fc
	la	%r3,\ccws-BASE(%r12)
	st	%r3,PSA_CAW(%r0)
	.insn	s,0x9c000000,\dev(%r0)		/* SIO */
	bc	4,.Lend\@-BASE(%r12)		/* cc 1: ended, CSW stored */
	CC	0, \fc
.Lbusy\@:
	.insn	s,0x9d000000,\dev(%r0)		/* TIO */
	bc	2,.Lbusy\@-BASE(%r12)
	CC	1, \fc+1
.Lend\@:
	l	%r4,PSA_CSW+4(%r0)
	REG	%r4, .Kce_de, \fc+2
	.endm
#endif

	TEST_START
#if defined(ESA390)
	FIND_SUBCHANNEL 0x000d, .Lpunch_sid, 0x01
	FIND_SUBCHANNEL 0x000e, .Lreader_sid, 0x03
#define PUNCH  .Lpunch_sid
#define READER .Lreader_sid
#else
#define PUNCH  0x00d
#define READER 0x00e
#endif
	RUN_IO	PUNCH, .Lpunch, 0x05

	/* ---- 1x: the READ replaces a subroutine the loop calls ---- */
	sr	%r6,%r6
	sr	%r7,%r7
	la	%r8,1
	sr	%r9,%r9				/* 1 once the READ has run */
	bal	%r14,stage_start-BASE(%r12)
.L1loop:
	bal	%r14,.Lsub-BASE(%r12)
	ar	%r7,%r8
	la	%r5,1(,%r5)
	bal	%r14,ripe-BASE(%r12)
	bc	4,.L1loop-BASE(%r12)
	ltr	%r9,%r9
	bc	7,.L1done-BASE(%r12)
	RUN_IO	READER, .Lread1, 0x11
	la	%r8,4
	la	%r9,1
	bal	%r14,stage_start-BASE(%r12)
	b	.L1loop-BASE(%r12)
.L1done:
	cr	%r6,%r7
	la	%r15,0x14
	bc	7,.Lfail-BASE(%r12)
	SAME	.Lsub, .Lcard1, .Lcard1end-.Lcard1, 0x15

	/* ---- 2x: the READ replaces the loop's first instructions ---- */
	sr	%r6,%r6
	sr	%r7,%r7
	la	%r8,1
	sr	%r9,%r9
	sr	%r10,%r10
	bal	%r14,stage_start-BASE(%r12)
.L2loop:
.L2p:	la	%r6,1(,%r6)			/* replaced by the READ */
	la	%r10,0(,%r10)
	ar	%r7,%r8
	la	%r5,1(,%r5)
	bal	%r14,ripe-BASE(%r12)
	bc	4,.L2loop-BASE(%r12)
	ltr	%r9,%r9
	bc	7,.L2done-BASE(%r12)
	RUN_IO	READER, .Lread2, 0x21
	la	%r8,6
	la	%r9,1
	bal	%r14,stage_start-BASE(%r12)
	b	.L2loop-BASE(%r12)
.L2done:
	cr	%r6,%r7
	la	%r15,0x24
	bc	7,.Lfail-BASE(%r12)
	cr	%r10,%r5			/* LA 1: once a pass since the READ */
	la	%r15,0x25
	bc	7,.Lfail-BASE(%r12)
	SAME	.L2p, .Lcard2, .Lcard2end-.Lcard2, 0x26

	PRINT	.Lmsg, .Lmsgend-.Lmsg
	TEST_PASS

	/* Replaced by the first card. */
.Lsub:	la	%r6,1(,%r6)
	br	%r14

	HOT_ROUTINES
	CHECK_ROUTINES

	.align	8
	/* Two cards, command-chained; then READs of the code on each. */
.Lpunch:
	.long	0x01000000+.Lcard1, 0x40000050		/* WRITE, CC, 80 */
	.long	0x01000000+.Lcard2, 0x00000050		/* WRITE, 80 */
.Lread1: .long	0x02000000+.Lsub, 0x20000000+.Lcard1end-.Lcard1	/* READ, SLI */
.Lread2: .long	0x02000000+.L2p, 0x20000000+.Lcard2end-.Lcard2
.Kce_de: .long	0x0c000000			/* channel end, device end, count 0 */
#if defined(ESA390)
.Kssid0: .long	0x00010000
.Lpunch_sid: .long 0
.Lreader_sid: .long 0
.Ldorb:	.long	0, 0x0000ff00, 0, 0, 0, 0, 0, 0	/* format-0 CCWs, LPM */
.Ldirb:	.fill	96, 1, 0
.Ldschib: .fill	52, 1, 0
#endif
	/* The cards: new code, the rest of the 80 columns blank. */
.Lcard1:
	la	%r6,4(,%r6)
	br	%r14
.Lcard1end:
	.fill	80-(.-.Lcard1), 1, 0x40
.Lcard2:
	la	%r6,6(,%r6)
	la	%r10,1(,%r10)
.Lcard2end:
	.fill	80-(.-.Lcard2), 1, 0x40
.Lmsg:	EBCDIC DMA_CODE_PASSED
.Lmsgend:
	HOT_DATA
	TEST_ROUTINES
/* clang-format on */
