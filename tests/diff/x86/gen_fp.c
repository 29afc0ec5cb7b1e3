/*
 * x86-diffgen: the x87 and SSE categories.  Initial states mix finite,
 * denormal, infinite, NaN and zero values of each format; control words
 * vary rounding and precision (x87) or rounding, FTZ and DAZ (MXCSR),
 * with every exception masked, so nothing traps and every result is
 * defined by the SDM.  The x87 stack depth is tracked so that no
 * instruction underflows or overflows the stack.
 */
#include <stdio.h>
#include <string.h>

#include "gen.h"

/* ---------------------------------------------------------------- */
/* Interesting values.                                               */

typedef struct FpFmt {
    unsigned bytes, ebits, fbits; /* fbits: fraction bits, the explicit integer bit not counted */
    bool explicit_int;            /* double extended (SDM Vol 1 §4.2.2) */
} FpFmt;

static const FpFmt fmt32 = {4, 8, 23, false}, fmt64 = {8, 11, 52, false},
                   fmt80 = {10, 15, 63, true};

static uint64_t rnd64(Gen *g)
{
    return rng_next(&g->rng);
}

static void fp_encode(const FpFmt *f, bool sign, uint32_t exp, uint64_t frac, bool int_bit,
                      uint8_t *out)
{
    if (f->explicit_int) {
        uint64_t m = (frac & ((1ull << 63) - 1)) | (int_bit ? 1ull << 63 : 0);
        for (unsigned i = 0; i < 8; i++)
            out[i] = (uint8_t)(m >> 8 * i);
        uint16_t se = (uint16_t)(exp | (sign ? 0x8000u : 0));
        out[8] = (uint8_t)se, out[9] = (uint8_t)(se >> 8);
        return;
    }
    uint64_t v = (frac & ((1ull << f->fbits) - 1)) | (uint64_t)exp << f->fbits |
                 (uint64_t)sign << (f->fbits + f->ebits);
    for (unsigned i = 0; i < f->bytes; i++)
        out[i] = (uint8_t)(v >> 8 * i);
}

/* One interesting value of the format, little-endian, in out. */
static void fp_value(Gen *g, const FpFmt *f, uint8_t *out)
{
    uint32_t emax = (1u << f->ebits) - 1, bias = emax >> 1;
    bool sign = rnd(g, 2);
    uint64_t frac = rnd64(g);
    uint64_t top = 1ull << (f->fbits - 1); /* the quiet bit of a NaN */
    switch (rnd(g, 20)) {
    case 0: fp_encode(f, sign, 0, 0, false, out); return; /* zero */
    case 1:
    case 2: /* denormal */
        if (chance(g, 30)) frac >>= rnd(g, f->fbits);
        fp_encode(f, sign, 0, frac ? frac : 1, false, out);
        return;
    case 3: fp_encode(f, sign, emax, 0, true, out); return;          /* infinity */
    case 4: fp_encode(f, sign, emax, frac | top, true, out); return; /* QNaN */
    case 5:                                                          /* SNaN */
        frac &= ~top;
        fp_encode(f, sign, emax, frac ? frac : 1, true, out);
        return;
    case 6: fp_encode(f, sign, 1 + rnd(g, 2) * (emax - 3), frac, true, out); return; /* extremes */
    case 7: /* largest finite, smallest normal */
        fp_encode(f, sign, rnd(g, 2) ? emax - 1 : 1, rnd(g, 2) ? ~0ull : 0, true, out);
        return;
    case 8:
    case 9: { /* a small integer or half-integer */
        uint64_t k = 1 + rnd(g, 2000);
        unsigned msb = 63 - (unsigned)__builtin_clzll(k);
        uint64_t m = k << (63 - msb); /* integer bit at 63 */
        uint32_t e = bias + msb - rnd(g, 2);
        fp_encode(f, sign, e, f->explicit_int ? m : m << 1 >> (64 - f->fbits), true, out);
        return;
    }
    case 10: /* one plus or minus a few ulps */
        fp_encode(f, sign, bias - rnd(g, 2), rnd(g, 2) ? rnd(g, 4) : ~0ull - rnd(g, 4), true, out);
        return;
    default: { /* normal near 1, or anywhere */
        uint32_t e = chance(g, 60) ? bias - 20 + rnd(g, 41) : 1 + rnd(g, emax - 1);
        fp_encode(f, sign, e, frac, true, out);
        return;
    }
    }
}

