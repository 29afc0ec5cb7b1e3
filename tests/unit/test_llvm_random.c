/*
 * Tier 1 against tier 0 (blueprint §6, §12): random valid IR blocks run
 * by the interpreter and by the LLVM code compiled from them, on two test
 * cpus in the same state; registers, pc, scratch, bank, guest RAM, icount,
 * the exit taken, device accesses and faults must all agree.
 *
 * Each side's memory map: RAM at 0, a counting MMIO device at MMIO_BASE,
 * nothing at UNMAPPED_BASE, and a virtual range whose page walk faults.
 * Virtual addresses are mapped modulo 4 GiB, so windows above 4 GiB test
 * 64-bit tags.
 */
#include <criterion/criterion.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/interp/interp.h"
#include "backends/llvm/llvm_engine.h"
#include "backends/llvm/llvm_lower.h"
#include "core/tb.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"
#include "tests/unit/ir_random.h"
#include "tests/unit/testcpu.h"

#ifdef DOPPEL_DEBUG /* Sanitize and Debug builds: fewer seeds */
#define RANDOM_BLOCKS 800
#define CHAIN_WORLDS  200
#else
#define RANDOM_BLOCKS 2500
#define CHAIN_WORLDS  600
#endif

#define MMIO_BASE     UINT64_C(0x10000)
#define MMIO_SIZE     UINT64_C(0x1000)
#define UNMAPPED_BASE UINT64_C(0x11000)
#define FAULT_BASE    UINT64_C(0x12000) /* to 0x14000: the page walk faults */
#define FAULT_END     UINT64_C(0x14000)
#define EXCP_PAGE     7
#define EXCP_HELPER   9

/* ---- one side: a test cpu, its memory map and device ---- */

typedef struct Counter {
    uint64_t reads, writes, hash; /* hash of every access in order */
} Counter;

typedef struct Side {
    TestCpu *tc;
    ArchOps arch;
    MemoryRegion root, ram_alias, mmio;
    AddressSpace as;
    Counter dev;
} Side;

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t counter_read(void *opaque, uint64_t offset, unsigned size)
{
    Counter *c = opaque;
    c->reads++;
    c->hash = mix64(c->hash ^ offset ^ (uint64_t)size << 32);
    return mix64(offset * 31 + c->reads); /* order-dependent on purpose */
}

static void counter_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    Counter *c = opaque;
    c->writes++;
    c->hash = mix64(c->hash ^ offset ^ value * 3 ^ (uint64_t)size << 40);
}

static const MemoryRegionOps counter_ops = {
    .read = counter_read,
    .write = counter_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 8,
    .unaligned = true,
};

static int world_mmu_translate(CPUState *cpu, uint64_t vaddr, MMUAccess access, unsigned mmu_idx,
                               bool probe, MMUResult *res)
{
    uint64_t low = vaddr & UINT64_C(0xffffffff);
    if (low >= FAULT_BASE && low < FAULT_END) {
        if (!probe) cpu->exception_index = EXCP_PAGE;
        return 1;
    }
    res->paddr = low;
    res->prot = MMU_PROT_READ | MMU_PROT_WRITE | MMU_PROT_EXEC;
    res->page_bits = TESTCPU_PAGE_BITS;
    return 0;
}

static Side *side_new(void)
{
    Side *s = calloc(1, sizeof(*s));
    cr_assert(s);
    s->tc = testcpu_new();
    s->arch = *testcpu_arch();
    s->arch.mmu_translate = world_mmu_translate;
    s->tc->cpu.arch = &s->arch;
    memory_region_init_container(&s->root, "world", UINT64_C(1) << 32);
    memory_region_init_alias(&s->ram_alias, "world.ram", &s->tc->ram, 0, TESTCPU_RAM_SIZE);
    memory_region_add_subregion(&s->root, 0, &s->ram_alias, 0);
    memory_region_init_io(&s->mmio, "counter", MMIO_SIZE, &counter_ops, &s->dev);
    memory_region_add_subregion(&s->root, MMIO_BASE, &s->mmio, 0);
    address_space_init(&s->as, &s->root, "world");
    address_space_add_cpu(&s->as, &s->tc->cpu);
    tlb_flush(&s->tc->cpu);
    return s;
}

static void side_free(Side *s)
{
    address_space_destroy(&s->as);
    memory_region_destroy(&s->mmio);
    memory_region_destroy(&s->ram_alias);
    memory_region_destroy(&s->root);
    testcpu_free(s->tc);
    free(s);
}

