/*
 * x86 instruction group "alu": the eight binary operations, INC DEC NOT
 * NEG TEST, multiply and divide, shifts and rotates, SHLD/SHRD, MOV and
 * its extending forms, LEA, XCHG, CBW/CWD, NOP and PAUSE (SDM Vol 2,
 * each instruction's page; encodings from Vol 2 appendix A).
 *
 * One lifter per shape, for every operand size: values are i32 temps
 * zero-extended from the operand size, masked after each operation.
 */
#include "frontends/x86/x86_internal.h"

/* The binary operations in their encoding order (opcode bits 5-3 and
 * the ModRM.reg of 80-83), plus TEST. */
enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP, ALU_TEST };

/* Shift group 2 operations (ModRM.reg of C0 C1 D0-D3). */
enum { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };

static uint32_t alu_mask(unsigned size)
{
    return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

static IrVal alu_temp(X86Disas *d)
{
    return ir_temp(d->b, IR_I32);
}

/* t &= the operand-size mask (nothing to do for 32 bits). */
static void alu_trunc(X86Disas *d, IrVal t, unsigned size)
{
    if (size < 4) ir_op2(d->b, IR_and, IR_I32, t, t, ir_i32(d->b, alu_mask(size)));
}

/* v sign-extended from size bytes, as an i32. */
static IrVal alu_sext32(X86Disas *d, IrVal v, unsigned size)
{
    if (size >= 4) return v;
    IrVal t = alu_temp(d);
    ir_op1(d->b, size == 1 ? IR_ext8s : IR_ext16s, IR_I32, t, v);
    return t;
}

/* v (zero-extended from size bytes) widened to i64, signed or not. */
static IrVal alu_to_i64(X86Disas *d, IrVal v, unsigned size, bool is_signed)
{
    IrVal w = ir_temp(d->b, IR_I64);
    if (is_signed)
        ir_op1(d->b, IR_sext, IR_I64, w, alu_sext32(d, v, size));
    else
        ir_op1(d->b, IR_zext, IR_I64, w, v);
    return w;
}

static IrVal alu_trunc64(X86Disas *d, IrVal v64)
{
    IrVal t = alu_temp(d);
    ir_op1(d->b, IR_trunc, IR_I32, t, v64);
    return t;
}

/* A read-modify-write of a memory destination checks for write first,
 * so the later read of the same operand reuses the address. */
static void alu_prepare_rmw(X86Disas *d, const X86Insn *in)
{
    if (in->op[0].type == X86O_MEM) x86_gen_mem_linear(d, in, in->op[0].size, true);
}

/* ---- ADD OR ADC SBB AND SUB XOR CMP TEST ---- */

/* Each binary operation's IR op and flags group; ADC and SBB add or
 * subtract CF as a second step (SDM Vol 2 ADC, SBB). */
static const struct {
    IrOpcode opc;
    int cc_op; /* the byte form: X86_CC_OP_*B */
    bool carry_in;
} alu_binops[] = {
    [ALU_ADD] = {IR_add, X86_CC_OP_ADDB, false},    [ALU_OR] = {IR_or, X86_CC_OP_LOGICB, false},
    [ALU_ADC] = {IR_add, X86_CC_OP_ADCB, true},     [ALU_SBB] = {IR_sub, X86_CC_OP_SBBB, true},
    [ALU_AND] = {IR_and, X86_CC_OP_LOGICB, false},  [ALU_SUB] = {IR_sub, X86_CC_OP_SUBB, false},
    [ALU_XOR] = {IR_xor, X86_CC_OP_LOGICB, false},  [ALU_CMP] = {IR_sub, X86_CC_OP_SUBB, false},
    [ALU_TEST] = {IR_and, X86_CC_OP_LOGICB, false},
};

static void alu_lift_binop(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    int op = in->def->arg;
    unsigned size = in->op[0].size, si = x86_size_index(size);
    bool writes = op != ALU_CMP && op != ALU_TEST;
    if (writes) alu_prepare_rmw(d, in);
    IrVal a = x86_gen_read_operand(d, in, 0), v = x86_gen_read_operand(d, in, 1);
    IrVal r = alu_temp(d);
    IrOpcode opc = alu_binops[op].opc;
    IrVal cin = alu_binops[op].carry_in ? x86_gen_compute_cf(d) : IR_NONE;
    ir_op2(b, opc, IR_I32, r, a, v);
    if (alu_binops[op].carry_in) ir_op2(b, opc, IR_I32, r, r, cin);
    alu_trunc(d, r, size);
    if (writes) x86_gen_write_operand(d, in, 0, r);
    int cc_op = alu_binops[op].cc_op;
    x86_gen_set_cc(d, cc_op + (int)si, r, cc_op == X86_CC_OP_LOGICB ? IR_NONE : v, cin);
}

/* ---- INC DEC NOT NEG ---- */

enum { UN_INC, UN_DEC, UN_NOT, UN_NEG };

static void alu_lift_unary(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    int op = in->def->arg;
    unsigned size = in->op[0].size, si = x86_size_index(size);
    alu_prepare_rmw(d, in);
    IrVal a = x86_gen_read_operand(d, in, 0), r = alu_temp(d);
    IrVal cf = IR_NONE;
    switch (op) {
    case UN_INC:
    case UN_DEC:
        /* INC and DEC keep CF (SDM Vol 2 INC): record it beside. */
        cf = x86_gen_compute_cf(d);
        ir_op2(b, op == UN_INC ? IR_add : IR_sub, IR_I32, r, a, ir_i32(b, 1));
        break;
    case UN_NOT: ir_op1(b, IR_not, IR_I32, r, a); break;
    default: ir_op1(b, IR_neg, IR_I32, r, a); break;
    }
    alu_trunc(d, r, size);
    x86_gen_write_operand(d, in, 0, r);
    if (op == UN_INC || op == UN_DEC)
        x86_gen_set_cc(d, (op == UN_INC ? X86_CC_OP_INCB : X86_CC_OP_DECB) + (int)si, r, IR_NONE,
                       cf);
    else if (op == UN_NEG) /* NEG is 0 - a: CF = (a != 0) */
        x86_gen_set_cc(d, X86_CC_OP_SUBB + (int)si, r, a, IR_NONE);
}

/* ---- MUL IMUL ---- */

enum { MUL_UNSIGNED, MUL_SIGNED, MUL_SIGNED_TRUNC };

/* MUL/IMUL r/m (accumulator forms: AX, DX:AX, EDX:EAX) and the two- and
 * three-operand IMUL (truncated to the destination).  One i64 product
 * covers every size.  CF = OF = the upper half is significant. */
static void alu_lift_mul(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    int op = in->def->arg;
    bool is_signed = op != MUL_UNSIGNED;
    unsigned size, bits;
    IrVal x, y;
    if (op == MUL_SIGNED_TRUNC) {
        size = in->op[0].size;
        x = x86_gen_read_operand(d, in, 1);
        y = x86_gen_read_operand(d, in, in->nopnds > 2 ? 2 : 0);
    } else {
        size = in->op[0].size;
        y = x86_gen_read_operand(d, in, 0);
        x = x86_gen_get_reg(d, X86_EAX, size);
    }
    bits = 8 * size;
    IrVal p = ir_temp(b, IR_I64);
    ir_op2(b, IR_mul, IR_I64, p, alu_to_i64(d, x, size, is_signed),
           alu_to_i64(d, y, size, is_signed));
    IrVal lo = alu_trunc64(d, p);
    alu_trunc(d, lo, size);
    IrVal hi64 = ir_temp(b, IR_I64);
    ir_op2(b, IR_shr, IR_I64, hi64, p, ir_i64(b, bits));
    IrVal hi = alu_trunc64(d, hi64);
    alu_trunc(d, hi, size);
    IrVal cf = alu_temp(d);
    if (is_signed) {
        IrVal cf64 = ir_temp(b, IR_I64);
        ir_setcond(b, IR_I64, IR_NE, cf64, p, alu_to_i64(d, lo, size, true));
        ir_op1(b, IR_trunc, IR_I32, cf, cf64);
    } else {
        ir_setcond(b, IR_I32, IR_NE, cf, hi, ir_i32(b, 0));
    }
    if (op == MUL_SIGNED_TRUNC) {
        x86_gen_write_operand(d, in, 0, lo);
    } else if (size == 1) {
        x86_gen_set_reg(d, X86_EAX, 2, alu_trunc64(d, p));
    } else {
        x86_gen_set_reg(d, X86_EAX, size, lo);
        x86_gen_set_reg(d, X86_EDX, size, hi);
    }
    x86_gen_set_cc(d, X86_CC_OP_MULB + (int)x86_size_index(size), lo, cf, IR_NONE);
}

/* ---- DIV IDIV ---- */

/* SDM Vol 2 DIV/IDIV: AX, DX:AX or EDX:EAX by r/m; #DE for a zero
 * divisor or a quotient that does not fit.  Computed in i64 for every
 * size; the flags are left alone (QEMU TCG does the same; the SDM says
 * undefined). */
static void alu_lift_div(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    bool is_signed = in->def->arg != 0;
    unsigned size = in->op[0].size, bits = 8 * size;
    IrVal divisor32 = x86_gen_read_operand(d, in, 0);
    IrVal dividend = ir_temp(b, IR_I64);
    if (size == 1) {
        IrVal ax = x86_gen_get_reg(d, X86_EAX, 2);
        ir_mov(b, IR_I64, dividend, alu_to_i64(d, ax, 2, is_signed));
    } else {
        IrVal lo = alu_to_i64(d, x86_gen_get_reg(d, X86_EAX, size), size, false);
        IrVal hi = alu_to_i64(d, x86_gen_get_reg(d, X86_EDX, size), size, is_signed);
        ir_op2(b, IR_shl, IR_I64, dividend, hi, ir_i64(b, bits));
        ir_op2(b, IR_or, IR_I64, dividend, dividend, lo);
        if (size == 2 && is_signed) { /* DX:AX is a 32-bit signed value */
            IrVal t = alu_trunc64(d, dividend);
            ir_op1(b, IR_sext, IR_I64, dividend, t);
        }
    }
    IrVal divisor = alu_to_i64(d, divisor32, size, is_signed);
    x86_gen_exception_if(d, IR_EQ, divisor, ir_i64(b, 0), X86_EXCP_DE, 0);
    IrVal q = ir_temp(b, IR_I64), r = ir_temp(b, IR_I64);
    ir_op2(b, is_signed ? IR_div_s : IR_div_u, IR_I64, q, dividend, divisor);
    ir_op2(b, is_signed ? IR_rem_s : IR_rem_u, IR_I64, r, dividend, divisor);
    IrVal q32 = alu_trunc64(d, q);
    if (is_signed) {
        IrVal qs = alu_to_i64(d, q32, size, true);
        x86_gen_exception_if(d, IR_NE, q, qs, X86_EXCP_DE, 0);
    } else {
        x86_gen_exception_if(d, IR_GTU, q, ir_i64(b, alu_mask(size)), X86_EXCP_DE, 0);
    }
    IrVal r32 = alu_trunc64(d, r);
    if (size == 1) {
        x86_gen_set_reg(d, 0 /* AL */, 1, q32);
        x86_gen_set_reg(d, 4 /* AH */, 1, r32);
    } else {
        x86_gen_set_reg(d, X86_EAX, size, q32);
        x86_gen_set_reg(d, X86_EDX, size, r32);
    }
}

/* ---- shifts and rotates ---- */

/* Record the flags of a shift, or (count == 0, SDM Vol 2 SAL/SAR/SHL/SHR
 * "Flags Affected") keep the previous flag state: a movcond per cc
 * global when the count is not known at translation time. */
static void alu_set_cc_counted(X86Disas *d, IrVal count, bool count_const, int cc_op, IrVal dst,
                               IrVal src)
{
    IrBlock *b = d->b;
    if (count_const) {
        if (ir_const_value(b, count)) x86_gen_set_cc(d, cc_op, dst, src, IR_NONE);
        return;
    }
    IrVal zero = ir_i32(b, 0);
    ir_movcond(b, IR_I32, IR_NE, d->cc_op_g, count, zero, ir_i32(b, (uint32_t)cc_op), d->cc_op_g);
    if (dst != IR_NONE) ir_movcond(b, IR_I32, IR_NE, d->cc_dst, count, zero, dst, d->cc_dst);
    if (src != IR_NONE) ir_movcond(b, IR_I32, IR_NE, d->cc_src, count, zero, src, d->cc_src);
    d->cc_op = X86_CC_OP_DYNAMIC;
}

/* CF and OF of a rotate merged into the other flags (EFLAGS form). */
static IrVal alu_rotate_flags(X86Disas *d, IrVal cf, IrVal of)
{
    IrBlock *b = d->b;
    IrVal f = x86_gen_compute_flags(d), o = alu_temp(d);
    ir_op2(b, IR_and, IR_I32, f, f, ir_i32(b, ~(uint32_t)(X86_CF | X86_OF)));
    ir_op2(b, IR_or, IR_I32, f, f, cf);
    ir_op2(b, IR_shl, IR_I32, o, of, ir_i32(b, 11));
    ir_op2(b, IR_or, IR_I32, f, f, o);
    return f;
}

/* Bit n of v (i32), as 0/1. */
static IrVal alu_bit(X86Disas *d, IrVal v, unsigned n)
{
    IrVal t = alu_temp(d);
    ir_extract(d->b, IR_extract, IR_I32, t, v, n, 1);
    return t;
}

/* The count operand opnd of a shift or rotate, masked to 5 bits (SDM
 * Vol 2 SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR, SHLD, SHRD). */
static IrVal alu_shift_count(X86Disas *d, const X86Insn *in, unsigned opnd)
{
    if (in->op[opnd].type == X86O_IMM) return ir_i32(d->b, (uint32_t)in->op[opnd].imm & 31);
    IrVal count = alu_temp(d);
    ir_op2(d->b, IR_and, IR_I32, count, x86_gen_read_operand(d, in, opnd), ir_i32(d->b, 31));
    return count;
}

static void alu_lift_shift(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    int op = in->def->arg;
    unsigned size = in->op[0].size, si = x86_size_index(size), bits = 8 * size;
    alu_prepare_rmw(d, in);
    IrVal a = x86_gen_read_operand(d, in, 0);
    bool count_const = in->op[1].type == X86O_IMM;
    IrVal count = alu_shift_count(d, in, 1);
    IrVal r = alu_temp(d);
    switch (op) {
    case SH_SHL:
    case SH_SAL:
    case SH_SHR:
    case SH_SAR: {
        /* src = the operand shifted by count - 1: CF is its last bit out. */
        IrVal src = alu_temp(d), nm1 = alu_temp(d), sa = a;
        IrOpcode opc = op == SH_SHR ? IR_shr : op == SH_SAR ? IR_sar : IR_shl;
        if (op == SH_SAR) sa = alu_sext32(d, a, size);
        ir_op2(b, IR_sub, IR_I32, nm1, count, ir_i32(b, 1));
        ir_op2(b, opc, IR_I32, r, sa, count);
        ir_op2(b, opc, IR_I32, src, sa, nm1);
        alu_trunc(d, r, size);
        alu_trunc(d, src, size);
        x86_gen_write_operand(d, in, 0, r);
        int cc_op = (op == SH_SHR || op == SH_SAR ? X86_CC_OP_SARB : X86_CC_OP_SHLB) + (int)si;
        alu_set_cc_counted(d, count, count_const, cc_op, r, src);
        return;
    }
    case SH_ROL:
    case SH_ROR: {
        /* Replicate a byte or word over 32 bits: a 32-bit rotate by the
         * count is then a rotate of the operand by count mod size. */
        IrVal rep = a;
        if (size < 4) {
            rep = alu_temp(d);
            ir_op2(b, IR_mul, IR_I32, rep, a, ir_i32(b, size == 1 ? 0x01010101u : 0x00010001u));
        }
        ir_op2(b, op == SH_ROL ? IR_rotl : IR_rotr, IR_I32, r, rep, count);
        alu_trunc(d, r, size);
        x86_gen_write_operand(d, in, 0, r);
        /* ROL: CF = LSB(result), OF = MSB(result) ^ CF; ROR: CF =
         * MSB(result), OF = the two top bits XORed (SDM Vol 2 RCL/RCR/
         * ROL/ROR; OF for every count, as QEMU). */
        IrVal cf = op == SH_ROL ? alu_bit(d, r, 0) : alu_bit(d, r, bits - 1), of = alu_temp(d);
        ir_op2(b, IR_xor, IR_I32, of,
               op == SH_ROL ? alu_bit(d, r, bits - 1) : alu_bit(d, r, bits - 2), cf);
        IrVal f = alu_rotate_flags(d, cf, of);
        alu_set_cc_counted(d, count, count_const, X86_CC_OP_EFLAGS, IR_NONE, f);
        return;
    }
    default: {
        /* RCL/RCR rotate bits+1 bits (the operand and CF) by count mod
         * 9, 17 or 32, done in i64. */
        IrVal n = count;
        if (size < 4) {
            n = alu_temp(d);
            ir_op2(b, IR_rem_u, IR_I32, n, count, ir_i32(b, bits + 1));
            if (count_const) n = ir_i32(b, (uint32_t)ir_const_value(b, count) % (bits + 1));
        }
        uint64_t wmask = (1ull << (bits + 1)) - 1;
        IrVal v = alu_to_i64(d, a, size, false),
              cin = alu_to_i64(d, x86_gen_compute_cf(d), 4, false);
        ir_op2(b, IR_shl, IR_I64, cin, cin, ir_i64(b, bits));
        ir_op2(b, IR_or, IR_I64, v, v, cin);
        IrVal n64 = alu_to_i64(d, n, 4, false), back = ir_temp(b, IR_I64);
        ir_op2(b, IR_sub, IR_I64, back, ir_i64(b, bits + 1), n64);
        IrVal x = ir_temp(b, IR_I64), y = ir_temp(b, IR_I64);
        ir_op2(b, op == SH_RCL ? IR_shl : IR_shr, IR_I64, x, v, n64);
        ir_op2(b, op == SH_RCL ? IR_shr : IR_shl, IR_I64, y, v, back);
        ir_op2(b, IR_or, IR_I64, x, x, y);
        ir_op2(b, IR_and, IR_I64, x, x, ir_i64(b, wmask));
        IrVal r2 = alu_trunc64(d, x);
        ir_mov(b, IR_I32, r, r2);
        alu_trunc(d, r, size);
        IrVal hi = ir_temp(b, IR_I64);
        ir_op2(b, IR_shr, IR_I64, hi, x, ir_i64(b, bits));
        IrVal cf = alu_trunc64(d, hi);
        x86_gen_write_operand(d, in, 0, r);
        /* OF = MSB(operand XOR result), as QEMU; the SDM defines it for
         * a count of 1, where it is the same value. */
        IrVal ax = alu_temp(d);
        ir_op2(b, IR_xor, IR_I32, ax, a, r);
        IrVal f = alu_rotate_flags(d, cf, alu_bit(d, ax, bits - 1));
        alu_set_cc_counted(d, n, count_const, X86_CC_OP_EFLAGS, IR_NONE, f);
        return;
    }
    }
}

/* SHLD/SHRD (SDM Vol 2): the destination shifted with bits of the source
 * coming in, by count mod 32.  Computed on one i64: SHLD takes the top
 * half of (dst:src) << n, SHRD the bottom of (src:dst) >> n.  16-bit
 * forms with a count over 16 give the Intel (and QEMU) result of shifting
 * dst:src:dst. */
static void alu_lift_shiftd(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    bool right = in->def->arg != 0;
    unsigned size = in->op[0].size, si = x86_size_index(size);
    alu_prepare_rmw(d, in);
    IrVal a = x86_gen_read_operand(d, in, 0), s = x86_gen_read_operand(d, in, 1);
    bool count_const = in->op[2].type == X86O_IMM;
    IrVal count = alu_shift_count(d, in, 2);
    IrVal a64 = alu_to_i64(d, a, 4, false), s64 = alu_to_i64(d, s, 4, false);
    IrVal v = ir_temp(b, IR_I64);
    if (size == 2) { /* a:s:a */
        ir_op2(b, IR_shl, IR_I64, v, a64, ir_i64(b, 32));
        ir_op2(b, IR_shl, IR_I64, s64, s64, ir_i64(b, 16));
        ir_op2(b, IR_or, IR_I64, v, v, s64);
        ir_op2(b, IR_or, IR_I64, v, v, a64);
    } else if (right) { /* s:a */
        ir_op2(b, IR_shl, IR_I64, v, s64, ir_i64(b, 32));
        ir_op2(b, IR_or, IR_I64, v, v, a64);
    } else { /* a:s */
        ir_op2(b, IR_shl, IR_I64, v, a64, ir_i64(b, 32));
        ir_op2(b, IR_or, IR_I64, v, v, s64);
    }
    IrVal n64 = alu_to_i64(d, count, 4, false), nm1 = ir_temp(b, IR_I64);
    ir_op2(b, IR_sub, IR_I64, nm1, n64, ir_i64(b, 1));
    ir_op2(b, IR_and, IR_I64, nm1, nm1, ir_i64(b, 63));
    IrVal x = ir_temp(b, IR_I64), y = ir_temp(b, IR_I64);
    IrOpcode opc = right ? IR_shr : IR_shl;
    ir_op2(b, opc, IR_I64, x, v, n64);
    ir_op2(b, opc, IR_I64, y, v, nm1);
    if (!right) {
        ir_op2(b, IR_shr, IR_I64, x, x, ir_i64(b, 32));
        ir_op2(b, IR_shr, IR_I64, y, y, ir_i64(b, 32));
    }
    IrVal r = alu_trunc64(d, x), src = alu_trunc64(d, y);
    if (right) {
        /* Only CF (bit 0) and OF (MSB) of src are read.  QEMU TCG takes
         * src as the destination alone (s:a for words) shifted by n - 1,
         * so for counts over 1 OF = MSB(result); the SDM leaves OF
         * undefined there, and we match QEMU. */
        IrVal lowpart = a;
        if (size == 2) {
            lowpart = alu_temp(d);
            ir_deposit(b, IR_I32, lowpart, a, s, 16, 16);
        }
        IrVal nm1_32 = alu_temp(d);
        ir_op2(b, IR_sub, IR_I32, nm1_32, count, ir_i32(b, 1));
        ir_op2(b, IR_shr, IR_I32, src, lowpart, nm1_32);
    }
    alu_trunc(d, r, size);
    alu_trunc(d, src, size);
    x86_gen_write_operand(d, in, 0, r);
    alu_set_cc_counted(d, count, count_const, (right ? X86_CC_OP_SARB : X86_CC_OP_SHLB) + (int)si,
                       r, src);
}

/* ---- moves ---- */

static void alu_lift_mov(X86Disas *d, const X86Insn *in)
{
    x86_gen_write_operand(d, in, 0, x86_gen_read_operand(d, in, 1));
}

/* MOVZX/MOVSX: arg 1 sign-extends. */
static void alu_lift_movx(X86Disas *d, const X86Insn *in)
{
    IrVal v = x86_gen_read_operand(d, in, 1);
    if (in->def->arg) {
        v = alu_sext32(d, v, in->op[1].size);
        IrVal t = alu_temp(d);
        ir_mov(d->b, IR_I32, t, v);
        alu_trunc(d, t, in->op[0].size);
        v = t;
    }
    x86_gen_write_operand(d, in, 0, v);
}

static void alu_lift_lea(X86Disas *d, const X86Insn *in)
{
    x86_gen_write_operand(d, in, 0, x86_gen_ea_offset(d, in));
}

/* XCHG: the memory form stores first, so a fault changes nothing. */
static void alu_lift_xchg(X86Disas *d, const X86Insn *in)
{
    alu_prepare_rmw(d, in);
    IrVal a = x86_gen_read_operand(d, in, 0), v = x86_gen_read_operand(d, in, 1);
    x86_gen_write_operand(d, in, 0, v);
    x86_gen_write_operand(d, in, 1, a);
}

/* CBW/CWDE (arg 0) and CWD/CDQ (arg 1). */
static void alu_lift_convert(X86Disas *d, const X86Insn *in)
{
    unsigned size = in->opsize;
    IrVal v = x86_gen_get_reg(d, X86_EAX, in->def->arg ? size : size / 2);
    IrVal t = alu_temp(d);
    if (in->def->arg) {
        ir_op2(d->b, IR_sar, IR_I32, t, alu_sext32(d, v, size), ir_i32(d->b, 31));
        x86_gen_set_reg(d, X86_EDX, size, t);
    } else {
        ir_mov(d->b, IR_I32, t, alu_sext32(d, v, size / 2));
        x86_gen_set_reg(d, X86_EAX, size, t);
    }
}

static void alu_lift_nop(X86Disas *d, const X86Insn *in)
{
    (void)d;
    (void)in;
}

/* ---- the table ---- */

#define O(k, s) X86_OPND(k, s)
#define AL      X86_OPND_REG(B, X86_EAX)
#define EAX     X86_OPND_REG(V, X86_EAX)
#define CL      X86_OPND_REG(B, X86_ECX)
#define ONE     X86_OPND(ONE, B)
#define LOCK    X86F_LOCK
/* A line: map, first opcode, opcode count, ModRM.reg (-1 none), name,
 * operands, flags, lifter, arg. */
#define L(map_, opc, cnt, reg_, name_, o0, o1, o2, fl, lift_, arg_)                                \
    {                                                                                              \
        .map = (map_), .opcode = (opc), .opcount = (cnt), .reg = (reg_), .prefix = X86_PFX_ANY,    \
        .mod = X86_MOD_ANY, .rm = -1, .name = (name_), .opnd = {(o0), (o1), (o2), 0},              \
        .flags = (fl), .lift = (lift_), .arg = (arg_)                                              \
    }
#define ONE_(opc, reg, name, o0, o1, o2, fl, lift, arg)                                            \
    L(X86_MAP_ONE, opc, 1, reg, name, o0, o1, o2, fl, lift, arg)
#define TWO_(opc, reg, name, o0, o1, o2, fl, lift, arg)                                            \
    L(X86_MAP_0F, opc, 1, reg, name, o0, o1, o2, fl, lift, arg)

/* The six encodings of a binary operation at 8 * op (SDM Vol 2 A.3
 * table A-2 rows 0-3). */
#define BINOP(op, name, lk)                                                                        \
    ONE_(8 * (op) + 0, -1, name, O(E, B), O(G, B), 0, lk, alu_lift_binop, op),                     \
        ONE_(8 * (op) + 1, -1, name, O(E, V), O(G, V), 0, lk, alu_lift_binop, op),                 \
        ONE_(8 * (op) + 2, -1, name, O(G, B), O(E, B), 0, 0, alu_lift_binop, op),                  \
        ONE_(8 * (op) + 3, -1, name, O(G, V), O(E, V), 0, 0, alu_lift_binop, op),                  \
        ONE_(8 * (op) + 4, -1, name, AL, O(I, B), 0, 0, alu_lift_binop, op),                       \
        ONE_(8 * (op) + 5, -1, name, EAX, O(I, Z), 0, 0, alu_lift_binop, op),                      \
        ONE_(0x80, op, name, O(E, B), O(I, B), 0, lk, alu_lift_binop, op),                         \
        ONE_(0x81, op, name, O(E, V), O(I, Z), 0, lk, alu_lift_binop, op),                         \
        ONE_(0x82, op, name, O(E, B), O(I, B), 0, lk, alu_lift_binop, op),                         \
        ONE_(0x83, op, name, O(E, V), O(IS, V), 0, lk, alu_lift_binop, op)

/* Shift group 2 at C0 C1 D0-D3 for one ModRM.reg. */
#define SHIFT(op, name)                                                                            \
    ONE_(0xc0, op, name, O(E, B), O(I, B), 0, 0, alu_lift_shift, op),                              \
        ONE_(0xc1, op, name, O(E, V), O(I, B), 0, 0, alu_lift_shift, op),                          \
        ONE_(0xd0, op, name, O(E, B), ONE, 0, 0, alu_lift_shift, op),                              \
        ONE_(0xd1, op, name, O(E, V), ONE, 0, 0, alu_lift_shift, op),                              \
        ONE_(0xd2, op, name, O(E, B), CL, 0, 0, alu_lift_shift, op),                               \
        ONE_(0xd3, op, name, O(E, V), CL, 0, 0, alu_lift_shift, op)

/* Group 3 (F6/F7) for one ModRM.reg. */
#define GROUP3(reg, name, o1b, o1v, fl, lift, arg)                                                 \
    ONE_(0xf6, reg, name, O(E, B), o1b, 0, fl, lift, arg),                                         \
        ONE_(0xf7, reg, name, O(E, V), o1v, 0, fl, lift, arg)

static const X86InsnDef x86_alu_defs[] = {
    BINOP(ALU_ADD, "add", LOCK),
    BINOP(ALU_OR, "or", LOCK),
    BINOP(ALU_ADC, "adc", LOCK),
    BINOP(ALU_SBB, "sbb", LOCK),
    BINOP(ALU_AND, "and", LOCK),
    BINOP(ALU_SUB, "sub", LOCK),
    BINOP(ALU_XOR, "xor", LOCK),
    BINOP(ALU_CMP, "cmp", 0),

    L(X86_MAP_ONE, 0x40, 8, -1, "inc", O(Z, V), 0, 0, 0, alu_lift_unary, UN_INC),
    L(X86_MAP_ONE, 0x48, 8, -1, "dec", O(Z, V), 0, 0, 0, alu_lift_unary, UN_DEC),
    ONE_(0xfe, 0, "inc", O(E, B), 0, 0, LOCK, alu_lift_unary, UN_INC),
    ONE_(0xfe, 1, "dec", O(E, B), 0, 0, LOCK, alu_lift_unary, UN_DEC),
    ONE_(0xff, 0, "inc", O(E, V), 0, 0, LOCK, alu_lift_unary, UN_INC),
    ONE_(0xff, 1, "dec", O(E, V), 0, 0, LOCK, alu_lift_unary, UN_DEC),

    ONE_(0x84, -1, "test", O(E, B), O(G, B), 0, 0, alu_lift_binop, ALU_TEST),
    ONE_(0x85, -1, "test", O(E, V), O(G, V), 0, 0, alu_lift_binop, ALU_TEST),
    ONE_(0xa8, -1, "test", AL, O(I, B), 0, 0, alu_lift_binop, ALU_TEST),
    ONE_(0xa9, -1, "test", EAX, O(I, Z), 0, 0, alu_lift_binop, ALU_TEST),
    GROUP3(0, "test", O(I, B), O(I, Z), 0, alu_lift_binop, ALU_TEST),
    /* F6/F7 /1 is TEST on Intel and AMD parts (and in QEMU). */
    GROUP3(1, "test", O(I, B), O(I, Z), 0, alu_lift_binop, ALU_TEST),
    GROUP3(2, "not", 0, 0, LOCK, alu_lift_unary, UN_NOT),
    GROUP3(3, "neg", 0, 0, LOCK, alu_lift_unary, UN_NEG),
    GROUP3(4, "mul", 0, 0, 0, alu_lift_mul, MUL_UNSIGNED),
    GROUP3(5, "imul", 0, 0, 0, alu_lift_mul, MUL_SIGNED),
    GROUP3(6, "div", 0, 0, 0, alu_lift_div, 0),
    GROUP3(7, "idiv", 0, 0, 0, alu_lift_div, 1),
    TWO_(0xaf, -1, "imul", O(G, V), O(E, V), 0, 0, alu_lift_mul, MUL_SIGNED_TRUNC),
    ONE_(0x69, -1, "imul", O(G, V), O(E, V), O(I, Z), 0, alu_lift_mul, MUL_SIGNED_TRUNC),
    ONE_(0x6b, -1, "imul", O(G, V), O(E, V), O(IS, V), 0, alu_lift_mul, MUL_SIGNED_TRUNC),

    SHIFT(SH_ROL, "rol"),
    SHIFT(SH_ROR, "ror"),
    SHIFT(SH_RCL, "rcl"),
    SHIFT(SH_RCR, "rcr"),
    SHIFT(SH_SHL, "shl"),
    SHIFT(SH_SHR, "shr"),
    SHIFT(SH_SAL, "sal"),
    SHIFT(SH_SAR, "sar"),
    TWO_(0xa4, -1, "shld", O(E, V), O(G, V), O(I, B), 0, alu_lift_shiftd, 0),
    TWO_(0xa5, -1, "shld", O(E, V), O(G, V), CL, 0, alu_lift_shiftd, 0),
    TWO_(0xac, -1, "shrd", O(E, V), O(G, V), O(I, B), 0, alu_lift_shiftd, 1),
    TWO_(0xad, -1, "shrd", O(E, V), O(G, V), CL, 0, alu_lift_shiftd, 1),

    ONE_(0x88, -1, "mov", O(E, B), O(G, B), 0, 0, alu_lift_mov, 0),
    ONE_(0x89, -1, "mov", O(E, V), O(G, V), 0, 0, alu_lift_mov, 0),
    ONE_(0x8a, -1, "mov", O(G, B), O(E, B), 0, 0, alu_lift_mov, 0),
    ONE_(0x8b, -1, "mov", O(G, V), O(E, V), 0, 0, alu_lift_mov, 0),
    ONE_(0xa0, -1, "mov", AL, O(O, B), 0, 0, alu_lift_mov, 0),
    ONE_(0xa1, -1, "mov", EAX, O(O, V), 0, 0, alu_lift_mov, 0),
    ONE_(0xa2, -1, "mov", O(O, B), AL, 0, 0, alu_lift_mov, 0),
    ONE_(0xa3, -1, "mov", O(O, V), EAX, 0, 0, alu_lift_mov, 0),
    L(X86_MAP_ONE, 0xb0, 8, -1, "mov", O(Z, B), O(I, B), 0, 0, alu_lift_mov, 0),
    L(X86_MAP_ONE, 0xb8, 8, -1, "mov", O(Z, V), O(I, V), 0, 0, alu_lift_mov, 0),
    ONE_(0xc6, 0, "mov", O(E, B), O(I, B), 0, 0, alu_lift_mov, 0),
    ONE_(0xc7, 0, "mov", O(E, V), O(I, Z), 0, 0, alu_lift_mov, 0),
    TWO_(0xb6, -1, "movzx", O(G, V), O(E, B), 0, 0, alu_lift_movx, 0),
    TWO_(0xb7, -1, "movzx", O(G, V), O(E, W), 0, 0, alu_lift_movx, 0),
    TWO_(0xbe, -1, "movsx", O(G, V), O(E, B), 0, 0, alu_lift_movx, 1),
    TWO_(0xbf, -1, "movsx", O(G, V), O(E, W), 0, 0, alu_lift_movx, 1),
    ONE_(0x8d, -1, "lea", O(G, V), O(M, NONE), 0, 0, alu_lift_lea, 0),

    ONE_(0x86, -1, "xchg", O(E, B), O(G, B), 0, LOCK, alu_lift_xchg, 0),
    ONE_(0x87, -1, "xchg", O(E, V), O(G, V), 0, LOCK, alu_lift_xchg, 0),
    L(X86_MAP_ONE, 0x91, 7, -1, "xchg", O(Z, V), EAX, 0, 0, alu_lift_xchg, 0),
    ONE_(0x90, -1, "nop", 0, 0, 0, 0, alu_lift_nop, 0),
    /* F3 90: PAUSE, a hint; nothing to wait for here. */
    {.map = X86_MAP_ONE,
     .opcode = 0x90,
     .reg = -1,
     .prefix = X86_PFX_F3,
     .rm = -1,
     .name = "pause",
     .lift = alu_lift_nop},
    ONE_(0x98, -1, "cbw", 0, 0, 0, 0, alu_lift_convert, 0),
    ONE_(0x99, -1, "cwd", 0, 0, 0, 0, alu_lift_convert, 1),
    /* 0F 1F /0: the multi-byte NOP (SDM Vol 2 NOP); other ModRM.reg
     * values are the reserved hint NOPs, also no-ops (as 0F 19-1E in the
     * misc group).  No memory access. */
    TWO_(0x1f, -1, "nop", O(E, V), 0, 0, 0, alu_lift_nop, 0),
};
X86_GROUP(alu, x86_alu_defs);
