/*
 * Hexadecimal floating point on bit patterns (PoO-370 §9, PoO-390 §9/§18).
 *
 * Every operation unpacks its operands into sign, characteristic (as a
 * plain int, so intermediate values below 0 or above 127 are visible) and
 * fraction (an integer of 6, 14 or 28 hexadecimal digits), works on exact
 * integers, and packs the result.  The intermediate forms are the manual's:
 * addition carries one guard digit and truncates; multiplication and
 * division prenormalize and truncate; only LOAD ROUNDED and SQUARE ROOT
 * round.
 */
#include "frontends/s370/s370_hfp.h"

#include "frontends/s370/s370_internal.h"

typedef unsigned __int128 u128;

typedef struct Hfp {
    bool neg;
    int ch; /* characteristic; outside 0..127 only in intermediate results */
    u128 f; /* fraction: ndigits(fmt) hexadecimal digits */
} Hfp;

#define MASK56 UINT64_C(0x00ffffffffffffff)

static unsigned ndigits(S370HfpFormat fmt)
{
    return fmt == S370_HFP_SHORT ? 6 : fmt == S370_HFP_LONG ? 14 : 28;
}

static Hfp unpack(S370HfpFormat fmt, S370HfpVal v)
{
    Hfp h;
    switch (fmt) {
    case S370_HFP_SHORT:
        h.neg = (v.hi >> 31) & 1;
        h.ch = (v.hi >> 24) & 0x7f;
        h.f = v.hi & 0xffffff;
        break;
    case S370_HFP_LONG:
        h.neg = v.hi >> 63;
        h.ch = (v.hi >> 56) & 0x7f;
        h.f = v.hi & MASK56;
        break;
    default:
        /* PoO-370 §9 "Data Format": the low-order part's sign and
         * characteristic are ignored. */
        h.neg = v.hi >> 63;
        h.ch = (v.hi >> 56) & 0x7f;
        h.f = ((u128)(v.hi & MASK56) << 56) | (v.lo & MASK56);
        break;
    }
    return h;
}

static S370HfpVal pack(S370HfpFormat fmt, Hfp h)
{
    S370HfpVal v = {0, 0};
    uint64_t sign = h.neg ? 1 : 0;
    uint64_t ch = (uint64_t)h.ch & 0x7f;
    switch (fmt) {
    case S370_HFP_SHORT: v.hi = sign << 31 | ch << 24 | ((uint64_t)h.f & 0xffffff); break;
    case S370_HFP_LONG: v.hi = sign << 63 | ch << 56 | ((uint64_t)h.f & MASK56); break;
    default:
        v.hi = sign << 63 | ch << 56 | ((uint64_t)(h.f >> 56) & MASK56);
        v.lo = sign << 63 | ((uint64_t)h.f & MASK56);
        /* PoO-370 §9: unless the result is a true zero, the low-order
         * characteristic is 14 less than the high-order one, modulo 128. */
        if (v.hi != 0 || v.lo != 0) v.lo |= ((ch - 14) & 0x7f) << 56;
        break;
    }
    return v;
}

static Hfp true_zero(void)
{
    return (Hfp){false, 0, 0};
}

static unsigned clz128(u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64);
    if (hi) return (unsigned)__builtin_clzll(hi);
    uint64_t lo = (uint64_t)x;
    return lo ? 64 + (unsigned)__builtin_clzll(lo) : 128;
}

/* Shift a nonzero fraction of `digits` digits left until its leftmost
 * digit is nonzero, reducing the characteristic per digit. */
static void normalize(Hfp *h, unsigned digits)
{
    if (h->f == 0) return;
    unsigned zeros = (clz128(h->f) - (128 - 4 * digits)) / 4;
    h->f <<= 4 * zeros;
    h->ch -= (int)zeros;
}

static S370HfpResult result(S370HfpFormat fmt, Hfp h, uint16_t pgm)
{
    S370HfpResult r;
    r.v = pack(fmt, h);
    r.pgm = pgm;
    r.cc = h.f == 0 ? 0 : h.neg ? 1 : 2;
    return r;
}

