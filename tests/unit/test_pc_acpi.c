/* PC ACPI tables: built, installed in RAM by the table loader as SeaBIOS
 * would, then checked field by field and disassembled by iasl. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "machines/acpi_loader.h"
#include "machines/pc_acpi.h"
#include "softmmu/memory.h"
#include "test_util.h"

#define RAM_SIZE   0x1000000u
#define HIGH_START 0x800000u

static MemoryRegion root, ram;
static AddressSpace as;
static PcAcpiBlobs blobs;

static void setup(void)
{
    memory_region_init_container(&root, "mem", UINT64_MAX);
    cr_assert(memory_region_init_ram(&ram, "ram", RAM_SIZE));
    memory_region_add_subregion(&root, 0, &ram, 0);
    address_space_init(&as, &root, "mem");
}

static char tmpdir[64]; /* iasl's files */

static void teardown(void)
{
    if (tmpdir[0]) {
        char cmd[128], out[64];
        snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
        test_run_command(cmd, out, sizeof out);
        tmpdir[0] = 0;
    }
    pc_acpi_blobs_free(&blobs);
    address_space_destroy(&as);
    memory_region_destroy(&ram);
    memory_region_destroy(&root);
}

TestSuite(pc_acpi, .init = setup, .fini = teardown);

static const AcpiLoaderZones zones = {HIGH_START, RAM_SIZE, 0xe0000, 0x100000};

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
    uint8_t s = 0;
    while (len--)
        s = (uint8_t)(s + *p++);
    return s;
}

/* Build with cfg and install; returns the RSDP address. */
static uint64_t install(const PcAcpiConfig *cfg)
{
    char err[256];
    cr_assert(pc_acpi_build(cfg, &blobs, err, sizeof err), "%s", err);
    cr_assert_eq(blobs.loader.len % ACPI_LOADER_ENTRY_SIZE, 0);
    const AcpiLoaderFile files[] = {
        {PC_ACPI_FILE_TABLES, blobs.tables.data, blobs.tables.len},
        {PC_ACPI_FILE_RSDP, blobs.rsdp.data, blobs.rsdp.len},
    };
    uint64_t rsdp = 0;
    cr_assert(acpi_loader_run(&as, blobs.loader.data, blobs.loader.len, files, 2, &zones, &rsdp,
                              err, sizeof err),
              "%s", err);
    return rsdp;
}

/* A table in RAM with a good signature, length and checksum. */
static const uint8_t *table_at(uint32_t addr, const char *sig)
{
    cr_assert(addr >= HIGH_START && addr < RAM_SIZE - 36, "%s at 0x%x", sig, addr);
    const uint8_t *t = ram.host + addr;
    cr_assert_arr_eq(t, sig, 4, "signature at 0x%x", addr);
    uint32_t len = le32(t + 4);
    cr_assert(len >= 36 && addr + len <= RAM_SIZE, "%s length %u", sig, len);
    cr_assert_eq(sum(t, len), 0, "%s checksum", sig);
    return t;
}

typedef struct Found {
    const uint8_t *fadt, *madt, *dsdt, *facs;
} Found;

static Found walk(uint64_t rsdp_addr, bool v2)
{
    cr_assert(rsdp_addr >= 0xe0000 && rsdp_addr < 0x100000 && rsdp_addr % 16 == 0);
    const uint8_t *rsdp = ram.host + rsdp_addr;
    cr_assert_arr_eq(rsdp, "RSD PTR ", 8);
    cr_assert_eq(sum(rsdp, 20), 0, "RSDP checksum");
    cr_assert_eq(rsdp[15], v2 ? 2 : 0);
    const uint8_t *rsdt = table_at(le32(rsdp + 16), "RSDT");
    cr_assert_eq(le32(rsdt + 4), 36 + 2 * 4);
    Found f = {
        .fadt = table_at(le32(rsdt + 36), "FACP"),
        .madt = table_at(le32(rsdt + 40), "APIC"),
    };
    if (v2) {
        cr_assert_eq(le32(rsdp + 20), 36);
        cr_assert_eq(sum(rsdp, 36), 0, "RSDP extended checksum");
        const uint8_t *xsdt = table_at((uint32_t)le64(rsdp + 24), "XSDT");
        cr_assert_eq(le32(xsdt + 4), 36 + 2 * 8);
        cr_assert_eq(ram.host + le64(xsdt + 36), f.fadt);
        cr_assert_eq(ram.host + le64(xsdt + 44), f.madt);
    }
    cr_assert_eq(le32(f.fadt + 4), 244);
    f.dsdt = table_at(le32(f.fadt + 40), "DSDT");
    cr_assert_eq(le64(f.fadt + 140), le32(f.fadt + 40), "X_DSDT = DSDT");
    uint32_t facs = le32(f.fadt + 36);
    cr_assert_eq(facs % 64, 0, "FACS 64-byte aligned");
    f.facs = ram.host + facs;
    cr_assert_arr_eq(f.facs, "FACS", 4);
    cr_assert_eq(le32(f.facs + 4), 64);
    return f;
}

