/*
 * Packed-decimal arithmetic of the S/370 decimal instructions: pure
 * functions on operand images (PoO-370 §8, PoO-390 §8; CVB and CVD are in
 * §7 "General Instructions").  AP, SP, ZAP and CP add and compare the
 * digits in BCD as they are; MP, DP, SRP, CVB and CVD decode them into a
 * binary magnitude, which holds every 31-digit value exactly.  Results
 * are encoded back with the preferred signs.
 */
#include "frontends/s370/s370_decimal.h"

#include <stddef.h>
#include <string.h>

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

/* 10^16: 31 digits are two 16-digit halves, one uint64_t of BCD each. */
#define S370_DEC_HALF UINT64_C(10000000000000000)

/* ---- field images ----
 * A packed field of len bytes read as one big-endian number is its
 * image: the sign code in bits 0-3, digit k from the right in bits
 * 4k+4 to 4k+7.  Eight bytes are one uint64_t, so checking and converting
 * the digits works on sixteen of them at a time, and without the sign
 * the image is the number in BCD, which AP, SP, ZAP and CP work on
 * directly. */

/* 31 digits in BCD, the units digit in bits 0-3; a sum's carry digit
 * still fits. */
typedef unsigned __int128 S370DecBcd;

/* A decoded packed number in BCD. */
typedef struct S370DecPacked {
    S370DecBcd digits;
    bool negative;
} S370DecPacked;

#define S370_DEC_BCD(hi, lo) ((S370DecBcd)UINT64_C(hi) << 64 | UINT64_C(lo))

/* n bytes (0-8) as a big-endian number: two loads that may overlap,
 * which is the same byte in the same place either way. */
static inline uint64_t s370_dec_get_be(const uint8_t *p, unsigned n)
{
    uint64_t v;
    uint32_t a, b;
    uint16_t h;
    if (n == 8) {
        memcpy(&v, p, 8);
        return __builtin_bswap64(v);
    }
    if (n >= 4) {
        memcpy(&a, p, 4);
        memcpy(&b, p + n - 4, 4);
        return (uint64_t)__builtin_bswap32(a) << 8 * (n - 4) | __builtin_bswap32(b);
    }
    if (n >= 2) {
        memcpy(&h, p + n - 2, 2);
        return (uint64_t)p[0] << 8 * (n - 1) | __builtin_bswap16(h);
    }
    return n ? p[0] : 0;
}

/* The rightmost n bytes (0-8) of v, big-endian, the same way. */
static inline void s370_dec_put_be(uint8_t *p, unsigned n, uint64_t v)
{
    uint32_t a, b;
    uint16_t h;
    if (n == 8) {
        v = __builtin_bswap64(v);
        memcpy(p, &v, 8);
    } else if (n >= 4) {
        a = __builtin_bswap32((uint32_t)(v >> 8 * (n - 4)));
        b = __builtin_bswap32((uint32_t)v);
        memcpy(p, &a, 4);
        memcpy(p + n - 4, &b, 4);
    } else if (n >= 2) {
        h = __builtin_bswap16((uint16_t)v);
        p[0] = (uint8_t)(v >> 8 * (n - 1));
        memcpy(p + n - 2, &h, 2);
    } else if (n) {
        p[0] = (uint8_t)v;
    }
}

/* The 4-bit groups of x that are above 9 (1000 with 100 or 010), as
 * their bit 3. */
static inline uint64_t s370_dec_bad_nibbles(uint64_t x)
{
    return x & (x << 1 | x << 2) & UINT64_C(0x8888888888888888);
}

/* Sixteen BCD digits to binary: pairs of digits into bytes, pairs of
 * bytes into 16-bit lanes, and so on; no lane outgrows its width. */
static inline uint64_t s370_dec_bcd_to_bin(uint64_t x)
{
    x = (x & UINT64_C(0x0f0f0f0f0f0f0f0f)) + (x >> 4 & UINT64_C(0x0f0f0f0f0f0f0f0f)) * 10;
    x = (x & UINT64_C(0x00ff00ff00ff00ff)) + (x >> 8 & UINT64_C(0x00ff00ff00ff00ff)) * 100;
    x = (x & UINT64_C(0x0000ffff0000ffff)) + (x >> 16 & UINT64_C(0x0000ffff0000ffff)) * 10000;
    return (x & 0xffffffff) + (x >> 32) * 100000000;
}

