/*
 * Dead global-store elimination: an effect-free op whose outputs are all
 * globals that are written again before any read is removed.  The forward
 * window from the op ends at anything that can observe globals: guest
 * memory access or any raising op (state must be exact at a fault), calls
 * that are not pure, ld_env/st_env (may alias globals), f80 ops (read and
 * write cpu state through pointers), branches, labels and exits.  This is
 * what makes lazily computed condition codes cheap: a flag write followed
 * by another flag write in the next instruction disappears.
 */
#include <stdlib.h>

#include "ir/ir.h"
#include "ir/ir_internal.h"

static bool ends_window(const IrOp *op)
{
    uint32_t fl = ir_op_defs[op->opc].flags;
    if (fl & (IR_OPF_MEM | IR_OPF_RAISE | IR_OPF_BRANCH | IR_OPF_EXIT)) return true;
    if (op->opc == IR_call) return !(ir_op_helper(op)->flags & IR_CALL_PURE) || ir_op_may_raise(op);
    return op->opc == IR_label || op->opc == IR_ld_env || op->opc == IR_st_env ||
           (op->opc >= IR_f80_add && op->opc <= IR_f80_to);
}

static bool reads(const IrOp *op, IrVal g)
{
    for (unsigned i = ir_op_nouts(op); i < op->nargs; i++)
        if (op->args[i] == g) return true;
    return false;
}

static bool writes(const IrOp *op, IrVal g)
{
    for (unsigned i = 0, n = ir_op_nouts(op); i < n; i++)
        if (op->args[i] == g) return true;
    return false;
}

/* Is the value op i writes to global g overwritten before it is observed? */
static bool global_write_dead(const IrBlock *b, uint32_t i, IrVal g)
{
    for (uint32_t j = i + 1; j < b->nops; j++) {
        const IrOp *op = &b->ops[j];
        if (reads(op, g) || ends_window(op)) return false;
        if (writes(op, g)) return true;
    }
    return false;
}

static bool op_dead(const IrBlock *b, uint32_t i)
{
    const IrOp *op = &b->ops[i];
    unsigned nout = ir_op_nouts(op);
    if (!nout || !ir_op_removable(op)) return false;
    for (unsigned k = 0; k < nout; k++)
        if (!ir_is_global(op->args[k]) || !global_write_dead(b, i, op->args[k])) return false;
    return true;
}

void ir_pass_dead_global_stores(IrBlock *b)
{
    /* A write read only by a write removed later in the same sweep (the
     * CC of an add, read by the overflow select that the next compare
     * makes dead) goes in the next sweep; repeat until nothing changes. */
    for (uint32_t before = UINT32_MAX; b->nops != before;) {
        before = b->nops;
        uint32_t n = 0;
        /* Deciding op i looks only at ops after it, which are not yet moved. */
        for (uint32_t i = 0; i < b->nops; i++)
            if (!op_dead(b, i)) b->ops[n++] = b->ops[i];
        b->nops = n;
    }
}
