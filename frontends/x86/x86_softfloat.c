/*
 * x87 double-extended arithmetic in software (see x86_softfloat.h).
 *
 * Values are unpacked to a sign, a biased exponent in the 80-bit scale
 * (an int, so denormals normalise below 1) and a significand; results are
 * formed exactly (or with a sticky bit) in 128 bits and rounded once by
 * round_pack, which knows the destination's precision and exponent range:
 * the x87 registers with the PC field (24/53/64 bits of significand, the
 * extended exponent range: SDM Vol 1 §8.1.5.2), or float32/float64 for
 * stores.  Tininess is detected after rounding and a masked underflow is
 * reported only when the result is also inexact (SDM Vol 1 §4.9.1.5).
 */
#include "frontends/x86/x86_softfloat.h"

#include <string.h>

typedef unsigned __int128 u128;

enum {
    F80_BIAS = 16383,
    F80_EXP_MAX = 0x7fff,
    F80_INT_BIT_SHIFT = 63,
    WRAP_BIAS = 24576, /* SDM Vol 1 §8.5.4: unmasked overflow/underflow exponent adjust */
};
#define INT_BIT   (1ull << 63)
#define QUIET_BIT (1ull << 62)

/* A destination format: significand bits and normal exponent range, in
 * the 80-bit biased scale. */
typedef struct Fmt {
    unsigned prec;
    int32_t emin, emax;
    bool reg; /* the x87 register format: unmasked O/U deliver a wrapped result */
} Fmt;

static const Fmt fmt_f32 = {24, F80_BIAS - 126, F80_BIAS + 127, false};
static const Fmt fmt_f64 = {53, F80_BIAS - 1022, F80_BIAS + 1023, false};
static const Fmt fmt_ext = {64, 1, 0x7ffe, true};

static Fmt fmt_pc(const X86FpCtx *c)
{
    static const unsigned prec[4] = {24, 64, 53, 64}; /* PC 01 is reserved: as 64 */
    Fmt f = fmt_ext;
    f.prec = prec[(c->cw >> X86_FPCW_PC_SHIFT) & 3];
    return f;
}

static unsigned rc_of(const X86FpCtx *c)
{
    return (c->cw >> X86_FPCW_RC_SHIFT) & 3;
}

static bool masked(const X86FpCtx *c, unsigned e)
{
    return (c->cw & e) != 0;
}

static int clz128(u128 v)
{
    uint64_t hi = (uint64_t)(v >> 64);
    if (hi) return __builtin_clzll(hi);
    uint64_t lo = (uint64_t)v;
    return lo ? 64 + __builtin_clzll(lo) : 128;
}

static u128 shr_sticky(u128 v, int32_t n)
{
    if (n <= 0) return v;
    if (n >= 128) return v != 0;
    return (v >> n) | ((v & (((u128)1 << n) - 1)) != 0);
}

/* ---- classification and unpacking ---- */

X86F80Class x86f80_classify(X86F80 a)
{
    unsigned e = x86f80_exp(a);
    if (e == 0) return a.sig == 0 ? X86F80_ZERO : X86F80_DENORMAL;
    if (!(a.sig & INT_BIT)) return X86F80_UNSUPPORTED;
    if (e == F80_EXP_MAX) return (a.sig << 1) == 0 ? X86F80_INF : X86F80_NAN;
    return X86F80_NORMAL;
}

bool x86f80_is_snan(X86F80 a)
{
    return x86f80_classify(a) == X86F80_NAN && !(a.sig & QUIET_BIT);
}

static bool is_nan(X86F80 a)
{
    return x86f80_classify(a) == X86F80_NAN;
}

static bool is_unsupported(X86F80 a)
{
    return x86f80_classify(a) == X86F80_UNSUPPORTED;
}

typedef struct Unp {
    bool sign;
    int32_t exp; /* biased; value = sig * 2^(exp - 16383 - 63) */
    uint64_t sig;
} Unp;

/* Unpack a finite value, normalising denormals and pseudo-denormals. */
static Unp unpack(X86F80 a)
{
    Unp u = {x86f80_sign(a), (int32_t)x86f80_exp(a), a.sig};
    if (u.exp == 0) u.exp = 1;
    if (u.sig) {
        int s = __builtin_clzll(u.sig);
        u.sig <<= s;
        u.exp -= s;
    }
    return u;
}

static X86F80 quiet(X86F80 a)
{
    a.sig |= QUIET_BIT;
    return a;
}

/* An invalid operation takes precedence over a denormal operand (SDM Vol 1
 * §4.9.2): DE is not reported with it. */
static X86F80 invalid(X86FpCtx *c)
{
    c->exc = (uint16_t)((c->exc & ~X86_FPE_DE) | X86_FPE_IE);
    return x86f80_indefinite();
}

/* SDM Vol 1 §4.8.3.5 table 4-7 (x87 column): an SNaN and a QNaN give the
 * QNaN; two NaNs of one kind the larger significand; one NaN itself,
 * quieted.  An SNaN operand is an invalid operation. */
