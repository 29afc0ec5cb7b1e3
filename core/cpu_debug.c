/*
 * Debugging a vCPU (core/cpu_debug.h, blueprint §10): the breakpoint and
 * watchpoint lists, single step, the stop reason, and memory access
 * through the guest's MMU.  The cpu loop (core/cpu_loop.c) and softmmu
 * ask this file at block starts, after translation and on slow-path
 * accesses; -accel kvm reads the lists through cpu_debug_hw
 * (core/cpu_loop.h) to program the debug registers instead.
 *
 * Why nothing has to be flushed on the fast path: cpu->debug stays NULL
 * until a debugger asks for something, and every test of it is one
 * pointer compare.
 */
#include "core/cpu_debug.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cpu_loop.h"
#include "core/machine.h"
#include "core/options.h"
#include "core/tb.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"

typedef struct Watchpoint {
    uint64_t vaddr, len;
    WatchKind kind;
} Watchpoint;

struct CpuDebug {
    uint64_t bp[CPU_DEBUG_MAX_BREAKPOINTS];
    unsigned nbp;
    Watchpoint wp[CPU_DEBUG_MAX_WATCHPOINTS];
    unsigned nwp;
    bool single_step;
    /* cpu_debug_resume: the block at resume_pc runs its first insn. */
    bool resume_armed;
    uint64_t resume_pc;
    CpuDebugStop stop;
    /* A watchpoint hit waits for its instruction to be run again, alone
     * and with watchpoints suppressed (watch_rerun), before the stop. */
    bool watch_pending, watch_rerun;
    CpuDebugStop watch_hit;
    /* Bumped on every change of the lists (kvm reprograms on a change). */
    uint64_t generation;
};

static const CpuDebugStop no_stop;

static bool cpu_debug_on_kvm(const CPUState *cpu)
{
    return cpu->machine && cpu->machine->opts && cpu->machine->opts->accel == ACCEL_KVM;
}

static struct CpuDebug *cpu_debug_get(CPUState *cpu)
{
    if (!cpu->debug) cpu->debug = calloc(1, sizeof(struct CpuDebug));
    return cpu->debug;
}

/* Translated code may contain or start at pc: drop all of it (and the
 * JIT's regions, through the TB cache's hook).  gdb inserts breakpoints
 * when it resumes, so this runs per continue, not per block. */
static void cpu_debug_flush_code(CPUState *cpu)
{
    if (cpu->machine && cpu->machine->tb_cache) tb_flush(cpu->machine->tb_cache);
    if (cpu->jmp_cache) memset(cpu->jmp_cache, 0, TB_JMP_CACHE_SIZE * sizeof(*cpu->jmp_cache));
}

/* Hardware slots under kvm (SDM Vol 3 §18.2: DR0-DR3). */
#define CPU_DEBUG_KVM_SLOTS 4

/* The next piece of [vaddr, vaddr + len) one debug register can watch:
 * 1, 2, 4 or 8 bytes aligned to their size (SDM Vol 3 §18.2.5). */
static uint64_t hw_piece_len(uint64_t vaddr, uint64_t len)
{
    uint64_t n = 8;
    while (n > 1 && ((vaddr & (n - 1)) || n > len))
        n >>= 1;
    return n;
}

/* Debug registers a watchpoint needs (an unaligned range takes several,
 * as gdb's own x86 code splits it). */
static unsigned hw_pieces(uint64_t vaddr, uint64_t len)
{
    unsigned n = 0;
    for (uint64_t end = vaddr + len; vaddr < end && n <= CPU_DEBUG_KVM_SLOTS; n++)
        vaddr += hw_piece_len(vaddr, end - vaddr);
    return n;
}

static unsigned cpu_debug_hw_used(const struct CpuDebug *d)
{
    if (!d) return 0;
    unsigned n = d->nbp;
    for (unsigned i = 0; i < d->nwp; i++)
        n += hw_pieces(d->wp[i].vaddr, d->wp[i].len);
    return n;
}

/* ---- breakpoints ---- */

