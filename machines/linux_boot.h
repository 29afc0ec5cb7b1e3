/*
 * Direct Linux boot on the PC (-kernel bzImage -initrd -append): the x86
 * Linux boot protocol's 32-bit entry (Linux Documentation/arch/x86/boot.rst,
 * "32-bit BOOT PROTOCOL"), with no firmware in between.  doppel does what a
 * boot loader does: it loads the protected-mode kernel at 1 MiB, the initrd
 * as high as the kernel allows, builds the zero page (struct boot_params:
 * the setup header, the command line pointer, the E820 map, the ACPI RSDP
 * address) and starts the cpu at code32_start in flat protected mode with
 * ESI pointing at the zero page.
 *
 * Memory the loader uses (physical):
 *   0x1000   the boot GDT (__BOOT_CS 0x10, __BOOT_DS 0x18)
 *   0x7000   the zero page (4 KiB)
 *   0x20000  the command line (up to the kernel's cmdline_size)
 *   1 MiB    the protected-mode kernel
 *   initrd   page-aligned, ending at min(initrd_addr_max, ram_top)
 */
#ifndef DOPPEL_LINUX_BOOT_H
#define DOPPEL_LINUX_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machines/e820.h"

struct AddressSpace;

#define LINUX_BOOT_GDT       0x1000u
#define LINUX_BOOT_PARAMS    0x7000u
#define LINUX_BOOT_CMDLINE   0x20000u
#define LINUX_BOOT_KERNEL    0x100000u
#define LINUX_BOOT_CODE_SEL  0x10u
#define LINUX_BOOT_DATA_SEL  0x18u
#define LINUX_BOOT_GDT_LIMIT 0x1fu

typedef struct LinuxBootArgs {
    const char *kernel;
    const char *initrd;  /* NULL: none */
    const char *cmdline; /* NULL: empty */
    uint64_t ram_top;    /* end of the RAM the initrd may use (below 4 GiB) */
    const E820Map *e820;
    uint64_t acpi_rsdp; /* 0: none (the kernel scans for it) */
} LinuxBootArgs;

typedef struct LinuxBoot {
    uint32_t entry;       /* code32_start */
    uint32_t boot_params; /* ESI */
    uint16_t protocol;    /* boot protocol version, e.g. 0x020f */
    uint32_t initrd_addr, initrd_size;
} LinuxBoot;

/* True if image starts like a bzImage (the "HdrS" setup header). */
bool linux_boot_is_bzimage(const uint8_t *image, size_t len);

/* Load and build the zero page.  False with one line in err ("-kernel
 * f: ...", "-initrd f: ...") when the files are unusable or do not fit;
 * then nothing is written to guest memory. */
bool linux_boot_load(struct AddressSpace *as, const LinuxBootArgs *args, LinuxBoot *out, char *err,
                     size_t errlen);

#endif
