/*
 * Binary floating point on bit patterns (PoO-390 §19), a small soft-float:
 * operands are unpacked to sign, exponent and an integer significand; each
 * operation computes the exact result, or a 128-bit truncation of it with a
 * sticky bit, and round_pack rounds it once under the rules of §19
 * "Rounding" and "IEEE Exceptions".  Extended operands use the same code
 * with 256-bit intermediate products where needed.
 */
#include "frontends/s370/s370_bfp.h"

typedef unsigned __int128 u128;

typedef struct BfpFormatInfo {
    unsigned p;     /* precision, including the implicit bit */
    unsigned ebits; /* exponent field width */
    int bias;
    int scale; /* exponent scaling of a trapped overflow/underflow (§19) */
} BfpFormatInfo;

static const BfpFormatInfo bfp_formats[3] = {
    [S370_BFP_SHORT] = {24, 8, 127, 192},
    [S370_BFP_LONG] = {53, 11, 1023, 1536},
    [S370_BFP_EXT] = {113, 15, 16383, 24576},
};

typedef enum BfpClass { C_ZERO, C_FINITE, C_INF, C_QNAN, C_SNAN } BfpClass;

/* value = sig * 2^exp for C_FINITE. */
typedef struct Unpacked {
    BfpClass cls;
    bool sign;
    int exp;
    u128 sig;
} Unpacked;

static unsigned clz128(u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64);
    if (hi) return (unsigned)__builtin_clzll(hi);
    uint64_t lo = (uint64_t)x;
    return lo ? 64 + (unsigned)__builtin_clzll(lo) : 128;
}

static unsigned fbits(S370BfpFormat fmt)
{
    return bfp_formats[fmt].p - 1;
}

static unsigned emax_field(S370BfpFormat fmt)
{
    return (1u << bfp_formats[fmt].ebits) - 1;
}

static void split(S370BfpFormat fmt, S370BfpVal v, bool *sign, unsigned *e, u128 *frac)
{
    switch (fmt) {
    case S370_BFP_SHORT:
        *sign = (v.hi >> 31) & 1;
        *e = (v.hi >> 23) & 0xff;
        *frac = v.hi & 0x7fffff;
        break;
    case S370_BFP_LONG:
        *sign = v.hi >> 63;
        *e = (v.hi >> 52) & 0x7ff;
        *frac = v.hi & ((UINT64_C(1) << 52) - 1);
        break;
    default:
        *sign = v.hi >> 63;
        *e = (v.hi >> 48) & 0x7fff;
        *frac = ((u128)(v.hi & ((UINT64_C(1) << 48) - 1)) << 64) | v.lo;
        break;
    }
}

/* Assemble a value; a fraction carrying into the exponent field (a
 * subnormal rounded up to the smallest normal) is allowed. */
static S370BfpVal join(S370BfpFormat fmt, bool sign, unsigned e, u128 frac)
{
    u128 bits = ((u128)e << fbits(fmt)) + frac;
    S370BfpVal v = {0, 0};
    switch (fmt) {
    case S370_BFP_SHORT: v.hi = (uint64_t)sign << 31 | ((uint64_t)bits & 0x7fffffff); break;
    case S370_BFP_LONG: v.hi = (uint64_t)sign << 63 | ((uint64_t)bits & INT64_MAX); break;
    default:
        v.hi = (uint64_t)sign << 63 | ((uint64_t)(bits >> 64) & INT64_MAX);
        v.lo = (uint64_t)bits;
        break;
    }
    return v;
}

static Unpacked unpack(S370BfpFormat fmt, S370BfpVal v)
{
    Unpacked u = {C_FINITE, false, 0, 0};
    unsigned e;
    u128 frac;
    split(fmt, v, &u.sign, &e, &frac);
    unsigned fb = fbits(fmt);
    int bias = bfp_formats[fmt].bias;
    if (e == emax_field(fmt)) {
        u.cls = frac == 0 ? C_INF : ((frac >> (fb - 1)) & 1) ? C_QNAN : C_SNAN;
    } else if (e == 0) {
        u.cls = frac == 0 ? C_ZERO : C_FINITE;
        u.sig = frac;
        u.exp = 1 - bias - (int)fb;
    } else {
        u.sig = frac | ((u128)1 << fb);
        u.exp = (int)e - bias - (int)fb;
    }
    return u;
}

