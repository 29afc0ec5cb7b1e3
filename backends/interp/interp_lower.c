/*
 * IR -> interpreter bytecode (format in interp_code.h).
 *
 * One pass over the verified block: each op becomes one bytecode
 * instruction (two for calls and FP ops), preceded by a movi for each
 * constant operand that has no immediate form.  Labels become instruction
 * indexes; branches are patched at the end with relative displacements.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/interp/interp.h"
#include "backends/interp/interp_code.h"

typedef struct BranchFixup {
    uint32_t insn;  /* index of the branch instruction */
    uint32_t label; /* target label id */
} BranchFixup;

typedef struct Lowering {
    const IrBlock *b;
    const void *const *handlers;
    InterpCode *code;
    uint32_t cap;
    uint32_t *label_pos; /* nlabels */
    BranchFixup *fixups;
    uint32_t nfixups, fixups_cap;
    unsigned const_slots_used; /* by the op being lowered */
} Lowering;

/* ---- handler selection tables ---- */

#define BASE_ENTRY(first) (int16_t)(INTERP_H_##first + 1)
#define BINOP_BASE(_, n)  [IR_##n] = BASE_ENTRY(n##_i32_rr),
#define UNOP_BASE(_, n)   [IR_##n] = BASE_ENTRY(n##_i32),
/* Handler of an op family, +1 so that 0 means "not in the family". */
static const int16_t binop_base[IR_NUM_OPS] = {INTERP_BINOPS(BINOP_BASE, _)};
static const int16_t unop_base[IR_NUM_OPS] = {INTERP_UNOPS(UNOP_BASE, _)};

/* Families indexed arithmetically: the enum order of interp_code.h. */
_Static_assert(INTERP_H_setcond_geu_i64_ri == INTERP_H_setcond_eq_i32_rr + 4 * IR_GEU + 3,
               "setcond handlers follow IrCond order, 4 variants each");
_Static_assert(INTERP_H_brcond_geu_i64_ri == INTERP_H_brcond_eq_i32_rr + 4 * IR_GEU + 3,
               "brcond handlers follow IrCond order, 4 variants each");
_Static_assert(INTERP_H_movcond_geu_i64 == INTERP_H_movcond_eq_i32 + 2 * IR_GEU + 1,
               "movcond handlers follow IrCond order, 2 variants each");
_Static_assert(INTERP_H_ld_env_64u_i64_ptr == INTERP_H_ld_env_8u_i32_env + 4 * 6 + 3,
               "ld_env handlers: 7 kinds (size * 2 + sign) x 4 variants");
_Static_assert(INTERP_H_ld_host_be64u_i64 == INTERP_H_ld_host_8u_i32 + 2 * 11 + 1 &&
                   INTERP_H_ld_host_be16u_i32 == INTERP_H_ld_host_8u_i32 + 2 * 7,
               "ld_host handlers: 7 host-order kinds, then be16u be16s be32u be32s be64u");
_Static_assert(INTERP_H_st_host_be64_i64 == INTERP_H_st_host_8_i32 + 2 * 6 + 1,
               "st_host handlers: 4 host-order sizes, then be16 be32 be64");
_Static_assert(INTERP_H_st_env_64_i64_ptr == INTERP_H_st_env_8_i32_env + 4 * 3 + 3,
               "st_env handlers: 4 sizes x 4 variants");

/* ---- emission ---- */

static uint32_t emit_index(Lowering *l, InterpHandler h)
{
    if (l->code->ninsns == l->cap) {
        l->cap *= 2;
        l->code = realloc(l->code, sizeof(InterpCode) + (size_t)l->cap * sizeof(InterpInsn));
        if (!l->code) abort();
    }
    uint32_t i = l->code->ninsns++;
    InterpInsn *in = &l->code->insns[i];
    memset(in, 0, sizeof(*in));
    in->handler = l->handlers[h];
    return i;
}

/* Valid until the next emission. */
static InterpInsn *emit(Lowering *l, InterpHandler h)
{
    uint32_t i = emit_index(l, h); /* may move l->code: index after it */
    return &l->code->insns[i];
}

static bool is_i64(IrType t)
{
    return t == IR_I64;
}
static bool is_const(IrVal v)
{
    return ir_val_kind(v) == IR_VAL_CONST;
}

/* The byte offset of a value; a constant is materialised by a movi into
 * a reserved frame slot first (so take all offsets before emitting the
 * op's own instruction). */
