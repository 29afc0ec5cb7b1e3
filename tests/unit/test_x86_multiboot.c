/*
 * The multiboot loader (machines/multiboot.c) on a bare address space:
 * ELF32 and a.out-kludge images built here, modules, the information
 * structure (Multiboot 0.6.96 §3.3), and refusal of bad images with RAM
 * left untouched.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machines/multiboot.h"
#include "softmmu/memory.h"

#define MB_RAM (4u << 20)

static MemoryRegion root, ram;
static AddressSpace as;
static char paths[4][64];

static void setup(void)
{
    memory_region_init_container(&root, "root", UINT64_MAX);
    cr_assert(memory_region_init_ram(&ram, "ram", MB_RAM));
    memory_region_add_subregion(&root, 0, &ram, 0);
    address_space_init(&as, &root, "memory");
    for (int i = 0; i < 4; i++)
        snprintf(paths[i], sizeof paths[i], "/tmp/doppel-mb-%d-%d.bin", (int)getpid(), i);
}

static void teardown(void)
{
    for (int i = 0; i < 4; i++)
        unlink(paths[i]);
    address_space_destroy(&as);
    memory_region_destroy(&ram);
    memory_region_destroy(&root);
}

TestSuite(x86_multiboot, .init = setup, .fini = teardown);

static void put32(uint8_t *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)(v >> (8 * i));
}

static void put16(uint8_t *b, uint16_t v)
{
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
}

static uint32_t ram32(uint32_t addr)
{
    uint8_t b[4];
    cr_assert_eq(dma_read(&as, addr, b, 4), MEMTX_OK);
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void ram_string(uint32_t addr, char *buf, size_t len)
{
    cr_assert_eq(dma_read(&as, addr, buf, len - 1), MEMTX_OK);
    buf[len - 1] = '\0';
}

static void write_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void put_mb_header(uint8_t *b, uint32_t flags)
{
    put32(b, MULTIBOOT_HEADER_MAGIC);
    put32(b + 4, flags);
    put32(b + 8, -(MULTIBOOT_HEADER_MAGIC + flags));
}

/* An ELF32 i386 executable: one PT_LOAD of 16 file bytes (0xc3 fill,
 * the multiboot header at file offset 0x80) at paddr, memsz 0x100; entry
 * paddr + 4.  elf_class 2 makes it look 64-bit. */
static size_t make_elf(uint8_t *img, uint32_t paddr, uint8_t elf_class)
{
    memset(img, 0, 0x200);
    memcpy(img, "\177ELF", 4);
    img[4] = elf_class;
    img[5] = 1; /* little-endian */
    img[6] = 1;
    put16(img + 16, 2); /* ET_EXEC */
    put16(img + 18, 3); /* EM_386 */
    put32(img + 20, 1);
    put32(img + 24, paddr + 4);
    put32(img + 28, 52); /* phoff */
    put16(img + 40, 52);
    put16(img + 42, 32);
    put16(img + 44, 1);
    uint8_t *ph = img + 52;
    put32(ph, 1);         /* PT_LOAD */
    put32(ph + 4, 0x80);  /* offset */
    put32(ph + 8, paddr); /* vaddr */
    put32(ph + 12, paddr);
    put32(ph + 16, 0x20);  /* filesz */
    put32(ph + 20, 0x100); /* memsz */
    put_mb_header(img + 0x80, 3);
    memset(img + 0x8c, 0xc3, 0x14);
    return 0xa0;
}

