/*
 * SSE/SSE2 floating point and MXCSR (SDM Vol 1 §10.2.3, §11.5).
 *
 * Each lane is computed by the host's own scalar SSE instruction with the
 * guest's rounding control, FZ and DAZ loaded and every exception masked
 * (the host is an x86-64, so results, NaN propagation - the first source
 * NaN, quieted - and the RCPSS/RSQRTSS approximation tables are the
 * hardware's own, bit for bit).  One lane at a time gives the flags per
 * lane, from which the guest's exception rules are applied: an unmasked
 * pre-computation exception (invalid, denormal, divide-by-zero) in any
 * lane reports only the pre-computation flags of all lanes; otherwise an
 * unmasked post-computation exception reports all flags; either way the
 * destination is left unchanged and #XM (CR4.OSXMMEXCPT) or #UD is raised
 * (SDM Vol 1 §11.5.2, Vol 3 §6.15 "Interrupt 19").
 */
#include <stddef.h>
#include <string.h>

#include "frontends/x86/x86_internal.h"
#include "frontends/x86/x86_sse.h"
#include "softmmu/tlb.h"

#if !defined(__x86_64__) && !defined(__i386__)
#error "x86_sse.c computes SSE arithmetic on the host's SSE unit: an x86 host is required"
#endif

void x86_sse_reset(X86CPU *cpu)
{
    memset(cpu->xmm, 0, sizeof cpu->xmm);
    cpu->mxcsr = X86_MXCSR_DEFAULT;
}

/* ---- host instructions under a given MXCSR ---- */

/* Run one host SSE instruction with MXCSR = csr (all exceptions masked),
 * leaving the resulting MXCSR (with its flags) in csr; the host's own
 * MXCSR is restored around it.  With SSE_ON_HOST_CSR set in csr the
 * instruction runs under the host's MXCSR as it is (see sse_host_ready):
 * LDMXCSR serialises and cost more than everything else together. */
#define SSE_ON_HOST_CSR  (1u << 31) /* a reserved MXCSR bit, never a guest value */
#define SSE_UNPAREN(...) __VA_ARGS__
#define HOST_SSE(csr, insn, outs, ins)                                                             \
    do {                                                                                           \
        uint32_t host_csr_;                                                                        \
        if ((csr)&SSE_ON_HOST_CSR)                                                                 \
            __asm__ volatile(insn : SSE_UNPAREN outs : SSE_UNPAREN ins);                           \
        else                                                                                       \
            __asm__ volatile("stmxcsr %[h_]\n\tldmxcsr %[c_]\n\t" insn                             \
                             "\n\tstmxcsr %[c_]\n\tldmxcsr %[h_]"                                  \
                             : [c_] "+m"(csr), [h_] "=m"(host_csr_), SSE_UNPAREN outs              \
                             : SSE_UNPAREN ins                                                     \
                             : "cc");                                                              \
    } while (0)

/* Whether the lanes of an operation can run under the host's MXCSR as it
 * is: every guest exception masked (so flags only accumulate) and the
 * host's rounding, DAZ and FZ equal to control.  The host's flags are
 * then made a subset of the guest's (one LDMXCSR, only after the guest
 * cleared flags), so the flags read after the lanes are exactly the
 * guest's old flags plus those the lanes raised. */
static bool sse_host_ready(const X86CPU *cpu, uint32_t control)
{
    if ((cpu->mxcsr & X86_MXCSR_MASKS) != X86_MXCSR_MASKS) return false;
    uint32_t cur;
    __asm__ volatile("stmxcsr %0" : "=m"(cur));
    if ((cur & ~(uint32_t)X86_MXCSR_FLAGS) != control) return false;
    if (cur & X86_MXCSR_FLAGS & ~cpu->mxcsr) {
        uint32_t v = control | (cpu->mxcsr & X86_MXCSR_FLAGS);
        __asm__ volatile("ldmxcsr %0" : : "m"(v));
    }
    return true;
}

static uint32_t sse_host_flags(void)
{
    uint32_t cur;
    __asm__ volatile("stmxcsr %0" : "=m"(cur));
    return cur & X86_MXCSR_FLAGS;
}

