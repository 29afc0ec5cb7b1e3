/* ESA/390 additions gcc uses: relative branches, halfword immediates,
 * test under mask, BRXH, LARL, BASSM/BSM, string instructions, IPM. */
#include "s370test.h"

	TEST_START
	lhi	%r1,-5
	CHECK_REG %r1, 0xfffffffb, 1
	ahi	%r1,7
	CHECK_CC 2, 2
	CHECK_REG %r1, 2, 3
	mhi	%r1,-3
	CHECK_REG %r1, 0xfffffffa, 4
	chi	%r1,-6
	CHECK_CC 0, 5
	/* BRCT loop */
	lhi	%r2,0
	lhi	%r3,5
1:	ahi	%r2,3
	brct	%r3,1b
	CHECK_REG %r2, 15, 6
	/* BRXH: r4 += r6 until r4 > r7 */
	lhi	%r4,0
	lhi	%r6,4
	lhi	%r7,10
	lhi	%r5,0
2:	ahi	%r5,1
	brxle	%r4,%r6,2b
	CHECK_REG %r5, 3, 7
	CHECK_REG %r4, 12, 8
	/* BRAS and LARL */
	bras	%r14,3f
	j	4f
3:	larl	%r8,.Ldata
	br	%r14
4:	CHECK_REG %r8, .Ldata, 9
	/* TMLL */
	lhi	%r9,0x0180
	tmll	%r9,0x0380
	CHECK_CC 1, 10
	tmll	%r9,0x0180
	CHECK_CC 3, 11
	tmll	%r9,0x0300
	CHECK_CC 1, 12
	/* IPM after a compare that gives CC 2 */
	lhi	%r10,1
	chi	%r10,0
	ipm	%r11
	srl	%r11,28
	CHECK_REG %r11, 2, 13
	/* SRST: find 'C' in "ABCD" */
	lhi	%r0,0xc3
	larl	%r2,.Labcd
	la	%r1,4(%r2)
	srst	%r1,%r2
	CHECK_CC 1, 14
	larl	%r3,.Labcd+2
	cr	%r1,%r3
	CHECK_CC 0, 15
	/* MVST with a zero terminator, CLST */
	lhi	%r0,0
	larl	%r4,.Lcopy
	larl	%r5,.Lstr
	mvst	%r4,%r5
	CHECK_CC 1, 16
	larl	%r4,.Lcopy
	larl	%r5,.Lstr
	clst	%r4,%r5
	CHECK_CC 0, 17
	/* BASSM to 24-bit mode and BSM back to 31-bit mode */
	larl	%r6,5f
	bassm	%r14,%r6		/* r6 bit 0 clear: 24-bit mode */
7:	j	6f
5:	lhi	%r7,1
	bsm	0,%r14			/* back with the link's mode bit (31) */
6:	CHECK_REG %r7, 1, 18
	CHECK_REG %r14, 0x80000000 + 7b, 19
	/* MSR */
	lhi	%r8,-7
	lhi	%r9,6
	msr	%r8,%r9
	CHECK_REG %r8, 0xffffffd6, 20
	TEST_PASS

	.align	4
.Ldata:	.long	0
.Labcd:	.byte	0xc1, 0xc2, 0xc3, 0xc4
.Lstr:	.byte	1, 2, 3, 0
.Lcopy:	.byte	9, 9, 9, 9
	TEST_ROUTINES
