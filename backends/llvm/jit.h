/*
 * Tier 1 for the cpu loop (blueprint §6): hot TBs are queued, grown into
 * regions along their hot direct successors, compiled by LLVM on a
 * background thread while the interpreter keeps running, and installed in
 * the TB (tb->native) at the loop's next safe point.  With sync set every
 * TB is compiled as its own region when it is translated, before it first
 * runs (deterministic, for tests).
 *
 * Threads: every function here is called on the vCPU thread (the thread
 * that runs the machine); the compile thread only sees region snapshots
 * and returns finished code through a queue.
 */
#ifndef DOPPEL_JIT_H
#define DOPPEL_JIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/cpu.h"
#include "core/tb.h"

typedef struct Jit Jit;

#define JIT_DEFAULT_THRESHOLD  1000
#define JIT_DEFAULT_CACHE_SIZE (64u << 20) /* bytes of host code */

typedef struct JitOptions {
    uint64_t threshold;  /* executions before a TB is queued (>= 1) */
    uint64_t cache_size; /* host code bytes before the JIT flushes its regions */
    bool sync;           /* compile every TB at translation, on the vCPU thread */
} JitOptions;

/* A JIT for the TBs of cache.  NULL with one line in err if LLVM cannot
 * target the host. */
Jit *jit_create(const JitOptions *o, TbCache *cache, char *err, size_t errlen);
/* Stops the compile thread and frees every region. */
void jit_destroy(Jit *j);

/* The threshold the interpreter compares exec_count with (UINT64_MAX
 * when no TB should be queued: sync mode compiles at translation). */
uint64_t jit_threshold(const Jit *j);

/* A new cached TB (sync mode compiles it now). */
void jit_tb_translated(Jit *j, CPUState *cpu, TranslationBlock *tb);
/* tb reached the threshold: form a region from it and queue it. */
void jit_tb_hot(Jit *j, CPUState *cpu, TranslationBlock *tb);
/* Safe point (no TB running): install finished regions, release retired
 * ones.  Cheap when there is nothing to do. */
void jit_safe_point(Jit *j);

/* Run tb's native code.  Returns like interp_exec. */
typedef struct JitExit {
    TranslationBlock *last_tb;
    int slot; /* 0/1 unlinked goto_tb, -1 otherwise */
    int code; /* IrExitCode */
} JitExit;
JitExit jit_exec(CPUState *cpu, TranslationBlock *tb);

typedef struct JitStats {
    uint64_t regions;         /* compiled regions installed now */
    uint64_t regions_total;   /* ever installed */
    uint64_t regions_retired; /* invalidated or flushed */
    uint64_t tbs_covered;     /* TB copies inside installed regions */
    uint64_t compile_failures;
    uint64_t queued;           /* jobs waiting or compiling now */
    uint64_t queue_drops;      /* hot TBs not queued because the queue was full */
    uint64_t code_bytes;       /* host code of installed regions */
    uint64_t cache_flushes;    /* -jit-cache-size reached */
    uint64_t compile_ns_total; /* lower + optimise + codegen, all regions */
    uint64_t compile_ns_median;
    uint64_t first_install_ns; /* from the first hot TB to the first installed region */
} JitStats;
void jit_stats(Jit *j, JitStats *s);
/* The info jit report: the stats above, plus guest instructions run in
 * compiled code and in the interpreter for each cpu given. */
void jit_print_info(Jit *j, CPUState *const *cpus, int ncpus, FILE *out);

#endif