/* The final checks of a result with a nonzero fraction (PoO-370 §6
 * "Exponent-Overflow Exception", "Exponent-Underflow Exception"):
 * overflow always interrupts and leaves the characteristic 128 smaller;
 * underflow interrupts only under its mask, leaving it 128 larger, and
 * otherwise makes the result a true zero. */
static S370HfpResult finish(S370HfpFormat fmt, Hfp h, unsigned pgm_mask)
{
    if (h.f == 0) return result(fmt, true_zero(), 0);
    if (h.ch > 127) {
        h.ch -= 128;
        return result(fmt, h, S370_PGM_EXPONENT_OVERFLOW);
    }
    if (h.ch < 0) {
        if (!(pgm_mask & S370_HFP_MASK_EXPUND)) return result(fmt, true_zero(), 0);
        h.ch += 128;
        return result(fmt, h, S370_PGM_EXPONENT_UNDERFLOW);
    }
    return result(fmt, h, 0);
}

/* A sum or difference with a zero fraction (PoO-370 §6 "Significance
 * Exception"): under the significance mask the result keeps the
 * intermediate characteristic and a plus sign and interrupts; otherwise it
 * is a true zero. */
static S370HfpResult significance(S370HfpFormat fmt, int ch, unsigned pgm_mask)
{
    if (!(pgm_mask & S370_HFP_MASK_SIGNIF)) return result(fmt, true_zero(), 0);
    Hfp h = {false, ch, 0};
    return result(fmt, h, S370_PGM_SIGNIFICANCE);
}

uint8_t s370_hfp_cc(S370HfpFormat fmt, S370HfpVal v)
{
    Hfp h = unpack(fmt, v);
    return h.f == 0 ? 0 : h.neg ? 1 : 2;
}

S370HfpVal s370_hfp_negate(S370HfpFormat fmt, S370HfpVal v)
{
    if (fmt == S370_HFP_SHORT)
        v.hi ^= UINT64_C(1) << 31;
    else
        v.hi ^= UINT64_C(1) << 63;
    return v;
}

/* The intermediate sum of PoO-370 §9 "ADD NORMALIZED": the fraction with
 * the smaller characteristic is shifted right by the difference, within
 * digits + 1 positions (the guard digit); digits shifted beyond it are
 * lost.  Returns the fraction with its guard digit, before any carry. */
static Hfp intermediate_sum(Hfp a, Hfp b, unsigned digits)
{
    u128 fa = a.f << 4, fb = b.f << 4;
    int ch = a.ch > b.ch ? a.ch : b.ch;
    unsigned da = (unsigned)(ch - a.ch), db = (unsigned)(ch - b.ch);
    fa = da > digits ? 0 : fa >> (4 * da);
    fb = db > digits ? 0 : fb >> (4 * db);
    Hfp s = {a.neg, ch, 0};
    if (a.neg == b.neg) {
        s.f = fa + fb;
    } else if (fa >= fb) {
        s.f = fa - fb;
    } else {
        s.f = fb - fa;
        s.neg = b.neg;
    }
    return s;
}

S370HfpResult s370_hfp_add(S370HfpFormat fmt, S370HfpVal a, S370HfpVal b, bool normalize_result,
                           unsigned pgm_mask)
{
    unsigned digits = ndigits(fmt);
    Hfp s = intermediate_sum(unpack(fmt, a), unpack(fmt, b), digits);
    /* A carry out of the leftmost digit shifts the sum right one digit. */
    if (s.f >> (4 * (digits + 1))) {
        s.f >>= 4;
        s.ch++;
    }
    if (normalize_result) {
        /* The guard digit takes part in normalization. */
        if (s.f == 0) return significance(fmt, s.ch, pgm_mask);
        normalize(&s, digits + 1);
        s.f >>= 4;
        return finish(fmt, s, pgm_mask);
    }
    /* ADD UNNORMALIZED truncates first; significance is judged on the
     * truncated fraction, and no underflow can occur. */
    s.f >>= 4;
    if (s.f == 0) return significance(fmt, s.ch, pgm_mask);
    return finish(fmt, s, pgm_mask);
}

