/*
 * Reference evaluation of the integer IR ops: the executable form of
 * ir/README.md, shared by constant folding and the tests so the semantics
 * have one source of truth.
 */
#ifndef DOPPEL_IR_EVAL_H
#define DOPPEL_IR_EVAL_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/ir.h"

/* Evaluate op on input values in[] (in args[] order after the outputs;
 * i32 values zero-extended), writing its outputs to out[] (i32 results
 * zero-extended).  Covers every op with IR_OPF_INT except memory, cpu-state
 * and branch ops, plus trunc/zext/sext.  Returns false for any other op. */
bool ir_eval_int(const IrOp *op, const uint64_t *in, uint64_t *out);

/* The condition c on a and b of type t (i32 or i64). */
bool ir_eval_cond(IrCond c, IrType t, uint64_t a, uint64_t b);

/* True if op is a division whose divisor/dividend are the corner cases the
 * frontends guard (divisor 0, signed INT_MIN / -1): folding leaves them. */
bool ir_eval_div_is_corner(const IrOp *op, const uint64_t *in);

#endif
