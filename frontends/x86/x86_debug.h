/*
 * Private to the debug part of the x86 frontend (x86_debug.c, and its
 * users x86_translate.c, x86_cpu.c, x86_mmu.c): the debug registers'
 * breakpoints (SDM Vol 3 §18.2-18.3) and the state they need.
 */
#ifndef DOPPEL_X86_DEBUG_H
#define DOPPEL_X86_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

#include "frontends/x86/x86_internal.h"

/* DR6 bits (SDM Vol 3 §18.2.3). */
enum {
    X86_DR6_B_MASK = 0xfu, /* B0-B3: breakpoint condition met */
    X86_DR6_BS = 1u << 14, /* single step */
};

/* insn_start aux1 bit: EFLAGS.RF was set when the instruction started
 * (restore_state puts it back when the instruction faults). */
#define X86_INSN_DATA_RF 1u

/* DR7 enables an instruction breakpoint (L/G n set, R/W n = 00). */
bool x86_dr7_has_insn_bp(uint32_t dr7);
/* DR7 enables a data breakpoint (R/W n = 01 or 11). */
bool x86_dr7_has_data_bp(uint32_t dr7);

/* The enabled data breakpoints an access of size bytes at linear hits,
 * as DR6 B0-B3 bits. */
uint32_t x86_dbp_match(const X86CPU *cpu, uint32_t linear, unsigned size, bool write);
/* Record the hits of an access as pending (they trap after the
 * instruction), and ask the cpu to leave its block so a REP string
 * helper stops after the iteration that hit. */
void x86_dbp_record(X86CPU *cpu, uint32_t linear, unsigned size, bool write);
/* x86_mmu_translate's hook: a page holding a data breakpoint is never
 * cached for reads and writes (res->no_tlb, read/write dropped from
 * res->prot), so every access to it walks and is recorded here.  The
 * walk sees only the first byte of the access in the page; lifted loads
 * and stores also call x86_helper_dbp_access with their size. */
void x86_dbp_translate(X86CPU *cpu, uint32_t va, MMUAccess access, bool probe, MMUResult *res);

/* Raise the #DB trap at the end of an instruction (pc already holds
 * the next instruction's address) if data breakpoints hit or single_step
 * (EFLAGS.TF); repeat: a REP string instruction that is not finished
 * (the pushed RF is 1, SDM Vol 3 §18.3.1.1).  Returns if nothing hit. */
void x86_debug_trap(X86CPU *cpu, bool single_step, bool repeat);

/* IR helpers. */
/* (): instruction breakpoints at the current pc: #DB fault, DR6.Bn. */
extern const IrHelper x86_helper_insn_bp;
/* (linear, size | write << 8): record a lifted access's hits. */
extern const IrHelper x86_helper_dbp_access;
/* (kind: X86_DEBUG_TRAP_*): x86_debug_trap. */
extern const IrHelper x86_helper_debug_trap;
enum {
    X86_DEBUG_TRAP_SINGLE_STEP = 1,
    X86_DEBUG_TRAP_REPEAT = 2,
};

#endif
