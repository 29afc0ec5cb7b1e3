/* i8259: the two cascaded 8259As and the ELCR, driven through I/O port
 * accesses in an address space, as a guest sees them. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/device.h"
#include "core/machine.h"
#include "devices/intc/i8259.h"
#include "softmmu/memory.h"

static Machine M;
static MemoryRegion io;
static AddressSpace io_as;
static IrqLine intr;
static Device *pic;

static void intr_handler(void *opaque, int n, int level)
{
}

static uint8_t inb(uint16_t port)
{
    uint64_t v = 0;
    cr_assert_eq(address_space_read_val(&io_as, port, 1, false, &v), MEMTX_OK, "port %#x", port);
    return (uint8_t)v;
}

static void outb(uint16_t port, uint8_t v)
{
    cr_assert_eq(address_space_write_val(&io_as, port, 1, false, v), MEMTX_OK, "port %#x", port);
}

static void line(int irq, int level)
{
    irq_set(i8259_input(pic, irq), level);
}

static int ack(void)
{
    return i8259_acknowledge(pic);
}

/* The PC BIOS programming: vectors 0x08 and 0x70, cascade on IR2, 8086
 * mode; extra ICW4 bits for the master (AEOI, SFNM tests). */
static void init_pics(uint8_t master_icw4)
{
    outb(0x20, 0x11);
    outb(0x21, 0x08);
    outb(0x21, 0x04);
    outb(0x21, master_icw4);
    outb(0xa0, 0x11);
    outb(0xa1, 0x70);
    outb(0xa1, 0x02);
    outb(0xa1, 0x01);
}

static uint8_t read_isr(uint16_t base)
{
    outb(base, 0x0b);
    return inb(base);
}

static uint8_t read_irr(uint16_t base)
{
    outb(base, 0x0a);
    return inb(base);
}

static void setup(void)
{
    memset(&M, 0, sizeof M);
    memory_region_init_container(&io, "io", 0x10000);
    address_space_init(&io_as, &io, "io");
    irq_init(&intr, intr_handler, NULL, 0);
    pic = i8259_create(&M, &io, &intr);
    cr_assert_not_null(pic);
    init_pics(0x01);
}

static void teardown(void)
{
    device_free(pic);
    address_space_destroy(&io_as);
    memory_region_destroy(&io);
}

TestSuite(pc_intc_pic, .init = setup, .fini = teardown);

Test(pc_intc_pic, init_sequence_gives_bios_vectors)
{
    cr_assert_eq(inb(0x21), 0x00, "ICW1 clears IMR");
    cr_assert_eq(intr.level, 0);
    line(1, 1);
    cr_assert_eq(intr.level, 1);
    cr_assert_eq(read_irr(0x20), 0x02);
    cr_assert_eq(ack(), 0x09);
    cr_assert_eq(intr.level, 0);
    cr_assert_eq(read_isr(0x20), 0x02);
    cr_assert_eq(read_irr(0x20), 0x00, "edge request leaves IRR on INTA");
    outb(0x20, 0x20); /* non-specific EOI */
    cr_assert_eq(read_isr(0x20), 0x00);
}

Test(pc_intc_pic, slave_cascades_through_ir2)
{
    line(12, 1);
    cr_assert_eq(intr.level, 1);
    cr_assert_eq(read_irr(0x20) & 0x04, 0x04, "slave INT on master IR2");
    cr_assert_eq(ack(), 0x74);
    cr_assert_eq(read_isr(0x20), 0x04);
    cr_assert_eq(read_isr(0xa0), 0x10);
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    cr_assert_eq(read_isr(0x20), 0);
    cr_assert_eq(read_isr(0xa0), 0);
    line(12, 0);
}

Test(pc_intc_pic, in_service_blocks_lower_priorities_only)
{
    line(3, 1);
    cr_assert_eq(ack(), 0x0b);
    line(5, 1);
    cr_assert_eq(intr.level, 0, "IRQ5 below IRQ3 in service");
    line(1, 1);
    cr_assert_eq(intr.level, 1, "IRQ1 above IRQ3");
    cr_assert_eq(ack(), 0x09);
    cr_assert_eq(read_isr(0x20), 0x0a);
    outb(0x20, 0x20); /* retires IRQ1, the highest in service */
    cr_assert_eq(read_isr(0x20), 0x08);
    cr_assert_eq(intr.level, 0);
    outb(0x20, 0x20);
    cr_assert_eq(intr.level, 1, "IRQ5 now");
    cr_assert_eq(ack(), 0x0d);
}

Test(pc_intc_pic, imr_masks_requests)
{
    outb(0x21, 0xfd);
    cr_assert_eq(inb(0x21), 0xfd);
    line(0, 1);
    cr_assert_eq(intr.level, 0);
    cr_assert_eq(read_irr(0x20), 0x01, "masked request still in IRR");
    outb(0x21, 0x00);
    cr_assert_eq(intr.level, 1);
    cr_assert_eq(ack(), 0x08);
}

