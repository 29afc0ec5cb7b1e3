/*
 * Direct Linux boot through the 32-bit boot protocol (machines/linux_boot.h).
 * Field offsets are those of Documentation/arch/x86/boot.rst ("THE REAL-MODE
 * KERNEL HEADER") and of struct boot_params (Documentation/arch/x86/
 * zero-page.rst).
 */
#include "machines/linux_boot.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/load_file.h"
#include "softmmu/memory.h"

/* Setup header (offsets in the bzImage and in the zero page alike). */
enum {
    HDR_SETUP_SECTS = 0x1f1,
    HDR_BOOT_FLAG = 0x1fe,
    HDR_JUMP = 0x200,
    HDR_MAGIC = 0x202,
    HDR_VERSION = 0x206,
    HDR_TYPE_OF_LOADER = 0x210,
    HDR_LOADFLAGS = 0x211,
    HDR_CODE32_START = 0x214,
    HDR_RAMDISK_IMAGE = 0x218,
    HDR_RAMDISK_SIZE = 0x21c,
    HDR_HEAP_END_PTR = 0x224,
    HDR_CMD_LINE_PTR = 0x228,
    HDR_INITRD_ADDR_MAX = 0x22c,
    HDR_CMDLINE_SIZE = 0x238,
};

/* Zero page fields outside the setup header. */
enum {
    BP_ACPI_RSDP_ADDR = 0x070,
    BP_E820_ENTRIES = 0x1e8,
    BP_SENTINEL = 0x1ef,
    BP_E820_TABLE = 0x2d0,
    BP_E820_MAX = 128,
    BP_SIZE = 0x1000,
};

enum {
    LOADFLAG_LOADED_HIGH = 0x01,
    HDR_MAGIC_VALUE = 0x53726448, /* "HdrS" */
    PROTOCOL_MIN = 0x0202,        /* cmd_line_ptr; the 32-bit entry is documented from here */
    PROTOCOL_INITRD_MAX = 0x0203, /* initrd_addr_max present */
    PROTOCOL_CMDLINE_SIZE = 0x0206,
    LOADER_UNDEFINED = 0xff,
    CMDLINE_SIZE_OLD = 255, /* before cmdline_size (2.06) */
    INITRD_MAX_OLD = 0x37ffffff,
};

static bool fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return false;
}

bool linux_boot_is_bzimage(const uint8_t *image, size_t len)
{
    return len >= HDR_MAGIC + 4 && get_le32(image + HDR_MAGIC) == HDR_MAGIC_VALUE;
}

typedef struct LinuxImages {
    uint8_t *kernel, *initrd;
    size_t kernel_size, initrd_size;
} LinuxImages;

static void images_free(LinuxImages *im)
{
    free(im->kernel);
    free(im->initrd);
}

static bool read_images(const LinuxBootArgs *a, LinuxImages *im, char *err, size_t errlen)
{
    im->kernel = load_file(a->kernel, &im->kernel_size);
    if (!im->kernel) return fail(err, errlen, "-kernel %s: %s", a->kernel, strerror(errno));
    if (a->initrd) {
        im->initrd = load_file(a->initrd, &im->initrd_size);
        if (!im->initrd) return fail(err, errlen, "-initrd %s: %s", a->initrd, strerror(errno));
    }
    return true;
}

/* The header checks: a bzImage of protocol 2.02 or later, loaded high. */
static bool check_header(const LinuxBootArgs *a, const uint8_t *k, size_t size, char *err,
                         size_t errlen)
{
    if (!linux_boot_is_bzimage(k, size) || size < 0x1000)
        return fail(err, errlen, "-kernel %s: not a Linux bzImage (no \"HdrS\" setup header)",
                    a->kernel);
    uint16_t version = get_le16(k + HDR_VERSION);
    if (version < PROTOCOL_MIN)
        return fail(err, errlen, "-kernel %s: boot protocol %u.%02u is too old (need 2.02)",
                    a->kernel, version >> 8, version & 0xff);
    if (!(k[HDR_LOADFLAGS] & LOADFLAG_LOADED_HIGH))
        return fail(err, errlen,
                    "-kernel %s: a zImage (loaded low) is not supported; use a bzImage", a->kernel);
    return true;
}

/* The GDT of the 32-bit protocol: null, null, __BOOT_CS, __BOOT_DS. */
static void write_gdt(struct AddressSpace *as)
{
    static const uint64_t gdt[4] = {
        0, 0, 0x00cf9a000000ffffull, /* 4 GiB flat code, execute/read */
        0x00cf92000000ffffull,       /* 4 GiB flat data, read/write */
    };
    uint8_t b[sizeof gdt];
    for (int i = 0; i < 4; i++)
        put_le64(b + 8 * i, gdt[i]);
    address_space_write_rom(as, LINUX_BOOT_GDT, b, sizeof b);
}

