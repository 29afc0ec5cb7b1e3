/*
 * General instructions in IR: loads and stores, fixed-point arithmetic
 * and comparison, logical operations, shifts, and the immediate forms
 * ESA/390 added (PoO-370 §7 "General Instructions", PoO-390 §7).
 */
#include "frontends/s370/s370_internal.h"

/* ---- operands ---- */

/* Where the second operand of a two-operand instruction comes from. */
enum {
    SRC_REG = 0 << 8,    /* RR, RRE: register r2 */
    SRC_MEM32 = 1 << 8,  /* RX: fullword at x2+b2+d2 */
    SRC_MEM16S = 2 << 8, /* RX: halfword, sign-extended */
    SRC_IMM = 3 << 8,    /* RI: the signed 16-bit immediate */
    SRC_MASK = 3 << 8,
};

static IrVal s370_operand2(S370Disas *d, const S370Insn *in, unsigned src)
{
    switch (src) {
    case SRC_REG: return d->gr[in->r2];
    case SRC_MEM32:
        return s370_gen_load(d, IR_I32, s370_gen_addr(d, in->x2, in->b2, in->d2), IR_MO_32);
    case SRC_MEM16S:
        return s370_gen_load(d, IR_I32, s370_gen_addr(d, in->x2, in->b2, in->d2),
                             IR_MO_16 | IR_MO_SIGN);
    default: return ir_i32(d->b, (uint32_t)in->imm);
    }
}

static bool s370_fixed_overflow_enabled(const S370Disas *d)
{
    return (d->flags >> S370_TBF_PGM_MASK_SHIFT) & S370_PGM_MASK_FIXED;
}

/* CC 3 on overflow, else the signed CC of result; then the interruption
 * when the program mask allows it (the result is stored: PoO-370 §6
 * "Fixed-Point-Overflow Exception" completes the instruction). */
static void s370_gen_cc_overflow(S370Disas *d, IrVal result, IrVal overflow)
{
    s370_gen_cc_signed(d, IR_I32, result);
    ir_movcond(d->b, IR_I32, IR_NE, d->cc, overflow, ir_i32(d->b, 0), ir_i32(d->b, 3), d->cc);
}

static void s370_gen_overflow_trap(S370Disas *d, IrVal overflow)
{
    if (s370_fixed_overflow_enabled(d))
        s370_gen_program_exception_if(d, IR_NE, overflow, ir_i32(d->b, 0), S370_PGM_FIXED_OVERFLOW);
}

/* ---- two-operand arithmetic and logic ---- */

enum {
    ALU_LOAD,
    ALU_ADD,
    ALU_SUB,
    ALU_ADD_LOGICAL,
    ALU_SUB_LOGICAL,
    ALU_AND,
    ALU_OR,
    ALU_XOR,
    ALU_CMP,
    ALU_CMP_LOGICAL,
    ALU_MUL_LOW,    /* MH, MHI, MS, MSR: low 32 bits, no CC */
    ALU_ADD_CARRY,  /* ALCR, ALC: add logical with the carry from the CC */
    ALU_SUB_BORROW, /* SLBR, SLB: subtract logical with the borrow */
};