static X86F80 propagate_nan(X86FpCtx *c, X86F80 a, X86F80 b)
{
    bool an = is_nan(a), bn = is_nan(b);
    if (x86f80_is_snan(a) || x86f80_is_snan(b)) c->exc |= X86_FPE_IE;
    if (an && bn) {
        bool aq = (a.sig & QUIET_BIT) != 0, bq = (b.sig & QUIET_BIT) != 0;
        if (aq != bq) return aq ? a : b;
        uint64_t am = a.sig & ~QUIET_BIT, bm = b.sig & ~QUIET_BIT;
        if (am != bm) return quiet(am > bm ? a : b);
        return quiet(x86f80_sign(a) ? b : a); /* equal: the positive one */
    }
    return quiet(an ? a : b);
}

/* The invalid and NaN checks every two-operand arithmetic instruction
 * starts with (SDM Vol 1 §4.9.2 priority: SNaN and unsupported, then QNaN),
 * then DE for denormal operands.  True when *res is the result. */
static bool check_operands(X86FpCtx *c, X86F80 a, X86F80 b, X86F80 *res)
{
    if (is_unsupported(a) || is_unsupported(b)) {
        *res = invalid(c);
        return true;
    }
    if (is_nan(a) || is_nan(b)) {
        *res = propagate_nan(c, a, b);
        return true;
    }
    if (x86f80_classify(a) == X86F80_DENORMAL || x86f80_classify(b) == X86F80_DENORMAL)
        c->exc |= X86_FPE_DE;
    return false;
}

static bool check_operand(X86FpCtx *c, X86F80 a, X86F80 *res)
{
    return check_operands(c, a, x86f80_make(false, 0, 0), res);
}

/* ---- rounding ---- */

/* Round v at bit position shift (1..127) by rc; returns the rounded value
 * (the bits below shift cleared), sets *inexact, *up, *carry (the result
 * overflowed 128 bits: it is 2^128, returned as 0). */
static u128 round_at(u128 v, unsigned shift, unsigned rc, bool sign, bool *inexact, bool *up,
                     bool *carry)
{
    u128 lsb = (u128)1 << shift;
    u128 rem = v & (lsb - 1);
    u128 base = v - rem;
    u128 half = lsb >> 1;
    bool inc;
    switch (rc) {
    case X86_RC_NEAREST: inc = rem > half || (rem == half && (base & lsb)); break;
    case X86_RC_UP: inc = rem && !sign; break;
    case X86_RC_DOWN: inc = rem && sign; break;
    default: inc = false; break;
    }
    *inexact = rem != 0;
    *up = inc;
    u128 r = base + (inc ? lsb : 0);
    *carry = inc && r < base;
    return r;
}

/* A rounded result before encoding: sig with the integer bit at 63 for a
 * normal number, clear for a denormal of the format (exp == emin then). */
typedef struct Rounded {
    bool sign;
    int32_t exp; /* biased, 80-bit scale; emax + 1 with INT_BIT: infinity */
    uint64_t sig;
    bool store; /* false: unmasked O/U on a memory format (destination unchanged) */
} Rounded;

static Rounded overflow_result(X86FpCtx *c, const Fmt *f, bool sign)
{
    unsigned rc = rc_of(c);
    bool to_inf = rc == X86_RC_NEAREST || (rc == X86_RC_UP && !sign) || (rc == X86_RC_DOWN && sign);
    c->exc |= X86_FPE_OE | X86_FPE_PE;
    c->c1 = to_inf;
    if (to_inf) return (Rounded){sign, f->emax + 1, INT_BIT, true};
    return (Rounded){sign, f->emax, ~0ull << (64 - f->prec), true};
}

