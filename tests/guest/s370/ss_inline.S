/*
 * MVC, MVN, MVZ, NC, OC, XC and CLC (PoO-370 §7) on both sides of every
 * condition that chooses between the lifter's inline path (each operand
 * translated once, then 8-byte chunks in ascending order) and the C
 * helper (frontends/s370/s370_insn_storage.c, s370_lift_ss_inline):
 *
 *   1. the work-area cases: the first operand 0, 1-7 and 8 or more bytes
 *      after the second (1-7 go to the helper: a propagating move) or
 *      before it, MVN/MVZ on odd lengths, XC/NC/OC and their CC, CLC and
 *      its ordering; run on a work area inside one TLB page (2K), on ones
 *      whose operands cross a 2K or 4K boundary, and (S/370) on one that
 *      wraps from the top of 24-bit storage to 0.  ss_inline_390 runs them
 *      again through DAT, with two virtual pages mapping one frame: there
 *      the operands are far apart in virtual storage but 0-16 bytes apart
 *      in host memory;
 *   2. every length 1-17, 255 and 256 of MVC and CLC, directly and under
 *      EXECUTE, and operands that end on the last byte of a page or one
 *      byte past it;
 *   3. access exceptions on either path, with nothing stored: key-
 *      controlled protection (S/370), page-translation and page
 *      protection (ss_inline_390);
 *   4. low-address protection right after an allowed store to the same
 *      page;
 *   5. MVC of 8 and 16 bytes over the next instructions of the running
 *      block.
 *
 * Each pass runs all of it, PASSES times, so that the JIT compiles the
 * cases (-accel jit,sync=on; -jit-threshold 5).  The expected results
 * are the byte-at-a-time definition (PoO-370 §7 "Move": operands are
 * processed left to right one byte at a time), evaluated by the
 * assembler (EXPECT) or written out by hand.
 *
 * Fail codes: 0x01-0x5f the case of part 1 (where = the work area),
 * 0x60-0x7f part 2 (where = the length), 0x80-0x9f parts 4, 5 and the
 * reference and change bits, 0xa0-0xdf part 3.  On failure the console
 * shows SS_FAIL_code_AT_where; where of an interruption check says
 * which check: 1 code, 2 ILC, 3 old PSW address, 4 CC, 5 translation-
 * exception address, 6 storage changed, 0x0f no interruption.
 */
#include "s370test.h"

/* The work area's bytes before each case of part 1, and part 2's
 * second operand: a permutation of 0-255 with both digits varied. */
#define ORIG(k) (((k)*0x9d + 0x17) & 0xff)
#define PASSES  40

/* Real storage the test uses beside its own (S/370: key 0 unless said). */
#define BUF_X    0x23000 /* part 2: ORIG(0-253), 02, 10 */
#define BUF_DST  0x23200 /* part 2: the first operand, 264 bytes */
#define BUF_Y1   0x23400 /* X but byte 255 = 20 */
#define BUF_Y2   0x23600 /* X but bytes 254, 255 = 03 00 */
#define PAGE_END 0x28800

/* clang-format off */
#if defined(ESA390)
/* Segment 0x12: p0 and p2 map the frame at 30000, p1 and p3 the one at
 * 31000; p4 is invalid; p5 and p6 are page protected. */
#define VA(p) (0x01200000 + (p) * 0x1000)
	.macro SAVE_CC reg /* the CC to bits 2-3 of reg */
	ipm	\reg
	.endm
#else
	.macro SAVE_CC reg /* BALR's link information: ILC, CC, program mask */
	balr	\reg,0
	.endm
	/* Storage-key instructions (S/370 only; gas knows them as .insn). */
	.macro SSK r1, r2
	.insn	rr,0x0800,\r1,\r2
	.endm
	.macro ISK r1, r2
	.insn	rr,0x0900,\r1,\r2
	.endm
#endif

	/* .Lb = the result byte of op from first-operand byte to and second-
	 * operand byte from. */
	.macro SS_BYTE op, to, from
	.ifc \op,mvc
	.set	.Lb, \from
	.endif
	.ifc \op,mvn
	.set	.Lb, ((\to) & 0xf0) | ((\from) & 0x0f)
	.endif
	.ifc \op,mvz
	.set	.Lb, ((\to) & 0x0f) | ((\from) & 0xf0)
	.endif
	.ifc \op,nc
	.set	.Lb, (\to) & (\from)
	.endif
	.ifc \op,oc
	.set	.Lb, (\to) | (\from)
	.endif
	.ifc \op,xc
	.set	.Lb, (\to) ^ (\from)
	.endif
	.endm

	/* The 64 bytes of a work area holding ORIG(0-63) after "op d(len,W),
	 * 0(W)" (d >= 0) or "op 0(len,W),-d(W)" (d < 0), then the CC and a
	 * pad byte.  Byte by byte, left to right: with d > 0, result byte j
	 * takes its second-operand byte from j - d, which is itself a result
	 * byte when j - d >= d; so byte j is op folded along j mod d,
	 * j mod d + d, ..., j, starting from ORIG(j mod d).  With d <= 0 no
	 * second-operand byte has been stored when it is fetched.  MVC, MVN
	 * and MVZ leave the CC (3, from fill); NC, OC and XC set 0 for an
	 * all-zero result, else 1 (PoO-370 §7 "AND"). */
	.macro EXPECT op, d, len
	.set	.Lany, 0
	.set	.Lj, 0
	.rept	64
	.set	.Lacc, ORIG(.Lj)
	.if (\d > 0) && (.Lj >= \d) && (.Lj < \d + \len)
	.set	.Lm, .Lj % \d
	.set	.Lacc, ORIG(.Lm)
	.rept	64
	.if .Lm + \d <= .Lj
	.set	.Lm, .Lm + \d
	.set	.Lto, ORIG(.Lm)
	SS_BYTE	\op, .Lto, .Lacc
	.set	.Lacc, .Lb
	.endif
	.endr
	.set	.Lany, .Lany | .Lacc
	.elseif (\d <= 0) && (.Lj < \len)
	.set	.Lto, ORIG(.Lj)
	.set	.Lfrom, ORIG(.Lj - (\d))
	SS_BYTE	\op, .Lto, .Lfrom
	.set	.Lacc, .Lb
	.set	.Lany, .Lany | .Lacc
	.endif
	.byte	.Lacc
	.set	.Lj, .Lj + 1
	.endr
	.set	.Lcc, 3
	.ifc \op,nc
	.set	.Lcc, (.Lany != 0) & 1
	.endif
	.ifc \op,oc
	.set	.Lcc, (.Lany != 0) & 1
	.endif
	.ifc \op,xc
	.set	.Lcc, (.Lany != 0) & 1
	.endif
	.byte	.Lcc, 0
	.endm

	/* Part 1: one case on the work area, first operand at r9 + d,
	 * second at r8 (d < 0: at r9 and r8 - d); r8 = r9 but for DAT
	 * aliases.  verify finds the expected bytes behind its call. */
	.set	.Lcase, 0
	.macro SSCASE op, d, len
	.set	.Lcase, .Lcase + 1
	bal	%r14,fill-BASE(%r12)
	.if \d >= 0
	\op	\d(\len,%r9),0(%r8)
	.else
	\op	0(\len,%r9),-(\d)(%r8)
	.endif
	SAVE_CC	%r7
	la	%r15,.Lcase
	bal	%r14,verify-BASE(%r12)
