/*
 * The x86 decoder: prefixes, opcode maps, table lookup, ModRM/SIB with 16-
 * and 32-bit addressing, displacements and immediates, driven by the
 * operand specs of the matching table line (SDM Vol 2 §2.1, appendix A).
 *
 * Lookup: every line of every group is indexed once by (map, opcode); an
 * opcode has a handful of candidate lines, told apart by the mandatory
 * prefix, ModRM.reg, ModRM.mod and ModRM.rm columns.  A line with a
 * specific mandatory prefix (F3 90 PAUSE) wins over a PFX_ANY line of the
 * same opcode (90 NOP); otherwise lines never overlap (test_x86_decode).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/translator.h"
#include "frontends/x86/x86_core.h"
#include "frontends/x86/x86_internal.h"

const X86InsnGroup *const x86_groups[] = {
    &x86_group_alu,    &x86_group_misc, &x86_group_branch, &x86_group_stack, &x86_group_string,
    &x86_group_system, &x86_group_x87,  &x86_group_mmx,    &x86_group_sse,
};
const unsigned x86_group_count = sizeof x86_groups / sizeof x86_groups[0];

/* ---- the (map, opcode) index, built once ---- */

enum { X86_INDEX_KEYS = X86_NUM_MAPS * 256 };

typedef struct X86DecodeIndex {
    uint32_t start[X86_INDEX_KEYS + 1]; /* lines of key k: lines[start[k] .. start[k+1]) */
    const X86InsnDef **lines;
} X86DecodeIndex;

static X86DecodeIndex x86_index;
static pthread_once_t x86_index_once = PTHREAD_ONCE_INIT;

static unsigned x86_def_opcount(const X86InsnDef *def)
{
    return def->opcount ? def->opcount : 1;
}

static void x86_index_build(void)
{
    uint32_t count[X86_INDEX_KEYS] = {0};
    uint32_t total = 0;
    for (unsigned g = 0; g < x86_group_count; g++) {
        for (unsigned i = 0; i < x86_groups[g]->count; i++) {
            const X86InsnDef *def = &x86_groups[g]->defs[i];
            for (unsigned k = 0; k < x86_def_opcount(def) && def->opcode + k < 256; k++) {
                count[def->map * 256 + def->opcode + k]++;
                total++;
            }
        }
    }
    x86_index.lines = calloc(total ? total : 1, sizeof *x86_index.lines);
    uint32_t pos = 0;
    for (unsigned k = 0; k < X86_INDEX_KEYS; k++) {
        x86_index.start[k] = pos;
        pos += count[k];
        count[k] = x86_index.start[k]; /* reused as the fill cursor */
    }
    x86_index.start[X86_INDEX_KEYS] = pos;
    for (unsigned g = 0; g < x86_group_count; g++) {
        for (unsigned i = 0; i < x86_groups[g]->count; i++) {
            const X86InsnDef *def = &x86_groups[g]->defs[i];
            for (unsigned k = 0; k < x86_def_opcount(def) && def->opcode + k < 256; k++)
                x86_index.lines[count[def->map * 256 + def->opcode + k]++] = def;
        }
    }
}

const X86InsnDef *const *x86_decode_candidates(unsigned map, unsigned opcode, unsigned *n)
{
    pthread_once(&x86_index_once, x86_index_build);
    unsigned k = (map & 3) * 256 + (opcode & 0xff);
    *n = x86_index.start[k + 1] - x86_index.start[k];
    return x86_index.lines + x86_index.start[k];
}

/* ---- operand spec properties ---- */

bool x86_spec_needs_modrm(X86OpndSpec s)
{
    switch (X86_OPND_KIND(s)) {
    case X86K_E:
    case X86K_G:
    case X86K_M:
    case X86K_R:
    case X86K_S:
    case X86K_C:
    case X86K_D:
    case X86K_V:
    case X86K_W:
    case X86K_U:
    case X86K_P:
    case X86K_Q:
    case X86K_N: return true;
    default: return false;
    }
}