/* The area for the floating-point categories: 16-byte slots of one
 * double extended, two doubles, four singles, or the random bytes. */
void fp_fill_area(Gen *g, uint8_t *area)
{
    for (unsigned slot = 0; slot < AREA_SIZE / 16; slot++) {
        uint8_t *p = area + 16 * slot;
        switch (rnd(g, 5)) {
        case 0: fp_value(g, &fmt80, p); break;
        case 1:
            fp_value(g, &fmt64, p);
            fp_value(g, &fmt64, p + 8);
            break;
        case 2:
        case 3:
            for (unsigned k = 0; k < 4; k++)
                fp_value(g, &fmt32, p + 4 * k);
            break;
        default: break;
        }
    }
}

static void data_bytes(Gen *g, const char *label, const uint8_t *b, unsigned n)
{
    fprintf(g->data, "%s: db ", label);
    for (unsigned i = 0; i < n; i++)
        fprintf(g->data, "%s0x%02x", i ? "," : "", b[i]);
    fprintf(g->data, "\n");
}

/* ---------------------------------------------------------------- */
/* x87.                                                              */

/* A control word: all exceptions masked (bits 0-5, and bit 6 as FNINIT
 * leaves it), random rounding control and precision control 24, 53 or
 * 64 bits (SDM Vol 1 §8.1.5; PC 01 is reserved). */
static uint16_t random_fcw(Gen *g)
{
    static const unsigned pc[] = {0, 2, 3, 3};
    if (chance(g, 25)) return 0x037f;
    return (uint16_t)(0x7f | pc[rnd(g, 4)] << 8 | rnd(g, 4) << 10);
}

/* A new read-only control word constant; its label in buf. */
static const char *fcw_const(Gen *g, uint16_t cw, char *buf, size_t n)
{
    char l[32];
    new_label(g, l, sizeof l);
    snprintf(buf, n, "%s", l);
    fprintf(g->data, "%s: dw 0x%04x\n", l, cw);
    return buf;
}

void x87_initial_state(Gen *g, FILE *map)
{
    /* Empty, zeroed registers; then the control word and the values. */
    emit(g, 's', "fninit");
    for (unsigned i = 0; i < 8; i++)
        emit(g, 's', "fldz");
    for (unsigned i = 0; i < 8; i++)
        emit(g, 's', "fstp st0");
    char l[32];
    uint16_t cw = random_fcw(g);
    fcw_const(g, cw, l, sizeof l);
    emit(g, 's', "fldcw [%s]", l);
    unsigned n = rnd(g, 9);
    bool clear = chance(g, 50);
    fprintf(map, "F %04x %u %u", cw, clear, n);
    for (unsigned i = 0; i < n; i++) {
        static const FpFmt *const fmts[] = {&fmt32, &fmt64, &fmt80, &fmt80};
        static const char *const kw[] = {"dword", "qword", "tword", "tword"};
        unsigned k = rnd(g, 4);
        uint8_t v[10];
        fp_value(g, fmts[k], v);
        new_label(g, l, sizeof l);
        data_bytes(g, l, v, fmts[k]->bytes);
        emit(g, 's', "fld %s [%s]", kw[k], l);
        fprintf(map, " ");
        for (unsigned b = fmts[k]->bytes; b-- > 0;)
            fprintf(map, "%02x", v[b]);
    }
    fprintf(map, "\n");
    if (clear) emit(g, 's', "fnclex");
    g->fpu_depth = (int)n;
}

static const char *const arith_ops[] = {"add", "mul", "sub", "subr", "div", "divr"};

