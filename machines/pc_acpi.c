/*
 * PC ACPI tables.  Field offsets are those of ACPI 6.4 §5.2 (table and
 * section numbers cited at each builder); the DSDT is AML from
 * machines/acpi_aml.h.  The tables file holds, in order: FACS, DSDT, FADT,
 * MADT, RSDT, XSDT (RSDP revision 2 only).
 */
#include "machines/pc_acpi.h"

#include <stdio.h>
#include <string.h>

#include "machines/acpi_loader.h"

#define ACPI_HEADER_SIZE 36u
#define ACPI_OEM_ID      "DOPPEL"
#define ACPI_OEM_TABLE   "DOPPELPC"
#define ACPI_CREATOR_ID  "DPPL"

#define FACS_SIZE      64u
#define FADT_REV3_SIZE 244u
#define RSDP_V1_SIZE   20u
#define RSDP_V2_SIZE   36u

/* FADT fields (ACPI 6.4 Table 5.9). */
enum {
    FADT_FIRMWARE_CTRL = 36,
    FADT_DSDT = 40,
    FADT_SCI_INT = 46,
    FADT_SMI_CMD = 48,
    FADT_ACPI_ENABLE = 52,
    FADT_ACPI_DISABLE = 53,
    FADT_PM1A_EVT_BLK = 56,
    FADT_PM1A_CNT_BLK = 64,
    FADT_PM_TMR_BLK = 76,
    FADT_GPE0_BLK = 80,
    FADT_PM1_EVT_LEN = 88,
    FADT_PM1_CNT_LEN = 89,
    FADT_PM_TMR_LEN = 91,
    FADT_GPE0_BLK_LEN = 92,
    FADT_P_LVL2_LAT = 96,
    FADT_P_LVL3_LAT = 98,
    FADT_CENTURY = 108,
    FADT_IAPC_BOOT_ARCH = 109,
    FADT_FLAGS = 112,
    FADT_RESET_REG = 116,
    FADT_RESET_VALUE = 128,
    FADT_X_DSDT = 140,
    FADT_X_PM1A_EVT_BLK = 148,
    FADT_X_PM1A_CNT_BLK = 172,
    FADT_X_PM_TMR_BLK = 208,
    FADT_X_GPE0_BLK = 220,

    FADT_F_WBINVD = 1u << 0,
    FADT_F_PROC_C1 = 1u << 2,
    FADT_F_SLP_BUTTON = 1u << 5, /* no fixed sleep button */
    FADT_F_RESET_REG_SUP = 1u << 10,
    BOOT_ARCH_LEGACY_DEVICES = 1u << 0,
    BOOT_ARCH_8042 = 1u << 1,
    C_STATE_UNSUPPORTED = 0x0fff, /* P_LVL2_LAT > 100, P_LVL3_LAT > 1000 */

    GAS_SYSTEM_IO = 1,
    GAS_ACCESS_BYTE = 1,
};

/* MADT (§5.2.12): structure types and flags. */
enum {
    MADT_PCAT_COMPAT = 1u << 0,
    MADT_LOCAL_APIC = 0,
    MADT_IO_APIC = 1,
    MADT_INT_SRC_OVERRIDE = 2,
    MADT_LOCAL_APIC_NMI = 4,
    MADT_LAPIC_ENABLED = 1u << 0,
    MPS_ACTIVE_HIGH = 0x1, /* MPS INTI flags, Table 5.26 */
    MPS_ACTIVE_LOW = 0x3,
    MPS_EDGE = 0x1 << 2,
    MPS_LEVEL = 0x3 << 2,
    ALL_PROCESSORS = 0xff,
};

typedef struct PcAcpiBuild {
    const PcAcpiConfig *cfg;
    PcAcpiBlobs *out;
    size_t facs, dsdt, fadt, madt;
} PcAcpiBuild;

/* ---- common header and linking ---- */

/* §5.2.6: the 36-byte header; length and checksum are set at the end. */
static size_t acpi_table_begin(AcpiBuf *b, const char *sig, uint8_t rev)
{
    size_t at = acpi_buf_reserve(b, ACPI_HEADER_SIZE);
    memcpy(b->data + at, sig, 4);
    b->data[at + 8] = rev;
    memcpy(b->data + at + 10, ACPI_OEM_ID, 6);
    memcpy(b->data + at + 16, ACPI_OEM_TABLE, 8);
    acpi_buf_put(b, at + 24, 1, 4); /* OEM revision */
    memcpy(b->data + at + 28, ACPI_CREATOR_ID, 4);
    acpi_buf_put(b, at + 32, 1, 4); /* creator revision */
    return at;
}

