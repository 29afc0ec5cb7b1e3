/* The first S/370 guest test: loads, arithmetic, branches, the console. */
#include "s370test.h"

	TEST_START
	la	%r1,5
	la	%r2,7
	ar	%r1,%r2
	CHECK_REG %r1, 12, 1
	l	%r3,.Lword-BASE(%r12)
	CHECK_REG %r3, 0x12345678, 2
	sr	%r4,%r4
	la	%r5,10
.Lloop:	ah	%r4,.Lhalf-BASE(%r12)
	bct	%r5,.Lloop-BASE(%r12)
	CHECK_REG %r4, 30, 3
	lr	%r6,%r4
	sla	%r6,2
	CHECK_REG %r6, 120, 4
	PRINT .Lmsg, .Lmsgend-.Lmsg
	TEST_PASS

	.align	4
.Lword:	.long	0x12345678
.Lhalf:	.short	3
.Lmsg:	EBCDIC Hello_from_S/370!
.Lmsgend:
	TEST_ROUTINES
