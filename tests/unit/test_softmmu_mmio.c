/* softmmu_mmio: CPU accesses to devices, split and widened to valid sizes,
 * in both endiannesses. */
#include <criterion/criterion.h>
#include <string.h>

#include "test_softmmu_fixture.h"

static SmWorld w;
static CPUState *cpu;

static void setup(void)
{
    sm_world_init(&w, &sm_arch);
    cpu = &w.cpu->parent;
}

static void teardown(void)
{
    sm_world_fini(&w);
}

TestSuite(softmmu_mmio, .init = setup, .fini = teardown);

#define LD(off, memop)      softmmu_load(cpu, SM_DEV_BASE + (off), (memop), 0, 0)
#define ST(off, val, memop) softmmu_store(cpu, SM_DEV_BASE + (off), (val), (memop), 0, 0)

static void assert_log(unsigned i, bool write, uint64_t offset, unsigned size, uint64_t value)
{
    const SmIoRecord *r = &w.devstate.log[i];
    cr_assert_eq(r->write, write, "access %u direction", i);
    cr_assert_eq(r->offset, offset, "access %u offset %#lx", i, (unsigned long)r->offset);
    cr_assert_eq(r->size, size, "access %u size %u", i, r->size);
    cr_assert_eq(r->value, value, "access %u value %#lx", i, (unsigned long)r->value);
}

static void fill_dev_bytes(void)
{
    for (unsigned i = 0; i < SM_DEV_SIZE; i++)
        w.devstate.bytes[i] = (uint8_t)(0x10 + i);
}

Test(softmmu_mmio, single_access_in_valid_size)
{
    fill_dev_bytes();
    cr_assert_eq(LD(8, IR_MO_32), 0x1b1a1918);
    cr_assert_eq(w.devstate.nlog, 1);
    assert_log(0, false, 8, 4, 0x1b1a1918);
    cr_assert(tlb_entry(cpu, 0, SM_DEV_BASE)->addr_read & TLB_MMIO);
}

Test(softmmu_mmio, eight_byte_load_split_for_two_byte_device_le)
{
    sm_world_set_dev(&w, DEVICE_LITTLE_ENDIAN, 1, 2, false);
    fill_dev_bytes();
    cr_assert_eq(LD(0x10, IR_MO_64), 0x2726252423222120ull);
    cr_assert_eq(w.devstate.nlog, 4);
    for (unsigned i = 0; i < 4; i++)
        assert_log(i, false, 0x10 + 2 * i, 2, (uint64_t)(0x21 + 2 * i) << 8 | (0x20 + 2 * i));
}

Test(softmmu_mmio, eight_byte_store_split_for_two_byte_device_be)
{
    sm_world_set_dev(&w, DEVICE_BIG_ENDIAN, 1, 2, false);
    ST(0x20, 0x0102030405060708ull, IR_MO_64 | IR_MO_BE);
    cr_assert_eq(w.devstate.nlog, 4);
    assert_log(0, true, 0x20, 2, 0x0102);
    assert_log(1, true, 0x22, 2, 0x0304);
    assert_log(2, true, 0x24, 2, 0x0506);
    assert_log(3, true, 0x26, 2, 0x0708);
    cr_assert_eq(LD(0x20, IR_MO_64 | IR_MO_BE), 0x0102030405060708ull);
}

Test(softmmu_mmio, eight_byte_store_le_to_be_device_is_swapped)
{
    sm_world_set_dev(&w, DEVICE_BIG_ENDIAN, 1, 2, false);
    ST(0x20, 0x0102030405060708ull, IR_MO_64);
    /* Address order of a little-endian store: 08 07 06 05 ... */
    assert_log(0, true, 0x20, 2, 0x0807);
    assert_log(3, true, 0x26, 2, 0x0201);
    cr_assert_eq(w.devstate.bytes[0x20], 0x08);
    cr_assert_eq(LD(0x20, IR_MO_64), 0x0102030405060708ull);
}