static void acpi_table_end(PcAcpiBuild *c, size_t at)
{
    AcpiBuf *b = &c->out->tables;
    uint32_t len = (uint32_t)(b->len - at);
    acpi_buf_put(b, at + 4, len, 4);
    acpi_loader_add_checksum(&c->out->loader, PC_ACPI_FILE_TABLES, (uint32_t)at + 9, (uint32_t)at,
                             len);
}

/* A pointer in the tables file to another table of it: the offset now,
 * the address once ADD_POINTER has run. */
static void acpi_link(PcAcpiBuild *c, const char *dest_file, AcpiBuf *dest, size_t field,
                      size_t target, uint8_t size)
{
    acpi_buf_put(dest, field, target, size);
    acpi_loader_add_pointer(&c->out->loader, dest_file, PC_ACPI_FILE_TABLES, (uint32_t)field, size);
}

/* Generic Address Structure (§5.2.3.2) for a port block. */
static void acpi_put_gas_io(AcpiBuf *b, size_t at, uint8_t bits, uint8_t access, uint64_t port)
{
    b->data[at] = GAS_SYSTEM_IO;
    b->data[at + 1] = bits;
    b->data[at + 2] = 0;
    b->data[at + 3] = access;
    acpi_buf_put(b, at + 4, port, 8);
}

/* ---- FACS, FADT, MADT, RSDT/XSDT, RSDP ---- */

/* §5.2.10: no checksum; 64-byte aligned (first in the file). */
static void build_facs(PcAcpiBuild *c)
{
    AcpiBuf *b = &c->out->tables;
    c->facs = acpi_buf_reserve(b, FACS_SIZE);
    memcpy(b->data + c->facs, "FACS", 4);
    acpi_buf_put(b, c->facs + 4, FACS_SIZE, 4);
    b->data[c->facs + 32] = 1; /* version */
}

/* §5.2.9, revision 3 (the ACPI 2.0 layout, 244 bytes). */
static void build_fadt(PcAcpiBuild *c)
{
    const PcAcpiConfig *cfg = c->cfg;
    AcpiBuf *b = &c->out->tables;
    size_t t = acpi_table_begin(b, "FACP", 3);
    acpi_buf_reserve(b, FADT_REV3_SIZE - ACPI_HEADER_SIZE);
    c->fadt = t;
    acpi_link(c, PC_ACPI_FILE_TABLES, b, t + FADT_FIRMWARE_CTRL, c->facs, 4);
    acpi_link(c, PC_ACPI_FILE_TABLES, b, t + FADT_DSDT, c->dsdt, 4);
    acpi_link(c, PC_ACPI_FILE_TABLES, b, t + FADT_X_DSDT, c->dsdt, 8);
    acpi_buf_put(b, t + FADT_SCI_INT, cfg->sci_irq, 2);
    acpi_buf_put(b, t + FADT_SMI_CMD, cfg->smi_cmd, 4);
    b->data[t + FADT_ACPI_ENABLE] = cfg->acpi_enable;
    b->data[t + FADT_ACPI_DISABLE] = cfg->acpi_disable;
    /* PIIX4 power management I/O (PIIX4 datasheet §7.2): PM1 status and
     * enable, PM1 control, the 24-bit PM timer, GPE0 status and enable. */
    static const struct {
        uint16_t blk, len_field, x_blk;
        uint8_t port_off, len;
    } blocks[] = {
        {FADT_PM1A_EVT_BLK, FADT_PM1_EVT_LEN, FADT_X_PM1A_EVT_BLK, 0x00, 4},
        {FADT_PM1A_CNT_BLK, FADT_PM1_CNT_LEN, FADT_X_PM1A_CNT_BLK, 0x04, 2},
        {FADT_PM_TMR_BLK, FADT_PM_TMR_LEN, FADT_X_PM_TMR_BLK, 0x08, 4},
        {FADT_GPE0_BLK, FADT_GPE0_BLK_LEN, FADT_X_GPE0_BLK, 0x0c, 4},
    };
    for (unsigned i = 0; i < sizeof blocks / sizeof blocks[0]; i++) {
        uint32_t port = cfg->pm_base + blocks[i].port_off;
        acpi_buf_put(b, t + blocks[i].blk, port, 4);
        b->data[t + blocks[i].len_field] = blocks[i].len;
        acpi_put_gas_io(b, t + blocks[i].x_blk, (uint8_t)(blocks[i].len * 8), 0, port);
    }
    acpi_buf_put(b, t + FADT_P_LVL2_LAT, C_STATE_UNSUPPORTED, 2);
    acpi_buf_put(b, t + FADT_P_LVL3_LAT, C_STATE_UNSUPPORTED, 2);
    b->data[t + FADT_CENTURY] = 0x32; /* the RTC's century byte in CMOS */
    acpi_buf_put(b, t + FADT_IAPC_BOOT_ARCH,
                 (cfg->has_com1 || cfg->has_rtc ? BOOT_ARCH_LEGACY_DEVICES : 0) |
                     (cfg->has_i8042 ? BOOT_ARCH_8042 : 0),
                 2);
    acpi_buf_put(b, t + FADT_FLAGS,
                 FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_SLP_BUTTON | FADT_F_RESET_REG_SUP, 4);
    acpi_put_gas_io(b, t + FADT_RESET_REG, 8, GAS_ACCESS_BYTE, cfg->reset_port);
    b->data[t + FADT_RESET_VALUE] = cfg->reset_value;
    acpi_table_end(c, t);
}

