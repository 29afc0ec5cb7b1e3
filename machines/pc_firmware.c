/*
 * What the pc board tells its firmware and its guests (machines/pc_internal.h):
 * - fw_cfg items and files SeaBIOS reads on a QEMU-compatible pc (RAM
 *   size, cpu counts, the E820 map, the boot menu, the ACPI tables with
 *   their linker/loader script, the serial console port);
 * - the CMOS bytes of the IBM AT BIOS convention (memory sizes, equipment,
 *   boot order) that SeaBIOS and old guests read;
 * - for -kernel boots, which run no firmware, the chipset programming
 *   SeaBIOS would have done and the ACPI tables installed in RAM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/keyval.h"
#include "core/machine.h"
#include "core/options.h"
#include "devices/block/fdc.h"
#include "devices/misc/fw_cfg.h"
#include "devices/pci/pci.h"
#include "devices/pci/piix4_pm.h"
#include "devices/timer/mc146818.h"
#include "frontends/x86/x86.h"
#include "machines/acpi_loader.h"
#include "machines/pc_acpi.h"
#include "machines/pc_internal.h"
#include "machines/smbios.h"

/* CMOS bytes (IBM AT Technical Reference, and the extensions SeaBIOS
 * reads: src/hw/rtc.h names them). */
enum {
    CMOS_FLOPPY_TYPES = 0x10,
    CMOS_EQUIPMENT = 0x14,
    CMOS_BASE_MEM_LOW = 0x15,
    CMOS_BASE_MEM_HIGH = 0x16,
    CMOS_EXT_MEM_LOW = 0x17,
    CMOS_EXT_MEM_HIGH = 0x18,
    CMOS_EXT_MEM_LOW2 = 0x30,
    CMOS_EXT_MEM_HIGH2 = 0x31,
    CMOS_MEM_16M_LOW = 0x34, /* RAM above 16 MiB in 64 KiB units */
    CMOS_MEM_16M_HIGH = 0x35,
    CMOS_BOOT_FLAG1 = 0x38, /* third boot device << 4, bit 0: skip the floppy signature check */
    CMOS_BOOT_FLAG2 = 0x3d, /* second << 4 | first */
    CMOS_MEM_4G_LOW = 0x5b, /* RAM above 4 GiB in 64 KiB units, 3 bytes */
    CMOS_CPU_COUNT = 0x5f,  /* cpus - 1 */
};

enum {
    EQUIPMENT_FPU = 0x02,
    EQUIPMENT_PS2_MOUSE = 0x04,
    EQUIPMENT_VGA = 0x00, /* bits 5-4: 00 = EGA/VGA with its own BIOS */
};

/* -boot order letters as SeaBIOS's CMOS codes. */
static int boot_device_code(char c)
{
    switch (c) {
    case 'a': return 1; /* floppy */
    case 'c': return 2; /* hard disk */
    case 'd': return 3; /* CD-ROM */
    case 'n': return 4; /* network (BEV) */
    default: return 0;
    }
}

/* -boot [order=]DRIVES,menu=on|off,splash-time=MS,reboot-timeout=MS
 * (options.c checked the syntax). */
typedef struct PcBootOptions {
    char order[4]; /* up to three of a, c, d, n */
    bool menu;
    int splash_ms;         /* -1: SeaBIOS's default */
    int reboot_timeout_ms; /* -1: never retry (QEMU's default) */
} PcBootOptions;

static void pc_boot_options(const Options *o, PcBootOptions *b)
{
    *b = (PcBootOptions){.order = "cad", .splash_ms = -1, .reboot_timeout_ms = -1};
    if (!o || !o->boot) return;
    KeyValList l;
    keyval_split(o->boot, &l);
    for (int i = 0; i < l.n; i++) {
        const KeyVal *kv = &l.items[i];
        const char *order = i == 0 && !kv->value        ? kv->key
                            : !strcmp(kv->key, "order") ? kv->value
                                                        : NULL;
        if (order)
            snprintf(b->order, sizeof b->order, "%.3s", order);
        else if (!strcmp(kv->key, "menu"))
            b->menu = kv->value && !strcmp(kv->value, "on");
        else if (!strcmp(kv->key, "splash-time"))
            b->splash_ms = atoi(kv->value);
        else if (!strcmp(kv->key, "reboot-timeout"))
            b->reboot_timeout_ms = atoi(kv->value);
    }
    keyval_free(&l);
}

static void fw_cfg_add_file_le(Device *fw, const char *name, uint32_t v, size_t bytes)
{
    uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    fw_cfg_add_file(fw, name, le, bytes);
}

/* The equipment byte (IBM AT BIOS INT 11h layout): floppy drives present
 * (bit 0) and their count - 1 (bits 7-6). */
