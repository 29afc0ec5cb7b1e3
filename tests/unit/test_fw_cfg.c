/* fw_cfg: what SeaBIOS and Linux read through the real ports (selector,
 * data, DMA address register) with DMA into an address space with RAM. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/device.h"
#include "devices/misc/fw_cfg.h"
#include "softmmu/memory.h"

#define RAM_SIZE  0x10000u
#define DESC_ADDR 0x1000u
#define BUF_ADDR  0x2000u

static MemoryRegion io_root, mem_root, ram;
static AddressSpace io_as, mem_as;
static Device *fw;

static void setup(void)
{
    memory_region_init_container(&io_root, "io", 0x10000);
    address_space_init(&io_as, &io_root, "io");
    memory_region_init_container(&mem_root, "mem", UINT64_MAX);
    cr_assert(memory_region_init_ram(&ram, "ram", RAM_SIZE));
    memory_region_add_subregion(&mem_root, 0, &ram, 0);
    address_space_init(&mem_as, &mem_root, "mem");
    fw = fw_cfg_create(NULL, &io_root, &mem_as);
    cr_assert_not_null(fw);
}

static void teardown(void)
{
    device_free(fw);
    address_space_destroy(&io_as);
    address_space_destroy(&mem_as);
    memory_region_destroy(&ram);
    memory_region_destroy(&io_root);
    memory_region_destroy(&mem_root);
}

TestSuite(fw_cfg, .init = setup, .fini = teardown);

static void outw(uint16_t port, uint16_t v)
{
    cr_assert_eq(address_space_write_val(&io_as, port, 2, false, v), MEMTX_OK);
}

static void outl(uint16_t port, uint32_t v)
{
    cr_assert_eq(address_space_write_val(&io_as, port, 4, false, v), MEMTX_OK);
}

static uint8_t inb(uint16_t port)
{
    uint64_t v = 0;
    cr_assert_eq(address_space_read_val(&io_as, port, 1, false, &v), MEMTX_OK);
    return (uint8_t)v;
}

static void read_item(uint16_t key, uint8_t *buf, size_t len)
{
    outw(FW_CFG_IO_BASE, key);
    for (size_t i = 0; i < len; i++)
        buf[i] = inb(FW_CFG_IO_BASE + 1);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Write an FWCfgDmaAccess at DESC_ADDR and start it the way SeaBIOS does:
 * one 32-bit OUT of the big-endian address to the low half (0x518).
 * Returns the control word the device wrote back. */
static uint32_t dma(uint32_t control, uint32_t length, uint64_t address)
{
    cr_assert_eq(address_space_write_val(&mem_as, DESC_ADDR, 4, true, control), MEMTX_OK);
    cr_assert_eq(address_space_write_val(&mem_as, DESC_ADDR + 4, 4, true, length), MEMTX_OK);
    cr_assert_eq(address_space_write_val(&mem_as, DESC_ADDR + 8, 8, true, address), MEMTX_OK);
    outl(FW_CFG_DMA_IO_BASE + 4, __builtin_bswap32(DESC_ADDR));
    return be32(&ram.host[DESC_ADDR]);
}

Test(fw_cfg, signature_and_id)
{
    uint8_t sig[6];
    read_item(FW_CFG_SIGNATURE, sig, sizeof sig);
    cr_assert_arr_eq(sig, "QEMU\0\0", 6, "past the end reads 0");
    uint8_t id[4];
    read_item(FW_CFG_ID, id, 4);
    cr_assert_eq(id[0], 3, "traditional | DMA");
    cr_assert_eq(id[1] | id[2] | id[3], 0);
    /* The DMA register reads as "QEMU CFG". */
    uint64_t v = 0;
    cr_assert_eq(address_space_read_val(&io_as, FW_CFG_DMA_IO_BASE, 8, true, &v), MEMTX_OK);
    cr_assert_eq(v, FW_CFG_DMA_SIGNATURE);
    cr_assert_eq(address_space_read_val(&io_as, FW_CFG_DMA_IO_BASE + 4, 4, true, &v), MEMTX_OK);
    cr_assert_eq(v, 0x20434647);
}

