/*
 * Interpreter floating point (ir/README.md "Floating point") on the x86-64
 * host: f32/f64 on SSE under an MXCSR set for the op, f80 on the x87 under
 * its control word.  Flags come from the host status (x86 exception bit
 * order in both MXCSR and the x87 status word: IE DE ZE OE UE PE).
 *
 * Round-to-nearest-away (IR_ROUND_NEAREST_AWAY) has no host mode.  The
 * result differs from nearest-even only on an exact tie, so when the
 * nearest-even result is inexact the op is redone in a wider format
 * rounded to odd (toward zero, then the sticky bit ORed into the last
 * place); rounding that value once more to the target is then correct for
 * any mode (Boldo & Melquiond, "Emulation of FMA and correctly rounded sums:
 * proved algorithms using rounding to odd", IEEE TC 2008), and the final
 * rounding looks at the midpoint explicitly.  Wide formats: x87 long double
 * (64-bit significand) for f32/f64, __float128 (113) for f80.
 */
#define _GNU_SOURCE
#include "backends/interp/interp_fp.h"

#include <fenv.h>
#include <math.h>
#include <string.h>
#include <xmmintrin.h>

/* x86 exception flag bits (MXCSR[5:0], x87 status word [5:0]). */
enum {
    X86_IE = 1 << 0,
    X86_DE = 1 << 1,
    X86_ZE = 1 << 2,
    X86_OE = 1 << 3,
    X86_UE = 1 << 4,
    X86_PE = 1 << 5,
    X86_FLAGS = 0x3f,
};
#define MXCSR_RC_SHIFT  13
#define MXCSR_RC_MASK   (3u << MXCSR_RC_SHIFT)
#define X87_RC_SHIFT    10
#define X87_RC_MASK     (3u << X87_RC_SHIFT)
#define X87_PC_EXTENDED (3u << 8)

#define F32_DEFAULT_NAN            UINT32_C(0x7fc00000)
#define F64_DEFAULT_NAN            UINT64_C(0x7ff8000000000000)
#define F80_INDEFINITE_SIGNIFICAND UINT64_C(0xc000000000000000)
#define F80_INDEFINITE_SIGN_EXP    0xffff

/* Force a value through memory at this point, so the compiler cannot move
 * the arithmetic across the control/status register accesses around it. */
#define PIN(x)                                                                                     \
    ({                                                                                             \
        __typeof__(x) pinned_ = (x);                                                               \
        __asm__ volatile("" : "+m"(pinned_) : : "memory");                                         \
        pinned_;                                                                                   \
    })

static uint32_t ir_flags_from_x86(unsigned f)
{
    return ((f & X86_IE) ? IR_FX_INVALID : 0) | ((f & X86_DE) ? IR_FX_DENORMAL : 0) |
           ((f & X86_ZE) ? IR_FX_DIVZERO : 0) | ((f & X86_OE) ? IR_FX_OVERFLOW : 0) |
           ((f & X86_UE) ? IR_FX_UNDERFLOW : 0) | ((f & X86_PE) ? IR_FX_INEXACT : 0);
}

/* x86 rounding-control encoding (MXCSR.RC and x87 CW.RC agree). */
static unsigned x86_rc(unsigned rm)
{
    switch (rm) {
    case IR_ROUND_ZERO: return 3;
    case IR_ROUND_UP: return 2;
    case IR_ROUND_DOWN: return 1;
    default: return 0; /* nearest-even; nearest-away starts from it */
    }
}

/* ---- bit patterns ---- */

static float f32_from_bits(uint32_t v)
{
    float f;
    memcpy(&f, &v, 4);
    return f;
}
static double f64_from_bits(uint64_t v)
{
    double d;
    memcpy(&d, &v, 8);
    return d;
}
static uint32_t f32_bits(float f)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    return isnan(f) ? F32_DEFAULT_NAN : v;
}
static uint64_t f64_bits(double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    return isnan(d) ? F64_DEFAULT_NAN : v;
}

static bool is_f64(unsigned fmt)
{
    return fmt == IR_FMT_F64;
}

