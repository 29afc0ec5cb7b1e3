/*
 * The ESA/390 binary floating-point instructions (PoO-390 §19) that C
 * compilers emit for float, double and long double, the floating-point-
 * support instructions for the FPC register and LOAD ZERO, and what both
 * floating-point groups share (register checks, data exceptions).
 *
 * Each arithmetic instruction is a C helper around s370_bfp.c; the helper
 * applies the FPC (§19 "IEEE Exceptions"): an invalid operation or
 * division by zero whose mask is on suppresses the instruction; a trapped
 * overflow or underflow stores the scaled result, and a trapped inexact
 * the rounded one, before the data exception; exceptions whose mask is off
 * set their flags.  The DXC is stored by s370_data_exception.
 */
#include "frontends/s370/s370_bfp.h"
#include "frontends/s370/s370_fp.h"
#include "frontends/s370/s370_internal.h"

/* ---- shared with the HFP group ---- */

static uint64_t s370_fp_data_exception_fn(CPUState *cs, uint64_t dxc)
{
    s370_fp_data_exception(s370_cpu(cs), (uint8_t)dxc);
}

static const IrHelper s370_fp_data_exception_helper = {
    .name = "s370_fp_data_exception",
    .fn = (void (*)(void))s370_fp_data_exception_fn,
    .flags = IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_MAY_RAISE | IR_CALL_NORETURN,
    .ret = IR_VOID,
    .nargs = 1,
    .args = {IR_I32},
};

_Noreturn void s370_fp_data_exception(S370CPU *cpu, uint8_t dxc)
{
    s370_data_exception(cpu, dxc);
}

void s370_gen_fp_data_exception(S370Disas *d, uint8_t dxc)
{
    IrVal arg = ir_i32(d->b, dxc);
    ir_mov(d->b, IR_I64, d->pc_global, ir_i64(d->b, d->pc));
    ir_call(d->b, &s370_fp_data_exception_helper, IR_NONE, &arg);
    ir_exit_tb(d->b, IR_EXIT_NORMAL);
    d->state = S370_DISAS_EXITED;
}

bool s370_fp_check_regs(S370Disas *d, const S370Insn *in, unsigned classes)
{
    const S370FpRegClass cls[2] = {S370_FP_R1(classes), S370_FP_R2(classes)};
    const unsigned regs[2] = {in->r1, in->r2};
    bool afp = (d->flags & S370_TBF_AFP) != 0;
    if (d->arch == S370_ARCH_370) {
        /* PoO-370 §9: FPRs 0, 2, 4, 6; extended operands in 0 and 4. */
        for (unsigned i = 0; i < 2; i++) {
            if ((cls[i] == S370_FP_REG && (regs[i] & 9)) ||
                (cls[i] == S370_FP_PAIR && (regs[i] & 11))) {
                s370_gen_program_exception(d, S370_PGM_SPECIFICATION);
                return false;
            }
        }
        return true;
    }
    if ((classes & S370_FP_BFP) && !afp) {
        s370_gen_fp_data_exception(d, S370_DXC_BFP_INSTRUCTION);
        return false;
    }
    for (unsigned i = 0; i < 2; i++) {
        if (cls[i] == S370_FP_PAIR && (regs[i] & 2)) {
            s370_gen_program_exception(d, S370_PGM_SPECIFICATION);
            return false;
        }
    }
    for (unsigned i = 0; i < 2; i++) {
        if (cls[i] != S370_FP_NONE && !afp && (regs[i] & 9)) {
            s370_gen_fp_data_exception(d, S370_DXC_AFP_REGISTER);
            return false;
        }
    }
    return true;
}

IrVal s370_gen_fpr_load(S370Disas *d, unsigned r)
{
    IrVal v = ir_temp(d->b, IR_I64);
    ir_ld_env(d->b, IR_I64, v, IR_ENV, (int64_t)s370_fpr_offset(r), IR_MO_64);
    return v;
}

void s370_gen_fpr_store(S370Disas *d, unsigned r, IrVal v)
{
    ir_st_env(d->b, IR_I64, v, IR_ENV, (int64_t)s370_fpr_offset(r), IR_MO_64);
}

/* ---- operands ---- */

static S370BfpVal bfp_reg(const S370CPU *cpu, unsigned r, S370BfpFormat fmt)
{
    S370BfpVal v = {cpu->fpr[r & 15], 0};
    if (fmt == S370_BFP_SHORT)
        v.hi >>= 32;
    else if (fmt == S370_BFP_EXT)
        v.lo = cpu->fpr[(r + 2) & 15];
    return v;
}

static void bfp_set_reg(S370CPU *cpu, unsigned r, S370BfpFormat fmt, S370BfpVal v)
{
    switch (fmt) {
    case S370_BFP_SHORT:
        cpu->fpr[r & 15] = (cpu->fpr[r & 15] & UINT64_C(0xffffffff)) | v.hi << 32;
        break;
    case S370_BFP_LONG: cpu->fpr[r & 15] = v.hi; break;
    case S370_BFP_EXT:
        cpu->fpr[r & 15] = v.hi;
        cpu->fpr[(r + 2) & 15] = v.lo;
        break;
    }
}

static S370BfpVal bfp_mem(S370CPU *cpu, uint64_t addr, S370BfpFormat fmt)
{
    S370BfpVal v = {fmt == S370_BFP_SHORT ? s370_load32(cpu, addr) : s370_load64(cpu, addr), 0};
    return v;
}

static S370BfpRound bfp_fpc_round(const S370CPU *cpu)
{
    return (S370BfpRound)(cpu->fpc & S370_FPC_RM);
}