void gen_x87_insn(Gen *g)
{
    int d = g->fpu_depth;
    char m[64], l[32];
    for (unsigned tries = 0; tries < 20; tries++) {
        unsigned k = rnd(g, 24);
        unsigned i = d > 0 ? rnd(g, (unsigned)d) : 0; /* an existing ST(i) */
        switch (k) {
        case 0: /* FLD m32/m64/m80 */
            if (d >= 8) continue;
            {
                static const unsigned sz[] = {4, 8, 10};
                static const unsigned w[] = {32, 64, 80};
                unsigned s = rnd(g, 3);
                mem_operand(g, sz[s], s == 2 ? 16 : sz[s], w[s], m, sizeof m);
                emit(g, 't', "fld %s", m);
            }
            g->fpu_depth++;
            return;
        case 1: /* FLD ST(i) */
            if (d < 1 || d >= 8) continue;
            emit(g, 't', "fld st%u", i);
            g->fpu_depth++;
            return;
        case 2: /* FILD m16/m32/m64 */
            if (d >= 8) continue;
            {
                static const unsigned w[] = {16, 32, 64};
                unsigned s = rnd(g, 3);
                mem_operand(g, w[s] / 8, 1, w[s], m, sizeof m);
                emit(g, 't', "fild %s", m);
            }
            g->fpu_depth++;
            return;
        case 3: /* constants (rounded per RC: SDM Vol 1 §8.3.8) */
            if (d >= 8) continue;
            {
                static const char *const c[] = {"fld1",   "fldz",   "fldpi", "fldl2e",
                                                "fldl2t", "fldlg2", "fldln2"};
                emit(g, 't', "%s", c[rnd(g, 7)]);
            }
            g->fpu_depth++;
            return;
        case 4: /* FST/FSTP m32/m64, FSTP m80 */
            if (d < 1) continue;
            {
                static const unsigned sz[] = {4, 8, 10};
                static const unsigned w[] = {32, 64, 80};
                unsigned s = rnd(g, 3);
                bool pop = s == 2 || rnd(g, 2);
                mem_operand(g, sz[s], 1, w[s], m, sizeof m);
                emit(g, 't', "fst%s %s", pop ? "p" : "", m);
                g->fpu_depth -= pop;
            }
            return;
        case 5: /* FST/FSTP ST(i) */
            if (d < 1) continue;
            {
                bool pop = rnd(g, 2);
                emit(g, 't', "fst%s st%u", pop ? "p" : "", i);
                g->fpu_depth -= pop;
            }
            return;
        case 6: /* FIST m16/m32, FISTP m16/m32/m64 */
            if (d < 1) continue;
            {
                static const unsigned w[] = {16, 32, 64};
                unsigned s = rnd(g, 3);
                bool pop = s == 2 || rnd(g, 2);
                mem_operand(g, w[s] / 8, 1, w[s], m, sizeof m);
                emit(g, 't', "fist%s %s", pop ? "p" : "", m);
                g->fpu_depth -= pop;
            }
            return;
        case 7: /* arithmetic with m32/m64 */
        case 8: /* FIADD.. m16/m32 */
            if (d < 1) continue;
            {
                unsigned w = rnd(g, 2) ? 32 : k == 7 ? 64 : 16;
                mem_operand(g, w / 8, 1, w, m, sizeof m);
                emit(g, 't', "f%s%s %s", k == 8 ? "i" : "", arith_ops[rnd(g, 6)], m);
            }
            return;
        case 9:
        case 10: /* ST(0), ST(i) and ST(i), ST(0) */
            if (d < 1) continue;
            if (rnd(g, 2))
                emit(g, 't', "f%s st0, st%u", arith_ops[rnd(g, 6)], i);
            else
                emit(g, 't', "f%s st%u, st0", arith_ops[rnd(g, 6)], i);
            return;
        case 11: /* FADDP.. ST(i), ST(0) */
            if (d < 2) continue;
            emit(g, 't', "f%sp st%u, st0", arith_ops[rnd(g, 6)], 1 + rnd(g, (unsigned)d - 1));
            g->fpu_depth--;
            return;
        case 12: /* FSQRT FABS FCHS FRNDINT FTST FXAM */
        case 13:
            if (d < 1) continue;
            {
                static const char *const u[] = {"fsqrt", "fabs", "fchs", "frndint", "ftst", "fxam"};
                emit(g, 't', "%s", u[rnd(g, 6)]);
            }
            return;
        case 14: /* FSCALE FPREM FPREM1 */
            if (d < 2) continue;
            {
                static const char *const u[] = {"fscale", "fprem", "fprem1"};
                emit(g, 't', "%s", u[rnd(g, 3)]);
            }
            return;
        case 15: /* FXTRACT pushes */
            if (d < 1 || d >= 8) continue;
            emit(g, 't', "fxtract");
            g->fpu_depth++;
            return;
        case 16: /* FCOM FCOMP FUCOM FUCOMP ST(i), m32/m64 */
            if (d < 1) continue;
            {
                bool pop = rnd(g, 2), u = rnd(g, 2);
                if (!u && rnd(g, 2)) {
                    unsigned w = rnd(g, 2) ? 32 : 64;
                    mem_operand(g, w / 8, 1, w, m, sizeof m);
                    emit(g, 't', "fcom%s %s", pop ? "p" : "", m);
                } else {
                    emit(g, 't', "f%scom%s st%u", u ? "u" : "", pop ? "p" : "", i);
                }
                g->fpu_depth -= pop;
            }
            return;
        case 17: /* FCOMPP FUCOMPP */
            if (d < 2) continue;
            emit(g, 't', "f%scompp", rnd(g, 2) ? "u" : "");
            g->fpu_depth -= 2;
            return;
        case 18: /* FCOMI FCOMIP FUCOMI FUCOMIP: ZF PF CF, OF SF AF cleared */
            if (d < 1) continue;
            {
                bool pop = rnd(g, 2);
                emit(g, 't', "f%scomi%s st0, st%u", rnd(g, 2) ? "u" : "", pop ? "p" : "", i);
                g->fpu_depth -= pop;
                wrote_flags(g, FL_ARITH, 0);
            }
            return;
        case 19: /* FXCH */
            if (d < 2) continue;
            emit(g, 't', "fxch st%u", 1 + rnd(g, (unsigned)d - 1));
            return;
        case 20: /* FLDCW */
            emit(g, 't', "fldcw [%s]", fcw_const(g, random_fcw(g), l, sizeof l));
            return;
        case 21: /* FNSTSW AX / m16, FNSTCW m16, FNCLEX */
            switch (rnd(g, 4)) {
            case 0: emit(g, 't', "fnstsw ax"); break;
            case 1: emit(g, 't', "fnstsw %s", mem_operand(g, 2, 1, 16, m, sizeof m)); break;
            case 2: emit(g, 't', "fnstcw %s", mem_operand(g, 2, 1, 16, m, sizeof m)); break;
            default: emit(g, 't', "fnclex"); break;
            }
            return;
        case 22: /* FCMOVcc: CF, ZF, PF */
            if (d < 1) continue;
            {
                static const char *const cc[] = {"b", "e", "be", "u", "nb", "ne", "nbe", "nu"};
                static const uint32_t rd[] = {FL_CF, FL_ZF, FL_CF | FL_ZF, FL_PF};
                unsigned c = rnd(g, 8);
                need_flags(g, rd[c & 3]);
                emit(g, 't', "fcmov%s st0, st%u", cc[c], i);
            }
            return;
        default: /* FLD then an operation on both, a common pair */
            if (d < 1 || d >= 8) continue;
            emit(g, 't', "fld st%u", i);
            emit(g, 't', "f%sp st1, st0", arith_ops[rnd(g, 6)]);
            return;
        }
    }
    emit(g, 't', "fnop");
}

