/* softmmu_tlb: fill, hits, flushes, permissions, crossing and code pages. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/tb.h"
#include "test_softmmu_fixture.h"

static SmWorld w;
static CPUState *cpu;
static SmCpu *sc;

static void setup(void)
{
    sm_world_init(&w, &sm_arch);
    sc = w.cpu;
    cpu = &sc->parent;
}

static void teardown(void)
{
    sm_world_fini(&w);
}

TestSuite(softmmu_tlb, .init = setup, .fini = teardown);

#define LD(addr, memop)      softmmu_load(cpu, (addr), (memop), 0, 0)
#define ST(addr, val, memop) softmmu_store(cpu, (addr), (val), (memop), 0, 0)

Test(softmmu_tlb, init_leaves_every_tag_invalid)
{
    for (unsigned m = 0; m < TLB_MAX_MMU_MODES; m++)
        for (unsigned i = 0; i < TLB_SIZE; i++) {
            const TlbEntry *e = &cpu->tlb->table[m][i];
            cr_assert_eq(e->addr_read & e->addr_write & e->addr_code & TLB_INVALID, TLB_INVALID);
        }
}

Test(softmmu_tlb, hit_does_not_walk)
{
    ST(0x1234, 0x11223344, IR_MO_32);
    cr_assert_eq(sc->walks, 1);
    cr_assert_eq(LD(0x1234, IR_MO_32), 0x11223344);
    cr_assert_eq(LD(0x1ffc, IR_MO_32), 0);
    cr_assert_eq(sc->walks, 1, "same page must hit");
    cr_assert_eq(w.ram.host[0x1234], 0x44, "little-endian store");
    /* The fast path compare matches the filled tag exactly. */
    TlbEntry *e = tlb_entry(cpu, 0, 0x1234);
    cr_assert_eq(e->addr_read, 0x1000);
    cr_assert_eq(e->addr_write, 0x1000);
}

Test(softmmu_tlb, flush_page_rewalks_only_that_page)
{
    LD(0x1000, IR_MO_8);
    LD(0x2000, IR_MO_8);
    cr_assert_eq(sc->walks, 2);
    tlb_flush_page(cpu, 0x1abc);
    LD(0x2000, IR_MO_8);
    cr_assert_eq(sc->walks, 2);
    LD(0x1000, IR_MO_8);
    cr_assert_eq(sc->walks, 3);
}

Test(softmmu_tlb, flush_rewalks_everything)
{
    LD(0x1000, IR_MO_8);
    LD(0x2000, IR_MO_8);
    tlb_flush(cpu);
    LD(0x1000, IR_MO_8);
    LD(0x2000, IR_MO_8);
    cr_assert_eq(sc->walks, 4);
}

Test(softmmu_tlb, flush_mmu_idx_keeps_other_modes)
{
    softmmu_load(cpu, 0x1000, IR_MO_8, 0, 0);
    softmmu_load(cpu, 0x1000, IR_MO_8, 1, 0);
    cr_assert_eq(sc->walks, 2);
    tlb_flush_mmu_idx(cpu, 1);
    softmmu_load(cpu, 0x1000, IR_MO_8, 0, 0);
    cr_assert_eq(sc->walks, 2);
    softmmu_load(cpu, 0x1000, IR_MO_8, 1, 0);
    cr_assert_eq(sc->walks, 3);
}

Test(softmmu_tlb, flush_clears_jump_cache)
{
    TranslationBlock *fake = (TranslationBlock *)&w; /* never dereferenced */
    cpu->jmp_cache[tb_jmp_cache_hash(0x1000)] = fake;
    tlb_flush_page(cpu, 0x1000);
    cr_assert_null(cpu->jmp_cache[tb_jmp_cache_hash(0x1000)]);
    cpu->jmp_cache[7] = fake;
    tlb_flush(cpu);
    cr_assert_null(cpu->jmp_cache[7]);
}

Test(softmmu_tlb, large_page_flushed_as_a_whole)
{
    sm_map(sc, 0x40000000, 0x0, SM_RWX, 16); /* one 64 KiB mapping over all RAM */
    LD(0x40000000, IR_MO_8);
    LD(0x40003000, IR_MO_8);
    cr_assert_eq(sc->walks, 2, "the TLB still holds one cpu page per entry");
    tlb_flush_page(cpu, 0x4000f000);
    LD(0x40000000, IR_MO_8);
    LD(0x40003000, IR_MO_8);
    cr_assert_eq(sc->walks, 4, "walks %u", sc->walks);
}

