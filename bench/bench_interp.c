/*
 * Micro-benchmark of the two execution tiers: a few representative blocks,
 * each lowered once and run as a TB chained to itself (jmp_dest[0]) until a
 * counter global reaches zero, by the interpreter and as a one-block LLVM
 * region whose slot 0 continues at itself (the loop then runs inside the
 * compiled function, as a hot guest loop does).  Prints a table; asserts
 * nothing.
 *
 *   bench_interp [seconds-per-block]     (default 0.5)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/interp/interp.h"
#include "backends/llvm/llvm_engine.h"
#include "core/tb.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"

#define NREGS    16
#define RAM_SIZE 0x10000
#define COUNTER  15 /* r15 counts iterations down */

typedef struct BenchCpu {
    CPUState cpu;
    uint64_t r[NREGS];
    MemoryRegion ram;
    AddressSpace as;
} BenchCpu;

#define REG(n)                                                                                     \
    {                                                                                              \
        "r" #n, IR_I64, offsetof(BenchCpu, r) + 8 * (n)                                            \
    }
static const IrGlobal bench_global_list[NREGS] = {
    REG(0), REG(1), REG(2),  REG(3),  REG(4),  REG(5),  REG(6),  REG(7),
    REG(8), REG(9), REG(10), REG(11), REG(12), REG(13), REG(14), REG(15),
};
static const IrGlobalTable bench_globals = {bench_global_list, NREGS};
#define R(n) ir_global(n)

static int identity_translate(CPUState *cpu, uint64_t vaddr, MMUAccess access, unsigned mmu_idx,
                              bool probe, MMUResult *res)
{
    res->paddr = vaddr;
    res->prot = MMU_PROT_READ | MMU_PROT_WRITE | MMU_PROT_EXEC;
    res->page_bits = 12;
    return 0;
}

static const ArchOps bench_arch = {
    .name = "bench",
    .page_bits = 12,
    .mmu_modes = 1,
    .cpu_size = sizeof(BenchCpu),
    .globals = &bench_globals,
    .mmu_translate = identity_translate,
};

static BenchCpu *bench_cpu_new(void)
{
    BenchCpu *bc = calloc(1, sizeof(*bc));
    if (!bc || !memory_region_init_ram(&bc->ram, "bench.ram", RAM_SIZE)) abort();
    bc->cpu.arch = &bench_arch;
    bc->cpu.page_bits = 12;
    bc->cpu.page_mask = ~UINT64_C(0xfff);
    bc->cpu.vaddr_mask = ~UINT64_C(0);
    bc->cpu.exception_index = EXCP_NONE;
    address_space_init(&bc->as, &bc->ram, "bench");
    bc->cpu.as = &bc->as;
    tlb_init(&bc->cpu);
    address_space_add_cpu(&bc->as, &bc->cpu);
    return bc;
}

static void bench_cpu_free(BenchCpu *bc)
{
    tlb_destroy(&bc->cpu);
    address_space_destroy(&bc->as);
    memory_region_destroy(&bc->ram);
    free(bc);
}

/* The loop tail every block ends with: count down, chain to itself. */
static void loop_tail(IrBlock *b)
{
    uint32_t done = ir_label_new(b);
    ir_op2(b, IR_sub, IR_I64, R(COUNTER), R(COUNTER), ir_i64(b, 1));
    ir_brcond(b, IR_I64, IR_EQ, R(COUNTER), ir_i64(b, 0), done);
    ir_goto_tb(b, 0);
    ir_label(b, done);
    ir_exit_tb(b, IR_EXIT_NORMAL);
}

static void insn(IrBlock *b, uint64_t *pc)
{
    ir_insn_start(b, *pc, 0, 0);
    *pc += 4;
}

/* Eight RISC-like integer instructions. */
static void build_alu(IrBlock *b)
{
    uint64_t pc = 0x1000;
    IrVal t = ir_temp(b, IR_I64);
    insn(b, &pc), ir_op2(b, IR_add, IR_I64, R(0), R(0), R(1));
    insn(b, &pc), ir_op2(b, IR_xor, IR_I64, R(2), R(2), R(0));
    insn(b, &pc), ir_op2(b, IR_shl, IR_I64, R(3), R(2), ir_i64(b, 3));
    insn(b, &pc), ir_op2(b, IR_and, IR_I64, R(4), R(3), ir_i64(b, 0xffff));
    insn(b, &pc), ir_op2(b, IR_sub, IR_I64, R(5), R(4), R(1));
    insn(b, &pc), ir_op2(b, IR_mul, IR_I64, R(6), R(5), ir_i64(b, 7));
    insn(b, &pc), ir_setcond(b, IR_I64, IR_LTU, t, R(6), R(0));
    ir_op2(b, IR_add, IR_I64, R(7), R(7), t);
    insn(b, &pc), ir_op2(b, IR_or, IR_I64, R(1), R(1), ir_i64(b, 1));
    loop_tail(b);
}

