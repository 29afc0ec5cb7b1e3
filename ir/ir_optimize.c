/* The standard pass pipeline run on every block before it is lowered. */
#include "ir/ir.h"

void ir_optimize(IrBlock *b)
{
    ir_pass_fold(b);
    ir_pass_dead_global_stores(b);
    ir_pass_dead_temps(b);
    ir_pass_coalesce(b); /* after dead temps: op and copy are then adjacent */
}