/* Round sign * sig * 2^(exp - 16383 - 127) (sig != 0, bit 127 set) to f. */
static Rounded round_pack(X86FpCtx *c, const Fmt *f, bool sign, int32_t exp, u128 sig)
{
    unsigned rc = rc_of(c), shift = 128 - f->prec;
    bool inexact, up, carry;
    Rounded r = {sign, exp, 0, true};

    if (exp < f->emin) {
        /* Tiny after rounding: rounding with an unbounded exponent stays
         * below the smallest normal. */
        u128 t = round_at(sig, shift, rc, sign, &inexact, &up, &carry);
        bool tiny = !(carry && exp + 1 == f->emin);
        (void)t;
        if (tiny && !masked(c, X86_FPE_UE) && f->reg && exp + WRAP_BIAS < f->emin) {
            /* Too small even for the wrapped exponent (FSCALE): zero. */
            c->exc |= X86_FPE_UE | X86_FPE_PE;
            r.exp = f->emin;
            return r;
        }
        if (tiny && !masked(c, X86_FPE_UE)) {
            /* SDM Vol 1 §8.5.5: unmasked underflow. */
            c->exc |= X86_FPE_UE;
            if (!f->reg) {
                r.store = false;
                return r;
            }
            t = round_at(sig, shift, rc, sign, &inexact, &up, &carry);
            r.exp = exp + WRAP_BIAS + (carry ? 1 : 0);
            r.sig = carry ? INT_BIT : (uint64_t)(t >> 64);
            if (inexact) c->exc |= X86_FPE_PE;
            c->c1 = up;
            return r;
        }
        sig = shr_sticky(sig, f->emin - exp);
        u128 d = round_at(sig, shift, rc, sign, &inexact, &up, &carry);
        r.exp = f->emin;
        r.sig = (uint64_t)(d >> 64); /* cannot carry: sig < 2^127 here */
        if (inexact) {
            c->exc |= X86_FPE_PE | (tiny ? X86_FPE_UE : 0);
            c->c1 = up;
        }
        return r;
    }
    u128 t = round_at(sig, shift, rc, sign, &inexact, &up, &carry);
    if (carry) {
        exp++;
        t = (u128)1 << 127;
    }
    if (exp > f->emax) {
        if (masked(c, X86_FPE_OE)) return overflow_result(c, f, sign);
        /* SDM Vol 1 §8.5.4: unmasked overflow. */
        if (!f->reg) {
            c->exc |= X86_FPE_OE;
            r.store = false;
            return r;
        }
        if (exp - WRAP_BIAS > f->emax) {
            /* Too large even for the wrapped exponent (FSCALE): infinity. */
            c->exc |= X86_FPE_OE | X86_FPE_PE;
            c->c1 = true;
            return (Rounded){sign, f->emax + 1, INT_BIT, true};
        }
        c->exc |= X86_FPE_OE;
        exp -= WRAP_BIAS;
    }
    if (inexact) {
        c->exc |= X86_FPE_PE;
        c->c1 = up;
    }
    r.exp = exp;
    r.sig = (uint64_t)(t >> 64);
    return r;
}

static X86F80 encode_ext(Rounded r)
{
    if (!(r.sig & INT_BIT)) return x86f80_make(r.sign, 0, r.sig); /* denormal or zero */
    return x86f80_make(r.sign, (unsigned)r.exp, r.sig);
}

static X86F80 pack_ext(X86FpCtx *c, const Fmt *f, bool sign, int32_t exp, u128 sig)
{
    if (sig == 0) return x86f80_make(sign, 0, 0);
    int s = clz128(sig);
    return encode_ext(round_pack(c, f, sign, exp - s, sig << s));
}

static X86F80 zero(bool sign)
{
    return x86f80_make(sign, 0, 0);
}

static X86F80 inf(bool sign)
{
    return x86f80_make(sign, F80_EXP_MAX, INT_BIT);
}

/* ---- arithmetic ---- */

static X86F80 add_signed(X86FpCtx *c, X86F80 a, X86F80 b, bool negate_b)
{
    X86F80 res;
    if (check_operands(c, a, b, &res)) return res;
    bool sa = x86f80_sign(a), sb = x86f80_sign(b) ^ negate_b;
    X86F80Class ca = x86f80_classify(a), cb = x86f80_classify(b);
    if (ca == X86F80_INF || cb == X86F80_INF) {
        if (ca == X86F80_INF && cb == X86F80_INF && sa != sb) return invalid(c);
        return inf(ca == X86F80_INF ? sa : sb);
    }
    Fmt f = fmt_pc(c);
    if (ca == X86F80_ZERO && cb == X86F80_ZERO)
        return zero(sa == sb ? sa : rc_of(c) == X86_RC_DOWN);
    Unp ua = unpack(a), ub = unpack(b);
    ua.sign = sa;
    ub.sign = sb;
    if (ca == X86F80_ZERO) return pack_ext(c, &f, sb, ub.exp, (u128)ub.sig << 64);
    if (cb == X86F80_ZERO) return pack_ext(c, &f, sa, ua.exp, (u128)ua.sig << 64);
    if (ua.exp < ub.exp || (ua.exp == ub.exp && ua.sig < ub.sig)) {
        Unp t = ua;
        ua = ub;
        ub = t;
    }
    u128 A = (u128)ua.sig << 64;
    u128 B = shr_sticky((u128)ub.sig << 64, ua.exp - ub.exp);
    int32_t exp = ua.exp;
    if (ua.sign == ub.sign) {
        u128 s = A + B;
        if (s < A) {
            s = (s >> 1) | (s & 1) | ((u128)1 << 127);
            exp++;
        }
        return pack_ext(c, &f, ua.sign, exp, s);
    }
    u128 d = A - B;
    if (d == 0) return zero(rc_of(c) == X86_RC_DOWN);
    return pack_ext(c, &f, ua.sign, exp, d);
}

X86F80 x86f80_add(X86FpCtx *c, X86F80 a, X86F80 b)
{
    return add_signed(c, a, b, false);
}

X86F80 x86f80_sub(X86FpCtx *c, X86F80 a, X86F80 b)
{
    return add_signed(c, a, b, true);
}

