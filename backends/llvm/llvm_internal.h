/*
 * Private to backends/llvm: the state of one region's lowering, shared by
 * llvm_lower.c (values, integer ops, control, calls, FP, debug lines) and
 * llvm_lower_mem.c (cpu-state access, the global cache, the inline soft
 * TLB), and the DWARF line-table reader the engine uses for -d out_asm.
 */
#ifndef DOPPEL_LLVM_INTERNAL_H
#define DOPPEL_LLVM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* ---- llvm_debug_lines.cpp (C++ against LLVM's DWARF reader: the C API
 * has none) ---- */
typedef struct LlvmLineRow {
    uint64_t offset; /* from the function's first byte */
    uint32_t line;
} LlvmLineRow;
/* The line table of function `name` in the relocatable object [obj,
 * obj+size), sorted by offset, in *rows (malloc'ed, the caller frees).
 * Returns the number of rows: 0 (and *rows NULL) without a line table. */
#ifdef __cplusplus
extern "C"
#endif
    size_t
    llvm_debug_lines(const void *obj, size_t size, const char *name, LlvmLineRow **rows);

#ifndef __cplusplus /* the rest is C: core headers use <stdatomic.h> */
#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>
#include <stdbool.h>

#include "backends/llvm/jit_region.h"

typedef struct LlvmLower {
    const JitRegionSpec *r;
    LLVMContextRef ctx;
    LLVMModuleRef mod;
    LLVMBuilderRef bld;  /* the code of the ops */
    LLVMBuilderRef ebld; /* the entry block: allocas and global loads */
    LLVMValueRef fn, cpu;
    LLVMTypeRef i1, i8, i32, i64, ptr, voidt, region_fn_type;

    /* Globals: one alloca each for the ones the region uses. */
    const IrGlobalTable *globals;
    LLVMValueRef *gslot; /* per global, or NULL if unused */
    /* Globals whose alloca may differ from the cpu state: written by an op
     * that can precede this point.  Only those are stored back.  dirty_in
     * holds each block's set at entry (nblocks x count). */
    bool *dirty, *dirty_in;
    LLVMValueRef tlb;      /* cpu->tlb, loaded once at entry */
    LLVMValueRef exc_slot; /* i32 for the FP functions' exc out-parameter */

    /* Temps: allocas shared between blocks by (index, type). */
    LLVMValueRef *tslot[3]; /* [IR_I32, IR_I64, IR_PTR][index] */

    /* The block being lowered. */
    uint32_t bi;
    const IrBlock *b;
    TranslationBlock *tb;
    LLVMBasicBlockRef *block_bb; /* entry of each region block */
    LLVMBasicBlockRef *label_bb; /* this block's labels, created on use */

    /* Metadata kinds and the TBAA access tags (llvm_lower_mem.c). */
    unsigned md_tbaa, md_prof;
    LLVMValueRef tbaa_guest, tbaa_cpu, tbaa_tlb;
    LLVMValueRef prof_likely; /* branch_weights: first successor hot */

    /* debug_lines */
    LLVMDIBuilderRef dib;
    LLVMMetadataRef di_sp;
    uint32_t line_base; /* instructions of the blocks before this one */
} LlvmLower;

/* ---- llvm_lower.c: shared small builders ---- */
LLVMTypeRef llvm_int_type(LlvmLower *L, unsigned bits);
LLVMValueRef llvm_const(LlvmLower *L, LLVMTypeRef t, uint64_t v);
/* Host address as a ptr constant. */
LLVMValueRef llvm_const_ptr(LlvmLower *L, const void *p);
/* cpu + offset (bytes). */
LLVMValueRef llvm_cpu_field(LlvmLower *L, uint64_t offset);
LLVMBasicBlockRef llvm_new_bb(LlvmLower *L, const char *name);
/* A call of the host function at addr with type fty. */
LLVMValueRef llvm_call_host(LlvmLower *L, LLVMTypeRef fty, const void *addr, LLVMValueRef *args,
                            unsigned nargs);
/* Extend or truncate integer x to bits (sign-extending if sign). */
LLVMValueRef llvm_resize(LlvmLower *L, LLVMValueRef x, unsigned bits, bool sign);
/* Read/write an IR value (temp, global, constant, env). */
LLVMValueRef llvm_get(LlvmLower *L, IrVal v);
void llvm_set(LlvmLower *L, IrVal v, LLVMValueRef x);
LLVMTypeRef llvm_ir_type(LlvmLower *L, IrType t);

/* ---- llvm_lower_mem.c ---- */
void llvm_mem_init(LlvmLower *L); /* TBAA nodes, branch weights */
void llvm_tag(LlvmLower *L, LLVMValueRef inst, LLVMValueRef tag);
/* Load/store a cpu-state field of the given width, cpu-state TBAA. */
LLVMValueRef llvm_load_cpu(LlvmLower *L, uint64_t offset, unsigned bits);
void llvm_store_cpu(LlvmLower *L, uint64_t offset, LLVMValueRef v);
/* The global cache: the region's globals loaded at entry (into the entry
 * block), written back, reloaded. */
void llvm_globals_setup(LlvmLower *L);
void llvm_globals_block_start(LlvmLower *L, uint32_t bi);
void llvm_globals_note_op(LlvmLower *L, const IrOp *op); /* after lowering op */
void llvm_globals_write_back(LlvmLower *L);
void llvm_globals_reload(LlvmLower *L);
/* The guest pc (the i64 global bound to CPUState.pc) as the code sees it
 * now, or NULL if the region does not use such a global. */
LLVMValueRef llvm_guest_pc(LlvmLower *L);
/* cpu->current_tb = the block's TB (before a slow path or helper). */
void llvm_store_current_tb(LlvmLower *L);
void llvm_lower_guest_access(LlvmLower *L, const IrOp *op); /* ld, st */
void llvm_lower_env_access(LlvmLower *L, const IrOp *op);   /* ld_env, st_env */
void llvm_lower_host_access(LlvmLower *L, const IrOp *op);  /* host_range, ld_host, st_host */

#endif /* !__cplusplus */

#endif