static int cpu_debug_bp_index(const struct CpuDebug *d, uint64_t pc)
{
    if (!d) return -1;
    for (unsigned i = 0; i < d->nbp; i++)
        if (d->bp[i] == pc) return (int)i;
    return -1;
}

int cpu_breakpoint_insert(CPUState *cpu, uint64_t pc)
{
    if (cpu_debug_bp_index(cpu->debug, pc) >= 0) return 0;
    if (cpu_debug_on_kvm(cpu) && cpu_debug_hw_used(cpu->debug) >= CPU_DEBUG_KVM_SLOTS)
        return -EINVAL;
    struct CpuDebug *d = cpu_debug_get(cpu);
    if (!d) return -ENOMEM;
    if (d->nbp >= CPU_DEBUG_MAX_BREAKPOINTS) return -ENOSPC;
    d->bp[d->nbp++] = pc;
    d->generation++;
    cpu_debug_flush_code(cpu);
    return 0;
}

int cpu_breakpoint_remove(CPUState *cpu, uint64_t pc)
{
    struct CpuDebug *d = cpu->debug;
    int i = cpu_debug_bp_index(d, pc);
    if (i < 0) return -ENOENT;
    d->bp[i] = d->bp[--d->nbp];
    d->generation++;
    /* Blocks cut before pc stay correct, only shorter; flushing lets the
     * code be translated whole again. */
    cpu_debug_flush_code(cpu);
    return 0;
}

bool cpu_breakpoint_at(const CPUState *cpu, uint64_t pc)
{
    return cpu_debug_bp_index(cpu->debug, pc) >= 0;
}

/* ---- watchpoints ---- */

static int cpu_debug_wp_index(const struct CpuDebug *d, uint64_t vaddr, uint64_t len,
                              WatchKind kind)
{
    if (!d) return -1;
    for (unsigned i = 0; i < d->nwp; i++)
        if (d->wp[i].vaddr == vaddr && d->wp[i].len == len && d->wp[i].kind == kind) return (int)i;
    return -1;
}

int cpu_watchpoint_insert(CPUState *cpu, uint64_t vaddr, uint64_t len, WatchKind kind)
{
    if (len == 0 || vaddr + len - 1 < vaddr || kind < WATCH_WRITE || kind > WATCH_ACCESS)
        return -EINVAL;
    if (cpu_debug_wp_index(cpu->debug, vaddr, len, kind) >= 0) return 0;
    if (cpu_debug_on_kvm(cpu) &&
        cpu_debug_hw_used(cpu->debug) + hw_pieces(vaddr, len) > CPU_DEBUG_KVM_SLOTS)
        return -EINVAL;
    struct CpuDebug *d = cpu_debug_get(cpu);
    if (!d) return -ENOMEM;
    if (d->nwp >= CPU_DEBUG_MAX_WATCHPOINTS) return -ENOSPC;
    d->wp[d->nwp++] = (Watchpoint){vaddr, len, kind};
    d->generation++;
    if (cpu->tlb) tlb_flush(cpu); /* refills set TLB_WATCH */
    return 0;
}

int cpu_watchpoint_remove(CPUState *cpu, uint64_t vaddr, uint64_t len, WatchKind kind)
{
    struct CpuDebug *d = cpu->debug;
    int i = cpu_debug_wp_index(d, vaddr, len, kind);
    if (i < 0) return -ENOENT;
    d->wp[i] = d->wp[--d->nwp];
    d->generation++;
    if (cpu->tlb) tlb_flush(cpu);
    return 0;
}

void cpu_debug_remove_all(CPUState *cpu)
{
    struct CpuDebug *d = cpu->debug;
    if (!d) return;
    bool had_bp = d->nbp != 0, had_wp = d->nwp != 0;
    d->nbp = d->nwp = 0;
    d->watch_pending = d->watch_rerun = false;
    d->single_step = false;
    d->generation++;
    if (had_bp) cpu_debug_flush_code(cpu);
    if (had_wp && cpu->tlb) tlb_flush(cpu);
}