bool linux_boot_load(struct AddressSpace *as, const LinuxBootArgs *a, LinuxBoot *out, char *err,
                     size_t errlen)
{
    LinuxImages im = {0};
    if (!read_images(a, &im, err, errlen) ||
        !check_header(a, im.kernel, im.kernel_size, err, errlen)) {
        images_free(&im);
        return false;
    }
    const uint8_t *k = im.kernel;
    uint16_t version = get_le16(k + HDR_VERSION);
    unsigned setup_sects = k[HDR_SETUP_SECTS] ? k[HDR_SETUP_SECTS] : 4;
    size_t setup_size = (setup_sects + 1) * 512u;
    if (setup_size >= im.kernel_size) {
        images_free(&im);
        return fail(err, errlen, "-kernel %s: truncated (setup is %zu bytes, file %zu)", a->kernel,
                    setup_size, im.kernel_size);
    }
    size_t pm_size = im.kernel_size - setup_size;
    uint32_t cmdline_size =
        version >= PROTOCOL_CMDLINE_SIZE ? get_le32(k + HDR_CMDLINE_SIZE) : CMDLINE_SIZE_OLD;
    uint64_t initrd_max =
        version >= PROTOCOL_INITRD_MAX ? get_le32(k + HDR_INITRD_ADDR_MAX) : INITRD_MAX_OLD;
    const char *cmdline = a->cmdline ? a->cmdline : "";
    size_t cmdline_len = strlen(cmdline);

    /* Placement checks before anything is written. */
    /* The command line lives in [0x20000, 0xa0000). */
    if (cmdline_size > 0xa0000 - LINUX_BOOT_CMDLINE - 1)
        cmdline_size = 0xa0000 - LINUX_BOOT_CMDLINE - 1;
    if (cmdline_len > cmdline_size) {
        images_free(&im);
        return fail(err, errlen, "-append: %zu bytes; this kernel takes at most %u", cmdline_len,
                    cmdline_size);
    }
    uint64_t kernel_end = LINUX_BOOT_KERNEL + (uint64_t)pm_size;
    if (kernel_end > a->ram_top) {
        images_free(&im);
        return fail(err, errlen, "-kernel %s: %zu bytes do not fit in RAM", a->kernel, pm_size);
    }
    uint64_t initrd_top = a->ram_top < initrd_max + 1 ? a->ram_top : initrd_max + 1;
    uint64_t initrd_addr = 0;
    if (im.initrd) {
        if (im.initrd_size > initrd_top)
            initrd_addr = 0;
        else
            initrd_addr = (initrd_top - im.initrd_size) & ~0xfffull;
        if (!initrd_addr || initrd_addr < kernel_end) {
            images_free(&im);
            return fail(err, errlen,
                        "-initrd %s: %zu bytes do not fit between the kernel and 0x%llx; give "
                        "the guest more memory (-m)",
                        a->initrd, im.initrd_size, (unsigned long long)initrd_top);
        }
    }

    /* The zero page: the kernel's own setup header, then what we set. */
    uint8_t *bp = calloc(1, BP_SIZE);
    if (!bp) {
        images_free(&im);
        return fail(err, errlen, "out of memory");
    }
    size_t hdr_end = HDR_JUMP + 2 + k[HDR_JUMP + 1]; /* 0x202 + the jump's displacement */
    if (hdr_end > setup_size) hdr_end = setup_size;
    if (hdr_end > BP_E820_TABLE) hdr_end = BP_E820_TABLE;
    memcpy(bp + HDR_SETUP_SECTS, k + HDR_SETUP_SECTS, hdr_end - HDR_SETUP_SECTS);
    bp[BP_SENTINEL] = 0;
    bp[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
    put_le16(bp + HDR_HEAP_END_PTR, 0);
    put_le32(bp + HDR_CMD_LINE_PTR, LINUX_BOOT_CMDLINE);
    put_le32(bp + HDR_RAMDISK_IMAGE, (uint32_t)initrd_addr);
    put_le32(bp + HDR_RAMDISK_SIZE, (uint32_t)im.initrd_size);
    put_le64(bp + BP_ACPI_RSDP_ADDR, a->acpi_rsdp);
    int n = a->e820 ? a->e820->count : 0;
    if (n > BP_E820_MAX) n = BP_E820_MAX;
    bp[BP_E820_ENTRIES] = (uint8_t)n;
    for (int i = 0; i < n; i++) {
        uint8_t *e = bp + BP_E820_TABLE + 20 * i;
        put_le64(e, a->e820->entry[i].addr);
        put_le64(e + 8, a->e820->entry[i].size);
        put_le32(e + 16, a->e820->entry[i].type);
    }

    write_gdt(as);
    address_space_write_rom(as, LINUX_BOOT_PARAMS, bp, BP_SIZE);
    address_space_write_rom(as, LINUX_BOOT_CMDLINE, cmdline, cmdline_len + 1);
    address_space_write_rom(as, LINUX_BOOT_KERNEL, k + setup_size, pm_size);
    if (im.initrd) address_space_write_rom(as, initrd_addr, im.initrd, im.initrd_size);

    *out = (LinuxBoot){
        .entry = get_le32(k + HDR_CODE32_START),
        .boot_params = LINUX_BOOT_PARAMS,
        .protocol = version,
        .initrd_addr = (uint32_t)initrd_addr,
        .initrd_size = (uint32_t)im.initrd_size,
    };
    free(bp);
    images_free(&im);
    return true;
}
