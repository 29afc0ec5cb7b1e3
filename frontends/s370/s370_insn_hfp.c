/*
 * The hexadecimal floating-point instructions (PoO-370 §9, PoO-390 §9 and
 * §18).  Loads, stores and the sign-changing loads are lifted to IR; the
 * arithmetic is a C helper per instruction around the pure functions of
 * s370_hfp.c.  The register designations are checked at translation time
 * (s370_fp_check_regs), before any operand is fetched.
 *
 * A helper fetches its storage operand first, computes, and then stores
 * the result and sets the condition code before raising the exponent
 * overflow, underflow or significance interruption the result carries:
 * those complete the operation.  Floating-point divide and square root
 * suppress it.
 */
#include "frontends/s370/s370_fp.h"
#include "frontends/s370/s370_hfp.h"
#include "frontends/s370/s370_internal.h"

/* ---- IR lifters for moves and sign changes ---- */

/* def->arg bits above the register classes. */
enum {
    HFP_LONG = 1 << 4,  /* long operands (else short) */
    HFP_MEM = 1 << 5,   /* the second operand is in storage */
    HFP_SIGN_SHIFT = 6, /* 2 bits: the sign operation of lift_hfp_sign */
};
enum { SIGN_TEST, SIGN_COMPLEMENT, SIGN_POSITIVE, SIGN_NEGATIVE };

#define HFP_SIGN(op) ((op) << HFP_SIGN_SHIFT)

/* The second operand of a load: a register or storage, as 64 bits with a
 * short operand in the high half. */
static IrVal hfp_gen_operand2(S370Disas *d, const S370Insn *in, bool is_long, bool mem)
{
    IrBlock *b = d->b;
    if (!mem) return s370_gen_fpr_load(d, in->r2);
    IrVal addr = s370_gen_addr(d, in->x2, in->b2, in->d2);
    if (is_long) return s370_gen_load(d, IR_I64, addr, IR_MO_64);
    IrVal w = s370_gen_load(d, IR_I64, addr, IR_MO_32);
    IrVal v = ir_temp(b, IR_I64);
    ir_op2(b, IR_shl, IR_I64, v, w, ir_i64(b, 32));
    return v;
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
    const uint64_t sign = UINT64_C(1) << 63;
    switch ((def->arg >> HFP_SIGN_SHIFT) & 3) {
    case SIGN_COMPLEMENT: ir_op2(b, IR_xor, IR_I64, r, v, ir_i64(b, sign)); break;
    case SIGN_POSITIVE: ir_op2(b, IR_and, IR_I64, r, v, ir_i64(b, ~sign)); break;
    case SIGN_NEGATIVE: ir_op2(b, IR_or, IR_I64, r, v, ir_i64(b, sign)); break;
    default: ir_mov(b, IR_I64, r, v); break;
    }
    /* cc = fraction != 0 ? (sign ? 1 : 2) : 0 = nonzero << !sign. */
    uint64_t frac = is_long ? UINT64_C(0x00ffffffffffffff) : UINT64_C(0x00ffffff00000000);
    IrVal f = ir_temp(b, IR_I64), nz = ir_temp(b, IR_I64), pos = ir_temp(b, IR_I64);
    ir_op2(b, IR_and, IR_I64, f, r, ir_i64(b, frac));
    ir_setcond(b, IR_I64, IR_NE, nz, f, ir_i64(b, 0));
    ir_op2(b, IR_shr, IR_I64, pos, r, ir_i64(b, 63));
    ir_op2(b, IR_xor, IR_I64, pos, pos, ir_i64(b, 1));
    ir_op2(b, IR_shl, IR_I64, nz, nz, pos);
    hfp_gen_result(d, in->r1, r, is_long);
    ir_op1(b, IR_trunc, IR_I32, d->cc, nz);
}

/* Everything else: check the registers, then the instruction's helper. */
static void lift_hfp_helper(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    if (!s370_fp_check_regs(d, in, (unsigned)def->arg)) return;
    s370_lift_helper(d, in, def);
}

/* ---- helpers ---- */

typedef enum HfpOp {
    OP_ADD,
    OP_ADD_UNNORM,
    OP_SUB,
    OP_SUB_UNNORM,
    OP_COMPARE,
    OP_MUL,
    OP_DIV,
    OP_HALVE,
    OP_ROUND,
    OP_SQRT,
} HfpOp;