Test(fw_cfg, numbers_are_little_endian_and_reselect_restarts)
{
    fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, 0x0123456789abcdefull);
    fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, 0x0102);
    fw_cfg_add_i32(fw, FW_CFG_ACPI_TABLES, 0xa1b2c3d4);
    uint8_t b[8];
    read_item(FW_CFG_RAM_SIZE, b, 8);
    cr_assert_eq(b[0], 0xef);
    cr_assert_eq(b[7], 0x01);
    read_item(FW_CFG_NB_CPUS, b, 3);
    cr_assert_eq(b[0], 0x02);
    cr_assert_eq(b[1], 0x01);
    cr_assert_eq(b[2], 0x00);
    read_item(FW_CFG_ACPI_TABLES, b, 4);
    cr_assert_eq(b[0], 0xd4, "arch-local keys work");
    read_item(FW_CFG_ACPI_TABLES | FW_CFG_WRITE_CHANNEL, b, 1);
    cr_assert_eq(b[0], 0xd4, "the write-channel bit selects the same item");
    read_item(0x1234, b, 2);
    cr_assert_eq(b[0] | b[1], 0, "no item: zeros");
    fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, 7); /* replaced */
    read_item(FW_CFG_NB_CPUS, b, 2);
    cr_assert_eq(b[0], 7);
}

Test(fw_cfg, directory_sorted_with_keys_and_sizes)
{
    cr_assert(fw_cfg_add_file(fw, "etc/table-loader", "LLLL", 4));
    cr_assert(fw_cfg_add_file(fw, "bootorder", "", 0));
    cr_assert(fw_cfg_add_file(fw, "etc/acpi/rsdp", "RSDPRSDP", 8));
    cr_assert_not(fw_cfg_add_file(fw, "bootorder", "x", 1), "duplicate refused");
    char longname[80];
    memset(longname, 'a', sizeof longname - 1);
    longname[79] = 0;
    cr_assert_not(fw_cfg_add_file(fw, longname, "x", 1), "name too long refused");

    uint8_t dir[4 + 3 * 64];
    read_item(FW_CFG_FILE_DIR, dir, sizeof dir);
    cr_assert_eq(be32(dir), 3);
    const char *names[] = {"bootorder", "etc/acpi/rsdp", "etc/table-loader"};
    const uint32_t sizes[] = {0, 8, 4};
    for (int i = 0; i < 3; i++) {
        const uint8_t *e = dir + 4 + 64 * i;
        cr_assert_eq(be32(e), sizes[i]);
        cr_assert_eq(e[4] << 8 | e[5], FW_CFG_FILE_FIRST + i);
        cr_assert_str_eq((const char *)e + 8, names[i]);
        cr_assert_eq(fw_cfg_file_key(fw, names[i]), FW_CFG_FILE_FIRST + i);
    }
    uint8_t data[9];
    read_item(FW_CFG_FILE_FIRST + 1, data, 9);
    cr_assert_arr_eq(data, "RSDPRSDP\0", 9);
    read_item(FW_CFG_FILE_FIRST + 2, data, 4);
    cr_assert_arr_eq(data, "LLLL", 4);
}

