/*
 * Paging (SDM Vol 3 §4): 32-bit paging with 4 KiB and CR4.PSE 4 MiB
 * pages (§4.3), PAE with 2 MiB pages and the NX bit under EFER.NXE
 * (§4.4), CR0.WP, user/supervisor, accessed and dirty bits, and #PF with
 * CR2 and the error code (§4.7).  The A20 gate masks every physical
 * address, table entries included.
 *
 * PDPTEs are read at walk time rather than cached at the CR3 load; a
 * guest that changes them without reloading CR3 sees the change early.
 * The physical address width is 36 bits (bits above it in an entry are
 * reserved).  A fill for a read or fetch grants writes only when the
 * dirty bit is already set, so the first write walks again and sets it.
 * Pages holding a data breakpoint are not cached for data accesses
 * (x86_debug.c), so each access walks and is checked.
 */
#include "core/log.h"
#include "frontends/x86/x86_debug.h"
#include "frontends/x86/x86_sysrt.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"

enum {
    PTE_P = 1u << 0,
    PTE_RW = 1u << 1,
    PTE_US = 1u << 2,
    PTE_A = 1u << 5,
    PTE_D = 1u << 6,
    PTE_PS = 1u << 7,
    /* #PF error code (SDM Vol 3 §4.7 figure 4-12). */
    PFEC_P = 1u << 0,
    PFEC_W = 1u << 1,
    PFEC_U = 1u << 2,
    PFEC_RSVD = 1u << 3,
    PFEC_I = 1u << 4,
};

#define X86_PHYS_BITS 36
#define PTE_NX        (UINT64_C(1) << 63)
/* Bits 35:12 (PAE frame) and the bits above the physical width. */
#define PAE_ADDR_MASK (((UINT64_C(1) << X86_PHYS_BITS) - 1) & ~UINT64_C(0xfff))
#define PAE_HIGH_RSVD (~((UINT64_C(1) << X86_PHYS_BITS) - 1) & ~PTE_NX)

unsigned x86_mmu_index(CPUState *c, MMUAccess access)
{
    (void)access;
    return x86_data_mmu_idx(x86_cpu(c));
}

static uint64_t x86_phys_read(X86CPU *cpu, uint64_t paddr, unsigned size)
{
    uint64_t v = 0;
    if (address_space_read_val(cpu->common.as, paddr & cpu->a20_mask, size, false, &v) != MEMTX_OK)
        v = 0;
    return v;
}

static void x86_phys_write(X86CPU *cpu, uint64_t paddr, uint64_t v, unsigned size)
{
    address_space_write_val(cpu->common.as, paddr & cpu->a20_mask, size, false, v);
}

/* One level of a walk: the entry's address and size, and what it said. */
typedef struct X86WalkLevel {
    uint64_t addr;
    uint64_t entry;
    unsigned size;
} X86WalkLevel;

typedef struct X86Walk {
    X86WalkLevel level[3];
    unsigned nlevels;
    uint64_t paddr;
    unsigned page_bits;
    bool user_ok, write_ok, nx;
    uint32_t fault; /* PFEC_* of a not-present or reserved-bit fault, 0 */
    bool failed;
} X86Walk;

static bool x86_walk_level(X86CPU *cpu, X86Walk *w, uint64_t addr, unsigned size, uint64_t rsvd)
{
    X86WalkLevel *l = &w->level[w->nlevels++];
    l->addr = addr;
    l->size = size;
    l->entry = x86_phys_read(cpu, addr, size);
    if (!(l->entry & PTE_P)) {
        w->failed = true;
        return false;
    }
    if (l->entry & rsvd) {
        w->failed = true;
        w->fault = PFEC_P | PFEC_RSVD;
        return false;
    }
    w->user_ok &= (l->entry & PTE_US) != 0;
    w->write_ok &= (l->entry & PTE_RW) != 0;
    if (l->entry & PTE_NX) w->nx = true;
    return true;
}

