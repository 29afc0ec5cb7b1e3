/*
 * The packed-decimal functions (frontends/s370/s370_decimal.c) against a
 * reference that works one digit at a time, the way PoO-370 §8 describes
 * the instructions: random valid and invalid fields of every length pair
 * for AP, SP, ZAP, CP, MP, DP, SRP, CVB and CVD, the field codec on its
 * own, and operands that share storage (op2 inside op1, as the helpers
 * pass them when the instruction's operands overlap in guest storage).
 * The implementation reads and writes fields eight bytes at a time,
 * adds in BCD, and converts sixteen digits at a time to and from binary
 * for the rest, so every field length around 8 bytes (one or two 64-bit
 * halves), every magnitude around 10^16 and carries through every digit
 * (fields of nines) are covered.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "frontends/s370/s370_decimal.h"

TestSuite(s370_decimal_ref);

/* ---- the reference: numbers as digit arrays ---- */

enum { REF_DIGITS = 80 }; /* a 31-digit by 15-digit product, with room */

typedef struct RefNum {
    uint8_t d[REF_DIGITS]; /* d[0] the units digit */
    bool negative;
} RefNum;

static unsigned ref_nibble(const uint8_t *field, unsigned k) /* k from the right, 0 the sign */
{
    uint8_t b = field[-(int)(k / 2)];
    return k & 1 ? b >> 4 : b & 0xf;
}

static bool ref_valid(const uint8_t *field, unsigned len)
{
    const uint8_t *last = field + len - 1;
    for (unsigned k = 1; k < 2 * len; k++)
        if (ref_nibble(last, k) > 9) return false;
    return ref_nibble(last, 0) >= 0xa;
}

static RefNum ref_load(const uint8_t *field, unsigned len)
{
    const uint8_t *last = field + len - 1;
    RefNum n = {{0}, false};
    for (unsigned k = 1; k < 2 * len; k++)
        n.d[k - 1] = (uint8_t)ref_nibble(last, k);
    unsigned sign = ref_nibble(last, 0);
    n.negative = sign == 0xb || sign == 0xd;
    return n;
}

static bool ref_zero(const RefNum *n)
{
    for (unsigned i = 0; i < REF_DIGITS; i++)
        if (n->d[i]) return false;
    return true;
}

/* Whether a digit at position k or above is nonzero (n >= 10^k). */
static bool ref_at_least_pow10(const RefNum *n, unsigned k)
{
    for (unsigned i = k; i < REF_DIGITS; i++)
        if (n->d[i]) return true;
    return false;
}

/* The rightmost 2*len-1 digits with the preferred sign; true when a
 * nonzero digit did not fit. */
static bool ref_store(uint8_t *field, unsigned len, const RefNum *n)
{
    uint8_t *last = field + len - 1;
    *last = (uint8_t)(n->d[0] << 4 | (n->negative ? 0xd : 0xc));
    for (unsigned i = 1; i < len; i++)
        last[-(int)i] = (uint8_t)(n->d[2 * i] << 4 | n->d[2 * i - 1]);
    return ref_at_least_pow10(n, 2 * len - 1);
}

static int ref_cmp_mag(const RefNum *a, const RefNum *b)
{
    for (int i = REF_DIGITS - 1; i >= 0; i--)
        if (a->d[i] != b->d[i]) return a->d[i] < b->d[i] ? -1 : 1;
    return 0;
}

static RefNum ref_add_mag(const RefNum *a, const RefNum *b)
{
    RefNum r = {{0}, false};
    unsigned carry = 0;
    for (unsigned i = 0; i < REF_DIGITS; i++) {
        unsigned s = a->d[i] + b->d[i] + carry;
        r.d[i] = (uint8_t)(s % 10);
        carry = s / 10;
    }
    return r;
}

static RefNum ref_sub_mag(const RefNum *a, const RefNum *b) /* |a| >= |b| */
{
    RefNum r = {{0}, false};
    int borrow = 0;
    for (unsigned i = 0; i < REF_DIGITS; i++) {
        int s = a->d[i] - b->d[i] - borrow;
        borrow = s < 0;
        r.d[i] = (uint8_t)(s + 10 * borrow);
    }
    return r;
}

