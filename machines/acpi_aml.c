/*
 * AML encoder and table buffer.  Opcode values and encodings are those of
 * ACPI 6.4 §20.2 ("AML Grammar Definition"); resource descriptors follow
 * §6.4 ("Resource Data Types for ACPI").
 */
#include "machines/acpi_aml.h"

#include <stdlib.h>
#include <string.h>

enum {
    AML_ZERO_OP = 0x00,
    AML_ONE_OP = 0x01,
    AML_NAME_OP = 0x08,
    AML_BYTE_PREFIX = 0x0a,
    AML_WORD_PREFIX = 0x0b,
    AML_DWORD_PREFIX = 0x0c,
    AML_STRING_PREFIX = 0x0d,
    AML_QWORD_PREFIX = 0x0e,
    AML_SCOPE_OP = 0x10,
    AML_BUFFER_OP = 0x11,
    AML_PACKAGE_OP = 0x12,
    AML_METHOD_OP = 0x14,
    AML_DUAL_NAME_PREFIX = 0x2e,
    AML_MULTI_NAME_PREFIX = 0x2f,
    AML_EXT_OP_PREFIX = 0x5b,
    AML_EXT_DEVICE_OP = 0x82, /* after ExtOpPrefix */
    AML_ROOT_CHAR = 0x5c,
    AML_PARENT_PREFIX_CHAR = 0x5e,
    AML_LOCAL0_OP = 0x60,
    AML_ARG0_OP = 0x68,
    AML_STORE_OP = 0x70,
    AML_LEQUAL_OP = 0x93,
    AML_IF_OP = 0xa0,
    AML_ELSE_OP = 0xa1,
    AML_RETURN_OP = 0xa4,
};

/* Resource descriptor tags (§6.4.2 small, §6.4.3 large). */
enum {
    RES_IRQ_NOFLAGS = 0x22, /* type 4, length 2 */
    RES_DMA = 0x2a,         /* type 5, length 2 */
    RES_IO = 0x47,          /* type 8, length 7 */
    RES_END_TAG = 0x79,     /* type 0xf, length 1 */
    RES_DWORD_ADDR = 0x87,
    RES_WORD_ADDR = 0x88,
    RES_EXT_IRQ = 0x89,
};

enum {
    ADDR_TYPE_MEMORY = 0,
    ADDR_TYPE_IO = 1,
    ADDR_TYPE_BUS = 2,
    /* General flags (§6.4.3.5.5): producer, positive decode, _MIF, _MAF. */
    ADDR_FLAGS_BRIDGE = 0x0c,
    ADDR_IO_ENTIRE_RANGE = 0x03, /* _RNG: ISA and non-ISA ranges */
    ADDR_MEM_RW = 0x01,
    ADDR_MEM_CACHEABLE = 0x02, /* _MEM = 1 */
};

#define AML_PKG_LENGTH_MAX 0x0fffffffu

/* ---- buffer ---- */

void acpi_buf_free(AcpiBuf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

static void acpi_buf_grow(AcpiBuf *b, size_t more)
{
    if (b->len + more <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more)
        cap *= 2;
    uint8_t *p = realloc(b->data, cap);
    if (!p) abort(); /* host out of memory */
    b->data = p;
    b->cap = cap;
}

void acpi_buf_append(AcpiBuf *b, const void *data, size_t len)
{
    if (!len) return;
    acpi_buf_grow(b, len);
    memcpy(b->data + b->len, data, len);
    b->len += len;
}

size_t acpi_buf_reserve(AcpiBuf *b, size_t len)
{
    acpi_buf_grow(b, len);
    size_t at = b->len;
    memset(b->data + at, 0, len);
    b->len += len;
    return at;
}

void acpi_buf_put(AcpiBuf *b, size_t offset, uint64_t v, unsigned size)
{
    for (unsigned i = 0; i < size && offset + i < b->len; i++)
        b->data[offset + i] = (uint8_t)(v >> (8 * i));
}

static void acpi_buf_le(AcpiBuf *b, uint64_t v, unsigned size)
{
    size_t at = acpi_buf_reserve(b, size);
    acpi_buf_put(b, at, v, size);
}

void acpi_buf_u8(AcpiBuf *b, uint8_t v)
{
    acpi_buf_append(b, &v, 1);
}

void acpi_buf_u16(AcpiBuf *b, uint16_t v)
{
    acpi_buf_le(b, v, 2);
}

void acpi_buf_u32(AcpiBuf *b, uint32_t v)
{
    acpi_buf_le(b, v, 4);
}

void acpi_buf_u64(AcpiBuf *b, uint64_t v)
{
    acpi_buf_le(b, v, 8);
}

uint8_t acpi_checksum(const uint8_t *data, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + data[i]);
    return sum;
}

