/*
 * Interpreter semantics of every integer, memory, cpu-state, control and
 * call op (ir/README.md), table-driven, through the test cpu.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <string.h>

#include "ir/ir_eval.h"
#include "tests/unit/testcpu.h"

static TestCpu *tc;

static void setup(void)
{
    tc = testcpu_new();
    testcpu_reset(tc, 1);
}
static void teardown(void)
{
    testcpu_free(tc);
}

TestSuite(interp_ops, .init = setup, .fini = teardown);

#define M32   UINT64_C(0xffffffff)
#define M64   UINT64_C(0xffffffffffffffff)
#define MIN32 UINT64_C(0x80000000)
#define MIN64 UINT64_C(0x8000000000000000)
#define I32   IR_I32
#define I64   IR_I64

/* ---- helpers ---- */

static IrBlock *new_block(void)
{
    IrBlock *b = ir_block_new(testcpu_globals());
    ir_insn_start(b, 0x1000, 0, 0);
    return b;
}

/* Run b (adding exit_tb if it has no exit yet), free it, return the code. */
static int run(IrBlock *b)
{
    if (b->nops == 0 || !(ir_op_defs[b->ops[b->nops - 1].opc].flags & IR_OPF_EXIT))
        ir_exit_tb(b, IR_EXIT_NORMAL);
    int r = testcpu_run(tc, b);
    cr_assert_neq(r, TESTCPU_RUN_INVALID, "block does not verify: %s", tc->error);
    ir_block_free(b);
    return r;
}

static IrVal reg(IrType t, unsigned n)
{
    return testcpu_reg(t, n);
}
static void set_reg(IrType t, unsigned n, uint64_t v)
{
    testcpu_set_reg(tc, t, n, v);
}
static uint64_t get_reg(IrType t, unsigned n)
{
    return testcpu_get_reg(tc, t, n);
}
static uint64_t mask(IrType t, uint64_t v)
{
    return t == I64 ? v : (uint32_t)v;
}
static const char *tname(IrType t)
{
    return t == I64 ? "i64" : "i32";
}

/* How the inputs reach the op. */
enum {
    V_REGS,    /* globals in, global out */
    V_IMM,     /* last input a constant (immediate form where there is one) */
    V_CONST_A, /* first input a constant (materialised) */
    V_TEMPS,   /* temps in and out */
    V_COUNT
};

/* d = opc(inputs...) with n inputs (1 or 2), in the given variant. */
static uint64_t eval_op(IrOpcode opc, IrType t, unsigned n, const uint64_t *in, int variant,
                        const int64_t *imm, unsigned nimm)
{
    IrBlock *b = new_block();
    IrVal args[3];
    IrVal d = reg(t, 0);
    set_reg(t, 0, 0x5a5a5a5a5a5a5a5a);
    for (unsigned i = 0; i < n; i++) {
        set_reg(t, 1 + i, in[i]);
        args[1 + i] = reg(t, 1 + i);
    }
    if (variant == V_IMM) args[n] = ir_const(b, t, in[n - 1]);
    if (variant == V_CONST_A) args[1] = ir_const(b, t, in[0]);
    if (variant == V_TEMPS) {
        for (unsigned i = 0; i < n; i++) {
            IrVal tmp = ir_temp(b, t);
            ir_mov(b, t, tmp, args[1 + i]);
            args[1 + i] = tmp;
        }
        d = ir_temp(b, t);
    }
    args[0] = d;
    ir_emit(b, opc, t, n + 1, args, nimm, imm);
    if (variant == V_TEMPS) ir_mov(b, t, reg(t, 0), d);
    cr_assert_eq(run(b), IR_EXIT_NORMAL);
    for (unsigned i = 0; i < n; i++)
        cr_assert_eq(get_reg(t, 1 + i), mask(t, in[i]), "input register clobbered");
    return get_reg(t, 0);
}

/* ---- binary ops ---- */

typedef struct BinCase {
    IrOpcode op;
    IrType t;
    uint64_t a, b, expect;
} BinCase;