/* The value of an f32/f64 bit pattern, exactly, as a long double. */
static long double fp_value(unsigned fmt, uint64_t v)
{
    return is_f64(fmt) ? (long double)f64_from_bits(v) : (long double)f32_from_bits((uint32_t)v);
}

static bool fp_is_denormal(unsigned fmt, uint64_t v)
{
    if (is_f64(fmt)) return (v & UINT64_C(0x7ff0000000000000)) == 0 && (v << 12) != 0;
    return (v & 0x7f800000u) == 0 && (v & 0x7fffffu) != 0;
}
static bool fp_is_nan(unsigned fmt, uint64_t v)
{
    if (is_f64(fmt)) return (v & ~(UINT64_C(1) << 63)) > UINT64_C(0x7ff0000000000000);
    return (v & 0x7fffffffu) > 0x7f800000u;
}
static bool fp_is_snan(unsigned fmt, uint64_t v)
{
    if (is_f64(fmt)) return fp_is_nan(fmt, v) && !(v & (UINT64_C(1) << 51));
    return fp_is_nan(fmt, v) && !(v & (1u << 22));
}

static long double f80_load(const void *p)
{
    long double x = 0;
    memcpy(&x, p, 10);
    return x;
}
static void f80_store(void *p, long double x)
{
    if (isnan(x)) {
        uint64_t m = F80_INDEFINITE_SIGNIFICAND;
        uint16_t se = F80_INDEFINITE_SIGN_EXP;
        memcpy(p, &m, 8);
        memcpy((char *)p + 8, &se, 2);
        return;
    }
    memcpy(p, &x, 10);
}

/* ---- the ops, once per host type ---- */

#define BINARY_CASES(a, b)                                                                         \
    case IR_fadd:                                                                                  \
    case IR_f80_add: return a + b;                                                                 \
    case IR_fsub:                                                                                  \
    case IR_f80_sub: return a - b;                                                                 \
    case IR_fmul:                                                                                  \
    case IR_f80_mul: return a * b;                                                                 \
    case IR_fdiv:                                                                                  \
    case IR_f80_div:                                                                               \
        return a / b

#define DEFINE_ARITH(name, T, SQRT, FMA)                                                           \
    static T name(unsigned opc, T a, T b, T c)                                                     \
    {                                                                                              \
        a = PIN(a);                                                                                \
        b = PIN(b);                                                                                \
        c = PIN(c);                                                                                \
        switch (opc) {                                                                             \
            BINARY_CASES(a, b);                                                                    \
        case IR_fma: return FMA(a, b, c);                                                          \
        default: return SQRT(a);                                                                   \
        }                                                                                          \
    }
/* Host square-root instructions: libm's wrappers would report a negative
 * operand through errno and raise the flag elsewhere than the x87 status. */
static float host_sqrtf(float x)
{
    __asm__("sqrtss %1, %0" : "=x"(x) : "x"(x));
    return x;
}
static double host_sqrt(double x)
{
    __asm__("sqrtsd %1, %0" : "=x"(x) : "x"(x));
    return x;
}
static long double host_sqrtl(long double x)
{
    __asm__("fsqrt" : "+t"(x));
    return x;
}
DEFINE_ARITH(f32_arith, float, host_sqrtf, fmaf)
DEFINE_ARITH(f64_arith, double, host_sqrt, fma)
DEFINE_ARITH(ld_arith, long double, host_sqrtl, fmal)

/* f80 nearest-away only needs the four basic ops (sqrt has no ties). */
static __float128 f128_arith(unsigned opc, __float128 a, __float128 b)
{
    a = PIN(a);
    b = PIN(b);
    switch (opc) {
        BINARY_CASES(a, b);
    default: return a;
    }
}

/* ---- nearest-away via round-to-odd ---- */

static long double ld_make_odd(long double x)
{
    uint64_t m;
    memcpy(&m, &x, 8);
    m |= 1;
    memcpy(&x, &m, 8);
    return x;
}
static __float128 f128_make_odd(__float128 x)
{
    uint64_t lo;
    memcpy(&lo, &x, 8);
    lo |= 1;
    memcpy(&x, &lo, 8);
    return x;
}

