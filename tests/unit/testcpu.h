/*
 * A test CPU for unit tests: a cpu state with plain registers bound as IR
 * globals, a scratch area for ld_env/st_env, and 64 KiB of little-endian
 * guest RAM at physical 0 mapped by an identity MMU.  testcpu_run executes
 * one IR block through the interpreter without the TB cache or cpu loop.
 */
#ifndef DOPPEL_TESTCPU_H
#define DOPPEL_TESTCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/interp/interp.h"
#include "core/cpu.h"
#include "core/tb.h"
#include "ir/ir.h"
#include "softmmu/memory.h"

#define TESTCPU_NREGS        16
#define TESTCPU_SCRATCH_SIZE 256
#define TESTCPU_BANK_WORDS   128 /* a 1 KiB register file (windows, banks) */
#define TESTCPU_RAM_SIZE     0x10000
#define TESTCPU_PAGE_BITS    12
#define TESTCPU_MMU_MODES    4

/* Global indices in testcpu_globals(): r0..r15 (i64), w0..w15 (i32), pc. */
#define TESTCPU_G_R(n)   ((uint32_t)(n))
#define TESTCPU_G_W(n)   ((uint32_t)(TESTCPU_NREGS + (n)))
#define TESTCPU_G_PC     ((uint32_t)(2 * TESTCPU_NREGS))
#define TESTCPU_NGLOBALS (2 * TESTCPU_NREGS + 1)

/* Values for the builder: ir_global(TESTCPU_G_R(3)) etc. */
#define TC_R(n) ir_global(TESTCPU_G_R(n))
#define TC_W(n) ir_global(TESTCPU_G_W(n))
#define TC_PC   ir_global(TESTCPU_G_PC)

/* exception_index after an IR_MO_ALIGN access was misaligned. */
#define TESTCPU_EXCP_UNALIGNED 1

/* testcpu_run result when the block does not verify. */
#define TESTCPU_RUN_INVALID (-2)
/* testcpu_run result when a guest fault longjmp'ed out of the block. */
#define TESTCPU_RUN_FAULT (-1)

typedef struct TestCpu {
    CPUState cpu; /* first: the cpu-state base all offsets are relative to */
    uint64_t r[TESTCPU_NREGS];
    uint32_t w[TESTCPU_NREGS];
    uint8_t scratch[TESTCPU_SCRATCH_SIZE] __attribute__((aligned(16)));
    uint64_t bank[TESTCPU_BANK_WORDS]; /* reached only through ld_env/st_env */

    /* Harness state, not compared by testcpu_state_equal. */
    MemoryRegion ram;
    AddressSpace as;
    TranslationBlock tb;
    InterpExit last_exit; /* of the last testcpu_run that did not fault */
    int fault_count;      /* faults seen since testcpu_new */
    char error[256];      /* verifier message for TESTCPU_RUN_INVALID */
} TestCpu;

/* Byte offsets of the test registers from the cpu-state base, for blocks
 * that declare their own IrGlobalTable over TestCpu fields. */
#define TESTCPU_OFF_R(n)    ((uint32_t)(offsetof(TestCpu, r) + 8 * (n)))
#define TESTCPU_OFF_W(n)    ((uint32_t)(offsetof(TestCpu, w) + 4 * (n)))
#define TESTCPU_OFF_SCRATCH ((uint32_t)offsetof(TestCpu, scratch))
#define TESTCPU_OFF_BANK    ((uint32_t)offsetof(TestCpu, bank))

/* Register n of type t (r for i64, w for i32): its IR value, and access. */
static inline IrVal testcpu_reg(IrType t, unsigned n)
{
    return t == IR_I64 ? TC_R(n) : TC_W(n);
}
static inline void testcpu_set_reg(TestCpu *tc, IrType t, unsigned n, uint64_t v)
{
    if (t == IR_I64)
        tc->r[n] = v;
    else
        tc->w[n] = (uint32_t)v;
}
static inline uint64_t testcpu_get_reg(const TestCpu *tc, IrType t, unsigned n)
{
    return t == IR_I64 ? tc->r[n] : tc->w[n];
}

TestCpu *testcpu_new(void);
void testcpu_free(TestCpu *tc);
const IrGlobalTable *testcpu_globals(void);
const ArchOps *testcpu_arch(void);

/* Deterministic pseudo-random registers, scratch, bank and RAM from seed;
 * pc = 0. */
void testcpu_reset(TestCpu *tc, uint64_t seed);

/* Verify, lower and execute b once (no chaining: jmp_dest[] stay NULL).
 * On a fault, cpu.exception_index holds the exception and cpu.pc the pc of
 * the faulting instruction's insn_start.
 * Returns the exit_tb code (IR_EXIT_NORMAL for goto_tb/goto_ptr exits; see
 * last_exit.slot), TESTCPU_RUN_FAULT if a guest fault longjmp'ed, or
 * TESTCPU_RUN_INVALID if the block does not verify (message in error). */
int testcpu_run(TestCpu *tc, const IrBlock *b);

static inline CPUState *testcpu_cpu(TestCpu *tc)
{
    return &tc->cpu;
}
static inline uint64_t testcpu_get_r(const TestCpu *tc, unsigned n)
{
    return tc->r[n];
}
static inline void testcpu_set_r(TestCpu *tc, unsigned n, uint64_t v)
{
    tc->r[n] = v;
}
static inline uint32_t testcpu_get_w(const TestCpu *tc, unsigned n)
{
    return tc->w[n];
}
static inline void testcpu_set_w(TestCpu *tc, unsigned n, uint32_t v)
{
    tc->w[n] = v;
}
static inline uint8_t *testcpu_scratch(TestCpu *tc)
{
    return tc->scratch;
}
/* Host pointer to guest RAM (TESTCPU_RAM_SIZE bytes at physical 0). */
static inline uint8_t *testcpu_ram(TestCpu *tc)
{
    return tc->ram.host;
}

/* Guest-visible state equal (registers, pc, scratch, bank, RAM)?  If not, a
 * description of the first difference goes to diff (may be NULL). */
bool testcpu_state_equal(const TestCpu *a, const TestCpu *b, char *diff, size_t difflen);

#endif
