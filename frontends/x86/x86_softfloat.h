/*
 * x87 double-extended floating point in software (SDM Vol 1 §4.2, §4.8,
 * §8.1-8.5): 80-bit values with an explicit integer bit, the control
 * word's rounding (RC) and precision (PC) control, and the x87's special
 * rules: unsupported encodings (pseudo-NaN, pseudo-infinity, unnormal) are
 * invalid operands, NaN propagation picks the larger significand (SDM Vol 1
 * §4.8.3.5 table 4-7), the masked invalid response is the real indefinite,
 * and an unmasked overflow or underflow of a register result delivers the
 * value with its exponent wrapped by 24576 (SDM Vol 1 §8.5.4, §8.5.5).
 *
 * No cpu here: an X86FpCtx carries the control word in and the exception
 * flags (status-word bit positions) and C1 out; x86_fpu.c applies them.
 */
#ifndef DOPPEL_X86_SOFTFLOAT_H
#define DOPPEL_X86_SOFTFLOAT_H

#include <stdbool.h>
#include <stdint.h>

/* An 80-bit value: significand (bit 63 the integer bit) and sign/exponent. */
typedef struct X86F80 {
    uint64_t sig;
    uint16_t se; /* sign (bit 15), biased exponent (bits 0-14) */
} X86F80;

/* Exception flags in status-word (and control-word mask) positions. */
enum {
    X86_FPE_IE = 1 << 0,
    X86_FPE_DE = 1 << 1,
    X86_FPE_ZE = 1 << 2,
    X86_FPE_OE = 1 << 3,
    X86_FPE_UE = 1 << 4,
    X86_FPE_PE = 1 << 5,
    X86_FPE_SF = 1 << 6, /* stack fault (with IE) */
    X86_FPE_ALL = 0x3f,
};

/* Control word fields (SDM Vol 1 §8.1.5). */
enum {
    X86_FPCW_PC_SHIFT = 8,
    X86_FPCW_RC_SHIFT = 10,
    X86_RC_NEAREST = 0,
    X86_RC_DOWN = 1,
    X86_RC_UP = 2,
    X86_RC_ZERO = 3,
};

typedef struct X86FpCtx {
    uint16_t cw;  /* in: control word */
    uint16_t exc; /* out (accumulated): X86_FPE_* */
    bool c1;      /* out: the result was rounded up (meaningful with PE) */
} X86FpCtx;

/* Status word condition bits, as FCOM/FPREM/FXAM report them. */
enum {
    X86_FPSW_C0 = 1 << 8,
    X86_FPSW_C1 = 1 << 9,
    X86_FPSW_C2 = 1 << 10,
    X86_FPSW_C3 = 1 << 14,
};

static inline X86F80 x86f80_make(bool sign, unsigned exp, uint64_t sig)
{
    return (X86F80){sig, (uint16_t)((sign ? 0x8000 : 0) | (exp & 0x7fff))};
}
static inline bool x86f80_sign(X86F80 a)
{
    return (a.se >> 15) != 0;
}
static inline unsigned x86f80_exp(X86F80 a)
{
    return a.se & 0x7fff;
}
/* The real indefinite (SDM Vol 1 §4.8.3.7). */
static inline X86F80 x86f80_indefinite(void)
{
    return x86f80_make(true, 0x7fff, 0xc000000000000000ull);
}

/* FXAM classes (C3 C2 C0 of SDM Vol 2 FXAM), unsupported first. */
typedef enum X86F80Class {
    X86F80_UNSUPPORTED = 0, /* 000 */
    X86F80_NAN = 1,         /* 001 */
    X86F80_NORMAL = 2,      /* 010 */
    X86F80_INF = 3,         /* 011 */
    X86F80_ZERO = 4,        /* 100 */
    X86F80_EMPTY = 5,       /* 101 (by the tag, not the value) */
    X86F80_DENORMAL = 6,    /* 110 (also pseudo-denormals) */
} X86F80Class;
X86F80Class x86f80_classify(X86F80 a);
bool x86f80_is_snan(X86F80 a);

/* Arithmetic, rounded by the control word's RC and PC. */
X86F80 x86f80_add(X86FpCtx *c, X86F80 a, X86F80 b);
X86F80 x86f80_sub(X86FpCtx *c, X86F80 a, X86F80 b);
X86F80 x86f80_mul(X86FpCtx *c, X86F80 a, X86F80 b);
X86F80 x86f80_div(X86FpCtx *c, X86F80 a, X86F80 b);
X86F80 x86f80_sqrt(X86FpCtx *c, X86F80 a);
/* Round to an integral value by RC (FRNDINT). */
X86F80 x86f80_round_int(X86FpCtx *c, X86F80 a);
/* a * 2^trunc(b) (FSCALE). */
X86F80 x86f80_scale(X86FpCtx *c, X86F80 a, X86F80 b);
/* FXTRACT: *exp gets the unbiased exponent, the result is the significand. */
X86F80 x86f80_extract(X86FpCtx *c, X86F80 a, X86F80 *exp);
/* FPREM (ieee false) and FPREM1 (true): the partial remainder; *cc gets
 * C0 C1 C2 C3 (X86_FPSW_*) as the instruction sets them. */