/* Round w (exact, or rounded to odd with >= 2 extra bits) to the narrow
 * type, ties away from zero.  Runs with the host in round-toward-zero. */
#define DEFINE_NARROW_AWAY(name, Narrow, Wide, NEXTAFTER)                                          \
    static Narrow name(Wide w)                                                                     \
    {                                                                                              \
        Narrow t = PIN((Narrow)PIN(w));                                                            \
        if ((Wide)t == w || isnan(t)) return t;                                                    \
        Narrow away = NEXTAFTER(t, t < 0 || (t == 0 && w < 0) ? -INFINITY : INFINITY);             \
        Wide mid = isinf(away) ? (Wide)t + ((Wide)t - (Wide)NEXTAFTER(t, 0)) / 2                   \
                               : ((Wide)t + (Wide)away) / 2;                                       \
        return (w < 0 ? -w : w) >= (mid < 0 ? -mid : mid) ? away : t;                              \
    }
DEFINE_NARROW_AWAY(ld_to_f32_away, float, long double, nextafterf)
DEFINE_NARROW_AWAY(ld_to_f64_away, double, long double, nextafter)
DEFINE_NARROW_AWAY(f128_to_ld_away, long double, __float128, nextafterl)

/* Runs fn-like code with the host (x87 and SSE) rounding toward zero and
 * flags cleared, then restores the whole environment. */
#define WITH_ROUND_TO_ODD_ENV(...)                                                                 \
    do {                                                                                           \
        fenv_t saved_env_;                                                                         \
        fegetenv(&saved_env_);                                                                     \
        fesetround(FE_TOWARDZERO);                                                                 \
        feclearexcept(FE_ALL_EXCEPT);                                                              \
        __VA_ARGS__;                                                                               \
        fesetenv(&saved_env_);                                                                     \
    } while (0)

static uint64_t fp_arith_away(unsigned opc, unsigned fmt, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t r;
    WITH_ROUND_TO_ODD_ENV({
        long double w = ld_arith(opc, fp_value(fmt, a), fp_value(fmt, b), fp_value(fmt, c));
        if (fetestexcept(FE_INEXACT)) w = ld_make_odd(w);
        r = is_f64(fmt) ? f64_bits(ld_to_f64_away(w)) : f32_bits(ld_to_f32_away(w));
    });
    return r;
}

/* ---- f32/f64 on SSE ---- */

/* Run body with MXCSR rounding per rm and flags cleared; flags -> *host. */
#define WITH_SSE_ROUNDING(rm, host, ...)                                                           \
    do {                                                                                           \
        unsigned saved_csr_ = _mm_getcsr();                                                        \
        _mm_setcsr((saved_csr_ & ~(MXCSR_RC_MASK | X86_FLAGS)) | (x86_rc(rm) << MXCSR_RC_SHIFT));  \
        __VA_ARGS__;                                                                               \
        *(host) = _mm_getcsr() & X86_FLAGS;                                                        \
        _mm_setcsr(saved_csr_);                                                                    \
    } while (0)

static uint32_t input_denormals(unsigned fmt, unsigned n, const uint64_t *v)
{
    for (unsigned i = 0; i < n; i++)
        if (fp_is_denormal(fmt, v[i])) return IR_FX_DENORMAL;
    return 0;
}

uint64_t interp_fp_arith(unsigned opc, unsigned fmt, uint64_t a, uint64_t b, uint64_t c,
                         unsigned rm, uint32_t *exc)
{
    unsigned host;
    uint64_t r;
    WITH_SSE_ROUNDING(rm, &host, {
        if (is_f64(fmt))
            r = f64_bits(PIN(f64_arith(opc, f64_from_bits(a), f64_from_bits(b), f64_from_bits(c))));
        else
            r = f32_bits(PIN(f32_arith(opc, f32_from_bits((uint32_t)a), f32_from_bits((uint32_t)b),
                                       f32_from_bits((uint32_t)c))));
    });
    /* Nearest-away differs only on an (inexact) tie; sqrt never ties. */
    if (rm == IR_ROUND_NEAREST_AWAY && (host & X86_PE) && opc != IR_fsqrt)
        r = fp_arith_away(opc, fmt, a, b, c);
    unsigned nin = opc == IR_fsqrt ? 1 : opc == IR_fma ? 3 : 2;
    *exc = ir_flags_from_x86(host & ~X86_DE) | input_denormals(fmt, nin, (uint64_t[]){a, b, c});
    return r;
}

