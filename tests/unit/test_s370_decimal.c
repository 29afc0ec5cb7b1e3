/*
 * The S/370 packed-decimal functions (frontends/s370/s370_decimal.c) on
 * the cases the Principles of Operation singles out: sign codes, zero
 * results with a minus sign, overflow, the MP/DP length and size rules,
 * SRP rounding, overlapping operands of PACK/UNPK/MVO, CVB/CVD limits and
 * EDIT patterns.  Operands are written as hex strings.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "frontends/s370/s370_decimal.h"

TestSuite(s370_decimal);

/* Bytes from a hex string; spaces are ignored. */
static unsigned hex(const char *s, uint8_t *out)
{
    unsigned n = 0;
    while (*s) {
        if (*s == ' ') {
            s++;
            continue;
        }
        unsigned v;
        cr_assert_eq(sscanf(s, "%2x", &v), 1, "bad hex at %s", s);
        out[n++] = (uint8_t)v;
        s += 2;
    }
    return n;
}

static void expect_bytes(const uint8_t *got, unsigned len, const char *want_hex)
{
    uint8_t want[512];
    unsigned n = hex(want_hex, want);
    cr_assert_eq(len, n, "length %u, want %u", len, n);
    for (unsigned i = 0; i < n; i++)
        cr_assert_eq(got[i], want[i], "byte %u: %02X, want %02X (want %s)", i, got[i], want[i],
                     want_hex);
}

/* Run a two-operand instruction on op1/op2 images; returns the status. */
typedef struct Dec2 {
    uint8_t op1[32], op2[32];
    unsigned len1, len2, cc;
} Dec2;

static Dec2 dec2(const char *op1, const char *op2)
{
    Dec2 d = {.cc = 99};
    d.len1 = hex(op1, d.op1);
    d.len2 = hex(op2, d.op2);
    return d;
}

static void check_add(const char *a, const char *b, bool sub, S370DecStatus st, const char *res,
                      unsigned cc)
{
    Dec2 d = dec2(a, b);
    cr_assert_eq(s370_dec_add(d.op1, d.len1, d.op2, d.len2, sub, &d.cc), st, "%s %c %s", a,
                 sub ? '-' : '+', b);
    expect_bytes(d.op1, d.len1, res);
    if (st == S370_DEC_OK || st == S370_DEC_OVERFLOW)
        cr_assert_eq(d.cc, cc, "%s %c %s: cc %u, want %u", a, sub ? '-' : '+', b, d.cc, cc);
}

/* ---- codes ---- */

Test(s370_decimal, sign_and_digit_codes)
{
    uint8_t b[4];
    for (unsigned sign = 0; sign < 16; sign++) {
        b[0] = 0x12;
        b[1] = (uint8_t)(0x30 | sign);
        cr_assert_eq(s370_dec_valid(b, 2), sign >= 0xa, "sign %X", sign);
    }
    cr_assert(s370_dec_sign_minus(0xb) && s370_dec_sign_minus(0xd));
    cr_assert(!s370_dec_sign_minus(0xa) && !s370_dec_sign_minus(0xc) && !s370_dec_sign_minus(0xe) &&
              !s370_dec_sign_minus(0xf));
    hex("1A3C", b);
    cr_assert(!s370_dec_valid(b, 2));
    hex("A23C", b);
    cr_assert(!s370_dec_valid(b, 2));
    hex("0C", b);
    cr_assert(s370_dec_valid(b, 1));
    hex("CC", b);
    cr_assert(!s370_dec_valid(b, 1), "a sign code in a digit position");
}

Test(s370_decimal, load_store_round_trip)
{
    uint8_t b[16];
    S370DecNumber n;
    hex("9999999999999999999999999999999B", b);
    cr_assert(s370_dec_load(b, 16, &n));
    cr_assert(n.negative);
    cr_assert(!s370_dec_store(b, 16, n));
    expect_bytes(b, 16, "9999999999999999999999999999999D");
    n.mag += 1;
    cr_assert(s370_dec_store(b, 16, n), "10^31 does not fit");
    expect_bytes(b, 16, "0000000000000000000000000000000D");
}

