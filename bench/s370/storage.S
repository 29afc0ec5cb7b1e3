/* Benchmark kernel: storage-to-storage moves, compares and translates.
 * bench: per-iteration 7, iterations 3000000 */
#include "s370test.h"

	TEST_START
	l	%r15,.Liters-BASE(%r12)
	l	%r11,.Ldata-BASE(%r12)	/* data on its own page, clear of the code */
.Lloop:
	mvc	.Lbuf2-DATA(64,%r11),.Lbuf1-DATA(%r11)
	clc	.Lbuf2-DATA(64,%r11),.Lbuf1-DATA(%r11)
	tr	.Lbuf2-DATA(64,%r11),.Ltable-DATA(%r11)
	xc	.Lbuf3-DATA(32,%r11),.Lbuf3-DATA(%r11)
	mvc	.Lbuf3-DATA(32,%r11),.Lbuf2-DATA(%r11)
	clc	.Lbuf3-DATA(32,%r11),.Lbuf1-DATA(%r11)
	bct	%r15,.Lloop-BASE(%r12)
	TEST_PASS

	.align	4
.Liters:	.long	ITERS
.Ldata:	.long	DATA
	TEST_ROUTINES

	.balign	4096
DATA:
.Lbuf1:	.ascii	"The quick brown fox jumps over the lazy dog, again and again...."
.Lbuf2:	.fill	64, 1, 0
.Lbuf3:	.fill	32, 1, 0
.Ltable:
	.irp	hi, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.irp	lo, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.byte	(\hi * 16 + \lo) ^ 0x40
	.endr
	.endr
