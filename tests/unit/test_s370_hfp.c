/*
 * S/370 hexadecimal floating point (frontends/s370/s370_hfp.c): the rules
 * of PoO-370 §9 checked on hand-worked values — the guard digit,
 * truncation, normalized and unnormalized sums, the wrapped characteristic
 * of overflow and underflow, significance, true zeros, prenormalized
 * multiply and divide, HALVE, LOAD ROUNDED and SQUARE ROOT.
 */
#include <criterion/criterion.h>

#include "frontends/s370/s370_hfp.h"
#include "frontends/s370/s370_internal.h"

TestSuite(s370_hfp);

#define SHORT S370_HFP_SHORT
#define LONG  S370_HFP_LONG
#define EXT   S370_HFP_EXT
#define EU    S370_HFP_MASK_EXPUND
#define SG    S370_HFP_MASK_SIGNIF

static S370HfpVal v1(uint64_t hi)
{
    return (S370HfpVal){hi, 0};
}
static S370HfpVal v2(uint64_t hi, uint64_t lo)
{
    return (S370HfpVal){hi, lo};
}

#define expect(r, hi_, pgm_, cc_)                                                                  \
    do {                                                                                           \
        S370HfpResult r_ = (r);                                                                    \
        cr_expect_eq(r_.v.hi, (uint64_t)(hi_), "hi %016llx, expected %016llx",                     \
                     (unsigned long long)r_.v.hi, (unsigned long long)(hi_));                      \
        cr_expect_eq(r_.pgm, (pgm_), "pgm %#x, expected %#x", r_.pgm, (unsigned)(pgm_));           \
        cr_expect_eq(r_.cc, (cc_), "cc %u, expected %u", r_.cc, (unsigned)(cc_));                  \
    } while (0)

#define expect_ext(r, hi_, lo_, pgm_, cc_)                                                         \
    do {                                                                                           \
        S370HfpResult rx_ = (r);                                                                   \
        expect(rx_, hi_, pgm_, cc_);                                                               \
        cr_expect_eq(rx_.v.lo, (uint64_t)(lo_), "lo %016llx, expected %016llx",                    \
                     (unsigned long long)rx_.v.lo, (unsigned long long)(lo_));                     \
    } while (0)

static S370HfpResult add_s(uint32_t a, uint32_t b, unsigned mask)
{
    return s370_hfp_add(SHORT, v1(a), v1(b), true, mask);
}
static S370HfpResult addu_s(uint32_t a, uint32_t b, unsigned mask)
{
    return s370_hfp_add(SHORT, v1(a), v1(b), false, mask);
}
static S370HfpResult sub_s(uint32_t a, uint32_t b, unsigned mask)
{
    return s370_hfp_add(SHORT, v1(a), s370_hfp_negate(SHORT, v1(b)), true, mask);
}

Test(s370_hfp, add_normalized_short)
{
    expect(add_s(0x41100000, 0x41100000, 0), 0x41200000, 0, 2); /* 1 + 1 */
    expect(add_s(0x41100000, 0x40800000, 0), 0x41180000, 0, 2); /* 1 + 0.5 */
    expect(add_s(0x41800000, 0x41800000, 0), 0x42100000, 0, 2); /* carry: 8/16 + 8/16 */
    expect(add_s(0xc1100000, 0x40800000, 0), 0xc0800000, 0, 1); /* -1 + 0.5 */
    expect(add_s(0x42010000, 0x00000000, 0), 0x41100000, 0, 2); /* normalizes */
    expect(sub_s(0x41300000, 0x41100000, 0), 0x41200000, 0, 2); /* 3 - 1 */
    expect(sub_s(0x41100000, 0x41300000, 0), 0xc1200000, 0, 1); /* 1 - 3 */
    expect(add_s(0x41100000, 0x3f100001, 0), 0x41101000, 0, 2); /* truncated */
    expect(add_s(0x41100000, 0x39100000, 0), 0x41100000, 0, 2); /* beyond the guard */
    expect(add_s(0x00000000, 0x00000000, SG), 0x00000000, S370_PGM_SIGNIFICANCE, 0);
}

