/*
 * Intel 82441FX PCI and Memory Controller (PMC): the i440FX host bridge.
 * Register names and reset values are those of the 82441FX datasheet
 * (Intel 290549), §3.2 "PCI configuration registers"; configuration
 * mechanism #1 is PCI 3.0 §3.2.2.3.2.
 *
 * Modelled: the configuration ports, PAM shadowing of 0xc0000-0xfffff, and
 * the rest of the register file stored with its reset values.  There is no
 * SMM: SMRAM (0x72) keeps what is written, subject to D_LCK, and nothing is
 * mapped for it.  DRAM sizing and timing registers are plain storage.
 */
#include "devices/pci/i440fx.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/machine.h"
#include "softmmu/memory.h"

#define I440FX_DEVFN PCI_DEVFN(0, 0)

enum {
    /* Configuration registers past the header, §3.2. */
    I440FX_DRAMC = 0x57,
    I440FX_DRAMT = 0x58,
    I440FX_PAM0 = 0x59,
    I440FX_PAM6 = 0x5f,
    I440FX_DRB0 = 0x60,
    I440FX_FDHC = 0x68,
    I440FX_MTT = 0x70,
    I440FX_CLT = 0x71,
    I440FX_SMRAM = 0x72,
    I440FX_ERRCMD = 0x90,
    I440FX_ERRSTS = 0x91,
    I440FX_TRC = 0x93,

    SMRAM_C_BASE_SEG = 0x07, /* 010 = A0000h, read-only */
    SMRAM_G_SMRAME = 0x08,
    SMRAM_D_LCK = 0x10,
    SMRAM_D_CLS = 0x20,
    SMRAM_D_OPEN = 0x40,

    /* PAM nibble: bit 0 RE (reads to RAM), bit 1 WE (writes to RAM). */
    PAM_RE = 1,
    PAM_WE = 2,

    CONFIG_ADDRESS_ENABLE = 0x80000000u,
    CONFIG_ADDRESS_MASK = 0x80fffffcu, /* bits 30-24 reserved, 1-0 read as 0 */
};

/* §3.2: the registers kept beyond the header, with reset value, the bits
 * software may write, and the write-one-to-clear bits. */
static const struct {
    uint8_t reg, reset, wmask, w1c;
} i440fx_regs[] = {
    {0x50, 0x00, 0x70, 0}, /* PMCCFG */
    {0x51, 0x80, 0x80, 0}, /* DETURBO */
    {0x52, 0x00, 0xff, 0}, /* DBC: secondary cache */
    {0x53, 0x80, 0xf0, 0}, /* DRT: DRAM row type */
    {0x54, 0x00, 0xff, 0}, /* DRAMR (low) */
    {0x55, 0x00, 0xff, 0}, /* DRAMR (high) */
    {0x56, 0x00, 0xff, 0}, /* DRAMXC */
    {I440FX_DRAMC, 0x01, 0x3f, 0},
    {I440FX_DRAMT, 0x10, 0xff, 0},
    {I440FX_PAM0, 0x00, 0x30, 0}, /* low nibble reserved */
    {0x5a, 0x00, 0x33, 0},        /* PAM1-6: bits 6 and 2 reserved (§3.2.x "PAM") */
    {0x5b, 0x00, 0x33, 0},
    {0x5c, 0x00, 0x33, 0},
    {0x5d, 0x00, 0x33, 0},
    {0x5e, 0x00, 0x33, 0},
    {I440FX_PAM6, 0x00, 0x33, 0},
    {I440FX_DRB0 + 0, 0x01, 0xff, 0},
    {I440FX_DRB0 + 1, 0x01, 0xff, 0},
    {I440FX_DRB0 + 2, 0x01, 0xff, 0},
    {I440FX_DRB0 + 3, 0x01, 0xff, 0},
    {I440FX_DRB0 + 4, 0x01, 0xff, 0},
    {I440FX_DRB0 + 5, 0x01, 0xff, 0},
    {I440FX_DRB0 + 6, 0x01, 0xff, 0},
    {I440FX_DRB0 + 7, 0x01, 0xff, 0},
    {I440FX_FDHC, 0x00, 0xc0, 0},
    {I440FX_MTT, 0x20, 0xf8, 0},
    {I440FX_CLT, 0x10, 0xf8, 0},
    {I440FX_SMRAM, 0x02, 0x78, 0},
    {I440FX_ERRCMD, 0x00, 0xff, 0},
    {I440FX_ERRSTS, 0x00, 0x00, 0xff},
    {I440FX_TRC, 0x00, 0x06, 0},
};

