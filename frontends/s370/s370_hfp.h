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

#endif
