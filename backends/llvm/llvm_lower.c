/*
 * IR to LLVM IR (see llvm_lower.h): one region, one function.  This file
 * holds the function frame, IR values, the integer ops (a table from
 * opcode to the shape that emits it), control flow and exits, helper
 * calls, the FP ops and the debug lines; llvm_lower_mem.c holds the
 * global cache, cpu-state access and the inline soft TLB.
 *
 * The semantics are those of backends/interp/interp_exec.c (the SEM_
 * macros and handlers); each emitter below says which corner it keeps.
 */
#include "backends/llvm/llvm_lower.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/interp/interp_fp.h"
#include "backends/llvm/llvm_internal.h"

/* ---- small builders shared with llvm_lower_mem.c ---- */

LLVMTypeRef llvm_int_type(LlvmLower *L, unsigned bits)
{
    return LLVMIntTypeInContext(L->ctx, bits);
}

LLVMValueRef llvm_const(LlvmLower *L, LLVMTypeRef t, uint64_t v)
{
    return LLVMConstInt(t, v, 0);
}

LLVMValueRef llvm_const_ptr(LlvmLower *L, const void *p)
{
    return LLVMConstIntToPtr(llvm_const(L, L->i64, (uint64_t)(uintptr_t)p), L->ptr);
}

LLVMValueRef llvm_cpu_field(LlvmLower *L, uint64_t offset)
{
    LLVMValueRef idx = llvm_const(L, L->i64, offset);
    return LLVMBuildInBoundsGEP2(L->bld, L->i8, L->cpu, &idx, 1, "");
}

LLVMBasicBlockRef llvm_new_bb(LlvmLower *L, const char *name)
{
    return LLVMAppendBasicBlockInContext(L->ctx, L->fn, name);
}

LLVMValueRef llvm_call_host(LlvmLower *L, LLVMTypeRef fty, const void *addr, LLVMValueRef *args,
                            unsigned nargs)
{
    return LLVMBuildCall2(L->bld, fty, llvm_const_ptr(L, addr), args, nargs, "");
}

LLVMValueRef llvm_resize(LlvmLower *L, LLVMValueRef x, unsigned bits, bool sign)
{
    unsigned have = LLVMGetIntTypeWidth(LLVMTypeOf(x));
    if (have == bits) return x;
    LLVMTypeRef t = llvm_int_type(L, bits);
    if (have > bits) return LLVMBuildTrunc(L->bld, x, t, "");
    return sign ? LLVMBuildSExt(L->bld, x, t, "") : LLVMBuildZExt(L->bld, x, t, "");
}

LLVMTypeRef llvm_ir_type(LlvmLower *L, IrType t)
{
    switch (t) {
    case IR_I32: return L->i32;
    case IR_I64: return L->i64;
    default: return L->ptr;
    }
}

static unsigned op_bits(const IrOp *op)
{
    return op->type == IR_I64 ? 64 : 32;
}

/* Temps of one (index, type) share an alloca across the region's blocks:
 * temps hold no value at block entry, so nothing flows between them. */
static LLVMValueRef temp_slot(LlvmLower *L, uint32_t idx)
{
    IrType t = (IrType)L->b->temp_types[idx];
    LLVMValueRef *slot = &L->tslot[t][idx];
    if (!*slot) *slot = LLVMBuildAlloca(L->ebld, llvm_ir_type(L, t), "");
    return *slot;
}

LLVMValueRef llvm_get(LlvmLower *L, IrVal v)
{
    uint32_t idx = ir_val_index(v);
    switch (ir_val_kind(v)) {
    case IR_VAL_TEMP: {
        IrType t = (IrType)L->b->temp_types[idx];
        return LLVMBuildLoad2(L->bld, llvm_ir_type(L, t), temp_slot(L, idx), "");
    }
    case IR_VAL_GLOBAL:
        return LLVMBuildLoad2(L->bld, llvm_ir_type(L, L->globals->globals[idx].type), L->gslot[idx],
                              "");
    case IR_VAL_CONST: {
        const IrConst *c = &L->b->consts[idx];
        return llvm_const(L, llvm_ir_type(L, c->type), c->value);
    }
    default: return L->cpu; /* IR_ENV */
    }
}

void llvm_set(LlvmLower *L, IrVal v, LLVMValueRef x)
{
    uint32_t idx = ir_val_index(v);
    LLVMValueRef slot = ir_val_kind(v) == IR_VAL_GLOBAL ? L->gslot[idx] : temp_slot(L, idx);
    LLVMBuildStore(L->bld, x, slot);
}

static LLVMValueRef intrinsic(LlvmLower *L, const char *name, LLVMTypeRef overload,
                              LLVMValueRef *args, unsigned nargs)
{
    unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
    LLVMValueRef f = LLVMGetIntrinsicDeclaration(L->mod, id, &overload, 1);
    LLVMTypeRef fty = LLVMIntrinsicGetType(L->ctx, id, &overload, 1);
    return LLVMBuildCall2(L->bld, fty, f, args, nargs, "");
}

/* ---- integer ops: one emitter per shape, a table from opcode ----
 * Emitters get the op's inputs already read and fill its outputs. */

typedef void (*ValueFn)(LlvmLower *L, const IrOp *op, int param, LLVMValueRef *in,
                        LLVMValueRef *out);

static void emit_binop(LlvmLower *L, const IrOp *op, int param, LLVMValueRef *in, LLVMValueRef *out)
{
    out[0] = LLVMBuildBinOp(L->bld, (LLVMOpcode)param, in[0], in[1], "");
}

/* andc, orc: a OP ~b. */
static void emit_binop_notb(LlvmLower *L, const IrOp *op, int param, LLVMValueRef *in,
                            LLVMValueRef *out)
{
    LLVMValueRef nb = LLVMBuildNot(L->bld, in[1], "");
    out[0] = LLVMBuildBinOp(L->bld, (LLVMOpcode)param, in[0], nb, "");
}

