/*
 * Storage-to-storage and other multi-byte instructions, as C helpers:
 * MVC and its byte-logic family, TR/TRT, MVCL/CLCL and the ESA/390
 * MVCLE/CLCLE/MVST/CLST/SRST, CS/CDS/TS and EXECUTE (PoO-370 §7).
 *
 * Operands are processed left to right one byte at a time, which is the
 * architected result when they overlap (PoO-370 §7 "Move"); every operand
 * is checked for access before anything is stored, so an exception
 * suppresses the whole instruction.
 */
#include <string.h>

#include "core/tb.h"
#include "frontends/s370/s370_internal.h"

#define STORAGE_FLAGS (IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_MAY_RAISE)
/* Helpers that change storage and return the CC but no register. */
#define STORAGE_ONLY_FLAGS (IR_CALL_READS_STATE | IR_CALL_MAY_RAISE)

/* ---- SS single-length family ---- */

enum { SS_MVC, SS_MVN, SS_MVZ, SS_NC, SS_OC, SS_XC };

/* One result byte of the family. */
static inline uint8_t ss_byte(int op, uint8_t to, uint8_t from)
{
    switch (op) {
    case SS_MVC: return from;
    case SS_MVN: return (uint8_t)((to & 0xf0) | (from & 0x0f));
    case SS_MVZ: return (uint8_t)((to & 0x0f) | (from & 0xf0));
    case SS_NC: return to & from;
    case SS_OC: return to | from;
    default: return to ^ from;
    }
}

/* A piece of the operation where neither operand crosses a page: when
 * the pieces do not overlap the byte order no longer matters and the
 * compiler may widen the loop; else byte by byte, left to right. */
static uint8_t ss_piece(int op, uint8_t *to, const uint8_t *from, uint32_t n)
{
    uint8_t any = 0;
    if (to >= from + n || from >= to + n) {
        uint8_t *restrict t = to;
        const uint8_t *restrict f = from;
        if (op == SS_MVC) {
            memcpy(t, f, n);
            return 1; /* MVC sets no CC */
        }
        for (uint32_t i = 0; i < n; i++)
            any |= t[i] = ss_byte(op, t[i], f[i]);
        return any;
    }
    for (uint32_t i = 0; i < n; i++)
        any |= to[i] = ss_byte(op, to[i], from[i]);
    return any;
}

/* Bytes of op from byte i to the end of its page part (or of len). */
static uint32_t ss_part_left(const S370Operand *op, uint32_t i, uint32_t len)
{
    return i < op->split ? op->split - i : len - i;
}

/* The general path of s370_lift_ss_inline: operands crossing a page or
 * not plain RAM, and the first operand 1 to 7 bytes after the second.
 * Plain RAM goes in pieces that cross no page of either operand, in
 * ascending order, which keeps the byte-wise result. */
static uint64_t s370_ss_logic(CPUState *c, uint64_t fields, uint64_t a1, uint64_t a2, int op)
{
    S370CPU *cpu = s370_cpu(c);
    uint32_t len = S370_FIELD_L1(fields) + 1;
    S370Operand src, dst;
    s370_operand_map(cpu, a2, len, MMU_READ, &src);
    if (op != SS_MVC) s370_operand_map(cpu, a1, len, MMU_READ, &dst);
    s370_operand_map(cpu, a1, len, MMU_WRITE, &dst);
    uint8_t any = 0;
    if (src.host && dst.host) {
        for (uint32_t i = 0, n; i < len; i += n) {
            n = ss_part_left(&src, i, len);
            uint32_t m = ss_part_left(&dst, i, len);
            if (m < n) n = m;
            any |= ss_piece(op, s370_operand_byte(&dst, i), s370_operand_byte(&src, i), n);
        }
        return any != 0;
    }
    for (uint32_t i = 0; i < len; i++) {
        uint8_t to = op == SS_MVC ? 0 : s370_operand_load8(cpu, &dst, i);
        uint8_t r = ss_byte(op, to, s370_operand_load8(cpu, &src, i));
        any |= r;
        s370_operand_store8(cpu, &dst, i, r);
    }
    return any != 0;
}