/* ---------------------------------------------------------------- */
/* SSE and SSE2.                                                     */

/* MXCSR: flags random, every exception masked (bits 7-12), rounding
 * control, FTZ and DAZ random (SDM Vol 1 §10.2.3). */
static uint32_t random_mxcsr(Gen *g)
{
    if (chance(g, 25)) return 0x1f80;
    return (rnd32(g) & 0x3f) * chance(g, 30) | 0x1f80 | (uint32_t)rnd(g, 2) << 6 | rnd(g, 4) << 13 |
           (uint32_t)rnd(g, 2) << 15;
}

static void xmm_value(Gen *g, uint8_t *x)
{
    switch (rnd(g, 5)) {
    case 0:
    case 1:
        for (unsigned k = 0; k < 4; k++)
            fp_value(g, &fmt32, x + 4 * k);
        return;
    case 2:
        fp_value(g, &fmt64, x);
        fp_value(g, &fmt64, x + 8);
        return;
    case 3: { /* integer lanes with edge values */
        static const uint8_t pat[] = {0x00, 0xff, 0x80, 0x7f, 0x01, 0xfe};
        for (unsigned k = 0; k < 16; k++)
            x[k] = chance(g, 50) ? pat[rnd(g, 6)] : (uint8_t)rnd32(g);
        return;
    }
    default:
        for (unsigned k = 0; k < 16; k++)
            x[k] = (uint8_t)rnd32(g);
        return;
    }
}