.Lexp\@:
	.type	.Lexp\@,@object
	EXPECT	\op, \d, \len
	.endm

	/* Part 1: CLC of the first len bytes of two 16-byte operands, the
	 * first at r9, the second at r8 + 16: ORIG(0-15) each, but for byte
	 * i1 (l1 in the first, r1 in the second) and byte i2 (l2, r2). */
	.macro CLCCASE len, cc, i1=-1, l1=0, r1=0, i2=-1, l2=0, r2=0
	.set	.Lcase, .Lcase + 1
	bal	%r14,put32-BASE(%r12)
.Lpair\@:
	.type	.Lpair\@,@object
	CLC_OPERAND \i1, \l1, \i2, \l2
	CLC_OPERAND \i1, \r1, \i2, \r2
	la	%r15,.Lcase
	clc	0(\len,%r9),16(%r8)
	bc	15-(8>>\cc),failed-BASE(%r12)
	.endm

	.macro CLC_OPERAND i1, v1, i2, v2
	.set	.Lj, 0
	.rept	16
	.if .Lj == \i1
	.byte	\v1
	.elseif .Lj == \i2
	.byte	\v2
	.else
	.byte	ORIG(.Lj)
	.endif
	.set	.Lj, .Lj + 1
	.endr
	.endm

	/* Part 2: length L of MVC and CLC (r4 = X, r5 = the first operand,
	 * r6 = Y1, r7 = Y2). */
	.macro LENGTH L
	la	%r0,\L
	st	%r0,where-BASE(%r12)
	la	%r9,\L-1
	bal	%r14,lfill-BASE(%r12)
	mvc	0(\L,%r5),0(%r4)
	la	%r15,0x60
	bal	%r14,lcheck-BASE(%r12)
	la	%r15,0x61
	clc	0(\L,%r5),0(%r4)
	bc	7,failed-BASE(%r12)
	/* The last L bytes of X and Y1: they differ in the last, 10 < 20. */
	la	%r15,0x62
	clc	256-\L(\L,%r4),256-\L(%r6)
	bc	11,failed-BASE(%r12)
	la	%r15,0x63
	clc	256-\L(\L,%r6),256-\L(%r4)
	bc	13,failed-BASE(%r12)
	/* X and Y2: 02 10 against 03 00, the first unequal byte decides;
	 * with L = 1 only 10 against 00. */
	la	%r15,0x64
	clc	256-\L(\L,%r4),256-\L(%r7)
	.if \L == 1
	bc	13,failed-BASE(%r12)
	.else
	bc	11,failed-BASE(%r12)
	.endif
	.endm

	/* Part 2: a first operand of L bytes at PAGE_END - off. */
	.macro PAGE_END_CASE off, L, fc
	l	%r5,.Lpe\@-BASE(%r12)
	la	%r9,\L-1
	bal	%r14,lfill-BASE(%r12)
	mvc	0(\L,%r5),0(%r4)
	la	%r15,\fc
	bal	%r14,lcheck-BASE(%r12)
	la	%r15,\fc+1
	clc	0(\L,%r5),0(%r4)
	bc	7,failed-BASE(%r12)
	/* X's last byte is below ff: now the first operand is high. */
	mvi	\L-1(%r5),0xff
	la	%r15,\fc+2
	clc	0(\L,%r5),0(%r4)
	bc	13,failed-BASE(%r12)
	la	%r15,\fc+3
	clc	0(\L,%r4),0(%r5)
	bc	11,failed-BASE(%r12)
	b	.Lpe_end\@-BASE(%r12)
	.align	4
.Lpe\@:	.long	PAGE_END - \off
.Lpe_end\@:
	.endm

	/* Part 3: "op 0(16,%r2),0(%r3)", r2 and r3 loaded from a1 and a2,
	 * must cause a program interruption with code, ILC 3, the old PSW
	 * at the instruction (nullify 1) or after it, CC 2 if nullified (a
	 * suppressed or terminated operation may have set it), the
	 * translation-exception address tea (0: not checked), and check
	 * (a routine) finding the storage unchanged.  key: the PSW key. */
	.set	.Lxcase, 0xa0
	.macro PGM_EXPECT op, a1, a2, code, nullify, tea, check, key=0, dat=0
	l	%r2,\a1-BASE(%r12)
	l	%r3,\a2-BASE(%r12)
	la	%r15,.Lxcase
	la	%r11,.Lr\@-FAR(%r10)
	mvc	PSA_PGM_NEW(8,%r0),.Lcatch_psw-BASE(%r12)
	l	%r0,cc2-BASE(%r12)
	spm	%r0
	.if \key
	spka	\key
	.endif
	.if \dat
	DAT_ON
	.endif
.Lx\@:	\op	0(16,%r2),0(%r3)
	b	notcaught-BASE(%r12)
.Lr\@:	la	%r1,.Lx\@-FAR(%r10)
	.if !\nullify
	la	%r1,6(%r1)
	.endif
	bal	%r14,pgm_check-BASE(%r12)
.Lparm\@:
	.type	.Lparm\@,@object
	.short	\code, \nullify
	.long	\tea
	la	%r0,6
	st	%r0,where-BASE(%r12)
	bal	%r14,\check-BASE(%r12)
	.set	.Lxcase, .Lxcase + 1
	.endm

	/* Fail with code unless reg holds value (a constant at .Lv). */
	.macro REGCHK reg, value, code
	la	%r15,\code
	cl	\reg,.Lv\@-BASE(%r12)
	bne	failed-BASE(%r12)
	b	.Lok\@-BASE(%r12)
	.align	4
