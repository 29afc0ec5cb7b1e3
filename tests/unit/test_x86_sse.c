/*
 * x86 MMX/SSE/SSE2 helpers on a zeroed X86CPU: floating point against
 * the host's own packed instructions (every operation and MXCSR mode,
 * random operands with NaNs, denormals, infinities; results and flags),
 * the exception rules of SDM Vol 1 §11.5.2, COMISS flags, and the
 * integer lane helpers against the host's SSE2 integer instructions.
 */
#include <criterion/criterion.h>
#include <emmintrin.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "frontends/x86/x86_internal.h"
#include "frontends/x86/x86_sse.h"

static X86CPU *new_cpu(void)
{
    X86CPU *cpu = calloc(1, sizeof *cpu);
    cr_assert_not_null(cpu);
    x86_sse_reset(cpu);
    return cpu;
}

/* Run stmt; the vector it raised, or -1. */
#define RAISED(cpu, stmt)                                                                          \
    ({                                                                                             \
        volatile int vec_ = -1;                                                                    \
        (cpu)->common.exception_index = -1;                                                        \
        if (setjmp((cpu)->common.jmp_env) == 0) {                                                  \
            stmt;                                                                                  \
        } else {                                                                                   \
            vec_ = (cpu)->pending_vector;                                                          \
        }                                                                                          \
        vec_;                                                                                      \
    })

/* ---- host reference: one packed or scalar instruction ---- */

typedef void HostOp(uint32_t *csr, X86Xmm *x, const X86Xmm *y);

#define HOST(fn, insn)                                                                             \
    static void fn(uint32_t *csr, X86Xmm *x, const X86Xmm *y)                                      \
    {                                                                                              \
        uint32_t saved;                                                                            \
        __asm__ volatile("stmxcsr %[s]\n\tmovups %[x], %%xmm0\n\tmovups %[y], %%xmm1\n\t"          \
                         "ldmxcsr %[c]\n\t" insn " %%xmm1, %%xmm0\n\tstmxcsr %[c]\n\t"             \
                         "ldmxcsr %[s]\n\tmovups %%xmm0, %[x]"                                     \
                         : [x] "+m"(*x), [c] "+m"(*csr), [s] "=m"(saved)                           \
                         : [y] "m"(*y)                                                             \
                         : "xmm0", "xmm1");                                                        \
    }