static uint32_t operand(Lowering *l, IrVal v)
{
    uint32_t idx = ir_val_index(v);
    switch (ir_val_kind(v)) {
    case IR_VAL_TEMP: return interp_slot_offset(idx);
    case IR_VAL_GLOBAL: return l->b->globals->globals[idx].offset;
    case IR_VAL_CONST: {
        if (l->const_slots_used == INTERP_CONST_SLOTS) abort(); /* no op has that many inputs */
        uint32_t off = interp_slot_offset(INTERP_SLOT_CONST0 + l->const_slots_used++);
        InterpInsn *in = emit(l, INTERP_H_movi_i64);
        in->o[0] = off;
        in->imm = ir_const_value(l->b, v);
        return off;
    }
    default: return interp_slot_offset(INTERP_SLOT_ENV); /* IR_ENV */
    }
}

static void add_fixup(Lowering *l, uint32_t insn, uint32_t label)
{
    if (l->nfixups == l->fixups_cap) {
        l->fixups_cap = l->fixups_cap ? 2 * l->fixups_cap : 16;
        l->fixups = realloc(l->fixups, l->fixups_cap * sizeof(*l->fixups));
        if (!l->fixups) abort();
    }
    l->fixups[l->nfixups++] = (BranchFixup){insn, label};
}

/* ---- per-family lowering ---- */

static bool is_commutative(unsigned opc)
{
    switch (opc) {
    case IR_add:
    case IR_mul:
    case IR_and:
    case IR_or:
    case IR_xor:
    case IR_mulh_s:
    case IR_mulh_u: return true;
    default: return false;
    }
}

/* Register or immediate second operand: handler variants are laid out
 * i32_rr, i32_ri, i64_rr, i64_ri from base. */
static void lower_binop(Lowering *l, const IrOp *op, int base)
{
    IrVal a = op->args[1], b = op->args[2];
    if (is_const(a) && !is_const(b) && is_commutative(op->opc)) {
        IrVal t = a;
        a = b;
        b = t;
    }
    bool imm = is_const(b);
    uint32_t d = operand(l, op->args[0]), oa = operand(l, a);
    uint32_t ob = imm ? 0 : operand(l, b);
    InterpInsn *in = emit(l, (InterpHandler)(base + 2 * is_i64(op->type) + imm));
    in->o[0] = d;
    in->o[1] = oa;
    in->o[2] = ob;
    if (imm) in->imm = ir_const_value(l->b, b);
}

static void lower_unop(Lowering *l, const IrOp *op, int base)
{
    uint32_t d = operand(l, op->args[0]);
    if (op->opc == IR_mov && is_const(op->args[1])) {
        InterpInsn *in = emit(l, is_i64(op->type) ? INTERP_H_movi_i64 : INTERP_H_movi_i32);
        in->o[0] = d;
        in->imm = ir_const_value(l->b, op->args[1]);
        return;
    }
    uint32_t a = operand(l, op->args[1]);
    InterpInsn *in = emit(l, (InterpHandler)(base + is_i64(op->type)));
    in->o[0] = d;
    in->o[1] = a;
}

/* Emit h with operand offsets of args[0..n-1] in o[0..3] then o2[0]. */
static uint32_t emit_operands(Lowering *l, InterpHandler h, const IrVal *args, unsigned n)
{
    uint32_t off[5];
    for (unsigned i = 0; i < n; i++)
        off[i] = operand(l, args[i]);
    uint32_t idx = emit_index(l, h);
    InterpInsn *in = &l->code->insns[idx];
    for (unsigned i = 0; i < n && i < 4; i++)
        in->o[i] = off[i];
    if (n > 4) in->o2[0] = off[4];
    return idx;
}

static void lower_setcond(Lowering *l, const IrOp *op)
{
    int base = INTERP_H_setcond_eq_i32_rr + 4 * (int)op->imm[0];
    lower_binop(l,
                &(IrOp){.opc = IR_setcond,
                        .type = op->type,
                        .args = {op->args[0], op->args[1], op->args[2]}},
                base);
}

static void lower_brcond(Lowering *l, const IrOp *op)
{
    IrVal a = op->args[0], b = op->args[1];
    bool imm = is_const(b);
    uint32_t oa = operand(l, a), ob = imm ? 0 : operand(l, b);
    int h = INTERP_H_brcond_eq_i32_rr + 4 * (int)op->imm[0] + 2 * is_i64(op->type) + imm;
    uint32_t idx = emit_index(l, (InterpHandler)h);
    InterpInsn *in = &l->code->insns[idx];
    in->o[0] = oa;
    in->o[1] = ob;
    if (imm) in->imm = ir_const_value(l->b, b);
    add_fixup(l, idx, (uint32_t)op->imm[1]);
}

