/*
 * Interpreter floating point (ir/README.md "Floating point"): rounding
 * modes including nearest-away ties, exception flags, quiet and signaling
 * compares, conversion saturation, fused multiply-add, x87 f80.
 */
#include <criterion/criterion.h>
#include <fenv.h>
#include <inttypes.h>
#include <string.h>

#include "tests/unit/testcpu.h"

static TestCpu *tc;

static void setup(void)
{
    tc = testcpu_new();
    testcpu_reset(tc, 2);
}
static void teardown(void)
{
    testcpu_free(tc);
}

TestSuite(interp_fp, .init = setup, .fini = teardown);

enum {
    RNE = IR_ROUND_NEAREST_EVEN,
    RZ = IR_ROUND_ZERO,
    RUP = IR_ROUND_UP,
    RDN = IR_ROUND_DOWN,
    RNA = IR_ROUND_NEAREST_AWAY
};
#define INV IR_FX_INVALID
#define DZ  IR_FX_DIVZERO
#define OF  IR_FX_OVERFLOW
#define UF  IR_FX_UNDERFLOW
#define PE  IR_FX_INEXACT
#define DE  IR_FX_DENORMAL

#define F32_ONE     UINT64_C(0x3f800000)
#define F64_ONE     UINT64_C(0x3ff0000000000000)
#define F64_QNAN    UINT64_C(0x7ff8000000000000)
#define F64_SNAN    UINT64_C(0x7ff0000000000001)
#define F32_QNAN    UINT64_C(0x7fc00000)
#define F32_SNAN    UINT64_C(0x7f800001)
#define F64_MAX     UINT64_C(0x7fefffffffffffff)
#define F64_INF     UINT64_C(0x7ff0000000000000)
#define F64_NINF    UINT64_C(0xfff0000000000000)
#define F64_MIN_SUB UINT64_C(0x0000000000000001)