#define SS_HELPER(name, op, flags)                                                                 \
    static uint64_t name##_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)                   \
    {                                                                                              \
        return s370_ss_logic(c, f, a1, a2, op);                                                    \
    }                                                                                              \
    static S370_HELPER(name, name##_fn, flags)

SS_HELPER(s370_helper_mvc, SS_MVC, STORAGE_ONLY_FLAGS);
SS_HELPER(s370_helper_mvn, SS_MVN, STORAGE_ONLY_FLAGS);
SS_HELPER(s370_helper_mvz, SS_MVZ, STORAGE_ONLY_FLAGS);
SS_HELPER(s370_helper_nc, SS_NC, STORAGE_ONLY_FLAGS);
SS_HELPER(s370_helper_oc, SS_OC, STORAGE_ONLY_FLAGS);
SS_HELPER(s370_helper_xc, SS_XC, STORAGE_ONLY_FLAGS);

/* The general path of CLC (see s370_lift_ss_inline): comparison stops at
 * the first unequal byte, so the operands go in pieces that cross no page
 * of either, and a page is translated only if the comparison gets there. */
static uint64_t s370_helper_clc_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    S370CPU *cpu = s370_cpu(c);
    uint32_t len = S370_FIELD_L1(f) + 1, amask = s370_amask(cpu);
    uint64_t page = UINT64_C(1) << c->page_bits;
    for (uint32_t i = 0, n; i < len; i += n) {
        uint64_t x = (a1 + i) & amask, y = (a2 + i) & amask;
        n = len - i;
        if (page - (x & (page - 1)) < n) n = (uint32_t)(page - (x & (page - 1)));
        if (page - (y & (page - 1)) < n) n = (uint32_t)(page - (y & (page - 1)));
        S370Operand p, q;
        if (s370_operand_map(cpu, x, n, MMU_READ, &p) &&
            s370_operand_map(cpu, y, n, MMU_READ, &q)) {
            int d = memcmp(p.part[0], q.part[0], n);
            if (d) return d < 0 ? 1 : 2;
            continue;
        }
        for (uint32_t k = 0; k < n; k++) {
            uint8_t u = s370_load8(cpu, x + k), v = s370_load8(cpu, y + k);
            if (u != v) return u < v ? 1 : 2;
        }
    }
    return 0;
}
static S370_HELPER(s370_helper_clc, s370_helper_clc_fn, IR_CALL_READS_STATE | IR_CALL_MAY_RAISE);

/* ---- the SS single-length family inline ----
 *
 * Each operand is translated once (host_range, ir/README.md "Guest RAM as
 * host memory") and processed 8 bytes at a time, then 4, 2, 1.  Chunks in
 * ascending order, each loaded before it is stored, give the byte-at-a-
 * time result unless the first operand starts 1 to 7 bytes after the
 * second in host memory (the propagating MVC): with a distance of 8 or
 * more, every byte a chunk loads that the byte-wise order would see
 * updated was stored by an earlier chunk.  That case, an operand crossing
 * a page, or one that is not plain RAM, takes the helper. */

enum { SS_CLC = SS_XC + 1 };

/* Longer operands stay with the helper: past this, 64 copies of an
 * unrolled chunk cost more to translate than a call. */
#define SS_INLINE_MAX 256

static unsigned ss_chunk(unsigned left, unsigned *memop)
{
    unsigned size = left >= 8 ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1;
    *memop = size == 8 ? IR_MO_64 : size == 4 ? IR_MO_32 : size == 2 ? IR_MO_16 : IR_MO_8;
    return size;
}

/* v = ss_byte(op, to, v) on every byte of a chunk. */
static void ss_gen_combine(IrBlock *b, int op, IrVal v, IrVal to)
{
    const uint64_t low = UINT64_C(0x0f0f0f0f0f0f0f0f);
    switch (op) {
    case SS_MVN:
    case SS_MVZ: {
        uint64_t keep = op == SS_MVN ? ~low : low; /* digits the first operand keeps */
        ir_op2(b, IR_and, IR_I64, v, v, ir_i64(b, ~keep));
        ir_op2(b, IR_and, IR_I64, to, to, ir_i64(b, keep));
        ir_op2(b, IR_or, IR_I64, v, v, to);
        break;
    }
    case SS_NC: ir_op2(b, IR_and, IR_I64, v, v, to); break;
    case SS_OC: ir_op2(b, IR_or, IR_I64, v, v, to); break;
    case SS_XC: ir_op2(b, IR_xor, IR_I64, v, v, to); break;
    default: break; /* MVC */
    }
}

/* MVC, MVN, MVZ, NC, OC, XC on host operands to and from. */
static void ss_gen_logic(S370Disas *d, int op, unsigned len, IrVal to, IrVal from, bool sets_cc)
{
    IrBlock *b = d->b;
    IrVal v = ir_temp(b, IR_I64), old = ir_temp(b, IR_I64), any = ir_temp(b, IR_I64);
    if (sets_cc) ir_mov(b, IR_I64, any, ir_i64(b, 0));
    for (unsigned off = 0, size, mo; off < len; off += size) {
        size = ss_chunk(len - off, &mo);
        ir_ld_host(b, IR_I64, v, from, off, mo);
        if (op != SS_MVC) {
            ir_ld_host(b, IR_I64, old, to, off, mo);
            ss_gen_combine(b, op, v, old);
        }
        ir_st_host(b, IR_I64, v, to, off, mo);
        if (sets_cc) ir_op2(b, IR_or, IR_I64, any, any, v);
    }
    if (sets_cc) { /* PoO-370 §7 "AND": CC 0 all zero, 1 not */
        ir_setcond(b, IR_I64, IR_NE, any, any, ir_i64(b, 0));
        ir_op1(b, IR_trunc, IR_I32, d->cc, any);
    }
}

