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

#endif