.Lv\@:	.long	\value
.Lok\@:
	.endm

	TEST_START
	l	%r10,.Lfar_at-BASE(%r12)
#if defined(ESA390)
	lctl	%c0,%c1,cr_dat-BASE(%r12)
#endif
	la	%r0,PASSES
	st	%r0,passes-BASE(%r12)
.Lpass:
	/* 1. The work-area cases on each area. */
	la	%r6,areas-BASE(%r12)
	bal	%r14,run_areas-BASE(%r12)
#if defined(ESA390)
	DAT_ON
	la	%r6,vareas-BASE(%r12)
	bal	%r14,run_areas-BASE(%r12)
	DAT_OFF
#endif
	/* 2. Lengths. */
	bal	%r14,lsetup-BASE(%r12)
	l	%r1,.Llengths_at-BASE(%r12)
	balr	%r13,%r1
	bal	%r14,ex_lengths-BASE(%r12)
	bal	%r14,page_ends-BASE(%r12)
	/* 3. Access exceptions. */
	xc	where-BASE(4,%r12),where-BASE(%r12)
	l	%r1,.Lexcept_at-BASE(%r12)
	balr	%r13,%r1
	/* 4, 5. */
	bal	%r14,lap-BASE(%r12)
	bal	%r14,smc-BASE(%r12)
	l	%r0,passes-BASE(%r12)
	bctr	%r0,0
	st	%r0,passes-BASE(%r12)
	ltr	%r0,%r0
	bnz	.Lpass-BASE(%r12)
	TEST_PASS

/* ---- part 1 ---- */

/* Run the cases on each work area of the list at r6: words r8, r9,
 * where; 0 ends it. */
run_areas:
	st	%r14,.Lra_ret-BASE(%r12)
.Lra:	lm	%r8,%r9,0(%r6)
	ltr	%r8,%r8
	bz	.Lra_end-BASE(%r12)
	l	%r0,8(%r6)
	st	%r0,where-BASE(%r12)
	l	%r1,.Lcases_at-BASE(%r12)
	balr	%r13,%r1
	la	%r6,12(%r6)
	b	.Lra-BASE(%r12)
.Lra_end:
	l	%r14,.Lra_ret-BASE(%r12)
	br	%r14

/* The work area at r8 = ORIG(0-63); CC 3. */
fill:	sr	%r1,%r1
	la	%r2,4
	la	%r3,60
.Lfill:	l	%r0,orig-BASE(%r1,%r12)
	st	%r0,0(%r1,%r8)
	bxle	%r1,%r2,.Lfill-BASE(%r12)
	l	%r0,cc3-BASE(%r12)
	spm	%r0
	br	%r14

/* Fail with r15 unless the work area at r8 holds the 64 bytes at r14
 * and the CC saved in r7 is the byte after them; return past the pad. */
verify:	sr	%r1,%r1
	la	%r2,4
	la	%r3,60
.Lverify:
	l	%r0,0(%r1,%r8)
	c	%r0,0(%r1,%r14)
	bne	failed-BASE(%r12)
	bxle	%r1,%r2,.Lverify-BASE(%r12)
	srl	%r7,28
	n	%r7,c3-BASE(%r12)
	sr	%r0,%r0
	ic	%r0,64(%r14)
	cr	%r0,%r7
	bne	failed-BASE(%r12)
	b	66(%r14)

/* The 32 bytes at r14 to the work area at r8; return past them. */
put32:	sr	%r1,%r1
	la	%r2,4
	la	%r3,28
.Lput32:
	l	%r0,0(%r1,%r14)
	st	%r0,0(%r1,%r8)
	bxle	%r1,%r2,.Lput32-BASE(%r12)
	b	32(%r14)

/* ---- part 2 ---- */

/* r4 = X, r5 = the first operand, r6 = Y1, r7 = Y2, built here. */
lsetup:	lm	%r4,%r7,bufs-BASE(%r12)
	la	%r1,0x17			/* ORIG(0) */
	sr	%r2,%r2
	la	%r0,256
.Llset:	stc	%r1,0(%r2,%r4)
	la	%r1,0x9d(%r1)			/* ORIG(k + 1), in the low byte */
	la	%r2,1(%r2)
	bct	%r0,.Llset-BASE(%r12)
	mvi	254(%r4),0x02
	mvi	255(%r4),0x10
	sr	%r1,%r1
.Llset2:
	ic	%r0,0(%r1,%r4)
	stc	%r0,0(%r1,%r6)
	stc	%r0,0(%r1,%r7)
	la	%r1,1(%r1)
	cl	%r1,c256-BASE(%r12)
	bl	.Llset2-BASE(%r12)
	mvi	255(%r6),0x20
	mvi	254(%r7),0x03
	mvi	255(%r7),0x00
	br	%r14

/* 264 bytes at r5 = ee. */
lfill:	la	%r2,0xee
	sr	%r1,%r1
.Llfill:
	stc	%r2,0(%r1,%r5)
	la	%r1,1(%r1)
	cl	%r1,c264-BASE(%r12)
	bl	.Llfill-BASE(%r12)
	br	%r14

/* Fail with r15 unless r5 holds the first r9 + 1 bytes of X, then ee up
 * to 264 bytes. */
lcheck:	sr	%r1,%r1
	sr	%r2,%r2
	sr	%r3,%r3
.Llcheck:
	ic	%r2,0(%r1,%r4)
	ic	%r3,0(%r1,%r5)
	cr	%r2,%r3
	bne	failed-BASE(%r12)
	la	%r1,1(%r1)
	cr	%r1,%r9
	bnh	.Llcheck-BASE(%r12)
	la	%r2,0xee
.Llcheck2:
	ic	%r3,0(%r1,%r5)
	cr	%r2,%r3
	bne	failed-BASE(%r12)
	la	%r1,1(%r1)
	cl	%r1,c264-BASE(%r12)
	bl	.Llcheck2-BASE(%r12)
	br	%r14

/* The lengths of part 2 again under EXECUTE (the length from r9). */
ex_lengths:
	st	%r14,.Lexl_ret-BASE(%r12)
	la	%r8,lentab-BASE(%r12)
