/*
 * The ORC engine of tier 1 (llvm_engine.h): one LLJIT for the host CPU,
 * a new context and module per region (freed with the region's code),
 * the hand-picked pass list, and code release through resource trackers.
 *
 * An object transform sees each region's relocatable object before it is
 * linked: it reads the function's symbol size (LlvmCompiled.code_bytes)
 * and, for -d out_asm, its line table (the guest instruction boundaries).
 */
#include "backends/llvm/llvm_engine.h"

#include <capstone/capstone.h>
#include <inttypes.h>
#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Object.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/llvm/llvm_internal.h"
#include "backends/llvm/llvm_lower.h"

/*
 * The default pass list and codegen level, measured in thread CPU time on
 * this (shared, loaded: +-20%) 2-core host: the 328 one-TB regions of
 * eight S/370 guest tests under -accel jit,sync=on, and the 600 regions of
 * 2-4 random blocks with cycles of tests/unit/test_llvm_random.c.
 *
 *   passes (codegen Less)                   S/370 median (passes)  random (passes, bytes)
 *   this list                               4.2-5.5 ms (0.7-0.9)   10.5 ms (2.5, 1116)
 *   sroa,early-cse,instcombine,simplifycfg  4.6 ms (0.55)          9.8 ms (1.6, 1173)
 *   ... + gvn,dse (no licm)                 4.6 ms (0.75)          9.9 ms (2.3, 1114)
 *   mem2reg,simplifycfg                     4.5 ms (0.17), +3% code
 *   default<O2>                             6.0 ms (2.2)           15.2 ms (6.6, 1106)
 *
 * Codegen is ~80% of the time, so the list is chosen for the code:
 *   sroa         globals' and temps' allocas become SSA values (guest
 *                registers in host registers); without it every value
 *                lives in a stack slot.
 *   early-cse    the repeated cpu-state loads and TLB index arithmetic of
 *                straight-line guest code; cheap.
 *   instcombine  the shift/mask/extend chains of lifted code (extract,
 *                deposit, 24/31-bit address masks, the TLB compare).
 *   simplifycfg  merges the blocks the lowering makes per op.
 *   gvn, dse     across a region's blocks: loads after other blocks'
 *                write-backs, stores overwritten before a read (-5% code
 *                on multi-block regions for ~0.8 ms).
 *   licm         hoists invariant loads out of region loops (~0.2 ms).
 * default<O2> costs three times the passes for 1% less code.
 *
 * Codegen level Less: Default and Aggressive give the same code and time;
 * None (FastISel, fast register allocation) halves codegen (2.8 ms median
 * for S/370) but makes 1.8x the code and the S/370 reg kernel's loop ~35%
 * slower; Less with FastISel forced saves ~25% of codegen for a 15% slower
 * loop.
 */
#define LLVM_DEFAULT_PASSES                                                                        \
    "function(sroa,early-cse,instcombine<no-verify-fixpoint>,simplifycfg,gvn,dse,"                 \
    "loop-mssa(licm),simplifycfg)"
#define LLVM_CODEGEN_LEVEL LLVMCodeGenLevelLess

struct LlvmEngine {
    LLVMOrcLLJITRef jit;
    LLVMOrcJITDylibRef jd;
    LLVMTargetMachineRef tm; /* target information for the passes */
    LLVMPassBuilderOptionsRef pass_options;
    char *passes;
    const char *data_layout;
    char *triple;
    FILE *out_asm;
    csh cs;
    bool cs_open;

    /* The compile in progress, for the object transform. */
    const char *want;
    uint64_t sym_size;
    bool want_lines;
    LlvmLineRow *rows;
    size_t nrows;
};

static pthread_once_t llvm_native_once = PTHREAD_ONCE_INIT;
static bool llvm_native_ok;

