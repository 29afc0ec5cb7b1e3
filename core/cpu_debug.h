/*
 * Debugging a vCPU (blueprint §10): breakpoints, watchpoints, single step,
 * and memory access through the guest's MMU, for the gdbstub, the monitor
 * and reverse execution.  Nothing here patches guest memory.
 *
 * Breakpoints work by translation: a TB never runs past an address with a
 * breakpoint (the block is cut before it), and a block starting at one
 * raises EXCP_DEBUG before its first instruction.  Inserting or removing a
 * breakpoint flushes the translations that could contain it.  Under
 * -accel kvm the same calls program the guest-debug interface (hardware
 * debug registers, single-step trap) instead.
 *
 * Watchpoints work through the soft TLB: a page holding one gets TLB_WATCH
 * in its tags, so every access to it takes the slow path, which compares
 * the access with the watchpoints.  A hit stops the cpu after the
 * instruction that made the access has completed (as gdb expects).
 *
 * When the cpu stops for any of these, cpu_exec returns EXCP_DEBUG and
 * cpu_debug_stop_reason says why; machine_run then stops the machine with
 * vm_stop(m, RUN_STATE_DEBUG) (core/runstate.h), which tells the gdbstub.
 *
 *     cpu_breakpoint_insert(cpu, 0x7c00);
 *     cpu_watchpoint_insert(cpu, 0x1000, 4, WATCH_WRITE);
 *     cpu_single_step(cpu, true);  vm_start(m);   // stops after one insn
 *     const CpuDebugStop *why = cpu_debug_stop_reason(cpu);
 */
#ifndef DOPPEL_CPU_DEBUG_H
#define DOPPEL_CPU_DEBUG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cpu.h"

/* gdb's Z2/Z3/Z4 kinds. */
typedef enum WatchKind {
    WATCH_WRITE = 1,
    WATCH_READ = 2,
    WATCH_ACCESS = 3, /* read or write */
} WatchKind;

typedef enum CpuDebugStopKind {
    DEBUG_STOP_NONE,
    DEBUG_STOP_STEP,       /* single step finished */
    DEBUG_STOP_BREAKPOINT, /* pc reached a breakpoint */
    DEBUG_STOP_WATCHPOINT, /* an access hit a watchpoint */
} CpuDebugStopKind;

typedef struct CpuDebugStop {
    CpuDebugStopKind kind;
    uint64_t addr;       /* breakpoint pc, or the watched address accessed */
    WatchKind watch;     /* for watchpoints: the watchpoint's kind */
    uint64_t watch_addr; /* for watchpoints: the start of the watchpoint hit */
} CpuDebugStop;

/* Most breakpoints and watchpoints per cpu (gdb gets an error past it). */
#define CPU_DEBUG_MAX_BREAKPOINTS 256
#define CPU_DEBUG_MAX_WATCHPOINTS 64

/* Breakpoint at pc (the address form of ArchOps.tb_flags' pc / insn_start
 * word 0).  0 on success (inserting an existing one is a no-op), -ENOSPC
 * when full, -EINVAL where the accelerator cannot (kvm: four at most). */
int cpu_breakpoint_insert(CPUState *cpu, uint64_t pc);
/* 0, or -ENOENT when there is none at pc. */
int cpu_breakpoint_remove(CPUState *cpu, uint64_t pc);
bool cpu_breakpoint_at(const CPUState *cpu, uint64_t pc);
/* The cpu's pc as breakpoints see it: ArchOps.tb_flags' pc (for x86 the
 * linear address CS.base + EIP). */
uint64_t cpu_debug_pc(CPUState *cpu);

/* Watchpoint on the virtual range [vaddr, vaddr + len), len >= 1. */
int cpu_watchpoint_insert(CPUState *cpu, uint64_t vaddr, uint64_t len, WatchKind kind);
int cpu_watchpoint_remove(CPUState *cpu, uint64_t vaddr, uint64_t len, WatchKind kind);

/* Remove every breakpoint and watchpoint (the debugger detached). */
void cpu_debug_remove_all(CPUState *cpu);

/* Single step: while enabled, every cpu_exec runs one instruction (the
 * first instruction of a block at a breakpoint included: stepping moves
 * off a breakpoint) and returns EXCP_DEBUG with DEBUG_STOP_STEP.  An
 * exception the instruction raises is delivered first, so the step ends
 * at the handler's first instruction.  Interrupts are not taken while
 * stepping (as QEMU's default sstep flags). */
void cpu_single_step(CPUState *cpu, bool enable);
bool cpu_single_stepping(const CPUState *cpu);

/* Resuming from a breakpoint stop: the next block starting at that pc
 * runs its first instruction instead of stopping again.  The gdbstub and
 * the monitor call this before every continue/step. */
void cpu_debug_resume(CPUState *cpu);

/* Why the last EXCP_DEBUG happened (kind NONE if it did not). */
const CpuDebugStop *cpu_debug_stop_reason(const CPUState *cpu);
/* Set the reason reported for the next stop (reverse execution stops the
 * machine itself at a recorded hit or step target). */
void cpu_debug_set_stop_reason(CPUState *cpu, const CpuDebugStop *why);

/* Read or write guest virtual memory as the cpu sees it now, translating
 * each page with ArchOps.mmu_translate (probe: no fault, no guest state
 * change) for the cpu's current data mode.  Writes go to RAM and ROM
 * alike (as a debugger's would) and invalidate translated code.  Returns
 * 0, or -EFAULT at the first page that does not translate or is not
 * memory (nothing is written past that point). */
int cpu_memory_rw_debug(CPUState *cpu, uint64_t vaddr, uint8_t *buf, size_t len, bool write);

/* Free cpu->debug (cpu_destroy calls it). */
void cpu_debug_free(CPUState *cpu);

/* ---- used by the cpu loop and softmmu (not by debugger front ends) ---- */

/* Called by tb_gen_code: the number of leading instructions of the block
 * just translated that may run before a breakpoint (0: none to cut). */
uint32_t cpu_debug_cut_block(const CPUState *cpu, const uint64_t *insn_data, uint32_t ninsns);
/* Softmmu slow path: check an access of size bytes at vaddr against the
 * watchpoints; on a hit, arrange the stop after this instruction (may
 * longjmp out of the running TB, cpu->fault_insn must be set). */
void cpu_debug_check_watchpoint(CPUState *cpu, uint64_t vaddr, unsigned size, bool write);
/* Softmmu tlb_fill: whether the page of vaddr holds a watchpoint of a
 * kind matching the access (so the entry gets TLB_WATCH). */
bool cpu_debug_page_watched(const CPUState *cpu, uint64_t vaddr, bool write);

#endif