/* ---- AP, SP, ZAP ---- */

Test(s370_decimal, add_basic_and_signs)
{
    check_add("00123C", "045C", false, S370_DEC_OK, "00168C", 2);
    check_add("00123C", "200D", false, S370_DEC_OK, "00077D", 1);
    check_add("123C", "123D", false, S370_DEC_OK, "000C", 0);
    /* All plus codes are accepted; results get the preferred code. */
    check_add("123F", "1A", false, S370_DEC_OK, "124C", 2);
    check_add("123E", "1B", false, S370_DEC_OK, "122C", 2);
    check_add("000D", "0B", false, S370_DEC_OK, "000C", 0);
    /* Operand lengths alone are no overflow. */
    check_add("000C", "0000050C", false, S370_DEC_OK, "050C", 2);
}

Test(s370_decimal, add_overflow_keeps_sign_of_true_sum)
{
    check_add("999C", "1C", false, S370_DEC_OVERFLOW, "000C", 3);
    /* A zero left after overflow keeps the minus sign. */
    check_add("999D", "1D", false, S370_DEC_OVERFLOW, "000D", 3);
    check_add("1C", "00100C", false, S370_DEC_OVERFLOW, "1C", 3);
    check_add("9999999999999999999999999999999C", "1C", false, S370_DEC_OVERFLOW,
              "0000000000000000000000000000000C", 3);
    check_add("9999999999999999999999999999999D", "9999999999999999999999999999999D", false,
              S370_DEC_OVERFLOW, "9999999999999999999999999999998D", 3);
}

Test(s370_decimal, add_data_exception_changes_nothing)
{
    check_add("12AC", "1C", false, S370_DEC_DATA, "12AC", 0);
    check_add("123C", "12", false, S370_DEC_DATA, "123C", 0);
    check_add("1234", "1C", false, S370_DEC_DATA, "1234", 0);
}

Test(s370_decimal, subtract)
{
    check_add("123C", "123C", true, S370_DEC_OK, "000C", 0);
    check_add("100C", "200C", true, S370_DEC_OK, "100D", 1);
    check_add("100D", "200D", true, S370_DEC_OK, "100C", 2);
    check_add("000D", "0C", true, S370_DEC_OK, "000C", 0);
    check_add("500D", "600C", true, S370_DEC_OVERFLOW, "100D", 3);
}

Test(s370_decimal, zero_and_add)
{
    Dec2 d = dec2("FFFFFF", "123F");
    cr_assert_eq(s370_dec_zap(d.op1, d.len1, d.op2, d.len2, &d.cc), S370_DEC_OK,
                 "operand 1 is not checked");
    expect_bytes(d.op1, d.len1, "00123C");
    cr_assert_eq(d.cc, 2);

    d = dec2("1111", "0D");
    cr_assert_eq(s370_dec_zap(d.op1, d.len1, d.op2, d.len2, &d.cc), S370_DEC_OK);
    expect_bytes(d.op1, d.len1, "000C");
    cr_assert_eq(d.cc, 0, "negative zero becomes positive zero");

    d = dec2("0000", "12345D");
    cr_assert_eq(s370_dec_zap(d.op1, d.len1, d.op2, d.len2, &d.cc), S370_DEC_OVERFLOW);
    expect_bytes(d.op1, d.len1, "345D");
    cr_assert_eq(d.cc, 3);

    d = dec2("0000", "10000D");
    cr_assert_eq(s370_dec_zap(d.op1, d.len1, d.op2, d.len2, &d.cc), S370_DEC_OVERFLOW);
    expect_bytes(d.op1, d.len1, "000D");

    d = dec2("0000", "1F2C");
    cr_assert_eq(s370_dec_zap(d.op1, d.len1, d.op2, d.len2, &d.cc), S370_DEC_DATA);
    expect_bytes(d.op1, d.len1, "0000");
}

/* ---- CP ---- */