uint32_t interp_fp_cmp(unsigned fmt, uint64_t a, uint64_t b, bool signaling, uint32_t *exc)
{
    *exc = input_denormals(fmt, 2, (uint64_t[]){a, b});
    if (fp_is_nan(fmt, a) || fp_is_nan(fmt, b)) {
        if (signaling || fp_is_snan(fmt, a) || fp_is_snan(fmt, b)) *exc |= IR_FX_INVALID;
        return IR_FCMP_UNORDERED;
    }
    long double x = fp_value(fmt, a), y = fp_value(fmt, b);
    return x < y ? IR_FCMP_LT : x > y ? IR_FCMP_GT : IR_FCMP_EQ;
}

/* ---- conversions ---- */

static bool fmt_is_float(unsigned fmt)
{
    return fmt == IR_FMT_F32 || fmt == IR_FMT_F64;
}

/* Round x to an integral value by rm (exact; no host mode involved). */
static long double round_integral(long double x, unsigned rm)
{
    switch (rm) {
    case IR_ROUND_ZERO: return truncl(x);
    case IR_ROUND_UP: return ceill(x);
    case IR_ROUND_DOWN: return floorl(x);
    case IR_ROUND_NEAREST_AWAY: return roundl(x);
    default: return roundevenl(x);
    }
}

/* A float value (NaN allowed) to an integer format: round by rm, then
 * saturate out-of-range values with INVALID; NaN gives 0 and INVALID. */
static uint64_t float_to_int(long double x, unsigned to, unsigned rm, uint32_t *exc)
{
    static const struct {
        long double min, max;
        uint64_t min_bits, max_bits;
    } range[] = {
        [IR_FMT_S32] = {-0x1p31L, 0x1p31L - 1, (uint32_t)INT32_MIN, INT32_MAX},
        [IR_FMT_U32] = {0, 0x1p32L - 1, 0, UINT32_MAX},
        [IR_FMT_S64] = {-0x1p63L, 0x1p63L - 1, (uint64_t)INT64_MIN, INT64_MAX},
        [IR_FMT_U64] = {0, 0x1p64L - 1, 0, UINT64_MAX},
    };
    if (isnan(x)) {
        *exc |= IR_FX_INVALID;
        return 0;
    }
    long double r = round_integral(x, rm);
    if (r < range[to].min || r > range[to].max) {
        *exc |= IR_FX_INVALID;
        return r < 0 ? range[to].min_bits : range[to].max_bits;
    }
    if (r != x) *exc |= IR_FX_INEXACT;
    if (to == IR_FMT_S32 || to == IR_FMT_S64) return (uint64_t)(int64_t)r;
    return (uint64_t)r;
}

/* The exact value of an integer-format operand. */
static long double int_value(unsigned fmt, uint64_t a)
{
    switch (fmt) {
    case IR_FMT_S32: return (int32_t)a;
    case IR_FMT_U32: return (uint32_t)a;
    case IR_FMT_S64: return (int64_t)a;
    default: return a;
    }
}

/* Round an exact long double to f32/f64 under the current x87 mode. */
static uint64_t ld_to_fmt(unsigned to, long double x)
{
    return is_f64(to) ? f64_bits(PIN((double)PIN(x))) : f32_bits(PIN((float)PIN(x)));
}

