/*
 * The common part of every vCPU: creation, and leaving a running TB by
 * longjmp with precise guest state (blueprint §5, "faults are precise").
 */
#include "core/cpu.h"

#include <stdlib.h>
#include <string.h>

#include "core/cpu_debug.h"
#include "core/tb.h"

CPUState *cpu_create(const ArchOps *arch, struct Machine *machine, int index)
{
    size_t size = arch->cpu_size < sizeof(CPUState) ? sizeof(CPUState) : arch->cpu_size;
    CPUState *cpu = aligned_alloc(64, (size + 63) & ~(size_t)63);
    if (!cpu) {
        fprintf(stderr, "doppel: out of memory creating cpu %d\n", index);
        exit(1);
    }
    memset(cpu, 0, size);
    cpu->arch = arch;
    cpu->machine = machine;
    cpu->cpu_index = index;
    cpu->page_bits = arch->page_bits;
    cpu->page_mask = ~((UINT64_C(1) << arch->page_bits) - 1);
    cpu->vaddr_mask = ~UINT64_C(0);
    cpu->exception_index = EXCP_NONE;
    cpu->jit_threshold = UINT64_MAX;
    cpu->jmp_cache = calloc(TB_JMP_CACHE_SIZE, sizeof(*cpu->jmp_cache));
    if (!cpu->jmp_cache) {
        fprintf(stderr, "doppel: out of memory creating cpu %d\n", index);
        exit(1);
    }
    return cpu;
}

void cpu_destroy(CPUState *cpu)
{
    if (!cpu) return;
    cpu_debug_free(cpu);
    free(cpu->jmp_cache);
    free(cpu);
}

void cpu_reset(CPUState *cpu)
{
    cpu->halted = false;
    cpu->exception_index = EXCP_NONE;
    atomic_store(&cpu->interrupt_request, 0);
    if (cpu->jmp_cache) memset(cpu->jmp_cache, 0, TB_JMP_CACHE_SIZE * sizeof(*cpu->jmp_cache));
    if (cpu->arch->reset) cpu->arch->reset(cpu);
}

void cpu_restore_state(CPUState *cpu)
{
    TranslationBlock *tb = cpu->current_tb;
    if (!tb || !tb->insn_data || cpu->fault_insn >= tb->icount) return;
    cpu->arch->restore_state(cpu, &tb->insn_data[cpu->fault_insn * TB_INSN_DATA_WORDS]);
    if (cpu->icount_exact) {
        /* Both tiers counted the whole TB on entry; the instructions from
         * the faulting one on did not complete.  fault_insn moves past
         * the end so that a second call changes nothing. */
        cpu->icount -= tb->icount - cpu->fault_insn;
        cpu->fault_insn = tb->icount;
    }
}

_Noreturn void cpu_loop_exit(CPUState *cpu)
{
    longjmp(cpu->jmp_env, 1);
}

_Noreturn void cpu_loop_exit_restore(CPUState *cpu)
{
    cpu_restore_state(cpu);
    longjmp(cpu->jmp_env, 1);
}

_Noreturn void cpu_loop_exit_restore_trap(CPUState *cpu)
{
    TranslationBlock *tb = cpu->current_tb;
    bool rewinds = tb && tb->insn_data && cpu->fault_insn < tb->icount;
    cpu_restore_state(cpu);
    if (rewinds && cpu->icount_exact) cpu->icount++;
    longjmp(cpu->jmp_env, 1);
}

_Noreturn void cpu_raise_exception(CPUState *cpu, int excp)
{
    cpu->exception_index = excp;
    cpu_loop_exit_restore(cpu);
}

void cpu_exit(CPUState *cpu)
{
    atomic_store_explicit(&cpu->exit_request, 1, memory_order_release);
}

void cpu_interrupt(CPUState *cpu, int mask)
{
    atomic_fetch_or(&cpu->interrupt_request, mask);
    cpu_exit(cpu);
}

void cpu_reset_interrupt(CPUState *cpu, int mask)
{
    atomic_fetch_and(&cpu->interrupt_request, ~mask);
}
