/*
 * The memory side of the lowering (llvm_lower.h): TBAA families, the
 * cache of guest globals in allocas, ld_env/st_env, and the soft-TLB fast
 * path of softmmu/tlb.h inlined with a cold call for the miss.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/llvm/llvm_internal.h"
#include "core/tb.h"
#include "softmmu/tlb.h"

/* ---- metadata ---- */

static LLVMMetadataRef md_str(LlvmLower *L, const char *s)
{
    return LLVMMDStringInContext2(L->ctx, s, strlen(s));
}

static LLVMMetadataRef md_int(LlvmLower *L, LLVMTypeRef t, uint64_t v)
{
    return LLVMValueAsMetadata(llvm_const(L, t, v));
}

/* A scalar TBAA type under root and its access tag (struct-path form:
 * {base, access, offset}).  Three families that never alias each other:
 * guest memory, cpu state, TLB entries.  So LLVM keeps cpu-state values
 * (icount, loaded ld_env fields) and TLB entries across guest stores. */
static LLVMValueRef tbaa_tag(LlvmLower *L, LLVMMetadataRef root, const char *name)
{
    LLVMMetadataRef type_ops[3] = {md_str(L, name), root, md_int(L, L->i64, 0)};
    LLVMMetadataRef type = LLVMMDNodeInContext2(L->ctx, type_ops, 3);
    LLVMMetadataRef tag_ops[3] = {type, type, md_int(L, L->i64, 0)};
    return LLVMMetadataAsValue(L->ctx, LLVMMDNodeInContext2(L->ctx, tag_ops, 3));
}

void llvm_mem_init(LlvmLower *L)
{
    L->md_tbaa = LLVMGetMDKindIDInContext(L->ctx, "tbaa", 4);
    L->md_prof = LLVMGetMDKindIDInContext(L->ctx, "prof", 4);
    LLVMMetadataRef root_op = md_str(L, "doppel tbaa");
    LLVMMetadataRef root = LLVMMDNodeInContext2(L->ctx, &root_op, 1);
    L->tbaa_guest = tbaa_tag(L, root, "guest memory");
    L->tbaa_cpu = tbaa_tag(L, root, "cpu state");
    L->tbaa_tlb = tbaa_tag(L, root, "tlb entry");
    /* The weights __builtin_expect gives. */
    LLVMMetadataRef w[3] = {md_str(L, "branch_weights"), md_int(L, L->i32, 2000),
                            md_int(L, L->i32, 1)};
    L->prof_likely = LLVMMetadataAsValue(L->ctx, LLVMMDNodeInContext2(L->ctx, w, 3));
}

void llvm_tag(LlvmLower *L, LLVMValueRef inst, LLVMValueRef tag)
{
    LLVMSetMetadata(inst, L->md_tbaa, tag);
}

/* ---- cpu state ---- */

/* The cpu state is allocated 16-byte aligned; fields are aligned to
 * their offset's largest power of two up to their size. */
static unsigned field_align(uint64_t offset, unsigned bytes)
{
    unsigned a = bytes;
    while (a > 1 && (offset & (a - 1)))
        a >>= 1;
    return a;
}

LLVMValueRef llvm_load_cpu(LlvmLower *L, uint64_t offset, unsigned bits)
{
    LLVMValueRef v = LLVMBuildLoad2(L->bld, llvm_int_type(L, bits), llvm_cpu_field(L, offset), "");
    LLVMSetAlignment(v, field_align(offset, bits / 8));
    llvm_tag(L, v, L->tbaa_cpu);
    return v;
}

void llvm_store_cpu(LlvmLower *L, uint64_t offset, LLVMValueRef v)
{
    LLVMTypeRef t = LLVMTypeOf(v);
    unsigned bytes =
        LLVMGetTypeKind(t) == LLVMPointerTypeKind ? sizeof(void *) : LLVMGetIntTypeWidth(t) / 8;
    LLVMValueRef st = LLVMBuildStore(L->bld, v, llvm_cpu_field(L, offset));
    LLVMSetAlignment(st, field_align(offset, bytes));
    llvm_tag(L, st, L->tbaa_cpu);
}

