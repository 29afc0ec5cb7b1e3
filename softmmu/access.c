/*
 * The CPU's slow paths (blueprint §7): TLB refill, page-crossing and
 * misaligned accesses, MMIO, code pages, code fetch and debugger access.
 * Values travel as bytes in address order; softmmu_load_host and
 * softmmu_store_host convert them per the access's endianness, and
 * physmem.c converts them per the device's.
 */
#include <string.h>

#include "core/cpu_debug.h"
#include "softmmu/internal.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"

static uint64_t tlb_tag(const TlbEntry *e, MMUAccess access)
{
    switch (access) {
    case MMU_READ: return e->addr_read;
    case MMU_WRITE: return e->addr_write;
    default: return e->addr_code;
    }
}

static uint64_t page_remaining(const CPUState *cpu, uint64_t addr)
{
    return (addr | ~cpu->page_mask) - addr + 1;
}

/* The entry of addr's page valid for access, refilled (and faulting) as
 * needed. */
static TlbEntry *tlb_lookup(CPUState *cpu, uint64_t addr, MMUAccess access, unsigned mmu_idx)
{
    TlbEntry *e = tlb_entry(cpu, mmu_idx, addr);
    if (!tlb_hit_page(cpu, tlb_tag(e, access), addr)) e = tlb_fill(cpu, addr, access, mmu_idx);
    return e;
}

static uint64_t tlb_paddr(CPUState *cpu, unsigned mmu_idx, uint64_t addr)
{
    const TlbFull *f = &cpu->tlb->full[mmu_idx][(addr >> cpu->page_bits) & (TLB_SIZE - 1)];
    return f->paddr | (addr & ~cpu->page_mask);
}

/* Does a write of [addr, addr + len) (one page, entry e) reach a code unit
 * that may hold translated code? */
static bool writes_code(CPUState *cpu, const TlbEntry *e, unsigned mmu_idx, uint64_t addr,
                        uint64_t len)
{
    if (!(e->addr_write & TLB_NOTDIRTY)) return false;
    const TlbFull *f = &cpu->tlb->full[mmu_idx][(addr >> cpu->page_bits) & (TLB_SIZE - 1)];
    uint64_t psize = ~cpu->page_mask + 1;
    return (f->code_units & code_unit_bits(addr & ~cpu->page_mask, len, psize)) != 0;
}

/* A data access to a page with TLB_WATCH: compare it with the
 * watchpoints, which on a hit leave the TB (core/cpu_debug.h) before the
 * access changes anything. */
static void watch_check(CPUState *cpu, const TlbEntry *e, uint64_t addr, uint64_t len,
                        MMUAccess access)
{
    if (access != MMU_EXEC && (tlb_tag(e, access) & TLB_WATCH))
        cpu_debug_check_watchpoint(cpu, addr, (unsigned)len, access == MMU_WRITE);
}

/* [addr, addr + len) inside one page.  RAM is copied through the host
 * pointer; IO, ROM writes and writes reaching a code unit go through
 * physmem_access; a watched page is checked first. */
static void access_in_page(CPUState *cpu, uint64_t addr, uint8_t *buf, uint64_t len,
                           MMUAccess access, unsigned mmu_idx)
{
    TlbEntry *e = tlb_lookup(cpu, addr, access, mmu_idx);
    watch_check(cpu, e, addr, len, access);
    uint64_t slow = access == MMU_WRITE && writes_code(cpu, e, mmu_idx, addr, len)
                        ? TLB_MMIO | TLB_NOTDIRTY
                        : TLB_MMIO;
    if (tlb_tag(e, access) & slow) {
        physmem_access(cpu->as, cpu, tlb_paddr(cpu, mmu_idx, addr), buf, len,
                       access == MMU_WRITE ? ACCESS_WRITE : ACCESS_READ);
        return;
    }
    void *host = (void *)(uintptr_t)(addr + e->addend);
    if (access == MMU_WRITE)
        memcpy(host, buf, len);
    else
        memcpy(buf, host, len);
}

/* An access of at most two pages: both are translated before either is
 * touched, so a fault on the second leaves memory unchanged.  The second
 * page wraps at the end of the address space (cpu->vaddr_mask). */
static void access_bytes(CPUState *cpu, uint64_t addr, uint8_t *buf, unsigned len, MMUAccess access,
                         unsigned mmu_idx)
{
    uint64_t first = page_remaining(cpu, addr);
    if (len <= first) {
        access_in_page(cpu, addr, buf, len, access, mmu_idx);
        return;
    }
    uint64_t second = (addr + first) & cpu->vaddr_mask;
    tlb_lookup(cpu, addr, access, mmu_idx);
    watch_check(cpu, tlb_lookup(cpu, second, access, mmu_idx), second, len - first, access);
    access_in_page(cpu, addr, buf, first, access, mmu_idx);
    access_in_page(cpu, second, buf + first, len - first, access, mmu_idx);
}

