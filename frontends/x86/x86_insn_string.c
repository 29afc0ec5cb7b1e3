/*
 * x86 instruction group "string": MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS
 * with the REP, REPE and REPNE prefixes (SDM Vol 2 MOVS, CMPS, STOS, LODS,
 * SCAS, INS, OUTS, "REP/REPE/REPZ/REPNE/REPNZ").
 *
 * The source is seg:eSI (DS unless overridden), the destination ES:eDI; the
 * address size picks SI/DI/CX or ESI/EDI/ECX, and EFLAGS.DF (cpu->df, +1
 * or -1) the direction.
 *
 * Without a prefix an instruction is inline IR.  With one, a helper runs
 * the string in pieces that lie within one page and inside the segment
 * limit of each operand, each piece through host memory
 * (softmmu_host_range), and writes ECX/ESI/EDI back after every piece: a
 * fault in the middle finds them at the completed iterations with EIP still
 * at the instruction, as the REP description requires.  The helper stops
 * after a bounded amount of work or when the cpu is asked to leave, and the
 * block then jumps back to the instruction itself (IR branches only go
 * forward), so interrupts are taken between iterations.
 */
#include <stdatomic.h>
#include <string.h>

#include "frontends/x86/x86_flow.h"
#include "frontends/x86/x86_internal.h"
#include "frontends/x86/x86_io.h"
#include "softmmu/tlb.h"

/* The work one helper call does at most before returning to the block. */
#define STR_BUDGET_BYTES 65536u

/* ---- the helper ---- */

static uint32_t str_reg(const X86CPU *cpu, unsigned reg, uint32_t amask)
{
    return (uint32_t)cpu->regs[reg] & amask;
}

static void str_set_reg(X86CPU *cpu, unsigned reg, uint32_t v, uint32_t amask)
{
    cpu->regs[reg] = (cpu->regs[reg] & ~(uint64_t)amask) | (v & amask);
}

typedef struct StrState {
    X86CPU *cpu;
    unsigned op, size, seg;
    uint32_t amask;
    int dir; /* +1 or -1 */
    unsigned rep;
    unsigned mmu_idx;
} StrState;

/* One memory operand of the current piece: the linear address of its
 * first element and, when the piece is plain RAM, the host address of
 * that element (the others are at +-i * size). */
typedef struct StrSide {
    uint32_t linear;
    uint8_t *host;
} StrSide;

/* How many elements from offset off the next piece may hold: inside the
 * segment's allowed range, without wrapping the offset, inside one page.
 * The first element goes through x86_seg_linear, which raises the
 * segment fault of that element (SDM Vol 3 §5.3); 0 means the first
 * element itself crosses a page or a limit and is done alone. */
