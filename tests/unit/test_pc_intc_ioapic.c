/* ioapic: the 82093AA through IOREGSEL/IOWIN in a memory address space,
 * with a fake APIC bus that records the messages it sends. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/device.h"
#include "core/machine.h"
#include "devices/intc/apic_bus.h"
#include "devices/intc/ioapic.h"
#include "softmmu/memory.h"

#define BASE 0xfec00000u

static Machine M;
static MemoryRegion mem;
static AddressSpace as;
static ApicBus bus;
static Device *ioapic;
static ApicMessage sent[16];
static int nsent;

static void record(void *opaque, const ApicMessage *msg)
{
    if (nsent < 16) sent[nsent] = *msg;
    nsent++;
}

static uint32_t reg_read(uint8_t reg)
{
    uint64_t v = 0;
    cr_assert_eq(address_space_write_val(&as, BASE, 4, false, reg), MEMTX_OK);
    cr_assert_eq(address_space_read_val(&as, BASE + 0x10, 4, false, &v), MEMTX_OK);
    return (uint32_t)v;
}

static void reg_write(uint8_t reg, uint32_t value)
{
    cr_assert_eq(address_space_write_val(&as, BASE, 4, false, reg), MEMTX_OK);
    cr_assert_eq(address_space_write_val(&as, BASE + 0x10, 4, false, value), MEMTX_OK);
}

static void set_entry(int pin, uint64_t entry)
{
    reg_write((uint8_t)(0x10 + 2 * pin + 1), (uint32_t)(entry >> 32));
    reg_write((uint8_t)(0x10 + 2 * pin), (uint32_t)entry);
}

static void pin(int n, int level)
{
    irq_set(ioapic_input(ioapic, n), level);
}

static void setup(void)
{
    memset(&M, 0, sizeof M);
    memory_region_init_container(&mem, "mem", 1ull << 32);
    address_space_init(&as, &mem, "memory");
    bus = (ApicBus){.deliver = record};
    nsent = 0;
    ioapic = ioapic_create(&M, &mem, BASE, &bus);
    cr_assert_not_null(ioapic);
}

static void teardown(void)
{
    device_free(ioapic);
    address_space_destroy(&as);
    memory_region_destroy(&mem);
}

TestSuite(pc_intc_ioapic, .init = setup, .fini = teardown);

Test(pc_intc_ioapic, identification_registers)
{
    cr_assert_eq(reg_read(0x01), 0x00170011, "24 entries, version 0x11");
    cr_assert_eq(reg_read(0x00), 0);
    reg_write(0x00, 0xffffffff);
    cr_assert_eq(reg_read(0x00), 0x0f000000, "4-bit ID");
    cr_assert_eq(reg_read(0x02), 0x0f000000, "arbitration ID follows the ID");
    reg_write(0x01, 0);
    cr_assert_eq(reg_read(0x01), 0x00170011, "version is read-only");
    cr_assert_eq(reg_read(0x40), 0, "past the table");
}

Test(pc_intc_ioapic, entries_reset_masked_and_keep_read_only_bits)
{
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        cr_assert_eq(reg_read((uint8_t)(0x10 + 2 * i)), 0x00010000, "pin %d masked", i);
        cr_assert_eq(reg_read((uint8_t)(0x11 + 2 * i)), 0);
    }
    reg_write(0x10 + 6, 0xffffffff);
    reg_write(0x11 + 6, 0xffffffff);
    cr_assert_eq(reg_read(0x10 + 6), 0x0001afff, "delivery status and remote IRR read-only");
    cr_assert_eq(reg_read(0x11 + 6), 0xff000000);
}

Test(pc_intc_ioapic, edge_entry_sends_on_rising_edges)
{
    set_entry(4, 0x0100000000000034ull); /* vector 0x34 to APIC 1, fixed, edge */
    pin(4, 1);
    cr_assert_eq(nsent, 1);
    cr_assert_eq(sent[0].vector, 0x34);
    cr_assert_eq(sent[0].dest, 1);
    cr_assert_eq(sent[0].delivery_mode, APIC_DM_FIXED);
    cr_assert(!sent[0].dest_logical);
    cr_assert(!sent[0].level_triggered);
    pin(4, 1);
    cr_assert_eq(nsent, 1, "held high: one message");
    pin(4, 0);
    pin(4, 1);
    cr_assert_eq(nsent, 2);
    cr_assert_eq(reg_read(0x10 + 8) & 0x5000, 0, "idle, no remote IRR");
}

