/*
 * Result coalescing: frontends compute into a temp and copy it to the
 * guest register (`add t, r1, r2; mov r1, t`) because the temp is also
 * used for the flags (or to another temp).  When nothing writes the register again while the
 * temp is still used, the op writes the register directly, later uses
 * read the register, and the copy goes: one op fewer per instruction for
 * the interpreter, and less for LLVM to clean up.
 *
 * Only pure integer ops (no memory access, fault, call, branch or exit)
 * are retargeted, and the copy must follow immediately, so no global
 * write moves across anything that could observe it.
 */
#include "ir/ir.h"
#include "ir/ir_internal.h"

static bool op_reads(const IrOp *op, IrVal v)
{
    for (unsigned k = ir_op_nouts(op); k < op->nargs; k++)
        if (op->args[k] == v) return true;
    return false;
}

static bool op_writes(const IrOp *op, IrVal v)
{
    for (unsigned k = 0, n = ir_op_nouts(op); k < n; k++)
        if (op->args[k] == v) return true;
    return false;
}

static bool retargetable(const IrOp *op)
{
    uint32_t fl = ir_op_defs[op->opc].flags;
    if (!(fl & IR_OPF_INT) || op->opc == IR_call) return false;
    if (fl & (IR_OPF_MEM | IR_OPF_RAISE | IR_OPF_SIDE | IR_OPF_BRANCH | IR_OPF_EXIT)) return false;
    return ir_op_nouts(op) == 1 && ir_is_temp(op->args[0]);
}

/* Can temp t, copied to global g after op i + 1, be replaced by g in the
 * ops after it?  Until t is written again (or the block ends) every use
 * must come before any write of g and before any label. */
static bool uses_can_read_global(const IrBlock *b, uint32_t i, IrVal t, IrVal g)
{
    bool g_written = false, past_label = false, branched = false;
    for (uint32_t j = i + 2; j < b->nops; j++) {
        const IrOp *op = &b->ops[j];
        if (op->opc == IR_label) past_label = true;
        if (op_reads(op, t) && (g_written || past_label)) return false;
        /* A new value of t ends the uses only if every path goes through
         * it: not after a branch that may jump past it to a later read. */
        if (op_writes(op, t) && !branched && !past_label) return true;
        if (op_writes(op, g)) g_written = true;
        if (ir_op_defs[op->opc].flags & (IR_OPF_BRANCH | IR_OPF_EXIT)) branched = true;
    }
    return true;
}

static void replace_uses(IrBlock *b, uint32_t from, IrVal t, IrVal g)
{
    for (uint32_t j = from; j < b->nops; j++) {
        IrOp *op = &b->ops[j];
        for (unsigned k = ir_op_nouts(op); k < op->nargs; k++)
            if (op->args[k] == t) op->args[k] = g;
        if (op_writes(op, t)) return;
    }
}

static bool coalesce_sweep(IrBlock *b)
{
    uint32_t n = 0, before = b->nops;
    for (uint32_t i = 0; i < b->nops; i++) {
        IrOp *op = &b->ops[i];
        if (i + 1 < b->nops && retargetable(op)) {
            const IrOp *mov = &b->ops[i + 1];
            IrVal t = op->args[0], g = mov->args[0];
            if (mov->opc == IR_mov && mov->type == op->type && mov->args[1] == t && g != t &&
                (ir_is_global(g) || ir_is_temp(g)) && uses_can_read_global(b, i, t, g)) {
                replace_uses(b, i + 2, t, g);
                op->args[0] = g;
                b->ops[n++] = *op;
                i++; /* drop the copy */
                continue;
            }
        }
        b->ops[n++] = *op;
    }
    b->nops = n;
    return n != before;
}

void ir_pass_coalesce(IrBlock *b)
{
    /* A chain of copies (`neg t1; mov t2, t1; mov r8, t2`) folds one link
     * per sweep. */
    while (coalesce_sweep(b)) {
    }
}