bool x86_def_has_modrm(const X86InsnDef *def)
{
    if (def->flags & X86F_MODRM) return true;
    if (def->reg >= 0 || def->rm >= 0 || def->mod != X86_MOD_ANY) return true;
    for (unsigned i = 0; i < 4; i++)
        if (x86_spec_needs_modrm(def->opnd[i])) return true;
    return false;
}

/* Operand size in bytes of a size code (0: the lifter decides). */
static unsigned x86_size_bytes(X86OpndSize s, unsigned opsize)
{
    switch (s) {
    case X86S_B: return 1;
    case X86S_W: return 2;
    case X86S_D: return 4;
    case X86S_Q: return 8;
    case X86S_V:
    case X86S_Z: return opsize;
    case X86S_DQ: return 16;
    case X86S_P: return opsize + 2;
    case X86S_A: return 2 * opsize;
    case X86S_S: return 6;
    default: return 0;
    }
}

/* ---- byte fetch ---- */

typedef struct X86Fetch {
    TranslateContext *ctx; /* NULL: from buf */
    uint64_t pc;
    const uint8_t *buf;
    unsigned buflen;
    unsigned pos;
    bool too_long, past_end;
    uint8_t *bytes; /* the X86Insn's copy */
} X86Fetch;

static uint8_t x86_fetch_u8(X86Fetch *f)
{
    if (f->pos >= 15) {
        f->too_long = true;
        return 0;
    }
    uint8_t v;
    if (f->ctx) {
        v = translator_ldub(f->ctx, (f->pc + f->pos) & 0xffffffffu);
    } else if (f->pos < f->buflen) {
        v = f->buf[f->pos];
    } else {
        f->past_end = true;
        v = 0;
    }
    f->bytes[f->pos++] = v;
    return v;
}

static uint32_t x86_fetch_le(X86Fetch *f, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)x86_fetch_u8(f) << (8 * i);
    return v;
}

static int32_t x86_sext(uint32_t v, unsigned size)
{
    return size == 1 ? (int8_t)v : size == 2 ? (int16_t)v : (int32_t)v;
}

