/*
 * Tier 1 op by op: the corners the random blocks never reach (frontends
 * guard division and mask shift counts, so the generator does too), the
 * FP ops, the exit encoding of jit_region.h, NORETURN helpers, goto_ptr
 * through the jump cache, and -d out_asm with guest instruction marks.
 * Results are compared with ir_eval_int (ir/README.md's definitions) and
 * with the interpreter on a second test cpu.
 */
#include <criterion/criterion.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/interp/interp.h"
#include "backends/llvm/llvm_engine.h"
#include "core/tb.h"
#include "ir/ir_eval.h"
#include "tests/unit/testcpu.h"

#define ROUNDS     12 /* op instances per block */
#define IN_WORD    0  /* bank word of round k's input i: IN_WORD + 4k + i */
#define OUT_WORD   64 /* of its output j: OUT_WORD + 2k + j */
#define INPUT_SETS 6

static uint64_t next_random(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* ---- two test cpus: a runs the interpreter, b the native code ---- */

typedef struct Pair {
    TestCpu *a, *b;
    ArchOps arch; /* testcpu's, with tb_flags for the jump cache */
    LlvmEngine *e;
    uint64_t next_id;
} Pair;

static void pair_tb_flags(CPUState *cpu, uint64_t *pc, uint64_t *cs_base, uint32_t *flags)
{
    *pc = cpu->pc;
    *cs_base = 0;
    *flags = 0;
}

static Pair *pair_new(FILE *out_asm)
{
    Pair *p = calloc(1, sizeof(*p));
    cr_assert(p);
    p->a = testcpu_new();
    p->b = testcpu_new();
    p->arch = *testcpu_arch();
    p->arch.tb_flags = pair_tb_flags;
    p->a->cpu.arch = p->b->cpu.arch = &p->arch;
    char err[256];
    p->e = llvm_engine_create(&(LlvmEngineOptions){.out_asm = out_asm}, err, sizeof(err));
    cr_assert_not_null(p->e, "%s", err);
    p->next_id = 1;
    return p;
}

static void pair_free(Pair *p)
{
    llvm_engine_destroy(p->e);
    testcpu_free(p->a);
    testcpu_free(p->b);
    free(p);
}

static void cpu_prepare(TestCpu *tc, uint64_t seed)
{
    testcpu_reset(tc, seed);
    tc->cpu.icount = 0;
    tc->cpu.icount_limit = UINT64_MAX;
    tc->cpu.jit_threshold = UINT64_MAX;
    tc->cpu.current_tb = NULL;
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

/* A block compiled as a one-block region, with its TB. */
typedef struct Compiled {
    IrBlock *ir;
    TranslationBlock *tb;
    LlvmCompiled c;
} Compiled;

static void compile_block(Pair *p, IrBlock *ir, Compiled *out, bool debug_lines)
{
    char err[512];
    cr_assert(ir_verify(ir, err, sizeof(err)), "%s", err);
    out->ir = ir;
    out->tb = tb_alloc();
    out->tb->pc = 0x1000;
    out->tb->icount = ir->ninsns;
    out->tb->insn_data = insn_data_of(ir);
    out->tb->ir = ir;
    out->tb->interp_code = interp_lower(ir);
    out->tb->interp_free = interp_code_free;
    JitRegionBlock blk = {.tb = out->tb, .ir = ir, .succ = {-1, -1}, .ptr_succ = -1};
    JitRegionSpec spec = {.id = p->next_id++,
                          .page_bits = TESTCPU_PAGE_BITS,
                          .blocks = &blk,
                          .nblocks = 1,
                          .debug_lines = debug_lines};
    if (!llvm_engine_compile(p->e, &spec, &out->c, err, sizeof(err))) {
        ir_print(ir, stderr);
        cr_assert_fail("%s", err);
    }
}

static void compiled_free(Pair *p, Compiled *c)
{
    llvm_engine_release(p->e, c->c.tracker);
    interp_code_free(c->tb->interp_code);
    free(c->tb->insn_data);
    free(c->tb);
    ir_block_free(c->ir);
}

typedef struct Result {
    bool faulted;
    uint64_t exit; /* native: the raw exit value */
    InterpExit ie; /* interpreter */
} Result;

static Result run_a(TestCpu *tc, TranslationBlock *tb)
{
    volatile Result r = {0};
    tc->cpu.exception_index = EXCP_NONE;
    if (setjmp(tc->cpu.jmp_env) == 0)
        r.ie = interp_exec(&tc->cpu, tb);
    else
        r.faulted = true;
    return r;
}

static Result run_b(TestCpu *tc, const Compiled *c)
{
    volatile Result r = {0};
    tc->cpu.exception_index = EXCP_NONE;
    if (setjmp(tc->cpu.jmp_env) == 0)
        r.exit = c->c.entry(&tc->cpu);
    else
        r.faulted = true;
    return r;
}

/* Run c on both cpus from the state of seed; they must agree. */
static void run_both(Pair *p, const Compiled *c, uint64_t seed, Result *ra, Result *rb)
{
    cpu_prepare(p->a, seed);
    cpu_prepare(p->b, seed);
    *ra = run_a(p->a, c->tb);
    *rb = run_b(p->b, c);
    char diff[256];
    if (!testcpu_state_equal(p->a, p->b, diff, sizeof(diff))) {
        ir_print(c->ir, stderr);
        cr_assert_fail("interpreter and native code differ: %s", diff);
    }
    cr_assert_eq(ra->faulted, rb->faulted);
    cr_assert_eq(p->a->cpu.icount, p->b->cpu.icount);
    if (ra->faulted) cr_assert_eq(p->a->cpu.exception_index, p->b->cpu.exception_index);
}

/* ---- integer ops at their corners ---- */

static uint64_t pick_input(uint64_t *s, IrType t)
{
    uint64_t w = t == IR_I64 ? 64 : 32, sign = UINT64_C(1) << (w - 1);
    uint64_t all = t == IR_I64 ? ~UINT64_C(0) : 0xffffffffu;
    static const uint64_t fixed[] = {0, 1, 2, 7, 31, 32, 33, 63, 64, 65, 100, 0xff00};
    uint64_t r = next_random(s);
    switch (r % 7) {
    case 0:
    case 1: return fixed[(r >> 8) % (sizeof(fixed) / sizeof(fixed[0]))];
    case 2: return all;  /* -1 */
    case 3: return sign; /* INT_MIN */
    case 4: return (r >> 8) & 1 ? sign - 1 : all - 1;
    default: return next_random(s) & all;
    }
}

/* The first rounds are the corners every op must get right: all zeros
 * (clz/ctz of 0, x/0), all ones, INT_MIN / -1, a count of exactly W and
 * above W, a carry-in other than 0/1; then random picks. */
static uint64_t corner_input(unsigned k, unsigned i, IrType t, uint64_t *s)
{
    uint64_t w = t == IR_I64 ? 64 : 32, sign = UINT64_C(1) << (w - 1);
    uint64_t all = t == IR_I64 ? ~UINT64_C(0) : 0xffffffffu;
    uint64_t r = next_random(s) & all;
    switch (k) {
    case 0: return 0;
    case 1: return all;
    case 2: return i == 0 ? sign : all;
    case 3: return i == 1 ? 0 : r;
    case 4: return i == 1 ? w : r;
    case 5: return i == 1 ? w + 1 + (r & 63) : i == 2 ? 2 + (r & 0xfe) : r;
    default: return pick_input(s, t);
    }
}

static IrType in_type(int opc, IrType t)
{
    return opc == IR_trunc ? IR_I64 : (opc == IR_zext || opc == IR_sext) ? IR_I32 : t;
}

static IrType out_type(int opc, IrType t)
{
    return opc == IR_trunc ? IR_I32 : (opc == IR_zext || opc == IR_sext) ? IR_I64 : t;
}

static unsigned size_memop(IrType t)
{
    return t == IR_I64 ? IR_MO_64 : IR_MO_32;
}

static uint32_t bank_off(unsigned word)
{
    return TESTCPU_OFF_BANK + 8 * word;
}

/* ROUNDS instances of opc: inputs from the bank (unknown to LLVM) or, with
 * constants, in the code (LLVM folds them); outputs to the bank. */
static IrBlock *int_op_block(int opc, IrType t, const IrOp *protos, uint64_t in[][4],
                             bool constants)
{
    IrType it = in_type(opc, t), ot = out_type(opc, t);
    unsigned nout = ir_op_defs[opc].nout, nin = ir_op_defs[opc].nin;
    IrBlock *b = ir_block_new(testcpu_globals());
    ir_insn_start(b, 0x1000, 0, 0);
    for (unsigned k = 0; k < ROUNDS; k++) {
        IrVal args[IR_MAX_ARGS];
        for (unsigned j = 0; j < nout; j++)
            args[j] = ir_temp(b, ot);
        for (unsigned i = 0; i < nin; i++) {
            if (constants) {
                args[nout + i] = ir_const(b, it, in[k][i]);
            } else {
                args[nout + i] = ir_temp(b, it);
                ir_ld_env(b, it, args[nout + i], IR_ENV, bank_off(IN_WORD + 4 * k + i),
                          size_memop(it));
            }
        }
        IrOp *op =
            ir_emit(b, (IrOpcode)opc, t, nout + nin, args, ir_op_defs[opc].nimm, protos[k].imm);
        op->type = (uint8_t)t;
        for (unsigned j = 0; j < nout; j++)
            ir_st_env(b, ot, args[j], IR_ENV, bank_off(OUT_WORD + 2 * k + j), size_memop(ot));
    }
    ir_exit_tb(b, IR_EXIT_NORMAL);
    return b;
}

static void fill_inputs(TestCpu *tc, uint64_t in[][4])
{
    for (unsigned k = 0; k < ROUNDS; k++)
        for (unsigned i = 0; i < 4; i++)
            tc->bank[IN_WORD + 4 * k + i] = in[k][i];
    for (unsigned w = OUT_WORD; w < OUT_WORD + 2 * ROUNDS; w++)
        tc->bank[w] = 0;
}

static void check_int_op(Pair *p, int opc, IrType t, uint64_t *s, bool constants)
{
    IrType it = in_type(opc, t), ot = out_type(opc, t);
    unsigned w = t == IR_I64 ? 64 : 32;
    IrOp protos[ROUNDS] = {0};
    for (unsigned k = 0; k < ROUNDS; k++) {
        protos[k] = (IrOp){.opc = (uint16_t)opc, .type = (uint8_t)t};
        if (opc == IR_extract || opc == IR_sextract || opc == IR_deposit) {
            protos[k].imm[0] = (int64_t)(next_random(s) % w);
            protos[k].imm[1] = 1 + (int64_t)(next_random(s) % (w - protos[k].imm[0]));
        } else if (opc == IR_setcond || opc == IR_movcond) {
            protos[k].imm[0] = (int64_t)(next_random(s) % IR_NUM_CONDS);
        }
    }
    uint64_t in[ROUNDS][4];
    unsigned sets = constants ? 1 : INPUT_SETS;
    Compiled c;
    for (unsigned set = 0; set < sets; set++) {
        for (unsigned k = 0; k < ROUNDS; k++)
            for (unsigned i = 0; i < 4; i++)
                in[k][i] = corner_input(k, i, it, s);
        if (set == 0) compile_block(p, int_op_block(opc, t, protos, in, constants), &c, false);
        cpu_prepare(p->a, 1);
        cpu_prepare(p->b, 1);
        fill_inputs(p->a, in);
        fill_inputs(p->b, in);
        Result ra = run_a(p->a, c.tb), rb = run_b(p->b, &c);
        cr_assert(!ra.faulted && !rb.faulted);
        for (unsigned k = 0; k < ROUNDS; k++) {
            uint64_t want[2] = {0, 0};
            cr_assert(ir_eval_int(&protos[k], in[k], want));
            for (unsigned j = 0; j < ir_op_defs[opc].nout; j++) {
                uint64_t mask = ot == IR_I64 ? ~UINT64_C(0) : 0xffffffffu;
                uint64_t got = p->b->bank[OUT_WORD + 2 * k + j] & mask;
                uint64_t ref = p->a->bank[OUT_WORD + 2 * k + j] & mask;
                if (got != want[j] || ref != want[j])
                    cr_assert_fail("%s_%s%s round %u (imm %lld,%lld) inputs 0x%llx 0x%llx 0x%llx "
                                   "0x%llx: output %u native 0x%llx, interpreter 0x%llx, "
                                   "ir_eval 0x%llx",
                                   ir_op_defs[opc].name, t == IR_I64 ? "i64" : "i32",
                                   constants ? " (constants)" : "", k, (long long)protos[k].imm[0],
                                   (long long)protos[k].imm[1], (unsigned long long)in[k][0],
                                   (unsigned long long)in[k][1], (unsigned long long)in[k][2],
                                   (unsigned long long)in[k][3], j, (unsigned long long)got,
                                   (unsigned long long)ref, (unsigned long long)want[j]);
            }
        }
    }
    compiled_free(p, &c);
}

static bool evaluable(int opc)
{
    uint32_t fl = ir_op_defs[opc].flags;
    if (opc == IR_trunc || opc == IR_zext || opc == IR_sext) return true;
    return (fl & IR_OPF_INT) && !(fl & (IR_OPF_MEM | IR_OPF_BRANCH)) && opc != IR_ld_env &&
           opc != IR_st_env;
}

Test(llvm_ops, every_integer_op_at_its_corners, .timeout = 300)
{
    Pair *p = pair_new(NULL);
    uint64_t s = 4242;
    unsigned checked = 0;
    for (int opc = 0; opc < IR_NUM_OPS; opc++) {
        if (!evaluable(opc)) continue;
        for (int k = 0; k < 2; k++) {
            IrType t = k ? IR_I64 : IR_I32;
            if (opc == IR_bswap64 && t == IR_I32) continue;
            if (opc == IR_trunc && k) continue;
            if ((opc == IR_zext || opc == IR_sext) && !k) continue;
            check_int_op(p, opc, t, &s, false);
            check_int_op(p, opc, t, &s, true);
            checked++;
        }
    }
    cr_assert_gt(checked, 80);
    pair_free(p);
}

/* ---- floating point: the interpreter's functions, same arguments ---- */

static uint64_t pick_fp(uint64_t *s, int fmt)
{
    static const uint64_t f32[] = {0,          0x80000000, 0x7f800000, 0xff800000,
                                   0x7fc00000, 0x7f800001, 0x00000001, 0x3f800000,
                                   0x7f7fffff, 0x00800000, 0xbf800000, 0x4b000001};
    static const uint64_t f64[] = {0,
                                   UINT64_C(0x8000000000000000),
                                   UINT64_C(0x7ff0000000000000),
                                   UINT64_C(0xfff0000000000000),
                                   UINT64_C(0x7ff8000000000000),
                                   UINT64_C(0x7ff0000000000001),
                                   1,
                                   UINT64_C(0x3ff0000000000000),
                                   UINT64_C(0x7fefffffffffffff),
                                   UINT64_C(0x0010000000000000),
                                   UINT64_C(0xc3e0000000000000),
                                   UINT64_C(0x4330000000000001)};
    uint64_t r = next_random(s);
    bool special = r % 3 == 0;
    switch (fmt) {
    case IR_FMT_F32: return special ? f32[(r >> 8) % 12] : (uint32_t)next_random(s);
    case IR_FMT_F64: return special ? f64[(r >> 8) % 12] : next_random(s);
    case IR_FMT_S32:
    case IR_FMT_U32: return special ? (uint32_t)f32[(r >> 8) % 12] : (uint32_t)next_random(s);
    default: return special ? f64[(r >> 8) % 12] : next_random(s) >> (r % 64);
    }
}

static bool fmt_64(int fmt)
{
    return fmt == IR_FMT_F64 || fmt == IR_FMT_S64 || fmt == IR_FMT_U64;
}

static IrType fmt_type(int fmt)
{
    return fmt_64(fmt) ? IR_I64 : IR_I32;
}

/* A value of type t read from bank word w (unknown to LLVM). */
static IrVal bank_value(IrBlock *b, IrType t, unsigned w)
{
    IrVal v = ir_temp(b, t);
    ir_ld_env(b, t, v, IR_ENV, bank_off(w), size_memop(t));
    return v;
}

static void bank_store(IrBlock *b, IrType t, IrVal v, unsigned w)
{
    ir_st_env(b, t, v, IR_ENV, bank_off(w), size_memop(t));
}

/* An f80 operand: slot n (16 bytes) of the scratch area. */
static IrVal f80_slot(IrBlock *b, unsigned n)
{
    IrVal p = ir_temp(b, IR_PTR);
    ir_ptr_add(b, p, IR_ENV, ir_i64(b, TESTCPU_OFF_SCRATCH + 16 * (n % 16)));
    return p;
}

/* Every FP opcode in every format: kind 0 the f32/f64 arithmetic and
 * compares, 1 the conversions, 2 the x87 ops. */
static IrBlock *fp_block(uint64_t *s, TestCpu *init, int kind)
{
    IrBlock *b = ir_block_new(testcpu_globals());
    ir_insn_start(b, 0x1000, 0, 0);
    unsigned w = 0, out = OUT_WORD;
#define IN(t, fmt) (init->bank[w] = pick_fp(s, fmt), bank_value(b, t, w++))
#define RM()                                                                                       \
    (init->bank[w] = next_random(s) % 6 == 5 ? 7 : next_random(s) % 5, bank_value(b, IR_I32, w++))
    static const IrOpcode arith[] = {IR_fadd, IR_fsub, IR_fmul, IR_fdiv, IR_fsqrt, IR_fma};
    for (int fmt = IR_FMT_F32; kind == 0 && fmt <= IR_FMT_F64; fmt++) {
        IrType t = fmt_type(fmt);
        for (unsigned i = 0; i < 6; i++) {
            IrOpcode opc = arith[i];
            unsigned nin = ir_op_defs[opc].nin;
            IrVal args[6] = {ir_temp(b, t), ir_temp(b, IR_I32)};
            for (unsigned k = 0; k + 1 < nin; k++)
                args[2 + k] = IN(t, fmt);
            args[1 + nin] = RM();
            ir_emit(b, opc, t, 2 + nin, args, 1, (int64_t[]){fmt});
            bank_store(b, t, args[0], out++);
            bank_store(b, IR_I32, args[1], out++);
        }
        IrVal cmp[4] = {ir_temp(b, IR_I32), ir_temp(b, IR_I32), IN(t, fmt), IN(t, fmt)};
        ir_emit(b, IR_fcmp, IR_I32, 4, cmp, 2, (int64_t[]){fmt, (int64_t)(next_random(s) & 1)});
        bank_store(b, IR_I32, cmp[0], out++);
        bank_store(b, IR_I32, cmp[1], out++);
    }
    for (int from = IR_FMT_F32; kind == 1 && from <= IR_FMT_U64; from++) {
        for (int to = IR_FMT_F32; to <= IR_FMT_U64; to++) {
            if (from > IR_FMT_F64 && to > IR_FMT_F64) continue;
            if (from == to) continue;
            IrVal args[4] = {ir_temp(b, fmt_type(to)), ir_temp(b, IR_I32), IN(fmt_type(from), from),
                             RM()};
            ir_emit(b, IR_fcvt, fmt_type(to), 4, args, 2, (int64_t[]){from, to});
            bank_store(b, fmt_type(to), args[0], out++);
            bank_store(b, IR_I32, args[1], out++);
        }
    }
    /* x87: f80 values in scratch slots 0..15, results back into them. */
    static const IrOpcode f80[] = {IR_f80_add, IR_f80_sub, IR_f80_mul, IR_f80_div, IR_f80_sqrt};
    unsigned slot = 0;
    for (unsigned i = 0; kind == 2 && i < 5; i++) {
        unsigned nin = ir_op_defs[f80[i]].nin;
        IrVal args[5] = {ir_temp(b, IR_I32), f80_slot(b, slot + 8), f80_slot(b, slot)};
        if (nin == 4) args[3] = f80_slot(b, slot + 1);
        args[nin] = RM();
        ir_emit(b, f80[i], IR_VOID, 1 + nin, args, 0, NULL);
        bank_store(b, IR_I32, args[0], out++);
        slot += 2;
    }
    if (kind == 2) {
        IrVal cmp[4] = {ir_temp(b, IR_I32), ir_temp(b, IR_I32), f80_slot(b, 3), f80_slot(b, 4)};
        ir_emit(b, IR_f80_cmp, IR_I32, 4, cmp, 1, (int64_t[]){(int64_t)(next_random(s) & 1)});
        bank_store(b, IR_I32, cmp[0], out++);
        bank_store(b, IR_I32, cmp[1], out++);
    }
    for (int fmt = IR_FMT_F32; kind == 2 && fmt <= IR_FMT_U64; fmt++) {
        IrVal exc = ir_temp(b, IR_I32);
        IrVal from[4] = {exc, f80_slot(b, 10 + fmt), IN(fmt_type(fmt), fmt), RM()};
        ir_emit(b, IR_f80_from, IR_VOID, 4, from, 1, (int64_t[]){fmt});
        IrVal to[4] = {ir_temp(b, fmt_type(fmt)), ir_temp(b, IR_I32), f80_slot(b, fmt), RM()};
        ir_emit(b, IR_f80_to, fmt_type(fmt), 4, to, 1, (int64_t[]){fmt});
        ir_op2(b, IR_xor, IR_I32, exc, exc, to[1]);
        bank_store(b, fmt_type(fmt), to[0], out++);
        bank_store(b, IR_I32, exc, out++);
    }
    cr_assert_leq(w, OUT_WORD);
    cr_assert_leq(out, 128);
#undef IN
#undef RM
    ir_exit_tb(b, IR_EXIT_NORMAL);
    return b;
}

/* x87 operands: specials (zero, infinity, NaNs, denormal, unnormal,
 * pseudo-NaN) and random normal values. */
static void fill_f80(uint8_t *scratch, uint64_t *s)
{
    static const struct {
        uint64_t mant;
        uint16_t se;
    } special[] = {
        {0, 0},
        {UINT64_C(0x8000000000000000), 0x7fff},
        {UINT64_C(0xc000000000000000), 0xffff},
        {UINT64_C(0x8000000000000001), 0x7fff},
        {1, 0},
        {UINT64_C(0x4000000000000000), 0x3fff},
        {UINT64_C(0x4000000000000000), 0x7fff},
        {UINT64_C(0x8000000000000000), 0x3fff},
    };
    for (unsigned n = 0; n < 16; n++) {
        uint64_t r = next_random(s), mant;
        uint16_t se;
        if (r % 3 == 0) {
            mant = special[(r >> 8) % 8].mant;
            se = special[(r >> 8) % 8].se ^ (uint16_t)((r >> 20 & 1) << 15);
        } else {
            mant = next_random(s) | UINT64_C(0x8000000000000000);
            se = (uint16_t)(0x3fff + (int)(r >> 8) % 80 - 40) | (uint16_t)((r >> 20 & 1) << 15);
        }
        memcpy(scratch + 16 * n, &mant, 8);
        memcpy(scratch + 16 * n + 8, &se, 2);
    }
}

Test(llvm_ops, fp_ops_round_and_flag_as_the_interpreter, .timeout = 300)
{
    Pair *p = pair_new(NULL);
    uint64_t s = 99;
    for (unsigned round = 0; round < 36; round++) {
        TestCpu *init = testcpu_new();
        cpu_prepare(init, round);
        IrBlock *ir = fp_block(&s, init, (int)(round % 3));
        Compiled c;
        compile_block(p, ir, &c, round == 0);
        uint8_t f80s[256];
        fill_f80(f80s, &s);
        cpu_prepare(p->a, round);
        cpu_prepare(p->b, round);
        for (TestCpu *tc = p->a;; tc = p->b) {
            memcpy(tc->bank, init->bank, sizeof(tc->bank));
            memcpy(tc->scratch, f80s, sizeof(f80s));
            if (tc == p->b) break;
        }
        Result ra = run_a(p->a, c.tb), rb = run_b(p->b, &c);
        cr_assert(!ra.faulted && !rb.faulted);
        char diff[256];
        if (!testcpu_state_equal(p->a, p->b, diff, sizeof(diff))) {
            ir_print(ir, stderr);
            cr_assert_fail("round %u: %s", round, diff);
        }
        /* The block wrote its results (exc words are never all zero). */
        uint64_t any = 0;
        for (unsigned w = OUT_WORD; w < 128; w++)
            any |= p->b->bank[w] != init->bank[w];
        cr_assert(any);
        compiled_free(p, &c);
        testcpu_free(init);
    }
    pair_free(p);
}

/* ---- exits: the encoding of jit_region.h ---- */

Test(llvm_ops, exits_encode_the_tb_kind_and_code)
{
    Pair *p = pair_new(NULL);
    struct {
        int kind; /* 0/1 goto_tb slot, 2 goto_ptr, 3 + code exit_tb */
        unsigned want_kind, want_code;
    } cases[] = {
        {0, JIT_EXIT_SLOT0, 0},
        {1, JIT_EXIT_SLOT1, 0},
        {2, JIT_EXIT_PTR, 0},
        {3 + IR_EXIT_NORMAL, JIT_EXIT_CODE, IR_EXIT_NORMAL},
        {3 + IR_EXIT_HALT, JIT_EXIT_CODE, IR_EXIT_HALT},
        {3 + IR_EXIT_REQUEST, JIT_EXIT_CODE, IR_EXIT_REQUEST},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        IrBlock *b = ir_block_new(testcpu_globals());
        ir_insn_start(b, 0x1000, 0, 0);
        ir_op2(b, IR_add, IR_I64, TC_R(1), TC_R(1), TC_R(2));
        ir_insn_start(b, 0x1004, 0, 0);
        if (cases[i].kind < 2)
            ir_goto_tb(b, (unsigned)cases[i].kind);
        else if (cases[i].kind == 2)
            ir_goto_ptr(b);
        else
            ir_exit_tb(b, (IrExitCode)(cases[i].kind - 3));
        Compiled c;
        compile_block(p, b, &c, false);
        Result ra, rb;
        run_both(p, &c, i, &ra, &rb);
        cr_assert_eq(rb.exit, jit_exit_value(c.tb, cases[i].want_kind, cases[i].want_code),
                     "case %u: exit 0x%llx", i, (unsigned long long)rb.exit);
        cr_assert_eq(ra.ie.last_tb, c.tb);
        cr_assert_eq(p->b->cpu.icount, 2);
        compiled_free(p, &c);
    }
    pair_free(p);
}

/* ---- guest RAM through host addresses ---- */

/* host_range gives RAM inside one page and 0 for a range crossing one;
 * ld_host/st_host honour size, sign and byte order. */
Test(llvm_ops, host_range_maps_one_page_and_host_accesses_keep_byte_order)
{
    Pair *p = pair_new(NULL);
    IrBlock *b = ir_block_new(testcpu_globals());
    ir_insn_start(b, 0x1000, 0, 0);
    IrVal h = ir_temp(b, IR_I64), cross = ir_temp(b, IR_I64), next = ir_temp(b, IR_I64);
    uint32_t skip = ir_label_new(b);
    ir_host_range(b, h, ir_i64(b, 0x2004), 16, 0, true);
    ir_setcond(b, IR_I64, IR_NE, TC_R(0), h, ir_i64(b, 0));
    ir_brcond(b, IR_I64, IR_EQ, h, ir_i64(b, 0), skip);
    ir_st_host(b, IR_I64, TC_R(1), h, 0, IR_MO_64 | IR_MO_BE);
    ir_ld_host(b, IR_I64, TC_R(2), h, 0, IR_MO_32);
    ir_ld_host(b, IR_I32, TC_W(3), h, 7, IR_MO_8 | IR_MO_SIGN);
    ir_st_host(b, IR_I32, TC_W(4), h, 12, IR_MO_16 | IR_MO_BE);
    ir_label(b, skip);
    ir_insn_start(b, 0x1004, 0, 0);
    ir_host_range(b, cross, TC_W(5), 16, 0, false); /* 0x2ff8: crosses */
    ir_setcond(b, IR_I64, IR_NE, TC_R(4), cross, ir_i64(b, 0));
    ir_host_range(b, next, ir_i32(b, 0x3000), 8, 1, false);
    ir_setcond(b, IR_I64, IR_NE, TC_R(5), next, ir_i64(b, 0));
    ir_exit_tb(b, IR_EXIT_NORMAL);
    Compiled c;
    compile_block(p, b, &c, false);
    for (uint64_t seed = 1; seed <= 4; seed++) {
        for (int k = 0; k < 2; k++) {
            TestCpu *tc = k ? p->b : p->a;
            cpu_prepare(tc, seed);
            tc->w[5] = 0x2ff8;
        }
        TestCpu *fresh = testcpu_new();
        cpu_prepare(fresh, seed);
        Result ra = run_a(p->a, c.tb), rb = run_b(p->b, &c);
        cr_assert(!ra.faulted && !rb.faulted);
        char diff[256];
        cr_assert(testcpu_state_equal(p->a, p->b, diff, sizeof(diff)), "%s", diff);
        TestCpu *tc = p->b;
        uint64_t r1 = fresh->r[1];
        const uint8_t *ram = testcpu_ram(tc);
        for (unsigned i = 0; i < 8; i++)
            cr_assert_eq(ram[0x2004 + i], (uint8_t)(r1 >> (56 - 8 * i)), "byte %u", i);
        cr_assert_eq(ram[0x2010], (uint8_t)(fresh->w[4] >> 8));
        cr_assert_eq(ram[0x2011], (uint8_t)fresh->w[4]);
        cr_assert_eq(tc->r[0], 1);
        cr_assert_eq(tc->r[2], __builtin_bswap32((uint32_t)(r1 >> 32)));
        cr_assert_eq(tc->w[3], (uint32_t)(int32_t)(int8_t)r1);
        cr_assert_eq(tc->r[4], 0, "a range crossing a page has no host address");
        cr_assert_eq(tc->r[5], 1);
        testcpu_free(fresh);
    }
    compiled_free(p, &c);
    pair_free(p);
}

/* ---- helpers: NORETURN, pointer arguments ---- */

#define EXCP_DIE 33

static uint64_t h_die(CPUState *cpu, uint64_t a)
{
    ((TestCpu *)cpu)->w[9] = (uint32_t)a; /* seen with the state written back */
    cpu_raise_exception(cpu, EXCP_DIE);
}

static uint64_t h_peek(CPUState *cpu, uint64_t p, uint64_t add)
{
    uint64_t v;
    memcpy(&v, (const void *)(uintptr_t)p, 8);
    return v + add;
}

static const IrHelper die_helper = {
    "die", (void (*)(void))h_die, IR_CALL_NORETURN | IR_CALL_MAY_RAISE, IR_VOID, 1, {IR_I32}};
static const IrHelper peek_helper = {"peek", (void (*)(void))h_peek, IR_CALL_PURE, IR_I64,
                                     2,      {IR_PTR, IR_I32}};

Test(llvm_ops, noreturn_helper_raises_with_the_state_written_back)
{
    Pair *p = pair_new(NULL);
    IrBlock *b = ir_block_new(testcpu_globals());
    ir_insn_start(b, 0x1000, 0, 0);
    ir_op2(b, IR_add, IR_I64, TC_R(0), TC_R(0), ir_i64(b, 1));
    IrVal bank1 = ir_temp(b, IR_PTR), peeked = ir_temp(b, IR_I64);
    ir_ptr_add(b, bank1, IR_ENV, ir_i64(b, bank_off(1)));
    ir_call(b, &peek_helper, peeked, (IrVal[]){bank1, TC_W(2)});
    ir_mov(b, IR_I64, TC_R(3), peeked);
    ir_insn_start(b, 0x1004, 0, 0);
    ir_call(b, &die_helper, IR_NONE, (IrVal[]){TC_W(1)});
    ir_op2(b, IR_add, IR_I64, TC_R(1), TC_R(1), ir_i64(b, 7)); /* unreachable */
    uint32_t l = ir_label_new(b);
    ir_label(b, l);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    Compiled c;
    compile_block(p, b, &c, false);
    Result ra, rb;
    run_both(p, &c, 3, &ra, &rb);
    TestCpu *tc = p->b;
    cr_assert(rb.faulted);
    cr_assert_eq(tc->cpu.exception_index, EXCP_DIE);
    cr_assert_eq(tc->cpu.pc, 0x1004);
    cr_assert_eq(tc->w[9], tc->w[1]);
    cr_assert_eq(tc->r[3], tc->bank[1] + tc->w[2]);
    TestCpu *fresh = testcpu_new();
    cpu_prepare(fresh, 3);
    cr_assert_eq(tc->r[0], fresh->r[0] + 1);
    cr_assert_eq(tc->r[1], fresh->r[1], "the op after the NORETURN call ran");
    testcpu_free(fresh);
    compiled_free(p, &c);
    pair_free(p);
}

/* ---- goto_ptr continues in native code through the jump cache ---- */

Test(llvm_ops, goto_ptr_tail_calls_the_next_tbs_native_code)
{
    Pair *p = pair_new(NULL);
    IrBlock *from = ir_block_new(testcpu_globals());
    ir_insn_start(from, 0x1000, 0, 0);
    ir_op2(from, IR_add, IR_I64, TC_R(4), TC_R(4), ir_i64(from, 1));
    ir_mov(from, IR_I64, TC_PC, ir_i64(from, 0x2000));
    ir_goto_ptr(from);
    IrBlock *to = ir_block_new(testcpu_globals());
    ir_insn_start(to, 0x2000, 0, 0);
    ir_op2(to, IR_add, IR_I64, TC_R(5), TC_R(5), TC_R(4));
    ir_insn_start(to, 0x2004, 0, 0);
    ir_exit_tb(to, IR_EXIT_HALT);
    Compiled cf, ct;
    compile_block(p, from, &cf, false);
    compile_block(p, to, &ct, false);
    ct.tb->pc = 0x2000;
    TranslationBlock **cache_a = calloc(TB_JMP_CACHE_SIZE, sizeof(*cache_a));
    TranslationBlock **cache_b = calloc(TB_JMP_CACHE_SIZE, sizeof(*cache_b));
    cache_a[tb_jmp_cache_hash(0x2000)] = cache_b[tb_jmp_cache_hash(0x2000)] = ct.tb;
    p->a->cpu.jmp_cache = cache_a;
    p->b->cpu.jmp_cache = cache_b;

    /* The interpreter chains to the TB; the native code tail-calls its
     * code, which returns its own exit. */
    Result ra, rb;
    cpu_prepare(p->a, 8);
    ra = run_a(p->a, cf.tb);
    ct.tb->native = (void *)ct.c.entry;
    cpu_prepare(p->b, 8);
    rb = run_b(p->b, &cf);
    char diff[256];
    cr_assert(testcpu_state_equal(p->a, p->b, diff, sizeof(diff)), "%s", diff);
    cr_assert_eq(ra.ie.last_tb, ct.tb);
    cr_assert_eq(ra.ie.code, IR_EXIT_HALT);
    cr_assert_eq(rb.exit, jit_exit_value(ct.tb, JIT_EXIT_CODE, IR_EXIT_HALT));
    cr_assert_eq(p->b->cpu.icount, 3);

    /* An exit request stops it at the goto_ptr. */
    cpu_prepare(p->b, 8);
    atomic_store(&p->b->cpu.exit_request, 1);
    rb = run_b(p->b, &cf);
    cr_assert_eq(rb.exit, jit_exit_value(cf.tb, JIT_EXIT_PTR, 0));
    cr_assert_eq(p->b->cpu.icount, 1);
    cr_assert_eq(p->b->cpu.pc, 0x2000);

    ct.tb->native = NULL;
    p->a->cpu.jmp_cache = p->b->cpu.jmp_cache = NULL;
    free(cache_a);
    free(cache_b);
    compiled_free(p, &cf);
    compiled_free(p, &ct);
    pair_free(p);
}

/* ---- -d out_asm ---- */

Test(llvm_ops, out_asm_marks_guest_instructions_with_debug_lines)
{
    FILE *out = tmpfile();
    cr_assert(out);
    Pair *p = pair_new(out);
    IrBlock *b = ir_block_new(testcpu_globals());
    ir_insn_start(b, 0x1000, 0, 0);
    ir_op2(b, IR_mul, IR_I64, TC_R(1), TC_R(1), TC_R(2));
    ir_insn_start(b, 0x1004, 0, 0);
    IrVal addr = ir_temp(b, IR_I64);
    ir_op2(b, IR_and, IR_I64, addr, TC_R(3), ir_i64(b, 0xff8));
    ir_ld(b, IR_I64, TC_R(4), addr, IR_MO_64 | IR_MO_BE, 0);
    ir_insn_start(b, 0x1008, 0, 0);
    ir_op2(b, IR_xor, IR_I64, TC_R(5), TC_R(4), TC_R(1));
    ir_goto_tb(b, 0);
    Compiled c;
    compile_block(p, b, &c, true);
    Result ra, rb;
    run_both(p, &c, 11, &ra, &rb);
    long with_lines = ftell(out);

    IrBlock *b2 = ir_block_clone(b);
    Compiled c2;
    compile_block(p, b2, &c2, false);
    long end = ftell(out);
    char *text = calloc(1, (size_t)end + 2);
    rewind(out);
    cr_assert_eq(fread(text, 1, (size_t)with_lines, out), (size_t)with_lines);
    char *second = text + with_lines + 1; /* after the first part's terminator */
    cr_assert_eq(fread(second, 1, (size_t)(end - with_lines), out), (size_t)(end - with_lines));
    cr_assert(strstr(text, "OUT: [region"), "%s", text);
    cr_assert(strstr(text, "-- guest insn 1 (TB 0, pc 0x1000)"), "%s", text);
    cr_assert(strstr(text, "-- guest insn 2 (TB 0, pc 0x1004)"), "%s", text);
    cr_assert(strstr(text, "-- guest insn 3 (TB 0, pc 0x1008)"), "%s", text);
    cr_assert(strstr(text, "  0x"), "no instructions: %s", text);
    cr_assert(strstr(second, "OUT: [region"), "%s", second);
    cr_assert_null(strstr(second, "-- guest insn"), "%s", second);
    free(text);
    compiled_free(p, &c);
    compiled_free(p, &c2);
    pair_free(p);
    fclose(out);
}
