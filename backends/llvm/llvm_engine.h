/*
 * The ORC side of tier 1: an LLJIT for the host, the hand-picked pass
 * list, and code installation and release through resource trackers.
 * Every call on one engine comes from the thread that created it (the
 * compile thread, or the vCPU thread with -accel jit,sync=on): the engine
 * owns all LLVM objects.
 */
#ifndef DOPPEL_LLVM_ENGINE_H
#define DOPPEL_LLVM_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "backends/llvm/jit_region.h"

typedef struct LlvmEngine LlvmEngine;

typedef struct LlvmEngineOptions {
    /* Pass pipeline for LLVMRunPasses; NULL for the default hand-picked
     * list (llvm_engine.c says which passes and why). */
    const char *passes;
    /* Disassemble every compiled region to this stream (-d out_asm), with
     * the guest instruction boundaries from debug_lines.  NULL: off. */
    FILE *out_asm;
} LlvmEngineOptions;

/* NULL with one line in err if LLVM cannot target the host. */
LlvmEngine *llvm_engine_create(const LlvmEngineOptions *o, char *err, size_t errlen);
void llvm_engine_destroy(LlvmEngine *e);

typedef struct LlvmCompiled {
    JitEntry entry;
    void *tracker; /* release with llvm_engine_release */
    uint64_t code_bytes;
    /* Wall-clock time of each stage, nanoseconds. */
    uint64_t lower_ns, opt_ns, codegen_ns;
} LlvmCompiled;

/* Lower, optimise and compile region r.  False with one line in err on
 * failure (the region then stays in the interpreter). */
bool llvm_engine_compile(LlvmEngine *e, const JitRegionSpec *r, LlvmCompiled *out, char *err,
                         size_t errlen);
/* Free the code of a region (it must not be running or reachable). */
void llvm_engine_release(LlvmEngine *e, void *tracker);

#endif