typedef struct HfpDesc {
    HfpOp op;
    S370HfpFormat in, out; /* operand and result formats */
    bool mem;              /* second operand in storage */
    bool sets_cc;
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

static uint64_t hfp_exec(CPUState *cs, uint64_t fields, uint64_t addr2, const HfpDesc *desc)
{
    S370CPU *cpu = s370_cpu(cs);
    unsigned r1 = S370_FIELD_R1(fields), r2 = S370_FIELD_R2(fields);
    S370HfpVal b;
    if (desc->mem) {
        b.hi = desc->in == S370_HFP_SHORT ? s370_load32(cpu, addr2) : s370_load64(cpu, addr2);
        b.lo = 0;
    } else {
        b = hfp_reg(cpu, r2, desc->in);
    }
    S370HfpVal a = hfp_reg(cpu, r1, desc->in);
    unsigned mask = cpu->psw.pgm_mask & (S370_HFP_MASK_EXPUND | S370_HFP_MASK_SIGNIF);
    S370HfpResult r;
    switch (desc->op) {
    case OP_ADD: r = s370_hfp_add(desc->in, a, b, true, mask); break;
    case OP_ADD_UNNORM: r = s370_hfp_add(desc->in, a, b, false, mask); break;
    case OP_SUB: r = s370_hfp_add(desc->in, a, s370_hfp_negate(desc->in, b), true, mask); break;
    case OP_SUB_UNNORM:
        r = s370_hfp_add(desc->in, a, s370_hfp_negate(desc->in, b), false, mask);
        break;
    case OP_COMPARE: return s370_hfp_compare(desc->in, a, b);
    case OP_MUL: r = s370_hfp_mul(desc->in, desc->out, a, b, mask); break;
    case OP_DIV: r = s370_hfp_div(desc->in, a, b, mask); break;
    case OP_HALVE: r = s370_hfp_halve(desc->in, b, mask); break;
    case OP_ROUND: r = s370_hfp_round(desc->in, b); break;
    case OP_SQRT: r = s370_hfp_sqrt(desc->in, b); break;
    default: return 0;
    }
    if (r.pgm == S370_PGM_FLOAT_DIVIDE || r.pgm == S370_PGM_SQUARE_ROOT)
        s370_program_exception(cpu, r.pgm);
    hfp_set_reg(cpu, r1, desc->out, r.v);
    if (r.pgm) {
        if (desc->sets_cc) cpu->cc = r.cc;
        s370_program_exception(cpu, r.pgm);
    }
    return r.cc;
}

#define HFP_HELPER_FLAGS (IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_MAY_RAISE)

/* One helper per instruction: hfp_<name> with its descriptor. */
#define HFP_DEF(name, op, in, out, mem, cc)                                                        \
    static uint64_t hfp_fn_##name(CPUState *cs, uint64_t f, uint64_t a1, uint64_t a2)              \
    {                                                                                              \
        static const HfpDesc desc = {op, S370_HFP_##in, S370_HFP_##out, mem, cc};                  \
        return hfp_exec(cs, f, a2, &desc);                                                         \
    }                                                                                              \
    static S370_HELPER(hfp_##name, hfp_fn_##name, HFP_HELPER_FLAGS)

HFP_DEF(hdr, OP_HALVE, LONG, LONG, false, false);
HFP_DEF(lrdr, OP_ROUND, EXT, LONG, false, false);
HFP_DEF(mxr, OP_MUL, EXT, EXT, false, false);
HFP_DEF(mxdr, OP_MUL, LONG, EXT, false, false);
HFP_DEF(cdr, OP_COMPARE, LONG, LONG, false, true);
HFP_DEF(adr, OP_ADD, LONG, LONG, false, true);
HFP_DEF(sdr, OP_SUB, LONG, LONG, false, true);
HFP_DEF(mdr, OP_MUL, LONG, LONG, false, false);
HFP_DEF(ddr, OP_DIV, LONG, LONG, false, false);
HFP_DEF(awr, OP_ADD_UNNORM, LONG, LONG, false, true);
HFP_DEF(swr, OP_SUB_UNNORM, LONG, LONG, false, true);
HFP_DEF(her, OP_HALVE, SHORT, SHORT, false, false);
HFP_DEF(lrer, OP_ROUND, LONG, SHORT, false, false);
HFP_DEF(axr, OP_ADD, EXT, EXT, false, true);
HFP_DEF(sxr, OP_SUB, EXT, EXT, false, true);
HFP_DEF(cer, OP_COMPARE, SHORT, SHORT, false, true);
HFP_DEF(aer, OP_ADD, SHORT, SHORT, false, true);
HFP_DEF(ser, OP_SUB, SHORT, SHORT, false, true);
HFP_DEF(mer, OP_MUL, SHORT, LONG, false, false);
HFP_DEF(der, OP_DIV, SHORT, SHORT, false, false);
HFP_DEF(aur, OP_ADD_UNNORM, SHORT, SHORT, false, true);
HFP_DEF(sur, OP_SUB_UNNORM, SHORT, SHORT, false, true);
HFP_DEF(mxd, OP_MUL, LONG, EXT, true, false);
HFP_DEF(cd, OP_COMPARE, LONG, LONG, true, true);
HFP_DEF(ad, OP_ADD, LONG, LONG, true, true);
HFP_DEF(sd, OP_SUB, LONG, LONG, true, true);
HFP_DEF(md, OP_MUL, LONG, LONG, true, false);
HFP_DEF(dd, OP_DIV, LONG, LONG, true, false);
HFP_DEF(aw, OP_ADD_UNNORM, LONG, LONG, true, true);
HFP_DEF(sw, OP_SUB_UNNORM, LONG, LONG, true, true);
HFP_DEF(ce, OP_COMPARE, SHORT, SHORT, true, true);
HFP_DEF(ae, OP_ADD, SHORT, SHORT, true, true);
HFP_DEF(se, OP_SUB, SHORT, SHORT, true, true);
HFP_DEF(me, OP_MUL, SHORT, LONG, true, false);
HFP_DEF(de, OP_DIV, SHORT, SHORT, true, false);
HFP_DEF(au, OP_ADD_UNNORM, SHORT, SHORT, true, true);
HFP_DEF(su, OP_SUB_UNNORM, SHORT, SHORT, true, true);
HFP_DEF(dxr, OP_DIV, EXT, EXT, false, false);
HFP_DEF(sqdr, OP_SQRT, LONG, LONG, false, false);
HFP_DEF(sqer, OP_SQRT, SHORT, SHORT, false, false);
HFP_DEF(sqe, OP_SQRT, SHORT, SHORT, true, false);
HFP_DEF(sqd, OP_SQRT, LONG, LONG, true, false);

/* ---- the table ---- */

#define RR_FF S370_FP_REGS(S370_FP_REG, S370_FP_REG)
#define RR_PP S370_FP_REGS(S370_FP_PAIR, S370_FP_PAIR)
#define RR_FP S370_FP_REGS(S370_FP_REG, S370_FP_PAIR)
#define RR_PF S370_FP_REGS(S370_FP_PAIR, S370_FP_REG)
#define RX_F  (S370_FP_REGS(S370_FP_REG, S370_FP_NONE) | HFP_MEM)
#define RX_P  (S370_FP_REGS(S370_FP_PAIR, S370_FP_NONE) | HFP_MEM)

#define CC S370F_SETS_CC
/* A helper-based line. */
#define H(key, name, fmt, archs, flags, helper, regs)                                              \
    {                                                                                              \
        key, name, S370_FMT_##fmt, archs, flags, lift_hfp_helper, &hfp_##helper, regs              \
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
    H(0x2400, "HDR", RR, S370_IN_ALL, 0, hdr, RR_FF),
    H(0x2500, "LRDR", RR, S370_IN_ALL, 0, lrdr, RR_FP),
    H(0x2600, "MXR", RR, S370_IN_ALL, 0, mxr, RR_PP),
    H(0x2700, "MXDR", RR, S370_IN_ALL, 0, mxdr, RR_PF),
    L(0x2800, "LDR", RR, lift_hfp_load, RR_FF | HFP_LONG),
    H(0x2900, "CDR", RR, S370_IN_ALL, CC, cdr, RR_FF),
    H(0x2a00, "ADR", RR, S370_IN_ALL, CC, adr, RR_FF),
    H(0x2b00, "SDR", RR, S370_IN_ALL, CC, sdr, RR_FF),
    H(0x2c00, "MDR", RR, S370_IN_ALL, 0, mdr, RR_FF),
    H(0x2d00, "DDR", RR, S370_IN_ALL, 0, ddr, RR_FF),
    H(0x2e00, "AWR", RR, S370_IN_ALL, CC, awr, RR_FF),
    H(0x2f00, "SWR", RR, S370_IN_ALL, CC, swr, RR_FF),
    L(0x3000, "LPER", RR, lift_hfp_sign, RR_FF | HFP_SIGN(SIGN_POSITIVE)),
    L(0x3100, "LNER", RR, lift_hfp_sign, RR_FF | HFP_SIGN(SIGN_NEGATIVE)),
    L(0x3200, "LTER", RR, lift_hfp_sign, RR_FF | HFP_SIGN(SIGN_TEST)),
    L(0x3300, "LCER", RR, lift_hfp_sign, RR_FF | HFP_SIGN(SIGN_COMPLEMENT)),
    H(0x3400, "HER", RR, S370_IN_ALL, 0, her, RR_FF),
    H(0x3500, "LRER", RR, S370_IN_ALL, 0, lrer, RR_FF),
    H(0x3600, "AXR", RR, S370_IN_ALL, CC, axr, RR_PP),
    H(0x3700, "SXR", RR, S370_IN_ALL, CC, sxr, RR_PP),
    L(0x3800, "LER", RR, lift_hfp_load, RR_FF),
    H(0x3900, "CER", RR, S370_IN_ALL, CC, cer, RR_FF),
    H(0x3a00, "AER", RR, S370_IN_ALL, CC, aer, RR_FF),
    H(0x3b00, "SER", RR, S370_IN_ALL, CC, ser, RR_FF),
    H(0x3c00, "MER", RR, S370_IN_ALL, 0, mer, RR_FF),
    H(0x3d00, "DER", RR, S370_IN_ALL, 0, der, RR_FF),
    H(0x3e00, "AUR", RR, S370_IN_ALL, CC, aur, RR_FF),
    H(0x3f00, "SUR", RR, S370_IN_ALL, CC, sur, RR_FF),
    L(0x6000, "STD", RX, lift_hfp_store, RX_F | HFP_LONG),
    H(0x6700, "MXD", RX, S370_IN_ALL, 0, mxd, RX_P),
    L(0x6800, "LD", RX, lift_hfp_load, RX_F | HFP_LONG),
    H(0x6900, "CD", RX, S370_IN_ALL, CC, cd, RX_F),
    H(0x6a00, "AD", RX, S370_IN_ALL, CC, ad, RX_F),
    H(0x6b00, "SD", RX, S370_IN_ALL, CC, sd, RX_F),
    H(0x6c00, "MD", RX, S370_IN_ALL, 0, md, RX_F),
    H(0x6d00, "DD", RX, S370_IN_ALL, 0, dd, RX_F),
    H(0x6e00, "AW", RX, S370_IN_ALL, CC, aw, RX_F),
    H(0x6f00, "SW", RX, S370_IN_ALL, CC, sw, RX_F),
    L(0x7000, "STE", RX, lift_hfp_store, RX_F),
    L(0x7800, "LE", RX, lift_hfp_load, RX_F),
    H(0x7900, "CE", RX, S370_IN_ALL, CC, ce, RX_F),
    H(0x7a00, "AE", RX, S370_IN_ALL, CC, ae, RX_F),
    H(0x7b00, "SE", RX, S370_IN_ALL, CC, se, RX_F),
    H(0x7c00, "ME", RX, S370_IN_ALL, 0, me, RX_F),
    H(0x7d00, "DE", RX, S370_IN_ALL, 0, de, RX_F),
    H(0x7e00, "AU", RX, S370_IN_ALL, CC, au, RX_F),
    H(0x7f00, "SU", RX, S370_IN_ALL, CC, su, RX_F),
    /* ESA/390 additions (PoO-390 §9). */
    H(0xb22d, "DXR", RRE, S370_IN_390, 0, dxr, RR_PP),
    H(0xb244, "SQDR", RRE, S370_IN_390, 0, sqdr, RR_FF),
    H(0xb245, "SQER", RRE, S370_IN_390, 0, sqer, RR_FF),
    H(0xed34, "SQE", RXE, S370_IN_390, 0, sqe, RX_F),
    H(0xed35, "SQD", RXE, S370_IN_390, 0, sqd, RX_F),
};

S370_GROUP(hfp, s370_hfp_table);