static void side_reset(Side *s, uint64_t seed)
{
    testcpu_reset(s->tc, seed);
    CPUState *cpu = &s->tc->cpu;
    cpu->icount = 0;
    cpu->icount_limit = UINT64_MAX;
    cpu->jit_threshold = UINT64_MAX;
    cpu->current_tb = NULL;
    cpu->cflags_next_tb = 0;
    s->dev = (Counter){0};
}

/* ---- helpers the random blocks call ---- */

static TestCpu *tcpu(CPUState *cpu)
{
    return (TestCpu *)cpu;
}

static uint64_t h_mix(CPUState *cpu, uint64_t a, uint64_t b)
{
    return mix64(a ^ b * 0x9e37);
}

/* Any upper bits in an i32 argument change the result. */
static uint64_t h_mix5(CPUState *cpu, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
    return mix64(a + 3 * b + 5 * c + 7 * d + 11 * e);
}

static uint64_t h_read_r0(CPUState *cpu, uint64_t a)
{
    return tcpu(cpu)->r[0] + a;
}

static uint64_t h_write_w3(CPUState *cpu, uint64_t a)
{
    TestCpu *tc = tcpu(cpu);
    tc->w[3] ^= (uint32_t)a;
    return (uint64_t)tc->w[3] * 3 + (a >> 32); /* nonzero upper bits: truncated */
}

/* No flags: treated as reading and writing state. */
static uint64_t h_state(CPUState *cpu, uint64_t a)
{
    TestCpu *tc = tcpu(cpu);
    tc->r[2] = tc->r[1] + a;
    tc->w[5] += 1;
    return tc->r[2];
}

static uint64_t h_raise(CPUState *cpu, uint64_t a)
{
    if ((a & 63) == 21) cpu_raise_exception(cpu, EXCP_HELPER);
    return a * 3 + tcpu(cpu)->w[7];
}

static uint64_t h_void(CPUState *cpu)
{
    TestCpu *tc = tcpu(cpu);
    tc->bank[0] += tc->r[4];
    tc->scratch[tc->w[6] & 255] ^= (uint8_t)tc->r[5];
    return 0;
}