/* f32/f64/integer a to f32/f64 with one SSE rounding (MXCSR mode). */
static uint64_t sse_convert(unsigned from, unsigned to, uint64_t a)
{
#define CONVERT_TO(T, BITS)                                                                        \
    switch (from) {                                                                                \
    case IR_FMT_F32: return BITS(PIN((T)PIN(f32_from_bits((uint32_t)a))));                         \
    case IR_FMT_F64: return BITS(PIN((T)PIN(f64_from_bits(a))));                                   \
    case IR_FMT_S32: return BITS(PIN((T)PIN((int32_t)a)));                                         \
    case IR_FMT_U32: return BITS(PIN((T)PIN((uint32_t)a)));                                        \
    case IR_FMT_S64: return BITS(PIN((T)PIN((int64_t)a)));                                         \
    default: return BITS(PIN((T)PIN(a)));                                                          \
    }
    if (is_f64(to)) CONVERT_TO(double, f64_bits);
    CONVERT_TO(float, f32_bits);
#undef CONVERT_TO
}

uint64_t interp_fp_cvt(unsigned from, unsigned to, uint64_t a, unsigned rm, uint32_t *exc)
{
    *exc = fmt_is_float(from) ? input_denormals(from, 1, &a) : 0;
    if (!fmt_is_float(to)) return float_to_int(fp_value(from, a), to, rm, exc);
    if (fmt_is_float(from) && fp_is_nan(from, a)) {
        if (fp_is_snan(from, a)) *exc |= IR_FX_INVALID;
        return is_f64(to) ? F64_DEFAULT_NAN : F32_DEFAULT_NAN;
    }
    unsigned host;
    uint64_t r;
    WITH_SSE_ROUNDING(rm, &host, r = sse_convert(from, to, a));
    if (rm == IR_ROUND_NEAREST_AWAY && (host & X86_PE)) {
        /* The source value is exact in long double. */
        long double x = fmt_is_float(from) ? fp_value(from, a) : int_value(from, a);
        WITH_ROUND_TO_ODD_ENV(r = is_f64(to) ? f64_bits(ld_to_f64_away(x))
                                             : f32_bits(ld_to_f32_away(x)));
    }
    *exc |= ir_flags_from_x86(host & ~X86_DE);
    return r;
}

/* ---- f80 on the x87 ---- */

static uint16_t x87_get_cw(void)
{
    uint16_t cw;
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    return cw;
}
static void x87_set_cw(uint16_t cw)
{
    __asm__ volatile("fldcw %0" : : "m"(cw) : "memory");
}
static void x87_clear_flags(void)
{
    __asm__ volatile("fnclex" : : : "memory");
}
static unsigned x87_flags(void)
{
    uint16_t sw;
    __asm__ volatile("fnstsw %0" : "=m"(sw) : : "memory");
    return sw & X86_FLAGS;
}

/* Run body with the x87 at 64-bit precision, rounding per rm, flags
 * cleared; the host flags go to *host. */
#define WITH_X87_ROUNDING(rm, host, ...)                                                           \
    do {                                                                                           \
        uint16_t saved_cw_ = x87_get_cw();                                                         \
        x87_set_cw((uint16_t)((saved_cw_ & ~X87_RC_MASK) | X87_PC_EXTENDED |                       \
                              (x86_rc(rm) << X87_RC_SHIFT)));                                      \
        x87_clear_flags();                                                                         \
        __VA_ARGS__;                                                                               \
        *(host) = x87_flags();                                                                     \
        x87_clear_flags();                                                                         \
        x87_set_cw(saved_cw_);                                                                     \
    } while (0)

static long double f80_arith_away(unsigned opc, long double a, long double b)
{
    long double r;
    WITH_ROUND_TO_ODD_ENV({
        __float128 w = f128_arith(opc, (__float128)a, (__float128)b);
        if (fetestexcept(FE_INEXACT)) w = f128_make_odd(w);
        r = f128_to_ld_away(w);
    });
    return r;
}

