/* SMBIOS: the entry point SeaBIOS's smbios_romfile_setup accepts (31
 * bytes, table length equal to the tables file) and well-formed
 * structures a reader walks with their string sets. */
#include <criterion/criterion.h>
#include <string.h>

#include "machines/smbios.h"

static AcpiBuf tables, anchor;

static void teardown(void)
{
    acpi_buf_free(&tables);
    acpi_buf_free(&anchor);
}

TestSuite(pc_acpi_smbios, .fini = teardown);

static uint8_t sum(const uint8_t *p, size_t len)
{
    uint8_t s = 0;
    while (len--)
        s = (uint8_t)(s + *p++);
    return s;
}

static unsigned u16(const uint8_t *p)
{
    return p[0] | p[1] << 8;
}

static uint32_t u32(const uint8_t *p)
{
    return (uint32_t)u16(p) | (uint32_t)u16(p + 2) << 16;
}

/* The n-th string (1-based) of the structure at s, or NULL. */
static const char *string_of(const uint8_t *s, unsigned n)
{
    const char *p = (const char *)s + s[1];
    for (unsigned i = 1; n && *p; i++, p += strlen(p) + 1)
        if (i == n) return p;
    return NULL;
}

Test(pc_acpi_smbios, entry_point_and_structures)
{
    SmbiosConfig cfg = {
        .bios_vendor = "doppel",
        .bios_version = "1.0",
        .bios_date = "01/01/2026",
        .manufacturer = "doppel",
        .product = "pc",
        .ncpus = 2,
        .cpuid_eax = 0x663,
        .cpuid_edx = 0x0781abfd,
        .ram_below_4g = 3ull << 30,
        .ram_above_4g = 1ull << 30,
    };
    cfg.uuid[0] = 0xab;
    char err[128];
    cr_assert(smbios_build(&cfg, &tables, &anchor, err, sizeof err), "%s", err);

    const uint8_t *ep = anchor.data;
    cr_assert_eq(anchor.len, SMBIOS_ANCHOR_SIZE);
    cr_assert_arr_eq(ep, "_SM_", 4);
    cr_assert_eq(ep[5], 31);
    cr_assert_eq(ep[6], 2);
    cr_assert_eq(ep[7], 8);
    cr_assert_eq(sum(ep, 31), 0, "entry point checksum");
    cr_assert_arr_eq(ep + 16, "_DMI_", 5);
    cr_assert_eq(sum(ep + 16, 15), 0, "intermediate checksum");
    cr_assert_eq(u16(ep + 22), tables.len, "structure table length = the tables file");
    cr_assert_eq(ep[30], 0x28);

    static const struct {
        uint8_t type, len;
    } want[] = {{0, 0x18},  {1, 0x1b},  {3, 0x16},  {4, 0x2a}, {4, 0x2a},  {16, 0x17},
                {17, 0x28}, {19, 0x1f}, {19, 0x1f}, {32, 0xb}, {127, 0x04}};
    const uint8_t *p = tables.data, *end = tables.data + tables.len;
    unsigned n = 0, max_size = 0;
    uint16_t handles[16];
    while (p < end) {
        cr_assert(n < sizeof want / sizeof want[0], "too many structures");
        cr_assert_eq(p[0], want[n].type, "structure %u type %u", n, p[0]);
        cr_assert_eq(p[1], want[n].len, "type %u length 0x%x", p[0], p[1]);
        handles[n] = (uint16_t)u16(p + 2);
        for (unsigned i = 0; i < n; i++)
            cr_assert_neq(handles[i], handles[n], "handle 0x%x twice", handles[n]);
        const uint8_t *q = p + p[1];
        while (q + 1 < end && (q[0] || q[1]))
            q++;
        cr_assert(q + 1 < end, "type %u: string set not terminated", p[0]);
        q += 2;
        if ((unsigned)(q - p) > max_size) max_size = (unsigned)(q - p);
        switch (p[0]) {
        case 0: cr_assert_str_eq(string_of(p, p[4]), "doppel"); break;
        case 1:
            cr_assert_str_eq(string_of(p, p[5]), "pc");
            cr_assert_eq(p[8], 0xab, "uuid");
            break;
        case 4:
            cr_assert_eq(u32(p + 8), 0x663, "processor id");
            cr_assert_eq(p[0x18], 0x41, "populated, enabled");
            cr_assert_str_eq(string_of(p, p[4]), n == 3 ? "CPU 0" : "CPU 1");
            break;
        case 17: cr_assert_eq(u16(p + 0x0c), 4096, "4 GiB in MiB"); break;
        case 19:
            if (n == 7) {
                cr_assert_eq(u32(p + 4), 0);
                cr_assert_eq(u32(p + 8), (3u << 20) - 1, "end KiB of low RAM");
            } else {
                cr_assert_eq(u32(p + 4), 4u << 20, "start KiB of high RAM");
                cr_assert_eq(u32(p + 8), (5u << 20) - 1);
            }
            break;
        }
        p = q;
        n++;
    }
    cr_assert_eq(n, sizeof want / sizeof want[0]);
    cr_assert_eq(u16(ep + 28), n, "number of structures");
    cr_assert_eq(u16(ep + 8), max_size, "maximum structure size");
}

Test(pc_acpi_smbios, no_cpu_refused)
{
    SmbiosConfig cfg = {.ram_below_4g = 1 << 20};
    char err[128];
    cr_assert_not(smbios_build(&cfg, &tables, &anchor, err, sizeof err));
}
