/*
 * QEMU firmware configuration device (QEMU docs/specs/fw_cfg.rst), port
 * I/O flavour of the PC.
 *
 * Items are kept in two tables: keyed items (signature, ID, RAM size,
 * ...) and files, sorted by name, whose key is FW_CFG_FILE_FIRST plus
 * their index, so the directory (key 0x19) lists them in name order with
 * ascending keys, as QEMU does.  Reads past an item's end, and of a key
 * with no item, give 0x00.  No item is writable: a DMA write sets the
 * error bit, data port writes are ignored (fw_cfg.rst: "As of QEMU v2.4,
 * writes ... ignored").
 */
#include "devices/misc/fw_cfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"
#include "softmmu/memory.h"

#define FW_CFG_KEY_MASK   0xbfffu /* the write-channel bit selects the same item */
#define FW_CFG_MAX_FILES  (0x4000u - FW_CFG_FILE_FIRST)
#define FW_CFG_DMA_DESC   16u /* sizeof(FWCfgDmaAccess) */
#define FW_CFG_ZERO_CHUNK 4096u

typedef struct FwCfgItem {
    uint16_t key; /* keyed items only */
    char name[FW_CFG_MAX_FILE_NAME];
    uint8_t *data;
    uint32_t len;
} FwCfgItem;

typedef struct FwCfg {
    Device dev;
    MemoryRegion ctl_mr; /* selector (offset 0) and data (offset 1) */
    MemoryRegion dma_mr;
    MemoryRegion *io;
    AddressSpace *dma_as;
    uint16_t iobase, dma_iobase;
    bool dma_enabled;
    FwCfgItem *items; /* keyed */
    unsigned nitems;
    FwCfgItem *files; /* sorted by name */
    unsigned nfiles;
    /* guest-visible state */
    uint16_t cur_key;
    uint32_t cur_offset;
    uint64_t dma_addr;
} FwCfg;

static uint32_t rd_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wr_be32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static void wr_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* ---- items ---- */

static const FwCfgItem *fw_cfg_item(const FwCfg *s, uint16_t key)
{
    key &= FW_CFG_KEY_MASK;
    if (key >= FW_CFG_FILE_FIRST && key < FW_CFG_FILE_FIRST + s->nfiles)
        return &s->files[key - FW_CFG_FILE_FIRST];
    for (unsigned i = 0; i < s->nitems; i++)
        if (s->items[i].key == key) return &s->items[i];
    return NULL;
}

static uint8_t *fw_cfg_copy(const void *data, size_t len)
{
    uint8_t *p = malloc(len ? len : 1);
    if (!p) abort(); /* host out of memory */
    if (len) memcpy(p, data, len);
    return p;
}

static void fw_cfg_set_item(FwCfg *s, uint16_t key, const void *data, size_t len)
{
    key &= FW_CFG_KEY_MASK;
    FwCfgItem *it = NULL;
    for (unsigned i = 0; i < s->nitems && !it; i++)
        if (s->items[i].key == key) it = &s->items[i];
    if (!it) {
        FwCfgItem *grown = realloc(s->items, (s->nitems + 1) * sizeof *grown);
        if (!grown) abort();
        s->items = grown;
        it = &s->items[s->nitems++];
        memset(it, 0, sizeof *it);
        it->key = key;
    }
    free(it->data);
    it->data = fw_cfg_copy(data, len);
    it->len = (uint32_t)len;
}

/* Key 0x19: be32 count, then one entry per file (fw_cfg.rst "File
 * Directory"), rebuilt whenever a file is added. */
static void fw_cfg_rebuild_dir(FwCfg *s)
{
    size_t len = 4 + (size_t)s->nfiles * FW_CFG_DIR_ENTRY_SIZE;
    uint8_t *dir = calloc(1, len);
    if (!dir) abort();
    wr_be32(dir, s->nfiles);
    for (unsigned i = 0; i < s->nfiles; i++) {
        uint8_t *e = dir + 4 + (size_t)i * FW_CFG_DIR_ENTRY_SIZE;
        wr_be32(e, s->files[i].len);
        wr_be16(e + 4, (uint16_t)(FW_CFG_FILE_FIRST + i));
        memcpy(e + 8, s->files[i].name, FW_CFG_MAX_FILE_NAME);
    }
    fw_cfg_set_item(s, FW_CFG_FILE_DIR, dir, len);
    free(dir);
}