/* An M3 rounding modifier (PoO-390 §19 "CONVERT TO FIXED"): 0 the FPC
 * mode, 1 biased round to nearest, 4-7 the explicit modes; others are a
 * specification exception. */
static S370BfpRound bfp_m3_round(S370CPU *cpu, unsigned m3)
{
    switch (m3) {
    case 0: return bfp_fpc_round(cpu);
    case 1: return S370_BFP_RNA;
    case 4: return S370_BFP_RNE;
    case 5: return S370_BFP_RZ;
    case 6: return S370_BFP_RP;
    case 7: return S370_BFP_RM;
    default: s370_program_exception(cpu, S370_PGM_SPECIFICATION);
    }
}

/* ---- FPC masks and traps ---- */

static uint8_t bfp_masks(const S370CPU *cpu)
{
    return (uint8_t)(cpu->fpc >> S370_FPC_MASK_SHIFT) & 0xf8;
}

static void bfp_set_flags(S370CPU *cpu, uint8_t exc)
{
    cpu->fpc |= (uint32_t)(exc & ~bfp_masks(cpu) & 0xf8) << S370_FPC_FLAG_SHIFT;
}

/* Invalid operation and division by zero suppress under their masks. */
static void bfp_check_suppressing(S370CPU *cpu, uint8_t exc)
{
    uint8_t trap = exc & bfp_masks(cpu);
    if (trap & S370_BFP_INVALID) s370_fp_data_exception(cpu, S370_DXC_IEEE_INVALID);
    if (trap & S370_BFP_DIVIDE) s370_fp_data_exception(cpu, S370_DXC_IEEE_DIVIDE);
}

/* Complete an operation whose result goes to FPR r1 in format fmt; cc is
 * set (when wanted) from the value stored.  Returns the condition code. */
static unsigned bfp_complete(S370CPU *cpu, const S370BfpResult *r, unsigned r1, S370BfpFormat fmt,
                             bool sets_cc)
{
    uint8_t masks = bfp_masks(cpu);
    bfp_check_suppressing(cpu, r->exc);
    bool overflow_trap = (r->exc & S370_BFP_OVERFLOW) && (masks & S370_BFP_OVERFLOW);
    bool underflow_trap = r->tiny && (masks & S370_BFP_UNDERFLOW);
    if (overflow_trap || underflow_trap) {
        bfp_set_reg(cpu, r1, fmt, r->scaled);
        if (sets_cc) cpu->cc = s370_bfp_cc(fmt, r->scaled);
        uint8_t dxc = overflow_trap ? S370_DXC_IEEE_OVERFLOW : S370_DXC_IEEE_UNDERFLOW;
        if (r->scaled_inexact) dxc |= S370_DXC_IEEE_INEXACT;
        if (r->scaled_incremented) dxc |= 0x04;
        s370_fp_data_exception(cpu, dxc);
    }
    bfp_set_reg(cpu, r1, fmt, r->v);
    unsigned cc = s370_bfp_cc(fmt, r->v);
    if ((r->exc & S370_BFP_INEXACT) && (masks & S370_BFP_INEXACT)) {
        bfp_set_flags(cpu, r->exc & ~S370_BFP_INEXACT);
        if (sets_cc) cpu->cc = cc;
        s370_fp_data_exception(cpu, S370_DXC_IEEE_INEXACT | (r->incremented ? 0x04 : 0));
    }
    bfp_set_flags(cpu, r->exc);
    return cc;
}

/* ---- instruction helpers ---- */

typedef enum BfpKind {
    K_ARITH,      /* op; operands `in`, result `out` */
    K_FMA,        /* multiply and add/subtract */
    K_SQRT,       /* */
    K_CONVERT,    /* LOAD LENGTHENED / LOAD ROUNDED from `in` to `out` */
    K_ROUND_INT,  /* LOAD FP INTEGER, M3 rounding */
    K_FROM_INT,   /* CONVERT FROM FIXED */
    K_TO_INT,     /* CONVERT TO FIXED, M3 rounding */
    K_COMPARE,    /* op: 0 quiet, 1 signaling */
    K_LOAD_TEST,  /* LOAD AND TEST */
    K_SIGN,       /* op: 0 positive, 1 negative, 2 complement */
    K_TEST_CLASS, /* TEST DATA CLASS */
} BfpKind;

typedef struct BfpDesc {
    BfpKind kind;
    int op;
    S370BfpFormat in, out;
    bool mem;     /* second operand in storage */
    bool rrf_r1;  /* RRF with R1 in bits 16-19 (MAxBR, MSxBR) */
    bool sets_cc; /* K_ARITH */
} BfpDesc;

