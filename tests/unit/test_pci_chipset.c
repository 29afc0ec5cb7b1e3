/* pci_chipset: the i440FX PAM shadowing, the PIIX3 ISA bridge (PIRQ
 * routing, reset control) and the PIIX4 power management function, driven
 * through the configuration and I/O ports as firmware and Linux do. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/options.h"
#include "devices/pci/piix3.h"
#include "devices/pci/piix4_pm.h"
#include "test_pci_world.h"

#define PIIX3   PCI_DEVFN(1, 0)
#define PM      PCI_DEVFN(1, 3)
#define PM_BASE 0x600

static IrqLine isa_irq[16], ioapic_irq[4], sci;
static IrqLine *isa_irq_p[16], *ioapic_irq_p[4];
static unsigned resets;
static Device *piix3, *pm;

/* A function that only raises INTx. */
static PciDevice irq_dev[2];

static void count_reset(void *opaque)
{
    resets++;
}

static void setup(void)
{
    pw_setup();
    for (int i = 0; i < 16; i++) {
        irq_init(&isa_irq[i], NULL, NULL, i);
        isa_irq_p[i] = &isa_irq[i];
    }
    for (int i = 0; i < 4; i++) {
        irq_init(&ioapic_irq[i], NULL, NULL, 16 + i);
        ioapic_irq_p[i] = &ioapic_irq[i];
    }
    irq_init(&sci, NULL, NULL, 9);
    resets = 0;
    piix3 = piix3_create(&W.m, W.bus, isa_irq_p, ioapic_irq_p, count_reset, NULL);
    cr_assert_not_null(piix3);
    pm = piix4_pm_create(&W.m, W.bus, PM, &sci);
    cr_assert_not_null(pm);
    memset(irq_dev, 0, sizeof irq_dev);
}

static void teardown(void)
{
    for (int i = 0; i < 2; i++)
        if (irq_dev[i].bus) pci_device_detach(&irq_dev[i]);
    pw_teardown();
}

TestSuite(pci_chipset, .init = setup, .fini = teardown);

static void irq_dev_attach(int i, uint8_t devfn, uint8_t pin)
{
    char err[128];
    cr_assert(
        pci_device_attach(&irq_dev[i], W.bus, devfn, 0x1234, 0x1, 0, 0xff0000, err, sizeof err),
        "%s", err);
    pci_config_set_interrupt_pin(&irq_dev[i], pin);
}

/* ---- i440FX PAM ---- */

static void set_pam(uint8_t reg, uint8_t v)
{
    pw_cfg_write(0, reg, 1, v);
    cr_assert_eq(pw_cfg_read(0, reg, 1), v);
}

Test(pci_chipset, pam_reset_shows_the_bios_and_option_rom)
{
    cr_assert_eq(pw_cfg_read(0, 0x58, 4), 0x00000010, "DRAMT 10h, PAM0-2 off");
    cr_assert_eq(pw_cfg_read(0, 0x5c, 4), 0, "PAM3-6 off");
    cr_assert_eq(pw_cfg_read(0, 0x72, 1), 0x02, "SMRAM reset value");
    cr_assert_eq(pw_peek(0xffff0, 1), PW_BIOS_BYTE(PW_BIOS_SIZE - 0x10));
    cr_assert_eq(pw_peek(0xe0000, 1), PW_BIOS_BYTE(0));
    cr_assert_eq(pw_peek(0xc0000, 1), PW_OPTROM_BYTE);
    pw_poke(0xf0000, 1, 0x12);
    cr_assert_eq(pw_peek(0xf0000, 1), PW_BIOS_BYTE(0x10000), "ROM ignores writes");
}

Test(pci_chipset, pam_read_write_ram)
{
    set_pam(0x59, 0x30); /* 0xf0000-0xfffff RW, as SeaBIOS does */
    pw_poke(0xf0000, 4, 0xdeadbeef);
    cr_assert_eq(pw_peek(0xf0000, 4), 0xdeadbeef);
    cr_assert_eq(W.ram.host[0xf0000], 0xef, "shadow RAM at the same offset");
    cr_assert_eq(pw_peek(0xe0000, 1), PW_BIOS_BYTE(0), "other segments untouched");
    set_pam(0x59, 0x00);
    cr_assert_eq(pw_peek(0xf0000, 1), PW_BIOS_BYTE(0x10000), "off: the BIOS again");
}

Test(pci_chipset, pam_read_only_drops_writes)
{
    W.ram.host[0xe4000] = 0x42;
    set_pam(0x5e, 0x10); /* PAM5 high nibble: 0xe4000-0xe7fff read-only */
    cr_assert_eq(pw_peek(0xe4000, 1), 0x42);
    pw_poke(0xe4000, 1, 0x99);
    cr_assert_eq(pw_peek(0xe4000, 1), 0x42, "write dropped");
    cr_assert_eq(W.ram.host[0xe4000], 0x42);
    cr_assert_eq(pw_peek(0xe0000, 1), PW_BIOS_BYTE(0), "low nibble segment still off");
    cr_assert_eq(pw_peek(0xe8000, 1), PW_BIOS_BYTE(0x8000));
}