bool s370_bfp_is_nan(S370BfpFormat fmt, S370BfpVal a)
{
    BfpClass c = unpack(fmt, a).cls;
    return c == C_QNAN || c == C_SNAN;
}

bool s370_bfp_is_snan(S370BfpFormat fmt, S370BfpVal a)
{
    return unpack(fmt, a).cls == C_SNAN;
}

S370BfpVal s370_bfp_quiet(S370BfpFormat fmt, S370BfpVal a)
{
    if (!s370_bfp_is_snan(fmt, a)) return a;
    bool sign;
    unsigned e;
    u128 frac;
    split(fmt, a, &sign, &e, &frac);
    return join(fmt, sign, e, frac | ((u128)1 << (fbits(fmt) - 1)));
}

/* A NaN of format `from` in format `to`, quieted: the fraction keeps its
 * leftmost bits (PoO-390 §19 "LOAD LENGTHENED", "LOAD ROUNDED"). */
static S370BfpVal nan_convert(S370BfpFormat from, S370BfpFormat to, S370BfpVal a)
{
    bool sign;
    unsigned e;
    u128 frac;
    split(from, a, &sign, &e, &frac);
    unsigned ff = fbits(from), tf = fbits(to);
    frac = tf >= ff ? frac << (tf - ff) : frac >> (ff - tf);
    frac |= (u128)1 << (tf - 1);
    return join(to, sign, emax_field(to), frac);
}

static S370BfpResult plain(S370BfpVal v, uint8_t exc)
{
    S370BfpResult r = {0};
    r.v = v;
    r.exc = exc;
    return r;
}

/* The default NaN is positive (PoO-390 §19 "Default NaN"). */
static S370BfpResult default_nan(S370BfpFormat fmt)
{
    return plain(join(fmt, false, emax_field(fmt), (u128)1 << (fbits(fmt) - 1)), S370_BFP_INVALID);
}

static S370BfpResult signed_zero(S370BfpFormat fmt, bool sign)
{
    return plain(join(fmt, sign, 0, 0), 0);
}

static S370BfpResult infinity(S370BfpFormat fmt, bool sign, uint8_t exc)
{
    return plain(join(fmt, sign, emax_field(fmt), 0), exc);
}

/* The NaN result of an operation with NaN operands, in priority order:
 * the first SNaN (quieted, invalid operation), else the first QNaN.
 * Returns false when no operand is a NaN. */
static bool nan_operands(S370BfpFormat out, unsigned n, const S370BfpFormat *fmt,
                         const S370BfpVal *ops, S370BfpResult *r)
{
    for (unsigned i = 0; i < n; i++) {
        if (unpack(fmt[i], ops[i]).cls == C_SNAN) {
            *r = plain(nan_convert(fmt[i], out, ops[i]), S370_BFP_INVALID);
            return true;
        }
    }
    for (unsigned i = 0; i < n; i++) {
        if (unpack(fmt[i], ops[i]).cls == C_QNAN) {
            *r = plain(nan_convert(fmt[i], out, ops[i]), 0);
            return true;
        }
    }
    return false;
}

/* Keep sig >> drop, rounded by rm with sticky standing for nonzero bits
 * below sig. */
static u128 round_bits(u128 sig, bool sticky, unsigned drop, S370BfpRound rm, bool sign,
                       bool *inexact, bool *incremented)
{
    u128 kept;
    bool half, rest;
    if (drop == 0) {
        kept = sig;
        half = false;
        rest = sticky;
    } else if (drop < 128) {
        kept = sig >> drop;
        half = (sig >> (drop - 1)) & 1;
        rest = sticky || (sig & (((u128)1 << (drop - 1)) - 1)) != 0;
    } else if (drop == 128) {
        kept = 0;
        half = sig >> 127;
        rest = sticky || (sig << 1) != 0;
    } else {
        kept = 0;
        half = false;
        rest = sticky || sig != 0;
    }
    *inexact = half || rest;
    bool up;
    switch (rm) {
    case S370_BFP_RZ: up = false; break;
    case S370_BFP_RP: up = *inexact && !sign; break;
    case S370_BFP_RM: up = *inexact && sign; break;
    case S370_BFP_RNA: up = half; break;
    default: up = half && (rest || (kept & 1)); break;
    }
    *incremented = up;
    return kept + (up ? 1 : 0);
}