static bool wp_matches(const Watchpoint *w, uint64_t vaddr, uint64_t size, bool write)
{
    if (!(w->kind & (write ? WATCH_WRITE : WATCH_READ))) return false;
    return vaddr < w->vaddr + w->len && w->vaddr < vaddr + size;
}

bool cpu_debug_page_watched(const CPUState *cpu, uint64_t vaddr, bool write)
{
    const struct CpuDebug *d = cpu->debug;
    if (!d) return false;
    uint64_t page = vaddr & cpu->page_mask, psize = ~cpu->page_mask + 1;
    for (unsigned i = 0; i < d->nwp; i++)
        if (wp_matches(&d->wp[i], page, psize, write)) return true;
    return false;
}

void cpu_debug_check_watchpoint(CPUState *cpu, uint64_t vaddr, unsigned size, bool write)
{
    struct CpuDebug *d = cpu->debug;
    /* Only accesses of guest instructions: interrupt delivery between
     * blocks (stack pushes) cannot be restarted as an instruction. */
    if (!d || d->watch_rerun || !cpu->current_tb) return;
    for (unsigned i = 0; i < d->nwp; i++) {
        const Watchpoint *w = &d->wp[i];
        if (!wp_matches(w, vaddr, size, write)) continue;
        d->watch_hit = (CpuDebugStop){
            .kind = DEBUG_STOP_WATCHPOINT,
            .addr = vaddr > w->vaddr ? vaddr : w->vaddr,
            .watch = w->kind,
            .watch_addr = w->vaddr,
        };
        d->watch_pending = true;
        /* Back to the start of the instruction, which the loop runs again
         * alone with watchpoints off, then stops (cpu_debug_watch_*). */
        cpu_loop_exit_restore(cpu);
    }
}

/* ---- single step, resume, stop reason ---- */

void cpu_single_step(CPUState *cpu, bool enable)
{
    if (!enable && !cpu->debug) return;
    struct CpuDebug *d = cpu_debug_get(cpu);
    if (!d) return;
    if (d->single_step != enable) d->generation++;
    d->single_step = enable;
}

bool cpu_single_stepping(const CPUState *cpu)
{
    return cpu->debug && cpu->debug->single_step;
}

uint64_t cpu_debug_pc(CPUState *cpu)
{
    uint64_t pc, cs_base;
    uint32_t flags;
    cpu->arch->tb_flags(cpu, &pc, &cs_base, &flags);
    return pc;
}

void cpu_debug_resume(CPUState *cpu)
{
    struct CpuDebug *d = cpu->debug;
    if (!d) return;
    d->resume_armed = true;
    d->resume_pc = cpu_debug_pc(cpu);
    d->stop = no_stop;
}

const CpuDebugStop *cpu_debug_stop_reason(const CPUState *cpu)
{
    return cpu->debug ? &cpu->debug->stop : &no_stop;
}

void cpu_debug_set_stop(CPUState *cpu, const CpuDebugStop *stop)
{
    struct CpuDebug *d = cpu_debug_get(cpu);
    if (d) d->stop = *stop;
}

void cpu_debug_set_stop_reason(CPUState *cpu, const CpuDebugStop *why)
{
    cpu_debug_set_stop(cpu, why);
}

CpuDebugPc cpu_debug_check_pc(CPUState *cpu, uint64_t pc)
{
    struct CpuDebug *d = cpu->debug;
    bool armed = d->resume_armed && d->resume_pc == pc;
    d->resume_armed = false; /* good for the first block after the resume only */
    if (cpu_debug_bp_index(d, pc) < 0) return DEBUG_PC_RUN;
    if (armed) return DEBUG_PC_STEP_OFF;
    d->stop = (CpuDebugStop){.kind = DEBUG_STOP_BREAKPOINT, .addr = pc};
    return DEBUG_PC_STOP;
}

bool cpu_debug_watch_rerun_begin(CPUState *cpu)
{
    struct CpuDebug *d = cpu->debug;
    if (!d || !d->watch_pending || d->watch_rerun) return false;
    d->watch_rerun = true;
    return true;
}