Test(x86_multiboot, elf_segments_bss_and_info)
{
    uint8_t img[0x200];
    write_file(paths[0], img, make_elf(img, 0x100000, 1));
    /* Garbage where the bss goes: the loader zeroes it. */
    uint8_t junk[0x110];
    memset(junk, 0xee, sizeof junk);
    dma_write(&as, 0x100000, junk, sizeof junk);
    MultibootArgs args = {.kernel = paths[0], .append = "console=ttyS0 x=1"};
    MultibootBoot boot;
    char err[256] = "";
    cr_assert(multiboot_load(&as, MB_RAM, &args, &boot, err, sizeof err), "%s", err);
    cr_expect_eq(boot.entry, 0x100004);
    cr_expect_eq(boot.info_addr, MULTIBOOT_INFO_ADDR);
    cr_expect_eq(ram32(0x100000), MULTIBOOT_HEADER_MAGIC);
    cr_expect_eq(ram32(0x10001c), 0xc3c3c3c3);
    cr_expect_eq(ram32(0x100020), 0, "bss zeroed");
    cr_expect_eq(ram32(0x1000fc), 0, "bss zeroed to memsz");
    cr_expect_eq(ram32(0x100100), 0xeeeeeeee, "nothing past memsz");

    uint32_t mbi = boot.info_addr;
    uint32_t flags = ram32(mbi);
    cr_expect_eq(flags & 0x24d, 0x24d, "mem, cmdline, mods, mmap, loader name: 0x%x", flags);
    cr_expect_eq(ram32(mbi + 4), 639);
    cr_expect_eq(ram32(mbi + 8), (MB_RAM - 0x100000) / 1024);
    char s[128], want[128];
    ram_string(ram32(mbi + 16), s, sizeof s);
    snprintf(want, sizeof want, "%s console=ttyS0 x=1", paths[0]);
    cr_expect_eq(strncmp(s, want, strlen(want) + 1), 0, "cmdline '%s'", s);
    cr_expect_eq(ram32(mbi + 20), 0, "no modules");
    ram_string(ram32(mbi + 64), s, sizeof s);
    cr_expect_eq(strncmp(s, "doppel", 7), 0);
    /* mmap: size 20 entries; the last one is RAM from 1 MiB to the end. */
    uint32_t len = ram32(mbi + 44), addr = ram32(mbi + 48);
    cr_expect_eq(len % 24, 0);
    cr_expect_eq(ram32(addr), 20);
    cr_expect_eq(ram32(addr + 4), 0);
    cr_expect_eq(ram32(addr + 12), 0x9fc00);
    cr_expect_eq(ram32(addr + 20), 1);
    uint32_t last = addr + len - 24;
    cr_expect_eq(ram32(last + 4), 0x100000);
    cr_expect_eq(ram32(last + 12), MB_RAM - 0x100000);
    cr_expect_eq(ram32(last + 20), 1);
}

Test(x86_multiboot, aout_kludge_layout)
{
    /* Flat image loaded at 0x200000, header at file offset 8 ->
     * header_addr 0x200008; 0x40 file bytes, bss to 0x200100. */
    uint8_t img[0x40];
    memset(img, 0x90, sizeof img);
    put_mb_header(img + 8, 0x10003);
    put32(img + 8 + 12, 0x200008);
    put32(img + 8 + 16, 0x200000);
    put32(img + 8 + 20, 0);        /* load to the end of the file */
    put32(img + 8 + 24, 0x200100); /* bss end */
    put32(img + 8 + 28, 0x200030);
    write_file(paths[0], img, sizeof img);
    uint8_t junk[0x200];
    memset(junk, 0xee, sizeof junk);
    dma_write(&as, 0x200000, junk, sizeof junk);
    MultibootArgs args = {.kernel = paths[0]};
    MultibootBoot boot;
    char err[256] = "";
    cr_assert(multiboot_load(&as, MB_RAM, &args, &boot, err, sizeof err), "%s", err);
    cr_expect_eq(boot.entry, 0x200030);
    cr_expect_eq(ram32(0x200000), 0x90909090);
    cr_expect_eq(ram32(0x200008), MULTIBOOT_HEADER_MAGIC);
    cr_expect_eq(ram32(0x20003c), 0x90909090);
    cr_expect_eq(ram32(0x200040), 0, "bss zeroed");
    cr_expect_eq(ram32(0x2000fc), 0);
    cr_expect_eq(ram32(0x200100), 0xeeeeeeee);
}