static RefNum ref_mul_mag(const RefNum *a, const RefNum *b)
{
    unsigned acc[2 * REF_DIGITS] = {0};
    for (unsigned i = 0; i < REF_DIGITS; i++)
        for (unsigned j = 0; i + j < REF_DIGITS; j++)
            acc[i + j] += a->d[i] * b->d[j];
    RefNum r = {{0}, false};
    unsigned carry = 0;
    for (unsigned i = 0; i < REF_DIGITS; i++) {
        unsigned s = acc[i] + carry;
        r.d[i] = (uint8_t)(s % 10);
        carry = s / 10;
    }
    return r;
}

/* Long division, a digit of the quotient at a time by repeated
 * subtraction; b is not zero. */
static void ref_divmod(const RefNum *a, const RefNum *b, RefNum *q, RefNum *r)
{
    *q = (RefNum){{0}, false};
    *r = (RefNum){{0}, false};
    for (int i = REF_DIGITS - 1; i >= 0; i--) {
        memmove(r->d + 1, r->d, REF_DIGITS - 1);
        r->d[0] = a->d[i];
        while (ref_cmp_mag(r, b) >= 0) {
            *r = ref_sub_mag(r, b);
            q->d[i]++;
        }
    }
}

/* ---- the instructions by the reference ---- */

typedef struct RefResult {
    S370DecStatus st;
    unsigned cc;
} RefResult;

/* AP, SP, ZAP: a zero sum is positive unless digits were lost. */
static RefResult ref_arith_store(uint8_t *op1, unsigned len1, RefNum r)
{
    if (ref_zero(&r)) r.negative = false;
    bool lost = ref_store(op1, len1, &r);
    RefNum kept = ref_load(op1, len1);
    unsigned cc = lost ? 3 : ref_zero(&kept) ? 0 : r.negative ? 1 : 2;
    return (RefResult){lost ? S370_DEC_OVERFLOW : S370_DEC_OK, cc};
}

static RefResult ref_add(uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2, bool sub)
{
    if (!ref_valid(op1, len1) || !ref_valid(op2, len2)) return (RefResult){S370_DEC_DATA, 0};
    RefNum a = ref_load(op1, len1), b = ref_load(op2, len2), r;
    b.negative ^= sub;
    if (a.negative == b.negative) {
        r = ref_add_mag(&a, &b);
        r.negative = a.negative;
    } else if (ref_cmp_mag(&a, &b) >= 0) {
        r = ref_sub_mag(&a, &b);
        r.negative = a.negative;
    } else {
        r = ref_sub_mag(&b, &a);
        r.negative = b.negative;
    }
    return ref_arith_store(op1, len1, r);
}

static RefResult ref_zap(uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2)
{
    if (!ref_valid(op2, len2)) return (RefResult){S370_DEC_DATA, 0};
    return ref_arith_store(op1, len1, ref_load(op2, len2));
}

static RefResult ref_compare(const uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2)
{
    if (!ref_valid(op1, len1) || !ref_valid(op2, len2)) return (RefResult){S370_DEC_DATA, 0};
    RefNum a = ref_load(op1, len1), b = ref_load(op2, len2);
    bool neg_a = a.negative && !ref_zero(&a), neg_b = b.negative && !ref_zero(&b);
    int order;
    if (neg_a != neg_b)
        order = neg_a ? -1 : 1;
    else
        order = neg_a ? -ref_cmp_mag(&a, &b) : ref_cmp_mag(&a, &b);
    return (RefResult){S370_DEC_OK, order == 0 ? 0u : order < 0 ? 1u : 2u};
}

static bool ref_muldiv_lengths_ok(unsigned len1, unsigned len2)
{
    return len2 <= 8 && len2 < len1;
}