static unsigned compare(const char *a, const char *b)
{
    Dec2 d = dec2(a, b);
    cr_assert_eq(s370_dec_compare(d.op1, d.len1, d.op2, d.len2, &d.cc), S370_DEC_OK, "%s : %s", a,
                 b);
    return d.cc;
}

Test(s370_decimal, compare)
{
    cr_assert_eq(compare("123C", "00123F"), 0);
    cr_assert_eq(compare("000C", "0D"), 0, "-0 equals +0");
    cr_assert_eq(compare("0B", "000A"), 0);
    cr_assert_eq(compare("5D", "3C"), 1);
    cr_assert_eq(compare("5D", "3D"), 1);
    cr_assert_eq(compare("3D", "5D"), 2);
    cr_assert_eq(compare("7C", "100C"), 1);
    cr_assert_eq(compare("100C", "7C"), 2);
    cr_assert_eq(compare("1C", "0D"), 2);
    cr_assert_eq(compare("9999999999999999999999999999999D", "9999999999999999999999999999998D"),
                 1);
    Dec2 d = dec2("1C", "19");
    cr_assert_eq(s370_dec_compare(d.op1, d.len1, d.op2, d.len2, &d.cc), S370_DEC_DATA);
}

/* ---- MP, DP ---- */

static void check_mul(const char *a, const char *b, S370DecStatus st, const char *res)
{
    Dec2 d = dec2(a, b);
    cr_assert_eq(s370_dec_multiply(d.op1, d.len1, d.op2, d.len2), st, "%s * %s", a, b);
    expect_bytes(d.op1, d.len1, res);
}

Test(s370_decimal, multiply)
{
    check_mul("0000123C", "045D", S370_DEC_OK, "0005535D");
    check_mul("0000999C", "099C", S370_DEC_OK, "0098901C");
    /* The sign follows algebra even for a zero product. */
    check_mul("000C", "5D", S370_DEC_OK, "000D");
    check_mul("000D", "0D", S370_DEC_OK, "000C");
    /* 15-digit multiplier, 16-byte product. */
    check_mul("0000000000000000999999999999999C", "999999999999999C", S370_DEC_OK,
              "0999999999999998000000000000001C");
}

Test(s370_decimal, multiply_needs_leading_zero_bytes)
{
    /* As many bytes of leftmost zeros as the multiplier has bytes. */
    check_mul("0010123C", "045C", S370_DEC_DATA, "0010123C");
    check_mul("0001234C", "045C", S370_DEC_DATA, "0001234C");
    check_mul("0000999C", "9C", S370_DEC_OK, "0008991C");
    check_mul("0009999C", "9C", S370_DEC_OK, "0089991C");
    check_mul("0099999C", "9C", S370_DEC_OK, "0899991C");
    check_mul("0199999C", "9C", S370_DEC_DATA, "0199999C");
    check_mul("000A999C", "9C", S370_DEC_DATA, "000A999C");
}

Test(s370_decimal, multiply_divide_length_rules)
{
    cr_assert(s370_dec_muldiv_lengths_ok(16, 8));
    cr_assert(s370_dec_muldiv_lengths_ok(2, 1));
    cr_assert(!s370_dec_muldiv_lengths_ok(16, 9), "L2 > 7");
    cr_assert(!s370_dec_muldiv_lengths_ok(3, 3), "L2 = L1");
    cr_assert(!s370_dec_muldiv_lengths_ok(2, 3), "L2 > L1");
    check_mul("123C", "045C", S370_DEC_SPECIFICATION, "123C");
    Dec2 d = dec2("0000000000000000000000000000001C", "00000000000000001C");
    cr_assert_eq(s370_dec_divide(d.op1, 16, d.op2, 9), S370_DEC_SPECIFICATION);
}

static void check_div(const char *a, const char *b, S370DecStatus st, const char *res)
{
    Dec2 d = dec2(a, b);
    cr_assert_eq(s370_dec_divide(d.op1, d.len1, d.op2, d.len2), st, "%s / %s", a, b);
    expect_bytes(d.op1, d.len1, res);
}