X86F80 x86f80_mul(X86FpCtx *c, X86F80 a, X86F80 b)
{
    X86F80 res;
    if (check_operands(c, a, b, &res)) return res;
    bool sign = x86f80_sign(a) ^ x86f80_sign(b);
    X86F80Class ca = x86f80_classify(a), cb = x86f80_classify(b);
    if (ca == X86F80_INF || cb == X86F80_INF) {
        if (ca == X86F80_ZERO || cb == X86F80_ZERO) return invalid(c);
        return inf(sign);
    }
    if (ca == X86F80_ZERO || cb == X86F80_ZERO) return zero(sign);
    Unp ua = unpack(a), ub = unpack(b);
    Fmt f = fmt_pc(c);
    return pack_ext(c, &f, sign, ua.exp + ub.exp - F80_BIAS + 1, (u128)ua.sig * ub.sig);
}

X86F80 x86f80_div(X86FpCtx *c, X86F80 a, X86F80 b)
{
    X86F80 res;
    if (check_operands(c, a, b, &res)) return res;
    bool sign = x86f80_sign(a) ^ x86f80_sign(b);
    X86F80Class ca = x86f80_classify(a), cb = x86f80_classify(b);
    if (ca == X86F80_INF) return cb == X86F80_INF ? invalid(c) : inf(sign);
    if (cb == X86F80_INF) return zero(sign);
    if (cb == X86F80_ZERO) {
        if (ca == X86F80_ZERO) return invalid(c);
        /* The host x87 reports no DE for a denormal dividend here. */
        c->exc = (uint16_t)((c->exc & ~X86_FPE_DE) | X86_FPE_ZE);
        return inf(sign);
    }
    if (ca == X86F80_ZERO) return zero(sign);
    Unp ua = unpack(a), ub = unpack(b);
    int32_t exp = ua.exp - ub.exp + F80_BIAS;
    u128 num;
    if (ua.sig >= ub.sig) {
        num = (u128)ua.sig << 63;
    } else {
        num = (u128)ua.sig << 64;
        exp--;
    }
    uint64_t q = (uint64_t)(num / ub.sig);
    uint64_t r = (uint64_t)(num % ub.sig);
    u128 num2 = (u128)r << 64;
    uint64_t q2 = (uint64_t)(num2 / ub.sig);
    bool sticky = num2 % ub.sig != 0;
    Fmt f = fmt_pc(c);
    return pack_ext(c, &f, sign, exp, (u128)q << 64 | q2 | sticky);
}

X86F80 x86f80_sqrt(X86FpCtx *c, X86F80 a)
{
    X86F80 res;
    if (check_operand(c, a, &res)) return res;
    X86F80Class ca = x86f80_classify(a);
    if (ca == X86F80_ZERO) return a;
    if (x86f80_sign(a)) return invalid(c);
    if (ca == X86F80_INF) return a;
    Unp u = unpack(a);
    int32_t t = u.exp - F80_BIAS - 63; /* value = sig * 2^t */
    u128 m = u.sig;
    if (t & 1) {
        m <<= 1;
        t--;
    }
    /* Digit-by-digit root of m * 4^35: 68 bits. */
    enum { K = 35, PAIRS = 33 + K };
    u128 root = 0, rem = 0;
    for (int i = 0; i < PAIRS; i++) {
        unsigned pair = i < 33 ? (unsigned)(m >> (2 * (32 - i))) & 3 : 0;
        rem = (rem << 2) | pair;
        u128 trial = (root << 2) | 1;
        root <<= 1;
        if (rem >= trial) {
            rem -= trial;
            root |= 1;
        }
    }
    int s = clz128(root);
    u128 sig = (root << s) | (rem != 0);
    Fmt f = fmt_pc(c);
    return encode_ext(round_pack(c, &f, false, t / 2 - K - s + F80_BIAS + 127, sig));
}

/* ---- integral values ---- */

/* Round a finite nonzero |a| to an integer by rc: the integer (saturated
 * at 2^64 - 1 with *big set when it does not fit 64 bits). */
static uint64_t round_to_u64(X86FpCtx *c, Unp u, unsigned rc, bool *big, bool *inexact, bool *up)
{
    int32_t e = u.exp - F80_BIAS; /* value = sig * 2^(e - 63) */
    bool carry;
    *big = false;
    *inexact = *up = false;
    if (e >= 64) {
        *big = true;
        return ~0ull;
    }
    if (e >= 63) return u.sig;
    /* Fraction bits: 63 - e; below 0.5 (more than 64) only stickiness counts. */
    unsigned frac = (unsigned)(63 - e);
    u128 v = u.sig;
    if (frac > 64) {
        v = 1;
        frac = 64;
    }
    u128 n = round_at(v, frac, rc, u.sign, inexact, up, &carry) >> frac;
    (void)c;
    if (n >> 64) {
        *big = true;
        return ~0ull;
    }
    return (uint64_t)n;
}