bool cpu_debug_watch_rerun_end(CPUState *cpu, bool completed)
{
    struct CpuDebug *d = cpu->debug;
    if (!d || !d->watch_rerun) return false;
    d->watch_rerun = d->watch_pending = false;
    /* An instruction that faulted on its rerun did not complete: the
     * guest's handler runs, and the access, when retried, hits again. */
    if (!completed) return false;
    d->stop = d->watch_hit;
    return true;
}

bool cpu_debug_hw(const CPUState *cpu, CpuDebugHw *hw)
{
    memset(hw, 0, sizeof(*hw));
    const struct CpuDebug *d = cpu->debug;
    if (!d) return false;
    hw->single_step = d->single_step;
    hw->generation = d->generation;
    for (unsigned i = 0; i < d->nbp && hw->n < CPU_DEBUG_HW_SLOTS; i++)
        hw->slot[hw->n++] = (CpuDebugHwSlot){.addr = d->bp[i], .len = 1, .watch = 0};
    for (unsigned i = 0; i < d->nwp; i++) {
        uint64_t a = d->wp[i].vaddr, end = a + d->wp[i].len;
        while (a < end && hw->n < CPU_DEBUG_HW_SLOTS) {
            uint64_t n = hw_piece_len(a, end - a);
            hw->slot[hw->n++] = (CpuDebugHwSlot){
                .addr = a, .len = n, .watch = d->wp[i].kind, .wp_addr = d->wp[i].vaddr};
            a += n;
        }
    }
    hw->resume_pc = d->resume_armed ? d->resume_pc : UINT64_MAX;
    return hw->n || hw->single_step;
}

void cpu_debug_hw_resumed(CPUState *cpu)
{
    if (cpu->debug) cpu->debug->resume_armed = false;
}

/* ---- cutting blocks at breakpoints ---- */

uint32_t cpu_debug_cut_block(const CPUState *cpu, const uint64_t *insn_data, uint32_t ninsns)
{
    const struct CpuDebug *d = cpu->debug;
    if (!d || !d->nbp) return 0;
    /* Instruction 0 is the block's start: the loop checked it. */
    for (uint32_t i = 1; i < ninsns; i++)
        if (cpu_debug_bp_index(d, insn_data[i * TB_INSN_DATA_WORDS]) >= 0) return i;
    return 0;
}

/* ---- memory through the MMU ---- */

/* Whether [paddr, paddr + len) is all RAM or ROM (no device is touched by
 * a debugger's access). */
static bool cpu_debug_is_memory(AddressSpace *as, uint64_t paddr, uint64_t len)
{
    while (len) {
        const FlatSection *s = address_space_lookup(as, paddr);
        if (!s || (s->mr->kind != MR_RAM && s->mr->kind != MR_ROM)) return false;
        uint64_t n = s->end - paddr;
        if (n >= len) return true;
        paddr += n;
        len -= n;
    }
    return true;
}

int cpu_memory_rw_debug(CPUState *cpu, uint64_t vaddr, uint8_t *buf, size_t len, bool write)
{
    unsigned mmu_idx = cpu->arch->mmu_index ? cpu->arch->mmu_index(cpu, MMU_READ) : 0;
    while (len) {
        MMUResult res = {0};
        /* Translated as a read: a debugger writes read-only text too. */
        if (cpu->arch->mmu_translate(cpu, vaddr, MMU_READ, mmu_idx, true, &res) != 0)
            return -EFAULT;
        uint64_t n = (vaddr | ~cpu->page_mask) - vaddr + 1;
        if (n > len) n = len;
        if (!cpu->as || !cpu_debug_is_memory(cpu->as, res.paddr, n)) return -EFAULT;
        MemTxResult r = write ? address_space_write_rom(cpu->as, res.paddr, buf, n)
                              : address_space_rw(cpu->as, res.paddr, buf, n, false);
        if (r != MEMTX_OK) return -EFAULT;
        vaddr = (vaddr + n) & cpu->vaddr_mask;
        buf += n;
        len -= n;
    }
    return 0;
}

void cpu_debug_free(CPUState *cpu)
{
    free(cpu->debug);
    cpu->debug = NULL;
}