Test(x86_multiboot, modules_from_initrd)
{
    uint8_t img[0x200];
    write_file(paths[0], img, make_elf(img, 0x100000, 1));
    write_file(paths[1], (const uint8_t *)"module one", 10);
    write_file(paths[2], (const uint8_t *)"two", 3);
    char initrd[256];
    snprintf(initrd, sizeof initrd, "%s a,,b,%s", paths[1], paths[2]);
    MultibootArgs args = {.kernel = paths[0], .initrd = initrd};
    MultibootBoot boot;
    char err[256] = "";
    cr_assert(multiboot_load(&as, MB_RAM, &args, &boot, err, sizeof err), "%s", err);
    uint32_t mbi = boot.info_addr;
    cr_assert_eq(ram32(mbi + 20), 2);
    uint32_t mods = ram32(mbi + 24);
    uint32_t start0 = ram32(mods), end0 = ram32(mods + 4);
    uint32_t start1 = ram32(mods + 16), end1 = ram32(mods + 20);
    cr_expect_eq(start0 & 0xfff, 0, "page aligned");
    cr_expect_geq(start0, 0x100100, "above the kernel");
    cr_expect_eq(end0 - start0, 10);
    cr_expect_eq(start1 & 0xfff, 0);
    cr_expect_geq(start1, end0);
    cr_expect_eq(end1 - start1, 3);
    cr_expect_eq(ram32(start0), 0x75646f6d, "'modu'");
    char s[128], want[128];
    ram_string(ram32(mods + 8), s, sizeof s);
    snprintf(want, sizeof want, "%s a,b", paths[1]);
    cr_expect_eq(strncmp(s, want, strlen(want) + 1), 0, "module string '%s'", s);
    ram_string(ram32(mods + 24), s, sizeof s);
    cr_expect_eq(strncmp(s, paths[2], strlen(paths[2]) + 1), 0, "module string '%s'", s);
}

/* A refused image: false, an error naming the problem, RAM untouched. */
static void expect_refused(const MultibootArgs *args, const char *why)
{
    uint8_t junk[16];
    memset(junk, 0xee, sizeof junk);
    dma_write(&as, MULTIBOOT_INFO_ADDR, junk, sizeof junk);
    MultibootBoot boot;
    char err[256] = "";
    cr_expect_not(multiboot_load(&as, MB_RAM, args, &boot, err, sizeof err));
    cr_expect_not_null(strstr(err, why), "error '%s' should say '%s'", err, why);
    cr_expect_eq(ram32(MULTIBOOT_INFO_ADDR), 0xeeeeeeee, "RAM written on error");
}

Test(x86_multiboot, refuses_bad_images)
{
    uint8_t img[0x200];
    MultibootArgs args = {.kernel = paths[0]};

    memset(img, 0, sizeof img);
    write_file(paths[0], img, sizeof img);
    expect_refused(&args, "no multiboot header");

    write_file(paths[0], img, make_elf(img, 0x100000, 2));
    expect_refused(&args, "64-bit");

    write_file(paths[0], img, make_elf(img, MB_RAM - 0x80, 1));
    expect_refused(&args, "outside RAM");

    write_file(paths[0], img, make_elf(img, MULTIBOOT_INFO_ADDR - 0x80, 1));
    expect_refused(&args, "overlaps the multiboot information");

    make_elf(img, 0x100000, 1);
    put_mb_header(img + 0x80, 3 | 0x8); /* an unknown required flag */
    write_file(paths[0], img, 0xa0);
    expect_refused(&args, "unknown features");

    /* Flat image without address fields: not ELF. */
    memset(img, 0, sizeof img);
    put_mb_header(img, 3);
    write_file(paths[0], img, 64);
    expect_refused(&args, "not an ELF file");

    args.kernel = "/nonexistent/kernel";
    expect_refused(&args, "No such file");

    write_file(paths[0], img, make_elf(img, 0x100000, 1));
    args.kernel = paths[0];
    args.initrd = "/nonexistent/module";
    expect_refused(&args, "-initrd /nonexistent/module");
}

Test(x86_multiboot, header_search_limits)
{
    uint8_t img[9000];
    memset(img, 0, sizeof img);
    put_mb_header(img + 8180, 3); /* ends at 8192: found */
    cr_expect_eq(multiboot_find_header(img, sizeof img), 8180);
    memset(img, 0, sizeof img);
    put_mb_header(img + 8184, 3); /* crosses 8192: not found */
    cr_expect_eq(multiboot_find_header(img, sizeof img), -1);
    memset(img, 0, sizeof img);
    put_mb_header(img + 6, 3); /* not 32-bit aligned */
    cr_expect_eq(multiboot_find_header(img, sizeof img), -1);
    put_mb_header(img + 12, 3);
    put32(img + 20, 0); /* bad checksum */
    cr_expect_eq(multiboot_find_header(img, sizeof img), -1);
}
