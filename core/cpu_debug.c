/* Stub until the debug core lands (issue 7). */
#include "core/cpu_debug.h"

#include <errno.h>

static const CpuDebugStop no_stop;

int cpu_breakpoint_insert(CPUState *cpu, uint64_t pc)
{
    (void)cpu, (void)pc;
    return -EINVAL;
}

int cpu_breakpoint_remove(CPUState *cpu, uint64_t pc)
{
    (void)cpu, (void)pc;
    return -ENOENT;
}

bool cpu_breakpoint_at(const CPUState *cpu, uint64_t pc)
{
    (void)cpu, (void)pc;
    return false;
}

int cpu_watchpoint_insert(CPUState *cpu, uint64_t vaddr, uint64_t len, WatchKind kind)
{
    (void)cpu, (void)vaddr, (void)len, (void)kind;
    return -EINVAL;
}

int cpu_watchpoint_remove(CPUState *cpu, uint64_t vaddr, uint64_t len, WatchKind kind)
{
    (void)cpu, (void)vaddr, (void)len, (void)kind;
    return -ENOENT;
}

void cpu_debug_remove_all(CPUState *cpu)
{
    (void)cpu;
}

void cpu_single_step(CPUState *cpu, bool enable)
{
    (void)cpu, (void)enable;
}

bool cpu_single_stepping(const CPUState *cpu)
{
    (void)cpu;
    return false;
}

void cpu_debug_resume(CPUState *cpu)
{
    (void)cpu;
}

const CpuDebugStop *cpu_debug_stop_reason(const CPUState *cpu)
{
    (void)cpu;
    return &no_stop;
}

int cpu_memory_rw_debug(CPUState *cpu, uint64_t vaddr, uint8_t *buf, size_t len, bool write)
{
    (void)cpu, (void)vaddr, (void)buf, (void)len, (void)write;
    return -EFAULT;
}

void cpu_debug_free(CPUState *cpu)
{
    (void)cpu;
}

uint32_t cpu_debug_cut_block(const CPUState *cpu, const uint64_t *insn_data, uint32_t ninsns)
{
    (void)cpu, (void)insn_data, (void)ninsns;
    return 0;
}

void cpu_debug_check_watchpoint(CPUState *cpu, uint64_t vaddr, unsigned size, bool write)
{
    (void)cpu, (void)vaddr, (void)size, (void)write;
}

bool cpu_debug_page_watched(const CPUState *cpu, uint64_t vaddr, bool write)
{
    (void)cpu, (void)vaddr, (void)write;
    return false;
}
