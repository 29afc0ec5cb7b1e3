/*
 * Record/replay guest: read lines from the 3215 console at 009 (READ
 * INQUIRY, PoO-370 / 3215 component description) and echo each with the
 * time it arrived at (STORE CLOCK, microseconds since the start, in hex),
 * so the output depends on when the operator typed.  Ends on a line
 * starting with 'q', or when no line comes within about 2^21 polls
 * ("TIMEOUT", after HALT I/O ends the read).  Under -icount the clock is
 * instruction time, so a replay must deliver each line at the same
 * instruction to print the same times.
 */
#include "s370test.h"

#define CSW_COUNT (PSA_CSW + 6) /* residual byte count */
#define LINE_MAX  72

	TEST_START
	la	%r3,buf-BASE(%r12)
	stcm	%r3,7,rccw+1-BASE(%r12)			/* the CCW's data address */
	stck	start-BASE(%r12)
.Lread:
	la	%r3,rccw-BASE(%r12)
	st	%r3,PSA_CAW(%r0)
	.insn	s,0x9c000000,0x009(%r0)			/* SIO 009 */
	/* cc 1: status stored instead (attention: the operator typed before
	 * the read), cc 2: busy — start it again; cc 3: no console. */
	bc	6,.Lread-BASE(%r12)
	bc	1,.Lerr-BASE(%r12)
	l	%r4,polls-BASE(%r12)
.Lpoll:	.insn	s,0x9d000000,0x009(%r0)			/* TIO 009 */
	bc	13,got_line-BASE(%r12)			/* cc 0, 1, 3: not busy */
	bct	%r4,.Lpoll-BASE(%r12)
	/* Nobody typed: halt the read and wait for the console to end. */
	.insn	s,0x9e000000,0x009(%r0)			/* HIO 009 */
.Lhalt:	.insn	s,0x9d000000,0x009(%r0)
	bc	2,.Lhalt-BASE(%r12)
	la	%r1,msg_timeout-BASE(%r12)
	la	%r2,msg_timeout_end-msg_timeout
	bas	%r14,echo_print-BASE(%r12)
	TEST_PASS
got_line:
	stck	now-BASE(%r12)
	/* Bytes read: the CCW count less the residual count. */
	la	%r6,LINE_MAX
	lh	%r5,CSW_COUNT(%r0)
	sr	%r6,%r5
	/* Microseconds since the start: (now - start) >> 12 (TOD bit 51). */
	lm	%r2,%r3,now-BASE(%r12)
	sl	%r3,start+4-BASE(%r12)
	bc	3,1f-BASE(%r12)				/* no borrow */
	bctr	%r2,0
1:	s	%r2,start-BASE(%r12)
	srdl	%r2,12
	/* Eight hex digits of r3 into the line after "AT ". */
	la	%r7,line+3+7-BASE(%r12)
	la	%r8,8
2:	lr	%r9,%r3
	n	%r9,nibble-BASE(%r12)
	ic	%r9,hexdigits-BASE(%r9,%r12)
	stc	%r9,0(%r7)
	srl	%r3,4
	bctr	%r7,0
	bct	%r8,2b-BASE(%r12)
	/* "AT xxxxxxxx GOT " then the bytes read. */
	ltr	%r6,%r6
	bc	12,3f-BASE(%r12)			/* nothing read */
	bctr	%r6,0
	ex	%r6,mvc_text-BASE(%r12)
	la	%r6,1(%r6)
3:	la	%r1,line-BASE(%r12)
	la	%r2,line_text-line(%r6)
	bas	%r14,echo_print-BASE(%r12)
	cli	buf-BASE(%r12),0x98			/* EBCDIC 'q' */
	be	.Ldone-BASE(%r12)
	b	.Lread-BASE(%r12)
.Ldone:
	la	%r1,msg_bye-BASE(%r12)
	la	%r2,msg_bye_end-msg_bye
	bas	%r14,echo_print-BASE(%r12)
	TEST_PASS
.Lerr:
	TEST_FAIL 0xe5

/* Write r2 bytes at r1 on the console.  Unlike the scaffolding's PRINT it
 * starts the write again when the console answers with status instead
 * (cc 1: attention for a line the operator typed ahead) or is busy. */
echo_print:
	stcm	%r1,7,wccw+1-BASE(%r12)
	sth	%r2,wccw+6-BASE(%r12)
	la	%r3,wccw-BASE(%r12)
	st	%r3,PSA_CAW(%r0)
1:	.insn	s,0x9c000000,0x009(%r0)			/* SIO 009 */
	bc	6,1b-BASE(%r12)
	bc	1,.Lerr-BASE(%r12)
2:	.insn	s,0x9d000000,0x009(%r0)			/* TIO 009 */
	bc	2,2b-BASE(%r12)
	br	%r14

mvc_text:
	mvc	line_text-BASE(1,%r12),buf-BASE(%r12)

	TEST_ROUTINES
	.align	8
rccw:	.byte	0x0a, 0, 0, 0, 0x20, 0, 0, LINE_MAX	/* READ INQUIRY, SLI */
wccw:	.byte	0x09, 0, 0, 0, 0x20, 0, 0, 0		/* WRITE, carrier return, SLI */
	.align	8
start:	.quad	0
now:	.quad	0
polls:	.long	0x200000
nibble:	.long	0xf
hexdigits:
	.byte	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7
	.byte	0xf8, 0xf9, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6
line:	EBCDIC AT_xxxxxxxx_GOT_
line_text:
	.fill	LINE_MAX, 1, 0x40
buf:	.fill	LINE_MAX, 1, 0x40
msg_timeout:
	EBCDIC TIMEOUT
msg_timeout_end:
msg_bye:
	EBCDIC BYE
msg_bye_end:
