/*
 * A 3525 card punch and a 3505 card reader on one host file (punch.args
 * puts both in a temporary directory): the cards punched at 00D are read
 * back at 00E.  WRITE punches 80 columns, a short WRITE with SLI punches
 * the rest blank; at the end of the cards the reader, with eof=on, ends
 * the READ with unit exception (3505/3525 component description; PoO-370
 * §13 for SIO, TIO and the CSW).  Fail codes: 0xXY, X the part.
 */
#include "s370test.h"

/* clang-format off */
	/* Start the channel program at ccws on device dev and wait for its
	 * end: the CSW then holds the ending status.  The device may end it
	 * at once (SIO cc 1, CSW stored) or later (SIO cc 0, then TIO until
	 * not busy: cc 1, CSW stored).  Fail codes fc (SIO's cc 2 or 3) and
	 * fc+1 (TIO's cc). */
	.macro RUN_IO dev, ccws, fc
	la	%r3,\ccws-BASE(%r12)
	st	%r3,PSA_CAW(%r0)
	.insn	s,0x9c000000,\dev(%r0)		/* SIO */
	bc	4,.Lend\@-BASE(%r12)
	CC	0, \fc
.Lbusy\@: .insn	s,0x9d000000,\dev(%r0)		/* TIO */
	bc	2,.Lbusy\@-BASE(%r12)
	CC	1, \fc+1
.Lend\@:
	.endm

	/* The CSW's status and count (second word) are the word at want. */
	.macro CSW_IS want, code
	l	%r4,PSA_CSW+4(%r0)
	REG	%r4, \want, \code
	.endm

	TEST_START

	/* ---- punch two cards, command-chained (1x) ---- */
	RUN_IO	0x00d, .Lpunch, 0x10
	CSW_IS	.Kce_de, 0x12

	/* ---- read them back (2x, 3x) ---- */
	RUN_IO	0x00e, .Lread, 0x20
	CSW_IS	.Kce_de, 0x22
	SAME	.Lbuf, .Lcard1, 80, 0x23
	RUN_IO	0x00e, .Lread, 0x30
	CSW_IS	.Kce_de, 0x32
	SAME	.Lbuf, .Lcard2_punched, 80, 0x33

	/* ---- no third card: unit exception, nothing read (4x) ---- */
	mvi	.Lbuf-BASE(%r12),0xff
	RUN_IO	0x00e, .Lread, 0x40
	CSW_IS	.Kce_de_ue, 0x42
	cli	.Lbuf-BASE(%r12),0xff
	la	%r15,0x43
	bc	7,.Lfail-BASE(%r12)

	TEST_PASS

	CHECK_ROUTINES

	.align	8
.Lpunch:
	.long	0x01000000+.Lcard1, 0x40000050		/* WRITE, CC, 80 */
	.long	0x01000000+.Lcard2, 0x2000000b		/* WRITE, SLI, 11 */
.Lread:	.long	0x02000000+.Lbuf, 0x20000050		/* READ, SLI, 80 */
.Kce_de:	.long	0x0c000000			/* channel end, device end */
.Kce_de_ue:	.long	0x0d000000 + 80			/* and unit exception; count 80 */
.Lcard1:	EBCDIC PUNCHED_AND_READ_BACK_BY_DOPPEL
	.fill	80-(.-.Lcard1), 1, 0x40
.Lcard2_punched:
.Lcard2:	EBCDIC SECOND_CARD
	.fill	80-(.-.Lcard2), 1, 0x40		/* what the punch adds */
.Lbuf:	.fill	80, 1, 0
	TEST_ROUTINES
/* clang-format on */
