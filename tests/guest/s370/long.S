/* MOVE LONG and COMPARE LOGICAL LONG over several pages (PoO-370 §7):
 * padding, the condition codes, the registers at the end and at the
 * first unequal byte, destructive overlap, and an access exception part
 * way through, which leaves the registers at the point of interruption
 * so that the instruction can resume. */
#include "s370test.h"

#define SRC  0x10000
#define DST  0x20000
#define DST2 0x30000

	/* SET STORAGE KEY (S/370 only; gas knows it as .insn). */
	.macro SSK r1, r2
	.insn	rr,0x0800,\r1,\r2
	.endm

	TEST_START
	/* SRC: 8000 bytes of i & 0xff. */
	l	%r2,.Lsrc-BASE(%r12)
	l	%r3,.L8000-BASE(%r12)
	sr	%r4,%r4
.Lfill:	stc	%r4,0(%r2)
	la	%r2,1(%r2)
	la	%r4,1(%r4)
	bct	%r3,.Lfill-BASE(%r12)

	/* 1. MVCL 8000 bytes from a 5000-byte source, pad 5A: CC 2. */
	lm	%r4,%r7,.Lmv1-BASE(%r12)
	mvcl	%r4,%r6
	CC	2, 1
	REG	%r4, .Ldst8000, 2
	REG	%r5, .Lzero, 3
	REG	%r6, .Lsrc5000, 4
	REG	%r7, .Lpad5a, 5
	l	%r2,.Ldst-BASE(%r12)
	l	%r3,.L4998-BASE(%r12)
	la	%r3,0(%r3,%r2)
	clc	0(4,%r3),.Lexp1-BASE(%r12)	/* 86 87 5A 5A around byte 5000 */
	la	%r15,7
	bc	7,.Lfail-BASE(%r12)
	l	%r3,.L7999-BASE(%r12)
	la	%r3,0(%r3,%r2)
	cli	0(%r3),0x5a			/* the last padded byte */
	la	%r15,8
	bc	7,.Lfail-BASE(%r12)
	cli	2049(%r2),0x01			/* across a page boundary */
	la	%r15,9
	bc	7,.Lfail-BASE(%r12)
	l	%r3,.L4095-BASE(%r12)
	la	%r3,0(%r3,%r2)
	cli	1(%r3),0x00			/* and the next one, at 4096 */
	la	%r15,10
	bc	7,.Lfail-BASE(%r12)

	/* 2. CLCL of the moved 5000 bytes against the source: equal. */
	lm	%r4,%r7,.Lcl1-BASE(%r12)
	clcl	%r4,%r6
	CC	0, 11
	REG	%r5, .Lzero, 12
	REG	%r4, .Ldst5000, 13

	/* 3. One byte changed at 4500: CC 2 (first operand high), the
	 *    registers left at that byte. */
	l	%r3,.Ldst4500-BASE(%r12)
	cli	0(%r3),0x94			/* 4500 & 0xff, moved */
	la	%r15,14
	bc	7,.Lfail-BASE(%r12)
	mvi	0(%r3),0xff
	lm	%r4,%r7,.Lcl1-BASE(%r12)
	clcl	%r4,%r6
	CC	2, 15
	REG	%r4, .Ldst4500, 16
	REG	%r5, .L500, 17
	REG	%r6, .Lsrc4500, 18

	/* 4. CLCL against padding only: the padded tail equals pad 5A. */
	lm	%r4,%r7,.Lcl2-BASE(%r12)
	clcl	%r4,%r6
	CC	0, 19
	REG	%r4, .Ldst8000, 20
	REG	%r5, .Lzero, 21

	/* 5. Destructive overlap: CC 3, nothing moved, registers kept. */
	lm	%r4,%r7,.Lmv2-BASE(%r12)
	mvcl	%r4,%r6
	CC	3, 22
	REG	%r4, .Lsrc10, 23
	l	%r2,.Lsrc-BASE(%r12)
	cli	10(%r2),10
	la	%r15,24
	bc	7,.Lfail-BASE(%r12)

	/* 6. Protection part way: PSW key 1, storage key 1 on the two 2K
	 *    blocks at DST2, key 2 on the one after.  The first 4096 bytes
	 *    move; the registers point at the protected block. */
	l	%r2,.Ldst2-BASE(%r12)
	la	%r3,0x10
	SSK	%r3,%r2
	la	%r2,2048(%r2)
	SSK	%r3,%r2
	l	%r2,.Ldst2p-BASE(%r12)
	la	%r3,0x20
	SSK	%r3,%r2
	lm	%r4,%r7,.Lmv3-BASE(%r12)
	CATCH	.Lprot
	spka	0x10(%r0)
	mvcl	%r4,%r6
	NOT_CAUGHT 25
.Lprot:
	lh	%r0,PSA_PGM_CODE(%r0)
	la	%r15,26
	ch	%r0,.Lfour-BASE(%r12)
	bc	7,.Lfail-BASE(%r12)
	REG	%r4, .Ldst2p, 27
	REG	%r5, .L1904, 28
	REG	%r6, .Lsrc4096, 29
	l	%r2,.Ldst2-BASE(%r12)
	l	%r3,.L4095-BASE(%r12)
	la	%r3,0(%r3,%r2)
	cli	0(%r3),0xff			/* the last byte moved */
	la	%r15,30
	bc	7,.Lfail-BASE(%r12)
	cli	1(%r3),0			/* the first byte not moved */
	la	%r15,31
	bc	7,.Lfail-BASE(%r12)
	sr	%r3,%r3				/* keys back to 0 */
	l	%r2,.Ldst2-BASE(%r12)
	SSK	%r3,%r2
	la	%r2,2048(%r2)
	SSK	%r3,%r2
	la	%r2,2048(%r2)
	SSK	%r3,%r2
	TEST_PASS

	.align	4
.Lsrc:	.long	SRC
.Ldst:	.long	DST
.Ldst2:	.long	DST2
.Ldst2p: .long	DST2 + 4096
.L8000:	.long	8000
.L7999:	.long	7999
.L4998:	.long	4998
.L4095:	.long	4095
.L500:	.long	500
.L1904:	.long	1904
.Lzero:	.long	0
.Lfour:	.short	4
	.align	4
.Ldst8000: .long DST + 8000
.Ldst5000: .long DST + 5000
.Ldst4500: .long DST + 4500
.Lsrc5000: .long SRC + 5000
.Lsrc4500: .long SRC + 4500
.Lsrc4096: .long SRC + 4096
.Lsrc10: .long	SRC + 10
.Lpad5a: .long	0x5a000000
.Lmv1:	.long	DST, 8000, SRC, 0x5a000000 + 5000
.Lcl1:	.long	DST, 5000, SRC, 5000
.Lcl2:	.long	DST + 5000, 3000, SRC, 0x5a000000
.Lmv2:	.long	SRC + 10, 100, SRC, 100
.Lmv3:	.long	DST2, 6000, SRC, 6000
.Lexp1:	.byte	0x86, 0x87, 0x5a, 0x5a
	CHECK_ROUTINES
	TEST_ROUTINES
