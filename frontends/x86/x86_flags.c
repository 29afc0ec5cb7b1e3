/*
 * Lazy arithmetic flags (x86_internal.h "Lazy flags"): an instruction
 * records cc_op and its operands; the six flags are computed only when
 * something reads them.  Conditions after the common operations fold to
 * one compare of the recorded operands (CMP + Jcc is a single brcond);
 * everything else calls x86_cc_compute_all.
 *
 * Convention: cc_dst, cc_src and cc_src2 hold values zero-extended from
 * the operand size (the C functions mask anyway; the inline folds rely on
 * it).  INC/DEC keep the carry before them in cc_src2 as 0 or 1.
 *
 * Flags the SDM calls undefined take QEMU TCG's values (the differential
 * test compares against it), which match the Intel CPUs we checked:
 *   - MUL/IMUL: CF = OF = (high half significant), SF ZF PF from the low
 *     half of the result, AF = 0;
 *   - SHL/SHR/SAR by a count > 0: AF = 0, OF = MSB(result) XOR
 *     MSB(operand shifted by count - 1) for every count (the SDM defines
 *     OF only for count 1);
 *   - LOGIC (AND OR XOR TEST): AF = 0.
 */
#include "frontends/x86/x86_core.h"
#include "frontends/x86/x86_internal.h"

static uint32_t x86_cc_mask(unsigned size_index)
{
    return size_index >= 2 ? 0xffffffffu : (1u << (8u << size_index)) - 1;
}

static uint32_t x86_cc_sign(unsigned size_index)
{
    return 1u << ((8u << size_index) - 1);
}

/* PF: set when the low byte has an even number of one bits. */
static uint32_t x86_cc_szp(uint32_t dst, unsigned size_index)
{
    uint32_t f = 0;
    if (!(dst & x86_cc_mask(size_index))) f |= X86_ZF;
    if (dst & x86_cc_sign(size_index)) f |= X86_SF;
    if (!__builtin_parity(dst & 0xff)) f |= X86_PF;
    return f;
}

uint32_t x86_cc_compute_all(uint32_t cc_op, uint32_t dst, uint32_t src, uint32_t src2)
{
    if (cc_op >= X86_CC_OP_COUNT) return src & X86_ARITH_FLAGS;
    unsigned si = cc_op & 3;
    uint32_t mask = x86_cc_mask(si), sign = x86_cc_sign(si);
    uint32_t op = cc_op & ~3u;
    if (op == X86_CC_OP_EFLAGS) return src & X86_ARITH_FLAGS;
    dst &= mask;
    src &= mask;
    uint32_t f = x86_cc_szp(dst, si);
    uint32_t a, cin = src2 & 1;
    switch (op) {
    case X86_CC_OP_ADDB:
    case X86_CC_OP_ADCB:
        /* SDM Vol 2 ADD/ADC: dst = a + src (+ carry in). */
        if (op == X86_CC_OP_ADDB) cin = 0;
        a = (dst - src - cin) & mask;
        if (cin ? dst <= a : dst < a) f |= X86_CF;
        if ((dst ^ a ^ src) & 0x10) f |= X86_AF;
        if ((a ^ dst) & (src ^ dst) & sign) f |= X86_OF;
        return f;
    case X86_CC_OP_SUBB:
    case X86_CC_OP_SBBB:
        /* SDM Vol 2 SUB/SBB/CMP: dst = a - src (- borrow in). */
        if (op == X86_CC_OP_SUBB) cin = 0;
        a = (dst + src + cin) & mask;
        if (cin ? a <= src : a < src) f |= X86_CF;
        if ((dst ^ a ^ src) & 0x10) f |= X86_AF;
        if ((a ^ src) & (a ^ dst) & sign) f |= X86_OF;
        return f;
    case X86_CC_OP_LOGICB: return f;
    case X86_CC_OP_INCB:
        if (src2) f |= X86_CF;
        if ((dst & 0xf) == 0) f |= X86_AF;
        if (dst == sign) f |= X86_OF;
        return f;
    case X86_CC_OP_DECB:
        if (src2) f |= X86_CF;
        if ((dst & 0xf) == 0xf) f |= X86_AF;
        if (dst == sign - 1) f |= X86_OF;
        return f;
    case X86_CC_OP_SHLB:
        if (src & sign) f |= X86_CF;
        if ((src ^ dst) & sign) f |= X86_OF;
        return f;
    case X86_CC_OP_SARB:
        if (src & 1) f |= X86_CF;
        if ((src ^ dst) & sign) f |= X86_OF;
        return f;
    case X86_CC_OP_MULB:
        if (src) f |= X86_CF | X86_OF;
        return f;
    default: return f;
    }
}

uint32_t x86_cc_compute_cf(uint32_t cc_op, uint32_t dst, uint32_t src, uint32_t src2)
{
    return x86_cc_compute_all(cc_op, dst, src, src2) & X86_CF;
}