/* ---- selector and data ports ---- */

static void fw_cfg_select(FwCfg *s, uint16_t key)
{
    s->cur_key = key;
    s->cur_offset = 0;
}

static uint8_t fw_cfg_data_read_byte(FwCfg *s)
{
    const FwCfgItem *it = fw_cfg_item(s, s->cur_key);
    if (!it || s->cur_offset >= it->len) return 0;
    return it->data[s->cur_offset++];
}

static uint64_t fw_cfg_ctl_read(void *opaque, uint64_t offset, unsigned size)
{
    FwCfg *s = opaque;
    if (offset == 1 && size == 1) return fw_cfg_data_read_byte(s);
    LOG_MASK(LOG_GUEST_ERRORS, "fw_cfg: %u-byte read of port 0x%x (selector is write-only)\n", size,
             (unsigned)(s->iobase + offset));
    return 0;
}

static void fw_cfg_ctl_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    FwCfg *s = opaque;
    if (offset == 0 && size == 2) {
        fw_cfg_select(s, (uint16_t)value);
        return;
    }
    /* A byte write is a data-register write, ignored since QEMU 2.4. */
    LOG_MASK(LOG_GUEST_ERRORS, "fw_cfg: %u-byte write 0x%llx to port 0x%x ignored\n", size,
             (unsigned long long)value, (unsigned)(s->iobase + offset));
}

static const MemoryRegionOps fw_cfg_ctl_ops = {
    .read = fw_cfg_ctl_read,
    .write = fw_cfg_ctl_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 2,
};

/* ---- DMA ---- */

/* Whether every byte of [addr, addr + len) is mapped in the DMA space, so a
 * transfer either fits or fails before it writes anything. */
static bool fw_cfg_dma_range_mapped(AddressSpace *as, uint64_t addr, uint64_t len)
{
    if (len == 0) return true;
    if (addr + len < addr) return false;
    uint64_t end = addr + len;
    while (addr < end) {
        const FlatSection *sec = address_space_lookup(as, addr);
        if (!sec) return false;
        addr = sec->end;
    }
    return true;
}

static bool fw_cfg_dma_zero(AddressSpace *as, uint64_t addr, uint64_t len)
{
    static const uint8_t zeros[FW_CFG_ZERO_CHUNK];
    while (len) {
        uint64_t n = len < FW_CFG_ZERO_CHUNK ? len : FW_CFG_ZERO_CHUNK;
        if (dma_write(as, addr, zeros, n) != MEMTX_OK) return false;
        addr += n;
        len -= n;
    }
    return true;
}

/* One read, write or skip of `length` bytes at the current offset; false
 * sets the error bit. */
static bool fw_cfg_dma_move(FwCfg *s, uint32_t control, uint64_t address, uint32_t length)
{
    bool is_read = control & FW_CFG_DMA_CTL_READ;
    bool is_write = !is_read && (control & FW_CFG_DMA_CTL_WRITE);
    bool is_skip = !is_read && !is_write && (control & FW_CFG_DMA_CTL_SKIP);
    if (!is_read && !is_write && !is_skip) return true;
    if (is_write) {
        LOG_MASK(LOG_GUEST_ERRORS, "fw_cfg: DMA write to read-only key 0x%x\n", s->cur_key);
        return false;
    }
    if (is_read && !fw_cfg_dma_range_mapped(s->dma_as, address, length)) {
        LOG_MASK(LOG_GUEST_ERRORS, "fw_cfg: DMA read of %u bytes to unmapped 0x%llx\n", length,
                 (unsigned long long)address);
        return false;
    }
    const FwCfgItem *it = fw_cfg_item(s, s->cur_key);
    uint32_t avail = it && s->cur_offset < it->len ? it->len - s->cur_offset : 0;
    uint32_t n = length < avail ? length : avail;
    if (is_read && n && dma_write(s->dma_as, address, it->data + s->cur_offset, n) != MEMTX_OK)
        return false;
    s->cur_offset += n;
    /* Past the item's end a read gives zeros and the offset stays put. */
    if (is_read && length > n && !fw_cfg_dma_zero(s->dma_as, address + n, length - n)) return false;
    return true;
}

/* Run the FWCfgDmaAccess at dma_addr (fw_cfg.rst "Guest-side DMA
 * Interface"): big-endian control, length, address; the control word is
 * written back as 0, or the error bit. */
