/*
 * Disassembly for -d in_asm, the monitor's x/i and gdb: from the
 * frontend's own instruction tables, so every instruction doppel runs is
 * shown with its operands (capstone's SystemZ decoder, built for
 * z/Architecture, knows neither the S/370 I/O instructions nor BALR, BC,
 * STM, SVC and others that S/370 programs are made of).
 *
 * The text is GNU as syntax for s390 (what s390x-linux-gnu-as reads and
 * objdump prints, without its extended branch mnemonics): %rN, %fN and
 * %aN registers, D(X,B) addresses, SS lengths as the length itself, masks
 * and immediates in decimal, relative branch targets as addresses.
 * Operand shapes follow the instruction formats of PoO-390 §5 "Instruction
 * Formats"; the exceptions (masks, single-operand forms) are listed below.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/cpu_debug.h"
#include "frontends/s370/s370_fp.h"
#include "frontends/s370/s370_internal.h"

/* What a register field holds. */
typedef enum OperandKind {
    OPK_GR,   /* general register %rN */
    OPK_FR,   /* floating-point register %fN */
    OPK_AR,   /* access register %aN */
    OPK_MASK, /* a mask or modifier, as a number */
} OperandKind;

/* Instructions whose operands differ from their format's plain shape. */
typedef enum OperandShape {
    SHAPE_PLAIN,
    SHAPE_MASK_FIRST, /* BC, BCR, BRC, BRCL: M1 then the target */
    SHAPE_R1_ONLY,    /* SPM, IPM, EFPC, ...: the second field is unused */
    SHAPE_NONE,       /* S format with the address unused (PTLB, CSCH, ...) */
    SHAPE_NO_R3,      /* the shifts: R1,D2(B2) */
    SHAPE_MASK_R3,    /* ICM, STCM, CLM: R1,M3,D2(B2) */
    SHAPE_AR_AR,      /* LAM, STAM (RS), CPYA (RRE): access registers */
    SHAPE_GR_AR,      /* EAR: %r1,%a2 */
    SHAPE_AR_GR,      /* SAR: %a1,%r2 */
    SHAPE_UNSIGNED,   /* TMH, TML: the immediate is a 16-bit mask */
    SHAPE_FP_MADD,    /* MAEBR and kin (RRD): R1 in bits 16-19, then R3, R2 */
    SHAPE_RELATIVE,   /* LARL: the immediate is a relative address */
} OperandShape;

typedef struct ShapeRule {
    uint16_t key;
    uint8_t shape;
} ShapeRule;

