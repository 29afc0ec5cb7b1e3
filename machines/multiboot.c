/*
 * Multiboot 0.6.96 loader (see multiboot.h).  Section numbers are the
 * specification's: §3.1.1 the OS image format, §3.1.2 the header layout,
 * §3.1.3 its magic fields, §3.1.4 the address fields, §3.3 the boot
 * information format.  ELF32 layout: the System V ABI and its Intel386
 * supplement (e_ident, program headers).
 *
 * Loading is planned first (headers checked, files read, addresses
 * checked against RAM and each other) and written to guest memory only
 * when the whole plan is good, so a bad image leaves RAM untouched.
 */
#include "machines/multiboot.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/load_file.h"
#include "softmmu/memory.h"

enum {
    /* §3.1.2 header flags: bits 0-15 must be understood by the loader. */
    MB_FLAG_PAGE_ALIGN = 1u << 0, /* modules page aligned: always done */
    MB_FLAG_MEMORY_INFO = 1u << 1,
    MB_FLAG_VIDEO_MODE = 1u << 2, /* a request: text mode is what there is */
    MB_FLAG_AOUT_KLUDGE = 1u << 16,
    MB_FLAGS_KNOWN_REQUIRED = MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO | MB_FLAG_VIDEO_MODE,

    /* §3.3 information structure flags and field offsets. */
    MBI_FLAG_MEM = 1u << 0,
    MBI_FLAG_CMDLINE = 1u << 2,
    MBI_FLAG_MODS = 1u << 3,
    MBI_FLAG_MMAP = 1u << 6,
    MBI_FLAG_LOADER_NAME = 1u << 9,
    MBI_FLAGS = 0,
    MBI_MEM_LOWER = 4,
    MBI_MEM_UPPER = 8,
    MBI_CMDLINE = 16,
    MBI_MODS_COUNT = 20,
    MBI_MODS_ADDR = 24,
    MBI_MMAP_LENGTH = 44,
    MBI_MMAP_ADDR = 48,
    MBI_LOADER_NAME = 64,
    MBI_SIZE = 88,     /* through the VBE fields */
    MB_MOD_SIZE = 16,  /* mod_start, mod_end, string, reserved */
    MB_MMAP_SIZE = 24, /* size (20, not counting itself), base, length, type */
    MB_MMAP_AVAILABLE = 1,
    MB_MMAP_RESERVED = 2,

    /* ELF32 (System V ABI). */
    EI_CLASS = 4,
    EI_DATA = 5,
    ELFCLASS32 = 1,
    ELFCLASS64 = 2,
    ELFDATA2LSB = 1,
    ET_EXEC = 2,
    EM_386 = 3,
    PT_LOAD = 1,
    ELF32_EHDR_SIZE = 52,
    ELF32_PHDR_SIZE = 32,
};

#define MB_MAX_SEGMENTS 32
#define MB_MAX_MODULES  32
#define MB_PAGE         0x1000u
#define MB_HIGH_MEM     0x100000u
#define MB_BIOS_START   0xf0000u /* reserved in the memory map for the PC firmware */
#define MB_LOADER_NAME  "doppel"

/* A piece of guest memory to fill: filesz bytes of data, then zeros up to
 * memsz. */
typedef struct MbSegment {
    uint32_t addr, filesz, memsz;
    const uint8_t *data;
} MbSegment;

typedef struct MbModule {
    char *string; /* the spec, ",," collapsed: the module's command line */
    uint8_t *data;
    size_t size;
    uint32_t addr;
} MbModule;

typedef struct MbPlan {
    const MultibootArgs *args;
    uint64_t ram_size;
    char *err;
    size_t errlen;
    uint8_t *image;
    size_t image_size;
    MbSegment segs[MB_MAX_SEGMENTS];
    int nsegs;
    uint32_t entry;
    uint64_t kernel_start, kernel_end;
    MbModule mods[MB_MAX_MODULES];
    int nmods;
    uint8_t *info;
    size_t info_size;
} MbPlan;