.Lexl:	lh	%r9,0(%r8)
	ltr	%r9,%r9
	bz	.Lexl_end-BASE(%r12)
	st	%r9,where-BASE(%r12)
	bctr	%r9,0
	bal	%r14,lfill-BASE(%r12)
	ex	%r9,.Lex_mvc-BASE(%r12)
	la	%r15,0x68
	bal	%r14,lcheck-BASE(%r12)
	la	%r15,0x69
	ex	%r9,.Lex_clc-BASE(%r12)
	bc	7,failed-BASE(%r12)
	la	%r2,255(%r4)			/* the last L bytes of X */
	sr	%r2,%r9
	la	%r3,255(%r6)			/* ... and of Y1 */
	sr	%r3,%r9
	la	%r15,0x6a
	ex	%r9,.Lex_clc23-BASE(%r12)
	bc	11,failed-BASE(%r12)
	la	%r15,0x6b
	ex	%r9,.Lex_clc32-BASE(%r12)
	bc	13,failed-BASE(%r12)
	la	%r3,255(%r7)			/* ... and of Y2 */
	sr	%r3,%r9
	la	%r15,0x6c
	ex	%r9,.Lex_clc23-BASE(%r12)
	SAVE_CC	%r0
	srl	%r0,28
	n	%r0,c3-BASE(%r12)
	la	%r1,1				/* CC 1, but 2 for L = 1 */
	ltr	%r9,%r9
	bnz	.Lexl_cc-BASE(%r12)
	la	%r1,2
.Lexl_cc:
	cr	%r0,%r1
	bne	failed-BASE(%r12)
	la	%r8,2(%r8)
	b	.Lexl-BASE(%r12)
.Lexl_end:
	l	%r14,.Lexl_ret-BASE(%r12)
	br	%r14

/* The inline path ends at the last byte of a page: operands that end
 * there, and ones that go one byte further (the helper). */
page_ends:
	st	%r14,.Lpe_ret-BASE(%r12)
	la	%r0,0x100
	st	%r0,where-BASE(%r12)
	PAGE_END_CASE 16, 16, 0x70
	PAGE_END_CASE 15, 16, 0x74
	PAGE_END_CASE 256, 256, 0x78
	PAGE_END_CASE 255, 256, 0x7c
	l	%r5,bufs+4-BASE(%r12)
	l	%r14,.Lpe_ret-BASE(%r12)
	br	%r14

/* ---- part 4: low-address protection (PoO-370 §3 "Low-Address
 * Protection"): a store to 200 fills the TLB for the page; the next one
 * to 1f8 must still be refused, and nothing stored (terminated, every
 * byte protected).  CATCH's and pgm_check's stores into 68 come before
 * CR0 bit 3 is set and after it is reset. ---- */
lap:	st	%r14,.Llap_ret-BASE(%r12)
	xc	where-BASE(4,%r12),where-BASE(%r12)
	stctl	%c0,%c0,cr0_save-BASE(%r12)
	l	%r1,cr0_save-BASE(%r12)
	o	%r1,cr0_lap-BASE(%r12)
	st	%r1,cr0_new-BASE(%r12)
	la	%r1,0x1e0
	la	%r2,0xee
.Llapf:	stc	%r2,0(%r1)			/* 1e0-21f = ee */
	la	%r1,1(%r1)
	cl	%r1,c220-BASE(%r12)
	bl	.Llapf-BASE(%r12)
	l	%r4,bufs-BASE(%r12)
	la	%r15,0x80
	la	%r11,.Lr80-BASE(%r12)
	mvc	PSA_PGM_NEW(8,%r0),.Lcatch_psw-BASE(%r12)
	lctl	%c0,%c0,cr0_new-BASE(%r12)
	mvc	0x200(8,%r0),0(%r4)
.Lx80:	mvc	0x1f8(8,%r0),0(%r4)
	lctl	%c0,%c0,cr0_save-BASE(%r12)
	b	notcaught-BASE(%r12)
.Lr80:	lctl	%c0,%c0,cr0_save-BASE(%r12)
	la	%r1,.Lx80+6-BASE(%r12)
	bal	%r14,pgm_check-BASE(%r12)
.Lp80:	.type	.Lp80,@object
	.short	0x0004, 0
	.long	0
	la	%r15,0x81
	bal	%r14,lap_check-BASE(%r12)
	/* XC through the inline path, then one crossing 200 (the helper):
	 * the first byte is protected. */
	la	%r15,0x82
	la	%r11,.Lr82-BASE(%r12)
	mvc	PSA_PGM_NEW(8,%r0),.Lcatch_psw-BASE(%r12)
	lctl	%c0,%c0,cr0_new-BASE(%r12)
	mvc	0x200(8,%r0),0(%r4)
.Lx82:	xc	0x1f0(16,%r0),0(%r4)
	lctl	%c0,%c0,cr0_save-BASE(%r12)
	b	notcaught-BASE(%r12)
.Lr82:	lctl	%c0,%c0,cr0_save-BASE(%r12)
	la	%r1,.Lx82+6-BASE(%r12)
	bal	%r14,pgm_check-BASE(%r12)
.Lp82:	.type	.Lp82,@object
	.short	0x0004, 0
	.long	0
	la	%r15,0x83
	bal	%r14,lap_check-BASE(%r12)
	la	%r15,0x84
	la	%r11,.Lr84-BASE(%r12)
	mvc	PSA_PGM_NEW(8,%r0),.Lcatch_psw-BASE(%r12)
	lctl	%c0,%c0,cr0_new-BASE(%r12)
.Lx84:	mvc	0x1fc(8,%r0),0(%r4)
	lctl	%c0,%c0,cr0_save-BASE(%r12)
	b	notcaught-BASE(%r12)
.Lr84:	lctl	%c0,%c0,cr0_save-BASE(%r12)
	la	%r1,.Lx84+6-BASE(%r12)
	bal	%r14,pgm_check-BASE(%r12)
.Lp84:	.type	.Lp84,@object
	.short	0x0004, 0
	.long	0
	la	%r15,0x85
	bal	%r14,lap_check-BASE(%r12)
	l	%r14,.Llap_ret-BASE(%r12)
	br	%r14

/* 1e0-1ff still ee, 200-207 the first 8 bytes of X (r4), 208-21f ee. */
lap_check:
	la	%r1,0x1e0
	sr	%r2,%r2
	sr	%r3,%r3
.Llapc:	la	%r2,0xee
	lr	%r5,%r1
	sl	%r5,c200-BASE(%r12)
	cl	%r5,c8-BASE(%r12)
	bnl	.Llapc1-BASE(%r12)
	ic	%r2,0(%r5,%r4)