/* Sorted by key. */
static const ShapeRule s370_disas_shapes[] = {
    {0x0400, SHAPE_R1_ONLY},    /* SPM */
    {0x0700, SHAPE_MASK_FIRST}, /* BCR */
    {0x4700, SHAPE_MASK_FIRST}, /* BC */
    {0x8800, SHAPE_NO_R3},      /* SRL */
    {0x8900, SHAPE_NO_R3},      /* SLL */
    {0x8a00, SHAPE_NO_R3},      /* SRA */
    {0x8b00, SHAPE_NO_R3},      /* SLA */
    {0x8c00, SHAPE_NO_R3},      /* SRDL */
    {0x8d00, SHAPE_NO_R3},      /* SLDL */
    {0x8e00, SHAPE_NO_R3},      /* SRDA */
    {0x8f00, SHAPE_NO_R3},      /* SLDA */
    {0x9a00, SHAPE_AR_AR},      /* LAM */
    {0x9b00, SHAPE_AR_AR},      /* STAM */
    {0xa700, SHAPE_UNSIGNED},   /* TMH */
    {0xa701, SHAPE_UNSIGNED},   /* TML */
    {0xa704, SHAPE_MASK_FIRST}, /* BRC */
    {0xb20b, SHAPE_NONE},       /* IPK */
    {0xb20d, SHAPE_NONE},       /* PTLB */
    {0xb222, SHAPE_R1_ONLY},    /* IPM */
    {0xb224, SHAPE_R1_ONLY},    /* IAC */
    {0xb225, SHAPE_R1_ONLY},    /* SSAR */
    {0xb226, SHAPE_R1_ONLY},    /* EPAR */
    {0xb227, SHAPE_R1_ONLY},    /* ESAR */
    {0xb230, SHAPE_NONE},       /* CSCH */
    {0xb231, SHAPE_NONE},       /* HSCH */
    {0xb237, SHAPE_NONE},       /* SAL */
    {0xb238, SHAPE_NONE},       /* RSCH */
    {0xb23c, SHAPE_NONE},       /* SCHM */
    {0xb24d, SHAPE_AR_AR},      /* CPYA */
    {0xb24e, SHAPE_AR_GR},      /* SAR */
    {0xb24f, SHAPE_GR_AR},      /* EAR */
    {0xb276, SHAPE_NONE},       /* XSCH */
    {0xb30e, SHAPE_FP_MADD},    /* MAEBR */
    {0xb30f, SHAPE_FP_MADD},    /* MSEBR */
    {0xb31e, SHAPE_FP_MADD},    /* MADBR */
    {0xb31f, SHAPE_FP_MADD},    /* MSDBR */
    {0xb374, SHAPE_R1_ONLY},    /* LZER */
    {0xb375, SHAPE_R1_ONLY},    /* LZDR */
    {0xb376, SHAPE_R1_ONLY},    /* LZXR */
    {0xb384, SHAPE_R1_ONLY},    /* SFPC */
    {0xb38c, SHAPE_R1_ONLY},    /* EFPC */
    {0xbd00, SHAPE_MASK_R3},    /* CLM */
    {0xbe00, SHAPE_MASK_R3},    /* STCM */
    {0xbf00, SHAPE_MASK_R3},    /* ICM */
    {0xc000, SHAPE_RELATIVE},   /* LARL */
    {0xc004, SHAPE_MASK_FIRST}, /* BRCL */
};

