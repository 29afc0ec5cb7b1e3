/*
 * s370_mmu: S/370 and ESA/390 address translation, prefixing, protection,
 * reference and change bits, and the storage-management instructions;
 * s370_timer: the TOD clock, clock comparator, CPU timer and interval
 * timer.  A Machine-less fixture: one S/370 cpu on 256 KiB of storage with
 * its keys, and a virtual clock the test sets (the icount source).
 */
#include <criterion/criterion.h>
#include <setjmp.h>
#include <string.h>

#include "core/clock.h"
#include "core/machine.h"
#include "frontends/s370/s370_dat.h"
#include "frontends/s370/s370_internal.h"
#include "frontends/s370/s370_timer.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"

#define RAM_SIZE 0x40000u

typedef struct S370World {
    MemoryRegion root, ram;
    AddressSpace as;
    uint8_t keys[RAM_SIZE >> STORAGE_KEY_BLOCK_BITS];
    Machine machine;
    uint64_t vclock; /* virtual ns */
    S370CPU *cpu;
} S370World;

static S370World w;
static S370CPU *cpu;

static uint64_t world_vclock(void *opaque)
{
    return ((S370World *)opaque)->vclock;
}

static void world_init(S370ArchMode arch)
{
    memset(&w, 0, sizeof w);
    memory_region_init_container(&w.root, "system", UINT64_MAX);
    cr_assert(memory_region_init_ram(&w.ram, "storage", RAM_SIZE));
    memory_region_add_subregion(&w.root, 0, &w.ram, 0);
    address_space_init(&w.as, &w.root, "memory");
    w.machine.clocks = clocks_new();
    w.machine.icount_shift = 0;
    clocks_set_icount_source(w.machine.clocks, world_vclock, &w, 0);
    cpu = w.cpu = s370_cpu(cpu_create(&s370_arch_ops, &w.machine, 0));
    cpu->common.as = &w.as;
    tlb_init(&cpu->common);
    address_space_add_cpu(&w.as, &cpu->common);
    s370_cpu_attach_storage(cpu, w.keys, RAM_SIZE);
    s370_cpu_set_arch(cpu, arch);
    cpu->common.halted = false;
}

static void setup_370(void)
{
    world_init(S370_ARCH_370);
    cpu->psw.ec = true;
}

static void setup_390(void)
{
    world_init(S370_ARCH_390);
}

static void teardown(void)
{
    s370_timer_fini(cpu);
    tlb_destroy(&cpu->common);
    cpu_destroy(&cpu->common);
    clocks_free(w.machine.clocks);
    address_space_destroy(&w.as);
    memory_region_destroy(&w.ram);
    memory_region_destroy(&w.root);
}

/* Suite fixtures run as well as a test's own: one suite per architecture. */
TestSuite(s370_mmu, .init = setup_370, .fini = teardown);
TestSuite(s370_mmu_390, .init = setup_390, .fini = teardown);
TestSuite(s370_timer, .init = setup_370, .fini = teardown);
TestSuite(s370_timer_390, .init = setup_390, .fini = teardown);

/* ---- helpers ---- */

static void put16(uint64_t a, uint16_t v)
{
    w.ram.host[a] = (uint8_t)(v >> 8);
    w.ram.host[a + 1] = (uint8_t)v;
}

static void put32(uint64_t a, uint32_t v)
{
    put16(a, (uint16_t)(v >> 16));
    put16(a + 2, (uint16_t)v);
}