/* ---- encodings ---- */

/* §20.2.4: one byte holds up to 63; otherwise bits 7-6 of the lead byte
 * count the bytes that follow, its bits 3-0 are the low nibble and each
 * following byte the next eight bits. */
static unsigned aml_pkg_length_encode(size_t body_len, uint8_t out[4])
{
    unsigned n;
    size_t total = 0;
    for (n = 1; n <= 4; n++) {
        total = body_len + n;
        size_t limit = n == 1 ? 0x3f : ((size_t)1 << (4 + 8 * (n - 1))) - 1;
        if (total <= limit) break;
    }
    if (n > 4 || total > AML_PKG_LENGTH_MAX) return 0;
    if (n == 1) {
        out[0] = (uint8_t)total;
        return 1;
    }
    out[0] = (uint8_t)((n - 1) << 6 | (total & 0x0f));
    for (unsigned i = 1; i < n; i++)
        out[i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
    return n;
}

unsigned aml_pkg_length(AcpiBuf *b, size_t body_len)
{
    uint8_t enc[4];
    unsigned n = aml_pkg_length_encode(body_len, enc);
    acpi_buf_append(b, enc, n);
    return n;
}

void aml_integer(AcpiBuf *b, uint64_t v)
{
    if (v == 0) {
        acpi_buf_u8(b, AML_ZERO_OP);
    } else if (v == 1) {
        acpi_buf_u8(b, AML_ONE_OP);
    } else if (v <= UINT8_MAX) {
        acpi_buf_u8(b, AML_BYTE_PREFIX);
        acpi_buf_u8(b, (uint8_t)v);
    } else if (v <= UINT16_MAX) {
        acpi_buf_u8(b, AML_WORD_PREFIX);
        acpi_buf_u16(b, (uint16_t)v);
    } else if (v <= UINT32_MAX) {
        aml_dword(b, (uint32_t)v);
    } else {
        acpi_buf_u8(b, AML_QWORD_PREFIX);
        acpi_buf_u64(b, v);
    }
}

void aml_dword(AcpiBuf *b, uint32_t v)
{
    acpi_buf_u8(b, AML_DWORD_PREFIX);
    acpi_buf_u32(b, v);
}

void aml_string(AcpiBuf *b, const char *s)
{
    acpi_buf_u8(b, AML_STRING_PREFIX);
    acpi_buf_append(b, s, strlen(s) + 1);
}

static void aml_name_seg(AcpiBuf *b, const char *seg, size_t len)
{
    char out[4] = {'_', '_', '_', '_'};
    memcpy(out, seg, len < 4 ? len : 4);
    acpi_buf_append(b, out, 4);
}

void aml_name_string(AcpiBuf *b, const char *path)
{
    if (*path == '\\') acpi_buf_u8(b, AML_ROOT_CHAR), path++;
    while (*path == '^')
        acpi_buf_u8(b, AML_PARENT_PREFIX_CHAR), path++;
    unsigned nsegs = *path ? 1 : 0;
    for (const char *p = path; *p; p++)
        nsegs += *p == '.';
    if (nsegs == 0) {
        acpi_buf_u8(b, AML_ZERO_OP); /* NullName */
        return;
    }
    if (nsegs == 2) acpi_buf_u8(b, AML_DUAL_NAME_PREFIX);
    if (nsegs > 2) {
        acpi_buf_u8(b, AML_MULTI_NAME_PREFIX);
        acpi_buf_u8(b, (uint8_t)nsegs);
    }
    while (*path) {
        size_t len = strcspn(path, ".");
        aml_name_seg(b, path, len);
        path += len + (path[len] == '.');
    }
}

void aml_eisaid(AcpiBuf *b, const char *id)
{
    /* Three letters of five bits (A = 1) and four hex digits, stored in
     * byte order from the most significant bits. */
    uint32_t v = 0;
    for (int i = 0; i < 3 && id[i]; i++)
        v = v << 5 | ((uint32_t)(id[i] - 0x40) & 0x1f);
    for (int i = 3; i < 7 && id[i]; i++) {
        char c = id[i];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : (unsigned)(c - 'a' + 10) & 0xf;
        v = v << 4 | d;
    }
    aml_dword(b, __builtin_bswap32(v));
}

/* ---- named objects and statements ---- */

void aml_name_decl(AcpiBuf *b, const char *name)
{
    acpi_buf_u8(b, AML_NAME_OP);
    aml_name_string(b, name);
}

static size_t aml_open(AcpiBuf *b, const uint8_t *op, size_t oplen)
{
    acpi_buf_append(b, op, oplen);
    return b->len; /* the PkgLength goes here */
}

size_t aml_scope_open(AcpiBuf *b, const char *path)
{
    static const uint8_t op[] = {AML_SCOPE_OP};
    size_t mark = aml_open(b, op, sizeof op);
    aml_name_string(b, path);
    return mark;
}

size_t aml_device_open(AcpiBuf *b, const char *name)
{
    static const uint8_t op[] = {AML_EXT_OP_PREFIX, AML_EXT_DEVICE_OP};
    size_t mark = aml_open(b, op, sizeof op);
    aml_name_string(b, name);
    return mark;
}

size_t aml_method_open(AcpiBuf *b, const char *name, unsigned nargs)
{
    static const uint8_t op[] = {AML_METHOD_OP};
    size_t mark = aml_open(b, op, sizeof op);
    aml_name_string(b, name);
    acpi_buf_u8(b, (uint8_t)(nargs & 7)); /* MethodFlags: not serialized, sync level 0 */
    return mark;
}

size_t aml_if_open(AcpiBuf *b)
{
    static const uint8_t op[] = {AML_IF_OP};
    return aml_open(b, op, sizeof op);
}

size_t aml_else_open(AcpiBuf *b)
{
    static const uint8_t op[] = {AML_ELSE_OP};
    return aml_open(b, op, sizeof op);
}

size_t aml_package_open(AcpiBuf *b, unsigned n)
{
    static const uint8_t op[] = {AML_PACKAGE_OP};
    size_t mark = aml_open(b, op, sizeof op);
    acpi_buf_u8(b, (uint8_t)n);
    return mark;
}

void aml_close(AcpiBuf *b, size_t mark)
{
    uint8_t enc[4];
    unsigned n = aml_pkg_length_encode(b->len - mark, enc);
    acpi_buf_grow(b, n);
    memmove(b->data + mark + n, b->data + mark, b->len - mark);
    memcpy(b->data + mark, enc, n);
    b->len += n;
}

void aml_buffer(AcpiBuf *b, const uint8_t *data, size_t len)
{
    static const uint8_t op[] = {AML_BUFFER_OP};
    size_t mark = aml_open(b, op, sizeof op);
    aml_integer(b, len);
    acpi_buf_append(b, data, len);
    aml_close(b, mark);
}

void aml_return(AcpiBuf *b)
{
    acpi_buf_u8(b, AML_RETURN_OP);
}

void aml_store(AcpiBuf *b)
{
    acpi_buf_u8(b, AML_STORE_OP);
}

void aml_lequal(AcpiBuf *b)
{
    acpi_buf_u8(b, AML_LEQUAL_OP);
}

void aml_arg(AcpiBuf *b, unsigned n)
{
    acpi_buf_u8(b, (uint8_t)(AML_ARG0_OP + (n % 7)));
}

void aml_local(AcpiBuf *b, unsigned n)
{
    acpi_buf_u8(b, (uint8_t)(AML_LOCAL0_OP + (n & 7)));
}

/* ---- resource descriptors ---- */

void aml_res_io(AcpiBuf *b, uint16_t min, uint16_t max, uint8_t align, uint8_t len)
{
    acpi_buf_u8(b, RES_IO);
    acpi_buf_u8(b, 0x01); /* decodes 16 address bits */
    acpi_buf_u16(b, min);
    acpi_buf_u16(b, max);
    acpi_buf_u8(b, align);
    acpi_buf_u8(b, len);
}

void aml_res_irq_noflags(AcpiBuf *b, uint8_t irq)
{
    acpi_buf_u8(b, RES_IRQ_NOFLAGS);
    acpi_buf_u16(b, (uint16_t)(1u << (irq & 15)));
}

void aml_res_dma(AcpiBuf *b, uint8_t channel)
{
    acpi_buf_u8(b, RES_DMA);
    acpi_buf_u8(b, (uint8_t)(1u << (channel & 7)));
    acpi_buf_u8(b, 0x00); /* compatibility timing, not bus master, 8-bit only */
}

static void aml_res_addr_head(AcpiBuf *b, uint8_t tag, uint16_t len, uint8_t type, uint8_t tflags)
{
    acpi_buf_u8(b, tag);
    acpi_buf_u16(b, len);
    acpi_buf_u8(b, type);
    acpi_buf_u8(b, ADDR_FLAGS_BRIDGE);
    acpi_buf_u8(b, tflags);
}

/* §6.4.3.5.3: granularity, min, max, translation offset, length. */
void aml_res_word_bus_number(AcpiBuf *b, uint16_t min, uint16_t max)
{
    aml_res_addr_head(b, RES_WORD_ADDR, 13, ADDR_TYPE_BUS, 0);
    const uint16_t f[] = {0, min, max, 0, (uint16_t)(max - min + 1)};
    for (unsigned i = 0; i < 5; i++)
        acpi_buf_u16(b, f[i]);
}

/* §6.4.3.5.2 */
static void aml_res_dword_addr(AcpiBuf *b, uint8_t type, uint8_t tflags, uint32_t min, uint32_t max)
{
    aml_res_addr_head(b, RES_DWORD_ADDR, 23, type, tflags);
    const uint32_t f[] = {0, min, max, 0, max - min + 1};
    for (unsigned i = 0; i < 5; i++)
        acpi_buf_u32(b, f[i]);
}

void aml_res_dword_io(AcpiBuf *b, uint32_t min, uint32_t max)
{
    aml_res_dword_addr(b, ADDR_TYPE_IO, ADDR_IO_ENTIRE_RANGE, min, max);
}

void aml_res_dword_memory(AcpiBuf *b, uint32_t min, uint32_t max, bool cacheable)
{
    aml_res_dword_addr(b, ADDR_TYPE_MEMORY, ADDR_MEM_RW | (cacheable ? ADDR_MEM_CACHEABLE : 0), min,
                       max);
}

/* §6.4.3.6: flags bit 0 consumer, 1 edge (_HE), 2 active low (_LL), 3 shared. */
void aml_res_interrupt(AcpiBuf *b, bool level, bool active_low, bool shared, uint32_t gsi)
{
    acpi_buf_u8(b, RES_EXT_IRQ);
    acpi_buf_u16(b, 6);
    acpi_buf_u8(
        b, (uint8_t)(0x01 | (level ? 0 : 0x02) | (active_low ? 0x04 : 0) | (shared ? 0x08 : 0)));
    acpi_buf_u8(b, 1);
    acpi_buf_u32(b, gsi);
}

void aml_resource_template(AcpiBuf *b, const AcpiBuf *res)
{
    AcpiBuf all = {0};
    acpi_buf_append(&all, res->data, res->len);
    acpi_buf_u8(&all, RES_END_TAG);
    acpi_buf_u8(&all, 0);
    aml_buffer(b, all.data, all.len);
    acpi_buf_free(&all);
}