/* shl/shr/sar by b mod W (SEM_shl: b & (W - 1)), never poison. */
static void emit_shift(LlvmLower *L, const IrOp *op, int param, LLVMValueRef *in, LLVMValueRef *out)
{
    LLVMTypeRef t = LLVMTypeOf(in[0]);
    LLVMValueRef n = LLVMBuildAnd(L->bld, in[1], llvm_const(L, t, op_bits(op) - 1), "");
    out[0] = LLVMBuildBinOp(L->bld, (LLVMOpcode)param, in[0], n, "");
}

/* rotl/rotr: the funnel shifts of a with itself take the count mod W. */
static void emit_rotate(LlvmLower *L, const IrOp *op, int param, LLVMValueRef *in,
                        LLVMValueRef *out)
{
    LLVMValueRef args[3] = {in[0], in[0], in[1]};
    out[0] = intrinsic(L, param ? "llvm.fshr" : "llvm.fshl", LLVMTypeOf(in[0]), args, 3);
}

/* mulh_s/mulh_u: the high half of the double-width product. */
static void emit_mulh(LlvmLower *L, const IrOp *op, int param, LLVMValueRef *in, LLVMValueRef *out)
{
    unsigned w = op_bits(op);
    LLVMValueRef a = llvm_resize(L, in[0], 2 * w, param);
    LLVMValueRef b = llvm_resize(L, in[1], 2 * w, param);
    LLVMValueRef p = LLVMBuildMul(L->bld, a, b, "");
    p = LLVMBuildLShr(L->bld, p, llvm_const(L, LLVMTypeOf(p), w), "");
    out[0] = llvm_resize(L, p, w, false);
}

enum { DIV_SIGNED = 1, DIV_REM = 2 };

/* Total division (SEM_div_s etc.): x/0 = 0, x%0 = x, MIN/-1 = -MIN,
 * MIN%-1 = 0.  The host division only ever sees a safe divisor (1 in place
 * of 0, and of -1 for the signed forms), so it cannot trap. */
static void emit_div(LlvmLower *L, const IrOp *op, int param, LLVMValueRef *in, LLVMValueRef *out)
{
    LLVMBuilderRef B = L->bld;
    LLVMTypeRef t = LLVMTypeOf(in[0]);
    LLVMValueRef a = in[0], b = in[1], one = llvm_const(L, t, 1), zero = llvm_const(L, t, 0);
    LLVMValueRef is0 = LLVMBuildICmp(B, LLVMIntEQ, b, zero, "");
    LLVMValueRef bad = is0, ism1 = NULL;
    if (param & DIV_SIGNED) {
        ism1 = LLVMBuildICmp(B, LLVMIntEQ, b, LLVMConstAllOnes(t), "");
        bad = LLVMBuildOr(B, is0, ism1, "");
    }
    LLVMValueRef safe = LLVMBuildSelect(B, bad, one, b, "");
    LLVMValueRef r;
    switch (param) {
    case 0: r = LLVMBuildUDiv(B, a, safe, ""); break;
    case DIV_REM: r = LLVMBuildURem(B, a, safe, ""); break;
    case DIV_SIGNED: r = LLVMBuildSDiv(B, a, safe, ""); break;
    default: r = LLVMBuildSRem(B, a, safe, ""); break;
    }
    if (param & DIV_SIGNED) /* b == -1: a / 1 = a, so the quotient is -a and the remainder 0 */
        r = LLVMBuildSelect(B, ism1, (param & DIV_REM) ? zero : LLVMBuildNeg(B, a, ""), r, "");
    out[0] = LLVMBuildSelect(B, is0, (param & DIV_REM) ? a : zero, r, "");
}

static void emit_mov(LlvmLower *L, const IrOp *op, int param, LLVMValueRef *in, LLVMValueRef *out)
{
    out[0] = in[0];
}

static void emit_neg(LlvmLower *L, const IrOp *op, int param, LLVMValueRef *in, LLVMValueRef *out)
{
    out[0] = LLVMBuildNeg(L->bld, in[0], "");
}

static void emit_not(LlvmLower *L, const IrOp *op, int param, LLVMValueRef *in, LLVMValueRef *out)
{
    out[0] = LLVMBuildNot(L->bld, in[0], "");
}

static const char *const bitcount_names[] = {"llvm.ctlz", "llvm.cttz", "llvm.ctpop"};

/* clz/ctz with is_zero_poison false: 0 gives W, as SEM_clz; popcnt. */
static void emit_bitcount(LlvmLower *L, const IrOp *op, int param, LLVMValueRef *in,
                          LLVMValueRef *out)
{
    LLVMValueRef args[2] = {in[0], llvm_const(L, L->i1, 0)};
    out[0] = intrinsic(L, bitcount_names[param], LLVMTypeOf(in[0]), args, param == 2 ? 1 : 2);
}

/* bswapN: bytes 0..N/8-1 reversed into the low N bits, the rest zero
 * (SEM_bswap16/32 on a wider op). */
static void emit_bswap(LlvmLower *L, const IrOp *op, int param, LLVMValueRef *in, LLVMValueRef *out)
{
    LLVMValueRef x = llvm_resize(L, in[0], (unsigned)param, false);
    x = intrinsic(L, "llvm.bswap", LLVMTypeOf(x), &x, 1);
    out[0] = llvm_resize(L, x, op_bits(op), false);
}

enum { EXT_SIGN = 256 };

/* extNs/extNu (param = N | EXT_SIGN): the low N bits extended to W; a
 * no-op when N >= W (ext32* on i32). */
static void emit_ext(LlvmLower *L, const IrOp *op, int param, LLVMValueRef *in, LLVMValueRef *out)
{
    unsigned n = (unsigned)param & 0xff;
    if (n >= op_bits(op)) {
        out[0] = in[0];
        return;
    }
    out[0] = llvm_resize(L, llvm_resize(L, in[0], n, false), op_bits(op), param & EXT_SIGN);
}

/* trunc/zext/sext between i32 and i64 (param: 32 or 64 | EXT_SIGN). */
static void emit_width(LlvmLower *L, const IrOp *op, int param, LLVMValueRef *in, LLVMValueRef *out)
{
    out[0] = llvm_resize(L, in[0], (unsigned)param & 0xff, param & EXT_SIGN);
}