static void fw_cfg_dma_transfer(FwCfg *s)
{
    uint64_t desc_addr = s->dma_addr;
    s->dma_addr = 0; /* "0 at startup and after an operation" */
    uint8_t desc[FW_CFG_DMA_DESC];
    if (dma_read(s->dma_as, desc_addr, desc, sizeof desc) != MEMTX_OK) {
        LOG_MASK(LOG_GUEST_ERRORS, "fw_cfg: DMA descriptor at unmapped 0x%llx\n",
                 (unsigned long long)desc_addr);
        return;
    }
    uint32_t control = rd_be32(desc);
    uint32_t length = rd_be32(desc + 4);
    uint64_t address = (uint64_t)rd_be32(desc + 8) << 32 | rd_be32(desc + 12);
    if (control & FW_CFG_DMA_CTL_SELECT) fw_cfg_select(s, (uint16_t)(control >> 16));
    bool ok = fw_cfg_dma_move(s, control, address, length);
    uint8_t result[4];
    wr_be32(result, ok ? 0 : FW_CFG_DMA_CTL_ERROR);
    dma_write(s->dma_as, desc_addr, result, sizeof result);
}

static uint64_t fw_cfg_dma_read(void *opaque, uint64_t offset, unsigned size)
{
    /* Bytes offset.. of the big-endian signature, as the device value. */
    unsigned shift = 8 * (8 - (unsigned)offset - size);
    uint64_t v = FW_CFG_DMA_SIGNATURE >> shift;
    return size == 8 ? v : v & ((1ull << (8 * size)) - 1);
}

static void fw_cfg_dma_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    FwCfg *s = opaque;
    if (size == 8 && offset == 0) {
        s->dma_addr = value;
        fw_cfg_dma_transfer(s);
    } else if (size == 4 && offset == 0) {
        s->dma_addr = value << 32;
    } else if (size == 4 && offset == 4) {
        s->dma_addr |= value; /* the low half starts the transfer */
        fw_cfg_dma_transfer(s);
    } else {
        LOG_MASK(LOG_GUEST_ERRORS, "fw_cfg: %u-byte write to DMA register +%u ignored\n", size,
                 (unsigned)offset);
    }
}

static const MemoryRegionOps fw_cfg_dma_ops = {
    .read = fw_cfg_dma_read,
    .write = fw_cfg_dma_write,
    .endianness = DEVICE_BIG_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 8,
};

/* ---- device ---- */

static void fw_cfg_add_fixed_items(FwCfg *s)
{
    fw_cfg_set_item(s, FW_CFG_SIGNATURE, "QEMU", 4);
    uint8_t id[4] = {FW_CFG_VERSION | (s->dma_enabled ? FW_CFG_VERSION_DMA : 0), 0, 0, 0};
    fw_cfg_set_item(s, FW_CFG_ID, id, sizeof id);
    fw_cfg_rebuild_dir(s);
}

static bool fw_cfg_realize(Device *dev, Machine *m)
{
    FwCfg *s = (FwCfg *)dev;
    if (!s->io || (s->dma_enabled && !s->dma_as)) {
        fprintf(stderr, "doppel: fw_cfg: needs the board's port space and DMA address space\n");
        return false;
    }
    memory_region_init_io(&s->ctl_mr, "fw_cfg", 2, &fw_cfg_ctl_ops, s);
    memory_region_add_subregion(s->io, s->iobase, &s->ctl_mr, 0);
    if (s->dma_enabled) {
        memory_region_init_io(&s->dma_mr, "fw_cfg.dma", 8, &fw_cfg_dma_ops, s);
        memory_region_add_subregion(s->io, s->dma_iobase, &s->dma_mr, 0);
    }
    fw_cfg_add_fixed_items(s);
    return true;
}

static void fw_cfg_reset(Device *dev)
{
    FwCfg *s = (FwCfg *)dev;
    fw_cfg_select(s, FW_CFG_SIGNATURE);
    s->dma_addr = 0;
}

static void fw_cfg_finalize(Device *dev)
{
    FwCfg *s = (FwCfg *)dev;
    if (s->io) {
        memory_region_destroy(&s->ctl_mr);
        if (s->dma_enabled) memory_region_destroy(&s->dma_mr);
    }
    for (unsigned i = 0; i < s->nitems; i++)
        free(s->items[i].data);
    for (unsigned i = 0; i < s->nfiles; i++)
        free(s->files[i].data);
    free(s->items);
    free(s->files);
}