static uint8_t pc_equipment(const PcBoard *b)
{
    int floppies = (b->floppy[0] != NULL) + (b->floppy[1] != NULL);
    uint8_t e = EQUIPMENT_FPU | EQUIPMENT_PS2_MOUSE | EQUIPMENT_VGA;
    if (floppies) e |= 0x01 | (uint8_t)((floppies - 1) << 6);
    return e;
}

static void pc_cmos_setup(Machine *m, PcBoard *b)
{
    uint64_t ram = m->ram_size;
    uint64_t ext_kb = ram > PC_HIGH_RAM ? (ram - PC_HIGH_RAM) / 1024 : 0;
    if (ext_kb > 0xffff) ext_kb = 0xffff;
    uint64_t above_16m = ram > (16u << 20) ? (ram - (16u << 20)) >> 16 : 0;
    if (above_16m > 0xffff) above_16m = 0xffff;
    const uint8_t bytes[][2] = {
        {CMOS_BASE_MEM_LOW, 640 & 0xff},
        {CMOS_BASE_MEM_HIGH, 640 >> 8},
        {CMOS_EXT_MEM_LOW, (uint8_t)ext_kb},
        {CMOS_EXT_MEM_HIGH, (uint8_t)(ext_kb >> 8)},
        {CMOS_EXT_MEM_LOW2, (uint8_t)ext_kb},
        {CMOS_EXT_MEM_HIGH2, (uint8_t)(ext_kb >> 8)},
        {CMOS_MEM_16M_LOW, (uint8_t)above_16m},
        {CMOS_MEM_16M_HIGH, (uint8_t)(above_16m >> 8)},
        {CMOS_MEM_4G_LOW, 0},
        {CMOS_MEM_4G_LOW + 1, 0},
        {CMOS_MEM_4G_LOW + 2, 0},
        {CMOS_CPU_COUNT, (uint8_t)(m->ncpus - 1)},
        {CMOS_EQUIPMENT, pc_equipment(b)},
        {CMOS_FLOPPY_TYPES, fdc_cmos_types(b->fdc)},
    };
    for (size_t i = 0; i < sizeof bytes / sizeof bytes[0]; i++)
        mc146818_set_cmos(b->rtc, bytes[i][0], bytes[i][1]);
    PcBootOptions boot;
    pc_boot_options(m->opts, &boot);
    const char *order = boot.order;
    int d[3] = {boot_device_code(order[0]), order[0] ? boot_device_code(order[1]) : 0,
                order[0] && order[1] ? boot_device_code(order[2]) : 0};
    mc146818_set_cmos(b->rtc, CMOS_BOOT_FLAG2, (uint8_t)(d[1] << 4 | d[0]));
    mc146818_set_cmos(b->rtc, CMOS_BOOT_FLAG1, (uint8_t)(d[2] << 4 | 1));
}

/* The E820 map firmware starts from: all RAM, nothing reserved yet
 * (SeaBIOS adds its own reservations). */
static void pc_e820_file(Machine *m, PcBoard *b)
{
    uint8_t buf[20];
    uint64_t v[2] = {0, m->ram_size};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 8; j++)
            buf[8 * i + j] = (uint8_t)(v[i] >> (8 * j));
    buf[16] = E820_RAM;
    buf[17] = buf[18] = buf[19] = 0;
    fw_cfg_add_file(b->fw_cfg, "etc/e820", buf, sizeof buf);
}

static const uint8_t pc_pirq_irq[4] = {10, 10, 11, 11}; /* SeaBIOS's PIIX3 routing */

/* PIRQ of slot, INTx pin (1 = INTA): QEMU's and SeaBIOS's i440FX wiring. */
static int pc_pirq_of(int slot, int pin)
{
    return (slot + pin - 2) & 3;
}

static void pc_acpi_config(Machine *m, PcBoard *b, PcAcpiConfig *cfg)
{
    pc_acpi_config_default(cfg, m->ram_size, (unsigned)m->ncpus);
    cfg->ioapic_id = 0; /* the I/O APIC's ID register after reset */
    cfg->ioapic_addr = PC_IOAPIC_BASE;
    cfg->pm_base = PC_PM_BASE;
    cfg->sci_irq = PC_IRQ_SCI;
    cfg->pci_hole_start = (uint32_t)m->ram_size;
    cfg->pci_hole_end = PC_PCI_HOLE_END;
    cfg->isa_slot = 1;
    cfg->pirq_slot_bias = -1;
    cfg->pic_irq[0] = pc_pirq_irq[0];
    cfg->pic_irq[1] = pc_pirq_irq[2];
    cfg->has_com1 = true;
    cfg->has_com2 = m->opts && m->opts->nserials > 1;
    cfg->has_i8042 = cfg->has_rtc = true;
    cfg->has_floppy = b->floppy[0] || b->floppy[1];
    (void)b;
}

