/* S/370 channel I/O (PoO-370 §13): SIO, TIO, TCH, STIDC, the CSW they
 * store, chaining, sense after unit check, and an I/O interruption taken
 * from an enabled wait with the I/O address at 186. */
#include "s370test.h"

	TEST_START
	/* No device at 0FF, no channel 5: condition code 3. */
	.insn	s,0x9c000000,0x0ff(%r0)		/* SIO 0FF */
	CHECK_CC 3, 1
	.insn	s,0x9f000000,0x500(%r0)		/* TCH 5 */
	CHECK_CC 3, 2
	.insn	s,0x9f000000,0x000(%r0)		/* TCH 0 */
	CHECK_CC 0, 3
	.insn	s,0xb2030000,0x000(%r0)		/* STIDC 0 */
	CHECK_CC 0, 4
	l	%r4,0xa8(%r0)			/* channel ID word */
	CHECK_REG %r4, 0x10000000, 5		/* byte multiplexer */

	/* An immediate command without chaining: cc 1, CSW stored. */
	la	%r3,.Lnop-BASE(%r12)
	st	%r3,PSA_CAW(%r0)
	.insn	s,0x9c000000,0x009(%r0)		/* SIO 009 */
	CHECK_CC 1, 6
	l	%r4,PSA_CSW+4(%r0)
	CHECK_REG %r4, 0x0c000001, 7		/* CE DE, count 1 */

	/* Data chaining and command chaining: cc 0, TIO stores the CSW. */
	la	%r3,.Lchain-BASE(%r12)
	st	%r3,PSA_CAW(%r0)
	.insn	s,0x9c000000,0x009(%r0)
	CHECK_CC 0, 8
.Ltio:	.insn	s,0x9d000000,0x009(%r0)		/* TIO 009 */
	bc	2,.Ltio-BASE(%r12)
	CHECK_CC 1, 9
	l	%r4,PSA_CSW(%r0)
	la	%r5,.Lchain+24-BASE(%r12)
	clr	%r4,%r5
	be	.Lcswok-BASE(%r12)
	TEST_FAIL 10
.Lcswok:
	l	%r4,PSA_CSW+4(%r0)
	CHECK_REG %r4, 0x0c000000, 11
	.insn	s,0x9d000000,0x009(%r0)
	CHECK_CC 0, 12

	/* Unit check for an invalid command; SENSE says command reject. */
	la	%r3,.Lbad-BASE(%r12)
	st	%r3,PSA_CAW(%r0)
	.insn	s,0x9c000000,0x009(%r0)
	CHECK_CC 1, 13
	cli	PSA_CSW+4(%r0),0x0e
	be	.Lucok-BASE(%r12)
	TEST_FAIL 14
.Lucok:	la	%r3,.Lsense-BASE(%r12)
	st	%r3,PSA_CAW(%r0)
	.insn	s,0x9c000000,0x009(%r0)
	CHECK_CC 0, 15
.Ltio2:	.insn	s,0x9d000000,0x009(%r0)
	bc	2,.Ltio2-BASE(%r12)
	cli	.Lsbyte-BASE(%r12),0x80
	be	.Lsok-BASE(%r12)
	TEST_FAIL 16
.Lsok:
	/* TIC to TIC: program check in the channel status. */
	la	%r3,.Lticnop-BASE(%r12)
	st	%r3,PSA_CAW(%r0)
	.insn	s,0x9c000000,0x009(%r0)
	CHECK_CC 0, 17
.Ltio3:	.insn	s,0x9d000000,0x009(%r0)
	bc	2,.Ltio3-BASE(%r12)
	cli	PSA_CSW+5(%r0),0x20
	be	.Lpcok-BASE(%r12)
	TEST_FAIL 18
.Lpcok:
	/* The interruption: start a write, wait enabled for I/O. */
	mvc	PSA_IO_NEW(8,%r0),.Lionew-BASE(%r12)
	la	%r3,.Lmsg2ccw-BASE(%r12)
	st	%r3,PSA_CAW(%r0)
	.insn	s,0x9c000000,0x009(%r0)
	CHECK_CC 0, 19
	lpsw	.Lwaitio-BASE(%r12)
.Lioint:
	clc	0xba(2,%r0),.Ldev009-BASE(%r12)
	be	.Ldevok-BASE(%r12)
	TEST_FAIL 20
.Ldevok:
	l	%r4,PSA_CSW+4(%r0)
	CHECK_REG %r4, 0x0c000000, 21
	.insn	s,0x9d000000,0x009(%r0)
	CHECK_CC 0, 22
	PRINT .Lmsg3, .Lmsg3end-.Lmsg3
	TEST_PASS

	.align	8
.Lwaitio: .long	0x020a0000, .Lioint	/* EC, I/O enabled, wait */
.Lionew:  .long	0x00080000, .Lioint	/* EC, disabled */
.Lnop:	.long	0x03000000, 0x00000001
.Lchain:
	.long	0x09000000+.Lseg1, 0x80000004	/* write, CD */
	.long	.Lseg2, 0x40000006		/* continued, CC */
	.long	0x09000000+.Lseg3, 0x00000002
.Lbad:	.long	0x05000000, 0x20000001
.Lsense: .long	0x04000000+.Lsbyte, 0x20000001
.Lticnop: .long	0x03000000, 0x40000001	/* NOP, CC */
	.long	0x08000000+.Ltic2, 0		/* TIC */
.Ltic2:	.long	0x08000000+.Lticnop, 0		/* TIC to TIC */
.Lmsg2ccw: .long 0x09000000+.Lmsg2, 0x00000009
.Ldev009: .short 0x0009
.Lsbyte: .byte	0xff
.Lseg1:	EBCDIC DATA
.Lseg2:	EBCDIC _CHAIN
.Lseg3:	EBCDIC OK
.Lmsg2:	EBCDIC INTERRUPT
.Lmsg3:	EBCDIC IO370_PASSED
.Lmsg3end:
	TEST_ROUTINES