#define HOST4(name)                                                                                \
    HOST(host_##name##ps, #name "ps")                                                              \
    HOST(host_##name##ss, #name "ss")                                                              \
    HOST(host_##name##pd, #name "pd")                                                              \
    HOST(host_##name##sd, #name "sd")
HOST4(add)
HOST4(sub)
HOST4(mul)
HOST4(div)
HOST4(min)
HOST4(max)
HOST4(sqrt)
HOST(host_rcpps, "rcpps")
HOST(host_rcpss, "rcpss")
HOST(host_rsqrtps, "rsqrtps")
HOST(host_rsqrtss, "rsqrtss")
#define HOSTCMP(n)                                                                                 \
    HOST(host_cmpps##n, "cmpps $" #n ",")                                                          \
    HOST(host_cmpss##n, "cmpss $" #n ",")                                                          \
    HOST(host_cmppd##n, "cmppd $" #n ",")                                                          \
    HOST(host_cmpsd##n, "cmpsd $" #n ",")
HOSTCMP(0)
HOSTCMP(1)
HOSTCMP(2)
HOSTCMP(3)
HOSTCMP(4)
HOSTCMP(5)
HOSTCMP(6)
HOSTCMP(7)
HOST(host_cvtdq2ps, "cvtdq2ps")
HOST(host_cvtps2dq, "cvtps2dq")
HOST(host_cvttps2dq, "cvttps2dq")
HOST(host_cvtdq2pd, "cvtdq2pd")
HOST(host_cvtpd2dq, "cvtpd2dq")
HOST(host_cvttpd2dq, "cvttpd2dq")
HOST(host_cvtpd2ps, "cvtpd2ps")
HOST(host_cvtps2pd, "cvtps2pd")
HOST(host_cvtsd2ss, "cvtsd2ss")
HOST(host_cvtss2sd, "cvtss2sd")

typedef struct FpCase {
    const char *name;
    HostOp *host;
    uint32_t ctl; /* X86FpOp | flags | imm << 24 */
} FpCase;

#define PS X86_FP_PACKED
#define PD (X86_FP_PACKED | X86_FP_DOUBLE)
#define SD X86_FP_DOUBLE
#define CASE4(name, op)                                                                            \
    {#name "ps", host_##name##ps, (op) | PS}, {#name "ss", host_##name##ss, (op)},                 \
        {#name "pd", host_##name##pd, (op) | PD},                                                  \
    {                                                                                              \
#name "sd", host_##name##sd, (op) | SD                                                     \
    }
#define CMP4(n)                                                                                    \
    {"cmpps" #n, host_cmpps##n, X86_FP_CMP | PS | (n) << 24},                                      \
        {"cmpss" #n, host_cmpss##n, X86_FP_CMP | (n) << 24},                                       \
        {"cmppd" #n, host_cmppd##n, X86_FP_CMP | PD | (n) << 24},                                  \
    {                                                                                              \
        "cmpsd" #n, host_cmpsd##n, X86_FP_CMP | SD | (n) << 24                                     \
    }

static const FpCase fp_cases[] = {
    CASE4(add, X86_FP_ADD),
    CASE4(sub, X86_FP_SUB),
    CASE4(mul, X86_FP_MUL),
    CASE4(div, X86_FP_DIV),
    CASE4(min, X86_FP_MIN),
    CASE4(max, X86_FP_MAX),
    CASE4(sqrt, X86_FP_SQRT),
    {"rcpps", host_rcpps, X86_FP_RCP | PS},
    {"rcpss", host_rcpss, X86_FP_RCP},
    {"rsqrtps", host_rsqrtps, X86_FP_RSQRT | PS},
    {"rsqrtss", host_rsqrtss, X86_FP_RSQRT},
    CMP4(0),
    CMP4(1),
    CMP4(2),
    CMP4(3),
    CMP4(4),
    CMP4(5),
    CMP4(6),
    CMP4(7),
    {"cvtdq2ps", host_cvtdq2ps, X86_FP_CVTDQ2PS},
    {"cvtps2dq", host_cvtps2dq, X86_FP_CVTPS2DQ},
    {"cvttps2dq", host_cvttps2dq, X86_FP_CVTTPS2DQ},
    {"cvtdq2pd", host_cvtdq2pd, X86_FP_CVTDQ2PD},
    {"cvtpd2dq", host_cvtpd2dq, X86_FP_CVTPD2DQ},
    {"cvttpd2dq", host_cvttpd2dq, X86_FP_CVTTPD2DQ},
    {"cvtpd2ps", host_cvtpd2ps, X86_FP_CVTPD2PS},
    {"cvtps2pd", host_cvtps2pd, X86_FP_CVTPS2PD},
    {"cvtsd2ss", host_cvtsd2ss, X86_FP_CVTSD2SS},
    {"cvtss2sd", host_cvtss2sd, X86_FP_CVTSS2SD},
};

/* Interesting lanes: zeros, denormals, infinities, QNaN/SNaN with
 * payloads, extremes, ordinary values. */
static const uint32_t special32[] = {
    0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x00400000, 0x7f800000, 0xff800000,
    0x7fc00000, 0xffc12345, 0x7f800001, 0xffa00000, 0x7f7fffff, 0x00800000, 0x3f800000,
    0xbf800000, 0x4f000000, 0xcf000000, 0x3fffffff, 0x4effffff, 0x00000003,
};
static const uint64_t special64[] = {
    0,
    0x8000000000000000ull,
    1,
    0x800fffffffffffffull,
    0x7ff0000000000000ull,
    0xfff0000000000000ull,
    0x7ff8000000000000ull,
    0xfff8000000000123ull,
    0x7ff0000000000001ull,
    0x7fefffffffffffffull,
    0x0010000000000000ull,
    0x3ff0000000000000ull,
    0xc1e0000000000000ull,
    0x41dfffffffc00000ull,
    0x36a0000000000000ull,
    0x47efffffe0000000ull,
    0x3810000000000000ull,
};

static uint64_t rnd64(void)
{
    return (uint64_t)rand() << 40 ^ (uint64_t)rand() << 20 ^ (uint64_t)rand();
}

/* A random vector: lanes of random bits, specials, or values near 1. */
static void random_vector(X86Xmm *v)
{
    for (unsigned i = 0; i < 4; i++) {
        switch (rand() % 4) {
        case 0: v->l[i] = (uint32_t)rnd64(); break;
        case 1: v->l[i] = special32[rand() % (sizeof special32 / 4)]; break;
        case 2: v->l[i] = 0x3f000000u + (uint32_t)(rand() & 0x00ffffff); break;
        default: v->l[i] = (uint32_t)rand() & 0x80ffffff; break; /* small, often denormal */
        }
    }
    for (unsigned i = 0; i < 2; i++) {
        if (rand() % 3 == 0)
            v->q[i] = special64[rand() % (sizeof special64 / 8)];
        else if (rand() % 3 == 0)
            v->q[i] = 0x3fe0000000000000ull + (rnd64() & 0x001fffffffffffffull);
    }
}

Test(x86_sse, fp_matches_host_every_mode)
{
    X86CPU *cpu = new_cpu();
    srand(1234);
    static const uint32_t modes[] = {0, X86_MXCSR_DAZ, X86_MXCSR_FZ, X86_MXCSR_FZ | X86_MXCSR_DAZ};
    for (unsigned c = 0; c < sizeof fp_cases / sizeof fp_cases[0]; c++) {
        const FpCase *fc = &fp_cases[c];
        for (unsigned rc = 0; rc < 4; rc++) {
            for (unsigned m = 0; m < 4; m++) {
                uint32_t mxcsr = X86_MXCSR_MASKS | rc << X86_MXCSR_RC_SHIFT | modes[m];
                for (unsigned iter = 0; iter < 200; iter++) {
                    X86Xmm a, b;
                    random_vector(&a);
                    random_vector(&b);
                    X86Xmm want = a;
                    uint32_t csr = mxcsr;
                    fc->host(&csr, &want, &b);
                    cpu->xmm[3] = a;
                    cpu->mxcsr = mxcsr;
                    x86_sse_fp(cpu, fc->ctl | 3u << X86_FP_DST_SHIFT, b.q[0], b.q[1]);
                    cr_assert(cpu->xmm[3].q[0] == want.q[0] && cpu->xmm[3].q[1] == want.q[1],
                              "%s mxcsr %04x: a %016llx%016llx b %016llx%016llx: got "
                              "%016llx%016llx want %016llx%016llx",
                              fc->name, mxcsr, (unsigned long long)a.q[1],
                              (unsigned long long)a.q[0], (unsigned long long)b.q[1],
                              (unsigned long long)b.q[0], (unsigned long long)cpu->xmm[3].q[1],
                              (unsigned long long)cpu->xmm[3].q[0], (unsigned long long)want.q[1],
                              (unsigned long long)want.q[0]);
                    cr_assert_eq(cpu->mxcsr, csr, "%s mxcsr %04x: flags %04x want %04x", fc->name,
                                 mxcsr, cpu->mxcsr, csr);
                }
            }
        }
    }
    free(cpu);
}

/* Flags are sticky: a second operation ORs into them. */
Test(x86_sse, flags_are_sticky)
{
    X86CPU *cpu = new_cpu();
    cpu->xmm[0].l[0] = 0x3f800000; /* 1.0 / 0.0 */
    x86_sse_fp(cpu, X86_FP_DIV, 0, 0);
    cr_assert_eq(cpu->xmm[0].l[0], 0x7f800000);
    cr_assert_eq(cpu->mxcsr, X86_MXCSR_DEFAULT | X86_MXCSR_ZE);
    cpu->xmm[0].l[0] = 0x3f800000; /* 1.0 / 3.0: inexact */
    x86_sse_fp(cpu, X86_FP_DIV, 0x40400000, 0);
    cr_assert_eq(cpu->mxcsr, X86_MXCSR_DEFAULT | X86_MXCSR_ZE | X86_MXCSR_PE);
    free(cpu);
}

/* An unmasked pre-computation exception in one lane: #XM, destination
 * unchanged, only pre-computation flags (of all lanes) set; without
 * CR4.OSXMMEXCPT it is #UD (SDM Vol 1 §11.5.2, Vol 3 §6.15). */
Test(x86_sse, unmasked_precomputation)
{
    X86CPU *cpu = new_cpu();
    cpu->cr[4] = X86_CR4_OSXMMEXCPT;
    cpu->mxcsr = X86_MXCSR_DEFAULT & ~(X86_MXCSR_ZE << X86_MXCSR_MASK_SHIFT);
    X86Xmm a = {.l = {0x3f800000, 0x7f7fffff, 0x3f800000, 0x3f800000}};
    X86Xmm b = {.l = {0x00000000, 0x3e800000, 0x40400000, 0x3f800000}}; /* /0, overflow, inexact */
    cpu->xmm[1] = a;
    int v = RAISED(
        cpu, x86_sse_fp(cpu, X86_FP_DIV | X86_FP_PACKED | 1u << X86_FP_DST_SHIFT, b.q[0], b.q[1]));
    cr_assert_eq(v, X86_EXCP_XM);
    cr_assert(memcmp(&cpu->xmm[1], &a, sizeof a) == 0, "destination changed");
    cr_assert_eq(cpu->mxcsr & X86_MXCSR_FLAGS, X86_MXCSR_ZE);

    cpu->cr[4] = 0;
    cpu->mxcsr &= ~(uint32_t)X86_MXCSR_FLAGS;
    v = RAISED(
        cpu, x86_sse_fp(cpu, X86_FP_DIV | X86_FP_PACKED | 1u << X86_FP_DST_SHIFT, b.q[0], b.q[1]));
    cr_assert_eq(v, X86_EXCP_UD);
    free(cpu);
}

/* Only post-computation exceptions unmasked: every flag is set, the
 * destination is unchanged. */
Test(x86_sse, unmasked_postcomputation)
{
    X86CPU *cpu = new_cpu();
    cpu->cr[4] = X86_CR4_OSXMMEXCPT;
    cpu->mxcsr = X86_MXCSR_DEFAULT & ~(X86_MXCSR_PE << X86_MXCSR_MASK_SHIFT);
    X86Xmm a = {.l = {0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000}};
    X86Xmm b = {.l = {0x3f800000, 0x00000000, 0x40400000, 0x3f800000}};
    cpu->xmm[2] = a;
    int v = RAISED(
        cpu, x86_sse_fp(cpu, X86_FP_DIV | X86_FP_PACKED | 2u << X86_FP_DST_SHIFT, b.q[0], b.q[1]));
    cr_assert_eq(v, X86_EXCP_XM);
    cr_assert(memcmp(&cpu->xmm[2], &a, sizeof a) == 0);
    cr_assert_eq(cpu->mxcsr & X86_MXCSR_FLAGS, X86_MXCSR_ZE | X86_MXCSR_PE);

    /* Exact denormal result: no underflow while masked, #XM unmasked. */
    cpu->mxcsr = X86_MXCSR_DEFAULT;
    cpu->xmm[2].l[0] = 0x00800000; /* min normal * 0.5 = exact denormal */
    x86_sse_fp(cpu, X86_FP_MUL | 2u << X86_FP_DST_SHIFT, 0x3f000000, 0);
    cr_assert_eq(cpu->xmm[2].l[0], 0x00400000);
    cr_assert_eq(cpu->mxcsr, X86_MXCSR_DEFAULT);
    cpu->xmm[2].l[0] = 0x00800000;
    cpu->mxcsr = X86_MXCSR_DEFAULT & ~(X86_MXCSR_UE << X86_MXCSR_MASK_SHIFT);
    v = RAISED(cpu, x86_sse_fp(cpu, X86_FP_MUL | 2u << X86_FP_DST_SHIFT, 0x3f000000, 0));
    cr_assert_eq(v, X86_EXCP_XM);
    cr_assert_eq(cpu->xmm[2].l[0], 0x00800000);
    cr_assert_eq(cpu->mxcsr & X86_MXCSR_FLAGS, X86_MXCSR_UE);
    free(cpu);
}

/* COMISS/UCOMISS (SDM Vol 2 COMISS): ZF PF CF; QNaN is invalid only for
 * COMISS. */
Test(x86_sse, comiss_flags)
{
    X86CPU *cpu = new_cpu();
    static const struct {
        uint32_t a, b, flags;
    } t[] = {
        {0x3f800000, 0x40000000, X86_CF},
        {0x40000000, 0x3f800000, 0},
        {0x80000000, 0x00000000, X86_ZF},
        {0x7fc00000, 0x3f800000, X86_ZF | X86_PF | X86_CF},
    };
    for (unsigned i = 0; i < 4; i++) {
        for (unsigned q = 0; q < 2; q++) {
            cpu->mxcsr = X86_MXCSR_DEFAULT;
            cpu->xmm[0].l[0] = t[i].a;
            uint64_t f = x86_sse_fp(cpu, q ? X86_FP_UCOMI : X86_FP_COMI, t[i].b, 0);
            cr_assert_eq(f, t[i].flags, "case %u", i);
            bool nan = i == 3;
            cr_assert_eq(cpu->mxcsr & X86_MXCSR_IE, nan && !q ? X86_MXCSR_IE : 0u, "case %u", i);
        }
    }
    /* SNaN: invalid for both. */
    cpu->mxcsr = X86_MXCSR_DEFAULT;
    cpu->xmm[0].q[0] = 0x7ff0000000000001ull;
    x86_sse_fp(cpu, X86_FP_UCOMI | X86_FP_DOUBLE, 0, 0);
    cr_assert_eq(cpu->mxcsr & X86_MXCSR_IE, X86_MXCSR_IE);
    free(cpu);
}

/* Conversions to general and MMX registers return the value: the
 * integer indefinite 0x80000000 for NaN and out of range. */
Test(x86_sse, cvt_to_integer)
{
    X86CPU *cpu = new_cpu();
    cr_assert_eq(x86_sse_fp(cpu, X86_FP_CVTSS2SI, 0x40200000, 0), 2);            /* 2.5 to even */
    cr_assert_eq(x86_sse_fp(cpu, X86_FP_CVTTSS2SI, 0xc0700000, 0), 0xfffffffdu); /* -3.75 */
    cr_assert_eq(x86_sse_fp(cpu, X86_FP_CVTSD2SI, 0x41e0000000000000ull, 0), 0x80000000u);
    cr_assert_eq(cpu->mxcsr & X86_MXCSR_IE, X86_MXCSR_IE);
    cpu->mxcsr = X86_MXCSR_DEFAULT | 3 << X86_MXCSR_RC_SHIFT; /* toward zero */
    cr_assert_eq(x86_sse_fp(cpu, X86_FP_CVTPS2PI, 0xbfc000003fc00000ull, 0), 0xffffffff00000001ull);
    cr_assert_eq(x86_sse_fp(cpu, X86_FP_CVTTPD2PI, 0x4000000000000000ull, 0x7ff8000000000000ull),
                 0x8000000000000002ull);
    /* CVTSI2SS keeps the other lanes. */
    cpu->xmm[0].q[1] = 0x1122334455667788ull;
    cpu->xmm[0].l[1] = 0xaabbccdd;
    x86_sse_fp(cpu, X86_FP_CVTSI2SS, 0xffffffffu, 0);
    cr_assert_eq(cpu->xmm[0].l[0], 0xbf800000);
    cr_assert_eq(cpu->xmm[0].l[1], 0xaabbccdd);
    cr_assert_eq(cpu->xmm[0].q[1], 0x1122334455667788ull);
    free(cpu);
}

/* ---- integer lanes against the host's SSE2 ---- */

typedef uint64_t LaneFn(uint64_t, uint64_t);
typedef __m128i HostInt(__m128i, __m128i);

#define WRAP(fn, expr)                                                                             \
    static __m128i fn(__m128i a, __m128i b)                                                        \
    {                                                                                              \
        return expr;                                                                               \
    }
WRAP(h_paddb, _mm_add_epi8(a, b))
WRAP(h_paddw, _mm_add_epi16(a, b))
WRAP(h_paddd, _mm_add_epi32(a, b))
WRAP(h_psubb, _mm_sub_epi8(a, b))
WRAP(h_psubw, _mm_sub_epi16(a, b))
WRAP(h_psubd, _mm_sub_epi32(a, b))
WRAP(h_paddsb, _mm_adds_epi8(a, b))
WRAP(h_paddsw, _mm_adds_epi16(a, b))
WRAP(h_paddusb, _mm_adds_epu8(a, b))
WRAP(h_paddusw, _mm_adds_epu16(a, b))
WRAP(h_psubsb, _mm_subs_epi8(a, b))
WRAP(h_psubsw, _mm_subs_epi16(a, b))
WRAP(h_psubusb, _mm_subs_epu8(a, b))
WRAP(h_psubusw, _mm_subs_epu16(a, b))
WRAP(h_pmullw, _mm_mullo_epi16(a, b))
WRAP(h_pmulhw, _mm_mulhi_epi16(a, b))
WRAP(h_pmulhuw, _mm_mulhi_epu16(a, b))
WRAP(h_pmaddwd, _mm_madd_epi16(a, b))
WRAP(h_pmuludq, _mm_mul_epu32(a, b))
WRAP(h_pcmpeqb, _mm_cmpeq_epi8(a, b))
WRAP(h_pcmpeqw, _mm_cmpeq_epi16(a, b))
WRAP(h_pcmpeqd, _mm_cmpeq_epi32(a, b))
WRAP(h_pcmpgtb, _mm_cmpgt_epi8(a, b))
WRAP(h_pcmpgtw, _mm_cmpgt_epi16(a, b))
WRAP(h_pcmpgtd, _mm_cmpgt_epi32(a, b))
WRAP(h_pavgb, _mm_avg_epu8(a, b))
WRAP(h_pavgw, _mm_avg_epu16(a, b))
WRAP(h_pmaxsw, _mm_max_epi16(a, b))
WRAP(h_pmaxub, _mm_max_epu8(a, b))
WRAP(h_pminsw, _mm_min_epi16(a, b))
WRAP(h_pminub, _mm_min_epu8(a, b))
WRAP(h_psadbw, _mm_sad_epu8(a, b))

static const struct {
    const char *name;
    LaneFn *lane;
    HostInt *host;
} int_cases[] = {
#define IC(n)                                                                                      \
    {                                                                                              \
#n, x86_sse_##n, h_##n                                                                     \
    }
    IC(paddb),   IC(paddw),   IC(paddd),   IC(psubb),   IC(psubw),   IC(psubd),   IC(paddsb),
    IC(paddsw),  IC(paddusb), IC(paddusw), IC(psubsb),  IC(psubsw),  IC(psubusb), IC(psubusw),
    IC(pmullw),  IC(pmulhw),  IC(pmulhuw), IC(pmaddwd), IC(pmuludq), IC(pcmpeqb), IC(pcmpeqw),
    IC(pcmpeqd), IC(pcmpgtb), IC(pcmpgtw), IC(pcmpgtd), IC(pavgb),   IC(pavgw),   IC(pmaxsw),
    IC(pmaxub),  IC(pminsw),  IC(pminub),  IC(psadbw),
#undef IC
};

/* Operands biased to the edges: 0x00, 0x7f, 0x80, 0xff bytes. */
static uint64_t edge64(void)
{
    static const uint8_t edges[] = {0x00, 0x01, 0x7f, 0x80, 0x81, 0xfe, 0xff};
    uint64_t v = rnd64();
    for (unsigned i = 0; i < 8; i++)
        if (rand() % 2) v = (v & ~(0xffull << (8 * i))) | (uint64_t)edges[rand() % 7] << (8 * i);
    return v;
}

Test(x86_sse, int_lanes_match_host)
{
    srand(99);
    for (unsigned c = 0; c < sizeof int_cases / sizeof int_cases[0]; c++) {
        for (unsigned iter = 0; iter < 2000; iter++) {
            uint64_t a[2] = {edge64(), edge64()}, b[2] = {edge64(), edge64()}, want[2];
            __m128i r = int_cases[c].host(_mm_loadu_si128((const __m128i *)a),
                                          _mm_loadu_si128((const __m128i *)b));
            _mm_storeu_si128((__m128i *)want, r);
            for (unsigned h = 0; h < 2; h++)
                cr_assert_eq(int_cases[c].lane(a[h], b[h]), want[h], "%s %016llx %016llx",
                             int_cases[c].name, (unsigned long long)a[h], (unsigned long long)b[h]);
        }
    }
}

Test(x86_sse, shifts_packs_unpacks_match_host)
{
    srand(7);
    for (unsigned iter = 0; iter < 2000; iter++) {
        uint64_t a[2] = {edge64(), edge64()}, b[2] = {edge64(), edge64()}, w[2];
        __m128i va = _mm_loadu_si128((const __m128i *)a), vb = _mm_loadu_si128((const __m128i *)b);
        uint64_t count = rand() % 3 ? (uint64_t)(rand() % 70) : rnd64();
        __m128i vc = _mm_set_epi64x(0, (long long)count);
#define SHIFT_CHECK(fn, host)                                                                      \
    _mm_storeu_si128((__m128i *)w, host(va, vc));                                                  \
    cr_assert_eq(x86_sse_##fn(a[0], count), w[0], #fn " count %llu", (unsigned long long)count);   \
    cr_assert_eq(x86_sse_##fn(a[1], count), w[1], #fn " count %llu", (unsigned long long)count)
        SHIFT_CHECK(psllw, _mm_sll_epi16);
        SHIFT_CHECK(pslld, _mm_sll_epi32);
        SHIFT_CHECK(psllq, _mm_sll_epi64);
        SHIFT_CHECK(psrlw, _mm_srl_epi16);
        SHIFT_CHECK(psrld, _mm_srl_epi32);
        SHIFT_CHECK(psrlq, _mm_srl_epi64);
        SHIFT_CHECK(psraw, _mm_sra_epi16);
        SHIFT_CHECK(psrad, _mm_sra_epi32);
#undef SHIFT_CHECK
        /* XMM packs: low half from a's halves, high from b's. */
#define PACK_CHECK(fn, host)                                                                       \
    _mm_storeu_si128((__m128i *)w, host(va, vb));                                                  \
    cr_assert_eq(x86_sse_##fn(a[0], a[1]), w[0], #fn);                                             \
    cr_assert_eq(x86_sse_##fn(b[0], b[1]), w[1], #fn)
        PACK_CHECK(packsswb, _mm_packs_epi16);
        PACK_CHECK(packssdw, _mm_packs_epi32);
        PACK_CHECK(packuswb, _mm_packus_epi16);
#undef PACK_CHECK
        /* XMM low unpacks: both halves come from the low halves. */
#define UNPK_CHECK(lo, hi, host_lo, host_hi)                                                       \
    _mm_storeu_si128((__m128i *)w, host_lo(va, vb));                                               \
    cr_assert_eq(x86_sse_##lo(a[0], b[0]), w[0], #lo);                                             \
    cr_assert_eq(x86_sse_##hi(a[0], b[0]), w[1], #lo);                                             \
    _mm_storeu_si128((__m128i *)w, host_hi(va, vb));                                               \
    cr_assert_eq(x86_sse_##lo(a[1], b[1]), w[0], #hi);                                             \
    cr_assert_eq(x86_sse_##hi(a[1], b[1]), w[1], #hi)
        UNPK_CHECK(punpcklbw, punpckhbw, _mm_unpacklo_epi8, _mm_unpackhi_epi8);
        UNPK_CHECK(punpcklwd, punpckhwd, _mm_unpacklo_epi16, _mm_unpackhi_epi16);
        UNPK_CHECK(punpckldq, punpckhdq, _mm_unpacklo_epi32, _mm_unpackhi_epi32);
#undef UNPK_CHECK
        /* PMOVMSKB, MOVMSKPS, MOVMSKPD. */
        cr_assert_eq(x86_sse_movmsk(a[0], 0) | x86_sse_movmsk(a[1], 0) << 8,
                     (uint64_t)_mm_movemask_epi8(va));
        cr_assert_eq(x86_sse_movmsk(a[0], 1) | x86_sse_movmsk(a[1], 1) << 2,
                     (uint64_t)_mm_movemask_ps(_mm_castsi128_ps(va)));
        cr_assert_eq(x86_sse_movmsk(a[0], 2) | x86_sse_movmsk(a[1], 2) << 1,
                     (uint64_t)_mm_movemask_pd(_mm_castsi128_pd(va)));
    }
}

Test(x86_sse, saturation_edges)
{
    cr_assert_eq(x86_sse_paddsb(0x7f80, 0x01ff), 0x7f80); /* 127+1, -128-1 */
    cr_assert_eq(x86_sse_paddusw(0xffff, 0x0001), 0xffff);
    cr_assert_eq(x86_sse_psubusb(0x00, 0x01), 0x00);
    cr_assert_eq(x86_sse_psubsw(0x8000, 0x0001), 0x8000);
    cr_assert_eq(x86_sse_pmaddwd(0x80008000, 0x80008000), 0x80000000); /* wraps */
    cr_assert_eq(x86_sse_packsswb(0x7fff8000007f0080ull, 0), 0x7f807f7fu);
    cr_assert_eq(x86_sse_packuswb(0x7fff8000007f0100ull, 0), 0xff007fffu);
    cr_assert_eq(x86_sse_psraw(0x8000, 100), 0xffff);
}

Test(x86_sse, shuffles)
{
    cr_assert_eq(x86_sse_pshufw(0x4444333322221111ull, 0x1b), 0x1111222233334444ull);
    cr_assert_eq(x86_sse_pick_dwords(0x2222222211111111ull, 0x4444444433333333ull, 0xe),
                 0x4444444433333333ull);
    cr_assert_eq(x86_sse_pick_dwords(0x2222222211111111ull, 0x4444444433333333ull, 0x1),
                 0x1111111122222222ull);
    /* PSRLDQ by 3 and PSLLDQ by 9 of 0f0e..0100. */
    uint64_t lo = 0x0706050403020100ull, hi = 0x0f0e0d0c0b0a0908ull;
    cr_assert_eq(x86_sse_byte_shift(lo, hi, 3), 0x0a09080706050403ull);
    cr_assert_eq(x86_sse_byte_shift(lo, hi, 3 | 1 << 8), 0x0000000f0e0d0c0bull);
    cr_assert_eq(x86_sse_byte_shift(lo, hi, 9 | 1 << 9), 0);
    cr_assert_eq(x86_sse_byte_shift(lo, hi, 9 | 3 << 8), 0x0605040302010000ull);
    cr_assert_eq(x86_sse_byte_shift(lo, hi, 16 | 1 << 8), 0);
}

/* LDMXCSR: reserved bits 31-16 are #GP(0) (SDM Vol 2 LDMXCSR). */
Test(x86_sse, ldmxcsr_reserved_bits)
{
    X86CPU *cpu = new_cpu();
    uint64_t (*ldmxcsr)(CPUState *, uint64_t) =
        (uint64_t(*)(CPUState *, uint64_t))x86_helper_ldmxcsr.fn;
    cr_assert_eq(RAISED(cpu, ldmxcsr(&cpu->common, 0xffff)), -1);
    cr_assert_eq(cpu->mxcsr, 0xffff);
    cr_assert_eq(RAISED(cpu, ldmxcsr(&cpu->common, 0x10000)), X86_EXCP_GP);
    cr_assert_eq(cpu->mxcsr, 0xffff);
    free(cpu);
}
