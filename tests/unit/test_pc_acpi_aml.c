/* AML encoder: encodings against bytes worked out by hand from ACPI 6.4
 * §20.2 (PkgLength, integers, names) and §6.4 (resource descriptors). */
#include <criterion/criterion.h>
#include <string.h>

#include "machines/acpi_aml.h"

static AcpiBuf b;

static void teardown(void)
{
    acpi_buf_free(&b);
}

TestSuite(pc_acpi_aml, .fini = teardown);

static void expect(const uint8_t *bytes, size_t len)
{
    cr_assert_eq(b.len, len, "length %zu, expected %zu", b.len, len);
    for (size_t i = 0; i < len; i++)
        cr_assert_eq(b.data[i], bytes[i], "byte %zu: 0x%02x, expected 0x%02x", i, b.data[i],
                     bytes[i]);
    acpi_buf_free(&b);
}
#define EXPECT(...)                                                                                \
    do {                                                                                           \
        static const uint8_t want_[] = {__VA_ARGS__};                                              \
        expect(want_, sizeof want_);                                                               \
    } while (0)

Test(pc_acpi_aml, pkg_length)
{
    /* The value counts its own bytes: one byte up to 63 in all. */
    aml_pkg_length(&b, 0);
    EXPECT(0x01);
    aml_pkg_length(&b, 62);
    EXPECT(0x3f);
    /* 63 + 2 = 65 = 0x41: lead byte 01 in bits 7-6, low nibble 1; then 0x04 */
    aml_pkg_length(&b, 63);
    EXPECT(0x41, 0x04);
    aml_pkg_length(&b, 0xffd); /* 0xfff, the two-byte maximum */
    EXPECT(0x4f, 0xff);
    aml_pkg_length(&b, 0xffe); /* 0x1001 needs three */
    EXPECT(0x81, 0x00, 0x01);
    aml_pkg_length(&b, 0xffffc); /* 0xfffff, the three-byte maximum */
    EXPECT(0x8f, 0xff, 0xff);
    aml_pkg_length(&b, 0x100000); /* 0x100004 */
    EXPECT(0xc4, 0x00, 0x00, 0x01);
    cr_assert_eq(aml_pkg_length(&b, 0x10000000), 0, "over 2^28 - 1 cannot be encoded");
}

Test(pc_acpi_aml, integers)
{
    aml_integer(&b, 0);
    EXPECT(0x00); /* ZeroOp */
    aml_integer(&b, 1);
    EXPECT(0x01); /* OneOp */
    aml_integer(&b, 2);
    EXPECT(0x0a, 0x02);
    aml_integer(&b, 0xff);
    EXPECT(0x0a, 0xff);
    aml_integer(&b, 0x100);
    EXPECT(0x0b, 0x00, 0x01);
    aml_integer(&b, 0xfec00000);
    EXPECT(0x0c, 0x00, 0x00, 0xc0, 0xfe);
    aml_integer(&b, 0x100000000ull);
    EXPECT(0x0e, 0, 0, 0, 0, 1, 0, 0, 0);
    aml_dword(&b, 1);
    EXPECT(0x0c, 1, 0, 0, 0);
    aml_string(&b, "AB");
    EXPECT(0x0d, 'A', 'B', 0);
}

Test(pc_acpi_aml, names)
{
    aml_name_string(&b, "_SB");
    EXPECT('_', 'S', 'B', '_');
    aml_name_string(&b, "\\_SB.PCI0");
    EXPECT(0x5c, 0x2e, '_', 'S', 'B', '_', 'P', 'C', 'I', '0');
    aml_name_string(&b, "\\_SB.PCI0.ISA");
    EXPECT(0x5c, 0x2f, 3, '_', 'S', 'B', '_', 'P', 'C', 'I', '0', 'I', 'S', 'A', '_');
    aml_name_string(&b, "^^RTC");
    EXPECT(0x5e, 0x5e, 'R', 'T', 'C', '_');
    aml_name_string(&b, "\\");
    EXPECT(0x5c, 0x00); /* root, NullName */
    aml_eisaid(&b, "PNP0A03");
    EXPECT(0x0c, 0x41, 0xd0, 0x0a, 0x03);
    aml_eisaid(&b, "PNP0501");
    EXPECT(0x0c, 0x41, 0xd0, 0x05, 0x01);
}

