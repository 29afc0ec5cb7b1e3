/*
 * Tier 1 (blueprint §6): what the LLVM backend compiles and the calling
 * convention of the code it produces.  Shared by the region builder and
 * compile queue (jit.c), the lowering (llvm_lower.c) and the ORC engine
 * (llvm_engine.c).
 *
 * A region is one or more TBs compiled into one host function.  Block 0
 * is the entry.  Each block's goto_tb slot n continues inside the region
 * at block succ[n], or leaves it (-1).  The IR is a snapshot taken on the
 * vCPU thread when the region was queued; the TB pointers are used only
 * as constants (current_tb, exit values, jmp_dest loads), and the JIT
 * keeps those TBs allocated while the job is pending or the code
 * installed.
 */
#ifndef DOPPEL_JIT_REGION_H
#define DOPPEL_JIT_REGION_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cpu.h"
#include "core/tb.h"
#include "ir/ir.h"

typedef struct JitRegionBlock {
    TranslationBlock *tb;
    IrBlock *ir;     /* verified, optimised; owned by the region spec */
    int32_t succ[2]; /* goto_tb slot n: index of the block it continues at, or -1 */
    /* goto_ptr: the block it continues at when the guest pc equals that
     * block's pc (ir/README.md: only the pc can differ), or -1.  A block
     * of the same guest page, so the same mapping. */
    int32_t ptr_succ;
} JitRegionBlock;

typedef struct JitRegionSpec {
    uint64_t id;        /* unique per JIT: the function is named doppel_region_<id> */
    unsigned page_bits; /* the cpu's page size (TLB index and tag compare) */
    JitRegionBlock *blocks;
    uint32_t nblocks;
    /* Attach a debug location to every guest instruction (line = the
     * instruction's number in region order, from 1), for -d out_asm. */
    bool debug_lines;
} JitRegionSpec;

/* ---- the code's calling convention ----
 *
 *   uint64_t doppel_region_<id>(CPUState *cpu)
 *
 * The caller (the cpu loop) has set nothing: the code does what the
 * interpreter does on entering each TB (cpu->icount += tb->icount), and
 * returns an exit value naming the TB whose exit was taken:
 *   (uintptr_t)tb | JIT_EXIT_SLOT0/1        an unlinked goto_tb slot
 *   (uintptr_t)tb | JIT_EXIT_PTR            goto_ptr not continued natively
 *   (uintptr_t)tb | JIT_EXIT_CODE | code<<2 exit_tb code (IrExitCode)
 * TranslationBlock is allocated with 16-byte alignment (malloc), so the
 * low four bits are free.
 *
 * Before following a goto_tb inside the region or to another region, and
 * before goto_ptr continues natively, the code checks what the
 * interpreter checks (cpu_may_chain): cpu->exit_request is 0 and
 * cpu->icount < cpu->icount_limit; otherwise it returns the exit.  A
 * goto_tb leaving the region loads tb->jmp_dest[slot] and, if that TB has
 * native code (tb->native), tail-calls it (musttail); a goto_ptr calls
 * jit_runtime_lookup_ptr and tail-calls what it returns.
 *
 * Faults: before a TLB slow path or a helper that may raise, the code
 * stores every guest global it has changed back to the cpu state and sets
 * cpu->current_tb to the block's TB (and cpu->fault_insn for helpers, as
 * the interpreter does); the slow path gets the instruction index. */
typedef uint64_t (*JitEntry)(CPUState *cpu);

enum {
    JIT_EXIT_SLOT0 = 0,
    JIT_EXIT_SLOT1 = 1,
    JIT_EXIT_PTR = 2,
    JIT_EXIT_CODE = 3,
    JIT_EXIT_KIND_MASK = 3,
    JIT_EXIT_CODE_SHIFT = 2,
    JIT_EXIT_TB_MASK = 15, /* bits below the TB pointer */
};

static inline uint64_t jit_exit_value(const TranslationBlock *tb, unsigned kind, unsigned code)
{
    return (uint64_t)(uintptr_t)tb | kind | (uint64_t)code << JIT_EXIT_CODE_SHIFT;
}

/* goto_ptr from native code: the entry of the TB for the cpu's current
 * state, when it has native code and chaining is allowed; else NULL (the
 * code then returns JIT_EXIT_PTR).  Provided by jit.c. */
JitEntry jit_runtime_lookup_ptr(CPUState *cpu);

#endif
