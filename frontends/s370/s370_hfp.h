/*
 * System/370 hexadecimal floating point (HFP) arithmetic on bit patterns:
 * no cpu, no storage.  PoO-370 §9 "Floating-Point Instructions" (GA22-7000)
 * and PoO-390 §9/§18 (SA22-7201) define every rule implemented here: the
 * guard digit, truncation, normalization, the wrapped characteristic of an
 * overflowed or underflowed result, true zeros and significance.
 *
 * Operands and results are register images in an S370HfpVal: a short
 * number in the low 32 bits of `hi`, a long number in `hi`, an extended
 * number in `hi` (high-order part) and `lo` (low-order part).  Each
 * operation returns the result it would place in the first operand
 * location together with the program-interruption code it recognized
 * (0 for none); the caller stores the result unless the code suppresses the
 * operation (floating-point divide, square root), then raises the code.
 */
#ifndef DOPPEL_S370_HFP_H
#define DOPPEL_S370_HFP_H

#include <stdbool.h>
#include <stdint.h>

typedef enum S370HfpFormat {
    S370_HFP_SHORT, /* 6 hexadecimal fraction digits */
    S370_HFP_LONG,  /* 14 */
    S370_HFP_EXT,   /* 28, in a register pair */
} S370HfpFormat;

typedef struct S370HfpVal {
    uint64_t hi, lo;
} S370HfpVal;

typedef struct S370HfpResult {
    S370HfpVal v;
    uint16_t pgm; /* 0 or the S370_PGM_* code recognized */
    uint8_t cc;   /* 0 zero fraction, 1 less than zero, 2 greater than zero */
} S370HfpResult;

/* Program-mask bits the operations consult (PSW bits 38 and 39). */
enum {
    S370_HFP_MASK_EXPUND = 2, /* exponent-underflow mask */
    S370_HFP_MASK_SIGNIF = 1, /* significance mask */
};

/* The condition code of a result: 0 if the fraction is zero, else 1 for
 * minus and 2 for plus (PoO-370 §9, "Resulting Condition Code"). */
uint8_t s370_hfp_cc(S370HfpFormat fmt, S370HfpVal v);

/* ADD NORMALIZED / UNNORMALIZED (and SUBTRACT with b's sign inverted by the
 * caller): a + b with a guard digit, truncated. */
S370HfpResult s370_hfp_add(S370HfpFormat fmt, S370HfpVal a, S370HfpVal b, bool normalize,
                           unsigned pgm_mask);
/* Flip the sign of an operand, for SUBTRACT. */
S370HfpVal s370_hfp_negate(S370HfpFormat fmt, S370HfpVal v);
/* COMPARE: the condition code of a : b (0 equal, 1 low, 2 high). */
uint8_t s370_hfp_compare(S370HfpFormat fmt, S370HfpVal a, S370HfpVal b);
/* MULTIPLY: operands of format `in` (prenormalized), product of format
 * `out`: short->long (ME), long->long (MD), long->ext (MXD), ext->ext (MXR). */
S370HfpResult s370_hfp_mul(S370HfpFormat in, S370HfpFormat out, S370HfpVal a, S370HfpVal b,
                           unsigned pgm_mask);
/* DIVIDE: a / b; a zero divisor fraction gives S370_PGM_FLOAT_DIVIDE and
 * the operation is suppressed. */
S370HfpResult s370_hfp_div(S370HfpFormat fmt, S370HfpVal a, S370HfpVal b, unsigned pgm_mask);
/* HALVE: a / 2, normalized (short and long). */
S370HfpResult s370_hfp_halve(S370HfpFormat fmt, S370HfpVal a, unsigned pgm_mask);
/* LOAD ROUNDED: `from` long -> short (LRER) or ext -> long (LRDR). */
S370HfpResult s370_hfp_round(S370HfpFormat from, S370HfpVal a);
/* SQUARE ROOT (ESA/390): a negative nonzero operand gives
 * S370_PGM_SQUARE_ROOT and the operation is suppressed. */
S370HfpResult s370_hfp_sqrt(S370HfpFormat fmt, S370HfpVal a);