static uint64_t bfp_exec(CPUState *cs, uint64_t fields, uint64_t addr2, const BfpDesc *desc)
{
    S370CPU *cpu = s370_cpu(cs);
    unsigned r1 = S370_FIELD_R1(fields), r2 = S370_FIELD_R2(fields), r3 = S370_FIELD_R3(fields);
    S370BfpVal b = desc->mem ? bfp_mem(cpu, addr2, desc->in) : bfp_reg(cpu, r2, desc->in);
    S370BfpResult r;
    switch (desc->kind) {
    case K_ARITH:
        r = s370_bfp_arith((S370BfpOp)desc->op, desc->in, desc->out, bfp_reg(cpu, r1, desc->in), b,
                           bfp_fpc_round(cpu));
        return bfp_complete(cpu, &r, r1, desc->out, desc->sets_cc);
    case K_FMA: {
        /* The decoder's RRF fields are M3/R1/R2; for these R1/R3/R2. */
        unsigned t1 = desc->rrf_r1 ? r3 : r1, t3 = desc->rrf_r1 ? r1 : r3;
        r = s370_bfp_fma(desc->in, bfp_reg(cpu, t1, desc->in), bfp_reg(cpu, t3, desc->in), b,
                         desc->op != 0, bfp_fpc_round(cpu));
        return bfp_complete(cpu, &r, t1, desc->in, false);
    }
    case K_SQRT:
        r = s370_bfp_sqrt(desc->in, b, bfp_fpc_round(cpu));
        return bfp_complete(cpu, &r, r1, desc->in, false);
    case K_CONVERT:
        r = s370_bfp_convert(desc->in, desc->out, b, bfp_fpc_round(cpu));
        return bfp_complete(cpu, &r, r1, desc->out, false);
    case K_ROUND_INT:
        r = s370_bfp_round_int(desc->in, b, bfp_m3_round(cpu, r3));
        return bfp_complete(cpu, &r, r1, desc->in, false);
    case K_FROM_INT:
        r = s370_bfp_from_int32(desc->out, (int32_t)s370_gr32(cpu, r2), bfp_fpc_round(cpu));
        return bfp_complete(cpu, &r, r1, desc->out, false);
    case K_TO_INT: {
        uint8_t exc, cc;
        int32_t v = s370_bfp_to_int32(desc->in, b, bfp_m3_round(cpu, r3), &exc, &cc);
        bfp_check_suppressing(cpu, exc);
        s370_set_gr32(cpu, r1, (uint32_t)v);
        cpu->cc = cc;
        if ((exc & S370_BFP_INEXACT) && (bfp_masks(cpu) & S370_BFP_INEXACT))
            s370_fp_data_exception(cpu, S370_DXC_IEEE_INEXACT);
        bfp_set_flags(cpu, exc);
        return cc;
    }
    case K_COMPARE: {
        uint8_t exc;
        unsigned cc =
            s370_bfp_compare(desc->in, bfp_reg(cpu, r1, desc->in), b, desc->op != 0, &exc);
        bfp_check_suppressing(cpu, exc);
        bfp_set_flags(cpu, exc);
        return cc;
    }
    case K_LOAD_TEST:
        /* PoO-390 §19 "LOAD AND TEST": an SNaN is an invalid operation. */
        r = (S370BfpResult){0};
        r.v = s370_bfp_quiet(desc->in, b);
        r.exc = s370_bfp_is_snan(desc->in, b) ? S370_BFP_INVALID : 0;
        return bfp_complete(cpu, &r, r1, desc->in, true);
    case K_SIGN: {
        uint64_t sign = desc->in == S370_BFP_SHORT ? UINT64_C(1) << 31 : UINT64_C(1) << 63;
        if (desc->op == 0) b.hi &= ~sign;
        if (desc->op == 1) b.hi |= sign;
        if (desc->op == 2) b.hi ^= sign;
        bfp_set_reg(cpu, r1, desc->in, b);
        return s370_bfp_cc(desc->in, b);
    }
    case K_TEST_CLASS:
        b = bfp_reg(cpu, r1, desc->in);
        return (s370_bfp_class(desc->in, b) & addr2 & 0xfff) ? 1 : 0;
    }
    return 0;
}

#define BFP_HELPER_FLAGS (IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_MAY_RAISE)