Test(pc_intc_pic, specific_eoi_and_priority_rotation)
{
    outb(0x20, 0xc3); /* set priority: IR3 lowest, IR4 highest */
    line(1, 1);
    line(5, 1);
    cr_assert_eq(ack(), 0x0d, "IR5 outranks IR1 after rotation");
    outb(0x20, 0xa0); /* rotate on non-specific EOI: IR5 becomes lowest */
    cr_assert_eq(read_isr(0x20), 0);
    line(7, 1);
    cr_assert_eq(ack(), 0x0f, "IR7 is highest after IR5 went lowest");
    outb(0x20, 0x67); /* specific EOI for IR7 */
    cr_assert_eq(read_isr(0x20), 0);
    cr_assert_eq(ack(), 0x09);
}

Test(pc_intc_pic, poll_command_acts_as_inta)
{
    line(6, 1);
    outb(0x20, 0x0c);
    cr_assert_eq(inb(0x20), 0x86);
    cr_assert_eq(read_isr(0x20), 0x40);
    cr_assert_eq(intr.level, 0);
    outb(0x20, 0x0c);
    cr_assert_eq(inb(0x20), 0x00, "nothing pending");
}

Test(pc_intc_pic, auto_eoi_leaves_isr_clear)
{
    init_pics(0x03);
    line(4, 1);
    cr_assert_eq(ack(), 0x0c);
    cr_assert_eq(read_isr(0x20), 0);
    line(3, 1);
    cr_assert_eq(intr.level, 1, "nothing in service blocks IRQ3");
}

Test(pc_intc_pic, spurious_irq7_when_request_vanished)
{
    outb(0x4d0, 0x20); /* IRQ5 level-triggered */
    line(5, 1);
    cr_assert_eq(intr.level, 1);
    line(5, 0);
    cr_assert_eq(intr.level, 0);
    cr_assert_eq(ack(), 0x0f, "INTA without a request: IRQ7");
    cr_assert_eq(read_isr(0x20), 0, "a spurious IRQ7 is not put in service");
}

Test(pc_intc_pic, elcr_reserved_bits_and_level_requests)
{
    outb(0x4d0, 0xff);
    outb(0x4d1, 0xff);
    cr_assert_eq(inb(0x4d0), 0xf8, "IRQ 0-2 always edge");
    cr_assert_eq(inb(0x4d1), 0xde, "IRQ 8 and 13 always edge");
    outb(0x4d0, 0x00);
    outb(0x4d1, 0x04); /* IRQ10 level */
    line(10, 1);
    cr_assert_eq(ack(), 0x72);
    cr_assert_eq(read_irr(0xa0) & 0x04, 0x04, "level request stays in IRR");
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    cr_assert_eq(intr.level, 1, "still asserted: interrupts again after EOI");
    cr_assert_eq(ack(), 0x72);
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    line(10, 0);
    cr_assert_eq(intr.level, 0);
    cr_assert_eq(read_irr(0xa0), 0);
}

Test(pc_intc_pic, edge_needs_a_new_rising_edge)
{
    line(3, 1);
    cr_assert_eq(ack(), 0x0b);
    outb(0x20, 0x20);
    cr_assert_eq(intr.level, 0, "an edge request is served once");
    init_pics(0x01);
    cr_assert_eq(intr.level, 0, "ICW1 resets edge sense: the line is still high");
    line(3, 0);
    line(3, 1);
    cr_assert_eq(intr.level, 1);
    cr_assert_eq(ack(), 0x0b);
}

Test(pc_intc_pic, special_mask_mode_unblocks_lower_levels)
{
    line(3, 1);
    cr_assert_eq(ack(), 0x0b);
    line(5, 1);
    cr_assert_eq(intr.level, 0);
    outb(0x21, 0x08); /* mask the level in service */
    outb(0x20, 0x68); /* set special mask mode */
    cr_assert_eq(intr.level, 1);
    cr_assert_eq(ack(), 0x0d);
    outb(0x20, 0x48); /* reset special mask mode */
    outb(0x20, 0x65);
    outb(0x20, 0x63);
    cr_assert_eq(read_isr(0x20), 0);
}

Test(pc_intc_pic, special_fully_nested_lets_slave_nest)
{
    line(10, 1);
    cr_assert_eq(ack(), 0x72);
    line(9, 1);
    cr_assert_eq(intr.level, 0, "fully nested: master IR2 in service blocks");
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    cr_assert_eq(ack(), 0x71);
    outb(0xa0, 0x20);
    outb(0x20, 0x20);

    init_pics(0x11); /* master in special fully nested mode */
    line(10, 0);
    line(9, 0);
    line(10, 1);
    cr_assert_eq(ack(), 0x72);
    line(9, 1);
    cr_assert_eq(intr.level, 1, "higher slave request nests under IR2 in service");
    cr_assert_eq(ack(), 0x71);
    cr_assert_eq(read_isr(0xa0), 0x06);
}

Test(pc_intc_pic, state_survives_save_and_load)
{
    outb(0x21, 0x5a);
    outb(0x4d1, 0x04);
    line(4, 1);
    size_t len = vmstate_save(pic, NULL, 0);
    uint8_t buf[2048];
    cr_assert_leq(len, sizeof buf);
    vmstate_save(pic, buf, len);
    init_pics(0x01);
    outb(0x21, 0xff);
    outb(0x4d1, 0);
    char err[128];
    cr_assert(vmstate_load(pic, buf, len, err, sizeof err), "%s", err);
    cr_assert_eq(inb(0x21), 0x5a);
    cr_assert_eq(inb(0x4d1), 0x04);
    cr_assert_eq(read_irr(0x20) & 0x10, 0x10);
}