void llvm_store_current_tb(LlvmLower *L)
{
    llvm_store_cpu(L, offsetof(CPUState, current_tb), llvm_const_ptr(L, L->tb));
}

/* ---- the global cache ---- */

static unsigned global_bytes(const IrGlobal *g)
{
    return g->type == IR_I64 ? 8 : 4;
}

/* The global whose field is exactly [offset, offset + size), or -1. */
static int exact_global(LlvmLower *L, int64_t offset, unsigned size)
{
    for (uint32_t i = 0; i < L->globals->count; i++) {
        const IrGlobal *g = &L->globals->globals[i];
        if ((int64_t)g->offset == offset && global_bytes(g) == size) return (int)i;
    }
    return -1;
}

static bool overlaps_global(LlvmLower *L, int64_t offset, unsigned size)
{
    for (uint32_t i = 0; i < L->globals->count; i++) {
        const IrGlobal *g = &L->globals->globals[i];
        if ((int64_t)g->offset < offset + size && offset < (int64_t)(g->offset + global_bytes(g)))
            return true;
    }
    return false;
}

static bool env_exact(const IrOp *op)
{
    return (op->opc == IR_ld_env || op->opc == IR_st_env) && op->args[1] == IR_ENV;
}

static unsigned op_outputs(const IrOp *op)
{
    if (op->opc != IR_call) return ir_op_defs[op->opc].nout;
    const IrHelper *h = (const IrHelper *)(intptr_t)op->imm[0];
    return op->nargs > h->nargs;
}

/* Calls on every global op writes (outputs, st_env exactly on one). */
static void for_each_written(LlvmLower *L, const IrOp *op,
                             void (*fn)(LlvmLower *, uint32_t, void *), void *arg)
{
    unsigned nout = op_outputs(op);
    for (unsigned k = 0; k < nout; k++)
        if (ir_val_kind(op->args[k]) == IR_VAL_GLOBAL) fn(L, ir_val_index(op->args[k]), arg);
    if (env_exact(op) && op->opc == IR_st_env) {
        int g = exact_global(L, op->imm[0], ir_memop_size((unsigned)op->imm[1]));
        if (g >= 0) fn(L, (uint32_t)g, arg);
    }
}

static void set_flag(LlvmLower *L, uint32_t g, void *set)
{
    ((bool *)set)[g] = true;
}

/* Scan the region: an alloca for every global it reads or writes, loaded
 * at entry.  Then each block's dirty set at entry: what its in-region
 * predecessors may have written (a fixpoint: regions have cycles). */
void llvm_globals_setup(LlvmLower *L)
{
    uint32_t n = L->globals->count, nb = L->r->nblocks;
    bool *used = calloc(n + 1, sizeof(bool));
    bool *out = calloc((size_t)nb * n + 1, sizeof(bool)); /* dirty at each block's exits */
    L->dirty = calloc(n + 1, sizeof(bool));
    L->dirty_in = calloc((size_t)nb * n + 1, sizeof(bool));
    if (!used || !out || !L->dirty || !L->dirty_in) abort();
    for (uint32_t bi = 0; bi < nb; bi++) {
        const IrBlock *b = L->r->blocks[bi].ir;
        for (uint32_t i = 0; i < b->nops; i++) {
            const IrOp *op = &b->ops[i];
            for (unsigned k = 0; k < op->nargs; k++)
                if (ir_val_kind(op->args[k]) == IR_VAL_GLOBAL)
                    used[ir_val_index(op->args[k])] = true;
            if (env_exact(op)) {
                int g = exact_global(L, op->imm[0], ir_memop_size((unsigned)op->imm[1]));
                if (g >= 0) used[g] = true;
            }
            for_each_written(L, op, set_flag, out + (size_t)bi * n);
        }
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (uint32_t bi = 0; bi < nb; bi++) {
            for (int s = 0; s < 3; s++) {
                const JitRegionBlock *rb = &L->r->blocks[bi];
                int32_t j = s < 2 ? rb->succ[s] : rb->ptr_succ;
                if (j < 0 || (uint32_t)j >= nb) continue;
                for (uint32_t g = 0; g < n; g++) {
                    bool d = out[(size_t)bi * n + g] || L->dirty_in[(size_t)bi * n + g];
                    if (d && !L->dirty_in[(size_t)j * n + g]) {
                        L->dirty_in[(size_t)j * n + g] = true;
                        changed = true;
                    }
                }
            }
        }
    }
    for (uint32_t g = 0; g < n; g++) {
        if (!used[g]) continue;
        const IrGlobal *gl = &L->globals->globals[g];
        L->gslot[g] = LLVMBuildAlloca(L->ebld, llvm_ir_type(L, gl->type), gl->name);
        LLVMBuildStore(L->bld, llvm_load_cpu(L, gl->offset, 8 * global_bytes(gl)), L->gslot[g]);
    }
    free(used);
    free(out);
}

