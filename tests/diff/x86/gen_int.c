/*
 * x86-diffgen: the integer category.  One call writes one instruction
 * under test, with the setups that make its operands valid (a divisor
 * and dividend whose quotient fits, string pointers inside the data
 * area, ...) and records which flags and registers the SDM leaves
 * undefined after it (SDM Vol 2, each instruction's "Flags Affected").
 */
#include <stdio.h>
#include <string.h>

#include "gen.h"

typedef struct Opnd {
    bool mem;
    unsigned reg; /* register number at the operand's width */
    char s[64];
} Opnd;

static const char *const cc_names[16] = {"o", "no", "b", "ae", "e", "ne", "be", "a",
                                         "s", "ns", "p", "np", "l", "ge", "le", "g"};
/* The flags condition cc reads (SDM Vol 1 Appendix B), by cc >> 1. */
static const uint32_t cc_reads[8] = {FL_OF, FL_CF, FL_ZF,         FL_CF | FL_ZF,
                                     FL_SF, FL_PF, FL_SF | FL_OF, FL_ZF | FL_SF | FL_OF};

static unsigned pick_width(Gen *g)
{
    static const unsigned w[] = {8, 16, 32, 32};
    return w[rnd(g, 4)];
}

/* A register operand; `read`: the instruction reads it (make it defined). */
static void reg_opnd(Gen *g, Opnd *o, unsigned width, bool read, bool write)
{
    o->mem = false;
    o->reg = write ? pick_wreg(g, width) : pick_rreg(g, width);
    if (read) need_reg(g, reg_full(o->reg, width));
    snprintf(o->s, sizeof o->s, "%s", reg_name(o->reg, width));
}

/* A register or memory operand (memory with probability mem_pct). */
static void rm_opnd(Gen *g, Opnd *o, unsigned width, bool read, bool write, unsigned mem_pct)
{
    if (chance(g, mem_pct)) {
        o->mem = true;
        mem_operand(g, width / 8, 1, width, o->s, sizeof o->s);
    } else {
        reg_opnd(g, o, width, read, write);
    }
}

static void wrote(Gen *g, const Opnd *o, unsigned width)
{
    if (!o->mem) wrote_reg(g, reg_full(o->reg, width), width);
}

/* An immediate of the width: random, or small, or an edge value. */
static uint32_t imm_of(Gen *g, unsigned width)
{
    uint32_t mask = width == 32 ? 0xffffffffu : (1u << width) - 1;
    switch (rnd(g, 4)) {
    case 0: return (uint32_t)(int32_t)(int8_t)rnd32(g) & mask; /* sign-extended imm8 form */
    case 1: return (1u << (width - 1)) - rnd(g, 2);            /* 0x80.. or 0x7f.. */
    default: return rnd32(g) & mask;
    }
}

/* Two operands r/m, r or r, r/m (the register read first, so that a
 * memory operand's setups cannot disturb a register chosen earlier). */
static void two_opnds(Gen *g, Opnd *dst, Opnd *src, unsigned width, bool dst_read, bool dst_write,
                      bool src_write)
{
    if (rnd(g, 2)) {
        rm_opnd(g, dst, width, dst_read, dst_write, 40);
        if (dst->mem) g->mem_avoid = 0;
        reg_opnd(g, src, width, true, src_write);
    } else {
        reg_opnd(g, dst, width, dst_read, dst_write);
        g->mem_avoid = (uint8_t)(1u << reg_full(dst->reg, width));
        rm_opnd(g, src, width, true, src_write, 40);
        g->mem_avoid = 0;
    }
}

/* ADD OR ADC SBB AND SUB XOR CMP, TEST, MOV. */
static void g_alu(Gen *g)
{
    static const char *const ops[] = {"add", "or",  "adc", "sbb",  "and",
                                      "sub", "xor", "cmp", "test", "mov"};
    unsigned op = rnd(g, 10), width = pick_width(g);
    bool logic = op == 1 || op == 4 || op == 6 || op == 8;
    bool writes = op != 7 && op != 8;
    if (op == 2 || op == 3) need_flags(g, FL_CF);
    Opnd d, s;
    if (chance(g, 35)) {
        rm_opnd(g, &d, width, op != 9, writes, 40);
        emit(g, 't', "%s %s, 0x%x", ops[op], d.s, imm_of(g, width));
    } else {
        two_opnds(g, &d, &s, width, op != 9, writes, false);
        emit(g, 't', "%s %s, %s", ops[op], d.s, s.s);
    }
    if (writes) wrote(g, &d, width);
    if (op == 9) return;
    if (logic)
        wrote_flags(g, FL_ARITH & ~FL_AF, FL_AF);
    else
        wrote_flags(g, FL_ARITH, 0);
}