/* ---- Fast paths ----
 *
 * The common cases of the short and long operations in 64-bit arithmetic,
 * inline, so that a helper for one operation and format compiles to
 * straight-line code.  Operands and results are FPR images: a short number
 * in the high half (the low half of an operand ignored, zero in a result),
 * so that both formats share one layout: sign bit 63, characteristic bits
 * 62-56, fraction bits 55-0, of which a short one uses 55-32.
 *
 * Each returns false, leaving *r alone, for what it leaves to the general
 * functions above: a sum with a zero fraction (significance), a result
 * characteristic outside 0..127 (exponent overflow and underflow) and a
 * zero divisor.  Otherwise *r is the v of the general function with
 * pgm 0 (and cc s370_hfp_cc of it); the program mask only matters in the
 * cases left to the general functions. */

#define S370_HFP_SIGN UINT64_C(0x8000000000000000)

static inline uint64_t s370_hfp_fraction_mask(S370HfpFormat fmt)
{
    return fmt == S370_HFP_SHORT ? UINT64_C(0x00ffffff00000000) : UINT64_C(0x00ffffffffffffff);
}

static inline int s370_hfp_char(uint64_t x)
{
    return (int)(x >> 56) & 0x7f;
}

/* Shift a nonzero fraction left until the digit at bits (63 - top_bit)
 * and below, the leftmost one, is nonzero: a fraction's leftmost digit is
 * bits 55-52 (top_bit 8), a sum's with its guard digit bits 59-56 (4). */
static inline void s370_hfp_normalize_fast(uint64_t *f, int *ch, unsigned top_bit)
{
    unsigned zeros = ((unsigned)__builtin_clzll(*f) - top_bit) / 4;
    *f <<= 4 * zeros;
    *ch -= (int)zeros;
}

/* The result image, or false when the characteristic is out of range. */
static inline bool s370_hfp_pack_fast(uint64_t sign, int ch, uint64_t f, uint64_t *r)
{
    if ((unsigned)ch > 127) return false;
    *r = sign | (uint64_t)ch << 56 | f;
    return true;
}

/* The intermediate sum of PoO-370 §9 "ADD NORMALIZED" with its guard
 * digit (a fraction shifted left one digit, bits 59-0 and a carry above),
 * its sign and characteristic.  The fraction with the smaller
 * characteristic is shifted right; digits shifted beyond the guard digit
 * are lost (for a short fraction, below bit 32). */
static inline uint64_t s370_hfp_sum_fast(S370HfpFormat fmt, uint64_t a, uint64_t b, uint64_t *sign,
                                         int *ch)
{
    if (s370_hfp_char(a) < s370_hfp_char(b)) {
        uint64_t t = a;
        a = b;
        b = t;
    }
    const uint64_t mask = s370_hfp_fraction_mask(fmt);
    const uint64_t kept = fmt == S370_HFP_SHORT ? ~UINT64_C(0xffffffff) : ~UINT64_C(0);
    uint64_t fa = (a & mask) << 4, fb = (b & mask) << 4;
    unsigned shift = 4 * (unsigned)(s370_hfp_char(a) - s370_hfp_char(b));
    fb = shift < 64 ? (fb >> shift) & kept : 0;
    *ch = s370_hfp_char(a);
    *sign = a & S370_HFP_SIGN;
    if (!((a ^ b) & S370_HFP_SIGN)) return fa + fb;
    if (fa >= fb) return fa - fb;
    *sign = b & S370_HFP_SIGN;
    return fb - fa;
}

/* s370_hfp_add. */
static inline bool s370_hfp_add_fast(S370HfpFormat fmt, uint64_t a, uint64_t b, bool normalize,
                                     uint64_t *r)
{
    uint64_t sign;
    int ch;
    uint64_t s = s370_hfp_sum_fast(fmt, a, b, &sign, &ch);
    /* A carry shifts the sum right one digit; the digit shifted out of a
     * short guard digit is dropped by the mask below. */
    if (s >> 60) {
        s >>= 4;
        ch++;
    }
    /* The guard digit takes part in normalization; ADD UNNORMALIZED
     * judges significance on the truncated sum. */
    if (normalize && s) s370_hfp_normalize_fast(&s, &ch, 4);
    s = (s >> 4) & s370_hfp_fraction_mask(fmt);
    if (!s) return false;
    return s370_hfp_pack_fast(sign, ch, s, r);
}