Test(pc_acpi, fadt_fields)
{
    PcAcpiConfig cfg;
    pc_acpi_config_default(&cfg, 128 << 20, 2);
    Found f = walk(install(&cfg), false);
    const uint8_t *t = f.fadt;
    cr_assert_eq(t[8], 3, "revision");
    cr_assert_eq(t[46] | t[47] << 8, 9, "SCI_INT");
    cr_assert_eq(le32(t + 48), 0xb2, "SMI_CMD");
    cr_assert_eq(t[52], 0xf1);
    cr_assert_eq(t[53], 0xf0);
    cr_assert_eq(le32(t + 56), 0x600, "PM1a_EVT_BLK");
    cr_assert_eq(le32(t + 64), 0x604, "PM1a_CNT_BLK");
    cr_assert_eq(le32(t + 76), 0x608, "PM_TMR_BLK");
    cr_assert_eq(le32(t + 80), 0x60c, "GPE0_BLK");
    cr_assert_eq(t[88], 4);
    cr_assert_eq(t[89], 2);
    cr_assert_eq(t[91], 4);
    cr_assert_eq(t[92], 4);
    cr_assert_eq(t[108], 0x32, "CENTURY");
    cr_assert_eq(t[109] | t[110] << 8, 3, "IAPC_BOOT_ARCH legacy devices | 8042");
    uint32_t flags = le32(t + 112);
    cr_assert_eq(flags, (1u << 0) | (1u << 2) | (1u << 5) | (1u << 10));
    cr_assert_eq(flags & (1u << 8), 0, "24-bit PM timer");
    cr_assert_eq(t[116], 1, "RESET_REG in I/O space");
    cr_assert_eq(le64(t + 120), 0xcf9);
    cr_assert_eq(t[128], 6, "RESET_VALUE");
    cr_assert_eq(t[148], 1);
    cr_assert_eq(t[149], 32, "X_PM1a_EVT_BLK width");
    cr_assert_eq(le64(t + 152), 0x600);
    cr_assert_eq(le64(t + 212), 0x608, "X_PM_TMR_BLK");
}

Test(pc_acpi, madt_entries)
{
    PcAcpiConfig cfg;
    pc_acpi_config_default(&cfg, 128 << 20, 3);
    cfg.apic_ids[2] = 5;
    cfg.ioapic_id = 6;
    Found f = walk(install(&cfg), false);
    const uint8_t *t = f.madt;
    uint32_t len = le32(t + 4);
    cr_assert_eq(le32(t + 36), 0xfee00000);
    cr_assert_eq(le32(t + 40), 1, "PCAT_COMPAT");
    unsigned ncpu = 0, nioapic = 0, niso = 0, nnmi = 0;
    for (uint32_t off = 44; off < len; off += t[off + 1]) {
        const uint8_t *e = t + off;
        cr_assert(e[1] >= 2 && off + e[1] <= len);
        switch (e[0]) {
        case 0:
            cr_assert_eq(e[2], ncpu, "processor uid");
            cr_assert_eq(e[3], ncpu == 2 ? 5 : ncpu, "apic id");
            cr_assert_eq(le32(e + 4), 1, "enabled");
            ncpu++;
            break;
        case 1:
            cr_assert_eq(e[2], 6);
            cr_assert_eq(le32(e + 4), 0xfec00000);
            cr_assert_eq(le32(e + 8), 0);
            nioapic++;
            break;
        case 2:
            cr_assert_eq(e[2], 0, "ISA bus");
            if (e[3] == 0) {
                cr_assert_eq(le32(e + 4), 2, "IRQ0 -> GSI2");
                cr_assert_eq(e[8] | e[9] << 8, 0x5, "edge, active high");
            } else {
                cr_assert_eq(e[3], 9);
                cr_assert_eq(le32(e + 4), 9);
                cr_assert_eq(e[8] | e[9] << 8, 0xd, "level, active high");
            }
            niso++;
            break;
        case 4:
            cr_assert_eq(e[2], 0xff);
            cr_assert_eq(e[5], 1, "LINT1");
            nnmi++;
            break;
        default: cr_assert_fail("unexpected MADT entry %u", e[0]);
        }
    }
    cr_assert_eq(ncpu, 3);
    cr_assert_eq(nioapic, 1);
    cr_assert_eq(niso, 2);
    cr_assert_eq(nnmi, 1);
}

