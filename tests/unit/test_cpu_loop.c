/*
 * The vCPU loop, TB cache and self-modifying code, end to end, with a tiny
 * byte-coded test ISA whose code lives in guest RAM:
 *   01 i8    r0 += i8            06 i8    r1 = i8
 *   02 a16   [a16] = r1 (byte)   07 a16   r1 = [a16] (byte)
 *   03 a16   jump a16            05 a16   if r0 >= 50 jump a16
 *   04       halt                other    illegal instruction
 * Addresses >= 0x8000 fault (the test MMU), like an unmapped page.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cpu_loop.h"
#include "core/machine.h"
#include "core/tb.h"
#include "core/translator.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"

typedef struct TisaCPU {
    CPUState common;
    uint64_t r0, r1;
    int faults;
    uint64_t fault_pc;
    bool illegal;
    uint64_t page1_phys; /* nonzero: where virtual page 0x1000 maps */
} TisaCPU;

enum { TISA_EXCP_FAULT = 1, TISA_EXCP_ILLEGAL = 2 };

static const IrGlobal tisa_global_list[] = {
    {"pc", IR_I64, offsetof(TisaCPU, common.pc)},
    {"r0", IR_I64, offsetof(TisaCPU, r0)},
    {"r1", IR_I64, offsetof(TisaCPU, r1)},
};
static const IrGlobalTable tisa_globals = {tisa_global_list, 3};
#define G_PC ir_global(0)
#define G_R0 ir_global(1)
#define G_R1 ir_global(2)

static uint64_t tisa_illegal(CPUState *cpu)
{
    cpu_raise_exception(cpu, TISA_EXCP_ILLEGAL);
}
static const IrHelper tisa_helper_illegal = {"tisa_illegal", (void (*)(void))tisa_illegal,
                                             IR_CALL_MAY_RAISE | IR_CALL_NORETURN, IR_VOID, 0};

static void tisa_jump(IrBlock *b, unsigned slot, uint64_t target)
{
    ir_mov(b, IR_I64, G_PC, ir_i64(b, target));
    ir_goto_tb(b, slot);
}

static void tisa_translate(TranslateContext *ctx)
{
    IrBlock *b = ctx->block;
    uint64_t pc = ctx->pc;
    for (;;) {
        ir_insn_start(b, pc, 0, 0);
        ctx->ninsns++;
        uint8_t opc = translator_ldub(ctx, pc);
        uint16_t a16 = 0;
        unsigned len = 1;
        if (opc == 1 || opc == 6) len = 2;
        if (opc == 2 || opc == 3 || opc == 5 || opc == 7) len = 3;
        if (len == 2) a16 = translator_ldub(ctx, pc + 1);
        if (len == 3) a16 = translator_lduw(ctx, pc + 1);
        uint64_t next = pc + len;
        switch (opc) {
        case 1: ir_op2(b, IR_add, IR_I64, G_R0, G_R0, ir_i64(b, a16)); break;
        case 6: ir_mov(b, IR_I64, G_R1, ir_i64(b, a16)); break;
        case 2: ir_st(b, IR_I64, G_R1, ir_i64(b, a16), IR_MO_8, 0); break;
        case 7: ir_ld(b, IR_I64, G_R1, ir_i64(b, a16), IR_MO_8, 0); break;
        case 3:
            tisa_jump(b, 0, a16);
            ctx->size = (uint32_t)(next - ctx->pc);
            return;
        case 5: {
            uint32_t taken = ir_label_new(b);
            ir_brcond(b, IR_I64, IR_GEU, G_R0, ir_i64(b, 50), taken);
            tisa_jump(b, 1, next);
            ir_label(b, taken);
            tisa_jump(b, 0, a16);
            ctx->size = (uint32_t)(next - ctx->pc);
            return;
        }
        case 4:
            ir_mov(b, IR_I64, G_PC, ir_i64(b, pc));
            ir_exit_tb(b, IR_EXIT_HALT);
            ctx->size = (uint32_t)(next - ctx->pc);
            return;
        default:
            ir_call(b, &tisa_helper_illegal, IR_NONE, NULL);
            ir_exit_tb(b, IR_EXIT_NORMAL);
            ctx->size = (uint32_t)(next - ctx->pc);
            return;
        }
        pc = next;
        if (ctx->ninsns >= ctx->max_insns || translator_is_new_page(ctx, pc)) {
            tisa_jump(b, 0, pc);
            ctx->size = (uint32_t)(pc - ctx->pc);
            return;
        }
    }
}