Test(pci_chipset, pam_write_only_reads_below_and_writes_ram)
{
    set_pam(0x5a, 0x02); /* PAM1 low: 0xc0000-0xc3fff write-only */
    cr_assert_eq(pw_peek(0xc0010, 4), 0x55555555, "reads come from the option ROM");
    pw_poke(0xc0010, 4, 0x01020304);
    cr_assert_eq(pw_peek(0xc0010, 4), 0x55555555);
    set_pam(0x5a, 0x01);
    cr_assert_eq(pw_peek(0xc0010, 4), 0x01020304, "the write went to shadow RAM");
    cr_assert_eq(pw_peek(0xc4000, 1), PW_OPTROM_BYTE, "high nibble segment still off");
}

Test(pci_chipset, pam_shadowing_the_bios_as_firmware_does)
{
    /* Write-only: copy the ROM onto itself, then make it read-only. */
    set_pam(0x59, 0x20);
    for (uint64_t a = 0xf0000; a < 0x100000; a += 4)
        pw_poke(a, 4, pw_peek(a, 4));
    set_pam(0x59, 0x10);
    cr_assert_eq(pw_peek(0xf1234, 1), PW_BIOS_BYTE(0x11234));
    cr_assert_eq(W.ram.host[0xf1234], PW_BIOS_BYTE(0x11234));
    pw_poke(0xf1234, 1, 0);
    cr_assert_eq(pw_peek(0xf1234, 1), PW_BIOS_BYTE(0x11234));
}

Test(pci_chipset, pam_reserved_bits_and_reset)
{
    pw_cfg_write(0, 0x59, 1, 0xff);
    cr_assert_eq(pw_cfg_read(0, 0x59, 1), 0x30, "PAM0 low nibble reserved");
    pw_cfg_write(0, 0x5a, 1, 0xff);
    cr_assert_eq(pw_cfg_read(0, 0x5a, 1), 0x33);
    device_reset(W.host);
    cr_assert_eq(pw_cfg_read(0, 0x5a, 1), 0);
    cr_assert_eq(pw_peek(0xf0000, 1), PW_BIOS_BYTE(0x10000));
}

Test(pci_chipset, smram_lock)
{
    pw_cfg_write(0, 0x72, 1, 0x4a); /* D_OPEN | G_SMRAME */
    cr_assert_eq(pw_cfg_read(0, 0x72, 1), 0x4a);
    pw_cfg_write(0, 0x72, 1, 0x5a); /* + D_LCK */
    cr_assert_eq(pw_cfg_read(0, 0x72, 1), 0x1a, "D_LCK clears D_OPEN");
    pw_cfg_write(0, 0x72, 1, 0x42);
    cr_assert_eq(pw_cfg_read(0, 0x72, 1), 0x12, "D_OPEN and D_LCK stay until reset");
}

/* ---- PIIX3 ---- */

Test(pci_chipset, piix3_identity_and_reset_values)
{
    cr_assert_eq(pw_cfg_read(PIIX3, 0x00, 4), 0x70008086);
    cr_assert_eq(pw_cfg_read(PIIX3, 0x08, 4) >> 8, 0x060100);
    cr_assert_eq(pw_cfg_read(PIIX3, 0x0e, 1), 0x80, "multi-function");
    cr_assert_eq(pw_cfg_read(PIIX3, 0x60, 4), 0x80808080, "PIRQs not routed");
    cr_assert_eq(pw_cfg_read(PIIX3, 0x4c, 1), 0x4d);
    cr_assert_eq(pw_cfg_read(PIIX3, 0x69, 1), 0x02, "TOM");
    cr_assert_eq(pw_cfg_read(PIIX3, 0x04, 2), 0x0007);
    cr_assert_eq(pw_cfg_read(PIIX3, 0x70, 1), 0x80);
    cr_assert_eq(pw_cfg_read(PIIX3, 0xa8, 1), 0x0f);
}