Test(softmmu_tlb, translation_maps_virtual_to_physical)
{
    sm_map(sc, 0x7000, 0x3000, SM_RWX, 0);
    ST(0x7008, 0xabcd, IR_MO_16);
    cr_assert_eq(w.ram.host[0x3008], 0xcd);
    cr_assert_eq(w.ram.host[0x3009], 0xab);
    cr_assert_eq(softmmu_code_phys(cpu, 0x7010), 0x3010);
}

Test(softmmu_tlb, write_to_readonly_page_faults_and_leaves_memory)
{
    sm_map(sc, 0x5000, 0x5000, MMU_PROT_READ, 0);
    w.ram.host[0x5010] = 0x5a;
    cr_assert_eq(LD(0x5010, IR_MO_8), 0x5a);
    cr_assert(SM_FAULTS(cpu, ST(0x5010, 0xff, IR_MO_8)));
    cr_assert_eq(sc->faults, 1);
    cr_assert_eq(sc->fault_vaddr, 0x5010);
    cr_assert_eq(sc->fault_access, MMU_WRITE);
    cr_assert_eq(w.ram.host[0x5010], 0x5a);
    /* The read permission survives the failed write. */
    cr_assert_eq(LD(0x5010, IR_MO_8), 0x5a);
}

Test(softmmu_tlb, fault_insn_is_recorded_before_raising)
{
    sm_map(sc, 0x5000, 0x5000, MMU_PROT_READ, 0);
    cr_assert(SM_FAULTS(cpu, softmmu_store(cpu, 0x9000, 1, IR_MO_8, 0, 17)));
    cr_assert_eq(cpu->fault_insn, 17);
    cr_assert_eq(sc->fault_access, MMU_WRITE);
}

Test(softmmu_tlb, page_crossing_load_and_store_little_endian)
{
    ST(0x1ffd, 0x0807060504030201ull, IR_MO_64);
    cr_assert_eq(w.ram.host[0x1ffd], 0x01);
    cr_assert_eq(w.ram.host[0x1fff], 0x03);
    cr_assert_eq(w.ram.host[0x2000], 0x04);
    cr_assert_eq(w.ram.host[0x2004], 0x08);
    cr_assert_eq(LD(0x1ffd, IR_MO_64), 0x0807060504030201ull);
    cr_assert_eq(LD(0x1fff, IR_MO_16), 0x0403);
}

Test(softmmu_tlb, page_crossing_big_endian_and_sign)
{
    ST(0x2ffe, 0x80112233, IR_MO_32 | IR_MO_BE);
    cr_assert_eq(w.ram.host[0x2ffe], 0x80);
    cr_assert_eq(w.ram.host[0x3001], 0x33);
    cr_assert_eq(LD(0x2ffe, IR_MO_32 | IR_MO_BE), 0x80112233);
    cr_assert_eq(LD(0x2ffe, IR_MO_32 | IR_MO_BE | IR_MO_SIGN), 0xffffffff80112233ull);
    cr_assert_eq(LD(0x2ffe, IR_MO_32), 0x33221180);
}

Test(softmmu_tlb, crossing_store_faulting_on_second_page_writes_nothing)
{
    sm_map(sc, 0x1000, 0x1000, SM_RWX, 0);
    sm_map(sc, 0x2000, 0x2000, MMU_PROT_READ, 0);
    memset(&w.ram.host[0x1ff8], 0x77, 16);
    cr_assert(SM_FAULTS(cpu, ST(0x1ffc, 0x1122334455667788ull, IR_MO_64)));
    cr_assert_eq(sc->fault_vaddr, 0x2000);
    for (int i = 0; i < 16; i++)
        cr_assert_eq(w.ram.host[0x1ff8 + i], 0x77, "byte %d written", i);
}

Test(softmmu_tlb, crossing_into_unmapped_page_faults)
{
    sm_map(sc, 0x1000, 0x1000, SM_RWX, 0);
    cr_assert(SM_FAULTS(cpu, LD(0x1ffe, IR_MO_32)));
    cr_assert_eq(sc->fault_vaddr, 0x2000);
    cr_assert_eq(sc->fault_access, MMU_READ);
}