.Llapc1:
	ic	%r3,0(%r1)
	cr	%r2,%r3
	bne	failed-BASE(%r12)
	la	%r1,1(%r1)
	cl	%r1,c220-BASE(%r12)
	bl	.Llapc-BASE(%r12)
	br	%r14

/* ---- part 5: MVC over the next instructions of the running block
 * (smc.S case 1, 8 and 16 bytes).  The patched code is put back first,
 * a byte at a time, from outside that block. ---- */
smc:	st	%r14,.Lsmc_ret-BASE(%r12)
	la	%r1,.Lsmc8_old-BASE(%r12)
	la	%r2,.Lp8-BASE(%r12)
	la	%r0,8
	bal	%r14,bcopy-BASE(%r12)
	la	%r1,.Lsmc16_old-BASE(%r12)
	la	%r2,.Lp16-BASE(%r12)
	la	%r0,16
	bal	%r14,bcopy-BASE(%r12)
	sr	%r2,%r2
	sr	%r3,%r3
	mvc	.Lp8-BASE(8,%r12),.Lsmc8_new-BASE(%r12)
.Lp8:	la	%r2,1
	la	%r3,1
	REGCHK	%r2, 2, 0x88
	REGCHK	%r3, 3, 0x89
	mvc	.Lp16-BASE(16,%r12),.Lsmc16_new-BASE(%r12)
.Lp16:	la	%r2,1
	la	%r3,1
	la	%r4,1
	la	%r5,1
	REGCHK	%r2, 4, 0x8a
	REGCHK	%r3, 5, 0x8b
	REGCHK	%r4, 6, 0x8c
	REGCHK	%r5, 7, 0x8d
	l	%r14,.Lsmc_ret-BASE(%r12)
	br	%r14

/* r0 bytes from r1 to r2, one at a time (uses r3). */
bcopy:	ic	%r3,0(%r1)
	stc	%r3,0(%r2)
	la	%r1,1(%r1)
	la	%r2,1(%r2)
	bct	%r0,bcopy-BASE(%r12)
	br	%r14

/* ---- interruptions and failures ---- */

/* The 16-byte regions of the list at r1 (words: address, offset in
 * orig; 0 ends it) = orig from the offset, or (regions_check) fail with
 * r15 unless they still are.  Uses r0-r3. */
regions_init:
	l	%r2,0(%r1)
	ltr	%r2,%r2
	bzr	%r14
	l	%r3,4(%r1)
	la	%r3,orig-BASE(%r3,%r12)
	l	%r0,0(%r3)
	st	%r0,0(%r2)
	l	%r0,4(%r3)
	st	%r0,4(%r2)
	l	%r0,8(%r3)
	st	%r0,8(%r2)
	l	%r0,12(%r3)
	st	%r0,12(%r2)
	la	%r1,8(%r1)
	b	regions_init-BASE(%r12)
regions_check:
	l	%r2,0(%r1)
	ltr	%r2,%r2
	bzr	%r14
	l	%r3,4(%r1)
	la	%r3,orig-BASE(%r3,%r12)
	l	%r0,0(%r2)
	c	%r0,0(%r3)
	bne	failed-BASE(%r12)
	l	%r0,4(%r2)
	c	%r0,4(%r3)
	bne	failed-BASE(%r12)
	l	%r0,8(%r2)
	c	%r0,8(%r3)
	bne	failed-BASE(%r12)
	l	%r0,12(%r2)
	c	%r0,12(%r3)
	bne	failed-BASE(%r12)
	la	%r1,8(%r1)
	b	regions_check-BASE(%r12)

#if defined(ESA390)
/* Part 3's storage (real, DAT off): the ends of the frames behind p1/p3
 * and p5/p6, p0 + 100 and p5 + 100.  The first 8 bytes of the operand
 * at p3 + ff8 equal those at p0 + 100, so that CLC gets to p4. */
dat_init:
	la	%r1,dat_regions-BASE(%r12)
	b	regions_init-BASE(%r12)
dat_check:
	la	%r1,dat_regions-BASE(%r12)
	b	regions_check-BASE(%r12)
#else
/* Part 3's storage: the key-4 block's operand, the fetch-protected one,
 * the key-3 ones (24800 is the start of one). */
key_init:
	la	%r1,key_regions-BASE(%r12)
	b	regions_init-BASE(%r12)
key_check:
	la	%r1,key_regions-BASE(%r12)
	b	regions_check-BASE(%r12)
/* Storage keys 0, R and C zero, in the blocks at 27000 and 27800. */
rc_reset:
	sr	%r0,%r0
	l	%r1,blk_27000-BASE(%r12)
	SSK	%r0,%r1
	l	%r1,blk_27800-BASE(%r12)
	SSK	%r0,%r1
	br	%r14
/* Fail with r15 unless the storage key of the block at r2 is r4. */
rc_check:
	sr	%r0,%r0
	ISK	%r0,%r2
	cr	%r0,%r4
	bne	failed-BASE(%r12)
	br	%r14
#endif

/* After an expected program interruption (PGM_EXPECT): the code is the
 * halfword at r14, the ILC 3 (6 in the byte at 8d), the old PSW's
 * address r1; if the halfword at 2(r14) is 1, the old PSW's CC is 2;
 * the word at 4(r14), unless 0, is the translation-exception address at
 * 144.  Restores TEST_START's program new PSW; returns past the 8
 * bytes. */
pgm_check:
	mvc	PSA_PGM_NEW(8,%r0),.Lnew_pgm-BASE(%r12)
	la	%r0,1
	st	%r0,where-BASE(%r12)
	lh	%r0,PSA_PGM_CODE(%r0)
	ch	%r0,0(%r14)
	bne	failed-BASE(%r12)
	la	%r0,2
	st	%r0,where-BASE(%r12)
	cli	PSA_PGM_ILC(%r0),6
	bne	failed-BASE(%r12)
	la	%r0,3
	st	%r0,where-BASE(%r12)
	l	%r0,PSA_PGM_OLD+4(%r0)
	n	%r0,.Lamask-BASE(%r12)
	n	%r1,.Lamask-BASE(%r12)
	cr	%r0,%r1
	bne	failed-BASE(%r12)
	la	%r0,4
	st	%r0,where-BASE(%r12)
	cli	3(%r14),0
	be	.Lpgm_tea-BASE(%r12)
	sr	%r0,%r0
	ic	%r0,PSA_PGM_OLD+2(%r0)
	n	%r0,.Lccmask-BASE(%r12)		/* PSW bits 18-19 */
	c	%r0,c20-BASE(%r12)		/* CC 2 */
	bne	failed-BASE(%r12)