static uint64_t x86_helper_cc_compute_all_fn(CPUState *cpu, uint64_t cc_op, uint64_t dst,
                                             uint64_t src, uint64_t src2)
{
    (void)cpu;
    return x86_cc_compute_all((uint32_t)cc_op, (uint32_t)dst, (uint32_t)src, (uint32_t)src2);
}

const IrHelper x86_helper_cc_compute_all = {
    .name = "x86_cc_compute_all",
    .fn = (void (*)(void))x86_helper_cc_compute_all_fn,
    .flags = IR_CALL_PURE,
    .ret = IR_I32,
    .nargs = 4,
    .args = {IR_I32, IR_I32, IR_I32, IR_I32},
};

bool x86_cond_from_flags(unsigned cc, uint32_t f)
{
    bool cf = f & X86_CF, zf = f & X86_ZF, sf = f & X86_SF, of = f & X86_OF, pf = f & X86_PF;
    bool v;
    switch (cc >> 1) {
    case 0: v = of; break;
    case 1: v = cf; break;
    case 2: v = zf; break;
    case 3: v = cf || zf; break;
    case 4: v = sf; break;
    case 5: v = pf; break;
    case 6: v = sf != of; break;
    default: v = zf || sf != of; break;
    }
    return v != (cc & 1);
}

/* ---- IR ---- */

void x86_gen_set_cc(X86Disas *d, int cc_op, IrVal dst, IrVal src, IrVal src2)
{
    IrBlock *b = d->b;
    /* Operands the new cc_op does not use are written with 0 rather than
     * left alone: the old values are dead from here on, and writing them
     * lets dead-global-store elimination drop the previous instruction's
     * writes (and the flag computation feeding them, such as the CF that
     * INC/DEC keep in cc_src2).  The constant stores that survive cost
     * less than a helper call. */
    IrVal zero = ir_i32(b, 0);
    ir_mov(b, IR_I32, d->cc_op_g, ir_i32(b, (uint32_t)cc_op));
    ir_mov(b, IR_I32, d->cc_dst, dst != IR_NONE ? dst : zero);
    ir_mov(b, IR_I32, d->cc_src, src != IR_NONE ? src : zero);
    ir_mov(b, IR_I32, d->cc_src2, src2 != IR_NONE ? src2 : zero);
    d->cc_op = cc_op;
}

IrVal x86_gen_compute_flags(X86Disas *d)
{
    IrBlock *b = d->b;
    IrVal f = ir_temp(b, IR_I32);
    if (d->cc_op == X86_CC_OP_EFLAGS) {
        ir_op2(b, IR_and, IR_I32, f, d->cc_src, ir_i32(b, X86_ARITH_FLAGS));
        return f;
    }
    IrVal args[4] = {d->cc_op >= 0 ? ir_i32(b, (uint32_t)d->cc_op) : d->cc_op_g, d->cc_dst,
                     d->cc_src, d->cc_src2};
    ir_call(b, &x86_helper_cc_compute_all, f, args);
    return f;
}

void x86_gen_flush_flags(X86Disas *d)
{
    if (d->cc_op == X86_CC_OP_EFLAGS) return;
    IrVal f = x86_gen_compute_flags(d);
    x86_gen_set_cc(d, X86_CC_OP_EFLAGS, IR_NONE, f, IR_NONE);
}

/* The operand a of a recorded SUB (dst = a - src), masked. */
static IrVal x86_gen_sub_first(X86Disas *d, uint32_t mask)
{
    IrVal a = ir_temp(d->b, IR_I32);
    ir_op2(d->b, IR_add, IR_I32, a, d->cc_dst, d->cc_src);
    if (mask != 0xffffffffu) ir_op2(d->b, IR_and, IR_I32, a, a, ir_i32(d->b, mask));
    return a;
}

/* v sign-extended from the operand size (size index si). */
static IrVal x86_gen_sext(X86Disas *d, IrVal v, unsigned si)
{
    if (si >= 2) return v;
    IrVal t = ir_temp(d->b, IR_I32);
    ir_op1(d->b, si == 0 ? IR_ext8s : IR_ext16s, IR_I32, t, v);
    return t;
}

static IrVal x86_gen_setcond(X86Disas *d, IrCond c, IrVal a, IrVal bv)
{
    IrVal t = ir_temp(d->b, IR_I32);
    ir_setcond(d->b, IR_I32, c, t, a, bv);
    return t;
}