static void tisa_tb_flags(CPUState *cpu, uint64_t *pc, uint64_t *cs_base, uint32_t *flags)
{
    *pc = cpu->pc;
    *cs_base = 0;
    *flags = 0;
}

static void tisa_do_interrupt(CPUState *cpu)
{
    TisaCPU *c = (TisaCPU *)cpu;
    if (cpu->exception_index == TISA_EXCP_FAULT) {
        c->faults++;
        c->fault_pc = cpu->pc;
    } else {
        c->illegal = true;
    }
    cpu->halted = true;
}

static int tisa_mmu(CPUState *cpu, uint64_t vaddr, MMUAccess access, unsigned idx, bool probe,
                    MMUResult *res)
{
    if (vaddr >= 0x8000) {
        if (!probe) cpu->exception_index = TISA_EXCP_FAULT;
        return 1;
    }
    uint64_t page1 = ((TisaCPU *)cpu)->page1_phys;
    res->paddr = (vaddr & ~0xfffull) == 0x1000 && page1 ? page1 | (vaddr & 0xfff) : vaddr;
    res->prot = MMU_PROT_READ | MMU_PROT_WRITE | MMU_PROT_EXEC;
    res->page_bits = 12;
    return 0;
}

static bool tisa_has_work(CPUState *cpu)
{
    return false;
}
static unsigned tisa_mmu_index(CPUState *cpu, MMUAccess a)
{
    return 0;
}
static void tisa_restore(CPUState *cpu, const uint64_t *d)
{
    cpu->pc = d[0];
}
static void tisa_reset(CPUState *cpu)
{
    cpu->pc = 0;
}
static void tisa_dump(CPUState *cpu, FILE *f)
{
    fprintf(f, "pc=%llx\n", (unsigned long long)cpu->pc);
}

static const ArchOps tisa_ops = {
    .name = "tisa",
    .page_bits = 12,
    .mmu_modes = 1,
    .cpu_size = sizeof(TisaCPU),
    .globals = &tisa_globals,
    .reset = tisa_reset,
    .translate = tisa_translate,
    .tb_flags = tisa_tb_flags,
    .do_interrupt = tisa_do_interrupt,
    .has_work = tisa_has_work,
    .mmu_translate = tisa_mmu,
    .mmu_index = tisa_mmu_index,
    .restore_state = tisa_restore,
    .dump_state = tisa_dump,
};

static MemoryRegion tisa_ram;

static bool tisa_board_init(Machine *m)
{
    if (!memory_region_init_ram(&tisa_ram, "tisa.ram", 0x8000)) return false;
    memory_region_add_subregion(m->system_memory, 0, &tisa_ram, 0);
    return machine_add_cpu(m, &tisa_ops) != NULL;
}

static void tisa_board_finalize(Machine *m)
{
    memory_region_del_subregion(m->system_memory, &tisa_ram);
    memory_region_destroy(&tisa_ram);
}

static const MachineClass tisa_board = {
    .name = "tisa-test",
    .desc = "test",
    .arch = "tisa",
    .default_ram_size = 0x8000,
    .max_cpus = 1,
    .init = tisa_board_init,
    .finalize = tisa_board_finalize,
};

static Machine *tisa_machine(const uint8_t *code, size_t len, uint64_t at)
{
    Machine *m = machine_create(&tisa_board, NULL);
    cr_assert_not_null(m);
    cr_assert_eq(address_space_rw(m->as, at, (void *)code, len, true), MEMTX_OK);
    return m;
}

static TisaCPU *tisa_run(Machine *m)
{
    CPUState *cpu = m->cpus[0];
    for (int i = 0; i < 1000 && !cpu->halted; i++)
        cpu_exec(cpu, 100000);
    cr_assert(cpu->halted, "cpu did not halt");
    return (TisaCPU *)cpu;
}

