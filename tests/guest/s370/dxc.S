/*
 * The data-exception code (PoO-390 §6 "Data-Exception Code (DXC)"): in
 * ESA/390 every data exception stores its DXC as the word at real
 * location 144 (the DXC at 147, zeros at 144-146) and, while the
 * AFP-register control (CR0 bit 13) is one, in byte 2 of the FPC; with
 * it off the FPC is left alone.  The decimal instructions and CVB have
 * DXC 0; an IEEE trap its own code.  S/370 has no DXC (PoO-370 §6 "Data
 * Exception"): the word at 144 stays as it was.  dxc_390.S runs this
 * file on -M s390.  Fail codes: 0xXY, X the case.
 */
#include "s370test.h"

#if defined(ESA390)
#define DECIMAL_WORD144 0x00000000 /* DXC 0 */
#else
#define DECIMAL_WORD144 0xffffffff /* unchanged */
#endif

/* clang-format off */
	/* Set (or with off, clear) the AFP-register control, CR0 bit 13. */
	.macro AFP off
	stctl	%c0,%c0,.Lt-BASE(%r12)
	.ifb \off
	oi	.Lt+1-BASE(%r12),0x04
	.else
	ni	.Lt+1-BASE(%r12),0xfb
	.endif
	lctl	%c0,%c0,.Lt-BASE(%r12)
	.endm

	/* With the word at 144 set to ones, insn (len bytes long, in quotes)
	 * must raise program interruption code and leave word at 144; fail
	 * codes fc (nothing came) and fc+1 .. fc+4 (CAUGHT_144). */
	.macro EXPECT code, len, word, fc, insn
	mvc	PSA_TEA(4,%r0),.Kones-BASE(%r12)
	CATCH	.Lr\@
.Lx\@:	\insn
	NOT_CAUGHT \fc
.Lr\@:	CAUGHT_144 \code, \len, .Lx\@+\len, \word, \fc+1
	.endm

	/* Fail with code unless the FPC is the word at want. */
	.macro FPC_IS want, code
	efpc	%r2
	REG	%r2, \want, \code
	.endm

	TEST_START

	/* ---- decimal data exceptions: DXC 0, or nothing in S/370 (1x) ---- */
	EXPECT	0x0007, 6, DECIMAL_WORD144, 0x10, "ap .Lw-BASE(2,%r12),.Kbad-BASE(2,%r12)"
	EXPECT	0x0007, 4, DECIMAL_WORD144, 0x18, "cvb %r3,.Kbad8-BASE(%r12)"

	/* ---- another interruption leaves the word at 144 alone (2x) ---- */
	EXPECT	0x0001, 2, 0xffffffff, 0x20, ".short 0x0000"

#if defined(ESA390)
	/* ---- AFP on: the DXC also replaces FPC byte 2 (3x) ---- */
	AFP
	lfpc	.Kfpc_dxc-BASE(%r12)
	EXPECT	0x0007, 6, 0, 0x30, "cp .Lw-BASE(2,%r12),.Kbad-BASE(2,%r12)"
	FPC_IS	.Kfpc_nodxc, 0x35
	lfpc	.Kfpc_dxc-BASE(%r12)
	EXPECT	0x0007, 4, 0, 0x38, "cvb %r3,.Kbad8-BASE(%r12)"
	FPC_IS	.Kfpc_nodxc, 0x3d

	/* ---- AFP off: the FPC keeps its DXC (4x) ---- */
	lfpc	.Kfpc_dxc-BASE(%r12)
	AFP	off
	EXPECT	0x0007, 6, 0, 0x40, "ap .Lw-BASE(2,%r12),.Kbad-BASE(2,%r12)"
	AFP
	FPC_IS	.Kfpc_dxc, 0x45

	/* ---- an IEEE trap: its DXC, zeros at 144-146 (5x) ---- */
	lfpc	.Kfpc_nodxc-BASE(%r12)		/* divide-by-zero mask on */
	ld	%f0,.K1-BASE(%r12)
	EXPECT	0x0007, 6, 0x00000040, 0x50, "ddb %f0,.Kdzero-BASE(%r12)"
	FPC_IS	.Kfpc_dxc, 0x55
#endif

	TEST_PASS

	CHECK_ROUTINES

	.align	8
.Kones:		.long	0xffffffff
.Kfpc_dxc:	.long	0x40004000		/* divide-by-zero mask, DXC 0x40 */
.Kfpc_nodxc:	.long	0x40000000
.K1:		.long	0x3ff00000, 0
.Kdzero:	.long	0, 0
.Kbad8:		.long	0x00000000, 0x00001a2c	/* digit A */
.Kbad:		.byte	0x1a, 0x2c		/* digit A */
	.align	8
.Lw:		.byte	0x00, 0x1c
	.align	8
.Lt:		.fill	8, 1, 0
	TEST_ROUTINES
/* clang-format on */