void llvm_globals_block_start(LlvmLower *L, uint32_t bi)
{
    uint32_t n = L->globals->count;
    memcpy(L->dirty, L->dirty_in + (size_t)bi * n, n * sizeof(bool));
}

/* Branches go forward only, so an op can be preceded on some path only
 * by ops before it: the set only grows within a block. */
void llvm_globals_note_op(LlvmLower *L, const IrOp *op)
{
    for_each_written(L, op, set_flag, L->dirty);
}

void llvm_globals_write_back(LlvmLower *L)
{
    for (uint32_t g = 0; g < L->globals->count; g++) {
        if (!L->dirty[g]) continue;
        const IrGlobal *gl = &L->globals->globals[g];
        LLVMValueRef v = LLVMBuildLoad2(L->bld, llvm_ir_type(L, gl->type), L->gslot[g], "");
        llvm_store_cpu(L, gl->offset, v);
    }
}

LLVMValueRef llvm_guest_pc(LlvmLower *L)
{
    for (uint32_t g = 0; g < L->globals->count; g++) {
        const IrGlobal *gl = &L->globals->globals[g];
        if (L->gslot[g] && gl->type == IR_I64 && gl->offset == offsetof(CPUState, pc))
            return LLVMBuildLoad2(L->bld, L->i64, L->gslot[g], "pc");
    }
    return NULL;
}

/* The allocas take the cpu state's values: none differs any more. */
void llvm_globals_reload(LlvmLower *L)
{
    for (uint32_t g = 0; g < L->globals->count; g++) {
        if (!L->gslot[g]) continue;
        const IrGlobal *gl = &L->globals->globals[g];
        LLVMBuildStore(L->bld, llvm_load_cpu(L, gl->offset, 8 * global_bytes(gl)), L->gslot[g]);
    }
}

/* ---- ld_env / st_env (host byte order, never fault) ---- */

static unsigned op_bits(const IrOp *op)
{
    return op->type == IR_I64 ? 64 : 32;
}

/* An access that is exactly a global's field uses its alloca; one that
 * overlaps a global only partly goes to memory with the globals stored
 * first (and reloaded after a store); so does any access through a ptr
 * base, which may reach any global. */
void llvm_lower_env_access(LlvmLower *L, const IrOp *op)
{
    bool ld = op->opc == IR_ld_env;
    int64_t offset = op->imm[0];
    unsigned mo = (unsigned)op->imm[1], size = ir_memop_size(mo), bits = 8 * size;
    bool sign = mo & IR_MO_SIGN;
    IrVal base = op->args[1];
    if (base == IR_ENV) {
        int g = exact_global(L, offset, size);
        if (g >= 0) {
            const IrGlobal *gl = &L->globals->globals[g];
            LLVMTypeRef gt = llvm_ir_type(L, gl->type);
            if (ld) {
                LLVMValueRef v = LLVMBuildLoad2(L->bld, gt, L->gslot[g], "");
                llvm_set(L, op->args[0], llvm_resize(L, v, op_bits(op), sign));
            } else {
                LLVMValueRef v = llvm_resize(L, llvm_get(L, op->args[0]), bits, false);
                LLVMBuildStore(L->bld, v, L->gslot[g]);
            }
            return;
        }
    }
    bool sync = base != IR_ENV || overlaps_global(L, offset, size);
    LLVMValueRef v = ld ? NULL : llvm_resize(L, llvm_get(L, op->args[0]), bits, false);
    LLVMValueRef p;
    if (base == IR_ENV) {
        p = llvm_cpu_field(L, (uint64_t)offset);
    } else {
        LLVMValueRef off = llvm_const(L, L->i64, (uint64_t)offset);
        p = LLVMBuildGEP2(L->bld, L->i8, llvm_get(L, base), &off, 1, "");
    }
    if (sync) llvm_globals_write_back(L);
    if (ld) {
        LLVMValueRef x = LLVMBuildLoad2(L->bld, llvm_int_type(L, bits), p, "");
        LLVMSetAlignment(x, 1);
        llvm_tag(L, x, L->tbaa_cpu);
        llvm_set(L, op->args[0], llvm_resize(L, x, op_bits(op), sign));
    } else {
        LLVMValueRef st = LLVMBuildStore(L->bld, v, p);
        LLVMSetAlignment(st, 1);
        llvm_tag(L, st, L->tbaa_cpu);
        if (sync) llvm_globals_reload(L);
    }
}