Test(softmmu_tlb, misaligned_within_page)
{
    ST(0x1001, 0xa1b2c3d4, IR_MO_32);
    cr_assert_eq(LD(0x1001, IR_MO_32), 0xa1b2c3d4);
    cr_assert_eq(LD(0x1002, IR_MO_16 | IR_MO_BE), 0xc3b2);
}

Test(softmmu_tlb, aligned_access_rule_calls_frontend_hook)
{
    cr_assert(SM_FAULTS(cpu, LD(0x1002, IR_MO_32 | IR_MO_ALIGN)));
    cr_assert_eq(sc->unaligned_faults, 1);
    cr_assert_eq(sc->fault_vaddr, 0x1002);
    w.ram.host[0x1004] = 9;
    cr_assert(SM_FAULTS(cpu, ST(0x1004, 1, IR_MO_64 | IR_MO_ALIGN)));
    cr_assert_eq(sc->unaligned_faults, 2);
    cr_assert_eq(sc->fault_access, MMU_WRITE);
    cr_assert_eq(w.ram.host[0x1004], 9);
    /* Aligned ones go through. */
    cr_assert_eq(LD(0x1004, IR_MO_32 | IR_MO_ALIGN), 9);
    cr_assert_eq(sc->unaligned_faults, 2);
}

Test(softmmu_tlb, without_hook_misaligned_is_performed)
{
    sm_world_fini(&w);
    sm_world_init(&w, &sm_arch_lenient);
    cpu = &w.cpu->parent;
    softmmu_store(cpu, 0x1003, 0x55667788, IR_MO_32 | IR_MO_ALIGN, 0, 0);
    cr_assert_eq(softmmu_load(cpu, 0x1003, IR_MO_32 | IR_MO_ALIGN, 0, 0), 0x55667788);
}

Test(softmmu_tlb, rom_reads_and_drops_writes)
{
    w.rom.host[0x10] = 0xaa;
    cr_assert_eq(LD(SM_ROM_BASE + 0x10, IR_MO_8), 0xaa);
    ST(SM_ROM_BASE + 0x10, 0x55, IR_MO_8);
    cr_assert_eq(w.rom.host[0x10], 0xaa);
    cr_assert(tlb_entry(cpu, 0, SM_ROM_BASE)->addr_write & TLB_MMIO);
    cr_assert_eq(tlb_entry(cpu, 0, SM_ROM_BASE)->addr_read, SM_ROM_BASE, "ROM reads are fast");
}

Test(softmmu_tlb, unmapped_reads_all_ones_and_writes_vanish)
{
    cr_assert_eq(LD(SM_UNMAPPED, IR_MO_64), UINT64_MAX);
    cr_assert_eq(LD(SM_UNMAPPED + 2, IR_MO_16), 0xffff);
    ST(SM_UNMAPPED, 0, IR_MO_32); /* dropped, no fault */
    cr_assert_eq(LD(SM_UNMAPPED, IR_MO_32), 0xffffffff);
}

Test(softmmu_tlb, page_partly_backed_by_ram_goes_slow_but_right)
{
    /* ram2 covers only the first half of its page; the rest is unmapped. */
    MemoryRegion half;
    cr_assert(memory_region_init_ram(&half, "half", 0x800));
    memory_region_add_subregion(&w.root, 0x40000, &half, 0);
    ST(0x407fe, 0xbbaa, IR_MO_16);
    cr_assert_eq(half.host[0x7fe], 0xaa);
    cr_assert(tlb_entry(cpu, 0, 0x40000)->addr_read & TLB_MMIO);
    cr_assert_eq(LD(0x407ff, IR_MO_16), 0xffbb);
    memory_region_destroy(&half);
}

Test(softmmu_tlb, map_change_flushes_cpu_tlbs)
{
    LD(0x1000, IR_MO_8);
    cr_assert_eq(tlb_entry(cpu, 0, 0x1000)->addr_read, 0x1000);
    memory_region_set_enabled(&w.dev, false);
    cr_assert(tlb_entry(cpu, 0, 0x1000)->addr_read & TLB_INVALID);
}

