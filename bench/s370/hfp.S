/* Benchmark kernel: hexadecimal floating point (long and short).
 * bench: per-iteration 9, iterations 15000000 */
#include "s370test.h"

	TEST_START
	l	%r15,.Liters-BASE(%r12)
	l	%r11,.Ldata-BASE(%r12)	/* data on its own page, clear of the code */
	ld	%f4,.Lw-DATA(%r11)
	sdr	%f6,%f6
.Lloop:
	ld	%f0,.Lx-DATA(%r11)
	ad	%f0,.Ly-DATA(%r11)
	md	%f0,.Lz-DATA(%r11)
	ldr	%f2,%f0
	ddr	%f2,%f4
	adr	%f6,%f2
	ler	%f0,%f6
	mer	%f0,%f4
	bct	%r15,.Lloop-BASE(%r12)
	std	%f6,.Lsum-DATA(%r11)
	TEST_PASS

	.align	4
.Liters:	.long	ITERS
.Ldata:	.long	DATA
	TEST_ROUTINES

	.balign	4096
DATA:
.Lx:	.long	0x41100000, 0x00000000		/* 1.0 */
.Ly:	.long	0x40800000, 0x00000000		/* 0.5 */
.Lz:	.long	0x4110CCCC, 0xCCCCCCCD		/* 1.05 */
.Lw:	.long	0x42640000, 0x00000000		/* 100.0 */
.Lsum:	.quad	0
