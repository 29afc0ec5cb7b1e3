/*
 * The vCPU loop (blueprint §1): deliver exceptions and interrupts, find or
 * translate the next TB, run it, link it to its predecessor.
 */
#ifndef DOPPEL_CPU_LOOP_H
#define DOPPEL_CPU_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cpu.h"
#include "core/tb.h"

/* Guest instructions a vCPU runs before returning to the event loop. */
#define CPU_SLICE_INSNS 200000

/* Run cpu until it halts, a slice of max_insns ends, or exit_request is
 * set.  Returns EXCP_HALTED, EXCP_INTERRUPT or EXCP_DEBUG. */
int cpu_exec(CPUState *cpu, uint64_t max_insns);

/* Translate the block at (pc, cs_base, flags); inserted into the cache
 * unless cflags has CF_NOCACHE.  May raise the guest's fetch fault. */
TranslationBlock *tb_gen_code(CPUState *cpu, uint64_t pc, uint64_t cs_base, uint32_t flags,
                              uint32_t cflags);

/* The machine's accelerator beyond the interpreter (-accel jit: the LLVM
 * tier), once its cpus exist.  False with one line in err. */
struct Machine;
bool cpu_loop_setup_accel(struct Machine *m, char *err, size_t errlen);
void cpu_loop_teardown_accel(struct Machine *m);

/* ---- debug hooks between the cpu loop, kvm and core/cpu_debug.c ----
 * (the debug engineer's, not part of the core/cpu_debug.h contract) */
struct CpuDebugStop;

/* At a block start with cpu->debug set: run on, stop at a breakpoint
 * (the stop reason is recorded), or step off the breakpoint the cpu was
 * resumed at (run its first instruction alone). */
typedef enum CpuDebugPc { DEBUG_PC_RUN, DEBUG_PC_STOP, DEBUG_PC_STEP_OFF } CpuDebugPc;
CpuDebugPc cpu_debug_check_pc(CPUState *cpu, uint64_t pc);
void cpu_debug_set_stop(CPUState *cpu, const struct CpuDebugStop *stop);
/* A watchpoint hit is waiting: true once, as the rerun of its
 * instruction begins (watchpoints are then suppressed). */
bool cpu_debug_watch_rerun_begin(CPUState *cpu);
/* The rerun ended (completed: without an exception); true if the cpu
 * must now stop for the watchpoint (the stop reason is recorded). */
bool cpu_debug_watch_rerun_end(CPUState *cpu, bool completed);

/* What -accel kvm programs into the debug registers. */
#define CPU_DEBUG_HW_SLOTS 4
typedef struct CpuDebugHwSlot {
    uint64_t addr, len;
    int watch;        /* 0: breakpoint, else WatchKind */
    uint64_t wp_addr; /* watchpoints: the start of the one this piece is of */
} CpuDebugHwSlot;
typedef struct CpuDebugHw {
    CpuDebugHwSlot slot[CPU_DEBUG_HW_SLOTS];
    unsigned n;
    bool single_step;
    uint64_t resume_pc; /* cpu_debug_resume's pc, UINT64_MAX: none */
    uint64_t generation;
} CpuDebugHw;
/* Fill hw; false when nothing is asked for. */
bool cpu_debug_hw(const CPUState *cpu, CpuDebugHw *hw);
/* kvm ran the resumed instruction: forget the resume pc. */
void cpu_debug_hw_resumed(CPUState *cpu);

#endif