uint8_t s370_hfp_compare(S370HfpFormat fmt, S370HfpVal a, S370HfpVal b)
{
    /* PoO-370 §9 "COMPARE": as a normalized subtraction, equal when the
     * intermediate difference including the guard digit is zero; no
     * exception is recognized. */
    Hfp hb = unpack(fmt, b);
    hb.neg = !hb.neg;
    Hfp d = intermediate_sum(unpack(fmt, a), hb, ndigits(fmt));
    return d.f == 0 ? 0 : d.neg ? 1 : 2;
}

/* 128 x 128 -> 256-bit product, as four 64-bit words, least significant
 * first. */
static void mul_128x128(u128 a, u128 b, uint64_t out[4])
{
    uint64_t a0 = (uint64_t)a, a1 = (uint64_t)(a >> 64);
    uint64_t b0 = (uint64_t)b, b1 = (uint64_t)(b >> 64);
    u128 p00 = (u128)a0 * b0, p01 = (u128)a0 * b1, p10 = (u128)a1 * b0, p11 = (u128)a1 * b1;
    u128 mid = (p00 >> 64) + (uint64_t)p01 + (uint64_t)p10;
    out[0] = (uint64_t)p00;
    out[1] = (uint64_t)mid;
    u128 high = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    out[2] = (uint64_t)high;
    out[3] = (uint64_t)(high >> 64);
}

/* Bits [shift, shift + 128) of a 256-bit value. */
static u128 extract_256(const uint64_t w[4], unsigned shift)
{
    u128 lo = ((u128)w[1] << 64) | w[0];
    u128 hi = ((u128)w[3] << 64) | w[2];
    if (shift == 0) return lo;
    if (shift >= 128) return hi >> (shift - 128);
    return (lo >> shift) | (hi << (128 - shift));
}

S370HfpResult s370_hfp_mul(S370HfpFormat in, S370HfpFormat out, S370HfpVal a, S370HfpVal b,
                           unsigned pgm_mask)
{
    unsigned n = ndigits(in), m = ndigits(out);
    Hfp ha = unpack(in, a), hb = unpack(in, b);
    /* PoO-370 §9 "MULTIPLY": a zero fraction gives a true zero. */
    if (ha.f == 0 || hb.f == 0) return result(out, true_zero(), 0);
    normalize(&ha, n);
    normalize(&hb, n);
    uint64_t p[4];
    mul_128x128(ha.f, hb.f, p);
    Hfp r = {ha.neg != hb.neg, ha.ch + hb.ch - 64, 0};
    /* The product of normalized fractions has 2n digits, at most its
     * leftmost one zero: normalize by that digit, then truncate (or extend
     * with zeros) to m digits. */
    unsigned bits = 8 * n;
    int shift = (int)bits - 4 * (int)m;
    if ((extract_256(p, bits - 4) & 0xf) == 0) {
        shift -= 4;
        r.ch--;
    }
    if (shift >= 0) {
        r.f = extract_256(p, (unsigned)shift);
    } else {
        r.f = extract_256(p, 0) << (unsigned)-shift;
    }
    if (4 * m < 128) r.f &= ((u128)1 << (4 * m)) - 1;
    return finish(out, r, pgm_mask);
}

/* floor(num * 2^bits / den) for num < 16 * den (at most 4 * 28 + 4 bits of
 * quotient), by restoring division. */
static u128 div_fraction(u128 num, u128 den, unsigned bits)
{
    u128 q = num / den, r = num % den;
    for (unsigned i = 0; i < bits; i++) {
        r <<= 1;
        q <<= 1;
        if (r >= den) {
            r -= den;
            q |= 1;
        }
    }
    return q;
}