static void lower_movcond(Lowering *l, const IrOp *op)
{
    int h = INTERP_H_movcond_eq_i32 + 2 * (int)op->imm[0] + is_i64(op->type);
    emit_operands(l, (InterpHandler)h, op->args, 5);
}

/* extract/sextract as a left shift to the top then a right shift down. */
static void lower_extract(Lowering *l, const IrOp *op)
{
    unsigned w = is_i64(op->type) ? 64 : 32;
    unsigned pos = (unsigned)op->imm[0], len = (unsigned)op->imm[1];
    InterpHandler h = op->opc == IR_extract ? INTERP_H_extract_i32 : INTERP_H_sextract_i32;
    uint32_t idx = emit_operands(l, (InterpHandler)(h + is_i64(op->type)), op->args, 2);
    l->code->insns[idx].o[2] = w - pos - len;
    l->code->insns[idx].o[3] = w - len;
}

static void lower_deposit(Lowering *l, const IrOp *op)
{
    unsigned pos = (unsigned)op->imm[0], len = (unsigned)op->imm[1];
    uint64_t field = len >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << len) - 1;
    uint32_t idx =
        emit_operands(l, (InterpHandler)(INTERP_H_deposit_i32 + is_i64(op->type)), op->args, 3);
    l->code->insns[idx].o[3] = pos;
    l->code->insns[idx].imm = field << pos;
}

static void lower_ld_st(Lowering *l, const IrOp *op)
{
    bool ld = op->opc == IR_ld;
    IrVal val = op->args[0], addr = op->args[1]; /* ld: d, addr; st: value, addr */
    bool addr64 = is_i64(ir_val_type(l->b, addr));
    int base = ld ? INTERP_H_ld_i32_a32 : INTERP_H_st_i32_a32;
    uint32_t ov = operand(l, val), oa = operand(l, addr);
    InterpInsn *in = emit(l, (InterpHandler)(base + 2 * is_i64(op->type) + addr64));
    in->o[0] = ov;
    in->o[1] = oa;
    in->o[2] = op->insn;
    in->o2[0] = (uint32_t)op->imm[0];
    in->o2[1] = (uint32_t)op->imm[1];
}

/* host_range: o[0] d, o[1] address, o[2] insn, o[3] write, o2[0] len,
 * o2[1] mmu_idx.  ld_host/st_host: o[0] value, o[1] base, o[2] memop,
 * imm offset. */
static void lower_host_access(Lowering *l, const IrOp *op)
{
    uint32_t ov = operand(l, op->args[0]), ob = operand(l, op->args[1]);
    InterpInsn *in;
    if (op->opc == IR_host_range) {
        bool addr64 = is_i64(ir_val_type(l->b, op->args[1]));
        in = emit(l, addr64 ? INTERP_H_host_range_a64 : INTERP_H_host_range_a32);
        in->o[2] = op->insn;
        in->o[3] = (uint32_t)op->imm[2];
        in->o2[0] = (uint32_t)op->imm[0];
        in->o2[1] = (uint32_t)op->imm[1];
    } else {
        /* Kinds as INTERP_HOST_LOADS/STORES list them: host order as
         * ld_env/st_env, then big-endian from two bytes up. */
        unsigned mo = (unsigned)op->imm[1], size = mo & IR_MO_SIZE;
        bool be = (mo & IR_MO_BE) && size != IR_MO_8, sign = (mo & IR_MO_SIGN) && size != IR_MO_64;
        int h;
        if (op->opc == IR_ld_host) {
            unsigned kind = be ? 7 + 2 * (size - 1) + sign : size * 2 + sign;
            h = INTERP_H_ld_host_8u_i32 + 2 * (int)kind;
        } else {
            h = INTERP_H_st_host_8_i32 + 2 * (int)(be ? 3 + size : size);
        }
        in = emit(l, (InterpHandler)(h + is_i64(op->type)));
        in->imm = (uint64_t)op->imm[0];
    }
    in->o[0] = ov;
    in->o[1] = ob;
}

static void lower_env_access(Lowering *l, const IrOp *op)
{
    unsigned mo = (unsigned)op->imm[1];
    unsigned size = mo & IR_MO_SIZE;
    bool ld = op->opc == IR_ld_env;
    IrVal base = op->args[1];
    bool via_ptr = base != IR_ENV;
    int h;
    if (ld) {
        unsigned kind = size == IR_MO_64 ? 6 : size * 2 + !!(mo & IR_MO_SIGN);
        h = INTERP_H_ld_env_8u_i32_env + 4 * (int)kind;
    } else {
        h = INTERP_H_st_env_8_i32_env + 4 * (int)size;
    }
    h += 2 * is_i64(op->type) + via_ptr;
    uint32_t ov = operand(l, op->args[0]), ob = via_ptr ? operand(l, base) : 0;
    InterpInsn *in = emit(l, (InterpHandler)h);
    in->o[0] = ov;
    in->o[1] = ob;
    in->imm = (uint64_t)op->imm[0];
}