X86F80 x86f80_round_int(X86FpCtx *c, X86F80 a)
{
    X86F80 res;
    if (check_operand(c, a, &res)) return res;
    X86F80Class ca = x86f80_classify(a);
    if (ca == X86F80_ZERO || ca == X86F80_INF) return a;
    Unp u = unpack(a);
    if (u.exp - F80_BIAS >= 63) return a;
    bool big, inexact, up;
    uint64_t n = round_to_u64(c, u, rc_of(c), &big, &inexact, &up);
    if (inexact) {
        c->exc |= X86_FPE_PE;
        c->c1 = up;
    }
    if (big) /* rounded up to 2^64 */
        return x86f80_make(u.sign, F80_BIAS + 64, INT_BIT);
    if (n == 0) return zero(u.sign);
    int s = __builtin_clzll(n);
    return x86f80_make(u.sign, (unsigned)(F80_BIAS + 63 - s), n << s);
}

X86F80 x86f80_from_int(int64_t v)
{
    bool sign = v < 0;
    uint64_t m = sign ? 0 - (uint64_t)v : (uint64_t)v;
    if (m == 0) return zero(false);
    int s = __builtin_clzll(m);
    return x86f80_make(sign, (unsigned)(F80_BIAS + 63 - s), m << s);
}

int64_t x86f80_to_int(X86FpCtx *c, X86F80 a, unsigned bits, bool chop)
{
    int64_t indefinite = bits == 64 ? INT64_MIN : -((int64_t)1 << (bits - 1));
    X86F80Class ca = x86f80_classify(a);
    if (ca == X86F80_UNSUPPORTED || ca == X86F80_NAN || ca == X86F80_INF) {
        c->exc |= X86_FPE_IE;
        return indefinite;
    }
    if (ca == X86F80_ZERO) return 0;
    Unp u = unpack(a);
    bool big, inexact, up;
    uint64_t n = round_to_u64(c, u, chop ? X86_RC_ZERO : rc_of(c), &big, &inexact, &up);
    uint64_t limit = (1ull << (bits - 1)) - (u.sign ? 0 : 1);
    if (big || n > limit) {
        c->exc |= X86_FPE_IE;
        return indefinite;
    }
    if (inexact) {
        c->exc |= X86_FPE_PE;
        c->c1 = up;
    }
    return u.sign ? (int64_t)(0 - n) : (int64_t)n;
}

/* ---- FSCALE, FXTRACT, FPREM ---- */

/* a returned as it is, except that a pseudo-denormal comes back in its
 * normal encoding (exponent 1), as the host x87 does. */
static X86F80 pseudo_denormal_fixed(X86F80 a)
{
    if (x86f80_exp(a) == 0 && (a.sig & INT_BIT)) return x86f80_make(x86f80_sign(a), 1, a.sig);
    return a;
}

X86F80 x86f80_scale(X86FpCtx *c, X86F80 a, X86F80 b)
{
    X86F80 res;
    if (check_operands(c, a, b, &res)) return res;
    X86F80Class ca = x86f80_classify(a), cb = x86f80_classify(b);
    bool sa = x86f80_sign(a);
    if (cb == X86F80_INF) {
        if (!x86f80_sign(b)) return ca == X86F80_ZERO ? invalid(c) : ca == X86F80_INF ? a : inf(sa);
        return ca == X86F80_INF ? invalid(c) : zero(sa);
    }
    if (ca == X86F80_ZERO || ca == X86F80_INF) return a;
    if (cb == X86F80_ZERO) /* a denormal stays as it is, even for an unmasked UE */
        return pseudo_denormal_fixed(a);
    Unp ub = unpack(b);
    int32_t n;
    int32_t eb = ub.exp - F80_BIAS;
    if (cb == X86F80_ZERO || eb < 0)
        n = 0;
    else if (eb >= 30)
        n = ub.sign ? -(1 << 30) : (1 << 30);
    else
        n = (int32_t)(ub.sig >> (63 - eb)) * (ub.sign ? -1 : 1);
    Unp ua = unpack(a);
    int64_t exp = (int64_t)ua.exp + n;
    if (exp > 0x20000) exp = 0x20000;
    if (exp < -0x20000) exp = -0x20000;
    return pack_ext(c, &fmt_ext, sa, (int32_t)exp, (u128)ua.sig << 64);
}

X86F80 x86f80_extract(X86FpCtx *c, X86F80 a, X86F80 *exp)
{
    X86F80 res;
    if (check_operand(c, a, &res)) {
        *exp = res;
        return res;
    }
    X86F80Class ca = x86f80_classify(a);
    if (ca == X86F80_ZERO) {
        c->exc |= X86_FPE_ZE;
        *exp = inf(true);
        return a;
    }
    if (ca == X86F80_INF) {
        *exp = inf(false);
        return a;
    }
    Unp u = unpack(a);
    *exp = x86f80_from_int(u.exp - F80_BIAS);
    return x86f80_make(u.sign, F80_BIAS, u.sig);
}