S370HfpResult s370_hfp_div(S370HfpFormat fmt, S370HfpVal a, S370HfpVal b, unsigned pgm_mask)
{
    unsigned n = ndigits(fmt);
    Hfp ha = unpack(fmt, a), hb = unpack(fmt, b);
    if (hb.f == 0) {
        /* PoO-370 §6 "Floating-Point-Divide Exception": suppressed. */
        S370HfpResult r = {a, S370_PGM_FLOAT_DIVIDE, 0};
        return r;
    }
    if (ha.f == 0) return result(fmt, true_zero(), 0);
    normalize(&ha, n);
    normalize(&hb, n);
    /* PoO-370 §9 "DIVIDE": the quotient of normalized fractions is below
     * 16; when the dividend fraction is not less than the divisor's it is
     * at least 1 and is shifted right one digit.  Truncated. */
    Hfp r = {ha.neg != hb.neg, ha.ch - hb.ch + 64, 0};
    unsigned bits = 4 * n;
    if (ha.f >= hb.f) {
        bits -= 4;
        r.ch++;
    }
    if (n <= 14)
        r.f = (ha.f << bits) / hb.f;
    else
        r.f = div_fraction(ha.f, hb.f, bits);
    return finish(fmt, r, pgm_mask);
}

S370HfpResult s370_hfp_halve(S370HfpFormat fmt, S370HfpVal a, unsigned pgm_mask)
{
    unsigned n = ndigits(fmt);
    Hfp h = unpack(fmt, a);
    if (h.f == 0) return result(fmt, true_zero(), 0);
    /* PoO-370 §9 "HALVE": the fraction is shifted right one bit (the bit
     * shifted out kept in a guard digit), then normalized. */
    h.f <<= 3;
    normalize(&h, n + 1);
    h.f >>= 4;
    return finish(fmt, h, pgm_mask);
}

S370HfpResult s370_hfp_round(S370HfpFormat from, S370HfpVal a)
{
    Hfp h = unpack(from, a);
    S370HfpFormat to;
    unsigned dropped; /* digits dropped */
    if (from == S370_HFP_LONG) {
        to = S370_HFP_SHORT;
        dropped = 8;
    } else {
        to = S370_HFP_LONG;
        dropped = 14;
    }
    /* PoO-370 §9 "LOAD ROUNDED": a one is added at the leftmost dropped
     * bit; a carry out of the fraction shifts it right one digit and
     * increases the characteristic.  No normalization. */
    h.f = (h.f + ((u128)1 << (4 * dropped - 1))) >> (4 * dropped);
    if (h.f >> (4 * ndigits(to))) {
        h.f >>= 4;
        h.ch++;
    }
    S370HfpResult r;
    uint16_t pgm = 0;
    if (h.ch > 127) {
        h.ch -= 128;
        pgm = S370_PGM_EXPONENT_OVERFLOW;
    }
    r.v = pack(to, h);
    r.pgm = pgm;
    r.cc = h.f == 0 ? 0 : h.neg ? 1 : 2;
    return r;
}

/* floor(sqrt(x)), bit by bit. */
static u128 isqrt128(u128 x)
{
    u128 root = 0;
    u128 bit = (u128)1 << 126;
    while (bit > x)
        bit >>= 2;
    while (bit) {
        if (x >= root + bit) {
            x -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    return root;
}

S370HfpResult s370_hfp_sqrt(S370HfpFormat fmt, S370HfpVal a)
{
    unsigned n = ndigits(fmt);
    Hfp h = unpack(fmt, a);
    if (h.f == 0) return result(fmt, true_zero(), 0);
    if (h.neg || fmt == S370_HFP_EXT) {
        /* PoO-390 §9 "SQUARE ROOT": suppressed for a negative operand.
         * (Extended square root is not provided here.) */
        S370HfpResult r = {a, S370_PGM_SQUARE_ROOT, 0};
        return r;
    }
    normalize(&h, n);
    /* The root of the normalized operand with one extra digit, rounded
     * half up at that digit: an odd exponent moves one digit of the
     * fraction into the integer part of the radicand. */
    Hfp r = {false, 0, 0};
    u128 radicand;
    if (h.ch & 1) {
        r.ch = (h.ch + 65) / 2;
        radicand = h.f << (4 * (n + 1));
    } else {
        r.ch = (h.ch + 64) / 2;
        radicand = h.f << (4 * (n + 2));
    }
    r.f = (isqrt128(radicand) + 8) >> 4;
    return result(fmt, r, 0);
}