static const BinCase bin_cases[] = {
    {IR_add, I32, M32, 1, 0},
    {IR_add, I32, 0x7fffffff, 1, MIN32},
    {IR_add, I64, M64, 1, 0},
    {IR_add, I64, 0xffffffff, 1, 0x100000000},
    {IR_sub, I32, 0, 1, M32},
    {IR_sub, I64, 0, 1, M64},
    {IR_sub, I64, 0x100000000, 1, 0xffffffff},
    {IR_mul, I32, 0x10000, 0x10000, 0},
    {IR_mul, I32, M32, M32, 1},
    {IR_mul, I64, 0x100000000, 0x100000000, 0},
    {IR_mul, I64, 3, M64, M64 - 2},
    {IR_and, I32, 0xf0f0f0f0, 0x3c3c3c3c, 0x30303030},
    {IR_and, I64, M64, 0x123456789abcdef0, 0x123456789abcdef0},
    {IR_or, I32, 0xf0f0f0f0, 0x0f0f0f0f, M32},
    {IR_or, I64, 0x8000000000000000, 1, 0x8000000000000001},
    {IR_xor, I32, M32, 0x0f0f0f0f, 0xf0f0f0f0},
    {IR_xor, I64, M64, M64, 0},
    {IR_andc, I32, M32, 0x0000ffff, 0xffff0000},
    {IR_andc, I64, 0xff, M64, 0},
    {IR_orc, I32, 0, 0x0000ffff, 0xffff0000},
    {IR_orc, I64, 1, M64, 1},
    /* shifts: by 0, by W-1, and counts taken mod W */
    {IR_shl, I32, 1, 0, 1},
    {IR_shl, I32, 1, 31, MIN32},
    {IR_shl, I32, 1, 32, 1},
    {IR_shl, I32, 0x80000001, 1, 2},
    {IR_shl, I64, 1, 63, MIN64},
    {IR_shl, I64, 1, 64, 1},
    {IR_shl, I64, 3, 65, 6},
    {IR_shl, I64, 0xffffffff, 32, 0xffffffff00000000},
    {IR_shr, I32, MIN32, 31, 1},
    {IR_shr, I32, MIN32, 0, MIN32},
    {IR_shr, I32, MIN32, 32, MIN32},
    {IR_shr, I64, MIN64, 63, 1},
    {IR_shr, I64, MIN64, 0, MIN64},
    {IR_shr, I64, M64, 32, 0xffffffff},
    {IR_sar, I32, MIN32, 31, M32},
    {IR_sar, I32, MIN32, 0, MIN32},
    {IR_sar, I32, 0x40000000, 30, 1},
    {IR_sar, I32, MIN32, 33, 0xc0000000},
    {IR_sar, I64, MIN64, 63, M64},
    {IR_sar, I64, MIN64, 0, MIN64},
    {IR_sar, I64, 0x4000000000000000, 62, 1},
    {IR_sar, I64, 0x80000000, 31, 1},
    {IR_rotl, I32, 0x80000001, 1, 3},
    {IR_rotl, I32, 0x12345678, 0, 0x12345678},
    {IR_rotl, I32, 0x80000001, 31, 0xc0000000},
    {IR_rotl, I32, 0x12345678, 32, 0x12345678},
    {IR_rotl, I64, MIN64 | 1, 1, 3},
    {IR_rotl, I64, 0x0123456789abcdef, 0, 0x0123456789abcdef},
    {IR_rotl, I64, MIN64 | 1, 63, 0xc000000000000000},
    {IR_rotr, I32, 3, 1, 0x80000001},
    {IR_rotr, I32, 1, 31, 2},
    {IR_rotr, I32, 0x12345678, 0, 0x12345678},
    {IR_rotr, I64, 3, 1, MIN64 | 1},
    {IR_rotr, I64, 1, 63, 2},
    {IR_rotr, I64, 0x0123456789abcdef, 64, 0x0123456789abcdef},
    /* high halves of products */
    {IR_mulh_s, I32, MIN32, MIN32, 0x40000000},
    {IR_mulh_s, I32, M32, M32, 0},
    {IR_mulh_s, I32, M32, 1, M32},
    {IR_mulh_s, I32, 0x7fffffff, 0x7fffffff, 0x3fffffff},
    {IR_mulh_s, I64, MIN64, MIN64, 0x4000000000000000},
    {IR_mulh_s, I64, M64, 1, M64},
    {IR_mulh_s, I64, M64 - 1, 3, M64},
    {IR_mulh_u, I32, M32, M32, 0xfffffffe},
    {IR_mulh_u, I32, MIN32, 2, 1},
    {IR_mulh_u, I64, M64, M64, M64 - 1},
    {IR_mulh_u, I64, MIN64, 2, 1},
    /* division corner cases (README: total definitions) */
    {IR_div_s, I32, 7, 2, 3},
    {IR_div_s, I32, (uint32_t)-7, 2, (uint32_t)-3},
    {IR_div_s, I32, 7, (uint32_t)-2, (uint32_t)-3},
    {IR_div_s, I32, MIN32, M32, MIN32},
    {IR_div_s, I32, 5, 0, 0},
    {IR_div_s, I64, (uint64_t)-7, 2, (uint64_t)-3},
    {IR_div_s, I64, MIN64, M64, MIN64},
    {IR_div_s, I64, 5, 0, 0},
    {IR_div_s, I64, 0x80000000, M64, 0xffffffff80000000},
    {IR_div_u, I32, M32, 2, 0x7fffffff},
    {IR_div_u, I32, 5, 0, 0},
    {IR_div_u, I64, M64, 0x10, 0x0fffffffffffffff},
    {IR_div_u, I64, 5, 0, 0},
    {IR_rem_s, I32, (uint32_t)-7, 2, M32},
    {IR_rem_s, I32, 7, (uint32_t)-2, 1},
    {IR_rem_s, I32, MIN32, M32, 0},
    {IR_rem_s, I32, 5, 0, 5},
    {IR_rem_s, I64, (uint64_t)-7, 3, M64},
    {IR_rem_s, I64, MIN64, M64, 0},
    {IR_rem_s, I64, 9, 0, 9},
    {IR_rem_u, I32, M32, 10, 5},
    {IR_rem_u, I32, 5, 0, 5},
    {IR_rem_u, I64, M64, 10, 5},
    {IR_rem_u, I64, 9, 0, 9},
};

Test(interp_ops, binary_ops_table)
{
    for (size_t i = 0; i < sizeof(bin_cases) / sizeof(bin_cases[0]); i++) {
        const BinCase *c = &bin_cases[i];
        for (int v = 0; v < V_COUNT; v++) {
            uint64_t in[2] = {c->a, c->b};
            uint64_t got = eval_op(c->op, c->t, 2, in, v, NULL, 0);
            cr_expect_eq(got, c->expect,
                         "%s_%s(0x%" PRIx64 ", 0x%" PRIx64 ") variant %d = 0x%" PRIx64
                         ", expected 0x%" PRIx64,
                         ir_op_defs[c->op].name, tname(c->t), c->a, c->b, v, got, c->expect);
        }
    }
}

/* ---- unary ops ---- */

typedef struct UnCase {
    IrOpcode op;
    IrType t;
    uint64_t a, expect;
} UnCase;

static const UnCase un_cases[] = {
    {IR_mov, I32, 0x89abcdef, 0x89abcdef},
    {IR_mov, I64, 0x0123456789abcdef, 0x0123456789abcdef},
    {IR_neg, I32, MIN32, MIN32},
    {IR_neg, I32, 1, M32},
    {IR_neg, I64, 1, M64},
    {IR_neg, I64, 0, 0},
    {IR_not, I32, 0, M32},
    {IR_not, I64, 0x00ff, 0xffffffffffffff00},
    {IR_clz, I32, 0, 32},
    {IR_clz, I32, M32, 0},
    {IR_clz, I32, 1, 31},
    {IR_clz, I64, 0, 64},
    {IR_clz, I64, M64, 0},
    {IR_clz, I64, 1, 63},
    {IR_clz, I64, 0xffffffff, 32},
    {IR_ctz, I32, 0, 32},
    {IR_ctz, I32, M32, 0},
    {IR_ctz, I32, MIN32, 31},
    {IR_ctz, I64, 0, 64},
    {IR_ctz, I64, M64, 0},
    {IR_ctz, I64, MIN64, 63},
    {IR_ctz, I64, 0x100000000, 32},
    {IR_popcnt, I32, 0, 0},
    {IR_popcnt, I32, M32, 32},
    {IR_popcnt, I64, 0, 0},
    {IR_popcnt, I64, M64, 64},
    {IR_popcnt, I64, MIN64 | 1, 2},
    {IR_bswap16, I32, 0x12345678, 0x7856},
    {IR_bswap16, I64, 0x1122334455667788, 0x8877},
    {IR_bswap32, I32, 0x12345678, 0x78563412},
    {IR_bswap32, I64, 0x1122334455667788, 0x88776655},
    {IR_bswap64, I64, 0x1122334455667788, 0x8877665544332211},
    {IR_ext8s, I32, 0x80, 0xffffff80},
    {IR_ext8s, I32, 0x17f, 0x7f},
    {IR_ext8s, I64, 0xff, M64},
    {IR_ext8u, I32, 0xffffff80, 0x80},
    {IR_ext8u, I64, M64, 0xff},
    {IR_ext16s, I32, 0x8000, 0xffff8000},
    {IR_ext16s, I32, 0x17fff, 0x7fff},
    {IR_ext16s, I64, 0x12348000, 0xffffffffffff8000},
    {IR_ext16u, I32, M32, 0xffff},
    {IR_ext16u, I64, M64, 0xffff},
    {IR_ext32s, I32, MIN32, MIN32},
    {IR_ext32s, I64, MIN32, 0xffffffff80000000},
    {IR_ext32s, I64, 0x17fffffff, 0x7fffffff},
    {IR_ext32u, I32, M32, M32},
    {IR_ext32u, I64, M64, 0xffffffff},
};

