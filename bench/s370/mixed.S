/* Benchmark kernel: the storage kernel with its data in the same 4 KiB
 * page as its code, as assembler programs often have it (DS areas inside
 * the CSECT): every store lands in a page that holds translated code.
 * bench: per-iteration 7, iterations 3000000 */
#include "s370test.h"

	TEST_START
	l	%r15,.Liters-BASE(%r12)
.Lloop:
	mvc	.Lbuf2-BASE(64,%r12),.Lbuf1-BASE(%r12)
	clc	.Lbuf2-BASE(64,%r12),.Lbuf1-BASE(%r12)
	tr	.Lbuf2-BASE(64,%r12),.Ltable-BASE(%r12)
	xc	.Lbuf3-BASE(32,%r12),.Lbuf3-BASE(%r12)
	mvc	.Lbuf3-BASE(32,%r12),.Lbuf2-BASE(%r12)
	clc	.Lbuf3-BASE(32,%r12),.Lbuf1-BASE(%r12)
	bct	%r15,.Lloop-BASE(%r12)
	TEST_PASS

	.align	8
.Lbuf1:	.ascii	"The quick brown fox jumps over the lazy dog, again and again...."
.Lbuf2:	.fill	64, 1, 0
.Lbuf3:	.fill	32, 1, 0
.Ltable:
	.irp	hi, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.irp	lo, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.byte	(\hi * 16 + \lo) ^ 0x40
	.endr
	.endr
.Liters:	.long	ITERS
	TEST_ROUTINES
