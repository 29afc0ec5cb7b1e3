/*
 * BIOS linker/loader commands: writing them and running them.  Command
 * layout (all little-endian, 128 bytes; SeaBIOS src/fw/romfile_loader.h):
 *   0   u32 command
 *   ALLOCATE:     4 file[56], 60 u32 align, 64 u8 zone
 *   ADD_POINTER:  4 dest_file[56], 60 src_file[56], 116 u32 offset, 120 u8 size
 *   ADD_CHECKSUM: 4 file[56], 60 u32 offset, 64 u32 start, 68 u32 length
 */
#include "machines/acpi_loader.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "softmmu/memory.h"

enum {
    CMD_OFF_FILE = 4,
    CMD_OFF_ALLOC_ALIGN = 60,
    CMD_OFF_ALLOC_ZONE = 64,
    CMD_OFF_PTR_SRC = 60,
    CMD_OFF_PTR_OFFSET = 116,
    CMD_OFF_PTR_SIZE = 120,
    CMD_OFF_CKSUM_OFFSET = 60,
    CMD_OFF_CKSUM_START = 64,
    CMD_OFF_CKSUM_LENGTH = 68,
};

#define RSDP_SIGNATURE "RSD PTR "
#define RSDP_FILE      "etc/acpi/rsdp"

/* ---- writer ---- */

static size_t loader_cmd(AcpiBuf *cmds, uint32_t command)
{
    size_t at = acpi_buf_reserve(cmds, ACPI_LOADER_ENTRY_SIZE);
    acpi_buf_put(cmds, at, command, 4);
    return at;
}

static void loader_put_name(AcpiBuf *cmds, size_t at, const char *name)
{
    size_t len = strlen(name);
    if (len >= ACPI_LOADER_FILESZ) len = ACPI_LOADER_FILESZ - 1;
    memcpy(cmds->data + at, name, len);
}

void acpi_loader_allocate(AcpiBuf *cmds, const char *file, uint32_t align, uint8_t zone)
{
    size_t at = loader_cmd(cmds, ACPI_LOADER_ALLOCATE);
    loader_put_name(cmds, at + CMD_OFF_FILE, file);
    acpi_buf_put(cmds, at + CMD_OFF_ALLOC_ALIGN, align, 4);
    acpi_buf_put(cmds, at + CMD_OFF_ALLOC_ZONE, zone, 1);
}

void acpi_loader_add_pointer(AcpiBuf *cmds, const char *dest_file, const char *src_file,
                             uint32_t offset, uint8_t size)
{
    size_t at = loader_cmd(cmds, ACPI_LOADER_ADD_POINTER);
    loader_put_name(cmds, at + CMD_OFF_FILE, dest_file);
    loader_put_name(cmds, at + CMD_OFF_PTR_SRC, src_file);
    acpi_buf_put(cmds, at + CMD_OFF_PTR_OFFSET, offset, 4);
    acpi_buf_put(cmds, at + CMD_OFF_PTR_SIZE, size, 1);
}

void acpi_loader_add_checksum(AcpiBuf *cmds, const char *file, uint32_t offset, uint32_t start,
                              uint32_t length)
{
    size_t at = loader_cmd(cmds, ACPI_LOADER_ADD_CHECKSUM);
    loader_put_name(cmds, at + CMD_OFF_FILE, file);
    acpi_buf_put(cmds, at + CMD_OFF_CKSUM_OFFSET, offset, 4);
    acpi_buf_put(cmds, at + CMD_OFF_CKSUM_START, start, 4);
    acpi_buf_put(cmds, at + CMD_OFF_CKSUM_LENGTH, length, 4);
}

/* ---- executor ---- */

typedef struct LoadedFile {
    const AcpiLoaderFile *src;
    uint8_t *data; /* the copy commands patch */
    uint64_t addr;
} LoadedFile;

typedef struct Loader {
    const AcpiLoaderFile *files;
    unsigned nfiles;
    LoadedFile *loaded;
    unsigned nloaded;
    uint64_t next[2], end[2]; /* HIGH, FSEG */
    char *err;
    size_t errlen;
    unsigned cmd_index;
} Loader;