Test(s370_decimal, divide_signs)
{
    check_div("0000123C", "005C", S370_DEC_OK, "024C003C");
    check_div("0000123D", "005C", S370_DEC_OK, "024D003D");
    check_div("0000123C", "005D", S370_DEC_OK, "024D003C");
    check_div("0000123D", "005D", S370_DEC_OK, "024C003D");
    /* Zero quotient and zero remainder keep their algebraic signs. */
    check_div("0000120D", "005C", S370_DEC_OK, "024D000D");
    check_div("0000003D", "005D", S370_DEC_OK, "000C003D");
    check_div("0000000D", "005C", S370_DEC_OK, "000D000D");
}

Test(s370_decimal, divide_exceptions)
{
    check_div("0000123C", "000C", S370_DEC_DIVIDE, "0000123C");
    check_div("0000123C", "000D", S370_DEC_DIVIDE, "0000123C");
    /* The quotient field here holds three digits. */
    check_div("0004995C", "005C", S370_DEC_OK, "999C000C");
    check_div("0005000C", "005C", S370_DEC_DIVIDE, "0005000C");
    check_div("0012345C", "005C", S370_DEC_DIVIDE, "0012345C");
    /* Invalid codes come first. */
    check_div("0000123C", "00AC", S370_DEC_DATA, "0000123C");
    check_div("00001234", "000C", S370_DEC_DATA, "00001234");
    /* Largest operands: 15-digit quotient and divisor. */
    check_div("0999999999999998000000000000006C", "999999999999999C", S370_DEC_OK,
              "999999999999999C000000000000005C");
    check_div("1000000000000000000000000000000C", "999999999999999C", S370_DEC_DIVIDE,
              "1000000000000000000000000000000C");
    check_div("00123C", "1C", S370_DEC_OK, "123C0C");
}

/* ---- SRP ---- */

static void check_srp(const char *a, int shift, unsigned round, S370DecStatus st, const char *res,
                      unsigned cc)
{
    uint8_t op[16];
    unsigned len = hex(a, op), got_cc = 99;
    cr_assert_eq(s370_dec_shift_round(op, len, (unsigned)shift & 63, round, &got_cc), st,
                 "SRP %s,%d,%u", a, shift, round);
    expect_bytes(op, len, res);
    if (st != S370_DEC_DATA)
        cr_assert_eq(got_cc, cc, "SRP %s,%d,%u: cc %u want %u", a, shift, round, got_cc, cc);
}

Test(s370_decimal, shift_left)
{
    check_srp("0012345C", 2, 0, S370_DEC_OK, "1234500C", 2);
    check_srp("0012345D", 2, 0, S370_DEC_OK, "1234500D", 1);
    check_srp("0012345C", 3, 0, S370_DEC_OVERFLOW, "2345000C", 3);
    /* Overflow keeps the original sign (preferred code) even on zero. */
    check_srp("0000001D", 7, 0, S370_DEC_OVERFLOW, "0000000D", 3);
    check_srp("0000001B", 31, 0, S370_DEC_OVERFLOW, "0000000D", 3);
    check_srp("1C", 1, 0, S370_DEC_OVERFLOW, "0C", 3);
    check_srp("0000000D", 31, 0, S370_DEC_OK, "0000000C", 0);
    check_srp("0000000000000000000000000000001F", 30, 0, S370_DEC_OK,
              "1000000000000000000000000000000C", 2);
}

Test(s370_decimal, shift_right_and_round)
{
    check_srp("0012345C", -2, 5, S370_DEC_OK, "0000123C", 2);
    check_srp("0012345C", -1, 5, S370_DEC_OK, "0001235C", 2);
    check_srp("0012345D", -1, 5, S370_DEC_OK, "0001235D", 1);
    check_srp("0012345C", -1, 0, S370_DEC_OK, "0001234C", 2);
    check_srp("0099999C", -1, 1, S370_DEC_OK, "0010000C", 2);
    /* Rounding carries through every digit without overflow. */
    check_srp("9999999C", -1, 5, S370_DEC_OK, "1000000C", 2);
    /* A zero result is positive. */
    check_srp("0000004D", -1, 5, S370_DEC_OK, "0000000C", 0);
    check_srp("0000004D", -1, 6, S370_DEC_OK, "0000001D", 1);
    /* 32 digits right: everything goes, nothing to round from. */
    check_srp("9999999999999999999999999999999D", -32, 9, S370_DEC_OK,
              "0000000000000000000000000000000C", 0);
    check_srp("9999999999999999999999999999999D", -31, 5, S370_DEC_OK,
              "0000000000000000000000000000001D", 1);
}

