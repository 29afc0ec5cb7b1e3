/*
 * A small AML encoder (ACPI 6.4 §20, "ACPI Machine Language
 * Specification") for the tables doppel's boards build, plus the growable
 * byte buffer the tables are assembled in.
 *
 * Objects with a PkgLength (Scope, Device, Method, If, Else, Package,
 * Buffer) are opened and closed: aml_*_open writes the opcode and returns a
 * mark; what follows is the object's body until aml_close(b, mark) inserts
 * the PkgLength.  Closing inner objects first keeps outer marks valid.
 *
 *     size_t dev = aml_device_open(b, "PCI0");
 *     aml_name_decl(b, "_HID");
 *     aml_eisaid(b, "PNP0A03");
 *     aml_close(b, dev);
 *
 * Resource templates are built with aml_res_* into their own buffer and
 * wrapped by aml_resource_template, which appends the end tag.
 */
#ifndef DOPPEL_ACPI_AML_H
#define DOPPEL_ACPI_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct AcpiBuf {
    uint8_t *data;
    size_t len, cap;
} AcpiBuf;

/* A zeroed buffer starts empty; free gives it back to that state. */
void acpi_buf_free(AcpiBuf *b);
void acpi_buf_append(AcpiBuf *b, const void *data, size_t len);
/* Append len zero bytes; returns their offset. */
size_t acpi_buf_reserve(AcpiBuf *b, size_t len);
void acpi_buf_u8(AcpiBuf *b, uint8_t v);
void acpi_buf_u16(AcpiBuf *b, uint16_t v); /* little-endian, as all ACPI fields */
void acpi_buf_u32(AcpiBuf *b, uint32_t v);
void acpi_buf_u64(AcpiBuf *b, uint64_t v);
/* Store a little-endian value of size 1-8 at an offset already present. */
void acpi_buf_put(AcpiBuf *b, size_t offset, uint64_t v, unsigned size);
/* Sum of len bytes (tables are valid when theirs is 0). */
uint8_t acpi_checksum(const uint8_t *data, size_t len);

/* ---- encodings (§20.2) ---- */

/* PkgLength of a body of body_len bytes (§20.2.4): the value counts its
 * own 1-4 bytes.  Returns the bytes written (0 if too long: > 2^28 - 5). */
unsigned aml_pkg_length(AcpiBuf *b, size_t body_len);
/* Integer with the shortest encoding: ZeroOp, OneOp, Byte/Word/DWord/
 * QWordPrefix (§20.2.3).  No OnesOp: its value depends on the table's
 * revision. */
void aml_integer(AcpiBuf *b, uint64_t v);
/* Always DWordPrefix, for values a loader patches later. */
void aml_dword(AcpiBuf *b, uint32_t v);
void aml_string(AcpiBuf *b, const char *s); /* StringPrefix ... NUL */
/* NameString (§20.2.2): "\\" root and "^" parent prefixes, segments of up
 * to four characters separated by '.', padded with '_'.  An empty path
 * is NullName. */
void aml_name_string(AcpiBuf *b, const char *path);
/* EISA id "PNP0A03" as its compressed DWord (ACPI 6.4 §6.1.5). */
void aml_eisaid(AcpiBuf *b, const char *id);

/* ---- named objects and statements (§20.2.5) ---- */

void aml_name_decl(AcpiBuf *b, const char *name); /* NameOp name; the value follows */
size_t aml_scope_open(AcpiBuf *b, const char *path);
size_t aml_device_open(AcpiBuf *b, const char *name);
/* Method with nargs (0-7) arguments, not serialized. */
size_t aml_method_open(AcpiBuf *b, const char *name, unsigned nargs);
size_t aml_if_open(AcpiBuf *b); /* the predicate comes first in the body */
size_t aml_else_open(AcpiBuf *b);
/* Package of n elements (n < 256); the elements follow. */
size_t aml_package_open(AcpiBuf *b, unsigned n);
void aml_close(AcpiBuf *b, size_t mark);
/* Buffer of bytes: BufferOp PkgLength BufferSize ByteList. */
void aml_buffer(AcpiBuf *b, const uint8_t *data, size_t len);

void aml_return(AcpiBuf *b);            /* ReturnOp; the value follows */
void aml_store(AcpiBuf *b);             /* StoreOp; source then target follow */
void aml_lequal(AcpiBuf *b);            /* LEqualOp; two operands follow */
void aml_arg(AcpiBuf *b, unsigned n);   /* Arg0-Arg6 */
void aml_local(AcpiBuf *b, unsigned n); /* Local0-Local7 */

/* ---- resource descriptors (ACPI 6.4 §6.4) ---- */

/* I/O Port Descriptor, 16-bit decode. */
void aml_res_io(AcpiBuf *b, uint16_t min, uint16_t max, uint8_t align, uint8_t len);
/* IRQ Descriptor without the flags byte: edge, active high (ISA). */
void aml_res_irq_noflags(AcpiBuf *b, uint8_t irq);
/* DMA Descriptor: channel, compatibility timing, 8-bit, not bus master. */
void aml_res_dma(AcpiBuf *b, uint8_t channel);
/* Address space descriptors of a bridge: producer, positive decode, fixed
 * minimum and maximum, length = max - min + 1. */
void aml_res_word_bus_number(AcpiBuf *b, uint16_t min, uint16_t max);
void aml_res_dword_io(AcpiBuf *b, uint32_t min, uint32_t max);
void aml_res_dword_memory(AcpiBuf *b, uint32_t min, uint32_t max, bool cacheable);
/* Extended Interrupt Descriptor, consumer, one interrupt. */
void aml_res_interrupt(AcpiBuf *b, bool level, bool active_low, bool shared, uint32_t gsi);
/* Name's value: Buffer holding the descriptors in res and the End Tag
 * (checksum 0: "treated as if the checksum operation succeeded"). */
void aml_resource_template(AcpiBuf *b, const AcpiBuf *res);

#endif