uint32_t interp_f80_arith(unsigned opc, void *pd, const void *pa, const void *pb, unsigned rm)
{
    long double a = f80_load(pa), b = f80_load(pb), r;
    unsigned host;
    WITH_X87_ROUNDING(rm, &host, r = PIN(ld_arith(opc, a, b, 0)));
    if (rm == IR_ROUND_NEAREST_AWAY && (host & X86_PE) && opc != IR_f80_sqrt)
        r = f80_arith_away(opc, a, b);
    f80_store(pd, r);
    return ir_flags_from_x86(host);
}

/* Unsupported x87 encodings: pseudo-NaN/-infinity and unnormals. */
static bool f80_is_unsupported(const void *p)
{
    uint64_t m;
    uint16_t se;
    memcpy(&m, p, 8);
    memcpy(&se, (const char *)p + 8, 2);
    unsigned exp = se & 0x7fff;
    return exp != 0 && !(m >> 63);
}
static bool f80_is_snan(const void *p)
{
    uint64_t m;
    uint16_t se;
    memcpy(&m, p, 8);
    memcpy(&se, (const char *)p + 8, 2);
    return (se & 0x7fff) == 0x7fff && (m >> 63) && (m << 1) != 0 && !(m & (UINT64_C(1) << 62));
}
static bool f80_is_denormal(const void *p)
{
    uint64_t m;
    uint16_t se;
    memcpy(&m, p, 8);
    memcpy(&se, (const char *)p + 8, 2);
    return (se & 0x7fff) == 0 && m != 0;
}

uint32_t interp_f80_cmp(const void *pa, const void *pb, bool signaling, uint32_t *exc)
{
    long double a = f80_load(pa), b = f80_load(pb);
    *exc = (f80_is_denormal(pa) || f80_is_denormal(pb)) ? IR_FX_DENORMAL : 0;
    bool bad = f80_is_unsupported(pa) || f80_is_unsupported(pb);
    if (bad || isnan(a) || isnan(b)) {
        if (bad || signaling || f80_is_snan(pa) || f80_is_snan(pb)) *exc |= IR_FX_INVALID;
        return IR_FCMP_UNORDERED;
    }
    return a < b ? IR_FCMP_LT : a > b ? IR_FCMP_GT : IR_FCMP_EQ;
}

uint32_t interp_f80_from(void *pd, unsigned fmt, uint64_t a, unsigned rm)
{
    /* Every f32/f64/integer value is exact in f80: only flags matter. */
    long double r;
    unsigned host;
    WITH_X87_ROUNDING(rm, &host, {
        switch (fmt) {
        case IR_FMT_F32: r = PIN((long double)PIN(f32_from_bits((uint32_t)a))); break;
        case IR_FMT_F64: r = PIN((long double)PIN(f64_from_bits(a))); break;
        default: r = int_value(fmt, a); break;
        }
    });
    f80_store(pd, r);
    uint32_t exc = ir_flags_from_x86(host & ~X86_DE);
    if (fmt_is_float(fmt)) exc |= input_denormals(fmt, 1, &a);
    return exc;
}

uint64_t interp_f80_to(unsigned fmt, const void *pa, unsigned rm, uint32_t *exc)
{
    long double x = f80_load(pa);
    *exc = f80_is_denormal(pa) ? IR_FX_DENORMAL : 0;
    if (f80_is_unsupported(pa)) {
        *exc |= IR_FX_INVALID;
        x = NAN;
    }
    if (!fmt_is_float(fmt)) return float_to_int(x, fmt, rm, exc);
    if (isnan(x)) {
        if (f80_is_snan(pa)) *exc |= IR_FX_INVALID;
        return is_f64(fmt) ? F64_DEFAULT_NAN : F32_DEFAULT_NAN;
    }
    uint64_t r;
    unsigned host;
    WITH_X87_ROUNDING(rm, &host, r = ld_to_fmt(fmt, x));
    if (rm == IR_ROUND_NEAREST_AWAY && (host & X86_PE)) {
        WITH_ROUND_TO_ODD_ENV(r = is_f64(fmt) ? f64_bits(ld_to_f64_away(x))
                                              : f32_bits(ld_to_f32_away(x)));
    }
    *exc |= ir_flags_from_x86(host & ~X86_DE);
    return r;
}