Test(pci_chipset, pirq_routing_to_isa_and_ioapic)
{
    irq_dev_attach(0, PCI_DEVFN(3, 0), 1); /* PIRQC */
    pw_cfg_write(PIIX3, 0x62, 1, 0x0b);
    pci_set_irq(&irq_dev[0], 1);
    cr_assert_eq(isa_irq[11].level, 1);
    cr_assert_eq(ioapic_irq[2].level, 1);
    pci_set_irq(&irq_dev[0], 0);
    cr_assert_eq(isa_irq[11].level, 0);
    cr_assert_eq(ioapic_irq[2].level, 0);
    /* Routing disabled: the I/O APIC still sees the PIRQ. */
    pw_cfg_write(PIIX3, 0x62, 1, 0x8b);
    pci_set_irq(&irq_dev[0], 1);
    cr_assert_eq(isa_irq[11].level, 0);
    cr_assert_eq(ioapic_irq[2].level, 1);
    /* Enabling the route with the line asserted raises the ISA IRQ. */
    pw_cfg_write(PIIX3, 0x62, 1, 0x0b);
    cr_assert_eq(isa_irq[11].level, 1);
    /* Re-routing moves it. */
    pw_cfg_write(PIIX3, 0x62, 1, 0x0a);
    cr_assert_eq(isa_irq[11].level, 0);
    cr_assert_eq(isa_irq[10].level, 1);
}

Test(pci_chipset, pirqs_sharing_an_irq_are_ored)
{
    irq_dev_attach(0, PCI_DEVFN(4, 0), 1);    /* PIRQD */
    irq_dev_attach(1, PCI_DEVFN(5, 0), 1);    /* PIRQA */
    pw_cfg_write(PIIX3, 0x60, 4, 0x0b80800b); /* A and D to IRQ 11 */
    pci_set_irq(&irq_dev[0], 1);
    pci_set_irq(&irq_dev[1], 1);
    pci_set_irq(&irq_dev[0], 0);
    cr_assert_eq(isa_irq[11].level, 1, "PIRQA still up");
    pci_set_irq(&irq_dev[1], 0);
    cr_assert_eq(isa_irq[11].level, 0);
}

Test(pci_chipset, pirq_to_reserved_irq_goes_nowhere)
{
    irq_dev_attach(0, PCI_DEVFN(5, 0), 1); /* PIRQA */
    pw_cfg_write(PIIX3, 0x60, 1, 0x02);
    pci_set_irq(&irq_dev[0], 1);
    for (int i = 0; i < 16; i++)
        cr_assert_eq(isa_irq[i].level, 0, "IRQ %d", i);
    cr_assert_eq(ioapic_irq[0].level, 1);
}

Test(pci_chipset, reset_control_register)
{
    pw_out(0xcf9, 1, 0x02);
    cr_assert_eq(pw_in(0xcf9, 1), 0x02, "SRST stored");
    cr_assert_eq(resets, 0);
    pw_out(0xcf9, 1, 0x06);
    cr_assert_eq(resets, 1, "RCPU resets the system");
    /* A dword at 0xcf8 is CONFIG_ADDRESS, even with bit 10 set. */
    pw_out(0xcf8, 4, 0x80000400);
    cr_assert_eq(resets, 1);
    cr_assert_eq(pw_in(0xcf8, 4), 0x80000400);
}

/* ---- PIIX4 power management ---- */

static void pm_enable_io(void)
{
    pw_cfg_write(PM, 0x40, 4, PM_BASE | 1);
    pw_cfg_write(PM, 0x80, 1, 0x01);
}

Test(pci_chipset, pm_identity_and_reset_values)
{
    cr_assert_eq(pw_cfg_read(PM, 0x00, 4), 0x71138086);
    cr_assert_eq(pw_cfg_read(PM, 0x08, 4), 0x06800003);
    cr_assert_eq(pw_cfg_read(PM, 0x40, 4), 0x00000001, "PMBA: I/O, not set");
    cr_assert_eq(pw_cfg_read(PM, 0x58, 4), 0x02000000, "DEVACTB.APMC_EN");
    cr_assert_eq(pw_cfg_read(PM, 0x80, 1), 0x00);
    cr_assert_eq(piix4_pm_io_base(pm), 0);
}

Test(pci_chipset, pm_io_block_follows_pmba_and_pmregmisc)
{
    pw_cfg_write(PM, 0x40, 4, 0xffffffff);
    cr_assert_eq(pw_cfg_read(PM, 0x40, 4), 0x0000ffc1, "64 ports");
    pw_cfg_write(PM, 0x40, 4, PM_BASE | 1);
    cr_assert_eq(pw_in(PM_BASE + 4, 2), 0xffff, "PMIOSE off");
    cr_assert_eq(piix4_pm_io_base(pm), 0);
    pw_cfg_write(PM, 0x80, 1, 0x01);
    cr_assert_eq(piix4_pm_io_base(pm), PM_BASE);
    cr_assert_eq(pw_in(PM_BASE + 4, 2), 0x0000, "PM1 control after reset");
    pw_cfg_write(PM, 0x40, 4, 0xb001);
    cr_assert_eq(piix4_pm_io_base(pm), 0xb000);
    cr_assert_eq(pw_in(PM_BASE + 4, 2), 0xffff, "moved away");
}

