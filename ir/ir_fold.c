/*
 * Constant folding (ir/README.md "Passes"): temps known to hold a constant
 * are substituted into later ops of the same straight-line stretch
 * (forgotten at labels, where other paths join), ops whose inputs are all
 * constants become movs of the value computed by ir_eval_int, and a few
 * algebraic identities turn into movs.  Dead movs are left to DCE.
 */
#include <stdlib.h>
#include <string.h>

#include "ir/ir.h"
#include "ir/ir_eval.h"
#include "ir/ir_internal.h"

typedef struct Folder {
    IrBlock *b;
    IrOp *out; /* the rewritten op list */
    uint32_t nout;
    uint8_t known[IR_MAX_TEMPS];
    uint64_t value[IR_MAX_TEMPS];
} Folder;

static void emit(Folder *f, const IrOp *op)
{
    f->out[f->nout++] = *op;
    unsigned n = ir_op_nouts(op);
    for (unsigned i = 0; i < n; i++) {
        IrVal d = op->args[i];
        if (!ir_is_temp(d)) continue;
        uint32_t t = ir_val_index(d);
        f->known[t] = op->opc == IR_mov && ir_is_const(op->args[1]);
        if (f->known[t]) f->value[t] = ir_const_value(f->b, op->args[1]);
    }
}

/* mov d <- src of type t, dropped when it would move d onto itself. */
static void emit_mov(Folder *f, const IrOp *orig, IrType t, IrVal d, IrVal src)
{
    if (d == src) return;
    IrOp mov = {.opc = IR_mov, .type = (uint8_t)t, .nargs = 2, .insn = orig->insn};
    mov.args[0] = d;
    mov.args[1] = src;
    emit(f, &mov);
}

static IrType result_type(const IrOp *op)
{
    switch (op->opc) {
    case IR_trunc: return IR_I32;
    case IR_zext:
    case IR_sext: return IR_I64;
    default: return (IrType)op->type;
    }
}

/* All inputs constant: evaluate.  Returns false to keep the op. */
static bool fold_constant(Folder *f, const IrOp *op)
{
    unsigned nout = ir_op_nouts(op);
    uint64_t in[IR_MAX_ARGS], res[2];
    if (op->nargs <= nout) return false;
    for (unsigned i = nout; i < op->nargs; i++) {
        if (!ir_is_const(op->args[i])) return false;
        in[i - nout] = ir_const_value(f->b, op->args[i]);
    }
    if (op->opc == IR_brcond) {
        if (ir_eval_cond((IrCond)op->imm[0], (IrType)op->type, in[0], in[1])) {
            IrOp br = {.opc = IR_br, .type = IR_VOID, .insn = op->insn, .imm = {op->imm[1]}};
            emit(f, &br);
        }
        return true;
    }
    if (ir_eval_div_is_corner(op, in) || !ir_eval_int(op, in, res)) return false;
    IrType t = result_type(op);
    for (unsigned i = 0; i < nout; i++)
        emit_mov(f, op, t, op->args[i], ir_const(f->b, t, res[i]));
    return true;
}

/* Identities with one constant operand of a two-input op. */
static bool fold_identity(Folder *f, const IrOp *op)
{
    if (op->nargs != 3 || !(ir_op_defs[op->opc].flags & IR_OPF_INT) || ir_op_defs[op->opc].nimm)
        return false;
    IrType t = (IrType)op->type;
    uint64_t ones = t == IR_I32 ? 0xffffffffull : ~0ull;
    IrVal d = op->args[0], x = op->args[1], y = op->args[2];
    bool xc = ir_is_const(x), yc = ir_is_const(y);
    uint64_t xv = xc ? ir_const_value(f->b, x) : 1, yv = yc ? ir_const_value(f->b, y) : 1;
    bool commutes = op->opc == IR_add || op->opc == IR_mul || op->opc == IR_and ||
                    op->opc == IR_or || op->opc == IR_xor;
    if (commutes && xc && !yc) { /* put the constant second */
        IrVal tv = x;
        x = y;
        y = tv;
        yv = xv;
        yc = true;
    }
    if (!yc) return false;
    unsigned count_mask = t == IR_I32 ? 31 : 63;
    switch (op->opc) {
    case IR_add:
    case IR_sub:
    case IR_or:
    case IR_xor:
        if (yv == 0) return emit_mov(f, op, t, d, x), true;
        if (op->opc == IR_or && yv == ones) return emit_mov(f, op, t, d, y), true;
        return false;
    case IR_mul:
        if (yv == 1) return emit_mov(f, op, t, d, x), true;
        if (yv == 0) return emit_mov(f, op, t, d, y), true;
        return false;
    case IR_and:
        if (yv == ones) return emit_mov(f, op, t, d, x), true;
        if (yv == 0) return emit_mov(f, op, t, d, y), true;
        return false;
    case IR_shl:
    case IR_shr:
    case IR_sar:
    case IR_rotl:
    case IR_rotr:
        if ((yv & count_mask) == 0) return emit_mov(f, op, t, d, x), true;
        return false;
    default: return false;
    }
}

/* movcond with a known condition or equal choices. */
static bool fold_movcond(Folder *f, const IrOp *op)
{
    IrVal d = op->args[0], c1 = op->args[1], c2 = op->args[2], v1 = op->args[3], v2 = op->args[4];
    if (v1 == v2) return emit_mov(f, op, (IrType)op->type, d, v1), true;
    if (!ir_is_const(c1) || !ir_is_const(c2)) return false;
    bool take = ir_eval_cond((IrCond)op->imm[0], (IrType)op->type, ir_const_value(f->b, c1),
                             ir_const_value(f->b, c2));
    emit_mov(f, op, (IrType)op->type, d, take ? v1 : v2);
    return true;
}

static void substitute_known(Folder *f, IrOp *op)
{
    for (unsigned i = ir_op_nouts(op); i < op->nargs; i++) {
        IrVal v = op->args[i];
        if (ir_val_kind(v) == IR_VAL_TEMP && f->known[ir_val_index(v)])
            op->args[i] = ir_const(f->b, ir_val_type(f->b, v), f->value[ir_val_index(v)]);
    }
}

void ir_pass_fold(IrBlock *b)
{
    /* add_carry/sub_borrow may become two movs. */
    uint32_t cap = 2 * b->nops + 1;
    Folder *f = calloc(1, sizeof(*f));
    if (!f || !(f->out = malloc(cap * sizeof(*f->out)))) abort();
    f->b = b;
    for (uint32_t i = 0; i < b->nops; i++) {
        IrOp op = b->ops[i];
        if (op.opc == IR_label) memset(f->known, 0, sizeof(f->known));
        substitute_known(f, &op);
        if (op.opc == IR_mov && op.args[0] == op.args[1]) continue;
        bool folded = fold_constant(f, &op) || fold_identity(f, &op) ||
                      (op.opc == IR_movcond && fold_movcond(f, &op));
        if (!folded) emit(f, &op);
    }
    free(b->ops);
    b->ops = f->out;
    b->nops = f->nout;
    b->ops_cap = cap;
    free(f);
}