static void emit_ptr_add(LlvmLower *L, const IrOp *op, int param, LLVMValueRef *in,
                         LLVMValueRef *out)
{
    out[0] = LLVMBuildGEP2(L->bld, L->i8, in[0], &in[1], 1, "");
}

static uint64_t low_mask(unsigned len)
{
    return len >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << len) - 1;
}

/* extract: (a >> pos) & (2^len - 1); sextract: shifted to the top, then
 * arithmetically down (as the interpreter's handlers). */
static void emit_extract(LlvmLower *L, const IrOp *op, int param, LLVMValueRef *in,
                         LLVMValueRef *out)
{
    LLVMTypeRef t = LLVMTypeOf(in[0]);
    unsigned w = op_bits(op), pos = (unsigned)op->imm[0], len = (unsigned)op->imm[1];
    if (!param) {
        LLVMValueRef x = LLVMBuildLShr(L->bld, in[0], llvm_const(L, t, pos), "");
        out[0] = LLVMBuildAnd(L->bld, x, llvm_const(L, t, low_mask(len)), "");
        return;
    }
    LLVMValueRef x = LLVMBuildShl(L->bld, in[0], llvm_const(L, t, w - pos - len), "");
    out[0] = LLVMBuildAShr(L->bld, x, llvm_const(L, t, w - len), "");
}

static void emit_deposit(LlvmLower *L, const IrOp *op, int param, LLVMValueRef *in,
                         LLVMValueRef *out)
{
    LLVMTypeRef t = LLVMTypeOf(in[0]);
    unsigned pos = (unsigned)op->imm[0], len = (unsigned)op->imm[1];
    uint64_t mask = low_mask(len) << pos;
    LLVMValueRef keep = LLVMBuildAnd(L->bld, in[0], llvm_const(L, t, ~mask), "");
    LLVMValueRef field = LLVMBuildShl(L->bld, in[1], llvm_const(L, t, pos), "");
    field = LLVMBuildAnd(L->bld, field, llvm_const(L, t, mask), "");
    out[0] = LLVMBuildOr(L->bld, keep, field, "");
}

static const LLVMIntPredicate cond_pred[IR_NUM_CONDS] = {
    [IR_EQ] = LLVMIntEQ,   [IR_NE] = LLVMIntNE,   [IR_LT] = LLVMIntSLT,  [IR_LE] = LLVMIntSLE,
    [IR_GT] = LLVMIntSGT,  [IR_GE] = LLVMIntSGE,  [IR_LTU] = LLVMIntULT, [IR_LEU] = LLVMIntULE,
    [IR_GTU] = LLVMIntUGT, [IR_GEU] = LLVMIntUGE,
};

static LLVMValueRef emit_cond(LlvmLower *L, int64_t cond, LLVMValueRef a, LLVMValueRef b)
{
    return LLVMBuildICmp(L->bld, cond_pred[cond], a, b, "");
}

static void emit_setcond(LlvmLower *L, const IrOp *op, int param, LLVMValueRef *in,
                         LLVMValueRef *out)
{
    out[0] = LLVMBuildZExt(L->bld, emit_cond(L, op->imm[0], in[0], in[1]), LLVMTypeOf(in[0]), "");
}

static void emit_movcond(LlvmLower *L, const IrOp *op, int param, LLVMValueRef *in,
                         LLVMValueRef *out)
{
    out[0] = LLVMBuildSelect(L->bld, emit_cond(L, op->imm[0], in[0], in[1]), in[2], in[3], "");
}

/* add_carry: s = a + b, r = s + (ci & 1), carry = (s < a) | (r < s);
 * sub_borrow: s = a - b, r = s - (bi & 1), borrow = (a < b) | (s < bi). */
static void emit_carry(LlvmLower *L, const IrOp *op, int param, LLVMValueRef *in, LLVMValueRef *out)
{
    LLVMBuilderRef B = L->bld;
    LLVMTypeRef t = LLVMTypeOf(in[0]);
    LLVMValueRef a = in[0], b = in[1], c = LLVMBuildAnd(B, in[2], llvm_const(L, t, 1), "");
    LLVMValueRef s, r, c1, c2;
    if (!param) {
        s = LLVMBuildAdd(B, a, b, "");
        r = LLVMBuildAdd(B, s, c, "");
        c1 = LLVMBuildICmp(B, LLVMIntULT, s, a, "");
        c2 = LLVMBuildICmp(B, LLVMIntULT, r, s, "");
    } else {
        s = LLVMBuildSub(B, a, b, "");
        r = LLVMBuildSub(B, s, c, "");
        c1 = LLVMBuildICmp(B, LLVMIntULT, a, b, "");
        c2 = LLVMBuildICmp(B, LLVMIntULT, s, c, "");
    }
    out[0] = r;
    out[1] = LLVMBuildZExt(B, LLVMBuildOr(B, c1, c2, ""), t, "");
}

typedef struct ValueRule {
    ValueFn fn;
    int param;
} ValueRule;

