/* pci: the PCI core (config space, BARs, ROM BAR, INTx, DMA, addresses)
 * seen through the i440FX's configuration ports, with a test function
 * that has a memory BAR, an I/O BAR and an expansion ROM. */
#include <criterion/criterion.h>
#include <string.h>

#include "devices/pci/pci.h"
#include "test_pci_world.h"

#define TD_MMIO_SIZE 0x1000u
#define TD_IO_SIZE   0x10u
#define TD_ROM_SIZE  0x2000u

typedef struct TestDev {
    PciDevice pci;
    MemoryRegion mmio, io, rom;
    uint32_t regs[TD_MMIO_SIZE / 4];
    unsigned accesses;
} TestDev;

static TestDev td[3];
static int pirq_level[4];
static unsigned pirq_calls;

static uint64_t td_read(void *opaque, uint64_t offset, unsigned size)
{
    TestDev *t = opaque;
    t->accesses++;
    return t->regs[offset / 4];
}

static void td_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    TestDev *t = opaque;
    t->accesses++;
    t->regs[offset / 4] = (uint32_t)value;
}

static const MemoryRegionOps td_ops = {
    .read = td_read,
    .write = td_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 4,
    .max_access_size = 4,
};

static void record_pirq(void *opaque, int pirq, int level)
{
    pirq_level[pirq] = level;
    pirq_calls++;
}

/* A function with BAR0 = 4 KiB MMIO, BAR1 = 16 I/O ports, an 8 KiB ROM. */
static void td_attach(TestDev *t, int devfn, uint8_t pin)
{
    char err[128];
    memset(t, 0, sizeof *t);
    cr_assert(
        pci_device_attach(&t->pci, W.bus, devfn, 0x1234, 0x5678, 0x01, 0xff0000, err, sizeof err),
        "%s", err);
    pci_config_set_interrupt_pin(&t->pci, pin);
    memory_region_init_io(&t->mmio, "td-mmio", TD_MMIO_SIZE, &td_ops, t);
    memory_region_init_io(&t->io, "td-io", TD_IO_SIZE, &td_ops, t);
    cr_assert(memory_region_init_rom(&t->rom, "td-rom", TD_ROM_SIZE));
    for (unsigned i = 0; i < TD_ROM_SIZE; i++)
        t->rom.host[i] = (uint8_t)i;
    pci_register_bar(&t->pci, 0, PCI_BAR_MEM32, &t->mmio);
    pci_register_bar(&t->pci, 1, PCI_BAR_IO, &t->io);
    pci_register_bar(&t->pci, PCI_ROM_SLOT, PCI_BAR_ROM, &t->rom);
}

static void td_detach(TestDev *t)
{
    if (!t->pci.bus) return;
    pci_device_detach(&t->pci);
    memory_region_destroy(&t->mmio);
    memory_region_destroy(&t->io);
    memory_region_destroy(&t->rom);
}

static void setup(void)
{
    pw_setup();
    memset(td, 0, sizeof td);
    memset(pirq_level, 0, sizeof pirq_level);
    pirq_calls = 0;
    pci_bus_set_irq_handler(W.bus, record_pirq, NULL);
}

static void teardown(void)
{
    for (int i = 0; i < 3; i++)
        td_detach(&td[i]);
    pw_teardown();
}

TestSuite(pci, .init = setup, .fini = teardown);

Test(pci, host_bridge_identity_through_cf8_cfc)
{
    cr_assert_eq(pw_cfg_read(0, 0x00, 4), 0x12378086);
    cr_assert_eq(pw_cfg_read(0, 0x08, 4), 0x06000002, "class 060000, revision 02");
    cr_assert_eq(pw_cfg_read(0, 0x02, 2), 0x1237, "word at 0xcfe");
    cr_assert_eq(pw_cfg_read(0, 0x01, 1), 0x80, "byte at 0xcfd");
    cr_assert_eq(pw_cfg_read(0, 0x0e, 1), 0x00, "single-function type-0 header");
    cr_assert_eq(pw_cfg_read(0, 0x2c, 4), 0x12378086, "subsystem ids");
}