static bool pc_acpi_tables(Machine *m, PcBoard *b, PcAcpiBlobs *blobs)
{
    PcAcpiConfig cfg;
    pc_acpi_config(m, b, &cfg);
    char err[256];
    if (!pc_acpi_build(&cfg, blobs, err, sizeof err)) {
        fprintf(stderr, "doppel: pc: ACPI tables: %s\n", err);
        return false;
    }
    return true;
}

static bool pc_smbios_files(Machine *m, PcBoard *b)
{
    SmbiosConfig cfg = {
        .bios_vendor = "doppel",
        .bios_version = DOPPEL_VERSION,
        .bios_date = "01/01/2026",
        .manufacturer = "doppel",
        .product = "Standard PC (i440FX + PIIX, 1996)",
        .version = DOPPEL_VERSION,
        .ncpus = (unsigned)m->ncpus,
        .ram_below_4g = m->ram_size,
    };
    uint32_t id[4];
    x86_cpuid(b->cpu, 1, 0, id);
    cfg.cpuid_eax = id[0];
    cfg.cpuid_edx = id[3];
    AcpiBuf tables = {0}, anchor = {0};
    char err[256];
    if (!smbios_build(&cfg, &tables, &anchor, err, sizeof err)) {
        fprintf(stderr, "doppel: pc: SMBIOS tables: %s\n", err);
        return false;
    }
    fw_cfg_add_file(b->fw_cfg, SMBIOS_FILE_TABLES, tables.data, tables.len);
    fw_cfg_add_file(b->fw_cfg, SMBIOS_FILE_ANCHOR, anchor.data, anchor.len);
    acpi_buf_free(&tables);
    acpi_buf_free(&anchor);
    return true;
}

bool pc_firmware_describe(Machine *m, PcBoard *b)
{
    pc_cmos_setup(m, b);
    if (!b->firmware) return true;
    Device *fw = b->fw_cfg;
    fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, m->ram_size);
    fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, (uint16_t)m->ncpus);
    fw_cfg_add_i16(fw, FW_CFG_MAX_CPUS, (uint16_t)m->ncpus);
    uint64_t numa = 0;
    fw_cfg_add_bytes(fw, FW_CFG_NUMA, &numa, sizeof numa);
    PcBootOptions boot;
    pc_boot_options(m->opts, &boot);
    fw_cfg_add_i16(fw, FW_CFG_BOOT_MENU, boot.menu);
    /* SeaBIOS: how long the menu prompt waits, and how long to wait
     * before rebooting when nothing boots (-1: never). */
    if (boot.splash_ms >= 0)
        fw_cfg_add_file_le(fw, "etc/boot-menu-wait", (uint32_t)boot.splash_ms, 2);
    fw_cfg_add_file_le(fw, "etc/boot-fail-wait", (uint32_t)boot.reboot_timeout_ms, 4);
    pc_e820_file(m, b);
    /* Without a display the firmware's screen goes to COM1 (SeaBIOS's
     * serial console, as QEMU does with -nographic). */
    const Options *o = m->opts;
    if (o && (o->nographic || (o->display && !strcmp(o->display, "none")))) {
        uint16_t port = PC_COM1_PORT;
        uint8_t le[2] = {(uint8_t)port, (uint8_t)(port >> 8)};
        fw_cfg_add_file(fw, "etc/sercon-port", le, sizeof le);
    }
    PcAcpiBlobs blobs;
    if (!pc_acpi_tables(m, b, &blobs)) return false;
    fw_cfg_add_file(fw, PC_ACPI_FILE_TABLES, blobs.tables.data, blobs.tables.len);
    fw_cfg_add_file(fw, PC_ACPI_FILE_RSDP, blobs.rsdp.data, blobs.rsdp.len);
    fw_cfg_add_file(fw, PC_ACPI_FILE_LOADER, blobs.loader.data, blobs.loader.len);
    pc_acpi_blobs_free(&blobs);
    return pc_smbios_files(m, b);
}

/* ---- firmware-less boots ---- */

static void pci_write(PcBoard *b, int slot, int fn, uint8_t reg, uint32_t v, unsigned len)
{
    pci_bus_config_write(b->pci, PCI_DEVFN(slot, fn), reg, v, len);
}

/* What SeaBIOS does to the chipset before it boots anything
 * (src/fw/pciinit.c, src/fw/shadow.c): shadow RAM read/write in every PAM
 * segment, PCI interrupts routed to IRQ 10/11 and made level-triggered,
 * the PM I/O block at 0x600, the IDE channels decoded, and every
 * function's interrupt line register set. */