/* Every op that only computes outputs from inputs. */
static const ValueRule value_rules[IR_NUM_OPS] = {
    [IR_mov] = {emit_mov, 0},
    [IR_add] = {emit_binop, LLVMAdd},
    [IR_sub] = {emit_binop, LLVMSub},
    [IR_mul] = {emit_binop, LLVMMul},
    [IR_and] = {emit_binop, LLVMAnd},
    [IR_or] = {emit_binop, LLVMOr},
    [IR_xor] = {emit_binop, LLVMXor},
    [IR_andc] = {emit_binop_notb, LLVMAnd},
    [IR_orc] = {emit_binop_notb, LLVMOr},
    [IR_shl] = {emit_shift, LLVMShl},
    [IR_shr] = {emit_shift, LLVMLShr},
    [IR_sar] = {emit_shift, LLVMAShr},
    [IR_rotl] = {emit_rotate, 0},
    [IR_rotr] = {emit_rotate, 1},
    [IR_mulh_s] = {emit_mulh, 1},
    [IR_mulh_u] = {emit_mulh, 0},
    [IR_div_s] = {emit_div, DIV_SIGNED},
    [IR_div_u] = {emit_div, 0},
    [IR_rem_s] = {emit_div, DIV_SIGNED | DIV_REM},
    [IR_rem_u] = {emit_div, DIV_REM},
    [IR_neg] = {emit_neg, 0},
    [IR_not] = {emit_not, 0},
    [IR_clz] = {emit_bitcount, 0},
    [IR_ctz] = {emit_bitcount, 1},
    [IR_popcnt] = {emit_bitcount, 2},
    [IR_bswap16] = {emit_bswap, 16},
    [IR_bswap32] = {emit_bswap, 32},
    [IR_bswap64] = {emit_bswap, 64},
    [IR_ext8s] = {emit_ext, 8 | EXT_SIGN},
    [IR_ext8u] = {emit_ext, 8},
    [IR_ext16s] = {emit_ext, 16 | EXT_SIGN},
    [IR_ext16u] = {emit_ext, 16},
    [IR_ext32s] = {emit_ext, 32 | EXT_SIGN},
    [IR_ext32u] = {emit_ext, 32},
    [IR_trunc] = {emit_width, 32},
    [IR_zext] = {emit_width, 64},
    [IR_sext] = {emit_width, 64 | EXT_SIGN},
    [IR_extract] = {emit_extract, 0},
    [IR_sextract] = {emit_extract, 1},
    [IR_deposit] = {emit_deposit, 0},
    [IR_setcond] = {emit_setcond, 0},
    [IR_movcond] = {emit_movcond, 0},
    [IR_add_carry] = {emit_carry, 0},
    [IR_sub_borrow] = {emit_carry, 1},
    [IR_ptr_add] = {emit_ptr_add, 0},
};

/* All inputs are read before any output is written, as the interpreter's
 * handlers do (an output may be an input). */
static void lower_value_op(LlvmLower *L, const IrOp *op, const ValueRule *rule)
{
    const IrOpDef *def = &ir_op_defs[op->opc];
    LLVMValueRef in[IR_MAX_ARGS], out[2];
    for (unsigned k = 0; k < def->nin; k++)
        in[k] = llvm_get(L, op->args[def->nout + k]);
    rule->fn(L, op, rule->param, in, out);
    for (unsigned k = 0; k < def->nout; k++)
        llvm_set(L, op->args[k], out[k]);
}

/* ---- exits (jit_region.h) ---- */

static void emit_return(LlvmLower *L, unsigned kind, unsigned code)
{
    llvm_globals_write_back(L);
    LLVMBuildRet(L->bld, llvm_const(L, L->i64, jit_exit_value(L->tb, kind, code)));
}

/* tb_may_chain_to (core/tb.h) in LLVM IR: no exit request, and the next
 * block's next_icount (i64) instructions fit before icount_limit with
 * exact counting, or one does without. */
static LLVMValueRef emit_chain_allowed(LlvmLower *L, LLVMValueRef next_icount)
{
    LLVMValueRef exact =
        LLVMBuildLoad2(L->bld, L->i8, llvm_cpu_field(L, offsetof(CPUState, icount_exact)), "");
    LLVMValueRef is_exact = LLVMBuildICmp(L->bld, LLVMIntNE, exact, llvm_const(L, L->i8, 0), "");
    next_icount = LLVMBuildSelect(L->bld, is_exact, next_icount, llvm_const(L, L->i64, 1), "");
    LLVMValueRef req =
        LLVMBuildLoad2(L->bld, L->i32, llvm_cpu_field(L, offsetof(CPUState, exit_request)), "");
    LLVMSetOrdering(req, LLVMAtomicOrderingMonotonic);
    LLVMSetAlignment(req, sizeof(atomic_int));
    LLVMValueRef ic = llvm_load_cpu(L, offsetof(CPUState, icount), 64);
    LLVMValueRef lim = llvm_load_cpu(L, offsetof(CPUState, icount_limit), 64);
    LLVMValueRef ok1 = LLVMBuildICmp(L->bld, LLVMIntEQ, req, llvm_const(L, L->i32, 0), "");
    LLVMValueRef end = LLVMBuildAdd(L->bld, ic, next_icount, "");
    LLVMValueRef ok2 = LLVMBuildICmp(L->bld, LLVMIntULE, end, lim, "");
    return LLVMBuildAnd(L->bld, ok1, ok2, "");
}

/* emit_chain_allowed into region block bi, whose size is known. */
static LLVMValueRef emit_chain_allowed_to(LlvmLower *L, int32_t bi)
{
    return emit_chain_allowed(L, llvm_const(L, L->i64, L->r->blocks[bi].tb->icount));
}

/* Branch on c with the first successor the likely one. */
static void emit_likely_br(LlvmLower *L, LLVMValueRef c, LLVMBasicBlockRef yes,
                           LLVMBasicBlockRef no)
{
    LLVMValueRef br = LLVMBuildCondBr(L->bld, c, yes, no);
    LLVMSetMetadata(br, L->md_prof, L->prof_likely);
}

/* Continue in native code at entry fn (i64 (ptr)), as a tail call: a chain
 * of regions runs in constant stack. */
static void emit_tail_call(LlvmLower *L, LLVMValueRef fn)
{
    LLVMValueRef call = LLVMBuildCall2(L->bld, L->region_fn_type, fn, &L->cpu, 1, "");
    LLVMSetTailCallKind(call, LLVMTailCallKindMustTail);
    LLVMBuildRet(L->bld, call);
}

static LLVMValueRef load_atomic_ptr(LlvmLower *L, LLVMValueRef p, LLVMAtomicOrdering order)
{
    LLVMValueRef v = LLVMBuildLoad2(L->bld, L->ptr, p, "");
    LLVMSetOrdering(v, order);
    LLVMSetAlignment(v, sizeof(void *));
    return v;
}