static IrType fmt_type(unsigned fmt)
{
    return fmt == IR_FMT_F64 || fmt == IR_FMT_S64 || fmt == IR_FMT_U64 ? IR_I64 : IR_I32;
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

/* Run one FP op whose value inputs have type in_t and output out_t; rm
 * once as a constant and once from a register (results must agree). */
static uint64_t fp_run(IrOpcode opc, IrType out_t, IrType in_t, unsigned nin, const uint64_t *in,
                       unsigned rm, const int64_t *imm, uint32_t *exc)
{
    uint64_t result[2];
    uint32_t flags[2];
    for (int rm_in_reg = 0; rm_in_reg < 2; rm_in_reg++) {
        IrBlock *b = ir_block_new(testcpu_globals());
        ir_insn_start(b, 0, 0, 0);
        IrVal args[6];
        unsigned n = 0;
        args[n++] = reg(out_t, 0);
        args[n++] = TC_W(15);
        for (unsigned i = 0; i < nin; i++) {
            set_reg(in_t, 1 + i, in[i]);
            args[n++] = reg(in_t, 1 + i);
        }
        tc->w[14] = rm;
        args[n++] = rm_in_reg ? TC_W(14) : ir_i32(b, rm);
        ir_emit(b, opc, out_t, n, args, 2, imm);
        ir_exit_tb(b, IR_EXIT_NORMAL);
        int r = testcpu_run(tc, b);
        cr_assert_eq(r, IR_EXIT_NORMAL, "run failed: %d %s", r, tc->error);
        ir_block_free(b);
        result[rm_in_reg] = get_reg(out_t, 0);
        flags[rm_in_reg] = tc->w[15];
    }
    cr_assert_eq(result[0], result[1]);
    cr_assert_eq(flags[0], flags[1]);
    *exc = flags[0];
    return result[0];
}

static uint64_t arith(IrOpcode opc, unsigned fmt, uint64_t a, uint64_t b, unsigned rm,
                      uint32_t *exc)
{
    unsigned nin = opc == IR_fsqrt ? 1 : 2;
    return fp_run(opc, fmt_type(fmt), fmt_type(fmt), nin, (uint64_t[]){a, b}, rm,
                  (int64_t[]){fmt, 0}, exc);
}

static uint64_t fma_op(unsigned fmt, uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t *exc)
{
    return fp_run(IR_fma, fmt_type(fmt), fmt_type(fmt), 3, (uint64_t[]){a, b, c}, rm,
                  (int64_t[]){fmt, 0}, exc);
}

static uint64_t cvt(unsigned from, unsigned to, uint64_t a, unsigned rm, uint32_t *exc)
{
    return fp_run(IR_fcvt, fmt_type(to), fmt_type(from), 1, &a, rm, (int64_t[]){from, to}, exc);
}

static uint32_t fcmp(unsigned fmt, uint64_t a, uint64_t b, bool sig, uint32_t *exc)
{
    IrBlock *blk = ir_block_new(testcpu_globals());
    IrType t = fmt_type(fmt);
    set_reg(t, 1, a);
    set_reg(t, 2, b);
    ir_emit(blk, IR_fcmp, IR_I32, 4, (IrVal[]){TC_W(0), TC_W(15), reg(t, 1), reg(t, 2)}, 2,
            (int64_t[]){fmt, sig});
    ir_exit_tb(blk, IR_EXIT_NORMAL);
    cr_assert_eq(testcpu_run(tc, blk), IR_EXIT_NORMAL, "%s", tc->error);
    ir_block_free(blk);
    *exc = tc->w[15];
    return tc->w[0];
}

typedef struct ArithCase {
    IrOpcode op;
    unsigned fmt, rm;
    uint64_t a, b, expect;
    uint32_t exc;
} ArithCase;

static const ArithCase arith_cases[] = {
    /* f32 1 + 2^-24: an exact tie between 1 and 1 + ulp */
    {IR_fadd, IR_FMT_F32, RNE, F32_ONE, 0x33800000, F32_ONE, PE},
    {IR_fadd, IR_FMT_F32, RZ, F32_ONE, 0x33800000, F32_ONE, PE},
    {IR_fadd, IR_FMT_F32, RUP, F32_ONE, 0x33800000, 0x3f800001, PE},
    {IR_fadd, IR_FMT_F32, RDN, F32_ONE, 0x33800000, F32_ONE, PE},
    {IR_fadd, IR_FMT_F32, RNA, F32_ONE, 0x33800000, 0x3f800001, PE},
    /* and negative: -1 - 2^-24 */
    {IR_fsub, IR_FMT_F32, RNE, 0xbf800000, 0x33800000, 0xbf800000, PE},
    {IR_fsub, IR_FMT_F32, RUP, 0xbf800000, 0x33800000, 0xbf800000, PE},
    {IR_fsub, IR_FMT_F32, RDN, 0xbf800000, 0x33800000, 0xbf800001, PE},
    {IR_fsub, IR_FMT_F32, RNA, 0xbf800000, 0x33800000, 0xbf800001, PE},
    /* a tie nearest-even already rounds away: 1 + 1.5 ulp */
    {IR_fadd, IR_FMT_F32, RNA, 0x3f800001, 0x33800000, 0x3f800002, PE},
    {IR_fadd, IR_FMT_F32, RNE, 0x3f800001, 0x33800000, 0x3f800002, PE},
    /* not a tie: nearest-away must not round up 1 + 0.25 ulp */
    {IR_fadd, IR_FMT_F32, RNA, F32_ONE, 0x33000000, F32_ONE, PE},
    /* f64 1 + 2^-53 */
    {IR_fadd, IR_FMT_F64, RNE, F64_ONE, 0x3ca0000000000000, F64_ONE, PE},
    {IR_fadd, IR_FMT_F64, RNA, F64_ONE, 0x3ca0000000000000, 0x3ff0000000000001, PE},
    {IR_fadd, IR_FMT_F64, RUP, F64_ONE, 0x3ca0000000000000, 0x3ff0000000000001, PE},
    /* product tie: (1 + 3 ulp) * 1.5 = 1.5 + 4.5 ulp */
    {IR_fmul, IR_FMT_F64, RNE, 0x3ff0000000000003, 0x3ff8000000000000, 0x3ff8000000000004, PE},
    {IR_fmul, IR_FMT_F64, RNA, 0x3ff0000000000003, 0x3ff8000000000000, 0x3ff8000000000005, PE},
    {IR_fmul, IR_FMT_F64, RZ, 0x3ff0000000000003, 0x3ff8000000000000, 0x3ff8000000000004, PE},
    /* exact results raise nothing, in every mode */
    {IR_fmul, IR_FMT_F64, RNA, 0x4000000000000000, 0x4008000000000000, 0x4018000000000000, 0},
    /* 1/3 */
    {IR_fdiv, IR_FMT_F64, RNE, F64_ONE, 0x4008000000000000, 0x3fd5555555555555, PE},
    {IR_fdiv, IR_FMT_F64, RUP, F64_ONE, 0x4008000000000000, 0x3fd5555555555556, PE},
    {IR_fdiv, IR_FMT_F64, RNA, F64_ONE, 0x4008000000000000, 0x3fd5555555555555, PE},
    {IR_fdiv, IR_FMT_F32, RDN, F32_ONE, 0x40400000, 0x3eaaaaaa, PE},
    {IR_fdiv, IR_FMT_F32, RNE, F32_ONE, 0x40400000, 0x3eaaaaab, PE},
    /* overflow */
    {IR_fmul, IR_FMT_F64, RNE, F64_MAX, 0x4000000000000000, F64_INF, OF | PE},
    {IR_fmul, IR_FMT_F64, RZ, F64_MAX, 0x4000000000000000, F64_MAX, OF | PE},
    {IR_fmul, IR_FMT_F64, RDN, F64_MAX, 0x4000000000000000, F64_MAX, OF | PE},
    {IR_fmul, IR_FMT_F64, RNA, F64_MAX, 0x4000000000000000, F64_INF, OF | PE},
    /* underflow (tiny and inexact), and the denormal-input flag */
    {IR_fmul, IR_FMT_F64, RNE, F64_MIN_SUB, 0x3fe0000000000000, 0, UF | PE | DE},
    {IR_fmul, IR_FMT_F64, RNA, F64_MIN_SUB, 0x3fe0000000000000, F64_MIN_SUB, UF | PE | DE},
    {IR_fmul, IR_FMT_F64, RUP, F64_MIN_SUB, 0x3fe0000000000000, F64_MIN_SUB, UF | PE | DE},
    {IR_fmul, IR_FMT_F64, RNE, 0x0010000000000000, 0x3fe0000000000000, 0x0008000000000000, 0},
    {IR_fadd, IR_FMT_F64, RNE, F64_MIN_SUB, F64_MIN_SUB, 0x0000000000000002, DE},
    /* divide by zero */
    {IR_fdiv, IR_FMT_F64, RNE, F64_ONE, 0, F64_INF, DZ},
    {IR_fdiv, IR_FMT_F64, RNE, 0xbff0000000000000, 0, F64_NINF, DZ},
    {IR_fdiv, IR_FMT_F32, RNE, F32_ONE, 0x80000000, 0xff800000, DZ},
    /* invalid: default NaN with the sign clear */
    {IR_fdiv, IR_FMT_F64, RNE, 0, 0, F64_QNAN, INV},
    {IR_fsub, IR_FMT_F64, RNE, F64_INF, F64_INF, F64_QNAN, INV},
    {IR_fmul, IR_FMT_F32, RNE, 0x7f800000, 0, F32_QNAN, INV},
    {IR_fsqrt, IR_FMT_F64, RNE, 0xbff0000000000000, 0, F64_QNAN, INV},
    {IR_fsqrt, IR_FMT_F32, RNE, 0xbf800000, 0, F32_QNAN, INV},
    {IR_fsqrt, IR_FMT_F64, RNE, 0x8000000000000000, 0, 0x8000000000000000, 0},
    /* NaN operands give the default NaN; only a signaling one is invalid */
    {IR_fadd, IR_FMT_F64, RNE, 0xfff8000000000123, F64_ONE, F64_QNAN, 0},
    {IR_fadd, IR_FMT_F64, RNE, F64_SNAN, F64_ONE, F64_QNAN, INV},
    {IR_fmul, IR_FMT_F32, RNE, F32_ONE, 0xffc00001, F32_QNAN, 0},
    {IR_fmul, IR_FMT_F32, RNE, F32_SNAN, F32_ONE, F32_QNAN, INV},
    /* sqrt */
    {IR_fsqrt, IR_FMT_F64, RNE, 0x4000000000000000, 0, 0x3ff6a09e667f3bcd, PE},
    {IR_fsqrt, IR_FMT_F64, RZ, 0x4000000000000000, 0, 0x3ff6a09e667f3bcc, PE},
    {IR_fsqrt, IR_FMT_F64, RNA, 0x4000000000000000, 0, 0x3ff6a09e667f3bcd, PE},
    {IR_fsqrt, IR_FMT_F32, RNE, 0x40800000, 0, 0x40000000, 0},
};

Test(interp_fp, arithmetic_table)
{
    for (size_t i = 0; i < sizeof(arith_cases) / sizeof(arith_cases[0]); i++) {
        const ArithCase *c = &arith_cases[i];
        uint32_t exc;
        uint64_t r = arith(c->op, c->fmt, c->a, c->b, c->rm, &exc);
        cr_expect(r == c->expect && exc == c->exc,
                  "case %zu %s fmt %u rm %u (0x%" PRIx64 ", 0x%" PRIx64 "): 0x%" PRIx64
                  " exc 0x%x, expected 0x%" PRIx64 " exc 0x%x",
                  i, ir_op_defs[c->op].name, c->fmt, c->rm, c->a, c->b, r, exc, c->expect, c->exc);
    }
}

Test(interp_fp, fma_rounds_once)
{
    uint32_t exc;
    /* a*a - round(a*a) for a = 1 + 2^-52 is exactly 2^-104 */
    uint64_t a = 0x3ff0000000000001, minus_aa = 0xbff0000000000002; /* -round(a*a) */
    cr_assert_eq(fma_op(IR_FMT_F64, a, a, minus_aa, RNE, &exc), UINT64_C(0x3970000000000000));
    cr_assert_eq(exc, 0u);
    /* 1*1 + 2^-53: a tie after the single rounding */
    cr_assert_eq(fma_op(IR_FMT_F64, F64_ONE, F64_ONE, 0x3ca0000000000000, RNE, &exc), F64_ONE);
    cr_assert_eq(exc, (uint32_t)PE);
    cr_assert_eq(fma_op(IR_FMT_F64, F64_ONE, F64_ONE, 0x3ca0000000000000, RNA, &exc),
                 UINT64_C(0x3ff0000000000001));
    cr_assert_eq(fma_op(IR_FMT_F32, F32_ONE, F32_ONE, 0x33800000, RNA, &exc), 0x3f800001u);
    cr_assert_eq(fma_op(IR_FMT_F32, F32_ONE, F32_ONE, 0x33800000, RNE, &exc), F32_ONE);
    /* (1 + 2^-12)^2 - 1 in f32: one rounding keeps the 2^-24 term */
    cr_assert_eq(fma_op(IR_FMT_F32, 0x3f800800, 0x3f800800, 0xbf800000, RNE, &exc), 0x3a000400u);
    cr_assert_eq(exc, 0u);
    /* inf * 0 + c is invalid */
    cr_assert_eq(fma_op(IR_FMT_F64, F64_INF, 0, F64_ONE, RNE, &exc), F64_QNAN);
    cr_assert_eq(exc, (uint32_t)INV);
}

Test(interp_fp, fcmp_quiet_and_signaling)
{
    static const struct {
        unsigned fmt;
        uint64_t a, b;
        bool sig;
        uint32_t expect, exc;
    } cases[] = {
        {IR_FMT_F64, F64_ONE, 0x4000000000000000, false, IR_FCMP_LT, 0},
        {IR_FMT_F64, 0x4000000000000000, F64_ONE, true, IR_FCMP_GT, 0},
        {IR_FMT_F64, 0, 0x8000000000000000, true, IR_FCMP_EQ, 0},
        {IR_FMT_F64, F64_NINF, F64_ONE, false, IR_FCMP_LT, 0},
        {IR_FMT_F64, F64_QNAN, F64_ONE, false, IR_FCMP_UNORDERED, 0},
        {IR_FMT_F64, F64_QNAN, F64_ONE, true, IR_FCMP_UNORDERED, INV},
        {IR_FMT_F64, F64_ONE, F64_SNAN, false, IR_FCMP_UNORDERED, INV},
        {IR_FMT_F64, F64_QNAN, F64_QNAN, false, IR_FCMP_UNORDERED, 0},
        {IR_FMT_F64, F64_MIN_SUB, 0, false, IR_FCMP_GT, DE},
        {IR_FMT_F32, 0xbf800000, F32_ONE, false, IR_FCMP_LT, 0},
        {IR_FMT_F32, 0x80000000, 0, false, IR_FCMP_EQ, 0},
        {IR_FMT_F32, F32_QNAN, F32_ONE, false, IR_FCMP_UNORDERED, 0},
        {IR_FMT_F32, F32_QNAN, F32_ONE, true, IR_FCMP_UNORDERED, INV},
        {IR_FMT_F32, F32_SNAN, F32_ONE, false, IR_FCMP_UNORDERED, INV},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t exc;
        uint32_t r = fcmp(cases[i].fmt, cases[i].a, cases[i].b, cases[i].sig, &exc);
        cr_expect(r == cases[i].expect && exc == cases[i].exc, "fcmp case %zu: %u exc 0x%x", i, r,
                  exc);
    }
}

typedef struct CvtCase {
    unsigned from, to, rm;
    uint64_t a, expect;
    uint32_t exc;
} CvtCase;

static const CvtCase cvt_cases[] = {
    /* to integers: rounding, saturation, NaN */
    {IR_FMT_F64, IR_FMT_S32, RNE, 0x4004000000000000, 2, PE}, /* 2.5 */
    {IR_FMT_F64, IR_FMT_S32, RNA, 0x4004000000000000, 3, PE},
    {IR_FMT_F64, IR_FMT_S32, RUP, 0x4004000000000000, 3, PE},
    {IR_FMT_F64, IR_FMT_S32, RDN, 0x4004000000000000, 2, PE},
    {IR_FMT_F64, IR_FMT_S32, RZ, 0x4004000000000000, 2, PE},
    {IR_FMT_F64, IR_FMT_S32, RNA, 0xc004000000000000, (uint32_t)-3, PE}, /* -2.5 */
    {IR_FMT_F64, IR_FMT_S32, RNE, 0xc00c000000000000, (uint32_t)-4, PE}, /* -3.5 */
    {IR_FMT_F64, IR_FMT_S32, RNE, 0x4202a05f20000000, INT32_MAX, INV},   /* 1e10 */
    {IR_FMT_F64, IR_FMT_S32, RNE, 0xc202a05f20000000, (uint32_t)INT32_MIN, INV},
    {IR_FMT_F64, IR_FMT_S32, RNE, F64_QNAN, 0, INV},
    {IR_FMT_F64, IR_FMT_S32, RNE, 0x41dfffffffc00000, INT32_MAX, 0}, /* 2^31 - 1 */
    {IR_FMT_F64, IR_FMT_S32, RZ, 0x41dfffffffe00000, INT32_MAX, PE}, /* 2^31 - 0.5 */
    {IR_FMT_F64, IR_FMT_S32, RNE, 0x41dfffffffe00000, INT32_MAX, INV},
    {IR_FMT_F64, IR_FMT_S32, RUP, 0x41dfffffffe00000, INT32_MAX, INV},
    {IR_FMT_F64, IR_FMT_U32, RZ, 0xbfe0000000000000, 0, PE},            /* -0.5 -> 0 */
    {IR_FMT_F64, IR_FMT_U32, RNE, 0xbff0000000000000, 0, INV},          /* -1 */
    {IR_FMT_F64, IR_FMT_U32, RNE, 0x41efffffffe00000, 0xffffffff, 0},   /* 2^32 - 1 */
    {IR_FMT_F64, IR_FMT_U32, RNE, 0x41f0000000000000, 0xffffffff, INV}, /* 2^32 */
    {IR_FMT_F64, IR_FMT_S64, RNE, 0x43e0000000000000, INT64_MAX, INV},  /* 2^63 */
    {IR_FMT_F64, IR_FMT_S64, RNE, 0xc3e0000000000000, (uint64_t)INT64_MIN, 0},
    {IR_FMT_F64, IR_FMT_U64, RNE, 0x43efffffffffffff, 0xfffffffffffff800, 0},
    {IR_FMT_F64, IR_FMT_U64, RNE, 0x43f0000000000000, UINT64_MAX, INV}, /* 2^64 */
    {IR_FMT_F64, IR_FMT_U64, RNE, F64_NINF, 0, INV},
    {IR_FMT_F32, IR_FMT_S32, RNE, 0x3fc00000, 2, PE},                 /* 1.5f */
    {IR_FMT_F32, IR_FMT_U64, RNE, 0x5f000000, 0x8000000000000000, 0}, /* 2^63f */
    {IR_FMT_F32, IR_FMT_S32, RNE, F32_SNAN, 0, INV},
    /* from integers */
    {IR_FMT_S64, IR_FMT_F64, RNE, 0x20000000000001, 0x4340000000000000, PE}, /* 2^53 + 1 */
    {IR_FMT_S64, IR_FMT_F64, RNA, 0x20000000000001, 0x4340000000000001, PE},
    {IR_FMT_S64, IR_FMT_F64, RUP, 0x20000000000001, 0x4340000000000001, PE},
    {IR_FMT_U64, IR_FMT_F32, RNE, UINT64_MAX, 0x5f800000, PE},
    {IR_FMT_U64, IR_FMT_F32, RZ, UINT64_MAX, 0x5f7fffff, PE},
    {IR_FMT_U64, IR_FMT_F64, RZ, UINT64_MAX, 0x43efffffffffffff, PE},
    {IR_FMT_S32, IR_FMT_F32, RNE, (uint32_t)-1, 0xbf800000, 0},
    {IR_FMT_S32, IR_FMT_F32, RNA, 0x01000001, 0x4b800001, PE}, /* 2^24 + 1 */
    {IR_FMT_S32, IR_FMT_F32, RNE, 0x01000001, 0x4b800000, PE},
    {IR_FMT_U32, IR_FMT_F64, RNE, 0xffffffff, 0x41efffffffe00000, 0},
    {IR_FMT_S64, IR_FMT_F32, RDN, (uint64_t)-0x1000001, 0xcb800001, PE}, /* -(2^24+1) */
    /* between float formats */
    {IR_FMT_F64, IR_FMT_F32, RNE, 0x3ff0000010000000, F32_ONE, PE}, /* 1 + 2^-24 */
    {IR_FMT_F64, IR_FMT_F32, RNA, 0x3ff0000010000000, 0x3f800001, PE},
    {IR_FMT_F64, IR_FMT_F32, RNE, F64_MAX, 0x7f800000, OF | PE},
    {IR_FMT_F64, IR_FMT_F32, RZ, F64_MAX, 0x7f7fffff, OF | PE},
    {IR_FMT_F64, IR_FMT_F32, RNE, 0x3800000000000000, 0x00400000, 0}, /* 2^-127 exact */
    {IR_FMT_F64, IR_FMT_F32, RNE, 0x3690000000000000, 0, UF | PE},    /* 2^-150 */
    {IR_FMT_F64, IR_FMT_F32, RNA, 0x3690000000000000, 1, UF | PE},
    {IR_FMT_F32, IR_FMT_F64, RNE, 0x3eaaaaab, 0x3fd5555560000000, 0},
    {IR_FMT_F32, IR_FMT_F64, RNE, F32_SNAN, F64_QNAN, INV},
    {IR_FMT_F32, IR_FMT_F64, RNE, 0x00000001, 0x36a0000000000000, DE},
    {IR_FMT_F64, IR_FMT_F32, RNE, 0xfff8000000000000, F32_QNAN, 0},
};

Test(interp_fp, fcvt_table)
{
    for (size_t i = 0; i < sizeof(cvt_cases) / sizeof(cvt_cases[0]); i++) {
        const CvtCase *c = &cvt_cases[i];
        uint32_t exc;
        uint64_t r = cvt(c->from, c->to, c->a, c->rm, &exc);
        cr_expect(r == c->expect && exc == c->exc,
                  "cvt case %zu (%u -> %u rm %u of 0x%" PRIx64 "): 0x%" PRIx64
                  " exc 0x%x, expected 0x%" PRIx64 " exc 0x%x",
                  i, c->from, c->to, c->rm, c->a, r, exc, c->expect, c->exc);
    }
}

/* ---- f80 ---- */

typedef struct F80 {
    uint16_t se; /* sign and exponent */
    uint64_t m;  /* significand with the explicit integer bit */
} F80;

#define F80_SLOT(i) (TESTCPU_OFF_SCRATCH + 16 * (i))

static void f80_put(unsigned slot, F80 v)
{
    uint8_t *p = testcpu_scratch(tc) + 16 * slot;
    memcpy(p, &v.m, 8);
    memcpy(p + 8, &v.se, 2);
}
static F80 f80_get(unsigned slot)
{
    F80 v;
    const uint8_t *p = testcpu_scratch(tc) + 16 * slot;
    memcpy(&v.m, p, 8);
    memcpy(&v.se, p + 8, 2);
    return v;
}

static const F80 f80_one = {0x3fff, 0x8000000000000000};
static const F80 f80_three = {0x4000, 0xc000000000000000};
static const F80 f80_2pm64 = {0x3fbf, 0x8000000000000000};
static const F80 f80_max = {0x7ffe, 0xffffffffffffffff};
static const F80 f80_indefinite = {0xffff, 0xc000000000000000};
static const F80 f80_qnan = {0x7fff, 0xc000000000000001};
static const F80 f80_snan = {0x7fff, 0x8000000000000001};

/* slot 2 = slot 0 op slot 1 (sqrt: of slot 0); returns exc. */
static uint32_t f80_arith(IrOpcode opc, F80 a, F80 b, unsigned rm, F80 *out)
{
    f80_put(0, a);
    f80_put(1, b);
    IrBlock *blk = ir_block_new(testcpu_globals());
    IrVal p[3];
    for (int i = 0; i < 3; i++) {
        p[i] = ir_temp(blk, IR_PTR);
        ir_ptr_add(blk, p[i], IR_ENV, ir_i64(blk, F80_SLOT(i)));
    }
    if (opc == IR_f80_sqrt)
        ir_emit(blk, opc, IR_I32, 4, (IrVal[]){TC_W(15), p[2], p[0], ir_i32(blk, rm)}, 0, NULL);
    else
        ir_emit(blk, opc, IR_I32, 5, (IrVal[]){TC_W(15), p[2], p[0], p[1], ir_i32(blk, rm)}, 0,
                NULL);
    ir_exit_tb(blk, IR_EXIT_NORMAL);
    cr_assert_eq(testcpu_run(tc, blk), IR_EXIT_NORMAL, "%s", tc->error);
    ir_block_free(blk);
    *out = f80_get(2);
    return tc->w[15];
}

#define ASSERT_F80(v, want)                                                                        \
    cr_assert((v).se == (want).se && (v).m == (want).m,                                            \
              "f80 %04x:%016" PRIx64 " != %04x:%016" PRIx64, (v).se, (v).m, (want).se, (want).m)

Test(interp_fp, f80_arithmetic)
{
    F80 r;
    cr_assert_eq(f80_arith(IR_f80_div, f80_one, f80_three, RNE, &r), (uint32_t)PE);
    ASSERT_F80(r, ((F80){0x3ffd, 0xaaaaaaaaaaaaaaab}));
    f80_arith(IR_f80_div, f80_one, f80_three, RZ, &r);
    ASSERT_F80(r, ((F80){0x3ffd, 0xaaaaaaaaaaaaaaaa}));
    /* 1 + 2^-64 is a tie at 64-bit precision */
    cr_assert_eq(f80_arith(IR_f80_add, f80_one, f80_2pm64, RNE, &r), (uint32_t)PE);
    ASSERT_F80(r, f80_one);
    f80_arith(IR_f80_add, f80_one, f80_2pm64, RUP, &r);
    ASSERT_F80(r, ((F80){0x3fff, 0x8000000000000001}));
    f80_arith(IR_f80_add, f80_one, f80_2pm64, RNA, &r);
    ASSERT_F80(r, ((F80){0x3fff, 0x8000000000000001}));
    f80_arith(IR_f80_sub, (F80){0xbfff, 0x8000000000000000}, f80_2pm64, RNA, &r);
    ASSERT_F80(r, ((F80){0xbfff, 0x8000000000000001}));
    cr_assert_eq(f80_arith(IR_f80_mul, f80_three, f80_three, RNE, &r), 0u);
    ASSERT_F80(r, ((F80){0x4002, 0x9000000000000000}));
    cr_assert_eq(f80_arith(IR_f80_mul, f80_max, f80_three, RNE, &r), (uint32_t)(OF | PE));
    ASSERT_F80(r, ((F80){0x7fff, 0x8000000000000000}));
    cr_assert_eq(f80_arith(IR_f80_sqrt, (F80){0xbfff, 0x8000000000000000}, f80_one, RNE, &r),
                 (uint32_t)INV);
    ASSERT_F80(r, f80_indefinite);
    cr_assert_eq(f80_arith(IR_f80_sqrt, (F80){0x4001, 0x8000000000000000}, f80_one, RNE, &r), 0u);
    ASSERT_F80(r, ((F80){0x4000, 0x8000000000000000}));
    cr_assert_eq(f80_arith(IR_f80_div, f80_one, (F80){0, 0}, RNE, &r), (uint32_t)DZ);
    ASSERT_F80(r, ((F80){0x7fff, 0x8000000000000000}));
    /* an unnormal (integer bit clear) is an invalid operand */
    cr_assert_eq(f80_arith(IR_f80_add, (F80){0x3fff, 0x4000000000000000}, f80_one, RNE, &r),
                 (uint32_t)INV);
    ASSERT_F80(r, f80_indefinite);
    cr_assert_eq(f80_arith(IR_f80_add, f80_snan, f80_one, RNE, &r), (uint32_t)INV);
    ASSERT_F80(r, f80_indefinite);
}

Test(interp_fp, f80_conversions_and_compare)
{
    IrBlock *b = ir_block_new(testcpu_globals());
    IrVal p0 = ir_temp(b, IR_PTR), p1 = ir_temp(b, IR_PTR);
    ir_ptr_add(b, p0, IR_ENV, ir_i64(b, F80_SLOT(0)));
    ir_ptr_add(b, p1, IR_ENV, ir_i64(b, F80_SLOT(1)));
    IrVal rne = ir_i32(b, RNE);
    tc->r[1] = (uint64_t)INT64_MIN;
    tc->r[2] = 0x3fd5555555555555;
    /* slot 0 = INT64_MIN, slot 1 = (f64) 1/3; W0..W2 = compares; r3.. = conversions back */
    ir_emit(b, IR_f80_from, IR_I32, 4, (IrVal[]){TC_W(10), p0, TC_R(1), rne}, 1,
            (int64_t[]){IR_FMT_S64});
    ir_emit(b, IR_f80_from, IR_I32, 4, (IrVal[]){TC_W(11), p1, TC_R(2), rne}, 1,
            (int64_t[]){IR_FMT_F64});
    ir_emit(b, IR_f80_cmp, IR_I32, 4, (IrVal[]){TC_W(0), TC_W(12), p0, p1}, 1, (int64_t[]){1});
    ir_emit(b, IR_f80_to, IR_I64, 4, (IrVal[]){TC_R(3), TC_W(13), p0, rne}, 1,
            (int64_t[]){IR_FMT_S64});
    ir_emit(b, IR_f80_to, IR_I64, 4, (IrVal[]){TC_R(4), TC_W(14), p1, rne}, 1,
            (int64_t[]){IR_FMT_F64});
    ir_emit(b, IR_f80_to, IR_I32, 4, (IrVal[]){TC_W(5), TC_W(6), p1, rne}, 1,
            (int64_t[]){IR_FMT_F32});
    ir_emit(b, IR_f80_to, IR_I32, 4, (IrVal[]){TC_W(7), TC_W(8), p0, rne}, 1,
            (int64_t[]){IR_FMT_S32});
    ir_exit_tb(b, IR_EXIT_NORMAL);
    cr_assert_eq(testcpu_run(tc, b), IR_EXIT_NORMAL, "%s", tc->error);
    ir_block_free(b);
    ASSERT_F80(f80_get(0), ((F80){0xc03e, 0x8000000000000000}));
    ASSERT_F80(f80_get(1), ((F80){0x3ffd, 0xaaaaaaaaaaaaa800}));
    cr_assert_eq(tc->w[10], 0u);
    cr_assert_eq(tc->w[11], 0u);
    cr_assert_eq(tc->w[0], (uint32_t)IR_FCMP_LT);
    cr_assert_eq(tc->w[12], 0u);
    cr_assert_eq(tc->r[3], (uint64_t)INT64_MIN);
    cr_assert_eq(tc->w[13], 0u);
    cr_assert_eq(tc->r[4], UINT64_C(0x3fd5555555555555));
    cr_assert_eq(tc->w[14], 0u);
    cr_assert_eq(tc->w[5], 0x3eaaaaabu);
    cr_assert_eq(tc->w[6], (uint32_t)PE);
    cr_assert_eq(tc->w[7], (uint32_t)INT32_MIN);
    cr_assert_eq(tc->w[8], (uint32_t)INV);
}

/* f80 -> integer/float conversions with rounding, and compares with NaNs. */
Test(interp_fp, f80_to_rounding_and_nan_compare)
{
    static const struct {
        F80 v;
        unsigned fmt, rm;
        uint64_t expect;
        uint32_t exc;
    } cases[] = {
        {{0x4000, 0xa000000000000000}, IR_FMT_S32, RNE, 2, PE}, /* 2.5 */
        {{0x4000, 0xa000000000000000}, IR_FMT_S32, RNA, 3, PE},
        {{0xc000, 0xa000000000000000}, IR_FMT_S64, RNA, (uint64_t)-3, PE},
        {{0x4000, 0xa000000000000000}, IR_FMT_U32, RDN, 2, PE},
        {{0x403f, 0x8000000000000000}, IR_FMT_U64, RNE, UINT64_MAX, INV}, /* 2^64 */
        {{0x403e, 0xffffffffffffffff}, IR_FMT_U64, RNE, UINT64_MAX, 0},
        {{0x7fff, 0xc000000000000001}, IR_FMT_S32, RNE, 0, INV},
        {{0x3fff, 0x8000000000000001}, IR_FMT_F64, RNE, F64_ONE, PE}, /* 1 + 2^-63 */
        {{0x3fff, 0x8000000000000001}, IR_FMT_F64, RUP, 0x3ff0000000000001, PE},
        {{0x3fff, 0x8000000000000400}, IR_FMT_F64, RNE, F64_ONE, PE}, /* tie */
        {{0x3fff, 0x8000000000000400}, IR_FMT_F64, RNA, 0x3ff0000000000001, PE},
        {{0x3fff, 0x8000008000000000}, IR_FMT_F32, RNA, 0x3f800001, PE}, /* tie */
        {{0x3fff, 0x8000008000000000}, IR_FMT_F32, RNE, F32_ONE, PE},
        {{0x7ffe, 0x8000000000000000}, IR_FMT_F64, RNE, F64_INF, OF | PE},
        {{0x7fff, 0x8000000000000001}, IR_FMT_F64, RNE, F64_QNAN, INV}, /* sNaN */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        f80_put(0, cases[i].v);
        IrBlock *b = ir_block_new(testcpu_globals());
        IrVal p = ir_temp(b, IR_PTR);
        ir_ptr_add(b, p, IR_ENV, ir_i64(b, F80_SLOT(0)));
        IrType t = fmt_type(cases[i].fmt);
        ir_emit(b, IR_f80_to, t, 4, (IrVal[]){reg(t, 0), TC_W(15), p, ir_i32(b, cases[i].rm)}, 1,
                (int64_t[]){cases[i].fmt});
        ir_exit_tb(b, IR_EXIT_NORMAL);
        cr_assert_eq(testcpu_run(tc, b), IR_EXIT_NORMAL, "%s", tc->error);
        ir_block_free(b);
        cr_expect(get_reg(t, 0) == cases[i].expect && tc->w[15] == cases[i].exc,
                  "f80_to case %zu: 0x%" PRIx64 " exc 0x%x", i, get_reg(t, 0), tc->w[15]);
    }

    static const struct {
        F80 a, b;
        bool sig;
        uint32_t expect, exc;
    } cmps[] = {
        {f80_qnan, f80_one, false, IR_FCMP_UNORDERED, 0},
        {f80_qnan, f80_one, true, IR_FCMP_UNORDERED, INV},
        {f80_snan, f80_one, false, IR_FCMP_UNORDERED, INV},
        {{0x8000, 0}, {0, 0}, true, IR_FCMP_EQ, 0},
        {f80_three, f80_one, false, IR_FCMP_GT, 0},
        {{0, 1}, {0, 0}, false, IR_FCMP_GT, DE},
    };
    for (size_t i = 0; i < sizeof(cmps) / sizeof(cmps[0]); i++) {
        f80_put(0, cmps[i].a);
        f80_put(1, cmps[i].b);
        IrBlock *b = ir_block_new(testcpu_globals());
        IrVal p0 = ir_temp(b, IR_PTR), p1 = ir_temp(b, IR_PTR);
        ir_ptr_add(b, p0, IR_ENV, ir_i64(b, F80_SLOT(0)));
        ir_ptr_add(b, p1, IR_ENV, ir_i64(b, F80_SLOT(1)));
        ir_emit(b, IR_f80_cmp, IR_I32, 4, (IrVal[]){TC_W(0), TC_W(15), p0, p1}, 1,
                (int64_t[]){cmps[i].sig});
        ir_exit_tb(b, IR_EXIT_NORMAL);
        cr_assert_eq(testcpu_run(tc, b), IR_EXIT_NORMAL, "%s", tc->error);
        ir_block_free(b);
        cr_expect(tc->w[0] == cmps[i].expect && tc->w[15] == cmps[i].exc,
                  "f80_cmp case %zu: %u exc 0x%x", i, tc->w[0], tc->w[15]);
    }
}

/* The host's own floating-point environment is left as it was found. */
Test(interp_fp, host_environment_preserved)
{
    uint32_t exc;
    arith(IR_fdiv, IR_FMT_F64, F64_ONE, 0, RUP, &exc);
    arith(IR_fadd, IR_FMT_F64, F64_ONE, 0x3ca0000000000000, RNA, &exc);
    F80 r;
    f80_arith(IR_f80_add, f80_one, f80_2pm64, RNA, &r);
    cr_assert_eq(fegetround(), FE_TONEAREST);
}
