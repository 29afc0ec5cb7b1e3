/*
 * IR to LLVM IR (blueprint §5, §6): one region becomes one function with
 * the convention of jit_region.h.  Every IR op is lowered with exactly the
 * semantics of ir/README.md, which the interpreter defines; the random
 * block comparison (tests/unit/test_llvm_random.c) holds the two equal.
 *
 * - Globals live in allocas for the whole function (SROA makes them SSA
 *   values, so loops keep guest registers in host registers).  They are
 *   loaded from the cpu state at entry and after a helper that writes
 *   state; the ones the region writes are stored back at every exit and
 *   before a TLB slow path, a helper call that is not PURE, and ld_env
 *   (ir/README.md: ld_env/st_env may alias any global; with base env and a
 *   constant offset the lowering knows which global, if any, it touches).
 * - Guest memory: the soft-TLB compare of softmmu/tlb.h inlined (index,
 *   tag with alignment folded in, addend, byte swap for IR_MO_BE), the miss
 *   a cold call to softmmu_load_slow/softmmu_store_slow.
 * - TBAA keeps guest memory, cpu state and TLB entries in distinct
 *   families, so guest stores never force cpu-state reloads.
 * - FP ops call the interpreter's FP functions (backends/interp/interp_fp.h)
 *   so both tiers round and flag identically.
 */
#ifndef DOPPEL_LLVM_LOWER_H
#define DOPPEL_LLVM_LOWER_H

#include <llvm-c/Core.h>
#include <stdbool.h>
#include <stddef.h>

#include "backends/llvm/jit_region.h"

/* Add the function doppel_region_<r->id> for region r to module m (whose
 * context is used for every type).  Returns the function, or NULL with a
 * message in err if the region holds something the lowering refuses (it
 * should not: every IR op is lowered). */
LLVMValueRef llvm_lower_region(LLVMModuleRef m, const JitRegionSpec *r, char *err, size_t errlen);

#endif