#define HELPER(n, f, fl, r, na, ...)                                                               \
    static const IrHelper n = {#f, (void (*)(void))f, fl, r, na, {__VA_ARGS__}}
HELPER(mix_helper, h_mix, IR_CALL_PURE, IR_I64, 2, IR_I64, IR_I32);
HELPER(mix5_helper, h_mix5, IR_CALL_PURE, IR_I32, 5, IR_I32, IR_I64, IR_I32, IR_I64, IR_I32);
HELPER(read_r0_helper, h_read_r0, IR_CALL_READS_STATE, IR_I64, 1, IR_I64);
HELPER(write_w3_helper, h_write_w3, IR_CALL_WRITES_STATE, IR_I32, 1, IR_I32);
HELPER(state_helper, h_state, 0, IR_I64, 1, IR_I64);
HELPER(raise_helper, h_raise, IR_CALL_MAY_RAISE | IR_CALL_READS_STATE, IR_I64, 1, IR_I64);
HELPER(void_helper, h_void, IR_CALL_READS_STATE | IR_CALL_WRITES_STATE, IR_VOID, 0, 0);
static const IrHelper *const test_helpers[] = {&mix_helper,      &mix5_helper,  &read_r0_helper,
                                               &write_w3_helper, &state_helper, &raise_helper,
                                               &void_helper};

/* ---- blocks ---- */

/* A mix of windows: RAM only, RAM + MMIO + unmapped + faulting pages,
 * the same above 4 GiB (i64 addresses only); env accesses in the scratch
 * area or over the registers (aliasing the globals). */
static void random_options(IrRandomOptions *o, uint64_t seed)
{
    ir_random_default_options(o);
    o->max_ops = 16 + (uint32_t)(seed % 72);
    o->mmu_modes = TESTCPU_MMU_MODES;
    o->big_endian_mix = true;
    o->unaligned = true;
    o->final_goto = true;
    switch (seed % 5) {
    case 0:
        o->ram_base = 0xc000;
        o->ram_size = 0x8000;
        break;
    case 1:
        o->ram_base = UINT64_C(0x100000000);
        o->ram_size = 0x10000;
        break;
    case 2:
        o->ram_base = 0xe000;
        o->ram_size = 0x4000;
        break;
    default:
        o->ram_base = 0;
        o->ram_size = 0x10000;
        break;
    }
    if (seed % 3 == 0) {
        o->env_offset = TESTCPU_OFF_R(0);
        o->env_size = 256;
    } else {
        o->env_offset = TESTCPU_OFF_SCRATCH;
        o->env_size = 256;
    }
    o->helpers = test_helpers;
    o->nhelpers = sizeof(test_helpers) / sizeof(test_helpers[0]);
}

/* Some blocks demand alignment on every access, so misaligned ones fault. */
static void require_alignment(IrBlock *b)
{
    for (uint32_t i = 0; i < b->nops; i++) {
        IrOp *op = &b->ops[i];
        if ((op->opc == IR_ld || op->opc == IR_st) && (op->imm[0] & IR_MO_SIZE))
            op->imm[0] |= IR_MO_ALIGN;
    }
}

static IrBlock *make_block(uint64_t seed)
{
    IrRandomOptions o;
    random_options(&o, seed);
    IrBlock *b = ir_random_block(seed, testcpu_globals(), &o);
    if (seed % 7 == 3) require_alignment(b);
    return b;
}

static uint64_t *insn_data_of(const IrBlock *b)
{
    uint64_t *data = calloc((size_t)(b->ninsns + 1) * TB_INSN_DATA_WORDS, sizeof(uint64_t));
    cr_assert(data);
    uint32_t n = 0;
    for (uint32_t i = 0; i < b->nops; i++) {
        if (b->ops[i].opc != IR_insn_start) continue;
        for (unsigned k = 0; k < TB_INSN_DATA_WORDS; k++)
            data[n * TB_INSN_DATA_WORDS + k] = (uint64_t)b->ops[i].imm[k];
        n++;
    }
    return data;
}

/* A TB for b (not in any cache), run by both tiers. */
static TranslationBlock *tb_for(IrBlock *b, uint64_t pc)
{
    TranslationBlock *tb = tb_alloc();
    tb->pc = pc;
    tb->icount = b->ninsns;
    tb->insn_data = insn_data_of(b);
    tb->ir = b;
    tb->interp_code = interp_lower(b);
    tb->interp_free = interp_code_free;
    return tb;
}

static void tb_free_test(TranslationBlock *tb)
{
    interp_code_free(tb->interp_code);
    free(tb->insn_data);
    free(tb);
}

/* ---- running ----
 * The reference runs with no TB's native code installed (the interpreter
 * would hand such a TB back instead of running it). */

typedef struct Outcome {
    bool faulted;
    TranslationBlock *tb;
    int slot, code;
    unsigned kind;       /* native exits: JIT_EXIT_* */
    unsigned dispatches; /* entries into native code or the interpreter */
} Outcome;

static bool chain_allowed(CPUState *cpu)
{
    return !atomic_load(&cpu->exit_request) && cpu->icount < cpu->icount_limit;
}

static void decode_exit(uint64_t v, Outcome *o)
{
    o->tb = (TranslationBlock *)(uintptr_t)(v & ~(uint64_t)JIT_EXIT_TB_MASK);
    o->kind = v & JIT_EXIT_KIND_MASK;
    o->slot = o->kind <= JIT_EXIT_SLOT1 ? (int)o->kind : -1;
    o->code = o->kind == JIT_EXIT_CODE ? (int)(v >> JIT_EXIT_CODE_SHIFT & 3) : IR_EXIT_NORMAL;
}

static Outcome run_interp(Side *s, TranslationBlock *tb)
{
    CPUState *cpu = &s->tc->cpu;
    volatile Outcome o = {0};
    cpu->exception_index = EXCP_NONE;
    if (setjmp(cpu->jmp_env) == 0) {
        InterpExit e = interp_exec(cpu, tb);
        o.tb = e.last_tb;
        o.slot = e.slot;
        o.code = e.code;
    } else {
        o.faulted = true;
    }
    cpu->current_tb = NULL;
    return o;
}

/* What the cpu loop does with tier 1: native code where a TB has it, the
 * interpreter elsewhere (it hands back a chained TB that has native code),
 * following linked exits while chaining is allowed. */
static Outcome run_native(Side *s, TranslationBlock *tb)
{
    CPUState *cpu = &s->tc->cpu;
    volatile Outcome o = {0};
    TranslationBlock *volatile cur = tb;
    cpu->exception_index = EXCP_NONE;
    if (setjmp(cpu->jmp_env) == 0) {
        for (;;) {
            Outcome r = {0};
            JitEntry fn = (JitEntry)atomic_load(&cur->native);
            if (fn) {
                decode_exit(fn(cpu), &r);
            } else {
                InterpExit e = interp_exec(cpu, cur);
                if (e.next) {
                    cur = e.next;
                    continue;
                }
                r = (Outcome){.tb = e.last_tb, .slot = e.slot, .code = e.code};
            }
            o.dispatches++;
            o.tb = r.tb;
            o.slot = r.slot;
            o.code = r.code;
            o.kind = r.kind;
            if (r.slot < 0 || !r.tb->jmp_dest[r.slot] || !chain_allowed(cpu)) break;
            cur = r.tb->jmp_dest[r.slot];
        }
    } else {
        o.faulted = true;
    }
    cpu->current_tb = NULL;
    return o;
}

/* ---- comparing ---- */

static void dump_region(const JitRegionSpec *r)
{
    for (uint32_t i = 0; i < r->nblocks; i++) {
        fprintf(stderr, "---- region block %u (succ %d %d)\n", i, r->blocks[i].succ[0],
                r->blocks[i].succ[1]);
        ir_print(r->blocks[i].ir, stderr);
    }
    LLVMContextRef ctx = LLVMContextCreate();
    LLVMModuleRef m = LLVMModuleCreateWithNameInContext("dump", ctx);
    char err[256];
    if (llvm_lower_region(m, r, err, sizeof(err))) LLVMDumpModule(m);
    LLVMDisposeModule(m);
    LLVMContextDispose(ctx);
}

static bool same_outcome(Side *a, Side *b, const Outcome *oa, const Outcome *ob, char *diff,
                         size_t len)
{
    CPUState *ca = &a->tc->cpu, *cb = &b->tc->cpu;
    if (!testcpu_state_equal(a->tc, b->tc, diff, len)) return false;
    if (oa->faulted != ob->faulted) {
        snprintf(diff, len, "fault: interp %d, llvm %d", oa->faulted, ob->faulted);
        return false;
    }
    if (oa->faulted && ca->exception_index != cb->exception_index) {
        snprintf(diff, len, "exception %d != %d", ca->exception_index, cb->exception_index);
        return false;
    }
    if (!oa->faulted && (oa->tb != ob->tb || oa->slot != ob->slot || oa->code != ob->code)) {
        snprintf(diff, len, "exit: interp (%p, %d, %d), llvm (%p, %d, %d)", (void *)oa->tb,
                 oa->slot, oa->code, (void *)ob->tb, ob->slot, ob->code);
        return false;
    }
    if (ca->icount != cb->icount) {
        snprintf(diff, len, "icount %llu != %llu", (unsigned long long)ca->icount,
                 (unsigned long long)cb->icount);
        return false;
    }
    if (a->dev.reads != b->dev.reads || a->dev.writes != b->dev.writes ||
        a->dev.hash != b->dev.hash) {
        snprintf(diff, len, "mmio: %llu/%llu accesses != %llu/%llu (or order)",
                 (unsigned long long)a->dev.reads, (unsigned long long)a->dev.writes,
                 (unsigned long long)b->dev.reads, (unsigned long long)b->dev.writes);
        return false;
    }
    if (ca->cflags_next_tb != cb->cflags_next_tb) {
        snprintf(diff, len, "cflags_next_tb 0x%x != 0x%x", ca->cflags_next_tb, cb->cflags_next_tb);
        return false;
    }
    return true;
}

typedef struct Stats {
    unsigned runs, faults, mmio, slot_exits, code_exits, ptr_exits, tail_calls;
    uint64_t compile_ns[RANDOM_BLOCKS > CHAIN_WORLDS ? RANDOM_BLOCKS : CHAIN_WORLDS];
    uint64_t stage_ns[3][RANDOM_BLOCKS > CHAIN_WORLDS ? RANDOM_BLOCKS : CHAIN_WORLDS];
    uint64_t code_bytes;
    unsigned ncompiles;
} Stats;

static void note(Stats *st, const Side *b, const Outcome *o)
{
    st->runs++;
    st->faults += o->faulted;
    st->mmio += b->dev.reads + b->dev.writes > 0;
    if (!o->faulted) {
        st->slot_exits += o->slot >= 0;
        st->ptr_exits += o->kind == JIT_EXIT_PTR;
        st->code_exits += o->kind == JIT_EXIT_CODE;
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double median_ms(uint64_t *v, unsigned n)
{
    if (!n) return 0;
    qsort(v, n, sizeof(uint64_t), cmp_u64);
    return (double)v[n / 2] / 1e6;
}

static void report(const char *what, Stats *st)
{
    unsigned n = st->ncompiles;
    fprintf(stderr,
            "llvm_random %s: compile median %.3f ms (lower %.3f, passes %.3f, codegen %.3f), "
            "%llu code bytes per region\n",
            what, median_ms(st->compile_ns, n), median_ms(st->stage_ns[0], n),
            median_ms(st->stage_ns[1], n), median_ms(st->stage_ns[2], n),
            (unsigned long long)(n ? st->code_bytes / n : 0));
    fprintf(stderr,
            "llvm_random %s: %u runs, %u faulted, %u touched mmio, exits %u slot / %u code / %u "
            "ptr, %u seen tail-calling\n",
            what, st->runs, st->faults, st->mmio, st->slot_exits, st->code_exits, st->ptr_exits,
            st->tail_calls);
}

static bool compile(LlvmEngine *e, JitRegionSpec *spec, LlvmCompiled *out, Stats *st)
{
    char err[512];
    bool ok = llvm_engine_compile(e, spec, out, err, sizeof(err));
    if (!ok) {
        dump_region(spec);
        cr_assert_fail("region %llu: %s", (unsigned long long)spec->id, err);
    }
    cr_assert_not_null(out->entry);
    cr_assert_gt(out->code_bytes, 0);
    if (st->ncompiles < sizeof(st->compile_ns) / sizeof(st->compile_ns[0])) {
        st->stage_ns[0][st->ncompiles] = out->lower_ns;
        st->stage_ns[1][st->ncompiles] = out->opt_ns;
        st->stage_ns[2][st->ncompiles] = out->codegen_ns;
        st->compile_ns[st->ncompiles++] = out->lower_ns + out->opt_ns + out->codegen_ns;
    }
    st->code_bytes += out->code_bytes;
    return ok;
}

static LlvmEngine *engine(void)
{
    char err[256];
    LlvmEngine *e = llvm_engine_create(&(LlvmEngineOptions){0}, err, sizeof(err));
    cr_assert_not_null(e, "%s", err);
    return e;
}

/* ---- one-block regions ---- */

Test(llvm_random, single_blocks_match_the_interpreter, .timeout = 600)
{
    LlvmEngine *e = engine();
    Side *a = side_new(), *b = side_new();
    static Stats st;
    memset(&st, 0, sizeof(st));
    for (uint64_t seed = 1; seed <= RANDOM_BLOCKS; seed++) {
        IrBlock *ir = make_block(seed);
        char msg[512];
        cr_assert(ir_verify(ir, msg, sizeof(msg)), "seed %llu: %s", (unsigned long long)seed, msg);
        TranslationBlock *tb = tb_for(ir, 0);
        JitRegionBlock blk = {.tb = tb, .ir = ir, .succ = {-1, -1}, .ptr_succ = -1};
        JitRegionSpec spec = {.id = seed,
                              .page_bits = TESTCPU_PAGE_BITS,
                              .blocks = &blk,
                              .nblocks = 1,
                              .debug_lines = seed % 16 == 0};
        LlvmCompiled c;
        compile(e, &spec, &c, &st);
        side_reset(a, seed);
        side_reset(b, seed);
        Outcome oa = run_interp(a, tb);
        tb->native = (void *)c.entry;
        Outcome ob = run_native(b, tb);
        tb->native = NULL;
        note(&st, b, &ob);
        if (!same_outcome(a, b, &oa, &ob, msg, sizeof(msg))) {
            dump_region(&spec);
            cr_assert_fail("seed %llu: %s", (unsigned long long)seed, msg);
        }
        llvm_engine_release(e, c.tracker);
        tb_free_test(tb);
        ir_block_free(ir);
    }
    report("single blocks", &st);
    /* The mix must reach every kind of exit and the slow paths. */
    cr_expect_gt(st.faults, RANDOM_BLOCKS / 50);
    cr_expect_gt(st.mmio, RANDOM_BLOCKS / 50);
    cr_expect_gt(st.slot_exits, RANDOM_BLOCKS / 50);
    cr_expect_gt(st.ptr_exits, RANDOM_BLOCKS / 50);
    cr_expect_gt(st.code_exits, RANDOM_BLOCKS / 50);
    side_free(a);
    side_free(b);
    llvm_engine_destroy(e);
}

/* ---- multi-block regions ----
 * A world of 3-5 TBs linked at random (cycles included): TBs [0, k) form
 * one region (succ follows the links inside it), TB k has a one-block
 * region of its own (native, tail-called from the region), the rest stay
 * in the interpreter.  The reference is the interpreter chaining through
 * the same links; both stop at the same icount_limit. */

#define MAX_CHAIN 5

typedef struct Chain {
    uint32_t n, k;
    IrBlock *ir[MAX_CHAIN];
    TranslationBlock *tb[MAX_CHAIN];
    JitRegionBlock blocks[MAX_CHAIN];
    LlvmCompiled region, single;
} Chain;

static uint64_t chain_rng(uint64_t *s)
{
    return mix64(*s += UINT64_C(0x9e3779b97f4a7c15));
}

/* The block's last exit becomes goto_tb (mostly), and some early exit_tb
 * become goto_tb too, so both slots chain. */
static void make_chainable(IrBlock *b, uint64_t *s)
{
    for (uint32_t i = 0; i < b->nops; i++) {
        IrOp *op = &b->ops[i];
        bool last = i == b->nops - 1;
        if (!(ir_op_defs[op->opc].flags & IR_OPF_EXIT)) continue;
        if (last ? chain_rng(s) % 8 == 0 : chain_rng(s) % 2 == 0) continue;
        op->opc = IR_goto_tb;
        op->nargs = 0;
        op->imm[0] = (int64_t)(chain_rng(s) & 1);
    }
}

static void chain_build(Chain *c, uint64_t seed)
{
    uint64_t s = seed;
    memset(c, 0, sizeof(*c));
    c->n = 3 + (uint32_t)(chain_rng(&s) % 3);
    c->k = 2 + (uint32_t)(chain_rng(&s) % (c->n - 2)); /* 2..n-1 blocks in the region */
    for (uint32_t i = 0; i < c->n; i++) {
        IrRandomOptions o;
        random_options(&o, seed * 8 + i);
        o.max_ops = 8 + (uint32_t)(chain_rng(&s) % 40);
        c->ir[i] = ir_random_block(seed * 8 + i, testcpu_globals(), &o);
        make_chainable(c->ir[i], &s);
        char msg[256];
        cr_assert(ir_verify(c->ir[i], msg, sizeof(msg)), "world %llu: %s", (unsigned long long)seed,
                  msg);
        c->tb[i] = tb_for(c->ir[i], 0x1000 * i);
    }
    for (uint32_t i = 0; i < c->n; i++)
        for (int slot = 0; slot < 2; slot++)
            c->tb[i]->jmp_dest[slot] = chain_rng(&s) % 5 ? c->tb[chain_rng(&s) % c->n] : NULL;
    for (uint32_t i = 0; i < c->k; i++) {
        c->blocks[i] = (JitRegionBlock){.tb = c->tb[i], .ir = c->ir[i], .ptr_succ = -1};
        for (int slot = 0; slot < 2; slot++) {
            int32_t succ = -1;
            for (uint32_t j = 0; j < c->k; j++)
                if (c->tb[i]->jmp_dest[slot] == c->tb[j]) succ = (int32_t)j;
            c->blocks[i].succ[slot] = succ;
        }
    }
}

static void chain_free(Chain *c, LlvmEngine *e)
{
    llvm_engine_release(e, c->region.tracker);
    llvm_engine_release(e, c->single.tracker);
    for (uint32_t i = 0; i < c->n; i++) {
        tb_free_test(c->tb[i]);
        ir_block_free(c->ir[i]);
    }
}

static void chain_dump(const Chain *c)
{
    for (uint32_t i = 0; i < c->n; i++)
        fprintf(stderr, "TB %u %p: jmp_dest %p %p%s\n", i, (void *)c->tb[i],
                (void *)c->tb[i]->jmp_dest[0], (void *)c->tb[i]->jmp_dest[1],
                i < c->k    ? " (region)"
                : i == c->k ? " (own region)"
                            : "");
}

Test(llvm_random, multi_block_regions_match_interpreter_chaining, .timeout = 600)
{
    LlvmEngine *e = engine();
    Side *a = side_new(), *b = side_new();
    static Stats st;
    memset(&st, 0, sizeof(st));
    static Chain c;
    uint64_t id = 1;
    for (uint64_t seed = 1; seed <= CHAIN_WORLDS; seed++) {
        chain_build(&c, seed);
        JitRegionSpec region = {.id = id++,
                                .page_bits = TESTCPU_PAGE_BITS,
                                .blocks = c.blocks,
                                .nblocks = c.k,
                                .debug_lines = seed % 8 == 0};
        JitRegionBlock own = {.tb = c.tb[c.k], .ir = c.ir[c.k], .succ = {-1, -1}, .ptr_succ = -1};
        JitRegionSpec single = {
            .id = id++, .page_bits = TESTCPU_PAGE_BITS, .blocks = &own, .nblocks = 1};
        compile(e, &region, &c.region, &st);
        compile(e, &single, &c.single, &st);

        uint64_t limit = 1 + seed % 97;
        side_reset(a, seed);
        side_reset(b, seed);
        a->tc->cpu.icount_limit = b->tc->cpu.icount_limit = limit;
        Outcome oa = run_interp(a, c.tb[0]);
        c.tb[0]->native = (void *)c.region.entry;
        c.tb[c.k]->native = (void *)c.single.entry;
        Outcome ob = run_native(b, c.tb[0]);
        c.tb[0]->native = c.tb[c.k]->native = NULL;
        note(&st, b, &ob);
        /* Only a tail call from the region reaches TB k without a return
         * to the loop. */
        st.tail_calls += !ob.faulted && ob.dispatches == 1 && ob.tb == c.tb[c.k];
        char msg[512];
        if (!same_outcome(a, b, &oa, &ob, msg, sizeof(msg))) {
            chain_dump(&c);
            dump_region(&region);
            dump_region(&single);
            cr_assert_fail("world %llu (limit %llu): %s", (unsigned long long)seed,
                           (unsigned long long)limit, msg);
        }
        chain_free(&c, e);
    }
    report("multi-block regions", &st);
    cr_expect_gt(st.tail_calls, CHAIN_WORLDS / 50);
    cr_expect_gt(st.faults, CHAIN_WORLDS / 50);
    cr_expect_gt(st.slot_exits, CHAIN_WORLDS / 20);
    side_free(a);
    side_free(b);
    llvm_engine_destroy(e);
}

/* ---- pages whose TLB tags carry flags ---- */

static IrBlock *tlb_flags_block(void)
{
    IrBlock *b = ir_block_new(testcpu_globals());
    ir_insn_start(b, 0x100, 0, 0);
    ir_ld(b, IR_I32, TC_W(0), ir_i64(b, MMIO_BASE + 0x10), IR_MO_32, 0);
    ir_st(b, IR_I32, TC_W(1), ir_i64(b, MMIO_BASE + 0x20), IR_MO_16 | IR_MO_BE, 0);
    ir_insn_start(b, 0x104, 0, 0);
    ir_st(b, IR_I64, TC_R(1), ir_i32(b, 0x3000), IR_MO_64, 0);
    ir_ld(b, IR_I64, TC_R(2), ir_i32(b, 0x3000), IR_MO_64 | IR_MO_BE, 0);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    return b;
}

static bool write_tag_notdirty(Side *s, uint64_t addr)
{
    return tlb_entry(&s->tc->cpu, 0, addr)->addr_write & TLB_NOTDIRTY;
}

/* MMIO: every access reaches the device in both tiers, also with a warm
 * TLB.  A RAM page that holds code (TLB_NOTDIRTY on the write tag): the
 * store takes the slow path, which finds no TB there and clears the flag;
 * code that stored through the fast path would leave it set. */
Test(llvm_random, flagged_tlb_entries_take_the_slow_path)
{
    LlvmEngine *e = engine();
    Side *a = side_new(), *b = side_new();
    Stats *st = calloc(1, sizeof(*st));
    IrBlock *ir = tlb_flags_block();
    TranslationBlock *tb = tb_for(ir, 0x100);
    JitRegionBlock blk = {.tb = tb, .ir = ir, .succ = {-1, -1}, .ptr_succ = -1};
    JitRegionSpec spec = {.id = 1, .page_bits = TESTCPU_PAGE_BITS, .blocks = &blk, .nblocks = 1};
    LlvmCompiled c;
    compile(e, &spec, &c, st);
    for (int round = 0; round < 3; round++) {
        side_reset(a, 77);
        side_reset(b, 77);
        if (round == 2) {
            memory_mark_code(&a->as, 0x3000, 64);
            memory_mark_code(&b->as, 0x3000, 64);
            /* Filled by the earlier rounds, now flagged. */
            cr_assert(write_tag_notdirty(a, 0x3000) && write_tag_notdirty(b, 0x3000));
        }
        Outcome oa = run_interp(a, tb);
        tb->native = (void *)c.entry;
        Outcome ob = run_native(b, tb);
        tb->native = NULL;
        char msg[512];
        cr_assert(same_outcome(a, b, &oa, &ob, msg, sizeof(msg)), "round %d: %s", round, msg);
        cr_assert_eq(b->dev.reads, 1, "round %d: %llu device reads", round,
                     (unsigned long long)b->dev.reads);
        cr_assert_eq(b->dev.writes, 1, "round %d: %llu device writes", round,
                     (unsigned long long)b->dev.writes);
        cr_assert_eq(b->tc->r[2], __builtin_bswap64(b->tc->r[1]));
        if (round == 2) {
            cr_assert_not(write_tag_notdirty(a, 0x3000), "the interpreter's store stayed fast");
            cr_assert_not(write_tag_notdirty(b, 0x3000), "the native store stayed fast");
        }
    }
    llvm_engine_release(e, c.tracker);
    tb_free_test(tb);
    ir_block_free(ir);
    free(st);
    side_free(a);
    side_free(b);
    llvm_engine_destroy(e);
}

/* A store into the running TB's own code (blueprint §4): the slow path
 * invalidates it, restores the storing instruction's pc through
 * current_tb/fault_insn and leaves to the loop for a one-instruction
 * rerun, before the store happens. */
Test(llvm_random, store_into_the_running_tb_restarts_its_instruction)
{
    LlvmEngine *e = engine();
    Side *side[2] = {side_new(), side_new()};
    Stats *st = calloc(1, sizeof(*st));
    IrBlock *ir = ir_block_new(testcpu_globals());
    ir_insn_start(ir, 0x3000, 0, 0);
    ir_op2(ir, IR_add, IR_I64, TC_R(0), TC_R(0), ir_i64(ir, 1));
    ir_insn_start(ir, 0x3004, 0, 0);
    ir_op2(ir, IR_add, IR_I64, TC_R(3), TC_R(3), ir_i64(ir, 5));
    ir_st(ir, IR_I32, TC_W(1), ir_i32(ir, 0x3008), IR_MO_32 | IR_MO_BE, 0);
    ir_insn_start(ir, 0x3008, 0, 0);
    ir_op2(ir, IR_add, IR_I64, TC_R(4), TC_R(4), ir_i64(ir, 1));
    ir_exit_tb(ir, IR_EXIT_NORMAL);

    TbCache *cache[2];
    TranslationBlock *tb[2];
    LlvmCompiled c = {0};
    Outcome o[2];
    uint32_t before = 0;
    for (int i = 0; i < 2; i++) {
        Side *s = side[i];
        side_reset(s, 5);
        cache[i] = tb_cache_new();
        s->as.tb_cache = cache[i];
        tb[i] = tb_alloc();
        IrBlock *own = ir_block_clone(ir);
        tb[i]->pc = tb[i]->phys_pc = 0x3000;
        tb[i]->page_addr[0] = 0x3000;
        tb[i]->size = tb[i]->size_first = 12;
        tb[i]->icount = own->ninsns;
        tb[i]->insn_data = insn_data_of(own);
        tb[i]->ir = own;
        tb[i]->interp_code = interp_lower(own);
        tb[i]->interp_free = interp_code_free;
        tb_insert(cache[i], tb[i]);
        memory_mark_code(&s->as, 0x3000, 12);
        memcpy(&before, testcpu_ram(s->tc) + 0x3008, 4);
        if (i == 0) {
            o[i] = run_interp(s, tb[i]);
        } else {
            JitRegionBlock blk = {.tb = tb[i], .ir = own, .succ = {-1, -1}, .ptr_succ = -1};
            JitRegionSpec spec = {
                .id = 1, .page_bits = TESTCPU_PAGE_BITS, .blocks = &blk, .nblocks = 1};
            compile(e, &spec, &c, st);
            tb[i]->native = (void *)c.entry;
            o[i] = run_native(s, tb[i]);
        }
        cr_assert(o[i].faulted, "side %d: the store did not leave the block", i);
        cr_assert_eq(s->tc->cpu.pc, 0x3004, "side %d: pc 0x%llx", i,
                     (unsigned long long)s->tc->cpu.pc);
        cr_assert_eq(s->tc->cpu.cflags_next_tb, 1 | CF_NOCACHE);
        cr_assert(tb[i]->invalid);
        uint32_t after;
        memcpy(&after, testcpu_ram(s->tc) + 0x3008, 4);
        cr_assert_eq(after, before, "side %d: the store happened", i);
    }
    char msg[512];
    cr_assert(same_outcome(side[0], side[1], &o[0], &o[1], msg, sizeof(msg)), "%s", msg);
    llvm_engine_release(e, c.tracker);
    for (int i = 0; i < 2; i++) {
        side[i]->as.tb_cache = NULL;
        tb_cache_free(cache[i]);
        side_free(side[i]);
    }
    ir_block_free(ir);
    free(st);
    llvm_engine_destroy(e);
}
