/*
 * s370-diffgen: write a random S/370 test program for the differential
 * test against Hercules (README.md).
 *
 *   s370-diffgen [-b] -s SEED -n SEQUENCES -o prog.bin -m prog.map
 *
 * prog.bin is a flat image loaded at 0x400 (make a deck with s370-mkdeck,
 * IPL PSW 0008000000000000, or 0000000000000000 for -b: BC mode);
 * prog.map lists each sequence, its initial state and its instructions
 * (address, bytes, role, text) for the driver's difference reports.
 *
 * The program runs N independent sequences.  Each one loads a generated
 * state (GPRs, FPRs, CC and program mask, the sandbox), runs a few random
 * instruction groups (an instruction under test, sometimes preceded by
 * setup instructions that place valid operands), then records the GPRs,
 * FPRs, the BALR link word (CC, program mask) and the sandbox.  A program
 * interruption goes to a handler that records the same plus the old PSW
 * and interruption code and continues with the next sequence.  Only
 * S/370 instructions are used, except a few deliberate operation
 * exceptions.  Branches go forward only, so every sequence ends.
 *
 * Registers: r12 is the sequence's base (code and data), r13 points at
 * the sandbox; no generated instruction writes either.  Stored operands
 * lie in the sandbox; fetched operands lie in the sandbox or the operand
 * pools below 4 KiB (base 0).  layout.h has the addresses.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

/* ---------------------------------------------------------------- */
/* Random numbers: splitmix64, deterministic per seed.              */

typedef struct Rng {
    uint64_t s;
} Rng;

