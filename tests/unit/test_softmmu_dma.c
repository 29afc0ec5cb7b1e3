/* softmmu_dma: device-side physical accesses, loaders, code invalidation. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/tb.h"
#include "test_softmmu_fixture.h"

static SmWorld w;

static void setup(void)
{
    sm_world_init(&w, NULL);
}
static void teardown(void)
{
    sm_world_fini(&w);
}

TestSuite(softmmu_dma, .init = setup, .fini = teardown);

Test(softmmu_dma, ram_round_trip)
{
    uint8_t in[300], out[300];
    for (unsigned i = 0; i < sizeof in; i++)
        in[i] = (uint8_t)(i * 7);
    cr_assert_eq(dma_write(&w.as, 0x1f80, in, sizeof in), MEMTX_OK);
    cr_assert_eq(w.ram.host[0x1f80 + 299], (uint8_t)(299 * 7));
    cr_assert_eq(dma_read(&w.as, 0x1f80, out, sizeof out), MEMTX_OK);
    cr_assert_arr_eq(in, out, sizeof in);
}

Test(softmmu_dma, unmapped_tail_is_decode_error_and_ones)
{
    uint8_t out[8];
    w.ram.host[SM_RAM_SIZE - 2] = 0x12;
    w.ram.host[SM_RAM_SIZE - 1] = 0x34;
    cr_assert_eq(dma_read(&w.as, SM_RAM_SIZE - 2, out, 8), MEMTX_OK, "ROM follows RAM");
    cr_assert_eq(dma_read(&w.as, SM_UNMAPPED - 2, out, 4), MEMTX_DECODE_ERROR);
    cr_assert_eq(out[0], 0xff);
    cr_assert_eq(out[3], 0xff);
    cr_assert_eq(dma_read(&w.as, SM_RAM_SIZE + SM_ROM_SIZE - 1, out, 2), MEMTX_DECODE_ERROR);
    cr_assert_eq(out[1], 0xff);
    uint8_t z[4] = {0};
    cr_assert_eq(dma_write(&w.as, SM_UNMAPPED, z, 4), MEMTX_DECODE_ERROR);
}

Test(softmmu_dma, rom_write_dropped_but_loader_writes)
{
    const uint8_t img[4] = {0xde, 0xad, 0xbe, 0xef};
    cr_assert_eq(dma_write(&w.as, SM_ROM_BASE, img, 4), MEMTX_OK);
    cr_assert_eq(w.rom.host[0], 0);
    cr_assert_eq(address_space_write_rom(&w.as, SM_ROM_BASE, img, 4), MEMTX_OK);
    cr_assert_arr_eq(w.rom.host, img, 4);
}

Test(softmmu_dma, io_goes_through_device_in_valid_sizes)
{
    sm_world_set_dev(&w, DEVICE_LITTLE_ENDIAN, 1, 4, false);
    uint8_t in[7] = {1, 2, 3, 4, 5, 6, 7};
    cr_assert_eq(dma_write(&w.as, SM_DEV_BASE + 1, in, 7), MEMTX_OK);
    /* offsets 1..7: 1 byte at 1, 2 at 2, 4 at 4 */
    cr_assert_eq(w.devstate.nlog, 3);
    cr_assert_eq(w.devstate.log[0].size, 1);
    cr_assert_eq(w.devstate.log[1].size, 2);
    cr_assert_eq(w.devstate.log[1].value, 0x0302);
    cr_assert_eq(w.devstate.log[2].offset, 4);
    cr_assert_eq(w.devstate.log[2].value, 0x07060504);
    cr_assert_arr_eq(&w.devstate.bytes[1], in, 7);
}

Test(softmmu_dma, sized_values_in_both_endiannesses)
{
    uint64_t v = 0;
    cr_assert_eq(address_space_write_val(&w.as, 0x100, 4, true, 0x11223344), MEMTX_OK);
    cr_assert_eq(w.ram.host[0x100], 0x11);
    cr_assert_eq(address_space_read_val(&w.as, 0x100, 4, false, &v), MEMTX_OK);
    cr_assert_eq(v, 0x44332211);
    cr_assert_eq(address_space_read_val(&w.as, 0x100, 2, true, &v), MEMTX_OK);
    cr_assert_eq(v, 0x1122);
    cr_assert_eq(address_space_read_val(&w.as, SM_UNMAPPED, 8, false, &v), MEMTX_DECODE_ERROR);
    cr_assert_eq(v, UINT64_MAX);
}

Test(softmmu_dma, ram_ptr_only_inside_one_host_section)
{
    cr_assert_eq(address_space_ram_ptr(&w.as, 0x10, 16, false), w.ram.host + 0x10);
    cr_assert_eq(address_space_ram_ptr(&w.as, SM_ROM_BASE, 4, false), w.rom.host);
    cr_assert_null(address_space_ram_ptr(&w.as, SM_RAM_SIZE - 2, 4, false), "crosses RAM end");
    cr_assert_null(address_space_ram_ptr(&w.as, SM_DEV_BASE, 4, false), "IO has no host");
    cr_assert_null(address_space_ram_ptr(&w.as, SM_UNMAPPED, 1, false));
}

Test(softmmu_dma, write_into_code_invalidates_only_overlapping_tbs)
{
    TbCache *c = tb_cache_new();
    w.as.tb_cache = c;
    TranslationBlock *a = sm_make_tb(&w, c, 0x2000, 16);
    TranslationBlock *b = sm_make_tb(&w, c, 0x2100, 16);
    TranslationBlock *far = sm_make_tb(&w, c, 0x2c00, 16);
    uint8_t patch[4] = {0x90, 0x90, 0x90, 0x90};
    cr_assert_eq(dma_write(&w.as, 0x210c, patch, 4), MEMTX_OK);
    cr_assert_not(a->invalid);
    cr_assert(b->invalid);
    cr_assert_null(tb_lookup_hash(c, 0x2100, 0x2100, 0, 0));
    cr_assert_eq(tb_lookup_hash(c, 0x2000, 0x2000, 0, 0), a);
    cr_assert_not(far->invalid);
    cr_assert_arr_eq(&w.ram.host[0x210c], patch, 4);
    /* A loader overwriting the whole page drops the rest. */
    uint8_t page[0x1000] = {0};
    cr_assert_eq(address_space_write_rom(&w.as, 0x2000, page, sizeof page), MEMTX_OK);
    cr_assert(a->invalid);
    cr_assert(far->invalid);
    cr_assert_not(tb_page_has_code(c, 0x2000));
    w.as.tb_cache = NULL;
    tb_cache_free(c);
}

Test(softmmu_dma, ram_ptr_for_writing_invalidates_code)
{
    TbCache *c = tb_cache_new();
    w.as.tb_cache = c;
    TranslationBlock *tb = sm_make_tb(&w, c, 0x4010, 8);
    cr_assert_not_null(address_space_ram_ptr(&w.as, 0x4000, 0x20, false));
    cr_assert_not(tb->invalid, "reading pointers leave code alone");
    cr_assert_not_null(address_space_ram_ptr(&w.as, 0x4000, 0x20, true));
    cr_assert(tb->invalid);
    w.as.tb_cache = NULL;
    tb_cache_free(c);
}