Test(s370_decimal, shift_value_and_checks)
{
    /* Only six bits count: 0x7C is -4. */
    uint8_t op[4];
    unsigned cc;
    hex("0123456C", op);
    cr_assert_eq(s370_dec_shift_round(op, 4, 0x7c, 0, &cc), S370_DEC_OK);
    expect_bytes(op, 4, "0000012C");
    /* No shift still checks, and zero is made positive. */
    check_srp("000D", 0, 0, S370_DEC_OK, "000C", 0);
    check_srp("123F", 0, 0, S370_DEC_OK, "123C", 2);
    check_srp("123C", 0, 10, S370_DEC_DATA, "123C", 0);
    check_srp("123C", 2, 15, S370_DEC_DATA, "123C", 0);
    check_srp("1A3C", -1, 0, S370_DEC_DATA, "1A3C", 0);
}

/* ---- PACK, UNPK, MVO ---- */

static void check_serial(void (*fn)(uint8_t *, unsigned, const uint8_t *, unsigned), const char *a,
                         const char *b, const char *res)
{
    Dec2 d = dec2(a, b);
    fn(d.op1, d.len1, d.op2, d.len2);
    expect_bytes(d.op1, d.len1, res);
}

Test(s370_decimal, pack)
{
    check_serial(s370_dec_pack, "000000", "F1F2F3F4C5", "12345C");
    check_serial(s370_dec_pack, "0000", "F1F2F3F4C5", "345C");
    check_serial(s370_dec_pack, "00000000", "F1F2F3F4C5", "0012345C");
    check_serial(s370_dec_pack, "00000000", "F1F2F3F4F5F6", "0123456F");
    check_serial(s370_dec_pack, "00", "F1", "1F");
    /* No code is checked. */
    check_serial(s370_dec_pack, "0000", "C1D2E3", "123E");
}

Test(s370_decimal, pack_in_place_overlap)
{
    /* PACK X(5),X(5): the result is right-aligned in the same field. */
    uint8_t b[5];
    hex("F1F2F3F4C5", b);
    s370_dec_pack(b, 5, b, 5);
    expect_bytes(b, 5, "000012345C");
    /* PACK X(3),X(5): stores reach bytes not yet fetched, as on hardware. */
    hex("F1F2F3F4C5", b);
    s370_dec_pack(b, 3, b, 5);
    expect_bytes(b, 5, "14C45CF4C5");
}

Test(s370_decimal, unpack)
{
    check_serial(s370_dec_unpack, "0000000000", "12345C", "F1F2F3F4C5");
    check_serial(s370_dec_unpack, "000000", "12345C", "F3F4C5");
    check_serial(s370_dec_unpack, "00000000000000", "12345C", "F0F0F1F2F3F4C5");
    check_serial(s370_dec_unpack, "0000", "12345C", "F4C5");
    check_serial(s370_dec_unpack, "00", "3D", "D3");
    /* No code is checked. */
    check_serial(s370_dec_unpack, "000000", "AB", "F0F0BA");
}

Test(s370_decimal, move_with_offset)
{
    /* The PoO example. */
    check_serial(s370_dec_move_offset, "7788990C", "123456", "0123456C");
    check_serial(s370_dec_move_offset, "770C", "123456", "456C");
    check_serial(s370_dec_move_offset, "FFFFFFFF", "1C", "000001CF");
    /* MVO X(3),X(2): shifting a field right by one digit in place. */
    uint8_t b[3];
    hex("012345", b);
    s370_dec_move_offset(b, 3, b, 2);
    expect_bytes(b, 3, "001235");
}