Test(softmmu_tlb, code_fetch_and_code_read_across_pages)
{
    sm_map(sc, 0x8000, 0x2000, SM_RWX, 0);
    sm_map(sc, 0x9000, 0x5000, SM_RWX, 0);
    sm_map(sc, 0xa000, 0x6000, MMU_PROT_READ, 0);
    memcpy(&w.ram.host[0x2ffe], "\x01\x02", 2);
    memcpy(&w.ram.host[0x5000], "\x03\x04", 2);
    uint8_t buf[4];
    softmmu_code_read(cpu, 0x8ffe, buf, 4);
    cr_assert_arr_eq(buf, "\x01\x02\x03\x04", 4);
    cr_assert_eq(softmmu_code_phys(cpu, 0x9001), 0x5001);
    cr_assert(SM_FAULTS(cpu, softmmu_code_phys(cpu, 0xa000)), "no-exec page");
    cr_assert_eq(sc->fault_access, MMU_EXEC);
}

Test(softmmu_tlb, code_fetch_from_unmapped_reads_ones)
{
    uint8_t buf[2];
    cr_assert_eq(softmmu_code_phys(cpu, SM_UNMAPPED + 4), SM_UNMAPPED + 4);
    softmmu_code_read(cpu, SM_UNMAPPED, buf, 2);
    cr_assert_eq(buf[0], 0xff);
    cr_assert_eq(buf[1], 0xff);
}

Test(softmmu_tlb, debug_rw_crosses_pages_writes_rom_and_never_faults)
{
    sm_map(sc, 0x8000, 0x1000, MMU_PROT_READ, 0);
    sm_map(sc, 0x9000, SM_ROM_BASE, MMU_PROT_READ | MMU_PROT_EXEC, 0);
    unsigned walks = sc->walks;
    uint8_t in[4] = {1, 2, 3, 4}, out[4];
    cr_assert(softmmu_debug_rw(cpu, 0x8ffe, in, 4, true));
    cr_assert_eq(w.ram.host[0x1ffe], 1);
    cr_assert_eq(w.rom.host[1], 4, "debugger writes go into ROM");
    cr_assert(softmmu_debug_rw(cpu, 0x8ffe, out, 4, false));
    cr_assert_arr_eq(out, in, 4);
    cr_assert_not(softmmu_debug_rw(cpu, 0x9ffe, out, 4, false), "0xa000 is unmapped");
    cr_assert_eq(sc->faults, 0, "probes raise nothing");
    cr_assert_eq(sc->walks, walks, "probes are not counted as walks");
}

Test(softmmu_tlb, marking_code_sets_notdirty_on_live_entries)
{
    ST(0x3000, 1, IR_MO_8);
    cr_assert_eq(tlb_entry(cpu, 0, 0x3000)->addr_write, 0x3000);
    memory_mark_code(&w.as, 0x3800, 4); /* a code unit in the middle of the page */
    cr_assert_eq(tlb_entry(cpu, 0, 0x3000)->addr_write, 0x3000 | TLB_NOTDIRTY);
    cr_assert_eq(tlb_entry(cpu, 0, 0x3000)->addr_read, 0x3000, "reads stay fast");
    /* No TB cache: the store finds no code, unmarks the unit and lands. */
    ST(0x3800, 0x42, IR_MO_8);
    cr_assert_eq(w.ram.host[0x3800], 0x42);
    cr_assert_eq(tlb_entry(cpu, 0, 0x3000)->addr_write, 0x3000);
    tlb_flush(cpu);
    ST(0x3000, 1, IR_MO_8);
    cr_assert_eq(tlb_entry(cpu, 0, 0x3000)->addr_write, 0x3000, "fill sees the cleared mark");
}

Test(softmmu_tlb, fill_marks_code_pages_notdirty)
{
    memory_mark_code(&w.as, 0x4000, 16);
    LD(0x4000, IR_MO_8);
    cr_assert_eq(tlb_entry(cpu, 0, 0x4000)->addr_write, 0x4000 | TLB_NOTDIRTY);
}