.Lpgm_tea:
	la	%r0,5
	st	%r0,where-BASE(%r12)
	l	%r0,4(%r14)
	ltr	%r0,%r0
	bz	.Lpgm_end-BASE(%r12)
	c	%r0,PSA_TEA(%r0)
	bne	failed-BASE(%r12)
.Lpgm_end:
	b	8(%r14)

/* The instruction did not cause the interruption expected. */
notcaught:
	spka	0
	DAT_OFF
	mvc	PSA_PGM_NEW(8,%r0),.Lnew_pgm-BASE(%r12)
	la	%r0,0x0f
	st	%r0,where-BASE(%r12)
	/* fall through */

/* Fail with code r15: print SS_FAIL_code_AT_where, end with code r15. */
failed:	DAT_OFF
	lr	%r0,%r15
	la	%r1,.Lfmsg_code+1-BASE(%r12)
	la	%r2,2
	bal	%r4,hex-BASE(%r12)
	l	%r0,where-BASE(%r12)
	la	%r1,.Lfmsg_where+3-BASE(%r12)
	la	%r2,4
	bal	%r4,hex-BASE(%r12)
	PRINT	.Lfmsg, .Lfmsg_end-.Lfmsg
	b	.Lfail-BASE(%r12)

/* r2 hex digits of r0 (EBCDIC), the last at r1.  Uses r3. */
hex:	lr	%r3,%r0
	n	%r3,c15-BASE(%r12)
	ic	%r3,.Lhexdig-BASE(%r3,%r12)
	stc	%r3,0(%r1)
	bctr	%r1,0
	srl	%r0,4
	bct	%r2,hex-BASE(%r12)
	br	%r4

	CHECK_ROUTINES
	TEST_ROUTINES

	.align	4
.Lfar_at:	.long	FAR
.Lcases_at:	.long	cases
.Llengths_at:	.long	lengths
.Lexcept_at:	.long	except
passes:		.long	0
where:		.long	0
cc2:		.long	0x20000000		/* SPM: CC 2, program mask 0 */
cc3:		.long	0x30000000
c3:		.long	3
c15:		.long	15
c20:		.long	0x20
c200:		.long	0x200
c8:		.long	8
c220:		.long	0x220
c256:		.long	256
c264:		.long	264
cr0_save:	.long	0
cr0_new:	.long	0
cr0_lap:	.long	0x10000000		/* CR0 bit 3 */
.Lra_ret:	.long	0
.Lexl_ret:	.long	0
.Lpe_ret:	.long	0
.Llap_ret:	.long	0
.Lsmc_ret:	.long	0
bufs:		.long	BUF_X, BUF_DST, BUF_Y1, BUF_Y2
#if defined(ESA390)
va_0100:	.long	VA(0) + 0x100		/* real 30100 */
va_3ff8:	.long	VA(3) + 0xff8		/* real 31ff8, into p4 */
va_3ff1:	.long	VA(3) + 0xff1		/* its last byte in p4 */
va_4100:	.long	VA(4) + 0x100
va_5100:	.long	VA(5) + 0x100		/* real 32100 */
va_5ff8:	.long	VA(5) + 0xff8		/* real 32ff8, into p6 (33000) */
#else
blk_24000:	.long	0x24000
blk_25000:	.long	0x25000
blk_26000:	.long	0x26000
blk_26800:	.long	0x26800
blk_24800:	.long	0x24800
a_247f1:	.long	0x247f1
blk_27000:	.long	0x27000
blk_27800:	.long	0x27800
a_24100:	.long	0x24100
a_25100:	.long	0x25100
a_26100:	.long	0x26100
a_267f8:	.long	0x267f8
a_27100:	.long	0x27100
a_277f8:	.long	0x277f8
a_x:		.long	BUF_X
#endif


/* Work areas of part 1: r8, r9, where.  In one page; crossing a 2K and
 * a 4K boundary 4 bytes in (the operands that start at the area cross);
 * crossing 20 bytes in (the first operand of the moves crosses); and
 * wrapping from the top of 24-bit storage to 0 four bytes in (its last
 * 60 bytes are real 0-3b: old PSWs, unused while the cases run). */
areas:	.long	0x20100, 0x20100, 1
	.long	0x207fc, 0x207fc, 2
	.long	0x20ffc, 0x20ffc, 3
	.long	0x21fec, 0x21fec, 4
#if !defined(ESA390)
	.long	0xfffffc, 0xfffffc, 5
#endif
	.long	0
#if defined(ESA390)
/* With DAT: a page; the two operands through p0 and p2, one frame (the
 * host addresses are as close as with one area), either way round;
 * aliases whose operands cross the 4K and the 2K boundary. */
vareas:	.long	VA(0), VA(0), 0x11
	.long	VA(0), VA(2), 0x12
	.long	VA(2), VA(0), 0x13
	.long	VA(1) - 4, VA(3) - 4, 0x14
	.long	VA(0) + 0x7fc, VA(2) + 0x7fc, 0x15
	.long	0
/* CR0: ESA/390 translation format; CR1: the primary segment table,
 * 32 entries. */
cr_dat:	.long	0x00b00000, segtab + 1
#endif

#if defined(ESA390)
dat_regions:
	.long	0x31ff0, 0, 0x30100, 8, 0x32100, 0, 0x32ff8, 0, 0
#else
key_regions:
	.long	0x24100, 0, 0x24800, 0, 0x25100, 0, 0x26100, 0, 0x267f8, 0, 0
#endif
lentab:	.short	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 255, 256, 0

/* EXECUTE targets (length from r9). */
.Lex_mvc:	mvc	0(1,%r5),0(%r4)
.Lex_clc:	clc	0(1,%r5),0(%r4)
.Lex_clc23:	clc	0(1,%r2),0(%r3)
.Lex_clc32:	clc	0(1,%r3),0(%r2)

/* The code part 5 writes, and what it writes over. */
.Lsmc8_new:
	la	%r2,2
	la	%r3,3
.Lsmc8_old:
	la	%r2,1
	la	%r3,1
.Lsmc16_new:
	la	%r2,4
	la	%r3,5
	la	%r4,6
	la	%r5,7
.Lsmc16_old:
	la	%r2,1
	la	%r3,1
	la	%r4,1
	la	%r5,1

	.align	4
orig:
	.set	.Lj, 0
	.rept	64
	.byte	ORIG(.Lj)
	.set	.Lj, .Lj + 1
	.endr