static uint32_t get32(uint64_t a)
{
    const uint8_t *p = &w.ram.host[a];
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(uint64_t a)
{
    return (uint64_t)get32(a) << 32 | get32(a + 4);
}

static void put64(uint64_t a, uint64_t v)
{
    put32(a, (uint32_t)(v >> 32));
    put32(a + 4, (uint32_t)v);
}

/* Run stmt; true if it raised a guest exception (longjmp). */
#define RAISES(stmt)                                                                               \
    ({                                                                                             \
        volatile bool raised_ = true;                                                              \
        cpu->common.exception_index = EXCP_NONE;                                                   \
        if (setjmp(cpu->common.jmp_env) == 0) {                                                    \
            stmt;                                                                                  \
            raised_ = false;                                                                       \
        }                                                                                          \
        raised_;                                                                                   \
    })

/* Translate; 0 or the program-interruption code. */
static unsigned xlate(uint64_t va, MMUAccess access, unsigned mmu_idx, MMUResult *res)
{
    MMUResult scratch;
    if (!res) res = &scratch;
    memset(res, 0, sizeof *res);
    cpu->pgm_code = 0;
    if (s370_mmu_translate(&cpu->common, va, access, mmu_idx, false, res) == 0) return 0;
    cr_assert_eq(cpu->common.exception_index, S370_EXCP_PROGRAM);
    return cpu->pgm_code;
}

static uint64_t real_of(uint64_t va)
{
    MMUResult r;
    cr_assert_eq(xlate(va, MMU_READ, S370_MMU_PRIMARY, &r), 0, "va %llx faults",
                 (unsigned long long)va);
    return r.paddr;
}

static uint8_t load8(uint64_t va, unsigned mmu_idx)
{
    return (uint8_t)softmmu_load(&cpu->common, va, IR_MO_8, mmu_idx, 0);
}

static void store8(uint64_t va, unsigned mmu_idx, uint8_t v)
{
    softmmu_store(&cpu->common, va, v, IR_MO_8, mmu_idx, 0);
}

/* An instruction's helper, by opcode key. */
static uint64_t exec(uint16_t key, unsigned r1, unsigned r2, uint64_t a1, uint64_t a2)
{
    const S370InsnDef *def = s370_lookup(key, cpu->arch);
    cr_assert_not_null(def, "opcode %04x", key);
    cr_assert_not_null(def->helper);
    S370HelperFn *fn = (S370HelperFn *)def->helper->fn;
    return fn(&cpu->common, r1 | r2 << 4, a1, a2);
}

static uint16_t exec_raises(uint16_t key, unsigned r1, unsigned r2, uint64_t a1, uint64_t a2)
{
    cpu->pgm_code = 0;
    cr_assert(RAISES(exec(key, r1, r2, a1, a2)), "opcode %04x did not raise", key);
    return cpu->pgm_code;
}

/* ---- S/370 tables: 64K segments, 4K pages ----
 * Segment table at 0x1000 (16 entries): segment 0 invalid, segment 1
 * with a 4-entry page table at 0x2000: page 0 -> 0x6000, page 1 invalid,
 * page 2 -> 0x5000, page 3 -> extended real 0x2003000. */
static void tables_370_64k_4k(void)
{
    cpu->cr[0] = S370_CR0_PAGE_4K;
    cpu->cr[1] = 0x00001000u; /* STL 0: 16 entries */
    put32(0x1000, 0x00000001u);
    put32(0x1004, 0x30002000u);
    put16(0x2000, 0x0060);
    put16(0x2002, 0x0008);
    put16(0x2004, 0x0050);
    put16(0x2006, 0x0034); /* PFRA 0x003000, extended bit 13 */
}

Test(s370_mmu, s370_64k_segments_4k_pages)
{
    tables_370_64k_4k();
    cr_assert_eq(real_of(0x012345), 0x5345);
    cr_assert_eq(real_of(0x010fff), 0x6fff);
}

Test(s370_mmu, s370_invalid_entries_store_the_exception_address)
{
    tables_370_64k_4k();
    cr_assert_eq(xlate(0x011234, MMU_READ, S370_MMU_PRIMARY, NULL), S370_PGM_PAGE_TRANSLATION);
    cr_assert_eq(cpu->trans_exc_addr, 0x011000);
    cr_assert_eq(xlate(0x004567, MMU_EXEC, S370_MMU_PRIMARY, NULL), S370_PGM_SEGMENT_TRANSLATION);
    cr_assert_eq(cpu->trans_exc_addr, 0x004000);
    /* Page 5 is beyond the 4-entry table; segment 16 beyond the segment table. */
    cr_assert_eq(xlate(0x015000, MMU_WRITE, S370_MMU_PRIMARY, NULL), S370_PGM_PAGE_TRANSLATION);
    cr_assert_eq(cpu->trans_exc_addr, 0x015000);
    cr_assert_eq(xlate(0x100010, MMU_READ, S370_MMU_PRIMARY, NULL), S370_PGM_SEGMENT_TRANSLATION);
    cr_assert_eq(cpu->trans_exc_addr, 0x100000);
}

Test(s370_mmu, s370_1m_segments_2k_pages)
{
    cpu->cr[0] = S370_CR0_PAGE_2K | S370_CR0_SEG_1M;
    cpu->cr[1] = 0x00001000u;
    put32(0x1004, 0x20003000u);       /* segment 1: PTL 2 (96 entries) */
    put16(0x3000 + 2 * 0x46, 0x0078); /* page 0x46 -> 0x7800 */
    put16(0x3000 + 2 * 0x47, 0x0004); /* invalid */
    cr_assert_eq(real_of(0x123456), 0x7c56);
    cr_assert_eq(xlate(0x123856, MMU_READ, S370_MMU_PRIMARY, NULL), S370_PGM_PAGE_TRANSLATION);
    cr_assert_eq(cpu->trans_exc_addr, 0x123800, "2K page address");
    /* Page 0x60 is past PTL 2 (entries 0-0x5f). */
    cr_assert_eq(xlate(0x130000, MMU_READ, S370_MMU_PRIMARY, NULL), S370_PGM_PAGE_TRANSLATION);
}

Test(s370_mmu, s370_bad_formats_are_translation_specification)
{
    tables_370_64k_4k();
    cpu->cr[0] = 0x00c00000u; /* page size 11 */
    cr_assert_eq(xlate(0x012345, MMU_READ, S370_MMU_PRIMARY, NULL), S370_PGM_TRANSLATION_SPEC);
    cpu->cr[0] = S370_CR0_PAGE_4K | 0x00080000u; /* segment size 001 */
    cr_assert_eq(xlate(0x012345, MMU_READ, S370_MMU_PRIMARY, NULL), S370_PGM_TRANSLATION_SPEC);
    cpu->cr[0] = S370_CR0_PAGE_4K;
    put32(0x1004, 0x31002000u); /* STE bits 4-7 */
    cr_assert_eq(xlate(0x012345, MMU_READ, S370_MMU_PRIMARY, NULL), S370_PGM_TRANSLATION_SPEC);
    cpu->cr[0] = S370_CR0_PAGE_2K;
    put32(0x1004, 0x30002000u);
    put16(0x2008, 0x0052); /* 2K PTE with bit 14 */
    cr_assert_eq(xlate(0x012345, MMU_READ, S370_MMU_PRIMARY, NULL), S370_PGM_TRANSLATION_SPEC);
}

Test(s370_mmu, table_outside_storage_is_addressing)
{
    tables_370_64k_4k();
    cpu->cr[1] = 0x00fff000u;
    cr_assert_eq(xlate(0x012345, MMU_READ, S370_MMU_PRIMARY, NULL), S370_PGM_ADDRESSING);
    cpu->cr[1] = 0x00001000u;
    put32(0x1004, 0x30ff0000u);
    cr_assert_eq(xlate(0x012345, MMU_READ, S370_MMU_PRIMARY, NULL), S370_PGM_ADDRESSING);
}

Test(s370_mmu, segment_protection_refuses_stores)
{
    tables_370_64k_4k();
    put32(0x1004, 0x30002004u);
    cr_assert_eq(xlate(0x012345, MMU_READ, S370_MMU_PRIMARY, NULL), 0);
    cr_assert_eq(xlate(0x012345, MMU_WRITE, S370_MMU_PRIMARY, NULL), S370_PGM_PROTECTION);
}

Test(s370_mmu, prefixing_swaps_page_zero_both_ways)
{
    cpu->prefix = 0x8000;
    MMUResult r;
    cr_assert_eq(xlate(0x0123, MMU_READ, S370_MMU_REAL, &r), 0);
    cr_assert_eq(r.paddr, 0x8123);
    cr_assert_eq(xlate(0x8123, MMU_READ, S370_MMU_REAL, &r), 0);
    cr_assert_eq(r.paddr, 0x0123);
    cr_assert_eq(xlate(0x9123, MMU_READ, S370_MMU_REAL, &r), 0);
    cr_assert_eq(r.paddr, 0x9123);
    /* DAT output is real too. */
    tables_370_64k_4k();
    put16(0x2000, 0x0000); /* page 0 of segment 1 -> real 0 */
    cr_assert_eq(real_of(0x010040), 0x8040);
}

Test(s370_mmu, beyond_storage_is_addressing)
{
    cr_assert_eq(xlate(RAM_SIZE, MMU_READ, S370_MMU_REAL, NULL), S370_PGM_ADDRESSING);
    cr_assert_eq(xlate(RAM_SIZE - 1, MMU_READ, S370_MMU_REAL, NULL), 0);
    tables_370_64k_4k();
    cr_assert_eq(xlate(0x013000, MMU_READ, S370_MMU_PRIMARY, NULL), S370_PGM_ADDRESSING,
                 "extended real address 0x2003000");
}

/* ---- keys, reference and change bits ---- */

Test(s370_mmu, key_controlled_protection)
{
    w.keys[0x5000 >> 11] = 0x30; /* key 3 */
    w.keys[0x6000 >> 11] = 0x38; /* key 3, fetch protected */
    cpu->psw.key = 3;
    cr_assert_eq(xlate(0x5000, MMU_WRITE, S370_MMU_REAL, NULL), 0);
    cpu->psw.key = 4;
    cr_assert_eq(xlate(0x5000, MMU_WRITE, S370_MMU_REAL, NULL), S370_PGM_PROTECTION);
    cr_assert_eq(xlate(0x5000, MMU_READ, S370_MMU_REAL, NULL), 0);
    cr_assert_eq(xlate(0x6000, MMU_READ, S370_MMU_REAL, NULL), S370_PGM_PROTECTION);
    cr_assert_eq(xlate(0x6000, MMU_EXEC, S370_MMU_REAL, NULL), S370_PGM_PROTECTION);
    cpu->psw.key = 0;
    cr_assert_eq(xlate(0x6000, MMU_WRITE, S370_MMU_REAL, NULL), 0);
}

Test(s370_mmu, reference_and_change_bits_through_the_tlb)
{
    w.ram.host[0x5001] = 0x42;
    cr_assert_eq(load8(0x5001, S370_MMU_REAL), 0x42);
    cr_assert_eq(w.keys[0x5000 >> 11], STORAGE_KEY_REF);
    /* The fill for the fetch did not grant stores: the store walks and
     * sets the change bit. */
    cr_assert(tlb_entry(&cpu->common, S370_MMU_REAL, 0x5000)->addr_write & TLB_INVALID);
    store8(0x5002, S370_MMU_REAL, 7);
    cr_assert_eq(w.keys[0x5000 >> 11], STORAGE_KEY_REF | STORAGE_KEY_CHANGE);
    cr_assert_eq(w.ram.host[0x5002], 7);
    /* A block whose change bit is set is writable from a fetch's fill. */
    w.keys[0x7000 >> 11] = STORAGE_KEY_CHANGE;
    load8(0x7000, S370_MMU_REAL);
    cr_assert_not(tlb_entry(&cpu->common, S370_MMU_REAL, 0x7000)->addr_write & TLB_INVALID);
}

Test(s370_mmu, low_address_protection)
{
    cpu->cr[0] |= S370_CR0_LOW_ADDR_PROT;
    cr_assert(RAISES(store8(0x1ff, S370_MMU_REAL, 1)));
    cr_assert_eq(cpu->pgm_code, S370_PGM_PROTECTION);
    cr_assert_eq(w.ram.host[0x1ff], 0);
    store8(0x200, S370_MMU_REAL, 2);
    cr_assert_eq(w.ram.host[0x200], 2);
    /* Granted once: the next store to the page walks again and is refused. */
    cr_assert(tlb_entry(&cpu->common, S370_MMU_REAL, 0)->addr_write & TLB_INVALID);
    cr_assert(RAISES(store8(0x10, S370_MMU_REAL, 3)));
    cr_assert_eq(w.ram.host[0x10], 0);
    cr_assert_eq(load8(0x10, S370_MMU_REAL), 0, "fetches are not protected");
    cr_assert(RAISES(store8(0x11, S370_MMU_REAL, 3)), "after a fetch's fill too");
    /* It applies to virtual addresses 0-511 as well. */
    tables_370_64k_4k();
    cpu->cr[0] |= S370_CR0_LOW_ADDR_PROT;
    put32(0x1000, 0x30002000u);
    cr_assert_eq(xlate(0x0100, MMU_WRITE, S370_MMU_PRIMARY, NULL), S370_PGM_PROTECTION);
    cr_assert_eq(xlate(0x0800, MMU_WRITE, S370_MMU_PRIMARY, NULL), 0);
}

Test(s370_mmu, probe_changes_nothing)
{
    tables_370_64k_4k();
    MMUResult r;
    cpu->trans_exc_addr = 0x1234;
    cr_assert_neq(s370_mmu_translate(&cpu->common, 0x011000, MMU_READ, S370_MMU_PRIMARY, true, &r),
                  0);
    cr_assert_eq(cpu->trans_exc_addr, 0x1234);
    cr_assert_eq(cpu->common.exception_index, EXCP_NONE);
    cr_assert_eq(s370_mmu_translate(&cpu->common, 0x012000, MMU_WRITE, S370_MMU_PRIMARY, true, &r),
                 0);
    cr_assert_eq(w.keys[0x5000 >> 11], 0, "no reference or change bit");
}

Test(s370_mmu, mmu_index_follows_the_dat_bit)
{
    cr_assert_eq(s370_mmu_index(&cpu->common, MMU_READ), S370_MMU_REAL);
    cpu->psw.sysmask |= 0x04;
    cr_assert_eq(s370_mmu_index(&cpu->common, MMU_EXEC), S370_MMU_PRIMARY);
}

/* ---- instructions ---- */

Test(s370_mmu, ssk_isk_rrb)
{
    s370_set_gr32(cpu, 2, 0x5800);
    s370_set_gr32(cpu, 1, 0xffffff3e); /* key 3, F, R, C */
    exec(0x0800, 1, 2, 0, 0);          /* SSK 1,2 */
    cr_assert_eq(w.keys[0x5800 >> 11], 0x3e);
    s370_set_gr32(cpu, 3, 0x12345678);
    exec(0x0900, 3, 2, 0, 0); /* ISK 3,2 (EC) */
    cr_assert_eq(s370_gr32(cpu, 3), 0x1234563e);
    cpu->psw.ec = false;
    exec(0x0900, 3, 2, 0, 0); /* BC: access and fetch bits only */
    cr_assert_eq(s370_gr32(cpu, 3), 0x12345638);
    cr_assert_eq(exec(0xb213, 0, 0, 0, 0x5a00), 3); /* RRB: R and C were one */
    cr_assert_eq(w.keys[0x5800 >> 11], 0x3a);
    cr_assert_eq(exec(0xb213, 0, 0, 0, 0x5a00), 1);
    s370_set_gr32(cpu, 2, 0x5804);
    cr_assert_eq(exec_raises(0x0800, 1, 2, 0, 0), S370_PGM_SPECIFICATION);
    s370_set_gr32(cpu, 2, RAM_SIZE);
    cr_assert_eq(exec_raises(0x0900, 1, 2, 0, 0), S370_PGM_ADDRESSING);
}

Test(s370_mmu, ssk_applies_prefixing_and_flushes_the_tlb)
{
    cpu->prefix = 0x8000;
    load8(0x9000, S370_MMU_REAL);
    s370_set_gr32(cpu, 2, 0x0000);
    s370_set_gr32(cpu, 1, 0x10);
    exec(0x0800, 1, 2, 0, 0);
    cr_assert_eq(w.keys[0x8000 >> 11], 0x10, "real 0 is absolute 0x8000");
    cr_assert(tlb_entry(&cpu->common, S370_MMU_REAL, 0x9000)->addr_read & TLB_INVALID);
}

Test(s370_mmu, lra_condition_codes)
{
    tables_370_64k_4k();
    cr_assert_eq(exec(0xb100, 1, 0, 0, 0x012345), 0);
    cr_assert_eq(s370_gr32(cpu, 1), 0x5345);
    cr_assert_eq(exec(0xb100, 1, 0, 0, 0x013008), 0, "no addressing check");
    cr_assert_eq(s370_gr32(cpu, 1), 0x2003008);
    cr_assert_eq(exec(0xb100, 1, 0, 0, 0x001000), 1);
    cr_assert_eq(s370_gr32(cpu, 1), 0x1000, "segment-table entry address");
    cr_assert_eq(exec(0xb100, 1, 0, 0, 0x011000), 2);
    cr_assert_eq(s370_gr32(cpu, 1), 0x2002, "page-table entry address");
    cr_assert_eq(exec(0xb100, 1, 0, 0, 0x015000), 3);
    cr_assert_eq(exec(0xb100, 1, 0, 0, 0x200000), 3);
    cpu->cr[0] = 0;
    cr_assert_eq(exec_raises(0xb100, 1, 0, 0, 0x012345), S370_PGM_TRANSLATION_SPEC);
}

Test(s370_mmu, ipte_invalidates_the_entry_and_the_tlb)
{
    tables_370_64k_4k();
    cpu->psw.sysmask |= 0x04;
    w.ram.host[0x5010] = 0x99;
    cr_assert_eq(load8(0x012010, S370_MMU_PRIMARY), 0x99);
    s370_set_gr32(cpu, 1, 0x30002000u); /* the STE */
    s370_set_gr32(cpu, 2, 0x012000);
    exec(0xb221, 1, 2, 0, 0);
    cr_assert_eq(w.ram.host[0x2005], 0x58, "invalid bit of PTE 2");
    cr_assert(RAISES(load8(0x012010, S370_MMU_PRIMARY)));
    cr_assert_eq(cpu->pgm_code, S370_PGM_PAGE_TRANSLATION);
}

Test(s370_mmu, tprot_condition_codes)
{
    w.keys[0x5000 >> 11] = 0x30;
    w.keys[0x6000 >> 11] = 0x38;
    cr_assert_eq(exec(0xe501, 0, 0, 0x5000, 0x30), 0);
    cr_assert_eq(exec(0xe501, 0, 0, 0x5000, 0x40), 1);
    cr_assert_eq(exec(0xe501, 0, 0, 0x6000, 0x40), 2);
    cr_assert_eq(exec(0xe501, 0, 0, 0x6000, 0x00), 0);
    cr_assert_eq(w.keys[0x6000 >> 11], 0x38, "no reference bit");
    cpu->cr[0] |= S370_CR0_LOW_ADDR_PROT;
    cr_assert_eq(exec(0xe501, 0, 0, 0x0100, 0x00), 1);
    cr_assert_eq(exec_raises(0xe501, 0, 0, RAM_SIZE, 0), S370_PGM_ADDRESSING);
    tables_370_64k_4k();
    cpu->psw.sysmask |= 0x04;
    cr_assert_eq(exec(0xe501, 0, 0, 0x011000, 0), 3);
}

Test(s370_mmu, esa390_only_instructions_are_absent)
{
    cr_assert_null(s370_lookup(0xb22b, S370_ARCH_370));
    cr_assert_null(s370_lookup(0x0800, S370_ARCH_390));
}

/* ---- ESA/390 ----
 * Segment table at 0x4000 with 32 entries; segment 0x012 -> page table
 * 0x5000 (256 entries): page 0x34 -> 0x7000, page 0x35 -> 0x8000 page
 * protected, page 0x36 invalid. */
static void tables_390(void)
{
    cpu->cr[0] = S370_CR0_ESA_FORMAT;
    cpu->cr[1] = 0x00004001u;
    put32(0x4000 + 4 * 0x12, 0x0000500fu);
    put32(0x5000 + 4 * 0x34, 0x00007000u);
    put32(0x5000 + 4 * 0x35, 0x00008200u);
    put32(0x5000 + 4 * 0x36, 0x00000400u);
}

Test(s370_mmu_390, esa390_translation)
{
    tables_390();
    cr_assert_eq(real_of(0x01234567), 0x7567);
    cr_assert_eq(xlate(0x01236000, MMU_READ, S370_MMU_PRIMARY, NULL), S370_PGM_PAGE_TRANSLATION);
    cr_assert_eq(cpu->trans_exc_addr, 0x01236000);
    cr_assert_eq(xlate(0x7ff00000, MMU_READ, S370_MMU_PRIMARY, NULL), S370_PGM_SEGMENT_TRANSLATION);
    cr_assert_eq(cpu->trans_exc_addr, 0x7ff00000);
}

Test(s370_mmu_390, esa390_page_protection)
{
    tables_390();
    cr_assert_eq(xlate(0x01235010, MMU_READ, S370_MMU_PRIMARY, NULL), 0);
    cr_assert_eq(xlate(0x01235010, MMU_WRITE, S370_MMU_PRIMARY, NULL), S370_PGM_PROTECTION);
}

Test(s370_mmu_390, esa390_format_checks)
{
    tables_390();
    cpu->cr[0] = S370_CR0_PAGE_4K;
    cr_assert_eq(xlate(0x01234567, MMU_READ, S370_MMU_PRIMARY, NULL), S370_PGM_TRANSLATION_SPEC);
    cpu->cr[0] = S370_CR0_ESA_FORMAT;
    put32(0x4000 + 4 * 0x12, 0x0000501fu); /* common segment */
    cr_assert_eq(xlate(0x01234567, MMU_READ, S370_MMU_PRIMARY, NULL), 0);
    cpu->cr[1] |= 0x100; /* private space */
    cr_assert_eq(xlate(0x01234567, MMU_READ, S370_MMU_PRIMARY, NULL), S370_PGM_TRANSLATION_SPEC);
    cpu->cr[1] &= ~0x100u;
    put32(0x5000 + 4 * 0x34, 0x00007800u); /* PTE bit 20 */
    cr_assert_eq(xlate(0x01234567, MMU_READ, S370_MMU_PRIMARY, NULL), S370_PGM_TRANSLATION_SPEC);
    put32(0x5000 + 4 * 0x34, 0x00007000u);
    cpu->psw.asc = 2; /* secondary space: not implemented */
    cr_assert_eq(xlate(0x01234567, MMU_READ, S370_MMU_PRIMARY, NULL), S370_PGM_TRANSLATION_SPEC);
}

Test(s370_mmu_390, esa390_private_space_skips_low_address_protection)
{
    cpu->cr[0] = S370_CR0_ESA_FORMAT | S370_CR0_LOW_ADDR_PROT;
    cpu->cr[1] = 0x00004000u;
    put32(0x4000, 0x00005000u);
    put32(0x5000, 0x00009000u);
    cr_assert_eq(xlate(0x100, MMU_WRITE, S370_MMU_PRIMARY, NULL), S370_PGM_PROTECTION);
    cpu->cr[1] |= 0x100;
    cr_assert_eq(xlate(0x100, MMU_WRITE, S370_MMU_PRIMARY, NULL), 0);
    cr_assert_eq(xlate(0x100, MMU_WRITE, S370_MMU_REAL, NULL), S370_PGM_PROTECTION,
                 "real addresses stay protected");
}

Test(s370_mmu_390, esa390_protection_overrides)
{
    w.keys[0x0000 >> 11] = 0x18;
    w.keys[0x5000 >> 11] = 0x98;
    cpu->psw.key = 2;
    cr_assert_eq(xlate(0x100, MMU_READ, S370_MMU_REAL, NULL), S370_PGM_PROTECTION);
    cr_assert_eq(xlate(0x5000, MMU_WRITE, S370_MMU_REAL, NULL), S370_PGM_PROTECTION);
    cpu->cr[0] |= S370_CR0_FETCH_PROT_OVR | S370_CR0_STORE_PROT_OVR;
    cr_assert_eq(xlate(0x100, MMU_READ, S370_MMU_REAL, NULL), 0, "fetch-protection override");
    cr_assert_eq(xlate(0x100, MMU_WRITE, S370_MMU_REAL, NULL), S370_PGM_PROTECTION);
    cr_assert_eq(xlate(0x5000, MMU_WRITE, S370_MMU_REAL, NULL), 0, "key 9 override");
}

Test(s370_mmu_390, esa390_key_instructions_cover_4k)
{
    s370_set_gr32(cpu, 2, 0x5abc);
    s370_set_gr32(cpu, 1, 0x000000f8);
    exec(0xb22b, 1, 2, 0, 0); /* SSKE */
    cr_assert_eq(w.keys[0x5000 >> 11], 0xf8);
    cr_assert_eq(w.keys[0x5800 >> 11], 0xf8);
    w.keys[0x5800 >> 11] |= STORAGE_KEY_CHANGE; /* a store into the second half */
    s370_set_gr32(cpu, 3, 0xaaaaaaaa);
    exec(0xb229, 3, 2, 0, 0); /* ISKE */
    cr_assert_eq(s370_gr32(cpu, 3), 0xaaaaaafa);
    w.keys[0x5000 >> 11] |= STORAGE_KEY_REF;
    cr_assert_eq(exec(0xb22a, 0, 2, 0, 0), 3); /* RRBE */
    cr_assert_eq(w.keys[0x5000 >> 11] & STORAGE_KEY_REF, 0);
    cr_assert_eq(exec(0xb22a, 0, 2, 0, 0), 1);
    /* 31-bit addressing: bit 1 counts; 24-bit mode ignores bits 1-7. */
    s370_set_gr32(cpu, 2, 0x40005000);
    cpu->psw.amode31 = true;
    cr_assert_eq(exec_raises(0xb229, 3, 2, 0, 0), S370_PGM_ADDRESSING);
    cpu->psw.amode31 = false;
    exec(0xb229, 3, 2, 0, 0);
    cr_assert_eq(s370_gr32(cpu, 3) & 0xff, 0xfa);
}

Test(s370_mmu_390, esa390_lra_and_ipte)
{
    tables_390();
    cpu->psw.amode31 = true;
    cr_assert_eq(exec(0xb100, 4, 0, 0, 0x01234567), 0);
    cr_assert_eq(s370_gr32(cpu, 4), 0x7567);
    cr_assert_eq(exec(0xb100, 4, 0, 0, 0x01236000), 2);
    cr_assert_eq(s370_gr32(cpu, 4), 0x5000 + 4 * 0x36);
    s370_set_gr32(cpu, 1, 0x0000500fu);
    s370_set_gr32(cpu, 2, 0x01234000u);
    exec(0xb221, 1, 2, 0, 0);
    cr_assert_eq(get32(0x5000 + 4 * 0x34), 0x00007400u);
    cr_assert_eq(exec(0xb100, 4, 0, 0, 0x01234567), 2);
}

/* ---- timing facilities ---- */

static void advance_ns(uint64_t ns)
{
    w.vclock += ns;
    clocks_run_expired(w.machine.clocks);
}

Test(s370_timer, tod_clock_counts_4096_per_microsecond)
{
    uint64_t t0 = s370_tod_now(cpu);
    advance_ns(1000);
    cr_assert_eq(s370_tod_now(cpu) - t0, 4096);
}

Test(s370_timer, stck_is_unique_and_increasing)
{
    cr_assert_eq(exec(0xb205, 0, 0, 0, 0x1000), 0, "CC 0: clock set");
    cr_assert_eq(exec(0xb205, 0, 0, 0, 0x1008), 0);
    cr_assert_gt(get64(0x1008), get64(0x1000), "same virtual time, still larger");
    advance_ns(5000);
    exec(0xb205, 0, 0, 0, 0x1010);
    cr_assert_geq(get64(0x1010) - get64(0x1000), 5 * 4096);
}

Test(s370_timer, sck_sets_the_clock)
{
    put64(0x1000, 0x1234567800000000ull);
    cr_assert_eq(exec(0xb204, 0, 0, 0, 0x1000), 0);
    cr_assert_eq(s370_tod_now(cpu), 0x1234567800000000ull);
    advance_ns(2000);
    exec(0xb205, 0, 0, 0, 0x1008);
    cr_assert_eq(get64(0x1008), 0x1234567800000000ull + 2 * 4096);
    cr_assert_eq(exec_raises(0xb204, 0, 0, 0, 0x1004), S370_PGM_SPECIFICATION);
}

Test(s370_timer, clock_comparator_condition_follows_the_clock)
{
    cr_assert(cpu->ext_pending & S370_EXT_CLOCK_COMP, "CKC 0 after reset: TOD is past it");
    put64(0x1000, s370_tod_now(cpu) + 10 * 4096);
    exec(0xb206, 0, 0, 0, 0x1000); /* SCKC: 10 us ahead */
    cr_assert_not(cpu->ext_pending & S370_EXT_CLOCK_COMP);
    exec(0xb207, 0, 0, 0, 0x1008); /* STCKC */
    cr_assert_eq(get64(0x1008), get64(0x1000));
    advance_ns(10000);
    cr_assert_not(cpu->ext_pending & S370_EXT_CLOCK_COMP, "TOD == CKC is not yet past");
    advance_ns(1);
    cr_assert(cpu->ext_pending & S370_EXT_CLOCK_COMP);
    cr_assert(cpu->common.interrupt_request & S370_INTERRUPT_EXT);
}

Test(s370_timer, cpu_timer_counts_down_and_goes_negative)
{
    put64(0x1000, 5 * 4096); /* 5 us */
    exec(0xb208, 0, 0, 0, 0x1000);
    cr_assert_not(cpu->ext_pending & S370_EXT_CPU_TIMER);
    advance_ns(2000);
    exec(0xb209, 0, 0, 0, 0x1008);
    cr_assert_eq((int64_t)get64(0x1008), 3 * 4096);
    advance_ns(3001);
    cr_assert(cpu->ext_pending & S370_EXT_CPU_TIMER);
    exec(0xb209, 0, 0, 0, 0x1008);
    cr_assert_lt((int64_t)get64(0x1008), 0);
    /* Setting it positive again withdraws the condition. */
    put64(0x1000, 4096);
    exec(0xb208, 0, 0, 0, 0x1000);
    cr_assert_not(cpu->ext_pending & S370_EXT_CPU_TIMER);
}

Test(s370_timer, interval_timer_decrements_location_80)
{
    put32(80, 0x00000180); /* 1.5 units of 1/300 s */
    advance_ns(1000000000 / 300 + 1);
    cr_assert_eq(get32(80), 0x00000080);
    cr_assert_not(cpu->ext_pending & S370_EXT_INTERVAL_TIMER);
    advance_ns(1000000000 / 300);
    cr_assert_eq(get32(80), 0xffffff80);
    cr_assert(cpu->ext_pending & S370_EXT_INTERVAL_TIMER);
}

Test(s370_timer_390, no_interval_timer_in_esa390)
{
    put32(80, 0x00000100);
    advance_ns(100000000);
    cr_assert_eq(get32(80), 0x00000100);
}