static void check_alignment(CPUState *cpu, uint64_t addr, unsigned memop, MMUAccess access,
                            unsigned mmu_idx)
{
    if ((memop & IR_MO_ALIGN) && (addr & (ir_memop_size(memop) - 1)) && cpu->arch->unaligned_access)
        cpu->arch->unaligned_access(cpu, addr, access, mmu_idx);
}

uint64_t softmmu_load_slow(CPUState *cpu, uint64_t addr, unsigned memop, unsigned mmu_idx,
                           uint32_t insn)
{
    cpu->fault_insn = insn;
    check_alignment(cpu, addr, memop, MMU_READ, mmu_idx);
    uint8_t buf[8];
    access_bytes(cpu, addr, buf, ir_memop_size(memop), MMU_READ, mmu_idx);
    return softmmu_load_host(buf, memop);
}

void softmmu_store_slow(CPUState *cpu, uint64_t addr, uint64_t val, unsigned memop,
                        unsigned mmu_idx, uint32_t insn)
{
    cpu->fault_insn = insn;
    check_alignment(cpu, addr, memop, MMU_WRITE, mmu_idx);
    uint8_t buf[8];
    softmmu_store_host(buf, val, memop);
    access_bytes(cpu, addr, buf, ir_memop_size(memop), MMU_WRITE, mmu_idx);
}

void softmmu_probe(CPUState *cpu, uint64_t addr, MMUAccess access, unsigned mmu_idx, uint32_t insn)
{
    cpu->fault_insn = insn;
    tlb_lookup(cpu, addr, access, mmu_idx);
}

void *softmmu_host_range_slow(CPUState *cpu, uint64_t addr, uint64_t len, MMUAccess access,
                              unsigned mmu_idx, uint32_t insn)
{
    cpu->fault_insn = insn;
    TlbEntry *e = tlb_lookup(cpu, addr, access, mmu_idx);
    uint64_t tag = tlb_tag(e, access);
    if (tag & (TLB_INVALID | TLB_MMIO | TLB_WATCH)) return NULL;
    if (access == MMU_WRITE && writes_code(cpu, e, mmu_idx, addr, len))
        physmem_invalidate_code_range(cpu->as, cpu, tlb_paddr(cpu, mmu_idx, addr), len);
    return (void *)(uintptr_t)(addr + e->addend);
}

uint64_t softmmu_host_range_miss(CPUState *cpu, uint64_t addr, uint64_t len, uint32_t write,
                                 uint32_t mmu_idx, uint32_t insn)
{
    return (uint64_t)(uintptr_t)softmmu_host_range_in_page(
        cpu, addr, len, write ? MMU_WRITE : MMU_READ, mmu_idx, insn);
}

/* ---- code fetch ---- */

static unsigned code_mmu_idx(CPUState *cpu)
{
    return cpu->arch->mmu_index ? cpu->arch->mmu_index(cpu, MMU_EXEC) : 0;
}

uint64_t softmmu_code_phys(CPUState *cpu, uint64_t vaddr)
{
    unsigned mmu_idx = code_mmu_idx(cpu);
    tlb_lookup(cpu, vaddr, MMU_EXEC, mmu_idx);
    return tlb_paddr(cpu, mmu_idx, vaddr);
}

void softmmu_code_read(CPUState *cpu, uint64_t vaddr, void *buf, unsigned len)
{
    unsigned mmu_idx = code_mmu_idx(cpu);
    uint8_t *out = buf;
    while (len) {
        uint64_t n = page_remaining(cpu, vaddr);
        if (n > len) n = len;
        access_in_page(cpu, vaddr, out, n, MMU_EXEC, mmu_idx);
        vaddr += n;
        out += n;
        len -= (unsigned)n;
    }
}

/* ---- debugger ---- */

bool softmmu_debug_rw(CPUState *cpu, uint64_t vaddr, void *buf, uint64_t len, bool is_write)
{
    unsigned mmu_idx = cpu->arch->mmu_index ? cpu->arch->mmu_index(cpu, MMU_READ) : 0;
    uint8_t *p = buf;
    while (len) {
        MMUResult res = {0};
        /* Translated as a read so breakpoints can go into read-only text. */
        if (cpu->arch->mmu_translate(cpu, vaddr, MMU_READ, mmu_idx, true, &res) != 0) return false;
        uint64_t n = page_remaining(cpu, vaddr);
        if (n > len) n = len;
        if (physmem_access(cpu->as, NULL, res.paddr, p, n,
                           is_write ? ACCESS_WRITE_ROM : ACCESS_READ) != MEMTX_OK)
            return false;
        vaddr += n;
        p += n;
        len -= n;
    }
    return true;
}