.Lhexdig:
	EBCDIC	0123456789ABCDEF
.Lfmsg:	EBCDIC	SS_FAIL_
.Lfmsg_code:
	EBCDIC	00_AT_
.Lfmsg_where:
	EBCDIC	0000
.Lfmsg_end:

/* ---- beyond BASE + 4K: r10 is the base of what uses one ---- */
	.align	8
FAR:

/* ---- part 3: access exceptions ---- */
except:
#if defined(ESA390)
	/* Page-translation exception (PoO-390 §3 "Page-Table Lookup"): an
	 * operand crossing into p4 (the helper), or wholly in it (the
	 * inline path), either operand: nullified, nothing stored, 144 the
	 * page's address. */
	.irp	op, mvc,mvn,mvz,nc,oc,xc,clc
	bal	%r14,dat_init-BASE(%r12)
	PGM_EXPECT \op, va_3ff8, va_0100, 0x0011, 1, VA(4), dat_check, dat=1
	bal	%r14,dat_init-BASE(%r12)
	PGM_EXPECT \op, va_0100, va_3ff8, 0x0011, 1, VA(4), dat_check, dat=1
	bal	%r14,dat_init-BASE(%r12)
	PGM_EXPECT \op, va_4100, va_0100, 0x0011, 1, VA(4), dat_check, dat=1
	bal	%r14,dat_init-BASE(%r12)
	PGM_EXPECT \op, va_0100, va_4100, 0x0011, 1, VA(4), dat_check, dat=1
	.endr
	/* Crossing by one byte, the last (the inline path takes an operand
	 * that ends on the last byte of a page, and no further). */
	bal	%r14,dat_init-BASE(%r12)
	PGM_EXPECT mvc, va_3ff1, va_0100, 0x0011, 1, VA(4), dat_check, dat=1
	bal	%r14,dat_init-BASE(%r12)
	PGM_EXPECT xc, va_0100, va_3ff1, 0x0011, 1, VA(4), dat_check, dat=1
	bal	%r14,dat_init-BASE(%r12)
	PGM_EXPECT clc, va_3ff1, va_3ff1, 0x0011, 1, VA(4), dat_check, dat=1
	/* Page protection (PoO-390 §3 "Page Protection"): the first operand
	 * in p5, or crossing from p5 into p6: every byte protected, nothing
	 * stored. */
	.irp	op, mvc,mvn,mvz,nc,oc,xc
	bal	%r14,dat_init-BASE(%r12)
	PGM_EXPECT \op, va_5100, va_0100, 0x0004, 0, 0, dat_check, dat=1
	bal	%r14,dat_init-BASE(%r12)
	PGM_EXPECT \op, va_5ff8, va_0100, 0x0004, 0, 0, dat_check, dat=1
	.endr
#else
	/* Key-controlled protection (PoO-370 §3): 2K blocks; PSW key 4. */
	l	%r2,blk_24000-BASE(%r12)
	la	%r3,0x40			/* key 4 */
	SSK	%r3,%r2
	l	%r2,blk_25000-BASE(%r12)
	la	%r3,0x38			/* key 3, fetch protected */
	SSK	%r3,%r2
	l	%r2,blk_26000-BASE(%r12)
	la	%r3,0x30			/* key 3 */
	SSK	%r3,%r2
	l	%r2,blk_26800-BASE(%r12)
	SSK	%r3,%r2
	l	%r2,blk_24800-BASE(%r12)
	SSK	%r3,%r2
	/* Stores into a key-3 block: wholly in one (the inline path), or
	 * crossing from one key-3 block into the next (the helper): every
	 * byte protected, nothing stored. */
	.irp	op, mvc,mvn,mvz,nc,oc,xc
	bal	%r14,key_init-BASE(%r12)
	PGM_EXPECT \op, a_26100, a_x, 0x0004, 0, 0, key_check, key=0x40
	bal	%r14,key_init-BASE(%r12)
	PGM_EXPECT \op, a_267f8, a_x, 0x0004, 0, 0, key_check, key=0x40
	.endr
	/* From a key-4 block into a key-3 one by the last byte: the inline
	 * path must not take it (nothing is stored at 24800; the bytes in
	 * the key-4 block may be, the operation is terminated). */
	bal	%r14,key_init-BASE(%r12)
	PGM_EXPECT mvc, a_247f1, a_x, 0x0004, 0, 0, key_check, key=0x40
	bal	%r14,key_init-BASE(%r12)
	PGM_EXPECT xc, a_247f1, a_x, 0x0004, 0, 0, key_check, key=0x40
	/* Fetches from a fetch-protected block: the key-4 first operand is
	 * left alone. */
	bal	%r14,key_init-BASE(%r12)
	PGM_EXPECT mvc, a_24100, a_25100, 0x0004, 0, 0, key_check, key=0x40
	bal	%r14,key_init-BASE(%r12)
	PGM_EXPECT xc, a_24100, a_25100, 0x0004, 0, 0, key_check, key=0x40
	bal	%r14,key_init-BASE(%r12)
	PGM_EXPECT clc, a_x, a_25100, 0x0004, 0, 0, key_check, key=0x40
	/* And key 4 may store into its own block, from key-0 storage. */
	bal	%r14,key_init-BASE(%r12)
	l	%r2,a_24100-BASE(%r12)
	l	%r3,a_x-BASE(%r12)
	spka	0x40
	mvc	0(16,%r2),0(%r3)
	spka	0
	la	%r15,0x9f
	la	%r1,16