static void lower_goto_tb(LlvmLower *L, unsigned slot)
{
    LLVMBasicBlockRef leave = llvm_new_bb(L, "leave");
    int32_t succ = L->r->blocks[L->bi].succ[slot];
    bool inside = succ >= 0 && (uint32_t)succ < L->r->nblocks;
    if (inside) {
        /* Inside the region: the globals stay where they are. */
        emit_likely_br(L, emit_chain_allowed_to(L, succ), L->block_bb[succ], leave);
    } else {
        llvm_globals_write_back(L);
        LLVMBasicBlockRef linked = llvm_new_bb(L, "linked"), native = llvm_new_bb(L, "native");
        LLVMBasicBlockRef call = llvm_new_bb(L, "chain");
        LLVMValueRef slotp = LLVMBuildInBoundsGEP2(
            L->bld, L->i8, llvm_const_ptr(L, L->tb),
            &(LLVMValueRef){llvm_const(L, L->i64,
                                       offsetof(TranslationBlock, jmp_dest) +
                                           slot * sizeof(TranslationBlock *))},
            1, "");
        LLVMValueRef dest = load_atomic_ptr(L, slotp, LLVMAtomicOrderingMonotonic);
        LLVMBuildCondBr(L->bld, LLVMBuildIsNotNull(L->bld, dest, ""), linked, leave);
        LLVMPositionBuilderAtEnd(L->bld, linked);
        /* The linked TB's size decides whether it fits in the slice. */
        LLVMValueRef icountp = LLVMBuildInBoundsGEP2(
            L->bld, L->i8, dest,
            &(LLVMValueRef){llvm_const(L, L->i64, offsetof(TranslationBlock, icount))}, 1, "");
        LLVMValueRef n =
            LLVMBuildZExt(L->bld, LLVMBuildLoad2(L->bld, L->i32, icountp, ""), L->i64, "");
        LLVMBuildCondBr(L->bld, emit_chain_allowed(L, n), native, leave);
        LLVMPositionBuilderAtEnd(L->bld, native);
        LLVMValueRef nativep = LLVMBuildInBoundsGEP2(
            L->bld, L->i8, dest,
            &(LLVMValueRef){llvm_const(L, L->i64, offsetof(TranslationBlock, native))}, 1, "");
        LLVMValueRef fn = load_atomic_ptr(L, nativep, LLVMAtomicOrderingAcquire);
        LLVMBuildCondBr(L->bld, LLVMBuildIsNotNull(L->bld, fn, ""), call, leave);
        LLVMPositionBuilderAtEnd(L->bld, call);
        emit_tail_call(L, fn);
    }
    LLVMPositionBuilderAtEnd(L->bld, leave);
    if (inside)
        emit_return(L, slot ? JIT_EXIT_SLOT1 : JIT_EXIT_SLOT0, 0);
    else /* globals already stored */
        LLVMBuildRet(L->bld,
                     llvm_const(L, L->i64, jit_exit_value(L->tb, slot ? JIT_EXIT_SLOT1 : 0, 0)));
}

/* goto_ptr: jit_runtime_lookup_ptr reads the guest pc through
 * ArchOps.tb_flags, so the globals are in the cpu state first. */
static void lower_goto_ptr(LlvmLower *L)
{
    /* A loop closed by an indirect branch (S/370 BCT, BCR): stay inside
     * when the pc is the member block's. */
    int32_t ps = L->r->blocks[L->bi].ptr_succ;
    LLVMValueRef pc = ps >= 0 && (uint32_t)ps < L->r->nblocks ? llvm_guest_pc(L) : NULL;
    if (pc) {
        LLVMBasicBlockRef other = llvm_new_bb(L, "ptr_other");
        LLVMValueRef same = LLVMBuildICmp(L->bld, LLVMIntEQ, pc,
                                          llvm_const(L, L->i64, L->r->blocks[ps].tb->pc), "");
        emit_likely_br(L, LLVMBuildAnd(L->bld, same, emit_chain_allowed_to(L, ps), ""),
                       L->block_bb[ps], other);
        LLVMPositionBuilderAtEnd(L->bld, other);
    }
    llvm_globals_write_back(L);
    LLVMTypeRef fty = LLVMFunctionType(L->ptr, &L->ptr, 1, 0);
    LLVMValueRef fn = llvm_call_host(L, fty, (const void *)jit_runtime_lookup_ptr, &L->cpu, 1);
    LLVMBasicBlockRef call = llvm_new_bb(L, "chain"), leave = llvm_new_bb(L, "leave");
    LLVMBuildCondBr(L->bld, LLVMBuildIsNotNull(L->bld, fn, ""), call, leave);
    LLVMPositionBuilderAtEnd(L->bld, call);
    emit_tail_call(L, fn);
    LLVMPositionBuilderAtEnd(L->bld, leave);
    LLVMBuildRet(L->bld, llvm_const(L, L->i64, jit_exit_value(L->tb, JIT_EXIT_PTR, 0)));
}

/* ---- in-block control ---- */

static LLVMBasicBlockRef label_bb(LlvmLower *L, int64_t id)
{
    if (!L->label_bb[id]) L->label_bb[id] = llvm_new_bb(L, "label");
    return L->label_bb[id];
}

static bool block_terminated(LlvmLower *L)
{
    return LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(L->bld)) != NULL;
}

static void lower_brcond(LlvmLower *L, const IrOp *op)
{
    LLVMValueRef c = emit_cond(L, op->imm[0], llvm_get(L, op->args[0]), llvm_get(L, op->args[1]));
    LLVMBasicBlockRef next = llvm_new_bb(L, "");
    LLVMBuildCondBr(L->bld, c, label_bb(L, op->imm[1]), next);
    LLVMPositionBuilderAtEnd(L->bld, next);
}

/* ---- helper calls (ir/README.md "Calls") ---- */