Test(fw_cfg, dma_select_read_and_skip)
{
    uint8_t blob[300];
    for (unsigned i = 0; i < sizeof blob; i++)
        blob[i] = (uint8_t)(i * 3 + 1);
    cr_assert(fw_cfg_add_file(fw, "etc/e820", blob, sizeof blob));
    uint16_t key = fw_cfg_file_key(fw, "etc/e820");

    uint32_t ctl = (uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ;
    cr_assert_eq(dma(ctl, 100, BUF_ADDR), 0);
    cr_assert_arr_eq(&ram.host[BUF_ADDR], blob, 100);
    /* skip 50, then read on from offset 150; beyond the end reads zeros */
    cr_assert_eq(dma(FW_CFG_DMA_CTL_SKIP, 50, 0), 0);
    memset(&ram.host[BUF_ADDR], 0xaa, 200);
    cr_assert_eq(dma(FW_CFG_DMA_CTL_READ, 160, BUF_ADDR), 0);
    cr_assert_arr_eq(&ram.host[BUF_ADDR], blob + 150, 150);
    for (int i = 150; i < 160; i++)
        cr_assert_eq(ram.host[BUF_ADDR + i], 0);
    cr_assert_eq(ram.host[BUF_ADDR + 160], 0xaa, "nothing past length");
    /* the port interface shares the selection and offset */
    outw(FW_CFG_IO_BASE, key);
    cr_assert_eq(dma(FW_CFG_DMA_CTL_SKIP, 2, 0), 0);
    cr_assert_eq(inb(FW_CFG_IO_BASE + 1), blob[2]);
}

Test(fw_cfg, dma_through_64bit_address_halves)
{
    fw_cfg_add_i32(fw, FW_CFG_NB_CPUS, 0x44332211);
    cr_assert_eq(
        address_space_write_val(&mem_as, DESC_ADDR, 4, true,
                                FW_CFG_NB_CPUS << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ),
        MEMTX_OK);
    cr_assert_eq(address_space_write_val(&mem_as, DESC_ADDR + 4, 4, true, 4), MEMTX_OK);
    cr_assert_eq(address_space_write_val(&mem_as, DESC_ADDR + 8, 8, true, BUF_ADDR), MEMTX_OK);
    /* high half (0) then low half, big-endian device register */
    cr_assert_eq(address_space_write_val(&io_as, FW_CFG_DMA_IO_BASE, 4, true, 0), MEMTX_OK);
    cr_assert_eq(address_space_write_val(&io_as, FW_CFG_DMA_IO_BASE + 4, 4, true, DESC_ADDR),
                 MEMTX_OK);
    cr_assert_eq(be32(&ram.host[DESC_ADDR]), 0);
    cr_assert_eq(ram.host[BUF_ADDR], 0x11);
    cr_assert_eq(ram.host[BUF_ADDR + 3], 0x44);
}

Test(fw_cfg, dma_errors_set_error_bit)
{
    cr_assert(fw_cfg_add_file(fw, "bootorder", "/pci@i0cf8/ide@1,1\n", 19));
    uint16_t key = fw_cfg_file_key(fw, "bootorder");
    uint32_t sel = (uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT;
    /* destination beyond RAM: error, and RAM's tail is untouched */
    memset(&ram.host[RAM_SIZE - 8], 0x55, 8);
    cr_assert_eq(dma(sel | FW_CFG_DMA_CTL_READ, 19, RAM_SIZE - 8), FW_CFG_DMA_CTL_ERROR);
    cr_assert_eq(ram.host[RAM_SIZE - 8], 0x55);
    /* huge length, wrapping address */
    cr_assert_eq(dma(sel | FW_CFG_DMA_CTL_READ, 0xffffffffu, BUF_ADDR), FW_CFG_DMA_CTL_ERROR);
    cr_assert_eq(dma(sel | FW_CFG_DMA_CTL_READ, 16, UINT64_MAX - 4), FW_CFG_DMA_CTL_ERROR);
    /* items are read-only */
    cr_assert_eq(dma(sel | FW_CFG_DMA_CTL_WRITE, 4, BUF_ADDR), FW_CFG_DMA_CTL_ERROR);
    /* a good request afterwards still works */
    cr_assert_eq(dma(sel | FW_CFG_DMA_CTL_READ, 19, BUF_ADDR), 0);
    cr_assert_arr_eq(&ram.host[BUF_ADDR], "/pci@i0cf8/ide@1,1\n", 19);
    /* a descriptor in unmapped space is dropped without harm */
    cr_assert_eq(address_space_write_val(&io_as, FW_CFG_DMA_IO_BASE, 4, true, 0x10), MEMTX_OK);
    cr_assert_eq(address_space_write_val(&io_as, FW_CFG_DMA_IO_BASE + 4, 4, true, 0), MEMTX_OK);
}

Test(fw_cfg, state_round_trips)
{
    fw_cfg_add_i32(fw, FW_CFG_NB_CPUS, 0x44332211);
    outw(FW_CFG_IO_BASE, FW_CFG_NB_CPUS);
    cr_assert_eq(inb(FW_CFG_IO_BASE + 1), 0x11);
    uint8_t buf[256];
    size_t n = vmstate_save(fw, buf, sizeof buf);
    cr_assert(n > 0 && n <= sizeof buf);
    outw(FW_CFG_IO_BASE, FW_CFG_SIGNATURE);
    char err[128];
    cr_assert(vmstate_load(fw, buf, n, err, sizeof err), "%s", err);
    cr_assert_eq(inb(FW_CFG_IO_BASE + 1), 0x22);
    device_reset(fw);
    cr_assert_eq(inb(FW_CFG_IO_BASE + 1), 'Q', "reset selects the signature");
}