/* CLC: big-endian chunks compare like their bytes in order; the first
 * unequal chunk decides (PoO-370 §7 "Compare Logical"). */
static void ss_gen_compare(S370Disas *d, unsigned len, IrVal x, IrVal y, uint32_t done)
{
    IrBlock *b = d->b;
    IrVal p = ir_temp(b, IR_I64), q = ir_temp(b, IR_I64);
    uint32_t differ = ir_label_new(b);
    for (unsigned off = 0, size, mo; off < len; off += size) {
        size = ss_chunk(len - off, &mo);
        ir_ld_host(b, IR_I64, p, x, off, mo | IR_MO_BE);
        ir_ld_host(b, IR_I64, q, y, off, mo | IR_MO_BE);
        ir_brcond(b, IR_I64, IR_NE, p, q, differ);
    }
    ir_mov(b, IR_I32, d->cc, ir_i32(b, 0));
    ir_br(b, done);
    ir_label(b, differ); /* CC 1 low, 2 high: 2 - (p < q) */
    ir_setcond(b, IR_I64, IR_LTU, p, p, q);
    ir_op1(b, IR_trunc, IR_I32, d->cc, p);
    ir_op2(b, IR_sub, IR_I32, d->cc, ir_i32(b, 2), d->cc);
}

static void s370_lift_ss_inline(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    unsigned len = in->l1 + 1u;
    if (len > SS_INLINE_MAX) {
        s370_lift_helper(d, in, def);
        return;
    }
    IrBlock *b = d->b;
    int op = def->arg;
    IrVal a1 = s370_gen_addr(d, 0, in->b1, in->d1), a2 = s370_gen_addr(d, 0, in->b2, in->d2);
    IrVal h1 = ir_temp(b, IR_I64), h2 = ir_temp(b, IR_I64);
    uint32_t slow = ir_label_new(b), done = ir_label_new(b);
    /* Access exceptions in the helper's order (a write access implies
     * fetch access under keys and DAT, so one translation of the first
     * operand raises what its fetch and then store would).  A fault
     * restores the pc from the instruction's insn_start; only the helper
     * call sets the pc global. */
    if (op == SS_CLC) {
        ir_host_range(b, h1, a1, len, d->mmu_idx, false);
        ir_host_range(b, h2, a2, len, d->mmu_idx, false);
    } else {
        ir_host_range(b, h2, a2, len, d->mmu_idx, false);
        ir_host_range(b, h1, a1, len, d->mmu_idx, true);
    }
    ir_brcond(b, IR_I64, IR_EQ, h1, ir_i64(b, 0), slow);
    ir_brcond(b, IR_I64, IR_EQ, h2, ir_i64(b, 0), slow);
    if (op == SS_CLC) {
        ss_gen_compare(d, len, h1, h2, done);
    } else {
        IrVal dist = ir_temp(b, IR_I64); /* h1 - h2 - 1 < 7: 1..7 bytes apart */
        ir_op2(b, IR_sub, IR_I64, dist, h1, h2);
        ir_op2(b, IR_sub, IR_I64, dist, dist, ir_i64(b, 1));
        ir_brcond(b, IR_I64, IR_LTU, dist, ir_i64(b, 7), slow);
        ss_gen_logic(d, op, len, h1, h2, (def->flags & S370F_SETS_CC) != 0);
    }
    ir_br(b, done);
    ir_label(b, slow);
    s370_gen_helper_call(d, in, def, a1, a2);
    ir_label(b, done);
}

/* TR inline: byte by byte in operand order, each table lookup after the
 * previous byte's store, which is the architected result also when the
 * table overlaps the operand.  Four ops a byte, so only short operands
 * (the usual translate of a field); a table crossing a page, where only
 * the entries used may be accessed, takes the helper. */
#define TR_INLINE_MAX 64