static uint32_t str_piece_limit(const StrState *s, unsigned seg, uint32_t off, bool write,
                                StrSide *side)
{
    X86CPU *cpu = s->cpu;
    side->host = NULL;
    side->linear = x86_seg_linear(cpu, seg, off, s->size, write);
    const X86Segment *sg = &cpu->segs[seg];
    uint64_t lo = write ? sg->write_lo : sg->read_lo;
    uint64_t hi = write ? sg->write_hi : sg->read_hi;
    if (hi > s->amask) hi = s->amask;
    if (off < lo || (uint64_t)off + s->size - 1 > hi) return 0;
    uint64_t page = UINT64_C(1) << cpu->common.page_bits;
    uint64_t in_page = side->linear & (page - 1);
    if (in_page + s->size > page) return 0;
    uint64_t by_seg, by_page;
    if (s->dir > 0) {
        by_seg = (hi - off + 1) / s->size;
        by_page = (page - in_page) / s->size;
    } else {
        by_seg = (off - lo) / s->size + 1;
        by_page = in_page / s->size + 1;
    }
    uint64_t n = by_seg < by_page ? by_seg : by_page;
    return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* Host memory for n elements from side->linear in the direction of the
 * string; NULL when not plain RAM.  The first element is translated on
 * its own first so a fault reports its address (CR2). */
static void str_map(const StrState *s, StrSide *side, uint32_t n, MMUAccess access)
{
    CPUState *c = &s->cpu->common;
    uint32_t bytes = n * s->size;
    uint32_t lowest = s->dir > 0 ? side->linear : side->linear - (bytes - s->size);
    if (s->dir < 0 && n > 1)
        softmmu_host_range(c, side->linear, s->size, access, s->mmu_idx, c->fault_insn);
    uint8_t *p = softmmu_host_range(c, lowest, bytes, access, s->mmu_idx, c->fault_insn);
    side->host = p ? p + (side->linear - lowest) : NULL;
}

static uint8_t *str_elem(const StrState *s, const StrSide *side, uint32_t i)
{
    return s->dir > 0 ? side->host + (size_t)i * s->size : side->host - (size_t)i * s->size;
}

static uint8_t *str_lowest(const StrState *s, const StrSide *side, uint32_t n)
{
    return s->dir > 0 ? side->host : side->host - (size_t)(n - 1) * s->size;
}

static uint32_t str_load_host(const uint8_t *p, unsigned size)
{
    uint32_t v = 0;
    memcpy(&v, p, size); /* little-endian host */
    return v;
}

static void str_store_host(uint8_t *p, uint32_t v, unsigned size)
{
    memcpy(p, &v, size);
}

static uint32_t str_load(const StrState *s, const StrSide *side, uint32_t i)
{
    if (side->host) return str_load_host(str_elem(s, side, i), s->size);
    return x86_load_linear(s->cpu, side->linear, s->size, s->mmu_idx);
}

static void str_store(const StrState *s, const StrSide *side, uint32_t i, uint32_t v)
{
    if (side->host)
        str_store_host(str_elem(s, side, i), v, s->size);
    else
        x86_store_linear(s->cpu, side->linear, v, s->size, s->mmu_idx);
}

static uint32_t min32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/* Map the source and/or destination of the next piece of at most n
 * elements; ES:EDI is written by MOVS/STOS, only read by CMPS/SCAS.
 * Returns the elements in the piece: n or fewer, or 1 for an element that
 * goes through x86_load_linear/x86_store_linear (a page- or
 * limit-crossing element, or memory that is not plain RAM). */
static uint32_t str_piece(const StrState *s, uint32_t n, StrSide *src, StrSide *dst)
{
    X86CPU *cpu = s->cpu;
    bool dst_writes = s->op != X86_STR_CMPS && s->op != X86_STR_SCAS;
    if (src) n = min32(n, str_piece_limit(s, s->seg, str_reg(cpu, X86_ESI, s->amask), false, src));
    if (dst)
        n = min32(n,
                  str_piece_limit(s, X86_SEG_ES, str_reg(cpu, X86_EDI, s->amask), dst_writes, dst));
    if (n == 0) return 1;
    if (src) str_map(s, src, n, MMU_READ);
    if (dst) str_map(s, dst, n, dst_writes ? MMU_WRITE : MMU_READ);
    if ((src && !src->host) || (dst && !dst->host)) {
        if (src) src->host = NULL;
        if (dst) dst->host = NULL;
        return 1;
    }
    return n;
}

/* MOVS: element by element in string order, which memmove reproduces
 * unless the destination starts inside the part of the source still to
 * be read (SDM Vol 2 MOVS moves one element per iteration). */
static uint32_t str_movs(const StrState *s, uint32_t n)
{
    StrSide src, dst;
    n = str_piece(s, n, &src, &dst);
    if (!src.host) {
        str_store(s, &dst, 0, str_load(s, &src, 0));
        return 1;
    }
    size_t bytes = (size_t)n * s->size;
    uint8_t *from = str_lowest(s, &src, n), *to = str_lowest(s, &dst, n);
    bool hazard = s->dir > 0 ? (to > from && to < from + bytes) : (to < from && to + bytes > from);
    if (!hazard) {
        memmove(to, from, bytes);
        return n;
    }
    for (uint32_t i = 0; i < n; i++)
        str_store_host(str_elem(s, &dst, i), str_load_host(str_elem(s, &src, i), s->size), s->size);
    return n;
}

static uint32_t str_stos(const StrState *s, uint32_t n)
{
    StrSide dst;
    uint32_t v = (uint32_t)s->cpu->regs[X86_EAX];
    n = str_piece(s, n, NULL, &dst);
    if (!dst.host) {
        str_store(s, &dst, 0, v);
        return 1;
    }
    uint8_t *to = str_lowest(s, &dst, n);
    if (s->size == 1) {
        memset(to, (int)(v & 0xff), n);
    } else {
        for (uint32_t i = 0; i < n; i++)
            str_store_host(to + (size_t)i * s->size, v, s->size);
    }
    return n;
}

static void str_set_acc(const StrState *s, uint32_t v)
{
    uint64_t mask = s->size == 4 ? 0xffffffffu : (1u << (8 * s->size)) - 1;
    s->cpu->regs[X86_EAX] = (s->cpu->regs[X86_EAX] & ~mask) | v;
}

/* REP LODS: every element is read (and may fault); the last one stays. */
static uint32_t str_lods(const StrState *s, uint32_t n)
{
    StrSide src;
    n = str_piece(s, n, &src, NULL);
    str_set_acc(s, str_load(s, &src, src.host ? n - 1 : 0));
    return n;
}

/* CMPS and SCAS: first operand minus second, flags as SUB/CMP; REPE
 * stops after an unequal pair, REPNE after an equal one. */
static void str_set_compare_flags(const StrState *s, uint32_t a, uint32_t b)
{
    uint32_t mask = s->size == 4 ? 0xffffffffu : (1u << (8 * s->size)) - 1;
    X86CPU *cpu = s->cpu;
    cpu->cc_op = X86_CC_OP_SUBB + x86_size_index(s->size);
    cpu->cc_dst = (a - b) & mask;
    cpu->cc_src = b;
}

static uint32_t str_compare(const StrState *s, uint32_t n, bool *stop)
{
    StrSide src, dst;
    bool scas = s->op == X86_STR_SCAS;
    n = str_piece(s, n, scas ? NULL : &src, &dst);
    uint32_t mask = s->size == 4 ? 0xffffffffu : (1u << (8 * s->size)) - 1;
    uint32_t acc = (uint32_t)s->cpu->regs[X86_EAX] & mask;
    bool want_equal = s->rep == X86_STR_REPE;
    uint32_t a = 0, b = 0, i = 0;
    while (i < n) {
        a = scas ? acc : str_load(s, &src, i);
        b = str_load(s, &dst, i);
        i++;
        if ((a == b) != want_equal) {
            *stop = true;
            break;
        }
    }
    str_set_compare_flags(s, a, b);
    return i;
}

/* INS, OUTS: one element at a time; the I/O permission check comes first
 * (SDM Vol 2 INS "Operation"), and INS translates its destination before
 * it reads the port, so a page fault does not lose the input. */
static uint32_t str_io(const StrState *s)
{
    X86CPU *cpu = s->cpu;
    CPUState *c = &cpu->common;
    uint16_t port = (uint16_t)cpu->regs[X86_EDX];
    if (s->op == X86_STR_INS) {
        uint32_t lin =
            x86_seg_linear(cpu, X86_SEG_ES, str_reg(cpu, X86_EDI, s->amask), s->size, true);
        softmmu_probe(c, lin, MMU_WRITE, s->mmu_idx, c->fault_insn);
        softmmu_probe(c, (uint32_t)(lin + s->size - 1), MMU_WRITE, s->mmu_idx, c->fault_insn);
        x86_store_linear(cpu, lin, x86_port_read(cpu, port, s->size), s->size, s->mmu_idx);
    } else {
        uint32_t lin = x86_seg_linear(cpu, s->seg, str_reg(cpu, X86_ESI, s->amask), s->size, false);
        x86_port_write(cpu, port, x86_load_linear(cpu, lin, s->size, s->mmu_idx), s->size);
    }
    return 1;
}

static bool str_uses_src(unsigned op)
{
    return op == X86_STR_MOVS || op == X86_STR_CMPS || op == X86_STR_LODS || op == X86_STR_OUTS;
}

static bool str_uses_dst(unsigned op)
{
    return op == X86_STR_MOVS || op == X86_STR_CMPS || op == X86_STR_STOS || op == X86_STR_SCAS ||
           op == X86_STR_INS;
}

/* Advance eSI/eDI by n elements, and eCX with a prefix. */
static void str_advance(const StrState *s, uint32_t n)
{
    X86CPU *cpu = s->cpu;
    uint32_t delta = (uint32_t)(s->dir * (int32_t)(n * s->size));
    if (str_uses_src(s->op))
        str_set_reg(cpu, X86_ESI, str_reg(cpu, X86_ESI, s->amask) + delta, s->amask);
    if (str_uses_dst(s->op))
        str_set_reg(cpu, X86_EDI, str_reg(cpu, X86_EDI, s->amask) + delta, s->amask);
    if (s->rep) str_set_reg(cpu, X86_ECX, str_reg(cpu, X86_ECX, s->amask) - n, s->amask);
}

/* Leave a long REP early for a pending exit request (an interrupt, the
 * monitor).  Not when the cpu counts instructions exactly (-icount,
 * record/replay): where the split falls would then depend on host
 * timing, and each split is one more instruction counted, so the run
 * would not repeat; the budget alone splits it, deterministically. */
static bool str_should_yield(const X86CPU *cpu)
{
    return !cpu->common.icount_exact &&
           atomic_load_explicit(&cpu->common.exit_request, memory_order_relaxed);
}

uint32_t x86_string_run(X86CPU *cpu, uint32_t word)
{
    StrState s = {
        .cpu = cpu,
        .op = X86_STR_WORD_OP(word),
        .size = X86_STR_WORD_SIZE(word),
        .seg = X86_STR_WORD_SEG(word),
        .amask = X86_STR_WORD_ASIZE(word) == 2 ? 0xffffu : 0xffffffffu,
        .dir = cpu->df < 0 ? -1 : 1,
        .rep = X86_STR_WORD_REP(word),
        .mmu_idx = x86_data_mmu_idx(cpu),
    };
    if (s.size != 1 && s.size != 2 && s.size != 4) x86_raise_exception(cpu, X86_EXCP_UD);
    bool io = s.op == X86_STR_INS || s.op == X86_STR_OUTS;
    uint32_t budget = (word & X86_STR_WORD_SINGLE) ? 1 : STR_BUDGET_BYTES / s.size;
    bool checked_io = false;
    for (;;) {
        uint32_t count = s.rep ? str_reg(cpu, X86_ECX, s.amask) : 1;
        if (count == 0) return 0;
        if (io && !checked_io) {
            x86_check_io(cpu, (uint16_t)cpu->regs[X86_EDX], s.size);
            checked_io = true;
        }
        uint32_t n = min32(count, budget);
        bool stop = false;
        switch (s.op) {
        case X86_STR_MOVS: n = str_movs(&s, n); break;
        case X86_STR_STOS: n = str_stos(&s, n); break;
        case X86_STR_LODS: n = str_lods(&s, n); break;
        case X86_STR_CMPS:
        case X86_STR_SCAS: n = str_compare(&s, n, &stop); break;
        case X86_STR_INS:
        case X86_STR_OUTS: n = str_io(&s); break;
        default: x86_raise_exception(cpu, X86_EXCP_UD);
        }
        str_advance(&s, n);
        if (!s.rep || stop) return 0;
        budget -= min32(n, budget);
        if (str_reg(cpu, X86_ECX, s.amask) == 0) return 0;
        if (budget == 0 || str_should_yield(cpu)) return 1;
    }
}

static uint64_t x86_string_fn(CPUState *c, uint64_t word)
{
    return x86_string_run(x86_cpu(c), (uint32_t)word);
}
static X86_HELPER(x86_helper_string, x86_string_fn,
                  IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_MAY_RAISE, IR_I32, 1,
                  IR_I32);

/* ---- the lifters ---- */

static unsigned str_elem_size(const X86Insn *in)
{
    return (in->opcode & 1) ? in->opsize : 1;
}

static unsigned str_src_seg(const X86Insn *in)
{
    return in->seg_override != X86_SEG_NONE ? in->seg_override : X86_SEG_DS;
}

static unsigned str_rep_kind(const X86Insn *in)
{
    switch (in->rep) {
    case 0xf3: return X86_STR_REPE; /* REP for the others */
    case 0xf2: return X86_STR_REPNE;
    default: return 0;
    }
}

/* The offset in eSI or eDI, at the address size. */
static IrVal str_gen_offset(X86Disas *d, const X86Insn *in, unsigned reg)
{
    return x86_gen_get_reg(d, reg, in->addrsize);
}

/* reg += DF * size, at the address size. */
static void str_gen_advance(X86Disas *d, const X86Insn *in, unsigned reg, IrVal off)
{
    IrBlock *b = d->b;
    unsigned size = str_elem_size(in);
    IrVal delta = ir_temp(b, IR_I32);
    ir_op2(b, IR_shl, IR_I32, delta, d->df, ir_i32(b, size == 1 ? 0 : size == 2 ? 1 : 2));
    IrVal next = ir_temp(b, IR_I32);
    ir_op2(b, IR_add, IR_I32, next, off, delta);
    x86_gen_set_reg(d, reg, in->addrsize, next);
}

/* One iteration inline: the accesses, then flags and registers. */
static void str_gen_once(X86Disas *d, const X86Insn *in, unsigned op)
{
    unsigned size = str_elem_size(in);
    bool src = str_uses_src(op), dst = str_uses_dst(op);
    IrVal soff = src ? str_gen_offset(d, in, X86_ESI) : IR_NONE;
    IrVal doff = dst ? str_gen_offset(d, in, X86_EDI) : IR_NONE;
    IrVal sval = IR_NONE;
    if (src) sval = x86_gen_load(d, x86_gen_linear(d, str_src_seg(in), soff, size, false), size);
    switch (op) {
    case X86_STR_MOVS:
        x86_gen_store(d, x86_gen_linear(d, X86_SEG_ES, doff, size, true), sval, size);
        break;
    case X86_STR_STOS:
        x86_gen_store(d, x86_gen_linear(d, X86_SEG_ES, doff, size, true),
                      x86_gen_get_reg(d, X86_EAX, size), size);
        break;
    case X86_STR_LODS: x86_gen_set_reg(d, X86_EAX, size, sval); break;
    case X86_STR_CMPS:
    case X86_STR_SCAS: {
        IrBlock *b = d->b;
        IrVal first = op == X86_STR_SCAS ? x86_gen_get_reg(d, X86_EAX, size) : sval;
        IrVal second = x86_gen_load(d, x86_gen_linear(d, X86_SEG_ES, doff, size, false), size);
        IrVal diff = ir_temp(b, IR_I32);
        ir_op2(b, IR_sub, IR_I32, diff, first, second);
        if (size < 4) ir_op2(b, IR_and, IR_I32, diff, diff, ir_i32(b, (1u << (8 * size)) - 1));
        x86_gen_set_cc(d, X86_CC_OP_SUBB + (int)x86_size_index(size), diff, second, IR_NONE);
        break;
    }
    default: break;
    }
    if (src) str_gen_advance(d, in, X86_ESI, soff);
    if (dst) str_gen_advance(d, in, X86_EDI, doff);
}

static uint32_t str_word(const X86Disas *d, const X86Insn *in, unsigned op)
{
    uint32_t w =
        X86_STR_WORD(op, str_elem_size(in), in->addrsize, str_src_seg(in), str_rep_kind(in));
    return (d->flags & X86_TBF_TF) ? w | X86_STR_WORD_SINGLE : w;
}

/* With a prefix (and INS/OUTS always): the helper; a REP instruction
 * that is not finished runs again from its own EIP. */
static void lift_string(X86Disas *d, const X86Insn *in)
{
    unsigned op = (unsigned)in->def->arg;
    bool io = op == X86_STR_INS || op == X86_STR_OUTS;
    if (!in->rep && !io) {
        str_gen_once(d, in, op);
        return;
    }
    IrVal again = ir_temp(d->b, IR_I32);
    x86_gen_call(d, &x86_helper_string, again, (IrVal[]){ir_i32(d->b, str_word(d, in, op))});
    if (in->rep) x86_gen_branch(d, again, d->eip);
}

#define L(op_, name_, o0_, o1_, arg_)                                                              \
    {                                                                                              \
        .map = X86_MAP_ONE, .opcode = (op_), .opcount = 1, .reg = -1, .prefix = X86_PFX_ANY,       \
        .mod = X86_MOD_ANY, .rm = -1, .name = (name_), .opnd = {o0_, o1_}, .flags = X86F_REP,      \
        .lift = lift_string, .arg = (arg_),                                                        \
    }

static const X86InsnDef x86_string_defs[] = {
    L(0xa4, "MOVSB", X86_OPND(Y, B), X86_OPND(X, B), X86_STR_MOVS),
    L(0xa5, "MOVS", X86_OPND(Y, V), X86_OPND(X, V), X86_STR_MOVS),
    L(0xa6, "CMPSB", X86_OPND(X, B), X86_OPND(Y, B), X86_STR_CMPS),
    L(0xa7, "CMPS", X86_OPND(X, V), X86_OPND(Y, V), X86_STR_CMPS),
    L(0xaa, "STOSB", X86_OPND(Y, B), X86_OPND_REG(B, X86_EAX), X86_STR_STOS),
    L(0xab, "STOS", X86_OPND(Y, V), X86_OPND_REG(V, X86_EAX), X86_STR_STOS),
    L(0xac, "LODSB", X86_OPND_REG(B, X86_EAX), X86_OPND(X, B), X86_STR_LODS),
    L(0xad, "LODS", X86_OPND_REG(V, X86_EAX), X86_OPND(X, V), X86_STR_LODS),
    L(0xae, "SCASB", X86_OPND_REG(B, X86_EAX), X86_OPND(Y, B), X86_STR_SCAS),
    L(0xaf, "SCAS", X86_OPND_REG(V, X86_EAX), X86_OPND(Y, V), X86_STR_SCAS),
    L(0x6c, "INSB", X86_OPND(Y, B), X86_OPND_REG(W, X86_EDX), X86_STR_INS),
    L(0x6d, "INS", X86_OPND(Y, Z), X86_OPND_REG(W, X86_EDX), X86_STR_INS),
    L(0x6e, "OUTSB", X86_OPND_REG(W, X86_EDX), X86_OPND(X, B), X86_STR_OUTS),
    L(0x6f, "OUTS", X86_OPND_REG(W, X86_EDX), X86_OPND(X, Z), X86_STR_OUTS),
};
X86_GROUP(string, x86_string_defs);