/* INC DEC NEG NOT. */
static void g_unary(Gen *g)
{
    static const char *const ops[] = {"inc", "dec", "neg", "not"};
    unsigned op = rnd(g, 4), width = pick_width(g);
    Opnd d;
    rm_opnd(g, &d, width, true, true, 40);
    emit(g, 't', "%s %s", ops[op], d.s);
    wrote(g, &d, width);
    if (op < 2) wrote_flags(g, FL_ARITH & ~FL_CF, 0);
    if (op == 2) wrote_flags(g, FL_ARITH, 0);
}

/* MUL and IMUL, one, two and three operands: CF and OF defined, SF ZF AF
 * PF undefined (SDM Vol 2 MUL, IMUL). */
static void g_mul(Gen *g)
{
    unsigned width = pick_width(g), form = rnd(g, 3);
    Opnd d, s;
    if (width == 8) form = 0;
    if (form == 0) {
        need_reg(g, 0);
        g->mem_avoid = 1u << 0;
        rm_opnd(g, &s, width, true, false, 40);
        g->mem_avoid = 0;
        emit(g, 't', "%s %s", rnd(g, 2) ? "mul" : "imul", s.s);
        if (width == 32) wrote_reg(g, 0, 32), wrote_reg(g, 2, 32);
    } else {
        reg_opnd(g, &d, width, form == 1, true);
        g->mem_avoid = (uint8_t)(1u << d.reg);
        rm_opnd(g, &s, width, true, false, 40);
        g->mem_avoid = 0;
        if (form == 1)
            emit(g, 't', "imul %s, %s", d.s, s.s);
        else
            emit(g, 't', "imul %s, %s, 0x%x", d.s, s.s, imm_of(g, width));
        wrote(g, &d, width);
    }
    wrote_flags(g, FL_CF | FL_OF, FL_SF | FL_ZF | FL_AF | FL_PF);
}

/* DIV and IDIV with a divisor and dividend chosen so that the quotient
 * fits (no #DE); all six flags undefined (SDM Vol 2 DIV, IDIV). */
static void g_div(Gen *g)
{
    unsigned width = pick_width(g);
    bool sig = rnd(g, 2);
    uint64_t wmask = width == 32 ? 0xffffffffull : (1ull << width) - 1;
    uint64_t dividend, divisor;
    if (sig) {
        int64_t half = (int64_t)1 << (width - 1);
        int64_t d = (int64_t)(rng_next(&g->rng) & wmask);
        if (d >= half) d -= 2 * half;
        if (chance(g, 30)) d = (int64_t)rnd(g, 16) - 8;
        if (d == 0) d = 1;
        int64_t q = (int64_t)(rng_next(&g->rng) & wmask);
        if (q >= half) q -= 2 * half;
        if (chance(g, 20)) q = rnd(g, 2) ? half - 1 : -half;
        uint64_t absd = d < 0 ? (uint64_t)-d : (uint64_t)d;
        int64_t r = (int64_t)(rng_next(&g->rng) % absd);
        int64_t qd = q * d;
        bool neg = qd < 0 || (qd == 0 && rnd(g, 2));
        dividend = (uint64_t)(qd + (neg ? -r : r));
        divisor = (uint64_t)d & wmask;
    } else {
        uint64_t d = rng_next(&g->rng) & wmask;
        if (chance(g, 30)) d = rnd(g, 16);
        if (d == 0) d = 1;
        uint64_t q = rng_next(&g->rng) & wmask;
        if (chance(g, 20)) q = wmask;
        dividend = q * d + rng_next(&g->rng) % d;
        divisor = d;
    }
    Opnd s;
    /* The divisor: not part of the dividend (AX, DX:AX, EDX:EAX). */
    g->mem_avoid = 1u << 0 | 1u << 2;
    if (chance(g, 40)) {
        s.mem = true;
        mem_operand(g, width / 8, 1, width, s.s, sizeof s.s);
        emit(g, 's', "mov %s, 0x%llx", s.s, (unsigned long long)divisor);
    } else {
        do
            s.reg = pick_wreg(g, width);
        while (reg_full(s.reg, width) == 0 || (width > 8 && s.reg == 2));
        s.mem = false;
        snprintf(s.s, sizeof s.s, "%s", reg_name(s.reg, width));
        emit(g, 's', "mov %s, 0x%llx", s.s, (unsigned long long)divisor);
    }
    g->mem_avoid = 0;
    if (width == 8) {
        emit(g, 's', "mov ax, 0x%llx", (unsigned long long)(dividend & 0xffff));
    } else {
        emit(g, 's', "mov %s, 0x%llx", reg_name(0, width), (unsigned long long)(dividend & wmask));
        emit(g, 's', "mov %s, 0x%llx", reg_name(2, width),
             (unsigned long long)(dividend >> width & wmask));
    }
    emit(g, 't', "%s %s", sig ? "idiv" : "div", s.s);
    if (width == 32) wrote_reg(g, 0, 32), wrote_reg(g, 2, 32);
    wrote_flags(g, 0, FL_ARITH);
}

