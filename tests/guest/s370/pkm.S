/*
 * SET PSW KEY FROM ADDRESS and INSERT PSW KEY in the problem state (PoO-370
 * §10 as of GA22-7000-10, PoO-390 §10): SPKA is allowed in the problem
 * state only for a key whose bit in the PSW-key mask (CR3 bits 0-15) is
 * one, else it is a privileged-operation exception and the key stays; IPK
 * in the problem state needs the extraction-authority control (CR0 bit 4).
 * In the supervisor state neither is checked.  pkm_390.S runs this file
 * on -M s390.  Fail codes: 0xXY, X the case.
 */
#include "s370test.h"

/* clang-format off */
	/* Load CR n from the word at src. */
	.macro SETCR n, src
	lctl	\n,\n,\src-BASE(%r12)
	.endm

	/* Enter the problem state with PSW key key at label, via LPSW. */
	.macro PROBLEM key, label
	mvc	.Lprob_psw-BASE(8,%r12),.Kprob_psw-BASE(%r12)
	oi	.Lprob_psw+1-BASE(%r12),(\key << 4)
	la	%r1,\label-BASE(%r12)
	stcm	%r1,7,.Lprob_psw+5-BASE(%r12)
	lpsw	.Lprob_psw-BASE(%r12)
	.endm

	/* The old PSW's byte 1 (key, EC/ESA bit 12, problem state) is
	 * want (fail code fc). */
	.macro OLD_KEY want, fc
	cli	PSA_PGM_OLD+1(%r0),\want
	la	%r15,\fc
	bc	7,.Lfail-BASE(%r12)
	.endm

	TEST_START
	SETCR	%c3, .Kpkm_key4		/* PSW-key mask: key 4 only */
	stctl	%c0,%c0,.Lt-BASE(%r12)
	ni	.Lt-BASE(%r12),0xf7	/* CR0 bit 4 off: no extraction authority */
	SETCR	%c0, .Lt

	/* ---- supervisor state: any key, IPK allowed (1x) ---- */
	spka	0x30
	l	%r2,.Kr2_init-BASE(%r12)
	ipk
	REG	%r2, .Kr2_key3, 0x10
	spka	0

	/* ---- problem state: SPKA to a key in the mask; IPK privileged (2x) ---- */
	CATCH	.Lr20
	PROBLEM	0, .Lp20
.Lp20:	spka	0x40
.Lx20:	ipk
	NOT_CAUGHT 0x20
.Lr20:	CAUGHT	0x0002, 4, .Lx20+4, 0x21
	OLD_KEY	0x49, 0x24		/* key 4, problem state */

	/* ---- problem state: SPKA to a key not in the mask (3x) ---- */
	CATCH	.Lr30
	PROBLEM	4, .Lx30
.Lx30:	spka	0x30
	NOT_CAUGHT 0x30
.Lr30:	CAUGHT	0x0002, 4, .Lx30+4, 0x31
	OLD_KEY	0x49, 0x34		/* the key stays 4 */

	/* ---- extraction authority on: IPK in the problem state (4x) ---- */
	oi	.Lt-BASE(%r12),0x08
	SETCR	%c0, .Lt
	l	%r2,.Kr2_init-BASE(%r12)
	CATCH	.Lr40
	PROBLEM	4, .Lp40
.Lp40:	ipk
.Lx40:	ssm	.Lt-BASE(%r12)		/* privileged: back to the supervisor */
	NOT_CAUGHT 0x40
.Lr40:	CAUGHT	0x0002, 4, .Lx40+4, 0x41
	REG	%r2, .Kr2_key4, 0x44

	/* ---- an empty mask: not even the current key (5x) ---- */
	SETCR	%c3, .Kzero
	CATCH	.Lr50
	PROBLEM	0, .Lx50
.Lx50:	spka	0
	NOT_CAUGHT 0x50
.Lr50:	CAUGHT	0x0002, 4, .Lx50+4, 0x51
	OLD_KEY	0x09, 0x54

	/* ---- supervisor state with the empty mask (6x) ---- */
	spka	0x50
	ipk
	REG	%r2, .Kr2_key5, 0x60
	spka	0

	TEST_PASS

	CHECK_ROUTINES

	.align	8
.Kprob_psw:	.long	0x00090000, WAIT_PSW_LO	/* EC/ESA, problem state */
.Kpkm_key4:	.long	0x08000000
.Kzero:		.long	0
.Kr2_init:	.long	0xaabbcc0f
.Kr2_key3:	.long	0xaabbcc30
.Kr2_key4:	.long	0xaabbcc40
.Kr2_key5:	.long	0xaabbcc50
	.align	8
.Lprob_psw:	.fill	8, 1, 0
.Lt:		.long	0
	TEST_ROUTINES
/* clang-format on */
