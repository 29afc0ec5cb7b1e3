/*
 * Packed-decimal arithmetic of the S/370 decimal instructions: pure
 * functions on operand images (PoO-370 §8, PoO-390 §8; CVB and CVD are in
 * §7 "General Instructions").  Operands are decoded into a binary
 * magnitude and sign, which holds every 31-digit value exactly; results
 * are encoded back with the preferred signs.
 */
#include "frontends/s370/s370_decimal.h"

#include <stddef.h>

/* 10^0 .. 10^32 (SRP shifts right by up to 32 digits). */
static S370DecMag s370_pow10(unsigned n)
{
    S370DecMag p = 1;
    while (n--)
        p *= 10;
    return p;
}

static unsigned s370_dec_digits(unsigned len)
{
    return 2 * len - 1;
}

/* Digit k from the left of a packed field of len bytes. */
static unsigned s370_dec_digit(const uint8_t *field, unsigned k)
{
    uint8_t b = field[k / 2];
    return k & 1 ? b & 0xf : b >> 4;
}

bool s370_dec_valid(const uint8_t *field, unsigned len)
{
    for (unsigned i = 0; i + 1 < len; i++)
        if ((field[i] >> 4) > 9 || (field[i] & 0xf) > 9) return false;
    return (field[len - 1] >> 4) <= 9 && s370_dec_sign_valid(field[len - 1] & 0xf);
}

/* 10^16: 31 digits are done as two 64-bit halves, which keeps the 128-bit
 * multiplications and divisions to one per operand. */
#define S370_DEC_HALF UINT64_C(10000000000000000)

bool s370_dec_load(const uint8_t *field, unsigned len, S370DecNumber *out)
{
    if (!s370_dec_valid(field, len)) return false;
    unsigned digits = s370_dec_digits(len), split = digits > 16 ? digits - 16 : 0;
    uint64_t hi = 0, lo = 0;
    for (unsigned k = 0; k < split; k++)
        hi = hi * 10 + s370_dec_digit(field, k);
    for (unsigned k = split; k < digits; k++)
        lo = lo * 10 + s370_dec_digit(field, k);
    out->mag = split ? (S370DecMag)hi * S370_DEC_HALF + lo : lo;
    out->negative = s370_dec_sign_minus(field[len - 1] & 0xf);
    return true;
}

/* The next digit from the right of *mag, sixteen at a time through *part. */
static unsigned s370_dec_next_digit(S370DecMag *mag, uint64_t *part, unsigned *left)
{
    if (*left == 0) {
        if (*mag < S370_DEC_HALF) {
            *part = (uint64_t)*mag;
            *mag = 0;
        } else {
            *part = (uint64_t)(*mag % S370_DEC_HALF);
            *mag /= S370_DEC_HALF;
        }
        *left = 16;
    }
    unsigned d = (unsigned)(*part % 10);
    *part /= 10;
    --*left;
    return d;
}

bool s370_dec_store(uint8_t *field, unsigned len, S370DecNumber n)
{
    S370DecMag mag = n.mag;
    uint64_t part = 0;
    unsigned left = 0;
    /* Right to left: the sign with the units digit, then digit pairs. */
    unsigned units = s370_dec_next_digit(&mag, &part, &left);
    field[len - 1] = (uint8_t)(units << 4 | (n.negative ? S370_DEC_MINUS : S370_DEC_PLUS));
    for (int i = (int)len - 2; i >= 0; i--) {
        unsigned lo = s370_dec_next_digit(&mag, &part, &left);
        unsigned hi = s370_dec_next_digit(&mag, &part, &left);
        field[i] = (uint8_t)(hi << 4 | lo);
    }
    return mag != 0 || part != 0;
}

bool s370_dec_overlap_ok(uint32_t addr1, unsigned len1, uint32_t addr2, unsigned len2,
                         uint32_t amask, bool zap)
{
    bool overlap = ((addr2 - addr1) & amask) < len1 || ((addr1 - addr2) & amask) < len2;
    if (!overlap) return true;
    uint32_t right1 = addr1 + len1 - 1, right2 = addr2 + len2 - 1;
    uint32_t distance = (right1 - right2) & amask;
    if (distance == 0) return true;
    /* Overlapping fields lie within 32 bytes of each other, so a small
     * distance means operand 1 ends to the right of operand 2. */
    return zap && distance < 2 * S370_DEC_MAX_BYTES;
}