void sse_initial_state(Gen *g, FILE *map)
{
    uint8_t x[16 * 8];
    for (unsigned r = 0; r < 8; r++)
        xmm_value(g, x + 16 * r);
    uint32_t mx = random_mxcsr(g);
    char l[32];
    new_label(g, l, sizeof l);
    fprintf(g->data, "align 16\n");
    data_bytes(g, l, x, sizeof x);
    fprintf(g->data, "%s_mx: dd 0x%x\n", l, mx);
    emit(g, 's', "ldmxcsr [%s_mx]", l);
    for (unsigned r = 0; r < 8; r++)
        emit(g, 's', "movdqu xmm%u, [%s+%u]", r, l, 16 * r);
    fprintf(map, "X ");
    for (unsigned i = 0; i < sizeof x; i++)
        fprintf(map, "%02x", x[i]);
    fprintf(map, " %08x\n", mx);
}

/* An xmm register, or a memory operand of size bytes (16: aligned). */
static const char *xmm_or_mem(Gen *g, unsigned size, unsigned mem_pct, char *buf, size_t n)
{
    if (chance(g, mem_pct)) return mem_operand(g, size, size == 16 ? 16 : 1, 0, buf, n);
    snprintf(buf, n, "xmm%u", rnd(g, 8));
    return buf;
}

typedef struct SseOp {
    const char *name;
    unsigned msize; /* memory operand size for the source; 0: register only */
    unsigned imm;   /* 0 none; else the immediate's range */
} SseOp;

/* xmm, xmm/m forms. */
static const SseOp sse_rm[] = {
    /* arithmetic */
    {"addps", 16, 0},
    {"addpd", 16, 0},
    {"addss", 4, 0},
    {"addsd", 8, 0},
    {"subps", 16, 0},
    {"subpd", 16, 0},
    {"subss", 4, 0},
    {"subsd", 8, 0},
    {"mulps", 16, 0},
    {"mulpd", 16, 0},
    {"mulss", 4, 0},
    {"mulsd", 8, 0},
    {"divps", 16, 0},
    {"divpd", 16, 0},
    {"divss", 4, 0},
    {"divsd", 8, 0},
    {"minps", 16, 0},
    {"minpd", 16, 0},
    {"minss", 4, 0},
    {"minsd", 8, 0},
    {"maxps", 16, 0},
    {"maxpd", 16, 0},
    {"maxss", 4, 0},
    {"maxsd", 8, 0},
    {"sqrtps", 16, 0},
    {"sqrtpd", 16, 0},
    {"sqrtss", 4, 0},
    {"sqrtsd", 8, 0},
    {"cmpps", 16, 8},
    {"cmppd", 16, 8},
    {"cmpss", 4, 8},
    {"cmpsd", 8, 8},
    /* logic, shuffles, moves */
    {"andps", 16, 0},
    {"andnps", 16, 0},
    {"orps", 16, 0},
    {"xorps", 16, 0},
    {"andpd", 16, 0},
    {"andnpd", 16, 0},
    {"orpd", 16, 0},
    {"xorpd", 16, 0},
    {"shufps", 16, 256},
    {"shufpd", 16, 4},
    {"unpcklps", 16, 0},
    {"unpckhps", 16, 0},
    {"unpcklpd", 16, 0},
    {"unpckhpd", 16, 0},
    {"movaps", 16, 0},
    {"movups", 16, 0},
    {"movapd", 16, 0},
    {"movdqa", 16, 0},
    {"movdqu", 16, 0},
    {"movss", 4, 0},
    {"movsd", 8, 0},
    {"movq", 8, 0},
    {"movhlps", 0, 0},
    {"movlhps", 0, 0},
    /* conversions */
    {"cvtps2pd", 8, 0},
    {"cvtpd2ps", 16, 0},
    {"cvtdq2ps", 16, 0},
    {"cvtps2dq", 16, 0},
    {"cvttps2dq", 16, 0},
    {"cvtdq2pd", 8, 0},
    {"cvtpd2dq", 16, 0},
    {"cvttpd2dq", 16, 0},
    {"cvtss2sd", 4, 0},
    {"cvtsd2ss", 8, 0},
    /* integer SSE2 */
    {"paddb", 16, 0},
    {"paddw", 16, 0},
    {"paddd", 16, 0},
    {"paddq", 16, 0},
    {"psubb", 16, 0},
    {"psubw", 16, 0},
    {"psubd", 16, 0},
    {"psubq", 16, 0},
    {"paddsb", 16, 0},
    {"paddsw", 16, 0},
    {"paddusb", 16, 0},
    {"paddusw", 16, 0},
    {"psubsb", 16, 0},
    {"psubsw", 16, 0},
    {"psubusb", 16, 0},
    {"psubusw", 16, 0},
    {"pmullw", 16, 0},
    {"pmulhw", 16, 0},
    {"pmulhuw", 16, 0},
    {"pmuludq", 16, 0},
    {"pmaddwd", 16, 0},
    {"pavgb", 16, 0},
    {"pavgw", 16, 0},
    {"psadbw", 16, 0},
    {"pminub", 16, 0},
    {"pmaxub", 16, 0},
    {"pminsw", 16, 0},
    {"pmaxsw", 16, 0},
    {"pcmpeqb", 16, 0},
    {"pcmpeqw", 16, 0},
    {"pcmpeqd", 16, 0},
    {"pcmpgtb", 16, 0},
    {"pcmpgtw", 16, 0},
    {"pcmpgtd", 16, 0},
    {"pand", 16, 0},
    {"pandn", 16, 0},
    {"por", 16, 0},
    {"pxor", 16, 0},
    {"packsswb", 16, 0},
    {"packuswb", 16, 0},
    {"packssdw", 16, 0},
    {"punpcklbw", 16, 0},
    {"punpcklwd", 16, 0},
    {"punpckldq", 16, 0},
    {"punpcklqdq", 16, 0},
    {"punpckhbw", 16, 0},
    {"punpckhwd", 16, 0},
    {"punpckhdq", 16, 0},
    {"punpckhqdq", 16, 0},
    {"pshufd", 16, 256},
    {"pshuflw", 16, 256},
    {"pshufhw", 16, 256},
    {"psllw", 16, 0},
    {"pslld", 16, 0},
    {"psllq", 16, 0},
    {"psrlw", 16, 0},
    {"psrld", 16, 0},
    {"psrlq", 16, 0},
    {"psraw", 16, 0},
    {"psrad", 16, 0},
};