Test(s370_decimal, overlap_rules)
{
    const uint32_t m24 = 0xffffff;
    cr_assert(s370_dec_overlap_ok(100, 4, 200, 4, m24, false), "disjoint");
    cr_assert(s370_dec_overlap_ok(100, 4, 104, 4, m24, false), "adjacent");
    cr_assert(s370_dec_overlap_ok(100, 4, 100, 4, m24, false), "same field");
    cr_assert(s370_dec_overlap_ok(100, 4, 102, 2, m24, false), "coincident rightmost bytes");
    cr_assert(s370_dec_overlap_ok(102, 2, 100, 4, m24, false));
    cr_assert(!s370_dec_overlap_ok(100, 3, 101, 3, m24, false));
    cr_assert(!s370_dec_overlap_ok(100, 3, 101, 3, m24, true), "operand 2 ends to the right");
    cr_assert(!s370_dec_overlap_ok(101, 3, 100, 3, m24, false));
    cr_assert(s370_dec_overlap_ok(101, 3, 100, 3, m24, true), "ZAP: operand 1 ends right");
    cr_assert(s370_dec_overlap_ok(101, 16, 100, 16, m24, true));
    /* Fields that wrap at the end of the addressing mode. */
    cr_assert(s370_dec_overlap_ok(0xfffffe, 4, 0, 2, m24, false));
    cr_assert(!s370_dec_overlap_ok(0xfffffe, 4, 0, 1, m24, false));
    cr_assert(s370_dec_overlap_ok(0xfffffe, 4, 0, 1, m24, true));
    cr_assert(s370_dec_overlap_ok(0x7ffffffe, 2, 0, 2, 0x7fffffff, false), "31-bit: disjoint");
    cr_assert(s370_dec_overlap_ok(0xfffffe, 2, 0x1000000, 2, 0x7fffffff, false));
}

Test(s370_decimal, windows)
{
    S370DecWindow w = s370_dec_window(100, 3, 102, 5, 0xffffff);
    cr_assert(w.joined);
    cr_assert_eq(w.start, 100);
    cr_assert_eq(w.len, 7);
    cr_assert_eq(w.off1, 0);
    cr_assert_eq(w.off2, 2);
    w = s370_dec_window(104, 2, 100, 5, 0xffffff);
    cr_assert(w.joined);
    cr_assert_eq(w.start, 100);
    cr_assert_eq(w.len, 6);
    cr_assert_eq(w.off1, 4);
    cr_assert_eq(w.off2, 0);
    w = s370_dec_window(100, 16, 116, 16, 0xffffff);
    cr_assert(!w.joined);
    w = s370_dec_window(0xffffff, 2, 0, 1, 0xffffff);
    cr_assert(w.joined);
    cr_assert_eq(w.start, 0xffffff);
    cr_assert_eq(w.len, 2);
    cr_assert_eq(w.off2, 1);
}

/* ---- CVB, CVD ---- */

static void check_cvb(const char *dec, S370DecStatus st, uint32_t want)
{
    uint8_t op[8];
    uint32_t got = 0xdeadbeef;
    hex(dec, op);
    cr_assert_eq(s370_dec_to_binary(op, &got), st, "CVB %s", dec);
    cr_assert_eq(got, want, "CVB %s: %08X, want %08X", dec, got, want);
}

Test(s370_decimal, convert_to_binary)
{
    check_cvb("000000000000123C", S370_DEC_OK, 123);
    check_cvb("000000000000123D", S370_DEC_OK, (uint32_t)-123);
    check_cvb("000000000000000D", S370_DEC_OK, 0);
    check_cvb("000002147483647F", S370_DEC_OK, 0x7fffffff);
    check_cvb("000002147483648D", S370_DEC_OK, 0x80000000);
    check_cvb("000002147483648C", S370_DEC_FIXED_DIVIDE, 0x80000000);
    check_cvb("000002147483649B", S370_DEC_FIXED_DIVIDE, 0x7fffffff);
    check_cvb("999999999999999C", S370_DEC_FIXED_DIVIDE, 0xa4c67fff);
    check_cvb("999999999999999D", S370_DEC_FIXED_DIVIDE, 0x5b398001);
    check_cvb("00000000000001C3", S370_DEC_DATA, 0xdeadbeef);
    check_cvb("0000000000000123", S370_DEC_DATA, 0xdeadbeef);
}