Test(s370_hfp, guard_digit)
{
    /* 1 - (1 - 16^-6): the digit shifted into the guard position makes
     * the difference exact, 16^-6 (PoO-370 §9 "ADD NORMALIZED"). */
    expect(add_s(0x41100000, 0xc0ffffff, 0), 0x3b100000, 0, 2);
    /* Unnormalized, the guard digit is truncated: a zero fraction. */
    expect(addu_s(0x41100000, 0xc0ffffff, 0), 0x00000000, 0, 0);
    expect(addu_s(0x41100000, 0xc0ffffff, SG), 0x41000000, S370_PGM_SIGNIFICANCE, 0);
    /* Long: 1 - (1 - 16^-14). */
    expect(s370_hfp_add(LONG, v1(0x4110000000000000), v1(0xc0ffffffffffffff), true, 0),
           0x3310000000000000, 0, 2);
}

Test(s370_hfp, add_unnormalized)
{
    expect(addu_s(0x42010000, 0x42010000, 0), 0x42020000, 0, 2);
    expect(addu_s(0x41100000, 0x40800000, 0), 0x41180000, 0, 2);
    expect(addu_s(0x41800000, 0x41800000, 0), 0x42100000, 0, 2);
    /* Leading zeros stay, so no underflow: 16^-64 * (0.1 - 0.08). */
    expect(addu_s(0x00100000, 0x80080000, EU), 0x00080000, 0, 2);
}

Test(s370_hfp, exponent_overflow_wraps)
{
    /* Overflow always interrupts; the characteristic is 128 smaller. */
    expect(add_s(0x7fffffff, 0x7fffffff, 0), 0x001fffff, S370_PGM_EXPONENT_OVERFLOW, 2);
    expect(add_s(0xfff00000, 0xfff00000, 0), 0x801e0000, S370_PGM_EXPONENT_OVERFLOW, 1);
    expect(addu_s(0x7f800000, 0x7f800000, 0), 0x00100000, S370_PGM_EXPONENT_OVERFLOW, 2);
}

Test(s370_hfp, exponent_underflow)
{
    /* 16^-64 * (1/16 - 1/32) normalizes below characteristic 0. */
    expect(sub_s(0x00100000, 0x00080000, 0), 0x00000000, 0, 0);
    expect(sub_s(0x00100000, 0x00080000, EU), 0x7f800000, S370_PGM_EXPONENT_UNDERFLOW, 2);
    expect(sub_s(0x80100000, 0x80080000, EU), 0xff800000, S370_PGM_EXPONENT_UNDERFLOW, 1);
}

Test(s370_hfp, significance)
{
    expect(sub_s(0x41100000, 0x41100000, 0), 0x00000000, 0, 0);
    expect(sub_s(0x41100000, 0x41100000, SG), 0x41000000, S370_PGM_SIGNIFICANCE, 0);
    /* The intermediate characteristic is the larger one, the sign plus. */
    expect(sub_s(0xc3000010, 0xc1001000, SG), 0x43000000, S370_PGM_SIGNIFICANCE, 0);
    /* An unnormalized zero with a large characteristic swamps a number
     * whose digits all shift out. */
    expect(add_s(0x50000000, 0x41100000, SG), 0x50000000, S370_PGM_SIGNIFICANCE, 0);
    expect(add_s(0x50000000, 0x41100000, 0), 0x00000000, 0, 0);
    /* A zero result never underflows. */
    expect(sub_s(0x00100000, 0x00100000, EU), 0x00000000, 0, 0);
}

