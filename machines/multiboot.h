/*
 * Multiboot 0.6.96 ("the Multiboot Specification", version 0.6.96) loading
 * of -kernel for the x86 boards: the header in the first 8192 bytes, an
 * ELF32 image or the a.out-kludge layout (header flag 16), -initrd as boot
 * modules and the multiboot information structure in low memory.
 *
 * Memory the loader uses (physical):
 *   0x9000 ..          the information structure, memory map, module list
 *                      and strings (below 0x9fc00; a kernel segment there
 *                      is an error)
 *   kernel segments    wherever the image says, inside RAM
 *   modules            page-aligned, from max(kernel end, 1 MiB) upward
 */
#ifndef DOPPEL_MULTIBOOT_H
#define DOPPEL_MULTIBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct AddressSpace;

#define MULTIBOOT_HEADER_MAGIC     0x1BADB002u /* in the image's header */
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u /* in EAX at the entry */
#define MULTIBOOT_SEARCH_BYTES     8192u
#define MULTIBOOT_INFO_ADDR        0x9000u
#define MULTIBOOT_LOW_MEM_END      0x9fc00u /* 639 KiB: mem_lower */

/* What to load: paths as on the command line (-append may be NULL,
 * -initrd is "file [args],file [args],..." with ",," for a literal comma,
 * or NULL). */
typedef struct MultibootArgs {
    const char *kernel;
    const char *append;
    const char *initrd;
} MultibootArgs;

/* Where the kernel starts (EIP) and where the information structure is
 * (EBX), as x86_setup_multiboot_state takes them; and the physical range
 * the kernel image covers, bss included. */
typedef struct MultibootBoot {
    uint32_t entry;
    uint32_t info_addr;
    uint32_t kernel_start, kernel_end;
    uint32_t mods_count;
} MultibootBoot;

/* Offset of a valid multiboot header in the first MULTIBOOT_SEARCH_BYTES
 * of image, or -1. */
long multiboot_find_header(const uint8_t *image, size_t len);

/* Load args into RAM [0, ram_size) of as and build the information
 * structure.  False with one line in err ("-kernel x.elf: ...") and
 * nothing written to guest memory when the images are unusable. */
bool multiboot_load(struct AddressSpace *as, uint64_t ram_size, const MultibootArgs *args,
                    MultibootBoot *out, char *err, size_t errlen);

#endif
