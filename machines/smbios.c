/*
 * SMBIOS 2.8 structures (DSP0134 2.8.0, §7 "Structure definitions") and
 * the 2.1-style 32-bit entry point (§5.2.1).  A structure is its formatted
 * area (type, length, handle, fields) followed by its strings, each
 * NUL-terminated, and one more NUL (two when there are none).  String
 * fields hold the 1-based index of their string, 0 for none.
 */
#include "machines/smbios.h"

#include <stdio.h>
#include <string.h>

#define SMBIOS_MAX_STRINGS 8

enum {
    T0_LEN = 0x18,
    T1_LEN = 0x1b,
    T3_LEN = 0x16, /* no contained elements, then the SKU string */
    T4_LEN = 0x2a,
    T16_LEN = 0x17,
    T17_LEN = 0x28,
    T19_LEN = 0x1f,
    T32_LEN = 0x0b,
    T127_LEN = 0x04,
    UNKNOWN_HANDLE = 0xffff,
    NO_ERROR_INFO = 0xfffe,
    HANDLE_T3 = 0x300,
    HANDLE_T4 = 0x400, /* + cpu */
    HANDLE_T16 = 0x1000,
    HANDLE_T17 = 0x1100,
    HANDLE_T19 = 0x1300, /* + range */
};

typedef struct SmbiosWriter {
    AcpiBuf *b;
    size_t at; /* the structure being written */
    const char *strings[SMBIOS_MAX_STRINGS];
    unsigned nstrings;
    unsigned count;
    size_t max_size;
} SmbiosWriter;

static void sm_begin(SmbiosWriter *w, uint8_t type, uint8_t len, uint16_t handle)
{
    w->at = acpi_buf_reserve(w->b, len);
    w->b->data[w->at] = type;
    w->b->data[w->at + 1] = len;
    acpi_buf_put(w->b, w->at + 2, handle, 2);
    w->nstrings = 0;
}

static void sm_put(SmbiosWriter *w, unsigned field, uint64_t v, unsigned size)
{
    acpi_buf_put(w->b, w->at + field, v, size);
}

/* A string field: its index, or 0 for a NULL or empty string. */
static void sm_str(SmbiosWriter *w, unsigned field, const char *s)
{
    if (!s || !*s || w->nstrings == SMBIOS_MAX_STRINGS) return;
    w->strings[w->nstrings++] = s;
    sm_put(w, field, w->nstrings, 1);
}

static void sm_end(SmbiosWriter *w)
{
    for (unsigned i = 0; i < w->nstrings; i++)
        acpi_buf_append(w->b, w->strings[i], strlen(w->strings[i]) + 1);
    if (!w->nstrings) acpi_buf_u8(w->b, 0);
    acpi_buf_u8(w->b, 0);
    size_t size = w->b->len - w->at;
    if (size > w->max_size) w->max_size = size;
    w->count++;
}

/* §7.1 BIOS Information */
static void sm_type0(SmbiosWriter *w, const SmbiosConfig *cfg)
{
    sm_begin(w, 0, T0_LEN, 0x000);
    sm_str(w, 0x04, cfg->bios_vendor);
    sm_str(w, 0x05, cfg->bios_version);
    sm_put(w, 0x06, 0xe800, 2); /* starting segment */
    sm_str(w, 0x08, cfg->bios_date);
    sm_put(w, 0x0a, 1u << 3, 8); /* characteristics not supported */
    sm_put(w, 0x13, 1u << 2, 1); /* targeted content distribution */
    sm_put(w, 0x16, 0xffff, 2);  /* no embedded controller */
    sm_end(w);
}

/* §7.2 System Information */
static void sm_type1(SmbiosWriter *w, const SmbiosConfig *cfg)
{
    sm_begin(w, 1, T1_LEN, 0x100);
    sm_str(w, 0x04, cfg->manufacturer);
    sm_str(w, 0x05, cfg->product);
    sm_str(w, 0x06, cfg->version);
    memcpy(w->b->data + w->at + 0x08, cfg->uuid, 16);
    sm_put(w, 0x18, 0x06, 1); /* wake-up type: power switch */
    sm_end(w);
}

/* §7.4 System Enclosure */
static void sm_type3(SmbiosWriter *w, const SmbiosConfig *cfg)
{
    sm_begin(w, 3, T3_LEN, HANDLE_T3);
    sm_str(w, 0x04, cfg->manufacturer);
    sm_put(w, 0x05, 0x01, 1); /* other */
    sm_str(w, 0x06, cfg->version);
    for (unsigned f = 0x09; f <= 0x0b; f++)
        sm_put(w, f, 0x03, 1); /* boot-up, power supply, thermal state: safe */
    sm_put(w, 0x0c, 0x02, 1);  /* security: unknown */
    sm_end(w);
}

/* §7.5 Processor Information */
static void sm_type4(SmbiosWriter *w, const SmbiosConfig *cfg, unsigned cpu)
{
    char socket[16];
    snprintf(socket, sizeof socket, "CPU %u", cpu & 0xffff);
    sm_begin(w, 4, T4_LEN, (uint16_t)(HANDLE_T4 + cpu));
    sm_str(w, 0x04, socket);
    sm_put(w, 0x05, 0x03, 1); /* central processor */
    sm_put(w, 0x06, 0xfe, 1); /* family: see family 2 */
    sm_str(w, 0x07, cfg->manufacturer);
    sm_put(w, 0x08, cfg->cpuid_eax, 4);
    sm_put(w, 0x0c, cfg->cpuid_edx, 4);
    sm_put(w, 0x14, 2000, 2); /* max and current speed, MHz */
    sm_put(w, 0x16, 2000, 2);
    sm_put(w, 0x18, 0x41, 1); /* socket populated, cpu enabled */
    sm_put(w, 0x19, 0x01, 1); /* upgrade: other */
    for (unsigned f = 0x1a; f <= 0x1e; f += 2)
        sm_put(w, f, UNKNOWN_HANDLE, 2); /* no cache information */
    sm_put(w, 0x23, 1, 1);               /* cores, enabled cores, threads */
    sm_put(w, 0x24, 1, 1);
    sm_put(w, 0x25, 1, 1);
    sm_put(w, 0x26, 0x02, 2); /* characteristics: unknown */
    sm_put(w, 0x28, 0x01, 2); /* family 2: other */
    sm_end(w);
}

