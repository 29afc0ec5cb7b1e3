/*
 * The x87 soft-float (frontends/x86/x86_softfloat.c) against the host's
 * x87: random and edge-case operands under every RC and PC setting and
 * random exception masks; results, exception flags and C0-C3 must be
 * bit-identical (SDM Vol 1 §8: the host is the reference).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "frontends/x86/x86_softfloat.h"

#if defined(__x86_64__) || defined(__i386__)

TestSuite(x86_softfloat);

typedef struct HostF80 {
    uint64_t sig;
    uint16_t se;
} __attribute__((packed)) HostF80;

/* One x87 instruction on the host with ST(0) = a, ST(1) = b: the status
 * word right after it (then the exception is cleared so storing the
 * results does not raise #MF), ST(0) and ST(1). */
#define HOST_OP(fname, insn)                                                                       \
    static uint16_t fname(uint16_t cw, X86F80 a, X86F80 b, X86F80 *r0, X86F80 *r1)                 \
    {                                                                                              \
        HostF80 i0 = {a.sig, a.se}, i1 = {b.sig, b.se}, o0, o1;                                    \
        uint16_t sw, save;                                                                         \
        __asm__ volatile("fnstcw %[save]\n\tfninit\n\tfldcw %[cw]\n\t"                             \
                         "fldt %[b]\n\tfldt %[a]\n\t" insn "\n\t"                                  \
                         "fnstsw %[sw]\n\tfnclex\n\tfstpt %[o0]\n\tfstpt %[o1]\n\t"                \
                         "fninit\n\tfldcw %[save]"                                                 \
                         : [sw] "=m"(sw), [o0] "=m"(o0), [o1] "=m"(o1), [save] "=m"(save)          \
                         : [cw] "m"(cw), [a] "m"(i0), [b] "m"(i1)                                  \
                         : "memory", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)",   \
                           "st(7)");                                                               \
        *r0 = (X86F80){o0.sig, o0.se};                                                             \
        *r1 = (X86F80){o1.sig, o1.se};                                                             \
        return sw;                                                                                 \
    }

HOST_OP(host_add, "fadd %%st(1), %%st")
HOST_OP(host_sub, "fsub %%st(1), %%st")
HOST_OP(host_mul, "fmul %%st(1), %%st")
HOST_OP(host_div, "fdiv %%st(1), %%st")
HOST_OP(host_sqrt, "fsqrt")
HOST_OP(host_rndint, "frndint")
HOST_OP(host_scale, "fscale")
HOST_OP(host_xtract, "fxtract")
HOST_OP(host_prem, "fprem")
HOST_OP(host_prem1, "fprem1")
HOST_OP(host_com, "fcom %%st(1)")
HOST_OP(host_ucom, "fucom %%st(1)")
HOST_OP(host_xam, "fxam")

/* Stores to memory: FST m32/m64, FISTP m16/m32/m64, FBSTP. */
#define HOST_STORE(fname, insn, type)                                                              \
    static uint16_t fname(uint16_t cw, X86F80 a, type *out)                                        \
    {                                                                                              \
        HostF80 i0 = {a.sig, a.se};                                                                \
        uint16_t sw, save;                                                                         \
        __asm__ volatile("fnstcw %[save]\n\tfninit\n\tfldcw %[cw]\n\t"                             \
                         "fldt %[a]\n\t" insn " %[o]\n\t"                                          \
                         "fnstsw %[sw]\n\tfninit\n\tfldcw %[save]"                                 \
                         : [sw] "=m"(sw), [o] "+m"(*out), [save] "=m"(save)                        \
                         : [cw] "m"(cw), [a] "m"(i0)                                               \
                         : "memory", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)",   \
                           "st(7)");                                                               \
        return sw;                                                                                 \
    }

typedef struct Bcd {
    uint8_t b[10];
} Bcd;

HOST_STORE(host_st32, "fsts", uint32_t)
HOST_STORE(host_st64, "fstl", uint64_t)
HOST_STORE(host_ist16, "fists", int16_t)
HOST_STORE(host_ist32, "fistl", int32_t)
HOST_STORE(host_ist64, "fistpll", int64_t)
HOST_STORE(host_bstp, "fbstp", Bcd)

/* Loads: FLD m32/m64. */
#define HOST_LOAD(fname, insn, type)                                                               \
    static uint16_t fname(uint16_t cw, type in, X86F80 *r)                                         \
    {                                                                                              \
        HostF80 o0;                                                                                \
        uint16_t sw, save;                                                                         \
        __asm__ volatile("fnstcw %[save]\n\tfninit\n\tfldcw %[cw]\n\t" insn " %[i]\n\t"            \
                         "fnstsw %[sw]\n\tfnclex\n\tfstpt %[o0]\n\tfninit\n\tfldcw %[save]"        \
                         : [sw] "=m"(sw), [o0] "=m"(o0), [save] "=m"(save)                         \
                         : [cw] "m"(cw), [i] "m"(in)                                               \
                         : "memory", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)",   \
                           "st(7)");                                                               \
        *r = (X86F80){o0.sig, o0.se};                                                              \
        return sw;                                                                                 \
    }

HOST_LOAD(host_ld32, "flds", uint32_t)
HOST_LOAD(host_ld64, "fldl", uint64_t)
HOST_LOAD(host_bld, "fbld", Bcd)

static uint16_t host_const(uint16_t cw, unsigned index, X86F80 *r)
{
    HostF80 o0;
    uint16_t sw, save;
#define HOST_CONST(insn)                                                                           \
    __asm__ volatile("fnstcw %[save]\n\tfninit\n\tfldcw %[cw]\n\t" insn "\n\t"                     \
                     "fnstsw %[sw]\n\tfstpt %[o0]\n\tfninit\n\tfldcw %[save]"                      \
                     : [sw] "=m"(sw), [o0] "=m"(o0), [save] "=m"(save)                             \
                     : [cw] "m"(cw)                                                                \
                     : "memory", "st")
    switch (index) {
    case 0: HOST_CONST("fld1"); break;
    case 1: HOST_CONST("fldl2t"); break;
    case 2: HOST_CONST("fldl2e"); break;
    case 3: HOST_CONST("fldpi"); break;
    case 4: HOST_CONST("fldlg2"); break;
    case 5: HOST_CONST("fldln2"); break;
    default: HOST_CONST("fldz"); break;
    }
    *r = (X86F80){o0.sig, o0.se};
    return sw;
}

/* ---- operands ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

/* Significands with long runs of ones and zeros reach rounding edges. */
static uint64_t rnd_sig(void)
{
    switch (rnd() % 6) {
    case 0: return ~0ull >> (rnd() % 64);
    case 1: return 1ull << (rnd() % 64);
    case 2: return (~0ull << (rnd() % 64)) ^ (rnd() & (rnd() & 0xff));
    case 3: return rnd() & rnd();
    case 4: return rnd() | rnd();
    default: return rnd();
    }
}

static X86F80 rnd_special(void)
{
    static const X86F80 k[] = {
        {0, 0},
        {0, 0x8000},
        {1ull << 63, 0x7fff},            /* inf */
        {1ull << 63, 0xffff},            /* -inf */
        {3ull << 62, 0xffff},            /* indefinite */
        {(1ull << 63) | 1, 0x7fff},      /* SNaN */
        {(3ull << 62) | 5, 0x7fff},      /* QNaN */
        {1, 0},                          /* smallest denormal */
        {~0ull >> 1, 0x8000},            /* largest denormal */
        {1ull << 63, 0},                 /* pseudo-denormal */
        {1ull << 62, 0x3fff},            /* unnormal */
        {1ull << 62, 0x7fff},            /* pseudo-NaN */
        {0, 0x7fff},                     /* pseudo-infinity */
        {~0ull, 0x7ffe},                 /* largest normal */
        {1ull << 63, 1},                 /* smallest normal */
        {1ull << 63, 0x3fff},            /* 1 */
        {0xc000000000000000ull, 0x3fff}, /* 1.5 */
    };
    return k[rnd() % (sizeof(k) / sizeof(k[0]))];
}

static X86F80 rnd_f80(int32_t near_exp)
{
    unsigned pick = rnd() % 16;
    if (pick == 0) return rnd_special();
    uint16_t sign = (rnd() & 1) ? 0x8000 : 0;
    int32_t e;
    if (pick == 1)
        e = (int32_t)(rnd() % 0x7fff);
    else if (pick == 2)
        e = (int32_t)(rnd() % 80); /* denormal results and operands */
    else if (pick == 3)
        e = 0x7fff - 1 - (int32_t)(rnd() % 80);
    else
        e = near_exp + (int32_t)(rnd() % 140) - 70;
    if (e < 0) e = 0;
    if (e > 0x7ffe) e = 0x7ffe;
    uint64_t sig = rnd_sig();
    if (e != 0)
        sig |= 1ull << 63;
    else
        sig &= ~(1ull << 63);
    return (X86F80){sig, (uint16_t)(sign | e)};
}

/* Control word: every RC and PC, usually all exceptions masked. */
static uint16_t rnd_cw(void)
{
    uint16_t cw = 0x1040 | (uint16_t)((rnd() & 0xf) << 8);
    cw |= (rnd() % 4) ? X86_FPE_ALL : (uint16_t)(rnd() & X86_FPE_ALL);
    return cw;
}

static unsigned failures;

static void report(const char *what, uint16_t cw, X86F80 a, X86F80 b, X86F80 got, X86F80 want,
                   unsigned got_sw, unsigned want_sw)
{
    if (++failures > 20) return;
    cr_log_error("%s cw=%04x a=%04x:%016llx b=%04x:%016llx: got %04x:%016llx sw %04x, host "
                 "%04x:%016llx sw %04x",
                 what, cw, a.se, (unsigned long long)a.sig, b.se, (unsigned long long)b.sig, got.se,
                 (unsigned long long)got.sig, got_sw, want.se, (unsigned long long)want.sig,
                 want_sw);
}

static bool same(X86F80 x, X86F80 y)
{
    return x.se == y.se && x.sig == y.sig;
}

enum { SW_FLAGS = X86_FPE_ALL | X86_FPSW_C1, SW_CC = X86_FPSW_C0 | X86_FPSW_C2 | X86_FPSW_C3 };

static unsigned soft_sw(const X86FpCtx *c)
{
    return c->exc | (c->c1 ? X86_FPSW_C1 : 0);
}

typedef uint16_t HostBinary(uint16_t cw, X86F80 a, X86F80 b, X86F80 *r0, X86F80 *r1);
typedef X86F80 SoftBinary(X86FpCtx *c, X86F80 a, X86F80 b);

static void check_binary(const char *name, HostBinary *host, SoftBinary *soft, unsigned n,
                         bool unary)
{
    failures = 0;
    for (unsigned i = 0; i < n; i++) {
        X86F80 a = rnd_f80(0x3fff), b = rnd_f80(x86f80_exp(a) ? x86f80_exp(a) : 0x3fff);
        if (unary) b = (X86F80){1ull << 63, 0x3fff};
        uint16_t cw = rnd_cw();
        X86F80 want, want1, got;
        unsigned want_sw = host(cw, a, b, &want, &want1) & SW_FLAGS;
        X86FpCtx c = {cw, 0, false};
        got = soft(&c, a, b);
        if (!x86_fpe_commit(&c)) got = a;
        if (!same(got, want) || soft_sw(&c) != want_sw)
            report(name, cw, a, b, got, want, soft_sw(&c), want_sw);
    }
    cr_expect_eq(failures, 0, "%s: %u mismatches", name, failures);
}

static X86F80 soft_sqrt(X86FpCtx *c, X86F80 a, X86F80 b)
{
    (void)b;
    return x86f80_sqrt(c, a);
}

static X86F80 soft_rndint(X86FpCtx *c, X86F80 a, X86F80 b)
{
    (void)b;
    return x86f80_round_int(c, a);
}

enum { N = 150000 };

Test(x86_softfloat, add)
{
    check_binary("fadd", host_add, x86f80_add, N, false);
}

Test(x86_softfloat, sub)
{
    check_binary("fsub", host_sub, x86f80_sub, N, false);
}

Test(x86_softfloat, mul)
{
    check_binary("fmul", host_mul, x86f80_mul, N, false);
}

Test(x86_softfloat, div)
{
    check_binary("fdiv", host_div, x86f80_div, N, false);
}

Test(x86_softfloat, sqrt)
{
    check_binary("fsqrt", host_sqrt, soft_sqrt, N, true);
}

Test(x86_softfloat, frndint)
{
    check_binary("frndint", host_rndint, soft_rndint, N, true);
}

Test(x86_softfloat, fscale)
{
    failures = 0;
    for (unsigned i = 0; i < N; i++) {
        X86F80 a = rnd_f80(0x3fff);
        X86F80 b =
            (rnd() & 1) ? rnd_f80(0x3fff + 10) : x86f80_from_int((int64_t)(rnd() % 70000) - 35000);
        uint16_t cw = rnd_cw();
        X86F80 want, want1;
        unsigned want_sw = host_scale(cw, a, b, &want, &want1) & SW_FLAGS;
        X86FpCtx c = {cw, 0, false};
        X86F80 got = x86f80_scale(&c, a, b);
        if (!x86_fpe_commit(&c)) got = a;
        if (!same(got, want) || soft_sw(&c) != want_sw)
            report("fscale", cw, a, b, got, want, soft_sw(&c), want_sw);
    }
    cr_expect_eq(failures, 0);
}

Test(x86_softfloat, fxtract)
{
    failures = 0;
    for (unsigned i = 0; i < N; i++) {
        X86F80 a = rnd_f80(0x3fff), b = {1ull << 63, 0x3fff};
        uint16_t cw = rnd_cw();
        X86F80 want0, want1, exp;
        unsigned want_sw = host_xtract(cw, a, b, &want0, &want1) & SW_FLAGS;
        X86FpCtx c = {cw, 0, false};
        X86F80 sig = x86f80_extract(&c, a, &exp);
        if (!x86_fpe_commit(&c)) {
            sig = a; /* nothing pushed: ST(1) is b */
            exp = b;
        }
        if (!same(sig, want0) || !same(exp, want1) || soft_sw(&c) != want_sw)
            report("fxtract", cw, a, exp, sig, want0, soft_sw(&c), want_sw);
    }
    cr_expect_eq(failures, 0);
}

static void check_prem(const char *name, HostBinary *host, bool ieee)
{
    failures = 0;
    for (unsigned i = 0; i < N; i++) {
        X86F80 a = rnd_f80(0x3fff), b = rnd_f80(x86f80_exp(a) - (int32_t)(rnd() % 100));
        uint16_t cw = rnd_cw();
        X86F80 want, want1;
        unsigned want_sw = host(cw, a, b, &want, &want1) & (SW_FLAGS | SW_CC);
        X86FpCtx c = {cw, 0, false};
        uint16_t cc;
        X86F80 got = x86f80_rem(&c, a, b, ieee, &cc);
        unsigned sw = (c.exc & X86_FPE_ALL) | cc;
        if (!x86_fpe_commit(&c)) {
            got = a;
            sw = c.exc;
        }
        if (!same(got, want) || sw != want_sw) report(name, cw, a, b, got, want, sw, want_sw);
    }
    cr_expect_eq(failures, 0, "%s: %u mismatches", name, failures);
}

Test(x86_softfloat, fprem)
{
    check_prem("fprem", host_prem, false);
}

Test(x86_softfloat, fprem1)
{
    check_prem("fprem1", host_prem1, true);
}

Test(x86_softfloat, compare)
{
    failures = 0;
    for (unsigned i = 0; i < N; i++) {
        X86F80 a = rnd_f80(0x3fff), b = (rnd() % 4) ? rnd_f80(x86f80_exp(a)) : a;
        uint16_t cw = rnd_cw();
        bool quiet = rnd() & 1;
        X86F80 r0, r1;
        unsigned want_sw = (quiet ? host_ucom : host_com)(cw, a, b, &r0, &r1) & (SW_FLAGS | SW_CC);
        X86FpCtx c = {cw, 0, false};
        unsigned sw = x86f80_compare(&c, a, b, quiet) | c.exc;
        if (sw != want_sw) report(quiet ? "fucom" : "fcom", cw, a, b, a, a, sw, want_sw);
    }
    cr_expect_eq(failures, 0);
}

Test(x86_softfloat, classify)
{
    static const unsigned cc[7] = {0,
                                   X86_FPSW_C0,
                                   X86_FPSW_C2,
                                   X86_FPSW_C2 | X86_FPSW_C0,
                                   X86_FPSW_C3,
                                   X86_FPSW_C3 | X86_FPSW_C0,
                                   X86_FPSW_C3 | X86_FPSW_C2};
    failures = 0;
    for (unsigned i = 0; i < 20000; i++) {
        X86F80 a = rnd_f80(0x3fff), r0, r1;
        unsigned want = host_xam(0x37f, a, a, &r0, &r1) & (SW_CC | X86_FPSW_C1);
        unsigned got = cc[x86f80_classify(a)] | (x86f80_sign(a) ? X86_FPSW_C1 : 0);
        if (got != want) report("fxam", 0x37f, a, a, a, a, got, want);
    }
    cr_expect_eq(failures, 0);
}

Test(x86_softfloat, store_float)
{
    failures = 0;
    for (unsigned i = 0; i < N; i++) {
        bool dbl = rnd() & 1;
        X86F80 a = rnd_f80(0x3fff + (int32_t)(rnd() % 2400) - 1200);
        uint16_t cw = rnd_cw();
        X86FpCtx c = {cw, 0, false};
        bool store;
        uint64_t want = 0x5555555555555555ull, got;
        unsigned want_sw;
        if (dbl) {
            want_sw = host_st64(cw, a, &want);
            got = x86f80_to_f64(&c, a, &store);
        } else {
            uint32_t w = 0x55555555;
            want_sw = host_st32(cw, a, &w);
            want = w;
            got = x86f80_to_f32(&c, a, &store);
        }
        want_sw &= SW_FLAGS;
        if (!x86_fpe_commit(&c) || !store) got = dbl ? 0x5555555555555555ull : 0x55555555;
        if (got != want || soft_sw(&c) != want_sw)
            report(dbl ? "fst m64" : "fst m32", cw, a, a, (X86F80){got, 0}, (X86F80){want, 0},
                   soft_sw(&c), want_sw);
    }
    cr_expect_eq(failures, 0);
}

Test(x86_softfloat, load_float)
{
    failures = 0;
    for (unsigned i = 0; i < N; i++) {
        uint16_t cw = rnd_cw();
        X86FpCtx c = {cw, 0, false};
        X86F80 want, got;
        unsigned want_sw;
        uint64_t v = rnd();
        if (rnd() & 1) {
            v &= (rnd() & 1) ? 0x800fffffffffffffull : ~0ull; /* denormals often */
            want_sw = host_ld64(cw, v, &want);
            got = x86f80_from_f64(&c, v);
        } else {
            uint32_t w = (uint32_t)v & ((rnd() & 1) ? 0x807fffff : ~0u);
            if (rnd() % 4 == 0) w |= 0x7f800000;
            want_sw = host_ld32(cw, w, &want);
            got = x86f80_from_f32(&c, w);
            v = w;
        }
        want_sw &= SW_FLAGS;
        if (!x86_fpe_commit(&c)) got = want; /* the host stored an empty register: not comparable */
        if (!same(got, want) || soft_sw(&c) != want_sw)
            report("fld m32/m64", cw, (X86F80){v, 0}, got, got, want, soft_sw(&c), want_sw);
    }
    cr_expect_eq(failures, 0);
}

Test(x86_softfloat, store_int)
{
    failures = 0;
    for (unsigned i = 0; i < N; i++) {
        unsigned bits = 16u << (rnd() % 3);
        X86F80 a = rnd_f80(0x3fff + (int32_t)(rnd() % (bits + 4)));
        uint16_t cw = rnd_cw();
        X86FpCtx c = {cw, 0, false};
        int64_t want = 0x1234, got = x86f80_to_int(&c, a, bits, false);
        unsigned want_sw;
        if (bits == 16) {
            int16_t w = 0x1234;
            want_sw = host_ist16(cw, a, &w);
            want = w;
        } else if (bits == 32) {
            int32_t w = 0x1234;
            want_sw = host_ist32(cw, a, &w);
            want = w;
        } else {
            want_sw = host_ist64(cw, a, &want);
        }
        want_sw &= SW_FLAGS;
        if (!x86_fpe_commit(&c)) got = 0x1234;
        if (got != want || soft_sw(&c) != want_sw)
            report("fist", cw, a, a, (X86F80){(uint64_t)got, 0}, (X86F80){(uint64_t)want, 0},
                   soft_sw(&c), want_sw);
    }
    cr_expect_eq(failures, 0);
}

Test(x86_softfloat, bcd)
{
    failures = 0;
    for (unsigned i = 0; i < 50000; i++) {
        X86F80 a = rnd_f80(0x3fff + (int32_t)(rnd() % 64));
        uint16_t cw = rnd_cw();
        X86FpCtx c = {cw, 0, false};
        Bcd want, got;
        memset(&want, 0x33, sizeof(want));
        unsigned want_sw = host_bstp(cw, a, &want) & SW_FLAGS;
        x86f80_to_bcd(&c, a, got.b);
        if (!x86_fpe_commit(&c)) memset(&got, 0x33, sizeof(got));
        if (memcmp(&got, &want, 10) || soft_sw(&c) != want_sw) {
            uint64_t g, w;
            memcpy(&g, got.b, 8);
            memcpy(&w, want.b, 8);
            report("fbstp", cw, a, a, (X86F80){g, got.b[8]}, (X86F80){w, want.b[8]}, soft_sw(&c),
                   want_sw);
        }
        /* FBLD of valid BCD is exact. */
        if (!memcmp(&got, &want, 10) && got.b[8] != 0xff) {
            X86F80 back;
            host_bld(0x37f, want, &back);
            X86F80 soft = x86f80_from_bcd(want.b);
            if (!same(soft, back)) report("fbld", 0x37f, a, a, soft, back, 0, 0);
        }
    }
    cr_expect_eq(failures, 0);
}

Test(x86_softfloat, constants)
{
    failures = 0;
    for (unsigned rc = 0; rc < 4; rc++) {
        for (unsigned k = 0; k < 7; k++) {
            uint16_t cw = (uint16_t)(0x037f | rc << 10);
            X86F80 want;
            host_const(cw, k, &want);
            X86F80 got = x86f80_constant(k, rc);
            if (!same(got, want)) report("fldconst", cw, got, got, got, want, k, rc);
        }
    }
    cr_expect_eq(failures, 0);
}

#endif
