/*
 * ESA/390 binary (IEEE 754) floating point on bit patterns: no cpu, no
 * FPC.  PoO-390 §19 "Binary-Floating-Point Instructions" (SA22-7201) is the
 * specification: the default NaN is positive, a NaN result is the
 * highest-priority NaN operand (quieted), tininess is detected before
 * rounding, and a trapped overflow or underflow delivers the result rounded
 * to the format's precision with its exponent scaled into range.
 *
 * Values are register images in an S370BfpVal: a short number in the low
 * 32 bits of `hi`, a long number in `hi`, an extended number in `hi` (the
 * left 64 bits, as in the first register of the pair) and `lo`.  The
 * caller applies the FPC masks to what an operation reports.
 */
#ifndef DOPPEL_S370_BFP_H
#define DOPPEL_S370_BFP_H

#include <stdbool.h>
#include <stdint.h>

typedef enum S370BfpFormat {
    S370_BFP_SHORT, /* binary32 */
    S370_BFP_LONG,  /* binary64 */
    S370_BFP_EXT,   /* binary128 */
} S370BfpFormat;

typedef struct S370BfpVal {
    uint64_t hi, lo;
} S370BfpVal;

/* Rounding methods: the FPC BFP rounding mode (0-3) and, from an M3
 * field, biased round to nearest (ties away). */
typedef enum S370BfpRound {
    S370_BFP_RNE = 0, /* to nearest, ties to even */
    S370_BFP_RZ = 1,  /* toward zero */
    S370_BFP_RP = 2,  /* toward +infinity */
    S370_BFP_RM = 3,  /* toward -infinity */
    S370_BFP_RNA = 4, /* to nearest, ties away from zero */
} S370BfpRound;

/* IEEE exceptions, in the bit order of the FPC mask and flag bytes. */
enum {
    S370_BFP_INVALID = 0x80,
    S370_BFP_DIVIDE = 0x40,
    S370_BFP_OVERFLOW = 0x20,
    S370_BFP_UNDERFLOW = 0x10,
    S370_BFP_INEXACT = 0x08,
};

typedef struct S370BfpResult {
    S370BfpVal v;     /* the result under default (untrapped) exception handling */
    uint8_t exc;      /* S370_BFP_* recognized under the untrapped rules */
    bool incremented; /* rounding increased the magnitude of v */
    /* The result was tiny before rounding: an underflow whenever the
     * underflow mask is on, exact or not. */
    bool tiny;
    /* For an overflowing or tiny result: the value rounded to the format's
     * precision with the exponent scaled by 2^-(scale) or 2^(scale) into
     * range, what a trapped overflow or underflow delivers; and whether
     * that rounding was inexact, or incremented. */
    S370BfpVal scaled;
    bool scaled_inexact, scaled_incremented;
} S370BfpResult;

typedef enum S370BfpOp {
    S370_BFP_ADD,
    S370_BFP_SUB,
    S370_BFP_MUL,
    S370_BFP_DIV,
} S370BfpOp;

/* a op b with operands in format `in` and the result in `out` (the same,
 * or wider for MDEBR/MXDBR). */
S370BfpResult s370_bfp_arith(S370BfpOp op, S370BfpFormat in, S370BfpFormat out, S370BfpVal a,
                             S370BfpVal b, S370BfpRound rm);
/* MULTIPLY AND ADD / SUBTRACT: b * c + a (or b * c - a), rounded once. */
S370BfpResult s370_bfp_fma(S370BfpFormat fmt, S370BfpVal a, S370BfpVal b, S370BfpVal c,
                           bool subtract, S370BfpRound rm);
S370BfpResult s370_bfp_sqrt(S370BfpFormat fmt, S370BfpVal a, S370BfpRound rm);
/* LOAD LENGTHENED / LOAD ROUNDED between formats. */
S370BfpResult s370_bfp_convert(S370BfpFormat from, S370BfpFormat to, S370BfpVal a, S370BfpRound rm);
/* LOAD FP INTEGER: a rounded to an integral value in the same format. */
S370BfpResult s370_bfp_round_int(S370BfpFormat fmt, S370BfpVal a, S370BfpRound rm);
/* CONVERT FROM FIXED (32-bit signed). */
S370BfpResult s370_bfp_from_int32(S370BfpFormat fmt, int32_t i, S370BfpRound rm);
/* CONVERT TO FIXED (32-bit signed): the integer, and *exc / *cc (3 for a
 * NaN or an out-of-range value, which give the largest integer of the
 * operand's sign, the maximum negative one for a NaN). */
int32_t s370_bfp_to_int32(S370BfpFormat fmt, S370BfpVal a, S370BfpRound rm, uint8_t *exc,
                          uint8_t *cc);
/* COMPARE (quiet) and COMPARE AND SIGNAL: the condition code 0 equal,
 * 1 low, 2 high, 3 unordered; *exc gets S370_BFP_INVALID for an SNaN, or
 * for any NaN when signaling. */
uint8_t s370_bfp_compare(S370BfpFormat fmt, S370BfpVal a, S370BfpVal b, bool signaling,
                         uint8_t *exc);
/* 0 zero, 1 less than zero, 2 greater than zero, 3 NaN. */
uint8_t s370_bfp_cc(S370BfpFormat fmt, S370BfpVal a);
/* TEST DATA CLASS: the one class bit of a (PoO-390 §19, 12 bits: +0 -0
 * +normal -normal +subnormal -subnormal +inf -inf +QNaN -QNaN +SNaN -SNaN
 * from bit 52 to bit 63 of the second-operand address). */
uint32_t s370_bfp_class(S370BfpFormat fmt, S370BfpVal a);
bool s370_bfp_is_nan(S370BfpFormat fmt, S370BfpVal a);
bool s370_bfp_is_snan(S370BfpFormat fmt, S370BfpVal a);
/* The quiet form of an SNaN (other values unchanged). */
S370BfpVal s370_bfp_quiet(S370BfpFormat fmt, S370BfpVal a);

#endif