Test(pci_chipset, pm_timer_runs_at_3_579545_mhz)
{
    pm_enable_io();
    uint32_t t0 = pw_in(PM_BASE + 8, 4);
    pw_advance_ns(1000000000);
    uint32_t t1 = pw_in(PM_BASE + 8, 4);
    cr_assert_leq(t0, 0xffffff);
    uint32_t delta = (t1 - t0) & 0xffffff;
    cr_assert(delta >= 3579544 && delta <= 3579546, "one second = %u ticks", delta);
    pw_out(PM_BASE + 8, 4, 0);
    cr_assert_eq(pw_in(PM_BASE + 8, 4), t1, "read-only");
    /* 24 bits: after 10 s the count has wrapped. */
    pw_advance_ns(9000000000);
    uint32_t t2 = pw_in(PM_BASE + 8, 4);
    cr_assert_eq(t2, (uint32_t)((t0 + 35795450) & 0xffffff), "t0 %u t2 %u", t0, t2);
}

Test(pci_chipset, apm_port_switches_acpi_mode)
{
    pm_enable_io();
    pw_out(0xb2, 1, 0xf1);
    cr_assert_eq(pw_in(0xb2, 1), 0xf1);
    cr_assert_eq(pw_in(PM_BASE + 4, 2) & 1, 1, "SCI_EN after ACPI_ENABLE");
    pw_out(0xb2, 1, 0xf0);
    cr_assert_eq(pw_in(PM_BASE + 4, 2) & 1, 0, "cleared by ACPI_DISABLE");
    pw_out(0xb3, 1, 0x5a);
    cr_assert_eq(pw_in(0xb3, 1), 0x5a, "APMS is scratch");
}

Test(pci_chipset, pm_timer_overflow_raises_sci)
{
    pm_enable_io();
    pw_out(PM_BASE + 2, 2, 0x0001); /* TMROF_EN */
    pw_advance_ns(2400000000);      /* past 2^23 ticks: bit 23 set */
    cr_assert_eq(pw_in(PM_BASE, 2) & 1, 1, "TMROF_STS");
    cr_assert_eq(sci.level, 0, "no SCI before SCI_EN");
    pw_out(0xb2, 1, 0xf1);
    cr_assert_eq(sci.level, 1);
    pw_out(PM_BASE, 2, 0x0001); /* write one to clear */
    cr_assert_eq(pw_in(PM_BASE, 2) & 1, 0);
    cr_assert_eq(sci.level, 0);
    pw_advance_ns(2400000000); /* bit 23 clears again: another overflow */
    cr_assert_eq(pw_in(PM_BASE, 2) & 1, 1);
    cr_assert_eq(sci.level, 1);
    pw_out(PM_BASE + 2, 2, 0);
    cr_assert_eq(sci.level, 0, "disabled");
}

Test(pci_chipset, power_button)
{
    pm_enable_io();
    pw_out(0xb2, 1, 0xf1);
    piix4_pm_power_button(pm);
    cr_assert_eq(pw_in(PM_BASE, 2) & 0x100, 0x100, "PWRBTN_STS");
    cr_assert_eq(sci.level, 0, "PWRBTN_EN clear");
    pw_out(PM_BASE + 2, 2, 0x0100);
    cr_assert_eq(sci.level, 1);
    pw_out(PM_BASE, 2, 0x0100);
    cr_assert_eq(sci.level, 0);
}

Test(pci_chipset, soft_off_requests_exit)
{
    pm_enable_io();
    pw_out(PM_BASE + 4, 2, 0x0401); /* SUS_TYP 1 with SCI_EN, no SUS_EN */
    cr_assert(!W.m.quit);
    cr_assert_eq(pw_in(PM_BASE + 4, 2), 0x0401);
    pw_out(PM_BASE + 4, 2, 0x2401); /* S1-type sleep: not supported, no exit */
    cr_assert(!W.m.quit);
    pw_out(PM_BASE + 4, 2, 0x2001); /* SUS_TYP 0 + SUS_EN: soft off */
    cr_assert(W.m.quit);
    cr_assert_eq(W.m.exit_status, 0);
    cr_assert_eq(pw_in(PM_BASE + 4, 2) & 0x2000, 0, "SUS_EN reads as zero");
}

Test(pci_chipset, soft_off_with_no_shutdown_keeps_running)
{
    static Options opts;
    memset(&opts, 0, sizeof opts);
    opts.no_shutdown = true;
    W.m.opts = &opts;
    pm_enable_io();
    pw_out(PM_BASE + 4, 2, 0x2000);
    cr_assert(!W.m.quit);
    W.m.opts = NULL;
}

Test(pci_chipset, gpe0_status_and_enable)
{
    pm_enable_io();
    pw_out(PM_BASE + 0x0e, 2, 0x0201);
    cr_assert_eq(pw_in(PM_BASE + 0x0c, 4), 0x02010000, "GPEN above GPSTS");
}