/* Round sign * (sig + sticky) * 2^exp (sig nonzero) to format fmt. */
static S370BfpResult round_pack(S370BfpFormat fmt, bool sign, int exp, u128 sig, bool sticky,
                                S370BfpRound rm)
{
    const BfpFormatInfo *fi = &bfp_formats[fmt];
    S370BfpResult r = {0};
    unsigned lz = clz128(sig);
    sig <<= lz;
    exp -= (int)lz;
    int e = exp + 127; /* the exponent of the leftmost bit */
    int emin = 1 - fi->bias, emax = fi->bias;
    u128 frac_mask = ((u128)1 << (fi->p - 1)) - 1;

    /* Rounded to the format's precision with an unbounded exponent: the
     * result when in range, and the scaled result of a trap. */
    bool inexact, incremented;
    u128 kept = round_bits(sig, sticky, 128 - fi->p, rm, sign, &inexact, &incremented);
    int ke = e;
    if (kept >> fi->p) {
        kept >>= 1;
        ke++;
    }
    r.scaled_inexact = inexact;
    r.scaled_incremented = incremented;
    /* PoO-390 §19 "Underflow": tininess is detected before rounding. */
    r.tiny = e < emin;
    if (!r.tiny) {
        if (ke > emax) {
            r.exc = S370_BFP_OVERFLOW | S370_BFP_INEXACT;
            bool to_inf = rm == S370_BFP_RNE || rm == S370_BFP_RNA ||
                          (rm == S370_BFP_RP && !sign) || (rm == S370_BFP_RM && sign);
            r.v = to_inf ? join(fmt, sign, emax_field(fmt), 0)
                         : join(fmt, sign, emax_field(fmt) - 1, frac_mask);
            r.incremented = to_inf;
            r.scaled = join(fmt, sign, (unsigned)(ke - fi->scale + fi->bias), kept & frac_mask);
            return r;
        }
        r.v = join(fmt, sign, (unsigned)(ke + fi->bias), kept & frac_mask);
        r.exc = inexact ? S370_BFP_INEXACT : 0;
        r.incremented = incremented;
        return r;
    }
    /* Tiny: the subnormal keeps fewer bits. */
    bool sub_inexact, sub_incremented;
    u128 sub = round_bits(sig, sticky, 128 - fi->p + (unsigned)(emin - e), rm, sign, &sub_inexact,
                          &sub_incremented);
    r.v = join(fmt, sign, 0, sub);
    r.exc = sub_inexact ? S370_BFP_UNDERFLOW | S370_BFP_INEXACT : 0;
    r.incremented = sub_incremented;
    r.scaled = join(fmt, sign, (unsigned)(ke + fi->scale + fi->bias), kept & frac_mask);
    return r;
}

/* a + b for zero or finite operands whose significands have at most 125
 * bits. */
static S370BfpResult add_finite(S370BfpFormat out, Unpacked a, Unpacked b, S370BfpRound rm)
{
    if (a.cls == C_ZERO && b.cls == C_ZERO) {
        /* PoO-390 §19: the sum of opposite zeros is +0, -0 rounding down. */
        return signed_zero(out, a.sign == b.sign ? a.sign : rm == S370_BFP_RM);
    }
    if (a.cls == C_ZERO) return round_pack(out, b.sign, b.exp, b.sig, false, rm);
    if (b.cls == C_ZERO) return round_pack(out, a.sign, a.exp, a.sig, false, rm);
    unsigned sa = clz128(a.sig) - 2, sb = clz128(b.sig) - 2;
    a.sig <<= sa;
    a.exp -= (int)sa;
    b.sig <<= sb;
    b.exp -= (int)sb;
    if (a.exp < b.exp) {
        Unpacked t = a;
        a = b;
        b = t;
    }
    unsigned d = (unsigned)(a.exp - b.exp);
    if (d >= 127) {
        b.sig = 1; /* only a sticky bit remains */
    } else if (d) {
        bool lost = (b.sig & (((u128)1 << d) - 1)) != 0;
        b.sig = (b.sig >> d) | (lost ? 1 : 0);
    }
    u128 s;
    bool sign = a.sign;
    if (a.sign == b.sign) {
        s = a.sig + b.sig;
    } else if (a.sig >= b.sig) {
        s = a.sig - b.sig;
    } else {
        s = b.sig - a.sig;
        sign = b.sign;
    }
    if (s == 0) return signed_zero(out, rm == S370_BFP_RM);
    return round_pack(out, sign, a.exp, s, false, rm);
}