static uint64_t rng_next(Rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static unsigned rnd(Rng *r, unsigned n)
{
    return n ? (unsigned)(rng_next(r) % n) : 0;
}

/* True with probability pct percent. */
static bool chance(Rng *r, unsigned pct)
{
    return rnd(r, 100) < pct;
}

/* ---------------------------------------------------------------- */
/* The image and the instructions of the current sequence.           */

enum { MAX_GROUPS = 24, MAX_FIX = 256, MAX_INS = 256, MAX_EX = 32, MAX_LABELS = 32 };

/* What a 12-bit displacement refers to, resolved when the sequence's
 * data area is laid out. */
typedef enum FixKind {
    FIX_GROUP, /* branch to the start of group id (id == ngroups: the epilogue) */
    FIX_DATA,  /* a data slot (DataSlot) */
    FIX_EX,    /* EX target id */
    FIX_LABEL, /* label id (an address in the code, set when emitted) */
} FixKind;

typedef enum DataSlot {
    DATA_FPRS,   /* 32 bytes */
    DATA_REGS,   /* r14, r15, r0-r11: 56 bytes (LM 14,11) */
    DATA_PM,     /* the SPM operand */
    DATA_NEXT,   /* address of the next sequence */
    DATA_REC,    /* address of the record */
    DATA_SBINIT, /* SBX_SIZE bytes */
    DATA_COUNT
} DataSlot;

typedef struct Fixup {
    uint32_t at; /* address of the instruction */
    uint8_t field;
    uint8_t kind;
    uint16_t id;
} Fixup;

typedef struct Ins {
    uint32_t addr;
    uint8_t len;
    char role; /* s setup, t under test, x EX target */
} Ins;

typedef struct ExTarget {
    uint8_t bytes[6];
    uint8_t len;
    bool odd;       /* referenced one byte past its start (specification exception) */
    int16_t branch; /* >= 0: a BC whose displacement is group branch */
} ExTarget;

typedef struct Gen {
    Rng rng;
    uint8_t *img; /* image of storage from PROLOGUE_ADDR */
    size_t cap;
    uint32_t pc; /* next address to emit at */

    /* Current sequence. */
    uint32_t base; /* r12 */
    unsigned ngroups, cur_group;
    uint32_t group_addr[MAX_GROUPS + 1];
    Fixup fix[MAX_FIX];
    unsigned nfix;
    Ins ins[MAX_INS];
    unsigned nins;
    ExTarget ex[MAX_EX];
    unsigned nex;
    uint32_t label[MAX_LABELS];
    unsigned nlabels;
    uint16_t reserved; /* registers generated instructions must leave alone (loop counters) */
    bool in_loop;
    uint32_t ex_addr[MAX_EX];
    uint32_t data_addr[DATA_COUNT];
    char role; /* role of instructions emitted now */
    bool overflow;
    bool bc; /* BC-mode PSWs (-b) rather than EC mode */
} Gen;

static uint8_t *at(Gen *g, uint32_t addr, size_t len)
{
    size_t off = addr - PROLOGUE_ADDR;
    if (off + len > g->cap) {
        size_t cap = g->cap ? g->cap : 1 << 20;
        while (cap < off + len)
            cap *= 2;
        uint8_t *p = realloc(g->img, cap);
        if (!p) {
            fprintf(stderr, "s370-diffgen: out of memory\n");
            exit(1);
        }
        memset(p + g->cap, 0, cap - g->cap);
        g->img = p, g->cap = cap;
    }
    return g->img + off;
}

static void put_bytes(Gen *g, const uint8_t *b, unsigned n)
{
    memcpy(at(g, g->pc, n), b, n);
    if (g->role && g->nins == MAX_INS) g->overflow = true; /* retried with other choices */
    if (g->role && g->nins < MAX_INS) g->ins[g->nins++] = (Ins){g->pc, (uint8_t)n, g->role};
    g->pc += n;
}

static void put32(Gen *g, uint32_t addr, uint32_t v)
{
    uint8_t *p = at(g, addr, 4);
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void align(Gen *g, unsigned a)
{
    while (g->pc % a)
        *at(g, g->pc++, 1) = 0;
}

/* Instruction encoders (PoO-370 §5 "Instruction Formats"); each returns
 * the instruction's address. */
static uint32_t rr(Gen *g, uint8_t op, unsigned r1, unsigned r2)
{
    uint32_t a = g->pc;
    uint8_t b[2] = {op, (uint8_t)(r1 << 4 | (r2 & 15))};
    put_bytes(g, b, 2);
    return a;
}

static uint32_t rx(Gen *g, uint8_t op, unsigned r1, unsigned x2, unsigned b2, unsigned d2)
{
    uint32_t a = g->pc;
    uint8_t b[4] = {op, (uint8_t)(r1 << 4 | x2), (uint8_t)(b2 << 4 | (d2 >> 8 & 15)), (uint8_t)d2};
    put_bytes(g, b, 4);
    return a;
}

/* RS, SI and S share the layout of RX: op, byte, b d. */
#define rs(g, op, r1, r3, b2, d2) rx(g, op, r1, r3, b2, d2)

static uint32_t si(Gen *g, uint8_t op, uint8_t i2, unsigned b1, unsigned d1)
{
    return rx(g, op, i2 >> 4, i2 & 15, b1, d1);
}

static uint32_t ss(Gen *g, uint8_t op, uint8_t lbyte, unsigned b1, unsigned d1, unsigned b2,
                   unsigned d2)
{
    uint32_t a = g->pc;
    uint8_t b[6] = {op,
                    lbyte,
                    (uint8_t)(b1 << 4 | (d1 >> 8 & 15)),
                    (uint8_t)d1,
                    (uint8_t)(b2 << 4 | (d2 >> 8 & 15)),
                    (uint8_t)d2};
    put_bytes(g, b, 6);
    return a;
}

/* SS with one length (MVC, ...): len is the operand length 1-256. */
static uint32_t ss_l(Gen *g, uint8_t op, unsigned len, unsigned b1, unsigned d1, unsigned b2,
                     unsigned d2)
{
    return ss(g, op, (uint8_t)(len - 1), b1, d1, b2, d2);
}

/* SS with two lengths (decimal): l1, l2 are 1-16. */
static uint32_t ss_ll(Gen *g, uint8_t op, unsigned l1, unsigned l2, unsigned b1, unsigned d1,
                      unsigned b2, unsigned d2)
{
    return ss(g, op, (uint8_t)((l1 - 1) << 4 | (l2 - 1)), b1, d1, b2, d2);
}

/* Resolve the displacement of the instruction at addr later: field 0 is
 * bytes 2-3 (RX, RS, SI, and SS operand 1), field 1 bytes 4-5. */
static void fixup(Gen *g, uint32_t addr, unsigned field, FixKind kind, unsigned id)
{
    if (g->nfix == MAX_FIX) {
        g->overflow = true;
        return;
    }
    g->fix[g->nfix++] = (Fixup){addr, (uint8_t)field, (uint8_t)kind, (uint16_t)id};
}

/* ---------------------------------------------------------------- */
/* Operand choices.                                                  */

/* Registers generated instructions may change: all but r12 and r13. */
static unsigned reg(Gen *g)
{
    static const uint8_t usable[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15};
    unsigned r;
    do
        r = usable[rnd(&g->rng, sizeof usable)];
    while (g->reserved >> r & 1);
    return r;
}

/* The even register of a pair (r, r+1), both usable; sometimes an odd
 * one for the specification exception (never 13, whose pair is r14). */
static unsigned pair(Gen *g)
{
    static const uint8_t even[] = {0, 2, 4, 6, 8, 10, 14};
    static const uint8_t odd[] = {1, 3, 5, 7, 9, 11, 15};
    unsigned r;
    do
        r = chance(&g->rng, 3) ? odd[rnd(&g->rng, sizeof odd)] : even[rnd(&g->rng, sizeof even)];
    while (g->reserved >> (r & ~1u) & 3);
    return r;
}

/* A register that is not r0 (a base, index or branch register). */
static unsigned reg_nz(Gen *g)
{
    unsigned r;
    do
        r = reg(g);
    while (r == 0);
    return r;
}

/* A floating-point register: 0, 2, 4 or 6, sometimes another number
 * (specification exception: S/370 has only those four). */
static unsigned fpr(Gen *g)
{
    if (chance(&g->rng, 3)) return 1 + 2 * rnd(&g->rng, 4) + (chance(&g->rng, 50) ? 0 : 7);
    return 2 * rnd(&g->rng, 4);
}

/* An extended-pair FPR: 0 or 4, sometimes 2 or 6 (specification). */
static unsigned fpr_ext(Gen *g)
{
    if (chance(&g->rng, 5)) return chance(&g->rng, 50) ? 2 : 6;
    return chance(&g->rng, 50) ? 0 : 4;
}

/* An operand length 1-max, mostly short. */
static unsigned oplen(Gen *g, unsigned max)
{
    unsigned n;
    if (chance(&g->rng, 70))
        n = 1 + rnd(&g->rng, 16);
    else if (chance(&g->rng, 70))
        n = 1 + rnd(&g->rng, 64);
    else
        n = 1 + rnd(&g->rng, max);
    return n > max ? max : n;
}

/* A sandbox offset for an operand of len bytes, aligned down to a
 * multiple of al (1: any byte). */
static unsigned sbx_off(Gen *g, unsigned len, unsigned al)
{
    unsigned off = rnd(&g->rng, SBX_SIZE - len + 1);
    if (al > 1) off &= ~(al - 1);
    return off;
}

/* Storage operand in the sandbox as (x2, b2): base 13, or index 13 with
 * base 0 so the index path is exercised. */
static void sbx_xb(Gen *g, unsigned *x2, unsigned *b2)
{
    if (chance(&g->rng, 25))
        *x2 = 13, *b2 = 0;
    else
        *x2 = 0, *b2 = 13;
}

/* An interesting 32-bit value. */
static uint32_t value32(Gen *g)
{
    static const uint32_t special[] = {0x7fffffff, 0x80000000, 0xffffffff, 0x00ffffff,
                                       0x01000000, 0x40000000, 0x00008000, 0xffff8000,
                                       0x0000ffff, 0x80000001, 0x7ffffffe, 0x00000000};
    switch (rnd(&g->rng, 10)) {
    case 0:
    case 1: return rnd(&g->rng, 16);
    case 2: return 0u - (1 + rnd(&g->rng, 16)); /* -1 to -16 */
    case 3: return special[rnd(&g->rng, sizeof special / sizeof special[0])];
    case 4: return SBX_ADDR + rnd(&g->rng, SBX_SIZE);
    case 5: return (uint32_t)rng_next(&g->rng) >> rnd(&g->rng, 32);
    default: return (uint32_t)rng_next(&g->rng);
    }
}

/* An HFP long number (PoO-370 §9 "Floating-Point Instructions"):
 * normalized, unnormalized, zero, and extreme characteristics. */
static uint64_t hfp_value(Gen *g)
{
    uint64_t sign = chance(&g->rng, 40) ? 1ull << 63 : 0;
    unsigned ch;
    switch (rnd(&g->rng, 8)) {
    case 0: ch = rnd(&g->rng, 3); break;         /* near underflow */
    case 1: ch = 0x7d + rnd(&g->rng, 3); break;  /* near overflow */
    case 2: ch = rnd(&g->rng, 128); break;       /* anywhere */
    default: ch = 0x3c + rnd(&g->rng, 9); break; /* around 1.0 */
    }
    uint64_t frac = rng_next(&g->rng) & 0x00ffffffffffffffull;
    switch (rnd(&g->rng, 8)) {
    case 0: frac = 0; break;                            /* zero fraction */
    case 1: frac >>= 4 * (1 + rnd(&g->rng, 13)); break; /* unnormalized */
    case 2: frac &= 0x00ffffff00000000ull; break;       /* short value */
    case 3: frac = 0x0010000000000000ull; break;        /* 1/16 */
    default: frac |= 0x0010000000000000ull; break;      /* normalized */
    }
    if (chance(&g->rng, 3)) return 0; /* true zero */
    return sign | (uint64_t)ch << 56 | frac;
}

/* ---------------------------------------------------------------- */
/* Pools below 4 KiB.                                                */

static void put_packed(uint8_t *field, unsigned len, const uint8_t *digits, unsigned ndig,
                       uint8_t sign)
{
    /* Right-aligned: the last byte holds the last digit and the sign. */
    memset(field, 0, len);
    unsigned pos = 2 * len - 1; /* nibble index of the sign */
    field[len - 1] = sign & 15;
    for (unsigned i = 0; i < ndig && pos > 0; i++) {
        pos--;
        uint8_t d = digits[ndig - 1 - i] & 15;
        field[pos / 2] |= (pos & 1) ? d : (uint8_t)(d << 4);
    }
}

static void gen_pools(Gen *g)
{
    uint8_t *p;
    p = at(g, POOL_TR_A, 256);
    for (unsigned i = 0; i < 256; i++)
        p[i] = (uint8_t)rng_next(&g->rng);
    p = at(g, POOL_TR_B, 256);
    for (unsigned i = 0; i < 256; i++)
        p[i] = (uint8_t)i;
    for (unsigned i = 255; i > 0; i--) {
        unsigned j = rnd(&g->rng, i + 1);
        uint8_t t = p[i];
        p[i] = p[j], p[j] = t;
    }
    p = at(g, POOL_TRT_A, 256);
    for (unsigned i = 0; i < 256; i++)
        p[i] = chance(&g->rng, 6) ? (uint8_t)(1 + rnd(&g->rng, 255)) : 0;
    p = at(g, POOL_TRT_B, 256);
    for (unsigned i = 0; i < 256; i++)
        p[i] = chance(&g->rng, 70) ? (uint8_t)(1 + rnd(&g->rng, 255)) : 0;

    /* Packed numbers (PoO-370 §8 "Decimal Instructions"): mostly valid
     * with the preferred and alternate signs, some with an invalid digit
     * or sign for the data exception. */
    static const uint8_t signs[] = {0xc, 0xd, 0xc, 0xd, 0xf, 0xa, 0xb, 0xe};
    for (unsigned e = 0; e < POOL_DEC_N; e++) {
        uint8_t digits[31];
        unsigned ndig = chance(&g->rng, 50) ? 1 + rnd(&g->rng, 7) : 1 + rnd(&g->rng, 31);
        for (unsigned i = 0; i < ndig; i++)
            digits[i] = (uint8_t)rnd(&g->rng, 10);
        if (chance(&g->rng, 15)) digits[0] = 9, digits[ndig - 1] = 9;
        uint8_t sign = signs[rnd(&g->rng, sizeof signs)];
        if (e % 32 == 31) digits[rnd(&g->rng, ndig)] = (uint8_t)(10 + rnd(&g->rng, 6));
        if (e % 32 == 15) sign = (uint8_t)rnd(&g->rng, 10);
        if (e % 16 == 3) ndig = 0; /* zero, with its sign */
        put_packed(at(g, POOL_DEC + e * POOL_DEC_SIZE, POOL_DEC_SIZE), POOL_DEC_SIZE, digits, ndig,
                   sign);
    }
    for (unsigned e = 0; e < POOL_HFP_N; e++) {
        uint64_t v = hfp_value(g);
        put32(g, POOL_HFP + 8 * e, (uint32_t)(v >> 32));
        put32(g, POOL_HFP + 8 * e + 4, (uint32_t)v);
    }
    /* Edit patterns (PoO-370 §8 "Edit"): a fill byte, then digit
     * selectors, significance starters, field separators and text. */
    for (unsigned e = 0; e < POOL_ED_N; e++) {
        p = at(g, POOL_ED + e * POOL_ED_SIZE, POOL_ED_SIZE);
        static const uint8_t fills[] = {0x40, 0x5c, 0xf0, 0x20};
        p[0] = fills[rnd(&g->rng, sizeof fills)];
        for (unsigned i = 1; i < POOL_ED_SIZE; i++) {
            unsigned k = rnd(&g->rng, 100);
            p[i] = k < 60   ? 0x20
                   : k < 68 ? 0x21
                   : k < 73 ? 0x22
                   : k < 80 ? 0x4b
                   : k < 88 ? 0x6b
                            : (uint8_t)(0x40 + rnd(&g->rng, 0xc0));
        }
    }
}

/* A packed field of len bytes from the pool: the last len bytes of an
 * entry, so it holds the entry's low-order digits and its sign. */
static unsigned dec_operand(Gen *g, unsigned len)
{
    return POOL_DEC + rnd(&g->rng, POOL_DEC_N) * POOL_DEC_SIZE + POOL_DEC_SIZE - len;
}

static unsigned hfp_operand(Gen *g)
{
    return POOL_HFP + 8 * rnd(&g->rng, POOL_HFP_N);
}

/* ---------------------------------------------------------------- */
/* Instruction groups.  Each emits setup instructions (role 's') and  */
/* the instruction under test (role 't').                             */

static void test_role(Gen *g)
{
    g->role = 't';
}

static void setup_role(Gen *g)
{
    g->role = 's';
}

/* A forward target: a later group or the epilogue. */
static unsigned forward_group(Gen *g)
{
    unsigned left = g->ngroups - g->cur_group; /* groups after this one, plus the epilogue */
    return g->cur_group + 1 + rnd(&g->rng, left);
}

static void grp_rr_alu(Gen *g)
{
    static const uint8_t ops[] = {0x18, 0x12, 0x13, 0x10, 0x11, 0x14, 0x15,
                                  0x16, 0x17, 0x19, 0x1a, 0x1b, 0x1e, 0x1f};
    test_role(g);
    rr(g, ops[rnd(&g->rng, sizeof ops)], reg(g), reg(g));
}

static void grp_rr_muldiv(Gen *g)
{
    test_role(g);
    rr(g, chance(&g->rng, 65) ? 0x1c : 0x1d, pair(g), reg(g));
}

static void grp_rx_fixed(Gen *g)
{
    static const struct {
        uint8_t op, size, pair;
    } ops[] = {{0x58, 4, 0}, {0x5a, 4, 0}, {0x5b, 4, 0}, {0x5e, 4, 0}, {0x5f, 4, 0}, {0x54, 4, 0},
               {0x56, 4, 0}, {0x57, 4, 0}, {0x59, 4, 0}, {0x55, 4, 0}, {0x5c, 4, 1}, {0x5d, 4, 1},
               {0x48, 2, 0}, {0x4a, 2, 0}, {0x4b, 2, 0}, {0x49, 2, 0}, {0x4c, 2, 0}, {0x43, 1, 0},
               {0x50, 4, 0}, {0x40, 2, 0}, {0x42, 1, 0}};
    unsigned k = rnd(&g->rng, sizeof ops / sizeof ops[0]);
    unsigned x2, b2;
    sbx_xb(g, &x2, &b2);
    unsigned d2 = sbx_off(g, ops[k].size, chance(&g->rng, 60) ? ops[k].size : 1);
    test_role(g);
    rx(g, ops[k].op, ops[k].pair ? pair(g) : reg(g), x2, b2, d2);
}

static void grp_la(Gen *g)
{
    test_role(g);
    unsigned x2 = chance(&g->rng, 50) ? reg(g) : 0, b2 = chance(&g->rng, 70) ? reg(g) : 0;
    rx(g, 0x41, reg(g), x2, b2, rnd(&g->rng, 4096));
}

static void grp_shift(Gen *g)
{
    static const uint8_t single[] = {0x88, 0x89, 0x8a, 0x8b};
    static const uint8_t dbl[] = {0x8c, 0x8d, 0x8e, 0x8f};
    bool d = chance(&g->rng, 45);
    uint8_t op = d ? dbl[rnd(&g->rng, 4)] : single[rnd(&g->rng, 4)];
    unsigned r1 = d ? pair(g) : reg(g);
    unsigned b2 = 0, d2;
    if (chance(&g->rng, 25))
        b2 = reg_nz(g), d2 = rnd(&g->rng, 64);
    else
        d2 = chance(&g->rng, 85) ? rnd(&g->rng, 64) : rnd(&g->rng, 4096);
    test_role(g);
    rs(g, op, r1, 0, b2, d2);
}

static void grp_si(Gen *g)
{
    static const uint8_t ops[] = {0x92, 0x94, 0x96, 0x97, 0x95, 0x91};
    static const uint8_t imms[] = {0x00, 0xff, 0x80, 0x01, 0x0f, 0xf0};
    uint8_t i2 = chance(&g->rng, 40) ? imms[rnd(&g->rng, sizeof imms)] : (uint8_t)rng_next(&g->rng);
    test_role(g);
    si(g, ops[rnd(&g->rng, sizeof ops)], i2, 13, rnd(&g->rng, SBX_SIZE));
}

static void grp_ss_logical(Gen *g)
{
    static const uint8_t ops[] = {0xd2, 0xd5, 0xd4, 0xd6, 0xd7, 0xd1, 0xd3};
    uint8_t op = ops[rnd(&g->rng, sizeof ops)];
    unsigned len = oplen(g, SBX_SIZE);
    unsigned d1 = sbx_off(g, len, 1);
    test_role(g);
    if (op != 0xd2 && op != 0xd1 && op != 0xd3 && chance(&g->rng, 10)) {
        ss_l(g, op, len, 13, d1, 13, d1); /* same operand: XC clears, CLC equal */
    } else if (op != 0xd5 && chance(&g->rng, 25)) {
        unsigned d2 = d1 > 0 && chance(&g->rng, 60) ? d1 - 1 - rnd(&g->rng, d1 < 8 ? d1 : 8)
                                                    : sbx_off(g, len, 1);
        ss_l(g, op, len, 13, d1, 13, d2); /* overlap: one byte at a time */
    } else if (chance(&g->rng, 30)) {
        ss_l(g, op, len, 13, d1, 0, POOL_TR_A + rnd(&g->rng, 256));
    } else {
        ss_l(g, op, len, 13, d1, 13, sbx_off(g, len, 1));
    }
}

static void grp_tr(Gen *g)
{
    unsigned len = oplen(g, SBX_SIZE);
    unsigned d1 = sbx_off(g, len, 1);
    test_role(g);
    if (chance(&g->rng, 50)) {
        ss_l(g, 0xdc, len, 13, d1, 0, chance(&g->rng, 50) ? POOL_TR_A : POOL_TR_B);
    } else if (chance(&g->rng, 20)) {
        ss_l(g, 0xdc, len, 13, d1, 13, 0); /* the table is the sandbox */
    } else {
        ss_l(g, 0xdd, len, 13, d1, 0, chance(&g->rng, 50) ? POOL_TRT_A : POOL_TRT_B);
    }
}

static void grp_edit(Gen *g)
{
    unsigned len = 1 + rnd(&g->rng, chance(&g->rng, 80) ? 12 : POOL_ED_SIZE);
    unsigned d1 = sbx_off(g, len, 1);
    unsigned pat = POOL_ED + rnd(&g->rng, POOL_ED_N) * POOL_ED_SIZE;
    /* Source digits for every digit selector and significance starter,
     * ending at the sign of a pool number (a sign in a left half would
     * be a data exception: PoO-370 §8 "Edit"). */
    const uint8_t *p = at(g, pat, len);
    unsigned k = 0;
    for (unsigned i = 0; i < len; i++)
        k += p[i] == 0x20 || p[i] == 0x21;
    unsigned src = POOL_DEC + rnd(&g->rng, POOL_DEC_N) * POOL_DEC_SIZE;
    src += POOL_DEC_SIZE - (k / 2 + 1 < POOL_DEC_SIZE ? k / 2 + 1 : POOL_DEC_SIZE);
    uint8_t op = chance(&g->rng, 50) ? 0xde : 0xdf;
    setup_role(g);
    ss_l(g, 0xd2, len, 13, d1, 0, pat);
    if (chance(&g->rng, 20)) {
        /* The source in the sandbox, clear of the pattern: PoO-370 does
         * not define overlapping ED operands. */
        unsigned d2 = sbx_off(g, 16, 1);
        while (d2 < d1 + len && d1 < d2 + 16)
            d2 = sbx_off(g, 16, 1);
        ss_l(g, 0xd2, 16, 13, d2, 0, src & ~15u);
        test_role(g);
        ss_l(g, op, len, 13, d1, 13, d2 + (src & 15));
    } else {
        test_role(g);
        ss_l(g, op, len, 13, d1, 0, src);
    }
}

/* A packed operand of len bytes placed in the sandbox clear of
 * [avoid, avoid + avoid_len); returns its offset.  Decimal operands may
 * only overlap with coincident rightmost bytes (PoO-370 §8 "Decimal
 * Instructions"); other overlaps are unpredictable. */
static unsigned dec_place_clear(Gen *g, unsigned len, unsigned avoid, unsigned avoid_len)
{
    unsigned d = sbx_off(g, len, 1);
    while (avoid_len && d < avoid + avoid_len && avoid < d + len)
        d = sbx_off(g, len, 1);
    setup_role(g);
    ss_l(g, 0xd2, len, 13, d, 0, dec_operand(g, len));
    return d;
}

static unsigned dec_place(Gen *g, unsigned len)
{
    return dec_place_clear(g, len, 0, 0);
}

static void grp_decimal(Gen *g)
{
    static const uint8_t ops[] = {0xfa, 0xfb, 0xf8, 0xf9, 0xfc, 0xfd};
    uint8_t op = ops[rnd(&g->rng, sizeof ops)];
    bool muldiv = op == 0xfc || op == 0xfd;
    unsigned l1 = 1 + rnd(&g->rng, 16), l2;
    if (muldiv) {
        if (l1 < 2 && chance(&g->rng, 90)) l1 = 2 + rnd(&g->rng, 15);
        l2 = 1 + rnd(&g->rng, chance(&g->rng, 90) ? (l1 - 1 < 8 ? l1 - 1 : 8) : 16);
        if (l2 == 0) l2 = 1;
    } else {
        l2 = 1 + rnd(&g->rng, 16);
    }
    unsigned d1 = dec_place(g, l1);
    if (op == 0xfc && chance(&g->rng, 92)) {
        /* MP needs as many leading zero bytes in operand 1 as operand 2
         * is long (PoO-370 §8 "Multiply Decimal"). */
        setup_role(g);
        ss_l(g, 0xd7, l2 < l1 ? l2 : l1, 13, d1, 13, d1);
    }
    test_role(g);
    if (chance(&g->rng, 8) && !muldiv) {
        ss_ll(g, op, l1, l1, 13, d1, 13, d1); /* both operands the same field */
    } else if (chance(&g->rng, 35)) {
        unsigned d2 = dec_place_clear(g, l2, d1, l1);
        test_role(g);
        ss_ll(g, op, l1, l2, 13, d1, 13, d2);
    } else {
        ss_ll(g, op, l1, l2, 13, d1, 0, dec_operand(g, l2));
    }
}

static void grp_srp(Gen *g)
{
    unsigned l1 = 1 + rnd(&g->rng, 16);
    unsigned d1 = dec_place(g, l1);
    unsigned shift = chance(&g->rng, 50) ? rnd(&g->rng, 32) : 64 - 1 - rnd(&g->rng, 32);
    unsigned i3 =
        chance(&g->rng, 95) ? (chance(&g->rng, 50) ? 5 : rnd(&g->rng, 10)) : 10 + rnd(&g->rng, 6);
    unsigned b2 = 0;
    if (chance(&g->rng, 20)) b2 = reg_nz(g), shift = rnd(&g->rng, 64);
    test_role(g);
    ss(g, 0xf0, (uint8_t)((l1 - 1) << 4 | i3), 13, d1, b2, shift);
}

static void grp_pack(Gen *g)
{
    static const uint8_t ops[] = {0xf2, 0xf3, 0xf1};
    uint8_t op = ops[rnd(&g->rng, 3)];
    unsigned l1 = 1 + rnd(&g->rng, 16), l2 = 1 + rnd(&g->rng, 16);
    unsigned d1 = sbx_off(g, l1, 1);
    test_role(g);
    if (chance(&g->rng, 40))
        ss_ll(g, op, l1, l2, 13, d1, 13, sbx_off(g, l2, 1));
    else if (chance(&g->rng, 15))
        ss_ll(g, op, l1, l2, 13, d1, 13, d1); /* in place */
    else
        ss_ll(g, op, l1, l2, 13, d1, 0, dec_operand(g, l2));
}

static void grp_cvb_cvd(Gen *g)
{
    unsigned x2, b2;
    sbx_xb(g, &x2, &b2);
    unsigned d2 = sbx_off(g, 8, chance(&g->rng, 85) ? 8 : 1);
    if (chance(&g->rng, 50)) {
        test_role(g);
        rx(g, 0x4e, reg(g), x2, b2, d2);
        return;
    }
    if (chance(&g->rng, 30)) {
        test_role(g);
        rx(g, 0x4f, reg(g), 0, 0, dec_operand(g, 8)); /* straight from the pool */
        return;
    }
    setup_role(g);
    ss_l(g, 0xd2, 8, 13, d2, 0, dec_operand(g, 8));
    test_role(g);
    rx(g, 0x4f, reg(g), x2, b2, d2);
}

static void grp_under_mask(Gen *g)
{
    static const uint8_t ops[] = {0xbf, 0xbe, 0xbd};
    unsigned m = rnd(&g->rng, 16);
    test_role(g);
    rs(g, ops[rnd(&g->rng, 3)], reg(g), m, 13, sbx_off(g, 4, 1));
}

static void grp_cs(Gen *g)
{
    bool d = chance(&g->rng, 40);
    unsigned size = d ? 8 : 4;
    unsigned off = sbx_off(g, size, chance(&g->rng, 90) ? size : 1);
    unsigned r1 = d ? pair(g) : reg(g), r3 = d ? pair(g) : reg(g);
    if (chance(&g->rng, 50) && (!d || !(r1 & 1))) {
        /* Make the comparison equal so the store happens. */
        setup_role(g);
        if (d)
            rs(g, 0x98, r1, r1 + 1, 13, off);
        else
            rx(g, 0x58, r1, 0, 13, off);
    }
    test_role(g);
    rs(g, d ? 0xbb : 0xba, r1, r3, 13, off);
}

static void grp_multiple(Gen *g)
{
    unsigned r1, r3, n;
    test_role(g);
    if (chance(&g->rng, 50)) {
        r1 = rnd(&g->rng, 16), r3 = rnd(&g->rng, 16);
        n = (r3 - r1) % 16 + 1;
        rs(g, 0x90, r1, r3, 13, sbx_off(g, 4 * n, chance(&g->rng, 80) ? 4 : 1));
        return;
    }
    /* LM ranges that leave r12 and r13 alone (they wrap from 15 to 0). */
    if (chance(&g->rng, 60)) {
        r1 = rnd(&g->rng, 12);
        r3 = r1 + rnd(&g->rng, 12 - r1);
    } else {
        r1 = 14 + rnd(&g->rng, 2);
        r3 = chance(&g->rng, 30) ? r1 + rnd(&g->rng, 16 - r1) : rnd(&g->rng, 12);
    }
    n = (r3 - r1) % 16 + 1;
    rs(g, 0x98, r1, r3, 13, sbx_off(g, 4 * n, chance(&g->rng, 80) ? 4 : 1));
}

static void grp_long(Gen *g)
{
    unsigned r1 = pair(g), r2 = pair(g);
    while (r2 == r1 && !(r1 & 1))
        r2 = pair(g); /* the same pair would use unknown register values as addresses */
    bool clcl = chance(&g->rng, 40);
    if (!(r1 & 1) && !(r2 & 1) && r1 != r2) {
        unsigned l1 = rnd(&g->rng, 64), l2 = rnd(&g->rng, 64);
        unsigned d1 = sbx_off(g, l1, 1), d2 = sbx_off(g, l2, 1);
        if (chance(&g->rng, 20)) d2 = d1 > 4 ? d1 - rnd(&g->rng, 4) : d1; /* overlap */
        setup_role(g);
        rx(g, 0x41, r1, 0, 13, d1);
        rx(g, 0x41, r1 + 1, 0, 0, l1);
        rx(g, 0x41, r2, 0, 13, d2);
        rx(g, 0x41, r2 + 1, 0, 0, l2);
        if (chance(&g->rng, 60)) rs(g, 0xbf, r2 + 1, 8, 0, POOL_TR_A + rnd(&g->rng, 256));
    }
    test_role(g);
    rr(g, clcl ? 0x0f : 0x0e, r1, r2);
}

static void grp_ts(Gen *g)
{
    test_role(g);
    si(g, 0x93, 0, 13, rnd(&g->rng, SBX_SIZE));
}

static void grp_spm(Gen *g)
{
    test_role(g);
    rr(g, 0x04, reg(g), 0);
}

/* Load FPR f from the pool (setup). */
static void fpr_load(Gen *g, unsigned f)
{
    setup_role(g);
    rx(g, 0x68, f, 0, 0, hfp_operand(g));
}

static void grp_hfp_rr(Gen *g)
{
    /* op, kind: 0 long/short pair, 1 extended pair (AXR, SXR, MXR),
     * 2 MXDR (r1 extended, r2 long), 3 LRDR (r1 long, r2 extended). */
    static const struct {
        uint8_t op, kind;
    } ops[] = {{0x20, 0}, {0x21, 0}, {0x22, 0}, {0x23, 0}, {0x24, 0}, {0x25, 3}, {0x26, 1},
               {0x27, 2}, {0x28, 0}, {0x29, 0}, {0x2a, 0}, {0x2b, 0}, {0x2c, 0}, {0x2d, 0},
               {0x2e, 0}, {0x2f, 0}, {0x30, 0}, {0x31, 0}, {0x32, 0}, {0x33, 0}, {0x34, 0},
               {0x35, 0}, {0x36, 1}, {0x37, 1}, {0x38, 0}, {0x39, 0}, {0x3a, 0}, {0x3b, 0},
               {0x3c, 0}, {0x3d, 0}, {0x3e, 0}, {0x3f, 0}};
    unsigned k = rnd(&g->rng, sizeof ops / sizeof ops[0]);
    unsigned f1, f2;
    switch (ops[k].kind) {
    case 1: f1 = fpr_ext(g), f2 = fpr_ext(g); break;
    case 2: f1 = fpr_ext(g), f2 = fpr(g); break;
    case 3: f1 = fpr(g), f2 = fpr_ext(g); break;
    default: f1 = fpr(g), f2 = fpr(g); break;
    }
    if (chance(&g->rng, 60)) {
        if (f1 < 8 && !(f1 & 1)) fpr_load(g, f1);
        if (f2 < 8 && !(f2 & 1) && f2 != f1) fpr_load(g, f2);
        if (ops[k].kind && chance(&g->rng, 70)) {
            if (f1 == 0 || f1 == 4) fpr_load(g, f1 + 2);
            if ((f2 == 0 || f2 == 4) && f2 != f1) fpr_load(g, f2 + 2);
        }
    }
    test_role(g);
    rr(g, ops[k].op, f1, f2);
}

static void grp_hfp_rx(Gen *g)
{
    static const struct {
        uint8_t op, size, store;
    } ops[] = {{0x78, 4, 0}, {0x68, 8, 0}, {0x70, 4, 1}, {0x60, 8, 1}, {0x79, 4, 0},
               {0x69, 8, 0}, {0x7a, 4, 0}, {0x6a, 8, 0}, {0x7b, 4, 0}, {0x6b, 8, 0},
               {0x7c, 4, 0}, {0x6c, 8, 0}, {0x7d, 4, 0}, {0x6d, 8, 0}, {0x7e, 4, 0},
               {0x6e, 8, 0}, {0x7f, 4, 0}, {0x6f, 8, 0}, {0x67, 8, 0}};
    unsigned k = rnd(&g->rng, sizeof ops / sizeof ops[0]);
    unsigned f1 = ops[k].op == 0x67 ? fpr_ext(g) : fpr(g);
    if (chance(&g->rng, 50) && f1 < 8 && !(f1 & 1)) fpr_load(g, f1);
    test_role(g);
    if (ops[k].store || chance(&g->rng, 30)) {
        unsigned x2, b2;
        sbx_xb(g, &x2, &b2);
        rx(g, ops[k].op, f1, x2, b2, sbx_off(g, ops[k].size, chance(&g->rng, 85) ? 4 : 1));
    } else {
        rx(g, ops[k].op, f1, 0, 0, hfp_operand(g));
    }
}

static void grp_branch(Gen *g)
{
    unsigned target = forward_group(g);
    uint32_t a;
    unsigned r;
    switch (rnd(&g->rng, 10)) {
    case 0:
    case 1:
    case 2: /* BC */
        test_role(g);
        a = rx(g, 0x47, rnd(&g->rng, 16), 0, 12, 0);
        fixup(g, a, 0, FIX_GROUP, target);
        break;
    case 3: /* BCR, through a register */
        r = reg_nz(g);
        setup_role(g);
        a = rx(g, 0x41, r, 0, 12, 0);
        fixup(g, a, 0, FIX_GROUP, target);
        test_role(g);
        rr(g, 0x07, rnd(&g->rng, 16), chance(&g->rng, 10) ? 0 : r);
        break;
    case 4: /* BAL */
        test_role(g);
        a = rx(g, 0x45, reg(g), 0, 12, 0);
        fixup(g, a, 0, FIX_GROUP, target);
        break;
    case 5: /* BALR; BALR r1,0 stores the link without branching */
        r = reg_nz(g);
        setup_role(g);
        a = rx(g, 0x41, r, 0, 12, 0);
        fixup(g, a, 0, FIX_GROUP, target);
        test_role(g);
        rr(g, 0x05, reg(g), chance(&g->rng, 15) ? 0 : r);
        break;
    case 6: /* BCT */
        test_role(g);
        a = rx(g, 0x46, reg(g), 0, 12, 0);
        fixup(g, a, 0, FIX_GROUP, target);
        break;
    case 7: /* BCTR */
        r = reg_nz(g);
        if (chance(&g->rng, 50)) {
            setup_role(g);
            a = rx(g, 0x41, r, 0, 12, 0);
            fixup(g, a, 0, FIX_GROUP, target);
            test_role(g);
            rr(g, 0x06, reg(g), r);
        } else {
            test_role(g);
            rr(g, 0x06, reg(g), 0);
        }
        break;
    case 8: /* BXH, BXLE */
        test_role(g);
        a = rs(g, chance(&g->rng, 50) ? 0x86 : 0x87, reg(g), reg(g), 12, 0);
        fixup(g, a, 0, FIX_GROUP, target);
        break;
    default: /* BAS, BASR (both emulators accept them on S/370) */
        if (chance(&g->rng, 50)) {
            test_role(g);
            a = rx(g, 0x4d, reg(g), 0, 12, 0);
            fixup(g, a, 0, FIX_GROUP, target);
        } else {
            r = reg_nz(g);
            setup_role(g);
            a = rx(g, 0x41, r, 0, 12, 0);
            fixup(g, a, 0, FIX_GROUP, target);
            test_role(g);
            rr(g, 0x0d, reg(g), r);
        }
        break;
    }
}

/* Add an EX target; returns its index. */
static unsigned ex_target(Gen *g, const uint8_t *bytes, unsigned len)
{
    if (g->nex == MAX_EX) {
        g->overflow = true;
        return 0;
    }
    ExTarget *t = &g->ex[g->nex];
    memset(t, 0, sizeof *t);
    memcpy(t->bytes, bytes, len);
    t->len = (uint8_t)len;
    t->branch = -1;
    return g->nex++;
}

/* EXECUTE (PoO-370 §7 "Execute"): the target's second byte is ORed with
 * bits 24-31 of r1. */
static void grp_execute(Gen *g)
{
    unsigned k, r1;
    uint32_t a;
    uint8_t b[6];
    switch (rnd(&g->rng, 15)) {
    case 0:
    case 1:
    case 8:
    case 9: { /* SS target at sandbox 0: any length byte fits */
        static const uint8_t ops[] = {0xd2, 0xd5, 0xd7, 0xdc, 0xd6, 0xd4};
        uint8_t op = ops[rnd(&g->rng, sizeof ops)];
        unsigned d2 = op == 0xdc ? POOL_TR_B : chance(&g->rng, 50) ? 0 : POOL_TR_A;
        uint8_t t[6] = {
            op, 0, 0xd0, 0, (uint8_t)(d2 >= 0x100 ? (d2 >> 8) : 0xd0 | (d2 >> 8)), (uint8_t)d2};
        k = ex_target(g, t, 6);
        r1 = chance(&g->rng, 10) ? 0 : reg(g);
        break;
    }
    case 2:
    case 10: { /* SI target: the immediate comes from r1 */
        static const uint8_t ops[] = {0x92, 0x96, 0x94, 0x97, 0x95, 0x91};
        unsigned d1 = rnd(&g->rng, SBX_SIZE);
        uint8_t t[4] = {ops[rnd(&g->rng, sizeof ops)], (uint8_t)rng_next(&g->rng) & 0x0f,
                        (uint8_t)(0xd0 | d1 >> 8), (uint8_t)d1};
        k = ex_target(g, t, 4);
        r1 = reg(g);
        break;
    }
    case 3:
    case 4:
    case 11:
    case 12: { /* RR target: registers from a byte set up by LA */
        static const uint8_t ops[] = {0x1a, 0x1b, 0x18, 0x14, 0x16, 0x17, 0x12,
                                      0x13, 0x19, 0x15, 0x1e, 0x1f, 0x10, 0x11};
        uint8_t t[2] = {ops[rnd(&g->rng, sizeof ops)], 0};
        k = ex_target(g, t, 2);
        r1 = reg_nz(g);
        setup_role(g);
        rx(g, 0x41, r1, 0, 0, reg(g) << 4 | reg(g));
        break;
    }
    case 5:
    case 13: { /* shift target: r1 of the shift from the byte */
        uint8_t t[4] = {(uint8_t)(0x88 + rnd(&g->rng, 4)), 0, 0, (uint8_t)rnd(&g->rng, 64)};
        k = ex_target(g, t, 4);
        r1 = reg_nz(g);
        setup_role(g);
        rx(g, 0x41, r1, 0, 0, reg(g) << 4);
        break;
    }
    case 6: { /* BC target: the mask from the byte */
        uint8_t t[4] = {0x47, (uint8_t)(rnd(&g->rng, 16) << 4), 0xc0, 0};
        k = ex_target(g, t, 4);
        g->ex[k].branch = (int16_t)forward_group(g);
        r1 = chance(&g->rng, 30) ? 0 : reg_nz(g);
        if (r1) {
            setup_role(g);
            rx(g, 0x41, r1, 0, 0, rnd(&g->rng, 16) << 4);
        }
        break;
    }
    default: { /* EX of EX (execute exception), or an odd target (specification) */
        b[0] = 0x44, b[1] = 0, b[2] = 0xd0, b[3] = 0;
        k = ex_target(g, b, 4);
        if (chance(&g->rng, 50)) {
            static const uint8_t nop[2] = {0x18, 0x00};
            k = ex_target(g, nop, 2);
            g->ex[k].odd = true;
        }
        r1 = reg(g);
        break;
    }
    }
    test_role(g);
    a = rx(g, 0x44, r1, 0, 12, 0);
    fixup(g, a, 0, FIX_EX, k);
}

/* Operation exceptions: opcodes unassigned on S/370 (PoO-370 appendix
 * "Lists of Instructions"), including ESA/390 ones. */
static void grp_invalid(Gen *g)
{
    static const uint8_t codes[][4] = {
        {0x00, 0x00, 0, 0},    {0xa7, 0x18, 0x00, 0x05}, /* LHI (ESA/390) */
        {0xb2, 0x22, 0, 0x10},                           /* IPM (370-XA) */
        {0x71, 0x10, 0xd0, 0},                           /* MS (ESA/390) */
        {0x0b, 0x10, 0, 0},                              /* BSM (370-XA) */
    };
    unsigned k = rnd(&g->rng, sizeof codes / sizeof codes[0]);
    unsigned len = codes[k][0] >= 0x40 ? 4 : 2;
    test_role(g);
    put_bytes(g, codes[k], len);
}

static unsigned new_label(Gen *g)
{
    if (g->nlabels == MAX_LABELS) {
        g->overflow = true;
        return 0;
    }
    g->label[g->nlabels] = 0;
    return g->nlabels++;
}

static void set_label(Gen *g, unsigned l)
{
    g->label[l] = g->pc;
}

/* Self-modifying code: an instruction stores into one that follows it
 * in the same sequence (base r12), flipping AR/SR-like opcode pairs or
 * changing an LA displacement (PoO-370 §5 "Instruction Execution":
 * later instructions see the stored bytes). */
static void grp_self_modify(Gen *g)
{
    static const uint8_t flips[] = {0x1a, 0x1b, 0x1e, 0x1f, 0x14, 0x15, 0x16,
                                    0x17, 0x18, 0x19, 0x12, 0x13, 0x10, 0x11};
    unsigned l = new_label(g);
    bool flip = chance(&g->rng, 50);
    uint32_t a;
    test_role(g);
    if (flip)
        a = si(g, 0x97, 0x01, 12, 0); /* XI label(12),X'01': the opcode */
    else
        a = si(g, 0x92, (uint8_t)rng_next(&g->rng), 12, 3); /* MVI label+3(12): the displacement */
    fixup(g, a, 0, FIX_LABEL, l);
    for (unsigned k = rnd(&g->rng, 3); k > 0; k--)
        grp_rr_alu(g);
    set_label(g, l);
    test_role(g);
    if (flip)
        rr(g, flips[rnd(&g->rng, sizeof flips)], reg(g), reg(g));
    else
        rx(g, 0x41, reg(g), 0, 0, rnd(&g->rng, 4096));
}

/* Storage keys and the PSW key (PoO-370 §3 "Protection"): set the
 * sandbox's key, change the PSW key, read them back.  Later stores and
 * fetches in the sandbox may then raise protection exceptions. */
static void grp_keys(Gen *g)
{
    static const uint8_t keys[] = {0, 1, 8, 15};
    unsigned r;
    uint8_t b[4];
    switch (rnd(&g->rng, 6)) {
    case 0:
    case 1: /* SSK r,13 */
        r = reg_nz(g);
        setup_role(g);
        rx(g, 0x41, r, 0, 0,
           keys[rnd(&g->rng, 4)] << 4 | (chance(&g->rng, 30) ? 8 : 0) | rnd(&g->rng, 4) << 1);
        test_role(g);
        rr(g, 0x08, r, 13);
        break;
    case 2:
    case 3: /* SPKA key<<4(0) */
        b[0] = 0xb2, b[1] = 0x0a, b[2] = 0, b[3] = (uint8_t)(keys[rnd(&g->rng, 4)] << 4);
        test_role(g);
        put_bytes(g, b, 4);
        break;
    case 4: /* ISK r,13 */
        test_role(g);
        rr(g, 0x09, reg(g), 13);
        break;
    default: /* IPK: the PSW key into r2 */
        if (g->reserved & 4) return;
        b[0] = 0xb2, b[1] = 0x0b, b[2] = 0, b[3] = 0;
        test_role(g);
        put_bytes(g, b, 4);
        break;
    }
}

/* MONITOR CALL with every monitor mask off: nothing happens, unless bits
 * 8-11 are not zero (specification; PoO-370 §7 "Monitor Call"). */
static void grp_monitor(Gen *g)
{
    test_role(g);
    si(g, 0xaf, (uint8_t)(chance(&g->rng, 85) ? rnd(&g->rng, 16) : 0x10u << rnd(&g->rng, 4)), 0,
       rnd(&g->rng, 4096));
}

static void grp_loop(Gen *g);

typedef void GroupFn(Gen *g);
static const struct {
    GroupFn *fn;
    unsigned weight;
} groups[] = {
    {grp_rr_alu, 14}, {grp_rr_muldiv, 4},   {grp_rx_fixed, 14},  {grp_la, 4},
    {grp_shift, 8},   {grp_si, 6},          {grp_ss_logical, 8}, {grp_tr, 4},
    {grp_edit, 4},    {grp_decimal, 10},    {grp_srp, 3},        {grp_pack, 4},
    {grp_cvb_cvd, 4}, {grp_under_mask, 4},  {grp_cs, 3},         {grp_multiple, 3},
    {grp_long, 3},    {grp_ts, 1},          {grp_spm, 2},        {grp_hfp_rr, 12},
    {grp_hfp_rx, 8},  {grp_branch, 10},     {grp_execute, 5},    {grp_invalid, 1},
    {grp_loop, 4},    {grp_self_modify, 3}, {grp_keys, 3},       {grp_monitor, 1},
};

static void gen_group(Gen *g)
{
    unsigned total = 0;
    for (unsigned i = 0; i < sizeof groups / sizeof groups[0]; i++)
        total += groups[i].weight;
    for (;;) {
        unsigned k = rnd(&g->rng, total), i = 0;
        while (k >= groups[i].weight)
            k -= groups[i++].weight;
        /* No nested loops; no LM (its ranges ignore the loop counter). */
        if (g->in_loop && (groups[i].fn == grp_loop || groups[i].fn == grp_multiple)) continue;
        groups[i].fn(g);
        return;
    }
}

/* A counted loop (BCT backwards) around a few groups; the body may leave
 * through a forward branch.  The counter is never r1 or r2, which TRT,
 * EDMK and IPK change implicitly. */
static void grp_loop(Gen *g)
{
    static const uint8_t counters[] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15};
    unsigned r = counters[rnd(&g->rng, sizeof counters)];
    setup_role(g);
    rx(g, 0x41, r, 0, 0, 1 + rnd(&g->rng, 12));
    unsigned l = new_label(g);
    set_label(g, l);
    g->reserved |= (uint16_t)(1u << r);
    g->in_loop = true;
    for (unsigned n = 1 + rnd(&g->rng, 4); n > 0; n--)
        gen_group(g);
    g->reserved &= (uint16_t) ~(1u << r);
    g->in_loop = false;
    test_role(g);
    uint32_t a = rx(g, 0x46, r, 0, 12, 0);
    fixup(g, a, 0, FIX_LABEL, l);
}

/* ---------------------------------------------------------------- */
/* Program structure.                                                */

static void gen_prologue(Gen *g, uint32_t *done_addr, uint32_t *handler_addr)
{
    enum { PSW_AREA = 0x4c0 }; /* new PSWs: pgm, svc, ext, io, mck, done */
    g->pc = PROLOGUE_ADDR;
    g->role = 0;
    /* New PSWs (PoO-370 fig. 3-3): program 0x68, SVC 0x60, external
     * 0x58, I/O 0x78, machine check 0x70. */
    static const uint16_t slots[] = {0x68, 0x60, 0x58, 0x78, 0x70};
    for (unsigned i = 0; i < 5; i++)
        ss_l(g, 0xd2, 8, 0, slots[i], 0, PSW_AREA + 8 * i);
    ss_l(g, 0xd2, 4, 0, MBOX_CONST, 0, PSW_AREA + 48);
    rx(g, 0x58, 15, 0, 0, PSW_AREA + 52); /* L 15,=A(SEQ_START) */
    rr(g, 0x07, 15, 15);
    *done_addr = g->pc;
    si(g, 0x82, 0, 0, PSW_AREA + 40); /* LPSW done */

    /* Program-check handler: record everything, go on with the next
     * sequence. */
    align(g, 2);
    *handler_addr = g->pc;
    rs(g, 0x90, 0, 15, 0, MBOX_GPRS);
    rx(g, 0x58, 1, 0, 0, MBOX_REC);
    ss_l(g, 0xd2, 64, 1, REC_GPRS, 0, MBOX_GPRS);
    for (unsigned f = 0; f < 4; f++)
        rx(g, 0x60, 2 * f, 0, 1, REC_FPRS + 8 * f);
    ss_l(g, 0xd2, 8, 1, REC_PSW, 0, 0x28);
    ss_l(g, 0xd2, 4, 1, REC_PIC, 0, 0x8c);
    si(g, 0x92, REC_INTERRUPTED, 1, REC_STATUS);
    rx(g, 0x58, 13, 0, 0, MBOX_CONST);
    ss_l(g, 0xd2, SBX_SIZE, 1, REC_SBX, 13, 0);
    rx(g, 0x58, 15, 0, 0, MBOX_NEXT);
    rr(g, 0x07, 15, 15);
    if (g->pc > PSW_AREA) {
        fprintf(stderr, "s370-diffgen: prologue too long\n");
        exit(1);
    }
    /* EC- or BC-mode PSWs (bit 12), every interruption disabled, key 0,
     * and the waits (bit 14) (PoO-370 §4 "Program-Status Word"). */
    const uint32_t run_hi = g->bc ? 0x00000000 : 0x00080000, wait_hi = run_hi | 0x00020000;
    static const uint32_t fail_codes[4] = {FAIL_SVC, FAIL_EXT, FAIL_IO, FAIL_MCK};
    put32(g, PSW_AREA, run_hi);
    put32(g, PSW_AREA + 4, *handler_addr);
    for (unsigned i = 0; i < 4; i++) {
        put32(g, PSW_AREA + 8 + 8 * i, wait_hi);
        put32(g, PSW_AREA + 12 + 8 * i, fail_codes[i]);
    }
    put32(g, PSW_AREA + 40, wait_hi);
    put32(g, PSW_AREA + 44, DONE_CODE);
    put32(g, PSW_AREA + 48, SBX_ADDR);
    put32(g, PSW_AREA + 52, SEQ_START);
}

typedef struct SeqState {
    uint32_t gpr[16];
    uint64_t fpr[4];
    uint32_t pm; /* SPM operand: CC in bits 2-3, program mask in bits 4-7 */
    uint8_t sbx[SBX_SIZE];
} SeqState;

/* Patch the displacement of f: the target's offset from the base plus
 * whatever displacement the instruction was emitted with (FPRS+8f). */
static void resolve(Gen *g, const Fixup *f)
{
    uint32_t target;
    switch (f->kind) {
    case FIX_GROUP: target = g->group_addr[f->id]; break;
    case FIX_DATA: target = g->data_addr[f->id]; break;
    case FIX_LABEL: target = g->label[f->id]; break;
    default: target = g->ex_addr[f->id] + (g->ex[f->id].odd ? 1 : 0); break;
    }
    uint8_t *p = at(g, f->at + 2 + 2 * f->field, 2);
    uint32_t d = target - g->base + ((uint32_t)(p[0] & 15) << 8 | p[1]);
    if (d > 4095) {
        g->overflow = true;
        return;
    }
    p[0] = (uint8_t)((p[0] & 0xf0) | d >> 8);
    p[1] = (uint8_t)d;
}

/* Emit sequence idx at g->pc; next is the address after it (the next
 * sequence or the done wait), known only afterwards, so it is patched by
 * the caller through *next_slot. */
static void gen_sequence(Gen *g, unsigned idx, SeqState *st, uint32_t *next_slot)
{
    uint32_t a;
    align(g, 8);
    g->nfix = g->nins = g->nex = g->nlabels = 0;
    g->reserved = 0;
    g->in_loop = false;
    g->overflow = false;
    g->role = 0;
    rr(g, 0x05, 12, 0); /* BALR 12,0 */
    g->base = g->pc;
    rx(g, 0x41, 12, 0, 12, 0); /* LA 12,0(12): drop the link's CC and mask, which come from
                                  the previous sequence */
    a = rx(g, 0x58, 1, 0, 12, 0);
    fixup(g, a, 0, FIX_DATA, DATA_NEXT);
    rx(g, 0x50, 1, 0, 0, MBOX_NEXT);
    a = rx(g, 0x58, 1, 0, 12, 0);
    fixup(g, a, 0, FIX_DATA, DATA_REC);
    rx(g, 0x50, 1, 0, 0, MBOX_REC);
    rx(g, 0x58, 13, 0, 0, MBOX_CONST);
    rr(g, 0x1b, 1, 1); /* SR 1,1; SSK 1,13: the sandbox's key back to 0 */
    rr(g, 0x08, 1, 13);
    a = ss_l(g, 0xd2, SBX_SIZE, 13, 0, 12, 0);
    fixup(g, a, 1, FIX_DATA, DATA_SBINIT);
    for (unsigned f = 0; f < 4; f++) {
        a = rx(g, 0x68, 2 * f, 0, 12, 8 * f);
        fixup(g, a, 0, FIX_DATA, DATA_FPRS);
    }
    a = rx(g, 0x58, 1, 0, 12, 0);
    fixup(g, a, 0, FIX_DATA, DATA_PM);
    rr(g, 0x04, 1, 0); /* SPM 1 */
    a = rs(g, 0x98, 14, 11, 12, 0);
    fixup(g, a, 0, FIX_DATA, DATA_REGS);

    g->ngroups = 4 + rnd(&g->rng, 13);
    for (g->cur_group = 0; g->cur_group < g->ngroups; g->cur_group++) {
        g->group_addr[g->cur_group] = g->pc;
        gen_group(g);
    }
    g->role = 0;
    g->group_addr[g->ngroups] = g->pc;

    /* Epilogue: record GPRs, FPRs, the link word and the sandbox, with
     * PSW key 0 again (SPKA 0). */
    static const uint8_t spka0[4] = {0xb2, 0x0a, 0, 0};
    put_bytes(g, spka0, 4);
    rs(g, 0x90, 0, 15, 0, MBOX_GPRS);
    rr(g, 0x05, 1, 0);
    rx(g, 0x50, 1, 0, 0, MBOX_LINK);
    rx(g, 0x58, 1, 0, 0, MBOX_REC);
    ss_l(g, 0xd2, 64, 1, REC_GPRS, 0, MBOX_GPRS);
    for (unsigned f = 0; f < 4; f++)
        rx(g, 0x60, 2 * f, 0, 1, REC_FPRS + 8 * f);
    ss_l(g, 0xd2, 4, 1, REC_LINK, 0, MBOX_LINK);
    si(g, 0x92, REC_COMPLETED, 1, REC_STATUS);
    ss_l(g, 0xd2, SBX_SIZE, 1, REC_SBX, 13, 0);
    rx(g, 0x58, 15, 0, 0, MBOX_NEXT);
    rr(g, 0x07, 15, 15);

    /* Data. */
    align(g, 8);
    g->data_addr[DATA_FPRS] = g->pc;
    for (unsigned f = 0; f < 4; f++) {
        put32(g, g->pc, (uint32_t)(st->fpr[f] >> 32));
        put32(g, g->pc + 4, (uint32_t)st->fpr[f]);
        g->pc += 8;
    }
    g->data_addr[DATA_REGS] = g->pc;
    static const uint8_t lm_order[14] = {14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    for (unsigned i = 0; i < 14; i++, g->pc += 4)
        put32(g, g->pc, st->gpr[lm_order[i]]);
    g->data_addr[DATA_PM] = g->pc;
    put32(g, g->pc, st->pm);
    g->pc += 4;
    g->data_addr[DATA_NEXT] = g->pc;
    *next_slot = g->pc;
    g->pc += 4;
    g->data_addr[DATA_REC] = g->pc;
    put32(g, g->pc, RES_ADDR + idx * REC_SIZE);
    g->pc += 4;
    g->data_addr[DATA_SBINIT] = g->pc;
    memcpy(at(g, g->pc, SBX_SIZE), st->sbx, SBX_SIZE);
    g->pc += SBX_SIZE;
    g->role = 'x';
    for (unsigned k = 0; k < g->nex; k++) {
        align(g, 2);
        g->ex_addr[k] = g->pc;
        put_bytes(g, g->ex[k].bytes, g->ex[k].len);
        if (g->ex[k].branch >= 0) fixup(g, g->ex_addr[k], 0, FIX_GROUP, (unsigned)g->ex[k].branch);
    }
    g->role = 0;
    for (unsigned i = 0; i < g->nfix; i++)
        resolve(g, &g->fix[i]);
}

/* ---------------------------------------------------------------- */
/* The map: a small disassembler for what this generator emits.       */

static void disas(const uint8_t *b, char *out, size_t n)
{
    static const char *const names[256] = {
        [0x04] = "SPM",  [0x08] = "SSK",  [0x09] = "ISK",  [0xaf] = "MC",   [0x05] = "BALR",
        [0x06] = "BCTR", [0x07] = "BCR",  [0x0d] = "BASR", [0x0e] = "MVCL", [0x0f] = "CLCL",
        [0x10] = "LPR",  [0x11] = "LNR",  [0x12] = "LTR",  [0x13] = "LCR",  [0x14] = "NR",
        [0x15] = "CLR",  [0x16] = "OR",   [0x17] = "XR",   [0x18] = "LR",   [0x19] = "CR",
        [0x1a] = "AR",   [0x1b] = "SR",   [0x1c] = "MR",   [0x1d] = "DR",   [0x1e] = "ALR",
        [0x1f] = "SLR",  [0x20] = "LPDR", [0x21] = "LNDR", [0x22] = "LTDR", [0x23] = "LCDR",
        [0x24] = "HDR",  [0x25] = "LRDR", [0x26] = "MXR",  [0x27] = "MXDR", [0x28] = "LDR",
        [0x29] = "CDR",  [0x2a] = "ADR",  [0x2b] = "SDR",  [0x2c] = "MDR",  [0x2d] = "DDR",
        [0x2e] = "AWR",  [0x2f] = "SWR",  [0x30] = "LPER", [0x31] = "LNER", [0x32] = "LTER",
        [0x33] = "LCER", [0x34] = "HER",  [0x35] = "LRER", [0x36] = "AXR",  [0x37] = "SXR",
        [0x38] = "LER",  [0x39] = "CER",  [0x3a] = "AER",  [0x3b] = "SER",  [0x3c] = "MER",
        [0x3d] = "DER",  [0x3e] = "AUR",  [0x3f] = "SUR",  [0x40] = "STH",  [0x41] = "LA",
        [0x42] = "STC",  [0x43] = "IC",   [0x44] = "EX",   [0x45] = "BAL",  [0x46] = "BCT",
        [0x47] = "BC",   [0x48] = "LH",   [0x49] = "CH",   [0x4a] = "AH",   [0x4b] = "SH",
        [0x4c] = "MH",   [0x4d] = "BAS",  [0x4e] = "CVD",  [0x4f] = "CVB",  [0x50] = "ST",
        [0x54] = "N",    [0x55] = "CL",   [0x56] = "O",    [0x57] = "X",    [0x58] = "L",
        [0x59] = "C",    [0x5a] = "A",    [0x5b] = "S",    [0x5c] = "M",    [0x5d] = "D",
        [0x5e] = "AL",   [0x5f] = "SL",   [0x60] = "STD",  [0x67] = "MXD",  [0x68] = "LD",
        [0x69] = "CD",   [0x6a] = "AD",   [0x6b] = "SD",   [0x6c] = "MD",   [0x6d] = "DD",
        [0x6e] = "AW",   [0x6f] = "SW",   [0x70] = "STE",  [0x78] = "LE",   [0x79] = "CE",
        [0x7a] = "AE",   [0x7b] = "SE",   [0x7c] = "ME",   [0x7d] = "DE",   [0x7e] = "AU",
        [0x7f] = "SU",   [0x82] = "LPSW", [0x86] = "BXH",  [0x87] = "BXLE", [0x88] = "SRL",
        [0x89] = "SLL",  [0x8a] = "SRA",  [0x8b] = "SLA",  [0x8c] = "SRDL", [0x8d] = "SLDL",
        [0x8e] = "SRDA", [0x8f] = "SLDA", [0x90] = "STM",  [0x91] = "TM",   [0x92] = "MVI",
        [0x93] = "TS",   [0x94] = "NI",   [0x95] = "CLI",  [0x96] = "OI",   [0x97] = "XI",
        [0x98] = "LM",   [0xba] = "CS",   [0xbb] = "CDS",  [0xbd] = "CLM",  [0xbe] = "STCM",
        [0xbf] = "ICM",  [0xd1] = "MVN",  [0xd2] = "MVC",  [0xd3] = "MVZ",  [0xd4] = "NC",
        [0xd5] = "CLC",  [0xd6] = "OC",   [0xd7] = "XC",   [0xdc] = "TR",   [0xdd] = "TRT",
        [0xde] = "ED",   [0xdf] = "EDMK", [0xf0] = "SRP",  [0xf1] = "MVO",  [0xf2] = "PACK",
        [0xf3] = "UNPK", [0xf8] = "ZAP",  [0xf9] = "CP",   [0xfa] = "AP",   [0xfb] = "SP",
        [0xfc] = "MP",   [0xfd] = "DP",
    };
    uint8_t op = b[0];
    const char *nm = names[op];
    unsigned r1 = b[1] >> 4, r2 = b[1] & 15;
    unsigned bb = b[2] >> 4, d = (unsigned)(b[2] & 15) << 8 | b[3];
    if (op == 0xb2 && (b[1] == 0x0a || b[1] == 0x0b)) {
        snprintf(out, n, "%s %u(%u)", b[1] == 0x0a ? "SPKA" : "IPK", d, bb);
        return;
    }
    if (!nm) {
        unsigned len = op < 0x40 ? 2 : op < 0xc0 ? 4 : 6;
        int k = snprintf(out, n, "DC X'");
        for (unsigned i = 0; i < len && k > 0 && (size_t)k < n; i++)
            k += snprintf(out + k, n - (size_t)k, "%02X", b[i]);
        if (k > 0 && (size_t)k < n) snprintf(out + k, n - (size_t)k, "' (invalid)");
        return;
    }
    if (op == 0x04) {
        snprintf(out, n, "%s %u", nm, r1);
    } else if (op < 0x40) {
        snprintf(out, n, "%s %u,%u", nm, r1, r2);
    } else if (op < 0x80) {
        snprintf(out, n, "%s %u,%u(%u,%u)", nm, r1, d, r2, bb);
    } else if (op == 0x82 || op == 0x93) {
        snprintf(out, n, "%s %u(%u)", nm, d, bb);
    } else if (op >= 0x88 && op <= 0x8f) {
        snprintf(out, n, "%s %u,%u(%u)", nm, r1, d, bb);
    } else if ((op >= 0x91 && op <= 0x97) || op == 0xaf) {
        snprintf(out, n, "%s %u(%u),X'%02X'", nm, d, bb, b[1]);
    } else if (op < 0xc0) {
        snprintf(out, n, "%s %u,%u,%u(%u)", nm, r1, r2, d, bb);
    } else {
        unsigned b2 = b[4] >> 4, d2 = (unsigned)(b[4] & 15) << 8 | b[5];
        if (op >= 0xd1 && op <= 0xdf)
            snprintf(out, n, "%s %u(%u,%u),%u(%u)", nm, d, b[1] + 1, bb, d2, b2);
        else if (op == 0xf0)
            snprintf(out, n, "%s %u(%u,%u),%u(%u),%u", nm, d, r1 + 1, bb, d2, b2, r2);
        else
            snprintf(out, n, "%s %u(%u,%u),%u(%u,%u)", nm, d, r1 + 1, bb, d2, r2 + 1, b2);
    }
}

static void write_map(Gen *g, FILE *m, unsigned idx, uint32_t entry, const SeqState *st)
{
    fprintf(m, "S %u %08X %08X\n", idx, entry, RES_ADDR + idx * REC_SIZE);
    fprintf(m, "R %u", idx);
    for (unsigned r = 0; r < 16; r++)
        fprintf(m, " %08X", r == 12 ? g->base : r == 13 ? SBX_ADDR : st->gpr[r]);
    fprintf(m, "\nF %u", idx);
    for (unsigned f = 0; f < 4; f++)
        fprintf(m, " %016llX", (unsigned long long)st->fpr[f]);
    fprintf(m, "\nM %u %u %X\n", idx, st->pm >> 28 & 3, st->pm >> 24 & 15);
    for (unsigned i = 0; i < g->nins; i++) {
        const Ins *in = &g->ins[i];
        const uint8_t *b = at(g, in->addr, in->len);
        char text[96], hex[16];
        disas(b, text, sizeof text);
        for (unsigned k = 0; k < in->len; k++)
            snprintf(hex + 2 * k, 3, "%02X", b[k]);
        fprintf(m, "I %08X %-12s %c %s\n", in->addr, hex, in->role, text);
    }
}

static void gen_state(Gen *g, SeqState *st)
{
    for (unsigned r = 0; r < 16; r++)
        st->gpr[r] = value32(g);
    for (unsigned f = 0; f < 4; f++)
        st->fpr[f] = hfp_value(g);
    /* SPM takes the CC from bits 2-3 and the program mask from 4-7. */
    unsigned mask = chance(&g->rng, 20) ? 15 : chance(&g->rng, 20) ? 0 : rnd(&g->rng, 16);
    st->pm = (uint32_t)(rnd(&g->rng, 4) << 28 | mask << 24) | (value32(g) & 0xc0ffffff);
    for (unsigned i = 0; i < SBX_SIZE; i++)
        st->sbx[i] = chance(&g->rng, 20) ? 0 : (uint8_t)rng_next(&g->rng);
    if (chance(&g->rng, 50)) {
        /* Some valid packed data in place already. */
        unsigned off = rnd(&g->rng, SBX_SIZE - 16);
        memcpy(st->sbx + off, at(g, POOL_DEC + rnd(&g->rng, POOL_DEC_N) * POOL_DEC_SIZE, 16), 16);
    }
}

static int usage(void)
{
    fprintf(stderr, "usage: s370-diffgen [-b] -s SEED -n SEQUENCES -o prog.bin -m prog.map\n"
                    "  -b: BC-mode PSWs (IPL the program with a BC-mode PSW)\n");
    return 2;
}

int main(int argc, char **argv)
{
    unsigned long long seed = 1;
    unsigned n = 100;
    const char *out = NULL, *map = NULL;
    bool bc = false;
    for (int i = 1; i < argc; i += 2) {
        if (!strcmp(argv[i], "-b")) {
            bc = true;
            i--;
            continue;
        }
        if (i + 1 == argc) return usage();
        if (!strcmp(argv[i], "-s"))
            seed = strtoull(argv[i + 1], NULL, 0);
        else if (!strcmp(argv[i], "-n"))
            n = (unsigned)strtoul(argv[i + 1], NULL, 0);
        else if (!strcmp(argv[i], "-o"))
            out = argv[i + 1];
        else if (!strcmp(argv[i], "-m"))
            map = argv[i + 1];
        else
            return usage();
    }
    if (!out || !map || n == 0) return usage();
    if ((uint64_t)n * REC_SIZE > 0x800000 - 0x1000) {
        fprintf(stderr, "s370-diffgen: too many sequences\n");
        return 2;
    }
    Gen g = {0};
    g.bc = bc;
    g.rng.s = seed * 0x2545f4914f6cdd1dull + 1;
    FILE *m = fopen(map, "w");
    if (!m) {
        fprintf(stderr, "s370-diffgen: %s: %s\n", map, strerror(errno));
        return 1;
    }
    fprintf(m, "# s370-diffgen%s -s %llu -n %u\nP %s\n", bc ? " -b" : "", seed, n,
            bc ? "BC" : "EC");
    uint32_t done, handler;
    gen_prologue(&g, &done, &handler);
    gen_pools(&g);
    g.pc = SEQ_START;
    uint32_t prev_next = 0;
    for (unsigned i = 0; i < n; i++) {
        SeqState st;
        gen_state(&g, &st);
        /* Retry a sequence whose data did not fit in 4 KiB of its base. */
        uint32_t start = (g.pc + 7) & ~7u;
        Rng saved = g.rng;
        uint32_t next_slot;
        for (;;) {
            g.pc = start;
            gen_sequence(&g, i, &st, &next_slot);
            if (!g.overflow) break;
            rng_next(&saved);
            g.rng = saved;
        }
        if (prev_next) put32(&g, prev_next, start);
        prev_next = next_slot;
        write_map(&g, m, i, start, &st);
        if (g.pc >= SBX_ADDR) {
            fprintf(stderr, "s370-diffgen: program too large\n");
            return 1;
        }
    }
    put32(&g, prev_next, done);
    fclose(m);
    FILE *f = fopen(out, "wb");
    if (!f) {
        fprintf(stderr, "s370-diffgen: %s: %s\n", out, strerror(errno));
        return 1;
    }
    size_t len = g.pc - PROLOGUE_ADDR;
    if (fwrite(g.img, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "s370-diffgen: %s: write error\n", out);
        return 1;
    }
    free(g.img);
    return 0;
}