Test(softmmu_tlb, store_into_code_invalidates_translation)
{
    TbCache *c = tb_cache_new();
    w.as.tb_cache = c;
    TranslationBlock *keep = sm_make_tb(&w, c, 0x6100, 8);
    TranslationBlock *hit = sm_make_tb(&w, c, 0x6900, 8);
    ST(0x6904, 0xdead, IR_MO_16);
    cr_assert(hit->invalid);
    cr_assert_null(tb_lookup_hash(c, 0x6900, 0x6900, 0, 0));
    cr_assert_eq(w.ram.host[0x6904], 0xad, "the store still lands");
    /* The other code unit still holds code: writes there still trap. */
    cr_assert(tlb_entry(cpu, 0, 0x6000)->addr_write & TLB_NOTDIRTY);
    ST(0x6108, 1, IR_MO_8); /* same unit, misses the TB */
    cr_assert_not(keep->invalid);
    ST(0x6104, 1, IR_MO_8);
    cr_assert(keep->invalid);
    cr_assert_eq(tlb_entry(cpu, 0, 0x6000)->addr_write, 0x6000, "page is clean again");
    w.as.tb_cache = NULL;
    tb_cache_free(c);
}

/* Code is tracked per 64-byte unit: a store beside a TB, in the same page,
 * does not touch it and leaves the page's other code units marked. */
Test(softmmu_tlb, store_beside_code_leaves_it_alone)
{
    TbCache *c = tb_cache_new();
    w.as.tb_cache = c;
    TranslationBlock *tb = sm_make_tb(&w, c, 0x7100, 8);
    ST(0x7140, 0x55, IR_MO_8);        /* the next unit */
    ST(0x70fc, 0x66778899, IR_MO_32); /* the unit before, ending at the TB */
    cr_assert_not(tb->invalid);
    cr_assert_eq(w.ram.host[0x7140], 0x55);
    cr_assert_eq(w.ram.host[0x70ff], 0x66);
    cr_assert(tlb_entry(cpu, 0, 0x7000)->addr_write & TLB_NOTDIRTY);
    cr_assert_eq(cpu->tlb->full[0][(0x7000 >> cpu->page_bits) & (TLB_SIZE - 1)].code_units,
                 UINT64_C(1) << 4, "only unit 4 (0x7100-0x713f) holds code");
    ST(0x70fe, 0x1122, IR_MO_16); /* 0x70fe-0x70ff: still beside */
    cr_assert_not(tb->invalid);
    ST(0x70ff, 0x3344, IR_MO_16); /* crosses into the TB's first byte */
    cr_assert(tb->invalid);
    cr_assert_eq(tlb_entry(cpu, 0, 0x7000)->addr_write, 0x7000, "page is clean again");
    w.as.tb_cache = NULL;
    tb_cache_free(c);
}

/* softmmu_host_range: host memory for RAM, NULL where the slow path must
 * do the work, and code invalidated before a bulk write reaches it. */
Test(softmmu_tlb, host_range_for_bulk_helpers)
{
    uint8_t *p = softmmu_host_range(cpu, 0x1234, 16, MMU_READ, 0, 0);
    cr_assert_eq(p, w.ram.host + 0x1234);
    cr_assert_eq(softmmu_host_range(cpu, 0x1234, 16, MMU_WRITE, 0, 0), w.ram.host + 0x1234);
    cr_assert_null(softmmu_host_range(cpu, SM_DEV_BASE, 4, MMU_READ, 0, 0), "MMIO");
    cr_assert_null(softmmu_host_range(cpu, SM_ROM_BASE, 4, MMU_WRITE, 0, 0), "ROM is not written");
    cr_assert_eq(softmmu_host_range(cpu, SM_ROM_BASE, 4, MMU_READ, 0, 0), w.rom.host);

    TbCache *c = tb_cache_new();
    w.as.tb_cache = c;
    TranslationBlock *tb = sm_make_tb(&w, c, 0x8200, 8);
    cr_assert_eq(softmmu_host_range(cpu, 0x8240, 64, MMU_WRITE, 0, 0), w.ram.host + 0x8240);
    cr_assert_not(tb->invalid, "a range beside the code");
    cr_assert_eq(softmmu_host_range(cpu, 0x81f0, 32, MMU_WRITE, 0, 0), w.ram.host + 0x81f0);
    cr_assert(tb->invalid, "a range over the code invalidates it first");
    w.as.tb_cache = NULL;
    tb_cache_free(c);

    /* A write the frontend refuses faults, as a store would. */
    sm_map(sc, 0x9000, 0x9000, MMU_PROT_READ, 0);
    cr_assert(SM_FAULTS(cpu, softmmu_host_range(cpu, 0x9010, 4, MMU_WRITE, 0, 0)));
    cr_assert_eq(sc->faults, 1);
    cr_assert_eq(sc->fault_vaddr, 0x9010);
}