static void madt_iso(AcpiBuf *b, uint8_t irq, uint32_t gsi, uint16_t flags)
{
    const uint8_t head[] = {MADT_INT_SRC_OVERRIDE, 10, 0 /* ISA */, irq};
    acpi_buf_append(b, head, sizeof head);
    acpi_buf_u32(b, gsi);
    acpi_buf_u16(b, flags);
}

/* §5.2.12 */
static void build_madt(PcAcpiBuild *c)
{
    const PcAcpiConfig *cfg = c->cfg;
    AcpiBuf *b = &c->out->tables;
    size_t t = acpi_table_begin(b, "APIC", 1);
    c->madt = t;
    acpi_buf_u32(b, cfg->lapic_addr);
    acpi_buf_u32(b, MADT_PCAT_COMPAT); /* dual 8259s present */
    for (unsigned i = 0; i < cfg->ncpus; i++) {
        const uint8_t lapic[] = {MADT_LOCAL_APIC, 8, (uint8_t)i, cfg->apic_ids[i]};
        acpi_buf_append(b, lapic, sizeof lapic);
        acpi_buf_u32(b, MADT_LAPIC_ENABLED);
    }
    const uint8_t ioapic[] = {MADT_IO_APIC, 12, cfg->ioapic_id, 0};
    acpi_buf_append(b, ioapic, sizeof ioapic);
    acpi_buf_u32(b, cfg->ioapic_addr);
    acpi_buf_u32(b, cfg->ioapic_gsi_base);
    /* The PIT's IRQ 0 is wired to I/O APIC pin 2 (pin 0 takes the 8259's
     * INTR); the SCI is level, active high on PIIX4. */
    madt_iso(b, 0, cfg->ioapic_gsi_base + 2, MPS_ACTIVE_HIGH | MPS_EDGE);
    madt_iso(b, cfg->sci_irq, cfg->ioapic_gsi_base + cfg->sci_irq, MPS_ACTIVE_HIGH | MPS_LEVEL);
    const uint8_t nmi[] = {MADT_LOCAL_APIC_NMI, 6, ALL_PROCESSORS, 0, 0, 1 /* LINT1 */};
    acpi_buf_append(b, nmi, sizeof nmi);
    acpi_table_end(c, t);
}

/* §5.2.7 and §5.2.8: one pointer per table of entry_size bytes. */
static size_t build_sdt(PcAcpiBuild *c, const char *sig, uint8_t entry_size)
{
    AcpiBuf *b = &c->out->tables;
    size_t t = acpi_table_begin(b, sig, 1);
    const size_t entries[] = {c->fadt, c->madt};
    for (unsigned i = 0; i < sizeof entries / sizeof entries[0]; i++) {
        size_t field = acpi_buf_reserve(b, entry_size);
        acpi_link(c, PC_ACPI_FILE_TABLES, b, field, entries[i], entry_size);
    }
    acpi_table_end(c, t);
    return t;
}