Test(interp_ops, unary_ops_table)
{
    for (size_t i = 0; i < sizeof(un_cases) / sizeof(un_cases[0]); i++) {
        const UnCase *c = &un_cases[i];
        for (int v = 0; v < V_COUNT; v++) {
            if (v == V_CONST_A) continue; /* same as V_IMM for one input */
            uint64_t got = eval_op(c->op, c->t, 1, &c->a, v, NULL, 0);
            cr_expect_eq(got, c->expect,
                         "%s_%s(0x%" PRIx64 ") variant %d = 0x%" PRIx64 ", expected 0x%" PRIx64,
                         ir_op_defs[c->op].name, tname(c->t), c->a, v, got, c->expect);
        }
    }
}

/* ---- bit fields ---- */

typedef struct FieldCase {
    IrOpcode op;
    IrType t;
    unsigned pos, len;
    uint64_t a, b, expect;
} FieldCase;

static const FieldCase field_cases[] = {
    {IR_extract, I32, 0, 8, 0x12345678, 0, 0x78},
    {IR_extract, I32, 24, 8, 0x12345678, 0, 0x12},
    {IR_extract, I32, 0, 32, 0x89abcdef, 0, 0x89abcdef},
    {IR_extract, I32, 31, 1, MIN32, 0, 1},
    {IR_extract, I64, 0, 64, 0x0123456789abcdef, 0, 0x0123456789abcdef},
    {IR_extract, I64, 60, 4, M64, 0, 0xf},
    {IR_extract, I64, 32, 32, 0x1122334455667788, 0, 0x11223344},
    {IR_extract, I64, 4, 8, 0x1234, 0, 0x23},
    {IR_sextract, I32, 0, 8, 0x80, 0, 0xffffff80},
    {IR_sextract, I32, 28, 4, MIN32, 0, 0xfffffff8},
    {IR_sextract, I32, 0, 32, MIN32, 0, MIN32},
    {IR_sextract, I32, 31, 1, MIN32, 0, M32},
    {IR_sextract, I32, 4, 8, 0x7f0, 0, 0x7f},
    {IR_sextract, I64, 0, 64, MIN64 | 5, 0, MIN64 | 5},
    {IR_sextract, I64, 63, 1, MIN64, 0, M64},
    {IR_sextract, I64, 32, 16, 0x0000800000000000, 0, 0xffffffffffff8000},
    {IR_deposit, I32, 0, 8, 0x12345678, 0xab, 0x123456ab},
    {IR_deposit, I32, 24, 8, 0x12345678, 0xab, 0xab345678},
    {IR_deposit, I32, 0, 32, 0x12345678, 0xcafebabe, 0xcafebabe},
    {IR_deposit, I32, 31, 1, 0, 1, MIN32},
    {IR_deposit, I32, 4, 4, M32, 0xf0, 0xffffff0f},
    {IR_deposit, I64, 0, 64, 1, 0x0123456789abcdef, 0x0123456789abcdef},
    {IR_deposit, I64, 56, 8, 0, 0x1ff, 0xff00000000000000},
    {IR_deposit, I64, 32, 32, 0x1111111122222222, 0xaaaaaaaabbbbbbbb, 0xbbbbbbbb22222222},
    {IR_deposit, I64, 8, 16, M64, 0, 0xffffffffff0000ff},
};

Test(interp_ops, bit_field_table)
{
    for (size_t i = 0; i < sizeof(field_cases) / sizeof(field_cases[0]); i++) {
        const FieldCase *c = &field_cases[i];
        unsigned n = c->op == IR_deposit ? 2 : 1;
        int64_t imm[2] = {c->pos, c->len};
        for (int v = 0; v < V_COUNT; v++) {
            uint64_t in[2] = {c->a, c->b};
            uint64_t got = eval_op(c->op, c->t, n, in, v, imm, 2);
            cr_expect_eq(got, c->expect,
                         "%s_%s pos %u len %u (0x%" PRIx64 ", 0x%" PRIx64
                         ") variant %d = 0x%" PRIx64 ", expected 0x%" PRIx64,
                         ir_op_defs[c->op].name, tname(c->t), c->pos, c->len, c->a, c->b, v, got,
                         c->expect);
        }
    }
}

/* ---- width changes ---- */

Test(interp_ops, trunc_zext_sext)
{
    IrBlock *b = new_block();
    tc->r[1] = 0x1234567880000000;
    tc->w[1] = 0x80000001;
    ir_op1(b, IR_trunc, I32, TC_W(0), TC_R(1));
    ir_op1(b, IR_zext, I64, TC_R(2), TC_W(1));
    ir_op1(b, IR_sext, I64, TC_R(3), TC_W(1));
    IrVal t = ir_temp(b, I32);
    ir_mov(b, I32, t, ir_i32(b, 0xfffffffe));
    ir_op1(b, IR_sext, I64, TC_R(4), t);
    run(b);
    cr_assert_eq(tc->w[0], 0x80000000u);
    cr_assert_eq(tc->r[2], 0x80000001u);
    cr_assert_eq(tc->r[3], 0xffffffff80000001u);
    cr_assert_eq(tc->r[4], UINT64_C(0xfffffffffffffffe));
}

