/*
 * What the hexadecimal (s370_insn_hfp.c) and binary (s370_insn_bfp.c)
 * floating-point instruction groups share: the floating-point-register
 * designation rules, the data exception with its data-exception code
 * (DXC), and the IR for reading and writing FPRs.
 */
#ifndef DOPPEL_S370_FP_H
#define DOPPEL_S370_FP_H

#include <stddef.h>

#include "frontends/s370/s370_internal.h"

/* How an instruction uses a register field (S370InsnDef.arg bits, built
 * with S370_FP_REGS). */
typedef enum S370FpRegClass {
    S370_FP_NONE = 0, /* not an FPR (a general register, or no field) */
    S370_FP_REG = 1,  /* an FPR: 0, 2, 4, 6 unless AFP-register control is on */
    S370_FP_PAIR = 2, /* an extended operand: FPR pair r, r+2 */
} S370FpRegClass;

#define S370_FP_REGS(r1, r2) ((r1) | (r2) << 2)
/* A BFP instruction: a data exception with DXC 2 while AFP-register
 * control is off (PoO-390 §19). */
#define S370_FP_BFP     (1 << 15)
#define S370_FP_R1(arg) ((S370FpRegClass)((arg)&3))
#define S370_FP_R2(arg) ((S370FpRegClass)(((arg) >> 2) & 3))

/* Data-exception codes (PoO-390 §6 "Data-Exception Code"). */
enum {
    S370_DXC_AFP_REGISTER = 0x01,
    S370_DXC_BFP_INSTRUCTION = 0x02,
    S370_DXC_IEEE_INEXACT = 0x08,   /* | 0x04 when incremented */
    S370_DXC_IEEE_UNDERFLOW = 0x10, /* | 0x08 inexact, | 0x04 incremented */
    S370_DXC_IEEE_OVERFLOW = 0x20,  /* likewise */
    S370_DXC_IEEE_DIVIDE = 0x40,
    S370_DXC_IEEE_INVALID = 0x80,
};

/* The FPC register (PoO-390 §9 "Floating-Point-Control Register"): IEEE
 * masks in byte 0, flags in byte 1, the DXC in byte 2, the rounding mode
 * in the low bits of byte 3.  Mask, flag and DXC bits are in the same
 * order: invalid, divide by zero, overflow, underflow, inexact. */
enum {
    S370_FPC_MASK_SHIFT = 24,
    S370_FPC_FLAG_SHIFT = 16,
    S370_FPC_DXC_SHIFT = 8,
    S370_FPC_I = 0x80,
    S370_FPC_Z = 0x40,
    S370_FPC_O = 0x20,
    S370_FPC_U = 0x10,
    S370_FPC_X = 0x08,
    S370_FPC_RM = 0x03,
    S370_FPC_VALID = 0xf8f8ff03u, /* bits LFPC/SFPC may set */
};

static inline size_t s370_fpr_offset(unsigned r)
{
    return offsetof(S370CPU, fpr) + 8 * (r & 15);
}

/* Check the register fields of in against the classes in def->arg at
 * translation time (the AFP-register control is part of the TB flags):
 * PoO-370 §9 allows FPRs 0, 2, 4, 6 (pairs 0 and 4) and raises a
 * specification exception otherwise; PoO-390 §9 raises a data exception
 * with DXC 1 for the additional registers while CR0 bit 13 is zero, and
 * specification for a pair whose first register has bit 2 set.  Emits the
 * interruption and returns false when a field is not valid. */
bool s370_fp_check_regs(S370Disas *d, const S370Insn *in, unsigned classes);

/* Emit an unconditional data exception with dxc (ends the block). */
void s370_gen_fp_data_exception(S370Disas *d, uint8_t dxc);

/* From a helper: store dxc where PoO-390 §6 says (real location 147 in
 * ESA/390, and the FPC DXC field while AFP-register control is on) and
 * raise the data exception. */
_Noreturn void s370_fp_data_exception(S370CPU *cpu, uint8_t dxc);

/* IR: the 64-bit contents of FPR r, and writing them. */
IrVal s370_gen_fpr_load(S370Disas *d, unsigned r);
void s370_gen_fpr_store(S370Disas *d, unsigned r, IrVal v);

#endif
