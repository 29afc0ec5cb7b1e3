/*
 * Known QEMU deviations from the SDM (KNOWN.md): each rule explains a
 * difference in exactly one kind of field for exactly one kind of
 * sequence, so that anything else in the same sequence still counts.
 * The table is empty until a deviation is confirmed against the manual.
 */
#include <stdlib.h>
#include <string.h>

#include "diff.h"

/* The mnemonic as a whole word of an instruction line, prefixes
 * included ("movsw" matches "rep movsw"). */
bool seq_has_insn(const MapSeq *s, const char *mnemonic)
{
    size_t n = strlen(mnemonic);
    for (unsigned i = 0; i < s->nlines; i++) {
        if (s->lines[i].role != 't') continue;
        const char *t = s->lines[i].text;
        for (const char *p = strstr(t, mnemonic); p; p = strstr(p + 1, mnemonic))
            if ((p == t || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) return true;
    }
    return false;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* KNOWN.md "FDP with 16-bit addressing": QEMU keeps the 32-bit sum of the
 * address registers; the pointer is the 16-bit offset. */
static bool fdp_a16(const MapSeq *s, Field f, unsigned i, const Dump *d, const Dump *q)
{
    (void)s;
    if (f != F_FPTR || i != 5) return false;
    uint32_t dp = le32(d->fpu + FS_FDP), qp = le32(q->fpu + FS_FDP);
    return dp <= 0xffff && (qp & 0xffff) == dp;
}

/* KNOWN.md "FCOMI leaves OF SF AF": the SDM clears them; QEMU keeps them. */
static bool fcomi_flags(const MapSeq *s, Field f, unsigned i, const Dump *d, const Dump *q)
{
    (void)q;
    if (f != F_EFLAGS || !(i == 11 || i == 7 || i == 4) || (d->regs[8] >> i & 1)) return false;
    return seq_has_insn(s, "fcomi") || seq_has_insn(s, "fcomip") || seq_has_insn(s, "fucomi") ||
           seq_has_insn(s, "fucomip");
}

/* ---- SSE (KNOWN.md "SSE: ..." sections) ---- */

enum {
    MXCSR_DE = 1u << 1,
    MXCSR_DAZ = 1u << 6,
};

/* Does the sequence execute any of the mnemonics (NULL-terminated)? */
static bool seq_has_any(const MapSeq *s, const char *const *mnemonics)
{
    for (; *mnemonics; mnemonics++)
        if (seq_has_insn(s, *mnemonics)) return true;
    return false;
}

/* The instructions that signal the denormal-operand exception (SDM Vol 2,
 * "SIMD Floating-Point Exceptions" of each: Denormal). */
static const char *const sse_denormal_insns[] = {
    "addps",   "addss",    "addpd",    "addsd",    "subps",    "subss",  "subpd",
    "subsd",   "mulps",    "mulss",    "mulpd",    "mulsd",    "divps",  "divss",
    "divpd",   "divsd",    "minps",    "minss",    "minpd",    "minsd",  "maxps",
    "maxss",   "maxpd",    "maxsd",    "sqrtps",   "sqrtss",   "sqrtpd", "sqrtsd",
    "cmpps",   "cmpss",    "cmppd",    "cmpsd",    "comiss",   "comisd", "ucomiss",
    "ucomisd", "cvtps2pd", "cvtss2sd", "cvtpd2ps", "cvtsd2ss", NULL,
};

/* KNOWN.md "SSE: no denormal-operand flag": MXCSR differs only in DE,
 * set by doppel, with DAZ clear (DAZ suppresses DE). */
static bool sse_de_flag(const MapSeq *s, Field f, unsigned i, const Dump *d, const Dump *q)
{
    (void)i;
    if (f != F_MXCSR || !d->has_xmm || !q->has_xmm) return false;
    return (d->mxcsr ^ q->mxcsr) == MXCSR_DE && (d->mxcsr & MXCSR_DE) && !(d->mxcsr & MXCSR_DAZ) &&
           seq_has_any(s, sse_denormal_insns);
}

/* The same flag in an MXCSR image STMXCSR stored: an area byte that
 * differs only in bit 1 (DE is bit 1 of the image's low byte). */
static bool sse_de_stored(const MapSeq *s, Field f, unsigned i, const Dump *d, const Dump *q)
{
    if (f != F_AREA || i >= AREA_SIZE) return false;
    return (d->area[i] ^ q->area[i]) == MXCSR_DE && (d->area[i] & MXCSR_DE) &&
           seq_has_insn(s, "stmxcsr") && seq_has_any(s, sse_denormal_insns);
}

/* Lanes of an XMM register as floats of width w (4 or 8 bytes). */
static uint64_t xmm_lane(const uint8_t *x, unsigned w, unsigned lane)
{
    uint64_t v = 0;
    for (unsigned b = 0; b < w; b++)
        v |= (uint64_t)x[lane * w + b] << (8 * b);
    return v;
}

typedef struct FloatFormat {
    unsigned width; /* bytes */
    uint64_t sign, exp, frac;
} FloatFormat;

static const FloatFormat float_formats[] = {
    {4, 0x80000000u, 0x7f800000u, 0x007fffffu},
    {8, 0x8000000000000000u, 0x7ff0000000000000u, 0x000fffffffffffffu},
};

/* Does pred hold for every lane where doppel's and QEMU's register r
 * differ, with the lanes read as singles, or else as doubles? */
static bool every_differing_lane(const Dump *d, const Dump *q, unsigned r,
                                 bool (*pred)(const FloatFormat *ff, uint64_t dv, uint64_t qv))
{
    for (unsigned k = 0; k < 2; k++) {
        const FloatFormat *ff = &float_formats[k];
        bool all = true;
        for (unsigned lane = 0; lane < 16 / ff->width && all; lane++) {
            uint64_t dv = xmm_lane(d->xmm + 16 * r, ff->width, lane);
            uint64_t qv = xmm_lane(q->xmm + 16 * r, ff->width, lane);
            if (dv != qv && !pred(ff, dv, qv)) all = false;
        }
        if (all) return true;
    }
    return false;
}

/* doppel's lane a zero, QEMU's a denormal of the same sign. */
static bool zero_vs_denormal(const FloatFormat *ff, uint64_t dv, uint64_t qv)
{
    return (dv & ~ff->sign) == 0 && (qv & ff->exp) == 0 && (qv & ff->frac) != 0 &&
           (dv & ff->sign) == (qv & ff->sign);
}

/* Both lanes NaNs. */
static bool both_nan(const FloatFormat *ff, uint64_t dv, uint64_t qv)
{
    return (dv & ff->exp) == ff->exp && (dv & ff->frac) != 0 && (qv & ff->exp) == ff->exp &&
           (qv & ff->frac) != 0;
}

static uint32_t initial_mxcsr(const MapSeq *s)
{
    const char *sp = strchr(s->sse_init, ' ');
    return sp ? (uint32_t)strtoul(sp + 1, NULL, 16) : 0;
}

/* KNOWN.md "SSE: MIN and MAX ignore DAZ": DAZ set at the start or at
 * the end (LDMXCSR may set it in between), the sequence executes a MIN or
 * MAX, and every differing lane is a zero in doppel's register and a
 * denormal of the same sign in QEMU's. */
static bool sse_daz_minmax(const MapSeq *s, Field f, unsigned i, const Dump *d, const Dump *q)
{
    static const char *const minmax[] = {"minps", "minss", "minpd", "minsd", "maxps",
                                         "maxss", "maxpd", "maxsd", NULL};
    if (f != F_XMM || i >= 8 || !((initial_mxcsr(s) | d->mxcsr) & MXCSR_DAZ)) return false;
    return seq_has_any(s, minmax) && every_differing_lane(d, q, i, zero_vs_denormal);
}

/* KNOWN.md "SSE: NaN operands, the larger significand": the sequence
 * executes an arithmetic instruction that propagates a NaN, and every
 * differing lane is a NaN on both sides. */
static bool sse_nan_pick(const MapSeq *s, Field f, unsigned i, const Dump *d, const Dump *q)
{
    static const char *const arith[] = {"addps", "addss", "addpd", "addsd", "subps", "subss",
                                        "subpd", "subsd", "mulps", "mulss", "mulpd", "mulsd",
                                        "divps", "divss", "divpd", "divsd", NULL};
    if (f != F_XMM || i >= 8) return false;
    return seq_has_any(s, arith) && every_differing_lane(d, q, i, both_nan);
}

/* ---- end of SSE ---- */

/* ---- x87 (KNOWN.md "x87: ..." sections) ----
 *
 * Every rule below was confirmed against the host's Intel x87: the
 * generated programs were run natively (32-bit user mode, the data area
 * mapped at 0x6000), and doppel's state equalled the hardware's in every
 * field the hardware reports (1800 sequences; not the FCS/FDS/FDP
 * pointers, which current Intel parts deprecate). */

enum {
    SW_IE = 1u << 0,
    SW_DE = 1u << 1,
    SW_PE = 1u << 5,
    SW_C0 = 1u << 8,
    SW_C1 = 1u << 9,
    SW_C2 = 1u << 10,
    SW_C3 = 1u << 14,
    SW_EXC_CC = 0x3f | SW_C0 | SW_C1 | SW_C2 | SW_C3,
};

/* Does an instruction line under test start with text (e.g. "fld dword")? */
static bool seq_has_prefix(const MapSeq *s, const char *text)
{
    for (unsigned i = 0; i < s->nlines; i++)
        if (s->lines[i].role == 't' && !strncmp(s->lines[i].text, text, strlen(text))) return true;
    return false;
}

/* Instructions that signal the denormal-operand exception (SDM Vol 2,
 * "Floating-Point Exceptions" of each: #D); FLD only from single and
 * double precision (SDM Vol 2 FLD). */
static const char *const x87_denormal_insns[] = {
    "fadd",    "faddp", "fiadd",  "fsub",   "fsubp",  "fisub",   "fsubr",   "fsubrp",  "fisubr",
    "fmul",    "fmulp", "fimul",  "fdiv",   "fdivp",  "fidiv",   "fdivr",   "fdivrp",  "fidivr",
    "fcom",    "fcomp", "fcompp", "fucom",  "fucomp", "fucompp", "fcomi",   "fcomip",  "fucomi",
    "fucomip", "ftst",  "fsqrt",  "fscale", "fprem",  "fprem1",  "fxtract", "frndint", NULL,
};

/* Instructions whose C1 the SDM defines (rounded up, or cleared): every
 * generated x87 instruction but FNSTSW FNSTCW FLDCW FNCLEX FCMOVcc
 * FCOMI (SDM Vol 2, "FPU Flags Affected" of each). */
static const char *const x87_c1_insns[] = {
    "fld",    "fild",    "fld1",   "fldz",   "fldpi",   "fldl2e", "fldl2t", "fldlg2",  "fldln2",
    "fst",    "fstp",    "fist",   "fistp",  "fadd",    "faddp",  "fiadd",  "fsub",    "fsubp",
    "fisub",  "fsubr",   "fsubrp", "fisubr", "fmul",    "fmulp",  "fimul",  "fdiv",    "fdivp",
    "fidiv",  "fdivr",   "fdivrp", "fidivr", "fsqrt",   "fabs",   "fchs",   "frndint", "ftst",
    "fxam",   "fscale",  "fprem",  "fprem1", "fxtract", "fcom",   "fcomp",  "fcompp",  "fucom",
    "fucomp", "fucompp", "fxch",   NULL,
};

/* Instructions QEMU rounds to the precision control though the SDM
 * applies it only to FADD FSUB FMUL FDIV FSQRT and their variants (SDM
 * Vol 1 §8.1.5.2): converting a double or doubleword integer operand
 * (FLD m64, FILD m32/m64, and the m64/m32int operands of the arithmetic
 * and FICOM forms), FSCALE, FXTRACT, FPREM, FPREM1. */
static bool x87_pc_widened(const MapSeq *s)
{
    static const char *const insns[] = {"fscale", "fxtract", "fprem", "fprem1", NULL};
    static const char *const prefixes[] = {"fld qword", "fild dword", "fild qword", NULL};
    if (seq_has_any(s, insns)) return true;
    for (const char *const *p = prefixes; *p; p++)
        if (seq_has_prefix(s, *p)) return true;
    for (unsigned i = 0; i < s->nlines; i++) {
        const char *t = s->lines[i].text;
        if (s->lines[i].role != 't' || t[0] != 'f') continue;
        if (strstr(t, " qword [")) return true;                /* FADD m64 ... FCOM m64 */
        if (t[1] == 'i' && strstr(t, " dword [")) return true; /* FIADD m32int ... */
    }
    return false;
}

/* KNOWN.md "x87: precision control applied beyond the arithmetic": such
 * an instruction, while the precision control may be 24 or 53 bits (the
 * initial control word, or any FLDCW: the map does not record the values
 * FLDCW loads); or, with 24 bits from the start, a double the setup
 * loads. */
static bool x87_qemu_pc(const MapSeq *s)
{
    unsigned fcw = (unsigned)strtoul(s->fpu_init, NULL, 16), pc = (fcw >> 8) & 3;
    if (pc == 0) {
        /* The setup's FLD m64 (a 16-digit value of the F line) under 24 bits. */
        const char *p = s->fpu_init;
        for (unsigned k = 0; *p; k++) {
            size_t n = strcspn(p, " ");
            if (k >= 3 && n == 16) return true;
            p += n;
            p += strspn(p, " ");
        }
    }
    return (pc != 3 || seq_has_insn(s, "fldcw")) && x87_pc_widened(s);
}

/* The setup loads a single or double denormal (FLD m32/m64: #D, SDM Vol 2
 * FLD) and does not clear the flags after (the F line's fnclex 0). */
static bool x87_setup_loads_denormal(const MapSeq *s)
{
    const char *p = s->fpu_init;
    bool fnclex = false;
    for (unsigned k = 0; *p; k++) {
        size_t n = strcspn(p, " ");
        if (k == 1) fnclex = *p == '1';
        if (k >= 3 && (n == 8 || n == 16)) {
            char buf[17];
            memcpy(buf, p, n);
            buf[n] = 0;
            uint64_t v = strtoull(buf, NULL, 16);
            uint64_t exp = n == 8 ? 0x7f800000u : 0x7ff0000000000000u;
            uint64_t frac = n == 8 ? 0x007fffffu : 0x000fffffffffffffu;
            if (!fnclex && !(v & exp) && (v & frac)) return true;
        }
        p += n;
        p += strspn(p, " ");
    }
    return false;
}

/* The status-word bits each x87 deviation explains in this sequence,
 * given doppel's and QEMU's words. */
static unsigned x87_sw_explained(const MapSeq *s, unsigned dsw, unsigned qsw)
{
    unsigned ok = 0;
    /* "x87: no denormal-operand flag": set by doppel, clear in QEMU's. */
    if ((dsw & SW_DE) && !(qsw & SW_DE) && seq_has_any(s, x87_denormal_insns)) ok |= SW_DE;
    if (seq_has_prefix(s, "fld dword") || seq_has_prefix(s, "fld qword") ||
        x87_setup_loads_denormal(s))
        if ((dsw & SW_DE) && !(qsw & SW_DE)) ok |= SW_DE;
    /* "x87: C1 is not the round-up indicator". */
    if (seq_has_any(s, x87_c1_insns)) ok |= SW_C1;
    /* "x87: FSQRT of a negative operand sets C2" (C0 C2 C3 undefined). */
    if (seq_has_insn(s, "fsqrt")) ok |= SW_C0 | SW_C2 | SW_C3;
    /* "x87: FPREM of a NaN keeps C0 and C3". */
    if (seq_has_insn(s, "fprem") || seq_has_insn(s, "fprem1")) ok |= SW_C0 | SW_C3;
    if (x87_qemu_pc(s)) ok |= SW_EXC_CC;
    return ok;
}

/* A status word differing only in explained bits, the rule's own among
 * them (own: the bits this rule's KNOWN.md section covers). */
static bool x87_sw_field(const MapSeq *s, Field f, unsigned i, const Dump *d, const Dump *q,
                         unsigned own)
{
    unsigned dsw, qsw;
    if (f == F_FSW && d->has_fpu && q->has_fpu) {
        dsw = le32(d->fpu + FS_FSW) & 0xffff, qsw = le32(q->fpu + FS_FSW) & 0xffff;
    } else if (f == F_GPR && i == 0 && seq_has_prefix(s, "fnstsw ax")) {
        /* FNSTSW AX: the status word in AX. */
        if ((d->regs[0] ^ q->regs[0]) >> 16) return false;
        dsw = d->regs[0] & 0xffff, qsw = q->regs[0] & 0xffff;
    } else if (f == F_AREA && i < AREA_SIZE && seq_has_prefix(s, "fnstsw word")) {
        /* FNSTSW m16: one byte of a stored status word, low or high. */
        unsigned x = d->area[i] ^ q->area[i];
        unsigned lo = x87_sw_explained(s, d->area[i], q->area[i]) & 0xff;
        unsigned hi =
            x87_sw_explained(s, (unsigned)d->area[i] << 8, (unsigned)q->area[i] << 8) >> 8;
        if (!(x & ~lo) && (x & own & 0xff)) return true;
        return !(x & ~hi) && (x & (own >> 8));
    } else {
        return false;
    }
    unsigned x = dsw ^ qsw;
    return x && !(x & ~x87_sw_explained(s, dsw, qsw)) && (x & own);
}

static bool x87_de(const MapSeq *s, Field f, unsigned i, const Dump *d, const Dump *q)
{
    return x87_sw_field(s, f, i, d, q, SW_DE);
}

static bool x87_c1(const MapSeq *s, Field f, unsigned i, const Dump *d, const Dump *q)
{
    return x87_sw_field(s, f, i, d, q, SW_C1);
}

static bool x87_fsqrt_c2(const MapSeq *s, Field f, unsigned i, const Dump *d, const Dump *q)
{
    return seq_has_insn(s, "fsqrt") && x87_sw_field(s, f, i, d, q, SW_C0 | SW_C2 | SW_C3);
}

static bool x87_prem_nan(const MapSeq *s, Field f, unsigned i, const Dump *d, const Dump *q)
{
    return (seq_has_insn(s, "fprem") || seq_has_insn(s, "fprem1")) &&
           x87_sw_field(s, f, i, d, q, SW_C0 | SW_C3);
}

/* KNOWN.md "x87: precision control applied beyond the arithmetic": its
 * status bits (above), and the registers, tags and stores the rounded
 * values reach. */
static bool x87_pc(const MapSeq *s, Field f, unsigned i, const Dump *d, const Dump *q)
{
    if (!x87_qemu_pc(s)) return false;
    if (f == F_ST || f == F_FTW || f == F_AREA) return true;
    if (f == F_GPR) return i == 0 && seq_has_prefix(s, "fnstsw ax");
    return x87_sw_field(s, f, i, d, q, SW_EXC_CC);
}

/* KNOWN.md "x87: FIP after a control instruction": the sequence's last
 * x87 instruction is FNSTSW, FNSTCW, FLDCW or FNCLEX, which keep the
 * instruction pointer (SDM Vol 1 §8.1.8), or FNOP, which sets it. */
static bool x87_fip(const MapSeq *s, Field f, unsigned i, const Dump *d, const Dump *q)
{
    (void)d, (void)q;
    static const char *const control[] = {"fnstsw", "fnstcw", "fldcw", "fnclex", "fnop"};
    if (f != F_FPTR || i != 3) return false;
    const char *last = NULL;
    for (unsigned k = 0; k < s->nlines; k++)
        if (s->lines[k].role == 't' && s->lines[k].text[0] == 'f') last = s->lines[k].text;
    if (!last) return false;
    for (unsigned k = 0; k < sizeof control / sizeof control[0]; k++) {
        size_t n = strlen(control[k]);
        if (!strncmp(last, control[k], n) && (last[n] == ' ' || !last[n])) return true;
    }
    return false;
}

/* KNOWN.md "x87: a differing status word read back": FNSTSW m16 stored a
 * status word that differs by the rules above (some data-area byte is
 * explained by them), and a later instruction reads memory: the values
 * it computes from those bytes differ too. */
static bool x87_sw_read_back(const MapSeq *s, Field f, unsigned i, const Dump *d, const Dump *q)
{
    (void)i;
    if (f != F_ST && f != F_FSW && f != F_FTW && f != F_AREA) return false;
    bool stored = false, read_after = false;
    for (unsigned k = 0; k < s->nlines; k++) {
        const char *t = s->lines[k].text;
        if (s->lines[k].role != 't') continue;
        if (!strncmp(t, "fnstsw word", 11))
            stored = true;
        else if (stored && t[0] == 'f' && strchr(t, '[') && strncmp(t, "fst", 3) &&
                 strncmp(t, "fist", 4) && strncmp(t, "fnst", 4))
            read_after = true;
    }
    if (!read_after) return false;
    for (unsigned j = 0; j < AREA_SIZE; j++)
        if (d->area[j] != q->area[j] && x87_sw_field(s, F_AREA, j, d, q, 0xffff)) return true;
    return false;
}

/* ---- end of x87 ---- */

static const Known known_cases[] = {
    {"FDP with 16-bit addressing", fdp_a16},
    {"FCOMI leaves OF SF AF", fcomi_flags},
    /* SSE */
    {"SSE: no denormal-operand flag", sse_de_flag},
    {"SSE: no denormal-operand flag", sse_de_stored},
    {"SSE: MIN and MAX ignore DAZ", sse_daz_minmax},
    {"SSE: NaN operands, the larger significand", sse_nan_pick},
    /* x87 */
    {"x87: no denormal-operand flag", x87_de},
    {"x87: C1 is not the round-up indicator", x87_c1},
    {"x87: FSQRT of a negative operand sets C2", x87_fsqrt_c2},
    {"x87: FPREM of a NaN keeps C0 and C3", x87_prem_nan},
    {"x87: precision control applied beyond the arithmetic", x87_pc},
    {"x87: FIP after a control instruction", x87_fip},
    {"x87: a differing status word read back", x87_sw_read_back},
    {NULL, NULL},
};

const Known *known_case(const MapSeq *s, Field f, unsigned i, const Dump *doppel, const Dump *qemu)
{
    for (const Known *k = known_cases; k->name; k++)
        if (k->explains(s, f, i, doppel, qemu)) return k;
    return NULL;
}
