/* A 3270 display at 0C0 driven the way an operating system drives a
 * local non-SNA terminal: Erase/Write a screen with a prompt and an input
 * field (waiting for the terminal to become ready if no tn3270 client is
 * connected yet), wait for attention, Read Modified, echo the typed text
 * on the screen with a data-chained Write and on the 3215 console, then
 * wait for PF3 and end.  It needs a client, so it is not one of the
 * plain deck tests: tests/unit/test_tn3270.c builds and runs it with
 * s3270.  GA23-0059 ch. 3-4 for the data stream. */
#include "s370test.h"

#define PSA_IO_ADDR 0xba	/* EC mode: I/O address of the interruption */
#define TEXT_MAX 48		/* the input field's length */

	TEST_START
	mvc	PSA_IO_NEW(8,%r0),.Lionew-BASE(%r12)

	/* The screen.  While no client is connected the terminal is not
	 * ready: unit check, intervention required; then wait for the
	 * device end that says it became ready. */
.Lscreen:
	la	%r3,.Lew-BASE(%r12)
	st	%r3,PSA_CAW(%r0)
	.insn	s,0x9c000000,0x0c0(%r0)		/* SIO 0C0 */
	bc	8,.Lstarted-BASE(%r12)
	bc	4,.Lstored-BASE(%r12)
	TEST_FAIL 1				/* busy or not operational */
.Lstored:
	tm	PSA_CSW+4(%r0),0x02		/* unit check? */
	bz	.Lscreen-BASE(%r12)		/* other status: cleared, retry */
	la	%r3,.Lsense-BASE(%r12)
	st	%r3,PSA_CAW(%r0)
	.insn	s,0x9c000000,0x0c0(%r0)		/* SENSE */
	bc	7,.Lscreen-BASE(%r12)		/* it became ready meanwhile */
	bas	%r14,waitio-BASE(%r12)
	cli	.Lsbyte-BASE(%r12),0x40		/* intervention required */
	be	.Lnotready-BASE(%r12)
	TEST_FAIL 2
.Lnotready:
	bas	%r14,waitio-BASE(%r12)		/* device end: ready */
	tm	PSA_CSW+4(%r0),0x04
	bo	.Lscreen-BASE(%r12)
	TEST_FAIL 4
.Lstarted:
	bas	%r14,waitio-BASE(%r12)
	cli	PSA_CSW+4(%r0),0x0c		/* channel end, device end */
	be	.Lshown-BASE(%r12)
	TEST_FAIL 5

	/* The operator presses Enter: attention, then Read Modified. */
.Lshown:
	bas	%r14,waitio-BASE(%r12)
	tm	PSA_CSW+4(%r0),0x80
	bo	.Lattn-BASE(%r12)
	TEST_FAIL 6
.Lattn:
	bas	%r14,readmod-BASE(%r12)
	cli	.Linput-BASE(%r12),0x7d		/* AID: Enter */
	be	.Lenter-BASE(%r12)
	TEST_FAIL 7
.Lenter:
	/* AID, cursor address, SBA and its address, then the field's text. */
	sr	%r5,%r5
	ch	%r4,.Lsix-BASE(%r12)
	bnh	.Lcopied-BASE(%r12)
	cli	.Linput+3-BASE(%r12),0x11	/* SBA */
	be	.Lhavesba-BASE(%r12)
	TEST_FAIL 8
.Lhavesba:
	lr	%r5,%r4
	sh	%r5,.Lsix-BASE(%r12)
	ch	%r5,.Ltextmax-BASE(%r12)
	bnh	.Llenok-BASE(%r12)
	lh	%r5,.Ltextmax-BASE(%r12)
.Llenok:
	lr	%r6,%r5
	bctr	%r6,0
	ex	%r6,.Lmvc-BASE(%r12)		/* text after "ECHO: " */
.Lcopied:
	la	%r7,.Lechotext-.Lecho(%r5)	/* "ECHO: " + text */
	sth	%r7,.Lwrite+8+6-BASE(%r12)	/* count of the chained CCW */

	/* Echo on the screen: WCC and SBA, data-chained to the text. */
	la	%r3,.Lwrite-BASE(%r12)
	st	%r3,PSA_CAW(%r0)
	.insn	s,0x9c000000,0x0c0(%r0)
	CHECK_CC 0, 9
	bas	%r14,waitio-BASE(%r12)
	cli	PSA_CSW+4(%r0),0x0c
	be	.Lechoed-BASE(%r12)
	TEST_FAIL 10