/* 32-bit paging (SDM Vol 3 §4.3, tables 4-4 to 4-6). */
static void x86_walk_32(X86CPU *cpu, uint32_t va, X86Walk *w)
{
    uint64_t pde_addr = (cpu->cr[3] & ~0xfffu) + ((va >> 22) << 2);
    if (!x86_walk_level(cpu, w, pde_addr, 4, 0)) return;
    uint32_t pde = (uint32_t)w->level[0].entry;
    if ((pde & PTE_PS) && (cpu->cr[4] & X86_CR4_PSE)) {
        /* 4 MiB page; PSE-36 puts address bits 35:32 in bits 16:13 and
         * bit 21 is reserved (table 4-5). */
        if (pde & (1u << 21)) {
            w->failed = true;
            w->fault = PFEC_P | PFEC_RSVD;
            return;
        }
        uint64_t high = (uint64_t)((pde >> 13) & 0xf) << 32;
        w->paddr = high | (pde & 0xffc00000u) | (va & 0x3fffffu);
        w->page_bits = 22;
        return;
    }
    uint64_t pte_addr = (pde & ~0xfffu) + (((va >> 12) & 0x3ff) << 2);
    if (!x86_walk_level(cpu, w, pte_addr, 4, 0)) return;
    w->paddr = (w->level[1].entry & ~0xfffu) | (va & 0xfffu);
    w->page_bits = 12;
}

/* PAE paging (SDM Vol 3 §4.4, tables 4-8 to 4-11). */
static void x86_walk_pae(X86CPU *cpu, uint32_t va, X86Walk *w)
{
    const uint64_t nx_rsvd = (cpu->efer & (1u << 11)) ? 0 : PTE_NX;
    /* PDPTE: bits 1-2 and 5-8 reserved besides the high bits (§4.4.1). */
    uint64_t pdpte_addr = (cpu->cr[3] & ~0x1fu) + ((va >> 30) << 3);
    if (!x86_walk_level(cpu, w, pdpte_addr, 8, PAE_HIGH_RSVD | PTE_NX | 0x1e6)) return;
    /* PDPTEs carry no access rights. */
    w->user_ok = w->write_ok = true;
    uint64_t pde_addr = (w->level[0].entry & PAE_ADDR_MASK) + (((va >> 21) & 0x1ff) << 3);
    if (!x86_walk_level(cpu, w, pde_addr, 8, PAE_HIGH_RSVD | nx_rsvd)) return;
    uint64_t pde = w->level[1].entry;
    if (pde & PTE_PS) {
        if (pde & 0x1fe000u) { /* bits 20:13 of a 2 MiB PDE are reserved */
            w->failed = true;
            w->fault = PFEC_P | PFEC_RSVD;
            return;
        }
        w->paddr = (pde & PAE_ADDR_MASK & ~UINT64_C(0x1fffff)) | (va & 0x1fffffu);
        w->page_bits = 21;
        return;
    }
    uint64_t pte_addr = (pde & PAE_ADDR_MASK) + (((va >> 12) & 0x1ff) << 3);
    if (!x86_walk_level(cpu, w, pte_addr, 8, PAE_HIGH_RSVD | nx_rsvd)) return;
    w->paddr = (w->level[2].entry & PAE_ADDR_MASK) | (va & 0xfffu);
    w->page_bits = 12;
}

/* -d mmu: the entries the walk read, innermost last (SDM Vol 3 §4.3
 * and §4.4 name the levels). */
static void x86_log_walk(const X86CPU *cpu, uint32_t va, MMUAccess access, bool user,
                         const X86Walk *w)
{
    static const char *const pae_levels[] = {"PDPTE", "PDE", "PTE"};
    static const char *const levels32[] = {"PDE", "PTE"};
    static const char *const accesses[] = {"read", "write", "fetch"};
    const bool pae = (cpu->cr[4] & X86_CR4_PAE) != 0;
    log_printf("x86 mmu: %s %s %08x: %s walk, CR3=%08x\n", user ? "user" : "supervisor",
               accesses[access], va, pae ? "PAE" : "32-bit", cpu->cr[3]);
    for (unsigned i = 0; i < w->nlevels; i++)
        log_printf("x86 mmu:   %-5s at %09llx = %0*llx\n", (pae ? pae_levels : levels32)[i],
                   (unsigned long long)w->level[i].addr, (int)(2 * w->level[i].size),
                   (unsigned long long)w->level[i].entry);
}

static int x86_page_fault(X86CPU *cpu, uint32_t va, bool probe, uint32_t code)
{
    if (probe) return 1;
    LOG_MASK(LOG_MMU, "x86 mmu:   -> #PF error %04x (%s, %s, %s%s%s) CR2=%08x\n", code,
             (code & PFEC_P) ? "protection" : "not present", (code & PFEC_W) ? "write" : "read",
             (code & PFEC_U) ? "user" : "supervisor", (code & PFEC_RSVD) ? ", reserved bit" : "",
             (code & PFEC_I) ? ", fetch" : "", va);
    cpu->cr[2] = va;
    x86_set_exception(cpu, X86_EXCP_PF, true, code);
    return 1;
}