static void lower_call(LlvmLower *L, const IrOp *op)
{
    const IrHelper *h = (const IrHelper *)(intptr_t)op->imm[0];
    bool has_ret = op->nargs > h->nargs;
    const IrVal *a = op->args + has_ret;
    LLVMTypeRef types[1 + IR_HELPER_MAX_ARGS];
    LLVMValueRef args[1 + IR_HELPER_MAX_ARGS];
    types[0] = L->ptr;
    args[0] = L->cpu;
    for (unsigned i = 0; i < h->nargs; i++) {
        /* i32 arrives zero-extended; i64 and ptr whole. */
        LLVMValueRef v = llvm_get(L, a[i]);
        if (LLVMGetTypeKind(LLVMTypeOf(v)) == LLVMPointerTypeKind)
            v = LLVMBuildPtrToInt(L->bld, v, L->i64, "");
        args[1 + i] = llvm_resize(L, v, 64, false);
        types[1 + i] = L->i64;
    }
    uint32_t fl = h->flags;
    bool pure = (fl & IR_CALL_PURE) && !(fl & (IR_CALL_MAY_RAISE | IR_CALL_NORETURN));
    /* A helper that sees or leaves the cpu: the state is complete there,
     * and a fault finds its TB and instruction (as interp_exec.c). */
    if (!pure) {
        llvm_globals_write_back(L);
        llvm_store_current_tb(L);
        if (fl & IR_CALL_MAY_RAISE)
            llvm_store_cpu(L, offsetof(CPUState, fault_insn), llvm_const(L, L->i32, op->insn));
    }
    LLVMTypeRef fty = LLVMFunctionType(L->i64, types, 1 + h->nargs, 0);
    LLVMValueRef call = llvm_call_host(L, fty, (const void *)h->fn, args, 1 + h->nargs);
    if (pure) {
        static const char *const attrs[] = {"memory", "nounwind", "willreturn"};
        for (unsigned i = 0; i < 3; i++) {
            unsigned kind = LLVMGetEnumAttributeKindForName(attrs[i], strlen(attrs[i]));
            LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex,
                                     LLVMCreateEnumAttribute(L->ctx, kind, 0));
        }
    }
    if (fl & IR_CALL_NORETURN) {
        unsigned kind = LLVMGetEnumAttributeKindForName("noreturn", 8);
        LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex,
                                 LLVMCreateEnumAttribute(L->ctx, kind, 0));
        LLVMBuildUnreachable(L->bld);
        return;
    }
    bool writes = (fl & IR_CALL_WRITES_STATE) ||
                  !(fl & (IR_CALL_PURE | IR_CALL_READS_STATE | IR_CALL_WRITES_STATE));
    if (writes && !pure) llvm_globals_reload(L);
    if (has_ret) {
        IrType rt = ir_val_type(L->b, op->args[0]);
        llvm_set(L, op->args[0], llvm_resize(L, call, rt == IR_I64 ? 64 : 32, false));
    }
}

/* ---- floating point: the interpreter's functions, same arguments ---- */

/* An FP operand as the interpreter reads it (RDW): i32 zero-extended. */
static LLVMValueRef fp_operand(LlvmLower *L, IrVal v)
{
    return llvm_resize(L, llvm_get(L, v), 64, false);
}

/* Store a result the width of its destination (WRW), then exc. */
static void fp_results(LlvmLower *L, const IrOp *op, LLVMValueRef value)
{
    IrType t = ir_val_type(L->b, op->args[0]);
    llvm_set(L, op->args[0], llvm_resize(L, value, t == IR_I64 ? 64 : 32, false));
    llvm_set(L, op->args[1], LLVMBuildLoad2(L->bld, L->i32, L->exc_slot, ""));
}