.Lechoed:
	/* ... and on the console. */
	la	%r1,.Lecho-BASE(%r12)
	lr	%r2,%r7
	bas	%r14,test_print-BASE(%r12)

	/* PF3 ends the program. */
	bas	%r14,waitio-BASE(%r12)
	tm	PSA_CSW+4(%r0),0x80
	bo	.Lattn2-BASE(%r12)
	TEST_FAIL 11
.Lattn2:
	bas	%r14,readmod-BASE(%r12)
	cli	.Linput-BASE(%r12),0xf3		/* AID: PF3 */
	be	.Ldone-BASE(%r12)
	TEST_FAIL 12
.Ldone:
	TEST_PASS

	/* Read Modified into .Linput; r4 = bytes read. */
readmod:
	st	%r14,.Lsave14-BASE(%r12)
	la	%r3,.Lrm-BASE(%r12)
	st	%r3,PSA_CAW(%r0)
	.insn	s,0x9c000000,0x0c0(%r0)
	CHECK_CC 0, 13
	bas	%r14,waitio-BASE(%r12)
	cli	PSA_CSW+4(%r0),0x0c
	be	.Lrmok-BASE(%r12)
	TEST_FAIL 14
.Lrmok:
	lh	%r4,.Lrmcount-BASE(%r12)
	sh	%r4,PSA_CSW+6(%r0)		/* count - residual */
	l	%r14,.Lsave14-BASE(%r12)
	br	%r14

	/* Wait enabled for an I/O interruption from 0C0 (the CSW is at 64). */
waitio:
	st	%r14,.Lsave-BASE(%r12)
.Lwaitagain:
	lpsw	.Lwaitpsw-BASE(%r12)
.Lioint:
	clc	PSA_IO_ADDR(2,%r0),.Ldev0c0-BASE(%r12)
	bne	.Lwaitagain-BASE(%r12)
	l	%r14,.Lsave-BASE(%r12)
	br	%r14

	.align	8
.Lwaitpsw: .long 0x020a0000, .Lioint		/* EC, I/O enabled, wait */
.Lionew:   .long 0x00080000, .Lioint		/* EC, disabled */
.Lew:	.long	0x05000000+.Lscr, 0x20000000+(.Lscrend-.Lscr)	/* Erase/Write, SLI */
.Lsense: .long	0x04000000+.Lsbyte, 0x20000001
.Lrm:	.long	0x06000000+.Linput			/* Read Modified, SLI */
	.byte	0x20, 0
.Lrmcount: .short 256
.Lwrite: .long	0x01000000+.Lwrhead, 0x80000000+(.Lwrheadend-.Lwrhead)	/* Write, CD */
	.long	.Lecho, 0x20000000			/* count set above */
.Lmvc:	mvc	.Lechotext-BASE(1,%r12),.Linput+6-BASE(%r12)
.Lsave:	.long	0
.Lsave14: .long	0
.Lsix:	.short	6
.Ltextmax: .short TEXT_MAX
.Ldev0c0: .short 0x00c0
.Lsbyte: .byte	0xff

	/* WCC (reset, restore keyboard, reset MDT); SBA 0; a highlighted
	 * protected title; at 80 the prompt, an unprotected field from 92
	 * with the cursor, closed by a protected field at 140. */
.Lscr:	.byte	0xc3, 0x11, 0x40, 0x40, 0x1d, 0xe8
	EBCDIC DOPPEL_TN3270_TEST
	.byte	0x11, 0xc1, 0x50, 0x1d, 0x60
	EBCDIC TYPE_HERE
	.byte	0x7a					/* ':' */
	.byte	0x1d, 0x40, 0x13
	.byte	0x11, 0xc2, 0x4c, 0x1d, 0x60
.Lscrend:
	/* Write: restore keyboard; SBA 160 (row 3). */
.Lwrhead: .byte	0xc2, 0x11, 0xc2, 0x60
.Lwrheadend:
.Lecho:	EBCDIC ECHO
	.byte	0x7a, 0x40				/* ": " */
.Lechotext:
	.fill	TEXT_MAX, 1, 0x40
.Linput: .fill	256, 1, 0
	TEST_ROUTINES