void gen_sse_insn(Gen *g)
{
    char a[64], b[64], m[64];
    unsigned k = rnd(g, 12);
    if (k < 7) { /* xmm, xmm/m */
        const SseOp *op = &sse_rm[rnd(g, sizeof sse_rm / sizeof sse_rm[0])];
        bool shift = op->name[1] == 's' && (op->name[2] == 'l' || op->name[2] == 'r');
        unsigned dst = rnd(g, 8);
        if (shift && chance(g, 60)) { /* a count that does not clear everything */
            unsigned cr = rnd(g, 8);
            emit(g, 's', "mov eax, %u", rnd(g, 2) ? rnd(g, 17) : rnd(g, 70));
            emit(g, 's', "movd xmm%u, eax", cr);
            emit(g, 't', "%s xmm%u, xmm%u", op->name, dst, cr);
            return;
        }
        xmm_or_mem(g, op->msize, op->msize ? 35 : 0, b, sizeof b);
        if (op->imm)
            emit(g, 't', "%s xmm%u, %s, %u", op->name, dst, b, rnd(g, op->imm));
        else
            emit(g, 't', "%s xmm%u, %s", op->name, dst, b);
        return;
    }
    switch (k) {
    case 7: { /* stores to memory */
        static const SseOp st[] = {{"movaps", 16, 0}, {"movups", 16, 0}, {"movapd", 16, 0},
                                   {"movdqa", 16, 0}, {"movdqu", 16, 0}, {"movss", 4, 0},
                                   {"movsd", 8, 0},   {"movq", 8, 0},    {"movlps", 8, 0},
                                   {"movhps", 8, 0},  {"movlpd", 8, 0},  {"movhpd", 8, 0},
                                   {"movd", 4, 0}};
        const SseOp *op = &st[rnd(g, sizeof st / sizeof st[0])];
        bool unaligned = op->msize < 16 || op->name[3] == 'u';
        mem_operand(g, op->msize, unaligned ? 1 : 16, 0, m, sizeof m);
        emit(g, 't', "%s %s, xmm%u", op->name, m, rnd(g, 8));
        return;
    }
    case 8: { /* loads of half registers, MOVD from a GPR or memory */
        static const char *const ld[] = {"movlps", "movhps", "movlpd", "movhpd"};
        unsigned r = rnd(g, 3);
        if (r == 0) {
            emit(g, 't', "%s xmm%u, %s", ld[rnd(g, 4)], rnd(g, 8),
                 mem_operand(g, 8, 1, 0, m, sizeof m));
        } else if (r == 1) {
            emit(g, 't', "movd xmm%u, %s", rnd(g, 8), reg_name(rnd(g, 8), 32));
        } else {
            emit(g, 't', "movd xmm%u, %s", rnd(g, 8), mem_operand(g, 4, 1, 0, m, sizeof m));
        }
        return;
    }
    case 9: { /* to a GPR: conversions, masks, PEXTRW, MOVD */
        static const SseOp to[] = {{"cvtss2si", 4, 0},  {"cvttss2si", 4, 0}, {"cvtsd2si", 8, 0},
                                   {"cvttsd2si", 8, 0}, {"pmovmskb", 0, 0},  {"movmskps", 0, 0},
                                   {"movmskpd", 0, 0},  {"pextrw", 0, 8},    {"movd", 0, 0}};
        const SseOp *op = &to[rnd(g, sizeof to / sizeof to[0])];
        unsigned r = pick_wreg(g, 32);
        xmm_or_mem(g, op->msize, op->msize ? 30 : 0, b, sizeof b);
        if (!strcmp(op->name, "movd"))
            emit(g, 't', "movd %s, %s", reg_name(r, 32), b);
        else if (op->imm)
            emit(g, 't', "%s %s, %s, %u", op->name, reg_name(r, 32), b, rnd(g, op->imm));
        else
            emit(g, 't', "%s %s, %s", op->name, reg_name(r, 32), b);
        wrote_reg(g, r, 32);
        return;
    }
    case 10: { /* from a GPR or memory: CVTSI2SS/SD, PINSRW; shifts by immediate */
        unsigned r = rnd(g, 4);
        unsigned x = rnd(g, 8);
        if (r == 0) {
            bool mem = rnd(g, 2);
            if (mem)
                mem_operand(g, 4, 1, 32, a, sizeof a);
            else
                snprintf(a, sizeof a, "%s", reg_name(rnd(g, 8), 32));
            emit(g, 't', "cvtsi2s%c xmm%u, %s", rnd(g, 2) ? 's' : 'd', x, a);
        } else if (r == 1) {
            bool mem = rnd(g, 2);
            if (mem)
                mem_operand(g, 2, 1, 16, a, sizeof a);
            else
                snprintf(a, sizeof a, "%s", reg_name(rnd(g, 8), 32));
            emit(g, 't', "pinsrw xmm%u, %s, %u", x, a, rnd(g, 8));
        } else {
            static const char *const sh[] = {"psllw", "pslld", "psllq", "psrlw",  "psrld",
                                             "psrlq", "psraw", "psrad", "pslldq", "psrldq"};
            emit(g, 't', "%s xmm%u, %u", sh[rnd(g, 10)], x, rnd(g, 3) ? rnd(g, 17) : rnd(g, 70));
        }
        return;
    }
    default: { /* COMISS UCOMISS COMISD UCOMISD; LDMXCSR, STMXCSR */
        unsigned r = rnd(g, 6);
        if (r < 4) {
            static const SseOp c[] = {
                {"comiss", 4, 0}, {"ucomiss", 4, 0}, {"comisd", 8, 0}, {"ucomisd", 8, 0}};
            xmm_or_mem(g, c[r].msize, 30, b, sizeof b);
            emit(g, 't', "%s xmm%u, %s", c[r].name, rnd(g, 8), b);
            wrote_flags(g, FL_ARITH, 0);
        } else if (r == 4) {
            char l[32];
            new_label(g, l, sizeof l);
            fprintf(g->data, "%s: dd 0x%x\n", l, random_mxcsr(g));
            emit(g, 't', "ldmxcsr [%s]", l);
        } else {
            emit(g, 't', "stmxcsr %s", mem_operand(g, 4, 1, 0, m, sizeof m));
        }
        return;
    }
    }
}
