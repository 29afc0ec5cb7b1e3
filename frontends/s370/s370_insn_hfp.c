/*
 * The hexadecimal floating-point instructions (PoO-370 §9, PoO-390 §9 and
 * §18).  Loads, stores and the sign-changing loads are lifted to IR.  The
 * short and long arithmetic is IR around a helper per operation and
 * format that takes the operand values (a storage operand loaded by IR, so
 * through the inline TLB in compiled code) and returns the result, which
 * the IR stores and derives the condition code from.  The helper's inline
 * fast path (s370_hfp.h) covers the ordinary cases and the general
 * functions of s370_hfp.c the rest.  The extended operations are helpers
 * that fetch and store their register pairs and storage operand
 * themselves.  The register designations are checked at translation time
 * (s370_fp_check_regs), before any operand is fetched.
 *
 * A helper that recognizes exponent overflow, underflow or significance
 * stores the result and sets the condition code before raising the
 * interruption: those complete the operation.  Floating-point divide and
 * square root suppress it.
 */
#include "frontends/s370/s370_fp.h"
#include "frontends/s370/s370_hfp.h"
#include "frontends/s370/s370_internal.h"

/* ---- helpers ---- */

typedef enum HfpOp {
    OP_ADD, /* the add family first: they set the CC */
    OP_ADD_UNNORM,
    OP_SUB,
    OP_SUB_UNNORM,
    OP_MUL,
    OP_DIV,
    OP_HALVE,
    OP_ROUND,
    OP_SQRT,
} HfpOp;

typedef struct HfpDesc {
    HfpOp op;
    S370HfpFormat in, out; /* operand and result formats */
    bool mem;              /* hfp_exec: the second operand is in storage */
} HfpDesc;

static S370HfpVal hfp_reg(const S370CPU *cpu, unsigned r, S370HfpFormat fmt)
{
    S370HfpVal v = {cpu->fpr[r & 15], 0};
    if (fmt == S370_HFP_SHORT)
        v.hi >>= 32;
    else if (fmt == S370_HFP_EXT)
        v.lo = cpu->fpr[(r + 2) & 15];
    return v;
}

static void hfp_set_reg(S370CPU *cpu, unsigned r, S370HfpFormat fmt, S370HfpVal v)
{
    switch (fmt) {
    case S370_HFP_SHORT:
        cpu->fpr[r & 15] = (cpu->fpr[r & 15] & UINT64_C(0xffffffff)) | v.hi << 32;
        break;
    case S370_HFP_LONG: cpu->fpr[r & 15] = v.hi; break;
    case S370_HFP_EXT:
        cpu->fpr[r & 15] = v.hi;
        cpu->fpr[(r + 2) & 15] = v.lo;
        break;
    }
}

/* The general path: the operation on operands of format desc->in. */
static S370HfpResult hfp_general(const HfpDesc *desc, S370HfpVal a, S370HfpVal b, unsigned mask)
{
    S370HfpFormat f = desc->in;
    switch (desc->op) {
    case OP_ADD: return s370_hfp_add(f, a, b, true, mask);
    case OP_ADD_UNNORM: return s370_hfp_add(f, a, b, false, mask);
    case OP_SUB: return s370_hfp_add(f, a, s370_hfp_negate(f, b), true, mask);
    case OP_SUB_UNNORM: return s370_hfp_add(f, a, s370_hfp_negate(f, b), false, mask);
    case OP_MUL: return s370_hfp_mul(f, desc->out, a, b, mask);
    case OP_DIV: return s370_hfp_div(f, a, b, mask);
    case OP_HALVE: return s370_hfp_halve(f, b, mask);
    case OP_ROUND: return s370_hfp_round(f, b);
    default: return s370_hfp_sqrt(f, b);
    }
}

/* Raise the interruption r carries, if any: a suppressing one at once,
 * a completing one after storing the result in r1 and, for the add
 * family, the condition code. */
