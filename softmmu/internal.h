/*
 * Shared between the softmmu files only: the flat view builder, the byte
 * accessor every path ends in, TLB fill and code-page bookkeeping.
 */
#ifndef DOPPEL_SOFTMMU_INTERNAL_H
#define DOPPEL_SOFTMMU_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cpu.h"
#include "core/log.h"
#include "core/tb.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"

/* Code tracking granularity (core/tb.h). */
#define CODE_PAGE_BITS TB_CODE_UNIT_BITS
#define CODE_PAGE_SIZE (UINT64_C(1) << CODE_PAGE_BITS)

static inline bool mr_code_test(const MemoryRegion *mr, uint64_t offset)
{
    uint64_t bit = offset >> CODE_PAGE_BITS;
    return mr->code_bitmap && (mr->code_bitmap[bit / 8] >> (bit % 8)) & 1;
}

static inline void mr_code_set(MemoryRegion *mr, uint64_t offset, bool on)
{
    uint64_t bit = offset >> CODE_PAGE_BITS;
    uint8_t m = (uint8_t)(1u << (bit % 8));
    if (!mr->code_bitmap) return;
    if (on)
        mr->code_bitmap[bit / 8] |= m;
    else
        mr->code_bitmap[bit / 8] &= (uint8_t)~m;
}

/* True if any code page of [offset, offset + len) in mr is marked. */
bool mr_code_any(const MemoryRegion *mr, uint64_t offset, uint64_t len);

/* The TlbFull.code_units bits of [off, off + len) within a page of psize
 * bytes (off relative to the page start). */
static inline uint64_t code_unit_bits(uint64_t off, uint64_t len, uint64_t psize)
{
    if ((psize >> CODE_PAGE_BITS) > 64) return ~UINT64_C(0);
    return tlb_code_unit_bits(off, len);
}

/* The code_units of the page at offset in mr, from its code bitmap. */
uint64_t mr_code_units(const MemoryRegion *mr, uint64_t offset, uint64_t psize);

/* Flat view: rebuild after a change in the tree under root (no-op if the
 * tree is not the root of an address space), and index lookup. */
void flatview_update(MemoryRegion *mr);
void flatview_rebuild(AddressSpace *as);
void flatview_free(FlatView *view);
/* Index of the first section whose end is above paddr (nsections if none). */
unsigned flatview_search(const FlatView *view, uint64_t paddr);

/* How a byte access treats ROM: guest writes are dropped; loaders and the
 * debugger may write it. */
typedef enum AccessMode {
    ACCESS_READ,
    ACCESS_WRITE,
    ACCESS_WRITE_ROM,
} AccessMode;

/* The one physical accessor: buf holds bytes in address order.  RAM/ROM
 * are copied, IO regions dispatched in sizes they accept, unmapped bytes
 * read as 0xff (writes dropped) with MEMTX_DECODE_ERROR.  Writes into code
 * pages invalidate translations first (cpu may be NULL for DMA). */
MemTxResult physmem_access(AddressSpace *as, CPUState *cpu, uint64_t paddr, uint8_t *buf,
                           uint64_t len, AccessMode mode);

/* Invalidate code translated from [paddr, paddr + len) of one RAM section
 * before a bulk write through a host pointer (softmmu_host_range). */
void physmem_invalidate_code_range(AddressSpace *as, CPUState *cpu, uint64_t paddr, uint64_t len);

/* Fill the TLB entry of vaddr for access, raising the guest's fault via
 * cpu_loop_exit_restore if the frontend reports one. */
TlbEntry *tlb_fill(CPUState *cpu, uint64_t vaddr, MMUAccess access, unsigned mmu_idx);
/* Does tag map the page of vaddr (flags ignored)? */
static inline bool tlb_hit_page(const CPUState *cpu, uint64_t tag, uint64_t vaddr)
{
    return (tag & (cpu->page_mask | TLB_INVALID)) == (vaddr & cpu->page_mask);
}
/* Add or drop TLB_NOTDIRTY on every write entry of the cpus of as whose
 * host page overlaps [host, host + len). */
void tlb_set_notdirty(AddressSpace *as, const uint8_t *host, uint64_t len, bool on);

/* Guest-visible misuse of the map (-d guest_errors). */
#define softmmu_guest_error(...) LOG_MASK(LOG_GUEST_ERRORS, __VA_ARGS__)

#endif