/* v below 10^8 to eight BCD digits, the other way round: four-digit
 * halves in 32-bit lanes, two-digit quarters in 16-bit lanes, then each
 * quarter n becomes n + 6 * (n / 10), its BCD byte.  The lane quotients
 * are multiplications: n / 100 = n * 5243 >> 19 for n < 43699, n / 10 =
 * n * 103 >> 10 for n < 179. */
static inline uint32_t s370_dec_bin_to_bcd8(uint32_t v)
{
    uint64_t x = (uint64_t)(v / 10000) << 32 | v % 10000;
    uint64_t q = (x * 5243 >> 19) & UINT64_C(0x0000007f0000007f);
    x = q << 16 | (x - q * 100);
    x += ((x * 103 >> 10) & UINT64_C(0x000f000f000f000f)) * 6;
    x = (x | x >> 8) & UINT64_C(0x0000ffff0000ffff);
    return (uint32_t)(x | x >> 16);
}

/* v below 10^16 to sixteen BCD digits. */
static inline uint64_t s370_dec_bin_to_bcd(uint64_t v)
{
    return (uint64_t)s370_dec_bin_to_bcd8((uint32_t)(v / 100000000)) << 32 |
           s370_dec_bin_to_bcd8((uint32_t)(v % 100000000));
}

/* Read a field: false when a digit code is not 0-9 or the sign code
 * not A-F (PoO-370 §8 "Decimal-Number Formats"). */
static bool s370_dec_get_packed(const uint8_t *field, unsigned len, S370DecPacked *out)
{
    uint64_t hi = 0, lo;
    if (len <= 8) {
        lo = s370_dec_get_be(field, len);
    } else {
        hi = s370_dec_get_be(field, len - 8);
        lo = s370_dec_get_be(field + len - 8, 8);
    }
    unsigned sign = lo & 0xf;
    if ((s370_dec_bad_nibbles(hi) | s370_dec_bad_nibbles(lo & ~UINT64_C(0xf))) ||
        !s370_dec_sign_valid(sign))
        return false;
    out->digits = ((S370DecBcd)hi << 64 | lo) >> 4;
    out->negative = s370_dec_sign_minus(sign);
    return true;
}

/* Write the rightmost 2*len-1 digits with the preferred sign; true when
 * nonzero digits did not fit. */
static bool s370_dec_put_packed(uint8_t *field, unsigned len, S370DecPacked p)
{
    S370DecBcd image = p.digits << 4 | (p.negative ? S370_DEC_MINUS : S370_DEC_PLUS);
    if (len <= 8) {
        s370_dec_put_be(field, len, (uint64_t)image);
    } else {
        s370_dec_put_be(field, len - 8, (uint64_t)(image >> 64));
        s370_dec_put_be(field + len - 8, 8, (uint64_t)image);
    }
    return p.digits >> 4 * s370_dec_digits(len) != 0;
}

bool s370_dec_valid(const uint8_t *field, unsigned len)
{
    S370DecPacked p;
    return s370_dec_get_packed(field, len, &p);
}

/* The binary magnitude of BCD digits, sixteen at a time. */
static S370DecNumber s370_dec_binary(S370DecPacked p)
{
    uint64_t lo = s370_dec_bcd_to_bin((uint64_t)p.digits), hi = (uint64_t)(p.digits >> 64);
    S370DecMag mag = hi ? (S370DecMag)s370_dec_bcd_to_bin(hi) * S370_DEC_HALF + lo : lo;
    return (S370DecNumber){mag, p.negative};
}

bool s370_dec_load(const uint8_t *field, unsigned len, S370DecNumber *out)
{
    S370DecPacked p;
    if (!s370_dec_get_packed(field, len, &p)) return false;
    *out = s370_dec_binary(p);
    return true;
}

bool s370_dec_store(uint8_t *field, unsigned len, S370DecNumber n)
{
    /* The rightmost 32 digits as two BCD halves, and whether any beyond
     * them are nonzero. */
    uint64_t lo = (uint64_t)n.mag, hi = 0;
    bool beyond = false;
    if (n.mag >= S370_DEC_HALF) {
        S370DecMag q = n.mag / S370_DEC_HALF;
        lo = (uint64_t)(n.mag - q * S370_DEC_HALF);
        hi = s370_dec_bin_to_bcd((uint64_t)(q % S370_DEC_HALF));
        beyond = q >= S370_DEC_HALF;
    }
    S370DecPacked p = {(S370DecBcd)hi << 64 | s370_dec_bin_to_bcd(lo), n.negative};
    return s370_dec_put_packed(field, len, p) || beyond;
}

