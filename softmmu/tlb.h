/*
 * The soft TLB (blueprint §7).  The fast path is below, in one place; the
 * interpreter calls it and the LLVM backend emits the same compare with the
 * same constants.
 *
 * Tag compare: for an access of `size` bytes whose required alignment mask
 * is `amask` (size-1 with IR_MO_ALIGN, else 0):
 *     cmp = (addr + size - 1 - amask) & (page_mask | amask)
 * A misaligned access that must be aligned leaves low bits set; an
 * unaligned access that crosses a page lands in the next page; either way
 * cmp != tag and the slow path handles it.  Flag bits in the tag (TLB_MMIO,
 * TLB_NOTDIRTY, ...) also make the compare fail.
 *
 * Fill (softmmu/tlb.c): one entry per cpu page, even for larger mappings;
 * tlb_flush_page drops every entry of the mapping holding vaddr.  A tag is
 * TLB_INVALID for accesses the page does not permit, so they re-walk and
 * the frontend raises its protection fault; the access the walk was made
 * for is always granted.  A walk that sets MMUResult.no_tlb grants its
 * access once: that tag keeps TLB_INVALID, so the next such access walks
 * again.  A page wholly inside one RAM section is fast for
 * all tags (writes TLB_NOTDIRTY while it holds code); ROM is fast for reads
 * and code, TLB_MMIO for writes; IO, unmapped pages and pages only partly
 * backed by RAM are TLB_MMIO throughout.  Every flush also clears the
 * cpu's whole jump cache.  A page holding a debugger's watchpoint gets
 * TLB_WATCH in the tags of the watched kinds (core/cpu_debug.h): the slow
 * path checks each access against the watchpoints before performing it.
 *
 * Slow path: an access crossing a page translates both pages before it
 * touches either, so a fault on the second leaves memory unchanged.  A
 * misaligned IR_MO_ALIGN access calls ArchOps.unaligned_access; without
 * that hook it is performed.
 */
#ifndef DOPPEL_TLB_H
#define DOPPEL_TLB_H

#include <stdint.h>
#include <string.h>

#include "core/cpu.h"
#include "core/tb.h"
#include "ir/ir.h"

static inline TlbEntry *tlb_entry(CPUState *cpu, unsigned mmu_idx, uint64_t addr)
{
    return &cpu->tlb->table[mmu_idx][(addr >> cpu->page_bits) & (TLB_SIZE - 1)];
}

static inline uint64_t tlb_compare_value(CPUState *cpu, uint64_t addr, unsigned memop)
{
    uint64_t size = ir_memop_size(memop);
    uint64_t amask = (memop & IR_MO_ALIGN) ? size - 1 : 0;
    return (addr + size - 1 - amask) & (cpu->page_mask | amask);
}

/* Slow paths: fill the TLB (raising the guest's fault via
 * ArchOps.mmu_translate and cpu_loop_exit_restore), handle MMIO, code
 * pages, page-crossing and misaligned accesses.  insn is the instruction
 * index in the running TB, stored in cpu->fault_insn before anything can
 * raise.  Loads return the value extended per IR_MO_SIGN to 64 bits. */
uint64_t softmmu_load_slow(CPUState *cpu, uint64_t addr, unsigned memop, unsigned mmu_idx,
                           uint32_t insn);
void softmmu_store_slow(CPUState *cpu, uint64_t addr, uint64_t val, unsigned memop,
                        unsigned mmu_idx, uint32_t insn);

static inline uint64_t softmmu_load_host(const void *p, unsigned memop)
{
    uint64_t v;
    switch (memop & (IR_MO_SIZE | IR_MO_SIGN)) {
    case IR_MO_8: return *(const uint8_t *)p;
    case IR_MO_8 | IR_MO_SIGN: return (uint64_t)(int64_t) * (const int8_t *)p;
    default: break;
    }
    switch (memop & IR_MO_SIZE) {
    case IR_MO_16: {
        uint16_t x;
        memcpy(&x, p, 2);
        if (memop & IR_MO_BE) x = __builtin_bswap16(x);
        v = (memop & IR_MO_SIGN) ? (uint64_t)(int64_t)(int16_t)x : x;
        break;
    }
    case IR_MO_32: {
        uint32_t x;
        memcpy(&x, p, 4);
        if (memop & IR_MO_BE) x = __builtin_bswap32(x);
        v = (memop & IR_MO_SIGN) ? (uint64_t)(int64_t)(int32_t)x : x;
        break;
    }
    default: {
        memcpy(&v, p, 8);
        if (memop & IR_MO_BE) v = __builtin_bswap64(v);
        break;
    }
    }
    return v;
}

static inline void softmmu_store_host(void *p, uint64_t v, unsigned memop)
{
    switch (memop & IR_MO_SIZE) {
    case IR_MO_8: *(uint8_t *)p = (uint8_t)v; break;
    case IR_MO_16: {
        uint16_t x = (uint16_t)v;
        if (memop & IR_MO_BE) x = __builtin_bswap16(x);
        memcpy(p, &x, 2);
        break;
    }
    case IR_MO_32: {
        uint32_t x = (uint32_t)v;
        if (memop & IR_MO_BE) x = __builtin_bswap32(x);
        memcpy(p, &x, 4);
        break;
    }
    default:
        if (memop & IR_MO_BE) v = __builtin_bswap64(v);
        memcpy(p, &v, 8);
        break;
    }
}

/* The fast path: one compare, then a host access. */
static inline uint64_t softmmu_load(CPUState *cpu, uint64_t addr, unsigned memop, unsigned mmu_idx,
                                    uint32_t insn)
{
    TlbEntry *e = tlb_entry(cpu, mmu_idx, addr);
    if (__builtin_expect(e->addr_read == tlb_compare_value(cpu, addr, memop), 1))
        return softmmu_load_host((void *)(uintptr_t)(addr + e->addend), memop);
    return softmmu_load_slow(cpu, addr, memop, mmu_idx, insn);
}

