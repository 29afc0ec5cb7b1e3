/*
 * SMBIOS 2.8 tables (DMTF DSP0134 2.8) for the PC, as the two fw_cfg files
 * SeaBIOS's smbios_romfile_setup installs: "etc/smbios/smbios-tables" (the
 * structures) and "etc/smbios/smbios-anchor" (the 31-byte 32-bit entry
 * point, whose table address and checksums SeaBIOS fills in).  Structures:
 * types 0, 1, 3, 4 (one per cpu), 16, 17, 19 (one per RAM range), 32, 127.
 */
#ifndef DOPPEL_SMBIOS_H
#define DOPPEL_SMBIOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machines/acpi_aml.h"

#define SMBIOS_FILE_TABLES "etc/smbios/smbios-tables"
#define SMBIOS_FILE_ANCHOR "etc/smbios/smbios-anchor"
#define SMBIOS_ANCHOR_SIZE 31u

typedef struct SmbiosConfig {
    const char *bios_vendor, *bios_version, *bios_date; /* type 0 */
    const char *manufacturer, *product, *version;       /* types 1 and 3 */
    uint8_t uuid[16];                                   /* type 1, as stored */
    unsigned ncpus;
    uint32_t cpuid_eax, cpuid_edx; /* type 4 processor id: CPUID leaf 1 */
    uint64_t ram_below_4g;         /* RAM [0, below_4g) ... */
    uint64_t ram_above_4g;         /* ... and [4 GiB, 4 GiB + above_4g) */
} SmbiosConfig;

/* Fill the structures and the entry point; false with one line in err for
 * no cpu or no RAM. */
bool smbios_build(const SmbiosConfig *cfg, AcpiBuf *tables, AcpiBuf *anchor, char *err, size_t len);

#endif