static void pc_chipset_setup(PcBoard *b)
{
    for (uint8_t reg = 0x59; reg <= 0x5f; reg++) /* 82441FX PAM0-PAM6 */
        pci_write(b, 0, 0, reg, 0x33, 1);
    for (int i = 0; i < 4; i++) /* PIIX3 PIRQRC[A-D] */
        pci_write(b, 1, 0, (uint8_t)(0x60 + i), pc_pirq_irq[i], 1);
    /* ELCR2: IRQ 9 (SCI), 10 and 11 (PCI) level-triggered. */
    address_space_write_val(&b->io_as, 0x4d1, 1, false, 0x0e);
    pci_write(b, 1, 3, 0x40, PC_PM_BASE | 1, 4); /* PIIX4 PMBA */
    pci_write(b, 1, 3, 0x80, 1, 1);              /* PMREGMISC: PM I/O enable */
    pci_write(b, 1, 3, PCI_INTERRUPT_LINE, PC_IRQ_SCI, 1);
    /* 8237: unmask channel 4, the cascade of channels 0-3 (SeaBIOS's
     * dma_setup), so the floppy's DMA reaches memory. */
    address_space_write_val(&b->io_as, 0xd4, 1, false, 0x00);
    pci_write(b, 1, 1, 0x40, 0x8000, 2); /* IDETIM primary: decode enable */
    pci_write(b, 1, 1, 0x42, 0x8000, 2); /* IDETIM secondary */
    /* The 8259s as the BIOS leaves them (vectors 0x08 and 0x70, every
     * line masked but the cascade) and the local APIC in virtual-wire
     * mode (MP spec 1.4 §3.6.2.2: LINT0 ExtINT, LINT1 NMI, software
     * enabled), so a guest that never touches the APIC gets PIC
     * interrupts as on a real PC. */
    static const uint8_t pic_init[][2] = {
        {0x20, 0x11}, {0x21, 0x08}, {0x21, 0x04}, {0x21, 0x01}, {0x21, 0xfb},
        {0xa0, 0x11}, {0xa1, 0x70}, {0xa1, 0x02}, {0xa1, 0x01}, {0xa1, 0xff},
    };
    for (size_t i = 0; i < sizeof pic_init / sizeof pic_init[0]; i++)
        address_space_write_val(&b->io_as, pic_init[i][0], 1, false, pic_init[i][1]);
    address_space_write_val(b->cpu->common.as, 0xfee000f0, 4, false, 0x1ff); /* SVR */
    address_space_write_val(b->cpu->common.as, 0xfee00350, 4, false, 0x700); /* LVT LINT0 */
    address_space_write_val(b->cpu->common.as, 0xfee00360, 4, false, 0x400); /* LVT LINT1 */
    for (int slot = 0; slot < 32; slot++) {
        for (int fn = 0; fn < 8; fn++) {
            PciDevice *d = pci_bus_find(b->pci, PCI_DEVFN(slot, fn));
            if (!d) continue;
            uint8_t pin = d->config[PCI_INTERRUPT_PIN];
            if (pin && !(slot == 1 && fn == 3))
                pci_write(b, slot, fn, PCI_INTERRUPT_LINE, pc_pirq_irq[pc_pirq_of(slot, pin)], 1);
        }
    }
}

bool pc_firmwareless_setup(Machine *m, PcBoard *b, E820Map *map, uint64_t *rsdp, bool want_acpi)
{
    pc_chipset_setup(b);
    /* ACPI tables: the HIGH zone at the top of RAM, the RSDP in the BIOS
     * area the kernel scans (0xe0000-0xfffff, shadow RAM now). */
    uint64_t acpi_size = 0x20000;
    uint64_t acpi_base = m->ram_size - acpi_size;
    e820_add(map, 0, 0x9fc00, E820_RAM);
    e820_add(map, 0x9fc00, 0x400, E820_RESERVED);
    e820_add(map, 0xe0000, 0x20000, E820_RESERVED);
    e820_add(map, PC_HIGH_RAM, acpi_base - PC_HIGH_RAM, E820_RAM);
    e820_add(map, acpi_base, acpi_size, E820_ACPI);
    *rsdp = 0;
    if (!want_acpi) return true;
    PcAcpiBlobs blobs;
    if (!pc_acpi_tables(m, b, &blobs)) return false;
    const AcpiLoaderFile files[] = {
        {PC_ACPI_FILE_TABLES, blobs.tables.data, blobs.tables.len},
        {PC_ACPI_FILE_RSDP, blobs.rsdp.data, blobs.rsdp.len},
    };
    const AcpiLoaderZones zones = {.high_start = acpi_base,
                                   .high_end = acpi_base + acpi_size,
                                   .fseg_start = 0xf0000,
                                   .fseg_end = 0x100000};
    char err[256];
    bool ok = acpi_loader_run(m->as, blobs.loader.data, blobs.loader.len, files, 2, &zones, rsdp,
                              err, sizeof err);
    pc_acpi_blobs_free(&blobs);
    if (!ok) fprintf(stderr, "doppel: pc: installing the ACPI tables: %s\n", err);
    return ok;
}
