/* Self-modifying code and data beside code: stores (by MVC, XC and ST)
 * into instructions already translated must take effect the next time
 * they run, also when the store is in the block being executed; stores
 * to data in the same page as code must not disturb the code.
 * (PoO-370 chapter 5, "Storage-Operand Consistency": an instruction
 * fetched after a store to its location sees the stored value.) */
#include "s370test.h"

	TEST_START
	/* 1. MVC rewrites the next instruction of the running block:
	 *    "la 2,1" becomes "la 2,2" before it executes. */
	la	%r2,0
	mvc	.Lpatch1-BASE(4,%r12),.Lla2-BASE(%r12)
.Lpatch1:
	la	%r2,1
	CHECK_REG %r2, 2, 1

	/* 2. A subroutine run (so translated), patched from outside by XC
	 *    (la 3,5 -> la 3,6: the low displacement bits), run again. */
	bal	%r14,.Lsub-BASE(%r12)
	CHECK_REG %r3, 5, 2
	xc	.Lsubla+3-BASE(1,%r12),.Lx03-BASE(%r12)
	bal	%r14,.Lsub-BASE(%r12)
	CHECK_REG %r3, 6, 3

	/* 3. ST (a lifted store, not a helper) replaces the subroutine's
	 *    LA with one loading 7. */
	l	%r4,.Lla3_7-BASE(%r12)
	st	%r4,.Lsubla-BASE(%r12)
	bal	%r14,.Lsub-BASE(%r12)
	CHECK_REG %r3, 7, 4

	/* 4. A loop whose data sits right after it, in the same page:
	 *    every store lands beside translated code, 100 times. */
	la	%r5,100
	sr	%r6,%r6
.Lloop:
	mvc	.Lbuf-BASE(8,%r12),.Lsrc-BASE(%r12)
	xc	.Lbuf-BASE(4,%r12),.Lbuf+4-BASE(%r12)
	al	%r6,.Lbuf-BASE(%r12)
	st	%r5,.Lbuf+4-BASE(%r12)
	bct	%r5,.Lloop-BASE(%r12)
	/* buf = 11111111 22222222 after MVC; XC: 33333333; 100 times. */
	CHECK_REG %r6, 0xffffffec, 5 /* 100 * 0x33333333 mod 2^32 */
	CHECK_MEM .Lbuf+4, 1, 6

	/* 5. MVC moving a whole instruction sequence over a translated one:
	 *    the block at .Lrun returns 1, then is replaced to return 9. */
	bal	%r14,.Lrun-BASE(%r12)
	CHECK_REG %r7, 1, 7
	mvc	.Lrun-BASE(.Lrunend-.Lrun,%r12),.Lnewrun-BASE(%r12)
	bal	%r14,.Lrun-BASE(%r12)
	CHECK_REG %r7, 9, 8
	TEST_PASS

.Lsub:
.Lsubla:
	la	%r3,5
	br	%r14
.Lrun:
	la	%r7,1
	br	%r14
.Lrunend:
.Lnewrun:
	la	%r7,9
	br	%r14

	.align	4
.Lla2:	la	%r2,2
.Lla3_7:
	la	%r3,7
.Lx03:	.byte	0x03
	.align	8
.Lsrc:	.long	0x11111111, 0x22222222
.Lbuf:	.long	0, 0
	TEST_ROUTINES