/* Flags after a shift or rotate by a count known at generation time, or
 * unknown (count < 0: by CL without a setup).  SDM Vol 2 RCL/RCR/ROL/ROR,
 * SAL/SAR/SHL/SHR "Flags Affected". */
static void shift_flags(Gen *g, unsigned op, unsigned width, int count)
{
    bool rotate = op < 4;
    bool shl_shr = op == 4 || op == 5 || op == 6;
    if (count < 0) {
        /* Count 0 leaves the flags, so nothing becomes defined. */
        uint32_t u = FL_OF;
        if (!rotate) u |= FL_AF | (shl_shr && width < 32 ? FL_CF : 0);
        wrote_flags(g, 0, u);
        return;
    }
    unsigned c = (unsigned)count & 31;
    if (c == 0) return;
    uint32_t def = 0, undef = 0;
    if (rotate) {
        def = FL_CF;
    } else {
        def = FL_SF | FL_ZF | FL_PF;
        undef = FL_AF;
        if (shl_shr && c >= width)
            undef |= FL_CF;
        else
            def |= FL_CF;
    }
    if (c == 1)
        def |= FL_OF;
    else
        undef |= FL_OF;
    wrote_flags(g, def, undef);
}

/* A count in CL: with a setup (known count, returned) or as it is (-1). */
static int cl_count(Gen *g, bool force)
{
    if (force || chance(g, 60)) {
        static const unsigned v[] = {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33};
        unsigned c = chance(g, 50) ? v[rnd(g, 12)] : rnd(g, 256);
        emit(g, 's', "mov cl, %u", c);
        return (int)c;
    }
    need_reg(g, 1);
    return -1;
}

static void g_shift(Gen *g)
{
    static const char *const ops[] = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"};
    unsigned op = rnd(g, 8), width = pick_width(g);
    if (op == 2 || op == 3) need_flags(g, FL_CF);
    Opnd d;
    unsigned how = rnd(g, 3);
    if (how == 2) g->mem_avoid = 1u << 1;
    rm_opnd(g, &d, width, true, true, 35);
    g->mem_avoid = 0;
    int count;
    if (how == 0) {
        count = 1;
        emit(g, 't', "%s %s, 1", ops[op], d.s);
    } else if (how == 1) {
        count = chance(g, 80) ? (int)rnd(g, 33) : (int)rnd(g, 256);
        emit(g, 't', "%s %s, %d", ops[op], d.s, count);
    } else {
        if (!d.mem && reg_full(d.reg, width) == 1) { /* the count register itself */
            need_reg(g, 1);
            count = -1;
        } else {
            count = cl_count(g, false);
        }
        emit(g, 't', "%s %s, cl", ops[op], d.s);
    }
    wrote(g, &d, width);
    shift_flags(g, op, width, count);
}

/* SHLD SHRD: a count above the operand size leaves the destination and
 * the flags undefined (SDM Vol 2 SHLD); only registers get such counts. */