/* ---- conditions: setcond, movcond, brcond ---- */

#define C(c) (1u << IR_##c)
typedef struct CondCase {
    IrType t;
    uint64_t a, b;
    unsigned true_conds; /* bit IrCond set if cond(a, b) holds */
} CondCase;

static const CondCase cond_cases[] = {
    {I32, MIN32, 0x7fffffff, C(NE) | C(LT) | C(LE) | C(GTU) | C(GEU)},
    {I32, 0x7fffffff, MIN32, C(NE) | C(GT) | C(GE) | C(LTU) | C(LEU)},
    {I32, 5, 5, C(EQ) | C(LE) | C(GE) | C(LEU) | C(GEU)},
    {I32, M32, 0, C(NE) | C(LT) | C(LE) | C(GTU) | C(GEU)},
    {I32, 0, 1, C(NE) | C(LT) | C(LE) | C(LTU) | C(LEU)},
    {I32, M32, M32, C(EQ) | C(LE) | C(GE) | C(LEU) | C(GEU)},
    {I64, MIN64, MIN64 - 1, C(NE) | C(LT) | C(LE) | C(GTU) | C(GEU)},
    {I64, M64, M64, C(EQ) | C(LE) | C(GE) | C(LEU) | C(GEU)},
    {I64, 0xffffffff, 0xffffffff00000000, C(NE) | C(GT) | C(GE) | C(LTU) | C(LEU)},
    {I64, 0x80000000, 0x7fffffff, C(NE) | C(GT) | C(GE) | C(GTU) | C(GEU)},
    {I64, 0, M64, C(NE) | C(GT) | C(GE) | C(LTU) | C(LEU)},
};

Test(interp_ops, setcond_every_condition)
{
    for (size_t i = 0; i < sizeof(cond_cases) / sizeof(cond_cases[0]); i++) {
        const CondCase *c = &cond_cases[i];
        for (int cond = 0; cond < IR_NUM_CONDS; cond++) {
            uint64_t expect = (c->true_conds >> cond) & 1;
            for (int v = 0; v < V_COUNT; v++) {
                uint64_t in[2] = {c->a, c->b};
                int64_t imm = cond;
                uint64_t got = eval_op(IR_setcond, c->t, 2, in, v, &imm, 1);
                cr_expect_eq(got, expect, "setcond_%s %s(0x%" PRIx64 ", 0x%" PRIx64 ") variant %d",
                             tname(c->t), ir_cond_name(cond), c->a, c->b, v);
            }
        }
    }
}

Test(interp_ops, movcond_every_condition)
{
    for (size_t i = 0; i < sizeof(cond_cases) / sizeof(cond_cases[0]); i++) {
        const CondCase *c = &cond_cases[i];
        for (int cond = 0; cond < IR_NUM_CONDS; cond++) {
            IrType t = c->t;
            IrBlock *b = new_block();
            set_reg(t, 1, c->a);
            set_reg(t, 2, c->b);
            set_reg(t, 3, 0x1111111111111111);
            set_reg(t, 4, 0x2222222222222222);
            ir_movcond(b, t, cond, reg(t, 0), reg(t, 1), reg(t, 2), reg(t, 3), reg(t, 4));
            /* and once with constant comparands and values */
            ir_movcond(b, t, cond, reg(t, 5), ir_const(b, t, c->a), ir_const(b, t, c->b),
                       ir_const(b, t, 7), ir_const(b, t, 9));
            run(b);
            bool holds = (c->true_conds >> cond) & 1;
            cr_expect_eq(get_reg(t, 0), mask(t, holds ? 0x1111111111111111 : 0x2222222222222222),
                         "movcond_%s %s case %zu", tname(t), ir_cond_name(cond), i);
            cr_expect_eq(get_reg(t, 5), holds ? 7u : 9u, "movcond_%s %s const case %zu", tname(t),
                         ir_cond_name(cond), i);
        }
    }
}

Test(interp_ops, brcond_every_condition)
{
    for (size_t i = 0; i < sizeof(cond_cases) / sizeof(cond_cases[0]); i++) {
        const CondCase *c = &cond_cases[i];
        for (int cond = 0; cond < IR_NUM_CONDS; cond++) {
            for (int imm = 0; imm < 2; imm++) {
                IrType t = c->t;
                IrBlock *b = new_block();
                set_reg(t, 1, c->a);
                set_reg(t, 2, c->b);
                uint32_t taken = ir_label_new(b);
                IrVal y = imm ? ir_const(b, t, c->b) : reg(t, 2);
                ir_brcond(b, t, cond, reg(t, 1), y, taken);
                ir_mov(b, I64, TC_R(0), ir_i64(b, 100)); /* fall through */
                ir_exit_tb(b, IR_EXIT_NORMAL);
                ir_label(b, taken);
                ir_mov(b, I64, TC_R(0), ir_i64(b, 200));
                ir_exit_tb(b, IR_EXIT_NORMAL);
                run(b);
                bool holds = (c->true_conds >> cond) & 1;
                cr_expect_eq(tc->r[0], holds ? 200u : 100u, "brcond_%s %s case %zu imm %d",
                             tname(t), ir_cond_name(cond), i, imm);
            }
        }
    }
}

/* ---- multi-word arithmetic ---- */

/* {hi:lo} = {ahi:alo} + {bhi:blo} (+ cin), with carry out, as two add_carry. */
static uint64_t add128(uint64_t alo, uint64_t ahi, uint64_t blo, uint64_t bhi, uint64_t cin,
                       uint64_t *hi, uint64_t *cout, bool sub)
{
    IrBlock *b = new_block();
    tc->r[1] = alo;
    tc->r[2] = ahi;
    tc->r[3] = blo;
    tc->r[4] = bhi;
    tc->r[5] = cin;
    IrVal c = ir_temp(b, I64);
    if (sub) {
        ir_sub_borrow(b, I64, TC_R(6), c, TC_R(1), TC_R(3), TC_R(5));
        ir_sub_borrow(b, I64, TC_R(7), TC_R(8), TC_R(2), TC_R(4), c);
    } else {
        ir_add_carry(b, I64, TC_R(6), c, TC_R(1), TC_R(3), TC_R(5));
        ir_add_carry(b, I64, TC_R(7), TC_R(8), TC_R(2), TC_R(4), c);
    }
    run(b);
    *hi = tc->r[7];
    *cout = tc->r[8];
    return tc->r[6];
}