static void hfp_interrupt(S370CPU *cpu, const HfpDesc *desc, unsigned r1, S370HfpResult r)
{
    if (!r.pgm) return;
    if (r.pgm == S370_PGM_FLOAT_DIVIDE || r.pgm == S370_PGM_SQUARE_ROOT)
        s370_program_exception(cpu, r.pgm);
    hfp_set_reg(cpu, r1, desc->out, r.v);
    if (desc->op <= OP_SUB_UNNORM) cpu->cc = r.cc;
    s370_program_exception(cpu, r.pgm);
}

static unsigned hfp_mask(const S370CPU *cpu)
{
    return cpu->psw.pgm_mask & (S370_HFP_MASK_EXPUND | S370_HFP_MASK_SIGNIF);
}

/* -- short and long operations on values: uint64_t fn(cpu, fields, a, b) --
 * a and b are FPR images (a short number in the high half), a the first
 * operand (unused by the unary operations), b the second; the helper
 * returns the image of the result (a short one in the high half) or, for
 * COMPARE, the condition code.  The IR stores the result and derives the
 * condition code from it. */

static S370HfpVal hfp_val(S370HfpFormat fmt, uint64_t image)
{
    S370HfpVal v = {fmt == S370_HFP_SHORT ? image >> 32 : image, 0};
    return v;
}

/* What the fast path declines: the general function, and the
 * interruption if it recognizes one. */
static uint64_t hfp_value_general(S370CPU *cpu, unsigned r1, uint64_t a, uint64_t b,
                                  const HfpDesc *desc)
{
    S370HfpResult r = hfp_general(desc, hfp_val(desc->in, a), hfp_val(desc->in, b), hfp_mask(cpu));
    hfp_interrupt(cpu, desc, r1, r);
    return desc->out == S370_HFP_SHORT ? r.v.hi << 32 : r.v.hi;
}

/* hfp_<name>: operation op from format in to out, whose fast path is the
 * expression fast of fmt (= in), a, b and &r, true when it gives r (false:
 * no fast path).
 * Only the general path reads the program mask, and it writes the cpu
 * only before raising: READS_STATE and MAY_RAISE, not WRITES_STATE. */
