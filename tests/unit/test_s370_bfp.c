/*
 * ESA/390 binary floating point (frontends/s370/s370_bfp.c): the rules of
 * PoO-390 §19 where IEEE 754 leaves a choice or a host differs — NaN
 * priority and the positive default NaN, tininess before rounding, the
 * scaled results of trapped overflow and underflow — and the conversions.
 */
#include <criterion/criterion.h>

#include "frontends/s370/s370_bfp.h"

TestSuite(s370_bfp);

#define SHORT S370_BFP_SHORT
#define LONG  S370_BFP_LONG
#define EXT   S370_BFP_EXT
#define RNE   S370_BFP_RNE
#define INV   S370_BFP_INVALID
#define UF    S370_BFP_UNDERFLOW
#define OF    S370_BFP_OVERFLOW
#define IX    S370_BFP_INEXACT

static S370BfpVal v(uint64_t hi)
{
    return (S370BfpVal){hi, 0};
}

#define expect(r, hi_, exc_)                                                                       \
    do {                                                                                           \
        S370BfpResult r_ = (r);                                                                    \
        cr_expect_eq(r_.v.hi, (uint64_t)(hi_), "%016llx, expected %016llx",                        \
                     (unsigned long long)r_.v.hi, (unsigned long long)(hi_));                      \
        cr_expect_eq(r_.exc, (exc_), "exc %#x, expected %#x", r_.exc, (unsigned)(exc_));           \
    } while (0)

Test(s370_bfp, arithmetic)
{
    expect(
        s370_bfp_arith(S370_BFP_ADD, LONG, LONG, v(0x3ff0000000000000), v(0x3fe0000000000000), RNE),
        0x3ff8000000000000, 0);
    expect(
        s370_bfp_arith(S370_BFP_DIV, LONG, LONG, v(0x3ff0000000000000), v(0x4008000000000000), RNE),
        0x3fd5555555555555, IX);
    expect(s370_bfp_arith(S370_BFP_DIV, LONG, LONG, v(0x3ff0000000000000), v(0x4008000000000000),
                          S370_BFP_RP),
           0x3fd5555555555556, IX);
    /* x - x is +0, or -0 rounding toward minus infinity. */
    expect(s370_bfp_arith(S370_BFP_SUB, SHORT, SHORT, v(0x3f800000), v(0x3f800000), RNE), 0, 0);
    expect(s370_bfp_arith(S370_BFP_SUB, SHORT, SHORT, v(0x3f800000), v(0x3f800000), S370_BFP_RM),
           0x80000000, 0);
    /* MDEBR: short operands, exact long product. */
    expect(s370_bfp_arith(S370_BFP_MUL, SHORT, LONG, v(0x3f800001), v(0x3f800001), RNE),
           0x3ff0000040000040, 0);
    expect(s370_bfp_arith(S370_BFP_DIV, LONG, LONG, v(0x3ff0000000000000), v(0), RNE),
           0x7ff0000000000000, S370_BFP_DIVIDE);
}

Test(s370_bfp, nans)
{
    /* The default NaN is positive. */
    expect(s370_bfp_arith(S370_BFP_MUL, LONG, LONG, v(0), v(0x7ff0000000000000), RNE),
           0x7ff8000000000000, INV);
    expect(s370_bfp_sqrt(LONG, v(0xbff0000000000000), RNE), 0x7ff8000000000000, INV);
    expect(s370_bfp_sqrt(LONG, v(0x8000000000000000), RNE), 0x8000000000000000, 0);
    /* An SNaN wins over a QNaN in an earlier operand, and is quieted. */
    expect(
        s370_bfp_arith(S370_BFP_ADD, LONG, LONG, v(0xfff8000000000001), v(0x7ff0000000000002), RNE),
        0x7ff8000000000002, INV);
    /* Of two QNaNs the first operand's, sign and payload kept. */
    expect(
        s370_bfp_arith(S370_BFP_SUB, LONG, LONG, v(0xfff8000000000001), v(0x7ff8000000000002), RNE),
        0xfff8000000000001, 0);
    /* LOAD ROUNDED keeps the leftmost payload bits; LOAD LENGTHENED pads. */
    expect(s370_bfp_convert(LONG, SHORT, v(0x7ff4000020000000), RNE), 0x7fe00001, INV);
    expect(s370_bfp_convert(SHORT, LONG, v(0xffc00001), RNE), 0xfff8000020000000, 0);
    uint8_t exc;
    cr_expect_eq(s370_bfp_compare(LONG, v(0x7ff8000000000000), v(0), false, &exc), 3);
    cr_expect_eq(exc, 0);
    cr_expect_eq(s370_bfp_compare(LONG, v(0x7ff8000000000000), v(0), true, &exc), 3);
    cr_expect_eq(exc, INV);
}