/* The 13 PAM segments: 0xf0000 (64 KiB, PAM0 high nibble), then
 * 0xc0000-0xeffff in 16 KiB pieces, two per register from PAM1 low. */
#define PAM_SEGMENTS 13

static uint64_t pam_base(int seg)
{
    return seg == 0 ? 0xf0000 : 0xc0000 + (uint64_t)(seg - 1) * 0x4000;
}

static uint64_t pam_size(int seg)
{
    return seg == 0 ? 0x10000 : 0x4000;
}

static unsigned pam_attr(const uint8_t *config, int seg)
{
    if (seg == 0) return config[I440FX_PAM0] >> 4;
    uint8_t reg = config[I440FX_PAM0 + 1 + (seg - 1) / 2];
    return ((seg - 1) & 1 ? reg >> 4 : reg) & (PAM_RE | PAM_WE);
}

typedef struct I440fx I440fx;

/* One PAM segment: shadow RAM (read-only for RE alone) or, for WE alone,
 * a window that reads below and writes RAM; neither for 00. */
typedef struct PamSegment {
    I440fx *host;
    MemoryRegion ram_view, write_only;
    int mode; /* RE | WE as mapped now; -1: not yet mapped */
} PamSegment;

struct I440fx {
    PciDevice pci;
    /* connections, set before realize */
    MemoryRegion *io, *system_memory, *ram;
    PciBus *bus;

    MemoryRegion conf_addr, conf_data;
    uint32_t config_address;
    PamSegment pam[PAM_SEGMENTS];
    bool pam_ready; /* the segment regions exist (RAM reaches 1 MiB) */
};

/* ---- accesses passed on to what lies below one of our regions ---- */

/* The terminal region the map shows at offset off of mr when the regions
 * skipped (ours) are left out, as flatview.c would render it. */
typedef struct BelowHit {
    MemoryRegion *mr;
    uint64_t offset;
    bool readonly;
} BelowHit;

typedef bool SkipFn(const I440fx *s, const MemoryRegion *mr);

static bool region_find_below(MemoryRegion *mr, uint64_t off, SkipFn *skip, const I440fx *s,
                              bool readonly, BelowHit *hit)
{
    if (!mr->enabled || off >= mr->size || skip(s, mr)) return false;
    switch (mr->kind) {
    case MR_CONTAINER:
        /* children are sorted by priority, highest (and newest) first */
        for (unsigned i = 0; i < mr->nchildren; i++) {
            MemoryRegion *c = mr->children[i];
            if (off >= c->addr && region_find_below(c, off - c->addr, skip, s, readonly, hit))
                return true;
        }
        return false;
    case MR_ALIAS:
        return region_find_below(mr->alias, mr->alias_offset + off, skip, s,
                                 readonly || mr->readonly, hit);
    default: *hit = (BelowHit){.mr = mr, .offset = off, .readonly = readonly}; return true;
    }
}

static bool io_size_ok(const MemoryRegionOps *ops, uint64_t offset, unsigned size)
{
    unsigned lo = ops->min_access_size ? ops->min_access_size : 1;
    unsigned hi = ops->max_access_size ? ops->max_access_size : 4;
    return size >= lo && size <= hi && (ops->unaligned || (offset & (size - 1)) == 0);
}

/* One access of size bytes at off of root, skipping [skip_lo, skip_hi).
 * Reads of nothing return all ones, as unmapped memory does. */