Test(pc_acpi, rsdp_v2_with_xsdt)
{
    PcAcpiConfig cfg;
    pc_acpi_config_default(&cfg, 256 << 20, 1);
    cfg.rsdp_revision = 2;
    walk(install(&cfg), true);
}

Test(pc_acpi, bad_configs_rejected)
{
    PcAcpiConfig cfg;
    char err[128];
    pc_acpi_config_default(&cfg, 128 << 20, 0);
    cr_assert_not(pc_acpi_build(&cfg, &blobs, err, sizeof err));
    cr_assert(strstr(err, "cpus"), "%s", err);
    pc_acpi_config_default(&cfg, 128 << 20, 1);
    cfg.rsdp_revision = 1;
    cr_assert_not(pc_acpi_build(&cfg, &blobs, err, sizeof err));
    pc_acpi_config_default(&cfg, 128 << 20, 1);
    cfg.pci_hole_start = cfg.pci_hole_end;
    cr_assert_not(pc_acpi_build(&cfg, &blobs, err, sizeof err));
}

/* ---- iasl ---- */

static void dump_table(const char *name, const uint8_t *t)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s.dat", tmpdir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(t, 1, le32(t + 4), f), le32(t + 4));
    fclose(f);
}

/* iasl -d on one table: exit status 0, no "Error" in its output; the .dsl
 * text in dsl. */
static void disassemble(const char *name, char *dsl, size_t len)
{
    char cmd[512], out[8192];
    snprintf(cmd, sizeof cmd, "cd %s && iasl -d %s.dat 2>&1", tmpdir, name);
    int status = test_run_command(cmd, out, sizeof out);
    cr_assert_eq(status, 0, "iasl -d %s failed:\n%s", name, out);
    cr_assert_null(strstr(out, "Error"), "iasl -d %s:\n%s", name, out);
    char path[128];
    snprintf(path, sizeof path, "%s/%s.dsl", tmpdir, name);
    test_read_file(path, dsl, len);
}

static void contains(const char *dsl, const char *what)
{
    cr_assert_not_null(strstr(dsl, what), "missing \"%s\" in:\n%.4000s", what, dsl);
}