static void lift_alu(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    IrBlock *b = d->b;
    IrVal a = d->gr[in->r1];
    IrVal v = s370_operand2(d, in, (unsigned)def->arg & SRC_MASK);
    IrVal r = ir_temp(b, IR_I32);
    switch (def->arg & 0xff) {
    case ALU_LOAD: ir_mov(b, IR_I32, d->gr[in->r1], v); return;
    case ALU_CMP: s370_gen_cc_compare(d, IR_I32, a, v, true); return;
    case ALU_CMP_LOGICAL: s370_gen_cc_compare(d, IR_I32, a, v, false); return;
    case ALU_MUL_LOW: ir_op2(b, IR_mul, IR_I32, d->gr[in->r1], a, v); return;
    case ALU_ADD:
    case ALU_SUB: {
        bool add = (def->arg & 0xff) == ALU_ADD;
        IrVal t1 = ir_temp(b, IR_I32), t2 = ir_temp(b, IR_I32), ovf = ir_temp(b, IR_I32);
        ir_op2(b, add ? IR_add : IR_sub, IR_I32, r, a, v);
        /* Signed overflow: add when a and v agree in sign and r does not;
         * subtract when a and v differ and r differs from a. */
        ir_op2(b, IR_xor, IR_I32, t1, a, r);
        ir_op2(b, IR_xor, IR_I32, t2, add ? v : a, add ? r : v);
        ir_op2(b, IR_and, IR_I32, t1, t1, t2);
        ir_setcond(b, IR_I32, IR_LT, ovf, t1, ir_i32(b, 0));
        ir_mov(b, IR_I32, d->gr[in->r1], r);
        s370_gen_cc_overflow(d, r, ovf);
        s370_gen_overflow_trap(d, ovf);
        return;
    }
    case ALU_ADD_CARRY:
    case ALU_SUB_BORROW: {
        /* The carry in is CC bit 2 (CC 2 or 3 after a logical add; for a
         * subtraction, "no borrow"); computed in 64 bits. */
        bool add = (def->arg & 0xff) == ALU_ADD_CARRY;
        IrVal x = ir_temp(b, IR_I64), y = ir_temp(b, IR_I64), cin = ir_temp(b, IR_I64);
        IrVal carry = ir_temp(b, IR_I32), nz = ir_temp(b, IR_I32);
        ir_op1(b, IR_zext, IR_I64, x, a);
        ir_op1(b, IR_zext, IR_I64, y, v);
        ir_op1(b, IR_zext, IR_I64, cin, d->cc);
        ir_op2(b, IR_shr, IR_I64, cin, cin, ir_i64(b, 1));
        if (add) {
            ir_op2(b, IR_add, IR_I64, x, x, y);
            ir_op2(b, IR_add, IR_I64, x, x, cin);
            ir_op2(b, IR_shr, IR_I64, y, x, ir_i64(b, 32));
            ir_op1(b, IR_trunc, IR_I32, carry, y);
        } else {
            ir_op2(b, IR_xor, IR_I64, cin, cin, ir_i64(b, 1)); /* borrow in */
            ir_op2(b, IR_sub, IR_I64, x, x, y);
            ir_op2(b, IR_sub, IR_I64, x, x, cin);
            ir_setcond(b, IR_I64, IR_GE, y, x, ir_i64(b, 0));
            ir_op1(b, IR_trunc, IR_I32, carry, y);
        }
        ir_op1(b, IR_trunc, IR_I32, r, x);
        ir_setcond(b, IR_I32, IR_NE, nz, r, ir_i32(b, 0));
        ir_op2(b, IR_add, IR_I32, carry, carry, carry);
        ir_op2(b, IR_or, IR_I32, d->cc, carry, nz);
        ir_mov(b, IR_I32, d->gr[in->r1], r);
        return;
    }
    case ALU_ADD_LOGICAL:
    case ALU_SUB_LOGICAL: {
        /* CC = (result != 0) + 2 * carry (PoO-370 §7 "Add Logical"); a
         * subtraction's carry is "no borrow". */
        bool add = (def->arg & 0xff) == ALU_ADD_LOGICAL;
        IrVal carry = ir_temp(b, IR_I32), nz = ir_temp(b, IR_I32);
        ir_op2(b, add ? IR_add : IR_sub, IR_I32, r, a, v);
        if (add)
            ir_setcond(b, IR_I32, IR_LTU, carry, r, a);
        else
            ir_setcond(b, IR_I32, IR_GEU, carry, a, v);
        ir_setcond(b, IR_I32, IR_NE, nz, r, ir_i32(b, 0));
        ir_op2(b, IR_add, IR_I32, carry, carry, carry);
        ir_op2(b, IR_or, IR_I32, d->cc, carry, nz);
        ir_mov(b, IR_I32, d->gr[in->r1], r);
        return;
    }
    default: {
        static const IrOpcode logic[] = {[ALU_AND] = IR_and, [ALU_OR] = IR_or, [ALU_XOR] = IR_xor};
        ir_op2(b, logic[def->arg & 0xff], IR_I32, r, a, v);
        ir_mov(b, IR_I32, d->gr[in->r1], r);
        ir_setcond(b, IR_I32, IR_NE, d->cc, r, ir_i32(b, 0));
        return;
    }
    }
}

/* ---- one-operand register forms: LTR, LCR, LPR, LNR ---- */

enum { UN_TEST, UN_COMPLEMENT, UN_POSITIVE, UN_NEGATIVE };

static void lift_unary(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    IrBlock *b = d->b;
    IrVal v = d->gr[in->r2];
    IrVal r = ir_temp(b, IR_I32), neg = ir_temp(b, IR_I32), ovf = ir_temp(b, IR_I32);
    IrVal zero = ir_i32(b, 0), min = ir_i32(b, 0x80000000u);
    switch (def->arg) {
    case UN_TEST:
        ir_mov(b, IR_I32, r, v);
        ir_mov(b, IR_I32, d->gr[in->r1], r);
        s370_gen_cc_compare(d, IR_I32, r, zero, true);
        return;
    case UN_NEGATIVE:
        ir_op1(b, IR_neg, IR_I32, neg, v);
        ir_movcond(b, IR_I32, IR_GT, r, v, zero, neg, v);
        ir_mov(b, IR_I32, d->gr[in->r1], r);
        s370_gen_cc_signed(d, IR_I32, r);
        return;
    default:
        /* Complement and positive overflow only for the maximum negative. */
        ir_op1(b, IR_neg, IR_I32, neg, v);
        if (def->arg == UN_POSITIVE)
            ir_movcond(b, IR_I32, IR_LT, r, v, zero, neg, v);
        else
            ir_mov(b, IR_I32, r, neg);
        ir_setcond(b, IR_I32, IR_EQ, ovf, v, min);
        ir_mov(b, IR_I32, d->gr[in->r1], r);
        s370_gen_cc_overflow(d, r, ovf);
        s370_gen_overflow_trap(d, ovf);
        return;
    }
}

