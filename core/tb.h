/*
 * Translation blocks and the TB cache (blueprint §4).
 *
 * Key: (pc, phys_pc, flags, cs_base).  Lookup: per-vCPU direct-mapped jump
 * cache in front of a global hash table keyed by physical pc.  Each TB has
 * two direct exit slots that the cpu loop links; links are undone when
 * either end is invalidated.  Invalidated TBs are freed only at a safe point
 * (tb_reclaim, from the cpu loop when no TB is running), so a TB that
 * invalidates itself keeps running to its end.
 */
#ifndef DOPPEL_TB_H
#define DOPPEL_TB_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/cpu.h"
#include "ir/ir.h"

#define TB_JMP_CACHE_BITS  12
#define TB_JMP_CACHE_SIZE  (1u << TB_JMP_CACHE_BITS)
#define TB_INSN_DATA_WORDS 3 /* insn_start: pc, aux0, aux1 */

/* cflags */
enum {
    CF_COUNT_MASK = 0x1ff, /* max insns, 0 = default */
    CF_NOCACHE = 1 << 9,   /* not inserted in the cache: run once and freed */
};

typedef struct TranslationBlock TranslationBlock;

typedef struct TbLink {
    TranslationBlock *from;
    unsigned slot;
} TbLink;

struct TranslationBlock {
    uint64_t pc;
    uint64_t cs_base;
    uint32_t flags;
    uint32_t cflags;
    uint64_t phys_pc;
    uint64_t page_addr[2]; /* physical pages spanned; [1] = -1 if one page */
    uint32_t size;         /* guest bytes */
    uint32_t size_first;   /* guest bytes on the first page */
    uint32_t icount;       /* guest instructions */
    uint64_t *insn_data;   /* icount * TB_INSN_DATA_WORDS */

    IrBlock *ir;       /* the record both tiers consume */
    void *interp_code; /* backends/interp bytecode */
    void (*interp_free)(void *);
    uint64_t exec_count;  /* interpreter entries (tier-1 threshold) */
    uint64_t ptr_hint_pc; /* pc its goto_ptr last chained to (regions); UINT64_MAX: none */

    /* Tier 1 (backends/llvm/jit.c), touched only on the vCPU thread. */
    _Atomic(void *) native; /* entry of the compiled region headed here, or NULL */
    void *jit_regions;      /* the JIT's list of installed regions holding this TB */
    uint32_t jit_refs;      /* pending compile jobs holding it: tb_reclaim keeps it */
    uint8_t jit_state;      /* the JIT's: queued, compiled, ... */
    uint8_t jit_recompiles; /* regions headed here that were retired */

    TranslationBlock *jmp_dest[2]; /* linked successors */
    TbLink *incoming;              /* TBs linked to this one */
    uint32_t nincoming, incoming_cap;

    TranslationBlock *hash_next;
    TranslationBlock *page_next[2]; /* per-page lists, one per spanned page */
    TranslationBlock *dead_next;    /* graveyard list */
    bool invalid;
};

/* Whether a finished TB may continue straight into next (both tiers
 * check this before chaining, in place of cpu_may_chain): no exit
 * request, and with exact counting (CPUState.icount_exact) next ends
 * within the slice, so a chain never runs past icount_limit; without, as
 * cpu_may_chain, the slice is not used up yet. */
static inline bool tb_may_chain_to(CPUState *cpu, const TranslationBlock *next)
{
    uint64_t need = cpu->icount_exact ? next->icount : 1;
    return !atomic_load_explicit(&cpu->exit_request, memory_order_relaxed) &&
           cpu->icount + need <= cpu->icount_limit;
}

/* The global cache (one per machine; the only registry of TBs). */
typedef struct TbCache TbCache;
TbCache *tb_cache_new(void);
void tb_cache_free(TbCache *c);

TranslationBlock *tb_alloc(void);
/* Insert a fully built TB into the hash and page lists.  Returns false if
 * it was already present (the caller then frees its copy). */
void tb_insert(TbCache *c, TranslationBlock *tb);
TranslationBlock *tb_lookup_hash(TbCache *c, uint64_t pc, uint64_t phys_pc, uint64_t cs_base,
                                 uint32_t flags);
/* The same, accepting a TB whose code spans two pages only if
 * second_page(opaque) (the physical page that now follows pc's page, or
 * -1 if it does not translate) is the one it was translated from. */
TranslationBlock *tb_lookup_hash_checked(TbCache *c, uint64_t pc, uint64_t phys_pc,
                                         uint64_t cs_base, uint32_t flags,
                                         uint64_t (*second_page)(void *), void *opaque);
/* Jump-cache probe, then hash (phys_pc from the code TLB via lookup_phys). */
static inline uint32_t tb_jmp_cache_hash(uint64_t pc)
{
    return (uint32_t)((pc ^ (pc >> TB_JMP_CACHE_BITS)) & (TB_JMP_CACHE_SIZE - 1));
}

/* Link exit slot of from to dest (both valid). */
void tb_link(TranslationBlock *from, unsigned slot, TranslationBlock *dest);
/* Invalidate one TB: unlink, remove from hash, page lists and every jump
 * cache; it is freed at the next tb_reclaim. */
void tb_invalidate(TbCache *c, TranslationBlock *tb);
/* Code is tracked in units of 64 bytes (softmmu's code bitmap has a bit
 * per unit): data stored next to code, as mainframe programs keep their
 * work areas inside the code's CSECT, then seldom meets translated code
 * and writes it at full speed. */
#define TB_CODE_UNIT_BITS 6

/* Invalidate every TB that overlaps [paddr, paddr+len).  Returns true if
 * the code unit of paddr still holds code afterwards.  If cpu is non-NULL and
 * its running TB was hit, finishes as blueprint §4 says: the store is
 * redone alone in a one-instruction block (see cpu_loop.c). */
bool tb_invalidate_phys_range(TbCache *c, CPUState *cpu, uint64_t paddr, uint64_t len);
/* Does any TB hold bytes of the code unit (TB_CODE_UNIT_BITS) of paddr? */
bool tb_page_has_code(TbCache *c, uint64_t paddr);
/* Drop every TB.  Cheap; allowed from inside a running TB. */
void tb_flush(TbCache *c);
/* Free invalidated TBs.  Only where no TB is running. */
void tb_reclaim(TbCache *c);
/* Every cpu's jump cache that must be cleared on invalidation. */
void tb_cache_add_cpu(TbCache *c, CPUState *cpu);

/* The JIT's hook: invalidated runs for every TB that tb_invalidate or
 * tb_flush buries while it has jit_regions or jit_refs set; a TB with jit_refs is freed only once
 * they drop to zero (the JIT calls tb_reclaim again then). */
void tb_cache_set_jit_hook(TbCache *c, void (*invalidated)(void *opaque, TranslationBlock *tb),
                           void *opaque);

typedef struct TbCacheStats {
    uint64_t live, invalidated, flushes, hash_buckets, code_pages;
} TbCacheStats;
void tb_cache_stats(TbCache *c, TbCacheStats *s);

#endif