static void llvm_native_init(void)
{
    llvm_native_ok = !LLVMInitializeNativeTarget() && !LLVMInitializeNativeAsmPrinter();
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One line from an LLVMErrorRef (consumed). */
static void take_error(LLVMErrorRef e, const char *what, char *err, size_t errlen)
{
    char *msg = LLVMGetErrorMessage(e);
    snprintf(err, errlen, "%s: %s", what, msg);
    LLVMDisposeErrorMessage(msg);
}

static LLVMErrorRef object_transform(void *opaque, LLVMMemoryBufferRef *obj)
{
    LlvmEngine *e = opaque;
    if (!e->want) return LLVMErrorSuccess;
    char *msg = NULL;
    LLVMBinaryRef bin = LLVMCreateBinary(*obj, NULL, &msg);
    if (!bin) {
        LLVMDisposeMessage(msg);
        return LLVMErrorSuccess; /* sizes are statistics: never fail the compile */
    }
    LLVMSymbolIteratorRef it = LLVMObjectFileCopySymbolIterator(bin);
    for (; !LLVMObjectFileIsSymbolIteratorAtEnd(bin, it); LLVMMoveToNextSymbol(it)) {
        /* The function, not a same-named FILE symbol (size 0). */
        if (strcmp(LLVMGetSymbolName(it), e->want) == 0 && LLVMGetSymbolSize(it) > e->sym_size)
            e->sym_size = LLVMGetSymbolSize(it);
    }
    LLVMDisposeSymbolIterator(it);
    LLVMDisposeBinary(bin);
    if (e->want_lines)
        e->nrows =
            llvm_debug_lines(LLVMGetBufferStart(*obj), LLVMGetBufferSize(*obj), e->want, &e->rows);
    return LLVMErrorSuccess;
}

static LLVMTargetMachineRef host_target_machine(char *err, size_t errlen, char **triple_out)
{
    char *triple = LLVMGetDefaultTargetTriple(), *msg = NULL;
    LLVMTargetRef target;
    if (LLVMGetTargetFromTriple(triple, &target, &msg)) {
        snprintf(err, errlen, "LLVM has no target for %s: %s", triple, msg);
        LLVMDisposeMessage(msg);
        LLVMDisposeMessage(triple);
        return NULL;
    }
    /* The host's own CPU and features, so codegen uses AVX2, BMI, ... */
    char *cpu = LLVMGetHostCPUName(), *features = LLVMGetHostCPUFeatures();
    LLVMTargetMachineRef tm = LLVMCreateTargetMachine(
        target, triple, cpu, features, LLVM_CODEGEN_LEVEL, LLVMRelocPIC, LLVMCodeModelSmall);
    LLVMDisposeMessage(cpu);
    LLVMDisposeMessage(features);
    if (!tm) snprintf(err, errlen, "LLVM cannot create a target machine for %s", triple);
    if (triple_out && tm)
        *triple_out = triple;
    else
        LLVMDisposeMessage(triple);
    return tm;
}

LlvmEngine *llvm_engine_create(const LlvmEngineOptions *o, char *err, size_t errlen)
{
    pthread_once(&llvm_native_once, llvm_native_init);
    if (!llvm_native_ok) {
        snprintf(err, errlen, "LLVM has no native target for this host");
        return NULL;
    }
    LlvmEngine *e = calloc(1, sizeof(*e));
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    e->passes = strdup(o && o->passes ? o->passes : LLVM_DEFAULT_PASSES);
    e->out_asm = o ? o->out_asm : NULL;
    LLVMTargetMachineRef jit_tm = host_target_machine(err, errlen, NULL);
    e->tm = jit_tm ? host_target_machine(err, errlen, &e->triple) : NULL;
    if (!e->passes || !e->tm) {
        if (jit_tm) LLVMDisposeTargetMachine(jit_tm);
        llvm_engine_destroy(e);
        return NULL;
    }
    LLVMOrcLLJITBuilderRef builder = LLVMOrcCreateLLJITBuilder();
    /* Takes jit_tm (and disposes of it); the builder takes the result. */
    LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(
        builder, LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(jit_tm));
    LLVMErrorRef lerr = LLVMOrcCreateLLJIT(&e->jit, builder);
    if (lerr) {
        take_error(lerr, "LLVM ORC", err, errlen);
        e->jit = NULL;
        llvm_engine_destroy(e);
        return NULL;
    }
    e->jd = LLVMOrcLLJITGetMainJITDylib(e->jit);
    e->data_layout = LLVMOrcLLJITGetDataLayoutStr(e->jit);
    LLVMOrcObjectTransformLayerSetTransform(LLVMOrcLLJITGetObjTransformLayer(e->jit),
                                            object_transform, e);
    e->pass_options = LLVMCreatePassBuilderOptions();
    if (e->out_asm) {
        e->cs_open = cs_open(CS_ARCH_X86, CS_MODE_64, &e->cs) == CS_ERR_OK;
        if (e->cs_open) cs_option(e->cs, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
    }
    return e;
}

void llvm_engine_destroy(LlvmEngine *e)
{
    if (!e) return;
    if (e->jit) {
        LLVMErrorRef lerr = LLVMOrcDisposeLLJIT(e->jit);
        if (lerr) LLVMConsumeError(lerr);
    }
    if (e->tm) LLVMDisposeTargetMachine(e->tm);
    if (e->pass_options) LLVMDisposePassBuilderOptions(e->pass_options);
    if (e->cs_open) cs_close(&e->cs);
    if (e->triple) LLVMDisposeMessage(e->triple);
    free(e->passes);
    free(e);
}

/* ---- -d out_asm ---- */

/* Block and guest pc of line `line` (the region's instruction number). */
static bool line_source(const JitRegionSpec *r, uint32_t line, uint32_t *block, uint64_t *pc)
{
    uint32_t base = 0;
    for (uint32_t bi = 0; bi < r->nblocks; bi++) {
        const IrBlock *b = r->blocks[bi].ir;
        if (line > base && line <= base + b->ninsns) {
            uint32_t k = line - base - 1, n = 0;
            for (uint32_t i = 0; i < b->nops; i++) {
                if (b->ops[i].opc != IR_insn_start) continue;
                if (n++ == k) {
                    *block = bi;
                    *pc = (uint64_t)b->ops[i].imm[0];
                    return true;
                }
            }
            return false;
        }
        base += b->ninsns;
    }
    return false;
}

static void print_region(LlvmEngine *e, const JitRegionSpec *r, uint64_t addr, uint64_t size)
{
    FILE *out = e->out_asm;
    fprintf(out, "OUT: [region %" PRIu64 ": %u TB%s from pc 0x%" PRIx64 ", %" PRIu64 " bytes]\n",
            r->id, r->nblocks, r->nblocks == 1 ? "" : "s", r->blocks[0].tb->pc, size);
    if (!e->cs_open) return;
    cs_insn *insn = NULL;
    size_t n = cs_disasm(e->cs, (const uint8_t *)(uintptr_t)addr, size, addr, 0, &insn);
    size_t row = 0;
    uint32_t line = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t off = insn[i].address - addr;
        uint32_t next = line;
        while (row < e->nrows && e->rows[row].offset <= off)
            next = e->rows[row++].line;
        uint32_t block;
        uint64_t pc;
        if (next != line && next && line_source(r, next, &block, &pc))
            fprintf(out, "  -- guest insn %u (TB %u, pc 0x%" PRIx64 ")\n", next, block, pc);
        line = next;
        fprintf(out, "  0x%016" PRIx64 ":  %-8s %s\n", insn[i].address, insn[i].mnemonic,
                insn[i].op_str);
    }
    if (n) cs_free(insn, n);
    fflush(out);
}

/* ---- compile / release ---- */

bool llvm_engine_compile(LlvmEngine *e, const JitRegionSpec *r, LlvmCompiled *out, char *err,
                         size_t errlen)
{
    memset(out, 0, sizeof(*out));
    uint64_t t0 = now_ns();
    char name[48];
    snprintf(name, sizeof(name), "doppel_region_%" PRIu64, r->id);
    LLVMOrcThreadSafeContextRef tsc = LLVMOrcCreateNewThreadSafeContext();
    LLVMContextRef ctx = LLVMOrcThreadSafeContextGetContext(tsc);
    LLVMModuleRef mod = LLVMModuleCreateWithNameInContext("doppel", ctx);
    LLVMSetTarget(mod, e->triple);
    LLVMSetDataLayout(mod, e->data_layout);
    LLVMValueRef fn = llvm_lower_region(mod, r, err, errlen);
    bool ok = fn != NULL;
#ifdef DOPPEL_DEBUG
    if (ok && LLVMVerifyFunction(fn, LLVMReturnStatusAction)) {
        char *msg = NULL;
        LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg);
        snprintf(err, errlen, "%s does not verify: %s", name, msg ? msg : "?");
        LLVMDisposeMessage(msg);
        ok = false;
    }
#endif
    uint64_t t1 = now_ns();
    if (ok) {
        LLVMErrorRef lerr = LLVMRunPasses(mod, e->passes, e->tm, e->pass_options);
        if (lerr) {
            take_error(lerr, "LLVM passes", err, errlen);
            ok = false;
        }
    }
    uint64_t t2 = now_ns();
    if (!ok) {
        LLVMDisposeModule(mod);
        LLVMOrcDisposeThreadSafeContext(tsc);
        return false;
    }

    /* The module (and its context, with the last reference) is freed
     * once compiled. */
    LLVMOrcResourceTrackerRef rt = LLVMOrcJITDylibCreateResourceTracker(e->jd);
    LLVMOrcThreadSafeModuleRef tsm = LLVMOrcCreateNewThreadSafeModule(mod, tsc);
    LLVMOrcDisposeThreadSafeContext(tsc);
    e->want = name;
    e->sym_size = 0;
    e->want_lines = e->out_asm && r->debug_lines;
    e->rows = NULL;
    e->nrows = 0;
    LLVMOrcExecutorAddress addr = 0;
    LLVMErrorRef lerr = LLVMOrcLLJITAddLLVMIRModuleWithRT(e->jit, rt, tsm);
    if (!lerr) lerr = LLVMOrcLLJITLookup(e->jit, &addr, name);
    e->want = NULL;
    if (lerr) {
        take_error(lerr, "LLVM codegen", err, errlen);
        llvm_engine_release(e, rt);
        free(e->rows);
        return false;
    }
    uint64_t t3 = now_ns();
    out->entry = (JitEntry)(uintptr_t)addr;
    out->tracker = rt;
    out->code_bytes = e->sym_size;
    out->lower_ns = t1 - t0;
    out->opt_ns = t2 - t1;
    out->codegen_ns = t3 - t2;
    if (e->out_asm) print_region(e, r, addr, e->sym_size);
    free(e->rows);
    e->rows = NULL;
    e->nrows = 0;
    return true;
}

void llvm_engine_release(LlvmEngine *e, void *tracker)
{
    if (!tracker) return;
    LLVMOrcResourceTrackerRef rt = tracker;
    LLVMErrorRef lerr = LLVMOrcResourceTrackerRemove(rt);
    if (lerr) LLVMConsumeError(lerr);
    LLVMOrcReleaseResourceTracker(rt);
}