/* The exact product of two finite significands as 128 bits and a sticky
 * bit. */
static void mul_sig(u128 a, u128 b, u128 *p, int *exp_adjust, bool *sticky)
{
    uint64_t a0 = (uint64_t)a, a1 = (uint64_t)(a >> 64);
    uint64_t b0 = (uint64_t)b, b1 = (uint64_t)(b >> 64);
    u128 p00 = (u128)a0 * b0, p01 = (u128)a0 * b1, p10 = (u128)a1 * b0, p11 = (u128)a1 * b1;
    u128 mid = (p00 >> 64) + (uint64_t)p01 + (uint64_t)p10;
    u128 lo = (mid << 64) | (uint64_t)p00;
    u128 hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    if (hi == 0) {
        *p = lo;
        *exp_adjust = 0;
        *sticky = false;
        return;
    }
    unsigned shift = 128 - clz128(hi); /* bits of hi in use */
    *p = (hi << (128 - shift)) | (lo >> shift);
    *sticky = (lo << (128 - shift)) != 0;
    *exp_adjust = (int)shift;
}

S370BfpResult s370_bfp_arith(S370BfpOp op, S370BfpFormat in, S370BfpFormat out, S370BfpVal a,
                             S370BfpVal b, S370BfpRound rm)
{
    S370BfpResult r;
    const S370BfpFormat fmts[2] = {in, in};
    const S370BfpVal ops[2] = {a, b};
    if (nan_operands(out, 2, fmts, ops, &r)) return r;
    Unpacked ua = unpack(in, a), ub = unpack(in, b);
    if (op == S370_BFP_SUB) ub.sign = !ub.sign;
    switch (op) {
    case S370_BFP_ADD:
    case S370_BFP_SUB:
        if (ua.cls == C_INF || ub.cls == C_INF) {
            if (ua.cls == C_INF && ub.cls == C_INF && ua.sign != ub.sign) return default_nan(out);
            return infinity(out, ua.cls == C_INF ? ua.sign : ub.sign, 0);
        }
        return add_finite(out, ua, ub, rm);
    case S370_BFP_MUL: {
        bool sign = ua.sign != ub.sign;
        if (ua.cls == C_INF || ub.cls == C_INF) {
            if (ua.cls == C_ZERO || ub.cls == C_ZERO) return default_nan(out);
            return infinity(out, sign, 0);
        }
        if (ua.cls == C_ZERO || ub.cls == C_ZERO) return signed_zero(out, sign);
        u128 p;
        int adj;
        bool sticky;
        mul_sig(ua.sig, ub.sig, &p, &adj, &sticky);
        return round_pack(out, sign, ua.exp + ub.exp + adj, p, sticky, rm);
    }
    case S370_BFP_DIV: {
        bool sign = ua.sign != ub.sign;
        if (ua.cls == C_INF) {
            if (ub.cls == C_INF) return default_nan(out);
            return infinity(out, sign, 0);
        }
        if (ub.cls == C_INF) return signed_zero(out, sign);
        if (ub.cls == C_ZERO) {
            if (ua.cls == C_ZERO) return default_nan(out);
            return infinity(out, sign, S370_BFP_DIVIDE);
        }
        if (ua.cls == C_ZERO) return signed_zero(out, sign);
        /* Both significands with their leftmost bit at 126: the restoring
         * division gives 128 quotient bits, the remainder the sticky bit. */
        unsigned sa = clz128(ua.sig) - 1, sb = clz128(ub.sig) - 1;
        u128 n = ua.sig << sa, dv = ub.sig << sb, q = 0;
        for (int i = 0; i < 128; i++) {
            q <<= 1;
            if (n >= dv) {
                n -= dv;
                q |= 1;
            }
            n <<= 1;
        }
        int exp = (ua.exp - (int)sa) - (ub.exp - (int)sb) - 127;
        return round_pack(out, sign, exp, q, n != 0, rm);
    }
    }
    return default_nan(out);
}