static RefResult ref_multiply(uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2)
{
    if (!ref_muldiv_lengths_ok(len1, len2)) return (RefResult){S370_DEC_SPECIFICATION, 0};
    if (!ref_valid(op1, len1) || !ref_valid(op2, len2)) return (RefResult){S370_DEC_DATA, 0};
    RefNum a = ref_load(op1, len1), b = ref_load(op2, len2);
    /* Operand 1 needs len2 bytes of leftmost zeros. */
    if (ref_at_least_pow10(&a, 2 * len1 - 1 - 2 * len2)) return (RefResult){S370_DEC_DATA, 0};
    RefNum r = ref_mul_mag(&a, &b);
    r.negative = a.negative != b.negative;
    ref_store(op1, len1, &r);
    return (RefResult){S370_DEC_OK, 0};
}

static RefResult ref_divide(uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2)
{
    if (!ref_muldiv_lengths_ok(len1, len2)) return (RefResult){S370_DEC_SPECIFICATION, 0};
    if (!ref_valid(op1, len1) || !ref_valid(op2, len2)) return (RefResult){S370_DEC_DATA, 0};
    RefNum a = ref_load(op1, len1), b = ref_load(op2, len2), q, r;
    if (ref_zero(&b)) return (RefResult){S370_DEC_DIVIDE, 0};
    unsigned qlen = len1 - len2;
    ref_divmod(&a, &b, &q, &r);
    if (ref_at_least_pow10(&q, 2 * qlen - 1)) return (RefResult){S370_DEC_DIVIDE, 0};
    q.negative = a.negative != b.negative;
    r.negative = a.negative;
    ref_store(op1, qlen, &q);
    ref_store(op1 + qlen, len2, &r);
    return (RefResult){S370_DEC_OK, 0};
}

/* SRP: shift is the 6-bit value, negative (32-63) right with rounding. */
static RefResult ref_shift_round(uint8_t *op1, unsigned len1, unsigned shift, unsigned round)
{
    if (!ref_valid(op1, len1) || round > 9) return (RefResult){S370_DEC_DATA, 0};
    RefNum a = ref_load(op1, len1), r = {{0}, a.negative};
    bool lost = false;
    if (shift < 32) {
        for (unsigned i = 0; i + shift < REF_DIGITS; i++)
            r.d[i + shift] = a.d[i];
        lost = ref_at_least_pow10(&r, 2 * len1 - 1);
        memset(r.d + 2 * len1 - 1, 0, REF_DIGITS - (2 * len1 - 1)); /* what is kept */
    } else {
        unsigned n = 64 - shift;
        for (unsigned i = n; i < REF_DIGITS; i++)
            r.d[i - n] = a.d[i];
        if (a.d[n - 1] + round >= 10) {
            unsigned i = 0;
            while (r.d[i] == 9)
                r.d[i++] = 0;
            r.d[i]++;
        }
    }
    /* A zero result is positive, unless digits were lost. */
    if (!lost && ref_zero(&r)) r.negative = false;
    ref_store(op1, len1, &r);
    unsigned cc = lost ? 3 : ref_zero(&r) ? 0 : r.negative ? 1 : 2;
    return (RefResult){lost ? S370_DEC_OVERFLOW : S370_DEC_OK, cc};
}

/* ---- random fields ---- */

typedef struct Rng {
    uint64_t s;
} Rng;

static uint64_t rng_next(Rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return r->s;
}

static unsigned rng_below(Rng *r, unsigned n)
{
    return (unsigned)(rng_next(r) % n);
}

/* A packed field: a random count of significant digits (so every
 * magnitude size occurs), mostly valid signs, sometimes all nines,
 * and about one field in eight with an invalid digit or sign code. */