X86F80 x86f80_rem(X86FpCtx *c, X86F80 a, X86F80 b, bool ieee, uint16_t *cc)
{
    X86F80 res;
    *cc = 0;
    if (check_operands(c, a, b, &res)) return res;
    X86F80Class ca = x86f80_classify(a), cb = x86f80_classify(b);
    if (ca == X86F80_INF || cb == X86F80_ZERO) return invalid(c);
    if (ca == X86F80_ZERO) return a;
    if (cb == X86F80_INF) return pseudo_denormal_fixed(a);
    Unp ua = unpack(a), ub = unpack(b);
    int32_t d = ua.exp - ub.exp;
    bool partial = d >= 64;
    int32_t eb = ub.exp;
    if (partial) {
        /* SDM Vol 2 FPREM: reduce by an implementation-dependent N in
         * 32..63; this follows what Intel parts do (N = 32 + (D mod 32)). */
        int32_t n = 32 + (d % 32);
        eb = ua.exp - n;
        d = n;
    }
    uint64_t q = 0;
    u128 r = ua.sig;
    bool sign = ua.sign;
    int32_t rexp = ua.exp;
    if (d >= 0) {
        for (int32_t i = 0; i <= d; i++) {
            q <<= 1;
            if (r >= ub.sig) {
                r -= ub.sig;
                q |= 1;
            }
            if (i < d) r <<= 1;
        }
        rexp = eb; /* r is in b's scale */
        if (ieee && !partial && (2 * r > ub.sig || (2 * r == ub.sig && (q & 1)))) {
            r = ub.sig - r;
            sign = !sign;
            q++;
        }
    } else if (ieee && d == -1 && ua.sig > ub.sig) {
        /* |a| in (|b|/2, |b|): a - b, in a's scale. */
        r = ((u128)ub.sig << 1) - ua.sig;
        sign = !sign;
        q = 1;
    }
    if (partial) {
        *cc = X86_FPSW_C2;
    } else {
        *cc =
            ((q & 4) ? X86_FPSW_C0 : 0) | ((q & 2) ? X86_FPSW_C3 : 0) | ((q & 1) ? X86_FPSW_C1 : 0);
    }
    if (r == 0) return zero(ua.sign);
    return pack_ext(c, &fmt_ext, sign, rexp, r << 64);
}

/* ---- compare ---- */

uint16_t x86f80_compare(X86FpCtx *c, X86F80 a, X86F80 b, bool quiet_cmp)
{
    const uint16_t unordered = X86_FPSW_C0 | X86_FPSW_C2 | X86_FPSW_C3;
    X86F80Class ca = x86f80_classify(a), cb = x86f80_classify(b);
    if (ca == X86F80_UNSUPPORTED || cb == X86F80_UNSUPPORTED) {
        c->exc |= X86_FPE_IE;
        return unordered;
    }
    if (ca == X86F80_NAN || cb == X86F80_NAN) {
        if (!quiet_cmp || x86f80_is_snan(a) || x86f80_is_snan(b)) c->exc |= X86_FPE_IE;
        return unordered;
    }
    if (ca == X86F80_DENORMAL || cb == X86F80_DENORMAL) c->exc |= X86_FPE_DE;
    if (ca == X86F80_ZERO && cb == X86F80_ZERO) return X86_FPSW_C3;
    Unp ua = unpack(a), ub = unpack(b);
    if (ca == X86F80_INF) ua.exp = 0x10000;
    if (cb == X86F80_INF) ub.exp = 0x10000;
    if (ca == X86F80_ZERO) ua.exp = -0x10000;
    if (cb == X86F80_ZERO) ub.exp = -0x10000;
    if (ca == X86F80_ZERO) ua.sign = !ub.sign;
    if (cb == X86F80_ZERO) ub.sign = !ua.sign;
    if (ua.sign != ub.sign) return ua.sign ? X86_FPSW_C0 : 0;
    int mag = ua.exp != ub.exp   ? (ua.exp < ub.exp ? -1 : 1)
              : ua.sig != ub.sig ? (ua.sig < ub.sig ? -1 : 1)
                                 : 0;
    if (mag == 0) return X86_FPSW_C3;
    return ((mag < 0) != ua.sign) ? X86_FPSW_C0 : 0;
}

/* ---- float32 / float64 ---- */

static X86F80 from_ieee(X86FpCtx *c, uint64_t v, unsigned mbits, unsigned ebits)
{
    bool sign = (v >> (mbits + ebits)) & 1;
    unsigned emax = (1u << ebits) - 1, bias = emax >> 1;
    unsigned e = (unsigned)(v >> mbits) & emax;
    uint64_t m = v & ((1ull << mbits) - 1);
    if (e == emax) {
        if (m == 0) return inf(sign);
        X86F80 n = x86f80_make(sign, F80_EXP_MAX, INT_BIT | m << (63 - mbits));
        if (x86f80_is_snan(n)) c->exc |= X86_FPE_IE;
        return quiet(n);
    }
    if (e == 0) {
        if (m == 0) return zero(sign);
        c->exc |= X86_FPE_DE;
        int s = __builtin_clzll(m);
        return x86f80_make(sign, (unsigned)(F80_BIAS - bias + 1 - (s - (63 - (int)mbits))), m << s);
    }
    return x86f80_make(sign, F80_BIAS - bias + e, INT_BIT | m << (63 - mbits));
}

X86F80 x86f80_from_f32(X86FpCtx *c, uint32_t v)
{
    return from_ieee(c, v, 23, 8);
}