static inline float f32_of(uint64_t bits)
{
    uint32_t v = (uint32_t)bits;
    float f;
    memcpy(&f, &v, 4);
    return f;
}
static inline uint64_t bits_of_f32(float f)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    return v;
}
static inline double f64_of(uint64_t bits)
{
    double f;
    memcpy(&f, &bits, 8);
    return f;
}
static inline uint64_t bits_of_f64(double f)
{
    uint64_t v;
    memcpy(&v, &f, 8);
    return v;
}

/* Binary arithmetic on one lane: a op b. */
static uint64_t host_binary(X86FpOp op, bool dbl, uint64_t a, uint64_t b, uint32_t *csr)
{
    uint32_t c = *csr;
    if (dbl) {
        double x = f64_of(a), y = f64_of(b);
        switch (op) {
        case X86_FP_ADD: HOST_SSE(c, "addsd %[y], %[x]", ([x] "+x"(x)), ([y] "x"(y))); break;
        case X86_FP_SUB: HOST_SSE(c, "subsd %[y], %[x]", ([x] "+x"(x)), ([y] "x"(y))); break;
        case X86_FP_MUL: HOST_SSE(c, "mulsd %[y], %[x]", ([x] "+x"(x)), ([y] "x"(y))); break;
        case X86_FP_DIV: HOST_SSE(c, "divsd %[y], %[x]", ([x] "+x"(x)), ([y] "x"(y))); break;
        case X86_FP_MIN: HOST_SSE(c, "minsd %[y], %[x]", ([x] "+x"(x)), ([y] "x"(y))); break;
        case X86_FP_MAX: HOST_SSE(c, "maxsd %[y], %[x]", ([x] "+x"(x)), ([y] "x"(y))); break;
        case X86_FP_SQRT: HOST_SSE(c, "sqrtsd %[y], %[x]", ([x] "=x"(x)), ([y] "x"(y))); break;
        default: break;
        }
        *csr = c;
        return bits_of_f64(x);
    }
    float x = f32_of(a), y = f32_of(b);
    switch (op) {
    case X86_FP_ADD: HOST_SSE(c, "addss %[y], %[x]", ([x] "+x"(x)), ([y] "x"(y))); break;
    case X86_FP_SUB: HOST_SSE(c, "subss %[y], %[x]", ([x] "+x"(x)), ([y] "x"(y))); break;
    case X86_FP_MUL: HOST_SSE(c, "mulss %[y], %[x]", ([x] "+x"(x)), ([y] "x"(y))); break;
    case X86_FP_DIV: HOST_SSE(c, "divss %[y], %[x]", ([x] "+x"(x)), ([y] "x"(y))); break;
    case X86_FP_MIN: HOST_SSE(c, "minss %[y], %[x]", ([x] "+x"(x)), ([y] "x"(y))); break;
    case X86_FP_MAX: HOST_SSE(c, "maxss %[y], %[x]", ([x] "+x"(x)), ([y] "x"(y))); break;
    case X86_FP_SQRT: HOST_SSE(c, "sqrtss %[y], %[x]", ([x] "=x"(x)), ([y] "x"(y))); break;
    case X86_FP_RCP: HOST_SSE(c, "rcpss %[y], %[x]", ([x] "=x"(x)), ([y] "x"(y))); break;
    case X86_FP_RSQRT: HOST_SSE(c, "rsqrtss %[y], %[x]", ([x] "=x"(x)), ([y] "x"(y))); break;
    default: break;
    }
    *csr = c;
    return bits_of_f32(x);
}

/* CMPSS/CMPSD predicate pred (0-7: EQ LT LE UNORD NEQ NLT NLE ORD): an
 * all-ones or all-zeros lane. */