static void poke(Machine *m, uint64_t addr, const uint8_t *b, size_t n)
{
    cr_assert_eq(address_space_rw(m->as, addr, (void *)b, n, true), MEMTX_OK);
}

Test(cpu_loop, straight_line_and_halt)
{
    static const uint8_t prog[] = {1, 5, 1, 7, 6, 3, 4};
    Machine *m = tisa_machine(prog, sizeof prog, 0);
    TisaCPU *c = tisa_run(m);
    cr_assert_eq(c->r0, 12);
    cr_assert_eq(c->r1, 3);
    cr_assert_eq(c->common.pc, 6);
    cr_assert_not(c->illegal);
    machine_destroy(m);
}

Test(cpu_loop, loop_chains_blocks)
{
    /* 0: r0 += 1; if r0 >= 50 goto 0x10; jump 0 */
    static const uint8_t prog[] = {1, 1, 5, 0x10, 0, 3, 0, 0};
    Machine *m = tisa_machine(prog, sizeof prog, 0);
    poke(m, 0x10, (const uint8_t[]){4}, 1);
    TisaCPU *c = tisa_run(m);
    cr_assert_eq(c->r0, 50);
    cr_assert_gt(c->common.stats.tb_linked, 0, "no TB was linked");
    cr_assert_lt(c->common.stats.tb_translated, 6, "blocks were retranslated");
    machine_destroy(m);
}

Test(cpu_loop, store_into_another_translated_block)
{
    Machine *m = tisa_machine((const uint8_t[]){1, 1, 3, 0x00, 0x02}, 5, 0);
    poke(m, 0x200, (const uint8_t[]){1, 10, 3, 0x10, 0x00}, 5);
    /* 0x10: if r0 >= 50 goto 0x400; r1 = 100; [0x201] = r1; jump 0x200 */
    poke(m, 0x10, (const uint8_t[]){5, 0x00, 0x04, 6, 100, 2, 0x01, 0x02, 3, 0x00, 0x02}, 11);
    poke(m, 0x400, (const uint8_t[]){4}, 1);
    TisaCPU *c = tisa_run(m);
    cr_assert_eq(c->r0, 111, "stale code ran: r0 = %llu", (unsigned long long)c->r0);
    machine_destroy(m);
}

Test(cpu_loop, store_into_the_running_block)
{
    /* r1 = 9; [6] = r1; r0 += 1 (its immediate at 6 becomes 9); halt */
    static const uint8_t prog[] = {6, 9, 2, 6, 0, 1, 1, 4};
    Machine *m = tisa_machine(prog, sizeof prog, 0);
    TisaCPU *c = tisa_run(m);
    cr_assert_eq(c->r0, 9, "the running block did not see its own store: r0 = %llu",
                 (unsigned long long)c->r0);
    machine_destroy(m);
}

Test(cpu_loop, dma_write_invalidates_code)
{
    static const uint8_t prog[] = {1, 2, 4};
    Machine *m = tisa_machine(prog, sizeof prog, 0);
    TisaCPU *c = tisa_run(m);
    cr_assert_eq(c->r0, 2);
    cr_assert_eq(dma_write(m->as, 1, (const uint8_t[]){40}, 1), MEMTX_OK);
    c->common.halted = false;
    c->common.pc = 0;
    tisa_run(m);
    cr_assert_eq(c->r0, 42);
    machine_destroy(m);
}

Test(cpu_loop, fault_is_precise)
{
    /* r0 += 1; r1 = [0x9000] (faults); r0 += 1 */
    static const uint8_t prog[] = {1, 1, 7, 0x00, 0x90, 1, 1, 4};
    Machine *m = tisa_machine(prog, sizeof prog, 0);
    TisaCPU *c = tisa_run(m);
    cr_assert_eq(c->faults, 1);
    cr_assert_eq(c->fault_pc, 2, "fault pc %llu", (unsigned long long)c->fault_pc);
    cr_assert_eq(c->r0, 1);
    machine_destroy(m);
}