static uint32_t rd_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool loader_fail(Loader *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool loader_fail(Loader *l, const char *fmt, ...)
{
    int n = snprintf(l->err, l->errlen, "table-loader command %u: ", l->cmd_index);
    if (n >= 0 && (size_t)n < l->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(l->err + n, l->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* A file name field: must be NUL-terminated within its 56 bytes. */
static const char *loader_name(const uint8_t *field)
{
    return memchr(field, 0, ACPI_LOADER_FILESZ) ? (const char *)field : NULL;
}

static LoadedFile *loader_find(Loader *l, const char *name)
{
    for (unsigned i = 0; i < l->nloaded; i++)
        if (strcmp(l->loaded[i].src->name, name) == 0) return &l->loaded[i];
    return NULL;
}

static bool loader_allocate(Loader *l, const uint8_t *cmd)
{
    const char *name = loader_name(cmd + CMD_OFF_FILE);
    uint32_t align = rd_le32(cmd + CMD_OFF_ALLOC_ALIGN);
    uint8_t zone = cmd[CMD_OFF_ALLOC_ZONE];
    if (!name) return loader_fail(l, "ALLOCATE: file name not terminated");
    if (align & (align - 1)) return loader_fail(l, "ALLOCATE %s: alignment %u", name, align);
    if (zone != ACPI_LOADER_ZONE_HIGH && zone != ACPI_LOADER_ZONE_FSEG)
        return loader_fail(l, "ALLOCATE %s: unknown zone %u", name, zone);
    if (loader_find(l, name)) return loader_fail(l, "ALLOCATE %s: allocated twice", name);
    const AcpiLoaderFile *f = NULL;
    for (unsigned i = 0; i < l->nfiles && !f; i++)
        if (strcmp(l->files[i].name, name) == 0) f = &l->files[i];
    if (!f) return loader_fail(l, "ALLOCATE %s: no such file", name);
    unsigned z = zone == ACPI_LOADER_ZONE_FSEG;
    if (align < 16) align = 16;
    uint64_t addr = (l->next[z] + align - 1) & ~(uint64_t)(align - 1);
    if (addr < l->next[z] || addr > l->end[z] || f->len > l->end[z] - addr)
        return loader_fail(l, "ALLOCATE %s: %zu bytes do not fit the %s zone", name, f->len,
                           z ? "FSEG" : "HIGH");
    LoadedFile *lf = &l->loaded[l->nloaded++];
    lf->src = f;
    lf->addr = addr;
    lf->data = malloc(f->len ? f->len : 1);
    if (!lf->data) abort(); /* host out of memory */
    memcpy(lf->data, f->data, f->len);
    l->next[z] = addr + f->len;
    return true;
}

static bool loader_add_pointer(Loader *l, const uint8_t *cmd)
{
    const char *dname = loader_name(cmd + CMD_OFF_FILE);
    const char *sname = loader_name(cmd + CMD_OFF_PTR_SRC);
    uint32_t offset = rd_le32(cmd + CMD_OFF_PTR_OFFSET);
    uint8_t size = cmd[CMD_OFF_PTR_SIZE];
    if (!dname || !sname) return loader_fail(l, "ADD_POINTER: file name not terminated");
    LoadedFile *dest = loader_find(l, dname), *src = loader_find(l, sname);
    if (!dest || !src) return loader_fail(l, "ADD_POINTER: %s not allocated", dest ? sname : dname);
    if (size != 1 && size != 2 && size != 4 && size != 8)
        return loader_fail(l, "ADD_POINTER %s: pointer size %u", dname, size);
    if (offset > dest->src->len || size > dest->src->len - offset)
        return loader_fail(l, "ADD_POINTER %s: offset %u outside the file", dname, offset);
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)dest->data[offset + i] << (8 * i);
    v += src->addr;
    for (unsigned i = 0; i < size; i++)
        dest->data[offset + i] = (uint8_t)(v >> (8 * i));
    return true;
}

static bool loader_add_checksum(Loader *l, const uint8_t *cmd)
{
    const char *name = loader_name(cmd + CMD_OFF_FILE);
    uint32_t offset = rd_le32(cmd + CMD_OFF_CKSUM_OFFSET);
    uint32_t start = rd_le32(cmd + CMD_OFF_CKSUM_START);
    uint32_t length = rd_le32(cmd + CMD_OFF_CKSUM_LENGTH);
    if (!name) return loader_fail(l, "ADD_CHECKSUM: file name not terminated");
    LoadedFile *f = loader_find(l, name);
    if (!f) return loader_fail(l, "ADD_CHECKSUM: %s not allocated", name);
    size_t len = f->src->len;
    if (offset >= len || start > len || length > len - start)
        return loader_fail(l, "ADD_CHECKSUM %s: range outside the file", name);
    f->data[offset] = (uint8_t)(f->data[offset] - acpi_checksum(f->data + start, length));
    return true;
}

static bool loader_execute(Loader *l, const uint8_t *cmds, size_t cmds_len)
{
    for (size_t off = 0; off < cmds_len; off += ACPI_LOADER_ENTRY_SIZE, l->cmd_index++) {
        const uint8_t *cmd = cmds + off;
        uint32_t command = rd_le32(cmd);
        bool ok;
        switch (command) {
        case ACPI_LOADER_ALLOCATE: ok = loader_allocate(l, cmd); break;
        case ACPI_LOADER_ADD_POINTER: ok = loader_add_pointer(l, cmd); break;
        case ACPI_LOADER_ADD_CHECKSUM: ok = loader_add_checksum(l, cmd); break;
        case ACPI_LOADER_WRITE_POINTER:
            /* Only for writable fw_cfg files, which a firmware-less boot has none of. */
            LOG_MASK(LOG_UNIMP, "acpi loader: WRITE_POINTER skipped\n");
            ok = true;
            break;
        default: ok = loader_fail(l, "unknown command %u", command); break;
        }
        if (!ok) return false;
    }
    return true;
}

static bool loader_find_rsdp(Loader *l, uint64_t *rsdp_addr)
{
    LoadedFile *f = loader_find(l, RSDP_FILE);
    for (unsigned i = 0; i < l->nloaded && !f; i++)
        if (l->loaded[i].src->len >= 8 && memcmp(l->loaded[i].data, RSDP_SIGNATURE, 8) == 0)
            f = &l->loaded[i];
    if (!f) {
        snprintf(l->err, l->errlen, "table-loader: no RSDP was allocated");
        return false;
    }
    *rsdp_addr = f->addr;
    return true;
}

bool acpi_loader_run(AddressSpace *as, const uint8_t *cmds, size_t cmds_len,
                     const AcpiLoaderFile *files, unsigned nfiles, const AcpiLoaderZones *zones,
                     uint64_t *rsdp_addr, char *err, size_t errlen)
{
    Loader l = {
        .files = files,
        .nfiles = nfiles,
        .next = {zones->high_start, zones->fseg_start},
        .end = {zones->high_end, zones->fseg_end},
        .err = err,
        .errlen = errlen,
    };
    if (cmds_len % ACPI_LOADER_ENTRY_SIZE) {
        snprintf(err, errlen, "table-loader: %zu bytes is not a whole number of commands",
                 cmds_len);
        return false;
    }
    l.loaded = calloc(nfiles ? nfiles : 1, sizeof *l.loaded);
    if (!l.loaded) abort();
    bool ok = loader_execute(&l, cmds, cmds_len) && loader_find_rsdp(&l, rsdp_addr);
    for (unsigned i = 0; i < l.nloaded; i++) {
        LoadedFile *f = &l.loaded[i];
        if (ok && address_space_write_rom(as, f->addr, f->data, f->src->len) != MEMTX_OK) {
            snprintf(err, errlen, "table-loader: %s at 0x%llx is not in guest memory", f->src->name,
                     (unsigned long long)f->addr);
            ok = false;
        }
        free(f->data);
    }
    free(l.loaded);
    return ok;
}