#define CMP_CASE(n, sfx)                                                                           \
    case n: HOST_SSE(c, "cmp" sfx " $" #n ", %[y], %[x]", ([x] "+x"(x)), ([y] "x"(y))); break
static uint64_t host_compare(bool dbl, unsigned pred, uint64_t a, uint64_t b, uint32_t *csr)
{
    uint32_t c = *csr;
    if (dbl) {
        double x = f64_of(a), y = f64_of(b);
        switch (pred & 7) {
            CMP_CASE(0, "sd");
            CMP_CASE(1, "sd");
            CMP_CASE(2, "sd");
            CMP_CASE(3, "sd");
            CMP_CASE(4, "sd");
            CMP_CASE(5, "sd");
            CMP_CASE(6, "sd");
            CMP_CASE(7, "sd");
        }
        *csr = c;
        return bits_of_f64(x);
    }
    float x = f32_of(a), y = f32_of(b);
    switch (pred & 7) {
        CMP_CASE(0, "ss");
        CMP_CASE(1, "ss");
        CMP_CASE(2, "ss");
        CMP_CASE(3, "ss");
        CMP_CASE(4, "ss");
        CMP_CASE(5, "ss");
        CMP_CASE(6, "ss");
        CMP_CASE(7, "ss");
    }
    *csr = c;
    return bits_of_f32(x);
}
#undef CMP_CASE

/* COMISS/UCOMISS/COMISD/UCOMISD: ZF PF CF of a compared with b (SDM
 * Vol 2 COMISS: unordered 111, less 001, equal 100, greater 000). */
static uint32_t host_comi(bool dbl, bool quiet, uint64_t a, uint64_t b, uint32_t *csr)
{
    uint32_t c = *csr;
    uint8_t z, p, cf;
    if (dbl) {
        double x = f64_of(a), y = f64_of(b);
        if (quiet)
            HOST_SSE(c, "ucomisd %[y], %[x]\n\tsetz %[z]\n\tsetp %[p]\n\tsetc %[cf]",
                     ([z] "=r"(z), [p] "=r"(p), [cf] "=r"(cf)), ([x] "x"(x), [y] "x"(y)));
        else
            HOST_SSE(c, "comisd %[y], %[x]\n\tsetz %[z]\n\tsetp %[p]\n\tsetc %[cf]",
                     ([z] "=r"(z), [p] "=r"(p), [cf] "=r"(cf)), ([x] "x"(x), [y] "x"(y)));
    } else {
        float x = f32_of(a), y = f32_of(b);
        if (quiet)
            HOST_SSE(c, "ucomiss %[y], %[x]\n\tsetz %[z]\n\tsetp %[p]\n\tsetc %[cf]",
                     ([z] "=r"(z), [p] "=r"(p), [cf] "=r"(cf)), ([x] "x"(x), [y] "x"(y)));
        else
            HOST_SSE(c, "comiss %[y], %[x]\n\tsetz %[z]\n\tsetp %[p]\n\tsetc %[cf]",
                     ([z] "=r"(z), [p] "=r"(p), [cf] "=r"(cf)), ([x] "x"(x), [y] "x"(y)));
    }
    *csr = c;
    return (z ? X86_ZF : 0) | (p ? X86_PF : 0) | (cf ? X86_CF : 0);
}

/* Lane formats of the conversions. */
typedef enum LaneKind {
    LANE_I32,
    LANE_F32,
    LANE_F64,
} LaneKind;

static uint64_t host_convert(LaneKind from, LaneKind to, bool trunc, uint64_t a, uint32_t *csr)
{
    uint32_t c = *csr;
    uint64_t r = 0;
    if (from == LANE_I32) {
        int32_t i = (int32_t)a;
        if (to == LANE_F32) {
            float x;
            HOST_SSE(c, "cvtsi2ssl %[i], %[x]", ([x] "=x"(x)), ([i] "r"(i)));
            r = bits_of_f32(x);
        } else {
            double x;
            HOST_SSE(c, "cvtsi2sdl %[i], %[x]", ([x] "=x"(x)), ([i] "r"(i)));
            r = bits_of_f64(x);
        }
    } else if (from == LANE_F32) {
        float x = f32_of(a);
        if (to == LANE_I32) {
            int32_t i;
            if (trunc)
                HOST_SSE(c, "cvttss2si %[x], %[i]", ([i] "=r"(i)), ([x] "x"(x)));
            else
                HOST_SSE(c, "cvtss2si %[x], %[i]", ([i] "=r"(i)), ([x] "x"(x)));
            r = (uint32_t)i;
        } else {
            double y;
            HOST_SSE(c, "cvtss2sd %[x], %[y]", ([y] "=x"(y)), ([x] "x"(x)));
            r = bits_of_f64(y);
        }
    } else {
        double x = f64_of(a);
        if (to == LANE_I32) {
            int32_t i;
            if (trunc)
                HOST_SSE(c, "cvttsd2si %[x], %[i]", ([i] "=r"(i)), ([x] "x"(x)));
            else
                HOST_SSE(c, "cvtsd2si %[x], %[i]", ([i] "=r"(i)), ([x] "x"(x)));
            r = (uint32_t)i;
        } else {
            float y;
            HOST_SSE(c, "cvtsd2ss %[x], %[y]", ([y] "=x"(y)), ([x] "x"(x)));
            r = bits_of_f32(y);
        }
    }
    *csr = c;
    return r;
}

/* ---- the guest operation ---- */

/* Where a result goes. */
enum {
    PLACE_KEEP, /* lanes into the xmm destination, the other lanes kept */
    PLACE_ZERO, /* lanes into the xmm destination, the upper 64 bits zeroed */
    PLACE_RET,  /* returned (general or MMX register) */
};

typedef struct FpShape {
    uint8_t from, to; /* LaneKind */
    uint8_t lanes;    /* lanes computed (packed conversions) */
    uint8_t place;
    bool trunc;
} FpShape;

/* Conversions (SDM Vol 2, each CVT instruction). */
static const FpShape fp_cvt_shapes[X86_FP_NUM_OPS] = {
    [X86_FP_CVTPI2PS] = {LANE_I32, LANE_F32, 2, PLACE_KEEP, false},
    [X86_FP_CVTSI2SS] = {LANE_I32, LANE_F32, 1, PLACE_KEEP, false},
    [X86_FP_CVTSI2SD] = {LANE_I32, LANE_F64, 1, PLACE_KEEP, false},
    [X86_FP_CVTDQ2PS] = {LANE_I32, LANE_F32, 4, PLACE_KEEP, false},
    [X86_FP_CVTPS2DQ] = {LANE_F32, LANE_I32, 4, PLACE_KEEP, false},
    [X86_FP_CVTTPS2DQ] = {LANE_F32, LANE_I32, 4, PLACE_KEEP, true},
    [X86_FP_CVTDQ2PD] = {LANE_I32, LANE_F64, 2, PLACE_KEEP, false},
    [X86_FP_CVTPD2DQ] = {LANE_F64, LANE_I32, 2, PLACE_ZERO, false},
    [X86_FP_CVTTPD2DQ] = {LANE_F64, LANE_I32, 2, PLACE_ZERO, true},
    [X86_FP_CVTPD2PS] = {LANE_F64, LANE_F32, 2, PLACE_ZERO, false},
    [X86_FP_CVTPS2PD] = {LANE_F32, LANE_F64, 2, PLACE_KEEP, false},
    [X86_FP_CVTSD2SS] = {LANE_F64, LANE_F32, 1, PLACE_KEEP, false},
    [X86_FP_CVTSS2SD] = {LANE_F32, LANE_F64, 1, PLACE_KEEP, false},
    [X86_FP_CVTPI2PD] = {LANE_I32, LANE_F64, 2, PLACE_KEEP, false},
    [X86_FP_CVTSS2SI] = {LANE_F32, LANE_I32, 1, PLACE_RET, false},
    [X86_FP_CVTTSS2SI] = {LANE_F32, LANE_I32, 1, PLACE_RET, true},
    [X86_FP_CVTSD2SI] = {LANE_F64, LANE_I32, 1, PLACE_RET, false},
    [X86_FP_CVTTSD2SI] = {LANE_F64, LANE_I32, 1, PLACE_RET, true},
    [X86_FP_CVTPS2PI] = {LANE_F32, LANE_I32, 2, PLACE_RET, false},
    [X86_FP_CVTTPS2PI] = {LANE_F32, LANE_I32, 2, PLACE_RET, true},
    [X86_FP_CVTPD2PI] = {LANE_F64, LANE_I32, 2, PLACE_RET, false},
    [X86_FP_CVTTPD2PI] = {LANE_F64, LANE_I32, 2, PLACE_RET, true},
};

static inline unsigned lane_bits(LaneKind k)
{
    return k == LANE_F64 ? 64 : 32;
}

static uint64_t get_lane(const uint64_t v[2], LaneKind k, unsigned i)
{
    if (k == LANE_F64) return v[i & 1];
    return (uint32_t)(v[(i >> 1) & 1] >> (32 * (i & 1)));
}

static void set_lane(uint64_t v[2], LaneKind k, unsigned i, uint64_t x)
{
    if (k == LANE_F64) {
        v[i & 1] = x;
        return;
    }
    unsigned sh = 32 * (i & 1);
    uint64_t *q = &v[(i >> 1) & 1];
    *q = (*q & ~(0xffffffffull << sh)) | ((x & 0xffffffffull) << sh);
}

/* A nonzero denormal result: an underflow even when exact, which is what
 * an unmasked underflow exception reports (SDM Vol 1 §4.9.1.5). */
static bool is_denormal(LaneKind k, uint64_t x)
{
    if (k == LANE_F64) return (x & 0x7ff0000000000000ull) == 0 && (x << 12) != 0;
    if (k == LANE_F32) return (x & 0x7f800000u) == 0 && (x & 0x7fffffu) != 0;
    return false;
}

_Noreturn static void sse_raise(X86CPU *cpu)
{
    x86_raise_exception(cpu, (cpu->cr[4] & X86_CR4_OSXMMEXCPT) ? X86_EXCP_XM : X86_EXCP_UD);
}

/* Merge the flags of an operation into MXCSR and raise for an unmasked
 * one (SDM Vol 1 §11.5.2): returns only if the result may be written. */
static void sse_commit_flags(X86CPU *cpu, uint32_t flags)
{
    uint32_t unmasked = flags & ~(cpu->mxcsr >> X86_MXCSR_MASK_SHIFT) & X86_MXCSR_FLAGS;
    if (unmasked & X86_MXCSR_PRE) {
        cpu->mxcsr |= flags & X86_MXCSR_PRE;
        sse_raise(cpu);
    }
    cpu->mxcsr |= flags;
    if (unmasked) sse_raise(cpu);
}

uint64_t x86_sse_fp(X86CPU *cpu, uint32_t ctl, uint64_t lo, uint64_t hi)
{
    X86FpOp op = (X86FpOp)(ctl & X86_FP_OP_MASK);
    unsigned dst = (ctl >> X86_FP_DST_SHIFT) & 7;
    unsigned imm = (ctl >> X86_FP_IMM_SHIFT) & 0xff;
    bool dbl = (ctl & X86_FP_DOUBLE) != 0;
    bool um_masked = (cpu->mxcsr & (X86_MXCSR_UE << X86_MXCSR_MASK_SHIFT)) != 0;

    /* The host runs with every exception masked; FZ applies only while
     * underflow is masked (SDM Vol 1 §10.2.3.3). */
    uint32_t host = (cpu->mxcsr & (X86_MXCSR_RC | X86_MXCSR_DAZ | X86_MXCSR_FZ)) | X86_MXCSR_MASKS;
    if (!um_masked) host &= ~(uint32_t)X86_MXCSR_FZ;

    const uint64_t src[2] = {lo, hi};
    uint64_t res[2] = {cpu->xmm[dst].q[0], cpu->xmm[dst].q[1]};
    uint32_t flags = 0;

    bool on_host = sse_host_ready(cpu, host);
    if (on_host) host |= SSE_ON_HOST_CSR;

    if (op == X86_FP_COMI || op == X86_FP_UCOMI) {
        uint32_t c = host;
        LaneKind k = dbl ? LANE_F64 : LANE_F32;
        uint32_t eflags =
            host_comi(dbl, op == X86_FP_UCOMI, get_lane(res, k, 0), get_lane(src, k, 0), &c);
        sse_commit_flags(cpu, on_host ? sse_host_flags() : c & X86_MXCSR_FLAGS);
        return eflags;
    }

    FpShape shape;
    if (op < X86_FP_CVTPI2PS) {
        LaneKind k = dbl ? LANE_F64 : LANE_F32;
        shape = (FpShape){k, k, (ctl & X86_FP_PACKED) ? 128 / lane_bits(k) : 1, PLACE_KEEP, false};
    } else if (op < X86_FP_NUM_OPS && fp_cvt_shapes[op].lanes) {
        shape = fp_cvt_shapes[op];
    } else {
        x86_raise_exception(cpu, X86_EXCP_UD); /* not reached from a table line */
    }
    /* Arithmetic whose result can underflow. */
    bool may_underflow = op == X86_FP_ADD || op == X86_FP_SUB || op == X86_FP_MUL ||
                         op == X86_FP_DIV || op == X86_FP_SQRT ||
                         (shape.to == LANE_F32 && shape.from == LANE_F64);

    uint64_t out[2] = {res[0], res[1]};
    if (shape.place == PLACE_ZERO) out[1] = 0;
    if (shape.place == PLACE_RET) out[0] = out[1] = 0;
    for (unsigned i = 0; i < shape.lanes; i++) {
        uint32_t c = host;
        uint64_t b = get_lane(src, shape.from, i), r;
        if (op == X86_FP_CMP)
            r = host_compare(dbl, imm, get_lane(res, shape.from, i), b, &c);
        else if (op < X86_FP_CVTPI2PS)
            r = host_binary(op, dbl, get_lane(res, shape.from, i), b, &c);
        else
            r = host_convert((LaneKind)shape.from, (LaneKind)shape.to, shape.trunc, b, &c);
        if (may_underflow && !um_masked && is_denormal((LaneKind)shape.to, r)) c |= X86_MXCSR_UE;
        flags |= c & X86_MXCSR_FLAGS;
        set_lane(out, (LaneKind)shape.to, i, r);
    }
    if (on_host) flags = sse_host_flags();
    sse_commit_flags(cpu, flags);
    if (shape.place == PLACE_RET) return out[0];
    cpu->xmm[dst].q[0] = out[0];
    cpu->xmm[dst].q[1] = out[1];
    return 0;
}

static uint64_t x86_helper_sse_fp_fn(CPUState *c, uint64_t ctl, uint64_t lo, uint64_t hi)
{
    return x86_sse_fp(x86_cpu(c), (uint32_t)ctl, lo, hi);
}
X86_HELPER(x86_helper_sse_fp, x86_helper_sse_fp_fn,
           IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_MAY_RAISE, IR_I64, 3, IR_I32,
           IR_I64, IR_I64);

/* LDMXCSR: setting a reserved bit is #GP(0) (SDM Vol 2 LDMXCSR). */
static uint64_t x86_helper_ldmxcsr_fn(CPUState *c, uint64_t value)
{
    X86CPU *cpu = x86_cpu(c);
    if ((uint32_t)value & ~(uint32_t)X86_MXCSR_WRITABLE)
        x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
    cpu->mxcsr = (uint32_t)value;
    return 0;
}
X86_HELPER(x86_helper_ldmxcsr, x86_helper_ldmxcsr_fn,
           IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_MAY_RAISE, IR_VOID, 1, IR_I32);

/* MASKMOVQ/MASKMOVDQU (SDM Vol 2 MASKMOVQ): each selected byte is
 * stored at DS:eDI + i (segment overridable); the others are not
 * accessed.  All selected bytes are checked (segment limits, page
 * translation for write) before any is stored, so that a fault leaves
 * memory unchanged; X86_MASKMOV_PROBE only checks, for MASKMOVDQU's
 * other half. */
static uint64_t x86_helper_maskmov_fn(CPUState *c, uint64_t ctl, uint64_t data, uint64_t mask)
{
    X86CPU *cpu = x86_cpu(c);
    unsigned seg = ctl & 0xff, addrsize = (ctl >> 8) & 0xff, base = (ctl >> 16) & 0xff;
    uint32_t edi = (uint32_t)cpu->regs[X86_EDI];
    if (addrsize == 2) edi &= 0xffff;
    unsigned mmu = x86_data_mmu_idx(cpu);
    uint32_t lin[8] = {0};
    for (unsigned i = 0; i < 8; i++) {
        if (!((mask >> (8 * i + 7)) & 1)) continue;
        uint32_t off = edi + base + i;
        if (addrsize == 2) off &= 0xffff;
        lin[i] = x86_seg_linear(cpu, seg, off, 1, true);
        softmmu_probe(c, lin[i], MMU_WRITE, mmu, c->fault_insn);
    }
    if (ctl & X86_MASKMOV_PROBE) return 0;
    for (unsigned i = 0; i < 8; i++)
        if ((mask >> (8 * i + 7)) & 1)
            x86_store_linear(cpu, lin[i], (uint8_t)(data >> (8 * i)), 1, mmu);
    return 0;
}
X86_HELPER(x86_helper_maskmov, x86_helper_maskmov_fn,
           IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_MAY_RAISE, IR_VOID, 3, IR_I32,
           IR_I64, IR_I64);