static void s370_lift_tr_inline(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    unsigned len = in->l1 + 1u;
    if (len > TR_INLINE_MAX) {
        s370_lift_helper(d, in, def);
        return;
    }
    IrBlock *b = d->b;
    IrVal a1 = s370_gen_addr(d, 0, in->b1, in->d1), a2 = s370_gen_addr(d, 0, in->b2, in->d2);
    IrVal op = ir_temp(b, IR_I64), table = ir_temp(b, IR_I64), v = ir_temp(b, IR_I64);
    uint32_t slow = ir_label_new(b), done = ir_label_new(b);
    ir_host_range(b, op, a1, len, d->mmu_idx, true);
    ir_host_range(b, table, a2, 256, d->mmu_idx, false);
    ir_brcond(b, IR_I64, IR_EQ, op, ir_i64(b, 0), slow);
    ir_brcond(b, IR_I64, IR_EQ, table, ir_i64(b, 0), slow);
    for (unsigned i = 0; i < len; i++) {
        ir_ld_host(b, IR_I64, v, op, i, IR_MO_8);
        ir_op2(b, IR_add, IR_I64, v, v, table);
        ir_ld_host(b, IR_I64, v, v, 0, IR_MO_8);
        ir_st_host(b, IR_I64, v, op, i, IR_MO_8);
    }
    ir_br(b, done);
    ir_label(b, slow);
    s370_gen_helper_call(d, in, def, a1, a2);
    ir_label(b, done);
}

/* MVCIN (ESA/390): the second operand is taken right to left. */
static uint64_t s370_helper_mvcin_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    S370CPU *cpu = s370_cpu(c);
    uint32_t len = S370_FIELD_L1(f) + 1;
    S370Operand src, dst;
    s370_operand_map(cpu, a2 - (len - 1), len, MMU_READ, &src);
    s370_operand_map(cpu, a1, len, MMU_WRITE, &dst);
    for (uint32_t i = 0; i < len; i++)
        s370_operand_store8(cpu, &dst, i, s370_operand_load8(cpu, &src, len - 1 - i));
    return 0;
}
static S370_HELPER(s370_helper_mvcin, s370_helper_mvcin_fn, STORAGE_ONLY_FLAGS);

/* TR: each first-operand byte is replaced by the table byte it indexes. */
static uint64_t s370_helper_tr_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    S370CPU *cpu = s370_cpu(c);
    uint32_t len = S370_FIELD_L1(f) + 1;
    S370Operand dst, table;
    s370_operand_map(cpu, a1, len, MMU_WRITE, &dst);
    /* Only the table bytes used are accessed: map the table when it lies
     * in one page (which the first byte's lookup translates anyway). */
    uint64_t page = UINT64_C(1) << c->page_bits;
    if (((a2 & s370_amask(cpu)) & (page - 1)) + 256 <= page &&
        s370_operand_map(cpu, a2, 256, MMU_READ, &table)) {
        const uint8_t *t = table.part[0];
        if (dst.host && dst.split == len) {
            uint8_t *p = dst.part[0];
            for (uint32_t i = 0; i < len; i++)
                p[i] = t[p[i]];
            return 0;
        }
        for (uint32_t i = 0; i < len; i++)
            s370_operand_store8(cpu, &dst, i, t[s370_operand_load8(cpu, &dst, i)]);
        return 0;
    }
    for (uint32_t i = 0; i < len; i++)
        s370_operand_store8(cpu, &dst, i, s370_load8(cpu, a2 + s370_operand_load8(cpu, &dst, i)));
    return 0;
}
static S370_HELPER(s370_helper_tr, s370_helper_tr_fn, STORAGE_ONLY_FLAGS);

/* TRT: scan for the first byte whose table entry is nonzero; GR1 gets its
 * address (bits 8-31 in 24-bit mode), GR2 bits 24-31 the entry. */
static uint64_t s370_helper_trt_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    S370CPU *cpu = s370_cpu(c);
    uint32_t len = S370_FIELD_L1(f) + 1, amask = s370_amask(cpu);
    for (uint32_t i = 0; i < len; i++) {
        uint64_t at = (a1 + i) & amask;
        uint8_t fn = s370_load8(cpu, a2 + s370_load8(cpu, at));
        if (!fn) continue;
        uint32_t r1 = s370_gr32(cpu, 1);
        if (amask == 0x00ffffffu)
            s370_set_gr32(cpu, 1, (r1 & 0xff000000u) | (uint32_t)at);
        else
            s370_set_gr32(cpu, 1, (r1 & 0x80000000u) | (uint32_t)at);
        s370_set_gr32(cpu, 2, (s370_gr32(cpu, 2) & 0xffffff00u) | fn);
        return i == len - 1 ? 2 : 1;
    }
    return 0;
}
static S370_HELPER(s370_helper_trt, s370_helper_trt_fn, STORAGE_FLAGS);

/* ---- MVCL, CLCL (PoO-370 §7 "Move Long", "Compare Logical Long") ---- */