/* ---- guest memory: the soft-TLB fast path inline ---- */

static LLVMValueRef gep_bytes(LlvmLower *L, LLVMValueRef base, LLVMValueRef off)
{
    return LLVMBuildInBoundsGEP2(L->bld, L->i8, base, &off, 1, "");
}

static LLVMValueRef bswap(LlvmLower *L, LLVMValueRef x)
{
    LLVMTypeRef t = LLVMTypeOf(x);
    unsigned id = LLVMLookupIntrinsicID("llvm.bswap", 10);
    LLVMValueRef f = LLVMGetIntrinsicDeclaration(L->mod, id, &t, 1);
    return LLVMBuildCall2(L->bld, LLVMIntrinsicGetType(L->ctx, id, &t, 1), f, &x, 1, "");
}

static void mark_cold(LlvmLower *L, LLVMValueRef call)
{
    unsigned kind = LLVMGetEnumAttributeKindForName("cold", 4);
    LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex,
                             LLVMCreateEnumAttribute(L->ctx, kind, 0));
}

/* tlb_entry of softmmu/tlb.h: the entry of addr's page in mmu_idx's table. */
static LLVMValueRef tlb_entry_ref(LlvmLower *L, LLVMValueRef addr, unsigned mmu_idx)
{
    LLVMBuilderRef B = L->bld;
    LLVMValueRef idx = LLVMBuildLShr(B, addr, llvm_const(L, L->i64, L->r->page_bits), "");
    idx = LLVMBuildAnd(B, idx, llvm_const(L, L->i64, TLB_SIZE - 1), "");
    LLVMValueRef off = LLVMBuildMul(B, idx, llvm_const(L, L->i64, sizeof(TlbEntry)), "");
    uint64_t table = offsetof(SoftTlb, table) + (uint64_t)mmu_idx * TLB_SIZE * sizeof(TlbEntry);
    off = LLVMBuildAdd(B, off, llvm_const(L, L->i64, table), "");
    return gep_bytes(L, L->tlb, off);
}

static LLVMValueRef tlb_entry_field(LlvmLower *L, LLVMValueRef entry, size_t offset,
                                    const char *name)
{
    LLVMValueRef p = gep_bytes(L, entry, llvm_const(L, L->i64, offset));
    LLVMValueRef v = LLVMBuildLoad2(L->bld, L->i64, p, name);
    llvm_tag(L, v, L->tbaa_tlb);
    return v;
}

/* softmmu_load/softmmu_store of softmmu/tlb.h: entry by page number,
 * tag == (addr + size - 1 - amask) & (page_mask | amask), host = addr +
 * addend.  A miss stores the globals and current_tb and calls the slow
 * path with the instruction index, in a cold block off the fall-through. */