static inline void softmmu_store(CPUState *cpu, uint64_t addr, uint64_t val, unsigned memop,
                                 unsigned mmu_idx, uint32_t insn)
{
    TlbEntry *e = tlb_entry(cpu, mmu_idx, addr);
    if (__builtin_expect(e->addr_write == tlb_compare_value(cpu, addr, memop), 1))
        softmmu_store_host((void *)(uintptr_t)(addr + e->addend), val, memop);
    else
        softmmu_store_slow(cpu, addr, val, memop, mmu_idx, insn);
}

/* Translate addr for access as a load or store would (filling the TLB,
 * raising the guest's fault for instruction insn), without accessing
 * memory: for instructions that must check all operands before changing
 * any. */
void softmmu_probe(CPUState *cpu, uint64_t addr, MMUAccess access, unsigned mmu_idx, uint32_t insn);

/* Host memory for bulk helpers (a frontend's block move, compare or
 * translate): [addr, addr + len), which must lie within one cpu page, is
 * translated for access as a load or store would (filling the TLB,
 * raising the guest's fault for instruction insn).  For a write, code
 * translated from the range is invalidated first (the running TB, if it
 * overwrites itself, is left for a one-instruction uncached rerun before
 * anything is stored).  Returns NULL when the page is not plain RAM for
 * that access (MMIO, ROM written, a watchpoint, or a walk that granted
 * this access once without a TLB entry): then access it through
 * softmmu_load/softmmu_store.  The pointer is valid until the helper
 * returns. */
void *softmmu_host_range_slow(CPUState *cpu, uint64_t addr, uint64_t len, MMUAccess access,
                              unsigned mmu_idx, uint32_t insn);

/* The TlbFull.code_units bits of [off, off + len) within a page (all
 * ones when it reaches past unit 63). */
static inline uint64_t tlb_code_unit_bits(uint64_t off, uint64_t len)
{
    if (len == 0) return 0;
    uint64_t first = off >> TB_CODE_UNIT_BITS, last = (off + len - 1) >> TB_CODE_UNIT_BITS;
    if (last > 63) return ~UINT64_C(0);
    uint64_t upto = last == 63 ? ~UINT64_C(0) : (UINT64_C(2) << last) - 1;
    return upto & ~((UINT64_C(1) << first) - 1);
}

static inline void *softmmu_host_range(CPUState *cpu, uint64_t addr, uint64_t len, MMUAccess access,
                                       unsigned mmu_idx, uint32_t insn)
{
    TlbEntry *e = tlb_entry(cpu, mmu_idx, addr);
    uint64_t tag = access == MMU_WRITE ? e->addr_write : e->addr_read;
    uint64_t page = addr & cpu->page_mask;
    if (__builtin_expect(tag == page, 1)) return (void *)(uintptr_t)(addr + e->addend);
    /* A write beside code in the same page (work areas inside a CSECT):
     * no code unit of the range holds translated code. */
    if (tag == (page | TLB_NOTDIRTY)) {
        const TlbFull *f = &cpu->tlb->full[mmu_idx][(addr >> cpu->page_bits) & (TLB_SIZE - 1)];
        if (!(f->code_units & tlb_code_unit_bits(addr - page, len)))
            return (void *)(uintptr_t)(addr + e->addend);
    }
    return softmmu_host_range_slow(cpu, addr, len, access, mmu_idx, insn);
}

/* The IR's host_range op (ir/README.md "Guest RAM as host memory"): as
 * softmmu_host_range when [addr, addr + len) lies in one page, else NULL
 * with nothing translated.  softmmu_host_range_miss is the same out of
 * line, for the miss path of compiled code (write: 0 read, 1 write). */
static inline void *softmmu_host_range_in_page(CPUState *cpu, uint64_t addr, uint64_t len,
                                               MMUAccess access, unsigned mmu_idx, uint32_t insn)
{
    if ((addr & ~cpu->page_mask) + len > ~cpu->page_mask + 1) return NULL;
    return softmmu_host_range(cpu, addr, len, access, mmu_idx, insn);
}
uint64_t softmmu_host_range_miss(CPUState *cpu, uint64_t addr, uint64_t len, uint32_t write,
                                 uint32_t mmu_idx, uint32_t insn);

/* Allocate/free cpu->tlb and set it all invalid. */
void tlb_init(CPUState *cpu);
void tlb_destroy(CPUState *cpu);
void tlb_flush(CPUState *cpu);
void tlb_flush_page(CPUState *cpu, uint64_t vaddr);
void tlb_flush_mmu_idx(CPUState *cpu, unsigned mmu_idx);

/* Code fetch for frontends: translate pc for execution (raising the guest's
 * fault if it cannot), return its physical address.  The address is
 * returned even when IO or nothing is mapped there: whether executing
 * there is a guest fault is the caller's choice (address_space_lookup).
 * softmmu_code_read reads such bytes through the device, or as 0xff. */
uint64_t softmmu_code_phys(CPUState *cpu, uint64_t vaddr);
/* Read code bytes at vaddr into buf (may cross a page); raises as above. */
void softmmu_code_read(CPUState *cpu, uint64_t vaddr, void *buf, unsigned len);

/* Debug access by virtual address (gdbstub, monitor x): no faults raised,
 * returns false if unmapped.  Pages are probed as reads, so writes reach
 * read-only pages and ROM (software breakpoints) and invalidate code
 * there; IO regions are accessed like any other. */
bool softmmu_debug_rw(CPUState *cpu, uint64_t vaddr, void *buf, uint64_t len, bool is_write);

#endif