Test(pc_acpi_aml, objects_and_methods)
{
    /* Scope (\_SB) { Device (PCI0) { Name (_ADR, Zero) } } */
    size_t s = aml_scope_open(&b, "\\_SB");
    size_t d = aml_device_open(&b, "PCI0");
    aml_name_decl(&b, "_ADR");
    aml_integer(&b, 0);
    aml_close(&b, d);
    aml_close(&b, s);
    EXPECT(0x10, 0x13, 0x5c, '_', 'S', 'B', '_', /* Scope, 19 */
           0x5b, 0x82, 0x0b, 'P', 'C', 'I', '0', 0x08, '_', 'A', 'D', 'R', 0x00);
    /* Method (_PIC, 1) { Store (Arg0, \PICF) } */
    size_t m = aml_method_open(&b, "_PIC", 1);
    aml_store(&b);
    aml_arg(&b, 0);
    aml_name_string(&b, "\\PICF");
    aml_close(&b, m);
    EXPECT(0x14, 0x0d, '_', 'P', 'I', 'C', 0x01, 0x70, 0x68, 0x5c, 'P', 'I', 'C', 'F');
    /* If (LEqual (Arg1, 0x05)) { Return (One) } Else { Return (Zero) } */
    size_t i = aml_if_open(&b);
    aml_lequal(&b);
    aml_arg(&b, 1);
    aml_integer(&b, 5);
    aml_return(&b);
    aml_integer(&b, 1);
    aml_close(&b, i);
    size_t e = aml_else_open(&b);
    aml_return(&b);
    aml_local(&b, 2);
    aml_close(&b, e);
    EXPECT(0xa0, 0x07, 0x93, 0x69, 0x0a, 0x05, 0xa4, 0x01, 0xa1, 0x03, 0xa4, 0x62);
    /* Name (_S5, Package (2) { Zero, 0x10 }) */
    aml_name_decl(&b, "_S5");
    size_t p = aml_package_open(&b, 2);
    aml_integer(&b, 0);
    aml_integer(&b, 0x10);
    aml_close(&b, p);
    EXPECT(0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x00, 0x0a, 0x10);
}

Test(pc_acpi_aml, long_package_gets_two_byte_length)
{
    size_t p = aml_package_open(&b, 100);
    for (int i = 0; i < 100; i++)
        aml_integer(&b, 0);
    aml_close(&b, p);
    /* body = 1 (NumElements) + 100 = 101; + 2 = 103 = 0x67 */
    cr_assert_eq(b.len, 1 + 2 + 101);
    cr_assert_eq(b.data[0], 0x12);
    cr_assert_eq(b.data[1], 0x47);
    cr_assert_eq(b.data[2], 0x06);
    cr_assert_eq(b.data[3], 100);
}

Test(pc_acpi_aml, resource_descriptors)
{
    AcpiBuf r = {0};
    aml_res_io(&r, 0x3f8, 0x3f8, 1, 8);
    aml_res_irq_noflags(&r, 4);
    aml_res_dma(&r, 2);
    aml_resource_template(&b, &r);
    acpi_buf_free(&r);
    EXPECT(0x11, 0x13, 0x0a, 0x10,                         /* Buffer, 19, size 16 */
           0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08, /* IO */
           0x22, 0x10, 0x00,                               /* IRQNoFlags {4} */
           0x2a, 0x04, 0x00,                               /* DMA {2} */
           0x79, 0x00);                                    /* EndTag */
    aml_res_word_bus_number(&b, 0, 0xff);
    EXPECT(0x88, 0x0d, 0x00, 0x02, 0x0c, 0x00, 0, 0, 0, 0, 0xff, 0, 0, 0, 0x00, 0x01);
    aml_res_dword_io(&b, 0xd00, 0xffff);
    EXPECT(0x87, 0x17, 0x00, 0x01, 0x0c, 0x03, 0, 0, 0, 0, 0x00, 0x0d, 0, 0, 0xff, 0xff, 0, 0, 0, 0,
           0, 0, 0x00, 0xf3, 0, 0);
    aml_res_dword_memory(&b, 0xa0000, 0xbffff, true);
    EXPECT(0x87, 0x17, 0x00, 0x00, 0x0c, 0x03, 0, 0, 0, 0, 0x00, 0x00, 0x0a, 0x00, 0xff, 0xff, 0x0b,
           0x00, 0, 0, 0, 0, 0x00, 0x00, 0x02, 0x00);
    aml_res_interrupt(&b, true, true, true, 16);
    EXPECT(0x89, 0x06, 0x00, 0x0d, 0x01, 0x10, 0, 0, 0);
}
