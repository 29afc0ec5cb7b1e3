/*
 * The S/370 demo: IPL'd from a card deck, it greets on the 3215 console,
 * computes the first primes with a sieve in storage, prints them in
 * decimal (CVD/UNPK), and ends in a disabled wait with code 0.
 */
#include "s370test.h"

#define LIMIT 200

	TEST_START
	PRINT	.Lhello, .Lhello_end-.Lhello
	/* Sieve of Eratosthenes over 2..LIMIT-1: one byte per number. */
	la	%r6,2				/* candidate */
.Lnext:	la	%r7,.Lsieve-BASE(%r12)
	ar	%r7,%r6
	cli	0(%r7),0
	bne	.Lskip-BASE(%r12)
	/* r2 is prime: print it, then mark its multiples. */
	cvd	%r6,.Ldec-BASE(%r12)
	unpk	.Ldigits-BASE(3,%r12),.Ldec+6-BASE(2,%r12)
	oi	.Ldigits+2-BASE(%r12),0xf0	/* zone of the last digit */
	PRINT	.Ldigits, 3
	lr	%r8,%r6
.Lmark:	ar	%r8,%r6
	c	%r8,.Llimit-BASE(%r12)
	bnl	.Lskip-BASE(%r12)
	la	%r7,.Lsieve-BASE(%r12)
	ar	%r7,%r8
	mvi	0(%r7),1
	b	.Lmark-BASE(%r12)
.Lskip:	la	%r6,1(%r6)
	c	%r6,.Llimit-BASE(%r12)
	bl	.Lnext-BASE(%r12)
	PRINT	.Lbye, .Lbye_end-.Lbye
	TEST_PASS

	.align	8
.Ldec:	.quad	0
.Llimit: .long	LIMIT
.Lhello: EBCDIC doppel_S/370_demo_-_primes_below_200
.Lhello_end:
.Lbye:	EBCDIC done.
.Lbye_end:
.Ldigits: .byte 0, 0, 0
	TEST_ROUTINES
	.align	8
.Lsieve: .fill	LIMIT, 1, 0