Test(softmmu_tlb, code_marks_and_map_changes_reach_every_cpu)
{
    SmCpu *other = (SmCpu *)cpu_create(&sm_arch, NULL, 1);
    other->identity = true;
    tlb_init(&other->parent);
    address_space_add_cpu(&w.as, &other->parent);
    ST(0x5000, 1, IR_MO_8);
    softmmu_store(&other->parent, 0x5000, 2, IR_MO_8, 1, 0);
    memory_mark_code(&w.as, 0x5000, 4);
    memory_mark_code(&w.as, 0x5000, 4); /* idempotent */
    cr_assert_eq(tlb_entry(cpu, 0, 0x5000)->addr_write, 0x5000 | TLB_NOTDIRTY);
    cr_assert_eq(tlb_entry(&other->parent, 1, 0x5000)->addr_write, 0x5000 | TLB_NOTDIRTY);
    /* A store by one cpu cleans the page for both. */
    softmmu_store(&other->parent, 0x5000, 3, IR_MO_8, 1, 0);
    cr_assert_eq(tlb_entry(cpu, 0, 0x5000)->addr_write, 0x5000);
    cr_assert_eq(tlb_entry(&other->parent, 1, 0x5000)->addr_write, 0x5000);
    memory_region_set_address(&w.dev, SM_DEV_BASE + 0x1000);
    cr_assert(tlb_entry(&other->parent, 1, 0x5000)->addr_read & TLB_INVALID);
    w.as.ncpus--; /* the fixture tears down only its own cpu */
    tlb_destroy(&other->parent);
    cpu_destroy(&other->parent);
}

/* A frontend whose writes to one page are granted once each (no_tlb), as
 * S/370 low-address protection does for page 0. */
static uint64_t no_tlb_page;

static int no_tlb_translate(CPUState *c, uint64_t vaddr, MMUAccess access, unsigned mmu_idx,
                            bool probe, MMUResult *res)
{
    int r = sm_arch.mmu_translate(c, vaddr, access, mmu_idx, probe, res);
    if (r == 0 && access == MMU_WRITE && (vaddr & c->page_mask) == no_tlb_page) res->no_tlb = true;
    return r;
}

Test(softmmu_tlb, no_tlb_grants_the_access_and_keeps_no_entry)
{
    static ArchOps arch;
    arch = sm_arch;
    arch.mmu_translate = no_tlb_translate;
    sm_world_fini(&w);
    sm_world_init(&w, &arch);
    cpu = &w.cpu->parent;
    sc = w.cpu;
    no_tlb_page = 0x3000;

    ST(0x3010, 0x11, IR_MO_8);
    cr_assert_eq(w.ram.host[0x3010], 0x11, "the access that walked is performed");
    cr_assert_eq(sc->walks, 1);
    cr_assert(tlb_entry(cpu, 0, 0x3000)->addr_write & TLB_INVALID, "no write entry kept");
    ST(0x3011, 0x22, IR_MO_8);
    cr_assert_eq(w.ram.host[0x3011], 0x22);
    cr_assert_eq(sc->walks, 2, "every write walks");
    /* Reads of that page were granted by the same walks and stay cached. */
    cr_assert_eq(LD(0x3010, IR_MO_8), 0x11);
    cr_assert_eq(sc->walks, 2);
    /* A store crossing into the page walks it, and lands on both pages. */
    ST(0x2fff, 0xaabb, IR_MO_16 | IR_MO_BE);
    cr_assert_eq(w.ram.host[0x2fff], 0xaa);
    cr_assert_eq(w.ram.host[0x3000], 0xbb);
    cr_assert(tlb_entry(cpu, 0, 0x3000)->addr_write & TLB_INVALID);
    /* Other pages are cached as usual. */
    unsigned walks = sc->walks;
    ST(0x4000, 1, IR_MO_8);
    ST(0x4001, 2, IR_MO_8);
    cr_assert_eq(sc->walks, walks + 1);
}
