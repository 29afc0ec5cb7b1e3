/*
 * ir_eval_int follows the definitions of ir/README.md, in particular at
 * the corners where hosts differ (division, counts, carries).
 */
#include <criterion/criterion.h>

#include "ir/ir.h"
#include "ir/ir_eval.h"

/* Evaluate a one- or two-input op of type t. */
static uint64_t eval2(IrOpcode opc, IrType t, uint64_t a, uint64_t b)
{
    IrOp op = {.opc = (uint16_t)opc, .type = (uint8_t)t};
    uint64_t out[2] = {0xdead, 0xdead};
    cr_assert(ir_eval_int(&op, (uint64_t[]){a, b}, out), "%s", ir_op_defs[opc].name);
    return out[0];
}

#define EXPECT_EVAL(opc, t, a, b, want)                                                            \
    cr_expect_eq(eval2(IR_##opc, IR_##t, (a), (b)), (uint64_t)(want), #opc "_" #t "(%s, %s)", #a,  \
                 #b)

Test(ir_eval, arithmetic_wraps_to_width)
{
    EXPECT_EVAL(add, I32, 0xffffffff, 2, 1);
    EXPECT_EVAL(sub, I32, 0, 1, 0xffffffff);
    EXPECT_EVAL(neg, I64, 1, 0, UINT64_MAX);
    EXPECT_EVAL(mul, I32, 0x10000, 0x10000, 0);
    EXPECT_EVAL(mulh_u, I32, 0xffffffff, 0xffffffff, 0xfffffffe);
    EXPECT_EVAL(mulh_s, I32, 0xffffffff, 0xffffffff, 0);
    EXPECT_EVAL(mulh_s, I64, INT64_MIN, 2, UINT64_MAX);
    EXPECT_EVAL(mulh_u, I64, UINT64_MAX, 2, 1);
    EXPECT_EVAL(andc, I32, 0xff, 0x0f, 0xf0);
    EXPECT_EVAL(orc, I32, 0, 0xfffffff0, 0xf);
}

Test(ir_eval, shifts_take_count_mod_width)
{
    EXPECT_EVAL(shl, I32, 1, 31, 0x80000000);
    EXPECT_EVAL(shl, I32, 1, 33, 2);
    EXPECT_EVAL(shr, I64, UINT64_MAX, 64, UINT64_MAX);
    EXPECT_EVAL(sar, I32, 0x80000000, 4, 0xf8000000);
    EXPECT_EVAL(rotl, I32, 0x80000001, 1, 3);
    EXPECT_EVAL(rotr, I64, 1, 1, 0x8000000000000000);
    EXPECT_EVAL(rotr, I32, 0x12345678, 0, 0x12345678);
}

Test(ir_eval, division_corners_are_defined)
{
    EXPECT_EVAL(div_u, I32, 7, 0, 0);
    EXPECT_EVAL(rem_u, I32, 7, 0, 7);
    EXPECT_EVAL(div_s, I32, 7, 0, 0);
    EXPECT_EVAL(rem_s, I64, 7, 0, 7);
    EXPECT_EVAL(div_s, I32, 0x80000000, 0xffffffff, 0x80000000);
    EXPECT_EVAL(rem_s, I32, 0x80000000, 0xffffffff, 0);
    EXPECT_EVAL(div_s, I64, INT64_MIN, UINT64_MAX, INT64_MIN);
    EXPECT_EVAL(div_s, I32, (uint32_t)-7, 2, (uint32_t)-3);
    EXPECT_EVAL(rem_s, I32, (uint32_t)-7, 2, (uint32_t)-1);
    EXPECT_EVAL(div_u, I32, 0xfffffff9, 2, 0x7ffffffc);

    IrOp op = {.opc = IR_div_s, .type = IR_I32};
    cr_expect(ir_eval_div_is_corner(&op, (uint64_t[]){0x80000000, 0xffffffff}));
    cr_expect(ir_eval_div_is_corner(&op, (uint64_t[]){5, 0}));
    cr_expect_not(ir_eval_div_is_corner(&op, (uint64_t[]){0x80000000, 1}));
}

Test(ir_eval, bit_counts_and_swaps)
{
    EXPECT_EVAL(clz, I32, 0, 0, 32);
    EXPECT_EVAL(clz, I64, 1, 0, 63);
    EXPECT_EVAL(ctz, I64, 0, 0, 64);
    EXPECT_EVAL(ctz, I32, 0x80000000, 0, 31);
    EXPECT_EVAL(popcnt, I64, UINT64_MAX, 0, 64);
    EXPECT_EVAL(bswap16, I32, 0xaabbccdd, 0, 0xddcc);
    EXPECT_EVAL(bswap32, I64, 0x1122334455667788, 0, 0x88776655);
    EXPECT_EVAL(bswap64, I64, 0x1122334455667788, 0, 0x8877665544332211);
    EXPECT_EVAL(ext8s, I32, 0x80, 0, 0xffffff80);
    EXPECT_EVAL(ext16u, I64, 0xffffffff, 0, 0xffff);
    EXPECT_EVAL(ext32s, I64, 0x80000000, 0, 0xffffffff80000000);
    EXPECT_EVAL(ext32u, I32, 0x80000000, 0, 0x80000000);
}

static uint64_t eval_field(IrOpcode opc, IrType t, uint64_t a, uint64_t b, int pos, int len)
{
    IrOp op = {.opc = (uint16_t)opc, .type = (uint8_t)t, .imm = {pos, len}};
    uint64_t out;
    cr_assert(ir_eval_int(&op, (uint64_t[]){a, b}, &out));
    return out;
}

Test(ir_eval, bit_fields)
{
    cr_expect_eq(eval_field(IR_extract, IR_I32, 0xabcd1234, 0, 8, 8), 0x12);
    cr_expect_eq(eval_field(IR_sextract, IR_I32, 0x00008000, 0, 12, 4), 0xfffffff8);
    cr_expect_eq(eval_field(IR_extract, IR_I64, UINT64_MAX, 0, 0, 64), UINT64_MAX);
    cr_expect_eq(eval_field(IR_sextract, IR_I64, 0x80000000, 0, 0, 32), 0xffffffff80000000);
    cr_expect_eq(eval_field(IR_deposit, IR_I32, 0xffffffff, 0x5a5, 4, 8), 0xfffffa5f);
    cr_expect_eq(eval_field(IR_deposit, IR_I64, 0, UINT64_MAX, 63, 1), 0x8000000000000000);
}

static void eval_carry(IrOpcode opc, IrType t, uint64_t a, uint64_t b, uint64_t c, uint64_t *d,
                       uint64_t *co)
{
    IrOp op = {.opc = (uint16_t)opc, .type = (uint8_t)t};
    uint64_t out[2];
    cr_assert(ir_eval_int(&op, (uint64_t[]){a, b, c}, out));
    *d = out[0];
    *co = out[1];
}

Test(ir_eval, carries_and_borrows)
{
    uint64_t d, c;
    eval_carry(IR_add_carry, IR_I32, 0xffffffff, 0, 1, &d, &c);
    cr_expect(d == 0 && c == 1);
    eval_carry(IR_add_carry, IR_I64, UINT64_MAX, UINT64_MAX, 1, &d, &c);
    cr_expect(d == UINT64_MAX && c == 1);
    eval_carry(IR_add_carry, IR_I32, 1, 2, 0, &d, &c);
    cr_expect(d == 3 && c == 0);
    eval_carry(IR_sub_borrow, IR_I32, 0, 0, 1, &d, &c);
    cr_expect(d == 0xffffffff && c == 1);
    eval_carry(IR_sub_borrow, IR_I64, 5, 5, 0, &d, &c);
    cr_expect(d == 0 && c == 0);
    eval_carry(IR_sub_borrow, IR_I64, 0, UINT64_MAX, 1, &d, &c);
    cr_expect(d == 0 && c == 1);
}

Test(ir_eval, conditions_signed_and_unsigned)
{
    cr_expect(ir_eval_cond(IR_LT, IR_I32, 0xffffffff, 0));
    cr_expect_not(ir_eval_cond(IR_LTU, IR_I32, 0xffffffff, 0));
    cr_expect(ir_eval_cond(IR_GEU, IR_I64, UINT64_MAX, 1));
    cr_expect(ir_eval_cond(IR_LE, IR_I64, 3, 3));
    cr_expect_not(ir_eval_cond(IR_GT, IR_I32, 0x80000000, 0x7fffffff));
    cr_expect(ir_eval_cond(IR_NE, IR_I32, 1, 2));
    IrOp mc = {.opc = IR_movcond, .type = IR_I32, .imm = {IR_GTU}};
    uint64_t out;
    cr_assert(ir_eval_int(&mc, (uint64_t[]){2, 1, 10, 20}, &out));
    cr_expect_eq(out, 10);
    IrOp sc = {.opc = IR_setcond, .type = IR_I64, .imm = {IR_EQ}};
    cr_assert(ir_eval_int(&sc, (uint64_t[]){7, 8}, &out));
    cr_expect_eq(out, 0);
}

Test(ir_eval, declines_non_integer_ops)
{
    uint64_t out[2];
    IrOp ld = {.opc = IR_ld, .type = IR_I32};
    IrOp fadd = {.opc = IR_fadd, .type = IR_I64};
    IrOp trunc = {.opc = IR_trunc, .type = IR_I32};
    cr_expect_not(ir_eval_int(&ld, (uint64_t[]){0, 0}, out));
    cr_expect_not(ir_eval_int(&fadd, (uint64_t[]){0, 0, 0}, out));
    cr_assert(ir_eval_int(&trunc, (uint64_t[]){0x123456789}, out));
    cr_expect_eq(out[0], 0x23456789);
}