static void random_field(Rng *r, uint8_t *field, unsigned len)
{
    unsigned digits = 2 * len - 1, used = rng_below(r, digits + 1);
    bool nines = rng_below(r, 10) == 0;
    uint8_t nib[2 * S370_DEC_MAX_BYTES] = {0}; /* nib[0] the sign */
    for (unsigned k = 1; k <= used; k++)
        nib[k] = (uint8_t)(nines ? 9 : rng_below(r, 10));
    nib[0] = (uint8_t)(0xa + rng_below(r, 6));
    switch (rng_below(r, 16)) {
    case 0: nib[1 + rng_below(r, digits)] = (uint8_t)(10 + rng_below(r, 6)); break;
    case 1: nib[0] = (uint8_t)rng_below(r, 10); break;
    default: break;
    }
    for (unsigned i = 0; i < len; i++)
        field[len - 1 - i] = (uint8_t)(nib[2 * i + 1] << 4 | nib[2 * i]);
}

static void expect_same(const uint8_t *got, const uint8_t *want, unsigned len, const char *what,
                        unsigned len1, unsigned len2, unsigned iter)
{
    for (unsigned i = 0; i < len; i++)
        cr_assert_eq(got[i], want[i], "%s L1=%u L2=%u iteration %u: byte %u is %02X, want %02X",
                     what, len1, len2, iter, i, got[i], want[i]);
}

static void expect_result(S370DecStatus st, unsigned cc, RefResult want, const char *what,
                          unsigned len1, unsigned len2, unsigned iter)
{
    cr_assert_eq(st, want.st, "%s L1=%u L2=%u iteration %u: status %d, want %d", what, len1, len2,
                 iter, st, want.st);
    if (st == S370_DEC_OK || st == S370_DEC_OVERFLOW)
        cr_assert_eq(cc, want.cc, "%s L1=%u L2=%u iteration %u: cc %u, want %u", what, len1, len2,
                     iter, cc, want.cc);
}

enum { ITERS_PER_PAIR = 300 };

typedef enum Op { OP_AP, OP_SP, OP_ZAP, OP_CP, OP_MP, OP_DP, OP_COUNT } Op;
static const char *const op_names[OP_COUNT] = {"AP", "SP", "ZAP", "CP", "MP", "DP"};

/* One instruction on op1/op2 images by the implementation and by the
 * reference; op2 may point into op1 (shared storage), then the reference
 * reads it from a copy taken first, as the instruction fetches operand 2
 * before storing. */
static void run_op(Op op, uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2,
                   unsigned iter)
{
    uint8_t mine[S370_DEC_MAX_BYTES], theirs[S370_DEC_MAX_BYTES], src2[S370_DEC_MAX_BYTES];
    memcpy(src2, op2, len2);
    memcpy(theirs, op1, len1);
    unsigned cc = 99;
    S370DecStatus st;
    RefResult want;
    switch (op) {
    case OP_AP:
    case OP_SP:
        want = ref_add(theirs, len1, src2, len2, op == OP_SP);
        st = s370_dec_add(op1, len1, op2, len2, op == OP_SP, &cc);
        break;
    case OP_ZAP:
        want = ref_zap(theirs, len1, src2, len2);
        st = s370_dec_zap(op1, len1, op2, len2, &cc);
        break;
    case OP_CP:
        want = ref_compare(theirs, len1, src2, len2);
        st = s370_dec_compare(op1, len1, op2, len2, &cc);
        break;
    case OP_MP:
        want = ref_multiply(theirs, len1, src2, len2);
        st = s370_dec_multiply(op1, len1, op2, len2);
        cc = 0; /* MP and DP leave the CC alone */
        break;
    default:
        want = ref_divide(theirs, len1, src2, len2);
        st = s370_dec_divide(op1, len1, op2, len2);
        cc = 0;
        break;
    }
    memcpy(mine, op1, len1);
    expect_result(st, cc, want, op_names[op], len1, len2, iter);
    expect_same(mine, theirs, len1, op_names[op], len1, len2, iter);
}

/* Operands for MP and DP that mostly pass the size rules: operand 1
 * with its leftmost len2 bytes zero for MP, a small enough dividend
 * for DP. */