X86F80 x86f80_from_f64(X86FpCtx *c, uint64_t v)
{
    return from_ieee(c, v, 52, 11);
}

static uint64_t to_ieee(X86FpCtx *c, X86F80 a, const Fmt *f, unsigned mbits, unsigned ebits,
                        bool *store)
{
    bool sign = x86f80_sign(a);
    uint64_t sbit = (uint64_t)sign << (mbits + ebits);
    uint64_t emax = (1u << ebits) - 1;
    int32_t bias = (int32_t)(emax >> 1);
    X86F80Class ca = x86f80_classify(a);
    *store = true;
    if (ca == X86F80_UNSUPPORTED) {
        a = invalid(c);
        ca = X86F80_NAN;
        sign = true;
        sbit = 1ull << (mbits + ebits);
    }
    if (ca == X86F80_NAN) {
        if (x86f80_is_snan(a)) c->exc |= X86_FPE_IE;
        *store = !((c->exc & X86_FPE_IE) && !masked(c, X86_FPE_IE));
        return sbit | emax << mbits | ((a.sig | QUIET_BIT) << 1 >> (64 - mbits));
    }
    if (ca == X86F80_INF) return sbit | emax << mbits;
    if (ca == X86F80_ZERO) return sbit;
    Unp u = unpack(a); /* a denormal source is no DE for FST */
    Rounded r = round_pack(c, f, sign, u.exp, (u128)u.sig << 64);
    *store = r.store;
    if (!r.store) return 0;
    uint64_t m = r.sig >> (63 - mbits);
    if (!(r.sig & INT_BIT)) return sbit | m; /* denormal or zero */
    uint64_t e = (uint64_t)(r.exp - F80_BIAS + bias);
    return sbit | e << mbits | (m & ((1ull << mbits) - 1));
}

uint32_t x86f80_to_f32(X86FpCtx *c, X86F80 a, bool *store)
{
    return (uint32_t)to_ieee(c, a, &fmt_f32, 23, 8, store);
}

uint64_t x86f80_to_f64(X86FpCtx *c, X86F80 a, bool *store)
{
    return to_ieee(c, a, &fmt_f64, 52, 11, store);
}

/* ---- packed BCD ---- */

X86F80 x86f80_from_bcd(const uint8_t bcd[10])
{
    uint64_t v = 0;
    for (int i = 8; i >= 0; i--)
        v = v * 100 + (bcd[i] >> 4) * 10 + (bcd[i] & 15);
    X86F80 r = x86f80_from_int((int64_t)v);
    if (bcd[9] & 0x80) r.se |= 0x8000;
    return r;
}

void x86f80_to_bcd(X86FpCtx *c, X86F80 a, uint8_t bcd[10])
{
    static const uint8_t indefinite[10] = {0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff};
    X86F80Class ca = x86f80_classify(a);
    memset(bcd, 0, 10);
    if (ca == X86F80_UNSUPPORTED || ca == X86F80_NAN || ca == X86F80_INF) {
        c->exc |= X86_FPE_IE;
        memcpy(bcd, indefinite, 10);
        return;
    }
    bool sign = x86f80_sign(a);
    uint64_t n = 0;
    if (ca != X86F80_ZERO) {
        bool big, inexact, up;
        n = round_to_u64(c, unpack(a), rc_of(c), &big, &inexact, &up);
        if (big || n > 999999999999999999ull) {
            c->exc |= X86_FPE_IE;
            memcpy(bcd, indefinite, 10);
            return;
        }
        if (inexact) {
            c->exc |= X86_FPE_PE;
            c->c1 = up;
        }
    }
    for (int i = 0; i < 9; i++) {
        unsigned lo = (unsigned)(n % 10);
        n /= 10;
        unsigned hi = (unsigned)(n % 10);
        n /= 10;
        bcd[i] = (uint8_t)(hi << 4 | lo);
    }
    bcd[9] = sign ? 0x80 : 0;
}

/* ---- constants ---- */

X86F80 x86f80_constant(unsigned index, unsigned rc)
{
    /* The 64-bit significand truncated from the internal 66-bit value, and
     * that value's two extra bits (SDM Vol 1 §8.3.8): to nearest rounds up
     * from 10 (the hardware's behaviour for log10(2)), up from any. */
    static const struct {
        uint16_t exp;
        uint64_t sig;
        uint8_t extra;
    } k[7] = {
        {0x3fff, 0x8000000000000000ull, 0}, /* 1 */
        {0x4000, 0xd49a784bcd1b8afeull, 1}, /* log2(10) */
        {0x3fff, 0xb8aa3b295c17f0bbull, 3}, /* log2(e) */
        {0x4000, 0xc90fdaa22168c234ull, 3}, /* pi */
        {0x3ffd, 0x9a209a84fbcff798ull, 2}, /* log10(2) */
        {0x3ffe, 0xb17217f7d1cf79abull, 3}, /* ln(2) */
        {0, 0, 0},                          /* +0 */
    };
    if (index > 6) index = 6;
    bool up = (rc == X86_RC_NEAREST && k[index].extra >= 2) || (rc == X86_RC_UP && k[index].extra);
    return x86f80_make(false, k[index].exp, k[index].sig + (up ? 1 : 0));
}

