/* Operands that run past the end of 24-bit storage wrap to location 0
 * (PoO-370 §3 "Address Wraparound"): lifted loads and stores of 2, 4 and
 * 8 bytes that straddle 0xFFFFFF go on at 0, through the soft TLB's
 * page-crossing path, as the helpers' byte-wise accesses always did.
 * Inside a loop, so that the JIT compiles it too. */
#include "s370test.h"

	TEST_START
	l	%r3,.Lend-BASE(%r12)	/* 0xFFFFFE */
	l	%r8,.Lend4-BASE(%r12)	/* 0xFFFFFC */
	sr	%r4,%r4			/* 0 */
	la	%r9,50
.Lloop:
	mvc	0(2,%r4),.Llo-BASE(%r12)	/* 0..1 = 56 78 */
	mvc	0(2,%r3),.Lhi-BASE(%r12)	/* FFFFFE..FFFFFF = 12 34 */
	l	%r5,0(%r3)
	CHECK_REG %r5, 0x12345678, 1
	l	%r6,.Lval-BASE(%r12)
	st	%r6,0(%r3)
	clc	0(2,%r3),.Lval-BASE(%r12)
	CHECK_CC 0, 2
	clc	0(2,%r4),.Lval+2-BASE(%r12)
	CHECK_CC 0, 3
	lh	%r7,1(%r3)		/* FFFFFF, 0: BC DE */
	CHECK_REG %r7, 0xffffbcde, 4
	sth	%r5,1(%r3)		/* FFFFFF, 0 = 56 78 */
	clc	0(1,%r4),.Llo+1-BASE(%r12)
	CHECK_CC 0, 5
	ld	%f0,.Ldbl-BASE(%r12)
	std	%f0,0(%r8)		/* FFFFFC..FFFFFF, 0..3 */
	clc	0(4,%r4),.Ldbl+4-BASE(%r12)
	CHECK_CC 0, 6
	ld	%f2,0(%r8)
	std	%f2,.Lgot-BASE(%r12)
	clc	.Lgot-BASE(8,%r12),.Ldbl-BASE(%r12)
	CHECK_CC 0, 7
	bct	%r9,.Lloop-BASE(%r12)
	TEST_PASS

	.align	8
.Ldbl:	.long	0x41123456, 0x789abcde
.Lgot:	.quad	0
.Lend:	.long	0xfffffe
.Lend4:	.long	0xfffffc
.Lval:	.long	0x9abcdef0
.Lhi:	.byte	0x12, 0x34
.Llo:	.byte	0x56, 0x78
	TEST_ROUTINES