Test(pc_intc_ioapic, masked_edge_is_dropped)
{
    set_entry(3, 0x10033);
    pin(3, 1);
    set_entry(3, 0x00033);
    cr_assert_eq(nsent, 0);
    pin(3, 0);
    pin(3, 1);
    cr_assert_eq(nsent, 1);
}

Test(pc_intc_ioapic, level_entry_uses_remote_irr_until_eoi)
{
    set_entry(10, 0x0000803a); /* level, vector 0x3a */
    pin(10, 1);
    cr_assert_eq(nsent, 1);
    cr_assert(sent[0].level_triggered);
    cr_assert_eq(reg_read(0x10 + 20) & 0x4000, 0x4000, "remote IRR set");
    ioapic_eoi(ioapic, 0x3b);
    cr_assert_eq(nsent, 1, "EOI of another vector");
    ioapic_eoi(ioapic, 0x3a);
    cr_assert_eq(nsent, 2, "still asserted: sent again after EOI");
    pin(10, 0);
    ioapic_eoi(ioapic, 0x3a);
    cr_assert_eq(nsent, 2);
    cr_assert_eq(reg_read(0x10 + 20) & 0x4000, 0, "remote IRR clear");
}

Test(pc_intc_ioapic, unmasking_asserted_level_pin_sends)
{
    set_entry(11, 0x1a041); /* masked, level, active low, vector 0x41 */
    pin(11, 1);
    cr_assert_eq(nsent, 0);
    set_entry(11, 0x0a041);
    cr_assert_eq(nsent, 1, "asserted = 1 whatever the polarity bit");
    cr_assert_eq(sent[0].vector, 0x41);
    cr_assert_eq(reg_read(0x10 + 22) & 0x2000, 0x2000, "polarity stored");
}

Test(pc_intc_ioapic, delivery_modes_and_logical_destination)
{
    set_entry(1, 0x0300000000000951ull); /* lowest priority, logical, dest 3 */
    set_entry(2, 0x0000000000000700ull); /* ExtINT */
    set_entry(5, 0x0000000000000400ull); /* NMI */
    pin(1, 1);
    pin(2, 1);
    pin(5, 1);
    cr_assert_eq(nsent, 3);
    cr_assert_eq(sent[0].delivery_mode, APIC_DM_LOWPRI);
    cr_assert(sent[0].dest_logical);
    cr_assert_eq(sent[0].dest, 3);
    cr_assert_eq(sent[1].delivery_mode, APIC_DM_EXTINT);
    cr_assert_eq(sent[2].delivery_mode, APIC_DM_NMI);
}

Test(pc_intc_ioapic, state_survives_save_and_load)
{
    set_entry(10, 0x0000803a);
    pin(10, 1);
    size_t len = vmstate_save(ioapic, NULL, 0);
    uint8_t buf[2048];
    cr_assert_leq(len, sizeof buf);
    vmstate_save(ioapic, buf, len);
    device_reset(ioapic);
    cr_assert_eq(reg_read(0x10 + 20), 0x00010000);
    char err[128];
    cr_assert(vmstate_load(ioapic, buf, len, err, sizeof err), "%s", err);
    cr_assert_eq(reg_read(0x10 + 20), 0x0000c03a, "entry and remote IRR back");
    ioapic_eoi(ioapic, 0x3a);
    cr_assert_eq(nsent, 2);
}

Test(pc_intc_ioapic, id_property_sets_the_reset_id)
{
    char err[128];
    cr_assert(device_set_prop(ioapic, "id", "1", err, sizeof err), "%s", err);
    device_reset(ioapic);
    cr_assert_eq(reg_read(0x00), 0x01000000);
}
