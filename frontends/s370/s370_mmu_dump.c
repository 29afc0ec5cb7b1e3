/*
 * info tlb for the S/370 family: the current primary address space as
 * the segment and page tables in CR0/CR1 define it (PoO-370 §3 "Dynamic
 * Address Translation", PoO-390 §3), printed as merged ranges of virtual
 * addresses mapped to contiguous real addresses.
 *
 * Each page goes through the same walk the MMU uses (s370_dat_walk, which
 * reads the tables with physical reads and changes nothing), so the dump
 * cannot disagree with translation.  The loop is bounded by the size of
 * the address space; a segment that does not translate is skipped whole,
 * and the walk stops at the end of the segment table.  Invalid entries
 * are skipped.
 */
#include <inttypes.h>

#include "frontends/s370/s370_dat.h"
#include "frontends/s370/s370_internal.h"

typedef struct S370MmuRange {
    bool open;
    uint32_t vstart, vend; /* [vstart, vend) */
    uint64_t real;         /* real address of vstart */
    bool protect;
} S370MmuRange;

static void s370_range_flush(FILE *out, S370MmuRange *r, unsigned page_bits)
{
    if (!r->open) return;
    fprintf(out, "%08" PRIx32 "-%08" PRIx32 " -> %08" PRIx64 " %s [%uK]\n", r->vstart, r->vend - 1,
            r->real, r->protect ? "r-" : "rw", 1u << (page_bits - 10));
    r->open = false;
}

static void s370_range_add(FILE *out, S370MmuRange *r, uint32_t va, uint32_t size,
                           const S370DatWalk *w, unsigned page_bits)
{
    if (r->open && r->vend == va && r->real + (va - r->vstart) == w->real &&
        r->protect == w->protect) {
        r->vend = va + size;
        return;
    }
    s370_range_flush(out, r, page_bits);
    *r = (S370MmuRange){true, va, va + size, w->real, w->protect};
}

void s370_dump_mmu(CPUState *c, FILE *out)
{
    S370CPU *cpu = s370_cpu(c);
    if (!s370_psw_dat(cpu)) {
        fprintf(out, "DAT off: virtual addresses are real (prefix %08" PRIx32 ")\n", cpu->prefix);
        return;
    }
    const bool esa = cpu->arch == S370_ARCH_390;
    unsigned page_bits = 12, seg_bits = 20, addr_bits = esa ? 31 : 24;
    if (esa && (cpu->cr[0] & S370_CR0_TRANS_FORMAT) != S370_CR0_ESA_FORMAT) {
        fprintf(out, "DAT on, but CR0 %08" PRIx32 " names no ESA/390 translation format\n",
                cpu->cr[0]);
        return;
    }
    if (!esa && !s370_dat_geometry_370(cpu, &page_bits, &seg_bits)) {
        fprintf(out, "DAT on, but CR0 %08" PRIx32 " names no page and segment size\n", cpu->cr[0]);
        return;
    }
    if (esa && cpu->psw.asc != 0)
        fprintf(out, "(PSW selects a space other than primary; showing the primary space)\n");
    fprintf(out, "%s DAT: STD %08" PRIx32 ", %uK pages, %uK segments (virtual -> real)\n",
            esa ? "ESA/390" : "S/370", cpu->cr[1], 1u << (page_bits - 10), 1u << (seg_bits - 10));

    const uint64_t space = UINT64_C(1) << addr_bits, page = UINT64_C(1) << page_bits;
    const uint64_t segment = UINT64_C(1) << seg_bits;
    S370MmuRange r = {0};
    unsigned mapped = 0;
    for (uint64_t va = 0; va < space;) {
        S370DatWalk w;
        S370DatStatus st = s370_dat_walk(cpu, (uint32_t)va, false, &w);
        if (st == S370_DAT_OK) {
            s370_range_add(out, &r, (uint32_t)va, (uint32_t)page, &w, page_bits);
            mapped++;
            va += page;
            continue;
        }
        s370_range_flush(out, &r, page_bits);
        /* Past the segment-table length nothing further translates. */
        if (st == S370_DAT_LENGTH && w.code == S370_PGM_SEGMENT_TRANSLATION) break;
        if (w.code == S370_PGM_SEGMENT_TRANSLATION)
            va = (va | (segment - 1)) + 1; /* the segment as a whole is invalid */
        else
            va += page; /* at most 2^19 steps: bounded whatever the tables say */
    }
    s370_range_flush(out, &r, page_bits);
    if (!mapped) fprintf(out, "no valid pages\n");
}