Test(cpu_loop, fetch_fault_and_illegal_instruction)
{
    Machine *m = tisa_machine((const uint8_t[]){3, 0x00, 0x90}, 3, 0);
    TisaCPU *c = tisa_run(m);
    cr_assert_eq(c->faults, 1);
    cr_assert_eq(c->fault_pc, 0x9000);
    machine_destroy(m);

    m = tisa_machine((const uint8_t[]){1, 1, 0xee}, 3, 0);
    c = tisa_run(m);
    cr_assert(c->illegal);
    cr_assert_eq(c->common.pc, 2);
    cr_assert_eq(c->r0, 1);
    machine_destroy(m);
}

Test(cpu_loop, tb_flush_then_run_again)
{
    static const uint8_t prog[] = {1, 3, 4};
    Machine *m = tisa_machine(prog, sizeof prog, 0);
    TisaCPU *c = tisa_run(m);
    TbCacheStats s;
    tb_cache_stats(m->tb_cache, &s);
    uint64_t flushes = s.flushes;
    tb_flush(m->tb_cache);
    c->common.halted = false;
    c->common.pc = 0;
    tisa_run(m);
    cr_assert_eq(c->r0, 6);
    tb_cache_stats(m->tb_cache, &s);
    cr_assert_eq(s.flushes, flushes + 1);
    cr_assert_eq(s.live, 1);
    machine_destroy(m);
}

/* ---- the main loop: slices, timers, interrupts, icount ---- */

#include "core/clock.h"
#include "core/event_loop.h"

static uint64_t icount_of_machine(void *opaque)
{
    return ((Machine *)opaque)->cpus[0]->icount;
}

static void stop_machine(void *opaque)
{
    machine_request_exit(opaque, 3);
}

Test(cpu_loop, endless_guest_loop_still_serves_timers)
{
    Machine *m = tisa_machine((const uint8_t[]){3, 0, 0}, 3, 0); /* jump 0, forever */
    Timer *t = timer_new(m->clocks, CLK_REALTIME, stop_machine, m);
    timer_mod(t, clock_get_ns(m->clocks, CLK_REALTIME) + 20 * 1000 * 1000);
    cr_assert_eq(machine_run(m), 3);
    cr_assert_gt(m->cpus[0]->icount, 0);
    timer_free(t);
    machine_destroy(m);
}

static void raise_irq(void *opaque)
{
    cpu_interrupt(opaque, CPU_INTERRUPT_HARD);
}

static bool tisa_take_irq(CPUState *cpu)
{
    if (!(atomic_load(&cpu->interrupt_request) & CPU_INTERRUPT_HARD)) return false;
    cpu_reset_interrupt(cpu, CPU_INTERRUPT_HARD);
    ((TisaCPU *)cpu)->r1 = cpu->pc; /* where it was interrupted */
    cpu->pc = 0x100;
    return true;
}

Test(cpu_loop, interrupt_breaks_a_chained_loop)
{
    ArchOps ops = tisa_ops;
    ops.check_interrupts = tisa_take_irq;
    Machine *m = tisa_machine((const uint8_t[]){1, 1, 3, 0, 0}, 5, 0); /* r0++ forever */
    ((CPUState *)m->cpus[0])->arch = &ops;
    poke(m, 0x100, (const uint8_t[]){4}, 1);
    Timer *t = timer_new(m->clocks, CLK_REALTIME, raise_irq, m->cpus[0]);
    timer_mod(t, clock_get_ns(m->clocks, CLK_REALTIME) + 5 * 1000 * 1000);
    for (int i = 0; i < 100000 && !m->cpus[0]->halted; i++) {
        cpu_exec(m->cpus[0], CPU_SLICE_INSNS);
        event_loop_poll(m->loop, 0);
    }
    TisaCPU *c = (TisaCPU *)m->cpus[0];
    cr_assert(c->common.halted, "interrupt never taken");
    cr_assert_eq(c->common.pc, 0x100);
    cr_assert(c->r1 == 0 || c->r1 == 2, "interrupted between instructions, at %llu",
              (unsigned long long)c->r1);
    cr_assert_gt(c->r0, 0);
    cr_assert_eq(c->common.stats.interrupts, 1);
    timer_free(t);
    machine_destroy(m);
}

/* With icount, guest time is instructions: a virtual timer fires after the
 * same number of instructions on every run. */