Test(pci, config_address_register)
{
    pw_out(0xcf8, 4, 0x80001234);
    cr_assert_eq(pw_in(0xcf8, 4), 0x80001234);
    pw_out(0xcf8, 4, 0x7f0000ff);
    cr_assert_eq(pw_in(0xcf8, 4), 0x000000fc, "reserved bits 30-24 and 1-0 read as zero");
    /* With the enable bit clear, CONFIG_DATA is not a configuration cycle. */
    pw_out(0xcf8, 4, 0x00000000);
    cr_assert_eq(pw_in(0xcfc, 4), 0xffffffff);
}

Test(pci, missing_functions_and_buses_read_all_ones)
{
    cr_assert_eq(pw_cfg_read(PCI_DEVFN(5, 0), 0, 4), 0xffffffff);
    cr_assert_eq(pw_cfg_read(PCI_DEVFN(5, 0), 2, 2), 0xffff);
    cr_assert_eq(pw_cfg_read(PCI_DEVFN(0, 1), 0, 1), 0xff, "host bridge has no function 1");
    pw_out(0xcf8, 4, 0x80010000); /* bus 1, 00.0 */
    cr_assert_eq(pw_in(0xcfc, 4), 0xffffffff);
    pw_cfg_write(PCI_DEVFN(5, 0), 0x04, 2, 0x0007); /* master abort: harmless */
    cr_assert_eq(pw_cfg_read(PCI_DEVFN(5, 0), 0, 4), 0xffffffff);
}

Test(pci, header_read_only_and_write_one_to_clear)
{
    td_attach(&td[0], PCI_DEVFN(3, 0), 1);
    uint8_t dev = PCI_DEVFN(3, 0);
    pw_cfg_write(dev, 0x00, 4, 0xdeadbeef);
    cr_assert_eq(pw_cfg_read(dev, 0x00, 4), 0x56781234, "ids are read-only");
    cr_assert_eq(pw_cfg_read(dev, 0x08, 4), 0xff000001);
    cr_assert_eq(pw_cfg_read(dev, 0x3d, 1), 1, "INTA#");
    pw_cfg_write(dev, 0x3c, 1, 11);
    cr_assert_eq(pw_cfg_read(dev, 0x3c, 1), 11, "interrupt line is scratch");
    pw_cfg_write(dev, 0x04, 2, 0xffff);
    cr_assert_eq(pw_cfg_read(dev, 0x04, 2), 0x0407, "IO, MEMORY, MASTER, INTX_DISABLE");
    /* A target abort was signalled: the bit clears by writing one. */
    td[0].pci.config[PCI_STATUS + 1] |= 0x08;
    pw_cfg_write(dev, 0x06, 2, 0x0000);
    cr_assert_eq(pw_cfg_read(dev, 0x06, 2), 0x0800, "writing zero keeps it");
    pw_cfg_write(dev, 0x06, 2, 0x0800);
    cr_assert_eq(pw_cfg_read(dev, 0x06, 2), 0x0000);
}

Test(pci, bar_sizing)
{
    td_attach(&td[0], PCI_DEVFN(3, 0), 1);
    uint8_t dev = PCI_DEVFN(3, 0);
    cr_assert_eq(pw_cfg_read(dev, 0x10, 4), 0x00000000, "mem32, not prefetchable");
    cr_assert_eq(pw_cfg_read(dev, 0x14, 4), 0x00000001, "I/O");
    for (uint8_t reg = 0x10; reg < 0x28; reg += 4)
        pw_cfg_write(dev, reg, 4, 0xffffffff);
    cr_assert_eq(pw_cfg_read(dev, 0x10, 4), 0xfffff000, "4 KiB memory BAR");
    cr_assert_eq(pw_cfg_read(dev, 0x14, 4), 0xfffffff1, "16-port I/O BAR");
    cr_assert_eq(pw_cfg_read(dev, 0x18, 4), 0, "BAR2 not implemented");
    cr_assert_eq(pw_cfg_read(dev, 0x24, 4), 0, "BAR5 not implemented");
    pw_cfg_write(dev, 0x30, 4, 0xffffffff);
    cr_assert_eq(pw_cfg_read(dev, 0x30, 4), 0xffffe001, "8 KiB ROM, enable bit writable");
    /* All ones is no address: enabling decoding maps nothing. */
    pw_cfg_write(dev, 0x04, 2, 0x0003);
    cr_assert_eq(td[0].pci.bars[0].addr, PCI_BAR_UNMAPPED);
    cr_assert_eq(td[0].pci.bars[1].addr, PCI_BAR_UNMAPPED);
    cr_assert_eq(td[0].pci.bars[PCI_ROM_SLOT].addr, PCI_BAR_UNMAPPED);
}