/* A condition folded from the statically known cc_op, or IR_NONE. */
static IrVal x86_gen_cond_folded(X86Disas *d, unsigned cc)
{
    IrBlock *b = d->b;
    if (d->cc_op < X86_CC_OP_ADDB || d->cc_op >= X86_CC_OP_COUNT) return IR_NONE;
    unsigned si = (unsigned)d->cc_op & 3, op = (unsigned)d->cc_op & ~3u;
    uint32_t mask = x86_cc_mask(si);
    bool inv = cc & 1;
    unsigned base = cc & ~1u;
    IrVal zero = ir_i32(b, 0);
    IrCond c;

    if (op == X86_CC_OP_SUBB) {
        /* CMP a, src: every condition is one compare of a and src. */
        static const IrCond sub_conds[16] = {
            [X86_COND_B] = IR_LTU, [X86_COND_AE] = IR_GEU, [X86_COND_E] = IR_EQ,
            [X86_COND_NE] = IR_NE, [X86_COND_BE] = IR_LEU, [X86_COND_A] = IR_GTU,
            [X86_COND_L] = IR_LT,  [X86_COND_GE] = IR_GE,  [X86_COND_LE] = IR_LE,
            [X86_COND_G] = IR_GT,
        };
        if (base == X86_COND_S) {
            IrVal s = x86_gen_sext(d, d->cc_dst, si);
            return x86_gen_setcond(d, inv ? IR_GE : IR_LT, s, zero);
        }
        if (base == X86_COND_O || base == X86_COND_P) return IR_NONE;
        IrVal a = x86_gen_sub_first(d, mask);
        c = sub_conds[cc];
        if (c == IR_LT || c == IR_GE || c == IR_LE || c == IR_GT)
            return x86_gen_setcond(d, c, x86_gen_sext(d, a, si), x86_gen_sext(d, d->cc_src, si));
        return x86_gen_setcond(d, c, a, d->cc_src);
    }
    /* ZF and SF of every recorded operation come from dst. */
    if (base == X86_COND_E) return x86_gen_setcond(d, inv ? IR_NE : IR_EQ, d->cc_dst, zero);
    if (base == X86_COND_S)
        return x86_gen_setcond(d, inv ? IR_GE : IR_LT, x86_gen_sext(d, d->cc_dst, si), zero);
    if (op == X86_CC_OP_LOGICB) {
        /* CF = OF = 0 (SDM Vol 2 AND/OR/XOR/TEST). */
        switch (base) {
        case X86_COND_O:
        case X86_COND_B: return ir_i32(b, inv);
        case X86_COND_BE: return x86_gen_setcond(d, inv ? IR_NE : IR_EQ, d->cc_dst, zero);
        case X86_COND_L:
            return x86_gen_setcond(d, inv ? IR_GE : IR_LT, x86_gen_sext(d, d->cc_dst, si), zero);
        case X86_COND_LE:
            return x86_gen_setcond(d, inv ? IR_GT : IR_LE, x86_gen_sext(d, d->cc_dst, si), zero);
        default: return IR_NONE;
        }
    }
    if (base == X86_COND_B) {
        if (op == X86_CC_OP_INCB || op == X86_CC_OP_DECB)
            return x86_gen_setcond(d, inv ? IR_EQ : IR_NE, d->cc_src2, zero);
        if (op == X86_CC_OP_ADDB) /* carry out: the sum wrapped below src */
            return x86_gen_setcond(d, inv ? IR_GEU : IR_LTU, d->cc_dst, d->cc_src);
    }
    return IR_NONE;
}

IrVal x86_gen_cond(X86Disas *d, unsigned cc)
{
    IrBlock *b = d->b;
    cc &= 15;
    IrVal v = x86_gen_cond_folded(d, cc);
    if (v != IR_NONE) return v;
    IrVal f = x86_gen_compute_flags(d);
    IrVal t = ir_temp(b, IR_I32);
    switch (cc >> 1) {
    case 0: ir_extract(b, IR_extract, IR_I32, t, f, 11, 1); break;
    case 1: ir_op2(b, IR_and, IR_I32, t, f, ir_i32(b, X86_CF)); break;
    case 2: ir_extract(b, IR_extract, IR_I32, t, f, 6, 1); break;
    case 3:
        ir_op2(b, IR_and, IR_I32, t, f, ir_i32(b, X86_CF | X86_ZF));
        ir_setcond(b, IR_I32, IR_NE, t, t, ir_i32(b, 0));
        break;
    case 4: ir_extract(b, IR_extract, IR_I32, t, f, 7, 1); break;
    case 5: ir_extract(b, IR_extract, IR_I32, t, f, 2, 1); break;
    default: {
        /* L: SF != OF; LE: ZF or SF != OF. */
        IrVal o = ir_temp(b, IR_I32);
        ir_op2(b, IR_shr, IR_I32, o, f, ir_i32(b, 4)); /* OF (bit 11) to bit 7 */
        ir_op2(b, IR_xor, IR_I32, t, f, o);
        ir_extract(b, IR_extract, IR_I32, t, t, 7, 1);
        if (cc >> 1 == 7) {
            IrVal z = ir_temp(b, IR_I32);
            ir_extract(b, IR_extract, IR_I32, z, f, 6, 1);
            ir_op2(b, IR_or, IR_I32, t, t, z);
        }
        break;
    }
    }
    if (cc & 1) ir_op2(b, IR_xor, IR_I32, t, t, ir_i32(b, 1));
    return t;
}

IrVal x86_gen_compute_cf(X86Disas *d)
{
    IrVal v = x86_gen_cond_folded(d, X86_COND_B);
    if (v != IR_NONE) return v;
    IrVal f = x86_gen_compute_flags(d);
    IrVal t = ir_temp(d->b, IR_I32);
    ir_op2(d->b, IR_and, IR_I32, t, f, ir_i32(d->b, X86_CF));
    return t;
}