static const Property fw_cfg_props[] = {
    DEFINE_PROP_U16("iobase", FwCfg, iobase, FW_CFG_IO_BASE, "selector port (data at +1)"),
    DEFINE_PROP_U16("dma-iobase", FwCfg, dma_iobase, FW_CFG_DMA_IO_BASE, "DMA address port"),
    DEFINE_PROP_BOOL("dma", FwCfg, dma_enabled, true, "offer the DMA interface"),
    DEFINE_PROP_END,
};

static const VMStateField fw_cfg_vmstate[] = {
    VMSTATE_U16(FwCfg, cur_key),
    VMSTATE_U32(FwCfg, cur_offset),
    VMSTATE_U64(FwCfg, dma_addr),
    VMSTATE_END,
};

static const DeviceClass fw_cfg_class = {
    .name = "fw_cfg",
    .desc = "QEMU firmware configuration interface (board-created)",
    .instance_size = sizeof(FwCfg),
    .props = fw_cfg_props,
    .vmstate = fw_cfg_vmstate,
    .vmstate_version = 1,
    .realize = fw_cfg_realize,
    .reset = fw_cfg_reset,
    .finalize = fw_cfg_finalize,
};
DEVICE_REGISTER(fw_cfg_class)

Device *fw_cfg_create(Machine *m, MemoryRegion *io, AddressSpace *dma_as)
{
    Device *dev = device_create(m, "fw_cfg");
    if (!dev) return NULL;
    FwCfg *s = (FwCfg *)dev;
    s->io = io;
    s->dma_as = dma_as;
    if (!device_realize(dev)) return NULL;
    fw_cfg_reset(dev);
    return dev;
}

void fw_cfg_add_bytes(Device *fw, uint16_t key, const void *data, size_t len)
{
    fw_cfg_set_item((FwCfg *)fw, key, data, len);
}

void fw_cfg_add_i16(Device *fw, uint16_t key, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    fw_cfg_add_bytes(fw, key, b, sizeof b);
}

void fw_cfg_add_i32(Device *fw, uint16_t key, uint32_t v)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    fw_cfg_add_bytes(fw, key, b, sizeof b);
}

void fw_cfg_add_i64(Device *fw, uint16_t key, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    fw_cfg_add_bytes(fw, key, b, sizeof b);
}

bool fw_cfg_add_file(Device *fw, const char *name, const void *data, size_t len)
{
    FwCfg *s = (FwCfg *)fw;
    size_t name_len = strlen(name);
    if (name_len == 0 || name_len >= FW_CFG_MAX_FILE_NAME || len > UINT32_MAX) {
        fprintf(stderr, "doppel: fw_cfg: bad file '%s' (name 1-%u characters, under 4 GiB)\n", name,
                FW_CFG_MAX_FILE_NAME - 1);
        return false;
    }
    if (s->nfiles >= FW_CFG_MAX_FILES) {
        fprintf(stderr, "doppel: fw_cfg: no key left for file '%s'\n", name);
        return false;
    }
    unsigned at = 0;
    while (at < s->nfiles && strcmp(s->files[at].name, name) < 0)
        at++;
    if (at < s->nfiles && strcmp(s->files[at].name, name) == 0) {
        fprintf(stderr, "doppel: fw_cfg: file '%s' added twice\n", name);
        return false;
    }
    FwCfgItem *grown = realloc(s->files, (s->nfiles + 1) * sizeof *grown);
    if (!grown) abort();
    s->files = grown;
    memmove(&s->files[at + 1], &s->files[at], (s->nfiles - at) * sizeof *grown);
    s->nfiles++;
    FwCfgItem *it = &s->files[at];
    memset(it, 0, sizeof *it);
    memcpy(it->name, name, name_len);
    it->data = fw_cfg_copy(data, len);
    it->len = (uint32_t)len;
    fw_cfg_rebuild_dir(s);
    return true;
}

uint16_t fw_cfg_file_key(Device *fw, const char *name)
{
    FwCfg *s = (FwCfg *)fw;
    for (unsigned i = 0; i < s->nfiles; i++)
        if (strcmp(s->files[i].name, name) == 0) return (uint16_t)(FW_CFG_FILE_FIRST + i);
    return 0;
}