Test(pci, memory_bar_decodes_only_when_enabled)
{
    td_attach(&td[0], PCI_DEVFN(3, 0), 1);
    uint8_t dev = PCI_DEVFN(3, 0);
    td[0].regs[1] = 0xcafef00d;
    pw_cfg_write(dev, 0x10, 4, 0xfebf0000);
    cr_assert_eq(pw_peek(0xfebf0004, 4), 0xffffffff, "MEMORY off: nothing there");
    cr_assert_eq(td[0].accesses, 0);
    pw_cfg_write(dev, 0x04, 2, PCI_COMMAND_MEMORY);
    cr_assert_eq(pw_peek(0xfebf0004, 4), 0xcafef00d);
    pw_poke(0xfebf0008, 4, 0x11223344);
    cr_assert_eq(td[0].regs[2], 0x11223344);
    /* Moving the BAR moves the registers. */
    pw_cfg_write(dev, 0x10, 4, 0xfe000000);
    cr_assert_eq(pw_peek(0xfebf0004, 4), 0xffffffff);
    cr_assert_eq(pw_peek(0xfe000004, 4), 0xcafef00d);
    cr_assert_eq(td[0].pci.bars[0].addr, 0xfe000000);
    /* Low address bits inside the size are not stored. */
    pw_cfg_write(dev, 0x10, 4, 0xfe000abc);
    cr_assert_eq(pw_cfg_read(dev, 0x10, 4), 0xfe000000);
    pw_cfg_write(dev, 0x04, 2, 0);
    cr_assert_eq(pw_peek(0xfe000004, 4), 0xffffffff, "MEMORY off again");
    pw_cfg_write(dev, 0x10, 4, 0);
    pw_cfg_write(dev, 0x04, 2, PCI_COMMAND_MEMORY);
    cr_assert_eq(td[0].pci.bars[0].addr, PCI_BAR_UNMAPPED, "address 0 is not mapped");
}

Test(pci, io_bar_decodes_below_64k_when_enabled)
{
    td_attach(&td[0], PCI_DEVFN(3, 0), 1);
    uint8_t dev = PCI_DEVFN(3, 0);
    td[0].regs[0] = 0x5a5a1234;
    pw_cfg_write(dev, 0x14, 4, 0xc001);
    cr_assert_eq(pw_cfg_read(dev, 0x14, 4), 0xc001);
    pw_cfg_write(dev, 0x04, 2, PCI_COMMAND_MEMORY);
    cr_assert_eq(pw_in(0xc000, 4), 0xffffffff, "IO off: nothing at the port");
    pw_cfg_write(dev, 0x04, 2, PCI_COMMAND_IO);
    cr_assert_eq(pw_in(0xc000, 4), 0x5a5a1234);
    pw_out(0xc00c, 4, 0x77);
    cr_assert_eq(td[0].regs[3], 0x77);
    pw_cfg_write(dev, 0x14, 4, 0x10000);
    cr_assert_eq(td[0].pci.bars[1].addr, PCI_BAR_UNMAPPED, "no ports above 0xffff");
    cr_assert_eq(pw_in(0xc000, 4), 0xffffffff);
}

