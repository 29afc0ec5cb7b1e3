/*
 * The vCPU loop.  This file and core/main.c are the top-level glue: they
 * call the frontend (through ArchOps), the interpreter backend and softmmu.
 * The rest of core/ depends on nothing above it.
 */
#include "core/cpu_loop.h"

#include <stdlib.h>

#include "backends/interp/interp.h"
#include "backends/kvm/kvm.h"
#include "backends/llvm/jit.h"
#include "core/cpu_debug.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/options.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"

#define TB_MAX_INSNS IR_MAX_INSNS

static TbCache *cpu_tb_cache(CPUState *cpu)
{
    return cpu->machine->tb_cache;
}

/* Collect insn_start data for restore_state, in instruction order. */
static uint64_t *tb_collect_insn_data(const IrBlock *b, uint32_t *count)
{
    uint64_t *data = calloc(b->ninsns ? b->ninsns : 1, TB_INSN_DATA_WORDS * sizeof(uint64_t));
    if (!data) {
        fprintf(stderr, "doppel: out of memory translating\n");
        abort();
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < b->nops; i++) {
        const IrOp *op = &b->ops[i];
        if (op->opc != IR_insn_start || n >= b->ninsns) continue;
        for (int w = 0; w < TB_INSN_DATA_WORDS; w++)
            data[n * TB_INSN_DATA_WORDS + w] = (uint64_t)op->imm[w];
        n++;
    }
    *count = n;
    return data;
}

static void tb_verify_or_die(const IrBlock *b, const char *stage, uint64_t pc)
{
#ifdef DOPPEL_DEBUG
    char err[256];
    if (!ir_verify(b, err, sizeof err)) {
        fprintf(stderr, "doppel: malformed IR %s for pc 0x%llx: %s\n", stage,
                (unsigned long long)pc, err);
        ir_print(b, stderr);
        abort();
    }
#else
    (void)b, (void)stage, (void)pc;
#endif
}

TranslationBlock *tb_gen_code(CPUState *cpu, uint64_t pc, uint64_t cs_base, uint32_t flags,
                              uint32_t cflags)
{
    const ArchOps *arch = cpu->arch;
    uint32_t max = cflags & CF_COUNT_MASK;
    TranslateContext ctx = {
        .cpu = cpu,
        .pc = pc,
        .cs_base = cs_base,
        .flags = flags,
        .max_insns = max ? max : TB_MAX_INSNS,
        .page_addr = {(uint64_t)-1, (uint64_t)-1},
    };
    ctx.block = cpu->translating = ir_block_new(arch->globals);
    arch->translate(&ctx); /* may longjmp on a fetch fault: cpu->translating is freed then */
    if (cpu->debug) {
        /* A block never runs into a breakpoint: translate it again,
         * ending before the first instruction that has one. */
        uint32_t n;
        uint64_t *data = tb_collect_insn_data(ctx.block, &n);
        uint32_t cut = cpu_debug_cut_block(cpu, data, n);
        free(data);
        if (cut) {
            ir_block_free(ctx.block);
            cflags = (cflags & ~(uint32_t)CF_COUNT_MASK) | cut;
            ctx.max_insns = cut;
            ctx.size = ctx.ninsns = 0;
            ctx.page_addr[0] = ctx.page_addr[1] = (uint64_t)-1;
            ctx.block = cpu->translating = ir_block_new(arch->globals);
            arch->translate(&ctx);
        }
    }
    cpu->translating = NULL;

    IrBlock *b = ctx.block;
    if (log_enabled(LOG_OP)) {
        log_printf("OP pc=0x%llx:\n", (unsigned long long)pc);
        ir_print(b, log_stream());
    }
    tb_verify_or_die(b, "from the frontend", pc);
    ir_optimize(b);
    tb_verify_or_die(b, "after optimisation", pc);
    if (log_enabled(LOG_OP_OPT)) {
        log_printf("OP after optimisation pc=0x%llx:\n", (unsigned long long)pc);
        ir_print(b, log_stream());
    }

    TranslationBlock *tb = tb_alloc();
    tb->pc = pc;
    tb->cs_base = cs_base;
    tb->flags = flags;
    tb->cflags = cflags;
    tb->size = ctx.size;
    uint64_t page_size = 1ull << cpu->page_bits;
    uint64_t room = page_size - (pc & (page_size - 1));
    tb->size_first = ctx.size < room ? ctx.size : (uint32_t)room;
    tb->page_addr[0] = ctx.page_addr[0];
    tb->page_addr[1] = ctx.size > room ? ctx.page_addr[1] : (uint64_t)-1;
    tb->phys_pc =
        ctx.page_addr[0] == (uint64_t)-1 ? (uint64_t)-1 : ctx.page_addr[0] | (pc & (page_size - 1));
    tb->insn_data = tb_collect_insn_data(b, &tb->icount);
    tb->ir = b;
    tb->interp_code = interp_lower(b);
    Jit *jit = cpu->machine ? cpu->machine->jit : NULL;
    tb->interp_free = interp_code_free;
    if (log_enabled(LOG_OUT_ASM)) interp_code_print(tb->interp_code, log_stream());
    cpu->stats.tb_translated++;
    LOG_MASK(LOG_TB, "TB new pc=0x%llx phys=0x%llx size=%u insns=%u ops=%u\n",
             (unsigned long long)pc, (unsigned long long)tb->phys_pc, tb->size, tb->icount,
             b->nops);

    if (!(cflags & CF_NOCACHE) && tb->phys_pc != (uint64_t)-1) {
        tb_insert(cpu_tb_cache(cpu), tb);
        memory_mark_code(cpu->as, tb->phys_pc, tb->size_first);
        if (tb->page_addr[1] != (uint64_t)-1)
            memory_mark_code(cpu->as, tb->page_addr[1], tb->size - tb->size_first);
        if (jit) jit_tb_translated(jit, cpu, tb);
    }
    return tb;
}