/* §5.2.5.3 */
static void build_rsdp(PcAcpiBuild *c, size_t rsdt, size_t xsdt)
{
    AcpiBuf *r = &c->out->rsdp;
    bool v2 = c->cfg->rsdp_revision >= 2;
    acpi_buf_reserve(r, v2 ? RSDP_V2_SIZE : RSDP_V1_SIZE);
    memcpy(r->data, "RSD PTR ", 8);
    memcpy(r->data + 9, ACPI_OEM_ID, 6);
    r->data[15] = v2 ? 2 : 0;
    acpi_link(c, PC_ACPI_FILE_RSDP, r, 16, rsdt, 4);
    acpi_loader_add_checksum(&c->out->loader, PC_ACPI_FILE_RSDP, 8, 0, RSDP_V1_SIZE);
    if (!v2) return;
    acpi_buf_put(r, 20, RSDP_V2_SIZE, 4);
    acpi_link(c, PC_ACPI_FILE_RSDP, r, 24, xsdt, 8);
    acpi_loader_add_checksum(&c->out->loader, PC_ACPI_FILE_RSDP, 32, 0, RSDP_V2_SIZE);
}

/* ---- DSDT ---- */

static void dsdt_name_int(AcpiBuf *b, const char *name, uint64_t v)
{
    aml_name_decl(b, name);
    aml_integer(b, v);
}

static void dsdt_name_crs(AcpiBuf *b, const AcpiBuf *res)
{
    aml_name_decl(b, "_CRS");
    aml_resource_template(b, res);
}

/* \PICF (0: PIC mode, 1: APIC mode, ACPI 6.4 §5.8.1), \_PIC and \_S5
 * (PIIX4 soft off is SLP_TYP 0). */
static void dsdt_root(AcpiBuf *b)
{
    dsdt_name_int(b, "PICF", 0);
    size_t m = aml_method_open(b, "_PIC", 1);
    aml_store(b);
    aml_arg(b, 0);
    aml_name_string(b, "\\PICF");
    aml_close(b, m);
    aml_name_decl(b, "_S5");
    size_t p = aml_package_open(b, 4);
    for (int i = 0; i < 4; i++)
        aml_integer(b, 0);
    aml_close(b, p);
}

/* Processor devices (§8.4), _UID matching the MADT's processor ids. */
static void dsdt_cpus(AcpiBuf *b, const PcAcpiConfig *cfg)
{
    for (unsigned i = 0; i < cfg->ncpus; i++) {
        char name[16];
        snprintf(name, sizeof name, "C%03X", i & 0xfff);
        size_t d = aml_device_open(b, name);
        aml_name_decl(b, "_HID");
        aml_string(b, "ACPI0007");
        dsdt_name_int(b, "_UID", i);
        aml_close(b, d);
    }
}

/* _PRT table (§6.2.13): every slot's four pins to a GSI. */
static void dsdt_prt_table(AcpiBuf *b, const PcAcpiConfig *cfg, const char *name, bool apic)
{
    aml_name_decl(b, name);
    size_t t = aml_package_open(b, 32 * 4);
    for (unsigned slot = 0; slot < 32; slot++) {
        for (unsigned pin = 0; pin < 4; pin++) {
            unsigned pirq = (unsigned)((int)(slot + pin) + cfg->pirq_slot_bias) & 3;
            uint32_t gsi = apic ? cfg->ioapic_gsi_base + 16 + pirq : cfg->pic_irq[pirq >> 1];
            size_t e = aml_package_open(b, 4);
            aml_dword(b, slot << 16 | 0xffff);
            aml_integer(b, pin);
            aml_integer(b, 0); /* no link device: the last field is the GSI */
            aml_integer(b, gsi);
            aml_close(b, e);
        }
    }
    aml_close(b, t);
}