static void lower_ptr_add(Lowering *l, const IrOp *op)
{
    bool imm = is_const(op->args[2]);
    uint32_t d = operand(l, op->args[0]), base = operand(l, op->args[1]);
    uint32_t off = imm ? 0 : operand(l, op->args[2]);
    InterpInsn *in = emit(l, imm ? INTERP_H_ptr_add_ri : INTERP_H_ptr_add_rr);
    in->o[0] = d;
    in->o[1] = base;
    in->o[2] = off;
    if (imm) in->imm = ir_const_value(l->b, op->args[2]);
}

static InterpHandler fp_handler(unsigned opc)
{
    switch (opc) {
    case IR_fcmp: return INTERP_H_fp_cmp;
    case IR_fcvt: return INTERP_H_fp_cvt;
    case IR_f80_add:
    case IR_f80_sub:
    case IR_f80_mul:
    case IR_f80_div:
    case IR_f80_sqrt: return INTERP_H_f80_arith;
    case IR_f80_cmp: return INTERP_H_f80_cmp;
    case IR_f80_from: return INTERP_H_f80_from;
    case IR_f80_to: return INTERP_H_f80_to;
    default: return INTERP_H_fp_arith;
    }
}

/* FP ops: outputs in o[0] (value, if any) and o[1] (exc); inputs in the
 * extension word.  fp_arith and f80_arith inputs are normalised to
 * {a, b, c, rm} and {pd, pa, pb, rm}: missing ones repeat an operand. */
static void lower_fp(Lowering *l, const IrOp *op)
{
    const IrOpDef *def = &ir_op_defs[op->opc];
    unsigned nout = def->nout, nin = def->nin;
    const IrVal *in_vals = op->args + nout;
    IrVal ins[4];
    unsigned n = nin;
    for (unsigned i = 0; i < nin; i++)
        ins[i] = in_vals[i];
    InterpHandler h = fp_handler(op->opc);
    if (h == INTERP_H_fp_arith || h == INTERP_H_f80_arith) {
        IrVal rm = in_vals[nin - 1];
        unsigned nvals = nin - 1;
        for (unsigned i = nvals; i < 3; i++)
            ins[i] = in_vals[h == INTERP_H_f80_arith ? 1 : 0];
        ins[3] = rm;
        n = 4;
    }
    uint32_t out[2] = {0, 0};
    for (unsigned i = 0; i < nout; i++)
        out[2 - nout + i] = operand(l, op->args[i]);
    uint32_t off[4];
    for (unsigned i = 0; i < n; i++)
        off[i] = operand(l, ins[i]);
    uint32_t idx = emit_index(l, h);
    emit_index(l, h); /* extension word; its handler is never used */
    InterpInsn *in = &l->code->insns[idx];
    in->o[0] = out[0];
    in->o[1] = out[1];
    in->o[2] = op->opc;
    in->o2[0] = (uint32_t)op->imm[0];
    in->o2[1] = (uint32_t)op->imm[1];
    memset(in[1].ext, 0, sizeof(in[1].ext));
    for (unsigned i = 0; i < n; i++)
        in[1].ext[i] = off[i];
}

static void lower_call(Lowering *l, const IrOp *op)
{
    const IrHelper *helper = (const IrHelper *)(intptr_t)op->imm[0];
    unsigned nargs = helper->nargs;
    bool has_ret = op->nargs > nargs;
    const IrVal *args = op->args + has_ret;
    uint32_t flags = 0, ret = 0;
    if (has_ret) {
        ret = operand(l, op->args[0]);
        flags |= is_i64(ir_val_type(l->b, op->args[0])) ? INTERP_CALL_RET_I64 : INTERP_CALL_RET_I32;
    }
    if (helper->flags & IR_CALL_MAY_RAISE) flags |= INTERP_CALL_MAY_RAISE;
    uint32_t off[IR_HELPER_MAX_ARGS];
    for (unsigned i = 0; i < nargs; i++) {
        off[i] = operand(l, args[i]);
        /* i64 and ptr arguments are passed whole; i32 zero-extended. */
        if (ir_val_type(l->b, args[i]) != IR_I32) flags |= 1u << i;
    }
    uint32_t idx = emit_index(l, INTERP_H_call);
    emit_index(l, INTERP_H_call); /* extension word */
    InterpInsn *in = &l->code->insns[idx];
    in->o[0] = ret;
    in->o[1] = flags;
    in->o[2] = op->insn;
    in->o[3] = nargs;
    in->imm = (uint64_t)(uintptr_t)helper->fn;
    memset(in[1].ext, 0, sizeof(in[1].ext));
    for (unsigned i = 0; i < nargs; i++)
        in[1].ext[i] = off[i];
}

