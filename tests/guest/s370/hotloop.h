/*
 * Hot loops for the code-invalidation tests (smc_loop.S, region_inval.S,
 * dma_code.S).  A test runs a loop in stages: each stage runs until it is
 * "ripe", at least HOT_ITERATIONS passes (past doppel's default JIT
 * threshold of 1000) and at least HOT_MICROSECONDS of TOD-clock time, so
 * that under -accel jit the compile thread has had time to install the
 * loop's regions; then the test changes the loop's code and starts the
 * next stage.  Include after s370test.h.
 *
 *   bal  %r14,stage_start   r5 = 0 passes; the stage's clock starts
 *   ...                     loop body: la %r5,1(,%r5) once a pass
 *   bal  %r14,ripe          CC 1 (low) until the stage is ripe
 *   bc   4,loop-BASE(%r12)
 *   HOT_ROUTINES            once, after the code
 *   HOT_DATA                once, in the data (its own 64-byte units)
 *
 * The checks compare what the loop computed (r6) with a shadow sum (r7)
 * that adds, in code that is never changed, what the current version of
 * the changed code adds (r8): stale code makes them differ.
 */
#ifndef HOTLOOP_H
#define HOTLOOP_H

/* LLVM takes some 10-30 ms a region, and a loop of a few TBs queues
 * several: 100 ms lets them all install on a busy two-core machine. */
#define HOT_ITERATIONS   2000
#define HOT_MICROSECONDS 100000

/* clang-format off */
	.macro HOT_ROUTINES
	/* r5 = 0; the stage's start time in microseconds (TOD bit 51,
	 * PoO-370 §4 "TOD Clock") to .Lhot_t0.  Uses r0, r1. */
stage_start:
	sr	%r5,%r5
	stck	.Lhot_clock-BASE(%r12)
	lm	%r0,%r1,.Lhot_clock-BASE(%r12)
	srdl	%r0,12
	st	%r1,.Lhot_t0-BASE(%r12)
	br	%r14
	/* CC 1 (low) until r5 >= HOT_ITERATIONS and HOT_MICROSECONDS have
	 * passed since stage_start (the low 32 bits of the microsecond
	 * count: modulo 2^32, right for 71 minutes).  Uses r0, r1. */
ripe:
	cl	%r5,.Lhot_n-BASE(%r12)
	bcr	4,%r14
	stck	.Lhot_clock-BASE(%r12)
	lm	%r0,%r1,.Lhot_clock-BASE(%r12)
	srdl	%r0,12
	sl	%r1,.Lhot_t0-BASE(%r12)
	cl	%r1,.Lhot_us-BASE(%r12)
	br	%r14
	.endm

	/* One entry of a list of changes: the new instruction (4 bytes),
	 * then what the changed code adds to r6 each pass.  The label keeps
	 * the S/370 instruction check (test_s370_isa.c) from reading the
	 * word as code. */
	.macro CHANGE add, insn
	\insn
.Lchange_add\@: .long \add
	.endm

	/* Stored into on every pass: kept out of the code's 64-byte units
	 * (TB_CODE_UNIT_BITS), so these stores take the fast path. */
	.macro HOT_DATA
	.balign	64
.Lhot_clock:	.long	0, 0
.Lhot_t0:	.long	0
.Lhot_n:	.long	HOT_ITERATIONS
.Lhot_us:	.long	HOT_MICROSECONDS
	.balign	64
	/* Where the loops' armed stores go while unarmed. */
scratch:	.long	0, 0
	.balign	64
	.endm
/* clang-format on */

#endif