static uint32_t x86_size_mask(unsigned size)
{
    return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

/* ---- line matching ---- */

typedef struct X86Prefixes {
    bool opsize, addrsize, lock;
    uint8_t seg; /* X86_SEG_NONE: none */
    uint8_t rep; /* last of F2/F3, or 0 */
} X86Prefixes;

static bool x86_prefix_matches(const X86InsnDef *def, const X86Prefixes *p)
{
    switch (def->prefix) {
    case X86_PFX_ANY: return true;
    case X86_PFX_NONE: return !p->opsize && !p->rep;
    case X86_PFX_66: return p->opsize && !p->rep;
    case X86_PFX_F3: return p->rep == 0xf3;
    case X86_PFX_F2: return p->rep == 0xf2;
    default: return false;
    }
}

bool x86_def_matches_modrm(const X86InsnDef *def, uint8_t modrm)
{
    unsigned mod = modrm >> 6, reg = (modrm >> 3) & 7, rm = modrm & 7;
    if (def->reg >= 0 && (unsigned)def->reg != reg) return false;
    if (def->mod == X86_MOD_MEM && mod == 3) return false;
    if (def->mod == X86_MOD_REG && mod != 3) return false;
    if (def->rm >= 0 && (mod != 3 || (unsigned)def->rm != rm)) return false;
    return true;
}

/* More specific lines win: a mandatory prefix, then an rm, then a mod. */
static int x86_def_specificity(const X86InsnDef *def)
{
    return (def->prefix != X86_PFX_ANY) * 8 + (def->rm >= 0) * 4 + (def->mod != X86_MOD_ANY) * 2 +
           (def->reg >= 0);
}

/* ---- addressing (SDM Vol 2 §2.1.5 tables 2-1, 2-2, 2-3) ---- */

static void x86_decode_mem16(X86Fetch *f, X86Insn *in)
{
    static const uint8_t base16[8] = {X86_EBX, X86_EBX, X86_EBP, X86_EBP,
                                      X86_ESI, X86_EDI, X86_EBP, X86_EBX};
    static const uint8_t index16[8] = {X86_ESI,      X86_EDI,      X86_ESI,      X86_EDI,
                                       X86_REG_NONE, X86_REG_NONE, X86_REG_NONE, X86_REG_NONE};
    X86MemOperand *m = &in->mem;
    m->base = base16[in->rm];
    m->index = index16[in->rm];
    if (in->mod == 0 && in->rm == 6) {
        m->base = X86_REG_NONE;
        m->disp = (int16_t)x86_fetch_le(f, 2);
    } else if (in->mod == 1) {
        m->disp = (int8_t)x86_fetch_u8(f);
    } else if (in->mod == 2) {
        m->disp = (int16_t)x86_fetch_le(f, 2);
    }
    if (m->base == X86_EBP) m->seg = X86_SEG_SS;
}

static void x86_decode_mem32(X86Fetch *f, X86Insn *in)
{
    X86MemOperand *m = &in->mem;
    unsigned base = in->rm;
    m->index = X86_REG_NONE;
    if (in->rm == 4) {
        uint8_t sib = x86_fetch_u8(f);
        unsigned index = (sib >> 3) & 7;
        base = sib & 7;
        m->scale = sib >> 6;
        if (index != X86_ESP) m->index = (uint8_t)index;
        if (base == X86_EBP && in->mod == 0) {
            base = X86_REG_NONE;
            m->disp = (int32_t)x86_fetch_le(f, 4);
        }
    } else if (in->rm == 5 && in->mod == 0) {
        base = X86_REG_NONE;
        m->disp = (int32_t)x86_fetch_le(f, 4);
    }
    m->base = (uint8_t)base;
    if (in->mod == 1)
        m->disp = (int8_t)x86_fetch_u8(f);
    else if (in->mod == 2)
        m->disp = (int32_t)x86_fetch_le(f, 4);
    if (base == X86_EBP || base == X86_ESP) m->seg = X86_SEG_SS;
}

/* ---- operands ---- */

/* Decode operand spec s into o; false for a form the spec forbids. */
static bool x86_decode_operand(X86Fetch *f, X86Insn *in, X86OpndSpec s, X86Operand *o)
{
    unsigned size = x86_size_bytes(X86_OPND_SIZE(s), in->opsize);
    o->size = (uint8_t)size;
    switch (X86_OPND_KIND(s)) {
    case X86K_NONE: return true;
    case X86K_E:
        if (in->mod == 3) {
            o->type = X86O_GPR;
            o->reg = in->rm;
        } else {
            o->type = X86O_MEM;
        }
        return true;
    case X86K_G:
        o->type = X86O_GPR;
        o->reg = in->reg;
        return true;
    case X86K_M: o->type = X86O_MEM; return in->mod != 3;
    case X86K_R:
        /* MOV to/from CR/DR ignore mod (SDM Vol 2 MOV—Move to/from
         * Control Registers): always a register. */
        o->type = X86O_GPR;
        o->reg = in->rm;
        return true;
    case X86K_I: {
        unsigned n = X86_OPND_SIZE(s) == X86S_Z || X86_OPND_SIZE(s) == X86S_V ? in->opsize
                     : size > 4                                               ? 4
                                                                              : size;
        o->type = X86O_IMM;
        o->imm = x86_fetch_le(f, n);
        return true;
    }
    case X86K_IS:
        o->type = X86O_IMM;
        o->imm = (uint32_t)(int32_t)(int8_t)x86_fetch_u8(f) & x86_size_mask(size);
        return true;
    case X86K_J: {
        /* Relative to the next instruction: the translator adds the EIP
         * of the instruction (x86_decode_fix_targets); here imm holds the
         * displacement from the instruction's start minus its length. */
        unsigned n = X86_OPND_SIZE(s) == X86S_B ? 1 : in->opsize;
        o->type = X86O_IMM;
        o->size = in->opsize;
        o->imm = x86_sext(x86_fetch_le(f, n), n);
        return true;
    }
    case X86K_O:
        o->type = X86O_MEM;
        in->has_mem = true;
        in->mem.moffs = true;
        in->mem.base = in->mem.index = X86_REG_NONE;
        in->mem.disp = (int32_t)x86_fetch_le(f, in->addrsize);
        return true;
    case X86K_Z:
        o->type = X86O_GPR;
        o->reg = in->opcode & 7;
        return true;
    case X86K_S:
        o->type = X86O_SREG;
        o->reg = in->reg;
        return in->reg < X86_NUM_SEGS;
    case X86K_C:
        o->type = X86O_CR;
        o->reg = in->reg;
        return true;
    case X86K_D:
        o->type = X86O_DR;
        o->reg = in->reg;
        return true;
    case X86K_A:
        o->type = X86O_FAR;
        o->imm = x86_fetch_le(f, in->opsize);
        o->sel = (uint16_t)x86_fetch_le(f, 2);
        return true;
    case X86K_X:
        o->type = X86O_STR;
        o->seg = in->seg_override != X86_SEG_NONE ? in->seg_override : X86_SEG_DS;
        o->reg = X86_ESI;
        return true;
    case X86K_Y:
        o->type = X86O_STR;
        o->seg = X86_SEG_ES; /* ES cannot be overridden (SDM Vol 2 MOVS) */
        o->reg = X86_EDI;
        return true;
    case X86K_REG:
        o->type = X86O_GPR;
        o->reg = (uint8_t)X86_OPND_FIXED(s);
        return true;
    case X86K_SREG:
        o->type = X86O_SREG;
        o->reg = (uint8_t)X86_OPND_FIXED(s);
        return true;
    case X86K_ONE:
        o->type = X86O_IMM;
        o->imm = 1;
        return true;
    case X86K_V:
    case X86K_P:
        o->type = X86_OPND_KIND(s) == X86K_V ? X86O_XMM : X86O_MMX;
        o->reg = in->reg;
        return true;
    case X86K_W:
    case X86K_Q:
        if (in->mod == 3) {
            o->type = X86_OPND_KIND(s) == X86K_W ? X86O_XMM : X86O_MMX;
            o->reg = in->rm;
        } else {
            o->type = X86O_MEM;
        }
        return true;
    case X86K_U:
    case X86K_N:
        o->type = X86_OPND_KIND(s) == X86K_U ? X86O_XMM : X86O_MMX;
        o->reg = in->rm;
        return in->mod == 3;
    default: return false;
    }
}

/* ---- the decoder ---- */

static bool x86_spec_is_mem_capable(X86OpndSpec s)
{
    switch (X86_OPND_KIND(s)) {
    case X86K_E:
    case X86K_M:
    case X86K_W:
    case X86K_Q: return true;
    default: return false;
    }
}

static X86DecodeResult x86_decode_fetched(X86Fetch *f, bool cs32, X86Insn *in)
{
    memset(in, 0, sizeof *in);
    f->bytes = in->bytes;
    X86Prefixes p = {.seg = X86_SEG_NONE};
    uint8_t b;
    for (;;) {
        b = x86_fetch_u8(f);
        if (f->too_long) return X86_DECODE_TOO_LONG;
        if (f->past_end) return X86_DECODE_UD;
        switch (b) {
        case 0x66: p.opsize = true; continue;
        case 0x67: p.addrsize = true; continue;
        case 0x26: p.seg = X86_SEG_ES; continue;
        case 0x2e: p.seg = X86_SEG_CS; continue;
        case 0x36: p.seg = X86_SEG_SS; continue;
        case 0x3e: p.seg = X86_SEG_DS; continue;
        case 0x64: p.seg = X86_SEG_FS; continue;
        case 0x65: p.seg = X86_SEG_GS; continue;
        case 0xf0: p.lock = true; continue;
        case 0xf2:
        case 0xf3: p.rep = b; continue;
        default: break;
        }
        break;
    }
    unsigned map = X86_MAP_ONE;
    if (b == 0x0f) {
        map = X86_MAP_0F;
        b = x86_fetch_u8(f);
        if (b == 0x38 || b == 0x3a) {
            map = b == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
            b = x86_fetch_u8(f);
        }
    }
    if (f->too_long) return X86_DECODE_TOO_LONG;
    if (f->past_end) return X86_DECODE_UD;
    in->map = (uint8_t)map;
    in->opcode = b;

    unsigned n;
    const X86InsnDef *const *cands = x86_decode_candidates(map, b, &n);
    bool need_modrm = false;
    for (unsigned i = 0; i < n; i++)
        if (x86_prefix_matches(cands[i], &p) && x86_def_has_modrm(cands[i])) need_modrm = true;
    if (need_modrm) {
        in->has_modrm = true;
        in->modrm = x86_fetch_u8(f);
        in->mod = in->modrm >> 6;
        in->reg = (in->modrm >> 3) & 7;
        in->rm = in->modrm & 7;
        if (f->too_long) return X86_DECODE_TOO_LONG;
        if (f->past_end) return X86_DECODE_UD;
    }
    const X86InsnDef *def = NULL;
    int best = -1;
    for (unsigned i = 0; i < n; i++) {
        const X86InsnDef *c = cands[i];
        if (!x86_prefix_matches(c, &p)) continue;
        if (x86_def_has_modrm(c) != need_modrm) continue;
        if (need_modrm && !x86_def_matches_modrm(c, in->modrm)) continue;
        int s = x86_def_specificity(c);
        if (s > best) best = s, def = c;
    }
    if (!def) return X86_DECODE_UD;
    in->def = def;

    /* A prefix used as the mandatory prefix has no other meaning. */
    bool opsize_pfx = p.opsize && def->prefix != X86_PFX_66;
    in->opsize = (cs32 != opsize_pfx) ? 4 : 2;
    if (def->flags & X86F_NO16) in->opsize = 4;
    in->addrsize = (cs32 != p.addrsize) ? 4 : 2;
    in->seg_override = p.seg;
    in->rep = (def->flags & X86F_REP) && def->prefix != X86_PFX_F3 && def->prefix != X86_PFX_F2
                  ? p.rep
                  : 0;
    in->lock = p.lock;

    /* The memory operand (SDM Vol 2 §2.1.5). */
    bool mem_capable = false;
    for (unsigned i = 0; i < 4; i++)
        mem_capable |= x86_spec_is_mem_capable(def->opnd[i]);
    if (need_modrm && in->mod != 3 && mem_capable) {
        in->has_mem = true;
        in->mem.seg = X86_SEG_DS;
        if (in->addrsize == 2)
            x86_decode_mem16(f, in);
        else
            x86_decode_mem32(f, in);
    }
    for (unsigned i = 0; i < 4 && def->opnd[i]; i++) {
        if (X86_OPND_KIND(def->opnd[i]) == X86K_O) in->mem.seg = X86_SEG_DS;
        if (!x86_decode_operand(f, in, def->opnd[i], &in->op[i])) return X86_DECODE_UD;
        in->nopnds = (uint8_t)(i + 1);
    }
    /* ModRM and moffs forms alike: an override replaces the default. */
    if (in->has_mem && p.seg != X86_SEG_NONE) in->mem.seg = p.seg;
    if (f->too_long) return X86_DECODE_TOO_LONG;
    if (f->past_end) return X86_DECODE_UD;
    in->len = (uint8_t)f->pos;
    return X86_DECODE_OK;
}

void x86_decode_fix_targets(X86Insn *in, uint32_t eip)
{
    for (unsigned i = 0; i < in->nopnds; i++) {
        if (X86_OPND_KIND(in->def->opnd[i]) != X86K_J) continue;
        uint32_t target = eip + in->len + (uint32_t)in->op[i].imm;
        in->op[i].imm = target & x86_size_mask(in->opsize);
    }
}

X86DecodeResult x86_decode(TranslateContext *ctx, uint64_t pc, bool cs32, X86Insn *in)
{
    X86Fetch f = {.ctx = ctx, .pc = pc};
    return x86_decode_fetched(&f, cs32, in);
}

X86DecodeResult x86_decode_bytes(const uint8_t *bytes, unsigned len, bool cs32, X86Insn *in)
{
    X86Fetch f = {.buf = bytes, .buflen = len};
    X86DecodeResult r = x86_decode_fetched(&f, cs32, in);
    if (r == X86_DECODE_OK) x86_decode_fix_targets(in, 0);
    return r;
}
