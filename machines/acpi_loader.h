/*
 * QEMU's BIOS linker/loader ("etc/table-loader"): a list of 128-byte
 * little-endian commands telling firmware how to place fw_cfg files in
 * guest memory and link them (QEMU hw/acpi/bios-linker-loader.c, SeaBIOS
 * src/fw/romfile_loader.c):
 *   ALLOCATE      copy a file into a zone (HIGH: anywhere in RAM below
 *                 4 GiB; FSEG: 0xe0000-0xfffff) at a power-of-two alignment;
 *   ADD_POINTER   add the address of one allocated file to the 1/2/4/8-byte
 *                 little-endian value at an offset of another;
 *   ADD_CHECKSUM  subtract the byte sum of a range from a checksum byte, so
 *                 the range sums to zero.
 *
 * The writer side builds the blob for SeaBIOS; acpi_loader_run executes it
 * itself for boots without firmware (direct Linux boot).
 */
#ifndef DOPPEL_ACPI_LOADER_H
#define DOPPEL_ACPI_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machines/acpi_aml.h"

typedef struct AddressSpace AddressSpace;

#define ACPI_LOADER_ENTRY_SIZE 128u
#define ACPI_LOADER_FILESZ     56u /* file names, NUL-terminated */

enum {
    ACPI_LOADER_ALLOCATE = 1,
    ACPI_LOADER_ADD_POINTER = 2,
    ACPI_LOADER_ADD_CHECKSUM = 3,
    ACPI_LOADER_WRITE_POINTER = 4, /* writes back to fw_cfg: skipped here */
};

enum {
    ACPI_LOADER_ZONE_HIGH = 1,
    ACPI_LOADER_ZONE_FSEG = 2,
};

/* ---- writer ---- */

void acpi_loader_allocate(AcpiBuf *cmds, const char *file, uint32_t align, uint8_t zone);
void acpi_loader_add_pointer(AcpiBuf *cmds, const char *dest_file, const char *src_file,
                             uint32_t offset, uint8_t size);
void acpi_loader_add_checksum(AcpiBuf *cmds, const char *file, uint32_t offset, uint32_t start,
                              uint32_t length);

/* ---- executor ---- */

typedef struct AcpiLoaderFile {
    const char *name;
    const uint8_t *data;
    size_t len;
} AcpiLoaderFile;

/* Guest-physical ranges [start, end) the zones allocate from, upwards. */
typedef struct AcpiLoaderZones {
    uint64_t high_start, high_end;
    uint64_t fseg_start, fseg_end;
} AcpiLoaderZones;

/* Run the commands over copies of files, then write every allocated file
 * into as (ROM too).  *rsdp_addr is where "etc/acpi/rsdp" went, or else
 * the first allocated file starting with "RSD PTR ".  False with one line
 * in err (nothing written) for a malformed command, a missing or twice
 * allocated file, a full zone, or no RSDP; a zone outside guest memory
 * fails after the files that fit were written. */
bool acpi_loader_run(AddressSpace *as, const uint8_t *cmds, size_t cmds_len,
                     const AcpiLoaderFile *files, unsigned nfiles, const AcpiLoaderZones *zones,
                     uint64_t *rsdp_addr, char *err, size_t errlen);

#endif
