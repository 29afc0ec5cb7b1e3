/*
 * Private to the system instruction group (x86_insn_system.c: the table,
 * control and debug registers, interrupts, I/O, CPUID and MSRs;
 * x86_insn_segment.c: segment registers, far transfers, descriptor
 * tables): the lifters the table names from the second file, and the
 * small IR pieces both use.
 */
#ifndef DOPPEL_X86_SYSTEM_H
#define DOPPEL_X86_SYSTEM_H

#include <stdbool.h>

#include "frontends/x86/x86_internal.h"

/* Helper flags of instructions that read and change cpu state and may
 * fault. */
#define X86_SYS_HELPER_FLAGS (IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_MAY_RAISE)

/* After a helper that has set the pc (far transfers, SYSENTER): leave
 * the block for the loop (CS, mode and TB flags may all have changed),
 * with the single-step trap first under EFLAGS.TF. */
void x86_sys_exit_to_pc(X86Disas *d);
/* #UD outside protected mode (real mode, virtual-8086 mode): the rule of
 * SLDT STR LLDT LTR LAR LSL VERR VERW ARPL.  False after emitting it. */
bool x86_sys_require_protected(X86Disas *d);
/* Store a 16-bit system value (selector, machine status word) to operand
 * n of kind Ew: 16 bits to memory, zero-extended into a 32-bit register
 * with a 32-bit operand size (SDM Vol 2 MOV, SLDT, STR, SMSW). */
void x86_sys_write_word_operand(X86Disas *d, const X86Insn *in, unsigned n, IrVal v);

/* x86_insn_segment.c */
X86Lifter x86_lift_mov_to_sreg, x86_lift_mov_from_sreg, x86_lift_push_sreg, x86_lift_pop_sreg,
    x86_lift_load_far_pointer, /* LDS LES LSS LFS LGS: arg = segment */
    x86_lift_jmp_far, x86_lift_call_far, x86_lift_retf, x86_lift_iret,
    x86_lift_load_table_reg,  /* LGDT LIDT: arg = offsetof(X86CPU, gdtr / idtr) */
    x86_lift_store_table_reg, /* SGDT SIDT: the same */
    x86_lift_lldt, x86_lift_ltr,
    x86_lift_store_sys_selector, /* SLDT STR: arg = offsetof(X86CPU, ldtr / tr) */
    x86_lift_lar_lsl,            /* arg: 0 LAR, 1 LSL */
    x86_lift_verr_verw,          /* arg: 0 VERR, 1 VERW */
    x86_lift_arpl;

#endif