Test(s370_decimal, convert_to_decimal)
{
    uint8_t out[8];
    s370_dec_from_binary(0, out);
    expect_bytes(out, 8, "000000000000000C");
    s370_dec_from_binary(-1, out);
    expect_bytes(out, 8, "000000000000001D");
    s370_dec_from_binary(INT32_MIN, out);
    expect_bytes(out, 8, "000002147483648D");
    s370_dec_from_binary(INT32_MAX, out);
    expect_bytes(out, 8, "000002147483647C");
    s370_dec_from_binary(1234567, out);
    expect_bytes(out, 8, "000000001234567C");
}

/* ---- ED, EDMK ---- */

typedef struct EditRun {
    uint8_t result[256];
    unsigned len, cc;
    int mark;
    unsigned src_used;
    S370DecStatus st;
} EditRun;

/* Run to the end, handing over source bytes one at a time as asked. */
static EditRun edit(const char *pattern_hex, const char *src_hex)
{
    static uint8_t pattern[256], src[256];
    EditRun r;
    memset(&r, 0, sizeof r);
    r.len = hex(pattern_hex, pattern);
    unsigned src_len = hex(src_hex, src), have = 0;
    S370Edit e;
    s370_dec_edit_start(&e, pattern, r.result, r.len);
    while ((r.st = s370_dec_edit_run(&e, src, have)) == S370_DEC_NEED_SOURCE) {
        cr_assert_lt(have, src_len, "the edit wants more source than %s", src_hex);
        have++;
    }
    r.cc = s370_dec_edit_cc(&e);
    r.mark = e.mark;
    r.src_used = e.src_used;
    return r;
}

/* The PoO's example pattern: " dd,dsd.dd CR" (d digit selector, s
 * significance starter), blank fill. */
#define PATTERN_CR "40 20 20 6B 20 21 20 4B 20 20 40 C3 D9"

Test(s370_decimal, edit_positive_and_negative)
{
    EditRun r = edit(PATTERN_CR, "02 57 42 6C");
    cr_assert_eq(r.st, S370_DEC_OK);
    expect_bytes(r.result, r.len, "40 40 F2 6B F5 F7 F4 4B F2 F6 40 40 40");
    cr_assert_eq(r.cc, 2);
    cr_assert_eq(r.mark, 2, "EDMK marks the first significant digit");
    cr_assert_eq(r.src_used, 4);

    r = edit(PATTERN_CR, "02 57 42 6D");
    expect_bytes(r.result, r.len, "40 40 F2 6B F5 F7 F4 4B F2 F6 40 C3 D9");
    cr_assert_eq(r.cc, 1, "a minus sign leaves significance on");
}

Test(s370_decimal, edit_zero_and_significance_starter)
{
    EditRun r = edit(PATTERN_CR, "00 00 00 0C");
    expect_bytes(r.result, r.len, "40 40 40 40 40 40 F0 4B F0 F0 40 40 40");
    cr_assert_eq(r.cc, 0);
    cr_assert_eq(r.mark, -1, "no digit became significant by itself");

    r = edit(PATTERN_CR, "00 00 00 1D");
    expect_bytes(r.result, r.len, "40 40 40 40 40 40 F0 4B F0 F1 40 C3 D9");
    cr_assert_eq(r.cc, 1);
    cr_assert_eq(r.mark, -1, "significance was already on at the 1");

    /* A nonzero digit at the significance starter itself is marked. */
    r = edit(PATTERN_CR, "00 01 00 0C");
    expect_bytes(r.result, r.len, "40 40 40 40 40 F1 F0 4B F0 F0 40 40 40");
    cr_assert_eq(r.mark, 5);
    cr_assert_eq(r.cc, 2);
    /* After a significance starter, digits are not marked. */
    r = edit(PATTERN_CR, "00 00 10 0C");
    cr_assert_eq(r.mark, -1);
}