static void shape_muldiv(Rng *r, Op op, uint8_t *op1, unsigned len1, uint8_t *op2, unsigned len2)
{
    if (rng_below(r, 8) == 0 || len2 >= len1) return;
    if (op == OP_MP) {
        memset(op1, 0, len2);
    } else if (op == OP_DP) {
        /* A nonzero leftmost divisor digit and a zero leftmost dividend
         * byte always fit the quotient; without the zero byte, some do. */
        memset(op1, 0, rng_below(r, 3));
        op2[0] |= 0x10;
    }
}

Test(s370_decimal_ref, arithmetic_every_length_pair, .timeout = 120)
{
    Rng r = {UINT64_C(0x9e3779b97f4a7c15)};
    uint8_t op1[S370_DEC_MAX_BYTES], op2[S370_DEC_MAX_BYTES];
    for (Op op = 0; op < OP_COUNT; op++)
        for (unsigned len1 = 1; len1 <= S370_DEC_MAX_BYTES; len1++)
            for (unsigned len2 = 1; len2 <= S370_DEC_MAX_BYTES; len2++)
                for (unsigned iter = 0; iter < ITERS_PER_PAIR; iter++) {
                    random_field(&r, op1, len1);
                    random_field(&r, op2, len2);
                    if (op == OP_MP || op == OP_DP) shape_muldiv(&r, op, op1, len1, op2, len2);
                    run_op(op, op1, len1, op2, len2, iter);
                }
}

/* Operand 2 in operand 1's storage with coincident rightmost bytes (the
 * overlap PoO-370 §8 allows), and for ZAP also ending further left. */
Test(s370_decimal_ref, operands_sharing_storage, .timeout = 60)
{
    Rng r = {UINT64_C(0x2545f4914f6cdd1d)};
    uint8_t op1[S370_DEC_MAX_BYTES];
    for (Op op = 0; op < OP_COUNT; op++)
        for (unsigned len1 = 1; len1 <= S370_DEC_MAX_BYTES; len1++)
            for (unsigned len2 = 1; len2 <= len1; len2++)
                for (unsigned iter = 0; iter < ITERS_PER_PAIR / 4; iter++) {
                    random_field(&r, op1, len1);
                    unsigned end = len1;
                    if (op == OP_ZAP && len2 < len1) end -= rng_below(&r, len1 - len2 + 1);
                    run_op(op, op1, len1, op1 + end - len2, len2, iter);
                }
}

Test(s370_decimal_ref, shift_and_round_every_length, .timeout = 60)
{
    Rng r = {UINT64_C(0xd1b54a32d192ed03)};
    uint8_t mine[S370_DEC_MAX_BYTES], theirs[S370_DEC_MAX_BYTES];
    for (unsigned len = 1; len <= S370_DEC_MAX_BYTES; len++)
        for (unsigned shift = 0; shift < 64; shift++)
            for (unsigned iter = 0; iter < 40; iter++) {
                random_field(&r, mine, len);
                memcpy(theirs, mine, len);
                unsigned round = rng_below(&r, 20) ? rng_below(&r, 10) : 10 + rng_below(&r, 6);
                unsigned cc = 99;
                RefResult want = ref_shift_round(theirs, len, shift, round);
                S370DecStatus st = s370_dec_shift_round(mine, len, shift, round, &cc);
                expect_result(st, cc, want, "SRP", len, shift, iter);
                expect_same(mine, theirs, len, "SRP", len, shift, iter);
            }
}

Test(s370_decimal_ref, field_codec)
{
    Rng r = {UINT64_C(0x8cb92ba72f3d8dd7)};
    uint8_t field[S370_DEC_MAX_BYTES], mine[S370_DEC_MAX_BYTES], theirs[S370_DEC_MAX_BYTES];
    for (unsigned len = 1; len <= S370_DEC_MAX_BYTES; len++)
        for (unsigned iter = 0; iter < 5000; iter++) {
            random_field(&r, field, len);
            bool valid = ref_valid(field, len);
            cr_assert_eq(s370_dec_valid(field, len), valid, "valid L=%u iteration %u", len, iter);
            S370DecNumber n = {12345, true};
            cr_assert_eq(s370_dec_load(field, len, &n), valid, "load L=%u iteration %u", len, iter);
            if (!valid) {
                cr_assert(n.mag == 12345 && n.negative, "load of an invalid field changed out");
                continue;
            }
            /* Round trip, and the magnitude digit by digit. */
            RefNum ref = ref_load(field, len);
            S370DecMag want = 0;
            for (int k = 2 * (int)len - 2; k >= 0; k--)
                want = want * 10 + ref.d[k];
            cr_assert(n.mag == want && n.negative == ref.negative, "load L=%u iteration %u", len,
                      iter);
            cr_assert(!s370_dec_store(mine, len, n));
            ref_store(theirs, len, &ref);
            expect_same(mine, theirs, len, "store", len, 0, iter);
        }
}