/* ---- transcendentals ---- */

/*
 * FSIN ... FYL2XP1 run on the host's x87 where there is one: the result,
 * flags and C1/C2 are then those of a real x87 by construction (the
 * guest's RC and PC are loaded; every exception is masked on the host and
 * the guest's masks are applied by the caller, so an unmasked overflow or
 * underflow delivers the masked response rather than a wrapped exponent).
 * Other hosts compute in double precision with libm: not bit-exact.
 */
#if defined(__x86_64__) || defined(__i386__)

typedef struct HostF80 {
    uint64_t sig;
    uint16_t se;
} __attribute__((packed)) HostF80;

#define HOST_X87(insn)                                                                             \
    __asm__ volatile("fnstcw %[save]\n\t"                                                          \
                     "fninit\n\t"                                                                  \
                     "fldcw %[cw]\n\t"                                                             \
                     "fldt %[b]\n\t"                                                               \
                     "fldt %[a]\n\t" insn "\n\t"                                                   \
                     "fnstsw %[sw]\n\t"                                                            \
                     "fstpt %[o0]\n\t"                                                             \
                     "fstpt %[o1]\n\t"                                                             \
                     "fninit\n\t"                                                                  \
                     "fldcw %[save]"                                                               \
                     : [sw] "=m"(sw), [o0] "=m"(o[0]), [o1] "=m"(o[1]), [save] "=m"(save)          \
                     : [cw] "m"(cw), [a] "m"(i[0]), [b] "m"(i[1])                                  \
                     : "memory", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)",       \
                       "st(7)")

uint16_t x86f80_transcendental(X86FpCtx *c, X86FpTransOp op, const X86F80 in[2], X86F80 out[2])
{
    HostF80 i[2] = {{in[0].sig, in[0].se}, {in[1].sig, in[1].se}};
    HostF80 o[2] = {{0, 0}, {0, 0}};
    uint16_t cw = (uint16_t)(c->cw | X86_FPE_ALL), save, sw = 0;
    switch (op) {
    case X86_FT_F2XM1: HOST_X87("f2xm1"); break;
    case X86_FT_FYL2X: HOST_X87("fyl2x"); break;
    case X86_FT_FPTAN: HOST_X87("fptan"); break;
    case X86_FT_FPATAN: HOST_X87("fpatan"); break;
    case X86_FT_FYL2XP1: HOST_X87("fyl2xp1"); break;
    case X86_FT_FSINCOS: HOST_X87("fsincos"); break;
    case X86_FT_FSIN: HOST_X87("fsin"); break;
    case X86_FT_FCOS: HOST_X87("fcos"); break;
    }
    out[0] = (X86F80){o[0].sig, o[0].se};
    out[1] = (X86F80){o[1].sig, o[1].se};
    c->exc |= sw & X86_FPE_ALL;
    c->c1 = (sw & X86_FPSW_C1) != 0;
    return sw & X86_FPSW_C2;
}

#else

#include <math.h>

static double to_double(X86F80 a)
{
    X86FpCtx c = {0x37f, 0, false};
    bool store;
    uint64_t bits = x86f80_to_f64(&c, a, &store);
    double d;
    memcpy(&d, &bits, 8);
    return d;
}

static X86F80 from_double(double d)
{
    X86FpCtx c = {0x37f, 0, false};
    uint64_t bits;
    memcpy(&bits, &d, 8);
    return x86f80_from_f64(&c, bits);
}

uint16_t x86f80_transcendental(X86FpCtx *c, X86FpTransOp op, const X86F80 in[2], X86F80 out[2])
{
    double x = to_double(in[0]), y = to_double(in[1]);
    bool push = op == X86_FT_FPTAN || op == X86_FT_FSINCOS;
    bool range = op == X86_FT_FPTAN || op >= X86_FT_FSINCOS;
    if (range && fabs(x) >= 0x1p63) return X86_FPSW_C2;
    double r0 = 0, r1 = 0;
    switch (op) {
    case X86_FT_F2XM1: r0 = exp2(x) - 1; break;
    case X86_FT_FYL2X: r0 = y * log2(x); break;
    case X86_FT_FPTAN:
        r0 = 1.0;
        r1 = tan(x);
        break;
    case X86_FT_FPATAN: r0 = atan2(y, x); break;
    case X86_FT_FYL2XP1: r0 = y * log2(1 + x); break;
    case X86_FT_FSINCOS:
        r0 = cos(x);
        r1 = sin(x);
        break;
    case X86_FT_FSIN: r0 = sin(x); break;
    case X86_FT_FCOS: r0 = cos(x); break;
    }
    out[0] = from_double(r0);
    out[1] = push ? from_double(r1) : in[1];
    if (isnan(r0)) c->exc |= X86_FPE_IE;
    c->exc |= X86_FPE_PE;
    return 0;
}

#endif
