/*
 * Storage management of the S/370 family as the soft TLB sees it: dynamic
 * address translation (PoO-370 §3 "Dynamic Address Translation", PoO-390
 * §3), prefixing, the addressing check, and protection (low-address,
 * segment/page, key-controlled) with the reference and change bits.
 *
 * A TLB entry covers one 2 KiB page and remembers what the walk granted,
 * so the walk only grants what stays true for the whole page until
 * something flushes the TLB: a fill for a fetch grants stores only when
 * the change bit is already set (the first store must come back here to
 * set it), and stores into bytes 512-2047 of a low-address-protected page 0
 * are granted one at a time (MMUResult.no_tlb).  Whatever changes the
 * inputs flushes: SSK/SSKE/RRB/RRBE/IPTE/PTLB here, the PSW key in
 * s370_psw.c, control registers 0 and 1 in LCTL.
 */
#include <string.h>

#include "core/log.h"
#include "frontends/s370/s370_dat.h"
#include "frontends/s370/s370_internal.h"

/* ---- translation-table formats ---- */

/* The segment-table designation and segment-table entry of one
 * architecture (PoO-370 §3 "Translation Tables", PoO-390 §3). */
typedef struct S370SegmentFormat {
    unsigned addr_bits; /* virtual address size */
    uint32_t std_sto;   /* segment-table origin in the STD */
    unsigned std_stl_shift;
    uint32_t std_stl_mask; /* segment-table length, in units of 16 entries, less one */
    uint32_t std_private;  /* private-space control */
    uint32_t ste_invalid, ste_reserved, ste_pto, ste_protect, ste_common;
    unsigned ste_ptl_shift; /* 4-bit page-table length, in sixteenths, less one */
} S370SegmentFormat;

/* A page-table entry format. */
typedef struct S370PageFormat {
    const char *name;
    unsigned size; /* bytes per entry */
    uint32_t invalid, reserved, protect, pfra;
    unsigned pfra_shift;
    uint32_t ext; /* S/370 4K pages: extended real address bits 6-7 */
    unsigned ext_shift;
} S370PageFormat;

static const S370SegmentFormat s370_segments_370 = {
    .addr_bits = 24,
    .std_sto = 0x00ffffc0u,
    .std_stl_shift = 24,
    .std_stl_mask = 0xff,
    .ste_invalid = 0x00000001u,
    .ste_reserved = 0x0f000000u,
    .ste_pto = 0x00fffff8u,
    .ste_protect = 0x00000004u, /* segment-protection facility */
    .ste_common = 0x00000002u,
    .ste_ptl_shift = 28,
};

static const S370SegmentFormat s370_segments_390 = {
    .addr_bits = 31,
    .std_sto = 0x7ffff000u,
    .std_stl_shift = 0,
    .std_stl_mask = 0x7f,
    .std_private = 0x00000100u,
    .ste_invalid = 0x00000020u,
    .ste_reserved = 0x80000000u,
    .ste_pto = 0x7fffffc0u,
    .ste_common = 0x00000010u,
    .ste_ptl_shift = 0,
};

static const S370PageFormat s370_pages_370_2k = {
    .name = "S/370 2K",
    .size = 2,
    .invalid = 0x0004,
    .reserved = 0x0002,
    .pfra = 0xfff8,
    .pfra_shift = 8,
};

static const S370PageFormat s370_pages_370_4k = {
    .name = "S/370 4K",
    .size = 2,
    .invalid = 0x0008,
    .pfra = 0xfff0,
    .pfra_shift = 8,
    .ext = 0x0006,
    .ext_shift = 23,
};

static const S370PageFormat s370_pages_390 = {
    .name = "ESA/390",
    .size = 4,
    .invalid = 0x00000400u,
    .reserved = 0x80000900u,
    .protect = 0x00000200u,
    .pfra = 0x7ffff000u,
};