static void lower_fp(LlvmLower *L, const IrOp *op)
{
    const IrOpDef *def = &ir_op_defs[op->opc];
    const IrVal *in = op->args + def->nout;
    unsigned nin = def->nin;
    bool f80 = op->opc >= IR_f80_add && op->opc <= IR_f80_to;
    /* f80 operands point into the cpu state, where globals may live. */
    if (f80) llvm_globals_write_back(L);
    LLVMTypeRef i64 = L->i64, i32 = L->i32, p = L->ptr;
    switch (op->opc) {
    case IR_fadd:
    case IR_fsub:
    case IR_fmul:
    case IR_fdiv:
    case IR_fsqrt:
    case IR_fma: {
        /* {a, b, c, rm}: missing operands repeat a (interp_lower.c). */
        LLVMValueRef a = fp_operand(L, in[0]);
        LLVMValueRef b = nin >= 3 ? fp_operand(L, in[1]) : a;
        LLVMValueRef c = nin >= 4 ? fp_operand(L, in[2]) : a;
        LLVMValueRef args[7] = {llvm_const(L, i32, op->opc),
                                llvm_const(L, i32, op->imm[0]),
                                a,
                                b,
                                c,
                                llvm_get(L, in[nin - 1]),
                                L->exc_slot};
        LLVMTypeRef ty[7] = {i32, i32, i64, i64, i64, i32, p};
        LLVMValueRef r = llvm_call_host(L, LLVMFunctionType(i64, ty, 7, 0),
                                        (const void *)interp_fp_arith, args, 7);
        fp_results(L, op, r);
        break;
    }
    case IR_fcmp: {
        LLVMValueRef args[5] = {llvm_const(L, i32, op->imm[0]), fp_operand(L, in[0]),
                                fp_operand(L, in[1]), llvm_const(L, i32, op->imm[1] != 0),
                                L->exc_slot};
        LLVMTypeRef ty[5] = {i32, i64, i64, i32, p};
        LLVMValueRef r = llvm_call_host(L, LLVMFunctionType(i32, ty, 5, 0),
                                        (const void *)interp_fp_cmp, args, 5);
        fp_results(L, op, r);
        break;
    }
    case IR_fcvt: {
        LLVMValueRef args[5] = {llvm_const(L, i32, op->imm[0]), llvm_const(L, i32, op->imm[1]),
                                fp_operand(L, in[0]), llvm_get(L, in[1]), L->exc_slot};
        LLVMTypeRef ty[5] = {i32, i32, i64, i32, p};
        LLVMValueRef r = llvm_call_host(L, LLVMFunctionType(i64, ty, 5, 0),
                                        (const void *)interp_fp_cvt, args, 5);
        fp_results(L, op, r);
        break;
    }
    case IR_f80_add:
    case IR_f80_sub:
    case IR_f80_mul:
    case IR_f80_div:
    case IR_f80_sqrt: {
        /* {pd, pa, pb, rm}: f80_sqrt repeats pa as pb. */
        LLVMValueRef pa = llvm_get(L, in[1]);
        LLVMValueRef pb = nin >= 4 ? llvm_get(L, in[2]) : pa;
        LLVMValueRef args[5] = {llvm_const(L, i32, op->opc), llvm_get(L, in[0]), pa, pb,
                                llvm_get(L, in[nin - 1])};
        LLVMTypeRef ty[5] = {i32, p, p, p, i32};
        LLVMValueRef r = llvm_call_host(L, LLVMFunctionType(i32, ty, 5, 0),
                                        (const void *)interp_f80_arith, args, 5);
        llvm_set(L, op->args[0], r);
        break;
    }
    case IR_f80_cmp: {
        LLVMValueRef args[4] = {llvm_get(L, in[0]), llvm_get(L, in[1]),
                                llvm_const(L, i32, op->imm[0] != 0), L->exc_slot};
        LLVMTypeRef ty[4] = {p, p, i32, p};
        LLVMValueRef r = llvm_call_host(L, LLVMFunctionType(i32, ty, 4, 0),
                                        (const void *)interp_f80_cmp, args, 4);
        fp_results(L, op, r);
        break;
    }
    case IR_f80_from: {
        LLVMValueRef args[4] = {llvm_get(L, in[0]), llvm_const(L, i32, op->imm[0]),
                                fp_operand(L, in[1]), llvm_get(L, in[2])};
        LLVMTypeRef ty[4] = {p, i32, i64, i32};
        LLVMValueRef r = llvm_call_host(L, LLVMFunctionType(i32, ty, 4, 0),
                                        (const void *)interp_f80_from, args, 4);
        llvm_set(L, op->args[0], r);
        break;
    }
    default: { /* IR_f80_to */
        LLVMValueRef args[4] = {llvm_const(L, i32, op->imm[0]), llvm_get(L, in[0]),
                                llvm_get(L, in[1]), L->exc_slot};
        LLVMTypeRef ty[4] = {i32, p, i32, p};
        LLVMValueRef r = llvm_call_host(L, LLVMFunctionType(i64, ty, 4, 0),
                                        (const void *)interp_f80_to, args, 4);
        fp_results(L, op, r);
        break;
    }
    }
    if (f80 && (ir_op_defs[op->opc].flags & IR_OPF_SIDE)) llvm_globals_reload(L);
}

/* ---- debug lines: line = the guest instruction's number in the region ---- */

static void debug_setup(LlvmLower *L, const char *name)
{
    LLVMMetadataRef ver = LLVMValueAsMetadata(llvm_const(L, L->i32, LLVMDebugMetadataVersion()));
    LLVMAddModuleFlag(L->mod, LLVMModuleFlagBehaviorWarning, "Debug Info Version", 18, ver);
    L->dib = LLVMCreateDIBuilderDisallowUnresolved(L->mod);
    LLVMMetadataRef file = LLVMDIBuilderCreateFile(L->dib, "region", 6, ".", 1);
    LLVMDIBuilderCreateCompileUnit(L->dib, LLVMDWARFSourceLanguageC, file, "doppel", 6, 1, "", 0, 0,
                                   "", 0, LLVMDWARFEmissionLineTablesOnly, 0, 0, 0, "", 0, "", 0);
    LLVMMetadataRef sty = LLVMDIBuilderCreateSubroutineType(L->dib, file, NULL, 0, LLVMDIFlagZero);
    size_t n = strlen(name);
    L->di_sp = LLVMDIBuilderCreateFunction(L->dib, file, name, n, name, n, file, 1, sty, 0, 1, 1,
                                           LLVMDIFlagZero, 1);
    LLVMSetSubprogram(L->fn, L->di_sp);
}

static void debug_line(LlvmLower *L, uint32_t insn)
{
    if (!L->dib) return;
    LLVMMetadataRef loc =
        LLVMDIBuilderCreateDebugLocation(L->ctx, L->line_base + insn + 1, 0, L->di_sp, NULL);
    LLVMSetCurrentDebugLocation2(L->bld, loc);
}

/* ---- ops, blocks, the region ---- */

static bool lower_op(LlvmLower *L, const IrOp *op)
{
    const ValueRule *rule = &value_rules[op->opc];
    if (op->opc != IR_label && block_terminated(L)) {
        /* After a NORETURN call: unreachable until the next label. */
        LLVMPositionBuilderAtEnd(L->bld, llvm_new_bb(L, "dead"));
    }
    if (op->opc != IR_label) debug_line(L, op->insn);
    if (rule->fn) {
        lower_value_op(L, op, rule);
        return true;
    }
    if (ir_op_defs[op->opc].flags & IR_OPF_FP) {
        lower_fp(L, op);
        return true;
    }
    switch (op->opc) {
    case IR_ld:
    case IR_st: llvm_lower_guest_access(L, op); break;
    case IR_ld_env:
    case IR_st_env: llvm_lower_env_access(L, op); break;
    case IR_host_range:
    case IR_ld_host:
    case IR_st_host: llvm_lower_host_access(L, op); break;
    case IR_call: lower_call(L, op); break;
    case IR_insn_start: break;
    case IR_label: {
        LLVMBasicBlockRef bb = label_bb(L, op->imm[0]);
        if (!block_terminated(L)) LLVMBuildBr(L->bld, bb);
        LLVMPositionBuilderAtEnd(L->bld, bb);
        break;
    }
    case IR_br: LLVMBuildBr(L->bld, label_bb(L, op->imm[0])); break;
    case IR_brcond: lower_brcond(L, op); break;
    case IR_goto_tb: lower_goto_tb(L, (unsigned)op->imm[0] & 1); break;
    case IR_goto_ptr: lower_goto_ptr(L); break;
    case IR_exit_tb: emit_return(L, JIT_EXIT_CODE, (unsigned)op->imm[0]); break;
    default: return false;
    }
    return true;
}