/* s370_hfp_compare (no exception: never falls back). */
static inline uint8_t s370_hfp_compare_fast(S370HfpFormat fmt, uint64_t a, uint64_t b)
{
    uint64_t sign;
    int ch;
    uint64_t s = s370_hfp_sum_fast(fmt, a, b ^ S370_HFP_SIGN, &sign, &ch);
    return !s ? 0 : sign ? 1 : 2;
}

/* Normalize the nonzero fraction f of operand x, as MULTIPLY and DIVIDE
 * do to their operands (PoO-370 §9): x's characteristic less the digits
 * shifted. */
static inline int s370_hfp_prenormalize_fast(uint64_t x, uint64_t *f)
{
    int ch = s370_hfp_char(x);
    s370_hfp_normalize_fast(f, &ch, 8);
    return ch;
}

/* s370_hfp_mul for ME/MER (in short) and MD/MDR (in long): a long product. */
static inline bool s370_hfp_mul_fast(S370HfpFormat in, uint64_t a, uint64_t b, uint64_t *r)
{
    const uint64_t mask = s370_hfp_fraction_mask(in);
    uint64_t fa = a & mask, fb = b & mask;
    if (!fa || !fb) {
        *r = 0; /* a true zero */
        return true;
    }
    int ch = s370_hfp_prenormalize_fast(a, &fa) + s370_hfp_prenormalize_fast(b, &fb) - 64;
    /* The product of fractions of 14 digits (a short one: 6 and 8 zero
     * digits) has 28, at most the leftmost zero; the long result is its
     * leftmost 14 after normalization, truncated. */
    unsigned __int128 p = (unsigned __int128)fa * fb;
    uint64_t f;
    if (p >> 108) {
        f = (uint64_t)(p >> 56);
    } else {
        f = (uint64_t)(p >> 52);
        ch--;
    }
    return s370_hfp_pack_fast((a ^ b) & S370_HFP_SIGN, ch, f, r);
}

/* floor((hi * 2^64 + lo) / d) for hi < d (so that the quotient fits):
 * one divq on x86-64, where __int128 division is a libgcc call. */
static inline uint64_t s370_hfp_div128(uint64_t hi, uint64_t lo, uint64_t d)
{
#if defined(__x86_64__)
    uint64_t q, rem;
    __asm__("divq %4" : "=a"(q), "=d"(rem) : "0"(lo), "1"(hi), "rm"(d));
    return q;
#else
    return (uint64_t)(((unsigned __int128)hi << 64 | lo) / d);
#endif
}

/* s370_hfp_div. */
static inline bool s370_hfp_div_fast(S370HfpFormat fmt, uint64_t a, uint64_t b, uint64_t *r)
{
    const uint64_t mask = s370_hfp_fraction_mask(fmt);
    uint64_t fa = a & mask, fb = b & mask;
    if (!fb) return false; /* floating-point divide */
    if (!fa) {
        *r = 0;
        return true;
    }
    int ch = s370_hfp_prenormalize_fast(a, &fa) - s370_hfp_prenormalize_fast(b, &fb) + 64;
    /* The quotient of the normalized fractions, truncated to the format's
     * digits; at least 1 when fa >= fb, then one digit fewer is kept. */
    unsigned bits = fmt == S370_HFP_SHORT ? 24 : 56;
    if (fa >= fb) {
        bits -= 4;
        ch++;
    }
    uint64_t q;
    if (fmt == S370_HFP_SHORT)
        q = (((fa >> 32) << bits) / (fb >> 32)) << 32;
    else
        q = s370_hfp_div128(fa >> (64 - bits), fa << bits, fb);
    return s370_hfp_pack_fast((a ^ b) & S370_HFP_SIGN, ch, q, r);
}

/* s370_hfp_halve. */
static inline bool s370_hfp_halve_fast(S370HfpFormat fmt, uint64_t a, uint64_t *r)
{
    const uint64_t mask = s370_hfp_fraction_mask(fmt);
    uint64_t f = (a & mask) << 3; /* halved, with a guard digit */
    if (!f) {
        *r = 0;
        return true;
    }
    int ch = s370_hfp_char(a);
    s370_hfp_normalize_fast(&f, &ch, 4);
    return s370_hfp_pack_fast(a & S370_HFP_SIGN, ch, (f >> 4) & mask, r);
}

#endif