/* Any 128-bit magnitude: its rightmost digits are stored and the digits
 * beyond the field reported, through every digit count. */
Test(s370_decimal_ref, store_any_magnitude)
{
    Rng r = {UINT64_C(0x94d049bb133111eb)};
    uint8_t mine[S370_DEC_MAX_BYTES], theirs[S370_DEC_MAX_BYTES];
    for (unsigned len = 1; len <= S370_DEC_MAX_BYTES; len++)
        for (unsigned iter = 0; iter < 4000; iter++) {
            S370DecNumber n = {(S370DecMag)rng_next(&r) << 64 | rng_next(&r), rng_below(&r, 2)};
            unsigned bits = rng_below(&r, 129);
            if (bits < 128) n.mag &= ((S370DecMag)1 << bits) - 1;
            if (rng_below(&r, 4) == 0) { /* near a power of ten */
                n.mag = 1;
                for (unsigned k = rng_below(&r, 39); k; k--)
                    n.mag *= 10;
                n.mag -= rng_below(&r, 3);
            }
            RefNum ref = {{0}, n.negative};
            S370DecMag m = n.mag;
            for (unsigned k = 0; m; k++, m /= 10)
                ref.d[k] = (uint8_t)(m % 10);
            bool lost = ref_store(theirs, len, &ref);
            cr_assert_eq(s370_dec_store(mine, len, n), lost, "store L=%u iteration %u", len, iter);
            expect_same(mine, theirs, len, "store", len, 0, iter);
        }
}

Test(s370_decimal_ref, convert_to_binary_and_back)
{
    Rng r = {UINT64_C(0xbf58476d1ce4e5b9)};
    uint8_t op[8], mine[8], theirs[8];
    for (unsigned iter = 0; iter < 100000; iter++) {
        random_field(&r, op, 8);
        uint32_t got = 0xdeadbeef;
        S370DecStatus st = s370_dec_to_binary(op, &got);
        if (!ref_valid(op, 8)) {
            cr_assert_eq(st, S370_DEC_DATA, "CVB iteration %u", iter);
            cr_assert_eq(got, 0xdeadbeef, "CVB of an invalid field changed the result");
            continue;
        }
        RefNum ref = ref_load(op, 8);
        int64_t value = 0;
        for (int k = 14; k >= 0; k--)
            value = value * 10 + ref.d[k];
        if (ref.negative) value = -value;
        bool fits = value >= INT32_MIN && value <= INT32_MAX;
        cr_assert_eq(st, fits ? S370_DEC_OK : S370_DEC_FIXED_DIVIDE, "CVB iteration %u", iter);
        cr_assert_eq(got, (uint32_t)value, "CVB iteration %u", iter);

        int32_t bin = (int32_t)(uint32_t)rng_next(&r);
        if (rng_below(&r, 4) == 0) bin >>= rng_below(&r, 32);
        s370_dec_from_binary(bin, mine);
        RefNum want = {{0}, bin < 0};
        uint64_t mag = bin < 0 ? -(uint64_t)(int64_t)bin : (uint64_t)bin;
        for (unsigned k = 0; mag; k++, mag /= 10)
            want.d[k] = (uint8_t)(mag % 10);
        ref_store(theirs, 8, &want);
        expect_same(mine, theirs, 8, "CVD", 8, 0, iter);
    }
}