static bool tb_matches(const TranslationBlock *tb, uint64_t pc, uint64_t cs_base, uint32_t flags)
{
    return tb && tb->pc == pc && tb->cs_base == cs_base && tb->flags == flags && !tb->invalid;
}

/* Physical address of pc from the code TLB, without walking or faulting. */
static bool tb_probe_phys_pc(CPUState *cpu, uint64_t pc, uint64_t *phys)
{
    unsigned idx = cpu->arch->mmu_index(cpu, MMU_EXEC);
    TlbEntry *e = tlb_entry(cpu, idx, pc);
    if (e->addr_code != (pc & cpu->page_mask)) return false;
    const TlbFull *full = &cpu->tlb->full[idx][(pc >> cpu->page_bits) & (TLB_SIZE - 1)];
    *phys = full->paddr | (pc & ~cpu->page_mask);
    return true;
}

/* The physical page after the cpu's pc page, for two-page TBs; -1 if it
 * does not translate now.  A probe: no fault, no guest state change. */
static uint64_t tb_next_code_page(void *opaque)
{
    CPUState *cpu = opaque;
    uint64_t next = (cpu->pc & cpu->page_mask) + (1ull << cpu->page_bits);
    MMUResult res;
    unsigned idx = cpu->arch->mmu_index(cpu, MMU_EXEC);
    if (cpu->arch->mmu_translate(cpu, next, MMU_EXEC, idx, true, &res) != 0) return (uint64_t)-1;
    return res.paddr & cpu->page_mask;
}

static TranslationBlock *tb_lookup_phys(CPUState *cpu, uint64_t pc, uint64_t phys, uint64_t cs_base,
                                        uint32_t flags)
{
    return tb_lookup_hash_checked(cpu_tb_cache(cpu), pc, phys, cs_base, flags, tb_next_code_page,
                                  cpu);
}

TranslationBlock *tb_lookup_jmp_cache(CPUState *cpu)
{
    uint64_t pc, cs_base, phys;
    uint32_t flags;
    cpu->arch->tb_flags(cpu, &pc, &cs_base, &flags);
    uint32_t h = tb_jmp_cache_hash(pc);
    TranslationBlock *tb = cpu->jmp_cache[h];
    if (tb_matches(tb, pc, cs_base, flags)) return tb;
    if (!tb_probe_phys_pc(cpu, pc, &phys)) return NULL;
    tb = tb_lookup_phys(cpu, pc, phys, cs_base, flags);
    if (tb) cpu->jmp_cache[h] = tb;
    return tb;
}

