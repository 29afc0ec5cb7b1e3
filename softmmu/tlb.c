/*
 * Soft TLB maintenance (blueprint §7): fill from the frontend's page walk
 * and the flat view, flushes, and the not-dirty marks of code pages.
 */
#include <stdlib.h>
#include <string.h>

#include "core/cpu_debug.h"
#include "core/log.h"
#include "core/tb.h"
#include "softmmu/internal.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"

static TlbFull *tlb_full_of(CPUState *cpu, unsigned mmu_idx, uint64_t addr)
{
    return &cpu->tlb->full[mmu_idx][(addr >> cpu->page_bits) & (TLB_SIZE - 1)];
}

/* Modes the frontend uses; flushes need not touch the others. */
static unsigned tlb_modes(const CPUState *cpu)
{
    unsigned n = cpu->arch->mmu_modes;
    return n && n < TLB_MAX_MMU_MODES ? n : TLB_MAX_MMU_MODES;
}

static void tlb_entry_invalidate(TlbEntry *e)
{
    e->addr_read = e->addr_write = e->addr_code = TLB_INVALID;
    e->addend = 0;
}

/* A jump-cache entry is keyed by virtual pc, so any change of mapping may
 * make it stale; clearing it whole is cheap next to a retranslation. */
static void tlb_clear_jmp_cache(CPUState *cpu)
{
    if (cpu->jmp_cache) memset(cpu->jmp_cache, 0, TB_JMP_CACHE_SIZE * sizeof(*cpu->jmp_cache));
}

static void tlb_invalidate_mode(CPUState *cpu, unsigned mmu_idx)
{
    for (unsigned i = 0; i < TLB_SIZE; i++)
        tlb_entry_invalidate(&cpu->tlb->table[mmu_idx][i]);
}

void tlb_init(CPUState *cpu)
{
    if (!cpu->tlb) cpu->tlb = malloc(sizeof(*cpu->tlb));
    if (!cpu->tlb) {
        fprintf(stderr, "doppel: out of memory for the TLB of cpu %d\n", cpu->cpu_index);
        abort();
    }
    memset(cpu->tlb->full, 0, sizeof(cpu->tlb->full));
    for (unsigned m = 0; m < TLB_MAX_MMU_MODES; m++)
        tlb_invalidate_mode(cpu, m);
    tlb_clear_jmp_cache(cpu);
}

void tlb_destroy(CPUState *cpu)
{
    free(cpu->tlb);
    cpu->tlb = NULL;
}

void tlb_flush_mmu_idx(CPUState *cpu, unsigned mmu_idx)
{
    tlb_invalidate_mode(cpu, mmu_idx);
    tlb_clear_jmp_cache(cpu);
}

void tlb_flush(CPUState *cpu)
{
    for (unsigned m = 0; m < tlb_modes(cpu); m++)
        tlb_invalidate_mode(cpu, m);
    tlb_clear_jmp_cache(cpu);
}

static uint64_t tlb_entry_page(CPUState *cpu, const TlbEntry *e)
{
    /* Any valid tag names the page; they only differ in flag bits. */
    const uint64_t tags[3] = {e->addr_read, e->addr_write, e->addr_code};
    for (int i = 0; i < 3; i++)
        if (!(tags[i] & TLB_INVALID)) return tags[i] & cpu->page_mask;
    return TLB_INVALID;
}

/* Entries filled from a mapping larger than a cpu page are all dropped
 * when any page of that mapping is flushed (x86 INVLPG on a 2 MiB page). */
void tlb_flush_page(CPUState *cpu, uint64_t vaddr)
{
    uint64_t page = vaddr & cpu->page_mask;
    for (unsigned m = 0; m < tlb_modes(cpu); m++) {
        for (unsigned i = 0; i < TLB_SIZE; i++) {
            TlbEntry *e = &cpu->tlb->table[m][i];
            uint64_t epage = tlb_entry_page(cpu, e);
            if (epage == TLB_INVALID) continue;
            uint64_t mask = cpu->tlb->full[m][i].large_page_mask;
            if (!mask) mask = cpu->page_mask;
            if (((epage ^ page) & mask) == 0) tlb_entry_invalidate(e);
        }
    }
    tlb_clear_jmp_cache(cpu);
}