#define HFP_VALUE(name, op, in, out, fast)                                                         \
    static uint64_t hfp_fn_##name(CPUState *cs, uint64_t f, uint64_t a, uint64_t b)                \
    {                                                                                              \
        static const HfpDesc desc = {op, S370_HFP_##in, S370_HFP_##out, false};                    \
        const S370HfpFormat fmt = S370_HFP_##in;                                                   \
        uint64_t r = 0;                                                                            \
        (void)fmt; /* without a fast path */                                                       \
        if (fast) return r;                                                                        \
        return hfp_value_general(s370_cpu(cs), S370_FIELD_R1(f), a, b, &desc);                     \
    }                                                                                              \
    static S370_HELPER(hfp_##name, hfp_fn_##name, IR_CALL_READS_STATE | IR_CALL_MAY_RAISE)

/* COMPARE: the fast path is total and nothing is raised. */
#define HFP_COMPARE(name, fmt)                                                                     \
    static uint64_t hfp_fn_##name(CPUState *cs, uint64_t f, uint64_t a, uint64_t b)                \
    {                                                                                              \
        return s370_hfp_compare_fast(fmt, a, b);                                                   \
    }                                                                                              \
    static S370_HELPER(hfp_##name, hfp_fn_##name, IR_CALL_PURE)

#define NEG(v) ((v) ^ S370_HFP_SIGN)

HFP_VALUE(add_s, OP_ADD, SHORT, SHORT, s370_hfp_add_fast(fmt, a, b, true, &r));
HFP_VALUE(add_l, OP_ADD, LONG, LONG, s370_hfp_add_fast(fmt, a, b, true, &r));
HFP_VALUE(addu_s, OP_ADD_UNNORM, SHORT, SHORT, s370_hfp_add_fast(fmt, a, b, false, &r));
HFP_VALUE(addu_l, OP_ADD_UNNORM, LONG, LONG, s370_hfp_add_fast(fmt, a, b, false, &r));
HFP_VALUE(sub_s, OP_SUB, SHORT, SHORT, s370_hfp_add_fast(fmt, a, NEG(b), true, &r));
HFP_VALUE(sub_l, OP_SUB, LONG, LONG, s370_hfp_add_fast(fmt, a, NEG(b), true, &r));
HFP_VALUE(subu_s, OP_SUB_UNNORM, SHORT, SHORT, s370_hfp_add_fast(fmt, a, NEG(b), false, &r));
HFP_VALUE(subu_l, OP_SUB_UNNORM, LONG, LONG, s370_hfp_add_fast(fmt, a, NEG(b), false, &r));
HFP_VALUE(mul_s, OP_MUL, SHORT, LONG, s370_hfp_mul_fast(fmt, a, b, &r));
HFP_VALUE(mul_l, OP_MUL, LONG, LONG, s370_hfp_mul_fast(fmt, a, b, &r));
HFP_VALUE(div_s, OP_DIV, SHORT, SHORT, s370_hfp_div_fast(fmt, a, b, &r));
HFP_VALUE(div_l, OP_DIV, LONG, LONG, s370_hfp_div_fast(fmt, a, b, &r));
HFP_VALUE(halve_s, OP_HALVE, SHORT, SHORT, s370_hfp_halve_fast(fmt, b, &r));
HFP_VALUE(halve_l, OP_HALVE, LONG, LONG, s370_hfp_halve_fast(fmt, b, &r));
HFP_VALUE(round_l, OP_ROUND, LONG, SHORT, false);
HFP_VALUE(sqrt_s, OP_SQRT, SHORT, SHORT, false);
HFP_VALUE(sqrt_l, OP_SQRT, LONG, LONG, false);
HFP_COMPARE(comp_s, S370_HFP_SHORT);
HFP_COMPARE(comp_l, S370_HFP_LONG);

/* -- extended operations: the s370_lift_helper shape -- */

static uint64_t hfp_exec(CPUState *cs, uint64_t fields, uint64_t addr2, const HfpDesc *desc)
{
    S370CPU *cpu = s370_cpu(cs);
    unsigned r1 = S370_FIELD_R1(fields);
    S370HfpVal b = {0, 0};
    if (desc->mem)
        b.hi = s370_load64(cpu, addr2); /* MXD: a long operand */
    else
        b = hfp_reg(cpu, S370_FIELD_R2(fields), desc->in);
    S370HfpVal a = hfp_reg(cpu, r1, desc->in);
    S370HfpResult r = hfp_general(desc, a, b, hfp_mask(cpu));
    hfp_interrupt(cpu, desc, r1, r);
    hfp_set_reg(cpu, r1, desc->out, r.v);
    return r.cc;
}

#define HFP_EXEC(name, op, in, out, mem)                                                           \
    static uint64_t hfp_fn_##name(CPUState *cs, uint64_t f, uint64_t a1, uint64_t a2)              \
    {                                                                                              \
        static const HfpDesc desc = {op, S370_HFP_##in, S370_HFP_##out, mem};                      \
        return hfp_exec(cs, f, a2, &desc);                                                         \
    }                                                                                              \
    static S370_HELPER(hfp_##name, hfp_fn_##name,                                                  \
                       IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_MAY_RAISE)

HFP_EXEC(lrdr, OP_ROUND, EXT, LONG, false);
HFP_EXEC(mxr, OP_MUL, EXT, EXT, false);
HFP_EXEC(mxdr, OP_MUL, LONG, EXT, false);
HFP_EXEC(mxd, OP_MUL, LONG, EXT, true);
HFP_EXEC(axr, OP_ADD, EXT, EXT, false);
HFP_EXEC(sxr, OP_SUB, EXT, EXT, false);
HFP_EXEC(dxr, OP_DIV, EXT, EXT, false);

/* ---- IR lifters ---- */

/* def->arg bits above the register classes. */
enum {
    HFP_LONG = 1 << 4,  /* long operands (else short) */
    HFP_MEM = 1 << 5,   /* the second operand is in storage */
    HFP_SIGN_SHIFT = 6, /* 2 bits: the sign operation of lift_hfp_sign */
    HFP_UNARY = 1 << 8, /* lift_hfp_value: the first operand is not an input */
    HFP_RES_SHIFT = 9,  /* 2 bits: what lift_hfp_value's helper returns */
};
enum { SIGN_TEST, SIGN_COMPLEMENT, SIGN_POSITIVE, SIGN_NEGATIVE };
enum { RES_SHORT, RES_LONG, RES_CC }; /* a result of that format, or the CC */

#define HFP_SIGN(op) ((op) << HFP_SIGN_SHIFT)
#define HFP_RES(k)   ((k) << HFP_RES_SHIFT)

/* A storage operand of 4 or 8 bytes at addr, as 64 bits with a short one
 * in the high half.  One that runs past the end of the address space
 * wraps to 0 in the soft TLB's page-crossing path (cpu->vaddr_mask). */
static IrVal hfp_gen_load(S370Disas *d, IrVal addr, bool is_long)
{
    IrVal v = s370_gen_load(d, IR_I64, addr, is_long ? IR_MO_64 : IR_MO_32);
    if (!is_long) ir_op2(d->b, IR_shl, IR_I64, v, v, ir_i64(d->b, 32));
    return v;
}

/* The second operand: a register or storage, as 64 bits with a short
 * operand in the high half. */
static IrVal hfp_gen_operand2(S370Disas *d, const S370Insn *in, bool is_long, bool mem)
{
    if (!mem) return s370_gen_fpr_load(d, in->r2);
    return hfp_gen_load(d, s370_gen_addr(d, in->x2, in->b2, in->d2), is_long);
}

/* Place v (64 bits, a short value in its high half) in FPR r1: a short
 * result leaves the low half of the register unchanged (PoO-370 §9). */
static void hfp_gen_result(S370Disas *d, unsigned r1, IrVal v, bool is_long)
{
    if (is_long) {
        s370_gen_fpr_store(d, r1, v);
        return;
    }
    IrBlock *b = d->b;
    IrVal old = s370_gen_fpr_load(d, r1), hi = ir_temp(b, IR_I64), nv = ir_temp(b, IR_I64);
    ir_op2(b, IR_shr, IR_I64, hi, v, ir_i64(b, 32));
    ir_deposit(b, IR_I64, nv, old, hi, 32, 32);
    s370_gen_fpr_store(d, r1, nv);
}

/* The condition code of a result v (64 bits, a short one in the high
 * half): 0 for a zero fraction, else 1 for minus, 2 for plus (PoO-370 §9
 * "Resulting Condition Code"), as nonzero << !sign. */
static void hfp_gen_cc(S370Disas *d, IrVal v, bool is_long)
{
    IrBlock *b = d->b;
    IrVal f = ir_temp(b, IR_I64), nz = ir_temp(b, IR_I64), pos = ir_temp(b, IR_I64);
    ir_op2(b, IR_and, IR_I64, f, v,
           ir_i64(b, s370_hfp_fraction_mask(is_long ? S370_HFP_LONG : S370_HFP_SHORT)));
    ir_setcond(b, IR_I64, IR_NE, nz, f, ir_i64(b, 0));
    ir_op2(b, IR_shr, IR_I64, pos, v, ir_i64(b, 63));
    ir_op2(b, IR_xor, IR_I64, pos, pos, ir_i64(b, 1));
    ir_op2(b, IR_shl, IR_I64, nz, nz, pos);
    ir_op1(b, IR_trunc, IR_I32, d->cc, nz);
}

/* LER, LDR, LE, LD. */
static void lift_hfp_load(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    if (!s370_fp_check_regs(d, in, (unsigned)def->arg)) return;
    bool is_long = def->arg & HFP_LONG;
    IrVal v = hfp_gen_operand2(d, in, is_long, def->arg & HFP_MEM);
    hfp_gen_result(d, in->r1, v, is_long);
}

/* STE, STD. */
static void lift_hfp_store(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    if (!s370_fp_check_regs(d, in, (unsigned)def->arg)) return;
    IrBlock *b = d->b;
    IrVal addr = s370_gen_addr(d, in->x2, in->b2, in->d2);
    IrVal v = s370_gen_fpr_load(d, in->r1);
    if (def->arg & HFP_LONG) {
        s370_gen_store(d, IR_I64, v, addr, IR_MO_64);
    } else {
        IrVal hi = ir_temp(b, IR_I64);
        ir_op2(b, IR_shr, IR_I64, hi, v, ir_i64(b, 32));
        s370_gen_store(d, IR_I64, hi, addr, IR_MO_32);
    }
}

/* LTER/LTDR, LCER/LCDR, LPER/LPDR, LNER/LNDR (PoO-370 §9): the sign bit
 * is changed even for a zero fraction; the CC reflects the fraction and
 * the new sign. */
static void lift_hfp_sign(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    if (!s370_fp_check_regs(d, in, (unsigned)def->arg)) return;
    IrBlock *b = d->b;
    bool is_long = def->arg & HFP_LONG;
    IrVal v = hfp_gen_operand2(d, in, is_long, false);
    IrVal r = ir_temp(b, IR_I64);
    switch ((def->arg >> HFP_SIGN_SHIFT) & 3) {
    case SIGN_COMPLEMENT: ir_op2(b, IR_xor, IR_I64, r, v, ir_i64(b, S370_HFP_SIGN)); break;
    case SIGN_POSITIVE: ir_op2(b, IR_and, IR_I64, r, v, ir_i64(b, ~S370_HFP_SIGN)); break;
    case SIGN_NEGATIVE: ir_op2(b, IR_or, IR_I64, r, v, ir_i64(b, S370_HFP_SIGN)); break;
    default: ir_mov(b, IR_I64, r, v); break;
    }
    hfp_gen_result(d, in->r1, r, is_long);
    hfp_gen_cc(d, r, is_long);
}

/* The short and long arithmetic: the operands to the helper (the
 * storage operand fetched first), its result to r1 and the CC.  The helper
 * raises before the IR stores anything. */
static void lift_hfp_value(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    unsigned arg = (unsigned)def->arg;
    if (!s370_fp_check_regs(d, in, arg)) return;
    IrBlock *b = d->b;
    IrVal args[3] = {ir_i64(b, s370_fields(in)), ir_i64(b, 0),
                     hfp_gen_operand2(d, in, arg & HFP_LONG, arg & HFP_MEM)};
    if (!(arg & HFP_UNARY)) args[1] = s370_gen_fpr_load(d, in->r1);
    IrVal r = ir_temp(b, IR_I64);
    ir_call(b, def->helper, r, args);
    unsigned res = (arg >> HFP_RES_SHIFT) & 3;
    if (res == RES_CC) {
        ir_op1(b, IR_trunc, IR_I32, d->cc, r);
        return;
    }
    hfp_gen_result(d, in->r1, r, res == RES_LONG);
    if (def->flags & S370F_SETS_CC) hfp_gen_cc(d, r, res == RES_LONG);
}

/* The extended operations: check the registers, then the helper. */
static void lift_hfp_helper(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    if (!s370_fp_check_regs(d, in, (unsigned)def->arg)) return;
    s370_lift_helper(d, in, def);
}

/* ---- the table ---- */

#define RR_FF S370_FP_REGS(S370_FP_REG, S370_FP_REG)
#define RR_PP S370_FP_REGS(S370_FP_PAIR, S370_FP_PAIR)
#define RR_FP S370_FP_REGS(S370_FP_REG, S370_FP_PAIR)
#define RR_PF S370_FP_REGS(S370_FP_PAIR, S370_FP_REG)
#define RX_F  (S370_FP_REGS(S370_FP_REG, S370_FP_NONE) | HFP_MEM)
#define RX_P  (S370_FP_REGS(S370_FP_PAIR, S370_FP_NONE) | HFP_MEM)

/* What lift_hfp_value's operands and helper result are: short or long
 * (D) operands and result, short operands with a long product (SD), a
 * long operand rounded to short (DS), or a comparison (C*). */
#define V_S  HFP_RES(RES_SHORT)
#define V_D  (HFP_LONG | HFP_RES(RES_LONG))
#define V_SD HFP_RES(RES_LONG)
#define V_DS (HFP_LONG | HFP_RES(RES_SHORT))
#define V_CS HFP_RES(RES_CC)
#define V_CD (HFP_LONG | HFP_RES(RES_CC))
#define UN   HFP_UNARY

#define CC S370F_SETS_CC
/* An extended operation. */
#define H(key, name, fmt, archs, flags, helper, regs)                                              \
    {                                                                                              \
        key, name, S370_FMT_##fmt, archs, flags, lift_hfp_helper, &hfp_##helper, regs              \
    }
/* Short and long arithmetic. */
#define V(key, name, fmt, archs, flags, helper, arg)                                               \
    {                                                                                              \
        key, name, S370_FMT_##fmt, archs, flags, lift_hfp_value, &hfp_##helper, arg                \
    }
/* An IR-lifted line. */
#define L(key, name, fmt, lifter, arg)                                                             \
    {                                                                                              \
        key, name, S370_FMT_##fmt, S370_IN_ALL, 0, lifter, NULL, arg                               \
    }

static const S370InsnDef s370_hfp_table[] = {
    L(0x2000, "LPDR", RR, lift_hfp_sign, RR_FF | HFP_LONG | HFP_SIGN(SIGN_POSITIVE)),
    L(0x2100, "LNDR", RR, lift_hfp_sign, RR_FF | HFP_LONG | HFP_SIGN(SIGN_NEGATIVE)),
    L(0x2200, "LTDR", RR, lift_hfp_sign, RR_FF | HFP_LONG | HFP_SIGN(SIGN_TEST)),
    L(0x2300, "LCDR", RR, lift_hfp_sign, RR_FF | HFP_LONG | HFP_SIGN(SIGN_COMPLEMENT)),
    V(0x2400, "HDR", RR, S370_IN_ALL, 0, halve_l, RR_FF | V_D | UN),
    H(0x2500, "LRDR", RR, S370_IN_ALL, 0, lrdr, RR_FP),
    H(0x2600, "MXR", RR, S370_IN_ALL, 0, mxr, RR_PP),
    H(0x2700, "MXDR", RR, S370_IN_ALL, 0, mxdr, RR_PF),
    L(0x2800, "LDR", RR, lift_hfp_load, RR_FF | HFP_LONG),
    V(0x2900, "CDR", RR, S370_IN_ALL, CC, comp_l, RR_FF | V_CD),
    V(0x2a00, "ADR", RR, S370_IN_ALL, CC, add_l, RR_FF | V_D),
    V(0x2b00, "SDR", RR, S370_IN_ALL, CC, sub_l, RR_FF | V_D),
    V(0x2c00, "MDR", RR, S370_IN_ALL, 0, mul_l, RR_FF | V_D),
    V(0x2d00, "DDR", RR, S370_IN_ALL, 0, div_l, RR_FF | V_D),
    V(0x2e00, "AWR", RR, S370_IN_ALL, CC, addu_l, RR_FF | V_D),
    V(0x2f00, "SWR", RR, S370_IN_ALL, CC, subu_l, RR_FF | V_D),
    L(0x3000, "LPER", RR, lift_hfp_sign, RR_FF | HFP_SIGN(SIGN_POSITIVE)),
    L(0x3100, "LNER", RR, lift_hfp_sign, RR_FF | HFP_SIGN(SIGN_NEGATIVE)),
    L(0x3200, "LTER", RR, lift_hfp_sign, RR_FF | HFP_SIGN(SIGN_TEST)),
    L(0x3300, "LCER", RR, lift_hfp_sign, RR_FF | HFP_SIGN(SIGN_COMPLEMENT)),
    V(0x3400, "HER", RR, S370_IN_ALL, 0, halve_s, RR_FF | V_S | UN),
    V(0x3500, "LRER", RR, S370_IN_ALL, 0, round_l, RR_FF | V_DS | UN),
    H(0x3600, "AXR", RR, S370_IN_ALL, CC, axr, RR_PP),
    H(0x3700, "SXR", RR, S370_IN_ALL, CC, sxr, RR_PP),
    L(0x3800, "LER", RR, lift_hfp_load, RR_FF),
    V(0x3900, "CER", RR, S370_IN_ALL, CC, comp_s, RR_FF | V_CS),
    V(0x3a00, "AER", RR, S370_IN_ALL, CC, add_s, RR_FF | V_S),
    V(0x3b00, "SER", RR, S370_IN_ALL, CC, sub_s, RR_FF | V_S),
    V(0x3c00, "MER", RR, S370_IN_ALL, 0, mul_s, RR_FF | V_SD),
    V(0x3d00, "DER", RR, S370_IN_ALL, 0, div_s, RR_FF | V_S),
    V(0x3e00, "AUR", RR, S370_IN_ALL, CC, addu_s, RR_FF | V_S),
    V(0x3f00, "SUR", RR, S370_IN_ALL, CC, subu_s, RR_FF | V_S),
    L(0x6000, "STD", RX, lift_hfp_store, RX_F | HFP_LONG),
    H(0x6700, "MXD", RX, S370_IN_ALL, 0, mxd, RX_P),
    L(0x6800, "LD", RX, lift_hfp_load, RX_F | HFP_LONG),
    V(0x6900, "CD", RX, S370_IN_ALL, CC, comp_l, RX_F | V_CD),
    V(0x6a00, "AD", RX, S370_IN_ALL, CC, add_l, RX_F | V_D),
    V(0x6b00, "SD", RX, S370_IN_ALL, CC, sub_l, RX_F | V_D),
    V(0x6c00, "MD", RX, S370_IN_ALL, 0, mul_l, RX_F | V_D),
    V(0x6d00, "DD", RX, S370_IN_ALL, 0, div_l, RX_F | V_D),
    V(0x6e00, "AW", RX, S370_IN_ALL, CC, addu_l, RX_F | V_D),
    V(0x6f00, "SW", RX, S370_IN_ALL, CC, subu_l, RX_F | V_D),
    L(0x7000, "STE", RX, lift_hfp_store, RX_F),
    L(0x7800, "LE", RX, lift_hfp_load, RX_F),
    V(0x7900, "CE", RX, S370_IN_ALL, CC, comp_s, RX_F | V_CS),
    V(0x7a00, "AE", RX, S370_IN_ALL, CC, add_s, RX_F | V_S),
    V(0x7b00, "SE", RX, S370_IN_ALL, CC, sub_s, RX_F | V_S),
    V(0x7c00, "ME", RX, S370_IN_ALL, 0, mul_s, RX_F | V_SD),
    V(0x7d00, "DE", RX, S370_IN_ALL, 0, div_s, RX_F | V_S),
    V(0x7e00, "AU", RX, S370_IN_ALL, CC, addu_s, RX_F | V_S),
    V(0x7f00, "SU", RX, S370_IN_ALL, CC, subu_s, RX_F | V_S),
    /* ESA/390 additions (PoO-390 §9). */
    H(0xb22d, "DXR", RRE, S370_IN_390, 0, dxr, RR_PP),
    V(0xb244, "SQDR", RRE, S370_IN_390, 0, sqrt_l, RR_FF | V_D | UN),
    V(0xb245, "SQER", RRE, S370_IN_390, 0, sqrt_s, RR_FF | V_S | UN),
    V(0xed34, "SQE", RXE, S370_IN_390, 0, sqrt_s, RX_F | V_S | UN),
    V(0xed35, "SQD", RXE, S370_IN_390, 0, sqrt_l, RX_F | V_D | UN),
};

S370_GROUP(hfp, s370_hfp_table);