S370DecWindow s370_dec_window(uint32_t addr1, unsigned len1, uint32_t addr2, unsigned len2,
                              uint32_t amask)
{
    S370DecWindow w = {0};
    uint32_t d12 = (addr2 - addr1) & amask, d21 = (addr1 - addr2) & amask;
    if (d12 < len1) {
        w.joined = true;
        w.start = addr1;
        w.off1 = 0;
        w.off2 = d12;
        w.len = d12 + len2 > len1 ? d12 + len2 : len1;
    } else if (d21 < len2) {
        w.joined = true;
        w.start = addr2;
        w.off1 = d21;
        w.off2 = 0;
        w.len = d21 + len1 > len2 ? d21 + len1 : len2;
    }
    return w;
}

/* Store an AP/SP/ZAP result.  PoO-370 §8 "Add Decimal": a zero sum is
 * positive, but when digits are lost the result keeps the sign of the
 * true sum even if what is left is zero. */
static S370DecStatus s370_dec_arith_result(uint8_t *op1, unsigned len1, S370DecNumber r,
                                           unsigned *cc)
{
    if (r.mag == 0) r.negative = false;
    bool lost = s370_dec_store(op1, len1, r);
    *cc = lost ? 3 : r.mag == 0 ? 0 : r.negative ? 1 : 2;
    return lost ? S370_DEC_OVERFLOW : S370_DEC_OK;
}

S370DecStatus s370_dec_add(uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2,
                           bool subtract, unsigned *cc)
{
    S370DecNumber a, b, r;
    if (!s370_dec_load(op1, len1, &a) || !s370_dec_load(op2, len2, &b)) return S370_DEC_DATA;
    if (subtract) b.negative = !b.negative;
    if (a.negative == b.negative) {
        r.mag = a.mag + b.mag;
        r.negative = a.negative;
    } else if (a.mag >= b.mag) {
        r.mag = a.mag - b.mag;
        r.negative = a.negative;
    } else {
        r.mag = b.mag - a.mag;
        r.negative = b.negative;
    }
    return s370_dec_arith_result(op1, len1, r, cc);
}

S370DecStatus s370_dec_zap(uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2,
                           unsigned *cc)
{
    S370DecNumber b;
    if (!s370_dec_load(op2, len2, &b)) return S370_DEC_DATA;
    return s370_dec_arith_result(op1, len1, b, cc);
}

/* Signed value order, with -0 equal to +0. */
static int s370_dec_order(S370DecNumber a, S370DecNumber b)
{
    bool neg_a = a.negative && a.mag != 0, neg_b = b.negative && b.mag != 0;
    if (neg_a != neg_b) return neg_a ? -1 : 1;
    if (a.mag == b.mag) return 0;
    bool a_larger = a.mag > b.mag;
    return a_larger != neg_a ? 1 : -1;
}

S370DecStatus s370_dec_compare(const uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2,
                               unsigned *cc)
{
    S370DecNumber a, b;
    if (!s370_dec_load(op1, len1, &a) || !s370_dec_load(op2, len2, &b)) return S370_DEC_DATA;
    int order = s370_dec_order(a, b);
    *cc = order == 0 ? 0 : order < 0 ? 1 : 2;
    return S370_DEC_OK;
}

bool s370_dec_muldiv_lengths_ok(unsigned len1, unsigned len2)
{
    /* PoO-370 §8 "Multiply Decimal"/"Divide Decimal": L2 > 7 or L2 >= L1
     * is a specification exception. */
    return len2 <= 8 && len2 < len1;
}

S370DecStatus s370_dec_multiply(uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2)
{
    if (!s370_dec_muldiv_lengths_ok(len1, len2)) return S370_DEC_SPECIFICATION;
    S370DecNumber a, b;
    if (!s370_dec_load(op1, len1, &a) || !s370_dec_load(op2, len2, &b)) return S370_DEC_DATA;
    /* The multiplicand needs at least as many bytes of leftmost zeros as
     * the multiplier has bytes, so the product always fits. */
    if (a.mag >= s370_pow10(s370_dec_digits(len1) - 2 * len2)) return S370_DEC_DATA;
    /* The sign follows the rules of algebra even for a zero product. */
    S370DecNumber r = {a.mag * b.mag, a.negative != b.negative};
    s370_dec_store(op1, len1, r);
    return S370_DEC_OK;
}