/* Load, compute, store, advance a pointer that wraps in RAM. */
static void build_memory(IrBlock *b)
{
    uint64_t pc = 0x1000;
    IrVal v = ir_temp(b, IR_I64), a = ir_temp(b, IR_I64);
    insn(b, &pc), ir_ld(b, IR_I64, v, R(8), IR_MO_64, 0);
    insn(b, &pc), ir_op2(b, IR_add, IR_I64, v, v, R(0));
    insn(b, &pc), ir_op2(b, IR_add, IR_I64, a, R(8), ir_i64(b, 8));
    ir_st(b, IR_I64, v, a, IR_MO_64, 0);
    insn(b, &pc), ir_ld(b, IR_I32, ir_temp(b, IR_I32), R(8), IR_MO_32 | IR_MO_BE, 0);
    insn(b, &pc), ir_op2(b, IR_add, IR_I64, R(8), R(8), ir_i64(b, 16));
    insn(b, &pc), ir_op2(b, IR_and, IR_I64, R(8), R(8), ir_i64(b, RAM_SIZE - 16));
    loop_tail(b);
}

/* Conditional code inside the block (a max, an abs, a clamp). */
static void build_branchy(IrBlock *b)
{
    uint64_t pc = 0x1000;
    uint32_t l1 = ir_label_new(b), l2 = ir_label_new(b), l3 = ir_label_new(b);
    insn(b, &pc), ir_op2(b, IR_add, IR_I64, R(0), R(0), R(COUNTER));
    insn(b, &pc), ir_brcond(b, IR_I64, IR_GE, R(0), R(1), l1);
    insn(b, &pc), ir_mov(b, IR_I64, R(1), R(0));
    ir_label(b, l1);
    insn(b, &pc), ir_op2(b, IR_and, IR_I64, R(2), R(COUNTER), ir_i64(b, 3));
    insn(b, &pc), ir_brcond(b, IR_I64, IR_NE, R(2), ir_i64(b, 0), l2);
    insn(b, &pc), ir_op2(b, IR_add, IR_I64, R(3), R(3), ir_i64(b, 1));
    ir_label(b, l2);
    insn(b, &pc), ir_brcond(b, IR_I64, IR_LTU, R(3), ir_i64(b, 1000), l3);
    insn(b, &pc), ir_mov(b, IR_I64, R(3), ir_i64(b, 0));
    ir_label(b, l3);
    loop_tail(b);
}

static uint64_t helper_mix(CPUState *cpu, uint64_t a, uint64_t b)
{
    return (a ^ b) * 31 + 1;
}
static const IrHelper helper_mix_desc = {
    "mix", (void (*)(void))helper_mix, IR_CALL_PURE, IR_I64, 2, {IR_I64, IR_I64}};