/* ---- loads, stores, insert character, load address ---- */

static void lift_store(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    s370_gen_store(d, IR_I32, d->gr[in->r1], s370_gen_addr(d, in->x2, in->b2, in->d2),
                   (unsigned)def->arg);
}

static void lift_insert_char(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    (void)def;
    IrVal v = s370_gen_load(d, IR_I32, s370_gen_addr(d, in->x2, in->b2, in->d2), IR_MO_8);
    ir_deposit(d->b, IR_I32, d->gr[in->r1], d->gr[in->r1], v, 0, 8);
}

static void lift_load_address(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    (void)def;
    IrVal a = s370_gen_addr(d, in->x2, in->b2, in->d2);
    ir_mov(d->b, IR_I32, d->gr[in->r1], a);
}

/* LM, STM: registers r1 through r3, wrapping from 15 to 0. */
static void lift_multiple(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    IrBlock *b = d->b;
    IrVal base = s370_gen_addr(d, 0, in->b2, in->d2);
    unsigned n = ((in->r3 - in->r1) & 15) + 1;
    bool load = def->arg != 0;
    /* Load every word first: the base register may be among the targets,
     * and a fault on the last word must leave all registers unchanged. */
    IrVal vals[16];
    for (unsigned i = 0; i < n; i++) {
        IrVal a = ir_temp(b, IR_I32);
        ir_op2(b, IR_add, IR_I32, a, base, ir_i32(b, 4 * i));
        a = s370_gen_wrap(d, a);
        if (load)
            vals[i] = s370_gen_load(d, IR_I32, a, IR_MO_32);
        else
            s370_gen_store(d, IR_I32, d->gr[(in->r1 + i) & 15], a, IR_MO_32);
    }
    if (load)
        for (unsigned i = 0; i < n; i++)
            ir_mov(b, IR_I32, d->gr[(in->r1 + i) & 15], vals[i]);
}

/* ICM, STCM, CLM: the bytes of r1 selected by mask m3, left to right,
 * against consecutive storage bytes (PoO-370 §7 "Insert Characters under
 * Mask"). */
enum { MASK_INSERT, MASK_STORE, MASK_COMPARE };

static void lift_under_mask(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    IrBlock *b = d->b;
    unsigned mask = in->r3;
    IrVal base = s370_gen_addr(d, 0, in->b2, in->d2);
    IrVal reg = ir_temp(b, IR_I32), mem = ir_temp(b, IR_I32);
    ir_mov(b, IR_I32, reg, d->gr[in->r1]);
    ir_mov(b, IR_I32, mem, ir_i32(b, 0));
    IrVal sel = ir_temp(b, IR_I32);
    ir_mov(b, IR_I32, sel, ir_i32(b, 0));
    unsigned nbytes = 0;
    for (int i = 0; i < 4; i++) {
        if (!(mask & (8 >> i))) continue;
        IrVal a = ir_temp(b, IR_I32);
        ir_op2(b, IR_add, IR_I32, a, base, ir_i32(b, nbytes));
        a = s370_gen_wrap(d, a);
        unsigned pos = 24 - 8 * (unsigned)i;
        if (def->arg == MASK_STORE) {
            IrVal byte = ir_temp(b, IR_I32);
            ir_extract(b, IR_extract, IR_I32, byte, reg, pos, 8);
            s370_gen_store(d, IR_I32, byte, a, IR_MO_8);
        } else {
            IrVal byte = s370_gen_load(d, IR_I32, a, IR_MO_8);
            if (def->arg == MASK_INSERT) ir_deposit(b, IR_I32, reg, reg, byte, pos, 8);
            /* Concatenations of the selected bytes, for CC and compare. */
            IrVal rb = ir_temp(b, IR_I32);
            ir_extract(b, IR_extract, IR_I32, rb, reg, pos, 8);
            ir_op2(b, IR_shl, IR_I32, sel, sel, ir_i32(b, 8));
            ir_op2(b, IR_or, IR_I32, sel, sel, rb);
            ir_op2(b, IR_shl, IR_I32, mem, mem, ir_i32(b, 8));
            ir_op2(b, IR_or, IR_I32, mem, mem, byte);
        }
        nbytes++;
    }
    switch (def->arg) {
    case MASK_INSERT: {
        /* CC 0: all inserted bits zero (or mask 0); 1: first bit one;
         * 2: first bit zero, not all zero. */
        ir_mov(b, IR_I32, d->gr[in->r1], reg);
        if (!nbytes) {
            s370_gen_cc_const(d, 0);
            break;
        }
        IrVal top = ir_temp(b, IR_I32), nz = ir_temp(b, IR_I32);
        ir_op2(b, IR_shr, IR_I32, top, mem, ir_i32(b, 8 * nbytes - 1));
        ir_setcond(b, IR_I32, IR_NE, nz, mem, ir_i32(b, 0));
        ir_op2(b, IR_add, IR_I32, nz, nz, nz);
        ir_op2(b, IR_sub, IR_I32, d->cc, nz, top);
        break;
    }
    case MASK_COMPARE:
        if (!nbytes)
            s370_gen_cc_const(d, 0);
        else
            s370_gen_cc_compare(d, IR_I32, sel, mem, false);
        break;
    default: break;
    }
}