Test(interp_ops, add_carry_128bit_chain)
{
    static const struct {
        uint64_t alo, ahi, blo, bhi, cin, lo, hi, cout;
    } cases[] = {
        {M64, 0, 1, 0, 0, 0, 1, 0}, {M64, M64, 1, 0, 0, 0, 0, 1},
        {5, 7, 3, 9, 0, 8, 16, 0},  {M64, M64, M64, M64, 1, M64, M64, 1},
        {0, 0, 0, 0, 3, 1, 0, 0}, /* carry-in taken & 1 */
        {0, 0, 0, 0, 2, 0, 0, 0},   {MIN64, MIN64, MIN64, MIN64, 0, 0, 1, 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint64_t hi, co;
        uint64_t lo = add128(cases[i].alo, cases[i].ahi, cases[i].blo, cases[i].bhi, cases[i].cin,
                             &hi, &co, false);
        cr_expect(lo == cases[i].lo && hi == cases[i].hi && co == cases[i].cout,
                  "add case %zu: got %016" PRIx64 ":%016" PRIx64 " carry %" PRIu64, i, hi, lo, co);
    }
}

Test(interp_ops, sub_borrow_128bit_chain)
{
    static const struct {
        uint64_t alo, ahi, blo, bhi, bin, lo, hi, bout;
    } cases[] = {
        {0, 1, 1, 0, 0, M64, 0, 0},   {0, 0, 1, 0, 0, M64, M64, 1},     {8, 16, 3, 9, 0, 5, 7, 0},
        {5, 5, 5, 5, 1, M64, M64, 1}, {5, 5, 5, 5, 3, M64, M64, 1}, /* borrow-in taken & 1 */
        {0, 0, M64, M64, 1, 0, 0, 1}, {M64, M64, M64, M64, 0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint64_t hi, bo;
        uint64_t lo = add128(cases[i].alo, cases[i].ahi, cases[i].blo, cases[i].bhi, cases[i].bin,
                             &hi, &bo, true);
        cr_expect(lo == cases[i].lo && hi == cases[i].hi && bo == cases[i].bout,
                  "sub case %zu: got %016" PRIx64 ":%016" PRIx64 " borrow %" PRIu64, i, hi, lo, bo);
    }
}

Test(interp_ops, add_carry_i32_96bit_chain)
{
    /* 0x00000001_ffffffff_ffffffff + 1 = 0x00000002_00000000_00000000 */
    IrBlock *b = new_block();
    IrVal c0 = ir_temp(b, I32), c1 = ir_temp(b, I32);
    tc->w[1] = M32;
    tc->w[2] = M32;
    tc->w[3] = 1;
    IrVal zero = ir_i32(b, 0);
    ir_add_carry(b, I32, TC_W(4), c0, TC_W(1), ir_i32(b, 1), zero);
    ir_add_carry(b, I32, TC_W(5), c1, TC_W(2), zero, c0);
    ir_add_carry(b, I32, TC_W(6), TC_W(7), TC_W(3), zero, c1);
    ir_sub_borrow(b, I32, TC_W(8), TC_W(9), zero, ir_i32(b, M32), ir_i32(b, 1));
    run(b);
    cr_assert_eq(tc->w[4], 0u);
    cr_assert_eq(tc->w[5], 0u);
    cr_assert_eq(tc->w[6], 2u);
    cr_assert_eq(tc->w[7], 0u);
    cr_assert_eq(tc->w[8], 0u); /* 0 - 0xffffffff - 1 */
    cr_assert_eq(tc->w[9], 1u);
}

/* ---- guest memory ---- */

static const uint8_t mem_pattern[8] = {0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88};

typedef struct LoadCase {
    unsigned memop;
    IrType t;
    uint64_t expect;
} LoadCase;

static const LoadCase load_cases[] = {
    {IR_MO_8, I32, 0x81},
    {IR_MO_8 | IR_MO_SIGN, I32, 0xffffff81},
    {IR_MO_8 | IR_MO_SIGN, I64, 0xffffffffffffff81},
    {IR_MO_8, I64, 0x81},
    {IR_MO_16, I32, 0x8281},
    {IR_MO_16 | IR_MO_BE, I32, 0x8182},
    {IR_MO_16 | IR_MO_SIGN, I64, 0xffffffffffff8281},
    {IR_MO_16 | IR_MO_BE | IR_MO_SIGN, I32, 0xffff8182},
    {IR_MO_32, I64, 0x84838281},
    {IR_MO_32 | IR_MO_BE, I64, 0x81828384},
    {IR_MO_32 | IR_MO_SIGN, I64, 0xffffffff84838281},
    {IR_MO_32 | IR_MO_BE | IR_MO_SIGN, I64, 0xffffffff81828384},
    {IR_MO_32 | IR_MO_SIGN, I32, 0x84838281},
    {IR_MO_32 | IR_MO_BE, I32, 0x81828384},
    {IR_MO_64, I64, 0x8887868584838281},
    {IR_MO_64 | IR_MO_BE, I64, 0x8182838485868788},
    {IR_MO_64 | IR_MO_ALIGN, I64, 0x8887868584838281},
};

Test(interp_ops, ld_every_size_sign_endianness)
{
    for (size_t i = 0; i < sizeof(load_cases) / sizeof(load_cases[0]); i++) {
        const LoadCase *c = &load_cases[i];
        for (int addr_kind = 0; addr_kind < 3; addr_kind++) {
            memcpy(testcpu_ram(tc) + 0x100, mem_pattern, 8);
            IrBlock *b = new_block();
            tc->r[1] = 0x100;
            tc->w[1] = 0x100;
            IrVal addr = addr_kind == 0 ? TC_R(1) : addr_kind == 1 ? TC_W(1) : ir_i64(b, 0x100);
            ir_ld(b, c->t, reg(c->t, 0), addr, c->memop, 0);
            cr_assert_eq(run(b), IR_EXIT_NORMAL);
            cr_expect_eq(get_reg(c->t, 0), c->expect,
                         "ld_%s memop 0x%x addr kind %d: 0x%" PRIx64 " expected 0x%" PRIx64,
                         tname(c->t), c->memop, addr_kind, get_reg(c->t, 0), c->expect);
        }
    }
}

Test(interp_ops, st_every_size_and_endianness)
{
    static const struct {
        unsigned memop;
        IrType t;
        uint8_t bytes[8];
    } cases[] = {
        {IR_MO_8, I32, {0x88}},
        {IR_MO_16, I32, {0x88, 0x77}},
        {IR_MO_16 | IR_MO_BE, I64, {0x77, 0x88}},
        {IR_MO_32, I64, {0x88, 0x77, 0x66, 0x55}},
        {IR_MO_32 | IR_MO_BE, I32, {0x55, 0x66, 0x77, 0x88}},
        {IR_MO_64, I64, {0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}},
        {IR_MO_64 | IR_MO_BE, I64, {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t *ram = testcpu_ram(tc);
        memset(ram + 0x1f8, 0xee, 24);
        IrBlock *b = new_block();
        set_reg(cases[i].t, 1, 0x1122334455667788);
        tc->r[2] = 0x200;
        ir_st(b, cases[i].t, reg(cases[i].t, 1), TC_R(2), cases[i].memop, 0);
        run(b);
        unsigned size = ir_memop_size(cases[i].memop);
        cr_expect_eq(memcmp(ram + 0x200, cases[i].bytes, size), 0, "st case %zu bytes", i);
        cr_expect_eq(ram[0x1ff], 0xee, "st case %zu wrote below", i);
        cr_expect_eq(ram[0x200 + size], 0xee, "st case %zu wrote past its size", i);
    }
}

Test(interp_ops, misaligned_access)
{
    uint8_t *ram = testcpu_ram(tc);
    memcpy(ram + 0x100, mem_pattern, 8);
    ram[0xffe] = 0x11;
    ram[0xfff] = 0x22;
    ram[0x1000] = 0x33;
    ram[0x1001] = 0x44;

    /* Without IR_MO_ALIGN a misaligned access is performed, even across a page. */
    IrBlock *b = new_block();
    ir_ld(b, I32, TC_W(0), ir_i64(b, 0x101), IR_MO_32, 0);
    ir_ld(b, I32, TC_W(1), ir_i64(b, 0xffe), IR_MO_32 | IR_MO_BE, 0);
    ir_st(b, I32, ir_i32(b, 0xa1a2a3a4), ir_i64(b, 0x1ffe), IR_MO_32, 0);
    cr_assert_eq(run(b), IR_EXIT_NORMAL);
    cr_assert_eq(tc->w[0], 0x85848382u);
    cr_assert_eq(tc->w[1], 0x11223344u);
    cr_assert_eq(ram[0x1ffe], 0xa4);
    cr_assert_eq(ram[0x2001], 0xa1);

    /* With it, the access faults for its own instruction, before any effect. */
    b = new_block();
    tc->r[3] = 0x77;
    ir_mov(b, I64, TC_R(3), ir_i64(b, 1));
    ir_insn_start(b, 0x1004, 0, 0);
    ir_ld(b, I32, TC_W(2), ir_i64(b, 0x102), IR_MO_32 | IR_MO_ALIGN, 0);
    ir_mov(b, I64, TC_R(3), ir_i64(b, 2));
    cr_assert_eq(run(b), TESTCPU_RUN_FAULT);
    cr_assert_eq(tc->cpu.exception_index, TESTCPU_EXCP_UNALIGNED);
    cr_assert_eq(tc->cpu.fault_insn, 1u);
    cr_assert_eq(tc->cpu.pc, 0x1004u);
    cr_assert_eq(tc->r[3], 1u);

    b = new_block();
    memset(ram + 0x300, 0, 8);
    ir_st(b, I64, ir_i64(b, M64), ir_i64(b, 0x304), IR_MO_64 | IR_MO_ALIGN, 0);
    cr_assert_eq(run(b), TESTCPU_RUN_FAULT);
    cr_assert_eq(ram[0x304], 0);
}

/* ---- cpu state: ld_env / st_env / ptr_add ---- */

Test(interp_ops, ld_env_st_env)
{
    uint8_t *s = testcpu_scratch(tc);
    memcpy(s + 16, mem_pattern, 8);
    static const struct {
        unsigned memop;
        IrType t;
        uint64_t expect;
    } cases[] = {
        {IR_MO_8, I32, 0x81},        {IR_MO_8 | IR_MO_SIGN, I64, 0xffffffffffffff81},
        {IR_MO_16, I64, 0x8281},     {IR_MO_16 | IR_MO_SIGN, I32, 0xffff8281},
        {IR_MO_32, I64, 0x84838281}, {IR_MO_32 | IR_MO_SIGN, I64, 0xffffffff84838281},
        {IR_MO_32, I32, 0x84838281}, {IR_MO_64, I64, 0x8887868584838281},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (int base_kind = 0; base_kind < 3; base_kind++) {
            IrBlock *b = new_block();
            IrVal base = IR_ENV;
            int64_t off = TESTCPU_OFF_SCRATCH + 16;
            if (base_kind > 0) {
                base = ir_temp(b, IR_PTR);
                tc->r[9] = TESTCPU_OFF_SCRATCH + 8;
                IrVal delta = base_kind == 1 ? ir_i64(b, TESTCPU_OFF_SCRATCH + 8) : TC_R(9);
                ir_ptr_add(b, base, IR_ENV, delta);
                off = 8;
            }
            ir_ld_env(b, cases[i].t, reg(cases[i].t, 0), base, off, cases[i].memop);
            run(b);
            cr_expect_eq(get_reg(cases[i].t, 0), cases[i].expect,
                         "ld_env case %zu base kind %d: 0x%" PRIx64, i, base_kind,
                         get_reg(cases[i].t, 0));
        }
    }

    /* Stores write exactly size bytes, through env and a derived pointer. */
    memset(s + 32, 0xee, 32);
    IrBlock *b = new_block();
    IrVal p = ir_temp(b, IR_PTR), q = ir_temp(b, IR_PTR);
    ir_ptr_add(b, p, IR_ENV, ir_i64(b, TESTCPU_OFF_SCRATCH + 40));
    ir_ptr_add(b, q, p, ir_i64(b, (uint64_t)-8)); /* negative offsets too */
    ir_st_env(b, I64, ir_i64(b, 0x1122334455667788), q, 0, IR_MO_64);
    ir_st_env(b, I32, ir_i32(b, 0xaabbccdd), p, 0, IR_MO_16);
    ir_st_env(b, I64, ir_i64(b, 0x99), p, 4, IR_MO_8);
    ir_st_env(b, I32, ir_i32(b, 0x12345678), IR_ENV, TESTCPU_OFF_SCRATCH + 48, IR_MO_32);
    ir_st_env(b, I64, ir_i64(b, 0xcafe), IR_ENV, TESTCPU_OFF_R(12), IR_MO_64); /* a global */
    run(b);
    static const uint8_t want[24] = {0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
                                     0xdd, 0xcc, 0xee, 0xee, 0x99, 0xee, 0xee, 0xee,
                                     0x78, 0x56, 0x34, 0x12, 0xee, 0xee, 0xee, 0xee};
    cr_assert_eq(memcmp(s + 32, want, sizeof(want)), 0);
    cr_assert_eq(tc->r[12], 0xcafeu);
}

/* ---- control flow ---- */

Test(interp_ops, forward_branches_skip_code)
{
    for (uint64_t r1 = 0; r1 < 2; r1++) {
        IrBlock *b = new_block();
        uint32_t odd = ir_label_new(b), join = ir_label_new(b);
        ir_mov(b, I64, TC_R(1), ir_i64(b, r1));
        ir_mov(b, I64, TC_R(0), ir_i64(b, 5));
        ir_brcond(b, I64, IR_NE, TC_R(1), ir_i64(b, 0), odd);
        ir_op2(b, IR_add, I64, TC_R(0), TC_R(0), ir_i64(b, 50)); /* r1 == 0 */
        ir_br(b, join);
        ir_mov(b, I64, TC_R(0), ir_i64(b, 999)); /* never reached */
        ir_label(b, odd);
        ir_op2(b, IR_add, I64, TC_R(0), TC_R(0), ir_i64(b, 500)); /* both paths */
        ir_label(b, join);
        ir_op2(b, IR_add, I64, TC_R(0), TC_R(0), ir_i64(b, 1000));
        run(b);
        cr_assert_eq(tc->r[0], r1 ? 1505u : 1055u, "r1=%llu: r0=%llu", (unsigned long long)r1,
                     (unsigned long long)tc->r[0]);
    }
}

Test(interp_ops, exits_and_counters)
{
    for (int code = IR_EXIT_NORMAL; code <= IR_EXIT_REQUEST; code++) {
        IrBlock *b = new_block();
        ir_insn_start(b, 0x1004, 0, 0);
        ir_exit_tb(b, code);
        uint64_t icount = tc->cpu.icount;
        cr_assert_eq(run(b), code);
        cr_assert_eq(tc->last_exit.slot, -1);
        cr_assert_eq(tc->last_exit.last_tb, &tc->tb);
        cr_assert_eq(tc->cpu.icount, icount + 2);
        cr_assert_eq(tc->tb.exec_count, 1u);
        cr_assert_eq(tc->cpu.current_tb, NULL);
    }
    for (unsigned slot = 0; slot < 2; slot++) {
        IrBlock *b = new_block();
        ir_mov(b, I64, TC_PC, ir_i64(b, 0x2000 + slot));
        ir_goto_tb(b, slot);
        cr_assert_eq(run(b), IR_EXIT_NORMAL);
        cr_assert_eq(tc->last_exit.slot, (int)slot);
        cr_assert_eq(tc->cpu.pc, 0x2000u + slot);
    }
    IrBlock *b = new_block();
    ir_goto_ptr(b);
    cr_assert_eq(run(b), IR_EXIT_NORMAL);
    cr_assert_eq(tc->last_exit.slot, -1);
}

/* ---- helper calls ---- */

static TestCpu *as_testcpu(CPUState *cpu)
{
    return (TestCpu *)cpu;
}

static uint64_t helper0(CPUState *cpu)
{
    return 42 + as_testcpu(cpu)->r[15];
}
static uint64_t helper1(CPUState *cpu, uint64_t a)
{
    return a + 1;
}
static uint64_t helper2(CPUState *cpu, uint64_t a, uint64_t b)
{
    return a * 10 + b;
}
static uint64_t helper3(CPUState *cpu, uint64_t a, uint64_t b, uint64_t c)
{
    return (a * 10 + b) * 10 + c;
}
static uint64_t helper4(CPUState *cpu, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    return ((a * 10 + b) * 10 + c) * 10 + d;
}
static uint64_t helper5(CPUState *cpu, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
    return (((a * 10 + b) * 10 + c) * 10 + d) * 10 + e;
}
/* Sees its i32 argument zero-extended; returns more than 32 bits. */
static uint64_t helper_wide(CPUState *cpu, uint64_t a)
{
    return a << 4 | 5;
}
static uint64_t helper_write_state(CPUState *cpu)
{
    as_testcpu(cpu)->r[5] = 0x5555;
    return 0;
}
static uint64_t helper_raise(CPUState *cpu, uint64_t a)
{
    if (a) cpu_raise_exception(cpu, 7);
    return 0;
}

/* Returns its pointer argument's distance from the cpu-state base. */
static uint64_t helper_ptr(CPUState *cpu, uint64_t p)
{
    return p - (uint64_t)(uintptr_t)cpu;
}

#define HELPER(fnname, fl, rt, n, ...)                                                             \
    static const IrHelper fnname##_desc = {#fnname, (void (*)(void))fnname, fl, rt,                \
                                           n,       {__VA_ARGS__}}
HELPER(helper0, IR_CALL_READS_STATE, IR_I64, 0, IR_I64);
HELPER(helper1, IR_CALL_PURE, IR_I64, 1, IR_I64);
HELPER(helper2, IR_CALL_PURE, IR_I64, 2, IR_I64, IR_I32);
HELPER(helper3, IR_CALL_PURE, IR_I64, 3, IR_I64, IR_I64, IR_I64);
HELPER(helper4, IR_CALL_PURE, IR_I32, 4, IR_I32, IR_I64, IR_I32, IR_I64);
HELPER(helper5, IR_CALL_PURE, IR_I64, 5, IR_I64, IR_I64, IR_I64, IR_I64, IR_I64);
HELPER(helper_wide, IR_CALL_PURE, IR_I32, 1, IR_I32);
HELPER(helper_write_state, IR_CALL_WRITES_STATE, IR_VOID, 0, IR_I64);
HELPER(helper_raise, IR_CALL_MAY_RAISE, IR_VOID, 1, IR_I64);
HELPER(helper_ptr, IR_CALL_PURE, IR_I64, 1, IR_PTR);

Test(interp_ops, call_passes_ptr_arguments_whole)
{
    IrBlock *b = new_block();
    IrVal p = ir_temp(b, IR_PTR);
    ir_call(b, &helper_ptr_desc, TC_R(0), (IrVal[]){IR_ENV});
    ir_ptr_add(b, p, IR_ENV, ir_i64(b, TESTCPU_OFF_BANK + 24));
    ir_call(b, &helper_ptr_desc, TC_R(1), (IrVal[]){p});
    run(b);
    cr_assert_eq(tc->r[0], 0u, "env arrived as 0x%llx off", (unsigned long long)tc->r[0]);
    cr_assert_eq(tc->r[1], TESTCPU_OFF_BANK + 24u);
}

Test(interp_ops, call_every_arity)
{
    IrBlock *b = new_block();
    tc->r[15] = 100;
    tc->w[2] = 7;
    IrVal one = ir_i64(b, 1), two = ir_i64(b, 2), three = ir_i32(b, 3);
    ir_call(b, &helper0_desc, TC_R(0), NULL);
    ir_call(b, &helper1_desc, TC_R(1), (IrVal[]){one});
    ir_call(b, &helper2_desc, TC_R(2), (IrVal[]){two, TC_W(2)});
    IrVal t = ir_temp(b, I64);
    ir_mov(b, I64, t, ir_i64(b, 4));
    ir_call(b, &helper3_desc, TC_R(3), (IrVal[]){one, two, t});
    ir_call(b, &helper4_desc, TC_W(4), (IrVal[]){ir_i32(b, 1), two, three, t});
    ir_call(b, &helper5_desc, TC_R(5), (IrVal[]){one, two, ir_i64(b, 3), t, ir_i64(b, 5)});
    ir_call(b, &helper1_desc, IR_NONE, (IrVal[]){one}); /* result dropped */
    run(b);
    cr_assert_eq(tc->r[0], 142u);
    cr_assert_eq(tc->r[1], 2u);
    cr_assert_eq(tc->r[2], 27u);
    cr_assert_eq(tc->r[3], 124u);
    cr_assert_eq(tc->w[4], 1234u);
    cr_assert_eq(tc->r[5], 12345u);
}

Test(interp_ops, call_i32_conventions_and_state)
{
    IrBlock *b = new_block();
    tc->w[1] = 0xffffffff;
    tc->w[3] = 0x33333333;
    tc->r[6] = 0;
    ir_call(b, &helper_wide_desc, TC_W(2), (IrVal[]){TC_W(1)});
    ir_call(b, &helper_write_state_desc, IR_NONE, NULL);
    ir_op2(b, IR_add, I64, TC_R(6), TC_R(5), ir_i64(b, 1));
    run(b);
    /* (0x00000000ffffffff << 4 | 5) truncated to 32 bits */
    cr_assert_eq(tc->w[2], 0xfffffff5u);
    cr_assert_eq(tc->w[3], 0x33333333u, "an i32 result writes only 4 bytes");
    cr_assert_eq(tc->r[6], 0x5556u);
}

Test(interp_ops, call_may_raise_sets_fault_insn)
{
    IrBlock *b = new_block();
    ir_call(b, &helper_raise_desc, IR_NONE, (IrVal[]){ir_i64(b, 0)});
    ir_insn_start(b, 0x1004, 0, 0);
    ir_insn_start(b, 0x1008, 0, 0);
    ir_mov(b, I64, TC_R(0), ir_i64(b, 1));
    ir_call(b, &helper_raise_desc, IR_NONE, (IrVal[]){TC_R(0)});
    ir_mov(b, I64, TC_R(0), ir_i64(b, 2));
    cr_assert_eq(run(b), TESTCPU_RUN_FAULT);
    cr_assert_eq(tc->cpu.exception_index, 7);
    cr_assert_eq(tc->cpu.fault_insn, 2u);
    cr_assert_eq(tc->cpu.pc, 0x1008u);
    cr_assert_eq(tc->r[0], 1u);
}

/* ---- agreement with the reference evaluator on random inputs ---- */

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Random values biased toward the edges: 0, 1, -1, MIN, MAX, small. */
static uint64_t edge_random(uint64_t *s, IrType t)
{
    uint64_t r = next_random(s);
    uint64_t min = t == I64 ? MIN64 : MIN32;
    switch (r % 8) {
    case 0: return 0;
    case 1: return mask(t, (uint64_t)-1);
    case 2: return min;
    case 3: return min - 1;
    case 4: return (r >> 8) % 70;
    default: return mask(t, next_random(s));
    }
}

Test(interp_ops, matches_ir_eval_on_random_inputs)
{
    static const IrOpcode ops[] = {
        IR_add,     IR_sub,     IR_mul,   IR_and,   IR_or,     IR_xor,    IR_andc,   IR_orc,
        IR_shl,     IR_shr,     IR_sar,   IR_rotl,  IR_rotr,   IR_mulh_s, IR_mulh_u, IR_div_s,
        IR_div_u,   IR_rem_s,   IR_rem_u, IR_neg,   IR_not,    IR_clz,    IR_ctz,    IR_popcnt,
        IR_bswap16, IR_bswap32, IR_ext8s, IR_ext8u, IR_ext16s, IR_ext16u, IR_ext32s, IR_ext32u,
    };
    uint64_t seed = 0x9e3779b97f4a7c15;
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        for (int ti = 0; ti < 2; ti++) {
            IrType t = ti ? I64 : I32;
            unsigned nin = ir_op_defs[ops[i]].nin;
            for (int k = 0; k < 12; k++) {
                uint64_t in[2] = {edge_random(&seed, t), edge_random(&seed, t)};
                uint64_t got = eval_op(ops[i], t, nin, in, k % V_COUNT, NULL, 0);
                IrOp op = {.opc = ops[i], .type = t, .nargs = (uint8_t)(1 + nin)};
                uint64_t out[2];
                cr_assert(ir_eval_int(&op, in, out));
                cr_expect_eq(got, out[0],
                             "%s_%s(0x%" PRIx64 ", 0x%" PRIx64 "): interp 0x%" PRIx64
                             ", ir_eval 0x%" PRIx64,
                             ir_op_defs[ops[i]].name, tname(t), in[0], in[1], got, out[0]);
            }
        }
    }
}