static uint64_t below_read(MemoryRegion *root, uint64_t off, unsigned size, SkipFn *skip,
                           const I440fx *s)
{
    BelowHit h;
    if (!region_find_below(root, off, skip, s, false, &h)) return ~0ull >> (64 - 8 * size);
    if (h.mr->kind == MR_IO) {
        if (h.mr->ops->read && io_size_ok(h.mr->ops, h.offset, size))
            return h.mr->ops->read(h.mr->opaque, h.offset, size);
        LOG_MASK(LOG_GUEST_ERRORS, "i440fx: %u-byte read of %s+%#llx not passed on\n", size,
                 h.mr->name, (unsigned long long)h.offset);
        return ~0ull >> (64 - 8 * size);
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)(h.offset + i < h.mr->size ? h.mr->host[h.offset + i] : 0xff) << (8 * i);
    return v;
}

static void below_write(MemoryRegion *root, uint64_t off, uint64_t value, unsigned size,
                        SkipFn *skip, const I440fx *s)
{
    BelowHit h;
    if (!region_find_below(root, off, skip, s, false, &h)) return;
    if (h.mr->kind == MR_IO) {
        if (h.mr->ops->write && io_size_ok(h.mr->ops, h.offset, size))
            h.mr->ops->write(h.mr->opaque, h.offset, value, size);
        else
            LOG_MASK(LOG_GUEST_ERRORS, "i440fx: %u-byte write of %s+%#llx not passed on\n", size,
                     h.mr->name, (unsigned long long)h.offset);
        return;
    }
    if (h.mr->kind != MR_RAM || h.readonly) return; /* ROM: dropped */
    for (unsigned i = 0; i < size && h.offset + i < h.mr->size; i++)
        h.mr->host[h.offset + i] = (uint8_t)(value >> (8 * i));
}

/* ---- configuration mechanism #1 ---- */

static bool skip_conf_addr(const I440fx *s, const MemoryRegion *mr)
{
    return mr == &s->conf_addr;
}

static uint64_t conf_addr_read(void *opaque, uint64_t offset, unsigned size)
{
    I440fx *s = opaque;
    if (offset == 0 && size == 4) return s->config_address;
    return below_read(s->io, s->conf_addr.addr + offset, size, skip_conf_addr, s);
}

static void conf_addr_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    I440fx *s = opaque;
    if (offset == 0 && size == 4) {
        s->config_address = (uint32_t)value & CONFIG_ADDRESS_MASK;
        return;
    }
    below_write(s->io, s->conf_addr.addr + offset, value, size, skip_conf_addr, s);
}

static const MemoryRegionOps conf_addr_ops = {
    .read = conf_addr_read,
    .write = conf_addr_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 4,
};

/* Bus 0 is the only bus: type 1 cycles to others end in master abort. */
static bool conf_target(const I440fx *s, uint64_t offset, uint8_t *devfn, uint8_t *reg)
{
    uint32_t ca = s->config_address;
    if (!(ca & CONFIG_ADDRESS_ENABLE) || ((ca >> 16) & 0xff) != 0) return false;
    *devfn = (uint8_t)(ca >> 8);
    *reg = (uint8_t)((ca & 0xfc) + offset);
    return true;
}

static uint64_t conf_data_read(void *opaque, uint64_t offset, unsigned size)
{
    I440fx *s = opaque;
    uint8_t devfn, reg;
    if (!conf_target(s, offset, &devfn, &reg)) return ~0ull >> (64 - 8 * size);
    return pci_bus_config_read(s->bus, devfn, reg, size);
}

static void conf_data_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    I440fx *s = opaque;
    uint8_t devfn, reg;
    if (conf_target(s, offset, &devfn, &reg))
        pci_bus_config_write(s->bus, devfn, reg, (uint32_t)value, size);
}

static const MemoryRegionOps conf_data_ops = {
    .read = conf_data_read,
    .write = conf_data_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 4,
};

/* ---- PAM (§3.2.x "PAM: Programmable Attribute Map Registers") ---- */

static bool skip_pam(const I440fx *s, const MemoryRegion *mr)
{
    for (int i = 0; i < PAM_SEGMENTS; i++)
        if (mr == &s->pam[i].ram_view || mr == &s->pam[i].write_only) return true;
    return false;
}

static uint64_t pam_write_only_read(void *opaque, uint64_t offset, unsigned size)
{
    PamSegment *seg = opaque;
    I440fx *s = seg->host;
    return below_read(s->system_memory, seg->write_only.addr + offset, size, skip_pam, s);
}