S370BfpResult s370_bfp_fma(S370BfpFormat fmt, S370BfpVal a, S370BfpVal b, S370BfpVal c,
                           bool subtract, S370BfpRound rm)
{
    S370BfpResult r;
    const S370BfpFormat fmts[3] = {fmt, fmt, fmt};
    const S370BfpVal ops[3] = {b, c, a};
    if (nan_operands(fmt, 3, fmts, ops, &r)) return r;
    Unpacked ua = unpack(fmt, a), ub = unpack(fmt, b), uc = unpack(fmt, c);
    if (subtract) ua.sign = !ua.sign;
    bool psign = ub.sign != uc.sign;
    if (ub.cls == C_INF || uc.cls == C_INF) {
        if (ub.cls == C_ZERO || uc.cls == C_ZERO) return default_nan(fmt);
        if (ua.cls == C_INF && ua.sign != psign) return default_nan(fmt);
        return infinity(fmt, psign, 0);
    }
    if (ua.cls == C_INF) return infinity(fmt, ua.sign, 0);
    Unpacked p = {C_ZERO, psign, 0, 0};
    if (ub.cls != C_ZERO && uc.cls != C_ZERO) {
        /* At most 2 * 53 bits: exact (the extended format has no
         * multiply-and-add). */
        p.cls = C_FINITE;
        p.sig = ub.sig * uc.sig;
        p.exp = ub.exp + uc.exp;
    }
    return add_finite(fmt, p, ua, rm);
}

/* floor(sqrt(hi * 2^128 + lo)) for a radicand below 2^232, with the
 * remainder's nonzero-ness. */
static u128 isqrt256(u128 hi, u128 lo, bool *inexact)
{
    u128 root = 0, rem = 0;
    for (int i = 127; i >= 0; i--) {
        unsigned pair =
            i >= 64 ? (unsigned)(hi >> (2 * (i - 64))) & 3 : (unsigned)(lo >> (2 * i)) & 3;
        rem = (rem << 2) | pair;
        u128 trial = (root << 2) | 1;
        if (rem >= trial) {
            rem -= trial;
            root = (root << 1) | 1;
        } else {
            root <<= 1;
        }
    }
    *inexact = rem != 0;
    return root;
}

S370BfpResult s370_bfp_sqrt(S370BfpFormat fmt, S370BfpVal a, S370BfpRound rm)
{
    S370BfpResult r;
    if (nan_operands(fmt, 1, &fmt, &a, &r)) return r;
    Unpacked u = unpack(fmt, a);
    if (u.cls == C_ZERO) return signed_zero(fmt, u.sign);
    if (u.sign) return default_nan(fmt);
    if (u.cls == C_INF) return infinity(fmt, false, 0);
    /* A radicand of 229-230 bits with an even exponent: a root of at least
     * 115 bits, two more than the widest precision. */
    unsigned lz = clz128(u.sig);
    int shift = 102 + (int)lz; /* total shift so that the radicand has 230 bits */
    if ((u.exp - shift) & 1) shift--;
    int exp = u.exp - shift;
    u128 hi, lo;
    if (shift >= 128) {
        hi = u.sig << (shift - 128);
        lo = 0;
    } else {
        hi = u.sig >> (128 - shift);
        lo = u.sig << shift;
    }
    bool sticky;
    u128 root = isqrt256(hi, lo, &sticky);
    return round_pack(fmt, false, exp / 2, root, sticky, rm);
}

S370BfpResult s370_bfp_convert(S370BfpFormat from, S370BfpFormat to, S370BfpVal a, S370BfpRound rm)
{
    S370BfpResult r;
    if (nan_operands(to, 1, &from, &a, &r)) return r;
    Unpacked u = unpack(from, a);
    if (u.cls == C_ZERO) return signed_zero(to, u.sign);
    if (u.cls == C_INF) return infinity(to, u.sign, 0);
    return round_pack(to, u.sign, u.exp, u.sig, false, rm);
}

S370BfpResult s370_bfp_round_int(S370BfpFormat fmt, S370BfpVal a, S370BfpRound rm)
{
    S370BfpResult r;
    if (nan_operands(fmt, 1, &fmt, &a, &r)) return r;
    Unpacked u = unpack(fmt, a);
    if (u.cls != C_FINITE || u.exp >= 0) return plain(a, 0);
    bool inexact, incremented;
    u128 i = round_bits(u.sig, false, (unsigned)-u.exp, rm, u.sign, &inexact, &incremented);
    r = i == 0 ? signed_zero(fmt, u.sign) : round_pack(fmt, u.sign, 0, i, false, rm);
    r.exc = inexact ? S370_BFP_INEXACT : 0;
    r.incremented = incremented;
    return r;
}