TlbEntry *tlb_fill(CPUState *cpu, uint64_t vaddr, MMUAccess access, unsigned mmu_idx)
{
    MMUResult res = {0};
    if (cpu->arch->mmu_translate(cpu, vaddr, access, mmu_idx, false, &res) != 0)
        cpu_loop_exit_restore(cpu);
    /* The frontend granted this access; trust that over a prot it forgot. */
    int prot = res.prot | (1 << access);
    uint64_t psize = ~cpu->page_mask + 1;
    uint64_t vpage = vaddr & cpu->page_mask;
    uint64_t ppage = res.paddr & cpu->page_mask;

    TlbEntry *e = tlb_entry(cpu, mmu_idx, vaddr);
    TlbFull *f = tlb_full_of(cpu, mmu_idx, vaddr);
    f->paddr = ppage;
    f->prot = prot;
    f->large_page_mask = res.page_bits > cpu->page_bits ? ~((UINT64_C(1) << res.page_bits) - 1) : 0;

    uint64_t rd = vpage, wr = vpage, cd = vpage;
    const FlatSection *s = address_space_lookup(cpu->as, ppage);
    bool host_page =
        s && s->end - ppage >= psize && (s->mr->kind == MR_RAM || s->mr->kind == MR_ROM);
    e->addend = 0;
    f->code_units = 0;
    if (host_page) {
        uint64_t off = s->offset_in_mr + (ppage - s->start);
        e->addend = (uintptr_t)(s->mr->host + off) - (uintptr_t)vpage;
        if (s->mr->kind == MR_ROM || s->readonly)
            wr |= TLB_MMIO;
        else if ((f->code_units = mr_code_units(s->mr, off, psize)) != 0)
            wr |= TLB_NOTDIRTY;
    } else {
        /* IO, unmapped, or a page only partly backed by one RAM section. */
        rd |= TLB_MMIO;
        wr |= TLB_MMIO;
        cd |= TLB_MMIO;
    }
    if (cpu->debug) {
        /* Accesses to a watched page take the slow path, which checks
         * them against the watchpoints (core/cpu_debug.h). */
        if (cpu_debug_page_watched(cpu, vpage, false)) rd |= TLB_WATCH;
        if (cpu_debug_page_watched(cpu, vpage, true)) wr |= TLB_WATCH;
    }
    e->addr_read = (prot & MMU_PROT_READ) ? rd : TLB_INVALID;
    e->addr_write = (prot & MMU_PROT_WRITE) ? wr : TLB_INVALID;
    e->addr_code = (prot & MMU_PROT_EXEC) ? cd : TLB_INVALID;
    if (res.no_tlb) {
        /* The page bits and flags stay under TLB_INVALID, so the access
         * the caller is making can still use the entry, while every later
         * one misses (tlb_hit_page and the fast path both see INVALID). */
        uint64_t *tag = access == MMU_READ    ? &e->addr_read
                        : access == MMU_WRITE ? &e->addr_write
                                              : &e->addr_code;
        *tag |= TLB_INVALID;
    }
    LOG_MASK(LOG_MMU,
             "tlb fill: cpu %d mmu_idx %u vaddr 0x%llx -> paddr 0x%llx prot %c%c%c%s%s%s\n",
             cpu->cpu_index, mmu_idx, (unsigned long long)vpage, (unsigned long long)ppage,
             prot & MMU_PROT_READ ? 'r' : '-', prot & MMU_PROT_WRITE ? 'w' : '-',
             prot & MMU_PROT_EXEC ? 'x' : '-', host_page ? "" : " mmio", res.no_tlb ? " once" : "",
             (rd | wr) & TLB_WATCH ? " watch" : "");
    return e;
}

void tlb_set_notdirty(AddressSpace *as, const uint8_t *host, uint64_t len, bool on)
{
    uintptr_t lo = (uintptr_t)host, hi = lo + len;
    for (unsigned c = 0; c < as->ncpus; c++) {
        CPUState *cpu = as->cpus[c];
        if (!cpu->tlb) continue;
        uint64_t psize = ~cpu->page_mask + 1;
        for (unsigned m = 0; m < tlb_modes(cpu); m++) {
            for (unsigned i = 0; i < TLB_SIZE; i++) {
                TlbEntry *e = &cpu->tlb->table[m][i];
                if (e->addr_write & (TLB_INVALID | TLB_MMIO)) continue;
                uintptr_t page = (uintptr_t)(e->addr_write & cpu->page_mask) + e->addend;
                if (page >= hi || page + psize <= lo) continue;
                TlbFull *f = &cpu->tlb->full[m][i];
                uintptr_t from = lo > page ? lo : page, to = hi < page + psize ? hi : page + psize;
                uint64_t units = code_unit_bits(from - page, to - from, psize);
                if (on) {
                    e->addr_write |= TLB_NOTDIRTY;
                    f->code_units |= units;
                    continue;
                }
                /* Keep the mark while any code unit of the page still has code. */
                const FlatSection *s = address_space_lookup(as, f->paddr);
                if (s && mr_code_any(s->mr, s->offset_in_mr + (f->paddr - s->start), psize)) {
                    if (units != ~UINT64_C(0)) f->code_units &= ~units;
                    continue;
                }
                f->code_units = 0;
                e->addr_write &= ~TLB_NOTDIRTY;
            }
        }
    }
}