bool s370_dat_geometry_370(const S370CPU *cpu, unsigned *page_bits, unsigned *seg_bits)
{
    /* PoO-370 §3 "Translation Format": bits 8-9 page size, 10-12 segment size. */
    uint32_t page = cpu->cr[0] & 0x00c00000u, seg = cpu->cr[0] & 0x00380000u;
    if (page == S370_CR0_PAGE_2K)
        *page_bits = 11;
    else if (page == S370_CR0_PAGE_4K)
        *page_bits = 12;
    else
        return false;
    if (seg == 0)
        *seg_bits = 16;
    else if (seg == S370_CR0_SEG_1M)
        *seg_bits = 20;
    else
        return false;
    return true;
}

uint32_t s370_dat_exception_address(const S370CPU *cpu, uint32_t vaddr)
{
    unsigned page_bits = 12, seg_bits;
    if (cpu->arch == S370_ARCH_370) {
        if (!s370_dat_geometry_370(cpu, &page_bits, &seg_bits)) page_bits = 11;
        return vaddr & 0x00ffffffu & ~((1u << page_bits) - 1);
    }
    return vaddr & 0x7ffff000u; /* bits 30-31 zero: primary space */
}

/* Fetch a table entry from real storage; false if it lies outside. */
static bool s370_table_read(S370CPU *cpu, uint64_t real, unsigned size, uint32_t *val)
{
    uint64_t abs = s370_real_to_abs(cpu, real);
    uint8_t b[4];
    if (!s370_abs_valid(cpu, abs, size)) return false;
    s370_abs_read(cpu, abs, b, size);
    *val = size == 2 ? (uint32_t)b[0] << 8 | b[1]
                     : (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    return true;
}

static S370DatStatus s370_dat_end(S370DatWalk *w, S370DatStatus st, uint16_t code, uint64_t entry,
                                  bool trace, const char *why)
{
    w->code = code;
    w->entry = entry;
    if (trace) log_printf("s370 dat:   %s -> program interruption %04x\n", why, code);
    return st;
}

S370DatStatus s370_dat_walk(S370CPU *cpu, uint32_t vaddr, bool trace, S370DatWalk *w)
{
    const bool esa = cpu->arch == S370_ARCH_390;
    const S370SegmentFormat *sf = esa ? &s370_segments_390 : &s370_segments_370;
    const S370PageFormat *pf;
    unsigned page_bits, seg_bits;
    memset(w, 0, sizeof *w);

    if (esa) {
        page_bits = 12;
        seg_bits = 20;
        pf = &s370_pages_390;
        if ((cpu->cr[0] & S370_CR0_TRANS_FORMAT) != S370_CR0_ESA_FORMAT) {
            if (trace) log_printf("s370 dat: va %08x: CR0 %08x\n", vaddr, cpu->cr[0]);
            return s370_dat_end(w, S370_DAT_EXCEPTION, S370_PGM_TRANSLATION_SPEC, 0, trace,
                                "CR0 bits 8-12 are not the ESA/390 format 10110");
        }
    } else {
        if (!s370_dat_geometry_370(cpu, &page_bits, &seg_bits)) {
            if (trace) log_printf("s370 dat: va %06x: CR0 %08x\n", vaddr, cpu->cr[0]);
            return s370_dat_end(w, S370_DAT_EXCEPTION, S370_PGM_TRANSLATION_SPEC, 0, trace,
                                "CR0 bits 8-12 name no page and segment size");
        }
        pf = page_bits == 11 ? &s370_pages_370_2k : &s370_pages_370_4k;
    }
    w->page_bits = page_bits;
    vaddr &= (uint32_t)((UINT64_C(1) << sf->addr_bits) - 1);

    /* Segment table: one 4-byte entry per segment; its length counts
     * units of 16 entries, compared with the leftmost bits of the index. */
    const uint32_t std = cpu->cr[1];
    const uint64_t sto = std & sf->std_sto;
    const uint32_t stl = (std >> sf->std_stl_shift) & sf->std_stl_mask;
    const uint32_t sx = vaddr >> seg_bits;
    const uint64_t ste_addr = (sto + 4u * sx) & 0x7fffffffu;
    w->private_space = (std & sf->std_private) != 0;
    if (trace)
        log_printf("s370 dat: va %08x: %s pages, %uK segments; segment table at %08llx, %u "
                   "entries%s\n",
                   vaddr, pf->name, 1u << (seg_bits - 10), (unsigned long long)sto, (stl + 1) * 16,
                   w->private_space ? ", private space" : "");
    if ((sx >> 4) > stl)
        return s370_dat_end(w, S370_DAT_LENGTH, S370_PGM_SEGMENT_TRANSLATION, ste_addr, trace,
                            "segment index beyond the segment-table length");
    uint32_t ste;
    if (!s370_table_read(cpu, ste_addr, 4, &ste))
        return s370_dat_end(w, S370_DAT_EXCEPTION, S370_PGM_ADDRESSING, ste_addr, trace,
                            "segment-table entry outside storage");
    if (trace)
        log_printf("s370 dat:   segment %03x: entry at %08llx = %08x\n", sx,
                   (unsigned long long)ste_addr, ste);
    if (ste & sf->ste_invalid)
        return s370_dat_end(w, S370_DAT_SEG_INVALID, S370_PGM_SEGMENT_TRANSLATION, ste_addr, trace,
                            "segment-invalid bit");
    if (ste & sf->ste_reserved)
        return s370_dat_end(w, S370_DAT_EXCEPTION, S370_PGM_TRANSLATION_SPEC, ste_addr, trace,
                            "reserved bits set in the segment-table entry");
    if (w->private_space && (ste & sf->ste_common))
        return s370_dat_end(w, S370_DAT_EXCEPTION, S370_PGM_TRANSLATION_SPEC, ste_addr, trace,
                            "common segment in a private space");
    w->protect = (ste & sf->ste_protect) != 0;

    /* Page table: its length counts sixteenths of the largest table. */
    const uint64_t pto = ste & sf->ste_pto;
    const uint32_t ptl = (ste >> sf->ste_ptl_shift) & 15;
    const unsigned px_bits = seg_bits - page_bits;
    const uint32_t px = (vaddr >> page_bits) & ((1u << px_bits) - 1);
    const uint64_t pte_addr = (pto + (uint64_t)pf->size * px) & 0x7fffffffu;
    if (trace)
        log_printf("s370 dat:   page table at %08llx, %u entries%s\n", (unsigned long long)pto,
                   (ptl + 1) << (px_bits - 4), w->protect ? ", segment protected" : "");
    if ((px >> (px_bits - 4)) > ptl)
        return s370_dat_end(w, S370_DAT_LENGTH, S370_PGM_PAGE_TRANSLATION, pte_addr, trace,
                            "page index beyond the page-table length");
    uint32_t pte;
    if (!s370_table_read(cpu, pte_addr, pf->size, &pte))
        return s370_dat_end(w, S370_DAT_EXCEPTION, S370_PGM_ADDRESSING, pte_addr, trace,
                            "page-table entry outside storage");
    if (trace)
        log_printf("s370 dat:   page %02x: entry at %08llx = %0*x\n", px,
                   (unsigned long long)pte_addr, (int)(2 * pf->size), pte);
    if (pte & pf->invalid)
        return s370_dat_end(w, S370_DAT_PAGE_INVALID, S370_PGM_PAGE_TRANSLATION, pte_addr, trace,
                            "page-invalid bit");
    if (pte & pf->reserved)
        return s370_dat_end(w, S370_DAT_EXCEPTION, S370_PGM_TRANSLATION_SPEC, pte_addr, trace,
                            "reserved bits set in the page-table entry");
    if (pte & pf->protect) w->protect = true;
    w->real = (uint64_t)(pte & pf->pfra) << pf->pfra_shift |
              (uint64_t)(pte & pf->ext) << pf->ext_shift | (vaddr & ((1u << page_bits) - 1));
    if (trace)
        log_printf("s370 dat:   -> real address %08llx%s\n", (unsigned long long)w->real,
                   (pte & pf->protect) ? " (page protected)" : "");
    return S370_DAT_OK;
}

/* ---- protection (PoO-370 §3 "Protection", PoO-390 §3) ---- */

bool s370_low_address_protected(const S370CPU *cpu, uint32_t vaddr, bool dat, bool private_space)
{
    if (vaddr > 511 || !(cpu->cr[0] & S370_CR0_LOW_ADDR_PROT)) return false;
    /* ESA/390: not applied to addresses of a private address space. */
    return !(cpu->arch == S370_ARCH_390 && dat && private_space);
}

static bool s370_key_matches(uint8_t skey, uint8_t akey)
{
    return akey == 0 || (skey & STORAGE_KEY_ACC) == (uint8_t)(akey << 4);
}

/* ESA/390 storage-protection override: key 9 blocks are open to every
 * key while CR0 bit 7 is one. */
static bool s370_storage_override(const S370CPU *cpu, uint8_t skey)
{
    return cpu->arch == S370_ARCH_390 && (cpu->cr[0] & S370_CR0_STORE_PROT_OVR) &&
           (skey & STORAGE_KEY_ACC) == 0x90;
}

bool s370_fetch_permitted(const S370CPU *cpu, uint32_t vaddr, uint8_t skey, uint8_t akey,
                          bool private_space)
{
    if (!cpu->storage_keys || s370_key_matches(skey, akey) || !(skey & STORAGE_KEY_FETCH))
        return true;
    /* ESA/390 fetch-protection override: locations 0-2047 of a shared space. */
    if (cpu->arch == S370_ARCH_390 && (cpu->cr[0] & S370_CR0_FETCH_PROT_OVR) && vaddr < 2048 &&
        !private_space)
        return true;
    return s370_storage_override(cpu, skey);
}

bool s370_store_permitted(const S370CPU *cpu, uint32_t vaddr, uint8_t skey, uint8_t akey, bool dat,
                          const S370DatWalk *w)
{
    bool private_space = dat && w && w->private_space;
    if (s370_low_address_protected(cpu, vaddr, dat, private_space)) return false;
    if (dat && w && w->protect) return false;
    if (!cpu->storage_keys || s370_key_matches(skey, akey)) return true;
    return s370_storage_override(cpu, skey);
}

/* ---- storage keys ---- */

uint8_t s370_key_get(S370CPU *cpu, uint64_t abs, bool block_4k)
{
    if (block_4k) abs &= ~UINT64_C(0xfff);
    uint8_t *first = s370_key_byte(cpu, abs);
    uint8_t key = first ? *first : 0;
    uint8_t *second = block_4k ? s370_key_byte(cpu, abs + 0x800) : NULL;
    if (second) key |= *second & (STORAGE_KEY_REF | STORAGE_KEY_CHANGE);
    return key & 0xfe;
}

void s370_key_set(S370CPU *cpu, uint64_t abs, bool block_4k, uint8_t key)
{
    if (block_4k) abs &= ~UINT64_C(0xfff);
    for (unsigned half = 0; half < (block_4k ? 2u : 1u); half++) {
        uint8_t *k = s370_key_byte(cpu, abs + half * 0x800u);
        if (k) *k = key & 0xfe;
    }
}

uint8_t s370_key_reset_reference(S370CPU *cpu, uint64_t abs, bool block_4k)
{
    uint8_t old = s370_key_get(cpu, abs, block_4k);
    if (block_4k) abs &= ~UINT64_C(0xfff);
    for (unsigned half = 0; half < (block_4k ? 2u : 1u); half++) {
        uint8_t *k = s370_key_byte(cpu, abs + half * 0x800u);
        if (k) *k &= (uint8_t)~STORAGE_KEY_REF;
    }
    return old;
}

/* ---- the soft TLB's page walk ---- */

static const char *const s370_access_names[] = {"fetch", "store", "instruction fetch"};

static int s370_mmu_fault(S370CPU *cpu, bool probe, uint16_t code)
{
    return probe ? (int)code : s370_set_program_exception(cpu, code);
}

int s370_mmu_translate(CPUState *c, uint64_t vaddr, MMUAccess access, unsigned mmu_idx, bool probe,
                       MMUResult *res)
{
    S370CPU *cpu = s370_cpu(c);
    const bool dat = mmu_idx == S370_MMU_PRIMARY;
    const bool trace = !probe && log_enabled(LOG_MMU);
    const uint32_t va = (uint32_t)vaddr;
    S370DatWalk w = {.page_bits = c->page_bits};
    uint64_t real = va;

    if (dat) {
        if (cpu->arch == S370_ARCH_390 && cpu->psw.asc != 0) {
            /* PoO-390 §5 "Address-Space Control": only the primary space
             * is translated so far. */
            static const char *const spaces[] = {"primary", "access-register", "secondary", "home"};
            if (!probe)
                LOG_MASK(LOG_UNIMP, "s370: %s-space translation is not implemented (va %08x)\n",
                         spaces[cpu->psw.asc & 3], va);
            return s370_mmu_fault(cpu, probe, S370_PGM_TRANSLATION_SPEC);
        }
        S370DatStatus st = s370_dat_walk(cpu, va, trace, &w);
        if (st != S370_DAT_OK) {
            if (!probe && st != S370_DAT_EXCEPTION)
                cpu->trans_exc_addr = s370_dat_exception_address(cpu, va);
            return s370_mmu_fault(cpu, probe, w.code);
        }
        real = w.real;
    }
    if (access == MMU_WRITE && w.protect) {
        if (trace) log_printf("s370 mmu: store to %08x: page or segment protected\n", va);
        return s370_mmu_fault(cpu, probe, S370_PGM_PROTECTION);
    }

    /* PoO-370 §3 "Prefixing", then the addressing check on the absolute address. */
    const uint64_t abs = s370_real_to_abs(cpu, real);
    if (!s370_abs_valid(cpu, abs, 1)) {
        if (trace)
            log_printf("s370 mmu: %s at %08x: absolute %08llx is outside storage\n",
                       s370_access_names[access], va, (unsigned long long)abs);
        return s370_mmu_fault(cpu, probe, S370_PGM_ADDRESSING);
    }

    uint8_t *kp = s370_key_byte(cpu, abs);
    const uint8_t skey = kp ? *kp : 0, akey = cpu->psw.key;
    const bool private_space = dat && w.private_space;
    const bool fetch = s370_fetch_permitted(cpu, va, skey, akey, private_space);
    const bool store = s370_store_permitted(cpu, va, skey, akey, dat, &w);
    if (!(access == MMU_WRITE ? store : fetch)) {
        if (trace)
            log_printf("s370 mmu: %s at %08x refused: storage key %02x, access key %x%s\n",
                       s370_access_names[access], va, skey, akey,
                       s370_low_address_protected(cpu, va, dat, private_space)
                           ? ", low-address protection"
                           : "");
        return s370_mmu_fault(cpu, probe, S370_PGM_PROTECTION);
    }
    if (!probe && kp) *kp |= STORAGE_KEY_REF | (access == MMU_WRITE ? STORAGE_KEY_CHANGE : 0);

    /* Low-address protection covers bytes 0-511 of page 0: the rest of the
     * page is writable, but only one checked store at a time. */
    const bool lap_page = va < 2048 && s370_low_address_protected(cpu, 0, dat, private_space);
    res->paddr = abs;
    res->page_bits = w.page_bits > c->page_bits ? w.page_bits : c->page_bits;
    res->prot = fetch ? MMU_PROT_READ | MMU_PROT_EXEC : 0;
    if (store && !lap_page && (access == MMU_WRITE || !kp || (skey & STORAGE_KEY_CHANGE)))
        res->prot |= MMU_PROT_WRITE;
    if (access == MMU_WRITE && lap_page) {
        res->prot |= MMU_PROT_WRITE;
        res->no_tlb = true;
    }
    if (trace)
        log_printf("s370 mmu: %s at %08x -> real %08llx absolute %08llx, key %02x%s%s\n",
                   s370_access_names[access], va, (unsigned long long)real, (unsigned long long)abs,
                   kp ? *kp : 0, (res->prot & MMU_PROT_WRITE) ? "" : ", stores walk again",
                   res->no_tlb ? ", low-address page: not cached" : "");
    return 0;
}

unsigned s370_mmu_index(CPUState *c, MMUAccess access)
{
    (void)access;
    return s370_psw_dat(s370_cpu(c)) ? S370_MMU_PRIMARY : S370_MMU_REAL;
}