Test(softmmu_mmio, be_device_be_access_is_not_swapped)
{
    sm_world_set_dev(&w, DEVICE_BIG_ENDIAN, 4, 4, false);
    ST(0x40, 0xcafef00d, IR_MO_32 | IR_MO_BE);
    assert_log(0, true, 0x40, 4, 0xcafef00d);
    cr_assert_eq(w.devstate.bytes[0x40], 0xca);
    ST(0x44, 0xcafef00d, IR_MO_32);
    assert_log(1, true, 0x44, 4, 0x0df0feca);
}

Test(softmmu_mmio, byte_load_from_word_device_is_widened_once)
{
    sm_world_set_dev(&w, DEVICE_LITTLE_ENDIAN, 4, 4, false);
    fill_dev_bytes();
    cr_assert_eq(LD(0x0b, IR_MO_8), 0x1b);
    cr_assert_eq(w.devstate.nlog, 1);
    assert_log(0, false, 0x08, 4, 0x1b1a1918);
    cr_assert_eq(LD(0x0a, IR_MO_16 | IR_MO_BE), 0x1a1b);
    assert_log(1, false, 0x08, 4, 0x1b1a1918);
}

Test(softmmu_mmio, byte_store_to_word_device_widens_with_zero_fill)
{
    sm_world_set_dev(&w, DEVICE_LITTLE_ENDIAN, 4, 4, false);
    memset(w.devstate.bytes, 0xee, SM_DEV_SIZE);
    ST(0x0a, 0x5a, IR_MO_8);
    cr_assert_eq(w.devstate.nlog, 1, "no read-modify-write");
    assert_log(0, true, 0x08, 4, 0x005a0000);
}

Test(softmmu_mmio, misaligned_access_split_into_aligned_pieces)
{
    sm_world_set_dev(&w, DEVICE_LITTLE_ENDIAN, 1, 4, false);
    fill_dev_bytes();
    cr_assert_eq(LD(0x01, IR_MO_32), 0x14131211);
    cr_assert_eq(w.devstate.nlog, 3);
    assert_log(0, false, 0x01, 1, 0x11);
    assert_log(1, false, 0x02, 2, 0x1312);
    assert_log(2, false, 0x04, 1, 0x14);
}

Test(softmmu_mmio, misaligned_word_straddling_two_word_units)
{
    sm_world_set_dev(&w, DEVICE_LITTLE_ENDIAN, 4, 4, false);
    fill_dev_bytes();
    cr_assert_eq(LD(0x02, IR_MO_32), 0x15141312);
    cr_assert_eq(w.devstate.nlog, 2);
    assert_log(0, false, 0x00, 4, 0x13121110);
    assert_log(1, false, 0x04, 4, 0x17161514);
}

Test(softmmu_mmio, device_accepting_unaligned_sees_one_access)
{
    sm_world_set_dev(&w, DEVICE_LITTLE_ENDIAN, 1, 4, true);
    fill_dev_bytes();
    cr_assert_eq(LD(0x01, IR_MO_32), 0x14131211);
    cr_assert_eq(w.devstate.nlog, 1);
    assert_log(0, false, 0x01, 4, 0x14131211);
}

Test(softmmu_mmio, default_max_is_four_bytes)
{
    sm_world_set_dev(&w, DEVICE_LITTLE_ENDIAN, 0, 0, false);
    ST(0x10, 0x1122334455667788ull, IR_MO_64);
    cr_assert_eq(w.devstate.nlog, 2);
    assert_log(0, true, 0x10, 4, 0x55667788);
    assert_log(1, true, 0x14, 4, 0x11223344);
}

Test(softmmu_mmio, sign_extension_of_device_value)
{
    w.devstate.bytes[0] = 0x80;
    cr_assert_eq(LD(0, IR_MO_8 | IR_MO_SIGN), 0xffffffffffffff80ull);
    cr_assert_eq(LD(0, IR_MO_8), 0x80);
}

Test(softmmu_mmio, access_past_device_end_reads_ones)
{
    fill_dev_bytes();
    /* Last two device bytes (0x0e 0x0f), then two unmapped ones. */
    cr_assert_eq(LD(SM_DEV_SIZE - 2, IR_MO_32), 0xffff0f0e);
    assert_log(0, false, SM_DEV_SIZE - 2, 2, 0x0f0e);
}