Test(s370_decimal, edit_fields_and_cc_of_last_field)
{
    /* Two fields split by a field separator; the CC is the last one's. */
    EditRun r = edit("40 20 20 20 22 20 20 20 40 C3 D9", "01 2C 00 0D");
    expect_bytes(r.result, r.len, "40 40 F1 F2 40 40 40 40 40 40 40");
    cr_assert_eq(r.cc, 0);
    cr_assert_eq(r.mark, 2);

    r = edit("40 20 20 20 22 20 20 20 40 C3 D9", "01 2C 00 5D");
    expect_bytes(r.result, r.len, "40 40 F1 F2 40 40 40 F5 40 C3 D9");
    cr_assert_eq(r.cc, 1);
    cr_assert_eq(r.mark, 7, "the rightmost marked byte");

    r = edit("40 20 20 20 22 20 20 20", "01 2D 00 5C");
    cr_assert_eq(r.cc, 2);
}

Test(s370_decimal, edit_fill_byte_is_a_selector)
{
    EditRun r = edit("20 20 20", "01 2C");
    expect_bytes(r.result, r.len, "20 F1 F2");
    cr_assert_eq(r.cc, 2);
    r = edit("21 20 20", "00 0C");
    expect_bytes(r.result, r.len, "21 F0 F0");
    cr_assert_eq(r.cc, 0);
    r = edit("20 20 20", "12 3C");
    expect_bytes(r.result, r.len, "F1 F2 F3");
    cr_assert_eq(r.mark, 0);
}

Test(s370_decimal, edit_message_bytes_and_fill)
{
    EditRun r = edit("5C 20 20 20 4B 20 20", "00 12 3C");
    expect_bytes(r.result, r.len, "5C 5C 5C F1 4B F2 F3");
    cr_assert_eq(r.cc, 2);
    r = edit("40 20 60", "5D");
    expect_bytes(r.result, r.len, "40 F5 60");
    cr_assert_eq(r.cc, 1);
    r = edit("40 20 60", "5C");
    expect_bytes(r.result, r.len, "40 F5 40");
    cr_assert_eq(r.cc, 2);
    r = edit("40 C1 C2", "");
    expect_bytes(r.result, r.len, "40 40 40");
    cr_assert_eq(r.cc, 0);
    cr_assert_eq(r.src_used, 0, "no selector, no source");
}

Test(s370_decimal, edit_source_bytes_used)
{
    /* Signs end a source byte: "1C 2C" gives two digits from two bytes. */
    EditRun r = edit("40 20 20", "1C 2C");
    expect_bytes(r.result, r.len, "40 F1 F2");
    cr_assert_eq(r.src_used, 2);
    cr_assert_eq(r.cc, 2);
    /* Five digits from three bytes: no fourth byte is asked for. */
    r = edit("40 20 20 20 20 20", "12 34 5C");
    cr_assert_eq(r.src_used, 3);
}

Test(s370_decimal, edit_invalid_digit)
{
    EditRun r = edit(PATTERN_CR, "02 A7 42 6C");
    cr_assert_eq(r.st, S370_DEC_DATA);
    r = edit("40 20 20", "C1");
    cr_assert_eq(r.st, S370_DEC_DATA, "a sign code in a digit position");
}

Test(s370_decimal, edit_largest_pattern)
{
    char pattern[256 * 3 + 1] = "", src[128 * 3 + 1] = "";
    for (int i = 0; i < 256; i++)
        strcat(pattern, i == 0 ? "5C " : "20 ");
    for (int i = 0; i < 127; i++)
        strcat(src, "00 ");
    strcat(src, "9D");
    EditRun r = edit(pattern, src);
    cr_assert_eq(r.st, S370_DEC_OK);
    cr_assert_eq(r.len, 256);
    cr_assert_eq(r.result[0], 0x5c);
    cr_assert_eq(r.result[254], 0x5c);
    cr_assert_eq(r.result[255], 0xf9);
    cr_assert_eq(r.mark, 255);
    cr_assert_eq(r.cc, 1);
    cr_assert_eq(r.src_used, 128);
}