/* Lengths are 24 bits in the odd registers; addresses in the even ones.
 * Registers are updated as bytes are processed, so an access exception
 * part-way leaves the instruction ready to resume (it is interruptible). */
typedef struct S370LongOperand {
    unsigned reg;
    uint64_t addr;
    uint32_t len;
} S370LongOperand;

static S370LongOperand s370_long_get(S370CPU *cpu, unsigned reg, uint32_t len_mask)
{
    S370LongOperand o = {reg, s370_gr32(cpu, reg) & s370_amask(cpu),
                         s370_gr32(cpu, reg + 1) & len_mask};
    return o;
}

static void s370_long_put(S370CPU *cpu, const S370LongOperand *o, uint32_t len_mask)
{
    uint32_t amask = s370_amask(cpu);
    uint32_t hi = amask == 0x00ffffffu ? 0 : s370_gr32(cpu, o->reg) & 0x80000000u;
    /* 24-bit mode clears bits 0-7 of the address register (PoO-370 §7). */
    s370_set_gr32(cpu, o->reg, hi | ((uint32_t)o->addr & amask));
    s370_set_gr32(cpu, o->reg + 1, (s370_gr32(cpu, o->reg + 1) & ~len_mask) | o->len);
}

static unsigned s370_long_cc(uint32_t l1, uint32_t l2)
{
    return l1 == l2 ? 0 : l1 < l2 ? 1 : 2;
}

/* The bytes of a long operand up to the end of its page (at most max). */
static uint32_t s370_long_piece(const S370CPU *cpu, const S370LongOperand *o, uint32_t max)
{
    uint64_t page = UINT64_C(1) << cpu->common.page_bits;
    uint64_t room = page - (o->addr & (page - 1));
    return room < max ? (uint32_t)room : max;
}

static void s370_long_advance(S370CPU *cpu, S370LongOperand *o, uint32_t n)
{
    o->addr = (o->addr + n) & s370_amask(cpu);
    o->len -= n;
}

/* Forward byte order, which memcpy gives when the pieces do not overlap
 * in host memory. */
static void s370_copy_forward(uint8_t *to, const uint8_t *from, uint32_t n)
{
    if (to + n <= from || from + n <= to) {
        memcpy(to, from, n);
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        to[i] = from[i];
}

/* Move d->len bytes from s, then the pad byte once s is used up, a piece
 * at a time that lies within one page of each operand.  The registers
 * are updated after each piece, so an access exception leaves the
 * instruction ready to resume from there (PoO-370 §7 "Move Long"). */
static void s370_move_long(S370CPU *cpu, S370LongOperand *d, S370LongOperand *s, uint8_t pad,
                           uint32_t lm)
{
    while (d->len) {
        uint32_t n = s370_long_piece(cpu, d, d->len);
        if (s->len) n = s370_long_piece(cpu, s, n < s->len ? n : s->len);
        S370Operand to, from = {0};
        if (s->len) s370_operand_map(cpu, s->addr, n, MMU_READ, &from);
        s370_operand_map(cpu, d->addr, n, MMU_WRITE, &to);
        if (to.host && (from.host || !s->len)) {
            if (s->len)
                s370_copy_forward(to.part[0], from.part[0], n);
            else
                memset(to.part[0], pad, n);
        } else {
            for (uint32_t i = 0; i < n; i++)
                s370_store8(cpu, d->addr + i, s->len ? s370_load8(cpu, s->addr + i) : pad);
        }
        s370_long_advance(cpu, d, n);
        if (s->len) s370_long_advance(cpu, s, n);
        s370_long_put(cpu, d, lm);
        s370_long_put(cpu, s, lm);
    }
}

static uint64_t s370_helper_mvcl_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a1, (void)a2;
    S370CPU *cpu = s370_cpu(c);
    unsigned r1 = S370_FIELD_R1(f), r2 = S370_FIELD_R2(f);
    if ((r1 & 1) || (r2 & 1)) s370_program_exception(cpu, S370_PGM_SPECIFICATION);
    const uint32_t lm = 0x00ffffffu;
    S370LongOperand d = s370_long_get(cpu, r1, lm), s = s370_long_get(cpu, r2, lm);
    uint8_t pad = (uint8_t)(s370_gr32(cpu, r2 + 1) >> 24);
    unsigned cc = s370_long_cc(d.len, s.len);
    /* Destructive overlap: the destination starts inside the source that
     * is still to be moved (PoO-370 §7 "Move Long"): CC 3, nothing moved. */
    uint32_t moved = d.len < s.len ? d.len : s.len;
    uint32_t amask = s370_amask(cpu);
    if (moved && d.addr != s.addr && ((d.addr - s.addr) & amask) < moved) return 3;
    s370_move_long(cpu, &d, &s, pad, lm);
    return cc;
}
static S370_HELPER(s370_helper_mvcl, s370_helper_mvcl_fn, STORAGE_FLAGS);