void llvm_lower_guest_access(LlvmLower *L, const IrOp *op)
{
    LLVMBuilderRef B = L->bld;
    bool ld = op->opc == IR_ld;
    unsigned mo = (unsigned)op->imm[0], mmu_idx = (unsigned)op->imm[1];
    unsigned size = ir_memop_size(mo), bits = 8 * size, w = op_bits(op);
    uint64_t amask = (mo & IR_MO_ALIGN) ? size - 1 : 0;
    uint64_t page_mask = ~((UINT64_C(1) << L->r->page_bits) - 1);

    LLVMValueRef addr = llvm_resize(L, llvm_get(L, op->args[1]), 64, false);
    LLVMValueRef val = ld ? NULL : llvm_get(L, op->args[0]);

    LLVMValueRef entry = tlb_entry_ref(L, addr, mmu_idx);
    LLVMValueRef tag = tlb_entry_field(
        L, entry, ld ? offsetof(TlbEntry, addr_read) : offsetof(TlbEntry, addr_write), "tag");
    LLVMValueRef cmp = LLVMBuildAdd(B, addr, llvm_const(L, L->i64, size - 1 - amask), "");
    cmp = LLVMBuildAnd(B, cmp, llvm_const(L, L->i64, page_mask | amask), "");
    LLVMValueRef hit = LLVMBuildICmp(B, LLVMIntEQ, tag, cmp, "");

    LLVMBasicBlockRef fast = llvm_new_bb(L, "tlb_hit"), slow = llvm_new_bb(L, "tlb_miss");
    LLVMBasicBlockRef join = llvm_new_bb(L, "");
    LLVMValueRef br = LLVMBuildCondBr(B, hit, fast, slow);
    LLVMSetMetadata(br, L->md_prof, L->prof_likely);

    LLVMPositionBuilderAtEnd(B, fast);
    LLVMValueRef addend = tlb_entry_field(L, entry, offsetof(TlbEntry, addend), "");
    LLVMValueRef host = LLVMBuildIntToPtr(B, LLVMBuildAdd(B, addr, addend, ""), L->ptr, "");
    LLVMValueRef fast_val = NULL;
    if (ld) {
        LLVMValueRef x = LLVMBuildLoad2(B, llvm_int_type(L, bits), host, "");
        LLVMSetAlignment(x, 1);
        llvm_tag(L, x, L->tbaa_guest);
        if ((mo & IR_MO_BE) && size > 1) x = bswap(L, x);
        fast_val = llvm_resize(L, x, w, mo & IR_MO_SIGN);
    } else {
        LLVMValueRef x = llvm_resize(L, val, bits, false);
        if ((mo & IR_MO_BE) && size > 1) x = bswap(L, x);
        LLVMValueRef st = LLVMBuildStore(B, x, host);
        LLVMSetAlignment(st, 1);
        llvm_tag(L, st, L->tbaa_guest);
    }
    LLVMBasicBlockRef fast_end = LLVMGetInsertBlock(B);
    LLVMBuildBr(B, join);

    LLVMPositionBuilderAtEnd(B, slow);
    llvm_globals_write_back(L);
    llvm_store_current_tb(L);
    LLVMValueRef slow_val = NULL;
    if (ld) {
        LLVMTypeRef ty[5] = {L->ptr, L->i64, L->i32, L->i32, L->i32};
        LLVMValueRef args[5] = {L->cpu, addr, llvm_const(L, L->i32, mo),
                                llvm_const(L, L->i32, mmu_idx), llvm_const(L, L->i32, op->insn)};
        LLVMValueRef r = llvm_call_host(L, LLVMFunctionType(L->i64, ty, 5, 0),
                                        (const void *)softmmu_load_slow, args, 5);
        mark_cold(L, r);
        slow_val = llvm_resize(L, r, w, false);
    } else {
        LLVMTypeRef ty[6] = {L->ptr, L->i64, L->i64, L->i32, L->i32, L->i32};
        LLVMValueRef args[6] = {L->cpu,
                                addr,
                                llvm_resize(L, val, 64, false),
                                llvm_const(L, L->i32, mo),
                                llvm_const(L, L->i32, mmu_idx),
                                llvm_const(L, L->i32, op->insn)};
        LLVMValueRef c = llvm_call_host(L, LLVMFunctionType(L->voidt, ty, 6, 0),
                                        (const void *)softmmu_store_slow, args, 6);
        mark_cold(L, c);
    }
    LLVMBasicBlockRef slow_end = LLVMGetInsertBlock(B);
    LLVMBuildBr(B, join);

    LLVMPositionBuilderAtEnd(B, join);
    if (ld) {
        LLVMValueRef phi = LLVMBuildPhi(B, llvm_int_type(L, w), "");
        LLVMValueRef vals[2] = {fast_val, slow_val};
        LLVMBasicBlockRef bbs[2] = {fast_end, slow_end};
        LLVMAddIncoming(phi, vals, bbs, 2);
        llvm_set(L, op->args[0], phi);
    }
}

