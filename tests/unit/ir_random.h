/*
 * A generator of random, valid IR blocks, for testing passes against the
 * interpreter and (later) the LLVM backend against the interpreter.
 *
 * A block is a sequence of guest "instructions" (insn_start markers) made
 * of integer ops of every IR_OPF_INT kind on i32 and i64, width changes,
 * bit fields, conditions, carries, guest loads and stores inside a RAM
 * window (ld/st, and host_range with ld_host/st_host), ld_env/st_env
 * inside a cpu-state scratch area, optional helper calls, and forward
 * control flow (brcond over a body, if/else with br, conditional early
 * exits), ending with an exit.  It reads and writes the
 * i32/i64 globals of the given table.
 *
 * Every block verifies, and is deterministic to execute: temps are only
 * read where they were written on every path; shift counts are masked;
 * carries are 0/1; addresses stay inside the window; with guard_div no
 * division by zero or INT_MIN / -1 is evaluated.  The same seed and options
 * always give the same block.
 */
#ifndef DOPPEL_TEST_IR_RANDOM_H
#define DOPPEL_TEST_IR_RANDOM_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/ir.h"

typedef struct IrRandomOptions {
    uint32_t max_ops; /* body ops before the final exit, roughly */

    /* Guest RAM window for ld/st: [ram_base, ram_base + ram_size), size a
     * power of two >= 16; 0 disables ld/st.  Accesses use mmu_idx in
     * [0, mmu_modes) (0 counts as 1). */
    uint64_t ram_base;
    uint32_t ram_size;
    unsigned mmu_modes;
    bool big_endian_mix; /* also emit IR_MO_BE accesses */
    bool unaligned;      /* also emit misaligned accesses (never IR_MO_ALIGN) */

    /* Cpu-state scratch area for ld_env/st_env: offset from the cpu-state
     * base and size (a power of two >= 16); 0 disables. */
    uint32_t env_offset;
    uint32_t env_size;

    /* Globals the block may write: bit i for global i; 0 means all. */
    uint64_t writable_globals;

    bool guard_div;   /* divisors never 0, never INT_MIN / -1 (as frontends) */
    bool branches;    /* brcond/br/labels */
    bool early_exits; /* conditional exits before the end */
    bool final_goto;  /* end with goto_tb/goto_ptr sometimes, not only exit_tb */

    /* Helpers the block may call (args and result of i32/i64 types). */
    const IrHelper *const *helpers;
    unsigned nhelpers;
} IrRandomOptions;

/* Defaults: 48 ops, all op kinds except memory, env and helpers. */
void ir_random_default_options(IrRandomOptions *opt);

/* A new block (free with ir_block_free); opt NULL means the defaults. */
IrBlock *ir_random_block(uint64_t seed, const IrGlobalTable *globals, const IrRandomOptions *opt);

#endif
