/*
 * Random valid IR blocks (see ir_random.h).  Each generator below emits
 * one kind of op with operands picked from the values that are defined on
 * every path at that point: globals, constants and the temps written
 * outside any conditional body that has since closed.
 */
#include "tests/unit/ir_random.h"

#include <stdlib.h>

#define MAX_DEPTH    3
#define TEMP_RESERVE 16 /* keep this many temps free for multi-op shapes */

typedef enum RegionKind { REGION_SKIP, REGION_IF_ELSE, REGION_EXIT } RegionKind;

/* An open conditional body: brcond over it to label_a. */
typedef struct Region {
    RegionKind kind;
    uint32_t label_a, label_b; /* else / end labels */
    bool in_else;
    uint32_t snap[2]; /* usable temp counts when the body began */
    uint32_t body_ops;
} Region;

typedef struct Gen {
    IrBlock *b;
    uint64_t rng;
    IrRandomOptions opt;
    IrVal temps[2][IR_MAX_TEMPS]; /* usable temps, [0] i32, [1] i64 */
    uint32_t ntemps[2];
    IrVal *globals[2], *writable[2];
    uint32_t nglobals[2], nwritable[2];
    IrVal last_global[2]; /* a recently written global, to provoke DSE */
    Region regions[MAX_DEPTH];
    unsigned depth;
    uint64_t pc;
} Gen;

