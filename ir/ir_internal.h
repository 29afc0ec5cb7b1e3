/*
 * Small queries on ops shared by the verifier, the printer and the passes.
 * Private to ir/.
 */
#ifndef DOPPEL_IR_INTERNAL_H
#define DOPPEL_IR_INTERNAL_H

#include "ir/ir.h"

static inline const IrHelper *ir_op_helper(const IrOp *op)
{
    return (const IrHelper *)(intptr_t)op->imm[0];
}

/* Number of outputs at the front of op->args (calls: 0 or 1). */
static inline unsigned ir_op_nouts(const IrOp *op)
{
    if (op->opc == IR_call) return op->nargs > ir_op_helper(op)->nargs;
    return ir_op_defs[op->opc].nout;
}

static inline bool ir_is_temp(IrVal v)
{
    return ir_val_kind(v) == IR_VAL_TEMP;
}
static inline bool ir_is_global(IrVal v)
{
    return ir_val_kind(v) == IR_VAL_GLOBAL;
}
static inline bool ir_is_const(IrVal v)
{
    return ir_val_kind(v) == IR_VAL_CONST;
}

/* May op raise a guest exception (so guest state must be exact there)? */
static inline bool ir_op_may_raise(const IrOp *op)
{
    if (op->opc == IR_call) return ir_op_helper(op)->flags & (IR_CALL_MAY_RAISE | IR_CALL_NORETURN);
    return ir_op_defs[op->opc].flags & IR_OPF_RAISE;
}

/* Can op be deleted when none of its outputs is needed?  No effects, no
 * fault, no control flow; calls only when pure and not raising. */
static inline bool ir_op_removable(const IrOp *op)
{
    uint32_t fl = ir_op_defs[op->opc].flags;
    if (fl & (IR_OPF_SIDE | IR_OPF_MEM | IR_OPF_RAISE | IR_OPF_BRANCH | IR_OPF_EXIT)) return false;
    if (op->opc == IR_call) return (ir_op_helper(op)->flags & IR_CALL_PURE) && !ir_op_may_raise(op);
    return true;
}

#endif