Test(pci, expansion_rom_bar_is_read_only_and_needs_enable)
{
    td_attach(&td[0], PCI_DEVFN(3, 0), 1);
    uint8_t dev = PCI_DEVFN(3, 0);
    pw_cfg_write(dev, 0x04, 2, PCI_COMMAND_MEMORY);
    pw_cfg_write(dev, 0x30, 4, 0xfeb80000);
    cr_assert_eq(pw_peek(0xfeb80010, 1), 0xff, "enable bit clear: not decoded");
    pw_cfg_write(dev, 0x30, 4, 0xfeb80001);
    cr_assert_eq(pw_cfg_read(dev, 0x30, 4), 0xfeb80001);
    cr_assert_eq(pw_peek(0xfeb80010, 4), 0x13121110);
    cr_assert_eq(pw_peek(0xfeb81ffc, 4), 0xfffefdfc);
    pw_poke(0xfeb80010, 4, 0);
    cr_assert_eq(pw_peek(0xfeb80010, 4), 0x13121110, "writes to the ROM are dropped");
    pw_cfg_write(dev, 0x04, 2, 0);
    cr_assert_eq(pw_peek(0xfeb80010, 1), 0xff, "MEMORY off");
}

Test(pci, intx_swizzle_to_pirq)
{
    /* (slot + pin - 2) & 3: QEMU's and SeaBIOS's i440FX wiring */
    td_attach(&td[0], PCI_DEVFN(4, 0), 1); /* PIRQD */
    td_attach(&td[1], PCI_DEVFN(5, 0), 2); /* PIRQB */
    td_attach(&td[2], PCI_DEVFN(6, 0), 4); /* PIRQA */
    pci_set_irq(&td[0].pci, 1);
    cr_assert_eq(pirq_level[3], 1);
    cr_assert_eq(pci_bus_pirq_level(W.bus, 3), 1);
    pci_set_irq(&td[1].pci, 1);
    cr_assert_eq(pirq_level[1], 1);
    pci_set_irq(&td[2].pci, 1);
    cr_assert_eq(pirq_level[0], 1);
    cr_assert_eq(pirq_level[2], 0);
    pci_set_irq(&td[0].pci, 0);
    cr_assert_eq(pirq_level[3], 0);
    cr_assert_eq(pci_bus_pirq_level(W.bus, 3), 0);
}

Test(pci, shared_pirq_is_the_or_of_its_devices)
{
    td_attach(&td[0], PCI_DEVFN(2, 0), 1); /* PIRQB */
    td_attach(&td[1], PCI_DEVFN(5, 0), 2); /* PIRQB too */
    pci_set_irq(&td[0].pci, 1);
    pci_set_irq(&td[1].pci, 1);
    cr_assert_eq(pirq_calls, 1, "one rising edge for both");
    pci_set_irq(&td[0].pci, 0);
    cr_assert_eq(pirq_level[1], 1, "still held by 05.0");
    pci_set_irq(&td[1].pci, 0);
    cr_assert_eq(pirq_level[1], 0);
}

Test(pci, intx_disable_masks_the_pin_not_the_status)
{
    td_attach(&td[0], PCI_DEVFN(4, 0), 1);
    uint8_t dev = PCI_DEVFN(4, 0);
    pci_set_irq(&td[0].pci, 1);
    cr_assert_eq(pw_cfg_read(dev, 0x06, 2) & PCI_STATUS_INTERRUPT, PCI_STATUS_INTERRUPT);
    pw_cfg_write(dev, 0x04, 2, PCI_COMMAND_INTX_DISABLE);
    cr_assert_eq(pirq_level[3], 0, "INTx# released");
    cr_assert_eq(pw_cfg_read(dev, 0x06, 2) & PCI_STATUS_INTERRUPT, PCI_STATUS_INTERRUPT);
    pw_cfg_write(dev, 0x04, 2, 0);
    cr_assert_eq(pirq_level[3], 1, "asserted again");
    pci_set_irq(&td[0].pci, 0);
    cr_assert_eq(pw_cfg_read(dev, 0x06, 2) & PCI_STATUS_INTERRUPT, 0);
    cr_assert_eq(pirq_level[3], 0);
}