/* Compare x and y (the shorter extended with pad) a piece at a time
 * within one page of each; the registers are left at the first unequal
 * byte, or at the end (PoO-370 §7 "Compare Logical Long"). */
static uint64_t s370_compare_long(S370CPU *cpu, S370LongOperand *x, S370LongOperand *y, uint8_t pad,
                                  uint32_t lm)
{
    unsigned cc = 0;
    while (x->len || y->len) {
        uint32_t n = x->len > y->len ? x->len : y->len;
        if (x->len) n = s370_long_piece(cpu, x, n < x->len ? n : x->len);
        if (y->len) n = s370_long_piece(cpu, y, n < y->len ? n : y->len);
        S370Operand a = {0}, b = {0};
        if (x->len) s370_operand_map(cpu, x->addr, n, MMU_READ, &a);
        if (y->len) s370_operand_map(cpu, y->addr, n, MMU_READ, &b);
        uint32_t i = 0;
        if (x->len && y->len && a.host && b.host && !memcmp(a.part[0], b.part[0], n)) {
            i = n; /* the usual case: equal pieces */
        } else {
            for (; i < n; i++) {
                uint8_t p = x->len ? s370_operand_load8(cpu, &a, i) : pad;
                uint8_t q = y->len ? s370_operand_load8(cpu, &b, i) : pad;
                if (p != q) {
                    cc = p < q ? 1 : 2;
                    break;
                }
            }
        }
        if (x->len) s370_long_advance(cpu, x, i);
        if (y->len) s370_long_advance(cpu, y, i);
        if (cc) break;
    }
    s370_long_put(cpu, x, lm);
    s370_long_put(cpu, y, lm);
    return cc;
}

static uint64_t s370_helper_clcl_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a1, (void)a2;
    S370CPU *cpu = s370_cpu(c);
    unsigned r1 = S370_FIELD_R1(f), r2 = S370_FIELD_R2(f);
    if ((r1 & 1) || (r2 & 1)) s370_program_exception(cpu, S370_PGM_SPECIFICATION);
    S370LongOperand x = s370_long_get(cpu, r1, 0x00ffffffu);
    S370LongOperand y = s370_long_get(cpu, r2, 0x00ffffffu);
    return s370_compare_long(cpu, &x, &y, (uint8_t)(s370_gr32(cpu, r2 + 1) >> 24), 0x00ffffffu);
}
static S370_HELPER(s370_helper_clcl, s370_helper_clcl_fn, STORAGE_FLAGS);

/* MVCLE, CLCLE (ESA/390, RS): 32-bit lengths, pad byte from the second
 * operand address; we always complete, so CC 3 is never set. */
static uint64_t s370_helper_mvcle_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a1;
    S370CPU *cpu = s370_cpu(c);
    unsigned r1 = S370_FIELD_R1(f), r3 = S370_FIELD_R3(f);
    if ((r1 & 1) || (r3 & 1)) s370_program_exception(cpu, S370_PGM_SPECIFICATION);
    S370LongOperand d = s370_long_get(cpu, r1, 0xffffffffu),
                    s = s370_long_get(cpu, r3, 0xffffffffu);
    uint8_t pad = (uint8_t)a2;
    unsigned cc = s370_long_cc(d.len, s.len);
    s370_move_long(cpu, &d, &s, pad, 0xffffffffu);
    return cc;
}
static S370_HELPER(s370_helper_mvcle, s370_helper_mvcle_fn, STORAGE_FLAGS);

static uint64_t s370_helper_clcle_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a1;
    S370CPU *cpu = s370_cpu(c);
    unsigned r1 = S370_FIELD_R1(f), r3 = S370_FIELD_R3(f);
    if ((r1 & 1) || (r3 & 1)) s370_program_exception(cpu, S370_PGM_SPECIFICATION);
    S370LongOperand x = s370_long_get(cpu, r1, 0xffffffffu);
    S370LongOperand y = s370_long_get(cpu, r3, 0xffffffffu);
    return s370_compare_long(cpu, &x, &y, (uint8_t)a2, 0xffffffffu);
}
static S370_HELPER(s370_helper_clcle, s370_helper_clcle_fn, STORAGE_FLAGS);

/* ---- MVST, CLST, SRST (ESA/390): strings ended by the byte in GR0 ---- */

enum { STRING_MOVE, STRING_COMPARE, STRING_SEARCH };

