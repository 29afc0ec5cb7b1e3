/* Program and SVC interruptions: codes, ILC, old PSW (nullified vs
 * completed), the program mask; EXECUTE; storage-to-storage forms. */
#include "s370test.h"

	/* Install a program new PSW that resumes at .Lpgm with the old PSW
	 * saved; r11 = where to continue. */
	.macro EXPECT_PGM resume
	la	%r11,\resume-BASE(%r12)
	.endm

	TEST_START
	mvc	PSA_PGM_NEW(8,%r0),.Lpgm_new-BASE(%r12)
	mvc	PSA_SVC_NEW(8,%r0),.Lsvc_new-BASE(%r12)

	/* Operation exception: ILC 1 for a 2-byte opcode 00 */
	EXPECT_PGM 1f
.Lop:	.short	0x0000
1:	CHECK_MEM .Lcode, 0x00020001, 1		/* ILC 1 (in 0x8d: 2), code 1 */
	CHECK_MEM .Lold+4, .Lop+2, 2		/* suppression: points past it */

	/* Fixed-point overflow completes the add, then interrupts when
	 * the program mask allows it */
	la	%r1,1
	sll	%r1,31
	bctr	%r1,0				/* 0x7fffffff */
	la	%r2,1
	EXPECT_PGM 2f
	spm	%r3				/* r3 = 0: mask off */
	ar	%r1,%r2				/* no interruption */
	CHECK_REG %r1, 0x80000000, 3
	l	%r3,.Lfixed_mask-BASE(%r12)
	spm	%r3
	bctr	%r1,0				/* 0x7fffffff again */
.Lov:	ar	%r1,%r2
	TEST_FAIL 4
2:	CHECK_MEM .Lcode, 0x00020008, 5
	CHECK_MEM .Lold+4, .Lov+2, 6
	CHECK_REG %r1, 0x80000000, 7
	sr	%r3,%r3
	spm	%r3

	/* Divide by zero: fixed-point divide, registers unchanged */
	la	%r4,7
	la	%r5,9
	EXPECT_PGM 3f
	sr	%r6,%r6
.Ldv:	dr	%r4,%r6
	TEST_FAIL 8
3:	CHECK_MEM .Lcode, 0x00020009, 9
	CHECK_REG %r5, 9, 10
	/* Odd register pair: specification exception */
	EXPECT_PGM 4f
	.long	0x5c50c000 + .Lfixed_mask-BASE		/* m %r5,...: gas refuses odd pairs */
	TEST_FAIL 11
4:	CHECK_MEM .Lcode, 0x00040006, 12

	/* Privileged operation in the problem state */
	EXPECT_PGM 5f
	lpsw	.Lproblem-BASE(%r12)
.Lprob:	ssm	.Lzero-BASE(%r12)
	TEST_FAIL 13
5:	CHECK_MEM .Lcode, 0x00040002, 14

	/* SVC: code in 0x8a, ILC 1 in 0x89, old PSW past the SVC */
	la	%r11,6f-BASE(%r12)
.Lsvc:	svc	77
	TEST_FAIL 15
6:	CHECK_MEM .Lsvc_code, 0x0002004d, 16
	CHECK_MEM .Lsvc_old+4, .Lsvc+2, 17

	/* EXECUTE an MVC with the length from r1; and an EX of an SVC
	 * reports ILC 2 and the EX's address */
	la	%r1,3
	ex	%r1,.Lmvc-BASE(%r12)
	clc	.Ldst-BASE(4,%r12),.Lsrc-BASE(%r12)
	CHECK_CC 0, 18
	la	%r11,7f-BASE(%r12)
	sr	%r1,%r1
.Lexsvc: ex	%r1,.Lsvc9-BASE(%r12)
	TEST_FAIL 19
7:	CHECK_MEM .Lsvc_code, 0x00040009, 20
	CHECK_MEM .Lsvc_old+4, .Lexsvc+4, 21
	/* EX of EX: execute exception */
	EXPECT_PGM 8f
	ex	%r1,.Lexex-BASE(%r12)
	TEST_FAIL 22
8:	CHECK_MEM .Lcode, 0x00040003, 23

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

/* Program interruption: save old PSW and ILC/code word, go to r11. */
.Lpgm:	mvc	.Lold-BASE(8,%r12),PSA_PGM_OLD(%r0)
	mvc	.Lcode-BASE(4,%r12),0x8c(%r0)
	mvc	.Lback+4-BASE(4,%r12),.Lzero-BASE(%r12)
	st	%r11,.Lback+4-BASE(%r12)
	lpsw	.Lback-BASE(%r12)
.Lsvcint: mvc	.Lsvc_old-BASE(8,%r12),PSA_SVC_OLD(%r0)
	mvc	.Lsvc_code-BASE(4,%r12),0x88(%r0)
	st	%r11,.Lback+4-BASE(%r12)
	lpsw	.Lback-BASE(%r12)

	.align	8
.Lpgm_new:	.long	0x00080000, .Lpgm
.Lsvc_new:	.long	0x00080000, .Lsvcint
.Lback:		.long	0x00080000, 0
.Lproblem:	.long	0x00090000, .Lprob	/* EC, problem state */
.Lold:		.long	0, 0
.Lsvc_old:	.long	0, 0
.Lcode:		.long	0
.Lsvc_code:	.long	0
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