Test(pc_acpi, iasl_disassembles_every_table)
{
    test_require_program("pc_acpi", "iasl", "acpica-tools");
    PcAcpiConfig cfg;
    pc_acpi_config_default(&cfg, 128 << 20, 2);
    Found f = walk(install(&cfg), false);
    strcpy(tmpdir, "/tmp/doppel-acpi-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    dump_table("dsdt", f.dsdt);
    dump_table("facp", f.fadt);
    dump_table("apic", f.madt);

    static char dsl[200000];
    disassemble("dsdt", dsl, sizeof dsl);
    contains(dsl, "Name (_S5, Package (0x04)");
    contains(dsl, "Method (_PRT, 0");
    contains(dsl, "Method (_PIC, 1");
    contains(dsl, "EisaId (\"PNP0A03\")");
    contains(dsl, "EisaId (\"PNP0B00\")");
    contains(dsl, "EisaId (\"PNP0303\")");
    contains(dsl, "EisaId (\"PNP0F13\")");
    contains(dsl, "EisaId (\"PNP0501\")");
    contains(dsl, "EisaId (\"PNP0700\")");
    contains(dsl, "WordBusNumber");
    contains(dsl, "0xFEBFFFFF");
    contains(dsl, "ACPI0007");

    disassemble("facp", dsl, sizeof dsl);
    contains(dsl, "PM1A Event Block Address : 00000600");
    contains(dsl, "PM Timer Block Address : 00000608");
    contains(dsl, "RTC Century Index : 32");
    contains(dsl, "Reset Register Supported (V2) : 1");
    contains(dsl, "Value to cause reset : 06");

    disassemble("apic", dsl, sizeof dsl);
    contains(dsl, "Local Apic Address : FEE00000");
    contains(dsl, "Interrupt : 00000002");
    contains(dsl, "Address : FEC00000");
    contains(dsl, "Interrupt Input LINT : 01");
    contains(dsl, "Trigger Mode : 3"); /* the SCI override */
}

/* ---- the loader on malformed commands ---- */

static const uint8_t file_a[64] = "RSD PTR ";
static const uint8_t file_b[16] = "not an RSDP";

static bool run(AcpiBuf *cmds, char *err, size_t len)
{
    const AcpiLoaderFile files[] = {{"a", file_a, sizeof file_a}, {"b", file_b, sizeof file_b}};
    uint64_t rsdp;
    return acpi_loader_run(&as, cmds->data, cmds->len, files, 2, &zones, &rsdp, err, len);
}

static void expect_error(AcpiBuf *cmds, const char *what)
{
    char err[256] = "";
    cr_assert_not(run(cmds, err, sizeof err), "accepted, expected '%s'", what);
    cr_assert_not_null(strstr(err, what), "error '%s', expected '%s'", err, what);
    acpi_buf_free(cmds);
}

Test(pc_acpi, loader_rejects_malformed_commands)
{
    AcpiBuf c = {0};
    acpi_loader_allocate(&c, "a", 16, ACPI_LOADER_ZONE_FSEG);
    acpi_loader_add_pointer(&c, "a", "a", 60, 8);
    expect_error(&c, "outside the file");

    acpi_loader_allocate(&c, "a", 16, ACPI_LOADER_ZONE_FSEG);
    acpi_loader_add_pointer(&c, "a", "a", 0, 3);
    expect_error(&c, "pointer size 3");

    acpi_loader_allocate(&c, "a", 16, ACPI_LOADER_ZONE_FSEG);
    acpi_loader_add_pointer(&c, "a", "b", 0, 4);
    expect_error(&c, "b not allocated");

    acpi_loader_allocate(&c, "a", 16, ACPI_LOADER_ZONE_FSEG);
    acpi_loader_add_checksum(&c, "a", 10, 60, 8);
    expect_error(&c, "range outside");

    acpi_loader_allocate(&c, "a", 16, ACPI_LOADER_ZONE_FSEG);
    acpi_loader_add_checksum(&c, "a", 64, 0, 8);
    expect_error(&c, "range outside");

    acpi_loader_allocate(&c, "a", 16, ACPI_LOADER_ZONE_FSEG);
    acpi_loader_allocate(&c, "a", 16, ACPI_LOADER_ZONE_HIGH);
    expect_error(&c, "allocated twice");

    acpi_loader_allocate(&c, "zz", 16, ACPI_LOADER_ZONE_HIGH);
    expect_error(&c, "no such file");

    acpi_loader_allocate(&c, "a", 3, ACPI_LOADER_ZONE_HIGH);
    expect_error(&c, "alignment 3");

    acpi_loader_allocate(&c, "a", 16, 7);
    expect_error(&c, "unknown zone");

    acpi_loader_allocate(&c, "a", 0x200000, ACPI_LOADER_ZONE_FSEG);
    expect_error(&c, "do not fit");

    acpi_loader_allocate(&c, "a", 16, ACPI_LOADER_ZONE_FSEG);
    memset(c.data + 4, 'x', 56); /* name not terminated */
    expect_error(&c, "not terminated");

    acpi_buf_u32(&c, 9);
    acpi_buf_reserve(&c, 124);
    expect_error(&c, "unknown command 9");

    acpi_buf_reserve(&c, 100);
    expect_error(&c, "whole number");

    acpi_loader_allocate(&c, "b", 16, ACPI_LOADER_ZONE_HIGH);
    memcpy(c.data + 4, "b", 2);
    expect_error(&c, "no RSDP");

    /* and a good list runs, pointer and checksum applied */
    acpi_loader_allocate(&c, "b", 64, ACPI_LOADER_ZONE_HIGH);
    acpi_loader_allocate(&c, "a", 16, ACPI_LOADER_ZONE_FSEG);
    acpi_loader_add_pointer(&c, "a", "b", 16, 4);
    acpi_loader_add_checksum(&c, "a", 8, 0, 20);
    char err[128];
    cr_assert(run(&c, err, sizeof err), "%s", err);
    acpi_buf_free(&c);
    cr_assert_eq(le32(ram.host + 0xe0000 + 16), HIGH_START, "address of b");
    cr_assert_eq(sum(ram.host + 0xe0000, 20), 0);
}