static uint64_t s370_string_op(CPUState *c, uint64_t f, int kind)
{
    S370CPU *cpu = s370_cpu(c);
    unsigned r1 = S370_FIELD_R1(f), r2 = S370_FIELD_R2(f);
    uint32_t gr0 = s370_gr32(cpu, 0), amask = s370_amask(cpu);
    if (gr0 & 0xffffff00u) s370_program_exception(cpu, S370_PGM_SPECIFICATION);
    uint8_t end = (uint8_t)gr0;
    uint64_t p1 = s370_gr32(cpu, r1) & amask, p2 = s370_gr32(cpu, r2) & amask;
    switch (kind) {
    case STRING_MOVE: /* MVST: copy through the ending byte; R1 -> it */
        for (;;) {
            uint8_t v = s370_load8(cpu, p2);
            s370_store8(cpu, p1, v);
            if (v == end) {
                s370_set_gr32(cpu, r1, (uint32_t)p1);
                return 1;
            }
            p1 = (p1 + 1) & amask, p2 = (p2 + 1) & amask;
        }
    case STRING_COMPARE: /* CLST */
        for (;;) {
            uint8_t x = s370_load8(cpu, p1), y = s370_load8(cpu, p2);
            if (x == end && y == end) return 0;
            if (x == end || (y != end && x < y)) {
                s370_set_gr32(cpu, r1, (uint32_t)p1), s370_set_gr32(cpu, r2, (uint32_t)p2);
                return 1;
            }
            if (y == end || x > y) {
                s370_set_gr32(cpu, r1, (uint32_t)p1), s370_set_gr32(cpu, r2, (uint32_t)p2);
                return 2;
            }
            p1 = (p1 + 1) & amask, p2 = (p2 + 1) & amask;
        }
    default: /* SRST: search [R2, R1) for the byte */
        while (p2 != p1) {
            if (s370_load8(cpu, p2) == end) {
                s370_set_gr32(cpu, r1, (uint32_t)p2);
                return 1;
            }
            p2 = (p2 + 1) & amask;
        }
        return 2;
    }
}
#define STRING_HELPER(name, kind)                                                                  \
    static uint64_t name##_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)                   \
    {                                                                                              \
        (void)a1, (void)a2;                                                                        \
        return s370_string_op(c, f, kind);                                                         \
    }                                                                                              \
    static S370_HELPER(name, name##_fn, STORAGE_FLAGS)

STRING_HELPER(s370_helper_mvst, STRING_MOVE);
STRING_HELPER(s370_helper_clst, STRING_COMPARE);
STRING_HELPER(s370_helper_srst, STRING_SEARCH);

/* ---- CS, CDS, TS (PoO-370 §7 "Compare and Swap") ---- */

static uint64_t s370_helper_cs_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a1;
    S370CPU *cpu = s370_cpu(c);
    unsigned r1 = S370_FIELD_R1(f), r3 = S370_FIELD_R3(f);
    if (a2 & 3) s370_program_exception(cpu, S370_PGM_SPECIFICATION);
    s370_probe(cpu, a2, 4, MMU_WRITE);
    uint32_t v = s370_load32(cpu, a2);
    if (v == s370_gr32(cpu, r1)) {
        s370_store32(cpu, a2, s370_gr32(cpu, r3));
        return 0;
    }
    s370_set_gr32(cpu, r1, v);
    return 1;
}
static S370_HELPER(s370_helper_cs, s370_helper_cs_fn, STORAGE_FLAGS);

static uint64_t s370_helper_cds_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a1;
    S370CPU *cpu = s370_cpu(c);
    unsigned r1 = S370_FIELD_R1(f), r3 = S370_FIELD_R3(f);
    if ((a2 & 7) || (r1 & 1) || (r3 & 1)) s370_program_exception(cpu, S370_PGM_SPECIFICATION);
    s370_probe(cpu, a2, 8, MMU_WRITE);
    uint64_t v = s370_load64(cpu, a2);
    uint64_t old = (uint64_t)s370_gr32(cpu, r1) << 32 | s370_gr32(cpu, r1 + 1);
    if (v == old) {
        s370_store64(cpu, a2, (uint64_t)s370_gr32(cpu, r3) << 32 | s370_gr32(cpu, r3 + 1));
        return 0;
    }
    s370_set_gr32(cpu, r1, (uint32_t)(v >> 32));
    s370_set_gr32(cpu, r1 + 1, (uint32_t)v);
    return 1;
}
static S370_HELPER(s370_helper_cds, s370_helper_cds_fn, STORAGE_FLAGS);

