/*
 * x87 state services shared by the x87 instruction helpers
 * (x86_insn_x87.c), WAIT, and the tests: the register stack, status and
 * tag words, exception recording and #MF, and the FSTENV/FSAVE/FXSAVE
 * memory images (SDM Vol 1 §8.1, §8.5, §8.6; Vol 2 FXSAVE).
 *
 * Proposed for x86_internal.h (the lead merges): x86_fpu_check_pending,
 * which WAIT/FWAIT calls.
 */
#ifndef DOPPEL_X86_FPU_H
#define DOPPEL_X86_FPU_H

#include <stdbool.h>
#include <stdint.h>

#include "frontends/x86/x86.h"
#include "frontends/x86/x86_softfloat.h"

/* Status word bits beyond the exception flags (SDM Vol 1 §8.1.3). */
enum {
    X86_FPSW_SF = 1 << 6,
    X86_FPSW_ES = 1 << 7,
    X86_FPSW_TOP_SHIFT = 11,
    X86_FPSW_TOP = 7 << 11,
    X86_FPSW_B = 1 << 15,
    X86_FPSW_CC = X86_FPSW_C0 | X86_FPSW_C1 | X86_FPSW_C2 | X86_FPSW_C3,
};

/* Full tag values (SDM Vol 1 §8.1.7). */
enum {
    X86_FPTAG_VALID = 0,
    X86_FPTAG_ZERO = 1,
    X86_FPTAG_SPECIAL = 2,
    X86_FPTAG_EMPTY = 3,
};

/* Registers: physical index, or stack-relative ST(i). */
X86F80 x86_fpu_reg(const X86CPU *cpu, unsigned phys);
void x86_fpu_set_reg(X86CPU *cpu, unsigned phys, X86F80 v);
static inline unsigned x86_fpu_phys(const X86CPU *cpu, unsigned i)
{
    return (cpu->fpstt + i) & 7;
}
static inline bool x86_fpu_empty(const X86CPU *cpu, unsigned i)
{
    return cpu->fptag[x86_fpu_phys(cpu, i)] != 0;
}
static inline X86F80 x86_fpu_st(const X86CPU *cpu, unsigned i)
{
    return x86_fpu_reg(cpu, x86_fpu_phys(cpu, i));
}
/* Write ST(i) and mark it valid. */
void x86_fpu_set_st(X86CPU *cpu, unsigned i, X86F80 v);
/* Push v (TOP - 1); pop (mark ST(0) empty, TOP + 1). */
void x86_fpu_push(X86CPU *cpu, X86F80 v);
void x86_fpu_pop(X86CPU *cpu);

/* Status word with TOP and B; setting it sets TOP and the rest. */
uint16_t x86_fpu_status(const X86CPU *cpu);
void x86_fpu_set_status(X86CPU *cpu, uint16_t sw);
/* The full tag word computed from the registers; loading one only marks
 * registers empty (11) or not (SDM Vol 1 §8.1.7). */
uint16_t x86_fpu_tag_word(const X86CPU *cpu);
void x86_fpu_set_tag_word(X86CPU *cpu, uint16_t tw);
/* FLDCW: the control word (bit 6 reads as 1), and ES/B recomputed so a
 * newly unmasked pending exception is signalled by the next waiting
 * instruction (SDM Vol 1 §8.6). */
void x86_fpu_set_control(X86CPU *cpu, uint16_t cw);

/* Record exception flags (X86_FPE_*, with X86_FPE_SF for a stack fault);
 * an unmasked one sets ES and B: the next waiting x87 instruction raises
 * #MF (SDM Vol 1 §8.5, §8.6). */
void x86_fpu_record(X86CPU *cpu, unsigned exc);
/* Condition codes: replace the bits of mask with cc. */
static inline void x86_fpu_set_cc(X86CPU *cpu, uint16_t mask, uint16_t cc)
{
    cpu->fpus = (uint16_t)((cpu->fpus & ~mask) | (cc & mask));
}
/* The stack-fault response (SDM Vol 1 §8.5.1.1): IE|SF, C1 = overflow.
 * Returns true when IE is masked (the instruction continues with the
 * real indefinite). */
bool x86_fpu_stack_fault(X86CPU *cpu, bool overflow);

/* A waiting x87 instruction (and WAIT): with an unmasked exception
 * pending (ES), raise #MF when CR0.NE is set.  With CR0.NE clear a PC
 * signals FERR# on IRQ 13 instead: not modelled, the exception stays
 * pending. */
void x86_fpu_check_pending(X86CPU *cpu);

/* The last instruction and operand pointers of a non-control
 * instruction (SDM Vol 1 §8.1.8). */
void x86_fpu_update_pointers(X86CPU *cpu, uint16_t fop, bool has_mem, unsigned seg,
                             uint32_t offset);

/* FSTENV/FLDENV (14 or 28 bytes by operand size, real or protected
 * layout: SDM Vol 1 figures 8-9 to 8-12) and FSAVE/FRSTOR (the
 * environment then ST(0)..ST(7)); FSAVE also re-initialises. */
void x86_fpu_stenv(X86CPU *cpu, uint32_t linear, unsigned opsize);
void x86_fpu_ldenv(X86CPU *cpu, uint32_t linear, unsigned opsize);
void x86_fpu_fsave(X86CPU *cpu, uint32_t linear, unsigned opsize);
void x86_fpu_frstor(X86CPU *cpu, uint32_t linear, unsigned opsize);
/* FXSAVE/FXRSTOR (SDM Vol 2 FXSAVE table 3-53): 512 bytes, 16-aligned
 * (#GP(0) otherwise); FXRSTOR #GP(0) on reserved MXCSR bits. */
void x86_fpu_fxsave(X86CPU *cpu, uint32_t linear);
void x86_fpu_fxrstor(X86CPU *cpu, uint32_t linear);
/* x86_insn_x87.c: the helper word of a decoded x87 instruction, and one
 * instruction run as its helper runs (linear: the memory operand's
 * linear address, offset: its offset in the segment). */
struct X86Insn;
uint32_t x86_x87_word(const struct X86Insn *in);
void x86_x87_exec(X86CPU *cpu, uint32_t word, uint32_t linear, uint32_t offset);

/* The MXCSR bits FXRSTOR accepts, stored as FXSAVE's MXCSR_MASK: DAZ
 * (bit 6) is supported (SDM Vol 1 §11.6.6), so all of the low 16. */
#define X86_MXCSR_MASK 0xffffu

#endif
