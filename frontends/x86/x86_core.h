/*
 * Private declarations of the core part of the x86 frontend (decoder,
 * translation loop, flags, disassembly) that the contract header
 * x86_internal.h does not carry.  Candidates for x86_internal.h.
 */
#ifndef DOPPEL_X86_CORE_H
#define DOPPEL_X86_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontends/x86/x86_internal.h"

/* x86_decode.c */
/* The table lines indexed under (map, opcode), in group order. */
const X86InsnDef *const *x86_decode_candidates(unsigned map, unsigned opcode, unsigned *n);
/* Whether a line reads a ModRM byte, and whether that byte matches the
 * line's reg/mod/rm columns. */
bool x86_def_has_modrm(const X86InsnDef *def);
bool x86_def_matches_modrm(const X86InsnDef *def, uint8_t modrm);
bool x86_spec_needs_modrm(X86OpndSpec s);
/* Turn the J operands of a decoded instruction into target EIPs for an
 * instruction at eip (x86_decode leaves them relative). */
void x86_decode_fix_targets(X86Insn *in, uint32_t eip);

/* x86_disas.c: one instruction as text for -d in_asm; returns its
 * length (0 if the bytes do not decode). */
unsigned x86_disas_one(const uint8_t *bytes, unsigned len, uint64_t pc, bool cs32, char *out,
                       size_t outlen);

/* x86_translate.c: the single-step trap after an instruction with
 * EFLAGS.TF set (SDM Vol 3 §17.3.1.4): #DB with DR6.BS, reported at the
 * next instruction (pc already written). */
extern const IrHelper x86_helper_single_step;
/* IR: write the pc global to the linear address of eip. */
void x86_gen_set_pc(X86Disas *d, uint32_t eip);
/* Linear address of the stack slot at (E)SP + delta for an access of
 * size bytes (POPA, far RET, ENTER read several slots before one
 * x86_gen_pop_commit of the total). */
IrVal x86_gen_stack_linear(X86Disas *d, int32_t delta, unsigned size, bool write);

/* x86_flags.c */
/* Condition cc (X86_COND_*) from the six flags in EFLAGS positions. */
bool x86_cond_from_flags(unsigned cc, uint32_t flags);

#endif