static void pam_write_only_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    PamSegment *seg = opaque;
    uint64_t ram_offset = seg->write_only.addr + offset;
    /* Straight into the shadow RAM: code is only ever translated from what
     * reads see here (below), and a PAM change flushes all translations. */
    for (unsigned i = 0; i < size && ram_offset + i < seg->host->ram->size; i++)
        seg->host->ram->host[ram_offset + i] = (uint8_t)(value >> (8 * i));
}

static const MemoryRegionOps pam_write_only_ops = {
    .read = pam_write_only_read,
    .write = pam_write_only_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 4,
    .unaligned = true,
};

static void pam_update(I440fx *s)
{
    if (!s->pam_ready) return;
    for (int i = 0; i < PAM_SEGMENTS; i++) {
        PamSegment *seg = &s->pam[i];
        unsigned attr = pam_attr(s->pci.config, i);
        if ((int)attr == seg->mode) continue; /* each map change flushes all translations */
        seg->mode = (int)attr;
        memory_region_set_enabled(&seg->ram_view, attr & PAM_RE);
        memory_region_set_readonly(&seg->ram_view, !(attr & PAM_WE));
        memory_region_set_enabled(&seg->write_only, attr == PAM_WE);
    }
}

static void pam_init(I440fx *s)
{
    static const char *const names[PAM_SEGMENTS] = {
        "pam-f0000", "pam-c0000", "pam-c4000", "pam-c8000", "pam-cc000", "pam-d0000", "pam-d4000",
        "pam-d8000", "pam-dc000", "pam-e0000", "pam-e4000", "pam-e8000", "pam-ec000",
    };
    if (!s->ram || !s->system_memory || s->ram->size < 0x100000) return;
    for (int i = 0; i < PAM_SEGMENTS; i++) {
        PamSegment *seg = &s->pam[i];
        seg->host = s;
        seg->mode = -1;
        memory_region_init_alias(&seg->ram_view, names[i], s->ram, pam_base(i), pam_size(i));
        memory_region_init_io(&seg->write_only, names[i], pam_size(i), &pam_write_only_ops, seg);
        seg->ram_view.enabled = seg->write_only.enabled = false; /* all 00 at reset */
        memory_region_add_subregion(s->system_memory, pam_base(i), &seg->ram_view,
                                    I440FX_PAM_PRIORITY);
        memory_region_add_subregion(s->system_memory, pam_base(i), &seg->write_only,
                                    I440FX_PAM_PRIORITY);
    }
    s->pam_ready = true;
}

/* ---- the device ---- */

static void i440fx_config_write(PciDevice *d, uint32_t addr, uint32_t value, unsigned len)
{
    I440fx *s = (I440fx *)d;
    if (addr <= I440FX_SMRAM && addr + len > I440FX_SMRAM) {
        /* §3.2 SMRAM: once D_LCK is set, D_OPEN is cleared and both stay
         * read-only until reset. */
        uint8_t *smram = &d->config[I440FX_SMRAM];
        if (*smram & SMRAM_D_LCK) {
            *smram &= (uint8_t)~SMRAM_D_OPEN;
            d->wmask[I440FX_SMRAM] =
                (uint8_t)(d->wmask[I440FX_SMRAM] & ~(SMRAM_D_OPEN | SMRAM_D_LCK));
        }
    }
    if (addr <= I440FX_PAM6 && addr + len > I440FX_PAM0) pam_update(s);
}

static void i440fx_reset(Device *dev)
{
    I440fx *s = (I440fx *)dev;
    PciDevice *d = &s->pci;
    pci_device_reset(d);
    /* §3.2: PCICMD 0006h, PCISTS 0280h (fast back-to-back, medium DEVSEL). */
    pci_set_word(&d->config[PCI_COMMAND], 0x0006);
    pci_set_word(&d->config[PCI_STATUS], 0x0280);
    for (size_t i = 0; i < sizeof i440fx_regs / sizeof i440fx_regs[0]; i++) {
        d->config[i440fx_regs[i].reg] = i440fx_regs[i].reset;
        d->wmask[i440fx_regs[i].reg] = i440fx_regs[i].wmask;
        d->w1cmask[i440fx_regs[i].reg] = i440fx_regs[i].w1c;
    }
    s->config_address = 0;
    pam_update(s);
}