/* Complex instructions as helper calls. */
static void build_calls(IrBlock *b)
{
    uint64_t pc = 0x1000;
    for (int i = 0; i < 3; i++) {
        insn(b, &pc);
        ir_call(b, &helper_mix_desc, R(i), (IrVal[]){R(i), R(i + 1)});
    }
    insn(b, &pc), ir_op2(b, IR_add, IR_I64, R(4), R(4), R(0));
    loop_tail(b);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Ops executed per iteration: everything but insn_start and labels. */
static unsigned executed_ops(const IrBlock *b)
{
    unsigned n = 0;
    for (uint32_t i = 0; i < b->nops; i++)
        n += b->ops[i].opc != IR_insn_start && b->ops[i].opc != IR_label;
    return n;
}

static double run_iterations(BenchCpu *bc, TranslationBlock *tb, uint64_t iterations)
{
    bc->r[COUNTER] = iterations;
    bc->r[8] = 0;
    double t0 = now_seconds();
    InterpExit e = interp_exec(&bc->cpu, tb);
    double t = now_seconds() - t0;
    if (e.code != IR_EXIT_NORMAL || e.slot != -1 || bc->r[COUNTER] != 0) {
        fprintf(stderr, "bench_interp: block did not run to its end\n");
        exit(1);
    }
    return t;
}

static double run_native(BenchCpu *bc, JitEntry entry, TranslationBlock *tb, uint64_t iterations)
{
    bc->r[COUNTER] = iterations;
    bc->r[8] = 0;
    double t0 = now_seconds();
    uint64_t e = entry(&bc->cpu);
    double t = now_seconds() - t0;
    uint64_t want = (uintptr_t)tb | JIT_EXIT_CODE | (uint64_t)IR_EXIT_NORMAL << JIT_EXIT_CODE_SHIFT;
    if (e != want || bc->r[COUNTER] != 0) {
        fprintf(stderr, "bench_interp: compiled block did not run to its end\n");
        exit(1);
    }
    return t;
}

/* Iterations for about seconds of run(), after a calibration run. */
static uint64_t calibrated(double (*run)(BenchCpu *, void *, TranslationBlock *, uint64_t),
                           BenchCpu *bc, void *code, TranslationBlock *tb, double seconds)
{
    uint64_t n = 100000;
    double t = run(bc, code, tb, n);
    n = (uint64_t)(n * (seconds / (t > 1e-6 ? t : 1e-6)));
    return n < 1000 ? 1000 : n;
}

static double run_interp_tier(BenchCpu *bc, void *code, TranslationBlock *tb, uint64_t n)
{
    (void)code;
    return run_iterations(bc, tb, n);
}

static double run_llvm_tier(BenchCpu *bc, void *code, TranslationBlock *tb, uint64_t n)
{
    return run_native(bc, ((const LlvmCompiled *)code)->entry, tb, n);
}

static void bench_block(LlvmEngine *engine, const char *name, void (*build)(IrBlock *),
                        double seconds)
{
    BenchCpu *bc = bench_cpu_new();
    IrBlock *b = ir_block_new(&bench_globals);
    build(b);
    char err[256];
    if (!ir_verify(b, err, sizeof(err))) {
        fprintf(stderr, "bench_interp: %s: %s\n", name, err);
        exit(1);
    }
    TranslationBlock *tb = tb_alloc();
    tb->pc = 0x1000;
    tb->icount = b->ninsns;
    tb->ir = b;
    tb->interp_code = interp_lower(b);
    tb->jmp_dest[0] = tb; /* the loop: chained to itself */
    bc->cpu.icount_limit = UINT64_MAX;

    uint64_t n = calibrated(run_interp_tier, bc, NULL, tb, seconds);
    double t = run_iterations(bc, tb, n);
    unsigned ops = executed_ops(b);
    double total_ops = (double)n * ops, insns_per_s = (double)n * b->ninsns / t;
    printf("%-10s %6u %6u %8zu %10.2f %10.1f %12.1f", name, ops, b->ninsns,
           interp_code_size(tb->interp_code), t * 1e9 / total_ops, total_ops / t / 1e6,
           insns_per_s / 1e6);

    JitRegionBlock blk = {.tb = tb, .ir = b, .succ = {0, -1}, .ptr_succ = -1};
    JitRegionSpec spec = {.id = 1, .page_bits = 12, .blocks = &blk, .nblocks = 1};
    LlvmCompiled c;
    if (!engine || !llvm_engine_compile(engine, &spec, &c, err, sizeof(err))) {
        printf(" %12s %8s\n", "-", "-");
    } else {
        n = calibrated(run_llvm_tier, bc, &c, tb, seconds);
        double tj = run_native(bc, c.entry, tb, n);
        double jit_per_s = (double)n * b->ninsns / tj;
        printf(" %12.1f %8.1f\n", jit_per_s / 1e6, jit_per_s / insns_per_s);
        llvm_engine_release(engine, c.tracker);
    }
    interp_code_free(tb->interp_code);
    free(tb);
    ir_block_free(b);
    bench_cpu_free(bc);
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 0.5;
    if (seconds <= 0 || seconds > 4) seconds = 0.5;
    char err[256];
    LlvmEngine *engine = llvm_engine_create(&(LlvmEngineOptions){0}, err, sizeof(err));
    if (!engine) fprintf(stderr, "bench_interp: no LLVM tier: %s\n", err);
    printf("%-10s %6s %6s %8s %10s %10s %12s %12s %8s\n", "block", "IR ops", "insns", "bytes",
           "ns/IR op", "M ops/s", "M insns/s", "jit M ins/s", "jit/int");
    bench_block(engine, "alu", build_alu, seconds);
    bench_block(engine, "memory", build_memory, seconds);
    bench_block(engine, "branchy", build_branchy, seconds);
    bench_block(engine, "calls", build_calls, seconds);
    if (engine) llvm_engine_destroy(engine);
    return 0;
}