/* BCD sum and difference (a >= b) of digits 0-9: binary arithmetic, then
 * 6 taken back from each digit that did not carry (having been given
 * 6 beforehand so that it carries at ten), or that borrowed.  A digit's
 * carry or borrow shows as bit 4 of the next digit in a ^ b ^ result. */
#define S370_DEC_BCD_SIXES S370_DEC_BCD(0x0666666666666666, 0x6666666666666666)
#define S370_DEC_BCD_CARRY S370_DEC_BCD(0x1111111111111111, 0x1111111111111110)

static S370DecBcd s370_dec_bcd_add(S370DecBcd a, S370DecBcd b)
{
    S370DecBcd t = a + S370_DEC_BCD_SIXES, sum = t + b;
    S370DecBcd no_carry = ~(sum ^ t ^ b) & S370_DEC_BCD_CARRY;
    return sum - (no_carry >> 2 | no_carry >> 3);
}

static S370DecBcd s370_dec_bcd_sub(S370DecBcd a, S370DecBcd b)
{
    S370DecBcd diff = a - b, borrow = (diff ^ a ^ b) & S370_DEC_BCD_CARRY;
    return diff - (borrow >> 2 | borrow >> 3);
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
static S370DecStatus s370_dec_arith_result(uint8_t *op1, unsigned len1, S370DecPacked r,
                                           unsigned *cc)
{
    if (r.digits == 0) r.negative = false;
    bool lost = s370_dec_put_packed(op1, len1, r);
    *cc = lost ? 3 : r.digits == 0 ? 0 : r.negative ? 1 : 2;
    return lost ? S370_DEC_OVERFLOW : S370_DEC_OK;
}

/* In BCD the digits compare as numbers do. */
S370DecStatus s370_dec_add(uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2,
                           bool subtract, unsigned *cc)
{
    S370DecPacked a, b, r;
    if (!s370_dec_get_packed(op1, len1, &a) || !s370_dec_get_packed(op2, len2, &b))
        return S370_DEC_DATA;
    if (subtract) b.negative = !b.negative;
    if (a.negative == b.negative) {
        r.digits = s370_dec_bcd_add(a.digits, b.digits);
        r.negative = a.negative;
    } else if (a.digits >= b.digits) {
        r.digits = s370_dec_bcd_sub(a.digits, b.digits);
        r.negative = a.negative;
    } else {
        r.digits = s370_dec_bcd_sub(b.digits, a.digits);
        r.negative = b.negative;
    }
    return s370_dec_arith_result(op1, len1, r, cc);
}

S370DecStatus s370_dec_zap(uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2,
                           unsigned *cc)
{
    S370DecPacked b;
    if (!s370_dec_get_packed(op2, len2, &b)) return S370_DEC_DATA;
    return s370_dec_arith_result(op1, len1, b, cc);
}

/* Signed value order, with -0 equal to +0. */
static int s370_dec_order(S370DecPacked a, S370DecPacked b)
{
    bool neg_a = a.negative && a.digits != 0, neg_b = b.negative && b.digits != 0;
    if (neg_a != neg_b) return neg_a ? -1 : 1;
    if (a.digits == b.digits) return 0;
    bool a_larger = a.digits > b.digits;
    return a_larger != neg_a ? 1 : -1;
}

S370DecStatus s370_dec_compare(const uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2,
                               unsigned *cc)
{
    S370DecPacked a, b;
    if (!s370_dec_get_packed(op1, len1, &a) || !s370_dec_get_packed(op2, len2, &b))
        return S370_DEC_DATA;
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
    S370DecPacked a, b;
    if (!s370_dec_get_packed(op1, len1, &a) || !s370_dec_get_packed(op2, len2, &b))
        return S370_DEC_DATA;
    /* The multiplicand needs at least as many bytes of leftmost zeros as
     * the multiplier has bytes, so the product always fits. */
    if (a.digits >> 4 * (s370_dec_digits(len1) - 2 * len2)) return S370_DEC_DATA;
    /* The sign follows the rules of algebra even for a zero product. */
    S370DecNumber r = {s370_dec_binary(a).mag * s370_dec_binary(b).mag, a.negative != b.negative};
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