Test(s370_hfp, add_extended)
{
    /* 1 + 16^-20: the low-order part carries digits 15-28 with a
     * characteristic 14 smaller. */
    expect_ext(s370_hfp_add(EXT, v2(0x4110000000000000, 0x3300000000000000),
                            v2(0x2d10000000000000, 0x1f00000000000000), true, 0),
               0x4110000000000000, 0x3300000010000000, 0, 2);
    /* 1 - (1 - 16^-28) with the guard digit. */
    expect_ext(s370_hfp_add(EXT, v2(0x4110000000000000, 0x3300000000000000),
                            v2(0xc0ffffffffffffff, 0xb2ffffffffffffff), true, 0),
               0x2510000000000000, 0x1700000000000000, 0, 2);
    /* A true zero clears both parts; the low characteristic wraps. */
    expect_ext(s370_hfp_add(EXT, v2(0x4110000000000000, 0), v2(0xc110000000000000, 0), true, 0), 0,
               0, 0, 0);
    expect_ext(s370_hfp_add(EXT, v2(0x0a10000000000000, 0), v2(0x0a10000000000000, 0), true, 0),
               0x0a20000000000000, 0x7c00000000000000, 0, 2);
    expect_ext(s370_hfp_add(EXT, v2(0x4110000000000000, 0), v2(0xc110000000000000, 0), true, SG),
               0x4100000000000000, 0x3300000000000000, S370_PGM_SIGNIFICANCE, 0);
}

Test(s370_hfp, compare)
{
    cr_expect_eq(s370_hfp_compare(SHORT, v1(0x41100000), v1(0x42010000)), 0); /* 1 = 1 */
    cr_expect_eq(s370_hfp_compare(SHORT, v1(0x41100000), v1(0x41200000)), 1);
    cr_expect_eq(s370_hfp_compare(SHORT, v1(0x41200000), v1(0x41100000)), 2);
    cr_expect_eq(s370_hfp_compare(SHORT, v1(0xc1200000), v1(0x41100000)), 1);
    cr_expect_eq(s370_hfp_compare(SHORT, v1(0x80000000), v1(0x00000000)), 0); /* -0 = +0 */
    cr_expect_eq(s370_hfp_compare(SHORT, v1(0x45000000), v1(0x00000000)), 0);
    /* Digits shifted beyond the guard digit do not count. */
    cr_expect_eq(s370_hfp_compare(SHORT, v1(0x48000000), v1(0x41100000)), 0);
    cr_expect_eq(s370_hfp_compare(SHORT, v1(0x47000000), v1(0x41100000)), 1);
    cr_expect_eq(s370_hfp_compare(SHORT, v1(0x41100000), v1(0x39100000)), 2);
    cr_expect_eq(s370_hfp_compare(SHORT, v1(0x41100000), v1(0x3a100000)), 2);
    cr_expect_eq(s370_hfp_compare(LONG, v1(0x4110000000000000), v1(0x4110000000000001)), 1);
}

Test(s370_hfp, multiply)
{
    /* ME: short operands, long product. */
    expect(s370_hfp_mul(SHORT, LONG, v1(0x41200000), v1(0x41300000), 0), 0x4160000000000000, 0, 2);
    expect(s370_hfp_mul(SHORT, LONG, v1(0x41ffffff), v1(0xc1ffffff), 0), 0xc2fffffe00000100, 0, 1);
    /* Prenormalization of an unnormalized operand. */
    expect(s370_hfp_mul(SHORT, LONG, v1(0x42020000), v1(0x41300000), 0), 0x4160000000000000, 0, 2);
    /* MD truncates: (1/3) * 3. */
    expect(s370_hfp_mul(LONG, LONG, v1(0x4055555555555555), v1(0x4130000000000000), 0),
           0x40ffffffffffffff, 0, 2);
    /* A zero fraction gives a true zero, whatever the characteristic. */
    expect(s370_hfp_mul(LONG, LONG, v1(0xc500000000000000), v1(0x4130000000000000), EU), 0, 0, 0);
    /* Overflow and underflow of the product. */
    expect(s370_hfp_mul(LONG, LONG, v1(0x7f10000000000000), v1(0x4220000000000000), 0),
           0x0020000000000000, S370_PGM_EXPONENT_OVERFLOW, 2);
    expect(s370_hfp_mul(LONG, LONG, v1(0x0110000000000000), v1(0x3e10000000000000), 0), 0, 0, 0);
    expect(s370_hfp_mul(LONG, LONG, v1(0x0110000000000000), v1(0x3e10000000000000), EU),
           0x7e10000000000000, S370_PGM_EXPONENT_UNDERFLOW, 2);
}