S370DecStatus s370_dec_divide(uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2)
{
    if (!s370_dec_muldiv_lengths_ok(len1, len2)) return S370_DEC_SPECIFICATION;
    S370DecNumber a, b;
    if (!s370_dec_load(op1, len1, &a) || !s370_dec_load(op2, len2, &b)) return S370_DEC_DATA;
    if (b.mag == 0) return S370_DEC_DIVIDE;
    unsigned qlen = len1 - len2;
    S370DecMag quotient = a.mag / b.mag;
    if (quotient >= s370_pow10(s370_dec_digits(qlen))) return S370_DEC_DIVIDE;
    /* Quotient sign by the rules of algebra, remainder sign that of the
     * dividend, both even when zero. */
    S370DecNumber q = {quotient, a.negative != b.negative};
    S370DecNumber r = {a.mag % b.mag, a.negative};
    s370_dec_store(op1, qlen, q);
    s370_dec_store(op1 + qlen, len2, r);
    return S370_DEC_OK;
}

S370DecStatus s370_dec_shift_round(uint8_t *op1, unsigned len1, unsigned shift, unsigned round,
                                   unsigned *cc)
{
    S370DecNumber a;
    /* PoO-370 §8 "Shift and Round Decimal": the operand and the rounding
     * digit are checked even when nothing is shifted or rounded. */
    if (!s370_dec_load(op1, len1, &a) || round > 9) return S370_DEC_DATA;
    unsigned digits = s370_dec_digits(len1);
    shift &= 63;
    S370DecNumber r = {0, a.negative};
    bool lost = false;
    if (shift < 32) {
        if (shift >= digits) {
            lost = a.mag != 0;
        } else {
            S370DecMag keep = s370_pow10(digits - shift);
            lost = a.mag >= keep;
            r.mag = (a.mag % keep) * s370_pow10(shift);
        }
    } else {
        /* Right by 64 - shift digits, after adding the rounding digit to
         * the leftmost digit shifted out. */
        unsigned n = 64 - shift;
        r.mag = a.mag / s370_pow10(n);
        unsigned first_out = (unsigned)(a.mag / s370_pow10(n - 1) % 10);
        if (first_out + round >= 10) r.mag++;
    }
    /* Without overflow a zero result is positive; with overflow the
     * original sign stays. */
    if (!lost && r.mag == 0) r.negative = false;
    s370_dec_store(op1, len1, r);
    *cc = lost ? 3 : r.mag == 0 ? 0 : r.negative ? 1 : 2;
    return lost ? S370_DEC_OVERFLOW : S370_DEC_OK;
}

/* PoO-370 §8 "Pack": the rightmost byte has its halves swapped, then the
 * numeric halves of operand 2 fill operand 1 right to left, two per byte;
 * operand 2 is extended with zeros or truncated on the left.  Each result
 * byte is stored right after the operand bytes it needs are fetched. */
void s370_dec_pack(uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2)
{
    int i = (int)len1 - 1, j = (int)len2 - 1;
    uint8_t b = op2[j--];
    op1[i--] = (uint8_t)(b << 4 | b >> 4);
    while (i >= 0) {
        unsigned lo = 0, hi = 0;
        if (j >= 0) lo = op2[j--] & 0xf;
        if (j >= 0) hi = op2[j--] & 0xf;
        op1[i--] = (uint8_t)(hi << 4 | lo);
    }
}

/* PoO-370 §8 "Unpack": the reverse; every digit but the sign gets the
 * zone F. */
void s370_dec_unpack(uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2)
{
    int i = (int)len1 - 1, j = (int)len2 - 1;
    uint8_t b = op2[j--];
    op1[i--] = (uint8_t)(b << 4 | b >> 4);
    while (i >= 0) {
        uint8_t s = j >= 0 ? op2[j--] : 0;
        op1[i--] = (uint8_t)(S370_DEC_ZONE | (s & 0xf));
        if (i >= 0) op1[i--] = (uint8_t)(S370_DEC_ZONE | s >> 4);
    }
}