static uint64_t s370_helper_ts_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    s370_probe(cpu, a2, 1, MMU_WRITE);
    uint8_t v = s370_load8(cpu, a2);
    s370_store8(cpu, a2, 0xff);
    return v >> 7;
}
static S370_HELPER(s370_helper_ts, s370_helper_ts_fn, STORAGE_FLAGS);

/* ---- EXECUTE (PoO-370 §7 "Execute") ---- */

/* The target is fetched, OR'ed with bits 24-31 of R1 (unless R1 is 0),
 * and run next as a one-instruction block flagged S370_TBF_EX; an EX
 * target that is itself EX is an execute exception. */
static uint64_t s370_helper_execute_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a1;
    S370CPU *cpu = s370_cpu(c);
    unsigned r1 = S370_FIELD_R1(f);
    if (a2 & 1) s370_program_exception(cpu, S370_PGM_SPECIFICATION);
    uint8_t insn[6] = {0};
    insn[0] = s370_load8(cpu, a2);
    insn[1] = s370_load8(cpu, a2 + 1);
    unsigned len = s370_insn_length(insn[0]);
    for (unsigned i = 2; i < len; i++)
        insn[i] = s370_load8(cpu, a2 + i);
    if (insn[0] == 0x44) s370_program_exception(cpu, S370_PGM_EXECUTE);
    if (r1) insn[1] |= (uint8_t)s370_gr32(cpu, r1);
    memcpy(cpu->ex_insn, insn, sizeof insn);
    cpu->ex_addr = c->pc; /* set by the lifter to this EXECUTE */
    cpu->ex_target_addr = a2;
    cpu->ex_pending = true;
    c->cflags_next_tb = 1 | CF_NOCACHE;
    return 0;
}
static S370_HELPER(s370_helper_execute, s370_helper_execute_fn, STORAGE_FLAGS);

#define H(k, n, fmt, archs, fl, helper)                                                            \
    {                                                                                              \
        k, n, S370_FMT_##fmt, archs, fl, s370_lift_helper, &helper, 0                              \
    }
#define SS(k, n, fl, helper, op)                                                                   \
    {                                                                                              \
        k, n, S370_FMT_SS_L, S370_IN_ALL, fl, s370_lift_ss_inline, &helper, op                     \
    }

static const S370InsnDef s370_storage_table[] = {
    H(0x0e00, "MVCL", RR, S370_IN_ALL, S370F_SETS_CC, s370_helper_mvcl),
    H(0x0f00, "CLCL", RR, S370_IN_ALL, S370F_SETS_CC, s370_helper_clcl),
    H(0x4400, "EX", RX, S370_IN_ALL, S370F_SETS_PC | S370F_NO_EX, s370_helper_execute),
    H(0x9300, "TS", S, S370_IN_ALL, S370F_SETS_CC, s370_helper_ts),
    H(0xa800, "MVCLE", RS, S370_IN_390, S370F_SETS_CC, s370_helper_mvcle),
    H(0xa900, "CLCLE", RS, S370_IN_390, S370F_SETS_CC, s370_helper_clcle),
    H(0xb255, "MVST", RRE, S370_IN_390, S370F_SETS_CC, s370_helper_mvst),
    H(0xb25d, "CLST", RRE, S370_IN_390, S370F_SETS_CC, s370_helper_clst),
    H(0xb25e, "SRST", RRE, S370_IN_390, S370F_SETS_CC, s370_helper_srst),
    H(0xba00, "CS", RS, S370_IN_ALL, S370F_SETS_CC, s370_helper_cs),
    H(0xbb00, "CDS", RS, S370_IN_ALL, S370F_SETS_CC, s370_helper_cds),
    SS(0xd100, "MVN", 0, s370_helper_mvn, SS_MVN),
    SS(0xd200, "MVC", 0, s370_helper_mvc, SS_MVC),
    SS(0xd300, "MVZ", 0, s370_helper_mvz, SS_MVZ),
    SS(0xd400, "NC", S370F_SETS_CC, s370_helper_nc, SS_NC),
    SS(0xd500, "CLC", S370F_SETS_CC, s370_helper_clc, SS_CLC),
    SS(0xd600, "OC", S370F_SETS_CC, s370_helper_oc, SS_OC),
    SS(0xd700, "XC", S370F_SETS_CC, s370_helper_xc, SS_XC),
    {0xdc00, "TR", S370_FMT_SS_L, S370_IN_ALL, 0, s370_lift_tr_inline, &s370_helper_tr, 0},
    H(0xdd00, "TRT", SS_L, S370_IN_ALL, S370F_SETS_CC, s370_helper_trt),
    H(0xe800, "MVCIN", SS_L, S370_IN_390, 0, s370_helper_mvcin),
};
S370_GROUP(storage, s370_storage_table);