/* The code units [addr, addr + len) of a page touch, as tlb_code_unit_bits
 * for pages of at most 64 units: (2 << last) - 1 wraps to all ones for
 * unit 63. */
static LLVMValueRef code_unit_bits(LlvmLower *L, LLVMValueRef addr, uint64_t len)
{
    LLVMBuilderRef B = L->bld;
    LLVMValueRef one = llvm_const(L, L->i64, 1), two = llvm_const(L, L->i64, 2);
    LLVMValueRef off =
        LLVMBuildAnd(B, addr, llvm_const(L, L->i64, (UINT64_C(1) << L->r->page_bits) - 1), "");
    LLVMValueRef first = LLVMBuildLShr(B, off, llvm_const(L, L->i64, TB_CODE_UNIT_BITS), "");
    LLVMValueRef last = LLVMBuildAdd(B, off, llvm_const(L, L->i64, len - 1), "");
    last = LLVMBuildLShr(B, last, llvm_const(L, L->i64, TB_CODE_UNIT_BITS), "");
    LLVMValueRef upto = LLVMBuildSub(B, LLVMBuildShl(B, two, last, ""), one, "");
    LLVMValueRef from = LLVMBuildNeg(B, LLVMBuildShl(B, one, first, ""), "");
    return LLVMBuildAnd(B, upto, from, "");
}

/* host_range (softmmu_host_range_in_page): a hit is the entry's tag for
 * the access equal to the page of the range's last byte, so a range
 * crossing a page misses too.  A write to a page holding code (the tag
 * has TLB_NOTDIRTY) still hits when no code unit it touches holds
 * translated code: work areas beside code.  Else the C version, cold. */