static void i440fx_post_load(Device *dev)
{
    I440fx *s = (I440fx *)dev;
    /* The write masks follow the loaded D_LCK, which may be clear where the
     * running machine had locked SMRAM. */
    for (size_t i = 0; i < sizeof i440fx_regs / sizeof i440fx_regs[0]; i++)
        s->pci.wmask[i440fx_regs[i].reg] = i440fx_regs[i].wmask;
    if (s->pci.config[I440FX_SMRAM] & SMRAM_D_LCK)
        s->pci.wmask[I440FX_SMRAM] &= (uint8_t) ~(SMRAM_D_OPEN | SMRAM_D_LCK);
    pci_device_post_load(&s->pci);
    for (int i = 0; i < PAM_SEGMENTS; i++)
        s->pam[i].mode = -1;
    pam_update(s);
}

static bool i440fx_realize(Device *dev, Machine *m)
{
    I440fx *s = (I440fx *)dev;
    char err[128];
    if (!s->io) {
        fprintf(stderr, "doppel: i440fx: no I/O port space to put the configuration ports in\n");
        return false;
    }
    s->bus = pci_bus_new(m, s->system_memory, s->io, m ? m->as : NULL);
    if (!s->bus || (m && !machine_add_bus(m, PCI_BUS_NAME, s->bus))) {
        fprintf(stderr, "doppel: i440fx: cannot create the PCI bus\n");
        pci_bus_free(s->bus);
        s->bus = NULL;
        return false;
    }
    if (!pci_device_attach(&s->pci, s->bus, I440FX_DEVFN, 0x8086, 0x1237, 0x02, 0x060000, err,
                           sizeof err)) {
        fprintf(stderr, "doppel: i440fx: %s\n", err);
        if (m) machine_remove_bus(m, s->bus);
        pci_bus_free(s->bus);
        s->bus = NULL;
        return false;
    }
    s->pci.config_write = i440fx_config_write;
    memory_region_init_io(&s->conf_addr, "pci-conf-addr", 4, &conf_addr_ops, s);
    memory_region_init_io(&s->conf_data, "pci-conf-data", 4, &conf_data_ops, s);
    memory_region_add_subregion(s->io, 0xcf8, &s->conf_addr, I440FX_CONF_PRIORITY);
    memory_region_add_subregion(s->io, 0xcfc, &s->conf_data, I440FX_CONF_PRIORITY);
    pam_init(s);
    return true;
}

static void i440fx_finalize(Device *dev)
{
    I440fx *s = (I440fx *)dev;
    for (int i = 0; s->pam_ready && i < PAM_SEGMENTS; i++) {
        memory_region_destroy(&s->pam[i].ram_view);
        memory_region_destroy(&s->pam[i].write_only);
    }
    memory_region_destroy(&s->conf_addr);
    memory_region_destroy(&s->conf_data);
    pci_device_detach(&s->pci);
    if (dev->machine) machine_remove_bus(dev->machine, s->bus);
    pci_bus_free(s->bus);
}

static const VMStateField i440fx_vmstate[] = {
    VMSTATE_BUFFER(I440fx, pci.config),
    VMSTATE_U32(I440fx, config_address),
    VMSTATE_END,
};

static const DeviceClass i440fx_class = {
    .name = "i440fx",
    .desc = "Intel 82441FX PCI host bridge and memory controller (PAM shadowing)",
    .instance_size = sizeof(I440fx),
    .vmstate = i440fx_vmstate,
    .realize = i440fx_realize,
    .reset = i440fx_reset,
    .post_load = i440fx_post_load,
    .finalize = i440fx_finalize,
};
DEVICE_REGISTER(i440fx_class)

Device *i440fx_create(Machine *m, MemoryRegion *io, MemoryRegion *system_memory, MemoryRegion *ram,
                      PciBus **bus_out)
{
    Device *dev = device_create(m, "i440fx");
    if (!dev) return NULL;
    I440fx *s = (I440fx *)dev;
    s->io = io;
    s->system_memory = system_memory;
    s->ram = ram;
    if (!device_realize(dev)) return NULL;
    if (bus_out) *bus_out = s->bus;
    return dev;
}