#define BFP_DEF(name, kind, op, in, out, mem, rrf, cc)                                             \
    static uint64_t bfp_fn_##name(CPUState *cs, uint64_t f, uint64_t a1, uint64_t a2)              \
    {                                                                                              \
        static const BfpDesc desc = {kind, op, S370_BFP_##in, S370_BFP_##out, mem, rrf, cc};       \
        return bfp_exec(cs, f, a2, &desc);                                                         \
    }                                                                                              \
    static S370_HELPER(bfp_##name, bfp_fn_##name, BFP_HELPER_FLAGS)

#define ARITH(name, op, in, out, mem, cc)                                                          \
    BFP_DEF(name, K_ARITH, S370_BFP_##op, in, out, mem, false, cc)
ARITH(aebr, ADD, SHORT, SHORT, false, true);
ARITH(sebr, SUB, SHORT, SHORT, false, true);
ARITH(meebr, MUL, SHORT, SHORT, false, false);
ARITH(debr, DIV, SHORT, SHORT, false, false);
ARITH(mdebr, MUL, SHORT, LONG, false, false);
ARITH(adbr, ADD, LONG, LONG, false, true);
ARITH(sdbr, SUB, LONG, LONG, false, true);
ARITH(mdbr, MUL, LONG, LONG, false, false);
ARITH(ddbr, DIV, LONG, LONG, false, false);
ARITH(mxdbr, MUL, LONG, EXT, false, false);
ARITH(axbr, ADD, EXT, EXT, false, true);
ARITH(sxbr, SUB, EXT, EXT, false, true);
ARITH(mxbr, MUL, EXT, EXT, false, false);
ARITH(dxbr, DIV, EXT, EXT, false, false);
ARITH(aeb, ADD, SHORT, SHORT, true, true);
ARITH(seb, SUB, SHORT, SHORT, true, true);
ARITH(meeb, MUL, SHORT, SHORT, true, false);
ARITH(deb, DIV, SHORT, SHORT, true, false);
ARITH(mdeb, MUL, SHORT, LONG, true, false);
ARITH(adb, ADD, LONG, LONG, true, true);
ARITH(sdb, SUB, LONG, LONG, true, true);
ARITH(mdb, MUL, LONG, LONG, true, false);
ARITH(ddb, DIV, LONG, LONG, true, false);
ARITH(mxdb, MUL, LONG, EXT, true, false);
BFP_DEF(maebr, K_FMA, 0, SHORT, SHORT, false, true, false);
BFP_DEF(msebr, K_FMA, 1, SHORT, SHORT, false, true, false);
BFP_DEF(madbr, K_FMA, 0, LONG, LONG, false, true, false);
BFP_DEF(msdbr, K_FMA, 1, LONG, LONG, false, true, false);
BFP_DEF(maeb, K_FMA, 0, SHORT, SHORT, true, false, false);
BFP_DEF(mseb, K_FMA, 1, SHORT, SHORT, true, false, false);
BFP_DEF(madb, K_FMA, 0, LONG, LONG, true, false, false);
BFP_DEF(msdb, K_FMA, 1, LONG, LONG, true, false, false);
BFP_DEF(sqebr, K_SQRT, 0, SHORT, SHORT, false, false, false);
BFP_DEF(sqdbr, K_SQRT, 0, LONG, LONG, false, false, false);
BFP_DEF(sqxbr, K_SQRT, 0, EXT, EXT, false, false, false);
BFP_DEF(sqeb, K_SQRT, 0, SHORT, SHORT, true, false, false);
BFP_DEF(sqdb, K_SQRT, 0, LONG, LONG, true, false, false);
BFP_DEF(ldebr, K_CONVERT, 0, SHORT, LONG, false, false, false);
BFP_DEF(lxdbr, K_CONVERT, 0, LONG, EXT, false, false, false);
BFP_DEF(lxebr, K_CONVERT, 0, SHORT, EXT, false, false, false);
BFP_DEF(ledbr, K_CONVERT, 0, LONG, SHORT, false, false, false);
BFP_DEF(ldxbr, K_CONVERT, 0, EXT, LONG, false, false, false);
BFP_DEF(lexbr, K_CONVERT, 0, EXT, SHORT, false, false, false);
BFP_DEF(ldeb, K_CONVERT, 0, SHORT, LONG, true, false, false);
BFP_DEF(lxdb, K_CONVERT, 0, LONG, EXT, true, false, false);
BFP_DEF(lxeb, K_CONVERT, 0, SHORT, EXT, true, false, false);
BFP_DEF(fiebr, K_ROUND_INT, 0, SHORT, SHORT, false, false, false);
BFP_DEF(fidbr, K_ROUND_INT, 0, LONG, LONG, false, false, false);
BFP_DEF(fixbr, K_ROUND_INT, 0, EXT, EXT, false, false, false);
BFP_DEF(cefbr, K_FROM_INT, 0, SHORT, SHORT, false, false, false);
BFP_DEF(cdfbr, K_FROM_INT, 0, LONG, LONG, false, false, false);
BFP_DEF(cxfbr, K_FROM_INT, 0, EXT, EXT, false, false, false);
BFP_DEF(cfebr, K_TO_INT, 0, SHORT, SHORT, false, false, false);
BFP_DEF(cfdbr, K_TO_INT, 0, LONG, LONG, false, false, false);
BFP_DEF(cfxbr, K_TO_INT, 0, EXT, EXT, false, false, false);
BFP_DEF(cebr, K_COMPARE, 0, SHORT, SHORT, false, false, false);
BFP_DEF(cdbr, K_COMPARE, 0, LONG, LONG, false, false, false);
BFP_DEF(cxbr, K_COMPARE, 0, EXT, EXT, false, false, false);
BFP_DEF(kebr, K_COMPARE, 1, SHORT, SHORT, false, false, false);
BFP_DEF(kdbr, K_COMPARE, 1, LONG, LONG, false, false, false);
BFP_DEF(kxbr, K_COMPARE, 1, EXT, EXT, false, false, false);
BFP_DEF(ceb, K_COMPARE, 0, SHORT, SHORT, true, false, false);
BFP_DEF(cdb, K_COMPARE, 0, LONG, LONG, true, false, false);
BFP_DEF(keb, K_COMPARE, 1, SHORT, SHORT, true, false, false);
BFP_DEF(kdb, K_COMPARE, 1, LONG, LONG, true, false, false);
BFP_DEF(ltebr, K_LOAD_TEST, 0, SHORT, SHORT, false, false, false);
BFP_DEF(ltdbr, K_LOAD_TEST, 0, LONG, LONG, false, false, false);
BFP_DEF(ltxbr, K_LOAD_TEST, 0, EXT, EXT, false, false, false);
BFP_DEF(lpebr, K_SIGN, 0, SHORT, SHORT, false, false, false);
BFP_DEF(lnebr, K_SIGN, 1, SHORT, SHORT, false, false, false);
BFP_DEF(lcebr, K_SIGN, 2, SHORT, SHORT, false, false, false);
BFP_DEF(lpdbr, K_SIGN, 0, LONG, LONG, false, false, false);
BFP_DEF(lndbr, K_SIGN, 1, LONG, LONG, false, false, false);
BFP_DEF(lcdbr, K_SIGN, 2, LONG, LONG, false, false, false);
BFP_DEF(lpxbr, K_SIGN, 0, EXT, EXT, false, false, false);
BFP_DEF(lnxbr, K_SIGN, 1, EXT, EXT, false, false, false);
BFP_DEF(lcxbr, K_SIGN, 2, EXT, EXT, false, false, false);
BFP_DEF(tceb, K_TEST_CLASS, 0, SHORT, SHORT, false, false, false);
BFP_DEF(tcdb, K_TEST_CLASS, 0, LONG, LONG, false, false, false);
BFP_DEF(tcxb, K_TEST_CLASS, 0, EXT, EXT, false, false, false);

/* ---- the floating-point-support instructions (PoO-390 §9) ---- */

static uint32_t fpc_checked(S370CPU *cpu, uint32_t v)
{
    if (v & ~S370_FPC_VALID) s370_program_exception(cpu, S370_PGM_SPECIFICATION);
    return v;
}

static uint64_t fpc_fn_lfpc(CPUState *cs, uint64_t f, uint64_t a1, uint64_t a2)
{
    S370CPU *cpu = s370_cpu(cs);
    cpu->fpc = fpc_checked(cpu, s370_load32(cpu, a2));
    return 0;
}
static uint64_t fpc_fn_stfpc(CPUState *cs, uint64_t f, uint64_t a1, uint64_t a2)
{
    S370CPU *cpu = s370_cpu(cs);
    s370_store32(cpu, a2, cpu->fpc);
    return 0;
}
static uint64_t fpc_fn_sfpc(CPUState *cs, uint64_t f, uint64_t a1, uint64_t a2)
{
    S370CPU *cpu = s370_cpu(cs);
    cpu->fpc = fpc_checked(cpu, s370_gr32(cpu, S370_FIELD_R1(f)));
    return 0;
}
static uint64_t fpc_fn_efpc(CPUState *cs, uint64_t f, uint64_t a1, uint64_t a2)
{
    S370CPU *cpu = s370_cpu(cs);
    s370_set_gr32(cpu, S370_FIELD_R1(f), cpu->fpc);
    return 0;
}
static uint64_t fpc_fn_srnm(CPUState *cs, uint64_t f, uint64_t a1, uint64_t a2)
{
    S370CPU *cpu = s370_cpu(cs);
    cpu->fpc = (cpu->fpc & ~(uint32_t)S370_FPC_RM) | ((uint32_t)a2 & S370_FPC_RM);
    return 0;
}
static S370_HELPER(fpc_lfpc, fpc_fn_lfpc, BFP_HELPER_FLAGS);
static S370_HELPER(fpc_stfpc, fpc_fn_stfpc, BFP_HELPER_FLAGS);
static S370_HELPER(fpc_sfpc, fpc_fn_sfpc, BFP_HELPER_FLAGS);
static S370_HELPER(fpc_efpc, fpc_fn_efpc, BFP_HELPER_FLAGS);
static S370_HELPER(fpc_srnm, fpc_fn_srnm, BFP_HELPER_FLAGS);

/* ---- lifters ---- */

static void lift_bfp_helper(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    if (!s370_fp_check_regs(d, in, (unsigned)def->arg)) return;
    s370_lift_helper(d, in, def);
}

/* The common short and long arithmetic and compares, lifted to the IR's
 * IEEE operations with the FPC rounding mode.  The IR result is the
 * architected one except for NaNs (the IR's default NaN), tininess (the IR
 * detects it after rounding) and anything that traps or sets a flag other
 * than inexact; so the lifted path handles only a finite result away from
 * the subnormal range with no exception but an untrapped inexact, and
 * everything else reruns the instruction in its C helper. */
enum {
    FAST_OP_SHIFT = 16, /* 3 bits: FastOp */
    FAST_LONG = 1 << 19,
    FAST_MEM = 1 << 20,
    FAST_SIGNALING = 1 << 21,
    FAST_RRF = 1 << 22, /* R1 in bits 16-19 (MAxBR, MSxBR) */
};
typedef enum FastOp { F_ADD, F_SUB, F_MUL, F_DIV, F_CMP, F_MADD, F_MSUB } FastOp;

static IrVal bfp_gen_reg(S370Disas *d, unsigned r, bool is_long)
{
    IrVal v = s370_gen_fpr_load(d, r);
    if (is_long) return v;
    IrVal hi = ir_temp(d->b, IR_I64), w = ir_temp(d->b, IR_I32);
    ir_op2(d->b, IR_shr, IR_I64, hi, v, ir_i64(d->b, 32));
    ir_op1(d->b, IR_trunc, IR_I32, w, hi);
    return w;
}

static void bfp_gen_set_reg(S370Disas *d, unsigned r, bool is_long, IrVal v)
{
    if (is_long) {
        s370_gen_fpr_store(d, r, v);
        return;
    }
    IrBlock *b = d->b;
    IrVal w = ir_temp(b, IR_I64), nv = ir_temp(b, IR_I64);
    ir_op1(b, IR_zext, IR_I64, w, v);
    ir_deposit(b, IR_I64, nv, s370_gen_fpr_load(d, r), w, 32, 32);
    s370_gen_fpr_store(d, r, nv);
}

static void lift_bfp_fast(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    if (!s370_fp_check_regs(d, in, (unsigned)def->arg)) return;
    IrBlock *b = d->b;
    unsigned arg = (unsigned)def->arg;
    FastOp op = (FastOp)((arg >> FAST_OP_SHIFT) & 7);
    bool is_long = arg & FAST_LONG;
    IrType t = is_long ? IR_I64 : IR_I32;
    int64_t imm[2] = {is_long ? IR_FMT_F64 : IR_FMT_F32, (arg & FAST_SIGNALING) ? 1 : 0};
    unsigned r1 = in->r1, r3 = in->r3;
    if (arg & FAST_RRF) {
        r1 = in->r3;
        r3 = in->r1;
    }
    IrVal opnd2;
    if (arg & FAST_MEM) {
        IrVal addr = s370_gen_addr(d, in->x2, in->b2, in->d2);
        opnd2 = s370_gen_load(d, t, addr, is_long ? IR_MO_64 : IR_MO_32);
    } else {
        opnd2 = bfp_gen_reg(d, in->r2, is_long);
    }
    IrVal opnd1 = bfp_gen_reg(d, r1, is_long);
    IrVal fpc = ir_temp(b, IR_I32), rm = ir_temp(b, IR_I32), exc = ir_temp(b, IR_I32);
    ir_ld_env(b, IR_I32, fpc, IR_ENV, offsetof(S370CPU, fpc), IR_MO_32);
    ir_op2(b, IR_and, IR_I32, rm, fpc, ir_i32(b, S370_FPC_RM));
    uint32_t slow = ir_label_new(b), done = ir_label_new(b);
    IrVal bad = ir_temp(b, IR_I32);

    if (op == F_CMP) {
        IrVal res = ir_temp(b, IR_I32);
        ir_emit(b, IR_fcmp, IR_I32, 4, (IrVal[]){res, exc, opnd1, opnd2}, 2, imm);
        ir_op2(b, IR_and, IR_I32, bad, exc, ir_i32(b, IR_FX_INVALID));
        ir_brcond(b, IR_I32, IR_NE, bad, ir_i32(b, 0), slow);
        ir_mov(b, IR_I32, d->cc, res);
        ir_br(b, done);
    } else {
        IrVal res = ir_temp(b, t);
        if (op == F_MADD || op == F_MSUB) {
            IrVal addend = opnd1;
            if (op == F_MSUB) {
                addend = ir_temp(b, t);
                ir_op2(b, IR_xor, t, addend, opnd1,
                       ir_const(b, t, is_long ? UINT64_C(1) << 63 : UINT64_C(1) << 31));
            }
            IrVal mul1 = bfp_gen_reg(d, r3, is_long);
            ir_emit(b, IR_fma, t, 6, (IrVal[]){res, exc, mul1, opnd2, addend, rm}, 1, imm);
        } else {
            static const IrOpcode ops[] = {IR_fadd, IR_fsub, IR_fmul, IR_fdiv};
            ir_emit(b, ops[op], t, 5, (IrVal[]){res, exc, opnd1, opnd2, rm}, 1, imm);
        }
        ir_op2(b, IR_and, IR_I32, bad, exc,
               ir_i32(b, IR_FX_INVALID | IR_FX_DIVZERO | IR_FX_OVERFLOW | IR_FX_UNDERFLOW));
        ir_brcond(b, IR_I32, IR_NE, bad, ir_i32(b, 0), slow);
        /* NaN results (a NaN operand) and results below twice the
         * smallest normal (tininess) take the helper. */
        uint64_t inf = is_long ? UINT64_C(0x7ff0000000000000) : 0x7f800000;
        uint64_t small = is_long ? UINT64_C(0x0020000000000000) : 0x01000000;
        IrVal mag = ir_temp(b, t), m1 = ir_temp(b, t);
        ir_op2(b, IR_and, t, mag, res, ir_const(b, t, inf | (inf - 1)));
        ir_brcond(b, t, IR_GTU, mag, ir_const(b, t, inf), slow);
        ir_op2(b, IR_sub, t, m1, mag, ir_const(b, t, 1));
        ir_brcond(b, t, IR_LTU, m1, ir_const(b, t, small - 1), slow);
        /* Inexact: the flag, or the helper when its mask traps. */
        IrVal flag = ir_temp(b, IR_I32), trap = ir_temp(b, IR_I32);
        ir_op2(b, IR_and, IR_I32, flag, exc, ir_i32(b, IR_FX_INEXACT));
        ir_op2(b, IR_shl, IR_I32, flag, flag, ir_i32(b, 15)); /* to FPC bit 12 */
        ir_op2(b, IR_shr, IR_I32, trap, fpc, ir_i32(b, S370_FPC_MASK_SHIFT - S370_FPC_FLAG_SHIFT));
        ir_op2(b, IR_and, IR_I32, trap, trap, flag);
        ir_brcond(b, IR_I32, IR_NE, trap, ir_i32(b, 0), slow);
        ir_op2(b, IR_or, IR_I32, fpc, fpc, flag);
        ir_st_env(b, IR_I32, fpc, IR_ENV, offsetof(S370CPU, fpc), IR_MO_32);
        bfp_gen_set_reg(d, r1, is_long, res);
        if (def->flags & S370F_SETS_CC) {
            /* 0 zero, 1 negative, 2 positive (a NaN went to the helper). */
            IrVal nz = ir_temp(b, t), pos = ir_temp(b, t);
            ir_op2(b, IR_and, t, nz, res, ir_const(b, t, inf | (inf - 1)));
            ir_setcond(b, t, IR_NE, nz, nz, ir_const(b, t, 0));
            ir_op2(b, IR_shr, t, pos, res, ir_const(b, t, is_long ? 63 : 31));
            ir_op2(b, IR_xor, t, pos, pos, ir_const(b, t, 1));
            ir_op2(b, IR_shl, t, nz, nz, pos);
            if (is_long)
                ir_op1(b, IR_trunc, IR_I32, d->cc, nz);
            else
                ir_mov(b, IR_I32, d->cc, nz);
        }
        ir_br(b, done);
    }
    ir_label(b, slow);
    s370_lift_helper(d, in, def);
    ir_label(b, done);
}

/* LZER, LZDR, LZXR (PoO-390 §9 "LOAD ZERO"): a short zero replaces only
 * the left half of the register. */
static void lift_load_zero(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    if (!s370_fp_check_regs(d, in, (unsigned)def->arg)) return;
    IrBlock *b = d->b;
    IrVal zero = ir_i64(b, 0);
    switch ((S370BfpFormat)(def->arg >> 8 & 3)) {
    case S370_BFP_SHORT: {
        IrVal v = ir_temp(b, IR_I64);
        ir_op2(b, IR_and, IR_I64, v, s370_gen_fpr_load(d, in->r1), ir_i64(b, 0xffffffffu));
        s370_gen_fpr_store(d, in->r1, v);
        break;
    }
    case S370_BFP_LONG: s370_gen_fpr_store(d, in->r1, zero); break;
    case S370_BFP_EXT:
        s370_gen_fpr_store(d, in->r1, zero);
        s370_gen_fpr_store(d, in->r1 + 2, zero);
        break;
    }
}

/* ---- the table ---- */

#define R_F  S370_FP_REGS(S370_FP_REG, S370_FP_REG)
#define R_P  S370_FP_REGS(S370_FP_PAIR, S370_FP_PAIR)
#define R_FP S370_FP_REGS(S370_FP_REG, S370_FP_PAIR)
#define R_PF S370_FP_REGS(S370_FP_PAIR, S370_FP_REG)
#define R_FG S370_FP_REGS(S370_FP_REG, S370_FP_NONE)
#define R_PG S370_FP_REGS(S370_FP_PAIR, S370_FP_NONE)
#define R_GF S370_FP_REGS(S370_FP_NONE, S370_FP_REG)
#define R_GP S370_FP_REGS(S370_FP_NONE, S370_FP_PAIR)
#define R_G  S370_FP_REGS(S370_FP_NONE, S370_FP_NONE)

#define CC S370F_SETS_CC
#define B(key, name, fmt, flags, helper, regs)                                                     \
    {                                                                                              \
        key, name, S370_FMT_##fmt, S370_IN_390, flags, lift_bfp_helper, &helper,                   \
            (regs) | S370_FP_BFP                                                                   \
    }
#define F(key, name, fmt, flags, helper, regs, op, bits)                                           \
    {                                                                                              \
        key, name, S370_FMT_##fmt, S370_IN_390, flags, lift_bfp_fast, &helper,                     \
            (regs) | S370_FP_BFP | (op) << FAST_OP_SHIFT | (bits)                                  \
    }
#define Z(key, name, fmt)                                                                          \
    {                                                                                              \
        key, name, S370_FMT_RRE, S370_IN_390, 0, lift_load_zero, NULL,                             \
            (S370_BFP_##fmt == S370_BFP_EXT ? R_PG : R_FG) | S370_BFP_##fmt << 8                   \
    }

static const S370InsnDef s370_bfp_table[] = {
    B(0xb299, "SRNM", S, 0, fpc_srnm, R_G),
    B(0xb29c, "STFPC", S, 0, fpc_stfpc, R_G),
    B(0xb29d, "LFPC", S, 0, fpc_lfpc, R_G),
    B(0xb300, "LPEBR", RRE, CC, bfp_lpebr, R_F),
    B(0xb301, "LNEBR", RRE, CC, bfp_lnebr, R_F),
    B(0xb302, "LTEBR", RRE, CC, bfp_ltebr, R_F),
    B(0xb303, "LCEBR", RRE, CC, bfp_lcebr, R_F),
    B(0xb304, "LDEBR", RRE, 0, bfp_ldebr, R_F),
    B(0xb305, "LXDBR", RRE, 0, bfp_lxdbr, R_PF),
    B(0xb306, "LXEBR", RRE, 0, bfp_lxebr, R_PF),
    B(0xb307, "MXDBR", RRE, 0, bfp_mxdbr, R_PF),
    F(0xb308, "KEBR", RRE, CC, bfp_kebr, R_F, F_CMP, FAST_SIGNALING),
    F(0xb309, "CEBR", RRE, CC, bfp_cebr, R_F, F_CMP, 0),
    F(0xb30a, "AEBR", RRE, CC, bfp_aebr, R_F, F_ADD, 0),
    F(0xb30b, "SEBR", RRE, CC, bfp_sebr, R_F, F_SUB, 0),
    B(0xb30c, "MDEBR", RRE, 0, bfp_mdebr, R_F),
    F(0xb30d, "DEBR", RRE, 0, bfp_debr, R_F, F_DIV, 0),
    F(0xb30e, "MAEBR", RRF, 0, bfp_maebr, R_F, F_MADD, FAST_RRF),
    F(0xb30f, "MSEBR", RRF, 0, bfp_msebr, R_F, F_MSUB, FAST_RRF),
    B(0xb310, "LPDBR", RRE, CC, bfp_lpdbr, R_F),
    B(0xb311, "LNDBR", RRE, CC, bfp_lndbr, R_F),
    B(0xb312, "LTDBR", RRE, CC, bfp_ltdbr, R_F),
    B(0xb313, "LCDBR", RRE, CC, bfp_lcdbr, R_F),
    B(0xb314, "SQEBR", RRE, 0, bfp_sqebr, R_F),
    B(0xb315, "SQDBR", RRE, 0, bfp_sqdbr, R_F),
    B(0xb316, "SQXBR", RRE, 0, bfp_sqxbr, R_P),
    F(0xb317, "MEEBR", RRE, 0, bfp_meebr, R_F, F_MUL, 0),
    F(0xb318, "KDBR", RRE, CC, bfp_kdbr, R_F, F_CMP, FAST_LONG | FAST_SIGNALING),
    F(0xb319, "CDBR", RRE, CC, bfp_cdbr, R_F, F_CMP, FAST_LONG),
    F(0xb31a, "ADBR", RRE, CC, bfp_adbr, R_F, F_ADD, FAST_LONG),
    F(0xb31b, "SDBR", RRE, CC, bfp_sdbr, R_F, F_SUB, FAST_LONG),
    F(0xb31c, "MDBR", RRE, 0, bfp_mdbr, R_F, F_MUL, FAST_LONG),
    F(0xb31d, "DDBR", RRE, 0, bfp_ddbr, R_F, F_DIV, FAST_LONG),
    F(0xb31e, "MADBR", RRF, 0, bfp_madbr, R_F, F_MADD, FAST_LONG | FAST_RRF),
    F(0xb31f, "MSDBR", RRF, 0, bfp_msdbr, R_F, F_MSUB, FAST_LONG | FAST_RRF),
    B(0xb340, "LPXBR", RRE, CC, bfp_lpxbr, R_P),
    B(0xb341, "LNXBR", RRE, CC, bfp_lnxbr, R_P),
    B(0xb342, "LTXBR", RRE, CC, bfp_ltxbr, R_P),
    B(0xb343, "LCXBR", RRE, CC, bfp_lcxbr, R_P),
    B(0xb344, "LEDBR", RRE, 0, bfp_ledbr, R_F),
    B(0xb345, "LDXBR", RRE, 0, bfp_ldxbr, R_FP),
    B(0xb346, "LEXBR", RRE, 0, bfp_lexbr, R_FP),
    B(0xb347, "FIXBR", RRF, 0, bfp_fixbr, R_P),
    B(0xb348, "KXBR", RRE, CC, bfp_kxbr, R_P),
    B(0xb349, "CXBR", RRE, CC, bfp_cxbr, R_P),
    B(0xb34a, "AXBR", RRE, CC, bfp_axbr, R_P),
    B(0xb34b, "SXBR", RRE, CC, bfp_sxbr, R_P),
    B(0xb34c, "MXBR", RRE, 0, bfp_mxbr, R_P),
    B(0xb34d, "DXBR", RRE, 0, bfp_dxbr, R_P),
    B(0xb357, "FIEBR", RRF, 0, bfp_fiebr, R_F),
    B(0xb35f, "FIDBR", RRF, 0, bfp_fidbr, R_F),
    Z(0xb374, "LZER", SHORT),
    Z(0xb375, "LZDR", LONG),
    Z(0xb376, "LZXR", EXT),
    B(0xb384, "SFPC", RRE, 0, fpc_sfpc, R_G),
    B(0xb38c, "EFPC", RRE, 0, fpc_efpc, R_G),
    B(0xb394, "CEFBR", RRE, 0, bfp_cefbr, R_FG),
    B(0xb395, "CDFBR", RRE, 0, bfp_cdfbr, R_FG),
    B(0xb396, "CXFBR", RRE, 0, bfp_cxfbr, R_PG),
    B(0xb398, "CFEBR", RRF, CC, bfp_cfebr, R_GF),
    B(0xb399, "CFDBR", RRF, CC, bfp_cfdbr, R_GF),
    B(0xb39a, "CFXBR", RRF, CC, bfp_cfxbr, R_GP),
    B(0xed04, "LDEB", RXE, 0, bfp_ldeb, R_FG),
    B(0xed05, "LXDB", RXE, 0, bfp_lxdb, R_PG),
    B(0xed06, "LXEB", RXE, 0, bfp_lxeb, R_PG),
    B(0xed07, "MXDB", RXE, 0, bfp_mxdb, R_PG),
    F(0xed08, "KEB", RXE, CC, bfp_keb, R_FG, F_CMP, FAST_MEM | FAST_SIGNALING),
    F(0xed09, "CEB", RXE, CC, bfp_ceb, R_FG, F_CMP, FAST_MEM),
    F(0xed0a, "AEB", RXE, CC, bfp_aeb, R_FG, F_ADD, FAST_MEM),
    F(0xed0b, "SEB", RXE, CC, bfp_seb, R_FG, F_SUB, FAST_MEM),
    B(0xed0c, "MDEB", RXE, 0, bfp_mdeb, R_FG),
    F(0xed0d, "DEB", RXE, 0, bfp_deb, R_FG, F_DIV, FAST_MEM),
    F(0xed0e, "MAEB", RXF, 0, bfp_maeb, R_FG, F_MADD, FAST_MEM),
    F(0xed0f, "MSEB", RXF, 0, bfp_mseb, R_FG, F_MSUB, FAST_MEM),
    B(0xed10, "TCEB", RXE, CC, bfp_tceb, R_FG),
    B(0xed11, "TCDB", RXE, CC, bfp_tcdb, R_FG),
    B(0xed12, "TCXB", RXE, CC, bfp_tcxb, R_PG),
    B(0xed14, "SQEB", RXE, 0, bfp_sqeb, R_FG),
    B(0xed15, "SQDB", RXE, 0, bfp_sqdb, R_FG),
    F(0xed17, "MEEB", RXE, 0, bfp_meeb, R_FG, F_MUL, FAST_MEM),
    F(0xed18, "KDB", RXE, CC, bfp_kdb, R_FG, F_CMP, FAST_LONG | FAST_MEM | FAST_SIGNALING),
    F(0xed19, "CDB", RXE, CC, bfp_cdb, R_FG, F_CMP, FAST_LONG | FAST_MEM),
    F(0xed1a, "ADB", RXE, CC, bfp_adb, R_FG, F_ADD, FAST_LONG | FAST_MEM),
    F(0xed1b, "SDB", RXE, CC, bfp_sdb, R_FG, F_SUB, FAST_LONG | FAST_MEM),
    F(0xed1c, "MDB", RXE, 0, bfp_mdb, R_FG, F_MUL, FAST_LONG | FAST_MEM),
    F(0xed1d, "DDB", RXE, 0, bfp_ddb, R_FG, F_DIV, FAST_LONG | FAST_MEM),
    F(0xed1e, "MADB", RXF, 0, bfp_madb, R_FG, F_MADD, FAST_LONG | FAST_MEM),
    F(0xed1f, "MSDB", RXF, 0, bfp_msdb, R_FG, F_MSUB, FAST_LONG | FAST_MEM),
};

S370_GROUP(bfp, s370_bfp_table);