static uint64_t icount_run(void)
{
    Machine *m = tisa_machine((const uint8_t[]){1, 1, 3, 0, 0}, 5, 0);
    m->icount_shift = 2;
    clocks_set_icount_source(m->clocks, icount_of_machine, m, 2);
    Timer *t = timer_new(m->clocks, CLK_VIRTUAL, stop_machine, m);
    timer_mod(t, 4 * 100000); /* 100000 instructions */
    cr_assert_eq(machine_run(m), 3);
    uint64_t n = m->cpus[0]->icount;
    timer_free(t);
    machine_destroy(m);
    return n;
}

Test(cpu_loop, icount_is_deterministic)
{
    uint64_t a = icount_run(), b = icount_run();
    cr_assert_eq(a, b);
    cr_assert_geq(a, 100000);
    cr_assert_lt(a, 100000 + 4, "timer fired late: after %llu instructions", (unsigned long long)a);
}

#include "devices/misc/test_exit.h"

/* The test-exit convention (blueprint §8) from guest code: a store to the
 * register ends the run with status (v << 1) | 1, even mid-loop. */
Test(cpu_loop, guest_store_to_test_exit_ends_the_run)
{
    /* r1 = 0x2a; [0x7f00] = r1; jump 0 */
    Machine *m = tisa_machine((const uint8_t[]){6, 0x2a, 2, 0x00, 0x7f, 3, 0, 0}, 8, 0);
    cr_assert_not_null(test_exit_create(m, m->system_memory, 0x7f00));
    cr_assert_eq(machine_run(m), (0x2a << 1) | 1);
    machine_destroy(m);
}

/* A frontend bug (malformed IR) is caught at translation in debug builds,
 * with the block printed, before anything runs it. */
static void tisa_translate_malformed(TranslateContext *ctx)
{
    IrBlock *b = ctx->block;
    ir_insn_start(b, ctx->pc, 0, 0);
    translator_ldub(ctx, ctx->pc);
    IrVal never_written = ir_temp(b, IR_I64);
    ir_op2(b, IR_add, IR_I64, G_R0, G_R0, never_written);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    ctx->size = 1;
    ctx->ninsns = 1;
}

Test(cpu_loop, malformed_ir_is_caught_in_debug_builds)
{
#ifndef DOPPEL_DEBUG
    (void)tisa_translate_malformed;
    cr_skip_test("the IR verifier runs at translation in Debug and Sanitize builds only");
#else
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) { /* the child translates the bad block; it must abort */
        dup2(fds[1], 2);
        ArchOps ops = tisa_ops;
        ops.translate = tisa_translate_malformed;
        Machine *m = tisa_machine((const uint8_t[]){1, 1}, 2, 0);
        m->cpus[0]->arch = &ops;
        cpu_exec(m->cpus[0], 100);
        _exit(0);
    }
    close(fds[1]);
    static char err[8192];
    size_t n = 0;
    ssize_t r;
    while (n < sizeof err - 1 && (r = read(fds[0], err + n, sizeof err - 1 - n)) > 0)
        n += (size_t)r;
    err[n] = 0;
    close(fds[0]);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "status 0x%x; stderr:\n%s", st, err);
    cr_assert_not_null(strstr(err, "malformed IR from the frontend for pc 0x0"), "%s", err);
    cr_assert_not_null(strstr(err, " add_i64 r0, r0, t0\n"), "block not printed:\n%s", err);
#endif
}

/* A store through a second mapping of the same RAM (an alias) must drop
 * code translated through the first. */
Test(cpu_loop, store_through_an_alias_invalidates_code)
{
    Machine *m = tisa_machine((const uint8_t[]){1, 2, 4}, 3, 0); /* r0 += 2; halt */
    MemoryRegion alias;
    memory_region_init_alias(&alias, "ram-window", &tisa_ram, 0, 0x1000);
    memory_region_add_subregion(m->system_memory, 0x6000, &alias, 1);
    TisaCPU *c = tisa_run(m);
    cr_assert_eq(c->r0, 2);
    /* at 0x100: r1 = 40; [0x6001] = r1 (the immediate at 0x0001); halt */
    poke(m, 0x100, (const uint8_t[]){6, 40, 2, 0x01, 0x60, 4}, 6);
    c->common.halted = false;
    c->common.pc = 0x100;
    tisa_run(m);
    c->common.halted = false;
    c->common.pc = 0;
    tisa_run(m);
    cr_assert_eq(c->r0, 42, "stale code ran after a write through the alias: r0 = %llu",
                 (unsigned long long)c->r0);
    memory_region_del_subregion(m->system_memory, &alias);
    memory_region_destroy(&alias);
    machine_destroy(m);
}