static void dsdt_pci_crs(AcpiBuf *b, const PcAcpiConfig *cfg)
{
    AcpiBuf r = {0};
    aml_res_word_bus_number(&r, 0, 0xff);
    aml_res_io(&r, 0xcf8, 0xcf8, 1, 8);
    aml_res_dword_io(&r, 0x0000, 0x0cf7);
    aml_res_dword_io(&r, 0x0d00, 0xffff);
    aml_res_dword_memory(&r, 0x000a0000, 0x000bffff, true); /* legacy VGA */
    aml_res_dword_memory(&r, cfg->pci_hole_start, cfg->pci_hole_end - 1, false);
    dsdt_name_crs(b, &r);
    acpi_buf_free(&r);
}

typedef struct IsaDeviceDesc {
    const char *name, *hid;
    uint8_t uid;
    uint16_t ports[2], nports[2]; /* nports 0: unused */
    uint8_t irq;
    int dma; /* -1: none */
} IsaDeviceDesc;

static void dsdt_isa_device(AcpiBuf *b, const IsaDeviceDesc *d)
{
    size_t dev = aml_device_open(b, d->name);
    aml_name_decl(b, "_HID");
    aml_eisaid(b, d->hid);
    if (d->uid) dsdt_name_int(b, "_UID", d->uid);
    AcpiBuf r = {0};
    for (int i = 0; i < 2; i++)
        if (d->nports[i]) aml_res_io(&r, d->ports[i], d->ports[i], 1, (uint8_t)d->nports[i]);
    aml_res_irq_noflags(&r, d->irq);
    if (d->dma >= 0) aml_res_dma(&r, (uint8_t)d->dma);
    dsdt_name_crs(b, &r);
    acpi_buf_free(&r);
    aml_close(b, dev);
}

/* The PIIX3 PCI-to-ISA bridge and the legacy devices behind it. */
static void dsdt_isa(AcpiBuf *b, const PcAcpiConfig *cfg)
{
    const struct {
        bool present;
        IsaDeviceDesc d;
    } devs[] = {
        {cfg->has_rtc, {"RTC", "PNP0B00", 0, {0x70}, {2}, 8, -1}},
        {cfg->has_i8042, {"KBD", "PNP0303", 0, {0x60, 0x64}, {1, 1}, 1, -1}},
        {cfg->has_i8042, {"MOU", "PNP0F13", 0, {0}, {0}, 12, -1}},
        {cfg->has_com1, {"COM1", "PNP0501", 1, {0x3f8}, {8}, 4, -1}},
        {cfg->has_com2, {"COM2", "PNP0501", 2, {0x2f8}, {8}, 3, -1}},
        {cfg->has_floppy, {"FDC0", "PNP0700", 0, {0x3f2, 0x3f7}, {4, 1}, 6, 2}},
    };
    size_t isa = aml_device_open(b, "ISA");
    dsdt_name_int(b, "_ADR", (uint32_t)cfg->isa_slot << 16);
    for (unsigned i = 0; i < sizeof devs / sizeof devs[0]; i++)
        if (devs[i].present) dsdt_isa_device(b, &devs[i].d);
    aml_close(b, isa);
}

/* \_SB.PCI0: the i440FX host bridge (§6.1, PCI Firmware Spec 3.0). */
static void dsdt_pci(AcpiBuf *b, const PcAcpiConfig *cfg)
{
    size_t pci = aml_device_open(b, "PCI0");
    aml_name_decl(b, "_HID");
    aml_eisaid(b, "PNP0A03");
    dsdt_name_int(b, "_ADR", 0);
    dsdt_name_int(b, "_UID", 0);
    dsdt_name_int(b, "_BBN", 0);
    dsdt_pci_crs(b, cfg);
    dsdt_prt_table(b, cfg, "PRTP", false);
    dsdt_prt_table(b, cfg, "PRTA", true);
    /* Method (_PRT) { If (LEqual (\PICF, Zero)) { Return (PRTP) } Else { Return (PRTA) } } */
    size_t m = aml_method_open(b, "_PRT", 0);
    size_t i = aml_if_open(b);
    aml_lequal(b);
    aml_name_string(b, "\\PICF");
    aml_integer(b, 0);
    aml_return(b);
    aml_name_string(b, "PRTP");
    aml_close(b, i);
    size_t e = aml_else_open(b);
    aml_return(b);
    aml_name_string(b, "PRTA");
    aml_close(b, e);
    aml_close(b, m);
    dsdt_isa(b, cfg);
    aml_close(b, pci);
}

