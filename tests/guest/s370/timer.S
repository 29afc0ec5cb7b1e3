/*
 * S/370 timing facilities (PoO-370 §4 "Timing"): STORE CLOCK gives
 * increasing values; the clock comparator, the CPU timer and the
 * interval timer at location 80 each end an enabled wait with their
 * external interruption (codes 1004, 1005, 0080).  Nothing here depends
 * on how fast the host runs: each wait lasts until its interruption.
 */
#include "s370test.h"

#define EXT_CODE 0x86 /* external-interruption code, EC mode */

	/* Load an enabled wait PSW (external interruptions only); the
	 * handler resumes after it with them disabled again. */
	.macro WAIT_EXT psw
	xc	ext_code-BASE(4,%r12),ext_code-BASE(%r12)
	lpsw	\psw-BASE(%r12)
	.endm

	TEST_START
	mvc	PSA_EXT_NEW(8,%r0),ext_psw-BASE(%r12)

	/* ---- STCK: CC 0 (set), each value larger than the one before ---- */
	stck	tod1-BASE(%r12)
	CHECK_CC 0, 1
	stck	tod2-BASE(%r12)
	clc	tod2-BASE(8,%r12),tod1-BASE(%r12)
	CHECK_CC 2, 2

	/* ---- clock comparator: 1 ms from now ---- */
	stck	tod1-BASE(%r12)
	lm	%r2,%r3,tod1-BASE(%r12)
	al	%r3,one_ms-BASE(%r12)
	bc	12,1f-BASE(%r12)		/* no carry out of the low word */
	al	%r2,one-BASE(%r12)
1:	stm	%r2,%r3,ckc-BASE(%r12)
	sckc	ckc-BASE(%r12)
	stckc	tod2-BASE(%r12)
	clc	tod2-BASE(8,%r12),ckc-BASE(%r12)
	CHECK_CC 0, 3
	lctl	%c0,%c0,cr0_ckc-BASE(%r12)
	WAIT_EXT wait_ckc
.Lafter_ckc:
	CHECK_MEM ext_code, 0x1004, 4
	stck	tod2-BASE(%r12)
	clc	tod2-BASE(8,%r12),ckc-BASE(%r12)
	CHECK_CC 2, 5				/* the clock is past the comparator */

	/* ---- CPU timer: 1 ms, then negative ---- */
	spt	cpu_timer-BASE(%r12)
	stpt	tod2-BASE(%r12)
	clc	tod2-BASE(8,%r12),cpu_timer-BASE(%r12)
	CHECK_CC 1, 6				/* already counting down */
	lctl	%c0,%c0,cr0_cpu_timer-BASE(%r12)
	WAIT_EXT wait_cpu_timer
.Lafter_cpu_timer:
	CHECK_MEM ext_code, 0x1005, 7
	stpt	tod2-BASE(%r12)
	l	%r2,tod2-BASE(%r12)
	ltr	%r2,%r2
	CHECK_CC 1, 8

	/* ---- interval timer: bit 23 of location 80 counts 1/300 s ---- */
	lctl	%c0,%c0,cr0_interval-BASE(%r12)
	mvc	80(4,%r0),far_future-BASE(%r12)
	stosm	sysmask-BASE(%r12),0x01		/* take a stale one, if any */
	stnsm	sysmask-BASE(%r12),0xfe
	mvc	80(4,%r0),one_tick-BASE(%r12)
	WAIT_EXT wait_interval
.Lafter_interval:
	CHECK_MEM ext_code, 0x0080, 9
	l	%r2,80(%r0)
	ltr	%r2,%r2
	CHECK_CC 1, 10

	PRINT	msg, msgend-msg
	TEST_PASS

/* External interruptions: record the code, return to the interrupted
 * PSW with the wait bit and the external mask off. */
ext_handler:
	mvc	ext_code+2-BASE(2,%r12),EXT_CODE(%r0)
	ni	PSA_EXT_OLD(%r0),0xfe
	ni	PSA_EXT_OLD+1(%r0),0xfd
	lpsw	PSA_EXT_OLD(%r0)

	.align	8
ext_psw:	.long	0x00080000, ext_handler
wait_ckc:	.long	0x010a0000, .Lafter_ckc
wait_cpu_timer:	.long	0x010a0000, .Lafter_cpu_timer
wait_interval:	.long	0x010a0000, .Lafter_interval
tod1:		.quad	0
tod2:		.quad	0
ckc:		.quad	0
cpu_timer:	.quad	0xc350000		/* 50 ms (bit 51 is 1 us): it must not run out
					 * before STPT, even when the block holding
					 * STPT is compiled first (jit,sync=on) */
one_ms:		.long	0x3e8000
one:		.long	1
ext_code:	.long	0
sysmask:	.long	0
far_future:	.long	0x7fffff00
one_tick:	.long	0x00000100
/* CR0 external subclass masks: clock comparator bit 20, CPU timer bit
 * 21, interval timer bit 24. */
cr0_ckc:	.long	0x00000800
cr0_cpu_timer:	.long	0x00000400
cr0_interval:	.long	0x00000080
msg:	EBCDIC TIMER_OK
msgend:

	TEST_ROUTINES