/* Whether phys is RAM or ROM, whose code pages softmmu tracks. */
static bool tb_code_is_memory(CPUState *cpu, uint64_t phys)
{
    const FlatSection *s = address_space_lookup(cpu->as, phys);
    return s && (s->mr->kind == MR_RAM || s->mr->kind == MR_ROM);
}

/* Find or translate the TB for the cpu's current state. */
static TranslationBlock *tb_find_cached(CPUState *cpu, uint64_t pc, uint64_t cs_base,
                                        uint32_t flags)
{
    if (cpu->cflags_next_tb) {
        uint32_t cflags = cpu->cflags_next_tb;
        cpu->cflags_next_tb = 0;
        return tb_gen_code(cpu, pc, cs_base, flags, cflags);
    }
    uint32_t h = tb_jmp_cache_hash(pc);
    TranslationBlock *tb = cpu->jmp_cache[h];
    if (tb_matches(tb, pc, cs_base, flags)) return tb;

    uint64_t phys = softmmu_code_phys(cpu, pc); /* may raise the fetch fault */
    if (!tb_code_is_memory(cpu, phys)) {
        /* Code in a device (or nowhere): nothing tracks writes to it, and
         * reading it may have effects, so run one instruction, uncached. */
        return tb_gen_code(cpu, pc, cs_base, flags, 1 | CF_NOCACHE);
    }
    tb = tb_lookup_phys(cpu, pc, phys, cs_base, flags);
    if (!tb) tb = tb_gen_code(cpu, pc, cs_base, flags, 0);
    if (!(tb->cflags & CF_NOCACHE)) cpu->jmp_cache[h] = tb;
    return tb;
}

/* The TB to run next.  With exact counting it runs at most the
 * instructions left of the slice: a longer one is translated again, cut
 * to that count and uncached (once per slice end). */
static TranslationBlock *tb_find(CPUState *cpu)
{
    uint64_t pc, cs_base;
    uint32_t flags;
    cpu->arch->tb_flags(cpu, &pc, &cs_base, &flags);
    TranslationBlock *tb = tb_find_cached(cpu, pc, cs_base, flags);
    if (cpu->icount_exact && tb->icount > cpu->icount_limit - cpu->icount)
        tb = tb_gen_code(cpu, pc, cs_base, flags,
                         (uint32_t)(cpu->icount_limit - cpu->icount) | CF_NOCACHE);
    return tb;
}

/* Link last's exit slot to tb where that is safe: both cached and on the
 * same guest page, so a remapping that changes one changes the other. */
static void tb_maybe_link(CPUState *cpu, TranslationBlock *last, int slot, TranslationBlock *tb)
{
    if (!last || slot < 0 || log_nochain()) return;
    if (last->invalid || tb->invalid || ((last->cflags | tb->cflags) & CF_NOCACHE)) return;
    if ((last->pc & cpu->page_mask) != (tb->pc & cpu->page_mask)) return;
    tb_link(last, (unsigned)slot, tb);
    cpu->stats.tb_linked++;
}

static void cpu_deliver_exception(CPUState *cpu)
{
    LOG_MASK(LOG_INT, "exception %d at pc=0x%llx\n", cpu->exception_index,
             (unsigned long long)cpu->pc);
    cpu->stats.exceptions++;
    cpu->arch->do_interrupt(cpu);
    cpu->exception_index = EXCP_NONE;
}

/* Release what a longjmp out of a TB or out of translation left behind. */
static void cpu_loop_unwind(CPUState *cpu)
{
    TranslationBlock *tb = cpu->current_tb;
    cpu->current_tb = NULL;
    if (tb && (tb->cflags & CF_NOCACHE)) tb_invalidate(cpu_tb_cache(cpu), tb);
    if (cpu->translating) {
        ir_block_free(cpu->translating);
        cpu->translating = NULL;
    }
}