.Lkey4:	bctr	%r1,0
	sr	%r0,%r0
	sr	%r4,%r4
	ic	%r0,0(%r1,%r2)
	ic	%r4,0(%r1,%r3)
	cr	%r0,%r4
	bne	failed-BASE(%r12)
	ltr	%r1,%r1
	bnz	.Lkey4-FAR(%r10)

	/* Reference and change bits (PoO-370 §3 "Storage Key"): a compare
	 * records a reference, a store a change too, in each block an
	 * operand touches.  SSK with R and C zero first. */
	xc	where-BASE(4,%r12),where-BASE(%r12)
	bal	%r14,rc_reset-BASE(%r12)
	l	%r2,a_27100-BASE(%r12)
	l	%r3,a_x-BASE(%r12)
	clc	0(16,%r2),0(%r3)
	la	%r15,0x90
	l	%r2,blk_27000-BASE(%r12)
	la	%r4,0x04			/* key 0, R */
	bal	%r14,rc_check-BASE(%r12)
	l	%r2,a_27100-BASE(%r12)
	mvc	0(16,%r2),0(%r3)
	la	%r15,0x91
	l	%r2,blk_27000-BASE(%r12)
	la	%r4,0x06			/* key 0, R, C */
	bal	%r14,rc_check-BASE(%r12)
	la	%r15,0x92
	l	%r2,blk_27800-BASE(%r12)
	la	%r4,0x00			/* the other block untouched */
	bal	%r14,rc_check-BASE(%r12)
	bal	%r14,rc_reset-BASE(%r12)
	l	%r2,a_277f8-BASE(%r12)
	clc	0(16,%r2),0(%r2)		/* equal: compared to the end */
	la	%r15,0x93
	l	%r2,blk_27000-BASE(%r12)
	la	%r4,0x04
	bal	%r14,rc_check-BASE(%r12)
	la	%r15,0x94
	l	%r2,blk_27800-BASE(%r12)
	bal	%r14,rc_check-BASE(%r12)
	bal	%r14,rc_reset-BASE(%r12)
	l	%r2,a_277f8-BASE(%r12)
	mvc	0(16,%r2),0(%r3)
	la	%r15,0x95
	l	%r2,blk_27000-BASE(%r12)
	la	%r4,0x06
	bal	%r14,rc_check-BASE(%r12)
	la	%r15,0x96
	l	%r2,blk_27800-BASE(%r12)
	bal	%r14,rc_check-BASE(%r12)
	bal	%r14,rc_reset-BASE(%r12)
	l	%r2,a_27100-BASE(%r12)
	xc	0(8,%r2),0(%r2)			/* the clearing idiom */
	la	%r15,0x97
	l	%r2,blk_27000-BASE(%r12)
	bal	%r14,rc_check-BASE(%r12)
#endif
	br	%r13

/* ---- part 1: the cases (r8, r9: the work area) ---- */
cases:
	/* MVC, first operand d bytes after the second: 1-7 propagate the
	 * first d bytes (the helper), 8 and more is chunk by chunk. */
	.irp	d, 1,2,3,7,8,9,15,16
	.irp	len, 5,16,40
	SSCASE	mvc, \d, \len
	.endr
	.endr
	SSCASE	mvc, 4, 16
	SSCASE	mvc, 5, 16
	SSCASE	mvc, 6, 16
	SSCASE	mvc, 0, 40			/* the operands one */
	.irp	d, -1,-3,-8			/* the first operand before */
	.irp	len, 5,16,40
	SSCASE	mvc, \d, \len
	.endr
	.endr
	/* NC, OC, XC overlapping: 0 (XC clears, CC 0), the helper's 1, 3
	 * and 7, the chunks' 8, and backward. */
	.irp	op, nc,oc,xc
	.irp	d, 0,1,3,7,8,-3
	SSCASE	\op, \d, 16
	.endr
	.endr
	SSCASE	xc, 8, 5
	/* MVN, MVZ: odd lengths apart, then overlapping. */
	.irp	op, mvn,mvz
	.irp	len, 1,3,7,9,17
	SSCASE	\op, 24, \len
	.endr
	SSCASE	\op, 1, 9
	SSCASE	\op, 3, 17
	SSCASE	\op, 8, 17
	.endr
	/* CLC: equal; the first unequal byte at 0, 7, 8, 15 either way;
	 * unsigned (80 against 7f); 01 ff against 02 00 (the first unequal
	 * byte decides, not the chunk's value read little-endian) inside a
	 * chunk, across chunks, and 15 bytes apart; an unequal byte just
	 * past the length (7, 12) is not compared; tails of 5 and 13. */
	CLCCASE	16, 0
	CLCCASE	16, 2, 0, 0x80, 0x7f
	CLCCASE	16, 1, 0, 0x7f, 0x80
	CLCCASE	16, 1, 7, 0x10, 0x20
	CLCCASE	16, 2, 7, 0x20, 0x10
	CLCCASE	16, 1, 8, 0x01, 0x02
	CLCCASE	16, 2, 8, 0x02, 0x01
	CLCCASE	16, 1, 15, 0xfe, 0xff
	CLCCASE	16, 2, 15, 0xff, 0xfe
	CLCCASE	16, 1, 6, 0x01, 0x02, 7, 0xff, 0x00
	CLCCASE	16, 2, 6, 0x02, 0x01, 7, 0x00, 0xff
	CLCCASE	16, 1, 7, 0x01, 0x02, 8, 0xff, 0x00
	CLCCASE	16, 1, 0, 0x01, 0x02, 15, 0xff, 0x00
	CLCCASE	7, 0, 7, 0x01, 0x02
	CLCCASE	5, 2, 4, 0x90, 0x10
	CLCCASE	13, 1, 12, 0x00, 0x01
	CLCCASE	12, 0, 12, 0x00, 0x01
	/* One operand twice (through two pages in the alias areas). */
	.set	.Lcase, .Lcase + 1
	la	%r15,.Lcase
	bal	%r14,fill-BASE(%r12)
	clc	0(40,%r9),0(%r8)
	bc	7,failed-BASE(%r12)
	br	%r13

/* ---- part 2: every length of MVC and CLC ---- */
lengths:
	.irp	L, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,255,256
	LENGTH	\L
	.endr
	br	%r13

#if defined(ESA390)
/* Segment-table entries: page-table origin, invalid bit 26, page-table
 * length in units of 16 entries, less one.  Page-table entries: frame,
 * invalid bit 21, page protection bit 22 (PoO-390 §3). */
	.align	4096
segtab:
	.long	pt_seg0				/* 0: 16 pages, one to one */
	.rept	0x11
	.long	0x00000020
	.endr
	.long	pt_seg12			/* 0x12: 16 pages */
	.rept	32 - 0x13
	.long	0x00000020
	.endr
	.align	64
pt_seg0:
	.set	.Lj, 0
	.rept	16
	.long	.Lj << 12
	.set	.Lj, .Lj + 1
	.endr
	.align	64
pt_seg12:
	.long	0x00030000			/* p0 */
	.long	0x00031000			/* p1 */
	.long	0x00030000			/* p2: p0's frame */
	.long	0x00031000			/* p3: p1's frame */
	.long	0x00000400			/* p4: invalid */
	.long	0x00032200			/* p5: protected */
	.long	0x00033200			/* p6: protected */
	.rept	9
	.long	0x00000400
	.endr
#endif
/* clang-format on */