/* ---- storage-immediate: MVI, NI, OI, XI, CLI, TM ---- */

enum { SI_MOVE, SI_AND, SI_OR, SI_XOR, SI_COMPARE, SI_TEST };

static void lift_storage_immediate(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    IrBlock *b = d->b;
    IrVal a = s370_gen_addr(d, 0, in->b1, in->d1);
    IrVal imm = ir_i32(b, (uint32_t)in->imm & 0xff);
    if (def->arg == SI_MOVE) {
        s370_gen_store(d, IR_I32, imm, a, IR_MO_8);
        return;
    }
    IrVal v = s370_gen_load(d, IR_I32, a, IR_MO_8);
    IrVal r = ir_temp(b, IR_I32);
    switch (def->arg) {
    case SI_COMPARE: s370_gen_cc_compare(d, IR_I32, v, imm, false); return;
    case SI_TEST: {
        /* CC 0 selected bits all zero (or mask 0), 3 all one, 1 mixed. */
        IrVal all = ir_temp(b, IR_I32), nz = ir_temp(b, IR_I32);
        ir_op2(b, IR_and, IR_I32, r, v, imm);
        ir_setcond(b, IR_I32, IR_NE, nz, r, ir_i32(b, 0));
        ir_setcond(b, IR_I32, IR_EQ, all, r, imm);
        ir_op2(b, IR_and, IR_I32, all, all, nz); /* all ones and not a zero mask */
        ir_op2(b, IR_add, IR_I32, all, all, all);
        ir_op2(b, IR_or, IR_I32, d->cc, nz, all);
        return;
    }
    default: {
        static const IrOpcode ops[] = {[SI_AND] = IR_and, [SI_OR] = IR_or, [SI_XOR] = IR_xor};
        ir_op2(b, ops[def->arg], IR_I32, r, v, imm);
        s370_gen_store(d, IR_I32, r, a, IR_MO_8);
        ir_setcond(b, IR_I32, IR_NE, d->cc, r, ir_i32(b, 0));
        return;
    }
    }
}

/* TMLH, TMLL (ESA/390 "Test under Mask High/Low"): CC 0 zero, 1 mixed
 * with the leftmost selected bit zero, 2 mixed with it one, 3 all ones. */
static void lift_test_mask_halfword(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    IrBlock *b = d->b;
    uint32_t mask = (uint32_t)in->imm & 0xffff;
    IrVal half = ir_temp(b, IR_I32), sel = ir_temp(b, IR_I32);
    ir_extract(b, IR_extract, IR_I32, half, d->gr[in->r1], def->arg ? 0 : 16, 16);
    ir_op2(b, IR_and, IR_I32, sel, half, ir_i32(b, mask));
    if (!mask) {
        s370_gen_cc_const(d, 0);
        return;
    }
    unsigned top = 31 - (unsigned)__builtin_clz(mask);
    IrVal nz = ir_temp(b, IR_I32), all = ir_temp(b, IR_I32), lead = ir_temp(b, IR_I32);
    ir_setcond(b, IR_I32, IR_NE, nz, sel, ir_i32(b, 0));
    ir_setcond(b, IR_I32, IR_EQ, all, sel, ir_i32(b, mask));
    ir_extract(b, IR_extract, IR_I32, lead, sel, top, 1);
    /* nz + lead gives 0, 1 (mixed, lead 0), 2 (lead 1); all ones -> 3. */
    ir_op2(b, IR_add, IR_I32, nz, nz, lead);
    ir_movcond(b, IR_I32, IR_NE, d->cc, all, ir_i32(b, 0), ir_i32(b, 3), nz);
}

/* ---- multiply and divide ---- */