/* Run tb, then whatever the interpreter hands over: a chained TB that
 * has native code, or one that just became hot. */
static InterpExit cpu_tb_run(CPUState *cpu, TranslationBlock *tb)
{
    Jit *jit = cpu->machine ? cpu->machine->jit : NULL;
    for (;;) {
        InterpExit e;
        if (atomic_load_explicit(&tb->native, memory_order_relaxed)) {
            JitExit je = jit_exec(cpu, tb);
            e = (InterpExit){.last_tb = je.last_tb, .slot = je.slot, .code = je.code};
        } else {
            e = interp_exec(cpu, tb);
        }
        cpu->stats.tb_executed++;
        if (!e.next) return e;
        if (e.hot && jit) jit_tb_hot(jit, cpu, e.next);
        tb = e.next;
    }
}

/* -accel kvm: the vCPU runs in the kernel, not through TBs. */
static bool cpu_runs_on_kvm(const CPUState *cpu)
{
    return cpu->machine && cpu->machine->opts && cpu->machine->opts->accel == ACCEL_KVM;
}

/* What the debugger's state asks of the next block (cpu->debug set). */
typedef enum DebugPhase {
    DEBUG_PHASE_NONE,
    DEBUG_PHASE_WATCH_RERUN, /* the instruction that hit a watchpoint runs again */
    DEBUG_PHASE_STEPPED,     /* single step: the instruction has run (or faulted) */
} DebugPhase;

static int cpu_debug_stop(CPUState *cpu, CpuDebugStopKind kind)
{
    uint64_t pc, cs_base;
    uint32_t flags;
    cpu->arch->tb_flags(cpu, &pc, &cs_base, &flags);
    cpu_debug_set_stop(cpu, &(CpuDebugStop){.kind = kind, .addr = pc});
    return EXCP_DEBUG;
}

/* Before the block at the cpu's pc, with cpu->debug set: EXCP_DEBUG to
 * stop, or 0 to run it (cpu->cflags_next_tb set for a one-instruction
 * block where the debugger needs one). */
static int cpu_debug_before_block(CPUState *cpu, volatile DebugPhase *phase)
{
    if (*phase == DEBUG_PHASE_WATCH_RERUN) return 0;
    if (cpu_single_stepping(cpu)) {
        cpu->cflags_next_tb = 1 | CF_NOCACHE;
        *phase = DEBUG_PHASE_STEPPED;
        return 0;
    }
    uint64_t pc, cs_base;
    uint32_t flags;
    cpu->arch->tb_flags(cpu, &pc, &cs_base, &flags);
    switch (cpu_debug_check_pc(cpu, pc)) {
    case DEBUG_PC_STOP: return EXCP_DEBUG;
    case DEBUG_PC_STEP_OFF: cpu->cflags_next_tb = 1 | CF_NOCACHE; return 0;
    default: return 0;
    }
}

