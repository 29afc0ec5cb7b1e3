/*
 * monitor_pc: the monitor's commands on the PC (-M pc, SeaBIOS loaded but
 * not run) in the test process: sendkey reaching the 8042's output
 * buffer as scan codes, info irq from the PICs and the I/O APIC, info
 * mtree with aliases and the port space, info qtree, system_powerdown.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/runstate.h"
#include "devices/misc/isa_debug_exit.h"
#include "softmmu/memory.h"
#include "test_monitor_fixture.h"

static void start_pc(void)
{
    if (access("/usr/share/seabios/bios-256k.bin", R_OK) != 0)
        cr_skip_test("no SeaBIOS (apt-get install seabios)");
    fx_start("-M pc -accel interp -display none -serial null");
}

static void stop_fixture(void)
{
    if (fx.m) fx_stop();
}

TestSuite(monitor_pc, .fini = stop_fixture, .timeout = 60);

static AddressSpace *pc_io(void)
{
    MemoryRegion *io = machine_find_bus(fx.m, ISA_DEBUG_EXIT_BUS);
    cr_assert(io && io->owner_as, "no port space");
    return io->owner_as;
}

/* Every byte the 8042 has for the guest now (status bit 0: output buffer
 * full), as hex words. */
static const char *kbd_drain(void)
{
    static char text[256];
    size_t n = 0;
    text[0] = '\0';
    for (int i = 0; i < 32; i++) {
        uint64_t status = 0, data = 0;
        address_space_read_val(pc_io(), 0x64, 1, false, &status);
        if (!(status & 1)) break;
        address_space_read_val(pc_io(), 0x60, 1, false, &data);
        n += (size_t)snprintf(text + n, sizeof text - n, "%s%02x", n ? " " : "", (unsigned)data);
    }
    return text;
}

/* After reset the 8042 does not translate: scan code set 2 (make 12 for
 * left shift, 1c for A; break is f0 and the make code), keys pressed in
 * order and released in reverse when the hold time is over. */
Test(monitor_pc, sendkey_reaches_the_8042)
{
    start_pc();
    cr_expect_str_eq(kbd_drain(), "");
    cr_expect_str_eq(fx_run("sendkey shift-a 60000"), "");
    cr_expect_str_eq(kbd_drain(), "12 1c");
    clocks_run_expired(fx.m->clocks);
    cr_expect_str_eq(kbd_drain(), "", "released before the hold time");
    /* A new sendkey first releases what the last one holds. */
    cr_expect_str_eq(fx_run("sendkey ret 0"), "");
    cr_expect_str_eq(kbd_drain(), "f0 1c f0 12 5a");
    clocks_run_expired(fx.m->clocks);
    cr_expect_str_eq(kbd_drain(), "f0 5a");
}

Test(monitor_pc, sendkey_errors)
{
    start_pc();
    cr_expect_str_eq(fx_run("sendkey ctrl-foo"), "sendkey: unknown key 'foo'\n");
    cr_expect_str_eq(fx_run("sendkey"), "sendkey: expected keys such as ctrl-alt-delete\n");
    cr_expect_str_eq(fx_run("sendkey a x"),
                     "sendkey: hold time 'x' is not a number of ms up to 60000\n");
    cr_expect_str_eq(fx_run("sendkey a 60001"),
                     "sendkey: hold time '60001' is not a number of ms up to 60000\n");
    cr_expect_str_eq(fx_run("sendkey a-a-a-a-a-a-a-a-a-a-a-a-a-a-a-a-a"),
                     "sendkey: at most 16 keys at once\n");
    cr_expect_str_eq(fx_run("sendkey --"), "sendkey: no key in '--'\n");
    cr_expect_str_eq(kbd_drain(), "", "a refused sendkey presses nothing");
}

/* The keyboard's IRQ 1 reaches both interrupt controllers. */
Test(monitor_pc, info_irq_counts_raised_inputs)
{
    start_pc();
    fx_run("info irq");
    cr_expect_null(strstr(fx.out, "\n   1: "), "IRQ 1 before any key:\n%s", fx.out);
    fx_run("sendkey a 0");
    kbd_drain();
    fx_run("info irq");
    const char *pic = strstr(fx.out, "IRQ statistics for i8259:\n");
    const char *apic = strstr(fx.out, "IRQ statistics for ioapic:\n");
    cr_assert(pic && apic, "%s", fx.out);
    cr_expect_not_null(strstr(pic, "   1: "), "%s", fx.out);
    cr_expect_not_null(strstr(apic, "   1: "), "%s", fx.out);
}

Test(monitor_pc, info_mtree_aliases_and_ports)
{
    start_pc();
    fx_run("info mtree");
    const char *want[] = {
        "address-space: memory\n  0000000000000000-fffffffffffffffe (prio 0, container): system\n",
        "    0000000000000000-000000000009ffff (prio 0, ram): alias ram-below-640k @pc.ram "
        "0000000000000000-000000000009ffff\n",
        "    00000000fffc0000-00000000ffffffff (prio 0, rom): pc.bios\n",
        "(prio -1, rom): alias isa-bios @pc.bios ",
        "address-space: io\n  0000000000000000-000000000000ffff (prio 0, container): io\n",
        "    0000000000000060-0000000000000060 (prio 0, i/o): i8042-data\n",
        "memory-region: pc.ram\n  0000000000000000-",
        " [disabled]\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_expect_not_null(strstr(fx.out, want[i]), "'%s' missing from:\n%s", want[i], fx.out);
}

Test(monitor_pc, info_qtree_properties_and_state)
{
    start_pc();
    fx_run("info qtree");
    const char *pic = strstr(fx.out, "dev: i8259, id \"\"\n  state (version 1):\n    irr[0] = 0x");
    cr_expect_not_null(pic, "%s", fx.out);
    const char *ioapic = strstr(fx.out, "dev: ioapic, id \"\"\n  id = 0\n");
    cr_expect_not_null(ioapic, "%s", fx.out);
    /* The irq_stats counters are host statistics, not guest state. */
    cr_expect_null(strstr(fx.out, "irq_count"), "%s", fx.out);
}

static void hear(void *opaque, VmEvent event, const VmEventInfo *info)
{
    if (event == VM_EVENT_POWERDOWN) ++*(int *)opaque;
}

Test(monitor_pc, system_powerdown_presses_the_power_button)
{
    start_pc();
    int powerdowns = 0;
    cr_assert(vm_add_listener(fx.m, hear, &powerdowns));
    cr_expect_str_eq(fx_run("system_powerdown"), "");
    cr_expect_eq(powerdowns, 1);
    vm_remove_listener(fx.m, &powerdowns);
}