S370BfpResult s370_bfp_from_int32(S370BfpFormat fmt, int32_t i, S370BfpRound rm)
{
    if (i == 0) return signed_zero(fmt, false);
    uint64_t mag = i < 0 ? -(uint64_t)(int64_t)i : (uint64_t)i;
    return round_pack(fmt, i < 0, 0, mag, false, rm);
}

int32_t s370_bfp_to_int32(S370BfpFormat fmt, S370BfpVal a, S370BfpRound rm, uint8_t *exc,
                          uint8_t *cc)
{
    Unpacked u = unpack(fmt, a);
    *exc = 0;
    if (u.cls == C_QNAN || u.cls == C_SNAN) {
        *exc = S370_BFP_INVALID;
        *cc = 3;
        return INT32_MIN;
    }
    if (u.cls == C_ZERO) {
        *cc = 0;
        return 0;
    }
    *cc = u.sign ? 1 : 2;
    uint64_t limit = u.sign ? UINT64_C(0x80000000) : UINT64_C(0x7fffffff);
    u128 mag;
    bool inexact = false, incremented;
    if (u.cls == C_INF) {
        mag = (u128)limit + 1;
    } else if (u.exp >= 0) {
        mag = (int)(128 - clz128(u.sig)) + u.exp > 33 ? (u128)limit + 1 : u.sig << u.exp;
    } else {
        mag = round_bits(u.sig, false, (unsigned)-u.exp, rm, u.sign, &inexact, &incremented);
    }
    if (mag > limit) {
        /* PoO-390 §19 "CONVERT TO FIXED": invalid operation, the largest
         * magnitude of the operand's sign, condition code 3. */
        *exc = S370_BFP_INVALID;
        *cc = 3;
        return u.sign ? INT32_MIN : INT32_MAX;
    }
    if (inexact) *exc = S370_BFP_INEXACT;
    return u.sign ? (int32_t)(-(int64_t)mag) : (int32_t)mag;
}

/* Sign-magnitude bits, for ordering non-NaN values of one format. */
static u128 magnitude(S370BfpFormat fmt, S370BfpVal v)
{
    bool sign;
    unsigned e;
    u128 frac;
    split(fmt, v, &sign, &e, &frac);
    return ((u128)e << fbits(fmt)) | frac;
}

uint8_t s370_bfp_compare(S370BfpFormat fmt, S370BfpVal a, S370BfpVal b, bool signaling,
                         uint8_t *exc)
{
    Unpacked ua = unpack(fmt, a), ub = unpack(fmt, b);
    *exc = 0;
    bool nan_a = ua.cls == C_QNAN || ua.cls == C_SNAN, nan_b = ub.cls == C_QNAN || ub.cls == C_SNAN;
    if (nan_a || nan_b) {
        if (signaling || ua.cls == C_SNAN || ub.cls == C_SNAN) *exc = S370_BFP_INVALID;
        return 3;
    }
    u128 ma = magnitude(fmt, a), mb = magnitude(fmt, b);
    if (ma == 0 && mb == 0) return 0;
    if (ua.sign != ub.sign) return ua.sign ? 1 : 2;
    if (ma == mb) return 0;
    return (ma < mb) != ua.sign ? 1 : 2;
}

uint8_t s370_bfp_cc(S370BfpFormat fmt, S370BfpVal a)
{
    Unpacked u = unpack(fmt, a);
    if (u.cls == C_QNAN || u.cls == C_SNAN) return 3;
    if (u.cls == C_ZERO) return 0;
    return u.sign ? 1 : 2;
}

uint32_t s370_bfp_class(S370BfpFormat fmt, S370BfpVal a)
{
    Unpacked u = unpack(fmt, a);
    unsigned e;
    bool sign;
    u128 frac;
    split(fmt, a, &sign, &e, &frac);
    uint32_t plus;
    switch (u.cls) {
    case C_ZERO: plus = 0x800; break;
    case C_FINITE: plus = e ? 0x200 : 0x080; break;
    case C_INF: plus = 0x020; break;
    case C_QNAN: plus = 0x008; break;
    default: plus = 0x002; break;
    }
    return u.sign ? plus >> 1 : plus;
}