enum { MUL_LOGICAL = 0x1000, DIV_LOGICAL = 1 };

static void lift_multiply_pair(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    IrBlock *b = d->b;
    if (in->r1 & 1) {
        s370_gen_program_exception(d, S370_PGM_SPECIFICATION);
        return;
    }
    IrVal v = s370_operand2(d, in, (unsigned)def->arg & SRC_MASK);
    IrVal x = ir_temp(b, IR_I64), y = ir_temp(b, IR_I64), p = ir_temp(b, IR_I64);
    IrOpcode ext = (def->arg & MUL_LOGICAL) ? IR_zext : IR_sext;
    ir_op1(b, ext, IR_I64, x, d->gr[in->r1 + 1]);
    ir_op1(b, ext, IR_I64, y, v);
    ir_op2(b, IR_mul, IR_I64, p, x, y);
    ir_op1(b, IR_trunc, IR_I32, d->gr[in->r1 + 1], p);
    ir_op2(b, IR_shr, IR_I64, p, p, ir_i64(b, 32));
    ir_op1(b, IR_trunc, IR_I32, d->gr[in->r1], p);
}

/* D, DR (PoO-370 §7 "Divide"): the 64-bit dividend in the pair, quotient
 * to r1+1 and remainder to r1; a zero divisor or a quotient beyond 32
 * bits is a fixed-point-divide exception, suppressing. */
static uint64_t s370_helper_divide_fn(CPUState *c, uint64_t fields, uint64_t logical,
                                      uint64_t addr2)
{
    S370CPU *cpu = s370_cpu(c);
    unsigned r1 = S370_FIELD_R1(fields);
    /* The divisor: RX passes the address, RR its register in the r2 slot
     * with addr2 = ~0 as the marker. */
    if (r1 & 1) s370_program_exception(cpu, S370_PGM_SPECIFICATION);
    int32_t divisor = addr2 == UINT64_MAX ? (int32_t)s370_gr32(cpu, S370_FIELD_R2(fields))
                                          : (int32_t)s370_load32(cpu, addr2);
    uint64_t pair = (uint64_t)s370_gr32(cpu, r1) << 32 | s370_gr32(cpu, r1 + 1);
    if (divisor == 0) s370_program_exception(cpu, S370_PGM_FIXED_DIVIDE);
    if (logical) {
        /* DL, DLR (ESA/390): unsigned 64 by 32 bits. */
        uint64_t q = pair / (uint32_t)divisor, r = pair % (uint32_t)divisor;
        if (q > UINT32_MAX) s370_program_exception(cpu, S370_PGM_FIXED_DIVIDE);
        s370_set_gr32(cpu, r1, (uint32_t)r);
        s370_set_gr32(cpu, r1 + 1, (uint32_t)q);
        return 0;
    }
    int64_t dividend = (int64_t)pair;
    if (dividend == INT64_MIN && divisor == -1) s370_program_exception(cpu, S370_PGM_FIXED_DIVIDE);
    int64_t q = dividend / divisor, r = dividend % divisor;
    if (q > INT32_MAX || q < INT32_MIN) s370_program_exception(cpu, S370_PGM_FIXED_DIVIDE);
    s370_set_gr32(cpu, r1, (uint32_t)r);
    s370_set_gr32(cpu, r1 + 1, (uint32_t)q);
    return 0;
}
static S370_HELPER(s370_helper_divide, s370_helper_divide_fn,
                   IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_MAY_RAISE);

static void lift_divide(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    IrBlock *b = d->b;
    IrVal args[3] = {ir_i64(b, s370_fields(in)), ir_i64(b, (uint64_t)def->arg), ir_temp(b, IR_I64)};
    if (def->format == S370_FMT_RR || def->format == S370_FMT_RRE)
        ir_mov(b, IR_I64, args[2], ir_i64(b, UINT64_MAX));
    else
        ir_op1(b, IR_zext, IR_I64, args[2], s370_gen_addr(d, in->x2, in->b2, in->d2));
    ir_call(b, &s370_helper_divide, ir_temp(b, IR_I64), args);
}

/* ---- shifts (PoO-370 §7 "Shift Left Single" ...) ---- */

enum {
    SH_LEFT_LOGICAL,
    SH_RIGHT_LOGICAL,
    SH_RIGHT_ARITH,
    SH_DOUBLE = 4, /* even-odd pair */
};