static void lower_op(Lowering *l, const IrOp *op)
{
    l->const_slots_used = 0;
    if (binop_base[op->opc]) {
        lower_binop(l, op, binop_base[op->opc] - 1);
        return;
    }
    if (unop_base[op->opc]) {
        lower_unop(l, op, unop_base[op->opc] - 1);
        return;
    }
    if (ir_op_defs[op->opc].flags & IR_OPF_FP) {
        lower_fp(l, op);
        return;
    }
    switch (op->opc) {
    case IR_trunc: emit_operands(l, INTERP_H_trunc, op->args, 2); break;
    case IR_zext: emit_operands(l, INTERP_H_zext, op->args, 2); break;
    case IR_sext: emit_operands(l, INTERP_H_sext, op->args, 2); break;
    case IR_extract:
    case IR_sextract: lower_extract(l, op); break;
    case IR_deposit: lower_deposit(l, op); break;
    case IR_setcond: lower_setcond(l, op); break;
    case IR_movcond: lower_movcond(l, op); break;
    case IR_add_carry:
    case IR_sub_borrow: {
        InterpHandler h =
            op->opc == IR_add_carry ? INTERP_H_add_carry_i32 : INTERP_H_sub_borrow_i32;
        emit_operands(l, (InterpHandler)(h + is_i64(op->type)), op->args, 5);
        break;
    }
    case IR_ld:
    case IR_st: lower_ld_st(l, op); break;
    case IR_host_range:
    case IR_ld_host:
    case IR_st_host: lower_host_access(l, op); break;
    case IR_ptr_add: lower_ptr_add(l, op); break;
    case IR_ld_env:
    case IR_st_env: lower_env_access(l, op); break;
    case IR_call: lower_call(l, op); break;
    case IR_insn_start: break;
    case IR_label: l->label_pos[op->imm[0]] = l->code->ninsns; break;
    case IR_br: add_fixup(l, emit_index(l, INTERP_H_br), (uint32_t)op->imm[0]); break;
    case IR_brcond: lower_brcond(l, op); break;
    case IR_goto_tb: emit(l, INTERP_H_goto_tb)->o[0] = (uint32_t)op->imm[0]; break;
    case IR_goto_ptr: emit(l, INTERP_H_goto_ptr); break;
    case IR_exit_tb: emit(l, INTERP_H_exit_tb)->o[0] = (uint32_t)op->imm[0]; break;
    default:
        fprintf(stderr, "doppel: interp: cannot lower op %s\n", ir_op_defs[op->opc].name);
        abort();
    }
}

void *interp_lower(const IrBlock *b)
{
    Lowering l = {.b = b, .handlers = interp_handler_table(), .cap = 16};
    while (l.cap < b->nops + 2)
        l.cap *= 2;
    l.code = malloc(sizeof(InterpCode) + (size_t)l.cap * sizeof(InterpInsn));
    l.label_pos = calloc(b->nlabels + 1, sizeof(uint32_t));
    if (!l.code || !l.label_pos) abort();
    l.code->ninsns = 0;
    l.code->nops = b->nops;

    for (uint32_t i = 0; i < b->nops; i++)
        lower_op(&l, &b->ops[i]);
    /* A verified block ends in an exit; this one is only a guard. */
    emit(&l, INTERP_H_exit_tb)->o[0] = IR_EXIT_NORMAL;

    for (uint32_t i = 0; i < l.nfixups; i++) {
        const BranchFixup *f = &l.fixups[i];
        int32_t delta = (int32_t)(l.label_pos[f->label] - f->insn);
        l.code->insns[f->insn].o[3] = (uint32_t)delta;
    }
    free(l.fixups);
    free(l.label_pos);
    InterpCode *code = realloc(l.code, sizeof(InterpCode) + l.code->ninsns * sizeof(InterpInsn));
    return code ? code : l.code;
}

void interp_code_free(void *code)
{
    free(code);
}

size_t interp_code_size(const void *code)
{
    const InterpCode *c = code;
    return sizeof(InterpCode) + c->ninsns * sizeof(InterpInsn);
}