static void g_shxd(Gen *g)
{
    unsigned width = rnd(g, 2) ? 16 : 32;
    const char *op = rnd(g, 2) ? "shld" : "shrd";
    Opnd d, s;
    g->mem_avoid = 1u << 1;
    rm_opnd(g, &d, width, true, true, 35);
    g->mem_avoid = 0;
    do
        reg_opnd(g, &s, width, true, false);
    while (s.reg == 1 || (!d.mem && s.reg == d.reg && rnd(g, 2)));
    bool by_cl = rnd(g, 2);
    unsigned c = rnd(g, 32);
    if (d.mem && c > width) c = rnd(g, width + 1);
    if (by_cl) {
        emit(g, 's', "mov cl, %u", c | (rnd(g, 8) << 5));
        emit(g, 't', "%s %s, %s, cl", op, d.s, s.s);
    } else {
        emit(g, 't', "%s %s, %s, %u", op, d.s, s.s, c);
    }
    wrote(g, &d, width);
    if (c == 0) return;
    if (c > width) {
        set_reg_undefined(g, reg_full(d.reg, width));
        wrote_flags(g, 0, FL_ARITH);
    } else {
        wrote_flags(g, FL_CF | FL_SF | FL_ZF | FL_PF | (c == 1 ? FL_OF : 0),
                    FL_AF | (c == 1 ? 0 : FL_OF));
    }
}

/* BT BTS BTR BTC: CF defined, ZF unchanged, OF SF AF PF undefined.  A
 * register bit offset into memory addresses a bit string (SDM Vol 2 BT):
 * the setup keeps it inside the area, negative offsets included. */
static void g_bt(Gen *g)
{
    static const char *const ops[] = {"bt", "bts", "btr", "btc"};
    unsigned op = rnd(g, 4), width = rnd(g, 2) ? 16 : 32;
    Opnd d, s;
    if (rnd(g, 2)) {
        rm_opnd(g, &d, width, true, op != 0, 35);
        emit(g, 't', "%s %s, %u", ops[op], d.s, rnd(g, 2) ? rnd(g, width) : rnd(g, 256));
    } else if (chance(g, 50)) {
        reg_opnd(g, &d, width, true, op != 0);
        do
            reg_opnd(g, &s, width, true, false);
        while (s.reg == d.reg);
        emit(g, 't', "%s %s, %s", ops[op], d.s, s.s);
    } else {
        /* Memory base at area + 64..191, offset within -512..+511 bits. */
        unsigned base = 64 + 2 * rnd(g, 64);
        int bit = (int)rnd(g, 1024) - 512;
        do
            s.reg = pick_wreg(g, 32);
        while (0);
        d.mem = true;
        mem_at(base, width, d.s, sizeof d.s);
        emit(g, 's', "mov %s, %d", reg_name(s.reg, 32), bit);
        wrote_reg(g, s.reg, 32);
        emit(g, 't', "%s %s, %s", ops[op], d.s, reg_name(s.reg, width));
    }
    if (op != 0) wrote(g, &d, width);
    wrote_flags(g, FL_CF, FL_OF | FL_SF | FL_AF | FL_PF);
}

/* BSF BSR: with a zero source ZF is set and the destination undefined
 * (SDM Vol 2 BSF); the setup makes the source zero or nonzero so that a
 * nonzero source is always checked exactly. */
static void g_bsf(Gen *g)
{
    unsigned width = rnd(g, 2) ? 16 : 32;
    const char *op = rnd(g, 2) ? "bsf" : "bsr";
    Opnd d, s;
    reg_opnd(g, &d, width, false, true);
    g->mem_avoid = (uint8_t)(1u << d.reg);
    rm_opnd(g, &s, width, false, true, 40); /* the setup writes it */
    g->mem_avoid = 0;
    bool zero = chance(g, 20);
    uint32_t v = zero ? 0 : rnd32(g) >> rnd(g, 32);
    if (width == 16) v &= 0xffff;
    if (!zero && v == 0) v = 1u << rnd(g, width);
    emit(g, 's', "mov %s, 0x%x", s.s, v);
    if (!s.mem) wrote(g, &s, width);
    emit(g, 't', "%s %s, %s", op, d.s, s.s);
    if (zero)
        set_reg_undefined(g, d.reg);
    else
        wrote(g, &d, width);
    wrote_flags(g, FL_ZF, FL_CF | FL_OF | FL_SF | FL_AF | FL_PF);
}