static bool mb_fail(MbPlan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool mb_fail(MbPlan *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err, p->errlen, fmt, ap);
    va_end(ap);
    return false;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

long multiboot_find_header(const uint8_t *image, size_t len)
{
    size_t limit = len < MULTIBOOT_SEARCH_BYTES ? len : MULTIBOOT_SEARCH_BYTES;
    /* §3.1.1: 32-bit aligned, wholly inside the first 8192 bytes. */
    for (size_t off = 0; off + 12 <= limit; off += 4) {
        uint32_t magic = get_le32(image + off), flags = get_le32(image + off + 4);
        if (magic != MULTIBOOT_HEADER_MAGIC) continue;
        if ((uint32_t)(magic + flags + get_le32(image + off + 8)) != 0) continue; /* §3.1.3 */
        return (long)off;
    }
    return -1;
}

/* Add a segment after checking that it fits in RAM. */
static bool mb_add_segment(MbPlan *p, uint64_t addr, uint32_t filesz, uint32_t memsz,
                           const uint8_t *data)
{
    if (memsz == 0) return true;
    if (p->nsegs == MB_MAX_SEGMENTS)
        return mb_fail(p, "-kernel %s: more than %d loadable segments", p->args->kernel,
                       MB_MAX_SEGMENTS);
    if (addr + memsz > p->ram_size)
        return mb_fail(p,
                       "-kernel %s: segment at 0x%llx-0x%llx lies outside RAM (0-0x%llx; -m "
                       "sets the size)",
                       p->args->kernel, (unsigned long long)addr,
                       (unsigned long long)(addr + memsz - 1),
                       (unsigned long long)(p->ram_size - 1));
    p->segs[p->nsegs++] = (MbSegment){(uint32_t)addr, filesz, memsz, data};
    if (addr < p->kernel_start) p->kernel_start = addr;
    if (addr + memsz > p->kernel_end) p->kernel_end = addr + memsz;
    return true;
}

/* §3.1.4: the address fields give the load layout of a flat image. */
static bool mb_plan_aout_kludge(MbPlan *p, size_t hdr)
{
    const char *k = p->args->kernel;
    if (hdr + 32 > p->image_size || hdr + 32 > MULTIBOOT_SEARCH_BYTES)
        return mb_fail(p, "-kernel %s: multiboot header address fields are cut off", k);
    const uint8_t *h = p->image + hdr;
    uint32_t header_addr = get_le32(h + 12), load_addr = get_le32(h + 16);
    uint32_t load_end = get_le32(h + 20), bss_end = get_le32(h + 24), entry = get_le32(h + 28);
    if (load_addr > header_addr || header_addr - load_addr > hdr)
        return mb_fail(p, "-kernel %s: load_addr 0x%x is not before the header (header_addr 0x%x)",
                       k, load_addr, header_addr);
    size_t file_off = hdr - (header_addr - load_addr);
    uint64_t size = p->image_size - file_off;
    if (load_end) {
        if (load_end < load_addr || (uint64_t)load_end - load_addr > size)
            return mb_fail(p, "-kernel %s: load_end_addr 0x%x is outside the file", k, load_end);
        size = load_end - load_addr;
    }
    uint64_t memsz = size;
    if (bss_end) {
        if (bss_end < load_addr + size)
            return mb_fail(p, "-kernel %s: bss_end_addr 0x%x is before the loaded end", k, bss_end);
        memsz = bss_end - load_addr;
    }
    if (memsz > UINT32_MAX) return mb_fail(p, "-kernel %s: image larger than 4 GiB", k);
    p->entry = entry;
    return mb_add_segment(p, load_addr, (uint32_t)size, (uint32_t)memsz, p->image + file_off);
}

/* The entry point as a physical address: e_entry is virtual; a kernel
 * linked high (vaddr != paddr) starts at the physical copy of it. */
static uint32_t mb_elf_entry_paddr(const MbPlan *p, uint32_t entry, const uint8_t *phdrs, int n)
{
    for (int i = 0; i < n; i++) {
        const uint8_t *ph = phdrs + (size_t)i * ELF32_PHDR_SIZE;
        uint32_t vaddr = get_le32(ph + 8), paddr = get_le32(ph + 12), memsz = get_le32(ph + 20);
        if (get_le32(ph) == PT_LOAD && entry >= vaddr && entry - vaddr < memsz)
            return paddr + (entry - vaddr);
    }
    (void)p;
    return entry;
}

/* ELF32 i386 executable: its PT_LOAD program headers at their physical
 * addresses, memsz past filesz zeroed. */
static bool mb_plan_elf(MbPlan *p)
{
    const char *k = p->args->kernel;
    const uint8_t *e = p->image;
    if (p->image_size < 16 || memcmp(e, "\177ELF", 4) != 0)
        return mb_fail(p,
                       "-kernel %s: not an ELF file, and its multiboot header has no address "
                       "fields (flag 16)",
                       k);
    if (e[EI_CLASS] == ELFCLASS64)
        return mb_fail(p, "-kernel %s: a 64-bit ELF; multiboot loads 32-bit (ELFCLASS32) images",
                       k);
    if (p->image_size < ELF32_EHDR_SIZE || e[EI_CLASS] != ELFCLASS32 || e[EI_DATA] != ELFDATA2LSB ||
        get_le16(e + 16) != ET_EXEC || get_le16(e + 18) != EM_386)
        return mb_fail(p, "-kernel %s: not a little-endian ELF32 i386 executable", k);
    uint32_t phoff = get_le32(e + 28);
    uint16_t phentsize = get_le16(e + 42), phnum = get_le16(e + 44);
    if (phentsize != ELF32_PHDR_SIZE || phnum == 0 ||
        (uint64_t)phoff + (uint64_t)phnum * ELF32_PHDR_SIZE > p->image_size)
        return mb_fail(p, "-kernel %s: bad ELF program header table", k);
    const uint8_t *phdrs = e + phoff;
    for (int i = 0; i < phnum; i++) {
        const uint8_t *ph = phdrs + (size_t)i * ELF32_PHDR_SIZE;
        if (get_le32(ph) != PT_LOAD) continue;
        uint32_t off = get_le32(ph + 4), paddr = get_le32(ph + 12);
        uint32_t filesz = get_le32(ph + 16), memsz = get_le32(ph + 20);
        if (filesz > memsz || (uint64_t)off + filesz > p->image_size)
            return mb_fail(p, "-kernel %s: ELF segment %d lies outside the file", k, i);
        if (!mb_add_segment(p, paddr, filesz, memsz, e + off)) return false;
    }
    if (p->nsegs == 0) return mb_fail(p, "-kernel %s: no loadable ELF segment", k);
    p->entry = mb_elf_entry_paddr(p, get_le32(e + 24), phdrs, phnum);
    return true;
}

static bool mb_plan_kernel(MbPlan *p)
{
    const char *k = p->args->kernel;
    p->image = load_file(k, &p->image_size);
    if (!p->image) return mb_fail(p, "-kernel %s: %s", k, strerror(errno));
    long hdr = multiboot_find_header(p->image, p->image_size);
    if (hdr < 0)
        return mb_fail(p,
                       "-kernel %s: no multiboot header (magic 0x1BADB002 with a valid checksum) "
                       "in its first 8192 bytes",
                       k);
    uint32_t flags = get_le32(p->image + hdr + 4);
    if (flags & 0xffffu & ~MB_FLAGS_KNOWN_REQUIRED)
        return mb_fail(p, "-kernel %s: multiboot header flags 0x%x ask for unknown features", k,
                       flags & 0xffffu & ~MB_FLAGS_KNOWN_REQUIRED);
    p->kernel_start = UINT64_MAX;
    p->kernel_end = 0;
    return flags & MB_FLAG_AOUT_KLUDGE ? mb_plan_aout_kludge(p, (size_t)hdr) : mb_plan_elf(p);
}

/* -initrd "file args,file args": each module's string is its spec; ",,"
 * stands for a comma (QEMU's spelling). */
static bool mb_plan_modules(MbPlan *p)
{
    const char *s = p->args->initrd;
    uint64_t next = align_up(p->kernel_end > MB_HIGH_MEM ? p->kernel_end : MB_HIGH_MEM, MB_PAGE);
    while (s && *s) {
        if (p->nmods == MB_MAX_MODULES)
            return mb_fail(p, "-initrd: more than %d modules", MB_MAX_MODULES);
        MbModule *mod = &p->mods[p->nmods];
        mod->string = malloc(strlen(s) + 1);
        if (!mod->string) return mb_fail(p, "-initrd: out of memory");
        p->nmods++;
        size_t n = 0;
        for (; *s; s++) {
            if (*s == ',' && s[1] != ',') {
                s++;
                break;
            }
            if (*s == ',') s++; /* ",," */
            mod->string[n++] = *s;
        }
        mod->string[n] = '\0';
        char path[4096];
        size_t plen = strcspn(mod->string, " ");
        if (plen == 0 || plen >= sizeof path)
            return mb_fail(p, "-initrd: bad module '%s'", mod->string);
        memcpy(path, mod->string, plen);
        path[plen] = '\0';
        mod->data = load_file(path, &mod->size);
        if (!mod->data) return mb_fail(p, "-initrd %s: %s", path, strerror(errno));
        if (next + mod->size > p->ram_size)
            return mb_fail(p, "-initrd %s: module does not fit in RAM above the kernel (-m)", path);
        mod->addr = (uint32_t)next;
        next = align_up(next + mod->size, MB_PAGE);
    }
    return true;
}

/* Bytes of info-area string space a string takes. */
static size_t mb_string_space(const char *s)
{
    return align_up(strlen(s) + 1, 4);
}

/* Append s at *off in the info area; returns its guest address. */
static uint32_t mb_put_string(MbPlan *p, size_t *off, const char *s)
{
    size_t n = strlen(s) + 1;
    memcpy(p->info + *off, s, n);
    uint32_t addr = MULTIBOOT_INFO_ADDR + (uint32_t)*off;
    *off += align_up(n, 4);
    return addr;
}

/* The memory map (§3.3 mmap_*): the PC layout, low memory up to the
 * extended BIOS data area, the firmware area reserved, RAM above 1 MiB. */
static size_t mb_put_mmap(MbPlan *p, size_t off)
{
    static const struct {
        uint64_t start, end;
        uint32_t type;
    } low[] = {
        {0, MULTIBOOT_LOW_MEM_END, MB_MMAP_AVAILABLE},
        {MULTIBOOT_LOW_MEM_END, 0xa0000, MB_MMAP_RESERVED},
        {MB_BIOS_START, MB_HIGH_MEM, MB_MMAP_RESERVED},
    };
    for (size_t i = 0; i <= sizeof low / sizeof low[0]; i++) {
        uint64_t start = i < 3 ? low[i].start : MB_HIGH_MEM;
        uint64_t end = i < 3 ? low[i].end : p->ram_size;
        uint8_t *e = p->info + off;
        put_le32(e, MB_MMAP_SIZE - 4);
        put_le64(e + 4, start);
        put_le64(e + 12, end - start);
        put_le32(e + 20, i < 3 ? low[i].type : MB_MMAP_AVAILABLE);
        off += MB_MMAP_SIZE;
    }
    return off;
}

#define MB_MMAP_ENTRIES 4

static char *mb_kernel_cmdline(const MultibootArgs *a)
{
    /* Like GRUB and QEMU: the kernel's path, then -append. */
    size_t n = strlen(a->kernel) + (a->append ? strlen(a->append) + 1 : 0) + 1;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s%s%s", a->kernel, a->append ? " " : "", a->append ? a->append : "");
    return s;
}

/* §3.3: the information structure, memory map, module list and strings,
 * laid out from MULTIBOOT_INFO_ADDR. */
static bool mb_plan_info(MbPlan *p)
{
    char *cmdline = mb_kernel_cmdline(p->args);
    if (!cmdline) return mb_fail(p, "-kernel: out of memory");
    size_t mmap_off = MBI_SIZE, mods_off = mmap_off + MB_MMAP_ENTRIES * MB_MMAP_SIZE;
    size_t strings_off = mods_off + (size_t)p->nmods * MB_MOD_SIZE;
    size_t size = strings_off + mb_string_space(cmdline) + mb_string_space(MB_LOADER_NAME);
    for (int i = 0; i < p->nmods; i++)
        size += mb_string_space(p->mods[i].string);
    if (MULTIBOOT_INFO_ADDR + size > MULTIBOOT_LOW_MEM_END) {
        free(cmdline);
        return mb_fail(p, "-append/-initrd: the command lines do not fit in low memory");
    }
    uint64_t info_end = MULTIBOOT_INFO_ADDR + size;
    for (int i = 0; i < p->nsegs; i++) {
        const MbSegment *s = &p->segs[i];
        if (s->addr < info_end && (uint64_t)s->addr + s->memsz > MULTIBOOT_INFO_ADDR) {
            free(cmdline);
            return mb_fail(p,
                           "-kernel %s: segment at 0x%x-0x%x overlaps the multiboot "
                           "information at 0x%x-0x%llx",
                           p->args->kernel, s->addr, s->addr + s->memsz - 1, MULTIBOOT_INFO_ADDR,
                           (unsigned long long)info_end - 1);
        }
    }
    p->info = calloc(1, size);
    if (!p->info) {
        free(cmdline);
        return mb_fail(p, "-kernel: out of memory");
    }
    p->info_size = size;
    uint8_t *mbi = p->info;
    put_le32(mbi + MBI_FLAGS, MBI_FLAG_MEM | MBI_FLAG_CMDLINE | MBI_FLAG_MODS | MBI_FLAG_MMAP |
                                  MBI_FLAG_LOADER_NAME);
    put_le32(mbi + MBI_MEM_LOWER, MULTIBOOT_LOW_MEM_END / 1024);
    uint64_t upper = (p->ram_size - MB_HIGH_MEM) / 1024;
    put_le32(mbi + MBI_MEM_UPPER, upper > UINT32_MAX ? UINT32_MAX : (uint32_t)upper);
    put_le32(mbi + MBI_MMAP_LENGTH, MB_MMAP_ENTRIES * MB_MMAP_SIZE);
    put_le32(mbi + MBI_MMAP_ADDR, MULTIBOOT_INFO_ADDR + (uint32_t)mmap_off);
    mb_put_mmap(p, mmap_off);
    put_le32(mbi + MBI_MODS_COUNT, (uint32_t)p->nmods);
    put_le32(mbi + MBI_MODS_ADDR, MULTIBOOT_INFO_ADDR + (uint32_t)mods_off);
    size_t off = strings_off;
    put_le32(mbi + MBI_CMDLINE, mb_put_string(p, &off, cmdline));
    put_le32(mbi + MBI_LOADER_NAME, mb_put_string(p, &off, MB_LOADER_NAME));
    for (int i = 0; i < p->nmods; i++) {
        uint8_t *m = p->info + mods_off + (size_t)i * MB_MOD_SIZE;
        put_le32(m, p->mods[i].addr);
        put_le32(m + 4, p->mods[i].addr + (uint32_t)p->mods[i].size);
        put_le32(m + 8, mb_put_string(p, &off, p->mods[i].string));
    }
    free(cmdline);
    return true;
}

static bool mb_write(MbPlan *p, struct AddressSpace *as)
{
    static const uint8_t zeros[4096];
    bool ok = true;
    for (int i = 0; i < p->nsegs; i++) {
        const MbSegment *s = &p->segs[i];
        ok &= address_space_write_rom(as, s->addr, s->data, s->filesz) == MEMTX_OK;
        for (uint32_t z = s->filesz; z < s->memsz; z += sizeof zeros) {
            uint32_t n = s->memsz - z < sizeof zeros ? s->memsz - z : sizeof zeros;
            ok &= address_space_write_rom(as, (uint64_t)s->addr + z, zeros, n) == MEMTX_OK;
        }
    }
    for (int i = 0; i < p->nmods; i++)
        ok &= address_space_write_rom(as, p->mods[i].addr, p->mods[i].data, p->mods[i].size) ==
              MEMTX_OK;
    ok &= address_space_write_rom(as, MULTIBOOT_INFO_ADDR, p->info, p->info_size) == MEMTX_OK;
    return ok ? true : mb_fail(p, "-kernel %s: writing guest RAM failed", p->args->kernel);
}

static void mb_plan_free(MbPlan *p)
{
    free(p->image);
    free(p->info);
    for (int i = 0; i < p->nmods; i++) {
        free(p->mods[i].string);
        free(p->mods[i].data);
    }
}

bool multiboot_load(struct AddressSpace *as, uint64_t ram_size, const MultibootArgs *args,
                    MultibootBoot *out, char *err, size_t errlen)
{
    MbPlan p = {.args = args, .ram_size = ram_size, .err = err, .errlen = errlen};
    if (ram_size < 2 * MB_HIGH_MEM) {
        snprintf(err, errlen, "-m: multiboot needs at least 2 MiB of RAM");
        return false;
    }
    bool ok = mb_plan_kernel(&p) && mb_plan_modules(&p) && mb_plan_info(&p) && mb_write(&p, as);
    if (ok)
        *out = (MultibootBoot){
            .entry = p.entry,
            .info_addr = MULTIBOOT_INFO_ADDR,
            .kernel_start = (uint32_t)p.kernel_start,
            .kernel_end = (uint32_t)p.kernel_end,
            .mods_count = (uint32_t)p.nmods,
        };
    mb_plan_free(&p);
    return ok;
}
