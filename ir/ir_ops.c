/*
 * The op table, expanded from ir_ops.def: names, arity and properties of
 * every opcode in one array indexed by IrOpcode.
 */
#include "ir/ir.h"

const IrOpDef ir_op_defs[IR_NUM_OPS] = {
#define IR_OP(op_name, op_nout, op_nin, op_nimm, op_flags)                                         \
    [IR_##op_name] = {                                                                             \
        .name = #op_name, .nout = op_nout, .nin = op_nin, .nimm = op_nimm, .flags = op_flags},
#include "ir/ir_ops.def"
#undef IR_OP
};
