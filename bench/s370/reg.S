/* Benchmark kernel: general-register arithmetic, logic and shifts.
 * bench: per-iteration 16, iterations 30000000 */
#include "s370test.h"

	TEST_START
	l	%r15,.Liters-BASE(%r12)
	la	%r1,1
	la	%r2,3
	la	%r4,0
	la	%r5,0x7f
	la	%r6,0
.Lloop:
	ar	%r1,%r2
	lr	%r3,%r1
	sll	%r3,3
	xr	%r3,%r2
	alr	%r4,%r3
	nr	%r5,%r4
	or	%r5,%r2
	sr	%r4,%r5
	srl	%r3,1
	ltr	%r7,%r3
	cr	%r7,%r4
	la	%r6,1(%r6)
	lcr	%r8,%r6
	slr	%r8,%r1
	lpr	%r9,%r8
	bct	%r15,.Lloop-BASE(%r12)
	TEST_PASS

	.align	4
.Liters:	.long	ITERS
	TEST_ROUTINES