static void lower_host_range(LlvmLower *L, const IrOp *op)
{
    LLVMBuilderRef B = L->bld;
    uint64_t len = (uint64_t)op->imm[0];
    unsigned mmu_idx = (unsigned)op->imm[1], write = (unsigned)op->imm[2];
    uint64_t page_mask = ~((UINT64_C(1) << L->r->page_bits) - 1);
    bool units_inline = write && L->r->page_bits - TB_CODE_UNIT_BITS <= 6;
    LLVMValueRef addr = llvm_resize(L, llvm_get(L, op->args[1]), 64, false);

    LLVMValueRef entry = tlb_entry_ref(L, addr, mmu_idx);
    LLVMValueRef tag = tlb_entry_field(
        L, entry, write ? offsetof(TlbEntry, addr_write) : offsetof(TlbEntry, addr_read), "tag");
    LLVMValueRef last = LLVMBuildAdd(B, addr, llvm_const(L, L->i64, len - 1), "");
    last = LLVMBuildAnd(B, last, llvm_const(L, L->i64, page_mask), "");
    LLVMValueRef hit = LLVMBuildICmp(B, LLVMIntEQ, tag, last, "");

    LLVMBasicBlockRef fast = llvm_new_bb(L, "range_hit"), slow = llvm_new_bb(L, "range_miss");
    LLVMBasicBlockRef units = units_inline ? llvm_new_bb(L, "range_code_units") : slow;
    LLVMBasicBlockRef join = llvm_new_bb(L, "");
    LLVMValueRef br = LLVMBuildCondBr(B, hit, fast, units);
    LLVMSetMetadata(br, L->md_prof, L->prof_likely);

    if (units_inline) {
        LLVMPositionBuilderAtEnd(B, units);
        LLVMValueRef nd = LLVMBuildOr(B, last, llvm_const(L, L->i64, TLB_NOTDIRTY), "");
        LLVMBasicBlockRef check = llvm_new_bb(L, "");
        LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntEQ, tag, nd, ""), check, slow);
        LLVMPositionBuilderAtEnd(B, check);
        LLVMValueRef idx = LLVMBuildLShr(B, addr, llvm_const(L, L->i64, L->r->page_bits), "");
        idx = LLVMBuildAnd(B, idx, llvm_const(L, L->i64, TLB_SIZE - 1), "");
        LLVMValueRef off = LLVMBuildMul(B, idx, llvm_const(L, L->i64, sizeof(TlbFull)), "");
        uint64_t full = offsetof(SoftTlb, full) + (uint64_t)mmu_idx * TLB_SIZE * sizeof(TlbFull) +
                        offsetof(TlbFull, code_units);
        off = LLVMBuildAdd(B, off, llvm_const(L, L->i64, full), "");
        LLVMValueRef code = LLVMBuildLoad2(B, L->i64, gep_bytes(L, L->tlb, off), "code_units");
        llvm_tag(L, code, L->tbaa_tlb);
        LLVMValueRef clash = LLVMBuildAnd(B, code, code_unit_bits(L, addr, len), "");
        LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntEQ, clash, llvm_const(L, L->i64, 0), ""), fast,
                        slow);
    }

    LLVMPositionBuilderAtEnd(B, fast);
    LLVMValueRef fast_val =
        LLVMBuildAdd(B, addr, tlb_entry_field(L, entry, offsetof(TlbEntry, addend), ""), "");
    LLVMBuildBr(B, join);

    LLVMPositionBuilderAtEnd(B, slow);
    llvm_globals_write_back(L);
    llvm_store_current_tb(L);
    LLVMTypeRef ty[6] = {L->ptr, L->i64, L->i64, L->i32, L->i32, L->i32};
    LLVMValueRef args[6] = {L->cpu,
                            addr,
                            llvm_const(L, L->i64, len),
                            llvm_const(L, L->i32, write),
                            llvm_const(L, L->i32, mmu_idx),
                            llvm_const(L, L->i32, op->insn)};
    LLVMValueRef slow_val = llvm_call_host(L, LLVMFunctionType(L->i64, ty, 6, 0),
                                           (const void *)softmmu_host_range_miss, args, 6);
    mark_cold(L, slow_val);
    LLVMBasicBlockRef slow_end = LLVMGetInsertBlock(B);
    LLVMBuildBr(B, join);

    LLVMPositionBuilderAtEnd(B, join);
    LLVMValueRef phi = LLVMBuildPhi(B, L->i64, "host");
    LLVMValueRef vals[2] = {fast_val, slow_val};
    LLVMBasicBlockRef bbs[2] = {fast, slow_end};
    LLVMAddIncoming(phi, vals, bbs, 2);
    llvm_set(L, op->args[0], phi);
}

/* ld_host/st_host: plain host accesses in the guest-memory alias class. */
void llvm_lower_host_access(LlvmLower *L, const IrOp *op)
{
    if (op->opc == IR_host_range) {
        lower_host_range(L, op);
        return;
    }
    LLVMBuilderRef B = L->bld;
    unsigned mo = (unsigned)op->imm[1], size = ir_memop_size(mo), bits = 8 * size;
    LLVMValueRef base = llvm_resize(L, llvm_get(L, op->args[1]), 64, false);
    LLVMValueRef at = LLVMBuildAdd(B, base, llvm_const(L, L->i64, (uint64_t)op->imm[0]), "");
    LLVMValueRef host = LLVMBuildIntToPtr(B, at, L->ptr, "");
    if (op->opc == IR_ld_host) {
        LLVMValueRef x = LLVMBuildLoad2(B, llvm_int_type(L, bits), host, "");
        LLVMSetAlignment(x, 1);
        llvm_tag(L, x, L->tbaa_guest);
        if ((mo & IR_MO_BE) && size > 1) x = bswap(L, x);
        llvm_set(L, op->args[0], llvm_resize(L, x, op_bits(op), mo & IR_MO_SIGN));
    } else {
        LLVMValueRef x = llvm_resize(L, llvm_get(L, op->args[0]), bits, false);
        if ((mo & IR_MO_BE) && size > 1) x = bswap(L, x);
        LLVMValueRef st = LLVMBuildStore(B, x, host);
        LLVMSetAlignment(st, 1);
        llvm_tag(L, st, L->tbaa_guest);
    }
}