/* CMPXCHG, XADD, XCHG. */
static void g_xchg(Gen *g)
{
    static const char *const ops[] = {"cmpxchg", "xadd", "xchg"};
    unsigned op = rnd(g, 3), width = pick_width(g);
    Opnd d, s;
    if (op == 0) need_reg(g, 0);
    g->mem_avoid = op == 0 ? 1u : 0;
    two_opnds(g, &d, &s, width, true, true, true); /* XCHG XADD write both */
    if (op == 0 && chance(g, 50) && !(s.mem)) {
        /* Make the comparison equal half the time. */
        if (d.mem || reg_full(d.reg, width) != 0)
            emit(g, 's', "mov %s, %s", reg_name(0, width), d.s);
    }
    if (d.mem && s.mem) return; /* cannot happen: two_opnds has one register */
    if (s.mem) {                /* these take r/m, r: swap to that shape */
        Opnd t = d;
        d = s, s = t;
    }
    emit(g, 't', "%s %s, %s", ops[op], d.s, s.s);
    wrote(g, &d, width);
    wrote(g, &s, width);
    if (op == 0 && width == 32) wrote_reg(g, 0, 32);
    if (op < 2) wrote_flags(g, FL_ARITH, 0);
}

/* SETcc, CMOVcc. */
static void g_cond(Gen *g)
{
    unsigned cc = rnd(g, 16);
    need_flags(g, cc_reads[cc >> 1]);
    Opnd d, s;
    if (rnd(g, 2)) {
        rm_opnd(g, &d, 8, false, true, 35);
        emit(g, 't', "set%s %s", cc_names[cc], d.s);
        wrote(g, &d, 8);
    } else {
        unsigned width = rnd(g, 2) ? 16 : 32;
        reg_opnd(g, &d, width, true, true);
        g->mem_avoid = (uint8_t)(1u << d.reg);
        rm_opnd(g, &s, width, true, false, 35);
        g->mem_avoid = 0;
        emit(g, 't', "cmov%s %s, %s", cc_names[cc], d.s, s.s);
        wrote(g, &d, width);
    }
}

/* MOVZX MOVSX. */
static void g_movx(Gen *g)
{
    unsigned dw = rnd(g, 3) ? 32 : 16, sw = dw == 32 && rnd(g, 2) ? 16 : 8;
    Opnd d, s;
    reg_opnd(g, &d, dw, false, true);
    g->mem_avoid = (uint8_t)(1u << d.reg);
    rm_opnd(g, &s, sw, true, false, 40);
    g->mem_avoid = 0;
    emit(g, 't', "mov%cx %s, %s", rnd(g, 2) ? 'z' : 's', d.s, s.s);
    wrote(g, &d, dw);
}

/* LEA with every addressing form, 32- and 16-bit, and 16-bit results. */
static void g_lea(Gen *g)
{
    unsigned ow = rnd(g, 3) ? 32 : 16;
    Opnd d;
    char addr[64];
    if (chance(g, 25)) {
        static const char *const bases[] = {"bx+si", "bx+di", "bp+si", "bp+di", "si",
                                            "di",    "bp",    "bx",    ""};
        static const unsigned reads[] = {3 | 6 << 4, 3 | 7 << 4, 5 | 6 << 4, 5 | 7 << 4, 6,
                                         7,          5,          3,          8};
        unsigned b = rnd(g, 9);
        if (reads[b] != 8) need_reg(g, reads[b] & 15);
        if (reads[b] >> 4) need_reg(g, reads[b] >> 4);
        unsigned disp = rnd(g, 3) == 0 ? 0 : rnd(g, 2) ? rnd(g, 256) : rnd(g, 65536);
        if (b == 8)
            snprintf(addr, sizeof addr, "[word 0x%x]", disp);
        else
            snprintf(addr, sizeof addr, "[%s+0x%x]", bases[b], disp);
    } else {
        int base = (int)rnd(g, 9) - 1, index = (int)rnd(g, 9) - 1;
        if (index == 4) index = -1; /* ESP cannot be an index */
        unsigned scale = 1u << rnd(g, 4);
        uint32_t disp = rnd(g, 3) == 0 ? 0
                        : rnd(g, 2)    ? (uint32_t)(int32_t)(int8_t)rnd32(g)
                                       : rnd32(g);
        if (base >= 0) need_reg(g, (unsigned)base);
        if (index >= 0) need_reg(g, (unsigned)index);
        char bs[16] = "", is[24] = "";
        if (base >= 0) snprintf(bs, sizeof bs, "%s+", reg_name((unsigned)base, 32));
        if (index >= 0) snprintf(is, sizeof is, "%s*%u+", reg_name((unsigned)index, 32), scale);
        bool neg = (int32_t)disp < 0 && (base >= 0 || index >= 0);
        snprintf(addr, sizeof addr, "[%s%s%s%s0x%x]", base >= 0 || index >= 0 ? "" : "dword ", bs,
                 is, neg ? "-" : "", neg ? 0u - disp : disp);
        if (base < 0 && index >= 0 && scale > 1) /* nosplit: keep index*scale, no base */
            snprintf(addr, sizeof addr, "[nosplit %s*%u+0x%x]", reg_name((unsigned)index, 32),
                     scale, disp);
    }
    reg_opnd(g, &d, ow, false, true);
    emit(g, 't', "lea %s, %s", d.s, addr);
    wrote(g, &d, ow);
}