static void lift_shift(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    IrBlock *b = d->b;
    bool pair = def->arg & SH_DOUBLE;
    if (pair && (in->r1 & 1)) {
        s370_gen_program_exception(d, S370_PGM_SPECIFICATION);
        return;
    }
    static const IrOpcode ops[] = {
        [SH_LEFT_LOGICAL] = IR_shl, [SH_RIGHT_LOGICAL] = IR_shr, [SH_RIGHT_ARITH] = IR_sar};
    if (!pair && !in->b2) {
        /* A constant amount (the usual form): one 32-bit shift.  Amounts
         * of 32 or more leave zeros, or copies of the sign. */
        unsigned n = in->d2 & 63;
        bool arith = (def->arg & 3) == SH_RIGHT_ARITH;
        IrVal r = d->gr[in->r1];
        if (n < 32)
            ir_op2(b, ops[def->arg & 3], IR_I32, r, r, ir_i32(b, n));
        else if (arith)
            ir_op2(b, IR_sar, IR_I32, r, r, ir_i32(b, 31));
        else
            ir_mov(b, IR_I32, r, ir_i32(b, 0));
        if (arith) s370_gen_cc_signed(d, IR_I32, r);
        return;
    }
    IrVal amount = ir_temp(b, IR_I64), amount32 = s370_gen_addr(d, 0, in->b2, in->d2);
    ir_op1(b, IR_zext, IR_I64, amount, amount32);
    ir_op2(b, IR_and, IR_I64, amount, amount, ir_i64(b, 63));
    IrVal v = ir_temp(b, IR_I64);
    if (pair) {
        IrVal lo = ir_temp(b, IR_I64);
        ir_op1(b, IR_zext, IR_I64, v, d->gr[in->r1]);
        ir_op2(b, IR_shl, IR_I64, v, v, ir_i64(b, 32));
        ir_op1(b, IR_zext, IR_I64, lo, d->gr[in->r1 + 1]);
        ir_op2(b, IR_or, IR_I64, v, v, lo);
    } else if ((def->arg & 3) == SH_RIGHT_ARITH) {
        ir_op1(b, IR_sext, IR_I64, v, d->gr[in->r1]);
    } else {
        ir_op1(b, IR_zext, IR_I64, v, d->gr[in->r1]);
    }
    ir_op2(b, ops[def->arg & 3], IR_I64, v, v, amount);
    if (pair) {
        ir_op1(b, IR_trunc, IR_I32, d->gr[in->r1 + 1], v);
        IrVal hi = ir_temp(b, IR_I64);
        ir_op2(b, IR_shr, IR_I64, hi, v, ir_i64(b, 32));
        ir_op1(b, IR_trunc, IR_I32, d->gr[in->r1], hi);
        if ((def->arg & 3) == SH_RIGHT_ARITH) s370_gen_cc_signed(d, IR_I64, v);
    } else {
        ir_op1(b, IR_trunc, IR_I32, d->gr[in->r1], v);
        if ((def->arg & 3) == SH_RIGHT_ARITH) s370_gen_cc_signed(d, IR_I32, d->gr[in->r1]);
    }
}

/* SLA, SLDA: the sign stays; overflow when a bit unlike the sign is
 * shifted out (PoO-370 §7 "Shift Left Single"). */
static uint64_t s370_helper_shift_left_arith_fn(CPUState *c, uint64_t fields, uint64_t addr1,
                                                uint64_t addr2)
{
    S370CPU *cpu = s370_cpu(c);
    unsigned r1 = S370_FIELD_R1(fields), n = (unsigned)addr2 & 63;
    bool pair = addr1 != 0;
    unsigned width = pair ? 64 : 32;
    uint64_t v =
        pair ? (uint64_t)s370_gr32(cpu, r1) << 32 | s370_gr32(cpu, r1 + 1) : s370_gr32(cpu, r1);
    uint64_t sign = (v >> (width - 1)) & 1;
    uint64_t mag_mask = (width == 64 ? ~UINT64_C(0) : 0xffffffffu) >> 1;
    bool overflow = false;
    uint64_t mag = v & mag_mask;
    for (unsigned i = 0; i < n; i++) {
        if (((mag >> (width - 2)) & 1) != sign) overflow = true;
        mag = (mag << 1) & mag_mask;
    }
    uint64_t r = sign << (width - 1) | mag;
    if (pair) {
        s370_set_gr32(cpu, r1, (uint32_t)(r >> 32));
        s370_set_gr32(cpu, r1 + 1, (uint32_t)r);
    } else {
        s370_set_gr32(cpu, r1, (uint32_t)r);
    }
    unsigned cc = overflow ? 3 : r == 0 ? 0 : sign ? 1 : 2;
    if (overflow && (cpu->psw.pgm_mask & S370_PGM_MASK_FIXED)) {
        cpu->cc = cc;
        s370_program_exception(cpu, S370_PGM_FIXED_OVERFLOW);
    }
    return cc;
}
static S370_HELPER(s370_helper_shift_left_arith, s370_helper_shift_left_arith_fn,
                   IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_MAY_RAISE);

