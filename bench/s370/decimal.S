/* Benchmark kernel: packed decimal (ZAP, MP, AP, SP, CVD, CVB).
 * bench: per-iteration 7, iterations 3000000 */
#include "s370test.h"

	TEST_START
	l	%r15,.Liters-BASE(%r12)
	l	%r11,.Ldata-BASE(%r12)	/* data on its own page, clear of the code */
.Lloop:
	zap	.Lprod-DATA(8,%r11),.Lval-DATA(4,%r11)
	mp	.Lprod-DATA(8,%r11),.Lmul-DATA(2,%r11)
	ap	.Lacc-DATA(8,%r11),.Lprod-DATA(8,%r11)
	sp	.Lacc-DATA(8,%r11),.Lval-DATA(4,%r11)
	cvd	%r15,.Ldw-DATA(%r11)
	cvb	%r3,.Ldw-DATA(%r11)
	bct	%r15,.Lloop-BASE(%r12)
	TEST_PASS

	.align	4
.Liters:	.long	ITERS
.Ldata:	.long	DATA
	TEST_ROUTINES

	.balign	4096
DATA:
.Ldw:	.quad	0
.Lprod:	.fill	8, 1, 0
.Lacc:	.byte	0, 0, 0, 0, 0, 0, 0, 0x0c
.Lval:	.byte	0x01, 0x23, 0x45, 0x6c
.Lmul:	.byte	0x00, 0x3c