int x86_mmu_translate(CPUState *c, uint64_t vaddr, MMUAccess access, unsigned mmu_idx, bool probe,
                      MMUResult *res)
{
    X86CPU *cpu = x86_cpu(c);
    const uint32_t va = (uint32_t)vaddr;
    if (!(cpu->cr[0] & X86_CR0_PG)) {
        res->paddr = va & cpu->a20_mask;
        res->prot = MMU_PROT_READ | MMU_PROT_WRITE | MMU_PROT_EXEC;
        res->page_bits = 12;
        x86_dbp_translate(cpu, va, access, probe, res);
        return 0;
    }
    const bool user = mmu_idx == X86_MMU_USER, write = access == MMU_WRITE;
    const bool pae = (cpu->cr[4] & X86_CR4_PAE) != 0;
    const bool nxe = pae && (cpu->efer & (1u << 11));
    uint32_t code =
        (write ? PFEC_W : 0) | (user ? PFEC_U : 0) | (access == MMU_EXEC && nxe ? PFEC_I : 0);
    X86Walk w = {.user_ok = true, .write_ok = true};
    if (pae)
        x86_walk_pae(cpu, va, &w);
    else
        x86_walk_32(cpu, va, &w);
    if (!probe && log_enabled(LOG_MMU)) x86_log_walk(cpu, va, access, user, &w);
    if (w.failed) return x86_page_fault(cpu, va, probe, code | w.fault);

    /* Access rights (SDM Vol 3 §4.6): user accesses need U/S everywhere
     * and R/W for writes; supervisor writes need R/W when CR0.WP is set;
     * fetches need no NX anywhere. */
    const bool wp = (cpu->cr[0] & X86_CR0_WP) != 0;
    const bool may_write = w.write_ok || (!user && !wp);
    const bool may_exec = !(nxe && w.nx);
    if ((user && !w.user_ok) || (write && !may_write) || (access == MMU_EXEC && !may_exec))
        return x86_page_fault(cpu, va, probe, code | PFEC_P);

    /* Accessed at every level, dirty at the leaf for a write (§4.8). */
    X86WalkLevel *leaf = &w.level[w.nlevels - 1];
    if (!probe) {
        for (unsigned i = 0; i < w.nlevels; i++) {
            X86WalkLevel *l = &w.level[i];
            if (pae && i == 0) continue; /* PDPTEs have no A bit in PAE paging */
            uint64_t e = l->entry | PTE_A | (l == leaf && write ? PTE_D : 0);
            if (e != l->entry) {
                x86_phys_write(cpu, l->addr, e, l->size);
                l->entry = e;
            }
        }
    }
    res->paddr = w.paddr & cpu->a20_mask;
    res->page_bits = w.page_bits;
    res->prot = MMU_PROT_READ;
    if (may_exec) res->prot |= MMU_PROT_EXEC;
    if (may_write && ((leaf->entry & PTE_D) || write)) res->prot |= MMU_PROT_WRITE;
    if (!probe)
        LOG_MASK(LOG_MMU, "x86 mmu:   -> %09llx %s page, TLB fill %c%c%c\n",
                 (unsigned long long)res->paddr,
                 w.page_bits == 22   ? "4M"
                 : w.page_bits == 21 ? "2M"
                                     : "4K",
                 (res->prot & MMU_PROT_READ) ? 'r' : '-', (res->prot & MMU_PROT_WRITE) ? 'w' : '-',
                 (res->prot & MMU_PROT_EXEC) ? 'x' : '-');
    x86_dbp_translate(cpu, va, access, probe, res);
    return 0;
}

/* Global pages (CR4.PGE) are flushed too: a full flush is always a
 * correct superset of keeping them. */
void x86_tlb_flush(X86CPU *cpu, bool keep_global)
{
    (void)keep_global;
    if (cpu->common.tlb) tlb_flush(&cpu->common);
}

void x86_tlb_flush_page(X86CPU *cpu, uint32_t linear)
{
    if (cpu->common.tlb) tlb_flush_page(&cpu->common, linear);
}