Test(s370_hfp, multiply_extended)
{
    /* MXD: the exact 28-digit product. */
    expect_ext(s370_hfp_mul(LONG, EXT, v1(0x4055555555555555), v1(0x4130000000000000), 0),
               0x40ffffffffffffff, 0x3200000000000000, 0, 2);
    expect_ext(s370_hfp_mul(LONG, EXT, v1(0x40ffffffffffffff), v1(0x40ffffffffffffff), 0),
               0x40fffffffffffffe, 0x3200000000000001, 0, 2);
    /* MXR: 56 digits truncated to 28. */
    expect_ext(s370_hfp_mul(EXT, EXT, v2(0x4055555555555555, 0x3255555555555555),
                            v2(0x4130000000000000, 0x3300000000000000), 0),
               0x40ffffffffffffff, 0x32ffffffffffffff, 0, 2);
    expect_ext(s370_hfp_mul(EXT, EXT, v2(0x40ffffffffffffff, 0x32ffffffffffffff),
                            v2(0xc0ffffffffffffff, 0xb2ffffffffffffff), 0),
               0xc0ffffffffffffff, 0xb2fffffffffffffe, 0, 1);
}

Test(s370_hfp, divide)
{
    expect(s370_hfp_div(SHORT, v1(0x41100000), v1(0x41300000), 0), 0x40555555, 0, 2);
    expect(s370_hfp_div(SHORT, v1(0x41300000), v1(0x41200000), 0), 0x41180000, 0, 2);
    expect(s370_hfp_div(SHORT, v1(0xc1100000), v1(0x42010000), 0), 0xc1100000, 0, 1);
    expect(s370_hfp_div(LONG, v1(0x4110000000000000), v1(0x4130000000000000), 0),
           0x4055555555555555, 0, 2);
    expect(s370_hfp_div(LONG, v1(0x4120000000000000), v1(0x4130000000000000), 0),
           0x40aaaaaaaaaaaaaa, 0, 2);
    /* Zero divisor fraction: suppressed, the first operand unchanged. */
    expect(s370_hfp_div(SHORT, v1(0x41100000), v1(0x42000000), 0), 0x41100000,
           S370_PGM_FLOAT_DIVIDE, 0);
    /* Zero dividend: a true zero. */
    expect(s370_hfp_div(SHORT, v1(0xc3000000), v1(0x41300000), 0), 0, 0, 0);
    expect(s370_hfp_div(SHORT, v1(0x7f100000), v1(0x3f100000), 0), 0x01100000,
           S370_PGM_EXPONENT_OVERFLOW, 2);
    expect(s370_hfp_div(SHORT, v1(0x01100000), v1(0x7f100000), EU), 0x43100000,
           S370_PGM_EXPONENT_UNDERFLOW, 2);
}

Test(s370_hfp, divide_extended)
{
    /* DXR: 28 digits, truncated. */
    expect_ext(s370_hfp_div(EXT, v2(0x4110000000000000, 0x3300000000000000),
                            v2(0x4130000000000000, 0x3300000000000000), 0),
               0x4055555555555555, 0x3255555555555555, 0, 2);
    expect_ext(s370_hfp_div(EXT, v2(0x4120000000000000, 0), v2(0x4130000000000000, 0), 0),
               0x40aaaaaaaaaaaaaa, 0x32aaaaaaaaaaaaaa, 0, 2);
    expect_ext(s370_hfp_div(EXT, v2(0x4130000000000000, 0), v2(0xc120000000000000, 0), 0),
               0xc118000000000000, 0xb300000000000000, 0, 1);
    expect_ext(s370_hfp_div(EXT, v2(0x4110000000000000, 0), v2(0x4100000000000000, 0), 0),
               0x4110000000000000, 0, S370_PGM_FLOAT_DIVIDE, 0);
}