static uint64_t rnd(Gen *g)
{
    uint64_t z = (g->rng += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint32_t below(Gen *g, uint32_t n)
{
    return n ? (uint32_t)(rnd(g) % n) : 0;
}
static bool chance(Gen *g, unsigned percent)
{
    return below(g, 100) < percent;
}

static int ty(IrType t)
{
    return t == IR_I64;
}
static unsigned width(IrType t)
{
    return t == IR_I64 ? 64 : 32;
}
static IrType pick_type(Gen *g)
{
    return chance(g, 50) ? IR_I64 : IR_I32;
}

static IrVal pick_const(Gen *g, IrType t)
{
    uint64_t sign = 1ull << (width(t) - 1);
    static const uint64_t small[] = {0, 1, 2, 0xff, 0xffff, 0x80, 0x7fffffff};
    switch (below(g, 8)) {
    case 0: return ir_const(g->b, t, ~0ull);
    case 1: return ir_const(g->b, t, sign);
    case 2: return ir_const(g->b, t, sign - 1);
    case 3: return ir_const(g->b, t, below(g, 64));
    case 4:
    case 5: return ir_const(g->b, t, small[below(g, sizeof(small) / sizeof(small[0]))]);
    default: return ir_const(g->b, t, rnd(g));
    }
}

static IrVal pick_val(Gen *g, IrType t)
{
    int k = ty(t);
    uint32_t r = below(g, 100);
    if (r < 20) return pick_const(g, t);
    if (r < 55 && g->nglobals[k]) return g->globals[k][below(g, g->nglobals[k])];
    if (g->ntemps[k]) return g->temps[k][below(g, g->ntemps[k])];
    if (g->nglobals[k]) return g->globals[k][below(g, g->nglobals[k])];
    return pick_const(g, t);
}

/* A fresh temp, usable from now on (callers pick inputs first). */
static IrVal new_temp(Gen *g, IrType t)
{
    IrVal v = ir_temp(g->b, t);
    g->temps[ty(t)][g->ntemps[ty(t)]++] = v;
    return v;
}

static IrVal pick_dest(Gen *g, IrType t)
{
    int k = ty(t);
    if (g->nwritable[k] && chance(g, 35)) {
        IrVal v = g->last_global[k] != IR_NONE && chance(g, 40)
                      ? g->last_global[k]
                      : g->writable[k][below(g, g->nwritable[k])];
        return g->last_global[k] = v;
    }
    if (g->ntemps[k] && (chance(g, 30) || g->b->ntemps >= IR_MAX_TEMPS - TEMP_RESERVE))
        return g->temps[k][below(g, g->ntemps[k])];
    return new_temp(g, t);
}

/* A second output distinct from the first. */
static IrVal pick_dest2(Gen *g, IrType t, IrVal other)
{
    IrVal v = pick_dest(g, t);
    return v != other ? v : new_temp(g, t);
}

/* ---- one generator per op shape; false if disabled by the options ---- */

static bool gen_binary(Gen *g)
{
    static const IrOpcode ops[] = {IR_add, IR_sub,  IR_mul, IR_and,    IR_or,
                                   IR_xor, IR_andc, IR_orc, IR_mulh_s, IR_mulh_u};
    IrType t = pick_type(g);
    IrVal a = pick_val(g, t), c = pick_val(g, t);
    ir_op2(g->b, ops[below(g, sizeof(ops) / sizeof(ops[0]))], t, pick_dest(g, t), a, c);
    return true;
}

static bool gen_shift(Gen *g)
{
    static const IrOpcode ops[] = {IR_shl, IR_shr, IR_sar, IR_rotl, IR_rotr};
    IrType t = pick_type(g);
    IrVal a = pick_val(g, t), count;
    if (chance(g, 50)) {
        count = ir_const(g->b, t, below(g, width(t)));
    } else { /* masked like a frontend does */
        IrVal raw = pick_val(g, t);
        count = new_temp(g, t);
        ir_op2(g->b, IR_and, t, count, raw, ir_const(g->b, t, width(t) - 1));
    }
    ir_op2(g->b, ops[below(g, sizeof(ops) / sizeof(ops[0]))], t, pick_dest(g, t), a, count);
    return true;
}

static bool gen_unary(Gen *g)
{
    static const IrOpcode ops[] = {IR_neg,     IR_not,     IR_clz,     IR_ctz,    IR_popcnt,
                                   IR_bswap16, IR_bswap32, IR_bswap64, IR_ext8s,  IR_ext8u,
                                   IR_ext16s,  IR_ext16u,  IR_ext32s,  IR_ext32u, IR_mov};
    IrType t = pick_type(g);
    IrOpcode opc = ops[below(g, sizeof(ops) / sizeof(ops[0]))];
    if (opc == IR_bswap64) t = IR_I64;
    IrVal a = pick_val(g, t);
    ir_op1(g->b, opc, t, pick_dest(g, t), a);
    return true;
}

static bool gen_div(Gen *g)
{
    static const IrOpcode ops[] = {IR_div_s, IR_div_u, IR_rem_s, IR_rem_u};
    IrType t = pick_type(g);
    IrOpcode opc = ops[below(g, 4)];
    IrVal a = pick_val(g, t), divisor = pick_val(g, t);
    if (g->opt.guard_div) { /* 0 -> 1, and -1 -> 7 for the signed forms */
        IrVal safe = new_temp(g, t);
        ir_movcond(g->b, t, IR_EQ, safe, divisor, ir_const(g->b, t, 0), ir_const(g->b, t, 1),
                   divisor);
        if (opc == IR_div_s || opc == IR_rem_s)
            ir_movcond(g->b, t, IR_EQ, safe, safe, ir_const(g->b, t, ~0ull), ir_const(g->b, t, 7),
                       safe);
        divisor = safe;
    }
    ir_op2(g->b, opc, t, pick_dest(g, t), a, divisor);
    return true;
}

static bool gen_bitfield(Gen *g)
{
    IrType t = pick_type(g);
    unsigned pos = below(g, width(t)), len = 1 + below(g, width(t) - pos);
    IrVal a = pick_val(g, t);
    if (chance(g, 40)) {
        IrVal v = pick_val(g, t);
        ir_deposit(g->b, t, pick_dest(g, t), a, v, pos, len);
    } else {
        IrOpcode opc = chance(g, 50) ? IR_extract : IR_sextract;
        ir_extract(g->b, opc, t, pick_dest(g, t), a, pos, len);
    }
    return true;
}

static bool gen_cond(Gen *g)
{
    IrType t = pick_type(g);
    IrCond c = (IrCond)below(g, IR_NUM_CONDS);
    IrVal x = pick_val(g, t), y = pick_val(g, t);
    if (chance(g, 50)) {
        ir_setcond(g->b, t, c, pick_dest(g, t), x, y);
    } else {
        IrVal v1 = pick_val(g, t), v2 = pick_val(g, t);
        ir_movcond(g->b, t, c, pick_dest(g, t), x, y, v1, v2);
    }
    return true;
}

/* A carry-in that is 0 or 1, as frontends produce it. */
static IrVal carry_in(Gen *g, IrType t)
{
    IrVal x = pick_val(g, t), y = pick_val(g, t), c;
    switch (below(g, 3)) {
    case 0: return ir_const(g->b, t, below(g, 2));
    case 1:
        c = new_temp(g, t);
        ir_setcond(g->b, t, (IrCond)below(g, IR_NUM_CONDS), c, x, y);
        return c;
    default:
        c = new_temp(g, t);
        ir_op2(g->b, IR_and, t, c, x, ir_const(g->b, t, 1));
        return c;
    }
}

static bool gen_carry(Gen *g)
{
    IrType t = pick_type(g);
    IrVal x = pick_val(g, t), y = pick_val(g, t), cin = carry_in(g, t);
    IrVal d = pick_dest(g, t), cout = pick_dest2(g, t, d);
    if (chance(g, 50))
        ir_add_carry(g->b, t, d, cout, x, y, cin);
    else
        ir_sub_borrow(g->b, t, d, cout, x, y, cin);
    return true;
}

static bool gen_width_change(Gen *g)
{
    switch (below(g, 3)) {
    case 0: {
        IrVal a = pick_val(g, IR_I64);
        ir_op1(g->b, IR_trunc, IR_I32, pick_dest(g, IR_I32), a);
        return true;
    }
    default: {
        IrVal a = pick_val(g, IR_I32);
        ir_op1(g->b, chance(g, 50) ? IR_zext : IR_sext, IR_I64, pick_dest(g, IR_I64), a);
        return true;
    }
    }
}

/* A guest address inside the RAM window for an access of size bytes;
 * *aligned says whether it is a multiple of size. */
static IrVal ram_address(Gen *g, unsigned size, bool *aligned)
{
    const IrRandomOptions *o = &g->opt;
    bool fits32 = o->ram_base + o->ram_size <= (1ull << 32);
    IrType at = fits32 && chance(g, 50) ? IR_I32 : IR_I64;
    uint64_t mask = (o->ram_size - 1) & ~7ull;
    unsigned skew = o->unaligned && chance(g, 30) ? below(g, 9 - size) : 0;
    *aligned = skew % size == 0;
    if (chance(g, 20)) return ir_const(g->b, at, o->ram_base + (rnd(g) & mask) + skew);
    IrVal raw = pick_val(g, at), addr = new_temp(g, at);
    ir_op2(g->b, IR_and, at, addr, raw, ir_const(g->b, at, mask));
    if (o->ram_base + skew)
        ir_op2(g->b, IR_add, at, addr, addr, ir_const(g->b, at, o->ram_base + skew));
    return addr;
}

static bool gen_mem(Gen *g)
{
    const IrRandomOptions *o = &g->opt;
    if (!o->ram_size) return false;
    IrType t = pick_type(g);
    unsigned mo = below(g, t == IR_I64 ? 4 : 3);
    if (o->big_endian_mix && chance(g, 50)) mo |= IR_MO_BE;
    bool aligned;
    IrVal addr = ram_address(g, ir_memop_size(mo), &aligned);
    if (aligned && chance(g, 30)) mo |= IR_MO_ALIGN;
    unsigned mmu = below(g, o->mmu_modes ? o->mmu_modes : 1);
    if (chance(g, 50)) {
        if (chance(g, 50)) mo |= IR_MO_SIGN;
        ir_ld(g->b, t, pick_dest(g, t), addr, mo, mmu);
    } else {
        ir_st(g->b, t, pick_val(g, t), addr, mo, mmu);
    }
    return true;
}

/* host_range over a few bytes of the window, then ld_host/st_host inside
 * the range when it is non-zero (ir/README.md "Guest RAM as host
 * memory").  The host address itself never becomes a usable value: it
 * differs between the memories the backends under test run on. */
static bool gen_host(Gen *g)
{
    const IrRandomOptions *o = &g->opt;
    if (!o->ram_size) return false;
    unsigned len = 1 + below(g, 24);
    bool aligned, write = chance(g, 50);
    IrVal addr = ram_address(g, 1, &aligned), h = ir_temp(g->b, IR_I64);
    ir_host_range(g->b, h, addr, len, below(g, o->mmu_modes ? o->mmu_modes : 1), write);
    uint32_t skip = ir_label_new(g->b), snap[2] = {g->ntemps[0], g->ntemps[1]};
    ir_brcond(g->b, IR_I64, IR_EQ, h, ir_const(g->b, IR_I64, 0), skip);
    for (unsigned n = 1 + below(g, 3); n--;) {
        IrType t = pick_type(g);
        unsigned mo;
        do
            mo = below(g, t == IR_I64 ? 4 : 3);
        while (ir_memop_size(mo) > len);
        if (chance(g, 50)) mo |= IR_MO_BE;
        unsigned offset = below(g, len - ir_memop_size(mo) + 1);
        if (write && chance(g, 50)) {
            ir_st_host(g->b, t, pick_val(g, t), h, offset, mo);
        } else {
            if (chance(g, 50)) mo |= IR_MO_SIGN;
            ir_ld_host(g->b, t, pick_dest(g, t), h, offset, mo);
        }
    }
    ir_label(g->b, skip);
    g->ntemps[0] = snap[0];
    g->ntemps[1] = snap[1];
    return true;
}

/* A cpu-state base and byte offset for an env access of size bytes. */
static IrVal env_base(Gen *g, unsigned size, int64_t *offset)
{
    const IrRandomOptions *o = &g->opt;
    uint32_t half = o->env_size / 2;
    if (chance(g, 40)) {
        *offset = o->env_offset + below(g, o->env_size / size) * size;
        return IR_ENV;
    }
    IrVal p = ir_temp(g->b, IR_PTR), off;
    if (chance(g, 50)) {
        off = ir_const(g->b, IR_I64, o->env_offset + below(g, half / 8) * 8);
    } else { /* a computed window base, as for SPARC register windows */
        IrVal raw = pick_val(g, IR_I64);
        off = new_temp(g, IR_I64);
        ir_op2(g->b, IR_and, IR_I64, off, raw, ir_const(g->b, IR_I64, (half - 1) & ~7u));
        ir_op2(g->b, IR_add, IR_I64, off, off, ir_const(g->b, IR_I64, o->env_offset));
    }
    ir_ptr_add(g->b, p, IR_ENV, off);
    *offset = below(g, half / size) * size;
    return p;
}

static bool gen_env(Gen *g)
{
    if (!g->opt.env_size) return false;
    IrType t = pick_type(g);
    unsigned mo = below(g, t == IR_I64 ? 4 : 3);
    int64_t offset;
    IrVal base = env_base(g, ir_memop_size(mo), &offset);
    if (chance(g, 50)) {
        if (chance(g, 50)) mo |= IR_MO_SIGN;
        ir_ld_env(g->b, t, pick_dest(g, t), base, offset, mo);
    } else {
        ir_st_env(g->b, t, pick_val(g, t), base, offset, mo);
    }
    return true;
}

static bool gen_call(Gen *g)
{
    if (!g->opt.nhelpers) return false;
    const IrHelper *h = g->opt.helpers[below(g, g->opt.nhelpers)];
    IrVal args[IR_HELPER_MAX_ARGS];
    for (unsigned i = 0; i < h->nargs; i++)
        args[i] = pick_val(g, h->args[i]);
    IrVal ret = h->ret != IR_VOID && chance(g, 80) ? pick_dest(g, h->ret) : IR_NONE;
    ir_call(g->b, h, ret, args);
    return true;
}

static const struct {
    bool (*gen)(Gen *g);
    unsigned weight;
} generators[] = {
    {gen_binary, 20},  {gen_shift, 8}, {gen_unary, 10}, {gen_div, 4},
    {gen_bitfield, 6}, {gen_cond, 8},  {gen_carry, 5},  {gen_width_change, 5},
    {gen_mem, 10},     {gen_host, 4},  {gen_env, 8},    {gen_call, 4},
};

static void gen_one(Gen *g)
{
    unsigned total = 0;
    for (size_t i = 0; i < sizeof(generators) / sizeof(generators[0]); i++)
        total += generators[i].weight;
    for (;;) {
        unsigned r = below(g, total);
        size_t i = 0;
        while (r >= generators[i].weight)
            r -= generators[i++].weight;
        if (generators[i].gen(g)) return;
    }
}

/* ---- control flow ---- */

static void restore_temps(Gen *g, const Region *r)
{
    g->ntemps[0] = r->snap[0];
    g->ntemps[1] = r->snap[1];
}

static void open_region(Gen *g)
{
    RegionKind kind = (RegionKind)below(g, g->opt.early_exits ? 3 : 2);
    Region *r = &g->regions[g->depth++];
    *r = (Region){.kind = kind, .label_a = ir_label_new(g->b)};
    if (kind == REGION_IF_ELSE) r->label_b = ir_label_new(g->b);
    IrType t = pick_type(g);
    IrVal x = pick_val(g, t), y = pick_val(g, t);
    ir_brcond(g->b, t, (IrCond)below(g, IR_NUM_CONDS), x, y, r->label_a);
    r->snap[0] = g->ntemps[0];
    r->snap[1] = g->ntemps[1];
}

/* End the innermost body (an if/else first moves to its else part). */
static void close_region(Gen *g)
{
    Region *r = &g->regions[g->depth - 1];
    restore_temps(g, r);
    if (r->kind == REGION_IF_ELSE && !r->in_else) {
        ir_br(g->b, r->label_b);
        ir_label(g->b, r->label_a);
        r->in_else = true;
        r->body_ops = 0;
        return;
    }
    if (r->kind == REGION_EXIT) ir_exit_tb(g->b, (IrExitCode)below(g, 3));
    ir_label(g->b, r->kind == REGION_IF_ELSE ? r->label_b : r->label_a);
    g->depth--;
}

static void final_exit(Gen *g)
{
    uint32_t r = g->opt.final_goto ? below(g, 4) : 0;
    if (r == 1)
        ir_goto_tb(g->b, below(g, 2));
    else if (r == 2)
        ir_goto_ptr(g->b);
    else
        ir_exit_tb(g->b, (IrExitCode)below(g, 3));
}

static void collect_globals(Gen *g, const IrGlobalTable *globals)
{
    for (int k = 0; k < 2; k++) {
        g->globals[k] = calloc(globals->count + 1, sizeof(IrVal));
        g->writable[k] = calloc(globals->count + 1, sizeof(IrVal));
        if (!g->globals[k] || !g->writable[k]) abort();
        g->last_global[k] = IR_NONE;
    }
    for (uint32_t i = 0; i < globals->count; i++) {
        IrType t = globals->globals[i].type;
        if (t != IR_I32 && t != IR_I64) continue;
        int k = ty(t);
        g->globals[k][g->nglobals[k]++] = ir_global(i);
        uint64_t mask = g->opt.writable_globals;
        if (!mask || (i < 64 && (mask >> i & 1))) g->writable[k][g->nwritable[k]++] = ir_global(i);
    }
}

void ir_random_default_options(IrRandomOptions *opt)
{
    *opt = (IrRandomOptions){
        .max_ops = 48,
        .mmu_modes = 1,
        .guard_div = true,
        .branches = true,
        .early_exits = true,
    };
}

IrBlock *ir_random_block(uint64_t seed, const IrGlobalTable *globals, const IrRandomOptions *opt)
{
    Gen *g = calloc(1, sizeof(*g));
    if (!g) abort();
    if (opt)
        g->opt = *opt;
    else
        ir_random_default_options(&g->opt);
    g->rng = seed;
    g->b = ir_block_new(globals);
    collect_globals(g, globals);

    ir_insn_start(g->b, g->pc, 0, 0);
    for (uint32_t n = 0; n < g->opt.max_ops && g->b->ntemps < IR_MAX_TEMPS - TEMP_RESERVE; n++) {
        if (!g->depth && g->b->ninsns < IR_MAX_INSNS && chance(g, 25))
            ir_insn_start(g->b, g->pc += 4, below(g, 2), 0);
        if (g->depth && g->regions[g->depth - 1].body_ops && chance(g, 20)) close_region(g);
        if (g->opt.branches && g->depth < MAX_DEPTH && chance(g, 8)) open_region(g);
        gen_one(g);
        if (g->depth) g->regions[g->depth - 1].body_ops++;
    }
    while (g->depth)
        close_region(g);
    final_exit(g);

    IrBlock *b = g->b;
    for (int k = 0; k < 2; k++) {
        free(g->globals[k]);
        free(g->writable[k]);
    }
    free(g);
    return b;
}
