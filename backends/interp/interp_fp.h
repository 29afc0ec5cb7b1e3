/*
 * Floating point for the interpreter (private to backends/interp): plain C
 * functions the dispatcher calls, on host SSE (f32/f64) and host x87
 * (f80), with the semantics of ir/README.md "Floating point".
 * Values are bit patterns; rm is an IrRound; *exc receives IR_FX_* flags.
 */
#ifndef DOPPEL_INTERP_FP_H
#define DOPPEL_INTERP_FP_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/ir.h"

/* fadd/fsub/fmul/fdiv (a, b), fsqrt (a), fma (a * b + c) in fmt f32/f64. */
uint64_t interp_fp_arith(unsigned opc, unsigned fmt, uint64_t a, uint64_t b, uint64_t c,
                         unsigned rm, uint32_t *exc);
/* IrFcmpResult of a ? b. */
uint32_t interp_fp_cmp(unsigned fmt, uint64_t a, uint64_t b, bool signaling, uint32_t *exc);
/* Convert a from format `from` to format `to`. */
uint64_t interp_fp_cvt(unsigned from, unsigned to, uint64_t a, unsigned rm, uint32_t *exc);

/* f80_add/sub/mul/div (*pa op *pb), f80_sqrt (*pa) into *pd; returns exc. */
uint32_t interp_f80_arith(unsigned opc, void *pd, const void *pa, const void *pb, unsigned rm);
uint32_t interp_f80_cmp(const void *pa, const void *pb, bool signaling, uint32_t *exc);
/* *pd = a of format fmt; returns exc. */
uint32_t interp_f80_from(void *pd, unsigned fmt, uint64_t a, unsigned rm);
/* *pa converted to format fmt. */
uint64_t interp_f80_to(unsigned fmt, const void *pa, unsigned rm, uint32_t *exc);

#endif
