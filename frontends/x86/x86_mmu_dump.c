/*
 * info tlb for x86: the page tables CR3 points to, read with physical
 * reads (no fault, no accessed/dirty update), as merged ranges of linear
 * addresses mapped to contiguous physical addresses with the same rights
 * and page size.  32-bit paging with CR4.PSE 4 MiB pages (SDM Vol 3
 * §4.3) and PAE with 2 MiB pages and NX (§4.4).  Rights are those of the
 * whole walk: u = user-accessible, w = writable, x = executable.  The
 * loops are bounded by the table sizes (at most 2^20 leaf entries).
 */
#include <inttypes.h>

#include "frontends/x86/x86_sysrt.h"
#include "softmmu/memory.h"

enum {
    PTE_P = 1u << 0,
    PTE_RW = 1u << 1,
    PTE_US = 1u << 2,
    PTE_PS = 1u << 7,
};
#define PTE_NX        (UINT64_C(1) << 63)
#define PAE_ADDR_MASK UINT64_C(0x0000000ffffff000) /* 36-bit physical width, as x86_mmu.c */

typedef struct X86DumpRange {
    FILE *out;
    bool open;
    uint64_t vstart, vend, pstart; /* [vstart, vend) -> pstart */
    unsigned rights;               /* MMU_PROT_* plus X86_DUMP_USER */
    unsigned page_bits;
    unsigned mapped;
} X86DumpRange;

#define X86_DUMP_USER 8u

static void x86_range_flush(X86DumpRange *r)
{
    if (!r->open) return;
    fprintf(r->out, "%08" PRIx64 "-%08" PRIx64 " -> %09" PRIx64 " %c%c%c%c [%s]\n", r->vstart,
            r->vend - 1, r->pstart, (r->rights & X86_DUMP_USER) ? 'u' : '-',
            (r->rights & MMU_PROT_READ) ? 'r' : '-', (r->rights & MMU_PROT_WRITE) ? 'w' : '-',
            (r->rights & MMU_PROT_EXEC) ? 'x' : '-',
            r->page_bits == 22   ? "4M"
            : r->page_bits == 21 ? "2M"
                                 : "4K");
    r->open = false;
}

static void x86_range_add(X86DumpRange *r, uint64_t va, uint64_t pa, unsigned rights,
                          unsigned page_bits)
{
    const uint64_t size = UINT64_C(1) << page_bits;
    r->mapped++;
    if (r->open && r->vend == va && r->pstart + (va - r->vstart) == pa && r->rights == rights &&
        r->page_bits == page_bits) {
        r->vend = va + size;
        return;
    }
    x86_range_flush(r);
    r->open = true;
    r->vstart = va;
    r->vend = va + size;
    r->pstart = pa;
    r->rights = rights;
    r->page_bits = page_bits;
}

static uint64_t x86_dump_read(X86CPU *cpu, uint64_t paddr, unsigned size)
{
    uint64_t v = 0;
    if (address_space_read_val(cpu->common.as, paddr & cpu->a20_mask, size, false, &v) != MEMTX_OK)
        return 0; /* reads as not present */
    return v;
}

/* The rights an entry grants (ANDed down the walk by the caller). */
static unsigned x86_entry_rights(uint64_t e, bool nxe)
{
    unsigned r = MMU_PROT_READ;
    if (e & PTE_RW) r |= MMU_PROT_WRITE;
    if (!(nxe && (e & PTE_NX))) r |= MMU_PROT_EXEC;
    if (e & PTE_US) r |= X86_DUMP_USER;
    return r;
}

static void x86_dump_32(X86CPU *cpu, X86DumpRange *r)
{
    const uint64_t pd = cpu->cr[3] & ~0xfffu;
    for (uint32_t i = 0; i < 1024; i++) {
        const uint32_t pde = (uint32_t)x86_dump_read(cpu, pd + 4 * i, 4);
        const uint64_t va = (uint64_t)i << 22;
        if (!(pde & PTE_P)) {
            x86_range_flush(r);
            continue;
        }
        if ((pde & PTE_PS) && (cpu->cr[4] & X86_CR4_PSE)) {
            uint64_t pa = (uint64_t)((pde >> 13) & 0xf) << 32 | (pde & 0xffc00000u);
            x86_range_add(r, va, pa, x86_entry_rights(pde, false), 22);
            continue;
        }
        const unsigned pde_rights = x86_entry_rights(pde, false);
        for (uint32_t j = 0; j < 1024; j++) {
            const uint32_t pte = (uint32_t)x86_dump_read(cpu, (pde & ~0xfffu) + 4 * j, 4);
            if (!(pte & PTE_P)) {
                x86_range_flush(r);
                continue;
            }
            x86_range_add(r, va | (uint64_t)j << 12, pte & ~0xfffu,
                          pde_rights & x86_entry_rights(pte, false), 12);
        }
    }
}

static void x86_dump_pae(X86CPU *cpu, X86DumpRange *r)
{
    const bool nxe = (cpu->efer & (1u << 11)) != 0;
    for (uint32_t i = 0; i < 4; i++) {
        const uint64_t pdpte = x86_dump_read(cpu, (cpu->cr[3] & ~0x1fu) + 8 * i, 8);
        if (!(pdpte & PTE_P)) {
            x86_range_flush(r);
            continue;
        }
        for (uint32_t j = 0; j < 512; j++) {
            const uint64_t pde = x86_dump_read(cpu, (pdpte & PAE_ADDR_MASK) + 8 * j, 8);
            const uint64_t va = (uint64_t)i << 30 | (uint64_t)j << 21;
            if (!(pde & PTE_P)) {
                x86_range_flush(r);
                continue;
            }
            const unsigned pde_rights = x86_entry_rights(pde, nxe);
            if (pde & PTE_PS) {
                x86_range_add(r, va, pde & PAE_ADDR_MASK & ~UINT64_C(0x1fffff), pde_rights, 21);
                continue;
            }
            for (uint32_t k = 0; k < 512; k++) {
                const uint64_t pte = x86_dump_read(cpu, (pde & PAE_ADDR_MASK) + 8 * k, 8);
                if (!(pte & PTE_P)) {
                    x86_range_flush(r);
                    continue;
                }
                x86_range_add(r, va | (uint64_t)k << 12, pte & PAE_ADDR_MASK,
                              pde_rights & x86_entry_rights(pte, nxe), 12);
            }
        }
    }
}

void x86_dump_mmu(CPUState *c, FILE *out)
{
    X86CPU *cpu = x86_cpu(c);
    if (!(cpu->cr[0] & X86_CR0_PG)) {
        fprintf(out, "paging disabled\n");
        return;
    }
    const bool pae = (cpu->cr[4] & X86_CR4_PAE) != 0;
    fprintf(out, "%s paging, CR3=%08" PRIx32 "%s (linear -> physical)\n", pae ? "PAE" : "32-bit",
            cpu->cr[3], (cpu->cr[0] & X86_CR0_WP) ? ", CR0.WP" : "");
    X86DumpRange r = {.out = out};
    if (pae)
        x86_dump_pae(cpu, &r);
    else
        x86_dump_32(cpu, &r);
    x86_range_flush(&r);
    if (!r.mapped) fprintf(out, "no present pages\n");
}