/* §7.17 Physical Memory Array, §7.18 Memory Device */
static void sm_memory_device(SmbiosWriter *w, uint64_t ram)
{
    uint64_t kib = ram >> 10, mib = ram >> 20;
    sm_begin(w, 16, T16_LEN, HANDLE_T16);
    sm_put(w, 0x04, 0x01, 1); /* location: other */
    sm_put(w, 0x05, 0x03, 1); /* system memory */
    sm_put(w, 0x06, 0x06, 1); /* multi-bit ECC */
    if (kib < 0x80000000u) {
        sm_put(w, 0x07, kib, 4);
    } else {
        sm_put(w, 0x07, 0x80000000u, 4);
        sm_put(w, 0x0f, ram, 8); /* extended, bytes */
    }
    sm_put(w, 0x0b, NO_ERROR_INFO, 2);
    sm_put(w, 0x0d, 1, 2);
    sm_end(w);

    sm_begin(w, 17, T17_LEN, HANDLE_T17);
    sm_put(w, 0x04, HANDLE_T16, 2);
    sm_put(w, 0x06, NO_ERROR_INFO, 2);
    sm_put(w, 0x08, 0xffff, 2); /* total and data width unknown */
    sm_put(w, 0x0a, 0xffff, 2);
    if (mib < 0x7fff) {
        sm_put(w, 0x0c, mib, 2);
    } else {
        sm_put(w, 0x0c, 0x7fff, 2);
        sm_put(w, 0x1c, mib, 4);
    }
    sm_put(w, 0x0e, 0x09, 1); /* DIMM */
    sm_str(w, 0x10, "DIMM 0");
    sm_put(w, 0x12, 0x07, 1); /* RAM */
    sm_put(w, 0x13, 0x02, 2); /* type detail: other */
    sm_end(w);
}

/* §7.20 Memory Array Mapped Address: [start, start + len) */
static void sm_type19(SmbiosWriter *w, unsigned n, uint64_t start, uint64_t len)
{
    uint64_t end = start + len - 1;
    sm_begin(w, 19, T19_LEN, (uint16_t)(HANDLE_T19 + n));
    if (end >> 10 < 0xffffffffu) {
        sm_put(w, 0x04, start >> 10, 4);
        sm_put(w, 0x08, end >> 10, 4);
    } else {
        sm_put(w, 0x04, 0xffffffffu, 4);
        sm_put(w, 0x08, 0xffffffffu, 4);
        sm_put(w, 0x0f, start, 8);
        sm_put(w, 0x17, end, 8);
    }
    sm_put(w, 0x0c, HANDLE_T16, 2);
    sm_put(w, 0x0e, 1, 1); /* partition width */
    sm_end(w);
}

/* §5.2.1: the 2.1 (32-bit) entry point. */
static void sm_anchor(AcpiBuf *a, const SmbiosWriter *w)
{
    acpi_buf_reserve(a, SMBIOS_ANCHOR_SIZE);
    memcpy(a->data, "_SM_", 4);
    a->data[5] = SMBIOS_ANCHOR_SIZE;
    a->data[6] = 2; /* version 2.8 */
    a->data[7] = 8;
    acpi_buf_put(a, 8, w->max_size, 2);
    memcpy(a->data + 16, "_DMI_", 5);
    acpi_buf_put(a, 22, w->b->len, 2);
    acpi_buf_put(a, 28, w->count, 2);
    a->data[30] = 0x28; /* BCD revision */
    a->data[21] = (uint8_t)-acpi_checksum(a->data + 16, 15);
    a->data[4] = (uint8_t)-acpi_checksum(a->data, SMBIOS_ANCHOR_SIZE);
}

bool smbios_build(const SmbiosConfig *cfg, AcpiBuf *tables, AcpiBuf *anchor, char *err, size_t len)
{
    if (!cfg->ncpus || !(cfg->ram_below_4g + cfg->ram_above_4g)) {
        snprintf(err, len, "SMBIOS: no cpu or no RAM");
        return false;
    }
    SmbiosWriter w = {.b = tables};
    sm_type0(&w, cfg);
    sm_type1(&w, cfg);
    sm_type3(&w, cfg);
    for (unsigned i = 0; i < cfg->ncpus; i++)
        sm_type4(&w, cfg, i);
    sm_memory_device(&w, cfg->ram_below_4g + cfg->ram_above_4g);
    unsigned n = 0;
    if (cfg->ram_below_4g) sm_type19(&w, n++, 0, cfg->ram_below_4g);
    if (cfg->ram_above_4g) sm_type19(&w, n++, 1ull << 32, cfg->ram_above_4g);
    sm_begin(&w, 32, T32_LEN, 0x2000); /* §7.33: boot status 0, no errors */
    sm_end(&w);
    sm_begin(&w, 127, T127_LEN, 0x7f00);
    sm_end(&w);
    if (tables->len > UINT16_MAX) {
        snprintf(err, len, "SMBIOS: %zu bytes of structures (64 KiB at most)", tables->len);
        return false;
    }
    sm_anchor(anchor, &w);
    return true;
}