/* CBW CWDE CWD CDQ, BCD adjustments, LAHF SAHF CLC STC CMC CLD STD. */
static void g_misc(Gen *g)
{
    unsigned k = rnd(g, 17);
    switch (k) {
    case 0:
    case 1:
    case 2:
    case 3: {
        static const char *const ops[] = {"cbw", "cwde", "cwd", "cdq"};
        need_reg(g, 0);
        emit(g, 't', "%s", ops[k]);
        if (k == 1) wrote_reg(g, 0, 32);
        if (k == 3) wrote_reg(g, 2, 32);
        return;
    }
    case 4: /* DAA DAS: OF undefined (SDM Vol 2 DAA) */
    case 5:
        need_reg(g, 0);
        need_flags(g, FL_AF | FL_CF);
        emit(g, 't', "%s", k == 4 ? "daa" : "das");
        wrote_flags(g, FL_ARITH & ~FL_OF, FL_OF);
        return;
    case 6: /* AAA AAS: AF CF defined, the others undefined */
    case 7:
        need_reg(g, 0);
        need_flags(g, FL_AF);
        emit(g, 't', "%s", k == 6 ? "aaa" : "aas");
        wrote_flags(g, FL_AF | FL_CF, FL_OF | FL_SF | FL_ZF | FL_PF);
        return;
    case 8: /* AAM AAD imm8 (AAM 0 is #DE): SF ZF PF defined */
    case 9: {
        need_reg(g, 0);
        unsigned base = chance(g, 50) ? 10 : 1 + rnd(g, 255);
        emit(g, 't', "%s %u", k == 8 ? "aam" : "aad", base);
        wrote_flags(g, FL_SF | FL_ZF | FL_PF, FL_OF | FL_AF | FL_CF);
        return;
    }
    case 10:
        need_flags(g, FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF);
        emit(g, 't', "lahf");
        return;
    case 11:
        need_reg(g, 0);
        emit(g, 't', "sahf");
        wrote_flags(g, FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF, 0);
        return;
    case 12:
        emit(g, 't', "clc");
        wrote_flags(g, FL_CF, 0);
        return;
    case 13:
        emit(g, 't', "stc");
        wrote_flags(g, FL_CF, 0);
        return;
    case 14:
        need_flags(g, FL_CF);
        emit(g, 't', "cmc");
        return;
    default:
        if (g->in_skip) return; /* DF must be known after the join */
        g->df = k == 16;
        emit(g, 't', "%s", g->df ? "std" : "cld");
        return;
    }
}

/* PUSH and POP, balanced: PUSH r/m/imm (or PUSHFD), POP r/m. */
static void g_pushpop(Gen *g)
{
    unsigned width = rnd(g, 4) ? 32 : 16;
    Opnd s, d;
    unsigned k = rnd(g, 4);
    if (k == 0) {
        emit(g, 't', "push %s 0x%x", width == 32 ? "dword" : "word", imm_of(g, width));
    } else if (k == 1) {
        need_flags(g, FL_ARITH);
        emit(g, 't', "%s", width == 32 ? "pushfd" : "pushf");
    } else {
        rm_opnd(g, &s, width, true, false, 35);
        emit(g, 't', "push %s%s", s.mem ? "" : "", s.s);
    }
    rm_opnd(g, &d, width, false, true, 35);
    emit(g, 't', "pop %s", d.s);
    wrote(g, &d, width);
}

/* MOVS STOS LODS CMPS SCAS with and without REP, inside the area in
 * either direction, 32- or 16-bit addressing. */