/* PoO-370 §8 "Move with Offset": operand 2 goes to the left of the
 * rightmost four bits of operand 1, which stay. */
void s370_dec_move_offset(uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2)
{
    int i = (int)len1 - 1, j = (int)len2 - 1;
    uint8_t s = op2[j--];
    op1[i] = (uint8_t)(s << 4 | (op1[i] & 0xf));
    for (i--; i >= 0; i--) {
        unsigned carried = s >> 4;
        s = j >= 0 ? op2[j--] : 0;
        op1[i] = (uint8_t)(s << 4 | carried);
    }
}

/* PoO-370 §7 "Convert to Binary" (and PoO-390 §7, the same): a value
 * outside 32 bits still loads its rightmost 32 bits, then the
 * fixed-point-divide exception is recognized. */
S370DecStatus s370_dec_to_binary(const uint8_t op[8], uint32_t *result)
{
    S370DecNumber n;
    if (!s370_dec_load(op, 8, &n)) return S370_DEC_DATA;
    int64_t value = n.negative ? -(int64_t)n.mag : (int64_t)n.mag;
    *result = (uint32_t)value;
    return value < INT32_MIN || value > INT32_MAX ? S370_DEC_FIXED_DIVIDE : S370_DEC_OK;
}

void s370_dec_from_binary(int32_t value, uint8_t out[8])
{
    S370DecNumber n = {value < 0 ? (S370DecMag)(-(int64_t)value) : (S370DecMag)value, value < 0};
    s370_dec_store(out, 8, n);
}

void s370_dec_edit_start(S370Edit *e, const uint8_t *pattern, uint8_t *result, unsigned len)
{
    *e = (S370Edit){.pattern = pattern, .result = result, .len = len, .mark = -1};
}

/* PoO-370 §8 "Edit", figure "Summary of Editing Functions".  A byte's
 * state changes only once all it needs is there, so NEED_SOURCE can
 * resume at the same pattern byte. */
S370DecStatus s370_dec_edit_run(S370Edit *e, const uint8_t *src, unsigned src_len)
{
    for (; e->pos < e->len; e->pos++) {
        uint8_t p = e->pattern[e->pos], out;
        if (e->pos == 0) e->fill = p; /* and a selector here still selects */
        if (p == S370_ED_DIGIT_SELECTOR || p == S370_ED_SIGNIFICANCE_STARTER) {
            unsigned digit;
            bool plus_sign = false;
            if (e->right_pending) {
                digit = e->right_digit;
                e->right_pending = false;
            } else {
                if (e->src_used >= src_len) return S370_DEC_NEED_SOURCE;
                uint8_t s = src[e->src_used];
                digit = s >> 4;
                if (digit > 9) return S370_DEC_DATA;
                e->src_used++;
                /* The right half is checked for a sign when the left
                 * digit is examined; a sign ends the source byte. */
                unsigned right = s & 0xf;
                if (right <= 9) {
                    e->right_digit = (uint8_t)right;
                    e->right_pending = true;
                } else {
                    plus_sign = !s370_dec_sign_minus(right);
                }
            }
            if (digit != 0 || e->significance) {
                if (!e->significance) e->mark = (int)e->pos;
                out = (uint8_t)(S370_DEC_ZONE | digit);
            } else {
                out = e->fill;
            }
            if (digit != 0) e->field_nonzero = true;
            if (digit != 0 || p == S370_ED_SIGNIFICANCE_STARTER) e->significance = true;
            if (plus_sign) e->significance = false;
        } else if (p == S370_ED_FIELD_SEPARATOR) {
            out = e->fill;
            e->significance = false;
            e->field_nonzero = false;
        } else {
            out = e->significance ? p : e->fill; /* message byte */
        }
        e->result[e->pos] = out;
    }
    return S370_DEC_OK;
}

unsigned s370_dec_edit_cc(const S370Edit *e)
{
    if (!e->field_nonzero) return 0;
    return e->significance ? 1 : 2;
}