static OperandShape s370_disas_shape(uint16_t key)
{
    unsigned lo = 0, hi = sizeof s370_disas_shapes / sizeof s370_disas_shapes[0];
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (s370_disas_shapes[mid].key == key) return (OperandShape)s370_disas_shapes[mid].shape;
        if (s370_disas_shapes[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SHAPE_PLAIN;
}

/* The floating-point groups say in arg which fields are FPRs (s370_fp.h). */
static bool s370_disas_in_group(const S370InsnDef *def, const S370InsnGroup *g)
{
    return def >= g->defs && def < g->defs + g->count;
}

static void s370_disas_kinds(const S370InsnDef *def, OperandShape shape, OperandKind *k1,
                             OperandKind *k2)
{
    *k1 = *k2 = OPK_GR;
    if (s370_disas_in_group(def, &s370_group_hfp) || s370_disas_in_group(def, &s370_group_bfp)) {
        if (S370_FP_R1(def->arg) != S370_FP_NONE) *k1 = OPK_FR;
        if (S370_FP_R2(def->arg) != S370_FP_NONE) *k2 = OPK_FR;
    }
    switch (shape) {
    case SHAPE_MASK_FIRST: *k1 = OPK_MASK; break;
    case SHAPE_AR_AR: *k1 = *k2 = OPK_AR; break;
    case SHAPE_GR_AR: *k2 = OPK_AR; break;
    case SHAPE_AR_GR: *k1 = OPK_AR; break;
    default: break;
    }
}

/* ---- text ---- */

typedef struct DisasText {
    char *p;
    size_t left;
} DisasText;

static void text_add(DisasText *t, const char *fmt, ...)
{
    if (t->left <= 1) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->p, t->left, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    size_t used = (size_t)n < t->left ? (size_t)n : t->left - 1;
    t->p += used;
    t->left -= used;
}

static void text_reg(DisasText *t, OperandKind k, unsigned r)
{
    static const char *const prefix[] = {[OPK_GR] = "%r", [OPK_FR] = "%f", [OPK_AR] = "%a"};
    if (k == OPK_MASK)
        text_add(t, "%u", r);
    else
        text_add(t, "%s%u", prefix[k], r);
}

/* A register operand with more operands after it. */
static void text_reg_then(DisasText *t, OperandKind k, unsigned r)
{
    text_reg(t, k, r);
    text_add(t, ",");
}

/* D(X,B), D(B) or D; an SS length (or MVCK's register) goes before B. */
static void text_address(DisasText *t, unsigned d, unsigned x, unsigned b)
{
    text_add(t, "%u", d);
    if (x)
        text_add(t, "(%%r%u,%%r%u)", x, b);
    else if (b)
        text_add(t, "(%%r%u)", b);
}

static void text_length_address(DisasText *t, unsigned d, const char *len_fmt, unsigned len,
                                unsigned b)
{
    text_add(t, "%u(", d);
    text_add(t, len_fmt, len);
    text_add(t, ",%%r%u)", b);
}

static void text_target(DisasText *t, uint64_t pc, int64_t halfwords)
{
    text_add(t, "0x%llx", (unsigned long long)((pc + 2 * (uint64_t)halfwords) & 0xffffffffu));
}

static void s370_disas_operands(DisasText *t, const S370InsnDef *def, const S370Insn *in,
                                uint64_t pc)
{
    OperandShape shape = s370_disas_shape(def->key);
    OperandKind k1, k2;
    s370_disas_kinds(def, shape, &k1, &k2);
    /* (Only RI, RIL and RSI immediates are relative.) */
    bool relative = (def->flags & S370F_BRANCH) || shape == SHAPE_RELATIVE;
    switch ((S370Format)def->format) {
    case S370_FMT_E: break;
    case S370_FMT_I: text_add(t, "%u", (unsigned)in->imm & 0xff); break;
    case S370_FMT_RR:
    case S370_FMT_RRE:
        text_reg(t, k1, in->r1);
        if (shape == SHAPE_R1_ONLY) break;
        text_add(t, ",");
        text_reg(t, k2, in->r2);
        break;
    case S370_FMT_RRF:
        /* R1,M3,R2 (the rounding forms).  The RRD multiply-and-add forms
         * have R1 where the others have M3: R1,R3,R2 (PoO-390 §19). */
        if (shape == SHAPE_FP_MADD) {
            text_reg_then(t, OPK_FR, in->r3);
            text_reg_then(t, OPK_FR, in->r1);
        } else {
            text_reg_then(t, k1, in->r1);
            text_reg_then(t, OPK_MASK, in->r3);
        }
        text_reg(t, k2, in->r2);
        break;
    case S370_FMT_RX:
    case S370_FMT_RXE:
        text_reg_then(t, k1, in->r1);
        text_address(t, in->d2, in->x2, in->b2);
        break;
    case S370_FMT_RXF:
        text_reg_then(t, OPK_FR, in->r1);
        text_reg_then(t, OPK_FR, in->r3);
        text_address(t, in->d2, in->x2, in->b2);
        break;
    case S370_FMT_RS:
        text_reg_then(t, k1, in->r1);
        if (shape != SHAPE_NO_R3) text_reg_then(t, shape == SHAPE_MASK_R3 ? OPK_MASK : k1, in->r3);
        text_address(t, in->d2, 0, in->b2);
        break;
    case S370_FMT_RSI:
        text_reg_then(t, k1, in->r1);
        text_reg_then(t, k1, in->r3);
        text_target(t, pc, in->imm);
        break;
    case S370_FMT_RI:
    case S370_FMT_RIL:
        text_reg_then(t, k1, in->r1);
        if (relative)
            text_target(t, pc, in->imm);
        else if (shape == SHAPE_UNSIGNED)
            text_add(t, "%u", (unsigned)in->imm & 0xffff);
        else
            text_add(t, "%d", in->imm);
        break;
    case S370_FMT_SI:
        text_address(t, in->d1, 0, in->b1);
        text_add(t, ",%u", (unsigned)in->imm & 0xff);
        break;
    case S370_FMT_S:
        if (shape != SHAPE_NONE) text_address(t, in->d2, 0, in->b2);
        break;
    case S370_FMT_SS_L:
        text_length_address(t, in->d1, "%u", in->l1 + 1u, in->b1);
        text_add(t, ",");
        text_address(t, in->d2, 0, in->b2);
        break;
    case S370_FMT_SS_LL:
        text_length_address(t, in->d1, "%u", in->l1 + 1u, in->b1);
        text_add(t, ",");
        text_length_address(t, in->d2, "%u", in->l2 + 1u, in->b2);
        break;
    case S370_FMT_SS_LI:
        text_length_address(t, in->d1, "%u", in->l1 + 1u, in->b1);
        text_add(t, ",");
        text_address(t, in->d2, 0, in->b2);
        text_add(t, ",%u", in->l2); /* SRP's I3 sits where L2 would */
        break;
    case S370_FMT_SS_RR:
        text_length_address(t, in->d1, "%%r%u", in->r1, in->b1);
        text_add(t, ",");
        text_address(t, in->d2, 0, in->b2);
        text_add(t, ",%%r%u", in->r3);
        break;
    case S370_FMT_SSE:
        text_address(t, in->d1, 0, in->b1);
        text_add(t, ",");
        text_address(t, in->d2, 0, in->b2);
        break;
    case S370_FMT_COUNT: break;
    }
}

/* The definition of the instruction in any architecture mode: the keys
 * of the modes never collide, and a listing should name what the bytes
 * are even where the current mode would reject them. */
static const S370InsnDef *s370_disas_lookup(uint16_t key)
{
    for (unsigned a = 0; a < S370_ARCH_COUNT; a++) {
        const S370InsnDef *def = s370_lookup(key, (S370ArchMode)a);
        if (def) return def;
    }
    return NULL;
}

unsigned s370_disas_one(const uint8_t *bytes, uint64_t pc, char *out, size_t outlen)
{
    unsigned len = s370_insn_length(bytes[0]);
    uint16_t key = s370_opcode_key(bytes);
    const S370InsnDef *def = s370_disas_lookup(key);
    DisasText t = {out, outlen};
    if (outlen) out[0] = '\0';
    if (!def) {
        text_add(&t, ".insn   ");
        for (unsigned i = 0; i < len; i++)
            text_add(&t, "%02x", bytes[i]);
        return len;
    }
    S370Insn in = {.key = key, .len = (uint8_t)len};
    s370_decode_fields(&in, bytes, (S370Format)def->format);
    char name[16];
    size_t n = 0;
    for (; def->name[n] && n < sizeof name - 1; n++)
        name[n] = (char)tolower((unsigned char)def->name[n]);
    name[n] = '\0';
    text_add(&t, "%-7s ", name);
    s370_disas_operands(&t, def, &in, pc);
    /* No operands: no trailing blank. */
    while (t.p > out && t.p[-1] == ' ') {
        *--t.p = '\0';
        t.left++;
    }
    return len;
}

unsigned s370_disas_mem(CPUState *c, uint64_t vaddr, char *out, size_t outlen)
{
    uint8_t bytes[6];
    if (cpu_memory_rw_debug(c, vaddr, bytes, 2, false) != 0) return 0;
    unsigned len = s370_insn_length(bytes[0]);
    if (len > 2 && cpu_memory_rw_debug(c, vaddr + 2, bytes + 2, len - 2, false) != 0) return 0;
    return s370_disas_one(bytes, vaddr, out, outlen);
}