Test(pci, multifunction_bit_follows_other_functions)
{
    td_attach(&td[0], PCI_DEVFN(3, 0), 1);
    cr_assert_eq(pw_cfg_read(PCI_DEVFN(3, 0), 0x0e, 1), 0x00);
    td_attach(&td[1], PCI_DEVFN(3, 2), 1);
    cr_assert_eq(pw_cfg_read(PCI_DEVFN(3, 0), 0x0e, 1), 0x80);
    cr_assert_eq(pw_cfg_read(PCI_DEVFN(3, 0), 0x0c, 4) >> 16, 0x0080, "in a dword read too");
    cr_assert_eq(pw_cfg_read(PCI_DEVFN(3, 2), 0x0e, 1), 0x00, "only on function 0");
    cr_assert_eq(pw_cfg_read(PCI_DEVFN(3, 1), 0x00, 4), 0xffffffff, "function 1 missing");
    td_detach(&td[1]);
    cr_assert_eq(pw_cfg_read(PCI_DEVFN(3, 0), 0x0e, 1), 0x00);
}

Test(pci, dma_needs_bus_master)
{
    td_attach(&td[0], PCI_DEVFN(3, 0), 1);
    const uint8_t data[4] = {1, 2, 3, 4};
    uint8_t back[4];
    cr_assert_eq(pci_dma_write(&td[0].pci, 0x1000, data, 4), MEMTX_ERROR);
    cr_assert_eq(pw_peek(0x1000, 4), 0, "memory untouched");
    cr_assert_eq(pci_dma_read(&td[0].pci, 0x1000, back, 4), MEMTX_ERROR);
    pw_cfg_write(PCI_DEVFN(3, 0), 0x04, 2, PCI_COMMAND_MASTER);
    cr_assert_eq(pci_dma_write(&td[0].pci, 0x1000, data, 4), MEMTX_OK);
    cr_assert_eq(pw_peek(0x1000, 4), 0x04030201);
    cr_assert_eq(pci_dma_read(&td[0].pci, 0x1000, back, 4), MEMTX_OK);
    cr_assert_arr_eq(back, data, 4);
}

static int attach_at(const char *addr, char *err, size_t errlen)
{
    static PciDevice d;
    memset(&d, 0, sizeof d);
    d.addr_str = (char *)addr;
    if (!pci_device_attach(&d, W.bus, -1, 0x1234, 0x1, 0, 0, err, errlen)) return -1;
    int devfn = d.devfn;
    pci_device_detach(&d);
    return devfn;
}

Test(pci, addr_property_and_free_slot)
{
    char err[128];
    cr_assert_eq(attach_at("1f", err, sizeof err), PCI_DEVFN(0x1f, 0));
    cr_assert_eq(attach_at("3.1", err, sizeof err), PCI_DEVFN(3, 1));
    cr_assert_eq(attach_at("0x3", err, sizeof err), PCI_DEVFN(3, 0));
    cr_assert_eq(attach_at("a.7", err, sizeof err), PCI_DEVFN(10, 7));
    cr_assert_eq(attach_at(NULL, err, sizeof err), PCI_DEVFN(1, 0), "first free slot from 1");
    cr_assert_eq(attach_at("20", err, sizeof err), -1, "slot 32");
    cr_assert(strstr(err, "20"), "%s", err);
    cr_assert_eq(attach_at("3.8", err, sizeof err), -1, "function 8");
    cr_assert_eq(attach_at("zz", err, sizeof err), -1);
    cr_assert_eq(attach_at("", err, sizeof err), -1);
    cr_assert_eq(attach_at("0", err, sizeof err), -1, "00.0 is the host bridge");
    cr_assert(strstr(err, "in use"), "%s", err);
}

Test(pci, reset_clears_command_and_bars)
{
    td_attach(&td[0], PCI_DEVFN(4, 0), 1);
    uint8_t dev = PCI_DEVFN(4, 0);
    pw_cfg_write(dev, 0x10, 4, 0xfebf0000);
    pw_cfg_write(dev, 0x04, 2, PCI_COMMAND_MEMORY);
    pci_set_irq(&td[0].pci, 1);
    pci_device_reset(&td[0].pci);
    cr_assert_eq(pw_cfg_read(dev, 0x04, 2), 0);
    cr_assert_eq(pw_cfg_read(dev, 0x10, 4), 0);
    cr_assert_eq(pw_cfg_read(dev, 0x06, 2) & PCI_STATUS_INTERRUPT, 0);
    cr_assert_eq(td[0].pci.bars[0].addr, PCI_BAR_UNMAPPED);
    cr_assert_eq(pirq_level[3], 0);
}