Test(s370_hfp, halve)
{
    expect(s370_hfp_halve(SHORT, v1(0x41200000), 0), 0x41100000, 0, 2);
    expect(s370_hfp_halve(SHORT, v1(0x41100000), 0), 0x40800000, 0, 2);
    /* The bit shifted out is kept when the result is normalized... */
    expect(s370_hfp_halve(SHORT, v1(0x41100001), 0), 0x40800008, 0, 2);
    /* ...and lost when it is not. */
    expect(s370_hfp_halve(SHORT, v1(0xc1300001), 0), 0xc1180000, 0, 1);
    expect(s370_hfp_halve(SHORT, v1(0x41000000), 0), 0, 0, 0);
    expect(s370_hfp_halve(SHORT, v1(0x00100000), 0), 0, 0, 0);
    expect(s370_hfp_halve(SHORT, v1(0x00100000), EU), 0x7f800000, S370_PGM_EXPONENT_UNDERFLOW, 2);
    expect(s370_hfp_halve(LONG, v1(0x4110000000000001), 0), 0x4080000000000008, 0, 2);
}

Test(s370_hfp, load_rounded)
{
    /* LRER: a one added at the leftmost dropped bit. */
    expect(s370_hfp_round(LONG, v1(0x4110000080000000)), 0x41100001, 0, 2);
    expect(s370_hfp_round(LONG, v1(0x411000007fffffff)), 0x41100000, 0, 2);
    expect(s370_hfp_round(LONG, v1(0xc1ffffff80000000)), 0xc2100000, 0, 1);
    expect(s370_hfp_round(LONG, v1(0x7fffffff80000000)), 0x00100000, S370_PGM_EXPONENT_OVERFLOW, 2);
    /* Not normalized; a zero keeps its sign and characteristic. */
    expect(s370_hfp_round(LONG, v1(0x4200000100000000)), 0x42000001, 0, 2);
    expect(s370_hfp_round(LONG, v1(0xc200000000000000)), 0xc2000000, 0, 0);
    /* LRDR: bit 8 of the low-order part. */
    expect(s370_hfp_round(EXT, v2(0x4110000000000000, 0x3280000000000000)), 0x4110000000000001, 0,
           2);
    expect(s370_hfp_round(EXT, v2(0x4110000000000000, 0x337fffffffffffff)), 0x4110000000000000, 0,
           2);
    expect(s370_hfp_round(EXT, v2(0x41ffffffffffffff, 0x3380000000000000)), 0x4210000000000000, 0,
           2);
}

Test(s370_hfp, square_root)
{
    expect(s370_hfp_sqrt(SHORT, v1(0x41400000)), 0x41200000, 0, 2); /* sqrt 4 */
    expect(s370_hfp_sqrt(SHORT, v1(0x42100000)), 0x41400000, 0, 2); /* sqrt 16 */
    expect(s370_hfp_sqrt(SHORT, v1(0x41100000)), 0x41100000, 0, 2); /* sqrt 1 */
    expect(s370_hfp_sqrt(SHORT, v1(0x41200000)), 0x4116a09e, 0, 2); /* sqrt 2 */
    expect(s370_hfp_sqrt(SHORT, v1(0x42040000)), 0x41200000, 0, 2); /* unnormalized 4 */
    /* sqrt 2 = 1.6A09E667F3BCC9..., rounded at the 15th digit. */
    expect(s370_hfp_sqrt(LONG, v1(0x4120000000000000)), 0x4116a09e667f3bcd, 0, 2);
    expect(s370_hfp_sqrt(LONG, v1(0x4090000000000000)), 0x40c0000000000000, 0, 2); /* 0.75 */
    expect(s370_hfp_sqrt(SHORT, v1(0xc1100000)), 0xc1100000, S370_PGM_SQUARE_ROOT, 0);
    expect(s370_hfp_sqrt(SHORT, v1(0xc1000000)), 0, 0, 0); /* minus zero fraction */
    expect(s370_hfp_sqrt(LONG, v1(0x0010000000000000)), 0x2040000000000000, 0, 2);
}

Test(s370_hfp, condition_code)
{
    cr_expect_eq(s370_hfp_cc(SHORT, v1(0x80000000)), 0);
    cr_expect_eq(s370_hfp_cc(SHORT, v1(0x7f000000)), 0);
    cr_expect_eq(s370_hfp_cc(SHORT, v1(0x00000001)), 2);
    cr_expect_eq(s370_hfp_cc(LONG, v1(0x8000000000000001)), 1);
    cr_expect_eq(s370_hfp_cc(EXT, v2(0x8000000000000000, 0x0000000000000001)), 1);
}