static void g_string(Gen *g)
{
    static const char *const ops[] = {"movs", "stos", "lods", "cmps", "scas"};
    static const char sfx[] = {0, 'b', 'w', 0, 'd'};
    unsigned op = rnd(g, 5), width = pick_width(g), size = width / 8;
    unsigned rep = rnd(g, 3); /* 0 none, 1 rep/repe, 2 repne (only cmps/scas) */
    if (op < 3 && rep == 2) rep = 1;
    unsigned n = rep ? rnd(g, 10) : 1;
    if (rep && chance(g, 20)) n = rnd(g, 256 / size);
    bool a16 = chance(g, 25);
    bool uses_src = op == 0 || op == 2 || op == 3, uses_dst = op != 2;
    /* Offsets for the first element such that n elements fit. */
    unsigned span = n ? n * size : size;
    if (span > AREA_SIZE) n = AREA_SIZE / size, span = n * size;
    unsigned lo = g->df ? span - size : 0, hi = g->df ? AREA_SIZE - size : AREA_SIZE - span;
    unsigned regs[2] = {6, 7};
    for (unsigned i = 0; i < 2; i++) {
        if (!(i == 0 ? uses_src : uses_dst)) continue;
        unsigned off = lo + rnd(g, hi - lo + 1);
        uint32_t v = AREA_ADDR + off;
        if (a16) v |= rnd32(g) & 0xffff0000u;
        emit(g, 's', "mov %s, 0x%x", reg_name(regs[i], 32), v);
        wrote_reg(g, regs[i], 32);
    }
    if (rep) {
        uint32_t c = n;
        if (a16) c |= rnd32(g) & 0xffff0000u;
        emit(g, 's', "mov ecx, 0x%x", c);
        wrote_reg(g, 1, 32);
    }
    if (op == 1 || op == 4) need_reg(g, 0);
    static const char *const reps[] = {"", "rep ", "repne "};
    const char *r = reps[rep];
    if (rep == 1 && op >= 3) r = "repe ";
    emit(g, 't', "%s%s%s%c", a16 ? "a16 " : "", r, ops[op], sfx[size]);
    if (op == 2 && width == 32 && n) wrote_reg(g, 0, 32);
    if (op >= 3 && n) wrote_flags(g, FL_ARITH, 0);
}

/* XLATB through EBX at the area. */
static void g_xlat(Gen *g)
{
    need_reg(g, 0);
    emit(g, 's', "mov ebx, 0x%x", AREA_ADDR);
    wrote_reg(g, 3, 32);
    emit(g, 't', "xlatb");
}

static void g_bswap(Gen *g)
{
    Opnd d;
    reg_opnd(g, &d, 32, true, true);
    emit(g, 't', "bswap %s", d.s);
}

static void gen_one(Gen *g);

/* A short forward Jcc over one to three instructions.  Afterwards what is
 * undefined on either path is undefined. */
static void g_jcc(Gen *g)
{
    if (g->in_skip) return gen_one(g);
    unsigned cc = rnd(g, 16);
    need_flags(g, cc_reads[cc >> 1]);
    char label[32];
    new_label(g, label, sizeof label);
    emit(g, 't', "j%s short %s", cc_names[cc], label);
    uint32_t uf = g->undef_flags;
    uint8_t ur = g->undef_regs;
    g->in_skip = true;
    for (unsigned i = 1 + rnd(g, 3); i > 0; i--)
        gen_one(g);
    g->in_skip = false;
    emit(g, 't', "%s:", label);
    g->undef_flags |= uf;
    g->undef_regs |= ur;
}

typedef struct IntGen {
    void (*fn)(Gen *g);
    unsigned weight;
} IntGen;

static const IntGen int_gens[] = {
    {g_alu, 16}, {g_unary, 5},   {g_mul, 6},    {g_div, 5},  {g_shift, 12}, {g_shxd, 5},
    {g_bt, 5},   {g_bsf, 4},     {g_xchg, 6},   {g_cond, 6}, {g_movx, 4},   {g_lea, 6},
    {g_misc, 9}, {g_pushpop, 4}, {g_string, 6}, {g_xlat, 1}, {g_bswap, 2},  {g_jcc, 5},
};

static void gen_one(Gen *g)
{
    unsigned total = 0;
    for (unsigned i = 0; i < sizeof int_gens / sizeof int_gens[0]; i++)
        total += int_gens[i].weight;
    unsigned pick = rnd(g, total);
    for (unsigned i = 0; i < sizeof int_gens / sizeof int_gens[0]; i++) {
        if (pick < int_gens[i].weight) {
            int_gens[i].fn(g);
            return;
        }
        pick -= int_gens[i].weight;
    }
}

void gen_int_insn(Gen *g)
{
    gen_one(g);
}
