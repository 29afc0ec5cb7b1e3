/*
 * Tier 0: the interpreter (blueprint §6).  A verified IrBlock is lowered
 * once into fixed-width bytecode whose operands are byte offsets from the
 * cpu-state base (globals are cpu-state fields; temps are slots of
 * CPUState.interp_frame), then dispatched by computed goto.  Blocks chain
 * inside the interpreter through TranslationBlock.jmp_dest[] and the
 * per-vCPU jump cache (goto_ptr).
 */
#ifndef DOPPEL_INTERP_H
#define DOPPEL_INTERP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/cpu.h"
#include "core/tb.h"
#include "ir/ir.h"

/* Lower b into bytecode.  The block must verify.  Returns an opaque code
 * object freed by interp_code_free. */
void *interp_lower(const IrBlock *b);
void interp_code_free(void *code);
/* Bytes of bytecode (for info jit and the benchmark). */
size_t interp_code_size(const void *code);
/* The bytecode, one instruction a line (-d out_asm). */
void interp_code_print(const void *code, FILE *out);

typedef struct InterpExit {
    TranslationBlock *last_tb; /* the TB whose exit was taken */
    int slot;                  /* 0/1: an unlinked goto_tb; -1 otherwise */
    int code;                  /* IrExitCode for exit_tb; IR_EXIT_NORMAL else */
    /* Not NULL: the chain reached this TB, which the caller must run next
     * (it has native code, or hot is set: its exec_count just reached
     * cpu->jit_threshold).  last_tb/slot/code are then unused. */
    TranslationBlock *next;
    bool hot;
} InterpExit;

/* Run tb and the TBs chained from it until an exit back to the loop:
 * an unlinked goto_tb, a goto_ptr miss, exit_tb, cpu->exit_request, or a
 * chained TB for tier 1 (InterpExit.next).
 * Sets cpu->current_tb while a TB runs.  Faults longjmp to cpu->jmp_env
 * (set up by the caller) with cpu->fault_insn identifying the instruction. */
InterpExit interp_exec(CPUState *cpu, TranslationBlock *tb);

/* goto_ptr support, provided by core/cpu_loop.c: the TB for the cpu's
 * current state from the jump cache (or hash), or NULL. */
TranslationBlock *tb_lookup_jmp_cache(CPUState *cpu);

#endif