/* Mapping other memory over translated code (ROM shadowing, say) must not
 * leave the old translation reachable. */
Test(cpu_loop, remapping_memory_drops_translations)
{
    Machine *m = tisa_machine((const uint8_t[]){1, 2, 4}, 3, 0x200);
    CPUState *cpu = m->cpus[0];
    cpu->pc = 0x200;
    TisaCPU *c = tisa_run(m);
    cr_assert_eq(c->r0, 2);
    MemoryRegion other;
    cr_assert(memory_region_init_ram(&other, "other", 0x1000));
    memory_region_add_subregion(m->system_memory, 0, &other, 1);
    poke(m, 0x200, (const uint8_t[]){1, 5, 4}, 3); /* lands in the new RAM */
    cpu->halted = false;
    cpu->pc = 0x200;
    tisa_run(m);
    cr_assert_eq(c->r0, 7, "old translation ran: r0 = %llu", (unsigned long long)c->r0);
    memory_region_del_subregion(m->system_memory, &other);
    memory_region_destroy(&other);
    machine_destroy(m);
}

/* A block whose last instruction straddles into a second page is only
 * reused while that page still maps the same physical memory. */
Test(cpu_loop, two_page_block_checks_its_second_page)
{
    Machine *m = tisa_machine((const uint8_t[]){1}, 1, 0xfff); /* r0 += [0x1000] */
    poke(m, 0x1000, (const uint8_t[]){5, 4}, 2);
    poke(m, 0x3000, (const uint8_t[]){9, 4}, 2);
    CPUState *cpu = m->cpus[0];
    cpu->pc = 0xfff;
    TisaCPU *c = tisa_run(m);
    cr_assert_eq(c->r0, 5);
    c->page1_phys = 0x3000; /* the guest remaps page 0x1000 and flushes its TLB */
    tlb_flush(cpu);
    cpu->halted = false;
    cpu->pc = 0xfff;
    tisa_run(m);
    cr_assert_eq(c->r0, 14, "ran the block of the old second page: r0 = %llu",
                 (unsigned long long)c->r0);
    machine_destroy(m);
}

static uint8_t io_code[4] = {1, 3, 4};
static int io_code_reads;
static uint64_t io_code_read(void *opaque, uint64_t offset, unsigned size)
{
    io_code_reads++;
    return offset < sizeof io_code ? io_code[offset] : 0xff;
}
static void io_code_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
}
static const MemoryRegionOps io_code_ops = {
    .read = io_code_read, .write = io_code_write, .min_access_size = 1, .max_access_size = 1};

/* Code in a device is run uncached, one instruction a block, so a change
 * in what the device returns is seen at once. */
Test(cpu_loop, code_in_a_device_is_not_cached)
{
    Machine *m = tisa_machine((const uint8_t[]){4}, 1, 0);
    MemoryRegion io;
    memory_region_init_io(&io, "code-device", 0x100, &io_code_ops, NULL);
    memory_region_add_subregion(m->system_memory, 0x7000, &io, 1);
    CPUState *cpu = m->cpus[0];
    cpu->pc = 0x7000;
    TisaCPU *c = tisa_run(m);
    cr_assert_eq(c->r0, 3);
    cr_assert_gt(io_code_reads, 0);
    TbCacheStats s;
    tb_cache_stats(m->tb_cache, &s);
    cr_assert_eq(s.live, 0, "%llu blocks from device memory were cached",
                 (unsigned long long)s.live);
    io_code[1] = 30;
    cpu->halted = false;
    cpu->pc = 0x7000;
    tisa_run(m);
    cr_assert_eq(c->r0, 33);
    memory_region_del_subregion(m->system_memory, &io);
    memory_region_destroy(&io);
    machine_destroy(m);
}