static void lift_shift_left_arith(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    IrBlock *b = d->b;
    if (def->arg && (in->r1 & 1)) {
        s370_gen_program_exception(d, S370_PGM_SPECIFICATION);
        return;
    }
    IrVal args[3] = {ir_i64(b, s370_fields(in)), ir_i64(b, (uint64_t)def->arg), ir_temp(b, IR_I64)};
    ir_op1(b, IR_zext, IR_I64, args[2], s370_gen_addr(d, 0, in->b2, in->d2));
    IrVal ret = ir_temp(b, IR_I64);
    ir_call(b, &s370_helper_shift_left_arith, ret, args);
    ir_op1(b, IR_trunc, IR_I32, d->cc, ret);
}

#define F(k, n, fmt, archs, lift, arg)                                                             \
    {                                                                                              \
        k, n, S370_FMT_##fmt, archs, 0, lift, NULL, arg                                            \
    }

static const S370InsnDef s370_general_table[] = {
    F(0x1000, "LPR", RR, S370_IN_ALL, lift_unary, UN_POSITIVE),
    F(0x1100, "LNR", RR, S370_IN_ALL, lift_unary, UN_NEGATIVE),
    F(0x1200, "LTR", RR, S370_IN_ALL, lift_unary, UN_TEST),
    F(0x1300, "LCR", RR, S370_IN_ALL, lift_unary, UN_COMPLEMENT),
    F(0x1400, "NR", RR, S370_IN_ALL, lift_alu, ALU_AND | SRC_REG),
    F(0x1500, "CLR", RR, S370_IN_ALL, lift_alu, ALU_CMP_LOGICAL | SRC_REG),
    F(0x1600, "OR", RR, S370_IN_ALL, lift_alu, ALU_OR | SRC_REG),
    F(0x1700, "XR", RR, S370_IN_ALL, lift_alu, ALU_XOR | SRC_REG),
    F(0x1800, "LR", RR, S370_IN_ALL, lift_alu, ALU_LOAD | SRC_REG),
    F(0x1900, "CR", RR, S370_IN_ALL, lift_alu, ALU_CMP | SRC_REG),
    F(0x1a00, "AR", RR, S370_IN_ALL, lift_alu, ALU_ADD | SRC_REG),
    F(0x1b00, "SR", RR, S370_IN_ALL, lift_alu, ALU_SUB | SRC_REG),
    F(0x1c00, "MR", RR, S370_IN_ALL, lift_multiply_pair, SRC_REG),
    F(0x1d00, "DR", RR, S370_IN_ALL, lift_divide, 0),
    F(0x1e00, "ALR", RR, S370_IN_ALL, lift_alu, ALU_ADD_LOGICAL | SRC_REG),
    F(0x1f00, "SLR", RR, S370_IN_ALL, lift_alu, ALU_SUB_LOGICAL | SRC_REG),
    F(0x4000, "STH", RX, S370_IN_ALL, lift_store, IR_MO_16),
    F(0x4100, "LA", RX, S370_IN_ALL, lift_load_address, 0),
    F(0x4200, "STC", RX, S370_IN_ALL, lift_store, IR_MO_8),
    F(0x4300, "IC", RX, S370_IN_ALL, lift_insert_char, 0),
    F(0x4800, "LH", RX, S370_IN_ALL, lift_alu, ALU_LOAD | SRC_MEM16S),
    F(0x4900, "CH", RX, S370_IN_ALL, lift_alu, ALU_CMP | SRC_MEM16S),
    F(0x4a00, "AH", RX, S370_IN_ALL, lift_alu, ALU_ADD | SRC_MEM16S),
    F(0x4b00, "SH", RX, S370_IN_ALL, lift_alu, ALU_SUB | SRC_MEM16S),
    F(0x4c00, "MH", RX, S370_IN_ALL, lift_alu, ALU_MUL_LOW | SRC_MEM16S),
    F(0x5000, "ST", RX, S370_IN_ALL, lift_store, IR_MO_32),
    F(0x5400, "N", RX, S370_IN_ALL, lift_alu, ALU_AND | SRC_MEM32),
    F(0x5500, "CL", RX, S370_IN_ALL, lift_alu, ALU_CMP_LOGICAL | SRC_MEM32),
    F(0x5600, "O", RX, S370_IN_ALL, lift_alu, ALU_OR | SRC_MEM32),
    F(0x5700, "X", RX, S370_IN_ALL, lift_alu, ALU_XOR | SRC_MEM32),
    F(0x5800, "L", RX, S370_IN_ALL, lift_alu, ALU_LOAD | SRC_MEM32),
    F(0x5900, "C", RX, S370_IN_ALL, lift_alu, ALU_CMP | SRC_MEM32),
    F(0x5a00, "A", RX, S370_IN_ALL, lift_alu, ALU_ADD | SRC_MEM32),
    F(0x5b00, "S", RX, S370_IN_ALL, lift_alu, ALU_SUB | SRC_MEM32),
    F(0x5c00, "M", RX, S370_IN_ALL, lift_multiply_pair, SRC_MEM32),
    F(0x5d00, "D", RX, S370_IN_ALL, lift_divide, 0),
    F(0x5e00, "AL", RX, S370_IN_ALL, lift_alu, ALU_ADD_LOGICAL | SRC_MEM32),
    F(0x5f00, "SL", RX, S370_IN_ALL, lift_alu, ALU_SUB_LOGICAL | SRC_MEM32),
    F(0x7100, "MS", RX, S370_IN_390, lift_alu, ALU_MUL_LOW | SRC_MEM32),
    F(0x8800, "SRL", RS, S370_IN_ALL, lift_shift, SH_RIGHT_LOGICAL),
    F(0x8900, "SLL", RS, S370_IN_ALL, lift_shift, SH_LEFT_LOGICAL),
    F(0x8a00, "SRA", RS, S370_IN_ALL, lift_shift, SH_RIGHT_ARITH),
    F(0x8b00, "SLA", RS, S370_IN_ALL, lift_shift_left_arith, 0),
    F(0x8c00, "SRDL", RS, S370_IN_ALL, lift_shift, SH_RIGHT_LOGICAL | SH_DOUBLE),
    F(0x8d00, "SLDL", RS, S370_IN_ALL, lift_shift, SH_LEFT_LOGICAL | SH_DOUBLE),
    F(0x8e00, "SRDA", RS, S370_IN_ALL, lift_shift, SH_RIGHT_ARITH | SH_DOUBLE),
    F(0x8f00, "SLDA", RS, S370_IN_ALL, lift_shift_left_arith, 1),
    F(0x9000, "STM", RS, S370_IN_ALL, lift_multiple, 0),
    F(0x9100, "TM", SI, S370_IN_ALL, lift_storage_immediate, SI_TEST),
    F(0x9200, "MVI", SI, S370_IN_ALL, lift_storage_immediate, SI_MOVE),
    F(0x9400, "NI", SI, S370_IN_ALL, lift_storage_immediate, SI_AND),
    F(0x9500, "CLI", SI, S370_IN_ALL, lift_storage_immediate, SI_COMPARE),
    F(0x9600, "OI", SI, S370_IN_ALL, lift_storage_immediate, SI_OR),
    F(0x9700, "XI", SI, S370_IN_ALL, lift_storage_immediate, SI_XOR),
    F(0x9800, "LM", RS, S370_IN_ALL, lift_multiple, 1),
    F(0xa700, "TMLH", RI, S370_IN_390, lift_test_mask_halfword, 0),
    F(0xa701, "TMLL", RI, S370_IN_390, lift_test_mask_halfword, 1),
    F(0xa708, "LHI", RI, S370_IN_390, lift_alu, ALU_LOAD | SRC_IMM),
    F(0xa70a, "AHI", RI, S370_IN_390, lift_alu, ALU_ADD | SRC_IMM),
    F(0xa70c, "MHI", RI, S370_IN_390, lift_alu, ALU_MUL_LOW | SRC_IMM),
    F(0xa70e, "CHI", RI, S370_IN_390, lift_alu, ALU_CMP | SRC_IMM),
    F(0xb252, "MSR", RRE, S370_IN_390, lift_alu, ALU_MUL_LOW | SRC_REG),
    F(0xb996, "MLR", RRE, S370_IN_390, lift_multiply_pair, SRC_REG | MUL_LOGICAL),
    F(0xb997, "DLR", RRE, S370_IN_390, lift_divide, DIV_LOGICAL),
    F(0xb998, "ALCR", RRE, S370_IN_390, lift_alu, ALU_ADD_CARRY | SRC_REG),
    F(0xb999, "SLBR", RRE, S370_IN_390, lift_alu, ALU_SUB_BORROW | SRC_REG),
    F(0xbd00, "CLM", RS, S370_IN_ALL, lift_under_mask, MASK_COMPARE),
    F(0xbe00, "STCM", RS, S370_IN_ALL, lift_under_mask, MASK_STORE),
    F(0xbf00, "ICM", RS, S370_IN_ALL, lift_under_mask, MASK_INSERT),
    F(0xe396, "ML", RXE, S370_IN_390, lift_multiply_pair, SRC_MEM32 | MUL_LOGICAL),
    F(0xe397, "DL", RXE, S370_IN_390, lift_divide, DIV_LOGICAL),
    F(0xe398, "ALC", RXE, S370_IN_390, lift_alu, ALU_ADD_CARRY | SRC_MEM32),
    F(0xe399, "SLB", RXE, S370_IN_390, lift_alu, ALU_SUB_BORROW | SRC_MEM32),
};
S370_GROUP(general, s370_general_table);
