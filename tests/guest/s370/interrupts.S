/* Program and SVC interruptions: codes, ILC, old PSW (nullified vs
 * completed), the program mask; EXECUTE; storage-to-storage forms. */
#include "s370test.h"

	TEST_START

	/* Operation exception: ILC 1 for a 2-byte opcode 00; suppression:
	 * the old PSW points past it */
	CATCH	.Lr40
.Lop:	.short	0x0000
	NOT_CAUGHT 0x40
.Lr40:	CAUGHT	0x0001, 2, .Lop+2, 0x41

	/* Fixed-point overflow completes the add, then interrupts when
	 * the program mask allows it */
	la	%r1,1
	sll	%r1,31
	bctr	%r1,0				/* 0x7fffffff */
	la	%r2,1
	spm	%r3				/* r3 = 0: mask off */
	ar	%r1,%r2				/* no interruption */
	CHECK_REG %r1, 0x80000000, 0x44
	l	%r3,.Lfixed_mask-BASE(%r12)
	spm	%r3
	bctr	%r1,0				/* 0x7fffffff again */
	CATCH	.Lr48
.Lov:	ar	%r1,%r2
	NOT_CAUGHT 0x48
.Lr48:	lr	%r9,%r1				/* CAUGHT uses r0, r1 */
	CAUGHT	0x0008, 2, .Lov+2, 0x49
	CHECK_REG %r9, 0x80000000, 0x4c
	sr	%r3,%r3
	spm	%r3

	/* Divide by zero: fixed-point divide, registers unchanged */
	la	%r4,7
	la	%r5,9
	sr	%r6,%r6
	CATCH	.Lr50
.Ldv:	dr	%r4,%r6
	NOT_CAUGHT 0x50
.Lr50:	CAUGHT	0x0009, 2, .Ldv+2, 0x51
	CHECK_REG %r5, 9, 0x54
	/* Odd register pair: specification exception */
	CATCH	.Lr58
.Lodd:	.long	0x5c50c000 + .Lfixed_mask-BASE		/* m %r5,...: gas refuses odd pairs */
	NOT_CAUGHT 0x58
.Lr58:	CAUGHT	0x0006, 4, .Lodd+4, 0x59

	/* Privileged operation in the problem state */
	CATCH	.Lr60
	lpsw	.Lproblem-BASE(%r12)
.Lprob:	ssm	.Lzero-BASE(%r12)
	NOT_CAUGHT 0x60
.Lr60:	CAUGHT	0x0002, 4, .Lprob+4, 0x61

	/* SVC: code in 0x8a, ILC 1 in 0x89, old PSW past the SVC */
	CATCH_SVC .Lr68
.Lsvc:	svc	77
	NOT_CAUGHT 0x68
.Lr68:	CAUGHT_SVC 0x004d, 2, .Lsvc+2, 0x69

	/* EXECUTE an MVC with the length from r1; and an EX of an SVC
	 * reports ILC 2 and the EX's address */
	la	%r1,3
	ex	%r1,.Lmvc-BASE(%r12)
	clc	.Ldst-BASE(4,%r12),.Lsrc-BASE(%r12)
	CHECK_CC 0, 18
	sr	%r1,%r1
	CATCH_SVC .Lr70
.Lexsvc: ex	%r1,.Lsvc9-BASE(%r12)
	NOT_CAUGHT 0x70
.Lr70:	CAUGHT_SVC 0x0009, 4, .Lexsvc+4, 0x71
	/* EX of EX: execute exception */
	CATCH	.Lr78
.Lexx:	ex	%r1,.Lexex-BASE(%r12)
	NOT_CAUGHT 0x78
.Lr78:	CAUGHT	0x0003, 4, .Lexx+4, 0x79

	/* TR and TRT */
	tr	.Ltrdata-BASE(4,%r12),.Ltrtab-BASE(%r12)
	CHECK_MEM .Ltrdata, 0x03020100, 24
	trt	.Ltrt-BASE(4,%r12),.Ltrttab-BASE(%r12)
	CHECK_CC 1, 25
	CHECK_REG %r2, 0x00000007, 26		/* function byte */
	la	%r3,.Ltrt+1-BASE(%r12)
	cr	%r1,%r3
	CHECK_CC 0, 27

	/* MVCL with padding, CLCL */
	la	%r4,.Lbig-BASE(%r12)
	la	%r5,32
	la	%r6,.Lsrc-BASE(%r12)
	l	%r7,.Lpad4-BASE(%r12)		/* pad 0x5c, length 4 */
	mvcl	%r4,%r6
	CHECK_CC 2, 28
	CHECK_REG %r5, 0, 29
	clc	.Lbig+4-BASE(4,%r12),.Lstars-BASE(%r12)
	CHECK_CC 0, 30
	la	%r4,.Lbig-BASE(%r12)
	la	%r5,8
	la	%r6,.Lsrc-BASE(%r12)
	l	%r7,.Lpad4-BASE(%r12)
	clcl	%r4,%r6
	CHECK_CC 0, 31

	/* CS: equal swaps, unequal loads */
	l	%r2,.Lcsword-BASE(%r12)
	la	%r3,99
	cs	%r2,%r3,.Lcsword-BASE(%r12)
	CHECK_CC 0, 32
	CHECK_MEM .Lcsword, 99, 33
	la	%r2,5
	cs	%r2,%r3,.Lcsword-BASE(%r12)
	CHECK_CC 1, 34
	CHECK_REG %r2, 99, 35
	TEST_PASS

	CHECK_ROUTINES

	.align	8
.Lproblem:	.long	0x00090000, .Lprob	/* EC, problem state */
.Lzero:		.long	0
.Lfixed_mask:	.long	0x08000000
.Lpad4:		.long	0x5c000004
.Lcsword:	.long	42
.Lmvc:		.byte	0xd2, 0x00		/* mvc .Ldst(1),.Lsrc: the EX supplies L */
		.short	0xc000 + .Ldst - BASE, 0xc000 + .Lsrc - BASE
.Lsvc9:		svc	9
.Lexex:		ex	0,.Lmvc-BASE(%r12)
.Lsrc:		.byte	1, 2, 3, 4
.Ldst:		.byte	0, 0, 0, 0
.Ltrdata:	.byte	0, 1, 2, 3
.Ltrtab:	.byte	3, 2, 1, 0
.Ltrt:		.byte	0, 5, 0, 5
.Ltrttab:	.byte	0, 0, 0, 0, 0, 7
.Lstars:	.byte	0x5c, 0x5c, 0x5c, 0x5c
		.align	4
.Lbig:		.fill	32, 1, 0xff
	TEST_ROUTINES