Test(s370_bfp, tininess_before_rounding)
{
    /* (1 - 2^-24) * 2^-126 rounds up to the smallest normal, but is tiny
     * before rounding: underflow (PoO-390 §19), unlike an x86 host. */
    S370BfpResult r = s370_bfp_arith(S370_BFP_MUL, SHORT, SHORT, v(0x3f7fffff), v(0x00800000), RNE);
    expect(r, 0x00800000, UF | IX);
    cr_expect(r.tiny);
    /* An exact subnormal: tiny but no underflow flag unless trapped. */
    r = s370_bfp_arith(S370_BFP_SUB, SHORT, SHORT, v(0x00800001), v(0x00800000), RNE);
    expect(r, 0x00000001, 0);
    cr_expect(r.tiny);
}

Test(s370_bfp, scaled_results)
{
    /* Overflow: DBL_MAX + DBL_MAX scaled by 2^-1536. */
    S370BfpResult r =
        s370_bfp_arith(S370_BFP_ADD, LONG, LONG, v(0x7fefffffffffffff), v(0x7fefffffffffffff), RNE);
    expect(r, 0x7ff0000000000000, OF | IX);
    cr_expect_eq(r.scaled.hi, 0x1fffffffffffffff);
    cr_expect(!r.scaled_inexact);
    r = s370_bfp_arith(S370_BFP_ADD, LONG, LONG, v(0x7fefffffffffffff), v(0x7fefffffffffffff),
                       S370_BFP_RZ);
    expect(r, 0x7fefffffffffffff, OF | IX);
    /* Underflow: 2^-1022 / 2 scaled by 2^1536. */
    r = s370_bfp_arith(S370_BFP_DIV, LONG, LONG, v(0x0010000000000000), v(0x4000000000000000), RNE);
    expect(r, 0x0008000000000000, 0);
    cr_expect(r.tiny);
    cr_expect_eq(r.scaled.hi, 0x6000000000000000);
    /* Short: 2^127 * 4 scaled by 2^-192. */
    r = s370_bfp_arith(S370_BFP_MUL, SHORT, SHORT, v(0x7f000000), v(0x40800000), RNE);
    expect(r, 0x7f800000, OF | IX);
    cr_expect_eq(r.scaled.hi, (uint64_t)(129 - 192 + 127) << 23);
}

Test(s370_bfp, conversions)
{
    uint8_t exc, cc;
    cr_expect_eq(s370_bfp_to_int32(LONG, v(0xc004000000000000), S370_BFP_RZ, &exc, &cc), -2);
    cr_expect_eq(cc, 1);
    cr_expect_eq(exc, IX);
    cr_expect_eq(s370_bfp_to_int32(LONG, v(0xc004000000000000), S370_BFP_RNA, &exc, &cc), -3);
    cr_expect_eq(s370_bfp_to_int32(LONG, v(0x41e0000000000000), RNE, &exc, &cc), INT32_MAX);
    cr_expect_eq(exc, INV);
    cr_expect_eq(cc, 3);
    cr_expect_eq(s370_bfp_to_int32(LONG, v(0xc1e0000000000000), RNE, &exc, &cc), INT32_MIN);
    cr_expect_eq(exc, 0);
    cr_expect_eq(s370_bfp_to_int32(LONG, v(0x7ff8000000000000), RNE, &exc, &cc), INT32_MIN);
    cr_expect_eq(cc, 3);
    expect(s370_bfp_from_int32(SHORT, 16777217, RNE), 0x4b800000, IX);
    expect(s370_bfp_from_int32(LONG, INT32_MIN, RNE), 0xc1e0000000000000, 0);
    expect(s370_bfp_round_int(LONG, v(0x4004000000000000), RNE), 0x4000000000000000, IX);
    expect(s370_bfp_round_int(LONG, v(0xbfd0000000000000), S370_BFP_RP), 0x8000000000000000, IX);
    S370BfpResult r = s370_bfp_convert(LONG, EXT, v(0x3fd5555555555555), RNE);
    cr_expect_eq(r.v.hi, 0x3ffd555555555555);
    cr_expect_eq(r.v.lo, 0x5000000000000000);
}

Test(s370_bfp, classes)
{
    cr_expect_eq(s370_bfp_class(LONG, v(0)), 0x800);
    cr_expect_eq(s370_bfp_class(LONG, v(0x8000000000000000)), 0x400);
    cr_expect_eq(s370_bfp_class(LONG, v(0x0000000000000001)), 0x080);
    cr_expect_eq(s370_bfp_class(LONG, v(0xfff0000000000000)), 0x010);
    cr_expect_eq(s370_bfp_class(LONG, v(0x7ff0000000000001)), 0x002);
    cr_expect_eq(s370_bfp_class(SHORT, v(0xffc00000)), 0x004);
    cr_expect_eq(s370_bfp_cc(SHORT, v(0xbf800000)), 1);
}
