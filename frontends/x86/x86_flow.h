/*
 * Private to the flow part of the x86 frontend (x86_insn_branch.c,
 * x86_insn_stack.c, x86_insn_string.c, x86_insn_misc.c): the C helpers'
 * entry points that the unit tests call directly on a cpu.
 *
 * PROPOSED for x86_internal.h only if another part needs them (nothing
 * outside these files does today).
 */
#ifndef DOPPEL_X86_FLOW_H
#define DOPPEL_X86_FLOW_H

#include <stdint.h>

#include "frontends/x86/x86_internal.h"

/* ---- x86_insn_string.c ---- */

/* String operations (the helper word's op field). */
enum {
    X86_STR_MOVS,
    X86_STR_CMPS,
    X86_STR_STOS,
    X86_STR_LODS,
    X86_STR_SCAS,
    X86_STR_INS,
    X86_STR_OUTS,
};
/* Prefix kinds: F3 is REP, or REPE for CMPS/SCAS; F2 is REPNE (and REP
 * for the others, as processors treat it). */
enum {
    X86_STR_NOREP = 0,
    X86_STR_REPE = 1,
    X86_STR_REPNE = 2,
};

/* The helper's argument: operation, element size (1, 2, 4), address size
 * (2, 4), source segment (DS or the override) and prefix kind. */
#define X86_STR_WORD(op, size, asize, seg, rep)                                                    \
    ((uint32_t)(op) | (uint32_t)(size) << 4 | (uint32_t)(asize) << 8 | (uint32_t)(seg) << 12 |     \
     (uint32_t)(rep) << 16)
#define X86_STR_WORD_OP(w)    ((unsigned)(w)&0xf)
#define X86_STR_WORD_SIZE(w)  ((unsigned)((w) >> 4) & 0xf)
#define X86_STR_WORD_ASIZE(w) ((unsigned)((w) >> 8) & 0xf)
#define X86_STR_WORD_SEG(w)   ((unsigned)((w) >> 12) & 0xf)
#define X86_STR_WORD_REP(w)   ((unsigned)((w) >> 16) & 0x3)
/* EFLAGS.TF: one iteration per run, so the single-step trap follows each
 * iteration (SDM Vol 2 "REP/REPE/REPZ/REPNE/REPNZ"). */
#define X86_STR_WORD_SINGLE (1u << 20)

/* Run a string instruction (with a prefix: a bounded part of it) on the
 * cpu, updating eCX/eSI/eDI (and flags, EAX) after every piece.  Returns 1
 * when a REP instruction must run again (eCX not yet 0 and its condition
 * still holds), 0 when it is complete.  Raises the guest's exceptions
 * (MAY_RAISE context: cpu->common.fault_insn set). */
uint32_t x86_string_run(X86CPU *cpu, uint32_t word);

/* ---- x86_insn_stack.c ---- */

/* The EFLAGS bits POPF of opsize bytes may change in the cpu's current
 * mode (SDM Vol 2 POPF), outside virtual-8086 mode with IOPL < 3. */
uint32_t x86_popf_mask(const X86CPU *cpu, unsigned opsize);

/* ---- x86_insn_misc.c ---- */

/* BCD adjustments (SDM Vol 2 AAA, AAS, DAA, DAS, AAM, AAD).  Takes AX,
 * the six arithmetic flags and the immediate base (AAM, AAD); returns
 * the new AX in bits 0-15 and the new flags from bit 16.  AAM with base 0
 * is left to the lifter (#DE). */
enum {
    X86_BCD_AAA,
    X86_BCD_AAS,
    X86_BCD_DAA,
    X86_BCD_DAS,
    X86_BCD_AAM,
    X86_BCD_AAD,
};
uint32_t x86_bcd_adjust(unsigned op, uint32_t ax, uint32_t flags, uint32_t base);

#endif