static bool lower_block(LlvmLower *L, uint32_t bi, char *err, size_t errlen)
{
    const JitRegionBlock *blk = &L->r->blocks[bi];
    L->bi = bi;
    L->b = blk->ir;
    L->tb = blk->tb;
    L->label_bb = calloc(blk->ir->nlabels + 1, sizeof(LLVMBasicBlockRef));
    if (!L->label_bb) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    LLVMPositionBuilderAtEnd(L->bld, L->block_bb[bi]);
    llvm_globals_block_start(L, bi);
    debug_line(L, 0);
    /* As the interpreter on entering a TB. */
    LLVMValueRef ic = llvm_load_cpu(L, offsetof(CPUState, icount), 64);
    ic = LLVMBuildAdd(L->bld, ic, llvm_const(L, L->i64, L->tb->icount), "");
    llvm_store_cpu(L, offsetof(CPUState, icount), ic);
    bool ok = true;
    for (uint32_t i = 0; i < L->b->nops && ok; i++) {
        if (!lower_op(L, &L->b->ops[i])) {
            snprintf(err, errlen, "block %u op %u: cannot lower %s", bi, i,
                     ir_op_defs[L->b->ops[i].opc].name);
            ok = false;
        }
        llvm_globals_note_op(L, &L->b->ops[i]);
    }
    /* A verified block ends in an exit; as interp_lower.c, a guard. */
    if (ok && !block_terminated(L)) emit_return(L, JIT_EXIT_CODE, IR_EXIT_NORMAL);
    free(L->label_bb);
    L->label_bb = NULL;
    L->line_base += L->b->ninsns;
    return ok;
}

static void set_fn_attr(LlvmLower *L, unsigned idx, const char *name, uint64_t val)
{
    unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));
    LLVMAddAttributeAtIndex(L->fn, idx, LLVMCreateEnumAttribute(L->ctx, kind, val));
}

LLVMValueRef llvm_lower_region(LLVMModuleRef m, const JitRegionSpec *r, char *err, size_t errlen)
{
    if (!r->nblocks) {
        snprintf(err, errlen, "empty region");
        return NULL;
    }
    for (uint32_t i = 0; i < r->nblocks; i++) {
        if (r->blocks[i].ir->globals != r->blocks[0].ir->globals) {
            snprintf(err, errlen, "blocks with different global tables");
            return NULL;
        }
    }
    LlvmLower l = {.r = r, .mod = m, .ctx = LLVMGetModuleContext(m)};
    LlvmLower *L = &l;
    L->globals = r->blocks[0].ir->globals;
    L->i1 = LLVMInt1TypeInContext(L->ctx);
    L->i8 = LLVMInt8TypeInContext(L->ctx);
    L->i32 = LLVMInt32TypeInContext(L->ctx);
    L->i64 = LLVMInt64TypeInContext(L->ctx);
    L->ptr = LLVMPointerTypeInContext(L->ctx, 0);
    L->voidt = LLVMVoidTypeInContext(L->ctx);
    L->region_fn_type = LLVMFunctionType(L->i64, &L->ptr, 1, 0);

    char name[48];
    snprintf(name, sizeof(name), "doppel_region_%" PRIu64, r->id);
    L->fn = LLVMAddFunction(m, name, L->region_fn_type);
    L->cpu = LLVMGetParam(L->fn, 0);
    set_fn_attr(L, LLVMAttributeFunctionIndex, "nounwind", 0);
    set_fn_attr(L, 1, "nonnull", 0);
    set_fn_attr(L, 1, "noundef", 0);
    set_fn_attr(L, 1, "dereferenceable", sizeof(CPUState));

    L->bld = LLVMCreateBuilderInContext(L->ctx);
    L->ebld = LLVMCreateBuilderInContext(L->ctx);
    LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(L->ctx, L->fn, "entry");
    LLVMPositionBuilderAtEnd(L->ebld, entry);
    if (r->debug_lines) debug_setup(L, name);

    bool ok = false;
    L->block_bb = calloc(r->nblocks, sizeof(LLVMBasicBlockRef));
    L->gslot = calloc(L->globals->count + 1, sizeof(LLVMValueRef));
    for (int t = 0; t < 3; t++)
        L->tslot[t] = calloc(IR_MAX_TEMPS, sizeof(LLVMValueRef));
    if (!L->block_bb || !L->gslot || !L->tslot[0] || !L->tslot[1] || !L->tslot[2]) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    llvm_mem_init(L);
    L->exc_slot = LLVMBuildAlloca(L->ebld, L->i32, "exc");
    /* Set the position for the entry code (its builder has no location). */
    LLVMPositionBuilderAtEnd(L->bld, entry);
    L->tlb = LLVMBuildLoad2(L->bld, L->ptr, llvm_cpu_field(L, offsetof(CPUState, tlb)), "tlb");
    llvm_tag(L, L->tlb, L->tbaa_cpu);
    llvm_globals_setup(L);
    for (uint32_t i = 0; i < r->nblocks; i++)
        L->block_bb[i] = llvm_new_bb(L, "tb");
    ok = true;
    for (uint32_t i = 0; i < r->nblocks && ok; i++)
        ok = lower_block(L, i, err, errlen);
    if (ok) LLVMBuildBr(L->ebld, L->block_bb[0]);

out:
    if (L->dib) {
        LLVMDIBuilderFinalize(L->dib);
        LLVMDisposeDIBuilder(L->dib);
    }
    LLVMDisposeBuilder(L->bld);
    LLVMDisposeBuilder(L->ebld);
    free(L->block_bb);
    free(L->gslot);
    free(L->dirty);
    free(L->dirty_in);
    for (int t = 0; t < 3; t++)
        free(L->tslot[t]);
    if (!ok) {
        LLVMDeleteFunction(L->fn);
        return NULL;
    }
    return L->fn;
}