int cpu_exec(CPUState *cpu, uint64_t max_insns)
{
    if (cpu_runs_on_kvm(cpu)) return kvm_cpu_exec(cpu);
    TbCache *cache = cpu_tb_cache(cpu);
    Jit *jit = cpu->machine ? cpu->machine->jit : NULL;

    if (cpu->halted) {
        if (!cpu->arch->has_work(cpu)) return EXCP_HALTED;
        cpu->halted = false;
    }
    cpu->icount_limit =
        cpu->icount + max_insns < cpu->icount ? UINT64_MAX : cpu->icount + max_insns;

    /* Locals live across the longjmp are reloaded after it. */
    TranslationBlock *volatile last_tb = NULL;
    volatile int last_slot = -1;
    volatile DebugPhase phase = DEBUG_PHASE_NONE;
    if (setjmp(cpu->jmp_env) != 0) {
        cpu_loop_unwind(cpu);
        last_tb = NULL;
        last_slot = -1;
    }

    for (;;) {
        if (last_tb && last_tb->invalid) last_tb = NULL;
        /* Safe point: no TB is running, and last_tb is live. */
        if (jit) jit_safe_point(jit);
        tb_reclaim(cache);
        if (phase == DEBUG_PHASE_WATCH_RERUN) {
            /* The rerun finished; a guest exception it raised goes first. */
            bool completed = cpu->exception_index == EXCP_NONE;
            phase = cpu_single_stepping(cpu) ? DEBUG_PHASE_STEPPED : DEBUG_PHASE_NONE;
            if (cpu_debug_watch_rerun_end(cpu, completed)) return EXCP_DEBUG;
        }
        if (cpu->exception_index != EXCP_NONE) {
            if (cpu->exception_index >= EXCP_INTERRUPT) {
                int r = cpu->exception_index;
                cpu->exception_index = EXCP_NONE;
                return r;
            }
            cpu_deliver_exception(cpu);
            last_tb = NULL;
        }
        if (cpu->debug && cpu_debug_watch_rerun_begin(cpu)) {
            /* A watchpoint hit (softmmu longjmped here with the pc of the
             * instruction): run it again alone, then stop. */
            cpu->cflags_next_tb = 1 | CF_NOCACHE;
            phase = DEBUG_PHASE_WATCH_RERUN;
        } else if (phase == DEBUG_PHASE_STEPPED) {
            return cpu_debug_stop(cpu, DEBUG_STOP_STEP);
        }
        /* No interrupts while stepping or re-running (cpu_debug.h). */
        bool quiet = phase != DEBUG_PHASE_NONE || cpu_single_stepping(cpu);
        if (!quiet && atomic_load_explicit(&cpu->interrupt_request, memory_order_acquire)) {
            cpu_reset_interrupt(cpu, CPU_INTERRUPT_EXITTB);
            if (cpu->arch->check_interrupts && cpu->arch->check_interrupts(cpu)) {
                cpu->stats.interrupts++;
                cpu->halted = false;
                last_tb = NULL;
            }
        }
        if (cpu->halted) return EXCP_HALTED;
        if (phase == DEBUG_PHASE_NONE &&
            (atomic_exchange(&cpu->exit_request, 0) || cpu->icount >= cpu->icount_limit))
            return EXCP_INTERRUPT;
        if (cpu->debug && cpu_debug_before_block(cpu, &phase) == EXCP_DEBUG) return EXCP_DEBUG;

        TranslationBlock *tb = tb_find(cpu);
        tb_maybe_link(cpu, last_tb, last_slot, tb);
        if (log_enabled(LOG_CPU)) cpu->arch->dump_state(cpu, log_stream());
        LOG_MASK(LOG_EXEC, "Trace %d: pc=0x%llx\n", cpu->cpu_index, (unsigned long long)tb->pc);

        InterpExit e = cpu_tb_run(cpu, tb);
        cpu->current_tb = NULL;
        if (tb->cflags & CF_NOCACHE) tb_invalidate(cache, tb);
        last_tb = e.slot >= 0 ? e.last_tb : NULL;
        last_slot = e.slot;
        if (e.code == IR_EXIT_HALT) {
            cpu->halted = true;
            last_tb = NULL;
        }
    }
}

bool cpu_loop_setup_accel(Machine *m, char *err, size_t errlen)
{
    const Options *o = m->opts;
    if (o && o->accel == ACCEL_KVM) return kvm_setup(m, err, errlen);
    if (!o || (o->accel != ACCEL_JIT && o->accel != ACCEL_DEFAULT)) return true;
    JitOptions jo = {
        .threshold = o->jit_threshold ? o->jit_threshold : JIT_DEFAULT_THRESHOLD,
        .cache_size = o->jit_cache_size ? o->jit_cache_size : JIT_DEFAULT_CACHE_SIZE,
        .sync = o->jit_sync,
    };
    m->jit = jit_create(&jo, m->tb_cache, err, errlen);
    if (!m->jit) return false;
    for (int i = 0; i < m->ncpus; i++)
        m->cpus[i]->jit_threshold = jit_threshold(m->jit);
    return true;
}

void cpu_loop_teardown_accel(Machine *m)
{
    kvm_teardown(m);
    jit_destroy(m->jit);
    m->jit = NULL;
}