/* §5.2.11.1: revision 1, so integers are 32 bits. */
static void build_dsdt(PcAcpiBuild *c)
{
    AcpiBuf *b = &c->out->tables;
    size_t t = acpi_table_begin(b, "DSDT", 1);
    c->dsdt = t;
    dsdt_root(b);
    size_t sb = aml_scope_open(b, "\\_SB");
    dsdt_cpus(b, c->cfg);
    dsdt_pci(b, c->cfg);
    aml_close(b, sb);
    acpi_table_end(c, t);
}

/* ---- API ---- */

void pc_acpi_config_default(PcAcpiConfig *cfg, uint64_t ram_below_4g, unsigned ncpus)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->rsdp_revision = 0;
    cfg->ram_below_4g = ram_below_4g;
    cfg->ncpus = ncpus;
    for (unsigned i = 0; i < ncpus && i < PC_ACPI_MAX_CPUS; i++)
        cfg->apic_ids[i] = (uint8_t)i;
    cfg->lapic_addr = 0xfee00000;
    cfg->ioapic_id = (uint8_t)(ncpus < PC_ACPI_MAX_CPUS ? ncpus : 0);
    cfg->ioapic_addr = 0xfec00000;
    cfg->ioapic_gsi_base = 0;
    cfg->pm_base = 0x600;
    cfg->sci_irq = 9;
    cfg->smi_cmd = 0xb2;
    cfg->acpi_enable = 0xf1;
    cfg->acpi_disable = 0xf0;
    cfg->reset_port = 0xcf9;
    cfg->reset_value = 0x06;
    cfg->pci_hole_start = ram_below_4g < 0xe0000000u ? (uint32_t)ram_below_4g : 0xe0000000u;
    cfg->pci_hole_end = 0xfec00000u;
    cfg->isa_slot = 1;
    cfg->pirq_slot_bias = 0;
    cfg->pic_irq[0] = 10;
    cfg->pic_irq[1] = 11;
    cfg->has_com1 = cfg->has_com2 = cfg->has_i8042 = cfg->has_rtc = cfg->has_floppy = true;
}

static bool pc_acpi_check(const PcAcpiConfig *cfg, char *err, size_t len)
{
    if (cfg->ncpus < 1 || cfg->ncpus > PC_ACPI_MAX_CPUS)
        snprintf(err, len, "ACPI: %u cpus (1-%u)", cfg->ncpus, PC_ACPI_MAX_CPUS);
    else if (cfg->rsdp_revision != 0 && cfg->rsdp_revision != 2)
        snprintf(err, len, "ACPI: RSDP revision %u (0 or 2)", cfg->rsdp_revision);
    else if (cfg->pci_hole_start >= cfg->pci_hole_end)
        snprintf(err, len, "ACPI: empty PCI hole 0x%x-0x%x", cfg->pci_hole_start,
                 cfg->pci_hole_end);
    else if (cfg->isa_slot > 31)
        snprintf(err, len, "ACPI: ISA bridge slot %u", cfg->isa_slot);
    else
        return true;
    return false;
}

bool pc_acpi_build(const PcAcpiConfig *cfg, PcAcpiBlobs *out, char *err, size_t len)
{
    memset(out, 0, sizeof *out);
    if (!pc_acpi_check(cfg, err, len)) return false;
    PcAcpiBuild c = {.cfg = cfg, .out = out};
    acpi_loader_allocate(&out->loader, PC_ACPI_FILE_TABLES, 64, ACPI_LOADER_ZONE_HIGH);
    acpi_loader_allocate(&out->loader, PC_ACPI_FILE_RSDP, 16, ACPI_LOADER_ZONE_FSEG);
    build_facs(&c);
    build_dsdt(&c);
    build_fadt(&c);
    build_madt(&c);
    size_t rsdt = build_sdt(&c, "RSDT", 4);
    size_t xsdt = cfg->rsdp_revision >= 2 ? build_sdt(&c, "XSDT", 8) : 0;
    build_rsdp(&c, rsdt, xsdt);
    return true;
}

void pc_acpi_blobs_free(PcAcpiBlobs *b)
{
    acpi_buf_free(&b->tables);
    acpi_buf_free(&b->rsdp);
    acpi_buf_free(&b->loader);
}