X86F80 x86f80_rem(X86FpCtx *c, X86F80 a, X86F80 b, bool ieee, uint16_t *cc);

/* Compare: FCOM rules (quiet false: any NaN is invalid) or FUCOM rules
 * (quiet: only SNaNs and unsupported encodings).  Returns C3 C2 C0 in
 * status-word positions: 0 (a > b), C0 (a < b), C3 (equal), all three
 * (unordered). */
uint16_t x86f80_compare(X86FpCtx *c, X86F80 a, X86F80 b, bool quiet);

/* Conversions.  From integers (exact) and float32/float64 (exact; DE for
 * a denormal, IE and quieted for an SNaN). */
X86F80 x86f80_from_int(int64_t v);
X86F80 x86f80_from_f32(X86FpCtx *c, uint32_t v);
X86F80 x86f80_from_f64(X86FpCtx *c, uint64_t v);
/* To float32/float64 by RC (not PC).  An unmasked overflow or underflow
 * leaves the destination unchanged: *store is false then (also for an
 * unmasked invalid operation). */
uint32_t x86f80_to_f32(X86FpCtx *c, X86F80 a, bool *store);
uint64_t x86f80_to_f64(X86FpCtx *c, X86F80 a, bool *store);
/* To a signed integer of bits 16, 32, 64 by RC (truncating when chop):
 * out of range, NaN or infinity is IE and the integer indefinite
 * (the most negative value). */
int64_t x86f80_to_int(X86FpCtx *c, X86F80 a, unsigned bits, bool chop);
/* Packed BCD (FBLD, FBSTP; SDM Vol 1 §4.7): 10 bytes, little-endian. */
X86F80 x86f80_from_bcd(const uint8_t bcd[10]);
void x86f80_to_bcd(X86FpCtx *c, X86F80 a, uint8_t bcd[10]);

/* Constants of FLD1 ... FLDZ (SDM Vol 1 §8.3.8): index 0 1, 1 L2T, 2 L2E,
 * 3 PI, 4 LG2, 5 LN2, 6 Z; rounded by RC from the internal 66-bit values. */
X86F80 x86f80_constant(unsigned index, unsigned rc);

/* Transcendentals (x86_softfloat.c "Transcendentals"): computed by the
 * host's x87 on x86 hosts.  op selects the instruction; in[0] is ST(0),
 * in[1] ST(1); out[0] and out[1] are ST(0) and ST(1) after it (for the
 * popping FPATAN, FYL2X, FYL2XP1 only out[0] counts; FPTAN and FSINCOS
 * push: out[1] is then the replaced ST(0)).  Returns C2 (|x| >= 2^63 for
 * FSIN/FCOS/FSINCOS/FPTAN: nothing changes, nothing pushed). */
typedef enum X86FpTransOp {
    X86_FT_F2XM1,
    X86_FT_FYL2X,
    X86_FT_FPTAN,
    X86_FT_FPATAN,
    X86_FT_FYL2XP1,
    X86_FT_FSINCOS,
    X86_FT_FSIN,
    X86_FT_FCOS,
} X86FpTransOp;
uint16_t x86f80_transcendental(X86FpCtx *c, X86FpTransOp op, const X86F80 in[2], X86F80 out[2]);

/* SDM Vol 1 §8.5, §4.9.2: an unmasked invalid-operation, denormal or
 * zero-divide exception suppresses the result (and exceptions of lower
 * priority).  Trims c->exc accordingly; false when the destination must
 * be left unchanged. */
static inline bool x86_fpe_commit(X86FpCtx *c)
{
    uint16_t unmasked = c->exc & ~c->cw & X86_FPE_ALL;
    if (unmasked & X86_FPE_IE)
        c->exc &= X86_FPE_IE | X86_FPE_SF;
    else if (unmasked & X86_FPE_DE)
        c->exc &= X86_FPE_IE | X86_FPE_DE;
    else if (unmasked & X86_FPE_ZE)
        c->exc &= X86_FPE_IE | X86_FPE_DE | X86_FPE_ZE;
    else
        return true;
    c->c1 = false;
    return false;
}

#endif
